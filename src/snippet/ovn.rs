//! Checks of an OVN-Kubernetes CNI configuration (`"type": "ovn-k8s-cni-overlay"`).
//!
//! The known keys are those of OVN-Kubernetes' `NetConf` (`go-controller/pkg/cni/types`) and
//! the CNI `NetConf` it embeds. OVN-Kubernetes reads the JSON with Go's `encoding/json`, which
//! matches keys without regard to letter case, lets the last of repeated keys win, ignores
//! unknown keys and fails on a value of the wrong type. The topology rules follow its
//! `ValidateNetConf`.

use std::ops::Range;

use super::check::{Checker, closest, subdomain_problem};
use super::json::{Json, JsonValue, Member};
use super::model::{Attachment, IpNet, NetConf, Spanned, Subnet, Topology};
use super::nad::Config;
use super::net::CidrError;
use super::rules::{
    INVALID_IP_ADDRESS, INVALID_TYPE, INVALID_VALUE, MISSING_FIELD, OVN_EXCLUDE_OUTSIDE_SUBNETS,
    OVN_IPAM_BLOCK, OVN_KEY_CASE, OVN_NAD_NAME_MISMATCH, OVN_RESERVED_NAME, OVN_TOPOLOGY_FIELD,
    OVN_UNKNOWN_KEY, VALUE_OUT_OF_RANGE,
};
use super::values::describe_cidr_error;

/// The JSON type a key must have; `null` is allowed for every key, as Go leaves the field
/// unset.
#[derive(Clone, Copy, PartialEq, Eq)]
enum JsonType {
    String,
    Integer,
    Boolean,
    Object,
    Any,
}

/// Every key OVN-Kubernetes reads, with its type.
const KNOWN_KEYS: &[(&str, JsonType)] = &[
    ("cniVersion", JsonType::String),
    ("name", JsonType::String),
    ("type", JsonType::String),
    ("capabilities", JsonType::Object),
    ("ipam", JsonType::Any),
    ("dns", JsonType::Object),
    ("prevResult", JsonType::Any),
    ("role", JsonType::String),
    ("topology", JsonType::String),
    ("netAttachDefName", JsonType::String),
    ("mtu", JsonType::Integer),
    ("subnets", JsonType::String),
    ("excludeSubnets", JsonType::String),
    ("reservedSubnets", JsonType::String),
    ("infrastructureSubnets", JsonType::String),
    ("joinSubnet", JsonType::String),
    ("transitSubnet", JsonType::String),
    ("defaultGatewayIPs", JsonType::String),
    ("vlanID", JsonType::Integer),
    ("allowPersistentIPs", JsonType::Boolean),
    ("physicalNetworkName", JsonType::String),
    ("transport", JsonType::String),
    ("outboundSNAT", JsonType::String),
    ("evpn", JsonType::Object),
    ("uplink", JsonType::String),
    ("deviceID", JsonType::String),
    ("logFile", JsonType::String),
    ("logLevel", JsonType::String),
    ("logfile-maxsize", JsonType::Integer),
    ("logfile-maxbackups", JsonType::Integer),
    ("logfile-maxage", JsonType::Integer),
    ("cniRequestTimeout", JsonType::String),
    ("runtimeConfig", JsonType::Object),
];

const TOPOLOGIES: &[&str] = &["layer2", "layer3", "localnet"];
const ROLES: &[&str] = &["primary", "secondary"];

/// The smallest MTU OVN-Kubernetes accepts is IPv4's minimum reassembly size, 576; the largest
/// is the 64 KiB the kernel allows for a veth.
const MTU_RANGE: std::ops::RangeInclusive<i128> = 576..=65536;
const VLAN_RANGE: std::ops::RangeInclusive<i128> = 1..=4094;

/// The value in effect for each known key: Go's decoder keeps the last member that matches.
struct Effective<'c> {
    config: &'c Config,
    members: Vec<(&'static str, &'c Member)>,
}

