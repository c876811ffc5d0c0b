//! Snippet validation through the library API: every rule fires on its fixture at the exact
//! line and column, the valid fixtures produce no findings, the model points at the values,
//! and odd input never panics.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use netsnip::diagnostic::Severity;
use netsnip::rules::Level;
use netsnip::snippet::model::{InterfaceType, PortVlanMode, Topology, TrunkTag};
use netsnip::snippet::rules::RULES;
use netsnip::snippet::{Kind, Snippet, analyze};
use netsnip::source::SourceFile;

fn fixture_dir(kind: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/snippets")
        .join(kind)
}

fn analyze_text(name: &str, text: &str) -> Snippet {
    let file = SourceFile::new(PathBuf::from(name), name.to_string(), text.to_string());
    analyze(Arc::new(file))
}

fn analyze_fixture(kind: &str, name: &str) -> Snippet {
    let path = fixture_dir(kind).join(name);
    let text = std::fs::read_to_string(&path).expect("fixture is readable");
    analyze_text(name, &text)
}

/// Findings as (rule id, line, column) of their primary label.
fn findings(snippet: &Snippet) -> Vec<(&'static str, usize, usize)> {
    snippet
        .diagnostics
        .iter()
        .map(|d| {
            let location = d
                .primary()
                .expect("every finding has a position")
                .location();
            (d.rule.id, location.line, location.column)
        })
        .collect()
}

/// Returns the snippet text a span covers.
fn text_at(snippet: &Snippet, span: &std::ops::Range<usize>) -> String {
    snippet.file.text()[span.clone()].to_string()
}

type Expected = &'static [(&'static str, usize, usize)];

/// Each invalid fixture with every finding it must produce, in file order.
const INVALID: &[(&str, Expected)] = &[
    ("yaml-syntax.yaml", &[("yaml-syntax", 5, 5)]),
    ("yaml-quoted-indentation.yaml", &[("yaml-syntax", 14, 3)]),
    ("yaml-tab-indentation.yaml", &[("yaml-syntax", 4, 1)]),
    ("yaml-list-indentation.yaml", &[("yaml-syntax", 10, 8)]),
    ("yaml-duplicate-key.yaml", &[("yaml-duplicate-key", 5, 3)]),
    (
        "missing-field.yaml",
        &[
            ("missing-field", 1, 1),
            ("missing-field", 3, 3),
            ("missing-field", 12, 9),
        ],
    ),
    (
        "invalid-type.yaml",
        &[("invalid-type", 7, 37), ("invalid-type", 12, 15)],
    ),
    (
        "unknown-field.yaml",
        &[
            ("unknown-field", 11, 11),
            ("unknown-field", 14, 7),
            ("unknown-field", 17, 3),
        ],
    ),
    ("misplaced-field.yaml", &[("misplaced-field", 13, 13)]),
    (
        "invalid-value.yaml",
        &[
            ("invalid-value", 6, 19),
            ("invalid-value", 11, 16),
            ("invalid-value", 18, 23),
        ],
    ),
    (
        "value-out-of-range.yaml",
        &[
            ("value-out-of-range", 10, 14),
            ("value-out-of-range", 15, 15),
        ],
    ),
    (
        "duplicate-entry.yaml",
        &[("duplicate-entry", 17, 21), ("duplicate-entry", 22, 21)],
    ),
    (
        "conflicting-fields.yaml",
        &[
            ("conflicting-fields", 17, 19),
            ("conflicting-fields", 21, 22),
        ],
    ),
    (
        "non-canonical-boolean.yaml",
        &[
            ("non-canonical-boolean", 11, 20),
            ("non-canonical-boolean", 12, 17),
            ("non-canonical-boolean", 14, 20),
        ],
    ),
    (
        "quoted-number.yaml",
        &[("quoted-number", 10, 14), ("quoted-number", 15, 15)],
    ),
    (
        "invalid-mac-address.yaml",
        &[("invalid-mac-address", 10, 22)],
    ),
    (
        "multicast-mac-address.yaml",
        &[("multicast-mac-address", 10, 22)],
    ),
    (
        "invalid-ip-address.yaml",
        &[
            ("invalid-ip-address", 10, 13),
            ("invalid-ip-address", 17, 19),
            ("invalid-ip-address", 18, 30),
            ("invalid-ip-address", 20, 30),
        ],
    ),
    (
        "invalid-interface-name.yaml",
        &[
            ("invalid-interface-name", 8, 15),
            ("invalid-interface-name", 11, 23),
        ],
    ),
    (
        "invalid-metadata-name.yaml",
        &[
            ("invalid-metadata-name", 4, 9),
            ("invalid-metadata-name", 12, 9),
            ("invalid-metadata-name", 13, 14),
        ],
    ),
    (
        "deprecated-api-version.yaml",
        &[("deprecated-api-version", 1, 13)],
    ),
    (
        "namespace-on-cluster-scoped.yaml",
        &[("namespace-on-cluster-scoped", 5, 14)],
    ),
    ("invalid-json.yaml", &[("invalid-json", 13, 5)]),
    ("json-duplicate-key.yaml", &[("json-duplicate-key", 15, 7)]),
    ("ovn-reserved-name.yaml", &[("ovn-reserved-name", 8, 37)]),
    (
        "ovn-nad-name-mismatch.yaml",
        &[
            ("ovn-nad-name-mismatch", 13, 27),
            ("ovn-nad-name-mismatch", 23, 5),
        ],
    ),
    ("ovn-topology-field.yaml", &[("ovn-topology-field", 14, 7)]),
    ("ovn-ipam-block.yaml", &[("ovn-ipam-block", 14, 7)]),
    ("ovn-unknown-key.yaml", &[("ovn-unknown-key", 14, 7)]),
    ("ovn-key-case.yaml", &[("ovn-key-case", 14, 7)]),
    (
        "ovn-exclude-outside-subnets.yaml",
        &[("ovn-exclude-outside-subnets", 15, 43)],
    ),
    (
        "nad-config-errors.yaml",
        &[
            ("invalid-type", 9, 62),
            ("value-out-of-range", 10, 17),
            ("invalid-ip-address", 10, 38),
            ("invalid-type", 19, 5),
        ],
    ),
    (
        "hco-errors.yaml",
        &[
            ("invalid-value", 8, 14),
            ("invalid-type", 9, 35),
            ("invalid-value", 10, 28),
            ("invalid-type", 11, 20),
            ("unknown-field", 12, 5),
        ],
    ),
];

