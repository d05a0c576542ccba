#!/usr/bin/env bash
# Private-check benchmark, in one run, on this machine (loopback, load
# generator beside the server):
#   - a breach of $ROWS generated numbers ingested into a fresh data dir, once
#     with a VOPRF key (the default) and once with a base-mode (OPRF) key;
#   - the ceiling: the server's step alone (blind evaluation, with the DLEQ
#     proof in VOPRF mode) of the same blinded elements on all cores
#     (crates/ingest/examples/private_requests.rs, which also writes the
#     requests a client would send);
#   - `lekradar serve` with its budgets lifted, loaded by wrk ($CONNECTIONS
#     connections, $DURATION) with POST /api/v1/private/check at the prefix
#     the server advertises (the longest at which its buckets hold at least
#     128 entries on average: 12 bits for 625 000 entries), and, as the
#     baseline of the same run, direct checks (POST /api/v1/check) of the
#     same numbers;
#   - bucket sizes: every bucket at each prefix length the server allows,
#     and what the bound gives for 10 M and 500 M entries;
#   - client time: `lekradar check --server` (process start to printed
#     answer) and the page in headless Chromium (submit to drawn result).
#
#   bench/private.sh                      # 625 000 numbers, 30 s per scenario
#   DURATION=5s ROWS=50000 bench/private.sh
set -euo pipefail

ROWS=${ROWS:-625000}
DURATION=${DURATION:-30s}
CONNECTIONS=${CONNECTIONS:-16}
THREADS=${THREADS:-1}
CLIENT_RUNS=${CLIENT_RUNS:-30}
WORK=${WORK:-${TMPDIR:-/tmp}/lekradar-bench-private}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=${OUT:-$ROOT/bench/runs/$(date +%F)-private}
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}

cd "$ROOT"
# The commit measured, taken before this run rewrites its summary (a
# change under bench/runs/ is a result, not the code measured).
COMMIT="$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- . ':(exclude)bench/runs' || echo ' (dirty)')"
{ command -v wrk >/dev/null && [ -d e2e/node_modules ]; } || scripts/test-deps-e2e.sh
cargo build --release --locked -p lekradar
cargo build --release --locked -p lekradar-ingest --example private_requests
BIN=$TARGET/release/lekradar
REQUESTS=$TARGET/release/examples/private_requests
mkdir -p "$WORK" "$OUT"
rm -rf "${WORK:?}"/*
LIFTED=(--rate-per-address 1000000000/s --rate-per-subnet 1000000000/s --rate-per-site 1000000000/s --rate-global 1000000000/s --reads-per-address 1000000000/s)

echo "generating $ROWS numbers in the breach and $ROWS not ..." >&2
"$BIN" gen-data --kind scrape --rows "$ROWS" --seed 21 --junk-rate 0 --truth-rows 0 "$WORK/in.txt" >&2
"$BIN" gen-data --kind scrape --rows "$ROWS" --seed 22 --junk-rate 0 --truth-rows 0 "$WORK/out.txt" >&2
# Numbers the server reads as valid with its default region (NL), alternating
# in and out of the breach (as in bench/serve.sh).
paste -d '\n' "$WORK/in.txt" "$WORK/out.txt" >"$WORK/all.txt"
"$BIN" normalize --region NL <"$WORK/all.txt" >"$WORK/normalized.txt"
paste -d '\t' "$WORK/all.txt" "$WORK/normalized.txt" | awk -F '\t' '$2 ~ /^phone / { print $1 }' >"$WORK/numbers.txt"
grep -m 200 . "$WORK/numbers.txt" | awk 'NR % 2 == 1' >"$WORK/client-numbers.txt"
# The private load cycles through the requests of the first $REQUEST_NUMBERS
# numbers (blinding and the ceiling take a while per number).
head -n "${REQUEST_NUMBERS:-200000}" "$WORK/numbers.txt" >"$WORK/request-numbers.txt"

ticks=$(getconf CLK_TCK)
server_cpu() { awk '{print $14 + $15}' "/proc/$1/stat"; }

# wrk one scenario against the server $1; prints "rps p50 p99 requests errors socket cpu_us bytes".
load() {
  local pid=$1 port=$2 mode=$3 requests=$4
  MODE=$mode NUMBERS="$WORK/numbers.txt" REQUESTS="$requests" \
    wrk -t"$THREADS" -c"$CONNECTIONS" -d3s -s bench/lua/check.lua "http://127.0.0.1:$port" >/dev/null
  local cpu0 cpu1
  cpu0=$(server_cpu "$pid")
  MODE=$mode NUMBERS="$WORK/numbers.txt" REQUESTS="$requests" \
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --timeout 5s -s bench/lua/check.lua \
    "http://127.0.0.1:$port" >"$WORK/wrk-$mode.txt"
  cpu1=$(server_cpu "$pid")
  local rps errors n socket p50 p99 bytes
  rps=$(sed -n 's/^Requests\/sec: *\([0-9.]*\).*/\1/p' "$WORK/wrk-$mode.txt")
  read -r _ _ errors _ _ _ n _ socket <<<"$(grep '^lua: errors' "$WORK/wrk-$mode.txt")"
  read -r _ _ p50 _ p99 <<<"$(grep '^lua: p50_us' "$WORK/wrk-$mode.txt")"
  read -r _ _ bytes <<<"$(grep '^lua: answer_bytes' "$WORK/wrk-$mode.txt")"
  local cpu_us
  cpu_us=$(awk -v c=$((cpu1 - cpu0)) -v t="$ticks" -v n="$n" 'BEGIN { printf "%.0f", c / t * 1e6 / n }')
  echo "$rps $p50 $p99 $n $errors $socket $cpu_us $bytes"
}

