//! Every step drawn at 80×24 and 120×40 with fixed data and a fake secret, compared with the
//! reviewed snapshots under `src/tui/snapshots/`.

use super::model::PlatformPreset;
use super::model::{
    CreatePhase, FindingsPhase, Load, Model, OpRow, OpState, PermissionRow, PlatformSource,
    Registered, SignInPhase, Step, Task,
};
use super::msg::{AppHealth, DeviceCode, IssuedSecret, RunFailure, TenantChoice};
use super::view;
use crate::clipboard::Copied;
use crate::doctor::{AuditContext, Code, Inspection, Severity};
use crate::graph::Method;
use crate::graph::models::Application;
use crate::platform::{Action, Connected, PlatformKind};
use crate::progress::{Event, Operation};
use crate::run::Proof;
use crate::secret::SecretString;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use serde_json::json;
use std::time::Duration;
use time::macros::datetime;

/// Looks like a secret, is not one.
pub const FAKE_SECRET: &str = "FAKE~not.a.real.secret-0123456789abcdefgh";

/// Looks like a Nylas API key, is not one.
pub const FAKE_API_KEY: &str = "nyk_v0_FAKEnotarealkey0123456789";

/// A wizard on `step` with everything before it filled in as a user would have.
pub fn fixture_model(step: Step) -> Model {
    let mut model = Model::new(super::model::Setup {
        demo: true,
        monochrome: false,
        clipboard_clear_after: Duration::from_secs(60),
        login_url: "https://login.microsoftonline.com".into(),
        now: datetime!(2026-11-22 10:30 UTC),
        size: (80, 24),
        platform_presets: vec![PlatformPreset {
            kind: PlatformKind::Nylas,
            url: Some("https://api.us.nylas.com".into()),
            key: SecretString::new(FAKE_API_KEY.into()),
            source: "NYLAS_API_KEY".into(),
        }],
        publisher_verification: true,
    });
    model.step = step;
    if matches!(step, Step::Apps | Step::Findings | Step::Rotate) {
        model.task = Task::Check;
    }
    if step == Step::Platform {
        return model;
    }
    model.sign_in.phase = SignInPhase::DeviceCode {
        code: DeviceCode {
            user_code: "F7KQ2MXP".into(),
            verification_uri: "https://microsoft.com/devicelogin".into(),
            expires_at: model.now + time::Duration::seconds(14 * 60 + 32),
        },
        copied: Some(Copied::System),
    };
    if step == Step::SignIn {
        return model;
    }
    model.sign_in.phase = SignInPhase::SignedIn {
        account: "device code (ada@contoso.com)".into(),
    };
    let tenants = vec![
        TenantChoice {
            id: "72f988bf-86f1-41af-91ab-2d7cd011db47".into(),
            name: "Contoso".into(),
            default_domain: "contoso.onmicrosoft.com".into(),
            category: "Home".into(),
            current: true,
        },
        TenantChoice {
            id: "0f6c2f7e-3b8a-4c5e-9d1a-7e2b4c6d8f90".into(),
            name: "Fabrikam Lab".into(),
            default_domain: "fabrikamlab.onmicrosoft.com".into(),
            category: "ProjectedBy".into(),
            current: false,
        },
    ];
    model.tenant.list.load = Load::Loaded(tenants.clone());
    record_reads(&mut model);
    if step == Step::Tenant {
        return model;
    }
    model.tenant.chosen = Some(tenants[0].clone());
    if model.task == Task::Check {
        check_fixture(&mut model);
        return model;
    }
    model.registration.name.set("Acme Mail");
    if step == Step::Registration {
        return model;
    }
    model
        .redirects
        .extra
        .insert_str("https://app.acme.dev/callback\nhttp://acme.dev/cb");
    if step == Step::RedirectUris {
        return model;
    }
    model.redirects.extra =
        ratatui_textarea::TextArea::new(vec!["https://app.acme.dev/callback".into()]);
    if matches!(
        step,
        Step::Permissions | Step::Secret | Step::Settings | Step::Review
    ) {
        return model;
    }
    record_run(&mut model);
    model.create.attempt = 1;
    if step == Step::Create {
        model.create.phase = CreatePhase::Failed(RunFailure {
            message: "Add the client secret failed: the tenant's app management policy does not allow a secret that lasts this long; choose a shorter lifetime".into(),
            code: Some("CredentialInvalidLifetimeAsPerAppPolicy".into()),
            request_id: Some("5c1e0a8e-1b7d-4c1f-9a55-0d6f2f0b9e11".into()),
        });
        return model;
    }
    model.create.phase = CreatePhase::Finished;
    model.done.registered = Registered {
        tenant_id: "72f988bf-86f1-41af-91ab-2d7cd011db47".into(),
        object_id: "6a1f3c2e-9b7d-4e8f-a0c1-2d3e4f5a6b7c".into(),
        app_id: "b2c3d4e5-f6a7-4b8c-9d0e-1f2a3b4c5d6e".into(),
        display_name: "Acme Mail".into(),
        consent: "not requested: each user consents at first sign-in".into(),
        secret_end: Some("2028-11-22T10:30:00Z".into()),
    };
    let secret = IssuedSecret {
        value: SecretString::new(FAKE_SECRET.into()),
        hint: "FAK".into(),
        end_date_time: "2028-11-22T10:30:00Z".into(),
    };
    let proof = Proof::Verified {
        attempts: 3,
        waited: Duration::from_secs(3),
    };
    model.keep_secret(secret, Ok(proof));
    if step == Step::Connect {
        return model;
    }
    model.reveal.copied = Some(Copied::System);
    if step == Step::Reveal {
        return model;
    }
    model.reveal.acknowledged = true;
    model
}

