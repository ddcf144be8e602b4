//! Generated app registrations for scale tests (`appreg sim --seed-apps N`): a deterministic,
//! realistic mix of healthy apps, apps broken in each way `doctor` knows, and secrets expired
//! or expiring soon, tagged by appreg or not. App `i` is built on demand, so seeding 50 000
//! apps never holds more than one seed at a time.

use uuid::Uuid;

use super::seed::{AppSeed, EXCHANGE_ONLINE_APP_ID, MICROSOFT_GRAPH_APP_ID, SecretSeed, scope};

const NYLAS_US: &str = "https://api.us.nylas.com/v3/connect/callback";
const NYLAS_EU: &str = "https://api.eu.nylas.com/v3/connect/callback";
const NANGO: &str = "https://api.nango.dev/oauth/callback";
const AZURE_AD_GRAPH_APP_ID: &str = "00000002-0000-0000-c000-000000000000";
const AAD_GRAPH_USER_READ: &str = "311a71cc-e848-46a1-bdf8-97ff7156d8e6";
const OFFLINE_ACCESS: &str = "7427e0e9-2fba-42fe-b0c0-848c9e6a8182";
const OPENID: &str = "37f7f235-527c-4136-accd-4a02d197296e";
const PROFILE: &str = "14dad69e-099b-42c9-810b-d002981feec1";
const EMAIL: &str = "64a6cdd6-aab1-4aaf-94b8-3cc8405e90d0";
const USER_READ: &str = "e1fe6dd8-ba31-4d61-89e7-88639da4683d";
const MAIL_READ_ROLE: &str = "810c84a8-4a9e-49e6-bf7d-12d183f40d01";
const EXCHANGE_EWS: &str = "3b5f3d61-589b-4a3c-a359-5dd4b5ee5bd5";

/// What a generated app is like; each kind is one line of the mix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    HealthyNylas,
    HealthyNango,
    /// Healthy, without appreg's tag: its redirect URI names the platform.
    UntaggedNylas,
    SecretExpired,
    SecretExpiring7Days,
    SecretExpiring25Days,
    SecretExpiring50Days,
    SecretNone,
    AudienceMismatch,
    RedirectMissing,
    RedirectOnSpa,
    ImplicitGrant,
    PublicClientFlows,
    OfflineAccessMissing,
    UserReadMissing,
    RetiredPermission,
    ApplicationPermission,
    ServicePrincipalMissing,
    ServicePrincipalDisabled,
    AssignmentRequired,
    TokenVersion1,
    /// No tag and no platform's redirect URI: only its secrets can be judged.
    UnknownPlatform,
}

/// Per 100 apps: mostly healthy, then secrets, then one line per defect.
const MIX: [(Kind, usize); 22] = [
    (Kind::HealthyNylas, 20),
    (Kind::HealthyNango, 10),
    (Kind::UntaggedNylas, 10),
    (Kind::SecretExpired, 6),
    (Kind::SecretExpiring7Days, 4),
    (Kind::SecretExpiring25Days, 4),
    (Kind::SecretExpiring50Days, 4),
    (Kind::SecretNone, 3),
    (Kind::AudienceMismatch, 4),
    (Kind::RedirectMissing, 4),
    (Kind::RedirectOnSpa, 3),
    (Kind::ImplicitGrant, 2),
    (Kind::PublicClientFlows, 2),
    (Kind::OfflineAccessMissing, 3),
    (Kind::UserReadMissing, 3),
    (Kind::RetiredPermission, 2),
    (Kind::ApplicationPermission, 2),
    (Kind::ServicePrincipalMissing, 4),
    (Kind::ServicePrincipalDisabled, 2),
    (Kind::AssignmentRequired, 2),
    (Kind::TokenVersion1, 2),
    (Kind::UnknownPlatform, 4),
];

/// The kind of app `index`: the mix, spread so neighbours differ (37 and 100 are coprime, so
/// every block of 100 holds the whole mix).
pub fn kind(index: usize) -> Kind {
    let mut slot = (index * 37) % 100;
    for (kind, share) in MIX {
        if slot < share {
            return kind;
        }
        slot -= share;
    }
    Kind::HealthyNylas
}

/// A fixed id per app and role (`role` tells object, client, service principal and secret
/// ids apart), so runs and tests can name generated apps.
fn id(role: u32, index: usize) -> Uuid {
    Uuid::from_u128(
        (u128::from(0xf1ee_0000 | role) << 96) | 0x4000_8000_0000_0000_0000 | index as u128,
    )
}

