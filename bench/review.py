#!/usr/bin/env python3
"""Reproductions of the security review's findings (issue 11) against a
`lekradar` binary, with the flags every version has: run it against a build
from before the fixes and one from after, and compare.

    bench/review.py --bin target/release/lekradar [--work DIR]

Each finding prints one line: what was measured, and LEAKS (the finding
reproduces) or HOLDS (it does not). Exits 1 if any finding reproduces.
Standard library only; every server on loopback, stopped by its PID.
"""

import argparse
import hashlib
import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time


class Server:
    def __init__(self, binary, data, args, shell_limit=None):
        cmd = [binary, "--data-dir", data, "serve", "--listen", "127.0.0.1:0", *args]
        if shell_limit:
            cmd = ["bash", "-c", f"ulimit -n {shell_limit} && exec \"$0\" \"$@\"", *cmd]
        self.proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                     text=True, env={**os.environ, "LEKRADAR_LOG": "warn"})
        self.log = []
        deadline = time.time() + 60
        while True:
            line = self.proc.stderr.readline()
            if not line:
                raise SystemExit(f"server stopped: {''.join(self.log)}")
            self.log.append(line)
            m = re.search(r"listening on http://([\d.]+):(\d+)", line)
            if m:
                self.host, self.port = m.group(1), int(m.group(2))
                break
            if time.time() > deadline:
                raise SystemExit("server did not start")

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(15)
        except subprocess.TimeoutExpired:
            self.proc.kill()

    def request(self, method, path, body=None, headers=None, source="127.0.0.1"):
        conn = http.client.HTTPConnection(self.host, self.port, timeout=10,
                                          source_address=(source, 0))
        h = {"User-Agent": "lekradar-review/1"}
        h.update(headers or {})
        try:
            conn.request(method, path, body=body, headers=h)
            r = conn.getresponse()
            return r.status, dict(r.getheaders()), r.read()
        finally:
            conn.close()

    def form_check(self, account, source="127.0.0.1", extra=None):
        """The check form as a browser posts it: the page's token and cookie
        when it has them (newer versions), then the post."""
        status, headers, page = self.request("GET", "/", source=source)
        fields = {"account": account}
        h = {"Content-Type": "application/x-www-form-urlencoded"}
        m = re.search(rb'name="csrf" value="([0-9a-f]+)"', page)
        if m:
            fields["csrf"] = m.group(1).decode()
        cookie = headers.get("set-cookie", "").split(";")[0]
        if cookie.startswith("lekradar_form="):
            h["Cookie"] = cookie
        h.update(extra or {})
        body = "&".join(f"{k}={v.replace('@', '%40').replace('+', '%2B')}" for k, v in fields.items())
        return self.request("POST", "/check", body=body, headers=h, source=source)


def run(binary, *args, data=None, check=True, stdin=None):
    cmd = [binary] + (["--data-dir", data] if data else []) + list(args)
    p = subprocess.run(cmd, capture_output=True, text=True, input=stdin)
    if check and p.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)}: {p.stderr}")
    return p


def demo(binary, data):
    out = run(binary, "demo", "--size", "2000", "--no-serve", data=data).stdout
    found = [l.split()[1] for l in out.splitlines() if l.startswith("try ") and "(in Demo" in l]
    return found


def bucket(canonical, kind):
    digest = hashlib.sha256(f"lekradar:v1:{kind}:{canonical}".encode()).digest()
    return int.from_bytes(digest[:3], "big")


def metric_lines(text):
    return {l for l in text.decode().splitlines() if l.startswith("lekradar_checks_total")}


results = []


def report(n, what, leaks):
    results.append(leaks)
    print(f"finding {n}: {what} -> {'LEAKS' if leaks else 'HOLDS'}", flush=True)


