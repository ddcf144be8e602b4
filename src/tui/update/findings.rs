//! Findings: the chosen app audited against the platform; `f` shows the requests that mend it
//! (`x` the ones that also remove the extras) and sends them after `y`, then reads and audits
//! again; `r` goes on to a new secret.

use super::{Handled, KeyHint, SCROLL_HINT, hint};
use crate::doctor::secrets::first_expiry;
use crate::doctor::{self, Action, Errand, FixOptions, Inspection, Wants};
use crate::tui::model::{FindingsPhase, Model, Step};
use crate::tui::msg::{AppHealth, Effect, RunFailure};
use crossterm::event::{KeyCode, KeyEvent};

pub fn on_key(model: &mut Model, key: KeyEvent) -> Handled {
    let phase = model.findings.phase.clone();
    match (phase, key.code) {
        (FindingsPhase::Audited, KeyCode::Char('f')) if model.findings.fixable > 0 => {
            preview(model, FixOptions::default());
        }
        (FindingsPhase::Audited, KeyCode::Char('x')) if model.extras_to_remove() => {
            preview(model, FixOptions { remove_extra: true });
        }
        (FindingsPhase::ConfirmingFix, KeyCode::Char('y' | 'Y')) => {
            let (Some(tenant), Some(inspection)) =
                (model.tenant_id(), model.findings.inspection.clone())
            else {
                return Handled::nothing();
            };
            let steps = model.fix_steps(model.findings.fix_options);
            model.findings.phase = FindingsPhase::Fixing;
            return Handled::Yes(vec![Effect::Repair {
                tenant,
                inspection,
                steps,
            }]);
        }
        // Only these leave the requests unsent; the scroll keys read them.
        (FindingsPhase::ConfirmingFix, KeyCode::Char('n' | 'N') | KeyCode::Esc) => {
            model.findings.phase = FindingsPhase::Audited;
            model.findings.scroll.reset();
        }
        (FindingsPhase::Audited, KeyCode::Char('a')) if offers_admin_consent(model) => {
            model.findings.admin_consent = !model.findings.admin_consent;
            if let Some(inspection) = model.findings.inspection.take() {
                audited(model, Ok(inspection));
            }
        }
        (FindingsPhase::Audited, KeyCode::Char('r')) => model.step = Step::Rotate,
        (FindingsPhase::Audited, KeyCode::Enter) => {
            model.done.registered = model.checked_app();
            model.step = Step::Done;
        }
        (FindingsPhase::Failed(_), KeyCode::Char('r')) => {
            let Some(tenant) = model.tenant_id() else {
                return Handled::nothing();
            };
            let app_id = model.findings.app_id.clone();
            model.findings.phase = FindingsPhase::Reading;
            return Handled::Yes(vec![Effect::Inspect { tenant, app_id }]);
        }
        _ if model.findings.scroll.on_key(key) => {}
        _ => return Handled::No,
    }
    Handled::nothing()
}

pub fn keys(model: &Model) -> Vec<KeyHint> {
    match model.findings.phase {
        FindingsPhase::Reading | FindingsPhase::Fixing => vec![],
        FindingsPhase::ConfirmingFix => vec![
            hint("y", "send these requests"),
            hint("n/esc", "not now"),
            SCROLL_HINT,
        ],
        FindingsPhase::Failed(_) => vec![hint("r", "read the app again")],
        FindingsPhase::Audited => {
            let mut keys = vec![SCROLL_HINT];
            if model.findings.fixable > 0 {
                keys.push(hint("f", "fix"));
            }
            if model.extras_to_remove() {
                keys.push(hint("x", "fix and remove extras"));
            }
            if offers_admin_consent(model) {
                keys.push(if model.findings.admin_consent {
                    hint("a", "without admin consent")
                } else {
                    hint("a", "with admin consent")
                });
            }
            keys.push(hint("r", "new client secret"));
            keys.push(hint("enter", "finish"));
            keys
        }
    }
}

/// `a` asks the audit (and so the fix) for admin consent, when a finding says it is needed, and
/// takes the request back.
fn offers_admin_consent(model: &Model) -> bool {
    model.findings.admin_consent
        || model
            .findings
            .findings
            .iter()
            .any(|f| f.action() == Some(Action::Errand(Errand::AdminConsent)))
}

/// The fix's requests on screen, waiting for `y`.
fn preview(model: &mut Model, options: FixOptions) {
    model.findings.fix_options = options;
    model.findings.phase = FindingsPhase::ConfirmingFix;
    model.findings.scroll.reset();
}

pub fn on_inspected(model: &mut Model, result: Result<Box<Inspection>, RunFailure>) -> Vec<Effect> {
    audited(model, result);
    Vec::new()
}

pub fn on_repaired(model: &mut Model, result: Result<Box<Inspection>, RunFailure>) -> Vec<Effect> {
    let before = model.findings.findings.len();
    audited(model, result);
    if model.findings.phase == FindingsPhase::Audited {
        model.findings.fixed = Some(before.saturating_sub(model.findings.findings.len()));
    }
    Vec::new()
}

fn audited(model: &mut Model, result: Result<Box<Inspection>, RunFailure>) {
    if let Ok(inspection) = &result
        && inspection.application.app_id != model.findings.app_id
    {
        return;
    }
    match result {
        Ok(mut inspection) => {
            // The preset's default regions are required, any other region it serves wanted.
            inspection.context.wants = Wants {
                admin_consent: model.findings.admin_consent,
                ..Wants::default()
            };
            match doctor::audit(
                &inspection.application,
                &inspection.context,
                model.profile(),
                &model.catalog,
                model.now,
            ) {
                Ok(findings) => {
                    let app = &inspection.application;
                    let expiry = first_expiry(&app.password_credentials);
                    // The list shows this audit from now on, not the older one.
                    model
                        .apps
                        .learn([AppHealth::new(&app.app_id, &findings, expiry)]);
                    model.findings.findings = findings;
                    model.findings.inspection = Some(inspection);
                    model.findings.fixable = model.fix_steps(FixOptions::default()).len();
                    model.findings.phase = FindingsPhase::Audited;
                    model.findings.scroll.reset();
                }
                Err(error) => {
                    model.findings.phase = FindingsPhase::Failed(RunFailure::plain(format!(
                        "cannot say what the app should be: {error}"
                    )));
                }
            }
        }
        Err(failure) => model.findings.phase = FindingsPhase::Failed(failure),
    }
}
