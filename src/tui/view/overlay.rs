//! The help overlay (the current step's keys and the shared ones) and the quit confirmation.

use super::theme::Theme;
use super::widgets::scroll_pane::ScrollPane;
use crate::tui::model::{Model, Overlay};
use crate::tui::update::key_hints;
use ratatui::Frame;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear};

pub fn render(frame: &mut Frame, area: Rect, model: &Model, theme: Theme) {
    let (title, lines) = match &model.overlay {
        None => return,
        Some(Overlay::Help) => (" Help ", help(model, theme)),
        Some(Overlay::ConfirmQuit(reason)) => (
            " Quit? ",
            vec![
                Line::raw(reason.clone()),
                Line::default(),
                Line::from(vec![
                    Span::styled("y", theme.key()),
                    Span::raw(" quit anyway   "),
                    Span::styled("any other key", theme.key()),
                    Span::raw(" stay"),
                ]),
            ],
        ),
    };
    let height = (lines.len() as u16 + 4).min(area.height);
    let popup = centered(area, 64.min(area.width), height);
    frame.render_widget(Clear, popup);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.focused_border())
        .title(title);
    ScrollPane::wrapped(lines).render_in(frame, popup, block, &model.help_scroll, theme);
}

fn help(model: &Model, theme: Theme) -> Vec<Line<'static>> {
    let mut lines = vec![Line::styled(
        format!("{}: keys", model.step.title()),
        theme.heading(),
    )];
    for hint in key_hints(model) {
        lines.push(Line::from(vec![
            Span::styled(format!("  {:14}", hint.keys), theme.key()),
            Span::raw(hint.action),
        ]));
    }
    lines.push(Line::default());
    lines.push(Line::styled("Esc goes back without losing choices until the app is created. Pasting works in every text field.", theme.dim()));
    lines.push(Line::styled(
        "Shift and drag selects text with the mouse. ↑↓ PgUp PgDn Home End scroll; any other key closes this help.",
        theme.dim(),
    ));
    lines
}

fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let [row] = Layout::vertical([Constraint::Length(height)])
        .flex(Flex::Center)
        .areas(area);
    let [popup] = Layout::horizontal([Constraint::Length(width)])
        .flex(Flex::Center)
        .areas(row);
    popup
}
