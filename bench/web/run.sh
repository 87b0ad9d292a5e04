#!/usr/bin/env bash
# Web server benchmark (run on demand, never in CI): `pathways serve` on a SQLite store holding
# the national preset, measured with wrk on loopback (64 connections) on GET /api/people/{id}
# and GET /api/dashboard, beside Debian's nginx serving static files of exactly the same body
# sizes in the same run. Prints requests per second and p99 latency of both and the ratios
# against the targets: Pathways >= 30% of nginx's throughput, p99 <= 2x nginx's.
#
#   bench/web/run.sh [person] [dashboard] [session]
#     default: person and dashboard; name parts to run only those (e.g. to re-run one that
#     other load disturbed). `session` is a diagnostic, not part of the issue's targets:
#     GET /api/session goes through the same sign-in check and JSON output but writes no
#     audit record, so comparing it with the person endpoint shows what the audit path costs.
#
# Environment:
#   PATHWAYS_BIN        binary (default build/pathways; build it first with scripts/build.sh)
#   NATIONAL_DIR        national canonical folder, reused when it has people.csv, generated
#                       otherwise (default /tmp/national)
#   WEB_BENCH_DB        SQLite store, reused when it holds people, imported otherwise
#                       (default /tmp/web-bench.db; the import takes about 2 minutes)
#   WEB_BENCH_DURATION  wrk duration per target (default 20s)
#   WEB_BENCH_CONNECTIONS / WEB_BENCH_THREADS   wrk -c / -t (default 64 / 2)
#   WEB_BENCH_PERSON    person id to read (default: the one on line 1000 of people.csv)
#   WEB_BENCH_RESULTS   results file (default bench/web/results.txt)
#   WEB_BENCH_SOCKET_SHIM=1  diagnostic: runs the server with socket-shim.c preloaded
#                       (TCP_NODELAY on accepted sockets, listen backlog 511; see that file),
#                       to measure what those two settings cost. Not the binary as built: the
#                       results say so.
#
# Every GET /api/people/{id} writes an audit record to the store (group commit on the audit
# writer thread, the request waits for its commit), so that endpoint measures the audit path
# too. The store's audit_log grows by one row per request of every run.
set -euo pipefail
cd "$(dirname "$0")/../.."

BIN="${PATHWAYS_BIN:-build/pathways}"
DATA="${NATIONAL_DIR:-/tmp/national}"
STORE="${WEB_BENCH_DB:-/tmp/web-bench.db}"
DURATION="${WEB_BENCH_DURATION:-20s}"
CONNS="${WEB_BENCH_CONNECTIONS:-64}"
THREADS="${WEB_BENCH_THREADS:-2}"
RESULTS="${WEB_BENCH_RESULTS:-bench/web/results.txt}"
USERNAME=bench
PASSWORD=loopback-load-test-passphrase  # must not contain the username

parts=("$@")
[ ${#parts[@]} -gt 0 ] || parts=(person dashboard)
for p in "${parts[@]}"; do
  case "$p" in person | dashboard | session) ;; *) echo "unknown part '$p' (person, dashboard, session)" >&2; exit 2 ;; esac
done

# --- 1. Debian packages -------------------------------------------------------------------
missing=()
for p in wrk nginx-light curl sqlite3 time; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" = 0 ] || SUDO=sudo
  echo "Installing: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
NGINX=/usr/sbin/nginx
if [ ! -x "$BIN" ]; then
  echo "no pathways binary at $BIN: build it first (scripts/build.sh)" >&2
  exit 1
fi

# --- 2. data and store --------------------------------------------------------------------
if [ ! -f "$DATA/people.csv" ]; then
  echo "Generating the national preset into $DATA ..."
  "$BIN" generate --preset national --out "$DATA"
fi
people_in_store=$(sqlite3 "file:$STORE?mode=ro" "SELECT COUNT(*) FROM people" 2>/dev/null || echo 0)
if [ "${people_in_store:-0}" -eq 0 ]; then
  echo "Importing $DATA into sqlite:$STORE (about 2 minutes) ..."
  "$BIN" import "$DATA" --db "sqlite:$STORE"
  people_in_store=$(sqlite3 "file:$STORE?mode=ro" "SELECT COUNT(*) FROM people")
