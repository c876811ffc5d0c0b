//! `netsnip watch` driven through the real binary and a real file system watcher.
//!
//! Each test copies the fixture book in `tests/watch/book` to a temporary folder, starts the
//! watcher on it, edits files the way editors save them, and waits for the status line that
//! reports the rebuild (or, for the HTML book, the render) before it asserts on the outputs.
//! Waits are bounded, so a rebuild that never comes fails the test with everything the
//! watcher printed, instead of hanging it.

use std::io::{BufRead, BufReader, Write};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use netsnip::analysis;
use netsnip::book::Book;
use tempfile::TempDir;

/// The maximum wait for one expected rebuild or for the process to exit. Generous because
/// the first build renders the HTML book and CI machines may be slow; a passing test waits
/// only as long as the rebuild takes.
const TIMEOUT: Duration = Duration::from_secs(60);

/// The chapter that includes both snippets.
const NETWORKS: &str = "networks.md";

/// A running `netsnip watch` on a private copy of the fixture book.
struct Watch {
    book: TempDir,
    child: Child,
    stderr: Receiver<String>,
    /// Every line printed on stderr so far, shown when a test fails.
    log: Vec<String>,
}

impl Watch {
    /// Copies the fixture, starts the watcher with `args` and waits for the initial build,
    /// its HTML book included.
    fn start(args: &[&str]) -> (Self, String) {
        Self::start_with(args, |_| {})
    }

    /// Like [`Watch::start`], with `edit` applied to the copy of the fixture first.
    fn start_with(args: &[&str], edit: impl FnOnce(&Path)) -> (Self, String) {
        let book = tempfile::tempdir().expect("create a temporary folder");
        copy_folder(&fixture(), book.path());
        edit(book.path());
        let mut watch = Self::spawn(book, args);
        let initial = watch.next_status("the initial build");
        if initial.contains(" 0 errors") {
            watch.next_html("the initial HTML book");
        }
        (watch, initial)
    }

    /// Starts the watcher with `args` on the book in `book` without waiting for anything.
    fn spawn(book: TempDir, args: &[&str]) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_netsnip"))
            .arg("watch")
            .arg("--root")
            .arg(book.path())
            .args(args)
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start netsnip watch");

