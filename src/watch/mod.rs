//! Watch mode: build once, then rebuild what each edit touches until interrupted.
//!
//! Four threads feed one channel: notify's watcher with its debouncer, which merges the
//! events of one save into a batch, the Ctrl-C handler, and the HTML thread ([`html`]), which
//! reports each render it finishes. The main thread receives from the channel and runs every
//! rebuild of the Markdown output itself, so the build state ([`session::Session`]) needs no
//! locks, and events that arrive during a rebuild wait in the channel for the next one. The
//! HTML thread renders from copies of the expanded chapters, so a slow render never delays
//! the next rebuild.

mod graph;
#[cfg(feature = "html")]
mod html;
mod session;
mod status;
mod watcher;

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use notify_debouncer_full::DebounceEventResult;

use crate::commands::ReportOptions;
use crate::error::{Error, Result};
use crate::output;
use session::{Changes, Session};
use watcher::Watcher;

/// Options of `netsnip watch`.
#[derive(Debug, Clone, Default)]
pub struct WatchOptions {
    /// The book root; found upward from the current folder when absent.
    pub root: Option<PathBuf>,
    /// The output folder; `book/` under the root when absent.
    pub out: Option<PathBuf>,
    /// Use the polling watcher, for file systems that lose events.
    pub poll: bool,
    /// How long the book must go without changes before the HTML book's search index and print
    /// page, which an edit leaves behind, are refreshed; [`DEFAULT_REFRESH_DELAY`] when absent.
    pub refresh_delay: Option<Duration>,
    /// Reporting.
    pub report: ReportOptions,
}

/// The default of [`WatchOptions::refresh_delay`]. Refreshing the search index takes a full
/// render, about 7 s for a book of 1,000 chapters of 47 KB each (BENCHMARKS.md). A render
/// cannot be stopped once it runs, so the refresh waits for a pause in the editing rather than
/// the next quiet moment between two saves.
pub const DEFAULT_REFRESH_DELAY: Duration = Duration::from_secs(3);

impl WatchOptions {
    #[cfg_attr(not(feature = "html"), allow(dead_code))]
    fn refresh_delay(&self) -> Duration {
        self.refresh_delay.unwrap_or(DEFAULT_REFRESH_DELAY)
    }
}

/// A message to the main loop.
pub(crate) enum Message {
    /// A batch of debounced events, or the watcher's errors.
    Events(DebounceEventResult),
    /// Ctrl-C, SIGTERM or SIGHUP.
    Interrupt,
    /// The HTML thread finished a render.
    #[cfg(feature = "html")]
    Rendered(html::Rendered),
    /// The HTML thread ended by a panic outside a render.
    #[cfg(feature = "html")]
    HtmlStopped,
}

/// The next event for the main loop.
enum Next {
    /// Paths changed: rebuild.
    Changes(Changes),
    /// The HTML thread finished a render.
    #[cfg(feature = "html")]
    Rendered(html::Rendered),
    /// The HTML thread ended.
    #[cfg(feature = "html")]
    HtmlStopped,
    /// The book was quiet until the HTML refresh was due.
    Quiet,
    /// Ctrl-C, SIGTERM or SIGHUP.
    Interrupt,
}

