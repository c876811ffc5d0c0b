//! The HTML book, rendered in-process by mdBook 0.5's own HTML renderer (`mdbook-html`) from the
//! chapters netsnip expanded.
//!
//! A full render ([`render_book`]) loads the book as `mdbook build` does (`book.toml`,
//! `SUMMARY.md`, the configured preprocessors). It puts each chapter's expansion in place of
//! its text at the position of the `netsnip` preprocessor, renders into a staging folder and
//! swaps that in for `OUT/html/`. Only the HTML renderer runs, whatever other `[output]` tables
//! `book.toml` has, so `OUT/html/` always contains the HTML book itself.
//!
//! A page render ([`render_pages`]) refreshes the pages of a few chapters after an edit.
//! mdBook renders whatever book it is given, so it gets a reduced one: the changed chapters and,
//! with empty text, the chapter before and after each of them in the full book's reading order.
//! That order is mdBook's `Book::chapters`: depth first, drafts skipped, part titles and
//! separators ignored, and a page's previous and next links are its neighbours in it. Names,
//! section numbers, paths and `{{#title}}` titles come from the [`Layout`] of the last full
//! render. The reduced book is rendered into a scratch folder with the same configuration,
//! except that the search index leaves out every chapter, and only the changed pages are moved
//! into `OUT/html/`, each with an atomic rename.
//!
//! mdBook's `toc` helper, which writes the chapter list into `toc.js`, asserts that the section
//! depth grows by one level at a time. So the ancestors of those chapters come along as drafts,
//! which are chapters without a page and no page's previous or next chapter.
//!
//! Such a page is byte-identical to the one a full render of the same text writes, with one
//! exception. With `output.html.hash-files` (on by default in mdBook 0.5) a page names
//! `toc.js` and `searchindex.js` by a hash of their content. The reduced book's files differ
//! from the full book's, so the page's references are rewritten to the files in `OUT/html/`. For `toc.js` that is the full render's name, because the chapter list did not
//! change. The search index, though, changes with the text, so the page names the older index
//! until the next full render. The search index, `print.html`, `toc.js`, `toc.html` and the
//! 404 page are book-wide, and only a full render refreshes them. Any other hashed resource
//! that a page would name must already be in `OUT/html/`, or the page render gives way to a
//! full render: a changed file of `output.html.additional-css` has a new name.
//!
//! mdBook panics on some input it does not expect, so every render runs inside
//! [`catch_panic`], which turns a panic into an error.

use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::fs;
use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, Once, PoisonError};

use mdbook_driver::MDBook;
use mdbook_driver::book::{Book as MdBook, BookItem, Chapter as MdChapter};
use mdbook_driver::config::Config as MdConfig;
use mdbook_html::HtmlHandlebars;
use mdbook_preprocessor::{Preprocessor, PreprocessorContext};
use mdbook_renderer::{RenderContext, Renderer};

use super::{
    HTML_FOLDER, WorkFolder, remove_stale_siblings, replace_folder, sibling, write_atomic,
};
use crate::analysis::Analysis;
use crate::book::Book;
use crate::error::{Error, Result};

/// The expanded text of each chapter, by its path relative to the source folder.
pub type ChapterTexts = HashMap<PathBuf, String>;

/// The source files of a book, as the HTML renderer needs them. Unlike [`Book`] it can move to
/// another thread.
#[derive(Debug, Clone)]
pub struct HtmlSource {
    root: PathBuf,
    src: PathBuf,
    book_toml: Option<PathBuf>,
}

impl HtmlSource {
    /// Returns the sources of `book`.
    pub fn of(book: &Book) -> Self {
        Self {
            root: book.config.root.clone(),
            src: book.config.src.clone(),
            book_toml: book.config.book_toml.clone(),
        }
    }

    /// Returns the files and folders besides the chapters that the HTML renderer reads, or
    /// `None` when `book.toml` cannot be read.
    pub fn inputs(&self) -> Option<HtmlInputs> {
        let config = self.config().ok()?;
        let html = config.html_config().unwrap_or_default();
        let mut files: Vec<PathBuf> = html
            .additional_css
            .iter()
            .chain(&html.additional_js)
            .map(|file| super::absolute(&self.root.join(file)))
            .collect();
        let page_404 = html.input_404.as_deref().unwrap_or("404.md");
        files.push(super::absolute(&self.src.join(page_404)));
        Some(HtmlInputs {
            theme: html.theme_dir(&self.root),
            files,
        })
    }

