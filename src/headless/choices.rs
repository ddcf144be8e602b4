//! From command-line arguments to a validated plan.

use super::HeadlessError;
use crate::bounded;
use crate::catalog::Catalog;
use crate::cli::{PlanArgs, SpecArgs};
use crate::cloud::Endpoints;
use crate::plan::settings::LOGO_READ_CAP;
use crate::plan::{
    Choices, ImplicitGrant, Logo, OptionalClaim, OptionalSettings, Plan, SecretLifetime,
    from_profile,
};
use crate::profile::{self, Profile};
use time::OffsetDateTime;

/// The plan the arguments describe and the warnings to show, or every rule it breaks.
pub fn build_plan(
    args: &PlanArgs,
    tenant: Option<&str>,
    catalog: &Catalog,
    now: OffsetDateTime,
) -> Result<(Profile, Plan, Vec<String>), HeadlessError> {
    let profile = match &args.profile_file {
        Some(path) => Profile::load_file(path)?,
        None => profile::find(&args.profile)?,
    };
    let mut extra_permissions = args.permissions.clone();
    let mut warnings = Vec::new();
    if let Some(path) = &args.manifest {
        let imported = catalog.import_manifest(&read_manifest(path)?)?;
        warnings.push(format!("manifest: {}", imported.summary()));
        warnings.extend(imported.warnings.iter().map(|w| format!("manifest: {w}")));
        extra_permissions.extend(imported.permissions.iter().map(|p| {
            let role = if p.permission.kind == crate::catalog::PermissionKind::Application {
                "role:"
            } else {
                ""
            };
            format!("{}:{role}{}", p.resource_app_id, p.permission.name)
        }));
    }
    let implicit_grant = match (args.implicit_access_tokens, args.implicit_id_tokens) {
        (None, None) => None,
        (access, id) => Some(ImplicitGrant {
            access_tokens: access.unwrap_or(profile.implicit_access_tokens),
            id_tokens: id.unwrap_or(profile.implicit_id_tokens),
        }),
    };
    let secret_lifetime = match (&args.secret_months, &args.secret_until) {
        (Some(months), _) => Some(SecretLifetime::Months(*months)),
        (None, Some(date)) => Some(SecretLifetime::Until(parse_date(date)?)),
        (None, None) => None,
    };
    let choices = Choices {
        display_name: args.name.clone(),
        tenant: tenant.map(str::to_string),
        audience: args.audience,
        regions: args.spec.regions.clone(),
        self_hosted_url: args.spec.self_hosted_url.clone(),
        extra_redirect_uris: args.spec.redirect_uris.clone(),
        capabilities: args.spec.capabilities.clone(),
        extra_permissions,
        removed_permissions: args.removed_permissions.clone(),
        implicit_grant,
        secret_lifetime,
        secret_description: args.secret_description.clone(),
        admin_consent: args.spec.admin_consent,
        tags: args.tags.clone(),
        settings: settings(&args.spec)?,
    };
    let (plan, plan_warnings) = from_profile(&profile, catalog, &choices)?;
    warnings.extend(plan_warnings);
    let errors = plan.validate(now);
    if !errors.is_empty() {
        return Err(HeadlessError::Invalid(
            errors.iter().map(ToString::to_string).collect(),
        ));
    }
    Ok((profile, plan, warnings))
}

/// The optional settings the flags name, each checked as given: claims by name, the logo by
/// its bytes and size.
pub fn settings(spec: &SpecArgs) -> Result<OptionalSettings, HeadlessError> {
    let usage = |flag: &str, why: String| HeadlessError::Usage(format!("{flag}: {why}"));
    let optional_claims = spec
        .optional_claims
        .iter()
        .filter(|c| !c.trim().is_empty())
        .map(|c| c.parse().map_err(|why| usage("--optional-claim", why)))
        .collect::<Result<Vec<OptionalClaim>, _>>()?;
    // Each claim once, in the order first named.
    let optional_claims = optional_claims.iter().fold(Vec::new(), |mut kept, claim| {
        if !kept.contains(claim) {
            kept.push(claim.clone());
        }
        kept
    });
    let logo = match &spec.logo {
        Some(path) => {
            let bytes = bounded::read_bytes(path, LOGO_READ_CAP).map_err(|source| {
                HeadlessError::Input {
                    option: "--logo",
                    source,
                }
            })?;
            Some(
                Logo::from_bytes(bytes, &path.display().to_string())
                    .map_err(|why| usage("--logo", why))?,
            )
        }
        None => None,
    };
    let trimmed = |v: &Option<String>| {
        v.as_deref()
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
    };
    Ok(OptionalSettings {
        optional_claims,
        hide_app: spec.hide_app,
        homepage_url: trimmed(&spec.homepage_url),
        privacy_url: trimmed(&spec.privacy_url),
        terms_url: trimmed(&spec.terms_url),
        logo,
        publisher_id: trimmed(&spec.publisher_id),
    })
}

/// The settings the flags name, refused as bad input when Graph would refuse them or the
/// cloud does not offer them: for `doctor`, which sends them only in its fix.
pub fn checked_settings(
    spec: &SpecArgs,
    endpoints: &Endpoints,
) -> Result<OptionalSettings, HeadlessError> {
    let settings = settings(spec)?;
    let problems: Vec<String> = settings
        .problems()
        .into_iter()
        .map(|(field, why)| format!("{field}: {why}"))
        .collect();
    if !problems.is_empty() {
        return Err(HeadlessError::Invalid(problems));
    }
    check_cloud(&settings, endpoints)?;
    Ok(settings)
}

/// Settings the cloud does not offer, refused before anything is sent.
pub fn check_cloud(
    settings: &OptionalSettings,
    endpoints: &Endpoints,
) -> Result<(), HeadlessError> {
    if settings.publisher_id.is_some() && !endpoints.offers_publisher_verification() {
        return Err(HeadlessError::Usage(
            "--publisher-id: publisher verification exists in Microsoft's global cloud only".into(),
        ));
    }
    Ok(())
}

fn parse_date(text: &str) -> Result<time::Date, HeadlessError> {
    crate::plan::parse_expiry_date(text)
        .map_err(|why| HeadlessError::Usage(format!("--secret-until: {why}")))
}

/// The manifest block `--manifest` names: a file, or stdin for `-`.
fn read_manifest(path: &std::path::Path) -> Result<String, HeadlessError> {
    let text = if path.as_os_str() == "-" {
        bounded::read(std::io::stdin().lock(), "stdin", bounded::INPUT_CAP_BYTES)
    } else {
        bounded::read_file(path, bounded::INPUT_CAP_BYTES)
    };
    text.map_err(|source| HeadlessError::Input {
        option: "--manifest",
        source,
    })
}
