//! The snippets a rule reads: those of one chapter, or those of the whole book.
//!
//! A chapter with everything it includes is the first scope. References that the chapter
//! cannot resolve are looked up in the book scope, so that one chapter may set up the hosts and
//! another the networks.

use std::ops::Range;
use std::path::Path;
use std::sync::Arc;

use foldhash::{HashMap, HashSet};

use crate::analysis::ExpandedChapter;
use crate::diagnostic::Severity;
use crate::snippet::Snippet;
use crate::snippet::model::{
    Attachment, HyperConverged, InterfaceState, Model, Policy, Spanned, Topology,
};
use crate::snippet::rules::YAML_SYNTAX;
use crate::source::SourceFile;

/// A modelled document together with the snippet file its spans point into.
#[derive(Debug)]
pub struct Located<'a, T> {
    /// The snippet file.
    pub file: &'a Arc<SourceFile>,
    /// The document's model.
    pub value: &'a T,
}

impl<T> Clone for Located<'_, T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for Located<'_, T> {}

impl<T> std::ops::Deref for Located<'_, T> {
    type Target = T;

    fn deref(&self) -> &T {
        self.value
    }
}

/// The validated snippets, built once per pass so that each chapter finds its inclusions
/// without a search through every snippet.
///
/// An inclusion usually shares its `SourceFile` with the snippet, because the [`FileCache`]
/// loads each path once per pass, so the lookup by address avoids hashing the path, which
/// hashes it component by component. In watch mode a snippet whose text did not change is
/// kept while the file is loaded again, so the lookup falls back to the path.
///
/// [`FileCache`]: crate::files::FileCache
#[derive(Debug, Default)]
pub struct SnippetIndex<'a> {
    by_address: HashMap<usize, &'a Snippet>,
    by_path: HashMap<&'a Path, &'a Snippet>,
}

impl<'a> SnippetIndex<'a> {
    /// Indexes `snippets`.
    pub fn new(snippets: &'a [Snippet]) -> Self {
        SnippetIndex {
            by_address: snippets.iter().map(|s| (address(&s.file), s)).collect(),
            by_path: snippets.iter().map(|s| (s.file.path(), s)).collect(),
        }
    }

    /// The snippet of `file`, if it was validated.
    fn get(&self, file: &Arc<SourceFile>) -> Option<&'a Snippet> {
        let found = self.by_address.get(&address(file)).copied();
        found.or_else(|| self.by_path.get(file.path()).copied())
    }
}

/// The address of the shared file, as a key that identifies it while an `Arc` to it lives.
fn address(file: &Arc<SourceFile>) -> usize {
    Arc::as_ptr(file) as usize
}

/// The modelled documents of a set of snippets, in inclusion order.
#[derive(Debug, Default)]
pub struct Scope<'a> {
    /// Every snippet in the scope.
    pub snippets: Vec<&'a Snippet>,
    /// NodeNetworkConfigurationPolicies.
    pub policies: Vec<Located<'a, Policy>>,
    /// NetworkAttachmentDefinitions.
    pub attachments: Vec<Located<'a, Attachment>>,
    /// HyperConverged resources.
    pub hyperconvergeds: Vec<Located<'a, HyperConverged>>,
    /// Whether documents that belong to the scope are missing: a snippet is not valid YAML, or
    /// a directive failed to resolve. Rules that report something as missing stay quiet then,
    /// because the snippet's or the directive's own finding already explains the gap.
    pub incomplete: bool,
    /// The primary spans of the errors that the snippet validator found in the scope's
    /// snippets. Rules neither match nor suggest a value that lies in one of them.
    faults: Vec<(&'a Path, Range<usize>)>,
}

impl<'a> Scope<'a> {
    /// Collects the documents of `snippets`.
    pub fn of(snippets: impl IntoIterator<Item = &'a Snippet>) -> Self {
        let mut scope = Scope::default();
        for snippet in snippets {
            scope.snippets.push(snippet);
            scope.incomplete |= snippet.diagnostics.iter().any(|d| d.rule == &YAML_SYNTAX);
            scope.add_faults(snippet);
            for document in &snippet.documents {
                scope.add(&snippet.file, &document.model);
            }
        }
        scope
    }

