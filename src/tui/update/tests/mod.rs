//! Each step's keys and checks, driven through `update` as the run loop would.

use super::update;
use crate::auth::AuthMethod;
use crate::clipboard::Copied;
use crate::graph::Method;
use crate::progress::{Event, Operation};
use crate::secret::SecretString;
use crate::tui::model::{CreatePhase, Load, Model, Overlay, RedirectFocus, SignInPhase, Step};
use crate::tui::msg::Effect;
use crate::tui::msg::{
    Created, DeviceCode, IssuedSecret, Msg, RunFailure, SignInOption, TenantChoice, Wheel,
};
use crate::tui::snapshots::{FAKE_SECRET, fixture_model, render};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::time::Duration;

fn press(model: &mut Model, code: KeyCode) -> Vec<Effect> {
    update(model, Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

fn ctrl(model: &mut Model, c: char) -> Vec<Effect> {
    update(
        model,
        Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)),
    )
}

fn type_text(model: &mut Model, text: &str) {
    for c in text.chars() {
        press(model, KeyCode::Char(c));
    }
}

fn tenants() -> Vec<TenantChoice> {
    let tenant = |id: &str, name: &str, category: &str, current: bool| TenantChoice {
        id: id.into(),
        name: name.into(),
        default_domain: format!("{}.onmicrosoft.com", name.to_lowercase()),
        category: category.into(),
        current,
    };
    vec![
        tenant(
            "11111111-1111-1111-1111-111111111111",
            "Fabrikam",
            "ProjectedBy",
            false,
        ),
        tenant(
            "22222222-2222-2222-2222-222222222222",
            "Contoso",
            "Home",
            true,
        ),
    ]
}

/// A fresh wizard moved to `step` the way a user gets there, with the defaults accepted.
fn at(step: Step) -> Model {
    at_for(0, step)
}

/// [`at`], for the platform `platform` rows down the list.
fn at_for(platform: usize, step: Step) -> Model {
    let mut model = fixture_model(Step::Platform);
    for _ in 0..platform {
        press(&mut model, KeyCode::Down);
    }
    let steps = [
        Step::Platform,
        Step::SignIn,
        Step::Tenant,
        Step::Registration,
        Step::RedirectUris,
        Step::Permissions,
        Step::Secret,
        Step::Settings,
    ];
    for current in steps {
        if current == step {
            return model;
        }
        match current {
            Step::Platform => {
                press(&mut model, KeyCode::Enter);
            }
            Step::SignIn => {
                update(
                    &mut model,
                    Msg::SignedIn {
                        account: "device code (ada@contoso.com)".into(),
                    },
                );
                update(&mut model, Msg::Tenants(Ok(tenants())));
            }
            Step::Registration => type_text(&mut model, "Acme Mail"),
            _ => {}
        }
        if current != Step::SignIn {
            press(&mut model, KeyCode::Enter);
        }
    }
    assert_eq!(model.step, step);
    model
}

#[test]
fn platform_enter_applies_the_preset_and_looks_for_sign_in_methods() {
    let mut model = fixture_model(Step::Platform);
    press(&mut model, KeyCode::Down);
    press(&mut model, KeyCode::Down);
    let effects = press(&mut model, KeyCode::Enter);
    assert_eq!(model.step, Step::SignIn);
    assert_eq!(model.profile().id, "nylas-streams");
    assert!(
        model.redirects.access_tokens && model.redirects.id_tokens,
        "Streams turns both implicit grants on"
    );
    assert!(matches!(effects[..], [Effect::DetectSignIn]));
}

#[test]
fn sign_in_device_code_copies_the_code_counts_down_and_can_retry() {
    let mut model = at(Step::SignIn);
    update(
        &mut model,
        Msg::SignInOptions(vec![SignInOption {
            method: AuthMethod::DeviceCode,
            label: "device code".into(),
        }]),
    );
    let effects = press(&mut model, KeyCode::Enter);
    assert!(matches!(
        effects[..],
        [Effect::SignIn {
            method: AuthMethod::DeviceCode
        }]
    ));
    let code = DeviceCode {
        user_code: "F7KQ2MXP".into(),
        verification_uri: "https://microsoft.com/devicelogin".into(),
        expires_at: model.now + time::Duration::minutes(15),
    };
    let effects = update(&mut model, Msg::DeviceCode(code));
    assert!(matches!(&effects[..], [Effect::Copy { text, .. }] if *text == *"F7KQ2MXP"));
    assert_eq!(
        model.tick_interval(),
        Some(Duration::from_secs(1)),
        "the countdown ticks once a second"
    );
    let later = model.now + time::Duration::minutes(16);
    let effects = update(&mut model, Msg::Tick { now: later });
    assert!(matches!(effects[..], [Effect::CancelSignIn]));
    assert!(matches!(&model.sign_in.phase, SignInPhase::Failed(f) if f.retryable));
    press(&mut model, KeyCode::Char('r'));
    assert_eq!(model.sign_in.phase, SignInPhase::Choosing);
}

#[test]
fn signing_in_lists_tenants_and_preselects_the_current_one() {
    let mut model = at(Step::SignIn);
    let effects = update(
        &mut model,
        Msg::SignedIn {
            account: "ada".into(),
        },
    );
    assert_eq!(model.step, Step::Tenant);
    assert!(matches!(effects[..], [Effect::ListTenants]));
    assert_eq!(
        model.tick_interval(),
        Some(Duration::from_millis(120)),
        "a spinner while loading"
    );
    update(&mut model, Msg::Tenants(Ok(tenants())));
    assert_eq!(
        model.tenant.list.visible()[model.tenant.list.cursor].name,
        "Contoso"
    );
    assert_eq!(model.tick_interval(), None, "idle: no ticks");
}

#[test]
fn tenant_filter_takes_letters_even_q_and_enter_chooses() {
    let mut model = at(Step::Tenant);
    type_text(&mut model, "fabq");
    assert!(!model.quit, "q is text in the filter");
    assert_eq!(model.tenant.list.visible().len(), 0);
    press(&mut model, KeyCode::Backspace);
    assert_eq!(model.tenant.list.visible().len(), 1);
    assert!(
        model.tenant.list.visible()[0]
            .registration_warning()
            .is_some(),
        "guests are warned"
    );
    press(&mut model, KeyCode::Enter);
    assert_eq!(model.step, Step::Registration);
    assert_eq!(model.tenant.chosen.as_ref().unwrap().name, "Fabrikam");
}

#[test]
fn tenant_failure_offers_a_retry() {
    let mut model = at(Step::Tenant);
    update(&mut model, Msg::Tenants(Err("ARM refused".into())));
    let effects = press(&mut model, KeyCode::Char('r'));
    assert!(matches!(effects[..], [Effect::ListTenants]));
    assert_eq!(model.tenant.list.load, Load::Loading);
}

#[test]
fn registration_checks_the_name_live_against_the_audience() {
    let mut model = at(Step::Registration);
    press(&mut model, KeyCode::Enter);
    assert_eq!(model.step, Step::Registration, "an empty name stays");
    type_text(&mut model, &"a".repeat(91));
    assert!(
        model.name_error().unwrap().contains("at most 90"),
        "Nylas v3 allows personal accounts"
    );
    press(&mut model, KeyCode::Tab);
    press(&mut model, KeyCode::Down);
    assert!(model.name_error().is_none(), "single tenant allows 120");
    assert!(!model.audience().is_multi_tenant());
    press(&mut model, KeyCode::Enter);
    assert_eq!(model.step, Step::RedirectUris);
}

