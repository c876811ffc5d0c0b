//! Loading a book: its configuration, its chapters and the files they include.
//!
//! A book is either an mdBook (a folder with `book.toml`, chapters listed in `SUMMARY.md`) or a
//! plain folder of Markdown guides, whose chapters are the `*.md` files named on the command
//! line.

use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::error::{Error, Result};
use crate::expand::{Resolver, canonical, rules};
use crate::files::{FileCache, LoadError, display_path};
use crate::source::SourceFile;

/// Canonical folders already resolved, so that chapters of one folder cost one `lstat` each
/// rather than a `readlink` per path component.
#[derive(Debug, Default)]
struct CanonicalFolders {
    folders: HashMap<PathBuf, PathBuf>,
}

impl CanonicalFolders {
    /// The canonical form of `path`, the same as [`canonical`] returns.
    fn canonical(&mut self, path: &Path) -> PathBuf {
        let (Some(folder), Some(name)) = (path.parent(), path.file_name()) else {
            return canonical(path);
        };
        let is_plain_file = std::fs::symlink_metadata(path).is_ok_and(|m| !m.is_symlink());
        if !is_plain_file {
            return canonical(path);
        }
        let folder = self
            .folders
            .entry(folder.to_path_buf())
            .or_insert_with(|| canonical(folder));
        folder.join(name)
    }
}

/// The summary file mdBook reads the chapter list from.
pub const SUMMARY: &str = "SUMMARY.md";

/// One chapter: a Markdown file the book publishes.
#[derive(Debug, Clone)]
pub struct Chapter {
    /// The chapter's path relative to the source folder, as in `SUMMARY.md`.
    pub relative: PathBuf,
    /// The chapter's file.
    pub file: Arc<SourceFile>,
}

/// A loaded book.
#[derive(Debug)]
pub struct Book {
    /// The configuration, with canonical paths.
    pub config: Config,
    /// Chapters in `SUMMARY.md` order; chapters whose file could not be read are left out and
    /// reported in `diagnostics`.
    pub chapters: Vec<Chapter>,
    /// `SUMMARY.md`, when the book has one.
    pub summary: Option<Arc<SourceFile>>,
    /// How many chapters `SUMMARY.md` lists, when it parses; comparing it with the length of
    /// `chapters` tells whether every listed chapter is loaded.
    pub listed_chapters: Option<usize>,
    /// Problems found while loading.
    pub diagnostics: Vec<Diagnostic>,
    /// Every file read for this book.
    pub files: FileCache,
    /// Resolves include directives.
    pub resolver: Resolver,
}

impl Book {
    /// Loads the mdBook rooted at `root`, the folder holding `book.toml`.
    pub fn load(root: &Path) -> Result<Book> {
        let root = canonical(root);
        let config = Config::load(&root)?;
        let mut book = Book::empty(config);

        let summary_path = book.config.src.join(SUMMARY);
        let summary = match book.files.load(&summary_path) {
            Ok(summary) => summary,
            Err(error) => return Err(Error::io("reading", summary_path, to_io(error))),
        };
        book.add_summary_chapters(&summary);
        book.summary = Some(summary);
        Ok(book)
    }

    /// Loads a plain folder: `files` are the chapters, `root` anchors the include path.
    pub fn plain(root: &Path, files: &[PathBuf]) -> Result<Book> {
        Book::from_files(Config::plain(&canonical(root)), files)
    }

    /// Loads `files` as the chapters of a book configured by `config`, ignoring `SUMMARY.md`.
    pub fn from_files(config: Config, files: &[PathBuf]) -> Result<Book> {
        let root = config.root.clone();
        let mut book = Book::empty(config);
        for path in files {
            let path = canonical(path);
            let file = book
                .files
                .load(&path)
                .map_err(|error| Error::io("reading", &path, to_io(error)))?;
            let relative = path.strip_prefix(&root).unwrap_or(&path).to_path_buf();
            book.chapters.push(Chapter { relative, file });
        }
        Ok(book)
    }

    /// Builds a book from chapters whose text the caller already holds, such as the chapters
    /// mdBook hands its preprocessors. Each chapter's `file.path()` should be its canonical
    /// path on disk, because included files are resolved from that folder.
    pub fn from_chapters(config: Config, chapters: Vec<Chapter>) -> Book {
        let mut book = Book::empty(config);
        book.chapters = chapters;
        book
    }

    fn empty(mut config: Config) -> Book {
        config.src = canonical(&config.src);
        let resolver = Resolver::new(config.root.clone(), config.include_path.clone());
        config.include_path = resolver.include_path().to_vec();
        Book {
            files: FileCache::new(&config.root),
            resolver,
            config,
            chapters: Vec::new(),
            summary: None,
            listed_chapters: None,
            diagnostics: Vec::new(),
        }
    }

    fn add_summary_chapters(&mut self, summary: &Arc<SourceFile>) {
        let parsed = match mdbook_summary::parse_summary(summary.text()) {
            Ok(parsed) => parsed,
            Err(error) => {
                self.diagnostics.push(summary_diagnostic(summary, &error));
                return;
            }
        };

        let mut locations = Vec::new();
        let items = parsed
            .prefix_chapters
            .iter()
            .chain(&parsed.numbered_chapters)
            .chain(&parsed.suffix_chapters);
        for item in items {
            collect_locations(item, &mut locations);
        }
        self.listed_chapters = Some(locations.len());

        let mut folders = CanonicalFolders::default();
        let chapters: Vec<(PathBuf, PathBuf)> = locations
            .into_iter()
            .map(|relative| {
                (
                    folders.canonical(&self.config.src.join(&relative)),
                    relative,
                )
            })
            .collect();
        self.read_chapters(&chapters);

        let mut cursor = 0;
        for (path, relative) in chapters {
            self.add_chapter(summary, relative, path, &mut cursor);
        }
    }

