#!/usr/bin/env bash
# The main job: installs what is needed, builds Pathways and its web front end, and serves
# the web application on http://127.0.0.1:8080/ with a synthetic Blackpool-sized local
# authority in an embedded SQLite store (demo/pathways.db). On the first run it prints one
# demo account per role with a one-time password. Stop it with Ctrl+C; run it again to
# carry on with the same data (delete demo/ to start afresh).
# PORT=N picks another port; HOST=0.0.0.0 listens on every interface.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh
mkdir -p demo
exec build/pathways serve --db sqlite:demo/pathways.db --demo --la 890 --port "${PORT:-8080}" --host "${HOST:-127.0.0.1}"
