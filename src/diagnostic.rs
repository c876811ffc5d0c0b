//! Findings and how they are printed.
//!
//! A [`Diagnostic`] carries a rule, a message, labelled spans in one or more source files and
//! an optional fix. Rendering is kept apart from detection so that `check`, `build`, `watch`
//! and the mdBook preprocessor print findings the same way, in any [`MessageFormat`].

use std::fmt::Write as _;
use std::ops::Range;
use std::sync::Arc;

use annotate_snippets::{AnnotationKind, Group, Level as RenderLevel, Renderer, Snippet};
use serde_json::json;

use crate::rules::Rule;
use crate::source::{Location, SourceFile};

/// How serious a finding is, after the rule levels in `book.toml` are applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Printed; fails the run only under `--deny warnings`.
    Warning,
    /// Fails the run.
    Error,
}

impl Severity {
    /// The lower-case name used in every output format.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// A span of a source file with the text printed under it.
#[derive(Debug, Clone)]
pub struct Label {
    /// The file the span is in.
    pub file: Arc<SourceFile>,
    /// Byte range within the file's text.
    pub span: Range<usize>,
    /// What the span shows; may be empty.
    pub text: String,
}

impl Label {
    /// The label's start as line and column.
    pub fn location(&self) -> Location {
        self.file.location(self.span.start)
    }
}

/// One problem found in the input.
#[derive(Debug, Clone)]
pub struct Diagnostic {
    /// The rule that found it.
    pub rule: &'static Rule,
    /// Error or warning; starts at the rule's default level.
    pub severity: Severity,
    /// The headline, naming the offending value.
    pub message: String,
    /// Labelled spans; the first is where the problem is, the rest give context.
    pub labels: Vec<Label>,
    /// What to do about it.
    pub help: Option<String>,
    /// Further facts, printed after the help.
    pub notes: Vec<String>,
}

impl Diagnostic {
    /// Starts a finding of `rule` at the rule's default severity.
    pub fn new(rule: &'static Rule, message: impl Into<String>) -> Self {
        let severity = match rule.default {
            crate::rules::Level::Warn => Severity::Warning,
            _ => Severity::Error,
        };
        Self {
            rule,
            severity,
            message: message.into(),
            labels: Vec::new(),
            help: None,
            notes: Vec::new(),
        }
    }

    /// Adds a labelled span. The first label added is the primary one.
    pub fn label(
        mut self,
        file: &Arc<SourceFile>,
        span: Range<usize>,
        text: impl Into<String>,
    ) -> Self {
        self.labels.push(Label {
            file: Arc::clone(file),
            span,
            text: text.into(),
        });
        self
    }

    /// Sets the fix shown as `help:`.
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Adds a `note:` line.
    pub fn note(mut self, note: impl Into<String>) -> Self {
        self.notes.push(note.into());
        self
    }

    /// The primary label, if the finding has a position.
    pub fn primary(&self) -> Option<&Label> {
        self.labels.first()
    }
}

/// The output formats of `check --message-format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MessageFormat {
    /// rustc-style text with the source line and a caret.
    #[default]
    Human,
    /// One JSON object per line for each finding, then a summary object.
    Json,
    /// GitHub Actions workflow commands, shown as annotations on a pull request.
    Github,
}

/// Renders one finding in the given format, ending with a newline.
pub fn render(diagnostic: &Diagnostic, format: MessageFormat, color: bool) -> String {
    match format {
        MessageFormat::Human => render_human(diagnostic, color),
        MessageFormat::Json => render_json(diagnostic) + "\n",
        MessageFormat::Github => render_github(diagnostic),
    }
}

