//! The optional steps of the platforms' setup guides over real HTTP: token configuration
//! (optionalClaims), branding links and logo, publisher verification, and the enterprise
//! application's tags.

use axum::body::Bytes;
use reqwest::header::{CONTENT_TYPE, HeaderMap};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use super::{Answer, Env, env};
use crate::{CONTOSO_MPN_ID, FABRIKAM_MPN_ID, SECOND_TENANT_ID, SimConfig};

/// A raw answer: logos are not JSON.
struct Raw {
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
}

impl Env {
    async fn raw(&self, method: Method, path: &str, content_type: &str, body: Vec<u8>) -> Raw {
        let response = self
            .http
            .request(method, format!("{}{path}", self.sim.graph_url()))
            .bearer_auth(&self.token)
            .header(CONTENT_TYPE, content_type)
            .body(body)
            .send()
            .await
            .expect("an answer");
        Raw {
            status: response.status(),
            headers: response.headers().clone(),
            body: response.bytes().await.expect("a body"),
        }
    }

    /// A JSON answer's body, after checking its status.
    async fn expect(
        &self,
        method: Method,
        path: &str,
        body: Option<Value>,
        status: StatusCode,
    ) -> Value {
        let answer = self.call(method, path, body).await;
        assert_eq!(answer.status, status, "{path}: {}", answer.body);
        answer.body
    }

    async fn app(&self, id: &str) -> Value {
        self.expect(
            Method::GET,
            &format!("/applications/{id}"),
            None,
            StatusCode::OK,
        )
        .await
    }
}

impl Answer {
    fn message(&self) -> &str {
        self.body["error"]["message"].as_str().unwrap_or_default()
    }
}

fn id_of(app: &Value) -> String {
    app["id"].as_str().expect("id").to_owned()
}

#[tokio::test]
async fn optional_claims_are_checked_and_stored_in_full() {
    let env = env(SimConfig::default()).await;
    let created = env
        .create_app(json!({
            "displayName": "Claims",
            "optionalClaims": {
                "idToken": [{ "name": "email" }],
                "accessToken": [{
                    "name": "groups", "source": null, "essential": true,
                    "additionalProperties": ["sam_account_name"]
                }],
                "saml2Token": null
            }
        }))
        .await;
    let email =
        json!({ "name": "email", "source": null, "essential": false, "additionalProperties": [] });
    assert_eq!(
        created["optionalClaims"],
        json!({
            "idToken": [email],
            "accessToken": [{
                "name": "groups", "source": null, "essential": true,
                "additionalProperties": ["sam_account_name"]
            }],
            "saml2Token": []
        })
    );
    let id = id_of(&created);
    let path = format!("/applications/{id}");

    // PATCH replaces one token's list and keeps the others.
    let upn = json!({ "name": "upn", "source": null, "essential": false, "additionalProperties": ["include_externally_authenticated_upn"] });
    env.expect(
        Method::PATCH,
        &path,
        Some(json!({ "optionalClaims": { "idToken": [upn] } })),
        StatusCode::NO_CONTENT,
    )
    .await;
    let claims = &env.app(&id).await["optionalClaims"];
    assert_eq!(claims["idToken"], json!([upn]));
    assert_eq!(claims["accessToken"][0]["name"], "groups");

    // The uniqueName upsert checks and stores them the same way.
    let upserted = env
        .call_with(
            Method::PATCH,
            "/applications(uniqueName='claims-upsert')",
            Some(json!({ "displayName": "Upserted", "optionalClaims": { "accessToken": [{ "name": "acct" }] } })),
            &[("Prefer", "create-if-missing")],
            &env.token,
        )
        .await;
    assert_eq!(upserted.status, StatusCode::CREATED, "{}", upserted.body);
    assert_eq!(
        upserted.body["optionalClaims"]["accessToken"][0]["essential"],
        false
    );
    assert_eq!(upserted.body["optionalClaims"]["idToken"], json!([]));

    let cases: Vec<(Value, &str)> = vec![
        (
            json!([{ "name": "email" }]),
            "A 'StartObject' node was expected",
        ),
        (json!("email"), "A 'StartObject' node was expected"),
        (
            json!({ "idToken": { "name": "email" } }),
            "A 'StartArray' node was expected",
        ),
        (
            json!({ "idToken": ["email"] }),
            "A 'StartObject' node was expected",
        ),
        (
            json!({ "samlToken": [] }),
            "Property 'samlToken' does not exist",
        ),
        (
            json!({ "idToken": [{ "name": "email", "value": 1 }] }),
            "Property 'value' does not exist",
        ),
        (
            json!({ "idToken": [{ "essential": true }] }),
            "'optionalClaims'",
        ),
        (json!({ "idToken": [{ "name": " " }] }), "'optionalClaims'"),
        (json!({ "idToken": [{ "name": 5 }] }), "'Edm.String'"),
        (
            json!({ "idToken": [{ "name": "email", "source": 5 }] }),
            "'Edm.String'",
        ),
        (
            json!({ "idToken": [{ "name": "email", "essential": "yes" }] }),
            "literal 'yes' to the expected type 'Edm.Boolean'",
        ),
        (
            json!({ "idToken": [{ "name": "email", "essential": null }] }),
            "named 'essential'",
        ),
        (
            json!({ "idToken": [{ "name": "email", "additionalProperties": "emit_as_roles" }] }),
            "A 'StartArray' node was expected",
        ),
        (
            json!({ "idToken": [{ "name": "email", "additionalProperties": [1] }] }),
            "'Edm.String'",
        ),
        (
            json!({ "idToken": [{ "name": "email", "additionalProperties": null }] }),
            "named 'additionalProperties'",
        ),
    ];
    for (claims, mentioned) in cases {
        let body = json!({ "optionalClaims": claims });
        for answer in [
            env.post(
                "/applications",
                json!({ "displayName": "Bad", "optionalClaims": claims }),
            )
            .await,
            env.patch(&path, body.clone()).await,
        ] {
            assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{body}");
            assert!(
                answer.message().contains(mentioned),
                "{mentioned}: {}",
                answer.body
            );
        }
    }
    assert_eq!(
        env.app(&id).await["optionalClaims"]["idToken"],
        json!([upn])
    );
    assert_eq!(env.home().applications.len(), 2);

    env.expect(
        Method::PATCH,
        &path,
        Some(json!({ "optionalClaims": null })),
        StatusCode::NO_CONTENT,
    )
    .await;
    assert!(env.app(&id).await["optionalClaims"].is_null());
}

