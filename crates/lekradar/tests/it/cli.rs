//! The binary as a user runs it: normalize, key, demo, lookup and index
//! commands, their errors, and that nothing identifying reaches the data
//! directory in the clear.

use std::io::Write;
use std::os::unix::fs::PermissionsExt;
use std::process::{Command, Output, Stdio};

use crate::support;

use support::{all_files, assert_none_in, lekradar};

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn normalize(region: &str, input: &str) -> String {
    let mut child = Command::new(env!("CARGO_BIN_EXE_lekradar"))
        .args(["normalize", "--region", region])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    stdout(&out)
}

/// `lekradar normalize <numbers | head -1`: the pipe closes early and the
/// command ends quietly, as `cat` would, instead of panicking.
#[test]
fn a_closed_output_pipe_ends_a_command_without_a_panic() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_lekradar"))
        .args(["normalize", "--region", "NL"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    // Far more than a pipe buffer holds, so the command must write after
    // the reader is gone.
    let writer = std::thread::spawn(move || {
        for _ in 0..200_000 {
            if stdin.write_all(b"06-12345678\n").is_err() {
                break;
            }
        }
    });
    let mut out = child.stdout.take().unwrap();
    let mut first = [0u8; 6];
    std::io::Read::read_exact(&mut out, &mut first).unwrap();
    assert_eq!(&first, b"phone ");
    drop(out);
    let done = child.wait_with_output().unwrap();
    writer.join().unwrap();
    let err = stderr(&done);
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(
        std::os::unix::process::ExitStatusExt::signal(&done.status),
        Some(libc_sigpipe()),
        "ended by SIGPIPE like any Unix filter: {:?}",
        done.status
    );
}

/// SIGPIPE's number on Linux and the BSDs.
fn libc_sigpipe() -> i32 {
    13
}

#[test]
fn normalize_prints_one_answer_per_line() {
    let input = "06-12345678\n0031 6 12345678\n+32 470 12 34 56\n(0)6 1234 5678\ntel:+31-6-1234-5678\n Jan@Bücher.Example \n\nnot a number\n316123456789012\n";
    let out = normalize("NL", input);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 9, "{out}");
    assert_eq!(
        lines[..6],
        [
            "phone +31612345678",
            "phone +31612345678",
            "phone +32470123456",
            "phone +31612345678",
            "phone +31612345678",
            "email jan@xn--bcher-kva.example",
        ]
    );
    for reject in &lines[6..] {
        assert!(reject.starts_with("reject "), "{reject}");
    }
}

#[test]
fn normalize_reads_national_numbers_with_the_given_region() {
    assert_eq!(normalize("BE", "0470/12.34.56\n"), "phone +32470123456\n");
    assert!(normalize("NL", "0470/12.34.56\n").starts_with("reject"));
    // Invalid UTF-8 is read, not fatal.
    assert!(normalize("NL", "\u{fffd}\u{0}\n").starts_with("reject"));
}

#[test]
fn unknown_region_is_a_clear_error() {
    let out = Command::new(env!("CARGO_BIN_EXE_lekradar"))
        .args(["normalize", "--region", "XX"])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(stderr(&out).contains("XX"), "{}", stderr(&out));
}

#[test]
fn key_init_creates_a_private_file_and_never_overwrites_it() {
    let dir = tempfile::tempdir().unwrap();
    let out = lekradar(dir.path(), &["key", "init"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let key = dir.path().join("oprf.key");
    assert_eq!(
        std::fs::metadata(&key).unwrap().permissions().mode() & 0o777,
        0o600
    );
    let before = std::fs::read(&key).unwrap();

    let again = lekradar(dir.path(), &["key", "init"]);
    assert!(!again.status.success());
    assert!(stderr(&again).contains("exists"), "{}", stderr(&again));
    assert_eq!(std::fs::read(&key).unwrap(), before);

    let show = lekradar(dir.path(), &["key", "show"]);
    assert!(show.status.success());
    assert!(stdout(&show).contains("key id"));

    std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o640)).unwrap();
    let loose = lekradar(dir.path(), &["key", "show"]);
    assert!(!loose.status.success());
    assert!(stderr(&loose).contains("chmod 600"), "{}", stderr(&loose));
}

