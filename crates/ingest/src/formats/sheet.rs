//! Spreadsheets (XLSX with `calamine`'s cell reader, ODS with our reader of
//! its `content.xml` in `ods.rs`): every sheet is a table, its first row
//! the header when it looks like one, streamed cell by cell from a thread.
//! A spreadsheet is a ZIP held whole (compressed) in memory, so its
//! members' declared sizes are checked first: a "spreadsheet bomb" (a few
//! kilobytes that inflate to gigabytes) is refused before anything is
//! inflated.

use std::io::Cursor;
use std::sync::mpsc::{SendError, SyncSender};

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

/// Refuses a ZIP whose members would inflate beyond the limits. The sheets
/// (an XLSX's worksheets, an ODS's `content.xml`) are streamed, so only the
/// other members (shared strings, styles) count towards [`MAX_INFLATED`];
/// every member must keep to [`MAX_RATIO`].
fn check_bomb(bytes: &[u8]) -> Result<(), String> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| format!("not a readable spreadsheet: {e}"))?;
    let xlsx = archive.index_for_name("xl/workbook.xml").is_some();
    let mut total: u64 = 0;
    for i in 0..archive.len() {
        let member = archive
            .by_index_raw(i)
            .map_err(|e| format!("not a readable spreadsheet: {e}"))?;
        let (size, packed) = (member.size(), member.compressed_size().max(1));
        let streamed = member.name().is_ok_and(|n| {
            if xlsx {
                n.starts_with("xl/worksheets/") && n.ends_with(".xml")
            } else {
                n == "content.xml"
            }
        });
        if !streamed {
            total = total.saturating_add(size);
        }
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
            "its members other than the sheets would inflate to {total} bytes, over the {MAX_INFLATED}-byte limit"
        ));
    }
    Ok(())
}

/// The tables of a spreadsheet held in memory (compressed): an XLSX
/// workbook's cells are streamed sheet by sheet, never a whole sheet at
/// once; an ODS (or XLS, XLSB) sheet is read whole, one sheet at a time.
pub fn records(bytes: Vec<u8>) -> Result<Box<dyn Records>, String> {
    check_bomb(&bytes)?;
    if super::ods::is_ods(&bytes) {
        return super::ods::records(bytes);
    }
    let book = open_workbook_auto_from_rs(Cursor::new(bytes))
        .map_err(|e| format!("not a readable spreadsheet: {e}"))?;
    let book = match book {
        Sheets::Xlsx(xlsx) => return Ok(stream_xlsx(xlsx)),
        other => other,
    };
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
    trimmed(row.into_iter().map(text).collect())
}

/// A cell as text (a whole number without its `.0`).
pub(super) fn text(c: &Data) -> String {
    match c {
        Data::Empty => String::new(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e17 => format!("{}", *f as i64),
        other => other.to_string(),
    }
}

/// Rows looked at before a sheet's header is decided.
const HEADER_ROWS: usize = 6;
/// Items buffered between the thread reading a workbook and ingest.
pub(super) const QUEUE: usize = 1024;

/// Streams an XLSX workbook's cells from a thread of its own (its cell
/// reader borrows the workbook), row by row over a bounded channel.
fn stream_xlsx(mut book: calamine::Xlsx<Cursor<Vec<u8>>>) -> Box<dyn Records> {
    let (tx, rx) = std::sync::mpsc::sync_channel::<Item>(QUEUE);
    std::thread::spawn(move || {
        for name in book.sheet_names() {
            if stream_sheet(&mut book, &name, &tx).is_err() {
                return; // the reader was dropped
            }
        }
    });
    Box::new(Streamed { rx })
}

/// A streamed sheet's rows on their way to the channel: the first rows
/// wait until the header is decided from them, then go as one table.
pub(super) struct SheetOut<'a> {
    name: String,
    tx: &'a SyncSender<Item>,
    first: Vec<(u64, Vec<String>)>,
    started: bool,
}

