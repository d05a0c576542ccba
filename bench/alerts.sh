#!/usr/bin/env bash
# Alerts benchmark, in one run, on this machine (everything on loopback and
# the same cores): a breach of $BREACH email addresses published against
# $SUBSCRIPTIONS active subscriptions of which $MATCHING are in it, through
# the real parts (crates/lekradar/examples/alerts_bench.rs):
#   - matching (Service::match_new_segments): subscriptions/s and peak
#     memory at $SCAN subscriptions none of which is in the breach (is time
#     linear, memory flat?), the same with every subscription in a bucket
#     of the breach (nothing skipped by the bucket bitset), and with the
#     $MATCHING alerts enqueued;
#   - what one subscription costs in matching, part by part (store page
#     reads, HKDF, segment lookups), and that loop on every core;
#   - delivery of the $MATCHING alert mails to a real SMTP server (aiosmtpd,
#     scripts/mail/smtp_sink.py, Maildir in /dev/shm): by the outbox (the
#     job runner at each concurrency of $CONCURRENCY, DKIM $DKIM), by the
#     mailer alone (same mails, same concurrency, no store), by the mailer's
#     work over connections with TCP_NODELAY (lettre 0.11.23 leaves Nagle
#     on), and the ceiling: the sink's own acceptance rate for the same
#     bytes sent by a plain SMTP client over as many connections, measured
#     before and after;
#   - the runner and the store alone: the same jobs queued again, done by a
#     handler that sends nothing (the outbox's ceiling on that store);
#   - the pipeline as `lekradar serve` runs it (runner with the service's
#     periodic work and the outbox): publish to the last mail accepted.
# Each on SQLite (a file on this disk, as a data directory) and PostgreSQL
# (scripts/test-postgres.sh's private cluster, which runs with fsync off;
# it is stopped afterwards when this script started it).
#
#   bench/alerts.sh
#   STORES=sqlite SCAN=10000,100000 CONCURRENCY=4,8,16 bench/alerts.sh
#   PHASES=staged DKIM=rsa bench/alerts.sh
set -euo pipefail

BREACH=${BREACH:-1000000}
SUBSCRIPTIONS=${SUBSCRIPTIONS:-100000}
MATCHING=${MATCHING:-10000}
SCAN=${SCAN:-10000,100000,1000000}
CONCURRENCY=${CONCURRENCY:-8,64}
DKIM=${DKIM:-ed25519}
# The mailer's SMTP connection pool: match (= the concurrency, as `lekradar
# serve` builds it from --worker-concurrency), default (MailConfig's own
# default, 10) or a number.
POOL=${POOL:-match}
# sqlite-tmpfs: the staged phase again with the SQLite file in /dev/shm,
# where a commit's fsync costs nothing (what fsync costs the outbox).
STORES=${STORES:-sqlite sqlite-tmpfs postgres}
PHASES=${PHASES:-scan,scan-dense,decompose,staged,pipeline}
WORK=${WORK:-${TMPDIR:-/tmp}/lekradar-bench-alerts}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=${OUT:-$ROOT/bench/runs/$(date +%F)-alerts}
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}

cd "$ROOT"
# The commit measured, taken before this run writes its summary (a change
# under bench/runs/ is a result, not the code measured).
# (COMMIT given: a copy of the tree is measured, e.g. away from a working
# tree that changes meanwhile.)
COMMIT=${COMMIT:-"$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- . ':(exclude)bench/runs' || echo ' (dirty)')"}
{ [ -x .venv/bin/python ] && .venv/bin/python -c 'import aiosmtpd' 2>/dev/null; } || scripts/test-deps-messages.sh
cargo build --release --locked -p lekradar --example alerts_bench
BIN=$TARGET/release/examples/alerts_bench
mkdir -p "$WORK" "$OUT"
rm -rf "${WORK:?}/scratch" "${WORK:?}/stores"
RESULTS=$OUT/results.txt
: >"$RESULTS"

pg_started=
stop_pg() {
  if [ -n "$pg_started" ]; then
    echo "stopping the test PostgreSQL this run started ..." >&2
    if [ "$(id -u)" -eq 0 ]; then
      su postgres -s /bin/sh -c "$(printf '%s' /usr/lib/postgresql/*/bin/pg_ctl | awk '{print $NF}') -D $ROOT/target/pg/data -m fast stop" >&2 || true
    else
      "$(printf '%s\n' /usr/lib/postgresql/*/bin/pg_ctl | tail -n 1)" -D "$ROOT/target/pg/data" -m fast stop >&2 || true
    fi
    pg_started=
  fi
}
trap stop_pg EXIT

