//! `netsnip mdbook`, the mdBook preprocessor: the protocol driven through the binary with a
//! request recorded from mdBook 0.5, and `mdbook build` itself, which must render the same
//! chapters as `netsnip build` and stop on an error in a chapter.
//!
//! `tests/mdbook/input-0.5.json` was recorded by `tests/mdbook/record.sh` from the book in
//! `tests/mdbook/book/`; its `@ROOT@` stands for that book's folder. Tests that run `mdbook`
//! skip without mdBook 0.5 unless `NETSNIP_REQUIRE_TOOLS=1` (see `tests/mdbook/tools.rs`).

#[path = "mdbook/tools.rs"]
mod tools;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;

use mdbook_preprocessor::MDBOOK_VERSION;
use mdbook_preprocessor::book::{Book as MdBook, BookItem};
use serde_json::{Value, json};
use snapbox::cmd::Command;
use snapbox::{assert_data_eq, str};

fn fixture(name: &str) -> PathBuf {
    tools::repository().join("tests/mdbook").join(name)
}

/// The recorded request, with its root pointing at the fixture book.
fn recorded_input() -> Value {
    let text = fs::read_to_string(fixture("input-0.5.json")).expect("recording is readable");
    let root = fixture("book");
    let text = text.replace("@ROOT@", &root.to_string_lossy());
    serde_json::from_str(&text).expect("recording is JSON")
}

/// `netsnip mdbook` with `input` on stdin, colour and logging off.
fn preprocess(input: &str) -> Output {
    Command::new(tools::netsnip())
        .arg("mdbook")
        .env("NO_COLOR", "1")
        .env_remove("NETSNIP_LOG")
        .stdin(input.to_string())
        .output()
        .expect("netsnip runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("stdout is UTF-8")
}

fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).expect("stderr is UTF-8")
}

/// Builds the expected reply: the recorded book with each chapter's content replaced by what
/// `netsnip build` writes for that chapter.
fn expected_book(input: &Value) -> MdBook {
    let out = tempfile::tempdir().expect("temporary folder");
    let build = Command::new(tools::netsnip())
        .args(["build", "--no-html", "--root"])
        .arg(fixture("book"))
        .arg("--out")
        .arg(out.path())
        .output()
        .expect("netsnip runs");
    tools::assert_success("netsnip build", &build);

    let mut book: MdBook = serde_json::from_value(input[1].clone()).expect("recorded book");
    book.for_each_chapter_mut(|chapter| {
        let Some(relative) = &chapter.source_path else {
            return;
        };
        let written = out.path().join("markdown").join(relative);
        chapter.content = fs::read_to_string(&written).expect("netsnip build wrote the chapter");
    });
    book
}

fn chapter_content<'a>(book: &'a MdBook, source_path: &str) -> &'a str {
    book.chapters()
        .find(|c| c.source_path.as_deref() == Some(Path::new(source_path)))
        .map(|c| c.content.as_str())
        .expect("chapter is in the book")
}

#[test]
fn supports_every_renderer() {
    for renderer in ["html", "markdown", "epub", "some-custom-renderer"] {
        Command::new(tools::netsnip())
            .args(["mdbook", "supports", renderer])
            .assert()
            .success()
            .stdout_eq("")
            .stderr_eq("");
    }
}

#[test]
fn recorded_input_round_trip() {
    let input = recorded_input();

    let output = preprocess(&input.to_string());

    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(!stderr(&output).contains("error"), "{}", stderr(&output));
    let book: MdBook = serde_json::from_str(&stdout(&output)).expect("stdout is an mdBook book");
    assert_eq!(book, expected_book(&input));
    let chapter = chapter_content(&book, "network/migration.md");
    assert!(!chapter.contains("!!!include"), "{chapter}");
    assert!(chapter.contains("```yaml\n# OVN-Kubernetes localnet network"));
    assert!(chapter.contains("kind: HyperConverged\n"));
}

