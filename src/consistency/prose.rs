//! The chapter text against its snippets: VLAN ids and CIDRs that readers take from the prose
//! must be the ones the snippets configure.

use std::ops::Range;
use std::sync::{Arc, LazyLock};

use regex::Regex;

use crate::diagnostic::Diagnostic;
use crate::snippet::model::{IpNet, TrunkTag};
use crate::source::SourceFile;

use super::addresses::overlaps;
use super::rules::{PROSE_CIDR_MISMATCH, PROSE_VLAN_UNKNOWN};
use super::scope::Scope;

/// `VLAN 3876` or `VLAN ID 3876`; the id is the match's trailing digits. The patterns have no
/// capture groups and ASCII digits only: a search without captures runs on the regex crate's
/// lazy DFA, several times faster on a book's thousands of prose runs.
static VLAN_MENTION: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\bVLAN(?:\s+ID)?\s+[0-9]{1,5}\b").expect("valid pattern"));

/// An IPv4 or IPv6 network in CIDR notation. Candidates that do not parse are skipped.
static CIDR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:\b[0-9]{1,3}(?:\.[0-9]{1,3}){3}|[0-9A-Fa-f]{0,4}:[0-9A-Fa-f:.]*)/[0-9]{1,3}\b")
        .expect("valid pattern")
});

/// A value used by a snippet, with the place that uses it.
struct Used<T> {
    value: T,
    file: Arc<SourceFile>,
    span: Range<usize>,
}

/// Checks the prose of `file` against the snippets of its chapter.
pub fn check(
    file: &Arc<SourceFile>,
    prose: &[Range<usize>],
    chapter: &Scope<'_>,
    findings: &mut Vec<Diagnostic>,
) {
    if chapter.is_empty() || chapter.incomplete {
        return;
    }
    let vlans = used_vlans(chapter);
    let subnets = used_subnets(chapter);
    for range in prose {
        let text = &file.text()[range.clone()];
        // Both patterns need these literals. Testing for them first skips the regex searches,
        // whose setup per call cost more than the search on a book's many short prose runs.
        if text.contains("VLAN") {
            check_vlans(file, range.start, text, &vlans, findings);
        }
        if text.contains('/') {
            check_cidrs(file, range.start, text, &subnets, findings);
        }
    }
}

fn check_vlans(
    file: &Arc<SourceFile>,
    offset: usize,
    text: &str,
    vlans: &[Used<u16>],
    findings: &mut Vec<Diagnostic>,
) {
    for whole in VLAN_MENTION.find_iter(text) {
        let mention = whole.as_str();
        let id = &mention[mention.trim_end_matches(|c: char| c.is_ascii_digit()).len()..];
        let number: u32 = id.parse().unwrap_or(u32::MAX);
        if vlans.iter().any(|v| u32::from(v.value) == number) {
            continue;
        }
        let mut diagnostic = Diagnostic::new(
            &PROSE_VLAN_UNKNOWN,
            format!("the text names VLAN {number}, which no snippet of this chapter uses"),
        )
        .label(
            file,
            offset + whole.start()..offset + whole.end(),
            "named in the text",
        );
        let closest = vlans
            .iter()
            .min_by_key(|v| u32::from(v.value).abs_diff(number));
        if let Some(used) = closest {
            diagnostic = diagnostic.label(
                &used.file,
                used.span.clone(),
                format!("the snippets use VLAN {}", used.value),
            );
        }
        findings.push(diagnostic.help(
            "correct the VLAN id in the text or in the snippet, so that both say the same; \
                 if the text names another VLAN on purpose (\"VLAN 1 carries no traffic\"), \
                 silence this rule here with \
                 `<!-- netsnip-allow: prose-vlan-unknown -- reason -->`",
        ));
    }
}

