//! Every format, golden, for an app with one of everything an export writes; the same app with
//! hostile text; and nothing of a secret in any of them.

use super::Format;
use super::model::Export;
use crate::catalog::{Catalog, EXCHANGE_ONLINE, MICROSOFT_GRAPH};
use crate::doctor::{AuditContext, Inspection};
use serde_json::{Value, json};

const GRAPH_SP: &str = "44444444-4444-4444-8444-444444444444";
const CUSTOM_SP: &str = "88888888-8888-4888-8888-888888888888";
const CUSTOM_API: &str = "99999999-9999-4999-8999-999999999999";
const SECRET_HINT: &str = "Xq8";

fn parse<T: serde::de::DeserializeOwned>(value: Value) -> T {
    serde_json::from_value(value).expect("a fixture Graph shape")
}

/// Everything an export can hold: every platform, both kinds of permission, an API the
/// catalog does not know, admin and user consent, an application permission granted.
fn inspection(display_name: &str) -> Inspection {
    let application = json!({
        "id": "11111111-1111-4111-8111-111111111111",
        "appId": "22222222-2222-4222-8222-222222222222",
        "displayName": display_name,
        "uniqueName": "appreg-acme-mail",
        "signInAudience": "AzureADandPersonalMicrosoftAccount",
        "tags": ["appreg-profile:nylas-v3", "HideApp"],
        "web": {
            "redirectUris": [
                "https://api.us.nylas.com/v3/connect/callback",
                "https://api.eu.nylas.com/v3/connect/callback"
            ],
            "homePageUrl": "https://acme.example",
            "logoutUrl": "https://acme.example/logout",
            "implicitGrantSettings": {"enableAccessTokenIssuance": false, "enableIdTokenIssuance": true}
        },
        "spa": {"redirectUris": ["https://app.acme.example/auth"]},
        "publicClient": {"redirectUris": ["http://localhost:8400"]},
        "isFallbackPublicClient": true,
        "api": {"requestedAccessTokenVersion": 2},
        "requiredResourceAccess": [
            {"resourceAppId": CUSTOM_API, "resourceAccess": [
                {"id": "aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa", "type": "Scope"}
            ]},
            {"resourceAppId": MICROSOFT_GRAPH, "resourceAccess": [
                {"id": "570282fd-fa5c-430d-a7fd-fc8dc98a9dca", "type": "Scope"},
                {"id": "7427e0e9-2fba-42fe-b0c0-848c9e6a8182", "type": "Scope"},
                {"id": "810c84a8-4a9e-49e6-bf7d-12d183f40d01", "type": "Role"}
            ]},
            {"resourceAppId": EXCHANGE_ONLINE, "resourceAccess": [
                {"id": "3b5f3d61-589b-4a3c-a359-5dd4b5ee5bd5", "type": "Scope"}
            ]}
        ],
        "passwordCredentials": [{
            "keyId": "6e1f0000-0000-4000-8000-000000000001", "displayName": "prod",
            "hint": SECRET_HINT, "endDateTime": "2027-01-01T00:00:00Z"
        }]
    });
    let principal = json!({
        "id": "33333333-3333-4333-8333-333333333333",
        "appId": "22222222-2222-4222-8222-222222222222",
        "accountEnabled": false,
        "appRoleAssignmentRequired": true,
        "tags": ["WindowsAzureActiveDirectoryIntegratedApp"]
    });
    let grant = |id: &str, resource: &str, consent: &str, user: Option<&str>, scope: &str| {
        parse(json!({
            "id": id, "clientId": "33333333-3333-4333-8333-333333333333", "resourceId": resource,
            "consentType": consent, "principalId": user, "scope": scope
        }))
    };
    Inspection {
        application: parse(application),
        context: AuditContext {
            tenant_id: Some("c0c0c0c0-0000-4000-8000-000000000001".into()),
            service_principal: Some(parse(principal)),
            // Graph's order, which the export does not keep.
            grants: Some(vec![
                grant(
                    "grant-user",
                    GRAPH_SP,
                    "Principal",
                    Some("55555555-5555-4555-8555-555555555555"),
                    "User.Read",
                ),
                grant(
                    "grant-custom",
                    CUSTOM_SP,
                    "AllPrincipals",
                    None,
                    "access_as_user",
                ),
                grant(
                    "grant-admin",
                    GRAPH_SP,
                    "AllPrincipals",
                    None,
                    "offline_access  Mail.Read openid",
                ),
            ]),
            role_assignments: Some(vec![parse(json!({
                "id": "assignment-1", "appRoleId": "810c84a8-4a9e-49e6-bf7d-12d183f40d01",
                "principalId": "33333333-3333-4333-8333-333333333333", "resourceId": GRAPH_SP
            }))]),
            resources: vec![
                std::sync::Arc::new(parse(
                    json!({"id": GRAPH_SP, "appId": MICROSOFT_GRAPH, "displayName": "Microsoft Graph"}),
                )),
                std::sync::Arc::new(parse(json!({
                    "id": CUSTOM_SP, "appId": CUSTOM_API, "displayName": "Acme API",
                    "oauth2PermissionScopes": [{"id": "aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa", "value": "access_as_user"}]
                }))),
            ],
            ..AuditContext::default()
        },
    }
}

