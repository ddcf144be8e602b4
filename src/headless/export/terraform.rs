//! Terraform: `hashicorp/azuread` 3.x resources, each with an `import` block (the provider's
//! documented import IDs), so that `terraform plan` adopts the existing objects and changes
//! nothing. Written as `terraform fmt` writes it.

use super::lines::Lines;
use super::model::{App, Assignment, Export, Grant, Principal};

const COMMENT: &str = "#";

pub fn render(export: &Export) -> String {
    let mut hcl = Lines::new();
    for line in export.summary() {
        hcl.comment(COMMENT, &line);
    }
    hcl.comment(
        COMMENT,
        "Exported by appreg: `terraform plan` imports these objects and should change nothing. For a new secret, add an azuread_application_password resource.",
    );
    hcl.blank();
    settings(&mut hcl);
    application(&mut hcl, &export.app);
    if let Some(principal) = &export.principal {
        service_principal(&mut hcl, principal);
        for grant in &export.grants {
            delegated_grant(&mut hcl, grant);
        }
        for assignment in &export.assignments {
            role_assignment(&mut hcl, assignment);
        }
    }
    hcl.finish()
}

/// An attribute's value: one line, or a list of quoted items written one a line.
enum Value {
    Line(String),
    List(Vec<String>),
}

fn line(value: impl Into<String>) -> Value {
    Value::Line(value.into())
}

fn strings(items: &[String]) -> Value {
    Value::List(items.iter().map(|s| quote(s)).collect())
}

/// Attributes as `terraform fmt` lays them out: the `=` of consecutive one-line attributes
/// aligned; a list over several lines ends the run.
fn attributes(hcl: &mut Lines, attributes: &[(&str, Value)]) {
    let one_line = |v: &Value| match v {
        Value::Line(_) => true,
        Value::List(items) => items.is_empty(),
    };
    let mut rest = attributes;
    while let Some(((name, value), after)) = rest.split_first() {
        if let Value::List(items) = value
            && !items.is_empty()
        {
            hcl.open(format!("{name} = ["));
            for item in items {
                hcl.line(format!("{item},"));
            }
            hcl.close("]");
            rest = after;
            continue;
        }
        let run = rest.iter().take_while(|(_, v)| one_line(v)).count();
        let width = rest[..run].iter().map(|(n, _)| n.len()).max().unwrap_or(0);
        for (name, value) in &rest[..run] {
            let text = match value {
                Value::Line(text) => text.as_str(),
                Value::List(_) => "[]",
            };
            hcl.line(format!("{name:<width$} = {text}"));
        }
        rest = &rest[run..];
    }
}

fn settings(hcl: &mut Lines) {
    hcl.open("terraform {");
    hcl.comment(
        COMMENT,
        "import blocks need Terraform 1.5; the import IDs are those of azuread 3.x.",
    );
    attributes(hcl, &[("required_version", line(quote(">= 1.5.0")))]);
    hcl.blank();
    hcl.open("required_providers {");
    hcl.open("azuread = {");
    attributes(
        hcl,
        &[
            ("source", line(quote("hashicorp/azuread"))),
            ("version", line(quote("~> 3.0"))),
        ],
    );
    hcl.close("}");
    hcl.close("}");
    hcl.close("}");
    hcl.blank();
}

fn import(hcl: &mut Lines, to: &str, id: &str) {
    hcl.open("import {");
    attributes(hcl, &[("to", line(to)), ("id", line(quote(id)))]);
    hcl.close("}");
    hcl.blank();
}

/// Owners are not read, so Terraform is told to leave them as they are rather than remove them.
fn keep_owners(hcl: &mut Lines) {
    hcl.blank();
    hcl.comment(
        COMMENT,
        "appreg does not read owners: Terraform leaves them as they are.",
    );
    hcl.open("lifecycle {");
    attributes(hcl, &[("ignore_changes", line("[owners]"))]);
    hcl.close("}");
}

fn application(hcl: &mut Lines, app: &App) {
    import(
        hcl,
        "azuread_application.app",
        &format!("/applications/{}", app.object_id),
    );
    hcl.open("resource \"azuread_application\" \"app\" {");
    let mut top = vec![
        ("display_name", line(quote(&app.display_name))),
        ("sign_in_audience", line(quote(&app.sign_in_audience))),
    ];
    if app.fallback_public_client {
        top.push(("fallback_public_client_enabled", line("true")));
    }
    if !app.tags.is_empty() {
        top.push(("tags", strings(&app.tags)));
    }
    attributes(hcl, &top);
    if let Some(version) = app.access_token_version {
        hcl.blank();
        hcl.open("api {");
        attributes(
            hcl,
            &[("requested_access_token_version", line(version.to_string()))],
        );
        hcl.close("}");
    }
    web(hcl, app);
    redirect_block(hcl, "single_page_application", &app.spa_redirect_uris);
    redirect_block(hcl, "public_client", &app.public_client_redirect_uris);
    for resource in &app.permissions {
        hcl.blank();
        if let Some(name) = &resource.resource_name {
            hcl.comment(COMMENT, name);
        }
        hcl.open("required_resource_access {");
        attributes(
            hcl,
            &[("resource_app_id", line(quote(&resource.resource_app_id)))],
        );
        for access in &resource.access {
            hcl.blank();
            hcl.comment(COMMENT, &access.describe());
            hcl.open("resource_access {");
            attributes(
                hcl,
                &[
                    ("id", line(quote(&access.id))),
                    ("type", line(quote(&access.kind))),
                ],
            );
            hcl.close("}");
        }
        hcl.close("}");
    }
    keep_owners(hcl);
    hcl.close("}");
    hcl.blank();
}