#[tokio::test]
async fn profile_links_must_be_absolute_urls() {
    let env = env(SimConfig::default()).await;
    let info = json!({
        "marketingUrl": "https://contoso.com/app",
        "privacyStatementUrl": "https://contoso.com/privacy",
        "supportUrl": "http://support.contoso.com/",
        "termsOfServiceUrl": "https://contoso.com/terms",
    });
    let created = env
        .create_app(json!({
            "displayName": "Branded",
            "info": { "logoUrl": "https://example.com/logo.png", "supportUrl": "https://contoso.com/help" },
            "web": { "homePageUrl": "https://contoso.com" }
        }))
        .await;
    // logoUrl is read-only: the write is accepted and ignored.
    assert!(created["info"]["logoUrl"].is_null());
    assert_eq!(created["info"]["supportUrl"], "https://contoso.com/help");
    assert_eq!(created["web"]["homePageUrl"], "https://contoso.com");
    let id = id_of(&created);
    let path = format!("/applications/{id}");
    env.expect(
        Method::PATCH,
        &path,
        Some(json!({ "info": info, "web": { "homePageUrl": null } })),
        StatusCode::NO_CONTENT,
    )
    .await;
    let app = env.app(&id).await;
    let mut expected = info.clone();
    expected["logoUrl"] = Value::Null;
    assert_eq!(app["info"], expected);
    assert!(app["web"]["homePageUrl"].is_null());

    let too_long = format!("https://contoso.com/{}", "a".repeat(2048));
    let cases = [
        (
            json!({ "info": { "termsOfServiceUrl": "contoso.com/terms" } }),
            "info.termsOfServiceUrl",
        ),
        (
            json!({ "info": { "privacyStatementUrl": "/privacy" } }),
            "info.privacyStatementUrl",
        ),
        (
            json!({ "info": { "marketingUrl": "ftp://contoso.com/app" } }),
            "info.marketingUrl",
        ),
        (
            json!({ "info": { "supportUrl": too_long } }),
            "info.supportUrl",
        ),
        (json!({ "info": { "supportUrl": 42 } }), "info.supportUrl"),
        (
            json!({ "web": { "homePageUrl": "www.contoso.com" } }),
            "web.homePageUrl",
        ),
    ];
    for (body, property) in cases {
        let mut create = body.clone();
        create["displayName"] = json!("Bad links");
        for answer in [
            env.post("/applications", create).await,
            env.patch(&path, body.clone()).await,
        ] {
            assert_eq!(
                (answer.status, answer.code(), answer.message()),
                (
                    StatusCode::BAD_REQUEST,
                    "Request_BadRequest",
                    format!("Invalid value specified for property '{property}' of resource 'Application'.").as_str()
                ),
                "{body}"
            );
            assert_eq!(answer.body["error"]["details"][0]["target"], property);
        }
    }
    assert_eq!(
        env.app(&id).await["info"]["supportUrl"],
        "http://support.contoso.com/"
    );
}

