//! The include graph in both directions: which files each chapter depends on, and which
//! chapters depend on each file. Watch mode uses it to re-expand only the chapters an edit
//! touches and to choose the folders it watches.

use std::collections::{BTreeMap, BTreeSet};
use std::ffi::OsStr;
use std::ops::Bound;
use std::path::{Path, PathBuf};

use crate::analysis::ExpandedChapter;

/// Dependencies between chapters (by index in book order) and canonical file paths.
#[derive(Debug, Default)]
pub struct IncludeGraph {
    /// Per chapter: its own file and every file it includes, nested includes too.
    dependencies: Vec<BTreeSet<PathBuf>>,
    /// Per file: the chapters that depend on it.
    dependents: BTreeMap<PathBuf, BTreeSet<usize>>,
    /// Chapters with a directive problem, such as an include that did not resolve. Creating a
    /// file can fix them, so they are re-expanded whenever a file the graph does not know about
    /// appears.
    unresolved: BTreeSet<usize>,
}

impl IncludeGraph {
    /// Builds the graph of `chapters`, given in book order.
    pub fn new(chapters: &[ExpandedChapter]) -> Self {
        let mut graph = Self::default();
        for (index, chapter) in chapters.iter().enumerate() {
            graph.set_chapter(index, chapter);
        }
        graph
    }

    /// Replaces the edges of chapter `index` with those of its new expansion.
    pub fn set_chapter(&mut self, index: usize, chapter: &ExpandedChapter) {
        if self.dependencies.len() <= index {
            self.dependencies.resize_with(index + 1, BTreeSet::new);
        }
        for path in std::mem::take(&mut self.dependencies[index]) {
            self.remove_edge(&path, index);
        }

        let expansion = &chapter.expansion;
        let mut files = BTreeSet::from([chapter.chapter.file.path().to_path_buf()]);
        files.extend(
            expansion
                .inclusions
                .iter()
                .map(|i| i.target.path().to_path_buf()),
        );
        for path in &files {
            self.dependents
                .entry(path.clone())
                .or_default()
                .insert(index);
        }
        self.dependencies[index] = files;

        if expansion.diagnostics.is_empty() {
            self.unresolved.remove(&index);
        } else {
            self.unresolved.insert(index);
        }
    }

    fn remove_edge(&mut self, path: &Path, index: usize) {
        if let Some(chapters) = self.dependents.get_mut(path) {
            chapters.remove(&index);
            if chapters.is_empty() {
                self.dependents.remove(path);
            }
        }
    }

    /// Returns the known files at `path` or, when `path` is a folder, under it. A folder that was
    /// renamed or deleted is reported by its own path, so its files are found by prefix.
    pub fn files_under<'a>(&'a self, path: &'a Path) -> impl Iterator<Item = &'a PathBuf> + 'a {
        // Paths order component by component, so the files under `path` directly follow it.
        self.dependents
            .range::<Path, _>((Bound::Included(path), Bound::Unbounded))
            .map(|(file, _)| file)
            .take_while(move |file| file.starts_with(path))
    }

    /// Returns whether any known file is at or under `path`.
    pub fn knows(&self, path: &Path) -> bool {
        self.files_under(path).next().is_some()
    }

    /// Returns the chapters that depend on a file at or under `path`.
    pub fn dependents(&self, path: &Path) -> BTreeSet<usize> {
        self.files_under(path)
            .flat_map(|file| &self.dependents[file])
            .copied()
            .collect()
    }

    /// Returns the chapters that depend on a file named `name` in any folder. A new file of that name
    /// may shadow the one they include, because directives resolve against the including
    /// file's folder before the include path.
    pub fn dependents_by_name(&self, name: &OsStr) -> BTreeSet<usize> {
        self.dependents
            .iter()
            .filter(|(file, _)| file.file_name() == Some(name))
            .flat_map(|(_, chapters)| chapters)
            .copied()
            .collect()
    }

    /// Chapters with directive problems.
    pub fn unresolved(&self) -> &BTreeSet<usize> {
        &self.unresolved
    }

    /// Returns every file some chapter depends on.
    pub fn files(&self) -> impl Iterator<Item = &PathBuf> {
        self.dependents.keys()
    }
}
