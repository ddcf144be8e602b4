//! Client secrets: none, expired, expiring soon, more than the audience allows.

use crate::audience::Audience;
use crate::doctor::finding::{Code, Errand, Finding, Severity, portal};
use crate::doctor::secrets::{days_left, describe, expires_at, expiry_date, is_expired};
use crate::graph::models::{Application, PasswordCredential};
use time::OffsetDateTime;

const SOON_DAYS: i64 = 30;
const LATER_DAYS: i64 = 60;

pub(super) fn check(
    app: &Application,
    audience: Audience,
    now: OffsetDateTime,
    findings: &mut Vec<Finding>,
) {
    let secrets = &app.password_credentials;
    let new_secret = |remove_expired| {
        Some(Errand::NewSecret {
            app_id: app.app_id.clone(),
            remove_expired,
        })
    };
    if secrets.is_empty() {
        findings.push(Finding {
            code: Code::SecretNone,
            severity: Severity::Error,
            title: "the app has no client secret".into(),
            why: "the platform signs in as the app with a client secret: without one it cannot redeem sign-ins for tokens (AADSTS7000218)".into(),
            fix: "add a new client secret, then give the platform the new secret".into(),
            portal: portal::SECRETS,
            errand: new_secret(false),
            remedy: None,
        });
    }
    let valid: Vec<&PasswordCredential> = secrets.iter().filter(|c| !is_expired(c, now)).collect();
    for expired in secrets.iter().filter(|c| is_expired(c, now)) {
        findings.push(expired_finding(
            expired,
            valid.is_empty(),
            new_secret(true),
            now,
        ));
    }
    for secret in &valid {
        let Some(days) = days_left(secret, now).filter(|d| *d <= LATER_DAYS) else {
            continue;
        };
        // Already rotated: a newer secret outlives the window.
        let successor = valid.iter().any(|other| {
            other.key_id != secret.key_id
                && expires_at(other) > expires_at(secret)
                && days_left(other, now).is_some_and(|d| d > LATER_DAYS)
        });
        let (code, severity) = match (days <= SOON_DAYS, successor) {
            (_, true) => (code_for(days), Severity::Info),
            (true, false) => (Code::SecretExpiring30Days, Severity::Warning),
            (false, false) => (Code::SecretExpiring60Days, Severity::Info),
        };
        let (fix, errand) = if successor {
            (
                "a newer secret exists: check the platform uses it, then remove this one",
                None,
            )
        } else {
            (
                "add a new client secret, update the platform with it, then remove the old one",
                new_secret(false),
            )
        };
        findings.push(Finding {
            code,
            severity,
            title: format!(
                "client secret {} expires in {days} day(s), on {}",
                describe(secret, now),
                expiry_date(secret)
            ),
            why: "when it expires the platform's token requests fail with AADSTS7000222 (the client secret keys are expired) and mail sync stops".into(),
            fix: fix.into(),
            portal: portal::SECRETS,
            errand,
            remedy: None,
        });
    }
    if let Some(max) = audience.limits().client_secrets
        && secrets.len() > max
    {
        findings.push(Finding {
            code: Code::SecretOverLimit,
            severity: Severity::Error,
            title: format!(
                "{} client secrets; apps that allow personal accounts may hold at most {max}",
                secrets.len()
            ),
            why: "Graph refuses to add a secret, and refuses the personal-account audience, while the app holds more".into(),
            fix: "remove expired or unused secrets first, along with a new secret or in the portal"
                .into(),
            portal: portal::SECRETS,
            errand: new_secret(true),
            remedy: None,
        });
    }
}

fn code_for(days: i64) -> Code {
    if days <= SOON_DAYS {
        Code::SecretExpiring30Days
    } else {
        Code::SecretExpiring60Days
    }
}

fn expired_finding(
    secret: &PasswordCredential,
    none_valid: bool,
    errand: Option<Errand>,
    now: OffsetDateTime,
) -> Finding {
    let (severity, why, fix) = if none_valid {
        (
            Severity::Error,
            "no secret is valid any more: the platform's token requests fail with AADSTS7000222 (the client secret keys are expired)",
            "add a new client secret in place of the expired ones, then give the platform the new secret",
        )
    } else {
        (
            Severity::Warning,
            "it no longer works, yet counts toward the secret limit",
            "remove it, along with a new secret or in the portal",
        )
    };
    Finding {
        code: Code::SecretExpired,
        severity,
        title: format!("client secret {} has expired", describe(secret, now)),
        why: why.into(),
        fix: fix.into(),
        portal: portal::SECRETS,
        errand,
        remedy: None,
    }
}
