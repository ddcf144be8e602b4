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
use crate::run::{self, Proof, Removal, Rotation, RotationPlan, SecretRequest};
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
    let profile = platform_profile(args, &app)?;
    let target = match &profile {
        Some(profile) => platform_target(args, profile, &app)?,
        // Asks for --profile when it is needed.
        None if args.connect.connect => {
            return Err(tagged_profile(&app).err().unwrap_or_else(|| {
                HeadlessError::Usage("--connect: name the app's platform with --profile".into())
            }));
        }
        None => None,
    };
    // Keyed by the tenant's id, however it was named, so the wizard and every spelling of
    // --tenant find the same unfinished rotation.
    let mut journal = run::rotation_journal(
        Journal::default_dir().as_deref(),
        Some(&org.id),
        &app.app_id,
    )?;
    if let Some(target) = &target
        && finish_earlier(&client, &app, target, &mut journal, args, verbose).await?
    {
        return Ok(());
    }
    let adopted = run::adopt_unconfirmed(&mut journal)?;
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
    if let (Some(key_id), Some(_)) = (adopted, &target) {
        // The secret an unconfirmed earlier send may have left with the platform goes once
        // the platform has this one.
        journal.record(|e| e.remove_after.push(key_id))?;
    }
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
                // Used only if the platform has none yet; an update keeps the platform's.
                scopes: run::delegated_graph_scopes(&app, &Catalog::offline()),
                keep_scopes: true,
                display_name: &rotation.display_name,
                replace: args.connect.replace_connector,
            };
            let key_id = rotation.secret.key_id.clone();
            Some(handoff::connect(target, &credentials, &key_id, &mut journal, verbose).await)
        }
        _ => None,
    };
    let platform_holds = matches!(connected, Some(Ok(_)));
    // Only a platform that signed in as this app before switched from an old secret to the
    // new one; a new connector, or one taken over, leaves whatever used the old one as it was.
    let platform_switched = matches!(&connected, Some(Ok(c)) if c.was_this_app);
    let destination = destination.after_platform(platform_holds);
    let platform = PlatformOutcome::of(
        target.as_ref(),
        connected.as_ref(),
        profile.as_ref(),
        &app.app_id,
        &org.id,
    );
    // Old secrets go only once the new one is proven and whoever signs in with the app has
    // it: the platform (--connect), or the user, once it is handed over.
    let verified = matches!(proof, Ok(Proof::Verified { .. }));
    let may_remove = verified && (target.is_none() || platform_switched);
    let handoff = Handoff {
        proof: &proof,
        platform,
    };
    let key_id = rotation.secret.key_id.clone();
    let to_remove: Vec<String> = if may_remove {
        journal.entry().remove_after.clone()
    } else {
        Vec::new()
    };
    let kept = !rotation.kept.is_empty();
    hand_over(
        &client,
        rotation,
        &mut journal,
        args,
        destination,
        platform_holds,
        &handoff,
        &to_remove,
        now,
    )
    .await?;
    // Removed only now that the new secret is in hands: a removal never leaves the app
    // without a secret someone holds.
    if may_remove {
        let removals = with_progress(verbose, async |r| {
            run::remove_old_secrets(&client, &plan.object_id, &mut journal, r).await
        })
        .await?;
        for key_id in &removals.removed {
            eprintln!("Removed the old secret {key_id}");
        }
        for (key_id, reason) in &removals.not_removed {
            eprintln!("! {key_id} was not removed: {reason}");
        }
    } else if !plan.remove.is_empty() && platform_holds {
        eprintln!(
            "! No old secret was removed: the platform's connector did not sign in as this app before, so whatever used the old secret still may. Remove it once nothing does (Certificates & secrets > Client secrets)."
        );
    } else if !plan.remove.is_empty() && !matches!(connected, Some(Err(_))) {
        eprintln!(
            "! No old secret was removed: the new one did not prove that it signs in, so the old one may still be needed."
        );
    }
    if kept && !platform_holds {
        eprintln!(
            "! Next: give the platform the new secret and check that sign-ins work, then remove the old one (Certificates & secrets > Client secrets)."
        );
    }
    match (proof, connected) {
        (Err(error), _) => Err(error.into()),
        (_, Some(Err(error))) => Err(HeadlessError::Platform {
            message: format!(
                "{error}\n  No old secret was removed: the platform still signs in with one. The new secret (key id {key_id}) was handed to you instead. Fix the cause and run the same command again: it gives the platform a new secret and only then removes the old ones (then remove the unused {key_id} with --remove {key_id})."
            ),
        }),
        _ => Ok(()),
    }
}

