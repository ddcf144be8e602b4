//! App: the tenant's app registrations, appreg-made ones first, filterable by name or client id.

use super::common::{heading, loaded, profile_rows, row, window};
use super::theme::Theme;
use super::widgets::text_field::TextField;
use crate::tui::model::{Model, tagged_profile};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

/// Room for the longest appreg tag, `appreg · nylas-streams`.
const TAG_WIDTH: usize = 22;

pub fn render(frame: &mut Frame, area: Rect, model: &Model, theme: Theme) {
    let apps = &model.apps;
    let Some(all) = loaded(
        frame,
        area,
        &apps.list.load,
        (
            "Listing the tenant's app registrations…",
            "Could not list the app registrations",
        ),
        model.frame,
        theme,
    ) else {
        return;
    };
    let visible = apps.list.visible();
    let filter_field = TextField {
        label: "Filter",
        input: &apps.list.filter,
        placeholder: "type part of a name or client id",
        focused: true,
        check: if all.is_empty() {
            Err("this tenant has no app registrations yet: Esc, then Tab on the first step registers one".into())
        } else if visible.is_empty() {
            Err(format!(
                "no app matches \"{}\": Backspace or Ctrl-U clears the filter",
                apps.list.filter.value().trim()
            ))
        } else {
            Ok(Some(format!("{} of {} apps", visible.len(), all.len())))
        },
    };
    let [title, filter, list] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(filter_field.height(area.width)),
        Constraint::Min(1),
    ])
    .areas(area);
    frame.render_widget(
        Paragraph::new(heading("Which app should be checked?", true, theme)),
        title,
    );
    filter_field.render(frame, filter, theme);
    if let Some(cursor) = apps.platform_for {
        platform_choice(frame, list, model, cursor, theme);
        return;
    }

    let name_width = visible
        .iter()
        .map(|a| {
            a.display_name
                .as_deref()
                .unwrap_or_default()
                .chars()
                .count()
        })
        .max()
        .unwrap_or(0)
        .min(30);
    let range = window(visible.len(), apps.list.cursor, usize::from(list.height));
    let lines: Vec<Line> = visible[range.clone()]
        .iter()
        .zip(range)
        .map(|(app, i)| {
            let name = app.display_name.as_deref().unwrap_or_default();
            let made_by = tagged_profile(app)
                .map(|p| format!("appreg · {p}"))
                .unwrap_or_default();
            let spans = vec![
                Span::styled(
                    format!("{name:name_width$.name_width$}  "),
                    theme.emphasis(),
                ),
                Span::styled(format!("{made_by:TAG_WIDTH$}  "), theme.ok()),
                Span::styled(app.app_id.clone(), theme.dim()),
            ];
            row(spans, i == apps.list.cursor, true, theme)
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), list);
}

/// An app without appreg's tag: which platform it is for, so it is judged against that one.
fn platform_choice(frame: &mut Frame, area: Rect, model: &Model, cursor: usize, theme: Theme) {
    let name = model
        .apps
        .list
        .selected()
        .and_then(|a| a.display_name.clone())
        .unwrap_or_default();
    let mut lines = vec![
        Line::default(),
        heading(
            &format!("\"{name}\" has no appreg tag: which platform is it for?"),
            true,
            theme,
        ),
    ];
    lines.extend(profile_rows(&model.profiles, cursor, area.width, theme));
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), area);
}
