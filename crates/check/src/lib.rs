//! From an identifier to its exposures: the one place that joins the
//! canonical identifier ([`lekradar_normalize`]), the keyed PRF
//! ([`lekradar_prf`]) and the index ([`lekradar_index`]). Ingest files an
//! identifier with [`filing`]; every direct check uses [`check`].
//!
//! An identifier is filed per breach (segment format 2): one PRF evaluation
//! F(k, x) gives, for each breach, its own tag and the pad that seals its
//! class bitset ([`lekradar_prf::EntrySecrets`]). Segments of format 1 (older
//! indexes) hold the first bytes of F(k, x) as the tag and clear classes;
//! both are read.
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

use lekradar_index::{BreachView, ClassSet, Hit, Key, Snapshot, TAG_LEN};
use lekradar_normalize::Identifier;
use lekradar_prf::{EntrySecrets, ServerKey, OUTPUT_LEN};

/// Why a check could not be made.
#[derive(Debug, thiserror::Error)]
pub enum CheckError {
    #[error("keyed PRF failed: {0}")]
    Prf(#[from] lekradar_prf::PrfError),
}

/// Where one identifier is filed: its bucket, and per breach its key and pad.
pub struct Filing {
    bucket: u32,
    v1_tag: [u8; TAG_LEN],
    secrets: EntrySecrets,
}

/// Evaluates the PRF for `id` once, for filing it in any breach.
pub fn filing(key: &ServerKey, id: &Identifier) -> Result<Filing, CheckError> {
    let input = id.prf_input();
    Ok(filing_of_output(
        lekradar_prf::bucket(&input),
        &key.evaluate(&input)?,
    ))
}

/// The filing for a PRF output a client obtained obliviously (it knows its
/// bucket from the input).
pub fn filing_of_output(bucket: u32, output: &[u8; OUTPUT_LEN]) -> Filing {
    let mut v1_tag = [0u8; TAG_LEN];
    v1_tag.copy_from_slice(&output[..TAG_LEN]);
    Filing {
        bucket,
        v1_tag,
        secrets: EntrySecrets::new(output),
    }
}

impl Filing {
    /// The 24-bit bucket.
    pub fn bucket(&self) -> u32 {
        self.bucket
    }

    /// The key and class pad of this identifier in breach `breach`.
    pub fn in_breach(&self, breach: &str) -> (Key, u32) {
        let (tag, pad) = self.secrets.for_breach(breach);
        (Key::masked(self.bucket, tag), pad)
    }

    /// The pad of entry `n` (0-based, in segment order) of this identifier
    /// in `breach` ([`lekradar_prf::EntrySecrets::pad_of_entry`]).
    pub fn pad_in(&self, breach: &str, n: u32) -> u32 {
        self.secrets.pad_of_entry(breach, n)
    }

    /// The key in segments of format 1.
    pub fn v1_key(&self) -> Key {
        Key::masked(self.bucket, self.v1_tag)
    }

    /// The classes of this identifier's records in `breach`, over all its
    /// segments (retired or not); `None` when it holds none.
    pub fn classes_in(&self, breach: &BreachView) -> Option<ClassSet> {
        self.records_in(breach).map(|(classes, _)| classes)
    }

    /// The classes of this identifier's records in `breach` and how many
    /// sealed (format 2) entries hold them; `None` when it holds none. The
    /// n-th sealed entry, in segment order, is unsealed with pad n.
    pub fn records_in(&self, breach: &BreachView) -> Option<(ClassSet, u32)> {
        let (key, _) = self.in_breach(breach.name());
        let v1 = self.v1_key();
        let mut sealed_entries = 0u32;
        let mut found: Option<ClassSet> = None;
        for s in breach.segments() {
            let classes = match s.format_version() {
                1 => s.get(&v1),
                _ => s.get(&key).map(|sealed| {
                    let pad = self.pad_in(breach.name(), sealed_entries);
                    sealed_entries = sealed_entries.saturating_add(1);
                    sealed ^ pad
                }),
            };
            if let Some(c) = classes {
                found = Some(found.unwrap_or(0) | c);
            }
        }
        found.map(|c| (c, sealed_entries))
    }
}

/// The active breaches holding `id`, each with the data classes of that
/// person's record.
pub fn check<'s>(
    snapshot: &'s Snapshot,
    key: &ServerKey,
    id: &Identifier,
) -> Result<Vec<Hit<'s>>, CheckError> {
    let filing = filing(key, id)?;
    Ok(snapshot
        .breaches()
        .iter()
        .filter(|b| !b.is_retired())
        .filter_map(|breach| {
            filing
                .classes_in(breach)
                .map(|classes| Hit { breach, classes })
        })
        .collect())
}

/// Keys the domains of email addresses for per-domain counts
/// ([`lekradar_index::DomainCounts`]): HMAC-SHA-256 under a secret derived
/// from the server key, over the breach name and the domain, cut to 64 bits.
/// Only the server can compute it (never an oblivious evaluation, which any
/// client can ask for), and the same domain keys differently in each breach,
/// so the index does not link breaches by domain.
#[derive(Clone)]
pub struct DomainKeyer {
    mac: hmac::Hmac<sha2::Sha256>,
}

impl DomainKeyer {
    pub fn new(key: &ServerKey) -> DomainKeyer {
        use hmac::Mac;
        let secret = key.derive_secret(b"lekradar:v1:domain-counts");
        DomainKeyer {
            // HMAC takes a key of any length: this cannot fail.
            mac: hmac::Hmac::new_from_slice(&*secret)
                .unwrap_or_else(|_| unreachable!("HMAC accepts any key length")),
        }
    }

    /// The key of `domain` (canonical: lower-case ASCII, as
    /// [`lekradar_normalize::EmailAddress::domain`] gives it) in `breach`.
    pub fn key(&self, breach: &str, domain: &str) -> u64 {
        use hmac::Mac;
        let mut mac = self.mac.clone();
        mac.update(&(breach.len() as u64).to_be_bytes());
        mac.update(breach.as_bytes());
        mac.update(domain.as_bytes());
        let out = mac.finalize().into_bytes();
        let mut word = [0u8; 8];
        word.copy_from_slice(&out[..8]);
        u64::from_be_bytes(word)
    }
}

impl std::fmt::Debug for DomainKeyer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DomainKeyer(..)")
    }
}

/// How many addresses at `domain` each active breach of `snapshot` holds
/// (breaches holding none left out), as ingest counted them.
pub fn domain_counts<'s>(
    keyer: &DomainKeyer,
    snapshot: &'s Snapshot,
    domain: &str,
) -> Vec<(&'s BreachView, u64)> {
    snapshot
        .breaches()
        .iter()
        .filter(|b| !b.is_retired())
        .filter_map(|b| {
            let n = b.domain_counts().get(keyer.key(b.name(), domain));
            (n > 0).then_some((b, n))
        })
        .collect()
}
