//! Review: the plan in the portal's words, or the exact Graph requests, or the manifest JSON.

use super::common::{field, heading, warning};
use super::theme::Theme;
use super::widgets::scroll_pane::ScrollPane;
use crate::plan::Plan;
use crate::plan::manifest_required_resource_access;
use crate::tui::model::{Model, ReviewView};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;

/// Stands for the app's unique name, which the runner picks and keeps across retries.
const UNIQUE_NAME_PLACEHOLDER: &str = "{uniqueName}";

pub fn render(frame: &mut Frame, area: Rect, model: &Model, theme: Theme) {
    let lines = match model.plan() {
        Err(error) => vec![Line::styled(format!("✗ {error}"), theme.error())],
        Ok((plan, warnings)) => match model.review.view {
            ReviewView::Summary => summary(model, &plan, &warnings, area.width, theme),
            ReviewView::Requests => {
                let mut lines = vec![
                    heading("The Graph requests Enter sends, in order", true, theme),
                    Line::default(),
                ];
                let requests = plan.requests(
                    UNIQUE_NAME_PLACEHOLDER,
                    &plan.spec.secret.description,
                    model.now,
                );
                for request in requests {
                    lines.extend(
                        request
                            .to_string()
                            .lines()
                            .map(|l| Line::raw(l.to_string())),
                    );
                    lines.push(Line::default());
                }
                lines
            }
            ReviewView::Manifest => {
                let mut lines = vec![
                    heading("Manifest: requiredResourceAccess", true, theme),
                    Line::default(),
                ];
                let json = serde_json::to_string_pretty(&manifest_required_resource_access(&plan))
                    .unwrap_or_default();
                lines.extend(json.lines().map(|l| Line::raw(l.to_string())));
                lines
            }
        },
    };
    ScrollPane::wrapped(lines).render(frame, area, &model.review.scroll, theme);
}

fn summary(
    model: &Model,
    plan: &Plan,
    warnings: &[String],
    width: u16,
    theme: Theme,
) -> Vec<Line<'static>> {
    const LABEL_WIDTH: usize = 24;
    let kv = |label: &str, value: String| field(label, &value, LABEL_WIDTH, width, theme);
    let tenant = model.tenant.chosen.as_ref().map_or_else(
        || "your home tenant".to_string(),
        |t| format!("{} ({})", t.name, t.default_domain),
    );
    let mut lines = vec![heading(
        &format!(
            "Register \"{}\" for {}",
            plan.display_name,
            model.profile().name
        ),
        true,
        theme,
    )];
    lines.extend(verdict(model, plan, theme));
    lines.push(Line::default());
    lines.extend(kv("Tenant", tenant));
    lines.extend(kv(
        "Supported account types",
        plan.spec.audience.portal_label().to_string(),
    ));
    let uris = if plan.spec.redirect_uris.is_empty() {
        "none".to_string()
    } else {
        plan.spec.redirect_uris.join(" ")
    };
    lines.extend(kv("Redirect URIs (Web)", uris));
    let on_off = |on: bool| if on { "on" } else { "off" };
    lines.extend(kv(
        "Implicit grant",
        format!(
            "access tokens {}, ID tokens {}",
            on_off(plan.spec.implicit_grant.access_tokens),
            on_off(plan.spec.implicit_grant.id_tokens)
        ),
    ));
    for (app_id, name) in plan.spec.resources() {
        let names: Vec<String> = plan
            .spec
            .permissions_of(app_id)
            .map(|p| p.name.clone())
            .collect();
        lines.extend(kv(
            "API permissions",
            format!("{name}: {}", names.join(" ")),
        ));
    }
    lines.extend(kv(
        "Admin consent",
        if plan.spec.admin_consent {
            "granted now for the tenant"
        } else {
            "not granted now"
        }
        .into(),
    ));
    lines.extend(kv(
        "Client secret",
        format!(
            "\"{}\", expires {}",
            plan.spec.secret.description,
            model.secret_expiry_estimate()
        ),
    ));
    for (label, value) in plan.spec.settings.summary() {
        lines.extend(kv(label, value));
    }
    lines.push(Line::default());
    lines.extend(warnings.iter().map(|w| warning(w, theme)));
    lines
}

/// Whether Enter will run, said first so it is on screen without scrolling.
fn verdict(model: &Model, plan: &Plan, theme: Theme) -> Vec<Line<'static>> {
    let errors = plan.validate(model.now);
    if errors.is_empty() {
        return vec![Line::styled(
            "Press Enter to create the app; ↑↓ scroll.",
            theme.ok(),
        )];
    }
    let mut lines = vec![Line::styled(
        "Graph would refuse this; go back (Esc) and fix:",
        theme.error(),
    )];
    lines.extend(
        errors
            .iter()
            .map(|e| Line::styled(format!("  ✗ {e}"), theme.error())),
    );
    lines
}
