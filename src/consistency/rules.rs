//! Rules that compare snippets with each other and with the chapter text around them.

use crate::rules::{Level, Rule};

/// A localnet NAD whose physical network no bridge mapping names.
pub const LOCALNET_NOT_MAPPED: Rule = Rule {
    id: "localnet-not-mapped",
    default: Level::Deny,
    summary: "a localnet NAD's physical network is not a `localnet` of any NNCP's `ovn.bridge-mappings`",
};

/// A bridge mapping whose bridge the NNCP does not define.
pub const MAPPING_UNKNOWN_BRIDGE: Rule = Rule {
    id: "mapping-unknown-bridge",
    default: Level::Deny,
    summary: "a bridge mapping names a bridge that is neither an `ovs-bridge` of the same NNCP nor `br-ex`",
};

/// An `ovs-interface` that no bridge, or more than one, has as a port.
pub const OVS_INTERFACE_NOT_ONE_BRIDGE: Rule = Rule {
    id: "ovs-interface-not-one-bridge",
    default: Level::Deny,
    summary: "an `ovs-interface` is not a port of exactly one bridge of its NNCP",
};

/// A port listed by two bridges.
pub const PORT_IN_TWO_BRIDGES: Rule = Rule {
    id: "port-in-two-bridges",
    default: Level::Deny,
    summary: "an interface is a port of two bridges",
};

/// An OVS bridge port that also has an IP configuration.
pub const BRIDGE_PORT_HAS_IP: Rule = Rule {
    id: "bridge-port-has-ip",
    default: Level::Deny,
    summary: "an interface that is a port of an OVS bridge also has an IP address",
};

/// A bridge port that the NNCP does not define and that does not look like a NIC.
pub const UNDECLARED_BRIDGE_PORT: Rule = Rule {
    id: "undeclared-bridge-port",
    default: Level::Warn,
    summary: "a bridge port is not defined by the NNCP and its name does not look like a NIC",
};

/// An interface named like a VLAN interface whose type is not `vlan`.
pub const VLAN_NAME_NOT_VLAN: Rule = Rule {
    id: "vlan-name-not-vlan",
    default: Level::Warn,
    summary: "an interface named `<nic>.<id>` does not have `type: vlan`",
};

/// A mapped bridge without `allow-extra-patch-ports: true`.
pub const MISSING_ALLOW_EXTRA_PATCH_PORTS: Rule = Rule {
    id: "missing-allow-extra-patch-ports",
    default: Level::Warn,
    summary: "a bridge with a bridge mapping does not set `allow-extra-patch-ports: true`",
};

/// A NAD's VLAN that the uplink port drops or untags.
pub const LOCALNET_VLAN_DROPPED: Rule = Rule {
    id: "localnet-vlan-dropped",
    default: Level::Deny,
    summary: "the uplink port of a localnet's bridge is an access port or a trunk without the NAD's `vlanID`",
};

/// A NAD's VLAN tagged a second time by a VLAN interface uplink.
pub const LOCALNET_VLAN_DOUBLED: Rule = Rule {
    id: "localnet-vlan-doubled",
    default: Level::Deny,
    summary: "a localnet NAD with `vlanID` goes out through a bridge whose uplink is a VLAN interface",
};

/// A Linux VLAN interface that receives a localnet's frames before OVS does.
pub const VLAN_INTERFACE_SHADOWS_LOCALNET: Rule = Rule {
    id: "vlan-interface-shadows-localnet",
    default: Level::Warn,
    summary: "a Linux VLAN interface on a bridge's NIC uses the same VLAN id as a localnet on that bridge",
};

/// A VLAN interface with a larger MTU than its base.
pub const VLAN_MTU_EXCEEDS_BASE: Rule = Rule {
    id: "vlan-mtu-exceeds-base",
    default: Level::Deny,
    summary: "a VLAN interface's MTU is larger than its base interface's MTU",
};

/// A NAD MTU larger than the uplink NIC's.
pub const NAD_MTU_EXCEEDS_UPLINK: Rule = Rule {
    id: "nad-mtu-exceeds-uplink",
    default: Level::Deny,
    summary: "a localnet NAD's `mtu` is larger than the MTU of its bridge's uplink",
};

/// A localnet NAD that leaves `mtu` out.
pub const LOCALNET_MISSING_MTU: Rule = Rule {
    id: "localnet-missing-mtu",
    default: Level::Warn,
    summary: "a localnet NAD has no `mtu`, so it gets the cluster's overlay MTU",
};

/// NADs of one network that disagree.
pub const NETWORK_CONFLICT: Rule = Rule {
    id: "network-conflict",
    default: Level::Deny,
    summary: "NADs that share a network `name` disagree on topology, vlanID, mtu, subnets or excludeSubnets",
};

