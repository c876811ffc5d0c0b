//! Reading the book's files once per run.
//!
//! A snippet included by a thousand chapters is read, checked for text and indexed once; every
//! later request returns the same [`SourceFile`]. The cache is shared between threads.

use std::ffi::OsString;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use foldhash::HashMap;

use crate::source::SourceFile;

/// The largest file read, in bytes. A larger file is reported without being read or parsed,
/// because parsing a YAML file takes many times its size in memory.
// NOTE: 16 MiB is a choice, not a measured limit: far above any real chapter or snippet, and
// small enough that parsing one stays well under a gigabyte.
pub const MAX_FILE_BYTES: u64 = 16 << 20;

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
    /// The file is larger than [`MAX_FILE_BYTES`].
    #[error("the file is {} bytes ({}), over the limit of {} MiB for one file", .size, mebibytes(*.size), .limit >> 20)]
    TooLarge {
        /// The file's size in bytes, from its metadata.
        size: u64,
        /// The limit in bytes.
        limit: u64,
    },
}

/// Loaded files, or why they could not be loaded, keyed by their canonical path. The key is
/// the path's bytes, hashed with foldhash. Hashing a `Path` walks its components, and SipHash
/// is slow on short keys. Both cost more than the rest of a lookup on a book that includes the
/// same snippets many times.
type Loaded = HashMap<OsString, Result<Arc<SourceFile>, LoadError>>;

/// Loaded files keyed by their canonical path.
#[derive(Debug, Default)]
pub struct FileCache {
    root: PathBuf,
    files: Mutex<Loaded>,
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
        if let Some(found) = self.lock().get(path.as_os_str()) {
            return found.clone();
        }

        // Reading happens outside the lock so that threads load different files in parallel;
        // two threads racing for one file both read it and the first insert wins.
        let loaded = read_text(path).map(|text| {
            let display = display_path(&self.root, path);
            Arc::new(SourceFile::new(path.to_path_buf(), display, text))
        });
        self.lock()
            .entry(path.as_os_str().to_owned())
            .or_insert(loaded)
            .clone()
    }

    /// Forgets `path`, so that the next [`FileCache::load`] reads it again.
    pub fn invalidate(&self, path: &Path) {
        self.lock().remove(path.as_os_str());
    }

    /// Forgets every file.
    pub fn clear(&self) {
        self.lock().clear();
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Loaded> {
        self.files.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Reads a file and accepts it only as UTF-8 text without NUL bytes, of at most
/// [`MAX_FILE_BYTES`].
pub fn read_text(path: &Path) -> Result<String, LoadError> {
    let bytes = read_bounded(path, MAX_FILE_BYTES)?;
    if let Some(position) = memchr::memchr(0, &bytes) {
        return Err(LoadError::Binary(position));
    }
    String::from_utf8(bytes).map_err(|error| LoadError::NotUtf8(error.utf8_error().valid_up_to()))
}

/// Reads a regular file of at most `limit` bytes. The size is checked from the metadata before
/// reading, and the read stops after `limit + 1` bytes in case the file grows meanwhile.
fn read_bounded(path: &Path, limit: u64) -> Result<Vec<u8>, LoadError> {
    let unreadable = |error: io::Error| match error.kind() {
        io::ErrorKind::NotFound => LoadError::NotFound,
        _ => LoadError::Unreadable(error.to_string()),
    };

    // Opening a FIFO could block forever and reading a device might never end, so the
    // metadata is checked before the file is opened.
    let metadata = std::fs::metadata(path).map_err(unreadable)?;
    if metadata.is_dir() {
        return Err(LoadError::Folder);
    }
    if !metadata.is_file() {
        return Err(LoadError::Unreadable(
            "it is not a regular file but a device, socket or FIFO".into(),
        ));
    }
    if metadata.len() > limit {
        return Err(LoadError::TooLarge {
            size: metadata.len(),
            limit,
        });
    }

    let file = std::fs::File::open(path).map_err(unreadable)?;
    let mut bytes = Vec::with_capacity(usize::try_from(metadata.len()).unwrap_or(0));
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(unreadable)?;
    if bytes.len() as u64 > limit {
        return Err(LoadError::TooLarge {
            size: bytes.len() as u64,
            limit,
        });
    }
    Ok(bytes)
}

/// Formats a byte count in MiB with one decimal, such as `100.0 MiB`.
fn mebibytes(bytes: u64) -> String {
    format!("{:.1} MiB", bytes as f64 / f64::from(1 << 20))
}

/// The path as printed in findings: relative to `root` when inside it, with `/` separators,
/// and else the whole path as the operating system writes it.
pub fn display_path(root: &Path, path: &Path) -> String {
    let relative = path.strip_prefix(root).unwrap_or(path);
    if relative.has_root() {
        return relative.to_string_lossy().into_owned();
    }
    relative
        .components()
        .map(|component| component.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn read_bounded_accepts_limit_rejects_one_more() {
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join("file.yaml");
        std::fs::write(&path, "12345").unwrap();

        assert_eq!(read_bounded(&path, 5).unwrap(), b"12345");
        match read_bounded(&path, 4) {
            Err(LoadError::TooLarge { size, limit }) => {
                assert_eq!(size, 5);
                assert_eq!(limit, 4);
            }
            other => panic!("expected TooLarge, got {other:?}"),
        }
    }

    #[test]
    fn display_path_outside_root_has_one_slash() {
        let root = Path::new("/book");
        assert_eq!(
            display_path(root, Path::new("/book/docs/a.md")),
            "docs/a.md"
        );
        assert_eq!(display_path(root, Path::new("/etc/passwd")), "/etc/passwd");
        assert_eq!(
            display_path(Path::new(""), Path::new("/etc/passwd")),
            "/etc/passwd"
        );
    }
}
