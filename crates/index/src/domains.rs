//! Per-breach counts of distinct email addresses per domain, the domain
//! known only by a keyed 64-bit hash the caller computes: what lets an
//! organisation learn how many addresses at its domain a breach holds beyond
//! its own list, without the index keeping an address or a domain name.
//!
//! Stored as one opaque-to-readers blob per breach (`dom-*.lkd`, the same
//! checksummed container as metadata) whose payload is the pairs
//! (domain key u64, count u64), little-endian, strictly ascending by key.

use std::path::Path;

use crate::error::{corrupt, Result};

/// Bytes of one stored pair.
const PAIR_LEN: usize = 16;

/// Distinct addresses per keyed domain, sorted by key.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DomainCounts {
    pairs: Vec<(u64, u64)>,
}

impl DomainCounts {
    /// No domain counted.
    pub const EMPTY: DomainCounts = DomainCounts { pairs: Vec::new() };

    /// Counts from `(key, count)` pairs in any order; pairs of the same key add up.
    pub fn from_pairs(pairs: impl IntoIterator<Item = (u64, u64)>) -> DomainCounts {
        let mut pairs: Vec<(u64, u64)> = pairs.into_iter().filter(|&(_, n)| n > 0).collect();
        pairs.sort_unstable_by_key(|&(k, _)| k);
        pairs.dedup_by(|next, kept| {
            if next.0 == kept.0 {
                kept.1 = kept.1.saturating_add(next.1);
                true
            } else {
                false
            }
        });
        DomainCounts { pairs }
    }

    /// The count of `key` (0 when the breach holds no address at that domain).
    pub fn get(&self, key: u64) -> u64 {
        self.pairs
            .binary_search_by_key(&key, |&(k, _)| k)
            .map_or(0, |i| self.pairs[i].1)
    }

    /// Domains counted.
    pub fn len(&self) -> usize {
        self.pairs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.pairs.is_empty()
    }

    /// The pairs, ascending by key.
    pub fn iter(&self) -> impl Iterator<Item = (u64, u64)> + '_ {
        self.pairs.iter().copied()
    }

    /// `self` and `other` added up per key.
    pub fn merged(&self, other: &DomainCounts) -> DomainCounts {
        DomainCounts::from_pairs(self.iter().chain(other.iter()))
    }

    pub(crate) fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.pairs.len() * PAIR_LEN);
        for &(k, n) in &self.pairs {
            out.extend_from_slice(&k.to_le_bytes());
            out.extend_from_slice(&n.to_le_bytes());
        }
        out
    }

    pub(crate) fn decode(path: &Path, payload: &[u8]) -> Result<DomainCounts> {
        if !payload.len().is_multiple_of(PAIR_LEN) {
            return Err(corrupt(
                path,
                "domain counts: length not a whole number of pairs",
            ));
        }
        let word = |b: &[u8]| {
            let mut w = [0u8; 8];
            w.copy_from_slice(b);
            u64::from_le_bytes(w)
        };
        let mut pairs = Vec::with_capacity(payload.len() / PAIR_LEN);
        for chunk in payload.chunks_exact(PAIR_LEN) {
            let pair = (word(&chunk[..8]), word(&chunk[8..]));
            if pairs.last().is_some_and(|&(k, _)| k >= pair.0) {
                return Err(corrupt(path, "domain counts: keys out of order"));
            }
            pairs.push(pair);
        }
        Ok(DomainCounts { pairs })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs_add_up_sort_and_round_trip() {
        let c = DomainCounts::from_pairs([(9, 1), (3, 2), (9, 4), (5, 0)]);
        assert_eq!(c.iter().collect::<Vec<_>>(), vec![(3, 2), (9, 5)]);
        assert_eq!((c.get(9), c.get(3), c.get(5), c.get(4)), (5, 2, 0, 0));
        let m = c.merged(&DomainCounts::from_pairs([(3, 1), (1, 7)]));
        assert_eq!(m.iter().collect::<Vec<_>>(), vec![(1, 7), (3, 3), (9, 5)]);
        let p = Path::new("dom");
        assert_eq!(DomainCounts::decode(p, &m.encode()).unwrap(), m);
        let bytes = m.encode();
        assert!(DomainCounts::decode(p, &bytes[..bytes.len() - 1]).is_err());
        let mut swapped = bytes[16..32].to_vec();
        swapped.extend_from_slice(&bytes[..16]);
        assert!(DomainCounts::decode(p, &swapped).is_err(), "out of order");
    }
}
