//! `PUT|GET /applications/{id}/logo`: the application's main logo, a stream property
//! ("Update application": `logo`, Stream) sent as the image bytes with their content type.
//! Once set, the read-only `info.logoUrl` names it.

use std::hash::{DefaultHasher, Hash, Hasher};

use axum::body::{Body, Bytes};
use axum::http::{HeaderValue, Method, header};
use axum::response::Response;
use serde_json::{Value, json};

use super::errors::{GraphError, no_content};
use super::graph_apps::{find, tenant_mut};
use super::graph_routes::{GraphRequest, tenant_of};
use super::odata::Key;
use super::state::SimState;

/// Graph's reference lists no image types; the simulator takes the common web ones.
const IMAGE_TYPES: [&str; 3] = ["image/png", "image/jpeg", "image/gif"];
/// The portal's logo limit, 100 KB; Graph's reference documents none of its own, so API
/// callers are held to the portal's.
const MAX_BYTES: usize = 100 * 1024;

/// An uploaded logo.
#[derive(Debug, Clone)]
pub(crate) struct Logo {
    pub content_type: String,
    pub bytes: Bytes,
}

pub(crate) fn route(
    state: &mut SimState,
    request: &GraphRequest<'_>,
    key: &Key,
) -> Result<Response, GraphError> {
    match *request.method {
        Method::PUT => put(state, request, key),
        Method::GET => get(state, request, key),
        _ => Err(GraphError::method_not_allowed()),
    }
}

fn put(
    state: &mut SimState,
    request: &GraphRequest<'_>,
    key: &Key,
) -> Result<Response, GraphError> {
    let tenant = tenant_mut(state, request)?;
    let index =
        find(tenant, key, request, false).ok_or_else(|| GraphError::not_found(key.value()))?;
    let logo = read_logo(request)?;
    let app = &mut tenant.applications[index];
    let url = logo_url(
        &tenant.id.to_string(),
        app.str("appId").unwrap_or_default(),
        &logo.bytes,
    );
    if let Some(info) = app.doc.get_mut("info").and_then(Value::as_object_mut) {
        info.insert("logoUrl".into(), json!(url));
    }
    let id = app.id().to_ascii_lowercase();
    tenant.logos.insert(id, logo);
    Ok(no_content())
}

fn get(state: &SimState, request: &GraphRequest<'_>, key: &Key) -> Result<Response, GraphError> {
    let tenant = tenant_of(state, request)?;
    let index =
        find(tenant, key, request, false).ok_or_else(|| GraphError::not_found(key.value()))?;
    let id = tenant.applications[index].id().to_ascii_lowercase();
    let logo = tenant
        .logos
        .get(&id)
        .ok_or_else(|| GraphError::not_found("logo"))?;
    let mut response = Response::new(Body::from(logo.bytes.clone()));
    if let Ok(value) = HeaderValue::from_str(&logo.content_type) {
        response.headers_mut().insert(header::CONTENT_TYPE, value);
    }
    Ok(response)
}

/// The request's image, refused when it is empty, too large or not an image type.
fn read_logo(request: &GraphRequest<'_>) -> Result<Logo, GraphError> {
    let content_type = request
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|v| v.trim().to_ascii_lowercase())
        .unwrap_or_default();
    if !IMAGE_TYPES.contains(&content_type.as_str()) {
        return Err(GraphError::bad_request(format!(
            "The logo's content type '{content_type}' is not supported; use {}.",
            IMAGE_TYPES.join(", ")
        )));
    }
    if request.body.is_empty() {
        return Err(GraphError::bad_request("The logo is empty."));
    }
    if request.body.len() > MAX_BYTES {
        return Err(GraphError::bad_request(format!(
            "The logo is {} bytes; it may be at most {MAX_BYTES} bytes (100 KB).",
            request.body.len()
        )));
    }
    Ok(Logo {
        content_type,
        bytes: request.body.clone(),
    })
}

/// A CDN-style address that changes exactly when the image does.
fn logo_url(tenant_id: &str, app_id: &str, bytes: &[u8]) -> String {
    let mut hasher = DefaultHasher::new();
    bytes.hash(&mut hasher);
    format!(
        "https://aadcdn.msftauthimages.net/{tenant_id}/appbranding/{app_id}/logo?ts={:016x}",
        hasher.finish()
    )
}
