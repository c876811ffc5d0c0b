//! Explanations of YAML syntax errors: where the cause is and how to fix it.
//!
//! saphyr's messages name the parser state, not the mistake, and often point away from it: a
//! quoted scalar with an under-indented line is reported at its opening quote, and a tab in the
//! indentation at the first character after it. This module moves the caret to the cause and
//! adds help for the common cases, using the collections that were open when the parser failed.

use std::ops::Range;

/// A YAML syntax error, or an input that exceeds one of netsnip's parser limits.
#[derive(Debug, Clone)]
pub struct SyntaxError {
    /// The finding's message.
    pub message: String,
    /// Byte offset of the caret.
    pub offset: usize,
    /// Text of the primary label.
    pub label: String,
    /// How to fix it, when the cause is known.
    pub help: Option<String>,
    /// A related place, such as the start of the list a line does not fit, with its label.
    pub related: Option<(usize, String)>,
}

impl SyntaxError {
    /// Creates an error that the input is not valid YAML, at `offset`.
    pub fn invalid(message: &str, offset: usize) -> Self {
        Self {
            message: format!("invalid YAML: {message}"),
            offset,
            label: "YAML syntax error".into(),
            help: None,
            related: None,
        }
    }

    /// Creates an error for valid YAML that exceeds a limit netsnip sets to protect itself.
    pub fn limit(message: String, offset: usize, help: &str) -> Self {
        Self {
            message,
            offset,
            label: "limit exceeded here".into(),
            help: Some(help.into()),
            related: None,
        }
    }
}

/// A block mapping or sequence that was open when the parser failed, innermost last.
#[derive(Debug, Clone)]
pub struct OpenCollection {
    /// Whether it is a sequence rather than a mapping.
    pub sequence: bool,
    /// Byte offset of its start: the first key of a mapping, the first `-` or the first item's
    /// content of a sequence.
    pub start: usize,
    /// The key whose value the parser was reading, with its byte offset, for a mapping.
    pub pending_key: Option<(usize, String)>,
}

/// Builds the finding for saphyr's error `info` at byte `offset` of `text`.
pub fn explain(text: &str, info: &str, offset: usize, open: &[OpenCollection]) -> SyntaxError {
    let explained = if info == "invalid indentation in quoted scalar" {
        explain_quoted_indentation(text, offset, open.last())
    } else if info.contains("tab") {
        explain_tab(text, offset)
    } else if info.contains("did not find expected") {
        explain_broken_indentation(text, info, offset, open.last())
    } else {
        None
    };
    explained.unwrap_or_else(|| SyntaxError::invalid(info, offset))
}

/// A quoted scalar in block context continues on lines that must be indented more than the
/// block collection containing it. YAML 1.2 starts each continuation line with
/// `s-flow-line-prefix(n)`, which begins with `s-indent(n)`, and saphyr 0.3.4 rejects a line
/// left of that indentation. yaml-test-suite case QB6E ("Wrong indented multiline quoted
/// scalar") is this error. PyYAML accepts such input, so documents tested only with PyYAML
/// contain it.
///
/// NOTE: saphyr 0.3.4 accepts a continuation line at the column of a list item's `-`, which
/// YAML 1.2 also rejects, so only lines left of the `-` reach this explanation.
fn explain_quoted_indentation(
    text: &str,
    quote: usize,
    parent: Option<&OpenCollection>,
) -> Option<SyntaxError> {
    let parent = parent?;
    let (parent_column, owner) = match &parent.pending_key {
        Some((key_offset, key)) => (column_of(text, *key_offset), format!("`{key}:`")),
        None if parent.sequence => (dash_column(text, parent.start), "its `-`".to_string()),
        None => return None,
    };
    let line = first_line_indented_at_most(text, quote, parent_column)?;
    let block = match &parent.pending_key {
        Some((_, key)) => format!("`{key}: |`"),
        None => "`- |`".to_string(),
    };
    Some(SyntaxError {
        message: format!(
            "invalid YAML: a line of this quoted value is not indented more than {owner}"
        ),
        offset: line,
        label: "not indented enough".into(),
        help: Some(format!(
            "indent every line of the quoted value more than {owner}, or use a block scalar \
             {block}"
        )),
        related: Some((quote, "the quoted value starts here".into())),
    })
}

/// Returns the offset of the first non-blank character of the first continuation line of the
/// quoted scalar opened at `quote` whose indentation is at most `max_indent` spaces. Lines with
/// only whitespace are skipped, because YAML allows empty lines inside a flow scalar at any
/// indentation.
fn first_line_indented_at_most(text: &str, quote: usize, max_indent: usize) -> Option<usize> {
    let end = closing_quote(text, quote).unwrap_or(text.len());
    let mut line_start = text[quote..end].find('\n')? + quote + 1;
    while line_start < end {
        let line_end = text[line_start..end]
            .find('\n')
            .map_or(end, |i| line_start + i);
        let line = &text[line_start..line_end];
        let indent = line.len() - line.trim_start_matches(' ').len();
        let blank = line.trim().is_empty();
        if !blank && indent <= max_indent {
            return Some(line_start + indent);
        }
        line_start = line_end + 1;
    }
    None
}

