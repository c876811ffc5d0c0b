//! Shell transcripts against the snippets: the files a chapter tells readers to apply, the
//! objects the output says were created, the namespace flags and the names in `oc get`
//! listings.

use std::ops::Range;
use std::path::Path;
use std::sync::{Arc, LazyLock};

use regex::Regex;

use crate::analysis::ExpandedChapter;
use crate::diagnostic::Diagnostic;
use crate::expand::Inclusion;
use crate::snippet::model::Spanned;
use crate::source::SourceFile;

use super::rules::{
    SHELL_FILE_NOT_INCLUDED, SHELL_LISTING_TYPO, SHELL_NAMESPACE_MISMATCH, SHELL_OUTPUT_MISMATCH,
};
use super::scope::Scope;
use crate::markdown::ShellBlock;

/// A prompt before a command: `$ `, `[user@host ~]$ `, `user@host:~$ `.
static PROMPT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*(?:\[[^\]\n]*\]\s*|[\w.-]+@[\w.-]+:\S*\s*)?\$ ").expect("valid pattern")
});

/// `<resource>.<group>/<name> created`, as `oc create` and `oc apply` print it.
static CHANGED_OBJECT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?P<resource>[a-z0-9-]+)\.(?P<group>[a-z0-9.-]+)/(?P<name>[a-z0-9.-]+) (?:created|configured|unchanged|serverside-applied)\b")
        .expect("valid pattern")
});

/// Flags of `oc` and `kubectl` that take a value in the next word.
const VALUE_FLAGS: &[&str] = &[
    "-f",
    "--filename",
    "-n",
    "--namespace",
    "-o",
    "--output",
    "-l",
    "--selector",
    "-c",
    "--container",
    "--context",
    "--kubeconfig",
    "--cluster",
    "--user",
    "-L",
    "--label-columns",
    "--sort-by",
    "--field-selector",
    "--type",
    "-p",
    "--patch",
    "--template",
    "--timeout",
    "--for",
    "--as",
    "--server",
    "-s",
    "--token",
];

/// The ways `oc` accepts the resource type of NetworkAttachmentDefinitions.
const NAD_TYPES: &[&str] = &[
    "network-attachment-definition",
    "network-attachment-definitions",
    "net-attach-def",
    "net-attach-defs",
    "networkattachmentdefinition",
    "networkattachmentdefinitions",
];

/// A word of a command line, unquoted, with its range in the file.
#[derive(Debug, Clone)]
struct Word {
    text: String,
    span: Range<usize>,
}

/// An `oc` or `kubectl` command, split into flags and positional words.
#[derive(Debug, Default)]
struct Command {
    positional: Vec<Word>,
    files: Vec<Word>,
    namespace: Option<Word>,
    output: Option<Word>,
}

/// A named document of the chapter.
struct Named<'a> {
    /// The kind, lower-cased as `oc` prints it before the API group.
    kind: String,
    name: &'a Spanned<String>,
    /// Whether the snippet validator found the name invalid, so that it must not be suggested.
    faulty_name: bool,
    /// The namespace, unless the snippet validator found it invalid.
    namespace: Option<&'a Spanned<String>>,
    file: &'a Arc<SourceFile>,
}

/// The kind of NetworkAttachmentDefinitions, lower-cased.
const NAD_KIND: &str = "networkattachmentdefinition";

/// The chapter and the snippets that the shell rules compare a transcript with.
pub struct Context<'a> {
    /// The chapter.
    pub chapter: &'a ExpandedChapter,
    /// Its snippets.
    pub scope: &'a Scope<'a>,
    /// The file names that `oc create -f` or `oc apply -f` name anywhere in the chapter.
    pub applied: Vec<String>,
}

/// Collects the file names that the `create` and `apply` commands of `blocks` name.
pub fn applied_files(file: &SourceFile, blocks: &[ShellBlock]) -> Vec<String> {
    let mut applied = Vec::new();
    for block in blocks {
        for line in lines(file.text(), block.content.clone(), block.transcript) {
            let Line::Command(words) = line else { continue };
            let Some(command) = parse_command(&words) else {
                continue;
            };
            let verb = command.positional.first().map(|w| w.text.as_str());
            if matches!(verb, Some("create" | "apply")) {
                applied.extend(command.files.iter().map(|w| file_name(&w.text)));
            }
        }
    }
    applied
}

fn target_name(inclusion: &Inclusion) -> String {
    file_name(&inclusion.target.path().to_string_lossy())
}

