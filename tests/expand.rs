//! Directive expansion, driven through the `netsnip` binary over the fixture books in
//! `tests/books/`.
//!
//! Each layout fixture has `docs/NAME.md` and the expected expansion in `expected/NAME.md`;
//! run with `SNAPSHOTS=overwrite` to rewrite an expected file after a deliberate change.
//! Tests that write, or that need a symbolic link or a generated file, work on a copy in a
//! temporary folder.

use std::fs;
use std::path::Path;
use std::process::Output;

use snapbox::{Data, IntoData, assert_data_eq, str};
use tempfile::TempDir;

mod common;

use common::{copy_fixture, fixture, netsnip, run, stderr, stdout};

/// Creates a temporary plain folder containing `files` (path, contents).
fn folder_with(files: &[(&str, &[u8])]) -> TempDir {
    let folder = tempfile::tempdir().expect("temporary folder");
    for (path, contents) in files {
        let path = folder.path().join(path);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, contents).unwrap();
    }
    folder
}

/// Renders `file` (relative to `root`) to standard output.
fn render(root: &Path, file: &str) -> Output {
    run(netsnip()
        .arg("render")
        .arg(root.join(file))
        .arg("--root")
        .arg(root))
}

/// Renders `docs/NAME.md` of a layout fixture and compares it with `expected/NAME.md`.
fn assert_renders_as_expected(book: &str, name: &str) {
    let root = fixture(book);
    let output = render(&root, &format!("docs/{name}.md"));
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let expected = root.join("expected").join(format!("{name}.md"));
    assert_data_eq!(stdout(&output), Data::read_from(&expected, None).raw());
}

#[test]
fn nesting_resolves_against_own_folder() {
    assert_renders_as_expected("nesting", "chapter");
}

#[test]
fn nesting_deeper_than_limit_fails() {
    // chapter.md includes level-1.md, which includes level-2.md, and so on. Sixteen nested
    // files are allowed; the seventeenth is one too many.
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    files.push(("chapter.md".into(), b"!!!include(level-1.md)!!!\n".to_vec()));
    for level in 1..=17 {
        let text = format!("level {level}\n!!!include(level-{}.md)!!!\n", level + 1);
        files.push((format!("level-{level}.md"), text.into_bytes()));
    }
    files.push(("level-18.md".into(), b"bottom\n".to_vec()));
    let borrowed: Vec<(&str, &[u8])> = files
        .iter()
        .map(|(path, text)| (path.as_str(), text.as_slice()))
        .collect();
    let folder = folder_with(&borrowed);

    let output = render(folder.path(), "chapter.md");
    assert_eq!(output.status.code(), Some(1));
    let errors = stderr(&output);
    assert!(errors.contains("error[include-too-deep]"), "{errors}");
    assert!(errors.contains("--> level-16.md:2:1"), "{errors}");
    assert!(output.stdout.is_empty(), "nothing is rendered on error");

    fs::write(folder.path().join("level-16.md"), "level 16\n").unwrap();
    let output = render(folder.path(), "chapter.md");
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(stdout(&output).ends_with("level 15\nlevel 16\n"));
}

