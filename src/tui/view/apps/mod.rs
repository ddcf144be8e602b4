//! App: the tenant's app registrations, filterable by name or client id, each with its worst
//! finding and first secret expiry as the background audit reports them, in the chosen order.

mod health;

use super::common::{fit, heading, loaded, profile_rows, row, window};
use super::theme::Theme;
use super::widgets::text_field::TextField;
use crate::graph::models::Application;
use crate::tui::model::{AppsStep, FleetAudit, Model, tagged_profile};
use health::Cell;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

/// Room for the longest appreg tag, `appreg · nylas-streams`.
const TAG_WIDTH: usize = 22;
/// The most a name takes before it is cut.
const NAME_WIDTH: usize = 30;
/// Room for a mark and the longest short title, `✗ redirect URI missing`.
const WORST_WIDTH: usize = 22;
/// Room for a date, and for the column's heading.
const EXPIRY_WIDTH: usize = 11;
const GAP: &str = "  ";
/// The pointer, the gaps, the worst finding and the expiry: what a row takes besides the name.
const FIXED_WIDTH: usize = 2 + 2 + WORST_WIDTH + 2 + EXPIRY_WIDTH;

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
            Ok(Some(format!(
                "{} of {} apps{}",
                visible.len(),
                all.len(),
                progress(apps, all)
            )))
        },
    };
    let failure = match &apps.audit {
        FleetAudit::Failed(why) if apps.platform_for.is_none() => Some(why),
        _ => None,
    };
    let [title, filter, note, header, list] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(filter_field.height(area.width)),
        Constraint::Length(u16::from(failure.is_some())),
        Constraint::Length(1),
        Constraint::Min(1),
    ])
    .areas(area);
    let mut heading = heading("Which app should be checked?", true, theme);
    heading.push_span(Span::styled(
        format!("  sorted by {}", apps.sort.label()),
        theme.dim(),
    ));
    frame.render_widget(Paragraph::new(heading), title);
    filter_field.render(frame, filter, theme);
    if let Some(cursor) = apps.platform_for {
        platform_choice(frame, header.union(list), model, cursor, theme);
        return;
    }
    if let Some(why) = failure {
        let text = format!("⚠ the apps could not all be checked: {why}");
        frame.render_widget(
            Paragraph::new(Line::styled(
                fit(&text, usize::from(note.width)),
                theme.warn(),
            )),
            note,
        );
    }

    let name_width = visible
        .iter()
        .map(|a| name_of(a).chars().count())
        .max()
        .unwrap_or(0)
        .min(NAME_WIDTH)
        .min(usize::from(area.width).saturating_sub(FIXED_WIDTH));
    let columns = format!(
        "  {:name_width$}{GAP}{:WORST_WIDTH$}{GAP}{:EXPIRY_WIDTH$}",
        "App", "Worst finding", "Secret ends"
    );
    frame.render_widget(Paragraph::new(Line::styled(columns, theme.dim())), header);
    let range = window(visible.len(), apps.list.cursor, usize::from(list.height));
    let lines: Vec<Line> = visible[range.clone()]
        .iter()
        .zip(range)
        .map(|(app, i)| {
            let found = apps.health_of(&app.app_id);
            let worst = health::worst(found, &apps.audit, model.now, theme);
            let expiry = health::expiry(found, &apps.audit, model.now, theme);
            let made_by = tagged_profile(app)
                .map(|p| format!("appreg · {p}"))
                .unwrap_or_default();
            let spans = vec![
                Span::styled(
                    format!("{:name_width$}{GAP}", fit(name_of(app), name_width)),
                    theme.emphasis(),
                ),
                column(worst, WORST_WIDTH),
                column(expiry, EXPIRY_WIDTH),
                Span::styled(format!("{made_by:TAG_WIDTH$}{GAP}"), theme.ok()),
                Span::styled(app.app_id.clone(), theme.dim()),
            ];
            row(spans, i == apps.list.cursor, true, theme)
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), list);
}

fn name_of(app: &Application) -> &str {
    app.display_name.as_deref().unwrap_or_default()
}

/// A cell cut to its column's width, padded to it, and the gap after it.
fn column(cell: Cell, width: usize) -> Span<'static> {
    Span::styled(
        format!("{:width$}{GAP}", fit(&cell.text, width)),
        cell.style,
    )
}

/// While the background audit runs: how many of the listed apps it has reported.
fn progress(apps: &AppsStep, all: &[Application]) -> String {
    if apps.audit != FleetAudit::Running {
        return String::new();
    }
    let checked = all
        .iter()
        .filter(|a| apps.health_of(&a.app_id).is_some())
        .count();
    format!(" · {checked} checked so far")
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
