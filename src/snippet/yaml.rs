//! A YAML tree that keeps the byte range and the scalar style of every node.
//!
//! saphyr's `MarkedYaml` resolves scalars early and stores block mappings with an empty span,
//! so the tree is built here from the parser's events instead. That keeps what the rules need:
//! whether `true` was quoted, where each key and value is, and the order and repeats of keys.
//!
//! Scalars resolve as Kubernetes reads them. `kubectl` converts YAML with the YAML 1.1 rules of
//! go-yaml v2, so `yes`, `on` and `y` are booleans there, while YAML 1.2 tools read them as
//! strings. [`Typed::Bool`] records which spelling was used.

use std::collections::HashMap;
use std::ops::Range;

use saphyr_parser::{Event, Parser, ScalarStyle, ScanError, Span};

pub use super::syntax::SyntaxError;
use super::syntax::{OpenCollection, explain};

/// Nesting deeper than this stops the parse; the validators recurse over the tree, so an
/// unbounded depth could overflow the stack.
pub const MAX_DEPTH: usize = 200;

/// Aliases may expand to at most this many nodes in one file, which stops "billion laughs"
/// inputs while leaving real manifests untouched.
pub const MAX_EXPANDED_NODES: usize = 100_000;

/// One node with its byte range in the file.
#[derive(Debug, Clone)]
pub struct Node {
    /// The node's content.
    pub value: Value,
    /// Byte range of the node's text, without trailing line breaks of block scalars.
    pub span: Range<usize>,
}

/// A node's content.
#[derive(Debug, Clone)]
pub enum Value {
    /// A scalar, as text with its style.
    Scalar(Scalar),
    /// A mapping, in file order, repeated keys included.
    Mapping(Vec<Entry>),
    /// A sequence.
    Sequence(Vec<Node>),
}

/// A scalar's text after YAML unquoting and folding, with how it was written.
#[derive(Debug, Clone)]
pub struct Scalar {
    /// The value.
    pub text: String,
    /// Plain, quoted or block.
    pub style: ScalarStyle,
    /// The tag, such as `tag:yaml.org,2002:str` for `!!str`.
    pub tag: Option<String>,
    /// Byte offset where the scalar's raw text starts: the opening quote of a quoted scalar, the
    /// first content line of a block scalar.
    pub raw_start: usize,
}

/// One key and value of a mapping.
#[derive(Debug, Clone)]
pub struct Entry {
    /// The key.
    pub key: Node,
    /// The value.
    pub value: Node,
}

/// A scalar resolved to the type Kubernetes gives it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Typed<'a> {
    /// `null`, `~` or nothing.
    Null,
    /// A boolean. `yaml11` is set for `yes`, `no`, `on`, `off`, `y` and `n`.
    Bool {
        /// The value.
        value: bool,
        /// Whether only YAML 1.1 reads the spelling as a boolean.
        yaml11: bool,
    },
    /// An integer; `None` when it does not fit in 128 bits.
    Int(Option<i128>),
    /// A floating-point number.
    Float(f64),
    /// A string.
    Str(&'a str),
}

/// The tree of every complete document of a file, and the syntax error that ended it, if any.
#[derive(Debug, Default)]
pub struct Stream {
    /// Root nodes, one per document that parsed completely and is not empty.
    pub documents: Vec<Node>,
    /// The first syntax error; documents after it are not read.
    pub error: Option<SyntaxError>,
}

impl Node {
    /// Returns the scalar if the node is one.
    pub fn scalar(&self) -> Option<&Scalar> {
        match &self.value {
            Value::Scalar(scalar) => Some(scalar),
            _ => None,
        }
    }

    /// Returns the entries if the node is a mapping.
    pub fn entries(&self) -> Option<&[Entry]> {
        match &self.value {
            Value::Mapping(entries) => Some(entries),
            _ => None,
        }
    }

    /// Returns the items if the node is a sequence.
    pub fn items(&self) -> Option<&[Node]> {
        match &self.value {
            Value::Sequence(items) => Some(items),
            _ => None,
        }
    }

