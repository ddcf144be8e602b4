//! `/nango/integrations[/{uniqueKey}]`: the Nango integrations API of one environment, behind
//! one secret key. Shapes, codes and messages follow NangoHQ/nango `packages/server`:
//! `controllers/integrations/**` (answers and their codes), `helpers/validation.ts` (what a
//! body may hold), `middleware/access.middleware.ts` with `shared/lib/utils/error.ts` (401s),
//! `middleware/ratelimit.middleware.ts` (429) and `routes.ts` (malformed JSON). Validation
//! failures list zod issues (`{"error": {"code": "invalid_body", "errors": [...]}}`); other
//! errors carry a `message`.

use std::sync::Arc;

use appreg_core::secret::SecretString;
use axum::Extension;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::Response;
use serde_json::{Map, Value, json};
use time::OffsetDateTime;
use time::macros::format_description;
use url::form_urlencoded;

use super::faults::FaultKind;
use super::platform_http::{authorization, fault_status, json, segments, with_retry_after};
use super::platform_store::{Integration, Platforms, nango_provider_name};
use super::server::{Ctx, Shared};

const UNIQUE_KEY_PATTERN: &str = "/^[a-zA-Z0-9~:.@ _-]+$/";
const PROVIDER_PATTERN: &str = "/^[a-zA-Z0-9_-]+$/";
/// What `credentials.type` must be for every simulated provider (`auth_mode: OAUTH2`).
const AUTH_MODE: &str = "OAUTH2";
const CREDENTIAL_TYPES: [&str; 5] = ["OAUTH1", "OAUTH2", "TBA", "APP", "CUSTOM"];
/// Real fields of the create and update bodies this simulator does not model: refused with a
/// clear message rather than silently dropped.
const NOT_SIMULATED: [&str; 3] = ["integration_config", "custom", "webhook_secret"];

/// A Nango error answer: its status and the object under `"error"`.
struct NangoError {
    status: StatusCode,
    error: Value,
}

impl NangoError {
    fn new(status: StatusCode, code: &str, message: impl Into<String>) -> Self {
        NangoError {
            status,
            error: json!({ "code": code, "message": message.into() }),
        }
    }

    fn invalid_body(message: impl Into<String>) -> Self {
        NangoError::new(StatusCode::BAD_REQUEST, "invalid_body", message)
    }

    fn issues(code: &str, issues: Issues) -> Self {
        NangoError {
            status: StatusCode::BAD_REQUEST,
            error: json!({ "code": code, "errors": issues.0 }),
        }
    }

    fn not_found(message: impl Into<String>) -> Self {
        NangoError::new(StatusCode::NOT_FOUND, "not_found", message)
    }

    /// `errorManager.errRes`: a `NangoError` type with its fixed message and an empty payload.
    fn auth(code: &str, message: &str) -> Self {
        NangoError {
            status: StatusCode::UNAUTHORIZED,
            error: json!({ "message": message, "code": code, "payload": {} }),
        }
    }

    fn into_response(self) -> Response {
        json(self.status, &json!({ "error": self.error }))
    }
}

/// The answer to an injected fault on a Nango path (`path` as the router sees it).
pub(crate) fn fault_response(kind: FaultKind, method: &Method, path: &str) -> Response {
    let (status, retry_after) = fault_status(kind);
    let error = match status {
        StatusCode::TOO_MANY_REQUESTS => NangoError {
            status,
            error: json!({
                "code": "too_many_request",
                "method": method.as_str(),
                "path": path.strip_prefix("/nango").unwrap_or(path),
            }),
        },
        StatusCode::UNAUTHORIZED => unknown_account(),
        StatusCode::FORBIDDEN => NangoError::new(
            status,
            "forbidden",
            "API key is not authorized for an environment",
        ),
        StatusCode::NOT_FOUND => NangoError::not_found("Integration does not exist"),
        _ => NangoError::new(status, "server_error", "An internal error occurred"),
    };
    with_retry_after(error.into_response(), retry_after)
}