fn render(format: Format, display_name: &str) -> String {
    format.render(&Export::new(&inspection(display_name), &Catalog::offline()))
}

const FORMATS: [(Format, &str); 3] = [
    (Format::Terraform, "terraform"),
    (Format::Bicep, "bicep"),
    (Format::Az, "az"),
];

#[test]
fn every_format_writes_everything_in_one_order() {
    for (format, name) in FORMATS {
        insta::assert_snapshot!(
            format!("everything.{name}"),
            render(format, "Acme Mail (prod)")
        );
    }
}

#[test]
fn without_a_service_principal_only_the_app_is_written() {
    let mut inspection = inspection("Acme Mail");
    inspection.context.service_principal = None;
    inspection.context.grants = None;
    let export = Export::new(&inspection, &Catalog::offline());
    assert!(export.grants.is_empty() && export.unread.is_empty());
    for (format, _) in FORMATS {
        let text = format.render(&export);
        assert!(text.contains("no service principal"), "{text}");
        assert!(
            !text.contains("servicePrincipals") && !text.contains("oauth2PermissionGrants"),
            "{text}"
        );
    }
}

#[test]
fn what_could_not_be_read_is_said() {
    let mut inspection = inspection("Acme Mail");
    inspection.context.grants = None;
    let export = Export::new(&inspection, &Catalog::offline());
    for (format, _) in FORMATS {
        let text = format.render(&export);
        assert!(
            text.contains("Not exported: the delegated permission grants"),
            "{text}"
        );
        assert!(!text.contains("grant-admin"), "{text}");
    }
}

#[test]
fn no_format_holds_anything_of_a_secret() {
    for (format, _) in FORMATS {
        let text = render(format, "Acme Mail");
        assert!(!text.contains(SECRET_HINT), "{text}");
        assert!(!text.contains("2027-01-01"), "{text}");
        assert!(
            text.contains("6e1f0000-0000-4000-8000-000000000001"),
            "{text}"
        );
    }
}

/// Display names that try to break out of every kind of quoting, start a template, steer a
/// terminal or make az read a file.
const HOSTILE: [&str; 4] = [
    "$(touch CANARY) `touch CANARY` '; touch CANARY; echo ' \"; touch CANARY; \"",
    "${path.root} %{ if true }x%{ endif } $${y} %%{z} \\ \"q\" ${sp.id}",
    "@/etc/passwd",
    "x=@/etc/hostname\nline two\t\u{1b}[31m\u{202e}kcatta\u{7f}",
];

