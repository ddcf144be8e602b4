//! `/servicePrincipals`: the enterprise-application side of an app, created
//! per tenant from an application object that must already be replicated. Its `tags` are
//! the caller's to set (`HideApp` hides the app from users' My Apps); they are only stored.

use axum::http::{Method, StatusCode};
use axum::response::Response;
use serde_json::{Map, Value};
use uuid::Uuid;

use super::errors::{GraphError, created, json_response, no_content};
use super::graph_apps::merge;
use super::graph_assignments;
use super::graph_routes::{GraphRequest, tenant_of};
use super::odata::Key;
use super::state::{SimState, Stored, Tenant, app_template, sp_for_app};
use super::validate::{self, check_declared};

const ENTITY_SET: &str = "servicePrincipals";
const RESOURCE: &str = "ServicePrincipal";
/// Properties a request may send but never changes.
const FIXED: [&str; 3] = ["id", "appId", "appOwnerOrganizationId"];
/// How long after an app is made Graph may refuse its service principal with a 403.
const EARLY_REFUSAL: std::time::Duration = std::time::Duration::from_secs(1);

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
    match key {
        Key::Id(id) if Uuid::parse_str(id).is_err() => {
            return Err(GraphError::bad_request(format!(
                "Invalid object identifier '{id}'."
            )));
        }
        Key::Alternate { property, .. } if property != "appId" => {
            return Err(GraphError::new(
                StatusCode::BAD_REQUEST,
                "BadRequest",
                format!(
                    "'{property}' is not a key property of type 'microsoft.graph.servicePrincipal'."
                ),
            ));
        }
        _ => {}
    }
    match request.target.rest.as_slice() {
        [] => {}
        [segment] if segment == "appRoleAssignments" => {
            return graph_assignments::route(state, request, key);
        }
        [segment] if segment == "appRoleAssignedTo" => {
            return graph_assignments::assigned_to(state, request, key);
        }
        [segment, ..] => return Err(GraphError::unknown_segment(segment)),
    }
    match *request.method {
        Method::GET => get(state, request, key),
        Method::PATCH => patch(state, request, key),
        Method::DELETE => delete(state, request, key),
        _ => Err(GraphError::method_not_allowed()),
    }
}

fn template() -> Map<String, Value> {
    sp_for_app(
        &app_template(Uuid::nil(), Uuid::nil(), ""),
        Uuid::nil(),
        Uuid::nil(),
    )
}

/// A replicated service principal by object id or appId.
pub(crate) fn find<'t>(
    tenant: &'t Tenant,
    key: &Key,
    request: &GraphRequest<'_>,
) -> Option<&'t Stored> {
    tenant.service_principals.iter().find(|sp| {
        let hit = match key {
            Key::Id(id) => sp.id().eq_ignore_ascii_case(id),
            Key::Alternate { property, value } => sp
                .str(property)
                .is_some_and(|v| v.eq_ignore_ascii_case(value)),
        };
        hit && sp.is_visible(request.now)
    })
}

fn list(state: &SimState, request: &GraphRequest<'_>) -> Result<Response, GraphError> {
    let visible = tenant_of(state, request)?
        .service_principals
        .iter()
        .filter(|sp| sp.is_visible(request.now))
        .map(|sp| &sp.doc);
    request.list(visible, &template(), "servicePrincipal", ENTITY_SET)
}

fn get(state: &SimState, request: &GraphRequest<'_>, key: &Key) -> Result<Response, GraphError> {
    let tenant = tenant_of(state, request)?;
    request
        .query
        .check_select(&template(), "servicePrincipal")?;
    let sp = find(tenant, key, request).ok_or_else(|| GraphError::not_found(key.value()))?;
    Ok(json_response(
        StatusCode::OK,
        &request.query.entity(&sp.doc, request.ctx, ENTITY_SET),
    ))
}