impl<'c> Effective<'c> {
    fn get(&self, key: &str) -> Option<&'c Member> {
        self.members
            .iter()
            .rev()
            .find(|(known, _)| *known == key)
            .map(|(_, member)| *member)
    }

    /// Returns the value of `key` unless it is missing or null.
    fn value(&self, key: &str) -> Option<&'c Json> {
        self.get(key)
            .map(|m| &m.value)
            .filter(|v| v.value != JsonValue::Null)
    }

    fn string(&self, key: &str) -> Option<Spanned<String>> {
        self.config.string(self.value(key)?)
    }

    fn integer(&self, key: &str) -> Option<Spanned<i64>> {
        let value = self.value(key)?;
        let JsonValue::Number(text) = &value.value else {
            return None;
        };
        let parsed = text.parse().ok()?;
        Some(Spanned::new(parsed, self.config.span(value.span.clone())))
    }

    /// Returns the YAML span of the member's value.
    fn span(&self, member: &Member) -> Range<usize> {
        self.config.span(member.value.span.clone())
    }
}

/// Checks the configuration and reads the model.
pub fn check(checker: &mut Checker, config: &Config, attachment: &Attachment) -> NetConf {
    let effective = check_keys(checker, config);
    let topology = effective
        .string("topology")
        .map(|t| t.map(|value| Topology::parse(&value)));

    check_name(checker, &effective);
    check_topology(checker, &effective);
    check_nad_name(checker, &effective, attachment);
    check_role(checker, &effective, topology.as_ref());
    check_topology_fields(checker, &effective, topology.as_ref());
    let vlan_id = check_integer(checker, &effective, "vlanID", VLAN_RANGE);
    let mtu = check_integer(checker, &effective, "mtu", MTU_RANGE);
    let (subnets, exclude_subnets) = check_subnets(checker, &effective);

    NetConf {
        span: config.span.clone(),
        name: effective.string("name"),
        cni_type: effective.string("type"),
        topology,
        net_attach_def_name: effective.string("netAttachDefName"),
        physical_network_name: effective.string("physicalNetworkName"),
        vlan_id,
        mtu,
        mtu_written: effective.value("mtu").is_some(),
        subnets,
        exclude_subnets,
    }
}

/// Checks every key that contains CIDRs; returns `subnets` and `excludeSubnets`.
fn check_subnets(
    checker: &mut Checker,
    effective: &Effective<'_>,
) -> (Vec<Spanned<Subnet>>, Vec<Spanned<IpNet>>) {
    let subnets = read_subnets(checker, effective, "subnets");
    let excluded: Vec<Spanned<IpNet>> = read_subnets(checker, effective, "excludeSubnets")
        .into_iter()
        .map(|s| s.map(|s| s.network))
        .collect();
    let other_lists = [
        "reservedSubnets",
        "infrastructureSubnets",
        "joinSubnet",
        "transitSubnet",
    ];
    for key in other_lists {
        read_subnets(checker, effective, key);
    }
    check_excluded(checker, &subnets, &excluded);
    (subnets, excluded)
}

/// Matches each member to a known key and checks its JSON type.
fn check_keys<'c>(checker: &mut Checker, config: &'c Config) -> Effective<'c> {
    let mut members = Vec::new();
    for member in config.members() {
        let known = KNOWN_KEYS.iter().find(|(key, _)| *key == member.key);
        let folded = known.or_else(|| {
            KNOWN_KEYS
                .iter()
                .find(|(key, _)| key.eq_ignore_ascii_case(&member.key))
        });
        match (known, folded) {
            (Some(&(key, kind)), _) => {
                check_type(checker, config, member, key, kind);
                members.push((key, member));
            }
            (None, Some(&(key, kind))) => {
                report_case(checker, config, member, key);
                check_type(checker, config, member, key, kind);
                members.push((key, member));
            }
            (None, None) => report_unknown(checker, config, member),
        }
    }
    let effective = Effective { config, members };
    if let Some(ipam) = effective.get("ipam") {
        report_ipam(checker, config, ipam);
    }
    effective
}

