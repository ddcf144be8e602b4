//! `/login/{tenant}/oauth2/v2.0/{devicecode,token}`: the identity platform's
//! device code flow and refresh-token grant, with AADSTS-style errors.

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Extension;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderValue, Method, StatusCode, Uri, header};
use axum::response::Response;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::Rng;
use serde_json::{Value, json};
use time::OffsetDateTime;
use time::macros::format_description;
use url::form_urlencoded;
use uuid::Uuid;

use super::DeviceOutcome;
use super::server::{Ctx, Shared};
use super::state::{DeviceCode, SimState, is_expired};
use super::tokens::{self, ACCESS_TOKEN_SECS, Audience, Grant};

const DEVICE_CODE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";
const DEVICE_CODE_LIFETIME_SECS: u64 = 900;
const VERIFICATION_URI: &str = "https://microsoft.com/devicelogin";
/// What `.default` means for the Azure CLI's client: its preconsented permissions.
const GRAPH_DEFAULT_SCOPES: [&str; 5] = [
    "Application.ReadWrite.All",
    "AuditLog.Read.All",
    "Directory.AccessAsUser.All",
    "Group.ReadWrite.All",
    "User.ReadWrite.All",
];
const GRAPH_RESOURCES: [&str; 2] = [
    "https://graph.microsoft.com",
    "00000003-0000-0000-c000-000000000000",
];
const ARM_RESOURCES: [&str; 2] = [
    "https://management.azure.com",
    "https://management.core.windows.net",
];
const OIDC_SCOPES: [&str; 3] = ["openid", "profile", "email"];
/// Clock jitter we forgive before answering `slow_down`.
const POLL_SLACK: Duration = Duration::from_millis(50);

/// An identity-platform error: `{error, error_description: "AADSTS…", error_codes, …}`.
struct AadError {
    status: StatusCode,
    error: &'static str,
    code: u32,
    description: String,
}

impl AadError {
    fn new(error: &'static str, code: u32, description: impl Into<String>) -> Self {
        AadError {
            status: StatusCode::BAD_REQUEST,
            error,
            code,
            description: description.into(),
        }
    }

    /// A client that failed to authenticate gets 401, as from Entra ID.
    fn unauthorized(mut self) -> Self {
        self.status = StatusCode::UNAUTHORIZED;
        self
    }

    fn missing(parameter: &str) -> Self {
        AadError::new(
            "invalid_request",
            900144,
            format!("The request body must contain the following parameter: '{parameter}'."),
        )
    }

    fn into_response(self, ctx: &Ctx) -> Response {
        let timestamp = OffsetDateTime::now_utc()
            .format(&format_description!(
                "[year]-[month]-[day] [hour]:[minute]:[second]Z"
            ))
            .unwrap_or_default();
        let body = json!({
            "error": self.error,
            "error_description": format!(
                "AADSTS{}: {} Trace ID: {} Correlation ID: {} Timestamp: {timestamp}",
                self.code, self.description, ctx.request_id, ctx.client_request_id
            ),
            "error_codes": [self.code],
            "timestamp": timestamp,
            "trace_id": ctx.request_id,
            "correlation_id": ctx.client_request_id,
            "error_uri": format!("https://login.microsoftonline.com/error?code={}", self.code),
        });
        json(self.status, &body)
    }
}

fn json(status: StatusCode, body: &Value) -> Response {
    let mut response = Response::new(Body::from(body.to_string()));
    *response.status_mut() = status;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json; charset=utf-8"),
    );
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("no-store, no-cache"),
    );
    response
}

/// The form fields of a token-endpoint request.
struct Form(Vec<(String, String)>);

impl Form {
    fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .filter(|v| !v.is_empty())
    }

    fn require(&self, name: &str) -> Result<&str, AadError> {
        self.get(name).ok_or_else(|| AadError::missing(name))
    }
}

