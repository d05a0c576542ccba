//! Opening a dump: compression detected from magic bytes, gzip (multi-member)
//! and zstd decoding, and per-line text decoding (UTF-8, else Windows-1252).
//! A broken stream is an I/O error, never a panic.
#![no_main]

use std::io::Read;
use std::sync::atomic::Ordering;

use lekradar_fuzz::{open, MAX_DECOMPRESSED};
use lekradar_ingest::{decode_line, redact};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some(source) = open(data) else { return };
    let mut out = Vec::new();
    let _ = source.reader.take(MAX_DECOMPRESSED).read_to_end(&mut out);
    assert!(source.consumed.load(Ordering::Relaxed) <= data.len() as u64);
    for line in out.split(|&b| b == b'\n') {
        let text = decode_line(line);
        let _ = redact(&text);
    }
});
