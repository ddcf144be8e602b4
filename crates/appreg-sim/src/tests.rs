//! The simulator driven over real HTTP on loopback, as appreg's client sees it.

use std::time::Duration;

use reqwest::header::HeaderMap;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use super::*;

mod platforms;
mod settings;

const GRAPH: &str = "00000003-0000-0000-c000-000000000000";
const EXCHANGE: &str = "00000002-0000-0ff1-ce00-000000000000";
const MAIL_READ: &str = "570282fd-fa5c-430d-a7fd-fc8dc98a9dca";
const OFFLINE_ACCESS: &str = "7427e0e9-2fba-42fe-b0c0-848c9e6a8182";

struct Env {
    sim: SimHandle,
    http: reqwest::Client,
    token: String,
}

struct Answer {
    status: StatusCode,
    headers: HeaderMap,
    body: Value,
}

impl Answer {
    fn code(&self) -> &str {
        self.body["error"]["code"].as_str().unwrap_or_default()
    }
}

async fn env(config: SimConfig) -> Env {
    let sim = start(config).await.expect("simulator starts");
    Env {
        sim,
        http: reqwest::Client::new(),
        token: "any-token".into(),
    }
}

impl Env {
    async fn call(&self, method: Method, path: &str, body: Option<Value>) -> Answer {
        self.call_with(method, path, body, &[], &self.token).await
    }

    async fn call_with(
        &self,
        method: Method,
        path: &str,
        body: Option<Value>,
        headers: &[(&str, &str)],
        token: &str,
    ) -> Answer {
        let url = if path.starts_with("http") {
            path.to_owned()
        } else {
            format!("{}{path}", self.sim.graph_url())
        };
        let mut request = self.http.request(method, url).bearer_auth(token);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.expect("an answer");
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response.bytes().await.expect("a body");
        let body = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes).expect("JSON body")
        };
        Answer {
            status,
            headers,
            body,
        }
    }

    async fn get(&self, path: &str) -> Answer {
        self.call(Method::GET, path, None).await
    }

    async fn post(&self, path: &str, body: Value) -> Answer {
        self.call(Method::POST, path, Some(body)).await
    }

    async fn patch(&self, path: &str, body: Value) -> Answer {
        self.call(Method::PATCH, path, Some(body)).await
    }

    async fn create_app(&self, body: Value) -> Value {
        let answer = self.post("/applications", body).await;
        assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.body);
        answer.body
    }

    async fn form(&self, path: &str, form: &[(&str, &str)]) -> Answer {
        let response = self
            .http
            .post(format!("{}{path}", self.sim.login_url()))
            .form(form)
            .send()
            .await
            .expect("an answer");
        let status = response.status();
        let headers = response.headers().clone();
        let body = response.json().await.expect("JSON body");
        Answer {
            status,
            headers,
            body,
        }
    }

    async fn arm(&self, path: &str, token: &str) -> Answer {
        self.call_with(
            Method::GET,
            &format!("{}{path}", self.sim.arm_url()),
            None,
            &[],
            token,
        )
        .await
    }

    /// A new client secret of application `id`: its key id and value.
    async fn add_secret(&self, id: &str) -> (String, String) {
        let added = self
            .post(&format!("/applications/{id}/addPassword"), json!({}))
            .await;
        assert_eq!(added.status, StatusCode::OK, "{}", added.body);
        let text = |key: &str| added.body[key].as_str().expect(key).to_owned();
        (text("keyId"), text("secretText"))
    }

    /// The client credentials grant for `client_id` in the home tenant.
    async fn sign_in_as_app(&self, client_id: &str, secret: &str) -> Answer {
        let tenant = self.sim.demo_tenant_id();
        self.form(
            &format!("/{tenant}/oauth2/v2.0/token"),
            &[
                ("grant_type", "client_credentials"),
                ("client_id", client_id),
                ("client_secret", secret),
                ("scope", "https://graph.microsoft.com/.default"),
            ],
        )
        .await
    }

    fn home(&self) -> TenantSnapshot {
        self.sim.snapshot().home().cloned().expect("a home tenant")
    }
}

fn personal_app(name: &str) -> Value {
    json!({
        "displayName": name,
        "signInAudience": "AzureADandPersonalMicrosoftAccount",
        "api": { "requestedAccessTokenVersion": 2 },
    })
}

#[tokio::test]
async fn organization_me_and_authentication() {
    let env = env(SimConfig::default()).await;
    let org = env.get("/organization").await;
    assert_eq!(org.status, StatusCode::OK);
    assert!(org.headers.contains_key("request-id"));
    assert!(
        org.body["@odata.context"]
            .as_str()
            .expect("context")
            .ends_with("/v1.0/$metadata#organization")
    );
    let tenant = &org.body["value"][0];
    assert_eq!(tenant["id"], DEMO_TENANT_ID);
    assert_eq!(tenant["displayName"], "Contoso (Demo)");
    let domain = |i: usize| {
        let d = &tenant["verifiedDomains"][i];
        (
            d["name"].as_str(),
            d["isDefault"].as_bool(),
            d["isInitial"].as_bool(),
        )
    };
    assert_eq!(
        domain(0),
        (
            Some("contoso-demo.onmicrosoft.com"),
            Some(false),
            Some(true)
        )
    );
    assert_eq!(domain(1), (Some("contoso.com"), Some(true), Some(false)));
    assert_eq!(env.get("/me").await.body["displayName"], "Adele Vance");

    let anonymous = env.call_with(Method::GET, "/me", None, &[], "").await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
    assert_eq!(anonymous.code(), "InvalidAuthenticationToken");
    let request_id = anonymous.headers["request-id"].to_str().expect("ascii");
    assert_eq!(
        anonymous.body["error"]["innerError"]["request-id"],
        request_id
    );

    let second = env.sim.second_tenant_id().expect("two tenants");
    assert_eq!(second, SECOND_TENANT_ID);
    let token = env.sim.access_token(&second).expect("a token");
    let org = env
        .call_with(Method::GET, "/organization", None, &[], &token)
        .await;
    assert_eq!(org.body["value"][0]["displayName"], "Fabrikam Lab");

    let unknown = env.get("/frobnicate").await;
    assert_eq!(
        (unknown.status, unknown.code()),
        (StatusCode::BAD_REQUEST, "BadRequest")
    );
    env.sim.shutdown().await;
}

