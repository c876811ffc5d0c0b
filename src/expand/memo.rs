//! Remembering what each directive path led to, for one expansion pass.
//!
//! Resolving a directive costs a `stat` and sometimes a `realpath` of the candidate, and
//! loading it a lookup in the [`FileCache`]. A book whose chapters include the same snippets
//! thousands of times would spend most of a `check` on them, so an [`super::Expander`]
//! resolves and loads each (folder, path) pair once and remembers the file. The memo lives
//! only as long as its expander, so that watch mode, which keeps its [`Resolver`] between
//! rebuilds, finds files that appeared or vanished since the last one.

use std::ffi::OsString;
use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use foldhash::HashMap;

use super::resolve::{ResolveError, Resolver};
use crate::files::{FileCache, LoadError};
use crate::markdown;
use crate::source::SourceFile;

/// A file a directive path led to.
#[derive(Debug, Clone)]
pub(super) struct Target {
    /// The loaded file.
    pub(super) file: Arc<SourceFile>,
    /// Whether it is Markdown, whose own directives are expanded in turn.
    pub(super) is_markdown: bool,
    /// The line breaks in its text, each of which gets the directive's indentation when the
    /// text is inserted.
    pub(super) line_breaks: usize,
}

/// The reason a directive path led to no file.
#[derive(Debug, Clone)]
pub(super) enum Failure {
    /// No file of that name could be found, or it may not be included.
    Resolve(ResolveError),
    /// The file was found but could not be read as text.
    Load(LoadError),
}

/// Outcomes by including folder, then by the path as written. Folders are keyed by their
/// bytes, which hash in a fraction of the time a `Path`'s components do, and with foldhash
/// rather than SipHash: every directive of the book looks up both keys.
type Table = HashMap<OsString, HashMap<String, Result<Target, Failure>>>;

/// Outcomes found so far; shared by the threads expanding chapters in parallel.
#[derive(Debug, Default)]
pub(super) struct Targets {
    table: Mutex<Table>,
}

impl Targets {
    /// Returns the file that `raw`, written in a file inside `folder`, names, asking
    /// `resolver` and `files` only the first time.
    pub(super) fn find(
        &self,
        resolver: &Resolver,
        files: &FileCache,
        folder: &Path,
        raw: &str,
    ) -> Result<Target, Failure> {
        if let Some(known) = self.lock().get(folder.as_os_str()).and_then(|t| t.get(raw)) {
            return known.clone();
        }

        // The work happens outside the lock, so the other thread is not held up by the system
        // calls. Two threads racing for one pair get the same result, so either insert is right.
        let found = locate(resolver, files, folder, raw);
        self.lock()
            .entry(folder.as_os_str().to_owned())
            .or_default()
            .insert(raw.to_string(), found.clone());
        found
    }

    fn lock(&self) -> MutexGuard<'_, Table> {
        self.table.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

fn locate(
    resolver: &Resolver,
    files: &FileCache,
    folder: &Path,
    raw: &str,
) -> Result<Target, Failure> {
    let path = resolver.resolve(folder, raw).map_err(Failure::Resolve)?;
    let file = files.load(&path).map_err(Failure::Load)?;
    Ok(Target {
        is_markdown: markdown::is_markdown(file.path()),
        line_breaks: memchr::memchr_iter(b'\n', file.text().as_bytes()).count(),
        file,
    })
}
