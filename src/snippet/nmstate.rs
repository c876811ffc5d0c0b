//! The schema of an nmstate desired state, the `desiredState` of a
//! NodeNetworkConfigurationPolicy.
//!
//! Key sets and types follow nmstate 2.2.38 (`rust/src/lib`: `net_state.rs`, `iface.rs`,
//! `ifaces/*.rs`, `ip.rs`, `route.rs`, `dns.rs`, `ovn.rs`). Most of those structs deny unknown
//! fields, so nmstate rejects the policy over one misspelled key. Unknown keys directly in an
//! interface are collected and then ignored, so they have no effect. Either way the key is an
//! error here.
//!
//! Fields that nmstate reads with its `*_or_string` helpers accept a quoted value, so a quoted
//! value is a warning there, except in bond options, which nmstate's own examples quote. Plain `bool` and integer fields reject it, so there it is an
//! error. Sections of interface types that guides rarely use (`vxlan`, `vrf`, `macsec`, ...)
//! and `ethtool` details are not checked inside.

use super::check::Checker;
use super::rules::{CONFLICTING_FIELDS, DUPLICATE_ENTRY, INVALID_IP_ADDRESS, MISSING_FIELD};
use super::schema::{
    Field, Quoted, Shape, check, check_bool, check_int, check_map, child, item, wrong_type,
};
use super::values::{
    check_destination, check_dns_server, check_interface_name, check_ip, check_mac, read_ip,
};
use super::yaml::{Node, Typed};

const BOOL: Shape = Shape::Bool(Quoted::Accepted);
const STRICT_BOOL: Shape = Shape::Bool(Quoted::Rejected);
const U8: Shape = Shape::int(0, u8::MAX as i128);
const U16: Shape = Shape::int(0, u16::MAX as i128);
const U32: Shape = Shape::int(0, u32::MAX as i128);
const U64: Shape = Shape::int(0, u64::MAX as i128);
const STRICT_U32: Shape = Shape::strict_int(0, u32::MAX as i128);
const IFACE: Shape = Shape::Custom(check_interface_name);
const MAC: Shape = Shape::Custom(check_mac);
const IP: Shape = Shape::Custom(check_ip);
/// VLAN ids 1 to 4094 tag frames; 0 marks priority-tagged frames. The kernel and OVS accept
/// 0 to 4094, and 4095 is reserved.
const VLAN_ID: Shape = Shape::int(0, 4094);
/// 68 is the smallest MTU IPv4 allows and the kernel's minimum for Ethernet; 65535 is the
/// largest MTU an IP packet length can express.
const MTU: Shape = Shape::int(68, 65535);
const BOND_BOOL: Shape = Shape::Bool(Quoted::Conventional);
const BOND_U8: Shape = Shape::conventional_int(0, u8::MAX as i128);
const BOND_U16: Shape = Shape::conventional_int(0, u16::MAX as i128);
const BOND_U32: Shape = Shape::conventional_int(0, u32::MAX as i128);

/// Every interface type of nmstate 2.2.38.
pub const INTERFACE_TYPES: &[&str] = &[
    "ethernet",
    "vlan",
    "bond",
    "linux-bridge",
    "ovs-bridge",
    "ovs-interface",
    "mac-vlan",
    "mac-vtap",
    "dummy",
    "loopback",
    "veth",
    "vrf",
    "vxlan",
    "infiniband",
    "tun",
    "macsec",
    "ipsec",
    "xfrm",
    "ipvlan",
    "hsr",
    "unknown",
];

const INTERFACE_STATES: &[&str] = &["up", "down", "absent", "ignore"];

/// The top level of a desired state (`NetworkState`).
pub const DESIRED_STATE: &[Field] = &[
    Field::new("description", Shape::Str),
    Field::new("hostname", Shape::Map(RUNNING_CONFIG_STR)),
    Field::new("dns-resolver", Shape::Map(DNS_RESOLVER)),
    Field::new("route-rules", Shape::Map(ROUTE_RULES)),
    Field::new("routes", Shape::Map(ROUTES)),
    Field::new("interfaces", Shape::List(&Shape::Custom(check_interface))),
    Field::new("ovs-db", Shape::Map(OVS_DB)),
    Field::new("ovn", Shape::Map(OVN)),
];

const RUNNING_CONFIG_STR: &[Field] = &[
    Field::new("running", Shape::Str),
    Field::new("config", Shape::Str),
];

const DNS_RESOLVER: &[Field] = &[
    Field::new("running", Shape::Map(DNS_CLIENT)),
    Field::new("config", Shape::Map(DNS_CLIENT)),
];

const DNS_CLIENT: &[Field] = &[
    Field::new("server", Shape::List(&Shape::Custom(check_dns_server))),
    Field::new("search", Shape::List(&Shape::Str)),
    Field::new("options", Shape::List(&Shape::Str)),
];

