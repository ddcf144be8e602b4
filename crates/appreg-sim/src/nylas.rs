//! `/nylas/v3/connectors[/{provider}]`: the Nylas v3 connectors API of one Nylas application,
//! behind one API key. Answers `{"request_id", "data"}`; errors
//! `{"request_id", "error": {"type", "message"}}` with the types of Nylas's error reference
//! (developer.nylas.com/docs/api/errors). The client secret is never served back.

use std::sync::Arc;

use appreg_core::secret::SecretString;
use axum::Extension;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::Response;
use serde_json::{Map, Value, json};

use super::faults::FaultKind;
use super::platform_http::{authorization, fault_status, json, segments, with_retry_after};
use super::platform_store::{Connector, NYLAS_OAUTH_PROVIDERS, NYLAS_PROVIDERS, Platforms};
use super::server::{Ctx, Shared};

/// A Nylas error answer.
struct NylasError {
    status: StatusCode,
    kind: &'static str,
    message: String,
    retry_after: Option<u64>,
}

impl NylasError {
    fn new(status: StatusCode, kind: &'static str, message: impl Into<String>) -> Self {
        NylasError {
            status,
            kind,
            message: message.into(),
            retry_after: None,
        }
    }

    fn invalid(message: impl Into<String>) -> Self {
        NylasError::new(
            StatusCode::BAD_REQUEST,
            "api.invalid_request_error",
            message,
        )
    }

    fn not_found(message: impl Into<String>) -> Self {
        NylasError::new(StatusCode::NOT_FOUND, "api.not_found_error", message)
    }

    fn unauthorized() -> Self {
        NylasError::new(
            StatusCode::UNAUTHORIZED,
            "api.authentication_error",
            "Unauthorized",
        )
    }

    /// The error reference's answer to each status a fault can give.
    fn for_status(status: StatusCode) -> Self {
        let (kind, message) = match status {
            StatusCode::TOO_MANY_REQUESTS => ("api.rate_limit_error", "Rate limit error."),
            StatusCode::UNAUTHORIZED => ("api.authentication_error", "Unauthorized"),
            // The reference lists no 403 type; its 403 is "authentication errors, blocked
            // developer applications, and cancelled accounts".
            StatusCode::FORBIDDEN => ("api.authentication_error", "Forbidden"),
            StatusCode::NOT_FOUND => ("api.not_found_error", "Resource not found."),
            _ => (
                "api.internal_error",
                "Internal error, contact administrator.",
            ),
        };
        NylasError::new(status, kind, message)
    }

    fn into_response(self, ctx: &Ctx) -> Response {
        let body = json!({
            "request_id": ctx.request_id,
            "error": { "type": self.kind, "message": self.message },
        });
        with_retry_after(json(self.status, &body), self.retry_after)
    }
}

/// The answer to an injected fault on a Nylas path.
pub(crate) fn fault_response(kind: FaultKind, ctx: &Ctx) -> Response {
    let (status, retry_after) = fault_status(kind);
    NylasError {
        retry_after,
        ..NylasError::for_status(status)
    }
    .into_response(ctx)
}

pub(crate) async fn handle(
    State(shared): State<Arc<Shared>>,
    Extension(ctx): Extension<Ctx>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let mut state = shared.state();
    let platforms = &mut state.platforms;
    let expected = format!("Bearer {}", platforms.nylas_api_key);
    let outcome = if authorization(&headers) == Some(expected.as_str()) {
        route(platforms, &method, uri.path(), &body)
    } else {
        Err(NylasError::unauthorized())
    };
    match outcome {
        Ok(Some(data)) => json(
            StatusCode::OK,
            &json!({ "request_id": ctx.request_id, "data": data }),
        ),
        Ok(None) => json(StatusCode::OK, &json!({ "request_id": ctx.request_id })),
        Err(error) => error.into_response(&ctx),
    }
}

/// The `data` of a successful answer (`None` for a delete, which answers the request id only).
fn route(
    platforms: &mut Platforms,
    method: &Method,
    path: &str,
    body: &Bytes,
) -> Result<Option<Value>, NylasError> {
    let segments = segments(path, "/nylas");
    let segments: Vec<&str> = segments.iter().map(String::as_str).collect();
    match (segments.as_slice(), method) {
        (["v3", "connectors"], &Method::GET) => Ok(Some(Value::Array(
            platforms.connectors.iter().map(connector_json).collect(),
        ))),
        (["v3", "connectors"], &Method::POST) => create(platforms, &object(body)?).map(Some),
        (["v3", "connectors", provider], &Method::GET) => {
            find(platforms, provider).map(|i| Some(connector_json(&platforms.connectors[i])))
        }
        (["v3", "connectors", provider], &Method::PATCH) => {
            let index = find(platforms, provider)?;
            update(&mut platforms.connectors[index], &object(body)?).map(Some)
        }
        (["v3", "connectors", provider], &Method::DELETE) => {
            let index = find(platforms, provider)?;
            platforms.connectors.remove(index);
            Ok(None)
        }
        _ => Err(NylasError::not_found("Resource not found.")),
    }
}