#[test]
fn invalid_fixtures_report_exact_findings() {
    for (name, expected) in INVALID {
        let snippet = analyze_fixture("invalid", name);
        assert_eq!(findings(&snippet), expected.to_vec(), "findings of {name}");
    }
}

#[test]
fn every_rule_has_an_invalid_fixture() {
    for rule in RULES {
        let covered = INVALID
            .iter()
            .any(|(_, expected)| expected.iter().any(|(id, _, _)| *id == rule.id));
        assert!(covered, "no fixture triggers `{}`", rule.id);
    }
}

#[test]
fn valid_fixtures_report_nothing() {
    let entries = std::fs::read_dir(fixture_dir("valid")).expect("valid fixtures exist");
    let mut count = 0;
    for entry in entries {
        let path = entry.expect("directory entry").path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let snippet = analyze_fixture("valid", &name);
        assert_eq!(
            findings(&snippet),
            vec![],
            "findings of valid fixture {name}"
        );
        count += 1;
    }
    assert!(count >= 7, "only {count} valid fixtures");
}

#[test]
fn severity_follows_rule_default() {
    for (name, _) in INVALID {
        let snippet = analyze_fixture("invalid", name);
        for diagnostic in &snippet.diagnostics {
            let expected = match diagnostic.rule.default {
                Level::Warn => Severity::Warning,
                _ => Severity::Error,
            };
            assert_eq!(
                diagnostic.severity, expected,
                "{} in {name}",
                diagnostic.rule.id
            );
        }
    }
}

#[test]
fn rule_ids_are_kebab_case_and_unique() {
    let mut seen = std::collections::HashSet::new();
    for rule in RULES {
        let kebab = rule
            .id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        assert!(kebab, "`{}` is not kebab case", rule.id);
        assert!(seen.insert(rule.id), "`{}` is listed twice", rule.id);
        assert!(!rule.summary.is_empty(), "`{}` has no summary", rule.id);
    }
}

