//! Containers of many dumps: directories (walked in name order), ZIP
//! archives (also password-protected: ZipCrypto and AES) and tar archives
//! (plain or compressed with gzip, zstd, bzip2 or xz). Every regular file
//! inside is its own member with its own fingerprint, detection and report.
//!
//! An archive is read twice, like a plain file: once to fingerprint its
//! members (so members ingested before are skipped), once to read them. The
//! second pass streams members from a thread through a bounded channel, so
//! a member is read as any other stream and nothing is extracted to disk.

use std::fs::File;
use std::io::{self, BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::sync::{Arc, Mutex};

use sha2::{Digest, Sha256};

use crate::source::{open, SourceError};

/// Chunks of a member in flight between the archive thread and the reader.
const CHUNKS_AHEAD: usize = 16;
const CHUNK: usize = 64 * 1024;

/// What a path holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Container {
    /// One dump (possibly compressed, possibly a spreadsheet).
    Plain,
    Zip,
    Tar,
}

impl Container {
    pub fn as_str(&self) -> &'static str {
        match self {
            Container::Plain => "file",
            Container::Zip => "zip archive",
            Container::Tar => "tar archive",
        }
    }
}

fn io_at(path: &Path) -> impl FnOnce(io::Error) -> SourceError + '_ {
    move |source| SourceError::Io {
        path: path.to_owned(),
        source,
    }
}

/// Every file under `paths`: directories walked recursively in name order
/// (hidden entries skipped), files as given.
pub fn expand(paths: &[PathBuf]) -> Result<Vec<PathBuf>, SourceError> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>, depth: usize) -> Result<(), SourceError> {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
            .map_err(io_at(dir))?
            .map(|e| e.map(|e| e.path()))
            .collect::<Result<_, _>>()
            .map_err(io_at(dir))?;
        entries.sort();
        for path in entries {
            let hidden = path
                .file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with('.'));
            if hidden {
                continue;
            }
            if path.is_dir() {
                if depth < 32 {
                    walk(&path, out, depth + 1)?;
                }
            } else if path.is_file() {
                out.push(path);
            }
        }
        Ok(())
    }
    let mut out = Vec::new();
    for path in paths {
        if path.is_dir() {
            let before = out.len();
            walk(path, &mut out, 0)?;
            if out.len() == before {
                return Err(SourceError::NotADump {
                    path: path.clone(),
                    reason: "the directory holds no files".into(),
                });
            }
        } else {
            out.push(path.clone());
        }
    }
    Ok(out)
}

/// Whether `head` (decompressed) starts a tar archive.
pub fn is_tar(head: &[u8]) -> bool {
    head.len() >= 262 && &head[257..262] == b"ustar"
}

/// Whether `head` (raw) starts a ZIP archive.
pub fn is_zip(head: &[u8]) -> bool {
    head.starts_with(b"PK\x03\x04") || head.starts_with(b"PK\x05\x06")
}

/// What `path` is: a ZIP that is not a spreadsheet, a (compressed) tar, or
/// one dump.
pub fn container_of(path: &Path) -> Result<Container, SourceError> {
    let mut head = Vec::new();
    File::open(path)
        .map_err(io_at(path))?
        .take(64 * 1024)
        .read_to_end(&mut head)
        .map_err(io_at(path))?;
    if is_zip(&head) {
        return Ok(if crate::formats::is_spreadsheet(&head) {
            Container::Plain
        } else {
            Container::Zip
        });
    }
    let mut decompressed = Vec::new();
    // A broken compressed stream is reported when the file is read.
    let _ = open(path)?.reader.take(512).read_to_end(&mut decompressed);
    Ok(if is_tar(&decompressed) {
        Container::Tar
    } else {
        Container::Plain
    })
}

/// One file inside an archive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    pub name: String,
    pub size: u64,
    pub fingerprint: String,
}

fn archive_error(path: &Path, what: impl std::fmt::Display) -> SourceError {
    SourceError::NotADump {
        path: path.to_owned(),
        reason: format!("a broken archive: {what}"),
    }
}

/// Called with a member's name, its size and a reader of its bytes.
type EachMember<'a> = &'a mut dyn FnMut(&str, u64, &mut dyn Read) -> Result<(), SourceError>;