fn unknown_account() -> NangoError {
    NangoError::auth(
        "unknown_account",
        "Authentication failed. The provided authorization header does not match any account.",
    )
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
    let outcome = authenticate(&headers, &platforms.nango_secret_key).and_then(|()| {
        route(
            platforms,
            &Request {
                method: &method,
                path: uri.path(),
                query: uri.query().unwrap_or_default(),
                body: &body,
                origin: &ctx.origin,
            },
        )
    });
    match outcome {
        Ok(body) => json(StatusCode::OK, &body),
        Err(error) => error.into_response(),
    }
}

/// `secretKeyAuth`: the bearer key must be the environment's secret key.
fn authenticate(headers: &HeaderMap, secret_key: &str) -> Result<(), NangoError> {
    let Some(header) = authorization(headers) else {
        return Err(NangoError::auth(
            "missing_auth_header",
            "Authentication failed. The request is missing the Authorization header.",
        ));
    };
    // Nango takes what follows the last "Bearer ", or the whole header without one.
    let key = header.rsplit("Bearer ").next().unwrap_or_default();
    if key.is_empty() {
        return Err(NangoError::auth(
            "malformed_auth_header",
            "Authentication failed. The Authorization header is malformed.",
        ));
    }
    if key == secret_key {
        return Ok(());
    }
    if is_uuid_v4(key) {
        Err(unknown_account())
    } else {
        Err(NangoError::auth(
            "invalid_secret_key_format",
            "Authentication failed. The provided secret key is not a UUID v4.",
        ))
    }
}

fn is_uuid_v4(key: &str) -> bool {
    key.len() == 36
        && uuid::Uuid::parse_str(key)
            .is_ok_and(|id| id.get_version_num() == 4 && id.get_variant() == uuid::Variant::RFC4122)
}

struct Request<'a> {
    method: &'a Method,
    path: &'a str,
    query: &'a str,
    body: &'a Bytes,
    /// For the logo URL, which Nango builds from its own public URL.
    origin: &'a str,
}

fn route(platforms: &mut Platforms, request: &Request<'_>) -> Result<Value, NangoError> {
    let segments = segments(request.path, "/nango");
    let segments: Vec<&str> = segments.iter().map(String::as_str).collect();
    let include_credentials = match (segments.as_slice(), request.method) {
        (["integrations", _], &Method::GET) => include_credentials(request.query)?,
        _ => {
            require_empty_query(request.query)?;
            false
        }
    };
    let now = OffsetDateTime::now_utc();
    match (segments.as_slice(), request.method) {
        (["integrations"], &Method::GET) => {
            let list = platforms
                .integrations
                .iter()
                .map(|i| integration_json(i, request.origin, false))
                .collect();
            Ok(json!({ "data": Value::Array(list) }))
        }
        (["integrations"], &Method::POST) => {
            let integration = create(platforms, &body_object(request.body)?, now)?;
            let data = integration_json(&integration, request.origin, false);
            platforms.integrations.push(integration);
            Ok(json!({ "data": data }))
        }
        (["integrations", key], &Method::GET) => {
            let index = find(platforms, key)?;
            let data = integration_json(
                &platforms.integrations[index],
                request.origin,
                include_credentials,
            );
            Ok(json!({ "data": data }))
        }
        (["integrations", key], &Method::PATCH) => {
            let body = body_object(request.body)?;
            let patch = Patch::parse(&body)?;
            let index = find(platforms, key)?;
            patch.apply(platforms, index, now)?;
            let data = integration_json(&platforms.integrations[index], request.origin, false);
            Ok(json!({ "data": data }))
        }
        (["integrations", key], &Method::DELETE) => {
            let index = find(platforms, key)
                .map_err(|_| NangoError::not_found("Integration does not exist"))?;
            platforms.integrations.remove(index);
            Ok(json!({ "success": true }))
        }
        // Nango serves its dashboard for unknown paths; an API client wants a 404.
        _ => Err(NangoError::not_found("Route not found")),
    }
}