// NOTE: route rule entries are not checked key by key.
const ROUTE_RULES: &[Field] = &[
    Field::new("running", Shape::List(&Shape::Any)),
    Field::new("config", Shape::List(&Shape::Any)),
];

const ROUTES: &[Field] = &[
    Field::new("running", Shape::List(&Shape::Map(ROUTE))),
    Field::new("config", Shape::List(&Shape::Map(ROUTE))),
];

const ROUTE: &[Field] = &[
    Field::new("state", Shape::Enum(&["absent"])),
    Field::new("destination", Shape::Custom(check_destination)),
    Field::new("next-hop-interface", IFACE),
    Field::new("next-hop-address", IP),
    Field::new("metric", Shape::int(i64::MIN as i128, i64::MAX as i128)),
    Field::new("table-id", U32),
    Field::new("weight", Shape::int(1, 256)),
    Field::new(
        "route-type",
        Shape::Enum(&["blackhole", "unreachable", "prohibit"]),
    ),
    Field::new("cwnd", STRICT_U32),
    Field::new("source", IP),
];

const OVS_DB: &[Field] = &[
    Field::new("external_ids", Shape::Any),
    Field::new("other_config", Shape::Any),
];

const OVN: &[Field] = &[Field::new(
    "bridge-mappings",
    Shape::Custom(check_bridge_mappings),
)];

const BRIDGE_MAPPING: &[Field] = &[
    Field::required("localnet", Shape::Str),
    Field::new("bridge", IFACE),
    Field::new("state", Shape::Enum(&["present", "absent"])),
];

/// Keys every interface accepts (`BaseInterface`).
const INTERFACE_COMMON: &[Field] = &[
    Field::required("name", IFACE),
    Field::new("type", Shape::Enum(INTERFACE_TYPES)),
    Field::new("state", Shape::Enum(INTERFACE_STATES)),
    Field::new("description", Shape::Str),
    Field::new("profile-name", Shape::Str),
    Field::new("driver", Shape::Str),
    Field::new("identifier", Shape::Enum(&["name", "mac-address"])),
    Field::new("mac-address", MAC),
    Field::new("permanent-mac-address", Shape::Str),
    Field::new("mtu", MTU),
    Field::new("min-mtu", U64),
    Field::new("max-mtu", U64),
    Field::new(
        "wait-ip",
        Shape::Enum(&["any", "ipv4", "ipv6", "ipv4+ipv6"]),
    ),
    Field::new("ipv4", Shape::Custom(check_ipv4)),
    Field::new("ipv6", Shape::Custom(check_ipv6)),
    Field::new("mptcp", Shape::Map(MPTCP)),
    Field::new("controller", IFACE),
    Field::new("accept-all-mac-addresses", BOOL),
    Field::new("copy-mac-from", IFACE),
    Field::new("ovs-db", Shape::Map(OVS_DB)),
    Field::new("802.1x", Shape::Map(IEEE_8021X)),
    Field::new("lldp", Shape::Map(LLDP)),
    Field::new("ethtool", Shape::Map(ETHTOOL)),
    Field::new("dispatch", Shape::Map(DISPATCH)),
];

const MPTCP_FLAGS: Shape = Shape::List(&Shape::Enum(&["signal", "subflow", "backup", "fullmesh"]));

const MPTCP: &[Field] = &[Field::new("address-flags", MPTCP_FLAGS)];

const IEEE_8021X: &[Field] = &[
    Field::new("identity", Shape::Str),
    Field::new("eap-methods", Shape::List(&Shape::Str)),
    Field::new("private-key", Shape::Str),
    Field::new("client-cert", Shape::Str),
    Field::new("ca-cert", Shape::Str),
    Field::new("private-key-password", Shape::Str),
    Field::new("phase2-auth", Shape::Str),
    Field::new("password", Shape::Str),
];

const LLDP: &[Field] = &[
    Field::required("enabled", BOOL),
    Field::new("neighbors", Shape::Any),
];

// NOTE: the settings inside each ethtool section are not checked.
const ETHTOOL: &[Field] = &[
    Field::new("pause", Shape::Any),
    Field::new("feature", Shape::Any),
    Field::new("coalesce", Shape::Any),
    Field::new("ring", Shape::Any),
];

const DISPATCH: &[Field] = &[
    Field::new("post-activation", Shape::Str),
    Field::new("post-deactivation", Shape::Str),
];

