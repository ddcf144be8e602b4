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
    let (action, notes) = if read.status == 404 {
        let body = json!({"provider": PROVIDER, "settings": settings, "scope": credentials.scopes});
        api.send(op, Method::Post, &["v3", "connectors"], Some(&body))
            .await?;
        (Action::Created, Vec::new())
    } else {
        let notes = changes(&read.body, credentials);
        let body = json!({"settings": settings, "scope": credentials.scopes});
        api.send(
            op,
            Method::Patch,
            &["v3", "connectors", PROVIDER],
            Some(&body),
        )
        .await?;
        (Action::Updated, notes)
    };
    Ok((action, PROVIDER.to_owned(), notes))
}

/// What the update replaces that the user may not expect.
fn changes(existing: &Value, credentials: &Credentials<'_>) -> Vec<String> {
    let data = existing.get("data").unwrap_or(existing);
    let mut notes = Vec::new();
    if let Some(old) = data.pointer("/settings/client_id").and_then(Value::as_str)
        && !old.eq_ignore_ascii_case(credentials.client_id)
    {
        notes.push(format!(
            "the connector used the app {old} before; it now uses {}",
            credentials.client_id
        ));
    }
    let old_tenant = data.pointer("/settings/tenant").and_then(Value::as_str);
    if let Some(old) = old_tenant
        && credentials.single_tenant.is_none()
        && !matches!(old, "common" | "")
    {
        notes.push(format!(
            "the connector's tenant {old} was removed: the app lets other organisations sign in"
        ));
    }
    notes
}
