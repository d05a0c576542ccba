//! Tests that need no database (or a broken one): the migration trees, rate
//! budgets, database URLs and their error messages.

use std::path::Path;

use lekradar_store::{Backend, Rate, RateError, Store, StoreError};

fn migration_files(backend: &str) -> Vec<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("migrations")
        .join(backend);
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    names
}

#[test]
fn migration_trees_have_identical_file_names() {
    let sqlite = migration_files("sqlite");
    let postgres = migration_files("postgres");
    assert!(!sqlite.is_empty());
    assert_eq!(
        sqlite, postgres,
        "migrations/sqlite and migrations/postgres must hold the same file names"
    );
    for (i, name) in sqlite.iter().enumerate() {
        let expected_number = format!("{:04}_", i + 1);
        assert!(
            name.starts_with(&expected_number),
            "{name}: numbers run 0001, 0002, … without gaps"
        );
        let stem = name[5..]
            .strip_suffix(".sql")
            .unwrap_or_else(|| panic!("{name}: not .sql"));
        assert!(
            !stem.is_empty()
                && stem
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'),
            "{name}: names are snake_case"
        );
    }
}

#[test]
fn rates_parse() {
    let cases = [
        ("60/min", 60, 60),
        ("10/s", 10, 1),
        ("1000/h", 1000, 3600),
        ("5000/day", 5000, 86_400),
        ("60/minute", 60, 60),
        ("10/sec", 10, 1),
        ("10/second", 10, 1),
        ("1000/hour", 1000, 3600),
        ("3/seconds", 3, 1),
        ("3/DAYS", 3, 86_400),
        (" 60 / min ", 60, 60),
        ("100/15min", 100, 900),
        ("1/90s", 1, 90),
        ("1/24h", 1, 86_400),
        ("1000000000/s", 1_000_000_000, 1),
        ("1/86400s", 1, 86_400),
    ];
    for (text, count, period_secs) in cases {
        assert_eq!(
            text.parse::<Rate>(),
            Ok(Rate { count, period_secs }),
            "{text}"
        );
    }
}

#[test]
fn rates_display_and_round_trip() {
    let cases = [
        (60, 60, "60/min"),
        (10, 1, "10/s"),
        (1000, 3600, "1000/h"),
        (5000, 86_400, "5000/day"),
        (100, 900, "100/15min"),
        (1, 90, "1/90s"),
        (1, 7200, "1/2h"),
    ];
    for (count, period_secs, text) in cases {
        let rate = Rate { count, period_secs };
        assert_eq!(rate.to_string(), text);
        assert_eq!(text.parse::<Rate>(), Ok(rate));
    }
    // Every period in range round-trips.
    for period_secs in 1..=86_400 {
        let rate = Rate::new(7, period_secs).unwrap();
        assert_eq!(rate.to_string().parse::<Rate>(), Ok(rate), "{rate}");
    }
    // An invalid value still displays (no panic) and does not parse back.
    let zero = Rate {
        count: 1,
        period_secs: 0,
    };
    assert!(zero.to_string().parse::<Rate>().is_err());
}

#[test]
fn bad_rates_say_what_is_wrong() {
    type IsKind = fn(&RateError) -> bool;
    let cases: [(&str, IsKind, &str); 13] = [
        ("", |e| matches!(e, RateError::Syntax(_)), "COUNT/PERIOD"),
        (
            "60",
            |e| matches!(e, RateError::Syntax(_)),
            "such as 60/min",
        ),
        ("60/", |e| matches!(e, RateError::Syntax(_)), "COUNT/PERIOD"),
        (
            "/min",
            |e| matches!(e, RateError::Syntax(_)),
            "COUNT/PERIOD",
        ),
        (
            "abc/min",
            |e| matches!(e, RateError::Count { .. }),
            "whole number",
        ),
        (
            "-5/min",
            |e| matches!(e, RateError::Count { .. }),
            "whole number",
        ),
        (
            "1.5/min",
            |e| matches!(e, RateError::Count { .. }),
            "whole number",
        ),
        (
            "0/min",
            |e| matches!(e, RateError::CountRange(0)),
            "from 1 to 1000000000",
        ),
        (
            "1000000001/s",
            |e| matches!(e, RateError::CountRange(_)),
            "from 1 to",
        ),
        (
            "99999999999999999999999/s",
            |e| matches!(e, RateError::Count { .. }),
            "whole number",
        ),
        (
            "60/fortnight",
            |e| matches!(e, RateError::Unit { .. }),
            "use s, min, h or day",
        ),
        (
            "60/0min",
            |e| matches!(e, RateError::PeriodRange(0)),
            "1 day",
        ),
        (
            "60/2day",
            |e| matches!(e, RateError::PeriodRange(172_800)),
            "1 day",
        ),
    ];
    for (text, kind, message) in cases {
        let err = text.parse::<Rate>().unwrap_err();
        assert!(kind(&err), "{text:?}: {err:?}");
        let shown = err.to_string();
        assert!(shown.contains(message), "{text:?}: {shown}");
        assert!(shown.starts_with("invalid rate"), "{shown}");
    }
    assert!("60/min/s".parse::<Rate>().is_err());
}

