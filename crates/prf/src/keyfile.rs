//! The on-disk key file: its text format, strict self-checking parser, and the atomic,
//! no-overwrite, `0600` writer. The format is documented in the crate docs.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use rand::rngs::OsRng;
use rand::RngCore;
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use crate::{KeyError, OprfMode};

const HEADER: &str = "lekradar-oprf-key v1";
const HEADER_PREFIX: &str = "lekradar-oprf-key ";
/// The suite line of a key in `mode`.
fn suite_line(mode: OprfMode) -> &'static str {
    match mode {
        OprfMode::Voprf => "suite ristretto255-SHA512 voprf",
        OprfMode::Oprf => "suite ristretto255-SHA512 oprf",
    }
}
const CHECK_LEN: usize = 8;
/// Exact length of the longest valid key file (4 lines).
const FILE_LEN: usize = HEADER.len()
    + "suite ristretto255-SHA512 voprf".len()
    + "secret ".len()
    + 64
    + "check ".len()
    + 16
    + 4;
/// Anything this large is certainly not a key file; do not read further.
const READ_LIMIT: u64 = 4096;

/// First [`CHECK_LEN`] bytes of SHA-256(secret || public).
fn check_value(secret: &[u8; 32], public: &[u8; 32]) -> [u8; CHECK_LEN] {
    let digest: [u8; 32] = Sha256::new()
        .chain_update(secret)
        .chain_update(public)
        .finalize()
        .into();
    let mut out = [0u8; CHECK_LEN];
    for (o, d) in out.iter_mut().zip(digest) {
        *o = d;
    }
    out
}

fn push_hex(out: &mut String, bytes: &[u8]) {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    for &b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0x0f)]));
    }
}

/// Lowercase hex of `bytes`.
pub(crate) fn to_hex(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len() * 2);
    push_hex(&mut s, bytes);
    s
}

fn hex_digit(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        _ => None,
    }
}

/// Strict lowercase hex decode into exactly `N` bytes.
fn from_hex<const N: usize>(s: &str) -> Option<[u8; N]> {
    let bytes = s.as_bytes();
    if bytes.len() != 2 * N {
        return None;
    }
    let mut out = [0u8; N];
    for (o, pair) in out.iter_mut().zip(bytes.chunks_exact(2)) {
        let [hi, lo] = pair else { return None };
        *o = (hex_digit(*hi)? << 4) | hex_digit(*lo)?;
    }
    Some(out)
}

/// Serialize a key file. The returned buffer is zeroized on drop.
pub(crate) fn serialize(secret: &[u8; 32], public: &[u8; 32], mode: OprfMode) -> Zeroizing<String> {
    let mut s = Zeroizing::new(String::with_capacity(FILE_LEN));
    s.push_str(HEADER);
    s.push('\n');
    s.push_str(suite_line(mode));
    s.push_str("\nsecret ");
    push_hex(&mut s, secret);
    s.push_str("\ncheck ");
    push_hex(&mut s, &check_value(secret, public));
    s.push('\n');
    s
}

/// Parse a key file's bytes. `to_public` maps a secret to its public key, or `None` if the
/// secret is not a valid scalar. Returns the secret and the key's mode, or the reason the
/// file is corrupt.
pub(crate) fn parse(
    bytes: &[u8],
    to_public: impl Fn(&[u8; 32]) -> Option<[u8; 32]>,
) -> Result<(Zeroizing<[u8; 32]>, OprfMode), String> {
    if bytes.is_empty() {
        return Err("the file is empty".into());
    }
    let text = std::str::from_utf8(bytes).map_err(|_| "the file is not text".to_string())?;
    let mut lines = text.split('\n');
    match lines.next() {
        Some(HEADER) => {}
        Some(l) if l.starts_with(HEADER_PREFIX) && l.len() < 64 => {
            let version = l.strip_prefix(HEADER_PREFIX).unwrap_or(l);
            return Err(format!("unsupported key file version {version:?}"));
        }
        _ => return Err(format!("the first line is not `{HEADER}`")),
    }
    let mode = match lines.next() {
        Some(l) if l == suite_line(OprfMode::Voprf) => OprfMode::Voprf,
        Some(l) if l == suite_line(OprfMode::Oprf) => OprfMode::Oprf,
        _ => {
            return Err(format!(
                "the second line is not `{}` or `{}`",
                suite_line(OprfMode::Voprf),
                suite_line(OprfMode::Oprf)
            ))
        }
    };
    let secret_hex = lines
        .next()
        .and_then(|l| l.strip_prefix("secret "))
        .ok_or_else(|| "the `secret` line is missing".to_string())?;
    let secret = Zeroizing::new(
        from_hex::<32>(secret_hex)
            .ok_or_else(|| "the `secret` line is not 64 lowercase hex digits".to_string())?,
    );
    let check_line = lines
        .next()
        .ok_or_else(|| "the `check` line is missing (file truncated)".to_string())?;
    let check = check_line
        .strip_prefix("check ")
        .and_then(from_hex::<CHECK_LEN>)
        .ok_or_else(|| "the `check` line is not `check` and 16 lowercase hex digits".to_string())?;
    match (lines.next(), lines.next()) {
        (Some(""), None) => {}
        (None, _) => return Err("the last line is not terminated (file truncated)".into()),
        _ => return Err("unexpected data after the `check` line".into()),
    }
    let public = to_public(&secret)
        .ok_or_else(|| "the secret is not a valid ristretto255 scalar".to_string())?;
    if check_value(&secret, &public) != check {
        return Err("the check value does not match the secret".into());
    }
    // Belt and braces: the file must be exactly what we would have written.
    if serialize(&secret, &public, mode).as_bytes() != bytes {
        return Err("the file is not in canonical form".into());
    }
    Ok((secret, mode))
}

