//! netsnip builds networking guides whose Kubernetes YAML snippets are checked, not just
//! pasted.
//!
//! Chapters include snippets with `!!!include(file.yaml)!!!` directives. The library expands
//! them ([`directive`], [`expand`]), validates every included snippet ([`snippet`]), reports
//! findings against the files as the author wrote them ([`diagnostic`], [`report`]) and writes
//! standalone Markdown and an mdBook HTML book ([`output`]). `ARCHITECTURE.md` maps the path of
//! the data through these modules.

#![deny(missing_docs)]

pub mod analysis;
pub mod book;
pub mod commands;
pub mod config;
pub mod consistency;
pub mod diagnostic;
pub mod directive;
pub mod error;
pub mod expand;
pub mod files;
pub mod markdown;
pub mod output;
pub mod preprocessor;
pub mod report;
pub mod rules;
pub mod snippet;
pub mod source;
pub mod suppress;
pub mod watch;
