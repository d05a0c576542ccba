//! Reading one input path into records: containers expanded into members,
//! each member decompressed, decoded, its format detected from its first
//! bytes (or forced), then its tables read: the first rows of a table are
//! held as its sample, its columns detected from header names and that
//! sample, and every row turned into a record. Everything is streamed: only
//! a table's sample and a format's own bounded buffers are held.
//!
//! A file that yields no identifier, or far fewer records than rows, is an
//! error naming the format it was read as (a warning with `allow_sparse`).

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;

use lekradar_breach::BreachMetadata;
use lekradar_index::ClassSet;
use lekradar_normalize::{Identifier, Region};

use crate::columns::{detect_columns, header_role, ColumnRole, Detection};
use crate::container::{self, Container, MemberStream};
use crate::formats::{self, Head, Item, Records, TableInfo, HEAD_BYTES, SAMPLE_ROWS};
use crate::pipeline::{FileReport, IngestConfig, IngestError, ProgressFn, TableReport};
use crate::rows::{redact_value, to_record, Reject, Row};
use crate::source::{open, peek, text_reader, Source, SourceError, TextEncoding};

/// Rejects listed one by one in a report (all are counted).
const LISTED_REJECTS: usize = 100;
/// Rows between progress calls.
const PROGRESS_ROWS: u64 = 4096;
/// Largest spreadsheet read (it is held whole).
const MAX_SPREADSHEET: u64 = 1 << 30;
/// Rows that must yield records, as a share: fewer is "sparse".
const SPARSE_PERCENT: u64 = 50;

/// Where read identifiers go, with their record's classes.
pub type Sink<'a> = &'a mut dyn FnMut(Identifier, ClassSet) -> Result<(), IngestError>;

/// What reading needs besides the configuration.
pub struct Reading<'a> {
    pub config: &'a IngestConfig,
    pub regions: &'a [Region],
    pub meta: &'a mut BreachMetadata,
    pub progress: ProgressFn<'a>,
    /// Whether a fingerprint was ingested before (then it is skipped).
    pub known: &'a dyn Fn(&str) -> bool,
}

/// Reads one input path (a file or an archive; directories are expanded
/// before), one report per file or member.
pub fn read_path(
    path: &Path,
    reading: &mut Reading<'_>,
    sink: Sink<'_>,
) -> Result<Vec<FileReport>, IngestError> {
    let container = container::container_of(path)?;
    let password = reading.config.password.clone();
    if container == Container::Plain {
        let fingerprint = crate::source::fingerprint(path)?;
        let mut report = FileReport {
            path: path.to_owned(),
            already_ingested: (reading.known)(&fingerprint),
            fingerprint,
            ..FileReport::default()
        };
        if !report.already_ingested {
            let source = open(path)?;
            read_source(&mut report, source, reading, sink)?;
        }
        return Ok(vec![report]);
    }
    let members = container::members(path, container, password.as_deref())?;
    let mut reports: Vec<FileReport> = members
        .iter()
        .map(|m| FileReport {
            path: path.to_owned(),
            member: Some(m.name.clone()),
            already_ingested: (reading.known)(&m.fingerprint),
            fingerprint: m.fingerprint.clone(),
            ..FileReport::default()
        })
        .collect();
    // Two members with the same content: the second is a repeat.
    for i in 1..reports.len() {
        if reports[..i]
            .iter()
            .any(|r| r.fingerprint == reports[i].fingerprint)
        {
            reports[i].already_ingested = true;
        }
    }
    if reports.iter().all(|r| r.already_ingested) {
        return Ok(reports);
    }
    let mut stream = MemberStream::start(path, container, password);
    let mut index = 0;
    while let Some(member) = stream.next_member() {
        let (name, reader) = member?;
        let Some(report) = reports.get_mut(index) else {
            break;
        };
        index += 1;
        if report.already_ingested || report.member.as_deref() != Some(name.as_str()) {
            continue;
        }
        let size = members.get(index - 1).map_or(0, |m| m.size);
        let source = Source::from_reader(reader, size).map_err(|e| SourceError::Io {
            path: member_path(path, &name),
            source: e,
        })?;
        read_source(report, source, reading, sink)?;
    }
    if index < reports.len() {
        return Err(SourceError::NotADump {
            path: path.to_owned(),
            reason: "the archive changed while it was read".into(),
        }
        .into());
    }
    Ok(reports)
}

/// `archive!member`, how a member is named in errors and reports.
pub fn member_path(path: &Path, member: &str) -> PathBuf {
    PathBuf::from(format!("{}!{member}", path.display()))
}

