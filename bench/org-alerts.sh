#!/usr/bin/env bash
# Organisations' alerts benchmark (crates/lekradar/examples/org_alerts_bench.rs):
# a new breach matched against $ORGS organisations with $ENTRIES watchlist
# entries each ($HITS of each in the breach), each organisation with one
# webhook endpoint (a receiver on loopback answering 200); the time from the
# matching job's enqueue to the last webhook accepted, through the real
# runner, SQLite store.
#
#   bench/org-alerts.sh
#   ORGS=1000 ENTRIES=100000 WORK=/big/disk bench/org-alerts.sh   (≈ 24 GB of store)
set -euo pipefail

ORGS=${ORGS:-1000}
ENTRIES=${ENTRIES:-10000}
HITS=${HITS:-10}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=${OUT:-$ROOT/bench/runs/$(date +%F)-org-alerts}
mkdir -p "$OUT"
cd "$ROOT"
cargo build --release --example org_alerts_bench
args=(--orgs "$ORGS" --entries "$ENTRIES" --hits "$HITS")
if [[ -n "${WORK:-}" ]]; then args+=(--work "$WORK"); fi
target/release/examples/org_alerts_bench "${args[@]}" | tee "$OUT/sqlite-$ORGS-x-$ENTRIES.md"