pub(crate) async fn handle(
    State(shared): State<Arc<Shared>>,
    Extension(ctx): Extension<Ctx>,
    method: Method,
    uri: Uri,
    body: Bytes,
) -> Response {
    let form = Form(
        form_urlencoded::parse(&body)
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect(),
    );
    let mut state = shared.state();
    let outcome = route(&mut state, &method, uri.path(), &form);
    outcome.unwrap_or_else(|error| error.into_response(&ctx))
}

fn route(
    state: &mut SimState,
    method: &Method,
    path: &str,
    form: &Form,
) -> Result<Response, AadError> {
    let segments: Vec<&str> = path.trim_start_matches("/login/").split('/').collect();
    let [tenant_name, "oauth2", "v2.0", endpoint] = segments.as_slice() else {
        return Err(AadError {
            status: StatusCode::NOT_FOUND,
            ..AadError::new(
                "invalid_request",
                900561,
                "The endpoint only accepts POST requests at /{tenant}/oauth2/v2.0/{devicecode|token}.",
            )
        });
    };
    if method != Method::POST {
        return Err(AadError::new(
            "invalid_request",
            900561,
            "The endpoint only accepts POST requests.",
        ));
    }
    let tenant = state.resolve_tenant(tenant_name).ok_or_else(|| {
        AadError::new(
            "invalid_request",
            90002,
            format!("Tenant '{tenant_name}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud."),
        )
    })?;
    match *endpoint {
        "devicecode" => device_code(state, tenant, form),
        "token" => token(state, tenant, form),
        other => Err(AadError {
            status: StatusCode::NOT_FOUND,
            ..AadError::new(
                "invalid_request",
                900561,
                format!("Unknown endpoint '{other}'."),
            )
        }),
    }
}

