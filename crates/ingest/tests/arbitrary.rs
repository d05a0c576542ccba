//! No panic on any input: arbitrary bytes as a dump go through sniffing,
//! decoding and column detection, and come out as a format or an error.

use lekradar_ingest::{decode_line, detect_columns, redact, sniff};
use lekradar_normalize::Region;
use proptest::prelude::*;

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
}