/// An app as the tenant's list gives it.
fn listed_app(name: &str, app_id: &str, tags: &[&str]) -> Application {
    serde_json::from_value(json!({
        "id": "0b1ec700-de30-4000-8000-00000000a001",
        "appId": app_id,
        "displayName": name,
        "tags": tags,
    }))
    .expect("an app")
}

/// Support mode: the tenant's apps, then a half-broken Nylas app audited.
fn check_fixture(model: &mut Model) {
    let apps = vec![
        listed_app(
            "Acme Nylas (legacy)",
            "1e9ac700-de30-4000-8000-00000000a001",
            &[],
        ),
        listed_app(
            "Acme Mail",
            "b2c3d4e5-f6a7-4b8c-9d0e-1f2a3b4c5d6e",
            &["appreg-profile:nylas-v3"],
        ),
    ];
    model.apps.set_apps(apps);
    if model.step == Step::Apps {
        return;
    }
    let application: Application = serde_json::from_value(json!({
        "id": "0b1ec700-de30-4000-8000-00000000a001",
        "appId": "1e9ac700-de30-4000-8000-00000000a001",
        "displayName": "Acme Nylas (legacy)",
        "signInAudience": "AzureADMultipleOrgs",
        "web": {"redirectUris": ["https://api.nylas.com/oauth/callback"]},
        "spa": {"redirectUris": ["https://api.us.nylas.com/v3/connect/callback"]},
        "requiredResourceAccess": [],
        "passwordCredentials": [
            {"keyId": "6e1f0000-de30-4000-8000-00000000a001", "displayName": "nylas-2024", "endDateTime": "2026-10-15T00:00:00Z"},
            {"keyId": "6e1f0000-de30-4000-8000-00000000b002", "displayName": "prod", "endDateTime": "2027-03-01T00:00:00Z"}
        ],
    }))
    .expect("an app");
    let inspection = Inspection {
        application,
        context: AuditContext {
            tenant_id: model.tenant_id(),
            ..AuditContext::default()
        },
    };
    model.findings.findings = crate::doctor::audit(
        &inspection.application,
        &inspection.context,
        model.profile(),
        &model.catalog,
        model.now,
    )
    .expect("the demo's wants fit the preset");
    model.findings.app_id = inspection.application.app_id.clone();
    // The app has no appreg tag: the user named its platform.
    model.findings.platform_source = PlatformSource::Chosen;
    model.findings.inspection = Some(Box::new(inspection));
    model.findings.fixable = model.fix_steps(crate::doctor::FixOptions::default()).len();
    model.findings.phase = FindingsPhase::Audited;
}

