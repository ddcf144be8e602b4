//! What the command line prints: plans, presets, progress lines and the result.

use super::handoff::{Handoff, PlatformOutcome};
use super::session::SecretDestination;
use crate::graph::models::format_graph_time;
use crate::plan::{Plan, manifest_required_resource_access};
use crate::profile::Profile;
use crate::run::{ConsentStatus, Outcome};
use serde::Serialize;
use serde_json::{Value, json};
use time::OffsetDateTime;

/// The placeholders `appreg plan` shows for names made at run time.
const PLAN_UNIQUE_NAME: &str = "appreg-{generated}";

pub fn plan(plan: &Plan, warnings: &[String], as_json: bool, now: OffsetDateTime) -> String {
    let secret_name = format!("{} ({{generated}})", plan.spec.secret.description);
    let requests = plan.requests(PLAN_UNIQUE_NAME, &secret_name, now);
    let manifest = json!({ "requiredResourceAccess": manifest_required_resource_access(plan) });
    if as_json {
        let requests: Vec<Value> = requests.iter().map(request_json).collect();
        let doc = json!({
            "summary": summary(plan, now),
            "warnings": warnings,
            "requests": requests,
            "manifest": manifest,
        });
        return pretty(&doc);
    }
    let mut out = String::new();
    out.push_str(&describe(plan, now));
    for warning in warnings {
        out.push_str(&format!("! {warning}\n"));
    }
    out.push_str("\nGraph requests, in order (ids in {braces} are known only at run time):\n\n");
    for request in &requests {
        out.push_str(&request.to_string());
        out.push('\n');
    }
    out.push_str("Manifest (requiredResourceAccess):\n");
    out.push_str(&pretty(&manifest));
    out
}

/// One Graph request as `--json` shows it.
pub fn request_json(r: &crate::plan::GraphRequest) -> Value {
    json!({
        "purpose": r.purpose,
        "method": r.method.to_string(),
        "path": r.path,
        "headers": r.headers.iter().map(|(k, v)| (k.to_string(), Value::String(v.clone()))).collect::<serde_json::Map<_, _>>(),
        "body": r.body,
    })
}

/// The plan in the portal's words.
pub fn describe(plan: &Plan, now: OffsetDateTime) -> String {
    let mut out = format!("Register \"{}\" ({})\n", plan.display_name, plan.profile_id);
    out.push_str(&format!(
        "  Supported account types: {}\n",
        plan.spec.audience.portal_label()
    ));
    if plan.spec.redirect_uris.is_empty() {
        out.push_str("  Redirect URIs (Web): none (add your own with --redirect-uri)\n");
    } else {
        out.push_str("  Redirect URIs (Web):\n");
    }
    for uri in &plan.spec.redirect_uris {
        out.push_str(&format!("    {uri}\n"));
    }
    if plan.spec.implicit_grant.access_tokens || plan.spec.implicit_grant.id_tokens {
        out.push_str(&format!(
            "  Implicit grant: access tokens {}, ID tokens {}\n",
            yes_no(plan.spec.implicit_grant.access_tokens),
            yes_no(plan.spec.implicit_grant.id_tokens)
        ));
    }
    let settings = plan.spec.settings.summary();
    if !settings.is_empty() {
        out.push_str("  Optional settings:\n");
        for (label, value) in settings {
            out.push_str(&format!("    {label}: {value}\n"));
        }
    }
    out.push_str("  API permissions (delegated unless marked):\n");
    for (app_id, name) in plan.spec.resources() {
        let names: Vec<String> = plan
            .spec
            .permissions_of(app_id)
            .map(|p| {
                let mut n = p.name.clone();
                if p.kind == crate::catalog::PermissionKind::Application {
                    n.push_str(" [application]");
                }
                if p.admin_consent {
                    n.push_str(" [admin consent]");
                }
                n
            })
            .collect();
        out.push_str(&format!("    {name}: {}\n", names.join(", ")));
    }
    out.push_str(&format!(
        "  Client secret: \"{}\", expires {}\n",
        plan.spec.secret.description,
        format_graph_time(plan.spec.secret.lifetime.end(now))
    ));
    out.push_str(&format!(
        "  Admin consent: {}\n",
        if plan.spec.admin_consent {
            "grant for the organisation"
        } else {
            "not granted"
        }
    ));
    out
}

fn summary(plan: &Plan, now: OffsetDateTime) -> Value {
    json!({
        "profile": plan.profile_id,
        "tenant": plan.tenant,
        "displayName": plan.display_name,
        "signInAudience": plan.spec.audience.as_graph(),
        "redirectUris": plan.spec.redirect_uris,
        "implicitGrant": { "accessTokens": plan.spec.implicit_grant.access_tokens, "idTokens": plan.spec.implicit_grant.id_tokens },
        "permissions": permissions(plan),
        "secret": { "description": plan.spec.secret.description, "endDateTime": format_graph_time(plan.spec.secret.lifetime.end(now)) },
        "adminConsent": plan.spec.admin_consent,
        "tags": plan.tags,
    })
}

