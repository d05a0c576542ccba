//! No panic on any input: arbitrary bytes as a dump go through container
//! detection, decompression, decoding, format detection (or any forced
//! format) and column detection, and come out as rows, rejects, records or
//! an error, and end. (The fuzz targets in `fuzz/` search each reader for
//! longer.)

use std::path::Path;

use lekradar_ingest::{decode_line, read_identifiers, read_rows, redact, IngestConfig, FORMATS};
use lekradar_normalize::Region;
use proptest::prelude::*;

/// Every name `--format` takes, and detection (`None`).
fn formats() -> Vec<Option<&'static str>> {
    let mut formats = vec![None];
    formats.extend(FORMATS.iter().map(|s| Some(s.name)));
    formats
}

fn config(format: Option<&str>) -> IngestConfig {
    IngestConfig {
        regions: vec![Region::NL, Region::BE],
        format: format.map(str::to_owned),
        allow_sparse: true,
        ..IngestConfig::default()
    }
}

/// Reads the file at `path` as rows (in `format`, detected when `None`);
/// returns how many rows it held, or 0 on an error.
fn rows_of(path: &Path, format: Option<&str>) -> u64 {
    let mut n = 0u64;
    let result = read_rows(
        path,
        &config(format),
        &[Region::NL, Region::BE],
        &mut |_, _| {
            n += 1;
            assert!(n <= 1_000_000, "rows do not end");
        },
    );
    result.unwrap_or(0)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn arbitrary_bytes_read_without_panic(
        bytes in proptest::collection::vec(any::<u8>(), 0..2000),
        format in proptest::sample::select(formats()),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("dump");
        std::fs::write(&path, &bytes).unwrap();
        rows_of(&path, format);
        let _ = read_identifiers(&path, &config(format));
        let _ = redact(&decode_line(&bytes));
    }

    #[test]
    fn text_like_dumps_read_without_panic(
        lines in proptest::collection::vec("[0-9a-z@+ ;,|\t\"{}\\[\\]():.=-]{0,40}", 0..50),
        format in proptest::sample::select(formats()),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("dump");
        std::fs::write(&path, lines.join("\n")).unwrap();
        rows_of(&path, format);
        if let Ok((ids, reports)) = read_identifiers(&path, &config(format)) {
            let counted: u64 = reports.iter().map(|r| r.identifiers).sum();
            prop_assert_eq!(counted, ids.len() as u64);
        }
    }

    #[test]
    fn arbitrary_archives_without_panic(
        bytes in proptest::collection::vec(any::<u8>(), 0..2000),
        magic in proptest::sample::select(vec![
            &b"PK\x03\x04"[..], &b"\x1f\x8b"[..], &b"\x28\xb5\x2f\xfd"[..],
            &b"BZh9"[..], &b"\xfd7zXZ\x00"[..],
        ]),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("dump");
        let mut data = magic.to_vec();
        data.extend_from_slice(&bytes);
        std::fs::write(&path, &data).unwrap();
        let _ = read_identifiers(&path, &config(None));
    }

    #[test]
    fn truncated_compressed_dumps_end(
        lines in proptest::collection::vec("[0-9a-z@+ ;,\t\"{}:.-]{0,40}", 1..200),
        zstd in any::<bool>(),
        cut in 0.0..1.0f64,
    ) {
        let text = lines.join("\n");
        let mut bytes = if zstd {
            zstd::encode_all(text.as_bytes(), 3).unwrap()
        } else {
            let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            std::io::Write::write_all(&mut gz, text.as_bytes()).unwrap();
            gz.finish().unwrap()
        };
        bytes.truncate(((bytes.len() as f64) * cut) as usize);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("dump");
        std::fs::write(&path, &bytes).unwrap();
        // What decompresses is a prefix of the text, then one read error.
        let n = rows_of(&path, Some("lines"));
        prop_assert!(n <= lines.len() as u64 + 1, "{n} rows from {} lines", lines.len());
    }
}
