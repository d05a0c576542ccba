//! The manifest: which breaches exist, their metadata file and their
//! segments. It is the single point of truth a reader starts from, replaced
//! only by an atomic rename (see [`crate::writer`]).
//!
//! Text format, one record per line, fields separated by one space:
//!
//! ```text
//! lekradar-manifest 3
//! generation <u64>
//! key <key id, hex>
//! breach <name> <active|retired> <meta file or ->
//! domains <breach name> <domain-counts file>
//! segment <breach name> <segment file> <entries>
//! end <CRC-32 of every byte before this line, 8 hex digits>
//! ```
//!
//! Version 2 added the `domains` line; a manifest without one is written as
//! version 1, so builds that predate it still read such an index. Version 3
//! added the `key` line: the id of the OPRF key the index was keyed with
//! (public: a hash of the public key), so that a data directory pointed at
//! another deployment's index is refused rather than finding nothing.

use std::path::Path;

use crate::error::{corrupt, IndexError, Result};

pub const MANIFEST_FILE: &str = "MANIFEST";
/// The newest manifest format this build writes and reads.
pub const MANIFEST_FORMAT_VERSION: u32 = 3;
/// The format of a manifest with domain counts and no key.
const DOMAINS_FORMAT_VERSION: u32 = 2;
/// The format of a manifest without domain counts.
const PLAIN_FORMAT_VERSION: u32 = 1;
const HEAD: &str = "lekradar-manifest";

/// One segment as the manifest lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SegmentRecord {
    pub file_name: String,
    pub entries: u64,
}

/// One breach as the manifest lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BreachRecord {
    pub name: String,
    pub retired: bool,
    pub meta_file: Option<String>,
    /// Distinct addresses per keyed domain (see [`crate::DomainCounts`]).
    pub domains_file: Option<String>,
    pub segments: Vec<SegmentRecord>,
}

/// A parsed manifest.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Manifest {
    pub generation: u64,
    /// The id of the key the index was keyed with (none before version 3).
    pub key_id: Option<String>,
    /// Sorted by name.
    pub breaches: Vec<BreachRecord>,
}

/// Checks a breach name: 1–64 of `[A-Za-z0-9_.-]`, starting alphanumeric.
pub fn validate_breach_name(name: &str) -> Result<()> {
    let ok = !name.is_empty()
        && name.len() <= 64
        && name.starts_with(|c: char| c.is_ascii_alphanumeric())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if ok {
        Ok(())
    } else {
        Err(IndexError::InvalidBreachName {
            name: name.to_owned(),
        })
    }
}

/// True for the names this crate gives its files: `<prefix><32 hex>.<ext>`.
pub(crate) fn is_managed_name(name: &str, prefix: &str, ext: &str) -> bool {
    name.strip_prefix(prefix)
        .and_then(|rest| rest.strip_suffix(ext))
        .is_some_and(|hex| hex.len() == 32 && hex.bytes().all(|b| b.is_ascii_hexdigit()))
}

impl Manifest {
    pub fn breach(&self, name: &str) -> Option<&BreachRecord> {
        self.breaches.iter().find(|b| b.name == name)
    }

    /// The breach whose name equals `name` ignoring ASCII case, if any (names
    /// are ASCII; two breaches never share a name in this sense).
    pub fn breach_ignoring_case(&self, name: &str) -> Option<&BreachRecord> {
        self.breaches
            .iter()
            .find(|b| b.name.eq_ignore_ascii_case(name))
    }

    /// Every file the manifest refers to.
    pub fn files(&self) -> impl Iterator<Item = &str> {
        self.breaches.iter().flat_map(|b| {
            b.meta_file
                .as_deref()
                .into_iter()
                .chain(b.domains_file.as_deref())
                .chain(b.segments.iter().map(|s| s.file_name.as_str()))
        })
    }