    fn config(&self) -> Result<MdConfig> {
        let mut config = match &self.book_toml {
            Some(path) => MdConfig::from_disk(path).map_err(render_error)?,
            None => MdConfig::default(),
        };
        config.book.src = self.src.clone();
        Ok(config)
    }
}

/// The files and folders besides the chapters that the HTML renderer reads, as `book.toml`
/// names them. A change to any of them changes pages without changing a chapter.
#[derive(Debug, Clone)]
pub struct HtmlInputs {
    /// The theme folder (`output.html.theme`, by default `theme/` under the root).
    pub theme: PathBuf,
    /// The files of `output.html.additional-css` and `additional-js`, which mdBook copies
    /// into the HTML book (under a name with a hash of their content by default), and the
    /// Markdown of the 404 page (`output.html.input-404`, by default `404.md` in the source
    /// folder).
    pub files: Vec<PathBuf>,
}

/// The structure of the book as the last full render saw it, without any chapter text: what
/// a page render needs besides the changed chapters.
#[derive(Debug)]
pub struct Layout {
    root: PathBuf,
    config: MdConfig,
    chapter_titles: HashMap<PathBuf, String>,
    /// Every chapter in the order of `SUMMARY.md`, drafts included, with empty text and no
    /// sub-chapters.
    outline: Vec<MdChapter>,
    /// The position in `outline` of the parent of each chapter, `None` at the top level.
    parents: Vec<Option<usize>>,
    /// The position in `outline` of each chapter that has a page, in reading order.
    pages: Vec<usize>,
    /// The position in `pages` of each chapter, by its source path.
    positions: HashMap<PathBuf, usize>,
    /// Whether the theme's templates read the whole chapter list, such as an older theme that
    /// writes the sidebar into every page with `{{#toc}}`. A reduced book would change such
    /// pages, so every render is then a full one.
    whole_book_pages: bool,
}

impl Layout {
    /// Returns the number of pages, one per chapter that is not a draft.
    pub fn pages(&self) -> usize {
        self.pages.len()
    }

    fn new(
        root: PathBuf,
        config: MdConfig,
        chapter_titles: HashMap<PathBuf, String>,
        book: &MdBook,
    ) -> Self {
        let mut outline = Vec::new();
        let mut parents = Vec::new();
        add_to_outline(&book.items, None, &mut outline, &mut parents);
        let pages: Vec<usize> = (0..outline.len())
            .filter(|&position| !outline[position].is_draft_chapter())
            .collect();
        let positions = pages
            .iter()
            .enumerate()
            .filter_map(|(page, &position)| Some((outline[position].source_path.clone()?, page)))
            .collect();
        let theme = config.html_config().unwrap_or_default().theme_dir(&root);
        Self {
            whole_book_pages: templates_read_chapter_list(&theme),
            root,
            config,
            chapter_titles,
            outline,
            parents,
            pages,
            positions,
        }
    }

    // NOTE: a `{{#title}}` that an edit adds to or changes in a chapter reaches its page only
    // with the next full render, because the titles come from the last one.
    /// Builds the reduced book for the pages at `changed`: their chapters with their text from
    /// `texts`, and the chapters before and after each of them in reading order with empty
    /// text. The ancestors of those chapters come along as drafts, which have no page and are
    /// no page's neighbour. mdBook's `toc` helper asserts that the section depth grows by one
    /// step at a time (mdbook-html 0.5.4, `helpers/toc.rs`), so a chapter three levels deep
    /// needs the two above it.
    fn reduced_book(&self, changed: &BTreeSet<usize>, texts: &mut ChapterTexts) -> MdBook {
        let mut selected = BTreeSet::new();
        for &page in changed {
            selected.insert(page.saturating_sub(1));
            selected.insert(page);
            if page + 1 < self.pages.len() {
                selected.insert(page + 1);
            }
        }

        // The page at each position in `outline`, or `None` for an ancestor.
        let mut entries: BTreeMap<usize, Option<usize>> = selected
            .iter()
            .map(|&page| (self.pages[page], Some(page)))
            .collect();
        for &page in &selected {
            let mut position = self.pages[page];
            while let Some(parent) = self.parents[position] {
                entries.entry(parent).or_insert(None);
                position = parent;
            }
        }

        let items = entries.into_iter().map(|(position, page)| {
            let mut chapter = self.outline[position].clone();
            match page {
                Some(page) if changed.contains(&page) => {
                    let source = chapter.source_path.as_ref();
                    chapter.content = source.and_then(|p| texts.remove(p)).unwrap_or_default();
                }
                Some(_) => {}
                None => {
                    chapter.path = None;
                    chapter.source_path = None;
                }
            }
            BookItem::Chapter(chapter)
        });
        MdBook::new_with_items(items.collect())
    }

