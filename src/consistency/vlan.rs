//! VLAN tags and MTUs along the path from a localnet NAD to the wire: NAD, bridge mapping, OVS
//! bridge, uplink port, NIC.
//!
//! OVN-Kubernetes tags a localnet's frames with the NAD's `vlanID` on the patch port it adds to
//! the mapped bridge. The bridge's uplink must then pass the tag to the NIC unchanged: an
//! access port strips it, a trunk without that VLAN drops the frames, and an uplink that is
//! itself a VLAN interface adds a second tag.

use crate::diagnostic::Diagnostic;
use crate::snippet::model::{
    Attachment, BridgePort, Interface, InterfaceType, Policy, PortVlanMode, Spanned,
};

use super::bridges::{is_nic_name, mapped_bridge};
use super::localnet::mapping_for;
use super::rules::{
    LOCALNET_MISSING_MTU, LOCALNET_VLAN_DOUBLED, LOCALNET_VLAN_DROPPED, NAD_MTU_EXCEEDS_UPLINK,
    VLAN_INTERFACE_SHADOWS_LOCALNET, VLAN_MTU_EXCEEDS_BASE,
};
use super::scope::{Located, Scope, is_absent};

/// Checks what depends on one document only: VLAN MTUs and localnets without `mtu`.
pub fn check_documents(book: &Scope<'_>, findings: &mut Vec<Diagnostic>) {
    for policy in &book.policies {
        check_vlan_mtus(*policy, findings);
    }
    for nad in book.localnets() {
        check_mtu_set(nad, findings);
    }
}

/// Checks the path of every localnet NAD of the chapter through every policy that maps it.
pub fn check_paths(chapter: &Scope<'_>, findings: &mut Vec<Diagnostic>) {
    for nad in chapter.localnets() {
        let Some(network) = nad.config.as_ref().and_then(|c| c.physical_network()) else {
            continue;
        };
        for policy in &chapter.policies {
            let bridge = mapping_for(policy, &network.value)
                .and_then(|mapping| mapped_bridge(policy, mapping));
            if let Some(bridge) = bridge {
                let path = Path {
                    nad,
                    policy: *policy,
                    bridge,
                };
                path.check(findings);
            }
        }
    }
}

/// One localnet NAD and the bridge that one policy maps it to.
struct Path<'a> {
    nad: Located<'a, Attachment>,
    policy: Located<'a, Policy>,
    bridge: &'a Interface,
}

/// A bridge port that leads out of the node, and the interface the policy defines for it.
struct Uplink<'a> {
    port: &'a BridgePort,
    name: &'a Spanned<String>,
    iface: Option<&'a Interface>,
}

impl<'a> Path<'a> {
    fn check(&self, findings: &mut Vec<Diagnostic>) {
        let config = self.nad.config.as_ref();
        let vlan = config.and_then(|c| c.vlan_id.as_ref());
        let mtu = config.and_then(|c| c.mtu.as_ref());
        for uplink in self.uplinks() {
            if let Some(vlan) = vlan {
                self.check_tagging(&uplink, vlan, findings);
                self.check_shadowing(&uplink, vlan, findings);
            }
            if let Some(mtu) = mtu {
                self.check_uplink_mtu(&uplink, mtu, findings);
            }
        }
    }