def f1_metrics(binary, work):
    data = os.path.join(work, "f1")
    found = demo(binary, data)
    email = next(f for f in found if "@" in f)
    args = ["--mode", "owner-only", "--require-api-key", "false"]
    if "--smtp-url" in run(binary, "serve", "--help").stdout:
        # Newer versions refuse owner-only mode without mail: give them an
        # SMTP server that is never reached (answers wait in the outbox).
        args += ["--smtp-url", "smtp://127.0.0.1:9", "--mail-from", "Lekradar <alerts@review.test>",
                 "--public-url", "https://review.test"]
    s = Server(binary, data, args)
    try:
        _, _, before = s.request("GET", "/metrics")
        a = s.form_check(email)
        time.sleep(0.3)
        status, _, middle = s.request("GET", "/metrics")
        b = s.form_check("nobody.at.all@example.org")
        time.sleep(0.3)
        _, _, after = s.request("GET", "/metrics")
    finally:
        s.stop()
    first = sorted(metric_lines(middle) - metric_lines(before))
    second = sorted(metric_lines(after) - metric_lines(middle))
    same_answer = a[0] == b[0] and a[2] == b[2]
    moved_apart = status == 200 and [l.split("{")[1].split("}")[0] for l in first] != \
        [l.split("{")[1].split("}")[0] for l in second]
    report(1, f"owner-only: answers identical {same_answer}; anonymous GET /metrics {status}; "
              f"after the breached check {first}, after the clean one {second}",
           status == 200 and moved_apart)


def f2_buckets(binary, work):
    data = os.path.join(work, "f2")
    run(binary, "key", "init", data=data)
    run(binary, "breach", "add", "Scrape", "--breach-date", "2024-01-01", "--kind", "scrape",
        "--region", "NL", data=data)
    inside = os.path.join(work, "f2-in.txt")
    outside = os.path.join(work, "f2-out.txt")
    run(binary, "gen-data", "--kind", "scrape", "--rows", "3602", "--seed", "5", "--junk-rate", "0",
        "--truth-rows", "0", inside)
    run(binary, "gen-data", "--kind", "scrape", "--rows", "45", "--seed", "6", "--junk-rate", "0",
        "--truth-rows", "0", outside)
    run(binary, "ingest", "--breach", "Scrape", "--region", "NL", inside, data=data)

    def canonical(path, n):
        out = run(binary, "normalize", "--region", "NL", stdin=open(path).read()).stdout
        return [l.split()[1] for l in out.splitlines() if l.startswith("phone ")][:n]
    members, strangers = canonical(inside, 40), canonical(outside, 40)
    s = Server(binary, data, ["--reads-per-address", "100000/min"])
    try:
        _, _, cfg = s.request("GET", "/api/v1/private/config")
        bits = json.loads(cfg)["bucketBits"]

        def counts(people):
            out = []
            for p in people:
                prefix = bucket(p, "phone") >> (24 - bits)
                status, _, body = s.request("GET", f"/api/v1/private/buckets/{bits}/{prefix:x}")
                assert status == 200, (status, body)
                out.append(int.from_bytes(body[13:17], "little"))
            return out
        cm, co = counts(members), counts(strangers)
        m, o = sum(c > 0 for c in cm), sum(c > 0 for c in co)
        status16, _, _ = s.request("GET", "/api/v1/private/buckets/16/0")
    finally:
        s.stop()
    report(2, f"3 602 entries, default prefix {bits} bits: non-empty buckets of members {m}/{len(cm)}, "
              f"of non-members {o}/{len(co)} (counts {min(cm)}..{max(cm)} and {min(co)}..{max(co)}); "
              f"a 16-bit bucket: {status16}",
           abs(m / len(cm) - o / len(co)) > 0.25)


