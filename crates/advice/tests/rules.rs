//! The embedded rules as a person meets them: every data class gets advice,
//! items come most urgent first and each once, country-specific items reach
//! only that country, every item is reachable, and the staff message has a
//! paragraph for every class. (Texts in all three languages are checked by
//! the server's tests, which render them: `crates/web/tests/it/l10n.rs`.)

use std::collections::BTreeSet;

use lekradar_advice::{Advice, Country, Exposed, Urgency};
use lekradar_breach::{BreachKind, HIBP_DATA_CLASSES};

const COUNTRIES: [Country; 3] = [Country::Nl, Country::Be, Country::Other];
const KINDS: [BreachKind; 4] = [
    BreachKind::Breach,
    BreachKind::Scrape,
    BreachKind::DataBroker,
    BreachKind::StealerLog,
];

fn ids(items: &[&lekradar_advice::Item]) -> Vec<String> {
    items.iter().map(|i| i.id.clone()).collect()
}

fn classes(names: &[&str]) -> Vec<String> {
    names.iter().map(|s| s.to_string()).collect()
}

#[test]
fn the_rules_parse_and_point_at_existing_items() {
    let advice = Advice::parse(lekradar_advice::RULES).unwrap();
    assert!(advice.items().len() >= 15, "{}", advice.items().len());
    let known: BTreeSet<&str> = advice.items().iter().map(|i| i.id.as_str()).collect();
    for rule in advice.rules() {
        for id in &rule.give {
            assert!(known.contains(id.as_str()), "{id}");
        }
    }
    // A broken file is refused with the reason.
    let err = Advice::parse(
        "[[item]]\nid = \"x\"\nurgency = \"now\"\nsources = []\n[[rule]]\ngive = [\"x\"]\n",
    )
    .unwrap_err();
    assert!(err.to_string().contains("https source"), "{err}");
    let err = Advice::parse("[[item]]\nid = \"x\"\nurgency = \"now\"\nsources = [{title = \"t\", url = \"https://e.example\"}]\n[[rule]]\ngive = [\"y\"]\n").unwrap_err();
    assert!(err.to_string().contains("unknown item"), "{err}");
}

#[test]
fn every_data_class_in_use_has_its_own_advice() {
    let advice = Advice::builtin();
    for class in HIBP_DATA_CLASSES {
        let covered = advice
            .rules()
            .iter()
            .any(|r| r.found && r.classes.iter().any(|c| c == class));
        assert!(covered, "no rule for data class {class:?}");
        // And a person with only that class gets more than the generic items.
        let only = classes(&[class]);
        let none: Vec<String> = Vec::new();
        for country in COUNTRIES {
            let with = advice.advise(
                &[Exposed {
                    kind: BreachKind::Breach,
                    classes: &only,
                }],
                country,
            );
            let without = advice.advise(
                &[Exposed {
                    kind: BreachKind::Breach,
                    classes: &none,
                }],
                country,
            );
            assert!(
                with.len() > without.len(),
                "{class} in {country:?} adds nothing"
            );
        }
    }
}

#[test]
fn items_come_most_urgent_first_and_once() {
    let advice = Advice::builtin();
    let all = classes(HIBP_DATA_CLASSES);
    for kind in KINDS {
        for country in COUNTRIES {
            let items = advice.advise(
                &[
                    Exposed {
                        kind,
                        classes: &all,
                    },
                    Exposed {
                        kind,
                        classes: &all,
                    },
                ],
                country,
            );
            let urgencies: Vec<Urgency> = items.iter().map(|i| i.urgency).collect();
            let mut sorted = urgencies.clone();
            sorted.sort();
            assert_eq!(urgencies, sorted, "{kind:?} {country:?}");
            let unique: BTreeSet<&str> = items.iter().map(|i| i.id.as_str()).collect();
            assert_eq!(
                unique.len(),
                items.len(),
                "an item twice for {kind:?} {country:?}"
            );
        }
    }
}

#[test]
fn country_specific_items_reach_only_their_country() {
    let advice = Advice::builtin();
    // Items that only rules limited to one country give.
    let mut only: Vec<(String, Country)> = Vec::new();
    for item in advice.items() {
        let giving: Vec<_> = advice
            .rules()
            .iter()
            .filter(|r| r.give.contains(&item.id))
            .collect();
        let countries: BTreeSet<Country> = giving
            .iter()
            .flat_map(|r| r.countries.iter().copied())
            .collect();
        if !giving.is_empty()
            && giving.iter().all(|r| !r.countries.is_empty())
            && countries.len() == 1
        {
            only.push((item.id.clone(), *countries.iter().next().unwrap()));
        }
    }
    assert!(
        only.iter().any(|(_, c)| *c == Country::Be),
        "no Belgian-only advice: {only:?}"
    );
    assert!(
        only.iter().any(|(_, c)| *c == Country::Nl),
        "no Dutch-only advice: {only:?}"
    );
    let all = classes(HIBP_DATA_CLASSES);
    for country in COUNTRIES {
        for kind in KINDS {
            let given = ids(&advice.advise(
                &[Exposed {
                    kind,
                    classes: &all,
                }],
                country,
            ));
            for (id, c) in &only {
                assert!(
                    *c == country || !given.contains(id),
                    "{id} ({c:?}-only) given in {country:?}"
                );
            }
        }
    }
}

