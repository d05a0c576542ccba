//! The private check's server side (docs/PRIVATE-CHECK.md), with the
//! messages of `lekradar-private`: the configuration a client starts from,
//! the evaluation of a blinded element (drawn from the same budgets as a
//! direct check) and the bucket of a prefix.
//!
//! The prefix lengths a client may ask are bounded by the number of entries
//! served ([`lekradar_private::prefix_bounds`]): at the longest, a bucket
//! holds on average at least `MIN_OCCUPANCY` entries, so one person's
//! entries are lost in its natural variation. Review finding: with 3 602
//! entries at 16 bits a bucket was empty unless it held a member (40 of 40
//! members' buckets non-empty, 2 of 40 non-members'), a free membership
//! oracle.

use std::sync::Arc;

use lekradar_catalogue::{Breach, Catalogue};
use lekradar_index::Snapshot;
use lekradar_prf::OprfMode;
use lekradar_private::{
    prefix_bounds, BucketEntry, BucketMessage, CheckAnswer, CheckRequest, EntryDerivation,
    Evaluation, Prefix, PrefixBounds, PrivateBreach, PrivateConfig, CIPHERSUITE, MIN_OCCUPANCY,
    WIRE_VERSION,
};

use crate::{Admitted, Refusal, Service};

/// Why a private check's message is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PrivateError {
    #[error(transparent)]
    Refused(#[from] Refusal),
    #[error("prefix length must lie between {min} and {max} bits for this index (GET /api/v1/private/config tells the current bounds)")]
    PrefixOutOfBounds { min: u32, max: u32 },
    #[error("the blinded element is not a valid ristretto255 point")]
    InvalidElement,
}

/// The breaches a private check answers for: active, not sensitive.
fn private_breaches(catalogue: &Catalogue) -> impl Iterator<Item = &Arc<Breach>> {
    catalogue.all().iter().filter(|b| b.listable_for_accounts())
}

/// A bucket message: every entry of the prefix, sorted by tag.
pub fn bucket_message(snapshot: &Snapshot, catalogue: &Catalogue, prefix: Prefix) -> BucketMessage {
    let mut entries = Vec::new();
    for b in private_breaches(catalogue) {
        let Some(view) = snapshot.breach(&b.meta.name) else {
            continue;
        };
        for segment in view.segments() {
            // Format 1 holds clear classes under linkable tags: never served.
            if segment.format_version() < 2 {
                continue;
            }
            for e in segment.scan_prefix(prefix.value(), prefix.bits()) {
                let mut tag = [0u8; 8];
                tag.copy_from_slice(e.key.tag());
                entries.push(BucketEntry {
                    tag,
                    sealed: e.classes,
                });
            }
        }
    }
    // Sorted by tag, stably: equal tags (the entries of one identifier in
    // one breach) keep their segment order, in which a client unseals the
    // n-th with pad n.
    BucketMessage::new(prefix, snapshot.generation(), entries)
}

impl Service {
    /// `message` without the entries of identifiers their owners hid.
    fn without_opt_outs(&self, snapshot: &Snapshot, mut message: BucketMessage) -> BucketMessage {
        let hidden = self.opted_out_tags(snapshot, message.prefix.value(), message.prefix.bits());
        if !hidden.is_empty() {
            message.entries.retain(|e| !hidden.contains(&e.tag));
        }
        message
    }

    /// The prefix lengths a private check may ask of this catalogue.
    pub fn private_bounds(&self, catalogue: &Catalogue) -> PrefixBounds {
        prefix_bounds(
            catalogue.private_entries(),
            self.config().private_bucket_bits,
        )
    }

    /// Everything a client needs before its first private check.
    pub fn private_config(&self) -> PrivateConfig {
        let (snapshot, catalogue) = self.snapshot();
        let mode = self.key().mode();
        let bounds = self.private_bounds(&catalogue);
        PrivateConfig {
            version: WIRE_VERSION,
            ciphersuite: CIPHERSUITE.to_owned(),
            mode: mode.as_str().to_owned(),
            public_key: (mode == OprfMode::Voprf)
                .then(|| lekradar_private::to_hex(&self.key().public_key())),
            key_id: self.key().key_id(),
            bucket_bits: bounds.max,
            min_bucket_bits: bounds.min,
            min_occupancy: MIN_OCCUPANCY,
            input_prefix: lekradar_normalize::PRF_INPUT_PREFIX.to_owned(),
            entry: EntryDerivation::current(),
            generation: snapshot.generation(),
            breaches: private_breaches(&catalogue)
                .map(|b| PrivateBreach {
                    name: b.meta.name.clone(),
                    title: b.meta.title.clone(),
                    kind: b.meta.kind.as_str().to_owned(),
                    breach_date: b.meta.breach_date.format("%Y-%m-%d").to_string(),
                    data_classes: b.meta.data_classes.clone(),
                })
                .collect(),
        }
    }

    /// Evaluates a blinded element for an admitted caller, drawing one
    /// evaluation from its budgets.
    pub async fn private_evaluate(
        &self,
        admitted: &Admitted,
        blinded: &[u8],
    ) -> Result<Evaluation, PrivateError> {
        self.draw(admitted).await?;
        let evaluation = self.evaluate_element(blinded)?;
        self.metrics()
            .check(admitted.interface.as_str(), "evaluated");
        Ok(evaluation)
    }

    /// The bucket of `prefix` in the current snapshot, if the prefix is
    /// within its bounds; with the snapshot's generation.
    pub fn private_bucket(&self, prefix: Prefix) -> Result<BucketMessage, PrivateError> {
        let (snapshot, catalogue) = self.snapshot();
        self.within_bounds(&catalogue, prefix)?;
        Ok(self.without_opt_outs(&snapshot, bucket_message(&snapshot, &catalogue, prefix)))
    }

    /// The generation a bucket request would be answered from (for its
    /// ETag), after checking the prefix against that generation's bounds.
    pub fn private_bucket_generation(&self, prefix: Prefix) -> Result<u64, PrivateError> {
        let (snapshot, catalogue) = self.snapshot();
        self.within_bounds(&catalogue, prefix)?;
        Ok(snapshot.generation())
    }

    /// Evaluation and bucket in one round trip, from one snapshot.
    pub async fn private_check(
        &self,
        admitted: &Admitted,
        request: &CheckRequest,
    ) -> Result<CheckAnswer, PrivateError> {
        let (snapshot, catalogue) = self.snapshot();
        self.within_bounds(&catalogue, request.prefix)?;
        self.draw(admitted).await?;
        let evaluation = self.evaluate_element(&request.blinded)?;
        let bucket = self.without_opt_outs(
            &snapshot,
            bucket_message(&snapshot, &catalogue, request.prefix),
        );
        self.metrics()
            .check(admitted.interface.as_str(), "evaluated");
        Ok(CheckAnswer { evaluation, bucket })
    }

    fn within_bounds(&self, catalogue: &Catalogue, prefix: Prefix) -> Result<(), PrivateError> {
        let bounds = self.private_bounds(catalogue);
        if bounds.allows(prefix.bits()) {
            Ok(())
        } else {
            Err(PrivateError::PrefixOutOfBounds {
                min: bounds.min,
                max: bounds.max,
            })
        }
    }

    /// The server's step on a blinded element.
    fn evaluate_element(&self, blinded: &[u8]) -> Result<Evaluation, PrivateError> {
        let (evaluated, proof) = self
            .key()
            .blind_evaluate(blinded)
            .map_err(|_| PrivateError::InvalidElement)?;
        Evaluation::from_parts(&evaluated, &proof).map_err(|_| PrivateError::InvalidElement)
    }
}
