//! The registry of rules. Each concern (directives, snippet kinds, consistency) declares its
//! rules as constants in its own module, each with its id, default level and summary in one
//! place; this module lists them all so that configuration and suppression comments can reject
//! an unknown id.

use std::collections::BTreeMap;
use std::fmt;

/// How a rule's findings are treated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    /// The rule does not report.
    Allow,
    /// Findings are warnings: printed, and fatal only with `--deny warnings`.
    Warn,
    /// Findings are errors: the command exits with 1.
    Deny,
}

impl Level {
    /// Parses the spelling used in `book.toml` (`allow`, `warn`, `deny`).
    pub fn parse(text: &str) -> Option<Level> {
        match text {
            "allow" => Some(Level::Allow),
            "warn" => Some(Level::Warn),
            "deny" => Some(Level::Deny),
            _ => None,
        }
    }
}

/// A check with a stable kebab-case id, like a clippy lint.
#[derive(Debug, PartialEq, Eq)]
pub struct Rule {
    /// The stable id used in output, `book.toml` and suppression comments.
    pub id: &'static str,
    /// The level used unless `book.toml` sets another.
    pub default: Level,
    /// A one-line description of what the rule checks, used in `netsnip rules` and the docs.
    pub summary: &'static str,
}

impl fmt::Display for Rule {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(self.id)
    }
}

/// Iterates over every rule netsnip defines, across all concerns.
pub fn all() -> impl Iterator<Item = &'static Rule> {
    crate::expand::rules::RULES
        .iter()
        .chain(crate::snippet::rules::RULES)
        .chain(crate::consistency::rules::RULES)
        .copied()
}

/// Looks a rule up by id.
pub fn find(id: &str) -> Option<&'static Rule> {
    all().find(|rule| rule.id == id)
}

/// Levels set in `book.toml` under `[preprocessor.netsnip.rules]`, over the defaults.
#[derive(Debug, Clone, Default)]
pub struct RuleLevels {
    overrides: BTreeMap<&'static str, Level>,
}

impl RuleLevels {
    /// Sets the level of one rule.
    pub fn set(&mut self, rule: &'static Rule, level: Level) {
        self.overrides.insert(rule.id, level);
    }

    /// The level `book.toml` sets for `rule`, if it sets one.
    pub fn overridden(&self, rule: &Rule) -> Option<Level> {
        self.overrides.get(rule.id).copied()
    }

    /// The level in force for `rule`.
    pub fn level(&self, rule: &Rule) -> Level {
        self.overrides.get(rule.id).copied().unwrap_or(rule.default)
    }
}