#[test]
fn terraform_reads_back_every_hostile_name_as_it_was() {
    use hcl::eval::{Context, Evaluate};
    for name in HOSTILE {
        let text = render(Format::Terraform, name);
        let body = hcl::parse(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
        let app = body
            .blocks()
            .find(|b| {
                b.identifier() == "resource" && b.labels()[0].as_str() == "azuread_application"
            })
            .expect("the application");
        let display_name = app
            .body()
            .attributes()
            .find(|a| a.key() == "display_name")
            .expect("display_name")
            .expr()
            .evaluate(&Context::new())
            .unwrap_or_else(|e| panic!("{e}\n{text}"));
        assert_eq!(display_name, hcl::Value::from(name), "{text}");
        assert_formatted(&text);
    }
}

#[test]
fn terraform_is_as_terraform_fmt_writes_it() {
    assert_formatted(&render(Format::Terraform, "Acme Mail"));
}

/// `terraform fmt` leaves the text as it is, where Terraform is installed.
fn assert_formatted(text: &str) {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let Ok(mut child) = Command::new("terraform")
        .args(["fmt", "-no-color", "-"])
        .env("TF_CLI_CONFIG_FILE", "/dev/null")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
    else {
        eprintln!("terraform is not installed: `terraform fmt` not checked");
        return;
    };
    let mut stdin = child.stdin.take().expect("stdin");
    stdin.write_all(text.as_bytes()).expect("terraform reads");
    drop(stdin);
    let output = child.wait_with_output().expect("terraform fmt runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}\n{text}");
    assert_eq!(String::from_utf8_lossy(&output.stdout), text);
}

#[test]
fn bicep_reads_back_every_hostile_name_as_it_was() {
    for name in HOSTILE {
        let text = render(Format::Bicep, name);
        let strings = bicep_strings(&text);
        assert!(strings.iter().any(|s| s == name), "{strings:?}\n{text}");
        assert!(
            text.lines()
                .all(|l| !l.contains(['\u{1b}', '\u{202e}', '\u{7f}'])),
            "{text}"
        );
    }
}

/// The strings of a Bicep file, decoded; panics unless quotes and brackets are balanced outside
/// strings and comments.
fn bicep_strings(text: &str) -> Vec<String> {
    let mut strings = Vec::new();
    let mut depth: Vec<char> = Vec::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '/' if chars.peek() == Some(&'/') => {
                for c in chars.by_ref() {
                    if c == '\n' {
                        break;
                    }
                }
            }
            '\'' => {
                let mut value = String::new();
                loop {
                    match chars.next().expect("a string ends") {
                        '\'' => break,
                        '\n' => panic!("a line break in a string:\n{text}"),
                        '\\' => match chars.next().expect("an escape") {
                            'n' => value.push('\n'),
                            'r' => value.push('\r'),
                            't' => value.push('\t'),
                            'u' => {
                                assert_eq!(chars.next(), Some('{'));
                                let hex: String =
                                    chars.by_ref().take_while(|c| *c != '}').collect();
                                let code = u32::from_str_radix(&hex, 16).expect("hex");
                                value.push(char::from_u32(code).expect("a character"));
                            }
                            c @ ('\\' | '\'' | '$') => value.push(c),
                            c => panic!("no escape \\{c} in Bicep"),
                        },
                        '$' => {
                            assert_ne!(chars.peek(), Some(&'{'), "an interpolation:\n{text}");
                            value.push('$');
                        }
                        c => value.push(c),
                    }
                }
                strings.push(value);
            }
            '{' | '[' | '(' => depth.push(c),
            '}' | ']' | ')' => {
                let opened = match c {
                    '}' => '{',
                    ']' => '[',
                    _ => '(',
                };
                assert_eq!(depth.pop(), Some(opened), "{text}");
            }
            _ => {}
        }
    }
    assert!(depth.is_empty(), "unclosed {depth:?}:\n{text}");
    strings
}

#[test]
fn az_bodies_read_back_every_hostile_name_and_hold_no_quote_to_break() {
    for name in HOSTILE {
        let text = render(Format::Az, name);
        let body = text
            .split("--body '")
            .nth(1)
            .and_then(|rest| rest.split("}')").next())
            .expect("the app's body");
        let value: Value = serde_json::from_str(&format!("{body}}}")).expect("JSON");
        assert_eq!(value["displayName"], name, "{text}");
        assert!(text.is_ascii(), "{text}");
        assert!(!body.contains(['\'', '@', '=']), "{body}");
    }
}
