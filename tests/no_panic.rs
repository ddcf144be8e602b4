//! Whatever the input, the validators, the manifest import and Graph answer parsing return an
//! answer or an error, never a panic.

use appreg::audience::Audience;
use appreg::catalog::Catalog;
use appreg::graph::api_error;
use appreg::graph::models::{Application, Collection, NewPassword, ServicePrincipal, Tenant};
use appreg::plan::{
    Choices, SecretLifetime, add_months, from_profile, validate_display_name, validate_tag,
};
use appreg::redirect;
use proptest::prelude::*;
use std::sync::LazyLock;

static CATALOG: LazyLock<Catalog> = LazyLock::new(Catalog::offline);

const MANIFEST: &str = r#""requiredResourceAccess": [
  { "resourceAppId": "00000003-0000-0000-c000-000000000000",
    "resourceAccess": [ { "id": "7427e0e9-2fba-42fe-b0c0-848c9e6a8182", "type": "Scope" },
                        { "id": "cb8f45a0-5c2e-4ea1-b803-84b870a7d7ec", "type": "Scope" } ] },
  { "resourceAppId": "00000002-0000-0000-c000-000000000000",
    "resourceAccess": [ { "id": "311a71cc-e848-46a1-bdf8-97ff7156d8e6", "type": "Scope" } ] }
]"#;

fn audience() -> impl Strategy<Value = Audience> {
    prop::sample::select(Audience::ALL.to_vec())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn validators_answer_any_text(text in any::<String>(), audience in audience()) {
        let _ = validate_display_name(&text, audience);
        let _ = redirect::validate(&text, audience);
        let _ = validate_tag(&text);
    }

    #[test]
    fn uri_shaped_text_is_judged_not_panicked_on(
        scheme in "(https?|ftp|)", host in "[a-z0-9.*\\-\\[\\]:]{0,20}", path in "[ -~]{0,40}", audience in audience()
    ) {
        let _ = redirect::validate(&format!("{scheme}://{host}/{path}"), audience);
    }

    #[test]
    fn manifest_import_answers_any_text(text in any::<String>()) {
        let _ = CATALOG.import_manifest(&text);
    }

    #[test]
    fn manifest_import_answers_damaged_manifests(cut in 0..MANIFEST.len(), len in 0usize..40, insert in "[\\[\\]{},\":a-z0-9 ]{0,4}") {
        let mut text: String = MANIFEST.chars().take(cut).collect();
        text.push_str(&insert);
        text.extend(MANIFEST.chars().skip(cut + len));
        let _ = CATALOG.import_manifest(&text);
    }

    #[test]
    fn graph_answers_of_any_bytes_parse_or_fail(bytes in prop::collection::vec(any::<u8>(), 0..300), status in 100u16..600) {
        let _ = api_error(status, &bytes, None, None);
        let _ = serde_json::from_slice::<Application>(&bytes);
        let _ = serde_json::from_slice::<NewPassword>(&bytes);
        let _ = serde_json::from_slice::<Collection<ServicePrincipal>>(&bytes);
        let _ = serde_json::from_slice::<Collection<Tenant>>(&bytes);
    }

    #[test]
    fn plans_from_any_choices_validate_or_fail(
        name in any::<String>(), uris in prop::collection::vec(any::<String>(), 0..4),
        months in 0u32..40, audience in audience(), profile in prop::sample::select(vec!["nylas-v3", "nylas-v2", "nylas-streams", "nango", "custom"]),
        tags in prop::collection::vec(any::<String>(), 0..3),
    ) {
        let choices = Choices {
            display_name: name,
            extra_redirect_uris: uris,
            audience: Some(audience),
            secret_lifetime: Some(SecretLifetime::Months(months)),
            tags,
            ..Choices::default()
        };
        if let Ok((plan, _)) = from_profile(&appreg::profile::find(profile).unwrap(), &CATALOG, &choices) {
            let _ = plan.validate(time::OffsetDateTime::now_utc());
        }
    }

    #[test]
    fn secret_end_dates_exist_for_every_start(day in 0u16..3650, hour in 0u8..24, months in 0u32..=24) {
        let start = time::macros::datetime!(2024-01-01 0:00 UTC) + time::Duration::days(day.into()) + time::Duration::hours(hour.into());
        let end = add_months(start, months);
        prop_assert!(end >= start);
        prop_assert!(end - start <= time::Duration::days(31 * i64::from(months) + 1));
    }
}
