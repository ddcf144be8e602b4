//! Wizard figures: one full-screen frame drawn into a `TestBackend` (no terminal I/O) at 80×24
//! and 200×60 on the heaviest screens, and the time from spawning `appreg --demo` in a
//! pseudo-terminal to its first whole frame.
//!
//! Run: `cargo bench --bench render` (figures and targets in BENCHMARKS.md, "Wizard").

#[path = "../tests/pty/mod.rs"]
mod pty;

use appreg::doctor::{AuditContext, Inspection};
use appreg::graph::Method;
use appreg::graph::models::Application;
use appreg::progress::{Event, Operation};
use appreg::secret::SecretString;
use appreg::tui::model::{Model, Setup, Step, Task};
use appreg::tui::msg::{Created, IssuedSecret, Msg, SignInOption, TenantChoice};
use appreg::tui::{update, view};
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::time::{Duration, Instant};

const SIZES: [(u16, u16); 2] = [(80, 24), (200, 60)];

/// Looks like a secret, is not one.
const FAKE_SECRET: &str = "FAKE~not.a.real.secret-0123456789abcdefgh";

fn send(model: &mut Model, msg: Msg) {
    // The effects (Graph calls, timers) are not run: their answers are sent as messages below.
    let _ = update::update(model, msg);
}

fn key(model: &mut Model, code: KeyCode) {
    send(model, Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)));
}

fn call(op: Operation, method: Method, path: &str, status: u16) -> Event {
    Event::Done {
        op,
        method,
        path: path.into(),
        status,
        latency: Duration::from_millis(140),
        request_id: Some("a1b2c3d4-0000-4000-8000-000000000000".into()),
    }
}

fn tenants() -> Vec<TenantChoice> {
    ["Contoso", "Fabrikam Lab", "Northwind Traders"]
        .iter()
        .enumerate()
        .map(|(i, name)| TenantChoice {
            id: format!("72f988bf-86f1-41af-91ab-2d7cd011db4{i}"),
            name: (*name).into(),
            default_domain: format!("{}.onmicrosoft.com", name.to_lowercase().replace(' ', "")),
            category: if i == 0 { "Home" } else { "ProjectedBy" }.into(),
            current: i == 0,
        })
        .collect()
}

/// A wizard on `target`, reached the way a user gets there: keys, and the answers Graph gives.
fn model_on(target: Step, size: (u16, u16)) -> Model {
    let mut model = Model::new(Setup {
        demo: true,
        monochrome: false,
        clipboard_clear_after: Duration::from_secs(60),
        login_url: "https://login.microsoftonline.com".into(),
        now: time::OffsetDateTime::now_utc(),
        size,
        platform_presets: Vec::new(),
        publisher_verification: true,
    });
    key(&mut model, KeyCode::Enter);
    send(
        &mut model,
        Msg::SignInOptions(vec![SignInOption {
            method: appreg::auth::AuthMethod::DeviceCode,
            label: "device code".into(),
        }]),
    );
    send(
        &mut model,
        Msg::SignedIn {
            account: "ada@contoso.com".into(),
        },
    );
    for event in [
        call(Operation::ReadTenant, Method::Get, "/organization", 200),
        call(
            Operation::ListTenants,
            Method::Get,
            "/tenants?api-version=2022-12-01",
            200,
        ),
    ] {
        send(&mut model, Msg::Progress(event));
    }
    send(&mut model, Msg::Tenants(Ok(tenants())));
    key(&mut model, KeyCode::Enter);
    for c in "Acme Mail".chars() {
        key(&mut model, KeyCode::Char(c));
    }
    // Registration, redirect URIs, permissions, secret, optional settings: each Enter moves on.
    while model.step < target && model.step < Step::Create {
        key(&mut model, KeyCode::Enter);
    }
    if target >= Step::Reveal {
        send(
            &mut model,
            Msg::RunFinished(Ok(Box::new(Created {
                tenant_id: "72f988bf-86f1-41af-91ab-2d7cd011db40".into(),
                object_id: "6a1f3c2e-9b7d-4e8f-a0c1-2d3e4f5a6b7c".into(),
                app_id: "b2c3d4e5-f6a7-4b8c-9d0e-1f2a3b4c5d6e".into(),
                display_name: "Acme Mail".into(),
                consent: "not requested".into(),
                secret: IssuedSecret {
                    value: SecretString::new(FAKE_SECRET.into()),
                    hint: "FAK".into(),
                    end_date_time: "2028-11-22T10:30:00Z".into(),
                },
                proof: Ok(appreg::run::Proof::Verified {
                    attempts: 1,
                    waited: Duration::ZERO,
                }),
                settings: Vec::new(),
                adopted: None,
            }))),
        );
        // Nylas v3 could take the secret through its API; the bench copies it instead.
        if target > Step::Connect {
            key(&mut model, KeyCode::Char('s'));
        }
    }
    assert_eq!(model.step, target, "the bench model reached its step");
    model
}

