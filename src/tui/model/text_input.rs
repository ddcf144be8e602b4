//! A single-line text field's state: the text and a cursor counted in characters.

use super::readline::{LineEdit, typed_char};
use crate::text;
use crossterm::event::{KeyCode, KeyEvent};
use unicode_width::UnicodeWidthChar;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TextInput {
    value: String,
    /// Cursor position in characters, `0..=len`.
    cursor: usize,
}

impl TextInput {
    pub fn new(value: impl Into<String>) -> Self {
        let value = value.into();
        let cursor = value.chars().count();
        Self { value, cursor }
    }

    pub fn value(&self) -> &str {
        &self.value
    }

    pub fn cursor(&self) -> usize {
        self.cursor
    }

    /// Columns the text before the cursor takes on screen: 日本語 and most emoji take two each.
    pub fn cursor_column(&self) -> usize {
        self.value
            .chars()
            .take(self.cursor)
            .map(|c| c.width().unwrap_or(0))
            .sum()
    }

    pub fn set(&mut self, value: impl Into<String>) {
        *self = Self::new(value);
    }

    /// Pasted text goes in at the cursor; line breaks become nothing, since the field is one
    /// line, and characters that steer a terminal are dropped.
    pub fn insert_str(&mut self, pasted: &str) {
        for c in pasted
            .chars()
            .filter(|&c| !matches!(c, '\r' | '\n') && !text::is_unsafe(c))
        {
            self.insert(c);
        }
    }

    fn insert(&mut self, c: char) {
        let at = self.byte_index(self.cursor);
        self.value.insert(at, c);
        self.cursor += 1;
    }

    fn byte_index(&self, chars: usize) -> usize {
        self.value
            .char_indices()
            .nth(chars)
            .map_or(self.value.len(), |(i, _)| i)
    }

    /// Deletes the characters from `from` to the cursor, which moves to `from`.
    fn delete_back_to(&mut self, from: usize) {
        let (start, end) = (self.byte_index(from), self.byte_index(self.cursor));
        self.value.replace_range(start..end, "");
        self.cursor = from;
    }

    /// Where the word before the cursor starts (spaces before it included, as in a shell).
    fn word_start(&self) -> usize {
        let before: Vec<char> = self.value.chars().take(self.cursor).collect();
        let spaces = before
            .iter()
            .rev()
            .take_while(|c| c.is_whitespace())
            .count();
        let word = before[..before.len() - spaces]
            .iter()
            .rev()
            .take_while(|c| !c.is_whitespace())
            .count();
        self.cursor - spaces - word
    }

    /// Applies an editing key; returns false for keys a text field does not use.
    pub fn handle_key(&mut self, key: KeyEvent) -> bool {
        let len = self.value.chars().count();
        if let Some(edit) = LineEdit::of(&key) {
            match edit {
                LineEdit::Start => self.cursor = 0,
                LineEdit::End => self.cursor = len,
                LineEdit::DeleteToStart => self.delete_back_to(0),
                LineEdit::DeleteWord => self.delete_back_to(self.word_start()),
            }
            return true;
        }
        if let Some(c) = typed_char(&key) {
            self.insert(c);
            return true;
        }
        match key.code {
            KeyCode::Char(_) => return false,
            KeyCode::Backspace if self.cursor > 0 => {
                self.cursor -= 1;
                let at = self.byte_index(self.cursor);
                self.value.remove(at);
            }
            KeyCode::Delete if self.cursor < len => {
                let at = self.byte_index(self.cursor);
                self.value.remove(at);
            }
            KeyCode::Left => self.cursor = self.cursor.saturating_sub(1),
            KeyCode::Right => self.cursor = (self.cursor + 1).min(len),
            KeyCode::Home => self.cursor = 0,
            KeyCode::End => self.cursor = len,
            KeyCode::Backspace | KeyCode::Delete => {}
            _ => return false,
        }
        true
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
    fn edits_at_the_cursor_with_multibyte_text() {
        let mut input = TextInput::new("héllo");
        input.handle_key(key(KeyCode::Left));
        input.handle_key(key(KeyCode::Backspace));
        assert_eq!(input.value(), "hélo");
        input.handle_key(key(KeyCode::Home));
        input.handle_key(key(KeyCode::Char('¡')));
        assert_eq!(input.value(), "¡hélo");
        input.handle_key(key(KeyCode::Delete));
        assert_eq!(input.value(), "¡élo");
        assert!(!input.handle_key(key(KeyCode::Enter)));
    }

    #[test]
    fn pasted_or_typed_control_characters_never_enter_the_field() {
        let mut input = TextInput::default();
        input.insert_str("Acme\u{1b}[2J\u{7} Sync\u{202e}\u{9b}");
        assert_eq!(input.value(), "Acme[2J Sync");
        assert!(!input.handle_key(key(KeyCode::Char('\u{1b}'))));
        assert!(!input.handle_key(key(KeyCode::Char('\u{2066}'))));
        assert_eq!(input.value(), "Acme[2J Sync");
    }

    #[test]
    fn the_cursor_column_counts_display_width() {
        let mut input = TextInput::new("日本語 App 📨");
        assert_eq!(input.cursor_column(), 2 * 3 + 5 + 2);
        input.handle_key(key(KeyCode::Home));
        input.handle_key(key(KeyCode::Right));
        assert_eq!(input.cursor_column(), 2);
    }

    #[test]
    fn ctrl_w_deletes_the_word_before_the_cursor() {
        let ctrl_w = KeyEvent::new(KeyCode::Char('w'), KeyModifiers::CONTROL);
        let mut input = TextInput::new("Acme Mail  Sync  ");
        input.handle_key(ctrl_w);
        assert_eq!(input.value(), "Acme Mail  ");
        input.handle_key(ctrl_w);
        assert_eq!(input.value(), "Acme ");
        input.handle_key(key(KeyCode::Home));
        input.handle_key(ctrl_w);
        assert_eq!(input.value(), "Acme ");
    }

    #[test]
    fn paste_drops_line_breaks_and_ctrl_u_clears_to_the_start() {
        let mut input = TextInput::default();
        input.insert_str("a\r\nb");
        assert_eq!(input.value(), "ab");
        input.handle_key(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL));
        assert_eq!(input.value(), "");
    }
}
