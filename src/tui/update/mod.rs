//! `update(model, msg) -> effects`: the only place the wizard's state changes. Pure: no I/O, no
//! clock; whatever needs the outside world comes back as an [`Effect`].

mod apps;
mod connect;
mod create;
mod done;
mod findings;
mod permissions;
mod platform;
mod redirects;
mod registration;
mod reveal;
mod review;
mod rotate;
mod secret;
mod settings;
mod sign_in;
mod tenant;

#[cfg(test)]
mod tests;

use super::model::{Model, Overlay, Scroll, SecretOnExit, Step};
use super::msg::Effect;
use super::msg::Msg;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// One entry of the key-hint bar and the help overlay.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyHint {
    pub keys: &'static str,
    pub action: &'static str,
}

pub const fn hint(keys: &'static str, action: &'static str) -> KeyHint {
    KeyHint { keys, action }
}

/// Every scrollable pane takes the same keys (see [`Scroll::on_key`]: PgUp/PgDn, Home/End and
/// g/G too) and the mouse wheel; the hint bar has room for the arrows only.
pub const SCROLL_HINT: KeyHint = hint("↑↓", "scroll");

/// What a step did with a key: used it, or left it to the global keys (q, ?, Esc).
pub enum Handled {
    Yes(Vec<Effect>),
    No,
}

impl Handled {
    fn nothing() -> Self {
        Handled::Yes(Vec::new())
    }
}

pub fn update(model: &mut Model, msg: Msg) -> Vec<Effect> {
    match msg {
        Msg::Key(key) => on_key(model, key),
        Msg::Paste(text) => on_paste(model, &text),
        Msg::Wheel { wheel, column, row } => {
            if let Some(pane) = pane_at(model, column, row) {
                pane.on_wheel(wheel);
            }
            Vec::new()
        }
        Msg::Resize { width, height } => {
            model.size = (width, height);
            Vec::new()
        }
        Msg::Tick { now } => {
            model.now = now;
            model.frame = model.frame.wrapping_add(1);
            sign_in::on_tick(model)
        }
        Msg::SignInOptions(options) => sign_in::on_options(model, options),
        Msg::DeviceCode(code) => sign_in::on_device_code(model, code),
        Msg::SignedIn { account } => sign_in::on_signed_in(model, account),
        Msg::SignInFailed(failure) => sign_in::on_failed(model, failure),
        Msg::Tenants(result) => tenant::on_tenants(model, result),
        Msg::TenantPermissions(sp) => {
            model.catalog.refresh_from(&sp);
            Vec::new()
        }
        Msg::Progress(event) => create::on_progress(model, event),
        Msg::RunFinished(result) => create::on_finished(model, result),
        Msg::Apps(result) => apps::on_apps(model, result),
        Msg::AppsAudited { tenant, reports } => apps::on_audited(model, &tenant, reports),
        Msg::AppsAuditEnded { tenant, result } => apps::on_audit_ended(model, &tenant, result),
        Msg::Inspected(result) => findings::on_inspected(model, result),
        Msg::Repaired(result) => findings::on_repaired(model, result),
        Msg::Rotated(result) => rotate::on_rotated(model, result),
        Msg::Connected(result) => connect::on_connected(model, result),
        Msg::LogoRead { path, result } => settings::on_logo_read(model, path, result),
        Msg::OldSecretsRemoved(result) => {
            model.done.removals = Some(result);
            Vec::new()
        }
        Msg::Copied { what, outcome } => reveal::on_copied(model, what, outcome),
        Msg::ClipboardClearDue => vec![Effect::ClearClipboard],
        Msg::ClipboardCleared(cleared) => {
            model.reveal.cleared = Some(cleared);
            Vec::new()
        }
        Msg::SummaryWritten(result) => {
            model.done.written = Some(result);
            Vec::new()
        }
    }
}

fn on_key(model: &mut Model, key: KeyEvent) -> Vec<Effect> {
    let ctrl_c = key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL);
    if let Some(overlay) = model.overlay.clone() {
        return on_overlay_key(model, overlay, key, ctrl_c);
    }
    if ctrl_c {
        return ask_to_quit(model);
    }
    if model.too_small() {
        return match key.code {
            KeyCode::Char('q') => ask_to_quit(model),
            _ => Vec::new(),
        };
    }
    if let Handled::Yes(effects) = step_key(model, key) {
        return effects;
    }
    match key.code {
        KeyCode::Char('q') => ask_to_quit(model),
        KeyCode::Char('?') => {
            model.help_scroll.reset();
            model.overlay = Some(Overlay::Help);
            Vec::new()
        }
        KeyCode::Char('l') => {
            model.log_scroll = Scroll::following_end();
            model.overlay = Some(Overlay::Log);
            Vec::new()
        }
        KeyCode::Esc => {
            go_back(model);
            Vec::new()
        }
        _ => Vec::new(),
    }
}