    /// Collects the YAML snippets that `chapter` includes, nested Markdown included.
    /// `snippets` maps each validated snippet's path to the snippet ([`index`]).
    pub fn of_chapter(chapter: &ExpandedChapter, snippets: &SnippetIndex<'a>) -> Self {
        let mut seen: HashSet<usize> = HashSet::default();
        let chosen: Vec<&Snippet> = chapter
            .expansion
            .inclusions
            .iter()
            .filter_map(|inclusion| snippets.get(&inclusion.target))
            .filter(|snippet| seen.insert(address(&snippet.file)))
            .collect();
        let mut scope = Scope::of(chosen);
        scope.incomplete |= super::has_directive_errors(chapter);
        scope
    }

    fn add_faults(&mut self, snippet: &'a Snippet) {
        let errors = snippet
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error);
        for primary in errors.filter_map(|d| d.labels.first()) {
            if primary.file.path() == snippet.file.path() {
                self.faults
                    .push((snippet.file.path(), primary.span.clone()));
            }
        }
    }

    /// Whether the snippet validator reported an error on the value at `span` of `file`, such
    /// as an invalid `metadata.name`. Suggesting that value would repeat the mistake, and a
    /// lookup that misses it may only echo the error.
    pub fn is_faulty(&self, file: &SourceFile, span: &Range<usize>) -> bool {
        self.faults.iter().any(|(path, fault)| {
            let overlaps = fault.start < span.end && span.start < fault.end;
            *path == file.path() && (overlaps || fault.start == span.start)
        })
    }

    /// Whether `value`, read from `file`, is one the snippet validator reported an error on.
    pub fn is_faulty_value<T>(&self, file: &SourceFile, value: Option<&Spanned<T>>) -> bool {
        value.is_some_and(|v| self.is_faulty(file, &v.span))
    }

    fn add(&mut self, file: &'a Arc<SourceFile>, model: &'a Model) {
        match model {
            Model::Policy(value) => self.policies.push(Located { file, value }),
            Model::Attachment(value) => self.attachments.push(Located { file, value }),
            Model::HyperConverged(value) => self.hyperconvergeds.push(Located { file, value }),
            Model::None => {}
        }
    }

    /// Policies grouped by `metadata.name`. Policies of one group are alternatives: a cluster
    /// applies only one of them, so each is checked on its own. A policy without a name is a
    /// group of its own.
    pub fn policy_groups(&self) -> Vec<Vec<Located<'a, Policy>>> {
        let mut groups: Vec<Vec<Located<'a, Policy>>> = Vec::new();
        for policy in &self.policies {
            let name = policy.name.as_ref().map(Spanned::as_str);
            let group = name.and_then(|name| {
                groups
                    .iter_mut()
                    .find(|g| g[0].name.as_ref().map(Spanned::as_str) == Some(name))
            });
            match group {
                Some(group) => group.push(*policy),
                None => groups.push(vec![*policy]),
            }
        }
        groups
    }

    /// The NADs with the OVN-Kubernetes `localnet` topology.
    pub fn localnets(&self) -> impl Iterator<Item = Located<'a, Attachment>> + '_ {
        self.attachments.iter().copied().filter(is_localnet)
    }

    /// Whether a NAD's `metadata.name` or `metadata.namespace` has an error finding, so that a
    /// lookup by name may miss the NAD the author meant.
    pub fn has_faulty_nad_name(&self) -> bool {
        self.attachments.iter().any(|nad| {
            self.is_faulty_value(nad.file, nad.name.as_ref())
                || self.is_faulty_value(nad.file, nad.namespace.as_ref())
        })
    }

    /// Whether the scope has no modelled document at all.
    pub fn is_empty(&self) -> bool {
        self.policies.is_empty() && self.attachments.is_empty() && self.hyperconvergeds.is_empty()
    }
}

/// Whether a NAD uses the `localnet` topology.
pub fn is_localnet(attachment: &Located<'_, Attachment>) -> bool {
    let topology = attachment.config.as_ref().and_then(|c| c.topology.as_ref());
    topology.is_some_and(|t| t.value == Topology::Localnet)
}

/// Whether an interface or mapping `state` removes the thing it is on.
pub fn is_absent(state: Option<&Spanned<InterfaceState>>) -> bool {
    state.is_some_and(|s| s.value == InterfaceState::Absent)
}
