//! `appreg create`: confirm, sign in, run the plan with progress on stderr, hand over the secret.

use super::output::{self, progress_line};
use super::{HeadlessError, build_plan};
use crate::auth::{self, DeviceCodeEvent};
use crate::catalog::Catalog;
use crate::cli::{CreateArgs, SignInArgs};
use crate::cloud::Endpoints;
use crate::graph::GraphClient;
use crate::journal::{Journal, write_private};
use crate::plan::Plan;
use crate::progress::Reporter;
use crate::run;
use crate::secret::SecretString;
use std::io::{BufRead, IsTerminal, Write};
use std::path::Path;
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
    if let Some(path) = &args.secret_out
        && path.exists()
    {
        return Err(HeadlessError::Usage(format!(
            "--secret-out {} already exists; name a new file so no secret is overwritten",
            path.display()
        )));
    }
    confirm(&plan, args.yes, now)?;

    let config = sign_in.auth_config(endpoints);
    let tokens = auth::sign_in(&config, print_device_code).await?;
    eprintln!("Signed in: {}", tokens.label());
    let client = GraphClient::new(endpoints.graph_config(), tokens)
        .map_err(|e| HeadlessError::Usage(e.to_string()))?
        .for_tenant(plan.tenant.clone());

    let mut journal = match Journal::default_dir() {
        Some(dir) => Journal::open(&dir, tenant, &plan.display_name, &plan.profile_id)?,
        None => Journal::in_memory(),
    };
    if journal.is_resume() {
        eprintln!(
            "Continuing the earlier unfinished run for \"{}\": the app it made is reused.",
            plan.display_name
        );
    }

    let (sender, mut events) = tokio::sync::mpsc::unbounded_channel();
    let printer = tokio::spawn(async move {
        while let Some(event) = events.recv().await {
            if let Some(line) = progress_line(&event, verbose) {
                eprintln!("{line}");
            }
        }
    });
    let result = run::execute(&client, &plan, &mut journal, &Reporter::new(sender), now).await;
    // The reporter is gone with `execute`; the printer drains what is left and stops.
    let _ = printer.await;
    let outcome = result?;

    let next_step = output::next_step(&profile, &plan, &outcome);
    if let Some(path) = &args.secret_out
        && let Err(error) = write_secret_file(path, &outcome.secret.value)
    {
        // A secret nobody received must not stay on the app.
        run::withdraw_secret(&client, outcome, &mut journal, &Reporter::silent()).await;
        return Err(error);
    }
    let shown = if args.plan.json {
        output::result_json(&plan, &outcome, args.secret_out.as_deref(), &next_step)
    } else {
        output::result_text(&plan, &outcome, args.secret_out.as_deref(), &next_step)
    };
    let written = {
        let mut stdout = std::io::stdout().lock();
        stdout
            .write_all(shown.as_bytes())
            .and_then(|_| stdout.write_all(b"\n"))
            .and_then(|_| stdout.flush())
    };
    drop(shown);
    if let Err(source) = written {
        if args.secret_out.is_none() {
            run::withdraw_secret(&client, outcome, &mut journal, &Reporter::silent()).await;
        }
        return Err(HeadlessError::Io {
            what: "cannot write the result to stdout; the new secret was removed".into(),
            source,
        });
    }
    run::handed_over(&mut journal, &outcome)?;
    if args.secret_out.is_none() {
        eprintln!(
            "! The client secret above is shown only this once: store it now. It cannot be read again, only replaced."
        );
    }
    eprintln!("! A new secret can take up to a minute before sign-ins accept it.");
    Ok(())
}

fn print_device_code(event: DeviceCodeEvent) {
    match event {
        DeviceCodeEvent::Prompt(prompt) => {
            eprintln!(
                "To sign in, open {} and enter the code {}",
                prompt.verification_uri, prompt.user_code
            );
        }
        DeviceCodeEvent::SlowDown { interval } => {
            eprintln!(
                "(Entra ID asked to check less often: every {} s)",
                interval.as_secs()
            );
        }
        DeviceCodeEvent::Pending { .. } => {}
    }
}

/// Asks before changing a directory; scripts say `--yes`.
fn confirm(plan: &Plan, yes: bool, now: OffsetDateTime) -> Result<(), HeadlessError> {
    if yes {
        return Ok(());
    }
    let stdin = std::io::stdin();
    if !stdin.is_terminal() {
        return Err(HeadlessError::Usage(
            "no terminal to confirm on: add --yes to create the app without asking".into(),
        ));
    }
    eprint!("{}\nCreate this app? [y/N] ", output::describe(plan, now));
    let mut answer = String::new();
    stdin
        .lock()
        .read_line(&mut answer)
        .map_err(|source| HeadlessError::Io {
            what: "cannot read the answer".into(),
            source,
        })?;
    if matches!(answer.trim().to_ascii_lowercase().as_str(), "y" | "yes") {
        Ok(())
    } else {
        Err(HeadlessError::Declined)
    }
}

/// A new file only the user can read; an existing file is never overwritten.
fn write_secret_file(path: &Path, secret: &SecretString) -> Result<(), HeadlessError> {
    write_private(path, secret.expose().as_bytes(), false).map_err(|source| HeadlessError::Io {
        what: format!("cannot write the secret to {}", path.display()),
        source,
    })
}
