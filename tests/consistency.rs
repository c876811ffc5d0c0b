//! Consistency rules end to end: the real binary checks fixture books under
//! `tests/consistency/`, one folder per scenario, each with a `fail` book that breaks one rule
//! and a `pass` twin that keeps the same content consistent.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_netsnip");

/// A label position: display path, line, column.
type Position = (&'static str, u64, u64);

/// Scenario folder, the rule its `fail` book breaks, and the expected label positions in
/// order (primary first).
const CASES: &[(&str, &str, &[Position])] = &[
    // References across documents, resolved in the chapter and then in the book.
    (
        "localnet-not-mapped",
        "localnet-not-mapped",
        &[
            ("snippets/nad.yaml", 10, 15),
            ("snippets/nncp.yaml", 43, 21),
        ],
    ),
    (
        "localnet-not-mapped-netattachdefname",
        "localnet-not-mapped",
        &[
            ("snippets/nad.yaml", 10, 15),
            ("snippets/nncp.yaml", 43, 21),
        ],
    ),
    (
        "alternatives",
        "localnet-not-mapped",
        &[
            ("snippets/nad.yaml", 10, 15),
            ("snippets/nncp-option-2.yaml", 4, 9),
        ],
    ),
    (
        "book-scope",
        "localnet-not-mapped",
        &[("snippets/nad.yaml", 10, 15)],
    ),
    (
        "migration-network-not-found",
        "migration-network-not-found",
        &[("snippets/hco.yaml", 8, 14), ("snippets/nad.yaml", 5, 14)],
    ),
    (
        "migration-network-without-subnets",
        "migration-network-without-subnets",
        &[("snippets/nad.yaml", 8, 5), ("snippets/hco.yaml", 8, 14)],
    ),
    // The structure of one NNCP. A repeated localnet and a mapping without a bridge are the
    // snippet validator's findings; the fixtures keep them covered end to end.
    (
        "mapping-unknown-bridge",
        "mapping-unknown-bridge",
        &[
            ("snippets/nncp.yaml", 44, 19),
            ("snippets/nncp.yaml", 18, 15),
        ],
    ),
    (
        "duplicate-localnet",
        "duplicate-entry",
        &[
            ("snippets/nncp.yaml", 46, 21),
            ("snippets/nncp.yaml", 43, 21),
            ("docs/chapter.md", 7, 1),
        ],
    ),
    (
        "mapping-missing-bridge",
        "missing-field",
        &[("snippets/nncp.yaml", 46, 11), ("docs/chapter.md", 7, 1)],
    ),
    (
        "ovs-interface-not-one-bridge",
        "ovs-interface-not-one-bridge",
        &[
            ("snippets/nncp.yaml", 27, 15),
            ("snippets/nncp.yaml", 18, 15),
        ],
    ),
    (
        "port-in-two-bridges",
        "port-in-two-bridges",
        &[
            ("snippets/nncp.yaml", 36, 21),
            ("snippets/nncp.yaml", 26, 21),
        ],
    ),
    (
        "bridge-port-has-ip",
        "bridge-port-has-ip",
        &[
            ("snippets/nncp.yaml", 15, 11),
            ("snippets/nncp.yaml", 27, 21),
        ],
    ),
    (
        "undeclared-bridge-port",
        "undeclared-bridge-port",
        &[
            ("snippets/nncp.yaml", 31, 21),
            ("snippets/nncp.yaml", 18, 15),
        ],
    ),
    (
        "undeclared-bond-member",
        "undeclared-bridge-port",
        &[
            ("snippets/nncp.yaml", 31, 27),
            ("snippets/nncp.yaml", 26, 21),
        ],
    ),
    (
        "vlan-name-not-vlan",
        "vlan-name-not-vlan",
        &[
            ("snippets/nncp.yaml", 19, 15),
            ("snippets/nncp.yaml", 18, 15),
        ],
    ),
    (
        "missing-allow-extra-patch-ports",
        "missing-allow-extra-patch-ports",
        &[
            ("snippets/nncp.yaml", 18, 15),
            ("snippets/nncp.yaml", 43, 19),
        ],
    ),
    // VLAN tags and MTUs from the NAD to the wire.
    (
        "localnet-vlan-dropped",
        "localnet-vlan-dropped",
        &[
            ("snippets/nncp.yaml", 28, 23),
            ("snippets/nad.yaml", 14, 17),
        ],
    ),
    (
        "localnet-vlan-doubled",
        "localnet-vlan-doubled",
        &[
            ("snippets/nncp.yaml", 32, 21),
            ("snippets/nad.yaml", 14, 17),
        ],
    ),
    (
        "vlan-interface-shadows-localnet",
        "vlan-interface-shadows-localnet",
        &[
            ("snippets/nncp.yaml", 18, 15),
            ("snippets/nad.yaml", 14, 17),
        ],
    ),
    (
        "vlan-mtu-exceeds-base",
        "vlan-mtu-exceeds-base",
        &[
            ("snippets/nncp.yaml", 21, 14),
            ("snippets/nncp.yaml", 13, 14),
        ],
    ),
    (
        "nad-mtu-exceeds-uplink",
        "nad-mtu-exceeds-uplink",
        &[
            ("snippets/nad.yaml", 15, 14),
            ("snippets/nncp.yaml", 13, 14),
        ],
    ),
    (
        "localnet-missing-mtu",
        "localnet-missing-mtu",
        &[("snippets/nad.yaml", 10, 15)],
    ),
    // Peers and addresses within one chapter.
    (
        "network-conflict",
        "network-conflict",
        &[
            ("snippets/nad-2.yaml", 14, 17),
            ("snippets/nad.yaml", 14, 17),
        ],
    ),
    (
        "peers-per-chapter",
        "network-conflict",
        &[
            ("snippets/nad-2.yaml", 14, 17),
            ("snippets/nad.yaml", 14, 17),
        ],
    ),
    (
        "overlapping-subnets",
        "overlapping-subnets",
        &[
            ("snippets/nad-2.yaml", 17, 19),
            ("snippets/nad.yaml", 16, 19),
        ],
    ),
    (
        "static-address-in-nad-range",
        "static-address-in-nad-range",
        &[
            ("snippets/nncp.yaml", 37, 19),
            ("snippets/nad.yaml", 16, 19),
        ],
    ),
    // Prose and shell transcripts.
    (
        "prose-vlan-unknown",
        "prose-vlan-unknown",
        &[("docs/chapter.md", 3, 27), ("snippets/nad.yaml", 14, 17)],
    ),
    (
        "prose-cidr-mismatch",
        "prose-cidr-mismatch",
        &[("docs/chapter.md", 4, 1), ("snippets/nad.yaml", 16, 19)],
    ),
    (
        "shell-file-not-included",
        "shell-file-not-included",
        &[("docs/chapter.md", 21, 15), ("docs/chapter.md", 11, 1)],
    ),
    (
        "shell-output-mismatch",
        "shell-output-mismatch",
        &[("docs/chapter.md", 22, 45), ("snippets/nad.yaml", 4, 9)],
    ),
    (
        "shell-namespace-mismatch",
        "shell-namespace-mismatch",
        &[("docs/chapter.md", 23, 9), ("snippets/nad.yaml", 5, 14)],
    ),
    (
        "shell-listing-typo",
        "shell-listing-typo",
        &[("docs/chapter.md", 25, 1), ("snippets/nad.yaml", 4, 9)],
    ),
    (
        "orphan-snippet",
        "orphan-snippet",
        &[("snippets/unused.yaml", 1, 1)],
    ),
    // Suppression comments: the `pass` twin silences the `fail` book's finding.
    (
        "invalid-suppression",
        "invalid-suppression",
        &[("docs/chapter.md", 10, 21)],
    ),
    (
        "suppression-without-reason",
        "invalid-suppression",
        &[("docs/chapter.md", 10, 1)],
    ),
    (
        "suppression-misplaced",
        "invalid-suppression",
        &[("docs/chapter.md", 28, 1)],
    ),
    (
        "suppress-prose",
        "prose-cidr-mismatch",
        &[("docs/chapter.md", 5, 1), ("snippets/nad.yaml", 16, 19)],
    ),
    (
        "suppress-consistency",
        "vlan-interface-shadows-localnet",
        &[
            ("snippets/nncp.yaml", 18, 15),
            ("snippets/nad.yaml", 14, 17),
        ],
    ),
    (
        "suppress-shell",
        "shell-listing-typo",
        &[("docs/chapter.md", 25, 1), ("snippets/nad.yaml", 4, 9)],
    ),
    (
        "suppress-snippet",
        "non-canonical-boolean",
        &[("snippets/nncp.yaml", 24, 18), ("docs/chapter.md", 7, 1)],
    ),
];

fn fixture(scenario: &str, variant: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/consistency")
        .join(scenario)
        .join(variant)
}

/// Runs `netsnip check --message-format json` with `args` and returns the exit code and the
/// findings.
fn check_json(root: &Path, args: &[&Path]) -> (Option<i32>, Vec<Value>) {
    let output = Command::new(BIN)
        .arg("check")
        .arg("--root")
        .arg(root)
        .args(["--message-format", "json"])
        .args(args)
        .output()
        .expect("netsnip runs");
    let stdout = String::from_utf8(output.stdout).expect("UTF-8 output");
    let findings = stdout
        .lines()
        .map(|line| serde_json::from_str::<Value>(line).expect("one JSON object per line"))
        .filter(|value| value["type"] == "finding")
        .collect();
    (output.status.code(), findings)
}

fn positions(finding: &Value) -> Vec<(String, u64, u64)> {
    let labels = finding["labels"].as_array().expect("labels array");
    labels
        .iter()
        .map(|label| {
            let file = label["file"].as_str().expect("file").to_string();
            (
                file,
                label["line"].as_u64().expect("line"),
                label["column"].as_u64().expect("column"),
            )
        })
        .collect()
}

fn rules_of(findings: &[Value]) -> Vec<&str> {
    findings
        .iter()
        .map(|f| f["rule"].as_str().expect("rule"))
        .collect()
}

#[test]
fn each_rule_fails_with_both_ends_labelled() {
    for (scenario, rule, expected) in CASES {
        let (_, findings) = check_json(&fixture(scenario, "fail"), &[]);
        assert_eq!(
            rules_of(&findings),
            [*rule],
            "{scenario}: findings of the fail book"
        );

        let labels = positions(&findings[0]);
        assert_eq!(labels.len(), expected.len(), "{scenario}: label count");
        for (index, (actual, wanted)) in labels.iter().zip(expected.iter()).enumerate() {
            let wanted = (wanted.0.to_string(), wanted.1, wanted.2);
            assert_eq!(*actual, wanted, "{scenario}: label {index}");
        }
    }
}

#[test]
fn each_passing_twin_is_clean() {
    for (scenario, _, _) in CASES {
        let (code, findings) = check_json(&fixture(scenario, "pass"), &[]);
        assert_eq!(
            rules_of(&findings),
            Vec::<&str>::new(),
            "{scenario}: findings of the pass book"
        );
        assert_eq!(code, Some(0), "{scenario}: exit code");
    }
}

#[test]
fn broken_snippet_causes_no_cascade() {
    let (_, findings) = check_json(&fixture("broken-snippet", "fail"), &[]);
    assert_eq!(rules_of(&findings), ["yaml-syntax"]);
}

#[test]
fn mixed_up_localnet_names_the_field() {
    let (_, findings) = check_json(
        &fixture("localnet-not-mapped-netattachdefname", "fail"),
        &[],
    );
    let help = findings[0]["help"].as_str().expect("help");
    assert!(help.contains("not its `netAttachDefName`"), "{help}");
    let label = findings[0]["labels"][1]["text"]
        .as_str()
        .expect("label text");
    assert_eq!(label, "this is the NAD's `netAttachDefName`");
}

#[test]
fn plain_folder_takes_named_files_as_book() {
    let folder = tempfile::tempdir().unwrap();
    snapbox::dir::copy_template(fixture("localnet-not-mapped", "fail"), folder.path()).unwrap();
    fs::remove_file(folder.path().join("book.toml")).unwrap();
    fs::write(
        folder.path().join("snippets/unused.yaml"),
        "kind: ConfigMap\n",
    )
    .unwrap();

    let chapter = folder.path().join("docs/chapter.md");
    let (code, findings) = check_json(folder.path(), &[&chapter]);
    assert_eq!(rules_of(&findings), ["localnet-not-mapped"]);
    assert_eq!(code, Some(1));
}

#[test]
fn book_toml_sets_rule_levels() {
    for (level, expected) in [("deny", Some("error")), ("allow", None)] {
        let book = tempfile::tempdir().unwrap();
        snapbox::dir::copy_template(fixture("localnet-missing-mtu", "fail"), book.path()).unwrap();
        let config = format!(
            "{}\n[preprocessor.netsnip.rules]\nlocalnet-missing-mtu = \"{level}\"\n",
            fs::read_to_string(book.path().join("book.toml")).unwrap()
        );
        fs::write(book.path().join("book.toml"), config).unwrap();

        let (_, findings) = check_json(book.path(), &[]);
        let severity = findings
            .first()
            .map(|f| f["severity"].as_str().expect("severity"));
        assert_eq!(severity, expected, "level {level}");
    }
}

#[test]
fn json_format_carries_rule_and_labels() {
    let (code, findings) = check_json(&fixture("prose-vlan-unknown", "fail"), &[]);
    assert_eq!(code, Some(1));
    let finding = &findings[0];
    assert_eq!(finding["rule"], "prose-vlan-unknown");
    assert_eq!(finding["severity"], "error");
    assert_eq!(
        finding["message"],
        "the text names VLAN 1000, which no snippet of this chapter uses"
    );
    assert_eq!(finding["labels"][0]["file"], "docs/chapter.md");
    assert_eq!(finding["labels"][0]["primary"], true);
    assert_eq!(finding["labels"][0]["text"], "named in the text");
    assert_eq!(finding["labels"][1]["file"], "snippets/nad.yaml");
    assert_eq!(finding["labels"][1]["primary"], false);
    assert_eq!(finding["labels"][1]["text"], "the snippets use VLAN 100");
    assert!(
        finding["help"]
            .as_str()
            .is_some_and(|h| h.starts_with("correct the VLAN id"))
    );
}

#[test]
fn github_format_annotates_primary_label() {
    let output = Command::new(BIN)
        .arg("check")
        .arg("--root")
        .arg(fixture("prose-vlan-unknown", "fail"))
        .args(["--message-format", "github"])
        .output()
        .expect("netsnip runs");
    let stdout = String::from_utf8(output.stdout).expect("UTF-8 output");
    let line = stdout
        .lines()
        .find(|l| l.starts_with("::"))
        .expect("a workflow command");
    let expected = "::error file=docs/chapter.md,line=3,col=27,title=prose-vlan-unknown::\
                    the text names VLAN 1000, which no snippet of this chapter uses\
                    %0Asnippets/nad.yaml:14:17: the snippets use VLAN 100%0Ahelp: ";
    assert!(line.starts_with(expected), "{line}");
    assert_eq!(output.status.code(), Some(1));
}

/// Copies this repository's guide into a temporary book.
fn guide_copy() -> tempfile::TempDir {
    let book = tempfile::tempdir().unwrap();
    let repository = Path::new(env!("CARGO_MANIFEST_DIR"));
    fs::copy(repository.join("book.toml"), book.path().join("book.toml")).unwrap();
    for folder in ["docs", "snippets"] {
        snapbox::dir::copy_template(repository.join(folder), book.path().join(folder)).unwrap();
    }
    book
}

fn edit(path: &Path, from: &str, to: &str) {
    let text = fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{} lacks {from:?}", path.display());
    fs::write(path, text.replacen(from, to, 1)).unwrap();
}

const OPTION_1: &str = "snippets/shared-network-for-host-and-pods-using-vlans-staticmac.yaml";
const OPTION_2: &str = "snippets/shared-network-for-host-and-pods-using-vlans.yaml";
const MAPPING: &str =
    "        - localnet: localnet-lm\n          bridge: br-lm\n          state: present\n";

#[test]
fn guide_passes_clean() {
    let book = guide_copy();
    let (code, findings) = check_json(book.path(), &[]);
    assert_eq!(rules_of(&findings), Vec::<&str>::new());
    assert_eq!(code, Some(0));
}

#[test]
fn guide_option_1_shadows_without_comment() {
    let book = guide_copy();
    let chapter = book.path().join("docs/shared-nic-vlan.md");
    let text = fs::read_to_string(&chapter).unwrap();
    let kept: Vec<&str> = text
        .lines()
        .filter(|l| !l.contains("netsnip-allow"))
        .collect();
    fs::write(&chapter, kept.join("\n") + "\n").unwrap();

    let (_, findings) = check_json(book.path(), &[]);
    assert_eq!(rules_of(&findings), ["vlan-interface-shadows-localnet"]);
    let labels = positions(&findings[0]);
    assert_eq!(labels[0], (OPTION_1.to_string(), 34, 15));
    assert_eq!(
        labels[1],
        (
            "snippets/localnet-live-migration-nad-vlan-subnet.yaml".to_string(),
            19,
            17
        )
    );
}

#[test]
fn guide_checks_each_option_against_nad() {
    for (unmapped, other) in [(OPTION_1, OPTION_2), (OPTION_2, OPTION_1)] {
        let book = guide_copy();
        edit(
            &book.path().join(unmapped),
            MAPPING,
            "        - localnet: other-net\n          bridge: br-lm\n",
        );

        let (_, findings) = check_json(book.path(), &[]);
        let unmapped_findings: Vec<&Value> = findings
            .iter()
            .filter(|f| f["rule"] == "localnet-not-mapped")
            .collect();
        assert_eq!(unmapped_findings.len(), 1, "{unmapped}: {findings:?}");
        let labels = positions(unmapped_findings[0]);
        assert_eq!(
            labels[1].0, unmapped,
            "the label names the alternative without the mapping"
        );
        assert!(
            labels.iter().all(|l| l.0 != other),
            "{other} maps the localnet"
        );
    }
}

/// The comment that silences `prose-vlan-unknown` for the block right after it.
const ALLOW_VLAN: &str =
    "<!-- netsnip-allow: prose-vlan-unknown -- VLAN 1 is named for context -->";

/// Markdown blocks that mention VLAN 1, which no snippet uses. `{allow}` marks where the
/// suppression comment goes; the second field continues the item after the comment's line.
const BLOCK_KINDS: &[(&str, &str, &str)] = &[
    ("paragraph", "{allow}VLAN 1 carries no traffic here.\n", ""),
    ("heading", "{allow}## Why VLAN 1 stays idle\n", ""),
    (
        "list",
        "{allow}- Untagged frames.\n- VLAN 1 stays idle.\n",
        "",
    ),
    (
        "list item",
        "- Untagged frames.\n- {allow}VLAN 1 stays idle.\n",
        "  ",
    ),
    (
        "table",
        "{allow}| VLAN | Use |\n|---|---|\n| VLAN 1 | none |\n",
        "",
    ),
    ("block quote", "{allow}> VLAN 1 carries no traffic.\n", ""),
];

/// Copies the clean `prose-vlan-unknown` book and appends `block` to its chapter.
fn book_with_block(block: &str) -> tempfile::TempDir {
    let book = tempfile::tempdir().unwrap();
    snapbox::dir::copy_template(fixture("prose-vlan-unknown", "pass"), book.path()).unwrap();
    let chapter = book.path().join("docs/chapter.md");
    let text = fs::read_to_string(&chapter).unwrap();
    fs::write(&chapter, format!("{text}\n{block}")).unwrap();
    book
}

#[test]
fn suppression_silences_each_block_kind() {
    for (kind, template, indent) in BLOCK_KINDS {
        let bare = book_with_block(&template.replace("{allow}", ""));
        let (_, findings) = check_json(bare.path(), &[]);
        assert_eq!(
            rules_of(&findings),
            ["prose-vlan-unknown"],
            "{kind} without comment"
        );

        let allowed = template.replace("{allow}", &format!("{ALLOW_VLAN}\n{indent}"));
        let silenced = book_with_block(&allowed);
        let (code, findings) = check_json(silenced.path(), &[]);
        assert_eq!(
            rules_of(&findings),
            Vec::<&str>::new(),
            "{kind} with comment"
        );
        assert_eq!(code, Some(0), "{kind}: exit code");
    }
}

#[test]
fn suppression_covers_only_next_block() {
    let block = format!("{ALLOW_VLAN}\nVLAN 1 stays idle.\n\nVLAN 2 stays idle too.\n");
    let book = book_with_block(&block);
    let (_, findings) = check_json(book.path(), &[]);
    assert_eq!(rules_of(&findings), ["prose-vlan-unknown"]);
    assert!(
        findings[0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("VLAN 2")),
        "{findings:?}"
    );
}

#[test]
fn stacked_comments_share_one_block() {
    let block = format!(
        "{ALLOW_VLAN}\n<!-- netsnip-allow: prose-cidr-mismatch -- a wider network -->\n\
         VLAN 1 is on 10.10.0.0/16.\n"
    );
    let book = book_with_block(&block);
    let (code, findings) = check_json(book.path(), &[]);
    assert_eq!(rules_of(&findings), Vec::<&str>::new());
    assert_eq!(code, Some(0));
}

#[test]
fn prose_help_offers_suppression() {
    for (scenario, rule) in [
        ("prose-vlan-unknown", "prose-vlan-unknown"),
        ("prose-cidr-mismatch", "prose-cidr-mismatch"),
    ] {
        let (_, findings) = check_json(&fixture(scenario, "fail"), &[]);
        let help = findings[0]["help"].as_str().expect("help");
        let comment = format!("`<!-- netsnip-allow: {rule} -- reason -->`");
        assert!(help.contains(&comment), "{scenario}: {help}");
    }
}

/// Copies a clean book whose chapter includes `nncp.yaml`, `nad.yaml` and `hco.yaml` and
/// applies the first two in a transcript.
fn clean_book() -> tempfile::TempDir {
    let book = tempfile::tempdir().unwrap();
    snapbox::dir::copy_template(fixture("localnet-missing-mtu", "pass"), book.path()).unwrap();
    book
}

#[test]
fn include_typo_causes_no_cascade() {
    let book = clean_book();
    let chapter = book.path().join("docs/chapter.md");
    edit(
        &chapter,
        "!!!include(nad.yaml)!!!",
        "!!!include(nad-data.yaml)!!!",
    );

    let (_, findings) = check_json(book.path(), &[]);
    assert_eq!(rules_of(&findings), ["include-not-found"]);
}

#[test]
fn unclosed_directive_causes_no_cascade() {
    let book = clean_book();
    let chapter = book.path().join("docs/chapter.md");
    edit(&chapter, "!!!include(nad.yaml)!!!", "!!!include(nad.yaml)");

    let (_, findings) = check_json(book.path(), &[]);
    assert_eq!(rules_of(&findings), ["malformed-directive"]);
}

/// An invalid `metadata.name` in the NAD, and the valid name the author meant in the
/// transcript: the rules that compare the two stay quiet, so no help suggests the invalid name.
#[test]
fn invalid_name_causes_no_cascade() {
    let book = clean_book();
    for snippet in ["snippets/nad.yaml", "snippets/hco.yaml"] {
        let path = book.path().join(snippet);
        let text = fs::read_to_string(&path).unwrap();
        fs::write(&path, text.replace("nad-data", "nad-störage")).unwrap();
    }
    let chapter = book.path().join("docs/chapter.md");
    let text = fs::read_to_string(&chapter).unwrap();
    fs::write(&chapter, text.replace("nad-data", "nad-storage")).unwrap();

    let (_, findings) = check_json(book.path(), &[]);
    assert_eq!(
        rules_of(&findings),
        ["invalid-value", "invalid-metadata-name"]
    );
    for finding in &findings {
        let help = finding["help"].as_str().unwrap_or_default();
        assert!(!help.contains("write `nad-störage`"), "{help}");
    }
}

#[test]
fn shell_file_suggestion_skips_applied_files() {
    let book = tempfile::tempdir().unwrap();
    let fail = fixture("shell-file-not-included", "fail");
    snapbox::dir::copy_template(fail, book.path()).unwrap();
    let chapter = book.path().join("docs/chapter.md");
    edit(
        &chapter,
        "$ oc apply -f nad-v2.yaml\n",
        "$ oc apply -f hco.yaml\n$ oc apply -f nncp-2.yaml\n",
    );

    let (_, findings) = check_json(book.path(), &[]);
    assert_eq!(rules_of(&findings), ["shell-file-not-included"]);
    let help = findings[0]["help"].as_str().expect("help");
    assert!(help.contains("such as `nad.yaml`"), "{help}");
    assert_eq!(
        positions(&findings[0])[1],
        ("docs/chapter.md".to_string(), 11, 1)
    );
}

#[test]
fn shell_file_without_unapplied_gives_no_name() {
    let book = tempfile::tempdir().unwrap();
    let fail = fixture("shell-file-not-included", "fail");
    snapbox::dir::copy_template(fail, book.path()).unwrap();
    let chapter = book.path().join("docs/chapter.md");
    edit(
        &chapter,
        "$ oc apply -f nad-v2.yaml\n",
        "$ oc apply -f nad.yaml\n$ oc apply -f hco.yaml\n$ oc apply -f nncp-2.yaml\n",
    );

    let (_, findings) = check_json(book.path(), &[]);
    assert_eq!(rules_of(&findings), ["shell-file-not-included"]);
    let help = findings[0]["help"].as_str().expect("help");
    assert_eq!(
        help,
        "include `nncp-2.yaml` in the chapter so that readers see what they apply"
    );
    assert_eq!(positions(&findings[0]).len(), 1);
}

/// Failed directives, each with the comment that tries to silence its rule before it.
const SILENCED_DIRECTIVES: &[(&str, &str)] = &[
    ("include-not-found", "!!!include(nad-data.yaml)!!!"),
    ("malformed-directive", "!!!include(nad.yaml)"),
];

#[test]
fn suppression_cannot_silence_directive_rules() {
    for (rule, directive) in SILENCED_DIRECTIVES {
        let book = clean_book();
        let chapter = book.path().join("docs/chapter.md");
        let comment = format!("<!-- netsnip-allow: {rule} -- the file comes later -->");
        edit(
            &chapter,
            "```\n!!!include(nad.yaml)!!!",
            &format!("{comment}\n```\n{directive}"),
        );

        let (code, findings) = check_json(book.path(), &[]);
        assert_eq!(
            rules_of(&findings),
            ["invalid-suppression", *rule],
            "{rule}"
        );
        let help = findings[0]["help"].as_str().expect("help");
        assert!(help.contains("can never be published"), "{rule}: {help}");
        assert_eq!(
            positions(&findings[0]),
            [("docs/chapter.md".to_string(), 10, 21)],
            "{rule}: the label points at the id"
        );
        assert_eq!(code, Some(1), "{rule}: exit code");

        let out = book.path().join("out");
        let build = Command::new(BIN)
            .arg("build")
            .arg("--root")
            .arg(book.path())
            .arg("--out")
            .arg(&out)
            .arg("--no-html")
            .output()
            .expect("netsnip runs");
        assert_eq!(build.status.code(), Some(1), "{rule}: build exit code");
        assert!(!out.exists(), "{rule}: build wrote {}", out.display());
    }
}

#[test]
fn every_directive_rule_is_unsilenceable() {
    for rule in netsnip::expand::rules::DIRECTIVE_RULES {
        let block = format!("<!-- netsnip-allow: {} -- reason -->\nVLAN 100.\n", rule.id);
        let book = book_with_block(&block);
        let (_, findings) = check_json(book.path(), &[]);
        assert_eq!(rules_of(&findings), ["invalid-suppression"], "{}", rule.id);
    }
}

/// Copies the clean `localnet-vlan-dropped` book, whose access port `data-host` tags VLAN 100,
/// and replaces `from` with `to` in its NNCP.
fn vlan_book_with(from: &str, to: &str) -> tempfile::TempDir {
    let book = tempfile::tempdir().unwrap();
    snapbox::dir::copy_template(fixture("localnet-vlan-dropped", "pass"), book.path()).unwrap();
    edit(&book.path().join("snippets/nncp.yaml"), from, to);
    book
}

#[test]
fn undeclared_port_is_no_uplink() {
    let cases = [
        (
            "port typo",
            "            - name: data-host\n",
            "            - name: datahost\n",
            ["undeclared-bridge-port", "ovs-interface-not-one-bridge"],
        ),
        (
            "interface without name",
            "      - name: data-host\n        type: ovs-interface",
            "      - type: ovs-interface",
            ["undeclared-bridge-port", "missing-field"],
        ),
    ];
    for (case, from, to, expected) in cases {
        let book = vlan_book_with(from, to);
        let (_, findings) = check_json(book.path(), &[]);
        assert_eq!(rules_of(&findings), expected, "{case}");
    }
}

#[test]
fn nic_shaped_undeclared_port_is_uplink() {
    let book = vlan_book_with(
        "            - name: ens4\n              vlan:\n                mode: trunk",
        "            - name: ens5\n              vlan:\n                mode: access",
    );
    let (_, findings) = check_json(book.path(), &[]);
    let dropped: Vec<&Value> = findings
        .iter()
        .filter(|f| f["rule"] == "localnet-vlan-dropped")
        .collect();
    let messages: Vec<&str> = dropped
        .iter()
        .map(|f| f["message"].as_str().expect("message"))
        .collect();
    assert!(
        messages.iter().any(|m| m.starts_with("uplink `ens5`")),
        "{findings:?}"
    );
}

#[test]
fn localnet_equal_to_metadata_name_names_it() {
    let book = tempfile::tempdir().unwrap();
    let fail = fixture("localnet-not-mapped-netattachdefname", "fail");
    snapbox::dir::copy_template(fail, book.path()).unwrap();
    edit(
        &book.path().join("snippets/nncp.yaml"),
        "localnet: openshift-cnv/nad-data",
        "localnet: nad-data",
    );

    let (_, findings) = check_json(book.path(), &[]);
    assert_eq!(rules_of(&findings), ["localnet-not-mapped"]);
    let label = findings[0]["labels"][1]["text"]
        .as_str()
        .expect("label text");
    assert_eq!(label, "this is the NAD's `metadata.name`");
    let help = findings[0]["help"].as_str().expect("help");
    assert!(help.contains("not its `metadata.name`"), "{help}");
}

#[test]
fn localnet_equal_to_other_nad_name_part() {
    let book = tempfile::tempdir().unwrap();
    let fail = fixture("localnet-not-mapped-netattachdefname", "fail");
    snapbox::dir::copy_template(fail, book.path()).unwrap();
    edit(
        &book.path().join("snippets/nad.yaml"),
        "\"netAttachDefName\": \"openshift-cnv/nad-data\"",
        "\"netAttachDefName\": \"openshift-cnv/nad-other\"",
    );
    edit(
        &book.path().join("snippets/nncp.yaml"),
        "localnet: openshift-cnv/nad-data",
        "localnet: nad-other",
    );

    let (_, findings) = check_json(book.path(), &[]);
    let unmapped: Vec<&Value> = findings
        .iter()
        .filter(|f| f["rule"] == "localnet-not-mapped")
        .collect();
    assert_eq!(unmapped.len(), 1, "{findings:?}");
    let label = unmapped[0]["labels"][1]["text"]
        .as_str()
        .expect("label text");
    assert_eq!(label, "this is the NAD's `netAttachDefName`");
}
