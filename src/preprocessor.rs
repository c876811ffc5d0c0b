//! The mdBook preprocessor: `netsnip mdbook` and `netsnip mdbook supports RENDERER`, so that a
//! book registering `[preprocessor.netsnip]` in `book.toml` keeps using `mdbook build` and
//! `mdbook serve`.
//!
//! mdBook first runs `netsnip mdbook supports RENDERER`, then pipes `[context, book]` JSON to
//! `netsnip mdbook` and reads the book back from its standard output. The chapters go through
//! the same [`analysis`] as `netsnip build`, and the findings are printed to stderr as `check`
//! prints them. Any error leaves standard output empty and exits non-zero, so mdBook stops
//! instead of rendering a chapter whose directives are only partly expanded.
//!
//! The chapters' text is taken from the JSON, not from disk, because a preprocessor that ran
//! earlier may have changed it. Findings name the chapter's file on disk and count lines in
//! that text, which is the file as written whenever netsnip runs before mdBook's `links`
//! preprocessor (`before = ["links"]` in `[preprocessor.netsnip]`).

use std::collections::HashMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use mdbook_preprocessor::book::Book as MdBook;
use mdbook_preprocessor::{MDBOOK_VERSION, PreprocessorContext};
use serde_json::Value;

use crate::analysis::{self, Analysis};
use crate::book::{Book, Chapter};
use crate::config::Config;
use crate::diagnostic::MessageFormat;
use crate::error::{Error, Result};
use crate::expand::canonical;
use crate::files::display_path;
use crate::report::{EXIT_FAILURE, Reporter};
use crate::source::SourceFile;

/// Input that is not a preprocessor request of the mdBook versions netsnip supports.
#[derive(Debug, thiserror::Error)]
enum InputError {
    #[error(
        "standard input is not JSON ({0}); `netsnip mdbook` is meant to be run by mdBook, \
         which sends it `[context, book]` as JSON"
    )]
    NotJson(serde_json::Error),
    #[error(
        "the input is not mdBook 0.5's preprocessor format: {problem}; {}",
        supported()
    )]
    Format {
        /// The problem, naming the mdBook version that sent the input when it has one.
        problem: String,
    },
}

/// Returns success for every renderer, because expanded Markdown suits them all.
pub fn supports(_renderer: &str) -> ExitCode {
    ExitCode::SUCCESS
}

/// Reads `[context, book]` JSON on stdin, expands every chapter, and writes the book JSON on
/// stdout. Returns exit code 1 with nothing on stdout when a chapter has errors.
pub fn run() -> Result<ExitCode> {
    let mut input = String::new();
    std::io::stdin()
        .read_to_string(&mut input)
        .map_err(|e| Error::io("reading", "standard input", e))?;

    let (context, mut md_book) = match parse_input(&input) {
        Ok(parsed) => parsed,
        Err(error) => {
            eprintln!("error: {error}");
            return Ok(ExitCode::from(EXIT_FAILURE));
        }
    };
    warn_on_version_mismatch(&context.mdbook_version);

    let book = load_book(&context, &md_book)?;
    let analysis = analysis::analyze(&book);
    let exit_code = report(&analysis);
    if analysis.has_errors() {
        return Ok(exit_code);
    }

    replace_chapters(&mut md_book, &analysis);
    write_book(&md_book)?;
    Ok(exit_code)
}

/// Parses the request, checking its shape as plain JSON first so that input from another
/// mdBook version gets a message naming the versions netsnip supports rather than a bare
/// deserialization error.
fn parse_input(input: &str) -> Result<(PreprocessorContext, MdBook), InputError> {
    let value: Value = serde_json::from_str(input).map_err(InputError::NotJson)?;
    let format = |problem: String| InputError::Format { problem };

    let Some([context, book]) = value.as_array().map(Vec::as_slice) else {
        return Err(format("expected a JSON array `[context, book]`".into()));
    };
    let sender = match context.get("mdbook_version").and_then(Value::as_str) {
        Some(version) => format!("mdBook {version}"),
        None => "a program that did not set `mdbook_version`".into(),
    };
    if book.get("sections").is_some() && book.get("items").is_none() {
        return Err(format(format!(
            "the book lists its chapters under `sections`, as mdBook 0.4 does, where mdBook 0.5 \
             sends `items` (sent by {sender})"
        )));
    }

    serde_json::from_value(value).map_err(|e| format(format!("{e} (sent by {sender})")))
}

