// What every `pathways` command shares: the bad-input error and its exit status, loading a
// folder or the store with every issue printed, rules and LA options, writing output files
// whole or not at all, and turning failures into exit statuses for CLI11 callbacks.
#pragma once

#include <functional>
#include <stdexcept>
#include <string>

#include "domain/date.h"
#include "domain/rules.h"
#include "engine/dataset.h"
#include "io/folder.h"
#include "report/participation.h"

namespace pathways::cli {

// Exit status 2: bad input. The message names the file, line, column or option and reason.
inline constexpr int kBadInput = 2;
struct BadInput : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Today's date in UTC.
Date today_utc();

// The user a command acts as: `by` when given, else $USER, else "unknown".
std::string invoking_user(const std::string& by = "");

// Records one entry in the audit log of the store at `db_url`, made from the command line
// (role "system", remote "cli") by `user`; returns once it is written.
void audit(const std::string& db_url, const std::string& user, const std::string& action,
           const std::string& record_type, const std::string& record_id, const std::string& detail);

// Prints the warnings and errors of a load to standard error.
void print_issues(const LoadReport& report);

// The rules file `path`, else $PATHWAYS_RULES, else the built-in rules; a bad file is BadInput.
Rules load_rules(const std::string& path);

// "--la CODE": a 3-digit LA code, or everyone resident when empty; otherwise BadInput.
ReportScope parse_la(const std::string& la);

// Reads `data` (a folder) or `db` (a store URL), exactly one of them; prints every issue and
// throws BadInput when there is any error, so nothing is computed from bad data.
Dataset load_or_fail(const std::string& data, const std::string& db, const Rules& rules, const LoadOptions& options);

// Writes `path` via a temporary file and a rename, so a failure never leaves half a file.
void write_file_atomically(const std::string& path, const std::string& content);

// `content` to the file `path` (reporting "wrote PATH" on standard error), or to standard
// output when `path` is empty.
void emit(const std::string& path, const std::string& content);

// Runs a CLI11 callback's command: BadInput ends with exit status 2, any other failure with
// 1, each with its message on standard error (CLI::RuntimeError carries the status out).
void guarded(const std::function<void()>& command);

}  // namespace pathways::cli