fn io_err(path: &Path) -> impl FnOnce(io::Error) -> KeyError + '_ {
    move |source| KeyError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Read and validate a key file; returns the secret scalar bytes and the mode.
pub(crate) fn read(
    path: &Path,
    to_public: impl Fn(&[u8; 32]) -> Option<[u8; 32]>,
) -> Result<(Zeroizing<[u8; 32]>, OprfMode), KeyError> {
    let file = match File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            return Err(KeyError::Missing {
                path: path.to_path_buf(),
            })
        }
        Err(e) => return Err(io_err(path)(e)),
    };
    let meta = file.metadata().map_err(io_err(path))?;
    if !meta.is_file() {
        return Err(KeyError::Corrupt {
            path: path.to_path_buf(),
            reason: "it is not a regular file".into(),
        });
    }
    let mode = meta.permissions().mode() & 0o7777;
    if mode & 0o077 != 0 {
        return Err(KeyError::Permissions {
            path: path.to_path_buf(),
            mode,
        });
    }
    let mut bytes = Zeroizing::new(Vec::with_capacity(FILE_LEN + 1));
    file.take(READ_LIMIT)
        .read_to_end(&mut bytes)
        .map_err(io_err(path))?;
    parse(&bytes, to_public).map_err(|reason| KeyError::Corrupt {
        path: path.to_path_buf(),
        reason,
    })
}

fn exists_err(path: &Path) -> KeyError {
    KeyError::Exists {
        path: path.to_path_buf(),
    }
}

/// Write `contents` to `path` atomically, with mode 0600, refusing to replace an existing
/// file; fsyncs the file and its directory.
pub(crate) fn write_new(path: &Path, contents: &[u8]) -> Result<(), KeyError> {
    match fs::symlink_metadata(path) {
        Ok(_) => return Err(exists_err(path)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
        Err(e) => return Err(io_err(path)(e)),
    }
    let file_name = path.file_name().ok_or_else(|| {
        io_err(path)(io::Error::new(
            io::ErrorKind::InvalidInput,
            "the key file path has no file name",
        ))
    })?;
    let dir: PathBuf = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let mut tmp_name = std::ffi::OsString::from(".");
    tmp_name.push(file_name);
    tmp_name.push(format!(
        ".tmp-{}-{:016x}",
        std::process::id(),
        random_suffix()
    ));
    let tmp = dir.join(tmp_name);

    let result = write_tmp_and_link(&tmp, path, contents);
    // The temporary name is only scaffolding: always remove it (harmless if absent).
    let _ = fs::remove_file(&tmp);
    result?;
    File::open(&dir)
        .and_then(|d| d.sync_all())
        .map_err(io_err(&dir))
}

fn write_tmp_and_link(tmp: &Path, path: &Path, contents: &[u8]) -> Result<(), KeyError> {
    let mut file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(tmp)
        .map_err(io_err(path))?;
    // The umask can only clear bits; make sure the mode is exactly 0600.
    file.set_permissions(fs::Permissions::from_mode(0o600))
        .map_err(io_err(path))?;
    file.write_all(contents).map_err(io_err(path))?;
    file.sync_all().map_err(io_err(path))?;
    drop(file);
    match fs::hard_link(tmp, path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Err(exists_err(path)),
        Err(e) => Err(io_err(path)(e)),
    }
}

/// Best-effort random suffix for the temporary file name (0 if the RNG fails: the pid still
/// makes the name unique enough, and `create_new` catches any collision).
fn random_suffix() -> u64 {
    let mut b = [0u8; 8];
    match OsRng.try_fill_bytes(&mut b) {
        Ok(()) => u64::from_le_bytes(b),
        Err(_) => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_roundtrip() {
        let b = [0x00, 0x01, 0xab, 0xff];
        assert_eq!(to_hex(&b), "0001abff");
        assert_eq!(from_hex::<4>("0001abff"), Some(b));
        assert_eq!(from_hex::<4>("0001ABFF"), None);
        assert_eq!(from_hex::<4>("0001abf"), None);
        assert_eq!(from_hex::<4>("0001abfg"), None);
    }

    #[test]
    fn file_len_constant() {
        assert_eq!(
            serialize(&[1; 32], &[2; 32], OprfMode::Voprf).len(),
            FILE_LEN
        );
        assert_eq!(
            serialize(&[1; 32], &[2; 32], OprfMode::Oprf).len(),
            FILE_LEN - 1
        );
    }
}
