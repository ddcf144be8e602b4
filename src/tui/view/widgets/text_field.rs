//! A one-line text field: label, value (or a placeholder), and the live check under it. A value
//! wider than the field scrolls to keep the cursor in view; a long check wraps under itself.

use crate::tui::model::TextInput;
use crate::tui::view::common::wrap_words;
use crate::tui::view::theme::Theme;
use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

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
        Self::HEIGHT.max(1 + self.check_rows(width).len() as u16)
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
        let skip = self.input.cursor().saturating_sub(room);
        let value = if self.input.value().is_empty() {
            Span::styled(self.placeholder, theme.dim())
        } else {
            let shown: String = self.input.value().chars().skip(skip).collect();
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
            let offset = (prefix + self.input.cursor() - skip) as u16;
            let x = area
                .x
                .saturating_add(offset)
                .min(area.right().saturating_sub(1));
            frame.set_cursor_position(Position::new(x, area.y));
        }
    }
}
