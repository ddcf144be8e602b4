//! Real recorded Graph and ARM traffic parses with appreg's models and error reader.

use appreg::graph::api_error;
use appreg::graph::models::{Application, Collection, NewPassword, ServicePrincipal, Tenant};
use yaml_rust2::{Yaml, YamlLoader};

/// Each recorded interaction: (method, uri, status, response body).
fn interactions(file: &str) -> Vec<(String, String, i64, String)> {
    let text = std::fs::read_to_string(format!(
        "{}/tests/fixtures/recordings/{file}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    let docs = YamlLoader::load_from_str(&text).unwrap();
    docs[0]["interactions"]
        .as_vec()
        .unwrap()
        .iter()
        .map(|i: &Yaml| {
            (
                i["request"]["method"].as_str().unwrap().to_string(),
                i["request"]["uri"].as_str().unwrap().to_string(),
                i["response"]["status"]["code"].as_i64().unwrap(),
                i["response"]["body"]["string"]
                    .as_str()
                    .unwrap_or("")
                    .to_string(),
            )
        })
        .collect()
}

#[test]
fn azure_cli_app_and_secret_answers_parse() {
    let all = interactions("azure-cli_test_app_credential_excerpt.yaml");
    assert_eq!(all.len(), 4);
    let (_, _, status, body) = &all[0];
    assert_eq!(*status, 201);
    let app: Application = serde_json::from_str(body).unwrap();
    assert_eq!(app.id, "765eb0e3-acb3-475d-9a98-ee6892f081c8");
    assert_eq!(app.app_id, "afb85a07-e312-4d49-b75b-9db4e2d683cd");
    assert_eq!(
        app.sign_in_audience.as_deref(),
        Some("AzureADandPersonalMicrosoftAccount")
    );
    assert_eq!(app.api.unwrap().requested_access_token_version, Some(2));
    let implicit = app.web.unwrap().implicit_grant_settings.unwrap();
    assert_eq!(implicit.enable_id_token_issuance, Some(false));

    for (method, uri, status, body) in &all[1..] {
        if uri.ends_with("/addPassword") {
            assert_eq!((method.as_str(), *status), ("POST", 200));
            let password: NewPassword = serde_json::from_str(body).unwrap();
            assert_eq!(password.hint.as_deref().map(str::len), Some(3));
            assert!(!password.end_date_time.is_empty());
            assert!(!format!("{password:?}").contains("replaced-microsoft-graph-password"));
        } else {
            assert!(uri.ends_with("/removePassword"));
            assert_eq!((*status, body.as_str()), (204, ""));
        }
    }
}

#[test]
fn azure_cli_create_for_rbac_answers_parse() {
    for (method, uri, status, body) in
        interactions("azure-cli_test_create_for_rbac_no_password.yaml")
    {
        match (method.as_str(), status) {
            ("GET", 200) if uri.contains("/servicePrincipals?") => {
                let list: Collection<ServicePrincipal> = serde_json::from_str(&body).unwrap();
                assert!(list.value.is_empty());
            }
            ("GET", 200) if uri.contains("/applications?") => {
                let _: Collection<Application> = serde_json::from_str(&body).unwrap();
            }
            ("GET", 200) | ("POST", 201)
                if uri.ends_with("/applications") || uri.contains("/applications/") =>
            {
                let app: Application = serde_json::from_str(&body).unwrap();
                assert_eq!(app.app_id, "175bcaf1-6850-4192-a3ea-8852192eb783");
                assert_eq!(app.unique_name, None);
            }
            ("POST", 201) => {
                let sp: ServicePrincipal = serde_json::from_str(&body).unwrap();
                assert_eq!(sp.id, "93521fa5-e235-4be9-abcf-2f1d6e791728");
            }
            ("DELETE", 204) => assert!(body.is_empty()),
            other => panic!("unexpected interaction {other:?} {uri}"),
        }
    }
}

#[test]
fn arm_tenant_list_parses_with_its_next_link() {
    let text = std::fs::read_to_string(format!(
        "{}/tests/fixtures/recordings/azure-rest-api-specs_GetTenants_2022-12-01.json",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    let list: Collection<Tenant> =
        serde_json::from_value(doc["responses"]["200"]["body"].clone()).unwrap();
    assert_eq!(list.value.len(), 3);
    assert_eq!(list.value[1].display_name.as_deref(), Some("Contoso Corp."));
    assert_eq!(list.value[1].tenant_category.as_deref(), Some("Home"));
    assert_eq!(list.value[2].domains.len(), 3);
    assert_eq!(list.next_link.as_deref(), Some("..."));
}

#[test]
fn graph_error_shapes_parse() {
    let body = br#"{"error":{"code":"Authorization_RequestDenied","message":"Insufficient privileges to complete the operation.","innerError":{"date":"2025-04-09T09:58:29","request-id":"23fcfb42-67a6-430e-b9d6-49c6d88ef8b1","client-request-id":"x"}}}"#;
    let error = api_error(403, body, None, None);
    assert_eq!(
        error.request_id(),
        Some("23fcfb42-67a6-430e-b9d6-49c6d88ef8b1")
    );
    assert!(error.has_code("Authorization_RequestDenied"));
}