#[test]
fn unknown_keys_suggest_closest_known_key() {
    let snippet = analyze_fixture("invalid", "unknown-field.yaml");
    let helps: Vec<&str> = snippet
        .diagnostics
        .iter()
        .filter_map(|d| d.help.as_deref())
        .collect();
    assert_eq!(helps[0], "rename it to `base-iface`");
    assert_eq!(helps[1], "rename it to `bridge-mappings`");

    let snippet = analyze_fixture("invalid", "ovn-unknown-key.yaml");
    let help = snippet.diagnostics[0].help.as_deref();
    assert_eq!(help, Some("rename it to `vlanID`"));
}

#[test]
fn misspelled_required_key_is_reported_once() {
    let snippet = analyze_fixture("invalid", "unknown-field.yaml");
    let missing = snippet
        .diagnostics
        .iter()
        .filter(|d| d.rule.id == "missing-field")
        .count();
    assert_eq!(
        missing, 0,
        "`base-interface` also reported as missing `base-iface`"
    );
}

#[test]
fn documents_are_counted_by_kind() {
    let snippet = analyze_fixture("valid", "multi-document.yaml");
    let kinds: Vec<(&str, bool)> = snippet
        .documents
        .iter()
        .map(|d| (d.kind.label(), d.validated))
        .collect();
    let expected = vec![
        ("Namespace", false),
        ("NetworkAttachmentDefinition", true),
        ("NetworkAttachmentDefinition", true),
        ("NetworkAttachmentDefinition", true),
    ];
    assert_eq!(kinds, expected);
    assert_eq!(snippet.documents[0].kind, Kind::Other("Namespace".into()));
}

#[test]
fn nad_model_spans_point_into_json() {
    let snippet = analyze_fixture("valid", "localnet-live-migration-nad-vlan-subnet.yaml");
    let nad = snippet.documents[0].nad().expect("a NAD");
    let config = nad.config.as_ref().expect("a parsed config");
    let vlan = config.vlan_id.as_ref().expect("vlanID");
    assert_eq!(vlan.value, 3876);
    assert_eq!(text_at(&snippet, &vlan.span), "3876");
    let name = config.name.as_ref().expect("name");
    assert_eq!(text_at(&snippet, &name.span), "\"localnet-lm\"");
    assert_eq!(
        config.physical_network().map(|n| n.as_str()),
        Some("localnet-lm")
    );
    assert_eq!(
        config.topology.as_ref().map(|t| &t.value),
        Some(&Topology::Localnet)
    );
    assert_eq!(config.mtu.as_ref().map(|m| m.value), Some(1500));
    let subnet = &config.subnets[0];
    assert_eq!(text_at(&snippet, &subnet.span), "192.168.22.224/29");
    assert_eq!(subnet.value.network.prefix_len, 29);
    let nad_name = config
        .net_attach_def_name
        .as_ref()
        .expect("netAttachDefName");
    assert_eq!(nad_name.value, "openshift-cnv/nad-lm");
    assert_eq!(
        nad.namespace.as_ref().map(|n| n.as_str()),
        Some("openshift-cnv")
    );
}

#[test]
fn nad_model_reads_quoted_and_folded_configs() {
    let snippet = analyze_fixture("valid", "multi-document.yaml");
    let l2 = snippet.documents[1]
        .nad()
        .and_then(|n| n.config.as_ref())
        .expect("layer2 config");
    let excluded = &l2.exclude_subnets[0];
    assert_eq!(text_at(&snippet, &excluded.span), "10.100.0.0/29");
    assert_eq!(l2.subnets.len(), 2);
    assert_eq!(text_at(&snippet, &l2.subnets[1].span), "fd10::/64");
    let bridge = snippet.documents[2]
        .nad()
        .and_then(|n| n.config.as_ref())
        .expect("bridge config");
    assert_eq!(bridge.cni_type.as_ref().map(|t| t.as_str()), Some("bridge"));
    let l3 = snippet.documents[3]
        .nad()
        .and_then(|n| n.config.as_ref())
        .expect("layer3 config");
    let topology = l3.topology.as_ref().expect("topology");
    assert_eq!(text_at(&snippet, &topology.span), "\\\"layer3\\\"");
    assert_eq!(l3.subnets[0].value.host_prefix_len, Some(23));
}

