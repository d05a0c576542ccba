#!/usr/bin/env python3
"""Writes the committed seed corpora (fuzz/corpus/<target>/): a few tiny
synthetic dumps, no real person's data (invented names, reserved example
domains, the numbers the unit tests use). Run from anywhere; needs `zstd`."""

import gzip
import pathlib
import shutil
import subprocess

ROOT = pathlib.Path(__file__).resolve().parent / "corpus"

TELECOM_CSV = (
    "klantnummer;voornaam;achternaam;gsm;e-mail;iban;geboortedatum\n"
    "1001;Jan;Jansen;06-12345678;jan.jansen@example.nl;NL91ABNA0417164300;1980-01-02\n"
    "1002;Els;Peeters;+32 470 12 34 56;els@example.be;BE68539007547034;1975-12-31\n"
    '1003;"Piet; jr";de Vries;0031612345679;"piet\n@example.nl";;\n'
    "1004;Ann;Claes;0488 12 34 56;ANN@EXAMPLE.BE;;\n"
).encode()
SCRAPE_TSV = b"+31612345678\tjan@example.nl\n+32470123456\tpiet@example.be\n0612345670\t\n"
BROKER_JSONL = (
    b'{"name": "Jan Jansen", "mobile": "06-12345678", "email": "jan@example.nl", "city": "Utrecht"}\n'
    b'{"name": "Els Peeters", "mobile": 32470123456, "email": null, "city": "Gent"}\n'
    b"not json\n"
    b'{"name": "Ann", "mobile": "0488/12.34.56", "company": "Example BV"}\n'
)
LINES = b"06-12345678\r\n+32 470 12 34 56\r\n\r\n0031612345678\r\njan@example.nl\r\n"
LATIN1_CSV = "telefoon,naam,ville\n0612345678,Ren\u00e9e,Li\u00e8ge\n0470123456,Fran\u00e7ois,Namur\n".encode("cp1252")
PIPE_BROKEN = b'phone|email\n"0612345678|jan@example.nl\n0612345679|piet@example.nl|extra\n0612345670|\n'


def zstd(data: bytes) -> bytes:
    return subprocess.run(["zstd", "-q", "-c", "-19"], input=data, capture_output=True, check=True).stdout


def gz(data: bytes) -> bytes:
    return gzip.compress(data, mtime=0)


DUMPS = {
    "telecom.csv": TELECOM_CSV,
    "scrape.tsv": SCRAPE_TSV,
    "broker.jsonl": BROKER_JSONL,
    "lines.txt": LINES,
    "latin1.csv": LATIN1_CSV,
    "pipe-broken.csv": PIPE_BROKEN,
    "telecom.csv.gz": gz(TELECOM_CSV),
    "two-members.csv.gz": gz(TELECOM_CSV[:120]) + gz(TELECOM_CSV[120:]),
    "broker.jsonl.zst": zstd(BROKER_JSONL),
}


def write(target: str, files: dict) -> None:
    d = ROOT / target
    shutil.rmtree(d, ignore_errors=True)
    d.mkdir(parents=True)
    for name, data in files.items():
        (d / name).write_bytes(data)


write("source", {k: v for k, v in DUMPS.items() if k.endswith((".gz", ".zst", "latin1.csv"))})
write("sniff", DUMPS)
# rows: first byte < 128 reads as ingest does; 128 + k forces format k (see rows.rs).
rows = {f"as-ingest-{k}": bytes([0x10]) + v for k, v in DUMPS.items()}
rows["forced-semicolon-header"] = bytes([128 + 5]) + TELECOM_CSV  # 133 % 10 = 3: ";" with header
rows["forced-json"] = bytes([128 + 0]) + b"mobile,email\n" + BROKER_JSONL  # 128 % 10 = 8
rows["forced-lines.gz"] = bytes([128 + 1]) + gz(LINES)  # 129 % 10 = 9
rows["forced-tab.zst"] = bytes([128 + 6]) + zstd(SCRAPE_TSV)  # 134 % 10 = 4: tab, no header
# a truncated stream: its read error must end the rows (the first bug fuzzing found)
rows["forced-lines-truncated.gz"] = bytes([128 + 1]) + gz(LINES * 20)[:-12]
write("rows", rows)
# columns: bit 0 header, bits 1-2 delimiter (, ; tab |), bits 4-5 regions.
write(
    "columns",
    {
        "semicolon-header": bytes([0b0001_0011]) + TELECOM_CSV,
        "tab-no-header": bytes([0b0010_0100]) + SCRAPE_TSV,
        "comma-header-latin1": bytes([0b0011_0001]) + LATIN1_CSV,
        "pipe-header": bytes([0b0000_0111]) + PIPE_BROKEN,
    },
)