/// The client id of generated app `index`.
pub fn app_id(index: usize) -> Uuid {
    id(2, index)
}

/// Generated app `index`.
pub fn app(index: usize) -> AppSeed {
    let kind = kind(index);
    let nango = kind == Kind::HealthyNango;
    let mut seed = AppSeed {
        sign_in_audience: "AzureADandPersonalMicrosoftAccount".to_owned(),
        tags: vec![format!(
            "appreg-profile:{}",
            if nango { "nango" } else { "nylas-v3" }
        )],
        web_redirect_uris: if nango {
            vec![NANGO.to_owned()]
        } else {
            vec![NYLAS_US.to_owned(), NYLAS_EU.to_owned()]
        },
        permissions: [OFFLINE_ACCESS, OPENID, PROFILE, EMAIL, USER_READ]
            .into_iter()
            .map(|p| scope(MICROSOFT_GRAPH_APP_ID, p))
            .collect(),
        secrets: vec![SecretSeed {
            key_id: id(4, index),
            display_name: "fleet".to_owned(),
            expires_in_days: 300 + (index % 300) as i64,
        }],
        ids: Some((id(1, index), app_id(index))),
        service_principal: true,
        service_principal_id: Some(id(3, index)),
        ..AppSeed::new(format!("Fleet {index:05} {kind:?}"))
    };
    let expiring = |days| {
        vec![SecretSeed {
            key_id: id(4, index),
            display_name: "fleet".to_owned(),
            expires_in_days: days,
        }]
    };
    match kind {
        Kind::HealthyNylas | Kind::HealthyNango => {}
        Kind::UntaggedNylas => seed.tags.clear(),
        Kind::SecretExpired => seed.secrets = expiring(-30),
        Kind::SecretExpiring7Days => seed.secrets = expiring(7),
        Kind::SecretExpiring25Days => seed.secrets = expiring(25),
        Kind::SecretExpiring50Days => seed.secrets = expiring(50),
        Kind::SecretNone => seed.secrets.clear(),
        Kind::AudienceMismatch => seed.sign_in_audience = "AzureADMultipleOrgs".to_owned(),
        Kind::RedirectMissing => seed.web_redirect_uris.clear(),
        Kind::RedirectOnSpa => seed.spa_redirect_uris = std::mem::take(&mut seed.web_redirect_uris),
        Kind::ImplicitGrant => seed.implicit_grant = (true, true),
        Kind::PublicClientFlows => seed.public_client_flows = true,
        Kind::OfflineAccessMissing => seed.permissions.retain(|(_, p, _)| p != OFFLINE_ACCESS),
        Kind::UserReadMissing => seed.permissions.retain(|(_, p, _)| p != USER_READ),
        Kind::RetiredPermission => seed
            .permissions
            .push(scope(AZURE_AD_GRAPH_APP_ID, AAD_GRAPH_USER_READ)),
        Kind::ApplicationPermission => seed.permissions.push((
            MICROSOFT_GRAPH_APP_ID.to_owned(),
            MAIL_READ_ROLE.to_owned(),
            "Role".to_owned(),
        )),
        Kind::ServicePrincipalMissing => seed.service_principal = false,
        Kind::ServicePrincipalDisabled => seed.service_principal_disabled = true,
        Kind::AssignmentRequired => seed.assignment_required = true,
        Kind::TokenVersion1 => seed.access_token_version = Some(1),
        Kind::UnknownPlatform => {
            seed.tags.clear();
            seed.web_redirect_uris = vec![format!("https://app{index}.contoso.com/signin")];
            seed.permissions
                .push(scope(EXCHANGE_ONLINE_APP_ID, EXCHANGE_EWS));
            if index.is_multiple_of(2) {
                // Its secrets are all there is to judge: give half of them a problem.
                seed.secrets = expiring(-10);
            }
        }
    }
    if seed.service_principal && index.is_multiple_of(2) {
        // Half the apps have admin consent: the tenant-wide grant list is not empty.
        seed.admin_consent = vec![(
            MICROSOFT_GRAPH_APP_ID.to_owned(),
            "offline_access openid profile email User.Read".to_owned(),
        )];
    }
    seed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_block_of_a_hundred_holds_the_whole_mix() {
        assert_eq!(MIX.iter().map(|(_, n)| n).sum::<usize>(), 100);
        for (wanted, share) in MIX {
            let found = (0..100).filter(|&i| kind(i) == wanted).count();
            assert_eq!(found, share, "{wanted:?}");
        }
        assert_ne!(app_id(1), app_id(2));
        assert_eq!(app(7), app(7));
    }
}
