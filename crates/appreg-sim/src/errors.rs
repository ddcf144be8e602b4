//! Graph-shaped answers: the OData JSON content type, and the error body
//! `{"error":{"code","message","details"?,"innerError":{...}}}`.

use axum::body::{Body, to_bytes};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::Response;
use serde_json::{Value, json};

use super::faults::FaultKind;
use super::server::Ctx;
use super::state::inner_error_date;
use super::{nango, nylas};

/// The content type Graph sends on every JSON answer.
pub(crate) const ODATA_JSON: &str = "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8";

const INSUFFICIENT_PRIVILEGES: &str = "Insufficient privileges to complete the operation.";

/// A Graph error answer. Handlers return it; the dispatcher renders it with
/// the request's ids.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct GraphError {
    pub status: StatusCode,
    pub code: String,
    pub message: String,
    pub details: Vec<ErrorDetail>,
    pub retry_after: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ErrorDetail {
    pub code: String,
    pub message: String,
    pub target: Option<String>,
}

impl GraphError {
    pub fn new(status: StatusCode, code: &str, message: impl Into<String>) -> Self {
        GraphError {
            status,
            code: code.to_owned(),
            message: message.into(),
            details: Vec::new(),
            retry_after: None,
        }
    }

    pub fn with_detail(
        mut self,
        code: &str,
        message: impl Into<String>,
        target: Option<&str>,
    ) -> Self {
        self.details.push(ErrorDetail {
            code: code.to_owned(),
            message: message.into(),
            target: target.map(str::to_owned),
        });
        self
    }

    /// 400 `Request_BadRequest`: the directory refused the write.
    pub fn bad_request(message: impl Into<String>) -> Self {
        GraphError::new(StatusCode::BAD_REQUEST, "Request_BadRequest", message)
    }

    /// 400 `Request_BadRequest` naming the invalid property, as Graph's
    /// directory validation does, with the property as the detail's target.
    pub fn invalid_value(property: &str, resource: &str, detail_code: &str) -> Self {
        let message =
            format!("Invalid value specified for property '{property}' of resource '{resource}'.");
        GraphError::bad_request(message.clone()).with_detail(detail_code, message, Some(property))
    }

    /// 404 `Request_ResourceNotFound` for a directory object.
    pub fn not_found(id: &str) -> Self {
        GraphError::new(
            StatusCode::NOT_FOUND,
            "Request_ResourceNotFound",
            format!(
                "Resource '{id}' does not exist or one of its queried reference-property objects are not present."
            ),
        )
    }

    pub fn forbidden() -> Self {
        GraphError::new(
            StatusCode::FORBIDDEN,
            "Authorization_RequestDenied",
            INSUFFICIENT_PRIVILEGES,
        )
    }

    pub fn unauthorized(message: &str) -> Self {
        GraphError::new(
            StatusCode::UNAUTHORIZED,
            "InvalidAuthenticationToken",
            message,
        )
    }

    pub fn method_not_allowed() -> Self {
        GraphError::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "Request_BadRequest",
            "Specified HTTP method is not allowed for the request target.",
        )
    }

    /// The OData layer's answer to an unknown path segment.
    pub fn unknown_segment(segment: &str) -> Self {
        GraphError::new(
            StatusCode::BAD_REQUEST,
            "BadRequest",
            format!("Resource not found for the segment '{segment}'."),
        )
    }

    /// A property the entity type does not declare.
    pub fn undeclared(property: &str) -> Self {
        GraphError::bad_request(format!(
            "Property '{property}' does not exist as a declared property or extension property."
        ))
    }

    /// The OData reader's answer to a JSON value of the wrong kind: `expected` is the node it
    /// wanted (`StartObject`, `StartArray` or `PrimitiveValue`).
    pub fn unexpected_node(found: &Value, expected: &str) -> Self {
        let found = match found {
            Value::Array(_) => "StartArray",
            Value::Object(_) => "StartObject",
            _ => "PrimitiveValue",
        };
        GraphError::new(
            StatusCode::BAD_REQUEST,
            "BadRequest",
            format!(
                "An unexpected '{found}' node was found when reading from the JSON reader. A '{expected}' node was expected."
            ),
        )
    }

    /// The OData reader's answer to a primitive it cannot read as `edm` (`Edm.Boolean`...).
    pub fn cannot_convert(literal: &str, edm: &str) -> Self {
        GraphError::new(
            StatusCode::BAD_REQUEST,
            "BadRequest",
            format!("Cannot convert the literal '{literal}' to the expected type '{edm}'."),
        )
    }

    pub fn unreadable_body() -> Self {
        GraphError::new(
            StatusCode::BAD_REQUEST,
            "BadRequest",
            "Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.",
        )
    }

    pub fn into_response(self, ctx: &Ctx) -> Response {
        let mut error = json!({
            "code": self.code,
            "message": self.message,
            "innerError": {
                "date": inner_error_date(),
                "request-id": ctx.request_id,
                "client-request-id": ctx.client_request_id,
            }
        });
        if !self.details.is_empty() {
            let details: Vec<Value> = self
                .details
                .iter()
                .map(|d| {
                    let mut detail = json!({ "code": d.code, "message": d.message });
                    if let Some(target) = &d.target {
                        detail["target"] = json!(target);
                    }
                    detail
                })
                .collect();
            error["details"] = Value::Array(details);
        }
        let mut response = json_response(self.status, &json!({ "error": error }));
        if let Some(secs) = self.retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        response
    }
}

