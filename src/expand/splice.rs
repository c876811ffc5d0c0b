//! Splicing included text into the original Markdown.

use std::borrow::Cow;
use std::ops::Range;

use super::Included;
use crate::directive::{Fence, Scan};

/// One replacement of a byte range of the original text.
struct Edit<'a> {
    range: Range<usize>,
    text: Cow<'a, str>,
}

/// Replaces each directive of `scan` with its content (`None` leaves the directive as written)
/// and adjusts the fences around them.
pub(super) fn splice(text: &str, scan: &Scan, contents: &[Option<Included>]) -> String {
    let inserted: Vec<Option<Cow<'_, str>>> = scan
        .directives
        .iter()
        .zip(contents)
        .map(|(directive, content)| {
            let content = content.as_ref()?;
            let prefix = continuation_prefix(text, directive.span.start);
            Some(prefix_lines(content.text(), &prefix))
        })
        .collect();

    let mut edits: Vec<Edit> = scan
        .fences
        .iter()
        .flat_map(|fence| fence_edits(text, fence, scan, contents, &inserted))
        .collect();
    for (directive, inserted) in scan.directives.iter().zip(inserted) {
        if let Some(inserted) = inserted {
            edits.push(Edit {
                range: directive.span.clone(),
                text: inserted,
            });
        }
    }
    edits.sort_by_key(|edit| edit.range.start);
    apply(text, &edits)
}

fn apply(text: &str, edits: &[Edit]) -> String {
    let added: usize = edits.iter().map(|edit| edit.text.len()).sum();
    let mut output = String::with_capacity(text.len() + added);
    let mut copied = 0;
    for edit in edits {
        output.push_str(&text[copied..edit.range.start]);
        output.push_str(&edit.text);
        copied = edit.range.end;
    }
    output.push_str(&text[copied..]);
    output
}

/// The prefix that keeps the lines after the first inside the containers the directive is in.
///
/// Container syntax is indentation, block quote markers `>` and list markers `-`, `*`, `+`,
/// `1.` or `1)`. When only such syntax precedes the directive on its line, continuation lines
/// repeat it with each list marker turned into spaces of the same width, so `> - ` gives
/// `>   `. Anything else before the directive, such as prose, gives no prefix.
pub(super) fn continuation_prefix(text: &str, offset: usize) -> String {
    // Scanning back stops at the first character that cannot be container syntax, so the
    // cost is bounded by the prefix, not by the length of the line.
    let before = &text[..offset];
    let start = before
        .char_indices()
        .rev()
        .find(|&(_, c)| !is_container_char(c))
        .map_or(0, |(index, c)| index + c.len_utf8());
    if start > 0 && !before[..start].ends_with('\n') {
        return String::new();
    }
    container_continuation(&before[start..]).unwrap_or_default()
}

fn is_container_char(c: char) -> bool {
    matches!(c, ' ' | '\t' | '>' | '-' | '*' | '+' | '.' | ')') || c.is_ascii_digit()
}

/// Parses `prefix` as container syntax and returns its continuation, or `None` when it is
/// not container syntax (for example `1.5 ` or `--`).
fn container_continuation(prefix: &str) -> Option<String> {
    let mut continuation = String::with_capacity(prefix.len());
    let mut rest = prefix;
    while let Some(c) = rest.chars().next() {
        let marker_len = match c {
            ' ' | '\t' | '>' => {
                continuation.push(c);
                rest = &rest[1..];
                continue;
            }
            '-' | '*' | '+' => 1,
            _ => {
                let digits =
                    rest.len() - rest.trim_start_matches(|d: char| d.is_ascii_digit()).len();
                let delimited = (1..=9).contains(&digits) && rest[digits..].starts_with(['.', ')']);
                if !delimited {
                    return None;
                }
                digits + 1
            }
        };
        // A list marker must be followed by a space or a tab.
        if !rest[marker_len..].starts_with([' ', '\t']) {
            return None;
        }
        continuation.extend(std::iter::repeat_n(' ', marker_len));
        rest = &rest[marker_len..];
    }
    Some(continuation)
}

/// Prefixes every line after the first with `prefix`. Empty lines get the prefix without its
/// trailing white space, so that no trailing spaces are added and a block quote stays open.
fn prefix_lines<'a>(content: &'a str, prefix: &str) -> Cow<'a, str> {
    if prefix.is_empty() {
        return Cow::Borrowed(content);
    }
    let bare = prefix.trim_end();
    let mut output = String::with_capacity(content.len() + prefix.len() * 8);
    for (index, line) in content.split('\n').enumerate() {
        if index > 0 {
            output.push('\n');
            if line.is_empty() || line == "\r" {
                output.push_str(bare);
            } else {
                output.push_str(prefix);
            }
        }
        output.push_str(line);
    }
    Cow::Owned(output)
}

