//! Connect: where the credentials go, the platform's key (bullets only), and how sending went.

use super::common::heading;
use super::theme::Theme;
use super::widgets::spinner;
use super::widgets::text_field::TextField;
use crate::platform::{Connected, PlatformKind};
use crate::tui::model::{ConnectField, ConnectPhase, ConnectStep, Model, connected_summary};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

pub fn render(frame: &mut Frame, area: Rect, model: &Model, theme: Theme) {
    let connect = &model.connect;
    let kind = connect.kind;
    let editing = connect.phase == ConnectPhase::Editing;
    let focused = |field| editing && connect.focus == Some(field);
    let masked_key = connect.key.masked();
    let key_label = match &connect.key_source {
        Some(source) => format!("{} (from {source})", kind.key_name()),
        None => kind.key_name().to_owned(),
    };
    let mut fields = vec![
        TextField {
            label: "API URL",
            input: &connect.url,
            placeholder: "https://…",
            focused: focused(ConnectField::Url),
            check: url_check(connect),
        },
        TextField {
            label: &key_label,
            input: &masked_key,
            placeholder: "type or paste it",
            focused: focused(ConnectField::Key),
            check: Ok(None),
        },
    ];
    if kind == PlatformKind::Nango {
        fields.push(TextField {
            label: "Integration key",
            input: &connect.integration,
            placeholder: "outlook",
            focused: focused(ConnectField::Integration),
            check: connect.checked_integration().map(|_| None),
        });
    }
    let mut rows = vec![Constraint::Length(3)];
    rows.extend(
        fields
            .iter()
            .map(|f| Constraint::Length(f.height(area.width))),
    );
    rows.push(Constraint::Min(0));
    let areas = Layout::vertical(rows).split(area);

    let intro = vec![
        heading(&format!("Give {kind} the credentials"), true, theme),
        Line::styled(
            format!(
                "The client id and the new secret go straight to its {}: nothing to copy.",
                kind.thing()
            ),
            theme.dim(),
        ),
    ];
    frame.render_widget(Paragraph::new(intro).wrap(Wrap { trim: false }), areas[0]);
    for (field, field_area) in fields.iter().zip(&areas[1..]) {
        field.render(frame, *field_area, theme);
    }
    let outcome = outcome_lines(model, connect, theme);
    if let Some(last) = areas.last() {
        frame.render_widget(Paragraph::new(outcome).wrap(Wrap { trim: false }), *last);
    }
}

/// The URL's live check; an empty field shows why the preset has no single URL, if it said.
fn url_check(connect: &ConnectStep) -> Result<Option<String>, String> {
    let untouched = connect.url.value().trim().is_empty() && connect.url_note.is_none();
    match connect.checked_url() {
        Err(why) if !untouched => Err(why),
        _ => Ok(None),
    }
}

fn outcome_lines(model: &Model, connect: &ConnectStep, theme: Theme) -> Vec<Line<'static>> {
    let kind = connect.kind;
    match (&connect.phase, &connect.problem) {
        (ConnectPhase::Connecting, _) => vec![
            Line::default(),
            Line::styled(
                format!(
                    "{} Sending the credentials to {kind}…",
                    spinner(model.frame)
                ),
                theme.emphasis(),
            ),
        ],
        (ConnectPhase::Connected(connected), _) => connected_lines(connected, theme),
        (ConnectPhase::Editing, Some(problem)) => {
            let next = match (&connect.occupied_by, connect.confirming_replace) {
                (Some(_), true) => Line::from(vec![
                    Span::styled(
                        format!("Replace the {kind} {}? ", kind.thing()),
                        theme.warn(),
                    ),
                    Span::styled("Press y to replace it", theme.emphasis()),
                    Span::raw(", any other key to keep it."),
                ]),
                (Some(_), false) => Line::styled(
                    "o replaces it with this app, or s skips and you copy the secret yourself.",
                    theme.emphasis(),
                ),
                (None, _) => Line::styled(
                    "Tab to fix the key or the URL, Enter to try again, or s to skip and copy the secret yourself.",
                    theme.emphasis(),
                ),
            };
            vec![
                Line::default(),
                Line::styled(format!("✗ {problem}"), theme.error()),
                next,
            ]
        }
        (ConnectPhase::Editing, None) => vec![
            Line::default(),
            Line::raw(format!(
                "Enter sends client id {} and the new secret to {kind}; s skips: you copy the secret to {kind} yourself.",
                model.done.registered.app_id
            )),
        ],
    }
}

/// What the platform now holds, with anything it had before that changed.
fn connected_lines(connected: &Connected, theme: Theme) -> Vec<Line<'static>> {
    let summary = connected_summary(connected);
    let mut lines = vec![Line::default()];
    for (i, line) in summary.lines().enumerate() {
        lines.push(match i {
            0 => Line::styled(format!("✓ {line}"), theme.ok()),
            _ => Line::styled(line.to_owned(), theme.dim()),
        });
    }
    lines.push(Line::raw(
        "The next screen still shows the secret, but you need not copy it.",
    ));
    lines
}
