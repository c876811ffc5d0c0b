//! The `netsnip` command line: exit codes, output folders, `render` and `check`, driven
//! through the real binary over fixture books copied to temporary folders.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;

mod common;

use common::{copy_fixture, fixture, netsnip, run, stderr, stdout};

fn build(root: &Path, out: &Path) -> Output {
    run(netsnip()
        .arg("build")
        .arg("--root")
        .arg(root)
        .arg("--out")
        .arg(out))
}

/// Reads every file under `folder` with its bytes, sorted by path.
fn snapshot_tree(folder: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut files = Vec::new();
    let mut pending = vec![folder.to_path_buf()];
    while let Some(current) = pending.pop() {
        for entry in fs::read_dir(&current).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else {
                let bytes = fs::read(&path).unwrap();
                files.push((path.strip_prefix(folder).unwrap().to_path_buf(), bytes));
            }
        }
    }
    files.sort();
    files
}

#[test]
fn build_writes_markdown_and_html() {
    let book = copy_fixture("nesting");
    let out = book.path().join("site");
    let output = build(book.path(), &out);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));

    let chapter = fs::read_to_string(out.join("markdown/chapter.md")).unwrap();
    let expected = fs::read_to_string(book.path().join("expected/chapter.md")).unwrap();
    assert_eq!(chapter, expected);
    assert!(out.join("markdown/SUMMARY.md").is_file());
    let html = fs::read_to_string(out.join("html/chapter.html")).unwrap();
    assert!(html.contains("ConfigMap"));
    assert!(!html.contains("!!!include"));
    assert!(stderr(&output).contains(": 0 errors, "));
}

#[test]
fn build_mirrors_source_tree() {
    let book = copy_fixture("nesting");
    fs::write(
        book.path().join("docs/SUMMARY.md"),
        "# Summary\n\n- [Chapter](chapter.md)\n- [Part](parts/intro.md)\n",
    )
    .unwrap();
    let out = book.path().join("site");
    let output = build(book.path(), &out);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));

    let part = fs::read_to_string(out.join("markdown/parts/intro.md")).unwrap();
    assert!(part.starts_with("Intro from docs/parts/.\n\nDetail from docs/parts/:"));
    assert!(out.join("html/parts/intro.html").is_file());
}

#[test]
fn build_defaults_out_to_book_folder() {
    let book = copy_fixture("nesting");
    let output = run(netsnip()
        .arg("build")
        .arg("--no-html")
        .current_dir(book.path().join("docs/parts")));
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(book.path().join("book/markdown/chapter.md").is_file());
}

#[test]
fn bad_root_exits_2() {
    let missing = tempfile::tempdir().unwrap().path().join("no-such-book");
    for command in ["build", "check"] {
        let output = run(netsnip().arg(command).arg("--root").arg(&missing));
        assert_eq!(output.status.code(), Some(2), "{command}");
        assert!(
            stderr(&output).contains("is not a folder"),
            "{command}: {}",
            stderr(&output)
        );
    }
    let file = copy_fixture("plain");
    let output = run(netsnip()
        .arg("render")
        .arg(file.path().join("broken.md"))
        .arg("--root")
        .arg(&missing));
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
}

#[test]
fn invalid_book_toml_exits_2() {
    let root = fixture("bad-config");
    for command in ["build", "check"] {
        let output = run(netsnip().arg(command).arg("--root").arg(&root));
        assert_eq!(output.status.code(), Some(2), "{command}");
        let errors = stderr(&output);
        assert!(
            errors.starts_with("error: invalid `"),
            "{command}: {errors}"
        );
        assert!(errors.contains("book.toml"), "{command}: {errors}");
    }
}

