#!/usr/bin/env bash
# Ingest benchmark, in one run: a generated telecom dump (CSV) and a scraped
# number list (one per line), each
#   - ingested end to end by `lekradar ingest` into a fresh data dir
#     (wall time, rows/s, identifiers/s, peak RSS against --memory + 100 MiB);
#   - the ceiling: the same identifiers keyed (OPRF + bucket hash) on all
#     cores and nothing else (examples/prf_ceiling.rs);
#   - the familiar baseline: SQLite `.import` of the same file plus
#     CREATE INDEX on its identifier columns (raw values, no normalising).
#
#   bench/ingest.sh                 # 10 M rows each (about an hour on 2 cores)
#   ROWS=200000 bench/ingest.sh     # a quick look
#
# Dumps are generated with no junk rows so SQLite imports the same rows
# (an unterminated quote would make it swallow the rest of the file).
# Output: a table on stdout and in $OUT/summary-ingest.txt.
set -euo pipefail

ROWS=${ROWS:-10000000}
MEMORY_MIB=${MEMORY_MIB:-256}
WORK=${WORK:-${TMPDIR:-/tmp}/lekradar-bench-ingest}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=${OUT:-$ROOT/bench/runs/$(date +%F)-ingest}
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}

cd "$ROOT"
# The commit measured, taken before this run rewrites its summary (a
# change under bench/runs/ is a result, not the code measured).
COMMIT="$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- . ':(exclude)bench/runs' || echo ' (dirty)')"
cargo build --release --locked -p lekradar
cargo build --release --locked -p lekradar-ingest --example prf_ceiling
BIN=$TARGET/release/lekradar
CEILING=$TARGET/release/examples/prf_ceiling
mkdir -p "$WORK" "$OUT"
rm -rf "${WORK:?}"/*

echo "generating $ROWS-row dumps in $WORK ..." >&2
"$BIN" gen-data --kind telecom --rows "$ROWS" --format csv --header-lang en \
    --junk-rate 0 --regions NL:55,BE:45 --truth-rows 0 "$WORK/telecom.csv" >&2
"$BIN" gen-data --kind scrape --rows "$ROWS" --format lines \
    --junk-rate 0 --truth-rows 0 "$WORK/scrape.txt" >&2

# seconds and peak RSS (KiB) of a command, written to $1
timed() {
    local out=$1
    shift
    /usr/bin/time -f "%e %M" -o "$out" "$@"
}

results=()
for dump in telecom scrape; do
    file=$WORK/$dump.csv
    [ "$dump" = scrape ] && file=$WORK/$dump.txt
    data=$WORK/data-$dump
    "$BIN" --data-dir "$data" key init >/dev/null 2>&1
    "$BIN" --data-dir "$data" breach add Bench --breach-date 2026-01-01 >/dev/null

    echo "$dump: lekradar ingest ..." >&2
    timed "$WORK/time-ingest-$dump" "$BIN" --data-dir "$data" ingest --breach Bench \
        --region NL,BE --memory "${MEMORY_MIB}MiB" "$file" >"$WORK/report-$dump.txt"
    read -r ingest_secs ingest_kib <"$WORK/time-ingest-$dump"
    rows=$(sed -n 's/.*rows \([0-9]*\), records.*/\1/p' "$WORK/report-$dump.txt" | head -1)
    ids=$(sed -n 's/.*identifiers \([0-9]*\) (.*/\1/p' "$WORK/report-$dump.txt" | head -1)

    echo "$dump: keying ceiling ..." >&2
    ceiling_line=$("$CEILING" --region NL,BE "$file")
    prf_secs=$(sed -n 's/.*prf_secs \([0-9.]*\).*/\1/p' <<<"$ceiling_line")
    ceiling_ids=$(sed -n 's/.* identifiers \([0-9]*\) .*/\1/p' <<<"$ceiling_line")
    read_secs=$(sed -n 's/.*read_secs \([0-9.]*\).*/\1/p' <<<"$ceiling_line")

    echo "$dump: SQLite .import + CREATE INDEX ..." >&2
    db=$WORK/$dump.sqlite
    if [ "$dump" = telecom ]; then
        header=$(head -1 "$file")
        phone=$(tr ',' '\n' <<<"$header" | grep -iE '^(mobile|phone)' | head -1)
        email=$(tr ',' '\n' <<<"$header" | grep -iE '^e-?mail' | head -1)
        timed "$WORK/time-sqlite-$dump" sqlite3 "$db" ".mode csv" ".import $file t" \
            "CREATE INDEX t_phone ON t(\"$phone\");" "CREATE INDEX t_email ON t(\"$email\");"
    else
        timed "$WORK/time-sqlite-$dump" sqlite3 "$db" "CREATE TABLE t(number TEXT);" \
            ".mode csv" ".import $file t" "CREATE INDEX t_number ON t(number);"
    fi
    read -r sqlite_secs sqlite_kib <"$WORK/time-sqlite-$dump"
    sqlite_rows=$(sqlite3 "$db" "SELECT count(*) FROM t;")

    results+=("$dump $rows $ids $ingest_secs $ingest_kib $ceiling_ids $prf_secs $read_secs $sqlite_secs $sqlite_kib $sqlite_rows")
done

{
    echo "ingest benchmark: $ROWS rows per dump, --memory ${MEMORY_MIB}MiB, $(nproc) cores, $(date -u +%FT%TZ)"
    echo "commit $COMMIT"
    echo
    printf '%-8s %10s %10s | %9s %10s %10s %9s | %10s %9s %7s | %9s %9s %10s\n' \
        dump rows idents "ingest s" "rows/s" "idents/s" "RSS MiB" "ceiling/s" "read s" "of ceil" \
        "SQLite s" "SQLite MiB" "SQLite rows"
    for r in "${results[@]}"; do
        read -r dump rows ids isecs ikib cids psecs rsecs ssecs skib srows <<<"$r"
        awk -v d="$dump" -v rows="$rows" -v ids="$ids" -v is="$isecs" -v ik="$ikib" \
            -v cids="$cids" -v ps="$psecs" -v rs="$rsecs" -v ss="$ssecs" -v sk="$skib" -v sr="$srows" \
            'BEGIN { c = cids / ps; e = ids / is;
                printf "%-8s %10d %10d | %9.1f %10.0f %10.0f %9.0f | %10.0f %9.1f %6.1f%% | %9.1f %9.0f %10d\n",
                    d, rows, ids, is, rows / is, e, ik / 1024, c, rs, 100 * e / c, ss, sk / 1024, sr }'
    done
    echo
    echo "of ceil: end-to-end identifiers/s as a share of the ceiling (target >= 85%)."
    echo "RSS target: <= --memory + 100 MiB = $((MEMORY_MIB + 100)) MiB."
    echo "read s: reading and normalising alone (one core), from the ceiling run."
} | tee "$OUT/summary-ingest.txt"