fn find(platforms: &Platforms, key: &str) -> Result<usize, NangoError> {
    platforms
        .integrations
        .iter()
        .position(|i| i.unique_key == key)
        .ok_or_else(|| NangoError::not_found(format!("Integration \"{key}\" does not exist")))
}

/// `requireEmptyQuery`.
fn require_empty_query(query: &str) -> Result<(), NangoError> {
    let mut issues = Issues::default();
    for (key, _) in form_urlencoded::parse(query.as_bytes()) {
        issues.unrecognized(&[], &key);
    }
    issues.into_result("invalid_query_params")
}

/// `GET /integrations/{uniqueKey}` takes `include=credentials` (repeatable).
fn include_credentials(query: &str) -> Result<bool, NangoError> {
    let mut issues = Issues::default();
    let mut include = false;
    for (key, value) in form_urlencoded::parse(query.as_bytes()) {
        match (key.as_ref(), value.as_ref()) {
            ("include", "credentials") => include = true,
            ("include", "webhook") => {
                return Err(NangoError::new(
                    StatusCode::BAD_REQUEST,
                    "invalid_query_params",
                    "include=webhook is not simulated",
                ));
            }
            ("include", _) => issues.push(
                "invalid_value",
                "Invalid option: expected one of \"webhook\"|\"credentials\"",
                &["include"],
            ),
            (other, _) => issues.unrecognized(&[], other),
        }
    }
    issues.into_result("invalid_query_params")?;
    Ok(include)
}

/// The JSON body as an object; Express's JSON parser answers a malformed one.
fn body_object(body: &Bytes) -> Result<Map<String, Value>, NangoError> {
    let value: Value = serde_json::from_slice(body).map_err(|error| {
        NangoError::new(StatusCode::BAD_REQUEST, "invalid_json", error.to_string())
    })?;
    match value {
        Value::Object(map) => Ok(map),
        other => {
            let mut issues = Issues::default();
            issues.wrong_type(&[], "object", Some(&other));
            Err(NangoError::issues("invalid_body", issues))
        }
    }
}

fn create(
    platforms: &Platforms,
    body: &Map<String, Value>,
    now: OffsetDateTime,
) -> Result<Integration, NangoError> {
    let mut issues = Issues::default();
    let provider = issues.string(body, "provider", &[], Length::KEY, Some(PROVIDER_PATTERN));
    let unique_key = issues.string(
        body,
        "unique_key",
        &[],
        Length::KEY,
        Some(UNIQUE_KEY_PATTERN),
    );
    let display_name = issues.optional(body, "display_name", |issues| {
        issues.string(body, "display_name", &[], Length::NAME, None)
    });
    let forward_webhooks = issues.boolean(body, "forward_webhooks");
    let credentials = issues.optional(body, "credentials", |issues| issues.credentials(body));
    issues.strict(
        &[],
        body,
        &[
            "provider",
            "unique_key",
            "display_name",
            "forward_webhooks",
            "credentials",
            "integration_config",
            "custom",
        ],
    );
    issues.into_result("invalid_body")?;
    not_simulated(body)?;
    // Both are present: a missing one is an issue above.
    let (Some(provider), Some(unique_key)) = (provider, unique_key) else {
        return Err(NangoError::invalid_body("Missing provider or unique_key"));
    };

    if nango_provider_name(&provider).is_none() {
        let mut issues = Issues::default();
        issues.push("invalid_string", "Invalid provider", &["provider"]);
        return Err(NangoError::issues("invalid_body", issues));
    }
    let credentials = match credentials {
        Some(credentials) => credentials.for_provider()?,
        None => return Err(NangoError::invalid_body("Missing credentials")),
    };
    if platforms
        .integrations
        .iter()
        .any(|i| i.unique_key == unique_key)
    {
        // postIntegration.ts answers `integration_exists` so.
        let mut issues = Issues::default();
        issues.push(
            "invalid_string",
            "Unique key already exists",
            &["uniqueKey"],
        );
        return Err(NangoError::issues("invalid_body", issues));
    }
    Ok(Integration {
        unique_key,
        provider,
        display_name,
        forward_webhooks: forward_webhooks.unwrap_or(true),
        client_id: credentials.client_id,
        client_secret: credentials.client_secret,
        scopes: credentials.scopes,
        created_at: now,
        updated_at: now,
    })
}

