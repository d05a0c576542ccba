//! Sniffing a dump's format from its start (JSON Lines, delimited text with
//! or without a header, one value per line; binary refused), then detecting
//! the columns from the header and the sample, as ingest does.
#![no_main]

use std::path::Path;

use lekradar_fuzz::{open, regions};
use lekradar_ingest::{detect_columns, sniff_source};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some(source) = open(data) else { return };
    let Ok(sniffed) = sniff_source(Path::new("fuzz-input"), source) else {
        return;
    };
    let _ = sniffed.format.describe();
    let regions = regions(data.len() as u8);
    let d = detect_columns(sniffed.header.as_deref(), &sniffed.sample, &regions);
    assert_eq!(d.roles.len(), d.found_by.len());
    assert!(d.roles.len() >= sniffed.header.as_ref().map_or(0, Vec::len));
    assert!(sniffed.sample.iter().all(|row| row.len() <= d.roles.len()));
    let _ = d.data_classes();
});
