//! Lenient readers that turn YAML nodes into model values.
//!
//! The validators have already reported every value of the wrong type. These readers only
//! decide whether a value is usable: they return `None` for a wrong type or an nmpolicy
//! template, and accept what the consuming program accepts (nmstate reads `"true"` and
//! `"1500"` as a boolean and a number).

use super::model::Spanned;
use super::schema::{is_template, nmstate_bool};
use super::yaml::{Node, Typed};

/// Reads a string.
pub fn text(node: Option<&Node>) -> Option<Spanned<String>> {
    let node = node.filter(|n| !is_template(n))?;
    let value = node.as_str()?;
    Some(Spanned::new(value.to_string(), node.span.clone()))
}

/// Reads a boolean, or a string that nmstate reads as one.
pub fn flag(node: Option<&Node>) -> Option<Spanned<bool>> {
    let node = node?;
    let value = match node.typed()? {
        Typed::Bool { value, .. } => value,
        Typed::Str(text) => nmstate_bool(text)?,
        _ => return None,
    };
    Some(Spanned::new(value, node.span.clone()))
}

/// Reads an integer, or a string of digits, that fits `T`.
pub fn number<T: TryFrom<i128>>(node: Option<&Node>) -> Option<Spanned<T>> {
    let node = node?;
    let value: i128 = match node.typed()? {
        Typed::Int(Some(value)) => value,
        Typed::Str(text) if text.bytes().all(|b| b.is_ascii_digit()) => text.parse().ok()?,
        _ => return None,
    };
    let value = T::try_from(value).ok()?;
    Some(Spanned::new(value, node.span.clone()))
}

/// Reads a string and converts it with `parse`.
pub fn parsed<T>(node: Option<&Node>, parse: impl FnOnce(&str) -> Option<T>) -> Option<Spanned<T>> {
    text(node).and_then(|s| Some(Spanned::new(parse(&s.value)?, s.span)))
}

/// Returns the items of a list, or none.
pub fn items(node: Option<&Node>) -> &[Node] {
    node.and_then(Node::items).unwrap_or(&[])
}