#[test]
fn redirects_need_a_region_and_valid_extra_lines() {
    let mut model = at(Step::RedirectUris);
    press(&mut model, KeyCode::Char(' '));
    assert!(model.redirect_error().unwrap().contains("tick a region"));
    press(&mut model, KeyCode::Enter);
    assert_eq!(model.step, Step::RedirectUris);
    press(&mut model, KeyCode::Down);
    press(&mut model, KeyCode::Char(' '));
    assert!(model.redirect_error().is_none(), "EU alone is fine");
    press(&mut model, KeyCode::Tab);
    assert_eq!(model.redirects.focus, RedirectFocus::Extra);
    update(
        &mut model,
        Msg::Paste("http://example.com/cb\r\nhttps://app.example.com/cb".into()),
    );
    let checks = model.extra_uri_checks();
    assert!(checks[0].1.is_err() && checks[1].1.is_ok(), "{checks:?}");
    assert!(model.redirect_error().is_some());
    type_text(&mut model, "q?");
    assert!(
        !model.quit && model.overlay.is_none(),
        "letters are text in the box"
    );
    assert_eq!(
        model.plan().unwrap().0.spec.redirect_uris[0],
        "https://api.eu.nylas.com/v3/connect/callback"
    );
}

#[test]
fn pasted_control_characters_never_reach_a_field() {
    let mut model = at(Step::RedirectUris);
    while model.redirects.focus != RedirectFocus::Extra {
        press(&mut model, KeyCode::Tab);
    }
    update(
        &mut model,
        Msg::Paste(
            "https://a.example/cb\u{1b}]0;owned\u{7}\r\n\u{202e}https://b.example/cb".into(),
        ),
    );
    assert_eq!(
        model.redirects.extra_uris(),
        ["https://a.example/cb]0;owned", "https://b.example/cb"]
    );
}

#[test]
fn redirects_refuse_a_duplicate_and_near_misses_of_the_platform_callback() {
    let mut model = at(Step::RedirectUris);
    let us = "https://api.us.nylas.com/v3/connect/callback";
    assert!(model.redirects.regions[0], "US is ticked by default");
    press(&mut model, KeyCode::Tab);
    let typed = [
        us.to_string(),
        format!("{us}/"),
        us.replace("api.us.nylas.com", "API.US.NYLAS.COM"),
        "https://api.eu.nylas.com/v3/connect/callback/".to_string(),
        "https://app.example.com/cb".to_string(),
    ];
    update(&mut model, Msg::Paste(typed.join("\n")));
    let checks = model.extra_uri_checks();
    assert_eq!(checks.len(), typed.len());
    assert_eq!(checks[0].1, Err("listed twice".into()));
    for (uri, check) in &checks[1..3] {
        assert!(
            check.as_ref().is_err_and(|why| why.contains(us)),
            "{uri}: {check:?}"
        );
    }
    let eu = checks[3].1.as_ref().unwrap_err();
    assert!(
        eu.contains("https://api.eu.nylas.com/v3/connect/callback:"),
        "an unticked region counts too: {eu}"
    );
    assert_eq!(checks[4].1, Ok(()));
    press(&mut model, KeyCode::Tab);
    press(&mut model, KeyCode::Enter);
    assert_eq!(model.step, Step::RedirectUris, "refused");
}

#[test]
fn nango_self_hosted_builds_its_redirect_uri() {
    let mut model = fixture_model(Step::Platform);
    for _ in 0..3 {
        press(&mut model, KeyCode::Down);
    }
    press(&mut model, KeyCode::Enter);
    model.step = Step::RedirectUris;
    press(&mut model, KeyCode::Down);
    press(&mut model, KeyCode::Char(' '));
    press(&mut model, KeyCode::Tab);
    assert_eq!(model.redirects.focus, RedirectFocus::SelfHostedUrl);
    update(&mut model, Msg::Paste("https://nango.acme.dev/".into()));
    assert_eq!(
        model.self_hosted_redirect(),
        Some(Ok("https://nango.acme.dev/oauth/callback".into()))
    );
}

#[test]
fn permissions_toggle_search_and_import() {
    let mut model = at(Step::Permissions);
    let before = model.plan().unwrap().0.spec.permissions.len();
    // Rows: five preset scopes, then the capabilities; the sixth selectable row is "Read mail".
    for _ in 0..5 {
        press(&mut model, KeyCode::Down);
    }
    press(&mut model, KeyCode::Char(' '));
    assert_eq!(model.plan().unwrap().0.spec.permissions.len(), before - 1);

    press(&mut model, KeyCode::Char('/'));
    type_text(&mut model, "Mail.ReadBasic");
    assert_eq!(model.search_results()[0].1.name, "Mail.ReadBasic");
    press(&mut model, KeyCode::Enter);
    press(&mut model, KeyCode::Esc);
    assert_eq!(
        model.step,
        Step::Permissions,
        "Esc closes the search, not the step"
    );
    let scopes = model
        .plan()
        .unwrap()
        .0
        .spec
        .delegated_scopes(crate::catalog::MICROSOFT_GRAPH);
    assert!(scopes.contains("Mail.ReadBasic"), "{scopes}");

    let block = r#""requiredResourceAccess": [{"resourceAppId": "00000003-0000-0000-c000-000000000000",
        "resourceAccess": [{"id": "cb8f45a0-5c2e-4ea1-b803-84b870a7d7ec", "type": "Scope"}]}"#;
    update(&mut model, Msg::Paste(block.into()));
    ctrl(&mut model, 's');
    let report = model.permissions.import_report.clone().unwrap().unwrap();
    assert_eq!(report[0], "1 imported", "{report:?}");
    assert!(
        report.iter().any(|r| r.contains("Place.Read.All")),
        "{report:?}"
    );
    assert!(model.plan().unwrap().0.spec.needs_admin_consent());
    press(&mut model, KeyCode::Char('a'));
    assert!(model.plan().unwrap().0.spec.admin_consent);
}

#[test]
fn the_manifest_import_says_what_it_dropped() {
    let mut model = at(Step::Permissions);
    // Azure AD Graph is retired: its permission cannot be imported.
    let block = r#"[{"resourceAppId": "00000002-0000-0000-c000-000000000000",
        "resourceAccess": [{"id": "311a71cc-e848-46a1-bdf8-97ff7156d8e6", "type": "Scope"}]}]"#;
    update(&mut model, Msg::Paste(block.into()));
    ctrl(&mut model, 's');
    let report = model.permissions.import_report.clone().unwrap().unwrap();
    assert_eq!(
        report[0], "0 imported, 1 dropped: Azure AD Graph (retired)",
        "{report:?}"
    );
}

/// The Nylas v2 guide's sample manifest as its page prints it: no braces, no closing brackets.
const NYLAS_V2_PRINTED: &str =
    include_str!("../../../../tests/fixtures/seeds/nylas-v2-manifest-as-printed.txt");

/// The row of Nylas v2 on the platform list.
const NYLAS_V2: usize = 1;

/// What an import left: its report, and the plan's Exchange Online and Microsoft Graph scopes.
fn imported(model: &Model) -> (Vec<String>, String, String) {
    let report = model.permissions.import_report.clone().unwrap().unwrap();
    let (plan, _) = model.plan().unwrap();
    (
        report,
        plan.spec.delegated_scopes(crate::catalog::EXCHANGE_ONLINE),
        plan.spec.delegated_scopes(crate::catalog::MICROSOFT_GRAPH),
    )
}

/// The lines of the box that hold something: a typed CR LF leaves blank ones between.
fn box_lines(model: &Model) -> Vec<String> {
    let lines = model.permissions.import.lines();
    lines
        .iter()
        .filter(|l| !l.trim().is_empty())
        .cloned()
        .collect()
}

