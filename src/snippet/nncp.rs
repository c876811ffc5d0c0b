//! NodeNetworkConfigurationPolicy documents: the Kubernetes envelope around an nmstate desired
//! state, and the [`Policy`] model read from them.
//!
//! kubernetes-nmstate's `NodeNetworkConfigurationPolicySpec` has the fields `nodeSelector`,
//! `desiredState`, `maxUnavailable` and `capture`. Its CRD schema drops any other key under
//! `spec` without an error, so a misspelled `desiredstate` would apply nothing.

use super::check::{Checker, label_value_problem, subdomain_problem};
use super::extract::{flag, items, number, parsed, text};
use super::model::{
    Bond, Bridge, BridgeMapping, BridgePort, Interface, InterfaceState, InterfaceType, IpAddress,
    IpConfig, MacAddress, MacVlan, Policy, PortVlan, PortVlanMode, TrunkTag, Vlan,
};
use super::nmstate::DESIRED_STATE;
use super::rules::{
    DEPRECATED_API_VERSION, INVALID_METADATA_NAME, INVALID_VALUE, NAMESPACE_ON_CLUSTER_SCOPED,
};
use super::schema::{Field, Shape, check_map, is_template, wrong_type};
use super::yaml::{Node, Typed};

/// The API version that still works but is deprecated.
pub const DEPRECATED_VERSION: &str = "nmstate.io/v1beta1";

const SPEC: &[Field] = &[
    Field::new("nodeSelector", Shape::StringMap),
    Field::required("desiredState", Shape::Map(DESIRED_STATE)),
    Field::new("maxUnavailable", Shape::Custom(check_max_unavailable)),
    Field::new("capture", Shape::StringMap),
];

/// Validates a policy document and reads its model.
pub fn validate(checker: &mut Checker, root: &Node) -> Policy {
    check_api_version(checker, root);
    check_metadata(checker, root);
    match root.get("spec") {
        Some(spec) => check_map(checker, spec, &[SPEC], "spec", &|_| None),
        None => checker.missing_spec(
            "NodeNetworkConfigurationPolicy",
            root.span.clone(),
            "add `spec.desiredState` with the interfaces to configure",
        ),
    }
    read_policy(root)
}

fn check_api_version(checker: &mut Checker, root: &Node) {
    let Some(node) = root.get("apiVersion") else {
        return;
    };
    if node.as_str() == Some(DEPRECATED_VERSION) {
        let message = format!("apiVersion `{DEPRECATED_VERSION}` is deprecated");
        checker
            .report(
                &DEPRECATED_API_VERSION,
                node.span.clone(),
                message,
                "deprecated",
            )
            .help("use `nmstate.io/v1`; the fields are the same");
    }
}

/// The name labels the policy's enactments, so it must also be a valid label value; and the
/// kind is cluster-scoped, so a namespace is ignored.
fn check_metadata(checker: &mut Checker, root: &Node) {
    if let Some(name) = root.path(&["metadata", "name"])
        && let Some(text) = name.as_str()
        && subdomain_problem(text).is_none()
        && let Some(problem) = label_value_problem(text)
    {
        let message = format!("policy name `{text}` {problem}");
        checker
            .report(&INVALID_METADATA_NAME, name.span.clone(), message, "invalid policy name")
            .help("nmstate puts the policy name in a label on each enactment, so keep it a valid label value of at most 63 characters");
    }
    if let Some(namespace) = root.path(&["metadata", "namespace"]) {
        let message = "NodeNetworkConfigurationPolicy is cluster-scoped, so `metadata.namespace` has no effect";
        checker
            .report(
                &NAMESPACE_ON_CLUSTER_SCOPED,
                namespace.span.clone(),
                message,
                "ignored",
            )
            .help("remove `metadata.namespace`");
    }
}

/// `maxUnavailable`: an integer count of nodes, or a percentage string such as `"50%"`, as
/// Kubernetes' `IntOrString` reads it.
fn check_max_unavailable(checker: &mut Checker, node: &Node, path: &str) {
    match node.typed() {
        Some(Typed::Int(Some(value))) if value >= 0 => {}
        Some(Typed::Str(text)) if is_percentage(text) => {}
        Some(Typed::Int(_) | Typed::Str(_)) => {
            let shown = node.scalar().map(|s| s.text.as_str()).unwrap_or_default();
            let message =
                format!("`{path}` is `{shown}`, which is neither a node count nor a percentage");
            checker
                .report(&INVALID_VALUE, node.span.clone(), message, "invalid value")
                .help("write a number of nodes such as `1`, or a percentage such as `\"50%\"`");
        }
        _ => {
            wrong_type(checker, node, path, "an integer or a percentage string");
        }
    }
}

fn is_percentage(text: &str) -> bool {
    text.strip_suffix('%')
        .is_some_and(|digits| !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()))
}