fn find(platforms: &Platforms, provider: &str) -> Result<usize, NylasError> {
    platforms
        .connectors
        .iter()
        .position(|c| c.provider == provider)
        .ok_or_else(|| NylasError::not_found(format!("Connector '{provider}' not found.")))
}

fn object(body: &Bytes) -> Result<Map<String, Value>, NylasError> {
    match serde_json::from_slice(body) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(NylasError::invalid(
            "The request body must be a JSON object.",
        )),
        Err(_) => Err(NylasError::new(
            StatusCode::BAD_REQUEST,
            "api.invalid_request_payload",
            "Invalid JSON payload format.",
        )),
    }
}

// Unknown fields are ignored, as a Go JSON decoder does; a present field of the wrong type is
// refused.

fn create(platforms: &mut Platforms, body: &Map<String, Value>) -> Result<Value, NylasError> {
    let provider = match body.get("provider") {
        Some(Value::String(p)) if NYLAS_PROVIDERS.contains(&p.as_str()) => p.clone(),
        Some(Value::String(p)) => {
            return Err(NylasError::invalid(format!(
                "Invalid provider '{p}'. Supported providers: {}.",
                NYLAS_PROVIDERS.join(", ")
            )));
        }
        _ => return Err(NylasError::invalid("The provider field is required.")),
    };
    // Nylas does not document the answer to a second connector for a provider.
    if platforms.connectors.iter().any(|c| c.provider == provider) {
        return Err(NylasError::invalid(format!(
            "A connector for provider '{provider}' already exists."
        )));
    }
    let (settings, client_secret) = settings(&provider, body.get("settings"))?;
    let connector = Connector {
        name: name(body)?,
        scope: scope(body)?.unwrap_or_default(),
        provider,
        settings,
        client_secret,
    };
    let answer = connector_json(&connector);
    platforms.connectors.push(connector);
    Ok(answer)
}

/// `settings` replaces the whole nested object, secret included; `scope` the whole list.
fn update(connector: &mut Connector, body: &Map<String, Value>) -> Result<Value, NylasError> {
    let settings = match body.get("settings") {
        Some(value) => Some(settings(&connector.provider, Some(value))?),
        None => None,
    };
    let scope = scope(body)?;
    let name = name(body)?;
    if let Some((settings, secret)) = settings {
        connector.settings = settings;
        connector.client_secret = secret;
    }
    if let Some(scope) = scope {
        connector.scope = scope;
    }
    if name.is_some() {
        connector.name = name;
    }
    Ok(connector_json(connector))
}

/// The settings to keep (all but the secret) and the secret. An OAuth provider's connector
/// needs both `client_id` and `client_secret`.
fn settings(
    provider: &str,
    value: Option<&Value>,
) -> Result<(Map<String, Value>, Option<SecretString>), NylasError> {
    let oauth = NYLAS_OAUTH_PROVIDERS.contains(&provider);
    let mut settings = match value {
        Some(Value::Object(map)) => map.clone(),
        None | Some(Value::Null) if !oauth => Map::new(),
        None | Some(Value::Null) => {
            return Err(NylasError::invalid(format!(
                "settings.client_id and settings.client_secret are required for provider '{provider}'."
            )));
        }
        Some(_) => return Err(NylasError::invalid("settings must be an object.")),
    };
    for key in ["client_id", "client_secret", "tenant"] {
        match settings.get(key) {
            Some(Value::String(text)) if !text.is_empty() => {}
            None if !oauth || key == "tenant" => {}
            _ => {
                return Err(NylasError::invalid(format!(
                    "settings.{key} must be a non-empty string."
                )));
            }
        }
    }
    let secret = settings
        .remove("client_secret")
        .and_then(|v| v.as_str().map(|s| SecretString::new(s.to_owned())));
    Ok((settings, secret))
}

fn scope(body: &Map<String, Value>) -> Result<Option<Vec<String>>, NylasError> {
    let Some(value) = body.get("scope") else {
        return Ok(None);
    };
    value
        .as_array()
        .and_then(|items| {
            items
                .iter()
                .map(|item| item.as_str().map(str::to_owned))
                .collect::<Option<Vec<_>>>()
        })
        .map(Some)
        .ok_or_else(|| NylasError::invalid("scope must be an array of strings."))
}

fn name(body: &Map<String, Value>) -> Result<Option<String>, NylasError> {
    match body.get("name") {
        None => Ok(None),
        Some(Value::String(name)) => Ok(Some(name.clone())),
        Some(_) => Err(NylasError::invalid("name must be a string.")),
    }
}

fn connector_json(connector: &Connector) -> Value {
    let mut data = json!({
        "provider": connector.provider,
        "settings": connector.settings,
        "scope": connector.scope,
    });
    if let Some(name) = &connector.name {
        data["name"] = json!(name);
    }
    data
}
