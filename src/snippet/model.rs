//! The typed, positioned model of the documents netsnip validates in depth.
//!
//! Rules that compare snippets with each other (a NAD's `vlanID` against the NNCP's VLAN, the
//! HyperConverged `network` against the NAD's name) read this model instead of walking YAML
//! again. Every field is [`Spanned`], so such a rule can point at the exact value in the
//! snippet file.
//!
//! A field has a value only when the value has the right type: a `mtu: abc` leaves
//! [`Interface::mtu`] as `None`, and the finding about it is already among the snippet's
//! diagnostics. Values out of their allowed range are kept when they fit the field's Rust type
//! (a VLAN id of 5000 fits `u16`), so that a rule never reports a missing value that the author
//! did write. nmpolicy templates such as `"{{ capture.iface }}"` are left out, because their
//! value is known only on the node.

use std::fmt;
use std::net::IpAddr;
use std::ops::Range;

pub use super::net::{IpNet, MacAddress, Subnet};

/// A value with the byte range of its text in the snippet file.
///
/// For a value inside a NAD's `spec.config`, the range covers the JSON value inside the YAML
/// string, mapped back to the YAML file, so it includes the quotes of a JSON string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spanned<T> {
    /// The value.
    pub value: T,
    /// Byte range of the value's text in the snippet file.
    pub span: Range<usize>,
}

impl<T> Spanned<T> {
    /// Pairs a value with its byte range.
    pub fn new(value: T, span: Range<usize>) -> Self {
        Self { value, span }
    }

    /// Applies `f` to the value and keeps the span.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Spanned<U> {
        Spanned {
            value: f(self.value),
            span: self.span,
        }
    }
}

impl Spanned<String> {
    /// Returns the value as a string slice.
    pub fn as_str(&self) -> &str {
        &self.value
    }
}

/// The typed content of a document, by kind.
// A book contains a few documents, so the size of the largest variant does not matter, and
// unboxed variants let rules match on `Model::Policy(policy)` directly.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, Default)]
pub enum Model {
    /// A `NodeNetworkConfigurationPolicy`.
    Policy(Policy),
    /// A `NetworkAttachmentDefinition`.
    Attachment(Attachment),
    /// A `HyperConverged`.
    HyperConverged(HyperConverged),
    /// A kind without a model, or a document too broken to read.
    #[default]
    None,
}

/// An nmstate `NodeNetworkConfigurationPolicy`.
#[derive(Debug, Clone, Default)]
pub struct Policy {
    /// `metadata.name`.
    pub name: Option<Spanned<String>>,
    /// `spec.nodeSelector`, as label key and value pairs in file order.
    pub node_selector: Vec<(Spanned<String>, Spanned<String>)>,
    /// `spec.desiredState.interfaces`, in file order.
    pub interfaces: Vec<Interface>,
    /// `spec.desiredState.ovn.bridge-mappings`, in file order.
    pub bridge_mappings: Vec<BridgeMapping>,
}

impl Policy {
    /// Iterates over the static IPv4 and IPv6 addresses of every interface, in file order.
    pub fn static_addresses(&self) -> impl Iterator<Item = &IpAddress> {
        self.interfaces
            .iter()
            .flat_map(|iface| [&iface.ipv4, &iface.ipv6])
            .flatten()
            .flat_map(|ip| &ip.addresses)
    }

    /// Finds an interface by name; the last one wins when a name repeats, as in nmstate.
    pub fn interface(&self, name: &str) -> Option<&Interface> {
        self.interfaces
            .iter()
            .rev()
            .find(|iface| iface.name.as_ref().is_some_and(|n| n.value == name))
    }
}