/// Reads the model from a policy, whatever its findings.
fn read_policy(root: &Node) -> Policy {
    let spec = root.get("spec");
    let state = spec.and_then(|s| s.get("desiredState"));
    let node_selector = spec
        .and_then(|s| s.get("nodeSelector"))
        .and_then(Node::entries)
        .unwrap_or(&[])
        .iter()
        .filter_map(|entry| Some((text(Some(&entry.key))?, text(Some(&entry.value))?)))
        .collect();
    let interfaces = items(state.and_then(|s| s.get("interfaces")));
    let mappings = items(state.and_then(|s| s.path(&["ovn", "bridge-mappings"])));
    Policy {
        name: text(root.path(&["metadata", "name"])),
        node_selector,
        interfaces: interfaces.iter().filter_map(read_interface).collect(),
        bridge_mappings: mappings.iter().filter_map(read_bridge_mapping).collect(),
    }
}

fn read_interface(node: &Node) -> Option<Interface> {
    if node.entries().is_none() || is_template(node) {
        return None;
    }
    let kind = text(node.get("type")).map(|t| t.map(|k| InterfaceType::parse(&k)));
    let bridge = node.get("bridge").map(read_bridge);
    Some(Interface {
        span: node.span.clone(),
        name: text(node.get("name")),
        state: parsed(node.get("state"), InterfaceState::parse),
        mtu: number(node.get("mtu")),
        mac_address: parsed(node.get("mac-address"), MacAddress::parse),
        copy_mac_from: text(node.get("copy-mac-from")),
        controller: text(node.get("controller")),
        ipv4: node.get("ipv4").map(read_ip_config),
        ipv6: node.get("ipv6").map(read_ip_config),
        vlan: node.get("vlan").map(read_vlan),
        mac_vlan: node.get("mac-vlan").map(read_mac_vlan),
        bond: node.get("link-aggregation").map(read_bond),
        bridge,
        kind,
    })
}

fn read_ip_config(node: &Node) -> IpConfig {
    let addresses = items(node.get("address"));
    IpConfig {
        span: node.span.clone(),
        enabled: flag(node.get("enabled")),
        dhcp: flag(node.get("dhcp")),
        autoconf: flag(node.get("autoconf")),
        addresses: addresses.iter().filter_map(read_address).collect(),
    }
}

fn read_address(node: &Node) -> Option<IpAddress> {
    Some(IpAddress {
        ip: parsed(node.get("ip"), |s| s.parse().ok())?,
        prefix_length: number(node.get("prefix-length")),
    })
}

fn read_vlan(node: &Node) -> Vlan {
    Vlan {
        base_iface: text(node.get("base-iface")),
        id: number(node.get("id")),
    }
}

fn read_mac_vlan(node: &Node) -> MacVlan {
    MacVlan {
        base_iface: text(node.get("base-iface")),
        mode: text(node.get("mode")),
    }
}

fn read_bond(node: &Node) -> Bond {
    let ports = node.get("port").or_else(|| node.get("ports"));
    Bond {
        mode: text(node.get("mode")),
        ports: items(ports).iter().filter_map(|p| text(Some(p))).collect(),
    }
}

fn read_bridge(node: &Node) -> Bridge {
    let ports = node.get("port").or_else(|| node.get("ports"));
    let stp = node.path(&["options", "stp"]);
    let stp = flag(stp).or_else(|| flag(stp.and_then(|s| s.get("enabled"))));
    Bridge {
        ports: items(ports).iter().filter_map(read_port).collect(),
        allow_extra_patch_ports: flag(node.get("allow-extra-patch-ports")),
        stp,
    }
}

fn read_port(node: &Node) -> Option<BridgePort> {
    node.entries()?;
    let bond = node.get("link-aggregation");
    let members = bond.and_then(|b| b.get("port").or_else(|| b.get("ports")));
    let bond_ports = items(members)
        .iter()
        .filter_map(|member| text(member.get("name")))
        .collect();
    Some(BridgePort {
        span: node.span.clone(),
        name: text(node.get("name")),
        vlan: node.get("vlan").map(read_port_vlan),
        bond_ports,
    })
}

fn read_port_vlan(node: &Node) -> PortVlan {
    let mode = parsed(node.get("mode"), |mode| match mode {
        "access" => Some(PortVlanMode::Access),
        "trunk" => Some(PortVlanMode::Trunk),
        _ => None,
    });
    PortVlan {
        mode,
        tag: number(node.get("tag")),
        trunk_tags: items(node.get("trunk-tags"))
            .iter()
            .filter_map(read_trunk_tag)
            .collect(),
    }
}

fn read_trunk_tag(node: &Node) -> Option<TrunkTag> {
    if let Some(id) = number(node.get("id")) {
        return Some(TrunkTag::Id(id));
    }
    let range = node.get("id-range")?;
    Some(TrunkTag::Range {
        min: number(range.get("min"))?,
        max: number(range.get("max"))?,
    })
}

fn read_bridge_mapping(node: &Node) -> Option<BridgeMapping> {
    node.entries()?;
    Some(BridgeMapping {
        span: node.span.clone(),
        localnet: text(node.get("localnet")),
        bridge: text(node.get("bridge")),
        state: text(node.get("state")),
    })
}
