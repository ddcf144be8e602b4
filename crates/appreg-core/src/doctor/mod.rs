//! Support mode: audit an existing app registration against a platform preset, and mend it.
//!
//! [`inspect`] reads the app and what hangs off it from Graph; [`audit`] (pure) measures it
//! against a [`Profile`](crate::profile::Profile) and returns [`Finding`]s; [`fix_plan`] (pure)
//! turns their remedies into the exact Graph requests, which `run::repair` sends.

mod audit;
mod context;
mod finding;
mod fix;
pub mod fleet;
mod inspect;
pub mod preset;
pub mod secrets;

#[cfg(any(test, feature = "test-support"))]
pub use audit::tests::every_kind_of_finding;
pub use audit::{audit, audit_secrets};
pub use context::{AuditContext, VerifiedPublisher, Wants};
pub use finding::{
    Action, Code, Errand, Finding, PermissionRef, Platform, Remedy, Severity, Tally,
};
pub use fix::{FixOptions, applies, fix_plan};
pub use inspect::{InspectError, Inspection, Selector, inspect, read_application};
