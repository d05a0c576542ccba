#!/usr/bin/env python3
"""Writes one synthetic dump per format the ingest registry reads, each with
ROWS records of one identifier (a Dutch or Belgian mobile number, or an
email address for the credential shapes), for bench/formats.sh. Invented
values only (reserved example domains); files are written to DIR and never
committed.

    bench/formats.py DIR ROWS
    bench/formats.py DIR --big MB    # a single-line INSERT and JSON array of MB each
"""

import gzip
import io
import sys
import tarfile
import zipfile
from pathlib import Path


def phone(i: int) -> str:
    # NL 06-1xxxxxxx and BE 047x xx xx xx, distinct per i.
    if i % 2 == 0:
        return f"06-{10000000 + i // 2:08d}"
    return f"+32 47{i // 2 % 10} {i // 20 % 100:02d} {i // 2000 % 100:02d} {i // 200000 % 100:02d}"


def email(i: int) -> str:
    return f"user{i}@example.nl"


def main() -> None:
    out = Path(sys.argv[1])
    rows = int(sys.argv[2])
    out.mkdir(parents=True, exist_ok=True)
    w = lambda name: open(out / name, "w", encoding="utf-8", newline="\n")

    with w("delimited.csv") as f:
        f.write("customer_id;first_name;last_name;mobile;city\n")
        for i in range(rows):
            f.write(f"{i};Jan{i % 97};Jansen;{phone(i)};Utrecht\n")
    with w("scrape-colon.txt") as f:
        for i in range(rows):
            p = phone(i).replace("-", "").replace(" ", "").replace("+", "")
            p = "31" + p[1:] if p.startswith("06") else p
            f.write(f"{p}:1000{i:011d}:Jan:Jansen:male:Amsterdam, Netherlands:Gent, Belgium:::1/1/2018 12:00:00 AM::\n")
    with w("lines.txt") as f:
        for i in range(rows):
            f.write(phone(i) + "\n")
    with w("dump.jsonl") as f:
        for i in range(rows):
            f.write(f'{{"name":"Jan {i}","mobile":"{phone(i)}","city":"Gent"}}\n')
    with w("dump.json") as f:
        f.write("[")
        for i in range(rows):
            f.write(("," if i else "") + f'{{"_id":{{"$oid":"{i:024x}"}},"contact":{{"phones":["{phone(i)}"],"city":"Gent"}}}}')
        f.write("]\n")
    with w("combo.txt") as f:
        for i in range(rows):
            f.write(f"{email(i)}:Pw{i * 7919 % 1000003}\n")
    with w("stealer.txt") as f:
        for i in range(rows):
            f.write(f"URL: https://login.example.be/{i % 50}\nUsername: {email(i)}\nPassword: Pw{i % 1009}\n===============\n")
    with w("mysqldump.sql") as f:
        f.write("CREATE TABLE `users` (`id` int, `email` varchar(255), `phone` varchar(32), `password` varchar(64));\n")
        for start in range(0, rows, 2000):
            vals = ",".join(f"({i},NULL,'{phone(i)}','$2y$10$h{i}')" for i in range(start, min(rows, start + 2000)))
            f.write(f"INSERT INTO `users` VALUES {vals};\n")
    with w("pg_dump.sql") as f:
        f.write("COPY public.klanten (id, gsm, naam) FROM stdin;\n")
        for i in range(rows):
            f.write(f"{i}\t{phone(i)}\tJan\n")
        f.write("\\.\n")
    with w("contacts.vcf") as f:
        for i in range(rows):
            f.write(f"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Jan {i}\r\nTEL;TYPE=CELL:{phone(i)}\r\nEND:VCARD\r\n")
    # Containers of the CSV.
    csv = (out / "delimited.csv").read_bytes()
    (out / "delimited.csv.gz").write_bytes(gzip.compress(csv, 6))
    with zipfile.ZipFile(out / "archive.zip", "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("dump/delimited.csv", csv)
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as t:
        info = tarfile.TarInfo("dump/delimited.csv")
        info.size = len(csv)
        t.addfile(info, io.BytesIO(csv))
    (out / "archive.tar.gz").write_bytes(gzip.compress(buf.getvalue(), 6))




def big(out: Path, megabytes: int) -> None:
    """One extended INSERT on a single line, and one JSON array on a single
    line, each about `megabytes` MB: reading must stay in bounded memory."""
    target = megabytes * 1_000_000
    with open(out / "big-insert.sql", "w") as f:
        f.write("CREATE TABLE `users` (`id` int, `phone` varchar(32), `note` varchar(64));\nINSERT INTO `users` VALUES ")
        i, size = 0, 0
        while size < target:
            chunk = ",".join(f"({j},'{phone(j)}','a note of some length {j}')" for j in range(i, i + 10000))
            f.write(("," if i else "") + chunk)
            size += len(chunk) + 1
            i += 10000
        f.write(";\n")
    with open(out / "big-array.json", "w") as f:
        f.write("[")
        i, size = 0, 0
        while size < target:
            chunk = ",".join(f'{{"id":{j},"contact":{{"phones":["{phone(j)}"]}},"note":"a note of some length"}}' for j in range(i, i + 10000))
            f.write(("," if i else "") + chunk)
            size += len(chunk) + 1
            i += 10000
        f.write("]")


if __name__ == "__main__" and len(sys.argv) == 4 and sys.argv[2] == "--big":
    Path(sys.argv[1]).mkdir(parents=True, exist_ok=True)
    big(Path(sys.argv[1]), int(sys.argv[3]))
elif __name__ == "__main__":
    main()
