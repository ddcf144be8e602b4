//! Importing a pasted manifest `requiredResourceAccess` block, as the platforms' guides print it.
//!
//! Guides often show a fragment: the bare `"requiredResourceAccess": [...]` property, a block cut
//! off before its closing brackets, or one with trailing commas. Those are repaired when the fix
//! is unambiguous; anything else is a clear parse error.

use super::{Catalog, Permission, PermissionKind};
use serde::Deserialize;
use std::fmt;

#[derive(Debug, Clone, PartialEq)]
pub struct ImportedPermission {
    pub resource_app_id: String,
    pub resource_name: String,
    pub permission: Permission,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ImportWarning {
    RetiredResourceDropped {
        resource: String,
        count: usize,
        why: String,
    },
    AdminConsentRequired {
        resource: String,
        name: String,
    },
    UnknownPermission {
        resource: String,
        id: String,
    },
    UnknownResource {
        resource_app_id: String,
        count: usize,
    },
    Repaired(String),
}

impl fmt::Display for ImportWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ImportWarning::RetiredResourceDropped {
                resource,
                count,
                why,
            } => {
                write!(f, "dropped {count} permission(s) of {resource}: {why}")
            }
            ImportWarning::AdminConsentRequired { resource, name } => write!(
                f,
                "{resource} {name} needs an administrator's consent; remove it unless the integration really uses it"
            ),
            ImportWarning::UnknownPermission { resource, id } => {
                write!(f, "dropped unknown permission id {id} on {resource}")
            }
            ImportWarning::UnknownResource {
                resource_app_id,
                count,
            } => write!(
                f,
                "dropped {count} permission(s) of unknown resource {resource_app_id}"
            ),
            ImportWarning::Repaired(what) => write!(f, "repaired the pasted block: {what}"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("cannot read the pasted manifest block: {0}")]
pub struct ManifestError(String);

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Imported {
    pub permissions: Vec<ImportedPermission>,
    pub warnings: Vec<ImportWarning>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Entry {
    resource_app_id: String,
    #[serde(default)]
    resource_access: Vec<Access>,
}

#[derive(Deserialize)]
struct Access {
    id: String,
    #[serde(rename = "type")]
    kind: String,
}

impl Catalog {
    pub fn import_manifest(&self, text: &str) -> Result<Imported, ManifestError> {
        let mut imported = Imported::default();
        let (entries, repairs) = parse_entries(text)?;
        imported
            .warnings
            .extend(repairs.into_iter().map(ImportWarning::Repaired));
        for entry in entries {
            let Some(resource) = self.resource_by_app_id(&entry.resource_app_id) else {
                imported.warnings.push(ImportWarning::UnknownResource {
                    resource_app_id: entry.resource_app_id,
                    count: entry.resource_access.len(),
                });
                continue;
            };
            if let Some(why) = &resource.retired {
                imported
                    .warnings
                    .push(ImportWarning::RetiredResourceDropped {
                        resource: resource.display_name.clone(),
                        count: entry.resource_access.len(),
                        why: why.clone(),
                    });
                continue;
            }
            for access in entry.resource_access {
                let kind = PermissionKind::from_graph(&access.kind);
                let found = resource
                    .permissions
                    .iter()
                    .find(|p| Some(p.kind) == kind && p.id.eq_ignore_ascii_case(&access.id));
                let Some(permission) = found else {
                    imported.warnings.push(ImportWarning::UnknownPermission {
                        resource: resource.display_name.clone(),
                        id: access.id,
                    });
                    continue;
                };
                if permission.admin_consent {
                    imported.warnings.push(ImportWarning::AdminConsentRequired {
                        resource: resource.display_name.clone(),
                        name: permission.name.clone(),
                    });
                }
                let duplicate = imported.permissions.iter().any(|p| {
                    p.resource_app_id == resource.app_id && p.permission.id == permission.id
                });
                if !duplicate {
                    imported.permissions.push(ImportedPermission {
                        resource_app_id: resource.app_id.clone(),
                        resource_name: resource.display_name.clone(),
                        permission: permission.clone(),
                    });
                }
            }
        }
        Ok(imported)
    }
}

/// Accepts a whole manifest, the bare property, the array, or one entry object.
fn parse_entries(text: &str) -> Result<(Vec<Entry>, Vec<String>), ManifestError> {
    let mut repairs = Vec::new();
    let mut candidate = text.trim().trim_end_matches(',').to_string();
    if candidate.is_empty() {
        return Err(ManifestError("the block is empty".into()));
    }
    if candidate.starts_with('"') {
        // The closing brace is added with any other missing closers below.
        candidate.insert(0, '{');
        repairs.push("added the opening brace before the property".into());
    }
    let without_commas = strip_trailing_commas(&candidate);
    if without_commas != candidate {
        repairs.push("removed trailing commas".into());
        candidate = without_commas;
    }
    let closers = missing_closers(&candidate)?;
    if !closers.is_empty() {
        repairs.push(format!("added the missing closing '{closers}'"));
        candidate.push_str(&closers);
    }
    let value: serde_json::Value =
        serde_json::from_str(&candidate).map_err(|e| ManifestError(e.to_string()))?;
    let list = match value {
        serde_json::Value::Object(mut map) => match map.remove("requiredResourceAccess") {
            Some(list) => list,
            None if map.contains_key("resourceAppId") => {
                serde_json::Value::Array(vec![serde_json::Value::Object(map)])
            }
            None => {
                return Err(ManifestError(
                    "no requiredResourceAccess property and no resourceAppId in it".into(),
                ));
            }
        },
        list @ serde_json::Value::Array(_) => list,
        _ => return Err(ManifestError("expected a JSON object or array".into())),
    };
    let entries = serde_json::from_value(list).map_err(|e| {
        ManifestError(format!(
            "each entry needs resourceAppId and resourceAccess [{{id, type}}]: {e}"
        ))
    })?;
    Ok((entries, repairs))
}

/// Follows JSON text character by character, telling structure from string content.
#[derive(Default)]
struct Scanner {
    in_string: bool,
    escaped: bool,
}

impl Scanner {
    /// Whether `c` is structure (outside any string, quotes excluded).
    fn structural(&mut self, c: char) -> bool {
        if self.in_string {
            match (self.escaped, c) {
                (true, _) => self.escaped = false,
                (false, '\\') => self.escaped = true,
                (false, '"') => self.in_string = false,
                _ => {}
            }
            return false;
        }
        if c == '"' {
            self.in_string = true;
            return false;
        }
        true
    }
}

/// Removes commas that stand right before a closing bracket, outside strings.
fn strip_trailing_commas(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut scanner = Scanner::default();
    // A comma and the white space after it, held until the next structural character.
    let mut held: Option<String> = None;
    for c in text.chars() {
        if !scanner.structural(c) {
            out.extend(held.take());
            out.push(c);
            continue;
        }
        match (held.as_mut(), c) {
            (Some(pending), c) if c.is_whitespace() => pending.push(c),
            (Some(_), ']' | '}') => {
                out.push_str(held.take().unwrap_or_default().trim_start_matches(','));
                out.push(c);
            }
            (_, ',') => {
                out.extend(held.take());
                held = Some(",".into());
            }
            _ => {
                out.extend(held.take());
                out.push(c);
            }
        }
    }
    if let Some(pending) = held {
        out.push_str(pending.trim_start_matches(','));
    }
    out
}

/// The brackets a block cut off at its end still needs, innermost first.
fn missing_closers(text: &str) -> Result<String, ManifestError> {
    let mut stack = Vec::new();
    let mut scanner = Scanner::default();
    for c in text.chars().filter(|&c| scanner.structural(c)) {
        match c {
            '{' => stack.push('}'),
            '[' => stack.push(']'),
            '}' | ']' if stack.pop() != Some(c) => {
                return Err(ManifestError(format!(
                    "a '{c}' does not match its opening bracket"
                )));
            }
            _ => {}
        }
    }
    if scanner.in_string {
        return Err(ManifestError("a string is not closed".into()));
    }
    Ok(stack.into_iter().rev().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The sample manifest block of the Nylas v2 guide: Azure AD Graph plus Place.Read.All.
    const NYLAS_V2_SAMPLE: &str = r#""requiredResourceAccess": [
        {
            "resourceAppId": "00000003-0000-0000-c000-000000000000",
            "resourceAccess": [
                { "id": "7427e0e9-2fba-42fe-b0c0-848c9e6a8182", "type": "Scope" },
                { "id": "37f7f235-527c-4136-accd-4a02d197296e", "type": "Scope" },
                { "id": "14dad69e-099b-42c9-810b-d002981feec1", "type": "Scope" },
                { "id": "e1fe6dd8-ba31-4d61-89e7-88639da4683d", "type": "Scope" },
                { "id": "cb8f45a0-5c2e-4ea1-b803-84b870a7d7ec", "type": "Scope" },
            ]
        },
        {
            "resourceAppId": "00000002-0000-0ff1-ce00-000000000000",
            "resourceAccess": [
                { "id": "266d2589-20b5-4f91-9a03-89247d1be8da", "type": "Scope" },
                { "id": "3b5f3d61-589b-4a3c-a359-5dd4b5ee5bd5", "type": "Scope" }
            ]
        },
        {
            "resourceAppId": "00000002-0000-0000-c000-000000000000",
            "resourceAccess": [
                { "id": "311a71cc-e848-46a1-bdf8-97ff7156d8e6", "type": "Scope" }
            ]
        }
    "#;

    #[test]
    fn nylas_sample_imports_with_warnings() {
        let imported = Catalog::offline().import_manifest(NYLAS_V2_SAMPLE).unwrap();
        let names: Vec<_> = imported
            .permissions
            .iter()
            .map(|p| p.permission.name.as_str())
            .collect();
        assert_eq!(
            names,
            [
                "offline_access",
                "openid",
                "profile",
                "User.Read",
                "Place.Read.All",
                "EAS.AccessAsUser.All",
                "EWS.AccessAsUser.All"
            ]
        );
        let text: Vec<String> = imported.warnings.iter().map(ToString::to_string).collect();
        assert!(
            text.iter().any(|w| w.contains("Azure AD Graph")),
            "{text:?}"
        );
        assert!(
            text.iter().any(|w| w.contains("Place.Read.All")),
            "{text:?}"
        );
        assert!(
            text.iter().any(|w| w.contains("trailing commas")),
            "{text:?}"
        );
        assert!(
            text.iter().any(|w| w.contains("missing closing ']}'")),
            "{text:?}"
        );
    }

    #[test]
    fn whole_manifests_arrays_and_single_entries_import() {
        let catalog = Catalog::offline();
        let entry = r#"{"resourceAppId":"00000003-0000-0000-c000-000000000000","resourceAccess":[{"id":"570282fd-fa5c-430d-a7fd-fc8dc98a9dca","type":"Scope"}]}"#;
        for text in [
            format!(r#"{{"displayName":"x","requiredResourceAccess":[{entry}]}}"#),
            format!("[{entry}]"),
            entry.to_string(),
        ] {
            let imported = catalog.import_manifest(&text).unwrap();
            assert_eq!(imported.permissions[0].permission.name, "Mail.Read");
            assert!(imported.warnings.is_empty(), "{:?}", imported.warnings);
        }
    }

    #[test]
    fn unknown_ids_and_resources_are_dropped_with_a_warning() {
        let text = r#"[{"resourceAppId":"00000003-0000-0000-c000-000000000000","resourceAccess":[{"id":"00000000-0000-0000-0000-000000000001","type":"Scope"}]},
                       {"resourceAppId":"11111111-1111-1111-1111-111111111111","resourceAccess":[{"id":"x","type":"Scope"}]}]"#;
        let imported = Catalog::offline().import_manifest(text).unwrap();
        assert!(imported.permissions.is_empty());
        assert_eq!(imported.warnings.len(), 2);
    }

    #[test]
    fn repairs_leave_string_content_alone() {
        let text = r#"{"a": "x, ]", "b": [1, 2,],}"#;
        assert_eq!(strip_trailing_commas(text), r#"{"a": "x, ]", "b": [1, 2]}"#);
        assert_eq!(missing_closers(r#"{"a": ["}""#).unwrap(), "]}");
    }

    #[test]
    fn garbage_is_a_clear_error_not_a_panic() {
        let catalog = Catalog::offline();
        for text in [
            "",
            "}",
            "[1,2",
            "\"requiredResourceAccess\": 5",
            "{\"a\":\"unterminated",
            "[{]",
        ] {
            assert!(catalog.import_manifest(text).is_err(), "{text}");
        }
    }
}
