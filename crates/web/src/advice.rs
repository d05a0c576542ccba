//! Advice in the native API's wire shape: `lekradar-l10n` renders every item
//! in every language once; here each is serialised once more, so an answer
//! copies its advice in as JSON text. The advice items' wire types live
//! here, below `state` (which holds the cache) and `native` (which serves it).

use std::collections::HashMap;
use std::sync::Arc;

use lekradar_advice::Item;
use lekradar_l10n::advice::{AdviceText, RenderedAdvice};
use lekradar_l10n::{L10n, Lang};
use serde::Serialize;
use serde_json::value::RawValue;
use utoipa::ToSchema;

/// One piece of advice.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AdviceDto {
    pub id: String,
    /// `now`, `soon` or `habit`.
    pub urgency: String,
    pub title: String,
    pub why: String,
    pub steps: Vec<String>,
    pub sources: Vec<SourceDto>,
}

/// A public source an advice item rests on.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SourceDto {
    pub title: String,
    pub url: String,
}

impl From<&AdviceText> for AdviceDto {
    fn from(text: &AdviceText) -> AdviceDto {
        AdviceDto {
            id: text.id.clone(),
            urgency: text.urgency.to_owned(),
            title: text.title.clone(),
            why: text.why.clone(),
            steps: text.steps.clone(),
            sources: text
                .sources
                .iter()
                .map(|s| SourceDto {
                    title: s.title.clone(),
                    url: s.url.clone(),
                })
                .collect(),
        }
    }
}

/// The rendered advice, and each item's JSON per language.
pub struct AdviceJson {
    pub texts: RenderedAdvice,
    json: HashMap<(Lang, String), Arc<RawValue>>,
}

impl AdviceJson {
    pub fn new(l10n: &L10n) -> AdviceJson {
        let texts = RenderedAdvice::new(l10n);
        let mut json = HashMap::new();
        for lang in Lang::ALL {
            for text in texts.all(lang) {
                let raw = serde_json::value::to_raw_value(&AdviceDto::from(&*text))
                    .map(Arc::from)
                    .unwrap_or_else(|_| Arc::from(RawValue::NULL.to_owned()));
                json.insert((lang, text.id.clone()), raw);
            }
        }
        AdviceJson { texts, json }
    }

    /// The rendered texts of `items` in `lang`.
    pub fn texts(&self, items: &[&Item], lang: Lang) -> Vec<Arc<AdviceText>> {
        self.texts.texts(items, lang)
    }

    /// The same, as JSON.
    pub fn json(&self, items: &[&Item], lang: Lang) -> Vec<Arc<RawValue>> {
        items
            .iter()
            .filter_map(|item| self.json.get(&(lang, item.id.clone())))
            .map(Arc::clone)
            .collect()
    }
}
