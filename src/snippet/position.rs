//! Maps each byte of a scalar's value back to the text in the file that produced it.
//!
//! A NAD's `spec.config` is JSON inside a YAML string, and a finding about a JSON value must
//! point into the YAML file. The value saphyr returns has lost its indentation, quotes, escapes
//! and line folding, so this module decodes the scalar's raw text again, style by style, and
//! records where each character came from. The decoding is checked against saphyr's value; when
//! the two differ (an input this decoder does not model), every position maps to the whole
//! scalar. That is less precise, but never wrong.

use std::ops::Range;

use saphyr_parser::ScalarStyle;

use super::yaml::{Node, Scalar};

/// For each byte of a scalar's value, the byte range in the file it came from.
#[derive(Debug, Clone)]
pub struct ValueMap {
    starts: Vec<usize>,
    ends: Vec<usize>,
    whole: Range<usize>,
}

impl ValueMap {
    /// Builds the map for a scalar node of the file `text`.
    pub fn new(text: &str, node: &Node, scalar: &Scalar) -> Self {
        let decoded = decode(text, node, scalar)
            .filter(|d| matches_value(d, &scalar.text) && within(text, d));
        let whole = node.span.clone();
        match decoded {
            Some(mut decoder) => {
                decoder.fit(scalar.text.len(), whole.end);
                Self {
                    starts: decoder.starts,
                    ends: decoder.ends,
                    whole,
                }
            }
            None => Self::whole(whole),
        }
    }

    /// Creates a map that sends every position to `whole`.
    pub fn whole(whole: Range<usize>) -> Self {
        Self {
            starts: Vec::new(),
            ends: Vec::new(),
            whole,
        }
    }

    /// Returns the file range of the value's bytes `range`. An empty range maps to an empty
    /// range at its position.
    pub fn span(&self, range: Range<usize>) -> Range<usize> {
        if self.starts.is_empty() {
            return self.whole.clone();
        }
        let last = self.starts.len() - 1;
        let start = self.starts[range.start.min(last)];
        if range.end <= range.start {
            return start..start;
        }
        let end = self.ends[(range.end - 1).min(last)];
        start..end.max(start)
    }

    /// Returns whether positions are exact, rather than the whole scalar.
    #[cfg(test)]
    pub fn is_exact(&self) -> bool {
        !self.starts.is_empty()
    }
}

/// A decoded value under construction, with the file range of each byte.
#[derive(Debug, Default)]
struct Decoder {
    out: String,
    starts: Vec<usize>,
    ends: Vec<usize>,
}

impl Decoder {
    fn push(&mut self, c: char, from: Range<usize>) {
        self.out.push(c);
        for _ in 0..c.len_utf8() {
            self.starts.push(from.start);
            self.ends.push(from.end);
        }
    }

    /// Cuts or pads the map to the value's length, since block scalar chomping may keep fewer
    /// or more final line breaks than were decoded.
    fn fit(&mut self, len: usize, end: usize) {
        self.starts.resize(len, end);
        self.ends.resize(len, end);
        self.starts.push(end);
        self.ends.push(end);
    }
}

/// Checks that every recorded range is a valid range of `text`, so that no label can point
/// past the end or into a character.
fn within(text: &str, decoder: &Decoder) -> bool {
    let valid = |offset: &usize| text.is_char_boundary(*offset);
    decoder.starts.iter().all(valid) && decoder.ends.iter().all(valid)
}

fn matches_value(decoder: &Decoder, value: &str) -> bool {
    decoder.out.trim_end_matches('\n') == value.trim_end_matches('\n')
}

fn decode(text: &str, node: &Node, scalar: &Scalar) -> Option<Decoder> {
    let start = scalar.raw_start;
    match scalar.style {
        ScalarStyle::DoubleQuoted => Some(decode_quoted(text, start + 1, true)),
        ScalarStyle::SingleQuoted => Some(decode_quoted(text, start + 1, false)),
        ScalarStyle::Plain => Some(decode_plain(text, start, node.span.end)),
        ScalarStyle::Literal | ScalarStyle::Folded => {
            let folded = scalar.style == ScalarStyle::Folded;
            decode_block(text, start, folded, &scalar.text)
        }
    }
}

