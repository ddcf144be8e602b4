//! Who may sign in to the app (`signInAudience`) and the limits Microsoft attaches to each choice.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Audience {
    AzureADMyOrg,
    AzureADMultipleOrgs,
    AzureADandPersonalMicrosoftAccount,
    PersonalMicrosoftAccount,
}

/// Graph's limits for one audience (from the app manifest reference).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub display_name_chars: usize,
    pub redirect_uris: usize,
    pub client_secrets: Option<usize>,
    pub permissions_per_resource: Option<usize>,
    pub wildcards_and_queries_allowed: bool,
}

impl Audience {
    pub const ALL: [Audience; 4] = [
        Audience::AzureADMyOrg,
        Audience::AzureADMultipleOrgs,
        Audience::AzureADandPersonalMicrosoftAccount,
        Audience::PersonalMicrosoftAccount,
    ];

    /// The value Graph expects in `signInAudience`.
    pub fn as_graph(self) -> &'static str {
        match self {
            Audience::AzureADMyOrg => "AzureADMyOrg",
            Audience::AzureADMultipleOrgs => "AzureADMultipleOrgs",
            Audience::AzureADandPersonalMicrosoftAccount => "AzureADandPersonalMicrosoftAccount",
            Audience::PersonalMicrosoftAccount => "PersonalMicrosoftAccount",
        }
    }

    /// The portal's wording under "Supported account types".
    pub fn portal_label(self) -> &'static str {
        match self {
            Audience::AzureADMyOrg => {
                "Accounts in this organizational directory only (Single tenant)"
            }
            Audience::AzureADMultipleOrgs => {
                "Accounts in any organizational directory (Multitenant)"
            }
            Audience::AzureADandPersonalMicrosoftAccount => {
                "Accounts in any organizational directory and personal Microsoft accounts (Multitenant + personal)"
            }
            Audience::PersonalMicrosoftAccount => "Personal Microsoft accounts only",
        }
    }

    pub fn includes_personal_accounts(self) -> bool {
        matches!(
            self,
            Audience::AzureADandPersonalMicrosoftAccount | Audience::PersonalMicrosoftAccount
        )
    }

    /// The apps a limit applies to, for messages ("at most 90 characters for …").
    pub fn apps_phrase(self) -> &'static str {
        if self.includes_personal_accounts() {
            "apps that allow personal Microsoft accounts"
        } else {
            "work and school account apps"
        }
    }

    pub fn is_multi_tenant(self) -> bool {
        !matches!(self, Audience::AzureADMyOrg)
    }

    pub fn limits(self) -> Limits {
        if self.includes_personal_accounts() {
            Limits {
                display_name_chars: 90,
                redirect_uris: 100,
                client_secrets: Some(2),
                permissions_per_resource: Some(30),
                wildcards_and_queries_allowed: false,
            }
        } else {
            Limits {
                display_name_chars: 120,
                redirect_uris: 256,
                client_secrets: None,
                permissions_per_resource: None,
                wildcards_and_queries_allowed: true,
            }
        }
    }
}

impl fmt::Display for Audience {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_graph())
    }
}

#[derive(Debug, thiserror::Error)]
#[error(
    "unknown audience '{0}': use single, multi, personal-and-org or personal (or Graph's name)"
)]
pub struct UnknownAudience(String);

impl FromStr for Audience {
    type Err = UnknownAudience;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let wanted = s.trim().to_ascii_lowercase();
        let short = match wanted.as_str() {
            "single" | "single-tenant" | "myorg" => Some(Audience::AzureADMyOrg),
            "multi" | "multi-tenant" | "multipleorgs" => Some(Audience::AzureADMultipleOrgs),
            "personal-and-org" | "any" | "all" => {
                Some(Audience::AzureADandPersonalMicrosoftAccount)
            }
            "personal" => Some(Audience::PersonalMicrosoftAccount),
            _ => None,
        };
        short
            .or_else(|| {
                Audience::ALL
                    .into_iter()
                    .find(|a| a.as_graph().eq_ignore_ascii_case(&wanted))
            })
            .ok_or_else(|| UnknownAudience(s.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_graph_names_and_short_names() {
        assert_eq!(
            "AzureADMyOrg".parse::<Audience>().unwrap(),
            Audience::AzureADMyOrg
        );
        assert_eq!(
            "multi".parse::<Audience>().unwrap(),
            Audience::AzureADMultipleOrgs
        );
        assert_eq!(
            "azureadandpersonalmicrosoftaccount"
                .parse::<Audience>()
                .unwrap(),
            Audience::AzureADandPersonalMicrosoftAccount
        );
        assert!("everyone".parse::<Audience>().is_err());
    }

    #[test]
    fn personal_accounts_bring_tighter_limits() {
        let personal = Audience::AzureADandPersonalMicrosoftAccount.limits();
        assert_eq!(personal.display_name_chars, 90);
        assert_eq!(personal.client_secrets, Some(2));
        let org = Audience::AzureADMultipleOrgs.limits();
        assert_eq!(org.display_name_chars, 120);
        assert_eq!(org.redirect_uris, 256);
    }
}