def f3_slow(binary, work):
    data = os.path.join(work, "f3")
    demo(binary, data)
    s = Server(binary, data, [], shell_limit=256)
    slow = []
    try:
        for _ in range(300):
            c = socket.create_connection((s.host, s.port), timeout=5)
            c.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nUser-Agent: slow")
            slow.append(c)
        time.sleep(0.5)
        # Somebody else (another address) asks.
        p = subprocess.run(["curl", "-s", "-m", "5", "--interface", "127.0.0.2", "-o", "/dev/null",
                            "-w", "%{http_code}", f"http://{s.host}:{s.port}/healthz"],
                           capture_output=True, text=True)
        health = p.stdout.strip() or "no answer"
        first = slow[-1]
        time.sleep(15)
        first.setblocking(False)
        try:
            still_open = first.recv(1) != b""
        except BlockingIOError:
            still_open = True
        except OSError:
            still_open = False
    finally:
        for c in slow:
            c.close()
        s.stop()
    emfile = any("Too many open files" in l for l in s.log + [s.proc.stderr.read() or ""])
    report(3, f"ulimit -n 256, 300 connections with unfinished headers from one address: "
              f"/healthz from another {health}; "
              f"a slow connection open after 15 s: {still_open}; 'Too many open files' logged: {emfile}",
           health != "200" or still_open)


def f4_case(binary, work):
    data = os.path.join(work, "f4")
    run(binary, "key", "init", data=data)
    run(binary, "breach", "add", "Sens", "--breach-date", "2024-01-01", "--sensitive", "true",
        "--region", "NL", data=data)
    second = run(binary, "breach", "add", "sens", "--breach-date", "2024-01-02", "--region", "NL",
                 data=data, check=False)
    shown = "-"
    if second.returncode == 0:
        f = os.path.join(work, "f4.txt")
        open(f, "w").write("0612340001\n")
        run(binary, "ingest", "--breach", "Sens", "--region", "NL", f, data=data)
        s = Server(binary, data, ["--require-api-key", "false"])
        try:
            _, _, body = s.request("GET", "/api/v3/breachedaccount/+31612340001")
            shown = body.decode() or "(404)"
        finally:
            s.stop()
    report(4, f"a public 'sens' beside a sensitive 'Sens': accepted {second.returncode == 0} "
              f"({second.stderr.strip()[:90]}); an address only in Sens reported as {shown}",
           second.returncode == 0)


def f5_pin(binary, work):
    data = os.path.join(work, "f5")
    run(binary, "key", "init", "--mode", "oprf", data=data)
    run(binary, "breach", "add", "Telco", "--breach-date", "2024-01-01", "--region", "NL", data=data)
    f = os.path.join(work, "f5.txt")
    open(f, "w").write("0612345678\n")
    run(binary, "ingest", "--breach", "Telco", "--region", "NL", f, data=data)
    other = os.path.join(work, "f5-other")
    run(binary, "key", "init", data=other)
    pinned = run(binary, "key", "show", data=other).stdout
    key = re.search(r"[0-9a-f]{64}", pinned).group(0)
    s = Server(binary, data, [])
    try:
        p = run(binary, "check", "--server", f"http://{s.host}:{s.port}", "--public-key", key,
                "0612345678", check=False)
    finally:
        s.stop()
    report(5, f"check --public-key against a base-mode server: exit {p.returncode}, "
              f"printed {p.stdout.strip()[:60]!r}", p.returncode == 0)


