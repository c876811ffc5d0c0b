//! The whole-book pass shared by `check`, `build`, `watch` and the mdBook preprocessor:
//! expand every chapter, validate every included snippet once, and collect the findings.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::Arc;

use rayon::prelude::*;

use crate::book::{Book, Chapter};
use crate::consistency::{self, ChapterCache};
use crate::diagnostic::{Diagnostic, Severity};
use crate::expand::{Expander, Expansion, Inclusion, Mode};
use crate::rules::{Level, RuleLevels};
use crate::snippet::{self, Snippet};
use crate::suppress;

/// File extensions validated as Kubernetes YAML.
const YAML_EXTENSIONS: &[&str] = &["yaml", "yml"];

/// One chapter after expansion.
#[derive(Debug)]
pub struct ExpandedChapter {
    /// The chapter.
    pub chapter: Chapter,
    /// Its expanded text, inclusions and directive problems.
    pub expansion: Expansion,
}

/// Everything one pass over a book found.
#[derive(Debug, Default)]
pub struct Analysis {
    /// Chapters in book order.
    pub chapters: Vec<ExpandedChapter>,
    /// Each distinct YAML snippet, in the order chapters first include them.
    pub snippets: Vec<Snippet>,
    /// Every finding, after the rule levels of `book.toml` are applied.
    pub diagnostics: Vec<Diagnostic>,
}

/// Counts for the summary line printed after a run.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Summary {
    /// Chapters expanded.
    pub chapters: usize,
    /// Directives met, nested ones included.
    pub directives: usize,
    /// Validated documents per kind.
    pub validated: BTreeMap<String, usize>,
    /// Documents of kinds netsnip has no schema for, per kind.
    pub not_validated: BTreeMap<String, usize>,
    /// Findings that are errors.
    pub errors: usize,
    /// Findings that are warnings.
    pub warnings: usize,
}

impl Analysis {
    /// Whether any finding is an error.
    pub fn has_errors(&self) -> bool {
        self.diagnostics
            .iter()
            .any(|d| d.severity == Severity::Error)
    }

    /// The counts for the summary line.
    pub fn summary(&self) -> Summary {
        let mut summary = Summary {
            chapters: self.chapters.len(),
            directives: self
                .chapters
                .iter()
                .map(|c| c.expansion.directive_count)
                .sum(),
            ..Summary::default()
        };
        for document in self.snippets.iter().flat_map(|s| &s.documents) {
            let counts = if document.validated {
                &mut summary.validated
            } else {
                &mut summary.not_validated
            };
            *counts.entry(document.kind.label().to_string()).or_default() += 1;
        }
        summary.errors = self.count(Severity::Error);
        summary.warnings = self.count(Severity::Warning);
        summary
    }

    fn count(&self, severity: Severity) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == severity)
            .count()
    }
}

/// Runs the whole pass over `book`, expanded text included. Chapters are expanded, and
/// snippets validated, on all cores; every result keeps book order, so the output does not
/// depend on scheduling.
pub fn analyze(book: &Book) -> Analysis {
    analyze_with(book, Mode::Text)
}

/// Runs the whole pass like [`analyze`], building the expanded text only in [`Mode::Text`].
/// The findings are the same in both modes.
pub fn analyze_with(book: &Book, mode: Mode) -> Analysis {
    let expander = Expander::with_mode(&book.resolver, &book.files, mode);
    let chapters: Vec<ExpandedChapter> = book
        .chapters
        .par_iter()
        .map(|chapter| ExpandedChapter {
            expansion: expander.expand(&chapter.file),
            chapter: chapter.clone(),
        })
        .collect();

    let mut diagnostics = book.diagnostics.clone();
    for chapter in &chapters {
        diagnostics.extend(chapter.expansion.diagnostics.iter().cloned());
    }
    let snippets = validate_snippets(&chapters, &mut diagnostics);
    diagnostics.extend(consistency::check(book, &chapters, &snippets));
    let diagnostics = suppress::apply(&chapters, diagnostics);

    Analysis {
        chapters,
        snippets,
        diagnostics: apply_levels(diagnostics, &book.config.rules),
    }
}

