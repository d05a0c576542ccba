//! End-to-end checks: generated dumps are read back independently
//! (flate2 / zstd / encoding_rs / csv / serde_json), every identifier is
//! re-normalized with lekradar-normalize, and the truth must match the file.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
use std::path::Path;

use lekradar_gen::{
    generate, truth_path, Compression, Country, DumpKind, Encoding, Format, GenError, GenOptions,
    Lang, Truth,
};
use lekradar_normalize::{normalize_email, normalize_phone, Region};

fn decompress(path: &Path, c: Compression) -> Vec<u8> {
    let raw = std::fs::read(path).unwrap();
    let mut out = Vec::new();
    match c {
        Compression::None => out = raw,
        Compression::Gzip => {
            flate2::read::MultiGzDecoder::new(&raw[..])
                .read_to_end(&mut out)
                .unwrap();
        }
        Compression::Zstd => out = zstd::stream::decode_all(&raw[..]).unwrap(),
        Compression::Bzip2 => {
            bzip2::read::MultiBzDecoder::new(&raw[..])
                .read_to_end(&mut out)
                .unwrap();
        }
        Compression::Xz => {
            lzma_rust2::XzReader::new(&raw[..], true)
                .read_to_end(&mut out)
                .unwrap();
        }
    }
    out
}

fn decode(bytes: &[u8], enc: Encoding) -> String {
    match enc {
        Encoding::Utf8 => String::from_utf8(bytes.to_vec()).expect("valid row is UTF-8"),
        Encoding::Latin1 => {
            let (text, _, bad) = encoding_rs::WINDOWS_1252.decode(bytes);
            assert!(!bad);
            text.into_owned()
        }
    }
}

/// Independent IBAN check: ISO 13616 mod 97, plus the Belgian national check.
fn iban_ok(s: &str) -> bool {
    let c: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    let (head, bban) = c.split_at(4);
    let digits: String = bban
        .chars()
        .chain(head.chars())
        .map(|ch| ch.to_digit(36).unwrap().to_string())
        .collect();
    let rem = digits
        .bytes()
        .fold(0u32, |r, b| (r * 10 + u32::from(b - b'0')) % 97);
    let national_ok = match &c[..2] {
        "NL" => c.len() == 18 && c[4..8].chars().all(|ch| ch.is_ascii_uppercase()),
        "BE" => {
            let first: u64 = c[4..14].parse().unwrap();
            let check: u64 = c[14..16].parse().unwrap();
            c.len() == 16
                && check
                    == if first.is_multiple_of(97) {
                        97
                    } else {
                        first % 97
                    }
        }
        _ => false,
    };
    rem == 1 && national_ok
}

/// The region to read a row's phone with: its own country for NL and BE
/// (written in national format), else the dump's home NL (foreign numbers
/// always carry +CC or 00CC, and 00 is the Dutch international prefix).
fn region(code: &str) -> Region {
    match code {
        "NL" | "BE" => code.parse().unwrap(),
        _ => Region::NL,
    }
}

/// One physical record: its line, raw bytes and fields by column (None =
/// absent or null).
struct Record {
    line: u64,
    raw: Vec<u8>,
    fields: Option<Vec<Option<String>>>,
    /// Fields in the CSV record or keys in the JSON object.
    n: usize,
}

fn lines_of(bytes: &[u8]) -> Vec<Vec<u8>> {
    let mut lines: Vec<Vec<u8>> = bytes
        .split(|&b| b == b'\n')
        .map(|l| l.strip_suffix(b"\r").unwrap_or(l).to_vec())
        .collect();
    assert_eq!(
        lines.pop().as_deref(),
        Some(&b""[..]),
        "file ends with a newline"
    );
    lines
}

