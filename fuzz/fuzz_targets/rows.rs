//! Reading a dump's rows and turning them into records. The first input byte
//! chooses how: below 128 the way ingest does it (sniff, detect columns,
//! reopen, `Rows` in the sniffed format, `to_record`); otherwise one of the
//! formats the reader supports is forced on the rest of the input (as if
//! sniffing had said so), with every column the header does not name read as
//! a phone or email column (as `--map` can). Rows keep their line order, and
//! a broken stream ends them.
#![no_main]

use std::path::Path;

use lekradar_fuzz::{open, regions, MAX_ROWS};
use lekradar_ingest::{
    decode_line, detect_columns, sniff_source, to_record, ColumnRole, Detection, Format,
    RejectReason, Rows,
};
use libfuzzer_sys::fuzz_target;

const DELIMITERS: [u8; 4] = [b',', b';', b'\t', b'|'];

/// A format sniffing can return, chosen by `n`.
fn format(n: u8) -> Format {
    match n % 10 {
        8 => Format::JsonLines,
        9 => Format::Lines,
        k => Format::Delimited {
            delimiter: DELIMITERS[usize::from(k / 2)],
            header: k % 2 == 1,
        },
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&choice, dump)) = data.split_first() else {
        return;
    };
    let regions = regions(choice >> 4);
    let (format, columns, detection) = if choice < 128 {
        // As ingest does.
        let Some(source) = open(dump) else { return };
        let Ok(sniffed) = sniff_source(Path::new("fuzz-input"), source) else {
            return;
        };
        let detection = detect_columns(sniffed.header.as_deref(), &sniffed.sample, &regions);
        let columns = match sniffed.format {
            Format::Lines => None,
            _ => sniffed.header.clone(),
        };
        (sniffed.format, columns, detection)
    } else {
        let format = format(choice);
        // The column names: the first line's fields, when there is a header (or keys).
        let first = dump.split(|&b| b == b'\n').next().unwrap_or_default();
        let columns: Option<Vec<String>> = match format {
            Format::Delimited {
                delimiter,
                header: true,
            } => Some(
                decode_line(first)
                    .split(char::from(delimiter))
                    .map(str::to_owned)
                    .collect(),
            ),
            Format::JsonLines => Some(decode_line(first).split(',').map(str::to_owned).collect()),
            _ => None,
        };
        let mut detection = detect_columns(columns.as_deref(), &[], &regions);
        let width = detection.roles.len().max(8);
        detection.roles.resize(width, ColumnRole::Ignore);
        for (i, role) in detection.roles.iter_mut().enumerate() {
            if *role == ColumnRole::Ignore {
                *role = match (i + usize::from(choice)) % 3 {
                    0 => ColumnRole::Phone { mobile: false },
                    1 => ColumnRole::Phone { mobile: true },
                    _ => ColumnRole::Email,
                };
            }
        }
        let found_by = vec!["map"; width];
        let detection = Detection {
            roles: detection.roles,
            found_by,
        };
        (format, columns, detection)
    };

    let Some(source) = open(dump) else { return };
    let mut rows = Rows::new(source.reader, &format, columns);
    let mut last_line = 0;
    for _ in 0..MAX_ROWS {
        let Some(row) = rows.next_row() else { break };
        let line = match &row {
            Ok(r) => r.line,
            Err(reject) => reject.line,
        };
        assert!(
            line > last_line,
            "row at line {line} after line {last_line}"
        );
        last_line = line;
        if let Err(reject) = &row {
            if reject.reason == RejectReason::Unreadable && reject.redacted.is_empty() {
                // A read error (broken gzip/zstd stream) ends the rows.
                assert!(rows.next_row().is_none(), "rows go on after a read error");
                break;
            }
        }
        if let Ok(row) = row {
            if let Ok(record) = to_record(&row, &detection, &regions) {
                assert!(!record.identifiers.is_empty());
            }
        }
    }
});
