//! Rules about single snippet files.

use crate::rules::Rule;

/// Every rule of this module.
pub const RULES: &[&Rule] = &[];
