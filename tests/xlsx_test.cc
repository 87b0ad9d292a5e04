// XLSX export (export/xlsx.h): workbooks are written from report tables, then read back with
// the `unzip` command (Debian package unzip, installed by scripts/setup.sh) and checked at the
// XML level: sheet names, titles, headers, numbers and their formats, frozen panes and
// autofilters, hostile text kept as plain string cells, and failures that leave no file.
#include "export/xlsx.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <limits>
#include <stdexcept>

#include <gtest/gtest.h>

#include "cohorts.h"
#include "io/folder.h"
#include "report/table.h"
#include "testing.h"

namespace pathways {
namespace {

using testing::read_file;
using testing::shell;
using testing::TempDir;
namespace fs = std::filesystem;

std::string quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

bool have_unzip() { return shell("command -v unzip >/dev/null 2>&1").status == 0; }

// The value of attribute `name` in the element text `el` ("" when absent).
std::string attr(std::string_view el, const std::string& name) {
  const std::string key = " " + name + "=\"";
  const size_t at = el.find(key);
  if (at == std::string_view::npos) return "";
  const size_t from = at + key.size();
  return std::string(el.substr(from, el.find('"', from) - from));
}

void put_utf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// XML text as Excel reads it: entities, then the "_xHHHH_" escapes of OOXML strings.
std::string decode(std::string_view x) {
  std::string s;
  for (size_t i = 0; i < x.size(); ++i) {
    if (x[i] != '&') {
      s += x[i];
      continue;
    }
    const size_t semi = x.find(';', i);
    const std::string_view ent = x.substr(i + 1, semi - i - 1);
    if (ent == "lt") s += '<';
    else if (ent == "gt") s += '>';
    else if (ent == "amp") s += '&';
    else if (ent == "quot") s += '"';
    else if (ent == "apos") s += '\'';
    else if (!ent.empty() && ent[0] == '#')
      put_utf8(s, static_cast<uint32_t>(ent[1] == 'x' ? std::stoul(std::string(ent.substr(2)), nullptr, 16)
                                                       : std::stoul(std::string(ent.substr(1)))));
    i = semi;
  }
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '_' && i + 7 <= s.size() && s[i + 1] == 'x' && s[i + 6] == '_' &&
        std::all_of(s.begin() + static_cast<long>(i) + 2, s.begin() + static_cast<long>(i) + 6,
                    [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); })) {
      put_utf8(out, static_cast<uint32_t>(std::stoul(s.substr(i + 2, 4), nullptr, 16)));
      i += 6;
    } else {
      out += s[i];
    }
  }
  return out;
}

// The concatenated <t> texts inside `x`.
std::string texts(std::string_view x) {
  std::string s;
  for (size_t at = x.find("<t"); at != std::string_view::npos; at = x.find("<t", at + 1)) {
    if (x[at + 2] != '>' && x[at + 2] != ' ') continue;  // <tabColor ... and the like
    const size_t open = x.find('>', at) + 1;
    s += decode(x.substr(open, x.find("</t>", open) - open));
  }
  return s;
}

// The elements <tag ...>...</tag> (or <tag .../>) inside the first <section>...</section>.
std::vector<std::string> elements(const std::string& xml, const std::string& section, const std::string& tag) {
  std::vector<std::string> out;
  const size_t begin = xml.find("<" + section);
  if (begin == std::string::npos) return out;
  const size_t end = xml.find("</" + section + ">", begin);
  for (size_t at = xml.find("<" + tag, begin); at != std::string::npos && at < end;
       at = xml.find("<" + tag, at + 1)) {
    const char next = xml[at + 1 + tag.size()];
    if (next != ' ' && next != '>' && next != '/') continue;
    const size_t close_tag = xml.find(">", at);
    size_t stop = close_tag + 1;
    if (xml[close_tag - 1] != '/') stop = xml.find("</" + tag + ">", at) + tag.size() + 3;
    out.push_back(xml.substr(at, stop - at));
  }
  return out;
}

