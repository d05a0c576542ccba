//! [`ServerKey`]: the server's OPRF key (secret scalar) in VOPRF or base mode, its key
//! file, full evaluation F(k, x) for building the index, and the blind-evaluation step
//! (with a DLEQ proof in VOPRF mode) for the oblivious check.

use std::fmt;
use std::path::Path;

use rand::rngs::OsRng;
use rand::{CryptoRng, RngCore};
use sha2::{Digest, Sha256};
use voprf::{BlindedElement, Group, OprfServer, VoprfServer};
use zeroize::{Zeroize, Zeroizing};

use crate::keyfile;
use crate::{KeyError, OprfMode, PrfError, Suite, ELEMENT_LEN, MAX_INPUT_LEN, OUTPUT_LEN, TAG_LEN};

/// The server's OPRF key (ristretto255-SHA512): RFC 9497 VOPRF mode `0x01` (the default)
/// or base OPRF mode `0x00`, fixed when the key is created.
///
/// Holds the secret scalar inside `voprf`'s server type, which zeroizes it on drop.
/// `Debug` prints only the public [`key_id`](ServerKey::key_id). The type is `Send + Sync`;
/// share it between threads by reference or `Arc`. It is deliberately not `Clone`, so the
/// secret is not copied around.
pub struct ServerKey {
    server: Server,
    public: [u8; ELEMENT_LEN],
}

enum Server {
    Voprf(VoprfServer<Suite>),
    Oprf(OprfServer<Suite>),
}

impl fmt::Debug for ServerKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ServerKey")
            .field("key_id", &self.key_id())
            .finish_non_exhaustive()
    }
}

/// Public key bytes of a secret scalar, or `None` if the bytes are not a canonical non-zero
/// scalar.
fn public_of(secret: &[u8; 32]) -> Option<[u8; ELEMENT_LEN]> {
    VoprfServer::<Suite>::new_with_key(secret)
        .ok()
        .map(|s| ServerKey::from_server(s).public)
}

impl ServerKey {
    fn from_server(server: VoprfServer<Suite>) -> ServerKey {
        let public: [u8; ELEMENT_LEN] = Suite::serialize_elem(server.get_public_key()).into();
        ServerKey {
            server: Server::Voprf(server),
            public,
        }
    }

    /// The same scalar used in `mode`.
    fn into_mode(self, mode: OprfMode) -> Result<ServerKey, PrfError> {
        match (mode, &self.server) {
            (OprfMode::Voprf, Server::Voprf(_)) | (OprfMode::Oprf, Server::Oprf(_)) => Ok(self),
            (OprfMode::Oprf, Server::Voprf(_)) => {
                let secret = self.secret_bytes();
                let server = OprfServer::<Suite>::new_with_key(&*secret)
                    .map_err(|_| PrfError::InvalidSecretKey)?;
                Ok(ServerKey {
                    server: Server::Oprf(server),
                    public: self.public,
                })
            }
            (OprfMode::Voprf, Server::Oprf(_)) => {
                let secret = self.secret_bytes();
                ServerKey::from_secret_bytes(&*secret)
            }
        }
    }

    /// The mode this key evaluates in (tags of an index depend on it).
    pub fn mode(&self) -> OprfMode {
        match self.server {
            Server::Voprf(_) => OprfMode::Voprf,
            Server::Oprf(_) => OprfMode::Oprf,
        }
    }

    /// A fresh random key from the operating system's RNG.
    ///
    /// # Panics
    /// Only if the operating system's random number generator fails (`rand`'s `OsRng`);
    /// use [`try_generate`](ServerKey::try_generate) to get an error instead.
    pub fn generate() -> ServerKey {
        loop {
            // `VoprfServer::new` derives the key with RFC 9497 DeriveKeyPair from 32 random
            // bytes; it cannot fail in practice, but retrying keeps this panic-free.
            if let Ok(server) = VoprfServer::<Suite>::new(&mut OsRng) {
                return ServerKey::from_server(server);
            }
        }
    }

