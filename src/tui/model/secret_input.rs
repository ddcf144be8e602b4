//! A one-line field for a key: the text lives only in a [`SecretString`] (zeroized, redacted in
//! `Debug`), is edited at its end, and is drawn as bullets, never in clear.

use super::readline::{LineEdit, typed_char};
use super::text_input::TextInput;
use crate::secret::SecretString;
use crate::text;
use crossterm::event::{KeyCode, KeyEvent};

/// What the field shows for each character it holds.
const BULLET: char = '•';

#[derive(Debug)]
pub struct SecretInput {
    value: SecretString,
}

impl Default for SecretInput {
    fn default() -> Self {
        Self::new(SecretString::new(String::new()))
    }
}

impl SecretInput {
    pub fn new(value: SecretString) -> Self {
        Self { value }
    }

    pub fn value(&self) -> &SecretString {
        &self.value
    }

    pub fn is_empty(&self) -> bool {
        self.value.expose().trim().is_empty()
    }

    /// One bullet per character, as a field to draw: the value itself never reaches a screen.
    pub fn masked(&self) -> TextInput {
        TextInput::new(
            BULLET
                .to_string()
                .repeat(self.value.expose().chars().count()),
        )
    }

    /// Pasted text goes at the end, through the same filter as every other field: no line
    /// breaks, nothing that steers a terminal, and no spaces around a copied key.
    pub fn insert_str(&mut self, pasted: &str) {
        let kept: Vec<char> = pasted
            .trim()
            .chars()
            .filter(|&c| !matches!(c, '\r' | '\n') && !text::is_unsafe(c))
            .collect();
        self.append(&kept);
    }

    /// Applies an editing key; returns false for keys the field does not use. Without a
    /// cursor to move, Ctrl-U and Ctrl-W clear it all (a key is one word).
    pub fn handle_key(&mut self, key: KeyEvent) -> bool {
        if let Some(edit) = LineEdit::of(&key) {
            if matches!(edit, LineEdit::DeleteToStart | LineEdit::DeleteWord) {
                self.value = SecretString::new(String::new());
            }
            return true;
        }
        if let Some(c) = typed_char(&key) {
            self.append(&[c]);
            return true;
        }
        match key.code {
            KeyCode::Backspace => {
                let old = self.value.expose();
                let kept = old.char_indices().last().map_or(0, |(at, _)| at);
                self.value = SecretString::new(old[..kept].to_owned());
                true
            }
            _ => false,
        }
    }

    /// Builds the longer value in one allocation, so no unzeroized copy is left behind by a
    /// reallocation; the old value is zeroized as it is dropped.
    fn append(&mut self, chars: &[char]) {
        let old = self.value.expose();
        let mut longer =
            String::with_capacity(old.len() + chars.iter().map(|c| c.len_utf8()).sum::<usize>());
        longer.push_str(old);
        longer.extend(chars);
        self.value = SecretString::new(longer);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::KeyModifiers;

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    #[test]
    fn typing_and_pasting_are_kept_but_only_bullets_are_shown() {
        let mut input = SecretInput::default();
        assert!(input.is_empty());
        input.handle_key(key(KeyCode::Char('n')));
        input.insert_str("  yk_\u{1b}[2Jabc\r\n ");
        assert!(*input.value() == *"nyk_[2Jabc");
        assert_eq!(input.masked().value(), "••••••••••");
        assert!(!format!("{input:?}").contains("nyk_"));
        input.handle_key(key(KeyCode::Backspace));
        assert!(*input.value() == *"nyk_[2Jab");
        input.handle_key(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL));
        assert!(input.is_empty());
        assert!(!input.handle_key(key(KeyCode::Char('\u{7}'))));
        assert!(!input.handle_key(key(KeyCode::Enter)));
    }
}