#[test]
fn the_printed_nylas_v2_sample_imports_however_it_is_pasted() {
    use crate::tui::burst;
    use crate::tui::model::PermissionMode;
    let printed: Vec<String> = NYLAS_V2_PRINTED.lines().map(String::from).collect();

    // A bracketed paste onto the list opens the import box with the text in it.
    let mut model = at_for(NYLAS_V2, Step::Permissions);
    update(&mut model, Msg::Paste(NYLAS_V2_PRINTED.into()));
    assert_eq!(model.permissions.mode, PermissionMode::Import);
    assert_eq!(box_lines(&model), printed);
    ctrl(&mut model, 's');
    assert_eq!(model.permissions.mode, PermissionMode::Browse);
    let expected = imported(&model);
    let (report, exchange, graph) = &expected;
    assert_eq!(report[0], "7 imported, 1 dropped: Azure AD Graph (retired)");
    for warning in [
        "Place.Read.All needs an administrator's consent",
        "dropped 1 permission(s) of Azure AD Graph",
        "rebuilt from their keys",
    ] {
        assert!(
            report.iter().any(|r| r.contains(warning)),
            "{warning}: {report:?}"
        );
    }
    assert_eq!(exchange, "EAS.AccessAsUser.All EWS.AccessAsUser.All");
    assert!(graph.ends_with("Place.Read.All"), "{graph}");

    // Typed into the open box by a terminal without bracketed paste, one key at a time as the
    // update sees them: line ends as Ctrl+J (LF), Enter (CR) or both. None submits, none is lost.
    for line_end in ["\n", "\r", "\r\n"] {
        let mut model = at_for(NYLAS_V2, Step::Permissions);
        press(&mut model, KeyCode::Char('i'));
        for key in burst::typed(&NYLAS_V2_PRINTED.replace('\n', line_end)) {
            update(&mut model, Msg::Key(key));
        }
        assert_eq!(
            model.permissions.mode,
            PermissionMode::Import,
            "{line_end:?}"
        );
        assert_eq!(box_lines(&model), printed, "{line_end:?}");
        ctrl(&mut model, 's');
        assert_eq!(imported(&model), expected, "{line_end:?}");
    }

    // Typed onto the list: the loop hands the keys over together, and they are one paste, so
    // no letter of it acts as a key (the `q` of requiredResourceAccess would quit).
    let mut model = at_for(NYLAS_V2, Step::Permissions);
    let keys = burst::typed(&NYLAS_V2_PRINTED.replace('\n', "\r"));
    for msg in burst::coalesce(keys.into_iter().map(Msg::Key).collect()) {
        update(&mut model, msg);
    }
    assert!(!model.quit && model.overlay.is_none());
    assert_eq!(model.permissions.mode, PermissionMode::Import);
    ctrl(&mut model, 's');
    assert_eq!(imported(&model), expected);
}

