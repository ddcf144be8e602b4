//! Nango: an integration of one environment (`/integrations/{unique_key}`), created with the
//! `microsoft` provider, or `microsoft-tenant-specific` for an app of one organisation. Scopes
//! travel as one comma-separated string.

use super::api::Api;
use super::{Action, Credentials, Done, PlatformError, PlatformKind};
use crate::graph::Method;
use crate::progress::Operation;
use serde_json::{Value, json};

const MULTI_TENANT: &str = "microsoft";
const SINGLE_TENANT: &str = "microsoft-tenant-specific";
/// Nango's providers that sign in with Microsoft Entra ID (`outlook` is an alias).
const MICROSOFT_PROVIDERS: [&str; 3] = [MULTI_TENANT, SINGLE_TENANT, "outlook"];

/// An integration key Nango accepts, and that stays one path segment.
pub fn check_integration_key(key: &str) -> Result<(), String> {
    let fits = !key.is_empty()
        && key.len() <= 255
        && key != "."
        && key != ".."
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if fits {
        Ok(())
    } else {
        Err(format!(
            "'{key}' is not an integration key: letters, digits, '-', '_' and '.' only"
        ))
    }
}

pub(super) async fn connect(
    api: &Api<'_>,
    integration: &str,
    credentials: &Credentials<'_>,
) -> Result<Done, PlatformError> {
    // With its credentials, to tell whose app the integration signs in as.
    let read = api
        .send(
            Operation::ReadPlatform(PlatformKind::Nango.to_string()),
            Method::Get,
            &["integrations", integration],
            Some("include=credentials"),
            None,
        )
        .await?;
    let wanted = if credentials.single_tenant.is_some() {
        SINGLE_TENANT
    } else {
        MULTI_TENANT
    };
    let mut oauth = json!({
        "type": "OAUTH2",
        "client_id": credentials.client_id,
        "client_secret": credentials.secret.expose(),
        "scopes": credentials.scopes.join(","),
    });
    let op = Operation::ConnectPlatform(PlatformKind::Nango.to_string());
    if read.status == 404 {
        let body = json!({
            "unique_key": integration,
            "provider": wanted,
            "display_name": credentials.display_name,
            "credentials": oauth,
        });
        api.send(op, Method::Post, &["integrations"], None, Some(&body))
            .await?;
        return Ok((Action::Created, wanted.to_owned(), Vec::new(), false));
    }
    let data = read.body.get("data").unwrap_or(&read.body);
    let provider = data
        .get("provider")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    if !MICROSOFT_PROVIDERS.contains(&provider.as_str()) {
        return Err(PlatformError::NotMicrosoft {
            platform: PlatformKind::Nango,
            name: integration.to_owned(),
            provider,
        });
    }
    let mut notes = Vec::new();
    let old_client = data
        .pointer("/credentials/client_id")
        .and_then(Value::as_str);
    let was_this_app =
        old_client.is_some_and(|old| old.eq_ignore_ascii_case(credentials.client_id));
    if let Some(old) = old_client
        && !old.is_empty()
        && !was_this_app
    {
        if !credentials.replace {
            return Err(PlatformError::Occupied {
                platform: PlatformKind::Nango,
                name: integration.to_owned(),
                client_id: old.to_owned(),
            });
        }
        notes.push(format!(
            "the integration signed in as the app {old} before; it now signs in as {}, so its connections sign in again",
            credentials.client_id
        ));
    }
    if credentials.single_tenant.is_some() && provider != SINGLE_TENANT {
        notes.push(format!(
            "the integration uses the provider '{provider}', which signs in through 'common': an app of one organisation needs '{SINGLE_TENANT}' (AADSTS50194 otherwise); make a new integration with another key"
        ));
    }
    if credentials.keep_scopes {
        // Left out, Nango keeps the integration's scopes.
        if let Some(oauth) = oauth.as_object_mut() {
            oauth.remove("scopes");
        }
    }
    let body = json!({"credentials": oauth});
    api.send(
        op,
        Method::Patch,
        &["integrations", integration],
        None,
        Some(&body),
    )
    .await?;
    Ok((Action::Updated, provider, notes, was_this_app))
}
