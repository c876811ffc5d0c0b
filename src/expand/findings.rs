//! The diagnostics of expansion: one constructor per way a directive can fail. Each points at
//! the directive in the file that contains it and gives the fix.

use std::path::Path;
use std::sync::Arc;

use super::{MAX_DEPTH, MAX_EXPANDED_BYTES, ResolveError, resolve, rules};
use crate::diagnostic::Diagnostic;
use crate::directive::{Directive, Malformed};
use crate::files::{LoadError, display_path};
use crate::source::SourceFile;

pub(super) fn malformed(file: &Arc<SourceFile>, malformed: &Malformed) -> Diagnostic {
    Diagnostic::new(&rules::MALFORMED_DIRECTIVE, "malformed include directive")
        .label(file, malformed.span.clone(), malformed.problem)
        .help(
            "write `!!!include(FILE)!!!` on one line, or escape it as \
             `\\!!!include(...)!!!` or put it in `code` to show it as text",
        )
}

pub(super) fn unresolved(
    file: &Arc<SourceFile>,
    directive: &Directive,
    error: ResolveError,
) -> Diagnostic {
    let span = directive.path_span.clone();
    match error {
        ResolveError::Absolute => Diagnostic::new(
            &rules::INCLUDE_OUTSIDE_ROOT,
            format!("absolute include path `{}`", directive.path),
        )
        .label(file, span, "absolute paths are not allowed")
        .help("write the path relative to the chapter's folder or to a folder of the include path"),
        ResolveError::OutsideRoot(path) => Diagnostic::new(
            &rules::INCLUDE_OUTSIDE_ROOT,
            format!("`{}` is outside the book root", directive.path),
        )
        .label(file, span, format!("resolves to `{}`", path.display()))
        .help("move the file into the book, under the include path"),
        ResolveError::NotFound(suggestions) => not_found(file, directive, &suggestions),
    }
}

fn not_found(
    file: &Arc<SourceFile>,
    directive: &Directive,
    suggestions: &resolve::Suggestions,
) -> Diagnostic {
    let searched: Vec<String> = suggestions
        .searched
        .iter()
        .map(|folder| format!("`{}/`", display_path(Path::new(""), folder)))
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
            .map(|p| format!("`{}`", display_path(Path::new(""), p)))
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

pub(super) fn unloadable(
    file: &Arc<SourceFile>,
    directive: &Directive,
    error: &LoadError,
) -> Diagnostic {
    let span = directive.path_span.clone();
    let (rule, help) = match error {
        LoadError::Binary(_) | LoadError::NotUtf8(_) => (
            &rules::INCLUDE_NOT_TEXT,
            "include only UTF-8 text files; link to images with `![alt](path)` instead",
        ),
        LoadError::Folder => (
            &rules::INCLUDE_UNREADABLE,
            "name a file inside the folder, or correct the path",
        ),
        LoadError::NotFound => (
            &rules::INCLUDE_UNREADABLE,
            "the path is a symbolic link to nothing; correct or remove the link",
        ),
        LoadError::Unreadable(_) => (
            &rules::INCLUDE_UNREADABLE,
            "make the path name a regular file that this user may read",
        ),
        LoadError::TooLarge { .. } => (
            &rules::INCLUDE_TOO_LARGE,
            "split the file into smaller files and include each where it is needed",
        ),
    };
    Diagnostic::new(
        rule,
        format!("cannot include `{}`: {error}", directive.path),
    )
    .label(file, span, "included here")
    .help(help)
}

/// `chain` is every file from the chapter to the one holding the directive.
pub(super) fn cycle(
    chain: &[Arc<SourceFile>],
    directive: &Directive,
    target: &Arc<SourceFile>,
) -> Diagnostic {
    let names: Vec<&str> = chain
        .iter()
        .map(|f| f.display_path())
        .chain(std::iter::once(target.display_path()))
        .collect();
    let file = chain.last().expect("the chain holds at least the chapter");
    Diagnostic::new(
        &rules::INCLUDE_CYCLE,
        format!("include cycle: {}", names.join(" -> ")),
    )
    .label(
        file,
        directive.span.clone(),
        format!(
            "`{}` includes itself through this directive",
            target.display_path()
        ),
    )
    .help("remove one of the includes in the chain")
}

pub(super) fn too_deep(file: &Arc<SourceFile>, directive: &Directive) -> Diagnostic {
    Diagnostic::new(
        &rules::INCLUDE_TOO_DEEP,
        format!("includes nest deeper than {MAX_DEPTH} files"),
    )
    .label(file, directive.span.clone(), "this include is too deep")
    .help("flatten the chain of included Markdown files")
}

pub(super) fn too_large(file: &Arc<SourceFile>, directive: &Directive) -> Diagnostic {
    Diagnostic::new(
        &rules::INCLUDE_TOO_LARGE,
        format!(
            "expanding the chapter produces more than {} MiB",
            MAX_EXPANDED_BYTES >> 20
        ),
    )
    .label(file, directive.span.clone(), "the limit is passed here")
    .help(
        "the files the chapter includes, each counted once per directive that includes it and \
         with the indentation each of their lines gets, add up to more than the limit; split \
         the chapter, include fewer or smaller files, or indent the directives less",
    )
}

/// Builds the note that shows how the chapter reaches the file with a problem, as the
/// `path:line:column` of each directive on the way, innermost first.
pub(super) fn included_from(chain: &[Arc<SourceFile>], via: &[usize]) -> Option<String> {
    let (file, outer) = chain.split_last()?;
    if outer.is_empty() {
        return None;
    }
    let places: Vec<String> = outer
        .iter()
        .zip(via)
        .rev()
        .map(|(including, &offset)| {
            let location = including.location(offset);
            format!(
                "{}:{}:{}",
                including.display_path(),
                location.line,
                location.column
            )
        })
        .collect();
    Some(format!(
        "`{}` is included from {}",
        file.display_path(),
        places.join(", which is included from ")
    ))
}
