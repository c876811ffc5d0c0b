//! Checks the rule reference chapter, `docs/rules.md`, against the rule registry. Every rule
//! has a `### id` section that states its default level, and every such section names a rule
//! that exists. So the chapter cannot fall behind when a rule is added, renamed or relevelled.

use std::collections::BTreeMap;
use std::path::Path;

use netsnip::rules::{self, Level};
use pulldown_cmark::{Event, HeadingLevel, Parser, Tag, TagEnd};

/// Reads the chapter as it is in the repository.
fn chapter() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/rules.md");
    std::fs::read_to_string(&path).expect("docs/rules.md is readable")
}

/// Returns the text of each level-3 heading with the chapter text up to the next heading of
/// any level. pulldown-cmark skips `###` lines inside code blocks, which are not headings.
fn sections(text: &str) -> Vec<(String, String)> {
    let mut headings: Vec<(Option<String>, usize, usize)> = Vec::new();
    let mut open: Option<(bool, String, usize)> = None;
    for (event, range) in Parser::new(text).into_offset_iter() {
        match event {
            Event::Start(Tag::Heading { level, .. }) => {
                open = Some((level == HeadingLevel::H3, String::new(), range.start));
            }
            Event::Text(part) | Event::Code(part) => {
                if let Some((_, title, _)) = &mut open {
                    title.push_str(&part);
                }
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some((is_h3, title, start)) = open.take() {
                    headings.push((is_h3.then_some(title), start, range.end));
                }
            }
            _ => {}
        }
    }

    let mut found = Vec::new();
    for (index, (title, _, body_start)) in headings.iter().enumerate() {
        let body_end = headings.get(index + 1).map_or(text.len(), |next| next.1);
        if let Some(title) = title {
            found.push((title.clone(), text[*body_start..body_end].to_string()));
        }
    }
    found
}

/// Returns the spelling of a level in `book.toml`, which the chapter uses too.
fn level_word(level: Level) -> &'static str {
    match level {
        Level::Allow => "allow",
        Level::Warn => "warn",
        Level::Deny => "deny",
    }
}

#[test]
fn every_rule_has_a_section() {
    let titles: Vec<String> = sections(&chapter()).into_iter().map(|s| s.0).collect();
    for rule in rules::all() {
        assert!(
            titles.iter().any(|title| title == rule.id),
            "docs/rules.md has no `### {}` section",
            rule.id
        );
    }
}

#[test]
fn every_section_names_a_rule_once() {
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for (title, _) in sections(&chapter()) {
        *counts.entry(title).or_default() += 1;
    }
    for (title, count) in &counts {
        assert!(
            rules::find(title).is_some(),
            "`### {title}` in docs/rules.md names no rule; `###` headings are only for rule ids"
        );
        assert_eq!(*count, 1, "docs/rules.md has `### {title}` {count} times");
    }
}

#[test]
fn sections_state_default_level() {
    let sections: BTreeMap<String, String> = sections(&chapter()).into_iter().collect();
    for rule in rules::all() {
        let Some(body) = sections.get(rule.id) else {
            continue;
        };
        let expected = format!("Default level: `{}`", level_word(rule.default));
        assert!(
            body.contains(&expected),
            "the section of `{}` in docs/rules.md does not say \"{expected}\"",
            rule.id
        );
    }
}
