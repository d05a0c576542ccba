//! OpenDocument spreadsheets, streamed: `content.xml` is read event by
//! event with `quick-xml` from a thread, row by row, never a whole sheet.
//! `calamine` (used for XLSX) reads an ODS sheet whole, about 1.3 KiB per
//! row of twelve columns: a million-row export would need more than a
//! gigabyte, so ODS gets this reader of its own (measured in
//! `bench/shapes.sh`).
//!
//! What a table holds: `table:table` (a sheet, `table:name`),
//! `table:table-row` (`table:number-rows-repeated`), `table:table-cell` and
//! `table:covered-table-cell` (`table:number-columns-repeated`; the value
//! in `office:value`, `office:date-value`, `office:time-value` or
//! `office:boolean-value`, else the text of its `text:p` paragraphs, with
//! `text:s` spaces, `text:tab` and `text:line-break`).

use std::io::{BufReader, Cursor};

use quick_xml::events::{BytesStart, Event};
use quick_xml::Decoder;

use super::sheet::{text, SheetOut, Streamed, MAX_COLUMNS, QUEUE};
use super::{Item, Records};
use calamine::Data;

/// Longest text kept of one cell.
const MAX_CELL: usize = 1 << 20;
/// Most copies of one repeated non-empty row (an empty one costs nothing).
const MAX_REPEATED_ROWS: u64 = 10_000;

/// Whether `bytes` is an ODS: a zip whose `mimetype` names a spreadsheet
/// and that holds `content.xml`.
pub fn is_ods(bytes: &[u8]) -> bool {
    let Ok(mut zip) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return false;
    };
    if zip.index_for_name("content.xml").is_none() {
        return false;
    }
    let Ok(mut mimetype) = zip.by_name("mimetype") else {
        return false;
    };
    let mut s = String::new();
    std::io::Read::read_to_string(&mut std::io::Read::take(&mut mimetype, 200), &mut s).is_ok()
        && s.trim() == "application/vnd.oasis.opendocument.spreadsheet"
}

/// The sheets of an ODS held (compressed) in memory, streamed.
pub fn records(bytes: Vec<u8>) -> Result<Box<dyn Records>, String> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| format!("not a readable spreadsheet: {e}"))?;
    // Opened here, so a missing or encrypted content.xml is the file's error.
    zip.by_name("content.xml")
        .map_err(|e| format!("not a readable spreadsheet: content.xml: {e}"))?;
    let (tx, rx) = std::sync::mpsc::sync_channel::<Item>(QUEUE);
    std::thread::spawn(move || {
        let Ok(content) = zip.by_name("content.xml") else {
            return;
        };
        let _ = read_content(BufReader::new(content), &tx);
    });
    Ok(Box::new(Streamed { rx }))
}

/// An attribute's unescaped value by its qualified name.
fn attr(e: &BytesStart<'_>, name: &[u8], d: Decoder) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.as_ref() == name)
        .and_then(|a| a.decode_and_unescape_value(d).ok().map(|v| v.into_owned()))
}

fn repeat(e: &BytesStart<'_>, name: &[u8], d: Decoder) -> u64 {
    attr(e, name, d)
        .and_then(|v| v.trim().parse::<u64>().ok())
        .unwrap_or(1)
        .max(1)
}

/// A cell being read.
struct Cell {
    repeat: u64,
    /// The value from the cell's attributes, when its type has one.
    value: Option<String>,
    text: String,
    paragraphs: usize,
}

impl Cell {
    fn start(e: &BytesStart<'_>, d: Decoder) -> Cell {
        let kind = attr(e, b"office:value-type", d).unwrap_or_default();
        let value = match kind.as_str() {
            "float" | "percentage" | "currency" => {
                attr(e, b"office:value", d).map(|v| match v.trim().parse::<f64>() {
                    Ok(f) => text(&Data::Float(f)),
                    Err(_) => v,
                })
            }
            "date" => attr(e, b"office:date-value", d),
            "time" => attr(e, b"office:time-value", d),
            "boolean" => attr(e, b"office:boolean-value", d),
            _ => None,
        };
        Cell {
            repeat: repeat(e, b"table:number-columns-repeated", d),
            value,
            text: String::new(),
            paragraphs: 0,
        }
    }

    fn push(&mut self, s: &str) {
        if self.text.len() + s.len() <= MAX_CELL {
            self.text.push_str(s);
        }
    }

    fn into_value(self) -> String {
        self.value.unwrap_or(self.text)
    }
}

/// A row being read: its fields, and empty cells not yet written out
/// (trailing ones never are).
#[derive(Default)]
struct RowFields {
    fields: Vec<String>,
    empties: usize,
}

