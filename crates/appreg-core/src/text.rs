//! Text from outside appreg (a server's message, a profile file, a manifest, a paste) made safe to
//! put on a terminal: no control character (ESC, BEL, C0, C1, DEL) and no bidirectional override
//! reaches stdout, stderr, a log line or a wizard cell, and a server cannot fill the screen.

use std::borrow::Cow;

/// The most characters of one server-given text (Graph's `message`, sign-in's
/// `error_description`) that appreg shows: enough for every message Microsoft writes.
pub const MESSAGE_CHARS: usize = 400;

/// True for characters that steer a terminal or reorder what it shows rather than print.
pub fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(c,
            // bidirectional embeddings, overrides and isolates ("Trojan Source")
            '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
            // invisible marks that reorder neighbouring text
            | '\u{200E}' | '\u{200F}' | '\u{061C}'
            // line and paragraph separators some terminals honour
            | '\u{2028}' | '\u{2029}')
}

/// One line of text: every unsafe character dropped, except that line breaks and tabs become
/// a space so words stay apart.
pub fn one_line(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(
        text.chars()
            .filter_map(|c| match c {
                '\n' | '\r' | '\t' | '\u{2028}' | '\u{2029}' => Some(' '),
                c if is_unsafe(c) => None,
                c => Some(c),
            })
            .collect(),
    )
}

/// Several lines: unsafe characters dropped, `\n` kept (`\r\n` and `\r` become `\n`), tabs
/// become a space.
pub fn lines(text: &str) -> Cow<'_, str> {
    if !text.chars().any(|c| c != '\n' && is_unsafe(c)) {
        return Cow::Borrowed(text);
    }
    let text = text.replace("\r\n", "\n");
    Cow::Owned(
        text.chars()
            .filter_map(|c| match c {
                '\n' | '\r' | '\u{2028}' | '\u{2029}' => Some('\n'),
                '\t' => Some(' '),
                c if is_unsafe(c) => None,
                c => Some(c),
            })
            .collect(),
    )
}

/// At most `max_chars` characters, ending in "…" when cut.
pub fn clip(text: &str, max_chars: usize) -> Cow<'_, str> {
    match text.char_indices().nth(max_chars) {
        Some((cut, _)) => Cow::Owned(format!("{}…", text[..cut].trim_end())),
        None => Cow::Borrowed(text),
    }
}

/// A server's text as appreg shows it: one line, safe, and no longer than [`MESSAGE_CHARS`].
pub fn from_server(text: &str) -> String {
    clip(&one_line(text), MESSAGE_CHARS).into_owned()
}

/// Whether a JSON document may hold a string with an unsafe character: an escape (`\u…`), DEL,
/// or the UTF-8 of a C1 control, a bidirectional mark or a line separator. Raw C0 controls
/// cannot be in a JSON string at all. A `false` means the document is safe as it is, so the
/// common answer skips the slower cleaning.
pub fn json_may_be_unsafe(json: &[u8]) -> bool {
    json.windows(2).any(|w| match w {
        [b'\\', b'u'] | [0x7f, _] | [_, 0x7f] => true,
        // C1 controls U+0080–U+009F, and U+061C (Arabic letter mark)
        [0xC2, 0x80..=0x9F] | [0xD8, 0x9C] => true,
        _ => false,
    }) || json.windows(3).any(|w| {
        matches!(
            w,
            // U+200E/F marks, U+2028/9 separators, U+202A–E embeddings and overrides
            [0xE2, 0x80, 0x8E | 0x8F | 0xA8..=0xAE]
            // U+2066–2069 isolates
            | [0xE2, 0x81, 0xA6..=0xA9]
        )
    })
}

/// Every string in `value` (object keys too) made one safe line: for documents from outside
/// (Graph's answers, profile files) whose fields end up on a terminal.
pub fn clean_json(value: &mut serde_json::Value) {
    use serde_json::Value;
    match value {
        Value::String(s) => {
            if let Cow::Owned(clean) = one_line(s) {
                *s = clean;
            }
        }
        Value::Array(items) => items.iter_mut().for_each(clean_json),
        Value::Object(map) => {
            if map.keys().any(|k| k.chars().any(is_unsafe)) {
                *map = std::mem::take(map)
                    .into_iter()
                    .map(|(k, v)| (one_line(&k).into_owned(), v))
                    .collect();
            }
            map.values_mut().for_each(clean_json);
        }
        Value::Null | Value::Bool(_) | Value::Number(_) => {}
    }
}

