// `pathways roni ...`: Risk of NEET Indicators from the command line (risk/criteria.h,
// risk/analysis.h). Runs as CLI11 callbacks during parsing, like cli/user_cmd.h.
#pragma once

#include <CLI/CLI.hpp>

namespace pathways {

void add_roni_commands(CLI::App& app);

}  // namespace pathways
