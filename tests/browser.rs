//! What a reader sees: this repository's guide, built by `mdbook build` through the netsnip
//! preprocessor, opened in headless Chromium.
//!
//! The test reads the DOM after the page's scripts ran (highlight.js among them) and keeps a
//! screenshot of the chapter at `target/tmp/browser/shared-nic-vlan.png` for a person to look
//! at. It needs mdBook 0.5 and Chromium; see `tests/mdbook/tools.rs` for how it skips.

#[path = "mdbook/tools.rs"]
mod tools;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The chapter that includes the guide's YAML snippets.
const CHAPTER: &str = "shared-nic-vlan.html";

/// The YAML snippets that chapter includes.
const YAML_BLOCKS: usize = 4;

/// The screenshot's size in CSS pixels; tall enough to show the first included snippet.
const WINDOW: (u32, u32) = (1280, 2400);

/// Headless Chromium with a new, empty profile, so no earlier state or extension changes the
/// page, and with every background service that would reach the network turned off.
fn chromium(profile: &Path) -> Command {
    let mut command = Command::new("chromium");
    command.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-quic",
        "--hide-scrollbars",
    ]);
    command.arg(format!("--user-data-dir={}", profile.display()));
    command
}

/// Builds the guide with `mdbook build` into `destination` and returns the chapter's URL.
fn build_guide(destination: &Path) -> String {
    let output = tools::mdbook_build(&tools::repository(), destination);
    tools::assert_success("mdbook build", &output);
    format!("file://{}", destination.join(CHAPTER).display())
}

/// The DOM of `url` after its scripts ran.
fn dump_dom(url: &str) -> String {
    let profile = tempfile::tempdir().expect("temporary profile");
    let output = chromium(profile.path())
        .arg("--dump-dom")
        .arg(url)
        .output()
        .expect("chromium ran");
    tools::assert_success("chromium --dump-dom", &output);
    String::from_utf8(output.stdout).expect("the DOM is UTF-8")
}

/// Saves a screenshot of `url` under the target folder and returns its path.
fn screenshot(url: &str) -> PathBuf {
    let folder = Path::new(env!("CARGO_TARGET_TMPDIR")).join("browser");
    fs::create_dir_all(&folder).expect("screenshot folder");
    let path = folder.join(CHAPTER.replace(".html", ".png"));
    let _ = fs::remove_file(&path);

    let profile = tempfile::tempdir().expect("temporary profile");
    let output = chromium(profile.path())
        .arg(format!("--screenshot={}", path.display()))
        .arg(format!("--window-size={},{}", WINDOW.0, WINDOW.1))
        .arg(url)
        .output()
        .expect("chromium ran");
    tools::assert_success("chromium --screenshot", &output);
    path
}

/// The inner HTML of every `<code>` element whose class attribute is exactly `class`.
fn code_blocks<'a>(dom: &'a str, class: &str) -> Vec<&'a str> {
    let opening = format!("<code class=\"{class}\">");
    dom.match_indices(&opening)
        .map(|(start, _)| {
            let body = &dom[start + opening.len()..];
            &body[..body.find("</code>").expect("code element is closed")]
        })
        .collect()
}

/// The width and height in a PNG's header.
fn png_size(bytes: &[u8]) -> (u32, u32) {
    assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"), "not a PNG file");
    let number = |at: usize| u32::from_be_bytes(bytes[at..at + 4].try_into().expect("4 bytes"));
    (number(16), number(20))
}

#[test]
fn guide_chapter_renders_highlighted_yaml() {
    if !tools::mdbook_available() || !tools::chromium_available() {
        return;
    }
    let html = tempfile::tempdir().expect("temporary folder");
    let url = build_guide(html.path());

    let dom = dump_dom(&url);

    assert!(
        dom.contains(
            "<title>One NIC, one VLAN: NFS host access and live migration - Shared NIC for NFS \
             and Live Migration on OpenShift Virtualization</title>"
        ),
        "page title"
    );
    assert!(
        !dom.contains("!!!include"),
        "a directive is left in the page"
    );
    // highlight.js adds `hljs` to each block's class and wraps keys in `hljs-attr` spans.
    let yaml = code_blocks(&dom, "language-yaml hljs");
    assert_eq!(yaml.len(), YAML_BLOCKS, "highlighted YAML blocks");
    for block in yaml {
        assert!(
            block.contains(r#"<span class="hljs-attr">apiVersion:</span>"#),
            "{block}"
        );
        assert!(
            block.contains(r#"<span class="hljs-attr">kind:</span>"#),
            "{block}"
        );
    }
}

#[test]
fn guide_chapter_screenshot() {
    if !tools::mdbook_available() || !tools::chromium_available() {
        return;
    }
    let html = tempfile::tempdir().expect("temporary folder");
    let url = build_guide(html.path());

    let path = screenshot(&url);

    let bytes = fs::read(&path).expect("chromium wrote the screenshot");
    assert_eq!(png_size(&bytes), WINDOW);
    eprintln!("screenshot: {}", path.display());
}
