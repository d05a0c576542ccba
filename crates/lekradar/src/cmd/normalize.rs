//! `lekradar normalize`: one identifier per line on stdin, its canonical form
//! (`phone +31612345678`, `email jan@example.nl`) or `reject <reason>` per
//! line on stdout, in the same order.

use std::io::{BufRead, BufWriter, Write};
use std::process::ExitCode;

use lekradar_normalize::{normalize, Region};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Region for phone numbers written without a country code
    #[arg(long, default_value = "NL", value_name = "REGION")]
    region: Region,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let stdin = std::io::stdin().lock();
    let mut out = BufWriter::new(std::io::stdout().lock());
    let result = normalize_lines(stdin, &mut out, args.region);
    match result {
        // A closed pipe (`| head`) is not an error.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(ExitCode::SUCCESS),
        other => {
            other?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Writes one answer line per input line; invalid UTF-8 is read lossily.
pub fn normalize_lines(
    mut input: impl BufRead,
    out: &mut impl Write,
    region: Region,
) -> std::io::Result<()> {
    let mut line = Vec::new();
    loop {
        line.clear();
        if input.read_until(b'\n', &mut line)? == 0 {
            break;
        }
        let text = String::from_utf8_lossy(&line);
        let text = text.trim_end_matches(['\n', '\r']);
        match normalize(text, region) {
            Ok(id) => writeln!(out, "{id}")?,
            Err(reason) => writeln!(out, "reject {reason}")?,
        }
    }
    out.flush()
}