/// `ipv4` and `ipv6` share nmstate's `InterfaceIp`; `allow-extra-address` and
/// `dhcp-send-hostname` are plain booleans there, without the string conversion.
const IPV4: &[Field] = &[
    Field::new("enabled", BOOL),
    Field::new("dhcp", BOOL),
    Field::new("dhcp-client-id", Shape::Str),
    Field::new("address", Shape::List(&Shape::Custom(check_address_v4))),
    Field::new("auto-dns", BOOL),
    Field::new("auto-gateway", BOOL),
    Field::new("auto-routes", BOOL),
    Field::new("auto-route-table-id", U32),
    Field::new("auto-route-metric", U32),
    Field::new("allow-extra-address", STRICT_BOOL),
    Field::new("dhcp-send-hostname", STRICT_BOOL),
    Field::new("dhcp-custom-hostname", Shape::Str),
];

const IPV6: &[Field] = &[
    Field::new("enabled", BOOL),
    Field::new("dhcp", BOOL),
    Field::new("autoconf", BOOL),
    Field::new("dhcp-duid", Shape::Str),
    Field::new("addr-gen-mode", Shape::Str),
    Field::new("address", Shape::List(&Shape::Custom(check_address_v6))),
    Field::new("auto-dns", BOOL),
    Field::new("auto-gateway", BOOL),
    Field::new("auto-routes", BOOL),
    Field::new("auto-route-table-id", U32),
    Field::new("auto-route-metric", U32),
    Field::new("allow-extra-address", STRICT_BOOL),
    Field::new("token", Shape::Str),
    Field::new("dhcp-send-hostname", STRICT_BOOL),
    Field::new("dhcp-custom-hostname", Shape::Str),
];

const IP_ADDRESS: &[Field] = &[
    Field::required("ip", Shape::Any),
    Field::required("prefix-length", Shape::Any),
    Field::new("mptcp-flags", MPTCP_FLAGS),
    Field::new("valid-life-time", Shape::Str),
    Field::new("valid-lft", Shape::Str),
    Field::new("valid-left", Shape::Str),
    Field::new("preferred-life-time", Shape::Str),
    Field::new("preferred-lft", Shape::Str),
    Field::new("preferred-left", Shape::Str),
];

const VLAN: &[Field] = &[
    Field::required("base-iface", IFACE),
    Field::required("id", VLAN_ID),
    Field::new("protocol", Shape::Enum(&["802.1q", "802.1ad"])),
    Field::new(
        "registration-protocol",
        Shape::Enum(&["gvrp", "mvrp", "none"]),
    ),
    Field::new("reorder-headers", STRICT_BOOL),
    Field::new("loose-binding", STRICT_BOOL),
];

const MAC_VLAN: &[Field] = &[
    Field::required("base-iface", IFACE),
    Field::required(
        "mode",
        Shape::Enum(&["vepa", "bridge", "private", "passthru", "source"]),
    ),
    Field::new("promiscuous", BOOL),
    Field::new("accept-all-mac", BOOL),
];

const BOND_MODES: &[&str] = &[
    "balance-rr",
    "active-backup",
    "balance-xor",
    "broadcast",
    "802.3ad",
    "balance-tlb",
    "balance-alb",
    "0",
    "1",
    "2",
    "3",
    "4",
    "5",
    "6",
];

const BOND: &[Field] = &[
    Field::new("mode", Shape::Enum(BOND_MODES)),
    Field::new("options", Shape::Map(BOND_OPTIONS)),
    Field::new("port", Shape::List(&IFACE)),
    Field::new("ports", Shape::List(&IFACE)),
    Field::new("ports-config", Shape::List(&Shape::Map(BOND_PORT_CONFIG))),
];

const BOND_PORT_CONFIG: &[Field] = &[
    Field::required("name", IFACE),
    Field::new("priority", Shape::int(i32::MIN as i128, i32::MAX as i128)),
    Field::new("queue-id", U16),
];

/// Bond options keep the kernel's snake_case names. The enumerated ones also accept the
/// kernel's numbers, so they are checked only as present. nmstate 2.2.38 reads the numbers and
/// booleans with its `*_or_string` helpers, the kernel's sysfs files take them as text, and
/// nmstate's bond example writes `miimon: '140'`, so a quoted value is no finding here.
const BOND_OPTIONS: &[Field] = &[
    Field::new("ad_actor_sys_prio", BOND_U16),
    Field::new("ad_actor_system", Shape::Str),
    Field::new("ad_select", Shape::Any),
    Field::new("ad_user_port_key", BOND_U16),
    Field::new("all_slaves_active", Shape::Any),
    Field::new("arp_all_targets", Shape::Any),
    Field::new("arp_interval", BOND_U32),
    Field::new("arp_ip_target", Shape::Str),
    Field::new("arp_validate", Shape::Any),
    Field::new("downdelay", BOND_U32),
    Field::new("fail_over_mac", Shape::Any),
    Field::new("lacp_rate", Shape::Any),
    Field::new("lp_interval", BOND_U32),
    Field::new("miimon", BOND_U32),
    Field::new("min_links", BOND_U32),
    Field::new("num_grat_arp", BOND_U8),
    Field::new("num_unsol_na", BOND_U8),
    Field::new("packets_per_slave", BOND_U32),
    Field::new("primary", IFACE),
    Field::new("primary_reselect", Shape::Any),
    Field::new("resend_igmp", BOND_U32),
    Field::new("tlb_dynamic_lb", BOND_BOOL),
    Field::new("updelay", BOND_U32),
    Field::new("use_carrier", BOND_BOOL),
    Field::new("xmit_hash_policy", Shape::Any),
    Field::new("balance_slb", BOND_BOOL),
    Field::new("balance-slb", BOND_BOOL),
    Field::new("arp_missed_max", BOND_U8),
];

