//! Opening a dump: compression detected from magic bytes (gzip, zstd, or
//! none), a byte counter for progress, the content fingerprint, and per-line
//! text decoding (UTF-8, else Latin-1/Windows-1252).

use std::borrow::Cow;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use sha2::{Digest, Sha256};

/// Why a dump could not be read.
#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("{path} does not look like a dump ({reason}); give a CSV/TSV, JSON Lines or one-value-per-line file, optionally gzip or zstd compressed")]
    NotADump { path: PathBuf, reason: String },
}

fn io_at(path: &Path) -> impl FnOnce(io::Error) -> SourceError + '_ {
    move |source| SourceError::Io {
        path: path.to_owned(),
        source,
    }
}

/// How a file is compressed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compression {
    None,
    Gzip,
    Zstd,
}

impl Compression {
    fn detect(magic: &[u8]) -> Compression {
        if magic.starts_with(&[0x1f, 0x8b]) {
            Compression::Gzip
        } else if magic.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
            Compression::Zstd
        } else {
            Compression::None
        }
    }

    pub fn as_str(&self) -> &'static str {
        match self {
            Compression::None => "none",
            Compression::Gzip => "gzip",
            Compression::Zstd => "zstd",
        }
    }
}

/// Counts the compressed bytes read, for progress against the file size.
struct Counting<R> {
    inner: R,
    read: Arc<AtomicU64>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// An open dump: decompressed bytes, and how far into the file we are.
pub struct Source {
    pub reader: Box<dyn BufRead + Send>,
    pub compression: Compression,
    /// Size of the file on disk.
    pub file_len: u64,
    /// Bytes of the file (compressed) consumed so far.
    pub consumed: Arc<AtomicU64>,
}

/// Opens `path`, decompressing transparently.
pub fn open(path: &Path) -> Result<Source, SourceError> {
    let file = File::open(path).map_err(io_at(path))?;
    let file_len = file.metadata().map_err(io_at(path))?.len();
    Source::from_reader(file, file_len).map_err(io_at(path))
}

impl Source {
    /// A dump read from `raw` (a file's bytes, or bytes held in memory),
    /// `len` bytes long, decompressed transparently like [`open`] does.
    pub fn from_reader(mut raw: impl Read + Send + 'static, len: u64) -> io::Result<Source> {
        let mut magic = [0u8; 4];
        let mut got = 0;
        while got < magic.len() {
            match raw.read(&mut magic[got..])? {
                0 => break,
                n => got += n,
            }
        }
        let compression = Compression::detect(&magic[..got]);
        let consumed = Arc::new(AtomicU64::new(0));
        let raw = Counting {
            inner: io::Cursor::new(magic[..got].to_vec()).chain(raw),
            read: Arc::clone(&consumed),
        };
        let reader: Box<dyn BufRead + Send> = match compression {
            Compression::None => Box::new(BufReader::with_capacity(1 << 20, raw)),
            Compression::Gzip => Box::new(BufReader::with_capacity(
                1 << 20,
                flate2::read::MultiGzDecoder::new(BufReader::new(raw)),
            )),
            Compression::Zstd => Box::new(BufReader::with_capacity(
                1 << 20,
                zstd::stream::read::Decoder::with_buffer(BufReader::new(raw))?,
            )),
        };
        Ok(Source {
            reader,
            compression,
            file_len: len,
            consumed,
        })
    }
}

/// SHA-256 of the file's bytes, hex: the same file is recognised whatever
/// its name.
pub fn fingerprint(path: &Path) -> Result<String, SourceError> {
    let mut file = File::open(path).map_err(io_at(path))?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = file.read(&mut buf).map_err(io_at(path))?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok(hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect())
}

/// A line's text: UTF-8 when it is valid UTF-8, else read as Windows-1252
/// (a superset of Latin-1's printable characters), so no line is lost.
pub fn decode_line(bytes: &[u8]) -> Cow<'_, str> {
    match std::str::from_utf8(bytes) {
        Ok(s) => Cow::Borrowed(s),
        Err(_) => {
            encoding_rs::WINDOWS_1252
                .decode_without_bom_handling(bytes)
                .0
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn reads_plain_gzip_and_zstd_alike() {
        let dir = tempfile::tempdir().unwrap();
        let text = b"telefoon;naam\n06-12345678;Jan\n";
        let plain = dir.path().join("a.csv");
        std::fs::write(&plain, text).unwrap();
        let gz = dir.path().join("a.csv.gz");
        let mut enc = flate2::write::GzEncoder::new(
            File::create(&gz).unwrap(),
            flate2::Compression::default(),
        );
        enc.write_all(text).unwrap();
        enc.finish().unwrap();
        let zst = dir.path().join("a.csv.zst");
        std::fs::write(&zst, zstd::encode_all(&text[..], 3).unwrap()).unwrap();
        for (path, kind) in [
            (&plain, Compression::None),
            (&gz, Compression::Gzip),
            (&zst, Compression::Zstd),
        ] {
            let mut src = open(path).unwrap();
            assert_eq!(src.compression, kind);
            let mut out = Vec::new();
            src.reader.read_to_end(&mut out).unwrap();
            assert_eq!(out, text);
            assert_eq!(src.consumed.load(Ordering::Relaxed), src.file_len);
        }
        assert_ne!(fingerprint(&plain).unwrap(), fingerprint(&gz).unwrap());
        assert_eq!(fingerprint(&plain).unwrap().len(), 64);
    }

    #[test]
    fn latin1_lines_are_decoded() {
        assert_eq!(decode_line(b"Ren\xe9e"), "Renée");
        assert_eq!(decode_line("Renée".as_bytes()), "Renée");
    }

    #[test]
    fn missing_file_names_the_path() {
        let err = open(Path::new("/nonexistent/dump.csv")).err().unwrap();
        assert!(err.to_string().contains("/nonexistent/dump.csv"));
    }
}
