//! Parsing and validating the Kubernetes YAML snippets that chapters include.
//!
//! Each YAML file is parsed once into a tree that keeps positions ([`yaml`]), every document is
//! identified by `apiVersion` and `kind`, and the kinds netsnip has schemas for are checked against their
//! schemas: nmstate policies ([`nncp`], [`nmstate`]), NetworkAttachmentDefinitions ([`nad`],
//! [`ovn`]) and HyperConverged ([`hco`]). Findings point at the exact value, inside the JSON of
//! a NAD's `spec.config` too. Besides findings, each [`Document`] carries a typed [`model`] that
//! rules comparing several snippets read instead of the YAML.

mod check;
mod extract;
mod hco;
mod json;
pub mod model;
mod nad;
pub mod net;
mod nmstate;
mod nncp;
mod ovn;
mod position;
pub mod rules;
mod schema;
mod syntax;
mod values;
mod yaml;

use std::collections::HashMap;
use std::ops::Range;
use std::sync::Arc;

use crate::diagnostic::Diagnostic;
use crate::source::SourceFile;

use check::{Checker, label_problem, subdomain_problem};
use extract::text;
use model::{Attachment, HyperConverged, Model, Policy, Spanned};
use rules::{INVALID_METADATA_NAME, INVALID_TYPE, MISSING_FIELD, YAML_DUPLICATE_KEY, YAML_SYNTAX};
use schema::wrong_type;
use yaml::Node;

/// The kinds of document netsnip validates in depth.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    /// nmstate `NodeNetworkConfigurationPolicy`.
    NodeNetworkConfigurationPolicy,
    /// Multus `NetworkAttachmentDefinition`.
    NetworkAttachmentDefinition,
    /// OpenShift Virtualization `HyperConverged`.
    HyperConverged,
    /// Any other kind: checked for YAML syntax and identity only.
    Other(String),
}

impl Kind {
    /// Returns the name used in the summary line.
    pub fn label(&self) -> &str {
        match self {
            Kind::NodeNetworkConfigurationPolicy => "NodeNetworkConfigurationPolicy",
            Kind::NetworkAttachmentDefinition => "NetworkAttachmentDefinition",
            Kind::HyperConverged => "HyperConverged",
            Kind::Other(kind) => kind,
        }
    }
}

/// One YAML document of a snippet file.
#[derive(Debug)]
pub struct Document {
    /// The document's kind.
    pub kind: Kind,
    /// Whether netsnip has the kind's schema and checked the document against it.
    pub validated: bool,
    /// Byte range of the whole document in the snippet file.
    pub span: Range<usize>,
    /// `apiVersion`, when it is a string.
    pub api_version: Option<Spanned<String>>,
    /// `metadata.name`, when it is a string.
    pub name: Option<Spanned<String>>,
    /// `metadata.namespace`, when it is a string.
    pub namespace: Option<Spanned<String>>,
    /// The typed content, for the kinds netsnip validates.
    pub model: Model,
}

impl Document {
    /// Returns the policy if the document is a NodeNetworkConfigurationPolicy.
    pub fn nncp(&self) -> Option<&Policy> {
        match &self.model {
            Model::Policy(policy) => Some(policy),
            _ => None,
        }
    }

    /// Returns the attachment if the document is a NetworkAttachmentDefinition.
    pub fn nad(&self) -> Option<&Attachment> {
        match &self.model {
            Model::Attachment(attachment) => Some(attachment),
            _ => None,
        }
    }

    /// Returns the HyperConverged settings if the document is a HyperConverged.
    pub fn hyperconverged(&self) -> Option<&HyperConverged> {
        match &self.model {
            Model::HyperConverged(hyperconverged) => Some(hyperconverged),
            _ => None,
        }
    }
}