    /// Returns the value of `key` in a mapping, the last one when the key repeats, as in
    /// `kubectl`.
    pub fn get(&self, key: &str) -> Option<&Node> {
        let entries = self.entries()?;
        entries
            .iter()
            .rev()
            .find(|entry| entry.key.as_str() == Some(key))
            .map(|entry| &entry.value)
    }

    /// Follows a path of mapping keys.
    pub fn path(&self, keys: &[&str]) -> Option<&Node> {
        keys.iter().try_fold(self, |node, key| node.get(key))
    }

    /// Returns the scalar's text when it resolves to a string.
    pub fn as_str(&self) -> Option<&str> {
        match self.typed() {
            Some(Typed::Str(text)) => Some(text),
            _ => None,
        }
    }

    /// Resolves the scalar to its type; `None` for a mapping or sequence.
    pub fn typed(&self) -> Option<Typed<'_>> {
        self.scalar().map(Scalar::typed)
    }

    /// Returns whether the node is a null scalar.
    pub fn is_null(&self) -> bool {
        matches!(self.typed(), Some(Typed::Null))
    }

    /// Returns a short name of the node's type for messages: "a mapping", "a string", ...
    pub fn type_name(&self) -> &'static str {
        match &self.value {
            Value::Mapping(_) => "a mapping",
            Value::Sequence(_) => "a list",
            Value::Scalar(scalar) => scalar.typed().type_name(),
        }
    }
}

impl Typed<'_> {
    /// Returns a short name of the type for messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            Typed::Null => "empty",
            Typed::Bool { .. } => "a boolean",
            Typed::Int(_) => "an integer",
            Typed::Float(_) => "a floating-point number",
            Typed::Str(_) => "a string",
        }
    }
}

impl Scalar {
    /// Resolves the scalar the way `kubectl` does: quoted and block scalars and `!!str` are
    /// strings, plain scalars follow the YAML 1.1 rules of go-yaml v2.
    pub fn typed(&self) -> Typed<'_> {
        let forced_string = self.tag.as_deref() == Some("tag:yaml.org,2002:str");
        if self.style != ScalarStyle::Plain || forced_string {
            return Typed::Str(&self.text);
        }
        resolve_plain(&self.text)
    }

    /// Returns whether the scalar was written in quotes.
    pub fn is_quoted(&self) -> bool {
        matches!(
            self.style,
            ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted
        )
    }
}

fn resolve_plain(text: &str) -> Typed<'_> {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Typed::Null,
        "true" | "True" | "TRUE" => return bool_of(true, false),
        "false" | "False" | "FALSE" => return bool_of(false, false),
        "yes" | "Yes" | "YES" | "on" | "On" | "ON" | "y" | "Y" => return bool_of(true, true),
        "no" | "No" | "NO" | "off" | "Off" | "OFF" | "n" | "N" => return bool_of(false, true),
        _ => {}
    }
    if let Some(int) = resolve_int(text) {
        return Typed::Int(int);
    }
    resolve_float(text).map_or(Typed::Str(text), Typed::Float)
}

fn bool_of(value: bool, yaml11: bool) -> Typed<'static> {
    Typed::Bool { value, yaml11 }
}

/// Reads decimal, `0x` hexadecimal, `0o` and YAML 1.1 leading-zero octal integers, with an
/// optional sign. The outer `None` means "not an integer", the inner one "too large".
fn resolve_int(text: &str) -> Option<Option<i128>> {
    let (negative, digits) = match text.as_bytes().first()? {
        b'-' => (true, &text[1..]),
        b'+' => (false, &text[1..]),
        _ => (false, text),
    };
    let (radix, digits) = if let Some(hex) = digits.strip_prefix("0x") {
        (16, hex)
    } else if let Some(octal) = digits.strip_prefix("0o") {
        (8, octal)
    } else if digits.len() > 1 && digits.starts_with('0') {
        (8, &digits[1..])
    } else {
        (10, digits)
    };
    let valid = !digits.is_empty() && digits.chars().all(|c| c.is_digit(radix));
    if !valid {
        return None;
    }
    let magnitude = i128::from_str_radix(digits, radix).ok();
    Some(magnitude.map(|m| if negative { -m } else { m }))
}

