//! The audit, finding by finding, on app documents shaped like Graph's answers; and findings
//! of every kind for the front ends' tests, built for them with the `test-support` feature.
#![cfg_attr(not(test), allow(dead_code, unused_imports))]

use super::audit;
use crate::catalog::{AZURE_AD_GRAPH, Catalog, EXCHANGE_ONLINE, MICROSOFT_GRAPH};
use crate::doctor::context::{AuditContext, Wants};
use crate::doctor::finding::{Code, Finding, Platform, Remedy, Severity};
use crate::doctor::fix::{FixOptions, fix_plan};
use crate::graph::models::AppRoleAssignment;
use crate::graph::models::{Application, PermissionGrant, ServicePrincipal};
use crate::plan::Step;
use crate::profile::{self, Profile};
use serde_json::{Value, json};
use time::OffsetDateTime;
use time::macros::datetime;

const NOW: OffsetDateTime = datetime!(2026-06-01 12:00 UTC);
const US: &str = "https://api.us.nylas.com/v3/connect/callback";
const EU: &str = "https://api.eu.nylas.com/v3/connect/callback";
const OFFLINE_ACCESS: &str = "7427e0e9-2fba-42fe-b0c0-848c9e6a8182";
const PLACE_READ_ALL: &str = "cb8f45a0-5c2e-4ea1-b803-84b870a7d7ec";
const MAIL_READ_ROLE: &str = "810c84a8-4a9e-49e6-bf7d-12d183f40d01";
const USER_READ_ALL_ROLE: &str = "df021288-bdef-4463-88db-98f22de89214";

fn graph_scopes(names: &[&str]) -> Vec<Value> {
    let catalog = Catalog::offline();
    names
        .iter()
        .map(|n| {
            let (_, p) = catalog
                .permission("graph", n, crate::catalog::PermissionKind::Delegated)
                .unwrap();
            json!({"id": p.id, "type": "Scope"})
        })
        .collect()
}

/// A Nylas v3 app with nothing wrong.
fn healthy() -> Value {
    json!({
        "id": "0b1e0000-0000-4000-8000-000000000001",
        "appId": "a9900000-0000-4000-8000-000000000001",
        "displayName": "Acme Mail",
        "signInAudience": "AzureADandPersonalMicrosoftAccount",
        "api": {"requestedAccessTokenVersion": 2},
        "web": {"redirectUris": [US, EU], "implicitGrantSettings": {"enableAccessTokenIssuance": false, "enableIdTokenIssuance": false}},
        "spa": {"redirectUris": []},
        "publicClient": {"redirectUris": []},
        "requiredResourceAccess": [{"resourceAppId": MICROSOFT_GRAPH, "resourceAccess": graph_scopes(&["offline_access", "openid", "profile", "email", "User.Read", "Mail.Read"])}],
        "passwordCredentials": [{"keyId": "k-new", "displayName": "prod", "endDateTime": "2028-01-01T00:00:00Z"}],
    })
}

fn app(doc: Value) -> Application {
    serde_json::from_value(doc).unwrap()
}

fn sp(id: &str, app_id: &str) -> ServicePrincipal {
    serde_json::from_value(json!({"id": id, "appId": app_id})).unwrap()
}

fn context() -> AuditContext {
    AuditContext {
        tenant_id: Some("tenant-1".into()),
        verified_publisher: Some(crate::doctor::context::VerifiedPublisher {
            name: "Acme".into(),
            mpn_id: "1234567".into(),
        }),
        service_principal: Some(sp("client-sp", "a9900000-0000-4000-8000-000000000001")),
        grants: Some(Vec::new()),
        role_assignments: Some(Vec::new()),
        resources: vec![
            sp("graph-sp", MICROSOFT_GRAPH).into(),
            sp("exchange-sp", EXCHANGE_ONLINE).into(),
        ],
        absent_resources: Vec::new(),
        wants: Wants::default(),
    }
}

fn run(profile_id: &str, doc: Value, context: &AuditContext) -> Vec<Finding> {
    audit(
        &app(doc),
        context,
        &profile::find(profile_id).unwrap(),
        &Catalog::offline(),
        NOW,
    )
    .expect("the wants fit the preset")
}

fn codes(findings: &[Finding]) -> Vec<&'static str> {
    findings.iter().map(|f| f.code.as_str()).collect()
}

fn find(findings: &[Finding], code: Code) -> &Finding {
    findings
        .iter()
        .find(|f| f.code == code)
        .unwrap_or_else(|| panic!("no {code} in {:?}", codes(findings)))
}

#[test]
fn a_healthy_app_has_no_findings() {
    let findings = run("nylas-v3", healthy(), &context());
    assert!(findings.is_empty(), "{:?}", codes(&findings));
}

#[test]
fn every_finding_says_why_how_and_where() {
    let mut doc = healthy();
    doc["signInAudience"] = json!("AzureADMultipleOrgs");
    doc["api"]["requestedAccessTokenVersion"] = Value::Null;
    doc["passwordCredentials"] = json!([]);
    let findings = run(
        "nylas-v3",
        doc,
        &AuditContext {
            service_principal: None,
            verified_publisher: None,
            ..context()
        },
    );
    assert!(findings.len() >= 4);
    for f in &findings {
        assert!(!f.title.is_empty() && !f.why.is_empty() && !f.fix.is_empty());
        assert!(
            f.portal.contains('>') || f.portal.contains("Enterprise"),
            "{f:?}"
        );
    }
    let severities: Vec<Severity> = findings.iter().map(|f| f.severity).collect();
    let mut sorted = severities.clone();
    sorted.sort();
    assert_eq!(severities, sorted, "errors come first");
}

#[test]
fn a_work_only_audience_does_not_fit_nylas_v3_and_needs_token_v2() {
    let mut doc = healthy();
    doc["signInAudience"] = json!("AzureADMultipleOrgs");
    doc["api"]["requestedAccessTokenVersion"] = Value::Null;
    let findings = run("nylas-v3", doc, &context());
    let audience = find(&findings, Code::AudienceMismatch);
    assert_eq!(audience.severity, Severity::Error);
    assert!(audience.why.contains("AADSTS50194"));
    assert_eq!(
        audience.remedy,
        Some(Remedy::SetAudience {
            audience: crate::audience::Audience::AzureADandPersonalMicrosoftAccount
        })
    );
    assert_eq!(
        find(&findings, Code::TokenVersion).severity,
        Severity::Error
    );
}