/// Calls `each` with every regular file of the archive and a reader of its
/// (still compressed, if it is) bytes.
fn walk(
    path: &Path,
    container: Container,
    password: Option<&[u8]>,
    each: EachMember<'_>,
) -> Result<(), SourceError> {
    match container {
        Container::Plain => Ok(()),
        Container::Zip => {
            let file = File::open(path).map_err(io_at(path))?;
            let mut archive =
                zip::ZipArchive::new(BufReader::new(file)).map_err(|e| archive_error(path, e))?;
            for i in 0..archive.len() {
                let entry = match password {
                    Some(p) => archive.by_index_decrypt(i, p),
                    None => archive.by_index(i),
                };
                let mut entry = entry.map_err(|e| match e {
                    zip::result::ZipError::InvalidPassword => SourceError::NotADump {
                        path: path.to_owned(),
                        reason: "the zip password is wrong (--password-file)".into(),
                    },
                    zip::result::ZipError::UnsupportedArchive(m)
                        if m == zip::result::ZipError::PASSWORD_REQUIRED =>
                    {
                        SourceError::NotADump {
                            path: path.to_owned(),
                            reason: "the zip is password-protected: pass --password-file".into(),
                        }
                    }
                    e => archive_error(path, e),
                })?;
                if entry.is_dir() {
                    continue;
                }
                let name = entry.name().map(|n| n.into_owned()).unwrap_or_default();
                if name.rsplit('/').next().is_some_and(|n| n.starts_with('.'))
                    || name.starts_with("__MACOSX/")
                {
                    continue;
                }
                let size = entry.size();
                each(&name, size, &mut entry)?;
            }
            Ok(())
        }
        Container::Tar => {
            let source = open(path)?;
            let mut archive = tar::Archive::new(source.reader);
            for entry in archive.entries().map_err(|e| archive_error(path, e))? {
                let mut entry = entry.map_err(|e| archive_error(path, e))?;
                if !entry.header().entry_type().is_file() {
                    continue;
                }
                let name = entry
                    .path()
                    .map(|p| p.to_string_lossy().into_owned())
                    .unwrap_or_default();
                if name.rsplit('/').next().is_some_and(|n| n.starts_with('.')) {
                    continue;
                }
                let size = entry.size();
                each(&name, size, &mut entry)?;
            }
            Ok(())
        }
    }
}

/// The archive's members with their fingerprints (SHA-256 of their bytes).
pub fn members(
    path: &Path,
    container: Container,
    password: Option<&[u8]>,
) -> Result<Vec<Member>, SourceError> {
    let mut out = Vec::new();
    walk(path, container, password, &mut |name, size, reader| {
        let mut hasher = Sha256::new();
        let mut buf = vec![0u8; CHUNK];
        loop {
            let n = reader
                .read(&mut buf)
                .map_err(|e| archive_error(path, format_args!("{name}: {e}")))?;
            if n == 0 {
                break;
            }
            hasher.update(&buf[..n]);
        }
        out.push(Member {
            name: name.to_owned(),
            size,
            fingerprint: hasher
                .finalize()
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect(),
        });
        Ok(())
    })?;
    if out.is_empty() {
        return Err(SourceError::NotADump {
            path: path.to_owned(),
            reason: format!("the {} holds no files", container.as_str()),
        });
    }
    Ok(out)
}

enum Chunk {
    Start(String),
    Data(Vec<u8>),
    End,
}

/// The members of an archive, streamed from a thread in archive order.
pub struct MemberStream {
    rx: Arc<Mutex<Receiver<Chunk>>>,
    failed: Arc<Mutex<Option<SourceError>>>,
}

