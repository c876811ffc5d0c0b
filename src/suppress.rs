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
//! whitespace and other comments between) a Markdown block: a paragraph, heading, list, list
//! item, table, block quote, HTML block, code block or include directive. It silences the
//! findings of those rules whose primary label is
//! - inside that block, such as a prose finding in a paragraph or a shell finding in a code
//!   block, or
//! - in a file that a directive inside the block includes, directly or through included
//!   Markdown, such as a snippet finding or a consistency finding that points into the NNCP.
//!
//! The rules of failed directives (`DIRECTIVE_RULES`) cannot be silenced, just as `book.toml`
//! cannot lower them: a failed directive stays in the output as written. A comment that names
//! one is invalid, and [`apply`] keeps their findings whatever the comments say.
//!
//! NOTE: a snippet included at several places is silenced by a comment at any one of them,
//! because a finding does not record which chapter's scope produced it.

use std::collections::HashSet;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use pulldown_cmark::{Event, Options, Parser, Tag};

use crate::analysis::ExpandedChapter;
use crate::consistency::rules::INVALID_SUPPRESSION;
use crate::diagnostic::Diagnostic;
use crate::directive;
use crate::expand::rules::DIRECTIVE_RULES;
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
        if is_directive_rule(diagnostic.rule) {
            return false;
        }
        let silenced = self.rules.iter().any(|r| r.id == diagnostic.rule.id);
        let Some(primary) = diagnostic.labels.first() else {
            return false;
        };
        let here = primary.file.path() == self.file && self.span.contains(&primary.span.start);
        silenced && (here || self.included.iter().any(|p| p == primary.file.path()))
    }
}

