// A streaming RFC 4180 CSV reader.
//
// Reads a file in blocks, so memory stays bounded whatever the file size, and hands out
// one record at a time as string_views into its own buffer (valid until the next call to
// next()). Accepts a leading UTF-8 BOM, CRLF or LF line ends, quoted fields containing
// commas, quotes ("") and line breaks, and blank lines (skipped). line() is the physical
// line on which the current record starts, so messages can point at it.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "io/record.h"

namespace pathways {

// Malformed CSV (unterminated quote, text after a closing quote, an over-long record)
// or an I/O failure. what() names the file and line.
class CsvError : public std::runtime_error {
 public:
  CsvError(std::string file, uint64_t line, std::string reason);
  const std::string& file() const { return file_; }
  uint64_t line() const { return line_; }
  const std::string& reason() const { return reason_; }

 private:
  std::string file_;
  uint64_t line_;
  std::string reason_;
};

class CsvReader : public RecordSource {
 public:
  static constexpr size_t kMaxRecordBytes = 1 << 20;

  // `display_name` is used in messages (e.g. "people.csv"). Throws CsvError when the
  // file cannot be opened.
  CsvReader(const std::string& path, std::string display_name);
  ~CsvReader() override;
  CsvReader(const CsvReader&) = delete;
  CsvReader& operator=(const CsvReader&) = delete;

  // Advances to the next record; false at end of file. Throws CsvError on malformed input.
  bool next() override;

  uint64_t bytes_read() const { return bytes_read_; }
  // A guess at the number of records left, from the file size and the line lengths in
  // the current block; for reserving memory, never for logic.
  size_t estimated_records() const;

 private:
  bool fill();  // reads more input after end_; false when nothing more
  bool find_record_end(size_t& rec_end, bool& quoted) const;
  void split_record(size_t rec_end, bool quoted, uint64_t& newlines);

  int fd_ = -1;
  std::vector<char> buf_;
  size_t pos_ = 0, end_ = 0;
  bool eof_ = false;
  bool first_ = true;
  uint64_t next_line_ = 1;
  uint64_t bytes_read_ = 0;
  uint64_t file_size_ = 0;
};

}  // namespace pathways
