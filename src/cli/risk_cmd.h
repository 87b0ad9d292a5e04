// `pathways risk train|score|evaluate`: the learned risk-of-NEET model from the command
// line (risk/model.h). Runs as CLI11 callbacks during parsing, like cli/user_cmd.h.
#pragma once

#include <CLI/CLI.hpp>

namespace pathways {

void add_risk_commands(CLI::App& app);

}  // namespace pathways
