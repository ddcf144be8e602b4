//! Microsoft's dates that change what an app should ask for, in one place: the presets, the plan's
//! warnings, the audit and the wizard all cite these, so they cannot tell different stories.

use time::Date;
use time::macros::date;

/// Exchange Online turns Exchange Web Services off in tenants that did not opt in (Microsoft 365
/// message center MC1227454); opted-in tenants keep it for the apps on their allow list
/// (`EWSAllowedAppIDs`)…
pub const EWS_OFF_UNLESS_OPTED_IN: Date = date!(2026 - 10 - 01);
/// …until it is off in every tenant.
pub const EWS_OFF_FOR_ALL: Date = date!(2027 - 04 - 01);

/// The permissions that reach mailboxes through EWS, by id and by name: Exchange Online's
/// delegated `EWS.AccessAsUser.All`, Microsoft Graph's copy of it, and Exchange Online's
/// application role `full_access_as_app`.
const EWS_PERMISSIONS: [(&str, &str); 3] = [
    (
        "3b5f3d61-589b-4a3c-a359-5dd4b5ee5bd5",
        "EWS.AccessAsUser.All",
    ),
    (
        "9769c687-087d-48ac-9cb3-c37dde652038",
        "EWS.AccessAsUser.All",
    ),
    ("dc890d15-9560-4a4c-9b7f-a736ec74ec40", "full_access_as_app"),
];

/// Whether a permission, named by its id or its name, works through EWS. The ids are GUIDs and
/// the names are EWS's own, so either identifies it whatever the resource.
pub fn is_ews(id_or_name: &str) -> bool {
    let wanted = id_or_name.trim();
    EWS_PERMISSIONS
        .iter()
        .any(|(id, name)| id.eq_ignore_ascii_case(wanted) || *name == wanted)
}

/// When EWS goes off and what it does to an app that relies on it, as one sentence.
pub fn ews_retirement() -> String {
    format!(
        "Exchange Online turns Exchange Web Services off on {EWS_OFF_UNLESS_OPTED_IN} in tenants that did not opt in and on {EWS_OFF_FOR_ALL} in all: sign-in still works, but mail sync over EWS fails"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ews_is_known_by_id_or_name_and_eas_is_not_ews() {
        assert!(is_ews("EWS.AccessAsUser.All"));
        assert!(is_ews("3B5F3D61-589B-4A3C-A359-5DD4B5EE5BD5"));
        assert!(is_ews("full_access_as_app"));
        assert!(is_ews("9769c687-087d-48ac-9cb3-c37dde652038"));
        assert!(!is_ews("EAS.AccessAsUser.All"));
        assert!(!is_ews("266d2589-20b5-4f91-9a03-89247d1be8da"));
    }

    #[test]
    fn the_retirement_names_both_dates_and_what_fails() {
        let text = ews_retirement();
        for part in [
            "2026-10-01",
            "2027-04-01",
            "did not opt in",
            "mail sync over EWS fails",
        ] {
            assert!(text.contains(part), "{text}");
        }
    }
}