fi
echo "Store sqlite:$STORE holds $people_in_store people."

# --- 3. user, server, session ----------------------------------------------------------------
if ! out=$(echo "$PASSWORD" | "$BIN" user add --db "sqlite:$STORE" --username "$USERNAME" --role data_officer \
  --password-stdin 2>&1); then
  grep -qi "exists" <<<"$out" || { echo "$out" >&2; exit 1; }
fi

work=$(mktemp -d /tmp/web-bench.XXXXXX)
chmod 755 "$work"  # nginx workers started by root run as nobody and read the files from here
server_pid="" nginx_pid=""
cleanup() {
  local pid
  for pid in $server_pid $nginx_pid; do
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "Starting pathways serve (loads the store: about a minute for the national preset) ..."
start=$(date +%s)
preload=""
shim_note=""
if [ "${WEB_BENCH_SOCKET_SHIM:-0}" = 1 ]; then
  cc -O2 -shared -fPIC -o "$work/socket-shim.so" bench/web/socket-shim.c -ldl
  preload="$work/socket-shim.so"
  shim_note="DIAGNOSTIC: server run with bench/web/socket-shim.c preloaded (TCP_NODELAY $([ "${SHIM_NODELAY:-1}" = 0 ] && echo off || echo on), listen backlog $([ "${SHIM_BACKLOG:-1}" = 0 ] && echo 'as built' || echo 511)), not the binary as built."
  echo "$shim_note"
fi
LD_PRELOAD="$preload" "$BIN" serve --db "sqlite:$STORE" --port 0 --no-access-log >"$work/serve.out" 2>"$work/serve.err" &
server_pid=$!
port=""
while [ -z "$port" ]; do
  if [ $(($(date +%s) - start)) -gt 900 ]; then
    echo "pathways serve did not start listening within 15 minutes" >&2
    exit 1
  fi
  if ! kill -0 "$server_pid" 2>/dev/null; then
    echo "pathways serve exited:" >&2
    cat "$work/serve.err" >&2
    server_pid=""
    exit 1
  fi
  port=$(sed -n 's|.*running at http://[^:]*:\([0-9]*\)/.*|\1|p' "$work/serve.out")
  [ -n "$port" ] || sleep 1
done
until curl -sf -o /dev/null "http://127.0.0.1:$port/api/openapi.json"; do sleep 0.2; done
echo "Pathways answers on 127.0.0.1:$port after $(($(date +%s) - start)) s."

base="http://127.0.0.1:$port"
curl -sf -c "$work/cookies" -H 'Content-Type: application/json' \
  -d "{\"username\":\"$USERNAME\",\"password\":\"$PASSWORD\"}" "$base/api/session" >/dev/null
cookie=$(awk -F'\t' '$6 == "pathways_session" { print $7 }' "$work/cookies")
[ -n "$cookie" ] || { echo "no pathways_session cookie after signing in" >&2; exit 1; }
auth=(-H "Cookie: pathways_session=$cookie")

# --- 4. the two bodies ------------------------------------------------------------------------
person="${WEB_BENCH_PERSON:-$(sed -n 1000p "$DATA/people.csv" | cut -d, -f1)}"
mkdir -p "$work/www"
fetch() {  # fetch PATH FILE: saves the body, fails unless 200
  local code
  code=$(curl -s "${auth[@]}" --max-time 900 -o "$2" -w '%{http_code}' "$base$1")
  [ "$code" = 200 ] || { echo "GET $1: HTTP $code: $(head -c 300 "$2")" >&2; exit 1; }
}
fetch "/api/people/$person" "$work/www/person.json"
t0=$(date +%s%N)
fetch /api/dashboard "$work/www/dashboard.json"
echo "Dashboard computed and cached by its first request in $(( ($(date +%s%N) - t0) / 1000000 )) ms."
fetch /api/dashboard "$work/www/dashboard.json"
fetch /api/session "$work/www/session.json"
person_bytes=$(stat -c %s "$work/www/person.json")
dashboard_bytes=$(stat -c %s "$work/www/dashboard.json")
echo "Bodies: /api/people/$person $person_bytes bytes, /api/dashboard $dashboard_bytes bytes (nginx serves copies of both)."

# --- 5. nginx -----------------------------------------------------------------------------------
free_port() {
  local p
  while :; do
    p=$((20000 + RANDOM % 20000))
    ss -Htln "sport = :$p" | grep -q . || { echo "$p"; return; }
  done
}
start_nginx() {
  nport=$(free_port)
  mkdir -p "$work/nginx"
  cat >"$work/nginx/nginx.conf" <<EOF
worker_processes 2;
daemon off;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 10000;  # as pathways serve (cpp-httplib keep-alive max count)
  client_body_temp_path $work/nginx/client_body;
  proxy_temp_path $work/nginx/proxy;
  fastcgi_temp_path $work/nginx/fastcgi;
  uwsgi_temp_path $work/nginx/uwsgi;
  scgi_temp_path $work/nginx/scgi;
  types { application/json json; }
  default_type application/octet-stream;
  server {
    listen 127.0.0.1:$nport;
    root $work/www;
  }
}
EOF
  "$NGINX" -p "$work/nginx" -e "$work/nginx/error.log" -c "$work/nginx/nginx.conf" &
  nginx_pid=$!
  local i
  for i in $(seq 50); do
    curl -sf -o /dev/null "http://127.0.0.1:$nport/person.json" && return 0
    kill -0 "$nginx_pid" 2>/dev/null || break
    sleep 0.1
  done
  return 1
}
for attempt in 1 2 3 4 5; do
  start_nginx && break
  kill "$nginx_pid" 2>/dev/null; wait "$nginx_pid" 2>/dev/null || true
  nginx_pid=""
  [ "$attempt" = 5 ] && { echo "nginx does not start:" >&2; cat "$work/nginx/error.log" >&2; exit 1; }
