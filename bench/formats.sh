#!/usr/bin/env bash
# Per-format ingest benchmark, in one run: one dump per format of the
# registry (bench/formats.py: ROWS records of one identifier each, NL/BE
# mobiles or email addresses) and three containers of the CSV, each
#   - read alone on one thread (examples/prf_ceiling.rs --read-only:
#     decompress, decode, detect, rows, records; no PRF), rows/s;
#   - beside the keying ceiling of the same identifiers (OPRF + bucket on
#     all cores, nothing else), measured once on the CSV in this run: every
#     format yields the same identifiers, so one ceiling serves all;
#   - for E2E formats, ingested end to end by `lekradar ingest` into a fresh
#     data dir: identifiers/s against the ceiling, peak RSS against
#     --memory + 100 MiB.
#
#   bench/formats.sh                      # 1 M rows per format
#   ROWS=200000 E2E="delimited.csv" bench/formats.sh
#   PROFILE=dev bench/formats.sh          # the dev build (our crates at opt-level 1)
#
# Output: a table on stdout and in $OUT/summary-formats.txt.
set -euo pipefail

ROWS=${ROWS:-1000000}
MEMORY_MIB=${MEMORY_MIB:-256}
E2E=${E2E:-delimited.csv mysqldump.sql dump.json combo.txt archive.tar.gz}
PROFILE=${PROFILE:-release}
WORK=${WORK:-${TMPDIR:-/tmp}/lekradar-bench-formats}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=${OUT:-$ROOT/bench/runs/$(date +%F)-formats}
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}

cd "$ROOT"
COMMIT="$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- . ':(exclude)bench/runs' || echo ' (dirty)')"
if [[ "$PROFILE" == release ]]; then
  cargo build --release --locked -p lekradar -p lekradar-ingest --example prf_ceiling
  DIR=$TARGET/release
else
  cargo build --locked -p lekradar -p lekradar-ingest --example prf_ceiling
  DIR=$TARGET/debug
fi
BIN=$DIR/lekradar
CEILING=$DIR/examples/prf_ceiling
mkdir -p "$WORK" "$OUT"
rm -rf "${WORK:?}"/*
echo "generating $ROWS-row dumps in $WORK ..." >&2
python3 bench/formats.py "$WORK/dumps" "$ROWS"

echo "keying ceiling ..." >&2
line=$("$CEILING" --region NL,BE "$WORK/dumps/delimited.csv")
prf=$(sed -E 's/.*prf_per_sec ([0-9]+).*/\1/' <<<"$line")
threads=$(sed -E 's/.*threads ([0-9]+).*/\1/' <<<"$line")
per_core=$((prf / threads))

summary="$OUT/summary-formats.txt"
{
  echo "# bench/formats.sh at $COMMIT, $(date -u +%FT%TZ), $ROWS rows per format, profile $PROFILE, $(nproc) cores"
  echo "# keying ceiling: $prf identifiers/s on $threads threads ($per_core per core)"
  printf '%-18s %10s %12s %12s %10s\n' file identifiers "read rows/s" "x ceiling/c" "read MiB/s"
} | tee "$summary"
for f in "$WORK"/dumps/*; do
  name=$(basename "$f")
  line=$("$CEILING" --region NL,BE --read-only "$f")
  rows=$(sed -E 's/.*rows ([0-9]+).*/\1/' <<<"$line")
  ids=$(sed -E 's/.*identifiers ([0-9]+).*/\1/' <<<"$line")
  secs=$(sed -E 's/.*read_secs ([0-9.]+).*/\1/' <<<"$line")
  size=$(stat -c %s "$f")
  awk -v n="$name" -v r="$rows" -v i="$ids" -v s="$secs" -v c="$per_core" -v b="$size" \
    'BEGIN { s = (s < 0.01 ? 0.01 : s); printf "%-18s %10d %12.0f %12.1f %10.1f\n", n, i, r / s, (r / s) / c, b / s / 1048576 }' | tee -a "$summary"
done

{
  echo
  echo "# end to end: lekradar ingest --memory ${MEMORY_MIB}MiB into a fresh data dir"
  printf '%-18s %10s %8s %12s %10s %10s\n' file identifiers secs "ids/s" "% ceiling" "peak MiB"
} | tee -a "$summary"
for name in $E2E; do
  data="$WORK/data-$name"
  rm -rf "$data"
  "$BIN" --data-dir "$data" key init >/dev/null
  "$BIN" --data-dir "$data" breach add Bench --breach-date 2026-01-01 --kind breach --region NL >/dev/null
  /usr/bin/time -f "%e %M" -o "$WORK/time" "$BIN" --data-dir "$data" ingest --breach Bench \
    --region NL,BE --memory "${MEMORY_MIB}MiB" "$WORK/dumps/$name" >"$WORK/report-$name" 2>&1
  read -r secs kib <"$WORK/time"
  ids=$(grep -oE '^  rows [0-9]+, records [0-9]+, identifiers [0-9]+' "$WORK/report-$name" | awk '{ s += $6 } END { print s }')
  awk -v n="$name" -v i="$ids" -v s="$secs" -v p="$prf" -v k="$kib" \
    'BEGIN { printf "%-18s %10d %8.1f %12.0f %10.1f %10.0f\n", n, i, s, i / s, 100 * (i / s) / p, k / 1024 }' | tee -a "$summary"
  rm -rf "$data"
done
echo "# peak RSS target: --memory + 100 MiB = $((MEMORY_MIB + 100)) MiB" | tee -a "$summary"

# Bounded memory whatever the size of a line: a 200 MB single-line extended
# INSERT and a 200 MB single-line JSON array, read through (`--dry-run`
# reads every row and builds every record, keying nothing).
BIG_MB=${BIG_MB:-200}
if [[ "$BIG_MB" != 0 ]]; then
  python3 bench/formats.py "$WORK/big" --big "$BIG_MB"
  {
    echo
    echo "# one line of ${BIG_MB} MB: lekradar ingest --dry-run --memory ${MEMORY_MIB}MiB"
    printf '%-18s %10s %8s %10s\n' file identifiers secs "peak MiB"
  } | tee -a "$summary"
  data="$WORK/data-big"
  rm -rf "$data"
  "$BIN" --data-dir "$data" key init >/dev/null
  "$BIN" --data-dir "$data" breach add Bench --breach-date 2026-01-01 --kind breach --region NL >/dev/null
  for f in "$WORK"/big/*; do
    name=$(basename "$f")
    /usr/bin/time -f "%e %M" -o "$WORK/time" "$BIN" --data-dir "$data" ingest --breach Bench --dry-run \
      --region NL,BE --memory "${MEMORY_MIB}MiB" "$f" >"$WORK/report-$name" 2>&1
    read -r secs kib <"$WORK/time"
    ids=$(grep -oE '^  rows [0-9]+, records [0-9]+, identifiers [0-9]+' "$WORK/report-$name" | awk '{ s += $6 } END { print s }')
    awk -v n="$name" -v i="$ids" -v s="$secs" -v k="$kib" \
      'BEGIN { printf "%-18s %10d %8.1f %10.0f\n", n, i, s, k / 1024 }' | tee -a "$summary"
  done
  rm -rf "$data" "$WORK/big"
fi
