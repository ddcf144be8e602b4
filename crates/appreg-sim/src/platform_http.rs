//! What the Nylas and Nango simulators share on the wire: plain JSON answers, the bearer
//! key, the resource path under their prefix, and the status an injected fault answers with.

use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use serde_json::Value;

use super::faults::{FaultKind, decode};

pub(crate) fn json(status: StatusCode, body: &Value) -> Response {
    let mut response = Response::new(Body::from(body.to_string()));
    *response.status_mut() = status;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json; charset=utf-8"),
    );
    response
}

pub(crate) fn with_retry_after(mut response: Response, secs: Option<u64>) -> Response {
    if let Some(secs) = secs {
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(secs));
    }
    response
}

/// The `Authorization` header's value, if it is readable text.
pub(crate) fn authorization(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
}

/// The decoded path segments after `prefix` (`/nylas/v3/connectors/microsoft` with prefix
/// `/nylas` gives `["v3", "connectors", "microsoft"]`); a trailing slash is ignored.
pub(crate) fn segments(path: &str, prefix: &str) -> Vec<String> {
    path.strip_prefix(prefix)
        .unwrap_or(path)
        .trim_matches('/')
        .split('/')
        .filter(|s| !s.is_empty())
        .map(decode)
        .collect()
}

/// The status (and `Retry-After`) a fault answers with on a platform's API.
pub(crate) fn fault_status(kind: FaultKind) -> (StatusCode, Option<u64>) {
    match kind {
        FaultKind::Throttle { retry_after_secs } => {
            (StatusCode::TOO_MANY_REQUESTS, Some(retry_after_secs))
        }
        FaultKind::Unavailable => (StatusCode::SERVICE_UNAVAILABLE, Some(1)),
        FaultKind::ExpiredToken => (StatusCode::UNAUTHORIZED, None),
        FaultKind::Forbidden => (StatusCode::FORBIDDEN, None),
        FaultKind::NotFound => (StatusCode::NOT_FOUND, None),
        // The drop and truncation faults never get here (the pipeline handles them).
        FaultKind::ServerError
        | FaultKind::DropBeforeCommit
        | FaultKind::DropAfterCommit
        | FaultKind::MalformedJson => (StatusCode::INTERNAL_SERVER_ERROR, None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_are_decoded_and_trimmed() {
        assert_eq!(
            segments("/nango/integrations/my%20key/", "/nango"),
            ["integrations", "my key"]
        );
        assert!(segments("/nylas", "/nylas").is_empty());
    }
}
