//! Sign-in against a tiny local server standing in for Entra ID's login endpoint.

use super::*;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::{Form, Router, routing::post};
use serde_json::{Value, json};
use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::Duration;

const ACCESS: &str = "graph-access-token-text";
const REFRESH: &str = "refresh-token-text";
const DEVICE: &str = "device-code-text";
const SECRET: &str = "client-secret-text";

/// One request the fake login endpoint received.
#[derive(Clone, Debug)]
struct Seen {
    tenant: String,
    leaf: String,
    form: HashMap<String, String>,
}

/// Scripted answers, taken in order; `otherwise` answers once the script runs out.
#[derive(Default)]
struct Script {
    devicecode: VecDeque<(u16, String)>,
    token: VecDeque<(u16, String)>,
    otherwise: Option<(u16, String)>,
    seen: Vec<Seen>,
}

#[derive(Clone, Default)]
struct Login(Arc<Mutex<Script>>);

impl Login {
    /// Serves on 127.0.0.1 under `/login`, like the simulator will.
    async fn start() -> (Self, Url) {
        let login = Login::default();
        let app = Router::new()
            .route("/login/{tenant}/oauth2/v2.0/{leaf}", post(answer))
            .with_state(login.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = Url::parse(&format!("http://{}/login", listener.local_addr().unwrap())).unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await });
        (login, url)
    }

    fn device_code(&self, interval: u64, expires_in: u64) {
        let body = json!({
            "device_code": DEVICE, "user_code": "ABCD-EFGH", "interval": interval, "expires_in": expires_in,
            "verification_uri": "https://microsoft.com/devicelogin",
            "message": "To sign in, use a web browser to open the page https://microsoft.com/devicelogin and enter the code ABCD-EFGH to authenticate.",
        });
        self.0
            .lock()
            .unwrap()
            .devicecode
            .push_back((200, body.to_string()));
    }

    fn token(&self, status: u16, body: Value) {
        self.token_raw(status, &body.to_string());
    }

    fn token_raw(&self, status: u16, body: &str) {
        self.0
            .lock()
            .unwrap()
            .token
            .push_back((status, body.to_owned()));
    }

    fn otherwise(&self, status: u16, body: Value) {
        self.0.lock().unwrap().otherwise = Some((status, body.to_string()));
    }

    fn seen(&self) -> Vec<Seen> {
        self.0.lock().unwrap().seen.clone()
    }
}

async fn answer(
    State(login): State<Login>,
    Path((tenant, leaf)): Path<(String, String)>,
    Form(form): Form<HashMap<String, String>>,
) -> impl IntoResponse {
    let mut script = login.0.lock().unwrap();
    script.seen.push(Seen {
        tenant,
        leaf: leaf.clone(),
        form,
    });
    let next = match leaf.as_str() {
        "devicecode" => script.devicecode.pop_front(),
        _ => script.token.pop_front(),
    };
    let (status, body) = next
        .or_else(|| script.otherwise.clone())
        .unwrap_or((500, "script ran out".into()));
    (StatusCode::from_u16(status).unwrap(), body)
}

fn entra_error(error: &str, code: u32, text: &str) -> Value {
    json!({
        "error": error,
        "error_description": format!("AADSTS{code}: {text}\r\nTrace ID: 0000aaaa-11bb-cccc-dd22-eeeeee333333\r\nCorrelation ID: c0ffee00-0000-0000-0000-000000000000\r\nTimestamp: 2025-01-01 00:00:00Z"),
        "error_codes": [code],
        "trace_id": "0000aaaa-11bb-cccc-dd22-eeeeee333333",
        "correlation_id": "c0ffee00-0000-0000-0000-000000000000",
    })
}

fn pending() -> Value {
    entra_error(
        "authorization_pending",
        70016,
        "OAuth 2.0 device flow error. Authorization is pending. Continue polling.",
    )
}

fn granted(access: &str, expires_in: u64, refresh: Option<&str>) -> Value {
    let mut body = json!({"token_type": "Bearer", "scope": "https://graph.microsoft.com/.default", "expires_in": expires_in, "ext_expires_in": expires_in, "access_token": access});
    if let Some(refresh) = refresh {
        body["refresh_token"] = json!(refresh);
    }
    body
}

