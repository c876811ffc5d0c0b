//! The commands behind the command line. Each returns the exit code for the findings, or an
//! [`Error`] when it could not run, which `main` turns into exit code 2.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use crate::analysis::{self, Analysis};
use crate::book::Book;
use crate::config;
use crate::diagnostic::MessageFormat;
use crate::error::{Error, Result};
use crate::expand::Mode;
use crate::files::display_path;
use crate::output;
use crate::report::Reporter;

/// The default output folder of `build`, relative to the book root.
pub const DEFAULT_OUT: &str = "book";

/// How findings are reported; shared by every command.
#[derive(Debug, Clone, Copy, Default)]
pub struct ReportOptions {
    /// The output format.
    pub format: MessageFormat,
    /// Whether warnings fail the run.
    pub deny_warnings: bool,
}

/// Options of `netsnip check`.
#[derive(Debug, Clone, Default)]
pub struct CheckOptions {
    /// The book root; found from the current folder when absent.
    pub root: Option<PathBuf>,
    /// Folders or files to check; in a book with `book.toml`, they limit the chapters checked.
    pub paths: Vec<PathBuf>,
    /// Reporting.
    pub report: ReportOptions,
}

/// Options of `netsnip build`.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// The book root; found from the current folder when absent.
    pub root: Option<PathBuf>,
    /// The output folder; `book/` under the root when absent.
    pub out: Option<PathBuf>,
    /// Whether to render the HTML book too.
    pub html: bool,
    /// Reporting.
    pub report: ReportOptions,
}

/// Options of `netsnip render`.
#[derive(Debug, Clone, Default)]
pub struct RenderOptions {
    /// The Markdown file to expand.
    pub file: PathBuf,
    /// Where to write the result; standard output when absent.
    pub output: Option<PathBuf>,
    /// The book root; found from the file's folder when absent.
    pub root: Option<PathBuf>,
    /// Reporting.
    pub report: ReportOptions,
}

/// Prints every rule as `id  level  summary`, one per line, in registry order.
pub fn list_rules() -> ExitCode {
    let width = crate::rules::all()
        .map(|rule| rule.id.len())
        .max()
        .unwrap_or(0);
    let mut text = String::new();
    for rule in crate::rules::all() {
        let level = match rule.default {
            crate::rules::Level::Allow => "allow",
            crate::rules::Level::Warn => "warn",
            crate::rules::Level::Deny => "deny",
        };
        text.push_str(&format!(
            "{:width$}  {level:5}  {}\n",
            rule.id, rule.summary
        ));
    }
    match write_stdout(&text) {
        Ok(()) => ExitCode::SUCCESS,
        Err(_) => ExitCode::from(crate::report::EXIT_FAILURE),
    }
}

/// Expands and validates everything, writes nothing.
pub fn check(options: &CheckOptions) -> Result<ExitCode> {
    let book = load_for_check(options)?;
    let analysis = analysis::analyze_with(&book, Mode::FindingsOnly);
    Ok(finish("checked", &analysis, options.report))
}

/// Expands and validates the book, then writes its Markdown and HTML unless it has errors.
pub fn build(options: &BuildOptions) -> Result<ExitCode> {
    let book = load_book(options.root.as_deref())?;
    let out = options
        .out
        .clone()
        .unwrap_or_else(|| book.config.root.join(DEFAULT_OUT));
    // `--out book/markdown/..` must name one folder both for the checks and for the writes.
    let out = output::absolute(&out);
    output::check_output_folder(&book, &out)?;

    let analysis = analysis::analyze(&book);
    let mut reporter = Reporter::new(options.report.format, options.report.deny_warnings);
    reporter.report_all(&analysis.diagnostics);

    // A failed run, `--deny warnings` included, leaves the previous output as it was.
    if reporter.failed() {
        reporter.summarize_with_outcome(
            "build failed:",
            &analysis.summary(),
            Some("no output written"),
        );
    } else {
        write_outputs(&book, &analysis, &out, options.html)?;
        reporter.summarize("built", &analysis.summary());
    }
    Ok(reporter.exit_code())
}

