//! Spreadsheets (XLSX and ODS, with `calamine`): every sheet is a table, its
//! first row the header when it looks like one. A spreadsheet is a ZIP that
//! must be held whole, so its members' declared sizes are checked first: a
//! "spreadsheet bomb" (a few kilobytes that inflate to gigabytes) is refused
//! before anything is inflated.

use std::io::Cursor;

use calamine::{open_workbook_auto_from_rs, Data, Range, Reader, Sheets};

use super::delimited::looks_like_header;
use super::{Item, Records, TableInfo};
use crate::rows::Row;

/// Largest inflated size of all a spreadsheet's members together.
pub const MAX_INFLATED: u64 = 1 << 30;
/// Largest ratio of inflated to compressed size of any one member.
pub const MAX_RATIO: u64 = 200;

/// Whether `bytes` (a file's raw start) is a ZIP holding an Excel workbook
/// or an OpenDocument spreadsheet.
pub fn is_spreadsheet(bytes: &[u8]) -> bool {
    if !bytes.starts_with(b"PK\x03\x04") {
        return false;
    }
    let window = &bytes[..bytes.len().min(64 * 1024)];
    let has = |needle: &[u8]| window.windows(needle.len()).any(|w| w == needle);
    has(b"xl/workbook.xml")
        || has(b"xl/worksheets/")
        || has(b"[Content_Types].xml") && has(b"xl/")
        || has(b"application/vnd.oasis.opendocument.spreadsheet")
}

/// Refuses a ZIP whose members would inflate beyond the limits.
fn check_bomb(bytes: &[u8]) -> Result<(), String> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| format!("not a readable spreadsheet: {e}"))?;
    let mut total: u64 = 0;
    for i in 0..archive.len() {
        let member = archive
            .by_index_raw(i)
            .map_err(|e| format!("not a readable spreadsheet: {e}"))?;
        let (size, packed) = (member.size(), member.compressed_size().max(1));
        total = total.saturating_add(size);
        if size > 1 << 20 && size / packed > MAX_RATIO {
            return Err(format!(
                "member {:?} would inflate {} times ({} bytes from {}): refused as a decompression bomb",
                member.name().unwrap_or_default(),
                size / packed,
                size,
                packed
            ));
        }
    }
    if total > MAX_INFLATED {
        return Err(format!(
            "its members would inflate to {total} bytes, over the {MAX_INFLATED}-byte limit"
        ));
    }
    Ok(())
}

/// The tables of a spreadsheet held in memory.
pub fn records(bytes: Vec<u8>) -> Result<Box<dyn Records>, String> {
    check_bomb(&bytes)?;
    let book = open_workbook_auto_from_rs(Cursor::new(bytes))
        .map_err(|e| format!("not a readable spreadsheet: {e}"))?;
    let names = book.sheet_names();
    Ok(Box::new(SheetRecords {
        book,
        names: names.into_iter().rev().collect(),
        range: None,
        next_row: 0,
        pending: None,
    }))
}

struct SheetRecords {
    book: Sheets<Cursor<Vec<u8>>>,
    /// Sheets still to read, the next one last.
    names: Vec<String>,
    range: Option<Range<Data>>,
    next_row: usize,
    pending: Option<Item>,
}

fn row_cells(range: &Range<Data>, r: usize) -> Vec<String> {
    let row: Vec<&Data> = (0..range.width())
        .map(|c| range.get((r, c)).unwrap_or(&Data::Empty))
        .collect();
    cells(row)
}

fn cells<'a>(row: impl IntoIterator<Item = &'a Data>) -> Vec<String> {
    let mut fields: Vec<String> = row
        .into_iter()
        .map(|c| match c {
            Data::Empty => String::new(),
            Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e17 => format!("{}", *f as i64),
            other => other.to_string(),
        })
        .collect();
    while fields.last().is_some_and(String::is_empty) {
        fields.pop();
    }
    fields
}

impl Records for SheetRecords {
    fn next_item(&mut self) -> Option<Item> {
        if let Some(item) = self.pending.take() {
            return Some(item);
        }
        if let Some(range) = &self.range {
            let start = range.start().map_or(0, |(r, _)| r as u64);
            while self.next_row < range.height() {
                let fields = row_cells(range, self.next_row);
                self.next_row += 1;
                if fields.iter().all(|f| f.trim().is_empty()) {
                    continue;
                }
                // Rows numbered as the spreadsheet shows them.
                let line = start + self.next_row as u64;
                return Some(Item::Row(Ok(Row::new(line, fields))));
            }
            self.range = None;
        }
        let name = self.names.pop()?;
        let range = match self.book.worksheet_range(&name) {
            Ok(r) => r,
            Err(e) => {
                return Some(Item::Row(Err(crate::rows::Reject {
                    line: 0,
                    reason: crate::rows::RejectReason::Unreadable,
                    redacted: format!("sheet {name:?}: {e}"),
                })))
            }
        };
        let first: Vec<Vec<String>> = (0..range.height().min(6))
            .map(|r| row_cells(&range, r))
            .collect();
        let header = looks_like_header(&first);
        let columns = header.then(|| first[0].clone());
        self.next_row = usize::from(header && !first.is_empty());
        self.range = Some(range);
        Some(Item::Table(TableInfo {
            name: Some(name),
            columns,
            roles: None,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bomb_is_refused_before_inflating() {
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        zip.start_file("xl/workbook.xml", options).unwrap();
        std::io::Write::write_all(&mut zip, &vec![b'a'; 64 << 20]).unwrap();
        let bytes = zip.finish().unwrap().into_inner();
        assert!(bytes.len() < 1 << 20);
        assert!(is_spreadsheet(&bytes));
        let err = records(bytes).err().unwrap();
        assert!(err.contains("bomb"), "{err}");
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        assert!(records(b"PK\x03\x04garbage".to_vec()).is_err());
        assert!(records(Vec::new()).is_err());
    }
}