impl<'a> SheetOut<'a> {
    pub(super) fn new(name: &str, tx: &'a SyncSender<Item>) -> SheetOut<'a> {
        SheetOut {
            name: name.to_owned(),
            tx,
            first: Vec::new(),
            started: false,
        }
    }

    /// A row as the spreadsheet numbers it; an empty one is skipped.
    pub(super) fn row(&mut self, line: u64, fields: Vec<String>) -> Result<(), SendError<Item>> {
        let fields = trimmed(fields);
        if fields.iter().all(|v| v.trim().is_empty()) {
            return Ok(());
        }
        if self.started {
            return self.tx.send(Item::Row(Ok(Row::new(line, fields))));
        }
        self.first.push((line, fields));
        if self.first.len() < HEADER_ROWS {
            return Ok(());
        }
        self.started = true;
        start_table(&self.name, &mut self.first, self.tx)
    }

    /// A reject naming the sheet (the reader's own error).
    pub(super) fn unreadable(&self, e: &dyn std::fmt::Display) -> Result<(), SendError<Item>> {
        self.tx.send(Item::Row(Err(crate::rows::Reject {
            line: 0,
            reason: crate::rows::RejectReason::Unreadable,
            redacted: format!("sheet {:?}: {e}", self.name),
        })))
    }

    /// The end of the sheet: a short sheet's table and rows go now.
    pub(super) fn finish(mut self) -> Result<(), SendError<Item>> {
        if !self.started {
            start_table(&self.name, &mut self.first, self.tx)?;
        }
        Ok(())
    }
}

/// One sheet's table and rows into `tx`; `Err` when nobody listens.
fn stream_sheet(
    book: &mut calamine::Xlsx<Cursor<Vec<u8>>>,
    name: &str,
    tx: &SyncSender<Item>,
) -> Result<(), SendError<Item>> {
    let mut out = SheetOut::new(name, tx);
    let mut reader = match book.worksheet_cells_reader(name) {
        Ok(r) => r,
        Err(e) => return out.unreadable(&e),
    };
    let mut row: Option<u32> = None;
    let mut fields: Vec<String> = Vec::new();
    loop {
        match reader.next_cell() {
            Ok(Some(cell)) => {
                let (r, c) = cell.get_position();
                if row != Some(r) {
                    if let Some(done) = row {
                        out.row(u64::from(done) + 1, std::mem::take(&mut fields))?;
                    }
                    row = Some(r);
                }
                let c = c as usize;
                // A cell far to the right of any column is not a field.
                if c >= MAX_COLUMNS {
                    continue;
                }
                if fields.len() <= c {
                    fields.resize(c + 1, String::new());
                }
                fields[c] = text(&Data::from(cell.get_value().clone()));
            }
            Ok(None) => break,
            Err(e) => {
                out.unreadable(&e)?;
                break;
            }
        }
    }
    if let Some(done) = row {
        out.row(u64::from(done) + 1, fields)?;
    }
    out.finish()
}

/// Widest row kept of a streamed sheet.
pub(super) const MAX_COLUMNS: usize = 16_384;

/// Sends a sheet's table (header decided from its first rows), then those rows.
fn start_table(
    name: &str,
    first: &mut Vec<(u64, Vec<String>)>,
    tx: &SyncSender<Item>,
) -> Result<(), SendError<Item>> {
    let rows: Vec<Vec<String>> = first.iter().map(|(_, f)| f.clone()).collect();
    let header = looks_like_header(&rows);
    let columns = header.then(|| rows.first().cloned().unwrap_or_default());
    tx.send(Item::Table(TableInfo {
        name: Some(name.to_owned()),
        columns,
        roles: None,
    }))?;
    for (i, (line, fields)) in first.drain(..).enumerate() {
        if header && i == 0 {
            continue;
        }
        tx.send(Item::Row(Ok(Row::new(line, fields))))?;
    }
    Ok(())
}

pub(super) fn trimmed(mut fields: Vec<String>) -> Vec<String> {
    while fields.last().is_some_and(String::is_empty) {
        fields.pop();
    }
    fields
}

/// Items from the thread streaming a workbook.
pub(super) struct Streamed {
    pub(super) rx: std::sync::mpsc::Receiver<Item>,
}

impl Records for Streamed {
    fn next_item(&mut self) -> Option<Item> {
        self.rx.recv().ok()
    }
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

