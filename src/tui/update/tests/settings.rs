//! The Optional settings step: skipped by Enter when untouched, blocked by a problem at its
//! field, and what is set reaching the plan, the logo through its read.

use super::{at, press, type_text};
use crate::plan::{OptionalClaim, TokenKind};
use crate::progress::Operation;
use crate::run::SettingResult;
use crate::tui::model::{LogoFile, SettingsFocus, Step};
use crate::tui::msg::{Effect, Msg};
use crate::tui::snapshots::{TINY_PNG, fixture_model, render};
use crate::tui::update::{key_hints, typing, update};
use crossterm::event::KeyCode;

fn tab_to(model: &mut crate::tui::model::Model, field: SettingsFocus) {
    while model.settings.focus != field {
        press(model, KeyCode::Tab);
    }
}

#[test]
fn enter_on_the_untouched_step_goes_on_and_adds_nothing() {
    let mut model = at(Step::Settings);
    assert!(Step::Settings.is_optional());
    assert!(
        key_hints(&model)
            .iter()
            .any(|h| h.keys == "enter" && h.action == "skip")
    );
    assert!(press(&mut model, KeyCode::Enter).is_empty());
    assert_eq!(model.step, Step::Review);
    assert!(model.choices().settings.is_empty());
    press(&mut model, KeyCode::Esc);
    assert_eq!(model.step, Step::Settings, "Esc comes back");
}

#[test]
fn an_http_address_blocks_enter_with_the_reason_under_its_field() {
    let mut model = at(Step::Settings);
    tab_to(&mut model, SettingsFocus::Homepage);
    assert!(typing(&model), "q is a letter in an address");
    type_text(&mut model, "http://acme.example");
    tab_to(&mut model, SettingsFocus::Claims);
    press(&mut model, KeyCode::Enter);
    assert_eq!(model.step, Step::Settings);
    assert_eq!(model.settings.focus, SettingsFocus::Homepage);
    let problem = model
        .settings
        .problem_at(SettingsFocus::Homepage, true)
        .unwrap_or_default();
    assert!(problem.contains("must be an https address"), "{problem}");
    assert!(render(&mut model, 80, 24).contains("must be an https"));
    for _ in 0.."http://acme.example".len() {
        press(&mut model, KeyCode::Backspace);
    }
    type_text(&mut model, "https://acme.example");
    press(&mut model, KeyCode::Enter);
    assert_eq!(model.step, Step::Review);
    let homepage = model
        .plan()
        .ok()
        .and_then(|(p, _)| p.spec.settings.homepage_url);
    assert_eq!(homepage.as_deref(), Some("https://acme.example"));
}

#[test]
fn claims_and_visibility_reach_the_choices() {
    let mut model = at(Step::Settings);
    press(&mut model, KeyCode::Char(' '));
    press(&mut model, KeyCode::Right);
    press(&mut model, KeyCode::Right);
    press(&mut model, KeyCode::Char(' '));
    tab_to(&mut model, SettingsFocus::Visible);
    press(&mut model, KeyCode::Char(' '));
    let settings = model.choices().settings;
    let id = |name: &str| OptionalClaim {
        token: TokenKind::Id,
        name: name.into(),
    };
    assert_eq!(settings.optional_claims, [id("email"), id("given_name")]);
    assert!(settings.hide_app);
    press(&mut model, KeyCode::Enter);
    assert_eq!(model.step, Step::Review);
    let summary = model
        .plan()
        .map(|(plan, _)| plan.spec.settings.summary())
        .unwrap_or_default();
    assert!(summary.contains(&("Token configuration", "id:email, id:given_name".into())));
    assert!(summary.contains(&("Visible to users?", "No".into())));
}

#[test]
fn the_logo_is_read_by_an_effect_and_enter_goes_on_once_it_is_fit() {
    let mut model = at(Step::Settings);
    tab_to(&mut model, SettingsFocus::Logo);
    type_text(&mut model, "logo.gif");
    let effects = press(&mut model, KeyCode::Enter);
    assert!(
        matches!(&effects[..], [Effect::ReadLogo { path }] if path == "logo.gif"),
        "{effects:?}"
    );
    assert_eq!(model.step, Step::Settings, "waits for the read");
    update(
        &mut model,
        Msg::LogoRead {
            path: "logo.gif".into(),
            result: Err("logo.gif is not a PNG or JPEG image".into()),
        },
    );
    assert_eq!(model.step, Step::Settings);
    assert_eq!(model.settings.focus, SettingsFocus::Logo);
    assert!(render(&mut model, 80, 24).contains("not a PNG or JPEG"));
    assert!(
        press(&mut model, KeyCode::Enter).is_empty(),
        "not read again"
    );

    for _ in 0.."gif".len() {
        press(&mut model, KeyCode::Backspace);
    }
    type_text(&mut model, "png");
    // Tab reads it too, so the check shows before Enter.
    let effects = press(&mut model, KeyCode::Tab);
    assert!(matches!(&effects[..], [Effect::ReadLogo { path }] if path == "logo.png"));
    let logo = crate::plan::Logo::from_bytes(TINY_PNG.to_vec(), "logo.png");
    update(
        &mut model,
        Msg::LogoRead {
            path: "logo.png".into(),
            result: logo,
        },
    );
    assert!(matches!(model.settings.logo, LogoFile::Read(_)));
    assert_eq!(model.step, Step::Settings, "Tab alone does not go on");
    press(&mut model, KeyCode::Enter);
    assert_eq!(model.step, Step::Review);
    let logo = model.choices().settings.logo;
    assert_eq!(logo.map(|l| l.content_type), Some("image/png"));
}

#[test]
fn the_publisher_is_offered_in_the_global_cloud_only() {
    let mut model = at(Step::Settings);
    tab_to(&mut model, SettingsFocus::Publisher);
    type_text(&mut model, "1234567");
    assert_eq!(
        model.choices().settings.publisher_id.as_deref(),
        Some("1234567")
    );
    model.publisher_verification = false;
    assert!(model.choices().settings.publisher_id.is_none());
    model.settings.focus = SettingsFocus::Logo;
    press(&mut model, KeyCode::Tab);
    assert_eq!(
        model.settings.focus,
        SettingsFocus::Claims,
        "no publisher field"
    );
    let screen = render(&mut model, 80, 24);
    assert!(
        !screen.contains("Publisher MPN ID") && screen.contains("Publisher verification exists"),
        "{screen}"
    );
}

#[test]
fn done_says_how_the_logo_and_the_publisher_went() {
    let mut model = fixture_model(Step::Done);
    model.settings.logo_path.set("logo.png");
    model.settings.logo = LogoFile::Read(
        crate::plan::Logo::from_bytes(TINY_PNG.to_vec(), "logo.png").expect("a PNG"),
    );
    model.settings.publisher.set("7654321");
    model.done.settings = vec![
        SettingResult {
            op: Operation::UploadLogo,
            what: "Upload the logo logo.png".into(),
            failure: None,
        },
        SettingResult {
            op: Operation::VerifyPublisher,
            what: "Verify the publisher with Microsoft Partner Network id 7654321".into(),
            failure: Some("the MPN id is not one of this tenant's".into()),
        },
    ];
    let summary = model.summary_text();
    assert!(summary.contains("logo.png (16 bytes): done"), "{summary}");
    assert!(
        summary.contains("MPN id 7654321: failed (the MPN id is not one of this tenant's)"),
        "{summary}"
    );
    assert!(
        summary.contains("Publisher  "),
        "still unverified: {summary}"
    );
}
