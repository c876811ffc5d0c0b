//! The parts of a chapter that the prose and shell rules read, with byte offsets into the file
//! as written: the prose outside code, and the lines of shell code blocks.

use std::ops::Range;
use std::sync::Arc;

use pulldown_cmark::{CodeBlockKind, Event, Options, Parser, Tag, TagEnd};

use crate::analysis::ExpandedChapter;
use crate::source::SourceFile;

/// Info strings whose code blocks hold shell commands and their output.
const SHELL_LANGUAGES: &[&str] = &["console", "shell", "sh", "bash", "shell-session", "zsh"];

/// The prose and shell blocks of one Markdown file.
#[derive(Debug, Default)]
pub struct Parts {
    /// Runs of text outside code and HTML. Runs separated only by line breaks are merged, so
    /// a phrase wrapped across lines stays in one run.
    pub prose: Vec<Range<usize>>,
    /// The shell code blocks.
    pub shell_blocks: Vec<ShellBlock>,
}

/// A fenced code block of shell commands or a terminal transcript.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShellBlock {
    /// The block's content, without its fences.
    pub content: Range<usize>,
    /// Whether the block is a transcript (`console`), whose lines without a prompt are output.
    /// In `sh` and `bash` blocks without any prompt, every line is a command.
    pub transcript: bool,
}

/// The Markdown files of a chapter: the chapter and every Markdown file it includes.
pub fn files(chapter: &ExpandedChapter) -> Vec<&Arc<SourceFile>> {
    let mut files = vec![&chapter.chapter.file];
    for inclusion in &chapter.expansion.inclusions {
        let is_markdown =
            inclusion.target.path().extension().is_some_and(|e| {
                e.eq_ignore_ascii_case("md") || e.eq_ignore_ascii_case("markdown")
            });
        if is_markdown && !files.iter().any(|f| f.path() == inclusion.target.path()) {
            files.push(&inclusion.target);
        }
    }
    files
}

/// Splits `text` into prose and shell blocks.
pub fn parse(text: &str) -> Parts {
    let mut parts = Parts::default();
    let mut shell: Option<usize> = None;
    let mut in_code = false;
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    for (event, range) in Parser::new_ext(text, options).into_offset_iter() {
        match event {
            Event::Start(Tag::CodeBlock(kind)) => {
                in_code = true;
                shell = shell_language(&kind).map(|language| {
                    parts.shell_blocks.push(ShellBlock {
                        content: range.start..range.start,
                        transcript: matches!(language.as_str(), "console" | "shell-session"),
                    });
                    parts.shell_blocks.len() - 1
                });
            }
            Event::End(TagEnd::CodeBlock) => {
                in_code = false;
                shell = None;
            }
            Event::Text(_) if in_code => {
                if let Some(index) = shell {
                    extend(&mut parts.shell_blocks[index].content, range);
                }
            }
            Event::Text(_) => push_prose(text, &mut parts.prose, range),
            _ => {}
        }
    }
    parts
}

/// The block's language when it is a shell language.
fn shell_language(kind: &CodeBlockKind<'_>) -> Option<String> {
    let CodeBlockKind::Fenced(info) = kind else {
        return None;
    };
    let language = info.split([' ', ',', '{']).next().unwrap_or_default();
    let language = language.to_ascii_lowercase();
    SHELL_LANGUAGES
        .contains(&language.as_str())
        .then_some(language)
}

fn extend(block: &mut Range<usize>, range: Range<usize>) {
    if block.start == block.end {
        *block = range;
    } else {
        block.end = range.end;
    }
}

fn push_prose(text: &str, prose: &mut Vec<Range<usize>>, range: Range<usize>) {
    if let Some(last) = prose.last_mut()
        && last.end <= range.start
        && text[last.end..range.start].trim().is_empty()
    {
        last.end = range.end;
        return;
    }
    prose.push(range);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prose_skips_code_and_joins_wrapped_lines() {
        let text = "Tagged with VLAN\n3876 and `VLAN 5`.\n\n```\nVLAN 7\n```\n";
        let parts = parse(text);
        let prose: Vec<&str> = parts.prose.iter().map(|r| &text[r.clone()]).collect();
        assert_eq!(prose, ["Tagged with VLAN\n3876 and ", "."]);
    }

    #[test]
    fn shell_blocks_cover_their_content() {
        let text = "```console\n$ oc get nad\nNAME\n```\n\n```yaml\na: 1\n```\n";
        let parts = parse(text);
        assert_eq!(parts.shell_blocks.len(), 1);
        assert_eq!(
            &text[parts.shell_blocks[0].content.clone()],
            "$ oc get nad\nNAME\n"
        );
        assert!(parts.shell_blocks[0].transcript);
    }
}