#[tokio::test]
async fn application_crud_and_patch_merges_complex_properties() {
    let env = env(SimConfig::default()).await;
    let created = env
        .create_app(json!({
            "displayName": "Nylas v3",
            "signInAudience": "AzureADandPersonalMicrosoftAccount",
            "api": { "requestedAccessTokenVersion": 2 },
            "web": {
                "redirectUris": ["https://api.us.nylas.com/v3/connect/callback"],
                "implicitGrantSettings": { "enableIdTokenIssuance": true }
            },
            "requiredResourceAccess": [{ "resourceAppId": GRAPH, "resourceAccess": [
                { "id": OFFLINE_ACCESS, "type": "Scope" }, { "id": MAIL_READ, "type": "Scope" }
            ]}],
            "tags": ["appreg"],
            "keyCredentials": []
        }))
        .await;
    let id = created["id"].as_str().expect("id").to_owned();
    let app_id = created["appId"].as_str().expect("appId").to_owned();
    assert_ne!(id, app_id);
    assert!(
        created["@odata.context"]
            .as_str()
            .expect("context")
            .ends_with("$metadata#applications/$entity")
    );
    assert_eq!(
        created["web"]["implicitGrantSettings"],
        json!({ "enableAccessTokenIssuance": false, "enableIdTokenIssuance": true })
    );
    assert_eq!(created["passwordCredentials"], json!([]));
    assert_eq!(created["publisherDomain"], "contoso.com");
    assert_eq!(
        created["web"]["redirectUriSettings"][0]["uri"],
        "https://api.us.nylas.com/v3/connect/callback"
    );

    assert_eq!(
        env.get(&format!("/applications/{id}")).await.body["displayName"],
        "Nylas v3"
    );
    assert_eq!(
        env.get(&format!("/applications(appId='{app_id}')"))
            .await
            .body["id"],
        id.as_str()
    );

    let patched = env
        .patch(
            &format!("/applications/{id}"),
            json!({ "web": { "redirectUris": ["http://localhost:9000/cb"] } }),
        )
        .await;
    assert_eq!(patched.status, StatusCode::NO_CONTENT);
    let app = env.get(&format!("/applications/{id}")).await.body;
    assert_eq!(
        app["web"]["redirectUris"],
        json!(["http://localhost:9000/cb"])
    );
    assert_eq!(
        app["web"]["implicitGrantSettings"]["enableIdTokenIssuance"],
        true
    );

    let deleted = env
        .call(Method::DELETE, &format!("/applications/{id}"), None)
        .await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT);
    let gone = env.get(&format!("/applications/{id}")).await;
    assert_eq!(
        (gone.status, gone.code()),
        (StatusCode::NOT_FOUND, "Request_ResourceNotFound")
    );
    assert_eq!(
        env.get("/applications/not-a-guid").await.status,
        StatusCode::BAD_REQUEST
    );
}

#[tokio::test]
async fn upsert_by_unique_name_is_idempotent() {
    let env = env(SimConfig::default()).await;
    let prefer = [("Prefer", "create-if-missing")];
    let path = "/applications(uniqueName='nylas-prod')";
    let body = json!({ "displayName": "Nylas prod", "signInAudience": "AzureADMultipleOrgs" });
    let first = env
        .call_with(Method::PATCH, path, Some(body.clone()), &prefer, &env.token)
        .await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.body);
    assert_eq!(first.body["uniqueName"], "nylas-prod");
    let second = env
        .call_with(Method::PATCH, path, Some(body), &prefer, &env.token)
        .await;
    assert_eq!(second.status, StatusCode::NO_CONTENT);
    assert_eq!(env.home().applications.len(), 1);
    assert_eq!(env.get(path).await.body["id"], first.body["id"]);

    let missing = env
        .patch(
            "/applications(uniqueName='other')",
            json!({ "displayName": "x" }),
        )
        .await;
    assert_eq!(
        (missing.status, missing.code()),
        (StatusCode::NOT_FOUND, "Request_ResourceNotFound")
    );
    let nameless = env
        .call_with(
            Method::PATCH,
            "/applications(uniqueName='y')",
            Some(json!({})),
            &prefer,
            &env.token,
        )
        .await;
    assert_eq!(nameless.status, StatusCode::BAD_REQUEST);

    let id = first.body["id"].as_str().expect("id");
    let renamed = env
        .patch(
            &format!("/applications/{id}"),
            json!({ "uniqueName": "changed" }),
        )
        .await;
    assert_eq!(renamed.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        env.home().applications[0].unique_name.as_deref(),
        Some("nylas-prod")
    );
}

#[tokio::test]
async fn list_filters_select_and_paging() {
    let env = env(SimConfig::default()).await;
    let mut app_ids = Vec::new();
    for (name, tag) in [("Alpha One", "a"), ("Alpha Two", "b"), ("Beta", "a")] {
        app_ids.push(
            env.create_app(json!({ "displayName": name, "tags": [tag] }))
                .await["appId"]
                .clone(),
        );
    }
    let list = |query: Vec<(&'static str, String)>| {
        let mut url =
            url::Url::parse(&format!("{}/applications", env.sim.graph_url())).expect("url");
        url.query_pairs_mut().extend_pairs(query);
        let request = env.http.get(url).bearer_auth("t");
        async move {
            let response = request.send().await.expect("answer");
            (
                response.status(),
                response.json::<Value>().await.expect("json"),
            )
        }
    };
    let count = |body: &Value| body["value"].as_array().map_or(0, Vec::len);
    for (filter, expected) in [
        ("displayName eq 'Beta'".to_owned(), 1),
        ("startswith(displayName,'alpha')".to_owned(), 2),
        ("tags/any(t:t eq 'a')".to_owned(), 2),
        (
            format!("appId eq '{}'", app_ids[1].as_str().expect("appId")),
            1,
        ),
    ] {
        let (status, body) = list(vec![("$filter", filter.clone())]).await;
        assert_eq!(
            (status, count(&body)),
            (StatusCode::OK, expected),
            "{filter}"
        );
    }
    let (_, body) = list(vec![("$select", "id,displayName".into())]).await;
    assert!(
        body["@odata.context"]
            .as_str()
            .expect("context")
            .ends_with("#applications(id,displayName)")
    );
    let keys: Vec<&String> = body["value"][0]
        .as_object()
        .expect("object")
        .keys()
        .collect();
    assert_eq!(keys, ["displayName", "id"]);

    let (_, page) = list(vec![("$top", "2".into())]).await;
    assert_eq!(count(&page), 2);
    let next = page["@odata.nextLink"].as_str().expect("a next link");
    let rest = env.get(next).await.body;
    assert_eq!(count(&rest), 1);
    assert!(rest.get("@odata.nextLink").is_none());

    let (status, body) = list(vec![("$select", "bogus".into())]).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("BadRequest"))
    );
    let (status, body) = list(vec![("$filter", "displayName gt 'a'".into())]).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("Request_UnsupportedQuery"))
    );
}

