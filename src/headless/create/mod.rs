//! `appreg create`: confirm, sign in, run the plan with progress on stderr, prove the new secret,
//! give it to the platform with `--connect`, hand it over.

use super::handoff::{self, Handoff, PlatformOutcome};
use super::output;
use super::session::{SecretDestination, confirm, connect, deliver, progress_printer, settle};
use super::{HeadlessError, build_plan};
use crate::catalog::Catalog;
use crate::cli::{CreateArgs, SignInArgs};
use crate::cloud::Endpoints;
use crate::journal::Journal;
use crate::run;
use time::OffsetDateTime;

mod resume;

pub async fn create(
    args: &CreateArgs,
    endpoints: &Endpoints,
    sign_in: &SignInArgs,
    verbose: bool,
) -> Result<(), HeadlessError> {
    let now = OffsetDateTime::now_utc();
    let tenant = sign_in.tenant.as_deref();
    let (profile, plan, warnings) = build_plan(&args.plan, tenant, &Catalog::offline(), now)?;
    for warning in &warnings {
        eprintln!("! {warning}");
    }
    super::choices::check_cloud(&plan.spec.settings, endpoints)?;
    let spec = &args.plan.spec;
    let target = handoff::target(
        &profile,
        &args.connect,
        &spec.regions,
        spec.self_hosted_url.as_deref(),
    )?;
    let shown = target.is_none() || args.connect.show_secret;
    let destination = SecretDestination::check(args.secret_out.as_deref(), shown)?;
    let mut journal = run::plan_journal(Journal::default_dir().as_deref(), &plan)?;
    if let (Some(target), Some(secret_from)) = (&target, &args.secret_from) {
        return resume::finish(
            args,
            &plan,
            target,
            secret_from,
            &mut journal,
            endpoints,
            verbose,
        )
        .await;
    }
    if let Some(app_id) = journal.earlier_app_id() {
        eprintln!(
            "! appreg already registered \"{}\" here (client id {app_id}): this makes a second app. To check that one instead: appreg doctor --app-id {app_id}",
            plan.display_name
        );
    }
    confirm(
        &format!("{}\nCreate this app?", output::describe(&plan, now)),
        args.yes,
        "no terminal to confirm on: add --yes to create the app without asking",
    )?;
    let client = connect(sign_in, endpoints, plan.tenant.clone()).await?;

    if journal.is_resume() {
        eprintln!(
            "Continuing the earlier unfinished run for \"{}\": the app it made is reused.",
            plan.display_name
        );
    }

    let (reporter, printer) = progress_printer(verbose);
    let result = run::execute(&client, &plan, &mut journal, &reporter, now).await;
    // With the reporter gone, the printer drains what is left and stops.
    drop(reporter);
    let _ = printer.await;
    let outcome = result?;

    let proof = handoff::prove(
        endpoints,
        &outcome.tenant_id,
        &outcome.app_id,
        &outcome.secret.value,
        &args.connect,
        verbose,
    )
    .await;
    let connected = match (&target, &proof) {
        (Some(target), Ok(_)) => {
            let credentials = run::credentials_for(
                &plan.spec,
                &outcome.app_id,
                &outcome.secret.value,
                &outcome.tenant_id,
                &plan.display_name,
                args.connect.replace_connector,
            );
            Some(
                handoff::connect(
                    target,
                    &credentials,
                    &outcome.secret.key_id,
                    &mut journal,
                    verbose,
                )
                .await,
            )
        }
        _ => None,
    };
    if let (Some(target), Err(_)) = (&target, &proof) {
        // Not sent, but a re-run with --secret-from may send it once it signs in.
        journal.record(|e| {
            e.platform = crate::journal::PlatformState::Refused {
                key_id: outcome.secret.key_id.clone(),
                target: target.describe(),
            }
        })?;
    }
    let platform = PlatformOutcome::of(
        target.as_ref(),
        connected.as_ref(),
        Some(&profile),
        &outcome.app_id,
        &outcome.tenant_id,
    );
    let platform_holds = matches!(connected, Some(Ok(_)));
    let destination = destination.after_platform(platform_holds);
    let handoff = Handoff {
        proof: &proof,
        platform,
    };
    let next_step = output::next_step(&profile, &plan, &outcome);
    let delivered = deliver(&outcome.secret.value, destination, || {
        if args.plan.json {
            output::result_json(&plan, &outcome, destination, &next_step, &handoff)
        } else {
            output::result_text(&plan, &outcome, destination, &next_step, &handoff)
        }
    });
    let key_id = outcome.secret.key_id.clone();
    let verified = matches!(proof, Ok(run::Proof::Verified { .. }));
    settle(
        outcome.secret,
        delivered,
        platform_holds,
        &client,
        &mut journal,
    )
    .await?;
    if destination.shows_value() {
        eprintln!(
            "! The client secret above is shown only this once: store it now. It cannot be read again, only replaced."
        );
    }
    match (proof, connected, &target) {
        (Err(error), _, _) => Err(error.into()),
        (_, Some(Err(error)), Some(target)) => Err(handoff::refused(
            target,
            error,
            verified,
            &where_shown(destination, &key_id),
        )),
        _ => Ok(()),
    }
}

/// Where the user finds the secret the platform refused.
fn where_shown(destination: SecretDestination<'_>, key_id: &str) -> String {
    match destination.file() {
        Some(path) => format!("written to {} (key id {key_id})", path.display()),
        None => format!("printed above (key id {key_id})"),
    }
}
