//! Suppression comments: silencing a rule at one place in a chapter.
//!
//! ````markdown
//! <!-- netsnip-allow: vlan-interface-shadows-localnet -- explained in the caveat above -->
//! ```
//! !!!include(option-1.yaml)!!!
//! ```
//! ````
//!
//! The comment names one or more rule ids, separated by commas, and after ` -- ` the reason,
//! which is required so that the next reader knows why. It must be right before (only
//! whitespace between) a code block or an include directive, and it covers:
//! - findings with a label inside that code block or directive, such as shell findings or the
//!   "included from" label of a snippet finding, and
//! - findings with a label in a file that a directive there includes, such as a consistency
//!   finding that points into the included NNCP.
//!
//! NOTE: a snippet included at several places is silenced by a comment at any one of them,
//! because a finding does not record which chapter's scope produced it.

use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use pulldown_cmark::{Event, Options, Parser, Tag};

use crate::analysis::ExpandedChapter;
use crate::consistency::rules::INVALID_SUPPRESSION;
use crate::diagnostic::Diagnostic;
use crate::directive;
use crate::rules::{self, Rule};
use crate::source::SourceFile;

/// The word that starts a suppression comment.
const KEYWORD: &str = "netsnip-allow";

/// The separator between the rule ids and the reason.
const REASON_SEPARATOR: &str = "--";

/// A stretch of a Markdown file where some rules are silenced.
#[derive(Debug)]
struct Region {
    file: PathBuf,
    span: Range<usize>,
    rules: Vec<&'static Rule>,
    included: Vec<PathBuf>,
}

impl Region {
    fn covers(&self, diagnostic: &Diagnostic) -> bool {
        let silenced = self.rules.iter().any(|r| r.id == diagnostic.rule.id);
        silenced
            && diagnostic.labels.iter().any(|label| {
                let here = label.file.path() == self.file && self.span.contains(&label.span.start);
                here || self.included.iter().any(|p| p == label.file.path())
            })
    }
}

/// Drops the findings that a suppression comment silences and adds the problems with the
/// comments themselves.
pub fn apply(chapters: &[ExpandedChapter], diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    let mut regions = Vec::new();
    for file in markdown_files(chapters) {
        regions.extend(scan(file, &mut problems));
    }
    for region in &mut regions {
        region.included = included_from(chapters, region);
    }

    let mut kept: Vec<Diagnostic> = diagnostics
        .into_iter()
        .filter(|d| !regions.iter().any(|r| r.covers(d)))
        .collect();
    kept.extend(problems);
    kept
}

fn markdown_files(chapters: &[ExpandedChapter]) -> Vec<&Arc<SourceFile>> {
    let mut files: Vec<&Arc<SourceFile>> = Vec::new();
    let inclusions = chapters.iter().flat_map(|c| &c.expansion.inclusions);
    let candidates = chapters.iter().map(|c| &c.chapter.file).chain(
        inclusions
            .map(|i| &i.target)
            .filter(|t| is_markdown(t.path())),
    );
    for file in candidates {
        if !files.iter().any(|f| f.path() == file.path()) {
            files.push(file);
        }
    }
    files
}

fn is_markdown(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("md") || e.eq_ignore_ascii_case("markdown"))
}

fn included_from(chapters: &[ExpandedChapter], region: &Region) -> Vec<PathBuf> {
    chapters
        .iter()
        .flat_map(|c| &c.expansion.inclusions)
        .filter(|i| i.from.path() == region.file && region.span.contains(&i.directive.start))
        .map(|i| i.target.path().to_path_buf())
        .collect()
}

/// Finds the suppression comments of one file.
fn scan(file: &Arc<SourceFile>, problems: &mut Vec<Diagnostic>) -> Vec<Region> {
    let text = file.text();
    if !text.contains(KEYWORD) {
        return Vec::new();
    }
    let targets = targets(text);
    let mut regions = Vec::new();
    for comment in comments(text) {
        let Some(parsed) = parse(file, comment.clone(), problems) else {
            continue;
        };
        match target_after(text, comment.end, &targets) {
            Some(span) => regions.push(Region {
                file: file.path().to_path_buf(),
                span,
                rules: parsed,
                included: Vec::new(),
            }),
            None => problems.push(misplaced(file, comment)),
        }
    }
    regions
}

/// The byte ranges of the HTML comments outside code, from `<!--` to `-->` inclusive.
fn comments(text: &str) -> Vec<Range<usize>> {
    let mut found = Vec::new();
    let parser = Parser::new_ext(text, Options::ENABLE_TABLES).into_offset_iter();
    for (event, range) in parser {
        let is_html = matches!(event, Event::Start(Tag::HtmlBlock) | Event::InlineHtml(_));
        if !is_html {
            continue;
        }
        let mut from = range.start;
        while let Some(start) = text[from..range.end].find("<!--").map(|i| from + i) {
            let Some(end) = text[start + 4..].find("-->").map(|i| start + 4 + i + 3) else {
                break;
            };
            found.push(start..end);
            from = end.min(range.end);
        }
    }
    found
}

