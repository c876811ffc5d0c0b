//! Expanding `!!!include` directives.
//!
//! Expansion splices each included file into the chapter's original text at the directive's
//! byte range; everything else passes through byte for byte. Two edits touch text outside a
//! directive, both on the fences of a code block that holds directives: a fence with no info
//! string that holds only directives for files of one extension gets that language, so the
//! book highlights it, and a fence is lengthened when an included file holds a fence marker
//! that would otherwise close it early.

mod findings;
mod memo;
pub mod resolve;
pub mod rules;
mod splice;

use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::diagnostic::Diagnostic;
use crate::directive::{self, Directive};
use crate::files::FileCache;
use crate::source::SourceFile;

pub use resolve::{ResolveError, Resolver};

/// How deep included Markdown files may nest.
pub const MAX_DEPTH: usize = 16;

/// The most bytes that expanding one chapter may insert, with the text of nested Markdown
/// files counted again at each level. Far above any real guide, it stops a file that is
/// included many times over at each of several levels from exhausting memory.
pub const MAX_EXPANDED_BYTES: usize = 64 << 20;

/// One directive that resolved to a file.
#[derive(Debug, Clone)]
pub struct Inclusion {
    /// The file holding the directive.
    pub from: Arc<SourceFile>,
    /// The directive's byte range in `from`.
    pub directive: Range<usize>,
    /// The included file.
    pub target: Arc<SourceFile>,
}

/// The result of expanding one chapter.
#[derive(Debug, Default)]
pub struct Expansion {
    /// The expanded text. When `diagnostics` is not empty, failed directives are left as they
    /// were written, so the text must not be published.
    pub text: String,
    /// Every directive that resolved, nested ones included, in the order they were met.
    pub inclusions: Vec<Inclusion>,
    /// Every directive met, resolved or not.
    pub directive_count: usize,
    /// Problems with directives.
    pub diagnostics: Vec<Diagnostic>,
}

/// Expands chapters of one book. An expander resolves each directive path once, so create
/// one per pass over the book rather than one per chapter.
#[derive(Debug)]
pub struct Expander<'a> {
    resolver: &'a Resolver,
    files: &'a FileCache,
    resolutions: memo::Resolutions,
}

/// A Markdown file being expanded, with the chain of files that led to it.
struct Frame<'a> {
    file: &'a Arc<SourceFile>,
    /// Every file from the chapter to `file`, both included.
    chain: &'a [Arc<SourceFile>],
    /// For each file of `chain` but the last, the offset of the directive that includes the
    /// next one.
    via: &'a [usize],
}

/// The state of expanding one chapter.
#[derive(Default)]
struct Run {
    expansion: Expansion,
    /// Bytes inserted so far, counted again at each level of nesting.
    produced: usize,
    /// Whether [`MAX_EXPANDED_BYTES`] was passed; every later directive then fails silently.
    over_limit: bool,
}

impl<'a> Expander<'a> {
    /// Creates an expander that resolves paths with `resolver` and reads through `files`.
    pub fn new(resolver: &'a Resolver, files: &'a FileCache) -> Self {
        Self {
            resolver,
            files,
            resolutions: memo::Resolutions::default(),
        }
    }

    /// Expands `chapter` and every Markdown file it includes.
    pub fn expand(&self, chapter: &Arc<SourceFile>) -> Expansion {
        let mut run = Run::default();
        let chain = [Arc::clone(chapter)];
        let frame = Frame {
            file: chapter,
            chain: &chain,
            via: &[],
        };
        run.expansion.text = self.expand_file(&frame, &mut run);
        run.expansion
    }

    fn expand_file(&self, frame: &Frame<'_>, run: &mut Run) -> String {
        let first_new = run.expansion.diagnostics.len();
        let scan = directive::scan(frame.file.text());
        for malformed in &scan.malformed {
            run.expansion
                .diagnostics
                .push(findings::malformed(frame.file, malformed));
        }

        run.expansion.directive_count += scan.directives.len();
        let contents: Vec<Option<Included>> = scan
            .directives
            .iter()
            .map(|directive| self.include(frame, directive, run))
            .collect();

        // Problems in a nested file say how the chapter reaches it. Those of files nested
        // deeper were noted by their own frame and have another primary file.
        if let Some(note) = findings::included_from(frame.chain, frame.via) {
            for diagnostic in &mut run.expansion.diagnostics[first_new..] {
                if diagnostic
                    .primary()
                    .is_some_and(|label| Arc::ptr_eq(&label.file, frame.file))
                {
                    diagnostic.notes.push(note.clone());
                }
            }
        }
        splice::splice(frame.file.text(), &scan, &contents)
    }

