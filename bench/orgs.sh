#!/usr/bin/env bash
# Organisations' benchmark (crates/lekradar/examples/orgs_bench.rs), in one
# run on this machine: a watchlist of $PEOPLE entries (every 20th a mobile
# number) uploaded as a CSV file — read, checked against the proved domain,
# keyed, matched against $BREACHES breaches each holding one person in
# $EVERY, stored — beside the keying ceiling measured in the same run (the
# PRF alone on the same threads); then the report page, the organisation
# page and the CSV export over HTTP to two concurrent clients (p50, p99).
#
#   bench/orgs.sh
#   PEOPLE=20000 REQUESTS=100 bench/orgs.sh
set -euo pipefail

PEOPLE=${PEOPLE:-100000}
BREACHES=${BREACHES:-50}
EVERY=${EVERY:-10}
REQUESTS=${REQUESTS:-400}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=${OUT:-$ROOT/bench/runs/$(date +%F)-orgs}
mkdir -p "$OUT"
cd "$ROOT"
cargo build --release --example orgs_bench
target/release/examples/orgs_bench --people "$PEOPLE" --breaches "$BREACHES" \
    --every "$EVERY" --requests "$REQUESTS" | tee "$OUT/sqlite-$PEOPLE.md"
