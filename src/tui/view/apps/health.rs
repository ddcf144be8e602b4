//! The two columns the background audit fills in: an app's worst finding, in a few words after
//! its severity's mark, and when its first client secret stops working.

use crate::doctor::{Code, Severity};
use crate::tui::model::FleetAudit;
use crate::tui::msg::AppHealth;
use crate::tui::view::theme::Theme;
use ratatui::style::Style;
use time::OffsetDateTime;

/// What a cell shows, and how.
pub struct Cell {
    pub text: String,
    pub style: Style,
}

/// A cell the audit has not filled: still to come while it runs, otherwise never.
fn unknown(audit: &FleetAudit, theme: Theme) -> Cell {
    let text = match audit {
        FleetAudit::Running => "…",
        FleetAudit::Finished | FleetAudit::Failed(_) => "–",
    };
    Cell {
        text: text.into(),
        style: theme.dim(),
    }
}

/// `✗ redirect URI missing`, `⚠ secret: 7 days left`, `✓ healthy`.
pub fn worst(
    health: Option<&AppHealth>,
    audit: &FleetAudit,
    now: OffsetDateTime,
    theme: Theme,
) -> Cell {
    let Some(health) = health else {
        return unknown(audit, theme);
    };
    let (mark, title, style) = match health.worst {
        None => ("✓", "healthy".to_string(), theme.ok()),
        Some((severity, code)) => {
            let title = short_title(code, health.secret_expiry, now);
            match severity {
                Severity::Error => ("✗", title, theme.error()),
                Severity::Warning => ("⚠", title, theme.warn()),
                Severity::Info => ("ℹ", title, theme.dim()),
            }
        }
    };
    Cell {
        text: format!("{mark} {title}"),
        style,
    }
}

/// The date the first secret stops working, `expired`, or `none`.
pub fn expiry(
    health: Option<&AppHealth>,
    audit: &FleetAudit,
    now: OffsetDateTime,
    theme: Theme,
) -> Cell {
    let Some(health) = health else {
        return unknown(audit, theme);
    };
    match health.secret_expiry {
        None => Cell {
            text: "none".into(),
            style: theme.dim(),
        },
        Some(end) if end <= now => Cell {
            text: "expired".into(),
            style: theme.error(),
        },
        Some(end) => Cell {
            text: end.date().to_string(),
            style: Style::default(),
        },
    }
}

/// A finding in a few words, for a list column; the findings screen has the whole story.
fn short_title(code: Code, secret_expiry: Option<OffsetDateTime>, now: OffsetDateTime) -> String {
    let words = match code {
        Code::SecretExpiring30Days | Code::SecretExpiring60Days => {
            return match secret_expiry.map(|end| (end - now).whole_days()) {
                Some(0) => "secret ends today".into(),
                Some(1) => "secret: 1 day left".into(),
                Some(days) if days > 1 => format!("secret: {days} days left"),
                _ => "secret expires soon".into(),
            };
        }
        Code::AudienceMismatch => "wrong account types",
        Code::AudienceSingleTenant => "single-tenant",
        Code::AudienceNoPersonalAccounts => "no personal accounts",
        Code::TokenVersion => "token version",
        Code::RedirectUriMissing => "redirect URI missing",
        Code::RedirectUriWrongPlatform => "redirect URI type",
        Code::RedirectUriExtra => "extra redirect URI",
        Code::ImplicitGrantOff => "implicit grant off",
        Code::ImplicitGrantUnneeded => "implicit grant on",
        Code::PublicClientFlows => "public client flows",
        Code::PermissionMissing => "permission missing",
        Code::PermissionWrongType => "permission type",
        Code::OfflineAccessMissing => "no offline_access",
        Code::PermissionRetired => "retired permission",
        Code::PermissionAdminConsent => "needs admin consent",
        Code::PermissionApiAbsent => "API not in tenant",
        Code::PermissionUnknown => "unknown permission",
        Code::EwsRetiring => "uses EWS (retiring)",
        Code::SecretNone => "no client secret",
        Code::SecretExpired => "secret expired",
        Code::SecretOverLimit => "too many secrets",
        Code::ServicePrincipalMissing => "no service principal",
        Code::ServicePrincipalDisabled => "sign-in disabled",
        Code::AssignmentRequired => "assignment required",
        Code::AdminConsentMissing => "no admin consent",
        Code::GrantsUnreadable => "grants unreadable",
        Code::PublisherUnverified => "publisher unverified",
        Code::OptionalClaimMissing => "claim missing",
        Code::AppVisible => "visible in My Apps",
        Code::BrandingMismatch => "branding differs",
        Code::LogoMissing => "no logo",
    };
    words.into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn every_short_title_fits_its_column_after_the_mark() {
        let now = datetime!(2026-11-22 10:30 UTC);
        let soon = Some(now + time::Duration::days(29));
        for code in Code::ALL {
            let title = short_title(code, soon, now);
            assert!(
                title.chars().count() + 2 <= super::super::WORST_WIDTH,
                "{title}"
            );
        }
        assert_eq!(
            short_title(Code::SecretExpiring30Days, soon, now),
            "secret: 29 days left"
        );
    }
}
