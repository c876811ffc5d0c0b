//! A strict JSON parser that keeps the byte range of every value and key.
//!
//! `serde_json` reports only the line and column of a syntax error and keeps no positions for
//! values, and the crates that do keep spans either accept comments and trailing commas or pull
//! in a tree type of their own. A NAD's configuration is small, so this parser is kept short
//! and follows RFC 8259 as Go's `encoding/json` does, which is what Multus and OVN-Kubernetes
//! use: no comments, no trailing commas, one value per document, and repeated keys allowed
//! (the last one wins there).

use std::ops::Range;

/// Nesting deeper than this is rejected, so a hostile configuration cannot overflow the stack.
pub const MAX_DEPTH: usize = 128;

/// A JSON value with its byte range in the parsed text.
#[derive(Debug, Clone, PartialEq)]
pub struct Json {
    /// The value.
    pub value: JsonValue,
    /// Byte range of the value, quotes and brackets included.
    pub span: Range<usize>,
}

/// The content of a JSON value.
#[derive(Debug, Clone, PartialEq)]
pub enum JsonValue {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number, as written, so that `1500` and `1500.0` stay apart.
    Number(String),
    /// A string, unescaped.
    String(String),
    /// An array.
    Array(Vec<Json>),
    /// An object's members in the order written, repeats included.
    Object(Vec<Member>),
}

/// One key and value of an object.
#[derive(Debug, Clone, PartialEq)]
pub struct Member {
    /// The key, unescaped.
    pub key: String,
    /// Byte range of the key, quotes included.
    pub key_span: Range<usize>,
    /// The value.
    pub value: Json,
}

/// A syntax error at a byte offset of the parsed text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonError {
    /// The problem, such as "expected `,` or `}`".
    pub message: String,
    /// Byte offset of the error.
    pub offset: usize,
}

impl JsonValue {
    /// Returns a short name of the type for messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            JsonValue::Null => "null",
            JsonValue::Bool(_) => "a boolean",
            JsonValue::Number(_) => "a number",
            JsonValue::String(_) => "a string",
            JsonValue::Array(_) => "an array",
            JsonValue::Object(_) => "an object",
        }
    }
}

/// Parses one JSON document.
pub fn parse(text: &str) -> Result<Json, JsonError> {
    let mut parser = JsonParser { text, pos: 0 };
    parser.skip_whitespace();
    let value = parser.value(0)?;
    parser.skip_whitespace();
    if parser.pos < text.len() {
        return Err(parser.error("unexpected text after the JSON value"));
    }
    Ok(value)
}

struct JsonParser<'t> {
    text: &'t str,
    pos: usize,
}

