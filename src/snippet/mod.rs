//! Parsing and validating the Kubernetes YAML snippets that chapters include.
//!
//! NOTE: placeholder interface; the validation rules land with the snippet validation work.

pub mod rules;

use std::sync::Arc;

use crate::diagnostic::Diagnostic;
use crate::source::SourceFile;

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
    /// The name used in the summary line.
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
    /// What the document is.
    pub kind: Kind,
    /// Whether netsnip knows the kind's schema and checked the document against it.
    pub validated: bool,
}

/// A parsed and validated snippet file.
#[derive(Debug)]
pub struct Snippet {
    /// The file.
    pub file: Arc<SourceFile>,
    /// Its documents, in order.
    pub documents: Vec<Document>,
    /// Findings inside the file.
    pub diagnostics: Vec<Diagnostic>,
}

/// Parses and validates one YAML snippet file.
pub fn analyze(file: Arc<SourceFile>) -> Snippet {
    Snippet {
        file,
        documents: Vec::new(),
        diagnostics: Vec::new(),
    }
}