#[test]
fn cycle_prints_whole_chain() {
    let root = fixture("cycle");
    netsnip()
        .arg("check")
        .arg("--root")
        .arg(&root)
        .assert()
        .code(1)
        .stdout_eq(str![""])
        .stderr_eq(
            str![[r#"
error[include-cycle]: include cycle: docs/chapter.md -> docs/a.md -> docs/sub/b.md -> docs/a.md
 --> docs/sub/b.md:2:3
  |
2 |   !!!include(../a.md)!!!
  |   ^^^^^^^^^^^^^^^^^^^^^^ `docs/a.md` includes itself through this directive
  |
  = help: remove one of the includes in the chain
  = note: `docs/sub/b.md` is included from docs/a.md:2:1, which is included from docs/chapter.md:3:1

checked 1 chapter, 3 directives, 0 snippet documents (none): 1 error, 0 warnings

"#]]
            .raw(),
        );
}

#[test]
fn list_item_indents_inserted_lines() {
    assert_renders_as_expected("layout", "list-indent");
}

#[test]
fn fence_gets_language_of_included_files() {
    assert_renders_as_expected("layout", "fence-language");
}

#[test]
fn fence_lengthened_around_inner_fences() {
    assert_renders_as_expected("layout", "fence-lengthen");
}

#[test]
fn escaped_directive_left_as_written() {
    assert_renders_as_expected("layout", "escape");
}

#[test]
fn inline_code_span_not_expanded() {
    assert_renders_as_expected("layout", "inline-code");
}

#[test]
fn grammar_spaces_case_and_shared_lines() {
    assert_renders_as_expected("layout", "grammar");
}

#[test]
fn blockquote_and_list_marker_prefixes_continue() {
    assert_renders_as_expected("layout", "containers");
}

#[test]
fn bytes_outside_directives_kept() {
    let book = copy_fixture("bytes");
    let out = book.path().join("out");
    let output = run(netsnip()
        .arg("build")
        .arg("--root")
        .arg(book.path())
        .arg("--out")
        .arg(&out)
        .arg("--no-html"));
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));

    for name in ["crlf.md", "bom-directive.md"] {
        let written = fs::read(out.join("markdown").join(name)).unwrap();
        let expected = fs::read(book.path().join("expected").join(name)).unwrap();
        assert_eq!(
            String::from_utf8_lossy(&written),
            String::from_utf8_lossy(&expected),
            "{name}"
        );
        assert_eq!(written, expected, "{name}");
    }
}

/// Checks one chapter of the `problems` book in place and returns the output.
fn check_problem(chapter: &str) -> Output {
    let root = fixture("problems");
    run(netsnip()
        .arg("check")
        .arg("--root")
        .arg(&root)
        .arg(root.join("docs").join(chapter)))
}