#[test]
fn nncp_model_spans_point_at_values() {
    let snippet = analyze_fixture("valid", "shared-network-for-host-and-pods-using-vlans.yaml");
    let policy = snippet.documents[0].nncp().expect("a policy");
    assert_eq!(
        policy.name.as_ref().map(|n| n.as_str()),
        Some("live-migration-shared")
    );
    assert_eq!(policy.interfaces.len(), 3);

    let bridge = policy.interface("br-lm").expect("br-lm");
    assert_eq!(
        bridge.kind.as_ref().map(|k| &k.value),
        Some(&InterfaceType::OvsBridge)
    );
    let config = bridge.bridge.as_ref().expect("bridge section");
    let allow = config
        .allow_extra_patch_ports
        .as_ref()
        .expect("allow-extra-patch-ports");
    assert!(allow.value);
    assert_eq!(config.stp.as_ref().map(|s| s.value), Some(false));

    let port = &config.ports[1];
    assert_eq!(port.name.as_ref().map(|n| n.as_str()), Some("lm-host"));
    let vlan = port.vlan.as_ref().expect("port vlan");
    assert_eq!(
        vlan.mode.as_ref().map(|m| m.value),
        Some(PortVlanMode::Access)
    );
    let tag = vlan.tag.as_ref().expect("tag");
    assert_eq!(text_at(&snippet, &tag.span), "3876");
    assert!(vlan.carries(3876));

    let host = policy.interface("lm-host").expect("lm-host");
    let ipv4 = host.ipv4.as_ref().expect("ipv4");
    assert_eq!(ipv4.dhcp.as_ref().map(|d| d.value), Some(true));

    let mapping = &policy.bridge_mappings[0];
    let localnet = mapping.localnet.as_ref().expect("localnet");
    assert_eq!(text_at(&snippet, &localnet.span), "localnet-lm");
    assert_eq!(mapping.bridge.as_ref().map(|b| b.as_str()), Some("br-lm"));
}

#[test]
fn nncp_model_reads_vlan_interface_and_trunks() {
    let snippet = analyze_fixture(
        "valid",
        "shared-network-for-host-and-pods-using-vlans-staticmac.yaml",
    );
    let policy = snippet.documents[0].nncp().expect("a policy");
    let vlan_iface = policy.interface("ens4.3876").expect("ens4.3876");
    let vlan = vlan_iface.vlan.as_ref().expect("vlan section");
    assert_eq!(vlan.id.as_ref().map(|id| id.value), Some(3876));
    assert_eq!(vlan.base_iface.as_ref().map(|b| b.as_str()), Some("ens4"));

    let snippet = analyze_fixture("valid", "nncp-full.yaml");
    let policy = snippet.documents[0].nncp().expect("a policy");
    let bridge = policy
        .interface("br-vm")
        .and_then(|i| i.bridge.as_ref())
        .expect("br-vm");
    let trunk = bridge.ports[0].vlan.as_ref().expect("trunk port");
    assert!(matches!(trunk.trunk_tags[1], TrunkTag::Range { .. }));
    assert!(trunk.carries(250));
    assert!(trunk.carries(100));
    assert!(!trunk.carries(300));
    let bond = policy.interface("bond0").expect("bond0");
    let ports: Vec<&str> = bond
        .bond
        .as_ref()
        .unwrap()
        .ports
        .iter()
        .map(|p| p.as_str())
        .collect();
    assert_eq!(ports, vec!["ens5", "ens6"]);
    let address = &bond.ipv4.as_ref().unwrap().addresses[0];
    assert_eq!(address.prefix_length.as_ref().map(|p| p.value), Some(24));
    assert_eq!(policy.node_selector.len(), 2);
    assert_eq!(policy.bridge_mappings.len(), 2);
}

