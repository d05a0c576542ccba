"""Independent DKIM verification for tests: dkimpy checks every DKIM-Signature
of each message file, fetching the `<selector>._domainkey.<domain>` TXT record
from a real DNS server at 127.0.0.1:PORT (dnspython, no system resolver).

    dkim_verify.py --dns-port PORT FILE...          one line per file:
        OK <path>                   every signature verifies
        FAIL <path> <reason>        no signature, or one does not verify
      exit status 0 only if every file is OK.
    dkim_verify.py --show-h FILE...                 one line per signature:
        H <path> <index> <d> <s> <a> <h>
      the signing domain, selector, algorithm and signed header list
      (the h= tag, whitespace removed) of signature <index> (0 = topmost);
      no DNS needed.

Run with the repository's .venv python (scripts/test-deps-messages.sh
installs dkimpy, PyNaCl for Ed25519 and dnspython). The signatures are
checked top to bottom; dkimpy's own minimum RSA key size (1024) applies.
"""

import argparse
import logging
import sys

try:
    import dkim
    import dns.exception
    import dns.resolver
except ImportError as e:  # pragma: no cover
    print(f"dkim_verify: {e}: run scripts/test-deps-messages.sh", file=sys.stderr)
    sys.exit(3)  # not 1, which means "a message failed"


def resolver_at(port):
    r = dns.resolver.Resolver(configure=False)
    r.nameservers = ["127.0.0.1"]
    r.port = port
    r.cache = None
    return r


def txt_lookup(resolver):
    def dnsfunc(name, timeout=5):
        if isinstance(name, bytes):
            name = name.decode("ascii")
        try:
            answer = resolver.resolve(name, "TXT", lifetime=timeout, search=False)
        except (dns.resolver.NXDOMAIN, dns.resolver.NoAnswer):
            return None
        except dns.exception.Timeout as e:
            raise dkim.DnsTimeoutError(str(e))
        # The key record's strings joined, as RFC 6376 3.6.2.2 says.
        return b"".join(answer[0].strings)

    return dnsfunc


class Collect(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.lines = []

    def emit(self, record):
        self.lines.append(record.getMessage())


def signature_count(message):
    d = dkim.DKIM(message)
    return sum(1 for name, _ in d.headers if name.lower() == b"dkim-signature")


def verify_one(message, dnsfunc):
    """None when every signature verifies, else the reason."""
    count = signature_count(message)
    if count == 0:
        return "no DKIM-Signature header"
    for idx in range(count):
        log = logging.getLogger(f"dkim_verify.{idx}")
        log.propagate = False
        log.setLevel(logging.WARNING)
        collect = Collect()
        log.handlers = [collect]
        d = dkim.DKIM(message, logger=log)
        try:
            ok = d.verify(idx=idx, dnsfunc=dnsfunc)
        except dkim.DKIMException as e:
            return f"signature {idx}: {type(e).__name__}: {e}"
        if not ok:
            detail = collect.lines[-1] if collect.lines else "signature does not verify"
            return f"signature {idx}: {detail}"
    return None


def show_h(path, message):
    d = dkim.DKIM(message)
    idx = 0
    for name, value in d.headers:
        if name.lower() != b"dkim-signature":
            continue
        tags = dkim.util.parse_tag_value(b"".join(value.split()))
        field = lambda t: tags.get(t, b"-").decode("ascii", "replace")  # noqa: E731
        print(f"H {path} {idx} {field(b'd')} {field(b's')} {field(b'a')} {field(b'h')}")
        idx += 1


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--dns-port", type=int)
    p.add_argument("--show-h", action="store_true")
    p.add_argument("files", nargs="+")
    args = p.parse_args()
    if not args.show_h and args.dns_port is None:
        p.error("--dns-port is needed to verify")

    failed = False
    dnsfunc = None if args.show_h else txt_lookup(resolver_at(args.dns_port))
    for path in args.files:
        with open(path, "rb") as f:
            message = f.read()
        if args.show_h:
            show_h(path, message)
            continue
        try:
            reason = verify_one(message, dnsfunc)
        except Exception as e:  # a message dkimpy cannot even parse
            reason = f"{type(e).__name__}: {e}"
        if reason is None:
            print(f"OK {path}")
        else:
            failed = True
            print(f"FAIL {path} {' '.join(reason.split())}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
