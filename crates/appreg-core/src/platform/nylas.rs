//! Nylas API v3: the Microsoft connector of a Nylas application (`/v3/connectors`). One
//! connector per provider; its settings are replaced whole, so id, secret and tenant travel
//! together; the secret is never read back.

use super::api::Api;
use super::{Action, Credentials, Done, PlatformError, PlatformKind};
use crate::graph::Method;
use crate::progress::Operation;
use serde_json::{Value, json};

pub(super) const PROVIDER: &str = "microsoft";

pub(super) async fn connect(
    api: &Api<'_>,
    credentials: &Credentials<'_>,
) -> Result<Done, PlatformError> {
    let read = api
        .send(
            Operation::ReadPlatform(PlatformKind::Nylas.to_string()),
            Method::Get,
            &["v3", "connectors", PROVIDER],
            None,
            None,
        )
        .await?;
    let mut settings = json!({
        "client_id": credentials.client_id,
        "client_secret": credentials.secret.expose(),
    });
    if let Some(tenant) = credentials.single_tenant {
        settings["tenant"] = json!(tenant);
    }
    let op = Operation::ConnectPlatform(PlatformKind::Nylas.to_string());
    if read.status == 404 {
        let body = json!({"provider": PROVIDER, "settings": settings, "scope": credentials.scopes});
        api.send(op, Method::Post, &["v3", "connectors"], None, Some(&body))
            .await?;
        return Ok((Action::Created, PROVIDER.to_owned(), Vec::new(), false));
    }
    let existing = read.body.get("data").unwrap_or(&read.body);
    let notes = changes(existing, credentials)?;
    let was_this_app = existing
        .pointer("/settings/client_id")
        .and_then(Value::as_str)
        .is_some_and(|old| old.eq_ignore_ascii_case(credentials.client_id));
    let mut body = json!({"settings": settings});
    if !credentials.keep_scopes {
        body["scope"] = json!(credentials.scopes);
    }
    api.send(
        op,
        Method::Patch,
        &["v3", "connectors", PROVIDER],
        None,
        Some(&body),
    )
    .await?;
    Ok((Action::Updated, PROVIDER.to_owned(), notes, was_this_app))
}

/// What the update replaces that the user may not expect; another app's connector is left
/// alone unless the user said to replace it.
fn changes(existing: &Value, credentials: &Credentials<'_>) -> Result<Vec<String>, PlatformError> {
    let mut notes = Vec::new();
    if let Some(old) = existing
        .pointer("/settings/client_id")
        .and_then(Value::as_str)
        && !old.eq_ignore_ascii_case(credentials.client_id)
    {
        if !credentials.replace {
            return Err(PlatformError::Occupied {
                platform: PlatformKind::Nylas,
                name: PROVIDER.to_owned(),
                client_id: old.to_owned(),
            });
        }
        notes.push(format!(
            "the connector signed in as the app {old} before; it now signs in as {}, so its mailboxes sign in again",
            credentials.client_id
        ));
    }
    let old_tenant = existing.pointer("/settings/tenant").and_then(Value::as_str);
    if let Some(old) = old_tenant
        && credentials.single_tenant.is_none()
        && !matches!(old, "common" | "")
    {
        notes.push(format!(
            "the connector's tenant {old} was removed: the app lets other organisations sign in"
        ));
    }
    Ok(notes)
}
