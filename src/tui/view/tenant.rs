//! Tenant: the reachable tenants, filterable, with a warning where registering is unlikely.

use super::common::{fit, heading, loaded, row, warning, window};
use super::theme::Theme;
use super::widgets::text_field::TextField;
use crate::tui::model::{Model, Task};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

pub fn render(frame: &mut Frame, area: Rect, model: &Model, theme: Theme) {
    let tenant = &model.tenant;
    let Some(all) = loaded(
        frame,
        area,
        &tenant.list.load,
        (
            "Listing the tenants you can reach…",
            "Could not list your tenants",
        ),
        model.frame,
        theme,
    ) else {
        return;
    };
    let visible = tenant.list.visible();
    let filter_field = TextField {
        label: "Filter",
        input: &tenant.list.filter,
        placeholder: "type part of a name, domain or id",
        focused: true,
        check: if visible.is_empty() {
            Err(format!(
                "no tenant matches \"{}\": Backspace or Ctrl-U clears the filter",
                tenant.list.filter.value().trim()
            ))
        } else {
            Ok(Some(format!("{} of {} tenants", visible.len(), all.len())))
        },
    };
    let [title, filter, list, note] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(filter_field.height(area.width)),
        Constraint::Min(1),
        Constraint::Length(3),
    ])
    .areas(area);
    frame.render_widget(
        Paragraph::new(heading(
            match model.task {
                Task::Register => "Where should the app be registered?",
                Task::Check => "Which tenant holds the app?",
            },
            true,
            theme,
        )),
        title,
    );
    filter_field.render(frame, filter, theme);

    let name_width = visible
        .iter()
        .map(|t| t.name.chars().count())
        .max()
        .unwrap_or(0)
        .min(28);
    let domain_width = visible
        .iter()
        .map(|t| t.default_domain.chars().count())
        .max()
        .unwrap_or(0)
        .min(32);
    let range = window(visible.len(), tenant.list.cursor, usize::from(list.height));
    let lines: Vec<Line> = visible[range.clone()]
        .iter()
        .zip(range)
        .map(|(t, i)| {
            // The id is the least telling column: it goes last and is cut first.
            let rest = match t.relation() {
                relation if relation.is_empty() => t.id.clone(),
                relation => format!("{relation}  {}", t.id),
            };
            let room = usize::from(list.width).saturating_sub(name_width + domain_width + 6);
            let spans = vec![
                Span::styled(
                    format!("{:name_width$.name_width$}  ", t.name),
                    theme.emphasis(),
                ),
                Span::raw(format!(
                    "{:domain_width$.domain_width$}  ",
                    t.default_domain
                )),
                Span::styled(fit(&rest, room), theme.dim()),
            ];
            row(spans, i == tenant.list.cursor, true, theme)
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), list);

    let highlighted = visible.get(tenant.list.cursor);
    let note_lines: Vec<Line> = highlighted
        .and_then(|t| t.registration_warning())
        .map(|w| vec![warning(w, theme)])
        .unwrap_or_default();
    frame.render_widget(Paragraph::new(note_lines).wrap(Wrap { trim: false }), note);
}