    /// Returns the file of the page at `page` in reading order, relative to the HTML folder.
    fn page(&self, page: usize) -> PathBuf {
        let path = self.outline[self.pages[page]]
            .path
            .as_deref()
            .unwrap_or(Path::new(""));
        path.with_extension("html")
    }
}

/// Appends the chapters among `items` and their sub-chapters to `outline` depth first, which
/// is the order of `SUMMARY.md` and of mdBook's `Book::iter`, and the parent of each to
/// `parents`. Part titles and separators are left out.
fn add_to_outline(
    items: &[BookItem],
    parent: Option<usize>,
    outline: &mut Vec<MdChapter>,
    parents: &mut Vec<Option<usize>>,
) {
    for item in items {
        if let BookItem::Chapter(chapter) = item {
            let position = outline.len();
            outline.push(without_text(chapter));
            parents.push(parent);
            add_to_outline(&chapter.sub_items, Some(position), outline, parents);
        }
    }
}

/// Copies `chapter` without its text and sub-chapters.
fn without_text(chapter: &MdChapter) -> MdChapter {
    MdChapter {
        name: chapter.name.clone(),
        content: String::new(),
        number: chapter.number.clone(),
        sub_items: Vec::new(),
        path: chapter.path.clone(),
        source_path: chapter.source_path.clone(),
        parent_names: chapter.parent_names.clone(),
    }
}

/// Whether a page template in `theme` uses the chapter list: the `toc` helper or the
/// `chapters` variable. mdBook 0.5's own templates read it only in `toc.js` and `toc.html`.
fn templates_read_chapter_list(theme: &Path) -> bool {
    let chapter_list = regex::Regex::new(r"\{\{~?\s*[#>]?\s*(toc|chapters|each\s+chapters)\b")
        .expect("the pattern is valid");
    ["index.hbs", "head.hbs", "header.hbs"].iter().any(|name| {
        fs::read_to_string(theme.join(name)).is_ok_and(|template| chapter_list.is_match(&template))
    })
}

/// An in-process preprocessor that puts the chapters netsnip expanded in place of mdBook's
/// text. It is named `netsnip` so that it replaces a `[preprocessor.netsnip]` that `book.toml`
/// configures for `mdbook build` and runs at its position among the other preprocessors.
struct Expanded {
    chapters: Mutex<ChapterTexts>,
}

impl Preprocessor for Expanded {
    fn name(&self) -> &str {
        "netsnip"
    }

    fn run(
        &self,
        _context: &PreprocessorContext,
        mut book: MdBook,
    ) -> mdbook_preprocessor::errors::Result<MdBook> {
        let mut texts = self.chapters.lock().unwrap_or_else(PoisonError::into_inner);
        let listed_twice = files_listed_twice(&book);

        // Each text moves into its chapter, unless SUMMARY.md lists the file more than once.
        book.for_each_chapter_mut(|chapter| {
            let Some(source) = &chapter.source_path else {
                return;
            };
            let text = if listed_twice.contains(source) {
                texts.get(source).cloned()
            } else {
                texts.remove(source)
            };
            if let Some(text) = text {
                chapter.content = text;
            }
        });
        Ok(book)
    }
}

fn files_listed_twice(book: &MdBook) -> HashSet<PathBuf> {
    let mut seen = HashSet::new();
    book.chapters()
        .filter_map(|chapter| chapter.source_path.clone())
        .filter(|source| !seen.insert(source.clone()))
        .collect()
}

fn render_error(error: mdbook_driver::errors::Error) -> Error {
    Error::Render(format!("{error:#}"))
}

