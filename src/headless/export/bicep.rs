//! Bicep: a file of the Microsoft Graph extension (`extension microsoftGraphV1`). A deployment
//! finds the app by its `uniqueName` and the service principal by its `appId`, and so updates
//! them rather than make new ones.

use super::lines::Lines;
use super::model::{App, Assignment, Export, Grant, Principal};

const COMMENT: &str = "//";
/// The v1.0 types the file is written against.
const EXTENSION: &str = "br:mcr.microsoft.com/bicep/extensions/microsoftgraph/v1.0:1.0.0";

pub fn render(export: &Export) -> String {
    let mut bicep = Lines::new();
    for line in export.summary() {
        bicep.comment(COMMENT, &line);
    }
    bicep.comment(
        COMMENT,
        "Exported by appreg for the Microsoft Graph Bicep extension, which takes no client secrets (make one with `appreg rotate-secret`).",
    );
    bicep.comment(
        COMMENT,
        "bicepconfig.json beside this file names the extension:",
    );
    bicep.comment(
        COMMENT,
        &format!("  {{ \"extensions\": {{ \"microsoftGraphV1\": \"{EXTENSION}\" }} }}"),
    );
    bicep.line("extension microsoftGraphV1");
    bicep.blank();
    application(&mut bicep, &export.app);
    if let Some(principal) = &export.principal {
        service_principal(&mut bicep, principal);
        for grant in &export.grants {
            delegated_grant(&mut bicep, grant);
        }
        for assignment in &export.assignments {
            role_assignment(&mut bicep, assignment);
        }
    }
    bicep.finish()
}

fn property(bicep: &mut Lines, name: &str, value: impl AsRef<str>) {
    bicep.line(format!("{name}: {}", value.as_ref()));
}

fn strings(bicep: &mut Lines, name: &str, items: &[String]) {
    if items.is_empty() {
        property(bicep, name, "[]");
        return;
    }
    bicep.open(format!("{name}: ["));
    for item in items {
        bicep.line(quote(item));
    }
    bicep.close("]");
}

fn application(bicep: &mut Lines, app: &App) {
    let unique_name = match &app.unique_name {
        Some(name) => quote(name),
        None => {
            bicep.comment(
                COMMENT,
                &format!(
                    "The app has no uniqueName, the key Bicep finds an app by: give it one first (it is set once, with PATCH /applications/{} {{\"uniqueName\": \"…\"}}), or deploying makes a second app.",
                    app.object_id
                ),
            );
            bicep.line("param uniqueName string");
            bicep.blank();
            "uniqueName".into()
        }
    };
    bicep.open("resource app 'Microsoft.Graph/applications@v1.0' = {");
    property(bicep, "uniqueName", unique_name);
    property(bicep, "displayName", quote(&app.display_name));
    property(bicep, "signInAudience", quote(&app.sign_in_audience));
    if app.fallback_public_client {
        property(bicep, "isFallbackPublicClient", "true");
    }
    if !app.tags.is_empty() {
        strings(bicep, "tags", &app.tags);
    }
    if let Some(version) = app.access_token_version {
        bicep.open("api: {");
        property(bicep, "requestedAccessTokenVersion", version.to_string());
        bicep.close("}");
    }
    web(bicep, app);
    redirect_uris(bicep, "spa", &app.spa_redirect_uris);
    redirect_uris(bicep, "publicClient", &app.public_client_redirect_uris);
    bicep.open("requiredResourceAccess: [");
    for resource in &app.permissions {
        if let Some(name) = &resource.resource_name {
            bicep.comment(COMMENT, name);
        }
        bicep.open("{");
        property(bicep, "resourceAppId", quote(&resource.resource_app_id));
        bicep.open("resourceAccess: [");
        for access in &resource.access {
            bicep.comment(COMMENT, &access.describe());
            bicep.open("{");
            property(bicep, "id", quote(&access.id));
            property(bicep, "type", quote(&access.kind));
            bicep.close("}");
        }
        bicep.close("]");
        bicep.close("}");
    }
    bicep.close("]");
    bicep.close("}");
    bicep.blank();
}