fn permissions(plan: &Plan) -> Vec<Value> {
    plan.spec
        .permissions
        .iter()
        .map(|p| {
            json!({
                "resource": p.resource_name,
                "resourceAppId": p.resource_app_id,
                "name": p.permission.name,
                "id": p.permission.id,
                "type": p.permission.kind.as_graph(),
                "adminConsentRequired": p.permission.admin_consent,
            })
        })
        .collect()
}

pub fn profiles(all: &[Profile], as_json: bool) -> String {
    if as_json {
        let list: Vec<Value> = all
            .iter()
            .map(|p| {
                json!({
                    "id": p.id,
                    "name": p.name,
                    "summary": p.summary,
                    "deprecated": p.deprecated,
                    "audience": p.audience.as_graph(),
                    "regions": p.regions.iter().map(|r| json!({"id": r.id, "label": r.label, "redirectUri": r.redirect_uri, "default": r.default})).collect::<Vec<_>>(),
                    "selfHosted": p.self_hosted.as_ref().map(|s| s.redirect_template.clone()),
                    "capabilities": p.capabilities.iter().map(|c| json!({"id": c.id, "label": c.label, "scopes": c.scopes, "default": c.default, "note": c.note()})).collect::<Vec<_>>(),
                    "secretMonths": p.secret_months,
                })
            })
            .collect();
        return pretty(&Value::Array(list));
    }
    let mut out = String::new();
    for p in all {
        out.push_str(&format!("{:<14} {}\n", p.id, p.summary));
        if let Some(deprecated) = &p.deprecated {
            out.push_str(&format!("{:<14} deprecated: {deprecated}\n", ""));
        }
        let regions: Vec<String> = p
            .regions
            .iter()
            .map(|r| format!("{} ({})", r.id, r.redirect_uri))
            .collect();
        if !regions.is_empty() {
            out.push_str(&format!("{:<14} regions: {}\n", "", regions.join(", ")));
        }
        if let Some(sh) = &p.self_hosted {
            out.push_str(&format!(
                "{:<14} self-hosted: {}\n",
                "", sh.redirect_template
            ));
        }
        if !p.capabilities.is_empty() {
            let caps: Vec<&str> = p.capabilities.iter().map(|c| c.id.as_str()).collect();
            out.push_str(&format!("{:<14} capabilities: {}\n", "", caps.join(", ")));
        }
        for capability in &p.capabilities {
            if let Some(note) = capability.note() {
                out.push_str(&format!("{:<14} {}: {note}\n", "", capability.id));
            }
        }
    }
    out
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SecretOut<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    value: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    written_to: Option<String>,
    key_id: &'a str,
    hint: Option<&'a str>,
    end_date_time: &'a str,
    description: &'a str,
    /// The app signed in with it (client credentials).
    verified: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    verify_note: Option<String>,
}

/// The result document. It holds the secret's value unless it went to a file; the caller
/// writes it once and drops it.
pub(super) fn result_json(
    plan: &Plan,
    outcome: &Outcome,
    destination: SecretDestination<'_>,
    next_step: &str,
    handoff: &Handoff<'_>,
) -> zeroize::Zeroizing<String> {
    let (verified, verify_note) = handoff.verified_json();
    let secret = SecretOut {
        value: destination
            .shows_value()
            .then(|| outcome.secret.value.expose()),
        written_to: destination.file().map(|p| p.display().to_string()),
        verified,
        verify_note,
        key_id: &outcome.secret.key_id,
        hint: outcome.secret.hint.as_deref(),
        end_date_time: &outcome.secret.end_date_time,
        description: &outcome.secret.display_name,
    };
    let consent: Vec<Value> = outcome
        .consent
        .iter()
        .map(|c| {
            let (status, reason) = match &c.status {
                ConsentStatus::Granted => ("granted", None),
                ConsentStatus::Skipped(r) => ("skipped", Some(r.as_str())),
                ConsentStatus::Failed(r) => ("failed", Some(r.as_str())),
            };
            json!({"resource": c.resource, "scope": c.scope, "status": status, "reason": reason})
        })
        .collect();
    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Doc<'a> {
        tenant_id: &'a str,
        app_id: &'a str,
        object_id: &'a str,
        display_name: &'a str,
        sign_in_audience: &'a str,
        redirect_uris: &'a [String],
        permissions: Vec<Value>,
        service_principal_id: &'a str,
        admin_consent: Vec<Value>,
        secret: SecretOut<'a>,
        #[serde(skip_serializing_if = "Vec::is_empty")]
        optional_settings: Vec<Value>,
        #[serde(skip_serializing_if = "Value::is_null")]
        platform: Value,
        next_step: &'a str,
    }
    let doc = Doc {
        tenant_id: &outcome.tenant_id,
        app_id: &outcome.app_id,
        object_id: &outcome.object_id,
        display_name: &outcome.display_name,
        sign_in_audience: plan.spec.audience.as_graph(),
        redirect_uris: &plan.spec.redirect_uris,
        permissions: permissions(plan),
        service_principal_id: &outcome.service_principal_id,
        admin_consent: consent,
        secret,
        optional_settings: optional_settings(plan, outcome),
        platform: handoff.platform_json(),
        next_step,
    };
    zeroize::Zeroizing::new(serde_json::to_string_pretty(&doc).unwrap_or_default())
}

