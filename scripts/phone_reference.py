#!/usr/bin/env python3
"""Reference phone normalization with Python's `phonenumbers` (libphonenumber port).

Implements exactly the procedure of crates/normalize (lekradar-normalize):

  1. parse(input, region); if that succeeds and is_valid_number: E.164.
  2. Otherwise, if the input consists only of ASCII digits and the separators
     space - . / ( ) and its first digit is not 0: parse("+" + input, region);
     if valid: E.164.
  3. Otherwise: INVALID.

(libphonenumber itself rejects inputs longer than 250 characters; phonenumbers
does that inside parse(), the Rust side does it explicitly.)

Protocol (used by crates/normalize/tests/differential.rs): stdin is UTF-8,
one record per line, "REGION<TAB>INPUT" (split on the first tab; lines end in
"\\n" only, so inputs may contain "\\r" and other line-breaking characters).
For every record one line is written to stdout: the E.164 number or INVALID.

`phone_reference.py --version` prints the phonenumbers version.

Benchmark mode (used by crates/normalize/benches/phone.rs):
  phone_reference.py --bench   reads the same records, then times only the
  normalization loop and prints one line:
  "count=N valid=V seconds=S wall_seconds=W rate=R" (S = CPU time of the
  thread, R = normalizations per CPU second).

The phonenumbers version must match the libphonenumber metadata embedded in
rlibphonenumber; see scripts/phonenumbers-version.
"""

import sys
import time

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberFormat

_RETRY_SEPARATORS = frozenset(" -./()")
_DIGITS = frozenset("0123456789")


def plus_retry_eligible(s):
    first_digit = None
    for c in s:
        if c in _DIGITS:
            if first_digit is None:
                first_digit = c
        elif c not in _RETRY_SEPARATORS:
            return False
    return first_digit is not None and first_digit != "0"


def _parse_valid(s, region):
    try:
        n = phonenumbers.parse(s, region)
    except NumberParseException:
        return None
    if phonenumbers.is_valid_number(n):
        return phonenumbers.format_number(n, PhoneNumberFormat.E164)
    return None


def normalize(s, region):
    """Returns the E.164 string, or None when the input is rejected."""
    out = _parse_valid(s, region)
    if out is None and plus_retry_eligible(s):
        out = _parse_valid("+" + s, region)
    return out


def read_records():
    data = sys.stdin.buffer.read()
    records = []
    for line in data.split(b"\n"):
        if not line:
            continue
        region, _, raw = line.partition(b"\t")
        records.append((region.decode("ascii"), raw.decode("utf-8")))
    return records


def main(argv):
    if "--version" in argv:
        print(phonenumbers.__version__)
        return 0
    records = read_records()
    if "--bench" in argv:
        start_cpu = time.thread_time()
        start_wall = time.perf_counter()
        valid = 0
        for region, s in records:
            if normalize(s, region) is not None:
                valid += 1
        seconds = time.thread_time() - start_cpu
        wall = time.perf_counter() - start_wall
        rate = len(records) / seconds if seconds > 0 else 0.0
        print(
            f"count={len(records)} valid={valid} seconds={seconds:.6f} "
            f"wall_seconds={wall:.6f} rate={rate:.1f}"
        )
        return 0
    out = []
    for region, s in records:
        e164 = normalize(s, region)
        out.append(e164 if e164 is not None else "INVALID")
    sys.stdout.write("\n".join(out))
    if out:
        sys.stdout.write("\n")
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
