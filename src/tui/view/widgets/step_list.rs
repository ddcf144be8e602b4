//! The steps down the left side, each with its status glyph, and "step n of N" under them.

use super::spinner;
use crate::tui::model::{Model, StepStatus};
use crate::tui::view::theme::Theme;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

pub fn render(frame: &mut Frame, area: Rect, model: &Model, theme: Theme) {
    let mut lines: Vec<Line> = model
        .steps()
        .iter()
        .map(|step| {
            let status = model.status_of(*step);
            let (glyph, style) = match status {
                StepStatus::Done => ("✓", theme.ok()),
                StepStatus::Current => ("▸", theme.emphasis()),
                StepStatus::Running => (spinner(model.frame), theme.emphasis()),
                StepStatus::Failed => ("✗", theme.error()),
                StepStatus::Pending => ("·", theme.dim()),
            };
            let label_style = match status {
                StepStatus::Current | StepStatus::Running | StepStatus::Failed => theme.emphasis(),
                StepStatus::Pending => theme.dim(),
                StepStatus::Done => theme.plain(),
            };
            let mut spans = vec![
                Span::styled(format!(" {glyph} "), style),
                Span::styled(step.title(), label_style),
            ];
            if step.is_optional() {
                spans.push(Span::styled(" (opt.)", theme.dim()));
            }
            Line::from(spans)
        })
        .collect();
    lines.push(Line::default());
    lines.push(Line::styled(
        format!(" step {} of {}", model.step_number(), model.steps().len()),
        theme.dim(),
    ));
    let block = Block::default()
        .borders(Borders::RIGHT)
        .border_style(theme.dim());
    frame.render_widget(Paragraph::new(lines).block(block), area);
}