#[test]
fn a_personal_app_on_token_v1_is_an_error_on_its_own() {
    let mut doc = healthy();
    doc["api"]["requestedAccessTokenVersion"] = json!(1);
    let findings = run("nylas-v3", doc, &context());
    assert_eq!(codes(&findings), ["token-version"]);
}

#[test]
fn single_tenant_behind_common_is_a_warning_with_aadsts50194() {
    let mut doc = healthy();
    doc["signInAudience"] = json!("AzureADMyOrg");
    doc["api"]["requestedAccessTokenVersion"] = Value::Null;
    let findings = run("nango", doc.clone(), &context());
    let single = find(&findings, Code::AudienceSingleTenant);
    assert_eq!(single.severity, Severity::Warning);
    assert!(single.why.contains("AADSTS50194"));
    assert!(
        single.remedy.is_none(),
        "an internal app is not widened by --fix"
    );
    doc["signInAudience"] = json!("AzureADMultipleOrgs");
    let findings = run("nango", doc, &context());
    assert_eq!(
        find(&findings, Code::AudienceNoPersonalAccounts).severity,
        Severity::Warning
    );
}

#[test]
fn redirect_uris_missing_extra_and_on_the_wrong_platform() {
    let mut doc = healthy();
    doc["web"]["redirectUris"] = json!(["https://old.example.com/cb"]);
    doc["spa"]["redirectUris"] = json!([US]);
    let findings = run("nylas-v3", doc.clone(), &context());
    let wrong = find(&findings, Code::RedirectUriWrongPlatform);
    assert_eq!(wrong.severity, Severity::Error);
    // A server redeeming an SPA URI's code: 9002327; 9002326 is a browser redeeming a Web one's.
    assert!(wrong.why.contains("AADSTS9002327"), "{}", wrong.why);
    assert!(!wrong.why.contains("AADSTS9002326"), "{}", wrong.why);
    assert_eq!(
        wrong.portal,
        "Authentication > Platform configurations > Single-page application"
    );
    let missing = find(&findings, Code::RedirectUriMissing);
    assert_eq!(
        (missing.severity, missing.title.contains(EU)),
        (Severity::Warning, true)
    );
    assert_eq!(
        missing.portal,
        "Authentication > Platform configurations > Web"
    );
    assert_eq!(
        find(&findings, Code::RedirectUriExtra).severity,
        Severity::Info
    );

    // Asked for explicitly, a region's URI is required; a public-client copy is wrong too.
    doc["spa"]["redirectUris"] = json!([]);
    doc["publicClient"]["redirectUris"] = json!([US]);
    let wants = Wants {
        regions: vec!["us".into(), "eu".into()],
        ..Wants::default()
    };
    let findings = run("nylas-v3", doc, &AuditContext { wants, ..context() });
    assert!(
        findings
            .iter()
            .any(|f| f.code == Code::RedirectUriMissing && f.severity == Severity::Error)
    );
    assert!(matches!(
        find(&findings, Code::RedirectUriWrongPlatform).remedy,
        Some(Remedy::MoveToWeb {
            from: Platform::PublicClient,
            ..
        })
    ));
}

#[test]
fn streams_needs_both_implicit_grants() {
    let mut doc = healthy();
    doc["signInAudience"] = json!("AzureADMultipleOrgs");
    doc["web"]["redirectUris"] = json!([
        "https://api.nylas.com/oauth/callback",
        "https://ireland.api.nylas.com/oauth/callback"
    ]);
    doc["web"]["implicitGrantSettings"]["enableIdTokenIssuance"] = json!(true);
    doc["requiredResourceAccess"] = json!([
        {"resourceAppId": MICROSOFT_GRAPH, "resourceAccess": graph_scopes(&["offline_access", "openid", "profile", "User.Read", "Mail.Read"])},
        {"resourceAppId": EXCHANGE_ONLINE, "resourceAccess": [{"id": "266d2589-20b5-4f91-9a03-89247d1be8da", "type": "Scope"}]}
    ]);
    let findings = run("nylas-streams", doc, &context());
    let implicit = find(&findings, Code::ImplicitGrantOff);
    assert!(implicit.title.contains("access tokens") && !implicit.title.contains("ID tokens"));
    assert_eq!(
        implicit.remedy,
        Some(Remedy::EnableImplicitGrant {
            access_tokens: true,
            id_tokens: true
        })
    );
    assert_eq!(findings.len(), 1, "{:?}", codes(&findings));
}

#[test]
fn permissions_missing_retired_admin_only_and_no_offline_access() {
    let mut doc = healthy();
    let mut graph = graph_scopes(&["openid", "User.Read"]);
    graph.push(json!({"id": PLACE_READ_ALL, "type": "Scope"}));
    graph.push(json!({"id": MAIL_READ_ROLE, "type": "Role"}));
    doc["requiredResourceAccess"] = json!([
        {"resourceAppId": MICROSOFT_GRAPH, "resourceAccess": graph},
        {"resourceAppId": AZURE_AD_GRAPH, "resourceAccess": [{"id": "311a71cc-e848-46a1-bdf8-97ff7156d8e6", "type": "Scope"}]}
    ]);
    let wants = Wants {
        capabilities: vec!["mail-send".into()],
        ..Wants::default()
    };
    let findings = run("nylas-v3", doc, &AuditContext { wants, ..context() });
    assert_eq!(
        find(&findings, Code::OfflineAccessMissing).severity,
        Severity::Error
    );
    let missing = find(&findings, Code::PermissionMissing);
    assert!(
        missing.title.contains("profile, email, Mail.Send"),
        "{}",
        missing.title
    );
    let retired = find(&findings, Code::PermissionRetired);
    assert!(retired.title.contains("User.Read") && retired.remedy.as_ref().unwrap().removes());
    let admin = find(&findings, Code::PermissionAdminConsent);
    assert_eq!(admin.severity, Severity::Warning);
    assert!(admin.title.contains("Place.Read.All"), "{}", admin.title);
    // Nylas uses the delegated Mail.Read: the application one is named as the wrong type, and
    // consent is never advised for it.
    assert!(!admin.title.contains("(application)"), "{}", admin.title);
    let wrong = find(&findings, Code::PermissionWrongType);
    assert!(wrong.title.contains("Mail.Read"), "{}", wrong.title);
}

