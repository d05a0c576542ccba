#!/usr/bin/env bash
# The index in object storage at scale, in one run (crates/objstore/examples/scale.rs):
# N synthetic entries (the PRF excluded: its cost is bench/ingest.sh's keying
# ceiling) built into a local directory (the baseline) and into a real
# SeaweedFS cluster on loopback (master, three volume servers, filer, S3
# gateway; objects kept twice, in /dev/shm), then a server's time to ready
# with a cold and with a warm cache, its RSS, direct lookups on one core
# (each timed: p50, p99) and the private check's answer at 16 bits.
#
#   bench/objstore.sh                 # 100 M entries, 4 GiB sort memory
#   ENTRIES=10000000 bench/objstore.sh
#   ENTRIES=500000000 LEKRADAR_SERVICES_DIR=/var/tmp LEKRADAR_WEED_MAX_VOLUMES=200 bench/objstore.sh
#                                     # SeaweedFS on disk with room for 500 M
#                                     # entries kept twice (15 GB)
set -euo pipefail
ENTRIES=${ENTRIES:-100000000}
MEMORY_MIB=${MEMORY_MIB:-4096}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=${OUT:-$ROOT/bench/runs/$(date +%F)-objstore}
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
cd "$ROOT"
[ -x .venv/bin/weed ] || scripts/test-deps-messages.sh
cargo build --release --locked -p lekradar-objstore --example scale
mkdir -p "$OUT" bench/out
BENCH_DIR="${BENCH_DIR:-$ROOT/bench/out}" "$TARGET/release/examples/scale" "$ENTRIES" "$MEMORY_MIB" 2>"$OUT/scale-$ENTRIES.log" |
  tee "$OUT/scale-$ENTRIES.txt"
