//! A small declarative schema for YAML mappings, and the walker that checks a tree against it.
//!
//! nmstate's API alone has hundreds of keys. Writing each as a table entry ([`Field`]) keeps
//! the key sets easy to compare with their source, and leaves code only for the checks that
//! need it ([`Shape::Custom`]).

use super::check::{Checker, Report, closest, list_words};
use super::rules::{
    INVALID_TYPE, INVALID_VALUE, MISPLACED_FIELD, MISSING_FIELD, NON_CANONICAL_BOOLEAN,
    QUOTED_NUMBER, UNKNOWN_FIELD, VALUE_OUT_OF_RANGE,
};
use super::yaml::{Node, Typed};

/// A custom check of one value: the checker, the value, and its path for messages.
pub type CustomCheck = fn(&mut Checker, &Node, &str);

/// One key of a mapping.
pub struct Field {
    /// The key as written in YAML.
    pub name: &'static str,
    /// The shape its value must have.
    pub shape: Shape,
    /// Whether the key must be present.
    pub required: bool,
}

impl Field {
    /// Creates an optional key.
    pub const fn new(name: &'static str, shape: Shape) -> Self {
        Self {
            name,
            shape,
            required: false,
        }
    }

    /// Creates a key that must be present and not empty.
    pub const fn required(name: &'static str, shape: Shape) -> Self {
        Self {
            name,
            shape,
            required: true,
        }
    }
}

/// The treatment of a number or boolean written as a quoted string.
#[derive(Clone, Copy)]
pub enum Quoted {
    /// The reader converts it, as nmstate's `*_or_string` fields do: a warning, because YAML
    /// tools and other readers see a string.
    Accepted,
    /// The reader rejects it, as the Kubernetes API server does for a typed CRD field.
    Rejected,
    /// The reader converts it and its own examples write it quoted, so it is no finding. nmstate
    /// does this for bond options, which mirror the kernel's bonding options: sysfs and
    /// NetworkManager pass those as strings, and nmstate's examples write `miimon: '140'`.
    Conventional,
}