fn read_records(bytes: &[u8], truth: &Truth) -> (Vec<Record>, Option<Vec<u8>>) {
    let lines = lines_of(bytes);
    assert_eq!(lines.len() as u64, truth.totals.physical_lines);
    let cols = &truth.style.columns;
    match truth.options.format {
        Format::Delimited { delimiter } => {
            let mut rdr = csv::ReaderBuilder::new()
                .has_headers(false)
                .flexible(true)
                .delimiter(delimiter as u8)
                .from_reader(bytes);
            let mut out = Vec::new();
            for (k, rec) in rdr.byte_records().enumerate() {
                let rec = rec.unwrap();
                if k == 0 {
                    let header: Vec<String> = rec
                        .iter()
                        .map(|f| decode(f, truth.options.encoding))
                        .collect();
                    assert_eq!(&header, cols);
                    continue;
                }
                // Physical line from the byte offset (independent of csv's line count).
                // (With CRLF endings csv reports the byte of the preceding '\n'.)
                let mut at = rec.position().unwrap().byte() as usize;
                while matches!(bytes.get(at), Some(b'\n' | b'\r')) {
                    at += 1;
                }
                let line = bytes[..at].iter().filter(|&&b| b == b'\n').count() as u64 + 1;
                let raw = lines[line as usize - 1].clone();
                let fields = rec
                    .iter()
                    .map(|f| {
                        let s = decode_lossy(f, truth.options.encoding);
                        (!s.is_empty()).then_some(s)
                    })
                    .collect();
                out.push(Record {
                    line,
                    raw,
                    fields: Some(fields),
                    n: rec.len(),
                });
            }
            (out, Some(lines[0].clone()))
        }
        Format::JsonLines => {
            let out = lines
                .iter()
                .enumerate()
                .map(|(k, raw)| {
                    let text = decode_lossy(raw, truth.options.encoding);
                    let map =
                        serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(&text)
                            .ok();
                    let n = map.as_ref().map_or(0, |m| m.len());
                    let fields = map.map(|m| {
                        assert!(
                            m.keys().all(|key| cols.contains(key)),
                            "unknown key in {text}"
                        );
                        cols.iter()
                            .map(|c| {
                                m.get(c)
                                    .and_then(|v| v.as_str())
                                    .filter(|s| !s.is_empty())
                                    .map(str::to_string)
                            })
                            .collect()
                    });
                    Record {
                        line: k as u64 + 1,
                        raw: raw.clone(),
                        fields,
                        n,
                    }
                })
                .collect();
            (out, None)
        }
        Format::Lines => {
            let out = lines
                .iter()
                .enumerate()
                .map(|(k, raw)| Record {
                    line: k as u64 + 1,
                    raw: raw.clone(),
                    fields: Some(vec![Some(decode_lossy(raw, truth.options.encoding))]),
                    n: 1,
                })
                .collect();
            (out, None)
        }
        other => panic!("read_records reads the one-line-per-row formats, not {other:?}"),
    }
}

fn decode_lossy(bytes: &[u8], enc: Encoding) -> String {
    match enc {
        Encoding::Utf8 => String::from_utf8_lossy(bytes).into_owned(),
        Encoding::Latin1 => encoding_rs::WINDOWS_1252.decode(bytes).0.into_owned(),
    }
}

/// Column indices of (email, phone, iban, document) for a kind.
fn layout(kind: DumpKind) -> (Option<usize>, usize, Option<usize>, Option<usize>) {
    match kind {
        DumpKind::Telecom => (Some(6), 7, Some(8), Some(10)),
        DumpKind::Broker => (Some(3), 4, None, None),
        DumpKind::Scrape => (None, 0, None, None),
    }
}

fn phone_fails(s: &str) -> bool {
    normalize_phone(s, Region::NL).is_err() && normalize_phone(s, Region::BE).is_err()
}