#[test]
fn lookup_without_a_key_says_how_to_make_one() {
    let dir = tempfile::tempdir().unwrap();
    let out = lekradar(dir.path(), &["lookup", "06-12345678"]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("lekradar key init"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn data_dir_comes_from_the_environment_too() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_lekradar"))
        .args(["key", "init"])
        .env("LEKRADAR_DATA_DIR", dir.path())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(dir.path().join("oprf.key").exists());
}

/// The demo's printed examples: `try IDENTIFIER (note)` lines.
fn demo_examples(stdout: &str) -> Vec<(String, String)> {
    stdout
        .lines()
        .filter_map(|l| l.strip_prefix("try "))
        .filter_map(|l| {
            let (id, note) = l.split_once(" (")?;
            Some((id.trim().to_owned(), note.trim_end_matches(')').to_owned()))
        })
        .collect()
}

#[test]
fn demo_builds_answers_and_keeps_no_identifier_in_the_clear() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let tmp = dir.path().join("tmp");
    std::fs::create_dir(&tmp).unwrap();
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_lekradar"))
            .arg("--data-dir")
            .arg(&data)
            .args(args)
            .env("TMPDIR", &tmp)
            .output()
            .unwrap()
    };
    let out = run(&["demo", "--size", "3000", "--no-serve", "06-21234567"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    let examples = demo_examples(&text);
    // A person per breach (phone, and email where the breach has emails),
    // then clean ones.
    let found: Vec<_> = examples
        .iter()
        .filter(|(_, n)| n.starts_with("in Demo"))
        .collect();
    let clean: Vec<_> = examples
        .iter()
        .filter(|(_, n)| n == "in no breach")
        .collect();
    assert!(found.len() >= 5, "{text}");
    assert_eq!(clean.len(), 2, "{text}");
    assert!(text.contains("(phone +31621234567): not found"), "{text}");
    // The examples answer as printed.
    for (id, note) in &examples {
        let look = stdout(&lekradar(&data, &["lookup", id]));
        if note == "in no breach" {
            assert!(look.contains("not found"), "{id}: {look}");
        } else {
            assert!(look.contains("found in"), "{id}: {look}");
        }
    }
    // The telecom person's record holds an ID document.
    let telecom = found.iter().find(|(_, n)| n.contains("telecom")).unwrap();
    let look = stdout(&lekradar(&data, &["lookup", &telecom.0]));
    assert!(look.contains("Government issued IDs"), "{look}");

    // A second run reuses the breaches.
    let again = run(&["demo", "--size", "3000", "--no-serve"]);
    assert!(again.status.success());
    assert!(!stderr(&again).contains("ingesting"), "{}", stderr(&again));
    assert_eq!(demo_examples(&stdout(&again)), examples);

    let stats = lekradar(&data, &["index", "stats"]);
    for name in ["DemoMessengerScrape", "DemoTelco2026", "DemoDataBroker"] {
        assert!(stdout(&stats).contains(name), "{}", stdout(&stats));
    }
    let verify = lekradar(&data, &["index", "verify"]);
    assert!(verify.status.success() && stdout(&verify).starts_with("ok"));

    // The generated dumps are gone, and nothing identifying is stored.
    assert_eq!(
        std::fs::read_dir(&tmp).unwrap().count(),
        0,
        "demo left files in TMPDIR"
    );
    let mut files = Vec::new();
    all_files(&data, &mut files);
    assert!(files.len() >= 5);
    let mut needles: Vec<String> = Vec::new();
    for (id, _) in &found {
        needles.push(id.clone());
        if let Some(digits) = id.strip_prefix('+') {
            needles.push(digits.to_owned());
            needles.push(digits[2..].to_owned());
        }
        if let Some((local, _)) = id.split_once('@') {
            needles.push(local.to_owned());
        }
    }
    let needles: Vec<&str> = needles.iter().map(String::as_str).collect();
    assert_none_in(&files, &needles);
}

#[test]
fn a_damaged_index_is_reported_with_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    assert!(lekradar(data, &["demo", "--size", "500", "--no-serve"])
        .status
        .success());
    let seg = std::fs::read_dir(data.join("index"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "lks"))
        .unwrap();
    let mut bytes = std::fs::read(&seg).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0xff;
    std::fs::write(&seg, bytes).unwrap();
    let out = lekradar(data, &["index", "verify"]);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(
        err.contains("damaged") && err.contains("checksum") && err.contains("backup"),
        "{err}"
    );
}

#[test]
fn breach_metadata_from_flags_and_toml() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    let add = lekradar(
        data,
        &[
            "breach",
            "add",
            "Telecom2026",
            "--title",
            "Telecom customer system",
            "--breach-date",
            "2026-02-12",
            "--data-class",
            "Phone numbers",
            "--data-class",
            "Bank account numbers",
            "--region",
            "NL",
            "--description-nl",
            "Klantcontactsysteem",
            "--sensitive",
            "false",
        ],
    );
    assert!(add.status.success(), "{}", stderr(&add));
    let toml_path = data.join("scrape.toml");
    std::fs::write(
        &toml_path,
        "Name = \"Scrape2022\"\nTitle = \"App scrape\"\nBreachDate = \"2022-11-16\"\nKind = \"scrape\"\nDataClasses = [\"Phone numbers\"]\nDefaultRegions = [\"NL\", \"BE\"]\n",
    )
    .unwrap();
    let add = lekradar(
        data,
        &["breach", "add", "--file", toml_path.to_str().unwrap()],
    );
    assert!(add.status.success(), "{}", stderr(&add));

    let again = lekradar(
        data,
        &["breach", "add", "Scrape2022", "--breach-date", "2022-01-01"],
    );
    assert!(
        stderr(&again).contains("exists already"),
        "{}",
        stderr(&again)
    );
    let future = lekradar(
        data,
        &["breach", "add", "Later", "--breach-date", "2999-01-01"],
    );
    assert!(
        stderr(&future).contains("BreachDate: lies in the future"),
        "{}",
        stderr(&future)
    );
    std::fs::write(
        &toml_path,
        "Name = \"X\"\nTitle = \"t\"\nBreachDate = \"2022-11-16\"\nIsSensitiv = true\n",
    )
    .unwrap();
    let typo = lekradar(
        data,
        &["breach", "add", "--file", toml_path.to_str().unwrap()],
    );
    assert!(stderr(&typo).contains("IsSensitiv"), "{}", stderr(&typo));

    let edit = lekradar(
        data,
        &[
            "breach",
            "edit",
            "Telecom2026",
            "--data-class",
            "Government issued IDs",
            "--verified",
            "true",
        ],
    );
    assert!(edit.status.success(), "{}", stderr(&edit));
    let show = stdout(&lekradar(data, &["breach", "show", "Telecom2026"]));
    assert!(show.contains("IsVerified = true"), "{show}");
    assert!(
        show.contains(
            "\"Phone numbers\",\n    \"Bank account numbers\",\n    \"Government issued IDs\""
        ),
        "{show}"
    );
    let json = stdout(&lekradar(data, &["breach", "show", "Scrape2022", "--json"]));
    assert!(json.contains("\"Kind\":\"scrape\""), "{json}");

    assert!(lekradar(data, &["breach", "retire", "Scrape2022"])
        .status
        .success());
    let list = stdout(&lekradar(data, &["breach", "list"]));
    let rows: Vec<&str> = list.lines().collect();
    assert_eq!(rows.len(), 3, "{list}");
    assert!(
        rows[1].starts_with("Scrape2022") && rows[1].contains("retired"),
        "{list}"
    );
    assert!(
        rows[2].starts_with("Telecom2026") && rows[2].contains("active"),
        "{list}"
    );
    let missing = lekradar(data, &["breach", "show", "Nope"]);
    assert!(
        stderr(&missing).contains("breach list"),
        "{}",
        stderr(&missing)
    );
}