    /// Like [`generate`](ServerKey::generate), but reports an RNG failure as an error.
    pub fn try_generate() -> Result<ServerKey, PrfError> {
        let mut seed = Zeroizing::new([0u8; 32]);
        OsRng
            .try_fill_bytes(&mut *seed)
            .map_err(|e| PrfError::Rng(e.to_string()))?;
        VoprfServer::<Suite>::new_from_seed(&*seed, &[])
            .map(ServerKey::from_server)
            .map_err(PrfError::Voprf)
    }

    /// Builds a key from a 32-byte little-endian secret scalar (tests and test vectors only;
    /// production keys come from [`create_file`](ServerKey::create_file) /
    /// [`load`](ServerKey::load)).
    #[doc(hidden)]
    pub fn from_secret_bytes(secret: &[u8]) -> Result<ServerKey, PrfError> {
        VoprfServer::<Suite>::new_with_key(secret)
            .map(ServerKey::from_server)
            .map_err(|_| PrfError::InvalidSecretKey)
    }

    /// Builds a key in `mode` from a 32-byte secret scalar (tests and test vectors only).
    #[doc(hidden)]
    pub fn from_secret_bytes_in_mode(secret: &[u8], mode: OprfMode) -> Result<ServerKey, PrfError> {
        ServerKey::from_secret_bytes(secret)?.into_mode(mode)
    }

    /// The 32-byte secret scalar, in a buffer that is zeroized on drop.
    fn secret_bytes(&self) -> Zeroizing<[u8; 32]> {
        let mut secret = Zeroizing::new([0u8; 32]);
        match &self.server {
            Server::Voprf(server) => {
                let mut serialized = server.serialize(); // secret || public
                for (dst, src) in secret.iter_mut().zip(serialized.iter()) {
                    *dst = *src;
                }
                let serialized_bytes: &mut [u8] = &mut serialized;
                serialized_bytes.zeroize();
            }
            Server::Oprf(server) => {
                let mut serialized = server.serialize(); // secret
                for (dst, src) in secret.iter_mut().zip(serialized.iter()) {
                    *dst = *src;
                }
                let serialized_bytes: &mut [u8] = &mut serialized;
                serialized_bytes.zeroize();
            }
        }
        secret
    }

    /// `lekradar key init`: generates a new VOPRF key and writes it to `path` (mode `0600`,
    /// atomically, fsynced). Refuses with [`KeyError::Exists`] if anything exists at `path`.
    pub fn create_file(path: &Path) -> Result<ServerKey, KeyError> {
        ServerKey::create_file_in_mode(path, OprfMode::Voprf)
    }

    /// [`create_file`](ServerKey::create_file) for a key in `mode`.
    pub fn create_file_in_mode(path: &Path, mode: OprfMode) -> Result<ServerKey, KeyError> {
        if path.symlink_metadata().is_ok() {
            return Err(KeyError::Exists {
                path: path.to_path_buf(),
            });
        }
        let key = ServerKey::try_generate()
            .and_then(|k| k.into_mode(mode))
            .map_err(|e| KeyError::Io {
                path: path.to_path_buf(),
                source: std::io::Error::other(e),
            })?;
        let contents = keyfile::serialize(&key.secret_bytes(), &key.public, mode);
        keyfile::write_new(path, contents.as_bytes())?;
        // Read it back through the normal path: what we wrote must load as the same key.
        let loaded = ServerKey::load(path)?;
        if loaded.public != key.public {
            return Err(KeyError::Corrupt {
                path: path.to_path_buf(),
                reason: "the key read back differs from the key written".into(),
            });
        }
        Ok(key)
    }

    /// Loads the key file written by [`create_file`](ServerKey::create_file).
    ///
    /// Errors: [`KeyError::Missing`] (run `lekradar key init`), [`KeyError::Permissions`]
    /// (group/other bits set: run `chmod 600`), [`KeyError::Corrupt`] (restore from backup),
    /// [`KeyError::Io`].
    pub fn load(path: &Path) -> Result<ServerKey, KeyError> {
        let (secret, mode) = keyfile::read(path, public_of)?;
        ServerKey::from_secret_bytes_in_mode(&*secret, mode).map_err(|e| KeyError::Corrupt {
            path: path.to_path_buf(),
            reason: e.to_string(),
        })
    }