/// Eight bytes that start a PNG file, then `len - 8` bytes of filler.
fn png(len: usize) -> Vec<u8> {
    let mut bytes = b"\x89PNG\r\n\x1a\n".to_vec();
    bytes.resize(len, 7);
    bytes
}

#[tokio::test]
async fn logo_upload_read_back_and_limits() {
    let env = env(SimConfig::default()).await;
    let app = env.create_app(json!({ "displayName": "Logo" })).await;
    let id = id_of(&app);
    let app_id = app["appId"].as_str().expect("appId").to_owned();
    let logo = format!("/applications/{id}/logo");

    let none = env.call(Method::GET, &logo, None).await;
    assert_eq!(
        (none.status, none.code()),
        (StatusCode::NOT_FOUND, "Request_ResourceNotFound")
    );

    let put = env.raw(Method::PUT, &logo, "image/png", png(2048)).await;
    assert_eq!(put.status, StatusCode::NO_CONTENT);
    let url = env.app(&id).await["info"]["logoUrl"]
        .as_str()
        .expect("logoUrl")
        .to_owned();
    assert!(
        url.starts_with("https://") && url.contains(&app_id),
        "{url}"
    );
    let read = env.raw(Method::GET, &logo, "image/png", Vec::new()).await;
    assert_eq!(read.status, StatusCode::OK);
    assert_eq!(read.headers[CONTENT_TYPE], "image/png");
    assert_eq!(read.body.to_vec(), png(2048));

    // The same image keeps its address; another one gets a new one.
    env.raw(Method::PUT, &logo, "image/png", png(2048)).await;
    assert_eq!(env.app(&id).await["info"]["logoUrl"], url.as_str());
    let by_app_id = format!("/applications(appId='{app_id}')/logo");
    let gif = env
        .raw(
            Method::PUT,
            &by_app_id,
            "image/gif",
            b"GIF89a-logo".to_vec(),
        )
        .await;
    assert_eq!(gif.status, StatusCode::NO_CONTENT);
    assert_ne!(env.app(&id).await["info"]["logoUrl"], url.as_str());
    let read = env
        .raw(Method::GET, &by_app_id, "image/gif", Vec::new())
        .await;
    assert_eq!(
        (read.headers[CONTENT_TYPE].to_str().ok(), read.body.as_ref()),
        (Some("image/gif"), b"GIF89a-logo".as_ref())
    );

    // 100 KB is the limit.
    let largest = env
        .raw(Method::PUT, &logo, "image/jpeg", png(100 * 1024))
        .await;
    assert_eq!(largest.status, StatusCode::NO_CONTENT);
    let refused = [
        ("image/png", png(100 * 1024 + 1), "at most 102400 bytes"),
        ("image/png", Vec::new(), "empty"),
        ("text/plain", png(64), "'text/plain' is not supported"),
        (
            "image/svg+xml",
            b"<svg/>".to_vec(),
            "'image/svg+xml' is not supported",
        ),
    ];
    for (content_type, bytes, mentioned) in refused {
        let answer = env.raw(Method::PUT, &logo, content_type, bytes).await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{content_type}");
        let body: Value = serde_json::from_slice(&answer.body).expect("JSON error");
        assert_eq!(body["error"]["code"], "Request_BadRequest");
        assert!(
            body["error"]["message"]
                .as_str()
                .expect("message")
                .contains(mentioned),
            "{body}"
        );
    }
    let kept = env.raw(Method::GET, &logo, "image/jpeg", Vec::new()).await;
    assert_eq!(
        (kept.headers[CONTENT_TYPE].to_str().ok(), kept.body.len()),
        (Some("image/jpeg"), 100 * 1024)
    );

    // A PATCH cannot change the address; other methods are refused.
    let before = env.app(&id).await["info"]["logoUrl"].clone();
    env.expect(
        Method::PATCH,
        &format!("/applications/{id}"),
        Some(json!({ "info": { "logoUrl": "https://example.com/other.png" } })),
        StatusCode::NO_CONTENT,
    )
    .await;
    assert_eq!(env.app(&id).await["info"]["logoUrl"], before);
    assert_eq!(
        env.raw(Method::POST, &logo, "image/png", png(64))
            .await
            .status,
        StatusCode::METHOD_NOT_ALLOWED
    );
    let missing = env
        .raw(
            Method::PUT,
            "/applications/00000000-0000-0000-0000-00000000dead/logo",
            "image/png",
            png(64),
        )
        .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn set_verified_publisher_marks_the_app_and_its_service_principals() {
    let env = env(SimConfig::default()).await;
    let app = env
        .create_app(json!({ "displayName": "Verified", "signInAudience": "AzureADMultipleOrgs" }))
        .await;
    assert_eq!(app["publisherDomain"], "contoso.com");
    let id = id_of(&app);
    let app_id = app["appId"].as_str().expect("appId").to_owned();
    let sp = env
        .expect(
            Method::POST,
            "/servicePrincipals",
            Some(json!({ "appId": app_id })),
            StatusCode::CREATED,
        )
        .await;
    let sp_path = format!("/servicePrincipals/{}", sp["id"].as_str().expect("sp id"));

    env.expect(
        Method::POST,
        &format!("/applications/{id}/setVerifiedPublisher"),
        Some(json!({ "verifiedPublisherId": CONTOSO_MPN_ID })),
        StatusCode::NO_CONTENT,
    )
    .await;
    for publisher in [
        env.app(&id).await["verifiedPublisher"].clone(),
        env.expect(Method::GET, &sp_path, None, StatusCode::OK)
            .await["verifiedPublisher"]
            .clone(),
    ] {
        assert_eq!(publisher["displayName"], "Contoso Ltd");
        assert_eq!(publisher["verifiedPublisherId"], CONTOSO_MPN_ID);
        assert!(
            publisher["addedDateTime"]
                .as_str()
                .is_some_and(|d| d.ends_with('Z')),
            "{publisher}"
        );
    }
    // A PATCH cannot change it.
    env.expect(
        Method::PATCH,
        &format!("/applications/{id}"),
        Some(json!({ "verifiedPublisher": { "displayName": "Someone else", "verifiedPublisherId": "1" } })),
        StatusCode::NO_CONTENT,
    )
    .await;
    assert_eq!(
        env.app(&id).await["verifiedPublisher"]["displayName"],
        "Contoso Ltd"
    );

    let unverified =
        json!({ "displayName": null, "verifiedPublisherId": null, "addedDateTime": null });
    let by_app_id = format!("/applications(appId='{app_id}')");
    let unset = env
        .call(
            Method::POST,
            &format!("{by_app_id}/unsetVerifiedPublisher"),
            None,
        )
        .await;
    assert_eq!(unset.status, StatusCode::NO_CONTENT);
    assert_eq!(env.app(&id).await["verifiedPublisher"], unverified);
    assert_eq!(
        env.expect(Method::GET, &sp_path, None, StatusCode::OK)
            .await["verifiedPublisher"],
        unverified
    );
    env.expect(
        Method::POST,
        &format!("{by_app_id}/setVerifiedPublisher"),
        Some(json!({ "verifiedPublisherId": CONTOSO_MPN_ID })),
        StatusCode::NO_CONTENT,
    )
    .await;
    assert_eq!(
        env.app(&id).await["verifiedPublisher"]["verifiedPublisherId"],
        CONTOSO_MPN_ID
    );
    let get = env
        .call(
            Method::GET,
            &format!("/applications/{id}/setVerifiedPublisher"),
            None,
        )
        .await;
    assert_eq!(get.status, StatusCode::METHOD_NOT_ALLOWED);
}

#[tokio::test]
async fn set_verified_publisher_refusals_name_their_cause() {
    let env = env(SimConfig::default()).await;
    let id = id_of(&env.create_app(json!({ "displayName": "Unverified" })).await);
    let action = format!("/applications/{id}/setVerifiedPublisher");
    let not_provided = "MPNIdWasNotProvided";
    let cases = [
        (None, not_provided),
        (Some(json!({})), not_provided),
        (Some(json!({ "verifiedPublisherId": "" })), not_provided),
        (
            Some(json!({ "verifiedPublisherId": 1234567 })),
            not_provided,
        ),
        (
            Some(json!({ "verifiedPublisherId": "9999999" })),
            "MPNAccountNotFoundOrNoAccess",
        ),
        // Fabrikam's account is not associated with Contoso's tenant.
        (
            Some(json!({ "verifiedPublisherId": FABRIKAM_MPN_ID })),
            "MPNAccountNotFoundOrNoAccess",
        ),
    ];
    for (body, code) in cases {
        let answer = env.call(Method::POST, &action, body.clone()).await;
        assert_eq!(
            (answer.status, answer.code()),
            (StatusCode::BAD_REQUEST, code),
            "{body:?}"
        );
    }
    let unknown = env
        .post(&action, json!({ "verifiedPublisherId": "9999999" }))
        .await;
    assert_eq!(
        unknown.message(),
        "The MPN ID you provided (9999999) does not exist, or you do not have access to it. Please provide a valid MPN ID and try again."
    );
    // The id must come as JSON.
    let as_text = env
        .raw(
            Method::POST,
            &action,
            "text/plain",
            br#"{"verifiedPublisherId":"1234567"}"#.to_vec(),
        )
        .await;
    let body: Value = serde_json::from_slice(&as_text.body).expect("JSON error");
    assert_eq!(
        (as_text.status, body["error"]["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some(not_provided))
    );
    assert!(env.app(&id).await["verifiedPublisher"]["verifiedPublisherId"].is_null());

    // Fabrikam Lab has no custom domain: its apps keep the *.onmicrosoft.com publisher domain.
    let fabrikam = env.sim.access_token(SECOND_TENANT_ID).expect("token");
    let created = env
        .call_with(
            Method::POST,
            "/applications",
            Some(json!({ "displayName": "Lab app" })),
            &[],
            &fabrikam,
        )
        .await;
    assert_eq!(
        created.body["publisherDomain"],
        "fabrikamlab.onmicrosoft.com"
    );
    let refused = env
        .call_with(
            Method::POST,
            &format!(
                "/applications/{}/setVerifiedPublisher",
                id_of(&created.body)
            ),
            Some(json!({ "verifiedPublisherId": FABRIKAM_MPN_ID })),
            &[],
            &fabrikam,
        )
        .await;
    assert_eq!(
        (refused.status, refused.code()),
        (StatusCode::BAD_REQUEST, "PublisherDomainMismatch")
    );
    assert!(
        refused.message().contains("(fabrikamlab.onmicrosoft.com)")
            && refused.message().contains("(fabrikam.com)")
    );

    let missing = env
        .post(
            "/applications/00000000-0000-0000-0000-00000000dead/setVerifiedPublisher",
            json!({ "verifiedPublisherId": CONTOSO_MPN_ID }),
        )
        .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn service_principal_tags_on_create_and_patch() {
    let env = env(SimConfig::default()).await;
    let app = env
        .create_app(json!({ "displayName": "Hidden", "tags": ["appreg"] }))
        .await;
    let created = env
        .expect(
            Method::POST,
            "/servicePrincipals",
            Some(json!({ "appId": app["appId"], "tags": ["HideApp", "WindowsAzureActiveDirectoryIntegratedApp"] })),
            StatusCode::CREATED,
        )
        .await;
    assert_eq!(
        created["tags"],
        json!(["HideApp", "WindowsAzureActiveDirectoryIntegratedApp"])
    );
    let path = format!("/servicePrincipals/{}", id_of(&created));
    assert_eq!(
        env.expect(Method::GET, &path, None, StatusCode::OK).await["tags"],
        created["tags"]
    );

    env.expect(
        Method::PATCH,
        &path,
        Some(json!({ "tags": ["appreg"] })),
        StatusCode::NO_CONTENT,
    )
    .await;
    let by_app_id = format!(
        "/servicePrincipals(appId='{}')",
        app["appId"].as_str().expect("appId")
    );
    env.expect(
        Method::PATCH,
        &by_app_id,
        Some(json!({ "tags": ["appreg", "HideApp"] })),
        StatusCode::NO_CONTENT,
    )
    .await;
    assert_eq!(
        env.expect(
            Method::GET,
            &format!("{by_app_id}?$select=tags"),
            None,
            StatusCode::OK
        )
        .await["tags"],
        json!(["appreg", "HideApp"])
    );
    let home = env.home();
    let stored = home
        .service_principals
        .iter()
        .find(|sp| sp.id == id_of(&created))
        .expect("stored");
    assert_eq!(stored.tags, ["appreg", "HideApp"]);

    for tags in [
        json!("HideApp"),
        json!(["Hide App"]),
        json!([""]),
        json!([7]),
    ] {
        let answer = env.patch(&path, json!({ "tags": tags })).await;
        assert_eq!(
            (answer.status, answer.message()),
            (
                StatusCode::BAD_REQUEST,
                "Invalid value specified for property 'tags' of resource 'ServicePrincipal'."
            ),
            "{tags}"
        );
    }
    let other = env.create_app(json!({ "displayName": "Other" })).await;
    let refused = env
        .post(
            "/servicePrincipals",
            json!({ "appId": other["appId"], "tags": "HideApp" }),
        )
        .await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        env.expect(Method::GET, &path, None, StatusCode::OK).await["tags"],
        json!(["appreg", "HideApp"])
    );
}

#[tokio::test]
async fn select_returns_the_settings() {
    let env = env(SimConfig::default()).await;
    let app = env
        .create_app(json!({
            "displayName": "Selected",
            "optionalClaims": { "idToken": [{ "name": "email" }] },
            "info": { "privacyStatementUrl": "https://contoso.com/privacy" },
            "web": { "homePageUrl": "https://contoso.com" }
        }))
        .await;
    let id = id_of(&app);
    env.expect(
        Method::POST,
        &format!("/applications/{id}/setVerifiedPublisher"),
        Some(json!({ "verifiedPublisherId": CONTOSO_MPN_ID })),
        StatusCode::NO_CONTENT,
    )
    .await;
    let select = "$select=optionalClaims,info,verifiedPublisher,publisherDomain,web";
    let one = env
        .expect(
            Method::GET,
            &format!("/applications/{id}?{select}"),
            None,
            StatusCode::OK,
        )
        .await;
    let listed = env
        .expect(
            Method::GET,
            &format!("/applications?{select}"),
            None,
            StatusCode::OK,
        )
        .await;
    for doc in [&one, &listed["value"][0]] {
        let mut keys: Vec<&str> = doc
            .as_object()
            .expect("object")
            .keys()
            .map(String::as_str)
            .filter(|k| !k.starts_with('@'))
            .collect();
        keys.sort_unstable();
        assert_eq!(
            keys,
            [
                "info",
                "optionalClaims",
                "publisherDomain",
                "verifiedPublisher",
                "web"
            ]
        );
        assert_eq!(doc["optionalClaims"]["idToken"][0]["name"], "email");
        assert_eq!(
            doc["info"]["privacyStatementUrl"],
            "https://contoso.com/privacy"
        );
        assert_eq!(doc["verifiedPublisher"]["displayName"], "Contoso Ltd");
        assert_eq!(doc["publisherDomain"], "contoso.com");
        assert_eq!(doc["web"]["homePageUrl"], "https://contoso.com");
    }
}
