//! The credentials reader on its own: the rest of the input read as `--format
//! credentials` (the first byte chooses the regions, and whether the format is
//! forced or detected from content), each row made a record. Whatever the
//! bytes, reading ends with rows, rejects or an error, never a panic.
#![no_main]

use lekradar_fuzz::{read_all, regions};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&choice, dump)) = data.split_first() else {
        return;
    };
    let format = (choice & 1 == 0).then_some("credentials");
    let _ = read_all(dump, "combo.txt", format, None, &regions(choice >> 1));
});