const ETHERNET: &[Field] = &[
    Field::new("sr-iov", Shape::Map(SR_IOV)),
    Field::new("auto-negotiation", BOOL),
    Field::new("speed", U32),
    Field::new("duplex", Shape::Enum(&["full", "half"])),
];

const SR_IOV: &[Field] = &[
    Field::new("drivers-autoprobe", BOOL),
    Field::new("total-vfs", U32),
    Field::new("vfs", Shape::List(&Shape::Any)),
];

const VETH: &[Field] = &[Field::required("peer", IFACE)];

const OVS_BRIDGE: &[Field] = &[
    Field::new("allow-extra-patch-ports", BOOL),
    Field::new("options", Shape::Map(OVS_BRIDGE_OPTIONS)),
    Field::new("port", Shape::List(&Shape::Map(OVS_PORT))),
    Field::new("ports", Shape::List(&Shape::Map(OVS_PORT))),
];

const OVS_BRIDGE_OPTIONS: &[Field] = &[
    Field::new("stp", Shape::Custom(check_ovs_stp)),
    Field::new("rstp", BOOL),
    Field::new("mcast-snooping-enable", BOOL),
    Field::new("fail-mode", Shape::Enum(&["secure", "standalone"])),
    Field::new("datapath", Shape::Enum(&["system", "netdev"])),
    Field::new(
        "allow-extra-patch-ports",
        Shape::Misplaced("directly under `bridge`, beside `options`"),
    ),
];

const OVS_PORT: &[Field] = &[
    Field::required("name", IFACE),
    Field::new("vlan", Shape::Custom(check_port_vlan)),
    Field::new("link-aggregation", Shape::Map(OVS_BOND)),
];

const OVS_BOND: &[Field] = &[
    Field::new(
        "mode",
        Shape::Enum(&["active-backup", "balance-slb", "balance-tcp", "lacp"]),
    ),
    Field::new("port", Shape::List(&Shape::Map(OVS_BOND_PORT))),
    Field::new("ports", Shape::List(&Shape::Map(OVS_BOND_PORT))),
    Field::new("bond-downdelay", U32),
    Field::new("bond-updelay", U32),
    Field::new("ovs-db", Shape::Map(OVS_DB)),
];

const OVS_BOND_PORT: &[Field] = &[Field::required("name", IFACE)];

const OVS_PATCH: &[Field] = &[Field::required("peer", IFACE)];

const OVS_DPDK: &[Field] = &[
    Field::required("devargs", Shape::Str),
    Field::new("rx-queue", STRICT_U32),
    Field::new("n_rxq", STRICT_U32),
    Field::new("n_rxq_desc", STRICT_U32),
    Field::new("n_txq_desc", STRICT_U32),
];

const PORT_VLAN: &[Field] = &[
    Field::new("enable-native", BOOL),
    Field::new("mode", Shape::Enum(&["access", "trunk"])),
    Field::new("tag", VLAN_ID),
    Field::new("trunk-tags", Shape::List(&Shape::Custom(check_trunk_tag))),
];

const TRUNK_TAG: &[Field] = &[
    Field::new("id", VLAN_ID),
    Field::new("id-range", Shape::Map(VLAN_RANGE)),
];

const VLAN_RANGE: &[Field] = &[
    Field::required("min", VLAN_ID),
    Field::required("max", VLAN_ID),
];

/// STP settings, shared by Linux bridges and, as a mapping, by OVS bridges.
const STP: &[Field] = &[
    Field::new("enabled", BOOL),
    Field::new("forward-delay", U8),
    Field::new("hello-time", U8),
    Field::new("max-age", U8),
    Field::new("priority", U16),
];

const LINUX_BRIDGE: &[Field] = &[
    Field::new("options", Shape::Map(LINUX_BRIDGE_OPTIONS)),
    Field::new("port", Shape::List(&Shape::Map(LINUX_BRIDGE_PORT))),
    Field::new("ports", Shape::List(&Shape::Map(LINUX_BRIDGE_PORT))),
];

