//! The line-editing keys every text field shares, as in a shell: Ctrl-A, Ctrl-E, Ctrl-U and
//! Ctrl-W mean the same in a one-line field and in the multi-line redirect URI editor.

use crate::text;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui_textarea::{CursorMove, TextArea};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineEdit {
    /// Ctrl-A: to the start of the line.
    Start,
    /// Ctrl-E: to the end of the line.
    End,
    /// Ctrl-U: delete from the start of the line to the cursor.
    DeleteToStart,
    /// Ctrl-W: delete the word before the cursor.
    DeleteWord,
}

impl LineEdit {
    pub fn of(key: &KeyEvent) -> Option<Self> {
        if !key.modifiers.contains(KeyModifiers::CONTROL) {
            return None;
        }
        match key.code {
            KeyCode::Char('a') => Some(LineEdit::Start),
            KeyCode::Char('e') => Some(LineEdit::End),
            KeyCode::Char('u') => Some(LineEdit::DeleteToStart),
            KeyCode::Char('w') => Some(LineEdit::DeleteWord),
            _ => None,
        }
    }
}

/// A typed character a field takes: never one that steers the terminal.
pub fn typed_char(key: &KeyEvent) -> Option<char> {
    match key.code {
        KeyCode::Char(c)
            if !key.modifiers.contains(KeyModifiers::CONTROL) && !text::is_unsafe(c) =>
        {
            Some(c)
        }
        _ => None,
    }
}

/// Applies an editing key to the multi-line editor with the shared meanings; its own bindings
/// serve the rest (arrows, Enter, Backspace). Returns false for keys it does not use.
pub fn edit_area(area: &mut TextArea<'_>, key: KeyEvent) -> bool {
    match LineEdit::of(&key) {
        Some(LineEdit::Start) => area.move_cursor(CursorMove::Head),
        Some(LineEdit::End) => area.move_cursor(CursorMove::End),
        Some(LineEdit::DeleteToStart) => {
            area.delete_line_by_head();
        }
        Some(LineEdit::DeleteWord) => {
            area.delete_word();
        }
        // In raw mode a line feed arrives as Ctrl+J: a paste the terminal types (no bracketed
        // paste) has one per line, which the editor's own binding would take as "delete to the
        // start of the line" and so lose the line.
        None if key.code == KeyCode::Char('j') && key.modifiers == KeyModifiers::CONTROL => {
            area.insert_newline()
        }
        None => match key.code {
            KeyCode::Char(_) if typed_char(&key).is_none() => return false,
            _ => return area.input(key),
        },
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctrl(c: char) -> KeyEvent {
        KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)
    }

    fn typed(c: char) -> KeyEvent {
        KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)
    }

    #[test]
    fn the_editor_gives_ctrl_keys_the_shell_meanings() {
        let mut area = TextArea::from(["https://a.example/cb", "https://b.example/x y"]);
        area.move_cursor(CursorMove::Bottom);
        area.move_cursor(CursorMove::End);
        assert!(edit_area(&mut area, ctrl('w')));
        assert_eq!(area.lines()[1], "https://b.example/x ");
        assert!(edit_area(&mut area, ctrl('u')));
        assert_eq!(area.lines()[1], "");
        assert_eq!(
            area.lines()[0],
            "https://a.example/cb",
            "only the line is cleared"
        );
        area.move_cursor(CursorMove::Top);
        assert!(edit_area(&mut area, ctrl('e')));
        assert!(edit_area(&mut area, ctrl('a')));
        assert!(edit_area(&mut area, typed('>')));
        assert_eq!(area.lines()[0], ">https://a.example/cb");
    }

    #[test]
    fn a_line_feed_is_a_new_line_not_a_deleted_one() {
        let mut area = TextArea::default();
        for key in [typed('a'), ctrl('j'), typed('b'), ctrl('j'), typed('c')] {
            assert!(edit_area(&mut area, key));
        }
        assert_eq!(area.lines(), ["a", "b", "c"]);
    }

    #[test]
    fn characters_that_steer_the_terminal_are_never_typed() {
        let mut area = TextArea::default();
        for c in ['\u{1b}', '\u{7}', '\u{202e}', '\u{9b}'] {
            assert!(!edit_area(&mut area, typed(c)));
        }
        assert_eq!(area.lines(), [""]);
    }
}