#[test]
fn logs_to_a_file_have_no_colour_codes() {
    let out = tempfile::tempdir().unwrap();
    // Without NO_COLOR, which the other tests set, colour depends on the terminal alone.
    let output = run(netsnip()
        .env_remove("NO_COLOR")
        .env("NETSNIP_LOG", "debug")
        .args(["build", "--no-html", "--root"])
        .arg(fixture("nesting"))
        .arg("--out")
        .arg(out.path()));
    let errors = stderr(&output);

    assert!(errors.contains("DEBUG mdbook_summary"), "{errors}");
    assert!(!errors.contains('\u{1b}'), "{errors}");
}

#[test]
fn source_folder_outside_root_exits_2() {
    let parent = tempfile::tempdir().unwrap();
    let root = parent.path().join("book");
    let src = parent.path().join("chapters");
    fs::create_dir_all(&root).unwrap();
    fs::create_dir_all(&src).unwrap();
    fs::write(root.join("book.toml"), "[book]\nsrc = \"../chapters\"\n").unwrap();
    fs::write(src.join("SUMMARY.md"), "# Summary\n\n- [A](a.md)\n").unwrap();
    fs::write(src.join("a.md"), "# A\n").unwrap();

    let output = run(netsnip().arg("check").arg("--root").arg(&root));
    let errors = stderr(&output);
    assert_eq!(output.status.code(), Some(2), "{errors}");
    assert!(
        errors.contains("`book.src` \"../chapters\" is outside the book root"),
        "{errors}"
    );
    assert!(!errors.contains("outside the source folder"), "{errors}");
}

#[test]
fn out_equal_to_source_rejected() {
    let book = copy_fixture("nesting");
    let before = snapshot_tree(book.path());
    for out in [
        "docs",
        "snippets",
        "common",
        ".",
        "docs/site",
        "nowhere/../docs",
    ] {
        let output = build(book.path(), &book.path().join(out));
        assert_eq!(output.status.code(), Some(2), "--out {out}");
        assert!(
            stderr(&output).contains("choose another `--out`"),
            "--out {out}: {}",
            stderr(&output)
        );
    }
    assert!(!book.path().join("nowhere").exists());
    assert_eq!(snapshot_tree(book.path()), before, "nothing was written");
}

#[test]
fn out_containing_source_rejected() {
    let parent = tempfile::tempdir().unwrap();
    let root = parent.path().join("book-root");
    snapbox::dir::copy_template(fixture("nesting"), &root).unwrap();
    let output = build(&root, parent.path());
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("must not be, contain or lie inside"));
    assert!(!parent.path().join("markdown").exists());
}

#[test]
fn failed_build_keeps_previous_output() {
    let book = copy_fixture("nesting");
    let out = book.path().join("site");
    let output = build(book.path(), &out);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let before = snapshot_tree(&out);

    fs::write(
        book.path().join("docs/parts/detail.md"),
        "!!!include(gone.yaml)!!!\n",
    )
    .unwrap();
    let output = build(book.path(), &out);
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("error[include-not-found]"));
    assert_eq!(snapshot_tree(&out), before);
}

#[test]
fn denied_warnings_keep_previous_output() {
    // A warning turned fatal by `--deny warnings` fails the build like an error does.
    let book = copy_fixture("nesting");
    let out = book.path().join("site");
    assert_eq!(build(book.path(), &out).status.code(), Some(0));
    let before = snapshot_tree(&out);

    fs::write(
        book.path().join("docs/SUMMARY.md"),
        "# Summary\n\n- [Chapter](chapter.md)\n- [Gone](gone.md)\n",
    )
    .unwrap();
    fs::write(
        book.path().join("book.toml"),
        "[book]\nsrc = \"docs\"\n\n[preprocessor.netsnip]\n\
         include-path = [\"snippets\", \"common\"]\n\n\
         [preprocessor.netsnip.rules]\nchapter-not-found = \"warn\"\n",
    )
    .unwrap();
    let output = run(netsnip()
        .arg("build")
        .arg("--root")
        .arg(book.path())
        .arg("--out")
        .arg(&out)
        .args(["--deny", "warnings"]));
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert_eq!(snapshot_tree(&out), before);
}