/// Generates one dump and checks every claim of its truth against the file.
fn check(opts: &GenOptions) -> Truth {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("dump");
    let truth = generate(opts, &out).unwrap();
    assert_eq!(Truth::read(&truth_path(&out)).unwrap(), truth);
    let bytes = decompress(&out, opts.compression);
    let (records, header) = read_records(&bytes, &truth);
    let t = &truth.totals;
    assert_eq!(t.header_lines, u64::from(header.is_some()));
    assert_eq!(
        records.len() as u64,
        opts.rows,
        "one record per physical line"
    );
    let lines: Vec<u64> = records.iter().map(|r| r.line).collect();
    let expect: Vec<u64> = (t.header_lines + 1..=t.physical_lines).collect();
    assert_eq!(lines, expect);

    let mut junk_of: BTreeMap<u64, &str> = BTreeMap::new();
    for (reason, ls) in &t.junk {
        for &l in ls {
            assert!(junk_of.insert(l, reason).is_none(), "line {l} junk twice");
        }
    }
    assert_eq!(junk_of.len() as u64, t.junk_rows);
    assert_eq!(t.valid_rows + t.junk_rows, t.rows_written);
    let rows_by_line: BTreeMap<u64, _> = truth.rows.iter().map(|r| (r.line, r)).collect();
    assert_eq!(truth.rows.len() as u64, t.valid_rows.min(opts.truth_rows));

    let (email_col, phone_col, iban_col, doc_col) = layout(opts.kind);
    let ncols = truth.style.columns.len();
    let mut phones_by_cc: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut emails = BTreeSet::new();
    let mut classes: BTreeMap<String, u64> = BTreeMap::new();
    let (mut with_doc, mut valid, mut accented) = (0u64, 0u64, 0u64);
    for rec in &records {
        let get = |col: usize| -> Option<String> {
            rec.fields
                .as_ref()
                .and_then(|f| f.get(col).cloned().flatten())
        };
        if let Some(reason) = junk_of.get(&rec.line) {
            match *reason {
                "binary_garbage" => {
                    assert!(rec.raw.contains(&0) && std::str::from_utf8(&rec.raw).is_err())
                }
                "wrong_field_count" => {
                    let n = rec.n;
                    assert!(
                        n != ncols && (1..=3).contains(&n),
                        "line {}: {n} fields",
                        rec.line
                    );
                }
                "unparsable_phone" => {
                    assert!(phone_fails(&get(phone_col).unwrap()), "line {}", rec.line);
                    assert!(email_col.and_then(get).is_none());
                }
                "invalid_email" => {
                    assert!(normalize_email(&get(email_col.unwrap()).unwrap()).is_err());
                    assert!(get(phone_col).is_none());
                }
                "unterminated_quote" => {
                    assert_eq!(rec.line, t.physical_lines);
                    let s = t.unterminated_quote.unwrap();
                    assert_eq!((s.line, s.swallowed_through), (rec.line, t.physical_lines));
                    assert_eq!(rec.raw.iter().filter(|&&b| b == b'"').count() % 2, 1);
                }
                other => panic!("unknown junk reason {other}"),
            }
            continue;
        }
        valid += 1;
        // Strict decoding of every valid row.
        let text = decode(&rec.raw, opts.encoding);
        accented += u64::from(text.contains(['é', 'ë', 'ç', 'è', 'ï', 'ô', 'î', 'ö']));
        assert!(rec.fields.is_some(), "valid row parses");
        if matches!(opts.format, Format::Delimited { .. }) {
            assert_eq!(rec.n, ncols, "line {}", rec.line);
        }
        let Some(row) = rows_by_line.get(&rec.line) else {
            continue; // beyond the per-row truth cap
        };
        let mut got = BTreeSet::new();
        match get(phone_col) {
            Some(p) => {
                let n = normalize_phone(&p, region(&row.region))
                    .unwrap_or_else(|e| panic!("line {}: {p:?}: {e}", rec.line));
                assert_eq!(
                    row.phones,
                    vec![n.e164().to_string()],
                    "line {}: {p}",
                    rec.line
                );
                assert_eq!(
                    n.country_code(),
                    country_of(&row.region)
                        .calling_code()
                        .parse::<u16>()
                        .unwrap()
                );
                phones_by_cc
                    .entry(n.country_code().to_string())
                    .or_default()
                    .insert(n.e164().to_string());
                got.insert("Phone numbers");
            }
            None => assert!(row.phones.is_empty()),
        }
        match email_col.and_then(get) {
            Some(e) => {
                let n = normalize_email(&e).unwrap_or_else(|r| panic!("{e:?}: {r}"));
                assert_eq!(row.emails, vec![n.as_str().to_string()]);
                let d = n.domain();
                assert!(d.ends_with(".example") || d.starts_with("example."), "{d}");
                emails.insert(n.as_str().to_string());
                got.insert("Email addresses");
            }
            None => assert!(row.emails.is_empty()),
        }
        if let Some(c) = iban_col {
            let iban = get(c).unwrap();
            assert!(iban_ok(&iban), "IBAN {iban}");
        }
        if let Some(c) = doc_col {
            let doc = get(c);
            assert_eq!(doc.is_some(), get(c + 1).is_some());
            with_doc += u64::from(doc.is_some());
        }
        match opts.kind {
            DumpKind::Telecom => {
                got.extend([
                    "Customer numbers",
                    "Names",
                    "Bank account numbers",
                    "Dates of birth",
                ]);
                if get(3).is_some() {
                    got.insert("Physical addresses");
                }
                if get(10).is_some() {
                    got.insert("Government issued IDs");
                }
            }
            DumpKind::Broker => {
                got.extend(["Names", "Employers"]);
                if get(2).is_some() {
                    got.insert("Job titles");
                }
            }
            DumpKind::Scrape => {}
        }
        let want: BTreeSet<&str> = row.classes.iter().map(String::as_str).collect();
        assert_eq!(got, want, "line {}", rec.line);
        for c in got {
            *classes.entry(c.to_string()).or_default() += 1;
        }
    }
    assert_eq!(valid, t.valid_rows);
    if (truth.rows.len() as u64) < valid {
        return truth;
    }
    assert_eq!(classes, truth.data_classes);
    let counts: BTreeMap<String, u64> = phones_by_cc
        .iter()
        .map(|(cc, s)| (cc.clone(), s.len() as u64))
        .collect();
    assert_eq!(counts, truth.distinct_phones_by_calling_code);
    assert_eq!(emails.len() as u64, truth.distinct_emails);
    if opts.kind == DumpKind::Telecom && valid >= 500 {
        let share = with_doc as f64 / valid as f64;
        assert!((0.5..0.7).contains(&share), "ID share {share}");
    }
    if opts.kind != DumpKind::Scrape && valid >= 500 {
        assert!(accented > 0, "some names have accents");
        if opts.encoding == Encoding::Latin1 {
            assert!(
                std::str::from_utf8(&bytes).is_err(),
                "Latin-1 bytes, not UTF-8"
            );
        }
    }
    truth
}

