#!/usr/bin/env bash
# Instructions per direct check of two `lekradar` builds, counted by
# valgrind's callgrind (user-space instructions: repeatable whatever else the
# machine does, unlike checks/s on a shared VM), side by side in one run.
# Each build serves the same data directory on one worker with its budgets
# lifted and answers N1, then N2 keep-alive requests of one API from one
# client; (total(N2) - total(N1)) / (N2 - N1) is the cost of one request,
# start-up and shutdown cancelled out.
#
#   bench/instructions.sh BASELINE_BIN [CANDIDATE_BIN]   # candidate: this tree's release build
#   N1=300 N2=1300 DATA=/tmp/lekradar-bench-serve/data bench/instructions.sh /tmp/old/lekradar
#
# DATA is a data directory with a key and a breach (bench/serve.sh leaves
# one in /tmp/lekradar-bench-serve/data); NUMBERS the numbers to check.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BASE=${1:?usage: bench/instructions.sh BASELINE_BIN [CANDIDATE_BIN]}
CAND=${2:-$ROOT/target/release/lekradar}
N1=${N1:-300}
N2=${N2:-1300}
DATA=${DATA:-/tmp/lekradar-bench-serve/data}
NUMBERS=${NUMBERS:-/tmp/lekradar-bench-serve/numbers.txt}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
command -v valgrind >/dev/null || { echo "needs valgrind (apt-get install valgrind)" >&2; exit 1; }
[ -d "$DATA" ] || { echo "no data directory $DATA: run bench/serve.sh once, or set DATA" >&2; exit 1; }

cat >"$WORK/drive.py" <<'PY'
import http.client, json, sys
port, n, api, key, numbers = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
numbers = [l.strip() for l in open(numbers) if l.strip()]
c = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
ok = 0
for i in range(n):
    num = numbers[i % len(numbers)]
    if api == "native":
        c.request("POST", "/api/v1/check", body=json.dumps({"account": num}),
                  headers={"Content-Type": "application/json", "User-Agent": "bench"})
    else:
        c.request("GET", "/api/v3/breachedaccount/" + num.replace("+", "%2B").replace(" ", "%20"),
                  headers={"User-Agent": "bench", "hibp-api-key": key})
    r = c.getresponse()
    r.read()
    ok += r.status in (200, 404)
print(ok)
PY

# instructions BIN N API: the callgrind total of a server answering N requests.
instructions() {
  local bin=$1 n=$2 api=$3 data="$WORK/data" port pid key extra=()
  rm -rf "$data"; cp -r "$DATA" "$data"
  key=$("$bin" --data-dir "$data" apikey create "instructions-$RANDOM" --rate 1000000/s 2>/dev/null)
  # Builds with address tiers need them lifted too.
  if "$bin" serve --help | grep -q -- --rate-per-subnet; then
    extra=(--rate-per-subnet 1000000/s --rate-per-site 1000000/s)
  fi
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  valgrind --tool=callgrind --callgrind-out-file="$WORK/cg.out" "$bin" --data-dir "$data" serve \
    --listen "127.0.0.1:$port" --workers 1 --rate-per-address 1000000/s --rate-global 1000000/s \
    --reads-per-address 1000000/s "${extra[@]}" 2>"$WORK/vg.log" &
  pid=$!
  for _ in $(seq 600); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.2; done
  local ok
  ok=$(python3 "$WORK/drive.py" "$port" "$n" "$api" "$key" "$NUMBERS")
  kill -TERM "$pid"; wait "$pid" 2>/dev/null || true
  [ "$ok" = "$n" ] || { echo "$bin: $ok of $n requests answered 200/404" >&2; exit 1; }
  grep -E '^(summary|totals):' "$WORK/cg.out" | head -1 | awk '{print $2}'
}

echo "instructions per direct check (callgrind, one worker, $N1 and $N2 requests, $(date -u +%FT%TZ))"
echo "baseline  $BASE"
echo "candidate $CAND"
printf '%-8s %14s %14s %9s\n' api baseline candidate change
for api in native hibp; do
  b1=$(instructions "$BASE" "$N1" "$api"); b2=$(instructions "$BASE" "$N2" "$api")
  c1=$(instructions "$CAND" "$N1" "$api"); c2=$(instructions "$CAND" "$N2" "$api")
  awk -v a="$api" -v b1="$b1" -v b2="$b2" -v c1="$c1" -v c2="$c2" -v n="$((N2 - N1))" 'BEGIN {
    b = (b2 - b1) / n; c = (c2 - c1) / n
    printf "%-8s %14.0f %14.0f %+8.2f%%\n", a, b, c, 100 * (c - b) / b }'
done
