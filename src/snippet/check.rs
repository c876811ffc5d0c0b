//! Shared helpers of the validators: collecting findings, suggesting the closest known key, and
//! the name rules of Kubernetes and Linux.

use std::ops::Range;
use std::sync::Arc;

use crate::diagnostic::{Diagnostic, Label};
use crate::rules::Rule;
use crate::source::SourceFile;

/// The longest Linux interface name in bytes: `IFNAMSIZ` (16) minus the terminating NUL.
pub const MAX_INTERFACE_NAME: usize = 15;

/// Collects the findings of one snippet file.
pub struct Checker {
    /// The snippet file.
    pub file: Arc<SourceFile>,
    /// Findings so far, in the order found.
    pub diagnostics: Vec<Diagnostic>,
}

/// A finding just added, to attach help, notes and further labels to.
pub struct Report<'a>(&'a mut Diagnostic, &'a Arc<SourceFile>);

impl Checker {
    /// Starts with no findings.
    pub fn new(file: Arc<SourceFile>) -> Self {
        Self {
            file,
            diagnostics: Vec::new(),
        }
    }

    /// Adds a finding of `rule` whose primary label `label` covers `span`.
    pub fn report(
        &mut self,
        rule: &'static Rule,
        span: Range<usize>,
        message: impl Into<String>,
        label: impl Into<String>,
    ) -> Report<'_> {
        let diagnostic = Diagnostic::new(rule, message).label(&self.file, span, label);
        self.diagnostics.push(diagnostic);
        let index = self.diagnostics.len() - 1;
        Report(&mut self.diagnostics[index], &self.file)
    }

    /// Reports a document of `kind` that has no `spec`, at `span` (the whole document), with
    /// `help` naming what the spec should contain.
    pub fn missing_spec(&mut self, kind: &str, span: Range<usize>, help: &str) {
        let message = format!("the {kind} has no `spec`");
        self.report(
            &super::rules::MISSING_FIELD,
            span,
            message,
            "`spec` missing here",
        )
        .help(help);
    }
}

impl Report<'_> {
    /// Sets the fix shown as `help:`.
    pub fn help(self, help: impl Into<String>) -> Self {
        self.0.help = Some(help.into());
        self
    }

    /// Adds a `note:` line.
    pub fn note(self, note: impl Into<String>) -> Self {
        self.0.notes.push(note.into());
        self
    }

    /// Adds a secondary label in the same file.
    pub fn label(self, span: Range<usize>, text: impl Into<String>) -> Self {
        self.0.labels.push(Label {
            file: Arc::clone(self.1),
            span,
            text: text.into(),
        });
        self
    }
}

/// Returns the known word closest to `word` if it is a likely typo of it. A likely typo matches
/// when letter case is ignored, is within two edits, or has a Jaro-Winkler similarity of at
/// least 0.8, which catches shortened forms such as `base-interface` for `base-iface`.
pub fn closest<'a>(word: &str, known: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let lower = word.to_lowercase();
    let mut best: Option<(f64, &str)> = None;
    for candidate in known {
        let candidate_lower = candidate.to_lowercase();
        if candidate_lower == lower {
            return Some(candidate);
        }
        let edits = strsim::damerau_levenshtein(&lower, &candidate_lower);
        let similarity = strsim::jaro_winkler(&lower, &candidate_lower);
        let close = edits <= 2 && lower.len() > 2 || similarity >= 0.8;
        let score = similarity - edits as f64 / 100.0;
        if close && best.is_none_or(|(top, _)| score > top) {
            best = Some((score, candidate));
        }
    }
    best.map(|(_, candidate)| candidate)
}

