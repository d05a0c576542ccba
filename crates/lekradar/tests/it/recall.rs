//! Ingest measured against the generator's truth, as an operator would run
//! it: a mixed Dutch/Belgian telecom dump in messy spellings goes through
//! `lekradar gen-data` and `lekradar ingest --region NL,BE`; then every valid
//! phone number and email address of the dump is checked in its canonical
//! form, with the data classes of that person's record.

use std::path::Path;
use std::process::Command;

use lekradar_breach::BreachMetadata;
use lekradar_index::IndexReader;
use lekradar_normalize::{normalize, Region};
use lekradar_prf::ServerKey;

use crate::support;

use support::all_files;

fn lekradar(data: &Path, args: &[&str]) -> std::process::Output {
    let out = Command::new(env!("CARGO_BIN_EXE_lekradar"))
        .arg("--data-dir")
        .arg(data)
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

#[test]
fn mixed_nl_be_dump_recall_is_at_least_99_percent() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let dump = dir.path().join("telecom.csv.zst");
    let dump_s = dump.to_str().unwrap();
    lekradar(
        &data,
        &[
            "gen-data",
            "--kind",
            "telecom",
            "--rows",
            "6000",
            "--seed",
            "7",
            "--regions",
            "NL:55,BE:45",
            "--compress",
            "zstd",
            "--header-lang",
            "nl",
            dump_s,
        ],
    );
    lekradar(&data, &["key", "init"]);
    lekradar(
        &data,
        &["breach", "add", "Mixed", "--breach-date", "2026-01-01"],
    );
    let report = lekradar(
        &data,
        &["ingest", "--breach", "Mixed", "--region", "NL,BE", dump_s],
    );
    let report = String::from_utf8_lossy(&report.stdout).into_owned();

    let truth = lekradar_gen::Truth::read(&lekradar_gen::truth_path(&dump)).unwrap();
    let junk: u64 = truth.totals.junk.values().map(|v| v.len() as u64).sum();
    assert!(
        report.contains(&format!("rows {}", truth.totals.rows_written)),
        "{report}"
    );
    assert!(
        report.contains(&format!("rejected rows: {junk}")),
        "every junk row is reported: {report}"
    );

    let key = ServerKey::load(&data.join("oprf.key")).unwrap();
    let snapshot = IndexReader::open(&data.join("index")).unwrap().snapshot();
    let meta =
        BreachMetadata::decode(snapshot.breach("Mixed").unwrap().metadata().unwrap()).unwrap();
    let (mut expected, mut found, mut classes_right) = (0u64, 0u64, 0u64);
    for row in truth.rows.iter().filter(|r| !r.duplicate) {
        for id in row.phones.iter().chain(&row.emails) {
            expected += 1;
            let id = normalize(id, Region::NL).unwrap();
            let hits = lekradar_check::check(&snapshot, &key, &id).unwrap();
            if let Some(hit) = hits.first() {
                found += 1;
                let mut got: Vec<&str> = meta.class_names(hit.classes);
                let mut want: Vec<&str> = row.classes.iter().map(String::as_str).collect();
                got.sort_unstable();
                want.sort_unstable();
                classes_right += u64::from(got == want);
            }
        }
    }
    let recall = found as f64 / expected as f64;
    eprintln!(
        "recall {found}/{expected} = {:.4}; classes exact for {classes_right}",
        recall
    );
    assert!(expected > 8000);
    assert!(recall >= 0.99, "recall {recall}");
    assert!(
        classes_right as f64 >= 0.99 * found as f64,
        "per-record classes: {classes_right}/{found}"
    );

    // The familiar alternative, an SQLite index over the raw phone column,
    // finds only the numbers written exactly in E.164.
    let raw_found = raw_column_recall(&dump, &truth);
    let phones: u64 = truth
        .rows
        .iter()
        .filter(|r| !r.duplicate)
        .map(|r| r.phones.len() as u64)
        .sum();
    eprintln!(
        "SQLite over the raw phone column finds {raw_found} of {phones} phone numbers ({:.1} %)",
        100.0 * raw_found as f64 / phones as f64
    );
    assert!(
        (raw_found as f64) < 0.5 * phones as f64,
        "raw-column lookups found {raw_found} of {phones}"
    );

    // The breach's statistics count people, not rows: duplicate rows and the
    // same people arriving again in a second file are counted once.
    let stats = |data: &Path| {
        let snapshot = IndexReader::open(&data.join("index")).unwrap().snapshot();
        BreachMetadata::decode(snapshot.breach("Mixed").unwrap().metadata().unwrap()).unwrap()
    };
    assert!(truth.totals.duplicate_rows > 0);
    assert_eq!(
        meta.statistics.phone_numbers_by_country,
        truth.distinct_phones_by_calling_code
    );
    assert_eq!(meta.statistics.email_addresses, truth.distinct_emails);
    assert_eq!(
        meta.pwn_count,
        truth.distinct_phones + truth.distinct_emails
    );
    // The same rows again, gzip-compressed: a new file by fingerprint, no new people.
    let again = dir.path().join("again.csv.gz");
    let again_s = again.to_str().unwrap();
    lekradar(
        &data,
        &[
            "gen-data",
            "--kind",
            "telecom",
            "--rows",
            "6000",
            "--seed",
            "7",
            "--regions",
            "NL:55,BE:45",
            "--compress",
            "gzip",
            "--header-lang",
            "nl",
            again_s,
        ],
    );
    let out = lekradar(
        &data,
        &["ingest", "--breach", "Mixed", "--region", "NL,BE", again_s],
    );
    let out = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.contains("Mixed: 0 identifiers new to the breach"),
        "{out}"
    );
    let after = stats(&data);
    assert_eq!(after.sources.len(), 2);
    assert_eq!(after.pwn_count, meta.pwn_count);
    assert_eq!(
        after.statistics.phone_numbers_by_country,
        meta.statistics.phone_numbers_by_country
    );
}