struct XCell {
  bool found = false;
  std::string type;  // t attribute: "s" shared string, "inlineStr", "str" (formula result), "" number
  int style = 0;
  bool formula = false;
  std::string value;  // <v> text
  std::string element;
};

// A workbook read back through `unzip -p`.
struct Xlsx {
  std::string file;
  std::vector<std::string> names;
  std::vector<std::string> shared;
  std::string styles;

  explicit Xlsx(std::string f) : file(std::move(f)) {
    for (const auto& s : elements(part("xl/workbook.xml"), "sheets", "sheet")) names.push_back(decode(attr(s, "name")));
    for (const auto& si : elements(part("xl/sharedStrings.xml"), "sst", "si")) shared.push_back(texts(si));
    styles = part("xl/styles.xml");
  }
  std::string part(const std::string& name) const {
    const auto r = shell("unzip -p " + quote(file) + " " + quote(name));
    EXPECT_EQ(r.status, 0) << "unzip -p " << file << " " << name;
    return r.out;
  }
  std::string sheet(const std::string& name) const {
    for (size_t i = 0; i < names.size(); ++i)
      if (names[i] == name) return part("xl/worksheets/sheet" + std::to_string(i + 1) + ".xml");
    ADD_FAILURE() << "no sheet " << name;
    return "";
  }
  static XCell cell(const std::string& xml, const std::string& ref) {
    XCell c;
    const size_t at = xml.find("<c r=\"" + ref + "\"");
    if (at == std::string::npos) return c;
    c.found = true;
    const size_t tag_end = xml.find('>', at);
    const size_t stop = xml[tag_end - 1] == '/' ? tag_end + 1 : xml.find("</c>", at) + 4;
    c.element = xml.substr(at, stop - at);
    c.type = attr(c.element.substr(0, tag_end - at + 1), "t");
    const std::string s = attr(c.element.substr(0, tag_end - at + 1), "s");
    c.style = s.empty() ? 0 : std::stoi(s);
    c.formula = c.element.find("<f") != std::string::npos;
    const size_t v = c.element.find("<v>");
    if (v != std::string::npos) c.value = c.element.substr(v + 3, c.element.find("</v>", v) - v - 3);
    return c;
  }
  // The text of a string cell; fails the test if it is not a plain string cell.
  std::string text(const std::string& xml, const std::string& ref) const {
    const XCell c = cell(xml, ref);
    EXPECT_TRUE(c.found) << ref;
    EXPECT_FALSE(c.formula) << ref << ": " << c.element;
    if (c.type == "s") return shared.at(std::stoul(c.value));
    if (c.type == "inlineStr") return texts(c.element);
    ADD_FAILURE() << ref << " is not a string cell: " << c.element;
    return "";
  }
  double number(const std::string& xml, const std::string& ref) const {
    const XCell c = cell(xml, ref);
    EXPECT_TRUE(c.found && c.type.empty() && !c.formula && !c.value.empty()) << ref << ": " << c.element;
    return c.value.empty() ? -1 : std::stod(c.value);
  }
  // The number format of a cell's style, as a format code.
  std::string format(const std::string& xml, const std::string& ref) const {
    const auto xfs = elements(styles, "cellXfs", "xf");
    const XCell c = cell(xml, ref);
    if (!c.found || c.style >= static_cast<int>(xfs.size())) return "?";
    const std::string id = attr(xfs[c.style], "numFmtId");
    if (id == "0" || id.empty()) return "General";
    if (id == "3") return "#,##0";
    if (id == "4") return "#,##0.00";
    for (const auto& f : elements(styles, "numFmts", "numFmt"))
      if (attr(f, "numFmtId") == id) return decode(attr(f, "formatCode"));
    return "numFmtId " + id;
  }
  bool bold(const std::string& xml, const std::string& ref) const {
    const auto xfs = elements(styles, "cellXfs", "xf");
    const auto fonts = elements(styles, "fonts", "font");
    const XCell c = cell(xml, ref);
    if (!c.found || c.style >= static_cast<int>(xfs.size())) return false;
    const size_t font = std::stoul(attr(xfs[c.style], "fontId"));
    return font < fonts.size() && fonts[font].find("<b/>") != std::string::npos;
  }
};

