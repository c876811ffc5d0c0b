//! Writing the finished book: standalone Markdown and the HTML book.
//!
//! Outputs are staged in a temporary folder beside their destination and renamed into place,
//! so a reader (or `mdbook serve`) never sees a half-written tree, and a failed build leaves
//! the previous good output untouched.

use std::collections::HashSet;
use std::fs;
use std::path::{Component, Path, PathBuf};
use std::sync::{Mutex, PoisonError};

use rayon::prelude::*;

use crate::analysis::{Analysis, ExpandedChapter};
use crate::book::{Book, SUMMARY};
use crate::error::{Error, Result};

/// The Markdown output's folder under OUT.
pub const MARKDOWN_FOLDER: &str = "markdown";
/// The HTML output's folder under OUT.
pub const HTML_FOLDER: &str = "html";

/// Rejects an output folder that is, contains or lies inside a source folder, since writing
/// there could overwrite the author's files or make a watcher rebuild forever.
pub fn check_output_folder(book: &Book, out: &Path) -> Result<()> {
    let out = absolute(out);
    let mut sources = vec![book.config.root.clone(), book.config.src.clone()];
    sources.extend(book.config.include_path.iter().cloned());
    for source in &sources {
        let clash = out == *source
            || source.starts_with(&out)
            || (out.starts_with(source) && source != &book.config.root);
        if clash {
            return Err(Error::Usage(format!(
                "the output folder `{}` must not be, contain or lie inside the source folder `{}`; \
                 choose another `--out`",
                out.display(),
                source.display()
            )));
        }
    }
    Ok(())
}

/// Checks the output file of `render` and returns its absolute form, which is where to write.
///
/// The folder it goes in must exist, because creating folders for a mistyped path would
/// scatter files across the machine. It must not be a source of the book: `book.toml`, a file
/// under the source folder or an include-path folder, an existing Markdown file directly in
/// the root of a book without `book.toml` (a chapter there), or one of `read` (the files the
/// rendered chapter reads), since writing there would replace the author's text.
pub fn check_output_file(book: &Book, path: &Path, read: &[&Path]) -> Result<PathBuf> {
    let target = absolute(path);
    let folder = target.parent().unwrap_or(Path::new("/"));
    if !folder.is_dir() {
        return Err(Error::Usage(format!(
            "the folder of `-o {}` does not exist: `{}`; create it first or choose another \
             output file",
            path.display(),
            folder.display()
        )));
    }

    if let Some(clash) = source_clash(book, &target, read) {
        return Err(Error::Usage(format!(
            "`-o {}` would {clash}; choose an output file outside the book's sources",
            path.display()
        )));
    }
    Ok(target)
}

/// Describes how writing `target` would touch a source of `book`, if it would.
fn source_clash(book: &Book, target: &Path, read: &[&Path]) -> Option<String> {
    let config = &book.config;
    let shown = |path: &Path| crate::files::display_path(&config.root, path);
    if read.contains(&target) {
        return Some(format!("overwrite the source file `{}`", shown(target)));
    }
    if config.book_toml.as_deref() == Some(target) || target == config.root.join("book.toml") {
        return Some("overwrite the book's configuration `book.toml`".to_string());
    }

    let plain_chapter = config.book_toml.is_none()
        && target.parent() == Some(config.root.as_path())
        && target.is_file()
        && target
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("md"));
    if plain_chapter {
        return Some(format!("overwrite the chapter `{}`", shown(target)));
    }

    let mut folders = Vec::new();
    if config.book_toml.is_some() {
        folders.push(&config.src);
    }
    folders.extend(&config.include_path);
    let folder = folders.into_iter().find(|f| target.starts_with(f))?;
    Some(if target.exists() {
        format!(
            "overwrite `{}` in the source folder `{}/`",
            shown(target),
            shown(folder)
        )
    } else {
        format!("write into the source folder `{}/`", shown(folder))
    })
}

/// The absolute form of `path`, canonical as far as it exists.
///
/// Components are resolved one at a time, as the operating system does, so a symbolic link is
/// followed before a `..` after it. A `..` after a folder that does not exist yet cancels that
/// folder, because `create_dir_all` will create it there: `OUT/new/../docs` is `OUT/docs`.
pub fn absolute(path: &Path) -> PathBuf {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut resolved = PathBuf::new();
    for component in absolute.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                resolved.pop();
            }
            other => {
                resolved.push(other);
                if let Ok(real) = resolved.canonicalize() {
                    resolved = real;
                }
            }
        }
    }
    resolved
}