/// Expands one Markdown file to standard output or a file.
pub fn render(options: &RenderOptions) -> Result<ExitCode> {
    if !options.file.is_file() {
        return Err(Error::Usage(format!(
            "`{}` is not a file",
            options.file.display()
        )));
    }
    let root = render_root(options)?;
    let config = if root.join("book.toml").is_file() {
        config::Config::load(&root)?
    } else {
        config::Config::plain(&root)
    };
    let book = Book::from_files(config, std::slice::from_ref(&options.file))?;

    let analysis = analysis::analyze(&book);
    let mut reporter = Reporter::new(options.report.format, options.report.deny_warnings);
    reporter.report_all(&analysis.diagnostics);
    if reporter.failed() {
        return Ok(reporter.exit_code());
    }

    let expanded = &analysis.chapters[0];
    match &options.output {
        Some(path) => {
            let read: Vec<&Path> = std::iter::once(&expanded.chapter.file)
                .chain(expanded.expansion.inclusions.iter().map(|i| &i.target))
                .map(|file| file.path())
                .collect();
            let target = output::check_output_file(&book, path, &read)?;
            output::write_atomic(&target, expanded.expansion.text.as_bytes())?;
        }
        None => write_stdout(&expanded.expansion.text)?,
    }
    Ok(reporter.exit_code())
}

/// Finds the canonical book root for `render`: `--root`, else the folder with `book.toml` at or
/// above the file, else the file's own folder. Rejects a file outside that root.
fn render_root(options: &RenderOptions) -> Result<PathBuf> {
    let file = output::absolute(&options.file);
    let folder = file.parent().unwrap_or(Path::new("/"));
    let root = match &options.root {
        Some(root) => locate_root(Some(root))?,
        None => config::find_root(folder).unwrap_or_else(|| folder.to_path_buf()),
    };
    let root = crate::expand::canonical(&root);
    if !file.starts_with(&root) {
        return Err(Error::Usage(format!(
            "`{}` is not inside the book root `{}`; pass the book's folder with `--root`",
            options.file.display(),
            root.display()
        )));
    }
    Ok(root)
}

fn write_stdout(text: &str) -> Result<()> {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Err(error) if error.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(Error::io("writing", "standard output", error))
        }
        _ => Ok(()),
    }
}

fn write_outputs(book: &Book, analysis: &Analysis, out: &Path, html: bool) -> Result<()> {
    output::write_markdown(book, analysis, out)?;
    if html && book.summary.is_some() {
        write_html(book, analysis, out)?;
    }
    Ok(())
}

#[cfg(feature = "html")]
fn write_html(book: &Book, analysis: &Analysis, out: &Path) -> Result<()> {
    output::write_html(book, analysis, out)
}

#[cfg(not(feature = "html"))]
fn write_html(_book: &Book, _analysis: &Analysis, _out: &Path) -> Result<()> {
    tracing::warn!("this netsnip was built without the `html` feature; only Markdown was written");
    Ok(())
}

/// Prints the findings and the summary and returns the exit code.
fn finish(verb: &str, analysis: &Analysis, options: ReportOptions) -> ExitCode {
    let mut reporter = Reporter::new(options.format, options.deny_warnings);
    reporter.report_all(&analysis.diagnostics);
    reporter.summarize(verb, &analysis.summary());
    reporter.exit_code()
}

/// Loads the book at `root`, or the one whose `book.toml` is at or above the current folder,
/// or else the current folder as a plain folder of guides.
pub fn load_book(root: Option<&Path>) -> Result<Book> {
    let root = locate_root(root)?;
    if root.join("book.toml").is_file() {
        let book = Book::load(&root)?;
        require_chapters(&book)?;
        Ok(book)
    } else {
        let chapters = markdown_files(&root)?;
        require_markdown(&chapters, std::slice::from_ref(&root))?;
        Book::plain(&root, &chapters)
    }
}

