//! Latency of `netsnip watch`: the time from saving a snippet to the updated Markdown output
//! of a chapter that includes it, and to that chapter's updated HTML page, as the median and
//! maximum over a series of edits.
//!
//! ```console
//! cargo run --release --example generate_book -- --chapters 1000 --out target/bench-books/c1000
//! cargo bench --bench watch_latency -- target/bench-books/c1000/netsnip [EDITS]
//! ```
//!
//! The book is copied to a temporary folder first, so the benchmark never edits it. Each edit
//! rewrites the first snippet that a chapter includes with a new trailing YAML comment, then
//! reads the chapter's Markdown output, and then its HTML page, every millisecond until the
//! comment appears there. The next edit starts only after the watcher's status line that
//! reports the HTML book up to date. So the Markdown figure covers one debounce interval, one
//! incremental rebuild and the atomic writes of the Markdown files, and the HTML figure adds
//! the render of the changed chapters' pages. After the last edit the benchmark waits for the
//! refresh of the search index and the print page, which runs once the book is quiet, and
//! prints its time from the status line.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

use netsnip::analysis;
use netsnip::commands::load_book;

/// Edits measured when the command line gives no count.
const DEFAULT_EDITS: usize = 50;

/// The maximum wait for one rebuild or for the initial build before the benchmark gives up.
const TIMEOUT: Duration = Duration::from_secs(120);

fn main() {
    // `cargo bench` passes `--bench` to every benchmark; the rest are this benchmark's own.
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let Some(source) = args.first().map(PathBuf::from) else {
        eprintln!("usage: cargo bench --bench watch_latency -- BOOK_FOLDER [EDITS]");
        std::process::exit(2);
    };
    let edits = match args.get(1).map(|n| n.parse::<usize>()) {
        None => DEFAULT_EDITS,
        Some(Ok(n)) if n > 0 => n,
        Some(_) => {
            eprintln!("EDITS must be a positive number, not `{}`", args[1]);
            std::process::exit(2);
        }
    };

    let work = tempfile::tempdir().expect("create a temporary folder");
    let root = work.path().join("book");
    copy_book(&source, &root);
    let (snippet, chapter) = first_included_snippet(&root);
    let markdown = work.path().join("out/markdown").join(&chapter);
    let page = work
        .path()
        .join("out/html")
        .join(chapter.with_extension("html"));

    let mut watch = Watch::start(&root, &work.path().join("out"));
    let original = std::fs::read_to_string(&snippet).expect("read the snippet");
    let mut to_markdown = Vec::with_capacity(edits);
    let mut to_page = Vec::with_capacity(edits);
    let mut rebuilds = Vec::with_capacity(edits);
    for edit in 0..edits {
        let marker = format!("# netsnip watch_latency edit {edit}");
        let started = Instant::now();
        std::fs::write(&snippet, format!("{original}{marker}\n")).expect("write the snippet");
        wait_for_text(&markdown, &marker);
        to_markdown.push(started.elapsed());
        wait_for_text(&page, &marker);
        to_page.push(started.elapsed());
        rebuilds.push(watch.next_status(|line| !is_html_status(line)));
        watch.next_status(is_html_status);
    }
    let refresh = watch.next_status(|line| is_html_status(line) && line.contains("rendered all"));
    let initial = watch.initial.clone();
    watch.interrupt();

    println!("book: {}", source.display());
    println!("initial build: {initial}");
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    println!("machine: {cores} cores");
    report("snippet edit to updated Markdown", &to_markdown);
    report("snippet edit to updated HTML page", &to_page);
    report_rebuilds(&rebuilds);
    println!("refresh of the search index and print page: {refresh}");
}

/// Copies the book's sources, leaving out a previous build's `book/` folder.
fn copy_book(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create the copy's folder");
    let entries = std::fs::read_dir(from)
        .unwrap_or_else(|error| panic!("cannot read `{}`: {error}", from.display()));
    for entry in entries {
        let entry = entry.expect("read a folder entry");
        let target = to.join(entry.file_name());
        let is_output = from.join("book.toml").is_file() && entry.file_name() == "book";
        if entry.file_type().expect("read a file type").is_dir() {
            if !is_output {
                copy_book(&entry.path(), &target);
            }
        } else {
            std::fs::copy(entry.path(), target).expect("copy a file");
        }
    }
}

