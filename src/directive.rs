//! Scanning Markdown for `!!!include(PATH)!!!` directives.
//!
//! The grammar is markdown-it-include's: `!!!`, optional spaces, the keyword `include` in any
//! letter case, optional spaces, `(`, the path (trimmed), `)`, optional spaces, `!!!`, all on
//! one line. Directives count everywhere, fenced code blocks included, except inside an inline
//! code span and after a backslash, so that a page can show the syntax itself.
//!
//! [`crate::markdown`] supplies the byte ranges of code spans and fenced code blocks; the
//! directives themselves are matched in the original text, so every offset here is an offset
//! into the file as the author wrote it.

use std::ops::Range;

use crate::markdown::{self, FencedBlock, Outline};

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
    /// The indices into [`Scan::directives`] of the directives inside the block.
    pub directives: Range<usize>,
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

/// Scans `text` for directives, parsing it first. The expander parses each file once for
/// several readers and calls [`scan_outlined`] instead.
pub fn scan(text: &str) -> Scan {
    if !text.contains(MARKER) {
        return Scan::default();
    }
    scan_outlined(text, &markdown::outline(text))
}

/// Scans `text` for directives, skipping the code spans that `outline` found in it.
pub fn scan_outlined(text: &str, outline: &Outline) -> Scan {
    let mut scan = Scan::default();
    let marker = memchr::memmem::Finder::new(MARKER);
    let mut from = 0;
    while let Some(found) = marker.find(&text.as_bytes()[from..]) {
        let start = from + found;
        from = start + 1;
        if is_escaped(text, start) || inside_any(&outline.code_spans, start) {
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

    scan.fences = fences_with_directives(text, &outline.fenced_blocks, &scan.directives);
    scan
}

/// Keeps the fences that hold a directive and records which ones. Both lists are sorted by
/// offset and fenced blocks never overlap, so one pass over each suffices.
fn fences_with_directives(
    text: &str,
    blocks: &[FencedBlock],
    directives: &[Directive],
) -> Vec<Fence> {
    let mut kept = Vec::new();
    let mut next = 0;
    for block in blocks {
        while next < directives.len() && directives[next].span.start < block.span.start {
            next += 1;
        }

        let first = next;
        while next < directives.len() && block.span.contains(&directives[next].span.start) {
            next += 1;
        }
        if next > first
            && let Some(mut fence) = fence_at(text, block)
        {
            fence.directives = first..next;
            kept.push(fence);
        }
    }
    kept
}

/// Reads the opening and closing fence runs of a fenced block that the parser found.
fn fence_at(text: &str, fenced: &FencedBlock) -> Option<Fence> {
    let span = fenced.span.clone();
    let block = &text[span.clone()];
    let indent = block.len() - block.trim_start_matches(' ').len();
    let marker = block[indent..].chars().next()?;
    let width = block[indent..].len() - block[indent..].trim_start_matches(marker).len();
    let opening = span.start + indent..span.start + indent + width;

    // The closing fence is the only run of fence characters after the content. Only white
    // space and container markers (`>` of a block quote) can precede it on its line.
    let after_opening = text[opening.end..span.end]
        .find('\n')
        .map_or(span.end, |i| opening.end + i + 1);
    let tail_start = fenced
        .content_end
        .unwrap_or(after_opening)
        .max(after_opening);
    let tail = &text[tail_start..span.end];
    let closing = tail.find(marker).and_then(|run_start| {
        let run = tail[run_start..].len() - tail[run_start..].trim_start_matches(marker).len();
        let start = tail_start + run_start;
        (run >= width).then_some(start..start + run)
    });

    Some(Fence {
        span,
        opening,
        info: fenced.info.trim().to_string(),
        closing,
        marker,
        directives: 0..0,
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
/// an attempt at a directive at all. That is `!!!` not followed by the keyword as a whole word,
/// or the keyword followed by neither `(` nor a closing `!!!` on the line, as in "Wow!!!
/// Include the NAD too."
///
/// The work done is bounded by the directive's own length, or by the rest of the line when
/// the directive is malformed (the scan then resumes after that line), so a long line with
/// many markers is scanned in linear time.
fn parse_at(text: &str, start: usize) -> Option<Result<Directive, Malformed>> {
    let mut cursor = Cursor {
        text,
        at: start + MARKER.len(),
    };
    let odd_space_before = cursor.skip_spaces();
    if !cursor.eat_keyword() || cursor.peek().is_some_and(char::is_alphanumeric) {
        return None;
    }
    let malformed = |problem| {
        Some(Err(Malformed {
            span: start..line_end(text, start),
            problem,
        }))
    };

    let odd_space_after = cursor.skip_spaces();
    if !cursor.eat("(") {
        let rest = &text[cursor.at..line_end(text, cursor.at)];
        if rest.contains(MARKER) {
            return malformed("expected `(` after `include`");
        }
        return None;
    }
    if odd_space_before || odd_space_after {
        return malformed(
            "a space-like character that is not a plain space or tab separates the parts",
        );
    }
    let Some(close) = closing_parenthesis(&text[cursor.at..]) else {
        return malformed("the directive has no closing `)!!!` on this line");
    };
    let inner = &text[cursor.at..cursor.at + close.parenthesis];
    let path = inner.trim();
    if path.is_empty() {
        return malformed("the directive names no file");
    }

    let path_start = cursor.at + (inner.len() - inner.trim_start().len());
    Some(Ok(Directive {
        span: start..cursor.at + close.end,
        path: path.to_string(),
        path_span: path_start..path_start + path.len(),
    }))
}

/// Returns the end of the line that contains `offset`, before its `\n` or `\r\n`.
fn line_end(text: &str, offset: usize) -> usize {
    let end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
    if end > offset && text.as_bytes()[end - 1] == b'\r' {
        end - 1
    } else {
        end
    }
}

/// Where the path ends and the directive ends, relative to the text after `(`.
struct Closing {
    parenthesis: usize,
    end: usize,
}

/// Finds the first `)` on the line that is followed by optional spaces and `!!!`.
fn closing_parenthesis(rest: &str) -> Option<Closing> {
    for (index, &byte) in rest.as_bytes().iter().enumerate() {
        if byte == b'\n' {
            return None;
        }
        if byte != b')' {
            continue;
        }
        let after = &rest[index + 1..];
        let spaces = after.len() - after.trim_start_matches([' ', '\t']).len();
        if after[spaces..].starts_with(MARKER) {
            return Some(Closing {
                parenthesis: index,
                end: index + 1 + spaces + MARKER.len(),
            });
        }
    }
    None
}

struct Cursor<'a> {
    text: &'a str,
    at: usize,
}

impl Cursor<'_> {
    /// Skips white space within the line and returns whether any of it was something other
    /// than a space or a tab, such as a no-break space.
    fn skip_spaces(&mut self) -> bool {
        let rest = &self.text[self.at..];
        let skipped = rest.len()
            - rest
                .trim_start_matches(|c: char| c.is_whitespace() && c != '\n' && c != '\r')
                .len();
        let odd = rest[..skipped].chars().any(|c| c != ' ' && c != '\t');
        self.at += skipped;
        odd
    }

    fn peek(&self) -> Option<char> {
        self.text[self.at..].chars().next()
    }

    fn eat(&mut self, token: &str) -> bool {
        let found = self.text[self.at..].starts_with(token);
        if found {
            self.at += token.len();
        }
        found
    }

    fn eat_keyword(&mut self) -> bool {
        let found = self
            .text
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
    fn closing_fence_found_inside_block_quote() {
        let text = "> ```\n> !!!include(a.yaml)!!!\n> ```\n";
        let found = scan(text);
        let closing = found.fences[0].closing.clone().expect("closed");
        assert_eq!(&text[closing.clone()], "```");
        assert_eq!(closing.start, text.rfind("```").unwrap());
        assert_eq!(found.fences[0].directives, 0..1);
    }

    #[test]
    fn prose_after_markers_is_not_an_attempt() {
        let found = scan("Wow!!! Include the NAD.\nGreat!!!Included!!!\n");
        assert!(found.malformed.is_empty());
        let found = scan("!!!include a.yaml!!!\n");
        assert_eq!(found.malformed[0].problem, "expected `(` after `include`");
    }

    #[test]
    fn no_break_space_is_malformed() {
        let found = scan("!!!\u{a0}include(a.yaml)!!!\r\n");
        assert!(found.directives.is_empty());
        assert_eq!(
            found.malformed[0].span,
            0..23,
            "the span stops before `\\r`"
        );
    }

    #[test]
    fn plain_exclamations_are_not_directives() {
        let found = scan("Wow!!! Great!!!");
        assert!(found.directives.is_empty());
        assert!(found.malformed.is_empty());
    }
}
