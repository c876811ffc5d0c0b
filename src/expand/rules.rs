//! Rules about directives and the files they name.

use crate::rules::{Level, Rule};

/// A directive whose file does not exist.
pub const INCLUDE_NOT_FOUND: Rule = Rule {
    id: "include-not-found",
    default: Level::Deny,
    summary: "a directive names a file that exists neither beside the chapter nor in the include path",
};

/// A file that exists but cannot be read.
pub const INCLUDE_UNREADABLE: Rule = Rule {
    id: "include-unreadable",
    default: Level::Deny,
    summary: "a directive names a file that cannot be read",
};

/// A binary or non-UTF-8 file.
pub const INCLUDE_NOT_TEXT: Rule = Rule {
    id: "include-not-text",
    default: Level::Deny,
    summary: "a directive names a binary or non-UTF-8 file",
};

/// An absolute path, or one that leaves the book root.
pub const INCLUDE_OUTSIDE_ROOT: Rule = Rule {
    id: "include-outside-root",
    default: Level::Deny,
    summary: "a directive names an absolute path or a file outside the book root",
};

/// Markdown files that include each other.
pub const INCLUDE_CYCLE: Rule = Rule {
    id: "include-cycle",
    default: Level::Deny,
    summary: "included Markdown files include each other in a cycle",
};

/// Nesting past [`super::MAX_DEPTH`].
pub const INCLUDE_TOO_DEEP: Rule = Rule {
    id: "include-too-deep",
    default: Level::Deny,
    summary: "included Markdown files nest deeper than the limit",
};

/// An included file over [`crate::files::MAX_FILE_BYTES`], or an expansion that inserts more
/// than [`super::MAX_EXPANDED_BYTES`].
pub const INCLUDE_TOO_LARGE: Rule = Rule {
    id: "include-too-large",
    default: Level::Deny,
    summary: "an included file, or the text that expanding a chapter inserts, is larger than the limit",
};

/// Text that starts like a directive but does not parse.
pub const MALFORMED_DIRECTIVE: Rule = Rule {
    id: "malformed-directive",
    default: Level::Deny,
    summary: "text starts like `!!!include(` but is not a complete directive",
};

/// A chapter listed in `SUMMARY.md` whose file is missing.
pub const CHAPTER_NOT_FOUND: Rule = Rule {
    id: "chapter-not-found",
    default: Level::Deny,
    summary: "SUMMARY.md lists a chapter file that does not exist or cannot be read",
};

/// A chapter whose path in `SUMMARY.md` leaves the source folder.
pub const CHAPTER_OUTSIDE_SOURCE: Rule = Rule {
    id: "chapter-outside-source",
    default: Level::Deny,
    summary: "SUMMARY.md lists a chapter by an absolute path or one outside the source folder",
};

/// A `SUMMARY.md` that mdBook cannot parse.
pub const INVALID_SUMMARY: Rule = Rule {
    id: "invalid-summary",
    default: Level::Deny,
    summary: "SUMMARY.md does not follow mdBook's summary format",
};

/// Every rule of this module.
pub const RULES: &[&Rule] = &[
    &INCLUDE_NOT_FOUND,
    &INCLUDE_UNREADABLE,
    &INCLUDE_NOT_TEXT,
    &INCLUDE_OUTSIDE_ROOT,
    &INCLUDE_CYCLE,
    &INCLUDE_TOO_DEEP,
    &INCLUDE_TOO_LARGE,
    &MALFORMED_DIRECTIVE,
    &CHAPTER_NOT_FOUND,
    &CHAPTER_OUTSIDE_SOURCE,
    &INVALID_SUMMARY,
];

/// The rules of failed directives. `book.toml` cannot lower them, because a directive that
/// failed is left in the text as written, and such a chapter must never be published.
pub const DIRECTIVE_RULES: &[&Rule] = &[
    &INCLUDE_NOT_FOUND,
    &INCLUDE_UNREADABLE,
    &INCLUDE_NOT_TEXT,
    &INCLUDE_OUTSIDE_ROOT,
    &INCLUDE_CYCLE,
    &INCLUDE_TOO_DEEP,
    &INCLUDE_TOO_LARGE,
    &MALFORMED_DIRECTIVE,
];
