//! The closing summary: what was registered and what to do next. The Done screen draws it and
//! `w` writes it; neither ever includes the secret's value.

use super::{Model, Task};
use crate::doctor::Tally;
use crate::doctor::secrets::{describe, is_expired};
use crate::graph::models::PasswordCredential;
use crate::plan::Plan;
use crate::platform::Connected;
use crate::progress::Operation;
use crate::run::{Proof, ProveError, Removal};

/// Where `{client_secret}` stands in the next step: the secret is never written out.
pub const SECRET_PLACEHOLDER: &str = "<client secret>";

pub const CLIENT_ID_LABEL: &str = "Application (client) ID";
const SCOPES_LABEL: &str = "Platform scopes";

/// The summary values people paste elsewhere; Done gives each a number key that copies it.
const COPYABLE: [&str; 5] = [
    CLIENT_ID_LABEL,
    "Directory (tenant) ID",
    "Object ID",
    SCOPES_LABEL,
    "Admin consent link",
];

impl Model {
    /// Label and value pairs, in the portal's words.
    pub fn summary(&self) -> Vec<(&'static str, String)> {
        let done = &self.done.registered;
        let mut lines = vec![
            ("Display name", done.display_name.clone()),
            (CLIENT_ID_LABEL, done.app_id.clone()),
            ("Directory (tenant) ID", done.tenant_id.clone()),
            ("Object ID", done.object_id.clone()),
        ];
        match self.task {
            Task::Register => self.registration_summary(&mut lines),
            Task::Check => self.check_summary(&mut lines),
        }
        if let Some(proof) = &self.reveal.proof {
            lines.push(("New client secret", proof_words(proof)));
        }
        lines
    }

