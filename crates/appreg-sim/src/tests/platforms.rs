//! The Nylas and Nango simulators over real HTTP, with secrets made by the Graph simulator.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use super::{Answer, Env, env};
use crate::{Fault, FaultKind, SimConfig};

impl Env {
    async fn nylas(&self, method: Method, path: &str, body: Option<Value>) -> Answer {
        let url = format!("{}/v3/connectors{path}", self.sim.nylas_url());
        let key = self.sim.nylas_api_key();
        self.call_with(method, &url, body, &[], &key).await
    }

    async fn nango(&self, method: Method, path: &str, body: Option<Value>) -> Answer {
        let url = format!("{}/integrations{path}", self.sim.nango_url());
        let key = self.sim.nango_secret_key();
        self.call_with(method, &url, body, &[], &key).await
    }

    /// A new app with one client secret: its appId, the secret's key id and its value.
    async fn app_with_secret(&self, name: &str) -> (String, String, String) {
        let app = self.create_app(json!({ "displayName": name })).await;
        let id = app["id"].as_str().expect("id");
        let (key_id, secret) = self.add_secret(id).await;
        let app_id = app["appId"].as_str().expect("appId").to_owned();
        (app_id, key_id, secret)
    }
}

impl Answer {
    fn nylas_type(&self) -> &str {
        self.body["error"]["type"].as_str().unwrap_or_default()
    }
}

fn connector(client_id: &str, secret: &str, tenant: Option<&str>) -> Value {
    let mut settings = json!({ "client_id": client_id, "client_secret": secret });
    if let Some(tenant) = tenant {
        settings["tenant"] = json!(tenant);
    }
    json!({
        "provider": "microsoft",
        "settings": settings,
        "scope": ["offline_access", "openid", "profile", "email", "User.Read", "Mail.Read"],
    })
}

