#include "export/xlsx.h"

#include <xlsxwriter.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <system_error>

#include <fmt/format.h>

namespace pathways {

namespace {

constexpr size_t kMaxCellUnits = 32767;  // Excel's limit on the characters of a cell
constexpr int kHeaderRow = 2;            // 0-based: title, data date, header
constexpr double kMinWidth = 8, kMaxWidth = 60;

// Length in UTF-16 code units (how Excel counts) of valid UTF-8 text.
size_t utf16_units(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) {
    if ((c & 0xC0) == 0x80) continue;
    n += c >= 0xF0 ? 2 : 1;
  }
  return n;
}

bool is_hex(char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; }

// The lower-case (ASCII) form of a sheet name, for Excel's case-blind uniqueness.
std::string fold(std::string_view s) {
  std::string v(s);
  std::transform(v.begin(), v.end(), v.begin(), [](unsigned char c) { return std::tolower(c); });
  return v;
}

// `name` made safe, then made unique among `used` by a " (2)", " (3)", ... suffix.
std::string unique_sheet_name(const std::string& name, size_t index, std::vector<std::string>& used) {
  const std::string base = safe_sheet_name(name, fmt::format("Sheet{}", index + 1));
  std::string v = base;
  for (int n = 2; std::find(used.begin(), used.end(), fold(v)) != used.end(); ++n) {
    const std::string suffix = fmt::format(" ({})", n);
    // Cut the base so base + suffix stays within 31 units, at a character boundary.
    std::string cut = base;
    while (!cut.empty() && utf16_units(cut) + suffix.size() > 31) {
      size_t i = cut.size() - 1;
      while (i > 0 && (static_cast<unsigned char>(cut[i]) & 0xC0) == 0x80) --i;
      cut.resize(i);
    }
    v = safe_sheet_name(cut + suffix, fmt::format("Sheet{}", index + 1));
  }
  used.push_back(fold(v));
  return v;
}

// Display width (characters) of a cell as Excel will show it with the column's format.
size_t display_width(const Cell& c, ColumnKind kind) {
  if (const auto* s = std::get_if<std::string>(&c)) return utf16_units(*s);
  double v = 0;
  if (const auto* n = std::get_if<int64_t>(&c)) v = static_cast<double>(*n);
  else if (const auto* d = std::get_if<double>(&c)) v = *d;
  else return 0;
  if (!std::isfinite(v)) return 0;
  std::string text;
  switch (kind) {
    case ColumnKind::kPercent: text = fmt::format("{:.1f}", v); break;
    case ColumnKind::kDecimal: text = fmt::format("{:.2f}", v); break;
    default: text = fmt::format("{:.0f}", v); break;
  }
  const size_t digits = text.find('.') == std::string::npos ? text.size() : text.find('.');
  return text.size() + (kind == ColumnKind::kPercent ? 0 : (digits - (v < 0)) / 3);  // thousands separators
}

struct Workbook {
  lxw_workbook* wb = nullptr;
  ~Workbook() {
    if (wb) lxw_workbook_free(wb);
  }
};

[[noreturn]] void fail(const std::string& path, const std::string& what) {
  throw std::runtime_error(fmt::format("cannot write XLSX file '{}': {}", path, what));
}

// Removes the temporary file if one was left (never a directory someone else made).
void remove_tmp(const std::string& tmp) {
  std::error_code ec;
  if (std::filesystem::is_regular_file(std::filesystem::symlink_status(tmp, ec))) std::filesystem::remove(tmp, ec);
}

}  // namespace

std::string xlsx_text(std::string_view s) {
  static constexpr std::string_view kReplacement = "\xEF\xBF\xBD";
  const std::string valid = repair_utf8(s);
  std::string out;
  out.reserve(std::min(valid.size(), 4 * kMaxCellUnits));
  size_t units = 0;
  // Appends one token (a character or an escape) if it fits in the cell limit.
  auto put = [&](std::string_view token) {
    const size_t u = utf16_units(token);
    if (units + u > kMaxCellUnits) return false;
    out.append(token);
    units += u;
    return true;
  };
  for (size_t i = 0; i < valid.size();) {
    const auto c = static_cast<unsigned char>(valid[i]);
    const size_t len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    const std::string_view ch(valid.data() + i, len);
    bool ok;
    if (c == 0 || ch == "\xEF\xBF\xBE" || ch == "\xEF\xBF\xBF") {
      ok = put(kReplacement);  // not representable in XML 1.0
    } else if (c == '_' && i + 7 <= valid.size() && valid[i + 1] == 'x' && is_hex(valid[i + 2]) &&
               is_hex(valid[i + 3]) && is_hex(valid[i + 4]) && is_hex(valid[i + 5]) && valid[i + 6] == '_') {
      ok = put("_x005F_");  // Excel would decode "_xHHHH_"; escape its underscore
    } else {
      ok = put(ch);
    }
    if (!ok) break;
    i += len;
  }
  return out;
}