/// The type and range a value must have.
pub enum Shape {
    /// Anything; the schema does not look inside.
    Any,
    /// A string.
    Str,
    /// A boolean.
    Bool(Quoted),
    /// An integer from `min` to `max`, both included.
    Int {
        /// The smallest allowed value.
        min: i128,
        /// The largest allowed value.
        max: i128,
        /// The treatment of a quoted number.
        quoted: Quoted,
    },
    /// One of a set of strings.
    Enum(&'static [&'static str]),
    /// A mapping with the given keys.
    Map(&'static [Field]),
    /// A mapping of string keys to string values, such as a node selector.
    StringMap,
    /// A list whose items have the given shape.
    List(&'static Shape),
    /// A check written as code.
    Custom(CustomCheck),
    /// A key that belongs elsewhere. The text names the place, as in "directly under
    /// `bridge`".
    Misplaced(&'static str),
}

impl Shape {
    /// Creates an integer shape that nmstate also accepts as a quoted string.
    pub const fn int(min: i128, max: i128) -> Self {
        Shape::Int {
            min,
            max,
            quoted: Quoted::Accepted,
        }
    }

    /// Creates an integer shape whose quoted form is the documented convention.
    pub const fn conventional_int(min: i128, max: i128) -> Self {
        Shape::Int {
            min,
            max,
            quoted: Quoted::Conventional,
        }
    }

    /// Creates the integer shape of a Kubernetes CRD field, where a quoted number is an error.
    pub const fn strict_int(min: i128, max: i128) -> Self {
        Shape::Int {
            min,
            max,
            quoted: Quoted::Rejected,
        }
    }
}

/// Returns extra help for an unknown key, such as "`vlan` belongs to interfaces of type
/// `vlan`".
pub type UnknownHint<'a> = &'a dyn Fn(&str) -> Option<String>;

/// Returns the path of a mapping key, as in `spec.desiredState`.
pub fn child(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

/// Returns the path of a list item, as in `interfaces[2]`.
pub fn item(path: &str, index: usize) -> String {
    format!("{path}[{index}]")
}

/// Returns whether the value is an nmpolicy template such as `"{{ capture.base-iface }}"`, which
/// kubernetes-nmstate replaces before nmstate reads the state, so its final type is unknown.
pub fn is_template(node: &Node) -> bool {
    node.as_str()
        .is_some_and(|s| s.contains("{{") && s.contains("}}"))
}

/// Checks `node` against `shape`.
pub fn check(checker: &mut Checker, node: &Node, shape: &Shape, path: &str) {
    if is_template(node) {
        return;
    }
    match shape {
        Shape::Any => {}
        Shape::Str => {
            check_str(checker, node, path);
        }
        Shape::Bool(quoted) => {
            check_bool(checker, node, path, *quoted);
        }
        Shape::Int { min, max, quoted } => {
            check_int(checker, node, path, *min..=*max, *quoted);
        }
        Shape::Enum(values) => {
            check_enum(checker, node, path, values);
        }
        Shape::Map(fields) => check_map(checker, node, &[fields], path, &|_| None),
        Shape::StringMap => check_string_map(checker, node, path),
        Shape::List(items) => check_list(checker, node, path, items),
        Shape::Custom(custom) => custom(checker, node, path),
        Shape::Misplaced(_) => {}
    }
}

/// Reports a value of the wrong type; the caller may add help to the returned report.
pub fn wrong_type<'c>(
    checker: &'c mut Checker,
    node: &Node,
    path: &str,
    expected: &str,
) -> Report<'c> {
    let actual = node.type_name();
    let message = format!("`{path}` must be {expected}, but it is {actual}");
    let label = format!("expected {expected}");
    let report = checker.report(&INVALID_TYPE, node.span.clone(), message, label);
    if expected == "a string" && node.scalar().is_some() {
        let text = excerpt_text(node);
        return report.help(format!("put the value in quotes: `\"{text}\"`"));
    }
    report
}

fn excerpt_text(node: &Node) -> String {
    node.scalar().map(|s| s.text.clone()).unwrap_or_default()
}

/// Checks that the value is a string; returns it.
pub fn check_str<'n>(checker: &mut Checker, node: &'n Node, path: &str) -> Option<&'n str> {
    let text = node.as_str();
    if text.is_none() {
        wrong_type(checker, node, path, "a string");
    }
    text
}

/// Checks that the value is a boolean; returns it as the reader would.
pub fn check_bool(checker: &mut Checker, node: &Node, path: &str, quoted: Quoted) -> Option<bool> {
    match node.typed() {
        Some(Typed::Bool { value, yaml11 }) => {
            if yaml11 {
                report_yaml11_bool(checker, node, path, value);
            }
            Some(value)
        }
        Some(Typed::Str(text)) => check_string_bool(checker, node, path, text, quoted),
        _ => {
            wrong_type(checker, node, path, "a boolean");
            None
        }
    }
}

fn report_yaml11_bool(checker: &mut Checker, node: &Node, path: &str, value: bool) {
    let text = excerpt_text(node);
    let message = format!(
        "`{path}` is written `{text}`, which only YAML 1.1 parsers such as kubectl's read as \
         a boolean"
    );
    checker
        .report(
            &NON_CANONICAL_BOOLEAN,
            node.span.clone(),
            message,
            "YAML 1.1 boolean",
        )
        .help(format!(
            "write `{value}`; YAML 1.2 tools read `{text}` as a string"
        ));
}

/// Checks a boolean written as a string. nmstate converts `"true"`, `"yes"`, `"1"` and the like,
/// while the Kubernetes API server rejects any string in a boolean field.
fn check_string_bool(
    checker: &mut Checker,
    node: &Node,
    path: &str,
    text: &str,
    quoted: Quoted,
) -> Option<bool> {
    let value = nmstate_bool(text);
    match (value, quoted) {
        (Some(value), Quoted::Conventional) => Some(value),
        (Some(value), Quoted::Accepted) => {
            let message = format!(
                "`{path}` is the string `\"{text}\"`, not a boolean; nmstate converts it, but \
                 other tools read a string"
            );
            checker
                .report(
                    &NON_CANONICAL_BOOLEAN,
                    node.span.clone(),
                    message,
                    "quoted boolean",
                )
                .help(format!("write `{value}` without quotes"));
            Some(value)
        }
        _ => {
            let report = wrong_type(checker, node, path, "a boolean");
            if let Some(value) = value {
                report.help(format!("write `{value}` without quotes"));
            }
            None
        }
    }
}