#[test]
fn hyperconverged_model_reads_network() {
    let snippet = analyze_fixture("valid", "hyperconverged-live-migration-network.yaml");
    let hco = snippet.documents[0]
        .hyperconverged()
        .expect("a HyperConverged");
    let network = hco.live_migration_network.as_ref().expect("network");
    assert_eq!(text_at(&snippet, &network.span), "nad-lm");
    assert_eq!(
        hco.namespace.as_ref().map(|n| n.as_str()),
        Some("openshift-cnv")
    );
}

#[test]
fn invalid_values_stay_out_of_model() {
    let snippet = analyze_fixture("invalid", "invalid-type.yaml");
    let policy = snippet.documents[0].nncp().expect("a policy");
    assert!(
        policy.interfaces[0]
            .ipv4
            .as_ref()
            .unwrap()
            .enabled
            .is_none()
    );
    assert!(policy.node_selector.is_empty());
}

#[test]
fn out_of_range_values_stay_in_model() {
    let snippet = analyze_fixture("invalid", "value-out-of-range.yaml");
    let policy = snippet.documents[0].nncp().expect("a policy");
    let vlan = policy.interfaces[1].vlan.as_ref().expect("vlan");
    assert_eq!(vlan.id.as_ref().map(|id| id.value), Some(5000));
}

/// Inputs that have broken parsers: none may panic, and every span must be a valid range of
/// the text on character boundaries.
#[test]
fn odd_input_never_panics() {
    let deep_flow = "[".repeat(5000);
    let deep_block: String = (0..400).map(|i| format!("{}k:\n", " ".repeat(i))).collect();
    let long_line = format!(
        "apiVersion: v1\nkind: A\nmetadata:\n  name: {}\n",
        "x".repeat(100_000)
    );
    let json_bomb = format!(
        "apiVersion: k8s.cni.cncf.io/v1\nkind: NetworkAttachmentDefinition\nmetadata:\n  name: n\nspec:\n  config: '{}'\n",
        "[".repeat(1000)
    );
    let mut alias_bomb = String::from("a: &l0 [x, x, x, x, x, x, x, x, x, x]\n");
    for level in 1..9 {
        let refs = vec![format!("*l{}", level - 1); 10].join(", ");
        alias_bomb.push_str(&format!("l{level}: &l{level} [{refs}]\n"));
    }
    let cases: Vec<String> = vec![
        String::new(),
        "# only a comment\n".into(),
        "---\n---\n...\n".into(),
        "\u{feff}apiVersion: v1\r\nkind: A\r\nmetadata:\r\n  name: b\r\n".into(),
        "\t- a\n\tb: c\n".into(),
        "key: \"unterminated\n".into(),
        "? [complex, key]\n: value\n".into(),
        "- just\n- a list\n".into(),
        "plain scalar".into(),
        "a: *undefined\n".into(),
        "a: !!binary aGVsbG8=\nb: !custom {x: 1}\n".into(),
        "apiVersion: 12\nkind: [x]\nmetadata: 5\n".into(),
        "apiVersion: nmstate.io/v1\nkind: NodeNetworkConfigurationPolicy\nmetadata:\n  name: x\nspec: 5\n".into(),
        "apiVersion: nmstate.io/v1\nkind: NodeNetworkConfigurationPolicy\nmetadata:\n  name: x\nspec:\n  desiredState:\n    interfaces:\n      - ~\n      - [a]\n      - name: {a: b}\n        type: [vlan]\n        vlan: 5\n        mtu: 99999999999999999999999999999999999999999999\n".into(),
        "apiVersion: k8s.cni.cncf.io/v1\nkind: NetworkAttachmentDefinition\nmetadata:\n  name: n\n  namespace: ns\nspec:\n  config: \"{\\\"type\\\": \\\"ovn-k8s-cni-overlay\\\", \\\"vlanID\\\": 1e999, \\\"mtu\\\": -99999999999999999999999, \\\"name\\\": \\\"\\ud800\\\", \\\"subnets\\\": \\\",,é,/\\\"}\"\n".into(),
        "apiVersion: k8s.cni.cncf.io/v1\nkind: NetworkAttachmentDefinition\nmetadata:\n  name: ñandú\nspec:\n  config: |\n    {\"name\": \"日本語\", \"type\": \"ovn-k8s-cni-overlay\", \"subnets\": \"10.0.0.0/8/99/1\", \"excludeSubnets\": \"::/0\"}\n".into(),
        "apiVersion: k8s.cni.cncf.io/v1\nkind: NetworkAttachmentDefinition\nmetadata:\n  name: n\nspec:\n  config: >\n    {\"a\":\n\n     1,\n    \"b\": \"\\u00\"}\n".into(),
        "apiVersion: k8s.cni.cncf.io/v1\nkind: NetworkAttachmentDefinition\nmetadata:\n  name: n\nspec:\n  config: \"\\x41\\u00e9\\U0001F600 \\\n   tail\"\n".into(),
        "apiVersion: hco.kubevirt.io/v1beta1\nkind: HyperConverged\nmetadata:\n  name: h\nspec:\n  liveMigrationConfig: [1]\n".into(),
        deep_flow,
        deep_block,
        long_line,
        json_bomb,
        alias_bomb,
    ];
    for (index, text) in cases.iter().enumerate() {
        let snippet = analyze_text(&format!("case-{index}.yaml"), text);
        for diagnostic in &snippet.diagnostics {
            for label in &diagnostic.labels {
                let span = &label.span;
                assert!(
                    span.start <= span.end,
                    "case {index}: reversed span {span:?}"
                );
                assert!(
                    span.end <= text.len(),
                    "case {index}: span {span:?} past the end"
                );
                assert!(
                    text.is_char_boundary(span.start),
                    "case {index}: span start inside a character"
                );
                assert!(
                    text.is_char_boundary(span.end),
                    "case {index}: span end inside a character"
                );
            }
        }
    }
}

