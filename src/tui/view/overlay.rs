//! The help overlay (the current step's keys and the shared ones), the whole Graph-call log,
//! and the quit confirmation.

use super::theme::Theme;
use super::widgets::scroll_pane::ScrollPane;
use super::widgets::status_pane;
use crate::tui::model::{Model, Overlay};
use crate::tui::update::{GENERAL_KEYS, KeyHint, is_general, key_hints};
use ratatui::Frame;
use ratatui::layout::{Constraint, Flex, Layout, Margin, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

pub fn render(frame: &mut Frame, area: Rect, model: &Model, theme: Theme) {
    let (title, lines) = match &model.overlay {
        None => return,
        Some(Overlay::Help) => (" Help ", help(model, theme)),
        Some(Overlay::Log) => {
            log(frame, area, model, theme);
            return;
        }
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
    let width = 64.min(area.width);
    // Tall enough for the wrapped text and the frame, when the screen allows.
    let wrapped = Paragraph::new(lines.clone())
        .wrap(Wrap { trim: false })
        .line_count(width.saturating_sub(2));
    let height = u16::try_from(wrapped + 2)
        .unwrap_or(u16::MAX)
        .min(area.height);
    let popup = centered(area, width, height);
    frame.render_widget(Clear, popup);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.focused_border())
        .title(title);
    ScrollPane::wrapped(lines).render_in(frame, popup, block, &model.help_scroll, theme);
}

/// The whole Graph-call log, nearly full-screen, newest at the bottom.
fn log(frame: &mut Frame, area: Rect, model: &Model, theme: Theme) {
    let popup = area.inner(Margin::new(2, 1));
    frame.render_widget(Clear, popup);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.focused_border())
        .title(" Graph calls · ↑↓ PgUp PgDn Home End scroll, any other key closes ");
    ScrollPane::wrapped(status_pane::lines(model, theme)).render_in(
        frame,
        popup,
        block,
        &model.log_scroll,
        theme,
    );
}

fn help(model: &Model, theme: Theme) -> Vec<Line<'static>> {
    let general = GENERAL_KEYS;
    let key_line = |hint: KeyHint| {
        Line::from(vec![
            Span::styled(format!("  {:14}", hint.keys), theme.key()),
            Span::raw(hint.action),
        ])
    };
    let mut lines = vec![Line::styled(
        format!("{}: keys", model.step.title()),
        theme.heading(),
    )];
    // The shared keys the hint bar appends are listed once, under "Every screen".
    lines.extend(
        key_hints(model)
            .into_iter()
            .filter(|h| !is_general(h))
            .map(key_line),
    );
    lines.push(Line::default());
    lines.push(Line::styled("Every screen", theme.heading()));
    lines.extend(general.iter().copied().map(key_line));
    lines.push(Line::default());
    lines.push(Line::styled(
        "↑↓ PgUp PgDn Home End scroll this help; any other key closes it.",
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
