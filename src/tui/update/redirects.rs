//! Redirect URIs: the preset's regions, a self-hosted server, extra URIs checked line by line,
//! and the implicit-grant switches.

use super::{Handled, KeyHint, hint, move_cursor};
use crate::tui::model::{Model, RedirectFocus, Step, edit_area};
use crossterm::event::{KeyCode, KeyEvent};

/// The order Tab walks through the sections; the URL field exists only while self-hosting.
fn sections(model: &Model) -> Vec<RedirectFocus> {
    let mut sections = vec![RedirectFocus::Regions];
    if model.redirects.self_hosted {
        sections.push(RedirectFocus::SelfHostedUrl);
    }
    sections.extend([RedirectFocus::Extra, RedirectFocus::Implicit]);
    sections
}

/// Rows of the region list: one per region, then the self-hosted switch if the platform has one.
pub fn region_rows(model: &Model) -> usize {
    model.profile().regions.len() + usize::from(model.profile().self_hosted.is_some())
}

pub fn on_key(model: &mut Model, key: KeyEvent) -> Handled {
    match key.code {
        KeyCode::Tab | KeyCode::BackTab => {
            let sections = sections(model);
            let here = sections
                .iter()
                .position(|s| *s == model.redirects.focus)
                .unwrap_or(0);
            let next = if key.code == KeyCode::Tab {
                (here + 1) % sections.len()
            } else {
                (here + sections.len() - 1) % sections.len()
            };
            model.redirects.focus = sections[next];
            model.redirects.cursor = 0;
            return Handled::nothing();
        }
        KeyCode::Esc => return Handled::No,
        _ => {}
    }
    match model.redirects.focus {
        RedirectFocus::Extra => {
            edit_area(&mut model.redirects.extra, key);
            Handled::nothing()
        }
        RedirectFocus::SelfHostedUrl if key.code != KeyCode::Enter => {
            if model.redirects.self_hosted_url.handle_key(key) {
                Handled::nothing()
            } else {
                Handled::No
            }
        }
        RedirectFocus::Regions | RedirectFocus::Implicit | RedirectFocus::SelfHostedUrl => {
            on_list_key(model, key)
        }
    }
}

fn on_list_key(model: &mut Model, key: KeyEvent) -> Handled {
    let rows = match model.redirects.focus {
        RedirectFocus::Regions => region_rows(model),
        _ => 2,
    };
    if model.redirects.focus != RedirectFocus::SelfHostedUrl
        && move_cursor(&mut model.redirects.cursor, rows, key)
    {
        return Handled::nothing();
    }
    match key.code {
        KeyCode::Char(' ') => {
            toggle(model);
            Handled::nothing()
        }
        KeyCode::Enter => {
            if model.redirect_error().is_none() {
                model.step = Step::Permissions;
            }
            Handled::nothing()
        }
        _ => Handled::No,
    }
}

fn toggle(model: &mut Model) {
    let regions = model.profile().regions.len();
    let state = &mut model.redirects;
    let cursor = state.cursor;
    match state.focus {
        RedirectFocus::Regions if cursor < regions => state.regions[cursor] ^= true,
        RedirectFocus::Regions => state.self_hosted ^= true,
        RedirectFocus::Implicit if cursor == 0 => state.access_tokens ^= true,
        RedirectFocus::Implicit => state.id_tokens ^= true,
        _ => {}
    }
}

pub fn on_paste(model: &mut Model, text: &str) {
    match model.redirects.focus {
        RedirectFocus::Extra => {
            model
                .redirects
                .extra
                .insert_str(text.replace("\r\n", "\n").replace('\r', "\n"));
        }
        RedirectFocus::SelfHostedUrl => model.redirects.self_hosted_url.insert_str(text.trim()),
        _ => {}
    }
}

pub fn typing(model: &Model) -> bool {
    matches!(
        model.redirects.focus,
        RedirectFocus::Extra | RedirectFocus::SelfHostedUrl
    )
}

pub fn keys(model: &Model) -> Vec<KeyHint> {
    let mut keys = match model.redirects.focus {
        RedirectFocus::Regions | RedirectFocus::Implicit => {
            vec![hint("↑↓", "move"), hint("space", "tick")]
        }
        RedirectFocus::SelfHostedUrl => vec![hint("type", "server URL")],
        RedirectFocus::Extra => vec![hint("type", "one URI a line")],
    };
    keys.push(hint("tab", "next field"));
    if model.redirects.focus != RedirectFocus::Extra {
        keys.push(hint("enter", "continue"));
    }
    keys
}
