#!/usr/bin/env bash
# Runs every test: installs what is needed, builds, then runs the CTest suite.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh
ctest --test-dir build --output-on-failure --parallel "$(nproc)" --timeout 600
