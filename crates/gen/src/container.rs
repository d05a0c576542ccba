//! Archives around a dump: zip (AES-256 when a password is given), tar and
//! tar.gz, the dump as the only member, streamed from its file.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use crate::generate::open;
use crate::{Container, GenError, GenOptions};

/// The dump's name inside the archive: `opts.member`, else the archive's
/// file name without its archive extension (`dump.csv.zip` → `dump.csv`),
/// with the format's extension when nothing is left of one.
pub(crate) fn member_name(opts: &GenOptions, out: &Path) -> String {
    if let Some(m) = &opts.member {
        return m.clone();
    }
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let lower = name.to_ascii_lowercase();
    let mut stem = name.as_str();
    for ext in [".tar.gz", ".tgz", ".tar", ".zip"] {
        if lower.ends_with(ext) {
            stem = &name[..name.len() - ext.len()];
            break;
        }
    }
    if stem.is_empty() {
        stem = "dump";
    }
    if stem.contains('.') {
        stem.to_owned()
    } else {
        format!("{stem}.{}", opts.format.extension())
    }
}

/// Writes the archive `out` holding `part` as `member`.
pub(crate) fn pack(
    opts: &GenOptions,
    part: &Path,
    member: &str,
    out: &Path,
) -> Result<(), GenError> {
    let io = |source: std::io::Error| GenError::Io {
        path: out.to_path_buf(),
        source,
    };
    let mut input = File::open(part).map_err(|source| GenError::Io {
        path: part.to_path_buf(),
        source,
    })?;
    let size = input.metadata().map_err(io)?.len();
    let file = open(out, opts.overwrite)?;
    let file = match opts.container {
        Container::Zip => {
            use zip::write::SimpleFileOptions;
            let mut options = SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Deflated)
                .large_file(size >= u64::from(u32::MAX));
            if let Some(pw) = &opts.zip_password {
                options = options.with_aes_encryption(zip::AesMode::Aes256, pw);
            }
            let mut zip = zip::ZipWriter::new(BufWriter::new(file));
            let zip_err = |e: zip::result::ZipError| io(std::io::Error::other(e));
            zip.start_file(member, options).map_err(zip_err)?;
            std::io::copy(&mut input, &mut zip).map_err(io)?;
            zip.finish()
                .map_err(zip_err)?
                .into_inner()
                .map_err(|e| io(e.into_error()))?
        }
        Container::Tar | Container::TarGz => {
            let buf = BufWriter::new(file);
            let mut header = tar::Header::new_gnu();
            header.set_size(size);
            header.set_mode(0o644);
            header.set_mtime(0);
            header.set_entry_type(tar::EntryType::Regular);
            if opts.container == Container::TarGz {
                let gz = flate2::GzBuilder::new().write(buf, flate2::Compression::new(6));
                let mut tar = tar::Builder::new(gz);
                tar.append_data(&mut header, member, &mut input)
                    .map_err(io)?;
                let gz = tar.into_inner().map_err(io)?;
                let mut buf = gz.finish().map_err(io)?;
                buf.flush().map_err(io)?;
                buf.into_inner().map_err(|e| io(e.into_error()))?
            } else {
                let mut tar = tar::Builder::new(buf);
                tar.append_data(&mut header, member, &mut input)
                    .map_err(io)?;
                let mut buf = tar.into_inner().map_err(io)?;
                buf.flush().map_err(io)?;
                buf.into_inner().map_err(|e| io(e.into_error()))?
            }
        }
        Container::None => return Ok(()),
    };
    file.sync_all().map_err(io)
}
