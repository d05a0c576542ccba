//! Where an index's files live: the one interface the writer and the
//! readers go through, as tantivy's `Directory` is. The index never touches
//! a path of its own; it names files (`MANIFEST`, `seg-*.lks`, `meta-*.lkm`,
//! `dom-*.lkd`) and asks its [`Storage`] to read, create, list, delete and
//! map them, to take the single-writer lock, and to publish a manifest.
//!
//! [`LocalStorage`] is a directory on a local file system (the embedded
//! default): files are memory-mapped where they lie, the lock is an `flock`,
//! and a manifest is published by renaming it into place. An object store
//! implements the same calls with uploads, a local cache of segments and a
//! compare-and-swap publish.
//!
//! Segments are built on local disk first (spill runs and output need
//! random access and `fsync`): [`Storage::staging_dir`] is where, and
//! [`Storage::upload`] makes a staged file part of the index. For a local
//! directory the two are the same place and an upload costs nothing.

use std::fmt::Debug;
use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::error::{IndexError, IoContext, Result};
use crate::failpoint;
use crate::manifest::MANIFEST_FILE;

/// What changes whenever a new manifest is published, cheap to read: a
/// reader compares it before reading the manifest itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManifestStamp(String);

impl ManifestStamp {
    pub fn new(text: impl Into<String>) -> ManifestStamp {
        ManifestStamp(text.into())
    }
}

/// A file in an index's storage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredFile {
    pub name: String,
    pub modified: Option<std::time::SystemTime>,
}

/// The single-writer lock; released when dropped (or when the process dies).
pub trait WriterLock: Send + Sync + Debug {}

/// Where an index's files live (see the module documentation).
pub trait Storage: Send + Sync + Debug {
    /// Where, for messages: a directory or a URL.
    fn location(&self) -> String;

    /// A path naming `file` in messages.
    fn describe(&self, file: &str) -> PathBuf;

    /// The bytes of `file`; `None` when there is no such file.
    fn read(&self, file: &str) -> Result<Option<Vec<u8>>>;

    /// A local file holding `file`'s bytes, to be memory-mapped: the file
    /// itself, or a verified local copy.
    fn local_path(&self, file: &str) -> Result<PathBuf>;

    /// Writes a new `file` durably; never overwrites one.
    fn create(&self, file: &str, bytes: &[u8]) -> Result<()>;

    /// The local directory where segments are built (spill runs and
    /// output) before [`Storage::upload`].
    fn staging_dir(&self) -> &Path;

    /// Makes the staged file `file` part of the index under the same name.
    fn upload(&self, file: &str) -> Result<()>;

    /// Deletes `file` (absent already: fine).
    fn delete(&self, file: &str) -> Result<()>;

    /// Every file, with when it was last written where known.
    fn list(&self) -> Result<Vec<StoredFile>>;

    /// How old a file no manifest names must be before garbage collection
    /// deletes it. Zero for a local directory, where the writer lock keeps
    /// other writers out and readers open files by the manifest they read;
    /// longer than any server's poll interval (and any upload) for an
    /// object store shared across machines. With a grace period, files a
    /// publish supersedes are left to a later collection.
    fn gc_grace(&self) -> std::time::Duration {
        std::time::Duration::ZERO
    }

    /// Makes every file created so far durable before a manifest names it.
    fn sync(&self) -> Result<()>;

    /// The current manifest's stamp; `None` when there is no manifest.
    fn manifest_stamp(&self) -> Result<Option<ManifestStamp>>;

    /// Publishes `bytes` as the manifest of `generation`, in one atomic
    /// step, provided the manifest in force is still that of `expected`
    /// (0: none yet); else [`IndexError::Conflict`].
    fn publish_manifest(&self, expected: u64, generation: u64, bytes: &[u8]) -> Result<()>;

    /// Takes the single-writer lock, or fails at once with
    /// [`IndexError::Locked`].
    fn lock(&self) -> Result<Box<dyn WriterLock>>;

    /// Stores the local file `local` as the shard file `name` (a relative
    /// path such as `BREACH/4/0.lkr`), replacing one of that name: the
    /// outputs of a distributed ingest's shards, kept apart from the index's
    /// own files (under `shards/`), which garbage collection never touches
    /// and which need no writer lock. Durable when it returns.
    fn put_shard_file(&self, name: &str, local: &Path) -> Result<()>;

    /// A local path holding the shard file `name`: the stored file itself
    /// when the storage is local, else a copy downloaded into `dir`.
    fn fetch_shard_file(&self, name: &str, dir: &Path) -> Result<PathBuf>;

    /// The shard files whose names start with `prefix`.
    fn list_shard_files(&self, prefix: &str) -> Result<Vec<String>>;

    /// Deletes the shard file `name` (no error when it is gone).
    fn delete_shard_file(&self, name: &str) -> Result<()>;
}

