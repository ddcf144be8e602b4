//! New secret: lifetime and what goes with it, the secrets the app holds, and the limit.

use super::common::{failure_lines, heading, radio, wrapped_row};
use super::theme::Theme;
use super::widgets::spinner;
use crate::doctor::secrets::describe;
use crate::run::Removal;
use crate::tui::model::{LIFETIME_MONTHS, Model, RotateFocus, RotatePhase};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

pub fn render(frame: &mut Frame, area: Rect, model: &Model, theme: Theme) {
    let rotate = &model.rotate;
    let lines = match &rotate.phase {
        RotatePhase::Running => vec![Line::raw(format!(
            "{} Adding the new client secret…",
            spinner(model.frame)
        ))],
        RotatePhase::Failed(failure) => failure_lines(
            failure,
            "Press r to retry: a secret whose answer was lost is removed first, never left behind.",
            theme,
        ),
        RotatePhase::Choosing => choices(model, area.width, theme),
    };
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), area);
}

fn choices(model: &Model, width: u16, theme: Theme) -> Vec<Line<'static>> {
    let rotate = &model.rotate;
    let secrets = model
        .findings
        .application()
        .map(|a| a.password_credentials.clone())
        .unwrap_or_default();
    let lifetime_focused = rotate.focus == RotateFocus::Lifetime;
    let mut options = vec![Span::raw("  ")];
    for (i, months) in LIFETIME_MONTHS.iter().enumerate() {
        let style = if i == rotate.lifetime {
            theme.emphasis()
        } else {
            theme.dim()
        };
        options.push(Span::styled(
            format!("{} {months} months  ", radio(i == rotate.lifetime)),
            style,
        ));
    }
    let until = rotate.until_date();
    options.push(Span::styled(
        format!("{} a date", radio(until)),
        if until { theme.emphasis() } else { theme.dim() },
    ));
    let expiry = match rotate.lifetime(model.now) {
        Ok(lifetime) => Line::styled(
            format!(
                "  expires about {} (24 months at most)",
                lifetime.end(model.now).date()
            ),
            theme.dim(),
        ),
        Err(problem) => Line::styled(format!("  ✗ {problem}"), theme.error()),
    };
    let mut lines = vec![
        heading("A new client secret", lifetime_focused, theme),
        Line::from(options),
    ];
    if until {
        let date = rotate.date.value();
        lines.push(Line::from(vec![
            Span::styled("  Until (YYYY-MM-DD): ", theme.heading()),
            Span::styled(
                if date.is_empty() { "____-__-__" } else { date }.to_owned(),
                theme.emphasis(),
            ),
        ]));
    }
    lines.extend([
        expiry,
        Line::default(),
        heading("And the old secrets", !lifetime_focused, theme),
    ]);
    for (i, removal) in model.removals().iter().enumerate() {
        let label = match removal {
            Removal::Nothing => {
                "Keep them all: update the platform first, remove the old one afterwards".into()
            }
            Removal::Expired => "Remove the expired ones".into(),
            Removal::Key(key) => {
                let described: String = secrets
                    .iter()
                    .find(|s| &s.key_id == key)
                    .map(|s| describe(s, model.now))
                    .unwrap_or_else(|| key.clone());
                format!("Replace {described}")
            }
        };
        let here = i == rotate.removal;
        lines.extend(wrapped_row(
            radio(here),
            &label,
            None,
            (here, !lifetime_focused),
            width,
            theme,
        ));
    }
    lines.push(Line::default());
    if let Some(problem) = &rotate.problem {
        lines.push(Line::styled(format!("✗ {problem}"), theme.error()));
    } else {
        lines.push(Line::styled(
            "A replaced secret stops working the moment it is removed: replace only one the platform no longer uses.",
            theme.dim(),
        ));
    }
    lines
}
