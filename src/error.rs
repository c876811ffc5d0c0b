//! Failures that stop a command before it can judge the input: exit code 2.
//!
//! Problems *in* the input (a missing snippet, a wrong VLAN id) are findings, reported through
//! [`crate::diagnostic`]; this type is for a command that could not run at all.

use std::io;
use std::path::PathBuf;

/// A reason the command could not run.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file or folder the command needs could not be read or written.
    #[error("{action} `{}` failed: {source}", path.display())]
    Io {
        /// What was being done, such as "reading" or "writing".
        action: &'static str,
        /// The file or folder.
        path: PathBuf,
        /// The operating system's error.
        #[source]
        source: io::Error,
    },
    /// `book.toml` is not valid TOML or holds a value of the wrong type.
    #[error("invalid `{}`: {message}", path.display())]
    Config {
        /// The configuration file.
        path: PathBuf,
        /// What is wrong, and where.
        message: String,
    },
    /// The command line names something that cannot be used.
    #[error("{0}")]
    Usage(String),
    /// The HTML renderer failed.
    #[error("rendering the HTML book failed: {0}")]
    Render(String),
}

impl Error {
    /// Wraps an I/O error with the path it happened on.
    pub fn io(action: &'static str, path: impl Into<PathBuf>, source: io::Error) -> Self {
        Error::Io {
            action,
            path: path.into(),
            source,
        }
    }
}

/// Result of an operation that may fail to run.
pub type Result<T, E = Error> = std::result::Result<T, E>;
