//! Rules about single snippet files: YAML syntax, the identity every Kubernetes object needs,
//! and the schemas of the kinds netsnip validates (nmstate policies, NetworkAttachmentDefinitions
//! and HyperConverged).

use crate::rules::{Level, Rule};

/// The file is not valid YAML, or exceeds the nesting or alias limits of netsnip's parser.
pub const YAML_SYNTAX: Rule = Rule {
    id: "yaml-syntax",
    default: Level::Deny,
    summary: "a snippet is not valid YAML, or nests or expands aliases beyond netsnip's limits",
};

/// A mapping repeats a key, which `kubectl` rejects.
pub const YAML_DUPLICATE_KEY: Rule = Rule {
    id: "yaml-duplicate-key",
    default: Level::Deny,
    summary: "a YAML mapping has the same key twice",
};

/// A required field is missing or empty.
pub const MISSING_FIELD: Rule = Rule {
    id: "missing-field",
    default: Level::Deny,
    summary: "a required field is missing, such as `kind`, `metadata.name` or an interface's `name`",
};

/// A value of the wrong type.
pub const INVALID_TYPE: Rule = Rule {
    id: "invalid-type",
    default: Level::Deny,
    summary: "a value has the wrong type, such as a mapping where a string belongs",
};

/// A key the schema does not define.
pub const UNKNOWN_FIELD: Rule = Rule {
    id: "unknown-field",
    default: Level::Deny,
    summary: "a key that the kind's schema does not define, so it is rejected or has no effect",
};

/// A key the schema defines, but at another level.
pub const MISPLACED_FIELD: Rule = Rule {
    id: "misplaced-field",
    default: Level::Deny,
    summary: "a key at the wrong level, such as `allow-extra-patch-ports` under `bridge.options`",
};

/// A value outside its allowed set of words.
pub const INVALID_VALUE: Rule = Rule {
    id: "invalid-value",
    default: Level::Deny,
    summary: "a value outside its allowed set, such as an interface `state` of `enabled`",
};

/// An entry that repeats one that must be unique.
pub const DUPLICATE_ENTRY: Rule = Rule {
    id: "duplicate-entry",
    default: Level::Deny,
    summary: "a list repeats what must be unique, such as a `localnet` in `bridge-mappings`",
};

/// Fields that cannot be combined.
pub const CONFLICTING_FIELDS: Rule = Rule {
    id: "conflicting-fields",
    default: Level::Deny,
    summary: "fields that cannot be combined, such as `trunk-tags` on an access port",
};

/// A number outside its range.
pub const VALUE_OUT_OF_RANGE: Rule = Rule {
    id: "value-out-of-range",
    default: Level::Deny,
    summary: "a number outside its range, such as a VLAN id above 4094 or an MTU below 68",
};

/// A boolean that only some parsers read as one.
pub const NON_CANONICAL_BOOLEAN: Rule = Rule {
    id: "non-canonical-boolean",
    default: Level::Warn,
    summary: "a boolean written as a quoted string or as YAML 1.1 `yes`, `no`, `on` or `off`",
};

/// A number written as a string where the reader also accepts one.
pub const QUOTED_NUMBER: Rule = Rule {
    id: "quoted-number",
    default: Level::Warn,
    summary: "a number written as a quoted string, which nmstate accepts but other tools do not",
};

/// A MAC address that does not parse.
pub const INVALID_MAC_ADDRESS: Rule = Rule {
    id: "invalid-mac-address",
    default: Level::Deny,
    summary: "a MAC address that is not six colon-separated hexadecimal octets",
};

/// A group MAC address used as an interface's own address.
pub const MULTICAST_MAC_ADDRESS: Rule = Rule {
    id: "multicast-mac-address",
    default: Level::Deny,
    summary: "a multicast MAC address (low bit of the first octet set) given to an interface",
};

/// An IP address, prefix length or CIDR that does not parse.
pub const INVALID_IP_ADDRESS: Rule = Rule {
    id: "invalid-ip-address",
    default: Level::Deny,
    summary: "an IP address, prefix length or CIDR that is invalid",
};

/// A Linux interface name the kernel rejects.
pub const INVALID_INTERFACE_NAME: Rule = Rule {
    id: "invalid-interface-name",
    default: Level::Deny,
    summary: "a Linux interface name that is empty, longer than 15 bytes, or has `/`, `:` or whitespace",
};

/// An object name or namespace the API server rejects.
pub const INVALID_METADATA_NAME: Rule = Rule {
    id: "invalid-metadata-name",
    default: Level::Deny,
    summary: "`metadata.name` or `metadata.namespace` is not a valid name for the kind",
};