fn report_case(checker: &mut Checker, config: &Config, member: &Member, key: &str) {
    let written = &member.key;
    let message = format!("key `{written}` in `spec.config` differs in letter case from `{key}`");
    checker
        .report(&OVN_KEY_CASE, config.span(member.key_span.clone()), message, "letter case differs")
        .help(format!("rename it to `{key}`"))
        .note("Go's JSON decoder matches keys without regard to case, so OVN-Kubernetes reads it, but tools that compare keys exactly miss it");
}

fn report_unknown(checker: &mut Checker, config: &Config, member: &Member) {
    let key = &member.key;
    let names = KNOWN_KEYS.iter().map(|(name, _)| *name);
    let message = format!("OVN-Kubernetes ignores the key `{key}` in `spec.config`");
    let help = match closest(key, names) {
        Some(suggestion) => format!("rename it to `{suggestion}`"),
        None => "remove it; OVN-Kubernetes drops unknown keys without an error".to_string(),
    };
    checker
        .report(
            &OVN_UNKNOWN_KEY,
            config.span(member.key_span.clone()),
            message,
            "ignored key",
        )
        .help(help)
        .note("the plugin does not report unknown keys, so the setting has no effect");
}

fn report_ipam(checker: &mut Checker, config: &Config, member: &Member) {
    let message = "`spec.config` has an `ipam` block, which OVN-Kubernetes does not support";
    checker
        .report(&OVN_IPAM_BLOCK, config.span(member.key_span.clone()), message, "`ipam` here")
        .help("remove `ipam` and give the address range in `subnets`; OVN-Kubernetes assigns the addresses itself")
        .note("OVN-Kubernetes rejects the network when `ipam` has a `type`");
}

fn check_type(checker: &mut Checker, config: &Config, member: &Member, key: &str, kind: JsonType) {
    let value = &member.value;
    let ok = match (&value.value, kind) {
        (JsonValue::Null, _) | (_, JsonType::Any) => true,
        (JsonValue::String(_), JsonType::String) => true,
        (JsonValue::Number(text), JsonType::Integer) => is_integer(text),
        (JsonValue::Bool(_), JsonType::Boolean) => true,
        (JsonValue::Object(_), JsonType::Object) => true,
        _ => false,
    };
    if !ok {
        report_type(checker, config, member, key, kind);
    }
}

fn is_integer(text: &str) -> bool {
    let digits = text.strip_prefix('-').unwrap_or(text);
    !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
}

fn report_type(checker: &mut Checker, config: &Config, member: &Member, key: &str, kind: JsonType) {
    let expected = match kind {
        JsonType::String => "a JSON string",
        JsonType::Integer => "a JSON integer",
        JsonType::Boolean => "`true` or `false`",
        JsonType::Object | JsonType::Any => "a JSON object",
    };
    let actual = match &member.value.value {
        JsonValue::Number(text) if kind == JsonType::Integer => format!("the number {text}"),
        other => other.type_name().to_string(),
    };
    let message = format!("`{key}` in `spec.config` must be {expected}, but it is {actual}");
    let report = checker.report(
        &INVALID_TYPE,
        config.span(member.value.span.clone()),
        message,
        format!("expected {expected}"),
    );
    let report = report.note(
        "OVN-Kubernetes fails to read the whole configuration, so no pod can attach to the network",
    );
    let JsonValue::String(text) = &member.value.value else {
        return;
    };
    // Dropping the quotes helps only when the text is a value of the expected type.
    let unquoted_fits = match kind {
        JsonType::Integer => is_integer(text),
        JsonType::Boolean => text == "true" || text == "false",
        _ => false,
    };
    if unquoted_fits {
        report.help(format!("write {text} without quotes"));
    } else {
        report.help(format!("replace the string with {expected}"));
    }
}