#[test]
fn an_application_permission_a_signing_in_platform_does_not_use_is_not_consented() {
    let mut doc = healthy();
    doc["requiredResourceAccess"][0]["resourceAccess"]
        .as_array_mut()
        .unwrap()
        .push(json!({"id": USER_READ_ALL_ROLE, "type": "Role"}));
    for admin_consent in [false, true] {
        let ctx = AuditContext {
            wants: Wants {
                admin_consent,
                ..Wants::default()
            },
            ..context()
        };
        let findings = run("nylas-v3", doc.clone(), &ctx);
        let unused = findings
            .iter()
            .find(|f| f.title.contains("User.Read.All (application) is not used"))
            .unwrap_or_else(|| panic!("{:?}", codes(&findings)));
        assert!(unused.fix.contains("do not grant admin consent"));
        let steps = fix_plan(&app(doc.clone()), &ctx, &findings, FixOptions::default());
        assert!(
            steps
                .iter()
                .all(|s| !s.request().path.ends_with("/appRoleAssignments")),
            "{steps:?}"
        );
    }
}

#[test]
fn secrets_none_expired_expiring_and_over_the_limit() {
    let with_secrets = |secrets: Value| {
        let mut doc = healthy();
        doc["passwordCredentials"] = secrets;
        run("nylas-v3", doc, &context())
    };
    assert_eq!(codes(&with_secrets(json!([]))), ["secret-none"]);

    let only_expired =
        with_secrets(json!([{"keyId": "k-old", "endDateTime": "2026-05-01T00:00:00Z"}]));
    assert_eq!(
        find(&only_expired, Code::SecretExpired).severity,
        Severity::Error
    );

    let soon = with_secrets(
        json!([{"keyId": "k1", "displayName": "prod", "endDateTime": "2026-06-08T12:00:00Z"}]),
    );
    let expiring = find(&soon, Code::SecretExpiring30Days);
    assert_eq!(expiring.severity, Severity::Warning);
    assert!(
        expiring.title.contains("7 day(s), on 2026-06-08"),
        "{}",
        expiring.title
    );

    let later = with_secrets(json!([{"keyId": "k1", "endDateTime": "2026-07-21T12:00:00Z"}]));
    assert_eq!(
        find(&later, Code::SecretExpiring60Days).severity,
        Severity::Info
    );

    // Already rotated: the expiring one is only a note, the expired one a warning.
    let rotated = with_secrets(json!([
        {"keyId": "k1", "endDateTime": "2026-06-08T12:00:00Z"},
        {"keyId": "k2", "endDateTime": "2028-01-01T00:00:00Z"},
        {"keyId": "k0", "endDateTime": "2026-01-01T00:00:00Z"}
    ]));
    assert_eq!(
        find(&rotated, Code::SecretExpiring30Days).severity,
        Severity::Info
    );
    assert_eq!(
        find(&rotated, Code::SecretExpired).severity,
        Severity::Warning
    );
    assert_eq!(
        find(&rotated, Code::SecretOverLimit).severity,
        Severity::Error
    );
}

#[test]
fn service_principal_admin_consent_and_publisher() {
    let bare = AuditContext {
        service_principal: None,
        verified_publisher: None,
        ..context()
    };
    let findings = run("nylas-v3", healthy(), &bare);
    assert_eq!(
        find(&findings, Code::ServicePrincipalMissing).severity,
        Severity::Warning
    );
    assert!(
        find(&findings, Code::PublisherUnverified)
            .fix
            .contains("adminconsent?client_id=")
    );

    let consent = AuditContext {
        wants: Wants {
            admin_consent: true,
            ..Wants::default()
        },
        ..context()
    };
    let findings = run("nylas-v3", healthy(), &consent);
    let missing = find(&findings, Code::AdminConsentMissing);
    assert!(
        missing.title.contains("offline_access"),
        "{}",
        missing.title
    );

    // Partly granted: only what is missing is named; the fix extends the grant.
    let grant: PermissionGrant = serde_json::from_value(json!({
        "id": "grant-1", "clientId": "client-sp", "resourceId": "graph-sp",
        "consentType": "AllPrincipals", "scope": "offline_access openid profile email User.Read"
    }))
    .unwrap();
    let partial = AuditContext {
        grants: Some(vec![grant]),
        ..consent.clone()
    };
    let findings = run("nylas-v3", healthy(), &partial);
    assert!(
        find(&findings, Code::AdminConsentMissing)
            .title
            .ends_with(": Mail.Read")
    );
    let steps = fix_plan(&app(healthy()), &partial, &findings, FixOptions::default());
    assert_eq!(steps.len(), 1);
    assert_eq!(steps[0].request().path, "/oauth2PermissionGrants/grant-1");
    assert_eq!(
        steps[0].request().body.as_ref().unwrap()["scope"],
        "offline_access openid profile email User.Read Mail.Read"
    );

    let unreadable = AuditContext {
        grants: None,
        ..consent
    };
    assert!(
        run("nylas-v3", healthy(), &unreadable)
            .iter()
            .any(|f| f.code == Code::GrantsUnreadable)
    );
}

#[test]
fn fix_plan_merges_app_changes_into_one_patch_and_keeps_what_was_not_asked() {
    let mut doc = healthy();
    doc["signInAudience"] = json!("AzureADMultipleOrgs");
    doc["api"]["requestedAccessTokenVersion"] = Value::Null;
    doc["web"]["redirectUris"] = json!(["https://mine.example.com/cb"]);
    doc["web"]["logoutUrl"] = json!("https://mine.example.com/logout");
    doc["spa"]["redirectUris"] = json!([US]);
    doc["requiredResourceAccess"] = json!([
        {"resourceAppId": AZURE_AD_GRAPH, "resourceAccess": [{"id": "311a71cc-e848-46a1-bdf8-97ff7156d8e6", "type": "Scope"}]}
    ]);
    let ctx = AuditContext {
        service_principal: None,
        wants: Wants {
            admin_consent: true,
            ..Wants::default()
        },
        ..context()
    };
    let findings = run("nylas-v3", doc.clone(), &ctx);
    let steps = fix_plan(&app(doc.clone()), &ctx, &findings, FixOptions::default());
    let lines: Vec<String> = steps
        .iter()
        .map(|s| format!("{} {}", s.request().method, s.request().path))
        .collect();
    assert_eq!(
        lines,
        [
            "PATCH /applications/0b1e0000-0000-4000-8000-000000000001",
            "POST /servicePrincipals",
            "POST /oauth2PermissionGrants",
        ]
    );
    let body = steps[0].request().body.unwrap();
    assert_eq!(body["signInAudience"], "AzureADandPersonalMicrosoftAccount");
    assert_eq!(body["api"]["requestedAccessTokenVersion"], 2);
    assert_eq!(
        body["web"]["redirectUris"],
        json!(["https://mine.example.com/cb", US, EU])
    );
    assert_eq!(
        body["web"]["logoutUrl"], "https://mine.example.com/logout",
        "the rest of `web` is sent as it was"
    );
    assert_eq!(body["spa"]["redirectUris"], json!([]));
    let rra = body["requiredResourceAccess"].as_array().unwrap();
    assert_eq!(
        rra[0]["resourceAppId"], AZURE_AD_GRAPH,
        "retired entries stay without --remove-extra"
    );
    assert!(
        rra[1]["resourceAccess"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["id"] == OFFLINE_ACCESS)
    );
    assert!(
        body.get("publicClient").is_none(),
        "unchanged properties are not sent"
    );
    assert_eq!(
        steps[2].request().body.as_ref().unwrap()["clientId"],
        "{sp.id}"
    );

    let removing = fix_plan(
        &app(doc),
        &ctx,
        &findings,
        FixOptions { remove_extra: true },
    );
    let body = removing[0].request().body.unwrap();
    assert_eq!(body["web"]["redirectUris"], json!([US, EU]));
    assert_eq!(body["requiredResourceAccess"].as_array().unwrap().len(), 1);
}