#[test]
fn ingest_finds_people_keeps_nothing_in_the_clear_and_reruns_are_no_ops() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    assert!(lekradar(&data, &["key", "init"]).status.success());
    let add = lekradar(
        &data,
        &[
            "breach",
            "add",
            "Telco",
            "--breach-date",
            "2026-02-01",
            "--region",
            "NL",
            "--region",
            "BE",
        ],
    );
    assert!(add.status.success(), "{}", stderr(&add));
    let dump = dir.path().join("dump.csv");
    let mut text = String::from("klantnummer;voornaam;achternaam;e-mail;gsm;iban;paspoortnummer\n");
    let mut secrets = Vec::new();
    for i in 0..300u32 {
        let phone = format!("06-{:08}", 20_000_000 + i * 7);
        let email = format!("Klant.Nummer{i}@Voorbeeld.example");
        let name = format!("Achternaamx{i}");
        let iban = "NL91ABNA0417164300";
        text.push_str(&format!(
            "K{i:05};Voornaamx{i};{name};{email};{phone};{iban};{}\n",
            if i % 2 == 0 { "NX1234567" } else { "" }
        ));
        secrets.extend([
            format!("{}", 31_620_000_000u64 + u64::from(i) * 7),
            email.to_lowercase(),
            name,
            format!("K{i:05}"),
        ]);
    }
    secrets.extend([
        "NL91ABNA0417164300".into(),
        "NX1234567".into(),
        "Voornaamx1".into(),
    ]);
    text.push_str("K99999;Broken\n");
    std::fs::write(&dump, &text).unwrap();

    let run = lekradar(
        &data,
        &["ingest", "--breach", "Telco", dump.to_str().unwrap()],
    );
    assert!(run.status.success(), "{}", stderr(&run));
    let report = stdout(&run);
    assert!(
        report.contains("rows 301, records 300, identifiers 600"),
        "{report}"
    );
    assert!(
        report.contains("line 302: wrong number of fields"),
        "{report}"
    );

    let look = stdout(&lekradar(
        &data,
        &[
            "lookup",
            "+31 6 2000 0014",
            "klant.nummer1@voorbeeld.example",
        ],
    ));
    assert!(
        look.contains("Government issued IDs"),
        "record 2 has an ID document: {look}"
    );
    let second = look
        .lines()
        .skip_while(|l| !l.contains("klant.nummer1@"))
        .nth(1)
        .unwrap();
    assert!(
        !second.contains("Government issued IDs"),
        "record 1 has none: {look}"
    );

    let again = stdout(&lekradar(
        &data,
        &["ingest", "--breach", "Telco", dump.to_str().unwrap()],
    ));
    assert!(again.contains("already ingested"), "{again}");

    let mut files = Vec::new();
    all_files(&data, &mut files);
    files.push(("ingest stderr".into(), run.stderr.clone()));
    assert_none_in(&files, &secrets);
}

