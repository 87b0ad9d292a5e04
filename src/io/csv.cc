#include "io/csv.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

namespace pathways {

CsvError::CsvError(std::string file, uint64_t line, std::string reason)
    : std::runtime_error(line ? fmt::format("{}:{}: {}", file, line, reason)
                              : fmt::format("{}: {}", file, reason)),
      file_(std::move(file)), line_(line), reason_(std::move(reason)) {}

CsvReader::CsvReader(const std::string& path, std::string display_name)
    : RecordSource(std::move(display_name)) {
  fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd_ < 0) throw CsvError(name_, 0, fmt::format("cannot open: {}", std::strerror(errno)));
  struct stat st;
  if (::fstat(fd_, &st) == 0) file_size_ = static_cast<uint64_t>(st.st_size);
#ifdef POSIX_FADV_SEQUENTIAL
  ::posix_fadvise(fd_, 0, 0, POSIX_FADV_SEQUENTIAL);
#endif
  buf_.resize(4 << 20);
}

CsvReader::~CsvReader() {
  if (fd_ >= 0) ::close(fd_);
}

size_t CsvReader::estimated_records() const {
  size_t lines = 0;
  for (const char* p = buf_.data() + pos_; (p = static_cast<const char*>(std::memchr(p, '\n', buf_.data() + end_ - p)));
       ++p)
    ++lines;
  if (lines == 0) return 0;
  const double per_line = static_cast<double>(end_ - pos_) / static_cast<double>(lines);
  const uint64_t left = file_size_ > bytes_read_ - (end_ - pos_) ? file_size_ - (bytes_read_ - (end_ - pos_)) : 0;
  return static_cast<size_t>(static_cast<double>(left) / per_line * 1.05) + 16;
}

bool CsvReader::fill() {
  if (eof_) return false;
  if (pos_ > 0) {  // keep the unconsumed tail at the front
    std::memmove(buf_.data(), buf_.data() + pos_, end_ - pos_);
    end_ -= pos_;
    pos_ = 0;
  }
  if (end_ == buf_.size()) {
    if (buf_.size() >= kMaxRecordBytes * 4)
      throw CsvError(name_, next_line_, fmt::format("record longer than {} bytes", kMaxRecordBytes));
    buf_.resize(buf_.size() * 2);
  }
  for (;;) {
    const ssize_t n = ::read(fd_, buf_.data() + end_, buf_.size() - end_);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw CsvError(name_, next_line_, fmt::format("read failed: {}", std::strerror(errno)));
    }
    if (n == 0) {
      eof_ = true;
      return false;
    }
    end_ += static_cast<size_t>(n);
    bytes_read_ += static_cast<uint64_t>(n);
    return true;
  }
}

// Finds the end of the record at pos_: the index one past its terminating '\n' (or end_
// at end of file), counting quotes so that line breaks inside quoted fields are skipped.
// Returns false when the buffer ends before the record does.
bool CsvReader::find_record_end(size_t& rec_end, bool& quoted) const {
  const char* const base = buf_.data();
  size_t i = pos_;
  bool in_quotes = false;
  quoted = false;
  for (;;) {
    const char* nl = static_cast<const char*>(std::memchr(base + i, '\n', end_ - i));
    const size_t stop = nl ? static_cast<size_t>(nl - base) : end_;
    for (const char* q = static_cast<const char*>(std::memchr(base + i, '"', stop - i)); q;
         q = static_cast<const char*>(std::memchr(q + 1, '"', base + stop - (q + 1)))) {
      in_quotes = !in_quotes;
      quoted = true;
    }
    if (!nl) {
      if (!eof_) return false;
      rec_end = end_;
      return true;
    }
    if (!in_quotes) {
      rec_end = stop + 1;
      return true;
    }
    i = stop + 1;
  }
}