start_server() {
  local data=$1 port
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  "$BIN" --data-dir "$data" serve --listen "127.0.0.1:$port" "${LIFTED[@]}" 2>"$data.serve.log" &
  SERVER=$!
  for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
  PORT=$port
}
trap 'kill ${SERVER:-} 2>/dev/null || true' EXIT

rows=()
for mode in voprf oprf; do
  data=$WORK/data-$mode
  echo "$mode: key, breach, ingest ..." >&2
  "$BIN" --data-dir "$data" key init --mode "$mode" >/dev/null 2>&1
  "$BIN" --data-dir "$data" breach add BenchScrape --breach-date 2026-01-01 --kind scrape --region NL >/dev/null
  "$BIN" --data-dir "$data" ingest --breach BenchScrape --region NL "$WORK/in.txt" >"$WORK/ingest-$mode.txt"
  start_server "$data"
  read -r BITS MIN_BITS <<<"$(curl -sf "http://127.0.0.1:$PORT/api/v1/private/config" |
    python3 -c 'import json,sys; c = json.load(sys.stdin); print(c["bucketBits"], c["minBucketBits"])')"
  echo "$mode: requests at $BITS bits and ceiling ..." >&2
  ceiling_line=$("$REQUESTS" --key "$data/oprf.key" --region NL --bits "$BITS" --out "$WORK/requests-$mode.txt" "$WORK/request-numbers.txt")
  ceiling=$(sed -n 's/.*evaluate_per_sec \([0-9]*\).*/\1/p' <<<"$ceiling_line")
  echo "$mode: wrk private checks ..." >&2
  rows+=("private-$mode $ceiling $(load "$SERVER" "$PORT" private "$WORK/requests-$mode.txt")")
  if [ "$mode" = voprf ]; then
    echo "$mode: wrk direct checks (baseline) ..." >&2
    rows+=("direct - $(load "$SERVER" "$PORT" native -)")
    echo "bucket sizes ..." >&2
    python3 - "$PORT" "$MIN_BITS" "$BITS" >"$WORK/buckets.txt" <<'EOF'
import http.client, statistics, sys
port, lo, hi = (int(a) for a in sys.argv[1:4])
conn = http.client.HTTPConnection("127.0.0.1", port)
def sizes(bits, prefixes):
    out = []
    for p in prefixes:
        conn.request("GET", f"/api/v1/private/buckets/{bits}/{p:x}")
        r = conn.getresponse()
        body = r.read()
        assert r.status == 200, (r.status, body)
        out.append(len(body))
    return out
