//! `/oauth2PermissionGrants`: delegated permissions granted tenant-wide (admin
//! consent) or for one user. One grant per client, resource and principal;
//! scopes are space-separated names that must exist on the resource.

use axum::http::{Method, StatusCode};
use axum::response::Response;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::Rng;
use serde_json::{Map, Value, json};

use super::errors::{GraphError, json_response, no_content};
use super::graph_routes::{GraphRequest, tenant_of};
use super::graph_sps;
use super::odata::Key;
use super::state::{SimState, Stored, Tenant};
use super::validate::check_declared;

const ENTITY_SET: &str = "oauth2PermissionGrants";
const RESOURCE: &str = "OAuth2PermissionGrant";

pub(crate) fn route(
    state: &mut SimState,
    request: &GraphRequest<'_>,
) -> Result<Response, GraphError> {
    let Some(key) = &request.target.key else {
        return match *request.method {
            Method::GET => list(state, request),
            Method::POST => create(state, request),
            _ => Err(GraphError::method_not_allowed()),
        };
    };
    let Key::Id(id) = key else {
        return Err(GraphError::new(
            StatusCode::BAD_REQUEST,
            "BadRequest",
            "oauth2PermissionGrant has no alternate keys.",
        ));
    };
    if let Some(segment) = request.target.rest.first() {
        return Err(GraphError::unknown_segment(segment));
    }
    match *request.method {
        Method::GET => get(state, request, id),
        Method::PATCH => update(state, request, id),
        Method::DELETE => delete(state, request, id),
        _ => Err(GraphError::method_not_allowed()),
    }
}

fn template() -> Map<String, Value> {
    let doc = json!({ "clientId": null, "consentType": null, "id": null, "principalId": null, "resourceId": null, "scope": null });
    doc.as_object().cloned().unwrap_or_default()
}

fn list(state: &SimState, request: &GraphRequest<'_>) -> Result<Response, GraphError> {
    let grants = tenant_of(state, request)?.grants.iter().map(|g| &g.doc);
    request.list(grants, &template(), "oAuth2PermissionGrant", ENTITY_SET)
}

fn get(state: &SimState, request: &GraphRequest<'_>, id: &str) -> Result<Response, GraphError> {
    let tenant = tenant_of(state, request)?;
    let grant = tenant
        .grants
        .iter()
        .find(|g| g.id() == id)
        .ok_or_else(|| GraphError::not_found(id))?;
    Ok(json_response(
        StatusCode::OK,
        &request.query.entity(&grant.doc, request.ctx, ENTITY_SET),
    ))
}

fn required<'b>(body: &'b Map<String, Value>, property: &str) -> Result<&'b str, GraphError> {
    body.get(property)
        .and_then(Value::as_str)
        .filter(|v| !v.is_empty())
        .ok_or_else(|| GraphError::invalid_value(property, RESOURCE, "NullOrEmpty"))
}

fn create(state: &mut SimState, request: &GraphRequest<'_>) -> Result<Response, GraphError> {
    if !state.policy.admin {
        return Err(GraphError::forbidden());
    }
    let body = request.json_body()?;
    check_declared(&body, &template())?;
    let client_id = required(&body, "clientId")?;
    let resource_id = required(&body, "resourceId")?;
    let consent_type = required(&body, "consentType")?;
    let principal_id = body.get("principalId").and_then(Value::as_str);
    let scope = body
        .get("scope")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let tenant = tenant_of(state, request)?;
    match (consent_type, principal_id) {
        ("AllPrincipals", None) => {}
        ("Principal", Some(user)) if user.eq_ignore_ascii_case(&tenant.user.id.to_string()) => {}
        ("Principal", Some(user)) => return Err(GraphError::not_found(user)),
        ("AllPrincipals" | "Principal", _) => {
            return Err(GraphError::invalid_value(
                "principalId",
                RESOURCE,
                "InvalidValue",
            ));
        }
        _ => {
            return Err(GraphError::invalid_value(
                "consentType",
                RESOURCE,
                "InvalidValue",
            ));
        }
    }
    sp(tenant, client_id, request)?;
    check_scopes(scope, sp(tenant, resource_id, request)?)?;
    let duplicate = tenant.grants.iter().any(|g| {
        g.str("clientId") == Some(client_id)
            && g.str("resourceId") == Some(resource_id)
            && g.str("consentType") == Some(consent_type)
            && g.str("principalId") == principal_id
    });
    if duplicate {
        return Err(GraphError::new(
            StatusCode::BAD_REQUEST,
            "Request_BadRequest",
            "Permission entry already exists.",
        ));
    }
    let doc = json!({
        "clientId": client_id,
        "consentType": consent_type,
        "id": "",
        "principalId": principal_id,
        "resourceId": resource_id,
        "scope": scope,
    });
    let mut doc = doc.as_object().cloned().unwrap_or_default();
    // Real grant ids are 43 (or 64) base64url characters, not GUIDs.
    let id_bytes: [u8; 32] = state.rng.random();
    doc.insert("id".into(), json!(URL_SAFE_NO_PAD.encode(id_bytes)));
    let response = json_response(
        StatusCode::CREATED,
        &request.query.entity(&doc, request.ctx, ENTITY_SET),
    );
    let tenant = state
        .tenant_mut(request.tenant)
        .ok_or_else(GraphError::forbidden)?;
    tenant.grants.push(Stored {
        doc,
        visible_at: request.now,
    });
    Ok(response)
}