fn web(hcl: &mut Lines, app: &App) {
    let web = &app.web;
    hcl.blank();
    hcl.open("web {");
    let mut attrs = Vec::new();
    if let Some(url) = &web.home_page_url {
        attrs.push(("homepage_url", line(quote(url))));
    }
    if let Some(url) = &web.logout_url {
        attrs.push(("logout_url", line(quote(url))));
    }
    attrs.push(("redirect_uris", strings(&web.redirect_uris)));
    attributes(hcl, &attrs);
    hcl.blank();
    hcl.open("implicit_grant {");
    attributes(
        hcl,
        &[
            (
                "access_token_issuance_enabled",
                line(web.implicit_access_tokens.to_string()),
            ),
            (
                "id_token_issuance_enabled",
                line(web.implicit_id_tokens.to_string()),
            ),
        ],
    );
    hcl.close("}");
    hcl.close("}");
}

fn redirect_block(hcl: &mut Lines, block: &str, uris: &[String]) {
    if uris.is_empty() {
        return;
    }
    hcl.blank();
    hcl.open(format!("{block} {{"));
    attributes(hcl, &[("redirect_uris", strings(uris))]);
    hcl.close("}");
}

fn service_principal(hcl: &mut Lines, principal: &Principal) {
    import(
        hcl,
        "azuread_service_principal.app",
        &format!("/servicePrincipals/{}", principal.object_id),
    );
    hcl.open("resource \"azuread_service_principal\" \"app\" {");
    let mut attrs = vec![
        ("client_id", line("azuread_application.app.client_id")),
        (
            "account_enabled",
            line(principal.account_enabled.to_string()),
        ),
        (
            "app_role_assignment_required",
            line(principal.assignment_required.to_string()),
        ),
    ];
    if !principal.tags.is_empty() {
        attrs.push(("tags", strings(&principal.tags)));
    }
    attributes(hcl, &attrs);
    keep_owners(hcl);
    hcl.close("}");
    hcl.blank();
}

fn delegated_grant(hcl: &mut Lines, grant: &Grant) {
    let address = format!(
        "azuread_service_principal_delegated_permission_grant.{}",
        grant.label
    );
    hcl.comment(COMMENT, &grant.describe());
    import(
        hcl,
        &address,
        &format!("/oauth2PermissionGrants/{}", grant.id),
    );
    hcl.open(format!(
        "resource \"azuread_service_principal_delegated_permission_grant\" \"{}\" {{",
        grant.label
    ));
    let mut attrs = vec![
        (
            "service_principal_object_id",
            line("azuread_service_principal.app.object_id"),
        ),
        (
            "resource_service_principal_object_id",
            line(quote(&grant.resource.object_id)),
        ),
    ];
    if let Some(user) = &grant.principal_id {
        attrs.push(("user_object_id", line(quote(user))));
    }
    attrs.push(("claim_values", strings(&grant.scopes)));
    attributes(hcl, &attrs);
    hcl.close("}");
    hcl.blank();
}

fn role_assignment(hcl: &mut Lines, assignment: &Assignment) {
    hcl.comment(COMMENT, &assignment.describe());
    import(
        hcl,
        &format!("azuread_app_role_assignment.{}", assignment.label),
        &format!(
            "/servicePrincipals/{}/appRoleAssignedTo/{}",
            assignment.resource.object_id, assignment.id
        ),
    );
    hcl.open(format!(
        "resource \"azuread_app_role_assignment\" \"{}\" {{",
        assignment.label
    ));
    attributes(
        hcl,
        &[
            ("app_role_id", line(quote(&assignment.app_role_id))),
            (
                "principal_object_id",
                line("azuread_service_principal.app.object_id"),
            ),
            (
                "resource_object_id",
                line(quote(&assignment.resource.object_id)),
            ),
        ],
    );
    hcl.close("}");
    hcl.blank();
}

/// A quoted HCL string whose value is `text` exactly: quotes and backslashes escaped, `${` and
/// `%{` doubled so nothing is interpolated, and control and reordering characters written as
/// `\u` escapes.
pub fn quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '$' | '%' if chars.peek() == Some(&'{') => {
                out.push(c);
                out.push(c);
            }
            c if crate::text::is_unsafe(c) => {
                let code = u32::from(c);
                if code > 0xFFFF {
                    out.push_str(&format!("\\U{code:08X}"));
                } else {
                    out.push_str(&format!("\\u{code:04X}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::quote;

    #[test]
    fn strings_are_escaped_and_never_interpolate() {
        assert_eq!(quote("a\"b\\c"), r#""a\"b\\c""#);
        assert_eq!(quote("${path.root}"), r#""$${path.root}""#);
        assert_eq!(quote("%{ if x }"), r#""%%{ if x }""#);
        assert_eq!(quote("$${x}"), r#""$$${x}""#);
        assert_eq!(quote("100% $5 {x}"), r#""100% $5 {x}""#);
        assert_eq!(quote("a\nb\u{1b}\u{202e}"), r#""a\nb\u001B\u202E""#);
        assert_eq!(quote("Café ✓"), "\"Café ✓\"");
    }
}
