//! `appreg rotate-secret`: a new client secret on an existing app, handed over exactly like
//! `create`'s (once on stdout, or a private new file), old ones removed only when named.

use super::HeadlessError;
use super::handoff::{self, Handoff, PlatformOutcome};
use super::session::{
    SecretDestination, confirm, connect, deliver, selector, settle, tagged_profile, with_progress,
};
use crate::audience::Audience;
use crate::catalog::Catalog;
use crate::cli::{RotateArgs, SignInArgs};
use crate::cloud::Endpoints;
use crate::doctor::{self, secrets::describe};
use crate::graph::GraphClient;
use crate::graph::models::Application;
use crate::journal::Journal;
use crate::journal::{PlatformState, SecretState};
use crate::plan::{MAX_SECRET_MONTHS, SecretLifetime, parse_expiry_date};
use crate::platform::{Credentials, Target};
use crate::profile;
use crate::progress::Operation;
use crate::run::{self, Removal, Removals, Rotation, RotationPlan, SecretRequest};
use serde_json::json;
use time::OffsetDateTime;

pub async fn rotate_secret(
    args: &RotateArgs,
    endpoints: &Endpoints,
    sign_in: &SignInArgs,
    verbose: bool,
) -> Result<(), HeadlessError> {
    let now = OffsetDateTime::now_utc();
    let lifetime = lifetime(args, now)?;
    let shown = !args.connect.connect || args.connect.show_secret;
    let destination = SecretDestination::check(args.secret_out.as_deref(), shown)?;
    let selector = selector(&args.app)?;
    let client = connect(sign_in, endpoints, sign_in.tenant.clone()).await?;
    let (app, org) = with_progress(verbose, async |r| {
        let reading_tenant = r.on(Operation::ReadTenant);
        let (app, org) = tokio::join!(
            doctor::read_application(&client, &selector, r),
            client.organization(&reading_tenant)
        );
        Ok::<_, HeadlessError>((
            app?,
            org.map_err(|e| run::RunError::Graph {
                op: Operation::ReadTenant,
                error: e,
            })?,
        ))
    })
    .await?;
    let target = platform_target(args, &app)?;
    let mut journal = run::rotation_journal(
        Journal::default_dir().as_deref(),
        sign_in.tenant.as_deref(),
        &app.app_id,
    )?;
    if target.is_some() && finish_earlier(&client, &app, &mut journal, args, verbose).await? {
        return Ok(());
    }
    keep_what_the_platform_may_hold(&mut journal)?;
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
    if target.is_some() && plan.remove_first {
        eprintln!(
            "! The app is at its secret limit: the old secret is removed before the platform has the new one, so sign-ins fail until it does."
        );
    }
    confirm(
        &format!(
            "{}Add the new secret?",
            summary(&plan, target.as_ref(), now)
        ),
        args.yes,
        "no terminal to confirm on: add --yes to rotate without asking",
    )?;
    let client = client.from_now();

    let rotation = with_progress(verbose, async |r| {
        run::rotate(&client, &plan, &mut journal, r).await
    })
    .await?;
    let proof = handoff::prove(
        endpoints,
        &org.id,
        &rotation.app_id,
        &rotation.secret.value,
        &args.connect,
        verbose,
    )
    .await;
    let connected = match (&target, &proof) {
        (Some(target), Ok(_)) => {
            let scopes = run::delegated_graph_scopes(&app, &Catalog::offline());
            let single_tenant = app
                .sign_in_audience
                .as_deref()
                .and_then(|a| a.parse::<Audience>().ok())
                .filter(|a| !a.is_multi_tenant())
                .map(|_| org.id.as_str());
            let credentials = Credentials {
                client_id: &rotation.app_id,
                secret: &rotation.secret.value,
                single_tenant,
                scopes,
                display_name: &rotation.display_name,
            };
            let key_id = rotation.secret.key_id.clone();
            Some(handoff::connect(target, &credentials, &key_id, &mut journal, verbose).await)
        }
        _ => None,
    };
    // Old secrets go only once the new one works, and with --connect only once the platform
    // has it: until then they keep sign-ins working.
    let removals = match (&proof, &target, &connected) {
        (Ok(_), None, _) | (Ok(_), Some(_), Some(Ok(_))) => {
            with_progress(verbose, async |r| {
                run::remove_old_secrets(&client, &plan.object_id, &mut journal, r).await
            })
            .await?
        }
        _ => Removals::default(),
    };
    let destination = match &connected {
        Some(Ok(_)) => destination,
        _ => destination.unless_platform(),
    };
    let platform = match (&target, &connected) {
        (_, Some(Ok(done))) => PlatformOutcome::Connected(done),
        (Some(target), Some(Err(error))) => PlatformOutcome::Refused {
            target,
            error: error.to_string(),
        },
        (Some(target), None) => PlatformOutcome::NotSent(target),
        (None, _) => PlatformOutcome::NotAsked { api: None },
    };
    let handoff = Handoff {
        proof: &proof,
        platform,
    };
    let key_id = rotation.secret.key_id.clone();
    hand_over(
        &client,
        rotation,
        &removals,
        &mut journal,
        args,
        destination,
        &handoff,
        now,
    )
    .await?;
    match (proof, connected, &target) {
        (Err(error), _, _) => Err(error.into()),
        (_, Some(Err(error)), Some(target)) => Err(handoff::refused(
            target,
            error,
            &format!("handed to you instead (key id {key_id}); no old secret was removed"),
        )),
        _ => Ok(()),
    }
}

