//! The HTML thread of watch mode.
//!
//! mdBook's renderer takes seconds on a large book, so it runs on a thread of its own and the
//! main thread goes on rebuilding the Markdown output of later edits meanwhile. Renders never
//! overlap: the thread takes one job at a time, and the jobs submitted while it renders merge
//! into one that contains the newest text of every chapter they name, so the newest state wins.
//!
//! A job renders either the pages of the chapters whose text changed
//! ([`output::html::render_pages`]) or the whole book ([`output::html::render_book`]). The
//! session decides which (see its module docs). A page render needs the layout of the last
//! full render, which this thread keeps. When there is none, because the last full render
//! failed, or the HTML folder no longer matches it, the thread reports
//! [`Outcome::NeedsFullRender`] and the session submits a full render.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc::Sender;
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use super::Message;
use super::status::{HtmlQueued, time_of_day};
use crate::analysis::ExpandedChapter;
use crate::book::Book;
use crate::error::{Error, Result};
use crate::output::html::{self, ChapterTexts, HtmlSource, Layout, PagesWritten};

/// A render the session requests.
pub struct Job {
    source: HtmlSource,
    texts: ChapterTexts,
    /// Whether to render the whole book, in which case `texts` contains every chapter.
    full: bool,
}

impl Job {
    /// Renders the whole book from the text of every chapter.
    pub fn full(source: HtmlSource, texts: ChapterTexts) -> Self {
        Self {
            source,
            texts,
            full: true,
        }
    }

    /// Renders the pages of the chapters in `texts`.
    pub fn pages(source: HtmlSource, texts: ChapterTexts) -> Self {
        Self {
            source,
            texts,
            full: false,
        }
    }

    /// Merges `newer`, submitted after this job, into it. A full render stays full, and takes
    /// the newer text of the chapters that changed since.
    fn merge(&mut self, newer: Job) {
        if newer.full {
            *self = newer;
            return;
        }
        self.source = newer.source;
        self.texts.extend(newer.texts);
    }
}

/// The outcome of a render.
#[derive(Debug)]
pub enum Outcome {
    /// Rendered the whole book, which has this many pages.
    Book { pages: usize },
    /// Rendered the pages of the changed chapters, of a book of `pages` pages.
    Pages { written: PagesWritten, pages: usize },
    /// Rendered nothing, because only a full render can update the HTML folder.
    NeedsFullRender,
}

/// The result of one job, sent to the main loop.
#[derive(Debug)]
pub struct Rendered {
    /// The outcome of the render, or the reason it failed. A failed render leaves the HTML folder as it was.
    pub outcome: Result<Outcome>,
    /// Whether the job was a full render.
    pub full: bool,
    /// Wall-clock time of the render.
    pub elapsed: Duration,
    /// Whether another job was submitted during the render, so the HTML book is still behind.
    pub pending: bool,
}

#[derive(Default)]
struct Queue {
    job: Mutex<Option<Job>>,
    submitted: Condvar,
}

impl Queue {
    fn lock(&self) -> MutexGuard<'_, Option<Job>> {
        self.job.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn take(&self) -> Job {
        let mut job = self.lock();
        loop {
            if let Some(job) = job.take() {
                return job;
            }
            job = self
                .submitted
                .wait(job)
                .unwrap_or_else(PoisonError::into_inner);
        }
    }
}

/// The handle of the HTML thread. The thread runs until the process exits, because a render
/// cannot be stopped midway. A swap of the HTML folder in progress at exit is finished first
/// (see [`crate::output::stop_swaps`]).
pub struct HtmlThread {
    queue: Arc<Queue>,
}

impl HtmlThread {
    /// Starts the thread, which renders into `out/html/` and sends a [`Message::Rendered`]
    /// after each job.
    pub fn start(out: PathBuf, sender: Sender<Message>) -> Result<Self> {
        let queue = Arc::new(Queue::default());
        let jobs = Arc::clone(&queue);
        std::thread::Builder::new()
            .name("netsnip-html".to_string())
            .spawn(move || render_jobs(&jobs, &out, &sender))
            .map_err(|error| Error::io("starting", "the HTML render thread", error))?;
        Ok(Self { queue })
    }