thread_local! {
    /// How many calls of [`catch_panic`] this thread is inside.
    static CATCHING: Cell<usize> = const { Cell::new(0) };
    /// The message and location of the last panic that [`catch_panic`] caught on this thread.
    static CAUGHT: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Runs `work` and turns a panic on this thread into [`Error::Render`] with the panic's message
/// and location, which the default panic hook would otherwise print as a crash. mdBook's
/// renderer and its helpers assert on their input, such as the section depths the `toc`
/// helper reads, and an input they do not expect must not end netsnip. A panic on another
/// thread, such as a worker that `work` starts, is still printed by the default hook.
pub fn catch_panic<T>(work: impl FnOnce() -> Result<T>) -> Result<T> {
    install_panic_hook();
    CATCHING.set(CATCHING.get() + 1);
    let result = std::panic::catch_unwind(AssertUnwindSafe(work));
    CATCHING.set(CATCHING.get() - 1);

    result.unwrap_or_else(|_| {
        let panic = CAUGHT.take().unwrap_or_else(|| "panicked".to_string());
        Err(Error::Render(panic))
    })
}

/// Installs, once per process, a panic hook that records the panics of a thread inside
/// [`catch_panic`] and hands every other panic to the hook that was installed before.
fn install_panic_hook() {
    static INSTALLED: Once = Once::new();
    INSTALLED.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if CATCHING.get() > 0 {
                CAUGHT.set(Some(describe_panic(info)));
            } else {
                previous(info);
            }
        }));
    });
}

/// Formats a panic as the place in the source that raised it and its message on one line,
/// such as ``panicked at mdbook-html-0.5.4/src/html_handlebars/helpers/toc.rs:78:21:
/// assertion `left == right` failed, left: 3, right: 2``.
fn describe_panic(info: &std::panic::PanicHookInfo<'_>) -> String {
    let payload = info.payload();
    let message = payload
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("a panic without a message");
    let message = message
        .lines()
        .map(str::trim)
        .collect::<Vec<_>>()
        .join(", ");
    let Some(location) = info.location() else {
        return format!("panicked: {message}");
    };

    // A dependency's path starts with Cargo's registry folder, which the reader does not need.
    let file = location.file();
    let file = file
        .split_once("/registry/src/")
        .and_then(|(_, index)| index.split_once('/'))
        .map_or(file, |(_, crate_path)| crate_path);
    format!(
        "panicked at {file}:{}:{}: {message}",
        location.line(),
        location.column()
    )
}

/// Renders the HTML book into `out/html/` with mdBook's own renderer.
pub fn write_html(book: &Book, analysis: &Analysis, out: &Path) -> Result<()> {
    let texts = analysis
        .chapters
        .iter()
        .map(|c| (c.chapter.relative.clone(), c.expansion.text.clone()))
        .collect();
    render_book(&HtmlSource::of(book), texts, out).map(drop)
}

/// Renders the whole book from `texts` into `out/html/`, replacing the folder atomically, and
/// returns its layout for later page renders. Chapters missing from `texts` keep the text
/// mdBook's preprocessors give them.
pub fn render_book(source: &HtmlSource, texts: ChapterTexts, out: &Path) -> Result<Layout> {
    let destination = out.join(HTML_FOLDER);
    replace_folder(&destination, |staging| {
        let (book, config, chapter_titles) = preprocess(source, texts, staging)?;
        let layout = Layout::new(source.root.clone(), config.clone(), chapter_titles, &book);
        render(&layout, book, config, staging)?;
        Ok(layout)
    })
}

/// Loads the book with mdBook and runs its preprocessors, [`Expanded`] among them. The
/// `MDBook` with the texts as read from disk is dropped before the render, which then holds
/// only the expanded texts.
fn preprocess(
    source: &HtmlSource,
    texts: ChapterTexts,
    build_dir: &Path,
) -> Result<(MdBook, MdConfig, HashMap<PathBuf, String>)> {
    let mut config = source.config()?;
    config.build.build_dir = build_dir.to_path_buf();
    let mut mdbook = MDBook::load_with_config(&source.root, config).map_err(render_error)?;
    mdbook.with_preprocessor(Expanded {
        chapters: Mutex::new(texts),
    });

    let (book, context) = catch_panic(|| {
        mdbook
            .preprocess_book(&HtmlHandlebars::new())
            .map_err(render_error)
    })?;
    let chapter_titles = context.chapter_titles.take();
    Ok((book, std::mem::take(&mut mdbook.config), chapter_titles))
}

