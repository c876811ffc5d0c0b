//! Splicing included text into the original Markdown.

use std::ops::Range;

use super::Included;
use crate::directive::{Fence, Scan};

/// One replacement of a byte range of the original text.
struct Edit {
    range: Range<usize>,
    text: String,
}

/// Replaces each directive of `scan` with its content (`None` leaves the directive as written)
/// and adjusts the fences around them.
pub(super) fn splice(text: &str, scan: &Scan, contents: &[Option<Included>]) -> String {
    let mut edits: Vec<Edit> = scan
        .directives
        .iter()
        .zip(contents)
        .filter_map(|(directive, content)| {
            let content = content.as_ref()?;
            let indent = line_indent(text, directive.span.start);
            Some(Edit {
                range: directive.span.clone(),
                text: indent_lines(&content.text, indent),
            })
        })
        .collect();

    for fence in &scan.fences {
        edits.extend(fence_edits(text, fence, scan, contents, &edits));
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

/// The white space before `offset` on its line, when nothing else precedes it there.
fn line_indent(text: &str, offset: usize) -> &str {
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let before = &text[line_start..offset];
    if before.chars().all(|c| c == ' ' || c == '\t') {
        before
    } else {
        ""
    }
}

/// Prefixes every line after the first with `indent`, leaving empty lines empty so that no
/// trailing white space is added.
fn indent_lines(content: &str, indent: &str) -> String {
    if indent.is_empty() {
        return content.to_string();
    }
    let mut output = String::with_capacity(content.len() + indent.len() * 8);
    for (index, line) in content.split('\n').enumerate() {
        if index > 0 {
            output.push('\n');
            if !line.is_empty() && line != "\r" {
                output.push_str(indent);
            }
        }
        output.push_str(line);
    }
    output
}

/// The edits to one fence: a language when it has none, and a longer marker when included
/// text would close it early.
fn fence_edits(
    text: &str,
    fence: &Fence,
    scan: &Scan,
    contents: &[Option<Included>],
    directive_edits: &[Edit],
) -> Vec<Edit> {
    let inside: Vec<usize> = scan
        .directives
        .iter()
        .enumerate()
        .filter(|(_, d)| fence.span.contains(&d.span.start))
        .map(|(index, _)| index)
        .collect();

    let language = fence_language(text, fence, scan, contents, &inside);
    let longest_run = directive_edits
        .iter()
        .filter(|edit| fence.span.contains(&edit.range.start))
        .map(|edit| longest_marker_run(&edit.text, fence.marker))
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
        text: format!("{marker}{}", language.unwrap_or_default()),
    }];
    if let Some(closing) = &fence.closing {
        edits.push(Edit {
            range: closing.clone(),
            text: marker,
        });
    }
    edits
}

/// The language for a fence with no info string that holds only directives, all resolved, all
/// naming files of one extension.
fn fence_language(
    text: &str,
    fence: &Fence,
    scan: &Scan,
    contents: &[Option<Included>],
    inside: &[usize],
) -> Option<String> {
    if !fence.info.is_empty() || inside.is_empty() {
        return None;
    }

    let body_start = text[fence.opening.end..]
        .find('\n')
        .map_or(fence.span.end, |i| fence.opening.end + i + 1);
    let body_end = fence.closing.as_ref().map_or(fence.span.end, |c| c.start);
    let mut cursor = body_start;
    for &index in inside {
        let span = &scan.directives[index].span;
        if !text[cursor..span.start].trim().is_empty() {
            return None;
        }
        cursor = span.end;
    }
    if cursor < body_end && !text[cursor..body_end].trim().is_empty() {
        return None;
    }

    let mut extensions = inside
        .iter()
        .map(|&index| contents[index].as_ref().and_then(|c| c.extension.clone()));
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

/// The longest run of `marker` at the start of a line (after spaces) in `text`.
fn longest_marker_run(text: &str, marker: char) -> usize {
    text.lines()
        .map(|line| {
            let line = line.trim_start_matches(' ');
            line.len() - line.trim_start_matches(marker).len()
        })
        .filter(|&run| run >= 3)
        .max()
        .unwrap_or(0)
}