fn resolve_float(text: &str) -> Option<f64> {
    match text {
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => return Some(f64::INFINITY),
        "-.inf" | "-.Inf" | "-.INF" => return Some(f64::NEG_INFINITY),
        ".nan" | ".NaN" | ".NAN" => return Some(f64::NAN),
        _ => {}
    }
    let body = text.strip_prefix(['-', '+']).unwrap_or(text);
    let starts_well = body.starts_with(|c: char| c.is_ascii_digit() || c == '.');
    let allowed = body
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '-' | '+'));
    let has_digit = body.chars().any(|c| c.is_ascii_digit());
    if !(starts_well && allowed && has_digit) {
        return None;
    }
    text.parse().ok()
}

/// Parses every document of `text`. It does not panic: a syntax error, an unknown alias, nesting
/// deeper than [`MAX_DEPTH`] or aliases expanding to more than [`MAX_EXPANDED_NODES`] nodes end
/// the stream with an error and keep the documents completed before it.
pub fn parse(text: &str) -> Stream {
    let mut builder = Builder::new(text);
    let mut parser = Parser::new_from_str(text);
    // A panic inside the parser library would otherwise stop the whole book build over one
    // snippet, so it becomes a syntax finding instead.
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        while let Some(event) = parser.next_event() {
            let (event, span) = event.map_err(|error| builder.scan_error(&error))?;
            builder.on_event(event, span)?;
        }
        Ok(())
    }));
    let error = match outcome {
        Ok(result) => result.err(),
        Err(_) => Some(SyntaxError::invalid(
            "the YAML parser failed on this file",
            0,
        )),
    };
    Stream {
        documents: builder.documents,
        error,
    }
}

/// A mapping or sequence whose end event has not arrived yet.
enum Frame {
    Mapping {
        start: usize,
        anchor: usize,
        entries: Vec<Entry>,
        key: Option<Node>,
    },
    Sequence {
        start: usize,
        anchor: usize,
        items: Vec<Node>,
    },
}

impl Frame {
    /// Describes the frame for explaining a syntax error.
    fn open_collection(&self) -> OpenCollection {
        match self {
            Frame::Mapping { start, key, .. } => OpenCollection {
                sequence: false,
                start: *start,
                pending_key: key.as_ref().and_then(|key| {
                    let text = key.scalar()?.text.clone();
                    Some((key.span.start, text))
                }),
            },
            Frame::Sequence { start, .. } => OpenCollection {
                sequence: true,
                start: *start,
                pending_key: None,
            },
        }
    }
}

/// Turns parser events into [`Node`]s.
struct Builder<'t> {
    text: &'t str,
    /// Byte offset of each character index, plus the end; saphyr counts in characters.
    char_offsets: Vec<usize>,
    stack: Vec<Frame>,
    anchors: HashMap<usize, Node>,
    expanded: usize,
    documents: Vec<Node>,
}

impl<'t> Builder<'t> {
    fn new(text: &'t str) -> Self {
        let char_offsets = text
            .char_indices()
            .map(|(offset, _)| offset)
            .chain(std::iter::once(text.len()))
            .collect();
        Self {
            text,
            char_offsets,
            stack: Vec::new(),
            anchors: HashMap::new(),
            expanded: 0,
            documents: Vec::new(),
        }
    }

    /// Converts a character index from saphyr into a byte offset.
    fn byte(&self, char_index: usize) -> usize {
        let last = self.char_offsets.len() - 1;
        self.char_offsets[char_index.min(last)]
    }

    fn byte_span(&self, span: &Span) -> Range<usize> {
        self.byte(span.start.index())..self.byte(span.end.index())
    }

    fn scan_error(&self, error: &ScanError) -> SyntaxError {
        let offset = self.byte(error.marker().index());
        let open: Vec<OpenCollection> = self.stack.iter().map(Frame::open_collection).collect();
        explain(self.text, error.info(), offset, &open)
    }

