//! Which advice fits an answer: the items of `lekradar-advice` for the
//! breaches found and the data classes of the person's record, for the
//! country the identifier (or the person's choice) points to. The texts are
//! `lekradar-l10n`'s.

use lekradar_advice::{Advice, Country, Exposed, Item};
use lekradar_l10n::Lang;
use lekradar_normalize::{Identifier, Region};

use crate::exposures::Exposure;

/// The country advice is given for: the phone number's; for an email
/// address the one the person chose (`elsewhere`).
pub fn country_of(id: &Identifier, elsewhere: Country) -> Country {
    match id {
        Identifier::Phone(p) => Country::from_calling_code(p.country_code()),
        Identifier::Email(_) => elsewhere,
    }
}

/// The country of a chosen region.
pub fn country_of_region(region: Region) -> Country {
    Country::from_region(region.as_str())
}

/// The country a language suggests when nothing else tells: Dutch → NL,
/// French → BE (French-speaking visitors of a NL/BE service are mostly
/// Belgian), English → neither.
pub fn country_of_lang(lang: Lang) -> Country {
    match lang {
        Lang::Nl => Country::Nl,
        Lang::Fr => Country::Be,
        Lang::En => Country::Other,
    }
}

/// The items for these exposures (none: a clean result), most urgent first.
pub fn advice_for(
    id: &Identifier,
    exposures: &[Exposure],
    elsewhere: Country,
) -> Vec<&'static Item> {
    let exposed: Vec<Exposed<'_>> = exposures
        .iter()
        .map(|e| Exposed {
            kind: e.breach.meta.kind,
            classes: &e.classes,
        })
        .collect();
    Advice::builtin().advise(&exposed, country_of(id, elsewhere))
}