fn config(login_url: Url, method: AuthMethod) -> AuthConfig {
    let endpoints = Endpoints {
        login_url,
        ..Endpoints::public_cloud()
    };
    AuthConfig::new(method, endpoints)
}

/// Starts a device code flow whose "seconds" last a millisecond, and polls it to the end.
async fn run_flow(
    login: &Login,
    url: &Url,
) -> (Result<DeviceCodeSource, AuthError>, Vec<DeviceCodeEvent>) {
    run_flow_at(login, url, Duration::from_millis(1)).await
}

async fn run_flow_at(
    login: &Login,
    url: &Url,
    second: Duration,
) -> (Result<DeviceCodeSource, AuthError>, Vec<DeviceCodeEvent>) {
    let flow = DeviceCodeFlow::start(&config(url.clone(), AuthMethod::DeviceCode))
        .await
        .unwrap()
        .with_second(second);
    let mut events = Vec::new();
    let result = flow.poll(|e| events.push(e)).await;
    assert_eq!(login.seen()[0].leaf, "devicecode");
    (result, events)
}

#[tokio::test]
async fn device_code_pending_then_success() {
    let (login, url) = Login::start().await;
    login.device_code(5, 900);
    login.token(400, pending());
    login.token(400, pending());
    let jwt = jwt::fake(&json!({"upn": "adele@contoso.com", "exp": 4_102_444_800_i64}));
    login.token(200, granted(&jwt, 3599, Some(REFRESH)));

    let flow = DeviceCodeFlow::start(&config(url.clone(), AuthMethod::DeviceCode))
        .await
        .unwrap();
    let prompt = flow.prompt().clone();
    assert_eq!(prompt.user_code, "ABCD-EFGH");
    assert_eq!(prompt.verification_uri, "https://microsoft.com/devicelogin");
    assert!(prompt.message.contains("ABCD-EFGH"));
    assert_eq!(prompt.interval, Duration::from_secs(5));
    let left = prompt.expires_at - OffsetDateTime::now_utc();
    assert!(left > time::Duration::seconds(890) && left <= time::Duration::seconds(900));

    let started = std::time::Instant::now();
    let mut events = Vec::new();
    let source = flow
        .with_second(Duration::from_millis(1))
        .poll(|e| events.push(e))
        .await
        .unwrap();
    assert!(
        started.elapsed() >= Duration::from_millis(15),
        "three polls 5 ms apart"
    );
    assert_eq!(events.len(), 2, "{events:?}");
    for event in &events {
        let DeviceCodeEvent::Pending { remaining } = event else {
            panic!("{event:?}")
        };
        assert!(*remaining > Duration::from_secs(800) && *remaining < Duration::from_secs(900));
    }

    let seen = login.seen();
    assert_eq!(seen.len(), 4);
    assert_eq!(seen[0].tenant, "organizations");
    assert_eq!(seen[0].form["client_id"], AZURE_CLI_CLIENT_ID);
    assert_eq!(
        seen[0].form["scope"],
        "https://graph.microsoft.com/.default offline_access"
    );
    for poll in &seen[1..] {
        assert_eq!(poll.leaf, "token");
        assert_eq!(
            poll.form["grant_type"],
            "urn:ietf:params:oauth:grant-type:device_code"
        );
        assert_eq!(poll.form["device_code"], DEVICE);
        assert_eq!(poll.form["client_id"], AZURE_CLI_CLIENT_ID);
    }

    // The token from the sign-in itself is served from the cache.
    assert_eq!(source.label(), "device code (adele@contoso.com)");
    assert!(source.can_switch_tenant());
    let token = source.token(TokenResource::Graph, None).await.unwrap();
    assert_eq!(token.token.expose(), jwt);
    assert_eq!(login.seen().len(), 4);
}

