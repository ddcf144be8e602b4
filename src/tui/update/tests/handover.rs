//! Handing the new secret over: what a rotation removes and when, a connector that signs in as
//! another app, and the fields checked before anything is sent.

use super::connect_step::{connected, created_for};
use super::{press, rotated, rotation, type_text};
use crate::platform::{PlatformError, PlatformKind};
use crate::run::{ConnectError, Proof, ProveError};
use crate::tui::model::{ConnectField, Model, Step, StepStatus};
use crate::tui::msg::{ConnectFailure, Effect, Msg};
use crate::tui::snapshots::fixture_model;
use crate::tui::update::{key_hints, update};
use crossterm::event::KeyCode;
use std::time::Duration;

const OBJECT_ID: &str = "0b1ec700-de30-4000-8000-00000000a001";
const EARLIER: &str = "6e1f0000-de30-4000-8000-0000000ea71e";

fn verified() -> Result<Proof, ProveError> {
    Ok(Proof::Verified {
        attempts: 1,
        waited: Duration::ZERO,
    })
}

fn removes(effects: &[Effect]) -> bool {
    effects
        .iter()
        .any(|e| matches!(e, Effect::RemoveOldSecrets { object_id, .. } if object_id == OBJECT_ID))
}

/// The fixture's checked app, its first old secret chosen for removal, rotated with `proof`.
fn rotated_with(proof: Result<Proof, ProveError>) -> Model {
    let mut model = fixture_model(Step::Rotate);
    model.rotate.removal = 1;
    press(&mut model, KeyCode::Enter);
    update(&mut model, rotated(proof));
    model
}

/// Skips Connect (if on it) and confirms saving the secret; the effects of the confirmation.
fn skip_and_save(model: &mut Model) -> Vec<Effect> {
    if model.step == Step::Connect {
        press(model, KeyCode::Char('s'));
    }
    press(model, KeyCode::Enter);
    press(model, KeyCode::Char('y'))
}

fn why_kept(model: &Model) -> String {
    match &model.done.removals {
        Some(Err(why)) => why.clone(),
        other => panic!("{other:?}"),
    }
}

fn refusal(message: &str) -> Msg {
    Msg::Connected(Err(ConnectFailure::plain(message)))
}

#[test]
fn after_a_refusal_saving_the_secret_removes_nothing_and_done_says_why() {
    let mut model = rotated_with(verified());
    press(&mut model, KeyCode::Enter);
    update(&mut model, refusal("Nylas answered HTTP 500"));
    let effects = skip_and_save(&mut model);
    assert!(matches!(effects[..], [Effect::SecretSaved]), "{effects:?}");
    assert!(
        why_kept(&model).contains("still signs in with the old secret"),
        "{}",
        why_kept(&model)
    );
    assert!(model.summary_text().contains("Not removed"));
}

#[test]
fn an_unproven_secret_removes_nothing_even_once_the_platform_holds_it() {
    let unproven = || {
        Ok(Proof::Unproven {
            reason: "a Conditional Access policy".into(),
        })
    };
    let mut model = rotated_with(unproven());
    press(&mut model, KeyCode::Enter);
    let effects = update(&mut model, Msg::Connected(Ok(connected())));
    assert!(!removes(&effects), "{effects:?}");
    assert!(why_kept(&model).contains("not been proven"));

    let mut model = rotated_with(unproven());
    assert!(!removes(&skip_and_save(&mut model)));
    assert!(why_kept(&model).contains("not been proven"));
}

#[test]
fn a_rotated_secret_that_never_signs_in_goes_to_the_reveal_not_the_platform() {
    let mut model = rotated_with(Err(ProveError::Expired {
        description: "AADSTS7000222".into(),
    }));
    assert_eq!(model.step, Step::Reveal);
    assert_eq!(model.status_of(Step::Connect), StepStatus::Pending);
    assert!(!removes(&skip_and_save(&mut model)));
    assert_eq!(model.step, Step::Done);
    assert!(why_kept(&model).contains("not been proven"));
}

#[test]
fn a_platform_without_an_api_removes_the_old_secret_once_saved() {
    let mut model = fixture_model(Step::Rotate);
    let v2 = model.profiles.iter().position(|p| p.connect.is_none());
    model.platform.applied = v2;
    model.rotate.removal = 1;
    press(&mut model, KeyCode::Enter);
    update(&mut model, rotated(verified()));
    assert_eq!(model.step, Step::Reveal, "no Connect step");
    assert!(removes(&skip_and_save(&mut model)));
}