/// A few optional settings, the logo a tiny PNG already read.
fn fill_settings(model: &mut Model) {
    let settings = &mut model.settings;
    settings.claims[0] = true;
    settings.hide_app = true;
    settings.homepage.set("https://acme.example");
    settings.logo_path.set("acme-logo.png");
    settings.logo = super::model::LogoFile::Read(
        crate::plan::Logo::from_bytes(TINY_PNG.to_vec(), "acme-logo.png").expect("a PNG"),
    );
    settings.publisher.set("1234567");
}

/// The start of a PNG: enough for its check, which reads the signature and the size.
pub const TINY_PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";

fn connected() -> Connected {
    Connected {
        kind: PlatformKind::Nylas,
        action: Action::Updated,
        url: "https://api.us.nylas.com/".into(),
        integration: "microsoft".into(),
        provider: "microsoft".into(),
        client_id: "b2c3d4e5-f6a7-4b8c-9d0e-1f2a3b4c5d6e".into(),
        tenant: None,
        scopes: vec!["offline_access".into(), "Mail.Read".into()],
        notes: vec!["The connector had another client id before: 0d2c…; it is replaced.".into()],
        was_this_app: false,
    }
}

fn done(op: Operation, method: Method, path: &str, status: u16, ms: u64, id: &str) -> Event {
    Event::Done {
        op,
        method,
        path: path.into(),
        status,
        latency: Duration::from_millis(ms),
        request_id: Some(id.into()),
    }
}

fn record_reads(model: &mut Model) {
    model.status.record(&done(
        Operation::ReadTenant,
        Method::Get,
        "/organization",
        200,
        142,
        "a1b2c3d4-0001",
    ));
    model.status.record(&done(
        Operation::ListTenants,
        Method::Get,
        "/tenants?api-version=2022-12-01",
        200,
        231,
        "a1b2c3d4-0002",
    ));
}

fn record_run(model: &mut Model) {
    let events = [
        done(
            Operation::ReadTenant,
            Method::Get,
            "/organization",
            200,
            118,
            "a1b2c3d4-0003",
        ),
        done(
            Operation::RegisterApp,
            Method::Patch,
            "/applications(uniqueName='appreg-7f3a')",
            201,
            412,
            "a1b2c3d4-0004",
        ),
        Event::Retrying {
            op: Operation::CreateServicePrincipal,
            reason: "waiting for directory replication".into(),
            attempt: 1,
            wait: Duration::from_millis(500),
        },
        done(
            Operation::CreateServicePrincipal,
            Method::Post,
            "/servicePrincipals",
            201,
            305,
            "a1b2c3d4-0005",
        ),
        done(
            Operation::AddSecret,
            Method::Post,
            "/applications/6a1f3c2e/addPassword",
            200,
            251,
            "a1b2c3d4-0006",
        ),
    ];
    for event in events {
        model.status.record(&event);
    }
    model.create.rows = vec![
        OpRow {
            op: Operation::ReadTenant,
            state: OpState::Done("200 in 118 ms".into()),
        },
        OpRow {
            op: Operation::RegisterApp,
            state: OpState::Done("201 in 412 ms".into()),
        },
        OpRow {
            op: Operation::CreateServicePrincipal,
            state: OpState::Done("201 in 305 ms".into()),
        },
        OpRow {
            op: Operation::AddSecret,
            state: OpState::Failed("policy".into()),
        },
    ];
}

