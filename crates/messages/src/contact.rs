//! The contact key (`mail.key`): the one secret that seals what Lekradar
//! must keep to reach a person — their email address or phone number, in a
//! subscription row or a queued message — and that makes the tokens and
//! message ids derived from them unforgeable.
//!
//! It lives only in its key file (0600, created once, never overwritten),
//! never in the database: a copy of the database alone reads no contact.
//! Losing the file makes every sealed contact unreadable (subscriptions
//! must then be made again); it is not the OPRF key, so it can be rotated
//! without re-keying the index.
//!
//! File format (text, four lines):
//!
//! ```text
//! lekradar-contact-key v1
//! secret <64 lowercase hex: 32 random bytes>
//! check <16 hex: the first 8 bytes of SHA-256("lekradar-contact-key" || secret)>
//! ```

use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use hmac::{Hmac, Mac};
use rand::rngs::OsRng;
use rand::RngCore;
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

const HEADER: &str = "lekradar-contact-key v1";
const NONCE_LEN: usize = 24;
const READ_LIMIT: u64 = 1024;

/// Why the contact key could not be read or made.
#[derive(Debug, thiserror::Error)]
pub enum ContactKeyError {
    #[error("contact key file {path}: {source}")]
    Io { path: PathBuf, source: io::Error },
    #[error("contact key file {path} is readable by others (mode {mode:o}); `chmod 600` it")]
    Permissions { path: PathBuf, mode: u32 },
    #[error("contact key file {path} is not a Lekradar contact key ({reason})")]
    Malformed { path: PathBuf, reason: &'static str },
}

/// A sealed value could not be opened: made with another contact key, or
/// altered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("sealed data does not open with this contact key (another key, or altered)")]
pub struct OpenError;

/// The contact key. Its `Debug` output names nothing secret.
#[derive(Clone)]
pub struct ContactKey {
    seal: Zeroizing<[u8; 32]>,
    mac: Zeroizing<[u8; 32]>,
    id: String,
}

impl std::fmt::Debug for ContactKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ContactKey").field("id", &self.id).finish()
    }
}

type HmacSha256 = Hmac<Sha256>;

fn hmac(key: &[u8], parts: &[&[u8]]) -> [u8; 32] {
    let mut mac = <HmacSha256 as Mac>::new_from_slice(key).unwrap_or_else(|_| unreachable!());
    for part in parts {
        // Length-prefixed, so that ("ab","c") and ("a","bc") differ.
        mac.update(&(part.len() as u64).to_be_bytes());
        mac.update(part);
    }
    mac.finalize().into_bytes().into()
}

fn check_value(secret: &[u8; 32]) -> String {
    let digest = Sha256::new()
        .chain_update(b"lekradar-contact-key")
        .chain_update(secret)
        .finalize();
    hex(&digest[..8])
}

/// Lowercase hex.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex32(s: &str) -> Option<[u8; 32]> {
    if s.len() != 64 {
        return None;
    }
    let mut out = [0u8; 32];
    for (i, o) in out.iter_mut().enumerate() {
        *o = u8::from_str_radix(s.get(2 * i..2 * i + 2)?, 16).ok()?;
    }
    Some(out)
}

impl ContactKey {
    /// A key from its 32 secret bytes.
    pub fn from_secret(secret: &[u8; 32]) -> ContactKey {
        let seal = Zeroizing::new(hmac(secret, &[b"lekradar:v1:contact-seal"]));
        let mac = Zeroizing::new(hmac(secret, &[b"lekradar:v1:contact-mac"]));
        let id = hex(&hmac(secret, &[b"lekradar:v1:contact-key-id"])[..4]);
        ContactKey { seal, mac, id }
    }

    /// A fresh random key (tests; files are made with [`ContactKey::load_or_create`]).
    pub fn generate() -> ContactKey {
        let mut secret = Zeroizing::new([0u8; 32]);
        OsRng.fill_bytes(&mut secret[..]);
        ContactKey::from_secret(&secret)
    }