fn on_overlay_key(model: &mut Model, overlay: Overlay, key: KeyEvent, ctrl_c: bool) -> Vec<Effect> {
    match overlay {
        Overlay::Help | Overlay::Log => {
            if ctrl_c {
                return ask_to_quit(model);
            }
            let pane = match overlay {
                Overlay::Log => &mut model.log_scroll,
                _ => &mut model.help_scroll,
            };
            if !pane.on_key(key) {
                model.overlay = None;
            }
        }
        Overlay::ConfirmQuit(_) => match key.code {
            KeyCode::Char('y' | 'Y') => return quit(model),
            _ if ctrl_c => return quit(model),
            _ => model.overlay = None,
        },
    }
    Vec::new()
}

/// Quits at once unless that would abandon running work or an unsaved secret.
pub fn ask_to_quit(model: &mut Model) -> Vec<Effect> {
    let reason = match model.secret_on_exit() {
        SecretOnExit::NeverSeen => Some(
            "The client secret is shown only once and you have not revealed or copied it: quitting removes it from the app (a later run makes a new one).",
        ),
        SecretOnExit::SeenNotConfirmed => {
            Some("The client secret is shown only once and you have not confirmed saving it.")
        }
        SecretOnExit::Saved => model.work_running().then_some(
            "Work is still running; quitting now stops it half-way (a later run continues it).",
        ),
    };
    match reason {
        Some(reason) => {
            model.overlay = Some(Overlay::ConfirmQuit(reason.to_string()));
            Vec::new()
        }
        None => quit(model),
    }
}

fn quit(model: &mut Model) -> Vec<Effect> {
    model.quit = true;
    model.overlay = None;
    vec![Effect::Quit]
}

pub fn go_back(model: &mut Model) {
    if let Some(previous) = model.back_step() {
        model.step = previous;
    }
}

fn step_key(model: &mut Model, key: KeyEvent) -> Handled {
    match model.step {
        Step::Platform => platform::on_key(model, key),
        Step::SignIn => sign_in::on_key(model, key),
        Step::Tenant => tenant::on_key(model, key),
        Step::Registration => registration::on_key(model, key),
        Step::RedirectUris => redirects::on_key(model, key),
        Step::Permissions => permissions::on_key(model, key),
        Step::Secret => secret::on_key(model, key),
        Step::Settings => settings::on_key(model, key),
        Step::Review => review::on_key(model, key),
        Step::Create => create::on_key(model, key),
        Step::Apps => apps::on_key(model, key),
        Step::Findings => findings::on_key(model, key),
        Step::Rotate => rotate::on_key(model, key),
        Step::Connect => connect::on_key(model, key),
        Step::Reveal => reveal::on_key(model, key),
        Step::Done => done::on_key(model, key),
    }
}

/// The scrollable pane drawn under the mouse pointer on the current screen.
fn pane_at(model: &mut Model, column: u16, row: u16) -> Option<&mut Scroll> {
    match model.overlay {
        Some(Overlay::Log) => return Some(&mut model.log_scroll),
        Some(_) => return Some(&mut model.help_scroll).filter(|pane| pane.covers(column, row)),
        None => {}
    }
    if model.status_scroll.covers(column, row) {
        return Some(&mut model.status_scroll);
    }
    let step_pane = match model.step {
        Step::Review => &mut model.review.scroll,
        Step::Findings => &mut model.findings.scroll,
        Step::Done => &mut model.done.scroll,
        _ => return None,
    };
    Some(step_pane).filter(|pane| pane.covers(column, row))
}

