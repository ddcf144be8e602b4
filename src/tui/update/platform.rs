//! Platform: pick the preset the later steps start from.

use super::{Handled, KeyHint, hint, move_cursor};
use crate::tui::model::{Model, SignInPhase, Step, Task};
use crate::tui::msg::Effect;
use crossterm::event::{KeyCode, KeyEvent};

pub fn on_key(model: &mut Model, key: KeyEvent) -> Handled {
    if move_cursor(&mut model.platform.cursor, model.profiles.len(), key) {
        return Handled::nothing();
    }
    match key.code {
        KeyCode::Tab | KeyCode::BackTab | KeyCode::Left | KeyCode::Right => {
            model.task = match model.task {
                Task::Register => Task::Check,
                Task::Check => Task::Register,
            };
            Handled::nothing()
        }
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

pub fn keys(model: &Model) -> Vec<KeyHint> {
    let other = match model.task {
        Task::Register => "check an existing app",
        Task::Check => "register a new app",
    };
    vec![
        hint("↑↓", "choose"),
        hint("tab", other),
        hint("enter", "continue"),
    ]
}
