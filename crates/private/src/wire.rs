//! The binary messages (`docs/PRIVATE-CHECK.md`, "Endpoints"): a check
//! request, the evaluation of a blinded element, a bucket, and the answer to
//! a check (an evaluation and a bucket). Each has `encode` and a `decode`
//! that accepts exactly the bytes `encode` could have written and says what
//! is wrong with anything else. Integers are big-endian in the prefix and
//! little-endian elsewhere, as the format has always been.

use lekradar_prf::{OprfMode, BUCKET_BITS, ELEMENT_LEN, PROOF_LEN};

/// Version byte of the messages.
pub const WIRE_VERSION: u8 = 1;

/// Why bytes are not a message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WireError {
    #[error("send exactly {expected} bytes: {what}")]
    Length { expected: usize, what: &'static str },
    #[error("{what} is too short: {got} bytes")]
    Truncated { what: &'static str, got: usize },
    #[error("message version {0} is not {WIRE_VERSION}")]
    Version(u8),
    #[error("mode byte {0} is neither 0 (oprf) nor 1 (voprf)")]
    UnknownMode(u8),
    #[error("the answer is in {got} mode, not {expected}")]
    WrongMode {
        expected: &'static str,
        got: &'static str,
    },
    #[error("a prefix of {0} bits is longer than the bucket's {BUCKET_BITS}")]
    PrefixLength(u32),
    #[error("the prefix does not fit in {0} bits")]
    PrefixValue(u32),
    #[error("the bucket says {count} entries but holds {bytes} bytes of them")]
    Count { count: u32, bytes: usize },
}

/// A bucket prefix: the first `bits` bits of a 24-bit bucket, as a number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Prefix {
    bits: u32,
    value: u32,
}

impl Prefix {
    /// A prefix of `bits` (at most 24) with value `value` (below 2^bits).
    pub fn new(bits: u32, value: u32) -> Result<Prefix, WireError> {
        if bits > BUCKET_BITS {
            return Err(WireError::PrefixLength(bits));
        }
        if value >> bits != 0 {
            return Err(WireError::PrefixValue(bits));
        }
        Ok(Prefix { bits, value })
    }

    /// The prefix of `bits` of a 24-bit bucket.
    pub fn of_bucket(bucket: u32, bits: u32) -> Result<Prefix, WireError> {
        if bits > BUCKET_BITS {
            return Err(WireError::PrefixLength(bits));
        }
        Prefix::new(bits, (bucket & 0xff_ffff) >> (BUCKET_BITS - bits))
    }

    pub fn bits(&self) -> u32 {
        self.bits
    }

    pub fn value(&self) -> u32 {
        self.value
    }

    fn encode(&self, out: &mut Vec<u8>) {
        // `bits` is at most 24 by construction.
        out.push(self.bits as u8);
        out.extend_from_slice(&self.value.to_be_bytes()[1..]);
    }

    fn decode(bytes: &[u8]) -> Result<Prefix, WireError> {
        // Callers pass 4 bytes: bits, then the value.
        let bits = u32::from(bytes[0]);
        Prefix::new(bits, u32::from_be_bytes([0, bytes[1], bytes[2], bytes[3]]))
    }
}

/// `POST /api/v1/private/check`: version, bits, prefix (3), blinded element.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckRequest {
    pub prefix: Prefix,
    pub blinded: [u8; ELEMENT_LEN],
}

impl CheckRequest {
    /// Bytes of a check request.
    pub const LEN: usize = 1 + 1 + 3 + ELEMENT_LEN;

    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(Self::LEN);
        out.push(WIRE_VERSION);
        self.prefix.encode(&mut out);
        out.extend_from_slice(&self.blinded);
        out
    }

    pub fn decode(bytes: &[u8]) -> Result<CheckRequest, WireError> {
        if bytes.len() != Self::LEN {
            return Err(WireError::Length {
                expected: Self::LEN,
                what: "version, bits, prefix (3), blinded element (32)",
            });
        }
        if bytes[0] != WIRE_VERSION {
            return Err(WireError::Version(bytes[0]));
        }
        let prefix = Prefix::decode(&bytes[1..5])?;
        let mut blinded = [0u8; ELEMENT_LEN];
        blinded.copy_from_slice(&bytes[5..]);
        Ok(CheckRequest { prefix, blinded })
    }
}