#[test]
fn missing_file_suggests_name_and_place() {
    let root = fixture("problems");
    netsnip()
        .arg("check")
        .arg("--root")
        .arg(&root)
        .arg(root.join("docs/missing.md"))
        .assert()
        .code(1)
        .stderr_eq(str![[r#"
error[include-not-found]: included file `far-subcription.yaml` not found
 --> docs/missing.md:6:12
  |
6 | !!!include(far-subcription.yaml)!!!
  |            ^^^^^^^^^^^^^^^^^^^^ no such file
  |
  = help: did you mean `far-subscription.yaml`?
  = note: searched `docs/`, `snippets/`

error[include-not-found]: included file `nncp.yaml` not found
 --> docs/missing.md:9:24
  |
9 | Then apply !!!include( nncp.yaml )!!! and !!!include(nothing-like-it.conf)!!!.
  |                        ^^^^^^^^^ no such file
  |
  = help: a file of that name exists at `examples/nncp.yaml`; move it into the include path or write its path relative to the chapter
  = note: searched `docs/`, `snippets/`

error[include-not-found]: included file `nothing-like-it.conf` not found
 --> docs/missing.md:9:54
  |
9 | Then apply !!!include( nncp.yaml )!!! and !!!include(nothing-like-it.conf)!!!.
  |                                                      ^^^^^^^^^^^^^^^^^^^^ no such file
  |
  = help: create the file or correct the path
  = note: searched `docs/`, `snippets/`

checked 1 chapter, 3 directives, 0 snippet documents (none): 3 errors, 0 warnings

"#]].raw());
}

#[test]
fn path_leaving_root_through_dotdot_rejected() {
    let output = check_problem("outside.md");
    assert_eq!(output.status.code(), Some(1));
    let errors = stderr(&output);
    assert!(
        errors
            .contains("error[include-outside-root]: `../../secret.yaml` is outside the book root"),
        "{errors}"
    );
    assert!(errors.contains("--> docs/outside.md:3:12"), "{errors}");
}

#[test]
fn absolute_path_rejected() {
    let output = check_problem("outside.md");
    let errors = stderr(&output);
    assert!(
        errors.contains("error[include-outside-root]: absolute include path `/etc/hostname`"),
        "{errors}"
    );
    assert!(errors.contains("--> docs/outside.md:5:12"), "{errors}");
    assert!(errors.contains("2 errors"), "{errors}");
}

#[test]
fn symlink_leaving_root_rejected() {
    let outside = folder_with(&[("secret.yaml", b"password: hunter2\n")]);
    let book = folder_with(&[(
        "guide.md",
        b"# Guide\n\n!!!include(snippets/link.yaml)!!!\n",
    )]);
    let snippets = book.path().join("snippets");
    fs::create_dir(&snippets).unwrap();
    std::os::unix::fs::symlink(
        outside.path().join("secret.yaml"),
        snippets.join("link.yaml"),
    )
    .unwrap();

    let output = render(book.path(), "guide.md");
    assert_eq!(output.status.code(), Some(1));
    let errors = stderr(&output);
    assert!(
        errors
            .contains("error[include-outside-root]: `snippets/link.yaml` is outside the book root"),
        "{errors}"
    );
    assert!(errors.contains("--> guide.md:3:12"), "{errors}");
    assert!(!stdout(&output).contains("hunter2"));
}

#[test]
fn symlinked_folder_leaving_root_rejected() {
    let outside = folder_with(&[("secret.yaml", b"password: hunter2\n")]);
    let book = folder_with(&[("guide.md", b"!!!include(secret.yaml)!!!\n")]);
    std::os::unix::fs::symlink(outside.path(), book.path().join("snippets")).unwrap();

    let output = render(book.path(), "guide.md");
    assert_eq!(output.status.code(), Some(1));
    let errors = stderr(&output);
    assert!(errors.contains("error[include-outside-root]"), "{errors}");
    assert!(!stdout(&output).contains("hunter2"));
}

#[test]
fn symlink_inside_root_followed() {
    let book = folder_with(&[
        ("guide.md", b"!!!include(link.txt)!!!\n"),
        ("snippets/real.txt", b"kind: Pod\n"),
    ]);
    std::os::unix::fs::symlink("real.txt", book.path().join("snippets/link.txt")).unwrap();

    let output = render(book.path(), "guide.md");
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(stdout(&output), "kind: Pod\n");
}

#[test]
fn binary_file_rejected() {
    let output = check_problem("not-text.md");
    assert_eq!(output.status.code(), Some(1));
    let errors = stderr(&output);
    assert!(
        errors
            .contains("error[include-not-text]: cannot include `diagram.png`: the file is binary"),
        "{errors}"
    );
    assert!(errors.contains("--> docs/not-text.md:3:12"), "{errors}");
}

#[test]
fn non_utf8_file_rejected() {
    let output = check_problem("not-text.md");
    let errors = stderr(&output);
    assert!(
        errors.contains(
            "error[include-not-text]: cannot include `latin1.yaml`: the file is not valid UTF-8"
        ),
        "{errors}"
    );
    assert!(errors.contains("--> docs/not-text.md:5:12"), "{errors}");
}

#[test]
fn malformed_directives_reported() {
    let root = fixture("problems");
    netsnip()
        .arg("check")
        .arg("--root")
        .arg(&root)
        .arg(root.join("docs/malformed.md"))
        .assert()
        .code(1)
        .stderr_eq(str![[r#"
error[malformed-directive]: malformed include directive
 --> docs/malformed.md:3:18
  |
3 | An unclosed one: !!!include(a.yaml
  |                  ^^^^^^^^^^^^^^^^^ the directive has no closing `)!!!` on this line
  |
  = help: write `!!!include(FILE)!!!` on one line, or escape it as `\!!!include(...)!!!` or put it in `code` to show it as text

error[malformed-directive]: malformed include directive
 --> docs/malformed.md:5:15
  |
5 | An empty one: !!!include(  )!!!
  |               ^^^^^^^^^^^^^^^^^ the directive names no file
  |
  = help: write `!!!include(FILE)!!!` on one line, or escape it as `\!!!include(...)!!!` or put it in `code` to show it as text

error[malformed-directive]: malformed include directive
 --> docs/malformed.md:7:17
  |
7 | No parentheses: !!!include a.yaml!!!
  |                 ^^^^^^^^^^^^^^^^^^^^ expected `(` after `include`
  |
  = help: write `!!!include(FILE)!!!` on one line, or escape it as `\!!!include(...)!!!` or put it in `code` to show it as text

error[malformed-directive]: malformed include directive
 --> docs/malformed.md:9:33
  |
9 | A directive may not span lines: !!!include(
  |                                 ^^^^^^^^^^^ the directive has no closing `)!!!` on this line
  |
  = help: write `!!!include(FILE)!!!` on one line, or escape it as `\!!!include(...)!!!` or put it in `code` to show it as text

checked 1 chapter, 0 directives, 0 snippet documents (none): 4 errors, 0 warnings

"#]].raw());
}

#[test]
fn folder_named_like_file_rejected() {
    let output = check_problem("folder.md");
    assert_eq!(output.status.code(), Some(1));
    let errors = stderr(&output);
    assert!(
        errors.contains("error[include-unreadable]: cannot include `folder.yaml`: it is a folder"),
        "{errors}"
    );
    assert!(errors.contains("--> docs/folder.md:3:12"), "{errors}");
}

#[test]
fn folder_does_not_hide_file_in_include_path() {
    let book = folder_with(&[
        ("guide.md", b"!!!include(nad.txt)!!!\n"),
        ("nad.txt/README.txt", b"a folder beside the guide\n"),
        ("snippets/nad.txt", b"kind: NetworkAttachmentDefinition\n"),
    ]);
    let output = render(book.path(), "guide.md");
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(stdout(&output), "kind: NetworkAttachmentDefinition\n");
}

#[test]
fn fifo_rejected_without_blocking() {
    let book = folder_with(&[("guide.md", b"!!!include(pipe.yaml)!!!\n")]);
    fs::create_dir(book.path().join("snippets")).unwrap();
    let fifo = book.path().join("snippets/pipe.yaml");
    let status = std::process::Command::new("mkfifo").arg(&fifo).status();
    assert!(status.is_ok_and(|status| status.success()), "mkfifo failed");

    // Before the fix, reading the FIFO blocked until a writer came, which never happens here.
    let output = render(book.path(), "guide.md");
    assert_eq!(output.status.code(), Some(1));
    let errors = stderr(&output);
    assert!(
        errors.contains("cannot include `pipe.yaml`: it is not a regular file"),
        "{errors}"
    );
}

#[test]
fn dangling_symlink_reported() {
    let book = folder_with(&[("guide.md", b"!!!include(gone.txt)!!!\n")]);
    fs::create_dir(book.path().join("snippets")).unwrap();
    std::os::unix::fs::symlink("nowhere.txt", book.path().join("snippets/gone.txt")).unwrap();

    let output = render(book.path(), "guide.md");
    assert_eq!(output.status.code(), Some(1));
    let errors = stderr(&output);
    assert!(errors.contains("error[include-unreadable]"), "{errors}");
    assert!(errors.contains("symbolic link to nothing"), "{errors}");
}

#[test]
fn every_problem_reported_once_with_exit_1() {
    let output = run(netsnip()
        .arg("check")
        .arg("--root")
        .arg(fixture("problems")));
    assert_eq!(output.status.code(), Some(1));
    let errors = stderr(&output);
    for (rule, count) in [
        ("include-not-found", 3),
        ("include-outside-root", 2),
        ("include-not-text", 2),
        ("malformed-directive", 4),
        ("include-unreadable", 1),
    ] {
        let found = errors.matches(&format!("error[{rule}]")).count();
        assert_eq!(found, count, "{rule} in\n{errors}");
    }
    assert!(
        errors.contains(": 12 errors, "),
        "the summary counts every error:\n{errors}"
    );
}

// Hostile input.

#[test]
fn prose_exclamations_not_malformed() {
    let text = "Wow!!! Include the NAD too.\nGreat!!!Included already!!!\n";
    let book = folder_with(&[("guide.md", text.as_bytes())]);
    let output = render(book.path(), "guide.md");
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(stdout(&output), text);
}

#[test]
fn unicode_path_and_columns() {
    let book = folder_with(&[
        (
            "guide.md",
            "Café ☕ !!!include(ネット.txt)!!!\nCafé ☕ !!!include(ないです.txt)!!!\n".as_bytes(),
        ),
        ("snippets/ネット.txt", "name: ネット\n".as_bytes()),
    ]);
    let output = render(book.path(), "guide.md");
    assert_eq!(output.status.code(), Some(1));
    let errors = stderr(&output);
    // Columns count characters: `Café ☕ !!!include(` is 18 characters.
    assert!(errors.contains("--> guide.md:2:19"), "{errors}");
    assert!(
        errors.contains("included file `ないです.txt` not found"),
        "{errors}"
    );

    fs::write(
        book.path().join("guide.md"),
        "Café ☕ !!!include(ネット.txt)!!!\n",
    )
    .unwrap();
    let output = render(book.path(), "guide.md");
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(stdout(&output), "Café ☕ name: ネット\n");
}

#[test]
fn lookalike_characters_reported_as_malformed() {
    let book = folder_with(&[
        (
            "guide.md",
            "!!!\u{a0}include(a.yaml)!!!\n!!!include\u{ff08}a.yaml\u{ff09}!!!\n".as_bytes(),
        ),
        ("snippets/a.txt", b"a: 1\n"),
    ]);
    let output = render(book.path(), "guide.md");
    assert_eq!(output.status.code(), Some(1), "{}", stdout(&output));
    let errors = stderr(&output);
    assert_eq!(
        errors.matches("error[malformed-directive]").count(),
        2,
        "{errors}"
    );
    assert!(errors.contains("--> guide.md:1:1"), "{errors}");
    assert!(errors.contains("--> guide.md:2:1"), "{errors}");
}

#[test]
fn headings_tables_and_html_blocks_expand() {
    let text = "# !!!include(title.txt)!!!\n\n\
                | a | b |\n| --- | --- |\n| `x | !!!include(title.txt)!!! | y` |\n\n\
                <div>\n!!!include(title.txt)!!!\n</div>\n\n\
                <!-- !!!include(title.txt)!!! -->\n";
    let book = folder_with(&[
        ("guide.md", text.as_bytes()),
        ("snippets/title.txt", b"Title\n"),
    ]);
    let output = render(book.path(), "guide.md");
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    // mdBook parses tables, so the pipes split the row into cells before code spans are
    // found, and the directive in the middle cell is not inside a code span.
    assert_eq!(
        stdout(&output),
        "# Title\n\n| a | b |\n| --- | --- |\n| `x | Title | y` |\n\n\
         <div>\nTitle\n</div>\n\n<!-- Title -->\n"
    );
}

#[test]
fn unclosed_fence_lengthened_without_closing() {
    let book = folder_with(&[
        ("guide.md", b"Text\n\n```\n!!!include(fenced.txt)!!!\n"),
        ("snippets/fenced.txt", b"```\nmake\n```\n"),
    ]);
    let output = render(book.path(), "guide.md");
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(stdout(&output), "Text\n\n````txt\n```\nmake\n```\n");
}

#[test]
fn fence_in_nested_list_lengthened() {
    let text =
        "- one\n  - two\n    - three\n\n      ```sh\n      !!!include(fenced.txt)!!!\n      ```\n";
    let book = folder_with(&[
        ("guide.md", text.as_bytes()),
        ("snippets/fenced.txt", b"```\nmake\n```\n"),
    ]);
    let output = render(book.path(), "guide.md");
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(
        stdout(&output),
        "- one\n  - two\n    - three\n\n      ````sh\n      ```\n      make\n      ```\n      ````\n"
    );
}

#[test]
fn empty_files_insert_nothing() {
    let book = folder_with(&[
        (
            "guide.md",
            b"A[!!!include(empty.txt)!!!]B[!!!include(newline.txt)!!!]\n",
        ),
        ("empty.md", b""),
        ("snippets/empty.txt", b""),
        ("snippets/newline.txt", b"\n"),
    ]);
    let output = render(book.path(), "guide.md");
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(stdout(&output), "A[]B[]\n");

    let output = render(book.path(), "empty.md");
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(stdout(&output), "");
}

#[test]
fn ten_megabyte_chapter_expands() {
    // About 10 MB: 100,000 paragraphs, each with one directive and some prose.
    let paragraph = "Some prose about VLAN 3876 and the NFS server. !!!include(a.txt)!!!\n\n";
    let text = paragraph.repeat(10_000_000 / paragraph.len());
    let book = folder_with(&[("guide.md", text.as_bytes()), ("snippets/a.txt", b"a: 1\n")]);

    let output = render(book.path(), "guide.md");
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let expected = text.replace("!!!include(a.txt)!!!", "a: 1");
    assert_eq!(output.stdout.len(), expected.len());
    assert!(stdout(&output) == expected);
}

#[test]
fn ten_megabyte_line_of_markers_scans() {
    // One line of exclamation marks: each `!!!` starts a scan, which must not read on to the
    // end of the line every time.
    let mut text = "!".repeat(10_000_000);
    text.push_str(" !!!include(a.txt)!!!\n");
    let book = folder_with(&[("guide.md", text.as_bytes()), ("snippets/a.txt", b"a: 1\n")]);

    let output = render(book.path(), "guide.md");
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(stdout(&output).ends_with("! a: 1\n"));
}

#[test]
fn many_directives_on_one_line_scan() {
    let text = "!!!include(a.txt)!!! ".repeat(200_000);
    let book = folder_with(&[("guide.md", text.as_bytes()), ("snippets/a.txt", b"a\n")]);

    let output = render(book.path(), "guide.md");
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(stdout(&output), "a ".repeat(200_000));
}

#[test]
fn thousands_of_findings_in_large_chapter() {
    // 5,000 missing files in a 10 MB chapter. Each finding used to hand the whole chapter to
    // the renderer, which made this run take minutes; only the lines shown are handed now.
    let paragraph = "Prose about VLAN 3876 and the NFS server, long enough to fill a line.\n\n";
    let mut text = String::new();
    for index in 0..5_000 {
        text.push_str(&paragraph.repeat(27));
        text.push_str(&format!(
            "Step {index}: !!!include(missing-{index}.txt)!!!\n\n"
        ));
    }
    let book = folder_with(&[("guide.md", text.as_bytes())]);

    let output = render(book.path(), "guide.md");
    assert_eq!(output.status.code(), Some(1));
    let errors = stderr(&output);
    assert_eq!(errors.matches("error[include-not-found]").count(), 5_000);
    // The last finding still shows its own line, with the number the editor shows; its path
    // starts after the 22 characters of `Step 4999: !!!include(`.
    let last_line = text.lines().count() - 1;
    assert!(
        errors.contains(&format!("--> guide.md:{last_line}:23")),
        "{}",
        &errors[errors.len() - 600..]
    );
}

#[test]
fn exponential_includes_stop_at_size_limit() {
    // Each level includes the next ten times: fully expanded, the chapter would be 10^10 times
    // the size of the bottom file.
    let mut files: Vec<(String, String)> =
        vec![("chapter.md".into(), "!!!include(l1.md)!!!\n".into())];
    for level in 1..10 {
        let line = format!("!!!include(l{}.md)!!!\n", level + 1);
        files.push((format!("l{level}.md"), line.repeat(10)));
    }
    files.push(("l10.md".into(), "x".repeat(100)));
    let borrowed: Vec<(&str, &[u8])> = files
        .iter()
        .map(|(path, text)| (path.as_str(), text.as_bytes()))
        .collect();
    let folder = folder_with(&borrowed);

    let output = render(folder.path(), "chapter.md");
    assert_eq!(output.status.code(), Some(1));
    let errors = stderr(&output);
    assert_eq!(
        errors.matches("error[include-too-large]").count(),
        1,
        "{errors}"
    );
    assert!(output.stdout.is_empty());
}

#[test]
fn nested_error_names_including_chapter() {
    let book = folder_with(&[
        ("guide.md", b"# Guide\n\n!!!include(part.md)!!!\n"),
        ("part.md", b"Part\n\n  !!!include(missing.yaml)!!!\n"),
    ]);
    let output = render(book.path(), "guide.md");
    assert_eq!(output.status.code(), Some(1));
    let errors = stderr(&output);
    assert!(errors.contains("--> part.md:3:14"), "{errors}");
    assert!(
        errors.contains("`part.md` is included from guide.md:3:1"),
        "{errors}"
    );
}

#[test]
fn indentation_counts_toward_size_limit() {
    // 600 KB of short lines behind 1,000 spaces of indentation would insert 300 MB.
    let lines = "a\n".repeat(300_000);
    let chapter = format!(
        "# Indented\n\n{}!!!include(lines.txt)!!!\n",
        " ".repeat(1000)
    );
    let folder = folder_with(&[
        ("chapter.md", chapter.as_bytes()),
        ("lines.txt", lines.as_bytes()),
    ]);

    let output = render(folder.path(), "chapter.md");
    assert_eq!(output.status.code(), Some(1));
    let errors = stderr(&output);
    assert!(errors.contains("error[include-too-large]"), "{errors}");
    assert!(errors.contains("--> chapter.md:3:1001"), "{errors}");
    assert!(output.stdout.is_empty());
}
