//! Shell words that are safe to paste into a POSIX shell: text goes in single quotes, and a
//! variable of the script is the only thing the shell expands. JSON bodies for `az rest` are
//! built here too, with every character az or a terminal could act on written as `\u` escapes.

use std::fmt::Write;

/// One argument: quoted text and the script's own variables, joined without spaces.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Word {
    parts: Vec<Part>,
}

#[derive(Debug, Clone, PartialEq)]
enum Part {
    Text(String),
    /// `"$name"`: a variable the script set, never outside text.
    Var(&'static str),
}

impl Word {
    pub fn push_text(&mut self, text: impl Into<String>) {
        let text = text.into();
        match self.parts.last_mut() {
            Some(Part::Text(last)) => last.push_str(&text),
            _ => self.parts.push(Part::Text(text)),
        }
    }

    pub fn push_var(&mut self, name: &'static str) {
        self.parts.push(Part::Var(name));
    }

    pub fn render(&self) -> String {
        self.parts
            .iter()
            .map(|part| match part {
                Part::Text(text) => quote(text),
                Part::Var(name) => format!("\"${name}\""),
            })
            .collect()
    }
}

/// `text` as one shell word: bare when it is made of characters no shell treats specially,
/// else in single quotes (a `'` inside becomes `'\''`), in which nothing is expanded.
pub fn quote(text: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '/' | ':');
    if !text.is_empty() && text.chars().all(plain) {
        return text.to_string();
    }
    format!("'{}'", text.replace('\'', r"'\''"))
}

/// A JSON value of a request body; `Var` is a string the script knows only when it runs.
#[derive(Debug, Clone, PartialEq)]
pub enum Json {
    Str(String),
    Bool(bool),
    Int(u8),
    List(Vec<Json>),
    Object(Vec<(&'static str, Json)>),
    Var(&'static str),
}

impl Json {
    pub fn str(text: &str) -> Self {
        Json::Str(text.to_string())
    }

    pub fn strings(items: &[String]) -> Self {
        Json::List(items.iter().map(|s| Json::str(s)).collect())
    }

    /// The value as one shell word, indented by two spaces a level.
    pub fn word(&self) -> Word {
        let mut word = Word::default();
        self.write(&mut word, 0);
        word
    }

    fn write(&self, word: &mut Word, depth: usize) {
        let indent = |depth: usize| "  ".repeat(depth);
        match self {
            Json::Str(text) => word.push_text(json_string(text)),
            Json::Bool(value) => word.push_text(value.to_string()),
            Json::Int(value) => word.push_text(value.to_string()),
            Json::Var(name) => {
                word.push_text("\"");
                word.push_var(name);
                word.push_text("\"");
            }
            Json::List(items) if items.is_empty() => word.push_text("[]"),
            Json::Object(fields) if fields.is_empty() => word.push_text("{}"),
            Json::List(items) => {
                word.push_text("[");
                for (i, item) in items.iter().enumerate() {
                    word.push_text(format!("{}\n{}", comma(i), indent(depth + 1)));
                    item.write(word, depth + 1);
                }
                word.push_text(format!("\n{}]", indent(depth)));
            }
            Json::Object(fields) => {
                word.push_text("{");
                for (i, (name, value)) in fields.iter().enumerate() {
                    word.push_text(format!(
                        "{}\n{}{}: ",
                        comma(i),
                        indent(depth + 1),
                        json_string(name)
                    ));
                    value.write(word, depth + 1);
                }
                word.push_text(format!("\n{}}}", indent(depth)));
            }
        }
    }
}

fn comma(index: usize) -> &'static str {
    if index == 0 { "" } else { "," }
}

/// A JSON string of ASCII only: besides what JSON requires, `@` and `=` (az reads an argument
/// that starts with `@`, or has one right after its first `=`, as a file name), `'` (so a body
/// never needs the shell's `'\''`) and every character beyond ASCII (no control, reordering or
/// invisible character reaches a terminal or a paste) are `\u` escapes.
pub fn json_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c if c == ' ' || (c.is_ascii_graphic() && !matches!(c, '@' | '=' | '\'')) => {
                out.push(c)
            }
            c => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    // Writing to a String cannot fail.
                    let _ = write!(out, "\\u{unit:04x}");
                }
            }
        }
    }
    out.push('"');
    out
}

/// A path segment of a URL, percent-encoded beyond the unreserved characters.
pub fn url_segment(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(byte));
        } else {
            let _ = write!(out, "%{byte:02X}");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_quoted_unless_plain() {
        assert_eq!(
            quote("https://graph.microsoft.com/v1.0"),
            "https://graph.microsoft.com/v1.0"
        );
        assert_eq!(quote("$(rm -rf ~)"), "'$(rm -rf ~)'");
        assert_eq!(quote("it's; rm -rf ~"), r"'it'\''s; rm -rf ~'");
        assert_eq!(quote(""), "''");
        let mut word = Word::default();
        word.push_text("{\"id\": ");
        word.push_var("sp_id");
        word.push_text("}");
        assert_eq!(word.render(), r#"'{"id": '"$sp_id"'}'"#);
    }

    #[test]
    fn json_strings_are_ascii_and_give_az_nothing_to_read() {
        assert_eq!(json_string("a\"b\\c"), r#""a\"b\\c""#);
        assert_eq!(
            json_string("@/etc/passwd x=@y it's"),
            r#""\u0040/etc/passwd x\u003d\u0040y it\u0027s""#
        );
        assert_eq!(
            json_string("é\u{1b}\u{202e}😀"),
            r#""\u00e9\u001b\u202e\ud83d\ude00""#
        );
        assert_eq!(json_string("line\nnext\ttab"), r#""line\nnext\u0009tab""#);
    }

    #[test]
    fn json_bodies_parse_back_to_their_values() {
        let body = Json::Object(vec![
            ("displayName", Json::str("$(touch x)'@=\u{202e}")),
            ("tags", Json::strings(&["a".into(), "b".into()])),
            ("empty", Json::List(Vec::new())),
            ("on", Json::Bool(true)),
            ("version", Json::Int(2)),
        ]);
        let text = body.word().render();
        let inner = text
            .strip_prefix('\'')
            .and_then(|t| t.strip_suffix('\''))
            .unwrap();
        let value: serde_json::Value = serde_json::from_str(inner).unwrap();
        assert_eq!(value["displayName"], "$(touch x)'@=\u{202e}");
        assert_eq!(value["tags"], serde_json::json!(["a", "b"]));
        assert_eq!(value["version"], 2);
    }

    #[test]
    fn url_segments_are_percent_encoded() {
        assert_eq!(url_segment("5e1f-00_a.b~"), "5e1f-00_a.b~");
        assert_eq!(url_segment("a/b?c=@d"), "a%2Fb%3Fc%3D%40d");
    }
}
