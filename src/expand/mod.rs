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
use crate::markdown::{self, MarkdownFile};
use crate::source::SourceFile;

use memo::{Failure, Target};
pub use resolve::{ResolveError, Resolver};

/// How deep included Markdown files may nest.
pub const MAX_DEPTH: usize = 16;

/// The maximum number of bytes that expanding one chapter may insert. Each included file counts
/// once per directive that includes it, nested directives included. Each of its line breaks
/// also counts the indentation it gets from all the directives that lead to it. Far above any
/// real guide, the limit stops a file that is included many times over at each of several
/// levels, or indented by thousands of spaces, from exhausting memory. It is computed from the files rather than from
/// the text produced, so that `check`, which produces none, stops where `build` does.
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
    /// The chapter and each Markdown file it includes, once each, with what parsing them found.
    pub markdown: Vec<MarkdownFile>,
}

/// The output an expansion produces besides its findings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// The expanded text, for the outputs.
    Text,
    /// Only the findings, inclusions and parsed files; [`Expansion::text`] stays empty.
    /// `check` publishes nothing, and building the text would be most of its work.
    FindingsOnly,
}

/// Expands chapters of one book. An expander resolves each directive path once, so create
/// one per pass over the book rather than one per chapter.
#[derive(Debug)]
pub struct Expander<'a> {
    resolver: &'a Resolver,
    files: &'a FileCache,
    targets: memo::Targets,
    mode: Mode,
}

/// A Markdown file being expanded, with the chain of files that led to it.
struct Frame<'a> {
    file: &'a Arc<SourceFile>,
    /// The folder of `file`, where its directive paths start.
    folder: &'a Path,
    /// The bytes of indentation that each line of `file` gets in the chapter: the continuation
    /// prefixes of the directives that lead to it, added up.
    indent: usize,
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
    /// Bytes inserted so far, as [`MAX_EXPANDED_BYTES`] counts them.
    included: usize,
    /// Whether [`MAX_EXPANDED_BYTES`] was passed; every later directive then fails silently.
    over_limit: bool,
}

impl<'a> Expander<'a> {
    /// Creates an expander that resolves paths with `resolver`, reads through `files` and
    /// builds the expanded text.
    pub fn new(resolver: &'a Resolver, files: &'a FileCache) -> Self {
        Self::with_mode(resolver, files, Mode::Text)
    }

    /// Creates an expander that produces the output `mode` names.
    pub fn with_mode(resolver: &'a Resolver, files: &'a FileCache, mode: Mode) -> Self {
        Self {
            resolver,
            files,
            targets: memo::Targets::default(),
            mode,
        }
    }

    /// Expands `chapter` and every Markdown file it includes.
    pub fn expand(&self, chapter: &Arc<SourceFile>) -> Expansion {
        let mut run = Run::default();
        let chain = [Arc::clone(chapter)];
        let frame = Frame {
            file: chapter,
            folder: folder_of(chapter),
            indent: 0,
            chain: &chain,
            via: &[],
        };
        run.expansion.text = self.expand_file(&frame, &mut run);
        run.expansion
    }

    fn expand_file(&self, frame: &Frame<'_>, run: &mut Run) -> String {
        let first_new = run.expansion.diagnostics.len();
        let scan = scan_file(frame.file, &mut run.expansion.markdown);
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
        match self.mode {
            Mode::Text => splice::splice(frame.file.text(), &scan, &contents),
            Mode::FindingsOnly => String::new(),
        }
    }

    fn include(&self, frame: &Frame<'_>, directive: &Directive, run: &mut Run) -> Option<Included> {
        if run.over_limit {
            return None;
        }
        let Target {
            file: target,
            is_markdown,
            line_breaks,
        } = match self.locate(frame, directive) {
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

        let indent = frame.indent
            + splice::continuation_prefix(frame.file.text(), directive.span.start).len();
        let bytes = line_breaks
            .saturating_mul(indent)
            .saturating_add(target.text().len());
        if !self.within_limit(frame, directive, bytes, run) {
            return None;
        }

        let expanded = if is_markdown {
            Some(self.expand_nested(frame, directive, &target, indent, run)?)
        } else {
            None
        };
        Some(Included { target, expanded })
    }

    /// Counts `bytes` more of inserted text and reports the first directive that passes
    /// [`MAX_EXPANDED_BYTES`].
    fn within_limit(
        &self,
        frame: &Frame<'_>,
        directive: &Directive,
        bytes: usize,
        run: &mut Run,
    ) -> bool {
        run.included = run.included.saturating_add(bytes);
        if run.included <= MAX_EXPANDED_BYTES {
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
    fn locate(&self, frame: &Frame<'_>, directive: &Directive) -> Result<Target, Box<Diagnostic>> {
        let found = self
            .targets
            .find(self.resolver, self.files, frame.folder, &directive.path);
        found.map_err(|failure| {
            Box::new(match failure {
                Failure::Resolve(error) => findings::unresolved(frame.file, directive, error),
                Failure::Load(error) => findings::unloadable(frame.file, directive, &error),
            })
        })
    }

    fn expand_nested(
        &self,
        frame: &Frame<'_>,
        directive: &Directive,
        target: &Arc<SourceFile>,
        indent: usize,
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
            folder: folder_of(target),
            indent,
            chain: &chain,
            via: &via,
        };
        Some(self.expand_file(&nested, run))
    }
}

/// Scans `file` for directives, parsing it unless `parsed` already contains it (a Markdown file
/// included twice), and records the parse in `parsed`.
fn scan_file(file: &Arc<SourceFile>, parsed: &mut Vec<MarkdownFile>) -> directive::Scan {
    if let Some(known) = parsed.iter().find(|m| m.file.path() == file.path()) {
        return directive::scan_outlined(file.text(), &known.outline);
    }

    let outline = markdown::outline(file.text());
    let scan = directive::scan_outlined(file.text(), &outline);
    parsed.push(MarkdownFile {
        file: Arc::clone(file),
        outline,
    });
    scan
}

/// The file that replaces one directive.
pub(crate) struct Included {
    target: Arc<SourceFile>,
    /// The text of an included Markdown file after its own expansion; other files are
    /// inserted as they are.
    expanded: Option<String>,
}

impl Included {
    /// Returns the text to insert: the content without its final line break, which the directive's
    /// own line supplies.
    fn text(&self) -> &str {
        let text = self.expanded.as_deref().unwrap_or(self.target.text());
        let Some(text) = text.strip_suffix('\n') else {
            return text;
        };
        text.strip_suffix('\r').unwrap_or(text)
    }

    /// Returns the included file's extension in lower case.
    fn extension(&self) -> Option<String> {
        let extension = self.target.path().extension()?;
        Some(extension.to_string_lossy().to_ascii_lowercase())
    }
}

fn folder_of(file: &SourceFile) -> &Path {
    file.path().parent().unwrap_or(Path::new(""))
}

/// The canonical form of `path`, or `path` itself when it does not exist.
pub fn canonical(path: &Path) -> PathBuf {
    path.canonicalize().unwrap_or_else(|_| path.to_path_buf())
}