/// The platform `--connect` gives the new secret to: the preset named or tagged on the app,
/// in the region whose redirect URI the app has.
fn platform_target(args: &RotateArgs, app: &Application) -> Result<Option<Target>, HeadlessError> {
    if !args.connect.connect {
        return Ok(None);
    }
    let profile = match &args.profile {
        Some(id) => profile::find(id)?,
        None => tagged_profile(app)?,
    };
    let uris = app
        .web
        .as_ref()
        .map(|w| w.redirect_uris.as_slice())
        .unwrap_or_default();
    let regions: Vec<String> = profile
        .regions
        .iter()
        .filter(|r| uris.iter().any(|u| u.eq_ignore_ascii_case(&r.redirect_uri)))
        .map(|r| r.id.clone())
        .collect();
    handoff::target(&profile, &args.connect, &regions, None)
}

/// A rotation that crashed after the platform took the new secret only has old secrets left
/// to remove: it finishes that, and makes no new secret. True when it did.
async fn finish_earlier(
    client: &GraphClient,
    app: &Application,
    journal: &mut Journal,
    args: &RotateArgs,
    verbose: bool,
) -> Result<bool, HeadlessError> {
    let entry = journal.entry();
    let (PlatformState::Connected { key_id, target }, SecretState::HandedOver { .. }) =
        (&entry.platform, &entry.secret)
    else {
        return Ok(false);
    };
    if entry.remove_after.is_empty() {
        return Ok(false);
    }
    eprintln!(
        "Finishing the earlier rotation of \"{}\": {target} already holds the new secret {key_id}; removing the old ones it replaced.",
        app.display_name.as_deref().unwrap_or(&app.app_id)
    );
    let key_id = key_id.clone();
    let removals = with_progress(verbose, async |r| {
        run::remove_old_secrets(client, &app.id, journal, r).await
    })
    .await?;
    let doc = json!({
        "appId": app.app_id,
        "objectId": app.id,
        "resumed": true,
        "secret": {"keyId": key_id},
        "removed": removals.removed,
        "notRemoved": removals.not_removed.iter().map(|(k, why)| json!({"keyId": k, "reason": why})).collect::<Vec<_>>(),
    });
    if args.json {
        println!("{}", serde_json::to_string_pretty(&doc).unwrap_or_default());
    } else {
        for key in &removals.removed {
            println!("Removed {key}");
        }
    }
    for (key_id, reason) in &removals.not_removed {
        eprintln!("! {key_id} was not removed: {reason}");
    }
    Ok(true)
}