    fn on_event(&mut self, event: Event<'_>, span: Span) -> Result<(), SyntaxError> {
        match event {
            Event::DocumentStart(_) => {
                self.stack.clear();
                self.anchors.clear();
                Ok(())
            }
            Event::Scalar(text, style, anchor, tag) => {
                let tag = tag.map(|tag| format!("{}{}", tag.handle, tag.suffix));
                let node = self.scalar_node(text.into_owned(), style, tag, &span);
                self.finish(node, anchor)
            }
            Event::MappingStart(anchor, _) => self.open(
                Frame::Mapping {
                    start: self.byte(span.start.index()),
                    anchor,
                    entries: Vec::new(),
                    key: None,
                },
                &span,
            ),
            Event::SequenceStart(anchor, _) => self.open(
                Frame::Sequence {
                    start: self.byte(span.start.index()),
                    anchor,
                    items: Vec::new(),
                },
                &span,
            ),
            Event::MappingEnd | Event::SequenceEnd => self.close(&span),
            Event::Alias(id) => self.alias(id, &span),
            _ => Ok(()),
        }
    }

    fn open(&mut self, frame: Frame, span: &Span) -> Result<(), SyntaxError> {
        if self.stack.len() >= MAX_DEPTH {
            let message = format!("the YAML nests deeper than {MAX_DEPTH} levels, netsnip's limit");
            let help = "the YAML may be valid, but netsnip stops here because its checks recurse \
                        once per level; flatten the structure";
            let offset = self.byte(span.start.index());
            return Err(SyntaxError::limit(message, offset, help));
        }
        self.stack.push(frame);
        Ok(())
    }

    fn scalar_node(
        &self,
        text: String,
        style: ScalarStyle,
        tag: Option<String>,
        span: &Span,
    ) -> Node {
        let raw = self.byte_span(span);
        let block = matches!(style, ScalarStyle::Literal | ScalarStyle::Folded);
        let end = if block {
            trim_end_whitespace(self.text, raw.clone())
        } else {
            raw.end
        };
        let scalar = Scalar {
            text,
            style,
            tag,
            raw_start: raw.start,
        };
        Node {
            value: Value::Scalar(scalar),
            span: raw.start..end.max(raw.start),
        }
    }

    /// Ends the innermost mapping or sequence. A flow collection's end event covers its closing
    /// bracket. A block collection's end event is empty and sits at the next token, so the node
    /// ends with its last child instead.
    fn close(&mut self, span: &Span) -> Result<(), SyntaxError> {
        let Some(frame) = self.stack.pop() else {
            return Ok(());
        };
        let close = self.byte_span(span);
        let (start, anchor, value) = match frame {
            Frame::Mapping {
                start,
                anchor,
                entries,
                ..
            } => (start, anchor, Value::Mapping(entries)),
            Frame::Sequence {
                start,
                anchor,
                items,
            } => (start, anchor, Value::Sequence(items)),
        };
        let end = if close.is_empty() {
            last_child_end(&value).unwrap_or(start)
        } else {
            close.end
        };
        let node = Node {
            value,
            span: start..end.max(start),
        };
        self.finish(node, anchor)
    }

    fn alias(&mut self, id: usize, span: &Span) -> Result<(), SyntaxError> {
        let offset = self.byte(span.start.index());
        let Some(target) = self.anchors.get(&id) else {
            let mut error = SyntaxError::invalid("the alias names an unknown anchor", offset);
            error.help = Some("define the anchor with `&name` before the alias uses it".into());
            return Err(error);
        };
        self.expanded += count_nodes(target);
        if self.expanded > MAX_EXPANDED_NODES {
            let message =
                format!("aliases expand to more than {MAX_EXPANDED_NODES} nodes, netsnip's limit");
            let help = "the YAML is valid, but netsnip stops expanding aliases here to guard \
                        against alias bombs; write the repeated content out, or use fewer \
                        nested aliases";
            return Err(SyntaxError::limit(message, offset, help));
        }
        let mut node = target.clone();
        node.span = self.byte_span(span);
        self.finish(node, 0)
    }

    /// Attaches a completed node to its parent, or makes it a document's root.
    fn finish(&mut self, node: Node, anchor: usize) -> Result<(), SyntaxError> {
        if anchor != 0 {
            self.anchors.insert(anchor, node.clone());
        }
        match self.stack.last_mut() {
            None => self.add_document(node),
            Some(Frame::Sequence { items, .. }) => items.push(node),
            Some(Frame::Mapping { entries, key, .. }) => match key.take() {
                None => *key = Some(node),
                Some(key) => entries.push(Entry { key, value: node }),
            },
        }
        Ok(())
    }

