//! The dump shapes operators receive, ingested with the binary as they
//! circulate: a colon-separated scrape with commas inside fields, an
//! `email:password` combolist, a stealer log, a mysqldump with extended
//! inserts and two tables, a tar.gz of several of them. Each is detected
//! from its content, found by `lookup` with the classes it implies, and no
//! password reaches a file or the output.

use std::process::Output;

use crate::support;

use support::{all_files, assert_none_in, lekradar};

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

struct Breach {
    _dir: tempfile::TempDir,
    data: std::path::PathBuf,
    files: std::path::PathBuf,
}

impl Breach {
    fn new() -> Breach {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        let files = dir.path().join("files");
        std::fs::create_dir(&files).unwrap();
        let b = Breach {
            data,
            files,
            _dir: dir,
        };
        b.ok(&["key", "init"]);
        b.ok(&[
            "breach",
            "add",
            "Dump",
            "--breach-date",
            "2026-01-01",
            "--kind",
            "breach",
            "--region",
            "NL",
            "--region",
            "BE",
        ]);
        b
    }

    fn run(&self, args: &[&str]) -> Output {
        lekradar(&self.data, args)
    }

    fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
        stdout(&out) + &stderr(&out)
    }

    fn file(&self, name: &str, bytes: &[u8]) -> String {
        let path = self.files.join(name);
        std::fs::write(&path, bytes).unwrap();
        path.to_str().unwrap().to_owned()
    }

    fn ingest(&self, path: &str, extra: &[&str]) -> String {
        let mut args = vec!["ingest", "--breach", "Dump"];
        args.extend_from_slice(extra);
        args.push(path);
        self.ok(&args)
    }

    fn lookup(&self, id: &str) -> String {
        self.ok(&["lookup", id])
    }
}

#[test]
fn a_colon_separated_scrape_with_commas_inside_fields_is_read_as_colon_separated() {
    let b = Breach::new();
    let mut text = String::new();
    let first = ["Jan", "Sophie", "Lucas", "Emma", "Noah", "Léa"];
    let last = ["Jansen", "de Vries", "Peeters", "D'Hondt"];
    for i in 0..60 {
        let place = if i % 2 == 0 {
            "Amsterdam, Netherlands"
        } else {
            "Gent, Belgium"
        };
        let (f, l) = (first[i % first.len()], last[i % last.len()]);
        text.push_str(&format!(
            "3161234{i:04}:1000012345{i:05}:{f}:{l}:male:{place}:{place}:::1/1/2018 12:00:00 AM::\n"
        ));
    }
    let f = b.file("scrape.txt", text.as_bytes());
    let out = b.ingest(&f, &["--dry-run"]);
    assert!(out.contains("delimited by ':'"), "{out}");
    let out = b.ingest(&f, &[]);
    assert!(out.contains("rows 60, records 60, identifiers 60"), "{out}");
    // The date split at its colons (`1/1/2018 12`) is not taken for a
    // second phone column.
    assert!(out.contains("60 identifiers new to the breach"), "{out}");
    let look = b.lookup("+31612340007");
    assert!(look.contains("found in"), "{look}");
    // Without a header, the names, places and profile ids are found by
    // what they hold.
    for class in [
        "Genders",
        "Names",
        "Geographic locations",
        "Social media profiles",
    ] {
        assert!(look.contains(class), "{class}: {look}");
    }
}