impl JsonParser<'_> {
    fn error(&self, message: &str) -> JsonError {
        JsonError {
            message: message.to_string(),
            offset: self.pos,
        }
    }

    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.pos).copied()
    }

    fn skip_whitespace(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    fn value(&mut self, depth: usize) -> Result<Json, JsonError> {
        if depth > MAX_DEPTH {
            return Err(self.error(&format!("the JSON nests deeper than {MAX_DEPTH} levels")));
        }
        let start = self.pos;
        let value = match self.peek() {
            Some(b'{') => self.object(depth)?,
            Some(b'[') => self.array(depth)?,
            Some(b'"') => JsonValue::String(self.string()?),
            Some(b'-' | b'0'..=b'9') => self.number()?,
            Some(b't') => self.literal("true", JsonValue::Bool(true))?,
            Some(b'f') => self.literal("false", JsonValue::Bool(false))?,
            Some(b'n') => self.literal("null", JsonValue::Null)?,
            Some(_) => return Err(self.error("expected a JSON value")),
            None => return Err(self.error("the JSON ends where a value was expected")),
        };
        Ok(Json {
            value,
            span: start..self.pos,
        })
    }

    fn literal(&mut self, word: &str, value: JsonValue) -> Result<JsonValue, JsonError> {
        if self.text[self.pos..].starts_with(word) {
            self.pos += word.len();
            Ok(value)
        } else {
            Err(self.error("expected a JSON value"))
        }
    }

    fn object(&mut self, depth: usize) -> Result<JsonValue, JsonError> {
        self.pos += 1;
        let mut members = Vec::new();
        self.skip_whitespace();
        if self.peek() == Some(b'}') {
            self.pos += 1;
            return Ok(JsonValue::Object(members));
        }
        loop {
            members.push(self.member(depth)?);
            self.skip_whitespace();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b'}') => {
                    self.pos += 1;
                    return Ok(JsonValue::Object(members));
                }
                _ => return Err(self.error("expected `,` or `}` after an object member")),
            }
            self.skip_whitespace();
        }
    }

    fn member(&mut self, depth: usize) -> Result<Member, JsonError> {
        if self.peek() != Some(b'"') {
            return Err(self.error("expected a key in double quotes"));
        }
        let key_start = self.pos;
        let key = self.string()?;
        let key_span = key_start..self.pos;
        self.skip_whitespace();
        if self.peek() != Some(b':') {
            return Err(self.error("expected `:` after the key"));
        }
        self.pos += 1;
        self.skip_whitespace();
        let value = self.value(depth + 1)?;
        Ok(Member {
            key,
            key_span,
            value,
        })
    }

    fn array(&mut self, depth: usize) -> Result<JsonValue, JsonError> {
        self.pos += 1;
        let mut items = Vec::new();
        self.skip_whitespace();
        if self.peek() == Some(b']') {
            self.pos += 1;
            return Ok(JsonValue::Array(items));
        }
        loop {
            items.push(self.value(depth + 1)?);
            self.skip_whitespace();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b']') => {
                    self.pos += 1;
                    return Ok(JsonValue::Array(items));
                }
                _ => return Err(self.error("expected `,` or `]` after an array item")),
            }
            self.skip_whitespace();
        }
    }

    /// Reads a number as RFC 8259 writes it: `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`.
    fn number(&mut self) -> Result<JsonValue, JsonError> {
        let start = self.pos;
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        match self.peek() {
            Some(b'0') => self.pos += 1,
            Some(b'1'..=b'9') => self.digits(),
            _ => return Err(self.error("expected a digit")),
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            self.required_digits()?;
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.pos += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.pos += 1;
            }
            self.required_digits()?;
        }
        Ok(JsonValue::Number(self.text[start..self.pos].to_string()))
    }

    fn digits(&mut self) {
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.pos += 1;
        }
    }

    fn required_digits(&mut self) -> Result<(), JsonError> {
        if !matches!(self.peek(), Some(b'0'..=b'9')) {
            return Err(self.error("expected a digit"));
        }
        self.digits();
        Ok(())
    }

    fn string(&mut self) -> Result<String, JsonError> {
        self.pos += 1;
        let mut out = String::new();
        loop {
            let Some(c) = self.text[self.pos..].chars().next() else {
                return Err(self.error("the string has no closing `\"`"));
            };
            match c {
                '"' => {
                    self.pos += 1;
                    return Ok(out);
                }
                '\\' => out.push(self.escape()?),
                '\u{0}'..='\u{1f}' => {
                    return Err(self.error("a control character must be escaped in a string"));
                }
                _ => {
                    out.push(c);
                    self.pos += c.len_utf8();
                }
            }
        }
    }

    fn escape(&mut self) -> Result<char, JsonError> {
        self.pos += 1;
        let c = match self.peek() {
            Some(b'"') => '"',
            Some(b'\\') => '\\',
            Some(b'/') => '/',
            Some(b'b') => '\u{8}',
            Some(b'f') => '\u{c}',
            Some(b'n') => '\n',
            Some(b'r') => '\r',
            Some(b't') => '\t',
            Some(b'u') => return self.unicode_escape(),
            _ => return Err(self.error("invalid escape sequence in a string")),
        };
        self.pos += 1;
        Ok(c)
    }

    /// Reads `\uXXXX`, joining a surrogate pair. A lone surrogate becomes U+FFFD, as in Go.
    fn unicode_escape(&mut self) -> Result<char, JsonError> {
        let high = self.hex4()?;
        if !(0xD800..0xDC00).contains(&high) {
            return Ok(char::from_u32(high).unwrap_or(char::REPLACEMENT_CHARACTER));
        }
        if !self.text[self.pos..].starts_with("\\u") {
            return Ok(char::REPLACEMENT_CHARACTER);
        }
        let saved = self.pos;
        self.pos += 1;
        let low = self.hex4()?;
        if !(0xDC00..0xE000).contains(&low) {
            self.pos = saved;
            return Ok(char::REPLACEMENT_CHARACTER);
        }
        let combined = 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00);
        Ok(char::from_u32(combined).unwrap_or(char::REPLACEMENT_CHARACTER))
    }

    /// Reads the four hex digits after a `u`, with `pos` on the `u`.
    fn hex4(&mut self) -> Result<u32, JsonError> {
        let digits = self.text.get(self.pos + 1..self.pos + 5);
        let value = digits
            .filter(|d| d.bytes().all(|b| b.is_ascii_hexdigit()))
            .and_then(|d| u32::from_str_radix(d, 16).ok());
        match value {
            Some(value) => {
                self.pos += 5;
                Ok(value)
            }
            None => Err(self.error("`\\u` must be followed by four hexadecimal digits")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_object_with_spans() {
        let text = r#"{ "a": 1, "b": [true, null], "c": "x\"y" }"#;
        let json = parse(text).unwrap();
        let JsonValue::Object(members) = &json.value else {
            panic!("not an object")
        };
        assert_eq!(members.len(), 3);
        assert_eq!(&text[members[1].key_span.clone()], "\"b\"");
        assert_eq!(&text[members[1].value.span.clone()], "[true, null]");
        assert_eq!(members[2].value.value, JsonValue::String("x\"y".into()));
    }

    #[test]
    fn rejects_what_go_rejects() {
        let cases = [
            "{\"a\": 1,}",
            "{'a': 1}",
            "{\"a\": 01}",
            "{\"a\": 1} x",
            "[1 2]",
            "{\"a\" 1}",
            "\"tab\there\"",
            "{\"a\": .5}",
            "",
            "{\"a\": 1 // comment\n}",
        ];
        for case in cases {
            assert!(parse(case).is_err(), "accepted {case:?}");
        }
    }

    #[test]
    fn error_offset_points_at_problem() {
        let error = parse("{\"a\": 1,}").unwrap_err();
        assert_eq!(error.offset, 8);
    }

    #[test]
    fn numbers_keep_their_text() {
        let json = parse("[1500, 1500.0, -2e3]").unwrap();
        let JsonValue::Array(items) = json.value else {
            panic!("not an array")
        };
        assert_eq!(items[1].value, JsonValue::Number("1500.0".into()));
    }

    #[test]
    fn unicode_escapes_decode() {
        let json = parse(r#""\u00e9\ud83d\ude00\ud800""#).unwrap();
        assert_eq!(json.value, JsonValue::String("é😀\u{fffd}".into()));
    }

    #[test]
    fn deep_nesting_is_an_error() {
        let text = "[".repeat(10_000);
        assert!(parse(&text).is_err());
    }
}
