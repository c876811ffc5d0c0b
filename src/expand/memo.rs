//! Remembering path resolutions for one expansion pass.
//!
//! Resolving a directive costs a `stat` and a `realpath` of the candidate, about ten system
//! calls. A book whose chapters include the same snippets thousands of times would spend most
//! of a `check` in them, so an [`super::Expander`] resolves each (folder, path) pair once.
//! The memo lives only as long as its expander, so that watch mode, which keeps its
//! [`Resolver`] between rebuilds, finds files that appeared or vanished since the last one.

use std::collections::HashMap;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, PoisonError};

use super::resolve::{ResolveError, Resolver};

/// Resolution results by including folder, then by the path as written. Folders are keyed by
/// their bytes, which hash in a fraction of the time a `Path`'s components do.
type Table = HashMap<OsString, HashMap<String, Result<PathBuf, ResolveError>>>;

/// Resolutions made so far; shared by the threads expanding chapters in parallel.
#[derive(Debug, Default)]
pub(super) struct Resolutions {
    table: Mutex<Table>,
}

impl Resolutions {
    /// Returns what `resolver` returns for `raw` written in `folder`, asking it only the first
    /// time.
    pub(super) fn resolve(
        &self,
        resolver: &Resolver,
        folder: &Path,
        raw: &str,
    ) -> Result<PathBuf, ResolveError> {
        if let Some(known) = self
            .lock()
            .get(folder.as_os_str())
            .and_then(|paths| paths.get(raw))
        {
            return known.clone();
        }

        // Resolving happens outside the lock, so the other thread is not held up by the system
        // calls. Two threads racing for one pair get the same result, so either insert is right.
        let resolved = resolver.resolve(folder, raw);
        self.lock()
            .entry(folder.as_os_str().to_owned())
            .or_default()
            .insert(raw.to_string(), resolved.clone());
        resolved
    }

    fn lock(&self) -> MutexGuard<'_, Table> {
        self.table.lock().unwrap_or_else(PoisonError::into_inner)
    }
}
