//! Consistency rules: checks across snippets, and between snippets and the chapter text.
//!
//! Each snippet can be valid on its own and still disagree with another (a NAD whose localnet
//! no NNCP maps) or with the text that presents it (`VLAN 3867` in the prose, `3876` in the
//! YAML). These rules read the typed model that [`crate::snippet`] builds for every document.
//!
//! Scopes:
//! - A chapter with everything it includes is the first scope. A reference the chapter cannot
//!   resolve (a localnet mapping, the live-migration NAD) is looked up in the whole book, so a
//!   book may set up the hosts in one chapter and the networks in another.
//! - Rules that compare peers (NADs of one network, overlapping subnets, static addresses)
//!   stay within one chapter, because separate chapters often describe separate clusters.
//! - NNCPs of one chapter that share `metadata.name` are alternatives (a guide's option 1 and
//!   option 2): each is checked against the NADs on its own, and they are never compared with
//!   each other.
//! - Rules about a single NNCP run once per snippet file.

mod addresses;
mod bridges;
mod localnet;
mod orphans;
mod prose;
pub mod rules;
mod scope;
mod shell;
mod vlan;

use rayon::prelude::*;

use crate::analysis::ExpandedChapter;
use crate::book::Book;
use crate::diagnostic::Diagnostic;
use crate::snippet::Snippet;

use scope::{Scope, SnippetIndex};

/// The findings of the rules that read only one chapter's own scope (its text and the snippets
/// it includes), per chapter in book order. Watch mode keeps it between rebuilds, so that an
/// edit re-runs those rules only for the chapters it re-expanded. The rules that look up the
/// whole book (the localnet mappings) run for every chapter on every pass.
#[derive(Debug, Default)]
pub struct ChapterCache {
    chapters: Vec<Option<Vec<Diagnostic>>>,
}

impl ChapterCache {
    /// Forgets the findings of the chapter at `index`, whose expansion or snippets changed.
    pub fn invalidate(&mut self, index: usize) {
        if let Some(findings) = self.chapters.get_mut(index) {
            *findings = None;
        }
    }

    /// Forgets every chapter, after the list of chapters changed.
    pub fn clear(&mut self) {
        self.chapters.clear();
    }
}

/// Runs every consistency rule over the expanded chapters and their validated snippets.
pub fn check(book: &Book, chapters: &[ExpandedChapter], snippets: &[Snippet]) -> Vec<Diagnostic> {
    check_cached(book, chapters, snippets, &mut ChapterCache::default())
}

/// Runs every consistency rule like [`check`], reusing the per-chapter findings that `cache`
/// holds and storing those it computes. Chapters are checked on all cores; findings keep book
/// order, so the output does not depend on scheduling.
pub fn check_cached(
    book: &Book,
    chapters: &[ExpandedChapter],
    snippets: &[Snippet],
    cache: &mut ChapterCache,
) -> Vec<Diagnostic> {
    let mut whole = Scope::of(snippets);
    // A chapter that failed to load or a failed directive leaves the book's snippets incomplete.
    whole.incomplete |= !book.diagnostics.is_empty() || chapters.iter().any(has_directive_errors);
    let mut findings = Vec::new();
    bridges::check(&whole, &mut findings);
    vlan::check_documents(&whole, &mut findings);

    if cache.chapters.len() != chapters.len() {
        cache.chapters = vec![None; chapters.len()];
    }
    let index = SnippetIndex::new(snippets);
    let results: Vec<(Vec<Diagnostic>, Option<Vec<Diagnostic>>)> = chapters
        .par_iter()
        .zip(&cache.chapters)
        .map(|(chapter, cached)| check_chapter(chapter, &index, &whole, cached.is_none()))
        .collect();
    for ((book_level, computed), cached) in results.into_iter().zip(&mut cache.chapters) {
        findings.extend(book_level);
        if let Some(computed) = computed {
            *cached = Some(computed);
        }
        findings.extend(cached.iter().flatten().cloned());
    }

    orphans::check(book, chapters, &mut findings);
    deduplicate(findings)
}

/// Checks one chapter. Returns the findings of the rules that look up the whole book, and,
/// when `local` is set, those of the rules that read only the chapter's own scope.
fn check_chapter(
    chapter: &ExpandedChapter,
    snippets: &SnippetIndex<'_>,
    whole: &Scope<'_>,
    local: bool,
) -> (Vec<Diagnostic>, Option<Vec<Diagnostic>>) {
    let scope = Scope::of_chapter(chapter, snippets);
    let mut book_level = Vec::new();
    localnet::check(&scope, whole, &mut book_level);

    (
        book_level,
        local.then(|| check_chapter_scope(chapter, &scope)),
    )
}

/// Runs the rules that read only the chapter's text and the snippets it includes.
fn check_chapter_scope(chapter: &ExpandedChapter, scope: &Scope<'_>) -> Vec<Diagnostic> {
    let mut findings = Vec::new();
    vlan::check_paths(scope, &mut findings);
    addresses::check(scope, &mut findings);

    let files = &chapter.expansion.markdown;
    let applied = files
        .iter()
        .flat_map(|md| shell::applied_files(&md.file, &md.outline.shell_blocks))
        .collect();
    let context = shell::Context {
        chapter,
        scope,
        applied,
    };
    for md in files {
        prose::check(&md.file, &md.outline.prose, scope, &mut findings);
        shell::check(&context, &md.file, &md.outline.shell_blocks, &mut findings);
    }
    findings
}

/// Whether a directive of the chapter failed, so that some of its snippets are missing.
pub(crate) fn has_directive_errors(chapter: &ExpandedChapter) -> bool {
    !chapter.expansion.diagnostics.is_empty()
}

/// Drops findings that two chapters including the same snippets both produced.
fn deduplicate(findings: Vec<Diagnostic>) -> Vec<Diagnostic> {
    let mut seen = std::collections::HashSet::new();
    findings
        .into_iter()
        .filter(|finding| {
            let labels: Vec<_> = finding
                .labels
                .iter()
                .map(|l| (l.file.path().to_path_buf(), l.span.clone()))
                .collect();
            seen.insert((finding.rule.id, finding.message.clone(), labels))
        })
        .collect()
}
