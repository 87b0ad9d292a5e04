// `pathways`: the command line (formats.md, "Command line").
// Exit status: 0 success, 2 bad input (with file, line, column and reason), 1 other failure.
#include <sys/resource.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <optional>
#include <string>
#include <unordered_map>

#include <filesystem>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "domain/rules.h"
#include "engine/status.h"
#include "generate/generate.h"
#include "export/xlsx.h"
#include "io/folder.h"
#include "nccis/destinations.h"
#include "nccis/export.h"
#include "nccis/la_codes.h"
#include "nccis/rules.h"
#include "report/participation.h"
#include "report/render.h"
#include "report/table.h"
#include "store/db.h"
#include "partner/partner.h"
#include "store/store.h"
#include "cli/coaching_cmd.h"
#include "cli/common.h"
#include "cli/monthly_cmd.h"
#include "cli/risk_cmd.h"
#include "cli/register_cmd.h"
#include "cli/roni_cmd.h"
#include "cli/serve_cmd.h"
#include "cli/user_cmd.h"
#include "coaching/records.h"
#include "coaching/store.h"

namespace {

using namespace pathways;

using cli::BadInput;
using cli::kBadInput;
using cli::print_issues;
using cli::write_file_atomically;

struct Common {
  std::string data;
  std::string db;
  std::string rules_path;
  std::string la;
  std::string format = "table";
  bool timings = false;
};

void add_common(CLI::App* cmd, Common& c, bool xlsx = false) {
  auto* data = cmd->add_option("--data", c.data, "canonical data folder (formats.md)");
  auto* db = cmd->add_option("--db", c.db, "store: sqlite:PATH or postgresql://...");
  data->excludes(db);
  cmd->add_option("--la", c.la, "3-digit code of the reporting LA; without it everyone counts as resident");
  if (xlsx)
    cmd->add_option("--format", c.format, "table, json, csv or xlsx (xlsx needs --out)")
        ->check(CLI::IsMember({"table", "json", "csv", "xlsx"}));
  else
    cmd->add_option("--format", c.format, "table, json or csv")->check(CLI::IsMember({"table", "json", "csv"}));
  cmd->add_option("--rules", c.rules_path, "rules file (default: built-in, or $PATHWAYS_RULES)");
  cmd->add_flag("--timings", c.timings, "print load and query times and peak memory to stderr");
}

Rules load_rules(const Common& c) { return cli::load_rules(c.rules_path); }

Format parse_format(const std::string& f) {
  if (f == "json") return Format::kJson;
  if (f == "csv") return Format::kCsv;
  return Format::kTable;
}

ReportScope parse_scope(const Common& c) { return cli::parse_la(c.la); }

double ms_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t).count();
}

double peak_rss_mb() {
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return static_cast<double>(ru.ru_maxrss) / 1024.0;
}

// Loads and validates a folder or the store; on any error prints every issue and throws
// BadInput.
Dataset load_or_fail(const Common& c, const Rules& rules, bool with_indicators = false, bool with_names = false) {
  LoadOptions options;
  options.indicators = with_indicators;
  options.names = with_names;
  return cli::load_or_fail(c.data, c.db, rules, options);
}

// The error report beside the input: file, line, column, value, reason.
bool write_issue_csv(const std::string& path, const LoadReport& report) {
  FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) return false;
  std::string out = "file,line,column,value,reason\n";
  for (const auto& e : report.errors)
    out += fmt::format("{},{},{},{},{}\n", csv_cell(e.file), e.line, csv_cell(e.column), csv_cell(e.value),
                       csv_cell(e.reason));
  const bool ok = std::fwrite(out.data(), 1, out.size(), f) == out.size();
  return std::fclose(f) == 0 && ok;
}

}  // namespace

// Large datasets allocate hundreds of MiB of columns; with transparent huge pages the
// kernel maps them 2 MiB at a time instead of 4 KiB, which roughly halves load time.
// glibc only does this when told through GLIBC_TUNABLES at start-up, so the process
// re-executes itself once with the tunable set. PATHWAYS_NO_HUGEPAGES=1 turns this off.
void use_huge_pages(char** argv) {
  if (std::getenv("PATHWAYS_NO_HUGEPAGES")) return;
  const char* tunables = std::getenv("GLIBC_TUNABLES");
  if (tunables && std::strstr(tunables, "glibc.malloc.hugetlb")) return;
  const std::string value =
      tunables && *tunables ? std::string(tunables) + ":glibc.malloc.hugetlb=1" : "glibc.malloc.hugetlb=1";
  ::setenv("GLIBC_TUNABLES", value.c_str(), 1);
  ::execv("/proc/self/exe", argv);  // returns only on failure: carry on without
}