#[test]
fn application_permissions_are_assigned_when_consent_is_wanted() {
    let mut doc = healthy();
    doc["requiredResourceAccess"][0]["resourceAccess"]
        .as_array_mut()
        .unwrap()
        .push(json!({"id": MAIL_READ_ROLE, "type": "Role"}));
    let grant: PermissionGrant = serde_json::from_value(json!({
        "id": "g", "clientId": "client-sp", "resourceId": "graph-sp", "consentType": "AllPrincipals",
        "scope": "offline_access openid profile email User.Read Mail.Read"
    }))
    .unwrap();
    let ctx = AuditContext {
        grants: Some(vec![grant]),
        wants: Wants {
            admin_consent: true,
            ..Wants::default()
        },
        ..context()
    };
    // Custom may describe a service that works without a user: its roles are assigned.
    let findings = run("custom", doc.clone(), &ctx);
    let steps: Vec<_> = fix_plan(&app(doc.clone()), &ctx, &findings, FixOptions::default())
        .into_iter()
        .filter(|s| s.request().path.ends_with("/appRoleAssignments"))
        .collect();
    assert_eq!(steps.len(), 1);
    assert_eq!(
        steps[0].request().path,
        "/servicePrincipals/client-sp/appRoleAssignments"
    );
    assert_eq!(
        steps[0].request().body.as_ref().unwrap()["appRoleId"],
        MAIL_READ_ROLE
    );

    let assigned = AuditContext {
        role_assignments: Some(vec![AppRoleAssignment {
            id: "a".into(),
            app_role_id: MAIL_READ_ROLE.into(),
            principal_id: "client-sp".into(),
            resource_id: "graph-sp".into(),
        }]),
        ..ctx
    };
    assert!(
        !run("custom", doc, &assigned)
            .iter()
            .any(|f| f.code == Code::AdminConsentMissing)
    );
}

#[test]
fn every_preset_accepts_an_app_built_from_it() {
    // The audit and `create` agree: a freshly planned app has no errors.
    for p in profile::built_in() {
        let findings = run(
            &p.id,
            planned(&p),
            &AuditContext {
                wants: Wants::default(),
                ..context()
            },
        );
        assert!(
            findings.iter().all(|f| f.severity != Severity::Error),
            "{}: {:?}",
            p.id,
            codes(&findings)
        );
    }
}

#[test]
fn doctor_expects_exactly_what_create_registers_for_the_same_choices() {
    // One rule set: the same regions, self-hosted server, extra URI and capabilities give an
    // app in which the audit finds nothing required missing (other regions may be suggested),
    // and an app without the capabilities' permissions is found wanting.
    for p in profile::built_in() {
        let capabilities: Vec<String> = p.capabilities.iter().map(|c| c.id.clone()).collect();
        let mut region_sets: Vec<Vec<String>> =
            p.regions.iter().map(|r| vec![r.id.clone()]).collect();
        region_sets.push(Vec::new());
        for regions in region_sets {
            let self_hosted = p
                .self_hosted
                .as_ref()
                .map(|_| "https://nango.acme.dev".to_string());
            let choices = crate::plan::Choices {
                display_name: "Same".into(),
                regions: regions.clone(),
                self_hosted_url: self_hosted.clone(),
                extra_redirect_uris: vec!["https://app.acme.dev/callback".into()],
                capabilities: Some(capabilities.clone()),
                settings: branded(),
                ..Default::default()
            };
            let (plan, _) = crate::plan::from_profile(&p, &Catalog::offline(), &choices).unwrap();
            let mut doc = crate::plan::requests::application_body(&plan);
            doc["id"] = json!("0b1e0000-0000-4000-8000-000000000001");
            doc["appId"] = json!("a9900000-0000-4000-8000-000000000001");
            doc["passwordCredentials"] =
                json!([{"keyId": "k", "endDateTime": "2028-01-01T00:00:00Z"}]);
            let wants = Wants {
                regions: regions.clone(),
                self_hosted_url: self_hosted,
                redirect_uris: choices.extra_redirect_uris.clone(),
                capabilities: capabilities.clone(),
                admin_consent: false,
                settings: choices.settings.clone(),
            };
            let context = AuditContext { wants, ..context() };
            let missing = |findings: &[Finding]| {
                findings
                    .iter()
                    .filter(|f| {
                        f.severity == Severity::Error
                            && matches!(f.code, Code::RedirectUriMissing | Code::PermissionMissing)
                    })
                    .count()
            };
            let findings = run(&p.id, doc.clone(), &context);
            assert_eq!(
                missing(&findings),
                0,
                "{} {regions:?}: {:?}",
                p.id,
                findings.iter().map(|f| &f.title).collect::<Vec<_>>()
            );

            // Without the capabilities' permissions, the audit names what is missing.
            let base_only = crate::plan::Choices {
                capabilities: Some(Vec::new()),
                ..choices.clone()
            };
            let (narrower_plan, _) =
                crate::plan::from_profile(&p, &Catalog::offline(), &base_only).unwrap();
            if narrower_plan.spec.permissions.len() < plan.spec.permissions.len() {
                let mut narrower = doc.clone();
                narrower["requiredResourceAccess"] =
                    crate::plan::manifest_required_resource_access(&narrower_plan);
                let findings = run(&p.id, narrower, &context);
                assert!(missing(&findings) > 0, "{}: {:?}", p.id, codes(&findings));
            }
            // Every optional setting create made inline is found in place.
            let settings_codes = [Code::OptionalClaimMissing, Code::BrandingMismatch];
            assert!(
                !findings.iter().any(|f| settings_codes.contains(&f.code)),
                "{}: {:?}",
                p.id,
                codes(&findings)
            );
        }
    }
}

