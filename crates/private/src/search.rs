//! The client's last step: with F(k, x) in hand, find its own entries in a
//! bucket. For each breach it derives the tag and pads; every entry with
//! that tag is the identifier's, the n-th of them sealed with pad n; the
//! classes of its records are the OR of the unsealed words.

use lekradar_check::filing_of_output;
use lekradar_prf::OUTPUT_LEN;

use crate::wire::BucketEntry;
use crate::PrivateBreach;

/// A breach holding the identifier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found<'a> {
    pub breach: &'a PrivateBreach,
    /// The data classes of the identifier's records (the breach's own names,
    /// in its order).
    pub data_classes: Vec<&'a str>,
}

/// The breaches of `breaches` holding the identifier whose 24-bit bucket is
/// `bucket` and whose PRF output is `output`, searched in `entries` (a
/// bucket in the order the server sent it).
pub fn search<'a>(
    bucket: u32,
    output: &[u8; OUTPUT_LEN],
    breaches: &'a [PrivateBreach],
    entries: &[BucketEntry],
) -> Vec<Found<'a>> {
    let filing = filing_of_output(bucket, output);
    let mut found = Vec::new();
    for breach in breaches {
        let (key, _) = filing.in_breach(&breach.name);
        let mut classes = 0u32;
        let mut n = 0u32;
        for e in entries.iter().filter(|e| e.tag[..] == key.tag()[..]) {
            classes |= e.sealed ^ filing.pad_in(&breach.name, n);
            n += 1;
        }
        if n > 0 {
            found.push(Found {
                breach,
                data_classes: breach
                    .data_classes
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| *i < 32 && classes & (1 << i) != 0)
                    .map(|(_, c)| c.as_str())
                    .collect(),
            });
        }
    }
    found
}
