//! Scanning Markdown for `!!!include(PATH)!!!` directives.
//!
//! The grammar is markdown-it-include's: `!!!`, optional spaces, the keyword `include` in any
//! letter case, optional spaces, `(`, the path (trimmed), `)`, optional spaces, `!!!`, all on
//! one line. Directives count everywhere, fenced code blocks included, except inside an inline
//! code span and after a backslash, so that a page can show the syntax itself.
//!
//! pulldown-cmark supplies the byte ranges of code spans and fenced code blocks; the
//! directives themselves are matched in the original text, so every offset here is an offset
//! into the file as the author wrote it.

use std::ops::Range;

use pulldown_cmark::{CodeBlockKind, Event, Options, Parser, Tag};

/// The marker that opens and closes a directive.
const MARKER: &str = "!!!";

/// The keyword after the opening marker, matched without regard to letter case.
const KEYWORD: &str = "include";

/// A well-formed directive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Directive {
    /// From the opening `!!!` to the closing `!!!`, inclusive.
    pub span: Range<usize>,
    /// The path, trimmed.
    pub path: String,
    /// Where the trimmed path is.
    pub path_span: Range<usize>,
}

/// Something that starts like a directive but does not follow the grammar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Malformed {
    /// From the opening `!!!` to the end of what was read.
    pub span: Range<usize>,
    /// What is missing or wrong.
    pub problem: &'static str,
}

/// A fenced code block, as needed to retag or lengthen its fences.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fence {
    /// The whole block, both fences included.
    pub span: Range<usize>,
    /// The run of backticks or tildes that opens the block.
    pub opening: Range<usize>,
    /// The info string after the opening fence, trimmed; empty when there is none.
    pub info: String,
    /// The run of fence characters that closes the block, if the block is closed.
    pub closing: Option<Range<usize>>,
    /// `` ` `` or `~`.
    pub marker: char,
}

impl Fence {
    /// The number of fence characters that open the block.
    pub fn width(&self) -> usize {
        self.opening.len()
    }
}

/// Everything found in one Markdown file.
#[derive(Debug, Default)]
pub struct Scan {
    /// Directives in the order they appear.
    pub directives: Vec<Directive>,
    /// Directive-like text that does not parse.
    pub malformed: Vec<Malformed>,
    /// Fenced code blocks that hold at least one directive.
    pub fences: Vec<Fence>,
}

/// Scans `text` for directives.
pub fn scan(text: &str) -> Scan {
    if !text.contains(MARKER) {
        return Scan::default();
    }

    let (code_spans, fences) = markdown_ranges(text);
    let mut scan = Scan::default();
    let mut from = 0;
    while let Some(found) = text[from..].find(MARKER) {
        let start = from + found;
        from = start + 1;
        if is_escaped(text, start) || inside_any(&code_spans, start) {
            continue;
        }
        match parse_at(text, start) {
            Some(Ok(directive)) => {
                from = directive.span.end;
                scan.directives.push(directive);
            }
            Some(Err(malformed)) => {
                from = malformed.span.end.max(from);
                scan.malformed.push(malformed);
            }
            None => {}
        }
    }

    scan.fences = fences
        .into_iter()
        .filter(|fence| {
            scan.directives
                .iter()
                .any(|d| fence.span.contains(&d.span.start))
        })
        .collect();
    scan
}

/// Collects the byte ranges of inline code spans and of fenced code blocks.
fn markdown_ranges(text: &str) -> (Vec<Range<usize>>, Vec<Fence>) {
    let mut code_spans = Vec::new();
    let mut fences = Vec::new();
    let parser = Parser::new_ext(text, Options::empty()).into_offset_iter();
    for (event, range) in parser {
        match event {
            Event::Code(_) => code_spans.push(range),
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info))) => {
                if let Some(fence) = fence_at(text, range, &info) {
                    fences.push(fence);
                }
            }
            _ => {}
        }
    }
    (code_spans, fences)
}

/// Reads the opening and closing fence runs of a fenced block that pulldown-cmark found.
fn fence_at(text: &str, span: Range<usize>, info: &str) -> Option<Fence> {
    let block = &text[span.clone()];
    let indent = block.len() - block.trim_start_matches(' ').len();
    let marker = block[indent..].chars().next()?;
    let width = block[indent..].len() - block[indent..].trim_start_matches(marker).len();
    let opening = span.start + indent..span.start + indent + width;

    // The closing fence is the last line of the span when it is a run of the same character
    // at least as wide as the opening one.
    let body = block.trim_end_matches(['\n', '\r']);
    let last_line_start = body.rfind('\n').map_or(0, |i| i + 1);
    let last_line = &body[last_line_start..];
    let run_start = last_line.len() - last_line.trim_start_matches(' ').len();
    let run = last_line[run_start..].trim_end();
    let closes = last_line_start > 0 && run.len() >= width && run.chars().all(|c| c == marker);
    let closing = closes.then(|| {
        let start = span.start + last_line_start + run_start;
        start..start + run.len()
    });

    Some(Fence {
        span,
        opening,
        info: info.trim().to_string(),
        closing,
        marker,
    })
}

