//! Servers that are not Microsoft Graph: redirects are refused and named, bodies are read with a
//! cap, stalls end within the run's limit, and no server text reaches a terminal unsanitised.

mod common;

use appreg::auth::{AuthConfig, AuthMethod, StaticTokenSource};
use appreg::cloud::{Cloud, Endpoints};
use appreg::graph::Method;
use appreg::graph::{Call, GraphClient, GraphError};
use appreg::secret::SecretString;
use common::hostile::{self, Behaviour};
use common::{TEST_TOKEN, fast_retries};
use std::sync::Arc;
use std::time::{Duration, Instant};

fn endpoints(graph: &str) -> Endpoints {
    Cloud::Global
        .endpoints(Some(&format!("{graph}/v1.0")), Some(graph), Some(graph))
        .expect("loopback URLs are allowed")
}

fn client_with(graph: &str, adjust: impl FnOnce(&mut appreg::graph::GraphConfig)) -> GraphClient {
    let endpoints = endpoints(graph);
    let mut auth = AuthConfig::new(AuthMethod::Token, endpoints.auth());
    auth.static_token = Some(SecretString::new(TEST_TOKEN.into()));
    let tokens = StaticTokenSource::new(&auth).expect("static token source");
    let mut config = endpoints.graph_config();
    config.retry = fast_retries();
    adjust(&mut config);
    GraphClient::new(config, Arc::new(tokens)).expect("client builds")
}

async fn list_apps(client: &GraphClient) -> GraphError {
    let call = Call::new(Method::Get, "/applications");
    client
        .send(&call, &())
        .await
        .expect_err("a hostile server's answer is refused")
}

fn assert_terminal_safe(text: &str) {
    assert!(
        !text.chars().any(appreg::text::is_unsafe),
        "unsafe characters reach the terminal: {text:?}"
    );
}