fn render(layout: &Layout, book: MdBook, config: MdConfig, destination: &Path) -> Result<()> {
    let mut context = RenderContext::new(layout.root.clone(), book, config, destination);
    context.chapter_titles = layout.chapter_titles.clone();
    catch_panic(|| HtmlHandlebars::new().render(&context).map_err(render_error))
}

/// The pages a page render wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PagesWritten {
    /// Pages of changed chapters.
    pub pages: usize,
    /// Whether `index.html`, the copy of the first chapter's page, was written too.
    pub index: bool,
}

/// Renders the pages of the chapters in `texts` (by source path) into `out/html/`, and writes
/// nothing else there. Returns the pages written, or `None` when only a full render can
/// update them. That is the case when the HTML folder is missing or does not match `layout`,
/// when a page would name a resource that the folder lacks, or when the theme puts the whole
/// chapter list into every page.
/// Chapters that have no page are skipped.
pub fn render_pages(
    layout: &Layout,
    mut texts: ChapterTexts,
    out: &Path,
) -> Result<Option<PagesWritten>> {
    let live = out.join(HTML_FOLDER);
    if layout.whole_book_pages || !live.is_dir() {
        return Ok(None);
    }
    let changed: BTreeSet<usize> = texts
        .keys()
        .filter_map(|source| layout.positions.get(source))
        .copied()
        .collect();
    if changed.is_empty() {
        return Ok(Some(PagesWritten {
            pages: 0,
            index: false,
        }));
    }

    // The scratch folder never contains anything the caller needs, so the guard removes it
    // whether the render succeeded, failed or panicked.
    remove_stale_siblings(&live);
    let scratch = WorkFolder::new(sibling(&live, "pages"));
    let book = layout.reduced_book(&changed, &mut texts);
    let config = scratch_config(layout, scratch.path())?;
    render(layout, book, config, scratch.path())?;
    publish_pages(layout, &changed, scratch.path(), &live)
}

/// Returns the configuration of a page render: the book's own, with the search index left empty,
/// because the pages do not depend on it and indexing is the slowest step of a render.
/// Turning search off instead would drop the search bar from the pages.
fn scratch_config(layout: &Layout, scratch: &Path) -> Result<MdConfig> {
    let mut config = layout.config.clone();
    config.build.build_dir = scratch.to_path_buf();
    // An empty path is a prefix of every chapter's path, so this leaves out all of them.
    let no_chapters = HashMap::from([("", HashMap::from([("enable", false)]))]);
    config
        .set("output.html.search.chapter", no_chapters)
        .map_err(render_error)?;
    Ok(config)
}

/// Moves the pages of `changed` from `scratch` into `live`, with their references to hashed
/// resources rewritten to the files in `live`. The page of the first chapter is also the
/// book's `index.html`.
fn publish_pages(
    layout: &Layout,
    changed: &BTreeSet<usize>,
    scratch: &Path,
    live: &Path,
) -> Result<Option<PagesWritten>> {
    let Some(renames) = resource_renames(scratch, live)? else {
        return Ok(None);
    };
    let mut pages: Vec<PathBuf> = changed.iter().map(|&page| layout.page(page)).collect();
    let index = changed.contains(&0);
    if index {
        pages.push(PathBuf::from("index.html"));
    }

    for page in &pages {
        let from = scratch.join(page);
        let mut text = fs::read_to_string(&from).map_err(|e| Error::io("reading", &from, e))?;
        for (scratch_name, live_name) in &renames {
            text = text.replace(scratch_name.as_str(), live_name);
        }
        write_atomic(&live.join(page), text.as_bytes())?;
    }
    Ok(Some(PagesWritten {
        pages: changed.len(),
        index,
    }))
}

/// The resources whose content depends on the whole book, so that a reduced book's differ
/// from the full book's. mdBook writes them at the top of the HTML folder.
const BOOK_WIDE_RESOURCES: [&str; 2] = ["toc", "searchindex"];