fn check_cidrs(
    file: &Arc<SourceFile>,
    offset: usize,
    text: &str,
    subnets: &[Used<IpNet>],
    findings: &mut Vec<Diagnostic>,
) {
    for found in CIDR.find_iter(text) {
        let Ok(written) = IpNet::parse(found.as_str()) else {
            continue;
        };
        // A snippet's own network is the common case, and one that names it is never reported.
        if subnets.iter().any(|s| same_network(&s.value, &written)) {
            continue;
        }
        let Some(used) = subnets.iter().find(|s| overlaps(&s.value, &written)) else {
            continue;
        };
        findings.push(
            Diagnostic::new(
                &PROSE_CIDR_MISMATCH,
                format!(
                    "the text says {written}, but the snippet's subnet is {}",
                    used.value
                ),
            )
            .label(
                file,
                offset + found.start()..offset + found.end(),
                "written in the text",
            )
            .label(
                &used.file,
                used.span.clone(),
                format!("the snippet uses {}", used.value),
            )
            .help(
                "correct the CIDR in the text or in the snippet, so that both say the same; \
                 if the text names a wider network on purpose, silence this rule here with \
                 `<!-- netsnip-allow: prose-cidr-mismatch -- reason -->`",
            ),
        );
    }
}

/// Whether a CIDR from the text names the same network as a snippet's. An address with host
/// bits, such as `192.168.22.5/24`, names a host of the network and matches by prefix length.
fn same_network(used: &IpNet, written: &IpNet) -> bool {
    used.prefix_len == written.prefix_len && used.network() == written.network()
}

fn used_vlans(chapter: &Scope<'_>) -> Vec<Used<u16>> {
    let mut vlans = Vec::new();
    for nad in &chapter.attachments {
        let id = nad.config.as_ref().and_then(|c| c.vlan_id.as_ref());
        if let Some(id) = id.filter(|id| (0..=4095).contains(&id.value)) {
            let value = u16::try_from(id.value).unwrap_or_default();
            vlans.push(Used {
                value,
                file: Arc::clone(nad.file),
                span: id.span.clone(),
            });
        }
    }
    for policy in &chapter.policies {
        let mut push = |value: u16, span: &Range<usize>| {
            vlans.push(Used {
                value,
                file: Arc::clone(policy.file),
                span: span.clone(),
            });
        };
        for iface in &policy.interfaces {
            if let Some(id) = iface.vlan.as_ref().and_then(|v| v.id.as_ref()) {
                push(id.value, &id.span);
            }
            let ports = iface.bridge.iter().flat_map(|b| &b.ports);
            for port_vlan in ports.filter_map(|p| p.vlan.as_ref()) {
                if let Some(tag) = &port_vlan.tag {
                    push(tag.value, &tag.span);
                }
                for trunk in &port_vlan.trunk_tags {
                    match trunk {
                        TrunkTag::Id(id) => push(id.value, &id.span),
                        TrunkTag::Range { min, max } => {
                            for id in min.value..=max.value.min(4095) {
                                push(id, &min.span);
                            }
                        }
                    }
                }
            }
        }
    }
    vlans
}

fn used_subnets(chapter: &Scope<'_>) -> Vec<Used<IpNet>> {
    let mut subnets = Vec::new();
    for nad in &chapter.attachments {
        let Some(config) = &nad.config else { continue };
        let ranges = config.subnets.iter().map(|s| (s.value.network, &s.span));
        let excluded = config.exclude_subnets.iter().map(|s| (s.value, &s.span));
        for (value, span) in ranges.chain(excluded) {
            subnets.push(Used {
                value,
                file: Arc::clone(nad.file),
                span: span.clone(),
            });
        }
    }
    for policy in &chapter.policies {
        for address in policy.static_addresses() {
            let Some(prefix) = &address.prefix_length else {
                continue;
            };
            let value = IpNet {
                addr: address.ip.value,
                prefix_len: prefix.value,
            };
            let span = address.ip.span.clone();
            subnets.push(Used {
                value,
                file: Arc::clone(policy.file),
                span,
            });
        }
    }
    subnets
}
