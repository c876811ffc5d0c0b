//! The file system watcher: notify's native or polling watcher behind a debouncer, and the
//! bookkeeping that keeps the watched folders equal to the list the session requests.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::mpsc::Sender;
use std::time::Duration;

use notify::{PollWatcher, RecommendedWatcher, RecursiveMode};
use notify_debouncer_full::{
    DebounceEventResult, Debouncer, NoCache, RecommendedCache, new_debouncer, new_debouncer_opt,
};

use super::Message;
use crate::error::{Error, Result};

/// How long the debouncer waits for a path to go quiet before it hands over its events. One
/// save by an editor (a temporary file renamed over the original, a delete and recreate, a
/// write in several chunks) usually completes well within it, so it arrives as one batch. A
/// save that takes longer leads to a second rebuild, which ends in the same outputs. The
/// debouncer checks every quarter of this interval, so a batch arrives 30 to 38 ms after the
/// last event, which leaves most of the 100 ms target from save to output to the rebuild.
const DEBOUNCE: Duration = Duration::from_millis(30);

/// How often the polling watcher scans the watched folders.
const POLL_INTERVAL: Duration = Duration::from_millis(250);

/// Folders to watch, each with whether its subfolders are watched too.
pub type WatchList = BTreeMap<PathBuf, bool>;

enum Backend {
    Native(Debouncer<RecommendedWatcher, RecommendedCache>),
    Polling(Debouncer<PollWatcher, NoCache>),
}

/// A debounced watcher that sends its batches to the main loop.
pub struct Watcher {
    backend: Backend,
    watched: WatchList,
}

impl Watcher {
    /// Starts a watcher with nothing watched yet. `poll` chooses notify's polling watcher,
    /// which compares file contents, so it also detects edits that keep the modification time.
    pub fn new(poll: bool, sender: Sender<Message>) -> Result<Self> {
        let handler = move |result: DebounceEventResult| {
            // The receiver is gone only while the main loop shuts down.
            let _ = sender.send(Message::Events(result));
        };
        let backend = if poll {
            let config = notify::Config::default()
                .with_poll_interval(POLL_INTERVAL)
                .with_compare_contents(true);
            new_debouncer_opt(DEBOUNCE, None, handler, NoCache, config).map(Backend::Polling)
        } else {
            new_debouncer(DEBOUNCE, None, handler).map(Backend::Native)
        };
        let backend = backend.map_err(|error| {
            Error::io("starting", "the file watcher", std::io::Error::other(error))
        })?;
        Ok(Self {
            backend,
            watched: WatchList::new(),
        })
    }

    /// Makes the watched folders equal to `wanted` and returns a message for each folder that
    /// could not be watched. A watched folder named in `changed` is watched afresh, because a
    /// folder that was deleted and recreated keeps its path but loses its watch.
    pub fn sync(&mut self, wanted: &WatchList, changed: &[PathBuf]) -> Vec<String> {
        let stale: Vec<PathBuf> = self
            .watched
            .iter()
            .filter(|&(path, recursive)| {
                wanted.get(path) != Some(recursive) || changed.contains(path)
            })
            .map(|(path, _)| path.clone())
            .collect();
        for path in stale {
            // Unwatching a folder that no longer exists fails, and there is nothing to undo.
            let _ = self.unwatch(&path);
            self.watched.remove(&path);
        }

        let mut problems = Vec::new();
        for (path, &recursive) in wanted {
            if self.watched.contains_key(path) {
                continue;
            }
            match self.watch(path, recursive) {
                Ok(()) => {
                    self.watched.insert(path.clone(), recursive);
                }
                Err(error) => problems.push(format!("cannot watch `{}`: {error}", path.display())),
            }
        }
        problems
    }

    fn watch(&mut self, path: &PathBuf, recursive: bool) -> notify::Result<()> {
        let mode = if recursive {
            RecursiveMode::Recursive
        } else {
            RecursiveMode::NonRecursive
        };
        match &mut self.backend {
            Backend::Native(debouncer) => debouncer.watch(path, mode),
            Backend::Polling(debouncer) => debouncer.watch(path, mode),
        }
    }

    fn unwatch(&mut self, path: &PathBuf) -> notify::Result<()> {
        match &mut self.backend {
            Backend::Native(debouncer) => debouncer.unwatch(path),
            Backend::Polling(debouncer) => debouncer.unwatch(path),
        }
    }

    /// Stops the watcher and waits for its threads.
    pub fn stop(self) {
        match self.backend {
            Backend::Native(debouncer) => debouncer.stop(),
            Backend::Polling(debouncer) => debouncer.stop(),
        }
    }
}