        let stdout = child.stdout.take().expect("piped stdout");
        std::thread::spawn(move || {
            std::io::copy(&mut BufReader::new(stdout), &mut std::io::sink())
        });
        let stderr = child.stderr.take().expect("piped stderr");
        let (sender, receiver) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if sender.send(line).is_err() {
                    break;
                }
            }
        });

        Watch {
            book,
            child,
            stderr: receiver,
            log: Vec::new(),
        }
    }

    fn path(&self, relative: &str) -> PathBuf {
        self.book.path().join(relative)
    }

    fn write(&self, relative: &str, text: &str) {
        let path = self.path(relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    /// Returns the Markdown output of a chapter, or an empty string when it does not exist.
    fn markdown(&self, chapter: &str) -> String {
        let path = self.path("book/markdown").join(chapter);
        std::fs::read_to_string(path).unwrap_or_default()
    }

    /// Returns the path of a page of the HTML output.
    fn page(&self, page: &str) -> PathBuf {
        self.path("book/html").join(page)
    }

    /// Returns an HTML page of the output, or an empty string when it does not exist.
    fn html(&self, page: &str) -> String {
        std::fs::read_to_string(self.page(page)).unwrap_or_default()
    }

    /// Waits for the next status line of a rebuild and returns it.
    fn next_status(&mut self, expected: &str) -> String {
        self.next_line(expected, |line| is_status(line) && !is_html_status(line))
    }

    /// Waits for the next status line of an HTML render and returns it.
    fn next_html(&mut self, expected: &str) -> String {
        self.next_line(expected, is_html_status)
    }

    /// Waits for HTML status lines until `done` accepts one.
    fn wait_for_html(&mut self, expected: &str, done: impl Fn(&Watch, &str) -> bool) -> String {
        loop {
            let status = self.next_html(expected);
            if done(self, &status) {
                return status;
            }
        }
    }

    /// Waits for the next line on stderr that `accept` accepts and returns it.
    fn next_line(&mut self, expected: &str, accept: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let remaining = deadline.saturating_duration_since(Instant::now());
            match self.stderr.recv_timeout(remaining) {
                Ok(line) => {
                    self.log.push(line.clone());
                    if accept(&line) {
                        return line;
                    }
                }
                Err(RecvTimeoutError::Timeout) => {
                    self.fail(&format!("timed out waiting for {expected}"))
                }
                Err(RecvTimeoutError::Disconnected) => {
                    self.fail(&format!("netsnip exited before {expected}"))
                }
            }
        }
    }

    /// Waits for status lines until `done` accepts one. An editor's save may reach the
    /// watcher as more than one batch, so a rebuild of a half-saved file may come first, and
    /// the outputs `done` reads may already be those of a later rebuild than the line it gets.
    fn wait_until(&mut self, expected: &str, done: impl Fn(&Watch, &str) -> bool) -> String {
        let deadline = Instant::now() + TIMEOUT;
        while Instant::now() < deadline {
            let status = self.next_status(expected);
            if done(self, &status) {
                return status;
            }
        }
        self.fail(&format!("timed out waiting for {expected}"))
    }

    /// Returns the lines printed after the last status line, which contain its findings.
    fn findings(&mut self) -> String {
        // The findings follow the status line at once; give the reader thread a moment.
        while let Ok(line) = self.stderr.recv_timeout(Duration::from_millis(300)) {
            self.log.push(line);
        }
        let start = self
            .log
            .iter()
            .rposition(|line| is_status(line) && !is_html_status(line))
            .map_or(0, |i| i + 1);
        self.log[start..].join("\n")
    }

    /// Sends SIGINT, as Ctrl-C does, and returns the exit code.
    fn interrupt(mut self) -> i32 {
        self.stop()
    }

    /// Sends SIGINT, waits for the exit and returns the exit code, keeping the book and the
    /// rest of what netsnip printed (see [`Watch::rest`]).
    fn stop(&mut self) -> i32 {
        let status = Command::new("kill")
            .args(["-INT", &self.child.id().to_string()])
            .status()
            .expect("run kill");
        assert!(status.success(), "kill -INT failed");

        let deadline = Instant::now() + TIMEOUT;
        while Instant::now() < deadline {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status
                    .code()
                    .expect("netsnip exited normally, not by a signal");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        self.fail("timed out waiting for netsnip to exit after SIGINT")
    }

    /// Returns every line printed after those read so far, once the process has exited.
    fn rest(&mut self) -> Vec<String> {
        let rest: Vec<String> = self.stderr.iter().collect();
        self.log.extend(rest.iter().cloned());
        rest
    }

    fn fail(&mut self, message: &str) -> ! {
        while let Ok(line) = self.stderr.try_recv() {
            self.log.push(line);
        }
        panic!("{message}; netsnip printed:\n{}", self.log.join("\n"));
    }
}

impl Drop for Watch {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Status lines start with the time of day, `[HH:MM:SS] `.
fn is_status(line: &str) -> bool {
    let bytes = line.as_bytes();
    bytes.len() > 11
        && bytes[0] == b'['
        && bytes[9] == b']'
        && bytes[1..9].iter().all(|&b| b.is_ascii_digit() || b == b':')
}

/// Status lines of the HTML thread read `[HH:MM:SS] HTML book ...`.
fn is_html_status(line: &str) -> bool {
    is_status(line) && line[11..].starts_with("HTML book")
}

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/watch/book")
}

fn copy_folder(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_folder(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

const SETTINGS_9100: &str = "apiVersion: v1
kind: ConfigMap
metadata:
  name: storage-network
data:
  mtu: \"9100\"
";

#[test]
fn initial_build_writes_outputs() {
    let (watch, initial) = Watch::start(&[]);

    assert!(
        initial.contains("initial build: rebuilt 2 of 2 chapters, 0 errors"),
        "{initial}"
    );
    assert!(watch.markdown(NETWORKS).contains("mtu: \"9000\""));
    assert!(watch.markdown("intro.md").contains("version 4.16"));
    assert!(watch.path("book/html/networks.html").is_file());
    assert_eq!(watch.interrupt(), 0);
}

#[test]
fn snippet_edit_rebuilds_only_includers() {
    let (mut watch, _) = Watch::start(&[]);
    let intro_before = std::fs::metadata(watch.path("book/markdown/intro.md"))
        .unwrap()
        .modified()
        .unwrap();

    watch.write("snippets/settings.yaml", SETTINGS_9100);
    let status = watch.wait_until("the rebuild after the edit", |w, s| {
        s.contains(" 0 errors") && w.markdown(NETWORKS).contains("mtu: \"9100\"")
    });

    assert!(
        status.contains("snippets/settings.yaml changed"),
        "{status}"
    );
    assert!(
        status.contains("rebuilt 1 of 2 chapters, 0 errors"),
        "{status}"
    );
    let intro_after = std::fs::metadata(watch.path("book/markdown/intro.md"))
        .unwrap()
        .modified()
        .unwrap();
    assert_eq!(
        intro_before, intro_after,
        "intro.md does not include the snippet"
    );
    watch.wait_for_html("the HTML page after the edit", |w, _| {
        w.html("networks.html").contains("9100")
    });
    assert_eq!(watch.interrupt(), 0);
}

#[test]
fn rename_over_save_rebuilds() {
    let (mut watch, _) = Watch::start(&[]);

    watch.write("snippets/.settings.yaml.swp", SETTINGS_9100);
    std::fs::rename(
        watch.path("snippets/.settings.yaml.swp"),
        watch.path("snippets/settings.yaml"),
    )
    .unwrap();
    watch.wait_until("the rebuild after the rename", |w, s| {
        s.contains(" 0 errors") && w.markdown(NETWORKS).contains("mtu: \"9100\"")
    });

    assert_eq!(watch.interrupt(), 0);
}

#[test]
fn chunked_write_ends_in_correct_build() {
    let (mut watch, _) = Watch::start(&[]);

    let mut file = std::fs::File::create(watch.path("snippets/settings.yaml")).unwrap();
    for chunk in SETTINGS_9100.as_bytes().chunks(20) {
        file.write_all(chunk).unwrap();
        file.flush().unwrap();
        // An editor flushing a large buffer: the pauses split the save across batches.
        std::thread::sleep(Duration::from_millis(40));
    }
    drop(file);
    watch.wait_until("the rebuild after the last chunk", |w, s| {
        s.contains(" 0 errors") && w.markdown(NETWORKS).contains("mtu: \"9100\"")
    });

    assert_eq!(watch.interrupt(), 0);
}

#[test]
fn deleted_snippet_is_error_until_recreated() {
    let (mut watch, _) = Watch::start(&[]);

    std::fs::remove_file(watch.path("snippets/management.yaml")).unwrap();
    let status = watch.wait_until("the error about the deleted snippet", |_, s| {
        s.contains("1 error")
    });
    assert!(
        status.contains("kept the outputs of the last good build"),
        "{status}"
    );
    let findings = watch.findings();
    assert!(
        findings.contains("included file `management.yaml` not found"),
        "{findings}"
    );
    assert!(findings.contains("docs/networks.md:12:12"), "{findings}");
    assert!(
        watch.markdown(NETWORKS).contains("management-network"),
        "the last good output stays"
    );

    watch.write(
        "snippets/management.yaml",
        &SETTINGS_9100.replace("storage", "recreated"),
    );
    let status = watch.wait_until("the rebuild after recreating the snippet", |w, s| {
        s.contains(" 0 errors") && w.markdown(NETWORKS).contains("recreated-network")
    });
    assert!(status.contains("(1 fixed)"), "{status}");
    assert_eq!(watch.interrupt(), 0);
}

#[test]
fn unclosed_directive_reported_then_fixed() {
    let (mut watch, _) = Watch::start(&[]);
    let intro = std::fs::read_to_string(watch.path("docs/intro.md")).unwrap();

    watch.write(
        "docs/intro.md",
        &format!("{intro}\nSee !!!include(settings.yaml\n"),
    );
    let status = watch.wait_until("the error about the directive", |_, s| {
        s.contains("1 error")
    });
    assert!(
        status.contains("docs/intro.md changed: rebuilt 1 of 2 chapters"),
        "{status}"
    );
    let findings = watch.findings();
    assert!(
        findings.contains("malformed include directive"),
        "{findings}"
    );
    assert!(findings.contains("docs/intro.md:5:5"), "{findings}");
    assert!(
        !watch.markdown("intro.md").contains("See"),
        "the last good output stays"
    );

    watch.write(
        "docs/intro.md",
        &format!("{intro}\nSee !!!include(settings.yaml)!!!\n"),
    );
    let status = watch.wait_until("the rebuild after the fix", |w, s| {
        s.contains(" 0 errors") && w.markdown("intro.md").contains("storage-network")
    });
    assert!(status.contains("(1 fixed)"), "{status}");
    assert_eq!(watch.interrupt(), 0);
}

#[test]
fn interrupt_after_failed_build_exits_1() {
    let (mut watch, _) = Watch::start(&[]);

    watch.write(
        "docs/networks.md",
        "# Networks\n\n!!!include(missing.yaml)!!!\n",
    );
    watch.wait_until("the error about the missing file", |_, s| {
        s.contains("1 error")
    });

    assert_eq!(watch.interrupt(), 1);
}

#[test]
fn failed_first_build_writes_no_outputs() {
    let (watch, initial) = Watch::start_with(&[], |book| {
        let chapter = "# Networks\n\n!!!include(missing.yaml)!!!\n";
        std::fs::write(book.join("docs/networks.md"), chapter).unwrap();
    });

    assert!(initial.contains("1 error"), "{initial}");
    assert!(initial.contains("no outputs written"), "{initial}");
    assert!(!initial.contains("last good build"), "{initial}");
    assert_eq!(watch.interrupt(), 1);
}

#[test]
fn broken_yaml_reported_then_fixed() {
    let (mut watch, _) = Watch::start(&[]);

    watch.write(
        "snippets/settings.yaml",
        "apiVersion: v1\nkind: ConfigMap\ndata: [unclosed\n",
    );
    let status = watch.wait_until("the error about the YAML", |_, s| s.contains("error"));
    assert!(!status.contains(" 0 errors"), "{status}");
    assert!(
        status.contains("kept the outputs of the last good build"),
        "{status}"
    );
    let findings = watch.findings();
    assert!(findings.contains("snippets/settings.yaml:"), "{findings}");
    assert!(
        findings.contains("included from docs/networks.md"),
        "{findings}"
    );
    assert!(
        watch.markdown(NETWORKS).contains("mtu: \"9000\""),
        "the last good output stays"
    );

    watch.write("snippets/settings.yaml", SETTINGS_9100);
    watch.wait_until("the rebuild after the fix", |w, s| {
        s.contains(" 0 errors") && w.markdown(NETWORKS).contains("mtu: \"9100\"")
    });
    assert_eq!(watch.interrupt(), 0);
}

#[test]
fn new_chapter_in_summary_is_built_and_watched() {
    let (mut watch, _) = Watch::start(&[]);

    watch.write(
        "docs/routes.md",
        "# Routes\n\n```\n!!!include(management.yaml)!!!\n```\n",
    );
    let summary = std::fs::read_to_string(watch.path("docs/SUMMARY.md")).unwrap();
    watch.write(
        "docs/SUMMARY.md",
        &format!("{summary}- [Routes](routes.md)\n"),
    );
    let status = watch.wait_until("the rebuild with the new chapter", |w, s| {
        s.contains(" 0 errors") && w.markdown("routes.md").contains("management-network")
    });
    assert!(
        status.contains("rebuilt 3 of 3 chapters, 0 errors"),
        "{status}"
    );
    watch.wait_for_html("the HTML book with the new chapter", |w, _| {
        w.page("routes.html").is_file()
    });

    watch.write(
        "snippets/management.yaml",
        &SETTINGS_9100.replace("storage", "changed"),
    );
    let status = watch.wait_until("the rebuild after the snippet edit", |w, s| {
        s.contains(" 0 errors") && w.markdown("routes.md").contains("changed-network")
    });
    assert!(status.contains("rebuilt 2 of 3 chapters"), "{status}");
    assert!(watch.markdown(NETWORKS).contains("changed-network"));
    assert_eq!(watch.interrupt(), 0);
}

#[test]
fn include_outside_source_folders_is_watched() {
    let (mut watch, _) = Watch::start(&[]);

    watch.write(
        "shared/notice.md",
        "These guides apply to version 4.18 and later.\n",
    );
    let status = watch.wait_until("the rebuild after the edit", |w, s| {
        s.contains(" 0 errors") && w.markdown("intro.md").contains("4.18")
    });

    assert!(
        status.contains("shared/notice.md changed: rebuilt 1 of 2 chapters"),
        "{status}"
    );
    assert_eq!(watch.interrupt(), 0);
}

#[test]
fn deleted_snippet_folder_recovers() {
    let (mut watch, _) = Watch::start(&[]);

    std::fs::remove_dir_all(watch.path("snippets")).unwrap();
    let status = watch.wait_until("the errors about the deleted folder", |_, s| {
        s.contains("2 errors")
    });
    assert!(
        status.contains("kept the outputs of the last good build"),
        "{status}"
    );

    copy_folder(&fixture().join("snippets"), &watch.path("snippets"));
    watch.write("snippets/settings.yaml", SETTINGS_9100);
    watch.wait_until("the rebuild after restoring the folder", |w, s| {
        s.contains(" 0 errors") && w.markdown(NETWORKS).contains("mtu: \"9100\"")
    });
    assert_eq!(watch.interrupt(), 0);
}

#[test]
fn invalid_book_toml_keeps_watching() {
    let (mut watch, _) = Watch::start(&[]);
    let config = std::fs::read_to_string(watch.path("book.toml")).unwrap();

    watch.write("book.toml", "[book\n");
    let status = watch.wait_until("the error about book.toml", |_, s| s.contains("1 error"));
    assert!(status.contains("book.toml changed"), "{status}");
    let findings = watch.findings();
    assert!(
        findings.contains("the book could not be loaded"),
        "{findings}"
    );

    watch.write("snippets/settings.yaml", SETTINGS_9100);
    watch.write("book.toml", &config);
    watch.wait_until("the rebuild after the fix", |w, s| {
        s.contains(" 0 errors") && w.markdown(NETWORKS).contains("mtu: \"9100\"")
    });
    assert_eq!(watch.interrupt(), 0);
}

#[test]
fn poll_mode_sees_edits() {
    let (mut watch, initial) = Watch::start(&["--poll"]);
    assert!(initial.contains("0 errors"), "{initial}");

    watch.write("snippets/settings.yaml", SETTINGS_9100);
    let status = watch.wait_until("the rebuild after the edit", |w, s| {
        s.contains(" 0 errors") && w.markdown(NETWORKS).contains("mtu: \"9100\"")
    });

    assert!(status.contains("rebuilt 1 of 2 chapters"), "{status}");
    assert_eq!(watch.interrupt(), 0);
}

/// The incremental path (per-chapter expansion, snippet cache, book-level findings) must find
/// what the whole-book pass finds, or `watch` and `build` would disagree.
#[test]
fn incremental_findings_match_whole_book_pass() {
    let books = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/books");
    let mut roots = vec![fixture()];
    for entry in std::fs::read_dir(books).unwrap() {
        roots.push(entry.unwrap().path());
    }
    for root in roots {
        // Books without book.toml or with an invalid one do not load, in either pass.
        let Ok(book) = Book::load(&root) else {
            continue;
        };
        let whole = analysis::analyze(&book);

        let chapters: Vec<_> = book
            .chapters
            .iter()
            .map(|chapter| analysis::expand_chapter(&book, chapter))
            .collect();
        let snippets = analysis::revalidate_snippets(&chapters, Vec::new());
        let cached = analysis::revalidate_snippets(&chapters, snippets);
        let findings = analysis::collect_findings(&book, &chapters, &cached);

        let render = |diagnostics: &[netsnip::diagnostic::Diagnostic]| -> Vec<String> {
            diagnostics
                .iter()
                .map(|d| netsnip::diagnostic::render(d, Default::default(), false))
                .collect()
        };
        assert_eq!(
            render(&whole.diagnostics),
            render(&findings),
            "{}",
            root.display()
        );
        assert_eq!(whole.snippets.len(), cached.len(), "{}", root.display());
    }
}

/// A SUMMARY.md with a prefix chapter, nesting, a draft, a separator and a part title, so
/// that section numbers and the previous and next links of a page skip what mdBook skips.
const STRUCTURED_SUMMARY: &str = "# Summary

[Preface](preface.md)

- [Introduction](intro.md)
- [Networks](networks.md)
  - [Routes](routes.md)
- [Later]()

---

# Reference

- [Appendix](appendix.md)
";

/// Adds the chapters of [`STRUCTURED_SUMMARY`] to a copy of the fixture. `management.yaml` is
/// included by `networks.md` and `appendix.md` only.
fn add_structured_chapters(root: &Path) {
    let docs = root.join("docs");
    std::fs::write(docs.join("SUMMARY.md"), STRUCTURED_SUMMARY).unwrap();
    std::fs::write(docs.join("preface.md"), "# Preface\n\nRead this first.\n").unwrap();
    std::fs::write(docs.join("routes.md"), "# Routes\n\nNo snippets here.\n").unwrap();
    std::fs::write(
        docs.join("appendix.md"),
        "# Appendix\n\n```\n!!!include(management.yaml)!!!\n```\n",
    )
    .unwrap();
}

/// The identity of a file: its inode and modification time.
fn identity(path: &Path) -> (u64, i64, i64) {
    let metadata = std::fs::metadata(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    (metadata.ino(), metadata.mtime(), metadata.mtime_nsec())
}

/// Replaces the hash in the name of the search index, which a page names and which only a
/// full render brings up to date.
fn without_search_index_hash(page: &str) -> String {
    let pattern = regex::Regex::new(r"searchindex-[0-9a-f]{8}\.js").unwrap();
    pattern
        .replace_all(page, "searchindex-HASH.js")
        .into_owned()
}

#[test]
fn snippet_edit_renders_only_includer_pages() {
    let (mut watch, _) = Watch::start_with(&["--refresh-delay", "600"], add_structured_chapters);
    let unchanged = [
        "preface.html",
        "intro.html",
        "routes.html",
        "index.html",
        "print.html",
    ];
    let before: Vec<_> = unchanged
        .iter()
        .map(|page| identity(&watch.page(page)))
        .collect();

    watch.write(
        "snippets/management.yaml",
        &SETTINGS_9100.replace("storage", "edited"),
    );
    watch.wait_until("the rebuild after the edit", |w, s| {
        s.contains(" 0 errors") && w.markdown("appendix.md").contains("edited-network")
    });
    let status = watch.wait_for_html("the pages after the edit", |w, _| {
        w.html("appendix.html").contains("edited-network")
            && w.html("networks.html").contains("edited-network")
    });

    assert!(status.contains("rendered 2 of 5 pages"), "{status}");
    for (page, before) in unchanged.iter().zip(before) {
        assert_eq!(identity(&watch.page(page)), before, "{page} was rewritten");
    }
    assert!(
        !watch.html("print.html").contains("edited-network"),
        "the print page waits for the refresh"
    );

    // A full build of the same sources writes the same pages, up to the search index's name.
    let full = tempfile::tempdir().unwrap();
    let build = Command::new(env!("CARGO_BIN_EXE_netsnip"))
        .args(["build", "--root"])
        .arg(watch.book.path())
        .arg("--out")
        .arg(full.path())
        .output()
        .unwrap();
    assert!(build.status.success(), "{build:?}");
    for page in ["networks.html", "appendix.html"] {
        let built = std::fs::read_to_string(full.path().join("html").join(page)).unwrap();
        assert_eq!(
            without_search_index_hash(&watch.html(page)),
            without_search_index_hash(&built),
            "{page}"
        );
    }
    assert_eq!(watch.interrupt(), 0);
}

#[test]
fn summary_change_renders_whole_book() {
    let (mut watch, _) = Watch::start(&["--refresh-delay", "600"]);
    let intro = identity(&watch.page("intro.html"));

    let summary = std::fs::read_to_string(watch.path("docs/SUMMARY.md")).unwrap();
    watch.write(
        "docs/SUMMARY.md",
        &summary.replace("[Networks]", "[Secondary networks]"),
    );
    watch.wait_until("the rebuild after the edit", |_, s| {
        s.contains("docs/SUMMARY.md changed") && s.contains(" 0 errors")
    });
    let status = watch.wait_for_html("the full render", |w, _| {
        w.html("toc.html").contains("Secondary networks")
    });

    assert!(status.contains("rendered all 2 pages"), "{status}");
    assert_ne!(identity(&watch.page("intro.html")), intro);
    assert!(watch.html("networks.html").contains("Secondary networks"));
    assert_eq!(watch.interrupt(), 0);
}

#[test]
fn quiet_book_refreshes_search_index() {
    let (mut watch, _) = Watch::start(&["--refresh-delay", "1"]);

    watch.write("snippets/settings.yaml", SETTINGS_9100);
    watch.wait_for_html("the page render", |w, s| {
        s.contains("rendered 1 of 2 pages") && w.html("networks.html").contains("9100")
    });
    let status = watch.wait_for_html("the refresh", |w, _| w.html("print.html").contains("9100"));

    assert!(
        status.contains("the search index and the print page"),
        "{status}"
    );
    assert_eq!(watch.interrupt(), 0);
}

/// Writes a book of `chapters` chapters with long prose and a snippet each, large enough for
/// mdBook to take seconds over it in a debug build. Only the first chapter includes
/// `first.yaml`.
fn write_large_book(root: &Path, chapters: usize) {
    std::fs::create_dir_all(root.join("docs")).unwrap();
    std::fs::create_dir_all(root.join("snippets")).unwrap();
    std::fs::write(
        root.join("book.toml"),
        "[book]\ntitle = \"Large\"\nsrc = \"docs\"\n",
    )
    .unwrap();
    std::fs::write(root.join("snippets/first.yaml"), SETTINGS_9100).unwrap();
    std::fs::write(root.join("snippets/shared.yaml"), SETTINGS_9100).unwrap();

    let paragraph = "The storage network carries replication traffic between the nodes of \
                     the cluster, so its MTU must match on every interface along the path. "
        .repeat(8);
    let mut summary = String::from("# Summary\n\n");
    for index in 0..chapters {
        let name = format!("chapter-{index:04}.md");
        summary.push_str(&format!("- [Chapter {index}]({name})\n"));
        let snippet = if index == 0 {
            "first.yaml"
        } else {
            "shared.yaml"
        };
        let mut text = format!("# Chapter {index}\n\n```\n!!!include({snippet})!!!\n```\n");
        for section in 0..20 {
            text.push_str(&format!("\n## Section {section}\n\n{paragraph}\n"));
        }
        std::fs::write(root.join("docs").join(name), text).unwrap();
    }
    std::fs::write(root.join("docs/SUMMARY.md"), summary).unwrap();
}

#[test]
fn edit_during_html_render_gets_markdown() {
    let book = tempfile::tempdir().unwrap();
    write_large_book(book.path(), 300);
    let mut watch = Watch::spawn(book, &["--refresh-delay", "600"]);
    let initial = watch.next_status("the initial build");
    assert!(initial.contains("rendering the HTML book"), "{initial}");

    // The initial render of 300 pages takes seconds, the rebuild of one chapter milliseconds.
    watch.write(
        "snippets/first.yaml",
        &SETTINGS_9100.replace("storage", "edited"),
    );
    watch.wait_until("the rebuild after the edit", |w, s| {
        s.contains(" 0 errors") && w.markdown("chapter-0000.md").contains("edited-network")
    });
    assert!(
        !watch.log.iter().any(|line| is_html_status(line)),
        "the Markdown output waited for the HTML render:\n{}",
        watch.log.join("\n")
    );

    watch.wait_for_html("the page after the initial render", |w, _| {
        w.html("chapter-0000.html").contains("edited-network")
    });
    assert_eq!(watch.interrupt(), 0);
}

/// Chapters nested up to four deep, so that the chapter before `b.md` and the one before
/// `a2.md` lie deeper than the chapter after them.
const DEEP_SUMMARY: &str = "# Summary

- [A](a.md)
    - [A1](a1.md)
        - [A11](a11.md)
    - [A2](a2.md)
        - [A21](a21.md)
            - [A211](a211.md)
- [B](b.md)
";

fn write_deep_chapters(root: &Path) {
    let docs = root.join("docs");
    std::fs::write(docs.join("SUMMARY.md"), DEEP_SUMMARY).unwrap();
    for name in ["a", "a1", "a11", "a2", "a21", "a211", "b"] {
        let text = format!("# {}\n\nText of {name}.\n", name.to_uppercase());
        std::fs::write(docs.join(format!("{name}.md")), text).unwrap();
    }
}

/// Builds the book at `root` with `netsnip build` into a new folder and returns it.
fn full_build(root: &Path) -> TempDir {
    let full = tempfile::tempdir().unwrap();
    let build = Command::new(env!("CARGO_BIN_EXE_netsnip"))
        .args(["build", "--root"])
        .arg(root)
        .arg("--out")
        .arg(full.path())
        .output()
        .unwrap();
    assert!(build.status.success(), "{build:?}");
    full
}

#[test]
fn page_render_after_deeper_neighbour() {
    let (mut watch, _) = Watch::start_with(&["--refresh-delay", "600"], write_deep_chapters);

    for (chapter, page) in [("docs/b.md", "b.html"), ("docs/a2.md", "a2.html")] {
        let text = std::fs::read_to_string(watch.path(chapter)).unwrap();
        watch.write(chapter, &format!("{text}\nEdited {page}.\n"));
        let edited = format!("Edited {page}.");
        let status = watch.wait_for_html("the page after the edit", |w, _| {
            w.html(page).contains(&edited)
        });
        assert!(status.contains("rendered 1 of 7 pages"), "{status}");
    }

    // The pages are those a full build writes, up to the name of the search index.
    let full = full_build(watch.book.path());
    for page in ["b.html", "a2.html"] {
        let built = std::fs::read_to_string(full.path().join("html").join(page)).unwrap();
        assert_eq!(
            without_search_index_hash(&watch.html(page)),
            without_search_index_hash(&built),
            "{page}"
        );
    }
    assert!(!watch.log.iter().any(|line| line.contains("panicked")));
    assert_eq!(watch.interrupt(), 0);
}

/// An mdBook preprocessor that replaces the book with one chapter numbered 1.1.1, which
/// mdBook's `toc` helper rejects with a panic: it expects the section depth to grow by one
/// level at a time.
const MISNUMBERING_PREPROCESSOR: &str = r##"#!/bin/sh
if [ "$1" = supports ]; then exit 0; fi
cat >/dev/null
printf '%s' '{"items":[{"Chapter":{"name":"Introduction","content":"# Introduction\n","number":[1,1,1],"sub_items":[],"path":"intro.md","source_path":"intro.md","parent_names":[]}}]}'
"##;

fn add_misnumbering_preprocessor(root: &Path) {
    let script = root.join("misnumber.sh");
    std::fs::write(&script, MISNUMBERING_PREPROCESSOR).unwrap();
    let mut permissions = std::fs::metadata(&script).unwrap().permissions();
    std::os::unix::fs::PermissionsExt::set_mode(&mut permissions, 0o755);
    std::fs::set_permissions(&script, permissions).unwrap();

    let config = std::fs::read_to_string(root.join("book.toml")).unwrap();
    let command = format!(
        "{config}\n[preprocessor.misnumber]\ncommand = \"{}\"\n",
        script.display()
    );
    std::fs::write(root.join("book.toml"), command).unwrap();
}

#[test]
fn renderer_panic_is_reported_error() {
    let (mut watch, _) = Watch::start_with(&[], add_misnumbering_preprocessor);
    let html = watch.log.last().cloned().unwrap_or_default();
    assert!(html.contains("HTML book not updated"), "{html}");
    let error = watch.next_line("the error of the render", |l| l.starts_with("error:"));
    assert!(error.contains("panicked at"), "{error}");
    assert!(error.contains("helpers/toc.rs"), "{error}");

    // The HTML thread is still there: an edit gets a rebuild and another failed render.
    watch.write("snippets/settings.yaml", SETTINGS_9100);
    watch.wait_until("the rebuild after the edit", |w, s| {
        s.contains(" 0 errors") && w.markdown(NETWORKS).contains("mtu: \"9100\"")
    });
    let html = watch.next_html("the render after the edit");
    assert!(html.contains("HTML book not updated"), "{html}");

    assert_eq!(watch.stop(), 1, "the HTML book failed to render");
    watch.rest();
    // The default panic hook prints `thread 'NAME' (ID) panicked at ...`.
    let crash = watch.log.iter().find(|line| line.starts_with("thread '"));
    assert_eq!(crash, None, "{}", watch.log.join("\n"));
}

/// Names `extra/custom.css` in `[output.html] additional-css`.
fn add_custom_css(root: &Path) {
    let config = std::fs::read_to_string(root.join("book.toml")).unwrap();
    let config = format!("{config}\n[output.html]\nadditional-css = [\"extra/custom.css\"]\n");
    std::fs::write(root.join("book.toml"), config).unwrap();
    std::fs::create_dir_all(root.join("extra")).unwrap();
    std::fs::write(root.join("extra/custom.css"), "body { color: black; }\n").unwrap();
}

/// Returns the names of the copies of `extra/custom.css` that a page links, such as
/// `custom-74d94aed.css`.
fn linked_css(page: &str) -> Vec<String> {
    let pattern = regex::Regex::new(r"extra/(custom-[0-9a-f]{8}\.css)").unwrap();
    pattern
        .captures_iter(page)
        .map(|found| found[1].to_string())
        .collect()
}

#[test]
fn additional_css_edit_renders_book() {
    let (mut watch, _) = Watch::start_with(&["--refresh-delay", "600"], add_custom_css);
    let before = linked_css(&watch.html("intro.html"));
    assert_eq!(before.len(), 1, "{before:?}");

    watch.write("extra/custom.css", "body { color: navy; }\n");
    let status = watch.wait_for_html("the render after the edit", |w, _| {
        linked_css(&w.html("intro.html")) != before
    });

    assert!(status.contains("rendered all 2 pages"), "{status}");
    for page in ["intro.html", "networks.html"] {
        for css in linked_css(&watch.html(page)) {
            let copy = watch.page("extra").join(&css);
            let text = std::fs::read_to_string(&copy).unwrap_or_default();
            assert!(text.contains("navy"), "{page} links {css}: {text:?}");
        }
    }
    assert_eq!(watch.interrupt(), 0);
}

#[test]
fn page_render_links_only_present_css() {
    let (mut watch, _) = Watch::start_with(&["--refresh-delay", "600"], |root| {
        add_custom_css(root);
        // A second name for the same file, in a folder netsnip does not watch, so that this
        // edit reaches the HTML book only with the next render.
        std::fs::create_dir_all(root.join("unwatched")).unwrap();
        std::fs::hard_link(
            root.join("extra/custom.css"),
            root.join("unwatched/custom.css"),
        )
        .unwrap();
    });

    watch.write("unwatched/custom.css", "body { color: navy; }\n");
    let intro = std::fs::read_to_string(watch.path("docs/intro.md")).unwrap();
    watch.write("docs/intro.md", &format!("{intro}\nEdited.\n"));
    watch.wait_for_html("the render after the edit", |w, _| {
        w.html("intro.html").contains("Edited.")
    });

    let linked = linked_css(&watch.html("intro.html"));
    assert_eq!(linked.len(), 1, "{linked:?}");
    let copy = watch.page("extra").join(&linked[0]);
    assert!(copy.is_file(), "intro.html links the missing {}", linked[0]);
    assert_eq!(watch.interrupt(), 0);
}

#[test]
fn interrupt_during_render_removes_staging() {
    let book = tempfile::tempdir().unwrap();
    write_large_book(book.path(), 300);
    let mut watch = Watch::spawn(book, &[]);
    let initial = watch.next_status("the initial build");
    assert!(initial.contains("rendering the HTML book"), "{initial}");

    // The initial render of 300 pages takes seconds in a debug build.
    assert_eq!(watch.stop(), 0, "the build was clean");
    let left: Vec<String> = std::fs::read_dir(watch.path("book"))
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with('.'))
        .collect();
    assert!(left.is_empty(), "left behind: {left:?}");

    let rest = watch.rest();
    let finished = rest.iter().any(|line| is_html_status(line));
    let interrupted = rest.iter().any(|line| line.starts_with("interrupted:"));
    assert!(finished || interrupted, "{}", rest.join("\n"));
}

#[test]
fn deleted_output_folder_rewritten_whole() {
    let (mut watch, _) = Watch::start(&["--refresh-delay", "600"]);

    std::fs::remove_dir_all(watch.path("book")).unwrap();
    let intro = std::fs::read_to_string(watch.path("docs/intro.md")).unwrap();
    watch.write("docs/intro.md", &format!("{intro}\nEdited.\n"));
    let status = watch.wait_until("the rebuild after the edit", |w, s| {
        s.contains(" 0 errors") && w.markdown("intro.md").contains("Edited.")
    });

    assert!(status.contains("wrote 2 Markdown files"), "{status}");
    assert!(watch.markdown(NETWORKS).contains("mtu: \"9000\""));
    assert!(watch.markdown("SUMMARY.md").contains("[Networks]"));
    watch.wait_for_html("the HTML book", |w, _| {
        w.html("networks.html").contains("9000") && w.html("intro.html").contains("Edited.")
    });
    assert_eq!(watch.interrupt(), 0);
}

#[test]
fn first_chapter_edit_names_index_page() {
    let (mut watch, _) = Watch::start(&["--refresh-delay", "600"]);

    let intro = std::fs::read_to_string(watch.path("docs/intro.md")).unwrap();
    watch.write("docs/intro.md", &format!("{intro}\nEdited.\n"));
    let status = watch.wait_until("the rebuild after the edit", |w, s| {
        s.contains(" 0 errors") && w.markdown("intro.md").contains("Edited.")
    });
    assert!(status.contains("rendering 1 HTML page,"), "{status}");
    let html = watch.wait_for_html("the page after the edit", |w, _| {
        w.html("index.html").contains("Edited.")
    });

    assert!(
        html.contains("rendered 1 of 2 pages and index.html"),
        "{html}"
    );
    assert_eq!(watch.interrupt(), 0);
}
