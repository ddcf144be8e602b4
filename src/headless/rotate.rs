//! `appreg rotate-secret`: a new client secret on an existing app, handed over exactly like
//! `create`'s (once on stdout, or a private new file), old ones removed only when named.

use super::HeadlessError;
use super::session::{
    SecretDestination, confirm, connect, deliver, selector, settle, with_progress,
};
use crate::cli::{RotateArgs, SignInArgs};
use crate::cloud::Endpoints;
use crate::doctor::{self, secrets::describe};
use crate::graph::GraphClient;
use crate::journal::Journal;
use crate::plan::{MAX_SECRET_MONTHS, SecretLifetime, parse_expiry_date};
use crate::run::{self, Removal, Removals, Rotation, RotationPlan, SecretRequest};
use serde_json::json;
use std::path::Path;
use time::OffsetDateTime;

pub async fn rotate_secret(
    args: &RotateArgs,
    endpoints: &Endpoints,
    sign_in: &SignInArgs,
    verbose: bool,
) -> Result<(), HeadlessError> {
    let now = OffsetDateTime::now_utc();
    let lifetime = lifetime(args, now)?;
    let destination = SecretDestination::check(args.secret_out.as_deref())?;
    let selector = selector(&args.app)?;
    let client = connect(sign_in, endpoints, sign_in.tenant.clone()).await?;
    let app = with_progress(verbose, async |r| {
        doctor::read_application(&client, &selector, r).await
    })
    .await?;
    let mut journal = run::rotation_journal(
        Journal::default_dir().as_deref(),
        sign_in.tenant.as_deref(),
        &app.app_id,
    )?;
    let removal = match (&args.remove, args.remove_expired) {
        (Some(key), _) => Removal::Key(key.clone()),
        (None, true) => Removal::Expired,
        (None, false) => Removal::Nothing,
    };
    let request = SecretRequest {
        description: args.description.clone(),
        end: lifetime.end(now),
    };
    let plan = run::plan_rotation(&app, &removal, request, &journal.entry().secret, now)?;
    confirm(
        &format!("{}Add the new secret?", summary(&plan, now)),
        args.yes,
        "no terminal to confirm on: add --yes to rotate without asking",
    )?;
    let client = client.from_now();

    let (rotation, removals) = with_progress(verbose, async |r| {
        let rotation = run::rotate(&client, &plan, &mut journal, r).await?;
        let removals = run::remove_old_secrets(&client, &plan.object_id, &mut journal, r).await?;
        Ok::<_, HeadlessError>((rotation, removals))
    })
    .await?;
    hand_over(
        &client,
        rotation,
        &removals,
        &mut journal,
        args,
        &destination,
        now,
    )
    .await
}

/// The new secret's lifetime, held to `create`'s rules before anything is sent.
fn lifetime(args: &RotateArgs, now: OffsetDateTime) -> Result<SecretLifetime, HeadlessError> {
    let (option, lifetime) = match (args.months, &args.until) {
        (_, Some(date)) => {
            let date = parse_expiry_date(date)
                .map_err(|why| HeadlessError::Usage(format!("--until: {why}")))?;
            ("--until", SecretLifetime::Until(date))
        }
        (Some(months), None) => ("--months", SecretLifetime::Months(months)),
        (None, None) => ("--months", SecretLifetime::Months(MAX_SECRET_MONTHS)),
    };
    lifetime
        .check(now)
        .map_err(|refused| HeadlessError::Usage(format!("{option}: {}", refused.message)))?;
    Ok(lifetime)
}

