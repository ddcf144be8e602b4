//! Secret reveal: masked until asked, copied on request, and left only after the user confirms
//! they saved it (Enter, then `y`: two deliberate keys, never one stray one). When the platform
//! holds it already, Enter alone goes on: nothing is lost if the user never copies it.

use super::{Handled, KeyHint, hint};
use crate::clipboard::Copied;
use crate::tui::model::{Model, SignInPhase, Step};
use crate::tui::msg::CopyTarget;
use crate::tui::msg::Effect;
use crossterm::event::{KeyCode, KeyEvent};

pub fn on_key(model: &mut Model, key: KeyEvent) -> Handled {
    let platform_holds_it = model.platform_holds_secret();
    let reveal = &mut model.reveal;
    if reveal.confirming {
        if key.code == KeyCode::Char('y') || key.code == KeyCode::Char('Y') {
            reveal.acknowledged = true;
            reveal.revealed = false;
            model.step = Step::Done;
            let mut effects = vec![Effect::SecretSaved];
            // Skipped without a refusal, or a platform without an API: the user has it now.
            effects.extend(super::rotate::retire_old_secrets(model));
            return Handled::Yes(effects);
        }
        // Anything but `y` keeps the user here, secret still on screen.
        reveal.confirming = false;
        return Handled::nothing();
    }
    match key.code {
        KeyCode::Char('r') => {
            reveal.revealed ^= true;
            reveal.seen = true;
        }
        KeyCode::Char('c') => {
            let Some(secret) = &reveal.secret else {
                return Handled::nothing();
            };
            let text = secret.duplicate();
            return Handled::Yes(vec![Effect::Copy {
                what: CopyTarget::Secret,
                text,
            }]);
        }
        KeyCode::Enter if platform_holds_it => {
            reveal.revealed = false;
            model.step = Step::Done;
        }
        KeyCode::Enter => reveal.confirming = true,
        _ => return Handled::No,
    }
    Handled::nothing()
}

pub fn keys(model: &Model) -> Vec<KeyHint> {
    if model.reveal.confirming {
        return vec![
            hint("y", "yes, I saved it"),
            hint("any other key", "not yet"),
        ];
    }
    vec![
        hint(
            "r",
            if model.reveal.revealed {
                "hide"
            } else {
                "reveal"
            },
        ),
        hint("c", "copy"),
        if model.platform_holds_secret() {
            hint("enter", "continue")
        } else {
            hint("enter", "I have saved it")
        },
    ]
}

pub fn on_copied(model: &mut Model, what: CopyTarget, outcome: Copied) -> Vec<Effect> {
    match what {
        CopyTarget::DeviceCode => {
            if let SignInPhase::DeviceCode { copied, .. } = &mut model.sign_in.phase {
                *copied = Some(outcome);
            }
        }
        CopyTarget::Secret => {
            model.reveal.seen |= !matches!(outcome, Copied::Failed(_));
            model.reveal.copied = Some(outcome);
            model.reveal.cleared = None;
        }
        CopyTarget::Summary(label) => model.done.copied = Some((label, outcome)),
    }
    Vec::new()
}
