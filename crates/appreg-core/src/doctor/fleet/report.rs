//! What the fleet audit reports of one app: who it is, which platform judged it, and what was
//! found, with the facts a list sorts by (the worst finding, the nearest secret expiry).

use crate::doctor::finding::{Code, Finding, Severity};
use crate::doctor::secrets::first_expiry;
use crate::graph::models::Application;
use serde::Serialize;
use time::OffsetDateTime;

/// The platform of an app no tag or redirect URI names.
pub const UNKNOWN_PLATFORM: &str = "unknown";

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AppReport {
    pub app_id: String,
    pub display_name: String,
    /// The preset the app was judged against, or [`UNKNOWN_PLATFORM`].
    pub platform: String,
    pub findings: Vec<Finding>,
    /// When the first of its client secrets stops working (expired ones included).
    #[serde(skip)]
    pub secret_expiry: Option<OffsetDateTime>,
}

impl AppReport {
    pub(super) fn new(app: &Application, platform: &str, findings: Vec<Finding>) -> Self {
        Self {
            app_id: app.app_id.clone(),
            display_name: app.display_name.clone().unwrap_or_default(),
            platform: platform.to_string(),
            findings,
            secret_expiry: first_expiry(&app.password_credentials),
        }
    }

    /// The most severe finding's severity; `None` for an app with nothing to report.
    pub fn worst(&self) -> Option<Severity> {
        self.findings.iter().map(|f| f.severity).min()
    }

    /// Keeps only the findings with these codes (all of them when `codes` is empty).
    pub fn keep_codes(&mut self, codes: &[Code]) {
        if !codes.is_empty() {
            self.findings.retain(|f| codes.contains(&f.code));
        }
    }
}
