#include "cli/user_cmd.h"

#include "cli/common.h"

#include <cstdlib>
#include <algorithm>
#include <array>
#include <functional>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "auth/accounts.h"
#include "auth/password.h"
#include "store/db.h"
#include "store/store.h"

namespace pathways {

namespace {

struct UserArgs {
  std::string db, username, role, school, coach, by, format = "table";
  bool password_stdin = false;
  bool must_change = false;
};

std::string who(const UserArgs& a) { return cli::invoking_user(a.by); }

// Runs a command: account errors are the user's to fix (exit status 2), like any bad input.
void guarded(const std::function<void()>& command) {
  cli::guarded([&] {
    try {
      command();
    } catch (const AccountError& e) {
      throw cli::BadInput(e.what());
    }
  });
}

// One line of standard input, without its line ending.
std::string password_from_stdin() {
  std::string line;
  if (!std::getline(std::cin, line) && line.empty())
    throw AccountError("--password-stdin: no password on standard input");
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

// A random password that passes password_problem() for `username`.
std::string one_time_password(const std::string& username) {
  for (;;) {
    std::string p = random_token(12);  // 16 characters, 96 bits
    if (password_problem(p, username).empty()) return p;
  }
}

// Opens the store, applies any migrations, and records `action` on `username` once done.
void audited(const UserArgs& a, const std::string& action, const std::string& detail,
             const std::function<void(Accounts&)>& change) {
  {
    auto db = open_db(a.db);
    migrate(*db);
  }
  Accounts accounts(a.db);
  change(accounts);
  cli::audit(a.db, who(a), action, "user", a.username, detail);
}

void add(const UserArgs& a) {
  const auto role = parse_role(a.role);
  if (!role) throw AccountError(fmt::format("--role: unknown role '{}'; the roles are {}", a.role, role_names()));
  NewUser nu;
  nu.username = a.username;
  nu.role = *role;
  nu.school_id = a.school;
  nu.coach_id = a.coach;
  const bool generated = !a.password_stdin;
  nu.password = generated ? one_time_password(a.username) : password_from_stdin();
  nu.must_change_password = generated || a.must_change;
  audited(a, "user.add", fmt::format("role {}", a.role), [&](Accounts& accounts) { accounts.add_user(nu, who(a)); });
  std::cout << fmt::format("added user {} ({})\n", a.username, a.role);
  if (generated) std::cout << fmt::format("one-time password: {} (to be changed at first sign-in)\n", nu.password);
}

void set_password(const UserArgs& a) {
  const bool generated = !a.password_stdin;
  const std::string password = generated ? one_time_password(a.username) : password_from_stdin();
  const bool must_change = generated || a.must_change;
  audited(a, "user.set_password", must_change ? "must change at next sign-in" : "",
          [&](Accounts& accounts) { accounts.set_password(a.username, password, must_change, who(a)); });
  std::cout << fmt::format("set the password of {}\n", a.username);
  if (generated) std::cout << fmt::format("one-time password: {} (to be changed at first sign-in)\n", password);
}

void set_disabled(const UserArgs& a, bool disabled) {
  audited(a, disabled ? "user.disable" : "user.enable", "",
          [&](Accounts& accounts) { accounts.set_disabled(a.username, disabled, who(a)); });
  std::cout << fmt::format("{} user {}\n", disabled ? "disabled" : "enabled", a.username);
}

void list(const UserArgs& a) {
  {
    auto db = open_db(a.db);
    migrate(*db);
  }
  const std::vector<User> users = Accounts(a.db).users();
  if (a.format == "json") {
    auto out = nlohmann::ordered_json::array();
    for (const auto& u : users) {
      nlohmann::ordered_json j;
      j["id"] = u.id;
      j["username"] = u.username;
      j["role"] = role_name(u.role);
      j["school_id"] = u.school_id.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(u.school_id);
      j["coach_id"] = u.coach_id.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(u.coach_id);
      j["must_change_password"] = u.must_change_password;
      j["disabled"] = u.disabled;
      j["created_at"] = u.created_at;
      out.push_back(std::move(j));
    }
    std::cout << out.dump(2) << "\n";
    return;
  }
  std::vector<std::array<std::string, 5>> rows = {{"username", "role", "scope", "status", "created"}};
  for (const auto& u : users) {
    std::string scope = !u.school_id.empty() ? "school " + u.school_id : !u.coach_id.empty() ? "coach " + u.coach_id : "";
    std::string status = u.disabled ? "disabled" : "active";
    if (u.must_change_password) status += ", must change password";
    rows.push_back({u.username, std::string(role_name(u.role)), scope, status, u.created_at});
  }
  std::array<size_t, 5> width{};
  for (const auto& r : rows)
    for (size_t i = 0; i < r.size(); ++i) width[i] = std::max(width[i], r[i].size());
  for (const auto& r : rows) {
    std::string line;
    for (size_t i = 0; i < r.size(); ++i) line += i + 1 < r.size() ? fmt::format("{:<{}}  ", r[i], width[i]) : r[i];
    std::cout << line << "\n";
  }
  std::cout << fmt::format("{} user(s)\n", users.size());
}

}  // namespace

void add_user_commands(CLI::App& app) {
  auto a = std::make_shared<UserArgs>();
  auto* cmd = app.add_subcommand("user", "accounts for the web server: add, list, disable, enable, set-password");
  cmd->require_subcommand(1);
  auto common = [&](CLI::App* c, bool username) {
    c->add_option("--db", a->db, "store: sqlite:PATH or postgresql://...")->required();
    if (username) c->add_option("--username", a->username, "the user's sign-in name")->required();
    c->add_option("--by", a->by, "who is making the change, for the audit log (default: $USER)");
  };

  auto* add_cmd = cmd->add_subcommand("add", "add a user (a one-time password is printed unless --password-stdin)");
  common(add_cmd, true);
  add_cmd->add_option("--role", a->role, "one of: " + role_names())->required();
  add_cmd->add_option("--school", a->school, "role school: the school's id (school_id in the data)");
  add_cmd->add_option("--coach", a->coach, "role coach: the coach's id");
  add_cmd->add_flag("--password-stdin", a->password_stdin, "read the password from the first line of standard input");
  add_cmd->add_flag("--must-change-password", a->must_change, "make the user choose a new password at first sign-in");
  add_cmd->callback([a] { guarded([&] { add(*a); }); });

  auto* list_cmd = cmd->add_subcommand("list", "list the users");
  common(list_cmd, false);
  list_cmd->add_option("--format", a->format, "table or json")->check(CLI::IsMember({"table", "json"}));
  list_cmd->callback([a] { guarded([&] { list(*a); }); });

  auto* disable_cmd = cmd->add_subcommand("disable", "stop a user signing in (and end their sessions)");
  common(disable_cmd, true);
  disable_cmd->callback([a] { guarded([&] { set_disabled(*a, true); }); });

  auto* enable_cmd = cmd->add_subcommand("enable", "let a disabled user sign in again");
  common(enable_cmd, true);
  enable_cmd->callback([a] { guarded([&] { set_disabled(*a, false); }); });

  auto* pw_cmd =
      cmd->add_subcommand("set-password", "reset a password (a one-time password is printed unless --password-stdin)");
  common(pw_cmd, true);
  pw_cmd->add_flag("--password-stdin", a->password_stdin, "read the password from the first line of standard input");
  pw_cmd->add_flag("--must-change-password", a->must_change, "make the user choose a new password at next sign-in");
  pw_cmd->callback([a] { guarded([&] { set_password(*a); }); });
}

}  // namespace pathways