// Three 16-17 year olds resident in 890, January 2025 (academic age on 31 August 2024):
// A 2008-05-01 (16, F, school S1): 230 from 2024-09-05 -> participating
// B 2007-06-01 (17, M, school S1): 619 from 2024-12-01 -> NEET, available
// C 2008-03-03 (16, F, school "=cmd|' /C calc'!A0"): no activity -> not known
// Cohort 3: participating 1 (33.3%), NEET 1 (33.3%), not known 1, NEET and not known 2.
// Days NEET in January: B all 31 days; joiners 0 (NEET at both month ends), leavers 0.
constexpr const char* kHostileSchool = "=cmd|' /C calc'!A0";

StatutoryReport small_report(const TempDir& dir, Dataset& ds) {
  dir.write("people.csv", std::string(testing::kPeopleHeader) +
                              "A,Amy,Lee,2008-05-01,F,890,P,N,,S1\n"
                              "B,Bo,Ray,2007-06-01,M,890,P,N,,S1\n"
                              "C,Cy,Fox,2008-03-03,F,890,P,N,,\"=cmd|' /C calc'!A0\"\n");
  dir.write("activities.csv", std::string(testing::kActivitiesHeader) +
                                  "A,230,2024-09-05,,,,,,\n"
                                  "B,619,2024-12-01,,,,,,\n");
  ds = testing::load_valid(dir);
  return statutory_report(ds, Rules::defaults(), 2025, 1, {});
}

class XlsxTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!have_unzip()) FAIL() << "the `unzip` command is needed to read workbooks back (scripts/setup.sh installs it)";
  }
  TempDir out_;
};