/// The code blocks and include directives of a file, which a comment may precede.
fn targets(text: &str) -> Vec<Range<usize>> {
    let mut targets: Vec<Range<usize>> = directive::scan(text)
        .directives
        .into_iter()
        .map(|d| d.span)
        .collect();
    let parser = Parser::new_ext(text, Options::ENABLE_TABLES).into_offset_iter();
    for (event, range) in parser {
        if let Event::Start(Tag::CodeBlock(_)) = event {
            targets.push(range);
        }
    }
    targets
}

/// The target that starts right after `end`, with only whitespace between. A code block wins
/// over a directive inside it.
fn target_after(text: &str, end: usize, targets: &[Range<usize>]) -> Option<Range<usize>> {
    targets
        .iter()
        .filter(|t| t.start >= end && text[end..t.start].trim().is_empty())
        .max_by_key(|t| t.len())
        .cloned()
}

/// Parses one comment. Returns `None` when it is not a suppression comment or is invalid.
fn parse(
    file: &Arc<SourceFile>,
    comment: Range<usize>,
    problems: &mut Vec<Diagnostic>,
) -> Option<Vec<&'static Rule>> {
    let text = file.text();
    let inner_start = comment.start + 4;
    let inner = &text[inner_start..comment.end - 3];
    let keyword_at = inner.len() - inner.trim_start().len();
    if !inner.trim_start().starts_with(KEYWORD) {
        return None;
    }

    let after_keyword = inner_start + keyword_at + KEYWORD.len();
    let rest = &text[after_keyword..comment.end - 3];
    let Some(rest) = rest.trim_start().strip_prefix(':') else {
        problems.push(malformed(
            file,
            comment,
            "expected `:` after `netsnip-allow`",
        ));
        return None;
    };
    let rest_start = comment.end - 3 - rest.len();
    let (ids, reason) = match rest.find(REASON_SEPARATOR) {
        Some(at) => (&rest[..at], rest[at + REASON_SEPARATOR.len()..].trim()),
        None => (rest, ""),
    };
    let rules = parse_ids(file, rest_start, ids, problems)?;
    if reason.is_empty() {
        problems.push(malformed(file, comment, "the comment gives no reason"));
        return None;
    }
    Some(rules)
}

fn parse_ids(
    file: &Arc<SourceFile>,
    start: usize,
    ids: &str,
    problems: &mut Vec<Diagnostic>,
) -> Option<Vec<&'static Rule>> {
    let mut rules = Vec::new();
    let mut valid = true;
    let mut offset = start;
    for part in ids.split(',') {
        let id = part.trim();
        let id_start = offset + (part.len() - part.trim_start().len());
        offset += part.len() + 1;
        if id.is_empty() {
            continue;
        }
        match rules::find(id) {
            Some(rule) => rules.push(rule),
            None => {
                problems.push(unknown_rule(file, id_start..id_start + id.len(), id));
                valid = false;
            }
        }
    }
    if rules.is_empty() && valid {
        let span = start..start + ids.len();
        problems.push(
            Diagnostic::new(&INVALID_SUPPRESSION, "suppression comment names no rule")
                .label(file, span, "expected a rule id here")
                .help("write `<!-- netsnip-allow: RULE-ID -- reason -->`; `netsnip rules` lists the ids"),
        );
        return None;
    }
    valid.then_some(rules)
}

fn unknown_rule(file: &Arc<SourceFile>, span: Range<usize>, id: &str) -> Diagnostic {
    let closest = rules::all().min_by_key(|rule| strsim::levenshtein(rule.id, id));
    let help = match closest {
        Some(rule) if strsim::levenshtein(rule.id, id) <= 3 => {
            format!("did you mean `{}`?", rule.id)
        }
        _ => "`netsnip rules` lists the rule ids".to_string(),
    };
    Diagnostic::new(
        &INVALID_SUPPRESSION,
        format!("unknown rule `{id}` in suppression comment"),
    )
    .label(file, span, "no rule has this id")
    .help(help)
}

fn malformed(file: &Arc<SourceFile>, comment: Range<usize>, problem: &str) -> Diagnostic {
    Diagnostic::new(
        &INVALID_SUPPRESSION,
        format!("invalid suppression comment: {problem}"),
    )
    .label(file, comment, problem.to_string())
    .help("write `<!-- netsnip-allow: RULE-ID -- reason -->`, with the reason after ` -- `")
}

fn misplaced(file: &Arc<SourceFile>, comment: Range<usize>) -> Diagnostic {
    Diagnostic::new(
        &INVALID_SUPPRESSION,
        "suppression comment is not right before a directive or code block",
    )
    .label(file, comment, "silences nothing here")
    .help("move the comment to the line right before the code block or `!!!include(...)!!!` it is about")
}