/// The same result for people.
pub(super) fn result_text(
    plan: &Plan,
    outcome: &Outcome,
    destination: SecretDestination<'_>,
    next_step: &str,
    handoff: &Handoff<'_>,
) -> zeroize::Zeroizing<String> {
    let mut out = format!("Registered \"{}\"\n", outcome.display_name);
    out.push_str(&format!("  Application (client) ID: {}\n", outcome.app_id));
    out.push_str(&format!(
        "  Directory (tenant) ID:   {}\n",
        outcome.tenant_id
    ));
    out.push_str(&format!(
        "  Object ID:               {}\n",
        outcome.object_id
    ));
    out.push_str(&format!(
        "  Redirect URIs:           {}\n",
        plan.spec.redirect_uris.join(", ")
    ));
    for c in &outcome.consent {
        let status = match &c.status {
            ConsentStatus::Granted => "granted".to_string(),
            ConsentStatus::Skipped(r) => format!("skipped: {r}"),
            ConsentStatus::Failed(r) => format!("failed: {r}"),
        };
        out.push_str(&format!("  Admin consent, {}: {status}\n", c.resource));
    }
    for setting in optional_settings(plan, outcome) {
        let name = setting["setting"].as_str().unwrap_or_default();
        let status = match setting["reason"].as_str() {
            Some(why) => format!("failed: {why}"),
            None => setting["value"].as_str().unwrap_or("set").to_owned(),
        };
        out.push_str(&format!("  {name}: {status}\n"));
    }
    out.push_str(&format!(
        "  Secret expires:          {}\n",
        outcome.secret.end_date_time
    ));
    match destination {
        SecretDestination::File(path) => out.push_str(&format!(
            "  Client secret:           written to {}\n",
            path.display()
        )),
        SecretDestination::Stdout => out.push_str(&format!(
            "  Client secret:           {}\n",
            outcome.secret.value.expose()
        )),
        SecretDestination::Platform { .. } | SecretDestination::Nowhere => out.push_str(&format!(
            "  Client secret:           not shown: the platform holds it (key id {})\n",
            outcome.secret.key_id
        )),
    }
    out.push_str(&handoff.text());
    if let PlatformOutcome::NotAsked { api } = handoff.platform {
        out.push_str(&format!("\nNext: {next_step}\n"));
        if let Some(kind) = api {
            out.push_str(&format!(
                "  Or let appreg do it: run with --connect and the {} in {}.\n",
                kind.key_name(),
                kind.key_env()
            ));
        }
    }
    zeroize::Zeroizing::new(out)
}

/// Each optional setting and whether it is set: inline ones with the app, the logo and the
/// publisher by their own request's result.
fn optional_settings(plan: &Plan, outcome: &Outcome) -> Vec<Value> {
    let mut done: Vec<Value> = plan
        .spec
        .settings
        .summary()
        .into_iter()
        .filter(|(label, _)| !matches!(*label, "Logo" | "Publisher verification"))
        .map(|(label, value)| json!({"setting": label, "value": value, "status": "set"}))
        .collect();
    done.extend(outcome.settings.iter().map(|result| match &result.failure {
        None => json!({"setting": result.what, "status": "set"}),
        Some(why) => json!({"setting": result.what, "status": "failed", "reason": why}),
    }));
    done
}

fn yes_no(on: bool) -> &'static str {
    if on { "on" } else { "off" }
}

fn pretty(value: &Value) -> String {
    serde_json::to_string_pretty(value).unwrap_or_default() + "\n"
}

/// The platform's next step with the ids filled in and the secret left as a placeholder.
pub fn next_step(profile: &Profile, plan: &Plan, outcome: &Outcome) -> String {
    let scopes: Vec<&str> = plan
        .spec
        .permissions
        .iter()
        .map(|p| p.permission.name.as_str())
        .collect();
    profile
        .next_step
        .replace("{client_id}", &outcome.app_id)
        .replace("{tenant_id}", &outcome.tenant_id)
        .replace("{scopes}", &scopes.join(","))
        .replace("{client_secret}", "<client secret>")
}

/// Writes a whole document (an export, a completion script, a man page) to stdout; a closed
/// pipe is an error with `what` in it, not a panic.
pub(super) fn write_stdout(bytes: &[u8], what: &str) -> Result<(), super::HeadlessError> {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    stdout
        .write_all(bytes)
        .and_then(|()| stdout.flush())
        .map_err(|source| super::HeadlessError::Io {
            what: format!("cannot write {what} to stdout"),
            source,
        })
}
