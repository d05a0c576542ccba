#!/usr/bin/env python3
"""Tries to enumerate a block of phone numbers through every API of a running
Lekradar deployment and reports how far the budgets let it get.

    bench/enumerate.py --server URL [--server URL2 ...] --numbers FILE
        --private-requests FILE --keys FILE [--seconds 20]
        --per-address 20/min --per-subnet 200/min --global 200/s --key-rate 60/min

Each phase sends checks as fast as it can for --seconds, cycling through the
block, alternating between the servers given (several servers on one
PostgreSQL store share their budgets):

    one-address/native   POST /api/v1/check, one client address, no key
    one-address/private  POST /api/v1/private/check (real blinded requests)
    one-address/all      native, private and /evaluate mixed, one address
    one-key/hibp         GET /api/v3/breachedaccount with one API key
    many-addresses       native and private from 253 loopback addresses of one /24
    many-subnets         native and private from 253 addresses, each in its own /24
    many-keys/hibp       HIBP with every key in --keys

and prints, per phase, the checks answered against the most the budgets
allow in that time (GCRA: a full bucket, then the rate): an answered count
above that bound means a budget leaked. Standard library only.
"""

import argparse
import http.client
import itertools
import re
import sys
import threading
import time
import urllib.parse


def parse_rate(text):
    """`20/min`, `200/s`, `5/10min` (as `lekradar serve --check` prints them)."""
    m = re.fullmatch(r"(\d+)/(\d*)(s|min|h|day)", text.strip())
    if not m:
        raise argparse.ArgumentTypeError(f"{text!r} is not a rate like 20/min")
    unit = {"s": 1, "min": 60, "h": 3600, "day": 86400}[m.group(3)]
    return int(m.group(1)), int(m.group(2) or 1) * unit


def allowed(rate, seconds):
    """The most a GCRA budget of `rate` lets through in `seconds`, from full."""
    count, period = rate
    return count + int(seconds * count / period) + 1


class Caller:
    """One client thread: a source address, maybe an API key, a connection
    per server (http.client connections are not shared between threads)."""

    def __init__(self, servers, source, key=None):
        self.servers = servers
        self.source = source
        self.key = key
        self.conns = {}

    def request(self, server, method, path, body=None, headers=None):
        conn = self.conns.get(server)
        if conn is None:
            u = urllib.parse.urlsplit(server)
            conn = http.client.HTTPConnection(u.hostname, u.port, timeout=10,
                                              source_address=(self.source, 0))
            self.conns[server] = conn
        h = {"User-Agent": "lekradar-enumerate/1"}
        if self.key:
            h["hibp-api-key"] = self.key
        h.update(headers or {})
        try:
            conn.request(method, path, body=body, headers=h)
            r = conn.getresponse()
            r.read()
            return r.status
        except (OSError, http.client.HTTPException):
            conn.close()
            self.conns.pop(server, None)
            return -1


def native(caller, server, number, _request):
    return caller.request(server, "POST", "/api/v1/check",
                          body=('{"account":"%s"}' % number).encode(),
                          headers={"Content-Type": "application/json"})


def private(caller, server, _number, request):
    return caller.request(server, "POST", "/api/v1/private/check", body=request,
                          headers={"Content-Type": "application/octet-stream"})


def evaluate(caller, server, _number, request):
    return caller.request(server, "POST", "/api/v1/private/evaluate", body=request[5:],
                          headers={"Content-Type": "application/octet-stream"})


def hibp(caller, server, number, _request):
    return caller.request(server, "GET",
                          "/api/v3/breachedaccount/" + urllib.parse.quote(number, safe=""))