#[test]
fn a_printed_block_that_does_not_fit_keeps_the_box_open_and_names_its_line() {
    let mut model = at_for(NYLAS_V2, Step::Permissions);
    let broken = NYLAS_V2_PRINTED.replacen("                \"type\": \"Scope\"\n", "", 1);
    update(&mut model, Msg::Paste(broken));
    ctrl(&mut model, 's');
    assert_eq!(
        model.permissions.mode,
        crate::tui::model::PermissionMode::Import
    );
    let problem = model
        .permissions
        .import_report
        .clone()
        .unwrap()
        .unwrap_err();
    assert!(
        problem.ends_with(r#"this id has no "type" after it on line 4: "id": "7427e0e9-2fba-42fe-b0c0-848c9e6a8182","#),
        "{problem}"
    );
}

#[test]
fn secret_dates_are_checked_before_review() {
    let mut model = at(Step::Secret);
    assert_eq!(
        model.secret_lifetime(),
        crate::plan::SecretLifetime::Months(24)
    );
    press(&mut model, KeyCode::Down);
    press(&mut model, KeyCode::Tab);
    type_text(&mut model, "2030-01-01");
    assert!(model.secret_error().unwrap().contains("at most 24 months"));
    press(&mut model, KeyCode::Enter);
    assert_eq!(model.step, Step::Secret);
    for _ in 0..10 {
        press(&mut model, KeyCode::Backspace);
    }
    type_text(&mut model, "2027-01-15");
    assert!(model.secret_error().is_none());
    press(&mut model, KeyCode::Enter);
    assert_eq!(model.step, Step::Settings);
}

#[test]
fn esc_goes_back_keeping_choices_until_create() {
    let mut model = at(Step::Review);
    for expected in [
        Step::Settings,
        Step::Secret,
        Step::Permissions,
        Step::RedirectUris,
        Step::Registration,
    ] {
        press(&mut model, KeyCode::Esc);
        assert_eq!(model.step, expected);
    }
    assert_eq!(model.registration.name.value(), "Acme Mail");
    press(&mut model, KeyCode::Tab);
    press(&mut model, KeyCode::Esc);
    assert_eq!(model.step, Step::Tenant);
}

#[test]
fn review_toggles_views_and_enter_runs_the_plan() {
    let mut model = at(Step::Review);
    press(&mut model, KeyCode::Char('r'));
    assert_eq!(model.review.view, crate::tui::model::ReviewView::Requests);
    press(&mut model, KeyCode::Char('r'));
    assert_eq!(model.review.view, crate::tui::model::ReviewView::Summary);
    let effects = press(&mut model, KeyCode::Enter);
    assert!(matches!(&effects[..], [Effect::Run(plan)] if plan.display_name == "Acme Mail"));
    assert_eq!(model.step, Step::Create);
    press(&mut model, KeyCode::Esc);
    assert_eq!(model.step, Step::Create, "no going back once creating");
}

fn created() -> Box<Created> {
    Box::new(Created {
        tenant_id: "22222222-2222-2222-2222-222222222222".into(),
        object_id: "33333333-3333-3333-3333-333333333333".into(),
        app_id: "44444444-4444-4444-4444-444444444444".into(),
        display_name: "Acme Mail".into(),
        consent: "not requested".into(),
        secret: IssuedSecret {
            value: SecretString::new(FAKE_SECRET.into()),
            hint: "Fak".into(),
            end_date_time: "2028-11-22T10:30:00Z".into(),
        },
        proof: Ok(crate::run::Proof::Verified {
            attempts: 1,
            waited: Duration::ZERO,
        }),
        settings: Vec::new(),
        adopted: None,
    })
}

/// A new secret on the fixture's checked app, with what signing in with it showed.
fn rotated(proof: Result<crate::run::Proof, crate::run::ProveError>) -> Msg {
    Msg::Rotated(Ok(rotation(proof)))
}

fn rotation(proof: Result<crate::run::Proof, crate::run::ProveError>) -> Box<Created> {
    Box::new(Created {
        tenant_id: "72f988bf-86f1-41af-91ab-2d7cd011db47".into(),
        object_id: "0b1ec700-de30-4000-8000-00000000a001".into(),
        app_id: "1e9ac700-de30-4000-8000-00000000a001".into(),
        display_name: "Acme Nylas (legacy)".into(),
        consent: String::new(),
        secret: IssuedSecret {
            value: SecretString::new(FAKE_SECRET.into()),
            hint: "FAK".into(),
            end_date_time: "2028-11-22T10:30:00Z".into(),
        },
        proof,
        settings: Vec::new(),
        adopted: None,
    })
}

#[test]
fn create_rows_follow_progress_and_a_failure_retries() {
    let mut model = at(Step::Review);
    press(&mut model, KeyCode::Enter);
    let op = Operation::RegisterApp;
    update(
        &mut model,
        Msg::Progress(Event::Started {
            op: op.clone(),
            method: Method::Patch,
            path: "/applications(uniqueName='x')".into(),
        }),
    );
    assert!(model.status.has_pending());
    update(
        &mut model,
        Msg::Progress(Event::Failed {
            op: op.clone(),
            message: "denied".into(),
            request_id: Some("req-9".into()),
        }),
    );
    let failure = RunFailure {
        message: "Register the app failed: denied".into(),
        code: Some("Authorization_RequestDenied".into()),
        request_id: Some("req-9".into()),
    };
    update(&mut model, Msg::RunFinished(Err(failure)));
    assert!(matches!(model.create.phase, CreatePhase::Failed(_)));
    assert_eq!(
        model.status_of(Step::Create),
        crate::tui::model::StepStatus::Failed
    );
    let effects = press(&mut model, KeyCode::Char('r'));
    assert!(matches!(effects[..], [Effect::Run(_)]));
    assert_eq!(model.create.attempt, 2);
    update(&mut model, Msg::RunFinished(Ok(created())));
    assert_eq!(
        model.step,
        Step::Connect,
        "Nylas v3 takes the secret through its API"
    );
}

#[test]
fn the_secret_needs_two_deliberate_keys_to_leave() {
    let mut model = at(Step::Review);
    press(&mut model, KeyCode::Enter);
    update(&mut model, Msg::RunFinished(Ok(created())));
    press(&mut model, KeyCode::Char('s'));
    let effects = press(&mut model, KeyCode::Char('c'));
    assert!(matches!(&effects[..], [Effect::Copy { text, .. }] if *text == *FAKE_SECRET));
    update(
        &mut model,
        Msg::Copied {
            what: crate::tui::msg::CopyTarget::Secret,
            outcome: Copied::System,
        },
    );
    press(&mut model, KeyCode::Char('q'));
    assert!(
        matches!(model.overlay, Some(Overlay::ConfirmQuit(_))),
        "an unsaved secret asks first"
    );
    press(&mut model, KeyCode::Char('n'));
    assert!(model.overlay.is_none() && !model.quit);
    press(&mut model, KeyCode::Enter);
    press(&mut model, KeyCode::Char('x'));
    assert_eq!(model.step, Step::Reveal, "a stray key does not leave");
    press(&mut model, KeyCode::Enter);
    let effects = press(&mut model, KeyCode::Char('y'));
    assert!(matches!(effects[..], [Effect::SecretSaved]));
    assert_eq!(model.step, Step::Done);
    let effects = press(&mut model, KeyCode::Char('w'));
    let Some(Effect::WriteSummary { text, .. }) = effects.first() else {
        panic!("{effects:?}")
    };
    assert!(
        text.contains("44444444-4444-4444-4444-444444444444") && !text.contains(FAKE_SECRET),
        "{text}"
    );
    assert!(text.contains("--client-secret <client secret>"), "{text}");
    let effects = press(&mut model, KeyCode::Char('q'));
    assert!(matches!(effects[..], [Effect::Quit]));
}

#[test]
fn leaving_removes_a_secret_never_seen_and_keeps_one_revealed_or_copied() {
    use crate::tui::model::SecretOnExit;
    let mut model = at(Step::Review);
    press(&mut model, KeyCode::Enter);
    update(&mut model, Msg::RunFinished(Ok(created())));
    assert_eq!(model.secret_on_exit(), SecretOnExit::NeverSeen);
    press(&mut model, KeyCode::Char('s'));
    press(&mut model, KeyCode::Char('q'));
    assert!(
        matches!(&model.overlay, Some(Overlay::ConfirmQuit(why)) if why.contains("removes it")),
        "{:?}",
        model.overlay
    );
    press(&mut model, KeyCode::Char('n'));
    // A copy that failed gave the user nothing.
    let failed = Copied::Failed("no display".into());
    update(
        &mut model,
        Msg::Copied {
            what: crate::tui::msg::CopyTarget::Secret,
            outcome: failed,
        },
    );
    assert_eq!(model.secret_on_exit(), SecretOnExit::NeverSeen);
    press(&mut model, KeyCode::Char('r'));
    press(&mut model, KeyCode::Char('r'));
    assert_eq!(model.secret_on_exit(), SecretOnExit::SeenNotConfirmed);
    press(&mut model, KeyCode::Enter);
    press(&mut model, KeyCode::Char('y'));
    assert_eq!(model.secret_on_exit(), SecretOnExit::Saved);
}

#[test]
fn ctrl_c_asks_while_work_runs_and_help_opens_and_closes() {
    let mut model = at(Step::Review);
    press(&mut model, KeyCode::Enter);
    ctrl(&mut model, 'c');
    assert!(matches!(model.overlay, Some(Overlay::ConfirmQuit(_))));
    let effects = ctrl(&mut model, 'c');
    assert!(
        matches!(effects[..], [Effect::Quit]),
        "a second Ctrl-C quits"
    );

    let mut model = fixture_model(Step::Platform);
    press(&mut model, KeyCode::Char('?'));
    assert_eq!(model.overlay, Some(Overlay::Help));
    render(&mut model, 80, 24);
    press(&mut model, KeyCode::Down);
    press(&mut model, KeyCode::End);
    assert_eq!(
        model.overlay,
        Some(Overlay::Help),
        "scroll keys scroll the help"
    );
    press(&mut model, KeyCode::Char('x'));
    assert_eq!(model.overlay, None);

    // The whole Graph-call log scrolls in its own pane and opens at its newest line.
    let mut model = fixture_model(Step::Done);
    press(&mut model, KeyCode::Char('l'));
    assert_eq!(model.overlay, Some(Overlay::Log));
    render(&mut model, 80, 24);
    assert!(model.log_scroll.at_end());
    press(&mut model, KeyCode::Home);
    assert_eq!(model.log_scroll.offset(), 0);
    assert_eq!(model.overlay, Some(Overlay::Log));
    press(&mut model, KeyCode::Char('x'));
    assert_eq!(model.overlay, None);
    let effects = press(&mut model, KeyCode::Char('q'));
    assert!(
        matches!(effects[..], [Effect::Quit]),
        "nothing to lose: quits at once"
    );
}

#[test]
fn a_tiny_terminal_only_listens_for_quit() {
    let mut model = fixture_model(Step::Platform);
    update(
        &mut model,
        Msg::Resize {
            width: 60,
            height: 20,
        },
    );
    assert!(model.too_small());
    press(&mut model, KeyCode::Enter);
    assert_eq!(model.step, Step::Platform);
}

mod support_mode {
    use super::*;
    use crate::doctor::Code;
    use crate::plan::SecretLifetime;
    use crate::run::Removal;
    use crate::tui::model::{FindingsPhase, Load, PlatformSource, RotateFocus, RotatePhase, Task};

    #[test]
    fn tab_on_the_first_step_switches_to_checking_an_app_and_the_step_list_follows() {
        let mut model = fixture_model(Step::Platform);
        assert_eq!(model.steps().len(), 13);
        press(&mut model, KeyCode::Tab);
        assert_eq!(model.task, Task::Check);
        assert_eq!(model.steps().len(), 9);
        assert_eq!(model.step_after(Step::Tenant), Step::Apps);
        press(&mut model, KeyCode::Tab);
        assert_eq!(model.task, Task::Register);
    }

    #[test]
    fn choosing_a_tenant_lists_its_apps_and_typing_filters_them() {
        let mut model = fixture_model(Step::Tenant);
        model.task = Task::Check;
        let effects = press(&mut model, KeyCode::Enter);
        assert_eq!(model.step, Step::Apps);
        assert!(
            effects.iter().any(
                |e| matches!(e, Effect::ListApps { tenant } if tenant.starts_with("72f988bf"))
            )
        );
        assert!(model.work_running() || model.apps.list.load == Load::Loading);

        let mut model = fixture_model(Step::Apps);
        assert_eq!(
            model.apps.list.visible()[0].display_name.as_deref(),
            Some("Acme Mail"),
            "appreg-made first"
        );
        type_text(&mut model, "legacy");
        assert_eq!(model.apps.list.visible().len(), 1);
        assert!(press(&mut model, KeyCode::Enter).is_empty(), "no tag: asks");
        let effects = press(&mut model, KeyCode::Enter);
        assert_eq!(model.step, Step::Findings);
        assert!(matches!(
            effects.as_slice(),
            [Effect::Inspect { app_id, .. }] if app_id == "1e9ac700-de30-4000-8000-00000000a001"
        ));
        assert_eq!(model.findings.phase, FindingsPhase::Reading);
    }

    #[test]
    fn an_app_made_by_appreg_is_checked_against_its_own_platform() {
        let mut model = fixture_model(Step::Apps);
        model.platform.cursor = 1;
        model.apply_profile(1);
        press(&mut model, KeyCode::Enter); // "Acme Mail", tagged nylas-v3
        assert_eq!(model.profile().id, "nylas-v3");
    }

    #[test]
    fn an_app_without_a_tag_is_judged_against_the_platform_named_for_it_not_the_last_apps() {
        let mut model = fixture_model(Step::Apps);
        press(&mut model, KeyCode::Enter); // "Acme Mail", tagged nylas-v3
        assert_eq!(model.profile().id, "nylas-v3");
        assert_eq!(model.findings.platform_source, PlatformSource::Tag);
        press(&mut model, KeyCode::Esc);
        assert_eq!(model.step, Step::Apps);

        type_text(&mut model, "legacy"); // no tag
        assert!(press(&mut model, KeyCode::Enter).is_empty());
        assert_eq!(model.step, Step::Apps, "the platform is asked first");
        assert_eq!(
            model.apps.platform_for,
            Some(0),
            "starting from the last one"
        );
        assert!(
            !crate::tui::update::typing(&model),
            "q and ? are keys again"
        );
        press(&mut model, KeyCode::Down);
        let effects = press(&mut model, KeyCode::Enter);
        assert!(matches!(
            effects.as_slice(),
            [Effect::Inspect { app_id, .. }] if app_id == "1e9ac700-de30-4000-8000-00000000a001"
        ));
        assert_eq!(model.step, Step::Findings);
        assert_eq!(model.profile().id, "nylas-v2");
        assert_eq!(model.findings.platform_source, PlatformSource::Chosen);

        // Redirect URIs of Nylas v2 make it the first guess for an app without a tag.
        if let Load::Loaded(apps) = &mut model.apps.list.load
            && let Some(legacy) = apps
                .iter_mut()
                .find(|a| a.display_name.as_deref() == Some("Acme Nylas (legacy)"))
        {
            legacy.web = serde_json::from_value(serde_json::json!({
                "redirectUris": ["https://api.nylas.com/oauth/callback"]
            }))
            .ok();
        }
        model.platform.applied = Some(3);
        press(&mut model, KeyCode::Esc);
        press(&mut model, KeyCode::Enter);
        assert_eq!(model.apps.platform_for, Some(1), "Nylas v2, not Nango");
        press(&mut model, KeyCode::Esc);
        press(&mut model, KeyCode::Enter);

        // Esc on the platform list returns to the apps without checking anything.
        press(&mut model, KeyCode::Esc);
        press(&mut model, KeyCode::Enter);
        assert!(model.apps.platform_for.is_some());
        assert!(press(&mut model, KeyCode::Esc).is_empty());
        assert_eq!((model.step, model.apps.platform_for), (Step::Apps, None));
    }

    #[test]
    fn a_late_answer_about_another_app_is_dropped() {
        let mut model = fixture_model(Step::Findings);
        let mut other = model.findings.inspection.clone().unwrap();
        other.application.app_id = "b2c3d4e5-f6a7-4b8c-9d0e-1f2a3b4c5d6e".into();
        other.application.display_name = Some("Acme Mail".into());
        update(&mut model, Msg::Inspected(Ok(other)));
        assert_eq!(
            model
                .findings
                .application()
                .unwrap()
                .display_name
                .as_deref(),
            Some("Acme Nylas (legacy)")
        );
    }

    #[test]
    fn a_list_that_failed_can_be_read_again() {
        let mut model = fixture_model(Step::Apps);
        update(
            &mut model,
            Msg::Apps(Err("403: needs Application.Read.All".into())),
        );
        assert!(matches!(model.apps.list.load, Load::Failed(_)));
        let effects = press(&mut model, KeyCode::Char('r'));
        assert!(matches!(
            effects.as_slice(),
            [Effect::ListApps { .. }, Effect::AuditApps { .. }]
        ));
    }

    #[test]
    fn the_fix_is_shown_first_and_sent_only_after_y() {
        let mut model = fixture_model(Step::Findings);
        assert!(
            model
                .findings
                .findings
                .iter()
                .any(|f| f.code == Code::AudienceMismatch)
        );
        assert!(press(&mut model, KeyCode::Char('f')).is_empty());
        assert_eq!(model.findings.phase, FindingsPhase::ConfirmingFix);
        assert_eq!(
            model.back_step(),
            None,
            "no going back with requests on screen"
        );
        // n leaves the requests unsent.
        assert!(press(&mut model, KeyCode::Char('n')).is_empty());
        assert_eq!(model.findings.phase, FindingsPhase::Audited);

        press(&mut model, KeyCode::Char('f'));
        let effects = press(&mut model, KeyCode::Char('y'));
        let [Effect::Repair { steps, .. }] = effects.as_slice() else {
            panic!("{effects:?}");
        };
        assert_eq!(
            steps.len(),
            model.fix_steps(crate::doctor::FixOptions::default()).len()
        );
        assert!(model.work_running(), "quitting now asks first");

        let mended = model.findings.inspection.clone().unwrap();
        let before = model.findings.findings.len();
        update(&mut model, Msg::Repaired(Ok(mended)));
        assert_eq!(model.findings.phase, FindingsPhase::Audited);
        assert_eq!(
            model.findings.fixed,
            Some(before - model.findings.findings.len())
        );
    }

    #[test]
    fn the_fix_preview_scrolls_and_only_y_sends_and_only_n_or_esc_cancels() {
        let mut model = fixture_model(Step::Findings);
        press(&mut model, KeyCode::Char('f'));
        render(&mut model, 80, 24);
        let extent = model.findings.scroll.extent();
        assert!(
            extent.content > extent.viewport,
            "{extent:?}: the preview is long"
        );

        for code in [KeyCode::Down, KeyCode::Char('j'), KeyCode::PageDown] {
            assert!(press(&mut model, code).is_empty(), "{code:?} sends nothing");
            assert_eq!(model.findings.phase, FindingsPhase::ConfirmingFix);
        }
        assert!(model.findings.scroll.offset() > 1, "↓ scrolls");
        press(&mut model, KeyCode::End);
        let end = model.findings.scroll.offset();
        assert_eq!(end, extent.content - extent.viewport);
        press(&mut model, KeyCode::Down);
        press(&mut model, KeyCode::PageDown);
        assert_eq!(model.findings.scroll.offset(), end, "stops at the end");
        let screen = render(&mut model, 80, 24);
        let position = format!("{}/{}", extent.content, extent.content);
        assert!(screen.contains(&position), "{screen}");
        press(&mut model, KeyCode::Home);
        assert_eq!(model.findings.scroll.offset(), 0);

        // The wheel scrolls the pane under the pointer.
        let (x, y, _, _) = extent.area;
        update(
            &mut model,
            Msg::Wheel {
                wheel: Wheel::Down,
                column: x + 1,
                row: y + 1,
            },
        );
        assert!(model.findings.scroll.offset() > 0);
        update(
            &mut model,
            Msg::Wheel {
                wheel: Wheel::Up,
                column: x + 1,
                row: y + 1,
            },
        );
        assert_eq!(model.findings.scroll.offset(), 0);

        // Other keys neither send nor cancel.
        assert!(press(&mut model, KeyCode::Char('x')).is_empty());
        assert!(press(&mut model, KeyCode::Enter).is_empty());
        assert_eq!(model.findings.phase, FindingsPhase::ConfirmingFix);
        press(&mut model, KeyCode::Esc);
        assert_eq!(model.findings.phase, FindingsPhase::Audited);
        assert_eq!(
            model.step,
            Step::Findings,
            "Esc cancels, it does not go back"
        );
        press(&mut model, KeyCode::Char('f'));
        assert!(matches!(
            press(&mut model, KeyCode::Char('y')).as_slice(),
            [Effect::Repair { .. }]
        ));
    }

    #[test]
    fn x_shows_the_fix_with_the_extras_removed_and_y_sends_it() {
        use crate::doctor::FixOptions;
        let mut model = fixture_model(Step::Findings);
        // The legacy callback is not Nylas v3's: an extra URI only `x` removes.
        const EXTRA: &str = "https://api.nylas.com/oauth/callback";
        assert!(model.extras_to_remove());
        let without = model.fix_steps(FixOptions::default());
        assert!(press(&mut model, KeyCode::Char('x')).is_empty());
        assert_eq!(model.findings.phase, FindingsPhase::ConfirmingFix);
        let screen = render(&mut model, 120, 40);
        assert!(screen.contains("removes the extras"), "{screen}");
        let effects = press(&mut model, KeyCode::Char('y'));
        let [Effect::Repair { steps, .. }] = effects.as_slice() else {
            panic!("{effects:?}");
        };
        assert_eq!(steps, &model.fix_steps(FixOptions { remove_extra: true }));
        assert_ne!(steps, &without);
        let patch = steps[0].request().body.as_ref().unwrap().to_string();
        assert!(!patch.contains(EXTRA), "{patch}");
        let kept = without[0].request().body.as_ref().unwrap().to_string();
        assert!(kept.contains(EXTRA), "f keeps it: {kept}");
    }

    #[test]
    fn a_adds_admin_consent_to_the_fix_when_a_finding_says_it_is_needed() {
        use crate::catalog::{Catalog, MICROSOFT_GRAPH, PermissionKind};
        let mut model = fixture_model(Step::Findings);
        let mut inspection = model.findings.inspection.clone().unwrap();
        let catalog = Catalog::offline();
        let (_, place) = catalog
            .permission("graph", "Place.Read.All", PermissionKind::Delegated)
            .unwrap();
        inspection.application.required_resource_access =
            serde_json::from_value(serde_json::json!([{"resourceAppId": MICROSOFT_GRAPH,
                "resourceAccess": [{"id": place.id, "type": "Scope"}]}]))
            .unwrap();
        inspection.context.resources = vec![
            serde_json::from_value::<crate::graph::models::ServicePrincipal>(
                serde_json::json!({"id": "graph-sp", "appId": MICROSOFT_GRAPH}),
            )
            .unwrap()
            .into(),
        ];
        update(&mut model, Msg::Inspected(Ok(inspection)));
        let admin_only = model
            .findings
            .findings
            .iter()
            .find(|f| f.code == Code::PermissionAdminConsent)
            .unwrap();
        let shown = crate::tui::view::findings::advice(admin_only);
        assert!(shown.contains("a adds admin consent"), "{shown}");

        press(&mut model, KeyCode::Char('a'));
        assert!(model.findings.admin_consent);
        assert!(
            model
                .findings
                .findings
                .iter()
                .any(|f| f.code == Code::AdminConsentMissing)
        );
        press(&mut model, KeyCode::Char('f'));
        let effects = press(&mut model, KeyCode::Char('y'));
        let [Effect::Repair { steps, .. }] = effects.as_slice() else {
            panic!("{effects:?}");
        };
        assert!(
            steps
                .iter()
                .any(|s| s.request().path == "/oauth2PermissionGrants"),
            "{steps:?}"
        );
    }

    #[test]
    fn the_findings_review_and_summary_scroll_alike() {
        let mut model = fixture_model(Step::Findings);
        render(&mut model, 80, 24);
        press(&mut model, KeyCode::Char('G'));
        assert!(model.findings.scroll.at_end() && model.findings.scroll.offset() > 0);
        press(&mut model, KeyCode::Char('g'));
        assert_eq!(model.findings.scroll.offset(), 0);

        let mut model = fixture_model(Step::Review);
        render(&mut model, 80, 24);
        press(&mut model, KeyCode::End);
        assert!(model.review.scroll.at_end() && model.review.scroll.offset() > 0);
        press(&mut model, KeyCode::PageUp);
        assert!(!model.review.scroll.at_end());
    }

    #[test]
    fn a_failed_fix_shows_graphs_words_and_reads_the_app_again_on_r() {
        let mut model = fixture_model(Step::Findings);
        press(&mut model, KeyCode::Char('f'));
        press(&mut model, KeyCode::Char('y'));
        update(
            &mut model,
            Msg::Repaired(Err(RunFailure {
                message: "Update the app registration failed: you need the Application Administrator role".into(),
                code: Some("Authorization_RequestDenied".into()),
                request_id: Some("r-1".into()),
            })),
        );
        assert!(matches!(model.findings.phase, FindingsPhase::Failed(_)));
        let effects = press(&mut model, KeyCode::Char('r'));
        assert!(matches!(effects.as_slice(), [Effect::Inspect { .. }]));
    }

    #[test]
    fn a_new_secret_can_last_until_a_date_checked_by_creates_rules() {
        let mut model = fixture_model(Step::Findings);
        press(&mut model, KeyCode::Char('r'));
        press(&mut model, KeyCode::Right);
        assert!(model.rotate.until_date());
        assert!(
            crate::tui::update::typing(&model),
            "q is a letter in the date"
        );
        // An impossible date, then one past 24 months, are refused before anything is sent.
        type_text(&mut model, "2027-02-30");
        assert!(press(&mut model, KeyCode::Enter).is_empty());
        assert!(
            model
                .rotate
                .problem
                .as_deref()
                .unwrap()
                .contains("not a calendar date"),
            "{:?}",
            model.rotate.problem
        );
        let too_late = (model.now.date() + time::Duration::days(800)).to_string();
        model.rotate.date.set(&too_late);
        assert!(press(&mut model, KeyCode::Enter).is_empty());
        assert!(
            model
                .rotate
                .problem
                .as_deref()
                .unwrap()
                .contains("24 months")
        );
        let fine = (model.now.date() + time::Duration::days(100)).to_string();
        model.rotate.date.set(&fine);
        let effects = press(&mut model, KeyCode::Enter);
        let [Effect::Rotate { lifetime, .. }] = effects.as_slice() else {
            panic!("{effects:?}");
        };
        assert_eq!(
            *lifetime,
            SecretLifetime::Until(model.now.date() + time::Duration::days(100))
        );
    }

    #[test]
    fn a_new_secret_keeps_the_old_ones_unless_one_is_chosen() {
        let mut model = fixture_model(Step::Findings);
        press(&mut model, KeyCode::Char('r'));
        assert_eq!(model.step, Step::Rotate);
        assert_eq!(model.removals()[0], Removal::Nothing);
        press(&mut model, KeyCode::Left);
        assert_eq!(
            model.rotate.lifetime(model.now),
            Ok(SecretLifetime::Months(12))
        );
        let effects = press(&mut model, KeyCode::Enter);
        let [
            Effect::Rotate {
                removal, lifetime, ..
            },
        ] = effects.as_slice()
        else {
            panic!("{effects:?}");
        };
        assert_eq!(
            (removal, *lifetime),
            (&Removal::Nothing, SecretLifetime::Months(12))
        );
        assert_eq!(model.rotate.phase, RotatePhase::Running);
    }

    #[test]
    fn at_the_secret_limit_the_choice_is_explained_before_anything_is_sent() {
        let mut model = fixture_model(Step::Rotate);
        // Personal accounts allow two secrets; the fixture's app holds two.
        if let Some(inspection) = model.findings.inspection.as_mut() {
            inspection.application.sign_in_audience =
                Some("AzureADandPersonalMicrosoftAccount".into());
        }
        assert!(press(&mut model, KeyCode::Enter).is_empty());
        assert!(
            model
                .rotate
                .problem
                .as_deref()
                .unwrap()
                .contains("2 client secrets")
        );
        assert_eq!(model.rotate.focus, RotateFocus::Removal);
        press(&mut model, KeyCode::Down); // the expired ones
        let effects = press(&mut model, KeyCode::Enter);
        assert!(matches!(
            effects.as_slice(),
            [Effect::Rotate {
                removal: Removal::Expired,
                ..
            }]
        ));
    }

    #[test]
    fn the_new_secret_is_revealed_like_create_and_done_says_how_to_retire_the_old_one() {
        let mut model = fixture_model(Step::Rotate);
        press(&mut model, KeyCode::Enter);
        update(
            &mut model,
            rotated(Ok(crate::run::Proof::Unproven {
                reason: "a Conditional Access policy".into(),
            })),
        );
        assert_eq!(model.step, Step::Connect);
        press(&mut model, KeyCode::Char('s'));
        assert_eq!(model.step, Step::Reveal);
        assert!(model.secret_unacknowledged());
        press(&mut model, KeyCode::Enter);
        press(&mut model, KeyCode::Char('y'));
        assert_eq!(model.step, Step::Done);
        let summary = model.summary_text();
        assert!(!summary.contains(FAKE_SECRET));
        assert!(
            summary.contains("remove the old one")
                && summary.contains("6e1f0000-de30-4000-8000-00000000b002"),
            "{summary}"
        );
        // The wizard names its own keys, not appreg's command-line flags.
        assert!(
            !summary.contains("--app-id") && !summary.contains("--remove"),
            "{summary}"
        );
    }
}

#[test]
fn done_numbers_each_copy_target_and_copies_it_whole() {
    let mut model = fixture_model(Step::Done);
    let targets = model.copy_targets();
    let labels: Vec<&str> = targets.iter().map(|(label, _)| *label).collect();
    assert_eq!(
        labels,
        [
            "Application (client) ID",
            "Directory (tenant) ID",
            "Object ID",
            "Platform scopes",
            "Admin consent link",
        ]
    );
    for (i, (label, value)) in targets.iter().enumerate() {
        let key = char::from_digit(i as u32 + 1, 10).unwrap();
        let effects = press(&mut model, KeyCode::Char(key));
        match effects.as_slice() {
            [Effect::Copy { what, text }] => {
                assert_eq!(*what, crate::tui::msg::CopyTarget::Summary(label));
                assert_eq!(text.expose(), value);
            }
            other => panic!("{key}: {other:?}"),
        }
    }
    assert!(targets[3].1.contains("offline_access,"));
    assert!(
        targets[4]
            .1
            .ends_with(&format!("?client_id={}", model.done.registered.app_id))
    );
    assert!(
        press(&mut model, KeyCode::Char('9')).is_empty(),
        "no ninth value"
    );
    update(
        &mut model,
        Msg::Copied {
            what: crate::tui::msg::CopyTarget::Summary("Admin consent link"),
            outcome: Copied::System,
        },
    );
    assert_eq!(
        model.done.copied,
        Some(("Admin consent link", Copied::System))
    );
}

mod app_list;
mod handover;
mod settings;

mod connect_step {
    use super::*;
    use crate::platform::{Action, Connected, PlatformKind};
    use crate::run::{Proof, ProveError};
    use crate::tui::model::{ConnectField, ConnectPhase, SecretOnExit, StepStatus, Task};
    use crate::tui::msg::ConnectFailure;
    use crate::tui::snapshots::FAKE_API_KEY;

    /// A wizard registering for the preset `profile_id`, its run just finished.
    pub(super) fn created_for(profile_id: &str) -> Model {
        let mut model = fixture_model(Step::Platform);
        model.platform.cursor = model
            .profiles
            .iter()
            .position(|p| p.id == profile_id)
            .expect("a built-in preset");
        let mut model = walk_from(model);
        update(&mut model, Msg::RunFinished(Ok(created())));
        model
    }

    /// From the platform step, with the highlighted preset, to a running create.
    fn walk_from(mut model: Model) -> Model {
        press(&mut model, KeyCode::Enter);
        walk_from_sign_in(model)
    }

    /// From sign-in to a running create, every default accepted.
    fn walk_from_sign_in(mut model: Model) -> Model {
        update(
            &mut model,
            Msg::SignedIn {
                account: "ada".into(),
            },
        );
        update(&mut model, Msg::Tenants(Ok(tenants())));
        press(&mut model, KeyCode::Enter);
        type_text(&mut model, "Acme Mail");
        while model.step != Step::Create {
            press(&mut model, KeyCode::Enter);
        }
        model
    }

    /// The platform's connector signed in as this app and now has its new secret.
    pub(super) fn connected() -> Box<Connected> {
        Box::new(Connected {
            kind: PlatformKind::Nylas,
            action: Action::Updated,
            url: "https://api.us.nylas.com/".into(),
            integration: "microsoft".into(),
            provider: "microsoft".into(),
            client_id: "44444444-4444-4444-4444-444444444444".into(),
            tenant: None,
            scopes: vec!["offline_access".into(), "Mail.Read".into()],
            notes: vec![],
            was_this_app: true,
        })
    }

    #[test]
    fn only_platforms_with_an_api_get_the_step() {
        for (id, connects) in [
            ("nylas-v3", true),
            ("nango", true),
            ("nylas-v2", false),
            ("nylas-streams", false),
        ] {
            let model = created_for(id);
            assert_eq!(model.steps().contains(&Step::Connect), connects, "{id}");
            let next = if connects {
                Step::Connect
            } else {
                Step::Reveal
            };
            assert_eq!(model.step, next, "{id}");
        }
    }

    #[test]
    fn the_key_from_the_environment_is_used_and_enter_sends_everything_the_platform_needs() {
        let mut model = created_for("nylas-v3");
        assert_eq!(model.connect.key_source.as_deref(), Some("NYLAS_API_KEY"));
        assert_eq!(model.connect.url.value(), "https://api.us.nylas.com");
        let effects = press(&mut model, KeyCode::Enter);
        let [Effect::Connect(request)] = effects.as_slice() else {
            panic!("{effects:?}")
        };
        assert_eq!(request.target.kind, PlatformKind::Nylas);
        assert!(request.target.key == *FAKE_API_KEY);
        assert!(request.secret == *FAKE_SECRET);
        assert_eq!(request.client_id, "44444444-4444-4444-4444-444444444444");
        assert!(request.scopes.iter().any(|s| s == "offline_access"));
        assert_eq!(request.single_tenant, None, "multi-tenant by default");
        let logged = format!("{effects:?}");
        assert!(
            !logged.contains(FAKE_API_KEY) && !logged.contains(FAKE_SECRET),
            "{logged}"
        );
        assert_eq!(model.connect.phase, ConnectPhase::Connecting);
        assert!(model.work_running(), "quitting now asks first");
    }

    #[test]
    fn enter_without_a_key_says_what_is_missing_and_a_typed_or_pasted_key_is_sent() {
        let mut model = fixture_model(Step::Platform);
        model.platform_presets.clear();
        model.demo = false;
        let mut model = walk_from(model);
        update(&mut model, Msg::RunFinished(Ok(created())));
        assert!(press(&mut model, KeyCode::Enter).is_empty());
        let problem = model.connect.problem.clone().unwrap_or_default();
        assert!(
            problem.contains("Nylas API key is missing") && problem.contains("NYLAS_API_KEY"),
            "{problem}"
        );
        assert_eq!(model.connect.focus, Some(ConnectField::Key));
        assert!(super::super::typing(&model), "s and q are text in the key");
        type_text(&mut model, "sq");
        update(&mut model, Msg::Paste("\u{1b}[31m_key\n".into()));
        assert!(*model.connect.key.value() == *"sq[31m_key");
        assert_eq!(model.step, Step::Connect);
        press(&mut model, KeyCode::Esc);
        assert!(!super::super::typing(&model));
        let effects = press(&mut model, KeyCode::Enter);
        assert!(
            matches!(&effects[..], [Effect::Connect(r)] if r.target.key == *"sq[31m_key"),
            "{effects:?}"
        );
    }

    #[test]
    fn two_regions_leave_the_url_empty_with_the_reason() {
        let mut model = fixture_model(Step::Platform);
        model.platform_presets.clear();
        model.demo = false;
        press(&mut model, KeyCode::Enter);
        model.redirects.regions = vec![true, true];
        let mut model = walk_from_sign_in(model);
        update(&mut model, Msg::RunFinished(Ok(created())));
        assert_eq!(model.connect.url.value(), "");
        let note = model.connect.url_note.clone().unwrap_or_default();
        assert!(note.contains("one region"), "{note}");
        press(&mut model, KeyCode::Enter);
        assert_eq!(model.connect.problem.as_deref(), Some(note.as_str()));
        assert_eq!(model.connect.focus, Some(ConnectField::Url));
        type_text(&mut model, "ftp://api.eu.nylas.com");
        press(&mut model, KeyCode::Enter);
        assert!(
            model
                .connect
                .problem
                .as_deref()
                .is_some_and(|p| p.contains("cannot be used")),
            "{:?}",
            model.connect.problem
        );
    }

    #[test]
    fn s_skips_to_the_reveal_which_then_needs_the_usual_confirmation() {
        let mut model = created_for("nango");
        assert_eq!(model.connect.integration.value(), "outlook");
        assert!(model.connect.key.is_empty(), "no Nango key in the fixture");
        assert_eq!(
            model.connect.url.value(),
            "",
            "the demo never points at the real Nango"
        );
        press(&mut model, KeyCode::Char('s'));
        assert_eq!(model.step, Step::Reveal);
        assert!(model.secret_unacknowledged());
        press(&mut model, KeyCode::Enter);
        assert!(model.reveal.confirming);
        assert_eq!(model.status_of(Step::Connect), StepStatus::Pending);
    }

    #[test]
    fn once_the_platform_holds_the_secret_saving_it_is_optional() {
        let mut model = created_for("nylas-v3");
        press(&mut model, KeyCode::Enter);
        let effects = update(&mut model, Msg::Connected(Ok(connected())));
        assert!(effects.is_empty(), "registering removes no old secret");
        assert!(model.platform_holds_secret());
        assert_eq!(model.secret_on_exit(), SecretOnExit::Saved);
        let screen = render(&mut model, 80, 24);
        assert!(screen.contains("Nylas holds the credentials"), "{screen}");
        press(&mut model, KeyCode::Enter);
        assert_eq!(model.step, Step::Reveal);
        press(&mut model, KeyCode::Char('r'));
        assert!(model.reveal.revealed, "r still reveals it");
        let effects = press(&mut model, KeyCode::Enter);
        assert!(effects.is_empty());
        assert_eq!(model.step, Step::Done, "no confirmation needed");
        assert!(
            model
                .summary_text()
                .contains("connector 'microsoft' was updated"),
            "{}",
            model.summary_text()
        );
    }

    #[test]
    fn a_refusal_is_shown_and_the_secret_stays_revealable() {
        let mut model = created_for("nylas-v3");
        press(&mut model, KeyCode::Enter);
        let refusal = "Nylas refused the Nylas API key (HTTP 401): check NYLAS_API_KEY";
        update(
            &mut model,
            Msg::Connected(Err(ConnectFailure::plain(refusal))),
        );
        assert_eq!(model.connect.phase, ConnectPhase::Editing);
        assert_eq!(model.status_of(Step::Connect), StepStatus::Failed);
        let screen = render(&mut model, 80, 24);
        assert!(screen.contains("HTTP 401"), "{screen}");
        assert_eq!(model.secret_on_exit(), SecretOnExit::NeverSeen);
        // Fix the key and retry.
        press(&mut model, KeyCode::Tab);
        press(&mut model, KeyCode::Tab);
        assert_eq!(model.connect.focus, Some(ConnectField::Key));
        ctrl(&mut model, 'u');
        type_text(&mut model, "nyk_right");
        let effects = press(&mut model, KeyCode::Enter);
        assert!(matches!(&effects[..], [Effect::Connect(r)] if r.target.key == *"nyk_right"));
        update(
            &mut model,
            Msg::Connected(Err(ConnectFailure::plain(refusal))),
        );
        press(&mut model, KeyCode::Char('s'));
        assert_eq!(model.step, Step::Reveal);
        press(&mut model, KeyCode::Char('r'));
        assert!(render(&mut model, 80, 24).contains(FAKE_SECRET));
        assert!(
            model
                .summary_text()
                .contains("Not given to Nylas: Nylas refused")
        );
    }

    #[test]
    fn a_secret_that_never_signs_in_fails_create_but_is_still_handed_over() {
        let mut model = walk_from(fixture_model(Step::Platform));
        let mut refused = created();
        refused.proof = Err(ProveError::NeverSignedIn {
            app_id: "44444444-4444-4444-4444-444444444444".into(),
            tenant: "22222222-2222-2222-2222-222222222222".into(),
            attempts: 12,
            waited: Duration::from_secs(180),
            description: "AADSTS7000215: Invalid client secret provided.".into(),
        });
        update(&mut model, Msg::RunFinished(Ok(refused)));
        assert_eq!(model.step, Step::Create);
        assert_eq!(model.status_of(Step::Create), StepStatus::Failed);
        assert!(render(&mut model, 80, 24).contains("never signed in"));
        assert!(model.reveal.secret.is_some(), "the secret is kept");
        press(&mut model, KeyCode::Enter);
        assert_eq!(model.step, Step::Reveal, "no platform is given it");
        assert_eq!(model.status_of(Step::Connect), StepStatus::Pending);
        let screen = render(&mut model, 80, 24);
        assert!(screen.contains("not proven"), "{screen}");
    }

    #[test]
    fn a_rotation_removes_the_old_secret_only_after_the_hand_over() {
        let rotated = || {
            rotated(Ok(Proof::Verified {
                attempts: 1,
                waited: Duration::ZERO,
            }))
        };
        let removes = |effects: &[Effect]| {
            effects
                .iter()
                .any(|e| matches!(e, Effect::RemoveOldSecrets { object_id, .. } if object_id == "0b1ec700-de30-4000-8000-00000000a001"))
        };
        // Through the platform: removed once it holds the new secret.
        let mut model = fixture_model(Step::Rotate);
        assert_eq!(model.task, Task::Check);
        model.rotate.removal = 1;
        let effects = press(&mut model, KeyCode::Enter);
        assert!(!removes(&effects), "nothing removed with the rotation");
        update(&mut model, rotated());
        assert_eq!(model.step, Step::Connect);
        let effects = press(&mut model, KeyCode::Enter);
        assert!(matches!(&effects[..], [Effect::Connect(_)]), "{effects:?}");
        let effects = update(&mut model, Msg::Connected(Ok(connected())));
        assert!(removes(&effects), "{effects:?}");

        // Skipped: removed once the user confirms saving the new secret.
        let mut model = fixture_model(Step::Rotate);
        model.rotate.removal = 1;
        press(&mut model, KeyCode::Enter);
        update(&mut model, rotated());
        press(&mut model, KeyCode::Char('s'));
        assert!(!removes(&press(&mut model, KeyCode::Enter)));
        let effects = press(&mut model, KeyCode::Char('y'));
        assert!(matches!(effects[0], Effect::SecretSaved));
        assert!(removes(&effects), "{effects:?}");
        update(
            &mut model,
            Msg::OldSecretsRemoved(Ok(crate::run::Removals {
                removed: vec!["6e1f0000-de30-4000-8000-00000000a001".into()],
                not_removed: vec![],
            })),
        );
        let removed = model
            .summary()
            .into_iter()
            .find(|(label, _)| *label == "Removed old secret");
        assert_eq!(
            removed.map(|(_, key)| key).as_deref(),
            Some("6e1f0000-de30-4000-8000-00000000a001")
        );
    }
}