/// An API version that works but is deprecated.
pub const DEPRECATED_API_VERSION: Rule = Rule {
    id: "deprecated-api-version",
    default: Level::Warn,
    summary: "an apiVersion that is deprecated, such as `nmstate.io/v1beta1`",
};

/// A namespace on a cluster-scoped kind.
pub const NAMESPACE_ON_CLUSTER_SCOPED: Rule = Rule {
    id: "namespace-on-cluster-scoped",
    default: Level::Warn,
    summary: "`metadata.namespace` on a cluster-scoped kind such as NodeNetworkConfigurationPolicy",
};

/// A NAD's `spec.config` that is not valid JSON.
pub const INVALID_JSON: Rule = Rule {
    id: "invalid-json",
    default: Level::Deny,
    summary: "a NetworkAttachmentDefinition's `spec.config` is not valid JSON",
};

/// A key repeated in a JSON object.
pub const JSON_DUPLICATE_KEY: Rule = Rule {
    id: "json-duplicate-key",
    default: Level::Warn,
    summary: "a JSON object in `spec.config` has the same key twice; the last one wins",
};

/// An OVN-Kubernetes network named `default`.
pub const OVN_RESERVED_NAME: Rule = Rule {
    id: "ovn-reserved-name",
    default: Level::Deny,
    summary: "an OVN-Kubernetes network configuration uses the reserved name `default`",
};

/// `netAttachDefName` that does not name the NAD itself.
pub const OVN_NAD_NAME_MISMATCH: Rule = Rule {
    id: "ovn-nad-name-mismatch",
    default: Level::Deny,
    summary: "`netAttachDefName` is not `<metadata.namespace>/<metadata.name>` of its NAD",
};

/// A field the network's topology does not allow.
pub const OVN_TOPOLOGY_FIELD: Rule = Rule {
    id: "ovn-topology-field",
    default: Level::Deny,
    summary: "an OVN-Kubernetes field the topology does not allow, such as `vlanID` without `localnet`",
};

/// An `ipam` block in an OVN-Kubernetes configuration.
pub const OVN_IPAM_BLOCK: Rule = Rule {
    id: "ovn-ipam-block",
    default: Level::Deny,
    summary: "an OVN-Kubernetes configuration has an `ipam` block, which OVN-Kubernetes rejects",
};

/// A key OVN-Kubernetes does not read.
pub const OVN_UNKNOWN_KEY: Rule = Rule {
    id: "ovn-unknown-key",
    default: Level::Warn,
    summary: "an OVN-Kubernetes configuration has a key the plugin ignores, such as `vlan`",
};

/// A known key in another letter case.
pub const OVN_KEY_CASE: Rule = Rule {
    id: "ovn-key-case",
    default: Level::Warn,
    summary: "an OVN-Kubernetes configuration key differs in letter case from its documented name",
};

/// An excluded range outside every subnet.
pub const OVN_EXCLUDE_OUTSIDE_SUBNETS: Rule = Rule {
    id: "ovn-exclude-outside-subnets",
    default: Level::Deny,
    summary: "an `excludeSubnets` range is not inside any of the network's `subnets`",
};

/// Every rule of this module.
pub const RULES: &[&Rule] = &[
    &YAML_SYNTAX,
    &YAML_DUPLICATE_KEY,
    &MISSING_FIELD,
    &INVALID_TYPE,
    &UNKNOWN_FIELD,
    &MISPLACED_FIELD,
    &INVALID_VALUE,
    &VALUE_OUT_OF_RANGE,
    &DUPLICATE_ENTRY,
    &CONFLICTING_FIELDS,
    &NON_CANONICAL_BOOLEAN,
    &QUOTED_NUMBER,
    &INVALID_MAC_ADDRESS,
    &MULTICAST_MAC_ADDRESS,
    &INVALID_IP_ADDRESS,
    &INVALID_INTERFACE_NAME,
    &INVALID_METADATA_NAME,
    &DEPRECATED_API_VERSION,
    &NAMESPACE_ON_CLUSTER_SCOPED,
    &INVALID_JSON,
    &JSON_DUPLICATE_KEY,
    &OVN_RESERVED_NAME,
    &OVN_NAD_NAME_MISMATCH,
    &OVN_TOPOLOGY_FIELD,
    &OVN_IPAM_BLOCK,
    &OVN_UNKNOWN_KEY,
    &OVN_KEY_CASE,
    &OVN_EXCLUDE_OUTSIDE_SUBNETS,
];