/// Writes every expanded chapter, and `SUMMARY.md`, to `out/markdown/`, mirroring the source
/// tree. The chapters are written on all cores: copying the text into the page cache is most
/// of a `build --no-html`.
pub fn write_markdown(book: &Book, analysis: &Analysis, out: &Path) -> Result<()> {
    let destination = out.join(MARKDOWN_FOLDER);
    replace_folder(&destination, |staging| {
        let paths: Vec<PathBuf> = analysis
            .chapters
            .iter()
            .map(|chapter| staging.join(&chapter.chapter.relative))
            .collect();
        create_parents(&paths)?;
        paths
            .par_iter()
            .zip(&analysis.chapters)
            .try_for_each(|(path, chapter)| write_new(path, chapter.expansion.text.as_bytes()))?;

        if let Some(summary) = &book.summary {
            write_file(&staging.join(SUMMARY), summary.text().as_bytes())?;
        }
        Ok(())
    })
}

/// Creates the folders that `paths` are in, each once.
fn create_parents(paths: &[PathBuf]) -> Result<()> {
    let mut created: HashSet<&Path> = HashSet::new();
    for parent in paths.iter().filter_map(|path| path.parent()) {
        if created.insert(parent) {
            fs::create_dir_all(parent).map_err(|e| Error::io("creating", parent, e))?;
        }
    }
    Ok(())
}

/// Rewrites the Markdown output of `chapters` in `out/markdown/`, each file atomically, and
/// leaves every other file as it is. Watch mode uses it after an incremental rebuild; when the
/// list of chapters may have changed, [`write_markdown`] replaces the whole folder instead.
pub fn update_markdown<'a>(
    out: &Path,
    chapters: impl IntoIterator<Item = &'a ExpandedChapter>,
) -> Result<()> {
    let destination = out.join(MARKDOWN_FOLDER);
    for chapter in chapters {
        let path = destination.join(&chapter.chapter.relative);
        write_atomic(&path, chapter.expansion.text.as_bytes())?;
    }
    Ok(())
}

/// Checks that `out/markdown/` contains a file for each of `chapters`, and `SUMMARY.md` when
/// the book has one, as [`write_markdown`] leaves it. Files can go missing when someone deletes
/// them, such as the whole output folder, while watch mode runs.
pub fn markdown_is_complete(book: &Book, chapters: &[ExpandedChapter], out: &Path) -> bool {
    let folder = out.join(MARKDOWN_FOLDER);
    let summary = book.summary.is_none() || folder.join(SUMMARY).is_file();
    summary
        && chapters
            .iter()
            .all(|chapter| folder.join(&chapter.chapter.relative).is_file())
}

/// Writes one file, creating its folder.
fn write_file(path: &Path, bytes: &[u8]) -> Result<()> {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).map_err(|e| Error::io("creating", parent, e))?;
    }
    write_new(path, bytes)
}

/// Writes one file into a folder that exists.
fn write_new(path: &Path, bytes: &[u8]) -> Result<()> {
    fs::write(path, bytes).map_err(|e| Error::io("writing", path, e))
}

/// Writes `bytes` to `path` through a temporary file in the same folder and a rename, so the
/// file is either the old one or the complete new one.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let temporary = sibling(path, "tmp");
    write_file(&temporary, bytes)?;
    fs::rename(&temporary, path).map_err(|e| {
        let _ = fs::remove_file(&temporary);
        Error::io("renaming into", path, e)
    })
}

/// Fills a staging folder with `fill`, then swaps it in for `destination`, and returns what
/// `fill` returned. On failure the staging folder is removed and `destination` is left as it
/// was. Staging and set-aside folders that an earlier run left behind when it was killed are
/// removed first.
pub fn replace_folder<T>(destination: &Path, fill: impl FnOnce(&Path) -> Result<T>) -> Result<T> {
    // Only the parent is resolved: a `..` in it would otherwise put the staging folder and the
    // output in different places, and a link at `destination` itself is replaced, not followed.
    let destination = match (destination.parent(), destination.file_name()) {
        (Some(parent), Some(name)) => absolute(parent).join(name),
        _ => absolute(destination),
    };
    remove_stale_siblings(&destination);

    // After a successful swap the staging folder no longer exists, so dropping the guard only
    // cleans up after a failure or a panic, whichever step failed.
    let staging = WorkFolder::new(sibling(&destination, "staging"));
    stage_and_swap(&destination, staging.path(), fill)
}

