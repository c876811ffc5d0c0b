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
mod markdown;
mod orphans;
mod prose;
pub mod rules;
mod scope;
mod shell;
mod vlan;

use crate::analysis::ExpandedChapter;
use crate::book::Book;
use crate::diagnostic::Diagnostic;
use crate::snippet::Snippet;

use scope::Scope;

/// Runs every consistency rule over the expanded chapters and their validated snippets.
pub fn check(book: &Book, chapters: &[ExpandedChapter], snippets: &[Snippet]) -> Vec<Diagnostic> {
    let mut whole = Scope::of(snippets);
    // A chapter that failed to load or a failed directive leaves the book's snippets incomplete.
    whole.incomplete |= !book.diagnostics.is_empty() || chapters.iter().any(has_directive_errors);
    let mut findings = Vec::new();
    bridges::check(&whole, &mut findings);
    vlan::check_documents(&whole, &mut findings);
    for chapter in chapters {
        check_chapter(chapter, snippets, &whole, &mut findings);
    }
    orphans::check(book, chapters, &mut findings);
    deduplicate(findings)
}

fn check_chapter(
    chapter: &ExpandedChapter,
    snippets: &[Snippet],
    whole: &Scope<'_>,
    findings: &mut Vec<Diagnostic>,
) {
    let scope = Scope::of_chapter(chapter, snippets);
    localnet::check(&scope, whole, findings);
    vlan::check_paths(&scope, findings);
    addresses::check(&scope, findings);

    let files = markdown::files(chapter);
    let parts: Vec<markdown::Parts> = files.iter().map(|f| markdown::parse(f.text())).collect();
    let applied = files
        .iter()
        .zip(&parts)
        .flat_map(|(file, parts)| shell::applied_files(file, &parts.shell_blocks))
        .collect();
    let context = shell::Context {
        chapter,
        scope: &scope,
        applied,
    };
    for (file, parts) in files.into_iter().zip(&parts) {
        prose::check(file, &parts.prose, &scope, findings);
        shell::check(&context, file, &parts.shell_blocks, findings);
    }
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