    fn include(&self, frame: &Frame<'_>, directive: &Directive, run: &mut Run) -> Option<Included> {
        if run.over_limit {
            return None;
        }
        let target = match self.locate(frame.file, directive) {
            Ok(target) => target,
            Err(diagnostic) => {
                run.expansion.diagnostics.push(*diagnostic);
                return None;
            }
        };
        run.expansion.inclusions.push(Inclusion {
            from: Arc::clone(frame.file),
            directive: directive.span.clone(),
            target: Arc::clone(&target),
        });

        let text = if is_markdown(target.path()) {
            self.expand_nested(frame, directive, &target, run)?
        } else {
            target.text().to_string()
        };
        if !self.within_limit(frame, directive, text.len(), run) {
            return None;
        }
        Some(Included {
            text: strip_one_newline(text),
            extension: extension(target.path()),
        })
    }

    /// Counts `bytes` more of output and reports the first directive that passes
    /// [`MAX_EXPANDED_BYTES`].
    fn within_limit(
        &self,
        frame: &Frame<'_>,
        directive: &Directive,
        bytes: usize,
        run: &mut Run,
    ) -> bool {
        run.produced = run.produced.saturating_add(bytes);
        if run.produced <= MAX_EXPANDED_BYTES {
            return true;
        }
        if !run.over_limit {
            run.over_limit = true;
            run.expansion
                .diagnostics
                .push(findings::too_large(frame.file, directive));
        }
        false
    }

    /// Resolves and loads the file a directive names.
    fn locate(
        &self,
        file: &Arc<SourceFile>,
        directive: &Directive,
    ) -> Result<Arc<SourceFile>, Box<Diagnostic>> {
        let folder = file.path().parent().unwrap_or(Path::new(""));
        let path = self
            .resolutions
            .resolve(self.resolver, folder, &directive.path)
            .map_err(|error| Box::new(findings::unresolved(file, directive, error)))?;
        self.files
            .load(&path)
            .map_err(|error| Box::new(findings::unloadable(file, directive, &error)))
    }

    fn expand_nested(
        &self,
        frame: &Frame<'_>,
        directive: &Directive,
        target: &Arc<SourceFile>,
        run: &mut Run,
    ) -> Option<String> {
        if frame.chain.iter().any(|f| f.path() == target.path()) {
            run.expansion
                .diagnostics
                .push(findings::cycle(frame.chain, directive, target));
            return None;
        }
        if frame.chain.len() > MAX_DEPTH {
            run.expansion
                .diagnostics
                .push(findings::too_deep(frame.file, directive));
            return None;
        }

        let mut chain = frame.chain.to_vec();
        chain.push(Arc::clone(target));
        let mut via = frame.via.to_vec();
        via.push(directive.span.start);
        let nested = Frame {
            file: target,
            chain: &chain,
            via: &via,
        };
        Some(self.expand_file(&nested, run))
    }
}

/// The text that replaces one directive.
pub(crate) struct Included {
    text: String,
    extension: Option<String>,
}

fn is_markdown(path: &Path) -> bool {
    matches!(extension(path).as_deref(), Some("md" | "markdown"))
}

fn extension(path: &Path) -> Option<String> {
    path.extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
}

fn strip_one_newline(mut text: String) -> String {
    if text.ends_with('\n') {
        text.pop();
        if text.ends_with('\r') {
            text.pop();
        }
    }
    text
}

/// The canonical form of `path`, or `path` itself when it does not exist.
pub fn canonical(path: &Path) -> PathBuf {
    path.canonicalize().unwrap_or_else(|_| path.to_path_buf())
}