/// What will happen, in the portal's words, before anything is sent.
fn summary(plan: &RotationPlan, now: OffsetDateTime) -> String {
    let mut out = format!(
        "Rotate the client secret of \"{}\" (client id {})\n  New secret: \"{}\", expires {}\n",
        plan.display_name,
        plan.app_id,
        plan.secret.description,
        plan.secret.end.date()
    );
    if plan.remove.is_empty() {
        out.push_str("  Nothing is removed: update the platform with the new secret, then remove the old one.\n");
    }
    for old in &plan.remove {
        let when = if plan.remove_first {
            "first, to make room"
        } else {
            "after the new one is added"
        };
        out.push_str(&format!("  Remove {} {when}\n", describe(old, now)));
    }
    out
}

async fn hand_over(
    client: &GraphClient,
    rotation: Rotation,
    removals: &Removals,
    journal: &mut Journal,
    args: &RotateArgs,
    destination: &SecretDestination<'_>,
    now: OffsetDateTime,
) -> Result<(), HeadlessError> {
    let secret_out = destination.file();
    let delivered = deliver(&rotation.secret.value, destination, || {
        if args.json {
            result_json(&rotation, removals, secret_out, now)
        } else {
            result_text(&rotation, removals, secret_out, now)
        }
    });
    settle(rotation.secret, delivered, client, journal).await?;
    if secret_out.is_none() {
        eprintln!(
            "! The client secret above is shown only this once: store it now. It cannot be read again, only replaced."
        );
    }
    for (key_id, reason) in &removals.not_removed {
        eprintln!("! {key_id} was not removed: {reason}");
    }
    if !rotation.kept.is_empty() {
        eprintln!(
            "! Next: give the platform the new secret and check that sign-ins work, then remove the old one (Certificates & secrets > Client secrets)."
        );
    }
    eprintln!("! A new secret can take up to a minute before sign-ins accept it.");
    Ok(())
}

fn result_json(
    rotation: &Rotation,
    removals: &Removals,
    secret_out: Option<&Path>,
    now: OffsetDateTime,
) -> zeroize::Zeroizing<String> {
    let secret = &rotation.secret;
    let doc = json!({
        "appId": rotation.app_id,
        "objectId": rotation.object_id,
        "displayName": rotation.display_name,
        "secret": {
            "value": secret_out.is_none().then(|| secret.value.expose()),
            "writtenTo": secret_out.map(|p| p.display().to_string()),
            "keyId": secret.key_id,
            "hint": secret.hint,
            "endDateTime": secret.end_date_time,
            "description": secret.display_name,
        },
        "removed": rotation.removed_first.iter().chain(&removals.removed).collect::<Vec<_>>(),
        "notRemoved": removals.not_removed.iter().map(|(k, why)| json!({"keyId": k, "reason": why})).collect::<Vec<_>>(),
        "kept": rotation.kept.iter().map(|c| json!({"keyId": c.key_id, "description": c.display_name, "endDateTime": c.end_date_time, "expired": doctor::secrets::is_expired(c, now)})).collect::<Vec<_>>(),
    });
    zeroize::Zeroizing::new(serde_json::to_string_pretty(&doc).unwrap_or_default())
}

fn result_text(
    rotation: &Rotation,
    removals: &Removals,
    secret_out: Option<&Path>,
    now: OffsetDateTime,
) -> zeroize::Zeroizing<String> {
    let secret = &rotation.secret;
    let mut out = format!(
        "New client secret for \"{}\" (client id {})\n",
        rotation.display_name, rotation.app_id
    );
    out.push_str(&format!("  Key id:          {}\n", secret.key_id));
    out.push_str(&format!("  Expires:         {}\n", secret.end_date_time));
    match secret_out {
        Some(path) => out.push_str(&format!(
            "  Client secret:   written to {}\n",
            path.display()
        )),
        None => out.push_str(&format!("  Client secret:   {}\n", secret.value.expose())),
    }
    for key_id in rotation.removed_first.iter().chain(&removals.removed) {
        out.push_str(&format!("  Removed:         {key_id}\n"));
    }
    for old in &rotation.kept {
        out.push_str(&format!("  Still on the app: {}\n", describe(old, now)));
    }
    zeroize::Zeroizing::new(out)
}
