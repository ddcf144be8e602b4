//! Done: what was registered and the platform's next step; `w` writes it to a file.

use super::common::{field, heading, wrap_words};
use super::theme::Theme;
use super::widgets::scroll_pane::ScrollPane;
use crate::tui::model::{Model, Task};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;

pub fn render(frame: &mut Frame, area: Rect, model: &Model, theme: Theme) {
    let summary = model.summary();
    let copyable: Vec<&str> = model
        .copy_targets()
        .into_iter()
        .map(|(label, _)| label)
        .collect();
    // Each label carries its copy key ("1 Application (client) ID"), or room for one.
    let labels: Vec<String> = summary
        .iter()
        .map(
            |(label, _)| match copyable.iter().position(|c| c == label) {
                Some(i) => format!("{} {label}", i + 1),
                None => format!("  {label}"),
            },
        )
        .collect();
    let width = labels
        .iter()
        .map(|label| label.chars().count())
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
    for (label, (_, value)) in labels.iter().zip(&summary) {
        lines.extend(field(label, value, width, area.width, theme));
    }
    lines.push(Line::default());
    let heading = match model.connect.connected() {
        Some(_) => format!("In {}:", model.profile().name),
        None => format!("Next, in {}:", model.profile().name),
    };
    lines.push(Line::styled(heading, theme.heading()));
    // Wrapped here, where long words break only after a separator, not at the screen's edge.
    for line in model.next_step().lines() {
        let indent = line.len() - line.trim_start().len();
        // A numbered step's later lines hang under its text, past "1. ".
        let hang = indent + number_width(line.trim_start());
        let room = usize::from(area.width).saturating_sub(hang).max(1);
        lines.extend(
            wrap_words(line, room)
                .into_iter()
                .enumerate()
                .map(|(i, part)| {
                    let pad = if i == 0 { indent } else { hang };
                    Line::styled(format!("{:pad$}{part}", ""), theme.emphasis())
                }),
        );
    }
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
    if let Some((label, outcome)) = &model.done.copied {
        lines.push(Line::styled(format!("{label}: {outcome}."), theme.dim()));
    }
    ScrollPane::wrapped(lines).render(frame, area, &model.done.scroll, theme);
}

/// The width of a step's number and its ". " (`12. ` is 4), or 0 for a line without one.
fn number_width(line: &str) -> usize {
    line.split_once(". ")
        .filter(|(number, _)| !number.is_empty() && number.chars().all(|c| c.is_ascii_digit()))
        .map_or(0, |(number, _)| number.len() + 2)
}