fn update(
    state: &mut SimState,
    request: &GraphRequest<'_>,
    id: &str,
) -> Result<Response, GraphError> {
    if !state.policy.admin {
        return Err(GraphError::forbidden());
    }
    let body = request.json_body()?;
    check_declared(&body, &template())?;
    if body
        .keys()
        .any(|k| k != "scope" && !k.starts_with("@odata."))
    {
        return Err(GraphError::bad_request(
            "Only the scope of a permission grant can be updated.",
        ));
    }
    let scope = body
        .get("scope")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    let tenant = tenant_of(state, request)?;
    let grant = tenant
        .grants
        .iter()
        .find(|g| g.id() == id)
        .ok_or_else(|| GraphError::not_found(id))?;
    check_scopes(
        &scope,
        sp(tenant, grant.str("resourceId").unwrap_or_default(), request)?,
    )?;
    let tenant = state
        .tenant_mut(request.tenant)
        .ok_or_else(|| GraphError::not_found(id))?;
    if let Some(grant) = tenant.grants.iter_mut().find(|g| g.id() == id) {
        grant.doc.insert("scope".into(), json!(scope));
    }
    Ok(no_content())
}

fn delete(
    state: &mut SimState,
    request: &GraphRequest<'_>,
    id: &str,
) -> Result<Response, GraphError> {
    if !state.policy.admin {
        return Err(GraphError::forbidden());
    }
    let tenant = state
        .tenant_mut(request.tenant)
        .ok_or_else(|| GraphError::not_found(id))?;
    let before = tenant.grants.len();
    tenant.grants.retain(|g| g.id() != id);
    if tenant.grants.len() == before {
        Err(GraphError::not_found(id))
    } else {
        Ok(no_content())
    }
}

/// A replicated service principal, or the 404 Graph gives for a reference to
/// one it cannot see yet.
fn sp<'t>(
    tenant: &'t Tenant,
    id: &str,
    request: &GraphRequest<'_>,
) -> Result<&'t Stored, GraphError> {
    graph_sps::find(tenant, &Key::Id(id.to_owned()), request)
        .ok_or_else(|| GraphError::not_found(id))
}

fn check_scopes(scope: &str, resource: &Stored) -> Result<(), GraphError> {
    let published: Vec<&str> = resource
        .doc
        .get("oauth2PermissionScopes")
        .and_then(Value::as_array)
        .map(|scopes| {
            scopes
                .iter()
                .filter_map(|s| s.get("value").and_then(Value::as_str))
                .collect()
        })
        .unwrap_or_default();
    for name in scope.split_whitespace() {
        if !published.iter().any(|p| p.eq_ignore_ascii_case(name)) {
            return Err(GraphError::bad_request(format!(
                "Invalid value specified for property 'scope' of resource '{RESOURCE}'. '{name}' is not a delegated permission of '{}'.",
                resource.str("displayName").unwrap_or_default()
            ))
            .with_detail("InvalidValue", format!("Unknown scope '{name}'."), Some("scope")));
        }
    }
    Ok(())
}
