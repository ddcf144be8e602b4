//! Optional settings: the ID token's claims, "Visible to users?", the branding links and logo,
//! the publisher (where Microsoft verifies publishers), and the guides' go-live warnings.

use super::common::{checkbox, heading, radio, warning};
use super::theme::Theme;
use super::widgets::text_field::TextField;
use crate::tui::model::{CLAIMS, LogoFile, Model, SettingsFocus};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

pub fn render(frame: &mut Frame, area: Rect, model: &Model, theme: Theme) {
    let settings = &model.settings;
    let offered = model.publisher_verification;
    let check = |field| settings.problem_at(field, offered).map_or(Ok(None), Err);
    let text_field = |field, label, input, placeholder| TextField {
        label,
        input,
        placeholder,
        focused: settings.focus == field,
        check: check(field),
    };
    let mut fields = vec![
        text_field(
            SettingsFocus::Homepage,
            "Home page URL",
            &settings.homepage,
            "https://…",
        ),
        text_field(
            SettingsFocus::Privacy,
            "Privacy statement URL",
            &settings.privacy,
            "https://…",
        ),
        text_field(
            SettingsFocus::Terms,
            "Terms of service URL",
            &settings.terms,
            "https://…",
        ),
        TextField {
            check: logo_check(model),
            ..text_field(
                SettingsFocus::Logo,
                "Logo file",
                &settings.logo_path,
                "PNG or JPEG, at most 100 KB",
            )
        },
    ];
    if offered {
        fields.push(text_field(
            SettingsFocus::Publisher,
            "Publisher MPN ID",
            &settings.publisher,
            "its digits",
        ));
    }
    let top = choices(model, area.width, theme);
    let mut rows = vec![Constraint::Length(top.len() as u16)];
    rows.extend(
        fields
            .iter()
            .map(|f| Constraint::Length(f.compact_height(area.width))),
    );
    rows.push(Constraint::Min(0));
    let areas = Layout::vertical(rows).split(area);
    frame.render_widget(Paragraph::new(top), areas[0]);
    for (field, field_area) in fields.iter().zip(&areas[1..]) {
        field.render(frame, *field_area, theme);
    }
    if let Some(last) = areas.last() {
        frame.render_widget(
            Paragraph::new(notes(model, theme)).wrap(Wrap { trim: false }),
            *last,
        );
    }
}

/// The intro, the claims (as many to a line as fit) and "Visible to users?".
fn choices(model: &Model, width: u16, theme: Theme) -> Vec<Line<'static>> {
    let settings = &model.settings;
    let on_claims = settings.focus == SettingsFocus::Claims;
    let mut lines = vec![
        Line::styled(
            "All optional: Enter goes on with only what you set.",
            theme.dim(),
        ),
        heading(
            "Token configuration: optional claims in the ID token",
            on_claims,
            theme,
        ),
    ];
    let mut chips: Vec<Span<'static>> = Vec::new();
    let mut used = 0;
    for (i, (name, on)) in CLAIMS.iter().zip(settings.claims).enumerate() {
        let here = on_claims && i == settings.claim_cursor;
        let chip = format!("{}{} {name} ", if here { "▸" } else { " " }, checkbox(on));
        let chip_width = chip.chars().count();
        if used > 0 && used + chip_width > usize::from(width) {
            lines.push(Line::from(std::mem::take(&mut chips)));
            used = 0;
        }
        used += chip_width;
        let style = if here {
            theme.selected()
        } else {
            theme.plain()
        };
        chips.push(Span::styled(chip, style));
    }
    lines.push(Line::from(chips));
    let on_visible = settings.focus == SettingsFocus::Visible;
    lines.push(Line::from(vec![
        Span::styled(if on_visible { "▸ " } else { "  " }, theme.key()),
        Span::styled("Visible to users? ", theme.heading()),
        Span::raw(format!(
            "{} Yes  {} No",
            radio(!settings.hide_app),
            radio(settings.hide_app)
        )),
        Span::styled("  (No: not in My Apps)", theme.dim()),
    ]));
    lines
}

/// The logo's check: what was read, or why it cannot be used.
fn logo_check(model: &Model) -> Result<Option<String>, String> {
    let settings = &model.settings;
    if let Some(why) = settings.logo_problem() {
        return Err(why.to_owned());
    }
    match (&settings.logo, settings.logo()) {
        (_, Some(logo)) => Ok(Some(format!(
            "{}, {} bytes",
            logo.content_type,
            logo.bytes.len()
        ))),
        (LogoFile::Reading { .. }, None) => Ok(Some("reading…".into())),
        _ => Ok(None),
    }
}

/// Why a publisher is verified (or that this cloud has none), then the guides' warnings.
fn notes(model: &Model, theme: Theme) -> Vec<Line<'static>> {
    let mut lines = vec![if model.publisher_verification {
        Line::styled(
            "A verified publisher lets users of other organisations consent to a multi-tenant app themselves.",
            theme.dim(),
        )
    } else {
        Line::styled(
            "Publisher verification exists in Microsoft's global cloud only, not in this one.",
            theme.dim(),
        )
    }];
    if model.profile().id.starts_with("nylas") {
        lines.push(warning(
            "Test on a staging Nylas application before production.",
            theme,
        ));
    }
    lines.push(warning("Verify your domain before going live.", theme));
    lines
}
