//! `POST /applications/{id}/setVerifiedPublisher` and `unsetVerifiedPublisher`: mark an app
//! with a Partner Center (MPN) account of its tenant, 204 either way. Refusals are 400s whose
//! `code` is the one "Troubleshoot publisher verification" (Microsoft Entra docs, error
//! reference) names, with its message. `MSANotSupported` cannot happen here: the simulated
//! user always signs in with a work account.

use axum::http::{StatusCode, header};
use axum::response::Response;
use serde_json::{Map, Value, json};
use time::OffsetDateTime;

use super::errors::{GraphError, no_content};
use super::graph_apps::{find, tenant_mut};
use super::graph_routes::{GraphRequest, tenant_of};
use super::odata::Key;
use super::seed::MpnAccount;
use super::state::{SimState, graph_timestamp, unverified_publisher};

pub(crate) fn set(
    state: &mut SimState,
    request: &GraphRequest<'_>,
    key: &Key,
) -> Result<Response, GraphError> {
    let mpn_id = requested_id(request)?;
    let tenant = tenant_of(state, request)?;
    let index =
        find(tenant, key, request, false).ok_or_else(|| GraphError::not_found(key.value()))?;
    let app = &tenant.applications[index].doc;
    let account = check(&tenant.mpn_accounts, &tenant.custom_domains, app, &mpn_id)?;
    let publisher = json!({
        "displayName": account.display_name,
        "verifiedPublisherId": account.id,
        "addedDateTime": graph_timestamp(OffsetDateTime::now_utc()),
    });
    mark(state, request, index, publisher)
}

pub(crate) fn unset(
    state: &mut SimState,
    request: &GraphRequest<'_>,
    key: &Key,
) -> Result<Response, GraphError> {
    let index = find(tenant_of(state, request)?, key, request, false)
        .ok_or_else(|| GraphError::not_found(key.value()))?;
    mark(state, request, index, unverified_publisher())
}

/// `verifiedPublisherId` from a JSON body.
fn requested_id(request: &GraphRequest<'_>) -> Result<String, GraphError> {
    let json = request
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim_start().starts_with("application/json"));
    let body = if json { request.json_body().ok() } else { None };
    body.as_ref()
        .and_then(|b| b.get("verifiedPublisherId"))
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|id| !id.is_empty())
        .map(str::to_owned)
        .ok_or_else(|| {
            refusal(
                "MPNIdWasNotProvided",
                "The MPN Id was not provided in the request body or the request content type was not \"application/json\".",
            )
        })
}

/// The account `mpn_id` names, if the tenant holds it and may verify `app` with it. The
/// publisher-verification requirements: the Partner Center email domain must match the app's
/// publisher domain or be a DNS-verified custom domain of the tenant, and the publisher
/// domain cannot be `*.onmicrosoft.com`.
fn check<'a>(
    accounts: &'a [MpnAccount],
    custom_domains: &[String],
    app: &Map<String, Value>,
    mpn_id: &str,
) -> Result<&'a MpnAccount, GraphError> {
    let account = accounts.iter().find(|a| a.id == mpn_id).ok_or_else(|| {
        refusal(
            "MPNAccountNotFoundOrNoAccess",
            format!("The MPN ID you provided ({mpn_id}) does not exist, or you do not have access to it. Please provide a valid MPN ID and try again."),
        )
    })?;
    let app_id = app.get("appId").and_then(Value::as_str).unwrap_or_default();
    let domain = app
        .get("publisherDomain")
        .and_then(Value::as_str)
        .filter(|d| !d.is_empty())
        .ok_or_else(|| {
            refusal(
                "NoPublisherDomainOnApplication",
                format!("The target application ({app_id}) must have a Publisher Domain set. Please set a Publisher Domain and try again."),
            )
        })?;
    let pc_domain = &account.email_domain;
    let matches = domain.eq_ignore_ascii_case(pc_domain)
        || custom_domains
            .iter()
            .any(|d| d.eq_ignore_ascii_case(pc_domain));
    if matches && !domain.to_ascii_lowercase().ends_with(".onmicrosoft.com") {
        Ok(account)
    } else {
        Err(refusal(
            "PublisherDomainMismatch",
            format!(
                "The target application's Publisher Domain ({domain}) either does not match the domain used to perform email verification in Partner Center ({pc_domain}) or has not been verified. Ensure these domains match and have been verified then try again."
            ),
        ))
    }
}

fn refusal(code: &str, message: impl Into<String>) -> GraphError {
    GraphError::new(StatusCode::BAD_REQUEST, code, message)
}

/// Show `publisher` on the caller's application at `index` and on every service principal made
/// from it, in any tenant: the troubleshooting page reads the result from both.
fn mark(
    state: &mut SimState,
    request: &GraphRequest<'_>,
    index: usize,
    publisher: Value,
) -> Result<Response, GraphError> {
    let app = &mut tenant_mut(state, request)?.applications[index].doc;
    app.insert("verifiedPublisher".into(), publisher.clone());
    let app_id = app
        .get("appId")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    let made_from_app = state
        .tenants
        .iter_mut()
        .flat_map(|t| t.service_principals.iter_mut())
        .filter(|sp| {
            sp.str("appId")
                .is_some_and(|a| a.eq_ignore_ascii_case(&app_id))
        });
    for sp in made_from_app {
        sp.doc.insert("verifiedPublisher".into(), publisher.clone());
    }
    Ok(no_content())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn contoso() -> Vec<MpnAccount> {
        vec![MpnAccount {
            id: "1234567".into(),
            display_name: "Contoso Ltd".into(),
            email_domain: "contoso.com".into(),
        }]
    }

    fn app(publisher_domain: Value) -> Map<String, Value> {
        let doc = json!({ "appId": "a1", "publisherDomain": publisher_domain });
        doc.as_object().cloned().unwrap_or_default()
    }

    fn code(result: Result<&MpnAccount, GraphError>) -> String {
        result.map_or_else(|e| e.code, |a| a.id.clone())
    }

    #[test]
    fn refusals_follow_the_troubleshooting_page() {
        let accounts = contoso();
        let custom = vec!["contoso.com".to_owned()];
        let verified = app(json!("contoso.com"));
        assert_eq!(
            code(check(&accounts, &custom, &verified, "1234567")),
            "1234567"
        );
        assert_eq!(
            code(check(&accounts, &custom, &verified, "7654321")),
            "MPNAccountNotFoundOrNoAccess"
        );
        for missing in [json!(null), json!("")] {
            assert_eq!(
                code(check(&accounts, &custom, &app(missing), "1234567")),
                "NoPublisherDomainOnApplication"
            );
        }
        // The Partner Center domain is a custom domain, but the app's is the initial one.
        let initial = app(json!("contoso-demo.onmicrosoft.com"));
        assert_eq!(
            code(check(&accounts, &custom, &initial, "1234567")),
            "PublisherDomainMismatch"
        );
        // Neither the tenant's domain nor the app's is the Partner Center one.
        let elsewhere = app(json!("fabrikam.com"));
        assert_eq!(
            code(check(&accounts, &[], &elsewhere, "1234567")),
            "PublisherDomainMismatch"
        );
        // The app's domain matching Partner Center's is enough.
        assert_eq!(code(check(&accounts, &[], &verified, "1234567")), "1234567");
    }
}