fn check_name(checker: &mut Checker, effective: &Effective<'_>) {
    let Some(name) = effective.string("name") else {
        if effective.value("name").is_none() {
            let span = effective
                .config
                .span(effective.config.json.span.start..effective.config.json.span.start + 1);
            let message = "`spec.config` has no `name`, which OVN-Kubernetes needs";
            checker
                .report(&MISSING_FIELD, span, message, "`name` missing in this object")
                .help("add `\"name\"`: the network name, which for a localnet is also the physical network name of the bridge mapping");
        }
        return;
    };
    if name.value == "default" {
        let message = "the network name `default` is reserved for the cluster's default network";
        checker
            .report(
                &OVN_RESERVED_NAME,
                name.span.clone(),
                message,
                "reserved name",
            )
            .help("choose another `name`, such as the localnet's physical network name");
    }
}

fn check_topology(checker: &mut Checker, effective: &Effective<'_>) {
    let Some(topology) = effective.string("topology") else {
        return;
    };
    if TOPOLOGIES.contains(&topology.value.as_str()) {
        return;
    }
    let message = format!(
        "topology `{}` is not one of `layer2`, `layer3` and `localnet`",
        topology.value
    );
    let help = match closest(&topology.value, TOPOLOGIES.iter().copied()) {
        Some(suggestion) => format!("use `{suggestion}`"),
        None => "use `layer2`, `layer3` or `localnet`".to_string(),
    };
    checker
        .report(
            &INVALID_VALUE,
            topology.span.clone(),
            message,
            "unknown topology",
        )
        .help(help);
}

fn check_role(
    checker: &mut Checker,
    effective: &Effective<'_>,
    topology: Option<&Spanned<Topology>>,
) {
    let Some(role) = effective.string("role") else {
        return;
    };
    if !ROLES.contains(&role.value.as_str()) {
        let message = format!("role `{}` is not `primary` or `secondary`", role.value);
        checker.report(&INVALID_VALUE, role.span.clone(), message, "unknown role");
        return;
    }
    let localnet = topology.is_some_and(|t| t.value == Topology::Localnet);
    if localnet && role.value != "secondary" {
        let message =
            "a localnet network is always secondary, so it cannot have the role `primary`";
        checker
            .report(
                &OVN_TOPOLOGY_FIELD,
                role.span.clone(),
                message,
                "not for localnet",
            )
            .help("remove `role`");
    }
}

/// `netAttachDefName` must be `<namespace>/<name>` of the NAD itself; OVN-Kubernetes rejects
/// the network otherwise, and also when the key is missing.
fn check_nad_name(checker: &mut Checker, effective: &Effective<'_>, attachment: &Attachment) {
    let Some(name) = attachment.name.as_ref() else {
        return;
    };
    let namespace = attachment.namespace.as_ref().map(|n| n.value.as_str());
    let expected = format!("{}/{}", namespace.unwrap_or("<namespace>"), name.value);
    let Some(written) = effective.string("netAttachDefName") else {
        let config = effective.config;
        let span = config.span(config.json.span.start..config.json.span.start + 1);
        let message = "`spec.config` has no `netAttachDefName`, which OVN-Kubernetes requires";
        checker
            .report(
                &OVN_NAD_NAME_MISMATCH,
                span,
                message,
                "`netAttachDefName` missing in this object",
            )
            .help(name_help(
                &name.value,
                namespace,
                format!("add `\"netAttachDefName\": \"{expected}\"`"),
            ));
        return;
    };
    if matches_nad_name(&written.value, namespace, &name.value) {
        return;
    }
    let message = format!(
        "`netAttachDefName` is `{}`, but this NAD is `{expected}`",
        written.value
    );
    let report = checker
        .report(
            &OVN_NAD_NAME_MISMATCH,
            written.span.clone(),
            message,
            "does not name this NAD",
        )
        .label(name.span.clone(), "the NAD's name")
        .help(name_help(
            &name.value,
            namespace,
            format!("set it to `{expected}`"),
        ));
    if namespace.is_none() {
        report.note("`metadata.namespace` is not set, so only the name part is compared");
    }
}