/// A stream opened for reading: its records and what it was taken for.
struct Opened {
    records: Box<dyn Records>,
    /// The format as reports describe it.
    format: String,
    /// The format's registry name.
    format_name: &'static str,
    encoding: String,
}

/// Opens one decompressed stream as records: a spreadsheet from its bytes,
/// text decoded and its format detected from its start (or forced by
/// `config.format`). `name` is the file or member name (the extension hint),
/// `shown` how it is named in errors.
fn open_records(
    source: Source,
    name: &str,
    shown: &Path,
    config: &IngestConfig,
) -> Result<Opened, IngestError> {
    let io = |e: std::io::Error| SourceError::Io {
        path: shown.to_owned(),
        source: e,
    };
    let not_a_dump = |reason: &str| SourceError::NotADump {
        path: shown.to_owned(),
        reason: reason.to_owned(),
    };
    let forced = match config.format.as_deref() {
        Some(f) => Some(formats::spec_or_error(f).map_err(IngestError::Format)?),
        None => None,
    };
    let (raw, reader) = peek(source.reader, 64 * 1024).map_err(io)?;
    if raw.is_empty() {
        return Err(not_a_dump("the file is empty").into());
    }
    if forced.is_some_and(|s| s.name == "spreadsheet") || formats::is_spreadsheet(&raw) {
        let mut bytes = Vec::new();
        reader
            .take(MAX_SPREADSHEET + 1)
            .read_to_end(&mut bytes)
            .map_err(io)?;
        if bytes.len() as u64 > MAX_SPREADSHEET {
            return Err(not_a_dump("a spreadsheet over 1 GiB").into());
        }
        return Ok(Opened {
            records: formats::spreadsheet(bytes).map_err(|e| not_a_dump(&e))?,
            format: formats::SPREADSHEET.to_owned(),
            format_name: "spreadsheet",
            encoding: "XLSX/ODS".into(),
        });
    }
    if container::is_zip(&raw) || container::is_tar(&raw) {
        return Err(not_a_dump(
            "an archive inside an archive: extract the outer one and ingest what it holds",
        )
        .into());
    }
    let encoding = TextEncoding::detect(&raw);
    let (head_bytes, reader) = peek(text_reader(reader, encoding), HEAD_BYTES).map_err(io)?;
    let binary = head_bytes
        .iter()
        .filter(|&&b| b == 0 || (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r')))
        .count();
    if binary * 20 > head_bytes.len() {
        return Err(not_a_dump("it is binary, not text").into());
    }
    let head = Head::new(&head_bytes, name);
    let format = match forced {
        Some(spec) => {
            formats::forced(spec.name, config.delimiter, &head).map_err(IngestError::Format)?
        }
        None => {
            formats::detect(&head).ok_or_else(|| not_a_dump("no lines of text at the start"))?
        }
    };
    Ok(Opened {
        records: formats::records(&format, reader, &head),
        format: format.describe(),
        format_name: format.name(),
        encoding: encoding.as_str().to_owned(),
    })
}

/// The roles of a table's columns: the format's own, or detected from the
/// header names and the sample's content; then `--map`.
fn detect_table(
    info: &TableInfo,
    header: Option<&[String]>,
    sample: &[Vec<String>],
    path: &Path,
    regions: &[Region],
    config: &IngestConfig,
) -> Result<Detection, IngestError> {
    let mut detection = match &info.roles {
        Some(roles) => Detection {
            roles: roles.clone(),
            found_by: vec!["format"; roles.len()],
        },
        None => detect_columns(header, sample, regions),
    };
    apply_map(path, &mut detection, header, &config.map)?;
    Ok(detection)
}

/// Reads one decompressed stream into `report`.
fn read_source(
    report: &mut FileReport,
    source: Source,
    reading: &mut Reading<'_>,
    sink: Sink<'_>,
) -> Result<(), IngestError> {
    let shown = report.display_path();
    let name = report
        .member
        .clone()
        .unwrap_or_else(|| report.path.to_string_lossy().into_owned());
    report.compression = source.compression.as_str().to_owned();
    let consumed = source.consumed.clone();
    let file_len = source.file_len;
    let opened = open_records(source, &name, &shown, reading.config)?;
    report.format = opened.format;
    report.format_name = opened.format_name;
    report.encoding = opened.encoding;
    let mut records = opened.records;

    let mut table: Option<Table> = None;
    let mut rows_seen: u64 = 0;
    loop {
        let item = records.next_item();
        match item {
            Some(Item::Table(info)) => {
                if let Some(t) = table.take() {
                    t.finish(report, reading, records.as_ref(), sink)?;
                }
                table = Some(Table::new(info));
            }
            Some(Item::Row(row)) => {
                rows_seen += 1;
                let t = table.get_or_insert_with(|| {
                    Table::new(TableInfo {
                        name: None,
                        columns: None,
                        roles: None,
                    })
                });
                t.row(row, report, reading, records.as_ref(), sink)?;
                if rows_seen.is_multiple_of(PROGRESS_ROWS) {
                    (reading.progress)(
                        &shown,
                        consumed.load(Ordering::Relaxed),
                        file_len,
                        report.rows,
                    );
                }
            }
            None => break,
        }
    }
    if let Some(t) = table.take() {
        t.finish(report, reading, records.as_ref(), sink)?;
    }
    (reading.progress)(&shown, file_len, file_len, report.rows);
    check_yield(report, reading.config)
}

/// Never silent: no identifier at all, or far fewer records than rows.
fn check_yield(report: &mut FileReport, config: &IngestConfig) -> Result<(), IngestError> {
    let hint = || {
        format!(
            "if it is not {}, pass --format ({}), --delimiter, or name the columns with --map",
            report.format,
            formats::FORMATS
                .iter()
                .map(|s| s.name)
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    if report.identifiers == 0 {
        let why = if report.tables.iter().all(|t| t.skipped.is_some()) {
            format!(
                "found no phone number or email column ({})",
                report
                    .tables
                    .iter()
                    .flat_map(|t| t.columns.iter().map(|c| c.0.as_str()))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        } else {
            format!("{} rows gave no phone number or email address", report.rows)
        };
        return Err(IngestError::NothingRead {
            path: report.display_path(),
            format: report.format.clone(),
            why,
            hint: hint(),
        });
    }
    if report.records * 100 < report.rows * SPARSE_PERCENT {
        let warning = format!(
            "only {} of {} rows held a phone number or email address when read as {}",
            report.records, report.rows, report.format
        );
        if !config.allow_sparse {
            return Err(IngestError::Sparse {
                path: report.display_path(),
                warning,
                hint: hint(),
            });
        }
        report.warnings.push(warning);
    }
    Ok(())
}

/// A table being read: its sample until its columns are known, then its rows.
struct Table {
    info: TableInfo,
    sample: Vec<Result<Row, Reject>>,
    sampled_ok: usize,
    detection: Option<Detection>,
    /// Index of this table's report in the file report.
    report: Option<usize>,
    skipped: bool,
}

impl Table {
    fn new(info: TableInfo) -> Table {
        Table {
            info,
            sample: Vec::new(),
            sampled_ok: 0,
            detection: None,
            report: None,
            skipped: false,
        }
    }

    fn row(
        &mut self,
        row: Result<Row, Reject>,
        report: &mut FileReport,
        reading: &mut Reading<'_>,
        records: &dyn Records,
        sink: Sink<'_>,
    ) -> Result<(), IngestError> {
        if self.detection.is_none() {
            self.sampled_ok += usize::from(row.is_ok());
            self.sample.push(row);
            if self.sampled_ok >= SAMPLE_ROWS || self.sample.len() >= SAMPLE_ROWS * 4 {
                self.detect(report, reading, records)?;
                for row in std::mem::take(&mut self.sample) {
                    self.use_row(row, report, reading, records, sink)?;
                }
            }
            return Ok(());
        }
        self.use_row(row, report, reading, records, sink)
    }

    fn finish(
        mut self,
        report: &mut FileReport,
        reading: &mut Reading<'_>,
        records: &dyn Records,
        sink: Sink<'_>,
    ) -> Result<(), IngestError> {
        if self.detection.is_none() {
            self.detect(report, reading, records)?;
            for row in std::mem::take(&mut self.sample) {
                self.use_row(row, report, reading, records, sink)?;
            }
        }
        Ok(())
    }

    /// Detects the columns from the header and the sample, and opens the
    /// table's report.
    fn detect(
        &mut self,
        report: &mut FileReport,
        reading: &Reading<'_>,
        records: &dyn Records,
    ) -> Result<(), IngestError> {
        let header = self.info.columns.clone().or_else(|| records.columns());
        let sample: Vec<Vec<String>> = self
            .sample
            .iter()
            .filter_map(|r| r.as_ref().ok())
            .map(|r| r.fields.clone())
            .collect();
        let detection = detect_table(
            &self.info,
            header.as_deref(),
            &sample,
            &report.display_path(),
            reading.regions,
            reading.config,
        )?;
        let columns = column_report(&detection, header.as_deref());
        let has_identifier = detection.roles.iter().any(ColumnRole::is_identifier);
        let mut t = TableReport {
            name: self.info.name.clone(),
            columns,
            sample: sample
                .iter()
                .take(5)
                .map(|r| {
                    r.iter()
                        .enumerate()
                        .map(|(i, v)| redact_value(v, detection.roles.get(i)))
                        .collect()
                })
                .collect(),
            ..TableReport::default()
        };
        if !has_identifier {
            // A SQL dump's or workbook's other tables hold other things;
            // a file whose every table is like this is an error at its end.
            t.skipped = Some("no phone number or email column".into());
            self.skipped = true;
            if self.info.name.is_none() && self.info.roles.is_none() {
                // Nothing to look at: every record was rejected (JSON too
                // deeply nested, a broken quote...); say why, not "no column".
                if sample.is_empty() {
                    if let Some(Err(first)) = self.sample.first() {
                        let why = format!(
                            "every record was rejected: {} (line {}{})",
                            first.reason.as_str(),
                            first.line,
                            if first.redacted.is_empty() {
                                String::new()
                            } else {
                                format!(": {}", first.redacted)
                            }
                        );
                        report.tables.push(t);
                        return Err(IngestError::NothingRead {
                            path: report.display_path(),
                            format: report.format.clone(),
                            why,
                            hint: "nothing was written".into(),
                        });
                    }
                }
                report.tables.push(t);
                return Err(IngestError::NoIdentifierColumn {
                    path: report.display_path(),
                    format: report.format.clone(),
                    columns: report.tables.last().map_or(String::new(), |t| {
                        t.columns
                            .iter()
                            .map(|c| c.0.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    }),
                });
            }
        }
        self.report = Some(report.tables.len());
        report.tables.push(t);
        self.detection = Some(detection);
        Ok(())
    }

    /// Roles for columns first met after detection (JSON paths): by name.
    fn extend(&mut self, width: usize, records: &dyn Records, report: &mut FileReport) {
        let Some(detection) = self.detection.as_mut() else {
            return;
        };
        if width <= detection.roles.len() {
            return;
        }
        let names = records.columns().unwrap_or_default();
        for i in detection.roles.len()..width {
            let name = names.get(i).cloned();
            let role = name.as_deref().and_then(header_role);
            detection.roles.push(role.unwrap_or(ColumnRole::Ignore));
            detection
                .found_by
                .push(if role.is_some() { "header" } else { "late" });
            if let (Some(role), Some(t)) =
                (role, self.report.and_then(|i| report.tables.get_mut(i)))
            {
                t.columns.push((
                    name.unwrap_or_else(|| format!("column {}", i + 1)),
                    role.name().to_owned(),
                    "header",
                ));
            }
        }
    }

    fn use_row(
        &mut self,
        row: Result<Row, Reject>,
        report: &mut FileReport,
        reading: &mut Reading<'_>,
        records: &dyn Records,
        sink: Sink<'_>,
    ) -> Result<(), IngestError> {
        if self.skipped {
            return Ok(());
        }
        if let Ok(r) = &row {
            let width = r
                .fields
                .len()
                .max(r.more.iter().map(|(i, _)| i + 1).max().unwrap_or(0));
            self.extend(width, records, report);
        }
        let Some(detection) = &self.detection else {
            return Ok(());
        };
        report.rows += 1;
        if let Some(t) = self.report.and_then(|i| report.tables.get_mut(i)) {
            t.rows += 1;
        }
        // A row the format could not split is shown by its shape; in a table
        // with passwords that shape could be a password's: withheld.
        let row = row.map_err(|mut reject| {
            if detection.roles.iter().any(ColumnRole::is_secret) && !reject.redacted.is_empty() {
                reject.redacted = "<withheld: the table holds passwords>".into();
            }
            reject
        });
        match row.and_then(|r| to_record(&r, detection, reading.regions)) {
            Ok(record) => {
                report.records += 1;
                if let Some(t) = self.report.and_then(|i| report.tables.get_mut(i)) {
                    t.records += 1;
                }
                let mut bits: ClassSet = 0;
                for class in &record.classes {
                    let bit = reading
                        .meta
                        .class_bit(class)
                        .ok_or_else(|| IngestError::TooManyClasses(reading.meta.name.clone()))?;
                    bits |= 1 << bit;
                    *report
                        .records_by_class
                        .entry((*class).to_owned())
                        .or_default() += 1;
                }
                for (region, ambiguous) in &record.phone_regions {
                    let name = region.map_or_else(|| "+CC".to_owned(), |r| r.to_string());
                    *report.phones_by_region.entry(name).or_default() += 1;
                    report.ambiguous_phones += u64::from(*ambiguous);
                }
                for id in record.identifiers {
                    match &id {
                        Identifier::Phone(p) => {
                            *report
                                .phones_by_country
                                .entry(p.country_code().to_string())
                                .or_default() += 1
                        }
                        Identifier::Email(_) => report.emails += 1,
                    }
                    report.identifiers += 1;
                    sink(id, bits)?;
                }
            }
            Err(reject) => {
                *report.rejects.entry(reject.reason).or_default() += 1;
                if report.listed_rejects.len() < LISTED_REJECTS {
                    report.listed_rejects.push(reject);
                }
            }
        }
        Ok(())
    }
}

fn column_report(
    detection: &Detection,
    header: Option<&[String]>,
) -> Vec<(String, String, &'static str)> {
    detection
        .roles
        .iter()
        .enumerate()
        .map(|(i, role)| {
            let name = header
                .and_then(|h| h.get(i).cloned())
                .unwrap_or_else(|| format!("column {}", i + 1));
            (name, role.name().to_owned(), detection.found_by[i])
        })
        .collect()
}

fn apply_map(
    path: &Path,
    detection: &mut Detection,
    header: Option<&[String]>,
    map: &[(String, ColumnRole)],
) -> Result<(), IngestError> {
    for (column, role) in map {
        let index = header
            .and_then(|h| {
                h.iter()
                    .position(|name| name.trim().eq_ignore_ascii_case(column.trim()))
            })
            .or_else(|| {
                column
                    .parse::<usize>()
                    .ok()
                    .filter(|&n| n >= 1)
                    .map(|n| n - 1)
            })
            .ok_or_else(|| IngestError::UnknownMapColumn {
                path: path.to_owned(),
                column: column.clone(),
            })?;
        if index >= detection.roles.len() {
            detection.roles.resize(index + 1, ColumnRole::Ignore);
            detection.found_by.resize(index + 1, "content");
        }
        detection.roles[index] = *role;
        detection.found_by[index] = "map";
    }
    Ok(())
}

/// Every row of a dump (a plain file, possibly compressed) with the roles of
/// its table's columns, as ingest reads them; no record is built. For
/// measuring reading alone. Returns the rows read, rejects included.
pub fn read_rows(
    path: &Path,
    config: &IngestConfig,
    regions: &[Region],
    each: &mut dyn FnMut(&[ColumnRole], &Row),
) -> Result<u64, IngestError> {
    read_stream(open(path)?, path, config, regions, each)
}

/// [`read_rows`] over an opened stream; `path` names it (and gives the
/// extension hint).
pub fn read_stream(
    source: Source,
    path: &Path,
    config: &IngestConfig,
    regions: &[Region],
    each: &mut dyn FnMut(&[ColumnRole], &Row),
) -> Result<u64, IngestError> {
    let opened = open_records(source, &path.to_string_lossy(), path, config)?;
    let mut records = opened.records;
    let mut rows = 0;
    let mut info: Option<TableInfo> = None;
    let mut pending: Vec<Row> = Vec::new();
    let mut roles: Option<Vec<ColumnRole>> = None;
    let flush = |info: &Option<TableInfo>,
                 pending: &mut Vec<Row>,
                 roles: &mut Option<Vec<ColumnRole>>,
                 records: &dyn Records,
                 each: &mut dyn FnMut(&[ColumnRole], &Row)| {
        let header = info
            .as_ref()
            .and_then(|i| i.columns.clone())
            .or_else(|| records.columns());
        let sample: Vec<Vec<String>> = pending.iter().map(|r| r.fields.clone()).collect();
        let info = info.clone().unwrap_or(TableInfo {
            name: None,
            columns: None,
            roles: None,
        });
        let d = detect_table(&info, header.as_deref(), &sample, path, regions, config)?;
        for row in pending.drain(..) {
            each(&d.roles, &row);
        }
        *roles = Some(d.roles);
        Ok::<(), IngestError>(())
    };
    while let Some(item) = records.next_item() {
        match item {
            Item::Table(i) => {
                if roles.is_none() && !pending.is_empty() {
                    flush(&info, &mut pending, &mut roles, records.as_ref(), each)?;
                }
                info = Some(i);
                roles = None;
            }
            Item::Row(Ok(row)) => {
                rows += 1;
                match &roles {
                    Some(r) => each(r, &row),
                    None => {
                        pending.push(row);
                        if pending.len() >= SAMPLE_ROWS {
                            flush(&info, &mut pending, &mut roles, records.as_ref(), each)?;
                        }
                    }
                }
            }
            Item::Row(Err(_)) => rows += 1,
        }
    }
    if roles.is_none() {
        flush(&info, &mut pending, &mut roles, records.as_ref(), each)?;
    }
    Ok(rows)
}
