//! Per-breach entry secrets derived from one PRF output (as MIGP does): the
//! index tag of an identifier in breach *b* and the pad that seals its data
//! classes there.
//!
//! `HKDF-SHA512(salt = "lekradar:v1:entry", ikm = F(k, x), info = b's name)`
//! expanded to 12 bytes gives `tag ‖ pad`: 8 bytes of tag, 4 bytes XORed with
//! the record's class bitset (little-endian). Tags differ between breaches, so
//! the entries of one person in two breaches cannot be linked.
//!
//! A breach may hold more than one entry of an identifier: a later ingest
//! that brings data classes the breach did not yet hold for it adds an entry
//! under the same tag in a newer segment (segments are immutable). Entry *n*
//! (0-based, in segment order) is sealed with its own pad,
//! `HKDF-Expand(info = b's name ‖ 0x00 ‖ n as u32 big-endian, 4 bytes)` for
//! n ≥ 1, so every pad is used once and the sealed bitsets tell nothing —
//! not even how two of them differ — to whoever lacks F(k, x), which takes
//! the server key or an oblivious evaluation of the identifier itself.

use hkdf::Hkdf;
use sha2::Sha512;

use crate::{OUTPUT_LEN, TAG_LEN};

/// HKDF salt of the entry derivation.
pub const ENTRY_SALT: &[u8] = b"lekradar:v1:entry";
/// Bytes of the class pad.
pub const PAD_LEN: usize = 4;

/// The HKDF pseudorandom key of one PRF output; expand once per breach.
pub struct EntrySecrets {
    hkdf: Hkdf<Sha512>,
}

impl EntrySecrets {
    /// Extracts from a full PRF output.
    pub fn new(output: &[u8; OUTPUT_LEN]) -> EntrySecrets {
        EntrySecrets {
            hkdf: Hkdf::<Sha512>::new(Some(ENTRY_SALT), output),
        }
    }

    /// The tag and the class pad of this identifier in breach `breach`.
    pub fn for_breach(&self, breach: &str) -> ([u8; TAG_LEN], u32) {
        let mut okm = [0u8; TAG_LEN + PAD_LEN];
        // 12 bytes is far below HKDF-SHA512's 255 × 64-byte limit: cannot fail.
        let _ = self.hkdf.expand(breach.as_bytes(), &mut okm);
        let mut tag = [0u8; TAG_LEN];
        tag.copy_from_slice(&okm[..TAG_LEN]);
        let pad = u32::from_le_bytes([okm[8], okm[9], okm[10], okm[11]]);
        (tag, pad)
    }

    /// The pad of entry `n` (0-based, in segment order) of this identifier in
    /// `breach`; entry 0's is the one [`for_breach`](EntrySecrets::for_breach) gives.
    pub fn pad_of_entry(&self, breach: &str, n: u32) -> u32 {
        if n == 0 {
            return self.for_breach(breach).1;
        }
        let mut info = Vec::with_capacity(breach.len() + 5);
        info.extend_from_slice(breach.as_bytes());
        info.push(0);
        info.extend_from_slice(&n.to_be_bytes());
        let mut okm = [0u8; PAD_LEN];
        // 4 bytes: cannot fail.
        let _ = self.hkdf.expand(&info, &mut okm);
        u32::from_le_bytes(okm)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_and_pads_differ_per_breach_and_output() {
        let a = EntrySecrets::new(&[1; OUTPUT_LEN]);
        let b = EntrySecrets::new(&[2; OUTPUT_LEN]);
        assert_ne!(a.for_breach("Telco"), a.for_breach("Scrape"));
        assert_ne!(a.for_breach("Telco"), b.for_breach("Telco"));
        assert_eq!(a.for_breach("Telco"), a.for_breach("Telco"));
    }

    #[test]
    fn known_answer() {
        // RFC 5869-style check against an independent computation (Python:
        // hkdf(sha512, ikm=b"\x07"*64, salt=b"lekradar:v1:entry", info=b"Telco", 12)).
        let s = EntrySecrets::new(&[7; OUTPUT_LEN]);
        let (tag, pad) = s.for_breach("Telco");
        let mut okm = tag.to_vec();
        okm.extend_from_slice(&pad.to_le_bytes());
        assert_eq!(okm.len(), 12);
        assert_eq!(hex(&okm), KNOWN);
    }

    #[test]
    fn later_entries_have_pads_of_their_own() {
        // Python: hkdf(..., info=b"Telco\x00" + n.to_bytes(4, "big"), 4).
        let s = EntrySecrets::new(&[7; OUTPUT_LEN]);
        assert_eq!(s.pad_of_entry("Telco", 0), s.for_breach("Telco").1);
        assert_eq!(hex(&s.pad_of_entry("Telco", 1).to_le_bytes()), "f79b24dc");
        assert_eq!(hex(&s.pad_of_entry("Telco", 2).to_le_bytes()), "8f3321b7");
    }

    fn hex(b: &[u8]) -> String {
        b.iter().map(|x| format!("{x:02x}")).collect()
    }

    const KNOWN: &str = "00f0f4a9245fcf7df7321ce2";
}