/// Describes the supported mdBook versions and how to install one, for messages.
fn supported() -> String {
    let series = major_minor(MDBOOK_VERSION).unwrap_or(MDBOOK_VERSION);
    format!(
        "netsnip supports mdBook {series}.x (it was built against mdBook {MDBOOK_VERSION}); \
         install it with `cargo install mdbook --version ^{series} --locked`"
    )
}

/// Warns when mdBook's minor version differs from the one netsnip was built against: the
/// input parsed, but a new minor release of a 0.x crate may change what the fields mean.
fn warn_on_version_mismatch(sender: &str) {
    if major_minor(sender) != major_minor(MDBOOK_VERSION) {
        eprintln!(
            "warning: mdBook {sender} is running netsnip, which was built against mdBook \
             {MDBOOK_VERSION}; if the book renders wrongly, use mdBook {}.x",
            major_minor(MDBOOK_VERSION).unwrap_or(MDBOOK_VERSION)
        );
    }
}

/// The `MAJOR.MINOR` prefix of a version such as `0.5.4`.
fn major_minor(version: &str) -> Option<&str> {
    let mut dots = version.match_indices('.').map(|(i, _)| i);
    let first = dots.next()?;
    let end = dots.next().unwrap_or(version.len());
    let (major, minor) = (&version[..first], &version[first + 1..end]);
    let numeric = |part: &str| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit());
    (numeric(major) && numeric(minor)).then_some(&version[..end])
}

/// Builds a netsnip book from mdBook's context and chapters.
fn load_book(context: &PreprocessorContext, md_book: &MdBook) -> Result<Book> {
    let root = canonical(&context.root);
    let config = load_config(&root, context)?;

    let chapters = md_book
        .chapters()
        .filter_map(|chapter| {
            let relative = chapter.source_path.clone()?;
            let path = canonical(&config.src.join(&relative));
            let display = display_path(&root, &path);
            let file = SourceFile::new(path, display, chapter.content.clone());
            Some(Chapter {
                relative,
                file: Arc::new(file),
            })
        })
        .collect();
    Ok(Book::from_chapters(config, chapters))
}

/// Reads netsnip's settings from the configuration mdBook sent, which already carries any
/// `MDBOOK_*` environment overrides, with the same parser as `netsnip build`.
fn load_config(root: &Path, context: &PreprocessorContext) -> Result<Config> {
    let book_toml = root.join("book.toml");
    let text = toml::to_string(&context.config).map_err(|e| Error::Config {
        path: book_toml.clone(),
        message: format!("cannot re-encode the configuration mdBook sent: {e}"),
    })?;
    let mut config = Config::parse(root, &book_toml, &text)?;

    // mdBook leaves `book.src` out of the JSON when it is mdBook's default, `src`, which is
    // not netsnip's default, so take the folder from mdBook's parsed value.
    config.src = canonical(&root.join(&context.config.book.src));
    Ok(config)
}

/// Prints the findings and, when there were any, the summary line.
fn report(analysis: &Analysis) -> ExitCode {
    let mut reporter = Reporter::new(MessageFormat::Human, false);
    reporter.report_all(&analysis.diagnostics);
    if !analysis.diagnostics.is_empty() {
        reporter.summarize("expanded", &analysis.summary());
    }
    reporter.exit_code()
}

/// Replaces each chapter's content with its expansion.
fn replace_chapters(md_book: &mut MdBook, analysis: &Analysis) {
    let expanded: HashMap<&PathBuf, &str> = analysis
        .chapters
        .iter()
        .map(|c| (&c.chapter.relative, c.expansion.text.as_str()))
        .collect();

    // NOTE: a chapter without `source_path` was made by an earlier preprocessor rather than
    // read from a file; it passes through unexpanded.
    md_book.for_each_chapter_mut(|chapter| {
        let text = chapter.source_path.as_ref().and_then(|p| expanded.get(p));
        if let Some(text) = text {
            chapter.content = (*text).to_string();
        }
    });
}

fn write_book(md_book: &MdBook) -> Result<()> {
    let mut stdout = std::io::stdout().lock();
    serde_json::to_writer(&mut stdout, md_book)
        .map_err(std::io::Error::from)
        .and_then(|()| stdout.flush())
        .map_err(|e| Error::io("writing", "standard output", e))
}

#[cfg(test)]
mod tests {
    use super::major_minor;

    #[test]
    fn major_minor_of_versions() {
        assert_eq!(major_minor("0.5.4"), Some("0.5"));
        assert_eq!(major_minor("0.5"), Some("0.5"));
        assert_eq!(major_minor("1.0.0-alpha.1"), Some("1.0"));
        assert_eq!(major_minor("0"), None);
        assert_eq!(major_minor("x.5.1"), None);
        assert_eq!(major_minor(""), None);
    }
}
