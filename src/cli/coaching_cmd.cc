#include "cli/coaching_cmd.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>

#include <fmt/format.h>

#include "coaching/export.h"
#include "coaching/panel.h"
#include "coaching/records.h"
#include "coaching/store.h"
#include "domain/rules.h"
#include "cli/common.h"
#include "io/folder.h"
#include "store/db.h"
#include "store/store.h"

namespace pathways {

namespace {

using cli::BadInput;
using cli::load_rules;

struct PanelArgs {
  int year = 0;
  std::string data, db, on, school, format = "table", out, rules;
};

struct ExportArgs {
  std::string db, out, rules;
};

// People, activities and coaching records of a folder or the store, all checked.
std::pair<Dataset, CoachingRecords> load_all(const std::string& data, const std::string& db_url, const Rules& rules) {
  if (data.empty() == db_url.empty()) throw BadInput("give either --data DIR or --db URL");
  LoadReport report;
  LoadOptions options;
  options.indicators = false;
  Dataset ds;
  std::optional<CoachingRecords> records;
  if (!db_url.empty()) {
    auto db = open_db(db_url);
    ds = load_store(*db, rules, report, options);
    if (report.ok()) records = load_coaching(*db, ds, report);
  } else {
    ds = load_folder(data, rules, report, options);
    if (report.ok()) records = load_coaching(data, ds, report);
  }
  if (!report.ok() || !records) {
    cli::print_issues(report);
    throw BadInput(fmt::format("{}: {} error(s); nothing was done", data.empty() ? redact_url(db_url) : data, report.error_count));
  }
  for (const auto& w : report.warnings) std::cerr << "warning: " << format_issue(w) << "\n";
  return {std::move(ds), std::move(*records)};
}

void run_panel(const PanelArgs& a) {
  const Rules rules = load_rules(a.rules);
  Date on = default_progression_date(a.year);
  if (!a.on.empty()) {
    const auto d = parse_date(a.on);
    if (!d) throw BadInput(fmt::format("--on: '{}' is not a real date in the form YYYY-MM-DD", a.on));
    on = *d;
  }
  const auto [ds, records] = load_all(a.data, a.db, rules);
  const PanelReport r = panel_report(ds, rules, records.referrals, a.year, on, a.school);
  std::string out;
  if (a.format == "json") out = to_json(r).dump(2) + "\n";
  else if (a.format == "csv") out = to_csv(r);
  else out = render_table(r);
  cli::emit(a.out, out);
}

void run_export(const ExportArgs& a) {
  const Rules rules = load_rules(a.rules);
  const auto [ds, records] = load_all("", a.db, rules);
  const CoachingExportSummary s = write_coaching_folder(a.out, ds, records);
  std::cerr << fmt::format(
      "wrote {}/coaching: {} caseload episodes, {} sessions, {} assessments, {} contacts, {} panel referrals, {} notes, "
      "{} action plans ({} steps)\n",
      a.out, s.caseload, s.sessions, s.assessments, s.contacts, s.referrals, s.notes, s.plans, s.plan_steps);
}

}  // namespace

void add_coaching_commands(CLI::App& app) {
  CLI::App* report = app.get_subcommand("report");
  CLI::App* exporter = app.get_subcommand("export");

  auto p = std::make_shared<PanelArgs>();
  auto* panel = report->add_subcommand("panel", "progression into EET of pupils referred to the NEET vulnerable group panel");
  panel->add_option("--year", p->year, "the referral year's start, e.g. 2025 for pupils in Year 11 in 2025-26")
      ->required()
      ->check(CLI::Range(1990, 2100));
  auto* data = panel->add_option("--data", p->data, "canonical data folder with its coaching/ files");
  auto* db = panel->add_option("--db", p->db, "store: sqlite:PATH or postgresql://...");
  data->excludes(db);
  panel->add_option("--on", p->on, "progression date YYYY-MM-DD (default: 31 December of Year 12)");
  panel->add_option("--school", p->school, "only referrals from this school_id");
  panel->add_option("--format", p->format, "table, json or csv")->check(CLI::IsMember({"table", "json", "csv"}));
  panel->add_option("--out", p->out, "file to write instead of standard output");
  panel->add_option("--rules", p->rules, "rules file (default: built-in, or $PATHWAYS_RULES)");
  panel->callback([p] { cli::guarded([&] { run_panel(*p); }); });

  auto e = std::make_shared<ExportArgs>();
  auto* coaching = exporter->add_subcommand("coaching", "write the store's coaching records as a folder's coaching/ files");
  coaching->add_option("--db", e->db, "store: sqlite:PATH or postgresql://...")->required();
  coaching->add_option("--out", e->out, "folder to write (its coaching/ subfolder)")->required();
  coaching->add_option("--rules", e->rules, "rules file (default: built-in, or $PATHWAYS_RULES)");
  coaching->callback([e] { cli::guarded([&] { run_export(*e); }); });
}

}  // namespace pathways