#[test]
fn draft_and_plain_chapters_pass_through() {
    let input = recorded_input();
    let sent: MdBook = serde_json::from_value(input[1].clone()).expect("recorded book");

    let output = preprocess(&input.to_string());

    let book: MdBook = serde_json::from_str(&stdout(&output)).expect("stdout is an mdBook book");
    assert_eq!(book.items.len(), sent.items.len());
    assert_eq!(
        book.items[0], sent.items[0],
        "the overview has no directive"
    );
    assert_eq!(
        book.items[2], sent.items[2],
        "the draft chapter has no file"
    );
    let BookItem::Chapter(draft) = &book.items[2] else {
        panic!("third item is a chapter");
    };
    assert_eq!(draft.path, None);
}

#[test]
fn other_minor_version_warns() {
    let mut input = recorded_input();
    input[0]["mdbook_version"] = json!("0.6.0");

    let output = preprocess(&input.to_string());

    assert_eq!(output.status.code(), Some(0));
    let first_line = stderr(&output).lines().next().map(str::to_string);
    assert_eq!(
        first_line.as_deref(),
        Some(
            format!(
                "warning: mdBook 0.6.0 is running netsnip, which was built against mdBook \
                 {MDBOOK_VERSION}; if the book renders wrongly, use mdBook 0.5.x"
            )
            .as_str()
        )
    );
    let book: MdBook = serde_json::from_str(&stdout(&output)).expect("stdout is an mdBook book");
    assert_eq!(book, expected_book(&input));
}

#[test]
fn other_patch_version_is_silent() {
    let mut input = recorded_input();
    input[0]["mdbook_version"] = json!("0.5.0");

    let output = preprocess(&input.to_string());

    assert_eq!(output.status.code(), Some(0));
    let message = stderr(&output);
    assert!(!message.contains("is running netsnip"), "{message}");
}

#[test]
fn mdbook_0_4_input_rejected() {
    // mdBook 0.4 sent the chapters as `sections` beside a `__non_exhaustive` marker.
    let mut input = recorded_input();
    let items = input[1]["items"].take();
    input[1] = json!({ "sections": items, "__non_exhaustive": null });
    input[0]["mdbook_version"] = json!("0.4.52");

    let output = preprocess(&input.to_string());

    assert_eq!(output.status.code(), Some(2));
    assert_eq!(stdout(&output), "");
    assert_eq!(
        stderr(&output),
        format!(
            "error: the input is not mdBook 0.5's preprocessor format: the book lists its \
             chapters under `sections`, as mdBook 0.4 does, where mdBook 0.5 sends `items` (sent \
             by mdBook 0.4.52); netsnip supports mdBook 0.5.x (it was built against mdBook \
             {MDBOOK_VERSION}); install it with `cargo install mdbook --version ^0.5 --locked`\n"
        )
    );
}

#[test]
fn unknown_format_names_supported_versions() {
    let mut input = recorded_input();
    input[0]
        .as_object_mut()
        .expect("context is an object")
        .remove("renderer");

    let output = preprocess(&input.to_string());

    assert_eq!(output.status.code(), Some(2));
    assert_eq!(stdout(&output), "");
    let message = stderr(&output);
    assert!(message.starts_with("error: the input is not mdBook 0.5's preprocessor format: "));
    assert!(message.contains("missing field `renderer`"), "{message}");
    assert!(message.contains("(sent by mdBook 0.5.4)"), "{message}");
    assert!(
        message.contains("netsnip supports mdBook 0.5.x"),
        "{message}"
    );
}