/// Builds once, then rebuilds on every change until interrupted. Returns exit code 0 when
/// the last build was clean and the HTML book did not fail to render (see
/// [`Session::exit_code`]), and 1 otherwise. Fails only when the book cannot be loaded at the
/// start or the watcher cannot be started.
pub fn run(options: &WatchOptions) -> Result<ExitCode> {
    let (sender, receiver) = mpsc::channel();
    let interrupt = sender.clone();
    ctrlc::set_handler(move || {
        let _ = interrupt.send(Message::Interrupt);
    })
    .map_err(|error| {
        Error::io(
            "installing",
            "the Ctrl-C handler",
            std::io::Error::other(error),
        )
    })?;

    // The source folders are watched before the first build, and the folders of included
    // files outside them as soon as the first expansion has found them. Every rebuild updates
    // the watched folders before it prints its status line, so that an edit made after a
    // status line always starts a rebuild.
    let mut session = Session::load(options, sender.clone())?;
    let mut watcher = Watcher::new(options.poll, sender)?;
    report_watch_problems(watcher.sync(&session.watch_list(), &[]));
    let initial = session.analyze_all();
    report_watch_problems(watcher.sync(&session.watch_list(), &[]));
    session.publish(initial);

    let mut inbox = Inbox {
        receiver,
        held: None,
    };
    loop {
        match inbox.next(session.html_refresh_due()) {
            Next::Changes(changes) => {
                if let Some(rebuild) = session.apply(&changes) {
                    let changed: Vec<PathBuf> = changes.paths.into_iter().collect();
                    report_watch_problems(watcher.sync(&session.watch_list(), &changed));
                    session.publish(rebuild);
                }
            }
            #[cfg(feature = "html")]
            Next::Rendered(rendered) => session.html_rendered(&rendered),
            #[cfg(feature = "html")]
            Next::HtmlStopped => session.html_stopped(),
            Next::Quiet => session.refresh_html(),
            Next::Interrupt => break,
        }
    }

    // The HTML thread may be rendering. It is left to end with the process, but not in the
    // middle of swapping a folder in, and its staging folder is removed first.
    output::stop_swaps();
    session.interrupted();
    watcher.stop();
    Ok(session.exit_code())
}

/// The receiving end of the main loop's channel.
struct Inbox {
    receiver: Receiver<Message>,
    /// A message received while merging batches of events, handled next.
    held: Option<Message>,
}

impl Inbox {
    /// Waits for the next message, or until `due`. A batch of changes includes every batch
    /// already queued behind it.
    fn next(&mut self, due: Option<Instant>) -> Next {
        let message = match self.held.take() {
            Some(message) => message,
            None => match self.receive(due) {
                Ok(message) => message,
                Err(RecvTimeoutError::Timeout) => return Next::Quiet,
                Err(RecvTimeoutError::Disconnected) => return Next::Interrupt,
            },
        };

        match message {
            Message::Interrupt => Next::Interrupt,
            #[cfg(feature = "html")]
            Message::Rendered(rendered) => Next::Rendered(rendered),
            #[cfg(feature = "html")]
            Message::HtmlStopped => Next::HtmlStopped,
            Message::Events(result) => {
                let mut changes = Changes::default();
                add_events(&mut changes, result);
                while let Ok(message) = self.receiver.try_recv() {
                    match message {
                        Message::Events(result) => add_events(&mut changes, result),
                        other => {
                            self.held = Some(other);
                            break;
                        }
                    }
                }
                Next::Changes(changes)
            }
        }
    }

    fn receive(&self, due: Option<Instant>) -> Result<Message, RecvTimeoutError> {
        match due {
            Some(due) => self
                .receiver
                .recv_timeout(due.saturating_duration_since(Instant::now())),
            None => self
                .receiver
                .recv()
                .map_err(|_| RecvTimeoutError::Disconnected),
        }
    }
}

fn add_events(changes: &mut Changes, result: DebounceEventResult) {
    match result {
        Ok(events) => {
            // Reads are reported too (inotify's open and close events), and every build reads
            // the sources, so they must not count as changes or each build would start another.
            for event in events.into_iter().filter(|e| !e.kind.is_access()) {
                changes.rescan |= event.need_rescan();
                changes.paths.extend(event.event.paths);
            }
        }
        // Errors of the watcher itself, such as a watched folder that was deleted. Watching
        // goes on for the other folders, and the next reload watches the folder again.
        Err(errors) => {
            for error in errors {
                eprintln!("warning: the file watcher reported an error: {error}");
            }
        }
    }
}

fn report_watch_problems(problems: Vec<String>) {
    for problem in problems {
        eprintln!("warning: {problem}; changes there will not trigger a rebuild");
    }
}