const LINUX_BRIDGE_PORT: &[Field] = &[
    Field::required("name", IFACE),
    Field::new("stp-hairpin-mode", BOOL),
    Field::new("stp-path-cost", U32),
    Field::new("stp-priority", U16),
    Field::new("vlan", Shape::Custom(check_port_vlan)),
];

const LINUX_BRIDGE_OPTIONS: &[Field] = &[
    Field::new("gc-timer", Shape::strict_int(0, u64::MAX as i128)),
    Field::new("group-addr", Shape::Str),
    Field::new("group-forward-mask", U16),
    Field::new("group-fwd-mask", U16),
    Field::new("hash-max", U32),
    Field::new("hello-timer", Shape::strict_int(0, u64::MAX as i128)),
    Field::new("mac-ageing-time", U32),
    Field::new("multicast-last-member-count", U32),
    Field::new("multicast-last-member-interval", U64),
    Field::new("multicast-membership-interval", U64),
    Field::new("multicast-querier", BOOL),
    Field::new("multicast-querier-interval", U64),
    Field::new("multicast-query-interval", U64),
    Field::new("multicast-query-response-interval", U64),
    Field::new("multicast-query-use-ifaddr", BOOL),
    Field::new("multicast-router", Shape::Any),
    Field::new("multicast-snooping", BOOL),
    Field::new("multicast-startup-query-count", U32),
    Field::new("multicast-startup-query-interval", U64),
    Field::new("stp", Shape::Custom(check_linux_bridge_stp)),
    Field::new("vlan-protocol", Shape::Enum(&["802.1q", "802.1ad"])),
    Field::new("vlan-default-pvid", Shape::strict_int(0, 4094)),
];

const ETHERNET_SECTIONS: &[Field] = &[
    Field::new("ethernet", Shape::Map(ETHERNET)),
    Field::new("veth", Shape::Map(VETH)),
];
const VLAN_SECTIONS: &[Field] = &[Field::new("vlan", Shape::Map(VLAN))];
const BOND_SECTIONS: &[Field] = &[Field::new("link-aggregation", Shape::Map(BOND))];
const LINUX_BRIDGE_SECTIONS: &[Field] = &[Field::new("bridge", Shape::Map(LINUX_BRIDGE))];
const OVS_BRIDGE_SECTIONS: &[Field] = &[Field::new("bridge", Shape::Map(OVS_BRIDGE))];
const OVS_INTERFACE_SECTIONS: &[Field] = &[
    Field::new("patch", Shape::Map(OVS_PATCH)),
    Field::new("dpdk", Shape::Map(OVS_DPDK)),
];
const MAC_VLAN_SECTIONS: &[Field] = &[Field::new("mac-vlan", Shape::Map(MAC_VLAN))];

/// Returns the type-specific sections of an interface type.
fn type_sections(kind: &str) -> &'static [Field] {
    match kind {
        "ethernet" | "veth" => ETHERNET_SECTIONS,
        "vlan" => VLAN_SECTIONS,
        "bond" => BOND_SECTIONS,
        "linux-bridge" => LINUX_BRIDGE_SECTIONS,
        "ovs-bridge" => OVS_BRIDGE_SECTIONS,
        "ovs-interface" => OVS_INTERFACE_SECTIONS,
        "mac-vlan" => MAC_VLAN_SECTIONS,
        other => unmodelled_section(other),
    }
}

/// Sections of types netsnip does not check inside.
fn unmodelled_section(kind: &str) -> &'static [Field] {
    const SECTIONS: &[Field] = &[
        Field::new("mac-vtap", Shape::Any),
        Field::new("vxlan", Shape::Any),
        Field::new("vrf", Shape::Any),
        Field::new("infiniband", Shape::Any),
        Field::new("macsec", Shape::Any),
        Field::new("libreswan", Shape::Any),
        Field::new("hsr", Shape::Any),
        Field::new("ipvlan", Shape::Any),
        Field::new("xfrm", Shape::Any),
    ];
    let section = if kind == "ipsec" { "libreswan" } else { kind };
    let index = SECTIONS.iter().position(|f| f.name == section);
    index.map_or(&[], |i| &SECTIONS[i..=i])
}

/// Returns the types whose section a key is, such as `vlan` for the key `vlan`.
fn types_of_section(key: &str) -> Vec<&'static str> {
    INTERFACE_TYPES
        .iter()
        .copied()
        .filter(|kind| type_sections(kind).iter().any(|f| f.name == key))
        .collect()
}