impl MemberStream {
    pub fn start(path: &Path, container: Container, password: Option<Vec<u8>>) -> MemberStream {
        let (tx, rx) = sync_channel::<Chunk>(CHUNKS_AHEAD);
        let failed = Arc::new(Mutex::new(None));
        let path = path.to_owned();
        let fail = Arc::clone(&failed);
        std::thread::spawn(move || {
            let result = walk(
                &path,
                container,
                password.as_deref(),
                &mut |name, _, reader| {
                    send(&tx, Chunk::Start(name.to_owned()))?;
                    loop {
                        let mut buf = vec![0u8; CHUNK];
                        let n = reader
                            .read(&mut buf)
                            .map_err(|e| archive_error(&path, format_args!("{name}: {e}")))?;
                        if n == 0 {
                            break;
                        }
                        buf.truncate(n);
                        send(&tx, Chunk::Data(buf))?;
                    }
                    send(&tx, Chunk::End)
                },
            );
            if let Err(e) = result {
                if !matches!(e, SourceError::NotADump { ref reason, .. } if reason == HUNG_UP) {
                    if let Ok(mut f) = fail.lock() {
                        *f = Some(e);
                    }
                }
            }
            // Dropping the sender ends the stream.
        });
        MemberStream {
            rx: Arc::new(Mutex::new(rx)),
            failed,
        }
    }

    /// The next member and a reader of its bytes; an archive broken at this
    /// point is an error.
    pub fn next_member(&mut self) -> Option<Result<(String, MemberReader), SourceError>> {
        loop {
            let chunk = self.rx.lock().ok()?.recv();
            match chunk {
                Ok(Chunk::Start(name)) => {
                    return Some(Ok((
                        name,
                        MemberReader {
                            rx: Arc::clone(&self.rx),
                            failed: Arc::clone(&self.failed),
                            buf: Vec::new(),
                            at: 0,
                            done: false,
                        },
                    )))
                }
                // The rest of a member the caller did not read to its end.
                Ok(Chunk::Data(_) | Chunk::End) => continue,
                Err(_) => return self.failed.lock().ok()?.take().map(Err),
            }
        }
    }
}

const HUNG_UP: &str = "the reader stopped";

fn send(tx: &SyncSender<Chunk>, chunk: Chunk) -> Result<(), SourceError> {
    tx.send(chunk).map_err(|_| SourceError::NotADump {
        path: PathBuf::new(),
        reason: HUNG_UP.into(),
    })
}

/// The bytes of one member as the archive thread reads them.
pub struct MemberReader {
    rx: Arc<Mutex<Receiver<Chunk>>>,
    failed: Arc<Mutex<Option<SourceError>>>,
    buf: Vec<u8>,
    at: usize,
    done: bool,
}