/// The last component of a path as written in a command.
fn file_name(path: &str) -> String {
    Path::new(path)
        .file_name()
        .map_or_else(|| path.to_string(), |n| n.to_string_lossy().into_owned())
}

/// Checks every shell block of `file`.
pub fn check(
    context: &Context<'_>,
    file: &Arc<SourceFile>,
    blocks: &[ShellBlock],
    findings: &mut Vec<Diagnostic>,
) {
    let named = named_documents(context.scope);
    for block in blocks {
        let checker = BlockChecker {
            context,
            file,
            named: &named,
            transcript: block.transcript,
        };
        checker.check(block.content.clone(), findings);
    }
}

fn named_documents<'a>(scope: &'a Scope<'a>) -> Vec<Named<'a>> {
    let mut named = Vec::new();
    for snippet in &scope.snippets {
        for document in &snippet.documents {
            let Some(name) = &document.name else { continue };
            let namespace = document.namespace.as_ref();
            named.push(Named {
                kind: document.kind.label().to_ascii_lowercase(),
                name,
                faulty_name: scope.is_faulty(&snippet.file, &name.span),
                namespace: namespace.filter(|ns| !scope.is_faulty(&snippet.file, &ns.span)),
                file: &snippet.file,
            });
        }
    }
    named
}

struct BlockChecker<'a> {
    context: &'a Context<'a>,
    file: &'a Arc<SourceFile>,
    named: &'a [Named<'a>],
    transcript: bool,
}

/// A line of a shell block: a command after its prompt, or output.
enum Line {
    Command(Vec<Word>),
    Output { text: String, start: usize },
}

