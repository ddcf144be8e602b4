//! Registration: the app's name (checked as it is typed) and who may sign in to it.

use super::{Handled, KeyHint, hint, move_cursor};
use crate::tui::model::{Model, RegistrationFocus, Step};
use crossterm::event::{KeyCode, KeyEvent};

pub fn on_key(model: &mut Model, key: KeyEvent) -> Handled {
    let audiences = model.profile().allowed_audiences.len();
    let state = &mut model.registration;
    match (state.focus, key.code) {
        (_, KeyCode::Tab | KeyCode::BackTab) => {
            state.focus = match state.focus {
                RegistrationFocus::Name => RegistrationFocus::Audience,
                RegistrationFocus::Audience => RegistrationFocus::Name,
            };
        }
        (_, KeyCode::Enter) => {
            if model.name_error().is_some() {
                model.registration.focus = RegistrationFocus::Name;
                model.registration.show_problem = true;
            } else {
                model.step = Step::RedirectUris;
            }
        }
        (RegistrationFocus::Name, KeyCode::Down) => state.focus = RegistrationFocus::Audience,
        (RegistrationFocus::Name, _) => {
            if !state.name.handle_key(key) {
                return Handled::No;
            }
        }
        (RegistrationFocus::Audience, KeyCode::Up) if state.audience == 0 => {
            state.focus = RegistrationFocus::Name;
        }
        (RegistrationFocus::Audience, _) => {
            if !move_cursor(&mut state.audience, audiences, key) {
                return Handled::No;
            }
        }
    }
    Handled::nothing()
}

pub fn on_paste(model: &mut Model, text: &str) {
    if model.registration.focus == RegistrationFocus::Name {
        model.registration.name.insert_str(text);
    }
}

pub fn typing(model: &Model) -> bool {
    model.registration.focus == RegistrationFocus::Name
}

pub fn keys(model: &Model) -> Vec<KeyHint> {
    match model.registration.focus {
        RegistrationFocus::Name => vec![
            hint("type", "app name"),
            hint("tab", "account types"),
            hint("enter", "continue"),
        ],
        RegistrationFocus::Audience => vec![
            hint("↑↓", "account type"),
            hint("tab", "name"),
            hint("enter", "continue"),
        ],
    }
}
