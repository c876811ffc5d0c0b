//! Source files as the author wrote them, with byte offsets turned into 1-based line and
//! column numbers.
//!
//! Every finding points into a [`SourceFile`], never into expanded text, so that the position
//! printed is the one an editor jumps to.

use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// One file's text plus the offsets of its line starts.
#[derive(Debug)]
pub struct SourceFile {
    path: PathBuf,
    display: String,
    text: String,
    /// Indexed on first use: most chapters of a clean book never need a line number.
    line_starts: OnceLock<Vec<usize>>,
}

/// A 1-based line and a 1-based column counted in characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Location {
    /// Line number, starting at 1.
    pub line: usize,
    /// Column in characters (not bytes), starting at 1.
    pub column: usize,
}

impl SourceFile {
    /// Creates a source file. `display` is the path as printed in findings, usually relative to
    /// the book root; `path` is where the file lives on disk.
    pub fn new(path: PathBuf, display: String, text: String) -> Self {
        Self {
            path,
            display,
            text,
            line_starts: OnceLock::new(),
        }
    }

    fn line_starts(&self) -> &[usize] {
        self.line_starts.get_or_init(|| {
            let newlines = memchr::memchr_iter(b'\n', self.text.as_bytes());
            std::iter::once(0).chain(newlines.map(|i| i + 1)).collect()
        })
    }

    /// The file's location on disk.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The path printed in findings.
    pub fn display_path(&self) -> &str {
        &self.display
    }

    /// The file's full text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Converts a byte offset into a line and character column. Offsets past the end clamp to
    /// the end of the text, and an offset inside a multi-byte character counts as that
    /// character.
    pub fn location(&self, offset: usize) -> Location {
        let offset = offset.min(self.text.len());
        let line_index = self.line_starts().partition_point(|&start| start <= offset) - 1;
        let line_start = self.line_starts()[line_index];
        let mut before = &self.text[line_start..floor_char_boundary(&self.text, offset)];
        // Editors do not show a byte order mark, so it takes no column.
        if line_start == 0 {
            before = before.strip_prefix('\u{feff}').unwrap_or(before);
        }
        let column = before.chars().count();
        Location {
            line: line_index + 1,
            column: column + 1,
        }
    }

    /// Converts a 1-based line and character column back into a byte offset; used to map
    /// positions reported by parsers that count lines rather than bytes.
    pub fn offset_of(&self, line: usize, column: usize) -> usize {
        let Some(&line_start) = self.line_starts().get(line.saturating_sub(1)) else {
            return self.text.len();
        };
        let mut line_start = line_start;
        if line_start == 0 && self.text.starts_with('\u{feff}') {
            line_start = '\u{feff}'.len_utf8();
        }
        let line_text = &self.text[line_start..self.line_end(line_start)];
        let within = line_text
            .char_indices()
            .nth(column.saturating_sub(1))
            .map_or(line_text.len(), |(i, _)| i);
        line_start + within
    }

    /// The byte range of the line holding `offset`, without its line ending.
    pub fn line_range(&self, offset: usize) -> Range<usize> {
        let offset = offset.min(self.text.len());
        let line_index = self.line_starts().partition_point(|&start| start <= offset) - 1;
        let start = self.line_starts()[line_index];
        start..self.line_end(start)
    }

    fn line_end(&self, line_start: usize) -> usize {
        let rest = &self.text[line_start..];
        let end = rest.find('\n').map_or(self.text.len(), |i| line_start + i);
        if end > line_start && self.text.as_bytes()[end - 1] == b'\r' {
            end - 1
        } else {
            end
        }
    }
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(text: &str) -> SourceFile {
        SourceFile::new(PathBuf::from("x"), "x".into(), text.into())
    }

    #[test]
    fn location_counts_characters() {
        let source = file("ab\nçd e\n");
        assert_eq!(source.location(0), Location { line: 1, column: 1 });
        assert_eq!(source.location(3), Location { line: 2, column: 1 });
        assert_eq!(source.location(6), Location { line: 2, column: 3 });
    }

    #[test]
    fn location_skips_byte_order_mark() {
        let source = file("\u{feff}ab\n");
        assert_eq!(source.location(4), Location { line: 1, column: 2 });
    }

    #[test]
    fn offset_of_inverts_location() {
        let source = file("ab\r\nçd e\n");
        let offset = source.offset_of(2, 2);
        assert_eq!(&source.text()[offset..offset + 1], "d");
        assert_eq!(source.line_range(offset), 4..9);
    }
}