fn device_code(state: &mut SimState, tenant: Uuid, form: &Form) -> Result<Response, AadError> {
    let client_id = form.require("client_id")?.to_owned();
    let scope = form.require("scope")?.to_owned();
    let user_code = state.random_string(9, b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789");
    let secret: [u8; 48] = state.rng.random();
    let device_code = format!("DAQABIQEAAAB{}", URL_SAFE_NO_PAD.encode(secret));
    let interval = state.policy.poll_interval.as_secs();
    state.device_codes.insert(
        device_code.clone(),
        DeviceCode {
            tenant,
            client_id,
            scope,
            polls: 0,
            last_poll: None,
            expires_at: Instant::now() + Duration::from_secs(DEVICE_CODE_LIFETIME_SECS),
        },
    );
    Ok(json(
        StatusCode::OK,
        &json!({
            "user_code": user_code,
            "device_code": device_code,
            "verification_uri": VERIFICATION_URI,
            "expires_in": DEVICE_CODE_LIFETIME_SECS,
            "interval": interval,
            "message": format!("To sign in, use a web browser to open the page {VERIFICATION_URI} and enter the code {user_code} to authenticate."),
        }),
    ))
}

fn token(state: &mut SimState, tenant: Uuid, form: &Form) -> Result<Response, AadError> {
    let client_id = form.require("client_id")?;
    match form.require("grant_type")? {
        DEVICE_CODE_GRANT => poll(state, form.require("device_code")?, client_id),
        "refresh_token" => {
            if !tokens::is_refresh_token(form.require("refresh_token")?) {
                return Err(AadError::new(
                    "invalid_grant",
                    9002313,
                    "Invalid request. Request is malformed or invalid.",
                ));
            }
            let scope = form
                .get("scope")
                .unwrap_or("https://graph.microsoft.com/.default");
            issue(state, tenant, client_id, scope, true)
        }
        "client_credentials" => {
            authenticate_client(state, tenant, client_id, form.require("client_secret")?)?;
            issue(state, tenant, client_id, form.require("scope")?, false)
        }
        other => Err(AadError::new(
            "unsupported_grant_type",
            70003,
            format!("The app requested an unsupported grant type '{other}'."),
        )),
    }
}

/// The client credentials grant: `client_id` must be an app of the tenant and `secret` the
/// value of one of its unexpired, replicated client secrets, answered as Entra ID does otherwise.
fn authenticate_client(
    state: &SimState,
    tenant: Uuid,
    client_id: &str,
    secret: &str,
) -> Result<(), AadError> {
    let app = state.tenant(tenant).and_then(|t| {
        t.applications
            .iter()
            .find(|a| {
                a.str("appId")
                    .is_some_and(|id| id.eq_ignore_ascii_case(client_id))
            })
            .map(|app| (t, app))
    });
    let Some((home, app)) = app else {
        return Err(AadError::new(
            "unauthorized_client",
            700016,
            format!(
                "Application with identifier '{client_id}' was not found in the directory '{tenant}'. This can happen if the application has not been installed by the administrator of the tenant."
            ),
        ));
    };
    // Until it replicates, a new secret is refused exactly like a wrong one.
    let now = state.policy.clock.now();
    let matching = home
        .credential_with_value(app, secret)
        .filter(|(_, stored)| now >= stored.usable_at)
        .map(|(credential, _)| credential);
    let expired = matching.is_some_and(|c| is_expired(c, OffsetDateTime::now_utc()));
    match (matching, expired) {
        (Some(_), false) => Ok(()),
        (Some(_), true) => Err(AadError::new(
            "invalid_client",
            7000222,
            format!("The provided client secret keys for app '{client_id}' are expired."),
        )
        .unauthorized()),
        (None, _) => Err(AadError::new(
            "invalid_client",
            7000215,
            format!(
                "Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '{client_id}'."
            ),
        )
        .unauthorized()),
    }
}

/// One poll of a pending device-code sign-in.
fn poll(state: &mut SimState, device_code: &str, client_id: &str) -> Result<Response, AadError> {
    let now = Instant::now();
    let policy = state.policy.clone();
    let Some(pending) = state
        .device_codes
        .get_mut(device_code)
        .filter(|p| p.client_id == client_id)
    else {
        return Err(AadError::new(
            "bad_verification_code",
            70000,
            "The provided device code was not recognized.",
        ));
    };
    if now >= pending.expires_at {
        state.device_codes.remove(device_code);
        return Err(AadError::new(
            "expired_token",
            70019,
            "Verification code expired.",
        ));
    }
    let too_fast = !policy.poll_interval.is_zero()
        && pending
            .last_poll
            .is_some_and(|last| now.duration_since(last) + POLL_SLACK < policy.poll_interval);
    pending.last_poll = Some(now);
    if too_fast {
        return Err(AadError::new(
            "slow_down",
            70000,
            "Polling too frequently. Increase the polling interval.",
        ));
    }
    pending.polls += 1;
    if pending.polls <= policy.polls_before_approval {
        return Err(AadError::new(
            "authorization_pending",
            70016,
            "OAuth 2.0 device flow error. Authorization is pending. Continue polling.",
        ));
    }
    let pending = state
        .device_codes
        .remove(device_code)
        .ok_or_else(|| AadError::missing("device_code"))?;
    match policy.device_outcome {
        DeviceOutcome::Approve => issue(
            state,
            pending.tenant,
            &pending.client_id,
            &pending.scope,
            false,
        ),
        DeviceOutcome::Decline => Err(AadError::new(
            "authorization_declined",
            65004,
            "User declined to consent to access the app.",
        )),
        DeviceOutcome::Expire => Err(AadError::new(
            "expired_token",
            70019,
            "Verification code expired.",
        )),
    }
}

/// The resource a scope string asks for; mixing resources is refused like AAD does.
fn audience_of(scope: &str) -> Result<Audience, AadError> {
    let mut audience = None;
    for item in scope
        .split_whitespace()
        .filter(|s| !OIDC_SCOPES.contains(s) && *s != "offline_access")
    {
        let this = if ARM_RESOURCES.iter().any(|r| item.starts_with(r)) {
            Audience::Arm
        } else {
            Audience::Graph
        };
        if audience.is_some_and(|a| a != this) {
            return Err(AadError::new(
                "invalid_scope",
                70011,
                "The provided value for the input parameter 'scope' is not valid. Scopes for more than one resource were requested.",
            ));
        }
        audience = Some(this);
    }
    Ok(audience.unwrap_or(Audience::Graph))
}

/// Short permission names granted for `scope` (`.default` expands).
fn granted(scope: &str, audience: Audience) -> Vec<String> {
    let mut names = Vec::new();
    for item in scope
        .split_whitespace()
        .filter(|s| !OIDC_SCOPES.contains(s) && *s != "offline_access")
    {
        let short = GRAPH_RESOURCES
            .iter()
            .chain(ARM_RESOURCES.iter())
            .find_map(|r| item.strip_prefix(r))
            .map_or(item, |rest| rest.trim_start_matches('/'));
        match (short, audience) {
            (".default", Audience::Graph) => {
                names.extend(GRAPH_DEFAULT_SCOPES.iter().map(|s| (*s).to_owned()))
            }
            (".default" | "user_impersonation", Audience::Arm) => {
                names.push("user_impersonation".to_owned())
            }
            (name, _) => names.push(name.to_owned()),
        }
    }
    names.sort();
    names.dedup();
    names
}

fn issue(
    state: &mut SimState,
    tenant: Uuid,
    client_id: &str,
    scope: &str,
    refresh: bool,
) -> Result<Response, AadError> {
    let audience = audience_of(scope)?;
    let names = granted(scope, audience);
    let prefix = match audience {
        Audience::Graph => "https://graph.microsoft.com/",
        Audience::Arm => "https://management.azure.com/",
    };
    let requested: Vec<&str> = scope.split_whitespace().collect();
    let mut scope_out: Vec<String> = names.iter().map(|n| format!("{prefix}{n}")).collect();
    scope_out.extend(
        OIDC_SCOPES
            .iter()
            .filter(|s| requested.contains(s))
            .map(|s| (*s).to_owned()),
    );
    let user = state
        .tenant(tenant)
        .map(|t| t.user.clone())
        .ok_or_else(|| {
            AadError::new(
                "invalid_request",
                90002,
                format!("Tenant '{tenant}' not found."),
            )
        })?;
    let grant = Grant {
        tenant,
        user: &user,
        audience,
        client_id,
        scope: &names.join(" "),
    };
    let mut body = json!({
        "token_type": "Bearer",
        "scope": scope_out.join(" "),
        "expires_in": ACCESS_TOKEN_SECS,
        "ext_expires_in": ACCESS_TOKEN_SECS,
        "access_token": tokens::mint_access_token(&mut state.rng, &grant),
    });
    if refresh || requested.contains(&"offline_access") {
        body["refresh_token"] = json!(tokens::mint_refresh_token(&mut state.rng));
    }
    if requested.contains(&"openid") {
        body["id_token"] = json!(tokens::mint_id_token(&mut state.rng, &grant));
    }
    Ok(json(StatusCode::OK, &body))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_pick_one_resource() {
        assert_eq!(
            audience_of("https://graph.microsoft.com/.default offline_access").ok(),
            Some(Audience::Graph)
        );
        assert_eq!(
            audience_of("https://management.azure.com/.default offline_access").ok(),
            Some(Audience::Arm)
        );
        assert_eq!(audience_of("openid").ok(), Some(Audience::Graph));
        assert!(audience_of("User.Read https://management.azure.com/.default").is_err());
        assert_eq!(
            granted(
                "User.Read https://graph.microsoft.com/Mail.Read openid",
                Audience::Graph
            ),
            ["Mail.Read", "User.Read"]
        );
        assert_eq!(
            granted("https://management.azure.com//.default", Audience::Arm),
            ["user_impersonation"]
        );
    }
}
