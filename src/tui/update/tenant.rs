//! Tenant: choose where the app is registered, among the tenants the account reaches.

use super::{Handled, KeyHint, hint, move_cursor_arrows};
use crate::tui::model::{Load, Model, Step, Task};
use crate::tui::msg::Effect;
use crate::tui::msg::TenantChoice;
use crossterm::event::{KeyCode, KeyEvent};

pub fn on_key(model: &mut Model, key: KeyEvent) -> Handled {
    let tenant = &mut model.tenant;
    match (&tenant.list.load, key.code) {
        (Load::Failed(_), KeyCode::Char('r')) => {
            tenant.list.load = Load::Loading;
            return Handled::Yes(vec![Effect::ListTenants]);
        }
        (Load::Loaded(_), KeyCode::Enter) => {
            let Some(chosen) = tenant
                .list
                .visible()
                .get(tenant.list.cursor)
                .map(|t| (*t).clone())
            else {
                return Handled::nothing();
            };
            let changed = tenant.chosen.as_ref().is_none_or(|c| c.id != chosen.id);
            let id = chosen.id.clone();
            tenant.chosen = Some(chosen);
            model.step = model.step_after(Step::Tenant);
            let mut effects = Vec::new();
            if changed {
                effects.push(refresh_catalog(model, id.clone()));
            }
            if model.task == Task::Check {
                effects.extend(super::apps::list(model, id));
            }
            return Handled::Yes(effects);
        }
        _ => {}
    }
    let visible = tenant.list.visible().len();
    if move_cursor_arrows(&mut tenant.list.cursor, visible, key) {
        return Handled::nothing();
    }
    if tenant.list.filter.handle_key(key) {
        tenant.list.cursor = 0;
        return Handled::nothing();
    }
    Handled::No
}

/// Reads the live resources' permissions from the tenant the app goes to.
fn refresh_catalog(model: &Model, tenant: String) -> Effect {
    let resources = model
        .catalog
        .resources()
        .iter()
        .filter(|r| r.retired.is_none())
        .map(|r| (r.app_id.clone(), r.display_name.clone()))
        .collect();
    Effect::RefreshCatalog { tenant, resources }
}

pub fn keys(model: &Model) -> Vec<KeyHint> {
    match model.tenant.list.load {
        Load::Loading => vec![],
        Load::Failed(_) => vec![hint("r", "try again")],
        Load::Loaded(_) => vec![
            hint("type", "filter"),
            hint("↑↓", "choose"),
            hint("enter", "continue"),
        ],
    }
}

pub fn on_tenants(model: &mut Model, result: Result<Vec<TenantChoice>, String>) -> Vec<Effect> {
    let tenant = &mut model.tenant;
    tenant.list.load = match result {
        Ok(list) if list.is_empty() => Load::Failed("this account reaches no tenant".into()),
        Ok(list) => {
            // Keep the user's earlier pick, else start on the tenant they signed in to.
            let wanted = tenant.chosen.as_ref().map(|c| c.id.clone());
            tenant.list.cursor = list
                .iter()
                .position(|t| Some(&t.id) == wanted.as_ref())
                .or_else(|| list.iter().position(|t| t.current))
                .unwrap_or(0);
            tenant.list.filter.set("");
            Load::Loaded(list)
        }
        Err(message) => Load::Failed(message),
    };
    Vec::new()
}
