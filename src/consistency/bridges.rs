//! The structure of one NNCP: bridge mappings against the bridges it defines, and bridges
//! against their ports.
//!
//! These rules look at one policy at a time, so they run once per snippet, whatever the number
//! of chapters that include it.

use std::sync::LazyLock;

use regex::Regex;

use crate::diagnostic::Diagnostic;
use crate::snippet::model::{BridgeMapping, Interface, InterfaceType, Policy, Spanned};

use super::rules::{
    BRIDGE_PORT_HAS_IP, MAPPING_UNKNOWN_BRIDGE, MISSING_ALLOW_EXTRA_PATCH_PORTS,
    OVS_INTERFACE_NOT_ONE_BRIDGE, PORT_IN_TWO_BRIDGES, UNDECLARED_BRIDGE_PORT, VLAN_NAME_NOT_VLAN,
};
use super::scope::{Located, Scope, is_absent};

/// The bridge OpenShift creates for the cluster network. A mapping may use it although the
/// policy does not define it.
pub const EXTERNAL_BRIDGE: &str = "br-ex";

/// Names that systemd, the kernel or bonding give to NICs: `eth0`, `em1`, `eno1`, `ens3f0`,
/// `enp4s0u2u1`, `enP2p1s0`, `enx` with a MAC address, `p1p1`, `ib0`, `bond0`, `team0`.
static NIC_NAME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(?:eth\d+|em\d+|ib\d+|bond\d+|team\d+|p\d+p\d+|eno\d+(?:np\d+)?(?:d\d+)?|ens\d+(?:f\d+)?(?:np\d+)?(?:d\d+)?(?:v\d+)?|en(?:P\d+)?p\d+s\d+(?:f\d+)?(?:np\d+)?(?:u\d+)*(?:d\d+)?(?:v\d+)?|enx[0-9a-fA-F]{12})$",
    )
    .expect("valid pattern")
});

/// Whether `name` is shaped like the name of a NIC or bond on a node.
pub fn is_nic_name(name: &str) -> bool {
    NIC_NAME.is_match(name)
}

/// Checks every policy of the book.
pub fn check(book: &Scope<'_>, findings: &mut Vec<Diagnostic>) {
    for policy in &book.policies {
        check_mappings(*policy, findings);
        check_ports(*policy, findings);
        check_vlan_names(*policy, findings);
    }
}

/// The bridges of a policy that are not being removed.
pub fn bridges(policy: &Policy) -> impl Iterator<Item = &Interface> {
    policy
        .interfaces
        .iter()
        .filter(|iface| iface.bridge.is_some() && !is_absent(iface.state.as_ref()))
}

/// The `ovs-bridge` a mapping sends its localnet through, when the policy defines it.
pub fn mapped_bridge<'p>(policy: &'p Policy, mapping: &BridgeMapping) -> Option<&'p Interface> {
    let name = mapping.bridge.as_ref()?;
    let bridge = policy.interface(&name.value)?;
    let is_ovs = bridge
        .kind
        .as_ref()
        .is_some_and(|k| k.value == InterfaceType::OvsBridge);
    (is_ovs && !is_absent(bridge.state.as_ref())).then_some(bridge)
}

/// Checks where each mapping leads. A repeated `localnet` and a mapping without `bridge` are
/// the snippet validator's findings (`duplicate-entry`, `missing-field`).
fn check_mappings(policy: Located<'_, Policy>, findings: &mut Vec<Diagnostic>) {
    for mapping in &policy.bridge_mappings {
        let removed = mapping.state.as_ref().is_some_and(|s| s.value == "absent");
        if let (Some(name), false) = (&mapping.bridge, removed) {
            check_mapping_bridge(policy, mapping, name, findings);
        }
    }
}

fn check_mapping_bridge(
    policy: Located<'_, Policy>,
    mapping: &BridgeMapping,
    name: &Spanned<String>,
    findings: &mut Vec<Diagnostic>,
) {
    if name.value == EXTERNAL_BRIDGE {
        return;
    }
    match mapped_bridge(policy.value, mapping) {
        Some(bridge) => check_patch_ports(policy, name, bridge, findings),
        None => findings.push(unknown_bridge(policy, name)),
    }
}

