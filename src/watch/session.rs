//! The build state watch mode keeps between rebuilds, and the rebuild itself.
//!
//! A session keeps the loaded book, the expansion of every chapter, the validated snippets
//! and the include graph. An edit to a chapter, an included Markdown file or a snippet
//! re-expands only the chapters that depend on it, reuses every snippet whose text is
//! unchanged, and then runs the book-level step ([`analysis::collect_findings_cached`]) over
//! the cached results. The consistency rules that read only one chapter's own scope re-run for
//! the re-expanded chapters alone, and those that look up the whole book run for every
//! chapter. A change that can alter the list of chapters or the configuration (`book.toml`,
//! `SUMMARY.md`, a source folder itself) reloads the whole book.
//!
//! Outputs are written only by a build without errors, and every write is atomic, so the
//! outputs of the last good build stay readable until the next good build replaces them. The
//! Markdown output is written before the status line. The HTML book is rendered afterwards on
//! another thread ([`super::html`]), and its status line follows when it is done.

use std::collections::BTreeSet;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::mpsc::Sender;
use std::time::Instant;

use rayon::prelude::*;

use super::graph::IncludeGraph;
#[cfg(feature = "html")]
use super::html::{HtmlOutput, Rendered};
use super::status::{Findings, HtmlQueued, Outputs, Status, describe_changes};
use super::watcher::WatchList;
use super::{Message, WatchOptions};
use crate::analysis::{self, Analysis};
use crate::book::{Book, SUMMARY};
use crate::commands::{self, DEFAULT_OUT, ReportOptions};
use crate::consistency::ChapterCache;
use crate::diagnostic::MessageFormat;
use crate::error::{Error, Result};
use crate::markdown;
use crate::output;
use crate::report::{EXIT_CLEAN, EXIT_FINDINGS, Reporter};

/// Paths that changed since the last rebuild, as the watcher reported them.
#[derive(Debug, Default)]
pub struct Changes {
    /// Changed, created, deleted or renamed paths (both names of a rename).
    pub paths: BTreeSet<PathBuf>,
    /// The watcher lost events (its queue overflowed), so anything may have changed.
    pub rescan: bool,
}

/// A rebuild done in memory whose outputs and status line are still to come.
#[derive(Debug)]
pub struct Rebuild {
    trigger: String,
    rebuilt: usize,
    started: Instant,
}

/// The work one batch of changes requires.
enum Plan {
    /// Reload the book and rebuild every chapter.
    Reload,
    /// Re-expand these chapters (indices in book order).
    Chapters(BTreeSet<usize>),
}

/// The book as last built, and what remains to be written.
pub struct Session {
    root: PathBuf,
    out: PathBuf,
    report: ReportOptions,
    book: Book,
    analysis: Analysis,
    graph: IncludeGraph,
    /// Consistency findings of the chapters that did not change since they were checked.
    consistency: ChapterCache,
    /// Chapters whose expanded text differs from their Markdown output.
    stale: BTreeSet<usize>,
    /// Whether the whole Markdown folder must be rewritten, because the last reload may have
    /// added, removed or renamed chapters, or changed `SUMMARY.md`.
    stale_all: bool,
    /// The error of the last reload. While it is set, nothing is written and every change
    /// retries the reload.
    load_error: Option<Error>,
    /// The theme folder and the other files of the HTML book that `book.toml` names; a change
    /// there needs a full HTML render.
    html_files: HtmlFiles,
    #[cfg(feature = "html")]
    html: HtmlOutput,
    findings: Findings,
    clean: bool,
    /// Whether a build of this session has written the outputs, so that the status line of a
    /// failed build can report whether earlier outputs stay in place.
    written: bool,
}

