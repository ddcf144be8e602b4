//! What the audit reports: one finding per problem, with a stable code, how bad it is, why it
//! matters, how to fix it, where the portal shows it, and (when appreg can mend it) the remedy.

use crate::audience::Audience;
use crate::plan::PlannedPermission;
use serde::Serialize;
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Sign-in or the platform fails until it is fixed.
    Error,
    /// Works today, but fails for some users or soon.
    Warning,
    /// Worth knowing; nothing breaks.
    Info,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        })
    }
}

/// Stable identifiers of findings, for `--json`, scripts and tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Code {
    AudienceMismatch,
    AudienceSingleTenant,
    AudienceNoPersonalAccounts,
    TokenVersion,
    RedirectUriMissing,
    RedirectUriWrongPlatform,
    RedirectUriExtra,
    ImplicitGrantOff,
    ImplicitGrantUnneeded,
    PublicClientFlows,
    PermissionMissing,
    PermissionWrongType,
    OfflineAccessMissing,
    PermissionRetired,
    PermissionAdminConsent,
    PermissionApiAbsent,
    PermissionUnknown,
    EwsRetiring,
    SecretNone,
    SecretExpired,
    SecretExpiring30Days,
    SecretExpiring60Days,
    SecretOverLimit,
    ServicePrincipalMissing,
    ServicePrincipalDisabled,
    AssignmentRequired,
    AdminConsentMissing,
    GrantsUnreadable,
    PublisherUnverified,
    OptionalClaimMissing,
    AppVisible,
    BrandingMismatch,
    LogoMissing,
}

impl Code {
    /// Every code, for reading one back from its name.
    pub const ALL: [Code; 33] = [
        Code::AudienceMismatch,
        Code::AudienceSingleTenant,
        Code::AudienceNoPersonalAccounts,
        Code::TokenVersion,
        Code::RedirectUriMissing,
        Code::RedirectUriWrongPlatform,
        Code::RedirectUriExtra,
        Code::ImplicitGrantOff,
        Code::ImplicitGrantUnneeded,
        Code::PublicClientFlows,
        Code::PermissionMissing,
        Code::PermissionWrongType,
        Code::OfflineAccessMissing,
        Code::PermissionRetired,
        Code::PermissionAdminConsent,
        Code::PermissionApiAbsent,
        Code::PermissionUnknown,
        Code::EwsRetiring,
        Code::SecretNone,
        Code::SecretExpired,
        Code::SecretExpiring30Days,
        Code::SecretExpiring60Days,
        Code::SecretOverLimit,
        Code::ServicePrincipalMissing,
        Code::ServicePrincipalDisabled,
        Code::AssignmentRequired,
        Code::AdminConsentMissing,
        Code::GrantsUnreadable,
        Code::PublisherUnverified,
        Code::OptionalClaimMissing,
        Code::AppVisible,
        Code::BrandingMismatch,
        Code::LogoMissing,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Code::AudienceMismatch => "audience-mismatch",
            Code::AudienceSingleTenant => "audience-single-tenant",
            Code::AudienceNoPersonalAccounts => "audience-no-personal-accounts",
            Code::TokenVersion => "token-version",
            Code::RedirectUriMissing => "redirect-uri-missing",
            Code::RedirectUriWrongPlatform => "redirect-uri-wrong-platform",
            Code::RedirectUriExtra => "redirect-uri-extra",
            Code::ImplicitGrantOff => "implicit-grant-off",
            Code::ImplicitGrantUnneeded => "implicit-grant-unneeded",
            Code::PublicClientFlows => "public-client-flows",
            Code::PermissionMissing => "permission-missing",
            Code::PermissionWrongType => "permission-wrong-type",
            Code::OfflineAccessMissing => "offline-access-missing",
            Code::PermissionRetired => "permission-retired",
            Code::PermissionAdminConsent => "permission-admin-consent",
            Code::PermissionApiAbsent => "permission-api-absent",
            Code::PermissionUnknown => "permission-unknown",
            Code::EwsRetiring => "ews-retiring",
            Code::SecretNone => "secret-none",
            Code::SecretExpired => "secret-expired",
            Code::SecretExpiring30Days => "secret-expiring-30d",
            Code::SecretExpiring60Days => "secret-expiring-60d",
            Code::SecretOverLimit => "secret-over-limit",
            Code::ServicePrincipalMissing => "service-principal-missing",
            Code::ServicePrincipalDisabled => "service-principal-disabled",
            Code::AssignmentRequired => "assignment-required",
            Code::AdminConsentMissing => "admin-consent-missing",
            Code::GrantsUnreadable => "grants-unreadable",
            Code::PublisherUnverified => "publisher-unverified",
            Code::OptionalClaimMissing => "optional-claim-missing",
            Code::AppVisible => "app-visible",
            Code::BrandingMismatch => "branding-mismatch",
            Code::LogoMissing => "logo-missing",
        }
    }
}