fn char_at(text: &str, pos: usize) -> Option<char> {
    text.get(pos..).and_then(|rest| rest.chars().next())
}

/// Returns the length of the line break at `pos`: 2 for CRLF, 1 for LF or CR, 0 for none.
fn break_len(text: &str, pos: usize) -> usize {
    let rest = text.as_bytes().get(pos..).unwrap_or(&[]);
    match rest {
        [b'\r', b'\n', ..] => 2,
        [b'\n' | b'\r', ..] => 1,
        _ => 0,
    }
}

/// Decodes a quoted scalar from just after its opening quote. Escapes apply to double quotes
/// only; single quotes escape a quote by doubling it.
fn decode_quoted(text: &str, mut pos: usize, double: bool) -> Decoder {
    let quote = if double { '"' } else { '\'' };
    let mut decoder = Decoder::default();
    let mut blanks: Vec<(char, usize)> = Vec::new();
    while let Some(c) = char_at(text, pos) {
        if c == quote && !(c == '\'' && char_at(text, pos + 1) == Some('\'')) {
            break;
        }
        if break_len(text, pos) > 0 {
            blanks.clear();
            pos = fold_line_break(text, pos, &mut decoder);
            continue;
        }
        if c == ' ' || c == '\t' {
            blanks.push((c, pos));
            pos += 1;
            continue;
        }
        for (blank, at) in blanks.drain(..) {
            decoder.push(blank, at..at + 1);
        }
        pos = match c {
            '\\' if double => decode_escape(text, pos, &mut decoder),
            '\'' if !double => {
                decoder.push('\'', pos..pos + 2);
                pos + 2
            }
            _ => {
                decoder.push(c, pos..pos + c.len_utf8());
                pos + c.len_utf8()
            }
        };
    }
    decoder
}

/// Decodes a plain scalar that spans `start..end`.
fn decode_plain(text: &str, mut pos: usize, end: usize) -> Decoder {
    let mut decoder = Decoder::default();
    let mut blanks: Vec<(char, usize)> = Vec::new();
    while pos < end {
        let Some(c) = char_at(text, pos) else { break };
        if break_len(text, pos) > 0 {
            blanks.clear();
            pos = fold_line_break(text, pos, &mut decoder);
        } else if c == ' ' || c == '\t' {
            blanks.push((c, pos));
            pos += 1;
        } else {
            for (blank, at) in blanks.drain(..) {
                decoder.push(blank, at..at + 1);
            }
            decoder.push(c, pos..pos + c.len_utf8());
            pos += c.len_utf8();
        }
    }
    decoder
}

/// Folds a line break inside a flow scalar: a single break becomes a space, and each empty line
/// after it becomes a line feed. Returns the position after the next line's indentation.
fn fold_line_break(text: &str, pos: usize, decoder: &mut Decoder) -> usize {
    let first = pos..pos + break_len(text, pos);
    let mut pos = first.end;
    let mut empty_lines = 0;
    loop {
        while matches!(char_at(text, pos), Some(' ' | '\t')) {
            pos += 1;
        }
        let len = break_len(text, pos);
        if len == 0 {
            break;
        }
        decoder.push('\n', pos..pos + len);
        empty_lines += 1;
        pos += len;
    }
    if empty_lines == 0 {
        decoder.push(' ', first);
    }
    pos
}

