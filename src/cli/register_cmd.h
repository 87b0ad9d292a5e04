// `pathways roni register ...`: at-risk registers in the store from the command line
// (risk/register.h).
//
//   roni register create --db URL [--year YYYY] [--data-date DATE] [--criteria FILE] [--by USER]
//   roni register list   --db URL [--format table|json]
//   roni register show   --db URL --id N [--school ID] [--format table|json|csv]
//   roni register export --db URL --id N --school ID --out FILE
//
// create freezes the register of academic year YYYY (default: the year containing the data
// date, default today) and records it in the audit log; export writes a school's list only
// once the school has signed it off (exit status 2 before). Registered under the `roni`
// command, which must exist. Exit status 2 for bad input, 1 for other failures.
#pragma once

#include <CLI/CLI.hpp>

namespace pathways {

void add_register_commands(CLI::App& app);

}  // namespace pathways
