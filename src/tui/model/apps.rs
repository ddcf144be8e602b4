//! The App step's list: the tenant's apps with what the background audit found on each, in the
//! order the user picked (by name, worst finding first, or soonest secret expiry first).

use super::pick_list::{Load, PickList, Searchable};
use crate::doctor::Severity;
use crate::doctor::preset::tagged_profile;
use crate::graph::models::Application;
use crate::tui::msg::AppHealth;
use std::collections::HashMap;
use time::OffsetDateTime;

/// The orders the app list takes, in the order the sort key cycles through them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum AppSort {
    /// appreg-made apps first, then by name.
    #[default]
    Name,
    /// Errors first, then warnings, then healthy apps, then those not audited (yet).
    Worst,
    /// The soonest secret expiry first (expired ones at the top), then apps without secrets.
    Expiry,
}

impl AppSort {
    const ALL: [AppSort; 3] = [AppSort::Name, AppSort::Worst, AppSort::Expiry];

    /// The next order, or the one before when `forward` is false.
    pub fn cycled(self, forward: bool) -> Self {
        let len = Self::ALL.len();
        let here = Self::ALL.iter().position(|s| *s == self).unwrap_or(0);
        let step = if forward { 1 } else { len - 1 };
        Self::ALL[(here + step) % len]
    }

    /// How the list's title names the order.
    pub fn label(self) -> &'static str {
        match self {
            AppSort::Name => "name",
            AppSort::Worst => "worst finding",
            AppSort::Expiry => "secret expiry",
        }
    }

    /// The key hint: the order now, which the key changes.
    pub fn hint(self) -> &'static str {
        match self {
            AppSort::Name => "sort: name",
            AppSort::Worst => "sort: worst finding",
            AppSort::Expiry => "sort: secret expiry",
        }
    }
}

/// How far the background audit of the tenant's apps got.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum FleetAudit {
    #[default]
    Running,
    Finished,
    Failed(String),
}

#[derive(Debug, Default)]
pub struct AppsStep {
    /// The tenant's apps, in the order of [`AppsStep::sort`].
    pub list: PickList<Application>,
    /// The chosen app has no appreg tag: the platform list is open, with this cursor into the
    /// profiles, so the app is judged against the platform it is for.
    pub platform_for: Option<usize>,
    /// What the audit found, by client id: the background audit's, or the Findings step's
    /// when it checked the app since.
    pub health: HashMap<String, AppHealth>,
    pub audit: FleetAudit,
    pub sort: AppSort,
}

impl Searchable for Application {
    fn search_text(&self) -> Vec<&str> {
        vec![
            self.display_name.as_deref().unwrap_or_default(),
            &self.app_id,
        ]
    }
}

impl AppsStep {
    /// The list as read, in the chosen order, the cursor at the top.
    pub fn set_apps(&mut self, mut apps: Vec<Application>) {
        sort_apps(&mut apps, self.sort, &self.health);
        self.list.load = Load::Loaded(apps);
        self.list.cursor = 0;
    }

    /// What the audit found on the app with this client id, when it is known.
    pub fn health_of(&self, app_id: &str) -> Option<&AppHealth> {
        self.health.get(app_id)
    }

    /// Keeps what the audit found; an order that depends on it is brought up to date.
    pub fn learn(&mut self, reports: impl IntoIterator<Item = AppHealth>) {
        self.health
            .extend(reports.into_iter().map(|r| (r.app_id.clone(), r)));
        if self.sort != AppSort::Name {
            self.resort();
        }
    }

    /// The next order (or the one before), the cursor kept on the app it was on.
    pub fn cycle_sort(&mut self, forward: bool) {
        self.sort = self.sort.cycled(forward);
        self.resort();
    }

    /// Sorts the list again, keeping the cursor on the same app.
    fn resort(&mut self) {
        let selected = self.list.selected().map(|a| a.app_id.clone());
        if let Load::Loaded(apps) = &mut self.list.load {
            sort_apps(apps, self.sort, &self.health);
        }
        if let Some(position) =
            selected.and_then(|id| self.list.visible().iter().position(|a| a.app_id == id))
        {
            self.list.cursor = position;
        }
    }
}

/// Puts `apps` in the `sort` order, using what the audit found on each; ties (and
/// [`AppSort::Name`]) go appreg-made apps first, then by name.
pub fn sort_apps(apps: &mut [Application], sort: AppSort, health: &HashMap<String, AppHealth>) {
    apps.sort_by_cached_key(|app| {
        let found = health.get(&app.app_id);
        let (rank, when) = match sort {
            AppSort::Name => (0, None),
            AppSort::Worst => (worst_rank(found), None),
            AppSort::Expiry => match found.map(|h| h.secret_expiry) {
                Some(Some(expiry)) => (0, Some(expiry)),
                Some(None) => (1, None),
                None => (2, None),
            },
        };
        (
            rank,
            when.unwrap_or(OffsetDateTime::UNIX_EPOCH),
            tagged_profile(app).is_none(),
            app.display_name
                .as_deref()
                .unwrap_or_default()
                .to_lowercase(),
        )
    });
}

/// Errors, warnings, healthy apps, then apps not audited.
fn worst_rank(found: Option<&AppHealth>) -> u8 {
    match found.map(|h| h.worst) {
        Some(Some((Severity::Error, _))) => 0,
        Some(Some((Severity::Warning, _))) => 1,
        Some(_) => 2,
        None => 3,
    }
}