/// Drops the findings that a suppression comment silences and adds the problems with the
/// comments themselves.
pub fn apply(chapters: &[ExpandedChapter], diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    let mut regions = Vec::new();
    for file in files_with_comments(chapters) {
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

/// Returns the Markdown files of `chapters` that contain a suppression comment: the chapters first, then
/// the Markdown files they include, each once.
fn files_with_comments(chapters: &[ExpandedChapter]) -> Vec<&Arc<SourceFile>> {
    let included = chapters
        .iter()
        .flat_map(|c| c.expansion.markdown.iter().skip(1).map(|m| &m.file));
    let candidates = chapters.iter().map(|c| &c.chapter.file).chain(included);

    // Few files hold a comment, so testing for the keyword first keeps the set small.
    let keyword = memchr::memmem::Finder::new(KEYWORD);
    let mut seen: HashSet<&Path> = HashSet::new();
    candidates
        .filter(|file| keyword.find(file.text().as_bytes()).is_some())
        .filter(|file| seen.insert(file.path()))
        .collect()
}

/// The files that directives inside the region include, and the files those include in turn.
fn included_from(chapters: &[ExpandedChapter], region: &Region) -> Vec<PathBuf> {
    let inclusions: Vec<_> = chapters
        .iter()
        .flat_map(|c| &c.expansion.inclusions)
        .collect();
    let mut included: Vec<PathBuf> = inclusions
        .iter()
        .filter(|i| i.from.path() == region.file && region.span.contains(&i.directive.start))
        .map(|i| i.target.path().to_path_buf())
        .collect();

    let mut next = 0;
    while next < included.len() {
        let from = included[next].clone();
        for inclusion in inclusions.iter().filter(|i| i.from.path() == from) {
            let target = inclusion.target.path();
            if !included.iter().any(|p| p == target) {
                included.push(target.to_path_buf());
            }
        }
        next += 1;
    }
    included
}

/// Finds the suppression comments of one file.
fn scan(file: &Arc<SourceFile>, problems: &mut Vec<Diagnostic>) -> Vec<Region> {
    let text = file.text();
    if !text.contains(KEYWORD) {
        return Vec::new();
    }
    let blocks = blocks(text);
    let comments = comments(text);
    let mut regions = Vec::new();
    for comment in &comments {
        let Some(parsed) = parse(file, comment.clone(), problems) else {
            continue;
        };
        match block_after(text, comment.end, &comments, &blocks) {
            Some(span) => regions.push(Region {
                file: file.path().to_path_buf(),
                span,
                rules: parsed,
                included: Vec::new(),
            }),
            None => problems.push(misplaced(file, comment.clone())),
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

/// The Markdown blocks and include directives of a file, which a comment may precede.
fn blocks(text: &str) -> Vec<Range<usize>> {
    let mut blocks: Vec<Range<usize>> = directive::scan(text)
        .directives
        .into_iter()
        .map(|d| d.span)
        .collect();
    let mut open: Vec<(bool, Range<usize>)> = Vec::new();
    let parser = Parser::new_ext(text, Options::ENABLE_TABLES).into_offset_iter();
    for (event, range) in parser {
        match event {
            Event::Start(tag) if is_block(&tag) => {
                blocks.push(range.clone());
                open.push((matches!(tag, Tag::Item), range));
            }
            Event::Start(_) => {
                blocks.extend(tight_item_rest(open.last(), &range));
                open.push((false, range));
            }
            Event::End(_) => {
                open.pop();
            }
            _ => blocks.extend(tight_item_rest(open.last(), &range)),
        }
    }
    blocks
}

fn is_block(tag: &Tag<'_>) -> bool {
    matches!(
        tag,
        Tag::Paragraph
            | Tag::Heading { .. }
            | Tag::BlockQuote(_)
            | Tag::CodeBlock(_)
            | Tag::HtmlBlock
            | Tag::List(_)
            | Tag::Item
            | Tag::Table(_)
            | Tag::FootnoteDefinition(_)
    )
}

/// The text of a tight list item has no paragraph of its own, so inline content right inside
/// an item starts a block that runs to the item's end.
fn tight_item_rest(
    parent: Option<&(bool, Range<usize>)>,
    inline: &Range<usize>,
) -> Option<Range<usize>> {
    let (is_item, item) = parent?;
    (*is_item && inline.start > item.start).then_some(inline.start..item.end)
}

/// The block that starts right after `end`, with only whitespace and other comments between.
/// The largest block starting there wins: a list over its first item, a code block over a
/// directive inside it.
fn block_after(
    text: &str,
    end: usize,
    comments: &[Range<usize>],
    blocks: &[Range<usize>],
) -> Option<Range<usize>> {
    let mut start = end;
    loop {
        start += text[start..].len() - text[start..].trim_start().len();
        match comments.iter().find(|c| c.start == start) {
            Some(comment) => start = comment.end,
            None => break,
        }
    }
    blocks
        .iter()
        .filter(|b| b.start == start && b.end > start)
        .max_by_key(|b| b.len())
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
        let span = id_start..id_start + id.len();
        match rules::find(id) {
            Some(rule) if is_directive_rule(rule) => {
                problems.push(unsilenceable(file, span, id));
                valid = false;
            }
            Some(rule) => rules.push(rule),
            None => {
                problems.push(unknown_rule(file, span, id));
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

fn is_directive_rule(rule: &Rule) -> bool {
    DIRECTIVE_RULES.iter().any(|fixed| fixed.id == rule.id)
}

fn unsilenceable(file: &Arc<SourceFile>, span: Range<usize>, id: &str) -> Diagnostic {
    Diagnostic::new(
        &INVALID_SUPPRESSION,
        format!("rule `{id}` cannot be silenced by a suppression comment"),
    )
    .label(file, span, "a failed directive's rule")
    .help(
        "a chapter with a failed directive can never be published, because the directive stays \
         in the output as written; fix the directive and remove this id from the comment",
    )
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
        "suppression comment is followed by no Markdown block",
    )
    .label(file, comment, "silences nothing here")
    .help("put the comment on the line right before the paragraph, list, table, heading, code block or `!!!include(...)!!!` it is about")
}