    fn check_summary(&self, lines: &mut Vec<(&'static str, String)>) {
        let done = &self.done.registered;
        lines.push(("Checked against", self.profile().name.clone()));
        lines.push(("Findings", Tally::of(&self.findings.findings).to_string()));
        if let Some(end) = &done.secret_end {
            lines.push(("New client secret expires", end.clone()));
            for old in self.old_secrets() {
                lines.push(("Old client secret", describe(old, self.now)));
            }
        }
        match &self.done.removals {
            Some(Ok(removals)) => {
                for key_id in &removals.removed {
                    lines.push(("Removed old secret", key_id.clone()));
                }
                for (key_id, why) in &removals.not_removed {
                    lines.push(("Not removed", format!("{key_id}: {why}")));
                }
            }
            Some(Err(why)) => lines.push(("Not removed", why.clone())),
            None => {}
        }
    }

    fn registration_summary(&self, lines: &mut Vec<(&'static str, String)>) {
        let done = &self.done.registered;
        if let Ok((plan, _)) = self.plan() {
            lines.push((
                "Supported account types",
                plan.spec.audience.portal_label().to_string(),
            ));
            for uri in &plan.spec.redirect_uris {
                lines.push(("Redirect URI (Web)", uri.clone()));
            }
            for (app_id, name) in plan.spec.resources() {
                let names: Vec<&str> = plan
                    .spec
                    .permissions_of(app_id)
                    .map(|p| p.name.as_str())
                    .collect();
                lines.push(("API permissions", format!("{name}: {}", names.join(" "))));
            }
            lines.push((SCOPES_LABEL, platform_scopes(&plan)));
            lines.extend(self.settings_summary(&plan));
        }
        lines.push(("Admin consent", done.consent.clone()));
        if let Some(end) = &done.secret_end {
            lines.push(("Client secret expires", end.clone()));
        }
        if let Some(link) = self.admin_consent_link() {
            lines.push(("Admin consent link", link));
            if !self.publisher_verified() {
                lines.push((
                    "Publisher",
                    "unverified: users in other organisations may need their admin to open the link above".into(),
                ));
            }
        }
    }

    /// The optional settings in the portal's words; the logo and the publisher, sent on their
    /// own, with how their request went (Graph's reason when it failed).
    fn settings_summary(&self, plan: &Plan) -> Vec<(&'static str, String)> {
        let result = |op: Operation| self.done.settings.iter().find(|r| r.op == op);
        plan.spec
            .settings
            .summary()
            .into_iter()
            .map(|(label, value)| {
                let sent = match label {
                    "Logo" => result(Operation::UploadLogo),
                    "Publisher verification" => result(Operation::VerifyPublisher),
                    _ => None,
                };
                let value = match sent.map(|r| &r.failure) {
                    Some(None) => format!("{value}: done"),
                    Some(Some(why)) => format!("{value}: failed ({why})"),
                    None => value,
                };
                (label, value)
            })
            .collect()
    }

    /// Microsoft accepted the publisher named on the Optional settings step.
    fn publisher_verified(&self) -> bool {
        self.done
            .settings
            .iter()
            .any(|r| r.op == Operation::VerifyPublisher && r.failure.is_none())
    }

    /// The summary values Done can copy, in the order shown: number key `n` copies the n-th.
    pub fn copy_targets(&self) -> Vec<(&'static str, String)> {
        self.summary()
            .into_iter()
            .filter(|(label, value)| COPYABLE.contains(label) && !value.is_empty())
            .collect()
    }

    /// For multi-tenant apps: the page where another tenant's admin consents for everyone.
    pub fn admin_consent_link(&self) -> Option<String> {
        let done = &self.done.registered;
        if !self.audience().is_multi_tenant() || done.app_id.is_empty() {
            return None;
        }
        let login = self.login_url.trim_end_matches('/');
        Some(format!(
            "{login}/{}/adminconsent?client_id={}",
            done.tenant_id, done.app_id
        ))
    }

    /// The platform's next step with the ids filled in; the secret stays a placeholder. After a
    /// rotation, also how to retire the old secret once the platform has the new one.
    pub fn next_step(&self) -> String {
        let platform = self.platform_step();
        let done = &self.done.registered;
        match (self.task, &done.secret_end) {
            (Task::Register, _) => platform,
            (Task::Check, None) => format!(
                "Re-check any time: Check an existing app, then {} ({}).",
                done.display_name, done.app_id
            ),
            (Task::Check, Some(_)) => {
                let mut text = format!(
                    "{platform}\nOnce sign-ins work with the new secret, remove the old one (Check an existing app, then r, or Certificates & secrets in the portal):"
                );
                for old in self.old_secrets() {
                    text.push_str(&format!("\n  {}", old.key_id));
                }
                text
            }
        }
    }

    /// The secrets the app held before the new one that the rotation left on it.
    fn old_secrets(&self) -> Vec<&PasswordCredential> {
        let removal = self
            .removals()
            .get(self.rotate.removal)
            .cloned()
            .unwrap_or_default();
        let Some(app) = self.findings.application() else {
            return Vec::new();
        };
        app.password_credentials
            .iter()
            .filter(|c| match &removal {
                Removal::Nothing => true,
                Removal::Key(key) => &c.key_id != key,
                Removal::Expired => !is_expired(c, self.now),
            })
            .collect()
    }

    /// What the platform holds now, or how to give it the credentials: its dashboard's steps,
    /// numbered, for a platform without an API; the preset's next step otherwise.
    fn platform_step(&self) -> String {
        if let Some(connected) = self.connect.connected() {
            return connected_summary(connected);
        }
        let profile = self.profile();
        if !profile.dashboard_steps.is_empty() {
            return profile
                .dashboard_steps
                .iter()
                .enumerate()
                .map(|(i, step)| format!("{}. {}", i + 1, self.fill_in(step)))
                .collect::<Vec<_>>()
                .join("\n");
        }
        let step = self.fill_in(&profile.next_step);
        match (&self.connect.problem, profile.connect) {
            (Some(problem), Some(kind)) => format!("Not given to {kind}: {problem}\n{step}"),
            _ => step,
        }
    }

    /// A step's placeholders filled with the app's ids; the secret stays a placeholder.
    fn fill_in(&self, template: &str) -> String {
        let scopes = self
            .plan()
            .map(|(plan, _)| platform_scopes(&plan))
            .unwrap_or_default();
        let done = &self.done.registered;
        template
            .replace("{client_id}", &done.app_id)
            .replace("{tenant_id}", &done.tenant_id)
            .replace("{scopes}", &scopes)
            .replace("{client_secret}", SECRET_PLACEHOLDER)
    }

    pub fn summary_text(&self) -> String {
        let width = self
            .summary()
            .iter()
            .map(|(label, _)| label.len())
            .max()
            .unwrap_or(0);
        let what = match self.task {
            Task::Register => "registered",
            Task::Check => "checked",
        };
        let mut text = format!(
            "appreg: {} {what} for {}\n\n",
            self.done.registered.display_name,
            self.profile().name
        );
        for (label, value) in self.summary() {
            text.push_str(&format!("{label:width$}  {value}\n"));
        }
        text.push_str(&format!("\nNext step:\n{}\n", self.next_step()));
        text
    }

    pub fn summary_file_name(&self) -> String {
        format!("appreg-{}.txt", self.done.registered.app_id)
    }
}

/// What signing the app in with its new secret showed, in a few words.
pub fn proof_words(proof: &Result<Proof, ProveError>) -> String {
    match proof {
        Ok(Proof::Verified { attempts: 1, .. }) => "signed in with it ✓".into(),
        Ok(Proof::Verified { attempts, waited }) => format!(
            "signed in with it ✓ (after {attempts} tries, {} s)",
            waited.as_secs()
        ),
        Ok(Proof::Unproven { reason }) => format!("not proven: {reason}"),
        Err(refused) => format!("not proven: {refused}"),
    }
}

/// What the platform now holds, in one sentence, then anything it had that changed.
pub fn connected_summary(connected: &Connected) -> String {
    let mut text = format!(
        "{kind} holds the credentials: its {thing} '{name}' was {action} at {url} (signs in with {provider}).",
        kind = connected.kind,
        thing = connected.kind.thing(),
        name = connected.integration,
        action = connected.action,
        url = connected.url,
        provider = connected.provider,
    );
    for note in &connected.notes {
        text.push_str(&format!("\n  {note}"));
    }
    text
}

/// Microsoft Graph's delegated scopes, comma-separated as the platforms' settings take them.
fn platform_scopes(plan: &Plan) -> String {
    plan.spec.platform_scopes().join(",")
}