fn opts(
    kind: DumpKind,
    format: Format,
    enc: Encoding,
    comp: Compression,
    lang: Lang,
) -> GenOptions {
    let mut o = GenOptions::new(kind);
    o.rows = 2_000;
    o.seed = 42;
    o.format = format;
    o.encoding = enc;
    o.compression = comp;
    o.header_lang = lang;
    o.junk_rate = 0.02;
    o.duplicate_rate = 0.05;
    o
}

fn csv(d: char) -> Format {
    Format::Delimited { delimiter: d }
}

#[test]
fn telecom_dumps_match_their_truth() {
    for (i, o) in [
        opts(
            DumpKind::Telecom,
            csv(';'),
            Encoding::Utf8,
            Compression::None,
            Lang::Nl,
        ),
        opts(
            DumpKind::Telecom,
            csv(','),
            Encoding::Latin1,
            Compression::Gzip,
            Lang::Fr,
        ),
        opts(
            DumpKind::Telecom,
            Format::JsonLines,
            Encoding::Utf8,
            Compression::Zstd,
            Lang::En,
        ),
        opts(
            DumpKind::Telecom,
            csv('\t'),
            Encoding::Latin1,
            Compression::Bzip2,
            Lang::En,
        ),
    ]
    .into_iter()
    .enumerate()
    {
        let mut o = o;
        o.seed += i as u64;
        let t = check(&o);
        for reason in [
            "wrong_field_count",
            "unparsable_phone",
            "invalid_email",
            "binary_garbage",
        ] {
            assert!(t.totals.junk.contains_key(reason), "{reason} missing");
        }
        assert!(t.totals.unterminated_quote.is_some());
        assert!(t.totals.duplicate_rows > 0);
        assert_eq!(
            t.distinct_phones_by_calling_code.keys().collect::<Vec<_>>(),
            ["31", "32"]
        );
    }
}

#[test]
fn broker_dumps_match_their_truth() {
    check(&opts(
        DumpKind::Broker,
        csv(','),
        Encoding::Utf8,
        Compression::None,
        Lang::En,
    ));
    check(&opts(
        DumpKind::Broker,
        Format::JsonLines,
        Encoding::Latin1,
        Compression::Gzip,
        Lang::Nl,
    ));
    check(&opts(
        DumpKind::Broker,
        csv(';'),
        Encoding::Utf8,
        Compression::Xz,
        Lang::Fr,
    ));
}

