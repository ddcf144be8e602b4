//! Secret reveal: shown once, masked until asked; copy, and an explicit "I have saved it".

use super::common::{heading, label_value, warning};
use super::theme::Theme;
use crate::clipboard::{Cleared, Copied};
use crate::tui::model::{Model, Task, proof_words};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

pub fn render(frame: &mut Frame, area: Rect, model: &Model, theme: Theme) {
    let reveal = &model.reveal;
    let Some(secret) = &reveal.secret else {
        return;
    };
    let [title, value, rest] = Layout::vertical([
        Constraint::Length(2),
        Constraint::Length(3),
        Constraint::Min(0),
    ])
    .areas(area);
    frame.render_widget(
        Paragraph::new(heading(
            &match (model.connect.connected(), model.task) {
                (Some(connected), _) => format!(
                    "{} holds the client secret: copying it is up to you.",
                    connected.kind
                ),
                (None, Task::Register) => {
                    "The app is registered. Here is its client secret.".to_string()
                }
                (None, Task::Check) => format!(
                    "The new client secret of {}.",
                    model.done.registered.display_name
                ),
            },
            true,
            theme,
        )),
        title,
    );
    let shown = if reveal.revealed {
        secret.expose().to_string()
    } else {
        secret.masked()
    };
    let boxed = Paragraph::new(Line::styled(format!(" {shown}"), theme.emphasis())).block(
        Block::default()
            .borders(Borders::ALL)
            .border_style(theme.focused_border())
            .title(if reveal.revealed {
                " Value (visible) "
            } else {
                " Value (hidden: r reveals) "
            }),
    );
    frame.render_widget(boxed, value);

    const WIDTH: usize = 12;
    let mut lines = vec![
        label_value("Expires", reveal.end_date_time.clone(), WIDTH, theme),
        label_value(
            "Hint",
            format!("{}… (how the portal lists it)", reveal.hint),
            WIDTH,
            theme,
        ),
    ];
    if let Some(proof) = &reveal.proof {
        let style = if matches!(proof, Ok(p) if p.is_verified()) {
            theme.ok()
        } else {
            theme.warn()
        };
        lines.push(Line::from(vec![
            Span::styled(format!("{:WIDTH$}  ", "Sign-in"), theme.heading()),
            Span::styled(proof_words(proof), style),
        ]));
    }
    lines.push(Line::default());
    lines.push(if model.platform_holds_secret() {
        Line::styled(
            "Microsoft shows this value only now; the platform has it, so nothing is lost if you go on without it.",
            theme.dim(),
        )
    } else {
        warning(
            "Microsoft shows this value only now. Store it in your secret manager before you go on.",
            theme,
        )
    });
    match &reveal.copied {
        Some(Copied::Failed(why)) => lines.push(Line::styled(
            format!("✗ Could not copy ({why}): reveal it and copy it by hand."),
            theme.error(),
        )),
        Some(outcome) => {
            lines.push(Line::styled(
                format!("✓ The secret was {outcome}."),
                theme.ok(),
            ));
            lines.push(Line::styled(clear_note(model), theme.dim()));
        }
        None => {}
    }
    lines.push(Line::default());
    if reveal.confirming {
        lines.push(Line::from(vec![
            Span::styled(
                "Have you saved the secret? It cannot be shown again. ",
                theme.warn(),
            ),
            Span::styled("Press y to confirm", theme.emphasis()),
            Span::raw(", any other key to stay."),
        ]));
    }
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), rest);
}

fn clear_note(model: &Model) -> String {
    match &model.reveal.cleared {
        Some(Cleared::Cleared) => "The clipboard has been cleared.".into(),
        Some(Cleared::Changed) => {
            "The clipboard holds something else now, so it was left alone.".into()
        }
        Some(Cleared::TerminalOverwritten) => {
            "The terminal's clipboard has been overwritten.".into()
        }
        Some(Cleared::Failed(why)) => {
            format!("Could not clear the clipboard ({why}): copy something else over it.")
        }
        None => format!(
            "It is taken off the clipboard in {} s, or when appreg exits, unless you copied something else.",
            model.clipboard_clear_after.as_secs()
        ),
    }
}