    /// Keeps a document unless it is empty, which `kubectl` skips too.
    fn add_document(&mut self, node: Node) {
        if !node.is_null() {
            self.documents.push(node);
        }
    }
}

fn last_child_end(value: &Value) -> Option<usize> {
    match value {
        Value::Mapping(entries) => entries.last().map(|entry| entry.value.span.end),
        Value::Sequence(items) => items.last().map(|item| item.span.end),
        Value::Scalar(_) => None,
    }
}

fn count_nodes(node: &Node) -> usize {
    match &node.value {
        Value::Scalar(_) => 1,
        Value::Sequence(items) => 1 + items.iter().map(count_nodes).sum::<usize>(),
        Value::Mapping(entries) => {
            let children: usize = entries
                .iter()
                .map(|entry| count_nodes(&entry.key) + count_nodes(&entry.value))
                .sum();
            1 + children
        }
    }
}

fn trim_end_whitespace(text: &str, range: Range<usize>) -> usize {
    let slice = text.get(range.clone()).unwrap_or("");
    range.start + slice.trim_end().len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn root(text: &str) -> Node {
        let stream = parse(text);
        assert!(stream.error.is_none(), "{:?}", stream.error);
        stream.documents.into_iter().next().unwrap()
    }

    #[test]
    fn spans_are_bytes() {
        let text = "é: ü\nkey: [a, b]\n";
        let node = root(text);
        let value = node.get("é").unwrap();
        assert_eq!(&text[value.span.clone()], "ü");
        let list = node.get("key").unwrap();
        assert_eq!(&text[list.span.clone()], "[a, b]");
    }

    #[test]
    fn block_mapping_span_ends_at_last_value() {
        let text = "a:\n  b: 1\n  c: two\nd: 3\n";
        let node = root(text);
        let inner = node.get("a").unwrap();
        assert_eq!(&text[inner.span.clone()], "b: 1\n  c: two");
    }

    #[test]
    fn scalars_resolve_like_kubectl() {
        let node = root("a: yes\nb: 'true'\nc: 0x10\nd: 1.5\ne: ~\nf: !!str 12\ng: 010\n");
        let yes = Typed::Bool {
            value: true,
            yaml11: true,
        };
        assert_eq!(node.get("a").unwrap().typed(), Some(yes));
        assert_eq!(node.get("b").unwrap().typed(), Some(Typed::Str("true")));
        assert_eq!(node.get("c").unwrap().typed(), Some(Typed::Int(Some(16))));
        assert_eq!(node.get("d").unwrap().typed(), Some(Typed::Float(1.5)));
        assert_eq!(node.get("e").unwrap().typed(), Some(Typed::Null));
        assert_eq!(node.get("f").unwrap().typed(), Some(Typed::Str("12")));
        assert_eq!(node.get("g").unwrap().typed(), Some(Typed::Int(Some(8))));
    }

    #[test]
    fn huge_integer_is_kept_as_too_large() {
        let node = root("a: 99999999999999999999999999999999999999999\n");
        assert_eq!(node.get("a").unwrap().typed(), Some(Typed::Int(None)));
    }

    #[test]
    fn syntax_error_keeps_earlier_documents() {
        let stream = parse("a: 1\n---\nb: [\n");
        assert_eq!(stream.documents.len(), 1);
        assert!(stream.error.is_some());
    }

    #[test]
    fn alias_bomb_is_stopped() {
        let mut text = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        for level in 1..8 {
            let previous = level - 1;
            let refs = vec![format!("*l{previous}"); 10].join(", ");
            text.push_str(&format!("l{level}: &l{level} [{refs}]\n"));
        }
        let text = text.replacen("&a", "&l0", 1);
        let stream = parse(&text);
        assert!(stream.error.unwrap().message.contains("aliases expand"));
    }

    #[test]
    fn deep_nesting_is_stopped() {
        let text = "[".repeat(10_000);
        let stream = parse(&text);
        assert!(stream.error.is_some());
    }
}
