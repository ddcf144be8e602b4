//! Turning a platform preset plus the user's choices into a [`Plan`].

use super::{
    ImplicitGrant, OptionalSettings, Plan, PlannedPermission, SecretLifetime, SecretPlan, Spec,
};
use crate::audience::Audience;
use crate::catalog::{Catalog, CatalogError, PermissionKind};
use crate::profile::{ChoiceError, Profile};

/// What the user chose on top of the preset. Empty or `None` fields take the preset's defaults.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Choices {
    pub display_name: String,
    pub tenant: Option<String>,
    pub audience: Option<Audience>,
    /// Region ids of the preset (`us`, `eu`, `cloud`); empty = the preset's default regions.
    pub regions: Vec<String>,
    /// Base URL of a self-hosted server (Nango), replacing the cloud region.
    pub self_hosted_url: Option<String>,
    pub extra_redirect_uris: Vec<String>,
    /// Capability ids; `None` = the preset's defaults.
    pub capabilities: Option<Vec<String>>,
    /// `[resource:]Name` for delegated, `[resource:]role:Name` for application permissions.
    pub extra_permissions: Vec<String>,
    pub removed_permissions: Vec<String>,
    pub implicit_grant: Option<ImplicitGrant>,
    pub secret_lifetime: Option<SecretLifetime>,
    pub secret_description: Option<String>,
    pub admin_consent: bool,
    pub tags: Vec<String>,
    /// Token configuration, visibility, branding, publisher.
    pub settings: OptionalSettings,
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PlanError {
    #[error(transparent)]
    Choice(#[from] ChoiceError),
    #[error("{profile} has no preset regions: give its redirect URIs with --redirect-uri")]
    NoRegions { profile: String },
    #[error("{profile} does not support the audience {audience}: choose {known}")]
    AudienceNotAllowed {
        profile: String,
        audience: Audience,
        known: String,
    },
    #[error(transparent)]
    Catalog(#[from] CatalogError),
}

/// The default secret description; the runner adds a per-attempt mark to it.
pub const DEFAULT_SECRET_DESCRIPTION: &str = "appreg";

/// Builds the plan and the warnings the user should see before running it.
pub fn from_profile(
    profile: &Profile,
    catalog: &Catalog,
    choices: &Choices,
) -> Result<(Plan, Vec<String>), PlanError> {
    let (spec, warnings) = Spec::build(profile, catalog, choices)?;
    let mut tags = vec![
        "appreg".to_string(),
        format!("appreg-profile:{}", profile.id),
    ];
    tags.extend(choices.tags.iter().map(|t| t.trim().to_string()));
    tags.dedup();
    let plan = Plan {
        profile_id: profile.id.clone(),
        tenant: choices.tenant.clone().filter(|t| !t.trim().is_empty()),
        display_name: choices.display_name.trim().to_string(),
        tags,
        spec,
    };
    Ok((plan, warnings))
}

impl Spec {
    /// What an app of this preset with these choices should be, and the warnings the user
    /// should see about it. The one set of rules `create` registers by and `doctor` audits by.
    pub fn build(
        profile: &Profile,
        catalog: &Catalog,
        choices: &Choices,
    ) -> Result<(Spec, Vec<String>), PlanError> {
        let audience = choices.audience.unwrap_or(profile.audience);
        if !profile.allowed_audiences.contains(&audience) {
            return Err(PlanError::AudienceNotAllowed {
                profile: profile.name.clone(),
                audience,
                known: join(profile.allowed_audiences.iter().map(|a| a.as_graph())),
            });
        }
        let mut warnings = profile.notices();
        if audience == Audience::AzureADMyOrg && profile.audience != Audience::AzureADMyOrg {
            warnings.push(format!(
            "{} recommends {}. A single-tenant app fails at a 'common' sign-in with AADSTS50194: use it only for your own organisation's mailboxes.",
            profile.name,
            profile.audience.portal_label()
        ));
        }

        let (mut redirect_uris, optional_redirect_uris) =
            redirect_uris(profile, choices, &mut warnings)?;
        // Kept as given, twice-listed ones included: validation names them.
        redirect_uris.extend(
            choices
                .extra_redirect_uris
                .iter()
                .map(|uri| uri.trim())
                .filter(|uri| !uri.is_empty())
                .map(str::to_string),
        );

        let mut permissions: Vec<PlannedPermission> = Vec::new();
        let mut add = |resource: &str, name: &str, kind: PermissionKind| -> Result<(), PlanError> {
            let (res, p) = catalog.permission(resource, name, kind)?;
            if !permissions
                .iter()
                .any(|x| x.resource_app_id == res.app_id && x.permission.id == p.id)
            {
                permissions.push(PlannedPermission {
                    resource_app_id: res.app_id.clone(),
                    resource_name: res.display_name.clone(),
                    permission: p.clone(),
                });
            }
            Ok(())
        };
        let capabilities = profile.chosen_capabilities(choices.capabilities.as_deref())?;
        for (resource, scope) in profile.delegated_scopes(&capabilities) {
            add(resource, scope, PermissionKind::Delegated)?;
        }
        for spec in &choices.extra_permissions {
            let (resource, name, kind) = parse_permission_spec(spec);
            add(resource, name, kind)?;
        }
        for spec in &choices.removed_permissions {
            let (resource, name, kind) = parse_permission_spec(spec);
            let (res, p) = catalog.permission(resource, name, kind)?;
            permissions.retain(|x| !(x.resource_app_id == res.app_id && x.permission.id == p.id));
        }
        if let Some(warning) = ews_warning(profile, &permissions) {
            warnings.push(warning);
        }
        for p in permissions.iter().filter(|p| p.permission.admin_consent) {
            warnings.push(format!(
                "{} {} needs an administrator's consent{}",
                p.resource_name,
                p.permission.name,
                if choices.admin_consent {
                    "; it is granted with admin consent"
                } else {
                    ": add --admin-consent if you are an admin"
                }
            ));
        }

        let spec = Spec {
            audience,
            redirect_uris,
            optional_redirect_uris,
            platform_redirect_uris: profile.region_redirect_uris(),
            implicit_grant: choices.implicit_grant.unwrap_or(ImplicitGrant {
                access_tokens: profile.implicit_access_tokens,
                id_tokens: profile.implicit_id_tokens,
            }),
            permissions,
            secret: SecretPlan {
                lifetime: choices
                    .secret_lifetime
                    .unwrap_or(SecretLifetime::Months(profile.secret_months)),
                description: choices
                    .secret_description
                    .clone()
                    .filter(|d| !d.trim().is_empty())
                    .unwrap_or_else(|| DEFAULT_SECRET_DESCRIPTION.to_string()),
            },
            admin_consent: choices.admin_consent,
            settings: choices.settings.clone(),
        };
        warnings.extend(spec.settings.warnings());
        Ok((spec, warnings))
    }
}

/// What the plan says about Exchange Web Services: why the permissions it asks for stop working,
/// or why the preset's EWS permissions are left out unless asked for.
fn ews_warning(profile: &Profile, permissions: &[PlannedPermission]) -> Option<String> {
    use crate::microsoft_dates::{ews_retirement, is_ews};
    let planned: Vec<&str> = permissions
        .iter()
        .filter(|p| is_ews(&p.permission.id))
        .map(|p| p.permission.name.as_str())
        .collect();
    if !planned.is_empty() {
        return Some(format!(
            "{} works through Exchange Web Services. {}.",
            planned.join(", "),
            ews_retirement()
        ));
    }
    let offered: Vec<&str> = profile
        .capabilities
        .iter()
        .flat_map(|c| &c.scopes)
        .map(String::as_str)
        .filter(|s| is_ews(s))
        .collect();
    (!offered.is_empty()).then(|| {
        format!(
            "{} is left out: {}. Add it only while a tenant that opted in to keep EWS still syncs over it.",
            offered.join(", "),
            ews_retirement()
        )
    })
}

/// The preset's URIs for the chosen regions and a self-hosted server; with neither named,
/// its default regions, and its other regions as worth having.
fn redirect_uris(
    profile: &Profile,
    choices: &Choices,
    warnings: &mut Vec<String>,
) -> Result<(Vec<String>, Vec<String>), PlanError> {
    let self_hosted = choices.self_hosted_url.as_deref();
    if choices.regions.iter().all(|r| r.trim().is_empty()) {
        if self_hosted.is_some_and(|b| !b.trim().is_empty()) {
            return Ok((profile.redirect_uris(self_hosted, &[])?, Vec::new()));
        }
        let (defaults, others): (Vec<_>, Vec<_>) = profile.regions.iter().partition(|r| r.default);
        let optional = others.iter().map(|r| r.redirect_uri.clone()).collect();
        return Ok((profile.redirect_uris(None, &defaults)?, optional));
    }
    let chosen = profile
        .choose_regions(&choices.regions)
        .map_err(ChoiceError::from)?;
    warnings.extend(chosen.note);
    Ok((
        profile.redirect_uris(self_hosted, &chosen.regions)?,
        Vec::new(),
    ))
}

/// `Mail.Read`, `graph:Mail.Read`, `exchange:EWS.AccessAsUser.All`, `graph:role:User.Read.All`,
/// `role:User.Read.All` (Microsoft Graph is the resource when none is named).
pub fn parse_permission_spec(spec: &str) -> (&str, &str, PermissionKind) {
    let spec = spec.trim();
    let (resource, rest) = match spec.split_once(':') {
        Some((resource, rest)) if !resource.contains('.') && resource != "role" => (resource, rest),
        _ => ("graph", spec),
    };
    match rest.strip_prefix("role:") {
        Some(name) => (resource, name, PermissionKind::Application),
        None => (resource, rest, PermissionKind::Delegated),
    }
}

fn join<'a>(items: impl Iterator<Item = &'a str>) -> String {
    items.collect::<Vec<_>>().join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile;

    fn build(profile_id: &str, choices: Choices) -> Result<(Plan, Vec<String>), PlanError> {
        from_profile(
            &profile::find(profile_id).unwrap(),
            &Catalog::offline(),
            &choices,
        )
    }

    fn named(name: &str) -> Choices {
        Choices {
            display_name: name.into(),
            ..Choices::default()
        }
    }

    #[test]
    fn nylas_v3_defaults() {
        let (plan, _) = build("nylas-v3", named("Acme Mail")).unwrap();
        assert_eq!(
            plan.spec.audience,
            Audience::AzureADandPersonalMicrosoftAccount
        );
        assert_eq!(
            plan.spec.redirect_uris,
            ["https://api.us.nylas.com/v3/connect/callback"]
        );
        assert_eq!(
            plan.spec.delegated_scopes(crate::catalog::MICROSOFT_GRAPH),
            "offline_access openid profile email User.Read Mail.Read Mail.Send Calendars.ReadWrite"
        );
        assert_eq!(plan.spec.secret.lifetime, SecretLifetime::Months(24));
        assert!(plan.validate(time::OffsetDateTime::now_utc()).is_empty());
    }

    #[test]
    fn regions_capabilities_and_extra_permissions() {
        let choices = Choices {
            regions: vec!["us".into(), "EU".into()],
            capabilities: Some(vec!["contacts-read".into()]),
            extra_permissions: vec!["graph:Mail.ReadBasic".into()],
            removed_permissions: vec!["email".into()],
            ..named("Acme")
        };
        let (plan, _) = build("nylas-v3", choices).unwrap();
        assert_eq!(plan.spec.redirect_uris.len(), 2);
        let scopes = plan.spec.delegated_scopes(crate::catalog::MICROSOFT_GRAPH);
        assert_eq!(
            scopes,
            "offline_access openid profile User.Read Contacts.Read Mail.ReadBasic"
        );
    }

    #[test]
    fn streams_turns_on_both_implicit_grants_and_uses_exchange() {
        let (plan, warnings) = build("nylas-streams", named("Streams")).unwrap();
        assert_eq!(
            plan.spec.implicit_grant,
            ImplicitGrant {
                access_tokens: true,
                id_tokens: true
            }
        );
        assert_eq!(
            plan.spec.delegated_scopes(crate::catalog::EXCHANGE_ONLINE),
            "EAS.AccessAsUser.All"
        );
        assert!(warnings.iter().any(|w| w.contains("Azure AD Graph")));
    }

    #[test]
    fn ews_is_left_out_by_default_and_its_capability_says_when_it_stops() {
        for preset in ["nylas-v2", "nylas-streams"] {
            let (plan, warnings) = build(preset, named("Acme")).unwrap();
            assert_eq!(
                plan.spec.delegated_scopes(crate::catalog::EXCHANGE_ONLINE),
                "EAS.AccessAsUser.All",
                "{preset}"
            );
            let left_out = warnings
                .iter()
                .find(|w| w.starts_with("EWS.AccessAsUser.All is left out"))
                .unwrap_or_else(|| panic!("{preset}: {warnings:?}"));
            assert!(left_out.contains("2026-10-01") && left_out.contains("2027-04-01"));

            let ticked = Choices {
                capabilities: Some(vec!["ews".into()]),
                ..named("Acme")
            };
            let (plan, warnings) = build(preset, ticked).unwrap();
            assert_eq!(
                plan.spec.delegated_scopes(crate::catalog::EXCHANGE_ONLINE),
                "EAS.AccessAsUser.All EWS.AccessAsUser.All",
                "{preset}"
            );
            let ews: Vec<&String> = warnings.iter().filter(|w| w.contains("EWS")).collect();
            assert_eq!(
                ews,
                [&format!(
                    "EWS.AccessAsUser.All works through Exchange Web Services. {}.",
                    crate::microsoft_dates::ews_retirement()
                )],
                "{preset}"
            );
        }
        let (_, warnings) = build("nylas-v3", named("Acme")).unwrap();
        assert!(!warnings.iter().any(|w| w.contains("EWS")), "{warnings:?}");
    }

    #[test]
    fn ews_named_another_way_gets_the_same_warning() {
        let added = Choices {
            extra_permissions: vec!["exchange:EWS.AccessAsUser.All".into()],
            ..named("Acme")
        };
        let (_, warnings) = build("custom", added).unwrap();
        assert!(
            warnings
                .iter()
                .any(|w| w.starts_with("EWS.AccessAsUser.All works through")),
            "{warnings:?}"
        );
    }

    #[test]
    fn a_deprecated_preset_says_so_first() {
        let (_, warnings) = build("nylas-v2", named("Acme")).unwrap();
        assert!(
            warnings[0].starts_with("Nylas API v2 is deprecated since 2025-01-20: use Nylas v3"),
            "{warnings:?}"
        );
        let (_, warnings) = build("nylas-v3", named("Acme")).unwrap();
        assert!(!warnings.iter().any(|w| w.contains("deprecated")));
    }

    #[test]
    fn nango_self_hosted_and_single_tenant_warning() {
        let choices = Choices {
            self_hosted_url: Some("https://nango.acme.dev/".into()),
            audience: Some(Audience::AzureADMyOrg),
            ..named("Acme Nango")
        };
        let (plan, warnings) = build("nango", choices).unwrap();
        assert_eq!(
            plan.spec.redirect_uris,
            ["https://nango.acme.dev/oauth/callback"]
        );
        assert!(warnings.iter().any(|w| w.contains("AADSTS50194")));
    }

    #[test]
    fn bad_choices_name_what_is_wrong() {
        let err = build(
            "nylas-v3",
            Choices {
                regions: vec!["apac".into()],
                ..named("x")
            },
        )
        .unwrap_err();
        assert!(err.to_string().contains("us, eu"), "{err}");
        let err = build(
            "nylas-v3",
            Choices {
                extra_permissions: vec!["Mail.Raed".into()],
                ..named("x")
            },
        )
        .unwrap_err();
        assert!(err.to_string().contains("Mail.Read"), "{err}");
        let err = build(
            "nylas-v2",
            Choices {
                audience: Some(Audience::PersonalMicrosoftAccount),
                ..named("x")
            },
        )
        .unwrap_err();
        assert!(matches!(err, PlanError::AudienceNotAllowed { .. }));
        let err = build(
            "nylas-v3",
            Choices {
                self_hosted_url: Some("https://x".into()),
                ..named("x")
            },
        )
        .unwrap_err();
        assert!(matches!(
            err,
            PlanError::Choice(ChoiceError::NoSelfHosted { .. })
        ));
        let err = build(
            "custom",
            Choices {
                regions: vec!["us".into()],
                ..named("x")
            },
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "Custom has no preset regions: give its redirect URIs with --redirect-uri"
        );
    }

    #[test]
    fn a_single_region_preset_serves_every_region_named() {
        let (plan, warnings) = build(
            "nango",
            Choices {
                regions: vec!["us".into(), "eu".into()],
                ..named("Acme Nango")
            },
        )
        .unwrap();
        assert_eq!(
            plan.spec.redirect_uris,
            ["https://api.nango.dev/oauth/callback"]
        );
        assert!(
            warnings
                .iter()
                .any(|w| w.contains("us, eu → Nango Cloud (https://api.nango.dev/oauth/callback)")),
            "{warnings:?}"
        );
    }

    #[test]
    fn permission_specs() {
        assert_eq!(
            parse_permission_spec("Mail.Read"),
            ("graph", "Mail.Read", PermissionKind::Delegated)
        );
        assert_eq!(
            parse_permission_spec("exchange:EWS.AccessAsUser.All"),
            (
                "exchange",
                "EWS.AccessAsUser.All",
                PermissionKind::Delegated
            )
        );
        assert_eq!(
            parse_permission_spec("graph:role:User.Read.All"),
            ("graph", "User.Read.All", PermissionKind::Application)
        );
        assert_eq!(
            parse_permission_spec("role:User.Read.All"),
            ("graph", "User.Read.All", PermissionKind::Application)
        );
    }
}
