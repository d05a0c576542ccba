//! Advice for one check: picks the items of `lekradar-advice` for the
//! person's exposures and country. The texts of every item are rendered once
//! per language when the server starts ([`RenderedAdvice`]), not per check:
//! they depend on the item and the language only.

use std::collections::HashMap;
use std::sync::Arc;

use lekradar_advice::{Advice, Country, Exposed, Item};
use lekradar_normalize::{Identifier, Region};
use serde_json::value::RawValue;

use crate::exposure::Exposure;
use crate::l10n::{L10n, Lang, Tr};
use crate::native::dto::{AdviceDto, SourceDto};

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

fn render(item: &Item, tr: &Tr<'_>) -> AdviceDto {
    let message = item.message_id();
    AdviceDto {
        id: item.id.clone(),
        urgency: item.urgency.as_str().to_owned(),
        title: tr.t(&message),
        why: tr.attr(&message, "why"),
        steps: tr.lines(&message, "steps"),
        sources: item
            .sources
            .iter()
            .map(|s| SourceDto {
                title: s.title.clone(),
                url: s.url.clone(),
            })
            .collect(),
    }
}

/// Every advice item rendered in every language, as data (for pages) and
/// as JSON (for the native API, copied into answers as is).
pub struct RenderedAdvice {
    texts: HashMap<(Lang, String), (Arc<AdviceDto>, Arc<RawValue>)>,
}

impl RenderedAdvice {
    pub fn new(l10n: &L10n) -> RenderedAdvice {
        let mut texts = HashMap::new();
        for lang in Lang::ALL {
            let tr = l10n.tr(lang);
            for item in Advice::builtin().items() {
                let dto = render(item, &tr);
                let json = serde_json::value::to_raw_value(&dto)
                    .map(Arc::from)
                    .unwrap_or_else(|_| Arc::from(RawValue::NULL.to_owned()));
                texts.insert((lang, item.id.clone()), (Arc::new(dto), json));
            }
        }
        RenderedAdvice { texts }
    }

    /// The rendered texts of `items` in `lang`.
    pub fn texts(&self, items: &[&Item], lang: Lang) -> Vec<Arc<AdviceDto>> {
        items
            .iter()
            .filter_map(|item| self.texts.get(&(lang, item.id.clone())))
            .map(|(dto, _)| Arc::clone(dto))
            .collect()
    }

    /// The same, as JSON.
    pub fn json(&self, items: &[&Item], lang: Lang) -> Vec<Arc<RawValue>> {
        items
            .iter()
            .filter_map(|item| self.texts.get(&(lang, item.id.clone())))
            .map(|(_, json)| Arc::clone(json))
            .collect()
    }
}
