//! Client secret: lifetime, description, and the exact expiry date that choice gives.

use super::common::{heading, radio, row};
use super::theme::Theme;
use super::widgets::text_field::TextField;
use crate::tui::model::{LIFETIME_MONTHS, Model, SecretFocus};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

pub fn render(frame: &mut Frame, area: Rect, model: &Model, theme: Theme) {
    let state = &model.secret;
    let options = LIFETIME_MONTHS.len() + 1;
    let date_field = state.custom_date().then(|| TextField {
        label: "Expires on",
        input: &state.date,
        placeholder: "YYYY-MM-DD",
        focused: state.focus == SecretFocus::Date,
        check: model.secret_error().map_or(Ok(None), Err),
    });
    let date_height = date_field.as_ref().map_or(0, |f| f.height(area.width));
    let [lifetime, date, description, expiry] = Layout::vertical([
        Constraint::Length(options as u16 + 1),
        Constraint::Length(date_height),
        Constraint::Length(TextField::HEIGHT + 1),
        Constraint::Min(0),
    ])
    .areas(area);

    let focused = state.focus == SecretFocus::Lifetime;
    let mut lines = vec![heading(
        "How long should the client secret last?",
        focused,
        theme,
    )];
    for i in 0..options {
        let label = match LIFETIME_MONTHS.get(i) {
            Some(months) if *months == model.profile().secret_months => {
                format!("{months} months (recommended)")
            }
            Some(months) => format!("{months} months"),
            None => "Until a date of your choosing (at most 24 months)".into(),
        };
        lines.push(row(
            vec![Span::raw(format!("{} {label}", radio(i == state.lifetime)))],
            i == state.lifetime,
            focused,
            theme,
        ));
    }
    frame.render_widget(Paragraph::new(lines), lifetime);
    if let Some(field) = &date_field {
        field.render(frame, date, theme);
    }
    TextField {
        label: "Description",
        input: &state.description,
        placeholder: "appreg",
        focused: state.focus == SecretFocus::Description,
        check: Ok(None),
    }
    .render(frame, description, theme);

    // A date with a problem has no expiry to show yet; the problem is under the field.
    let end = match model.secret_error() {
        Some(_) => Span::styled("fix the date above", theme.error()),
        None => Span::styled(model.secret_expiry_estimate(), theme.emphasis()),
    };
    let lines = vec![
        Line::from(vec![
            Span::styled("The secret expires: ", theme.heading()),
            end,
        ]),
        Line::styled(
            "Microsoft shows the value once, right after it is made. A tenant policy may allow less than 24 months: appreg then says so.",
            theme.dim(),
        ),
    ];
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), expiry);
}