/// A HyperConverged migration network that names no NAD in `openshift-cnv`.
pub const MIGRATION_NETWORK_NOT_FOUND: Rule = Rule {
    id: "migration-network-not-found",
    default: Level::Deny,
    summary: "`liveMigrationConfig.network` names no NAD in `openshift-cnv` anywhere in the book",
};

/// A migration network NAD without `subnets`.
pub const MIGRATION_NETWORK_WITHOUT_SUBNETS: Rule = Rule {
    id: "migration-network-without-subnets",
    default: Level::Deny,
    summary: "the NAD used as the live-migration network sets no `subnets`",
};

/// Two localnet NADs whose subnets overlap.
pub const OVERLAPPING_SUBNETS: Rule = Rule {
    id: "overlapping-subnets",
    default: Level::Deny,
    summary: "two NADs on the same localnet have overlapping `subnets`",
};

/// A static NNCP address that OVN-Kubernetes may also hand out.
pub const STATIC_ADDRESS_IN_NAD_RANGE: Rule = Rule {
    id: "static-address-in-nad-range",
    default: Level::Deny,
    summary: "a static address of an NNCP lies in a localnet NAD's `subnets`",
};

/// `VLAN <n>` in the prose that no snippet uses.
pub const PROSE_VLAN_UNKNOWN: Rule = Rule {
    id: "prose-vlan-unknown",
    default: Level::Deny,
    summary: "the chapter text names a VLAN id that no snippet of the chapter uses",
};

/// A CIDR in the prose that overlaps a snippet's subnet without equalling it.
pub const PROSE_CIDR_MISMATCH: Rule = Rule {
    id: "prose-cidr-mismatch",
    default: Level::Deny,
    summary: "a CIDR in the chapter text overlaps a subnet of a snippet but differs from it",
};

/// `oc apply -f FILE` for a file the chapter does not include.
pub const SHELL_FILE_NOT_INCLUDED: Rule = Rule {
    id: "shell-file-not-included",
    default: Level::Deny,
    summary: "`oc create -f` or `oc apply -f` names a file that the chapter does not include",
};

/// Command output naming an object no snippet defines.
pub const SHELL_OUTPUT_MISMATCH: Rule = Rule {
    id: "shell-output-mismatch",
    default: Level::Deny,
    summary: "`<resource>/<name> created` output names no kind and name of a snippet of the chapter",
};

/// `-n NS` that differs from the namespace of the snippet the command is about.
pub const SHELL_NAMESPACE_MISMATCH: Rule = Rule {
    id: "shell-namespace-mismatch",
    default: Level::Deny,
    summary: "`-n NAMESPACE` differs from the namespace of the NAD the command is about",
};

/// An `oc get` row whose name is a near miss of a snippet's name.
pub const SHELL_LISTING_TYPO: Rule = Rule {
    id: "shell-listing-typo",
    default: Level::Warn,
    summary: "a row of `oc get` output names an object one or two edits away from a snippet's name",
};

/// A snippet no chapter includes.
pub const ORPHAN_SNIPPET: Rule = Rule {
    id: "orphan-snippet",
    default: Level::Warn,
    summary: "a YAML file in the include path is included by no chapter",
};

/// A malformed `netsnip-allow` comment.
pub const INVALID_SUPPRESSION: Rule = Rule {
    id: "invalid-suppression",
    default: Level::Deny,
    summary: "a `netsnip-allow` comment names an unknown rule, gives no reason or is followed by no Markdown block",
};

/// Every rule of this module.
pub const RULES: &[&Rule] = &[
    &LOCALNET_NOT_MAPPED,
    &MAPPING_UNKNOWN_BRIDGE,
    &OVS_INTERFACE_NOT_ONE_BRIDGE,
    &PORT_IN_TWO_BRIDGES,
    &BRIDGE_PORT_HAS_IP,
    &UNDECLARED_BRIDGE_PORT,
    &VLAN_NAME_NOT_VLAN,
    &MISSING_ALLOW_EXTRA_PATCH_PORTS,
    &LOCALNET_VLAN_DROPPED,
    &LOCALNET_VLAN_DOUBLED,
    &VLAN_INTERFACE_SHADOWS_LOCALNET,
    &VLAN_MTU_EXCEEDS_BASE,
    &NAD_MTU_EXCEEDS_UPLINK,
    &LOCALNET_MISSING_MTU,
    &NETWORK_CONFLICT,
    &MIGRATION_NETWORK_NOT_FOUND,
    &MIGRATION_NETWORK_WITHOUT_SUBNETS,
    &OVERLAPPING_SUBNETS,
    &STATIC_ADDRESS_IN_NAD_RANGE,
    &PROSE_VLAN_UNKNOWN,
    &PROSE_CIDR_MISMATCH,
    &SHELL_FILE_NOT_INCLUDED,
    &SHELL_OUTPUT_MISMATCH,
    &SHELL_NAMESPACE_MISMATCH,
    &SHELL_LISTING_TYPO,
    &ORPHAN_SNIPPET,
    &INVALID_SUPPRESSION,
];
