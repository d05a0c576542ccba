//! Key file behaviour: creation (mode 0600, no overwrite), loading, and the operator-facing
//! errors for missing, world-readable and damaged files.

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use lekradar_prf::{KeyError, ServerKey};

fn key_path(dir: &tempfile::TempDir) -> PathBuf {
    dir.path().join("lekradar.oprf-key")
}

fn secret_hex(path: &Path) -> String {
    let text = fs::read_to_string(path).unwrap();
    text.lines()
        .find_map(|l| l.strip_prefix("secret "))
        .unwrap()
        .to_string()
}

fn expect_corrupt(path: &Path) -> String {
    match ServerKey::load(path) {
        Err(e @ KeyError::Corrupt { .. }) => {
            let msg = e.to_string();
            assert!(msg.contains("restore it from backup"), "{msg}");
            msg
        }
        other => panic!("expected Corrupt, got {other:?}"),
    }
}

#[test]
fn create_then_load() {
    let dir = tempfile::tempdir().unwrap();
    let path = key_path(&dir);
    let created = ServerKey::create_file(&path).unwrap();

    let mode = fs::metadata(&path).unwrap().permissions().mode() & 0o7777;
    assert_eq!(mode, 0o600);

    let text = fs::read_to_string(&path).unwrap();
    let lines: Vec<_> = text.lines().collect();
    assert_eq!(lines.len(), 4);
    assert_eq!(lines[0], "lekradar-oprf-key v1");
    assert_eq!(lines[1], "suite ristretto255-SHA512 voprf");

    let loaded = ServerKey::load(&path).unwrap();
    assert_eq!(created.public_key(), loaded.public_key());
    assert_eq!(created.key_id(), loaded.key_id());
    assert_eq!(created.tag(b"x").unwrap(), loaded.tag(b"x").unwrap());

    // No temporary files left behind.
    let names: Vec<_> = fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, [path.file_name().unwrap()]);
}

#[test]
fn create_refuses_to_overwrite() {
    let dir = tempfile::tempdir().unwrap();
    let path = key_path(&dir);
    ServerKey::create_file(&path).unwrap();
    let before = fs::read(&path).unwrap();

    let err = ServerKey::create_file(&path).unwrap_err();
    assert!(matches!(err, KeyError::Exists { .. }), "{err:?}");
    let msg = err.to_string();
    assert!(msg.contains("already exists"), "{msg}");
    assert!(msg.contains("orphan"), "{msg}");
    assert_eq!(fs::read(&path).unwrap(), before);

    // Also refuses over any other existing file, even an empty one.
    let other = dir.path().join("other");
    fs::write(&other, b"").unwrap();
    assert!(matches!(
        ServerKey::create_file(&other),
        Err(KeyError::Exists { .. })
    ));
    assert_eq!(fs::read(&other).unwrap(), b"");
}

#[test]
fn create_in_missing_directory_is_io_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("no-such-dir").join("key");
    assert!(matches!(
        ServerKey::create_file(&path),
        Err(KeyError::Io { .. })
    ));
}

#[test]
fn load_missing() {
    let dir = tempfile::tempdir().unwrap();
    let err = ServerKey::load(&key_path(&dir)).unwrap_err();
    assert!(matches!(err, KeyError::Missing { .. }), "{err:?}");
    assert!(err.to_string().contains("lekradar key init"), "{err}");
}

#[test]
fn load_rejects_group_or_other_access() {
    let dir = tempfile::tempdir().unwrap();
    let path = key_path(&dir);
    ServerKey::create_file(&path).unwrap();
    for mode in [0o640, 0o604, 0o660, 0o644, 0o602] {
        fs::set_permissions(&path, fs::Permissions::from_mode(mode)).unwrap();
        let err = ServerKey::load(&path).unwrap_err();
        match &err {
            KeyError::Permissions { mode: m, .. } => assert_eq!(*m, mode),
            other => panic!("expected Permissions, got {other:?}"),
        }
        let msg = err.to_string();
        assert!(
            msg.contains(&format!("chmod 600 {}", path.display())),
            "{msg}"
        );
    }
    fs::set_permissions(&path, fs::Permissions::from_mode(0o400)).unwrap();
    ServerKey::load(&path).unwrap();
}

