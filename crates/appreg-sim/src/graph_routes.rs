//! `/v1.0/...`: authenticate the caller, parse the OData path (alternate keys
//! in parentheses do not fit axum's router) and hand over to the resource
//! modules. Also the small read-only resources: organization, me, policy.

use std::sync::Arc;
use std::time::Instant;

use axum::Extension;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::Response;
use serde_json::{Map, Value, json};
use uuid::Uuid;

use super::errors::{GraphError, json_response, text_response};
use super::odata::{Key, Query, Target, parse_query, parse_target};
use super::server::{Ctx, Shared};
use super::state::{SimState, Tenant};
use super::tokens::{Audience, TokenProblem, read_bearer};
use super::{graph_apps, graph_grants, graph_sps};

/// One Graph call, parsed.
pub(crate) struct GraphRequest<'a> {
    pub ctx: &'a Ctx,
    pub method: &'a Method,
    pub target: Target,
    pub query: Query,
    pub headers: &'a HeaderMap,
    pub body: &'a Bytes,
    /// The caller's tenant.
    pub tenant: Uuid,
    pub now: Instant,
}

impl GraphRequest<'_> {
    /// The request body as a JSON object.
    pub fn json_body(&self) -> Result<Map<String, Value>, GraphError> {
        match serde_json::from_slice(self.body) {
            Ok(Value::Object(map)) => Ok(map),
            _ => Err(GraphError::unreadable_body()),
        }
    }

    /// The path that addresses the collection, for `@odata.nextLink`.
    pub fn collection_path(&self) -> String {
        format!("/v1.0/{}", self.target.collection)
    }

    /// `GET` of an entity set: the `docs` that match `$filter`, `$select`ed and paged, after
    /// refusing a `$select` of a property `template` (of `type_name`) does not have.
    pub fn list<'d>(
        &self,
        docs: impl Iterator<Item = &'d Map<String, Value>>,
        template: &Map<String, Value>,
        type_name: &str,
        entity_set: &str,
    ) -> Result<Response, GraphError> {
        self.query.check_select(template, type_name)?;
        let items: Vec<&Map<String, Value>> = docs.filter(|doc| self.query.matches(doc)).collect();
        let body = self
            .query
            .page(&items, self.ctx, entity_set, &self.collection_path());
        Ok(json_response(StatusCode::OK, &body))
    }
}

pub(crate) async fn handle(
    State(shared): State<Arc<Shared>>,
    Extension(ctx): Extension<Ctx>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let mut state = shared.state();
    dispatch(&mut state, &ctx, &method, &uri, &headers, &body)
        .unwrap_or_else(|error| error.into_response(&ctx))
}

fn dispatch(
    state: &mut SimState,
    ctx: &Ctx,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    body: &Bytes,
) -> Result<Response, GraphError> {
    let tenant = caller_tenant(state, headers)?;
    let path = uri.path().strip_prefix("/v1.0/").unwrap_or_default();
    let request = GraphRequest {
        ctx,
        method,
        target: parse_target(path),
        query: parse_query(uri.query())?,
        headers,
        body,
        tenant,
        now: state.policy.clock.now(),
    };
    if request.target.key == Some(Key::Id("$count".into())) && request.target.rest.is_empty() {
        return count(state, &request);
    }
    match request.target.collection.as_str() {
        "applications" => graph_apps::route(state, &request),
        "servicePrincipals" => graph_sps::route(state, &request),
        "oauth2PermissionGrants" => graph_grants::route(state, &request),
        "organization" => organization(tenant_of(state, &request)?, &request),
        "me" => me(tenant_of(state, &request)?, &request),
        "policies" => policy(state, &request),
        other => Err(GraphError::unknown_segment(other)),
    }
}

/// Any non-empty bearer token is the demo user in the home tenant; the
/// simulator's own tokens carry their tenant and must be meant for Graph.
fn caller_tenant(state: &SimState, headers: &HeaderMap) -> Result<Uuid, GraphError> {
    let caller = read_bearer(headers).map_err(|problem| match problem {
        TokenProblem::Missing => GraphError::unauthorized("Access token is empty."),
        TokenProblem::Expired => {
            GraphError::unauthorized("Lifetime validation failed, the token is expired.")
        }
    })?;
    if caller.audience == Some(Audience::Arm) {
        return Err(GraphError::unauthorized(
            "Access token validation failure. Invalid audience.",
        ));
    }
    let home = state.tenants.first().map(|t| t.id);
    caller
        .tenant
        .or(home)
        .filter(|id| state.tenant(*id).is_some())
        .ok_or_else(|| GraphError::unauthorized("Access token validation failure. Invalid issuer."))
}

