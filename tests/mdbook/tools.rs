//! Helpers shared by `tests/mdbook.rs` and `tests/browser.rs` for the external tools they
//! drive: mdBook 0.5 and Chromium.
//!
//! A test that needs a missing tool prints `skipped: ...` on stderr and returns, so that
//! `cargo test` passes on a machine without them. With `NETSNIP_REQUIRE_TOOLS=1`, as `.ci/run`
//! sets it, a missing tool fails the test instead, so CI cannot pass by skipping.

#![allow(dead_code, reason = "each test crate uses a different subset")]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The environment variable that turns a missing tool into a failure.
pub const REQUIRE_TOOLS: &str = "NETSNIP_REQUIRE_TOOLS";

/// The mdBook release series the preprocessor speaks to.
pub const MDBOOK_SERIES: &str = "mdbook v0.5.";

/// The netsnip binary under test.
pub fn netsnip() -> &'static str {
    env!("CARGO_BIN_EXE_netsnip")
}

/// This repository, whose own book the tests build.
pub fn repository() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Whether `mdbook --version` reports the 0.5 series; otherwise skips or fails the test.
pub fn mdbook_available() -> bool {
    let version = Command::new("mdbook")
        .arg("--version")
        .output()
        .ok()
        .map(|output| String::from_utf8_lossy(&output.stdout).into_owned());
    let detail = match version {
        Some(version) if version.starts_with(MDBOOK_SERIES) => return true,
        Some(version) => format!("`mdbook --version` printed `{}`", version.trim()),
        None => "`mdbook` could not be run".to_string(),
    };
    missing(
        "mdbook 0.5",
        &detail,
        "cargo install mdbook --version ^0.5 --locked",
    )
}

/// Whether `chromium --version` runs; otherwise skips or fails the test.
pub fn chromium_available() -> bool {
    let runs = Command::new("chromium")
        .arg("--version")
        .output()
        .is_ok_and(|output| output.status.success());
    runs || missing(
        "chromium",
        "`chromium --version` did not run",
        "apt-get install -y chromium",
    )
}

/// Returns false after printing a skip line, or panics when tools are required.
fn missing(tool: &str, detail: &str, install: &str) -> bool {
    if std::env::var_os(REQUIRE_TOOLS).is_some_and(|value| value == "1") {
        panic!(
            "{tool} is required because {REQUIRE_TOOLS}=1, but {detail}; install it with `{install}`"
        );
    }
    eprintln!("skipped: {tool} not installed ({detail}); install it with `{install}`");
    false
}

/// Runs `mdbook build` on the book at `root` into `destination`, with mdBook's
/// `[preprocessor.netsnip] command` pointed at the binary under test.
pub fn mdbook_build(root: &Path, destination: &Path) -> Output {
    Command::new("mdbook")
        .arg("build")
        .arg("--dest-dir")
        .arg(destination)
        .arg(root)
        .env(
            "MDBOOK_PREPROCESSOR__NETSNIP__COMMAND",
            format!("'{}' mdbook", netsnip()),
        )
        .output()
        .expect("mdbook ran")
}

/// Runs `netsnip build` on the book at `root` into `out`.
pub fn netsnip_build(root: &Path, out: &Path) -> Output {
    Command::new(netsnip())
        .arg("build")
        .arg("--root")
        .arg(root)
        .arg("--out")
        .arg(out)
        .output()
        .expect("netsnip ran")
}

/// Fails the test with the command's output unless it exited 0.
pub fn assert_success(what: &str, output: &Output) {
    assert!(
        output.status.success(),
        "{what} failed with {}\nstdout:\n{}\nstderr:\n{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr),
    );
}
