#include "cli/risk_cmd.h"

namespace pathways {

void add_risk_commands(CLI::App& app) {}

}  // namespace pathways
