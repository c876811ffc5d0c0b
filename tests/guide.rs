//! Builds this repository's own guide (`book.toml`, `docs/`, `snippets/`) in a temporary copy
//! and checks that every directive was replaced by its snippet.

use std::fs;
use std::path::Path;

use snapbox::cmd::Command;

const BIN: &str = env!("CARGO_BIN_EXE_netsnip");

/// Copies the guide's sources into `destination`.
fn copy_guide(destination: &Path) {
    let repository = Path::new(env!("CARGO_MANIFEST_DIR"));
    fs::copy(repository.join("book.toml"), destination.join("book.toml")).unwrap();
    for folder in ["docs", "snippets"] {
        snapbox::dir::copy_template(repository.join(folder), destination.join(folder)).unwrap();
    }
}

/// The paths of the directives netsnip expands in `text`, in order; directives shown in code
/// spans or escaped (as in the rule reference) are not among them.
fn directive_paths(text: &str) -> Vec<String> {
    netsnip::directive::scan(text)
        .directives
        .into_iter()
        .map(|directive| directive.path)
        .collect()
}

#[test]
fn guide_builds_with_snippets_in_place() {
    let book = tempfile::tempdir().unwrap();
    copy_guide(book.path());
    let out = book.path().join("out");

    let output = Command::new(BIN)
        .env("NO_COLOR", "1")
        .arg("build")
        .arg("--root")
        .arg(book.path())
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    let errors = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{errors}");

    let mut included = 0;
    for entry in fs::read_dir(book.path().join("docs")).unwrap() {
        let source_path = entry.unwrap().path();
        let name = source_path.file_name().unwrap();
        let source = fs::read_to_string(&source_path).unwrap();
        let built = fs::read_to_string(out.join("markdown").join(name)).unwrap();
        assert!(
            directive_paths(&built).is_empty(),
            "{name:?} still has a directive"
        );

        let mut expected = source.clone();
        for path in directive_paths(&source) {
            let snippet = fs::read_to_string(book.path().join("snippets").join(&path)).unwrap();
            let content = snippet.strip_suffix('\n').unwrap_or(&snippet);
            assert!(
                built.contains(content),
                "{name:?} lacks the content of {path}"
            );
            // A fence that holds only the directive also gets the `yaml` language.
            let fenced = format!("```\n!!!include({path})!!!\n```");
            expected = if expected.contains(&fenced) {
                expected.replacen(&fenced, &format!("```yaml\n{content}\n```"), 1)
            } else {
                expected.replacen(&format!("!!!include({path})!!!"), content, 1)
            };
            included += 1;
        }
        assert_eq!(built, expected, "{name:?} differs beyond its directives");
    }
    assert_eq!(included, 4, "the guide includes four snippets");
    assert!(out.join("html/shared-nic-vlan.html").is_file());
}