/// Support mode on the findings of a half-broken Nylas app: the longest wrapped text.
fn findings_model(size: (u16, u16)) -> Model {
    let mut model = model_on(Step::Registration, size);
    model.step = Step::Tenant;
    model.task = Task::Check;
    key(&mut model, KeyCode::Enter);
    let app: Application = serde_json::from_value(serde_json::json!({
        "id": "0b1ec700-de30-4000-8000-00000000a001",
        "appId": "1e9ac700-de30-4000-8000-00000000a001",
        "displayName": "Acme Nylas (legacy)",
        "signInAudience": "AzureADMultipleOrgs",
        "web": {"redirectUris": ["https://api.nylas.com/oauth/callback"]},
        "spa": {"redirectUris": ["https://api.us.nylas.com/v3/connect/callback"]},
        "passwordCredentials": [{"keyId": "6e1f0000-de30-4000-8000-00000000a001", "endDateTime": "2025-10-15T00:00:00Z"}],
    }))
    .expect("an app");
    send(&mut model, Msg::Apps(Ok(vec![app.clone()])));
    // The app has no appreg tag: the wizard asks its platform; the bench judges it as Nylas v3.
    key(&mut model, KeyCode::Enter);
    model.apps.platform_for = Some(0);
    key(&mut model, KeyCode::Enter);
    let inspection = Inspection {
        application: app,
        context: AuditContext::default(),
    };
    send(&mut model, Msg::Inspected(Ok(Box::new(inspection))));
    assert!(
        !model.findings.findings.is_empty(),
        "the bench app has findings"
    );
    model
}

fn frame_render(c: &mut Criterion) {
    let mut group = c.benchmark_group("frame");
    for step in [
        Step::Permissions,
        Step::Review,
        Step::Reveal,
        Step::Findings,
    ] {
        for (width, height) in SIZES {
            let model = match step {
                Step::Findings => findings_model((width, height)),
                _ => model_on(step, (width, height)),
            };
            let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("backend");
            let id = BenchmarkId::new(step.title(), format!("{width}x{height}"));
            group.bench_function(id, |b| {
                b.iter(|| {
                    // A cleared terminal makes every frame a full one, as after a resize.
                    terminal.clear().expect("clear");
                    terminal
                        .draw(|frame| view::draw(frame, &model))
                        .expect("draw");
                });
            });
        }
    }
    group.finish();
}

/// From spawning the release binary to its first whole frame on the pty (the key-hint row is
/// drawn last), the embedded simulator's start included.
fn first_frame(c: &mut Criterion) {
    let mut group = c.benchmark_group("first_frame");
    group.sample_size(20);
    let dir = tempfile::tempdir().expect("temp dir");
    group.bench_function("demo_80x24", |b| {
        b.iter_custom(|runs| {
            let mut total = Duration::ZERO;
            for _ in 0..runs {
                let spawned = Instant::now();
                let wizard = pty::Wizard::demo(80, 24, dir.path());
                wizard.wait_for_row(23, "q quit", Duration::from_millis(1));
                total += spawned.elapsed();
            }
            total
        });
    });
    group.finish();
}

criterion_group!(benches, frame_render, first_frame);
criterion_main!(benches);
