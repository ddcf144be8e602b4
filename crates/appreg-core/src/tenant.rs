//! What `--tenant` may name: a directory's id (a GUID) or one of its verified domains. The
//! value goes into sign-in URLs, so anything else is refused before it is used.

use crate::graph::models::{Organization, Tenant};
use crate::graph::{GraphClient, GraphError};
use crate::progress::{Operation, Reporter};

/// Checks a `--tenant` value; domains are compared case-insensitively, so they are lowered.
pub fn parse(value: &str) -> Result<String, String> {
    let value = value.trim();
    if uuid::Uuid::try_parse(value).is_ok() || is_domain(value) {
        return Ok(value.to_ascii_lowercase());
    }
    Err(format!(
        "'{value}' is neither a tenant id (a GUID such as 72f988bf-86f1-41af-91ab-2d7cd011db47) nor a domain (contoso.onmicrosoft.com)"
    ))
}

fn is_domain(value: &str) -> bool {
    let labels: Vec<&str> = value.split('.').collect();
    value.len() <= 253
        && labels.len() >= 2
        && labels.iter().all(|label| {
            (1..=63).contains(&label.len())
                && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                && !label.starts_with('-')
                && !label.ends_with('-')
        })
}

/// Whether the organisation the token works in is the tenant the user named.
pub fn is_named(org: &Organization, tenant: &str) -> bool {
    org.id.eq_ignore_ascii_case(tenant)
        || org
            .verified_domains
            .iter()
            .any(|d| d.name.eq_ignore_ascii_case(tenant))
}

/// The tenant list, or just the signed-in tenant when ARM is not available to this sign-in.
pub async fn reachable(
    client: &GraphClient,
    reporter: &Reporter,
) -> Result<Vec<Tenant>, GraphError> {
    match client
        .list_tenants(&reporter.on(Operation::ListTenants))
        .await
    {
        Ok(tenants) if !tenants.is_empty() => Ok(tenants),
        Ok(_) | Err(_) => {
            let org = client
                .organization(&reporter.on(Operation::ReadTenant))
                .await?;
            Ok(vec![Tenant {
                default_domain: org.default_domain().map(str::to_string),
                domains: org
                    .verified_domains
                    .iter()
                    .map(|d| d.name.clone())
                    .collect(),
                tenant_id: org.id,
                display_name: org.display_name,
                tenant_category: Some("Home".into()),
            }])
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::models::VerifiedDomain;

    #[test]
    fn ids_and_domains_pass_anything_else_is_refused() {
        assert_eq!(
            parse(" 72F988BF-86F1-41AF-91AB-2D7CD011DB47 ").unwrap(),
            "72f988bf-86f1-41af-91ab-2d7cd011db47"
        );
        assert_eq!(
            parse("Contoso.onmicrosoft.com").unwrap(),
            "contoso.onmicrosoft.com"
        );
        for bad in [
            "bad tenant",
            "contoso",
            "x/../../evil.com",
            "a..b",
            "-a.com",
            "",
            "a.b?c",
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn an_organisation_is_named_by_its_id_or_a_verified_domain() {
        let org = Organization {
            id: "c0c0c0c0-de30-4000-8000-000000000001".into(),
            display_name: None,
            verified_domains: vec![VerifiedDomain {
                name: "acme.onmicrosoft.com".into(),
                is_default: true,
                is_initial: true,
            }],
        };
        assert!(is_named(&org, "C0C0C0C0-DE30-4000-8000-000000000001"));
        assert!(is_named(&org, "ACME.onmicrosoft.com"));
        assert!(!is_named(&org, "other.onmicrosoft.com"));
    }
}