/// The server's step on a blinded element: the evaluated element and, in
/// VOPRF mode, the DLEQ proof. `POST /api/v1/private/evaluate` answers it
/// alone; a check answer carries it after its mode byte.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evaluation {
    pub evaluated: [u8; ELEMENT_LEN],
    /// Present exactly in VOPRF mode.
    pub proof: Option<[u8; PROOF_LEN]>,
}

impl Evaluation {
    pub fn mode(&self) -> OprfMode {
        if self.proof.is_some() {
            OprfMode::Voprf
        } else {
            OprfMode::Oprf
        }
    }

    /// Bytes of an evaluation in `mode`.
    pub fn len_in(mode: OprfMode) -> usize {
        match mode {
            OprfMode::Voprf => ELEMENT_LEN + PROOF_LEN,
            OprfMode::Oprf => ELEMENT_LEN,
        }
    }

    /// From what `ServerKey::blind_evaluate` returns: the element, then the
    /// proof (empty in base mode).
    pub fn from_parts(evaluated: &[u8], proof: &[u8]) -> Result<Evaluation, WireError> {
        let evaluated: [u8; ELEMENT_LEN] = evaluated.try_into().map_err(|_| WireError::Length {
            expected: ELEMENT_LEN,
            what: "the evaluated element",
        })?;
        let proof = match proof.len() {
            0 => None,
            PROOF_LEN => {
                let mut p = [0u8; PROOF_LEN];
                p.copy_from_slice(proof);
                Some(p)
            }
            _ => {
                return Err(WireError::Length {
                    expected: PROOF_LEN,
                    what: "the proof",
                })
            }
        };
        Ok(Evaluation { evaluated, proof })
    }

    pub fn encode_into(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.evaluated);
        if let Some(proof) = &self.proof {
            out.extend_from_slice(proof);
        }
    }

    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(ELEMENT_LEN + PROOF_LEN);
        self.encode_into(&mut out);
        out
    }

    /// An evaluation in `mode`: exactly its bytes.
    pub fn decode(mode: OprfMode, bytes: &[u8]) -> Result<Evaluation, WireError> {
        let expected = Self::len_in(mode);
        if bytes.len() != expected {
            return Err(WireError::Length {
                expected,
                what: "the evaluated element, then the proof in VOPRF mode",
            });
        }
        Evaluation::from_parts(&bytes[..ELEMENT_LEN], &bytes[ELEMENT_LEN..])
    }
}

/// One entry of a bucket: a per-breach tag and a sealed class word.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct BucketEntry {
    pub tag: [u8; 8],
    /// The class bitset XOR the entry's pad.
    pub sealed: u32,
}

impl BucketEntry {
    /// Bytes of one entry: tag (8) and sealed class word (4, little-endian).
    pub const LEN: usize = 12;
}

/// `GET /api/v1/private/buckets/{bits}/{prefix}`, and the tail of a check
/// answer: version, bits, prefix (3), generation (u64), count (u32), then
/// the entries, sorted by tag (equal tags in segment order).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BucketMessage {
    pub prefix: Prefix,
    /// The index generation the entries belong to.
    pub generation: u64,
    pub entries: Vec<BucketEntry>,
}

impl BucketMessage {
    /// Bytes before the entries.
    pub const HEADER_LEN: usize = 1 + 1 + 3 + 8 + 4;

    /// The message of `entries` gathered in segment order: sorted by tag,
    /// keeping the order of equal tags (a client unseals the n-th of a tag
    /// with pad n).
    pub fn new(prefix: Prefix, generation: u64, mut entries: Vec<BucketEntry>) -> BucketMessage {
        entries.sort_by_key(|e| e.tag);
        BucketMessage {
            prefix,
            generation,
            entries,
        }
    }

