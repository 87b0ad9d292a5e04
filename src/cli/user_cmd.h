// `pathways user ...`: accounts for the web server, managed from the command line.
//
//   user add --db URL --username U --role ROLE [--school ID] [--coach ID] [--password-stdin]
//   user list --db URL [--format table|json]
//   user disable|enable --db URL --username U
//   user set-password --db URL --username U [--password-stdin]
//
// Without --password-stdin, add and set-password make a random one-time password, print it,
// and make the user change it at first sign-in. Each command migrates the store first and
// records what it changed in the audit log (as --by, default $USER; role "system", remote
// "cli"). The commands run as CLI11 callbacks during parsing; they end the program with
// exit status 2 for bad input (message on stderr) and 1 for other failures, by throwing
// CLI::RuntimeError, which CLI11_PARSE turns into main's return value.
#pragma once

#include <CLI/CLI.hpp>

namespace pathways {

void add_user_commands(CLI::App& app);

}  // namespace pathways
