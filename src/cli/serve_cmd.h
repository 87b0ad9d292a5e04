// `pathways serve`: the web application (server/app.h).
#pragma once

#include <CLI/CLI.hpp>

namespace pathways {

// Registers `serve` on `app`; its callback runs the server until SIGINT or SIGTERM.
void add_serve_command(CLI::App& app);

}  // namespace pathways