    /// Queues `job`, merged into the job that waits for the thread if there is one.
    pub fn submit(&self, job: Job) {
        let mut pending = self.queue.lock();
        match pending.as_mut() {
            Some(pending) => pending.merge(job),
            None => *pending = Some(job),
        }
        self.queue.submitted.notify_one();
    }
}

/// Sends [`Message::HtmlStopped`] when the HTML thread ends by a panic, so that the main loop
/// does not wait for renders that never come.
struct StopNotice<'a>(&'a Sender<Message>);

impl Drop for StopNotice<'_> {
    fn drop(&mut self) {
        if std::thread::panicking() {
            let _ = self.0.send(Message::HtmlStopped);
        }
    }
}

fn render_jobs(queue: &Queue, out: &Path, sender: &Sender<Message>) {
    let _notice = StopNotice(sender);
    let mut layout = None;
    loop {
        let job = queue.take();
        let full = job.full;
        let started = Instant::now();
        // A panic in a render must not end the thread. The layout it leaves is still that of
        // the last full render, because a full render clears it first.
        let outcome = html::catch_panic(|| render(&mut layout, job, out));
        let rendered = Rendered {
            outcome,
            full,
            elapsed: started.elapsed(),
            pending: queue.lock().is_some(),
        };
        // The receiver is gone only while the main loop shuts down.
        if sender.send(Message::Rendered(rendered)).is_err() {
            return;
        }
    }
}

fn render(layout: &mut Option<Layout>, job: Job, out: &Path) -> Result<Outcome> {
    if job.full {
        // A failed full render may follow a change of the chapter list, so the old layout
        // is not kept for page renders.
        *layout = None;
        let rendered = html::render_book(&job.source, job.texts, out)?;
        let pages = rendered.pages();
        *layout = Some(rendered);
        return Ok(Outcome::Book { pages });
    }

    let Some(layout) = layout else {
        return Ok(Outcome::NeedsFullRender);
    };
    Ok(match html::render_pages(layout, job.texts, out)? {
        Some(written) => Outcome::Pages {
            written,
            pages: layout.pages(),
        },
        None => Outcome::NeedsFullRender,
    })
}

/// The HTML side of a watch session: the thread, and what the HTML folder is behind on.
///
/// An edit queues a page render of the chapters whose text changed. A full render is queued
/// for the first build and after a reload (`book.toml`, `SUMMARY.md` or the list of chapters
/// changed). It is also queued after a change in the theme folder, of a file that `book.toml`
/// names for the HTML book or of a file that mdBook copies from the source folder. A page
/// render that fails or cannot update the folder is followed by one too. The search index
/// and `print.html`, which only a full render refreshes, get one once no edit has come for
/// the refresh delay. A full render after every edit would cost as much as before, and since
/// a render cannot be stopped midway, the page of an edit saved during it would wait for it.
pub struct HtmlOutput {
    thread: HtmlThread,
    /// Whether the next render must be a full one.
    needs_full: bool,
    /// When to queue the full render that refreshes the book-wide files, if pages were
    /// rendered since the last one.
    refresh_due: Option<Instant>,
    refresh_delay: Duration,
    /// Whether the last render failed.
    failed: bool,
    /// Whether a render is queued or running.
    busy: bool,
    /// Whether the thread has ended, after a panic outside a render.
    stopped: bool,
}

/// The session's next steps after a render.
pub struct AfterRender {
    /// The status line to print.
    pub line: Option<String>,
    /// Whether to queue a full render now.
    pub queue_full: bool,
}

impl HtmlOutput {
    /// Starts the HTML thread for `out/html/`.
    pub fn start(out: PathBuf, sender: Sender<Message>, refresh_delay: Duration) -> Result<Self> {
        Ok(Self {
            thread: HtmlThread::start(out, sender)?,
            needs_full: true,
            refresh_due: None,
            refresh_delay,
            failed: false,
            busy: false,
            stopped: false,
        })
    }

    /// Makes the next render a full one.
    pub fn request_full(&mut self) {
        self.needs_full = true;
        self.refresh_due = None;
    }

