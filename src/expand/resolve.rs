//! Turning a directive's path into a file inside the book.
//!
//! A path resolves against the including file's folder first, then against each folder of the
//! include path. Absolute paths are rejected, and so is any path that leaves the book root,
//! whether through `..` or through a symbolic link, so that a guide can never publish a file
//! from elsewhere on the author's machine.

use std::path::{Component, Path, PathBuf};
use std::sync::OnceLock;

/// Folders never searched for "exists elsewhere" suggestions.
const SKIPPED_FOLDERS: &[&str] = &["target", "node_modules", "book"];

/// The most edits between a missing name and a suggested one.
const MAX_SUGGESTION_DISTANCE: usize = 3;

/// Why a path did not resolve.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResolveError {
    /// The path is absolute.
    Absolute,
    /// The path, or the file a symbolic link points to, is outside the book root.
    OutsideRoot(PathBuf),
    /// No candidate exists.
    NotFound(Suggestions),
}

/// Hints for a path that does not exist.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Suggestions {
    /// The folders that were searched, relative to the book root.
    pub searched: Vec<PathBuf>,
    /// The closest existing name in a searched folder, as it would be written in the directive.
    pub closest: Option<String>,
    /// Other places in the book holding a file of the same name, relative to the book root.
    pub elsewhere: Vec<PathBuf>,
}

/// Resolves directive paths for one book.
#[derive(Debug)]
pub struct Resolver {
    root: PathBuf,
    include_path: Vec<PathBuf>,
    book_files: OnceLock<Vec<PathBuf>>,
}

impl Resolver {
    /// Creates a resolver; `root` must be canonical.
    pub fn new(root: PathBuf, include_path: Vec<PathBuf>) -> Self {
        let include_path = include_path
            .into_iter()
            .map(|folder| folder.canonicalize().unwrap_or(folder))
            .collect();
        Self {
            root,
            include_path,
            book_files: OnceLock::new(),
        }
    }

    /// The canonical book root.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The include path, canonical where the folders exist.
    pub fn include_path(&self) -> &[PathBuf] {
        &self.include_path
    }

    /// Resolves `raw`, written in a file inside `including_folder` (canonical).
    pub fn resolve(&self, including_folder: &Path, raw: &str) -> Result<PathBuf, ResolveError> {
        let relative = Path::new(raw);
        if relative.is_absolute() || relative.has_root() {
            return Err(ResolveError::Absolute);
        }

        // A folder or a broken link of that name counts only when no folder has a file, so
        // that loading it reports what is there instead of "not found".
        let mut not_a_file = None;
        for folder in self.search_folders(including_folder) {
            let candidate = normalize(&folder.join(relative));
            if !candidate.starts_with(&self.root) {
                return Err(ResolveError::OutsideRoot(candidate));
            }
            let Ok(metadata) = std::fs::symlink_metadata(&candidate) else {
                continue;
            };
            // A plain file named without folders sits in `folder`, which is canonical, so it
            // is its own canonical path. This spares a `readlink` per path component.
            if metadata.is_file() && is_file_name(relative) {
                return Ok(candidate);
            }
            let real = candidate
                .canonicalize()
                .unwrap_or_else(|_| candidate.clone());
            if !real.starts_with(&self.root) {
                return Err(ResolveError::OutsideRoot(real));
            }
            if real.is_file() {
                return Ok(real);
            }
            not_a_file.get_or_insert(real);
        }
        not_a_file.ok_or_else(|| ResolveError::NotFound(self.suggest(including_folder, relative)))
    }

    fn search_folders<'a>(&'a self, including_folder: &'a Path) -> impl Iterator<Item = &'a Path> {
        std::iter::once(including_folder).chain(
            self.include_path
                .iter()
                .map(PathBuf::as_path)
                .filter(move |folder| *folder != including_folder),
        )
    }

    fn suggest(&self, including_folder: &Path, relative: &Path) -> Suggestions {
        let name = relative
            .file_name()
            .map(|n| n.to_string_lossy().into_owned());
        let parent = relative.parent().unwrap_or(Path::new(""));
        let mut suggestions = Suggestions::default();
        let mut best: Option<(usize, String)> = None;

        for folder in self.search_folders(including_folder) {
            suggestions.searched.push(self.relative(folder));
            let Some(name) = &name else { continue };
            for existing in file_names(&folder.join(parent)) {
                let distance = strsim::damerau_levenshtein(name, &existing);
                let close_enough = distance <= MAX_SUGGESTION_DISTANCE.min(name.len() / 2 + 1);
                if close_enough && best.as_ref().is_none_or(|(d, _)| distance < *d) {
                    best = Some((distance, path_string(&parent.join(&existing))));
                }
            }
        }
        suggestions.closest = best.map(|(_, name)| name);

        if let Some(name) = &name {
            suggestions.elsewhere = self
                .book_files()
                .iter()
                .filter(|path| {
                    path.file_name()
                        .is_some_and(|n| n.to_string_lossy() == **name)
                })
                .map(|path| self.relative(path))
                .collect();
        }
        suggestions
    }

    fn relative(&self, path: &Path) -> PathBuf {
        path.strip_prefix(&self.root).unwrap_or(path).to_path_buf()
    }

    /// Every file of the book, listed once per run and only when a path is missing.
    fn book_files(&self) -> &[PathBuf] {
        self.book_files.get_or_init(|| {
            let mut files = Vec::new();
            collect_files(&self.root, &mut files);
            files
        })
    }
}

fn file_names(folder: &Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(folder) else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter(|entry| entry.file_type().is_ok_and(|t| t.is_file()))
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .collect()
}

fn collect_files(folder: &Path, files: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(folder) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Ok(file_type) = entry.file_type() else {
            continue;
        };
        if file_type.is_dir() && !name.starts_with('.') && !SKIPPED_FOLDERS.contains(&name.as_str())
        {
            collect_files(&entry.path(), files);
        } else if file_type.is_file() {
            files.push(entry.path());
        }
    }
}

/// Removes `.` and `..` components without touching the file system, so that a path that
/// climbs out of the root is caught even when its target does not exist.
/// Returns whether `path` is a bare file name, without folders, `.` or `..`.
fn is_file_name(path: &Path) -> bool {
    let mut components = path.components();
    matches!(
        (components.next(), components.next()),
        (Some(Component::Normal(_)), None)
    )
}

fn normalize(path: &Path) -> PathBuf {
    let mut normalized = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                normalized.pop();
            }
            other => normalized.push(other),
        }
    }
    normalized
}

fn path_string(path: &Path) -> String {
    path.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}
