#!/usr/bin/env bash
# Caching-proxy benchmark (crates/lekradar/examples/cache_bench.rs): private
# checks of CHECKS random Dutch mobile numbers per pass through nginx
# proxy_cache in front of SERVERS `lekradar serve`, made as a two-step
# client makes them (the cacheable bucket GET, then the evaluation POST):
# bucket requests reaching the servers per 1 000 checks, over a cold and
# then a warm cache, beside what a perfect cache would let through.
#
#   bench/cache.sh                          # 100 000 checks per pass
#   CHECKS=10000 bench/cache.sh             # a quick look
#
# Needs nginx (scripts/test-deps-messages.sh installs it). Output: a table on
# stdout and in $OUT/summary-cache.txt.
set -euo pipefail

CHECKS=${CHECKS:-100000}
SERVERS=${SERVERS:-2}
SIZE=${SIZE:-200000}
WORK=${WORK:-${TMPDIR:-/tmp}/lekradar-bench-cache}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=${OUT:-$ROOT/bench/runs/$(date +%F)-cache}
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}

cd "$ROOT"
COMMIT="$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- . ':(exclude)bench/runs' || echo ' (dirty)')"
cargo build --release --locked -p lekradar
# What is measured is nginx's cache, not speed: the driver needs no release build.
cargo build --locked -p lekradar --example cache_bench
mkdir -p "$WORK" "$OUT"
rm -rf "${WORK:?}"/*
echo "building a demo index ($SIZE rows per breach) ..." >&2
"$TARGET/release/lekradar" --data-dir "$WORK/data" demo --size "$SIZE" --no-serve >/dev/null
{
    echo "commit $COMMIT, $(date -u +%FT%TZ), index: $("$TARGET/release/lekradar" --data-dir "$WORK/data" index stats | tail -1)"
    "$TARGET/debug/examples/cache_bench" --bin "$TARGET/release/lekradar" --data "$WORK/data" \
        --checks "$CHECKS" --servers "$SERVERS"
} | tee "$OUT/summary-cache.txt"