/// Optional claims and branding, as `--optional-claim` and `--*-url` give them.
fn branded() -> crate::plan::OptionalSettings {
    crate::plan::OptionalSettings {
        optional_claims: vec!["id:email".parse().unwrap(), "access:upn".parse().unwrap()],
        homepage_url: Some("https://acme.example".into()),
        privacy_url: Some("https://acme.example/privacy".into()),
        terms_url: Some("https://acme.example/terms".into()),
        ..Default::default()
    }
}

fn wanting(settings: crate::plan::OptionalSettings) -> AuditContext {
    AuditContext {
        wants: Wants {
            settings,
            ..Wants::default()
        },
        ..context()
    }
}

#[test]
fn optional_settings_asked_for_are_found_missing_and_fixed_in_the_one_patch() {
    let mut doc = healthy();
    doc["optionalClaims"] = json!({"idToken": [{"name": "email", "source": null, "essential": true, "additionalProperties": []}], "accessToken": [], "saml2Token": []});
    doc["info"] = json!({"privacyStatementUrl": "https://old.example/privacy", "supportUrl": "https://acme.example/help"});
    let logo = crate::plan::Logo::from_bytes(b"\x89PNG\r\n\x1a\nxx".to_vec(), "logo.png").unwrap();
    let settings = crate::plan::OptionalSettings {
        hide_app: true,
        logo: Some(logo),
        publisher_id: Some("1234567".into()),
        ..branded()
    };
    let ctx = AuditContext {
        verified_publisher: None,
        ..wanting(settings)
    };
    let findings = run("nango", doc.clone(), &ctx);
    let claims = find(&findings, Code::OptionalClaimMissing);
    assert_eq!(
        claims.title,
        "the tokens lack the optional claims access:upn"
    );
    for code in [Code::AppVisible, Code::BrandingMismatch, Code::LogoMissing] {
        find(&findings, code);
    }
    assert!(matches!(
        find(&findings, Code::PublisherUnverified).remedy,
        Some(Remedy::VerifyPublisher { .. })
    ));

    let steps = fix_plan(&app(doc), &ctx, &findings, FixOptions::default());
    let Some(Step::PatchApp { body, .. }) = steps.first() else {
        panic!("{steps:?}");
    };
    // The claim the app had keeps its settings; the new one joins it.
    assert_eq!(body["optionalClaims"]["idToken"][0]["essential"], true);
    assert_eq!(body["optionalClaims"]["accessToken"][0]["name"], "upn");
    assert_eq!(body["web"]["homePageUrl"], "https://acme.example");
    assert_eq!(
        body["info"]["privacyStatementUrl"],
        "https://acme.example/privacy"
    );
    // An informational URL nobody asked about stays as it was.
    assert_eq!(body["info"]["supportUrl"], "https://acme.example/help");
    let tagged = steps.iter().any(|s| {
        matches!(s, Step::TagServicePrincipal { tags, .. } if tags.contains(&"HideApp".to_string()))
    });
    assert!(tagged, "{steps:?}");
    assert!(steps.iter().any(|s| matches!(s, Step::UploadLogo { .. })));
    assert!(steps.iter().any(|s| matches!(s, Step::SetVerifiedPublisher { publisher_id, .. } if publisher_id == "1234567")));
}

#[test]
fn settings_nobody_asked_for_are_not_findings() {
    let findings = run("nango", healthy(), &context());
    for code in [
        Code::OptionalClaimMissing,
        Code::AppVisible,
        Code::BrandingMismatch,
        Code::LogoMissing,
    ] {
        assert!(!findings.iter().any(|f| f.code == code), "{code}");
    }
}

fn planned(profile: &Profile) -> Value {
    let choices = crate::plan::Choices {
        display_name: "Planned".into(),
        regions: profile.regions.iter().map(|r| r.id.clone()).collect(),
        ..Default::default()
    };
    let (plan, _) = crate::plan::from_profile(profile, &Catalog::offline(), &choices).unwrap();
    let mut doc = crate::plan::requests::application_body(&plan);
    doc["id"] = json!("0b1e0000-0000-4000-8000-000000000001");
    doc["appId"] = json!("a9900000-0000-4000-8000-000000000001");
    doc["passwordCredentials"] = json!([{"keyId": "k", "endDateTime": "2028-01-01T00:00:00Z"}]);
    doc
}

#[test]
fn a_redirect_uri_off_by_a_slash_or_case_is_named_as_the_near_miss() {
    for typo in [format!("{US}/"), US.to_uppercase()] {
        let mut doc = healthy();
        doc["web"]["redirectUris"] = json!([typo.clone(), EU]);
        let findings = run("nylas-v3", doc, &context());
        let missing = find(&findings, Code::RedirectUriMissing);
        assert!(
            missing
                .why
                .contains(&format!("{typo} is registered instead")),
            "{missing:?}"
        );
        assert!(missing.why.contains("AADSTS50011"));
        let extra = find(&findings, Code::RedirectUriExtra);
        assert!(extra.title.contains(&typo), "{extra:?}");
    }
}

#[test]
fn a_delegated_permission_listed_as_an_application_permission_is_the_wrong_type() {
    let mut doc = healthy();
    let graph = doc["requiredResourceAccess"][0]["resourceAccess"]
        .as_array_mut()
        .unwrap();
    graph.pop(); // the delegated Mail.Read
    graph.push(json!({"id": MAIL_READ_ROLE, "type": "Role"}));
    // Mail.Read is one of the preset's optional capabilities, not its base set: still wrong.
    let findings = run("nylas-v3", doc, &context());
    let wrong = find(&findings, Code::PermissionWrongType);
    assert_eq!(wrong.severity, Severity::Error);
    assert!(
        wrong
            .title
            .starts_with("Mail.Read is listed as an application permission")
    );
    let Some(Remedy::AddPermissions { permissions }) = &wrong.remedy else {
        panic!("{wrong:?}");
    };
    assert_eq!(permissions.len(), 1);
    assert_eq!(permissions[0].kind, "Scope");
    assert!(
        !codes(&findings).contains(&"permission-missing"),
        "{:?}",
        codes(&findings)
    );
}