done
nbase="http://127.0.0.1:$nport"
for f in person dashboard session; do
  n=$(curl -s -o /dev/null -w '%{size_download}' "$nbase/$f.json")
  want=$(stat -c %s "$work/www/$f.json")
  [ "$n" = "$want" ] || { echo "nginx serves $n bytes of $f.json, not $want" >&2; exit 1; }
done
echo "nginx $("$NGINX" -v 2>&1 | sed 's|.*/||') answers on 127.0.0.1:$nport (2 workers)."

# --- 6. wrk ---------------------------------------------------------------------------------------
hz=$(getconf CLK_TCK)
proc_ticks() {  # utime + stime of the given processes and their threads
  local t=0 p
  for p in "$@"; do
    [ -r "/proc/$p/stat" ] && t=$((t + $(sed 's/.*) //' "/proc/$p/stat" | awk '{ print $12 + $13 }')))
  done
  echo "$t"
}
ctx_switches() {  # voluntary + involuntary context switches of the given processes' threads
  local p
  for p in "$@"; do cat "/proc/$p/task/"*/status 2>/dev/null; done | awk '/ctxt_switches/ { n += $2 } END { print n + 0 }'
}
listen_overflows() {  # TcpExt ListenOverflows of this network namespace (all listeners)
  awk '/^TcpExt:/ { if (!h) { for (i = 1; i <= NF; i++) if ($i == "ListenOverflows") k = i; h = 1 } else print $k }' \
    /proc/net/netstat
}
audit_max() { sqlite3 "file:$STORE?mode=ro" "SELECT COALESCE(MAX(audit_id), 0) FROM audit_log"; }
busy_ticks() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 }' /proc/stat; }
to_ms() {  # wrk's "12.34ms" / "850.00us" / "1.02s" -> milliseconds
  awk -v v="$1" 'BEGIN {
    if (v ~ /us$/) { sub(/us$/, "", v); print v / 1000 }
    else if (v ~ /ms$/) { sub(/ms$/, "", v); print v + 0 }
    else if (v ~ /m$/) { sub(/m$/, "", v); print v * 60000 }
    else { sub(/s$/, "", v); print v * 1000 } }'
}