#[test]
fn scrape_dumps_match_their_truth() {
    let t = check(&opts(
        DumpKind::Scrape,
        Format::Lines,
        Encoding::Utf8,
        Compression::None,
        Lang::Nl,
    ));
    assert_eq!(
        t.distinct_phones_by_calling_code.len(),
        10,
        "all ten countries"
    );
    check(&opts(
        DumpKind::Scrape,
        Format::Lines,
        Encoding::Latin1,
        Compression::Gzip,
        Lang::En,
    ));
    check(&opts(
        DumpKind::Scrape,
        csv(','),
        Encoding::Utf8,
        Compression::Zstd,
        Lang::Fr,
    ));
    check(&opts(
        DumpKind::Scrape,
        Format::JsonLines,
        Encoding::Utf8,
        Compression::None,
        Lang::En,
    ));
}

#[test]
fn clean_e164_share_is_about_twelve_percent() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("s.txt");
    let mut o = GenOptions::new(DumpKind::Scrape);
    o.rows = 20_000;
    o.junk_rate = 0.0;
    generate(&o, &out).unwrap();
    let text = std::fs::read_to_string(&out).unwrap();
    let clean = text
        .lines()
        .filter(|l| l.starts_with('+') && l[1..].bytes().all(|b| b.is_ascii_digit()))
        .count();
    let share = clean as f64 / 20_000.0;
    assert!((0.10..0.14).contains(&share), "{share}");
}

#[test]
fn same_seed_same_bytes_other_seed_other_bytes() {
    let dir = tempfile::tempdir().unwrap();
    for comp in [
        Compression::None,
        Compression::Gzip,
        Compression::Zstd,
        Compression::Bzip2,
        Compression::Xz,
    ] {
        let mut o = GenOptions::new(DumpKind::Telecom);
        o.rows = 3_000;
        o.compression = comp;
        let name = |s: &str| dir.path().join(format!("{s}-{comp:?}"));
        generate(&o, &name("a")).unwrap();
        generate(&o, &name("b")).unwrap();
        o.seed = 2;
        generate(&o, &name("c")).unwrap();
        let read = |p: &Path| std::fs::read(p).unwrap();
        assert_eq!(read(&name("a")), read(&name("b")));
        assert_ne!(read(&name("a")), read(&name("c")));
        let truth = |s: &str| {
            let t = std::fs::read_to_string(truth_path(&name(s))).unwrap();
            t.replace(&format!("{s}-"), "")
        };
        assert_eq!(truth("a"), truth("b"));
    }
}

#[test]
fn refuses_to_overwrite_unless_asked() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("d.csv");
    let mut o = GenOptions::new(DumpKind::Broker);
    o.rows = 10;
    generate(&o, &out).unwrap();
    let err = generate(&o, &out).unwrap_err();
    assert!(matches!(err, GenError::Exists { .. }));
    assert!(err.to_string().contains("already exists"), "{err}");
    // Only the truth file left behind still blocks.
    std::fs::remove_file(&out).unwrap();
    assert!(matches!(generate(&o, &out), Err(GenError::Exists { .. })));
    o.overwrite = true;
    o.rows = 20;
    assert_eq!(generate(&o, &out).unwrap().totals.rows_written, 20);
}