/// A parsed and validated snippet file.
#[derive(Debug)]
pub struct Snippet {
    /// The file.
    pub file: Arc<SourceFile>,
    /// Its documents, in order. A document cut off by a syntax error is left out.
    pub documents: Vec<Document>,
    /// Findings inside the file, in file order.
    pub diagnostics: Vec<Diagnostic>,
}

/// Parses and validates one YAML snippet file. Broken input becomes findings, not a panic;
/// `tests/snippet_rules.rs` feeds it such input.
pub fn analyze(file: Arc<SourceFile>) -> Snippet {
    let mut checker = Checker::new(Arc::clone(&file));
    let stream = yaml::parse(file.text());
    let documents = stream
        .documents
        .iter()
        .map(|root| {
            report_duplicate_keys(&mut checker, root);
            analyze_document(&mut checker, root)
        })
        .collect();
    if let Some(error) = stream.error {
        report_syntax_error(&mut checker, &error);
    }
    let mut diagnostics = checker.diagnostics;
    diagnostics.sort_by_key(|d| d.primary().map_or(0, |label| label.span.start));
    Snippet {
        file,
        documents,
        diagnostics,
    }
}

fn report_syntax_error(checker: &mut Checker, error: &yaml::SyntaxError) {
    let text = checker.file.text();
    let span = syntax::char_span(text, error.offset);
    let related = error
        .related
        .as_ref()
        .map(|(offset, label)| (syntax::char_span(text, *offset), label.clone()));
    let mut report = checker.report(&YAML_SYNTAX, span, &error.message, &error.label);
    if let Some((span, label)) = related {
        report = report.label(span, label);
    }
    if let Some(help) = &error.help {
        report = report.help(help);
    }
    report.note("netsnip does not check the rest of the file");
}

/// Reports keys that repeat in a mapping, anywhere in the tree.
fn report_duplicate_keys(checker: &mut Checker, node: &Node) {
    let mut first_keys: HashMap<&str, &Node> = HashMap::new();
    for entry in node.entries().unwrap_or(&[]) {
        if let Some(key) = entry.key.scalar().map(|s| s.text.as_str()) {
            match first_keys.get(key) {
                Some(first) => report_duplicate_key(checker, key, &entry.key, first),
                None => {
                    first_keys.insert(key, &entry.key);
                }
            }
        }
        report_duplicate_keys(checker, &entry.value);
    }
    for item in node.items().unwrap_or(&[]) {
        report_duplicate_keys(checker, item);
    }
}

fn report_duplicate_key(checker: &mut Checker, key: &str, repeated: &Node, first: &Node) {
    let message = format!("the key `{key}` appears twice in the same mapping");
    let span = repeated.span.clone();
    checker
        .report(&YAML_DUPLICATE_KEY, span, message, "repeated key")
        .label(first.span.clone(), "first occurrence")
        .help("merge the two entries; kubectl rejects a mapping with a repeated key");
}

/// Identifies one document and validates it if its kind is known.
fn analyze_document(checker: &mut Checker, root: &Node) -> Document {
    let mut document = Document {
        kind: Kind::Other("unknown".into()),
        validated: false,
        span: root.span.clone(),
        api_version: None,
        name: None,
        namespace: None,
        model: Model::None,
    };
    if root.entries().is_none() {
        let message = format!(
            "a Kubernetes document must be a mapping, but this one is {}",
            root.type_name()
        );
        checker.report(
            &INVALID_TYPE,
            root.span.clone(),
            message,
            "expected a mapping",
        );
        return document;
    }
    document.api_version = required_string(checker, root, "apiVersion");
    let kind = required_string(checker, root, "kind");
    check_metadata(checker, root);
    document.name = text(root.path(&["metadata", "name"]));
    document.namespace = text(root.path(&["metadata", "namespace"]));
    let api_version = document.api_version.as_ref().map(|a| a.value.clone());
    let kind = kind.map(|k| k.value).unwrap_or_else(|| "unknown".into());
    validate_kind(checker, root, &mut document, (api_version.as_deref(), kind));
    document
}