/// One entry of `desiredState.interfaces`.
#[derive(Debug, Clone, Default)]
pub struct Interface {
    /// Byte range of the whole entry.
    pub span: Range<usize>,
    /// `name`.
    pub name: Option<Spanned<String>>,
    /// `type`.
    pub kind: Option<Spanned<InterfaceType>>,
    /// `state`.
    pub state: Option<Spanned<InterfaceState>>,
    /// `mtu`, in bytes.
    pub mtu: Option<Spanned<u64>>,
    /// `mac-address`, when it parses as a MAC address.
    pub mac_address: Option<Spanned<MacAddress>>,
    /// `copy-mac-from`: the interface whose MAC address this one takes.
    pub copy_mac_from: Option<Spanned<String>>,
    /// `controller`: the bridge or bond this interface is a port of.
    pub controller: Option<Spanned<String>>,
    /// `ipv4`.
    pub ipv4: Option<IpConfig>,
    /// `ipv6`.
    pub ipv6: Option<IpConfig>,
    /// `vlan`, for a `vlan` interface.
    pub vlan: Option<Vlan>,
    /// `mac-vlan`, for a `mac-vlan` interface.
    pub mac_vlan: Option<MacVlan>,
    /// `link-aggregation`, for a `bond` interface.
    pub bond: Option<Bond>,
    /// `bridge`, for an `ovs-bridge` or `linux-bridge` interface.
    pub bridge: Option<Bridge>,
}

/// An interface's `type`. Types netsnip does not model stay as written in [`Other`].
///
/// [`Other`]: InterfaceType::Other
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InterfaceType {
    /// `ethernet`.
    Ethernet,
    /// `vlan`.
    Vlan,
    /// `bond`.
    Bond,
    /// `linux-bridge`.
    LinuxBridge,
    /// `ovs-bridge`.
    OvsBridge,
    /// `ovs-interface`: an OVS internal port, which the host can address.
    OvsInterface,
    /// `mac-vlan`.
    MacVlan,
    /// Any other type nmstate accepts, as written.
    Other(String),
}

impl InterfaceType {
    /// Reads the spelling used in nmstate.
    pub fn parse(text: &str) -> Self {
        match text {
            "ethernet" => Self::Ethernet,
            "vlan" => Self::Vlan,
            "bond" => Self::Bond,
            "linux-bridge" => Self::LinuxBridge,
            "ovs-bridge" => Self::OvsBridge,
            "ovs-interface" => Self::OvsInterface,
            "mac-vlan" => Self::MacVlan,
            other => Self::Other(other.to_string()),
        }
    }

    /// Returns the spelling used in nmstate.
    pub fn as_str(&self) -> &str {
        match self {
            Self::Ethernet => "ethernet",
            Self::Vlan => "vlan",
            Self::Bond => "bond",
            Self::LinuxBridge => "linux-bridge",
            Self::OvsBridge => "ovs-bridge",
            Self::OvsInterface => "ovs-interface",
            Self::MacVlan => "mac-vlan",
            Self::Other(other) => other,
        }
    }
}

impl fmt::Display for InterfaceType {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(self.as_str())
    }
}

/// An interface's `state`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InterfaceState {
    /// `up`, also nmstate's default when `state` is left out.
    Up,
    /// `down`.
    Down,
    /// `absent`: the interface is removed.
    Absent,
    /// `ignore`: nmstate leaves the interface alone.
    Ignore,
}

impl InterfaceState {
    /// Reads the spelling used in nmstate; `None` for anything else.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "up" => Some(Self::Up),
            "down" => Some(Self::Down),
            "absent" => Some(Self::Absent),
            "ignore" => Some(Self::Ignore),
            _ => None,
        }
    }
}

/// An interface's `ipv4` or `ipv6` section.
#[derive(Debug, Clone, Default)]
pub struct IpConfig {
    /// Byte range of the whole section.
    pub span: Range<usize>,
    /// `enabled`.
    pub enabled: Option<Spanned<bool>>,
    /// `dhcp`.
    pub dhcp: Option<Spanned<bool>>,
    /// `autoconf`, for IPv6 only.
    pub autoconf: Option<Spanned<bool>>,
    /// `address`, the static addresses, in file order.
    pub addresses: Vec<IpAddress>,
}