# run_wrk NAME URL PIDS [wrk headers...]: sets rps, p99 (ms), bad (non-2xx + socket errors),
# server_cpu, wrk_cpu, other_cpu (cores busy on average over the run), us_per_req (server CPU
# microseconds per request), cs_per_req (server context switches per request), overflows
# (listen queue overflows during the run, machine-wide: a dropped connection attempt is
# retried by the client's TCP after 1 s, 3 s, 7 s, ...).
run_wrk() {
  local name=$1 url=$2 pids=$3
  shift 3
  wrk -t"$THREADS" -c"$CONNS" -d3s --timeout 10s "$@" "$url" >"$work/$name.warmup"  # warm-up, not counted
  local s0 b0 t0 t1 c0 c1 o0
  o0=$(listen_overflows)
  c0=$(ctx_switches $pids)
  s0=$(proc_ticks $pids)
  b0=$(busy_ticks)
  t0=$(date +%s%N)
  /usr/bin/time -f "%U %S" -o "$work/wrk.time" wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" --timeout 10s --latency "$@" "$url" \
    >"$work/$name.wrk"
  t1=$(date +%s%N)
  local s1 b1
  s1=$(proc_ticks $pids)
  b1=$(busy_ticks)
  c1=$(ctx_switches $pids)
  overflows=$(($(listen_overflows) - o0))
  rps=$(awk '/^Requests\/sec:/ { print $2 }' "$work/$name.wrk")
  p99=$(to_ms "$(awk '$1 == "99%" { print $2 }' "$work/$name.wrk")")
  bad=$(awk '/Non-2xx/ { n += $NF } /Socket errors/ { gsub(/,/, ""); n += $4 + $6 + $8 + $10 } END { print n + 0 }' \
    "$work/$name.wrk")
  local secs
  secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { print (b - a) / 1e9 }')
  server_cpu=$(awk -v d=$((s1 - s0)) -v hz="$hz" -v s="$secs" 'BEGIN { printf "%.2f", d / hz / s }')
  wrk_cpu=$(awk -v s="$secs" '{ printf "%.2f", ($1 + $2) / s }' "$work/wrk.time")
  local n
  n=$(awk '/ requests in / { print $1 }' "$work/$name.wrk")
  us_per_req=$(awk -v d=$((s1 - s0)) -v hz="$hz" -v n="$n" 'BEGIN { printf "%.0f", (n > 0 ? d / hz * 1e6 / n : 0) }')
  cs_per_req=$(awk -v d=$((c1 - c0)) -v n="$n" 'BEGIN { printf "%.1f", (n > 0 ? d / n : 0) }')
  other_cpu=$(awk -v d=$((b1 - b0)) -v hz="$hz" -v s="$secs" -v a="$server_cpu" -v w="$wrk_cpu" \
    'BEGIN { o = d / hz / s - a - w; printf "%.2f", (o < 0 ? 0 : o) }')
}

nginx_pids="$nginx_pid $(ps -o pid= --ppid "$nginx_pid" | tr '\n' ' ')"
echo
echo "wrk -t$THREADS -c$CONNS -d$DURATION --timeout 10s --latency, one target after the other (3 s warm-up each);"
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
echo "load average before: $load_before, $(nproc) cores."
echo "GET /api/people/{id} writes one audit record per request (group-committed to the store), so"
echo "its figures include the audit path."
echo