impl BlockChecker<'_> {
    fn check(&self, block: Range<usize>, findings: &mut Vec<Diagnostic>) {
        let lines = lines(self.file.text(), block, self.transcript);
        let mut listing: Option<Command> = None;
        let mut header: Option<usize> = None;
        for line in lines {
            match line {
                Line::Command(words) => {
                    let command = parse_command(&words);
                    if let Some(command) = &command {
                        self.check_command(command, findings);
                    }
                    listing = command.filter(is_listing);
                    header = None;
                }
                Line::Output { .. } if self.context.scope.incomplete => {}
                Line::Output { text, start } => {
                    self.check_output(&text, start, findings);
                    if let Some(command) = &listing {
                        self.check_row(command, &text, start, &mut header, findings);
                    }
                }
            }
        }
    }

    fn check_command(&self, command: &Command, findings: &mut Vec<Diagnostic>) {
        let verb = command.positional.first().map(|w| w.text.as_str());
        let mut about = Vec::new();
        if matches!(verb, Some("create" | "apply")) {
            for file in &command.files {
                about.extend(self.check_file(file, findings));
            }
        }
        about.extend(self.nads_named(command));
        if let Some(namespace) = &command.namespace {
            self.check_namespace(namespace, &about, command, findings);
        }
    }

    /// Checks that a `-f` file is one the chapter includes, and returns the NADs it defines.
    fn check_file(&self, word: &Word, findings: &mut Vec<Diagnostic>) -> Vec<&Named<'_>> {
        if word.text == "-" || word.text.contains("://") {
            return Vec::new();
        }
        let wanted = Path::new(&word.text).file_name();
        let included = self.yaml_inclusions();
        let found = included
            .iter()
            .find(|i| i.target.path().file_name() == wanted);
        if let Some(inclusion) = found {
            return self
                .named
                .iter()
                .filter(|n| n.kind == NAD_KIND && Arc::ptr_eq(n.file, &inclusion.target))
                .collect();
        }
        if !self.context.scope.incomplete {
            findings.push(self.file_not_included(word, &included));
        }
        Vec::new()
    }

    fn yaml_inclusions(&self) -> Vec<&Inclusion> {
        let mut included: Vec<&Inclusion> = Vec::new();
        for inclusion in &self.context.chapter.expansion.inclusions {
            let is_yaml = inclusion
                .target
                .path()
                .extension()
                .is_some_and(|e| e == "yaml" || e == "yml");
            if is_yaml
                && !included
                    .iter()
                    .any(|i| i.target.path() == inclusion.target.path())
            {
                included.push(inclusion);
            }
        }
        included
    }

    fn file_not_included(&self, word: &Word, included: &[&Inclusion]) -> Diagnostic {
        let mut diagnostic = Diagnostic::new(
            &SHELL_FILE_NOT_INCLUDED,
            format!(
                "the command applies `{}`, which this chapter does not include",
                word.text
            ),
        )
        .label(
            self.file,
            word.span.clone(),
            "not a snippet of this chapter",
        );
        let written = file_name(&word.text);
        let unapplied = included
            .iter()
            .map(|i| (*i, target_name(i)))
            .filter(|(_, name)| !self.context.applied.contains(name));
        let closest = unapplied.min_by_key(|(_, name)| strsim::levenshtein(name, &written));
        if let Some((inclusion, name)) = closest {
            diagnostic = diagnostic
                .label(&inclusion.from, inclusion.directive.clone(), format!("the chapter includes `{name}`"))
                .help(format!("name a file the chapter includes and does not apply yet, such as `{name}`, or include `{}` in the chapter", word.text));
        } else {
            diagnostic = diagnostic.help(format!(
                "include `{}` in the chapter so that readers see what they apply",
                word.text
            ));
        }
        diagnostic
    }

    /// The NADs of the chapter that `oc VERB network-attachment-definition [NAME]` is about.
    fn nads_named(&self, command: &Command) -> Vec<&Named<'_>> {
        let Some((kind, name)) = resource_of(command) else {
            return Vec::new();
        };
        if !NAD_TYPES.contains(&kind.as_str()) {
            return Vec::new();
        }
        self.named
            .iter()
            .filter(|n| n.kind == NAD_KIND)
            .filter(|n| name.as_ref().is_none_or(|name| n.name.value == *name))
            .collect()
    }

    fn check_namespace(
        &self,
        namespace: &Word,
        about: &[&Named<'_>],
        command: &Command,
        findings: &mut Vec<Diagnostic>,
    ) {
        let namespaces: Vec<&Spanned<String>> = about.iter().filter_map(|n| n.namespace).collect();
        if namespaces.is_empty() || namespaces.iter().any(|ns| ns.value == namespace.text) {
            return;
        }
        let listing = resource_of(command).is_some_and(|(_, name)| name.is_none())
            && command.files.is_empty();
        let (nad, expected) = about
            .iter()
            .find_map(|n| n.namespace.map(|ns| (n, ns)))
            .expect("namespaces is not empty");
        let what = if listing {
            "the chapter's NADs are".to_string()
        } else {
            format!("NAD `{}` is", nad.name.value)
        };
        findings.push(
            Diagnostic::new(
                &SHELL_NAMESPACE_MISMATCH,
                format!(
                    "the command uses namespace `{}`, but {what} in `{}`",
                    namespace.text, expected.value
                ),
            )
            .label(
                self.file,
                namespace.span.clone(),
                "namespace of the command",
            )
            .label(nad.file, expected.span.clone(), "the NAD's namespace")
            .help(format!("write `-n {}`", expected.value)),
        );
    }

    fn check_output(&self, text: &str, start: usize, findings: &mut Vec<Diagnostic>) {
        let Some(captures) = CHANGED_OBJECT.captures(text) else {
            return;
        };
        let resource = &captures["resource"];
        let name = captures.name("name").expect("the pattern has a name group");
        let of_kind: Vec<&Named<'_>> = self.named.iter().filter(|n| n.kind == resource).collect();
        let matched = of_kind.iter().any(|n| n.name.value == name.as_str());
        // An invalid name may be the one the output means, and its own finding covers both.
        if matched || of_kind.iter().any(|n| n.faulty_name) {
            return;
        }

        let mut diagnostic = Diagnostic::new(
            &SHELL_OUTPUT_MISMATCH,
            format!(
                "the output names {resource} `{}`, which no snippet of this chapter defines",
                name.as_str()
            ),
        )
        .label(
            self.file,
            start + name.start()..start + name.end(),
            "named in the output",
        );

        let closest = of_kind
            .iter()
            .min_by_key(|n| strsim::levenshtein(&n.name.value, name.as_str()));
        if let Some(named) = closest {
            diagnostic = diagnostic
                .label(
                    named.file,
                    named.name.span.clone(),
                    "the snippet's `metadata.name`",
                )
                .help(format!(
                    "write the name the snippet defines, `{}`",
                    named.name.value
                ));
        } else {
            diagnostic = diagnostic.help(format!("no snippet of this chapter is a {resource}: correct the output or include the snippet"));
        }
        findings.push(diagnostic);
    }

    fn check_row(
        &self,
        command: &Command,
        text: &str,
        start: usize,
        header: &mut Option<usize>,
        findings: &mut Vec<Diagnostic>,
    ) {
        let Some(column) = *header else {
            *header = text.split_whitespace().position(|w| w == "NAME");
            return;
        };
        let Some(cell) = cell_at(text, column) else {
            return;
        };
        let kind = resource_of(command).map(|(kind, _)| kind);
        let candidates: Vec<&Named<'_>> = self
            .named
            .iter()
            .filter(|n| kind.as_deref().is_none_or(|k| kind_matches(k, &n.kind)))
            .filter(|n| !n.faulty_name)
            .collect();
        if candidates.iter().any(|n| n.name.value == cell.1) {
            return;
        }
        let near = candidates
            .iter()
            .find(|n| (1..=2).contains(&strsim::levenshtein(&n.name.value, cell.1)));
        let Some(named) = near.filter(|_| cell.1.len() > 3) else {
            return;
        };
        findings.push(
            Diagnostic::new(
                &SHELL_LISTING_TYPO,
                format!(
                    "the listing shows `{}`, close to the snippet's `{}`",
                    cell.1, named.name.value
                ),
            )
            .label(
                self.file,
                start + cell.0..start + cell.0 + cell.1.len(),
                "listed here",
            )
            .label(
                named.file,
                named.name.span.clone(),
                "the snippet's `metadata.name`",
            )
            .help(format!(
                "write `{}` if the row shows the snippet's object",
                named.name.value
            )),
        );
    }
}