#[test]
fn syntax_error_keeps_earlier_documents() {
    let text = "apiVersion: v1\nkind: A\nmetadata:\n  name: a\n---\nkey: [unclosed\n";
    let snippet = analyze_text("partial.yaml", text);
    assert_eq!(snippet.documents.len(), 1);
    assert_eq!(findings(&snippet), vec![("yaml-syntax", 7, 1)]);
}

#[test]
fn column_counts_characters_not_bytes() {
    let text = "apiVersion: v1\nkind: A\nmetadata: {name: ok, \"é\": 1, \"é\": 2}\n";
    let snippet = analyze_text("unicode.yaml", text);
    assert_eq!(findings(&snippet), vec![("yaml-duplicate-key", 3, 30)]);
}

#[test]
fn capture_templates_are_not_checked() {
    let text = "apiVersion: nmstate.io/v1\nkind: NodeNetworkConfigurationPolicy\nmetadata:\n  name: t\nspec:\n  capture:\n    gw: routes.running.destination==\"0.0.0.0/0\"\n  desiredState:\n    interfaces:\n      - name: \"{{ capture.gw.routes.running.0.next-hop-interface }}\"\n        type: ethernet\n        mtu: \"{{ capture.base.interfaces.0.mtu }}\"\n";
    let snippet = analyze_text("template.yaml", text);
    assert_eq!(findings(&snippet), vec![]);
}

/// The only finding of `snippet`, which must be a `yaml-syntax` error.
fn syntax_finding(snippet: &Snippet) -> &netsnip::diagnostic::Diagnostic {
    assert_eq!(snippet.diagnostics.len(), 1, "{:#?}", snippet.diagnostics);
    let diagnostic = &snippet.diagnostics[0];
    assert_eq!(diagnostic.rule.id, "yaml-syntax");
    diagnostic
}

/// (line, column, text) of every label, primary first.
fn label_places(diagnostic: &netsnip::diagnostic::Diagnostic) -> Vec<(usize, usize, &str)> {
    diagnostic
        .labels
        .iter()
        .map(|label| {
            let location = label.location();
            (location.line, location.column, label.text.as_str())
        })
        .collect()
}

#[test]
fn bond_options_accept_quoted_numbers() {
    let snippet = analyze_fixture("valid", "bond-quoted-options.yaml");
    assert_eq!(findings(&snippet), vec![]);

    let snippet = analyze_fixture("invalid", "quoted-number.yaml");
    let lines: Vec<usize> = findings(&snippet).iter().map(|f| f.1).collect();
    assert!(!lines.contains(&21), "`miimon: '140'` reported: {lines:?}");
}