TEST_F(XlsxTest, StatutoryWorkbookReadsBack) {
  TempDir data;
  Dataset ds;
  const StatutoryReport r = small_report(data, ds);
  ASSERT_EQ(r.snapshot.total.cohort, 3);
  const auto tables = to_tables(r);
  const std::string path = out_ / "statutory.xlsx";
  write_xlsx(path, tables);
  ASSERT_TRUE(fs::is_regular_file(path));
  EXPECT_FALSE(fs::exists(path + ".tmp"));
  EXPECT_EQ(shell("unzip -tq " + quote(path)).status, 0) << "zip integrity test failed";

  const Xlsx x(path);
  std::vector<std::string> expected;
  for (const auto& t : tables) expected.push_back(t.sheet_name);
  EXPECT_EQ(x.names, expected);

  const std::string s = x.sheet("Summary");
  EXPECT_EQ(x.text(s, "A1"), "Statutory report for 2025-01, academic age 16-17");
  EXPECT_TRUE(x.bold(s, "A1"));
  EXPECT_EQ(x.text(s, "A2"), "Data date: 2025-01-31");
  EXPECT_EQ(x.text(s, "A3"), "Measure");
  EXPECT_EQ(x.text(s, "B3"), "Count");
  EXPECT_EQ(x.text(s, "C3"), "Share of cohort %");
  EXPECT_TRUE(x.bold(s, "C3"));
  EXPECT_EQ(x.text(s, "A4"), "Cohort (denominator)");
  EXPECT_EQ(x.number(s, "B4"), 3);
  EXPECT_EQ(x.format(s, "B4"), "#,##0");
  EXPECT_FALSE(Xlsx::cell(s, "C4").found);  // no percentage of the denominator itself
  EXPECT_EQ(x.text(s, "A6"), "Participating (RPA)");
  EXPECT_EQ(x.number(s, "B6"), 1);
  EXPECT_NEAR(x.number(s, "C6"), 100.0 / 3.0, 1e-12);  // stored unrounded, as a percentage value
  EXPECT_EQ(x.format(s, "C6"), "0.0");
  EXPECT_EQ(x.text(s, "A8"), "NEET");
  EXPECT_EQ(x.number(s, "B8"), 1);
  EXPECT_EQ(x.text(s, "A12"), "NEET and not known");
  EXPECT_EQ(x.number(s, "B12"), 2);
  EXPECT_NEAR(x.number(s, "C12"), 200.0 / 3.0, 1e-12);
  EXPECT_EQ(x.text(s, "A15"), "Days NEET in month");
  EXPECT_EQ(x.number(s, "B15"), 31);
  // Header row frozen, autofilter over header and data, column widths set.
  EXPECT_NE(s.find("<pane ySplit=\"3\" topLeftCell=\"A4\""), std::string::npos) << s;
  EXPECT_NE(s.find("state=\"frozen\""), std::string::npos);
  EXPECT_NE(s.find("<autoFilter ref=\"A3:C16\"/>"), std::string::npos) << s;
  EXPECT_NE(s.find("<col min=\"1\" max=\"1\" width=\""), std::string::npos);

  const std::string d = x.sheet("Days NEET");
  EXPECT_EQ(x.text(d, "D3"), "Days NEET per person");
  EXPECT_NEAR(x.number(d, "D4"), 31.0 / 3.0, 1e-12);
  EXPECT_EQ(x.format(d, "D4"), "#,##0.00");

  const std::string g = x.sheet("By gender");
  EXPECT_EQ(x.text(g, "A3"), "Code");
  EXPECT_EQ(x.text(g, "K3"), "NEET %");
  EXPECT_EQ(x.text(g, "A4"), "F");
  EXPECT_EQ(x.text(g, "B4"), "Female");
  EXPECT_EQ(x.number(g, "C4"), 2);      // cohort
  EXPECT_NEAR(x.number(g, "L4"), 50.0, 1e-12);  // not known %: C of A and C
  EXPECT_EQ(x.text(g, "A5"), "M");
  EXPECT_NEAR(x.number(g, "K5"), 100.0, 1e-12);  // NEET %: B

  // The formula-looking school id is a plain string cell, without an apostrophe.
  const std::string sc = x.sheet("By school");
  bool seen = false;
  for (int row = 4; row < 10; ++row) {
    if (!Xlsx::cell(sc, "A" + std::to_string(row)).found) continue;
    if (x.text(sc, "A" + std::to_string(row)) == kHostileSchool) {
      seen = true;
      EXPECT_EQ(Xlsx::cell(sc, "A" + std::to_string(row)).type, "s");
    }
  }
  EXPECT_TRUE(seen) << sc;

  const std::string send = x.sheet("SEND 18-24");
  EXPECT_NE(x.text(send, "A1").find("18-24"), std::string::npos);

  for (const auto& name : x.names) EXPECT_EQ(x.sheet(name).find("<f"), std::string::npos) << name << ": formula";
}