#[test]
fn credential_lists_and_stealer_logs_give_passwords_and_keep_none() {
    let b = Breach::new();
    let mut passwords = Vec::new();
    let mut combo = String::new();
    for i in 0..40 {
        let pw = format!("Combo-Secret-{i:03}x");
        combo.push_str(&format!("user{i}@example.nl:{pw}\n"));
        passwords.push(pw);
    }
    let mut stealer = String::new();
    for i in 0..20 {
        let pw = format!("Stealer-Secret-{i:03}y");
        stealer.push_str(&format!(
            "URL: https://login.example.be/{i}\nUsername: 0470 12 {i:02} 56\nPassword: {pw}\n===============\n"
        ));
        passwords.push(pw);
    }
    let combo = b.file("combo.txt", combo.as_bytes());
    let stealer = b.file("passwords.txt", stealer.as_bytes());

    let dry = b.ingest(&combo, &["--dry-run"]);
    assert!(dry.contains("credential list"), "{dry}");
    assert!(dry.contains("<secret>"), "{dry}");
    let mut output = dry;
    output += &b.ingest(&combo, &[]);
    assert!(output.contains("identifiers 40"), "{output}");
    output += &b.ingest(&stealer, &["--dry-run"]);
    assert!(output.contains("stealer log"), "{output}");
    output += &b.ingest(&stealer, &[]);
    assert!(output.contains("identifiers 20"), "{output}");

    let look = b.lookup("user7@example.nl");
    assert!(look.contains("Passwords"), "{look}");
    let look = b.lookup("+32470120556");
    assert!(look.contains("Passwords"), "{look}");

    // No password in any file of the data directory, nor in what was printed.
    std::fs::remove_file(&combo).unwrap();
    std::fs::remove_file(&stealer).unwrap();
    let mut files = Vec::new();
    all_files(&b.data, &mut files);
    files.push(("output".into(), output.into_bytes()));
    assert_none_in(&files, &passwords);
    assert_none_in(&files, &["user7@example.nl", "Secret-0"]);
}

#[test]
fn a_mysqldump_with_extended_inserts_reads_every_table_with_its_own_columns() {
    let b = Breach::new();
    let mut sql = String::from(
        "-- MySQL dump 10.13\n/*!40101 SET NAMES utf8mb4 */;\nDROP TABLE IF EXISTS `users`;\n\
         CREATE TABLE `users` (\n  `id` int NOT NULL AUTO_INCREMENT,\n  `email` varchar(255) DEFAULT NULL,\n  \
         `password` varchar(255) DEFAULT NULL,\n  `last_ip` varchar(45),\n  PRIMARY KEY (`id`)\n) ENGINE=InnoDB;\n\
         INSERT INTO `users` VALUES ",
    );
    let rows: Vec<String> = (0..50)
        .map(|i| format!("({i},'o\\'neil{i}@example.be','$2y$10$hash{i}','192.0.2.{i}')"))
        .collect();
    sql.push_str(&rows.join(","));
    sql.push_str(";\nCREATE TABLE `orders` (`id` int, `gsm` varchar(20), `city` varchar(40));\nINSERT INTO `orders` VALUES ");
    let rows: Vec<String> = (0..30)
        .map(|i| format!("({i},'06-1234{i:04}','Utrecht')"))
        .collect();
    sql.push_str(&rows.join(","));
    sql.push_str(";\nCREATE TABLE `settings` (`k` varchar(10), `v` varchar(10));\nINSERT INTO `settings` VALUES ('a','b');\n");
    let f = b.file("forum.sql", sql.as_bytes());
    let dry = b.ingest(&f, &["--dry-run"]);
    assert!(dry.contains("SQL dump"), "{dry}");
    assert!(dry.contains("table users"), "{dry}");
    assert!(dry.contains("table orders"), "{dry}");
    assert!(dry.contains("skipped"), "{dry}");
    let out = b.ingest(&f, &[]);
    assert!(out.contains("identifiers 80"), "{out}");
    let look = b.lookup("o'neil3@example.be");
    assert!(look.contains("Passwords"), "{look}");
    assert!(look.contains("IP addresses"), "{look}");
    let look = b.lookup("0612340011");
    assert!(look.contains("found in"), "{look}");
}

#[test]
fn an_archive_of_several_dumps_reads_each_member_and_skips_a_repeat() {
    let b = Breach::new();
    let dir = b.files.join("leak");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(
        dir.join("a.csv"),
        "telefoon;naam\n0612345678;Jan\n0612345679;Els\n",
    )
    .unwrap();
    std::fs::write(dir.join("b.jsonl"), "{\"email\":\"jan@example.nl\"}\n").unwrap();
    let tar = b.files.join("leak.tar.gz");
    let status = std::process::Command::new("tar")
        .arg("-czf")
        .arg(&tar)
        .arg("-C")
        .arg(&b.files)
        .arg("leak")
        .status()
        .unwrap();
    assert!(status.success());
    let out = b.ingest(tar.to_str().unwrap(), &[]);
    assert!(out.contains("leak.tar.gz!leak/a.csv"), "{out}");
    assert!(out.contains("leak.tar.gz!leak/b.jsonl"), "{out}");
    assert!(out.contains("3 identifiers new to the breach"), "{out}");
    // The directory holds the same files: each is already ingested.
    let out = b.ingest(dir.to_str().unwrap(), &[]);
    assert_eq!(out.matches("already ingested").count(), 2, "{out}");
    assert!(b.lookup("jan@example.nl").contains("found in"));
}