const LOCK_FILE: &str = ".lock";
const MANIFEST_TMP: &str = "MANIFEST.tmp";

/// An index in a local directory.
#[derive(Debug, Clone)]
pub struct LocalStorage {
    dir: PathBuf,
}

#[derive(Debug)]
struct FileLock(#[allow(dead_code)] File);

impl WriterLock for FileLock {}

impl LocalStorage {
    /// The index in `dir` (not created: a reader of a directory that does
    /// not exist sees an empty index).
    pub fn new(dir: &Path) -> LocalStorage {
        LocalStorage {
            dir: dir.to_owned(),
        }
    }

    /// The index in `dir`, created if needed (for a writer).
    pub fn create_dir(dir: &Path) -> Result<LocalStorage> {
        std::fs::create_dir_all(dir).at(dir)?;
        Ok(LocalStorage::new(dir))
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The generation of the manifest on disk (0: none).
    fn current_generation(&self) -> Result<u64> {
        let path = self.dir.join(MANIFEST_FILE);
        match std::fs::read(&path) {
            Ok(bytes) => Ok(crate::manifest::Manifest::decode(&path, &bytes)?.generation),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(0),
            Err(e) => Err(e).at(&path),
        }
    }
}

impl Storage for LocalStorage {
    fn location(&self) -> String {
        self.dir.display().to_string()
    }

    fn describe(&self, file: &str) -> PathBuf {
        self.dir.join(file)
    }

    fn read(&self, file: &str) -> Result<Option<Vec<u8>>> {
        let path = self.dir.join(file);
        match std::fs::read(&path) {
            Ok(bytes) => Ok(Some(bytes)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e).at(&path),
        }
    }

    fn local_path(&self, file: &str) -> Result<PathBuf> {
        Ok(self.dir.join(file))
    }

    fn create(&self, file: &str, bytes: &[u8]) -> Result<()> {
        let path = self.dir.join(file);
        let mut out = File::options()
            .write(true)
            .create_new(true)
            .open(&path)
            .at(&path)?;
        out.write_all(bytes).at(&path)?;
        out.sync_all().at(&path)
    }

    fn staging_dir(&self) -> &Path {
        &self.dir
    }

    fn upload(&self, file: &str) -> Result<()> {
        // Built in place; `sync` makes its name durable.
        if self.dir.join(file).is_file() {
            Ok(())
        } else {
            Err(IndexError::Io {
                path: self.dir.join(file),
                source: std::io::ErrorKind::NotFound.into(),
            })
        }
    }

    fn delete(&self, file: &str) -> Result<()> {
        let path = self.dir.join(file);
        match std::fs::remove_file(&path) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(e).at(&path),
        }
    }

    fn list(&self) -> Result<Vec<StoredFile>> {
        let mut files = Vec::new();
        for item in std::fs::read_dir(&self.dir).at(&self.dir)? {
            let item = item.at(&self.dir)?;
            if let Some(name) = item.file_name().to_str() {
                files.push(StoredFile {
                    name: name.to_owned(),
                    modified: item.metadata().ok().and_then(|m| m.modified().ok()),
                });
            }
        }
        Ok(files)
    }

    fn sync(&self) -> Result<()> {
        sync_dir(&self.dir)
    }

    fn manifest_stamp(&self) -> Result<Option<ManifestStamp>> {
        use std::os::unix::fs::MetadataExt;
        let path = self.dir.join(MANIFEST_FILE);
        match std::fs::metadata(&path) {
            Ok(m) => {
                let modified = m
                    .modified()
                    .ok()
                    .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                    .map_or(0, |d| d.as_nanos());
                Ok(Some(ManifestStamp(format!(
                    "{}-{modified}-{}",
                    m.ino(),
                    m.len()
                ))))
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e).at(&path),
        }
    }

    /// Writes `MANIFEST.tmp`, fsyncs it, renames it over `MANIFEST` (the
    /// commit point) and fsyncs the directory. The writer lock makes the
    /// check of `expected` and the rename one step.
    fn publish_manifest(&self, expected: u64, generation: u64, bytes: &[u8]) -> Result<()> {
        let found = self.current_generation()?;
        if found != expected {
            return Err(IndexError::Conflict {
                location: self.location(),
                expected,
                found,
                generation,
            });
        }
        let tmp = self.dir.join(MANIFEST_TMP);
        let mut out = File::create(&tmp).at(&tmp)?;
        out.write_all(bytes).at(&tmp)?;
        out.sync_all().at(&tmp)?;
        drop(out);
        failpoint::hit("publish:after-manifest-tmp");
        let target = self.dir.join(MANIFEST_FILE);
        std::fs::rename(&tmp, &target).at(&target)?;
        failpoint::hit("publish:after-rename");
        sync_dir(&self.dir)
    }

    fn lock(&self) -> Result<Box<dyn WriterLock>> {
        let lock_path = self.dir.join(LOCK_FILE);
        let lock = File::options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .at(&lock_path)?;
        match lock.try_lock() {
            Ok(()) => Ok(Box::new(FileLock(lock))),
            Err(std::fs::TryLockError::WouldBlock) => Err(IndexError::Locked {
                path: self.dir.clone(),
            }),
            Err(std::fs::TryLockError::Error(e)) => Err(e).at(&lock_path),
        }
    }

    fn put_shard_file(&self, name: &str, local: &Path) -> Result<()> {
        check_shard_name(name)?;
        let target = self.dir.join(SHARDS_DIR).join(name);
        let parent = target.parent().unwrap_or(&self.dir).to_owned();
        std::fs::create_dir_all(&parent).at(&parent)?;
        let file_name = target
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_owned();
        // A copy of this file killed midway (by a run of this shard that
        // was killed) left its temporary file: gone now.
        remove_stale_copies(&parent, &file_name);
        let tmp = parent.join(format!(".tmp-{file_name}-{:016x}", rand::random::<u64>()));
        let copied = std::fs::copy(local, &tmp)
            .and_then(|_| File::open(&tmp)?.sync_all())
            .and_then(|()| std::fs::rename(&tmp, &target));
        if let Err(e) = copied {
            let _ = std::fs::remove_file(&tmp);
            return Err(e).at(&target);
        }
        sync_dir(&parent)
    }

    fn fetch_shard_file(&self, name: &str, _dir: &Path) -> Result<PathBuf> {
        check_shard_name(name)?;
        let path = self.dir.join(SHARDS_DIR).join(name);
        std::fs::metadata(&path).at(&path)?;
        Ok(path)
    }

    fn list_shard_files(&self, prefix: &str) -> Result<Vec<String>> {
        let root = self.dir.join(SHARDS_DIR);
        let mut out = Vec::new();
        list_files_under(&root, &root, &mut out)?;
        out.retain(|n| n.starts_with(prefix));
        out.sort();
        Ok(out)
    }

    fn delete_shard_file(&self, name: &str) -> Result<()> {
        check_shard_name(name)?;
        let root = self.dir.join(SHARDS_DIR);
        let path = root.join(name);
        match std::fs::remove_file(&path) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(e).at(&path),
        }
        if let (Some(parent), Some(file_name)) =
            (path.parent(), path.file_name().and_then(|n| n.to_str()))
        {
            remove_stale_copies(parent, file_name);
        }
        // Empty directories left behind go too (a failure is harmless).
        let mut dir = path.parent();
        while let Some(d) = dir.filter(|d| *d != root.as_path()) {
            if std::fs::remove_dir(d).is_err() {
                break;
            }
            dir = d.parent();
        }
        Ok(())
    }
}

