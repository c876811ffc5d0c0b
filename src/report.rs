//! The message layer: prints findings as they are handed over, remembers how many of each
//! severity there were, and chooses the exit code only after everything has been reported.

use std::io::{self, IsTerminal, Write};
use std::process::ExitCode;

use serde_json::json;

use crate::analysis::Summary;
use crate::diagnostic::{self, Diagnostic, MessageFormat, Severity};

/// Exit code of a run whose input is clean.
pub const EXIT_CLEAN: u8 = 0;
/// Exit code of a run that found problems in the input.
pub const EXIT_FINDINGS: u8 = 1;
/// Exit code of a command that could not run.
pub const EXIT_FAILURE: u8 = 2;

/// Prints findings and decides the exit code.
pub struct Reporter {
    format: MessageFormat,
    color: bool,
    deny_warnings: bool,
    errors: usize,
    warnings: usize,
    sink: Box<dyn Write + Send>,
}

impl std::fmt::Debug for Reporter {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("Reporter")
            .field("errors", &self.errors)
            .field("warnings", &self.warnings)
            .finish_non_exhaustive()
    }
}

impl Reporter {
    /// A reporter that writes human text to stderr, and JSON or workflow commands to stdout
    /// where CI reads them.
    pub fn new(format: MessageFormat, deny_warnings: bool) -> Self {
        let (sink, color): (Box<dyn Write + Send>, bool) = match format {
            MessageFormat::Human => {
                let color = io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
                (Box::new(io::stderr()), color)
            }
            MessageFormat::Json | MessageFormat::Github => (Box::new(io::stdout()), false),
        };
        Self::with_sink(format, deny_warnings, sink, color)
    }

    /// A reporter that writes to `sink`.
    pub fn with_sink(
        format: MessageFormat,
        deny_warnings: bool,
        sink: Box<dyn Write + Send>,
        color: bool,
    ) -> Self {
        Self {
            format,
            color,
            deny_warnings,
            errors: 0,
            warnings: 0,
            sink,
        }
    }

    /// Prints one finding and counts it.
    pub fn report(&mut self, diagnostic: &Diagnostic) {
        match diagnostic.severity {
            Severity::Error => self.errors += 1,
            Severity::Warning => self.warnings += 1,
        }
        let text = diagnostic::render(diagnostic, self.format, self.color);
        // A closed pipe (`netsnip check | head`) must not turn into a panic or an error exit.
        let _ = self.sink.write_all(text.as_bytes());
    }

    /// Prints every finding of a run, sorted by file and position.
    pub fn report_all(&mut self, diagnostics: &[Diagnostic]) {
        let mut sorted: Vec<&Diagnostic> = diagnostics.iter().collect();
        sorted.sort_by_cached_key(|d| {
            d.primary()
                .map(|label| (label.file.display_path().to_string(), label.span.start))
        });
        for diagnostic in sorted {
            self.report(diagnostic);
        }
    }

    /// Prints the closing summary: a line of text, or a JSON object in JSON mode.
    pub fn summarize(&mut self, verb: &str, summary: &Summary) {
        self.summarize_with_outcome(verb, summary, None);
    }

    /// Prints the closing summary with `outcome` after the counts, such as `no output written`.
    /// The line says when `--deny warnings` turned the warnings into a failure, and the JSON
    /// object carries `"failed"`, so a run that exits 1 always says why.
    pub fn summarize_with_outcome(&mut self, verb: &str, summary: &Summary, outcome: Option<&str>) {
        let text = match self.format {
            MessageFormat::Json => summary_json(summary, self.failed()) + "\n",
            MessageFormat::Human | MessageFormat::Github => {
                let mut line = summary_line(verb, summary);
                if self.deny_warnings && summary.warnings > 0 {
                    line.push_str(" (denied by --deny warnings)");
                }
                if let Some(outcome) = outcome {
                    line.push_str("; ");
                    line.push_str(outcome);
                }
                line + "\n"
            }
        };
        let _ = match self.format {
            MessageFormat::Human | MessageFormat::Json => self.sink.write_all(text.as_bytes()),
            MessageFormat::Github => io::stderr().write_all(text.as_bytes()),
        };
        let _ = self.sink.flush();
    }

    /// Whether the findings so far fail the run.
    pub fn failed(&self) -> bool {
        self.errors > 0 || (self.deny_warnings && self.warnings > 0)
    }

    /// The exit code for the findings reported so far.
    pub fn exit_code(&self) -> ExitCode {
        ExitCode::from(if self.failed() {
            EXIT_FINDINGS
        } else {
            EXIT_CLEAN
        })
    }
}

/// The summary as one line, e.g. `checked 2 chapters, 4 directives, 4 documents (…): 0 errors,
/// 1 warning`.
pub fn summary_line(verb: &str, summary: &Summary) -> String {
    let mut kinds: Vec<String> = summary
        .validated
        .iter()
        .map(|(kind, count)| format!("{count} {kind}"))
        .collect();
    let not_validated: usize = summary.not_validated.values().sum();
    if not_validated > 0 {
        let names: Vec<&str> = summary.not_validated.keys().map(String::as_str).collect();
        kinds.push(format!(
            "{not_validated} not validated ({})",
            names.join(", ")
        ));
    }
    let documents = summary.validated.values().sum::<usize>() + not_validated;
    format!(
        "{verb} {} {}, {} {}, {documents} snippet {} ({}): {} {}, {} {}",
        summary.chapters,
        plural(summary.chapters, "chapter"),
        summary.directives,
        plural(summary.directives, "directive"),
        plural(documents, "document"),
        if kinds.is_empty() {
            "none".to_string()
        } else {
            kinds.join(", ")
        },
        summary.errors,
        plural(summary.errors, "error"),
        summary.warnings,
        plural(summary.warnings, "warning"),
    )
}

fn summary_json(summary: &Summary, failed: bool) -> String {
    json!({
        "type": "summary",
        "failed": failed,
        "chapters": summary.chapters,
        "directives": summary.directives,
        "validated": summary.validated,
        "not_validated": summary.not_validated,
        "errors": summary.errors,
        "warnings": summary.warnings,
    })
    .to_string()
}

fn plural(count: usize, noun: &str) -> String {
    if count == 1 {
        noun.to_string()
    } else {
        format!("{noun}s")
    }
}