#[test]
fn input_that_is_not_json_rejected() {
    let output = preprocess("not json");

    assert_eq!(output.status.code(), Some(2));
    assert_eq!(stdout(&output), "");
    assert_data_eq!(
        stderr(&output),
        str![[r#"
error: standard input is not JSON (expected ident at line 1 column 2); `netsnip mdbook` is meant to be run by mdBook, which sends it `[context, book]` as JSON

"#]]
    );
}

#[test]
fn chapter_error_leaves_stdout_empty() {
    // An earlier preprocessor added a line at the top and a directive for a missing file, so
    // the finding's position must come from the JSON content, under the chapter's path.
    let mut input = recorded_input();
    let chapter = &mut input[1]["items"][1]["Chapter"]["content"];
    let content = chapter.as_str().expect("content is text").replace(
        "The NetworkAttachmentDefinition:\n",
        "The NetworkAttachmentDefinition:\n!!!include(vlan-notes.md)!!!\n",
    );
    *chapter = json!(format!(
        "<!-- added by an earlier preprocessor -->\n{content}"
    ));

    let output = preprocess(&input.to_string());

    assert_eq!(output.status.code(), Some(1));
    assert_eq!(stdout(&output), "");
    assert_data_eq!(
        stderr(&output),
        str![[r#"
error[include-not-found]: included file `vlan-notes.md` not found
 --> pages/network/migration.md:5:12
  |
5 | !!!include(vlan-notes.md)!!!
  |            ^^^^^^^^^^^^^ no such file
  |
  = help: [..]
  = note: searched `pages/network/`, `manifests/`

expanded 2 chapters, 4 directives, [..]: 1 error, 0 warnings

"#]]
    );
}

#[test]
fn preprocessor_table_is_validated() {
    let mut input = recorded_input();
    input[0]["config"]["preprocessor"]["netsnip"]["include-paths"] = json!(["manifests"]);

    let output = preprocess(&input.to_string());

    assert_eq!(output.status.code(), Some(2));
    assert_eq!(stdout(&output), "");
    let message = stderr(&output);
    assert!(
        message.contains("unknown key `preprocessor.netsnip.include-paths`"),
        "{message}"
    );
    assert!(message.contains("book.toml"), "{message}");
}

/// The `<main>` element of a rendered page: the chapter itself, without the navigation and
/// search interface around it.
fn main_element(html: &str) -> &str {
    let start = html.find("<main>").expect("page has <main>");
    let end = html.find("</main>").expect("page has </main>");
    &html[start..end]
}

/// Builds `root` with `mdbook build` and with `netsnip build` and compares every chapter page.
fn assert_same_chapter_html(root: &Path, pages: &[&str]) {
    let scratch = tempfile::tempdir().expect("temporary folder");
    let from_mdbook = scratch.path().join("mdbook");
    let from_netsnip = scratch.path().join("netsnip");
    tools::assert_success("mdbook build", &tools::mdbook_build(root, &from_mdbook));
    tools::assert_success("netsnip build", &tools::netsnip_build(root, &from_netsnip));

    for page in pages {
        let read = |folder: &Path| {
            fs::read_to_string(folder.join(page))
                .unwrap_or_else(|e| panic!("reading {}: {e}", folder.join(page).display()))
        };
        let mdbook_html = read(&from_mdbook);
        let netsnip_html = read(&from_netsnip.join("html"));
        assert!(
            !mdbook_html.contains("!!!include"),
            "{page} has a directive left"
        );
        assert_eq!(
            main_element(&mdbook_html),
            main_element(&netsnip_html),
            "{page} differs"
        );
    }
}

#[test]
fn mdbook_build_matches_netsnip_build() {
    if !tools::mdbook_available() {
        return;
    }

    assert_same_chapter_html(
        &tools::repository(),
        &["introduction.html", "shared-nic-vlan.html"],
    );
}

#[test]
fn mdbook_build_matches_in_subfolders() {
    if !tools::mdbook_available() {
        return;
    }

    assert_same_chapter_html(
        &fixture("book"),
        &["overview.html", "network/migration.html"],
    );
}

#[test]
fn mdbook_build_stops_on_chapter_error() {
    if !tools::mdbook_available() {
        return;
    }
    let scratch = tempfile::tempdir().expect("temporary folder");
    let destination = scratch.path().join("html");

    let output = tools::mdbook_build(&fixture("broken"), &destination);

    assert_eq!(
        output.status.code(),
        Some(101),
        "mdbook exits 101 on a failed build"
    );
    let message = stderr(&output);
    assert!(
        message.contains("--> docs/chapter.md:6:12"),
        "names the chapter's file, line and column:\n{message}"
    );
    assert!(
        message.contains("included file `missing-nad.yaml` not found"),
        "{message}"
    );
    assert!(
        message.contains(r#"The "netsnip" preprocessor exited unsuccessfully"#),
        "{message}"
    );
    assert!(
        !destination.join("chapter.html").exists(),
        "no page is rendered"
    );
}