/// Whether `name` is a scratch file of an interrupted publish.
/// Where shard files live, under a storage's root.
pub const SHARDS_DIR: &str = "shards";

/// Refuses a shard file name that could leave the shards directory.
pub fn check_shard_name(name: &str) -> Result<()> {
    let ok = !name.is_empty()
        && name.split('/').all(|part| {
            !part.is_empty()
                && part != "."
                && part != ".."
                && part
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        });
    if ok {
        Ok(())
    } else {
        Err(IndexError::Io {
            path: PathBuf::from(SHARDS_DIR).join(name),
            source: std::io::Error::new(std::io::ErrorKind::InvalidInput, "not a shard file name"),
        })
    }
}

/// Removes the temporary files of interrupted copies to `dir/file_name`
/// (best effort: what is left is never listed).
fn remove_stale_copies(dir: &Path, file_name: &str) {
    let prefix = format!(".tmp-{file_name}-");
    if let Ok(items) = std::fs::read_dir(dir) {
        for item in items.flatten() {
            if item
                .file_name()
                .to_str()
                .is_some_and(|n| n.starts_with(&prefix))
            {
                let _ = std::fs::remove_file(item.path());
            }
        }
    }
}

fn list_files_under(root: &Path, dir: &Path, out: &mut Vec<String>) -> Result<()> {
    let items = match std::fs::read_dir(dir) {
        Ok(items) => items,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e).at(dir),
    };
    for item in items {
        let path = item.at(dir)?.path();
        if path.is_dir() {
            list_files_under(root, &path, out)?;
        } else if let Some(name) = path.strip_prefix(root).ok().and_then(|p| p.to_str()) {
            if !name.contains(".tmp-") {
                out.push(name.to_owned());
            }
        }
    }
    Ok(())
}

pub(crate) fn is_manifest_tmp(name: &str) -> bool {
    name == MANIFEST_TMP
}

fn sync_dir(dir: &Path) -> Result<()> {
    File::open(dir).and_then(|d| d.sync_all()).at(dir)
}
