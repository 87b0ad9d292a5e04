// Civil dates as a day count, and the academic calendar of English schools.
//
// A Date is the number of days since 1970-01-01 (proleptic Gregorian). It is a plain
// int32 so that columns of dates are compact and comparisons are single instructions.
// kNoDate marks an empty cell; it compares below every real date.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace pathways {

using Date = int32_t;
inline constexpr Date kNoDate = INT32_MIN;

struct Ymd {
  int year;
  int month;  // 1-12
  int day;    // 1-31
};

// Days from 1970-01-01 to y-m-d. The arguments must form a valid date.
Date make_date(int year, int month, int day);
Ymd to_ymd(Date d);

bool is_leap_year(int year);
int days_in_month(int year, int month);

// Strict ISO "YYYY-MM-DD": exactly ten characters, a real calendar date, year 1900-2199.
std::optional<Date> parse_date(std::string_view text);
std::string format_date(Date d);

// "YYYY-MM" -> the last day of that month.
std::optional<Date> parse_month_end(std::string_view text);
Date month_end(int year, int month);

// The same day of the month n months later, clamped to the last day of that month
// (31 Jan + 1 month = 28 or 29 Feb).
Date add_months(Date d, int n);

// Completed years of age on date `on` for someone born on `dob`. Someone born on
// 29 February turns a year older on 1 March in common years.
int age_on(Date dob, Date on);

// The academic year (1 September - 31 August) containing d, named by its start year.
int academic_year_of(Date d);

// Age on the 31 August before the academic year containing `on` starts.
// Year 11 = academic age 15, Year 12 = 16, Year 13 = 17.
int academic_age(Date dob, Date on);

// Academic age throughout the academic year that starts on 1 September of `start_year`.
int academic_age_in_year(Date dob, int start_year);

// The first day on which the person's academic age is at least `age`: always a 1 September.
Date first_day_of_academic_age(Date dob, int age);

// The first 1 September strictly after d.
Date next_september_first(Date d);

}  // namespace pathways
