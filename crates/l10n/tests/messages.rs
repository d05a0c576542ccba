//! Translations are complete: nl, fr and en define the same messages (and
//! attributes), every message the code and templates ask for exists in all
//! three, and every advice item has its title, why and steps everywhere.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use lekradar_l10n::{L10n, Lang};

fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Message ids and `id.attribute` names defined in a Fluent file.
fn defined(path: &Path) -> BTreeSet<String> {
    let text = std::fs::read_to_string(path).unwrap();
    let mut out = BTreeSet::new();
    let mut current = String::new();
    for line in text.lines() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        if !line.starts_with(' ') {
            if let Some((id, _)) = line.split_once(" =") {
                current = id.trim().to_owned();
                out.insert(current.clone());
            }
        } else if let Some(rest) = line.trim_start().strip_prefix('.') {
            if let Some((attr, _)) = rest.split_once(" =") {
                out.insert(format!("{current}.{}", attr.trim()));
            }
        }
    }
    out
}

fn files(dir: &Path, ext: &str, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files(&path, ext, out);
        } else if path.extension().is_some_and(|e| e == ext) {
            out.push(path);
        }
    }
}

/// String literals passed to `t(`, `tn(`, `ts(` in the pages' templates and
/// code, and in this crate's documents.
fn asked_for() -> BTreeSet<String> {
    let mut paths = Vec::new();
    let web = crate_dir().join("../web");
    files(&web.join("templates"), "html", &mut paths);
    files(&web.join("src"), "rs", &mut paths);
    files(&crate_dir().join("src"), "rs", &mut paths);
    let mut out = BTreeSet::new();
    for path in paths {
        let text = std::fs::read_to_string(&path).unwrap();
        for call in [".t(\"", ".tn(\"", ".ts(\""] {
            for piece in text.split(call).skip(1) {
                let id = piece.split('"').next().unwrap();
                if !id.is_empty()
                    && id
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
                {
                    out.insert(id.to_owned());
                }
            }
        }
    }
    out
}

#[test]
fn the_three_languages_define_the_same_messages() {
    for sub in ["locales", "../advice/locales"] {
        let dir = crate_dir().join(sub);
        let mut sets = Vec::new();
        for lang in ["nl", "fr", "en"] {
            let mut paths = Vec::new();
            files(&dir.join(lang), "ftl", &mut paths);
            assert!(!paths.is_empty(), "no ftl in {}", dir.join(lang).display());
            let ids: BTreeSet<String> = paths.iter().flat_map(|p| defined(p)).collect();
            sets.push((lang, ids));
        }
        let (_, nl) = &sets[0];
        assert!(nl.len() > 20, "{sub}: {nl:?}");
        for (lang, ids) in &sets[1..] {
            let missing: Vec<_> = nl.difference(ids).collect();
            let extra: Vec<_> = ids.difference(nl).collect();
            assert!(
                missing.is_empty() && extra.is_empty(),
                "{sub} {lang}: missing {missing:?}, not in nl {extra:?}"
            );
        }
    }
}

#[test]
fn every_message_asked_for_exists_in_every_language() {
    let l10n = L10n::new().unwrap();
    let mut wanted: Vec<String> = asked_for().into_iter().collect();
    assert!(wanted.len() > 40, "found too few message uses: {wanted:?}");
    // Ids the code builds from values.
    wanted.extend(
        ["breach", "scrape", "data-broker", "stealer-log"]
            .iter()
            .map(|k| format!("kind-{k}")),
    );
    wanted.extend(
        ["now", "soon", "habit"]
            .iter()
            .map(|u| format!("urgency-{u}")),
    );
    wanted.extend(["phone", "email"].iter().map(|k| format!("identifier-{k}")));
    wanted.extend(["NL", "BE"].iter().map(|r| format!("region-{r}")));
    wanted.extend((1..=12).map(|m| format!("month-{m}")));
    for lang in Lang::ALL {
        let tr = l10n.tr(lang);
        for id in &wanted {
            assert!(tr.has(id), "{lang}: message {id} is missing");
        }
        for class in lekradar_breach::HIBP_DATA_CLASSES {
            let id = format!("class-{}", class.to_lowercase().replace(' ', "-"));
            assert!(
                tr.has(&id),
                "{lang}: data class {class} ({id}) has no translation"
            );
        }
        for cc in ["31", "32", "49", "33", "44"] {
            assert!(!tr.country(cc).starts_with('+'), "{lang}: country {cc}");
        }
    }
}

#[test]
fn every_advice_item_has_its_texts_in_every_language() {
    let l10n = L10n::new().unwrap();
    let advice = lekradar_advice::Advice::builtin();
    assert!(advice.items().len() >= 10);
    for lang in Lang::ALL {
        let tr = l10n.tr(lang);
        for item in advice.items() {
            let id = item.message_id();
            assert!(tr.has(&id), "{lang}: {id} has no title");
            assert!(!tr.attr(&id, "why").is_empty(), "{lang}: {id} has no .why");
            assert!(
                !tr.lines(&id, "steps").is_empty(),
                "{lang}: {id} has no .steps"
            );
        }
    }
}