#[test]
fn gdpr_letters_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    for (lang, article) in [("nl", "15"), ("fr", "15"), ("en", "15")] {
        let out = lekradar(
            dir.path(),
            &[
                "letter",
                "access",
                "--lang",
                lang,
                "--broker",
                "Contactdata BV",
                "--name",
                "Jan Jansen",
                "--identifier",
                "06-12345678",
                "--identifier",
                "jan@example.nl",
                "--place",
                "Gent",
                "--country",
                "be",
            ],
        );
        assert!(out.status.success(), "{}", stderr(&out));
        let text = stdout(&out);
        for needle in [
            "Contactdata BV",
            "Jan Jansen",
            "06-12345678\njan@example.nl",
            "Gent",
            article,
        ] {
            assert!(
                text.contains(needle),
                "{lang}: {needle} missing from\n{text}"
            );
        }
        assert!(!text.contains("letter-"), "{text}");
        // Where to complain goes to stderr, for Belgium.
        assert!(stderr(&out).contains("http"), "{}", stderr(&out));
    }
    let erasure = stdout(&lekradar(
        dir.path(),
        &["letter", "erasure", "--lang", "en"],
    ));
    assert!(erasure.contains("17"), "{erasure}");
    // Fields left out stay visible placeholders.
    assert!(erasure.contains("[Your name]"), "{erasure}");
    // Nothing was written anywhere.
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

