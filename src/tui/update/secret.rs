//! Client secret: how long it lasts (the portal's 6, 12, 24 months or a date) and its description.

use super::{Handled, KeyHint, hint, move_cursor};
use crate::tui::model::{LIFETIME_MONTHS, Model, SecretFocus, Step};
use crossterm::event::{KeyCode, KeyEvent};

fn sections(model: &Model) -> Vec<SecretFocus> {
    let mut sections = vec![SecretFocus::Lifetime];
    if model.secret.custom_date() {
        sections.push(SecretFocus::Date);
    }
    sections.push(SecretFocus::Description);
    sections
}

pub fn on_key(model: &mut Model, key: KeyEvent) -> Handled {
    match key.code {
        KeyCode::Tab | KeyCode::BackTab => {
            let sections = sections(model);
            let here = sections
                .iter()
                .position(|s| *s == model.secret.focus)
                .unwrap_or(0);
            let step = if key.code == KeyCode::Tab {
                1
            } else {
                sections.len() - 1
            };
            model.secret.focus = sections[(here + step) % sections.len()];
            return Handled::nothing();
        }
        KeyCode::Enter => {
            if model.secret_error().is_some() && model.secret.custom_date() {
                model.secret.focus = SecretFocus::Date;
            } else {
                model.step = model.step_after(Step::Secret);
            }
            return Handled::nothing();
        }
        _ => {}
    }
    let state = &mut model.secret;
    let used = match state.focus {
        SecretFocus::Lifetime => move_cursor(&mut state.lifetime, LIFETIME_MONTHS.len() + 1, key),
        SecretFocus::Date => state.date.handle_key(key),
        SecretFocus::Description => state.description.handle_key(key),
    };
    if used {
        Handled::nothing()
    } else {
        Handled::No
    }
}

pub fn on_paste(model: &mut Model, text: &str) {
    match model.secret.focus {
        SecretFocus::Date => model.secret.date.insert_str(text.trim()),
        SecretFocus::Description => model.secret.description.insert_str(text),
        SecretFocus::Lifetime => {}
    }
}

pub fn typing(model: &Model) -> bool {
    model.secret.focus != SecretFocus::Lifetime
}

pub fn keys(model: &Model) -> Vec<KeyHint> {
    let first = match model.secret.focus {
        SecretFocus::Lifetime => hint("↑↓", "lifetime"),
        SecretFocus::Date => hint("type", "YYYY-MM-DD"),
        SecretFocus::Description => hint("type", "description"),
    };
    vec![first, hint("tab", "next field"), hint("enter", "continue")]
}
