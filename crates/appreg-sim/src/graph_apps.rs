//! `/applications`: create (plain and idempotent upsert by uniqueName), read,
//! list, update, delete, and client secrets (addPassword / removePassword); the logo and
//! the verified publisher have their own modules.

use axum::http::{Method, StatusCode};
use axum::response::Response;
use serde_json::{Map, Value, json};
use time::{Duration as TimeDuration, OffsetDateTime};
use uuid::Uuid;

use super::errors::{GraphError, created, json_response, no_content};
use super::graph_routes::GraphRequest;
use super::odata::Key;
use super::state::{
    ClientSecret, SimState, Stored, Tenant, app_template, graph_timestamp,
    sync_redirect_uri_settings,
};
use super::validate::{self, Exposed, PERSONAL_MAX_PASSWORDS};
use super::{graph_logo, graph_publisher, optional_claims};
use appreg_core::secret::SecretString;

const ENTITY_SET: &str = "applications";
/// Properties the directory sets itself; a write that names them is ignored there.
/// `verifiedPublisher` only changes through (un)setVerifiedPublisher (Graph's verifiedPublisher
/// resource type).
const READ_ONLY: [&str; 6] = [
    "id",
    "appId",
    "createdDateTime",
    "deletedDateTime",
    "publisherDomain",
    "verifiedPublisher",
];
/// Actions bound to one application: only `POST` reaches them.
const ACTIONS: [&str; 4] = [
    "addPassword",
    "removePassword",
    "setVerifiedPublisher",
    "unsetVerifiedPublisher",
];
/// Alphabet of Entra ID client secrets.
const SECRET_ALPHABET: &[u8] =
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.~-";

pub(crate) fn route(
    state: &mut SimState,
    request: &GraphRequest<'_>,
) -> Result<Response, GraphError> {
    let target = &request.target;
    let method = request.method;
    let Some(key) = &target.key else {
        return match *method {
            Method::GET => list(state, request),
            Method::POST => create(state, request),
            _ => Err(GraphError::method_not_allowed()),
        };
    };
    check_key(key)?;
    match (target.rest.as_slice(), method) {
        ([], &Method::GET) => get(state, request, key),
        ([], &Method::PATCH) => patch(state, request, key),
        ([], &Method::DELETE) => delete(state, request, key),
        ([segment], _) if segment == "logo" => graph_logo::route(state, request, key),
        ([action], &Method::POST) => match action.as_str() {
            "addPassword" => add_password(state, request, key),
            "removePassword" => remove_password(state, request, key),
            "setVerifiedPublisher" => graph_publisher::set(state, request, key),
            "unsetVerifiedPublisher" => graph_publisher::unset(state, request, key),
            other => Err(GraphError::unknown_segment(other)),
        },
        ([action], _) if ACTIONS.contains(&action.as_str()) => {
            Err(GraphError::method_not_allowed())
        }
        ([], _) => Err(GraphError::method_not_allowed()),
        ([segment, ..], _) => Err(GraphError::unknown_segment(segment)),
    }
}

fn check_key(key: &Key) -> Result<(), GraphError> {
    match key {
        Key::Id(id) if Uuid::parse_str(id).is_err() => Err(GraphError::bad_request(format!(
            "Invalid object identifier '{id}'."
        ))),
        Key::Alternate { property, .. } if property != "appId" && property != "uniqueName" => {
            Err(GraphError::new(
                StatusCode::BAD_REQUEST,
                "BadRequest",
                format!(
                    "'{property}' is not a key property of type 'microsoft.graph.application'."
                ),
            ))
        }
        _ => Ok(()),
    }
}

fn tenant<'s>(state: &'s SimState, request: &GraphRequest<'_>) -> Result<&'s Tenant, GraphError> {
    super::graph_routes::tenant_of(state, request)
}

pub(crate) fn tenant_mut<'s>(
    state: &'s mut SimState,
    request: &GraphRequest<'_>,
) -> Result<&'s mut Tenant, GraphError> {
    state
        .tenant_mut(request.tenant)
        .ok_or_else(|| GraphError::unauthorized("Access token validation failure."))
}

/// Index of the application `key` names. Reads (and writes by id or appId)
/// only see replicated objects; the uniqueName upsert goes to the primary
/// replica and sees everything, which is what makes it idempotent.
pub(crate) fn find(
    tenant: &Tenant,
    key: &Key,
    request: &GraphRequest<'_>,
    include_unreplicated: bool,
) -> Option<usize> {
    tenant.applications.iter().position(|app| {
        let hit = match key {
            Key::Id(id) => app.id().eq_ignore_ascii_case(id),
            Key::Alternate { property, value } => app
                .str(property)
                .is_some_and(|v| v.eq_ignore_ascii_case(value)),
        };
        hit && (include_unreplicated || app.is_visible(request.now))
    })
}