/// Splits a block into lines. Without any prompt, a `console` block is all output and any
/// other shell block is all commands.
fn lines(text: &str, block: Range<usize>, transcript: bool) -> Vec<Line> {
    let content = &text[block.clone()];
    let prompted = content.lines().any(|line| PROMPT.is_match(line));
    let mut lines = Vec::new();
    let mut offset = block.start;
    for raw in content.split_inclusive('\n') {
        let line = raw.trim_end_matches(['\n', '\r']);
        let prompt = PROMPT.find(line).map(|m| m.end());
        match (prompted, prompt) {
            (true, Some(end)) => lines.push(Line::Command(split_words(&line[end..], offset + end))),
            (false, _) if !transcript => lines.push(Line::Command(split_words(line, offset))),
            _ => lines.push(Line::Output {
                text: line.to_string(),
                start: offset,
            }),
        }
        offset += raw.len();
    }
    lines
}

/// The byte offset and text of the `column`-th whitespace-separated cell of a row.
fn cell_at(text: &str, column: usize) -> Option<(usize, &str)> {
    let mut cells = text.split_whitespace();
    let cell = cells.nth(column)?;
    if cell == "..." || cell.chars().all(|c| c == '.') {
        return None;
    }
    let offset = cell.as_ptr() as usize - text.as_ptr() as usize;
    Some((offset, cell))
}

/// Whether the resource type written in a command names `kind`: its singular, its plural
/// (an `s` added) or a short name `oc` accepts for the kinds netsnip models.
fn kind_matches(written: &str, kind: &str) -> bool {
    let written = written.split('.').next().unwrap_or_default();
    let spelled = written == kind || written.strip_suffix('s') == Some(kind);
    let short = match kind {
        NAD_KIND => NAD_TYPES.contains(&written),
        "nodenetworkconfigurationpolicy" => {
            matches!(
                written,
                "nncp" | "nncps" | "nodenetworkconfigurationpolicies"
            )
        }
        "hyperconverged" => matches!(written, "hco" | "hcos"),
        _ => false,
    };
    spelled || short
}

fn is_listing(command: &Command) -> bool {
    let verb = command.positional.first().map(|w| w.text.as_str());
    let plain = command.output.as_ref().is_none_or(|o| o.text == "wide");
    verb == Some("get") && plain
}

/// The resource type and optional name of `oc VERB TYPE [NAME]` or `oc VERB TYPE/NAME`, with
/// the type lower-cased and any API group removed.
fn resource_of(command: &Command) -> Option<(String, Option<String>)> {
    let kind = command.positional.get(1)?;
    let (kind, name) = match kind.text.split_once('/') {
        Some((kind, name)) => (kind, Some(name.to_string())),
        None => (
            kind.text.as_str(),
            command.positional.get(2).map(|w| w.text.clone()),
        ),
    };
    let kind = kind
        .split('.')
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    Some((kind, name))
}

