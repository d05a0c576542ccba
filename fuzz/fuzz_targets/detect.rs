//! Format detection on a file's start: every detector of the registry, the
//! registry's verdict, and every format forced with and without a
//! delimiter. A score stays within 0–100 and the winner is one of the
//! candidates; nothing panics.
#![no_main]

use lekradar_ingest::formats::{detect, forced, Head};
use lekradar_ingest::FORMATS;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&choice, text)) = data.split_first() else {
        return;
    };
    let names = [
        "dump",
        "dump.csv",
        "dump.sql",
        "dump.json",
        "dump.vcf",
        "dump.txt",
    ];
    let name = names[usize::from(choice) % names.len()];
    let head = Head::new(text, name);
    let mut guessed = Vec::new();
    for spec in FORMATS {
        if let Some((score, format)) = (spec.detect)(&head) {
            assert!(score <= 100, "{} scored {score}", spec.name);
            assert_eq!(format.name(), spec.name);
            guessed.push(format);
        }
        let _ = forced(spec.name, None, &head);
        let _ = forced(
            spec.name,
            Some(text.first().copied().unwrap_or(b',')),
            &head,
        );
    }
    if let Some(format) = detect(&head) {
        assert!(guessed.contains(&format), "{format:?} was not a candidate");
        let _ = format.describe();
    }
});
