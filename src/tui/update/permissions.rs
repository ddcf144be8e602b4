//! API permissions: tick the preset's groups, search the whole catalog, import a manifest block.

use super::{Handled, KeyHint, hint, move_cursor, move_cursor_arrows};
use crate::catalog::{Permission, PermissionKind};
use crate::tui::model::{AddedPermission, Model, PermissionMode, PermissionRow, Step, edit_area};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

pub fn on_key(model: &mut Model, key: KeyEvent) -> Handled {
    match model.permissions.mode {
        PermissionMode::Browse => on_browse_key(model, key),
        PermissionMode::Search => on_search_key(model, key),
        PermissionMode::Import => on_import_key(model, key),
    }
}

fn on_browse_key(model: &mut Model, key: KeyEvent) -> Handled {
    let selectable: Vec<PermissionRow> = model
        .permission_rows()
        .into_iter()
        .filter(PermissionRow::selectable)
        .collect();
    let state = &mut model.permissions;
    if move_cursor(&mut state.cursor, selectable.len(), key) {
        return Handled::nothing();
    }
    match key.code {
        KeyCode::Char(' ') => {
            if let Some(row) = selectable.get(state.cursor) {
                toggle(model, row);
            }
        }
        KeyCode::Char('/') => {
            state.mode = PermissionMode::Search;
            state.result_cursor = 0;
        }
        KeyCode::Char('i') => {
            state.mode = PermissionMode::Import;
            state.import_report = None;
        }
        KeyCode::Char('a') => state.admin_consent ^= true,
        KeyCode::Enter => {
            if model.plan().is_ok() {
                model.step = Step::Secret;
            }
        }
        _ => return Handled::No,
    }
    Handled::nothing()
}

fn toggle(model: &mut Model, row: &PermissionRow) {
    let state = &mut model.permissions;
    match row {
        PermissionRow::Preset { spec, on: true, .. } => state.removed.push(spec.clone()),
        PermissionRow::Preset {
            spec, on: false, ..
        } => state.removed.retain(|s| s != spec),
        PermissionRow::Capability { index, .. } => {
            if let Some(on) = state.capabilities.get_mut(*index) {
                *on ^= true;
            }
        }
        PermissionRow::Added { spec, .. } => {
            state.added.retain(|a| &a.spec() != spec);
            // The row is gone; keep the cursor on the list.
            state.cursor = state.cursor.saturating_sub(1);
        }
        PermissionRow::AdminConsent { .. } => state.admin_consent ^= true,
        PermissionRow::Resource { .. } => {}
    }
}

fn on_search_key(model: &mut Model, key: KeyEvent) -> Handled {
    let results = model.search_results().len();
    let state = &mut model.permissions;
    if move_cursor_arrows(&mut state.result_cursor, results, key) {
        return Handled::nothing();
    }
    match key.code {
        KeyCode::Esc => state.mode = PermissionMode::Browse,
        KeyCode::Enter => {
            let picked = model
                .search_results()
                .get(model.permissions.result_cursor)
                .map(|(resource, permission)| (resource.key, (*permission).clone()));
            if let Some((resource_key, permission)) = picked {
                add(model, resource_key, &permission);
            }
        }
        _ => {
            if state.query.handle_key(key) {
                state.result_cursor = 0;
            }
        }
    }
    Handled::nothing()
}

/// Adds a permission unless the plan already has it: re-ticks it if the user had removed it,
/// ticks the preset's capability that is just this permission (EWS from an imported manifest
/// shows on its own row, with its dates), else lists it as added.
fn add(model: &mut Model, resource_key: &str, permission: &Permission) {
    let added = AddedPermission {
        resource_key: resource_key.to_string(),
        name: permission.name.clone(),
        kind: permission.kind,
    };
    let spec = added.spec();
    let state = &mut model.permissions;
    if state.removed.contains(&spec) {
        state.removed.retain(|s| *s != spec);
        return;
    }
    let in_plan = model.plan().is_ok_and(|(plan, _)| {
        plan.spec
            .permissions
            .iter()
            .any(|p| p.permission.id == permission.id)
    });
    if in_plan {
        return;
    }
    let capability = model.profile().capabilities.iter().position(|c| {
        permission.kind == PermissionKind::Delegated
            && c.resource == resource_key
            && c.scopes == [permission.name.as_str()]
    });
    let ticked = capability.and_then(|i| model.permissions.capabilities.get_mut(i));
    match ticked {
        Some(on) => *on = true,
        None => model.permissions.added.push(added),
    }
}

/// Enter is a new line in the box, never "import": where a terminal has no bracketed paste, a
/// paste arrives as typed keys with an Enter (or a Ctrl+J) per line, and the block is whole only
/// at its end; a user also expects a multi-line box to take Enter as a line break. Ctrl+S
/// imports, as the key bar says.
fn on_import_key(model: &mut Model, key: KeyEvent) -> Handled {
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    match key.code {
        KeyCode::Esc => model.permissions.mode = PermissionMode::Browse,
        KeyCode::Char('s') if ctrl => import(model),
        _ => {
            edit_area(&mut model.permissions.import, key);
        }
    }
    Handled::nothing()
}

fn import(model: &mut Model) {
    let text = model.permissions.import.lines().join("\n");
    match model.catalog.import_manifest(&text) {
        Ok(imported) => {
            let picked: Vec<(&'static str, Permission)> = imported
                .permissions
                .iter()
                .filter_map(|p| {
                    let resource = model.catalog.resource_by_app_id(&p.resource_app_id)?;
                    Some((resource.key, p.permission.clone()))
                })
                .collect();
            for (resource_key, permission) in &picked {
                add(model, resource_key, permission);
            }
            let mut report = vec![imported.summary()];
            report.extend(imported.warnings.iter().map(ToString::to_string));
            model.permissions.import_report = Some(Ok(report));
            model.permissions.mode = PermissionMode::Browse;
        }
        Err(e) => model.permissions.import_report = Some(Err(e.to_string())),
    }
}

pub fn on_paste(model: &mut Model, text: &str) {
    let state = &mut model.permissions;
    match state.mode {
        PermissionMode::Search => state.query.insert_str(text.trim()),
        PermissionMode::Import => {
            state
                .import
                .insert_str(text.replace("\r\n", "\n").replace('\r', "\n"));
        }
        // Pasting a manifest straight onto the list is what users do: open the import box for it.
        PermissionMode::Browse => {
            state.mode = PermissionMode::Import;
            state.import_report = None;
            state
                .import
                .insert_str(text.replace("\r\n", "\n").replace('\r', "\n"));
        }
    }
}

pub fn typing(model: &Model) -> bool {
    model.permissions.mode != PermissionMode::Browse
}

pub fn keys(model: &Model) -> Vec<KeyHint> {
    match model.permissions.mode {
        PermissionMode::Browse => vec![
            hint("↑↓", "move"),
            hint("space", "tick"),
            hint("/", "search"),
            hint("i", "import manifest"),
            hint("a", "admin consent"),
            hint("enter", "continue"),
        ],
        PermissionMode::Search => vec![
            hint("type", "search"),
            hint("↑↓", "choose"),
            hint("enter", "add"),
            hint("esc", "close"),
        ],
        PermissionMode::Import => vec![
            hint("paste", "requiredResourceAccess"),
            hint("ctrl+s", "import"),
            hint("esc", "close"),
        ],
    }
}