void write_xlsx(const std::string& path, const std::vector<Table>& sheets) {
  const std::string tmp = path + ".tmp";
  Workbook book;
  lxw_workbook_options options{};
  book.wb = workbook_new_opt(tmp.c_str(), &options);
  if (!book.wb) fail(path, "libxlsxwriter could not create a workbook (out of memory or no temporary directory)");

  lxw_format* title = workbook_add_format(book.wb);
  format_set_bold(title);
  format_set_font_size(title, 13);
  lxw_format* header = workbook_add_format(book.wb);
  format_set_bold(header);
  format_set_bottom(header, LXW_BORDER_THIN);
  lxw_format* count = workbook_add_format(book.wb);
  format_set_num_format(count, "#,##0");
  lxw_format* percent = workbook_add_format(book.wb);
  format_set_num_format(percent, "0.0");
  lxw_format* decimal = workbook_add_format(book.wb);
  format_set_num_format(decimal, "#,##0.00");
  auto number_format = [&](ColumnKind k) -> lxw_format* {
    switch (k) {
      case ColumnKind::kCount: return count;
      case ColumnKind::kPercent: return percent;
      case ColumnKind::kDecimal: return decimal;
      default: return nullptr;
    }
  };

  std::vector<std::string> used;
  for (size_t si = 0; si < sheets.size(); ++si) {
    const Table& t = sheets[si];
    const std::string name = unique_sheet_name(t.sheet_name, si, used);
    if (t.columns.size() > LXW_COL_MAX) fail(path, fmt::format("sheet '{}' has too many columns", name));
    if (t.rows.size() > static_cast<size_t>(LXW_ROW_MAX - kHeaderRow - 1))
      fail(path, fmt::format("sheet '{}' has {} rows, more than Excel's limit", name, t.rows.size()));
    lxw_worksheet* ws = workbook_add_worksheet(book.wb, name.c_str());
    if (!ws) fail(path, fmt::format("libxlsxwriter refused the sheet name '{}'", name));

    auto check = [&](lxw_error e, lxw_row_t row, lxw_col_t col) {
      if (e != LXW_NO_ERROR)
        fail(path, fmt::format("sheet '{}', row {}, column {}: {}", name, row + 1, col + 1, lxw_strerror(e)));
    };
    auto text = [&](lxw_row_t row, lxw_col_t col, std::string_view s, lxw_format* f) {
      const std::string v = xlsx_text(s);
      if (v.empty()) return;  // an empty string cell is an empty cell
      check(worksheet_write_string(ws, row, col, v.c_str(), f), row, col);
    };

    text(0, 0, t.title, title);
    text(1, 0, "Data date: " + t.data_date, nullptr);

    const auto ncols = static_cast<lxw_col_t>(t.columns.size());
    // Column widths: the widest of header and cells, in characters, bounded.
    std::vector<size_t> widest(ncols, 0);
    for (lxw_col_t c = 0; c < ncols; ++c)
      widest[c] = utf16_units(repair_utf8(t.columns[c].header)) + 2;  // room for the filter button
    for (const auto& row : t.rows)
      for (lxw_col_t c = 0; c < ncols && c < row.size(); ++c)
        widest[c] = std::max(widest[c], display_width(row[c], t.columns[c].kind));
    for (lxw_col_t c = 0; c < ncols; ++c) {
      const double w = std::clamp(static_cast<double>(widest[c]) + 1, kMinWidth, kMaxWidth);
      check(worksheet_set_column(ws, c, c, w, nullptr), kHeaderRow, c);
    }

    for (lxw_col_t c = 0; c < ncols; ++c) text(kHeaderRow, c, t.columns[c].header, header);

    for (size_t r = 0; r < t.rows.size(); ++r) {
      const auto row = static_cast<lxw_row_t>(kHeaderRow + 1 + r);
      const auto& cells = t.rows[r];
      for (size_t ci = 0; ci < cells.size(); ++ci) {
        const auto col = static_cast<lxw_col_t>(ci);
        if (col >= LXW_COL_MAX) fail(path, fmt::format("sheet '{}', row {}: too many cells", name, row + 1));
        lxw_format* f = ci < t.columns.size() ? number_format(t.columns[ci].kind) : nullptr;
        const Cell& cell = cells[ci];
        if (const auto* s = std::get_if<std::string>(&cell)) {
          text(row, col, *s, nullptr);
        } else if (const auto* n = std::get_if<int64_t>(&cell)) {
          check(worksheet_write_number(ws, row, col, static_cast<double>(*n), f), row, col);
        } else if (const auto* d = std::get_if<double>(&cell)) {
          if (std::isfinite(*d)) check(worksheet_write_number(ws, row, col, *d, f), row, col);
        }
      }
    }

    if (ncols > 0) {
      worksheet_freeze_panes(ws, kHeaderRow + 1, 0);
      const auto last = static_cast<lxw_row_t>(kHeaderRow + t.rows.size());
      check(worksheet_autofilter(ws, kHeaderRow, 0, last, ncols - 1), kHeaderRow, 0);
    }
  }

  errno = 0;
  const lxw_error e = workbook_close(book.wb);
  const int sys = errno;
  book.wb = nullptr;  // workbook_close frees it, whatever the outcome
  if (e != LXW_NO_ERROR) {
    remove_tmp(tmp);
    std::string what = lxw_strerror(e);
    if (e == LXW_ERROR_CREATING_XLSX_FILE && sys != 0) what += fmt::format(" ({})", std::strerror(sys));
    fail(path, what);
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) {
    remove_tmp(tmp);
    fail(path, "could not move the finished file into place: " + ec.message());
  }
}

}  // namespace pathways
