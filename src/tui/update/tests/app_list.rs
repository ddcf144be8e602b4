//! The App step's list: the background audit's reports filling in each row, Tab cycling the
//! order with the cursor kept on its app, typing narrowing within the order, and a failed audit
//! leaving the list usable.

use super::{press, type_text};
use crate::doctor::{Code, Severity};
use crate::tui::model::{AppSort, FleetAudit, Model, Step, Task};
use crate::tui::msg::{AppHealth, Effect, Msg};
use crate::tui::snapshots::{audited_apps, fixture_model, render};
use crate::tui::update::{key_hints, update};
use crossterm::event::KeyCode;

const LEGACY: &str = "1e9ac700-de30-4000-8000-00000000a001";
const ZETA: &str = "2e7a0000-0000-4000-8000-000000000005";

fn names(model: &Model) -> Vec<&str> {
    model
        .apps
        .list
        .visible()
        .iter()
        .map(|a| a.display_name.as_deref().unwrap_or_default())
        .collect()
}

fn selected(model: &Model) -> Option<&str> {
    model
        .apps
        .list
        .selected()
        .and_then(|a| a.display_name.as_deref())
}

/// The screen's line that shows `name`.
fn row_of(screen: &str, name: &str) -> String {
    screen
        .lines()
        .find(|line| line.contains(name))
        .unwrap_or_else(|| panic!("no row for {name}\n{screen}"))
        .to_string()
}

fn audited(model: &mut Model, reports: Vec<AppHealth>) {
    let tenant = model.tenant_id().expect("a tenant");
    update(model, Msg::AppsAudited { tenant, reports });
}

fn ended(model: &mut Model, result: Result<usize, String>) {
    let tenant = model.tenant_id().expect("a tenant");
    update(model, Msg::AppsAuditEnded { tenant, result });
}

fn broken(app_id: &str) -> AppHealth {
    AppHealth {
        app_id: app_id.into(),
        worst: Some((Severity::Error, Code::RedirectUriMissing)),
        secret_expiry: None,
    }
}

#[test]
fn choosing_a_tenant_lists_its_apps_and_audits_them_keeping_the_order() {
    let mut model = fixture_model(Step::Tenant);
    model.task = Task::Check;
    model.apps.sort = AppSort::Expiry;
    let effects = press(&mut model, KeyCode::Enter);
    let tenant = model.tenant_id().expect("a tenant");
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::ListApps { tenant: t } if *t == tenant))
    );
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::AuditApps { tenant: t } if *t == tenant))
    );
    assert_eq!(model.apps.audit, FleetAudit::Running);
    assert!(model.apps.health.is_empty());
    assert_eq!(model.apps.sort, AppSort::Expiry, "the order chosen stays");
}

#[test]
fn reports_fill_in_each_row_as_they_arrive() {
    let mut model = fixture_model(Step::Apps);
    let screen = render(&mut model, 80, 24);
    assert!(screen.contains("Worst finding"), "{screen}");
    assert!(row_of(&screen, "Acme Mail").contains("…"), "{screen}");

    let expired = AppHealth {
        secret_expiry: Some(model.now - time::Duration::days(3)),
        ..broken(LEGACY)
    };
    audited(&mut model, vec![expired]);
    let screen = render(&mut model, 80, 24);
    let legacy = row_of(&screen, "Acme Nylas (legacy)");
    assert!(
        legacy.contains("✗ redirect URI missing") && legacy.contains("expired"),
        "{screen}"
    );
    assert!(row_of(&screen, "Acme Mail").contains("…"), "still to come");
    assert!(screen.contains("1 checked so far"), "{screen}");

    // A late batch about a tenant left since is not this tenant's.
    update(
        &mut model,
        Msg::AppsAudited {
            tenant: "0f6c2f7e-3b8a-4c5e-9d1a-7e2b4c6d8f90".into(),
            reports: vec![broken("b2c3d4e5-f6a7-4b8c-9d0e-1f2a3b4c5d6e")],
        },
    );
    assert!(
        model
            .apps
            .health_of("b2c3d4e5-f6a7-4b8c-9d0e-1f2a3b4c5d6e")
            .is_none()
    );

    // Over: an app it never reported shows no promise of more.
    ended(&mut model, Ok(1));
    let screen = render(&mut model, 80, 24);
    let mail = row_of(&screen, "Acme Mail");
    assert!(mail.contains("–") && !mail.contains("…"), "{screen}");
    assert!(!screen.contains("checked so far"), "{screen}");
}

