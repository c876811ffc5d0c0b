//! The one-line status printed after every rebuild, and the comparison with the previous
//! findings that counts the fixed ones.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::diagnostic::Diagnostic;
use crate::files::display_path;

/// How many changed paths the status line names before it summarizes the rest.
const NAMED_CHANGES: usize = 3;

/// The HTML render that a rebuild queued.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(not(feature = "html"), allow(dead_code))]
pub enum HtmlQueued {
    /// The whole book.
    Book,
    /// The pages of this many chapters.
    Pages(usize),
}

/// The effect of a rebuild on the output folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outputs {
    /// Wrote this many Markdown files, and queued an HTML render when `html` is set.
    Written {
        markdown: usize,
        html: Option<HtmlQueued>,
    },
    /// Nothing to write: the expanded text of every rebuilt chapter is unchanged.
    Unchanged,
    /// The build failed, so the outputs of the last good build stay in place.
    Kept,
    /// The build failed, and no build of this session has written the outputs yet.
    NotWritten,
}

/// The facts of one rebuild.
#[derive(Debug, Clone)]
pub struct Status {
    /// The cause of the rebuild, as printed.
    pub trigger: String,
    /// Chapters re-expanded.
    pub rebuilt: usize,
    /// Chapters in the book.
    pub chapters: usize,
    /// Findings that are errors, plus failures such as a book that could not be loaded.
    pub errors: usize,
    /// Findings that are warnings.
    pub warnings: usize,
    /// Findings of the previous rebuild that are gone.
    pub fixed: usize,
    /// The effect on the outputs.
    pub outputs: Outputs,
    /// Wall-clock time from receiving the events to the end of the Markdown writes.
    pub elapsed: Duration,
}

impl Status {
    /// Formats the line, e.g. `[14:03:07] snippets/bond.yaml changed: rebuilt 1 of 2 chapters,
    /// 0 errors, 0 warnings (1 fixed), wrote 1 Markdown file, rendering 1 HTML page, 41 ms`.
    pub fn line(&self) -> String {
        let mut line = format!(
            "[{}] {}: rebuilt {} of {} {}, {}, {}",
            time_of_day(),
            self.trigger,
            self.rebuilt,
            self.chapters,
            plural(self.chapters, "chapter"),
            count(self.errors, "error"),
            count(self.warnings, "warning"),
        );
        if self.fixed > 0 {
            line.push_str(&format!(" ({} fixed)", self.fixed));
        }
        line.push_str(", ");
        line.push_str(&describe_outputs(&self.outputs));
        line.push_str(&format!(", {} ms", self.elapsed.as_millis()));
        line
    }
}

fn describe_outputs(outputs: &Outputs) -> String {
    match outputs {
        Outputs::Written { markdown, html } => {
            let files = count(*markdown, "Markdown file");
            match html {
                Some(HtmlQueued::Book) => format!("wrote {files}, rendering the HTML book"),
                Some(HtmlQueued::Pages(pages)) => {
                    format!("wrote {files}, rendering {}", count(*pages, "HTML page"))
                }
                None => format!("wrote {files}"),
            }
        }
        Outputs::Unchanged => "outputs unchanged".to_string(),
        Outputs::Kept => "kept the outputs of the last good build".to_string(),
        Outputs::NotWritten => "no outputs written".to_string(),
    }
}

/// Formats the local time as `HH:MM:SS`, in UTC when the system time zone is unknown.
pub(super) fn time_of_day() -> String {
    jiff::Zoned::now().strftime("%H:%M:%S").to_string()
}

/// Names the changed paths relative to the book root, e.g. `docs/a.md, snippets/b.yaml and 3
/// more changed`.
pub fn describe_changes(root: &Path, paths: &[PathBuf]) -> String {
    let mut names: Vec<String> = paths
        .iter()
        .take(NAMED_CHANGES)
        .map(|path| display_path(root, path))
        .collect();
    if paths.len() > NAMED_CHANGES {
        names.push(format!("{} more", paths.len() - NAMED_CHANGES));
    }
    let text = match names.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        Some((last, _)) => last.clone(),
        None => "nothing".to_string(),
    };
    format!("{text} changed")
}

/// The identity of a finding across rebuilds: its rule, message and primary position.
type FindingKey = (&'static str, String, Option<(String, usize)>);

/// The findings of the last rebuild, remembered to count the ones the next rebuild fixed.
#[derive(Debug, Default)]
pub struct Findings {
    previous: HashSet<FindingKey>,
}

impl Findings {
    /// Remembers `current` and returns how many of the previous findings are not among them.
    pub fn replace(&mut self, current: &[Diagnostic]) -> usize {
        let current: HashSet<FindingKey> = current.iter().map(key).collect();
        let fixed = self.previous.difference(&current).count();
        self.previous = current;
        fixed
    }
}

fn key(diagnostic: &Diagnostic) -> FindingKey {
    let primary = diagnostic
        .primary()
        .map(|label| (label.file.display_path().to_string(), label.span.start));
    (diagnostic.rule.id, diagnostic.message.clone(), primary)
}

fn count(count: usize, noun: &str) -> String {
    format!("{count} {}", plural(count, noun))
}

fn plural(count: usize, noun: &str) -> String {
    if count == 1 {
        noun.to_string()
    } else {
        format!("{noun}s")
    }
}