// A spreadsheet application opens the workbook and shows the figures with their number
// formats: LibreOffice Calc (Debian's libreoffice-calc-nogui, installed by scripts/setup.sh)
// converts every sheet to CSV as the cells are displayed.
TEST_F(XlsxTest, ASpreadsheetApplicationShowsTheFigures) {
  if (shell("command -v soffice >/dev/null 2>&1").status != 0)
    FAIL() << "LibreOffice (soffice) is needed to open workbooks (scripts/setup.sh installs it)";
  TempDir data;
  Dataset ds;
  const StatutoryReport r = small_report(data, ds);
  const std::string path = out_ / "statutory.xlsx";
  write_xlsx(path, to_tables(r));
  // Sheet -1: every sheet to its own file, "statutory-<sheet>.csv"; values as shown.
  const testing::ShellResult conv = shell("cd " + quote(out_.path()) + " && soffice -env:UserInstallation=file://" +
                                 out_.path() + "/profile --headless --convert-to " +
                                 quote("csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true,false,false,-1") +
                                 " --outdir " + quote(out_ / "csv") + " " + quote(path) + " 2>&1");
  ASSERT_EQ(conv.status, 0) << conv.out;
  const std::string summary = read_file(out_ / "csv/statutory-Summary.csv");
  // The small cohort: 3 young people, 1 participating (33.3%), 1 NEET, 1 not known.
  EXPECT_NE(summary.find("Data date: 2025-01-31"), std::string::npos) << summary;
  EXPECT_NE(summary.find("Measure,Count,Share of cohort %\n"), std::string::npos) << summary;
  EXPECT_NE(summary.find("Cohort (denominator),3,\n"), std::string::npos) << summary;
  EXPECT_NE(summary.find("Participating (RPA),1,33.3\n"), std::string::npos) << summary;
  EXPECT_NE(summary.find("NEET and not known,2,66.7\n"), std::string::npos) << summary;
  EXPECT_NE(summary.find("Days NEET in month,31,\n"), std::string::npos) << summary;
  const std::string days = read_file(out_ / "csv/statutory-Days NEET.csv");
  EXPECT_NE(days.find("10.33"), std::string::npos) << days;  // 31 days over 3 people, #,##0.00
  // The formula-looking school id is shown as the text it is, not evaluated.
  const std::string school = read_file(out_ / "csv/statutory-By school.csv");
  EXPECT_NE(school.find(std::string("\n") + kHostileSchool + "," + kHostileSchool + ",1,"), std::string::npos) << school;
  EXPECT_EQ(school.find("#NAME"), std::string::npos) << school;
}

TEST_F(XlsxTest, AnnualWorkbookReadsBack) {
  // The annual cohort of cohorts.h: NEET 25/25/0%, not known 25/25/50% -> means 50/3, 100/3;
  // March participation 25%.
  TempDir data;
  testing::write_annual_cohort(data);
  const Dataset ds = testing::load_valid(data);
  const std::string path = out_ / "annual.xlsx";
  write_xlsx(path, to_tables(annual_report(ds, Rules::defaults(), 2024, {})));
  const Xlsx x(path);
  ASSERT_FALSE(x.names.empty());
  EXPECT_EQ(x.names[0], "Annual");
  const std::string a = x.sheet("Annual");
  EXPECT_EQ(x.text(a, "A2"), "Data date: 2024-12-31, 2025-01-31, 2025-02-28, 2025-03-31");
  EXPECT_NEAR(x.number(a, "C4"), 50.0 / 3.0, 1e-12);
  EXPECT_NEAR(x.number(a, "C5"), 100.0 / 3.0, 1e-12);
  EXPECT_NEAR(x.number(a, "C6"), 50.0, 1e-12);
  EXPECT_EQ(x.text(a, "B7"), "2025-03");
  EXPECT_NEAR(x.number(a, "C7"), 25.0, 1e-12);
  const std::string m = x.sheet("Monthly");
  EXPECT_EQ(x.text(m, "A4"), "2024-12");
  EXPECT_EQ(x.text(m, "B6"), "2025-02-28");
  EXPECT_EQ(x.number(m, "J6"), 2);  // not known in February
  EXPECT_NE(m.find("<autoFilter ref=\"A3:N7\"/>"), std::string::npos);
}