/// Checks one entry of `interfaces`: the common keys plus the sections of its `type`.
fn check_interface(checker: &mut Checker, node: &Node, path: &str) {
    if node.entries().is_none() {
        wrong_type(checker, node, path, "a mapping");
        return;
    }
    let kind = node.get("type").and_then(Node::as_str);
    let known = kind.filter(|k| INTERFACE_TYPES.contains(k));
    let hint = |key: &str| section_hint(key, kind);
    match known {
        Some(kind) => check_map(
            checker,
            node,
            &[INTERFACE_COMMON, type_sections(kind)],
            path,
            &hint,
        ),
        None => check_all_sections(checker, node, path),
    }
}

/// Checks an interface without a known `type`, where any type's section may appear.
fn check_all_sections(checker: &mut Checker, node: &Node, path: &str) {
    let mut sets: Vec<&[Field]> = vec![INTERFACE_COMMON];
    for kind in INTERFACE_TYPES {
        let sections = type_sections(kind);
        if !sets.iter().any(|set| std::ptr::eq(*set, sections)) {
            sets.push(sections);
        }
    }
    check_map(checker, node, &sets, path, &|_| None);
}

fn section_hint(key: &str, kind: Option<&str>) -> Option<String> {
    let owners: Vec<String> = types_of_section(key)
        .iter()
        .map(|owner| format!("`{owner}`"))
        .collect();
    if owners.is_empty() {
        return None;
    }
    let owners = owners.join(" or ");
    let kind = kind.unwrap_or("unknown");
    Some(format!(
        "`{key}` is the section of interfaces of type {owners}, but this interface has type \
         `{kind}`; change `type` or remove the section"
    ))
}

fn check_address_v4(checker: &mut Checker, node: &Node, path: &str) {
    check_address(checker, node, path, false);
}

fn check_address_v6(checker: &mut Checker, node: &Node, path: &str) {
    check_address(checker, node, path, true);
}

/// Checks one static address: an `ip` of the section's family and a `prefix-length` that fits
/// it.
fn check_address(checker: &mut Checker, node: &Node, path: &str, v6: bool) {
    check_map(checker, node, &[IP_ADDRESS], path, &|_| None);
    if node.entries().is_none() {
        return;
    }
    let max = if v6 { 128 } else { 32 };
    let family = if v6 { "IPv6" } else { "IPv4" };
    if let Some(ip_node) = node.get("ip").filter(|n| !n.is_null()) {
        let ip_path = child(path, "ip");
        let ip = read_ip(checker, ip_node, &ip_path);
        if ip.is_some_and(|ip| ip.is_ipv6() != v6) {
            let message = format!("`{ip_path}` is not an {family} address");
            let section = if v6 { "ipv4" } else { "ipv6" };
            checker
                .report(
                    &INVALID_IP_ADDRESS,
                    ip_node.span.clone(),
                    message,
                    "wrong address family",
                )
                .help(format!(
                    "move the address to the interface's `{section}` section"
                ));
        }
    }
    if let Some(prefix) = node.get("prefix-length").filter(|n| !n.is_null()) {
        let prefix_path = child(path, "prefix-length");
        check_prefix_length(checker, prefix, &prefix_path, max, family);
    }
}

fn check_prefix_length(checker: &mut Checker, node: &Node, path: &str, max: i128, family: &str) {
    let before = checker.diagnostics.len();
    let value = check_int(checker, node, path, 0..=u8::MAX as i128, Quoted::Accepted);
    let reported = checker.diagnostics.len() > before;
    if let Some(value) = value.filter(|v| !reported && !(0..=max).contains(v)) {
        let message =
            format!("`{path}` is {value}, but an {family} prefix length is at most {max}");
        checker
            .report(
                &INVALID_IP_ADDRESS,
                node.span.clone(),
                message,
                "prefix length exceeds the maximum",
            )
            .help(format!("use a prefix length from 0 to {max}"));
    }
}

/// Checks OVS `stp`: a boolean, or a mapping such as `{enabled: false}`.
fn check_ovs_stp(checker: &mut Checker, node: &Node, path: &str) {
    if node.entries().is_some() {
        check_map(checker, node, &[STP], path, &|_| None);
        return;
    }
    let before = checker.diagnostics.len();
    let value = check_bool(checker, node, path, Quoted::Accepted);
    let quoted = node.scalar().is_some_and(|s| s.is_quoted());
    if value == Some(false)
        && quoted
        && let Some(warning) = checker.diagnostics.get_mut(before)
    {
        // nmstate 2.2.38's `ovs_stp_deserializer` maps every string, "false" included, to
        // `enabled: true`.
        warning.notes.push(
            "nmstate 2.2.38 turns a quoted `stp` value into `enabled: true`, even `\"false\"`"
                .into(),
        );
    }
}

