//! IBANs with valid ISO 13616 mod-97 check digits: Dutch (`NLkk BANK
//! 0123456789`) and Belgian (`BEkk 0123 4567 8901`, with the Belgian
//! national mod-97 check on the last two digits).

use rand::Rng;

use crate::data::{BE_BANKS, NL_BANKS};

/// `value mod 97` of the IBAN's numeric rearrangement: BBAN, then country
/// code and check digits, letters as 10..35.
pub fn mod97(iban_compact: &str) -> Option<u32> {
    if iban_compact.len() < 5 || !iban_compact.is_ascii() {
        return None;
    }
    let (head, bban) = iban_compact.split_at(4);
    let mut rem: u32 = 0;
    for c in bban.chars().chain(head.chars()) {
        let v = c.to_digit(36)?;
        rem = if v >= 10 {
            (rem * 100 + v) % 97
        } else {
            (rem * 10 + v) % 97
        };
    }
    Some(rem)
}

fn with_check(country: &str, bban: &str) -> String {
    let rem = mod97(&format!("{country}00{bban}")).unwrap_or(0);
    format!("{country}{:02}{bban}", 98 - rem)
}

/// A Dutch IBAN, compact (`NL91ABNA0417164300`).
pub fn nl(rng: &mut impl Rng) -> String {
    let bank = NL_BANKS[rng.gen_range(0..NL_BANKS.len())];
    let account: u64 = rng.gen_range(100_000_000..10_000_000_000);
    with_check("NL", &format!("{bank}{account:010}"))
}

/// A Belgian IBAN, compact (`BE68539007547034`).
pub fn be(rng: &mut impl Rng) -> String {
    let bank = BE_BANKS[rng.gen_range(0..BE_BANKS.len())];
    let account: u32 = rng.gen_range(0..10_000_000);
    let first10 = u64::from(bank) * 10_000_000 + u64::from(account);
    let check = match first10 % 97 {
        0 => 97,
        r => r,
    };
    with_check("BE", &format!("{first10:010}{check:02}"))
}

/// Groups a compact IBAN in fours, as printed on statements.
pub fn grouped(compact: &str) -> String {
    let mut out = String::with_capacity(compact.len() + compact.len() / 4);
    for (i, c) in compact.chars().enumerate() {
        if i > 0 && i % 4 == 0 {
            out.push(' ');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn known_ibans_pass() {
        assert_eq!(mod97("NL91ABNA0417164300"), Some(1));
        assert_eq!(mod97("BE68539007547034"), Some(1));
        assert_ne!(mod97("NL92ABNA0417164300"), Some(1));
    }

    #[test]
    fn generated_ibans_pass() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(7);
        for _ in 0..1000 {
            let n = nl(&mut rng);
            assert_eq!(n.len(), 18);
            assert_eq!(mod97(&n), Some(1), "{n}");
            let b = be(&mut rng);
            assert_eq!(b.len(), 16);
            assert_eq!(mod97(&b), Some(1), "{b}");
            let digits: u64 = b[4..14].parse().unwrap();
            let check: u64 = b[14..].parse().unwrap();
            assert_eq!(
                if digits.is_multiple_of(97) {
                    97
                } else {
                    digits % 97
                },
                check
            );
        }
        assert_eq!(grouped("NL91ABNA0417164300"), "NL91 ABNA 0417 1643 00");
    }
}