#[tokio::test]
async fn application_validation_like_graph() {
    let env = env(SimConfig::default()).await;
    let scope_ids: Vec<Value> = env
        .get(&format!(
            "/servicePrincipals(appId='{GRAPH}')?$select=oauth2PermissionScopes"
        ))
        .await
        .body["oauth2PermissionScopes"]
        .as_array()
        .expect("scopes")
        .iter()
        .take(31)
        .map(|s| json!({ "id": s["id"], "type": "Scope" }))
        .collect();
    let with = |extra: Value| {
        let mut body = personal_app("Valid");
        for (k, v) in extra.as_object().expect("object") {
            body[k] = v.clone();
        }
        body
    };
    let too_many_uris: Vec<String> = (0..101)
        .map(|i| format!("https://example.com/{i}"))
        .collect();
    let cases: Vec<(Value, &str)> = vec![
        (json!({}), "displayName"),
        (
            json!({ "displayName": "x", "signInAudience": "Everyone" }),
            "signInAudience",
        ),
        (
            json!({ "displayName": "x", "signInAudience": "PersonalMicrosoftAccount" }),
            "requestedAccessTokenVersion",
        ),
        (
            with(json!({ "displayName": "n".repeat(91) })),
            "displayName",
        ),
        (
            with(json!({ "web": { "redirectUris": ["http://example.com/cb"] } })),
            "web.redirectUris",
        ),
        (
            with(json!({ "web": { "redirectUris": ["https://example.com/a,b"] } })),
            "web.redirectUris",
        ),
        (
            with(json!({ "web": { "redirectUris": ["https://*.example.com/cb"] } })),
            "web.redirectUris",
        ),
        (
            with(json!({ "spa": { "redirectUris": ["https://example.com/cb?x=1"] } })),
            "spa.redirectUris",
        ),
        (
            with(json!({ "web": { "redirectUris": too_many_uris } })),
            "web.redirectUris",
        ),
        (with(json!({ "tags": ["has space"] })), "tags"),
        (
            with(
                json!({ "requiredResourceAccess": [{ "resourceAppId": GRAPH, "resourceAccess": [
                { "id": "00000000-0000-0000-0000-00000000beef", "type": "Scope" }] }] }),
            ),
            "resourceAccess",
        ),
        (
            with(
                json!({ "requiredResourceAccess": [{ "resourceAppId": GRAPH, "resourceAccess": scope_ids }] }),
            ),
            "requiredResourceAccess",
        ),
        (with(json!({ "frobnicate": 1 })), "frobnicate"),
        (
            with(json!({ "web": { "implicitGrantSettings": { "enableEverything": true } } })),
            "enableEverything",
        ),
    ];
    for (body, mentioned) in cases {
        let answer = env.post("/applications", body.clone()).await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{body}");
        assert!(
            answer.body.to_string().contains(mentioned),
            "{mentioned}: {}",
            answer.body
        );
    }
    // 91 characters are fine for work and school accounts only.
    env.create_app(json!({ "displayName": "n".repeat(91) }))
        .await;
    env.create_app(with(
        json!({ "web": { "redirectUris": ["http://127.0.0.1:8400/cb", "https://x.example/cb"] } }),
    ))
    .await;
    let broken = env
        .http
        .post(format!("{}/applications", env.sim.graph_url()))
        .bearer_auth("t")
        .body("{not json")
        .send()
        .await
        .expect("answer");
    assert_eq!(broken.status(), StatusCode::BAD_REQUEST);
    assert_eq!(env.home().applications.len(), 2);
}

#[tokio::test]
async fn secrets_are_shown_once_and_limited() {
    let env = env(SimConfig::default()).await;
    let app = env.create_app(personal_app("Secretive")).await;
    let id = app["id"].as_str().expect("id");
    let added = env
        .post(
            &format!("/applications/{id}/addPassword"),
            json!({ "passwordCredential": { "displayName": "s1" } }),
        )
        .await;
    assert_eq!(added.status, StatusCode::OK);
    let secret = added.body["secretText"]
        .as_str()
        .expect("secret")
        .to_owned();
    assert_eq!(secret.len(), 40);
    assert_eq!(&secret[3..6], "8Q~");
    assert_eq!(added.body["hint"], &secret[..3]);
    let start = added.body["startDateTime"].as_str().expect("start");
    let end = added.body["endDateTime"].as_str().expect("end");
    let year = |s: &str| s[..4].parse::<i32>().expect("year");
    assert_eq!(year(end) - year(start), 2);

    let stored = env.get(&format!("/applications/{id}")).await.body;
    assert_eq!(stored["passwordCredentials"][0]["secretText"], Value::Null);
    assert_eq!(stored["passwordCredentials"][0]["hint"], &secret[..3]);
    let snapshot = env.home();
    assert_eq!(
        snapshot.applications[0].password_credentials[0]
            .display_name
            .as_deref(),
        Some("s1")
    );
    assert!(!format!("{:?}", env.sim.snapshot()).contains(&secret));

    let second = env
        .post(&format!("/applications/{id}/addPassword"), json!({}))
        .await;
    assert_eq!(second.status, StatusCode::OK);
    let third = env
        .post(&format!("/applications/{id}/addPassword"), json!({}))
        .await;
    assert_eq!(third.status, StatusCode::BAD_REQUEST);

    let key_id = added.body["keyId"].clone();
    let removed = env
        .post(
            &format!("/applications/{id}/removePassword"),
            json!({ "keyId": key_id }),
        )
        .await;
    assert_eq!(removed.status, StatusCode::NO_CONTENT);
    let again = env
        .post(
            &format!("/applications/{id}/removePassword"),
            json!({ "keyId": key_id }),
        )
        .await;
    assert_eq!(again.status, StatusCode::NOT_FOUND);
    let bad_date = env
        .post(
            &format!("/applications/{id}/addPassword"),
            json!({ "passwordCredential": { "endDateTime": "soon" } }),
        )
        .await;
    assert_eq!(bad_date.status, StatusCode::BAD_REQUEST);
    assert_eq!(env.home().applications[0].password_credentials.len(), 1);
}