rows=()
cpu_notes=()
for part in "${parts[@]}"; do
  case "$part" in
    person) path="/api/people/$person" file=person.json label="GET /api/people/{id}" ;;
    dashboard) path=/api/dashboard file=dashboard.json label="GET /api/dashboard" ;;
    session) path=/api/session file=session.json label="GET /api/session (diagnostic: no audit)" ;;
  esac
  bytes=$(stat -c %s "$work/www/$file")
  echo "... $label ($bytes bytes): pathways"
  a0=$(audit_max)
  run_wrk "p-$part" "$base$path" "$server_pid" "${auth[@]}"
  audited=$(($(audit_max) - a0))
  sent=$(cat "$work/p-$part.warmup" "$work/p-$part.wrk" | awk '/ requests in / { n += $1 } END { print n + 0 }')
  audit_note=""
  [ "$part" != person ] ||
    audit_note=" Audit records written: $audited for $sent completed requests (warm-up and run; requests still in flight when wrk stops are written too)."
  p_rps=$rps p_p99=$p99 p_bad=$bad p_cpu=$server_cpu p_wrk=$wrk_cpu p_other=$other_cpu p_us=$us_per_req p_cs=$cs_per_req p_of=$overflows
  echo "    $p_rps req/s, p99 $p_p99 ms; CPU cores: server $p_cpu, wrk $p_wrk, other $p_other"
  echo "... $label ($bytes bytes): nginx"
  run_wrk "n-$part" "$nbase/$file" "$nginx_pids"
  n_rps=$rps n_p99=$p99 n_bad=$bad n_cpu=$server_cpu n_wrk=$wrk_cpu n_other=$other_cpu n_us=$us_per_req n_cs=$cs_per_req n_of=$overflows
  echo "    $n_rps req/s, p99 $n_p99 ms; CPU cores: server $n_cpu, wrk $n_wrk, other $n_other"
  if [ "$p_bad" != 0 ] || [ "$n_bad" != 0 ]; then
    echo "WARNING: errors or non-2xx responses (pathways $p_bad, nginx $n_bad): see the wrk output below" >&2
    cat "$work/p-$part.wrk" "$work/n-$part.wrk" >&2
  fi
  rows+=("$label|$bytes|$p_rps|$n_rps|$p_p99|$n_p99|$p_bad|$n_bad")
  cpu_notes+=("$label: CPU cores busy (average over the run), pathways run: server $p_cpu, wrk $p_wrk, other processes $p_other; nginx run: nginx $n_cpu, wrk $n_wrk, other $n_other. Per request: pathways ${p_us} us CPU and $p_cs context switches, nginx ${n_us} us and $n_cs. Listen queue overflows: $p_of during the pathways run, $n_of during nginx's.$audit_note")
done

table=$(
  printf '%s\n' "${rows[@]}" | awk -F'|' '
    BEGIN {
      printf "| endpoint | body bytes | Pathways req/s | nginx req/s | ratio (target >= 0.30) | Pathways p99 ms | nginx p99 ms | ratio (target <= 2.0) | |\n"
      printf "|---|---|---|---|---|---|---|---|---|\n"
    }
    {
      rr = $4 > 0 ? $3 / $4 : 0; lr = $6 > 0 ? $5 / $6 : 0
      tput = rr >= 0.30 ? "met" : "missed"; lat = lr <= 2.0 ? "met" : "missed"
      verdict = "throughput " tput ", p99 " lat
      if ($7 + $8 > 0) verdict = verdict " (wrk errors or timeouts: pathways " $7 ", nginx " $8 ")"
      printf "| %s | %d | %.0f | %.0f | %.2f | %.2f | %.2f | %.2f | %s |\n", $1, $2, $3, $4, rr, $5, $6, lr, verdict
    }'
)
{
  echo "Web server benchmark, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, load average before $load_before;"
  echo "binary $BIN (modified $(date -u -r "$BIN" '+%Y-%m-%d %H:%M UTC')), source HEAD $(git rev-parse --short HEAD 2>/dev/null || echo '?')."
  echo "store sqlite:$STORE ($people_in_store people), person $person; wrk -t$THREADS -c$CONNS -d$DURATION --timeout 10s --latency on loopback;"
  echo "nginx $("$NGINX" -v 2>&1 | sed 's|.*/||'), 2 workers, static files of the same sizes. GET /api/people/{id} includes"
  echo "writing its audit record (group commit). wrk's latencies are corrected for coordinated omission"
  echo "(a stalled request also counts the requests its connection would have sent meanwhile), so a"
  echo "few long stalls move the p99 a lot."
  [ -z "$shim_note" ] || echo "$shim_note"
  echo
  echo "$table"
  echo
  printf '%s\n' "${cpu_notes[@]}"
  echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$RESULTS"
for part in "${parts[@]}"; do  # wrk's own output, for the record
  for side in p n; do
    echo
    cat "$work/$side-$part.wrk"
  done
done >>"$RESULTS"
echo
echo "(written to $RESULTS)"