fn is_escaped(text: &str, start: usize) -> bool {
    let backslashes = text[..start]
        .bytes()
        .rev()
        .take_while(|&b| b == b'\\')
        .count();
    backslashes % 2 == 1
}

fn inside_any(ranges: &[Range<usize>], offset: usize) -> bool {
    let index = ranges.partition_point(|range| range.end <= offset);
    ranges
        .get(index)
        .is_some_and(|range| range.contains(&offset))
}

/// Parses the directive that starts at `start`. Returns `None` when the text there is not
/// an attempt at a directive at all (three exclamation marks followed by something else).
fn parse_at(text: &str, start: usize) -> Option<Result<Directive, Malformed>> {
    let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    let line = &text[start..line_end];
    let mut cursor = Cursor {
        line,
        at: MARKER.len(),
    };

    cursor.skip_spaces();
    if !cursor.eat_keyword() {
        return None;
    }
    let malformed = |problem| {
        Some(Err(Malformed {
            span: start..line_end.max(start + MARKER.len()),
            problem,
        }))
    };

    cursor.skip_spaces();
    if !cursor.eat("(") {
        return malformed("expected `(` after `include`");
    }
    let Some(close) = closing_parenthesis(&line[cursor.at..]) else {
        return malformed("the directive has no closing `)!!!` on this line");
    };
    let inner = &line[cursor.at..cursor.at + close.parenthesis];
    let path = inner.trim();
    if path.is_empty() {
        return malformed("the directive names no file");
    }

    let path_start = start + cursor.at + (inner.len() - inner.trim_start().len());
    Some(Ok(Directive {
        span: start..start + cursor.at + close.end,
        path: path.to_string(),
        path_span: path_start..path_start + path.len(),
    }))
}

/// Where the path ends and the directive ends, relative to the text after `(`.
struct Closing {
    parenthesis: usize,
    end: usize,
}

/// Finds the first `)` that is followed by optional spaces and `!!!`.
fn closing_parenthesis(rest: &str) -> Option<Closing> {
    rest.match_indices(')').find_map(|(index, _)| {
        let after = &rest[index + 1..];
        let spaces = after.len() - after.trim_start_matches([' ', '\t']).len();
        after[spaces..].starts_with(MARKER).then_some(Closing {
            parenthesis: index,
            end: index + 1 + spaces + MARKER.len(),
        })
    })
}

struct Cursor<'a> {
    line: &'a str,
    at: usize,
}

impl Cursor<'_> {
    fn skip_spaces(&mut self) {
        let rest = &self.line[self.at..];
        self.at += rest.len() - rest.trim_start_matches([' ', '\t']).len();
    }

    fn eat(&mut self, token: &str) -> bool {
        let found = self.line[self.at..].starts_with(token);
        if found {
            self.at += token.len();
        }
        found
    }

    fn eat_keyword(&mut self) -> bool {
        let found = self
            .line
            .get(self.at..self.at + KEYWORD.len())
            .is_some_and(|word| word.eq_ignore_ascii_case(KEYWORD));
        if found {
            self.at += KEYWORD.len();
        }
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paths(text: &str) -> Vec<String> {
        scan(text).directives.into_iter().map(|d| d.path).collect()
    }

    #[test]
    fn grammar_allows_spaces_and_any_case() {
        assert_eq!(paths("!!! INCLUDE ( a b.yaml ) !!!"), ["a b.yaml"]);
        assert_eq!(paths("x !!!include(a)!!! y !!!Include(b)!!!"), ["a", "b"]);
    }

    #[test]
    fn code_spans_and_escapes_are_skipped() {
        assert!(paths("`!!!include(a)!!!`").is_empty());
        assert!(paths("\\!!!include(a)!!!").is_empty());
        assert_eq!(paths("\\\\!!!include(a)!!!"), ["a"]);
    }

    #[test]
    fn directives_expand_inside_fences() {
        let found = scan("```\n!!!include(a.yaml)!!!\n```\n");
        assert_eq!(found.directives.len(), 1);
        assert_eq!(found.fences.len(), 1);
        assert_eq!(found.fences[0].closing, Some(26..29));
    }

    #[test]
    fn unclosed_directive_is_malformed() {
        let found = scan("!!!include(a.yaml\nmore)!!!");
        assert!(found.directives.is_empty());
        assert_eq!(found.malformed.len(), 1);
        assert_eq!(found.malformed[0].span, 0..17);
    }

    #[test]
    fn plain_exclamations_are_not_directives() {
        let found = scan("Wow!!! Great!!!");
        assert!(found.directives.is_empty());
        assert!(found.malformed.is_empty());
    }
}