/// Checks Linux bridge `stp`, which has only the mapping form. A bare boolean is an OVS
/// shorthand.
fn check_linux_bridge_stp(checker: &mut Checker, node: &Node, path: &str) {
    if let Some(Typed::Bool { value, .. }) = node.typed() {
        wrong_type(checker, node, path, "a mapping").help(format!(
            "write `stp: {{enabled: {value}}}`; only OVS bridges accept a bare boolean"
        ));
        return;
    }
    check_map(checker, node, &[STP], path, &|_| None);
}

/// Checks a bridge port's `vlan`, including the combinations nmstate rejects.
fn check_port_vlan(checker: &mut Checker, node: &Node, path: &str) {
    check_map(checker, node, &[PORT_VLAN], path, &|_| None);
    let mode = node.get("mode").and_then(Node::as_str);
    let native = node.get("enable-native").and_then(Node::typed);
    let native = matches!(native, Some(Typed::Bool { value: true, .. }));
    let trunk_tags = node.get("trunk-tags").and_then(Node::items);
    let tag = node.get("tag");
    match mode {
        Some("access") => check_access_port(checker, node, path, native, trunk_tags),
        Some("trunk") => check_trunk_port(checker, node, path, native, tag, trunk_tags),
        _ => {}
    }
    if let Some(tags) = trunk_tags {
        check_trunk_overlap(checker, tags, &child(path, "trunk-tags"));
    }
}

fn check_access_port(
    checker: &mut Checker,
    node: &Node,
    path: &str,
    native: bool,
    trunk_tags: Option<&[Node]>,
) {
    if let Some(tags) = trunk_tags.filter(|tags| !tags.is_empty()) {
        let span = node
            .get("trunk-tags")
            .map_or(tags[0].span.clone(), |n| n.span.clone());
        let message = format!("`{path}` is an access port, which cannot have `trunk-tags`");
        checker
            .report(
                &CONFLICTING_FIELDS,
                span,
                message,
                "trunk tags on an access port",
            )
            .help("use `mode: trunk`, or give the access VLAN in `tag` and remove `trunk-tags`");
    }
    if native && let Some(flag) = node.get("enable-native") {
        let message = format!("`{path}` is an access port, which cannot set `enable-native`");
        checker
            .report(
                &CONFLICTING_FIELDS,
                flag.span.clone(),
                message,
                "only for trunk ports",
            )
            .help("remove `enable-native`; an access port's `tag` is already untagged");
    }
}

fn check_trunk_port(
    checker: &mut Checker,
    node: &Node,
    path: &str,
    native: bool,
    tag: Option<&Node>,
    trunk_tags: Option<&[Node]>,
) {
    if trunk_tags.is_none() {
        let message = format!("`{path}` is a trunk port without `trunk-tags`");
        checker
            .report(
                &MISSING_FIELD,
                node.span.clone(),
                message,
                "trunk-tags missing",
            )
            .help("list the VLANs the port carries in `trunk-tags`, such as `- id: 3876`");
    }
    let nonzero_tag = tag.filter(|t| !matches!(t.typed(), Some(Typed::Int(Some(0)))));
    if let Some(tag) = nonzero_tag.filter(|_| !native) {
        let message = format!("`{path}` is a trunk port with a `tag` but no `enable-native: true`");
        checker
            .report(
                &CONFLICTING_FIELDS,
                tag.span.clone(),
                message,
                "native VLAN without enable-native",
            )
            .help("add `enable-native: true` to send this VLAN untagged, or remove `tag`");
    }
}

/// Checks a trunk tag: either `id` or `id-range`, with `min` not above `max`.
fn check_trunk_tag(checker: &mut Checker, node: &Node, path: &str) {
    check_map(checker, node, &[TRUNK_TAG], path, &|_| None);
    if node.entries().is_none() {
        return;
    }
    let id = node.get("id");
    let range = node.get("id-range");
    match (id, range) {
        (None, None) => {
            let message = format!("`{path}` has neither `id` nor `id-range`");
            checker.report(
                &MISSING_FIELD,
                node.span.clone(),
                message,
                "empty trunk tag",
            );
        }
        (Some(_), Some(range)) => {
            let message = format!("`{path}` has both `id` and `id-range`");
            checker
                .report(
                    &CONFLICTING_FIELDS,
                    range.span.clone(),
                    message,
                    "second VLAN selector",
                )
                .help("split it into two trunk tags");
        }
        (None, Some(range)) => check_vlan_range_order(checker, range, &child(path, "id-range")),
        (Some(_), None) => {}
    }
}

fn check_vlan_range_order(checker: &mut Checker, node: &Node, path: &str) {
    let (Some((min, _)), Some((max, max_node))) = (vlan_at(node, "min"), vlan_at(node, "max"))
    else {
        return;
    };
    if min > max {
        let message = format!("`{path}` starts at {min}, above its end {max}");
        checker
            .report(
                &CONFLICTING_FIELDS,
                max_node.span.clone(),
                message,
                "max below min",
            )
            .help("swap `min` and `max`");
    }
}