/// A validated `PATCH /integrations/{uniqueKey}` body.
struct Patch {
    unique_key: Option<String>,
    display_name: Option<String>,
    forward_webhooks: Option<bool>,
    credentials: Option<Credentials>,
}

impl Patch {
    fn parse(body: &Map<String, Value>) -> Result<Self, NangoError> {
        let mut issues = Issues::default();
        let patch = Patch {
            unique_key: issues.optional(body, "unique_key", |issues| {
                issues.string(
                    body,
                    "unique_key",
                    &[],
                    Length::KEY,
                    Some(UNIQUE_KEY_PATTERN),
                )
            }),
            display_name: issues.optional(body, "display_name", |issues| {
                issues.string(body, "display_name", &[], Length::NAME, None)
            }),
            forward_webhooks: issues.boolean(body, "forward_webhooks"),
            credentials: issues.optional(body, "credentials", |issues| issues.credentials(body)),
        };
        issues.strict(
            &[],
            body,
            &[
                "unique_key",
                "display_name",
                "credentials",
                "forward_webhooks",
                "integration_config",
                "custom",
            ],
        );
        issues.into_result("invalid_body")?;
        not_simulated(body)?;
        Ok(patch)
    }

    /// As `integrationService.update`: incompatible credentials, then a taken new key.
    fn apply(
        self,
        platforms: &mut Platforms,
        index: usize,
        now: OffsetDateTime,
    ) -> Result<(), NangoError> {
        let credentials = self
            .credentials
            .map(Credentials::for_provider)
            .transpose()?;
        if let Some(key) = &self.unique_key
            && platforms
                .integrations
                .iter()
                .enumerate()
                .any(|(i, other)| i != index && other.unique_key == *key)
        {
            return Err(NangoError::invalid_body(
                "uniqueKey is already used by another integration",
            ));
        }
        let integration = &mut platforms.integrations[index];
        if let Some(key) = self.unique_key {
            integration.unique_key = key;
        }
        if let Some(name) = self.display_name {
            integration.display_name = Some(name);
        }
        if let Some(forward) = self.forward_webhooks {
            integration.forward_webhooks = forward;
        }
        if let Some(credentials) = credentials {
            integration.client_id = credentials.client_id;
            integration.client_secret = credentials.client_secret;
            // Omitted scopes are `undefined`, which Knex leaves out of the UPDATE.
            if credentials.scopes.is_some() {
                integration.scopes = credentials.scopes;
            }
        }
        integration.updated_at = now;
        Ok(())
    }
}

fn not_simulated(body: &Map<String, Value>) -> Result<(), NangoError> {
    let credentials = body.get("credentials").and_then(Value::as_object);
    let used = NOT_SIMULATED
        .iter()
        .find(|key| body.contains_key(**key) || credentials.is_some_and(|c| c.contains_key(**key)));
    match used {
        Some(key) => Err(NangoError::invalid_body(format!(
            "'{key}' is not simulated"
        ))),
        None => Ok(()),
    }
}

/// Validated `credentials`: an OAuth app, or a type no simulated provider takes.
enum Credentials {
    OAuth2(OAuthApp),
    OtherType,
}

struct OAuthApp {
    client_id: String,
    client_secret: SecretString,
    scopes: Option<String>,
}

impl Credentials {
    /// Every simulated provider is OAUTH2; other types are refused as Nango refuses them.
    fn for_provider(self) -> Result<OAuthApp, NangoError> {
        match self {
            Credentials::OAuth2(app) => Ok(app),
            Credentials::OtherType => Err(NangoError::invalid_body(
                "incompatible credentials auth type and provider auth",
            )),
        }
    }
}

