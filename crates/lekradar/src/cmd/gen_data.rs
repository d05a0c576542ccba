//! `lekradar gen-data`: writes a deterministic synthetic breach dump (no real
//! person's data) and its `<dump>.truth.json` for testing and benchmarking
//! ingest, through `lekradar-gen`.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use lekradar_gen::{Compression, DumpKind, Encoding, Format, GenOptions, Lang};

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
pub enum FormatArg {
    /// Comma-separated values
    Csv,
    /// Tab-separated values
    Tsv,
    /// Semicolon-separated values
    Semicolon,
    /// JSON Lines
    Jsonl,
    /// One value per line (scrape only)
    Lines,
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
    /// File format [default: lines for scrape, semicolon otherwise]
    #[arg(long, value_enum)]
    format: Option<FormatArg>,
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
    if let Some(f) = args.format {
        opts.format = match f {
            FormatArg::Csv => Format::Csv { delimiter: ',' },
            FormatArg::Tsv => Format::Csv { delimiter: '\t' },
            FormatArg::Semicolon => Format::Csv { delimiter: ';' },
            FormatArg::Jsonl => Format::JsonLines,
            FormatArg::Lines => Format::Lines,
        };
    }
    opts.encoding = match args.encoding {
        EncodingArg::Utf8 => Encoding::Utf8,
        EncodingArg::Latin1 => Encoding::Latin1,
    };
    opts.compression = match args.compress {
        CompressArg::None => Compression::None,
        CompressArg::Gzip => Compression::Gzip,
        CompressArg::Zstd => Compression::Zstd,
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
