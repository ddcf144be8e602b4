//! Done: what was registered and the platform's next step; `w` writes it to a file.

use super::common::{field, heading};
use super::theme::Theme;
use super::widgets::scroll_pane::ScrollPane;
use crate::tui::model::{Model, Task};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;

pub fn render(frame: &mut Frame, area: Rect, model: &Model, theme: Theme) {
    let summary = model.summary();
    let width = summary
        .iter()
        .map(|(label, _)| label.len())
        .max()
        .unwrap_or(0);
    let mut lines = vec![
        heading(
            &format!(
                "✓ {} is {}",
                model.done.registered.display_name,
                match model.task {
                    Task::Register => "ready",
                    Task::Check => "checked",
                }
            ),
            true,
            theme,
        ),
        Line::default(),
    ];
    for (label, value) in summary {
        lines.extend(field(label, &value, width, area.width, theme));
    }
    lines.push(Line::default());
    lines.push(Line::styled(
        format!("Next, in {}:", model.profile().name),
        theme.heading(),
    ));
    lines.extend(
        model
            .next_step()
            .lines()
            .map(|l| Line::styled(l.to_string(), theme.emphasis())),
    );
    match &model.done.written {
        Some(Ok(path)) => lines.push(Line::styled(
            format!(
                "✓ Summary written to {} (without the secret)",
                path.display()
            ),
            theme.ok(),
        )),
        Some(Err(why)) => lines.push(Line::styled(
            format!("✗ Could not write the summary: {why}"),
            theme.error(),
        )),
        None => {}
    }
    if let Some(outcome) = &model.done.copied {
        lines.push(Line::styled(
            format!("The client id was {outcome}."),
            theme.dim(),
        ));
    }
    ScrollPane::wrapped(lines).render(frame, area, &model.done.scroll, theme);
}
