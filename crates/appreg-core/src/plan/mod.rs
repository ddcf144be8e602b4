//! What the user wants registered, checked against Graph's rules, and the exact Graph requests it
//! implies. Everything here is pure: no I/O, no clock (callers pass `now`).

mod build;
pub mod requests;
pub mod settings;
mod spec;
mod step;
mod validate;

pub use build::{Choices, PlanError, from_profile};
pub use requests::manifest_required_resource_access;
pub use settings::{Logo, OptionalClaim, OptionalSettings, TokenKind};
pub use spec::Spec;
pub use step::{GraphRequest, Ids, MissingId, Ref, ResourceRef, Step, upsert_path};
pub use validate::{ValidationError, validate_display_name, validate_tag};

use crate::catalog::Permission;
use time::{Date, Month, OffsetDateTime};

/// An app to register: what it should be ([`Spec`]), and which app, where.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    pub profile_id: String,
    /// Tenant id or domain; `None` means the signed-in user's home tenant.
    pub tenant: Option<String>,
    pub display_name: String,
    pub tags: Vec<String>,
    pub spec: Spec,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImplicitGrant {
    pub access_tokens: bool,
    pub id_tokens: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PlannedPermission {
    pub resource_app_id: String,
    pub resource_name: String,
    pub permission: Permission,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SecretPlan {
    pub lifetime: SecretLifetime,
    pub description: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecretLifetime {
    Months(u32),
    Until(Date),
}

/// A chosen expiry date, `YYYY-MM-DD`; the error says which part is wrong.
pub fn parse_expiry_date(text: &str) -> Result<Date, String> {
    let text = text.trim();
    let format = time::macros::format_description!("[year]-[month]-[day]");
    Date::parse(text, format).map_err(|error| match error {
        // The shape is right but the day does not exist (2025-02-30).
        time::error::Parse::TryFromParsed(_) => format!("{text} is not a calendar date"),
        _ => "enter the date as YYYY-MM-DD".to_string(),
    })
}

/// Microsoft caps secrets made in the portal at 24 months; appreg keeps to the same rule.
pub const MAX_SECRET_MONTHS: u32 = 24;

impl SecretLifetime {
    /// When a secret made at `now` expires: the same day and time `n` calendar months later
    /// (the last day of the month when that day does not exist), or the chosen date.
    pub fn end(self, now: OffsetDateTime) -> OffsetDateTime {
        match self {
            SecretLifetime::Months(months) => add_months(now, months),
            SecretLifetime::Until(date) => now.replace_date(date),
        }
    }

    /// The latest expiry a secret made at `now` may have.
    pub fn latest(now: OffsetDateTime) -> Date {
        SecretLifetime::Months(MAX_SECRET_MONTHS).end(now).date()
    }

    /// Refuses a lifetime Microsoft's portal would not offer: 1 to 24 months, or a date in the
    /// future at most 24 months away.
    pub fn check(self, now: OffsetDateTime) -> Result<(), ValidationError> {
        let refuse = |field, message| Err(ValidationError { field, message });
        match self {
            SecretLifetime::Months(m) if !(1..=MAX_SECRET_MONTHS).contains(&m) => refuse(
                "secret lifetime",
                format!("{m} months; choose 1 to {MAX_SECRET_MONTHS}"),
            ),
            SecretLifetime::Until(date) if date <= now.date() => {
                refuse("secret expiry", format!("{date} is not in the future"))
            }
            SecretLifetime::Until(date) if date > Self::latest(now) => refuse(
                "secret expiry",
                format!(
                    "{date} is more than {MAX_SECRET_MONTHS} months away (latest {})",
                    Self::latest(now)
                ),
            ),
            SecretLifetime::Months(_) | SecretLifetime::Until(_) => Ok(()),
        }
    }
}

pub fn add_months(at: OffsetDateTime, months: u32) -> OffsetDateTime {
    let total = at.year() * 12 + (at.month() as i32 - 1) + months as i32;
    let (year, month0) = (total.div_euclid(12), total.rem_euclid(12));
    let month = Month::try_from(month0 as u8 + 1).unwrap_or(Month::December);
    let day = at.day().min(month.length(year));
    let date = Date::from_calendar_date(year, month, day).unwrap_or(at.date());
    at.replace_date(date)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn twenty_four_calendar_months() {
        let now = datetime!(2026-11-22 10:30 UTC);
        assert_eq!(
            SecretLifetime::Months(24).end(now),
            datetime!(2028-11-22 10:30 UTC)
        );
        assert_eq!(
            add_months(datetime!(2026-08-31 0:00 UTC), 6),
            datetime!(2027-02-28 0:00 UTC)
        );
        assert_eq!(
            add_months(datetime!(2027-12-31 0:00 UTC), 2),
            datetime!(2028-02-29 0:00 UTC)
        );
        assert_eq!(
            add_months(datetime!(2026-01-15 0:00 UTC), 12),
            datetime!(2027-01-15 0:00 UTC)
        );
    }

    #[test]
    fn a_lifetime_is_one_to_twenty_four_months_or_a_future_date_within_them() {
        use time::macros::date;
        let now = datetime!(2026-11-22 10:30 UTC);
        let refused = |lifetime: SecretLifetime| lifetime.check(now).err().map(|e| e.to_string());
        assert_eq!(SecretLifetime::latest(now), date!(2028 - 11 - 22));
        assert_eq!(refused(SecretLifetime::Months(24)), None);
        assert_eq!(refused(SecretLifetime::Until(date!(2028 - 11 - 22))), None);
        assert_eq!(
            refused(SecretLifetime::Months(25)).as_deref(),
            Some("secret lifetime: 25 months; choose 1 to 24")
        );
        assert_eq!(
            refused(SecretLifetime::Until(date!(2026 - 11 - 22))).as_deref(),
            Some("secret expiry: 2026-11-22 is not in the future")
        );
        assert_eq!(
            refused(SecretLifetime::Until(date!(2028 - 11 - 23))).as_deref(),
            Some("secret expiry: 2028-11-23 is more than 24 months away (latest 2028-11-22)")
        );
    }
}