/// The app's preset: `--profile`, else its `appreg-profile:` tag when it has one.
fn platform_profile(
    args: &RotateArgs,
    app: &Application,
) -> Result<Option<profile::Profile>, HeadlessError> {
    match &args.profile {
        Some(id) => Ok(Some(profile::find(id)?)),
        None => Ok(tagged_profile(app).ok()),
    }
}

/// The platform `--connect` gives the new secret to, in the region whose redirect URI the app
/// has. Nothing is guessed: an app whose region cannot be told (a self-hosted Nango, say)
/// needs --nylas-url or --nango-url, so a key never goes to a server it was not made for.
fn platform_target(
    args: &RotateArgs,
    profile: &profile::Profile,
    app: &Application,
) -> Result<Option<Target>, HeadlessError> {
    if !args.connect.connect {
        return Ok(None);
    }
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
    let named = args.connect.nylas_url.is_some() || args.connect.nango_url.is_some();
    if regions.is_empty() && !named {
        return Err(HeadlessError::Usage(format!(
            "--connect: the app has none of {}'s redirect URIs, so its API cannot be told: name it with {}",
            profile.name,
            profile
                .connect
                .map(|k| k.url_flag())
                .unwrap_or("--nylas-url or --nango-url")
        )));
    }
    handoff::target(profile, &args.connect, &regions, None)
}

/// A rotation that crashed after the platform took the new secret only has old secrets left
/// to remove: it finishes that, and makes no new secret. True when it did.
async fn finish_earlier(
    client: &GraphClient,
    app: &Application,
    now_to: &Target,
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
    // Only the same platform's rotation is finished; another starts afresh.
    if entry.remove_after.is_empty() || *target != now_to.describe() {
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
    journal: &mut Journal,
    args: &RotateArgs,
    destination: SecretDestination<'_>,
    platform_holds: bool,
    handoff: &Handoff<'_>,
    to_remove: &[String],
    now: OffsetDateTime,
) -> Result<(), HeadlessError> {
    let delivered = deliver(&rotation.secret.value, destination, || {
        if args.json {
            result_json(&rotation, to_remove, destination, handoff, now)
        } else {
            result_text(&rotation, to_remove, destination, handoff, now)
        }
    });
    settle(rotation.secret, delivered, platform_holds, client, journal).await?;
    if destination.shows_value() {
        eprintln!(
            "! The client secret above is shown only this once: store it now. It cannot be read again, only replaced."
        );
    }
    Ok(())
}

fn result_json(
    rotation: &Rotation,
    to_remove: &[String],
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
        "removed": rotation.removed_first,
        "removing": to_remove,
        "platform": handoff.platform_json(),
        "kept": rotation.kept.iter().map(|c| json!({"keyId": c.key_id, "description": c.display_name, "endDateTime": c.end_date_time, "expired": doctor::secrets::is_expired(c, now)})).collect::<Vec<_>>(),
    });
    zeroize::Zeroizing::new(serde_json::to_string_pretty(&doc).unwrap_or_default())
}

fn result_text(
    rotation: &Rotation,
    to_remove: &[String],
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
        SecretDestination::Platform { .. } | SecretDestination::Nowhere => {
            out.push_str("  Client secret:   not shown: the platform holds it\n")
        }
    }
    out.push_str(&handoff.text());
    for key_id in &rotation.removed_first {
        out.push_str(&format!("  Removed:         {key_id}\n"));
    }
    for key_id in to_remove {
        out.push_str(&format!(
            "  Removing:        {key_id} (once this is handed over)\n"
        ));
    }
    for old in &rotation.kept {
        out.push_str(&format!("  Still on the app: {}\n", describe(old, now)));
    }
    zeroize::Zeroizing::new(out)
}
