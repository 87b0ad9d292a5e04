#include "cli/register_cmd.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <functional>
#include <iostream>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/common.h"
#include "io/folder.h"
#include "risk/criteria.h"
#include "risk/register.h"
#include "store/db.h"
#include "store/store.h"

namespace pathways {

namespace {

using cli::BadInput;

struct RegisterArgs {
  std::string db, criteria, data_date, by, school, out, format = "table";
  int year = 0;
  int64_t id = 0;
};

// Register errors are the user's to fix: exit status 2, like any bad input.
void guarded(const std::function<void()>& command) {
  cli::guarded([&] {
    try {
      command();
    } catch (const risk::RegisterError& e) {
      throw BadInput(e.what());
    }
  });
}

std::string read_criteria_text(const std::string& path) {
  if (path.empty()) return std::string(risk::kDefaultRoniJson);
  std::ifstream in(path, std::ios::binary);
  if (!in) throw BadInput(fmt::format("--criteria: cannot read '{}'", path));
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

Dataset load_with_indicators(Db& db, bool names) {
  LoadReport report;
  LoadOptions lo;
  lo.indicators = true;
  lo.names = names;
  Dataset ds = load_store(db, Rules::defaults(), report, lo);
  if (!report.ok()) throw BadInput("the store's data does not pass validation: " + format_issue(report.errors.front()));
  return ds;
}

void create(const RegisterArgs& a) {
  const std::string text = read_criteria_text(a.criteria);
  risk::Criteria criteria;
  try {
    criteria = risk::Criteria::from_json(text, a.criteria.empty() ? "data/roni.json" : a.criteria);
  } catch (const std::exception& e) {
    throw BadInput(e.what());
  }
  Date when = cli::today_utc();
  if (!a.data_date.empty()) {
    const auto d = parse_date(a.data_date);
    if (!d) throw BadInput(fmt::format("--data-date: '{}' is not a date (YYYY-MM-DD)", a.data_date));
    when = *d;
  }
  const int year = a.year ? a.year : academic_year_of(when);
  auto db = open_db(a.db);
  migrate(*db);
  const Dataset ds = load_with_indicators(*db, false);
  const int64_t id = risk::freeze_register(*db, ds, Rules::defaults(), criteria, text, year, when, "on_demand", cli::invoking_user(a.by));
  const auto info = risk::find_register(*db, id);
  cli::audit(a.db, cli::invoking_user(a.by), "create", "roni_register", std::to_string(id),
             fmt::format("academic year {}, data date {}", year, format_date(when)));
  std::cout << fmt::format("register {}: {} pupils listed (academic year {}-{:02d}, data as of {}, criteria {})\n", id,
                           info ? info->entries : 0, year, (year + 1) % 100, format_date(when), criteria.version);
}

void list(const RegisterArgs& a) {
  auto db = open_db(a.db);
  const auto registers = risk::list_registers(*db);
  if (a.format == "json") {
    nlohmann::ordered_json out = nlohmann::ordered_json::array();
    for (const auto& r : registers)
      out.push_back({{"id", r.id}, {"academic_year", r.academic_year}, {"data_date", r.data_date},
                     {"criteria_version", r.criteria_version}, {"kind", r.kind}, {"created_by", r.created_by},
                     {"created_at", r.created_at}, {"entries", r.entries}});
    std::cout << out.dump(2) << "\n";
    return;
  }
  std::cout << fmt::format("{:>4}  {:<9}  {:<10}  {:<10}  {:<24}  {:>7}\n", "id", "year", "data date", "kind", "criteria", "listed");
  for (const auto& r : registers)
    std::cout << fmt::format("{:>4}  {}-{:02d}    {:<10}  {:<10}  {:<24}  {:>7}\n", r.id, r.academic_year,
                             (r.academic_year + 1) % 100, r.data_date, r.kind, r.criteria_version, r.entries);
}

void show(const RegisterArgs& a) {
  auto db = open_db(a.db);
  const auto view = risk::view_register(*db, a.id, a.school);
  const Dataset ds = load_with_indicators(*db, true);
  if (a.format == "csv") {
    std::cout << risk::register_csv(view, ds);
    return;
  }
  if (a.format == "json") {
    nlohmann::ordered_json entries = nlohmann::ordered_json::array();
    for (const auto& e : view.entries)
      entries.push_back({{"person_id", e.person_id}, {"school_id", e.school_id}, {"year_group", e.year_group},
                         {"score", e.score}, {"rag", e.rag}, {"by_group", e.by_group}, {"listed", e.listed},
                         {"added_by_school", e.added_by_school}, {"reason", e.reason},
                         {"indicators", nlohmann::ordered_json::parse(e.indicators)}});
    nlohmann::ordered_json signoffs = nlohmann::ordered_json::array();
    for (const auto& s : view.signoffs) signoffs.push_back({{"school_id", s.school_id}, {"by", s.by}, {"at", s.at}});
    std::cout << nlohmann::ordered_json{{"id", view.info.id},
                                        {"academic_year", view.info.academic_year},
                                        {"data_date", view.info.data_date},
                                        {"criteria_version", view.info.criteria_version},
                                        {"entries", entries},
                                        {"signoffs", signoffs}}
                     .dump(2)
              << "\n";
    return;
  }
  std::cout << fmt::format("register {} ({}-{:02d}), data as of {}, criteria {}\n", view.info.id, view.info.academic_year,
                           (view.info.academic_year + 1) % 100, view.info.data_date, view.info.criteria_version);
  std::cout << fmt::format("{:<12} {:<8} {:>4} {:>5}  {:<6} {:<8}  {}\n", "person", "school", "year", "score", "rag", "listed", "moderation");
  for (const auto& e : view.entries)
    std::cout << fmt::format("{:<12} {:<8} {:>4} {:>5}  {:<6} {:<8}  {}\n", e.person_id, e.school_id, e.year_group, e.score,
                             e.added_by_school ? "" : e.rag, e.listed ? "yes" : "no",
                             e.added_by_school ? "added: " + e.reason : !e.listed ? "removed: " + e.reason : "");
}

void export_list(const RegisterArgs& a) {
  auto db = open_db(a.db);
  const auto view = risk::view_register(*db, a.id, a.school);
  if (!view.signed_off(a.school))
    throw BadInput(fmt::format("register {}: the list of school {} has not been moderated and signed off; it cannot be shared yet",
                               a.id, a.school));
  const Dataset ds = load_with_indicators(*db, true);
  const std::string csv = risk::register_csv(view, ds);
  cli::write_file_atomically(a.out, csv);
  cli::audit(a.db, cli::invoking_user(a.by), "export", "roni_register", fmt::format("{}/{}", a.id, a.school),
             a.out);
  std::cerr << fmt::format("wrote {} ({} pupils)\n", a.out, view.entries.size());
}

}  // namespace

void add_register_commands(CLI::App& app) {
  CLI::App* roni = app.get_subcommand("roni");
  auto* reg = roni->add_subcommand("register", "at-risk registers in the store: produce, list, show, export");
  reg->require_subcommand(1);
  auto args = std::make_shared<RegisterArgs>();
  auto db_option = [&](CLI::App* c) {
    c->add_option("--db", args->db, "store: sqlite:PATH or postgresql://...")->required();
  };
  auto* create_cmd = reg->add_subcommand("create", "freeze the register of an academic year (all schools, the criteria's year groups)");
  db_option(create_cmd);
  create_cmd->add_option("--year", args->year, "academic year (start), e.g. 2026 for 2026-27; default: the data date's")
      ->check(CLI::Range(1990, 2100));
  create_cmd->add_option("--data-date", args->data_date, "the data date recorded with the register (default: today)");
  create_cmd->add_option("--criteria", args->criteria, "RONI criteria file (default: built-in data/roni.json)");
  create_cmd->add_option("--by", args->by, "who produces it (default: $USER)");
  create_cmd->callback([args] { guarded([&] { create(*args); }); });

  auto* list_cmd = reg->add_subcommand("list", "the registers, newest first");
  db_option(list_cmd);
  list_cmd->add_option("--format", args->format, "table or json")->check(CLI::IsMember({"table", "json"}));
  list_cmd->callback([args] { guarded([&] { list(*args); }); });

  auto* show_cmd = reg->add_subcommand("show", "a register's pupils with the schools' decisions applied");
  db_option(show_cmd);
  show_cmd->add_option("--id", args->id, "register id")->required();
  show_cmd->add_option("--school", args->school, "one school's list");
  show_cmd->add_option("--format", args->format, "table, json or csv")->check(CLI::IsMember({"table", "json", "csv"}));
  show_cmd->callback([args] { guarded([&] { show(*args); }); });

  auto* export_cmd = reg->add_subcommand("export", "write a school's signed-off list as CSV for sharing");
  db_option(export_cmd);
  export_cmd->add_option("--id", args->id, "register id")->required();
  export_cmd->add_option("--school", args->school, "school id")->required();
  export_cmd->add_option("--out", args->out, "CSV file to write")->required();
  export_cmd->add_option("--by", args->by, "who exports it (default: $USER)");
  export_cmd->callback([args] { guarded([&] { export_list(*args); }); });
}

}  // namespace pathways