fn list(state: &SimState, request: &GraphRequest<'_>) -> Result<Response, GraphError> {
    let visible = tenant(state, request)?
        .applications
        .iter()
        .filter(|app| app.is_visible(request.now))
        .map(|app| &app.doc);
    let template = app_template(Uuid::nil(), Uuid::nil(), "");
    request.list(visible, &template, "application", ENTITY_SET)
}

fn get(state: &SimState, request: &GraphRequest<'_>, key: &Key) -> Result<Response, GraphError> {
    let tenant = tenant(state, request)?;
    request
        .query
        .check_select(&app_template(Uuid::nil(), Uuid::nil(), ""), "application")?;
    let index =
        find(tenant, key, request, false).ok_or_else(|| GraphError::not_found(key.value()))?;
    let body = request
        .query
        .entity(&tenant.applications[index].doc, request.ctx, ENTITY_SET);
    Ok(json_response(StatusCode::OK, &body))
}

fn create(state: &mut SimState, request: &GraphRequest<'_>) -> Result<Response, GraphError> {
    let body = writable_body(request)?;
    let unique_name = body
        .get("uniqueName")
        .and_then(Value::as_str)
        .map(str::to_owned);
    insert(state, request, body, unique_name.as_deref())
}

/// Create an application from a (checked) write body: 201 with the whole app.
fn insert(
    state: &mut SimState,
    request: &GraphRequest<'_>,
    body: Map<String, Value>,
    unique_name: Option<&str>,
) -> Result<Response, GraphError> {
    if !state.policy.can_create_apps {
        return Err(GraphError::forbidden());
    }
    let (id, app_id) = (state.new_uuid(), state.new_uuid());
    let visible_at = request.now + state.policy.replication_delay;
    let tenant = tenant_mut(state, request)?;
    let mut doc = app_template(id, app_id, tenant.default_domain());
    merge(&mut doc, &body);
    if let Some(name) = unique_name {
        doc.insert("uniqueName".into(), json!(name));
    }
    sync_redirect_uri_settings(&mut doc);
    optional_claims::normalize(&mut doc)?;
    validate::application(&doc, &|resource| exposed(tenant, resource))?;
    if let Some(name) = unique_name
        && tenant.applications.iter().any(|a| {
            a.str("uniqueName")
                .is_some_and(|u| u.eq_ignore_ascii_case(name))
        })
    {
        return Err(GraphError::new(
            StatusCode::CONFLICT,
            "Request_MultipleObjectsWithSameKeyValue",
            "Another object with the same value for property uniqueName already exists.",
        ));
    }
    let response = created(
        &request.query.entity(&doc, request.ctx, ENTITY_SET),
        request.ctx,
        &tenant.id,
        &id,
        "Application",
    );
    tenant.applications.push(Stored { doc, visible_at });
    Ok(response)
}

fn prefers_create(request: &GraphRequest<'_>) -> bool {
    request
        .headers
        .get_all("prefer")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|p| p.trim().eq_ignore_ascii_case("create-if-missing"))
}

fn patch(
    state: &mut SimState,
    request: &GraphRequest<'_>,
    key: &Key,
) -> Result<Response, GraphError> {
    let upsert_key = match key {
        Key::Alternate { property, value } if property == "uniqueName" => Some(value.as_str()),
        _ => None,
    };
    let body = writable_body(request)?;
    let tenant = tenant_mut(state, request)?;
    let Some(index) = find(tenant, key, request, upsert_key.is_some()) else {
        return match upsert_key {
            Some(name) if prefers_create(request) => {
                if body
                    .get("uniqueName")
                    .and_then(Value::as_str)
                    .is_some_and(|u| u != name)
                {
                    return Err(GraphError::invalid_value(
                        "uniqueName",
                        "Application",
                        "InvalidValue",
                    ));
                }
                insert(state, request, body, Some(name))
            }
            _ => Err(GraphError::not_found(key.value())),
        };
    };
    let current = &tenant.applications[index].doc;
    if let Some(given) = body.get("uniqueName")
        && !given.is_null()
        && current
            .get("uniqueName")
            .is_some_and(|u| !u.is_null() && u != given)
    {
        return Err(GraphError::bad_request(
            "Property 'uniqueName' is read-only and cannot be updated once set.",
        ));
    }
    let mut doc = current.clone();
    merge(&mut doc, &body);
    if body
        .get("web")
        .and_then(|w| w.get("redirectUris"))
        .is_some()
    {
        sync_redirect_uri_settings(&mut doc);
    }
    optional_claims::normalize(&mut doc)?;
    validate::application(&doc, &|resource| exposed(tenant, resource))?;
    tenant.applications[index].doc = doc;
    Ok(no_content())
}

