// Appending CSV rows to an in-memory buffer: RFC 4180 quoting, ISO dates, `\n` line ends.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "domain/date.h"

namespace pathways::gen {

class CsvOut {
 public:
  // A text field, quoted when it contains a comma, quote or line break.
  CsvOut& text(std::string_view s) {
    sep();
    if (s.find_first_of(",\"\r\n") == std::string_view::npos) {
      buf_.append(s);
      return *this;
    }
    buf_.push_back('"');
    for (char c : s) {
      if (c == '"') buf_.push_back('"');
      buf_.push_back(c);
    }
    buf_.push_back('"');
    return *this;
  }
  CsvOut& empty() {
    sep();
    return *this;
  }
  CsvOut& num(int64_t v) {
    sep();
    append_int(v);
    return *this;
  }
  // An empty cell for kNoDate.
  CsvOut& date(Date d) {
    sep();
    buf_.append(format_date(d));  // "" for kNoDate; fits the small-string buffer
    return *this;
  }
  // Fixed point with one decimal, e.g. 93.4 given 934 tenths.
  CsvOut& tenths(int64_t v) {
    sep();
    if (v < 0) {
      buf_.push_back('-');
      v = -v;
    }
    append_int(v / 10);
    buf_.push_back('.');
    buf_.push_back(static_cast<char>('0' + v % 10));
    return *this;
  }
  CsvOut& yn(bool b) {
    sep();
    buf_.push_back(b ? 'Y' : 'N');
    return *this;
  }
  void end_row() {
    buf_.push_back('\n');
    first_ = true;
  }
  // Whole header line, e.g. "person_id,coach_id".
  void header(std::string_view line) {
    buf_.append(line);
    buf_.push_back('\n');
  }

  std::string& data() { return buf_; }
  size_t size() const { return buf_.size(); }
  void clear() {
    buf_.clear();
    first_ = true;
  }

 private:
  void sep() {
    if (!first_) buf_.push_back(',');
    first_ = false;
  }
  void append_int(int64_t v) {
    char tmp[24];
    int n = 0;
    uint64_t u = v < 0 ? static_cast<uint64_t>(-(v + 1)) + 1 : static_cast<uint64_t>(v);
    do {
      tmp[n++] = static_cast<char>('0' + u % 10);
      u /= 10;
    } while (u);
    if (v < 0) buf_.push_back('-');
    while (n) buf_.push_back(tmp[--n]);
  }
  std::string buf_;
  bool first_ = true;
};

}  // namespace pathways::gen