impl Session {
    /// Loads the book without building it. Fails when the book cannot be loaded at all,
    /// because then there is nothing to watch. The HTML book is rendered on a thread that
    /// sends its results to `sender`.
    pub fn load(options: &WatchOptions, sender: Sender<Message>) -> Result<Self> {
        let book = commands::load_book(options.root.as_deref())?;
        let root = book.config.root.clone();
        let out = options
            .out
            .clone()
            .unwrap_or_else(|| root.join(DEFAULT_OUT));
        let out = output::absolute(&out);
        output::check_output_folder(&book, &out)?;
        #[cfg(feature = "html")]
        let html = HtmlOutput::start(out.clone(), sender, options.refresh_delay())?;
        #[cfg(not(feature = "html"))]
        drop(sender);

        Ok(Session {
            root,
            out,
            report: options.report,
            html_files: html_files(&book),
            #[cfg(feature = "html")]
            html,
            book,
            analysis: Analysis::default(),
            graph: IncludeGraph::default(),
            consistency: ChapterCache::default(),
            stale: BTreeSet::new(),
            stale_all: true,
            load_error: None,
            findings: Findings::default(),
            clean: false,
            written: false,
        })
    }

    /// Expands every chapter and validates every snippet, which fills the include graph.
    pub fn analyze_all(&mut self) -> Rebuild {
        let started = Instant::now();
        self.rebuild_loaded();
        Rebuild {
            trigger: "initial build".into(),
            rebuilt: self.analysis.chapters.len(),
            started,
        }
    }

    /// Rebuilds what `changes` touch, in memory. Returns `None` when no chapter depends on
    /// them; otherwise [`Session::publish`] writes the outputs and prints the status line.
    pub fn apply(&mut self, changes: &Changes) -> Option<Rebuild> {
        let started = Instant::now();
        let paths: Vec<PathBuf> = changes
            .paths
            .iter()
            .filter(|path| self.is_relevant(path))
            .cloned()
            .collect();
        if paths.is_empty() && !changes.rescan {
            return None;
        }

        let trigger = if changes.rescan {
            "the watcher lost events".to_string()
        } else {
            describe_changes(&self.root, &paths)
        };
        let html_files = paths.iter().any(|path| self.is_html_file(path));
        if html_files {
            self.request_full_html();
        }
        let rebuilt = match self.plan(&paths, changes.rescan) {
            Plan::Chapters(chapters) if chapters.is_empty() && !html_files => return None,
            Plan::Chapters(chapters) if chapters.is_empty() => 0,
            Plan::Chapters(chapters) => self
                .rebuild_chapters(&paths, &chapters)
                .unwrap_or_else(|| self.reload()),
            Plan::Reload => self.reload(),
        };
        Some(Rebuild {
            trigger,
            rebuilt,
            started,
        })
    }

    /// Whether a path can affect the book. The output folder is excluded, because it may lie
    /// inside a watched folder and a build must not trigger another.
    fn is_relevant(&self, path: &Path) -> bool {
        let config = &self.book.config;
        if path.starts_with(&self.out) || self.root.starts_with(path) {
            return false;
        }
        path.starts_with(&config.src)
            || config
                .include_path
                .iter()
                .any(|folder| path.starts_with(folder))
            || path == self.root.join("book.toml")
            || self.graph.knows(path)
            || self.html_files.contains(path)
    }

    /// Returns whether a change to `path` changes the HTML book without changing a chapter.
    /// Such a file is in the theme folder or named in `book.toml` (see [`HtmlFiles`]), or
    /// mdBook copies it from the source folder into the HTML book (anything but Markdown)
    /// and no chapter includes it.
    fn is_html_file(&self, path: &Path) -> bool {
        let copied = path.starts_with(&self.book.config.src)
            && !markdown::is_markdown(path)
            && !self.graph.knows(path);
        self.html_files.contains(path) || copied
    }

    fn plan(&self, paths: &[PathBuf], rescan: bool) -> Plan {
        if rescan || self.load_error.is_some() || paths.iter().any(|p| self.needs_reload(p)) {
            return Plan::Reload;
        }

        let mut chapters = BTreeSet::new();
        for path in paths {
            if self.graph.knows(path) {
                chapters.extend(self.graph.dependents(path));
                continue;
            }
            chapters.extend(self.graph.unresolved());
            if let Some(name) = path.file_name() {
                chapters.extend(self.graph.dependents_by_name(name));
            }
        }
        Plan::Chapters(chapters)
    }