#[tokio::test]
async fn graph_redirects_are_refused_and_name_where_they_pointed() {
    let elsewhere = hostile::serve(Behaviour::json(200, r#"{"value":[]}"#)).await;
    for status in [301, 302, 303, 307, 308] {
        let target = format!("{}/v1.0/applications", elsewhere.url);
        let redirecting = hostile::serve(Behaviour::redirect(status, &target)).await;
        let error = list_apps(&client_with(&redirecting.url, |_| {})).await;
        let shown = format!("{error} {}", error.advice());
        assert!(
            matches!(error, GraphError::Unacceptable { .. }),
            "{status}: {error:?}"
        );
        assert!(shown.contains(&target), "{status}: {shown}");
        assert!(shown.contains("never follows"), "{status}: {shown}");
    }
    assert_eq!(elsewhere.connections(), 0, "a redirect was followed");
}

#[tokio::test]
async fn a_token_endpoint_redirect_never_resends_the_client_secret() {
    let elsewhere = hostile::serve(Behaviour::json(200, "{}")).await;
    for status in [307, 308] {
        let target = format!("{}/steal/oauth2/v2.0/token", elsewhere.url);
        let login = hostile::serve(Behaviour::redirect(status, &target)).await;
        let endpoints = endpoints(&login.url);
        let mut config = AuthConfig::new(AuthMethod::ClientSecret, endpoints.auth());
        config.tenant = Some("contoso.onmicrosoft.com".into());
        config.client_secret = Some(SecretString::new("client-secret-value".into()));
        let tokens = appreg::auth::sign_in(&config, |_| {})
            .await
            .expect("a client secret source needs no request to start");
        let error = tokens
            .token(appreg::auth::TokenResource::Graph, None)
            .await
            .expect_err("a redirected token request fails");
        let shown = error.to_string();
        assert!(
            shown.contains(&target) && shown.contains("never follows"),
            "{shown}"
        );
        assert!(!shown.contains("client-secret-value"), "{shown}");
        assert_eq!(login.connections(), 1);
    }
    assert_eq!(
        elsewhere.connections(),
        0,
        "the secret was re-posted elsewhere"
    );
}

#[tokio::test]
async fn an_endless_graph_answer_stops_at_the_cap() {
    let endless = hostile::serve(Behaviour::Endless).await;
    let error = list_apps(&client_with(&endless.url, |_| {})).await;
    assert!(error.to_string().contains("larger than 16 MiB"), "{error}");
    // A body this big is never worth a second read.
    assert_eq!(endless.connections(), 1);
}

#[tokio::test]
async fn an_answer_announcing_a_huge_body_is_refused_before_reading_it() {
    let huge = hostile::serve(Behaviour::Huge).await;
    let started = Instant::now();
    let error = list_apps(&client_with(&huge.url, |_| {})).await;
    assert!(error.to_string().contains("larger than 16 MiB"), "{error}");
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn an_endless_sign_in_answer_stops_at_its_own_cap() {
    let endless = hostile::serve(Behaviour::Endless).await;
    let endpoints = endpoints(&endless.url);
    let config = AuthConfig::new(AuthMethod::DeviceCode, endpoints.auth());
    let error = appreg::auth::sign_in(&config, |_| {})
        .await
        .expect_err("an endless answer is no device code");
    assert!(error.to_string().contains("larger than 1 MiB"), "{error}");
}

#[tokio::test]
async fn a_stalled_graph_is_given_up_on_and_the_wait_is_named() {
    let stalled = hostile::serve(Behaviour::Stall).await;
    let client = client_with(&stalled.url, |config| {
        config.request_timeout = Duration::from_millis(300);
    });
    let started = Instant::now();
    let error = list_apps(&client).await;
    // One attempt and one retry: a server that stalled twice is not waited on six times.
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(stalled.connections(), 2, "{error:?}");
    assert!(
        error.to_string().contains("no answer from Graph within"),
        "{error}"
    );
}

#[tokio::test]
async fn a_run_stops_at_its_time_limit_and_says_how_long_it_waited() {
    let throttling = hostile::serve(Behaviour::Answer {
        status: 503,
        headers: vec![("Retry-After", "2".into())],
        body: String::new(),
    })
    .await;
    let client = client_with(&throttling.url, |config| {
        config.run_limit = Duration::from_secs(1);
    });
    let error = list_apps(&client).await;
    assert!(matches!(error, GraphError::OutOfTime { .. }), "{error:?}");
    assert!(error.to_string().contains("waiting 1 s"), "{error}");
    assert!(error.advice().contains("waited 1 s"), "{}", error.advice());
    // The limit holds for the whole run, not each request: the next one is not even sent.
    let before = throttling.connections();
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let error = list_apps(&client).await;
    assert!(matches!(error, GraphError::OutOfTime { .. }), "{error:?}");
    assert_eq!(throttling.connections(), before);
    // Requests a person confirmed after reading start a run of their own.
    list_apps(&client.from_now()).await;
    assert_eq!(throttling.connections(), before + 1);
}

#[tokio::test]
async fn escape_sequences_in_server_messages_never_reach_the_terminal() {
    let body = r#"{"error":{"code":"Bad\u001b[2J","message":"Denied\u001b]0;owned\u0007 \u202eevil\u009b31m","innerError":{"request-id":"id\u001b[1m"}}}"#;
    let hostile = hostile::serve(Behaviour::json(400, body)).await;
    let error = list_apps(&client_with(&hostile.url, |_| {})).await;
    assert_terminal_safe(&error.to_string());
    assert_terminal_safe(&error.advice());
    assert_terminal_safe(error.request_id().unwrap_or_default());
    assert!(error.to_string().contains("Denied"), "{error}");

    let long = format!(
        r#"{{"error":{{"code":"X","message":"{}"}}}}"#,
        "a".repeat(100_000)
    );
    let hostile = hostile::serve(Behaviour::json(400, &long)).await;
    let error = list_apps(&client_with(&hostile.url, |_| {})).await;
    assert!(
        error.to_string().chars().count() < 1000,
        "{}",
        error.to_string().len()
    );

    let sign_in = hostile::serve(Behaviour::json(
        400,
        r#"{"error":"invalid_client\u001b[31m","error_description":"AADSTS7000215: Invalid\u001b]8;;http://evil\u0007 secret\r\nTrace ID: x","trace_id":"t\u0007"}"#,
    ))
    .await;
    let config = AuthConfig::new(AuthMethod::DeviceCode, endpoints(&sign_in.url).auth());
    let error = appreg::auth::sign_in(&config, |_| {})
        .await
        .expect_err("refused");
    assert_terminal_safe(&error.to_string());
    assert!(error.to_string().contains("AADSTS7000215"), "{error}");
}

#[tokio::test]
async fn directory_text_is_made_safe_as_it_is_read() {
    let apps = r#"{"value":[{"id":"1","appId":"a","displayName":"Acme\u001b]0;owned\u0007 Sync\u202e","web":{"redirectUris":["https://x.example/cb\u001b[2J"]}}]}"#;
    let directory = hostile::serve(Behaviour::json(200, apps)).await;
    let client = client_with(&directory.url, |_| {});
    let found = client
        .list_applications(&())
        .await
        .expect("a list with odd names is still a list");
    assert_eq!(found[0].display_name.as_deref(), Some("Acme]0;owned Sync"));
    assert_terminal_safe(&format!("{found:?}"));
}

/// The platforms' APIs get the same distrust as Graph: a redirect is refused (the key never
/// follows it), an endless body is cut off, and escape sequences in an error never reach the
/// terminal. A platform key never appears in what comes back.
#[tokio::test]
async fn a_hostile_platform_api_is_refused_like_a_hostile_graph() {
    use appreg::platform::{self, Credentials, PlatformKind, Target};
    const KEY: &str = "nyk_v0_hostile_test_key";
    let secret = SecretString::new("a-client-secret-value".into());
    let credentials = Credentials {
        client_id: "11111111-1111-4111-8111-111111111111",
        secret: &secret,
        single_tenant: None,
        scopes: vec!["offline_access".into()],
        keep_scopes: false,
        display_name: "Hostile",
        replace: false,
    };
    let target_at = |url: &str| {
        Target::new(
            PlatformKind::Nylas,
            url::Url::parse(url).unwrap(),
            SecretString::new(KEY.into()),
        )
    };
    let reporter = appreg::progress::Reporter::silent();

    let elsewhere = hostile::serve(Behaviour::json(200, "{}")).await;
    let redirecting = hostile::serve(Behaviour::redirect(
        307,
        &format!("{}/v3/connectors/microsoft", elsewhere.url),
    ))
    .await;
    let error = platform::connect(&target_at(&redirecting.url), &credentials, &reporter)
        .await
        .unwrap_err()
        .to_string();
    assert!(error.contains("redirected"), "{error}");
    assert_eq!(
        elsewhere.connections(),
        0,
        "the key never followed the redirect"
    );

    let endless = hostile::serve(Behaviour::Endless).await;
    let started = std::time::Instant::now();
    let error = platform::connect(&target_at(&endless.url), &credentials, &reporter)
        .await
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("larger than") || error.contains("MiB"),
        "{error}"
    );
    assert!(started.elapsed() < std::time::Duration::from_secs(20));

    let escaping = hostile::serve(Behaviour::json(
        400,
        r#"{"request_id":"r\u001b[2J","error":{"type":"\u001b]0;pwned\u0007","message":"bad \u001b[31mred\u202e"}}"#,
    ))
    .await;
    let error = platform::connect(&target_at(&escaping.url), &credentials, &reporter)
        .await
        .unwrap_err()
        .to_string();
    assert!(
        !error.chars().any(|c| c.is_control() || c == '\u{202e}'),
        "{error:?}"
    );
    assert!(!error.contains(KEY) && !error.contains(secret.expose()));
}
