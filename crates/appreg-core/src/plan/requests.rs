//! The bodies of the Graph requests a plan implies, and what `appreg plan` prints: the reads,
//! then every write step, with placeholders for ids that only exist once the app is created.

use super::step::{GraphRequest, Ref, ResourceRef, Step};
use super::{Plan, Spec};
use crate::graph::models::PermissionKind;
use crate::graph::{Method, paths::resource_sp_path};
use serde_json::{Value, json};
use time::OffsetDateTime;

/// Every property of the app, inline, so one request creates it complete.
pub fn application_body(plan: &Plan) -> Value {
    let mut body = json!({
        "displayName": plan.display_name,
        "signInAudience": plan.spec.audience.as_graph(),
        "tags": plan.tags,
        "web": {
            "redirectUris": plan.spec.redirect_uris,
            "implicitGrantSettings": {
                "enableAccessTokenIssuance": plan.spec.implicit_grant.access_tokens,
                "enableIdTokenIssuance": plan.spec.implicit_grant.id_tokens,
            }
        },
        "requiredResourceAccess": manifest_required_resource_access(plan),
    });
    if plan.spec.audience.includes_personal_accounts() {
        body["api"] = json!({ "requestedAccessTokenVersion": 2 });
    }
    plan.spec.settings.add_to_application(&mut body);
    body
}

/// The `requiredResourceAccess` block, as the portal's manifest editor shows it.
pub fn manifest_required_resource_access(plan: &Plan) -> Value {
    Value::Array(
        plan.spec
            .resources()
            .into_iter()
            .map(|(app_id, _)| {
                let access: Vec<Value> = plan
                    .spec
                    .permissions_of(app_id)
                    .map(|p| json!({ "id": p.id, "type": p.kind.as_graph() }))
                    .collect();
                json!({ "resourceAppId": app_id, "resourceAccess": access })
            })
            .collect(),
    )
}

impl Plan {
    /// The writes `create` makes, in order, with the ids the run makes as placeholders.
    pub fn steps(
        &self,
        unique_name: &str,
        secret_display_name: &str,
        now: OffsetDateTime,
    ) -> Vec<Step> {
        let mut steps = vec![
            Step::UpsertApp {
                unique_name: unique_name.to_owned(),
                body: application_body(self),
            },
            Step::AddSecret {
                app: Ref::App,
                display_name: secret_display_name.to_owned(),
                end: self.spec.secret.lifetime.end(now),
            },
            Step::CreateServicePrincipal {
                app_id: Ref::AppId,
                hide: self.spec.settings.hide_app,
            },
        ];
        steps.extend(self.spec.settings_steps(&Ref::App));
        if self.spec.admin_consent {
            for (app_id, name) in self.spec.resources() {
                let resource = ResourceRef {
                    name: name.to_owned(),
                    principal: Ref::ResourcePrincipal(name.to_owned()),
                };
                steps.extend(
                    self.spec
                        .consent_steps(app_id, &Ref::ServicePrincipal, &resource),
                );
            }
        }
        steps
    }

    /// What `appreg plan` lists: the reads, then every write; `{…}` marks ids known only at
    /// run time.
    pub fn requests(
        &self,
        unique_name: &str,
        secret_display_name: &str,
        now: OffsetDateTime,
    ) -> Vec<GraphRequest> {
        let mut requests = vec![GraphRequest {
            method: Method::Get,
            path: "/organization?$select=id,displayName,verifiedDomains".into(),
            headers: vec![],
            body: None,
            purpose: "Read the tenant".into(),
        }];
        if self.spec.admin_consent {
            for (app_id, name) in self.spec.resources() {
                requests.push(GraphRequest {
                    method: Method::Get,
                    path: resource_sp_path(app_id),
                    headers: vec![],
                    body: None,
                    purpose: format!("Read {name}'s permissions in this tenant"),
                });
            }
        }
        requests.extend(
            self.steps(unique_name, secret_display_name, now)
                .iter()
                .map(Step::request),
        );
        requests
    }
}