/// `GET /{collection}/$count`: a plain number, only with `ConsistencyLevel: eventual` (an
/// advanced query), as Graph answers directory objects.
fn count(state: &SimState, request: &GraphRequest<'_>) -> Result<Response, GraphError> {
    only_get(request)?;
    let eventual = request
        .headers
        .get("consistencylevel")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("eventual"));
    if !eventual {
        return Err(GraphError::bad_request(
            "$count is not supported on this collection without the ConsistencyLevel header set to eventual.",
        ));
    }
    let tenant = tenant_of(state, request)?;
    let objects = match request.target.collection.as_str() {
        "applications" => &tenant.applications,
        "servicePrincipals" => &tenant.service_principals,
        other => return Err(GraphError::unknown_segment(other)),
    };
    let visible = objects
        .iter()
        .filter(|o| o.is_visible(request.now) && request.query.matches(&o.doc))
        .count();
    Ok(text_response(visible.to_string()))
}

pub(crate) fn tenant_of<'s>(
    state: &'s SimState,
    request: &GraphRequest<'_>,
) -> Result<&'s Tenant, GraphError> {
    state
        .tenant(request.tenant)
        .ok_or_else(|| GraphError::unauthorized("Access token validation failure."))
}

pub(crate) fn only_get(request: &GraphRequest<'_>) -> Result<(), GraphError> {
    if request.method == Method::GET {
        Ok(())
    } else {
        Err(GraphError::method_not_allowed())
    }
}

fn organization(tenant: &Tenant, request: &GraphRequest<'_>) -> Result<Response, GraphError> {
    only_get(request)?;
    let doc = json!({
        "id": tenant.id.to_string(),
        "deletedDateTime": null,
        "businessPhones": [],
        "city": null,
        "country": null,
        "countryLetterCode": tenant.country_code,
        "createdDateTime": "2021-03-15T09:21:44Z",
        "displayName": tenant.display_name,
        "tenantType": "AAD",
        "assignedPlans": [],
        "verifiedDomains": tenant.domains().map(|name| json!({
            "capabilities": "Email, OfficeCommunicationsOnline",
            "isDefault": name == tenant.default_domain(),
            "isInitial": *name == tenant.initial_domain,
            "name": name,
            "type": "Managed"
        })).collect::<Vec<_>>()
    });
    let doc = doc.as_object().cloned().unwrap_or_default();
    match &request.target.key {
        Some(Key::Id(id)) if !id.eq_ignore_ascii_case(&tenant.id.to_string()) => {
            Err(GraphError::not_found(id))
        }
        Some(_) => Ok(json_response(
            StatusCode::OK,
            &request.query.entity(&doc, request.ctx, "organization"),
        )),
        None => Ok(json_response(
            StatusCode::OK,
            &request
                .query
                .page(&[&doc], request.ctx, "organization", "/v1.0/organization"),
        )),
    }
}

fn me(tenant: &Tenant, request: &GraphRequest<'_>) -> Result<Response, GraphError> {
    only_get(request)?;
    if request.target.key.is_some() {
        return Err(GraphError::unknown_segment(
            request.target.key.as_ref().map_or("", Key::value),
        ));
    }
    let user = &tenant.user;
    let doc = json!({
        "businessPhones": [],
        "displayName": user.display_name,
        "givenName": user.given_name,
        "jobTitle": user.job_title,
        "mail": user.mail,
        "mobilePhone": null,
        "officeLocation": null,
        "preferredLanguage": "en-US",
        "surname": user.surname,
        "userPrincipalName": user.user_principal_name,
        "id": user.id.to_string()
    });
    let doc = doc.as_object().cloned().unwrap_or_default();
    Ok(json_response(
        StatusCode::OK,
        &request.query.entity(&doc, request.ctx, "users"),
    ))
}

/// `GET /policies/defaultAppManagementPolicy`: the tenant's secret-lifetime cap.
fn policy(state: &SimState, request: &GraphRequest<'_>) -> Result<Response, GraphError> {
    only_get(request)?;
    match &request.target.key {
        Some(Key::Id(name))
            if name == "defaultAppManagementPolicy" && request.target.rest.is_empty() => {}
        Some(key) => return Err(GraphError::unknown_segment(key.value())),
        None => return Err(GraphError::unknown_segment("policies")),
    }
    let restrictions: Vec<Value> = state
        .policy
        .secret_cap_months
        .map(|months| {
            json!({
                "restrictionType": "passwordLifetime",
                "state": "enabled",
                "maxLifetime": format!("P{}D", graph_apps::cap_days(months)),
                "restrictForAppsCreatedAfterDateTime": "2019-01-01T00:00:00Z"
            })
        })
        .into_iter()
        .collect();
    let body = json!({
        "@odata.context": format!("{}/$metadata#policies/defaultAppManagementPolicy/$entity", request.ctx.graph_base()),
        "id": "00000000-0000-0000-0000-000000000000",
        "displayName": "Default app management tenant policy",
        "description": "Default tenant policy that enforces app management restrictions on applications and service principals. To apply policy to targeted resources, create a new policy under appManagementPolicies collection.",
        "isEnabled": !restrictions.is_empty(),
        "applicationRestrictions": { "passwordCredentials": restrictions, "keyCredentials": [] },
        "servicePrincipalRestrictions": { "passwordCredentials": [], "keyCredentials": [] }
    });
    Ok(json_response(StatusCode::OK, &body))
}