    /// Reads the chapters at `chapters` (canonical path, then path as listed) into the file
    /// cache on all cores, so that [`Book::add_chapter`] finds them there. Files outside the
    /// source folder are left unread, because `add_chapter` rejects them.
    fn read_chapters(&self, chapters: &[(PathBuf, PathBuf)]) {
        chapters
            .par_iter()
            .filter(|(path, relative)| {
                !leaves_folder(relative) && path.starts_with(&self.config.root)
            })
            .for_each(|(path, _)| {
                // An error is cached as well, and reported by `add_chapter`.
                let _ = self.files.load(path);
            });
    }

    /// Adds the chapter listed as `relative`, whose canonical path is `path`. `cursor` is the
    /// offset in `SUMMARY.md` after the previous chapter's link, where the search for this one
    /// starts, because the list is in book order and a search from the start would make
    /// loading quadratic in chapters.
    fn add_chapter(
        &mut self,
        summary: &Arc<SourceFile>,
        relative: PathBuf,
        path: PathBuf,
        cursor: &mut usize,
    ) {
        let written = relative.to_string_lossy().into_owned();
        let text = summary.text();
        let start = text[*cursor..]
            .find(&written)
            .map(|offset| *cursor + offset)
            .or_else(|| text.find(&written))
            .unwrap_or(0);
        let span = start..start + written.len();
        *cursor = span.end.min(text.len());

        // The output mirrors `relative` under OUT, so a path that climbs out of the source
        // folder would be written outside OUT, and one that resolves outside the root would
        // publish a file from elsewhere on the machine.
        if leaves_folder(&relative) || !path.starts_with(&self.config.root) {
            self.diagnostics.push(
                Diagnostic::new(
                    &rules::CHAPTER_OUTSIDE_SOURCE,
                    format!("chapter `{written}` is outside the source folder"),
                )
                .label(summary, span, "listed here")
                .help(format!(
                    "move the chapter into `{}/` and list it by a path relative to that folder",
                    display_path(&self.config.root, &self.config.src)
                )),
            );
            return;
        }

        match self.files.load(&path) {
            Ok(file) => self.chapters.push(Chapter { relative, file }),
            Err(error) => {
                self.diagnostics.push(
                    Diagnostic::new(
                        &rules::CHAPTER_NOT_FOUND,
                        format!("chapter `{written}` cannot be read: {error}"),
                    )
                    .label(summary, span, "listed here")
                    .help(format!(
                        "create `{}` or remove the entry",
                        display_path(&self.config.root, &path)
                    )),
                );
            }
        }
    }
}

/// Whether `relative` is absolute or climbs above the folder it is relative to.
pub(crate) fn leaves_folder(relative: &Path) -> bool {
    let mut depth = 0usize;
    for component in relative.components() {
        match component {
            Component::Normal(_) => depth += 1,
            Component::CurDir => {}
            Component::ParentDir if depth > 0 => depth -= 1,
            Component::ParentDir | Component::RootDir | Component::Prefix(_) => return true,
        }
    }
    false
}

/// Turns mdBook's summary parse error into a finding at the line and column it names.
fn summary_diagnostic(
    summary: &Arc<SourceFile>,
    error: &mdbook_preprocessor::errors::Error,
) -> Diagnostic {
    // mdBook words the innermost cause as "failed to parse SUMMARY.md line L, column C: REASON".
    let cause = error.root_cause().to_string();
    let position = regex::Regex::new(r"line (\d+), column (\d+): (.*)")
        .ok()
        .and_then(|pattern| {
            pattern
                .captures(&cause)
                .map(|c| (c[1].parse().ok(), c[2].parse().ok(), c[3].to_string()))
        });
    let (offset, reason) = match position {
        Some((Some(line), Some(column), reason)) => (summary.offset_of(line, column), reason),
        _ => (0, cause.clone()),
    };
    Diagnostic::new(&rules::INVALID_SUMMARY, format!("invalid {SUMMARY}: {reason}"))
        .label(summary, offset..offset, "here")
        .help("follow mdBook's SUMMARY.md format: a title, prefix chapters, numbered lists of `[Name](file.md)` links, then suffix chapters")
}

fn collect_locations(item: &mdbook_summary::SummaryItem, locations: &mut Vec<PathBuf>) {
    if let mdbook_summary::SummaryItem::Link(link) = item {
        // A link without a location is a draft chapter, which mdBook does not render.
        if let Some(location) = &link.location {
            // mdBook drops `./` from chapter paths, so `./x.md` and `x.md` name one chapter.
            let location = location
                .components()
                .filter(|c| *c != std::path::Component::CurDir)
                .collect();
            locations.push(location);
        }
        for nested in &link.nested_items {
            collect_locations(nested, locations);
        }
    }
}

fn to_io(error: LoadError) -> std::io::Error {
    match error {
        LoadError::NotFound => std::io::ErrorKind::NotFound.into(),
        other => std::io::Error::other(other.to_string()),
    }
}