#[test]
fn a_secret_an_earlier_run_left_with_the_platform_goes_only_once_it_holds_the_new_one() {
    let with_earlier = || {
        let mut model = fixture_model(Step::Rotate);
        press(&mut model, KeyCode::Enter);
        let mut created = rotation(verified());
        created.adopted = Some(EARLIER.into());
        update(&mut model, Msg::Rotated(Ok(created)));
        model
    };
    // Nothing chosen for removal, but the earlier secret goes once the platform switched.
    let mut model = with_earlier();
    press(&mut model, KeyCode::Enter);
    assert!(removes(&update(
        &mut model,
        Msg::Connected(Ok(connected()))
    )));
    // Saved by the user instead: the platform may still sign in with it, so it stays.
    let mut model = with_earlier();
    assert!(!removes(&skip_and_save(&mut model)));
    assert!(model.done.removals.is_none(), "nothing was asked to go");
}

#[test]
fn a_connector_of_another_app_is_replaced_only_after_o_then_y() {
    let occupied = ConnectError::Platform(PlatformError::Occupied {
        platform: PlatformKind::Nylas,
        name: "microsoft".into(),
        client_id: "0d2c0000-0000-4000-8000-000000000001".into(),
    });
    let failure = ConnectFailure::of(&occupied);
    assert!(!failure.message.contains("--"), "{}", failure.message);
    assert!(
        failure.message.contains("sign in again"),
        "{}",
        failure.message
    );
    let mut model = created_for("nylas-v3");
    let effects = press(&mut model, KeyCode::Enter);
    assert!(matches!(&effects[..], [Effect::Connect(r)] if !r.replace));
    update(&mut model, Msg::Connected(Err(failure)));
    assert!(key_hints(&model).iter().any(|h| h.keys == "o"));
    // Any key but y keeps the connector.
    press(&mut model, KeyCode::Char('o'));
    assert!(model.connect.confirming_replace);
    assert!(press(&mut model, KeyCode::Char('n')).is_empty());
    assert!(!model.connect.confirming_replace);
    assert_eq!(model.step, Step::Connect);
    press(&mut model, KeyCode::Char('o'));
    let effects = press(&mut model, KeyCode::Char('y'));
    assert!(
        matches!(&effects[..], [Effect::Connect(r)] if r.replace),
        "{effects:?}"
    );
    // A connector that is not Microsoft's is named without a command-line flag.
    let other = ConnectError::Platform(PlatformError::NotMicrosoft {
        platform: PlatformKind::Nango,
        name: "outlook".into(),
        provider: "google".into(),
    });
    let words = ConnectFailure::of(&other);
    assert!(!words.message.contains("--") && words.occupied_by.is_none());
}

#[test]
fn the_nango_integration_key_is_checked_before_sending() {
    let mut model = created_for("nango");
    model.connect.url.set("https://api.nango.dev");
    model.connect.key.insert_str("nango-secret");
    model.connect.focus = Some(ConnectField::Integration);
    type_text(&mut model, "/../x");
    let effects = press(&mut model, KeyCode::Enter);
    assert!(effects.is_empty(), "{effects:?}");
    assert_eq!(model.connect.focus, Some(ConnectField::Integration));
    let problem = model.connect.problem.clone().unwrap_or_default();
    assert!(problem.contains("not an integration key"), "{problem}");
    let screen = super::render(&mut model, 80, 24);
    assert!(screen.contains("not an integration key"), "{screen}");
    model.connect.integration.set("outlook-2");
    let effects = press(&mut model, KeyCode::Enter);
    assert!(
        matches!(&effects[..], [Effect::Connect(r)] if r.target.integration == "outlook-2"),
        "{effects:?}"
    );
}

#[test]
fn a_rotation_never_guesses_the_platform_of_an_app_in_none_of_its_regions() {
    let mut model = fixture_model(Step::Rotate);
    model.demo = false;
    model.platform_presets.clear();
    if let Some(inspection) = model.findings.inspection.as_mut() {
        inspection.application.spa = None;
    }
    press(&mut model, KeyCode::Enter);
    update(&mut model, rotated(verified()));
    assert_eq!(model.step, Step::Connect);
    assert_eq!(model.connect.url.value(), "");
    let note = model.connect.url_note.clone().unwrap_or_default();
    assert!(
        note.contains("type the address") && !note.contains("--"),
        "{note}"
    );
    assert!(press(&mut model, KeyCode::Enter).is_empty());
    assert_eq!(model.connect.focus, Some(ConnectField::Url));
}