TEST_F(XlsxTest, HostileTextStaysPlainText) {
  const std::string fffd = "\xEF\xBF\xBD";
  struct Case {
    std::string in, shown;
  };
  const std::vector<Case> cases = {
      {kHostileSchool, kHostileSchool},
      {"+SUM(1,2)", "+SUM(1,2)"},
      {"-2+3", "-2+3"},
      {"@A1", "@A1"},
      {"ab\xFF\xFE" "cd", "ab" + fffd + fffd + "cd"},  // invalid UTF-8
      {"caf\xC3\xA9 \xF0\x9F\x98\x80", "caf\xC3\xA9 \xF0\x9F\x98\x80"},
      {std::string(5000, 'x'), std::string(5000, 'x')},
      {"lit _x0041_ x", "lit _x0041_ x"},  // not turned into "A" by Excel
      {"ctl\x01\x1F end", "ctl\x01\x1F end"},
      {std::string("nul\0byte", 8), "nul" + fffd + "byte"},
      {"<tag> & \"q\" 'a'", "<tag> & \"q\" 'a'"},
      {"  padded  ", "  padded  "},
      {std::string(40000, 'y'), std::string(32767, 'y')},  // Excel's cell limit
  };
  Table t;
  t.sheet_name = "=Hostile[1]";
  t.title = "=HYPERLINK(\"http://x\")";
  t.data_date = "\xFF";
  t.add("text", "Text", ColumnKind::kText).add("n", "N", ColumnKind::kCount);
  for (size_t i = 0; i < cases.size(); ++i) t.rows.push_back({cases[i].in, static_cast<int64_t>(i)});
  t.rows.push_back({Cell(), std::numeric_limits<double>::quiet_NaN()});  // non-finite: left empty
  const std::string path = out_ / "hostile.xlsx";
  write_xlsx(path, {t});
  EXPECT_EQ(shell("unzip -tq " + quote(path)).status, 0);

  const Xlsx x(path);
  ASSERT_EQ(x.names, std::vector<std::string>{"=Hostile_1_"});
  const std::string s = x.sheet("=Hostile_1_");
  EXPECT_EQ(x.text(s, "A1"), "=HYPERLINK(\"http://x\")");
  EXPECT_EQ(x.text(s, "A2"), "Data date: " + fffd);
  for (size_t i = 0; i < cases.size(); ++i) {
    const std::string ref = "A" + std::to_string(4 + i);
    EXPECT_EQ(Xlsx::cell(s, ref).type, "s") << ref;
    const std::string got = x.text(s, ref);
    EXPECT_EQ(got.size(), cases[i].shown.size()) << ref;
    EXPECT_TRUE(got == cases[i].shown) << ref << ": " << got.substr(0, 80);
  }
  EXPECT_FALSE(Xlsx::cell(s, "B" + std::to_string(4 + cases.size())).found);
  EXPECT_EQ(s.find("<f"), std::string::npos);
  // Every XML part is valid UTF-8 with no raw control characters other than tab, CR, LF.
  for (const char* part : {"xl/sharedStrings.xml", "xl/workbook.xml", "xl/worksheets/sheet1.xml"}) {
    const std::string xml = x.part(part);
    EXPECT_TRUE(valid_utf8(xml)) << part;
    EXPECT_EQ(xml.find_first_of(std::string("\x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0c\x0e\x0f\x10\x1f", 14) +
                                std::string(1, '\0')),
              std::string::npos)
        << part;
  }
}

TEST_F(XlsxTest, SheetNamesAreMadeUniqueAndSafe) {
  std::vector<Table> tables(5);
  tables[0].sheet_name = "Summary";
  tables[1].sheet_name = "summary";
  tables[2].sheet_name = "a/b";
  tables[3].sheet_name = "";
  tables[4].sheet_name = std::string(40, 'L');
  for (auto& t : tables) t.add("c", "C", ColumnKind::kText);  // no rows at all
  tables.push_back(tables[4]);
  const std::string path = out_ / "names.xlsx";
  write_xlsx(path, tables);
  const Xlsx x(path);
  EXPECT_EQ(x.names, (std::vector<std::string>{"Summary", "summary (2)", "a_b", "Sheet4", std::string(31, 'L'),
                                               std::string(27, 'L') + " (2)"}));
  EXPECT_NE(x.sheet("a_b").find("<autoFilter ref=\"A3\"/>"), std::string::npos);  // header only
}