impl std::str::FromStr for Code {
    type Err = String;

    fn from_str(name: &str) -> Result<Self, Self::Err> {
        Code::ALL
            .into_iter()
            .find(|code| code.as_str().eq_ignore_ascii_case(name.trim()))
            .ok_or_else(|| {
                format!("'{name}' is not a finding code (they look like secret-expiring-30d)")
            })
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// The app's redirect URI platforms, as the portal names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Platform {
    Web,
    Spa,
    PublicClient,
}

impl Platform {
    pub fn portal_name(self) -> &'static str {
        match self {
            Platform::Web => "Web",
            Platform::Spa => "Single-page application",
            Platform::PublicClient => "Mobile and desktop applications",
        }
    }
}

/// A permission as `requiredResourceAccess` lists it, with its name for people.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PermissionRef {
    pub resource_app_id: String,
    pub resource_name: String,
    pub id: String,
    pub name: String,
    /// `Scope` (delegated) or `Role` (application), as Graph types them.
    #[serde(rename = "type")]
    pub kind: String,
}

impl PermissionRef {
    /// A permission the spec asks for, as findings name it.
    pub fn planned(p: &PlannedPermission) -> Self {
        Self {
            resource_app_id: p.resource_app_id.clone(),
            resource_name: p.resource_name.clone(),
            id: p.permission.id.clone(),
            name: p.permission.name.clone(),
            kind: p.permission.kind.as_graph().into(),
        }
    }
}

/// What appreg can do about a finding. `fix_plan` turns remedies into Graph requests.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "action", rename_all = "camelCase")]
pub enum Remedy {
    SetAudience {
        audience: Audience,
    },
    SetTokenVersion2,
    AddWebRedirectUris {
        uris: Vec<String>,
    },
    /// The same address, registered as Web instead of its wrong platform.
    MoveToWeb {
        uri: String,
        from: Platform,
    },
    /// Only with `--remove-extra`.
    RemoveRedirectUri {
        uri: String,
        platform: Platform,
    },
    EnableImplicitGrant {
        access_tokens: bool,
        id_tokens: bool,
    },
    /// Implicit grant down to what the platform uses (the values to keep). Only with
    /// `--remove-extra`: a page of the user's own may still rely on it.
    DisableImplicitGrant {
        access_tokens: bool,
        id_tokens: bool,
    },
    /// "Allow public client flows" back to No.
    DisablePublicClientFlows,
    AddPermissions {
        permissions: Vec<PermissionRef>,
    },
    /// Only with `--remove-extra`.
    RemovePermissions {
        permissions: Vec<PermissionRef>,
    },
    CreateServicePrincipal,
    /// "Enabled for users to sign in?" back to Yes.
    EnableServicePrincipal,
    /// Optional claims added to the tokens (`id:email`), the app's others kept.
    AddOptionalClaims {
        claims: Vec<String>,
    },
    /// Branding URLs set to these (the ones not named stay as they are).
    SetBranding {
        homepage_url: Option<String>,
        privacy_url: Option<String>,
        terms_url: Option<String>,
    },
    /// "Visible to users?" No: the `HideApp` tag on the service principal.
    HideApp,
    /// The logo the user gave, uploaded.
    UploadLogo,
    VerifyPublisher {
        publisher_id: String,
    },
    /// Tenant-wide consent for these delegated scopes and application roles of one resource.
    GrantAdminConsent {
        resource_app_id: String,
        resource_name: String,
        scopes: Vec<String>,
        roles: Vec<PermissionRef>,
    },
}

