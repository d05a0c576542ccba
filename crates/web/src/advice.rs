//! Advice for one check: picks the items of `lekradar-advice` for the
//! person's exposures and country, and renders them in a language for the
//! pages and the native API.

use lekradar_advice::{Advice, Country, Exposed, Item};
use lekradar_normalize::{Identifier, Region};

use crate::exposure::Exposure;
use crate::l10n::Tr;
use crate::native::dto::{AdviceDto, SourceDto};

/// The country advice is given for: the phone number's, else the region
/// the person chose.
pub fn country_of(id: &Identifier, region: Region) -> Country {
    match id {
        Identifier::Phone(p) => Country::from_calling_code(p.country_code()),
        Identifier::Email(_) => Country::from_region(region.as_str()),
    }
}

/// The items for these exposures (none: a clean result), most urgent first.
pub fn advice_for(id: &Identifier, exposures: &[Exposure], region: Region) -> Vec<&'static Item> {
    let exposed: Vec<Exposed<'_>> = exposures
        .iter()
        .map(|e| Exposed {
            kind: e.breach.meta.kind,
            classes: &e.classes,
        })
        .collect();
    Advice::builtin().advise(&exposed, country_of(id, region))
}

/// One item, rendered.
#[derive(Debug, Clone)]
pub struct AdviceText {
    pub id: String,
    pub urgency: &'static str,
    pub title: String,
    pub why: String,
    pub steps: Vec<String>,
    pub sources: Vec<(String, String)>,
}

pub fn render(item: &Item, tr: &Tr<'_>) -> AdviceText {
    let message = item.message_id();
    AdviceText {
        id: item.id.clone(),
        urgency: item.urgency.as_str(),
        title: tr.t(&message),
        why: tr.attr(&message, "why"),
        steps: tr.lines(&message, "steps"),
        sources: item
            .sources
            .iter()
            .map(|s| (s.title.clone(), s.url.clone()))
            .collect(),
    }
}

pub fn to_dto(item: &Item, tr: &Tr<'_>) -> AdviceDto {
    let text = render(item, tr);
    AdviceDto {
        id: text.id,
        urgency: text.urgency.to_owned(),
        title: text.title,
        why: text.why,
        steps: text.steps,
        sources: text
            .sources
            .into_iter()
            .map(|(title, url)| SourceDto { title, url })
            .collect(),
    }
}