fn render_human(diagnostic: &Diagnostic, color: bool) -> String {
    let level = match diagnostic.severity {
        Severity::Error => RenderLevel::ERROR,
        Severity::Warning => RenderLevel::WARNING,
    };

    let mut group = Group::with_title(
        level
            .primary_title(diagnostic.message.as_str())
            .id(diagnostic.rule.id),
    );
    for (file, labels) in labels_by_file(&diagnostic.labels) {
        let excerpt = excerpt(file, &labels);
        let mut snippet = Snippet::source(&file.text()[excerpt.clone()])
            .line_start(file.location(excerpt.start).line)
            .path(file.display_path())
            .fold(true);
        for (index, label) in labels {
            let kind = if index == 0 {
                AnnotationKind::Primary
            } else {
                AnnotationKind::Context
            };
            let start = label.span.start.clamp(excerpt.start, excerpt.end) - excerpt.start;
            let end = label.span.end.clamp(excerpt.start, excerpt.end) - excerpt.start;
            snippet = snippet.annotation(kind.span(start..end).label(label.text.as_str()));
        }
        group = group.element(snippet);
    }
    if let Some(help) = &diagnostic.help {
        group = group.element(RenderLevel::HELP.message(help.as_str()));
    }
    for note in &diagnostic.notes {
        group = group.element(RenderLevel::NOTE.message(note.as_str()));
    }

    let renderer = if color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    let mut text = renderer.render(&[group]);
    text.push_str("\n\n");
    text
}

/// Returns the whole lines of `file` that contain `labels`. Only they are handed to the
/// renderer, whose work grows with the text it is given, so that a thousand findings in a
/// 10 MB chapter do not each process the whole chapter.
fn excerpt(file: &SourceFile, labels: &[(usize, &Label)]) -> Range<usize> {
    let first = labels.iter().map(|(_, l)| l.span.start).min().unwrap_or(0);
    let last = labels.iter().map(|(_, l)| l.span.end).max().unwrap_or(0);
    let start = file.line_range(first).start;
    let end = file.line_range(last.max(first)).end;
    start..end.max(start)
}

/// Labels of one file, each with its index in the finding (index 0 is the primary label).
type FileLabels<'a> = (&'a Arc<SourceFile>, Vec<(usize, &'a Label)>);

/// Groups labels by file in order of first appearance, keeping each label's index so the
/// primary one stays marked as such.
fn labels_by_file(labels: &[Label]) -> Vec<FileLabels<'_>> {
    let mut groups: Vec<FileLabels<'_>> = Vec::new();
    for (index, label) in labels.iter().enumerate() {
        match groups
            .iter_mut()
            .find(|(file, _)| Arc::ptr_eq(file, &label.file))
        {
            Some((_, members)) => members.push((index, label)),
            None => groups.push((&label.file, vec![(index, label)])),
        }
    }
    groups
}

fn render_json(diagnostic: &Diagnostic) -> String {
    let labels: Vec<_> = diagnostic
        .labels
        .iter()
        .enumerate()
        .map(|(index, label)| {
            let location = label.location();
            json!({
                "file": label.file.display_path(),
                "line": location.line,
                "column": location.column,
                "primary": index == 0,
                "text": label.text,
            })
        })
        .collect();
    json!({
        "type": "finding",
        "rule": diagnostic.rule.id,
        "severity": diagnostic.severity.as_str(),
        "message": diagnostic.message,
        "labels": labels,
        "help": diagnostic.help,
        "notes": diagnostic.notes,
    })
    .to_string()
}

fn render_github(diagnostic: &Diagnostic) -> String {
    let mut message = diagnostic.message.clone();
    for label in diagnostic.labels.iter().skip(1) {
        let location = label.location();
        let _ = write!(
            message,
            "\n{}:{}:{}: {}",
            label.file.display_path(),
            location.line,
            location.column,
            label.text
        );
    }
    if let Some(help) = &diagnostic.help {
        let _ = write!(message, "\nhelp: {help}");
    }

    let command = match diagnostic.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    let position = match diagnostic.primary() {
        Some(label) => {
            let location = label.location();
            format!(
                " file={},line={},col={},",
                escape_property(label.file.display_path()),
                location.line,
                location.column
            )
        }
        None => " ".to_string(),
    };
    format!(
        "::{command}{position}title={}::{}\n",
        escape_property(diagnostic.rule.id),
        escape_data(&message)
    )
}

/// Escapes a workflow command's message as the GitHub Actions runner expects.
fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a workflow command's property value, which also reserves `:` and `,`.
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}
