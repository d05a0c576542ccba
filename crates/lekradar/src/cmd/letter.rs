//! `lekradar letter access|erasure`: a GDPR access request (Art. 15) or
//! erasure request (Art. 17) to a data broker, in Dutch, French or English,
//! filled with the details given and printed to stdout for the person to
//! send themselves. Nothing is stored or sent.

use std::process::ExitCode;

use lekradar_l10n::letters::{letter, LetterFields, LetterKind};
use lekradar_l10n::{L10n, Lang};

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum KindArg {
    /// Ask what the broker holds (GDPR article 15)
    Access,
    /// Ask the broker to erase it and stop direct marketing (article 17)
    Erasure,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum LangArg {
    Nl,
    Fr,
    En,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum CountryArg {
    Nl,
    Be,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Which letter
    #[arg(value_enum)]
    kind: KindArg,
    /// Language of the letter
    #[arg(long, value_enum, default_value = "nl")]
    lang: LangArg,
    /// The company the letter goes to
    #[arg(long)]
    broker: Option<String>,
    /// Your name
    #[arg(long)]
    name: Option<String>,
    /// A phone number or email address the broker should look for; repeat for several
    #[arg(long = "identifier", value_name = "PHONE_OR_EMAIL")]
    identifiers: Vec<String>,
    /// Where you sign the letter
    #[arg(long)]
    place: Option<String>,
    /// Where you would complain without an answer (printed to stderr)
    #[arg(long, value_enum, default_value = "nl")]
    country: CountryArg,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let l10n = L10n::new()?;
    let lang = match args.lang {
        LangArg::Nl => Lang::Nl,
        LangArg::Fr => Lang::Fr,
        LangArg::En => Lang::En,
    };
    let kind = match args.kind {
        KindArg::Access => LetterKind::Access,
        KindArg::Erasure => LetterKind::Erasure,
    };
    let tr = l10n.tr(lang);
    let fields = LetterFields {
        broker: args.broker,
        name: args.name,
        identifiers: args.identifiers,
        place: args.place,
    };
    let (subject, body) = letter(&tr, kind, &fields, chrono::Utc::now().date_naive());
    println!(
        "{}: {subject}\n\n{body}",
        tr.t("letters-subject").trim_end_matches([':', ' '])
    );
    let complaint = match args.country {
        CountryArg::Nl => "letter-complaint-nl",
        CountryArg::Be => "letter-complaint-be",
    };
    eprintln!("{}", tr.t(complaint));
    Ok(ExitCode::SUCCESS)
}
