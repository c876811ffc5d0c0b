//! Snippets that no chapter includes: usually a file renamed in the include path but not in
//! the directive, or one left behind when a chapter changed.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::analysis::ExpandedChapter;
use crate::book::Book;
use crate::diagnostic::Diagnostic;
use crate::expand::canonical;

use super::rules::ORPHAN_SNIPPET;

/// File extensions of snippets.
const SNIPPET_EXTENSIONS: &[&str] = &["yaml", "yml"];

/// Reports the YAML files of the include path that no chapter includes.
///
/// Only a whole mdBook is checked: when `check` is limited to some chapters, or a plain folder
/// is checked file by file, the other chapters may well include the file. A failed directive
/// also stops the check, because the file it meant is then reported as unused.
pub fn check(book: &Book, chapters: &[ExpandedChapter], findings: &mut Vec<Diagnostic>) {
    if !is_whole_book(book) || chapters.iter().any(super::has_directive_errors) {
        return;
    }
    // Inclusions of one path usually share one `SourceFile`, so distinct files are found by
    // address first, which saves hashing each of the book's paths component by component.
    let mut seen_files = HashSet::new();
    let included: HashSet<&Path> = chapters
        .iter()
        .flat_map(|c| &c.expansion.inclusions)
        .filter(|i| seen_files.insert(Arc::as_ptr(&i.target)))
        .map(|i| i.target.path())
        .collect();

    let mut files = Vec::new();
    for folder in &book.config.include_path {
        collect_snippets(&book.config.root, folder, &mut files);
    }
    files.sort();
    files.dedup();
    for path in files.iter().filter(|p| !included.contains(p.as_path())) {
        let Ok(file) = book.files.load(path) else {
            continue;
        };
        findings.push(
            Diagnostic::new(
                &ORPHAN_SNIPPET,
                format!("no chapter includes `{}`", file.display_path()),
            )
            .label(&file, 0..0, "this file is in the include path")
            .help("include it with `!!!include(FILE)!!!` where the guide needs it, or delete it"),
        );
    }
}

/// Whether every chapter that `SUMMARY.md` lists is loaded.
fn is_whole_book(book: &Book) -> bool {
    book.listed_chapters == Some(book.chapters.len())
}

/// Collects the snippets under `folder`, canonical. A symbolic link is followed only to a file
/// inside `root` (canonical), so the scan never reads a file from elsewhere on the machine, and
/// linked folders are not entered, which also keeps a link loop from recursing forever.
fn collect_snippets(root: &Path, folder: &Path, files: &mut Vec<PathBuf>) {
    // The default include folder is not validated like a configured one and may be a link.
    let real_folder = canonical(folder);
    if !real_folder.starts_with(root) {
        return;
    }
    let Ok(entries) = std::fs::read_dir(folder) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let hidden = entry.file_name().to_string_lossy().starts_with('.');
        let Ok(file_type) = entry.file_type() else {
            continue;
        };
        if hidden {
            continue;
        }
        if file_type.is_dir() {
            collect_snippets(root, &path, files);
            continue;
        }

        if !is_snippet(&path) {
            continue;
        }
        // Only a link needs resolving: a plain file's canonical path is in the canonical
        // folder.
        if file_type.is_file() {
            files.push(real_folder.join(entry.file_name()));
            continue;
        }
        let real = canonical(&path);
        if real.starts_with(root) && real.is_file() {
            files.push(real);
        }
    }
}

fn is_snippet(path: &Path) -> bool {
    path.extension().is_some_and(|e| {
        SNIPPET_EXTENSIONS.contains(&e.to_string_lossy().to_ascii_lowercase().as_str())
    })
}