#[tokio::test]
async fn slow_down_adds_five_seconds() {
    let (login, url) = Login::start().await;
    login.device_code(1, 900);
    login.token(400, entra_error("slow_down", 70016, "Slow down."));
    login.token(400, pending());
    login.token(200, granted(ACCESS, 3600, Some(REFRESH)));
    let started = std::time::Instant::now();
    let (result, events) = run_flow(&login, &url).await;
    result.unwrap();
    assert!(
        matches!(events[0], DeviceCodeEvent::SlowDown { interval } if interval == Duration::from_secs(6))
    );
    assert!(matches!(events[1], DeviceCodeEvent::Pending { .. }));
    // 1 + 6 + 6 protocol seconds of waiting, at a millisecond each.
    assert!(started.elapsed() >= Duration::from_millis(13));
}

#[tokio::test]
async fn declined_expired_and_bad_codes_stop_polling() {
    type Case = (&'static str, u32, fn(&AuthError) -> bool, &'static str);
    let cases: [Case; 3] = [
        (
            "authorization_declined",
            70000,
            |e| matches!(e, AuthError::DeviceCodeDeclined { .. }),
            "press r",
        ),
        (
            "expired_token",
            70019,
            |e| matches!(e, AuthError::DeviceCodeExpired { .. }),
            "press r to get a new one",
        ),
        (
            "bad_verification_code",
            70000,
            |e| matches!(e, AuthError::BadVerificationCode { .. }),
            "press r",
        ),
    ];
    for (error, code, is_expected, advice) in cases {
        let (login, url) = Login::start().await;
        login.device_code(1, 900);
        login.token(400, pending());
        login.token(
            400,
            entra_error(error, code, "The user declined, or the code expired."),
        );
        login.otherwise(200, granted(ACCESS, 3600, None));
        let (result, _) = run_flow(&login, &url).await;
        let err = result.unwrap_err();
        assert!(is_expected(&err), "{error}: {err:?}");
        let text = err.to_string();
        assert!(
            text.contains(&format!("AADSTS{code}")) && text.contains(advice),
            "{text}"
        );
        assert!(
            !text.contains("Trace ID"),
            "only the first line of the description: {text}"
        );
        assert_eq!(login.seen().len(), 3, "no poll after {error}");
    }
}

#[tokio::test]
async fn other_refusals_keep_the_aadsts_code_and_trace_id() {
    let (login, url) = Login::start().await;
    login.device_code(1, 900);
    login.token(
        400,
        entra_error("invalid_grant", 50126, "Error validating credentials."),
    );
    let (result, _) = run_flow(&login, &url).await;
    let err = result.unwrap_err();
    assert!(matches!(err, AuthError::Rejected { .. }), "{err:?}");
    let text = err.to_string();
    assert!(
        text.contains("AADSTS50126: Error validating credentials."),
        "{text}"
    );
    assert!(
        text.contains("[invalid_grant, trace id 0000aaaa-11bb-cccc-dd22-eeeeee333333]"),
        "{text}"
    );
    assert!(text.contains("sign in again"), "{text}");
}

#[tokio::test]
async fn a_non_json_answer_is_an_error_that_quotes_it() {
    let (login, url) = Login::start().await;
    login.device_code(1, 900);
    login.token_raw(
        502,
        "<html><body>Bad gateway from the corporate proxy</body></html>",
    );
    let (result, _) = run_flow(&login, &url).await;
    let err = result.unwrap_err();
    assert!(
        matches!(err, AuthError::UnexpectedAnswer { status: 502, .. }),
        "{err:?}"
    );
    assert!(
        err.to_string()
            .contains("Bad gateway from the corporate proxy"),
        "{err}"
    );

    // A 200 that is not a token answer is not quoted: it might hold a token after all.
    let (login, url) = Login::start().await;
    login.device_code(1, 900);
    login.token(200, json!({"access_token": ACCESS}));
    let (result, _) = run_flow(&login, &url).await;
    let err = result.unwrap_err();
    assert!(
        matches!(err, AuthError::UnexpectedAnswer { status: 200, .. }),
        "{err:?}"
    );
    assert!(!err.to_string().contains(ACCESS), "{err}");
}