/// How many of the dump's valid phone numbers, in E.164, an SQLite index over
/// the phone column's raw values finds.
fn raw_column_recall(dump: &Path, truth: &lekradar_gen::Truth) -> u64 {
    use lekradar_ingest::{read_rows, ColumnRole, IngestConfig};
    let db = rusqlite::Connection::open_in_memory().unwrap();
    db.execute_batch("CREATE TABLE t(phone TEXT)").unwrap();
    let regions = [Region::NL, Region::BE];
    read_rows(
        dump,
        &IngestConfig::default(),
        &regions,
        &mut |roles, row| {
            let phone = roles
                .iter()
                .position(|r| matches!(r, ColumnRole::Phone { .. }));
            if let Some(value) = phone.and_then(|i| row.fields.get(i)) {
                db.execute("INSERT INTO t VALUES (?1)", [value]).unwrap();
            }
        },
    )
    .unwrap();
    db.execute_batch("CREATE INDEX t_phone ON t(phone)")
        .unwrap();
    let mut query = db
        .prepare("SELECT count(*) FROM t WHERE phone = ?1")
        .unwrap();
    truth
        .rows
        .iter()
        .filter(|r| !r.duplicate)
        .flat_map(|r| &r.phones)
        .filter(|p| {
            query
                .query_row([p.as_str()], |row| row.get::<_, i64>(0))
                .unwrap()
                > 0
        })
        .count() as u64
}