    pub fn encode(&self) -> String {
        let version = if self.key_id.is_some() {
            MANIFEST_FORMAT_VERSION
        } else if self.breaches.iter().any(|b| b.domains_file.is_some()) {
            DOMAINS_FORMAT_VERSION
        } else {
            PLAIN_FORMAT_VERSION
        };
        let mut out = format!("{HEAD} {version}\ngeneration {}\n", self.generation);
        if let Some(id) = &self.key_id {
            out.push_str(&format!("key {id}\n"));
        }
        for b in &self.breaches {
            let state = if b.retired { "retired" } else { "active" };
            let meta = b.meta_file.as_deref().unwrap_or("-");
            out.push_str(&format!("breach {} {state} {meta}\n", b.name));
        }
        for b in &self.breaches {
            if let Some(file) = &b.domains_file {
                out.push_str(&format!("domains {} {file}\n", b.name));
            }
        }
        for b in &self.breaches {
            for s in &b.segments {
                out.push_str(&format!(
                    "segment {} {} {}\n",
                    b.name, s.file_name, s.entries
                ));
            }
        }
        let crc = crc32fast::hash(out.as_bytes());
        out.push_str(&format!("end {crc:08x}\n"));
        out
    }

    pub fn decode(path: &Path, bytes: &[u8]) -> Result<Manifest> {
        let bad = |reason: String| corrupt(path, reason);
        let text = std::str::from_utf8(bytes).map_err(|_| bad("not UTF-8".into()))?;
        let end_at = text
            .rfind("end ")
            .filter(|&i| i == 0 || text.as_bytes()[i - 1] == b'\n')
            .ok_or_else(|| bad("no end line (truncated?)".into()))?;
        let (body, end) = text.split_at(end_at);
        let crc = end
            .strip_prefix("end ")
            .and_then(|s| s.strip_suffix('\n'))
            .and_then(|s| u32::from_str_radix(s, 16).ok())
            .ok_or_else(|| bad("malformed end line".into()))?;
        if crc != crc32fast::hash(body.as_bytes()) {
            return Err(bad("checksum mismatch".into()));
        }

        let mut lines = body.lines().enumerate();
        let version = match lines.next().map(|(_, l)| l.split(' ').collect::<Vec<_>>()) {
            Some(f) if f.len() == 2 && f[0] == HEAD => f[1]
                .parse::<u32>()
                .map_err(|_| bad("malformed version".into()))?,
            _ => return Err(bad("not a lekradar manifest".into())),
        };
        if !(PLAIN_FORMAT_VERSION..=MANIFEST_FORMAT_VERSION).contains(&version) {
            return Err(IndexError::UnsupportedVersion {
                path: path.to_owned(),
                found: version,
                supported: MANIFEST_FORMAT_VERSION,
            });
        }
        let mut manifest = Manifest::default();
        let mut seen_generation = false;
        for (n, line) in lines {
            let line_no = n + 1;
            let f: Vec<&str> = line.split(' ').collect();
            let at = |what: &str| bad(format!("line {line_no}: {what}"));
            match f.as_slice() {
                ["generation", g] if !seen_generation => {
                    manifest.generation = g.parse().map_err(|_| at("bad generation"))?;
                    seen_generation = true;
                }
                ["key", id] if version >= 3 && manifest.key_id.is_none() => {
                    if id.is_empty() || id.len() > 64 || !id.bytes().all(|b| b.is_ascii_hexdigit())
                    {
                        return Err(at("bad key id"));
                    }
                    manifest.key_id = Some(id.to_string());
                }
                ["breach", name, state, meta] => {
                    validate_breach_name(name).map_err(|_| at("bad breach name"))?;
                    if manifest.breach(name).is_some() {
                        return Err(at("breach listed twice"));
                    }
                    let retired = match *state {
                        "active" => false,
                        "retired" => true,
                        _ => return Err(at("bad breach state")),
                    };
                    let meta_file = match *meta {
                        "-" => None,
                        m if is_managed_name(m, "meta-", ".lkm") => Some(m.to_string()),
                        _ => return Err(at("bad metadata file name")),
                    };
                    manifest.breaches.push(BreachRecord {
                        name: name.to_string(),
                        retired,
                        meta_file,
                        domains_file: None,
                        segments: Vec::new(),
                    });
                }
                ["domains", name, file] if version >= 2 => {
                    if !is_managed_name(file, "dom-", ".lkd") {
                        return Err(at("bad domain-counts file name"));
                    }
                    let breach = manifest
                        .breaches
                        .iter_mut()
                        .find(|b| b.name == *name)
                        .ok_or_else(|| at("domain counts of an unlisted breach"))?;
                    if breach.domains_file.replace(file.to_string()).is_some() {
                        return Err(at("domain counts listed twice"));
                    }
                }
                ["segment", name, file, entries] => {
                    if !is_managed_name(file, "seg-", ".lks") {
                        return Err(at("bad segment file name"));
                    }
                    let entries = entries.parse().map_err(|_| at("bad entry count"))?;
                    let breach = manifest
                        .breaches
                        .iter_mut()
                        .find(|b| b.name == *name)
                        .ok_or_else(|| at("segment of an unlisted breach"))?;
                    breach.segments.push(SegmentRecord {
                        file_name: file.to_string(),
                        entries,
                    });
                }
                _ => return Err(at("unexpected line")),
            }
        }
        if !seen_generation {
            return Err(bad("no generation line".into()));
        }
        manifest.breaches.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(manifest)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Manifest {
        Manifest {
            generation: 7,
            key_id: Some("00ff12ab34cd56ef".into()),
            breaches: vec![
                BreachRecord {
                    name: "Alpha".into(),
                    retired: false,
                    meta_file: Some(format!("meta-{:032x}.lkm", 1)),
                    domains_file: Some(format!("dom-{:032x}.lkd", 4)),
                    segments: vec![
                        SegmentRecord {
                            file_name: format!("seg-{:032x}.lks", 2),
                            entries: 10,
                        },
                        SegmentRecord {
                            file_name: format!("seg-{:032x}.lks", 3),
                            entries: 0,
                        },
                    ],
                },
                BreachRecord {
                    name: "beta.2".into(),
                    retired: true,
                    meta_file: None,
                    domains_file: None,
                    segments: vec![],
                },
            ],
        }
    }

    #[test]
    fn round_trip() {
        let m = sample();
        let p = Path::new("MANIFEST");
        assert_eq!(Manifest::decode(p, m.encode().as_bytes()).unwrap(), m);
    }

    #[test]
    fn without_domain_counts_it_is_written_as_version_1() {
        let mut m = sample();
        assert!(m.encode().starts_with("lekradar-manifest 3\n"));
        assert!(m.encode().contains("\nkey 00ff12ab34cd56ef\n"));
        m.key_id = None;
        assert!(m.encode().starts_with("lekradar-manifest 2\n"));
        m.breaches[0].domains_file = None;
        let text = m.encode();
        assert!(text.starts_with("lekradar-manifest 1\n"), "{text}");
        assert_eq!(
            Manifest::decode(Path::new("MANIFEST"), text.as_bytes()).unwrap(),
            m
        );
    }

    #[test]
    fn every_truncation_and_flip_is_detected() {
        let text = sample().encode().into_bytes();
        let p = Path::new("MANIFEST");
        for len in 0..text.len() {
            assert!(Manifest::decode(p, &text[..len]).is_err(), "len {len}");
        }
        for i in 0..text.len() {
            let mut bad = text.clone();
            bad[i] ^= 0x01;
            assert!(Manifest::decode(p, &bad).is_err(), "flip at {i}");
        }
    }

    #[test]
    fn names_are_checked() {
        assert!(validate_breach_name("Odido-2026").is_ok());
        for bad in ["", "-x", "a b", "a/b", "ü", &"x".repeat(65)] {
            assert!(validate_breach_name(bad).is_err(), "{bad:?}");
        }
        assert!(!is_managed_name("seg-../../etc/passwd.lks", "seg-", ".lks"));
    }
}