/// The App step with five apps, the background audit still running: four reported (an error,
/// two warnings, a healthy one), the last one not yet.
pub fn audited_apps() -> Model {
    let mut model = fixture_model(Step::Apps);
    let mut apps = vec![
        listed_app(
            "Acme Nylas (legacy)",
            "1e9ac700-de30-4000-8000-00000000a001",
            &[],
        ),
        listed_app(
            "Acme Mail",
            "b2c3d4e5-f6a7-4b8c-9d0e-1f2a3b4c5d6e",
            &["appreg-profile:nylas-v3"],
        ),
        listed_app(
            "Contoso Helpdesk",
            "c0de0000-0000-4000-8000-000000000003",
            &[],
        ),
        listed_app(
            "Fabrikam Mailbox Synchronisation Service",
            "fab00000-0000-4000-8000-000000000004",
            &[],
        ),
        listed_app("Zeta Reports", "2e7a0000-0000-4000-8000-000000000005", &[]),
    ];
    apps.reverse();
    model.apps.set_apps(apps);
    let health = |app_id: &str, worst, days: Option<i64>| AppHealth {
        app_id: app_id.into(),
        worst,
        secret_expiry: days.map(|d| model.now + time::Duration::days(d)),
    };
    let reports = vec![
        health(
            "1e9ac700-de30-4000-8000-00000000a001",
            Some((Severity::Error, Code::RedirectUriMissing)),
            Some(-38),
        ),
        health(
            "b2c3d4e5-f6a7-4b8c-9d0e-1f2a3b4c5d6e",
            Some((Severity::Warning, Code::SecretExpiring30Days)),
            Some(7),
        ),
        health("c0de0000-0000-4000-8000-000000000003", None, Some(160)),
        health(
            "fab00000-0000-4000-8000-000000000004",
            Some((Severity::Warning, Code::SecretNone)),
            None,
        ),
    ];
    model.apps.learn(reports);
    model
}

pub(crate) fn render(model: &mut Model, width: u16, height: u16) -> String {
    model.size = (width, height);
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("test backend");
    terminal
        .draw(|frame| view::draw(frame, model))
        .expect("draw");
    terminal.backend().to_string()
}

fn name(step: Step) -> String {
    step.title().to_lowercase().replace(' ', "_")
}

#[test]
fn every_step_at_both_sizes() {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("snapshots");
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(|| {
        for step in Step::ALL {
            for (width, height) in [(80, 24), (120, 40)] {
                let mut model = fixture_model(step);
                let screen = render(&mut model, width, height);
                assert!(
                    !screen.contains(FAKE_SECRET),
                    "{step:?}: the secret is masked by default"
                );
                assert!(
                    !screen.contains(FAKE_API_KEY),
                    "{step:?}: the platform's key is never drawn"
                );
                insta::assert_snapshot!(format!("{}_{width}x{height}", name(step)), screen);
            }
        }
    });
}

