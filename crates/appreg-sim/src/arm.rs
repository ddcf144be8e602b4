//! `/arm/tenants?api-version=…`: Azure Resource Manager's list of the tenants
//! the signed-in user can reach (shape of the 2022-12-01 API).

use std::sync::Arc;

use axum::Extension;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::Response;
use serde_json::{Value, json};
use url::form_urlencoded;

use super::server::{Ctx, Shared};
use super::tokens::{Audience, TokenProblem, read_bearer};

fn arm_json(status: StatusCode, body: &Value, ctx: &Ctx) -> Response {
    let mut response = Response::new(Body::from(body.to_string()));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json; charset=utf-8"),
    );
    if let Ok(id) = HeaderValue::from_str(&ctx.request_id) {
        headers.insert("x-ms-request-id", id.clone());
        headers.insert("x-ms-correlation-request-id", id);
    }
    response
}

/// ARM's error body has no innerError: `{"error":{"code","message"}}`.
fn arm_error(status: StatusCode, code: &str, message: &str, ctx: &Ctx) -> Response {
    arm_json(
        status,
        &json!({ "error": { "code": code, "message": message } }),
        ctx,
    )
}

pub(crate) async fn handle(
    State(shared): State<Arc<Shared>>,
    Extension(ctx): Extension<Ctx>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    match read_bearer(&headers) {
        Err(TokenProblem::Missing) => {
            return arm_error(
                StatusCode::UNAUTHORIZED,
                "AuthenticationFailed",
                "Authentication failed. The 'Authorization' header is missing.",
                &ctx,
            );
        }
        Err(TokenProblem::Expired) => {
            return arm_error(
                StatusCode::UNAUTHORIZED,
                "ExpiredAuthenticationToken",
                "The access token expiry UTC time is earlier than current UTC time.",
                &ctx,
            );
        }
        Ok(caller) if caller.audience == Some(Audience::Graph) => {
            return arm_error(
                StatusCode::UNAUTHORIZED,
                "InvalidAuthenticationTokenAudience",
                "The access token has been obtained for wrong audience or resource 'https://graph.microsoft.com'. It should exactly match with one of the allowed audiences 'https://management.core.windows.net/','https://management.core.windows.net','https://management.azure.com/','https://management.azure.com'.",
                &ctx,
            );
        }
        Ok(_) => {}
    }
    if uri.path().trim_end_matches('/') != "/arm/tenants" {
        return arm_error(
            StatusCode::NOT_FOUND,
            "InvalidResourceType",
            "The resource type could not be found in the namespace of this API.",
            &ctx,
        );
    }
    if method != Method::GET {
        return arm_error(
            StatusCode::METHOD_NOT_ALLOWED,
            "MethodNotAllowed",
            "The requested resource does not support http method.",
            &ctx,
        );
    }
    let has_version = form_urlencoded::parse(uri.query().unwrap_or_default().as_bytes())
        .any(|(k, v)| k == "api-version" && !v.is_empty());
    if !has_version {
        return arm_error(
            StatusCode::BAD_REQUEST,
            "MissingApiVersionParameter",
            "The api-version query parameter (?api-version=) is required for all requests.",
            &ctx,
        );
    }
    let value: Vec<Value> = shared
        .state()
        .tenants
        .iter()
        .map(|t| {
            json!({
                "id": format!("/tenants/{}", t.id),
                "tenantId": t.id.to_string(),
                "countryCode": t.country_code,
                "displayName": t.display_name,
                "domains": t.domains().collect::<Vec<_>>(),
                "tenantCategory": "Home",
                "defaultDomain": t.default_domain(),
                "tenantType": "AAD",
            })
        })
        .collect();
    arm_json(StatusCode::OK, &json!({ "value": value }), &ctx)
}