/// Reads `oc` or `kubectl` words into a command, or returns `None` for any other program.
fn parse_command(words: &[Word]) -> Option<Command> {
    let program = words.first()?;
    if !matches!(program.text.as_str(), "oc" | "kubectl") {
        return None;
    }
    let mut command = Command::default();
    let mut rest = words[1..].iter();
    while let Some(word) = rest.next() {
        let (flag, inline) = split_flag(word);
        let Some(flag) = flag else {
            command.positional.push(word.clone());
            continue;
        };
        let value = match inline {
            Some(value) => Some(value),
            None if VALUE_FLAGS.contains(&flag.as_str()) => rest.next().cloned(),
            None => None,
        };
        if let Some(value) = value {
            match flag.as_str() {
                "-f" | "--filename" => command.files.push(value),
                "-n" | "--namespace" => command.namespace = Some(value),
                "-o" | "--output" => command.output = Some(value),
                _ => {}
            }
        }
    }
    Some(command)
}

/// Splits `--flag=value`, `-fVALUE` and `-f` into the flag and an inline value.
fn split_flag(word: &Word) -> (Option<String>, Option<Word>) {
    let text = &word.text;
    if !text.starts_with('-') || text == "-" {
        return (None, None);
    }
    let inline = |flag_len: usize| Word {
        text: text[flag_len..].trim_start_matches('=').to_string(),
        span: word.span.start + flag_len + usize::from(text[flag_len..].starts_with('='))
            ..word.span.end,
    };
    if let Some(eq) = text.find('=') {
        return (Some(text[..eq].to_string()), Some(inline(eq)));
    }
    let short_with_value =
        !text.starts_with("--") && text.len() > 2 && matches!(&text[..2], "-f" | "-n" | "-o");
    if short_with_value {
        return (Some(text[..2].to_string()), Some(inline(2)));
    }
    (Some(text.clone()), None)
}

/// Splits a command line into words as a POSIX shell would, for the simple lines of a
/// transcript: quotes and backslashes are removed, and an unquoted `|`, `;`, `&`, `<`, `>` or
/// `#` ends the command.
fn split_words(line: &str, offset: usize) -> Vec<Word> {
    let mut words = Vec::new();
    let mut current: Option<(String, usize)> = None;
    let mut quote: Option<char> = None;
    let mut chars = line.char_indices().map(|(i, c)| (offset + i, c));
    while let Some((index, c)) = chars.next() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some('"'), '\\') => {
                if let Some((_, next)) = chars.next() {
                    current.get_or_insert((String::new(), index)).0.push(next);
                }
            }
            (Some(_), c) => current.get_or_insert((String::new(), index)).0.push(c),
            (None, '\'' | '"') => {
                quote = Some(c);
                current.get_or_insert((String::new(), index));
            }
            (None, '\\') => {
                if let Some((_, next)) = chars.next() {
                    current.get_or_insert((String::new(), index)).0.push(next);
                }
            }
            (None, c) if c.is_whitespace() => finish(&mut words, &mut current, index),
            (None, '|' | ';' | '&' | '<' | '>') => break,
            (None, '#') if current.is_none() => break,
            (None, c) => current.get_or_insert((String::new(), index)).0.push(c),
        }
    }
    finish(&mut words, &mut current, offset + line.len());
    words
}

fn finish(words: &mut Vec<Word>, current: &mut Option<(String, usize)>, end: usize) {
    if let Some((text, start)) = current.take() {
        words.push(Word {
            text,
            span: start..end,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(line: &str) -> Vec<String> {
        split_words(line, 0).into_iter().map(|w| w.text).collect()
    }

    #[test]
    fn words_lose_quotes_and_stop_at_pipes() {
        assert_eq!(
            texts("oc get nad -o jsonpath='{.a}{\"\\n\"}' | wc"),
            ["oc", "get", "nad", "-o", "jsonpath={.a}{\"\\n\"}"]
        );
        assert_eq!(
            texts("oc apply -f \"my file.yaml\""),
            ["oc", "apply", "-f", "my file.yaml"]
        );
    }

    #[test]
    fn flags_take_values_in_every_spelling() {
        for line in [
            "oc -n ns apply -f a.yaml",
            "oc --namespace=ns apply --filename a.yaml",
            "oc -nns apply -fa.yaml",
        ] {
            let command = parse_command(&split_words(line, 0)).expect("an oc command");
            assert_eq!(
                command.namespace.map(|w| w.text).as_deref(),
                Some("ns"),
                "{line}"
            );
            let files: Vec<String> = command.files.into_iter().map(|w| w.text).collect();
            assert_eq!(files, ["a.yaml"], "{line}");
        }
    }

    #[test]
    fn prompts_are_recognized() {
        assert!(PROMPT.is_match("$ oc get nad"));
        assert!(PROMPT.is_match("[user@host ~]$ oc get nad"));
        assert!(PROMPT.is_match("core@node1:~$ oc get nad"));
        assert!(!PROMPT.is_match("NAME   AGE"));
    }
}
