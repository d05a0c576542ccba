//! `lekradar gen-data`: writes a deterministic synthetic breach dump (no real
//! person's data) and its `<dump>.truth.json` for testing and benchmarking
//! ingest, through `lekradar-gen`.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use lekradar_gen::{
    Compression, Container, CredentialLayout, DumpKind, Encoding, Format, GenOptions, Lang,
    SqlDialect,
};

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum KindArg {
    /// Telecom customer export (names, address, email, mobile, IBAN, ID)
    Telecom,
    /// Scraped list of mobile numbers, one per line
    Scrape,
    /// Data-broker export (name, company, job title, work email, mobile)
    Broker,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum DialectArg {
    /// mysqldump: CREATE TABLE, extended INSERT lines
    Mysql,
    /// pg_dump: COPY … FROM stdin
    PgCopy,
    /// pg_dump --inserts: one INSERT per row
    PgInserts,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum LayoutArg {
    /// login:password
    LoginPassword,
    /// url:login:password
    UrlLoginPassword,
    /// login:password:url
    LoginPasswordUrl,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum ContainerArg {
    /// No archive
    None,
    /// A zip archive (AES-256 with --zip-password-file)
    Zip,
    /// A tar archive
    Tar,
    /// A gzip-compressed tar archive
    #[value(name = "tar.gz", alias = "tgz", alias = "tar-gz")]
    TarGz,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum EncodingArg {
    Utf8,
    Latin1,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum CompressArg {
    None,
    Gzip,
    Zstd,
    Bzip2,
    Xz,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum LangArg {
    Nl,
    Fr,
    En,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Kind of dump
    #[arg(long, value_enum, default_value = "telecom")]
    kind: KindArg,
    /// Rows after the header (valid rows, duplicates and junk together)
    #[arg(long, default_value_t = 10_000)]
    rows: u64,
    /// Seed: the same seed and options give the same bytes
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// File format, by the name ingest's --format takes: delimited (csv,
    /// tsv; also semicolon), lines, jsonl, json, sql, credentials, stealer,
    /// vcard, spreadsheet (xlsx, ods) [default: lines for scrape, delimited
    /// by ';' otherwise]
    #[arg(long, value_name = "NAME")]
    format: Option<String>,
    /// Delimiter of delimited text (, ; tab | :) or of a credential list
    /// (: ; |)
    #[arg(long, value_name = "CHAR")]
    delimiter: Option<String>,
    /// Dialect of a SQL dump [default: mysql]
    #[arg(long, value_enum)]
    dialect: Option<DialectArg>,
    /// Field order of a credential list [default: login-password]
    #[arg(long, value_enum)]
    layout: Option<LayoutArg>,
    /// Put the dump in an archive (OUT is the archive)
    #[arg(long, value_enum, default_value = "none")]
    container: ContainerArg,
    /// Encrypt the zip with the password in this file (first line)
    #[arg(long, value_name = "FILE")]
    zip_password_file: Option<PathBuf>,
    /// The dump's name inside the archive [default: OUT without the
    /// archive's extension]
    #[arg(long, value_name = "NAME")]
    member: Option<String>,
    /// Text encoding
    #[arg(long, value_enum, default_value = "utf8")]
    encoding: EncodingArg,
    /// Compression of the dump file
    #[arg(long, value_enum, default_value = "none")]
    compress: CompressArg,
    /// Language of the header row and JSON keys
    #[arg(long, value_enum, default_value = "nl")]
    header_lang: LangArg,
    /// Share of junk rows, 0 to 1
    #[arg(long, default_value_t = 0.005)]
    junk_rate: f64,
    /// Share of rows repeating an earlier person, 0 to 1
    #[arg(long, default_value_t = 0.02)]
    duplicate_rate: f64,
    /// Keep per-row truth for at most this many rows
    #[arg(long, default_value_t = 100_000)]
    truth_rows: u64,
    /// Countries with weights, e.g. NL:60,BE:40 [default: NL:60,BE:40; a
    /// mix of ten countries for scrape]
    #[arg(long, value_delimiter = ',')]
    regions: Option<Vec<String>>,
    /// Replace an existing dump and truth file
    #[arg(long)]
    force: bool,
    /// Path of the dump to write (the truth goes to OUT.truth.json)
    #[arg(value_name = "OUT")]
    out: PathBuf,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let kind = match args.kind {
        KindArg::Telecom => DumpKind::Telecom,
        KindArg::Scrape => DumpKind::Scrape,
        KindArg::Broker => DumpKind::Broker,
    };
    let mut opts = GenOptions::new(kind);
    opts.rows = args.rows;
    opts.seed = args.seed;
    if let Some(name) = &args.format {
        opts.format = gen_format(
            name,
            args.delimiter.as_deref(),
            args.dialect,
            args.layout,
            &args.out,
        )
        .map_err(anyhow::Error::msg)?;
    } else if args.delimiter.is_some() || args.dialect.is_some() || args.layout.is_some() {
        anyhow::bail!("--delimiter, --dialect and --layout go with --format");
    }
    opts.container = match args.container {
        ContainerArg::None => Container::None,
        ContainerArg::Zip => Container::Zip,
        ContainerArg::Tar => Container::Tar,
        ContainerArg::TarGz => Container::TarGz,
    };
    opts.member = args.member.clone();
    if let Some(path) = &args.zip_password_file {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("reading the zip password from {}", path.display()))?;
        let pw = text.lines().next().unwrap_or_default().to_owned();
        anyhow::ensure!(!pw.is_empty(), "{} holds no password", path.display());
        opts.zip_password = Some(pw);
    }
    opts.encoding = match args.encoding {
        EncodingArg::Utf8 => Encoding::Utf8,
        EncodingArg::Latin1 => Encoding::Latin1,
    };
    opts.compression = match args.compress {
        CompressArg::None => Compression::None,
        CompressArg::Gzip => Compression::Gzip,
        CompressArg::Zstd => Compression::Zstd,
        CompressArg::Bzip2 => Compression::Bzip2,
        CompressArg::Xz => Compression::Xz,
    };
    opts.header_lang = match args.header_lang {
        LangArg::Nl => Lang::Nl,
        LangArg::Fr => Lang::Fr,
        LangArg::En => Lang::En,
    };
    opts.junk_rate = args.junk_rate;
    opts.duplicate_rate = args.duplicate_rate;
    opts.truth_rows = args.truth_rows;
    if let Some(r) = args.regions {
        opts.regions = r;
    }
    opts.overwrite = args.force;

    let truth = lekradar_gen::generate(&opts, &args.out)
        .with_context(|| format!("generating {}", args.out.display()))?;
    let per_cc: Vec<String> = truth
        .distinct_phones_by_calling_code
        .iter()
        .map(|(cc, n)| format!("+{cc}: {n}"))
        .collect();
    let junk: Vec<String> = truth
        .totals
        .junk
        .iter()
        .map(|(reason, lines)| format!("{reason} {}", lines.len()))
        .collect();
    println!(
        "Wrote {} rows to {} ({} valid, {} duplicates, {} junk{}{}); distinct phone numbers {} ({}), \
         distinct emails {}; truth in {}",
        truth.totals.rows_written,
        args.out.display(),
        truth.totals.valid_rows,
        truth.totals.duplicate_rows,
        truth.totals.junk_rows,
        if junk.is_empty() { "" } else { ": " },
        junk.join(", "),
        truth.distinct_phones,
        per_cc.join(", "),
        truth.distinct_emails,
        lekradar_gen::truth_path(&args.out).display(),
    );
    Ok(ExitCode::SUCCESS)
}

/// The generator's format for `--format NAME` (a name of ingest's format
/// registry or one of its aliases, or `semicolon`) and its options.
pub fn gen_format(
    name: &str,
    delimiter: Option<&str>,
    dialect: Option<DialectArg>,
    layout: Option<LayoutArg>,
    out: &std::path::Path,
) -> Result<Format, String> {
    let lower = name.trim().to_ascii_lowercase();
    let registry = if lower == "semicolon" {
        "delimited"
    } else {
        lekradar_ingest::formats::spec_or_error(&lower)?.name
    };
    let delimiter = delimiter
        .map(|d| match d {
            "tab" | "\\t" | "\t" => Ok('\t'),
            d if d.chars().count() == 1 => Ok(d.chars().next().unwrap_or(',')),
            d => Err(format!("--delimiter takes one character or tab, not {d:?}")),
        })
        .transpose()?;
    let unused = |what: &str, given: bool| {
        if given {
            Err(format!("{what} does not apply to --format {registry}"))
        } else {
            Ok(())
        }
    };
    if registry != "sql" {
        unused("--dialect", dialect.is_some())?;
    }
    if registry != "credentials" {
        unused("--layout", layout.is_some())?;
    }
    if registry != "delimited" && registry != "credentials" {
        unused("--delimiter", delimiter.is_some())?;
    }
    Ok(match registry {
        "delimited" => Format::Delimited {
            delimiter: delimiter.unwrap_or(match lower.as_str() {
                "tsv" => '\t',
                "semicolon" => ';',
                _ => ',',
            }),
        },
        "lines" => Format::Lines,
        "jsonl" => Format::JsonLines,
        "json" => Format::Json,
        "sql" => Format::Sql {
            dialect: match dialect {
                Some(DialectArg::Mysql) => SqlDialect::Mysql,
                Some(DialectArg::PgCopy) => SqlDialect::PgCopy,
                Some(DialectArg::PgInserts) => SqlDialect::PgInserts,
                None if matches!(lower.as_str(), "postgres" | "pg_dump") => SqlDialect::PgCopy,
                None => SqlDialect::Mysql,
            },
        },
        "credentials" => Format::Credentials {
            layout: match layout {
                None | Some(LayoutArg::LoginPassword) => CredentialLayout::LoginPassword,
                Some(LayoutArg::UrlLoginPassword) => CredentialLayout::UrlLoginPassword,
                Some(LayoutArg::LoginPasswordUrl) => CredentialLayout::LoginPasswordUrl,
            },
            delimiter: delimiter.unwrap_or(':'),
        },
        "stealer" => Format::Stealer,
        "vcard" => Format::Vcard,
        "spreadsheet" => {
            let ods = lower == "ods"
                || out
                    .to_string_lossy()
                    .to_ascii_lowercase()
                    .trim_end_matches(".zip")
                    .ends_with(".ods");
            if ods {
                Format::Ods
            } else {
                Format::Xlsx
            }
        }
        other => return Err(format!("gen-data cannot write --format {other} yet")),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// gen-data writes every format of ingest's registry, by the same names.
    #[test]
    fn every_registry_format_can_be_generated() {
        let out = std::path::Path::new("dump");
        for spec in lekradar_ingest::formats::FORMATS {
            let f = gen_format(spec.name, None, None, None, out)
                .unwrap_or_else(|e| panic!("{}: {e}", spec.name));
            assert_eq!(f.registry_name(), spec.name);
            for alias in spec.aliases {
                let f = gen_format(alias, None, None, None, out).unwrap();
                assert_eq!(f.registry_name(), spec.name, "{alias}");
            }
        }
        assert_eq!(
            gen_format("ods", None, None, None, out).unwrap(),
            Format::Ods
        );
        assert_eq!(
            gen_format("postgres", None, None, None, out).unwrap(),
            Format::Sql {
                dialect: SqlDialect::PgCopy
            }
        );
        assert!(gen_format("sql", Some(":"), None, None, out).is_err());
        assert!(gen_format("parquet", None, None, None, out)
            .unwrap_err()
            .contains("unknown format"));
    }
}