#[test]
fn a_file_that_yields_little_is_an_error_unless_allowed() {
    let b = Breach::new();
    let mut text = String::from("name,email\n");
    for i in 0..100 {
        let note = if i % 10 == 0 {
            format!("user{i}@example.nl")
        } else {
            "nothing here".into()
        };
        text.push_str(&format!("Person {i},{note}\n"));
    }
    let f = b.file("notes.csv", text.as_bytes());
    let out = b.run(&["ingest", "--breach", "Dump", &f]);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(err.contains("only 10 of 100 rows"), "{err}");
    assert!(err.contains("--allow-sparse"), "{err}");
    assert!(err.contains("--format"), "{err}");
    assert!(b.lookup("user10@example.nl").contains("not found"));
    let out = b.ingest(&f, &["--allow-sparse"]);
    assert!(out.contains("warning: only 10 of 100 rows"), "{out}");
    assert!(b.lookup("user10@example.nl").contains("found in"));

    // A combolist forced as one value per line yields nothing: an error
    // naming what it was read as.
    let combo = b.file("combo.txt", b"a@example.nl:pw1\nb@example.nl:pw2\n");
    let out = b.run(&["ingest", "--breach", "Dump", "--format", "lines", &combo]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("one value per line"),
        "{}",
        stderr(&out)
    );
    let out = b.run(&["ingest", "--breach", "Dump", "--format", "nonsense", &combo]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("unknown format"), "{}", stderr(&out));
}

#[test]
fn utf16_unicode_text_and_mixed_encodings_are_read() {
    let b = Breach::new();
    // Excel's "Unicode text": UTF-16 LE with a BOM, tab-separated, CRLF.
    let text = "gsm\tnaam\r\n0612345678\tRenée\r\n0612345679\tFrançois\r\n0612345670\tLiège\r\n";
    let mut bytes = vec![0xff, 0xfe];
    for unit in text.encode_utf16() {
        bytes.extend_from_slice(&unit.to_le_bytes());
    }
    let f = b.file("unicode.txt", &bytes);
    let out = b.ingest(&f, &[]);
    assert!(out.contains("UTF-16"), "{out}");
    assert!(out.contains("identifiers 3"), "{out}");
    assert!(b.lookup("0612345679").contains("found in"));
    // UTF-16 BE too.
    let mut bytes = vec![0xfe, 0xff];
    for unit in "email\nels@example.be\n".encode_utf16() {
        bytes.extend_from_slice(&unit.to_be_bytes());
    }
    let f = b.file("unicode-be.txt", &bytes);
    assert!(b.ingest(&f, &[]).contains("identifiers 1"));
    assert!(b.lookup("els@example.be").contains("found in"));

    // One file, two encodings: a UTF-8 line and a Windows-1252 line.
    let mut bytes = "telefoon;naam\n0470123456;Renée\n".as_bytes().to_vec();
    bytes.extend_from_slice(b"0470123457;Fran\xe7ois\n");
    let f = b.file("mixed.csv", &bytes);
    let out = b.ingest(&f, &[]);
    assert!(out.contains("identifiers 2"), "{out}");
    assert!(b.lookup("+32470123457").contains("found in"));
}

#[test]
fn a_broken_row_of_a_table_with_passwords_is_not_shown_even_by_its_shape() {
    let b = Breach::new();
    let f = b.file(
        "users.csv",
        b"email,password\njan@example.nl,Secret-One\nels@example.be,Secret-Two,extra\npiet@example.nl,Secret-Three\n",
    );
    let out = b.ingest(&f, &[]);
    assert!(out.contains("line 3: wrong number of fields"), "{out}");
    assert!(
        out.contains("<withheld: the table holds passwords>"),
        "{out}"
    );
    // `Secret-Two` by its shape (`xxxxxx-xxx`) appears nowhere.
    assert!(!out.contains("xxxxxx-xxx"), "{out}");
    assert!(!out.contains("Secret"), "{out}");
}