#[test]
fn public_client_flows_are_flagged_for_web_platforms_only() {
    let mut doc = healthy();
    doc["isFallbackPublicClient"] = json!(true);
    let findings = run("nylas-v3", doc.clone(), &context());
    let flows = find(&findings, Code::PublicClientFlows);
    assert_eq!(flows.severity, Severity::Warning);
    assert_eq!(flows.remedy, Some(Remedy::DisablePublicClientFlows));
    let steps = fix_plan(
        &app(doc.clone()),
        &context(),
        &findings,
        FixOptions::default(),
    );
    assert_eq!(
        steps[0].request().body,
        Some(json!({"isFallbackPublicClient": false}))
    );
    // A custom app may be a desktop app that uses them.
    assert!(
        !run("custom", doc, &context())
            .iter()
            .any(|f| f.code == Code::PublicClientFlows)
    );
}

#[test]
fn a_disabled_or_assignment_only_enterprise_application_stops_sign_in() {
    let mut ctx = context();
    ctx.service_principal = Some(
        serde_json::from_value(json!({
            "id": "client-sp",
            "appId": "a9900000-0000-4000-8000-000000000001",
            "accountEnabled": false,
            "appRoleAssignmentRequired": true,
        }))
        .unwrap(),
    );
    let findings = run("nylas-v3", healthy(), &ctx);
    let disabled = find(&findings, Code::ServicePrincipalDisabled);
    assert_eq!(disabled.severity, Severity::Error);
    assert!(disabled.why.contains("AADSTS7000112"));
    let assignment = find(&findings, Code::AssignmentRequired);
    assert_eq!(assignment.severity, Severity::Warning);
    assert!(assignment.why.contains("AADSTS50105"));
    assert_eq!(
        assignment.remedy, None,
        "an administrator's policy is not undone"
    );

    let steps = fix_plan(&app(healthy()), &ctx, &findings, FixOptions::default());
    assert_eq!(steps.len(), 1);
    assert_eq!(steps[0].request().path, "/servicePrincipals/client-sp");
    assert_eq!(
        steps[0].request().body,
        Some(json!({"accountEnabled": true}))
    );
}

#[test]
fn permissions_of_an_api_the_tenant_lacks_fail_consent() {
    const ELSEWHERE: &str = "11111111-2222-4333-8444-555555555555";
    let mut doc = healthy();
    doc["requiredResourceAccess"]
        .as_array_mut()
        .unwrap()
        .push(json!({"resourceAppId": ELSEWHERE, "resourceAccess": [{"id": "99999999-2222-4333-8444-555555555555", "type": "Scope"}]}));
    let ctx = AuditContext {
        absent_resources: vec![ELSEWHERE.into()],
        ..context()
    };
    let findings = run("nylas-v3", doc.clone(), &ctx);
    let absent = find(&findings, Code::PermissionApiAbsent);
    assert_eq!(absent.severity, Severity::Error);
    assert!(absent.why.contains("AADSTS650052"), "{}", absent.why);
    assert!(
        matches!(&absent.remedy, Some(Remedy::RemovePermissions { permissions }) if permissions[0].resource_app_id == ELSEWHERE)
    );
    let steps = fix_plan(
        &app(doc.clone()),
        &ctx,
        &findings,
        FixOptions { remove_extra: true },
    );
    let body = steps[0].request().body.unwrap();
    assert_eq!(
        body["requiredResourceAccess"].as_array().map(Vec::len),
        Some(1),
        "only Microsoft Graph is left: {body}"
    );

    // Exchange Online missing from the tenant is the tenant's to enable, not the app's to drop.
    let ctx = AuditContext {
        absent_resources: vec![EXCHANGE_ONLINE.into()],
        ..context()
    };
    let findings = run(
        "nylas-v2",
        planned(&profile::find("nylas-v2").unwrap()),
        &ctx,
    );
    let absent = find(&findings, Code::PermissionApiAbsent);
    assert!(absent.title.contains("Exchange Online"), "{}", absent.title);
    assert!(absent.remedy.is_none());
    assert!(
        !codes(&run("nylas-v3", healthy(), &ctx)).contains(&"permission-api-absent"),
        "an app without Exchange permissions is not concerned"
    );
}

#[test]
fn implicit_grant_a_platform_never_uses_is_a_warning_removed_only_when_asked() {
    let mut doc = healthy();
    doc["web"]["implicitGrantSettings"]["enableAccessTokenIssuance"] = json!(true);
    let findings = run("nylas-v3", doc.clone(), &context());
    let unneeded = find(&findings, Code::ImplicitGrantUnneeded);
    assert_eq!(unneeded.severity, Severity::Warning);
    assert!(
        unneeded.title.contains("access tokens"),
        "{}",
        unneeded.title
    );
    assert!(
        fix_plan(
            &app(doc.clone()),
            &context(),
            &findings,
            FixOptions::default()
        )
        .is_empty(),
        "turning it off waits for --remove-extra"
    );
    let steps = fix_plan(
        &app(doc),
        &context(),
        &findings,
        FixOptions { remove_extra: true },
    );
    let body = steps[0].request().body.unwrap();
    assert_eq!(
        body["web"]["implicitGrantSettings"]["enableAccessTokenIssuance"],
        false
    );
    assert_eq!(
        body["web"]["redirectUris"],
        json!([US, EU]),
        "the redirect URIs stay"
    );
    // Streams needs both: nothing to warn about.
    let streams = planned(&profile::find("nylas-streams").unwrap());
    assert!(
        !codes(&run("nylas-streams", streams, &context())).contains(&"implicit-grant-unneeded")
    );
}

const EXCHANGE_EWS: &str = "3b5f3d61-589b-4a3c-a359-5dd4b5ee5bd5";
const FULL_ACCESS_AS_APP: &str = "dc890d15-9560-4a4c-9b7f-a736ec74ec40";

/// A Nylas v2 app as the preset planned it before EWS became optional: EAS and EWS.
fn nylas_v2_with_ews() -> Value {
    let mut doc = planned(&profile::find("nylas-v2").unwrap());
    doc["requiredResourceAccess"][1]["resourceAccess"]
        .as_array_mut()
        .unwrap()
        .push(json!({"id": EXCHANGE_EWS, "type": "Scope"}));
    doc
}

