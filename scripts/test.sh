#!/usr/bin/env bash
# Runs every test: installs what is needed, builds, starts a throwaway PostgreSQL server on
# a loopback port, runs the CTest suite against SQLite and PostgreSQL, then removes the
# server.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --test
scripts/build.sh
PATHWAYS_TEST_PG_URL=$(scripts/pg-test-server.sh start)
export PATHWAYS_TEST_PG_URL
trap 'scripts/pg-test-server.sh stop >/dev/null 2>&1 || true' EXIT
ctest --test-dir build --output-on-failure --parallel "$(nproc)" --timeout 600
