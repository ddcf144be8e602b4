//! API permissions: the list grouped by resource, the catalog search, the manifest import box.

use super::common::{checkbox, heading, row, text_box, warning, window};
use super::theme::Theme;
use super::widgets::text_field::TextField;
use crate::catalog::PermissionKind;
use crate::tui::model::{ADMIN_BADGE, Model, PermissionMode, PermissionRow};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

pub fn render(frame: &mut Frame, area: Rect, model: &Model, theme: Theme) {
    match model.permissions.mode {
        PermissionMode::Browse => browse(frame, area, model, theme),
        PermissionMode::Search => search(frame, area, model, theme),
        PermissionMode::Import => import(frame, area, model, theme),
    }
}

fn badge(admin: bool, theme: Theme) -> Span<'static> {
    if admin {
        Span::styled(format!("  [{ADMIN_BADGE}]"), theme.warn())
    } else {
        Span::raw("")
    }
}

/// The most rows the notes under the list take; the list keeps the rest.
const NOTES_ROWS: usize = 6;

fn browse(frame: &mut Frame, area: Rect, model: &Model, theme: Theme) {
    let notes = Paragraph::new(notes(model, theme)).wrap(Wrap { trim: false });
    let notes_rows = notes.line_count(area.width).min(NOTES_ROWS);
    let [title, list, notes_area] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(3),
        Constraint::Length(u16::try_from(notes_rows).unwrap_or(0)),
    ])
    .areas(area);
    frame.render_widget(
        Paragraph::new(heading(
            "API permissions (delegated unless marked)",
            true,
            theme,
        )),
        title,
    );

    let rows = model.permission_rows();
    // The cursor counts selectable rows; find its line among all rows, headers included.
    let mut selectable = 0;
    let mut cursor_line = 0;
    let lines: Vec<Line> = rows
        .iter()
        .enumerate()
        .map(|(line, r)| {
            let here = r.selectable() && selectable == model.permissions.cursor;
            if here {
                cursor_line = line;
            }
            if r.selectable() {
                selectable += 1;
            }
            row_line(r, here, theme)
        })
        .collect();
    let range = window(lines.len(), cursor_line, usize::from(list.height));
    frame.render_widget(Paragraph::new(lines[range].to_vec()), list);
    frame.render_widget(notes, notes_area);
}

fn row_line(r: &PermissionRow, here: bool, theme: Theme) -> Line<'static> {
    match r {
        PermissionRow::Resource { name, count } => Line::from(vec![
            Span::styled(name.clone(), theme.heading()),
            Span::styled(format!("  {count} selected"), theme.dim()),
        ]),
        PermissionRow::Preset {
            name, admin, on, ..
        } => row(
            vec![
                Span::raw(format!("{} {name}", checkbox(*on))),
                Span::styled("  preset", theme.dim()),
                badge(*admin, theme),
            ],
            here,
            true,
            theme,
        ),
        PermissionRow::Capability {
            label,
            scopes,
            admin,
            on,
            ..
        } => row(
            vec![
                Span::raw(format!("{} {label}", checkbox(*on))),
                Span::styled(format!("  {scopes}"), theme.dim()),
                badge(*admin, theme),
            ],
            here,
            true,
            theme,
        ),
        PermissionRow::Added {
            name, kind, admin, ..
        } => {
            let kind = if *kind == PermissionKind::Application {
                "  application"
            } else {
                "  added"
            };
            row(
                vec![
                    Span::raw(format!("{} {name}", checkbox(true))),
                    Span::styled(kind, theme.dim()),
                    badge(*admin, theme),
                ],
                here,
                true,
                theme,
            )
        }
        PermissionRow::AdminConsent { on } => row(
            vec![Span::styled(
                format!(
                    "{} Grant admin consent for the tenant now (needs an admin role)",
                    checkbox(*on)
                ),
                theme.emphasis(),
            )],
            here,
            true,
            theme,
        ),
    }
}

/// The note of the highlighted row, when it is a capability with one (EWS's dates).
fn highlighted_note(model: &Model) -> Option<String> {
    let highlighted = model
        .permission_rows()
        .into_iter()
        .filter(PermissionRow::selectable)
        .nth(model.permissions.cursor);
    match highlighted {
        Some(PermissionRow::Capability { note, .. }) => note,
        _ => None,
    }
}

