//! Create: one row per operation as progress events arrive; a failure in plain words.

use super::common::{failure_lines, heading};
use super::theme::Theme;
use super::widgets::spinner;
use crate::tui::model::{CreatePhase, Model, OpState};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

pub fn render(frame: &mut Frame, area: Rect, model: &Model, theme: Theme) {
    let create = &model.create;
    let title = match create.attempt {
        0 | 1 => "Creating the app".to_string(),
        n => format!("Creating the app (attempt {n}: continuing where the last one stopped)"),
    };
    let mut lines = vec![heading(&title, true, theme), Line::default()];
    if create.rows.is_empty() && create.phase == CreatePhase::Running {
        lines.push(Line::raw(format!(" {} Starting…", spinner(model.frame))));
    }
    // The operations line up in one column, as wide as the longest name.
    let op_width = create
        .rows
        .iter()
        .map(|r| r.op.to_string().chars().count())
        .max()
        .unwrap_or(0);
    for row in &create.rows {
        let (glyph, style, detail) = match &row.state {
            OpState::Running => (
                spinner(model.frame).to_string(),
                theme.emphasis(),
                String::new(),
            ),
            OpState::Retrying(why) => ("↻".into(), theme.warn(), why.clone()),
            OpState::Done(what) => ("✓".into(), theme.ok(), what.clone()),
            OpState::Skipped(why) => ("–".into(), theme.dim(), format!("skipped: {why}")),
            OpState::Failed(_) => ("✗".into(), theme.error(), "failed".into()),
        };
        lines.push(Line::from(vec![
            Span::styled(format!(" {glyph} "), style),
            Span::raw(format!("{:op_width$}  ", row.op.to_string())),
            Span::styled(detail, theme.dim()),
        ]));
    }
    match &create.phase {
        CreatePhase::Failed(failure) => {
            lines.push(Line::default());
            lines.extend(failure_lines(
                failure,
                "Press r to retry: appreg continues where it stopped and never creates a second app.",
                theme,
            ));
        }
        CreatePhase::SecretRefused(why) => {
            lines.push(Line::default());
            lines.push(Line::styled(format!("✗ {why}"), theme.error()));
            lines.push(Line::styled(
                "The app and its secret exist: press Enter to take the secret all the same.",
                theme.emphasis(),
            ));
        }
        CreatePhase::Running | CreatePhase::Finished => {}
    }
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), area);
}