/// The bad inputs dumps come as, through the binary: each ends in a clear
/// error or in per-row rejects with their reasons, never a panic, and a
/// failed ingest leaves the index as it was (byte for byte).
#[test]
fn bad_input_is_a_clear_error_and_the_index_is_left_as_it_was() {
    let b = Breach::new();
    let good = b.file(
        "good.txt",
        b"06-12345678\n+32 470 12 34 56\njan@example.nl\n",
    );
    b.ingest(&good, &[]);
    let index = |b: &Breach| {
        let mut files = Vec::new();
        all_files(&b.data.join("index"), &mut files);
        files.sort();
        files
    };
    let before = index(&b);

    // (file, extra ingest arguments, what the error must say)
    let pw = b.file("pw.txt", b"right one\n");
    let wrong = b.file("wrong.txt", b"wrong one\n");
    let sealed = b.files.join("sealed.csv.zip");
    b.ok(&[
        "gen-data",
        "--rows",
        "200",
        "--format",
        "csv",
        "--container",
        "zip",
        "--zip-password-file",
        &pw,
        sealed.to_str().unwrap(),
    ]);
    let sealed = sealed.to_str().unwrap().to_owned();
    let tgz = b.files.join("logs.tar.gz");
    b.ok(&[
        "gen-data",
        "--rows",
        "2000",
        "--format",
        "stealer",
        "--container",
        "tar.gz",
        tgz.to_str().unwrap(),
    ]);
    let bytes = std::fs::read(&tgz).unwrap();
    let truncated = b.file("truncated.tar.gz", &bytes[..bytes.len() / 2]);
    let deep = b.file(
        "deep.json",
        format!(
            "[{}\"06-12345678\"{}]",
            "{\"a\":".repeat(10_000),
            "}".repeat(10_000)
        )
        .as_bytes(),
    );
    let bomb = {
        let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        zip.start_file("xl/workbook.xml", options).unwrap();
        std::io::Write::write_all(&mut zip, &vec![b'a'; 64 << 20]).unwrap();
        b.file("bomb.xlsx", &zip.finish().unwrap().into_inner())
    };
    let failing: Vec<(&str, Vec<&str>, &str)> = vec![
        (
            &sealed,
            vec!["--password-file", &wrong],
            "password is wrong",
        ),
        (&sealed, vec![], "pass --password-file"),
        (&truncated, vec![], "broken archive"),
        (&deep, vec![], "every record was rejected"),
        (&bomb, vec![], "bomb"),
    ];
    for (file, extra, says) in &failing {
        let mut args = vec!["ingest", "--breach", "Dump"];
        args.extend(extra.iter().copied());
        args.push(file);
        let out = b.run(&args);
        let text = stdout(&out) + &stderr(&out);
        assert!(!out.status.success(), "{file} {extra:?}: {text}");
        assert!(!text.contains("panicked"), "{file}: {text}");
        assert!(
            text.to_lowercase().contains(says),
            "{file} {extra:?}: the error says {says:?}: {text}"
        );
        assert_eq!(index(&b), before, "{file}: the index changed");
    }

    // Rows of a SQL dump up to an unterminated string are read; the rest is
    // one reject with its line and reason.
    let mut sql =
        String::from("CREATE TABLE `t` (`id` int, `gsm` varchar(32));\nINSERT INTO `t` VALUES ");
    for i in 0..20 {
        sql += &format!("({i},'06-{:08}'),", 20_000_000 + i);
    }
    sql += "(99,'06-99999999);\n";
    let sql = b.file("cut.sql", sql.as_bytes());
    let out = b.ingest(&sql, &[]);
    assert!(out.contains("identifiers 20"), "{out}");
    assert!(out.contains("rejected rows: 1"), "{out}");
    assert!(out.contains("line 2"), "{out}");
}
