//! References between documents: a localnet NAD to the bridge mapping that carries it, and a
//! HyperConverged to the NAD of its live-migration network.
//!
//! Both are looked up in the chapter first and then in the whole book. Only a reference that
//! nothing in the book resolves is an error.

use crate::diagnostic::Diagnostic;
use crate::snippet::model::{Attachment, BridgeMapping, HyperConverged, Policy, Spanned};

use super::rules::{
    LOCALNET_NOT_MAPPED, MIGRATION_NETWORK_NOT_FOUND, MIGRATION_NETWORK_WITHOUT_SUBNETS,
};
use super::scope::{Located, Scope};

/// The namespace of OpenShift Virtualization, where the HyperConverged resource and the
/// `virt-handler` pods that carry migrations live unless the resource says otherwise.
const CNV_NAMESPACE: &str = "openshift-cnv";

/// Checks the references of the chapter's NADs and HyperConverged resources.
pub fn check(chapter: &Scope<'_>, book: &Scope<'_>, findings: &mut Vec<Diagnostic>) {
    let groups = chapter.policy_groups();
    for nad in chapter.localnets() {
        check_mapped(nad, &groups, chapter, book, findings);
    }
    for hco in &chapter.hyperconvergeds {
        check_migration_network(*hco, chapter, book, findings);
    }
}

/// The mapping of `policy` that carries the physical network `network`, unless it is removed.
pub fn mapping_for<'p>(policy: &'p Policy, network: &str) -> Option<&'p BridgeMapping> {
    policy.bridge_mappings.iter().find(|mapping| {
        let removed = mapping.state.as_ref().is_some_and(|s| s.value == "absent");
        !removed
            && mapping
                .localnet
                .as_ref()
                .is_some_and(|l| l.value == network)
    })
}

