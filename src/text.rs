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

#[cfg(test)]
mod tests {
    use super::*;

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
