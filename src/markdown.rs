//! The one Markdown parse of each file.
//!
//! Directive scanning needs a file's code spans and fenced blocks, and the prose and shell
//! rules need its prose and shell blocks. Parsing is the largest single cost of `check`, so
//! each file is parsed once, with the extensions mdBook enables, and both read the result.
//! Every range is a byte range of the file as written.

use std::ops::Range;
use std::sync::Arc;

use pulldown_cmark::{CodeBlockKind, Event, Options, Parser, Tag, TagEnd};

use crate::source::SourceFile;

/// Info strings whose code blocks hold shell commands and their output.
const SHELL_LANGUAGES: &[&str] = &["console", "shell", "sh", "bash", "shell-session", "zsh"];

/// The code, prose and shell ranges that one parse of a Markdown file found.
#[derive(Debug, Default)]
pub struct Outline {
    /// Inline code spans, backticks included, in order.
    pub code_spans: Vec<Range<usize>>,
    /// Fenced code blocks, in order.
    pub fenced_blocks: Vec<FencedBlock>,
    /// Runs of text outside code and HTML. Runs separated only by line breaks are merged, so
    /// a phrase wrapped across lines stays in one run.
    pub prose: Vec<Range<usize>>,
    /// The fenced blocks of shell commands or terminal transcripts.
    pub shell_blocks: Vec<ShellBlock>,
}

/// A fenced code block as the parser reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FencedBlock {
    /// The whole block, both fences included.
    pub span: Range<usize>,
    /// The info string, as written after the opening fence.
    pub info: String,
    /// The end of the block's last line of content, if it has any content.
    pub content_end: Option<usize>,
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

/// A Markdown file of a chapter (the chapter or a Markdown file it includes) with its outline.
#[derive(Debug)]
pub struct MarkdownFile {
    /// The file.
    pub file: Arc<SourceFile>,
    /// The ranges that parsing it found.
    pub outline: Outline,
}

/// Returns whether `path` names a Markdown file (`.md` or `.markdown`, in any letter case), whose
/// directives are expanded in turn when it is included.
pub fn is_markdown(path: &std::path::Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("md") || e.eq_ignore_ascii_case("markdown"))
}

/// Returns the pulldown-cmark extensions that mdBook 0.5 enables (`new_cmark_parser` in
/// `mdbook-markdown` 0.5.4), so that code spans and prose are found where the book's renderer
/// finds them. With tables on, for example, the pipes of a table row split it into cells
/// before code spans are matched.
pub fn mdbook_options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_DEFINITION_LIST
        | Options::ENABLE_GFM
}

/// Parses `text` once and collects its outline.
pub fn outline(text: &str) -> Outline {
    let mut builder = Builder {
        text,
        outline: Outline::default(),
        open: None,
    };
    for (event, range) in Parser::new_ext(text, mdbook_options()).into_offset_iter() {
        builder.event(event, range);
    }
    builder.outline
}

/// The fenced block being read, and the index of its shell block when it is one.
struct OpenBlock {
    block: FencedBlock,
    shell: Option<usize>,
}

struct Builder<'a> {
    text: &'a str,
    outline: Outline,
    /// The code block being read; indented blocks have no [`FencedBlock`].
    open: Option<Option<OpenBlock>>,
}

impl Builder<'_> {
    fn event(&mut self, event: Event<'_>, range: Range<usize>) {
        match event {
            Event::Code(_) => self.outline.code_spans.push(range),
            Event::Start(Tag::CodeBlock(kind)) => self.open = Some(self.open_block(&kind, range)),
            Event::End(TagEnd::CodeBlock) => {
                if let Some(Some(open)) = self.open.take() {
                    self.outline.fenced_blocks.push(open.block);
                }
            }
            Event::Text(_) => match &mut self.open {
                Some(open) => extend_block(open.as_mut(), &mut self.outline.shell_blocks, range),
                None => push_prose(self.text, &mut self.outline.prose, range),
            },
            _ => {}
        }
    }

    fn open_block(&mut self, kind: &CodeBlockKind<'_>, span: Range<usize>) -> Option<OpenBlock> {
        let CodeBlockKind::Fenced(info) = kind else {
            return None;
        };
        let shell = shell_language(info).map(|language| {
            self.outline.shell_blocks.push(ShellBlock {
                content: span.start..span.start,
                transcript: matches!(language.as_str(), "console" | "shell-session"),
            });
            self.outline.shell_blocks.len() - 1
        });
        Some(OpenBlock {
            block: FencedBlock {
                span,
                info: info.to_string(),
                content_end: None,
            },
            shell,
        })
    }
}

/// Records a line of content of the open code block.
fn extend_block(open: Option<&mut OpenBlock>, shells: &mut [ShellBlock], range: Range<usize>) {
    let Some(open) = open else {
        return;
    };
    open.block.content_end = Some(range.end);

    if let Some(index) = open.shell {
        let content = &mut shells[index].content;
        if content.start == content.end {
            *content = range;
        } else {
            content.end = range.end;
        }
    }
}

/// Returns the block's language when it is a shell language.
fn shell_language(info: &str) -> Option<String> {
    let language = info.split([' ', ',', '{']).next().unwrap_or_default();
    let language = language.to_ascii_lowercase();
    SHELL_LANGUAGES
        .contains(&language.as_str())
        .then_some(language)
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
        let outline = outline(text);
        let prose: Vec<&str> = outline.prose.iter().map(|r| &text[r.clone()]).collect();
        assert_eq!(prose, ["Tagged with VLAN\n3876 and ", "."]);
        assert_eq!(outline.code_spans.first(), Some(&(26..34)));
        assert_eq!(outline.fenced_blocks[0].content_end, Some(48));
    }

    #[test]
    fn shell_blocks_cover_their_content() {
        let text = "```console\n$ oc get nad\nNAME\n```\n\n```yaml\na: 1\n```\n";
        let outline = outline(text);
        assert_eq!(outline.shell_blocks.len(), 1);
        assert_eq!(
            &text[outline.shell_blocks[0].content.clone()],
            "$ oc get nad\nNAME\n"
        );
        assert!(outline.shell_blocks[0].transcript);
        assert_eq!(outline.fenced_blocks.len(), 2);
    }

    #[test]
    fn indented_code_is_neither_prose_nor_fenced() {
        let text = "Text\n\n    VLAN 7\n";
        let outline = outline(text);
        assert_eq!(outline.prose.first(), Some(&(0..4)));
        assert_eq!(outline.prose.len(), 1);
        assert!(outline.fenced_blocks.is_empty());
    }
}
