//! `appreg doctor`: read an existing app, report what does not fit the platform, and with
//! `--fix` show, confirm and send the requests that mend it, then audit again.

use super::HeadlessError;
use super::output::request_json;
use super::session::tagged_profile;
use super::session::{confirm, connect, selector, with_progress};
use crate::catalog::Catalog;
use crate::cli::{DoctorArgs, SignInArgs};
use crate::cloud::Endpoints;
use crate::doctor::{
    self, Action, Errand, Finding, FixOptions, Inspection, Remedy, Tally, Wants, applies, fix_plan,
};
use crate::graph::GraphClient;
use crate::plan::Step;
use crate::profile::{self, ChoiceError, Profile};
use crate::run;
use serde_json::{Value, json};
use time::OffsetDateTime;

pub async fn doctor(
    args: &DoctorArgs,
    endpoints: &Endpoints,
    sign_in: &SignInArgs,
    verbose: bool,
) -> Result<(), HeadlessError> {
    if args.fleet.all {
        return super::fleet::doctor_all(args, endpoints, sign_in, verbose).await;
    }
    let selector = selector(&args.app)?;
    let chosen = chosen_profile(args)?;
    let settings = super::choices::checked_settings(&args.spec, endpoints)?;
    let catalog = Catalog::offline();
    let client = connect(sign_in, endpoints, sign_in.tenant.clone()).await?;
    let mut inspection = with_progress(verbose, async |r| {
        doctor::inspect(&client, &selector, r).await
    })
    .await?;
    let profile = match chosen {
        Some(profile) => profile,
        None => tagged_profile(&inspection.application)?,
    };
    let wants = wants(args, &profile, settings)?;
    inspection.context.wants = wants.clone();
    let now = OffsetDateTime::now_utc();
    let findings = audit(&inspection, &profile, &catalog, now)?;
    let options = FixOptions {
        remove_extra: args.remove_extra,
    };
    if !args.fix {
        print!(
            "{}",
            report(args.json, &inspection, &profile, &findings, None)
        );
        return verdict(&findings);
    }

    let steps = fix_plan(
        &inspection.application,
        &inspection.context,
        &findings,
        options,
    );
    let before = report(
        args.json,
        &inspection,
        &profile,
        &findings,
        Some((&steps, options)),
    );
    if steps.is_empty() {
        print!("{before}");
        return verdict(&findings);
    }
    if args.json {
        eprint!("{}", requests_text(&steps));
    } else {
        print!("{before}");
    }
    confirm(
        &format!("Send these {} request(s)?", steps.len()),
        args.yes,
        "no terminal to confirm on: add --yes to apply the fix without asking",
    )?;
    let after = apply(&client.from_now(), &inspection, &steps, wants, verbose).await?;
    let findings_after = audit(&after, &profile, &catalog, OffsetDateTime::now_utc())?;
    if args.json {
        let mut doc = document(&inspection, &profile, &findings);
        doc["fix"] = json!({
            "requests": steps.iter().map(|s| request_json(&s.request())).collect::<Vec<_>>(),
            "applied": true,
            "findings": findings_after,
            "summary": Tally::of(&findings_after),
        });
        println!("{}", pretty(&doc));
    } else {
        println!("\nAfter the fix:\n");
        print!("{}", findings_text(&findings_after));
    }
    verdict(&findings_after)
}

async fn apply(
    client: &GraphClient,
    inspection: &Inspection,
    steps: &[Step],
    wants: Wants,
    verbose: bool,
) -> Result<Inspection, HeadlessError> {
    let mut after = with_progress(verbose, async |r| {
        run::mend(client, inspection, steps, r).await
    })
    .await?;
    after.context.wants = wants;
    Ok(after)
}

fn audit(
    inspection: &Inspection,
    profile: &Profile,
    catalog: &Catalog,
    now: OffsetDateTime,
) -> Result<Vec<Finding>, HeadlessError> {
    Ok(doctor::audit(
        &inspection.application,
        &inspection.context,
        profile,
        catalog,
        now,
    )?)
}

fn verdict(findings: &[Finding]) -> Result<(), HeadlessError> {
    match Tally::of(findings).errors {
        0 => Ok(()),
        errors => Err(HeadlessError::Unhealthy { errors }),
    }
}

fn chosen_profile(args: &DoctorArgs) -> Result<Option<Profile>, HeadlessError> {
    Ok(match (&args.profile_file, &args.profile) {
        (Some(path), _) => Some(Profile::load_file(path)?),
        (None, Some(id)) => Some(profile::find(id)?),
        (None, None) => None,
    })
}

fn wants(
    args: &DoctorArgs,
    profile: &Profile,
    settings: crate::plan::OptionalSettings,
) -> Result<Wants, HeadlessError> {
    let spec = &args.spec;
    let usage = |e: ChoiceError| HeadlessError::Usage(e.to_string());
    let chosen = profile
        .choose_regions(&spec.regions)
        .map_err(|e| usage(e.into()))?;
    if let Some(note) = &chosen.note {
        eprintln!("! {note}");
    }
    // Capability names and a self-hosted URL are checked by the audit, which builds the app's
    // Spec from these wants by create's rules and refuses them as bad input (exit 2).
    let capabilities = spec.capabilities.clone().unwrap_or_default();
    Ok(Wants {
        regions: chosen.regions.iter().map(|r| r.id.clone()).collect(),
        self_hosted_url: spec.self_hosted_url.clone(),
        redirect_uris: spec.redirect_uris.clone(),
        capabilities,
        admin_consent: spec.admin_consent,
        settings,
    })
}