/// Dispatches on `apiVersion` and `kind`.
fn validate_kind(
    checker: &mut Checker,
    root: &Node,
    document: &mut Document,
    (api_version, kind): (Option<&str>, String),
) {
    let (kind, model) = match (api_version, kind.as_str()) {
        (Some("nmstate.io/v1" | nncp::DEPRECATED_VERSION), "NodeNetworkConfigurationPolicy") => {
            check_object_names(checker, root, false);
            let policy = nncp::validate(checker, root);
            (Kind::NodeNetworkConfigurationPolicy, Model::Policy(policy))
        }
        (Some("k8s.cni.cncf.io/v1"), "NetworkAttachmentDefinition") => {
            check_object_names(checker, root, true);
            let attachment = nad::validate(checker, root);
            (
                Kind::NetworkAttachmentDefinition,
                Model::Attachment(attachment),
            )
        }
        (Some("hco.kubevirt.io/v1beta1"), "HyperConverged") => {
            check_object_names(checker, root, true);
            let hyperconverged = hco::validate(checker, root);
            (Kind::HyperConverged, Model::HyperConverged(hyperconverged))
        }
        _ => {
            document.kind = Kind::Other(kind);
            return;
        }
    };
    document.kind = kind;
    document.validated = true;
    document.model = model;
}

/// Reads a top-level string that every Kubernetes object needs.
fn required_string(checker: &mut Checker, root: &Node, key: &str) -> Option<Spanned<String>> {
    let Some(node) = root.get(key) else {
        let message = format!("the document has no `{key}`, which every Kubernetes object needs");
        checker.report(
            &MISSING_FIELD,
            root.span.clone(),
            message,
            format!("`{key}` missing here"),
        );
        return None;
    };
    if node.as_str().is_none() {
        wrong_type(checker, node, key, "a string");
    }
    text(Some(node))
}

/// `metadata` with a `name`, or a `generateName` for objects created with `kubectl create`.
fn check_metadata(checker: &mut Checker, root: &Node) {
    let Some(metadata) = root.get("metadata") else {
        let message = "the document has no `metadata`, so the object has no name";
        checker
            .report(
                &MISSING_FIELD,
                root.span.clone(),
                message,
                "`metadata` missing here",
            )
            .help("add `metadata:` with a `name`");
        return;
    };
    if metadata.entries().is_none() {
        wrong_type(checker, metadata, "metadata", "a mapping");
        return;
    }
    match metadata
        .get("name")
        .or_else(|| metadata.get("generateName"))
    {
        Some(name) if name.as_str().is_none() => {
            wrong_type(checker, name, "metadata.name", "a string");
        }
        Some(_) => {}
        None => {
            let message = "`metadata` has no `name`";
            checker.report(
                &MISSING_FIELD,
                metadata.span.clone(),
                message,
                "`name` missing here",
            );
        }
    }
}

/// The name must be a DNS-1123 subdomain and a namespace a DNS-1123 label, as the API server
/// requires for these kinds.
fn check_object_names(checker: &mut Checker, root: &Node, namespaced: bool) {
    if let Some(name) = root.path(&["metadata", "name"])
        && let Some(value) = name.as_str()
        && let Some(problem) = subdomain_problem(value)
    {
        let message = format!("`metadata.name` `{value}` {problem}");
        checker
            .report(
                &INVALID_METADATA_NAME,
                name.span.clone(),
                message,
                "invalid name",
            )
            .help("use lower-case letters, digits, `-` and `.`, such as `nad-lm`");
    }
    let namespace = root.path(&["metadata", "namespace"]).filter(|_| namespaced);
    if let Some(namespace) = namespace
        && let Some(value) = namespace.as_str()
        && let Some(problem) = label_problem(value, 63)
    {
        let message = format!("`metadata.namespace` `{value}` {problem}");
        checker.report(
            &INVALID_METADATA_NAME,
            namespace.span.clone(),
            message,
            "invalid namespace",
        );
    }
}