fn check_mapped(
    nad: Located<'_, Attachment>,
    groups: &[Vec<Located<'_, Policy>>],
    chapter: &Scope<'_>,
    book: &Scope<'_>,
    findings: &mut Vec<Diagnostic>,
) {
    let Some(network) = nad.config.as_ref().and_then(|c| c.physical_network()) else {
        return;
    };
    let maps = |policy: &Located<'_, Policy>| mapping_for(policy, &network.value).is_some();

    if groups.iter().any(|group| group.iter().all(maps)) {
        return;
    }
    let partial: Vec<_> = groups.iter().filter(|g| g.iter().any(maps)).collect();
    for group in &partial {
        for alternative in group.iter().filter(|p| !maps(p)) {
            findings.push(alternative_unmapped(nad, network, *alternative));
        }
    }
    if partial.is_empty() && !book.incomplete && !book.policies.iter().any(maps) {
        findings.push(unmapped(nad, network, chapter, book));
    }
}

/// One of several policies of the same name lacks the mapping its alternatives have.
fn alternative_unmapped(
    nad: Located<'_, Attachment>,
    network: &Spanned<String>,
    policy: Located<'_, Policy>,
) -> Diagnostic {
    let policy_name = policy.name.as_ref().map_or("", Spanned::as_str);
    let diagnostic = Diagnostic::new(
        &LOCALNET_NOT_MAPPED,
        format!(
            "NNCP `{policy_name}` has no bridge mapping for localnet `{}`, which another NNCP of \
             the same name maps",
            network.value
        ),
    )
    .label(nad.file, network.span.clone(), "the NAD's physical network");
    let diagnostic = label_mappings(diagnostic, policy);
    diagnostic.help(format!(
        "NNCPs that share a name are alternatives; add `- localnet: {}` with its `bridge` to \
         `spec.desiredState.ovn.bridge-mappings` of this one too",
        network.value
    ))
}

fn label_mappings(diagnostic: Diagnostic, policy: Located<'_, Policy>) -> Diagnostic {
    match (policy.bridge_mappings.first(), policy.name.as_ref()) {
        (Some(mapping), _) => diagnostic.label(
            policy.file,
            mapping.span.clone(),
            "this NNCP's bridge mappings",
        ),
        (None, Some(name)) => diagnostic.label(policy.file, name.span.clone(), "this NNCP"),
        (None, None) => diagnostic,
    }
}

/// No policy in the book maps the NAD's physical network.
fn unmapped(
    nad: Located<'_, Attachment>,
    network: &Spanned<String>,
    chapter: &Scope<'_>,
    book: &Scope<'_>,
) -> Diagnostic {
    let mut diagnostic = Diagnostic::new(
        &LOCALNET_NOT_MAPPED,
        format!(
            "localnet `{}` of NAD `{}` is not in the `ovn.bridge-mappings` of any NNCP",
            network.value,
            nad.name.as_ref().map_or("", Spanned::as_str)
        ),
    )
    .label(nad.file, network.span.clone(), "the NAD's physical network");

    let mixed_up = mixed_up_mapping(nad, chapter).or_else(|| mixed_up_mapping(nad, book));
    if let Some((policy, localnet, field)) = mixed_up {
        diagnostic = diagnostic
            .label(policy.file, localnet.span.clone(), format!("this is the NAD's {field}"))
            .help(format!(
                "a bridge mapping's `localnet` must equal the NAD's physical network (`physicalNetworkName`, \
                 else `name`), not its {field}: write `localnet: {}`",
                network.value
            ));
        return diagnostic;
    }

    let closest =
        closest_mapping(&network.value, chapter).or_else(|| closest_mapping(&network.value, book));
    if let Some((policy, localnet)) = closest {
        diagnostic = diagnostic.label(
            policy.file,
            localnet.span.clone(),
            "the closest bridge mapping",
        );
    }
    diagnostic.help(format!(
        "add `- localnet: {}` with the OVS bridge that reaches the NIC to `spec.desiredState.ovn.bridge-mappings` \
         of an NNCP, or correct the NAD's network name",
        network.value
    ))
}

/// A mapping whose `localnet` is the NAD's `metadata.name`, its `netAttachDefName`, or its
/// `name` while `physicalNetworkName` is set: the usual mix-ups. The candidates are tried in
/// this order, so a value that equals both `metadata.name` and the name part of
/// `netAttachDefName` is labelled `metadata.name`.
fn mixed_up_mapping<'a>(
    nad: Located<'_, Attachment>,
    scope: &Scope<'a>,
) -> Option<(Located<'a, Policy>, &'a Spanned<String>, &'static str)> {
    let config = nad.config.as_ref()?;
    let mut wrong: Vec<(String, &'static str)> = Vec::new();
    if let Some(name) = &nad.name {
        wrong.push((name.value.clone(), "`metadata.name`"));
    }
    if let Some(full) = &config.net_attach_def_name {
        wrong.push((full.value.clone(), "`netAttachDefName`"));
        let short = full.value.rsplit('/').next().unwrap_or_default();
        wrong.push((short.to_string(), "`netAttachDefName`"));
    }
    if let (Some(_), Some(name)) = (&config.physical_network_name, &config.name) {
        wrong.push((
            name.value.clone(),
            "network `name` (`physicalNetworkName` takes precedence)",
        ));
    }

    scope.policies.iter().copied().find_map(|policy| {
        policy.value.bridge_mappings.iter().find_map(|mapping| {
            let localnet = mapping.localnet.as_ref()?;
            let (_, field) = wrong.iter().find(|(value, _)| *value == localnet.value)?;
            Some((policy, localnet, *field))
        })
    })
}

fn closest_mapping<'a>(
    network: &str,
    scope: &Scope<'a>,
) -> Option<(Located<'a, Policy>, &'a Spanned<String>)> {
    let mappings = scope.policies.iter().copied().flat_map(|policy| {
        policy
            .value
            .bridge_mappings
            .iter()
            .filter_map(move |m| m.localnet.as_ref().map(|l| (policy, l)))
    });
    mappings.min_by_key(|(_, localnet)| strsim::levenshtein(network, &localnet.value))
}