/// Deleting an app also removes its service principal in the home tenant
/// and that principal's grants and role assignments.
fn delete(
    state: &mut SimState,
    request: &GraphRequest<'_>,
    key: &Key,
) -> Result<Response, GraphError> {
    let tenant = tenant_mut(state, request)?;
    let index =
        find(tenant, key, request, false).ok_or_else(|| GraphError::not_found(key.value()))?;
    let app = tenant.applications.remove(index);
    tenant.logos.remove(&app.id().to_ascii_lowercase());
    let app_id = app.str("appId").unwrap_or_default().to_owned();
    let removed: Vec<String> = tenant
        .service_principals
        .iter()
        .filter(|sp| sp.str("appId") == Some(app_id.as_str()))
        .map(|sp| sp.id().to_owned())
        .collect();
    tenant
        .service_principals
        .retain(|sp| !removed.iter().any(|id| id == sp.id()));
    tenant.grants.retain(|g| {
        !removed
            .iter()
            .any(|id| Some(id.as_str()) == g.str("clientId"))
    });
    tenant.app_role_assignments.retain(|a| {
        !removed
            .iter()
            .any(|id| Some(id.as_str()) == a.str("principalId"))
    });
    Ok(no_content())
}

fn add_password(
    state: &mut SimState,
    request: &GraphRequest<'_>,
    key: &Key,
) -> Result<Response, GraphError> {
    let body = if request.body.is_empty() {
        Map::new()
    } else {
        request.json_body()?
    };
    let credential = match body.get("passwordCredential") {
        None | Some(Value::Null) => Map::new(),
        Some(Value::Object(c)) => c.clone(),
        Some(_) => return Err(GraphError::unreadable_body()),
    };
    let now = OffsetDateTime::now_utc();
    let start = date_property(&credential, "startDateTime")?.unwrap_or(now);
    let end = match date_property(&credential, "endDateTime")? {
        Some(end) => end,
        None => start
            .replace_year(start.year() + 2)
            .unwrap_or(start + TimeDuration::days(730)),
    };
    if end <= start {
        return Err(GraphError::invalid_value(
            "endDateTime",
            "PasswordCredential",
            "InvalidKeyEndDate",
        ));
    }
    if let Some(months) = state.policy.secret_cap_months {
        let days = cap_days(months);
        if end > now + TimeDuration::days(i64::from(days)) {
            let message = format!(
                "Credential lifetime exceeds the max value allowed as per assigned policy '00000000-0000-0000-0000-000000000000'. The maximum lifetime allowed is P{days}D ({days} days)."
            );
            return Err(GraphError::new(
                StatusCode::BAD_REQUEST,
                "CredentialInvalidLifetimeAsPerAppPolicy",
                message.clone(),
            )
            .with_detail("InvalidKeyEndDate", message, Some("endDateTime")));
        }
    }
    let secret_delay = state.policy.secret_replication_delay;
    let key_id = state.new_uuid();
    let secret = format!(
        "{}8Q~{}",
        state.random_string(3, SECRET_ALPHABET),
        state.random_string(34, SECRET_ALPHABET)
    );
    let tenant = tenant_mut(state, request)?;
    let index =
        find(tenant, key, request, false).ok_or_else(|| GraphError::not_found(key.value()))?;
    let app = &mut tenant.applications[index].doc;
    let existing = app
        .get("passwordCredentials")
        .and_then(Value::as_array)
        .map_or(0, Vec::len);
    if validate::is_personal(app) && existing >= PERSONAL_MAX_PASSWORDS {
        return Err(GraphError::bad_request(format!(
            "Applications that support personal Microsoft accounts can have at most {PERSONAL_MAX_PASSWORDS} password credentials."
        ))
        .with_detail("TooManyItems", "Too many password credentials.", Some("passwordCredentials")));
    }
    let metadata = json!({
        "customKeyIdentifier": null,
        "displayName": credential.get("displayName").cloned().unwrap_or(Value::Null),
        "endDateTime": graph_timestamp(end),
        "hint": secret.chars().take(3).collect::<String>(),
        "keyId": key_id.to_string(),
        "secretText": null,
        "startDateTime": graph_timestamp(start),
    });
    let mut answer = metadata.clone();
    answer["secretText"] = json!(secret);
    answer["@odata.context"] = json!(format!(
        "{}/$metadata#microsoft.graph.passwordCredential",
        request.ctx.graph_base()
    ));
    match app
        .get_mut("passwordCredentials")
        .and_then(Value::as_array_mut)
    {
        Some(list) => list.push(metadata),
        None => {
            app.insert("passwordCredentials".into(), json!([metadata]));
        }
    }
    let stored = ClientSecret {
        value: SecretString::new(secret),
        usable_at: request.now + secret_delay,
    };
    tenant.client_secrets.insert(key_id.to_string(), stored);
    Ok(json_response(StatusCode::OK, &answer))
}

