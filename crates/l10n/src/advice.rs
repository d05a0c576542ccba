//! Advice items as text: the title, why it matters, the steps and the public
//! sources of every item of `lekradar-advice`, rendered once per language
//! when a program starts ([`RenderedAdvice`]), not per answer — they depend
//! on the item and the language only. Neutral types: the pages draw them,
//! the native API converts them to its wire shape, mail and SMS will write
//! them.

use std::collections::HashMap;
use std::sync::Arc;

use lekradar_advice::{Advice, Item};

use crate::{L10n, Lang, Tr};

/// One advice item in one language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdviceText {
    pub id: String,
    /// `now`, `soon` or `habit`.
    pub urgency: &'static str,
    pub title: String,
    pub why: String,
    pub steps: Vec<String>,
    pub sources: Vec<Source>,
}

/// A public source an advice item rests on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    pub title: String,
    pub url: String,
}

fn render(item: &Item, tr: &Tr<'_>) -> AdviceText {
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
            .map(|s| Source {
                title: s.title.clone(),
                url: s.url.clone(),
            })
            .collect(),
    }
}

/// Every advice item rendered in every language.
pub struct RenderedAdvice {
    texts: HashMap<(Lang, String), Arc<AdviceText>>,
}

impl RenderedAdvice {
    pub fn new(l10n: &L10n) -> RenderedAdvice {
        let mut texts = HashMap::new();
        for lang in Lang::ALL {
            let tr = l10n.tr(lang);
            for item in Advice::builtin().items() {
                texts.insert((lang, item.id.clone()), Arc::new(render(item, &tr)));
            }
        }
        RenderedAdvice { texts }
    }

    /// The rendered texts of `items` in `lang`, in the order given.
    pub fn texts(&self, items: &[&Item], lang: Lang) -> Vec<Arc<AdviceText>> {
        items
            .iter()
            .filter_map(|item| self.texts.get(&(lang, item.id.clone())))
            .map(Arc::clone)
            .collect()
    }

    /// Every item in `lang`, in the catalogue's order.
    pub fn all(&self, lang: Lang) -> Vec<Arc<AdviceText>> {
        let items: Vec<&Item> = Advice::builtin().items().iter().collect();
        self.texts(&items, lang)
    }
}
