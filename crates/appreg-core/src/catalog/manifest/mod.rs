//! Importing a pasted manifest `requiredResourceAccess` block, as the platforms' guides print it.
//!
//! Guides often show a fragment: the bare `"requiredResourceAccess": [...]` property, a block cut
//! off before its closing brackets, or one with trailing commas ([`json`] repairs those when the
//! fix is unambiguous); or their page drops the block's braces and closing brackets altogether
//! ([`printed`] rebuilds it from its keys). Anything else is a parse error naming its line.

mod json;
mod printed;

use super::{Catalog, Permission, PermissionKind};
use crate::text;
use serde::Deserialize;
use std::fmt;

/// The most characters of a pasted id shown back in a warning: a GUID is 36.
const ID_CHARS: usize = 60;

/// The most characters of the pasted line a parse error shows.
const LINE_CHARS: usize = 80;

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

impl ImportWarning {
    /// How many permissions this warning stands for dropping, and what they were.
    fn dropped(&self) -> Option<(usize, String)> {
        let (count, what) = match self {
            ImportWarning::RetiredResourceDropped {
                resource, count, ..
            } => (*count, resource.clone()),
            ImportWarning::UnknownPermission { resource, .. } => {
                (1, format!("unknown {resource} ids"))
            }
            ImportWarning::UnknownResource {
                resource_app_id,
                count,
            } => (*count, format!("unknown resource {resource_app_id}")),
            ImportWarning::AdminConsentRequired { .. } | ImportWarning::Repaired(_) => return None,
        };
        (count > 0).then_some((count, what))
    }
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("cannot read the pasted manifest block: {0}")]
pub struct ManifestError(String);

impl ManifestError {
    /// The pasted text can carry anything: what is shown of it is one safe line.
    fn new(why: impl fmt::Display) -> Self {
        let why = why.to_string();
        Self(text::clip(&text::one_line(&why), text::MESSAGE_CHARS).into_owned())
    }
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Imported {
    pub permissions: Vec<ImportedPermission>,
    pub warnings: Vec<ImportWarning>,
}

impl Imported {
    /// What was kept and what was left out, e.g. "7 imported, 1 dropped: Azure AD Graph (retired)".
    pub fn summary(&self) -> String {
        let imported = format!("{} imported", self.permissions.len());
        let mut count = 0;
        let mut what: Vec<String> = Vec::new();
        for (n, name) in self.warnings.iter().filter_map(ImportWarning::dropped) {
            count += n;
            if !what.contains(&name) {
                what.push(name);
            }
        }
        if count == 0 {
            return imported;
        }
        format!("{imported}, {count} dropped: {}", what.join(", "))
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Entry {
    resource_app_id: String,
    #[serde(default)]
    resource_access: Vec<Access>,
}

#[derive(Debug, Deserialize)]
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
                    resource_app_id: shown_id(&entry.resource_app_id),
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
                        id: shown_id(&access.id),
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

/// An id from the pasted text as a warning shows it: one safe line, clipped.
fn shown_id(id: &str) -> String {
    text::clip(&text::one_line(id), ID_CHARS).into_owned()
}

/// What a block without braces is read as, said with the import's other repairs.
const REBUILT: &str = "the block has no braces, as a guide's page prints it: its entries were rebuilt from their keys";

/// The entries of the pasted block and the repairs made to read it.
fn parse_entries(text: &str) -> Result<(Vec<Entry>, Vec<String>), ManifestError> {
    if !text.trim().is_empty() && !json::has_braces(text) {
        let entries = printed::parse(text).map_err(|p| p.in_text(text, 0))?;
        return Ok((entries, vec![REBUILT.into()]));
    }
    json::parse(text)
}

/// Where the pasted block breaks, before it is put in words with the line it is on.
#[derive(Debug)]
struct Problem {
    /// 1-based, in the text as parsed.
    line: usize,
    /// 1-based, in bytes from the line's start.
    column: usize,
    why: String,
}

impl Problem {
    fn from_json(error: &serde_json::Error) -> Self {
        let full = error.to_string();
        let position = format!(" at line {} column {}", error.line(), error.column());
        Self {
            line: error.line(),
            column: error.column(),
            why: full.strip_suffix(&position).unwrap_or(&full).to_string(),
        }
    }

    /// The problem named with its line of `text` (the text as pasted, `skipped` lines above
    /// the text as parsed).
    fn in_text(self, text: &str, skipped: usize) -> ManifestError {
        let line = self.line + skipped;
        let shown = text
            .lines()
            .nth(line.saturating_sub(1))
            .map(|l| excerpt(l, self.column))
            .unwrap_or_default();
        ManifestError::new(format!("{} on line {line}: {shown}", self.why))
    }
}

/// A line safe to show: a long one (a manifest pasted on one line) cut around `column`.
fn excerpt(line: &str, column: usize) -> String {
    let from = column.saturating_sub(LINE_CHARS / 2);
    let from = (0..=from.min(line.len()))
        .rev()
        .find(|&i| line.is_char_boundary(i))
        .unwrap_or(0);
    let shown = text::one_line(line[from..].trim());
    let shown = text::clip(&shown, LINE_CHARS);
    if from > 0 {
        format!("…{shown}")
    } else {
        shown.into_owned()
    }
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
        assert_eq!(
            imported.summary(),
            "7 imported, 1 dropped: Azure AD Graph (retired)"
        );
    }

    /// The same sample as the guide's page prints it: no braces, no closing brackets.
    const NYLAS_V2_PRINTED: &str = include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/fixtures/seeds/nylas-v2-manifest-as-printed.txt"
    ));

