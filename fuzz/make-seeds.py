#!/usr/bin/env python3
"""Writes the committed seed corpora (fuzz/corpus/<target>/): a few tiny
synthetic dumps, no real person's data (invented names, reserved example
domains, the numbers the unit tests use). Run from anywhere; needs `zstd`."""

import gzip
import io
import pathlib
import shutil
import subprocess
import tarfile
import zipfile

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

SQL = (
    b"-- MySQL dump\n/*!40101 SET NAMES utf8 */;\n"
    b"CREATE TABLE `users` (\n  `id` int NOT NULL,\n  `email` varchar(255),\n  `phone` varchar(32),\n  `password` varchar(64)\n);\n"
    b"INSERT INTO `users` VALUES (1,'jan@example.nl','06-12345678','$2y$10$abc'),(2,'o\\'brien@example.be',NULL,'x\\\\y');\n"
    b"COPY public.klanten (id, gsm, naam) FROM stdin;\n1\t0612345678\tJan\n2\t\\N\tEls\n\\.\n"
    b"INSERT INTO klanten (id, gsm) VALUES (3, '+32 470 12 34 56');\n"
)
JSON = (
    b'[{"_id":{"$oid":"5f1"},"contact":{"phones":["06-12345678","+32 470 12 34 56"],"email":"jan@example.nl"}},'
    b'{"_source":{"user":{"mobile":"0612345679"}}},{"deep":[[[{"email":"els@example.be"}]]]}]'
)
COMBO = b"jan@example.nl:hunter2\n0612345678:secret\nhttps://example.nl/login:els@example.be:pw|x\nnot a credential\n"
STEALER = (
    b"URL: https://example.nl/login\nUsername: jan@example.nl\nPassword: hunter2\n\n"
    b"===============\nURL: android://example\nLogin: 0612345678\nPassword: secret\n===============\n"
)
VCARD = (
    b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Jan Jansen\r\nTEL;TYPE=CELL:06-1234\r\n 5678\r\n"
    b"item1.EMAIL;TYPE=INTERNET:jan@example.nl\r\nADR:;;Straat 1;Utrecht;;3511AA;NL\r\nEND:VCARD\r\n"
    b"BEGIN:VCARD\r\nTEL:+32 470 12 34 56\r\nEND:VCARD\r\n"
)


def xlsx() -> bytes:
    """A minimal workbook: one sheet with a header row and two rows."""
    sheet = (
        '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        '<row r="1"><c r="A1" t="inlineStr"><is><t>gsm</t></is></c><c r="B1" t="inlineStr"><is><t>email</t></is></c></row>'
        '<row r="2"><c r="A2" t="inlineStr"><is><t>0612345678</t></is></c><c r="B2" t="inlineStr"><is><t>jan@example.nl</t></is></c></row>'
        '<row r="3"><c r="A3"><v>32470123456</v></c></row>'
        "</sheetData></worksheet>"
    )
    files = {
        "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>',
        "_rels/.rels": '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="klanten" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
        "xl/worksheets/sheet1.xml": sheet,
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in files.items():
            z.writestr(zipfile.ZipInfo(name, (1980, 1, 1, 0, 0, 0)), text)
    return out.getvalue()


def ods() -> bytes:
    """A minimal OpenDocument spreadsheet: repeated rows and cells, spaces, two paragraphs."""
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0">'
        '<office:body><office:spreadsheet><table:table table:name="klanten">'
        '<table:table-row><table:table-cell office:value-type="string"><text:p>gsm</text:p></table:table-cell>'
        '<table:table-cell office:value-type="string"><text:p>e-mail</text:p></table:table-cell></table:table-row>'
        '<table:table-row table:number-rows-repeated="2"><table:table-cell table:number-columns-repeated="3"/></table:table-row>'
        '<table:table-row><table:table-cell office:value-type="float" office:value="31612345678"><text:p>31612345678</text:p></table:table-cell>'
        '<table:table-cell office:value-type="string"><text:p>jan<text:s text:c="1"/>@example.nl</text:p><text:p>&amp;</text:p></table:table-cell></table:table-row>'
        "</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(zipfile.ZipInfo("mimetype", (1980, 1, 1, 0, 0, 0)), "application/vnd.oasis.opendocument.spreadsheet", zipfile.ZIP_STORED)
        z.writestr(zipfile.ZipInfo("content.xml", (1980, 1, 1, 0, 0, 0)), content)
    return out.getvalue()


def zip_of(files: dict) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in files.items():
            z.writestr(zipfile.ZipInfo(name, (1980, 1, 1, 0, 0, 0)), data)
    return out.getvalue()


def tar_of(files: dict) -> bytes:
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w", format=tarfile.USTAR_FORMAT) as t:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            t.addfile(info, io.BytesIO(data))
    return out.getvalue()


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
TEXT = {**DUMPS, "dump.sql": SQL, "dump.json": JSON, "combo.txt": COMBO, "stealer.txt": STEALER, "contacts.vcf": VCARD}
# detect: first byte picks the file name (extension hint; see detect.rs).
write("detect", {k: bytes([0]) + v for k, v in TEXT.items()})
# rows: low 4 bits 0 = detected, else FORMATS[n-1]; bits 4-5 >= 2 a delimiter; bits 6-7 regions.
rows = {f"as-ingest-{k}": bytes([0x40]) + v for k, v in TEXT.items()}
# 0x27: FORMATS[6] = delimited, DELIMITERS[(2 + 7) % 5] = ":"
rows["forced-delimited-colon"] = bytes([0x27]) + b"31612345678:1000:Jan:Jansen:male:Amsterdam, Netherlands::\n" * 3
# a truncated stream: its read error must end the rows (the first bug fuzzing found)
rows["detected-lines-truncated.gz"] = bytes([0]) + gz(LINES * 20)[:-12]
write("rows", rows)
# the per-format targets: first byte bit 0 = 0 forces the format, bits 1-2 the regions.
for target, seed in [("sql", SQL), ("json", JSON), ("credentials", COMBO), ("stealer", STEALER), ("vcard", VCARD)]:
    write(target, {"forced": bytes([2]) + seed, "detected": bytes([3]) + seed, "cut": bytes([2]) + seed[: len(seed) * 2 // 3]})
book = xlsx()
sheet = ods()
write(
    "sheet",
    {
        "forced": bytes([2]) + book,
        "truncated": bytes([2]) + book[:-40],
        "ods": bytes([3]) + sheet,
        "ods-cut-xml": bytes([2]) + sheet[: len(sheet) * 3 // 4],
    },
)
# container: bit 0 gives the password "infected".
archive = {"dump/telecom.csv": TELECOM_CSV, "dump/combo.txt": COMBO, "dump/nested.sql.gz": gz(SQL)}
write(
    "container",
    {
        "dump.zip": bytes([0]) + zip_of(archive),
        "dump.tar": bytes([0]) + tar_of(archive),
        "dump.tar.gz": bytes([0]) + gz(tar_of(archive)),
        "dump.tar.zst": bytes([0]) + zstd(tar_of(archive)),
        "truncated.zip": bytes([0]) + zip_of(archive)[:-30],
    },
)
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