#[tokio::test]
async fn unsupported_urls_are_refused() {
    for url in [
        "",
        "mysql://u@h/db",
        "/var/lib/lekradar/meta.sqlite3",
        "sqlite:",
    ] {
        match Store::open(url).await {
            Err(err @ StoreError::InvalidUrl { .. }) => {
                let text = err.to_string();
                assert!(text.contains("use sqlite:PATH"), "{text}");
            }
            other => panic!("{url:?}: {other:?}"),
        }
    }
    let err = Store::open("postgres://u@h/db?sslmode=require")
        .await
        .unwrap_err();
    assert!(err.to_string().contains("TLS"), "{err}");
}

#[tokio::test]
async fn connection_errors_hide_the_password() {
    // Port 1 on loopback: nothing listens, the connection is refused at once.
    let err = Store::open("postgres://lekradar:hunter2@127.0.0.1:1/meta?connect_timeout=5")
        .await
        .unwrap_err();
    let text = err.to_string();
    assert!(matches!(err, StoreError::PostgresConnect { .. }), "{err:?}");
    assert!(text.contains("cannot connect to PostgreSQL"), "{text}");
    assert!(text.contains("127.0.0.1:1"), "{text}");
    assert!(!text.contains("hunter2"), "{text}");
    assert!(!format!("{err:?}").contains("hunter2"), "{err:?}");
}

#[tokio::test]
async fn sqlite_path_forms_and_refusals() {
    let dir = tempfile::tempdir().unwrap();
    // Absolute form, with parent directories to create.
    let path = dir.path().join("a/b/meta.sqlite3");
    let store = Store::open(&format!("sqlite://{}", path.display()))
        .await
        .unwrap();
    assert_eq!(store.backend(), Backend::Sqlite);
    assert!(path.is_file());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o077, 0, "{mode:o}: readable by others");
    }
    drop(store);
    // The `sqlite:PATH` form names the same file.
    let store = Store::open(&format!("sqlite:{}", path.display()))
        .await
        .unwrap();
    store.ping().await.unwrap();

    // Not a database file.
    let junk = dir.path().join("junk.sqlite3");
    std::fs::write(&junk, vec![b'x'; 8192]).unwrap();
    let err = Store::open(&format!("sqlite:{}", junk.display()))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::SqliteOpen { .. }), "{err:?}");
    assert!(err.to_string().contains("junk.sqlite3"), "{err}");

    // A parent that is a file.
    let err = Store::open(&format!("sqlite:{}/x.sqlite3", junk.display()))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::CreateDir { .. }), "{err:?}");
}

#[tokio::test]
async fn new_key_debug_hides_the_secret() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&format!("sqlite:{}/m.sqlite3", dir.path().display()))
        .await
        .unwrap();
    let key = store
        .api_keys()
        .create("dbg", "1/s".parse().unwrap())
        .await
        .unwrap();
    let debug = format!("{key:?} {key:#?}");
    assert!(
        debug.contains("dbg") && debug.contains(&key.info.prefix),
        "{debug}"
    );
    assert!(!debug.contains(&key.secret[12..]), "{debug}");
    assert!(debug.contains("redacted"));
}