/// One entry of an interface's `address` list.
#[derive(Debug, Clone)]
pub struct IpAddress {
    /// `ip`.
    pub ip: Spanned<IpAddr>,
    /// `prefix-length`.
    pub prefix_length: Option<Spanned<u8>>,
}

/// A `vlan` interface's `vlan` section.
#[derive(Debug, Clone, Default)]
pub struct Vlan {
    /// `base-iface`: the interface the VLAN interface sits on.
    pub base_iface: Option<Spanned<String>>,
    /// `id`, the VLAN id.
    pub id: Option<Spanned<u16>>,
}

/// A `mac-vlan` interface's `mac-vlan` section.
#[derive(Debug, Clone, Default)]
pub struct MacVlan {
    /// `base-iface`.
    pub base_iface: Option<Spanned<String>>,
    /// `mode`, as written.
    pub mode: Option<Spanned<String>>,
}

/// A `bond` interface's `link-aggregation` section.
#[derive(Debug, Clone, Default)]
pub struct Bond {
    /// `mode`, as written.
    pub mode: Option<Spanned<String>>,
    /// `port`: the names of the bond's ports.
    pub ports: Vec<Spanned<String>>,
}

/// The `bridge` section of an `ovs-bridge` or `linux-bridge` interface.
#[derive(Debug, Clone, Default)]
pub struct Bridge {
    /// `port`, in file order.
    pub ports: Vec<BridgePort>,
    /// `allow-extra-patch-ports` (OVS only): whether nmstate keeps patch ports it did not
    /// create, such as the one OVN-Kubernetes adds for a localnet.
    pub allow_extra_patch_ports: Option<Spanned<bool>>,
    /// STP, from `options.stp` (a boolean or `{enabled: bool}`).
    pub stp: Option<Spanned<bool>>,
}

/// One entry of a bridge's `port` list.
#[derive(Debug, Clone, Default)]
pub struct BridgePort {
    /// Byte range of the whole entry.
    pub span: Range<usize>,
    /// `name`: the interface attached to the bridge.
    pub name: Option<Spanned<String>>,
    /// `vlan`.
    pub vlan: Option<PortVlan>,
    /// `link-aggregation.port` of an OVS bond port: the bond's member interfaces.
    pub bond_ports: Vec<Spanned<String>>,
}

/// A bridge port's `vlan` section.
#[derive(Debug, Clone, Default)]
pub struct PortVlan {
    /// `mode`.
    pub mode: Option<Spanned<PortVlanMode>>,
    /// `tag`: the access VLAN, or the native VLAN of a trunk.
    pub tag: Option<Spanned<u16>>,
    /// `trunk-tags`, in file order.
    pub trunk_tags: Vec<TrunkTag>,
}

impl PortVlan {
    /// Returns whether the port lets frames of VLAN `id` through, tagged or not.
    pub fn carries(&self, id: u16) -> bool {
        let tagged = self.trunk_tags.iter().any(|tag| tag.contains(id));
        let native = self.tag.as_ref().is_some_and(|tag| tag.value == id);
        tagged || native
    }
}

/// A bridge port's VLAN mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PortVlanMode {
    /// `access`: the port belongs to the single VLAN in `tag`.
    Access,
    /// `trunk`: the port carries the VLANs in `trunk-tags`.
    Trunk,
}

/// One entry of `trunk-tags`.
#[derive(Debug, Clone)]
pub enum TrunkTag {
    /// `id: N`.
    Id(Spanned<u16>),
    /// `id-range: {min, max}`, both ends included.
    Range {
        /// `min`.
        min: Spanned<u16>,
        /// `max`.
        max: Spanned<u16>,
    },
}

impl TrunkTag {
    /// Returns whether the entry includes VLAN `id`.
    pub fn contains(&self, id: u16) -> bool {
        match self {
            Self::Id(tag) => tag.value == id,
            Self::Range { min, max } => (min.value..=max.value).contains(&id),
        }
    }
}

