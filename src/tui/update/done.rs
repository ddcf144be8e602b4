//! Done: the summary; `w` writes it (without the secret) to a file.

use super::{Handled, KeyHint, SCROLL_HINT, hint};
use crate::secret::SecretString;
use crate::tui::effects::Effect;
use crate::tui::model::Model;
use crate::tui::msg::CopyTarget;
use crossterm::event::{KeyCode, KeyEvent};

pub fn on_key(model: &mut Model, key: KeyEvent) -> Handled {
    match key.code {
        KeyCode::Char('w') => Handled::Yes(vec![Effect::WriteSummary {
            file_name: model.summary_file_name(),
            text: model.summary_text(),
        }]),
        KeyCode::Char('c') => {
            let text = SecretString::new(model.done.registered.app_id.clone());
            Handled::Yes(vec![Effect::Copy {
                what: CopyTarget::ClientId,
                text,
            }])
        }
        KeyCode::Enter => Handled::Yes(super::ask_to_quit(model)),
        _ if model.done.scroll.on_key(key) => Handled::nothing(),
        _ => Handled::No,
    }
}

pub fn keys(_: &Model) -> Vec<KeyHint> {
    vec![
        hint("w", "write summary to a file"),
        hint("c", "copy client id"),
        SCROLL_HINT,
        hint("enter", "finish"),
    ]
}