TEST_F(XlsxTest, ReplacesAnExistingFileWhole) {
  Table t;
  t.sheet_name = "One";
  t.add("n", "N", ColumnKind::kCount);
  t.rows.push_back({int64_t{1}});
  const std::string path = out_ / "again.xlsx";
  out_.write("again.xlsx", "not a workbook");
  write_xlsx(path, {t});
  t.sheet_name = "Two";
  write_xlsx(path, {t});
  EXPECT_FALSE(fs::exists(path + ".tmp"));
  EXPECT_EQ(Xlsx(path).names, std::vector<std::string>{"Two"});
}

TEST_F(XlsxTest, UnwritablePathGivesAClearErrorAndNoFile) {
  const std::vector<Table> tables(1);
  auto expect_failure = [&](const std::string& path) {
    try {
      write_xlsx(path, tables);
      ADD_FAILURE() << "no error writing " << path;
    } catch (const std::runtime_error& e) {
      const std::string what = e.what();
      EXPECT_NE(what.find(path), std::string::npos) << what;
      EXPECT_NE(what.find("Error creating output xlsx file"), std::string::npos) << what;
    }
  };
  // A folder that does not exist.
  const std::string missing = out_ / "no/such/folder/report.xlsx";
  expect_failure(missing);
  EXPECT_FALSE(fs::exists(missing));
  EXPECT_FALSE(fs::exists(missing + ".tmp"));
  // A "folder" that is a file.
  out_.write("plain.txt", "x");
  expect_failure(out_ / "plain.txt/report.xlsx");
  EXPECT_EQ(read_file(out_ / "plain.txt"), "x");
  // The temporary file cannot be created: the existing workbook is left exactly as it was.
  out_.write("keep.xlsx", "previous export");
  fs::create_directory(out_ / "keep.xlsx.tmp");
  expect_failure(out_ / "keep.xlsx");
  EXPECT_EQ(read_file(out_ / "keep.xlsx"), "previous export");
  EXPECT_TRUE(fs::is_directory(out_ / "keep.xlsx.tmp"));  // not ours to remove
  // A read-only folder (root writes anywhere, so only checked for other users).
  if (::geteuid() != 0) {
    const std::string ro = out_ / "readonly";
    fs::create_directory(ro);
    ::chmod(ro.c_str(), 0555);
    expect_failure(ro + "/report.xlsx");
    EXPECT_TRUE(fs::is_empty(ro));
    ::chmod(ro.c_str(), 0755);
  }
}

TEST(XlsxText, MakesTextSafeForTheFile) {
  EXPECT_EQ(xlsx_text("plain"), "plain");
  EXPECT_EQ(xlsx_text("=1+1"), "=1+1");  // no apostrophe: string cells are never formulas
  EXPECT_EQ(xlsx_text("a\xFF"), "a\xEF\xBF\xBD");
  EXPECT_EQ(xlsx_text(std::string("a\0b", 3)), "a\xEF\xBF\xBD" "b");
  EXPECT_EQ(xlsx_text("\xEF\xBF\xBE"), "\xEF\xBF\xBD");  // U+FFFE is not allowed in XML
  EXPECT_EQ(xlsx_text("_x0041_"), "_x005F_x0041_");
  EXPECT_EQ(xlsx_text("_x004_ _xZZZZ_"), "_x004_ _xZZZZ_");
  EXPECT_EQ(xlsx_text(std::string(40000, 'a')).size(), 32767u);
  // The limit counts UTF-16 units and never splits a character.
  const std::string emoji = "\xF0\x9F\x98\x80";
  std::string many;
  for (int i = 0; i < 20000; ++i) many += emoji;
  EXPECT_EQ(xlsx_text(many).size(), 16383u * 4);
}

}  // namespace
}  // namespace pathways
