#!/usr/bin/env bash
# Sharded ingest benchmark, in one run: one generated scrape (a mobile
# number per line; one identifier per row) keyed
#   - by one plain `lekradar ingest` (the baseline);
#   - by `ingest --shard I/N` in N processes at once (N = 1, 2, 4), each
#     into its own breach of one index, then `lekradar publish`.
# On this machine all shards share its cores, so N shards cannot beat one
# ingest (each already keys on every core); what the figures show is the
# cost sharding adds (every shard reads the whole input; staging; the
# publish's merge) — the share a run spread over N machines would not
# divide — and the publish time against the keying time.
#
#   bench/shard.sh                  # 10 M rows (about 25 minutes on 2 cores)
#   ROWS=1000000 bench/shard.sh     # a quick look
#
# Output: a table on stdout and in $OUT/summary-shard.txt.
set -euo pipefail

ROWS=${ROWS:-10000000}
SHARDS=${SHARDS:-1 2 4}
MEMORY_MIB=${MEMORY_MIB:-256}
WORK=${WORK:-${TMPDIR:-/tmp}/lekradar-bench-shard}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=${OUT:-$ROOT/bench/runs/$(date +%F)-shard}
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}

cd "$ROOT"
COMMIT="$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- . ':(exclude)bench/runs' || echo ' (dirty)')"
cargo build --release --locked -p lekradar
BIN=$TARGET/release/lekradar
mkdir -p "$WORK" "$OUT"
rm -rf "${WORK:?}"/*
data=$WORK/data

echo "generating a $ROWS-row scrape in $WORK ..." >&2
"$BIN" gen-data --kind scrape --rows "$ROWS" --format lines --junk-rate 0 \
    --regions NL:55,BE:45 --truth-rows 0 "$WORK/scrape.txt" >&2
"$BIN" --data-dir "$data" key init >/dev/null 2>&1

now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

"$BIN" --data-dir "$data" breach add Plain --breach-date 2026-01-01 >/dev/null
echo "baseline: one lekradar ingest ..." >&2
t0=$(now)
"$BIN" --data-dir "$data" ingest --breach Plain --region NL,BE --memory "${MEMORY_MIB}MiB" \
    "$WORK/scrape.txt" >"$WORK/report-plain.txt"
t1=$(now)
plain=$(secs "$t0" "$t1")
ids=$(sed -n 's/^Plain: \([0-9]*\) identifiers new.*/\1/p' "$WORK/report-plain.txt")

rows=()
for n in $SHARDS; do
    breach=Sharded$n
    "$BIN" --data-dir "$data" breach add "$breach" --breach-date 2026-01-01 >/dev/null
    echo "$n shards at once ..." >&2
    t0=$(now)
    pids=()
    for ((i = 0; i < n; i++)); do
        "$BIN" --data-dir "$data" ingest --breach "$breach" --region NL,BE \
            --memory "$((MEMORY_MIB / n))MiB" --shard "$i/$n" "$WORK/scrape.txt" \
            >"$WORK/report-$breach-$i.txt" 2>&1 &
        pids+=($!)
    done
    for pid in "${pids[@]}"; do wait "$pid"; done
    t1=$(now)
    "$BIN" --data-dir "$data" publish --breach "$breach" --memory "${MEMORY_MIB}MiB" \
        >"$WORK/report-$breach-publish.txt"
    t2=$(now)
    got=$(sed -n "s/^$breach: \([0-9]*\) identifiers new.*/\1/p" "$WORK/report-$breach-publish.txt")
    slowest=0
    for ((i = 0; i < n; i++)); do
        s=$(sed -n 's/.* in \([0-9.]*\) s, staged.*/\1/p' "$WORK/report-$breach-$i.txt")
        slowest=$(awk -v a="$slowest" -v b="$s" 'BEGIN { print (b > a) ? b : a }')
    done
    rows+=("$n $(secs "$t0" "$t1") $slowest $(secs "$t1" "$t2") $got")
done

{
    echo "sharded ingest benchmark: $ROWS rows ($ids distinct numbers), $(nproc) cores, --memory ${MEMORY_MIB}MiB in all, $(date -u +%FT%TZ)"
    echo "commit $COMMIT"
    echo
    printf '%-22s %10s %12s %10s %10s %12s\n' run "keying s" "idents/s" "publish s" "total s" "same count"
    awk -v s="$plain" -v ids="$ids" 'BEGIN {
        printf "%-22s %10.1f %12.0f %10s %10.1f %12s\n", "one ingest (baseline)", s, ids / s, "(in it)", s, "-" }'
    for r in "${rows[@]}"; do
        read -r n keyed slowest publish got <<<"$r"
        awk -v n="$n" -v k="$keyed" -v p="$publish" -v ids="$ids" -v got="$got" 'BEGIN {
            printf "%-22s %10.1f %12.0f %10.1f %10.1f %12s\n", n " shards at once", k, ids / k, p, k + p, (got == ids) ? "yes" : "NO (" got ")" }'
    done
    echo
    echo "keying s: wall time until the last shard had staged its run (all shards at once on this machine)."
    echo "publish s: lekradar publish (fetch, merge, one publish); total s: both."
    echo "On N machines the keying would divide by about N; the publish would not."
} | tee "$OUT/summary-shard.txt"