/// Every shape `gen-data` writes (every format of ingest's registry and
/// every container), each in its own breach: recall of the valid phone
/// numbers and email addresses (mixed NL/BE) against the truth file, the
/// per-record classes, every junk record reported, and for credential
/// lists and stealer logs the Passwords class with no password in any
/// stored file or in what was printed.
#[test]
fn every_format_and_container_recalls_at_least_99_percent() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    lekradar(&data, &["key", "init"]);
    let pw_file = dir.path().join("zip-password");
    std::fs::write(&pw_file, "correct horse\n").unwrap();
    let pw = pw_file.to_str().unwrap().to_owned();
    let nl_be = "NL:55,BE:45";
    // (dump name, gen-data arguments, extra ingest arguments)
    let cases: Vec<(&str, Vec<&str>, Vec<&str>)> = vec![
        ("telecom.csv", vec!["--format", "csv"], vec![]),
        (
            "telecom.tsv",
            vec!["--format", "tsv", "--header-lang", "fr"],
            vec![],
        ),
        (
            "telecom-pipe.txt",
            vec!["--format", "delimited", "--delimiter", "|"],
            vec![],
        ),
        (
            "scrape-colon.txt",
            vec![
                "--format",
                "delimited",
                "--delimiter",
                ":",
                "--header-lang",
                "en",
            ],
            vec![],
        ),
        (
            "broker.jsonl",
            vec!["--format", "jsonl", "--kind", "broker"],
            vec![],
        ),
        (
            "numbers.txt",
            vec!["--format", "lines", "--kind", "scrape"],
            vec![],
        ),
        (
            "mongo.json",
            vec!["--format", "json", "--header-lang", "en"],
            vec![],
        ),
        (
            "broker.json",
            vec!["--format", "json", "--kind", "broker", "--seed", "4"],
            vec![],
        ),
        (
            "mysqldump.sql",
            vec!["--format", "sql", "--dialect", "mysql"],
            vec![],
        ),
        (
            "pg-copy.sql",
            vec![
                "--format",
                "sql",
                "--dialect",
                "pg-copy",
                "--header-lang",
                "fr",
            ],
            vec![],
        ),
        (
            "pg-inserts.sql",
            vec![
                "--format",
                "sql",
                "--dialect",
                "pg-inserts",
                "--header-lang",
                "en",
            ],
            vec![],
        ),
        ("combo.txt", vec!["--format", "credentials"], vec![]),
        (
            "combo-url.txt",
            vec![
                "--format",
                "credentials",
                "--layout",
                "url-login-password",
                "--kind",
                "broker",
            ],
            vec![],
        ),
        (
            "combo-url-last.txt",
            vec![
                "--format",
                "credentials",
                "--layout",
                "login-password-url",
                "--delimiter",
                "|",
            ],
            vec![],
        ),
        (
            "phone-combo.txt",
            vec![
                "--format",
                "credentials",
                "--kind",
                "scrape",
                "--delimiter",
                ";",
            ],
            vec![],
        ),
        ("stealer.txt", vec!["--format", "stealer"], vec![]),
        ("contacts.vcf", vec!["--format", "vcard"], vec![]),
        (
            "broker.vcf",
            vec!["--format", "vcard", "--kind", "broker"],
            vec![],
        ),
        ("telecom.xlsx", vec!["--format", "xlsx"], vec![]),
        (
            "telecom.ods",
            vec!["--format", "ods", "--header-lang", "fr"],
            vec![],
        ),
        (
            "telecom.csv.zst",
            vec![
                "--format",
                "csv",
                "--compress",
                "zstd",
                "--encoding",
                "latin1",
            ],
            vec![],
        ),
        (
            "broker.csv.bz2",
            vec!["--format", "csv", "--kind", "broker", "--compress", "bzip2"],
            vec![],
        ),
        (
            "telecom.jsonl.xz",
            vec![
                "--format",
                "jsonl",
                "--compress",
                "xz",
                "--header-lang",
                "fr",
            ],
            vec![],
        ),
        (
            "sealed-cards.zip",
            vec![
                "--format",
                "vcard",
                "--container",
                "zip",
                "--zip-password-file",
                &pw,
            ],
            vec!["--password-file", &pw],
        ),
        (
            "telecom.csv.zip",
            vec!["--format", "csv", "--container", "zip"],
            vec![],
        ),
        (
            "sealed.sql.zip",
            vec![
                "--format",
                "sql",
                "--container",
                "zip",
                "--zip-password-file",
                &pw,
            ],
            vec!["--password-file", &pw],
        ),
        (
            "dump.tar",
            vec!["--format", "json", "--container", "tar"],
            vec![],
        ),
        (
            "dump.tar.gz",
            vec!["--format", "stealer", "--container", "tar.gz"],
            vec![],
        ),
        (
            "vcards.tar.gz",
            vec![
                "--format",
                "vcard",
                "--container",
                "tar.gz",
                "--compress",
                "gzip",
            ],
            vec![],
        ),
    ];
    let key = ServerKey::load(&data.join("oprf.key")).unwrap();
    let mut outputs = String::new();
    let mut passwords: Vec<String> = Vec::new();
    let mut summary = Vec::new();
    for (n, (name, args, extra)) in cases.iter().enumerate() {
        let dump = dir.path().join(name);
        let seed = (100 + n).to_string();
        let mut gen = vec![
            "gen-data",
            "--rows",
            "3000",
            "--seed",
            &seed,
            "--regions",
            nl_be,
        ];
        if args.contains(&"--seed") {
            gen.truncate(3);
        }
        gen.extend(args.iter().copied());
        gen.push(dump.to_str().unwrap());
        lekradar(&data, &gen);
        let truth = lekradar_gen::Truth::read(&lekradar_gen::truth_path(&dump)).unwrap();
        if let lekradar_gen::Format::Credentials { .. } | lekradar_gen::Format::Stealer =
            truth.options.format
        {
            passwords.extend(sample_passwords(&dump, &truth, 25));
        }
        let breach = format!("F{n}");
        lekradar(
            &data,
            &["breach", "add", &breach, "--breach-date", "2026-01-01"],
        );
        let mut ingest = vec!["ingest", "--breach", &breach, "--region", "NL,BE"];
        ingest.extend(extra.iter().copied());
        ingest.push(dump.to_str().unwrap());
        let out = lekradar(&data, &ingest);
        let report = String::from_utf8_lossy(&out.stdout).into_owned();
        outputs += &report;
        outputs += &String::from_utf8_lossy(&out.stderr);

        let snapshot = IndexReader::open(&data.join("index")).unwrap().snapshot();
        let meta =
            BreachMetadata::decode(snapshot.breach(&breach).unwrap().metadata().unwrap()).unwrap();
        let (mut expected, mut found, mut classes_right) = (0u64, 0u64, 0u64);
        let mut wrong = Vec::new();
        for row in truth.rows.iter().filter(|r| !r.duplicate) {
            for id in row.phones.iter().chain(&row.emails) {
                expected += 1;
                let id = normalize(id, Region::NL).unwrap();
                let hits = lekradar_check::check(&snapshot, &key, &id).unwrap();
                if let Some(hit) = hits.iter().find(|h| h.breach.name() == breach) {
                    found += 1;
                    let mut got: Vec<&str> = meta.class_names(hit.classes);
                    let mut want: Vec<&str> = row.classes.iter().map(String::as_str).collect();
                    got.sort_unstable();
                    want.sort_unstable();
                    if got == want {
                        classes_right += 1;
                    } else if wrong.len() < 3 {
                        wrong.push(format!("{}: got {got:?}, want {want:?}", row.line));
                    }
                }
            }
        }
        let recall = found as f64 / expected as f64;
        let rejected: u64 = report
            .lines()
            .filter_map(|l| l.trim().strip_prefix("rejected rows: "))
            .filter_map(|n| n.trim().parse::<u64>().ok())
            .sum();
        summary.push(format!(
            "{name:<22} {:<12} recall {found}/{expected} = {recall:.4}, classes exact {classes_right}, \
             junk {} rejected {rejected}",
            truth.options.format.registry_name(),
            truth.totals.junk_rows
        ));
        assert!(
            expected > 2500,
            "{name}: {expected} identifiers in the truth"
        );
        assert!(recall >= 0.99, "{name}: recall {recall}\n{report}");
        assert!(
            classes_right as f64 >= 0.99 * found as f64,
            "{name}: per-record classes {classes_right}/{found}: {wrong:?}\n{report}"
        );
        assert!(
            rejected >= truth.totals.junk_rows,
            "{name}: {} junk records, {rejected} rejected\n{report}",
            truth.totals.junk_rows
        );
        if truth.data_classes.contains_key("Passwords") {
            assert!(report.contains("Passwords"), "{name}: {report}");
        }
    }
    // A directory of dumps in different shapes, one breach: every file
    // read with its own detection and report, each recalled against its truth.
    let folder = dir.path().join("folder");
    std::fs::create_dir(&folder).unwrap();
    let mut truths = Vec::new();
    for (k, (name, args)) in [
        (
            "klanten.sql",
            vec!["--format", "sql", "--dialect", "pg-copy"],
        ),
        (
            "contacts.vcf",
            vec!["--format", "vcard", "--kind", "broker"],
        ),
        (
            "combo.txt",
            vec!["--format", "credentials", "--layout", "url-login-password"],
        ),
    ]
    .into_iter()
    .enumerate()
    {
        let dump = folder.join(name);
        let seed = (200 + k).to_string();
        let mut gen = vec![
            "gen-data",
            "--rows",
            "2000",
            "--seed",
            &seed,
            "--regions",
            nl_be,
        ];
        gen.extend(args);
        gen.push(dump.to_str().unwrap());
        lekradar(&data, &gen);
        let truth_file = lekradar_gen::truth_path(&dump);
        let truth = lekradar_gen::Truth::read(&truth_file).unwrap();
        if let lekradar_gen::Format::Credentials { .. } = truth.options.format {
            passwords.extend(sample_passwords(&dump, &truth, 25));
        }
        truths.push(truth);
        // The truth files stay out of the folder ingest reads.
        std::fs::rename(&truth_file, dir.path().join(format!("{name}.truth.json"))).unwrap();
    }
    lekradar(
        &data,
        &["breach", "add", "Folder", "--breach-date", "2026-01-01"],
    );
    let out = lekradar(
        &data,
        &[
            "ingest",
            "--breach",
            "Folder",
            "--region",
            "NL,BE",
            folder.to_str().unwrap(),
        ],
    );
    let report = String::from_utf8_lossy(&out.stdout).into_owned();
    outputs += &report;
    for name in ["klanten.sql", "contacts.vcf", "combo.txt"] {
        assert!(report.contains(name), "each file has its report: {report}");
    }
    let snapshot = IndexReader::open(&data.join("index")).unwrap().snapshot();
    let (mut expected, mut found) = (0u64, 0u64);
    for truth in &truths {
        for row in truth.rows.iter().filter(|r| !r.duplicate) {
            for id in row.phones.iter().chain(&row.emails) {
                expected += 1;
                let id = normalize(id, Region::NL).unwrap();
                let hits = lekradar_check::check(&snapshot, &key, &id).unwrap();
                found += u64::from(hits.iter().any(|h| h.breach.name() == "Folder"));
            }
        }
    }
    let recall = found as f64 / expected as f64;
    summary.push(format!(
        "{:<22} {:<12} recall {found}/{expected} = {recall:.4}",
        "folder/ (3 files)", "sql+vcard+credentials"
    ));
    assert!(recall >= 0.99, "folder: recall {recall}\n{report}");

    eprintln!("{}", summary.join("\n"));

    // No password of the credential lists and stealer logs in any stored
    // file or in anything ingest printed.
    assert!(passwords.len() >= 100, "{}", passwords.len());
    let mut files = Vec::new();
    all_files(&data, &mut files);
    files.push(("output".into(), outputs.into_bytes()));
    for (path, bytes) in &files {
        for pw in &passwords {
            assert!(
                !bytes.windows(pw.len()).any(|w| w == pw.as_bytes()),
                "a password in the clear in {path}"
            );
        }
    }
}