/// Finds the quote that closes the quoted scalar opened at `quote`: `''` is an escaped quote in
/// single quotes, and a backslash escapes the next character in double quotes.
fn closing_quote(text: &str, quote: usize) -> Option<usize> {
    let single = match text[quote..].chars().next() {
        Some('\'') => true,
        Some('"') => false,
        _ => return None,
    };
    let mut chars = text[quote + 1..].char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '\\' if !single => {
                chars.next();
            }
            '\'' if single && chars.peek().is_some_and(|&(_, next)| next == '\'') => {
                chars.next();
            }
            '\'' if single => return Some(quote + 1 + i),
            '"' if !single => return Some(quote + 1 + i),
            _ => {}
        }
    }
    None
}

/// saphyr reports a tab in the indentation after the tab, or at the end of the line before
/// it, so the caret moves to the tab itself.
fn explain_tab(text: &str, offset: usize) -> Option<SyntaxError> {
    let tab = indentation_tab(text, offset)?;
    Some(SyntaxError {
        message: "invalid YAML: a tab character indents this line".into(),
        offset: tab,
        label: "tab".into(),
        help: Some("YAML does not allow tabs for indentation; replace them with spaces".into()),
        related: None,
    })
}

/// Returns the first tab in the indentation of the line of `offset` or of the lines after it,
/// up to and including the first line with content.
fn indentation_tab(text: &str, offset: usize) -> Option<usize> {
    let mut line_start = line_start(text, offset);
    while line_start < text.len() {
        let line_end = text[line_start..]
            .find('\n')
            .map_or(text.len(), |i| line_start + i);
        let line = &text[line_start..line_end];
        let content = line.trim_start_matches([' ', '\t']);
        let indentation = &line[..line.len() - content.len()];
        if let Some(tab) = indentation.find('\t') {
            return Some(line_start + tab);
        }
        let has_content = !content.trim().is_empty();
        if has_content && line_start > offset {
            return None;
        }
        line_start = line_end + 1;
    }
    None
}

/// "did not find expected key" and "did not find expected '-' indicator" mean that a line
/// ended the innermost mapping or list without fitting any enclosing level, which usually
/// means a line indented differently from its siblings.
fn explain_broken_indentation(
    text: &str,
    info: &str,
    offset: usize,
    innermost: Option<&OpenCollection>,
) -> Option<SyntaxError> {
    let innermost = innermost?;
    let (level, members, kind) = if innermost.sequence {
        (dash_column(text, innermost.start), "items", "list")
    } else {
        (column_of(text, innermost.start), "keys", "mapping")
    };
    let line = line_number(text, offset);
    let indent = column_of(text, offset);
    let start_line = line_number(text, innermost.start);
    let help = if indent == level {
        let expected = if innermost.sequence { "`- `" } else { "`key:`" };
        format!(
            "line {line} is indented as far as the {members} of the {kind} that starts on line \
             {start_line}, but it does not start with {expected}; fix the line, or indent it \
             to the level it belongs to"
        )
    } else {
        format!(
            "the indentation is probably inconsistent: line {line} is indented {indent} \
             spaces, but the {members} of the {kind} that starts on line {start_line} are \
             indented {level}; indent each line exactly as far as the others at its level"
        )
    };
    let mut error = SyntaxError::invalid(info, offset);
    error.help = Some(help);
    error.related = Some((
        level_offset(text, innermost.start, level),
        format!("{members} of this {kind} are indented {level} spaces"),
    ));
    Some(error)
}

/// Returns the byte offset of `column` on the line of `offset`.
fn level_offset(text: &str, offset: usize, column: usize) -> usize {
    let start = line_start(text, offset);
    start + column.min(offset - start)
}

/// Returns the column, counted from 0 in characters, of the `-` of a block sequence that starts
/// at `start`. saphyr starts a sequence at its first `-`, or at the first item's content when
/// the sequence is not indented under its key.
fn dash_column(text: &str, start: usize) -> usize {
    if text[start..].starts_with('-') {
        return column_of(text, start);
    }
    let before = text[..start].trim_end_matches(' ');
    match before.strip_suffix('-') {
        Some(rest) => column_of(text, rest.len()),
        None => column_of(text, start),
    }
}

fn line_start(text: &str, offset: usize) -> usize {
    text[..offset].rfind('\n').map_or(0, |i| i + 1)
}

/// Returns the 0-based column of `offset`, in characters.
fn column_of(text: &str, offset: usize) -> usize {
    text[line_start(text, offset)..offset].chars().count()
}

/// Returns the 1-based line number of `offset`.
fn line_number(text: &str, offset: usize) -> usize {
    text[..offset].matches('\n').count() + 1
}

/// Returns the byte range of the character at `offset`, or an empty range at the end.
pub fn char_span(text: &str, offset: usize) -> Range<usize> {
    let start = offset.min(text.len());
    let end = text[start..]
        .chars()
        .next()
        .map_or(start, |c| start + c.len_utf8());
    start..end
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn closing_quote_skips_escapes() {
        assert_eq!(closing_quote("'a''b' x", 0), Some(5));
        assert_eq!(closing_quote(r#""a\"b" x"#, 0), Some(5));
        assert_eq!(closing_quote("'open", 0), None);
    }

    #[test]
    fn dash_column_finds_indicator() {
        let text = "key:\n    - name: a\n";
        let content = text.find("name").unwrap();
        assert_eq!(dash_column(text, content), 4);
        assert_eq!(dash_column(text, content - 2), 4);
    }

    #[test]
    fn tab_found_on_next_line() {
        let text = "a:\n  b: 1\n\tc: 2\n";
        assert_eq!(indentation_tab(text, 8), Some(10));
    }
}