    /// Short public identifier of the key: hex of the first 8 bytes of
    /// SHA-256(compressed public key). Safe to log and to store next to the index.
    pub fn key_id(&self) -> String {
        let digest = Sha256::digest(self.public);
        keyfile::to_hex(digest.get(..8).unwrap_or_default())
    }

    /// The compressed ristretto255 public key k·G, which VOPRF clients verify proofs against
    /// (a base-mode key has one too, but clients cannot check it).
    pub fn public_key(&self) -> [u8; ELEMENT_LEN] {
        self.public
    }

    /// The full evaluation F(k, input) of RFC 9497 in the key's mode (server-side
    /// `Evaluate`): equal to what a client obtains through the oblivious protocol.
    pub fn evaluate(&self, prf_input: &[u8]) -> Result<[u8; OUTPUT_LEN], PrfError> {
        if prf_input.len() > MAX_INPUT_LEN {
            return Err(PrfError::InputTooLong {
                len: prf_input.len(),
            });
        }
        let output = match &self.server {
            Server::Voprf(server) => server.evaluate(prf_input),
            Server::Oprf(server) => server.evaluate(prf_input),
        }
        .map_err(PrfError::Voprf)?;
        let mut out = [0u8; OUTPUT_LEN];
        for (dst, src) in out.iter_mut().zip(output.iter()) {
            *dst = *src;
        }
        Ok(out)
    }

    /// A 32-byte secret for `purpose` (a label such as `b"budget-address-names"`), derived
    /// from the secret scalar with HKDF-SHA512, for keyed hashes the server alone may compute.
    ///
    /// Never use [`evaluate`](ServerKey::evaluate) of a fixed label for this: an oblivious
    /// evaluation gives any client F(k, x) for any x it chooses, so F(k, label) is public.
    pub fn derive_secret(&self, purpose: &[u8]) -> Zeroizing<[u8; 32]> {
        let secret = self.secret_bytes();
        let hkdf = hkdf::Hkdf::<sha2::Sha512>::new(Some(b"lekradar:v1:server-secret"), &*secret);
        let mut out = Zeroizing::new([0u8; 32]);
        // 32 bytes is far below HKDF-SHA512's limit (255 × 64): expand cannot fail.
        let _ = hkdf.expand(purpose, &mut *out);
        out
    }

    /// The index tag: the first [`TAG_LEN`] bytes of [`evaluate`](ServerKey::evaluate).
    pub fn tag(&self, prf_input: &[u8]) -> Result<[u8; TAG_LEN], PrfError> {
        let output = self.evaluate(prf_input)?;
        let mut tag = [0u8; TAG_LEN];
        for (dst, src) in tag.iter_mut().zip(output) {
            *dst = src;
        }
        Ok(tag)
    }

    /// The server step of the oblivious check: evaluates a client's 32-byte blinded element
    /// with the secret key and, in VOPRF mode, proves (DLEQ, RFC 9497 §2.2) that the same key
    /// as [`public_key`](ServerKey::public_key) was used.
    ///
    /// Returns `(evaluated element (32 bytes), proof (64 bytes; empty in base mode))`.
    /// Malformed input gives an error, never a panic.
    pub fn blind_evaluate(&self, blinded_element: &[u8]) -> Result<(Vec<u8>, Vec<u8>), PrfError> {
        let mut rng = PrefetchedRng::new()?;
        self.blind_evaluate_with_rng(blinded_element, &mut rng)
    }

    /// [`blind_evaluate`](ServerKey::blind_evaluate) with a caller-supplied RNG for the
    /// proof nonce (test vectors only: a predictable nonce reveals the secret key).
    #[doc(hidden)]
    pub fn blind_evaluate_with_rng<R: RngCore + CryptoRng>(
        &self,
        blinded_element: &[u8],
        rng: &mut R,
    ) -> Result<(Vec<u8>, Vec<u8>), PrfError> {
        if blinded_element.len() != ELEMENT_LEN {
            return Err(PrfError::BlindedElementLength {
                len: blinded_element.len(),
            });
        }
        let blinded = BlindedElement::<Suite>::deserialize(blinded_element)
            .map_err(|_| PrfError::InvalidBlindedElement)?;
        let server = match &self.server {
            Server::Voprf(server) => server,
            Server::Oprf(server) => {
                let evaluated = server.blind_evaluate(&blinded).serialize().to_vec();
                return Ok((evaluated, Vec::new()));
            }
        };
        // The batch API reports errors instead of unwrapping internally.
        let prepared: Vec<_> = server
            .batch_blind_evaluate_prepare(std::iter::once(&blinded))
            .collect();
        let finished = server
            .batch_blind_evaluate_finish(rng, std::iter::once(&blinded), &prepared)
            .map_err(PrfError::Voprf)?;
        let proof = finished.proof.serialize().to_vec();
        let mut messages = finished.messages;
        let evaluated = messages
            .next()
            .ok_or(PrfError::Voprf(voprf::Error::Batch))?
            .serialize()
            .to_vec();
        Ok((evaluated, proof))
    }
}