    /// Whether a change to `path` can change the configuration or the list of chapters.
    fn needs_reload(&self, path: &Path) -> bool {
        let config = &self.book.config;
        if path == self.root.join("book.toml")
            || path == config.src.join(SUMMARY)
            || path == config.src
            || config.include_path.iter().any(|folder| folder == path)
        {
            return true;
        }

        // A new guide in a plain folder is a new chapter. In a book whose SUMMARY.md names a
        // missing chapter, the new file may be that chapter.
        let new_markdown = markdown::is_markdown(path) && !self.graph.knows(path);
        let plain = self.book.summary.is_none() && path.parent() == Some(&config.src);
        new_markdown && (plain || !self.book.diagnostics.is_empty())
    }

    /// Re-expands `chapters` after forgetting the cached copies of `paths`. Returns the number
    /// of chapters rebuilt, or `None` when a chapter's own file cannot be read any more, which
    /// only a reload reports properly.
    fn rebuild_chapters(&mut self, paths: &[PathBuf], chapters: &BTreeSet<usize>) -> Option<usize> {
        for path in paths {
            self.book.files.invalidate(path);
            let under: Vec<PathBuf> = self.graph.files_under(path).cloned().collect();
            for file in under {
                self.book.files.invalidate(&file);
            }
        }

        for &index in chapters {
            let path = self.book.chapters[index].file.path().to_path_buf();
            self.book.chapters[index].file = self.book.files.load(&path).ok()?;
        }

        // Chapters are expanded on all cores, then stored in book order.
        let indices: Vec<usize> = chapters.iter().copied().collect();
        let book = &self.book;
        let expansions: Vec<_> = indices
            .par_iter()
            .map(|&index| analysis::expand_chapter(book, &book.chapters[index]))
            .collect();
        for (index, expanded) in indices.into_iter().zip(expansions) {
            self.consistency.invalidate(index);
            if expanded.expansion.text != self.analysis.chapters[index].expansion.text {
                self.stale.insert(index);
            }
            self.graph.set_chapter(index, &expanded);
            self.analysis.chapters[index] = expanded;
        }

        self.refresh_findings();
        Some(chapters.len())
    }

    /// Loads the book afresh and rebuilds everything; on failure keeps the previous state and
    /// remembers the error. Returns the number of chapters rebuilt.
    fn reload(&mut self) -> usize {
        let loaded = commands::load_book(Some(&self.root)).and_then(|book| {
            output::check_output_folder(&book, &self.out)?;
            Ok(book)
        });
        match loaded {
            Ok(book) => {
                self.rebuild_all(book);
                self.analysis.chapters.len()
            }
            Err(error) => {
                self.load_error = Some(error);
                0
            }
        }
    }

    fn rebuild_all(&mut self, book: Book) {
        self.html_files = html_files(&book);
        self.book = book;
        self.rebuild_loaded();
    }

    fn rebuild_loaded(&mut self) {
        self.load_error = None;
        self.analysis.chapters = self
            .book
            .chapters
            .par_iter()
            .map(|chapter| analysis::expand_chapter(&self.book, chapter))
            .collect();
        self.consistency.clear();
        self.graph = IncludeGraph::new(&self.analysis.chapters);
        self.stale.clear();
        self.stale_all = true;
        self.refresh_findings();
    }

    /// Revalidates the snippets that changed and runs the book-level step over the cache.
    fn refresh_findings(&mut self) {
        let previous = std::mem::take(&mut self.analysis.snippets);
        self.analysis.snippets = analysis::revalidate_snippets(&self.analysis.chapters, previous);
        self.analysis.diagnostics = analysis::collect_findings_cached(
            &self.book,
            &self.analysis.chapters,
            &self.analysis.snippets,
            &mut self.consistency,
        );
    }