/// The first YAML snippet a chapter includes, and that chapter's path relative to the source
/// folder.
fn first_included_snippet(root: &Path) -> (PathBuf, PathBuf) {
    let book = load_book(Some(root)).expect("load the book");
    let analysis = analysis::analyze(&book);
    for chapter in &analysis.chapters {
        let yaml = chapter.expansion.inclusions.iter().find(|inclusion| {
            let extension = inclusion.target.path().extension();
            extension.is_some_and(|e| e == "yaml" || e == "yml")
        });
        if let Some(inclusion) = yaml {
            let snippet = inclusion.target.path().to_path_buf();
            return (snippet, chapter.chapter.relative.clone());
        }
    }
    panic!("no chapter of `{}` includes a YAML snippet", root.display());
}

/// Reads `path` every millisecond until it contains `marker`.
fn wait_for_text(path: &Path, marker: &str) {
    let deadline = Instant::now() + TIMEOUT;
    while Instant::now() < deadline {
        if std::fs::read_to_string(path).is_ok_and(|text| text.contains(marker)) {
            return;
        }
        std::thread::sleep(Duration::from_millis(1));
    }
    panic!(
        "`{}` did not get the edit within {TIMEOUT:?}",
        path.display()
    );
}

/// A running `netsnip watch`.
struct Watch {
    child: Child,
    stderr: Receiver<String>,
    initial: String,
}

impl Watch {
    fn start(root: &Path, out: &Path) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_netsnip"))
            .args(["watch", "--root"])
            .arg(root)
            .arg("--out")
            .arg(out)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start netsnip watch");
        let stderr = child.stderr.take().expect("piped stderr");
        let (sender, receiver) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if sender.send(line).is_err() {
                    break;
                }
            }
        });

        let mut watch = Watch {
            child,
            stderr: receiver,
            initial: String::new(),
        };
        watch.initial = watch.next_status(|line| !is_html_status(line));
        watch.next_status(is_html_status);
        watch
    }

    /// Waits for the next status line that `accept` accepts. Status lines start with
    /// `[HH:MM:SS]`.
    fn next_status(&mut self, accept: impl Fn(&str) -> bool) -> String {
        loop {
            let line = self
                .stderr
                .recv_timeout(TIMEOUT)
                .expect("netsnip watch printed no status line");
            if line.starts_with('[') && line.get(9..10) == Some("]") && accept(&line) {
                return line;
            }
        }
    }

    fn interrupt(mut self) {
        let _ = Command::new("kill")
            .args(["-INT", &self.child.id().to_string()])
            .status();
        let _ = self.child.wait();
    }
}

/// Whether a status line reports the HTML book, which is rendered after the Markdown output.
fn is_html_status(line: &str) -> bool {
    line.get(11..)
        .is_some_and(|rest| rest.starts_with("HTML book"))
}

/// Prints the last rebuild's status line and the median of the times that the status lines
/// give. That time runs from the batch of changes to the end of the Markdown writes, without
/// the debounce interval before it.
fn report_rebuilds(statuses: &[String]) {
    let mut times: Vec<u64> = statuses.iter().filter_map(|s| status_millis(s)).collect();
    times.sort_unstable();
    if let Some(last) = statuses.last() {
        println!("last rebuild: {last}");
    }
    if let (Some(median), Some(max)) = (times.get(times.len() / 2), times.last()) {
        println!(
            "rebuild with the Markdown output, from the status lines: median {median} ms, max \
             {max} ms"
        );
    }
}

/// The time at the end of a status line (`..., 1234 ms`).
fn status_millis(status: &str) -> Option<u64> {
    let rest = status.strip_suffix(" ms")?;
    let start = rest.rfind(' ')? + 1;
    rest[start..].parse().ok()
}

fn report(figure: &str, latencies: &[Duration]) {
    let mut sorted = latencies.to_vec();
    sorted.sort();
    let median = sorted[sorted.len() / 2];
    let max = sorted[sorted.len() - 1];
    println!(
        "{figure} over {} edits: median {:.1} ms, max {:.1} ms",
        latencies.len(),
        median.as_secs_f64() * 1000.0,
        max.as_secs_f64() * 1000.0,
    );
}