    /// The bridge's ports that lead to the wire: NICs, bonds and VLAN interfaces.
    fn uplinks(&self) -> Vec<Uplink<'a>> {
        let ports = self.bridge.bridge.iter().flat_map(|b| &b.ports);
        ports
            .filter_map(|port| {
                let name = port.name.as_ref()?;
                let iface = self.policy.value.interface(&name.value);
                self.is_uplink(port, name, iface)
                    .then_some(Uplink { port, name, iface })
            })
            .collect()
    }

    /// Whether a port is a NIC, a bond or a VLAN interface. A port this NNCP does not define
    /// counts only when it is an OVS bond or named like a NIC: any other undefined name is a
    /// typo or a missing `name`, which `undeclared-bridge-port` reports, not an uplink.
    fn is_uplink(
        &self,
        port: &BridgePort,
        name: &Spanned<String>,
        iface: Option<&Interface>,
    ) -> bool {
        let own = self
            .bridge
            .name
            .as_ref()
            .is_some_and(|n| n.value == name.value);
        let nic = match iface.map(|i| i.kind.as_ref()) {
            Some(kind) => kind.is_some_and(|k| {
                matches!(
                    k.value,
                    InterfaceType::Ethernet | InterfaceType::Bond | InterfaceType::Vlan
                )
            }),
            None => !port.bond_ports.is_empty() || is_nic_name(&name.value),
        };
        nic && !own
    }

    fn check_tagging(
        &self,
        uplink: &Uplink<'_>,
        vlan: &Spanned<i64>,
        findings: &mut Vec<Diagnostic>,
    ) {
        let id = u16::try_from(vlan.value).unwrap_or(u16::MAX);
        if let Some(port_vlan) = &uplink.port.vlan
            && let Some(mode) = &port_vlan.mode
        {
            let problem = match mode.value {
                PortVlanMode::Access => Some("an access port, so OVS strips the localnet's tag"),
                PortVlanMode::Trunk if !port_vlan.carries(id) => {
                    Some("a trunk that leaves this VLAN out, so OVS drops the localnet's frames")
                }
                PortVlanMode::Trunk => None,
            };
            if let Some(problem) = problem {
                findings.push(self.dropped(uplink, mode.span.clone(), vlan, problem));
            }
        }
        let is_vlan = uplink
            .iface
            .and_then(|i| i.kind.as_ref())
            .is_some_and(|k| k.value == InterfaceType::Vlan);
        if is_vlan {
            findings.push(self.doubled(uplink, vlan));
        }
    }

    fn dropped(
        &self,
        uplink: &Uplink<'_>,
        at: std::ops::Range<usize>,
        vlan: &Spanned<i64>,
        problem: &str,
    ) -> Diagnostic {
        Diagnostic::new(
            &LOCALNET_VLAN_DROPPED,
            format!("uplink `{}` does not pass VLAN {} of the localnet to the wire", uplink.name.value, vlan.value),
        )
        .label(self.policy.file, at, format!("`{}` is {problem}", uplink.name.value))
        .label(self.nad.file, vlan.span.clone(), "the NAD tags its frames with this VLAN")
        .help(format!(
            "remove the uplink's `vlan` section so that it carries every VLAN with its tag, or make it a trunk whose `trunk-tags` include {}",
            vlan.value
        ))
    }

    fn doubled(&self, uplink: &Uplink<'_>, vlan: &Spanned<i64>) -> Diagnostic {
        Diagnostic::new(
            &LOCALNET_VLAN_DOUBLED,
            format!("localnet frames get two VLAN tags: the NAD's {} and that of uplink `{}`", vlan.value, uplink.name.value),
        )
        .label(self.policy.file, uplink.name.span.clone(), "this uplink is a VLAN interface, which adds its own tag")
        .label(self.nad.file, vlan.span.clone(), "OVN-Kubernetes already tags with this VLAN")
        .help("attach the NIC itself to the bridge and keep `vlanID` in the NAD, or remove `vlanID` and let the VLAN interface tag")
    }

    /// A Linux VLAN interface on the uplink NIC with the localnet's VLAN id: the kernel's VLAN
    /// code runs before the OVS `rx_handler`, so that interface takes the VLAN's inbound frames.
    fn check_shadowing(
        &self,
        uplink: &Uplink<'_>,
        vlan: &Spanned<i64>,
        findings: &mut Vec<Diagnostic>,
    ) {
        for iface in &self.policy.interfaces {
            let Some(section) = &iface.vlan else { continue };
            let on_uplink = section
                .base_iface
                .as_ref()
                .is_some_and(|b| b.value == uplink.name.value);
            let same_id = section
                .id
                .as_ref()
                .is_some_and(|id| i64::from(id.value) == vlan.value);
            let is_vlan = iface
                .kind
                .as_ref()
                .is_some_and(|k| k.value == InterfaceType::Vlan);
            if !(on_uplink && same_id && is_vlan) || is_absent(iface.state.as_ref()) {
                continue;
            }
            let at = iface
                .name
                .as_ref()
                .map_or(iface.span.clone(), |n| n.span.clone());
            findings.push(
                Diagnostic::new(
                    &VLAN_INTERFACE_SHADOWS_LOCALNET,
                    format!(
                        "VLAN interface `{}` takes the inbound VLAN {} frames of the localnet on `{}`",
                        iface.name.as_ref().map_or("", Spanned::as_str),
                        vlan.value,
                        uplink.name.value
                    ),
                )
                .label(self.policy.file, at, "the kernel hands this VLAN's frames to this interface before OVS sees them")
                .label(self.nad.file, vlan.span.clone(), "the localnet uses the same VLAN")
                .help("give the host an `ovs-interface` access port for this VLAN on the bridge instead of a VLAN interface on the NIC"),
            );
        }
    }

    fn check_uplink_mtu(
        &self,
        uplink: &Uplink<'_>,
        mtu: &Spanned<i64>,
        findings: &mut Vec<Diagnostic>,
    ) {
        let Some(nic_mtu) = uplink.iface.and_then(|i| i.mtu.as_ref()) else {
            return;
        };
        if mtu.value <= i64::try_from(nic_mtu.value).unwrap_or(i64::MAX) {
            return;
        }
        findings.push(
            Diagnostic::new(
                &NAD_MTU_EXCEEDS_UPLINK,
                format!(
                    "NAD MTU {} is larger than the MTU {} of uplink `{}`",
                    mtu.value, nic_mtu.value, uplink.name.value
                ),
            )
            .label(self.nad.file, mtu.span.clone(), "the NAD's MTU")
            .label(self.policy.file, nic_mtu.span.clone(), "the uplink's MTU")
            .help(format!(
                "lower the NAD's `mtu` to at most {}, or raise the uplink's",
                nic_mtu.value
            )),
        );
    }
}

