//! Where every command finds its data: one directory, from `--data-dir`,
//! `LEKRADAR_DATA_DIR` or the platform default, and the fixed layout inside.

use std::path::{Path, PathBuf};

/// The resolved data directory and the paths inside it.
#[derive(Debug, Clone)]
pub struct DataDir {
    root: PathBuf,
}

/// `--data-dir`/`LEKRADAR_DATA_DIR` if given, else `$XDG_DATA_HOME/lekradar`,
/// else `~/.local/share/lekradar`, else `./lekradar-data`.
pub fn resolve(flag: Option<PathBuf>) -> DataDir {
    let root = flag
        .or_else(|| std::env::var_os("XDG_DATA_HOME").map(|d| PathBuf::from(d).join("lekradar")))
        .or_else(|| {
            std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share/lekradar"))
        })
        .unwrap_or_else(|| PathBuf::from("lekradar-data"));
    DataDir { root }
}

impl DataDir {
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The OPRF key file.
    pub fn key_file(&self) -> PathBuf {
        self.root.join("oprf.key")
    }

    /// The index directory (segments, metadata, manifest).
    pub fn index_dir(&self) -> PathBuf {
        self.root.join("index")
    }

    /// The embedded metadata store (SQLite) used unless a database URL is given.
    pub fn database_file(&self) -> PathBuf {
        self.root.join("lekradar.sqlite3")
    }

    /// Creates the data directory (mode 0700) if it does not exist.
    pub fn create(&self) -> std::io::Result<()> {
        use std::os::unix::fs::DirBuilderExt;
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(&self.root)
    }
}
