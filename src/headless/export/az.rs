//! The Azure CLI commands that make the app anew: each Graph request appreg would send, through
//! `az rest`. Every value goes in a JSON body, never in a flag: az reads a flag's value that
//! starts with `@` (or has one right after its first `=`) as a file name, and a display name
//! may well look like that.

use super::lines::Lines;
use super::model::{App, Assignment, Export, Grant, Principal};
use super::shell::{Json, Word, url_segment};

const COMMENT: &str = "#";

pub fn render(export: &Export) -> String {
    let mut sh = Lines::new();
    sh.line("#!/bin/sh");
    for line in export.summary() {
        sh.comment(COMMENT, &line);
    }
    let tenant = export.tenant_id.as_deref().unwrap_or("TENANT");
    for line in [
        "Exported by appreg: the Azure CLI commands that make this app anew, each a Graph request sent with `az rest`.".to_string(),
        format!("Run them once, signed in to the app's tenant (az login --tenant {tenant}): the API ids below are that tenant's."),
        "Values go in JSON bodies, never in flags: az reads a flag's value that starts with @ as a file name.".to_string(),
        "A client secret afterwards: az ad app credential reset --id \"$app_id\" --append".to_string(),
    ] {
        sh.comment(COMMENT, &line);
    }
    sh.line("set -eu");
    sh.blank();
    sh.line(
        "graph=\"$(az cloud show --query endpoints.microsoftGraphResourceId --output tsv)v1.0\"",
    );
    sh.blank();
    application(&mut sh, &export.app);
    if let Some(principal) = &export.principal {
        service_principal(&mut sh, principal);
        for grant in &export.grants {
            delegated_grant(&mut sh, grant);
        }
        for assignment in &export.assignments {
            role_assignment(&mut sh, assignment);
        }
    }
    sh.line("printf 'client id: %s\\n' \"$app_id\"");
    sh.finish()
}

/// `$graph` and a path below it.
fn graph(path: &str) -> Word {
    let mut uri = Word::default();
    uri.push_var("graph");
    uri.push_text(path);
    uri
}

/// `az rest --method POST`; with `capture`, the answer's field `.1` goes to the variable `.0`,
/// else the answer is not printed.
fn post(sh: &mut Lines, uri: Word, body: Json, capture: Option<(&str, &str)>) {
    let output = match capture {
        Some((_, field)) => format!(" --query {field} --output tsv"),
        None => " --output none".to_string(),
    };
    let command = format!(
        "az rest --method POST --uri {}{output} --body {}",
        uri.render(),
        body.word().render()
    );
    match capture {
        Some((variable, _)) => sh.line(format!("{variable}=$({command})")),
        None => sh.line(command),
    }
    sh.blank();
}

fn application(sh: &mut Lines, app: &App) {
    sh.comment(COMMENT, "The app registration.");
    for resource in &app.permissions {
        let names: Vec<String> = resource.access.iter().map(|a| a.describe()).collect();
        let api = resource
            .resource_name
            .as_deref()
            .unwrap_or(&resource.resource_app_id);
        sh.comment(COMMENT, &format!("{api}: {}", names.join(", ")));
    }
    let mut fields = vec![
        ("displayName", Json::str(&app.display_name)),
        ("signInAudience", Json::str(&app.sign_in_audience)),
    ];
    if let Some(name) = &app.unique_name {
        fields.push(("uniqueName", Json::str(name)));
    }
    if !app.tags.is_empty() {
        fields.push(("tags", Json::strings(&app.tags)));
    }
    if app.fallback_public_client {
        fields.push(("isFallbackPublicClient", Json::Bool(true)));
    }
    if let Some(version) = app.access_token_version {
        fields.push((
            "api",
            Json::Object(vec![("requestedAccessTokenVersion", Json::Int(version))]),
        ));
    }
    fields.push(("web", web(app)));
    for (platform, uris) in [
        ("spa", &app.spa_redirect_uris),
        ("publicClient", &app.public_client_redirect_uris),
    ] {
        if !uris.is_empty() {
            fields.push((
                platform,
                Json::Object(vec![("redirectUris", Json::strings(uris))]),
            ));
        }
    }
    let permissions = app
        .permissions
        .iter()
        .map(|resource| {
            Json::Object(vec![
                ("resourceAppId", Json::str(&resource.resource_app_id)),
                (
                    "resourceAccess",
                    Json::List(
                        resource
                            .access
                            .iter()
                            .map(|a| {
                                Json::Object(vec![
                                    ("id", Json::str(&a.id)),
                                    ("type", Json::str(&a.kind)),
                                ])
                            })
                            .collect(),
                    ),
                ),
            ])
        })
        .collect();
    fields.push(("requiredResourceAccess", Json::List(permissions)));
    post(
        sh,
        graph("/applications"),
        Json::Object(fields),
        Some(("app_id", "appId")),
    );
}

fn web(app: &App) -> Json {
    let web = &app.web;
    let mut fields = Vec::new();
    if let Some(url) = &web.home_page_url {
        fields.push(("homePageUrl", Json::str(url)));
    }
    if let Some(url) = &web.logout_url {
        fields.push(("logoutUrl", Json::str(url)));
    }
    fields.push(("redirectUris", Json::strings(&web.redirect_uris)));
    fields.push((
        "implicitGrantSettings",
        Json::Object(vec![
            (
                "enableAccessTokenIssuance",
                Json::Bool(web.implicit_access_tokens),
            ),
            ("enableIdTokenIssuance", Json::Bool(web.implicit_id_tokens)),
        ]),
    ));
    Json::Object(fields)
}

fn service_principal(sh: &mut Lines, principal: &Principal) {
    sh.comment(COMMENT, "The enterprise application (service principal).");
    let mut fields = vec![
        ("appId", Json::Var("app_id")),
        ("accountEnabled", Json::Bool(principal.account_enabled)),
        (
            "appRoleAssignmentRequired",
            Json::Bool(principal.assignment_required),
        ),
    ];
    if !principal.tags.is_empty() {
        fields.push(("tags", Json::strings(&principal.tags)));
    }
    post(
        sh,
        graph("/servicePrincipals"),
        Json::Object(fields),
        Some(("sp_id", "id")),
    );
}

fn delegated_grant(sh: &mut Lines, grant: &Grant) {
    sh.comment(COMMENT, &grant.describe());
    let mut fields = vec![
        ("clientId", Json::Var("sp_id")),
        ("consentType", Json::str(&grant.consent_type)),
    ];
    if let Some(user) = &grant.principal_id {
        fields.push(("principalId", Json::str(user)));
    }
    fields.push(("resourceId", Json::str(&grant.resource.object_id)));
    fields.push(("scope", Json::str(&grant.scopes.join(" "))));
    post(
        sh,
        graph("/oauth2PermissionGrants"),
        Json::Object(fields),
        None,
    );
}

fn role_assignment(sh: &mut Lines, assignment: &Assignment) {
    sh.comment(COMMENT, &assignment.describe());
    let body = Json::Object(vec![
        ("principalId", Json::Var("sp_id")),
        ("resourceId", Json::str(&assignment.resource.object_id)),
        ("appRoleId", Json::str(&assignment.app_role_id)),
    ]);
    let path = format!(
        "/servicePrincipals/{}/appRoleAssignedTo",
        url_segment(&assignment.resource.object_id)
    );
    post(sh, graph(&path), body, None);
}
