//! Optional settings: token configuration, "Visible to users?", branding and the publisher.
//! Enter on an untouched step goes on; a problem keeps the user at its field. Tab moves between
//! fields; leaving the logo field reads the file (an effect), and Enter waits for that read.

use super::{Handled, KeyHint, hint, move_cursor};
use crate::plan::Logo;
use crate::tui::model::{CLAIMS, LogoFile, Model, SettingsFocus, SettingsStep, Step};
use crate::tui::msg::Effect;
use crossterm::event::{KeyCode, KeyEvent};

pub fn on_key(model: &mut Model, key: KeyEvent) -> Handled {
    let offered = model.publisher_verification;
    let settings = &mut model.settings;
    match key.code {
        KeyCode::Tab | KeyCode::BackTab => {
            let effects = leave_field(settings);
            let fields = SettingsStep::fields(offered);
            let here = fields
                .iter()
                .position(|f| *f == settings.focus)
                .unwrap_or(0);
            let step = if key.code == KeyCode::Tab {
                1
            } else {
                fields.len() - 1
            };
            settings.focus = fields[(here + step) % fields.len()];
            return Handled::Yes(effects);
        }
        KeyCode::Enter => return Handled::Yes(go_on(model)),
        _ => {}
    }
    let used = match settings.focus {
        SettingsFocus::Claims => match key.code {
            KeyCode::Char(' ') => {
                let on = &mut settings.claims[settings.claim_cursor];
                *on = !*on;
                true
            }
            // The claims sit side by side: ← and → walk them like ↑ and ↓.
            KeyCode::Left => move_cursor(
                &mut settings.claim_cursor,
                CLAIMS.len(),
                as_key(KeyCode::Up),
            ),
            KeyCode::Right => move_cursor(
                &mut settings.claim_cursor,
                CLAIMS.len(),
                as_key(KeyCode::Down),
            ),
            _ => move_cursor(&mut settings.claim_cursor, CLAIMS.len(), key),
        },
        SettingsFocus::Visible => {
            let toggles = matches!(
                key.code,
                KeyCode::Char(' ') | KeyCode::Left | KeyCode::Right
            );
            settings.hide_app ^= toggles;
            toggles
        }
        SettingsFocus::Homepage => settings.homepage.handle_key(key),
        SettingsFocus::Privacy => settings.privacy.handle_key(key),
        SettingsFocus::Terms => settings.terms.handle_key(key),
        SettingsFocus::Logo => settings.logo_path.handle_key(key),
        SettingsFocus::Publisher => settings.publisher.handle_key(key),
    };
    if used {
        Handled::nothing()
    } else {
        Handled::No
    }
}

fn as_key(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, crossterm::event::KeyModifiers::NONE)
}

/// Leaving the logo field reads the file named there, so its check shows under it.
fn leave_field(settings: &mut SettingsStep) -> Vec<Effect> {
    if settings.focus == SettingsFocus::Logo && settings.logo_unread() {
        read_logo(settings)
    } else {
        Vec::new()
    }
}

fn read_logo(settings: &mut SettingsStep) -> Vec<Effect> {
    let Some(path) = settings.logo_path().map(str::to_owned) else {
        return Vec::new();
    };
    if matches!(&settings.logo, LogoFile::Reading { path: reading } if *reading == path) {
        return Vec::new();
    }
    settings.logo = LogoFile::Reading { path: path.clone() };
    vec![Effect::ReadLogo { path }]
}

/// Goes on to Review, unless a field has a problem (the user is taken there) or the logo
/// still has to be read (Enter then goes on once it is, if it is fit).
fn go_on(model: &mut Model) -> Vec<Effect> {
    let offered = model.publisher_verification;
    let settings = &mut model.settings;
    if settings.logo_unread() {
        settings.continue_when_read = true;
        return read_logo(settings);
    }
    if let Some((field, _)) = settings.problems(offered).first() {
        settings.focus = *field;
        return Vec::new();
    }
    model.step = model.step_after(Step::Settings);
    model.review.scroll.reset();
    Vec::new()
}

/// The logo file, read: kept if its path is still the one in the field.
pub fn on_logo_read(model: &mut Model, path: String, result: Result<Logo, String>) -> Vec<Effect> {
    let settings = &mut model.settings;
    if settings.logo_path() != Some(path.as_str()) {
        // The path changed meanwhile: the next Tab or Enter reads the new one.
        settings.logo = LogoFile::Unread;
        return Vec::new();
    }
    settings.logo = match result {
        Ok(logo) => LogoFile::Read(logo),
        Err(why) => LogoFile::Failed { path, why },
    };
    if std::mem::take(&mut settings.continue_when_read) && model.step == Step::Settings {
        return go_on(model);
    }
    Vec::new()
}

pub fn on_paste(model: &mut Model, text: &str) {
    let settings = &mut model.settings;
    let field = match settings.focus {
        SettingsFocus::Homepage => &mut settings.homepage,
        SettingsFocus::Privacy => &mut settings.privacy,
        SettingsFocus::Terms => &mut settings.terms,
        SettingsFocus::Logo => &mut settings.logo_path,
        SettingsFocus::Publisher => &mut settings.publisher,
        SettingsFocus::Claims | SettingsFocus::Visible => return,
    };
    field.insert_str(text.trim());
}

pub fn typing(model: &Model) -> bool {
    model.settings.focus.is_text()
}

pub fn keys(model: &Model) -> Vec<KeyHint> {
    let settings = &model.settings;
    let mut keys = match settings.focus {
        SettingsFocus::Claims => vec![hint("←→", "claim"), hint("space", "add or drop")],
        SettingsFocus::Visible => vec![hint("space", "yes or no")],
        SettingsFocus::Homepage | SettingsFocus::Privacy | SettingsFocus::Terms => {
            vec![hint("type", "an https address")]
        }
        SettingsFocus::Logo => vec![hint("type", "a PNG or JPEG file")],
        SettingsFocus::Publisher => vec![hint("type", "the MPN ID's digits")],
    };
    keys.push(hint("tab", "next field"));
    let untouched =
        settings.chosen(model.publisher_verification).is_empty() && settings.logo_path().is_none();
    keys.push(hint("enter", if untouched { "skip" } else { "continue" }));
    keys
}
