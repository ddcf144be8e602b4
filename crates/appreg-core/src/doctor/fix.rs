//! From findings to the exact Graph requests that mend them: one PATCH of the app with every
//! property change merged, the service principal, then consent. Pure, like the plan's requests.

use super::audit::platform_uris;
use super::context::AuditContext;
use super::finding::{Finding, PermissionRef, Platform, Remedy};
use crate::graph::models::{
    Application, InformationalUrls, RequiredResourceAccess, ResourceAccess,
};
use crate::plan::settings::{HIDE_APP_TAG, OptionalClaim, OptionalSettings};
use crate::plan::{Ref, ResourceRef, Step};
use serde_json::{Map, Value, json};

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FixOptions {
    /// Also apply remedies that remove something (extra redirect URIs, retired permissions).
    pub remove_extra: bool,
}

/// The remedies `fix_plan` applies with these options: the others need `--remove-extra`.
pub fn applies(remedy: &Remedy, options: FixOptions) -> bool {
    options.remove_extra || !remedy.removes()
}

/// The steps that mend the findings: one PATCH of the app with every property change
/// merged, the service principal, then consent. A service principal the fix creates is
/// [`Ref::ServicePrincipal`] until it exists.
pub fn fix_plan(
    app: &Application,
    context: &AuditContext,
    findings: &[Finding],
    options: FixOptions,
) -> Vec<Step> {
    let remedies: Vec<&Remedy> = findings
        .iter()
        .filter_map(|f| f.remedy.as_ref())
        .filter(|r| applies(r, options))
        .collect();
    let mut steps = Vec::new();
    let mut draft = Draft::of(app);
    for remedy in &remedies {
        draft.apply(remedy);
    }
    if let Some(body) = draft.patch_body(app) {
        steps.push(Step::PatchApp {
            app: Ref::Known(app.id.clone()),
            body,
        });
    }
    let client_sp = match &context.service_principal {
        Some(sp) => Ref::Known(sp.id.clone()),
        None => Ref::ServicePrincipal,
    };
    if remedies
        .iter()
        .any(|r| matches!(r, Remedy::CreateServicePrincipal))
    {
        steps.push(Step::CreateServicePrincipal {
            app_id: Ref::Known(app.app_id.clone()),
            hide: context.wants.settings.hide_app,
        });
    }
    if let Some(sp) = &context.service_principal
        && remedies
            .iter()
            .any(|r| matches!(r, Remedy::EnableServicePrincipal))
    {
        steps.push(Step::EnableServicePrincipal {
            principal: Ref::Known(sp.id.clone()),
        });
    }
    steps.extend(settings_steps(app, context, &remedies));
    for remedy in &remedies {
        if let Remedy::GrantAdminConsent {
            resource_app_id,
            resource_name,
            scopes,
            roles,
        } = remedy
            && let Some(resource) = context.resource_principal(resource_app_id)
        {
            let target = ResourceRef {
                name: resource_name.clone(),
                principal: Ref::Known(resource.id.clone()),
            };
            steps.extend(consent_steps(context, &client_sp, &target, scopes, roles));
        }
    }
    steps
}

/// The settings that are requests of their own: the service principal's tags, the logo, the
/// publisher.
fn settings_steps(app: &Application, context: &AuditContext, remedies: &[&Remedy]) -> Vec<Step> {
    let mut steps = Vec::new();
    let app_ref = || Ref::Known(app.id.clone());
    for remedy in remedies {
        match remedy {
            Remedy::HideApp => {
                if let Some(sp) = &context.service_principal {
                    let mut tags = sp.tags.clone();
                    tags.push(HIDE_APP_TAG.to_owned());
                    steps.push(Step::TagServicePrincipal {
                        principal: Ref::Known(sp.id.clone()),
                        tags,
                    });
                }
            }
            Remedy::UploadLogo => {
                if let Some(logo) = &context.wants.settings.logo {
                    steps.push(Step::UploadLogo {
                        app: app_ref(),
                        logo: logo.clone(),
                    });
                }
            }
            Remedy::VerifyPublisher { publisher_id } => steps.push(Step::SetVerifiedPublisher {
                app: app_ref(),
                publisher_id: publisher_id.clone(),
            }),
            _ => {}
        }
    }
    steps
}

