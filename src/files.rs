//! Reading the book's files once per run.
//!
//! A snippet included by a thousand chapters is read, checked for text and indexed once; every
//! later request returns the same [`SourceFile`]. The cache is shared between threads.

use std::collections::HashMap;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use crate::source::SourceFile;

/// Why a file could not be loaded as text.
#[derive(Debug, Clone, thiserror::Error)]
pub enum LoadError {
    /// The file does not exist.
    #[error("not found")]
    NotFound,
    /// The path names a folder.
    #[error("it is a folder, not a file")]
    Folder,
    /// The operating system refused to read it.
    #[error("{0}")]
    Unreadable(String),
    /// The file holds NUL bytes, so it is not text.
    #[error("the file is binary (it contains a NUL byte at byte {0})")]
    Binary(usize),
    /// The file is not valid UTF-8.
    #[error("the file is not valid UTF-8 (invalid byte at byte {0})")]
    NotUtf8(usize),
}

/// Loaded files keyed by their canonical path.
#[derive(Debug, Default)]
pub struct FileCache {
    root: PathBuf,
    files: Mutex<HashMap<PathBuf, Result<Arc<SourceFile>, LoadError>>>,
}

impl FileCache {
    /// Creates an empty cache whose files are displayed relative to `root`.
    pub fn new(root: &Path) -> Self {
        Self {
            root: root.to_path_buf(),
            files: Mutex::default(),
        }
    }

    /// Loads `path` (canonical), or returns the copy loaded earlier.
    pub fn load(&self, path: &Path) -> Result<Arc<SourceFile>, LoadError> {
        if let Some(found) = self.lock().get(path) {
            return found.clone();
        }

        // Reading happens outside the lock so that threads load different files in parallel;
        // two threads racing for one file both read it and the first insert wins.
        let loaded = read_text(path).map(|text| {
            let display = display_path(&self.root, path);
            Arc::new(SourceFile::new(path.to_path_buf(), display, text))
        });
        self.lock()
            .entry(path.to_path_buf())
            .or_insert(loaded)
            .clone()
    }

    /// Forgets `path`, so that the next [`FileCache::load`] reads it again.
    pub fn invalidate(&self, path: &Path) {
        self.lock().remove(path);
    }

    /// Forgets every file.
    pub fn clear(&self) {
        self.lock().clear();
    }

    fn lock(
        &self,
    ) -> std::sync::MutexGuard<'_, HashMap<PathBuf, Result<Arc<SourceFile>, LoadError>>> {
        self.files.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Reads a file and accepts it only as UTF-8 text without NUL bytes.
pub fn read_text(path: &Path) -> Result<String, LoadError> {
    // Reading a FIFO or a device could block forever or never end, so only regular files are
    // read.
    match std::fs::metadata(path) {
        Ok(metadata) if metadata.is_dir() => return Err(LoadError::Folder),
        Ok(metadata) if !metadata.is_file() => {
            return Err(LoadError::Unreadable(
                "it is not a regular file but a device, socket or FIFO".into(),
            ));
        }
        _ => {}
    }
    let bytes = std::fs::read(path).map_err(|error| match error.kind() {
        io::ErrorKind::NotFound => LoadError::NotFound,
        _ => LoadError::Unreadable(error.to_string()),
    })?;
    if let Some(position) = bytes.iter().position(|&b| b == 0) {
        return Err(LoadError::Binary(position));
    }
    String::from_utf8(bytes).map_err(|error| LoadError::NotUtf8(error.utf8_error().valid_up_to()))
}

/// The path as printed in findings: relative to `root` when inside it, with `/` separators.
pub fn display_path(root: &Path, path: &Path) -> String {
    let relative = path.strip_prefix(root).unwrap_or(path);
    relative
        .components()
        .map(|component| component.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}