fn web(bicep: &mut Lines, app: &App) {
    let web = &app.web;
    bicep.open("web: {");
    if let Some(url) = &web.home_page_url {
        property(bicep, "homePageUrl", quote(url));
    }
    if let Some(url) = &web.logout_url {
        property(bicep, "logoutUrl", quote(url));
    }
    strings(bicep, "redirectUris", &web.redirect_uris);
    bicep.open("implicitGrantSettings: {");
    property(
        bicep,
        "enableAccessTokenIssuance",
        web.implicit_access_tokens.to_string(),
    );
    property(
        bicep,
        "enableIdTokenIssuance",
        web.implicit_id_tokens.to_string(),
    );
    bicep.close("}");
    bicep.close("}");
}

fn redirect_uris(bicep: &mut Lines, platform: &str, uris: &[String]) {
    if uris.is_empty() {
        return;
    }
    bicep.open(format!("{platform}: {{"));
    strings(bicep, "redirectUris", uris);
    bicep.close("}");
}

fn service_principal(bicep: &mut Lines, principal: &Principal) {
    bicep.open("resource sp 'Microsoft.Graph/servicePrincipals@v1.0' = {");
    property(bicep, "appId", "app.appId");
    property(
        bicep,
        "accountEnabled",
        principal.account_enabled.to_string(),
    );
    property(
        bicep,
        "appRoleAssignmentRequired",
        principal.assignment_required.to_string(),
    );
    if !principal.tags.is_empty() {
        strings(bicep, "tags", &principal.tags);
    }
    bicep.close("}");
    bicep.blank();
}

fn delegated_grant(bicep: &mut Lines, grant: &Grant) {
    bicep.comment(COMMENT, &grant.describe());
    bicep.open(format!(
        "resource grant_{} 'Microsoft.Graph/oauth2PermissionGrants@v1.0' = {{",
        grant.label
    ));
    property(bicep, "clientId", "sp.id");
    property(bicep, "consentType", quote(&grant.consent_type));
    if let Some(user) = &grant.principal_id {
        property(bicep, "principalId", quote(user));
    }
    property(bicep, "resourceId", quote(&grant.resource.object_id));
    property(bicep, "scope", quote(&grant.scopes.join(" ")));
    bicep.close("}");
    bicep.blank();
}

fn role_assignment(bicep: &mut Lines, assignment: &Assignment) {
    bicep.comment(COMMENT, &assignment.describe());
    bicep.open(format!(
        "resource assignment_{} 'Microsoft.Graph/appRoleAssignedTo@v1.0' = {{",
        assignment.label
    ));
    property(bicep, "appRoleId", quote(&assignment.app_role_id));
    property(bicep, "principalId", "sp.id");
    property(bicep, "resourceId", quote(&assignment.resource.object_id));
    bicep.close("}");
    bicep.blank();
}

/// A quoted Bicep string whose value is `text` exactly: `'` and `\` escaped, `${` written as
/// `\${` so nothing is interpolated, and control and reordering characters as `\u{…}`.
pub fn quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('\'');
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\'' => out.push_str("\\'"),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '$' if chars.peek() == Some(&'{') => out.push_str("\\$"),
            c if crate::text::is_unsafe(c) => out.push_str(&format!("\\u{{{:X}}}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}

#[cfg(test)]
mod tests {
    use super::quote;

    #[test]
    fn strings_are_escaped_and_never_interpolate() {
        assert_eq!(quote("it's"), r"'it\'s'");
        assert_eq!(quote(r"C:\x"), r"'C:\\x'");
        assert_eq!(quote("${subscription().id}"), r"'\${subscription().id}'");
        assert_eq!(quote("$5 {x} %{y}"), "'$5 {x} %{y}'");
        assert_eq!(quote("a\nb\u{7}\u{2066}"), r"'a\nb\u{7}\u{2066}'");
    }
}