fn consent_steps(
    context: &AuditContext,
    client_sp: &Ref,
    resource: &ResourceRef,
    scopes: &[String],
    roles: &[PermissionRef],
) -> Vec<Step> {
    let scope = scopes.join(" ");
    let existing = match &resource.principal {
        Ref::Known(id) => context.admin_grant(id),
        _ => None,
    };
    let grant = match existing {
        Some(grant) => Step::extending(grant, &resource.name, &scope),
        None => (!scopes.is_empty()).then(|| Step::Grant {
            client: client_sp.clone(),
            resource: resource.clone(),
            scope,
        }),
    };
    let roles = roles.iter().map(|role| Step::AssignRole {
        client: client_sp.clone(),
        resource: resource.clone(),
        role_id: role.id.clone(),
        role_name: role.name.clone(),
    });
    grant.into_iter().chain(roles).collect()
}

/// The app's settings as the fix will leave them.
struct Draft {
    audience: Option<String>,
    token_version: Option<u8>,
    web: Vec<String>,
    spa: Vec<String>,
    public_client: Vec<String>,
    implicit: (bool, bool),
    public_client_flows: Option<bool>,
    permissions: Vec<RequiredResourceAccess>,
    optional_claims: Option<Value>,
    homepage_url: Option<String>,
    info: InformationalUrls,
}

impl Draft {
    fn of(app: &Application) -> Self {
        let implicit = app
            .web
            .as_ref()
            .and_then(|w| w.implicit_grant_settings)
            .unwrap_or_default();
        Self {
            audience: app.sign_in_audience.clone(),
            token_version: app
                .api
                .as_ref()
                .and_then(|a| a.requested_access_token_version),
            web: platform_uris(app, Platform::Web),
            spa: platform_uris(app, Platform::Spa),
            public_client: platform_uris(app, Platform::PublicClient),
            implicit: (
                implicit.enable_access_token_issuance.unwrap_or(false),
                implicit.enable_id_token_issuance.unwrap_or(false),
            ),
            public_client_flows: app.is_fallback_public_client,
            permissions: app.required_resource_access.clone(),
            optional_claims: app.optional_claims.clone().filter(|c| !c.is_null()),
            homepage_url: app.web.as_ref().and_then(|w| w.home_page_url.clone()),
            info: app.info.clone().unwrap_or_default(),
        }
    }

    fn uris(&mut self, platform: Platform) -> &mut Vec<String> {
        match platform {
            Platform::Web => &mut self.web,
            Platform::Spa => &mut self.spa,
            Platform::PublicClient => &mut self.public_client,
        }
    }

    fn apply(&mut self, remedy: &Remedy) {
        match remedy {
            Remedy::SetAudience { audience } => {
                self.audience = Some(audience.as_graph().to_string());
                if audience.includes_personal_accounts() {
                    self.token_version = Some(2);
                }
            }
            Remedy::SetTokenVersion2 => self.token_version = Some(2),
            Remedy::AddWebRedirectUris { uris } => {
                for uri in uris {
                    add_once(&mut self.web, uri);
                }
            }
            Remedy::MoveToWeb { uri, from } => {
                self.uris(*from).retain(|u| u != uri);
                add_once(&mut self.web, uri);
            }
            Remedy::RemoveRedirectUri { uri, platform } => {
                self.uris(*platform).retain(|u| u != uri)
            }
            Remedy::EnableImplicitGrant {
                access_tokens,
                id_tokens,
            }
            | Remedy::DisableImplicitGrant {
                access_tokens,
                id_tokens,
            } => self.implicit = (*access_tokens, *id_tokens),
            Remedy::DisablePublicClientFlows => self.public_client_flows = Some(false),
            Remedy::AddPermissions { permissions } => {
                for p in permissions {
                    self.add_permission(p);
                }
            }
            Remedy::RemovePermissions { permissions } => {
                for p in permissions {
                    self.remove_permission(p);
                }
            }
            Remedy::AddOptionalClaims { claims } => self.add_claims(claims),
            Remedy::SetBranding {
                homepage_url,
                privacy_url,
                terms_url,
            } => {
                if homepage_url.is_some() {
                    self.homepage_url = homepage_url.clone();
                }
                if privacy_url.is_some() {
                    self.info.privacy_statement_url = privacy_url.clone();
                }
                if terms_url.is_some() {
                    self.info.terms_of_service_url = terms_url.clone();
                }
            }
            Remedy::CreateServicePrincipal
            | Remedy::EnableServicePrincipal
            | Remedy::HideApp
            | Remedy::UploadLogo
            | Remedy::VerifyPublisher { .. }
            | Remedy::GrantAdminConsent { .. } => {}
        }
    }