/// A secret an earlier rotation sent to the platform without learning the answer may be the
/// one the platform uses now: it is not taken off the app before the new one replaces it,
/// only after.
fn keep_what_the_platform_may_hold(journal: &mut Journal) -> Result<(), HeadlessError> {
    let entry = journal.entry();
    if let (PlatformState::Sending { key_id, .. }, SecretState::Issued { key_id: issued, .. }) =
        (&entry.platform, &entry.secret)
        && key_id == issued
    {
        let key_id = key_id.clone();
        journal.record(|e| {
            e.secret = SecretState::HandedOver {
                key_id: key_id.clone(),
            };
            if !e.remove_after.contains(&key_id) {
                e.remove_after.push(key_id);
            }
            e.platform = PlatformState::None;
        })?;
    }
    Ok(())
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
fn summary(plan: &RotationPlan, target: Option<&Target>, now: OffsetDateTime) -> String {
    let mut out = format!(
        "Rotate the client secret of \"{}\" (client id {})\n  New secret: \"{}\", expires {}\n",
        plan.display_name,
        plan.app_id,
        plan.secret.description,
        plan.secret.end.date()
    );
    if let Some(target) = target {
        out.push_str(&format!(
            "  Once the new secret signs in, it is given to {}\n",
            target.describe()
        ));
    }
    if plan.remove.is_empty() {
        out.push_str("  Nothing is removed: update the platform with the new secret, then remove the old one.\n");
    }
    for old in &plan.remove {
        let when = match (plan.remove_first, target) {
            (true, _) => "first, to make room",
            (false, Some(_)) => "once the platform has the new one",
            (false, None) => "once the new one signs in",
        };
        out.push_str(&format!("  Remove {} {when}\n", describe(old, now)));
    }
    out
}

#[allow(clippy::too_many_arguments)]
async fn hand_over(
    client: &GraphClient,
    rotation: Rotation,
    removals: &Removals,
    journal: &mut Journal,
    args: &RotateArgs,
    destination: SecretDestination<'_>,
    handoff: &Handoff<'_>,
    now: OffsetDateTime,
) -> Result<(), HeadlessError> {
    let delivered = deliver(&rotation.secret.value, destination, || {
        if args.json {
            result_json(&rotation, removals, destination, handoff, now)
        } else {
            result_text(&rotation, removals, destination, handoff, now)
        }
    });
    settle(rotation.secret, delivered, client, journal).await?;
    if destination.shows_value() {
        eprintln!(
            "! The client secret above is shown only this once: store it now. It cannot be read again, only replaced."
        );
    }
    for (key_id, reason) in &removals.not_removed {
        eprintln!("! {key_id} was not removed: {reason}");
    }
    let connected = matches!(handoff.platform, PlatformOutcome::Connected(_));
    if !rotation.kept.is_empty() && !connected {
        eprintln!(
            "! Next: give the platform the new secret and check that sign-ins work, then remove the old one (Certificates & secrets > Client secrets)."
        );
    }
    Ok(())
}

fn result_json(
    rotation: &Rotation,
    removals: &Removals,
    destination: SecretDestination<'_>,
    handoff: &Handoff<'_>,
    now: OffsetDateTime,
) -> zeroize::Zeroizing<String> {
    let secret = &rotation.secret;
    let (verified, verify_note) = handoff.verified_json();
    let doc = json!({
        "appId": rotation.app_id,
        "objectId": rotation.object_id,
        "displayName": rotation.display_name,
        "secret": {
            "value": destination.shows_value().then(|| secret.value.expose()),
            "writtenTo": destination.file().map(|p| p.display().to_string()),
            "verified": verified,
            "verifyNote": verify_note,
            "keyId": secret.key_id,
            "hint": secret.hint,
            "endDateTime": secret.end_date_time,
            "description": secret.display_name,
        },
        "removed": rotation.removed_first.iter().chain(&removals.removed).collect::<Vec<_>>(),
        "notRemoved": removals.not_removed.iter().map(|(k, why)| json!({"keyId": k, "reason": why})).collect::<Vec<_>>(),
        "platform": handoff.platform_json(),
        "kept": rotation.kept.iter().map(|c| json!({"keyId": c.key_id, "description": c.display_name, "endDateTime": c.end_date_time, "expired": doctor::secrets::is_expired(c, now)})).collect::<Vec<_>>(),
    });
    zeroize::Zeroizing::new(serde_json::to_string_pretty(&doc).unwrap_or_default())
}

fn result_text(
    rotation: &Rotation,
    removals: &Removals,
    destination: SecretDestination<'_>,
    handoff: &Handoff<'_>,
    now: OffsetDateTime,
) -> zeroize::Zeroizing<String> {
    let secret = &rotation.secret;
    let mut out = format!(
        "New client secret for \"{}\" (client id {})\n",
        rotation.display_name, rotation.app_id
    );
    out.push_str(&format!("  Key id:          {}\n", secret.key_id));
    out.push_str(&format!("  Expires:         {}\n", secret.end_date_time));
    match destination {
        SecretDestination::File(path) => out.push_str(&format!(
            "  Client secret:   written to {}\n",
            path.display()
        )),
        SecretDestination::Stdout => {
            out.push_str(&format!("  Client secret:   {}\n", secret.value.expose()))
        }
        SecretDestination::Platform => out
            .push_str("  Client secret:   given to the platform only (--show-secret prints it)\n"),
    }
    out.push_str(&handoff.text());
    for key_id in rotation.removed_first.iter().chain(&removals.removed) {
        out.push_str(&format!("  Removed:         {key_id}\n"));
    }
    for old in &rotation.kept {
        out.push_str(&format!("  Still on the app: {}\n", describe(old, now)));
    }
    zeroize::Zeroizing::new(out)
}