#[derive(Clone, Copy)]
struct Length {
    min: usize,
    max: Option<usize>,
}

impl Length {
    const KEY: Length = Length {
        min: 0,
        max: Some(255),
    };
    const NAME: Length = Length {
        min: 1,
        max: Some(255),
    };
    const CLIENT_ID: Length = Length {
        min: 1,
        max: Some(255),
    };
    const SECRET: Length = Length { min: 1, max: None };
}

/// zod issues `{code, message, path}`, with zod 4's messages.
#[derive(Default)]
struct Issues(Vec<Value>);

impl Issues {
    fn push(&mut self, code: &str, message: &str, path: &[&str]) {
        self.0
            .push(json!({ "code": code, "message": message, "path": path }));
    }

    fn into_result(self, code: &str) -> Result<(), NangoError> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(NangoError::issues(code, self))
        }
    }

    fn unrecognized(&mut self, path: &[&str], key: &str) {
        self.push(
            "unrecognized_keys",
            &format!("Unrecognized key: \"{key}\""),
            path,
        );
    }

    /// `.strict()`: keys outside `allowed` are issues.
    fn strict(&mut self, path: &[&str], object: &Map<String, Value>, allowed: &[&str]) {
        for key in object.keys().filter(|k| !allowed.contains(&k.as_str())) {
            self.unrecognized(path, key);
        }
    }

    fn wrong_type(&mut self, path: &[&str], expected: &str, got: Option<&Value>) {
        let received = match got {
            None => "undefined",
            Some(Value::Null) => "null",
            Some(Value::Bool(_)) => "boolean",
            Some(Value::Number(_)) => "number",
            Some(Value::String(_)) => "string",
            Some(Value::Array(_)) => "array",
            Some(Value::Object(_)) => "object",
        };
        self.push(
            "invalid_type",
            &format!("Invalid input: expected {expected}, received {received}"),
            path,
        );
    }

    /// `.optional()`: absent is fine, present is checked.
    fn optional<T>(
        &mut self,
        object: &Map<String, Value>,
        key: &str,
        check: impl FnOnce(&mut Self) -> Option<T>,
    ) -> Option<T> {
        object.get(key)?;
        check(self)
    }

    /// A required string field of `object`, at `parent` + `key`.
    fn string(
        &mut self,
        object: &Map<String, Value>,
        key: &str,
        parent: &[&str],
        length: Length,
        pattern: Option<&str>,
    ) -> Option<String> {
        let path: Vec<&str> = parent.iter().copied().chain([key]).collect();
        let Some(Value::String(text)) = object.get(key) else {
            self.wrong_type(&path, "string", object.get(key));
            return None;
        };
        let count = text.chars().count();
        let before = self.0.len();
        if count < length.min {
            let message = format!(
                "Too small: expected string to have >={} characters",
                length.min
            );
            self.push("too_small", &message, &path);
        }
        if let Some(max) = length.max.filter(|max| count > *max) {
            let message = format!("Too big: expected string to have <={max} characters");
            self.push("too_big", &message, &path);
        }
        if let Some(pattern) = pattern.filter(|p| !matches_pattern(text, p)) {
            let message = format!("Invalid string: must match pattern {pattern}");
            self.push("invalid_format", &message, &path);
        }
        (self.0.len() == before).then(|| text.clone())
    }

    fn boolean(&mut self, object: &Map<String, Value>, key: &str) -> Option<bool> {
        match object.get(key)? {
            Value::Bool(value) => Some(*value),
            other => {
                self.wrong_type(&[key], "boolean", Some(other));
                None
            }
        }
    }

    /// `integrationCredentialsSchema`, a union discriminated by `type`; the OAuth branch is
    /// `{type, client_id, client_secret, scopes?, webhook_secret?}`, strict.
    fn credentials(&mut self, body: &Map<String, Value>) -> Option<Credentials> {
        let path = ["credentials"];
        let Some(object) = body.get("credentials").and_then(Value::as_object) else {
            self.wrong_type(&path, "object", body.get("credentials"));
            return None;
        };
        let kind = object
            .get("type")
            .and_then(Value::as_str)
            .filter(|t| CREDENTIAL_TYPES.contains(t));
        let Some(kind) = kind else {
            self.push(
                "invalid_union",
                "invalid credentials object",
                &["credentials", "type"],
            );
            return None;
        };
        if !matches!(kind, "OAUTH1" | "OAUTH2" | "TBA") {
            // The APP and CUSTOM branches never fit an OAUTH2 provider.
            return Some(Credentials::OtherType);
        }
        let client_id = self.string(object, "client_id", &path, Length::CLIENT_ID, None);
        let client_secret = self.string(object, "client_secret", &path, Length::SECRET, None);
        // One comma-separated string of `[0-9a-zA-Z:/_.*-]+`, or empty: never an array.
        let scopes = match object.get("scopes") {
            None => None,
            Some(Value::String(s)) if s.is_empty() || valid_scopes(s) => Some(s.clone()),
            Some(_) => {
                self.push("invalid_union", "Invalid input", &["credentials", "scopes"]);
                None
            }
        };
        self.strict(
            &path,
            object,
            &[
                "type",
                "client_id",
                "client_secret",
                "scopes",
                "webhook_secret",
            ],
        );
        let app = OAuthApp {
            client_id: client_id?,
            client_secret: SecretString::new(client_secret?),
            scopes,
        };
        Some(if kind == AUTH_MODE {
            Credentials::OAuth2(app)
        } else {
            Credentials::OtherType
        })
    }
}

