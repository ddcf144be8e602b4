//! Sign in: the detected methods; for device code the code, large, its URL and a QR code of it.

use super::common::{heading, row};
use super::theme::Theme;
use super::widgets::{qr, spinner};
use crate::tui::model::{Model, SignInPhase};
use crate::tui::msg::DeviceCode;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

pub fn render(frame: &mut Frame, area: Rect, model: &Model, theme: Theme) {
    let state = &model.sign_in;
    let lines = match &state.phase {
        SignInPhase::Detecting => vec![Line::raw(format!(
            "{} Looking for ways to sign in…",
            spinner(model.frame)
        ))],
        SignInPhase::Choosing => {
            let mut lines = vec![
                heading("How do you want to sign in?", true, theme),
                Line::default(),
            ];
            for (i, option) in state.options.iter().enumerate() {
                lines.push(row(
                    vec![Span::raw(option.label.clone())],
                    i == state.cursor,
                    true,
                    theme,
                ));
            }
            lines.push(Line::default());
            lines.push(Line::styled(
                "appreg signs in as the Azure CLI's public client; it only needs a user who may register apps.",
                theme.dim(),
            ));
            lines
        }
        SignInPhase::Waiting => vec![Line::raw(format!("{} Signing in…", spinner(model.frame)))],
        SignInPhase::DeviceCode { code, copied } => {
            device_code(frame, area, model, code, copied.as_ref(), theme);
            return;
        }
        SignInPhase::Failed(failure) => vec![
            Line::styled("✗ Sign-in failed", theme.error()),
            Line::default(),
            Line::raw(failure.message.clone()),
        ],
        SignInPhase::SignedIn { account } => vec![
            Line::styled(format!("✓ Signed in: {account}"), theme.ok()),
            Line::default(),
            Line::raw("Press Enter to choose the tenant."),
        ],
    };
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), area);
}

fn device_code(
    frame: &mut Frame,
    area: Rect,
    model: &Model,
    code: &DeviceCode,
    copied: Option<&crate::clipboard::Copied>,
    theme: Theme,
) {
    let qr = qr::lines(&code.verification_uri).unwrap_or_default();
    let qr_width = qr.first().map_or(0, |l| l.chars().count()) as u16;
    let fits = qr_width > 0 && qr.len() as u16 <= area.height && area.width >= qr_width + 40;
    let [text_area, qr_area] = Layout::horizontal([
        Constraint::Min(0),
        Constraint::Length(if fits { qr_width + 1 } else { 0 }),
    ])
    .areas(area);
    let remaining = (code.expires_at - model.now).whole_seconds().max(0);
    let spaced: String = code.user_code.chars().flat_map(|c| [c, ' ']).collect();
    let mut lines = vec![
        heading("Sign in with a code", true, theme),
        Line::default(),
        Line::raw("1. Open this page in a browser, on any device:"),
        Line::styled(format!("   {}", code.verification_uri), theme.emphasis()),
        Line::raw("2. Enter the code:"),
    ];
    let [before, code_box, after] = Layout::vertical([
        Constraint::Length(lines.len() as u16),
        Constraint::Length(3),
        Constraint::Min(0),
    ])
    .areas(text_area);
    frame.render_widget(Paragraph::new(std::mem::take(&mut lines)), before);
    let boxed = Paragraph::new(Line::styled(
        format!(" {}", spaced.trim_end()),
        theme.title(),
    ))
    .block(
        Block::default()
            .borders(Borders::ALL)
            .border_style(theme.focused_border()),
    );
    let box_width = (spaced.chars().count() as u16 + 3).min(code_box.width);
    frame.render_widget(
        boxed,
        Rect {
            x: code_box.x + 3,
            width: box_width,
            ..code_box
        },
    );
    lines.push(match copied {
        Some(outcome) => Line::styled(format!("   The code was {outcome}."), theme.dim()),
        None => Line::default(),
    });
    lines.push(Line::raw(format!(
        "{} Waiting for you to sign in · the code expires in {}:{:02}",
        spinner(model.frame),
        remaining / 60,
        remaining % 60
    )));
    if !fits {
        lines.push(Line::styled(
            "(a larger terminal shows a QR code of the page)",
            theme.dim(),
        ));
    }
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), after);
    if fits {
        let qr_lines: Vec<Line> = qr.into_iter().map(Line::raw).collect();
        frame.render_widget(Paragraph::new(qr_lines), qr_area);
    }
}
