//! Expanding `!!!include` directives.
//!
//! Expansion splices each included file into the chapter's original text at the directive's
//! byte range; everything else passes through byte for byte. Two edits touch text outside a
//! directive, both on the fences of a code block that holds directives: a fence with no info
//! string that holds only directives for files of one extension gets that language, so the
//! book highlights it, and a fence is lengthened when an included file holds a fence marker
//! that would otherwise close it early.

pub mod resolve;
pub mod rules;
mod splice;

use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::diagnostic::Diagnostic;
use crate::directive::{self, Directive};
use crate::files::{FileCache, LoadError};
use crate::source::SourceFile;

pub use resolve::{ResolveError, Resolver};

/// How deep included Markdown files may nest.
pub const MAX_DEPTH: usize = 16;

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

/// Expands chapters of one book.
#[derive(Debug, Clone, Copy)]
pub struct Expander<'a> {
    resolver: &'a Resolver,
    files: &'a FileCache,
}

/// A Markdown file being expanded, with the chain of files that led to it.
struct Frame<'a> {
    file: &'a Arc<SourceFile>,
    chain: &'a [Arc<SourceFile>],
}

impl<'a> Expander<'a> {
    /// Creates an expander that resolves paths with `resolver` and reads through `files`.
    pub fn new(resolver: &'a Resolver, files: &'a FileCache) -> Self {
        Self { resolver, files }
    }

    /// Expands `chapter` and every Markdown file it includes.
    pub fn expand(&self, chapter: &Arc<SourceFile>) -> Expansion {
        let mut expansion = Expansion::default();
        let chain = [Arc::clone(chapter)];
        let frame = Frame {
            file: chapter,
            chain: &chain,
        };
        expansion.text = self.expand_file(&frame, &mut expansion);
        expansion
    }

    fn expand_file(&self, frame: &Frame<'_>, expansion: &mut Expansion) -> String {
        let scan = directive::scan(frame.file.text());
        for malformed in &scan.malformed {
            expansion.diagnostics.push(
                Diagnostic::new(&rules::MALFORMED_DIRECTIVE, "malformed include directive")
                    .label(frame.file, malformed.span.clone(), malformed.problem)
                    .help(
                        "write `!!!include(FILE)!!!` on one line, or escape it as \
                         `\\!!!include(...)!!!` or put it in `code` to show it as text",
                    ),
            );
        }

        expansion.directive_count += scan.directives.len();
        let contents: Vec<Option<Included>> = scan
            .directives
            .iter()
            .map(|directive| self.include(frame, directive, expansion))
            .collect();
        splice::splice(frame.file.text(), &scan, &contents)
    }

    fn include(
        &self,
        frame: &Frame<'_>,
        directive: &Directive,
        expansion: &mut Expansion,
    ) -> Option<Included> {
        let target = match self.locate(frame.file, directive) {
            Ok(target) => target,
            Err(diagnostic) => {
                expansion.diagnostics.push(*diagnostic);
                return None;
            }
        };
        expansion.inclusions.push(Inclusion {
            from: Arc::clone(frame.file),
            directive: directive.span.clone(),
            target: Arc::clone(&target),
        });

        let text = if is_markdown(target.path()) {
            self.expand_nested(frame, directive, &target, expansion)?
        } else {
            target.text().to_string()
        };
        Some(Included {
            text: strip_one_newline(text),
            extension: extension(target.path()),
        })
    }

    /// Resolves and loads the file a directive names.
    fn locate(
        &self,
        file: &Arc<SourceFile>,
        directive: &Directive,
    ) -> Result<Arc<SourceFile>, Box<Diagnostic>> {
        let folder = file.path().parent().unwrap_or(Path::new(""));
        let path = self
            .resolver
            .resolve(folder, &directive.path)
            .map_err(|error| Box::new(self.resolve_diagnostic(file, directive, error)))?;
        self.files
            .load(&path)
            .map_err(|error| Box::new(load_diagnostic(file, directive, &error)))
    }