#[test]
fn overlays_reveal_and_a_tiny_terminal() {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("snapshots");
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(|| {
        let mut model = fixture_model(Step::Permissions);
        model.overlay = Some(super::model::Overlay::Help);
        insta::assert_snapshot!("help_80x24", render(&mut model, 80, 24));

        let mut model = fixture_model(Step::Reveal);
        model.reveal.revealed = true;
        model.reveal.confirming = true;
        let screen = render(&mut model, 80, 24);
        assert!(screen.contains(FAKE_SECRET), "r reveals it");
        insta::assert_snapshot!("reveal_revealed_80x24", screen);

        let mut model = fixture_model(Step::Platform);
        insta::assert_snapshot!("too_small_60x20", render(&mut model, 60, 20));

        let mut model = fixture_model(Step::Findings);
        model.findings.phase = FindingsPhase::ConfirmingFix;
        insta::assert_snapshot!("findings_fix_80x24", render(&mut model, 80, 24));

        let mut model = fixture_model(Step::Platform);
        model.task = Task::Check;
        insta::assert_snapshot!("platform_check_80x24", render(&mut model, 80, 24));

        let mut model = fixture_model(Step::Done);
        model.overlay = Some(super::model::Overlay::Log);
        insta::assert_snapshot!("log_80x24", render(&mut model, 80, 24));

        // The platform refused the key: the message, the key field being fixed (bullets only).
        let mut model = fixture_model(Step::Connect);
        model.connect.problem = Some("Nylas refused the Nylas API key (HTTP 401, Unauthorized): check NYLAS_API_KEY: a key of the Nylas application you connect to".into());
        model.connect.focus = Some(super::model::ConnectField::Key);
        let screen = render(&mut model, 80, 24);
        assert!(!screen.contains(FAKE_API_KEY) && screen.contains("•••"));
        insta::assert_snapshot!("connect_refused_80x24", screen);

        // The connector signs in as another app: replacing it waits for y.
        let mut model = fixture_model(Step::Connect);
        model.connect.problem = Some("the Nylas connector 'microsoft' signs in as another app (0d2c0000-0000-4000-8000-000000000001). Replacing it makes every mailbox connected through it sign in again".into());
        model.connect.occupied_by = Some("0d2c0000-0000-4000-8000-000000000001".into());
        model.connect.confirming_replace = true;
        insta::assert_snapshot!("connect_occupied_80x24", render(&mut model, 80, 24));

        // Optional settings as typed: a URL Graph would refuse and a logo read, each checked.
        let mut model = fixture_model(Step::Settings);
        fill_settings(&mut model);
        model.settings.privacy.set("http://acme.example/privacy");
        model.settings.focus = super::model::SettingsFocus::Privacy;
        insta::assert_snapshot!("settings_checked_80x24", render(&mut model, 80, 24));

        // Review lists the optional settings in the portal's words, after the secret.
        let mut model = fixture_model(Step::Review);
        fill_settings(&mut model);
        model.review.scroll = super::model::Scroll::following_end();
        insta::assert_snapshot!("review_settings_80x24", render(&mut model, 80, 24));

        // Nylas holds the credentials: Done says what it created, at the end of the summary.
        let mut model = fixture_model(Step::Done);
        model.connect.phase = super::model::ConnectPhase::Connected(Box::new(connected()));
        model.done.scroll = super::model::Scroll::following_end();
        insta::assert_snapshot!("done_connected_80x24", render(&mut model, 80, 24));

        // Nylas holds the secret: the reveal still offers it, without asking to confirm.
        let mut model = fixture_model(Step::Reveal);
        model.connect.phase = super::model::ConnectPhase::Connected(Box::new(connected()));
        insta::assert_snapshot!("reveal_connected_80x24", render(&mut model, 80, 24));

        // Nylas v2 has no API: Done lists its dashboard's steps, ids filled in.
        let mut model = fixture_model(Step::Done);
        let v2 = model.profiles.iter().position(|p| p.id == "nylas-v2");
        model.apply_profile(v2.expect("the Nylas v2 preset"));
        model.done.scroll = super::model::Scroll::following_end();
        let screen = render(&mut model, 80, 24);
        assert!(screen.contains("no API"), "{screen}");
        insta::assert_snapshot!("done_dashboard_80x24", screen);

        // The background audit reported four of the five apps; worst first.
        let mut model = audited_apps();
        model.apps.cycle_sort(true);
        insta::assert_snapshot!("app_audited_80x24", render(&mut model, 80, 24));

        // "Acme Nylas (legacy)" has no appreg tag: which platform is it for?
        let mut model = fixture_model(Step::Apps);
        model.apps.list.cursor = 1;
        model.apps.platform_for = Some(1);
        insta::assert_snapshot!("app_platform_80x24", render(&mut model, 80, 24));
    });
}

