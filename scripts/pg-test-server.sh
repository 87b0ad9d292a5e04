#!/usr/bin/env bash
# A throwaway PostgreSQL 15 server for the tests, on loopback only.
#
#   scripts/pg-test-server.sh start   # starts it (if not running) and prints its URL
#   scripts/pg-test-server.sh url     # prints the URL
#   scripts/pg-test-server.sh stop    # stops it and deletes its data
#
# PG_TEST_PORT sets the port (default 55432). The data directory is
# /tmp/pathways-pg-test-PORT; the server listens on 127.0.0.1 with its unix socket in
# the data directory, trusts every local connection and runs with fsync=off: never put
# real data in it. The database is pathways_test, the user postgres, e.g.
#   PATHWAYS_TEST_PG_URL=$(scripts/pg-test-server.sh start) build/pathways_tests
#
# Installs Debian's postgresql-15 if missing. PostgreSQL refuses to run as root, so as
# root the server runs as the package's `postgres` system user.
set -euo pipefail

PORT="${PG_TEST_PORT:-55432}"
BIN=/usr/lib/postgresql/15/bin
DATA="/tmp/pathways-pg-test-$PORT"
DB=pathways_test
URL="postgresql://postgres@127.0.0.1:$PORT/$DB"

usage() {
  echo "usage: $0 start|stop|url   (port: PG_TEST_PORT, default 55432)" >&2
  exit 2
}

case "$PORT" in
  '' | *[!0-9]*) echo "PG_TEST_PORT must be a number, got '$PORT'" >&2; exit 2 ;;
esac

# Runs a command as an unprivileged user: ourselves, or `postgres` when root.
as_pg() {
  if [ "$(id -u)" = 0 ]; then
    if command -v runuser >/dev/null; then
      runuser -u postgres -- "$@"
    else
      su postgres -s /bin/sh -c "$(printf '%q ' "$@")"
    fi
  else
    "$@"
  fi
}

install_server() {
  [ -x "$BIN/initdb" ] && return
  local sudo=""
  [ "$(id -u)" = 0 ] || sudo=sudo
  echo "Installing postgresql-15..." >&2
  $sudo apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends postgresql-15 >/dev/null
  [ -x "$BIN/initdb" ] || { echo "postgresql-15 installed but $BIN/initdb is missing" >&2; exit 1; }
}

# Accepting connections on our socket. (A server that died leaves postmaster.pid behind,
# and where nothing reaps it its pid lives on as a zombie, so neither that file nor
# `pg_ctl status` proves a server is there.)
ready() {
  [ -f "$DATA/PG_VERSION" ] && "$BIN/pg_isready" -q -h "$DATA" -p "$PORT" -U postgres -d postgres -t 5
}

# Stops the data directory's server, if it has one.
shutdown() {
  [ -f "$DATA/postmaster.pid" ] || return 0
  local pid state
  pid=$(head -n 1 "$DATA/postmaster.pid" 2>/dev/null || true)
  state=$(ps -o stat= -p "${pid:-0}" 2>/dev/null || true)
  case "$state" in '' | Z*) return 0 ;; esac  # gone, or a zombie
  as_pg "$BIN/pg_ctl" -D "$DATA" -m fast -w -t 30 stop >/dev/null 2>&1 ||
    as_pg "$BIN/pg_ctl" -D "$DATA" -m immediate -w -t 10 stop >/dev/null 2>&1 || true
}

ensure_database() {
  local found
  found=$(as_pg "$BIN/psql" -h "$DATA" -p "$PORT" -U postgres -d postgres -XtAc \
    "SELECT 1 FROM pg_database WHERE datname = '$DB'")
  [ "$found" = 1 ] || as_pg "$BIN/createdb" -h "$DATA" -p "$PORT" -U postgres "$DB"
}

start() {
  install_server
  if ready; then
    ensure_database
    echo "$URL"
    return
  fi
  # Not serving: whatever is left of an earlier server is stale.
  shutdown
  rm -rf "$DATA"
  if [ "$(id -u)" = 0 ]; then
    install -d -m 700 -o postgres -g postgres "$DATA"
  else
    install -d -m 700 "$DATA"
  fi
  local log
  log=$(mktemp)
  if ! as_pg "$BIN/initdb" -D "$DATA" -U postgres --auth=trust --encoding=UTF8 --no-locale --no-sync >"$log" 2>&1; then
    cat "$log" >&2
    rm -f "$log"
    exit 1
  fi
  rm -f "$log"
  printf '%s\n' "" \
    "# pathways test server: throwaway, loopback only, speed over durability" \
    "listen_addresses = '127.0.0.1'" \
    "port = $PORT" \
    "unix_socket_directories = '$DATA'" \
    "fsync = off" \
    "synchronous_commit = off" \
    "full_page_writes = off" \
    "max_connections = 100" | as_pg tee -a "$DATA/postgresql.conf" >/dev/null
  if ! as_pg "$BIN/pg_ctl" -D "$DATA" -l "$DATA/server.log" -w -t 60 start >/dev/null; then
    echo "PostgreSQL failed to start on 127.0.0.1:$PORT; its log:" >&2
    cat "$DATA/server.log" >&2 || true
    exit 1
  fi
  ensure_database
  echo "$URL"
}

stop() {
  shutdown
  rm -rf "$DATA"
}

[ $# = 1 ] || usage
case "$1" in
  start) start ;;
  stop) stop ;;
  url) echo "$URL" ;;
  *) usage ;;
esac
