//! `appreg create`: confirm, sign in, run the plan with progress on stderr, hand over the secret.

use super::output;
use super::session::{SecretDestination, confirm, connect, deliver, progress_printer, settle};
use super::{HeadlessError, build_plan};
use crate::catalog::Catalog;
use crate::cli::{CreateArgs, SignInArgs};
use crate::cloud::Endpoints;
use crate::journal::Journal;
use crate::run;
use time::OffsetDateTime;

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
    let destination = SecretDestination::check(args.secret_out.as_deref())?;
    let mut journal = run::plan_journal(Journal::default_dir().as_deref(), &plan)?;
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

    let next_step = output::next_step(&profile, &plan, &outcome);
    let secret_out = destination.file();
    let delivered = deliver(&outcome.secret.value, &destination, || {
        if args.plan.json {
            output::result_json(&plan, &outcome, secret_out, &next_step)
        } else {
            output::result_text(&plan, &outcome, secret_out, &next_step)
        }
    });
    settle(outcome.secret, delivered, &client, &mut journal).await?;
    if secret_out.is_none() {
        eprintln!(
            "! The client secret above is shown only this once: store it now. It cannot be read again, only replaced."
        );
    }
    eprintln!("! A new secret can take up to a minute before sign-ins accept it.");
    Ok(())
}