    /// The time at which [`HtmlOutput::request_full`] should refresh the book-wide files.
    pub fn refresh_due(&self) -> Option<Instant> {
        self.refresh_due
    }

    /// Returns whether the last render failed or the thread has stopped, so that the HTML book
    /// may be behind the last build.
    pub fn failed(&self) -> bool {
        self.failed || self.stopped
    }

    /// Returns whether a render is queued or running.
    pub fn busy(&self) -> bool {
        self.busy
    }

    /// Records that the thread has ended and returns the message to print. Nothing is
    /// queued from then on.
    pub fn stopped(&mut self) -> String {
        self.stopped = true;
        self.busy = false;
        "error: the HTML render thread stopped after a panic, so the HTML book is no longer \
         updated; the Markdown output still is. Restart netsnip watch to render the HTML book \
         again"
            .to_string()
    }

    /// Queues the render that brings the HTML book up to date with `chapters`, whose text
    /// changed at `stale` since the last render queued, and returns what it renders. A book
    /// without `SUMMARY.md` has no HTML book.
    pub fn queue(
        &mut self,
        book: &Book,
        chapters: &[ExpandedChapter],
        stale: &BTreeSet<usize>,
    ) -> Option<HtmlQueued> {
        book.summary.as_ref()?;
        if self.stopped {
            return None;
        }
        let source = HtmlSource::of(book);
        let text = |c: &ExpandedChapter| (c.chapter.relative.clone(), c.expansion.text.clone());
        if self.needs_full {
            self.needs_full = false;
            self.refresh_due = None;
            self.thread
                .submit(Job::full(source, chapters.iter().map(text).collect()));
            self.busy = true;
            return Some(HtmlQueued::Book);
        }
        if stale.is_empty() {
            return None;
        }

        self.refresh_due = Some(Instant::now() + self.refresh_delay);
        let texts = stale.iter().map(|&index| text(&chapters[index])).collect();
        self.thread.submit(Job::pages(source, texts));
        self.busy = true;
        Some(HtmlQueued::Pages(stale.len()))
    }

    /// Records the result of a render and returns its status line, if it gets one, and whether
    /// the caller must queue a full render: when the thread needs one, or in place of a page
    /// render that failed.
    pub fn rendered(&mut self, rendered: &Rendered) -> AfterRender {
        self.busy = rendered.pending;
        if matches!(rendered.outcome, Ok(Outcome::NeedsFullRender)) {
            self.request_full();
            return AfterRender {
                line: None,
                queue_full: true,
            };
        }

        self.failed = rendered.outcome.is_err();
        let retry = self.failed && !rendered.full;
        if retry {
            self.request_full();
        }
        AfterRender {
            line: Some(rendered.line(self.refresh_delay)),
            queue_full: retry,
        }
    }
}

impl Rendered {
    /// Formats the status line, e.g. `[14:03:07] HTML book up to date: rendered 100 of 1000
    /// pages, 640 ms; the search index and print page follow 3 s after the last change`.
    fn line(&self, refresh_delay: Duration) -> String {
        let state = if self.pending {
            "HTML book updated, newer changes queued"
        } else {
            "HTML book up to date"
        };
        let elapsed = self.elapsed.as_millis();
        let line = match &self.outcome {
            Ok(Outcome::Book { pages }) => format!(
                "{state}: rendered all {pages} pages, the search index and the print page, \
                 {elapsed} ms"
            ),
            Ok(Outcome::Pages { written, pages }) => format!(
                "{state}: rendered {} of {pages} pages{}, {elapsed} ms; the search index and \
                 print page follow {} s after the last change",
                written.pages,
                if written.index { " and index.html" } else { "" },
                refresh_delay.as_secs_f64()
            ),
            Ok(Outcome::NeedsFullRender) => format!("{state}: rendered nothing"),
            Err(error) if self.full => format!(
                "HTML book not updated: kept the last good HTML book, {elapsed} ms\nerror: {error}"
            ),
            Err(error) => format!(
                "HTML book not updated: the page render failed, so the whole book is rendered \
                 instead, {elapsed} ms\nerror: {error}"
            ),
        };
        format!("[{}] {line}", time_of_day())
    }
}