#[test]
fn every_item_is_reachable_and_a_clean_result_gets_habits() {
    let advice = Advice::builtin();
    let all = classes(HIBP_DATA_CLASSES);
    let mut reached = BTreeSet::new();
    for kind in KINDS {
        for country in COUNTRIES {
            reached.extend(ids(&advice.advise(
                &[Exposed {
                    kind,
                    classes: &all,
                }],
                country,
            )));
            reached.extend(ids(&advice.advise(&[], country)));
        }
    }
    for item in advice.items() {
        assert!(reached.contains(&item.id), "{} is never given", item.id);
    }
    for country in COUNTRIES {
        let clean = advice.advise(&[], country);
        assert!(!clean.is_empty());
        assert!(
            clean.iter().all(|i| i.urgency != Urgency::Now),
            "a clean result with urgent advice"
        );
    }
}

#[test]
fn the_staff_message_has_a_paragraph_for_every_class() {
    let advice = Advice::builtin();
    let catch_all: Vec<&str> = advice
        .staff_rules()
        .iter()
        .filter(|s| s.classes.is_empty())
        .map(|s| s.say.as_str())
        .collect();
    assert_eq!(catch_all.len(), 1, "one catch-all paragraph");
    for class in HIBP_DATA_CLASSES {
        let paragraphs = advice.staff_paragraphs(&classes(&[class]));
        assert!(!paragraphs.is_empty(), "{class}");
        for p in &paragraphs {
            assert!(p.starts_with("staff-risk-"), "{p}");
        }
    }
    let none: Vec<String> = Vec::new();
    assert_eq!(advice.staff_paragraphs(&none), catch_all);
}

/// Situations a person can be in, and the advice they get, in order.
#[test]
fn combinations_of_classes_kinds_and_countries() {
    let advice = Advice::builtin();
    let telecom = classes(&[
        "Phone numbers",
        "Email addresses",
        "Names",
        "Physical addresses",
        "Bank account numbers",
        "Dates of birth",
        "Government issued IDs",
        "Customer numbers",
    ]);
    let phone = classes(&["Phone numbers"]);
    let broker = classes(&[
        "Names",
        "Employers",
        "Job titles",
        "Email addresses",
        "Phone numbers",
    ]);
    type Case<'a> = (&'a str, Vec<Exposed<'a>>, Country, &'a [&'a str]);
    let cases: Vec<Case> = vec![
        (
            "Dutch telecom customer with IBAN and ID document",
            vec![Exposed {
                kind: BreachKind::Breach,
                classes: &telecom,
            }],
            Country::Nl,
            &[
                "never-share-codes",
                "whatsapp-two-step",
                "bank-fraud-nl",
                "already-reacted-nl",
                "expect-smishing-vishing",
                "hang-up-call-back",
                "expect-phishing",
                "report-suspicious-nl",
                "two-factor",
                "id-document-nl",
                "birth-date",
            ],
        ),
        (
            "the same record for a Belgian",
            vec![Exposed {
                kind: BreachKind::Breach,
                classes: &telecom,
            }],
            Country::Be,
            &[
                "never-share-codes",
                "whatsapp-two-step",
                "bank-fraud-be",
                "already-reacted-be",
                "expect-smishing-vishing",
                "hang-up-call-back",
                "expect-phishing",
                "report-suspicious-be",
                "two-factor",
                "id-document-be",
                "birth-date",
            ],
        ),
        (
            "a scraped number only, outside NL and BE",
            vec![Exposed {
                kind: BreachKind::Scrape,
                classes: &phone,
            }],
            Country::Other,
            &[
                "never-share-codes",
                "whatsapp-two-step",
                "already-reacted",
                "expect-smishing-vishing",
            ],
        ),
        (
            "a data broker's contact and a scrape, Belgian",
            vec![
                Exposed {
                    kind: BreachKind::DataBroker,
                    classes: &broker,
                },
                Exposed {
                    kind: BreachKind::Scrape,
                    classes: &phone,
                },
            ],
            Country::Be,
            &[
                "never-share-codes",
                "whatsapp-two-step",
                "already-reacted-be",
                "expect-smishing-vishing",
                "hang-up-call-back",
                "expect-phishing",
                "report-suspicious-be",
                "two-factor",
                "ceo-fraud",
                "data-broker-gdpr",
            ],
        ),
        (
            "nothing found, Dutch",
            vec![],
            Country::Nl,
            &["password-manager", "stay-alert"],
        ),
    ];
    for (what, exposed, country, expected) in cases {
        let got = ids(&advice.advise(&exposed, country));
        // Items of the same urgency keep the file's order; compare exactly.
        assert_eq!(got, expected, "{what}");
    }
}