/// A JSON answer with Graph's content type.
pub(crate) fn json_response(status: StatusCode, body: &Value) -> Response {
    let mut response = Response::new(Body::from(body.to_string()));
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(ODATA_JSON));
    response
}

/// Graph's answer to a directory object created: 201, the object, and a `Location` naming it
/// under `/v2/{tenant}/directoryObjects/{id}/Microsoft.DirectoryServices.{kind}`.
pub(crate) fn created(
    entity: &Value,
    ctx: &Ctx,
    tenant_id: &dyn std::fmt::Display,
    id: &dyn std::fmt::Display,
    kind: &str,
) -> Response {
    let mut response = json_response(StatusCode::CREATED, entity);
    let location = format!(
        "{}/v2/{tenant_id}/directoryObjects/{id}/Microsoft.DirectoryServices.{kind}",
        ctx.origin
    );
    if let Ok(value) = HeaderValue::from_str(&location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    response
}

/// A `text/plain` answer, as `$count` gives.
pub(crate) fn text_response(body: String) -> Response {
    let mut response = Response::new(Body::from(body));
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static("text/plain"));
    response
}

pub(crate) fn no_content() -> Response {
    let mut response = Response::new(Body::empty());
    *response.status_mut() = StatusCode::NO_CONTENT;
    response
}

/// The canned answer for a fault that replaces the handler entirely, in the shape of the
/// service the request was for: Nylas, Nango, or Graph for everything else.
pub(crate) fn fault_response(
    kind: FaultKind,
    ctx: &Ctx,
    method: &Method,
    target: &str,
) -> Response {
    let path = target.split('?').next().unwrap_or(target);
    if path.starts_with("/nylas/") {
        return nylas::fault_response(kind, ctx);
    }
    if path.starts_with("/nango/") {
        return nango::fault_response(kind, method, path);
    }
    let error = match kind {
        FaultKind::Throttle { retry_after_secs } => GraphError {
            retry_after: Some(retry_after_secs),
            ..GraphError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "TooManyRequests",
                "Too many requests. Please wait before retrying.",
            )
        },
        FaultKind::Unavailable => GraphError {
            retry_after: Some(1),
            ..GraphError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "ServiceUnavailable",
                "The service is temporarily unavailable. Please retry later.",
            )
        },
        FaultKind::ExpiredToken => {
            GraphError::unauthorized("Lifetime validation failed, the token is expired.")
        }
        FaultKind::Forbidden => GraphError::forbidden(),
        FaultKind::NotFound => GraphError::not_found("the requested route"),
        // The drop and truncation faults are handled by the pipeline; a plain
        // server error is the honest fallback should one ever get here.
        FaultKind::ServerError
        | FaultKind::DropBeforeCommit
        | FaultKind::DropAfterCommit
        | FaultKind::MalformedJson => GraphError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "InternalServerError",
            "An internal server error occurred while processing the request.",
        ),
    };
    error.into_response(ctx)
}

/// Keep the handler's answer (and its effect) but cut its JSON in half.
pub(crate) async fn truncate_body(response: Response) -> Response {
    let (mut parts, body) = response.into_parts();
    let bytes = to_bytes(body, usize::MAX).await.unwrap_or_default();
    let truncated = if bytes.is_empty() {
        parts.status = StatusCode::OK;
        parts
            .headers
            .insert(header::CONTENT_TYPE, HeaderValue::from_static(ODATA_JSON));
        b"{\"value\":[{\"id\":\"".to_vec()
    } else {
        bytes[..bytes.len() / 2].to_vec()
    };
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(truncated))
}