/// The edits to one fence: a language when it has none, and a longer marker when included
/// text would close it early.
fn fence_edits<'a>(
    text: &str,
    fence: &Fence,
    scan: &Scan,
    contents: &[Option<Included>],
    inserted: &[Option<Cow<'_, str>>],
) -> Vec<Edit<'a>> {
    let language = fence_language(text, fence, scan, contents);
    let longest_run = inserted[fence.directives.clone()]
        .iter()
        .flatten()
        .map(|text| longest_marker_run(text, fence.marker))
        .max()
        .unwrap_or(0);
    let width = if longest_run >= fence.width() {
        longest_run + 1
    } else {
        fence.width()
    };
    if width == fence.width() && language.is_none() {
        return Vec::new();
    }

    let marker: String = std::iter::repeat_n(fence.marker, width).collect();
    let mut edits = vec![Edit {
        range: fence.opening.clone(),
        text: Cow::Owned(format!("{marker}{}", language.unwrap_or_default())),
    }];
    if let Some(closing) = &fence.closing {
        edits.push(Edit {
            range: closing.clone(),
            text: Cow::Owned(marker),
        });
    }
    edits
}

/// Returns the language for a fence with no info string that contains only directives, all
/// resolved, all naming files of one extension. Block quote markers around the directives count as white
/// space.
fn fence_language(
    text: &str,
    fence: &Fence,
    scan: &Scan,
    contents: &[Option<Included>],
) -> Option<String> {
    if !fence.info.is_empty() || fence.directives.is_empty() {
        return None;
    }

    let blank =
        |range: std::ops::Range<usize>| text[range].chars().all(|c| c.is_whitespace() || c == '>');
    let body_start = text[fence.opening.end..]
        .find('\n')
        .map_or(fence.span.end, |i| fence.opening.end + i + 1);
    let body_end = fence.closing.as_ref().map_or(fence.span.end, |c| c.start);
    let mut cursor = body_start;
    for directive in &scan.directives[fence.directives.clone()] {
        if !blank(cursor..directive.span.start) {
            return None;
        }
        cursor = directive.span.end;
    }
    if cursor < body_end && !blank(cursor..body_end) {
        return None;
    }

    let mut extensions = contents[fence.directives.clone()]
        .iter()
        .map(|content| content.as_ref().and_then(Included::extension));
    let first = extensions.next()??;
    if extensions.any(|other| other.as_deref() != Some(first.as_str())) {
        return None;
    }
    Some(language_for(&first).to_string())
}

fn language_for(extension: &str) -> &str {
    match extension {
        "yml" => "yaml",
        "md" | "markdown" => "markdown",
        "sh" | "bash" => "shell",
        other => other,
    }
}

/// The longest run of `marker` at the start of a line in `text`, after any indentation and
/// block quote markers.
///
/// Included YAML rarely holds the marker at all, so this jumps from one occurrence of the
/// marker to the next (a `memchr` search) instead of walking every line.
fn longest_marker_run(text: &str, marker: char) -> usize {
    let bytes = text.as_bytes();
    let mut longest = 0;
    let mut from = 0;
    while let Some(found) = text[from..].find(marker) {
        let start = from + found;
        let run = text[start..].len() - text[start..].trim_start_matches(marker).len();
        from = start + run;

        let mut line_start = start;
        while line_start > 0 && matches!(bytes[line_start - 1], b' ' | b'\t' | b'>') {
            line_start -= 1;
        }
        let at_line_start = line_start == 0 || bytes[line_start - 1] == b'\n';
        if at_line_start && run >= 3 {
            longest = longest.max(run);
        }
    }
    longest
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marker_run_counts_only_line_starts() {
        assert_eq!(longest_marker_run("a: `x`\nb: ````\n", '`'), 0);
        assert_eq!(longest_marker_run("```\nx\n  > ````` y\n", '`'), 5);
        assert_eq!(longest_marker_run("~~~~\n", '`'), 0);
        assert_eq!(longest_marker_run("``\n~~~\n", '~'), 3);
        assert_eq!(longest_marker_run("", '`'), 0);
    }

    #[test]
    fn continuation_of_container_prefixes() {
        assert_eq!(container_continuation("   ").as_deref(), Some("   "));
        assert_eq!(container_continuation("> - ").as_deref(), Some(">   "));
        assert_eq!(container_continuation("10. ").as_deref(), Some("    "));
        assert_eq!(container_continuation("\t* ").as_deref(), Some("\t  "));
        assert_eq!(container_continuation("1.5 "), None);
        assert_eq!(container_continuation("-- "), None);
    }

    #[test]
    fn prefix_only_when_nothing_else_precedes() {
        let text = "See !!!x\n- !!!y\nCafé - !!!z";
        assert_eq!(continuation_prefix(text, text.find("!!!x").unwrap()), "");
        assert_eq!(continuation_prefix(text, text.find("!!!y").unwrap()), "  ");
        assert_eq!(continuation_prefix(text, text.find("!!!z").unwrap()), "");
    }

    #[test]
    fn empty_lines_get_bare_prefix() {
        assert_eq!(prefix_lines("a\n\nb", "> "), "a\n>\n> b");
        assert_eq!(prefix_lines("a\r\n\r\nb", "  "), "a\r\n\r\n  b");
    }
}
