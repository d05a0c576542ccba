//! No panic on any input: arbitrary bytes as a dump go through sniffing,
//! decoding and column detection, and come out as a format or an error; read
//! as rows in any format they give rows, rejects and records, and end.
//! (The fuzz targets in `fuzz/` search the same code paths for longer.)

use std::io::Cursor;
use std::path::Path;

use lekradar_ingest::{
    decode_line, detect_columns, redact, sniff, sniff_source, to_record, Format, Rows, Source,
};
use lekradar_normalize::Region;
use proptest::prelude::*;

/// Every format sniffing can return.
fn formats() -> Vec<Format> {
    let mut formats = vec![Format::JsonLines, Format::Lines];
    for delimiter in [b',', b';', b'\t', b'|'] {
        for header in [false, true] {
            formats.push(Format::Delimited { delimiter, header });
        }
    }
    formats
}

/// Reads `bytes` as a dump in `format` (sniffed when `None`) to the end, and
/// turns its rows into records; returns how many rows it read.
fn read_all(bytes: &[u8], format: Option<Format>) -> usize {
    let open = || Source::from_reader(Cursor::new(bytes.to_vec()), bytes.len() as u64).unwrap();
    let sniffed = sniff_source(Path::new("dump"), open()).ok();
    let (header, sample) = sniffed
        .as_ref()
        .map_or((None, Vec::new()), |s| (s.header.clone(), s.sample.clone()));
    let Some(format) = format.or(sniffed.map(|s| s.format)) else {
        return 0;
    };
    let regions = [Region::NL, Region::BE];
    let detection = detect_columns(header.as_deref(), &sample, &regions);
    let mut rows = Rows::new(open().reader, &format, header);
    let mut n = 0;
    while let Some(row) = rows.next_row() {
        n += 1;
        assert!(n <= 100_000, "rows do not end");
        if let Ok(row) = row {
            let _ = to_record(&row, &detection, &regions);
        }
    }
    n
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]

    #[test]
    fn arbitrary_bytes_sniff_without_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2000)) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("dump");
        std::fs::write(&path, &bytes).unwrap();
        if let Ok(s) = sniff(&path) {
            let d = detect_columns(s.header.as_deref(), &s.sample, &[Region::NL, Region::BE]);
            prop_assert!(d.roles.len() >= s.header.as_ref().map_or(0, Vec::len));
        }
        let _ = redact(&decode_line(&bytes));
    }

    #[test]
    fn text_like_dumps_sniff_without_panic(lines in proptest::collection::vec("[0-9a-z@+ ;,\t\"{}:.-]{0,40}", 0..50)) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("dump");
        std::fs::write(&path, lines.join("\n")).unwrap();
        if let Ok(s) = sniff(&path) {
            let _ = detect_columns(s.header.as_deref(), &s.sample, &[Region::NL]);
        }
    }

    #[test]
    fn arbitrary_bytes_read_as_rows_without_panic(
        bytes in proptest::collection::vec(any::<u8>(), 0..2000),
        format in proptest::option::of(proptest::sample::select(formats())),
    ) {
        read_all(&bytes, format);
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
        // What decompresses is a prefix of the text, then one read error.
        let n = read_all(&bytes, Some(Format::Lines));
        prop_assert!(n <= lines.len() + 1, "{n} rows from {} lines", lines.len());
    }
}