/// The findings, and with `--fix` the requests that mend them.
fn report(
    as_json: bool,
    inspection: &Inspection,
    profile: &Profile,
    findings: &[Finding],
    fix: Option<(&[Step], FixOptions)>,
) -> String {
    if as_json {
        let mut doc = document(inspection, profile, findings);
        if let Some((steps, _)) = fix {
            doc["fix"] = json!({
                "requests": steps.iter().map(|s| request_json(&s.request())).collect::<Vec<_>>(),
                "applied": false,
            });
        }
        return pretty(&doc) + "\n";
    }
    let app = &inspection.application;
    let mut out = format!(
        "\"{}\" (client id {}, object id {})\nChecked against {} ({})\n\n",
        app.display_name.as_deref().unwrap_or(""),
        app.app_id,
        app.id,
        profile.name,
        profile.id
    );
    out.push_str(&findings_text(findings));
    let fixable = findings.iter().filter(|f| f.remedy.is_some()).count();
    let removals = findings
        .iter()
        .filter(|f| f.remedy.as_ref().is_some_and(Remedy::removes))
        .count();
    match fix {
        None if fixable > 0 => out.push_str(&format!(
            "\n{fixable} of these can be mended by appreg: add --fix to see the requests{}.\n",
            match removals {
                0 => String::new(),
                n => format!(" ({n} remove something, and need --remove-extra too)"),
            }
        )),
        None => {}
        Some((steps, options)) => {
            let left_out: Vec<&Finding> = findings
                .iter()
                .filter(|f| f.remedy.as_ref().is_some_and(|r| !applies(r, options)))
                .collect();
            if !left_out.is_empty() {
                out.push_str("\nLeft as they are (removing needs --remove-extra):\n");
                for finding in left_out {
                    out.push_str(&format!("  [{}] {}\n", finding.code, finding.title));
                }
            }
            if steps.is_empty() {
                out.push_str("\nNothing here can be mended by a Graph request.\n");
            } else {
                out.push('\n');
                out.push_str(&requests_text(steps));
            }
        }
    }
    out
}

fn findings_text(findings: &[Finding]) -> String {
    let mut out = String::new();
    for finding in findings {
        out.push_str(&finding_text(finding));
        out.push_str("\n\n");
    }
    if findings.is_empty() {
        out.push_str("No findings: the app fits the platform.\n");
    }
    out.push_str(&format!("{}\n", Tally::of(findings)));
    out
}

/// A finding as the command line shows it: the fix names the flags or command that do it.
fn finding_text(finding: &Finding) -> String {
    let how = match finding.action() {
        None => String::new(),
        Some(Action::Fix) => " (--fix)".into(),
        Some(Action::FixRemovingExtras) => " (--fix --remove-extra)".into(),
        Some(Action::Errand(Errand::AdminConsent)) => {
            " (--admin-consent --fix, as an administrator)".into()
        }
        Some(Action::Errand(Errand::NewSecret {
            app_id,
            remove_expired,
        })) => format!(
            ": appreg rotate-secret --app-id {app_id}{}",
            if remove_expired {
                " --remove-expired"
            } else {
                ""
            }
        ),
    };
    format!(
        "{} [{}] {}\n    why: {}\n    fix: {}{how}\n    portal: {}",
        finding.severity, finding.code, finding.title, finding.why, finding.fix, finding.portal
    )
}

fn requests_text(steps: &[Step]) -> String {
    let mut out = String::from(
        "Requests that mend the findings ({sp.id} is the service principal made first):\n\n",
    );
    for step in steps {
        out.push_str(&format!("{}\n", step.request()));
    }
    out
}

fn document(inspection: &Inspection, profile: &Profile, findings: &[Finding]) -> Value {
    let app = &inspection.application;
    json!({
        "app": {
            "appId": app.app_id,
            "objectId": app.id,
            "displayName": app.display_name,
            "tenantId": inspection.context.tenant_id,
        },
        "profile": profile.id,
        "findings": findings,
        "summary": Tally::of(findings),
    })
}

fn pretty(value: &Value) -> String {
    serde_json::to_string_pretty(value).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::finding_text;
    use crate::doctor::{Action, Errand, every_kind_of_finding};

    #[test]
    fn the_command_line_names_its_flags_and_commands() {
        for finding in every_kind_of_finding() {
            let text = finding_text(&finding);
            let expected = match finding.action() {
                Some(Action::FixRemovingExtras) => "(--fix --remove-extra)",
                Some(Action::Fix) => "(--fix)",
                Some(Action::Errand(Errand::AdminConsent)) => "--admin-consent --fix",
                Some(Action::Errand(Errand::NewSecret {
                    remove_expired: true,
                    ..
                })) => {
                    "appreg rotate-secret --app-id a9900000-0000-4000-8000-000000000001 --remove-expired"
                }
                Some(Action::Errand(Errand::NewSecret { .. })) => {
                    "appreg rotate-secret --app-id a9900000-0000-4000-8000-000000000001"
                }
                None => continue,
            };
            assert!(text.contains(expected), "{text}");
        }
    }
}