/// Returns `help`, unless `metadata.name` is itself invalid: then a `netAttachDefName` built
/// from it would be invalid too, so the help sends the author to the name first.
fn name_help(name: &str, namespace: Option<&str>, help: String) -> String {
    let namespace = namespace.unwrap_or("<namespace>");
    match subdomain_problem(name) {
        Some(_) => format!(
            "`metadata.name` `{name}` is invalid (see `invalid-metadata-name`): correct it first, \
             then set `netAttachDefName` to `{namespace}/<corrected name>`"
        ),
        None => help,
    }
}

fn matches_nad_name(written: &str, namespace: Option<&str>, name: &str) -> bool {
    match (written.split_once('/'), namespace) {
        (Some((ns, n)), Some(namespace)) => ns == namespace && n == name,
        (Some((_, n)), None) => n == name,
        (None, _) => false,
    }
}

/// An integer key within `range`; returns it when it is an integer, even out of range.
fn check_integer(
    checker: &mut Checker,
    effective: &Effective<'_>,
    key: &str,
    range: std::ops::RangeInclusive<i128>,
) -> Option<Spanned<i64>> {
    let member = effective.get(key)?;
    let JsonValue::Number(text) = &member.value.value else {
        return None;
    };
    if !is_integer(text) {
        return None;
    }
    let value: Option<i128> = text.parse().ok();
    if !value.is_some_and(|v| range.contains(&v)) {
        let (min, max) = (range.start(), range.end());
        let message =
            format!("`{key}` in `spec.config` is {text}, outside the range {min} to {max}");
        checker
            .report(
                &VALUE_OUT_OF_RANGE,
                effective.span(member),
                message,
                "out of range",
            )
            .help(format!("use a value from {min} to {max}"));
    }
    effective.integer(key)
}

/// Reports fields that the topology does not allow. Without `topology`, OVN-Kubernetes uses
/// layer3.
fn check_topology_fields(
    checker: &mut Checker,
    effective: &Effective<'_>,
    topology: Option<&Spanned<Topology>>,
) {
    let kind = topology.map_or(Topology::Layer3, |t| t.value.clone());
    if matches!(kind, Topology::Other(_)) {
        return;
    }
    let rules: [(&str, bool, &str); 6] = [
        (
            "vlanID",
            kind == Topology::Localnet,
            "only a `localnet` network can set `vlanID`",
        ),
        (
            "joinSubnet",
            kind != Topology::Localnet,
            "a `localnet` network cannot set `joinSubnet`, as it has no services",
        ),
        (
            "reservedSubnets",
            kind == Topology::Layer2,
            "only a `layer2` network can set `reservedSubnets`",
        ),
        (
            "infrastructureSubnets",
            kind == Topology::Layer2,
            "only a `layer2` network can set `infrastructureSubnets`",
        ),
        (
            "defaultGatewayIPs",
            kind == Topology::Layer2,
            "only a `layer2` network can set `defaultGatewayIPs`",
        ),
        (
            "allowPersistentIPs",
            kind != Topology::Layer3,
            "a `layer3` network cannot set `allowPersistentIPs`",
        ),
    ];
    for (key, allowed, reason) in rules {
        let set = effective
            .value(key)
            .is_some_and(|v| v.value != JsonValue::Bool(false));
        if set && !allowed {
            report_topology_field(checker, effective, key, reason, topology);
        }
    }
}