def run_phase(callers, apis, numbers, requests, servers, seconds, threads_per_caller):
    """Every caller's threads check as fast as they can until time is up."""
    counts = {"answered": 0, "limited": 0, "other": 0}
    lock = threading.Lock()
    deadline = time.monotonic() + seconds
    block = list(zip(numbers, requests))

    def work(identity, offset):
        caller = Caller(servers, *identity)
        local = {"answered": 0, "limited": 0, "other": 0}
        i = offset
        api_cycle = itertools.cycle(apis)
        while time.monotonic() < deadline:
            number, request = block[i % len(block)]
            server = servers[i % len(servers)]
            status = next(api_cycle)(caller, server, number, request)
            # 200 (found, or the native API's not found), 404 (HIBP's not found).
            if status in (200, 404):
                local["answered"] += 1
            elif status == 429:
                local["limited"] += 1
            else:
                local["other"] += 1
            i += 7
        with lock:
            for k, v in local.items():
                counts[k] += v

    started = time.monotonic()
    threads = [threading.Thread(target=work, args=(c, n * 7919 + t * 104729))
               for n, c in enumerate(callers) for t in range(threads_per_caller)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return counts, time.monotonic() - started


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--server", action="append", required=True)
    ap.add_argument("--numbers", required=True)
    ap.add_argument("--private-requests", required=True)
    ap.add_argument("--keys", required=True)
    ap.add_argument("--seconds", type=float, default=20)
    ap.add_argument("--per-address", type=parse_rate, default=(20, 60))
    ap.add_argument("--per-subnet", type=parse_rate, default=(200, 60))
    ap.add_argument("--global", dest="global_rate", type=parse_rate, default=(200, 1))
    ap.add_argument("--key-rate", type=parse_rate, default=(60, 60))
    a = ap.parse_args()

    numbers = [l.strip() for l in open(a.numbers) if l.strip()]
    requests = [bytes.fromhex(l.strip()) for l in open(a.private_requests) if l.strip()]
    keys = [l.strip() for l in open(a.keys) if l.strip()]
    if len(numbers) != len(requests):
        sys.exit("--numbers and --private-requests must have a line per number each")
    addresses = iter("127.0.%d.%d" % (i // 254 + 1, i % 254 + 1) for i in itertools.count())

    def fresh(key=None):
        """A caller's identity: its own source address, and maybe a key."""
        return (next(addresses), key)

    t = a.seconds
    many = [fresh() for _ in range(253)]
    # 127.N.200.1: a /24 of its own each (N from 2: clear of the addresses above).
    spread = [("127.%d.200.1" % (i + 2), None) for i in range(253)]

    def addresses_bound(callers, s):
        """Per /24: the smaller of its addresses' budgets and its own; in
        all, at most the global cap."""
        subnets = {}
        for source, _ in callers:
            net = source.rsplit(".", 1)[0]
            subnets[net] = subnets.get(net, 0) + 1
        total = sum(min(n * allowed(a.per_address, s), allowed(a.per_subnet, s))
                    for n in subnets.values())
        return min(total, allowed(a.global_rate, s))
    phases = [
        ("one-address/native", [fresh()], [native], 4,
         lambda s: allowed(a.per_address, s)),
        ("one-address/private", [fresh()], [private], 4,
         lambda s: allowed(a.per_address, s)),
        ("one-address/all", [fresh()], [native, private, evaluate], 4,
         lambda s: allowed(a.per_address, s)),
        ("one-key/hibp", [fresh(keys[0])], [hibp], 4,
         lambda s: allowed(a.key_rate, s)),
        ("many-addresses", many, [native, private], 1,
         lambda s: addresses_bound(many, s)),
        ("many-subnets", spread, [native, private], 1,
         lambda s: addresses_bound(spread, s)),
        ("many-keys/hibp", [fresh(k) for k in keys[1:]], [hibp], 1,
         lambda s: min((len(keys) - 1) * allowed(a.key_rate, s), allowed(a.global_rate, s))),
    ]
    print(f"enumerating a block of {len(numbers)} numbers ({numbers[0]} ...) through "
          f"{len(a.server)} server(s), {t:.0f} s per phase; budgets: per address "
          f"{a.per_address[0]}/{a.per_address[1]} s, per /24 {a.per_subnet[0]}/{a.per_subnet[1]} s, per key {a.key_rate[0]}/{a.key_rate[1]} s, "
          f"global {a.global_rate[0]}/{a.global_rate[1]} s")
    print(f"{'phase':<20} {'callers':>7} {'attempts':>9} {'answered':>9} {'limited':>8} "
          f"{'other':>6} {'secs':>5} {'answered/s':>10} {'bound':>6}  verdict")
    ok = True
    for name, callers, apis, per_caller, bound in phases:
        # Each phase starts after the global budget has refilled.
        time.sleep(a.global_rate[1] * 1.1)
        counts, secs = run_phase(callers, apis, numbers, requests, a.server, t, per_caller)
        attempts = sum(counts.values())
        limit = bound(secs)
        held = counts["answered"] <= limit and counts["other"] == 0
        ok &= held
        print(f"{name:<20} {len(callers):>7} {attempts:>9} {counts['answered']:>9} "
              f"{counts['limited']:>8} {counts['other']:>6} {secs:>5.1f} "
              f"{counts['answered'] / secs:>10.1f} {limit:>6}  {'held' if held else 'LEAKED'}")
    print()
    print("bound: the most the budgets allow in that time (a full bucket, then the rate; "
          "many callers: per /24 the smaller of its addresses' sum and its own budget, "
          "in all at most the global cap).")
    print("other: any answer but 200/404/429 (must be 0).")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