impl RowFields {
    fn push(&mut self, value: String, repeat: u64) {
        let repeat = usize::try_from(repeat).unwrap_or(usize::MAX);
        if value.is_empty() {
            self.empties = self.empties.saturating_add(repeat);
            return;
        }
        // A cell far to the right of any column is not a field.
        if self.fields.len().saturating_add(self.empties) >= MAX_COLUMNS {
            return;
        }
        self.fields
            .resize(self.fields.len() + self.empties, String::new());
        self.empties = 0;
        let n = repeat.min(MAX_COLUMNS - self.fields.len());
        self.fields.extend(std::iter::repeat_n(value, n));
    }
}

/// Reads `content.xml` into tables and rows; `Err` when nobody listens.
fn read_content<R: std::io::BufRead>(
    input: R,
    tx: &std::sync::mpsc::SyncSender<Item>,
) -> Result<(), std::sync::mpsc::SendError<Item>> {
    let mut reader = quick_xml::Reader::from_reader(input);
    reader.config_mut().trim_text(false);
    let d = reader.decoder();
    let mut buf = Vec::new();
    let mut sheet: Option<SheetOut<'_>> = None;
    let mut line: u64 = 0;
    let mut row: Option<(RowFields, u64)> = None;
    let mut cell: Option<Cell> = None;
    let mut in_p = false;
    loop {
        buf.clear();
        let event = match reader.read_event_into(&mut buf) {
            Ok(e) => e,
            Err(e) => {
                let position = reader.buffer_position();
                let reason = format!("content.xml at byte {position}: {e}");
                return match sheet.take() {
                    Some(s) => {
                        s.unreadable(&reason)?;
                        s.finish()
                    }
                    None => SheetOut::new("content.xml", tx).unreadable(&reason),
                };
            }
        };
        match event {
            Event::Start(e) | Event::Empty(e) if e.name().as_ref() == b"table:table" => {
                if let Some(s) = sheet.take() {
                    s.finish()?;
                }
                let name = attr(&e, b"table:name", d).unwrap_or_default();
                sheet = Some(SheetOut::new(&name, tx));
                line = 0;
            }
            Event::End(e) if e.name().as_ref() == b"table:table" => {
                if let Some(s) = sheet.take() {
                    s.finish()?;
                }
            }
            Event::Start(e) if e.name().as_ref() == b"table:table-row" => {
                row = Some((
                    RowFields::default(),
                    repeat(&e, b"table:number-rows-repeated", d),
                ));
            }
            Event::Empty(e) if e.name().as_ref() == b"table:table-row" => {
                line = line.saturating_add(repeat(&e, b"table:number-rows-repeated", d));
            }
            Event::End(e) if e.name().as_ref() == b"table:table-row" => {
                if let Some((fields, times)) = row.take() {
                    let fields = fields.fields;
                    if let Some(s) = sheet.as_mut() {
                        if fields.iter().all(|f| f.trim().is_empty()) {
                            line = line.saturating_add(times);
                        } else {
                            for _ in 0..times.min(MAX_REPEATED_ROWS) {
                                line += 1;
                                s.row(line, fields.clone())?;
                            }
                            line = line.saturating_add(times.saturating_sub(MAX_REPEATED_ROWS));
                        }
                    }
                }
            }
            Event::Start(e)
                if matches!(
                    e.name().as_ref(),
                    b"table:table-cell" | b"table:covered-table-cell"
                ) =>
            {
                cell = Some(Cell::start(&e, d));
            }
            Event::Empty(e)
                if matches!(
                    e.name().as_ref(),
                    b"table:table-cell" | b"table:covered-table-cell"
                ) =>
            {
                let c = Cell::start(&e, d);
                if let Some((fields, _)) = row.as_mut() {
                    let repeat = c.repeat;
                    fields.push(c.into_value(), repeat);
                }
            }
            Event::End(e)
                if matches!(
                    e.name().as_ref(),
                    b"table:table-cell" | b"table:covered-table-cell"
                ) =>
            {
                if let (Some(c), Some((fields, _))) = (cell.take(), row.as_mut()) {
                    let repeat = c.repeat;
                    fields.push(c.into_value(), repeat);
                }
            }
            Event::Start(e) if e.name().as_ref() == b"text:p" => {
                if let Some(c) = cell.as_mut() {
                    if c.paragraphs > 0 {
                        c.push("\n");
                    }
                    c.paragraphs += 1;
                }
                in_p = true;
            }
            Event::End(e) if e.name().as_ref() == b"text:p" => in_p = false,
            Event::Empty(e) if in_p => {
                if let Some(c) = cell.as_mut() {
                    match e.name().as_ref() {
                        b"text:s" => {
                            let n = repeat(&e, b"text:c", d).min(1000) as usize;
                            c.push(&" ".repeat(n));
                        }
                        b"text:tab" => c.push("\t"),
                        b"text:line-break" => c.push("\n"),
                        _ => {}
                    }
                }
            }
            Event::Text(t) if in_p => {
                if let (Some(c), Ok(s)) = (cell.as_mut(), t.decode()) {
                    c.push(&s);
                }
            }
            Event::CData(t) if in_p => {
                if let (Some(c), Ok(s)) = (cell.as_mut(), t.decode()) {
                    c.push(&s);
                }
            }
            Event::GeneralRef(r) if in_p => {
                if let Some(c) = cell.as_mut() {
                    let resolved = match r.resolve_char_ref() {
                        Ok(Some(ch)) => Some(ch.to_string()),
                        Ok(None) => r.decode().ok().and_then(|name| {
                            quick_xml::escape::resolve_predefined_entity(&name).map(str::to_owned)
                        }),
                        Err(_) => None,
                    };
                    if let Some(s) = resolved {
                        c.push(&s);
                    }
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if let Some(s) = sheet.take() {
        s.finish()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::TableInfo;
    use crate::rows::Row;

    fn ods(content: &str) -> Vec<u8> {
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let stored = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored);
        zip.start_file("mimetype", stored).unwrap();
        std::io::Write::write_all(&mut zip, b"application/vnd.oasis.opendocument.spreadsheet")
            .unwrap();
        zip.start_file("content.xml", zip::write::SimpleFileOptions::default())
            .unwrap();
        std::io::Write::write_all(&mut zip, content.as_bytes()).unwrap();
        zip.finish().unwrap().into_inner()
    }

    fn read(content: &str) -> Vec<Item> {
        let bytes = ods(content);
        assert!(is_ods(&bytes));
        let mut r = records(bytes).unwrap();
        std::iter::from_fn(|| r.next_item()).collect()
    }

    fn cell(s: &str) -> String {
        format!(
            r#"<table:table-cell office:value-type="string"><text:p>{s}</text:p></table:table-cell>"#
        )
    }

    #[test]
    fn sheets_rows_and_repeats_as_a_spreadsheet_shows_them() {
        let header = format!(
            "<table:table-row>{}{}{}</table:table-row>",
            cell("naam"),
            cell("mobiel"),
            cell("e-mail")
        );
        let mut rows = String::new();
        for i in 0..7 {
            rows += &format!(
                r#"<table:table-row>{}<table:table-cell office:value-type="float" office:value="3161234{i:04}"><text:p>3,16E+10</text:p></table:table-cell><table:table-cell table:number-columns-repeated="2"/>{}</table:table-row>"#,
                cell(&format!("Jan<text:s text:c=\"2\"/>de &amp; Vries {i}")),
                cell(&format!("jan{i}@example.nl")),
            );
        }
        let content = format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="o" xmlns:table="t" xmlns:text="x"><office:body><office:spreadsheet>
<table:table table:name="Klanten"><table:table-column/>{header}<table:table-row table:number-rows-repeated="3"><table:table-cell table:number-columns-repeated="1024"/></table:table-row>{rows}<table:table-row table:number-rows-repeated="1048000"><table:table-cell/></table:table-row></table:table>
<table:table table:name="Blad2"><table:table-row>{}</table:table-row><table:table-row><table:covered-table-cell/>{}</table:table-row></table:table>
</office:spreadsheet></office:body></office:document-content>"#,
            cell("+32 470 12 34 56"),
            cell("line one</text:p><text:p>line two"),
        );
        let items = read(&content);
        let Item::Table(TableInfo { name, columns, .. }) = &items[0] else {
            panic!("{items:?}")
        };
        assert_eq!(name.as_deref(), Some("Klanten"));
        assert_eq!(
            columns.as_deref(),
            Some(&["naam".to_owned(), "mobiel".to_owned(), "e-mail".to_owned()][..])
        );
        let Item::Row(Ok(Row { line, fields, .. })) = &items[1] else {
            panic!("{items:?}")
        };
        // Three empty rows between the header (row 1) and the first record.
        assert_eq!(*line, 5);
        assert_eq!(
            fields,
            &[
                "Jan  de & Vries 0",
                "31612340000",
                "",
                "",
                "jan0@example.nl"
            ]
        );
        assert_eq!(items.len(), 1 + 7 + 1 + 2);
        let Item::Table(second) = &items[8] else {
            panic!("{items:?}")
        };
        assert_eq!(second.name.as_deref(), Some("Blad2"));
        let Item::Row(Ok(last)) = &items[10] else {
            panic!("{items:?}")
        };
        assert_eq!(last.fields, ["", "line one\nline two"]);
        assert_eq!(last.line, 2);
    }

    #[test]
    fn broken_xml_is_a_reject_not_a_panic() {
        let items = read(
            r#"<office:document-content><table:table table:name="S"><table:table-row><table:table-cell><text:p>06-12345678</text:p></table:table-row>"#,
        );
        assert!(
            items.iter().any(|i| matches!(i, Item::Row(Err(_)))),
            "{items:?}"
        );
        assert!(!is_ods(b"PK\x03\x04 not a zip"));
    }
}
