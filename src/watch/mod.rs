//! Watch mode: build once, then rebuild what each edit touches until interrupted.
//!
//! Three threads feed one channel: notify's watcher with its debouncer, which merges the
//! events of one save into a batch, and the Ctrl-C handler. The main thread receives from the
//! channel and runs every rebuild itself, so the build state ([`session::Session`]) needs no
//! locks, and events that arrive during a rebuild wait in the channel for the next one.

mod graph;
mod session;
mod status;
mod watcher;

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::mpsc::{self, Receiver};

use notify_debouncer_full::DebounceEventResult;

use crate::commands::ReportOptions;
use crate::error::{Error, Result};
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
    /// Reporting.
    pub report: ReportOptions,
}

/// A message to the main loop.
pub(crate) enum Message {
    /// A batch of debounced events, or the watcher's errors.
    Events(DebounceEventResult),
    /// Ctrl-C, SIGTERM or SIGHUP.
    Interrupt,
}

/// Builds once, then rebuilds on every change until interrupted. Returns exit code 0 when
/// the last build was clean and 1 otherwise. Fails only when the book cannot be loaded at the
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
    let mut session = Session::load(options)?;
    let mut watcher = Watcher::new(options.poll, sender)?;
    report_watch_problems(watcher.sync(&session.watch_list(), &[]));
    let initial = session.analyze_all();
    report_watch_problems(watcher.sync(&session.watch_list(), &[]));
    session.publish(initial);

    while let Some(changes) = next_batch(&receiver) {
        if let Some(rebuild) = session.apply(&changes) {
            let changed: Vec<PathBuf> = changes.paths.into_iter().collect();
            report_watch_problems(watcher.sync(&session.watch_list(), &changed));
            session.publish(rebuild);
        }
    }

    watcher.stop();
    Ok(session.exit_code())
}

/// Waits for the next batch of changes and merges every batch already queued behind it.
/// Returns `None` on an interrupt.
fn next_batch(receiver: &Receiver<Message>) -> Option<Changes> {
    let mut changes = Changes::default();
    let mut message = receiver.recv().ok()?;
    loop {
        match message {
            Message::Interrupt => return None,
            Message::Events(result) => add_events(&mut changes, result),
        }
        match receiver.try_recv() {
            Ok(next) => message = next,
            Err(_) => return Some(changes),
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
