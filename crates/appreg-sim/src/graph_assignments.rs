//! `/servicePrincipals/{id}/appRoleAssignments`: application permissions granted to a client
//! service principal. The role must be one the resource publishes; a repeat is refused
//! with Graph's generic `400 Request_BadRequest`, as Graph does.

use axum::http::{Method, StatusCode};
use axum::response::Response;
use serde_json::{Map, Value, json};

use super::errors::{GraphError, json_response};
use super::graph_routes::{GraphRequest, tenant_of};
use super::graph_sps;
use super::odata::Key;
use super::state::{SimState, Stored, graph_timestamp};
use super::validate::check_declared;

const RESOURCE: &str = "AppRoleAssignment";

pub(crate) fn route(
    state: &mut SimState,
    request: &GraphRequest<'_>,
    principal: &Key,
) -> Result<Response, GraphError> {
    match *request.method {
        Method::GET => list(state, request, principal),
        Method::POST => create(state, request, principal),
        _ => Err(GraphError::method_not_allowed()),
    }
}

fn template() -> Map<String, Value> {
    let doc = json!({
        "id": null, "deletedDateTime": null, "appRoleId": null, "createdDateTime": null,
        "principalDisplayName": null, "principalId": null, "principalType": null,
        "resourceDisplayName": null, "resourceId": null
    });
    doc.as_object().cloned().unwrap_or_default()
}

fn principal_id(
    state: &SimState,
    request: &GraphRequest<'_>,
    key: &Key,
) -> Result<(String, String), GraphError> {
    let tenant = tenant_of(state, request)?;
    let sp =
        graph_sps::find(tenant, key, request).ok_or_else(|| GraphError::not_found(key.value()))?;
    Ok((
        sp.id().to_owned(),
        sp.str("displayName").unwrap_or_default().to_owned(),
    ))
}

fn list(state: &SimState, request: &GraphRequest<'_>, key: &Key) -> Result<Response, GraphError> {
    list_by(state, request, key, Side::Principal)
}

/// Which end of an assignment a list is read from.
#[derive(Clone, Copy)]
enum Side {
    /// `appRoleAssignments`: the roles granted to a client.
    Principal,
    /// `appRoleAssignedTo`: who holds a resource's roles.
    Resource,
}

/// `GET /servicePrincipals/{id}/appRoleAssignedTo`: the assignments of a resource's roles.
pub(crate) fn assigned_to(
    state: &SimState,
    request: &GraphRequest<'_>,
    key: &Key,
) -> Result<Response, GraphError> {
    super::graph_routes::only_get(request)?;
    list_by(state, request, key, Side::Resource)
}

fn list_by(
    state: &SimState,
    request: &GraphRequest<'_>,
    key: &Key,
    side: Side,
) -> Result<Response, GraphError> {
    let (id, _) = principal_id(state, request, key)?;
    let tenant = tenant_of(state, request)?;
    let (property, segment) = match side {
        Side::Principal => ("principalId", "appRoleAssignments"),
        Side::Resource => ("resourceId", "appRoleAssignedTo"),
    };
    let items: Vec<&Map<String, Value>> = tenant
        .app_role_assignments
        .iter()
        .filter(|a| a.str(property) == Some(id.as_str()))
        .map(|a| &a.doc)
        .collect();
    let path = format!("/v1.0/servicePrincipals/{id}/{segment}");
    let body = request.query.page(&items, request.ctx, segment, &path);
    Ok(json_response(StatusCode::OK, &body))
}

fn create(
    state: &mut SimState,
    request: &GraphRequest<'_>,
    key: &Key,
) -> Result<Response, GraphError> {
    if !state.policy.admin {
        return Err(GraphError::forbidden());
    }
    let body = request.json_body()?;
    check_declared(&body, &template())?;
    let text = |property: &str| {
        body.get(property)
            .and_then(Value::as_str)
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
            .ok_or_else(|| GraphError::invalid_value(property, RESOURCE, "NullOrEmpty"))
    };
    let (principal, principal_name) = principal_id(state, request, key)?;
    if !text("principalId")?.eq_ignore_ascii_case(&principal) {
        return Err(GraphError::bad_request(
            "The principalId of the assignment must be the service principal in the URL.",
        ));
    }
    let resource_id = text("resourceId")?;
    let app_role_id = text("appRoleId")?;
    let tenant = tenant_of(state, request)?;
    let resource = graph_sps::find(tenant, &Key::Id(resource_id.clone()), request)
        .ok_or_else(|| GraphError::not_found(&resource_id))?;
    let published = resource
        .doc
        .get("appRoles")
        .and_then(Value::as_array)
        .is_some_and(|roles| {
            roles.iter().any(|r| {
                r.get("id")
                    .and_then(Value::as_str)
                    .is_some_and(|id| id.eq_ignore_ascii_case(&app_role_id))
            })
        });
    if !published {
        return Err(GraphError::bad_request(
            "Permission being assigned was not found on application",
        )
        .with_detail(
            "InvalidAppRoleId",
            format!("Unknown app role '{app_role_id}'."),
            Some("appRoleId"),
        ));
    }
    let resource_name = resource.str("displayName").unwrap_or_default().to_owned();
    let exists = tenant.app_role_assignments.iter().any(|a| {
        a.str("principalId") == Some(principal.as_str())
            && a.str("resourceId") == Some(resource_id.as_str())
            && a.str("appRoleId")
                .is_some_and(|r| r.eq_ignore_ascii_case(&app_role_id))
    });
    if exists {
        return Err(GraphError::new(
            StatusCode::BAD_REQUEST,
            "Request_BadRequest",
            "Permission being assigned already exists on the object",
        ));
    }
    let id = state.new_uuid();
    let doc = json!({
        "id": id.to_string(),
        "deletedDateTime": null,
        "appRoleId": app_role_id,
        "createdDateTime": graph_timestamp(time::OffsetDateTime::now_utc()),
        "principalDisplayName": principal_name,
        "principalId": principal,
        "principalType": "ServicePrincipal",
        "resourceDisplayName": resource_name,
        "resourceId": resource_id,
    });
    let doc = doc.as_object().cloned().unwrap_or_default();
    let response = json_response(
        StatusCode::CREATED,
        &request
            .query
            .entity(&doc, request.ctx, "appRoleAssignments"),
    );
    let tenant = state
        .tenant_mut(request.tenant)
        .ok_or_else(GraphError::forbidden)?;
    tenant.app_role_assignments.push(Stored {
        doc,
        visible_at: request.now,
    });
    Ok(response)
}
