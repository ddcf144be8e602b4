//! Redirect URIs: region checkboxes, the self-hosted server, extra URIs with a check per line,
//! and the implicit-grant switches in the portal's words.

use super::common::{checkbox, heading, row, text_box, warning, wrap_words};
use super::theme::Theme;
use super::widgets::text_field::TextField;
use crate::tui::model::{Model, RedirectFocus};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

const EXTRA_HEIGHT: u16 = 5;
const IMPLICIT_HEIGHT: u16 = 4;

pub fn render(frame: &mut Frame, area: Rect, model: &Model, theme: Theme) {
    let state = &model.redirects;
    let profile = model.profile();
    let regions = region_lines(model, theme);
    let url_field = state.self_hosted.then(|| TextField {
        label: profile
            .self_hosted
            .as_ref()
            .map_or("Server URL", |s| s.label.as_str()),
        input: &state.self_hosted_url,
        placeholder: "https://nango.example.com",
        focused: state.focus == RedirectFocus::SelfHostedUrl,
        check: match model.self_hosted_redirect() {
            Some(Ok(uri)) => Ok(Some(format!("redirect URI {uri}"))),
            Some(Err(problem)) => Err(problem),
            None => Ok(None),
        },
    });
    let url_height = url_field.as_ref().map_or(0, |f| f.height(area.width));
    // The checks get the rows the fixed sections leave.
    let fixed = regions.len() as u16 + url_height + EXTRA_HEIGHT + IMPLICIT_HEIGHT;
    let room = usize::from(area.height.saturating_sub(fixed));
    let checks = extra_check_lines(model, area.width, room, theme);
    // Line problems are listed under the box already; the bottom line is for the rest.
    let line_problem = model
        .extra_uri_checks()
        .iter()
        .any(|(_, check)| check.is_err());
    let [
        regions_area,
        url_area,
        extra_area,
        checks_area,
        implicit_area,
        error_area,
    ] = Layout::vertical([
        Constraint::Length(regions.len() as u16),
        Constraint::Length(url_height),
        Constraint::Length(EXTRA_HEIGHT),
        Constraint::Length(checks.len() as u16),
        Constraint::Length(IMPLICIT_HEIGHT),
        Constraint::Min(0),
    ])
    .areas(area);
    frame.render_widget(Paragraph::new(regions), regions_area);
    if let Some(field) = &url_field {
        field.render(frame, url_area, theme);
    }
    let extra = text_box(
        &state.extra,
        " Other redirect URIs (Web), one a line ",
        "e.g. your own callback for custom authentication",
        state.focus == RedirectFocus::Extra,
        theme,
    );
    frame.render_widget(&extra, extra_area);
    frame.render_widget(Paragraph::new(checks), checks_area);

    let focused = state.focus == RedirectFocus::Implicit;
    let implicit = vec![
        heading("Implicit grant and hybrid flows", focused, theme),
        row(
            vec![Span::raw(format!(
                "{} Access tokens (used for implicit flows)",
                checkbox(state.access_tokens)
            ))],
            state.cursor == 0,
            focused,
            theme,
        ),
        row(
            vec![Span::raw(format!(
                "{} ID tokens (used for implicit and hybrid flows)",
                checkbox(state.id_tokens)
            ))],
            state.cursor == 1,
            focused,
            theme,
        ),
    ];
    frame.render_widget(Paragraph::new(implicit), implicit_area);
    if let Some(problem) = model.redirect_error().filter(|_| !line_problem) {
        frame.render_widget(
            Paragraph::new(warning(&problem, theme)).wrap(Wrap { trim: false }),
            error_area,
        );
    }
}

fn region_lines(model: &Model, theme: Theme) -> Vec<Line<'static>> {
    let state = &model.redirects;
    let profile = model.profile();
    let focused = state.focus == RedirectFocus::Regions;
    let mut lines = vec![heading(
        &format!("{} redirect URIs (Web)", profile.name),
        focused,
        theme,
    )];
    if profile.regions.is_empty() && profile.self_hosted.is_none() {
        lines.push(Line::styled(
            "  This platform has no preset URI: add yours below.",
            theme.dim(),
        ));
    }
    // The URI first: on a narrow screen it is the label that gets cut.
    for (i, region) in profile.regions.iter().enumerate() {
        let on = state.regions.get(i).copied().unwrap_or(false);
        let spans = vec![
            Span::raw(format!("{} {}", checkbox(on), region.redirect_uri)),
            Span::styled(format!("  {}", region.label), theme.dim()),
        ];
        lines.push(row(spans, state.cursor == i, focused, theme));
    }
    if let Some(self_hosted) = &profile.self_hosted {
        let spans = vec![Span::raw(format!(
            "{} {}",
            checkbox(state.self_hosted),
            self_hosted.label
        ))];
        lines.push(row(
            spans,
            state.cursor == profile.regions.len(),
            focused,
            theme,
        ));
    }
    lines
}

/// Problems first, since they are what the user must act on, each wrapped under itself; a
/// tally when all lines pass. At most `room` rows: the last says how many more there are.
fn extra_check_lines(model: &Model, width: u16, room: usize, theme: Theme) -> Vec<Line<'static>> {
    let checks = model.extra_uri_checks();
    let problems: Vec<String> = checks
        .iter()
        .filter_map(|(uri, check)| check.as_ref().err().map(|why| format!("{uri}: {why}")))
        .collect();
    if problems.is_empty() {
        return match checks.len() {
            0 => Vec::new(),
            n => vec![Line::styled(
                format!("  ✓ {n} extra URI(s) pass Graph's rules"),
                theme.ok(),
            )],
        };
    }
    let wrap_width = usize::from(width).saturating_sub(CHECK_INDENT).max(1);
    let mut lines = Vec::new();
    for (shown, problem) in problems.iter().enumerate() {
        let rows = wrap_words(problem, wrap_width);
        let left = problems.len() - shown;
        if lines.len() + rows.len() > room.saturating_sub(usize::from(left > 1)) {
            lines.push(Line::styled(
                format!("  ✗ {left} more URI(s) with problems: fix the ones above first"),
                theme.error(),
            ));
            break;
        }
        lines.extend(rows.into_iter().enumerate().map(|(i, row)| {
            let lead = if i == 0 { "  ✗ " } else { "    " };
            Line::styled(format!("{lead}{row}"), theme.error())
        }));
    }
    lines.truncate(room);
    lines
}

/// Where a problem's text starts, past `  ✗ `.
const CHECK_INDENT: usize = 4;
