#!/usr/bin/env bash
# Import benchmark (run on demand, never in CI): a fully validated `pathways import` of a
# canonical folder into SQLite and into PostgreSQL, beside each database's own bulk loader
# on the same CSV files in the same run (`sqlite3 .import` into plain text tables,
# `psql \copy` likewise). Prints rows per second and the ratios.
#
#   bench/import/run.sh [FOLDER] [BINARY]
#     FOLDER  canonical folder (default: generates the national preset into
#             /tmp/pathways-national once)
#     BINARY  pathways binary (default build/pathways)
#   PG_TEST_PORT picks the throwaway PostgreSQL server's port (scripts/pg-test-server.sh).
set -euo pipefail
cd "$(dirname "$0")/../.."
DATA="${1:-/tmp/pathways-national}"
BIN="${2:-build/pathways}"
if [ ! -f "$DATA/people.csv" ]; then
  "$BIN" generate --preset national --out "$DATA"
fi
rows=0
for f in people activities indicators; do
  [ -f "$DATA/$f.csv" ] && rows=$((rows + $(wc -l < "$DATA/$f.csv") - 1))
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Runs a command; sets $secs (elapsed) and $peak_mb (peak resident set) for it.
measure() {
  local out
  out=$(/usr/bin/time -f "%e %M" "$@" 2>&1 >/dev/null | tail -1)
  secs=${out% *}
  peak_mb=$(( ${out#* } / 1024 ))
}

measure "$BIN" import "$DATA" --db "sqlite:$work/p.db"
pathways_sqlite=$secs sqlite_mb=$peak_mb
measure sqlite3 "$work/raw.db" ".mode csv" ".import $DATA/people.csv people" \
  ".import $DATA/activities.csv activities" ".import $DATA/indicators.csv indicators"
sqlite_import=$secs

PG=$(scripts/pg-test-server.sh start)
base="${PG%/*}"
psql "$PG" -q -c "DROP DATABASE IF EXISTS bench_p" -c "CREATE DATABASE bench_p" \
  -c "DROP DATABASE IF EXISTS bench_raw" -c "CREATE DATABASE bench_raw"
for f in people activities indicators; do
  cols=$(head -1 "$DATA/$f.csv" | sed 's/,/ text,/g')
  psql "$base/bench_raw" -q -c "CREATE TABLE $f ($cols text)"
done
measure "$BIN" import "$DATA" --db "$base/bench_p"
pathways_pg=$secs pg_mb=$peak_mb
measure psql "$base/bench_raw" -q -c "\\copy people FROM '$DATA/people.csv' CSV HEADER" \
  -c "\\copy activities FROM '$DATA/activities.csv' CSV HEADER" \
  -c "\\copy indicators FROM '$DATA/indicators.csv' CSV HEADER"
psql_copy=$secs
psql "$PG" -q -c "DROP DATABASE bench_p" -c "DROP DATABASE bench_raw"

awk -v rows="$rows" -v sm="$sqlite_mb" -v pm="$pg_mb" -v ps="$pathways_sqlite" -v si="$sqlite_import" -v pp="$pathways_pg" -v pc="$psql_copy" 'BEGIN {
  printf "%d rows (people + activities + indicators)\n", rows
  printf "%-28s %9s %12s\n", "", "seconds", "rows/s"
  printf "%-28s %9.1f %12.0f\n", "pathways import (SQLite)", ps, rows / ps
  printf "%-28s %9.1f %12.0f\n", "sqlite3 .import", si, rows / si
  printf "%-28s %9.1f %12.0f\n", "pathways import (PostgreSQL)", pp, rows / pp
  printf "%-28s %9.1f %12.0f\n", "psql \\copy", pc, rows / pc
  printf "SQLite: pathways takes %.2fx the time of sqlite3 .import (target: less than 1x)\n", ps / si
  printf "PostgreSQL: pathways takes %.2fx the time of \\copy (target: at most 1.5x)\n", pp / pc
  printf "peak memory of pathways import: %d MiB (SQLite), %d MiB (PostgreSQL)\n", sm, pm
}'
