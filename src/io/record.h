// A source of records (rows of text fields): a CSV file, or the rows of a database query.
// The first record is the header (column names). The folder loader validates records
// from any source the same way, so data read back from the store passes the same checks
// as data read from files.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace pathways {

class RecordSource {
 public:
  virtual ~RecordSource() = default;

  // Advances to the next record; false at the end. May throw CsvError (files) or
  // DbError (databases).
  virtual bool next() = 0;

  size_t size() const { return fields_.size(); }
  std::string_view operator[](size_t i) const { return fields_[i]; }
  const std::vector<std::string_view>& fields() const { return fields_; }
  // Where the current record is, for messages: a file's physical line, or a row number.
  uint64_t line() const { return line_; }
  const std::string& name() const { return name_; }

 protected:
  explicit RecordSource(std::string name) : name_(std::move(name)) {}
  std::vector<std::string_view> fields_;
  uint64_t line_ = 0;
  std::string name_;
};

}  // namespace pathways