fn stage_and_swap<T>(
    destination: &Path,
    staging: &Path,
    fill: impl FnOnce(&Path) -> Result<T>,
) -> Result<T> {
    fs::create_dir_all(staging).map_err(|e| Error::io("creating", staging, e))?;
    let filled = fill(staging)?;

    let previous = WorkFolder::new(sibling(destination, "previous"));
    let swap = SWAP.lock().unwrap_or_else(PoisonError::into_inner);
    let moved_aside = fs::symlink_metadata(destination).is_ok();
    if moved_aside {
        fs::rename(destination, previous.path())
            .map_err(|e| Error::io("moving aside", destination, e))?;
    }
    if let Err(error) = fs::rename(staging, destination) {
        if moved_aside {
            let _ = fs::rename(previous.path(), destination);
        }
        return Err(Error::io("renaming into", destination, error));
    }
    drop(swap);
    drop(previous);
    Ok(filled)
}

/// Held by a folder swap between its two renames, while the destination is missing.
static SWAP: Mutex<()> = Mutex::new(());

/// The staging, set-aside and scratch folders that this process is writing or removing.
static WORK_FOLDERS: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// A temporary folder beside an output folder, listed in [`WORK_FOLDERS`] while it exists and
/// removed when the guard is dropped, also while a panic unwinds.
pub(crate) struct WorkFolder(PathBuf);

impl WorkFolder {
    pub(crate) fn new(path: PathBuf) -> Self {
        lock_work_folders().push(path.clone());
        Self(path)
    }

    pub(crate) fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for WorkFolder {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
        lock_work_folders().retain(|folder| folder != &self.0);
    }
}

fn lock_work_folders() -> std::sync::MutexGuard<'static, Vec<PathBuf>> {
    WORK_FOLDERS.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Prepares the process to exit while another thread may be writing outputs. It waits for a
/// folder swap that has started and keeps any other from starting, so that no output folder
/// is left missing. Then it removes this process's staging and scratch folders. Watch mode
/// calls it on Ctrl-C while its HTML thread may be rendering.
///
/// The thread that fills a removed folder goes on until the process exits and may recreate
/// a subfolder of it in that moment. Such a leftover has this process's id in its name, and
/// the next build into the same output folder removes it (see [`remove_stale_siblings`]).
pub fn stop_swaps() {
    std::mem::forget(SWAP.lock().unwrap_or_else(PoisonError::into_inner));
    for folder in lock_work_folders().iter() {
        // A writer may add a file while the tree is removed, which makes one pass fail.
        if fs::remove_dir_all(folder).is_err() {
            let _ = fs::remove_dir_all(folder);
        }
    }
}

/// A hidden name beside `path`, unique to this process.
fn sibling(path: &Path, purpose: &str) -> PathBuf {
    path.with_file_name(format!(
        "{}{}",
        sibling_prefix(path, purpose),
        std::process::id()
    ))
}

/// The name of a [`sibling`] of `path` without the process id, such as `.markdown.staging-`.
fn sibling_prefix(path: &Path, purpose: &str) -> String {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    format!(".{name}.{purpose}-")
}

/// Removes the staging and set-aside folders of `destination` whose process has ended, which
/// a build killed halfway leaves behind.
fn remove_stale_siblings(destination: &Path) {
    let Some(parent) = destination.parent() else {
        return;
    };
    let Ok(entries) = fs::read_dir(parent) else {
        return;
    };
    let prefixes = [
        sibling_prefix(destination, "staging"),
        sibling_prefix(destination, "previous"),
        sibling_prefix(destination, "pages"),
    ];
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let pid = prefixes
            .iter()
            .find_map(|prefix| name.strip_prefix(prefix.as_str()))
            .and_then(|pid| pid.parse::<u32>().ok());
        if pid.is_some_and(|pid| !process_may_be_running(pid, &entry.path())) {
            let _ = fs::remove_dir_all(entry.path());
        }
    }
}

/// Whether the process `pid` that made `folder` may still be writing it. With `/proc` the
/// answer is exact, up to a reused process id. A folder with this process's own id is
/// abandoned: this process never replaces one destination twice at once, so an earlier run
/// with the same id, common in containers, left it.
// NOTE: without `/proc` (macOS, the BSDs) a folder counts as abandoned once it is a day old,
// an assumed bound on how long one build runs.
fn process_may_be_running(pid: u32, folder: &Path) -> bool {
    if pid == std::process::id() {
        return false;
    }
    let proc = Path::new("/proc");
    if proc.join("self").exists() {
        return proc.join(pid.to_string()).exists();
    }
    let age = fs::symlink_metadata(folder)
        .and_then(|metadata| metadata.modified())
        .ok()
        .and_then(|modified| modified.elapsed().ok());
    age.is_none_or(|age| age < std::time::Duration::from_secs(24 * 60 * 60))
}

#[cfg(feature = "html")]
pub mod html;
#[cfg(feature = "html")]
pub use html::write_html;