for store in $STORES; do
  if [ "$store" = postgres ]; then
    # A TEST_DATABASE_URL given is used as it is.
    if [ -z "${TEST_DATABASE_URL:-}" ]; then
      if ! pg_isready -q -h 127.0.0.1 -p "${LEKRADAR_TEST_PG_PORT:-54329}" 2>/dev/null; then
        pg_started=1
      fi
      TEST_DATABASE_URL=$(scripts/test-postgres.sh)
      export TEST_DATABASE_URL
    fi
  fi
  : >"$OUT/log-$store.txt"
  phases=$PHASES
  store_args=(--store "$store")
  if [ "$store" = sqlite-tmpfs ]; then
    phases=staged
    store_args=(--store sqlite --store-dir /dev/shm/lekradar-bench-alerts-stores --label sqlite-tmpfs)
  fi
  # One process per phase: each phase's memory is its own.
  for phase in ${phases//,/ }; do
    echo "== $store $phase" >&2
    /usr/bin/time -v -o "$OUT/time-$store-$phase.txt" \
      "$BIN" --work "$WORK" "${store_args[@]}" --breach "$BREACH" --subscriptions "$SUBSCRIPTIONS" \
      --matching "$MATCHING" --scan "$SCAN" --concurrency "$CONCURRENCY" --pool-size "$POOL" --dkim "$DKIM" \
      --phases "$phase" --out "$RESULTS" 2> >(tee -a "$OUT/log-$store.txt" >&2)
  done
  if [ "$store" = postgres ]; then stop_pg; fi
done
rm -rf /dev/shm/lekradar-bench-alerts-stores

{
  echo "alerts benchmark: breach of $BREACH email addresses, $SUBSCRIPTIONS subscriptions of which $MATCHING in it, DKIM $DKIM, $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')), $(date -u +%FT%TZ)"
  echo "commit $COMMIT"
  echo
  python3 - "$RESULTS" "$OUT"/time-*.txt <<'EOF'
import re, sys
from collections import defaultdict

rows = []
for line in open(sys.argv[1]):
    kind, *fields = line.split()
    rows.append((kind, dict(f.split("=", 1) for f in fields)))

def table(title, header, lines, note=None):
    if not lines:
        return
    print(title)
    widths = [max(len(str(x)) for x in col) for col in zip(header, *lines)]
    for r in [header] + lines:
        print("  " + "  ".join(str(c).rjust(w) for c, w in zip(r, widths)))
    if note:
        for n in note:
            print("  " + n)
    print()

def num(x):
    return float(x)

scan = [f for k, f in rows if k == "scan"]
dense = [f for k, f in rows if k == "scan-dense"]
table(
    "Matching alone (Service::match_new_segments; no subscription in the breach; two runs each):",
    ["store", "subs", "run", "seconds", "subs/s", "cpu s", "pg cpu s", "other cpu s", "RSS MiB before>peak", "anon MiB before>peak"],
    [[f["store"], f["subs"], f["run"], f["seconds"], f["subs_per_s"], f["cpu_me_s"], f.get("cpu_pg_mine_s", "-"), f["cpu_other_s"],
      f"{f['rss_before_mib']}>{f['rss_peak_mib']}", f"{f['anon_before_mib']}>{f['anon_peak_mib']}"] for f in scan],
    ["cpu s: this process (user + system) during matching; pg cpu s: the PostgreSQL backends of its connections;",
     "other cpu s: the rest of the machine, all other postgres processes included (other work on these 2 cores",
     "disturbs the figures when it is not near 0).",
     "RSS: VmRSS before and VmHWM (reset before the run) after, file pages (the index mmap) included;",
     "anon: anonymous RSS before and its largest value sampled every 2 ms."],
)
table(
    "The same, every subscription in a bucket of the breach (no HKDF skipped: a breach filling nearly every bucket):",
    ["store", "subs", "run", "seconds", "subs/s", "cpu s", "pg cpu s", "other cpu s", "RSS MiB before>peak", "anon MiB before>peak"],
    [[f["store"], f["subs"], f["run"], f["seconds"], f["subs_per_s"], f["cpu_me_s"], f.get("cpu_pg_mine_s", "-"), f["cpu_other_s"],
      f"{f['rss_before_mib']}>{f['rss_peak_mib']}", f"{f['anon_before_mib']}>{f['anon_peak_mib']}"] for f in dense],
)

dec = [f for k, f in rows if k == "decompose"]
table(
    "One subscription's cost in matching, part by part (no subscription in the breach), microseconds:",
    ["store", "subs", "read", "bit test", "in bucket", "hkdf", "hkdf presalted", "expand only", "lookup",
     "1 thread subs/s", "all cores subs/s", "threads", "bound subs/s"],
    [[f["store"], f["subs"], f["read_us"], f.get("bit_test_us", "-"), f.get("bucket_hit_share", "-"), f["hkdf_us"],
      f.get("hkdf_presalted_us", "-"), f.get("hkdf_expand_only_us", "-"), f["lookup_us"], f["cpu_1thread_subs_per_s"],
      f["cpu_all_cores_subs_per_s"], f["threads"], f["pipelined_bound_subs_per_s"]] for f in dec],
    ["read: paging through the active subscriptions (20 000 a page, as matching does); bit test: the bucket",
     "bitset of the new segments; in bucket: the share of subscriptions whose bucket holds an entry of the",
     "breach (only they need the HKDF); hkdf: HKDF-SHA512 extract + expand of one subscription (its tag);",
     "presalted: the same with the salt's HMAC keyed once and cloned; expand only: from a kept HKDF state;",
     "lookup: the breach's segments; 1 thread / all cores: bit test, then HKDF and lookup where needed;",
     "bound: reads overlapped with that on every core (the slower of the two) — a pipelined, parallel matcher."],
)

match = [f for k, f in rows if k == "match"]
table(
    "Matching with alerts (each alert: ledger row + rendered, sealed mail enqueued, one transaction):",
    ["store", "subs", "alerts", "seconds", "subs/s", "alerts/s", "cpu s", "pg cpu s", "other cpu s", "RSS MiB before>peak", "anon MiB before>peak"],
    [[f["store"], f["subs"], f["alerts"], f["seconds"], f["subs_per_s"],
      f"{int(f['alerts']) / num(f['seconds']):.0f}", f["cpu_me_s"], f.get("cpu_pg_mine_s", "-"), f["cpu_other_s"],
      f"{f['rss_before_mib']}>{f['rss_peak_mib']}", f"{f['anon_before_mib']}>{f['anon_peak_mib']}"] for f in match],
)

deliver = [f for k, f in rows if k == "deliver" and f["name"] != "pipeline"]
ceil = defaultdict(list)
for f in deliver:
    if f["name"].startswith("ceiling"):
        ceil[(f["store"], f["concurrency"])].append(num(f["msgs_per_s"]))
def of_ceiling(f):
    c = ceil.get((f["store"], f["concurrency"]))
    if not c or f["name"].startswith("ceiling"):
        return "-"
    return f"{100 * num(f['msgs_per_s']) / (sum(c) / len(c)):.1f}%"
table(
    "Delivery of the alert mails to the SMTP sink (staged: the queue full when the clock starts):",
    ["store", "sender", "conc", "pool", "mails", "bytes", "first s", "last s", "msgs/s", "of ceiling", "us cpu/msg me", "sink", "pg", "sink busy", "other cpu s"],
    [[f["store"], f["name"], f["concurrency"], f["pool"], f["mails"], f["bytes_per_mail"], f["first_s"], f["last_s"], f["msgs_per_s"],
      of_ceiling(f), f["cpu_me_us_per_msg"], f["cpu_sink_us_per_msg"], f.get("cpu_pg_mine_us_per_msg", "-"), f["sink_busy"], f["cpu_other_s"]] for f in deliver],
    ["ceiling-1/-2: a plain SMTP client (one thread per connection, no pipelining, as lettre) sending the same",
     "signed bytes, before and after; of ceiling: msgs/s over the mean of both, same store run and concurrency;",
     "outbox: the runner (lekradar-jobs) claiming, opening, sending (lekradar-messages' Mailer) and completing each job;",
     "mailer: the same Mailer::send calls without the outbox (no store); mailer-nodelay: the Mailer's build and",
     "signature sent over connections with TCP_NODELAY (NOOP before each mail, as lettre's pool does on reuse);",
     "sink busy: the sink's CPU seconds per second",
     "(it is one Python process: 1.0 is one core); outbox all done: " +
     ", ".join(f"{f['store']} {f['all_done_s']} s" for f in deliver if "all_done_s" in f) + "."],
)

runner = [f for k, f in rows if k == "runner"]
table(
    "The runner and the store alone (the same 10 000 jobs queued again, a handler that sends nothing):",
    ["store", "conc", "jobs", "seconds", "jobs/s", "us cpu/job me", "pg", "other cpu s"],
    [[f["store"], f["concurrency"], f["jobs"], f["seconds"], f["jobs_per_s"], f["cpu_me_us_per_job"],
      f["cpu_pg_mine_us_per_job"], f["cpu_other_s"]] for f in runner],
    ["the ceiling of the outbox on this store whatever is sent: claim (one transaction), handler task, complete."],
)

pipe = [f for k, f in rows if k == "deliver" and f["name"] == "pipeline"]
table(
    "Publish to the last mail (the runner as `lekradar serve` runs it: index reload every 1 s, poll every 1 s):",
    ["store", "subs", "mails", "conc", "matched s", "first mail s", "last mail s", "all done s", "msgs/s", "us cpu/msg me", "sink", "pg", "retries", "other cpu s", "RSS MiB before>peak"],
    [[f["store"], f["subs"], f["mails"], f["concurrency"], f["matched_s"], f["first_s"], f["last_s"], f["all_done_s"],
      f["msgs_per_s"], f["cpu_me_us_per_msg"], f["cpu_sink_us_per_msg"], f.get("cpu_pg_mine_us_per_msg", "-"), f["retries"], f["cpu_other_s"],
      f"{f['rss_before_mib']}>{f['rss_peak_mib']}"] for f in pipe],
    ["matched: when the runner logged the match job's end (its alerts are enqueued one by one during it, and",
     "mails go out meanwhile); msgs/s: mails / (publish to last mail)."],
)

print("Targets:")
for store in sorted({f["store"] for _, f in rows}):
    s = [f for f in scan if f["store"] == store]
    if s:
        big = max(int(f["subs"]) for f in s)
        best = max(num(f["subs_per_s"]) for f in s if int(f["subs"]) == big)
        print(f"  {store}: matching {best:,.0f} subs/s at {big:,} subscriptions (target >= 1,000,000 on 2 cores): "
              + ("met" if best >= 1e6 else "NOT met"))
        anon = [(int(f["subs"]), num(f["anon_peak_mib"]) - num(f["anon_before_mib"])) for f in s]
        lo, hi = min(anon), max(anon)
        growth = {n: max(a for m, a in anon if m == n) for n, _ in anon}
        print("  " + f"{store}: matching's anonymous memory above its start, by subscriptions: "
              + ", ".join(f"{n:,}: {a:+.1f} MiB" for n, a in sorted(growth.items())))
    d = [f for f in dense if f["store"] == store]
    if d:
        big = max(int(f["subs"]) for f in d)
        best = max(num(f["subs_per_s"]) for f in d if int(f["subs"]) == big)
        print(f"  {store}: matching with no HKDF skipped {best:,.0f} subs/s at {big:,} subscriptions: "
              + ("met" if best >= 1e6 else "NOT met"))
    m = [f for f in match if f["store"] == store]
    for f in m:
        print(f"  {store}: matching with {int(f['alerts']):,} alerts: {num(f['subs_per_s']):,.0f} subs/s")
    for f in deliver:
        if f["store"] == store and f["name"] == "outbox":
            print(f"  {store}: outbox delivery at concurrency {f['concurrency']}: {f['msgs_per_s']} msgs/s = "
                  f"{of_ceiling(f)} of the ceiling (target >= 80 %)")
    for f in pipe:
        if f["store"] == store:
            print(f"  {store}: publish to the last of {int(f['mails']):,} mails: {f['last_s']} s")
print()
for path in sys.argv[2:]:
    text = open(path).read()
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", text)
    wall = re.search(r"Elapsed \(wall clock\) time.*: (\S+)", text)
    name = path.rsplit("time-", 1)[-1].removesuffix(".txt")
    if rss:
        print(f"process {name} (/usr/bin/time -v): max RSS {int(rss.group(1)) / 1024:.0f} MiB, wall {wall.group(1) if wall else '?'}")
EOF
} | tee "$OUT/summary-alerts.txt"
