//! HyperConverged documents of OpenShift Virtualization: the live-migration settings.
//!
//! Fields and types follow `LiveMigrationConfigurations` in the hyperconverged-cluster-operator
//! API (`api/v1beta1/hyperconverged_types.go`). Its CRD is a structural schema, so the API
//! server drops unknown keys and rejects values of the wrong type, quoted numbers included.
//! Other parts of `spec` are not checked.

use super::check::{Checker, subdomain_problem};
use super::extract::text;
use super::model::HyperConverged;
use super::rules::INVALID_VALUE;
use super::schema::{Field, Quoted, Shape, check_map, check_str};
use super::yaml::{Node, Typed};

const INT64: Shape = Shape::strict_int(i64::MIN as i128, i64::MAX as i128);

const LIVE_MIGRATION: &[Field] = &[
    Field::new(
        "parallelMigrationsPerCluster",
        Shape::strict_int(0, u32::MAX as i128),
    ),
    Field::new(
        "parallelOutboundMigrationsPerNode",
        Shape::strict_int(0, u32::MAX as i128),
    ),
    Field::new("bandwidthPerMigration", Shape::Custom(check_quantity)),
    Field::new("completionTimeoutPerGiB", INT64),
    Field::new("progressTimeout", INT64),
    Field::new("network", Shape::Custom(check_network)),
    Field::new("allowAutoConverge", Shape::Bool(Quoted::Rejected)),
    Field::new("allowPostCopy", Shape::Bool(Quoted::Rejected)),
];

/// Validates a HyperConverged document and reads its model.
pub fn validate(checker: &mut Checker, root: &Node) -> HyperConverged {
    let live_migration = root.path(&["spec", "liveMigrationConfig"]);
    if let Some(node) = live_migration {
        let path = "spec.liveMigrationConfig";
        check_map(checker, node, &[LIVE_MIGRATION], path, &|_| None);
    }
    HyperConverged {
        name: text(root.path(&["metadata", "name"])),
        namespace: text(root.path(&["metadata", "namespace"])),
        live_migration_network: text(live_migration.and_then(|n| n.get("network"))),
    }
}

/// Checks `network`, the bare name of a NAD in the HyperConverged's namespace: KubeVirt attaches
/// the virt-handler pods, which run there, to it.
fn check_network(checker: &mut Checker, node: &Node, path: &str) {
    let Some(name) = check_str(checker, node, path) else {
        return;
    };
    let Some(problem) = subdomain_problem(name) else {
        return;
    };
    let message = format!(
        "`{path}` is `{name}`, which is not a NetworkAttachmentDefinition name: it {problem}"
    );
    let report = checker.report(
        &INVALID_VALUE,
        node.span.clone(),
        message,
        "invalid NAD name",
    );
    if name.contains('/') {
        report.help("give only the NAD's name; the NAD must be in the HyperConverged's namespace");
    }
}

/// Checks a Kubernetes quantity such as `64Mi` against the CRD's pattern.
fn check_quantity(checker: &mut Checker, node: &Node, path: &str) {
    if let Some(Typed::Int(_) | Typed::Float(_)) = node.typed() {
        super::schema::wrong_type(checker, node, path, "a string");
        return;
    }
    let Some(text) = check_str(checker, node, path) else {
        return;
    };
    if !is_quantity(text) {
        let message = format!("`{path}` is `{text}`, which is not a Kubernetes quantity");
        checker
            .report(
                &INVALID_VALUE,
                node.span.clone(),
                message,
                "invalid quantity",
            )
            .help("write bytes per second with an optional suffix, such as `64Mi` or `1Gi`");
    }
}

/// Matches `^[+-]?(\d+(\.\d*)?|\.\d+)(([KMGTPE]i)|[numkMGTPE]|[eE][+-]?(\d+(\.\d*)?|\.\d+))?$`,
/// the pattern in the CRD.
fn is_quantity(text: &str) -> bool {
    let body = text.strip_prefix(['+', '-']).unwrap_or(text);
    let Some(rest) = strip_decimal(body) else {
        return false;
    };
    if rest.is_empty() || ["Ki", "Mi", "Gi", "Ti", "Pi", "Ei"].contains(&rest) {
        return true;
    }
    if rest.len() == 1 && "numkMGTPE".contains(rest) {
        return true;
    }
    let Some(exponent) = rest.strip_prefix(['e', 'E']) else {
        return false;
    };
    let exponent = exponent.strip_prefix(['+', '-']).unwrap_or(exponent);
    strip_decimal(exponent).is_some_and(str::is_empty)
}

/// Strips a decimal number (`1`, `1.`, `1.5` or `.5`) from the front; `None` when there is
/// none.
fn strip_decimal(text: &str) -> Option<&str> {
    let int_len = text.bytes().take_while(u8::is_ascii_digit).count();
    let rest = &text[int_len..];
    let Some(fraction) = rest.strip_prefix('.') else {
        return (int_len > 0).then_some(rest);
    };
    let frac_len = fraction.bytes().take_while(u8::is_ascii_digit).count();
    (int_len > 0 || frac_len > 0).then_some(&fraction[frac_len..])
}

#[cfg(test)]
mod tests {
    use super::is_quantity;

    #[test]
    fn quantity_pattern() {
        for good in ["64Mi", "1Gi", "100", "1.5G", ".5", "1e3", "+2k", "5."] {
            assert!(is_quantity(good), "{good} rejected");
        }
        for bad in ["64MB", "Mi", "", "1.5.5", "1e", "64 Mi", "ki"] {
            assert!(!is_quantity(bad), "{bad} accepted");
        }
    }
}
