//! Property tests: normalization never panics on any input, and is idempotent
//! (normalizing a canonical form yields the same identifier, under any region).

use lekradar_normalize::{normalize, Identifier, Region, PRF_INPUT_PREFIX};
use proptest::prelude::*;

fn regions() -> impl Strategy<Value = Region> {
    prop::sample::select(vec!["NL", "BE", "DE", "US", "GB", "IT", "EG", "SA"])
        .prop_map(|r| r.parse().expect("known region"))
}

/// Phone-ish text: digits (ASCII and a few other scripts), separators, plus
/// signs, letters, extension markers.
fn phoneish() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            6 => prop::char::range('0', '9'),
            3 => prop::sample::select(vec![' ', '-', '.', '/', '(', ')', '+', '#', '*', ';', '=', ':', 'x', 'e', 't', 'l', ',', '"', '!', '\t', '[', ']', '~', '\u{a0}', '\u{3000}', '\u{2013}', '\u{ff0d}', '\u{30fc}', '\u{200b}']),
            1 => prop::sample::select(vec!['０', '５', '٣', '۷', '३', '＋', '－', 'İ', 'ı', 'ſ', 'A', 'Z', 'é', '@']),
            1 => any::<char>(),
        ],
        0..40,
    )
    .prop_map(|v| v.into_iter().collect())
}

/// Email-ish text: local part, '@', domain with some Unicode.
fn emailish() -> impl Strategy<Value = String> {
    (
        "[a-zA-Z0-9.+_'!#-]{0,20}",
        prop::sample::select(vec!["@", "@", "@", "@@", "", " @"]),
        "[a-zA-Z0-9.äöüßİı☃例-]{0,24}",
        prop::sample::select(vec!["", ".nl", ".COM", ".xn--p1ai", ".", ".123"]),
    )
        .prop_map(|(l, at, d, tld)| format!("{l}{at}{d}{tld}"))
}

fn check(input: &str, region: Region) -> Result<(), TestCaseError> {
    let Ok(id) = normalize(input, region) else {
        return Ok(());
    };
    let canonical = id.canonical().to_owned();
    // Idempotence, and for phones independence of the region once canonical.
    for r in [region, Region::NL, Region::BE] {
        let again = normalize(&canonical, r);
        prop_assert_eq!(again.as_ref(), Ok(&id), "input {:?} region {}", input, r);
    }
    // Canonical forms are ASCII without whitespace.
    prop_assert!(canonical.is_ascii(), "{:?}", canonical);
    prop_assert!(!canonical.chars().any(char::is_whitespace));
    match &id {
        Identifier::Phone(p) => {
            prop_assert!(canonical.starts_with('+'));
            prop_assert!(canonical[1..].bytes().all(|b| b.is_ascii_digit()));
            let prefix = format!("+{}", p.country_code());
            prop_assert!(canonical.starts_with(&prefix), "{:?}", canonical);
            let _ = (p.is_mobile(), p.region());
        }
        Identifier::Email(e) => {
            prop_assert_eq!(canonical.matches('@').count(), 1);
            let suffix = format!("@{}", e.domain());
            prop_assert!(canonical.ends_with(&suffix), "{:?}", canonical);
            prop_assert_eq!(canonical.to_ascii_lowercase(), canonical.clone());
        }
    }
    let prf = id.prf_input();
    prop_assert_eq!(
        prf,
        format!("{PRF_INPUT_PREFIX}{}:{canonical}", id.kind().as_str()).into_bytes()
    );
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    #[test]
    fn arbitrary_strings(s in any::<String>(), region in regions()) {
        check(&s, region)?;
    }

    #[test]
    fn arbitrary_bytes(bytes in prop::collection::vec(any::<u8>(), 0..64), region in regions()) {
        check(&String::from_utf8_lossy(&bytes), region)?;
    }

    #[test]
    fn phone_like(s in phoneish(), region in regions()) {
        check(&s, region)?;
    }

    #[test]
    fn email_like(s in emailish(), region in regions()) {
        check(&s, region)?;
    }

    #[test]
    fn long_inputs(s in prop::collection::vec(prop::sample::select(vec!['1', ' ', '+', '-', 'a', '@', '.', 'ä']), 200..600)
        .prop_map(|v| v.into_iter().collect::<String>()), region in regions()) {
        check(&s, region)?;
    }
}