#[test]
fn quoted_scalar_indentation_points_at_line() {
    let snippet = analyze_fixture("invalid", "yaml-quoted-indentation.yaml");
    let diagnostic = syntax_finding(&snippet);
    assert_eq!(
        diagnostic.message,
        "invalid YAML: a line of this quoted value is not indented more than `config:`"
    );
    let places = label_places(diagnostic);
    assert_eq!(places[0], (14, 3, "not indented enough"));
    assert_eq!(places[1], (9, 11, "the quoted value starts here"));
    assert_eq!(
        diagnostic.help.as_deref(),
        Some(
            "indent every line of the quoted value more than `config:`, or use a block \
             scalar `config: |`"
        )
    );
}

#[test]
fn quoted_scalar_indented_deeper_is_valid() {
    let snippet = analyze_fixture("valid", "nad-quoted-multiline.yaml");
    assert_eq!(findings(&snippet), vec![]);
    let nad = snippet.documents[0].nad().expect("a NAD");
    let config = nad.config.as_ref().expect("a parsed config");
    assert_eq!(config.cni_type.as_ref().map(|t| t.as_str()), Some("ovs"));
}

#[test]
fn quoted_scalar_in_list_item_names_dash() {
    let text = "items:\n  - 'first\n second'\n";
    let snippet = analyze_text("list.yaml", text);
    let diagnostic = syntax_finding(&snippet);
    assert_eq!(findings(&snippet), vec![("yaml-syntax", 3, 2)]);
    let help = diagnostic.help.as_deref().unwrap_or("");
    assert!(help.contains("more than its `-`"), "{help}");
}

#[test]
fn tab_indentation_points_at_tab() {
    let snippet = analyze_fixture("invalid", "yaml-tab-indentation.yaml");
    let diagnostic = syntax_finding(&snippet);
    assert_eq!(label_places(diagnostic)[0], (4, 1, "tab"));
    assert_eq!(
        diagnostic.help.as_deref(),
        Some("YAML does not allow tabs for indentation; replace them with spaces")
    );
}

#[test]
fn tab_on_continuation_line_points_at_tab() {
    let snippet = analyze_text("tab.yaml", "a:\n  b: 1\n\tc: 2\n");
    let diagnostic = syntax_finding(&snippet);
    assert_eq!(findings(&snippet), vec![("yaml-syntax", 3, 1)]);
    assert!(diagnostic.help.is_some());
}

#[test]
fn list_indentation_explains_levels() {
    let snippet = analyze_fixture("invalid", "yaml-list-indentation.yaml");
    let diagnostic = syntax_finding(&snippet);
    assert_eq!(
        diagnostic.message,
        "invalid YAML: while parsing a block collection, did not find expected '-' indicator"
    );
    let places = label_places(diagnostic);
    assert_eq!(
        places[1],
        (8, 7, "items of this list are indented 6 spaces")
    );
    assert_eq!(
        diagnostic.help.as_deref(),
        Some(
            "the indentation is probably inconsistent: line 10 is indented 7 spaces, but the \
             items of the list that starts on line 8 are indented 6; indent each line exactly \
             as far as the others at its level"
        )
    );
}

#[test]
fn mapping_indentation_explains_levels() {
    let text = "spec:\n  desiredState:\n    interfaces:\n      - name: a\n        type: b\n     - name: c\n";
    let snippet = analyze_text("mapping.yaml", text);
    let diagnostic = syntax_finding(&snippet);
    assert_eq!(findings(&snippet), vec![("yaml-syntax", 6, 6)]);
    let places = label_places(diagnostic);
    assert_eq!(
        places[1],
        (3, 5, "keys of this mapping are indented 4 spaces")
    );
    let help = diagnostic.help.as_deref().unwrap_or("");
    assert!(help.contains("line 6 is indented 5 spaces"), "{help}");
}

