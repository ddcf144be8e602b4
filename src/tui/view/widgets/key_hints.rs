//! The bottom bar: the current step's own keys, then the shared ones.

use crate::tui::update::KeyHint;
use crate::tui::view::theme::Theme;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

pub fn render(frame: &mut Frame, area: Rect, hints: &[KeyHint], theme: Theme) {
    let hints = fit(hints, usize::from(area.width));
    let mut spans = vec![Span::raw(" ")];
    for (i, hint) in hints.iter().enumerate() {
        if i > 0 {
            spans.push(Span::styled("  ", theme.dim()));
        }
        spans.push(Span::styled(hint.keys, theme.key()));
        spans.push(Span::raw(" "));
        spans.push(Span::raw(hint.action));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

fn width(hints: &[KeyHint]) -> usize {
    hints
        .iter()
        .map(|h| h.keys.chars().count() + 1 + h.action.chars().count() + 2)
        .sum::<usize>()
        + 1
}

/// Drops the hints users least need when the bar is too narrow: "esc back" first, then the
/// arrows, then the step's later hints; `?` (which lists them all) and quit always stay.
fn fit(hints: &[KeyHint], available: usize) -> Vec<KeyHint> {
    let mut kept = hints.to_vec();
    let expendable =
        |h: &KeyHint| (h.keys == "esc" && h.action == "back") || h.keys == "↑↓" || h.keys == "type";
    while width(&kept) > available {
        let drop = kept.iter().position(expendable).or_else(|| {
            let essential = |h: &KeyHint| h.keys == "?" || h.action == "quit" || h.keys == "enter";
            kept.iter().rposition(|h| !essential(h))
        });
        match drop {
            Some(index) => {
                kept.remove(index);
            }
            None => break,
        }
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::update::hint;

    #[test]
    fn narrow_bars_keep_enter_help_and_quit() {
        let hints = [
            hint("↑↓", "move"),
            hint("i", "import manifest"),
            hint("enter", "continue"),
            hint("esc", "back"),
            hint("?", "help"),
            hint("q", "quit"),
        ];
        let kept: Vec<&str> = fit(&hints, 52).iter().map(|h| h.keys).collect();
        assert_eq!(kept, ["i", "enter", "?", "q"]);
        let kept: Vec<&str> = fit(&hints, 40).iter().map(|h| h.keys).collect();
        assert_eq!(kept, ["enter", "?", "q"]);
    }
}