    /// A short public name of the key (8 hex digits), for logs and `--check`.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// Reads the key file at `path`, creating it (0600, atomically, never
    /// replacing a file) when it does not exist.
    pub fn load_or_create(path: &Path) -> Result<ContactKey, ContactKeyError> {
        match ContactKey::load(path) {
            Err(ContactKeyError::Io { source, .. }) if source.kind() == io::ErrorKind::NotFound => {
                ContactKey::create(path)
            }
            other => other,
        }
    }

    /// Creates a new key file at `path`; when one exists already (made
    /// meanwhile by another process), loads it instead: a key is never
    /// replaced.
    pub fn create(path: &Path) -> Result<ContactKey, ContactKeyError> {
        let io_err = |source| ContactKeyError::Io {
            path: path.to_owned(),
            source,
        };
        let mut secret = Zeroizing::new([0u8; 32]);
        OsRng.fill_bytes(&mut secret[..]);
        let text = Zeroizing::new(format!(
            "{HEADER}\nsecret {}\ncheck {}\n",
            hex(&secret[..]),
            check_value(&secret)
        ));
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            fs::create_dir_all(parent).map_err(io_err)?;
        }
        // Written under a temporary name, then linked to its name: another
        // process never reads half a key, and an existing key is never
        // replaced (link fails if the name exists).
        let tmp = path.with_extension(format!("tmp{}", std::process::id()));
        let result = (|| -> io::Result<()> {
            let mut f = OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(0o600)
                .open(&tmp)?;
            f.write_all(text.as_bytes())?;
            f.sync_all()?;
            fs::hard_link(&tmp, path)?;
            if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
                File::open(parent)?.sync_all()?;
            }
            Ok(())
        })();
        let _ = fs::remove_file(&tmp);
        match result {
            Ok(()) => Ok(ContactKey::from_secret(&secret)),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => ContactKey::load(path),
            Err(e) => Err(io_err(e)),
        }
    }

    /// Reads the key file at `path`.
    pub fn load(path: &Path) -> Result<ContactKey, ContactKeyError> {
        let io_err = |source| ContactKeyError::Io {
            path: path.to_owned(),
            source,
        };
        let malformed = |reason| ContactKeyError::Malformed {
            path: path.to_owned(),
            reason,
        };
        let f = File::open(path).map_err(io_err)?;
        let mode = f.metadata().map_err(io_err)?.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            return Err(ContactKeyError::Permissions {
                path: path.to_owned(),
                mode,
            });
        }
        let mut text = Zeroizing::new(String::new());
        f.take(READ_LIMIT)
            .read_to_string(&mut text)
            .map_err(|_| malformed("not text"))?;
        let mut lines = text.lines();
        if lines.next() != Some(HEADER) {
            return Err(malformed("first line is not `lekradar-contact-key v1`"));
        }
        let secret = lines
            .next()
            .and_then(|l| l.strip_prefix("secret "))
            .and_then(unhex32)
            .map(Zeroizing::new)
            .ok_or_else(|| malformed("no `secret` line of 64 hex digits"))?;
        let check = lines
            .next()
            .and_then(|l| l.strip_prefix("check "))
            .ok_or_else(|| malformed("no `check` line"))?;
        if check != check_value(&secret) {
            return Err(malformed("the check value does not match the secret"));
        }
        if lines.next().is_some() {
            return Err(malformed("extra lines"));
        }
        Ok(ContactKey::from_secret(&secret))
    }

    /// Seals `plaintext` (XChaCha20-Poly1305 with a random nonce), bound to
    /// `purpose`: it opens only with the same key and purpose.
    pub fn seal(&self, purpose: &[u8], plaintext: &[u8]) -> Vec<u8> {
        let cipher = XChaCha20Poly1305::new((&*self.seal).into());
        let mut nonce = [0u8; NONCE_LEN];
        OsRng.fill_bytes(&mut nonce);
        let sealed = cipher
            .encrypt(
                &XNonce::from(nonce),
                Payload {
                    msg: plaintext,
                    aad: purpose,
                },
            )
            .unwrap_or_else(|_| unreachable!("encryption of a slice in memory cannot fail"));
        let mut out = Vec::with_capacity(NONCE_LEN + sealed.len());
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&sealed);
        out
    }

    /// Opens what [`ContactKey::seal`] sealed for `purpose`.
    pub fn open(&self, purpose: &[u8], sealed: &[u8]) -> Result<Zeroizing<Vec<u8>>, OpenError> {
        if sealed.len() < NONCE_LEN {
            return Err(OpenError);
        }
        let (nonce, body) = sealed.split_at(NONCE_LEN);
        let nonce: [u8; NONCE_LEN] = nonce.try_into().map_err(|_| OpenError)?;
        XChaCha20Poly1305::new((&*self.seal).into())
            .decrypt(
                &XNonce::from(nonce),
                Payload {
                    msg: body,
                    aad: purpose,
                },
            )
            .map(Zeroizing::new)
            .map_err(|_| OpenError)
    }

    /// A keyed hash of `parts` for `purpose` (HMAC-SHA256): message ids,
    /// unsubscribe tokens, SMS codes' check values.
    pub fn mac(&self, purpose: &[u8], parts: &[&[u8]]) -> [u8; 32] {
        let mut all: Vec<&[u8]> = Vec::with_capacity(parts.len() + 1);
        all.push(purpose);
        all.extend_from_slice(parts);
        hmac(&*self.mac, &all)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seals_and_opens_only_with_the_same_key_and_purpose() {
        let key = ContactKey::generate();
        let sealed = key.seal(b"mail", b"someone@example.org");
        assert!(!sealed.windows(b"someone".len()).any(|w| w == b"someone"));
        assert_eq!(
            &key.open(b"mail", &sealed).unwrap()[..],
            b"someone@example.org"
        );
        assert_eq!(key.open(b"sms", &sealed), Err(OpenError));
        assert_eq!(
            ContactKey::generate().open(b"mail", &sealed),
            Err(OpenError)
        );
        let mut altered = sealed.clone();
        *altered.last_mut().unwrap() ^= 1;
        assert_eq!(key.open(b"mail", &altered), Err(OpenError));
        assert_eq!(key.open(b"mail", &sealed[..10]), Err(OpenError));
    }

    #[test]
    fn key_file_is_created_once_0600_and_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("mail.key");
        let a = ContactKey::load_or_create(&path).unwrap();
        let mode = fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        let b = ContactKey::load_or_create(&path).unwrap();
        assert_eq!(a.mac(b"x", &[b"y"]), b.mac(b"x", &[b"y"]));
        assert!(
            ContactKey::create(&path).is_ok(),
            "an existing key is loaded, not replaced"
        );
        assert_eq!(ContactKey::load(&path).unwrap().id(), a.id());
        fs::set_permissions(&path, fs::Permissions::from_mode(0o644)).unwrap();
        assert!(matches!(
            ContactKey::load(&path),
            Err(ContactKeyError::Permissions { .. })
        ));
        fs::set_permissions(&path, fs::Permissions::from_mode(0o600)).unwrap();
        let text = fs::read_to_string(&path)
            .unwrap()
            .replace("check ", "check 0");
        let bad = dir.path().join("bad.key");
        fs::write(&bad, text).unwrap();
        fs::set_permissions(&bad, fs::Permissions::from_mode(0o600)).unwrap();
        assert!(matches!(
            ContactKey::load(&bad),
            Err(ContactKeyError::Malformed { .. })
        ));
    }

    #[test]
    fn debug_names_no_secret() {
        let key = ContactKey::from_secret(&[7u8; 32]);
        let shown = format!("{key:?}");
        assert!(shown.contains(key.id()));
        assert!(!shown.contains(&hex(&[7u8; 32])));
    }
}