fn valid_scopes(scopes: &str) -> bool {
    scopes
        .split(',')
        .all(|scope| matches_class(scope, ":/_.*-"))
}

/// The two patterns of `validation.ts` these bodies use, without a regex engine.
fn matches_pattern(text: &str, pattern: &str) -> bool {
    match pattern {
        UNIQUE_KEY_PATTERN => matches_class(text, "~:.@ _-"),
        _ => matches_class(text, "_-"),
    }
}

/// One or more ASCII letters, digits or `extra` characters.
fn matches_class(text: &str, extra: &str) -> bool {
    !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || extra.contains(c))
}

fn integration_json(integration: &Integration, origin: &str, with_credentials: bool) -> Value {
    let mut data = json!({
        "unique_key": integration.unique_key,
        "provider": integration.provider,
        "display_name": integration.shown_name(),
        "logo": format!("{origin}/nango/images/template-logos/{}.svg", integration.provider),
        "forward_webhooks": integration.forward_webhooks,
        "created_at": iso_timestamp(integration.created_at),
        "updated_at": iso_timestamp(integration.updated_at),
    });
    if with_credentials {
        data["credentials"] = json!({
            "type": AUTH_MODE,
            "client_id": integration.client_id,
            "client_secret": integration.client_secret.expose(),
            "scopes": integration.scopes,
            "webhook_secret": null,
        });
    }
    data
}

/// JavaScript's `toISOString()`: `2026-04-09T09:58:28.123Z`.
fn iso_timestamp(at: OffsetDateTime) -> String {
    at.format(format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z"
    ))
    .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_match_validation_ts() {
        assert!(matches_pattern("outlook-prod:1 @x.y~", UNIQUE_KEY_PATTERN));
        assert!(!matches_pattern("1832_@$ùé&", UNIQUE_KEY_PATTERN));
        assert!(matches_pattern(
            "microsoft-tenant-specific",
            PROVIDER_PATTERN
        ));
        assert!(!matches_pattern("micro soft", PROVIDER_PATTERN));
        assert!(valid_scopes(
            "offline_access,Mail.Read,https://graph.microsoft.com/.default"
        ));
        assert!(!valid_scopes("offline_access, Mail.Read"));
        assert!(!valid_scopes("offline_access,,Mail.Read"));
        assert!(is_uuid_v4("6f1c1b38-7c5e-4a57-9a7b-1f1f1f1f1f1f"));
        assert!(!is_uuid_v4("nango_simulator_secret_key"));
    }
}