/// Reads the strings that nmstate's `bool_or_string` accepts as booleans, ignoring letter case.
pub fn nmstate_bool(text: &str) -> Option<bool> {
    match text.to_lowercase().as_str() {
        "1" | "true" | "yes" | "on" | "y" => Some(true),
        "0" | "false" | "no" | "off" | "n" => Some(false),
        _ => None,
    }
}

/// Checks that the value is an integer in `range`; returns it when it is an integer, even out
/// of range.
pub fn check_int(
    checker: &mut Checker,
    node: &Node,
    path: &str,
    range: std::ops::RangeInclusive<i128>,
    quoted: Quoted,
) -> Option<i128> {
    let value = match node.typed() {
        Some(Typed::Int(value)) => value,
        Some(Typed::Str(text)) => check_string_int(checker, node, path, text, quoted)?,
        _ => {
            wrong_type(checker, node, path, "an integer");
            return None;
        }
    };
    let in_range = value.is_some_and(|v| range.contains(&v));
    if !in_range {
        let shown = value.map_or_else(|| excerpt_text(node), |v| v.to_string());
        let (min, max) = (range.start(), range.end());
        let message = format!("`{path}` is {shown}, outside the range {min} to {max}");
        checker
            .report(
                &VALUE_OUT_OF_RANGE,
                node.span.clone(),
                message,
                "out of range",
            )
            .help(format!("use a value from {min} to {max}"));
    }
    value
}

/// Checks an integer written as a string. The outer `None` means "not usable", the inner one "too
/// large".
fn check_string_int(
    checker: &mut Checker,
    node: &Node,
    path: &str,
    text: &str,
    quoted: Quoted,
) -> Option<Option<i128>> {
    let digits = !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit());
    if !digits || matches!(quoted, Quoted::Rejected) {
        let report = wrong_type(checker, node, path, "an integer");
        if digits {
            report.help(format!("write `{text}` without quotes"));
        }
        return None;
    }
    if matches!(quoted, Quoted::Conventional) {
        return Some(text.parse().ok());
    }
    let message = format!(
        "`{path}` is the string `\"{text}\"`, not a number; nmstate converts it, but other \
         tools read a string"
    );
    checker
        .report(&QUOTED_NUMBER, node.span.clone(), message, "quoted number")
        .help(format!("write `{text}` without quotes"));
    Some(text.parse().ok())
}

/// Checks that the value is one of `values`; returns it when it is.
pub fn check_enum<'n>(
    checker: &mut Checker,
    node: &'n Node,
    path: &str,
    values: &[&str],
) -> Option<&'n str> {
    let Some(scalar) = node.scalar() else {
        wrong_type(checker, node, path, "a string");
        return None;
    };
    let text = scalar.text.as_str();
    if values.contains(&text) {
        return Some(text);
    }
    let suggestion = closest(text, values.iter().copied());
    let message = format!(
        "`{path}` is `{text}`, which is not one of {}",
        list_words(values)
    );
    let help = match suggestion {
        Some(s) => format!("use `{s}`"),
        None => format!("use one of {}", list_words(values)),
    };
    checker
        .report(&INVALID_VALUE, node.span.clone(), message, "invalid value")
        .help(help);
    None
}

fn check_string_map(checker: &mut Checker, node: &Node, path: &str) {
    let Some(entries) = node.entries() else {
        wrong_type(checker, node, path, "a mapping of strings to strings");
        return;
    };
    for entry in entries {
        let Some(key) = entry.key.scalar() else {
            wrong_type(checker, &entry.key, path, "a string key");
            continue;
        };
        if entry.value.as_str().is_none() {
            let value_path = child(path, &key.text);
            wrong_type(checker, &entry.value, &value_path, "a string");
        }
    }
}

