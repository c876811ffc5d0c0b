//! Watch mode: rebuild what an edit touches.
//!
//! TODO: placeholder until watch mode lands; `netsnip watch` reports that it is unavailable.

use std::path::PathBuf;
use std::process::ExitCode;

use crate::commands::ReportOptions;
use crate::error::{Error, Result};

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

/// Builds once, then rebuilds on every change until interrupted.
pub fn run(_options: &WatchOptions) -> Result<ExitCode> {
    Err(Error::Usage(
        "`netsnip watch` is not available in this build".into(),
    ))
}
