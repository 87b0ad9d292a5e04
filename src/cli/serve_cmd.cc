#include "cli/serve_cmd.h"

#include <csignal>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <string>

#include <fmt/format.h>

#include "auth/accounts.h"
#include "auth/password.h"
#include "coaching/import.h"
#include "domain/rules.h"
#include "generate/generate.h"
#include "io/folder.h"
#include "server/app.h"
#include "store/store.h"

namespace pathways {

namespace {

struct ServeArgs {
  web::ServerOptions options;
  bool demo = false;
  std::string demo_dir;
  std::string as_of;
};

web::App* running = nullptr;

void on_signal(int) {
  if (running) running->stop();
}

// Fills an empty store with the `la` preset (people, activities, coaching records), and creates
// one account per role when there are none. Prints the accounts and their one-time passwords.
void prepare_demo(const ServeArgs& args) {
  auto db = open_db(args.options.db_url);
  migrate(*db);
  const Rules rules = Rules::load(args.options.rules_path);
  int64_t people = 0;
  {
    auto rows = db->query("SELECT COUNT(*) FROM people");
    if (rows->next()) people = rows->integer(0);
  }
  if (people == 0) {
    namespace fs = std::filesystem;
    const fs::path dir = args.demo_dir.empty() ? fs::temp_directory_path() / ("pathways-demo-" + random_token(8)) : fs::path(args.demo_dir);
    std::fprintf(stderr, "Generating the demo local authority (LA 890, about 13,000 young people) in %s ...\n", dir.string().c_str());
    GenerateOptions gen;
    gen.out_dir = dir.string();
    gen.preset = "la";
    generate(gen);
    LoadReport report;
    Dataset ds = load_folder(dir.string(), rules, report);
    if (!report.ok()) throw std::runtime_error("the generated demo data does not load: " + format_issue(report.errors.front()));
    const auto sum = import_dataset(*db, ds, rules, "demo: generated la preset", "demo");
    LoadReport coaching_report;
    const auto coaching = import_coaching_folder(*db, dir.string(), ds, "demo", coaching_report);
    if (!coaching)
      throw std::runtime_error("the generated coaching records do not load: " + format_issue(coaching_report.errors.front()));
    const CoachingImportSummary& cs = *coaching;
    std::fprintf(stderr,
                 "Imported %lld people, %lld activities, %lld caseload episodes, %lld coaching sessions, %lld "
                 "assessments and %lld contacts.\n",
                 static_cast<long long>(sum.people_added), static_cast<long long>(sum.activities_added),
                 static_cast<long long>(cs.caseload.added), static_cast<long long>(cs.sessions.added),
                 static_cast<long long>(cs.assessments.added), static_cast<long long>(cs.contacts.added));
    if (args.demo_dir.empty()) {
      std::error_code ec;
      fs::remove_all(dir, ec);
    }
  }
  web::ServerOptions none;
  Accounts accounts(args.options.db_url);
  if (!accounts.users().empty()) {
    std::fprintf(stderr, "Demo accounts exist already (pathways user list --db %s).\n", redact_url(args.options.db_url).c_str());
    return;
  }
  // The school with most pupils and the coach with the largest current caseload.
  std::string school, coach;
  {
    auto rows = db->query(
        "SELECT v.school_id, COUNT(*) AS n FROM people p JOIN person_versions v ON v.person_seq = p.person_seq AND "
        "v.version = p.current_version WHERE v.school_id IS NOT NULL GROUP BY v.school_id ORDER BY n DESC, v.school_id LIMIT 1");
    if (rows->next()) school = rows->text(0);
  }
  {
    auto rows = db->query(
        "SELECT coach_id, COUNT(*) AS n FROM caseload_episodes WHERE left_date IS NULL GROUP BY coach_id ORDER BY n DESC, "
        "coach_id LIMIT 1");
    if (rows->next()) coach = rows->text(0);
  }
  std::printf("\nDemo accounts (one-time passwords: each must be changed at first sign-in):\n");
  for (Role role : all_roles()) {
    NewUser u;
    u.username = "demo-" + std::string(role_name(role));
    for (auto& c : u.username)
      if (c == '_') c = '-';
    u.role = role;
    if (role == Role::school) u.school_id = school;
    if (role == Role::coach) u.coach_id = coach;
    u.password = random_token(12);
    u.must_change_password = true;
    accounts.add_user(u, "demo");
    std::printf("  %-18s %-13s password %s%s\n", u.username.c_str(), std::string(role_name(role)).c_str(), u.password.c_str(),
                role == Role::school ? ("  (school " + school + ")").c_str() : role == Role::coach ? ("  (coach " + coach + ")").c_str() : "");
  }
  std::fflush(stdout);
}

void run_serve(ServeArgs& args) {
  if (!args.as_of.empty()) {
    const auto d = parse_date(args.as_of);
    if (!d) throw CLI::ValidationError("--as-of", "'" + args.as_of + "' is not a date in the form YYYY-MM-DD");
    args.options.as_of = *d;
  }
  if (args.demo) {
    if (args.options.la.empty()) args.options.la = "890";
    prepare_demo(args);
  }
  web::App app(args.options);
  app.bind();
  running = &app;
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  std::printf("\nPathways is running at http://%s:%d/ (store %s). Press Ctrl+C to stop.\n",
              args.options.host == "0.0.0.0" ? "localhost" : args.options.host.c_str(), app.port(),
              redact_url(args.options.db_url).c_str());
  std::fflush(stdout);
  app.serve();
  running = nullptr;
}

}  // namespace

void add_serve_command(CLI::App& app) {
  auto args = std::make_shared<ServeArgs>();
  auto* cmd = app.add_subcommand("serve", "the web application and its JSON API");
  cmd->add_option("--db", args->options.db_url, "store: sqlite:PATH (default sqlite:pathways.db) or postgresql://...");
  cmd->add_option("--la", args->options.la, "3-digit code of the reporting LA (with --demo: 890)");
  cmd->add_option("--port", args->options.port, "port to listen on (default 8080; 0 = any free port)")->check(CLI::Range(0, 65535));
  cmd->add_option("--host", args->options.host, "address to listen on (default 127.0.0.1)");
  cmd->add_flag("--demo", args->demo, "fill an empty store with a synthetic LA and create one account per role");
  cmd->add_option("--demo-dir", args->demo_dir, "keep the generated demo folder here");
  cmd->add_option("--assets", args->options.assets_dir, "built front-end assets (default: web/dist beside the build)");
  cmd->add_option("--rules", args->options.rules_path, "rules file (default: built-in)");
  cmd->add_option("--dashboard", args->options.dashboard_path, "targets and national figures (default: built-in data/dashboard.json)");
  cmd->add_flag("--secure-cookies", args->options.secure_cookies, "mark cookies Secure and send HSTS (serving behind TLS)");
  cmd->add_option("--programmes", args->options.programmes_path, "coaching programmes' session names (default: built-in data/programmes.json)");
  cmd->add_option("--roni-criteria", args->options.roni_criteria_path, "RONI criteria file (default: built-in data/roni.json)");
  cmd->add_option("--as-of", args->as_of, "treat this date as today (YYYY-MM-DD), e.g. for a fixed demo");
  cmd->add_option("--threads", args->options.threads, "worker threads (default 96)")->check(CLI::Range(1, 1024));
  cmd->add_flag("!--no-access-log", args->options.access_log, "do not print a line per request");
  cmd->add_option("--recording-day", args->options.recording_day,
                  "day of the month coaches record on (default 23; a shorter month uses its last day)")
      ->check(CLI::Range(1, 31));
  cmd->callback([args] {
    try {
      run_serve(*args);
    } catch (const CLI::Error&) {
      throw;
    } catch (const std::exception& e) {
      std::fprintf(stderr, "error: %s\n", e.what());
      throw CLI::RuntimeError(1);
    }
  });
}

}  // namespace pathways