impl Remedy {
    /// Whether the remedy takes something away, which needs the user's explicit `--remove-extra`.
    pub fn removes(&self) -> bool {
        matches!(
            self,
            Remedy::RemoveRedirectUri { .. }
                | Remedy::RemovePermissions { .. }
                | Remedy::DisableImplicitGrant { .. }
        )
    }
}

/// Something the user does about a finding that the fix's requests do not do. Each front end
/// names its own way to it: the command line a command or flag, the wizard a key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Errand {
    /// A new client secret for this app, retiring the expired ones with it when asked.
    NewSecret {
        app_id: String,
        remove_expired: bool,
    },
    /// An administrator grants consent for the organisation.
    AdminConsent,
}

/// How a finding is acted on. The texts of a finding name no front end's flags or keys; this
/// says which of them to name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// The fix sends the remedy.
    Fix,
    /// The fix sends the remedy once the user allows it to remove things.
    FixRemovingExtras,
    Errand(Errand),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub code: Code,
    pub severity: Severity,
    /// What is wrong, in one line.
    pub title: String,
    /// Why it matters: what fails, with the sign-in error users see.
    pub why: String,
    /// What to do about it.
    pub fix: String,
    /// Where the portal shows it (App registrations > the app > …).
    pub portal: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub remedy: Option<Remedy>,
    /// What the user does that the remedy does not cover.
    #[serde(skip)]
    pub errand: Option<Errand>,
}

impl Finding {
    pub fn action(&self) -> Option<Action> {
        match (&self.remedy, &self.errand) {
            (Some(remedy), _) if remedy.removes() => Some(Action::FixRemovingExtras),
            (Some(_), _) => Some(Action::Fix),
            (None, Some(errand)) => Some(Action::Errand(errand.clone())),
            (None, None) => None,
        }
    }
}

/// Counts per severity, for summaries and exit codes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Tally {
    pub errors: usize,
    pub warnings: usize,
    pub info: usize,
}

impl Tally {
    pub fn of(findings: &[Finding]) -> Self {
        findings.iter().fold(Tally::default(), |mut t, f| {
            match f.severity {
                Severity::Error => t.errors += 1,
                Severity::Warning => t.warnings += 1,
                Severity::Info => t.info += 1,
            }
            t
        })
    }
}

impl fmt::Display for Tally {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} error(s), {} warning(s), {} note(s)",
            self.errors, self.warnings, self.info
        )
    }
}

pub(crate) mod portal {
    pub const AUDIENCE: &str = "Authentication > Supported account types";
    pub const TOKEN_VERSION: &str = "Manifest > api.requestedAccessTokenVersion";
    pub const WEB: &str = "Authentication > Platform configurations > Web";
    pub const SPA: &str = "Authentication > Platform configurations > Single-page application";
    pub const PUBLIC_CLIENT: &str =
        "Authentication > Platform configurations > Mobile and desktop applications";
    pub const IMPLICIT: &str =
        "Authentication > Platform configurations > Web > Implicit grant and hybrid flows";
    pub const PERMISSIONS: &str = "API permissions > Configured permissions";
    pub const SECRETS: &str = "Certificates & secrets > Client secrets";
    pub const SERVICE_PRINCIPAL: &str =
        "Overview > Managed application in local directory (Enterprise applications)";
    pub const SERVICE_PRINCIPAL_PROPERTIES: &str = "Enterprise applications > the app > Properties";
    pub const PUBLIC_CLIENT_FLOWS: &str =
        "Authentication > Advanced settings > Allow public client flows";
    pub const ADMIN_CONSENT: &str = "API permissions > Grant admin consent";
    pub const PUBLISHER: &str = "Branding & properties > Publisher verification";
    pub const TOKEN_CONFIGURATION: &str = "Token configuration > Optional claims";
    pub const VISIBILITY: &str =
        "Enterprise applications > the app > Properties > Visible to users?";
    pub const BRANDING: &str = "Branding & properties";
}
