//! Rules that compare NADs of one chapter with each other and with the NNCPs' static
//! addresses. Separate chapters often describe separate clusters, so these never look past
//! the chapter.

use std::net::IpAddr;
use std::ops::Range;

use crate::diagnostic::Diagnostic;
use crate::snippet::model::{Attachment, IpNet, NetConf, Policy, Spanned, Subnet, Topology};

use super::rules::{NETWORK_CONFLICT, OVERLAPPING_SUBNETS, STATIC_ADDRESS_IN_NAD_RANGE};
use super::scope::{Located, Scope};

/// Checks the chapter's NADs and addresses.
pub fn check(chapter: &Scope<'_>, findings: &mut Vec<Diagnostic>) {
    let nads: Vec<_> = chapter
        .attachments
        .iter()
        .filter_map(|nad| nad.config.as_ref().map(|config| (*nad, config)))
        .collect();
    for (index, (nad, config)) in nads.iter().enumerate() {
        for (other, other_config) in &nads[..index] {
            compare(
                Peer {
                    nad: *other,
                    config: other_config,
                },
                Peer { nad: *nad, config },
                findings,
            );
        }
    }
    for nad in chapter.localnets() {
        for policy in &chapter.policies {
            check_static_addresses(nad, *policy, findings);
        }
    }
}

/// A NAD with its configuration.
#[derive(Clone, Copy)]
struct Peer<'a> {
    nad: Located<'a, Attachment>,
    config: &'a NetConf,
}

impl Peer<'_> {
    fn network(&self) -> Option<&str> {
        self.config.name.as_ref().map(Spanned::as_str)
    }

    fn physical_network(&self) -> Option<&str> {
        self.config.physical_network().map(Spanned::as_str)
    }

    /// Where to point when the field is missing.
    fn anchor(&self) -> Range<usize> {
        self.config
            .name
            .as_ref()
            .map_or(self.config.span.clone(), |n| n.span.clone())
    }
}

fn compare(first: Peer<'_>, second: Peer<'_>, findings: &mut Vec<Diagnostic>) {
    let same_network = first.network().is_some() && first.network() == second.network();
    if same_network {
        for field in disagreements(first.config, second.config) {
            findings.push(conflict(first, second, field));
        }
        return;
    }
    let same_wire =
        first.physical_network().is_some() && first.physical_network() == second.physical_network();
    let both_localnet =
        super::scope::is_localnet(&first.nad) && super::scope::is_localnet(&second.nad);
    if same_wire && both_localnet {
        check_overlap(first, second, findings);
    }
}

/// A field of the CNI configuration that NADs of one network must share.
#[derive(Clone, Copy)]
enum Field {
    Topology,
    VlanId,
    Mtu,
    Subnets,
    ExcludeSubnets,
}

impl Field {
    fn key(self) -> &'static str {
        match self {
            Field::Topology => "topology",
            Field::VlanId => "vlanID",
            Field::Mtu => "mtu",
            Field::Subnets => "subnets",
            Field::ExcludeSubnets => "excludeSubnets",
        }
    }

    /// The value as text, for comparing and printing, and where it is.
    fn value(self, config: &NetConf) -> (String, Option<Range<usize>>) {
        match self {
            Field::Topology => one(config.topology.as_ref(), |t| topology_text(t).to_string()),
            Field::VlanId => one(config.vlan_id.as_ref(), i64::to_string),
            Field::Mtu => one(config.mtu.as_ref(), i64::to_string),
            Field::Subnets => list(&config.subnets),
            Field::ExcludeSubnets => list(&config.exclude_subnets),
        }
    }
}

fn one<T>(
    item: Option<&Spanned<T>>,
    text: impl Fn(&T) -> String,
) -> (String, Option<Range<usize>>) {
    item.map_or((String::new(), None), |i| {
        (text(&i.value), Some(i.span.clone()))
    })
}

/// Formats a list so that it compares as a set. Its span runs from the first item to the last.
fn list<T: std::fmt::Display>(items: &[Spanned<T>]) -> (String, Option<Range<usize>>) {
    let mut texts: Vec<String> = items.iter().map(|i| i.value.to_string()).collect();
    texts.sort();
    let span = match (items.first(), items.last()) {
        (Some(first), Some(last)) => Some(first.span.start..last.span.end),
        _ => None,
    };
    (texts.join(", "), span)
}

