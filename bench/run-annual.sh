#!/usr/bin/env bash
# One command for the annual-report benchmark (bench/README.md). Builds nothing.
#
#   bench/run-annual.sh [PATHWAYS_BINARY] [extra run.mjs options...]
#
# PATHWAYS_BINARY defaults to build/pathways. The national preset is generated once into
# $BENCH_DATA (default ${TMPDIR:-/tmp}/pathways-national) and reused while it exists.
# Environment: BENCH_DATA, BENCH_PRESET (national), BENCH_YEAR (2024), BENCH_LA (unset = all
# of England), BENCH_REPEAT (3), BENCH_SEED (unset = the generator's default).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"

bin="${1:-$root/build/pathways}"
[[ $# -gt 0 ]] && shift
preset="${BENCH_PRESET:-national}"
data="${BENCH_DATA:-${TMPDIR:-/tmp}/pathways-$preset}"
year="${BENCH_YEAR:-2024}"
repeat="${BENCH_REPEAT:-3}"

if [[ ! -x "$bin" ]]; then
  echo "run-annual.sh: no Pathways binary at $bin (build it first, e.g. cmake --build build)" >&2
  exit 2
fi
bin="$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")"

if [[ ! -f "$data/people.csv" || ! -f "$data/activities.csv" ]]; then
  echo "generating the $preset preset into $data ..." >&2
  tmp="$data.partial.$$"
  rm -rf "$tmp"
  gen=("$bin" generate --preset "$preset" --out "$tmp")
  if [[ -n "${BENCH_SEED:-}" ]]; then gen+=(--seed "$BENCH_SEED"); fi
  "${gen[@]}"
  rm -rf "$data"
  mv "$tmp" "$data"
fi

if [[ ! -d "$here/annual/node_modules/@duckdb/node-api" ]]; then
  # npm install, not npm ci: the lock file records only the platform bindings this
  # registry serves (linux), and npm ci refuses a lock without the others.
  echo "installing @duckdb/node-api (npm install in bench/annual) ..." >&2
  (cd "$here/annual" && npm install --no-audit --no-fund >&2)
fi

args=(--data "$data" --year "$year" --pathways "$bin" --repeat "$repeat")
if [[ -n "${BENCH_LA:-}" ]]; then args+=(--la "$BENCH_LA"); fi
exec node "$here/annual/run.mjs" "${args[@]}" "$@"
