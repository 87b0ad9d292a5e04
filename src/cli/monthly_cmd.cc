#include "cli/monthly_cmd.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <memory>
#include <stdexcept>
#include <string>

#include <fmt/format.h>

#include "cli/common.h"
#include "coaching/monthly.h"
#include "coaching/records.h"
#include "coaching/store.h"
#include "domain/rules.h"
#include "export/xlsx.h"
#include "io/folder.h"
#include "store/db.h"
#include "store/store.h"

namespace pathways {

namespace {

using cli::BadInput;
using cli::print_issues;
using cli::write_file_atomically;

struct MonthlyArgs {
  std::string month, coach, school, data, db, format = "table", out, rules;
};

void run(const MonthlyArgs& a) {
  if (a.data.empty() && a.db.empty())
    throw BadInput("--data DIR (the canonical folder with its coaching/ files) or --db URL (the store) is required");
  const auto end = parse_month_end(a.month);
  if (!end) throw BadInput(fmt::format("--month: '{}' is not a month in the form YYYY-MM", a.month));
  if (a.format == "xlsx" && a.out.empty()) throw BadInput("--format xlsx needs --out FILE");
  std::string rules_path = a.rules;
  if (rules_path.empty())
    if (const char* env = std::getenv("PATHWAYS_RULES")) rules_path = env;
  Rules rules;
  try {
    rules = Rules::load(rules_path);
  } catch (const std::exception& e) {
    throw BadInput(e.what());
  }

  LoadReport report;
  LoadOptions options;
  options.indicators = false;
  options.names = false;
  Dataset ds;
  std::optional<CoachingRecords> records;
  if (!a.db.empty()) {
    // The store: its current people and activities, and its coaching records (coaching/store.h).
    auto db = open_db(a.db);
    ds = load_store(*db, rules, report, options);
    if (report.ok()) records = load_coaching(*db, ds, report);
  } else {
    ds = load_folder(a.data, rules, report, options);
    if (report.ok()) records = load_coaching(a.data, ds, report);
  }
  if (!report.ok() || !records) {
    print_issues(report);
    throw BadInput(fmt::format("{}: {} error(s); nothing was computed", a.db.empty() ? a.data : redact_url(a.db),
                               report.error_count));
  }
  for (const auto& w : report.warnings) std::cerr << "warning: " << format_issue(w) << "\n";

  const Ymd m = to_ymd(*end);
  const MonthlyActivityReport r = monthly_activity_report(ds, rules, *records, m.year, m.month, {a.coach, a.school});
  if (a.format == "xlsx") {
    write_xlsx(a.out, to_tables(r));
    std::cerr << fmt::format("wrote {}\n", a.out);
    return;
  }
  std::string out;
  if (a.format == "json") out = to_json(r).dump(2) + "\n";
  else if (a.format == "csv") out = to_csv(long_table(r));
  else out = render_table(r);
  if (!a.out.empty()) {
    write_file_atomically(a.out, out);
    std::cerr << fmt::format("wrote {}\n", a.out);
  } else {
    std::fwrite(out.data(), 1, out.size(), stdout);
    std::fflush(stdout);
  }
}

}  // namespace

void add_monthly_activity_command(CLI::App* report) {
  auto a = std::make_shared<MonthlyArgs>();
  auto* cmd = report->add_subcommand(
      "monthly-activity",
      "the engagement coaches' monthly activity report: Year 11 and Year 12 panels (domain.md section 8)");
  cmd->add_option("--month", a->month, "YYYY-MM")->required();
  cmd->add_option("--coach", a->coach, "only caseload episodes of this coach_id");
  cmd->add_option("--school", a->school, "only caseload episodes of this school_id");
  auto* data = cmd->add_option("--data", a->data, "canonical data folder with its coaching/ files (formats.md)");
  auto* db = cmd->add_option("--db", a->db, "store: sqlite:PATH or postgresql://... (instead of --data)");
  data->excludes(db);
  cmd->add_option("--format", a->format, "table, json, csv or xlsx (xlsx needs --out)")
      ->check(CLI::IsMember({"table", "json", "csv", "xlsx"}));
  cmd->add_option("--out", a->out, "file to write instead of standard output (required for xlsx)");
  cmd->add_option("--rules", a->rules, "rules file (default: built-in, or $PATHWAYS_RULES)");
  cmd->callback([a] { cli::guarded([a] { run(*a); }); });
}

}  // namespace pathways