/// Nylas v2: its deprecation on the platform screen, Exchange Web Services as a capability whose
/// row brings Microsoft's dates, and the guide's sample manifest as its page prints it, pasted.
#[test]
fn nylas_v2_deprecation_ews_and_the_printed_manifest() {
    const NYLAS_V2: usize = 1;
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("snapshots");
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(|| {
        let mut model = fixture_model(Step::Platform);
        model.platform.cursor = NYLAS_V2;
        let screen = render(&mut model, 80, 24);
        assert!(
            screen.contains("Nylas API v2 is deprecated since 2025-01-20"),
            "{screen}"
        );
        insta::assert_snapshot!("platform_nylas_v2_80x24", screen);

        let mut model = fixture_model(Step::Permissions);
        model.apply_profile(NYLAS_V2);
        model.permissions.cursor = model
            .permission_rows()
            .iter()
            .filter(|r| r.selectable())
            .position(|r| matches!(r, PermissionRow::Capability { .. }))
            .expect("the ews capability");
        let screen = render(&mut model, 80, 24);
        assert!(screen.contains("2027-04-01"), "{screen}");
        insta::assert_snapshot!("api_permissions_ews_80x24", screen);

        let printed = include_str!("../../tests/fixtures/seeds/nylas-v2-manifest-as-printed.txt");
        super::update::update(&mut model, super::msg::Msg::Paste(printed.into()));
        insta::assert_snapshot!("import_printed_80x24", render(&mut model, 80, 24));
        let ctrl_s = crossterm::event::KeyEvent::new(
            crossterm::event::KeyCode::Char('s'),
            crossterm::event::KeyModifiers::CONTROL,
        );
        super::update::update(&mut model, super::msg::Msg::Key(ctrl_s));
        let screen = render(&mut model, 80, 24);
        assert!(screen.contains("7 imported, 1 dropped"), "{screen}");
        insta::assert_snapshot!("api_permissions_imported_80x24", screen);
    });
}

#[test]
fn monochrome_sets_no_colour_anywhere() {
    for step in Step::ALL {
        let mut model = fixture_model(step);
        model.monochrome = true;
        let mut terminal = Terminal::new(TestBackend::new(120, 40)).expect("test backend");
        terminal
            .draw(|frame| view::draw(frame, &model))
            .expect("draw");
        let buffer = terminal.backend().buffer();
        let coloured = buffer.content().iter().find(|cell| {
            cell.fg != ratatui::style::Color::Reset || cell.bg != ratatui::style::Color::Reset
        });
        assert!(coloured.is_none(), "{step:?}: {coloured:?}");
    }
}

#[test]
fn tenants_the_account_belongs_to_are_told_apart_by_more_than_home() {
    let mut model = fixture_model(Step::Tenant);
    // ARM calls every tenant the account belongs to "Home", guest ones included.
    if let Load::Loaded(tenants) = &mut model.tenant.list.load {
        for tenant in tenants.iter_mut() {
            tenant.category = "Home".into();
        }
    }
    let screen = render(&mut model, 120, 40);
    assert!(!screen.contains("Home"), "{screen}");
    assert_eq!(screen.matches("signed in here").count(), 1, "{screen}");
}

#[test]
fn help_lists_the_keys_every_screen_shares() {
    let mut model = fixture_model(Step::Permissions);
    model.overlay = Some(super::model::Overlay::Help);
    let screen = render(&mut model, 80, 24);
    for words in [
        "Every screen",
        "back",
        "quit",
        "this help",
        "copy",
        "scroll",
        "paste",
    ] {
        assert!(screen.contains(words), "{words}:\n{screen}");
    }
}

#[test]
fn the_highlighted_platform_is_described_in_full() {
    let mut model = fixture_model(Step::Platform);
    for profile in model.profiles.clone() {
        // Wide enough for a description on one line of the detail pane, not in the list.
        let screen = render(&mut model, 120, 40);
        let tail: Vec<&str> = profile.summary.split_whitespace().rev().take(2).collect();
        let tail = format!("{} {}", tail[1], tail[0]);
        assert!(screen.contains(&tail), "{tail}:\n{screen}");
        model.platform.cursor += 1;
    }
}