fn check_migration_network(
    hco: Located<'_, HyperConverged>,
    chapter: &Scope<'_>,
    book: &Scope<'_>,
    findings: &mut Vec<Diagnostic>,
) {
    let Some(network) = &hco.live_migration_network else {
        return;
    };
    let namespace = hco
        .namespace
        .as_ref()
        .map_or(CNV_NAMESPACE, Spanned::as_str);
    let found = find_nad(chapter, &network.value, Some(namespace))
        .or_else(|| find_nad(book, &network.value, Some(namespace)));

    match found {
        Some(nad) if nad.config.as_ref().is_some_and(|c| c.subnets.is_empty()) => {
            findings.push(without_subnets(hco, network, nad));
        }
        Some(_) => {}
        None if book.incomplete || book.has_faulty_nad_name() => {}
        None => findings.push(migration_not_found(hco, network, namespace, chapter, book)),
    }
}

/// Finds a NAD by `metadata.name` and, when given, `metadata.namespace`.
pub fn find_nad<'a>(
    scope: &Scope<'a>,
    name: &str,
    namespace: Option<&str>,
) -> Option<Located<'a, Attachment>> {
    scope.attachments.iter().copied().find(|nad| {
        let named = nad.name.as_ref().is_some_and(|n| n.value == name);
        let nad_namespace = nad.namespace.as_ref().map(Spanned::as_str);
        named && namespace.is_none_or(|ns| nad_namespace == Some(ns))
    })
}

fn without_subnets(
    hco: Located<'_, HyperConverged>,
    network: &Spanned<String>,
    nad: Located<'_, Attachment>,
) -> Diagnostic {
    let at = nad
        .config
        .as_ref()
        .map(|c| c.span.clone())
        .unwrap_or_default();
    Diagnostic::new(
        &MIGRATION_NETWORK_WITHOUT_SUBNETS,
        format!("migration network `{}` sets no `subnets`", network.value),
    )
    .label(nad.file, at, "this configuration has no `subnets`")
    .label(
        hco.file,
        network.span.clone(),
        "used for live migration here",
    )
    .help(
        "add `\"subnets\": \"CIDR\"` with a range that has an address for every node: the \
         migration pods need addresses, and OVN-Kubernetes takes no `ipam` block",
    )
}

fn migration_not_found(
    hco: Located<'_, HyperConverged>,
    network: &Spanned<String>,
    namespace: &str,
    chapter: &Scope<'_>,
    book: &Scope<'_>,
) -> Diagnostic {
    let mut diagnostic = Diagnostic::new(
        &MIGRATION_NETWORK_NOT_FOUND,
        format!(
            "live-migration network `{}` names no NAD in namespace `{namespace}`",
            network.value
        ),
    )
    .label(
        hco.file,
        network.span.clone(),
        "no NAD of this name in the book",
    );

    let elsewhere =
        find_nad(chapter, &network.value, None).or_else(|| find_nad(book, &network.value, None));
    let Some(nad) = elsewhere else {
        return diagnostic.help(format!(
            "include the NAD `{}` in namespace `{namespace}` in the book, or correct the name",
            network.value
        ));
    };
    match &nad.namespace {
        Some(other) => {
            diagnostic = diagnostic.label(
                nad.file,
                other.span.clone(),
                format!("this NAD is in namespace `{}`", other.value),
            );
        }
        None => {
            let at = nad
                .name
                .as_ref()
                .map(|n| n.span.clone())
                .unwrap_or_default();
            diagnostic = diagnostic.label(nad.file, at, "this NAD sets no `metadata.namespace`");
        }
    }
    diagnostic.help(format!(
        "set `metadata.namespace: {namespace}` on the NAD: the HyperConverged reads a bare name \
         in its own namespace"
    ))
}