#[tokio::test]
async fn polling_stops_when_the_code_expires() {
    let (login, url) = Login::start().await;
    login.device_code(2, 7);
    login.otherwise(400, pending());
    // Seconds of 25 ms, so that request round trips hardly move the polls.
    let started = std::time::Instant::now();
    let (result, events) = run_flow_at(&login, &url, Duration::from_millis(25)).await;
    let err = result.unwrap_err();
    assert!(
        matches!(err, AuthError::DeviceCodeExpired { .. }),
        "{err:?}"
    );
    // Polls at 2, 4 and 6 s (fewer on a loaded machine), none after the code expired at
    // 7 s, and the error comes when it expires, not a whole interval later.
    let polls = login.seen().len() - 1;
    assert!((1..=3).contains(&polls), "{polls}");
    assert_eq!(events.len(), polls, "{events:?}");
    assert!(
        events
            .iter()
            .all(|e| matches!(e, DeviceCodeEvent::Pending { .. }))
    );
    let elapsed = started.elapsed();
    assert!(elapsed >= Duration::from_millis(175), "{elapsed:?}");
    assert!(elapsed < Duration::from_millis(225 + 500), "{elapsed:?}");
}

#[tokio::test]
async fn starting_can_be_refused_or_unreachable() {
    let (login, url) = Login::start().await;
    login.0.lock().unwrap().devicecode.push_back((
        400,
        entra_error(
            "unauthorized_client",
            700016,
            "Application with identifier 'x' was not found.",
        )
        .to_string(),
    ));
    let err = DeviceCodeFlow::start(&config(url, AuthMethod::DeviceCode))
        .await
        .unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("refused to start the device code sign-in: AADSTS700016"),
        "{text}"
    );
    assert!(text.contains("--client-id"), "{text}");

    // Nothing listens on the port of a dropped listener.
    let closed = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .unwrap()
        .local_addr()
        .unwrap();
    let url = Url::parse(&format!("http://{closed}/login")).unwrap();
    let err = DeviceCodeFlow::start(&config(url, AuthMethod::DeviceCode))
        .await
        .unwrap_err();
    assert!(matches!(err, AuthError::Unreachable { .. }), "{err:?}");
    assert!(
        err.to_string().contains("check the network")
            || err.to_string().contains("Check the network")
    );
}

#[tokio::test]
async fn the_refresh_token_reaches_other_tenants_and_arm_and_rotates() {
    let (login, url) = Login::start().await;
    login.device_code(1, 900);
    login.token(200, granted(ACCESS, 3600, Some("rt-1")));
    let (result, _) = run_flow(&login, &url).await;
    let source = result.unwrap();

    login.token(200, granted("fabrikam-graph", 3600, Some("rt-2")));
    login.token(200, granted("home-arm", 3600, None));
    let fabrikam = source
        .token(TokenResource::Graph, Some("fabrikam.com"))
        .await
        .unwrap();
    let arm = source.token(TokenResource::Arm, None).await.unwrap();
    assert_eq!(
        (fabrikam.token.expose(), arm.token.expose()),
        ("fabrikam-graph", "home-arm")
    );
    // Cached now.
    source
        .token(TokenResource::Graph, Some("FABRIKAM.com"))
        .await
        .unwrap();
    source.token(TokenResource::Arm, None).await.unwrap();

    let seen = login.seen();
    assert_eq!(seen.len(), 4, "{seen:?}");
    let (to_fabrikam, to_arm) = (&seen[2], &seen[3]);
    assert_eq!(to_fabrikam.tenant, "fabrikam.com");
    assert_eq!(to_fabrikam.form["grant_type"], "refresh_token");
    assert_eq!(to_fabrikam.form["refresh_token"], "rt-1");
    assert_eq!(
        to_fabrikam.form["scope"],
        "https://graph.microsoft.com/.default offline_access"
    );
    assert_eq!(to_arm.tenant, "organizations");
    assert_eq!(
        to_arm.form["refresh_token"], "rt-2",
        "the rotated refresh token is used"
    );
    assert_eq!(
        to_arm.form["scope"],
        "https://management.azure.com/.default offline_access"
    );
}