#[tokio::test]
async fn a_new_secret_signs_in_only_once_replicated() {
    let clock = Clock::simulated();
    let lag = Duration::from_secs(30);
    let env = env(SimConfig {
        secret_replication_delay: lag,
        clock: clock.clone(),
        ..SimConfig::default()
    })
    .await;
    let app = env.create_app(json!({ "displayName": "Daemon" })).await;
    let (id, app_id) = (
        app["id"].as_str().expect("id"),
        app["appId"].as_str().expect("appId"),
    );
    let (key_id, secret) = env.add_secret(id).await;

    let early = env.sign_in_as_app(app_id, &secret).await;
    let wrong = env.sign_in_as_app(app_id, &key_id).await;
    for refused in [&early, &wrong] {
        assert_eq!(refused.status, StatusCode::UNAUTHORIZED);
        assert_eq!(refused.body["error"], "invalid_client");
        assert_eq!(refused.body["error_codes"], json!([7000215]));
    }
    let described = |a: &Answer| {
        let text = a.body["error_description"].as_str().unwrap_or_default();
        text[..text.find(" Trace ID").unwrap_or(text.len())].to_owned()
    };
    assert_eq!(
        described(&early),
        described(&wrong),
        "a secret that has not replicated looks exactly like a wrong one"
    );

    clock.sleep(lag).await;
    let signed_in = env.sign_in_as_app(app_id, &secret).await;
    assert_eq!(signed_in.status, StatusCode::OK, "{}", signed_in.body);
    assert!(signed_in.body["access_token"].is_string());
    assert_eq!(
        env.sign_in_as_app(app_id, &key_id).await.status,
        StatusCode::UNAUTHORIZED,
        "the secret's id is never its value"
    );
}

