// Engagement coaching commands beyond the monthly activity report (cli/monthly_cmd.h):
//
//   report panel --year YYYY (--data DIR | --db URL) [--on YYYY-MM-DD] [--school ID]
//                [--format table|json|csv] [--out FILE] [--rules PATH]
//       progression into EET of the pupils referred to the NEET vulnerable group panel in
//       academic year YYYY-(YYYY+1), overall and by RAG (coaching/panel.h); --on defaults to
//       31 December of their Year 12.
//   export coaching --db URL --out DIR
//       the store's coaching records as DIR/coaching/*.csv (coaching/export.h), which
//       `pathways import` reads back as the same records.
//
// Runs as CLI11 callbacks during parsing, ending the program through CLI::RuntimeError
// (exit status 2 for bad input, 1 for other failures), like cli/monthly_cmd.h.
#pragma once

#include <CLI/CLI.hpp>

namespace pathways {

// Registers the commands under the existing `report` and `export` subcommands of `app`.
void add_coaching_commands(CLI::App& app);

}  // namespace pathways
