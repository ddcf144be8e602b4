//! Platform: the presets, one line each, and what the highlighted one sets up.

use super::common::{heading, profile_rows, radio, warning};
use super::theme::Theme;
use crate::tui::model::{Model, Task};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

pub fn render(frame: &mut Frame, area: Rect, model: &Model, theme: Theme) {
    let mut tasks = vec![Span::raw(" ")];
    for task in [Task::Register, Task::Check] {
        let chosen = task == model.task;
        tasks.push(Span::styled(
            format!(" {} {}  ", radio(chosen), task.label()),
            if chosen {
                theme.emphasis()
            } else {
                theme.dim()
            },
        ));
    }
    let question = match model.task {
        Task::Register => "Which platform is the app for?",
        Task::Check => "Which platform should the app work with?",
    };
    let mut list = vec![
        Line::from(tasks),
        Line::default(),
        heading(question, true, theme),
    ];
    list.extend(profile_rows(
        &model.profiles,
        model.platform.cursor,
        area.width,
        theme,
    ));
    let [list_area, details_area] = Layout::vertical([
        Constraint::Length(list.len() as u16 + 1),
        Constraint::Min(0),
    ])
    .areas(area);
    frame.render_widget(Paragraph::new(list), list_area);
    let highlighted = &model.profiles[model.platform.cursor.min(model.profiles.len() - 1)];
    let mut lines = vec![Line::styled(highlighted.summary.clone(), theme.emphasis())];
    lines.push(Line::from(vec![
        Span::styled("Account types: ", theme.heading()),
        Span::raw(highlighted.audience.portal_label()),
    ]));
    let uris: Vec<&str> = highlighted
        .default_regions()
        .iter()
        .map(|r| r.redirect_uri.as_str())
        .collect();
    if !uris.is_empty() {
        lines.push(Line::from(vec![
            Span::styled("Redirect URI: ", theme.heading()),
            Span::raw(uris.join(", ")),
        ]));
    }
    lines.extend(highlighted.notices().iter().map(|w| warning(w, theme)));
    frame.render_widget(
        Paragraph::new(lines).wrap(Wrap { trim: false }),
        details_area,
    );
}
