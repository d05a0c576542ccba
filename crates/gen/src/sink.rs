//! The output stream: text encoding (UTF-8 or Latin-1 bytes) and compression
//! (none, gzip, zstd, bzip2, xz) over a buffered file.

use std::fs::File;
use std::io::{BufWriter, Write};

use crate::{Compression, Encoding};

enum Inner {
    Plain(BufWriter<File>),
    Gzip(flate2::write::GzEncoder<BufWriter<File>>),
    Zstd(zstd::stream::write::Encoder<'static, BufWriter<File>>),
    Bzip2(bzip2::write::BzEncoder<BufWriter<File>>),
    Xz(Box<lzma_rust2::XzWriter<BufWriter<File>>>),
}

/// Writes encoded, compressed lines to a file.
pub struct Sink {
    inner: Inner,
    encoding: Encoding,
    scratch: Vec<u8>,
    lines: u64,
}

impl Sink {
    pub fn new(file: File, compression: Compression, encoding: Encoding) -> std::io::Result<Sink> {
        let buf = BufWriter::with_capacity(1 << 17, file);
        let inner = match compression {
            Compression::None => Inner::Plain(buf),
            Compression::Gzip => {
                // GzBuilder writes mtime 0 and no file name: deterministic bytes.
                Inner::Gzip(flate2::GzBuilder::new().write(buf, flate2::Compression::new(6)))
            }
            Compression::Zstd => Inner::Zstd(zstd::stream::write::Encoder::new(buf, 3)?),
            Compression::Bzip2 => Inner::Bzip2(bzip2::write::BzEncoder::new(
                buf,
                bzip2::Compression::new(6),
            )),
            Compression::Xz => Inner::Xz(Box::new(lzma_rust2::XzWriter::new(
                buf,
                lzma_rust2::XzOptions::with_preset(3),
            )?)),
        };
        Ok(Sink {
            inner,
            encoding,
            scratch: Vec::with_capacity(512),
            lines: 0,
        })
    }

    /// Newlines written so far.
    pub fn lines(&self) -> u64 {
        self.lines
    }

    fn raw(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        self.lines += bytes.iter().filter(|&&b| b == b'\n').count() as u64;
        match &mut self.inner {
            Inner::Plain(w) => w.write_all(bytes),
            Inner::Gzip(w) => w.write_all(bytes),
            Inner::Zstd(w) => w.write_all(bytes),
            Inner::Bzip2(w) => w.write_all(bytes),
            Inner::Xz(w) => w.write_all(bytes),
        }
    }

    /// Writes `text` in the dump's encoding (characters outside Latin-1
    /// become `?` in a Latin-1 dump; the built-in lists have none).
    pub fn text(&mut self, text: &str) -> std::io::Result<()> {
        match self.encoding {
            Encoding::Utf8 => self.raw(text.as_bytes()),
            Encoding::Latin1 => {
                let mut scratch = std::mem::take(&mut self.scratch);
                scratch.clear();
                scratch.extend(
                    text.chars()
                        .map(|c| u8::try_from(u32::from(c)).unwrap_or(b'?')),
                );
                let result = self.raw(&scratch);
                self.scratch = scratch;
                result
            }
        }
    }

    /// Writes bytes as they are (binary garbage).
    pub fn bytes(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        self.raw(bytes)
    }

    /// Finishes compression, flushes and fsyncs the file.
    pub fn finish(self) -> std::io::Result<()> {
        let buf = match self.inner {
            Inner::Plain(w) => w,
            Inner::Gzip(w) => w.finish()?,
            Inner::Zstd(w) => w.finish()?,
            Inner::Bzip2(w) => w.finish()?,
            Inner::Xz(w) => w.finish()?,
        };
        let file = buf.into_inner().map_err(|e| e.into_error())?;
        file.sync_all()
    }
}