#[test]
fn every_single_bit_flip_is_detected() {
    let dir = tempfile::tempdir().unwrap();
    let path = key_path(&dir);
    ServerKey::create_file(&path).unwrap();
    let good = fs::read(&path).unwrap();
    for byte in 0..good.len() {
        for bit in 0..8 {
            let mut bad = good.clone();
            bad[byte] ^= 1 << bit;
            fs::write(&path, &bad).unwrap();
            expect_corrupt(&path);
        }
    }
}

#[test]
fn truncation_and_extension_are_detected() {
    let dir = tempfile::tempdir().unwrap();
    let path = key_path(&dir);
    ServerKey::create_file(&path).unwrap();
    let good = fs::read(&path).unwrap();
    for len in 0..good.len() {
        fs::write(&path, &good[..len]).unwrap();
        expect_corrupt(&path);
    }
    let mut longer = good.clone();
    longer.extend_from_slice(b"\n");
    fs::write(&path, &longer).unwrap();
    expect_corrupt(&path);
    let crlf = String::from_utf8(good).unwrap().replace('\n', "\r\n");
    fs::write(&path, &crlf).unwrap();
    expect_corrupt(&path);
}

#[test]
fn garbage_and_empty_are_detected() {
    let dir = tempfile::tempdir().unwrap();
    let path = key_path(&dir);
    fs::write(&path, b"").unwrap();
    fs::set_permissions(&path, fs::Permissions::from_mode(0o600)).unwrap();
    assert!(expect_corrupt(&path).contains("empty"));

    let mut seed = 0x1234_5678_9abc_def0_u64;
    for len in [1usize, 31, 64, 139, 140, 141, 1000, 100_000] {
        let bytes: Vec<u8> = (0..len)
            .map(|_| {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                seed as u8
            })
            .collect();
        fs::write(&path, &bytes).unwrap();
        expect_corrupt(&path);
    }

    // A well-formed file whose secret is not a canonical scalar (all 0xff) or is zero.
    for secret in ["ff".repeat(32), "00".repeat(32)] {
        let text = format!(
            "lekradar-oprf-key v1\nsuite ristretto255-SHA512 voprf\nsecret {secret}\ncheck 0000000000000000\n"
        );
        fs::write(&path, text).unwrap();
        assert!(expect_corrupt(&path).contains("scalar"));
    }

    // A directory at the key path.
    let d = dir.path().join("dir");
    fs::create_dir(&d).unwrap();
    fs::set_permissions(&d, fs::Permissions::from_mode(0o700)).unwrap();
    expect_corrupt(&d);
}

#[test]
fn unknown_version_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let path = key_path(&dir);
    fs::write(&path, "lekradar-oprf-key v2\nwhatever\n").unwrap();
    fs::set_permissions(&path, fs::Permissions::from_mode(0o600)).unwrap();
    assert!(expect_corrupt(&path).contains("version \"v2\""));
}

#[test]
fn debug_and_errors_never_show_the_secret() {
    let dir = tempfile::tempdir().unwrap();
    let path = key_path(&dir);
    let key = ServerKey::create_file(&path).unwrap();
    let secret = secret_hex(&path);
    assert_eq!(secret.len(), 64);

    let debug = format!("{key:?}");
    let pretty = format!("{key:#?}");
    assert!(debug.contains(&key.key_id()), "{debug}");
    for out in [&debug, &pretty] {
        assert!(!out.contains(&secret));
        assert!(!out.contains(&secret[..16]));
    }

    // A corrupt-file error must not echo the file content either.
    let mut text = fs::read_to_string(&path).unwrap();
    text.push_str("extra\n");
    fs::write(&path, &text).unwrap();
    let msg = expect_corrupt(&path);
    assert!(!msg.contains(&secret[..16]), "{msg}");
}

#[test]
fn key_id_format() {
    let key = ServerKey::generate();
    let id = key.key_id();
    assert_eq!(id.len(), 16);
    assert!(id
        .bytes()
        .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()));
    assert_ne!(id, ServerKey::generate().key_id());
}
