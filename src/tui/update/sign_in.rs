//! Sign in: pick one of the detected methods; the device code flow shows its code and polls.

use super::{Handled, KeyHint, hint, move_cursor};
use crate::secret::SecretString;
use crate::tui::model::{Load, Model, SignInPhase, Step, TenantStep};
use crate::tui::msg::Effect;
use crate::tui::msg::{CopyTarget, DeviceCode, SignInFailure, SignInOption};
use crossterm::event::{KeyCode, KeyEvent};

pub fn on_key(model: &mut Model, key: KeyEvent) -> Handled {
    let state = &mut model.sign_in;
    match (&state.phase, key.code) {
        (SignInPhase::Choosing, _) if move_cursor(&mut state.cursor, state.options.len(), key) => {
            Handled::nothing()
        }
        (SignInPhase::Choosing, KeyCode::Enter) => match state.options.get(state.cursor) {
            Some(option) => {
                let method = option.method;
                state.phase = SignInPhase::Waiting;
                Handled::Yes(vec![Effect::SignIn { method }])
            }
            None => Handled::nothing(),
        },
        (SignInPhase::Failed(failure), KeyCode::Char('r')) if failure.retryable => {
            state.phase = SignInPhase::Choosing;
            Handled::nothing()
        }
        (SignInPhase::DeviceCode { code, .. }, KeyCode::Char('c')) => {
            let text = SecretString::new(code.user_code.clone());
            Handled::Yes(vec![Effect::Copy {
                what: CopyTarget::DeviceCode,
                text,
            }])
        }
        (SignInPhase::Waiting | SignInPhase::DeviceCode { .. }, KeyCode::Esc) => {
            state.phase = SignInPhase::Choosing;
            Handled::Yes(vec![Effect::CancelSignIn])
        }
        (SignInPhase::SignedIn { .. }, KeyCode::Enter) => Handled::Yes(enter_tenant_step(model)),
        (SignInPhase::SignedIn { .. }, KeyCode::Char('s')) => {
            state.phase = SignInPhase::Choosing;
            Handled::nothing()
        }
        _ => Handled::No,
    }
}

pub fn keys(model: &Model) -> Vec<KeyHint> {
    match &model.sign_in.phase {
        SignInPhase::Detecting => vec![],
        SignInPhase::Choosing => vec![hint("↑↓", "choose"), hint("enter", "sign in")],
        SignInPhase::Waiting => vec![hint("esc", "cancel")],
        SignInPhase::DeviceCode { .. } => vec![hint("c", "copy code"), hint("esc", "cancel")],
        SignInPhase::Failed(f) if f.retryable => vec![hint("r", "try again")],
        SignInPhase::Failed(_) => vec![],
        SignInPhase::SignedIn { .. } => {
            vec![hint("enter", "continue"), hint("s", "switch account")]
        }
    }
}

pub fn on_options(model: &mut Model, options: Vec<SignInOption>) -> Vec<crate::tui::msg::Effect> {
    model.sign_in.options = options;
    model.sign_in.cursor = 0;
    model.sign_in.phase = if model.sign_in.options.is_empty() {
        SignInPhase::Failed(SignInFailure {
            message: "no way to sign in was found; set APPREG_TOKEN or install the Azure CLI"
                .into(),
            retryable: false,
        })
    } else {
        SignInPhase::Choosing
    };
    Vec::new()
}

/// Shows the code and copies it, so the user only has to paste it in the browser.
pub fn on_device_code(model: &mut Model, code: DeviceCode) -> Vec<Effect> {
    let text = SecretString::new(code.user_code.clone());
    model.sign_in.phase = SignInPhase::DeviceCode { code, copied: None };
    vec![Effect::Copy {
        what: CopyTarget::DeviceCode,
        text,
    }]
}

pub fn on_signed_in(model: &mut Model, account: String) -> Vec<Effect> {
    model.sign_in.phase = SignInPhase::SignedIn { account };
    // Another account reaches other tenants.
    model.tenant = TenantStep::default();
    if model.step == Step::SignIn {
        enter_tenant_step(model)
    } else {
        Vec::new()
    }
}

pub fn on_failed(model: &mut Model, failure: SignInFailure) -> Vec<Effect> {
    model.sign_in.phase = SignInPhase::Failed(failure);
    Vec::new()
}

/// An expired device code needs no answer from the server to be shown as expired.
pub fn on_tick(model: &mut Model) -> Vec<Effect> {
    if let SignInPhase::DeviceCode { code, .. } = &model.sign_in.phase
        && code.expires_at <= model.now
    {
        model.sign_in.phase = SignInPhase::Failed(SignInFailure {
            message: "the code expired before you signed in".into(),
            retryable: true,
        });
        return vec![Effect::CancelSignIn];
    }
    Vec::new()
}

fn enter_tenant_step(model: &mut Model) -> Vec<Effect> {
    model.step = Step::Tenant;
    match model.tenant.list.load {
        Load::Loaded(_) => Vec::new(),
        _ => {
            model.tenant.list.load = Load::Loading;
            vec![Effect::ListTenants]
        }
    }
}
