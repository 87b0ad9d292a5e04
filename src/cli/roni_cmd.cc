#include "cli/roni_cmd.h"

namespace pathways {

void add_roni_commands(CLI::App& app) {}

}  // namespace pathways