def f6_links(binary, work):
    data = os.path.join(work, "f6")
    demo(binary, data)
    s = Server(binary, data, [])
    try:
        c = socket.create_connection((s.host, s.port), timeout=5)
        c.sendall(b"GET //evil.example/x HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        page = b""
        while chunk := c.recv(65536):
            page += chunk
        c.close()
    finally:
        s.stop()
    off_site = sorted(set(re.findall(rb'href="(//[^"]*|/\\[^"]*)"', page)))
    report(6, f"GET //evil.example/x: off-site links {[h.decode() for h in off_site]}", bool(off_site))


def f7_cross_site(binary, work):
    data = os.path.join(work, "f7")
    found = demo(binary, data)
    s = Server(binary, data, [])
    try:
        text, _, _ = s.request("POST", "/api/v1/private/evaluate", body=b"\x00" * 32,
                               headers={"Content-Type": "text/plain"})
        # A valid element: the RFC 9497 generator's encoding.
        element = bytes.fromhex("e2f2ae0a6abc4e71a884a961c500515f58e30b6aa582dd8db6a65945e08d2d76")
        plain, _, _ = s.request("POST", "/api/v1/private/evaluate", body=element,
                                headers={"Content-Type": "text/plain",
                                         "Origin": "http://evil.example",
                                         "Sec-Fetch-Site": "cross-site"})
        form, _, body = s.request("POST", "/check", body=f"account={found[0].replace('+', '%2B')}",
                                  headers={"Content-Type": "application/x-www-form-urlencoded",
                                           "Origin": "http://evil.example",
                                           "Sec-Fetch-Site": "cross-site"})
    finally:
        s.stop()
    report(7, f"cross-site text/plain POST /evaluate: {plain}; cross-site form POST /check: {form}",
           plain == 200 or form == 200)


def f8_retired(binary, work):
    data = os.path.join(work, "f8")
    run(binary, "key", "init", data=data)
    run(binary, "breach", "add", "Old", "--breach-date", "2024-01-01", "--region", "NL", data=data)
    f = os.path.join(work, "f8.txt")
    run(binary, "gen-data", "--kind", "scrape", "--rows", "542", "--seed", "8", "--junk-rate", "0",
        "--truth-rows", "0", f)
    run(binary, "ingest", "--breach", "Old", "--region", "NL", f, data=data)
    count = lambda: json.loads(run(binary, "breach", "show", "Old", "--json", data=data).stdout)["PwnCount"]
    before = count()
    run(binary, "breach", "retire", "Old", data=data)
    g = os.path.join(work, "f8-more.txt")
    run(binary, "gen-data", "--kind", "scrape", "--rows", "400", "--seed", "9", "--junk-rate", "0",
        "--truth-rows", "0", g)
    shutil.copy(f, g + ".again")
    open(g + ".again", "a").write(open(g).read())
    again = run(binary, "ingest", "--breach", "Old", "--region", "NL", g + ".again", data=data, check=False)
    after = count()
    state = run(binary, "breach", "list", data=data).stdout
    active = any(l.startswith("Old") and "active" in l for l in state.splitlines())
    report(8, f"retire, then ingest the same people and more: exit {again.returncode}, "
              f"PwnCount {before} -> {after}, active again {active}",
           again.returncode == 0)


def f9_network(binary, work):
    data = os.path.join(work, "f9")
    found = demo(binary, data)
    # The global cap lifted: only the address budgets (and their tiers) bind.
    s = Server(binary, data, ["--rate-global", "1000000/s"])
    answered = 0
    try:
        body = json.dumps({"account": found[0]}).encode()
        for i in range(60):
            source = f"127.0.9.{i + 10}"
            for _ in range(25):
                status, _, _ = s.request("POST", "/api/v1/check", body=body,
                                         headers={"Content-Type": "application/json"},
                                         source=source)
                answered += status == 200
    finally:
        s.stop()
    report(9, f"60 addresses of one IPv4 /24, 25 checks each, default address budgets "
              f"(20/min each), global cap lifted: {answered} answered",
           answered > 400)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--bin", required=True)
    ap.add_argument("--work", default=os.path.join(os.environ.get("TMPDIR", "/tmp"), "lekradar-review"))
    a = ap.parse_args()
    shutil.rmtree(a.work, ignore_errors=True)
    os.makedirs(a.work)
    print(f"binary {a.bin}: {run(a.bin, '--version').stdout.strip()}")
    for f in (f1_metrics, f2_buckets, f3_slow, f4_case, f5_pin, f6_links, f7_cross_site,
              f8_retired, f9_network):
        try:
            f(a.bin, a.work)
        except Exception as e:  # a reproduction that cannot run is reported, not hidden
            results.append(True)
            print(f"{f.__name__}: could not run: {e!r}", flush=True)
    sys.exit(1 if any(results) else 0)


if __name__ == "__main__":
    main()