/// Joins words as `a`, `b` and `c` for messages.
pub fn list_words(words: &[&str]) -> String {
    let quoted: Vec<String> = words.iter().map(|w| format!("`{w}`")).collect();
    match quoted.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// Returns why a Linux interface name is invalid, following the kernel's `dev_valid_name`.
pub fn interface_name_problem(name: &str) -> Option<String> {
    if name.is_empty() {
        return Some("is empty".into());
    }
    if name.len() > MAX_INTERFACE_NAME {
        let len = name.len();
        return Some(format!(
            "is {len} bytes long; Linux allows at most {MAX_INTERFACE_NAME}"
        ));
    }
    if name == "." || name == ".." {
        return Some("is `.` or `..`".into());
    }
    let bad = name
        .chars()
        .find(|c| *c == '/' || *c == ':' || c.is_whitespace());
    bad.map(|c| format!("contains {c:?}, which Linux does not allow in an interface name"))
}

/// Returns why `name` is not a DNS-1123 subdomain, the rule for most Kubernetes object names: at most
/// 253 characters of lower-case letters, digits, `-` and `.`, starting and ending with a letter
/// or digit.
pub fn subdomain_problem(name: &str) -> Option<String> {
    if name.len() > 253 {
        return Some(format!(
            "is {} characters long; the maximum is 253",
            name.len()
        ));
    }
    let ok = name
        .split('.')
        .all(|part| label_problem(part, usize::MAX).is_none());
    (!ok).then(|| {
        "must consist of lower-case letters, digits, `-` and `.`, and start and end with a \
         letter or digit"
            .to_string()
    })
}

/// Returns why `name` is not a DNS-1123 label of at most `max` characters, the rule for
/// namespaces.
pub fn label_problem(name: &str, max: usize) -> Option<String> {
    if name.len() > max {
        return Some(format!(
            "is {} characters long; the maximum is {max}",
            name.len()
        ));
    }
    let allowed = name
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    let ends_ok = name.starts_with(|c: char| c.is_ascii_alphanumeric())
        && name.ends_with(|c: char| c.is_ascii_alphanumeric());
    (!(allowed && ends_ok)).then(|| {
        "must consist of lower-case letters, digits and `-`, and start and end with a letter \
         or digit"
            .to_string()
    })
}

/// Returns why `value` is not a valid Kubernetes label value: at most 63 characters of letters,
/// digits, `-`, `_` and `.`, starting and ending with a letter or digit, or empty.
pub fn label_value_problem(value: &str) -> Option<String> {
    if value.len() > 63 {
        return Some(format!(
            "is {} characters long; the maximum is 63",
            value.len()
        ));
    }
    let allowed = value
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
    let ends_ok = value.is_empty()
        || value.starts_with(|c: char| c.is_ascii_alphanumeric())
            && value.ends_with(|c: char| c.is_ascii_alphanumeric());
    (!(allowed && ends_ok)).then(|| {
        "must consist of letters, digits, `-`, `_` and `.`, and start and end with a letter or \
         digit"
            .to_string()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn closest_finds_typos() {
        let vlan = [
            "base-iface",
            "id",
            "protocol",
            "reorder-headers",
            "loose-binding",
        ];
        assert_eq!(closest("base-interface", vlan), Some("base-iface"));
        assert_eq!(
            closest("bridge-mapping", ["bridge-mappings"]),
            Some("bridge-mappings")
        );
        assert_eq!(closest("vlan", ["vlanID", "mtu", "name"]), Some("vlanID"));
        assert_eq!(closest("VLANID", ["vlanID", "mtu"]), Some("vlanID"));
        assert_eq!(closest("zzzz", ["vlanID", "mtu"]), None);
    }

    #[test]
    fn interface_names_follow_kernel_rules() {
        assert_eq!(interface_name_problem("ens4.3876"), None);
        assert!(interface_name_problem("a-very-long-name0").is_some());
        assert!(interface_name_problem("eth0:1").is_some());
        assert!(interface_name_problem("a b").is_some());
        assert!(interface_name_problem("").is_some());
    }

    #[test]
    fn kubernetes_names() {
        assert_eq!(subdomain_problem("nad-lm"), None);
        assert_eq!(subdomain_problem("a.b-c"), None);
        assert!(subdomain_problem("Nad").is_some());
        assert!(subdomain_problem("-a").is_some());
        assert!(label_problem("openshift-cnv", 63).is_none());
        assert!(label_problem("a.b", 63).is_some());
        assert!(label_value_problem("Live_Migration.1").is_none());
        assert!(label_value_problem(&"a".repeat(64)).is_some());
    }
}