    /// The claims (`id:email`) added to the app's own, each kept with its settings.
    fn add_claims(&mut self, claims: &[String]) {
        let mut all = self
            .optional_claims
            .clone()
            .unwrap_or_else(|| OptionalSettings::optional_claims_body(&[]));
        for claim in claims
            .iter()
            .filter_map(|c| c.parse::<OptionalClaim>().ok())
        {
            let key = claim.token.graph_key();
            if !all[key].is_array() {
                all[key] = json!([]);
            }
            if let Some(list) = all[key].as_array_mut() {
                list.push(json!({"name": claim.name, "source": null, "essential": false, "additionalProperties": []}));
            }
        }
        self.optional_claims = Some(all);
    }

    fn add_permission(&mut self, p: &PermissionRef) {
        let access = ResourceAccess {
            id: p.id.clone(),
            kind: p.kind.clone(),
        };
        match self
            .permissions
            .iter_mut()
            .find(|r| r.resource_app_id.eq_ignore_ascii_case(&p.resource_app_id))
        {
            Some(resource) if resource.resource_access.iter().any(|a| a.id == p.id) => {}
            Some(resource) => resource.resource_access.push(access),
            None => self.permissions.push(RequiredResourceAccess {
                resource_app_id: p.resource_app_id.clone(),
                resource_access: vec![access],
            }),
        }
    }

    fn remove_permission(&mut self, p: &PermissionRef) {
        for resource in &mut self.permissions {
            if resource
                .resource_app_id
                .eq_ignore_ascii_case(&p.resource_app_id)
            {
                // The same id may be listed under both types; only the named one goes.
                resource
                    .resource_access
                    .retain(|a| !(a.id.eq_ignore_ascii_case(&p.id) && a.kind == p.kind));
            }
        }
        self.permissions.retain(|r| !r.resource_access.is_empty());
    }

    /// The properties that differ from the app, in Graph's shape; `None` when nothing does.
    fn patch_body(&self, app: &Application) -> Option<Value> {
        let before = Draft::of(app);
        let mut body = Map::new();
        if self.audience != before.audience
            && let Some(audience) = &self.audience
        {
            body.insert("signInAudience".into(), json!(audience));
        }
        if self.token_version != before.token_version {
            body.insert(
                "api".into(),
                json!({ "requestedAccessTokenVersion": self.token_version }),
            );
        }
        if self.web != before.web
            || self.implicit != before.implicit
            || self.homepage_url != before.homepage_url
        {
            let mut web = json!({
                "redirectUris": self.web,
                "implicitGrantSettings": {
                    "enableAccessTokenIssuance": self.implicit.0,
                    "enableIdTokenIssuance": self.implicit.1,
                }
            });
            if let Some(url) = &self.homepage_url {
                web["homePageUrl"] = json!(url);
            }
            // Sent again as it is, in case Graph replaces `web` whole rather than merging.
            if let Some(url) = app.web.as_ref().and_then(|w| w.logout_url.as_ref()) {
                web["logoutUrl"] = json!(url);
            }
            body.insert("web".into(), web);
        }
        if self.optional_claims != before.optional_claims
            && let Some(claims) = &self.optional_claims
        {
            body.insert("optionalClaims".into(), claims.clone());
        }
        if self.info != before.info {
            // Every informational URL, the unchanged ones as they were.
            let info = &self.info;
            body.insert(
                "info".into(),
                json!({
                    "privacyStatementUrl": info.privacy_statement_url,
                    "termsOfServiceUrl": info.terms_of_service_url,
                    "marketingUrl": info.marketing_url,
                    "supportUrl": info.support_url,
                }),
            );
        }
        if self.spa != before.spa {
            body.insert("spa".into(), json!({ "redirectUris": self.spa }));
        }
        if self.public_client != before.public_client {
            body.insert(
                "publicClient".into(),
                json!({ "redirectUris": self.public_client }),
            );
        }
        if self.public_client_flows != before.public_client_flows {
            body.insert(
                "isFallbackPublicClient".into(),
                json!(self.public_client_flows),
            );
        }
        if self.permissions != before.permissions {
            body.insert(
                "requiredResourceAccess".into(),
                Value::Array(
                    self.permissions
                        .iter()
                        .map(|r| {
                            json!({
                                "resourceAppId": r.resource_app_id,
                                "resourceAccess": r.resource_access.iter().map(|a| json!({"id": a.id, "type": a.kind})).collect::<Vec<_>>(),
                            })
                        })
                        .collect(),
                ),
            );
        }
        (!body.is_empty()).then_some(Value::Object(body))
    }
}

fn add_once(list: &mut Vec<String>, uri: &str) {
    if !list.iter().any(|u| u == uri) {
        list.push(uri.to_string());
    }
}