#[test]
fn bad_options_are_errors_not_panics() {
    let dir = tempfile::tempdir().unwrap();
    let mut cases = Vec::new();
    let base = GenOptions::new(DumpKind::Telecom);
    for rate in [f64::NAN, -0.1, 1.5, f64::INFINITY] {
        cases.push(GenOptions {
            junk_rate: rate,
            ..base.clone()
        });
        cases.push(GenOptions {
            duplicate_rate: rate,
            ..base.clone()
        });
    }
    cases.push(GenOptions {
        format: Format::Lines,
        ..base.clone()
    });
    cases.push(GenOptions {
        format: csv('x'),
        ..base.clone()
    });
    cases.push(GenOptions {
        regions: vec!["XX".into()],
        ..base.clone()
    });
    cases.push(GenOptions {
        regions: vec![],
        ..base.clone()
    });
    cases.push(GenOptions {
        regions: vec!["NL:abc".into()],
        ..base.clone()
    });
    cases.push(GenOptions {
        regions: vec!["NL:0".into()],
        ..base.clone()
    });
    cases.push(GenOptions {
        rows: u64::MAX,
        ..base.clone()
    });
    for (i, o) in cases.iter().enumerate() {
        let out = dir.path().join(format!("bad{i}"));
        let err = generate(o, &out).unwrap_err();
        assert!(matches!(err, GenError::InvalidOption(_)), "{i}: {err}");
        assert!(!out.exists());
    }
}

#[test]
fn edge_sizes_and_rates() {
    let dir = tempfile::tempdir().unwrap();
    for kind in [DumpKind::Telecom, DumpKind::Scrape, DumpKind::Broker] {
        for (rows, junk, dup) in [
            (0, 0.5, 0.5),
            (1, 1.0, 0.0),
            (2, 1.0, 1.0),
            (50, 0.0, 1.0),
            (50, 1.0, 0.0),
        ] {
            for format in [csv(','), Format::JsonLines] {
                let mut o = GenOptions::new(kind);
                o.rows = rows;
                o.junk_rate = junk;
                o.duplicate_rate = dup;
                o.format = format;
                o.truth_rows = 3;
                o.overwrite = true;
                let t = check(&o);
                assert!(t.rows.len() <= 3);
            }
        }
    }
    let _ = dir;
}

#[test]
fn every_spelling_of_every_country_normalizes() {
    use rand::SeedableRng;
    let mut rng = rand::rngs::StdRng::seed_from_u64(3);
    for country in Country::ALL {
        let numbering = lekradar_gen::phone::Numbering::new(country, &mut rng);
        let r = region(country.code());
        let mut seen = BTreeSet::new();
        for k in 0..3_000u64 {
            let national = numbering.national(country, k * 7919);
            let e164 = lekradar_gen::phone::e164(country, &national);
            assert!(seen.insert(e164.clone()), "distinct numbers");
            let spelled = lekradar_gen::phone::spell(country, &national, 0.12, &mut rng);
            let n = normalize_phone(&spelled, r).unwrap_or_else(|e| panic!("{spelled}: {e}"));
            assert_eq!(n.e164(), e164, "{spelled}");
            if country != Country::US {
                assert!(n.is_mobile(), "{spelled} is a mobile number");
            }
            if !matches!(country, Country::NL | Country::BE) {
                assert!(
                    spelled.starts_with('+') || spelled.starts_with("00"),
                    "{spelled}"
                );
            }
        }
    }
    for junk in lekradar_gen::phone::JUNK_PHONES {
        assert!(phone_fails(junk), "{junk}");
    }
}

fn country_of(code: &str) -> Country {
    Country::from_code(code).unwrap()
}