    /// Writes the outputs if the build has no errors, then prints the status line and the
    /// findings.
    pub fn publish(&mut self, rebuild: Rebuild) {
        let kept = if self.written {
            Outputs::Kept
        } else {
            Outputs::NotWritten
        };
        if let Some(error) = &self.load_error {
            let status = Status {
                rebuilt: 0,
                errors: 1,
                warnings: 0,
                fixed: 0,
                outputs: kept,
                ..self.status(rebuild)
            };
            print_status(&status, self.report.format);
            eprintln!("error: the book could not be loaded: {error}");
            self.clean = false;
            return;
        }

        let (outputs, write_error) = if !self.can_write() {
            (kept, None)
        } else {
            match self.write_outputs() {
                Ok(outputs) => {
                    self.written = true;
                    (outputs, None)
                }
                Err(error) => (kept, Some(error)),
            }
        };

        let summary = self.analysis.summary();
        let status = Status {
            errors: summary.errors + usize::from(write_error.is_some()),
            warnings: summary.warnings,
            fixed: self.findings.replace(&self.analysis.diagnostics),
            outputs,
            ..self.status(rebuild)
        };
        print_status(&status, self.report.format);
        if let Some(error) = &write_error {
            eprintln!("error: {error}");
        }
        let mut reporter = Reporter::new(self.report.format, self.report.deny_warnings);
        reporter.report_all(&self.analysis.diagnostics);
        if self.report.format == MessageFormat::Json {
            reporter.summarize("built", &summary);
        }
        self.clean = write_error.is_none() && !reporter.failed();
    }

    /// The status of `rebuild` with no findings counted yet.
    fn status(&self, rebuild: Rebuild) -> Status {
        Status {
            trigger: rebuild.trigger,
            rebuilt: rebuild.rebuilt,
            chapters: self.analysis.chapters.len(),
            errors: 0,
            warnings: 0,
            fixed: 0,
            outputs: Outputs::Unchanged,
            elapsed: rebuild.started.elapsed(),
        }
    }

    /// Whether the outputs may be written: the book loaded and has no errors.
    fn can_write(&self) -> bool {
        self.load_error.is_none() && !self.analysis.has_errors()
    }

    /// Writes the Markdown of the stale chapters, or of all chapters after a reload or when
    /// the Markdown folder lacks a file, and queues the HTML render that brings the HTML book
    /// up to date.
    fn write_outputs(&mut self) -> Result<Outputs> {
        if self.stale_all {
            self.request_full_html();
        }
        // Only the stale chapters are rewritten in place, so the rest must still be there.
        let whole_markdown = self.stale_all
            || !output::markdown_is_complete(&self.book, &self.analysis.chapters, &self.out);
        let markdown = if whole_markdown {
            output::write_markdown(&self.book, &self.analysis, &self.out)?;
            self.analysis.chapters.len()
        } else {
            let chapters = self
                .stale
                .iter()
                .map(|&index| &self.analysis.chapters[index]);
            output::update_markdown(&self.out, chapters)?;
            self.stale.len()
        };
        let html = self.queue_html();
        let written = markdown > 0 || whole_markdown || html.is_some();
        self.stale.clear();
        self.stale_all = false;
        if !written {
            return Ok(Outputs::Unchanged);
        }
        Ok(Outputs::Written { markdown, html })
    }

    #[cfg(feature = "html")]
    fn queue_html(&mut self) -> Option<HtmlQueued> {
        self.html
            .queue(&self.book, &self.analysis.chapters, &self.stale)
    }

    #[cfg(not(feature = "html"))]
    fn queue_html(&mut self) -> Option<HtmlQueued> {
        None
    }

    #[cfg(feature = "html")]
    fn request_full_html(&mut self) {
        self.html.request_full();
    }

    #[cfg(not(feature = "html"))]
    fn request_full_html(&mut self) {}

    /// When to refresh the HTML book's search index and print page, if they are behind.
    #[cfg(feature = "html")]
    pub fn html_refresh_due(&self) -> Option<Instant> {
        self.html.refresh_due()
    }

    /// When to refresh the HTML book's search index and print page, if they are behind.
    #[cfg(not(feature = "html"))]
    pub fn html_refresh_due(&self) -> Option<Instant> {
        None
    }

    /// Queues the full render that refreshes the HTML book's search index and print page. A
    /// book with errors gets it with its next good build.
    pub fn refresh_html(&mut self) {
        self.request_full_html();
        if self.can_write() {
            self.queue_html();
        }
    }

    /// Prints the status line of a finished HTML render, and queues the full render that the
    /// HTML thread needs or that replaces a failed page render.
    #[cfg(feature = "html")]
    pub fn html_rendered(&mut self, rendered: &Rendered) {
        let after = self.html.rendered(rendered);
        if let Some(line) = after.line {
            print_line(&line);
        }
        if after.queue_full && self.can_write() {
            self.queue_html();
        }
    }