fn remove_password(
    state: &mut SimState,
    request: &GraphRequest<'_>,
    key: &Key,
) -> Result<Response, GraphError> {
    let body = request.json_body()?;
    let key_id = body
        .get("keyId")
        .and_then(Value::as_str)
        .filter(|k| Uuid::parse_str(k).is_ok())
        .ok_or_else(|| GraphError::invalid_value("keyId", "PasswordCredential", "InvalidValue"))?
        .to_owned();
    let tenant = tenant_mut(state, request)?;
    let index =
        find(tenant, key, request, false).ok_or_else(|| GraphError::not_found(key.value()))?;
    let credentials = tenant.applications[index]
        .doc
        .get_mut("passwordCredentials")
        .and_then(Value::as_array_mut);
    let position = credentials.as_ref().and_then(|list| {
        list.iter().position(|c| {
            c.get("keyId")
                .and_then(Value::as_str)
                .is_some_and(|k| k.eq_ignore_ascii_case(&key_id))
        })
    });
    match (credentials, position) {
        (Some(list), Some(position)) => {
            list.remove(position);
            tenant.client_secrets.remove(&key_id.to_ascii_lowercase());
            Ok(no_content())
        }
        _ => Err(GraphError::new(
            StatusCode::NOT_FOUND,
            "Request_ResourceNotFound",
            format!("No password credential found with keyId '{key_id}'."),
        )),
    }
}

/// The policy's cap in days, as Graph expresses `maxLifetime` (`P180D`).
pub(crate) fn cap_days(months: u32) -> u32 {
    months.saturating_mul(30)
}

/// A date-time property as Graph reads one (RFC 3339); missing or null is `None`.
pub(crate) fn date_property(
    object: &Map<String, Value>,
    name: &str,
) -> Result<Option<OffsetDateTime>, GraphError> {
    match object.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(text)) => {
            OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339)
                .map(Some)
                .map_err(|_| GraphError::cannot_convert(text, "Edm.DateTimeOffset"))
        }
        Some(other) => Err(GraphError::cannot_convert(
            &other.to_string(),
            "Edm.DateTimeOffset",
        )),
    }
}

/// The write body, minus what the directory owns: unknown properties are an
/// error, read-only ones are ignored, and secrets only come from addPassword.
fn writable_body(request: &GraphRequest<'_>) -> Result<Map<String, Value>, GraphError> {
    let mut body = request.json_body()?;
    validate::check_declared(&body, &app_template(Uuid::nil(), Uuid::nil(), ""))?;
    body.retain(|key, _| !key.starts_with("@odata.") && !READ_ONLY.contains(&key.as_str()));
    // `informationalUrl.logoUrl` is read-only: Graph answers the PATCH 204 and keeps it.
    if let Some(info) = body.get_mut("info").and_then(Value::as_object_mut) {
        info.remove("logoUrl");
    }
    for credentials in ["passwordCredentials", "keyCredentials"] {
        match body.remove(credentials) {
            None | Some(Value::Null) => {}
            Some(Value::Array(items)) if items.is_empty() => {}
            Some(_) => {
                return Err(GraphError::bad_request(format!(
                    "Property '{credentials}' cannot be set on this request; use addPassword / addKey."
                )));
            }
        }
    }
    Ok(body)
}

/// PATCH semantics: complex properties merge field by field, everything
/// else (collections included) is replaced.
pub(crate) fn merge(doc: &mut Map<String, Value>, patch: &Map<String, Value>) {
    for (key, value) in patch {
        match (doc.get_mut(key), value) {
            (Some(Value::Object(existing)), Value::Object(given)) => merge(existing, given),
            _ => {
                doc.insert(key.clone(), value.clone());
            }
        }
    }
}

/// The permission ids a resource app exposes in this tenant, from its
/// service principal or, failing that, from its application object.
fn exposed(tenant: &Tenant, app_id: &str) -> Option<Exposed> {
    let ids = |value: Option<&Value>| {
        value
            .and_then(Value::as_array)
            .map(|items| {
                items
                    .iter()
                    .filter_map(|i| i.get("id").and_then(Value::as_str))
                    .map(str::to_ascii_lowercase)
                    .collect()
            })
            .unwrap_or_default()
    };
    let same = |stored: &&Stored| {
        stored
            .str("appId")
            .is_some_and(|a| a.eq_ignore_ascii_case(app_id))
    };
    if let Some(sp) = tenant.service_principals.iter().find(same) {
        return Some(Exposed {
            scopes: ids(sp.doc.get("oauth2PermissionScopes")),
            roles: ids(sp.doc.get("appRoles")),
        });
    }
    tenant.applications.iter().find(same).map(|app| Exposed {
        scopes: ids(app
            .doc
            .get("api")
            .and_then(|a| a.get("oauth2PermissionScopes"))),
        roles: ids(app.doc.get("appRoles")),
    })
}