#[tokio::test]
async fn secret_lifetime_policy_caps_end_dates() {
    let open = env(SimConfig::default()).await;
    let policy = open.get("/policies/defaultAppManagementPolicy").await.body;
    assert_eq!(
        policy["applicationRestrictions"]["passwordCredentials"],
        json!([])
    );

    let env = env(SimConfig {
        secret_lifetime_cap_months: Some(6),
        ..SimConfig::default()
    })
    .await;
    let policy = env.get("/policies/defaultAppManagementPolicy").await.body;
    assert_eq!(
        policy["applicationRestrictions"]["passwordCredentials"][0]["maxLifetime"],
        "P180D"
    );
    let id = env.create_app(json!({ "displayName": "Capped" })).await["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let far = (time::OffsetDateTime::now_utc() + time::Duration::days(365))
        .format(&time::format_description::well_known::Rfc3339)
        .expect("date");
    let refused = env
        .post(
            &format!("/applications/{id}/addPassword"),
            json!({ "passwordCredential": { "endDateTime": far } }),
        )
        .await;
    assert_eq!(
        (refused.status, refused.code()),
        (
            StatusCode::BAD_REQUEST,
            "CredentialInvalidLifetimeAsPerAppPolicy"
        )
    );
    assert_eq!(
        refused.body["error"]["details"][0]["code"],
        "InvalidKeyEndDate"
    );
    assert!(
        refused.body["error"]["message"]
            .as_str()
            .expect("message")
            .contains("P180D")
    );
    let near = (time::OffsetDateTime::now_utc() + time::Duration::days(90))
        .format(&time::format_description::well_known::Rfc3339)
        .expect("date");
    let accepted = env
        .post(
            &format!("/applications/{id}/addPassword"),
            json!({ "passwordCredential": { "endDateTime": near } }),
        )
        .await;
    assert_eq!(accepted.status, StatusCode::OK);
}

#[tokio::test]
async fn replication_lag_then_success() {
    let lag = Duration::from_millis(400);
    let env = env(SimConfig {
        replication_delay: lag,
        ..SimConfig::default()
    })
    .await;
    let app = env
        .create_app(json!({ "displayName": "Fresh", "uniqueName": "fresh" }))
        .await;
    let (id, app_id) = (
        app["id"].as_str().expect("id"),
        app["appId"].as_str().expect("appId"),
    );

    // At first Graph blames the caller; a moment later, the missing application.
    let sp = env
        .post("/servicePrincipals", json!({ "appId": app_id }))
        .await;
    assert_eq!(
        (sp.status, sp.code()),
        (StatusCode::FORBIDDEN, "Authorization_RequestDenied")
    );
    tokio::time::sleep(lag / 2).await;
    let sp = env
        .post("/servicePrincipals", json!({ "appId": app_id }))
        .await;
    assert_eq!(
        (sp.status, sp.code()),
        (StatusCode::BAD_REQUEST, "Request_BadRequest")
    );
    assert_eq!(
        sp.body["error"]["details"][0]["code"],
        "NoBackingApplicationObject"
    );
    assert_eq!(
        sp.body["error"]["message"],
        format!(
            "The appId '{app_id}' of the service principal does not reference a valid application object."
        )
    );
    assert_eq!(
        env.get(&format!("/applications/{id}")).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        env.post(&format!("/applications/{id}/addPassword"), json!({}))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(env.get("/applications").await.body["value"], json!([]));
    // The idempotent upsert goes to the primary and sees the new app.
    let upsert = env
        .call_with(
            Method::PATCH,
            "/applications(uniqueName='fresh')",
            Some(json!({ "displayName": "Fresh" })),
            &[("Prefer", "create-if-missing")],
            "t",
        )
        .await;
    assert_eq!(upsert.status, StatusCode::NO_CONTENT);

    tokio::time::sleep(lag + Duration::from_millis(10)).await;
    let sp = env
        .post("/servicePrincipals", json!({ "appId": app_id }))
        .await;
    assert_eq!(sp.status, StatusCode::CREATED, "{}", sp.body);
    let graph_sp = env
        .get(&format!("/servicePrincipals(appId='{GRAPH}')?$select=id"))
        .await
        .body["id"]
        .clone();
    let grant = json!({ "clientId": sp.body["id"], "consentType": "AllPrincipals", "principalId": null, "resourceId": graph_sp, "scope": "User.Read" });
    let early = env.post("/oauth2PermissionGrants", grant.clone()).await;
    assert_eq!(
        (early.status, early.code()),
        (StatusCode::NOT_FOUND, "Request_ResourceNotFound")
    );
    tokio::time::sleep(lag + Duration::from_millis(10)).await;
    assert_eq!(
        env.post("/oauth2PermissionGrants", grant).await.status,
        StatusCode::CREATED
    );
}

#[tokio::test]
async fn service_principals_and_permission_grants() {
    let env = env(SimConfig::default()).await;
    let graph_sp = env
        .get(&format!(
            "/servicePrincipals(appId='{GRAPH}')?$select=id,appId,oauth2PermissionScopes"
        ))
        .await
        .body;
    let mut keys: Vec<&String> = graph_sp
        .as_object()
        .expect("object")
        .keys()
        .filter(|k| !k.starts_with('@'))
        .collect();
    keys.sort();
    assert_eq!(keys, ["appId", "id", "oauth2PermissionScopes"]);
    assert!(
        graph_sp["oauth2PermissionScopes"]
            .as_array()
            .expect("scopes")
            .iter()
            .any(|s| s["value"] == "Mail.Read")
    );
    let filtered = env
        .get(&format!(
            "/servicePrincipals?$filter=appId%20eq%20'{EXCHANGE}'"
        ))
        .await
        .body;
    let exchange_sp = filtered["value"][0]["id"]
        .as_str()
        .expect("exchange SP")
        .to_owned();

    let second = env.sim.access_token(SECOND_TENANT_ID).expect("token");
    let other = env
        .call_with(
            Method::GET,
            &format!("/servicePrincipals(appId='{GRAPH}')"),
            None,
            &[],
            &second,
        )
        .await;
    assert_ne!(other.body["id"], graph_sp["id"]);

    let app = env
        .create_app(json!({ "displayName": "Mailer", "tags": ["appreg"] }))
        .await;
    let sp = env
        .post("/servicePrincipals", json!({ "appId": app["appId"] }))
        .await;
    assert_eq!(sp.status, StatusCode::CREATED);
    assert_eq!(sp.body["tags"], json!(["appreg"]));
    assert_eq!(sp.body["appOwnerOrganizationId"], DEMO_TENANT_ID);
    let duplicate = env
        .post("/servicePrincipals", json!({ "appId": app["appId"] }))
        .await;
    assert_eq!(
        (duplicate.status, duplicate.code()),
        (
            StatusCode::CONFLICT,
            "Request_MultipleObjectsWithSameKeyValue"
        )
    );

    let client = sp.body["id"].clone();
    let body = json!({ "clientId": client, "consentType": "AllPrincipals", "principalId": null, "resourceId": graph_sp["id"], "scope": "User.Read offline_access" });
    let grant = env.post("/oauth2PermissionGrants", body.clone()).await;
    assert_eq!(grant.status, StatusCode::CREATED, "{}", grant.body);
    assert_eq!(grant.body["id"].as_str().expect("id").len(), 43);
    let again = env.post("/oauth2PermissionGrants", body).await;
    assert_eq!(
        (
            again.status,
            again.code(),
            again.body["error"]["message"].as_str()
        ),
        (
            StatusCode::BAD_REQUEST,
            "Request_BadRequest",
            Some("Permission entry already exists.")
        )
    );
    let bad_scope = json!({ "clientId": client, "consentType": "AllPrincipals", "resourceId": exchange_sp, "scope": "Mail.Fly" });
    assert_eq!(
        env.post("/oauth2PermissionGrants", bad_scope).await.status,
        StatusCode::BAD_REQUEST
    );
    let ews = json!({ "clientId": client, "consentType": "AllPrincipals", "resourceId": exchange_sp, "scope": "EWS.AccessAsUser.All" });
    assert_eq!(
        env.post("/oauth2PermissionGrants", ews).await.status,
        StatusCode::CREATED
    );

    let listed = env
        .get(&format!(
            "/oauth2PermissionGrants?$filter=clientId%20eq%20'{}'",
            client.as_str().expect("id")
        ))
        .await;
    assert_eq!(listed.body["value"].as_array().map(Vec::len), Some(2));
    let grant_id = grant.body["id"].as_str().expect("id");
    let patched = env
        .patch(
            &format!("/oauth2PermissionGrants/{grant_id}"),
            json!({ "scope": "User.Read Mail.Read" }),
        )
        .await;
    assert_eq!(patched.status, StatusCode::NO_CONTENT);
    let grants = env.home().grants;
    assert!(
        grants
            .iter()
            .any(|g| g.id == grant_id && g.scope == "User.Read Mail.Read")
    );
}

#[tokio::test]
async fn user_without_privileges_is_refused() {
    let env = env(SimConfig {
        admin: false,
        can_create_apps: false,
        ..SimConfig::default()
    })
    .await;
    let create = env
        .post("/applications", json!({ "displayName": "Nope" }))
        .await;
    assert_eq!(
        (create.status, create.code()),
        (StatusCode::FORBIDDEN, "Authorization_RequestDenied")
    );
    assert_eq!(
        create.body["error"]["message"],
        "Insufficient privileges to complete the operation."
    );
    let upsert = env
        .call_with(
            Method::PATCH,
            "/applications(uniqueName='n')",
            Some(json!({ "displayName": "n" })),
            &[("Prefer", "create-if-missing")],
            "t",
        )
        .await;
    assert_eq!(upsert.status, StatusCode::FORBIDDEN);
    let sps = env.home().service_principals;
    let grant = json!({ "clientId": sps[1].id, "consentType": "AllPrincipals", "resourceId": sps[0].id, "scope": "User.Read" });
    assert_eq!(
        env.post("/oauth2PermissionGrants", grant).await.status,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn every_fault_kind() {
    let env = env(SimConfig::default()).await;
    let cases = [
        (
            FaultKind::Throttle {
                retry_after_secs: 7,
            },
            StatusCode::TOO_MANY_REQUESTS,
            "TooManyRequests",
        ),
        (
            FaultKind::Unavailable,
            StatusCode::SERVICE_UNAVAILABLE,
            "ServiceUnavailable",
        ),
        (
            FaultKind::ServerError,
            StatusCode::INTERNAL_SERVER_ERROR,
            "InternalServerError",
        ),
        (
            FaultKind::ExpiredToken,
            StatusCode::UNAUTHORIZED,
            "InvalidAuthenticationToken",
        ),
        (
            FaultKind::Forbidden,
            StatusCode::FORBIDDEN,
            "Authorization_RequestDenied",
        ),
        (
            FaultKind::NotFound,
            StatusCode::NOT_FOUND,
            "Request_ResourceNotFound",
        ),
    ];
    for (kind, status, code) in cases {
        env.sim.inject(Fault::new(kind, "/me"));
        let answer = env.get("/me").await;
        assert_eq!((answer.status, answer.code()), (status, code), "{kind:?}");
        assert!(answer.headers.contains_key("request-id"));
        assert_eq!(
            env.get("/me").await.status,
            StatusCode::OK,
            "{kind:?} fires once"
        );
    }
    env.sim.inject(Fault::new(
        FaultKind::Throttle {
            retry_after_secs: 7,
        },
        "/me",
    ));
    assert_eq!(env.get("/me").await.headers["retry-after"], "7");
    env.sim.inject(Fault::new(FaultKind::Unavailable, "/me"));
    assert!(env.get("/me").await.headers.contains_key("retry-after"));

    env.sim
        .inject(Fault::new(FaultKind::MalformedJson, "/organization"));
    let response = env
        .http
        .get(format!("{}/organization", env.sim.graph_url()))
        .bearer_auth("t")
        .send()
        .await
        .expect("answer");
    assert_eq!(response.status(), StatusCode::OK);
    assert!(serde_json::from_slice::<Value>(&response.bytes().await.expect("bytes")).is_err());

    let post = |name: &'static str| {
        env.http
            .post(format!("{}/applications", env.sim.graph_url()))
            .bearer_auth("t")
            .json(&json!({ "displayName": name }))
            .send()
    };
    env.sim
        .inject(Fault::new(FaultKind::DropBeforeCommit, "/applications").method(Method::POST));
    let error = post("before").await.expect_err("a transport error");
    assert!(error.status().is_none());
    env.sim
        .inject(Fault::new(FaultKind::DropAfterCommit, "/applications").method(Method::POST));
    let error = post("after").await.expect_err("a transport error");
    assert!(error.status().is_none());
    let names: Vec<String> = env
        .home()
        .applications
        .into_iter()
        .map(|a| a.display_name)
        .collect();
    assert_eq!(names, ["after"]);
    let dropped = env
        .sim
        .requests()
        .into_iter()
        .filter(|r| r.status.is_none())
        .count();
    assert_eq!(dropped, 2);
    // The connection pool recovers: the next call works.
    assert_eq!(
        post("later").await.expect("an answer").status(),
        StatusCode::CREATED
    );
}

#[tokio::test]
async fn device_code_sign_in_refresh_and_arm() {
    let env = env(SimConfig {
        poll_interval_secs: 0,
        ..SimConfig::default()
    })
    .await;
    let client = "04b07795-8ddb-461a-bbee-02f9e1bf7b46";
    let scope = "https://graph.microsoft.com/.default offline_access openid profile";
    let code = env
        .form(
            "/organizations/oauth2/v2.0/devicecode",
            &[("client_id", client), ("scope", scope)],
        )
        .await;
    assert_eq!(code.status, StatusCode::OK);
    let user_code = code.body["user_code"].as_str().expect("user code");
    assert!(
        user_code.len() == 9
            && user_code
                .chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
    );
    assert_eq!(
        code.body["verification_uri"],
        "https://microsoft.com/devicelogin"
    );
    assert_eq!(code.body["expires_in"], 900);
    assert!(
        code.body["message"]
            .as_str()
            .expect("message")
            .contains(user_code)
    );
    let device_code = code.body["device_code"].as_str().expect("device code");
    let poll = [
        ("grant_type", "urn:ietf:params:oauth:grant-type:device_code"),
        ("client_id", client),
        ("device_code", device_code),
    ];
    for _ in 0..2 {
        let pending = env.form("/organizations/oauth2/v2.0/token", &poll).await;
        assert_eq!(
            (pending.status, pending.body["error"].as_str()),
            (StatusCode::BAD_REQUEST, Some("authorization_pending"))
        );
        assert_eq!(pending.body["error_codes"], json!([70016]));
        assert!(
            pending.body["error_description"]
                .as_str()
                .expect("description")
                .starts_with("AADSTS70016:")
        );
    }
    let tokens = env.form("/organizations/oauth2/v2.0/token", &poll).await;
    assert_eq!(tokens.status, StatusCode::OK, "{}", tokens.body);
    assert_eq!(
        (
            tokens.body["token_type"].as_str(),
            tokens.body["expires_in"].as_i64()
        ),
        (Some("Bearer"), Some(3599))
    );
    assert!(tokens.body["id_token"].is_string());
    let access = tokens.body["access_token"].as_str().expect("access token");
    let me = env.call_with(Method::GET, "/me", None, &[], access).await;
    assert_eq!(
        me.body["userPrincipalName"],
        "AdeleV@contoso-demo.onmicrosoft.com"
    );
    let reused = env.form("/organizations/oauth2/v2.0/token", &poll).await;
    assert_eq!(reused.body["error"], "bad_verification_code");

    let refresh = tokens.body["refresh_token"]
        .as_str()
        .expect("refresh token");
    let arm_form = [
        ("grant_type", "refresh_token"),
        ("client_id", client),
        ("refresh_token", refresh),
        (
            "scope",
            "https://management.azure.com/.default offline_access",
        ),
    ];
    let arm = env
        .form("/organizations/oauth2/v2.0/token", &arm_form)
        .await;
    assert_eq!(arm.status, StatusCode::OK);
    assert_eq!(
        arm.body["scope"],
        "https://management.azure.com/user_impersonation"
    );
    let arm_token = arm.body["access_token"].as_str().expect("ARM token");
    let tenants = env.arm("/tenants?api-version=2022-12-01", arm_token).await;
    assert_eq!(tenants.status, StatusCode::OK);
    let first = &tenants.body["value"][0];
    assert_eq!(first["id"], format!("/tenants/{DEMO_TENANT_ID}"));
    assert_eq!(
        (
            first["tenantCategory"].as_str(),
            first["defaultDomain"].as_str()
        ),
        (Some("Home"), Some("contoso.com"))
    );
    assert_eq!(
        first["domains"],
        json!(["contoso-demo.onmicrosoft.com", "contoso.com"])
    );
    assert_eq!(tenants.body["value"][1]["displayName"], "Fabrikam Lab");
    assert_eq!(
        env.call_with(Method::GET, "/me", None, &[], arm_token)
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    let wrong = env.arm("/tenants?api-version=2022-12-01", access).await;
    assert_eq!(
        (wrong.status, wrong.code()),
        (
            StatusCode::UNAUTHORIZED,
            "InvalidAuthenticationTokenAudience"
        )
    );
    assert_eq!(
        env.arm("/tenants", arm_token).await.code(),
        "MissingApiVersionParameter"
    );

    let fabrikam = env
        .form(
            &format!("/{SECOND_TENANT_ID}/oauth2/v2.0/token"),
            &[
                ("grant_type", "refresh_token"),
                ("client_id", client),
                ("refresh_token", refresh),
            ],
        )
        .await;
    let token = fabrikam.body["access_token"].as_str().expect("token");
    let org = env
        .call_with(Method::GET, "/organization", None, &[], token)
        .await;
    assert_eq!(org.body["value"][0]["displayName"], "Fabrikam Lab");

    let unknown = env
        .form(
            "/nowhere.example/oauth2/v2.0/devicecode",
            &[("client_id", client), ("scope", scope)],
        )
        .await;
    assert_eq!(
        (unknown.status, unknown.body["error_codes"].clone()),
        (StatusCode::BAD_REQUEST, json!([90002]))
    );
    assert!(unknown.headers.contains_key("request-id"));
}

#[tokio::test]
async fn device_code_slow_down_decline_and_expiry() {
    let start_flow = |env: &Env| {
        let http = env.http.clone();
        let login = env.sim.login_url();
        async move {
            let code: Value = http
                .post(format!("{login}/common/oauth2/v2.0/devicecode"))
                .form(&[("client_id", "c"), ("scope", "User.Read")])
                .send()
                .await
                .expect("answer")
                .json()
                .await
                .expect("json");
            code["device_code"]
                .as_str()
                .expect("device code")
                .to_owned()
        }
    };
    let poll = |env: &Env, device_code: String| {
        let http = env.http.clone();
        let login = env.sim.login_url();
        async move {
            let body: Value = http
                .post(format!("{login}/common/oauth2/v2.0/token"))
                .form(&[
                    ("grant_type", "urn:ietf:params:oauth:grant-type:device_code"),
                    ("client_id", "c"),
                    ("device_code", &device_code),
                ])
                .send()
                .await
                .expect("answer")
                .json()
                .await
                .expect("json");
            body["error"].as_str().unwrap_or("none").to_owned()
        }
    };
    let fast = env(SimConfig {
        poll_interval_secs: 1,
        polls_before_approval: 1,
        ..SimConfig::default()
    })
    .await;
    let code = start_flow(&fast).await;
    assert_eq!(poll(&fast, code.clone()).await, "authorization_pending");
    assert_eq!(poll(&fast, code).await, "slow_down");

    for (outcome, error) in [
        (DeviceOutcome::Decline, "authorization_declined"),
        (DeviceOutcome::Expire, "expired_token"),
    ] {
        let env = env(SimConfig {
            poll_interval_secs: 0,
            polls_before_approval: 0,
            device_outcome: outcome,
            ..SimConfig::default()
        })
        .await;
        let code = start_flow(&env).await;
        assert_eq!(poll(&env, code).await, error);
    }
}

#[tokio::test]
async fn request_log_and_critical_path() {
    let env = env(SimConfig {
        latency: Latency::fixed(Duration::from_millis(20)),
        ..SimConfig::default()
    })
    .await;
    env.get("/me").await;
    env.get("/organization").await;
    tokio::join!(env.get("/me"), env.get("/me"), env.get("/organization"));
    let log = env.sim.requests();
    assert_eq!(log.len(), 5);
    assert!(
        log.iter()
            .all(|r| r.status == Some(200) && r.finished >= r.started + Duration::from_millis(20))
    );
    assert_eq!(log[1].path, "/v1.0/organization");
    assert_eq!(env.sim.critical_path(), 3);
    env.sim.clear_log();
    assert!(env.sim.requests().is_empty());
    assert_eq!(env.sim.critical_path(), 0);
}

#[tokio::test]
async fn seeded_apps_exist_and_are_replicated() {
    let mut config = SimConfig::default();
    config.seed.tenants[0].applications.push(AppSeed {
        service_principal: true,
        tags: vec!["legacy".into()],
        ..AppSeed::new("Old connector")
    });
    let env = env(config).await;
    let list = env
        .get("/applications?$filter=tags/any(t:t%20eq%20'legacy')")
        .await
        .body;
    assert_eq!(list["value"][0]["displayName"], "Old connector");
    let home = env.home();
    assert!(
        home.service_principals
            .iter()
            .any(|sp| sp.app_id == home.applications[0].app_id)
    );
}

#[tokio::test]
async fn support_apps_carry_their_defects_and_a_verified_publisher() {
    let env = env(SimConfig {
        seed: Seed::with_support_apps(),
        ..SimConfig::default()
    })
    .await;
    let legacy = env
        .get(&format!("/applications(appId='{LEGACY_NYLAS_APP_ID}')"))
        .await
        .body;
    assert_eq!(legacy["displayName"], "Acme Nylas (legacy)");
    assert_eq!(
        legacy["spa"]["redirectUris"][0],
        "https://api.us.nylas.com/v3/connect/callback"
    );
    assert_eq!(
        legacy["requiredResourceAccess"][0]["resourceAppId"],
        "00000002-0000-0000-c000-000000000000"
    );
    assert!(legacy["verifiedPublisher"]["verifiedPublisherId"].is_null());
    let support = env
        .get(&format!("/applications(appId='{SUPPORT_MAILBOX_APP_ID}')"))
        .await
        .body;
    assert_eq!(
        (
            support["verifiedPublisher"]["displayName"].as_str(),
            support["verifiedPublisher"]["verifiedPublisherId"].as_str()
        ),
        (Some("Contoso Ltd"), Some(CONTOSO_MPN_ID))
    );
    let sp = env
        .get(&format!(
            "/servicePrincipals?$filter=appId%20eq%20'{SUPPORT_MAILBOX_APP_ID}'"
        ))
        .await
        .body;
    let sp_id = sp["value"][0]["id"].as_str().expect("sp");
    let grants = env
        .get(&format!(
            "/oauth2PermissionGrants?$filter=clientId%20eq%20'{sp_id}'"
        ))
        .await
        .body;
    assert_eq!(grants["value"].as_array().map(Vec::len), Some(2));
}

#[tokio::test]
async fn spa_public_client_and_api_can_be_patched() {
    let env = env(SimConfig::default()).await;
    let app = env.create_app(json!({ "displayName": "Platforms" })).await;
    let id = app["id"].as_str().expect("id");
    let patched = env
        .patch(
            &format!("/applications/{id}"),
            json!({
                "signInAudience": "AzureADandPersonalMicrosoftAccount",
                "api": { "requestedAccessTokenVersion": 2 },
                "spa": { "redirectUris": ["https://app.example.com/spa"] },
                "publicClient": { "redirectUris": ["msal123://auth"] }
            }),
        )
        .await;
    assert_eq!(patched.status, StatusCode::NO_CONTENT, "{}", patched.body);
    let stored = env.get(&format!("/applications/{id}")).await.body;
    assert_eq!(
        stored["spa"]["redirectUris"][0],
        "https://app.example.com/spa"
    );
    assert_eq!(stored["publicClient"]["redirectUris"][0], "msal123://auth");
    assert_eq!(stored["api"]["requestedAccessTokenVersion"], 2);
    assert!(
        stored["api"]["oauth2PermissionScopes"].is_array(),
        "api merges"
    );
}

#[tokio::test]
async fn app_role_assignments_are_validated_listed_and_unique() {
    let env = env(SimConfig::default()).await;
    let app = env.create_app(json!({ "displayName": "Daemon" })).await;
    let app_id = app["appId"].as_str().expect("appId");
    let sp = env
        .post("/servicePrincipals", json!({ "appId": app_id }))
        .await
        .body;
    let sp_id = sp["id"].as_str().expect("sp id").to_owned();
    let graph = env
        .get(&format!("/servicePrincipals(appId='{GRAPH}')"))
        .await
        .body;
    let graph_id = graph["id"].as_str().expect("graph sp");
    let path = format!("/servicePrincipals/{sp_id}/appRoleAssignments");
    let mail_read_role = "810c84a8-4a9e-49e6-bf7d-12d183f40d01";
    let body =
        |role: &str| json!({ "principalId": sp_id, "resourceId": graph_id, "appRoleId": role });
    let created = env.post(&path, body(mail_read_role)).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    assert_eq!(created.body["resourceDisplayName"], "Microsoft Graph");
    let again = env.post(&path, body(mail_read_role)).await;
    assert_eq!(
        (again.status, again.code()),
        (StatusCode::BAD_REQUEST, "Request_BadRequest"),
        "Graph refuses a repeat with its generic code"
    );
    let unknown = env.post(&path, body(MAIL_READ)).await;
    assert_eq!(
        unknown.status,
        StatusCode::BAD_REQUEST,
        "a scope id is not a role"
    );
    let list = env.get(&path).await.body;
    assert_eq!(list["value"].as_array().map(Vec::len), Some(1));
    let held = env
        .get(&format!(
            "/servicePrincipals/{graph_id}/appRoleAssignedTo?$top=999"
        ))
        .await
        .body;
    assert_eq!(held["value"][0]["principalId"], sp_id.as_str(), "{held}");
}

#[tokio::test]
async fn generated_apps_are_counted_and_listed_in_pages_of_999() {
    let env = env(SimConfig {
        seed_apps: 1200,
        ..SimConfig::default()
    })
    .await;
    let refused = env.get("/applications/$count").await;
    assert_eq!(
        refused.status,
        StatusCode::BAD_REQUEST,
        "needs ConsistencyLevel"
    );
    let count = env
        .call_with(
            Method::GET,
            "/applications/$count",
            None,
            &[("ConsistencyLevel", "eventual")],
            &env.token,
        )
        .await;
    assert_eq!(count.body, json!(1200));
    let first = env
        .get("/applications?$select=appId,tags&$top=999")
        .await
        .body;
    assert_eq!(first["value"].as_array().map(Vec::len), Some(999));
    let next = first["@odata.nextLink"].as_str().expect("a next page");
    let second = env.get(next).await.body;
    assert_eq!(second["value"].as_array().map(Vec::len), Some(201));
    assert!(second.get("@odata.nextLink").is_none());
    let one = env
        .get(&format!("/applications(appId='{}')", generated_app_id(5)))
        .await;
    assert_eq!(one.status, StatusCode::OK);
}