impl Spec {
    /// Admin consent on one resource API (`app_id`): a grant of the delegated permissions,
    /// then an assignment for each application permission.
    pub fn consent_steps(&self, app_id: &str, client: &Ref, resource: &ResourceRef) -> Vec<Step> {
        let scope = self.delegated_scopes(app_id);
        let grant = (!scope.is_empty()).then(|| Step::Grant {
            client: client.clone(),
            resource: resource.clone(),
            scope,
        });
        let roles = self
            .permissions_of(app_id)
            .filter(|p| p.kind == PermissionKind::Application)
            .map(|role| Step::AssignRole {
                client: client.clone(),
                resource: resource.clone(),
                role_id: role.id.clone(),
                role_name: role.name.clone(),
            });
        grant.into_iter().chain(roles).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::{Catalog, EXCHANGE_ONLINE, MICROSOFT_GRAPH};
    use crate::plan::{Choices, from_profile};
    use crate::profile;
    use time::macros::datetime;

    fn plan(profile_id: &str, admin_consent: bool) -> Plan {
        let choices = Choices {
            display_name: "Acme Mail".into(),
            regions: vec!["us".into(), "eu".into()],
            admin_consent,
            ..Choices::default()
        };
        from_profile(
            &profile::find(profile_id).unwrap(),
            &Catalog::offline(),
            &choices,
        )
        .unwrap()
        .0
    }

    #[test]
    fn nylas_v3_application_body_field_by_field() {
        let body = application_body(&plan("nylas-v3", false));
        assert_eq!(body["displayName"], "Acme Mail");
        assert_eq!(body["signInAudience"], "AzureADandPersonalMicrosoftAccount");
        assert_eq!(body["api"]["requestedAccessTokenVersion"], 2);
        assert_eq!(
            body["web"]["redirectUris"],
            json!([
                "https://api.us.nylas.com/v3/connect/callback",
                "https://api.eu.nylas.com/v3/connect/callback"
            ])
        );
        assert_eq!(
            body["web"]["implicitGrantSettings"]["enableAccessTokenIssuance"],
            false
        );
        assert_eq!(
            body["web"]["implicitGrantSettings"]["enableIdTokenIssuance"],
            false
        );
        let rra = body["requiredResourceAccess"].as_array().unwrap();
        assert_eq!(rra.len(), 1);
        assert_eq!(rra[0]["resourceAppId"], MICROSOFT_GRAPH);
        assert_eq!(
            rra[0]["resourceAccess"][0],
            json!({"id": "7427e0e9-2fba-42fe-b0c0-848c9e6a8182", "type": "Scope"})
        );
        assert_eq!(body["tags"], json!(["appreg", "appreg-profile:nylas-v3"]));
    }

    #[test]
    fn nylas_v2_body_has_exchange_activesync_only_and_no_token_version() {
        let body = application_body(&plan("nylas-v2", false));
        assert_eq!(body["signInAudience"], "AzureADMultipleOrgs");
        assert!(body.get("api").is_none());
        let rra = body["requiredResourceAccess"].as_array().unwrap();
        assert_eq!(rra[1]["resourceAppId"], EXCHANGE_ONLINE);
        assert_eq!(
            rra[1]["resourceAccess"],
            json!([{"id": "266d2589-20b5-4f91-9a03-89247d1be8da", "type": "Scope"}]),
            "EAS only: EWS is a capability, off by default"
        );
        assert_eq!(
            body["web"]["redirectUris"][1],
            "https://ireland.api.nylas.com/oauth/callback"
        );
    }

    #[test]
    fn request_list_with_and_without_admin_consent() {
        let now = datetime!(2026-11-22 09:00:00.123 UTC);
        let without = plan("nylas-streams", false).requests("appreg-x", "appreg · ab12", now);
        let lines: Vec<String> = without
            .iter()
            .map(|r| format!("{} {}", r.method, r.path))
            .collect();
        assert_eq!(
            lines,
            [
                "GET /organization?$select=id,displayName,verifiedDomains",
                "PATCH /applications(uniqueName='appreg-x')",
                "POST /applications/{app.id}/addPassword",
                "POST /servicePrincipals",
            ]
        );
        assert_eq!(
            without[1].headers,
            [("Prefer", "create-if-missing".to_string())]
        );
        assert_eq!(
            without[2].body.as_ref().unwrap()["passwordCredential"],
            json!({"displayName": "appreg · ab12", "endDateTime": "2028-11-22T09:00:00Z"})
        );
        let with = plan("nylas-streams", true).requests("appreg-x", "d", now);
        let grants: Vec<&GraphRequest> = with
            .iter()
            .filter(|r| r.path == "/oauth2PermissionGrants")
            .collect();
        assert_eq!(grants.len(), 2);
        assert_eq!(
            grants[0].body.as_ref().unwrap()["scope"],
            "offline_access openid profile User.Read Mail.Read"
        );
        assert_eq!(
            grants[0].body.as_ref().unwrap()["consentType"],
            "AllPrincipals"
        );
        assert!(grants[0].body.as_ref().unwrap()["principalId"].is_null());
    }
}
