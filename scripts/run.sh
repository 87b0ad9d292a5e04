#!/usr/bin/env bash
# The main job: installs what is needed, builds Pathways, generates a synthetic
# Blackpool-sized local authority into demo/ and prints its statutory and annual reports.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh
if [ ! -f demo/people.csv ]; then
  build/pathways generate --preset la --out demo --seed 1
fi
build/pathways report statutory --data demo --la 890 --month 2026-01
echo
build/pathways report annual --data demo --la 890 --year 2025
echo
echo "Data in demo/; try: build/pathways report statutory --data demo --la 890 --month 2025-10 --format json"