/// Rejects a book whose `SUMMARY.md` lists no chapter, which would pass having checked nothing.
/// Listed chapters that failed to load are findings, so they do not count as none.
fn require_chapters(book: &Book) -> Result<()> {
    if !book.chapters.is_empty() || !book.diagnostics.is_empty() {
        return Ok(());
    }
    let summary = book.config.src.join(crate::book::SUMMARY);
    Err(Error::Usage(format!(
        "no chapters found: `{}` lists none; add `- [Title](chapter.md)` entries",
        display_path(&book.config.root, &summary)
    )))
}

/// Rejects an empty chapter list of a folder without `book.toml`. `searched` are the folders
/// and files the list came from.
fn require_markdown(chapters: &[PathBuf], searched: &[PathBuf]) -> Result<()> {
    if !chapters.is_empty() {
        return Ok(());
    }
    let searched: Vec<String> = searched
        .iter()
        .map(|path| format!("`{}`", path.display()))
        .collect();
    Err(Error::Usage(format!(
        "no chapters found: no book.toml and no *.md files in {}; run netsnip in the book's \
         folder or pass it with `--root DIR` (`check` also takes folders and Markdown files)",
        searched.join(", ")
    )))
}

fn locate_root(root: Option<&Path>) -> Result<PathBuf> {
    match root {
        Some(root) if root.is_dir() => Ok(root.to_path_buf()),
        Some(root) => Err(Error::Usage(format!(
            "`--root {}` is not a folder",
            root.display()
        ))),
        None => {
            let current = std::env::current_dir()
                .map_err(|e| Error::io("reading", "the current folder", e))?;
            Ok(config::find_root(&current).unwrap_or(current))
        }
    }
}

fn load_for_check(options: &CheckOptions) -> Result<Book> {
    let root = locate_root(options.root.as_deref())?;
    if root.join("book.toml").is_file() {
        let mut book = Book::load(&root)?;
        require_chapters(&book)?;
        if !options.paths.is_empty() {
            let wanted = existing_paths(&options.paths)?;
            book.chapters
                .retain(|c| wanted.iter().any(|w| c.file.path().starts_with(w)));
            require_listed(&book, &options.paths)?;
        }
        return Ok(book);
    }

    let mut chapters = Vec::new();
    let paths = if options.paths.is_empty() {
        vec![root.clone()]
    } else {
        options.paths.clone()
    };
    for path in &paths {
        if path.is_dir() {
            chapters.extend(markdown_files(path)?);
        } else if path.is_file() {
            chapters.push(path.clone());
        } else {
            return Err(Error::Usage(format!(
                "`{}` is neither a file nor a folder",
                path.display()
            )));
        }
    }
    require_markdown(&chapters, &paths)?;
    Book::plain(&root, &chapters)
}

/// Rejects `check PATH…` in a book when no chapter of `SUMMARY.md` lies under the paths.
fn require_listed(book: &Book, paths: &[PathBuf]) -> Result<()> {
    if !book.chapters.is_empty() {
        return Ok(());
    }
    let paths: Vec<String> = paths
        .iter()
        .map(|path| format!("`{}`", path.display()))
        .collect();
    Err(Error::Usage(format!(
        "no chapters found: SUMMARY.md lists no chapter under {}; name chapter files or \
         folders of `{}/`",
        paths.join(", "),
        display_path(&book.config.root, &book.config.src)
    )))
}

/// The absolute forms of `paths`, each of which must exist.
fn existing_paths(paths: &[PathBuf]) -> Result<Vec<PathBuf>> {
    paths
        .iter()
        .map(|path| {
            if path.exists() {
                Ok(output::absolute(path))
            } else {
                Err(Error::Usage(format!(
                    "`{}` is neither a file nor a folder",
                    path.display()
                )))
            }
        })
        .collect()
}

/// The `*.md` files directly inside `folder`, sorted by name.
fn markdown_files(folder: &Path) -> Result<Vec<PathBuf>> {
    let entries = std::fs::read_dir(folder).map_err(|e| Error::io("reading", folder, e))?;
    let mut files: Vec<PathBuf> = entries
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| {
            path.is_file()
                && path
                    .extension()
                    .is_some_and(|e| e.eq_ignore_ascii_case("md"))
        })
        .collect();
    files.sort();
    Ok(files)
}
