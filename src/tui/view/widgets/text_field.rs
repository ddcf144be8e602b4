//! A one-line text field: label, value (or a placeholder), and the live check under it. A value
//! wider than the field scrolls to keep the cursor in view; a long check wraps under itself.

use crate::tui::model::TextInput;
use crate::tui::view::common::wrap_words;
use crate::tui::view::theme::Theme;
use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthChar;

pub struct TextField<'a> {
    pub label: &'a str,
    pub input: &'a TextInput,
    pub placeholder: &'a str,
    pub focused: bool,
    /// The live check: `Err` shows the problem, `Ok` an optional note.
    pub check: Result<Option<String>, String>,
}

/// Where the check's text starts: under the value, past `✗ `.
const CHECK_INDENT: usize = 6;

impl TextField<'_> {
    /// Rows the field takes at least: label+value, then the check.
    pub const HEIGHT: u16 = 2;

    /// Rows the field takes in `width` columns, its check wrapped.
    pub fn height(&self, width: u16) -> u16 {
        Self::HEIGHT.max(self.compact_height(width))
    }

    /// Rows the field takes with no room kept for a check it does not have.
    pub fn compact_height(&self, width: u16) -> u16 {
        1 + self.check_rows(width).len() as u16
    }

    /// The check's rows: `    ✗ problem…`, then its continuation indented under the text.
    fn check_rows(&self, width: u16) -> Vec<String> {
        let (mark, text) = match &self.check {
            Err(problem) => ("✗", problem),
            Ok(Some(note)) => ("✓", note),
            Ok(None) => return Vec::new(),
        };
        let room = usize::from(width).saturating_sub(CHECK_INDENT).max(1);
        wrap_words(text, room)
            .into_iter()
            .enumerate()
            .map(|(i, row)| match i {
                0 => format!("    {mark} {row}"),
                _ => format!("{:CHECK_INDENT$}{row}", ""),
            })
            .collect()
    }

    pub fn render(&self, frame: &mut Frame, area: Rect, theme: Theme) {
        let marker = if self.focused { "▸ " } else { "  " };
        let label = format!("{}: ", self.label);
        let prefix = marker.chars().count() + label.chars().count();
        // One column stays free for the cursor after the last character.
        let room = usize::from(area.width).saturating_sub(prefix + 1).max(1);
        // Skip whole characters from the start until the cursor's column fits.
        let mut skipped_columns = 0;
        let shown: String = self
            .input
            .value()
            .chars()
            .skip_while(|c| {
                let skip = self.input.cursor_column().saturating_sub(skipped_columns) > room;
                if skip {
                    skipped_columns += c.width().unwrap_or(0);
                }
                skip
            })
            .collect();
        let value = if self.input.value().is_empty() {
            Span::styled(self.placeholder, theme.dim())
        } else {
            let style = if self.focused {
                theme.emphasis()
            } else {
                theme.plain()
            };
            Span::styled(shown, style)
        };
        let mut lines = vec![Line::from(vec![
            Span::styled(marker, theme.key()),
            Span::styled(label, theme.heading()),
            value,
        ])];
        let style = match self.check {
            Err(_) => theme.error(),
            Ok(_) => theme.ok(),
        };
        lines.extend(
            self.check_rows(area.width)
                .into_iter()
                .map(|row| Line::styled(row, style)),
        );
        frame.render_widget(Paragraph::new(lines), area);
        if self.focused {
            let offset =
                (prefix + self.input.cursor_column().saturating_sub(skipped_columns)) as u16;
            let x = area
                .x
                .saturating_add(offset)
                .min(area.right().saturating_sub(1));
            frame.set_cursor_position(Position::new(x, area.y));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;

    /// The screen's row and where the terminal's cursor is after drawing `input`.
    fn draw(input: &TextInput, width: u16) -> (String, Position) {
        let mut terminal = Terminal::new(TestBackend::new(width, 2)).unwrap();
        terminal
            .draw(|frame| {
                let field = TextField {
                    label: "Name",
                    input,
                    placeholder: "",
                    focused: true,
                    check: Ok(None),
                };
                field.render(frame, frame.area(), Theme::new(true));
            })
            .unwrap();
        let buffer = terminal.backend().buffer();
        let row = (0..width)
            .map(|x| buffer[(x, 0)].symbol())
            .collect::<String>();
        (row, terminal.get_cursor_position().unwrap())
    }

    #[test]
    fn the_cursor_sits_after_wide_characters() {
        // "▸ Name: " is 8 columns; 日本語 takes 6 and the space 1.
        let mut input = TextInput::new("日本語 App");
        let (row, cursor) = draw(&input, 40);
        // A wide character's second cell reads as a space in the test buffer.
        assert!(
            row.replace(' ', "").starts_with("▸Name:日本語App"),
            "{row:?}"
        );
        assert_eq!(cursor.x, 8 + 6 + 4);
        input.handle_key(KeyEvent::new(KeyCode::Home, KeyModifiers::NONE));
        input.handle_key(KeyEvent::new(KeyCode::Right, KeyModifiers::NONE));
        assert_eq!(draw(&input, 40).1.x, 8 + 2);
        let input = TextInput::new("📨📨");
        assert_eq!(draw(&input, 40).1.x, 8 + 4);
    }

    #[test]
    fn a_long_wide_value_scrolls_to_keep_the_cursor_in_view() {
        let input = TextInput::new("日本語".repeat(10));
        let (row, cursor) = draw(&input, 20);
        assert!(cursor.x < 20, "{cursor:?}");
        assert!(row.trim_end().ends_with('語'), "{row:?}");
    }
}