/// RNG for the DLEQ proof nonce: 64 bytes fetched from the OS up front (so an OS RNG failure
/// is an error, not a panic) and zeroized after use. `Scalar::random` consumes exactly one
/// 64-byte fill; a further request (only if that scalar was zero, probability 2⁻²⁵²) falls
/// back to `OsRng` directly.
struct PrefetchedRng {
    bytes: Zeroizing<[u8; 64]>,
    used: bool,
}

impl PrefetchedRng {
    fn new() -> Result<PrefetchedRng, PrfError> {
        let mut bytes = Zeroizing::new([0u8; 64]);
        OsRng
            .try_fill_bytes(&mut *bytes)
            .map_err(|e| PrfError::Rng(e.to_string()))?;
        Ok(PrefetchedRng { bytes, used: false })
    }
}

impl RngCore for PrefetchedRng {
    fn next_u32(&mut self) -> u32 {
        let mut b = [0u8; 4];
        self.fill_bytes(&mut b);
        u32::from_le_bytes(b)
    }

    fn next_u64(&mut self) -> u64 {
        let mut b = [0u8; 8];
        self.fill_bytes(&mut b);
        u64::from_le_bytes(b)
    }

    fn fill_bytes(&mut self, dest: &mut [u8]) {
        match self.bytes.get(..dest.len()) {
            Some(src) if !self.used => {
                dest.copy_from_slice(src);
                self.used = true;
                self.bytes.zeroize();
            }
            _ => OsRng.fill_bytes(dest),
        }
    }

    fn try_fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), rand::Error> {
        match self.bytes.get(..dest.len()) {
            Some(src) if !self.used => {
                dest.copy_from_slice(src);
                self.used = true;
                self.bytes.zeroize();
                Ok(())
            }
            _ => OsRng.try_fill_bytes(dest),
        }
    }
}

impl CryptoRng for PrefetchedRng {}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_send_sync<T: Send + Sync>() {}

    #[test]
    fn server_key_is_send_sync() {
        assert_send_sync::<ServerKey>();
    }

    #[test]
    fn secret_roundtrip() {
        let k = ServerKey::generate();
        let k2 = ServerKey::from_secret_bytes(&*k.secret_bytes()).unwrap();
        assert_eq!(k.public_key(), k2.public_key());
        assert_eq!(k.key_id().len(), 16);
    }

    #[test]
    fn derived_secrets_depend_on_key_and_purpose_and_are_not_evaluations() {
        let k = ServerKey::generate();
        let a = k.derive_secret(b"budget-address-names");
        assert_eq!(*a, *k.derive_secret(b"budget-address-names"));
        assert_ne!(*a, *k.derive_secret(b"another purpose"));
        assert_ne!(
            *a,
            *ServerKey::generate().derive_secret(b"budget-address-names")
        );
        let evaluated = k.evaluate(b"budget-address-names").unwrap();
        assert_ne!(a[..], evaluated[..32]);
        assert_ne!(a[..], Sha256::digest(evaluated)[..]);
    }

    #[test]
    fn prefetched_rng_serves_once_then_os() {
        let mut rng = PrefetchedRng::new().unwrap();
        let mut a = [0u8; 64];
        rng.fill_bytes(&mut a);
        assert!(rng.bytes.iter().all(|&b| b == 0));
        let mut b = [0u8; 64];
        rng.fill_bytes(&mut b);
        assert_ne!(a, b);
    }
}
