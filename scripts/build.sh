#!/usr/bin/env bash
# Configures and builds Pathways (release build with debug info) into build/, and the web
# front end (GOV.UK Frontend, MOJ Frontend, Chart.js from npm) into web/dist/.
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build --parallel "$(nproc)"
if [ ! -d web/node_modules ] || [ web/package-lock.json -nt web/node_modules/.package-lock.json ]; then
  npm --prefix web ci --no-audit --no-fund --loglevel=error
fi
npm --prefix web run --silent build