fn check_list(checker: &mut Checker, node: &Node, path: &str, shape: &Shape) {
    let Some(items) = node.items() else {
        wrong_type(checker, node, path, "a list");
        return;
    };
    for (index, value) in items.iter().enumerate() {
        let item_path = item(path, index);
        if value.is_null() {
            wrong_type(checker, value, &item_path, "a list item");
            continue;
        }
        check(checker, value, shape, &item_path);
    }
}

/// Checks a mapping whose keys come from one or more field sets; `hint` adds help for unknown
/// keys.
pub fn check_map(
    checker: &mut Checker,
    node: &Node,
    sets: &[&[Field]],
    path: &str,
    hint: UnknownHint<'_>,
) {
    let Some(entries) = node.entries() else {
        if !node.is_null() {
            wrong_type(checker, node, path, "a mapping");
        }
        return;
    };
    let mut renamed = Vec::new();
    for entry in entries {
        let Some(key) = entry.key.as_str() else {
            wrong_type(checker, &entry.key, path, "a string key");
            continue;
        };
        match find_field(sets, key) {
            Some(field) => check_field(checker, field, &entry.key, &entry.value, path),
            None => renamed.extend(unknown_key(checker, &entry.key, sets, path, hint)),
        }
    }
    report_missing(checker, node, sets, path, &renamed);
}

fn find_field<'s>(sets: &[&'s [Field]], key: &str) -> Option<&'s Field> {
    sets.iter()
        .flat_map(|set| set.iter())
        .find(|f| f.name == key)
}

fn check_field(checker: &mut Checker, field: &Field, key: &Node, value: &Node, path: &str) {
    let field_path = child(path, field.name);
    if let Shape::Misplaced(place) = field.shape {
        let message = format!("`{}` does not belong in `{path}`", field.name);
        checker
            .report(&MISPLACED_FIELD, key.span.clone(), message, "misplaced key")
            .help(format!("move it {place}"));
        return;
    }
    if value.is_null() {
        if field.required {
            let message = format!("`{field_path}` is empty, but it is required");
            checker.report(&MISSING_FIELD, key.span.clone(), message, "empty value");
        }
        return;
    }
    check(checker, value, &field.shape, &field_path);
}

fn unknown_key(
    checker: &mut Checker,
    key_node: &Node,
    sets: &[&[Field]],
    path: &str,
    hint: UnknownHint<'_>,
) -> Option<&'static str> {
    let key = key_node.as_str().unwrap_or("");
    let names: Vec<&'static str> = sets
        .iter()
        .flat_map(|set| set.iter())
        .map(|f| f.name)
        .collect();
    let suggestion = closest(key, names.iter().copied());
    let place = if path.is_empty() {
        "the document"
    } else {
        path
    };
    let message = format!("unknown key `{key}` in `{place}`");
    let help = match (hint(key), suggestion) {
        (Some(hint), _) => hint,
        (None, Some(s)) => format!("rename it to `{s}`"),
        (None, None) if names.len() <= 12 => {
            format!("remove it; `{place}` accepts {}", list_words(&names))
        }
        (None, None) => "remove it, or check the spelling against the API reference".into(),
    };
    checker
        .report(
            &UNKNOWN_FIELD,
            key_node.span.clone(),
            message,
            "unknown key",
        )
        .help(help);
    suggestion
}

/// Reports required keys that are missing, except those an unknown key was already reported
/// as a likely misspelling of.
fn report_missing(
    checker: &mut Checker,
    node: &Node,
    sets: &[&[Field]],
    path: &str,
    renamed: &[&str],
) {
    let required = sets
        .iter()
        .flat_map(|set| set.iter())
        .filter(|f| f.required && !renamed.contains(&f.name));
    for field in required {
        if node.get(field.name).is_none() {
            let place = if path.is_empty() {
                "the document"
            } else {
                path
            };
            let message = format!("`{place}` has no `{}`, which is required", field.name);
            let label = format!("`{}` missing here", field.name);
            checker.report(&MISSING_FIELD, node.span.clone(), message, label);
        }
    }
}
