#!/usr/bin/env bash
# The risk-model benchmark and honesty check (bench/README.md, "Risk model"). Builds nothing.
#
#   bench/risk/run.sh [PATHWAYS_BINARY]
#
# Generates a synthetic LA once (BENCH_PEOPLE people, default 60000, as of 2026-10-31) into
# $BENCH_DATA, runs the temporal backtest (`pathways risk evaluate`) with the feature export,
# then fits scikit-learn's LogisticRegression and HistGradientBoostingClassifier on exactly
# the same train/test matrices (sklearn_peer.py, Debian's python3-sklearn) and prints AUC side
# by side, training and scoring time ratios (ours / scikit-learn) and the model's recall
# against the RONI score's at the same list size.
# Environment: BENCH_PEOPLE (60000), BENCH_SEED (1), BENCH_DATA, BENCH_OUT, BENCH_AS_OF (2026-10-31).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
bin="${1:-$root/build/pathways}"
people="${BENCH_PEOPLE:-60000}"
seed="${BENCH_SEED:-1}"
as_of="${BENCH_AS_OF:-2026-10-31}"
data="${BENCH_DATA:-${TMPDIR:-/tmp}/pathways-risk-la-$people-$seed}"
out="${BENCH_OUT:-${TMPDIR:-/tmp}/pathways-risk-bench-$people-$seed}"
python=/usr/bin/python3   # Debian's Python, where python3-sklearn is installed

if [[ ! -x "$bin" ]]; then
  echo "run.sh: no Pathways binary at $bin (build it first)" >&2
  exit 2
fi
if ! "$python" -c 'import sklearn' 2>/dev/null; then
  echo "run.sh: $python has no scikit-learn (apt-get install python3-sklearn)" >&2
  exit 2
fi

if [[ ! -f "$data/people.csv" ]]; then
  echo "generating an LA of about $people people into $data ..." >&2
  tmp="$data.partial.$$"
  rm -rf "$tmp"
  "$bin" generate --preset la --people "$people" --seed "$seed" --out "$tmp" >&2
  rm -rf "$data"
  mv "$tmp" "$data"
fi

mkdir -p "$out"
echo "pathways risk evaluate (xgboost and logistic) ..." >&2
"$bin" risk evaluate --data "$data" --as-of "$as_of" --format json --features-out "$out" > "$out/evaluate.json"
echo >&2
echo "scikit-learn on the same matrices ..." >&2
"$python" "$here/sklearn_peer.py" --dir "$out"