#[tokio::test]
async fn tokens_are_refreshed_before_they_expire() {
    let (login, url) = Login::start().await;
    login.device_code(1, 900);
    // Valid for four more minutes: too little to hand out.
    login.token(200, granted("short-lived", 240, Some(REFRESH)));
    let (result, _) = run_flow(&login, &url).await;
    let source = result.unwrap();
    login.token(200, granted("renewed", 3600, None));
    assert_eq!(
        source
            .token(TokenResource::Graph, None)
            .await
            .unwrap()
            .token
            .expose(),
        "renewed"
    );
    assert_eq!(
        source
            .token(TokenResource::Graph, None)
            .await
            .unwrap()
            .token
            .expose(),
        "renewed"
    );
    let seen = login.seen();
    assert_eq!(seen.len(), 3);
    assert_eq!(seen[2].form["grant_type"], "refresh_token");
    assert_eq!(
        seen[2].form["refresh_token"], REFRESH,
        "no new one came, the old one stays"
    );
}

#[tokio::test]
async fn refresh_failures_say_what_to_do() {
    let (login, url) = Login::start().await;
    login.device_code(1, 900);
    login.token(200, granted(ACCESS, 3600, Some(REFRESH)));
    let (result, _) = run_flow(&login, &url).await;
    let source = result.unwrap();
    login.token(400, entra_error("interaction_required", 50076, "Due to a configuration change made by your administrator, you must use multi-factor authentication."));
    let err = source
        .token(TokenResource::Graph, Some("fabrikam.com"))
        .await
        .unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("AADSTS50076") && text.contains("sign in again with --tenant fabrikam.com"),
        "{text}"
    );

    // Without a refresh token only the first Graph token is available.
    let (login, url) = Login::start().await;
    login.device_code(1, 900);
    login.token(200, granted(ACCESS, 3600, None));
    let (result, _) = run_flow(&login, &url).await;
    let source = result.unwrap();
    assert!(source.token(TokenResource::Graph, None).await.is_ok());
    let err = source.token(TokenResource::Arm, None).await.unwrap_err();
    assert!(matches!(err, AuthError::NoRefreshToken { .. }), "{err:?}");
}

#[tokio::test]
async fn sign_in_with_device_code_reports_the_prompt_first() {
    let (login, url) = Login::start().await;
    login.device_code(1, 900);
    login.token(200, granted(ACCESS, 3600, Some(REFRESH)));
    let mut events = Vec::new();
    let mut config = config(url, AuthMethod::DeviceCode);
    config.tenant = Some("contoso.com".into());
    let source = sign_in(&config, |e| events.push(e)).await.unwrap();
    assert!(
        matches!(&events[..], [DeviceCodeEvent::Prompt(p)] if p.user_code == "ABCD-EFGH"),
        "{events:?}"
    );
    assert_eq!(source.label(), "device code");
    assert!(login.seen().iter().all(|s| s.tenant == "contoso.com"));
}

#[tokio::test]
async fn sign_in_auto_prefers_a_token_handed_in() {
    let (_, url) = Login::start().await;
    let mut config = config(url, AuthMethod::Auto);
    config.static_token = Some(SecretString::new(ACCESS.into()));
    let source = sign_in(&config, |e| panic!("{e:?}")).await.unwrap();
    assert_eq!(source.label(), "token from APPREG_ACCESS_TOKEN");
    assert_eq!(
        source
            .token(TokenResource::Graph, None)
            .await
            .unwrap()
            .token
            .expose(),
        ACCESS
    );
}