/// Up to `n` passwords of a generated credential list or stealer log (plain
/// or in a tar.gz), read back from the dump itself.
fn sample_passwords(dump: &Path, truth: &lekradar_gen::Truth, n: usize) -> Vec<String> {
    use std::io::Read;
    let raw = std::fs::read(dump).unwrap();
    let text = match truth.options.container {
        lekradar_gen::Container::TarGz => {
            let mut tar = tar::Archive::new(flate2::read::GzDecoder::new(&raw[..]));
            let mut entry = tar.entries().unwrap().next().unwrap().unwrap();
            let mut s = String::new();
            entry.read_to_string(&mut s).unwrap();
            s
        }
        _ => String::from_utf8_lossy(&raw).into_owned(),
    };
    let mut out = Vec::new();
    for line in text.lines() {
        let pw = match truth.options.format {
            lekradar_gen::Format::Stealer => line.strip_prefix("Password: "),
            lekradar_gen::Format::Credentials { layout, delimiter } => {
                let parts: Vec<&str> = line.split(delimiter).collect();
                match layout {
                    lekradar_gen::CredentialLayout::LoginPassword => parts.get(1).copied(),
                    _ if parts.len() >= 3 => {
                        // The URL may hold the delimiter itself (https:).
                        if layout == lekradar_gen::CredentialLayout::UrlLoginPassword {
                            parts.last().copied()
                        } else {
                            parts.get(1).copied()
                        }
                    }
                    _ => None,
                }
            }
            _ => None,
        };
        if let Some(pw) = pw.filter(|p| p.len() >= 8) {
            out.push(pw.to_owned());
            if out.len() == n {
                break;
            }
        }
    }
    out
}
