// `pathways report monthly-activity`: the engagement coaches' monthly activity report
// (coaching/monthly.h; formats.md "report monthly-activity --format json").
//
//   report monthly-activity --month YYYY-MM [--coach ID] [--school ID] --data DIR
//                           [--format table|json|csv|xlsx] [--out FILE] [--rules PATH]
//
// Reads people.csv and activities.csv (for ages and the status on the month's last day) and
// the coaching/ files of DIR, all checked; any error is printed (file:line: column: 'value':
// reason) and the command ends with exit status 2, writing nothing. --db is not yet supported
// (exit status 2 with a message). Runs as a CLI11 callback during parsing, ending the program
// through CLI::RuntimeError like cli/user_cmd.h.
#pragma once

#include <CLI/CLI.hpp>

namespace pathways {

// Registers `monthly-activity` under the `report` subcommand.
void add_monthly_activity_command(CLI::App* report);

}  // namespace pathways