#[test]
fn an_app_that_relies_on_ews_is_warned_with_the_dates() {
    let findings = run("nylas-v2", nylas_v2_with_ews(), &context());
    assert_eq!(codes(&findings), ["ews-retiring"], "nothing else is wrong");
    let ews = &findings[0];
    assert_eq!(ews.severity, Severity::Warning);
    assert_eq!(
        ews.title,
        "the app relies on Exchange Web Services: EWS.AccessAsUser.All"
    );
    assert_eq!(
        ews.why,
        format!("{}.", crate::microsoft_dates::ews_retirement())
    );
    assert!(ews.why.contains("2026-10-01") && ews.why.contains("2027-04-01"));
    assert!(ews.fix.contains("Microsoft Graph"), "{}", ews.fix);
    assert_eq!(ews.portal, "API permissions > Configured permissions");
    // The preset no longer asks for EWS: removing it is offered, but only when asked for.
    assert_eq!(
        ews.action(),
        Some(crate::doctor::finding::Action::FixRemovingExtras)
    );
    let ctx = context();
    let doc = nylas_v2_with_ews();
    assert!(fix_plan(&app(doc.clone()), &ctx, &findings, FixOptions::default()).is_empty());
    let steps = fix_plan(
        &app(doc),
        &ctx,
        &findings,
        FixOptions { remove_extra: true },
    );
    let body = steps[0].request().body.unwrap();
    assert_eq!(
        body["requiredResourceAccess"][1]["resourceAccess"],
        json!([{"id": "266d2589-20b5-4f91-9a03-89247d1be8da", "type": "Scope"}]),
        "EAS stays"
    );
    // Without EWS the app is clean.
    let planned_now = planned(&profile::find("nylas-v2").unwrap());
    assert!(run("nylas-v2", planned_now, &context()).is_empty());
}

#[test]
fn ews_asked_for_is_still_warned_about_but_not_removed() {
    let wants = Wants {
        capabilities: vec!["ews".into()],
        ..Wants::default()
    };
    let findings = run(
        "nylas-v2",
        nylas_v2_with_ews(),
        &AuditContext { wants, ..context() },
    );
    let ews = find(&findings, Code::EwsRetiring);
    assert_eq!(ews.action(), None);
    assert!(ews.fix.contains("before 2027-04-01"), "{}", ews.fix);
    assert!(ews.fix.contains("EWSAllowedAppIDs"), "{}", ews.fix);
}

