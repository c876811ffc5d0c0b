//! The mdBook preprocessor protocol: `netsnip mdbook` and `netsnip mdbook supports RENDERER`.
//!
//! TODO: placeholder until the preprocessor lands.

use std::process::ExitCode;

use crate::error::{Error, Result};

/// Answers mdBook's `supports RENDERER` question.
pub fn supports(_renderer: &str) -> ExitCode {
    ExitCode::SUCCESS
}

/// Reads `[context, book]` JSON on stdin and writes the expanded book JSON on stdout.
pub fn run() -> Result<ExitCode> {
    Err(Error::Usage(
        "`netsnip mdbook` is not available in this build".into(),
    ))
}