/// Review finding: a retired breach was reactivated by the next ingest,
/// which sealed every entry again from pad 0 under the same tags (a bucket
/// saved before and after showed, by XOR, how a person's classes changed)
/// and counted everybody twice (PwnCount 542 → 906). Now the ingest is
/// refused with a clear message and the index does not change.
#[test]
fn ingest_into_a_retired_breach_is_refused_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    assert!(lekradar(&data, &["key", "init"]).status.success());
    let add = lekradar(
        &data,
        &["breach", "add", "Old", "--breach-date", "2024-03-01"],
    );
    assert!(add.status.success(), "{}", stderr(&add));
    let dump = dir.path().join("numbers.txt");
    let numbers: String = (0..40u32)
        .map(|i| format!("06-{:08}\n", 30_000_000 + i * 11))
        .collect();
    std::fs::write(&dump, &numbers).unwrap();
    let run = lekradar(
        &data,
        &["ingest", "--breach", "Old", dump.to_str().unwrap()],
    );
    assert!(run.status.success(), "{}", stderr(&run));
    assert!(lekradar(&data, &["breach", "retire", "Old"])
        .status
        .success());
    let before = stdout(&lekradar(&data, &["breach", "show", "Old", "--json"]));
    let stats_before = stdout(&lekradar(&data, &["index", "stats"]));
    // The same file, and a new one: both refused.
    let other = dir.path().join("more.txt");
    std::fs::write(&other, "06-39999999\n").unwrap();
    for file in [&dump, &other] {
        let again = lekradar(
            &data,
            &["ingest", "--breach", "Old", file.to_str().unwrap()],
        );
        assert!(!again.status.success(), "{}", stdout(&again));
        let err = stderr(&again);
        assert!(
            err.contains("retired") && err.contains("new breach"),
            "{err}"
        );
    }
    let after = stdout(&lekradar(&data, &["breach", "show", "Old", "--json"]));
    assert_eq!(before, after, "metadata (PwnCount, sources) unchanged");
    assert!(after.contains("\"PwnCount\":40"), "{after}");
    assert_eq!(
        stats_before,
        stdout(&lekradar(&data, &["index", "stats"])),
        "no new generation, no entries"
    );
    let look = stdout(&lekradar(&data, &["lookup", "06-30000000"]));
    assert!(
        !look.contains("Old"),
        "a retired breach finds nobody: {look}"
    );
}

/// Review finding: a sensitive `Sens` and a public `sens` could both be
/// added, and a hit in `Sens` was reported as `sens`. Names that differ
/// only in case are refused wherever a breach is created.
#[test]
fn breach_names_that_differ_only_in_case_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    assert!(lekradar(&data, &["key", "init"]).status.success());
    let add = lekradar(
        &data,
        &[
            "breach",
            "add",
            "Sens",
            "--breach-date",
            "2024-03-01",
            "--sensitive",
            "true",
        ],
    );
    assert!(add.status.success(), "{}", stderr(&add));
    let toml_path = dir.path().join("b.toml");
    std::fs::write(
        &toml_path,
        "Name = \"SENS\"\nTitle = \"t\"\nBreachDate = \"2022-11-16\"\n",
    )
    .unwrap();
    for args in [
        vec!["breach", "add", "sens", "--breach-date", "2024-03-01"],
        vec!["breach", "add", "--file", toml_path.to_str().unwrap()],
    ] {
        let out = lekradar(&data, &args);
        assert!(!out.status.success(), "{args:?}");
        let err = stderr(&out);
        assert!(
            err.contains("only in case") && err.contains("\"Sens\""),
            "{err}"
        );
    }
    let list = stdout(&lekradar(&data, &["breach", "list"]));
    assert_eq!(list.lines().count(), 2, "header and Sens only: {list}");
}