fn topology_text(topology: &Topology) -> &str {
    match topology {
        Topology::Layer2 => "layer2",
        Topology::Layer3 => "layer3",
        Topology::Localnet => "localnet",
        Topology::Other(other) => other,
    }
}

fn disagreements(first: &NetConf, second: &NetConf) -> Vec<Field> {
    let fields = [
        Field::Topology,
        Field::VlanId,
        Field::Mtu,
        Field::Subnets,
        Field::ExcludeSubnets,
    ];
    fields
        .into_iter()
        .filter(|field| field.value(first).0 != field.value(second).0)
        .collect()
}

fn conflict(first: Peer<'_>, second: Peer<'_>, field: Field) -> Diagnostic {
    let (first_text, first_at) = field.value(first.config);
    let (second_text, second_at) = field.value(second.config);
    let describe = |text: &str, at: &Option<Range<usize>>| match at {
        Some(_) => format!("`{}` is {text}", field.key()),
        None => format!("no `{}`", field.key()),
    };
    Diagnostic::new(
        &NETWORK_CONFLICT,
        format!(
            "NADs of network `{}` disagree on `{}`",
            second.network().unwrap_or_default(),
            field.key()
        ),
    )
    .label(second.nad.file, second_at.clone().unwrap_or_else(|| second.anchor()), describe(&second_text, &second_at))
    .label(first.nad.file, first_at.clone().unwrap_or_else(|| first.anchor()), describe(&first_text, &first_at))
    .help("NADs that share a network `name` are one network: give them the same settings, or give one of them another `name`")
}

fn check_overlap(first: Peer<'_>, second: Peer<'_>, findings: &mut Vec<Diagnostic>) {
    for subnet in &second.config.subnets {
        let clash = first
            .config
            .subnets
            .iter()
            .find(|s| overlaps(&s.value.network, &subnet.value.network));
        let Some(clash) = clash else { continue };
        findings.push(
            Diagnostic::new(
                &OVERLAPPING_SUBNETS,
                format!(
                    "subnets {} and {} of two NADs on localnet `{}` overlap",
                    subnet.value,
                    clash.value,
                    second.physical_network().unwrap_or_default()
                ),
            )
            .label(second.nad.file, subnet.span.clone(), "this range")
            .label(first.nad.file, clash.span.clone(), "overlaps this range")
            .help("OVN-Kubernetes hands out each range without knowing the other, so two pods on the same wire can get one address; give each network its own range"),
        );
    }
}

/// Whether two networks share an address.
pub fn overlaps(first: &IpNet, second: &IpNet) -> bool {
    first.contains(second) || second.contains(first)
}

fn check_static_addresses(
    nad: Located<'_, Attachment>,
    policy: Located<'_, Policy>,
    findings: &mut Vec<Diagnostic>,
) {
    let Some(config) = &nad.config else { return };
    for address in policy.static_addresses() {
        let Some(subnet) = handed_out(config, address.ip.value) else {
            continue;
        };
        findings.push(
            Diagnostic::new(
                &STATIC_ADDRESS_IN_NAD_RANGE,
                format!("static address {} lies in the range {} that OVN-Kubernetes hands out", address.ip.value, subnet.value),
            )
            .label(policy.file, address.ip.span.clone(), "static address of the NNCP")
            .label(nad.file, subnet.span.clone(), "the NAD's range")
            .help("move the address out of the range, or add it to the NAD's `excludeSubnets` as a /32 (or /128)"),
        );
    }
}

/// The subnet of `config` that contains `ip` and does not exclude it.
fn handed_out(config: &NetConf, ip: IpAddr) -> Option<&Spanned<Subnet>> {
    let host = IpNet {
        addr: ip,
        prefix_len: crate::snippet::net::max_prefix(ip),
    };
    let excluded = config
        .exclude_subnets
        .iter()
        .any(|e| e.value.contains(&host));
    if excluded {
        return None;
    }
    config
        .subnets
        .iter()
        .find(|s| s.value.network.contains(&host))
}