fn report_topology_field(
    checker: &mut Checker,
    effective: &Effective<'_>,
    key: &str,
    reason: &str,
    topology: Option<&Spanned<Topology>>,
) {
    let Some(member) = effective.get(key) else {
        return;
    };
    let message = format!("`{key}` does not apply to this network's topology: {reason}");
    let report = checker.report(
        &OVN_TOPOLOGY_FIELD,
        effective.config.span(member.key_span.clone()),
        message,
        "not allowed here",
    );
    let report = match topology {
        Some(topology) => report.label(topology.span.clone(), "topology set here"),
        None => report.note("`topology` is not set, so OVN-Kubernetes uses `layer3`"),
    };
    if key == "vlanID" {
        report.help(
            "set `\"topology\": \"localnet\"` for a VLAN on a physical network, or remove `vlanID`",
        );
    }
}

/// Parses a comma-separated list of CIDRs, reporting each invalid item at its position.
fn read_subnets(
    checker: &mut Checker,
    effective: &Effective<'_>,
    key: &str,
) -> Vec<Spanned<Subnet>> {
    let Some(value) = effective.value(key) else {
        return Vec::new();
    };
    let JsonValue::String(list) = &value.value else {
        return Vec::new();
    };
    let raw = effective.config.raw_string(value);
    let mut subnets = Vec::new();
    for (range, text) in split_items(list) {
        let span = item_span(effective.config, value, raw, list, range);
        match Subnet::parse(text) {
            Ok(subnet) => subnets.push(Spanned::new(subnet, span)),
            Err(error) => report_subnet(checker, key, text, &error, span),
        }
    }
    subnets
}

/// Splits a comma-separated list into items with their byte ranges, trimmed of spaces as
/// OVN-Kubernetes trims them.
fn split_items(list: &str) -> Vec<(Range<usize>, &str)> {
    let mut items = Vec::new();
    let mut start = 0;
    for part in list.split(',') {
        let lead = part.len() - part.trim_start().len();
        let trimmed = part.trim();
        let begin = start + lead;
        items.push((begin..begin + trimmed.len(), trimmed));
        start += part.len() + 1;
    }
    items
}

/// Returns the YAML span of an item of a JSON string. Offsets inside the string equal offsets
/// in the JSON text only when the string has no escapes, so otherwise the whole string is used.
fn item_span(
    config: &Config,
    value: &Json,
    raw: Option<&str>,
    list: &str,
    range: Range<usize>,
) -> Range<usize> {
    let inner_start = value.span.start + 1;
    if raw == Some(list) {
        config.span(inner_start + range.start..inner_start + range.end)
    } else {
        config.span(value.span.clone())
    }
}

fn report_subnet(
    checker: &mut Checker,
    key: &str,
    text: &str,
    error: &CidrError,
    span: Range<usize>,
) {
    let message = if text.is_empty() {
        format!("`{key}` in `spec.config` has an empty item")
    } else {
        let reason = describe_cidr_error(error);
        format!("`{text}` in `{key}` is not a valid CIDR: {reason}")
    };
    checker
        .report(&INVALID_IP_ADDRESS, span, message, "invalid CIDR")
        .help(
            "write comma-separated networks in CIDR notation, such as `192.0.2.0/24,2001:db8::/64`",
        );
}

/// Reports excluded ranges outside every subnet, because OVN-Kubernetes excludes only addresses
/// it allocates.
fn check_excluded(checker: &mut Checker, subnets: &[Spanned<Subnet>], excluded: &[Spanned<IpNet>]) {
    for range in excluded {
        let inside = subnets
            .iter()
            .any(|s| s.value.network.contains(&range.value));
        if inside {
            continue;
        }
        let message = format!(
            "excluded range `{}` is not inside any of the `subnets`",
            range.value
        );
        let report = checker.report(
            &OVN_EXCLUDE_OUTSIDE_SUBNETS,
            range.span.clone(),
            message,
            "outside every subnet",
        );
        let report = match subnets.first() {
            Some(subnet) => report.label(subnet.span.clone(), "subnets start here"),
            None => report.note("the configuration has no `subnets`"),
        };
        report
            .help("exclude only addresses of the subnets, or widen `subnets` to include the range");
    }
}