    pub fn encoded_len(&self) -> usize {
        Self::HEADER_LEN + self.entries.len() * BucketEntry::LEN
    }

    pub fn encode_into(&self, out: &mut Vec<u8>) {
        out.reserve(self.encoded_len());
        out.push(WIRE_VERSION);
        self.prefix.encode(out);
        out.extend_from_slice(&self.generation.to_le_bytes());
        // A bucket of over 4 G entries cannot be served in one answer.
        out.extend_from_slice(&(self.entries.len() as u32).to_le_bytes());
        for e in &self.entries {
            out.extend_from_slice(&e.tag);
            out.extend_from_slice(&e.sealed.to_le_bytes());
        }
    }

    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::new();
        self.encode_into(&mut out);
        out
    }

    pub fn decode(bytes: &[u8]) -> Result<BucketMessage, WireError> {
        if bytes.len() < Self::HEADER_LEN {
            return Err(WireError::Truncated {
                what: "the bucket",
                got: bytes.len(),
            });
        }
        if bytes[0] != WIRE_VERSION {
            return Err(WireError::Version(bytes[0]));
        }
        let prefix = Prefix::decode(&bytes[1..5])?;
        let mut generation = [0u8; 8];
        generation.copy_from_slice(&bytes[5..13]);
        let count = u32::from_le_bytes([bytes[13], bytes[14], bytes[15], bytes[16]]);
        let body = &bytes[Self::HEADER_LEN..];
        if body.len() as u64 != u64::from(count) * BucketEntry::LEN as u64 {
            return Err(WireError::Count {
                count,
                bytes: body.len(),
            });
        }
        let entries = body
            .chunks_exact(BucketEntry::LEN)
            .map(|e| {
                let mut tag = [0u8; 8];
                tag.copy_from_slice(&e[..8]);
                BucketEntry {
                    tag,
                    sealed: u32::from_le_bytes([e[8], e[9], e[10], e[11]]),
                }
            })
            .collect();
        Ok(BucketMessage {
            prefix,
            generation: u64::from_le_bytes(generation),
            entries,
        })
    }
}

/// The answer to a check: version, mode (0 oprf, 1 voprf), the evaluation,
/// then the bucket message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckAnswer {
    pub evaluation: Evaluation,
    pub bucket: BucketMessage,
}

impl CheckAnswer {
    pub fn encode(&self) -> Vec<u8> {
        let mode = self.evaluation.mode();
        let mut out = Vec::with_capacity(2 + Evaluation::len_in(mode) + self.bucket.encoded_len());
        out.push(WIRE_VERSION);
        out.push(mode_byte(mode));
        self.evaluation.encode_into(&mut out);
        self.bucket.encode_into(&mut out);
        out
    }

    /// An answer, which must be in `mode` (the mode the client blinded in).
    pub fn decode(mode: OprfMode, bytes: &[u8]) -> Result<CheckAnswer, WireError> {
        let head = 2 + Evaluation::len_in(mode);
        if bytes.len() < head {
            return Err(WireError::Truncated {
                what: "the answer",
                got: bytes.len(),
            });
        }
        if bytes[0] != WIRE_VERSION {
            return Err(WireError::Version(bytes[0]));
        }
        let got = match bytes[1] {
            0 => OprfMode::Oprf,
            1 => OprfMode::Voprf,
            other => return Err(WireError::UnknownMode(other)),
        };
        if got != mode {
            return Err(WireError::WrongMode {
                expected: mode.as_str(),
                got: got.as_str(),
            });
        }
        Ok(CheckAnswer {
            evaluation: Evaluation::decode(mode, &bytes[2..head])?,
            bucket: BucketMessage::decode(&bytes[head..])?,
        })
    }
}

/// The mode byte of a check answer.
pub fn mode_byte(mode: OprfMode) -> u8 {
    match mode {
        OprfMode::Oprf => 0,
        OprfMode::Voprf => 1,
    }
}
