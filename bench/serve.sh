#!/usr/bin/env bash
# Serving benchmark, in one run, on this machine (loopback, load generator
# beside the server):
#   - a breach of $ROWS generated numbers ingested into a fresh data dir;
#   - the ceiling: OPRF evaluations (plus bucket hash) of the same numbers on
#     all cores and nothing else (crates/ingest/examples/prf_ceiling.rs);
#   - `lekradar serve` with its budgets lifted, loaded by wrk ($CONNECTIONS
#     connections on $THREADS thread(s), $DURATION per scenario) with direct checks of
#     the numbers (half in the breach, half not), raw messy spellings:
#       native: POST /api/v1/check (JSON; 200 for found and not found)
#       hibp:   GET /api/v3/breachedaccount/{number} with an API key (200/404)
#     reporting checks/s, p50, p99 and errors (anything else, socket errors).
# Target: checks/s >= 50 % of the ceiling, zero errors.
#
#   bench/serve.sh                      # 200 000 numbers, 60 s per scenario
#   DURATION=10s ROWS=20000 bench/serve.sh
set -euo pipefail

ROWS=${ROWS:-200000}
DURATION=${DURATION:-60s}
CONNECTIONS=${CONNECTIONS:-16}
# One wrk thread drives 16 connections without being the bottleneck and
# leaves more of the 2 cores to the server than two would.
THREADS=${THREADS:-1}
WORK=${WORK:-${TMPDIR:-/tmp}/lekradar-bench-serve}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=${OUT:-$ROOT/bench/runs/$(date +%F)-serve}
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}

cd "$ROOT"
# The commit measured, taken before this run rewrites its summary (a
# change under bench/runs/ is a result, not the code measured).
COMMIT="$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- . ':(exclude)bench/runs' || echo ' (dirty)')"
command -v wrk >/dev/null || scripts/test-deps-e2e.sh
cargo build --release --locked -p lekradar
cargo build --release --locked -p lekradar-ingest --example prf_ceiling
BIN=$TARGET/release/lekradar
CEILING=$TARGET/release/examples/prf_ceiling
mkdir -p "$WORK" "$OUT"
rm -rf "${WORK:?}"/*
DATA=$WORK/data

echo "generating and ingesting $ROWS numbers ..." >&2
"$BIN" gen-data --kind scrape --rows "$ROWS" --seed 11 --junk-rate 0 --truth-rows 0 "$WORK/in.txt" >&2
"$BIN" gen-data --kind scrape --rows "$ROWS" --seed 12 --junk-rate 0 --truth-rows 0 "$WORK/out.txt" >&2
"$BIN" --data-dir "$DATA" key init >/dev/null 2>&1
"$BIN" --data-dir "$DATA" breach add BenchScrape --breach-date 2026-01-01 --kind scrape --region NL --region BE >/dev/null
"$BIN" --data-dir "$DATA" ingest --breach BenchScrape --region NL,BE "$WORK/in.txt" >"$WORK/ingest.txt"
# Alternate numbers in the breach and numbers not in it, keeping the
# spellings the server reads as valid numbers with its default region (NL):
# a national-format Belgian number is a 400, not a check.
paste -d '\n' "$WORK/in.txt" "$WORK/out.txt" >"$WORK/all.txt"
"$BIN" normalize --region NL <"$WORK/all.txt" >"$WORK/normalized.txt"
paste -d '\t' "$WORK/all.txt" "$WORK/normalized.txt" | awk -F '\t' '$2 ~ /^phone / { print $1 }' >"$WORK/numbers.txt"
KEY=$("$BIN" --data-dir "$DATA" apikey create bench --rate 1000000000/s 2>/dev/null)

echo "ceiling: OPRF of the same numbers on all cores ..." >&2
ceiling_line=$("$CEILING" --region NL "$WORK/numbers.txt")
ceiling_ids=$(sed -n 's/.* identifiers \([0-9]*\) .*/\1/p' <<<"$ceiling_line")
prf_secs=$(sed -n 's/.*prf_secs \([0-9.]*\).*/\1/p' <<<"$ceiling_line")
ceiling=$(awk -v n="$ceiling_ids" -v s="$prf_secs" 'BEGIN { printf "%.0f", n / s }')

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$BIN" --data-dir "$DATA" serve --listen "127.0.0.1:$PORT" \
  --rate-per-address 1000000000/s --rate-per-subnet 1000000000/s --rate-per-site 1000000000/s --rate-global 1000000000/s --reads-per-address 1000000000/s \
  2>"$WORK/serve.log" &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.1; done

results=()
for mode in native hibp; do
  echo "$mode: wrk -t$THREADS -c$CONNECTIONS -d$DURATION ..." >&2
  # Warm up, then measure.
  MODE=$mode NUMBERS="$WORK/numbers.txt" API_KEY="$KEY" \
    wrk -t"$THREADS" -c"$CONNECTIONS" -d3s -s bench/lua/check.lua "http://127.0.0.1:$PORT" >/dev/null
  cpu0=$(awk '{print $14 + $15}' "/proc/$SERVER/stat")
  MODE=$mode NUMBERS="$WORK/numbers.txt" API_KEY="$KEY" \
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --timeout 5s -s bench/lua/check.lua \
    "http://127.0.0.1:$PORT" >"$WORK/wrk-$mode.txt"
  cpu1=$(awk '{print $14 + $15}' "/proc/$SERVER/stat")
  rps=$(sed -n 's/^Requests\/sec: *\([0-9.]*\).*/\1/p' "$WORK/wrk-$mode.txt")
  read -r _ _ errors _ found _ requests _ socket <<<"$(grep '^lua: errors' "$WORK/wrk-$mode.txt")"
  read -r _ _ p50 _ p99 <<<"$(grep '^lua: p50_us' "$WORK/wrk-$mode.txt")"
  ticks=$(getconf CLK_TCK)
  cpu_us=$(awk -v c=$((cpu1 - cpu0)) -v t="$ticks" -v n="$requests" 'BEGIN { printf "%.0f", c / t * 1e6 / n }')
  results+=("$mode $rps $p50 $p99 $requests $found $errors $socket $cpu_us")
done

{
  echo "serve benchmark: $ROWS numbers in the breach, $ROWS not, $DURATION per scenario, wrk -t$THREADS -c$CONNECTIONS, $(nproc) cores, $(date -u +%FT%TZ)"
  echo "commit $COMMIT"
  echo "ceiling: OPRF + bucket hash of the same $ceiling_ids numbers on all cores, nothing else: $ceiling /s"
  echo
  printf '%-7s %10s %8s %8s %10s %9s %7s %7s %9s %8s\n' scenario "checks/s" "p50 us" "p99 us" requests found errors socket "cpu us" "of ceil"
  for r in "${results[@]}"; do
    read -r mode rps p50 p99 requests found errors socket cpu_us <<<"$r"
    awk -v m="$mode" -v r="$rps" -v a="$p50" -v b="$p99" -v n="$requests" -v f="$found" -v e="$errors" -v s="$socket" -v c="$cpu_us" -v ceil="$ceiling" \
      'BEGIN { printf "%-7s %10.0f %8.0f %8.0f %10d %9d %7d %7d %9d %7.1f%%\n", m, r, a, b, n, f, e, s, c, 100 * r / ceil }'
  done
  echo
  echo "of ceil: checks/s as a share of the OPRF ceiling (target >= 50 %); errors: responses other than 200 (native) or 200/404 (hibp)."
  echo "cpu us: server CPU (user + system) per check; wrk runs on the same 2 cores."
} | tee "$OUT/summary-serve.txt"