/// Validates each distinct YAML file once, labelling its findings with the first directive
/// that included it.
fn validate_snippets(
    chapters: &[ExpandedChapter],
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<Snippet> {
    let order = first_yaml_inclusions(chapters);
    let snippets: Vec<Snippet> = order
        .par_iter()
        .map(|inclusion| snippet::analyze(Arc::clone(&inclusion.target)))
        .collect();
    for (snippet, inclusion) in snippets.iter().zip(order) {
        for diagnostic in &snippet.diagnostics {
            diagnostics.push(with_included_from(diagnostic.clone(), inclusion));
        }
    }
    snippets
}

fn with_included_from(diagnostic: Diagnostic, inclusion: &Inclusion) -> Diagnostic {
    let location = inclusion.from.location(inclusion.directive.start);
    let text = format!(
        "included from {}:{}:{}",
        inclusion.from.display_path(),
        location.line,
        location.column
    );
    diagnostic.label(&inclusion.from, inclusion.directive.clone(), text)
}

fn is_yaml(path: &std::path::Path) -> bool {
    path.extension().is_some_and(|e| {
        YAML_EXTENSIONS
            .iter()
            .any(|yaml| e.eq_ignore_ascii_case(yaml))
    })
}

/// Applies the levels of `book.toml`: drops allowed findings and sets the severity of the rest.
fn apply_levels(diagnostics: Vec<Diagnostic>, levels: &RuleLevels) -> Vec<Diagnostic> {
    diagnostics
        .into_iter()
        .filter_map(|mut diagnostic| {
            let level = levels.overridden(diagnostic.rule);
            match level.or((diagnostic.rule.default == Level::Allow).then_some(Level::Allow)) {
                Some(Level::Allow) => return None,
                Some(Level::Warn) => diagnostic.severity = Severity::Warning,
                Some(Level::Deny) => diagnostic.severity = Severity::Error,
                None => {}
            }
            Some(diagnostic)
        })
        .collect()
}

/// Expands one chapter of `book`; watch mode repeats this for the chapters an edit touches.
pub fn expand_chapter(book: &Book, chapter: &Chapter) -> ExpandedChapter {
    let expander = Expander::new(&book.resolver, &book.files);
    ExpandedChapter {
        expansion: expander.expand(&chapter.file),
        chapter: chapter.clone(),
    }
}

/// Validates each distinct YAML snippet that `chapters` include, in the order they are first
/// included. A snippet of `previous` whose file has the same path and text is reused, so an
/// incremental rebuild parses only the snippets that changed. Unused snippets are dropped.
pub fn revalidate_snippets(chapters: &[ExpandedChapter], previous: Vec<Snippet>) -> Vec<Snippet> {
    let mut cached: HashMap<PathBuf, Snippet> = previous
        .into_iter()
        .map(|snippet| (snippet.file.path().to_path_buf(), snippet))
        .collect();

    first_yaml_inclusions(chapters)
        .into_iter()
        .map(|inclusion| match cached.remove(inclusion.target.path()) {
            Some(snippet) if snippet.file.text() == inclusion.target.text() => snippet,
            _ => snippet::analyze(Arc::clone(&inclusion.target)),
        })
        .collect()
}

/// Collects the findings of a book from chapter expansions and validated snippets computed
/// earlier: problems loading the book, directive problems, snippet findings labelled with the
/// directive that first included them, then the levels of `book.toml`.
///
/// Watch mode's incremental rebuilds, which keep expansions and snippets between rebuilds, run
/// this step through [`collect_findings_cached`]. Rules that compare chapters or snippets with each other belong
/// here, so that `watch` reports the same findings as `build`.
pub fn collect_findings(
    book: &Book,
    chapters: &[ExpandedChapter],
    snippets: &[Snippet],
) -> Vec<Diagnostic> {
    collect_findings_cached(book, chapters, snippets, &mut ChapterCache::default())
}

/// Collects the findings like [`collect_findings`], reusing the per-chapter consistency
/// findings that `cache` holds for chapters that did not change.
pub fn collect_findings_cached(
    book: &Book,
    chapters: &[ExpandedChapter],
    snippets: &[Snippet],
    cache: &mut ChapterCache,
) -> Vec<Diagnostic> {
    let mut diagnostics = book.diagnostics.clone();
    for chapter in chapters {
        diagnostics.extend(chapter.expansion.diagnostics.iter().cloned());
    }

    let first_inclusion: HashMap<&std::path::Path, &Inclusion> = first_yaml_inclusions(chapters)
        .into_iter()
        .map(|inclusion| (inclusion.target.path(), inclusion))
        .collect();
    for snippet in snippets {
        let inclusion = first_inclusion.get(snippet.file.path());
        for diagnostic in &snippet.diagnostics {
            diagnostics.push(match inclusion {
                Some(inclusion) => with_included_from(diagnostic.clone(), inclusion),
                None => diagnostic.clone(),
            });
        }
    }
    diagnostics.extend(consistency::check_cached(book, chapters, snippets, cache));
    let diagnostics = suppress::apply(chapters, diagnostics);

    apply_levels(diagnostics, &book.config.rules)
}

/// Returns the first inclusion of each distinct YAML file, in book order.
///
/// Inclusions of one path usually share one `SourceFile`, so each is first checked by address,
/// and only a file not met before is checked by path, which hashes it component by component
/// and dominated `check` of large books otherwise.
fn first_yaml_inclusions(chapters: &[ExpandedChapter]) -> Vec<&Inclusion> {
    let mut seen_files = foldhash::HashSet::default();
    let mut seen_paths = foldhash::HashSet::default();
    chapters
        .iter()
        .flat_map(|chapter| &chapter.expansion.inclusions)
        .filter(|inclusion| seen_files.insert(Arc::as_ptr(&inclusion.target)))
        .filter(|inclusion| is_yaml(inclusion.target.path()))
        .filter(|inclusion| seen_paths.insert(inclusion.target.path()))
        .collect()
}