    /// A minimal workbook of two sheets, as Excel lays one out.
    fn workbook(sheets: &[(&str, &str)]) -> Vec<u8> {
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default();
        let mut put = |name: &str, text: String| {
            zip.start_file(name, options).unwrap();
            std::io::Write::write_all(&mut zip, text.as_bytes()).unwrap();
        };
        let main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
        let rels = "http://schemas.openxmlformats.org/package/2006/relationships";
        let doc = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
        let mut types = String::from(
            r#"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>"#,
        );
        let mut book =
            format!(r#"<?xml version="1.0"?><workbook xmlns="{main}" xmlns:r="{doc}"><sheets>"#);
        let mut book_rels = format!(r#"<?xml version="1.0"?><Relationships xmlns="{rels}">"#);
        for (i, (name, rows)) in sheets.iter().enumerate() {
            let n = i + 1;
            types.push_str(&format!(r#"<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>"#));
            book.push_str(&format!(
                r#"<sheet name="{name}" sheetId="{n}" r:id="rId{n}"/>"#
            ));
            book_rels.push_str(&format!(r#"<Relationship Id="rId{n}" Type="{doc}/worksheet" Target="worksheets/sheet{n}.xml"/>"#));
            let mut xml = format!(r#"<?xml version="1.0"?><worksheet xmlns="{main}"><sheetData>"#);
            for (r, line) in rows.lines().enumerate() {
                xml.push_str(&format!(r#"<row r="{}">"#, r + 1));
                for (c, cell) in line.split(',').enumerate() {
                    let col = char::from(b'A' + c as u8);
                    xml.push_str(&format!(
                        r#"<c r="{col}{}" t="inlineStr"><is><t>{cell}</t></is></c>"#,
                        r + 1
                    ));
                }
                xml.push_str("</row>");
            }
            xml.push_str("</sheetData></worksheet>");
            put(&format!("xl/worksheets/sheet{n}.xml"), xml);
        }
        types.push_str("</Types>");
        book.push_str("</sheets></workbook>");
        book_rels.push_str("</Relationships>");
        put("[Content_Types].xml", types);
        put(
            "_rels/.rels",
            format!(
                r#"<?xml version="1.0"?><Relationships xmlns="{rels}"><Relationship Id="rId1" Type="{doc}/officeDocument" Target="xl/workbook.xml"/></Relationships>"#
            ),
        );
        put("xl/workbook.xml", book);
        put("xl/_rels/workbook.xml.rels", book_rels);
        zip.finish().unwrap().into_inner()
    }

    #[test]
    fn every_sheet_is_a_table_with_its_own_header() {
        let bytes = workbook(&[
            ("klanten", "gsm,naam\n0612345678,Jan\n0612345679,Els"),
            ("contacts", "email,city\njan@example.nl,Gent"),
        ]);
        assert!(is_spreadsheet(&bytes));
        let mut source = records(bytes).unwrap();
        let mut items = Vec::new();
        while let Some(item) = source.next_item() {
            items.push(item);
        }
        let tables: Vec<_> = items
            .iter()
            .filter_map(|i| match i {
                Item::Table(t) => Some((t.name.clone().unwrap(), t.columns.clone().unwrap())),
                _ => None,
            })
            .collect();
        assert_eq!(
            tables,
            [
                (
                    "klanten".to_owned(),
                    vec!["gsm".to_owned(), "naam".to_owned()]
                ),
                (
                    "contacts".to_owned(),
                    vec!["email".to_owned(), "city".to_owned()]
                ),
            ]
        );
        let rows: Vec<_> = items
            .iter()
            .filter_map(|i| match i {
                Item::Row(Ok(r)) => Some((r.line, r.fields.clone())),
                _ => None,
            })
            .collect();
        assert_eq!(rows.len(), 3, "{rows:?}");
        assert_eq!(
            rows[0],
            (2, vec!["0612345678".to_owned(), "Jan".to_owned()])
        );
        assert_eq!(rows[2].1, ["jan@example.nl", "Gent"]);
    }
}