int main(int argc, char** argv) {
  use_huge_pages(argv);
  CLI::App app{"Pathways: tracking young people's participation in education, employment or training"};
  app.require_subcommand(1);

  // generate
  GenerateOptions gen;
  auto* cmd_gen = app.add_subcommand("generate", "write a synthetic, calibrated LA (or all of England)");
  cmd_gen->add_option("--out", gen.out_dir, "folder to write")->required();
  cmd_gen->add_option("--preset", gen.preset, "la or national")->check(CLI::IsMember({"la", "national"}));
  cmd_gen->add_option("--people", gen.people, "approximate number of people (scales the preset)")
      ->check(CLI::Range(int64_t{100}, int64_t{20'000'000}));
  cmd_gen->add_option("--seed", gen.seed, "random seed (same seed, same output)");

  // report
  auto* cmd_report = app.add_subcommand("report", "participation reports");
  cmd_report->require_subcommand(1);
  Common stat_c, annual_c, check_c, status_c;
  std::string month;
  int year = 0;
  auto* cmd_stat = cmd_report->add_subcommand("statutory", "end-of-month snapshot with breakdowns");
  cmd_stat->add_option("--month", month, "YYYY-MM")->required();
  std::string report_out;
  add_common(cmd_stat, stat_c, true);
  cmd_stat->add_option("--out", report_out, "file to write instead of standard output (required for xlsx)");
  auto* cmd_annual = cmd_report->add_subcommand("annual", "Dec-Feb average and March participation");
  cmd_annual->add_option("--year", year, "start year of the academic year, e.g. 2024 for 2024-25")
      ->required()->check(CLI::Range(1950, 2190));
  add_common(cmd_annual, annual_c, true);
  cmd_annual->add_option("--out", report_out, "file to write instead of standard output (required for xlsx)");
  // monthly-activity: the coaches' monthly activity report (runs as a CLI11 callback, cli/monthly_cmd.h)
  add_monthly_activity_command(cmd_report);

  // import
  std::string import_dir, import_db, import_rules, import_user;
  auto* cmd_import = app.add_subcommand("import", "validate a canonical folder and load it into the store (all or nothing)");
  cmd_import->add_option("dir", import_dir, "canonical data folder")->required();
  cmd_import->add_option("--db", import_db, "sqlite:PATH or postgresql://...")->required();
  cmd_import->add_option("--rules", import_rules, "rules file (default: built-in, or $PATHWAYS_RULES)");
  cmd_import->add_option("--user", import_user, "who is importing (default: $USER)");

  // validate nccis / export nccis: the monthly return to DfE (docs/nccis.md)
  struct NccisArgs {
    Common c;
    std::string month, la_codes, database_id, date_of_send, leavers = "include", root, out;
    bool no_extensions = false;
    bool as_recorded = false;
  };
  NccisArgs nv, ne;
  auto add_nccis = [](CLI::App* cmd, NccisArgs& a) {
    cmd->add_option("--month", a.month, "YYYY-MM")->required();
    add_common(cmd, a.c);
    cmd->add_option("--la-codes", a.la_codes, "CSV of valid LA codes (default: built-in data/la_codes.csv)");
    cmd->add_option("--database-id", a.database_id, "3-digit NCCIS database id");
    cmd->add_option("--date-of-send", a.date_of_send, "YYYY-MM-DD (default: today)");
    cmd->add_option("--leavers-without-date", a.leavers, "include or exclude")
        ->check(CLI::IsMember({"include", "exclude"}));
    cmd->add_flag("--no-extensions", a.no_extensions, "leave out the PathwaysExtensions node");
    cmd->add_flag("--as-recorded", a.as_recorded,
                  "with --db: read the store as it was at the end of the date of send, to make a return again "
                  "exactly as it was sent (default: the data as it is now)");
    cmd->add_option("--root", a.root, "root element name");
  };
  auto* cmd_validate = app.add_subcommand("validate", "check data against a return's rules");
  cmd_validate->require_subcommand(1);
  auto* cmd_validate_nccis = cmd_validate->add_subcommand("nccis", "run the NCCIS rule catalogue; exit 2 on blocking errors");
  add_nccis(cmd_validate_nccis, nv);
  auto* cmd_export = app.add_subcommand("export", "write a return");
  cmd_export->require_subcommand(1);
  auto* cmd_export_nccis = cmd_export->add_subcommand("nccis", "write the monthly NCCIS XML (refused on blocking errors)");
  add_nccis(cmd_export_nccis, ne);
  cmd_export_nccis->add_option("--out", ne.out, "XML file to write")->required();

  // check
  auto* cmd_check = app.add_subcommand("check", "validate a canonical folder and report every error");
  add_common(cmd_check, check_c);

  // status
  std::string person_id, on_date;
  auto* cmd_status = app.add_subcommand("status", "what one young person was doing on a date");
  cmd_status->add_option("--person", person_id, "person_id")->required();
  cmd_status->add_option("--date", on_date, "YYYY-MM-DD")->required();
  add_common(cmd_status, status_c);


  // partner: feeds from schools and providers, the review queue, the duplicates report
  // (docs/partner-feeds.md).
  auto* cmd_partner = app.add_subcommand("partner", "partner feeds: cohort checks, starters/leavers, September Guarantee");
  cmd_partner->require_subcommand(1);
  std::string p_file, p_feed, p_db, p_la, p_user, p_rules, p_format = "table", p_person, p_note, p_data;
  bool p_dry_run = false, p_new_person = false;
  int64_t p_id = 0;
  double p_threshold = 0.85;
  auto formats = CLI::IsMember({"table", "json", "csv"});
  auto* cmd_pimport = cmd_partner->add_subcommand("import", "validate, match and apply a partner feed (all or nothing)");
  cmd_pimport->add_option("file", p_file, "the feed (CSV, docs/templates/)")->required();
  cmd_pimport->add_option("--feed", p_feed, "school_cohort, provider_events or september_guarantee")
      ->required()
      ->check(CLI::IsMember({"school_cohort", "provider_events", "september_guarantee"}));
  cmd_pimport->add_option("--db", p_db, "sqlite:PATH or postgresql://...")->required();
  cmd_pimport->add_option("--la", p_la, "3-digit LA code given to new people when a row has no la_code");
  cmd_pimport->add_option("--user", p_user, "who is importing (default: $USER)");
  cmd_pimport->add_flag("--dry-run", p_dry_run, "match and report, store nothing");
  cmd_pimport->add_option("--format", p_format, "table (summary), json or csv (one line per row)")->check(formats);
  cmd_pimport->add_option("--rules", p_rules, "rules file (default: built-in, or $PATHWAYS_RULES)");
  auto* cmd_previews = cmd_partner->add_subcommand("reviews", "list the open review items with their candidates");
  cmd_previews->add_option("--db", p_db, "sqlite:PATH or postgresql://...")->required();
  cmd_previews->add_option("--format", p_format, "table, json or csv")->check(formats);
  auto* cmd_presolve = cmd_partner->add_subcommand("resolve", "apply a review item to a person, or to a new person");
  cmd_presolve->add_option("id", p_id, "review id")->required();
  cmd_presolve->add_option("--db", p_db, "sqlite:PATH or postgresql://...")->required();
  auto* o_person = cmd_presolve->add_option("--person", p_person, "the person_id the row is about");
  auto* o_new = cmd_presolve->add_flag("--new-person", p_new_person, "the row is about someone not in the store");
  o_person->excludes(o_new);
  cmd_presolve->add_option("--user", p_user, "who decides (default: $USER)");
  cmd_presolve->add_option("--rules", p_rules, "rules file (default: built-in, or $PATHWAYS_RULES)");
  auto* cmd_pdismiss = cmd_partner->add_subcommand("dismiss", "close a review item without applying it");
  cmd_pdismiss->add_option("id", p_id, "review id")->required();
  cmd_pdismiss->add_option("--db", p_db, "sqlite:PATH or postgresql://...")->required();
  cmd_pdismiss->add_option("--note", p_note, "why");
  cmd_pdismiss->add_option("--user", p_user, "who decides (default: $USER)");
  auto* cmd_pdups = cmd_partner->add_subcommand("duplicates", "pairs of stored people who are likely the same");
  auto* o_pdata = cmd_pdups->add_option("--data", p_data, "canonical data folder");
  auto* o_pdb = cmd_pdups->add_option("--db", p_db, "sqlite:PATH or postgresql://...");
  o_pdata->excludes(o_pdb);
  cmd_pdups->add_option("--threshold", p_threshold, "lowest score listed (0-1, default 0.85)")->check(CLI::Range(0.0, 1.0));
  cmd_pdups->add_option("--format", p_format, "table, json or csv")->check(formats);
  cmd_pdups->add_option("--rules", p_rules, "rules file (default: built-in, or $PATHWAYS_RULES)");

  // user: accounts for the web server (runs as CLI11 callbacks, cli/user_cmd.h)
  add_user_commands(app);
  // serve: the web application (cli/serve_cmd.h)
  add_serve_command(app);
  // roni: Risk of NEET Indicators (cli/roni_cmd.h); risk: the learned model (cli/risk_cmd.h)
  add_roni_commands(app);
  add_register_commands(app);
  add_coaching_commands(app);
  add_risk_commands(app);

  CLI11_PARSE(app, argc, argv);

  try {
    if (*cmd_gen) {
      generate(gen);
      std::cerr << fmt::format("wrote {} ({} preset, seed {})\n", gen.out_dir, gen.preset, gen.seed);
      return 0;
    }
    if (*cmd_stat || *cmd_annual) {
      const Common& c = *cmd_stat ? stat_c : annual_c;
      const Rules rules = load_rules(c);
      const ReportScope scope = parse_scope(c);
      std::optional<Date> month_end_date;
      if (*cmd_stat) {
        month_end_date = parse_month_end(month);
        if (!month_end_date) throw BadInput(fmt::format("--month: '{}' is not a month in the form YYYY-MM", month));
      }
      const bool xlsx = c.format == "xlsx";
      if (xlsx && report_out.empty()) throw BadInput("--format xlsx needs --out FILE");
      const auto t0 = std::chrono::steady_clock::now();
      const Dataset ds = load_or_fail(c, rules);
      const double load_ms = ms_since(t0);
      const auto t1 = std::chrono::steady_clock::now();
      std::string out;
      std::vector<Table> tables;
      if (*cmd_stat) {
        const Ymd m = to_ymd(*month_end_date);
        const StatutoryReport r = statutory_report(ds, rules, m.year, m.month, scope);
        if (xlsx) tables = to_tables(r);
        else out = render(r, parse_format(c.format));
      } else {
        const AnnualReport r = annual_report(ds, rules, year, scope);
        if (xlsx) tables = to_tables(r);
        else out = render(r, parse_format(c.format));
      }
      const double query_ms = ms_since(t1);
      if (xlsx) {
        write_xlsx(report_out, tables);
        std::cerr << fmt::format("wrote {}\n", report_out);
      } else if (!report_out.empty()) {
        write_file_atomically(report_out, out);
        std::cerr << fmt::format("wrote {}\n", report_out);
      } else {
        std::fwrite(out.data(), 1, out.size(), stdout);
      }
      if (c.timings)
        std::cerr << fmt::format("timings: {{\"load_ms\": {:.1f}, \"query_ms\": {:.1f}, \"peak_rss_mb\": {:.1f}}}\n",
                                 load_ms, query_ms, peak_rss_mb());
      return 0;
    }
    if (*cmd_import) {
      Common c;
      c.data = import_dir;
      c.rules_path = import_rules;
      const Rules rules = load_rules(c);
      LoadReport report;
      // people.csv is read whole; activities.csv and indicators.csv stream into the store
      // inside the transaction below, which rolls back if they have any error.
      Dataset people = load_people(import_dir, rules, report);
      // The folder's coaching/ records, when it has them: checked before anything is stored.
      std::optional<CoachingRecords> coaching;
      if (report.ok() && std::filesystem::is_directory(std::filesystem::path(import_dir) / "coaching"))
        coaching = load_coaching(import_dir, people, report);
      const std::string error_file = import_dir + "/import-errors.csv";
      auto refuse = [&] {
        print_issues(report);
        if (write_issue_csv(error_file, report))
          std::cerr << fmt::format("error report written to {}\n", error_file);
        throw BadInput(fmt::format("{}: {} error(s); nothing was imported", import_dir, report.error_count));
      };
      if (!report.ok()) refuse();
      if (import_user.empty()) {
        const char* u = std::getenv("USER");
        import_user = u ? u : "unknown";
      }
      auto db = open_db(import_db);
      // People, activities, indicators and coaching records in one transaction: all or nothing.
      migrate(*db);
      db->begin_exclusive();
      ImportSummary s;
      CoachingImportSummary cs;
      try {
        s = import_folder_locked(*db, import_dir, people, rules, report, import_dir, import_user);
        if (!report.ok()) {
          db->rollback();
          refuse();
        }
        if (coaching) cs = import_coaching_locked(*db, *coaching, people, import_user);
        if (s.changed() || cs.changed()) db->commit();
        else db->rollback();  // records nothing
      } catch (...) {
        db->rollback();
        throw;
      }
      std::remove(error_file.c_str());
      for (const auto& w : report.warnings) std::cerr << "warning: " << format_issue(w) << "\n";
      if (!s.changed()) {
        std::cout << fmt::format("{}: nothing new ({} people, {} activities, {} indicator rows already stored)\n",
                                 import_dir, s.people_unchanged, s.activities_unchanged, s.indicators_unchanged);
      } else {
        std::cout << fmt::format(
            "{}: imported as batch {}: people {} added, {} changed, {} unchanged; activities {} added, {} changed, "
            "{} unchanged; indicator rows {} added, {} changed, {} unchanged\n",
            import_dir, s.batch_id, s.people_added, s.people_changed, s.people_unchanged, s.activities_added,
            s.activities_changed, s.activities_unchanged, s.indicators_added, s.indicators_changed,
            s.indicators_unchanged);
      }
      if (coaching) {
        auto part = [](const char* what, const CoachingTableImport& t) {
          return fmt::format("{} {} added, {} changed, {} unchanged", what, t.added, t.changed, t.unchanged);
        };
        std::cout << fmt::format("{}: coaching: {}; {}; {}; {}\n", import_dir, part("caseload episodes", cs.caseload),
                                 part("sessions", cs.sessions), part("assessments", cs.assessments),
                                 part("contacts", cs.contacts));
      }
      return 0;
    }
    if (*cmd_validate_nccis || *cmd_export_nccis) {
      const bool exporting = static_cast<bool>(*cmd_export_nccis);
      NccisArgs& a = exporting ? ne : nv;
      const Rules rules = load_rules(a.c);
      const ReportScope scope = parse_scope(a.c);
      if (exporting && !scope.la) throw BadInput("--la: the reporting LA is required for a return");
      const auto month_end_date = parse_month_end(a.month);
      if (!month_end_date) throw BadInput(fmt::format("--month: '{}' is not a month in the form YYYY-MM", a.month));
      nccis::LaCodes codes;
      try {
        codes = nccis::LaCodes::load(a.la_codes);
      } catch (const std::exception& e) {
        throw BadInput(e.what());
      }
      nccis::NccisOptions o;
      o.la_codes = &codes;
      o.database_id = a.database_id;
      o.extensions = !a.no_extensions;
      o.root_element = a.root;
      if (a.leavers == "exclude") o.leavers_without_date = nccis::LeaverPolicy::kExclude;
      if (!a.date_of_send.empty()) {
        const auto d = parse_date(a.date_of_send);
        if (!d) throw BadInput(fmt::format("--date-of-send: '{}' is not a real date", a.date_of_send));
        o.date_of_send = *d;
      }
      // --as-recorded: everything as the store held it at the end of the date of send, so a
      // return can be made again exactly as it was sent.
      LoadOptions lo;
      lo.indicators = false;
      if (a.as_recorded) {
        if (a.c.db.empty()) throw BadInput("--as-recorded reads a store's history: give --db URL");
        lo.recorded_by = format_date(o.date_of_send == kNoDate ? cli::today_utc() : o.date_of_send) + "T23:59:59Z";
      }
      const Dataset ds = cli::load_or_fail(a.c.data, a.c.db, rules, lo);
      // From the store, a leaver is reported once, in the month the store recorded it.
      std::unordered_map<std::string, Date> left;
      // From the store, the intended destinations and September Guarantee offers partner
      // feeds stored, read like the people above: current, or (--as-recorded) as recorded by
      // the end of the date of send. A --data folder has none (NC006 / NC007 warn).
      nccis::PartnerRecords partner;
      if (!a.c.db.empty()) {
        auto db = open_db(a.c.db);
        left = leaver_recorded_dates(*db, lo.recorded_by);
        partner = nccis::partner_records(intended_destinations(*db, lo.recorded_by), guarantee_offers(*db, lo.recorded_by));
        o.partner = &partner;
        o.left_on = [&](uint32_t p) -> std::optional<Date> {
          const auto it = left.find(std::string(ds.people.id[p]));
          if (it == left.end()) return std::nullopt;
          return it->second;
        };
      }
      const Ymd m = to_ymd(*month_end_date);
      try {
        if (!exporting) {
          const auto issues = nccis::validate_nccis(ds, rules, m.year, m.month, scope.la, o);
          const Format f = parse_format(a.c.format);
          std::string out;
          if (f == Format::kJson) out = nccis::issues_json(issues).dump(2) + "\n";
          else if (f == Format::kCsv) out = nccis::issues_csv(issues);
          else {
            for (const auto& i : issues) out += nccis::format_issue(i) + "\n";
            out += fmt::format("{} error(s), {} warning(s)\n", nccis::count_errors(issues),
                               issues.size() - nccis::count_errors(issues));
          }
          std::fwrite(out.data(), 1, out.size(), stdout);
          return nccis::has_errors(issues) ? kBadInput : 0;
        }
        const nccis::NccisResult r = nccis::build_nccis(ds, rules, m.year, m.month, *scope.la, o);
        for (const auto& i : r.issues) std::cerr << nccis::format_issue(i) << "\n";
        if (!r.ok()) {
          std::cerr << fmt::format("{} blocking error(s); {} not written\n", r.errors, a.out);
          return kBadInput;
        }
        write_file_atomically(a.out, *r.xml);
        std::cerr << fmt::format("wrote {}: {} young people ({} leavers), {} warning(s)\n", a.out, r.records,
                                 r.leavers, r.warnings);
        return 0;
      } catch (const std::invalid_argument& e) {
        throw BadInput(e.what());
      }
    }
    if (*cmd_partner) {
      Common c;
      c.rules_path = p_rules;
      c.data = p_data;
      c.db = p_db;
      if (p_user.empty()) {
        const char* u = std::getenv("USER");
        p_user = u ? u : "unknown";
      }
      auto emit = [](const std::string& out) { std::fwrite(out.data(), 1, out.size(), stdout); };
      try {
        if (*cmd_pimport) {
          const Rules rules = load_rules(c);
          if (!p_la.empty() && (p_la.size() != 3 || p_la.find_first_not_of("0123456789") != std::string::npos))
            throw BadInput(fmt::format("--la: '{}' is not a 3-digit LA code", p_la));
          PartnerOptions options;
          options.default_la_code = p_la;
          options.dry_run = p_dry_run;
          auto db = open_db(p_db);
          LoadReport report;
          const PartnerImportResult r =
              import_partner_feed(*db, rules, *parse_feed_kind(p_feed), p_file, p_user, report, options);
          const size_t dot = p_file.rfind('.');
          const std::string error_file =
              (dot != std::string::npos && p_file.find('/', dot) == std::string::npos ? p_file.substr(0, dot) : p_file) +
              "-errors.csv";
          if (!report.ok()) {
            print_issues(report);
            if (write_issue_csv(error_file, report)) std::cerr << fmt::format("error report written to {}\n", error_file);
            throw BadInput(fmt::format("{}: {} error(s); nothing was imported", p_file, report.error_count));
          }
          std::remove(error_file.c_str());
          for (const auto& w : report.warnings) std::cerr << "warning: " << format_issue(w) << "\n";
          if (p_format == "json") emit(to_json(r).dump(2) + "\n");
          else if (p_format == "csv") emit(outcomes_csv(r));
          else emit(summary_text(r));
          return 0;
        }
        if (*cmd_previews) {
          auto db = open_db(p_db);
          const auto items = open_reviews(*db);
          if (p_format == "json") emit(to_json(items).dump(2) + "\n");
          else if (p_format == "csv") emit(reviews_csv(items));
          else emit(reviews_text(items));
          return 0;
        }
        if (*cmd_presolve) {
          if (p_person.empty() == !p_new_person) throw BadInput("give either --person PERSON_ID or --new-person");
          const Rules rules = load_rules(c);
          auto db = open_db(p_db);
          const ResolveResult r = resolve_review(
              *db, rules, p_id, p_new_person ? std::nullopt : std::optional<std::string>(p_person), p_user);
          std::cout << fmt::format("review {}: applied to {}{}: {}\n", p_id, r.person_id,
                                   r.new_person ? " (new person)" : "", r.detail);
          for (const auto& n : r.notes) std::cout << "  note: " << n << "\n";
          return 0;
        }
        if (*cmd_pdismiss) {
          auto db = open_db(p_db);
          dismiss_review(*db, p_id, p_user, p_note);
          std::cout << fmt::format("review {}: dismissed\n", p_id);
          return 0;
        }
        if (*cmd_pdups) {
          const Rules rules = load_rules(c);
          const Dataset ds = load_or_fail(c, rules);
          const auto pairs = find_duplicates(ds, p_threshold);
          if (p_format == "json") emit(duplicates_json(ds, pairs).dump(2) + "\n");
          else if (p_format == "csv") emit(duplicates_csv(ds, pairs));
          else emit(duplicates_text(ds, pairs));
          return 0;
        }
      } catch (const std::invalid_argument& e) {
        throw BadInput(e.what());
      }
    }
    if (*cmd_check) {
      const Rules rules = load_rules(check_c);
      const Dataset ds = load_or_fail(check_c, rules, /*with_indicators=*/true);
      std::cout << fmt::format("{}: OK, {} people, {} activities, {} indicator rows\n", check_c.data,
                               ds.people.size(), ds.activities.size(), ds.indicators.size());
      return 0;
    }
    if (*cmd_status) {
      const Rules rules = load_rules(status_c);
      const auto d = parse_date(on_date);
      if (!d) throw BadInput(fmt::format("--date: '{}' is not a real date in the form YYYY-MM-DD", on_date));
      const Dataset ds = load_or_fail(status_c, rules);
      const uint32_t p = ds.find_person(person_id);
      if (p == kNoIndex) throw BadInput(fmt::format("--person: no person with id '{}'", person_id));
      const Status s = status_on(ds, rules, p, *d);
      const int age = academic_age(ds.people.date_of_birth[p], *d);
      if (parse_format(status_c.format) == Format::kJson) {
        nlohmann::ordered_json j;
        j["person_id"] = person_id;
        j["date"] = on_date;
        j["academic_age"] = age;
        if (s.known()) {
          const auto& code = rules.code(ds.activities.code[s.activity]);
          j["activity_code"] = code.code;
          j["label"] = code.label;
          j["group"] = rules.group_of(ds.activities.code[s.activity]).name;
          j["category"] = category_name(rules.category_of(ds.activities.code[s.activity]));
          j["participating"] = code.participating;
          j["start_date"] = format_date(ds.activities.start[s.activity]);
          j["last_verified"] = format_date(s.last_verified);
          j["lapse_date"] = s.lapse_date == kNoDate ? nlohmann::ordered_json(nullptr)
                                                    : nlohmann::ordered_json(format_date(s.lapse_date));
          j["activities_csv_line"] = ds.activities.line[s.activity];
        } else {
          j["activity_code"] = 810;
          j["label"] = "Not known: no current activity";
          j["category"] = "not_known";
        }
        std::cout << j.dump(2) << "\n";
      } else if (s.known()) {
        const auto& code = rules.code(ds.activities.code[s.activity]);
        std::cout << fmt::format(
            "{} on {} (academic age {}): {} {} [{}]\n  started {}, last verified {}, {}\n  from activities.csv line {}\n",
            person_id, on_date, age, code.code, code.label, rules.group_of(ds.activities.code[s.activity]).label,
            format_date(ds.activities.start[s.activity]), format_date(s.last_verified),
            s.lapse_date == kNoDate ? std::string("never lapses") : "lapses on " + format_date(s.lapse_date),
            ds.activities.line[s.activity]);
      } else {
        std::cout << fmt::format("{} on {} (academic age {}): not known (no current activity)\n", person_id, on_date,
                                 age);
      }
      return 0;
    }
  } catch (const DbError& e) {
    std::cerr << "error: database: " << e.what() << "\n";
    return 1;
  } catch (const BadInput& e) {
    std::cerr << "error: " << e.what() << "\n";
    return kBadInput;
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
