//! NetworkAttachmentDefinition documents: `spec.config` is a CNI configuration, JSON inside a
//! YAML string.
//!
//! Multus passes the string to the CNI plugin unchanged, so a YAML mapping in its place, a JSON
//! syntax error or a mistyped key surfaces only when a pod attaches. Every JSON position found
//! here is mapped back into the YAML file through [`ValueMap`].

use std::collections::HashMap;
use std::ops::Range;

use super::check::Checker;
use super::extract::text;
use super::json::{self, Json, JsonValue, Member};
use super::model::{Attachment, NetConf, Spanned};
use super::ovn;
use super::position::ValueMap;
use super::rules::{INVALID_JSON, INVALID_TYPE, JSON_DUPLICATE_KEY};
use super::schema::{Field, Shape, check_map};
use super::yaml::Node;

/// The plugin type OVN-Kubernetes registers.
pub const OVN_TYPE: &str = "ovn-k8s-cni-overlay";

const SPEC: &[Field] = &[Field::required("config", Shape::Any)];

/// `spec.config` parsed as JSON, with the map from JSON offsets to the YAML file.
pub struct Config {
    /// The JSON text: the YAML string's value.
    pub text: String,
    /// The parsed JSON.
    pub json: Json,
    /// Maps byte offsets of the JSON text to the YAML file.
    pub map: ValueMap,
    /// Byte range of the YAML string in the file.
    pub span: Range<usize>,
}

impl Config {
    /// Maps a range of the JSON text to the YAML file.
    pub fn span(&self, range: Range<usize>) -> Range<usize> {
        self.map.span(range)
    }

    /// Returns the text between the quotes of a JSON string value, escapes not decoded.
    pub fn raw_string(&self, value: &Json) -> Option<&str> {
        let inner = value.span.start + 1..value.span.end.saturating_sub(1);
        self.text.get(inner)
    }

    /// Returns the members of the top-level object.
    pub fn members(&self) -> &[Member] {
        match &self.json.value {
            JsonValue::Object(members) => members,
            _ => &[],
        }
    }

    /// Returns a JSON string value with its span in the YAML file.
    pub fn string(&self, value: &Json) -> Option<Spanned<String>> {
        match &value.value {
            JsonValue::String(text) => {
                Some(Spanned::new(text.clone(), self.span(value.span.clone())))
            }
            _ => None,
        }
    }
}

/// Validates a NAD document and reads its model.
pub fn validate(checker: &mut Checker, root: &Node) -> Attachment {
    let mut attachment = Attachment {
        name: text(root.path(&["metadata", "name"])),
        namespace: text(root.path(&["metadata", "namespace"])),
        config: None,
    };
    let Some(spec) = root.get("spec") else {
        checker.missing_spec(
            "NetworkAttachmentDefinition",
            root.span.clone(),
            "add `spec.config` with the CNI configuration as a JSON string",
        );
        return attachment;
    };
    check_map(checker, spec, &[SPEC], "spec", &|_| None);
    let config = spec
        .get("config")
        .and_then(|node| read_config(checker, node));
    if let Some(config) = config {
        attachment.config = Some(check_config(checker, &config, &attachment));
    }
    attachment
}

/// Reads `spec.config` as a JSON object, reporting why it is not one.
fn read_config(checker: &mut Checker, node: &Node) -> Option<Config> {
    if node.entries().is_some() {
        let message = "`spec.config` is a YAML mapping, but it must be a string holding JSON";
        checker
            .report(&INVALID_TYPE, node.span.clone(), message, "YAML mapping")
            .help("write `config: |` and put the JSON object on the indented lines below it")
            .note("Multus passes the string to the CNI plugin as it is; the API server rejects a mapping here");
        return None;
    }
    let Some(scalar) = node.scalar().filter(|_| node.as_str().is_some()) else {
        if !node.is_null() {
            super::schema::wrong_type(checker, node, "spec.config", "a string holding JSON");
        }
        return None;
    };
    let map = ValueMap::new(checker.file.text(), node, scalar);
    match json::parse(&scalar.text) {
        Ok(json) => object_config(checker, (scalar.text.clone(), json), map, node),
        Err(error) => {
            let span = map.span(error.offset..error.offset + 1);
            let message = format!("`spec.config` is not valid JSON: {}", error.message);
            checker
                .report(&INVALID_JSON, span, message, "invalid JSON")
                .help("fix the JSON; Multus and the CNI plugin read it with a strict JSON parser");
            None
        }
    }
}

fn object_config(
    checker: &mut Checker,
    (text, json): (String, Json),
    map: ValueMap,
    node: &Node,
) -> Option<Config> {
    let config = Config {
        text,
        json,
        map,
        span: node.span.clone(),
    };
    if !matches!(config.json.value, JsonValue::Object(_)) {
        let span = config.span(config.json.span.clone());
        let actual = config.json.value.type_name();
        let message = format!("`spec.config` must contain a JSON object, but it contains {actual}");
        checker.report(&INVALID_TYPE, span, message, "expected a JSON object");
        return None;
    }
    report_duplicates(checker, &config, &config.json);
    Some(config)
}

/// Reports keys repeated in any object of the configuration.
fn report_duplicates(checker: &mut Checker, config: &Config, json: &Json) {
    match &json.value {
        JsonValue::Object(members) => {
            let mut first_members: HashMap<&str, &Member> = HashMap::new();
            for member in members {
                match first_members.get(member.key.as_str()) {
                    Some(first) => report_duplicate(checker, config, member, first),
                    None => {
                        first_members.insert(&member.key, member);
                    }
                }
                report_duplicates(checker, config, &member.value);
            }
        }
        JsonValue::Array(items) => {
            items
                .iter()
                .for_each(|item| report_duplicates(checker, config, item));
        }
        _ => {}
    }
}

fn report_duplicate(checker: &mut Checker, config: &Config, member: &Member, first: &Member) {
    let key = &member.key;
    let message = format!("`spec.config` has the key `{key}` twice; the last one wins");
    checker
        .report(
            &JSON_DUPLICATE_KEY,
            config.span(member.key_span.clone()),
            message,
            "repeated key",
        )
        .label(
            config.span(first.key_span.clone()),
            "first occurrence, ignored",
        )
        .help(format!("keep one `{key}`"));
}

/// Checks the configuration of the plugin it names and reads the model.
fn check_config(checker: &mut Checker, config: &Config, attachment: &Attachment) -> NetConf {
    let cni_type = config
        .members()
        .iter()
        .rev()
        .find(|m| m.key == "type")
        .and_then(|m| config.string(&m.value));
    if cni_type.as_ref().is_some_and(|t| t.value == OVN_TYPE) {
        return ovn::check(checker, config, attachment);
    }
    NetConf {
        span: config.span.clone(),
        name: field_string(config, "name"),
        cni_type,
        ..NetConf::default()
    }
}

/// Returns the last string member named `key`.
fn field_string(config: &Config, key: &str) -> Option<Spanned<String>> {
    let member = config.members().iter().rev().find(|m| m.key == key)?;
    config.string(&member.value)
}