/// Decodes one escape sequence of a double-quoted scalar at the backslash `pos`; returns the
/// position after it.
fn decode_escape(text: &str, pos: usize, decoder: &mut Decoder) -> usize {
    let Some(code) = char_at(text, pos + 1) else {
        return pos + 1;
    };
    if break_len(text, pos + 1) > 0 {
        // An escaped line break joins the lines without a space.
        let mut next = pos + 1 + break_len(text, pos + 1);
        while matches!(char_at(text, next), Some(' ' | '\t')) {
            next += 1;
        }
        return next;
    }
    let hex_digits = match code {
        'x' => 2,
        'u' => 4,
        'U' => 8,
        _ => 0,
    };
    if hex_digits > 0 {
        let end = pos + 2 + hex_digits;
        let value = text
            .get(pos + 2..end)
            .and_then(|hex| u32::from_str_radix(hex, 16).ok())
            .and_then(char::from_u32)
            .unwrap_or(char::REPLACEMENT_CHARACTER);
        decoder.push(value, pos..end);
        return end;
    }
    let end = pos + 1 + code.len_utf8();
    decoder.push(simple_escape(code), pos..end);
    end
}

fn simple_escape(code: char) -> char {
    match code {
        '0' => '\0',
        'a' => '\u{07}',
        'b' => '\u{08}',
        't' | '\t' => '\t',
        'n' => '\n',
        'v' => '\u{0B}',
        'f' => '\u{0C}',
        'r' => '\r',
        'e' => '\u{1B}',
        'N' => '\u{85}',
        '_' => '\u{A0}',
        'L' => '\u{2028}',
        'P' => '\u{2029}',
        other => other,
    }
}

/// One line of a block scalar: its text after the indentation and its line break.
struct BlockLine {
    text: Range<usize>,
    line_break: Range<usize>,
    blank: bool,
}

/// Decodes a literal (`|`) or folded (`>`) block scalar whose first content line holds
/// `raw_start`. The indentation is found by trying each candidate against the value, since an
/// explicit indentation indicator can make it smaller than the first line's.
fn decode_block(text: &str, raw_start: usize, folded: bool, value: &str) -> Option<Decoder> {
    let first = first_content_line(text, raw_start);
    let column = raw_start - line_start(text, raw_start);
    let widest = leading_spaces(text, line_start(text, raw_start));
    let candidates = std::iter::once(column).chain((1..=widest).rev());
    candidates
        .map(|indent| {
            let lines = block_lines(text, first, indent);
            assemble_block(text, &lines, folded)
        })
        .find(|decoder| matches_value(decoder, value))
}

fn line_start(text: &str, pos: usize) -> usize {
    text[..pos.min(text.len())].rfind('\n').map_or(0, |i| i + 1)
}

fn leading_spaces(text: &str, start: usize) -> usize {
    text[start..].bytes().take_while(|&b| b == b' ').count()
}

/// Returns the start of the line after the block scalar's header, because the empty lines
/// between the header and `raw_start` belong to the value.
fn first_content_line(text: &str, raw_start: usize) -> usize {
    let mut start = line_start(text, raw_start);
    while start > 0 {
        let previous = line_start(text, start - 1);
        if !text[previous..start].trim().is_empty() {
            break;
        }
        start = previous;
    }
    start
}

/// Splits the block scalar into lines, stopping at the first line indented less than `indent`.
fn block_lines(text: &str, mut pos: usize, indent: usize) -> Vec<BlockLine> {
    let mut lines = Vec::new();
    while pos < text.len() {
        let end = text[pos..].find('\n').map_or(text.len(), |i| pos + i);
        let content_end = if text[..end].ends_with('\r') {
            end - 1
        } else {
            end
        };
        let line = &text[pos..content_end];
        let spaces = leading_spaces(text, pos).min(line.len());
        let blank = line.trim().is_empty() && spaces <= indent;
        if !blank && spaces < indent {
            break;
        }
        let text_start = (pos + indent).min(content_end);
        lines.push(BlockLine {
            text: text_start..content_end,
            line_break: content_end..(end + 1).min(text.len()),
            blank,
        });
        pos = end + 1;
    }
    lines
}

