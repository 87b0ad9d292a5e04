#include "domain/date.h"

namespace pathways {

// Howard Hinnant's days_from_civil / civil_from_days algorithms.
Date make_date(int y, int m, int d) {
  y -= m <= 2;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int>(doe) - 719468;
}

Ymd to_ymd(Date z) {
  z += 719468;
  const int era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int y = static_cast<int>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return {y + (m <= 2), static_cast<int>(m), static_cast<int>(d)};
}

bool is_leap_year(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int days_in_month(int y, int m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap_year(y) ? 29 : kDays[m - 1];
}

namespace {
bool digits(std::string_view s, int& out) {
  int v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  out = v;
  return true;
}
}  // namespace

std::optional<Date> parse_date(std::string_view t) {
  if (t.size() != 10 || t[4] != '-' || t[7] != '-') return std::nullopt;
  int y, m, d;
  if (!digits(t.substr(0, 4), y) || !digits(t.substr(5, 2), m) || !digits(t.substr(8, 2), d))
    return std::nullopt;
  if (y < 1900 || y > 2199 || m < 1 || m > 12 || d < 1 || d > days_in_month(y, m))
    return std::nullopt;
  return make_date(y, m, d);
}

std::string format_date(Date d) {
  if (d == kNoDate) return "";
  const Ymd v = to_ymd(d);
  char buf[16];
  buf[0] = static_cast<char>('0' + v.year / 1000 % 10);
  buf[1] = static_cast<char>('0' + v.year / 100 % 10);
  buf[2] = static_cast<char>('0' + v.year / 10 % 10);
  buf[3] = static_cast<char>('0' + v.year % 10);
  buf[4] = '-';
  buf[5] = static_cast<char>('0' + v.month / 10);
  buf[6] = static_cast<char>('0' + v.month % 10);
  buf[7] = '-';
  buf[8] = static_cast<char>('0' + v.day / 10);
  buf[9] = static_cast<char>('0' + v.day % 10);
  return std::string(buf, 10);
}

Date month_end(int y, int m) { return make_date(y, m, days_in_month(y, m)); }

std::optional<Date> parse_month_end(std::string_view t) {
  int y, m;
  if (t.size() != 7 || t[4] != '-' || !digits(t.substr(0, 4), y) || !digits(t.substr(5, 2), m))
    return std::nullopt;
  if (y < 1900 || y > 2199 || m < 1 || m > 12) return std::nullopt;
  return month_end(y, m);
}

Date add_months(Date d, int n) {
  const Ymd v = to_ymd(d);
  int total = v.year * 12 + (v.month - 1) + n;
  const int y = total / 12;
  const int m = total % 12 + 1;
  const int day = v.day < days_in_month(y, m) ? v.day : days_in_month(y, m);
  return make_date(y, m, day);
}

int age_on(Date dob, Date on) {
  const Ymd b = to_ymd(dob);
  const Ymd o = to_ymd(on);
  int age = o.year - b.year;
  if (o.month < b.month || (o.month == b.month && o.day < b.day)) --age;
  return age;
}

int academic_year_of(Date d) {
  const Ymd v = to_ymd(d);
  return v.month >= 9 ? v.year : v.year - 1;
}

int academic_age_in_year(Date dob, int start_year) {
  // Age on 31 August of start_year: a birthday in September-December has not yet
  // come round by 31 August, every other birthday has.
  const Ymd b = to_ymd(dob);
  int age = start_year - b.year;
  if (b.month > 8) --age;  // birthday (Sep-Dec) not yet reached by 31 August
  return age;
}

int academic_age(Date dob, Date on) { return academic_age_in_year(dob, academic_year_of(on)); }

Date first_day_of_academic_age(Date dob, int age) {
  const Ymd b = to_ymd(dob);
  const int year = b.year + age + (b.month > 8 ? 1 : 0);
  return make_date(year, 9, 1);
}

Date next_september_first(Date d) {
  const Ymd v = to_ymd(d);
  const Date this_year = make_date(v.year, 9, 1);
  return d < this_year ? this_year : make_date(v.year + 1, 9, 1);
}

}  // namespace pathways
