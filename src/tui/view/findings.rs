//! Findings: what does not fit the platform, each with why, the fix and where the portal shows
//! it; then the exact requests of the fix, waiting for `y`.

use super::common::{failure_lines, field, heading, wrap_words};
use super::theme::Theme;
use super::widgets::scroll_pane::ScrollPane;
use super::widgets::spinner;
use crate::doctor::{Action, Errand, Finding, Severity, Tally};
use crate::tui::model::{FindingsPhase, Model};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

pub fn render(frame: &mut Frame, area: Rect, model: &Model, theme: Theme) {
    let findings = &model.findings;
    let lines = match &findings.phase {
        FindingsPhase::Reading => vec![Line::raw(format!(
            "{} Reading the app, its service principal and its grants…",
            spinner(model.frame)
        ))],
        FindingsPhase::Failed(failure) => failure_lines(
            failure,
            "Press r to read the app again (a fix that was sent half-way is audited afresh).",
            theme,
        ),
        FindingsPhase::Fixing => vec![Line::raw(format!(
            "{} Sending the fix, then reading the app again…",
            spinner(model.frame)
        ))],
        FindingsPhase::ConfirmingFix => fix_requests(model, theme),
        FindingsPhase::Audited => report(model, area.width, theme),
    };
    // Which platform the app is judged against stays in view while the rest scrolls.
    let header = Paragraph::new(judged_against(model, theme)).wrap(Wrap { trim: false });
    let header_height = u16::try_from(header.line_count(area.width)).unwrap_or(1);
    let [header_area, body] =
        Layout::vertical([Constraint::Length(header_height), Constraint::Min(0)]).areas(area);
    frame.render_widget(header, header_area);
    ScrollPane::wrapped(lines).render(frame, body, &findings.scroll, theme);
}

fn judged_against(model: &Model, theme: Theme) -> Line<'static> {
    let platform = format!(
        "{}, {}",
        model.profile().name,
        model.findings.platform_source.describe()
    );
    match model
        .findings
        .application()
        .and_then(|a| a.display_name.clone())
    {
        Some(name) => heading(
            &format!("\"{name}\" is checked against {platform}"),
            true,
            theme,
        ),
        None => heading(&format!("Checked against {platform}"), true, theme),
    }
}

fn report(model: &Model, width: u16, theme: Theme) -> Vec<Line<'static>> {
    let findings = &model.findings.findings;
    let tally = Tally::of(findings);
    let mut lines = vec![Line::styled(tally.to_string(), theme.dim())];
    if let Some(mended) = model.findings.fixed {
        lines.push(Line::styled(
            format!("✓ The fix was applied and the app read again: {mended} finding(s) fewer."),
            theme.ok(),
        ));
    }
    if tally.errors + tally.warnings == 0 {
        lines.push(Line::styled(
            format!(
                "✓ Nothing stops {} from signing users in with this app.",
                model.profile().name
            ),
            theme.ok(),
        ));
    }
    const LABEL: usize = 6;
    for finding in findings {
        let (glyph, style) = match finding.severity {
            Severity::Error => ("✗", theme.error()),
            Severity::Warning => ("⚠", theme.warn()),
            Severity::Info => ("ℹ", theme.dim()),
        };
        lines.push(Line::default());
        // The title wraps under itself, clear of the glyph.
        for (i, part) in wrap_words(&finding.title, usize::from(width).saturating_sub(2).max(1))
            .into_iter()
            .enumerate()
        {
            let lead = if i == 0 {
                format!("{glyph} ")
            } else {
                "  ".into()
            };
            lines.push(Line::from(vec![
                Span::styled(lead, style),
                Span::styled(part, theme.emphasis()),
            ]));
        }
        lines.extend(field("why", &finding.why, LABEL, width, theme));
        lines.extend(field("fix", &advice(finding), LABEL, width, theme));
        lines.extend(field("portal", finding.portal, LABEL, width, theme));
    }
    let fixable = model.findings.fixable;
    lines.push(Line::default());
    if fixable > 0 {
        lines.push(Line::styled(
            format!("Press f to see the {fixable} request(s) that mend what appreg can mend."),
            theme.emphasis(),
        ));
    }
    if model.extras_to_remove() {
        lines.push(Line::styled(
            "Press x to see them with the removals of the extras too.",
            theme.emphasis(),
        ));
    }
    lines
}

/// The fix in the wizard's words: the key that does it, never a command-line flag.
pub fn advice(finding: &Finding) -> String {
    let how = match finding.action() {
        None => return finding.fix.clone(),
        Some(Action::Fix) => "f mends it",
        Some(Action::FixRemovingExtras) => "x removes it, after showing the requests",
        Some(Action::Errand(Errand::NewSecret {
            remove_expired: false,
            ..
        })) => "r makes a new secret",
        Some(Action::Errand(Errand::NewSecret {
            remove_expired: true,
            ..
        })) => "r makes a new secret and can remove the expired ones",
        Some(Action::Errand(Errand::AdminConsent)) => {
            "a adds admin consent to the fix, which needs an administrator"
        }
    };
    format!("{} — {how}", finding.fix)
}

fn fix_requests(model: &Model, theme: Theme) -> Vec<Line<'static>> {
    let options = model.findings.fix_options;
    let steps = model.fix_steps(options);
    let scope = if options.remove_extra {
        "It adds, corrects and removes the extras named above; secrets are never touched (r makes a new one)."
    } else {
        "It only adds and corrects: extra redirect URIs and permissions stay (x shows the fix that removes them), secrets are never touched."
    };
    let mut lines = vec![
        heading(
            &format!(
                "The fix: {} request(s), sent after you press y",
                steps.len()
            ),
            true,
            theme,
        ),
        Line::styled(scope, theme.dim()),
        Line::default(),
    ];
    for step in &steps {
        lines.extend(
            step.request()
                .to_string()
                .lines()
                .map(|l| Line::raw(l.to_string())),
        );
        lines.push(Line::default());
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::advice;
    use crate::doctor::every_kind_of_finding;

    #[test]
    fn every_finding_names_the_wizards_keys_and_no_command_line() {
        for finding in every_kind_of_finding() {
            let shown = [
                finding.title.as_str(),
                &finding.why,
                &advice(&finding),
                finding.portal,
            ]
            .join("\n");
            assert!(
                !shown.contains("--") && !shown.contains("appreg "),
                "{}: {shown}",
                finding.code
            );
        }
    }
}
