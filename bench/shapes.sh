#!/usr/bin/env bash
# Every shape `lekradar gen-data` writes, on ROWS telecom records each
# (mixed NL/BE, messy spellings, ~1.9 identifiers per record, 0.5 % junk),
# in one run:
#   - read alone on one thread (examples/prf_ceiling.rs --read-only), in
#     identifiers/s beside the keying ceiling per core of the same
#     identifiers, measured once on the CSV in this run;
#   - the spreadsheets (not in bench/formats.sh) also end to end with
#     `lekradar ingest --memory`, peak RSS beside --memory + 100 MiB.
# bench/formats.sh measures the same registry on one-identifier rows
# written by bench/formats.py; this one measures the generator's shapes.
#
#   bench/shapes.sh                  # 1 M records per shape
#   ROWS=100000 PROFILE=dev bench/shapes.sh
#
# Output: a table on stdout and in $OUT/summary-shapes.txt.
set -euo pipefail

ROWS=${ROWS:-1000000}
MEMORY_MIB=${MEMORY_MIB:-256}
PROFILE=${PROFILE:-release}
E2E=${E2E:-telecom.xlsx telecom-800k.ods}
WORK=${WORK:-${TMPDIR:-/tmp}/lekradar-bench-shapes}
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

# name | gen-data arguments [| rows instead of ROWS]
SHAPES=(
  "telecom.csv|--format csv"
  "telecom-colon.txt|--format delimited --delimiter :"
  "telecom.jsonl|--format jsonl"
  "telecom.json|--format json"
  "mysqldump.sql|--format sql --dialect mysql"
  "pg-copy.sql|--format sql --dialect pg-copy"
  "pg-inserts.sql|--format sql --dialect pg-inserts"
  "combo.txt|--format credentials"
  "combo-url.txt|--format credentials --layout url-login-password"
  "stealer.txt|--format stealer"
  "contacts.vcf|--format vcard"
  "telecom.xlsx|--format xlsx"
  "telecom.ods|--format ods"
  "telecom-800k.ods|--format ods|800000"
  "telecom.csv.gz|--format csv --compress gzip"
  "telecom.csv.zip|--format csv --container zip"
  "telecom.tar.gz|--format csv --container tar.gz"
)
echo "generating $ROWS-record dumps in $WORK ..." >&2
for s in "${SHAPES[@]}"; do
  IFS='|' read -r name args rows <<<"$s"
  # shellcheck disable=SC2086
  /usr/bin/time -f "%e %M" -o "$WORK/gen-time-$name" \
    "$BIN" gen-data --rows "${rows:-$ROWS}" --seed 11 --regions NL:60,BE:40 --truth-rows 0 $args "$WORK/$name" >/dev/null
done

echo "keying ceiling ..." >&2
line=$("$CEILING" --region NL,BE "$WORK/telecom.csv")
prf=$(sed -E 's/.*prf_per_sec ([0-9]+).*/\1/' <<<"$line")
threads=$(sed -E 's/.*threads ([0-9]+).*/\1/' <<<"$line")
per_core=$((prf / threads))

summary="$OUT/summary-shapes.txt"
{
  echo "# bench/shapes.sh at $COMMIT, $(date -u +%FT%TZ), $ROWS records per shape, profile $PROFILE, $(nproc) cores"
  echo "# keying ceiling: $prf identifiers/s on $threads threads ($per_core per core)"
  printf '%-18s %10s %12s %12s %10s %10s %9s\n' file identifiers "read ids/s" "x ceiling/c" "read MiB/s" "read MiB" "gen secs"
} | tee "$summary"
for s in "${SHAPES[@]}"; do
  name=${s%%|*}
  f="$WORK/$name"
  if ! /usr/bin/time -f "%e %M" -o "$WORK/time" "$CEILING" --region NL,BE --read-only "$f" >"$WORK/read" 2>&1; then
    printf '%-18s refused: %s\n' "$name" "$(grep -oE 'reason: "[^"]*"' "$WORK/read" || tail -1 "$WORK/read")" | tee -a "$summary"
    continue
  fi
  line=$(cat "$WORK/read")
  read -r _ kib <"$WORK/time"
  read -r gen_secs _ <"$WORK/gen-time-$name"
  ids=$(sed -E 's/.*identifiers ([0-9]+).*/\1/' <<<"$line")
  secs=$(sed -E 's/.*read_secs ([0-9.]+).*/\1/' <<<"$line")
  size=$(stat -c %s "$f")
  awk -v n="$name" -v i="$ids" -v s="$secs" -v c="$per_core" -v b="$size" -v k="$kib" -v g="$gen_secs" \
    'BEGIN { s = (s < 0.01 ? 0.01 : s); printf "%-18s %10d %12.0f %12.1f %10.1f %10.0f %9.1f\n", n, i, i / s, (i / s) / c, b / s / 1048576, k / 1024, g }' | tee -a "$summary"
done
echo "# read MiB: peak RSS of the read-only run, which holds every identifier read (the keyed run's input)" | tee -a "$summary"

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
    --region NL,BE --memory "${MEMORY_MIB}MiB" "$WORK/$name" >"$WORK/report-$name" 2>&1
  read -r secs kib <"$WORK/time"
  ids=$(grep -oE '^  rows [0-9]+, records [0-9]+, identifiers [0-9]+' "$WORK/report-$name" | awk '{ s += $6 } END { print s }')
  awk -v n="$name" -v i="$ids" -v s="$secs" -v p="$prf" -v k="$kib" \
    'BEGIN { printf "%-18s %10d %8.1f %12.0f %10.1f %10.0f\n", n, i, s, i / s, 100 * (i / s) / p, k / 1024 }' | tee -a "$summary"
  rm -rf "$data"
done
echo "# peak RSS target: --memory + 100 MiB = $((MEMORY_MIB + 100)) MiB" | tee -a "$summary"
rm -rf "${WORK:?}"