/// Reads a VLAN id as nmstate does: an integer, or a string of digits.
fn vlan_at<'n>(node: &'n Node, key: &str) -> Option<(u16, &'n Node)> {
    let value = node.get(key)?;
    let id = match value.typed()? {
        Typed::Int(Some(id)) => u16::try_from(id).ok()?,
        Typed::Str(text) => text.parse().ok()?,
        _ => return None,
    };
    Some((id, value))
}

/// Reports trunk tags that repeat a VLAN, which nmstate rejects.
fn check_trunk_overlap(checker: &mut Checker, tags: &[Node], path: &str) {
    let mut seen: Vec<(u16, u16, &Node)> = Vec::new();
    for (index, tag) in tags.iter().enumerate() {
        let Some((low, high)) = trunk_range(tag) else {
            continue;
        };
        let earlier = seen.iter().find(|(l, h, _)| low <= *h && *l <= high);
        if let Some((_, _, first)) = earlier {
            let message = format!(
                "`{}` repeats VLANs of an earlier trunk tag",
                item(path, index)
            );
            checker
                .report(
                    &DUPLICATE_ENTRY,
                    tag.span.clone(),
                    message,
                    "overlapping trunk tag",
                )
                .label(first.span.clone(), "earlier trunk tag")
                .help("list each VLAN once");
        }
        seen.push((low, high, tag));
    }
}

fn trunk_range(tag: &Node) -> Option<(u16, u16)> {
    if let Some((id, _)) = vlan_at(tag, "id") {
        return Some((id, id));
    }
    let range = tag.get("id-range")?;
    let (min, _) = vlan_at(range, "min")?;
    let (max, _) = vlan_at(range, "max")?;
    (min <= max).then_some((min, max))
}

/// Checks `ovn.bridge-mappings`: each `localnet` once, and a `bridge` unless the mapping is
/// removed.
fn check_bridge_mappings(checker: &mut Checker, node: &Node, path: &str) {
    check(
        checker,
        node,
        &Shape::List(&Shape::Map(BRIDGE_MAPPING)),
        path,
    );
    let Some(items) = node.items() else {
        return;
    };
    let mut seen: Vec<(&str, &Node)> = Vec::new();
    for (index, mapping) in items.iter().enumerate() {
        let item_path = item(path, index);
        check_mapping_bridge(checker, mapping, &item_path);
        let Some(localnet) = mapping.get("localnet").filter(|n| n.as_str().is_some()) else {
            continue;
        };
        let name = localnet.as_str().unwrap_or_default();
        if let Some((_, first)) = seen.iter().find(|(seen_name, _)| *seen_name == name) {
            let message = format!("`{item_path}` maps localnet `{name}` a second time");
            checker
                .report(
                    &DUPLICATE_ENTRY,
                    localnet.span.clone(),
                    message,
                    "repeated localnet",
                )
                .label(first.span.clone(), "first mapping")
                .help("keep one mapping per localnet");
        }
        seen.push((name, localnet));
    }
}

fn check_mapping_bridge(checker: &mut Checker, mapping: &Node, path: &str) {
    let absent = mapping.get("state").and_then(Node::as_str) == Some("absent");
    let has_bridge = mapping.get("bridge").is_some_and(|n| !n.is_null());
    if absent || has_bridge || mapping.entries().is_none() {
        return;
    }
    let message = format!("`{path}` has no `bridge`, which a mapping that is not absent needs");
    checker
        .report(
            &MISSING_FIELD,
            mapping.span.clone(),
            message,
            "`bridge` missing here",
        )
        .help("name the OVS bridge that carries the localnet, such as `bridge: br-ex`");
}

/// `ipv4`, pointing IPv6-only keys to `ipv6`.
fn check_ipv4(checker: &mut Checker, node: &Node, path: &str) {
    let hint = |key: &str| family_hint(key, IPV6, IPV4, "ipv6");
    check_map(checker, node, &[IPV4], path, &hint);
}

/// `ipv6`, pointing IPv4-only keys to `ipv4`.
fn check_ipv6(checker: &mut Checker, node: &Node, path: &str) {
    let hint = |key: &str| family_hint(key, IPV4, IPV6, "ipv4");
    check_map(checker, node, &[IPV6], path, &hint);
}

fn family_hint(key: &str, other: &[Field], own: &[Field], section: &str) -> Option<String> {
    let elsewhere = other.iter().any(|f| f.name == key) && !own.iter().any(|f| f.name == key);
    elsewhere.then(|| format!("`{key}` is a setting of `{section}`; move it there"))
}
