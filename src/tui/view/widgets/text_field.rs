//! A one-line text field: label, value (or a placeholder), and the live check under it.

use crate::tui::model::TextInput;
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

impl TextField<'_> {
    /// Rows the field takes: label+value, then the check.
    pub const HEIGHT: u16 = 2;

    pub fn render(&self, frame: &mut Frame, area: Rect, theme: Theme) {
        let label = format!("{}: ", self.label);
        let value_style = if self.focused {
            theme.emphasis()
        } else {
            theme.plain()
        };
        let value = if self.input.value().is_empty() {
            Span::styled(self.placeholder, theme.dim())
        } else {
            Span::styled(self.input.value(), value_style)
        };
        let marker = if self.focused { "▸ " } else { "  " };
        let first = Line::from(vec![
            Span::styled(marker, theme.key()),
            Span::styled(label.clone(), theme.heading()),
            value,
        ]);
        let second = match &self.check {
            Err(problem) => Line::styled(format!("    ✗ {problem}"), theme.error()),
            Ok(Some(note)) => Line::styled(format!("    ✓ {note}"), theme.ok()),
            Ok(None) => Line::default(),
        };
        frame.render_widget(Paragraph::new(vec![first, second]), area);
        if self.focused {
            let offset =
                (marker.chars().count() + label.chars().count() + self.input.cursor()) as u16;
            let x = area
                .x
                .saturating_add(offset)
                .min(area.right().saturating_sub(1));
            frame.set_cursor_position(Position::new(x, area.y));
        }
    }
}