#[tokio::test]
async fn nylas_connectors_keep_the_secret_and_replace_settings_whole() {
    let env = env(SimConfig::default()).await;
    let tenant = env.sim.demo_tenant_id();
    let (app_id, key_id, secret) = env.app_with_secret("Nylas mail").await;

    let created = env
        .nylas(
            Method::POST,
            "",
            Some(connector(&app_id, &secret, Some(&tenant))),
        )
        .await;
    assert_eq!(created.status, StatusCode::OK, "{}", created.body);
    assert!(created.body["request_id"].is_string());
    assert_eq!(
        created.body["data"]["settings"],
        json!({ "client_id": app_id, "tenant": tenant })
    );
    assert_eq!(created.body["data"]["scope"][5], "Mail.Read");
    let read = env.nylas(Method::GET, "/microsoft", None).await;
    assert_eq!(read.body["data"], created.body["data"]);
    let list = env.nylas(Method::GET, "", None).await;
    assert_eq!(list.body["data"], json!([created.body["data"]]));
    for answer in [&created, &read, &list] {
        assert!(!answer.body.to_string().contains(&secret), "never served");
    }
    assert_eq!(
        env.nylas(Method::GET, "/google", None).await.nylas_type(),
        "api.not_found_error"
    );
    let platforms = env.sim.platform_snapshot();
    let stored = platforms.connector("microsoft").expect("a connector");
    assert_eq!(stored.secret_key_id.as_deref(), Some(key_id.as_str()));
    assert_eq!(stored.tenant.as_deref(), Some(tenant.as_str()));
    assert!(!format!("{platforms:?}").contains(&secret));

    let again = env
        .nylas(Method::POST, "", Some(connector(&app_id, &secret, None)))
        .await;
    assert_eq!(
        (again.status, again.nylas_type()),
        (StatusCode::BAD_REQUEST, "api.invalid_request_error"),
        "one connector per provider"
    );

    // The secret's ID pasted as its value is stored, but matches no secret.
    let pasted = env
        .nylas(
            Method::PATCH,
            "/microsoft",
            Some(json!({ "settings": { "client_id": app_id, "client_secret": key_id } })),
        )
        .await;
    assert_eq!(pasted.status, StatusCode::OK, "{}", pasted.body);
    assert_eq!(
        pasted.body["data"]["settings"],
        json!({ "client_id": app_id })
    );
    let stored = env.sim.platform_snapshot().connectors.remove(0);
    assert_eq!((stored.secret_key_id, stored.tenant), (None, None));
    assert_eq!(stored.scope.len(), 6, "scope is kept when not sent");

    let no_secret = env
        .nylas(
            Method::PATCH,
            "/microsoft",
            Some(json!({ "settings": { "client_id": app_id, "tenant": tenant } })),
        )
        .await;
    assert_eq!(
        (no_secret.status, no_secret.nylas_type()),
        (StatusCode::BAD_REQUEST, "api.invalid_request_error"),
        "settings replace the whole object, so a secret-less one is refused"
    );
    let rescoped = env
        .nylas(
            Method::PATCH,
            "/microsoft",
            Some(json!({ "settings": { "client_id": app_id, "client_secret": secret }, "scope": ["Mail.Read"] })),
        )
        .await;
    assert_eq!(rescoped.body["data"]["scope"], json!(["Mail.Read"]));
    let stored = env.sim.platform_snapshot().connectors.remove(0);
    assert_eq!(stored.secret_key_id, Some(key_id));

    for (body, kind) in [
        (json!({ "scope": "Mail.Read" }), "api.invalid_request_error"),
        (json!({ "settings": "x" }), "api.invalid_request_error"),
    ] {
        let refused = env.nylas(Method::PATCH, "/microsoft", Some(body)).await;
        assert_eq!(
            (refused.status, refused.nylas_type()),
            (StatusCode::BAD_REQUEST, kind)
        );
    }
    let refused = env
        .nylas(
            Method::POST,
            "",
            Some(json!({ "provider": "exchange", "settings": {} })),
        )
        .await;
    assert_eq!(refused.nylas_type(), "api.invalid_request_error");
    let missing = env
        .nylas(
            Method::POST,
            "",
            Some(json!({ "provider": "google", "settings": { "client_id": "x" } })),
        )
        .await;
    assert_eq!(
        missing.status,
        StatusCode::BAD_REQUEST,
        "a Google connector needs its secret"
    );
    let malformed = env
        .http
        .post(format!("{}/v3/connectors", env.sim.nylas_url()))
        .bearer_auth(env.sim.nylas_api_key())
        .body("{\"provider\": ")
        .send()
        .await
        .expect("an answer");
    assert_eq!(malformed.status(), StatusCode::BAD_REQUEST);
    let body: Value = malformed.json().await.expect("JSON");
    assert_eq!(body["error"]["type"], "api.invalid_request_payload");

    let deleted = env.nylas(Method::DELETE, "/microsoft", None).await;
    assert_eq!(deleted.status, StatusCode::OK);
    assert!(deleted.body["request_id"].is_string() && deleted.body.get("data").is_none());
    assert_eq!(
        env.nylas(Method::GET, "/microsoft", None).await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn nylas_and_nango_refuse_other_keys_in_their_own_shapes() {
    let env = env(SimConfig {
        nylas_api_key: "nyk_test".into(),
        ..SimConfig::default()
    })
    .await;
    assert_eq!(env.sim.nylas_api_key(), "nyk_test");
    let url = format!("{}/v3/connectors", env.sim.nylas_url());
    let wrong = env
        .call_with(Method::GET, &url, None, &[], "nyk_v0_simulator_key")
        .await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert!(wrong.body["request_id"].is_string());
    assert_eq!(
        wrong.body["error"],
        json!({ "type": "api.authentication_error", "message": "Unauthorized" })
    );

    let url = format!("{}/integrations", env.sim.nango_url());
    let missing = env.http.get(&url).send().await.expect("an answer");
    assert_eq!(missing.status(), StatusCode::UNAUTHORIZED);
    let body: Value = missing.json().await.expect("JSON");
    assert_eq!(
        body,
        json!({ "error": {
            "message": "Authentication failed. The request is missing the Authorization header.",
            "code": "missing_auth_header",
            "payload": {},
        } })
    );
    let cases = [
        ("not-a-uuid", "invalid_secret_key_format"),
        ("6f1c1b38-7c5e-4a57-9a7b-1f1f1f1f1f1f", "unknown_account"),
    ];
    for (key, code) in cases {
        let wrong = env.call_with(Method::GET, &url, None, &[], key).await;
        assert_eq!(
            (wrong.status, wrong.code()),
            (StatusCode::UNAUTHORIZED, code)
        );
    }
}

#[tokio::test]
async fn nango_integrations_take_one_scope_string() {
    let env = env(SimConfig::default()).await;
    let (app_id, key_id, secret) = env.app_with_secret("Nango mail").await;
    let body = |scopes: Value, secret: &str| {
        json!({
            "unique_key": "outlook",
            "provider": "microsoft",
            "credentials": {
                "type": "OAUTH2", "client_id": app_id, "client_secret": secret, "scopes": scopes,
            },
        })
    };

    let array = env
        .nango(
            Method::POST,
            "",
            Some(body(json!(["offline_access", "Mail.Read"]), &secret)),
        )
        .await;
    assert_eq!(
        (array.status, array.code()),
        (StatusCode::BAD_REQUEST, "invalid_body")
    );
    assert_eq!(
        array.body["error"]["errors"][0]["path"],
        json!(["credentials", "scopes"])
    );
    assert!(env.sim.platform_snapshot().integrations.is_empty());

    let created = env
        .nango(
            Method::POST,
            "",
            Some(body(json!("offline_access,Mail.Read"), &secret)),
        )
        .await;
    assert_eq!(created.status, StatusCode::OK, "{}", created.body);
    let data = &created.body["data"];
    assert_eq!(
        (
            &data["unique_key"],
            &data["provider"],
            &data["display_name"]
        ),
        (&json!("outlook"), &json!("microsoft"), &json!("Microsoft"))
    );
    assert!(
        data["logo"]
            .as_str()
            .is_some_and(|l| l.ends_with("/microsoft.svg"))
    );
    assert!(
        data["created_at"]
            .as_str()
            .is_some_and(|t| t.ends_with('Z'))
    );
    assert!(!created.body.to_string().contains(&secret));

    let again = env
        .nango(Method::POST, "", Some(body(json!("Mail.Read"), &secret)))
        .await;
    assert_eq!(
        (again.status, again.code()),
        (StatusCode::BAD_REQUEST, "invalid_body")
    );
    assert_eq!(
        again.body["error"]["errors"][0]["message"],
        "Unique key already exists"
    );
    let mut unknown = body(json!("Mail.Read"), &secret);
    unknown["unique_key"] = json!("other");
    unknown["provider"] = json!("exchange");
    let unknown = env.nango(Method::POST, "", Some(unknown)).await;
    assert_eq!(
        unknown.body["error"]["errors"][0]["message"],
        "Invalid provider"
    );

    let read = env.nango(Method::GET, "/outlook", None).await;
    assert_eq!(read.body["data"], created.body["data"]);
    assert!(read.body["data"].get("credentials").is_none());
    let with_credentials = env
        .nango(Method::GET, "/outlook?include=credentials", None)
        .await;
    assert_eq!(
        with_credentials.body["data"]["credentials"],
        json!({
            "type": "OAUTH2", "client_id": app_id, "client_secret": secret,
            "scopes": "offline_access,Mail.Read", "webhook_secret": null,
        })
    );
    let stored = env.sim.platform_snapshot();
    let stored = stored.integration("outlook").expect("an integration");
    assert_eq!(stored.secret_key_id.as_deref(), Some(key_id.as_str()));
    assert_eq!(stored.scopes, "offline_access,Mail.Read");

    // Rotation: the new secret replaces the old one.
    let tenant_app = env.home().applications.remove(0);
    let (new_key_id, new_secret) = env.add_secret(&tenant_app.id).await;
    let patched = env
        .nango(
            Method::PATCH,
            "/outlook",
            Some(json!({
                "display_name": "Outlook",
                "credentials": { "type": "OAUTH2", "client_id": app_id, "client_secret": new_secret, "scopes": "Mail.Read" },
            })),
        )
        .await;
    assert_eq!(patched.status, StatusCode::OK, "{}", patched.body);
    assert_eq!(patched.body["data"]["display_name"], "Outlook");
    let stored = env.sim.platform_snapshot().integrations.remove(0);
    assert_eq!(stored.secret_key_id, Some(new_key_id));
    assert_eq!(
        (stored.display_name.as_str(), stored.scopes.as_str()),
        ("Outlook", "Mail.Read")
    );

    let pasted = env
        .nango(
            Method::PATCH,
            "/outlook",
            Some(json!({ "credentials": { "type": "OAUTH2", "client_id": app_id, "client_secret": key_id } })),
        )
        .await;
    assert_eq!(pasted.status, StatusCode::OK);
    let stored = env.sim.platform_snapshot().integrations.remove(0);
    assert_eq!(stored.secret_key_id, None);
    assert_eq!(stored.scopes, "Mail.Read", "scopes left out are kept");

    let absent = env.nango(Method::GET, "/teams", None).await;
    assert_eq!(
        (absent.status, absent.code()),
        (StatusCode::NOT_FOUND, "not_found")
    );
    assert_eq!(
        absent.body["error"]["message"],
        "Integration \"teams\" does not exist"
    );
    let deleted = env.nango(Method::DELETE, "/outlook", None).await;
    assert_eq!(deleted.body, json!({ "success": true }));
    assert_eq!(
        env.nango(Method::DELETE, "/outlook", None).await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn faults_on_platform_paths_answer_in_the_platform_shape() {
    let env = env(SimConfig::default()).await;
    env.sim
        .inject(Fault::new(FaultKind::ServerError, "/nylas/v3/connectors"));
    let failed = env.nylas(Method::GET, "", None).await;
    assert_eq!(failed.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(failed.body["request_id"].is_string());
    assert_eq!(failed.nylas_type(), "api.internal_error");
    env.sim
        .inject(Fault::new(FaultKind::ExpiredToken, "/nylas/v3/connectors"));
    let unauthorized = env.nylas(Method::GET, "", None).await;
    assert_eq!(
        (unauthorized.status, unauthorized.nylas_type()),
        (StatusCode::UNAUTHORIZED, "api.authentication_error")
    );

    env.sim.inject(
        Fault::new(
            FaultKind::Throttle {
                retry_after_secs: 3,
            },
            "/nango/integrations",
        )
        .method(Method::POST),
    );
    let throttled = env.nango(Method::POST, "", Some(json!({}))).await;
    assert_eq!(throttled.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(throttled.headers["retry-after"], "3");
    assert_eq!(
        throttled.body,
        json!({ "error": { "code": "too_many_request", "method": "POST", "path": "/integrations" } })
    );
    env.sim
        .inject(Fault::new(FaultKind::ExpiredToken, "/nango/integrations"));
    let unauthorized = env.nango(Method::GET, "", None).await;
    assert_eq!(
        (unauthorized.status, unauthorized.code()),
        (StatusCode::UNAUTHORIZED, "unknown_account")
    );

    // A create whose answer is lost still happened.
    env.sim.inject(Fault::new(
        FaultKind::DropAfterCommit,
        "/nango/integrations",
    ));
    let sent = env
        .http
        .post(format!("{}/integrations", env.sim.nango_url()))
        .bearer_auth(env.sim.nango_secret_key())
        .json(&json!({
            "unique_key": "google", "provider": "google",
            "credentials": { "type": "OAUTH2", "client_id": "id", "client_secret": "s" },
        }))
        .send()
        .await;
    assert!(sent.is_err(), "the connection is cut");
    assert_eq!(
        env.sim.platform_snapshot().integrations[0].display_name,
        "Google"
    );
}
