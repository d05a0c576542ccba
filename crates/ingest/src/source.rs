//! Opening a dump: compression detected from magic bytes (gzip, zstd,
//! bzip2, xz, or none), a byte counter for progress, the content
//! fingerprint, the text encoding (UTF-8 with or without a byte-order mark,
//! UTF-16 LE/BE with one — Excel's "Unicode text" — transcoded to UTF-8)
//! and per-line text decoding (UTF-8, else Latin-1/Windows-1252).

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
    #[error("{path} does not look like a dump ({reason}); `lekradar ingest --help` lists the formats, and --format chooses one")]
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
    Bzip2,
    Xz,
}

/// Bytes of magic [`Compression::detect`] looks at.
const MAGIC: usize = 6;

impl Compression {
    pub fn detect(magic: &[u8]) -> Compression {
        if magic.starts_with(&[0x1f, 0x8b]) {
            Compression::Gzip
        } else if magic.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
            Compression::Zstd
        } else if magic.starts_with(b"BZh")
            && magic.get(3).is_some_and(|b| (b'1'..=b'9').contains(b))
        {
            Compression::Bzip2
        } else if magic.starts_with(&[0xfd, b'7', b'z', b'X', b'Z', 0x00]) {
            Compression::Xz
        } else {
            Compression::None
        }
    }

    pub fn as_str(&self) -> &'static str {
        match self {
            Compression::None => "none",
            Compression::Gzip => "gzip",
            Compression::Zstd => "zstd",
            Compression::Bzip2 => "bzip2",
            Compression::Xz => "xz",
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
        let mut magic = [0u8; MAGIC];
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
            Compression::Bzip2 => Box::new(BufReader::with_capacity(
                1 << 20,
                bzip2::read::MultiBzDecoder::new(BufReader::new(raw)),
            )),
            Compression::Xz => Box::new(BufReader::with_capacity(
                1 << 20,
                lzma_rust2::XzReader::new(BufReader::new(raw), true),
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

/// The text encoding a dump's first bytes announce.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextEncoding {
    /// UTF-8 (a byte-order mark, if any, is dropped), with Windows-1252 read
    /// for lines that are not UTF-8.
    Utf8,
    Utf16Le,
    Utf16Be,
}

impl TextEncoding {
    pub fn detect(head: &[u8]) -> TextEncoding {
        if head.starts_with(&[0xff, 0xfe]) {
            TextEncoding::Utf16Le
        } else if head.starts_with(&[0xfe, 0xff]) {
            TextEncoding::Utf16Be
        } else {
            TextEncoding::Utf8
        }
    }

    pub fn as_str(&self) -> &'static str {
        match self {
            TextEncoding::Utf8 => "UTF-8",
            TextEncoding::Utf16Le => "UTF-16LE",
            TextEncoding::Utf16Be => "UTF-16BE",
        }
    }
}

/// `reader` as UTF-8 text: UTF-16 with a byte-order mark transcoded
/// (streaming), a UTF-8 byte-order mark dropped, anything else passed on
/// as it is (lines that are not UTF-8 are read as Windows-1252 later).
pub fn text_reader(
    reader: Box<dyn BufRead + Send>,
    encoding: TextEncoding,
) -> Box<dyn BufRead + Send> {
    match encoding {
        TextEncoding::Utf8 => Box::new(SkipUtf8Bom::new(reader)),
        TextEncoding::Utf16Le | TextEncoding::Utf16Be => Box::new(BufReader::with_capacity(
            1 << 20,
            encoding_rs_io::DecodeReaderBytesBuilder::new()
                .bom_sniffing(true)
                .strip_bom(true)
                .build(reader),
        )),
    }
}

/// A reader that drops a leading UTF-8 byte-order mark.
struct SkipUtf8Bom {
    inner: Box<dyn BufRead + Send>,
    checked: bool,
}

impl SkipUtf8Bom {
    fn new(inner: Box<dyn BufRead + Send>) -> SkipUtf8Bom {
        SkipUtf8Bom {
            inner,
            checked: false,
        }
    }

    fn check(&mut self) -> io::Result<()> {
        if !self.checked {
            self.checked = true;
            // A BOM split over reads is not worth handling: BufReaders
            // hand out at least 3 bytes at the start of a file.
            if self.inner.fill_buf()?.starts_with(&[0xef, 0xbb, 0xbf]) {
                self.inner.consume(3);
            }
        }
        Ok(())
    }
}

impl Read for SkipUtf8Bom {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.check()?;
        self.inner.read(buf)
    }
}

