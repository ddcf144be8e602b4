//! `appreg doctor --all`: every app registration of the tenant audited from tenant-wide reads,
//! reported as it is audited (text, one JSON document, or CSV rows) with a progress bar on a
//! terminal. Exits 1 when a reported app has an error finding.

mod bar;
mod format;

use super::HeadlessError;
use super::session::{connect, with_progress};
use crate::catalog::Catalog;
use crate::cli::{DoctorArgs, SignInArgs};
use crate::cloud::Endpoints;
use crate::doctor::fleet::{self, FleetRequest, UNKNOWN_PLATFORM};
use crate::doctor::{Code, Wants};
use crate::profile;
use crate::progress::Reporter;
use format::{Filter, Format, Printer};
use std::io::IsTerminal;
use time::OffsetDateTime;

pub async fn doctor_all(
    args: &DoctorArgs,
    endpoints: &Endpoints,
    sign_in: &SignInArgs,
    verbose: bool,
) -> Result<(), HeadlessError> {
    if let Some(flag) = args.spec.per_app_flag() {
        return Err(HeadlessError::Usage(format!(
            "{flag} describes one app: with --all only --admin-consent applies to every app"
        )));
    }
    let profiles = profile::built_in();
    let filter = filter(args, &profiles)?;
    let format = match (args.json, args.fleet.csv) {
        (true, _) => Format::Json,
        (_, true) => Format::Csv,
        _ => Format::Text,
    };
    let catalog = Catalog::offline();
    let wants = Wants {
        admin_consent: args.spec.admin_consent,
        ..Wants::default()
    };
    let client = connect(sign_in, endpoints, sign_in.tenant.clone()).await?;
    let bar = std::io::stderr().is_terminal().then(bar::Bar::new);
    let mut printer = Printer::new(std::io::stdout().lock(), format, filter, bar);
    let request = FleetRequest {
        profiles: &profiles,
        catalog: &catalog,
        wants: &wants,
        now: OffsetDateTime::now_utc(),
    };
    // A line per page would only scroll the bar away: requests are shown with -v.
    let audited = if verbose {
        with_progress(true, async |r| {
            fleet::audit_all(&client, request, r, &mut printer).await
        })
        .await
    } else {
        fleet::audit_all(&client, request, &Reporter::silent(), &mut printer).await
    };
    let unhealthy = printer
        .finish(audited.as_ref().ok().copied())
        .map_err(|source| HeadlessError::Io {
            what: "cannot write the report to stdout".into(),
            source,
        })?;
    audited?;
    match unhealthy {
        0 => Ok(()),
        apps => Err(HeadlessError::FleetUnhealthy { apps }),
    }
}

/// `--only` and `--platform`, checked against the codes and presets there are.
fn filter(args: &DoctorArgs, profiles: &[profile::Profile]) -> Result<Filter, HeadlessError> {
    let codes = args
        .fleet
        .only
        .iter()
        .map(|name| name.parse::<Code>())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|why| HeadlessError::Usage(format!("--only: {why}")))?;
    if let Some(platform) = &args.fleet.platform
        && platform != UNKNOWN_PLATFORM
        && !profiles.iter().any(|p| p.id == *platform)
    {
        return Err(HeadlessError::Usage(format!(
            "--platform: '{platform}' is neither a preset ({}) nor {UNKNOWN_PLATFORM}",
            profiles
                .iter()
                .map(|p| p.id.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    Ok(Filter {
        codes,
        platform: args.fleet.platform.clone(),
    })
}
