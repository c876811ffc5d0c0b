//! Helpers shared by the integration tests that drive the `netsnip` binary over the fixture
//! books in `tests/books/`.

// Each test crate compiles its own copy of this module and uses only some of the helpers.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Output;

use snapbox::cmd::Command;
use tempfile::TempDir;

/// The binary under test.
pub const BIN: &str = env!("CARGO_BIN_EXE_netsnip");

/// The folder of the fixture book `name`.
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/books")
        .join(name)
}

/// `netsnip` with colour and logging off, so output is the same in a terminal and in CI.
pub fn netsnip() -> Command {
    Command::new(BIN)
        .env("NO_COLOR", "1")
        .env_remove("NETSNIP_LOG")
}

/// Runs `command` to completion.
pub fn run(command: Command) -> Output {
    command.output().expect("netsnip runs")
}

/// The standard output of a run, as text.
pub fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("stdout is UTF-8")
}

/// The standard error of a run, as text.
pub fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).expect("stderr is UTF-8")
}

/// Copies a fixture book into a fresh temporary folder and returns that folder.
pub fn copy_fixture(name: &str) -> TempDir {
    let folder = tempfile::tempdir().expect("temporary folder");
    snapbox::dir::copy_template(fixture(name), folder.path()).expect("fixture copied");
    folder
}