    /// Reports that the HTML thread has ended.
    #[cfg(feature = "html")]
    pub fn html_stopped(&mut self) {
        print_line(&self.html.stopped());
    }

    /// Says on Ctrl-C what state the HTML book is left in, when a render was under way.
    pub fn interrupted(&self) {
        #[cfg(feature = "html")]
        if self.html.busy() {
            let folder = self.out.join(output::HTML_FOLDER);
            print_line(&format!(
                "interrupted: the HTML render under way was stopped, so `{}` is the HTML book of \
                 the last finished render",
                folder.display()
            ));
        }
    }

    /// Returns the folders to watch: the source folder, the include path and the HTML theme
    /// folder with their subfolders, and the root for `book.toml`. Outside them, it adds the
    /// folder of each included file and of each file that `book.toml` names for the HTML book.
    pub fn watch_list(&self) -> WatchList {
        let config = &self.book.config;
        let mut recursive: Vec<&PathBuf> = vec![&config.src];
        recursive.extend(config.include_path.iter().filter(|folder| folder.is_dir()));
        let theme = &self.html_files.theme;
        recursive.extend(theme.iter().filter(|folder| folder.is_dir()));

        let covered = |path: &Path| recursive.iter().any(|folder| path.starts_with(folder));
        let mut list: WatchList = recursive
            .iter()
            .map(|&folder| (folder.clone(), true))
            .collect();
        let mut single = vec![self.root.clone()];
        single.extend(
            self.graph
                .files()
                .filter_map(|file| file.parent().map(Path::to_path_buf)),
        );
        // A missing file named in `book.toml` fails the full render, which reports it.
        let html_folders = self
            .html_files
            .files
            .iter()
            .filter_map(|file| file.parent());
        single.extend(
            html_folders
                .filter(|folder| folder.is_dir())
                .map(Path::to_path_buf),
        );
        for folder in single {
            if !covered(&folder) {
                list.entry(folder).or_insert(false);
            }
        }
        list
    }

    /// Exit code 0 when the last build was clean, the last HTML render that finished did not
    /// fail and the HTML thread is running; 1 otherwise. A render that Ctrl-C interrupts has
    /// not finished, so it counts neither way.
    pub fn exit_code(&self) -> ExitCode {
        #[cfg(feature = "html")]
        let clean = self.clean && !self.html.failed();
        #[cfg(not(feature = "html"))]
        let clean = self.clean;
        ExitCode::from(if clean { EXIT_CLEAN } else { EXIT_FINDINGS })
    }
}

/// Prints one line on stderr at once.
#[cfg_attr(not(feature = "html"), allow(dead_code))]
fn print_line(line: &str) {
    let mut stderr = std::io::stderr().lock();
    let _ = writeln!(stderr, "{line}");
    let _ = stderr.flush();
}

/// Prints the status line on stderr. In a terminal, the screen is cleared first, so the
/// findings of earlier rebuilds that are now fixed disappear from view.
fn print_status(status: &Status, format: MessageFormat) {
    let mut stderr = std::io::stderr().lock();
    if format == MessageFormat::Human && stderr.is_terminal() {
        let _ = write!(stderr, "\x1b[2J\x1b[H");
    }
    let _ = writeln!(stderr, "{}", status.line());
    let _ = stderr.flush();
}

/// The theme folder of the HTML book and the files `book.toml` names for it.
#[derive(Debug, Default)]
struct HtmlFiles {
    theme: Option<PathBuf>,
    files: Vec<PathBuf>,
}

impl HtmlFiles {
    fn contains(&self, path: &Path) -> bool {
        let in_theme = self
            .theme
            .as_ref()
            .is_some_and(|theme| path.starts_with(theme));
        in_theme || self.files.iter().any(|file| file == path)
    }
}

#[cfg(feature = "html")]
fn html_files(book: &Book) -> HtmlFiles {
    let inputs = book
        .summary
        .as_ref()
        .and_then(|_| output::html::HtmlSource::of(book).inputs());
    match inputs {
        Some(inputs) => HtmlFiles {
            theme: Some(inputs.theme),
            files: inputs.files,
        },
        None => HtmlFiles::default(),
    }
}

#[cfg(not(feature = "html"))]
fn html_files(_book: &Book) -> HtmlFiles {
    HtmlFiles::default()
}