    fn expand_nested(
        &self,
        frame: &Frame<'_>,
        directive: &Directive,
        target: &Arc<SourceFile>,
        expansion: &mut Expansion,
    ) -> Option<String> {
        if frame.chain.iter().any(|f| f.path() == target.path()) {
            expansion
                .diagnostics
                .push(cycle_diagnostic(frame, directive, target));
            return None;
        }
        if frame.chain.len() > MAX_DEPTH {
            expansion.diagnostics.push(
                Diagnostic::new(
                    &rules::INCLUDE_TOO_DEEP,
                    format!("includes nest deeper than {MAX_DEPTH} files"),
                )
                .label(
                    frame.file,
                    directive.span.clone(),
                    "this include is too deep",
                )
                .help("flatten the chain of included Markdown files"),
            );
            return None;
        }

        let mut chain = frame.chain.to_vec();
        chain.push(Arc::clone(target));
        let nested = Frame {
            file: target,
            chain: &chain,
        };
        Some(self.expand_file(&nested, expansion))
    }

    fn resolve_diagnostic(
        &self,
        file: &Arc<SourceFile>,
        directive: &Directive,
        error: ResolveError,
    ) -> Diagnostic {
        let span = directive.path_span.clone();
        match error {
            ResolveError::Absolute => Diagnostic::new(&rules::INCLUDE_OUTSIDE_ROOT, format!("absolute include path `{}`", directive.path))
                .label(file, span, "absolute paths are not allowed")
                .help("write the path relative to the chapter's folder or to a folder of the include path"),
            ResolveError::OutsideRoot(path) => {
                Diagnostic::new(&rules::INCLUDE_OUTSIDE_ROOT, format!("`{}` is outside the book root", directive.path))
                    .label(file, span, format!("resolves to `{}`", path.display()))
                    .help("move the file into the book, under the include path")
            }
            ResolveError::NotFound(suggestions) => not_found_diagnostic(file, directive, &suggestions),
        }
    }
}

/// The text that replaces one directive.
pub(crate) struct Included {
    text: String,
    extension: Option<String>,
}

fn not_found_diagnostic(
    file: &Arc<SourceFile>,
    directive: &Directive,
    suggestions: &resolve::Suggestions,
) -> Diagnostic {
    let searched: Vec<String> = suggestions
        .searched
        .iter()
        .map(|folder| format!("`{}/`", crate::files::display_path(Path::new(""), folder)))
        .collect();
    let mut diagnostic = Diagnostic::new(
        &rules::INCLUDE_NOT_FOUND,
        format!("included file `{}` not found", directive.path),
    )
    .label(file, directive.path_span.clone(), "no such file")
    .note(format!("searched {}", searched.join(", ")));

    let mut fixes = Vec::new();
    if let Some(closest) = &suggestions.closest {
        fixes.push(format!("did you mean `{closest}`?"));
    }
    if !suggestions.elsewhere.is_empty() {
        let places: Vec<String> = suggestions
            .elsewhere
            .iter()
            .map(|p| format!("`{}`", crate::files::display_path(Path::new(""), p)))
            .collect();
        fixes.push(format!(
            "a file of that name exists at {}; move it into the include path or write its path relative to the chapter",
            places.join(", ")
        ));
    }
    if fixes.is_empty() {
        fixes.push("create the file or correct the path".into());
    }
    diagnostic.help = Some(fixes.join("\n"));
    diagnostic
}

fn load_diagnostic(file: &Arc<SourceFile>, directive: &Directive, error: &LoadError) -> Diagnostic {
    let span = directive.path_span.clone();
    let (rule, help) = match error {
        LoadError::Binary(_) | LoadError::NotUtf8(_) => (
            &rules::INCLUDE_NOT_TEXT,
            "include only UTF-8 text files; link to images with `![alt](path)` instead",
        ),
        LoadError::NotFound | LoadError::Unreadable(_) => (
            &rules::INCLUDE_UNREADABLE,
            "check the file's permissions, or whether it is a folder",
        ),
    };
    Diagnostic::new(
        rule,
        format!("cannot include `{}`: {error}", directive.path),
    )
    .label(file, span, "included here")
    .help(help)
}

fn cycle_diagnostic(
    frame: &Frame<'_>,
    directive: &Directive,
    target: &Arc<SourceFile>,
) -> Diagnostic {
    let chain: Vec<&str> = frame
        .chain
        .iter()
        .map(|f| f.display_path())
        .chain(std::iter::once(target.display_path()))
        .collect();
    Diagnostic::new(
        &rules::INCLUDE_CYCLE,
        format!("include cycle: {}", chain.join(" -> ")),
    )
    .label(
        frame.file,
        directive.span.clone(),
        format!(
            "`{}` includes itself through this directive",
            target.display_path()
        ),
    )
    .help("remove one of the includes in the chain")
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