/// Under the list, most pressing first since only so many rows fit: the highlighted
/// capability's note, the last import's report, the per-resource limits and consent, then EWS's
/// dates while the plan asks for it (ticked, or brought by an import).
fn notes(model: &Model, theme: Theme) -> Vec<Line<'static>> {
    let highlighted = highlighted_note(model);
    let mut lines: Vec<Line<'static>> = highlighted
        .iter()
        .map(|note| warning(note, theme))
        .collect();
    match &model.permissions.import_report {
        Some(Ok(report)) => lines.extend(
            report
                .iter()
                .map(|r| Line::styled(format!("• {r}"), theme.dim())),
        ),
        Some(Err(problem)) => lines.push(Line::styled(format!("✗ {problem}"), theme.error())),
        None => {}
    }
    match model.plan() {
        Ok((plan, _)) => {
            for error in plan
                .validate(model.now)
                .iter()
                .filter(|e| e.field == "permissions")
            {
                lines.push(warning(&error.message, theme));
            }
            if plan.spec.needs_admin_consent() && !plan.spec.admin_consent {
                lines.push(warning("some permissions need an administrator's consent: tick admin consent if you are one", theme));
            }
            let ews = plan
                .spec
                .permissions
                .iter()
                .any(|p| crate::microsoft_dates::is_ews(&p.permission.id));
            if ews && highlighted.is_none() {
                lines.push(warning(&crate::microsoft_dates::ews_retirement(), theme));
            }
        }
        Err(error) => lines.push(Line::styled(format!("✗ {error}"), theme.error())),
    }
    lines
}

fn search(frame: &mut Frame, area: Rect, model: &Model, theme: Theme) {
    let state = &model.permissions;
    let results = model.search_results();
    let search_field = TextField {
        label: "Search",
        input: &state.query,
        placeholder: "name or words of the description, e.g. mail send",
        focused: true,
        check: match (results.len(), state.query.value().trim()) {
            (_, "") => Ok(None),
            (0, query) => Err(format!(
                "no permission matches \"{query}\": try fewer or shorter words, e.g. mail send"
            )),
            (n, _) => Ok(Some(format!("{n} match(es)"))),
        },
    };
    let [title, field, list] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(search_field.height(area.width)),
        Constraint::Min(0),
    ])
    .areas(area);
    frame.render_widget(
        Paragraph::new(heading("Search every permission", true, theme)),
        title,
    );
    search_field.render(frame, field, theme);
    let range = window(results.len(), state.result_cursor, usize::from(list.height));
    let lines: Vec<Line> = results[range.clone()]
        .iter()
        .zip(range)
        .map(|((resource, permission), i)| {
            let kind = match permission.kind {
                PermissionKind::Delegated => "delegated",
                PermissionKind::Application => "application",
            };
            let spans = vec![
                Span::styled(format!("{:28} ", permission.name), theme.emphasis()),
                Span::styled(
                    format!("{kind:11} {:15.15} ", resource.display_name),
                    theme.dim(),
                ),
                Span::raw(permission.description.clone()),
                badge(permission.admin_consent, theme),
            ];
            row(spans, i == state.result_cursor, true, theme)
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), list);
}

fn import(frame: &mut Frame, area: Rect, model: &Model, theme: Theme) {
    let report: Vec<Line> = match &model.permissions.import_report {
        Some(Err(problem)) => vec![Line::styled(format!("✗ {problem}"), theme.error())],
        _ => vec![Line::styled(
            "Fragments work: a bare property, a cut-off block, a page's copy without braces.",
            theme.dim(),
        )],
    };
    let [title, text, notes] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(3),
        Constraint::Length(2),
    ])
    .areas(area);
    frame.render_widget(
        Paragraph::new(heading(
            "Import a manifest's requiredResourceAccess",
            true,
            theme,
        )),
        title,
    );
    let boxed = text_box(
        &model.permissions.import,
        " Paste the block here ",
        "\"requiredResourceAccess\": [ { \"resourceAppId\": …, \"resourceAccess\": [ … ] } ]",
        true,
        theme,
    );
    frame.render_widget(&boxed, text);
    frame.render_widget(Paragraph::new(report).wrap(Wrap { trim: false }), notes);
}