/// One entry of `ovn.bridge-mappings`.
#[derive(Debug, Clone)]
pub struct BridgeMapping {
    /// Byte range of the whole entry.
    pub span: Range<usize>,
    /// `localnet`: the physical network name a localnet NAD refers to.
    pub localnet: Option<Spanned<String>>,
    /// `bridge`: the OVS bridge the physical network goes through.
    pub bridge: Option<Spanned<String>>,
    /// `state`: `present` or `absent`.
    pub state: Option<Spanned<String>>,
}

/// A Multus `NetworkAttachmentDefinition`.
#[derive(Debug, Clone, Default)]
pub struct Attachment {
    /// `metadata.name`.
    pub name: Option<Spanned<String>>,
    /// `metadata.namespace`.
    pub namespace: Option<Spanned<String>>,
    /// `spec.config`, when it is a string holding a JSON object.
    pub config: Option<NetConf>,
}

/// The CNI configuration in a NAD's `spec.config`.
///
/// OVN-Kubernetes reads its keys with Go's `encoding/json`, which matches keys without regard
/// to letter case and keeps the last of repeated keys. The fields here are read the same way.
#[derive(Debug, Clone, Default)]
pub struct NetConf {
    /// Byte range of the whole `spec.config` value in the YAML file.
    pub span: Range<usize>,
    /// `name`: the network name, and the physical network name of a localnet unless
    /// `physicalNetworkName` is set.
    pub name: Option<Spanned<String>>,
    /// `type`: the CNI plugin.
    pub cni_type: Option<Spanned<String>>,
    /// `topology`, for `ovn-k8s-cni-overlay`.
    pub topology: Option<Spanned<Topology>>,
    /// `netAttachDefName`: `<namespace>/<name>` of the NAD itself.
    pub net_attach_def_name: Option<Spanned<String>>,
    /// `physicalNetworkName`: the `localnet` of the bridge mapping, when it differs from `name`.
    pub physical_network_name: Option<Spanned<String>>,
    /// `vlanID`; kept when it is an integer, even out of range.
    pub vlan_id: Option<Spanned<i64>>,
    /// `mtu`; kept when it is an integer, even out of range.
    pub mtu: Option<Spanned<i64>>,
    /// Whether `spec.config` has an `mtu` key at all, whatever its value, so that a rule does
    /// not call an `mtu` of the wrong type missing.
    pub mtu_written: bool,
    /// `subnets`, each item with its own span.
    pub subnets: Vec<Spanned<Subnet>>,
    /// `excludeSubnets`, each item with its own span.
    pub exclude_subnets: Vec<Spanned<IpNet>>,
}

impl NetConf {
    /// Returns the physical network name a localnet attaches to: `physicalNetworkName` when set,
    /// otherwise `name`.
    pub fn physical_network(&self) -> Option<&Spanned<String>> {
        self.physical_network_name.as_ref().or(self.name.as_ref())
    }
}

/// An OVN-Kubernetes network topology.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Topology {
    /// `layer2`.
    Layer2,
    /// `layer3`.
    Layer3,
    /// `localnet`: the network reaches a physical network through an OVS bridge mapping.
    Localnet,
    /// Any other value, as written; already reported.
    Other(String),
}

impl Topology {
    /// Reads the spelling used in the CNI configuration.
    pub fn parse(text: &str) -> Self {
        match text {
            "layer2" => Self::Layer2,
            "layer3" => Self::Layer3,
            "localnet" => Self::Localnet,
            other => Self::Other(other.to_string()),
        }
    }
}

/// An OpenShift Virtualization `HyperConverged`.
#[derive(Debug, Clone, Default)]
pub struct HyperConverged {
    /// `metadata.name`.
    pub name: Option<Spanned<String>>,
    /// `metadata.namespace`.
    pub namespace: Option<Spanned<String>>,
    /// `spec.liveMigrationConfig.network`: the name of the NAD that carries live migrations, in
    /// the HyperConverged's own namespace.
    pub live_migration_network: Option<Spanned<String>>,
}
