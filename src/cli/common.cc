#include "cli/common.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <iostream>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "auth/accounts.h"
#include "store/db.h"
#include "store/store.h"

namespace pathways::cli {

Date today_utc() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  return make_date(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

std::string invoking_user(const std::string& by) {
  if (!by.empty()) return by;
  const char* u = std::getenv("USER");
  return u && *u ? u : "unknown";
}

void audit(const std::string& db_url, const std::string& user, const std::string& action,
           const std::string& record_type, const std::string& record_id, const std::string& detail) {
  AuditLog log(db_url);
  AuditEntry e;
  e.username = user;
  e.role = "system";
  e.action = action;
  e.record_type = record_type;
  e.record_id = record_id;
  e.remote = "cli";
  e.detail = detail;
  log.record(std::move(e));
}

void print_issues(const LoadReport& report) {
  for (const auto& w : report.warnings) std::cerr << "warning: " << format_issue(w) << "\n";
  for (const auto& e : report.errors) std::cerr << "error: " << format_issue(e) << "\n";
  if (report.error_count > report.errors.size())
    std::cerr << fmt::format("... and {} more errors\n", report.error_count - report.errors.size());
}

Rules load_rules(const std::string& given) {
  std::string path = given;
  if (path.empty())
    if (const char* env = std::getenv("PATHWAYS_RULES")) path = env;
  try {
    return Rules::load(path);
  } catch (const std::exception& e) {
    throw BadInput(e.what());
  }
}

ReportScope parse_la(const std::string& la) {
  ReportScope s;
  if (!la.empty()) {
    if (la.size() != 3 || la.find_first_not_of("0123456789") != std::string::npos)
      throw BadInput(fmt::format("--la: '{}' is not a 3-digit LA code", la));
    s.la = static_cast<uint16_t>(std::stoi(la));
  }
  return s;
}

Dataset load_or_fail(const std::string& data, const std::string& db, const Rules& rules, const LoadOptions& options) {
  if (data.empty() == db.empty()) throw BadInput("give either --data DIR or --db URL");
  LoadReport report;
  Dataset ds;
  if (!db.empty()) {
    auto conn = open_db(db);
    ds = load_store(*conn, rules, report, options);
  } else {
    ds = load_folder(data, rules, report, options);
  }
  if (!report.ok()) {
    print_issues(report);
    throw BadInput(fmt::format("{}: {} error(s); nothing was computed", db.empty() ? data : redact_url(db),
                               report.error_count));
  }
  for (const auto& w : report.warnings) std::cerr << "warning: " << format_issue(w) << "\n";
  return ds;
}

void write_file_atomically(const std::string& path, const std::string& content) {
  const std::string tmp = path + ".tmp";
  FILE* f = std::fopen(tmp.c_str(), "wb");
  if (!f) throw std::runtime_error(fmt::format("{}: cannot write: {}", path, std::strerror(errno)));
  const bool ok = std::fwrite(content.data(), 1, content.size(), f) == content.size();
  if (std::fclose(f) != 0 || !ok || std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::remove(tmp.c_str());
    throw std::runtime_error(fmt::format("{}: write failed", path));
  }
}

void emit(const std::string& path, const std::string& content) {
  if (!path.empty()) {
    write_file_atomically(path, content);
    std::cerr << fmt::format("wrote {}\n", path);
  } else {
    std::fwrite(content.data(), 1, content.size(), stdout);
    std::fflush(stdout);
  }
}

void guarded(const std::function<void()>& command) {
  try {
    command();
  } catch (const CLI::Error&) {
    throw;
  } catch (const BadInput& e) {
    std::cerr << "error: " << e.what() << "\n";
    throw CLI::RuntimeError(kBadInput);
  } catch (const DbError& e) {
    std::cerr << "error: database: " << e.what() << "\n";
    throw CLI::RuntimeError(1);
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    throw CLI::RuntimeError(1);
  }
}

}  // namespace pathways::cli