fn unknown_bridge(policy: Located<'_, Policy>, name: &Spanned<String>) -> Diagnostic {
    let mut diagnostic = Diagnostic::new(
        &MAPPING_UNKNOWN_BRIDGE,
        format!(
            "bridge mapping names `{}`, which is not an OVS bridge of this NNCP",
            name.value
        ),
    )
    .label(
        policy.file,
        name.span.clone(),
        "no `ovs-bridge` of this name",
    );

    if let Some(other) = policy.interface(&name.value)
        && let Some(own) = &other.name
    {
        let kind = other
            .kind
            .as_ref()
            .map_or("without type", |k| k.value.as_str());
        let state = if is_absent(other.state.as_ref()) {
            ", marked `absent`"
        } else {
            ""
        };
        diagnostic = diagnostic.label(
            policy.file,
            own.span.clone(),
            format!("this interface is {kind}{state}"),
        );
    } else if let Some(bridge) = closest_ovs_bridge(policy.value, &name.value) {
        diagnostic = diagnostic.label(policy.file, bridge.span.clone(), "the NNCP's OVS bridge");
    }
    diagnostic.help(format!(
        "define `{}` as an `ovs-bridge` in this NNCP, or map the localnet to an existing OVS bridge or `{EXTERNAL_BRIDGE}`",
        name.value
    ))
}

fn closest_ovs_bridge<'p>(policy: &'p Policy, name: &str) -> Option<&'p Spanned<String>> {
    bridges(policy)
        .filter(|b| {
            b.kind
                .as_ref()
                .is_some_and(|k| k.value == InterfaceType::OvsBridge)
        })
        .filter_map(|b| b.name.as_ref())
        .min_by_key(|n| strsim::levenshtein(name, &n.value))
}

fn check_patch_ports(
    policy: Located<'_, Policy>,
    mapped: &Spanned<String>,
    bridge: &Interface,
    findings: &mut Vec<Diagnostic>,
) {
    let settings = bridge
        .bridge
        .as_ref()
        .and_then(|b| b.allow_extra_patch_ports.as_ref());
    if settings.is_some_and(|allow| allow.value) {
        return;
    }
    let at = match (settings, &bridge.name) {
        (Some(allow), _) => allow.span.clone(),
        (None, Some(name)) => name.span.clone(),
        (None, None) => bridge.span.clone(),
    };
    findings.push(
        Diagnostic::new(
            &MISSING_ALLOW_EXTRA_PATCH_PORTS,
            format!("bridge `{}` carries a localnet but does not allow extra patch ports", mapped.value),
        )
        .label(policy.file, at, "no `allow-extra-patch-ports: true` on this bridge")
        .label(policy.file, mapped.span.clone(), "mapped to a localnet here")
        .help("set `bridge.allow-extra-patch-ports: true`: OVN-Kubernetes adds a patch port for the localnet, which nmstate otherwise removes when it next applies the policy"),
    );
}

/// One port of one bridge.
struct PortOf<'p> {
    bridge: &'p Interface,
    name: &'p Spanned<String>,
    /// The member interfaces when the port is an OVS bond.
    bond_members: &'p [Spanned<String>],
}

fn ports(policy: &Policy) -> Vec<PortOf<'_>> {
    let mut ports = Vec::new();
    for bridge in bridges(policy) {
        let listed = bridge.bridge.iter().flat_map(|b| &b.ports);
        for port in listed {
            if let Some(name) = &port.name {
                ports.push(PortOf {
                    bridge,
                    name,
                    bond_members: &port.bond_ports,
                });
            }
        }
    }
    ports
}

