//! appreg: register Microsoft Entra ID apps for mail and calendar platforms.
//!
//! Two front ends (the full-screen wizard in [`tui`] and the plain command line in
//! [`headless`]) drive one core, [`appreg_core`]: a [`plan::Plan`] becomes typed steps that
//! [`run`] sends to Microsoft Graph ([`graph`]), reporting [`progress`] events. The core's
//! modules are re-exported here, so `appreg::plan` is `appreg_core::plan`.

pub use appreg_core::{
    audience, auth, bounded, catalog, clock, cloud, doctor, graph, http, journal, microsoft_dates,
    plan, platform, profile, progress, redirect, run, secret, tenant, text,
};
/// The embedded simulator behind `--demo` and `appreg sim`.
#[cfg(feature = "demo")]
pub use appreg_sim as sim;

pub mod cli;
pub mod clipboard;
pub mod headless;
pub mod tui;