    /// Everything but the repairs: what a block means, however it was written.
    fn meaning(imported: &Imported) -> (Vec<ImportedPermission>, Vec<ImportWarning>) {
        let warnings = imported
            .warnings
            .iter()
            .filter(|w| !matches!(w, ImportWarning::Repaired(_)))
            .cloned()
            .collect();
        (imported.permissions.clone(), warnings)
    }

    #[test]
    fn the_sample_as_its_page_prints_it_means_the_same_as_the_bracketed_block() {
        let catalog = Catalog::offline();
        let printed = catalog.import_manifest(NYLAS_V2_PRINTED).unwrap();
        let bracketed = catalog.import_manifest(NYLAS_V2_SAMPLE).unwrap();
        assert_eq!(meaning(&printed), meaning(&bracketed));
        assert_eq!(
            printed.summary(),
            "7 imported, 1 dropped: Azure AD Graph (retired)"
        );
        let repairs: Vec<String> = printed
            .warnings
            .iter()
            .filter(|w| matches!(w, ImportWarning::Repaired(_)))
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            repairs,
            [
                "repaired the pasted block: the block has no braces, as a guide's page prints it: its entries were rebuilt from their keys"
            ]
        );
        // As a terminal without bracketed paste delivers it: CR line ends, no final newline.
        let typed = NYLAS_V2_PRINTED.trim_end().replace('\n', "\r\n");
        assert_eq!(catalog.import_manifest(&typed).unwrap(), printed);
    }

    #[test]
    fn a_printed_block_that_does_not_fit_names_its_line_and_shows_it() {
        let broken = NYLAS_V2_PRINTED.replacen(
            "                \"type\": \"Scope\"\n",
            "                \"typ\": \"Scope\"\n",
            1,
        );
        let error = Catalog::offline().import_manifest(&broken).unwrap_err();
        assert!(
            error.to_string().starts_with(
                r#"cannot read the pasted manifest block: unexpected key "typ": a block without braces can only hold"#
            ),
            "{error}"
        );
        assert!(
            error.to_string().ends_with(r#"on line 5: "typ": "Scope""#),
            "{error}"
        );
        let error = Catalog::offline()
            .import_manifest("\n\"resourceAppId\": \"x\",\n\"resourceAccess\": [\n  \"id\": \"a\",\n  \"id\": \"b\"")
            .unwrap_err();
        assert_eq!(
            error.to_string(),
            r#"cannot read the pasted manifest block: this id has no "type" after it on line 4: "id": "a","#
        );
    }

    #[test]
    fn a_summary_counts_every_dropped_permission_once() {
        let text = r#"[{"resourceAppId":"00000003-0000-0000-c000-000000000000","resourceAccess":[
            {"id":"570282fd-fa5c-430d-a7fd-fc8dc98a9dca","type":"Scope"},
            {"id":"00000000-0000-0000-0000-000000000001","type":"Scope"},
            {"id":"00000000-0000-0000-0000-000000000002","type":"Scope"}]},
            {"resourceAppId":"11111111-1111-1111-1111-111111111111","resourceAccess":[{"id":"x","type":"Scope"}]}]"#;
        let imported = Catalog::offline().import_manifest(text).unwrap();
        assert_eq!(
            imported.summary(),
            "1 imported, 3 dropped: unknown Microsoft Graph ids, unknown resource 11111111-1111-1111-1111-111111111111"
        );
        let clean = r#"{"resourceAppId":"00000003-0000-0000-c000-000000000000","resourceAccess":[{"id":"570282fd-fa5c-430d-a7fd-fc8dc98a9dca","type":"Scope"}]}"#;
        let imported = Catalog::offline().import_manifest(clean).unwrap();
        assert_eq!(imported.summary(), "1 imported");
    }

    #[test]
    fn a_parse_error_names_its_line_and_shows_it() {
        let text = "\n\n[\n  {\"resourceAppId\": \"x\", \"resourceAccess\": [\n    {\"id\": \"a\" \"type\": \"Scope\"}\n  ]}\n]";
        let error = Catalog::offline().import_manifest(text).unwrap_err();
        assert_eq!(
            error.to_string(),
            r#"cannot read the pasted manifest block: expected `,` or `}` on line 5: {"id": "a" "type": "Scope"}"#
        );
        let error = Catalog::offline().import_manifest("[\n{]").unwrap_err();
        assert_eq!(
            error.to_string(),
            "cannot read the pasted manifest block: a ']' does not match its opening bracket on line 2: {]"
        );
    }

    #[test]
    fn a_long_line_is_shown_around_the_problem() {
        let entry = r#"{"resourceAppId":"00000003-0000-0000-c000-000000000000","resourceAccess":[{"id":"570282fd-fa5c-430d-a7fd-fc8dc98a9dca","type":"Scope"}]}"#;
        let text = format!("[{}, {{\"resourceAppId\" 5}}]", [entry; 20].join(", "));
        let shown = Catalog::offline()
            .import_manifest(&text)
            .unwrap_err()
            .to_string();
        assert!(shown.contains("on line 1: …"), "{shown}");
        assert!(shown.contains(r#"{"resourceAppId" 5}"#), "{shown}");
        assert!(shown.chars().count() < 200, "{shown}");
    }

    #[test]
    fn nothing_from_the_manifest_steers_the_terminal() {
        let catalog = Catalog::offline();
        let hostile = r#"[{"resourceAppId":"\u001b]0;owned\u0007\u202e","resourceAccess":[{"id":"x","type":"Scope"}]},
            {"resourceAppId":"00000003-0000-0000-c000-000000000000","resourceAccess":[{"id":"\u001b[2J","type":"Scope"}]}]"#;
        let imported = catalog.import_manifest(hostile).unwrap();
        let mut shown: Vec<String> = imported.warnings.iter().map(ToString::to_string).collect();
        shown.push(imported.summary());
        let error = catalog
            .import_manifest("[\n  \"\u{1b}[2J\u{7}\" 5\n]")
            .unwrap_err();
        shown.push(error.to_string());
        let typed = catalog
            .import_manifest(r#"{"resourceAppId": "x", "resourceAccess": "\u001b[31m"}"#)
            .unwrap_err();
        shown.push(typed.to_string());
        for text in &shown {
            assert!(!text.chars().any(crate::text::is_unsafe), "{text:?}");
        }
        assert!(shown[0].contains("]0;owned"), "{shown:?}");
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