/// Pairs each book-wide resource in `scratch` whose hashed name differs from the one in
/// `live` (such as `toc-1a2b3c4d.js` against `toc-5e6f7a8b.js`) with the name in `live`.
///
/// Returns `None` when a page would name a resource that `live` lacks. That is a book-wide one
/// without a single counterpart, because then `live` is not the output of a full render with
/// the same configuration, or any other hashed resource, in any subfolder, missing from `live`.
/// Such a resource, like a file of `output.html.additional-css`, changed since the last full
/// render, and only a full render copies it into `live`.
fn resource_renames(scratch: &Path, live: &Path) -> Result<Option<Vec<(String, String)>>> {
    let live_names = file_names(live)?;
    let mut renames = Vec::new();
    for relative in hashed_files(scratch, Path::new(""))? {
        if live.join(&relative).is_file() {
            continue;
        }
        let name = relative.to_string_lossy().into_owned();
        let key = unhashed(&name).filter(|(stem, _)| BOOK_WIDE_RESOURCES.contains(stem));
        let Some(key) = key else {
            return Ok(None);
        };
        let mut matches = live_names.iter().filter(|n| unhashed(n) == Some(key));
        match (matches.next(), matches.next()) {
            (Some(live_name), None) => renames.push((name, live_name.clone())),
            _ => return Ok(None),
        }
    }
    Ok(Some(renames))
}

fn file_names(folder: &Path) -> Result<HashSet<String>> {
    let entries = fs::read_dir(folder).map_err(|e| Error::io("reading", folder, e))?;
    Ok(entries
        .flatten()
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .collect())
}

/// Returns the files under `root.join(relative)` whose names `hash-files` made, relative to
/// `root`, in every subfolder.
fn hashed_files(root: &Path, relative: &Path) -> Result<Vec<PathBuf>> {
    let folder = root.join(relative);
    let entries = fs::read_dir(&folder).map_err(|e| Error::io("reading", &folder, e))?;
    let mut hashed = Vec::new();
    for entry in entries.flatten() {
        let path = relative.join(entry.file_name());
        if entry.file_type().is_ok_and(|kind| kind.is_dir()) {
            hashed.extend(hashed_files(root, &path)?);
        } else if unhashed(&entry.file_name().to_string_lossy()).is_some() {
            hashed.push(path);
        }
    }
    Ok(hashed)
}

/// The name and extension of a resource whose name mdBook's `hash-files` made, such as
/// `("toc", "js")` for `toc-1a2b3c4d.js`: the name up to the first dot, a dash and the first
/// 4 bytes of the content's SHA-256 in hexadecimal (mdbook-html 0.5, `hash_files`).
fn unhashed(name: &str) -> Option<(&str, &str)> {
    let (base, extension) = name.split_once('.')?;
    let (stem, hash) = base.rsplit_once('-')?;
    let hashed = hash.len() == 8 && hash.bytes().all(|b| b.is_ascii_hexdigit());
    hashed.then_some((stem, extension))
}

#[cfg(test)]
mod tests {
    use super::unhashed;

    #[test]
    fn unhashed_names() {
        assert_eq!(unhashed("toc-1a2b3c4d.js"), Some(("toc", "js")));
        assert_eq!(
            unhashed("searchindex-00ff00ff.json"),
            Some(("searchindex", "json"))
        );
        assert_eq!(unhashed("toc.js"), None);
        assert_eq!(unhashed("chapter-00001.html"), None);
        assert_eq!(unhashed("a-b.1a2b3c4d.js"), None);
    }

    #[test]
    fn panic_becomes_error() {
        let caught = super::catch_panic::<()>(|| panic!("first line\n  second line"));

        let message = caught.unwrap_err().to_string();
        assert!(
            message.contains("panicked at src/output/html.rs:"),
            "{message}"
        );
        assert!(message.ends_with(": first line, second line"), "{message}");
    }

    #[test]
    fn chapter_list_in_templates() {
        let theme = tempfile::tempdir().unwrap();
        let index = theme.path().join("index.hbs");
        assert!(!super::templates_read_chapter_list(theme.path()));

        let own = "<p>Press left or right to navigate between chapters</p>\n\
                   <script src=\"{{ resource \"toc.js\" }}\"></script>";
        std::fs::write(&index, own).unwrap();
        assert!(!super::templates_read_chapter_list(theme.path()));

        std::fs::write(&index, "<nav>{{#toc}}{{/toc}}</nav>").unwrap();
        assert!(super::templates_read_chapter_list(theme.path()));
        std::fs::write(&index, "{{#each chapters}}{{name}}{{/each}}").unwrap();
        assert!(super::templates_read_chapter_list(theme.path()));
    }
}