#[tokio::test]
async fn client_secret_against_an_http_login_url_posts_client_credentials() {
    let (login, url) = Login::start().await;
    let mut config = config(url, AuthMethod::ClientSecret);
    config.client_id = "11111111-2222-3333-4444-555555555555".into();
    config.tenant = Some("contoso.com".into());
    config.client_secret = Some(SecretString::new(SECRET.into()));
    let source = sign_in(&config, |e| panic!("{e:?}")).await.unwrap();
    assert_eq!(
        source.label(),
        "client secret (app 11111111-2222-3333-4444-555555555555)"
    );
    assert!(!source.can_switch_tenant());

    login.token(200, granted("app-graph", 3600, None));
    login.token(200, granted("app-arm", 3600, None));
    assert_eq!(
        source
            .token(TokenResource::Graph, None)
            .await
            .unwrap()
            .token
            .expose(),
        "app-graph"
    );
    assert_eq!(
        source
            .token(TokenResource::Graph, Some("Contoso.com"))
            .await
            .unwrap()
            .token
            .expose(),
        "app-graph"
    );
    assert_eq!(
        source
            .token(TokenResource::Arm, None)
            .await
            .unwrap()
            .token
            .expose(),
        "app-arm"
    );
    let seen = login.seen();
    assert_eq!(seen.len(), 2);
    assert_eq!(seen[0].tenant, "contoso.com");
    assert_eq!(seen[0].form["grant_type"], "client_credentials");
    assert_eq!(seen[0].form["client_secret"], SECRET);
    assert_eq!(
        seen[0].form["scope"],
        "https://graph.microsoft.com/.default"
    );
    assert_eq!(
        seen[1].form["scope"],
        "https://management.azure.com/.default"
    );

    // A token Graph refused for the tenant by name is fetched again, not handed out again.
    source
        .refused(TokenResource::Graph, Some("contoso.com"))
        .await;
    login.token(200, granted("app-graph-2", 3600, None));
    assert_eq!(
        source
            .token(TokenResource::Graph, Some("contoso.com"))
            .await
            .unwrap()
            .token
            .expose(),
        "app-graph-2"
    );

    let other = source
        .token(TokenResource::Graph, Some("fabrikam.com"))
        .await
        .unwrap_err();
    assert!(
        matches!(other, AuthError::CannotSwitchTenant { .. }),
        "{other:?}"
    );

    let source = ClientSecretSource::new(&config).unwrap();
    login.token(
        401,
        entra_error(
            "invalid_client",
            7_000_215,
            "Invalid client secret provided.",
        ),
    );
    let err = source.token(TokenResource::Graph, None).await.unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("AADSTS7000215") && text.contains("APPREG_CLIENT_SECRET"),
        "{text}"
    );
    assert!(!text.contains(SECRET));
}

#[test]
fn client_secret_needs_a_secret_and_a_tenant_and_uses_azure_identity_for_https() {
    let mut config = config(
        Endpoints::public_cloud().login_url,
        AuthMethod::ClientSecret,
    );
    assert!(matches!(
        ClientSecretSource::new(&config),
        Err(AuthError::MissingClientSecret)
    ));
    config.client_secret = Some(SecretString::new(SECRET.into()));
    assert!(matches!(
        ClientSecretSource::new(&config),
        Err(AuthError::MissingTenant)
    ));
    config.tenant = Some("contoso.com".into());
    let source = ClientSecretSource::new(&config).unwrap();
    let shown = format!("{source:?}");
    assert!(
        shown.contains("Identity(") && !shown.contains(SECRET),
        "{shown}"
    );
}

#[tokio::test]
async fn debug_output_never_contains_tokens_or_secrets() {
    let (login, url) = Login::start().await;
    login.device_code(1, 900);
    let flow = DeviceCodeFlow::start(&config(url.clone(), AuthMethod::DeviceCode))
        .await
        .unwrap();
    let flow_shown = format!("{flow:?}");
    login.token(200, granted(ACCESS, 3600, Some(REFRESH)));
    let source = flow
        .with_second(Duration::from_millis(1))
        .poll(|_| ())
        .await
        .unwrap();
    let token = source.token(TokenResource::Graph, None).await.unwrap();

    let mut secret_config = config(url, AuthMethod::ClientSecret);
    secret_config.tenant = Some("contoso.com".into());
    secret_config.client_secret = Some(SecretString::new(SECRET.into()));
    secret_config.static_token = Some(SecretString::new(ACCESS.into()));
    let client_secret = ClientSecretSource::new(&secret_config).unwrap();
    let as_dyn: Arc<dyn TokenSource> = Arc::new(source);
    let copy = secret_config.duplicate();
    assert_eq!(
        copy.client_secret.as_ref().map(SecretString::expose),
        Some(SECRET)
    );

    let shown = format!(
        "{flow_shown} {token:?} {as_dyn:?} {client_secret:?} {secret_config:?} {:?}",
        Some(&token)
    );
    for needle in [ACCESS, REFRESH, DEVICE, SECRET] {
        assert!(!shown.contains(needle), "{needle} in {shown}");
    }
    assert!(shown.contains("expires_at"));
}