fn assemble_block(text: &str, lines: &[BlockLine], folded: bool) -> Decoder {
    let mut decoder = Decoder::default();
    let mut previous: Option<&BlockLine> = None;
    let mut empty: Vec<&BlockLine> = Vec::new();
    for line in lines {
        if line.blank {
            empty.push(line);
            continue;
        }
        let more_indented = text[line.text.clone()].starts_with([' ', '\t']);
        if let Some(prev) = previous {
            let prev_normal = !text[prev.text.clone()].starts_with([' ', '\t']);
            let fold = folded && prev_normal && !more_indented;
            push_breaks(&mut decoder, prev, &empty, fold);
        } else {
            empty
                .iter()
                .for_each(|e| decoder.push('\n', e.line_break.clone()));
        }
        empty.clear();
        push_text(&mut decoder, text, line.text.clone());
        previous = Some(line);
    }
    if let Some(prev) = previous {
        push_breaks(&mut decoder, prev, &empty, false);
    }
    decoder
}

/// Pushes the line break after `previous` and the empty lines after it. Folding turns a lone
/// break into a space and drops the first break before empty lines.
fn push_breaks(decoder: &mut Decoder, previous: &BlockLine, empty: &[&BlockLine], fold: bool) {
    if fold && empty.is_empty() {
        decoder.push(' ', previous.line_break.clone());
        return;
    }
    if !fold {
        decoder.push('\n', previous.line_break.clone());
    }
    for line in empty {
        decoder.push('\n', line.line_break.clone());
    }
}

fn push_text(decoder: &mut Decoder, text: &str, range: Range<usize>) {
    for (offset, c) in text[range.clone()].char_indices() {
        let at = range.start + offset;
        decoder.push(c, at..at + c.len_utf8());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::snippet::yaml;

    /// Returns the file text that produced `needle` in the value of key `key`.
    fn source_of(text: &str, key: &str, needle: &str) -> String {
        let stream = yaml::parse(text);
        let root = &stream.documents[0];
        let node = root.get(key).unwrap();
        let scalar = node.scalar().unwrap();
        let map = ValueMap::new(text, node, scalar);
        assert!(map.is_exact(), "positions of `{key}` are not exact");
        let at = scalar.text.find(needle).unwrap();
        text[map.span(at..at + needle.len())].to_string()
    }

    #[test]
    fn literal_block_maps_lines() {
        let text = "c: |\n  {\n    \"k\": 1\n  }\nd: x\n";
        assert_eq!(source_of(text, "c", "\"k\""), "\"k\"");
        assert_eq!(source_of(text, "c", "}"), "}");
    }

    #[test]
    fn literal_block_with_indicator_and_blank_line() {
        let text = "c: |2-  # note\n\n     {\n    \"k\": 1\n    }\n";
        assert_eq!(source_of(text, "c", "\"k\": 1"), "\"k\": 1");
        assert_eq!(source_of(text, "c", " {"), " {");
    }

    #[test]
    fn folded_block_maps_folded_space() {
        let text = "c: >\n  {\"a\":\n  1}\n";
        assert_eq!(source_of(text, "c", "1}"), "1}");
        assert_eq!(source_of(text, "c", ": 1"), ":\n  1");
    }

    #[test]
    fn double_quoted_maps_escapes() {
        let text = "c: \"{\\\"name\\\": \\u00e9,\n  \\\"x\\\": 2}\"\n";
        assert_eq!(source_of(text, "c", "\"name\""), "\\\"name\\\"");
        assert_eq!(source_of(text, "c", "é"), "\\u00e9");
        assert_eq!(source_of(text, "c", "2"), "2");
    }

    #[test]
    fn single_quoted_maps_doubled_quote() {
        let text = "c: '{\"a\": \"it''s\",\n\n  \"b\": 1}'\n";
        assert_eq!(source_of(text, "c", "'s"), "''s");
        assert_eq!(source_of(text, "c", "\"b\""), "\"b\"");
    }

    #[test]
    fn crlf_block_maps_lines() {
        let text = "c: |\r\n  {\r\n    \"k\": 1\r\n  }\r\n";
        assert_eq!(source_of(text, "c", "\"k\""), "\"k\"");
    }
}
