//! The client side of the oblivious check (RFC 9497 through `voprf`): blind
//! an input, and finalize the server's evaluation into F(k, x) — verifying
//! the DLEQ proof against the server's public key in VOPRF mode. Used by
//! `lekradar check --server`; the browser does the same with `@noble/curves`.

use rand::rngs::OsRng;
use rand::{CryptoRng, RngCore};
use voprf::{EvaluationElement, OprfClient, Proof, VoprfClient};

use crate::{OprfMode, PrfError, Suite, ELEMENT_LEN, OUTPUT_LEN, PROOF_LEN};

/// A blinded input and what finalizing needs.
pub struct Blinded {
    state: State,
    input: Vec<u8>,
    /// The 32-byte blinded element to send.
    pub element: [u8; ELEMENT_LEN],
}

enum State {
    Voprf(VoprfClient<Suite>),
    Oprf(OprfClient<Suite>),
}

/// Blinds `input` with a fresh random scalar.
pub fn blind(mode: OprfMode, input: &[u8]) -> Result<Blinded, PrfError> {
    blind_with_rng(mode, input, &mut OsRng)
}

/// [`blind`] with a caller-supplied RNG for the blinding scalar (known
/// answers only: a predictable blind shows the server the input).
#[doc(hidden)]
pub fn blind_with_rng<R: RngCore + CryptoRng>(
    mode: OprfMode,
    input: &[u8],
    rng: &mut R,
) -> Result<Blinded, PrfError> {
    let (state, element) = match mode {
        OprfMode::Voprf => {
            let r = VoprfClient::<Suite>::blind(input, rng).map_err(PrfError::Voprf)?;
            (State::Voprf(r.state), r.message.serialize())
        }
        OprfMode::Oprf => {
            let r = OprfClient::<Suite>::blind(input, rng).map_err(PrfError::Voprf)?;
            (State::Oprf(r.state), r.message.serialize())
        }
    };
    let mut out = [0u8; ELEMENT_LEN];
    out.copy_from_slice(&element);
    Ok(Blinded {
        state,
        input: input.to_vec(),
        element: out,
    })
}

impl Blinded {
    /// F(k, input) from the server's evaluated element; in VOPRF mode the
    /// proof must verify against `public_key`, else [`PrfError::Voprf`].
    pub fn finalize(
        &self,
        evaluated: &[u8],
        proof: &[u8],
        public_key: &[u8; ELEMENT_LEN],
    ) -> Result<[u8; OUTPUT_LEN], PrfError> {
        let element =
            EvaluationElement::<Suite>::deserialize(evaluated).map_err(PrfError::Voprf)?;
        let output = match &self.state {
            State::Voprf(client) => {
                if proof.len() != PROOF_LEN {
                    return Err(PrfError::Voprf(voprf::Error::ProofVerification));
                }
                let proof = Proof::<Suite>::deserialize(proof).map_err(PrfError::Voprf)?;
                let public = <Suite as voprf::Group>::deserialize_elem(public_key)
                    .map_err(PrfError::Voprf)?;
                client
                    .finalize(&self.input, &element, &proof, public)
                    .map_err(PrfError::Voprf)?
            }
            State::Oprf(client) => client
                .finalize(&self.input, &element)
                .map_err(PrfError::Voprf)?,
        };
        let mut out = [0u8; OUTPUT_LEN];
        out.copy_from_slice(&output);
        Ok(out)
    }
}
