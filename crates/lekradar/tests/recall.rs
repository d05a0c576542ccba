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