#[test]
fn full_access_as_app_and_graphs_ews_copy_are_ews_too() {
    let mut doc = healthy();
    doc["requiredResourceAccess"] = json!([
        {"resourceAppId": MICROSOFT_GRAPH, "resourceAccess": [{"id": "9769c687-087d-48ac-9cb3-c37dde652038", "type": "Scope"}]},
        {"resourceAppId": EXCHANGE_ONLINE, "resourceAccess": [{"id": FULL_ACCESS_AS_APP, "type": "Role"}]}
    ]);
    let findings = run("nylas-v3", doc, &context());
    let ews = find(&findings, Code::EwsRetiring);
    assert!(ews.title.contains("EWS.AccessAsUser.All"), "{}", ews.title);
    // The offline catalog does not know Exchange's application roles: the id stands for it.
    assert!(ews.title.contains(FULL_ACCESS_AS_APP), "{}", ews.title);
    match &ews.remedy {
        Some(Remedy::RemovePermissions { permissions }) => assert_eq!(permissions.len(), 2),
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_permission_id_the_api_does_not_publish_blocks_consent() {
    let mut doc = healthy();
    let access = doc["requiredResourceAccess"][0]["resourceAccess"]
        .as_array_mut()
        .unwrap();
    // A typo, and Mail.Read's delegated id under the application type.
    access.push(json!({"id": "e1fe6dd8-ba31-4d61-89e7-88639da4683e", "type": "Scope"}));
    access.push(json!({"id": "570282fd-fa5c-430d-a7fd-fc8dc98a9dca", "type": "Role"}));
    let findings = run("nylas-v3", doc.clone(), &context());
    let unknown = find(&findings, Code::PermissionUnknown);
    assert!(
        unknown
            .title
            .contains("e1fe6dd8-ba31-4d61-89e7-88639da4683e (Scope)")
            && unknown
                .title
                .contains("570282fd-fa5c-430d-a7fd-fc8dc98a9dca (Role)"),
        "{}",
        unknown.title
    );
    assert!(unknown.why.contains("AADSTS650053"));
    let steps = fix_plan(
        &app(doc),
        &context(),
        &findings,
        FixOptions { remove_extra: true },
    );
    let kept =
        &steps[0].request().body.unwrap()["requiredResourceAccess"][0]["resourceAccess"].clone();
    assert_eq!(kept.as_array().map(Vec::len), Some(6), "{kept}");

    // Another API is judged by its own list as read from the tenant, not guessed at.
    const OTHER: &str = "11111111-2222-4333-8444-555555555555";
    let mut doc = healthy();
    doc["requiredResourceAccess"].as_array_mut().unwrap().push(
        json!({"resourceAppId": OTHER, "resourceAccess": [{"id": "99999999-2222-4333-8444-555555555555", "type": "Scope"}]}),
    );
    assert!(!codes(&run("nylas-v3", doc.clone(), &context())).contains(&"permission-unknown"));
    let mut ctx = context();
    ctx.resources.push(
        serde_json::from_value::<ServicePrincipal>(json!({"id": "other-sp", "appId": OTHER,
            "oauth2PermissionScopes": [{"id": "88888888-2222-4333-8444-555555555555", "value": "Things.Read"}]}))
        .unwrap()
        .into(),
    );
    assert!(codes(&run("nylas-v3", doc, &ctx)).contains(&"permission-unknown"));
}

/// Findings of every code, in each of their wordings (with and without a near miss, a newer
/// secret, wanted consent, …), for tests of how the front ends word them.
pub fn every_kind_of_finding() -> Vec<Finding> {
    let with = |change: &dyn Fn(&mut Value)| {
        let mut doc = healthy();
        change(&mut doc);
        doc
    };
    let secrets = |list: Value| with(&|d| d["passwordCredentials"] = list.clone());
    let wants_consent = |ctx: AuditContext| AuditContext {
        wants: Wants {
            admin_consent: true,
            ..Wants::default()
        },
        ..ctx
    };
    let disabled_sp: ServicePrincipal = serde_json::from_value(json!({
        "id": "client-sp",
        "appId": "a9900000-0000-4000-8000-000000000001",
        "accountEnabled": false,
        "appRoleAssignmentRequired": true,
    }))
    .unwrap();
    const ELSEWHERE: &str = "11111111-2222-4333-8444-555555555555";
    let mut broken_permissions = graph_scopes(&["openid", "User.Read"]);
    broken_permissions.push(json!({"id": PLACE_READ_ALL, "type": "Scope"}));
    broken_permissions.push(json!({"id": MAIL_READ_ROLE, "type": "Role"}));
    broken_permissions.push(json!({"id": "e1fe6dd8-ba31-4d61-89e7-88639da4683e", "type": "Scope"}));
    let permissions = json!([
        {"resourceAppId": MICROSOFT_GRAPH, "resourceAccess": broken_permissions},
        {"resourceAppId": AZURE_AD_GRAPH, "resourceAccess": [{"id": "311a71cc-e848-46a1-bdf8-97ff7156d8e6", "type": "Scope"}]},
        {"resourceAppId": ELSEWHERE, "resourceAccess": [{"id": "99999999-2222-4333-8444-555555555555", "type": "Scope"}]},
        {"resourceAppId": EXCHANGE_ONLINE, "resourceAccess": [{"id": "3b5f3d61-589b-4a3c-a359-5dd4b5ee5bd5", "type": "Scope"}]}
    ]);
    let scenarios: Vec<(&str, Value, AuditContext)> = vec![
        (
            "nylas-v3",
            with(&|d| {
                d["signInAudience"] = json!("AzureADMultipleOrgs");
                d["api"]["requestedAccessTokenVersion"] = Value::Null;
                d["passwordCredentials"] = json!([]);
                d["isFallbackPublicClient"] = json!(true);
                d["web"]["implicitGrantSettings"]["enableAccessTokenIssuance"] = json!(true);
            }),
            AuditContext {
                service_principal: None,
                verified_publisher: None,
                ..context()
            },
        ),
        (
            "nango",
            with(&|d| d["signInAudience"] = json!("AzureADMyOrg")),
            context(),
        ),
        (
            "nango",
            with(&|d| d["signInAudience"] = json!("AzureADMultipleOrgs")),
            context(),
        ),
        (
            "nylas-v3",
            with(&|d| {
                d["web"]["redirectUris"] = json!([format!("{US}/"), "https://old.example.com/cb"]);
                d["spa"]["redirectUris"] = json!([EU]);
            }),
            context(),
        ),
        ("nylas-streams", healthy(), context()),
        (
            "nylas-v2",
            nylas_v2_with_ews(),
            AuditContext {
                wants: Wants {
                    capabilities: vec!["ews".into()],
                    ..Wants::default()
                },
                ..context()
            },
        ),
        (
            "nylas-v3",
            with(&|d| d["requiredResourceAccess"] = permissions.clone()),
            AuditContext {
                absent_resources: vec![ELSEWHERE.into(), EXCHANGE_ONLINE.into()],
                wants: Wants {
                    capabilities: vec!["mail-send".into()],
                    ..Wants::default()
                },
                ..context()
            },
        ),
        (
            "nylas-v3",
            with(&|d| d["requiredResourceAccess"] = permissions.clone()),
            wants_consent(context()),
        ),
        (
            "nylas-v3",
            secrets(json!([{"keyId": "k-old", "endDateTime": "2026-05-01T00:00:00Z"}])),
            context(),
        ),
        (
            "nylas-v3",
            secrets(json!([
                {"keyId": "k1", "endDateTime": "2026-06-08T12:00:00Z"},
                {"keyId": "k2", "endDateTime": "2028-01-01T00:00:00Z"},
                {"keyId": "k0", "endDateTime": "2026-01-01T00:00:00Z"}
            ])),
            context(),
        ),
        (
            "nylas-v3",
            secrets(json!([{"keyId": "k1", "endDateTime": "2026-06-08T12:00:00Z"}])),
            context(),
        ),
        (
            "nylas-v3",
            secrets(json!([{"keyId": "k1", "endDateTime": "2026-07-21T12:00:00Z"}])),
            context(),
        ),
        (
            "nylas-v3",
            healthy(),
            AuditContext {
                service_principal: Some(disabled_sp),
                ..context()
            },
        ),
        ("nylas-v3", healthy(), wants_consent(context())),
        (
            "nylas-v3",
            healthy(),
            wants_consent(AuditContext {
                grants: None,
                ..context()
            }),
        ),
        (
            "nylas-v3",
            healthy(),
            wanting(crate::plan::OptionalSettings {
                hide_app: true,
                logo: crate::plan::Logo::from_bytes(b"\x89PNG\r\n\x1a\n".to_vec(), "logo.png").ok(),
                ..branded()
            }),
        ),
    ];
    scenarios
        .into_iter()
        .flat_map(|(profile, doc, ctx)| run(profile, doc, &ctx))
        .collect()
}

#[test]
fn every_kind_of_finding_covers_every_code() {
    let found = every_kind_of_finding();
    let missing: Vec<&str> = Code::ALL
        .iter()
        .filter(|code| !found.iter().any(|f| f.code == **code))
        .map(|code| code.as_str())
        .collect();
    assert!(missing.is_empty(), "{missing:?}");
}

#[test]
fn an_initial_publisher_domain_is_named_before_verification_is_offered() {
    let mut doc = healthy();
    doc["publisherDomain"] = json!("contoso.onmicrosoft.com");
    let ctx = AuditContext {
        verified_publisher: None,
        ..wanting(crate::plan::OptionalSettings {
            publisher_id: Some("1234567".into()),
            ..Default::default()
        })
    };
    let findings = run("nylas-v3", doc.clone(), &ctx);
    let publisher = find(&findings, Code::PublisherUnverified);
    assert!(
        publisher.fix.contains("contoso.onmicrosoft.com"),
        "{publisher:?}"
    );
    assert_eq!(publisher.remedy, None, "Microsoft would refuse it");

    doc["publisherDomain"] = json!("contoso.com");
    let findings = run("nylas-v3", doc, &ctx);
    assert!(matches!(
        find(&findings, Code::PublisherUnverified).remedy,
        Some(Remedy::VerifyPublisher { .. })
    ));
}

#[test]
fn a_publisher_verified_with_another_mpn_id_than_asked_is_said() {
    let ctx = wanting(crate::plan::OptionalSettings {
        publisher_id: Some("7654321".into()),
        ..Default::default()
    });
    let findings = run("nylas-v3", healthy(), &ctx);
    let publisher = find(&findings, Code::PublisherUnverified);
    assert!(
        publisher
            .title
            .contains("(MPN id 1234567), not with MPN id 7654321"),
        "{publisher:?}"
    );
    assert!(matches!(
        &publisher.remedy,
        Some(Remedy::VerifyPublisher { publisher_id }) if publisher_id == "7654321"
    ));
    // The same id as asked: nothing to say.
    let same = wanting(crate::plan::OptionalSettings {
        publisher_id: Some("1234567".into()),
        ..Default::default()
    });
    let findings = run("nylas-v3", healthy(), &same);
    assert!(
        !findings.iter().any(|f| f.code == Code::PublisherUnverified),
        "{findings:?}"
    );
}
