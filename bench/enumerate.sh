#!/usr/bin/env bash
# Enumeration run: two `lekradar serve` processes on one PostgreSQL store (as
# behind a load balancer), with the default budgets, and bench/enumerate.py
# trying a block of consecutive Dutch mobile numbers through the direct,
# HIBP and private APIs from one address, from 253 addresses of one /24 and
# from 253 /24s, and from many API keys. Prints how many checks each attempt got answered against the
# most the budgets allow; fails if any budget leaked.
#
#   bench/enumerate.sh                  # 20 s per phase, 300 keys
#   SECONDS_PER_PHASE=5 KEYS=50 bench/enumerate.sh
set -euo pipefail

SECONDS_PER_PHASE=${SECONDS_PER_PHASE:-20}
KEYS=${KEYS:-300}
BLOCK_START=${BLOCK_START:-612340000}
BLOCK=${BLOCK:-10000}
WORK=${WORK:-${TMPDIR:-/tmp}/lekradar-bench-enumerate}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=${OUT:-$ROOT/bench/runs/$(date +%F)-enumerate}
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}

cd "$ROOT"
cargo build --release --locked -p lekradar
cargo build --release --locked -p lekradar-ingest --example private_requests
BIN=$TARGET/release/lekradar
mkdir -p "$WORK" "$OUT"
rm -rf "${WORK:?}"/*
DATA=$WORK/data

# A fresh database in the project's own PostgreSQL (loopback only).
PG=$(scripts/test-postgres.sh)
ADMIN=${PG%/*}/postgres
psql -q "$ADMIN" -c "DROP DATABASE IF EXISTS lekradar_enumerate" -c "CREATE DATABASE lekradar_enumerate"
export LEKRADAR_DATABASE_URL=${PG%/*}/lekradar_enumerate

echo "a breach holding half of the block ..." >&2
seq "$BLOCK_START" $((BLOCK_START + BLOCK - 1)) | sed 's/^/0/' >"$WORK/block.txt"
awk 'NR % 2 == 0' "$WORK/block.txt" >"$WORK/in.txt"
"$BIN" --data-dir "$DATA" key init >/dev/null 2>&1
"$BIN" --data-dir "$DATA" breach add EnumTarget --breach-date 2026-01-01 --kind scrape --region NL >/dev/null
"$BIN" --data-dir "$DATA" ingest --breach EnumTarget --region NL "$WORK/in.txt" >/dev/null 2>&1

echo "$KEYS API keys (default rate) ..." >&2
for i in $(seq "$KEYS"); do
  "$BIN" --data-dir "$DATA" apikey create "enum-$i" 2>/dev/null
done >"$WORK/keys.txt"

servers=()
pids=()
for n in 1 2; do
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  "$BIN" --data-dir "$DATA" serve --listen "127.0.0.1:$port" 2>"$WORK/serve-$n.log" &
  pids+=($!)
  servers+=(--server "http://127.0.0.1:$port")
  for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
done
trap 'kill "${pids[@]}" 2>/dev/null || true' EXIT
# Private-check requests at the prefix length the servers allow for this
# index (they bound it by the entries served).
bits=$(curl -sf "${servers[1]}/api/v1/private/config" | python3 -c 'import json,sys; print(json.load(sys.stdin)["bucketBits"])')
"$TARGET/release/examples/private_requests" --key "$DATA/oprf.key" --region NL --bits "$bits" \
  --out "$WORK/requests.txt" "$WORK/block.txt" >/dev/null
# The budgets the servers run with (their defaults), read back from them.
read -r per_address per_subnet global <<<"$("$BIN" --data-dir "$DATA" serve --check | awk '/^rate-per-address/ { a = $2 } /^rate-per-subnet/ { n = $2 } /^rate-global/ { g = $2 } END { print a, n, g }')"
"$BIN" --data-dir "$DATA" serve --check | grep "shared-budgets   true" >/dev/null ||
  { echo "the servers do not share their budgets" >&2; exit 1; }

python3 bench/enumerate.py "${servers[@]}" --numbers "$WORK/block.txt" \
  --private-requests "$WORK/requests.txt" --keys "$WORK/keys.txt" \
  --seconds "$SECONDS_PER_PHASE" --per-address "$per_address" --per-subnet "$per_subnet" --global "$global" --key-rate 60/min |
  tee "$OUT/summary-enumerate.txt"
