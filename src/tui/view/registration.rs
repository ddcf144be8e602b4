//! Registration: the name, checked live, and the supported account types in the portal's words.

use super::common::{heading, radio, warning, wrapped_row};
use super::theme::Theme;
use super::widgets::text_field::TextField;
use crate::audience::Audience;
use crate::tui::model::{Model, RegistrationFocus};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

pub fn render(frame: &mut Frame, area: Rect, model: &Model, theme: Theme) {
    let state = &model.registration;
    let profile = model.profile();
    let audience = model.audience();
    let limits = audience.limits();
    let chars = state.name.value().chars().count();
    let name_field = TextField {
        label: "Name",
        input: &state.name,
        placeholder: "the name users see when they consent, e.g. Acme Mail Sync",
        focused: state.focus == RegistrationFocus::Name,
        check: match model.name_error() {
            // An empty field is not scolded until the user tries to move on.
            Some(problem)
                if chars > 0 || state.focus != RegistrationFocus::Name || state.show_problem =>
            {
                Err(problem)
            }
            Some(_) => Ok(None),
            None => Ok(Some(format!(
                "{chars} of {} characters",
                limits.display_name_chars
            ))),
        },
    };
    let [title, name, rest] = Layout::vertical([
        Constraint::Length(2),
        Constraint::Length(name_field.height(area.width)),
        Constraint::Min(0),
    ])
    .areas(area);
    frame.render_widget(
        Paragraph::new(heading("Register an application", true, theme)),
        title,
    );
    name_field.render(frame, name, theme);

    let focused = state.focus == RegistrationFocus::Audience;
    let mut lines = vec![heading("Supported account types", focused, theme)];
    for (i, option) in profile.allowed_audiences.iter().enumerate() {
        let note =
            (*option == profile.audience).then(|| Span::styled("  ← recommended", theme.ok()));
        lines.extend(wrapped_row(
            radio(i == state.audience),
            option.portal_label(),
            note,
            (i == state.audience, focused),
            rest.width,
            theme,
        ));
    }
    lines.push(Line::default());
    if audience == Audience::AzureADMyOrg && profile.audience != Audience::AzureADMyOrg {
        lines.push(warning(
            &format!(
                "{} signs users in through the 'common' endpoint: a single-tenant app fails there with AADSTS50194. Use it only for your own organisation's mailboxes.",
                profile.name
            ),
            theme,
        ));
    }
    let mut limit_text = format!(
        "Limits for this choice: name up to {} characters, up to {} redirect URIs",
        limits.display_name_chars, limits.redirect_uris
    );
    if let (Some(secrets), Some(permissions)) =
        (limits.client_secrets, limits.permissions_per_resource)
    {
        limit_text.push_str(&format!(
            ", {secrets} client secrets, {permissions} permissions per API"
        ));
    }
    lines.push(Line::styled(limit_text, theme.dim()));
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), rest);
}