impl Read for MemberReader {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        while self.at == self.buf.len() {
            if self.done {
                return Ok(0);
            }
            let chunk = self
                .rx
                .lock()
                .map_err(|_| io::Error::other("archive reader poisoned"))?
                .recv();
            match chunk {
                Ok(Chunk::Data(d)) => {
                    self.buf = d;
                    self.at = 0;
                }
                Ok(Chunk::End) => self.done = true,
                Ok(Chunk::Start(_)) => {
                    return Err(io::Error::other("archive stream out of order"));
                }
                Err(_) => {
                    self.done = true;
                    let why = self
                        .failed
                        .lock()
                        .ok()
                        .and_then(|f| f.as_ref().map(|e| e.to_string()))
                        .unwrap_or_else(|| "the archive ended inside this file".into());
                    return Err(io::Error::other(why));
                }
            }
        }
        let n = out.len().min(self.buf.len() - self.at);
        out[..n].copy_from_slice(&self.buf[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn zip_of(files: &[(&str, &[u8])], password: Option<&str>) -> Vec<u8> {
        let mut zip = zip::ZipWriter::new(io::Cursor::new(Vec::new()));
        for (name, bytes) in files {
            let options = zip::write::SimpleFileOptions::default();
            let options = match password {
                Some(p) => options.with_aes_encryption(zip::AesMode::Aes256, p),
                None => options,
            };
            zip.start_file(*name, options).unwrap();
            zip.write_all(bytes).unwrap();
        }
        zip.finish().unwrap().into_inner()
    }

    fn read_all(
        path: &Path,
        container: Container,
        password: Option<&str>,
    ) -> Result<Vec<(String, Vec<u8>)>, String> {
        let mut stream =
            MemberStream::start(path, container, password.map(|p| p.as_bytes().to_vec()));
        let mut out = Vec::new();
        while let Some(m) = stream.next_member() {
            let (name, mut reader) = m.map_err(|e| e.to_string())?;
            let mut bytes = Vec::new();
            reader.read_to_end(&mut bytes).map_err(|e| e.to_string())?;
            out.push((name, bytes));
        }
        Ok(out)
    }

    #[test]
    fn zip_members_with_and_without_a_password() {
        let dir = tempfile::tempdir().unwrap();
        let big: Vec<u8> = (0..300_000u32)
            .flat_map(|i| format!("06{i:08}\n").into_bytes())
            .collect();
        let files: [(&str, &[u8]); 3] = [("a.csv", b"x\n1\n"), ("dir/", b""), ("b.txt", &big)];
        let plain = dir.path().join("plain.zip");
        std::fs::write(&plain, zip_of(&[files[0], files[2]], None)).unwrap();
        assert_eq!(container_of(&plain).unwrap(), Container::Zip);
        let got = read_all(&plain, Container::Zip, None).unwrap();
        assert_eq!(got.len(), 2);
        assert_eq!(got[1].1, big);
        let listed = members(&plain, Container::Zip, None).unwrap();
        assert_eq!(listed[0].name, "a.csv");
        assert_ne!(listed[0].fingerprint, listed[1].fingerprint);

        let locked = dir.path().join("locked.zip");
        std::fs::write(&locked, zip_of(&[files[0], files[2]], Some("geheim"))).unwrap();
        assert_eq!(
            read_all(&locked, Container::Zip, Some("geheim")).unwrap(),
            got
        );
        let wrong = read_all(&locked, Container::Zip, Some("fout")).unwrap_err();
        assert!(wrong.contains("password is wrong"), "{wrong}");
        let none = read_all(&locked, Container::Zip, None).unwrap_err();
        assert!(none.contains("--password-file"), "{none}");
        assert!(members(&locked, Container::Zip, Some(b"fout")).is_err());
    }

    #[test]
    fn tar_gz_members_and_a_truncated_archive() {
        let dir = tempfile::tempdir().unwrap();
        let mut tar = tar::Builder::new(Vec::new());
        let big: Vec<u8> = (0..200_000u32)
            .flat_map(|i| format!("06{i:08}\n").into_bytes())
            .collect();
        for (name, bytes) in [("one.csv", &b"gsm\n0612345678\n"[..]), ("two.txt", &big)] {
            let mut header = tar::Header::new_gnu();
            header.set_size(bytes.len() as u64);
            header.set_mode(0o644);
            header.set_cksum();
            tar.append_data(&mut header, name, bytes).unwrap();
        }
        let tar = tar.into_inner().unwrap();
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(&tar).unwrap();
        let gz = gz.finish().unwrap();
        let path = dir.path().join("dump.tar.gz");
        std::fs::write(&path, &gz).unwrap();
        assert_eq!(container_of(&path).unwrap(), Container::Tar);
        let got = read_all(&path, Container::Tar, None).unwrap();
        assert_eq!(
            got.iter().map(|m| m.0.as_str()).collect::<Vec<_>>(),
            ["one.csv", "two.txt"]
        );
        assert_eq!(got[1].1, big);

        let cut = dir.path().join("cut.tar.gz");
        std::fs::write(&cut, &gz[..gz.len() / 2]).unwrap();
        assert!(read_all(&cut, Container::Tar, None).is_err());
        assert!(members(&cut, Container::Tar, None).is_err());
    }

    #[test]
    fn directories_in_name_order_hidden_skipped() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("sub")).unwrap();
        for name in ["b.csv", "a.csv", ".hidden", "sub/c.csv"] {
            std::fs::write(dir.path().join(name), "x").unwrap();
        }
        let got = expand(&[dir.path().to_owned()]).unwrap();
        let names: Vec<_> = got
            .iter()
            .map(|p| {
                p.strip_prefix(dir.path())
                    .unwrap()
                    .to_string_lossy()
                    .into_owned()
            })
            .collect();
        assert_eq!(names, ["a.csv", "b.csv", "sub/c.csv"]);
        let empty = tempfile::tempdir().unwrap();
        assert!(expand(&[empty.path().to_owned()]).is_err());
    }
}
