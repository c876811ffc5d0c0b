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
//! Such a page is byte-identical to the one a full render of the same text writes, with one
//! exception. With `output.html.hash-files` (on by default in mdBook 0.5) a page names
//! `toc.js` and `searchindex.js` by a hash of their content, and the reduced book's files
//! differ from the full book's, so the page's references are rewritten to the files in
//! `OUT/html/`. For `toc.js` that is the full render's name, because the chapter list did not
//! change. The search index, though, changes with the text, so the page names the older index
//! until the next full render. The search index, `print.html`, `toc.js`, `toc.html` and the
//! 404 page are book-wide, and only a full render refreshes them.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};

use mdbook_driver::MDBook;
use mdbook_driver::book::{Book as MdBook, BookItem, Chapter as MdChapter};
use mdbook_driver::config::Config as MdConfig;
use mdbook_html::HtmlHandlebars;
use mdbook_preprocessor::{Preprocessor, PreprocessorContext};
use mdbook_renderer::{RenderContext, Renderer};

use super::{HTML_FOLDER, remove_stale_siblings, replace_folder, sibling, write_atomic};
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

    /// Returns the theme folder that the HTML renderer reads (`output.html.theme`, by default
    /// `theme/` under the root), or `None` when `book.toml` cannot be read.
    pub fn theme_folder(&self) -> Option<PathBuf> {
        let config = self.config().ok()?;
        Some(
            config
                .html_config()
                .unwrap_or_default()
                .theme_dir(&self.root),
        )
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

/// The structure of the book as the last full render saw it, without any chapter text: what
/// a page render needs besides the changed chapters.
#[derive(Debug)]
pub struct Layout {
    root: PathBuf,
    config: MdConfig,
    chapter_titles: HashMap<PathBuf, String>,
    /// Every chapter that has a page, in reading order, with empty text and no sub-chapters.
    chapters: Vec<MdChapter>,
    /// The position in `chapters` of each chapter, by its source path.
    positions: HashMap<PathBuf, usize>,
    /// Whether the theme's templates read the whole chapter list, such as an older theme that
    /// writes the sidebar into every page with `{{#toc}}`. A reduced book would change such
    /// pages, so every render is then a full one.
    whole_book_pages: bool,
}

impl Layout {
    /// Returns the number of pages, one per chapter that is not a draft.
    pub fn pages(&self) -> usize {
        self.chapters.len()
    }

    fn new(
        root: PathBuf,
        config: MdConfig,
        chapter_titles: HashMap<PathBuf, String>,
        book: &MdBook,
    ) -> Self {
        let chapters: Vec<MdChapter> = book.chapters().map(without_text).collect();
        let positions = chapters
            .iter()
            .enumerate()
            .filter_map(|(index, chapter)| Some((chapter.source_path.clone()?, index)))
            .collect();
        let theme = config.html_config().unwrap_or_default().theme_dir(&root);
        Self {
            whole_book_pages: templates_read_chapter_list(&theme),
            root,
            config,
            chapter_titles,
            chapters,
            positions,
        }
    }

    // NOTE: a `{{#title}}` that an edit adds to or changes in a chapter reaches its page only
    // with the next full render, because the titles come from the last one.
    /// Builds the reduced book for the chapters at `changed`: those chapters with their text from
    /// `texts`, and their neighbours in reading order with empty text.
    fn reduced_book(&self, changed: &BTreeSet<usize>, texts: &mut ChapterTexts) -> MdBook {
        let mut selected = BTreeSet::new();
        for &index in changed {
            selected.insert(index.saturating_sub(1));
            selected.insert(index);
            if index + 1 < self.chapters.len() {
                selected.insert(index + 1);
            }
        }

        let items = selected.into_iter().map(|index| {
            let mut chapter = self.chapters[index].clone();
            if changed.contains(&index) {
                let source = chapter.source_path.as_ref();
                chapter.content = source.and_then(|p| texts.remove(p)).unwrap_or_default();
            }
            BookItem::Chapter(chapter)
        });
        MdBook::new_with_items(items.collect())
    }

    /// Returns the page of the chapter at `index`, relative to the HTML folder.
    fn page(&self, index: usize) -> PathBuf {
        let path = self.chapters[index]
            .path
            .as_deref()
            .unwrap_or(Path::new(""));
        path.with_extension("html")
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

    let (book, context) = mdbook
        .preprocess_book(&HtmlHandlebars::new())
        .map_err(render_error)?;
    let chapter_titles = context.chapter_titles.take();
    Ok((book, std::mem::take(&mut mdbook.config), chapter_titles))
}

fn render(layout: &Layout, book: MdBook, config: MdConfig, destination: &Path) -> Result<()> {
    let mut context = RenderContext::new(layout.root.clone(), book, config, destination);
    context.chapter_titles = layout.chapter_titles.clone();
    HtmlHandlebars::new().render(&context).map_err(render_error)
}

/// Renders the pages of the chapters in `texts` (by source path) into `out/html/`, and writes
/// nothing else there. Returns the number of pages written, or `None` when only a full render
/// can update them: the HTML folder is missing or does not match `layout`, or the theme puts
/// the whole chapter list into every page. Chapters that have no page are skipped.
pub fn render_pages(layout: &Layout, mut texts: ChapterTexts, out: &Path) -> Result<Option<usize>> {
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
        return Ok(Some(0));
    }

    remove_stale_siblings(&live);
    let scratch = sibling(&live, "pages");
    let book = layout.reduced_book(&changed, &mut texts);
    let result = render(layout, book, scratch_config(layout, &scratch)?, &scratch)
        .and_then(|()| publish_pages(layout, &changed, &scratch, &live));

    // The scratch folder never contains anything the caller needs, whether the render failed or not.
    let _ = fs::remove_dir_all(&scratch);
    result
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
) -> Result<Option<usize>> {
    let Some(renames) = resource_renames(scratch, live)? else {
        return Ok(None);
    };
    let mut pages: Vec<PathBuf> = changed.iter().map(|&index| layout.page(index)).collect();
    if changed.contains(&0) {
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
    Ok(Some(pages.len()))
}

/// Pairs each hashed resource in `scratch` whose name differs from the one in `live` (such as
/// `toc-1a2b3c4d.js` against `toc-5e6f7a8b.js`) with the name in `live`. Returns `None` when
/// `live` has no single counterpart for one of them, which means it is not the output of a
/// full render with the same configuration. The resources that depend on the book's text
/// (`toc.js`, `searchindex.js`) lie at the top of the folder, so subfolders are not read.
fn resource_renames(scratch: &Path, live: &Path) -> Result<Option<Vec<(String, String)>>> {
    let scratch_names = file_names(scratch)?;
    let live_names = file_names(live)?;
    let mut renames = Vec::new();
    for name in scratch_names.iter().filter(|n| !live_names.contains(*n)) {
        let Some(key) = unhashed(name) else {
            continue;
        };
        let mut matches = live_names.iter().filter(|n| unhashed(n) == Some(key));
        match (matches.next(), matches.next()) {
            (Some(live_name), None) => renames.push((name.clone(), live_name.clone())),
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
