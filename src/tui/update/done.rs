//! Done: the summary; `w` writes it (without the secret) to a file, number keys copy its values.

use super::{Handled, KeyHint, SCROLL_HINT, hint};
use crate::secret::SecretString;
use crate::tui::model::{CLIENT_ID_LABEL, Model};
use crate::tui::msg::CopyTarget;
use crate::tui::msg::Effect;
use crossterm::event::{KeyCode, KeyEvent};

pub fn on_key(model: &mut Model, key: KeyEvent) -> Handled {
    match key.code {
        KeyCode::Char('w') => Handled::Yes(vec![Effect::WriteSummary {
            file_name: model.summary_file_name(),
            text: model.summary_text(),
        }]),
        KeyCode::Char('c') => {
            let app_id = model.done.registered.app_id.clone();
            Handled::Yes(vec![copy(CLIENT_ID_LABEL, app_id)])
        }
        KeyCode::Char(digit @ '1'..='9') => {
            let index = digit as usize - '1' as usize;
            match model.copy_targets().into_iter().nth(index) {
                Some((label, value)) => Handled::Yes(vec![copy(label, value)]),
                None => Handled::nothing(),
            }
        }
        KeyCode::Enter => Handled::Yes(super::ask_to_quit(model)),
        _ if model.done.scroll.on_key(key) => Handled::nothing(),
        _ => Handled::No,
    }
}

fn copy(label: &'static str, value: String) -> Effect {
    Effect::Copy {
        what: CopyTarget::Summary(label),
        text: SecretString::new(value),
    }
}

pub fn keys(_: &Model) -> Vec<KeyHint> {
    vec![
        hint("1-9", "copy"),
        hint("w", "write summary to a file"),
        SCROLL_HINT,
        hint("enter", "finish"),
    ]
}