#[test]
fn tab_cycles_the_order_and_keeps_the_cursor_on_its_app() {
    let mut model = audited_apps();
    assert_eq!(
        names(&model),
        [
            "Acme Mail",
            "Acme Nylas (legacy)",
            "Contoso Helpdesk",
            "Fabrikam Mailbox Synchronisation Service",
            "Zeta Reports"
        ],
        "appreg-made first, then by name"
    );
    press(&mut model, KeyCode::Down);
    assert_eq!(selected(&model), Some("Acme Nylas (legacy)"));

    press(&mut model, KeyCode::Tab);
    assert_eq!(model.apps.sort, AppSort::Worst);
    assert_eq!(
        names(&model),
        [
            "Acme Nylas (legacy)",
            "Acme Mail",
            "Fabrikam Mailbox Synchronisation Service",
            "Contoso Helpdesk",
            "Zeta Reports"
        ],
        "errors, warnings, healthy, not yet audited"
    );
    assert_eq!(selected(&model), Some("Acme Nylas (legacy)"));
    assert!(
        key_hints(&model)
            .iter()
            .any(|h| h.keys == "tab" && h.action == "sort: worst finding")
    );
    let screen = render(&mut model, 80, 24);
    assert!(
        screen.contains("Which app should be checked?  sorted by worst finding"),
        "{screen}"
    );

    press(&mut model, KeyCode::Tab);
    assert_eq!(model.apps.sort, AppSort::Expiry);
    assert_eq!(
        names(&model),
        [
            "Acme Nylas (legacy)",
            "Acme Mail",
            "Contoso Helpdesk",
            "Fabrikam Mailbox Synchronisation Service",
            "Zeta Reports"
        ],
        "expired, soonest, later, no secret, not yet audited"
    );

    press(&mut model, KeyCode::Tab);
    assert_eq!(model.apps.sort, AppSort::Name);
    press(&mut model, KeyCode::BackTab);
    assert_eq!(model.apps.sort, AppSort::Expiry, "Shift-Tab goes back");
    assert_eq!(selected(&model), Some("Acme Nylas (legacy)"));
}

#[test]
fn typing_narrows_within_the_order_and_late_reports_reorder_it() {
    let mut model = audited_apps();
    press(&mut model, KeyCode::Tab);
    type_text(&mut model, "s");
    assert_eq!(
        names(&model),
        [
            "Acme Nylas (legacy)",
            "Fabrikam Mailbox Synchronisation Service",
            "Contoso Helpdesk",
            "Zeta Reports"
        ]
    );
    press(&mut model, KeyCode::Down);
    assert_eq!(
        selected(&model),
        Some("Fabrikam Mailbox Synchronisation Service")
    );

    // The last app's report arrives: an error, so it moves up; the cursor stays on its app.
    audited(&mut model, vec![broken(ZETA)]);
    assert_eq!(
        names(&model),
        [
            "Acme Nylas (legacy)",
            "Zeta Reports",
            "Fabrikam Mailbox Synchronisation Service",
            "Contoso Helpdesk"
        ]
    );
    assert_eq!(
        selected(&model),
        Some("Fabrikam Mailbox Synchronisation Service")
    );
    assert_eq!(model.apps.list.filter.value(), "s", "Tab typed nothing");
}

#[test]
fn a_failed_audit_says_so_in_one_line_and_the_list_still_works() {
    let mut model = fixture_model(Step::Apps);
    ended(
        &mut model,
        Err("List the app registrations failed: the signed-in account lacks Application.Read.All in this tenant; ask an administrator for it".into()),
    );
    let screen = render(&mut model, 80, 24);
    let note = row_of(&screen, "⚠ the apps could not all be checked");
    assert!(
        note.contains("List the app") && note.contains('…'),
        "{screen}"
    );
    assert!(
        !screen.contains("ask an administrator"),
        "one line\n{screen}"
    );
    assert!(row_of(&screen, "Acme Mail").contains("–"), "{screen}");

    let effects = press(&mut model, KeyCode::Enter);
    assert!(
        matches!(effects.as_slice(), [Effect::Inspect { .. }]),
        "{effects:?}"
    );
    assert_eq!(model.step, Step::Findings);
}

#[test]
fn checking_an_app_shows_that_audit_in_its_row() {
    let mut model = fixture_model(Step::Findings);
    let inspection = model.findings.inspection.clone().expect("an inspection");
    update(&mut model, Msg::Inspected(Ok(inspection)));
    let worst = model
        .findings
        .findings
        .iter()
        .filter(|f| f.severity < Severity::Info)
        .min_by_key(|f| f.severity)
        .map(|f| (f.severity, f.code));
    let health = model.apps.health_of(LEGACY).expect("the row's audit");
    assert_eq!(health.worst, worst);
    assert!(worst.is_some_and(|(severity, _)| severity == Severity::Error));
    assert_eq!(
        health.secret_expiry.map(|t| t.date().to_string()),
        Some("2026-10-15".into())
    );
}