impl BufRead for SkipUtf8Bom {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        self.check()?;
        self.inner.fill_buf()
    }

    fn consume(&mut self, amt: usize) {
        self.inner.consume(amt)
    }
}

/// Reads up to `n` bytes from the start of `reader` and gives them back
/// with a reader that yields them again, then the rest: a stream is looked
/// at once, without reading it twice.
pub fn peek(
    mut reader: Box<dyn BufRead + Send>,
    n: usize,
) -> io::Result<(Vec<u8>, Box<dyn BufRead + Send>)> {
    let mut head = Vec::with_capacity(n.min(1 << 20));
    (&mut reader).take(n as u64).read_to_end(&mut head)?;
    let again = io::Cursor::new(head.clone()).chain(reader);
    Ok((head, Box::new(BufReader::with_capacity(1 << 20, again))))
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
    fn bzip2_and_xz_too() {
        let text = b"06-12345678\n+32 470 12 34 56\n".repeat(100);
        let mut bz = bzip2::write::BzEncoder::new(Vec::new(), bzip2::Compression::default());
        bz.write_all(&text).unwrap();
        let bz = bz.finish().unwrap();
        let mut xz =
            lzma_rust2::XzWriter::new(Vec::new(), lzma_rust2::XzOptions::default()).unwrap();
        xz.write_all(&text).unwrap();
        let xz = xz.finish().unwrap();
        for (bytes, kind) in [(bz, Compression::Bzip2), (xz, Compression::Xz)] {
            let len = bytes.len() as u64;
            let mut src = Source::from_reader(io::Cursor::new(bytes), len).unwrap();
            assert_eq!(src.compression, kind);
            let mut out = Vec::new();
            src.reader.read_to_end(&mut out).unwrap();
            assert_eq!(out, text);
        }
    }

    #[test]
    fn utf16_with_a_bom_and_utf8_boms_are_read_as_utf8() {
        let text = "gsm\tnaam\r\n06-12345678\tRenée\r\n";
        let mut le = vec![0xff, 0xfe];
        le.extend(text.encode_utf16().flat_map(|u| u.to_le_bytes()));
        let mut be = vec![0xfe, 0xff];
        be.extend(text.encode_utf16().flat_map(|u| u.to_be_bytes()));
        let mut bom8 = vec![0xef, 0xbb, 0xbf];
        bom8.extend_from_slice(text.as_bytes());
        for (bytes, encoding) in [
            (le, TextEncoding::Utf16Le),
            (be, TextEncoding::Utf16Be),
            (bom8, TextEncoding::Utf8),
        ] {
            assert_eq!(TextEncoding::detect(&bytes), encoding);
            let reader: Box<dyn BufRead + Send> = Box::new(io::Cursor::new(bytes));
            let mut out = String::new();
            text_reader(reader, encoding)
                .read_to_string(&mut out)
                .unwrap();
            assert_eq!(out, text, "{encoding:?}");
        }
    }

    #[test]
    fn peeking_gives_every_byte_back() {
        let reader: Box<dyn BufRead + Send> = Box::new(io::Cursor::new(b"abcdef".to_vec()));
        let (head, mut rest) = peek(reader, 4).unwrap();
        assert_eq!(head, b"abcd");
        let mut all = Vec::new();
        rest.read_to_end(&mut all).unwrap();
        assert_eq!(all, b"abcdef");
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
