#include "auth/timestamp.h"

#include <cctype>

#include <fmt/format.h>

namespace pathways {

std::string timestamp_ms(SystemTime t) {
  using namespace std::chrono;
  const auto ms = time_point_cast<milliseconds>(t);
  const auto day = floor<days>(ms);
  const year_month_day ymd{day};
  const hh_mm_ss hms{ms - day};
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", static_cast<int>(ymd.year()),
                     static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()), hms.hours().count(),
                     hms.minutes().count(), hms.seconds().count(), hms.subseconds().count());
}

namespace {

// Reads exactly `n` digits at text[i]; advances i.
std::optional<int> digits(std::string_view text, size_t& i, size_t n) {
  if (i + n > text.size()) return std::nullopt;
  int v = 0;
  for (size_t k = 0; k < n; ++k) {
    const char c = text[i + k];
    if (!std::isdigit(static_cast<unsigned char>(c))) return std::nullopt;
    v = v * 10 + (c - '0');
  }
  i += n;
  return v;
}

bool expect(std::string_view text, size_t& i, char c) {
  if (i >= text.size() || text[i] != c) return false;
  ++i;
  return true;
}

}  // namespace

std::optional<SystemTime> parse_timestamp(std::string_view text) {
  using namespace std::chrono;
  size_t i = 0;
  const auto y = digits(text, i, 4);
  if (!y || !expect(text, i, '-')) return std::nullopt;
  const auto mo = digits(text, i, 2);
  if (!mo || !expect(text, i, '-')) return std::nullopt;
  const auto d = digits(text, i, 2);
  if (!d) return std::nullopt;
  const year_month_day ymd{year{*y}, month{static_cast<unsigned>(*mo)}, day{static_cast<unsigned>(*d)}};
  if (!ymd.ok()) return std::nullopt;
  SystemTime t = sys_days{ymd};
  if (i < text.size() && text[i] != 'Z') {
    if (text[i] != 'T' && text[i] != ' ') return std::nullopt;
    ++i;
    const auto h = digits(text, i, 2);
    if (!h || *h > 23 || !expect(text, i, ':')) return std::nullopt;
    const auto mi = digits(text, i, 2);
    if (!mi || *mi > 59) return std::nullopt;
    t += hours{*h} + minutes{*mi};
    if (i < text.size() && text[i] == ':') {
      ++i;
      const auto s = digits(text, i, 2);
      if (!s || *s > 59) return std::nullopt;
      t += seconds{*s};
      if (i < text.size() && text[i] == '.') {
        ++i;
        int64_t nanos = 0;
        size_t n = 0;
        while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])) && n < 9) {
          nanos = nanos * 10 + (text[i++] - '0');
          ++n;
        }
        if (n == 0) return std::nullopt;
        for (size_t k = n; k < 9; ++k) nanos *= 10;
        t += duration_cast<SystemTime::duration>(nanoseconds{nanos});
      }
    }
  }
  if (i < text.size() && text[i] == 'Z') ++i;
  if (i != text.size()) return std::nullopt;
  return t;
}

}  // namespace pathways
