//! Platform: pick the preset the later steps start from.

use super::{Handled, KeyHint, hint, move_cursor};
use crate::tui::effects::Effect;
use crate::tui::model::{Model, SignInPhase, Step};
use crossterm::event::{KeyCode, KeyEvent};

pub fn on_key(model: &mut Model, key: KeyEvent) -> Handled {
    if move_cursor(&mut model.platform.cursor, model.profiles.len(), key) {
        return Handled::nothing();
    }
    match key.code {
        KeyCode::Enter => {
            model.apply_profile(model.platform.cursor);
            model.step = Step::SignIn;
            let detect =
                model.sign_in.phase == SignInPhase::Detecting && model.sign_in.options.is_empty();
            Handled::Yes(if detect {
                vec![Effect::DetectSignIn]
            } else {
                Vec::new()
            })
        }
        _ => Handled::No,
    }
}

pub fn keys(_: &Model) -> Vec<KeyHint> {
    vec![hint("↑↓", "choose"), hint("enter", "continue")]
}
