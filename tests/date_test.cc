// Dates and the academic calendar: exact at the 31 August / 1 September boundary and in
// leap years.
#include "domain/date.h"

#include <gtest/gtest.h>

namespace pathways {
namespace {

Date D(const char* s) {
  auto d = parse_date(s);
  EXPECT_TRUE(d.has_value()) << s;
  return d.value_or(kNoDate);
}

TEST(Date, RoundTripsAcrossCenturiesAndLeapDays) {
  for (const char* s : {"1970-01-01", "2000-02-29", "2024-02-29", "1999-12-31", "2100-03-01", "1900-01-01"})
    EXPECT_EQ(format_date(D(s)), s);
  EXPECT_EQ(D("1970-01-02") - D("1970-01-01"), 1);
  EXPECT_EQ(D("2024-03-01") - D("2024-02-28"), 2);  // leap year
  EXPECT_EQ(D("2023-03-01") - D("2023-02-28"), 1);
}

TEST(Date, RejectsImpossibleAndMalformedDates) {
  for (const char* s : {"2023-02-29", "2100-02-29", "2024-13-01", "2024-00-10", "2024-04-31", "2024-1-01",
                        "24-01-01", "2024/01/01", "2024-01-01T", "", "abcd-ef-gh", "1899-12-31", "2024-06-00"})
    EXPECT_FALSE(parse_date(s).has_value()) << s;
}

TEST(Date, MonthEnds) {
  EXPECT_EQ(format_date(*parse_month_end("2024-02")), "2024-02-29");
  EXPECT_EQ(format_date(*parse_month_end("2025-02")), "2025-02-28");
  EXPECT_EQ(format_date(*parse_month_end("2024-12")), "2024-12-31");
  EXPECT_FALSE(parse_month_end("2024-13").has_value());
  EXPECT_FALSE(parse_month_end("2024-1").has_value());
}

TEST(Date, AddMonthsClampsToTheLastDay) {
  EXPECT_EQ(format_date(add_months(D("2024-01-31"), 1)), "2024-02-29");
  EXPECT_EQ(format_date(add_months(D("2025-01-31"), 1)), "2025-02-28");
  EXPECT_EQ(format_date(add_months(D("2024-08-31"), 6)), "2025-02-28");
  EXPECT_EQ(format_date(add_months(D("2024-11-30"), 3)), "2025-02-28");
  EXPECT_EQ(format_date(add_months(D("2024-10-15"), 3)), "2025-01-15");
  EXPECT_EQ(format_date(add_months(D("2024-12-31"), 6)), "2025-06-30");
}

TEST(Date, AgeOnBirthdays) {
  EXPECT_EQ(age_on(D("2008-09-01"), D("2024-08-31")), 15);
  EXPECT_EQ(age_on(D("2008-09-01"), D("2024-09-01")), 16);
  // Born on 29 February: a year older on 1 March in common years.
  EXPECT_EQ(age_on(D("2008-02-29"), D("2025-02-28")), 16);
  EXPECT_EQ(age_on(D("2008-02-29"), D("2025-03-01")), 17);
  EXPECT_EQ(age_on(D("2008-02-29"), D("2024-02-29")), 16);
}

TEST(Date, AcademicYearTurnsOnFirstSeptember) {
  EXPECT_EQ(academic_year_of(D("2024-08-31")), 2023);
  EXPECT_EQ(academic_year_of(D("2024-09-01")), 2024);
  EXPECT_EQ(academic_year_of(D("2025-01-31")), 2024);
}

TEST(Date, AcademicAgeIsAgeOnThe31AugustBefore) {
  // Born 31 August 2008: 16 on 31 August 2024, so academic age 16 in 2024-25 (Year 12).
  EXPECT_EQ(academic_age(D("2008-08-31"), D("2024-09-01")), 16);
  EXPECT_EQ(academic_age(D("2008-08-31"), D("2024-08-31")), 15);
  // Born 1 September 2008: 15 on 31 August 2024, so academic age 15 in 2024-25 (Year 11),
  // even though they turn 16 on the first day of that year.
  EXPECT_EQ(academic_age(D("2008-09-01"), D("2024-09-01")), 15);
  EXPECT_EQ(academic_age(D("2008-09-01"), D("2025-08-31")), 15);
  EXPECT_EQ(academic_age(D("2008-09-01"), D("2025-09-01")), 16);
  // Leap-day births count like any other spring birthday.
  EXPECT_EQ(academic_age(D("2008-02-29"), D("2024-12-31")), 16);
  EXPECT_EQ(academic_age(D("2008-02-29"), D("2024-08-31")), 15);
  EXPECT_EQ(academic_age_in_year(D("2008-12-31"), 2024), 15);
  EXPECT_EQ(academic_age_in_year(D("2009-01-01"), 2024), 15);
  EXPECT_EQ(academic_age_in_year(D("2008-01-01"), 2024), 16);
}

TEST(Date, FirstDayOfAcademicAge) {
  EXPECT_EQ(format_date(first_day_of_academic_age(D("2008-08-31"), 16)), "2024-09-01");
  EXPECT_EQ(format_date(first_day_of_academic_age(D("2008-09-01"), 16)), "2025-09-01");
  EXPECT_EQ(format_date(first_day_of_academic_age(D("2008-02-29"), 16)), "2024-09-01");
  for (const char* dob : {"2008-08-31", "2008-09-01", "2008-02-29", "2009-12-25"}) {
    const Date first = first_day_of_academic_age(D(dob), 16);
    EXPECT_EQ(academic_age(D(dob), first), 16) << dob;
    EXPECT_EQ(academic_age(D(dob), first - 1), 15) << dob;
  }
}

TEST(Date, NextSeptemberFirstIsStrictlyAfter) {
  EXPECT_EQ(format_date(next_september_first(D("2024-08-31"))), "2024-09-01");
  EXPECT_EQ(format_date(next_september_first(D("2024-09-01"))), "2025-09-01");
  EXPECT_EQ(format_date(next_september_first(D("2024-12-15"))), "2025-09-01");
  EXPECT_EQ(format_date(next_september_first(D("2025-01-01"))), "2025-09-01");
}

}  // namespace
}  // namespace pathways