fn create(state: &mut SimState, request: &GraphRequest<'_>) -> Result<Response, GraphError> {
    let mut body = request.json_body()?;
    check_declared(&body, &template())?;
    let app_id = body
        .get("appId")
        .and_then(Value::as_str)
        .filter(|a| !a.is_empty())
        .map(str::to_owned)
        .ok_or_else(|| GraphError::invalid_value("appId", RESOURCE, "NullOrEmpty"))?;
    let tenant = tenant_of(state, request)?;
    if tenant.service_principals.iter().any(|sp| {
        sp.str("appId")
            .is_some_and(|a| a.eq_ignore_ascii_case(&app_id))
    }) {
        return Err(GraphError::new(
            StatusCode::CONFLICT,
            "Request_MultipleObjectsWithSameKeyValue",
            format!(
                "The service principal cannot be created, updated, or restored because the service principal name {app_id} is already in use."
            ),
        ));
    }
    let (app, owner) = backing_application(state, request, &app_id)?;
    let id = state.new_uuid();
    let visible_at = request.now + state.policy.replication_delay;
    let mut doc = sp_for_app(&app, id, owner);
    // The caller may set a few writable properties (accountEnabled, tags...).
    body.retain(|key, _| !key.starts_with("@odata.") && !FIXED.contains(&key.as_str()));
    doc.extend(body);
    validate::tags(&doc, RESOURCE)?;
    let tenant = state
        .tenant_mut(request.tenant)
        .ok_or_else(|| GraphError::not_found(&app_id))?;
    let response = created(
        &request.query.entity(&doc, request.ctx, ENTITY_SET),
        request.ctx,
        &tenant.id,
        &id,
        "ServicePrincipal",
    );
    tenant.service_principals.push(Stored { doc, visible_at });
    Ok(response)
}

/// The application a new service principal stands for: a replicated app in
/// this tenant, or a multi-tenant app registered in another one.
fn backing_application(
    state: &SimState,
    request: &GraphRequest<'_>,
    app_id: &str,
) -> Result<(Map<String, Value>, Uuid), GraphError> {
    let same = |app: &&Stored| {
        app.str("appId")
            .is_some_and(|a| a.eq_ignore_ascii_case(app_id))
    };
    for tenant in &state.tenants {
        let home = tenant.id == request.tenant;
        let usable = |app: &Stored| {
            app.is_visible(request.now)
                && (home
                    || app
                        .str("signInAudience")
                        .is_some_and(|a| a != "AzureADMyOrg"))
        };
        if let Some(app) = tenant
            .applications
            .iter()
            .find(same)
            .filter(|app| usable(app))
        {
            return Ok((app.doc.clone(), tenant.id));
        }
    }
    // Graph's first answers for an app made a moment ago can be a 403 that blames the caller.
    let just_made = state
        .tenant(request.tenant)
        .and_then(|t| t.applications.iter().find(same))
        .and_then(|app| app.visible_at.checked_sub(state.policy.replication_delay))
        .is_some_and(|made_at| {
            request.now < made_at + EARLY_REFUSAL.min(state.policy.replication_delay / 2)
        });
    if just_made {
        return Err(GraphError::new(
            StatusCode::FORBIDDEN,
            "Authorization_RequestDenied",
            "When using this permission, the backing application of the service principal being created must in the local tenant",
        ));
    }
    let message = format!(
        "The appId '{app_id}' of the service principal does not reference a valid application object."
    );
    Err(GraphError::bad_request(message.clone()).with_detail(
        "NoBackingApplicationObject",
        message,
        Some("appId"),
    ))
}

/// PATCH semantics as for applications; the keys that tie it to its app stay.
fn patch(
    state: &mut SimState,
    request: &GraphRequest<'_>,
    key: &Key,
) -> Result<Response, GraphError> {
    let mut body = request.json_body()?;
    check_declared(&body, &template())?;
    body.retain(|key, _| !key.starts_with("@odata.") && !FIXED.contains(&key.as_str()));
    let tenant = state
        .tenant_mut(request.tenant)
        .ok_or_else(|| GraphError::not_found(key.value()))?;
    let mut doc = find(tenant, key, request)
        .map(|sp| sp.doc.clone())
        .ok_or_else(|| GraphError::not_found(key.value()))?;
    merge(&mut doc, &body);
    validate::tags(&doc, RESOURCE)?;
    if let Some(sp) = tenant
        .service_principals
        .iter_mut()
        .find(|sp| sp.doc.get("id") == doc.get("id"))
    {
        sp.doc = doc;
    }
    Ok(no_content())
}

/// Removing a service principal also removes the grants it holds or serves.
fn delete(
    state: &mut SimState,
    request: &GraphRequest<'_>,
    key: &Key,
) -> Result<Response, GraphError> {
    let tenant = state
        .tenant_mut(request.tenant)
        .ok_or_else(|| GraphError::not_found(key.value()))?;
    let id = find(tenant, key, request)
        .map(|sp| sp.id().to_owned())
        .ok_or_else(|| GraphError::not_found(key.value()))?;
    tenant.service_principals.retain(|sp| sp.id() != id);
    tenant.grants.retain(|g| {
        g.str("clientId") != Some(id.as_str()) && g.str("resourceId") != Some(id.as_str())
    });
    tenant.app_role_assignments.retain(|a| {
        a.str("principalId") != Some(id.as_str()) && a.str("resourceId") != Some(id.as_str())
    });
    Ok(no_content())
}