/// Deserializes a server's string field as [`from_server`] shows it, so the unsafe text never
/// exists in appreg at all.
pub fn deserialize_from_server<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<String, D::Error> {
    let raw = <String as serde::Deserialize>::deserialize(deserializer)?;
    Ok(from_server(&raw))
}

/// [`deserialize_from_server`] for an optional field.
pub fn deserialize_optional_from_server<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<String>, D::Error> {
    let raw = <Option<String> as serde::Deserialize>::deserialize(deserializer)?;
    Ok(raw.as_deref().map(from_server))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_document_is_scanned_for_every_way_an_unsafe_character_can_be_written() {
        for unsafe_json in [
            r#"{"a":"x\u001b[2J"}"#,
            "{\"a\":\"x\u{9b}31m\"}",
            "{\"a\":\"\u{202e}txt\"}",
            "{\"a\":\"\u{2066}x\"}",
            "{\"a\":\"\u{200f}\"}",
            "{\"a\":\"\u{2028}\"}",
            "{\"a\":\"\u{61c}\"}",
            "{\"a\":\"\u{7f}\"}",
        ] {
            assert!(
                json_may_be_unsafe(unsafe_json.as_bytes()),
                "{unsafe_json:?}"
            );
            let mut value: serde_json::Value = serde_json::from_str(unsafe_json).unwrap();
            clean_json(&mut value);
            assert!(!value.to_string().chars().any(is_unsafe), "{value}");
        }
        let safe = r#"{"displayName":"Acme Mail 日本語 📨","note":"a \"quote\" … — ’"}"#;
        assert!(!json_may_be_unsafe(safe.as_bytes()), "{safe}");
    }

    #[test]
    fn every_string_of_a_document_is_cleaned() {
        let mut doc = serde_json::json!({
            "displayName": "App\u{1b}[2J",
            "web": {"redirectUris": ["https://a.example/cb\u{7}", "\u{202e}moc.live"]},
            "key\u{1b}": 1,
        });
        clean_json(&mut doc);
        let text = doc.to_string();
        assert!(
            !text.contains("\\u001b") && !text.contains("\\u0007"),
            "{text}"
        );
        assert_eq!(doc["displayName"], "App[2J");
        assert_eq!(doc["web"]["redirectUris"][1], "moc.live");
        assert_eq!(doc["key"], 1);
    }

    #[test]
    fn escape_sequences_and_bells_are_dropped() {
        let hostile = "Bad request\u{1b}]0;owned\u{07}\u{1b}[2J\u{9b}31m done\u{7f}";
        let shown = one_line(hostile);
        assert!(!shown.chars().any(|c| c.is_control()), "{shown:?}");
        assert_eq!(shown, "Bad request]0;owned[2J31m done");
    }

    #[test]
    fn bidi_overrides_are_dropped_and_wide_text_kept() {
        assert_eq!(one_line("a\u{202E}b\u{2066}c\u{200F}"), "abc");
        assert_eq!(one_line("日本語 App 🚀"), "日本語 App 🚀");
        assert!(matches!(one_line("plain text"), Cow::Borrowed(_)));
    }

    #[test]
    fn line_breaks_become_spaces_in_one_line_and_stay_in_lines() {
        assert_eq!(one_line("a\r\nb\tc"), "a  b c");
        assert_eq!(lines("a\r\nb\rc\u{1b}[1m\td"), "a\nb\nc[1m d");
    }

    #[test]
    fn clip_counts_characters_not_bytes() {
        assert_eq!(clip("日本語テキスト", 3), "日本語…");
        assert_eq!(clip("short", 10), "short");
        let long = "x".repeat(10_000);
        assert_eq!(from_server(&long).chars().count(), MESSAGE_CHARS + 1);
    }
}