fn check_vlan_mtus(policy: Located<'_, Policy>, findings: &mut Vec<Diagnostic>) {
    for iface in &policy.interfaces {
        let base = iface.vlan.as_ref().and_then(|v| v.base_iface.as_ref());
        let base_iface = base.and_then(|b| policy.value.interface(&b.value));
        let (Some(mtu), Some(base_mtu)) = (&iface.mtu, base_iface.and_then(|b| b.mtu.as_ref()))
        else {
            continue;
        };
        if mtu.value <= base_mtu.value {
            continue;
        }
        findings.push(
            Diagnostic::new(
                &VLAN_MTU_EXCEEDS_BASE,
                format!(
                    "VLAN MTU {} is larger than the MTU {} of its base interface",
                    mtu.value, base_mtu.value
                ),
            )
            .label(policy.file, mtu.span.clone(), "the VLAN interface's MTU")
            .label(
                policy.file,
                base_mtu.span.clone(),
                "the base interface's MTU",
            )
            .help(format!(
                "lower the VLAN interface's `mtu` to at most {}, or raise the base's",
                base_mtu.value
            )),
        );
    }
}

fn check_mtu_set(nad: Located<'_, Attachment>, findings: &mut Vec<Diagnostic>) {
    let Some(config) = &nad.config else { return };
    if config.mtu_written {
        return;
    }
    let at = config
        .name
        .as_ref()
        .map_or(config.span.clone(), |n| n.span.clone());
    findings.push(
        Diagnostic::new(
            &LOCALNET_MISSING_MTU,
            format!("localnet NAD `{}` sets no `mtu`", nad.name.as_ref().map_or("", Spanned::as_str)),
        )
        .label(nad.file, at, "this localnet network has no `mtu`")
        .help("set `\"mtu\"` to the MTU of the physical network, usually 1500: without it the localnet gets the cluster's overlay MTU, which is smaller"),
    );
}