// Splits the complete record [pos_, rec_end) into fields_. Quoted fields are unescaped
// in place: the bytes of a consumed record are never read again.
void CsvReader::split_record(size_t rec_end, bool quoted, uint64_t& newlines) {
  fields_.clear();
  newlines = 0;
  char* const base = buf_.data();
  size_t end = rec_end;
  if (end > pos_ && base[end - 1] == '\n') --end;
  if (end > pos_ && base[end - 1] == '\r') --end;
  size_t i = pos_;
  if (!quoted) {
    // The common case: no quotes, so no field holds a comma or a line break; a lone
    // carriage return inside the record is still an error.
    if (std::memchr(base + i, '\r', end - i))
      throw CsvError(name_, next_line_, "stray line break inside an unquoted field");
    for (;;) {
      const char* comma = static_cast<const char*>(std::memchr(base + i, ',', end - i));
      if (!comma) {
        fields_.emplace_back(base + i, end - i);
        break;
      }
      const size_t j = static_cast<size_t>(comma - base);
      fields_.emplace_back(base + i, j - i);
      i = j + 1;
    }
    newlines = 1;
    return;
  }
  for (;;) {
    if (i < end && base[i] == '"') {
      size_t out = i;
      size_t j = i + 1;
      for (;;) {
        if (j >= end) throw CsvError(name_, next_line_, "unterminated quoted field (the quote opened in this record is never closed)");
        const char c = base[j];
        if (c == '"') {
          if (j + 1 < end && base[j + 1] == '"') {
            base[out++] = '"';
            j += 2;
            continue;
          }
          ++j;
          break;
        }
        if (c == '\n') ++newlines;
        base[out++] = c;
        ++j;
      }
      fields_.emplace_back(base + i, out - i);
      i = j;
      if (i >= end) break;
      if (base[i] != ',') throw CsvError(name_, next_line_ + newlines, "unexpected text after a closing quote");
      ++i;
      if (i >= end) {
        fields_.emplace_back();
        break;
      }
      continue;
    }
    const char* comma = static_cast<const char*>(std::memchr(base + i, ',', end - i));
    const size_t j = comma ? static_cast<size_t>(comma - base) : end;
    if (std::memchr(base + i, '"', j - i))
      throw CsvError(name_, next_line_ + newlines, "quote inside an unquoted field");
    if (std::memchr(base + i, '\r', j - i) || std::memchr(base + i, '\n', j - i))
      throw CsvError(name_, next_line_ + newlines, "stray line break inside an unquoted field");
    fields_.emplace_back(base + i, j - i);
    if (!comma) break;
    i = j + 1;
    if (i >= end) {
      fields_.emplace_back();
      break;
    }
  }
  ++newlines;
}

bool CsvReader::next() {
  for (;;) {
    if (first_) {
      while (end_ - pos_ < 3 && fill()) {
      }
      if (end_ - pos_ >= 3 && std::memcmp(buf_.data() + pos_, "\xEF\xBB\xBF", 3) == 0) pos_ += 3;
      first_ = false;
    }
    // Skip blank lines.
    while (pos_ < end_ && (buf_[pos_] == '\n' || buf_[pos_] == '\r')) {
      if (buf_[pos_] == '\n') ++next_line_;
      else if (pos_ + 1 < end_ && buf_[pos_ + 1] == '\n') { ++pos_; ++next_line_; }
      else ++next_line_;
      ++pos_;
    }
    if (pos_ >= end_) {
      if (!fill()) return false;
      continue;
    }
    size_t rec_end = 0;
    bool quoted = false;
    if (!find_record_end(rec_end, quoted)) {
      if (end_ - pos_ > kMaxRecordBytes)
        throw CsvError(name_, next_line_, fmt::format("record longer than {} bytes", kMaxRecordBytes));
      fill();
      continue;
    }
    if (rec_end - pos_ > kMaxRecordBytes)
      throw CsvError(name_, next_line_, fmt::format("record longer than {} bytes", kMaxRecordBytes));
    uint64_t newlines = 0;
    split_record(rec_end, quoted, newlines);
    line_ = next_line_;
    next_line_ += newlines;
    pos_ = rec_end;
    return true;
  }
}

}  // namespace pathways