for bits in range(lo, hi + 1):
    prefixes = range(0, 1 << bits, max(1, (1 << bits) // 4096))
    s = sorted(sizes(bits, prefixes))
    entries = [(b - 17) // 12 for b in s]
    print(f"bits {bits} buckets {len(s)} entries_mean {statistics.mean(entries):.1f} "
          f"bytes_mean {statistics.mean(s):.0f} bytes_p50 {s[len(s)//2]} "
          f"bytes_p99 {s[int(len(s)*0.99)]} bytes_max {s[-1]}")
EOF
    echo "client: lekradar check --server, $CLIENT_RUNS runs ..." >&2
    : >"$WORK/cli.txt"
    while read -r number; do
      t0=$(date +%s%N)
      "$BIN" check --server "http://127.0.0.1:$PORT" --verbose "$number" >/dev/null 2>"$WORK/cli-one.txt"
      t1=$(date +%s%N)
      inproc=$(sed -n 's/.*round trip \([0-9.]*\)\([mµu]*s\), total \([0-9.]*\)\([mµu]*s\).*/\1 \2 \3 \4/p' "$WORK/cli-one.txt")
      echo "$(( (t1 - t0) / 1000 )) $inproc" >>"$WORK/cli.txt"
    done < <(head -n "$CLIENT_RUNS" "$WORK/client-numbers.txt")
    echo "client: Chromium, $CLIENT_RUNS checks ..." >&2
    node e2e/private-timing.mjs "http://127.0.0.1:$PORT" "$WORK/client-numbers.txt" "$CLIENT_RUNS" >"$WORK/chromium.txt"
  fi
  kill "$SERVER"; wait "$SERVER" 2>/dev/null || true
done

{
  echo "private-check benchmark: $ROWS numbers in the breach, $ROWS not, $DURATION per scenario, wrk -t$THREADS -c$CONNECTIONS, $(nproc) cores, $(date -u +%FT%TZ)"
  echo "commit $COMMIT"
  echo
  printf '%-14s %9s %10s %8s %8s %10s %7s %7s %8s %9s %8s\n' scenario "ceiling/s" "checks/s" "p50 us" "p99 us" requests errors socket "cpu us" "bytes/ans" "of ceil"
  for r in "${rows[@]}"; do
    read -r name ceiling rps p50 p99 n errors socket cpu_us bytes <<<"$r"
    awk -v m="$name" -v c="$ceiling" -v r="$rps" -v a="$p50" -v b="$p99" -v n="$n" -v e="$errors" -v s="$socket" -v u="$cpu_us" -v by="$bytes" \
      'BEGIN { of = (c == "-") ? "-" : sprintf("%.1f%%", 100 * r / c); ans = (m ~ /^private/) ? sprintf("%.0f", by / n) : "-";
               printf "%-14s %9s %10.0f %8.0f %8.0f %10d %7d %7d %8d %9s %8s\n", m, c, r, a, b, n, e, s, u, ans, of }'
  done
  echo
  echo "ceiling: the server's blind evaluation (VOPRF: with its DLEQ proof) of the same elements on all cores, nothing else."
  echo "direct: POST /api/v1/check of the same numbers on the VOPRF server, the baseline of this run."
  echo "cpu us: server CPU (user + system) per check; wrk runs on the same 2 cores. errors: any status but 200."
  echo
  echo "bucket sizes (bucket endpoint, up to 4096 buckets at each prefix length the server allows, $MIN_BITS to $BITS bits):"
  cat "$WORK/buckets.txt"
  awk -v hi="$BITS" '$2 == hi { e = $6; b = $8 }
    END {
      # A check answer is 2 + 32 + 64 (VOPRF) header bytes plus the bucket
      # message: 17 + 12 per entry (the layout measured above: 17 + 12 x mean = mean bytes).
      printf "  layout check: 17 + 12 x %.1f entries = %.0f bytes, measured mean %d bytes\n", e, 17 + 12 * e, b
      # The bound: the longest prefix (at most --private-bucket-bits, 16)
      # at which a bucket holds >= 128 entries on average.
      for (i = 0; i < 3; i++) {
        n = i == 0 ? 1e6 : (i == 1 ? 10e6 : 500e6);
        bits = 0; while (bits < 16 && n / 2 ^ (bits + 1) >= 128) bits++;
        e = n / 2 ^ bits;
        printf "  %5.0f M entries: %2d bits, %.1f entries per bucket, check answer %.0f bytes (%.1f KiB) in VOPRF mode\n", n / 1e6, bits, e, 98 + 17 + 12 * e, (98 + 17 + 12 * e) / 1024
      }
    }' "$WORK/buckets.txt"
  echo
  echo "client time, $CLIENT_RUNS checks each (VOPRF, $BITS bits):"
  python3 - "$WORK/cli.txt" <<'EOF'
import statistics, sys
def ms(v, unit):
    return float(v) * {"s": 1000, "ms": 1, "µs": 0.001, "us": 0.001}[unit]
wall, total, trip = [], [], []
for line in open(sys.argv[1]):
    f = line.split()
    if len(f) == 5:
        wall.append(int(f[0]) / 1000); trip.append(ms(f[1], f[2])); total.append(ms(f[3], f[4]))
print(f"  lekradar check --server: process wall median {statistics.median(wall):.1f} ms "
      f"(start, config, check, exit); in-process total median {statistics.median(total):.2f} ms "
      f"(both round trips, blinding, proof check, unsealing); check round trip median {statistics.median(trip):.2f} ms")
EOF
  echo "  Chromium: $(cat "$WORK/chromium.txt")"
} | tee "$OUT/summary-private.txt"