fn check_ports(policy: Located<'_, Policy>, findings: &mut Vec<Diagnostic>) {
    let ports = ports(policy.value);
    check_two_bridges(policy, &ports, findings);
    check_ovs_interfaces(policy, &ports, findings);
    for port in &ports {
        check_port(policy, port, findings);
    }
}

fn check_two_bridges(
    policy: Located<'_, Policy>,
    ports: &[PortOf<'_>],
    findings: &mut Vec<Diagnostic>,
) {
    for (index, port) in ports.iter().enumerate() {
        let earlier = ports[..index]
            .iter()
            .find(|p| p.name.value == port.name.value && !std::ptr::eq(p.bridge, port.bridge));
        let Some(earlier) = earlier else { continue };
        findings.push(
            Diagnostic::new(
                &PORT_IN_TWO_BRIDGES,
                format!("`{}` is a port of two bridges", port.name.value),
            )
            .label(
                policy.file,
                port.name.span.clone(),
                format!("a port of `{}`", bridge_name(port.bridge)),
            )
            .label(
                policy.file,
                earlier.name.span.clone(),
                format!("also a port of `{}`", bridge_name(earlier.bridge)),
            )
            .help("an interface can be attached to one bridge only; remove it from one of them"),
        );
    }
}

fn bridge_span(bridge: &Interface) -> std::ops::Range<usize> {
    bridge
        .name
        .as_ref()
        .map_or(bridge.span.clone(), |name| name.span.clone())
}

fn bridge_name(bridge: &Interface) -> &str {
    bridge.name.as_ref().map_or("", Spanned::as_str)
}

fn check_ovs_interfaces(
    policy: Located<'_, Policy>,
    ports: &[PortOf<'_>],
    findings: &mut Vec<Diagnostic>,
) {
    let internal = policy.interfaces.iter().filter(|iface| {
        let is_internal = iface
            .kind
            .as_ref()
            .is_some_and(|k| k.value == InterfaceType::OvsInterface);
        is_internal && !is_absent(iface.state.as_ref())
    });
    for iface in internal {
        let Some(name) = &iface.name else { continue };
        if ports.iter().any(|p| p.name.value == name.value) {
            continue;
        }
        let mut diagnostic = Diagnostic::new(
            &OVS_INTERFACE_NOT_ONE_BRIDGE,
            format!("`ovs-interface` `{}` is a port of no bridge", name.value),
        )
        .label(
            policy.file,
            name.span.clone(),
            "no bridge lists this interface as a port",
        );
        if let Some(bridge) = bridges(policy.value).find_map(|b| b.name.as_ref()) {
            diagnostic =
                diagnostic.label(policy.file, bridge.span.clone(), "a bridge of this NNCP");
        }
        findings.push(diagnostic.help(format!(
            "add `- name: {}` to the `bridge.port` list of the OVS bridge it belongs to",
            name.value
        )));
    }
}

fn check_port(policy: Located<'_, Policy>, port: &PortOf<'_>, findings: &mut Vec<Diagnostic>) {
    let is_ovs = port
        .bridge
        .kind
        .as_ref()
        .is_some_and(|k| k.value == InterfaceType::OvsBridge);
    match policy.interface(&port.name.value) {
        Some(iface) if is_ovs => check_port_ip(policy, port, iface, findings),
        Some(_) => {}
        None => check_undeclared(policy, port, findings),
    }
}

fn check_port_ip(
    policy: Located<'_, Policy>,
    port: &PortOf<'_>,
    iface: &Interface,
    findings: &mut Vec<Diagnostic>,
) {
    let internal = iface
        .kind
        .as_ref()
        .is_some_and(|k| k.value == InterfaceType::OvsInterface);
    let ip = [&iface.ipv4, &iface.ipv6]
        .into_iter()
        .flatten()
        .find(|ip| ip.enabled.as_ref().is_some_and(|e| e.value));
    let Some(ip) = ip.filter(|_| !internal) else {
        return;
    };
    findings.push(
        Diagnostic::new(
            &BRIDGE_PORT_HAS_IP,
            format!("`{}` is a port of OVS bridge `{}` and also has an IP address", port.name.value, bridge_name(port.bridge)),
        )
        .label(policy.file, ip.span.clone(), "IP enabled here")
        .label(policy.file, port.name.span.clone(), "attached to the bridge here")
        .help("an OVS port passes frames to the bridge, so the host cannot use its address; set `enabled: false` and give the address to an `ovs-interface` port of the bridge"),
    );
}

/// Warns about a port that is neither defined nor named like a NIC. An OVS bond port (one with
/// `link-aggregation`) is defined in place and its name is free, but its members must be NICs.
fn check_undeclared(
    policy: Located<'_, Policy>,
    port: &PortOf<'_>,
    findings: &mut Vec<Diagnostic>,
) {
    // NOTE: a port whose `link-aggregation` lists no members is checked like a plain port,
    // because the model keeps the members but not whether the section is there.
    if port.bond_members.is_empty() {
        check_nic_name(policy, port, port.name, findings);
        return;
    }
    for member in port.bond_members {
        let defined = policy.interface(&member.value).is_some();
        if !defined && !is_nic_name(&member.value) {
            findings.push(undeclared_bond_member(policy, port, member));
        }
    }
}

fn check_nic_name(
    policy: Located<'_, Policy>,
    port: &PortOf<'_>,
    name: &Spanned<String>,
    findings: &mut Vec<Diagnostic>,
) {
    let (span, name) = (&name.span, &name.value);
    if name == bridge_name(port.bridge) || is_nic_name(name) {
        return;
    }
    findings.push(
        Diagnostic::new(
            &UNDECLARED_BRIDGE_PORT,
            format!("bridge port `{name}` is not defined in this NNCP and does not look like a NIC"),
        )
        .label(policy.file, span.clone(), "taken to be a NIC on the node")
        .label(policy.file, bridge_span(port.bridge), format!("port of bridge `{}`", bridge_name(port.bridge)))
        .help(format!(
            "when no NIC of this name exists, nmstate silently creates an internal interface; declare it with `- name: {name}` and `type: ovs-interface` if that is what you mean, or correct the NIC name"
        )),
    );
}

fn undeclared_bond_member(
    policy: Located<'_, Policy>,
    port: &PortOf<'_>,
    member: &Spanned<String>,
) -> Diagnostic {
    let bond = &port.name.value;
    Diagnostic::new(
        &UNDECLARED_BRIDGE_PORT,
        format!(
            "member `{}` of OVS bond `{bond}` is not defined in this NNCP and does not look like a NIC",
            member.value
        ),
    )
    .label(policy.file, member.span.clone(), "taken to be a NIC on the node")
    .label(policy.file, port.name.span.clone(), format!("OVS bond port of bridge `{}`", bridge_name(port.bridge)))
    .help("the members of an OVS bond are NICs or interfaces this NNCP defines; correct the NIC name")
}

/// Names like `ens4.3876`: a NIC name, a dot and a VLAN id.
static VLAN_NAME: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(?P<base>.+)\.(?P<id>\d{1,4})$").expect("valid pattern"));

fn check_vlan_names(policy: Located<'_, Policy>, findings: &mut Vec<Diagnostic>) {
    for iface in &policy.interfaces {
        let (Some(name), Some(kind)) = (&iface.name, &iface.kind) else {
            continue;
        };
        let shaped = VLAN_NAME
            .captures(&name.value)
            .is_some_and(|c| is_nic_name(&c["base"]));
        if !shaped || kind.value == InterfaceType::Vlan {
            continue;
        }
        findings.push(
            Diagnostic::new(
                &VLAN_NAME_NOT_VLAN,
                format!("`{}` is named like a VLAN interface but has type `{}`", name.value, kind.value),
            )
            .label(policy.file, kind.span.clone(), "not `vlan`")
            .label(policy.file, name.span.clone(), "named `<nic>.<vlan id>`")
            .help("set `type: vlan` with a `vlan` section (`base-iface`, `id`), or rename the interface"),
        );
    }
}