/// The other shapes parse with independent readers (serde_json for the
/// JSON array, calamine-free counts for the text shapes, the zip and tar
/// crates for the archives), hold one record per row, and the same options
/// give the same bytes.
#[test]
fn every_shape_is_well_formed_and_deterministic() {
    use lekradar_gen::{Container, CredentialLayout, SqlDialect};
    let dir = tempfile::tempdir().unwrap();
    let shapes = [
        ("a.json", Format::Json, Container::None),
        (
            "a.sql",
            Format::Sql {
                dialect: SqlDialect::Mysql,
            },
            Container::None,
        ),
        (
            "b.sql",
            Format::Sql {
                dialect: SqlDialect::PgCopy,
            },
            Container::None,
        ),
        (
            "c.sql",
            Format::Sql {
                dialect: SqlDialect::PgInserts,
            },
            Container::None,
        ),
        (
            "a.txt",
            Format::Credentials {
                layout: CredentialLayout::UrlLoginPassword,
                delimiter: ':',
            },
            Container::None,
        ),
        ("b.txt", Format::Stealer, Container::None),
        ("a.vcf", Format::Vcard, Container::None),
        ("a.xlsx", Format::Xlsx, Container::None),
        ("a.ods", Format::Ods, Container::None),
        (
            "d.csv.zip",
            Format::Delimited { delimiter: ',' },
            Container::Zip,
        ),
        ("e.tar.gz", Format::Json, Container::TarGz),
    ];
    for (name, format, container) in shapes {
        let mut opts = GenOptions::new(DumpKind::Telecom);
        opts.rows = 801;
        opts.format = format;
        opts.container = container;
        let out = dir.path().join(name);
        let truth = generate(&opts, &out).unwrap();
        let bytes = std::fs::read(&out).unwrap();
        opts.overwrite = true;
        opts.member = truth.member.clone();
        let again = dir.path().join(format!("again-{name}"));
        let truth_again = generate(&opts, &again).unwrap();
        if format == Format::Ods {
            // spreadsheet-ods orders its XML declarations by a HashMap:
            // the same cells, not the same bytes.
            assert_eq!(truth.rows, truth_again.rows);
        } else {
            assert_eq!(
                bytes,
                std::fs::read(&again).unwrap(),
                "{name}: same options, same bytes"
            );
        }
        assert_eq!(truth.totals.rows_written, 801);
        assert_eq!(truth.totals.valid_rows + truth.totals.junk_rows, 801);
        let text = || String::from_utf8_lossy(&bytes).into_owned();
        match (format, container) {
            (Format::Json, Container::None) => {
                let v: Vec<serde_json::Value> = serde_json::from_slice(&bytes).unwrap();
                assert_eq!(v.len(), 801);
                assert_eq!(truth.totals.unit, "record");
            }
            (
                Format::Sql {
                    dialect: SqlDialect::Mysql,
                },
                _,
            ) => {
                assert_eq!(text().matches("INSERT INTO `klanten` VALUES (").count(), 3);
                assert_eq!(text().matches("),(").count(), 801 - 3);
            }
            (
                Format::Sql {
                    dialect: SqlDialect::PgCopy,
                },
                _,
            ) => {
                let t = text();
                let body = t.split("FROM stdin;\n").nth(1).unwrap();
                let body = body.split("\\.\n").next().unwrap();
                assert_eq!(body.lines().count(), 801);
            }
            (Format::Sql { .. }, _) => {
                assert_eq!(
                    text()
                        .matches("INSERT INTO public.klanten VALUES (")
                        .count(),
                    801
                );
            }
            (Format::Credentials { .. }, _) => {
                assert_eq!(truth.totals.unit, "line");
                assert_eq!(text().lines().count(), 801);
                assert!(truth.data_classes.contains_key("Passwords"));
            }
            (Format::Stealer, _) => {
                assert_eq!(text().matches("URL: ").count(), 801);
            }
            (Format::Vcard, _) => {
                assert_eq!(text().matches("BEGIN:VCARD\r\n").count(), 801);
                assert_eq!(text().matches("END:VCARD\r\n").count(), 801);
            }
            (Format::Xlsx | Format::Ods, _) => {
                assert_eq!(&bytes[..2], b"PK");
                assert_eq!(
                    truth.totals.header_lines, 2,
                    "two sheets, each with its header"
                );
            }
            (_, Container::Zip) => {
                let mut zip = zip::ZipArchive::new(std::io::Cursor::new(&bytes)).unwrap();
                assert_eq!(zip.len(), 1);
                let mut member = zip.by_index(0).unwrap();
                assert_eq!(member.name().unwrap(), "d.csv");
                assert_eq!(truth.member.as_deref(), Some("d.csv"));
                let mut s = String::new();
                member.read_to_string(&mut s).unwrap();
                assert_eq!(s.lines().count() as u64, truth.totals.physical_lines);
            }
            (_, Container::TarGz) => {
                let mut tar = tar::Archive::new(flate2::read::GzDecoder::new(&bytes[..]));
                let mut entry = tar.entries().unwrap().next().unwrap().unwrap();
                assert_eq!(entry.path().unwrap().to_str(), Some("e.json"));
                let mut s = String::new();
                entry.read_to_string(&mut s).unwrap();
                let v: Vec<serde_json::Value> = serde_json::from_str(&s).unwrap();
                assert_eq!(v.len(), 801);
            }
            _ => unreachable!(),
        }
    }
}
