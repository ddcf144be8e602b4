//! Reading client-secret metadata: when each secret expires, and how to name it to a person.
//! Shared by the audit and by `rotate-secret`.

use crate::graph::models::PasswordCredential;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// When the secret stops working; `None` when Graph gave no readable date.
pub fn expires_at(credential: &PasswordCredential) -> Option<OffsetDateTime> {
    credential
        .end_date_time
        .as_deref()
        .and_then(|text| OffsetDateTime::parse(text, &Rfc3339).ok())
}

/// When the first of these secrets stops working (expired ones included); `None` without any.
pub fn first_expiry(credentials: &[PasswordCredential]) -> Option<OffsetDateTime> {
    credentials.iter().filter_map(expires_at).min()
}

pub fn is_expired(credential: &PasswordCredential, now: OffsetDateTime) -> bool {
    expires_at(credential).is_some_and(|end| end <= now)
}

/// Whole days from `now` until the secret expires (negative once expired).
pub fn days_left(credential: &PasswordCredential, now: OffsetDateTime) -> Option<i64> {
    expires_at(credential).map(|end| (end - now).whole_days())
}

/// The date part of the expiry, as people read it (`2026-05-01`).
pub fn expiry_date(credential: &PasswordCredential) -> String {
    expires_at(credential)
        .map(|end| end.date().to_string())
        .unwrap_or_else(|| "an unknown date".into())
}

/// `KEYID ("description", expires 2026-05-01)`: enough to pick the right one.
pub fn describe(credential: &PasswordCredential, now: OffsetDateTime) -> String {
    let name = credential
        .display_name
        .as_deref()
        .filter(|n| !n.is_empty())
        .map(|n| format!("\"{n}\", "))
        .unwrap_or_default();
    let verb = if is_expired(credential, now) {
        "expired"
    } else {
        "expires"
    };
    format!(
        "{} ({name}{verb} {})",
        credential.key_id,
        expiry_date(credential)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn credential(end: &str) -> PasswordCredential {
        PasswordCredential {
            key_id: "k1".into(),
            display_name: Some("prod".into()),
            hint: None,
            end_date_time: Some(end.into()),
            start_date_time: None,
        }
    }

    #[test]
    fn expiry_reads_graph_dates_with_or_without_fractions() {
        let now = datetime!(2026-01-01 0:00 UTC);
        assert_eq!(days_left(&credential("2026-01-08T00:00:00Z"), now), Some(7));
        assert_eq!(
            days_left(&credential("2026-01-31T12:00:00.1234567Z"), now),
            Some(30)
        );
        assert!(is_expired(&credential("2025-12-31T23:59:59Z"), now));
        assert_eq!(
            describe(&credential("2025-12-31T23:59:59Z"), now),
            "k1 (\"prod\", expired 2025-12-31)"
        );
        let unknown = PasswordCredential {
            end_date_time: None,
            ..credential("")
        };
        assert_eq!(days_left(&unknown, now), None);
        assert!(!is_expired(&unknown, now));
    }
}