#[test]
fn alias_bomb_reports_limit_not_syntax() {
    let mut text = String::from("a: &l0 [x, x, x, x, x, x, x, x, x, x]\n");
    for level in 1..7 {
        let refs = vec![format!("*l{}", level - 1); 10].join(", ");
        text.push_str(&format!("l{level}: &l{level} [{refs}]\n"));
    }
    let snippet = analyze_text("bomb.yaml", &text);
    let diagnostic = syntax_finding(&snippet);
    assert_eq!(
        diagnostic.message,
        "aliases expand to more than 100000 nodes, netsnip's limit"
    );
    assert_eq!(diagnostic.severity, Severity::Error);
    assert_eq!(label_places(diagnostic)[0].2, "limit exceeded here");
    assert_eq!(findings(&snippet), vec![("yaml-syntax", 5, 45)]);
}

/// A NAD whose `metadata.name` is `name` and whose `netAttachDefName` is `nad_name`, or absent
/// when `None`.
fn ovn_nad(name: &str, nad_name: Option<&str>) -> String {
    let nad_name = nad_name.map_or(String::new(), |n| {
        format!("      \"netAttachDefName\": \"{n}\",\n")
    });
    format!(
        "apiVersion: k8s.cni.cncf.io/v1\nkind: NetworkAttachmentDefinition\nmetadata:\n  \
         name: {name}\n  namespace: openshift-cnv\nspec:\n  config: |\n    {{\n      \
         \"cniVersion\": \"0.3.1\",\n      \"name\": \"storage\",\n      \
         \"type\": \"ovn-k8s-cni-overlay\",\n      \"topology\": \"localnet\",\n{nad_name}      \
         \"mtu\": 1500\n    }}\n"
    )
}

/// Help of the `ovn-nad-name-mismatch` finding of `text`.
fn nad_name_help(text: &str) -> String {
    let snippet = analyze_text("nad.yaml", text);
    let finding = snippet
        .diagnostics
        .iter()
        .find(|d| d.rule.id == "ovn-nad-name-mismatch")
        .unwrap_or_else(|| panic!("no ovn-nad-name-mismatch: {:#?}", snippet.diagnostics));
    finding.help.clone().expect("help")
}

#[test]
fn nad_name_help_skips_invalid_name() {
    let cases = [
        ("mismatch", Some("openshift-cnv/nad-storage")),
        ("missing", None),
    ];
    for (case, nad_name) in cases {
        let help = nad_name_help(&ovn_nad("nad-störage", nad_name));
        assert!(!help.contains("/nad-störage"), "{case}: {help}");
        assert_eq!(
            help,
            "`metadata.name` `nad-störage` is invalid (see `invalid-metadata-name`): correct it \
             first, then set `netAttachDefName` to `openshift-cnv/<corrected name>`",
            "{case}"
        );
    }
}

#[test]
fn nad_name_help_suggests_valid_name() {
    let help = nad_name_help(&ovn_nad("nad-storage", Some("openshift-cnv/nad-data")));
    assert_eq!(help, "set it to `openshift-cnv/nad-storage`");

    let help = nad_name_help(&ovn_nad("nad-storage", None));
    assert_eq!(
        help,
        "add `\"netAttachDefName\": \"openshift-cnv/nad-storage\"`"
    );
}

#[test]
fn missing_spec_reported_per_kind() {
    let cases = [
        (
            "nmstate.io/v1",
            "NodeNetworkConfigurationPolicy",
            "spec.desiredState",
        ),
        (
            "k8s.cni.cncf.io/v1",
            "NetworkAttachmentDefinition",
            "spec.config",
        ),
    ];
    for (api_version, kind, needed) in cases {
        let text = format!("apiVersion: {api_version}\nkind: {kind}\nmetadata:\n  name: x\n");
        let snippet = analyze_text("no-spec.yaml", &text);

        let found: Vec<_> = snippet
            .diagnostics
            .iter()
            .filter(|d| d.rule.id == "missing-field")
            .collect();
        assert_eq!(found.len(), 1, "{kind}: {:?}", snippet.diagnostics);
        assert_eq!(found[0].message, format!("the {kind} has no `spec`"));
        let help = found[0].help.as_deref().unwrap_or_default();
        assert!(help.contains(needed), "{kind}: {help}");
    }
}