#[test]
fn include_rules_cannot_be_lowered() {
    let book = copy_fixture("problems");
    fs::write(
        book.path().join("book.toml"),
        "[book]\nsrc = \"docs\"\n\n[preprocessor.netsnip.rules]\ninclude-not-found = \"allow\"\n",
    )
    .unwrap();
    let output = run(netsnip().arg("check").arg("--root").arg(book.path()));
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("`include-not-found` cannot be lowered"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn summary_chapter_outside_source_rejected() {
    let parent = tempfile::tempdir().unwrap();
    let root = parent.path().join("book-root");
    snapbox::dir::copy_template(fixture("nesting"), &root).unwrap();
    fs::write(
        parent.path().join("outside.md"),
        "!!!include(settings.yaml)!!!\n",
    )
    .unwrap();
    fs::write(
        root.join("docs/SUMMARY.md"),
        format!(
            "# Summary\n\n- [Chapter](chapter.md)\n- [Up](../../outside.md)\n- [Abs]({})\n",
            parent.path().join("outside.md").display()
        ),
    )
    .unwrap();

    let out = root.join("site");
    let output = build(&root, &out);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let errors = stderr(&output);
    assert_eq!(
        errors.matches("error[chapter-outside-source]").count(),
        2,
        "{errors}"
    );
    assert_eq!(
        fs::read_to_string(parent.path().join("outside.md")).unwrap(),
        "!!!include(settings.yaml)!!!\n",
        "the file outside the book is untouched"
    );
    assert!(!out.exists());
}

#[test]
fn render_writes_stdout() {
    let root = fixture("nesting");
    let output = run(netsnip().arg("render").arg(root.join("docs/chapter.md")));
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let expected = fs::read_to_string(root.join("expected/chapter.md")).unwrap();
    assert_eq!(stdout(&output), expected);
    assert_eq!(stderr(&output), "");
}

#[test]
fn render_writes_output_file() {
    let book = copy_fixture("nesting");
    let target = book.path().join("rendered/chapter.md");
    fs::create_dir(book.path().join("rendered")).unwrap();
    let output = run(netsnip()
        .arg("render")
        .arg("docs/chapter.md")
        .arg("-o")
        .arg(&target)
        .current_dir(book.path()));
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(stdout(&output), "");
    let expected = fs::read_to_string(book.path().join("expected/chapter.md")).unwrap();
    assert_eq!(fs::read_to_string(&target).unwrap(), expected);
}

#[test]
fn render_error_writes_nothing() {
    let book = copy_fixture("plain");
    let target = book.path().join("out.md");
    fs::write(&target, "previous\n").unwrap();
    let output = run(netsnip()
        .arg("render")
        .arg(book.path().join("broken.md"))
        .arg("-o")
        .arg(&target));
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("--> broken.md:3:12"),
        "{}",
        stderr(&output)
    );
    assert_eq!(fs::read_to_string(&target).unwrap(), "previous\n");
}

#[test]
fn render_over_source_rejected() {
    let book = copy_fixture("nesting");
    for target in [
        "docs/chapter.md",
        "snippets/settings.yaml",
        "docs/parts/detail.md",
    ] {
        let before = fs::read(book.path().join(target)).unwrap();
        let output = run(netsnip()
            .arg("render")
            .arg("docs/chapter.md")
            .arg("-o")
            .arg(target)
            .current_dir(book.path()));
        assert_eq!(output.status.code(), Some(2), "-o {target}");
        assert!(
            stderr(&output).contains("would overwrite"),
            "{}",
            stderr(&output)
        );
        assert_eq!(fs::read(book.path().join(target)).unwrap(), before);
    }
}

#[test]
fn render_plain_folder_guide() {
    let book = copy_fixture("plain");
    let output = run(netsnip()
        .arg("render")
        .arg("guide.md")
        .current_dir(book.path().join("guides")));
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(
        stdout(&output),
        "# Guide\n\n```yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: guide\n```\n"
    );
}

#[test]
fn check_plain_folder() {
    let book = copy_fixture("plain");
    let output = run(netsnip()
        .arg("check")
        .arg("guides")
        .current_dir(book.path()));
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(
        stderr(&output).starts_with("checked 1 chapter, 1 directive"),
        "{}",
        stderr(&output)
    );
    assert!(!book.path().join("book").exists(), "check writes nothing");

    let output = run(netsnip().arg("check").current_dir(book.path()));
    assert_eq!(output.status.code(), Some(1));
    let errors = stderr(&output);
    assert!(errors.contains("--> broken.md:3:12"), "{errors}");
    assert!(
        errors.contains("checked 1 chapter"),
        "only *.md directly inside: {errors}"
    );
}

#[test]
fn check_missing_path_exits_2() {
    let root = fixture("nesting");
    let output = run(netsnip()
        .arg("check")
        .arg("--root")
        .arg(&root)
        .arg(root.join("docs/no-such-chapter.md")));
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("no-such-chapter.md"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn check_writes_nothing() {
    let book = copy_fixture("nesting");
    let before = snapshot_tree(book.path());
    let output = run(netsnip().arg("check").arg("--root").arg(book.path()));
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(snapshot_tree(book.path()), before);
}

/// `netsnip render docs/chapter.md -o TARGET` run in `book`.
fn render_to(book: &Path, target: &str) -> Output {
    run(netsnip()
        .arg("render")
        .arg("docs/chapter.md")
        .arg("-o")
        .arg(target)
        .current_dir(book))
}

#[test]
fn render_over_book_sources_rejected() {
    let book = copy_fixture("nesting");
    fs::write(book.path().join("docs/other.md"), "# Other\n").unwrap();
    let before = snapshot_tree(book.path());
    for target in [
        "docs/other.md",
        "book.toml",
        "docs/SUMMARY.md",
        "docs/new.md",
        "common/new.md",
        "snippets/new.yaml",
        "nowhere/../docs/other.md",
    ] {
        let output = render_to(book.path(), target);
        assert_eq!(output.status.code(), Some(2), "-o {target}");
        assert!(
            stderr(&output).contains("choose an output file outside the book's sources"),
            "-o {target}: {}",
            stderr(&output)
        );
    }
    assert_eq!(snapshot_tree(book.path()), before, "nothing was written");
}

#[test]
fn render_names_the_clashing_source() {
    let book = copy_fixture("nesting");
    let cases = [
        (
            "book.toml",
            "would overwrite the book's configuration `book.toml`",
        ),
        ("docs/new.md", "would write into the source folder `docs/`"),
        (
            "common/footer.md",
            "would overwrite the source file `common/footer.md`",
        ),
    ];
    for (target, expected) in cases {
        let output = render_to(book.path(), target);
        assert!(
            stderr(&output).contains(expected),
            "-o {target}: {}",
            stderr(&output)
        );
    }
}

#[test]
fn render_over_plain_chapter_rejected() {
    let book = copy_fixture("plain");
    fs::write(book.path().join("guides/other.md"), "# Other\n").unwrap();
    let output = run(netsnip()
        .arg("render")
        .arg("guide.md")
        .arg("-o")
        .arg("other.md")
        .current_dir(book.path().join("guides")));
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("would overwrite the chapter `other.md`"),
        "{}",
        stderr(&output)
    );
    assert_eq!(
        fs::read_to_string(book.path().join("guides/other.md")).unwrap(),
        "# Other\n"
    );
}

#[test]
fn render_requires_existing_output_folder() {
    let book = copy_fixture("nesting");
    let missing = book.path().join("no-such-folder");
    let target = missing.join("deeper/chapter.md");
    let output = render_to(book.path(), target.to_str().unwrap());
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("does not exist"),
        "{}",
        stderr(&output)
    );
    assert!(!missing.exists(), "no folder was created");
}

#[cfg(unix)]
#[test]
fn orphan_scan_skips_links_outside_root() {
    let parent = tempfile::tempdir().unwrap();
    let root = parent.path().join("book-root");
    snapbox::dir::copy_template(fixture("nesting"), &root).unwrap();
    let secret = parent.path().join("secret.yaml");
    fs::write(&secret, "secret-first-line: 1\n").unwrap();
    std::os::unix::fs::symlink(&secret, root.join("snippets/link.yaml")).unwrap();

    let output = run(netsnip().arg("check").arg("--root").arg(&root));
    let errors = stderr(&output);
    assert_eq!(output.status.code(), Some(0), "{errors}");
    assert!(!errors.contains("secret-first-line"), "{errors}");
    assert!(!errors.contains("orphan-snippet"), "{errors}");
    assert!(!errors.contains("//"), "{errors}");
}

#[cfg(unix)]
#[test]
fn orphan_scan_reports_link_inside_root() {
    let book = copy_fixture("nesting");
    fs::write(book.path().join("unused.yaml"), "kind: ConfigMap\n").unwrap();
    std::os::unix::fs::symlink("../unused.yaml", book.path().join("snippets/link.yaml")).unwrap();

    let output = run(netsnip().arg("check").arg("--root").arg(book.path()));
    let errors = stderr(&output);
    assert!(
        errors.contains("warning[orphan-snippet]: no chapter includes `unused.yaml`"),
        "{errors}"
    );
    assert!(errors.contains(" --> unused.yaml:1:1"), "{errors}");
}

/// Writes a `book.toml` whose include path is `entries`, written as TOML strings.
fn set_include_path(root: &Path, entries: &str) {
    fs::write(
        root.join("book.toml"),
        format!("[book]\nsrc = \"docs\"\n\n[preprocessor.netsnip]\ninclude-path = [{entries}]\n"),
    )
    .unwrap();
}

#[test]
fn include_path_outside_root_rejected() {
    let book = copy_fixture("nesting");
    for entry in ["/etc", "../", "snippets/../.."] {
        set_include_path(book.path(), &format!("\"snippets\", \"{entry}\""));
        let output = run(netsnip().arg("check").arg("--root").arg(book.path()));
        assert_eq!(output.status.code(), Some(2), "{entry}");
        let errors = stderr(&output);
        assert!(errors.starts_with("error: invalid `"), "{entry}: {errors}");
        assert!(
            errors.contains(&format!("entry \"{entry}\" is outside the book root")),
            "{entry}: {errors}"
        );
    }
}

#[cfg(unix)]
#[test]
fn include_path_link_outside_root_rejected() {
    let parent = tempfile::tempdir().unwrap();
    let root = parent.path().join("book-root");
    snapbox::dir::copy_template(fixture("nesting"), &root).unwrap();
    std::os::unix::fs::symlink(parent.path(), root.join("outside")).unwrap();
    set_include_path(&root, "\"snippets\", \"common\", \"outside\"");

    let output = run(netsnip().arg("check").arg("--root").arg(&root));
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("\"outside\" is a symbolic link to"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn include_path_missing_folder_rejected() {
    let book = copy_fixture("nesting");
    set_include_path(book.path(), "\"snippets\", \"common\", \"manifests\"");
    let output = run(netsnip().arg("check").arg("--root").arg(book.path()));
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("`include-path` folder \"manifests\" does not exist"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn default_include_folder_may_be_absent() {
    let book = copy_fixture("cycle");
    assert!(!book.path().join("snippets").exists());
    fs::write(
        book.path().join("docs/SUMMARY.md"),
        "# Summary\n\n- [Chapter](a.md)\n",
    )
    .unwrap();
    fs::write(book.path().join("docs/a.md"), "# A\n").unwrap();
    let output = run(netsnip().arg("check").arg("--root").arg(book.path()));
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
}

#[test]
fn oversized_snippet_reported_unread() {
    let book = copy_fixture("nesting");
    // One byte over the 16 MiB cap. The file is sparse and all NUL bytes, so reading it would
    // report `include-not-text` instead.
    let big = fs::File::create(book.path().join("snippets/big.yaml")).unwrap();
    big.set_len((16 << 20) + 1).unwrap();
    fs::write(
        book.path().join("docs/chapter.md"),
        "# Chapter\n\n```yaml\n!!!include(big.yaml)!!!\n```\n",
    )
    .unwrap();

    let output = run(netsnip().arg("check").arg("--root").arg(book.path()));
    assert_eq!(output.status.code(), Some(1));
    let errors = stderr(&output);
    assert!(errors.contains("error[include-too-large]"), "{errors}");
    assert!(errors.contains("16777217 bytes"), "{errors}");
    assert!(errors.contains("the limit of 16 MiB"), "{errors}");
    assert!(errors.contains(" --> docs/chapter.md:4:12"), "{errors}");
    assert!(!errors.contains("include-not-text"), "{errors}");
    assert!(!errors.contains("many times over"), "{errors}");
}

#[test]
fn denied_warnings_named_in_summary() {
    let book = copy_fixture("nesting");
    fs::write(
        book.path().join("snippets/unused.yaml"),
        "kind: ConfigMap\n",
    )
    .unwrap();

    let output = run(netsnip()
        .arg("check")
        .arg("--root")
        .arg(book.path())
        .args(["--deny", "warnings"]));
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains(": 0 errors, 1 warning (denied by --deny warnings)\n"),
        "{}",
        stderr(&output)
    );

    let output = run(netsnip().arg("check").arg("--root").arg(book.path()));
    assert_eq!(output.status.code(), Some(0));
    assert!(
        stderr(&output).ends_with(": 0 errors, 1 warning\n"),
        "{}",
        stderr(&output)
    );
}

/// The summary object, the last line of a `--message-format json` run.
fn json_summary(output: &Output) -> serde_json::Value {
    let text = stdout(output);
    let last = text.lines().last().expect("a summary line");
    serde_json::from_str(last).expect("the summary is JSON")
}

#[test]
fn json_summary_states_failure() {
    let book = copy_fixture("nesting");
    fs::write(
        book.path().join("snippets/unused.yaml"),
        "kind: ConfigMap\n",
    )
    .unwrap();
    let check = |deny: &[&str]| {
        run(netsnip()
            .arg("check")
            .arg("--root")
            .arg(book.path())
            .args(["--message-format", "json"])
            .args(deny))
    };

    let denied = json_summary(&check(&["--deny", "warnings"]));
    assert_eq!(denied["type"], "summary");
    assert_eq!(denied["failed"], true);
    assert_eq!(denied["warnings"], 1);
    let allowed = json_summary(&check(&[]));
    assert_eq!(allowed["failed"], false);
}

#[test]
fn failed_build_summary_says_no_output() {
    let book = copy_fixture("nesting");
    fs::write(
        book.path().join("docs/parts/detail.md"),
        "!!!include(gone.yaml)!!!\n",
    )
    .unwrap();
    let output = build(book.path(), &book.path().join("site"));
    assert_eq!(output.status.code(), Some(1));
    let errors = stderr(&output);
    let summary = errors.lines().last().unwrap();
    assert!(summary.starts_with("build failed: 1 chapter, "), "{errors}");
    assert!(
        summary.ends_with(": 1 error, 0 warnings; no output written"),
        "{errors}"
    );
    assert!(!errors.contains("built "), "{errors}");
}

/// The hidden entries of `folder`, such as staging folders.
fn hidden_entries(folder: &Path) -> Vec<String> {
    fs::read_dir(folder)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with('.'))
        .collect()
}

#[test]
fn out_with_parent_component_builds() {
    let book = copy_fixture("nesting");
    let output = run(netsnip()
        .arg("build")
        .arg("--no-html")
        .args(["--out", "book/markdown/.."])
        .current_dir(book.path()));
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(book.path().join("book/markdown/chapter.md").is_file());
    assert!(!book.path().join("book/markdown/markdown").exists());
    assert_eq!(
        hidden_entries(&book.path().join("book")),
        Vec::<String>::new()
    );
}

#[test]
fn stale_staging_folders_removed() {
    let book = copy_fixture("nesting");
    let out = book.path().join("site");
    // No process has the id 4294967295, the largest u32, while the test's own process is
    // running, so the build must keep only the folders named after it.
    let live = std::process::id();
    let names = [
        ".markdown.staging-4294967295".to_string(),
        ".markdown.previous-4294967295".to_string(),
        format!(".markdown.staging-{live}"),
        ".markdown.staging-notapid".to_string(),
    ];
    for name in &names {
        fs::create_dir_all(out.join(name).join("leftover")).unwrap();
    }

    let output = run(netsnip()
        .arg("build")
        .arg("--no-html")
        .arg("--root")
        .arg(book.path())
        .arg("--out")
        .arg(&out));
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let mut left = hidden_entries(&out);
    left.sort();
    assert_eq!(left, [names[2].clone(), names[3].clone()]);
}

#[test]
fn no_chapters_exits_2() {
    let folder = tempfile::tempdir().unwrap();
    for command in ["check", "build"] {
        let output = run(netsnip().arg(command).current_dir(folder.path()));
        assert_eq!(output.status.code(), Some(2), "{command}");
        let errors = stderr(&output);
        assert!(
            errors.starts_with("error: no chapters found: no book.toml and no *.md files in `"),
            "{command}: {errors}"
        );
        assert!(errors.contains("--root DIR"), "{command}: {errors}");
    }
    assert_eq!(
        fs::read_dir(folder.path()).unwrap().count(),
        0,
        "nothing written"
    );
}

#[test]
fn empty_summary_exits_2() {
    let book = copy_fixture("nesting");
    fs::write(book.path().join("docs/SUMMARY.md"), "# Summary\n").unwrap();
    let output = run(netsnip().arg("check").arg("--root").arg(book.path()));
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("no chapters found: `"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn check_path_without_chapters_exits_2() {
    let book = copy_fixture("nesting");
    let output = run(netsnip()
        .arg("check")
        .arg("--root")
        .arg(book.path())
        .arg(book.path().join("snippets")));
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("SUMMARY.md lists no chapter under"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn chapter_not_found_help_is_relative() {
    let book = copy_fixture("nesting");
    fs::write(
        book.path().join("docs/SUMMARY.md"),
        "# Summary\n\n- [Chapter](chapter.md)\n- [Gone](gone.md)\n",
    )
    .unwrap();
    let output = run(netsnip().arg("check").arg("--root").arg(book.path()));
    let errors = stderr(&output);
    assert!(
        errors.contains("create `docs/gone.md` or remove"),
        "{errors}"
    );
    let root = book.path().canonicalize().unwrap();
    assert!(!errors.contains(root.to_str().unwrap()), "{errors}");
}

/// Writes a one-chapter book whose SUMMARY.md has `summary` as its chapter list.
fn write_small_book(root: &Path, summary: &str) {
    fs::create_dir_all(root.join("docs")).unwrap();
    fs::create_dir_all(root.join("snippets")).unwrap();
    fs::write(root.join("book.toml"), "[book]\nsrc = \"docs\"\n").unwrap();
    fs::write(root.join("docs/SUMMARY.md"), summary).unwrap();
    fs::write(
        root.join("docs/a.md"),
        "# A\n\n```\n!!!include(note.txt)!!!\n```\n",
    )
    .unwrap();
    fs::write(root.join("snippets/note.txt"), "included text\n").unwrap();
}

#[test]
fn dot_slash_chapter_expands_in_html() {
    let book = tempfile::tempdir().unwrap();
    write_small_book(book.path(), "# Summary\n\n- [A](./a.md)\n");
    let out = book.path().join("out");

    let output = build(book.path(), &out);

    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let html = fs::read_to_string(out.join("html/a.html")).unwrap();
    assert!(html.contains("included text"), "{html}");
    assert!(!html.contains("!!!include"), "{html}");
}

#[test]
fn invalid_summary_points_at_line() {
    let book = tempfile::tempdir().unwrap();
    let summary = "# Summary\n\n- [A](a.md)\n\n[B](b.md)\n\n- [C](c.md)\n";
    write_small_book(book.path(), summary);

    let output = run(netsnip().arg("check").arg("--root").arg(book.path()));

    let text = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{text}");
    assert!(text.contains("error[invalid-summary]"), "{text}");
    assert!(text.contains("docs/SUMMARY.md:7:1"), "{text}");
    assert!(!text.contains("WARN"), "{text}");
}

/// Returns the finding lines of a run with `--message-format json`: all but the summary.
fn findings_json(output: &Output) -> Vec<String> {
    stdout(output)
        .lines()
        .filter(|line| line.contains(r#""type":"finding""#))
        .map(str::to_string)
        .collect()
}

/// Every fixture book: the books of `tests/books/` and both books of each consistency scenario.
fn all_fixture_books() -> Vec<PathBuf> {
    let tests = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
    let mut books: Vec<PathBuf> = fs::read_dir(tests.join("books"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .collect();
    for scenario in fs::read_dir(tests.join("consistency")).unwrap() {
        let scenario = scenario.unwrap().path();
        books.extend(["fail", "pass"].map(|book| scenario.join(book)));
    }
    books.retain(|book| book.join("book.toml").is_file());
    books.sort();
    books
}

#[test]
fn check_reports_what_build_reports() {
    // `check` expands without building the text; its findings must still be build's, in the
    // same order, for books that break every kind of rule.
    let books = all_fixture_books();
    assert!(books.len() > 40, "{books:?}");
    for book in books {
        let out = tempfile::tempdir().unwrap();
        let json = ["--message-format", "json"];
        let check = run(netsnip().arg("check").arg("--root").arg(&book).args(json));
        let built = run(netsnip()
            .args(["build", "--no-html", "--root"])
            .arg(&book)
            .arg("--out")
            .arg(out.path())
            .args(json));

        assert_eq!(
            check.status.code(),
            built.status.code(),
            "{}",
            book.display()
        );
        assert_eq!(
            findings_json(&check),
            findings_json(&built),
            "{}",
            book.display()
        );
    }
}

/// Copies this repository's guide, with `from` replaced by `to` in the live-migration NAD.
fn guide_with_nad_edit(from: &str, to: &str) -> tempfile::TempDir {
    let repository = Path::new(env!("CARGO_MANIFEST_DIR"));
    let copy = tempfile::tempdir().unwrap();
    fs::copy(repository.join("book.toml"), copy.path().join("book.toml")).unwrap();
    for folder in ["docs", "snippets"] {
        snapbox::dir::copy_template(repository.join(folder), copy.path().join(folder)).unwrap();
    }
    let nad = copy
        .path()
        .join("snippets/localnet-live-migration-nad-vlan-subnet.yaml");
    let text = fs::read_to_string(&nad).unwrap();
    assert!(text.contains(from), "{from} not in the NAD");
    fs::write(&nad, text.replace(from, to)).unwrap();
    copy
}

#[test]
fn quoted_mtu_help_fits_the_value() {
    let cases = [
        (r#""mtu": "abc""#, "replace the string with a JSON integer"),
        (r#""mtu": "1500""#, "write 1500 without quotes"),
    ];
    for (written, help) in cases {
        let guide = guide_with_nad_edit(r#""mtu": 1500"#, written);
        let output = run(netsnip().arg("check").arg("--root").arg(guide.path()));
        let errors = stderr(&output);

        assert_eq!(output.status.code(), Some(1), "{errors}");
        assert!(errors.contains("error[invalid-type]"), "{errors}");
        assert!(errors.contains(help), "{errors}");
        // An `mtu` of the wrong type is reported as such, not as a missing `mtu` as well.
        assert!(!errors.contains("localnet-missing-mtu"), "{errors}");
    }
}