fn on_paste(model: &mut Model, pasted: &str) -> Vec<Effect> {
    if model.overlay.is_some() {
        return Vec::new();
    }
    // Whatever a paste carries, only printable text and line breaks go further.
    let text = &*crate::text::lines(pasted);
    match model.step {
        Step::Tenant => model.tenant.list.filter.insert_str(text.trim()),
        Step::Apps if model.apps.platform_for.is_none() => {
            model.apps.list.filter.insert_str(text.trim())
        }
        Step::Registration => registration::on_paste(model, text),
        Step::RedirectUris => redirects::on_paste(model, text),
        Step::Permissions => permissions::on_paste(model, text),
        Step::Secret => secret::on_paste(model, text),
        Step::Settings => settings::on_paste(model, text),
        Step::Connect => connect::on_paste(model, text),
        _ => {}
    }
    Vec::new()
}

/// The keys every screen shares, for the help overlay.
pub const GENERAL_KEYS: [KeyHint; 10] = [
    hint("esc", "back; choices are kept until the app exists"),
    hint("q / ctrl+c", "quit (in a text field only ctrl+c)"),
    hint("?", "this help (in a text field ? is text)"),
    hint("tab", "next field or section"),
    hint("↑↓ pgup pgdn", "move or scroll (also home end g G, wheel)"),
    hint("l", "every Graph call (not while typing)"),
    hint("c", "copy, where the screen names what"),
    hint("paste", "works in every text field"),
    hint("ctrl+a e u w", "line keys: start, end, clear, delete word"),
    hint("shift+drag", "select text with the mouse"),
];

/// Whether a hint is one of the shared keys [`key_hints`] appends to every step's.
pub fn is_general(hint: &KeyHint) -> bool {
    matches!(hint.keys, "?" | "q" | "ctrl+c") || (hint.keys == "esc" && hint.action == "back")
}

/// The current step's keys, then the ones every step shares.
pub fn key_hints(model: &Model) -> Vec<KeyHint> {
    let mut hints = match model.step {
        Step::Platform => platform::keys(model),
        Step::SignIn => sign_in::keys(model),
        Step::Tenant => tenant::keys(model),
        Step::Registration => registration::keys(model),
        Step::RedirectUris => redirects::keys(model),
        Step::Permissions => permissions::keys(model),
        Step::Secret => secret::keys(model),
        Step::Settings => settings::keys(model),
        Step::Review => review::keys(model),
        Step::Create => create::keys(model),
        Step::Apps => apps::keys(model),
        Step::Findings => findings::keys(model),
        Step::Rotate => rotate::keys(model),
        Step::Connect => connect::keys(model),
        Step::Reveal => reveal::keys(model),
        Step::Done => done::keys(model),
    };
    // Steps that give Esc its own meaning (cancel, close) list it themselves.
    if model.back_step().is_some() && !hints.iter().any(|h| h.keys == "esc") {
        hints.push(hint("esc", "back"));
    }
    hints.push(hint("?", "help"));
    hints.push(if typing(model) {
        hint("ctrl+c", "quit")
    } else {
        hint("q", "quit")
    });
    hints
}

/// Whether letters go into a text field on this screen (then `q` and `?` are text, not keys).
pub fn typing(model: &Model) -> bool {
    match model.step {
        Step::Tenant => true,
        // The platform list for an untagged app has no text field.
        Step::Apps => model.apps.platform_for.is_none(),
        Step::Registration => registration::typing(model),
        Step::RedirectUris => redirects::typing(model),
        Step::Permissions => permissions::typing(model),
        Step::Secret => secret::typing(model),
        Step::Settings => settings::typing(model),
        Step::Connect => connect::typing(model),
        Step::Rotate => {
            model.rotate.focus == crate::tui::model::RotateFocus::Lifetime
                && model.rotate.until_date()
        }
        _ => false,
    }
}

/// Moves a cursor over `len` items by an arrow key; returns false for other keys.
pub fn move_cursor(cursor: &mut usize, len: usize, key: KeyEvent) -> bool {
    let last = len.saturating_sub(1);
    match key.code {
        KeyCode::Up | KeyCode::Char('k') => *cursor = cursor.saturating_sub(1),
        KeyCode::Down | KeyCode::Char('j') => *cursor = (*cursor + 1).min(last),
        KeyCode::Home => *cursor = 0,
        KeyCode::End => *cursor = last,
        _ => return false,
    }
    true
}

/// Like [`move_cursor`] but without j/k, for lists next to a text field.
pub fn move_cursor_arrows(cursor: &mut usize, len: usize, key: KeyEvent) -> bool {
    matches!(key.code, KeyCode::Up | KeyCode::Down) && move_cursor(cursor, len, key)
}
