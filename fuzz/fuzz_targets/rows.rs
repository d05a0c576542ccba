//! Reading a dump's rows and turning them into records, as ingest does. The
//! first input byte chooses how: the format detected from content, or one
//! of the registry's formats forced on the rest (as `--format` does), with
//! or without a `--delimiter`, and the regions. Whatever the bytes, reading
//! ends with rows, rejects or an error, and every record holds an
//! identifier.
#![no_main]

use lekradar_fuzz::{read_all, regions};
use lekradar_ingest::FORMATS;
use libfuzzer_sys::fuzz_target;

const DELIMITERS: [u8; 5] = [b',', b';', b'\t', b'|', b':'];

fuzz_target!(|data: &[u8]| {
    let Some((&choice, dump)) = data.split_first() else {
        return;
    };
    let regions = regions(choice >> 6);
    let pick = usize::from(choice & 15);
    let format = FORMATS.get(pick.wrapping_sub(1)).map(|s| s.name);
    let delimiter = match (choice >> 4) & 3 {
        0 | 1 => None,
        n => Some(DELIMITERS[(usize::from(n) + pick) % DELIMITERS.len()]),
    };
    let _ = read_all(dump, "fuzz-input", format, delimiter, &regions);
});
