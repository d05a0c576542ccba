//! The column detector on its own, over any header and sample: roles from
//! header names (nl/fr/en), then from content (emails, phone numbers under
//! the regions given, IBANs), then records from the sample rows. The first
//! input byte says whether the first line is a header (bit 0), which
//! delimiter splits the fields (bits 1–2) and which regions apply (bits 4–5);
//! the rest is text, one row per line.
#![no_main]

use lekradar_fuzz::regions;
use lekradar_ingest::{
    decode_line, detect_columns, header_role, is_iban, redact, to_record, ColumnRole, Row,
};
use libfuzzer_sys::fuzz_target;

const DELIMITERS: [char; 4] = [',', ';', '\t', '|'];

fuzz_target!(|data: &[u8]| {
    let Some((&choice, text)) = data.split_first() else {
        return;
    };
    let delimiter = DELIMITERS[usize::from((choice >> 1) & 3)];
    let regions = regions(choice >> 4);
    let mut lines: Vec<Vec<String>> = text
        .split(|&b| b == b'\n')
        .map(|l| decode_line(l).split(delimiter).map(str::to_owned).collect())
        .collect();
    let header = if choice & 1 == 1 && !lines.is_empty() {
        Some(lines.remove(0))
    } else {
        None
    };
    for cell in lines.iter().flatten().chain(header.iter().flatten()) {
        let _ = header_role(cell);
        let _ = ColumnRole::from_name(cell);
        let _ = is_iban(cell);
        let _ = redact(cell);
    }
    let d = detect_columns(header.as_deref(), &lines, &regions);
    assert_eq!(d.roles.len(), d.found_by.len());
    assert!(d.roles.len() >= header.as_ref().map_or(0, Vec::len));
    assert!(lines.iter().all(|row| row.len() <= d.roles.len()));
    let _ = d.data_classes();
    for (i, fields) in lines.into_iter().enumerate() {
        let row = Row::new(i as u64 + 1, fields);
        if let Ok(record) = to_record(&row, &d, &regions) {
            assert!(!record.identifiers.is_empty());
            assert!(record.classes.len() <= d.data_classes().len());
        }
    }
});
