//! Tokens the simulated identity platform issues and the Graph/ARM side reads.
//!
//! Access and ID tokens are JWT-shaped (header.payload.signature, base64url
//! JSON) like Microsoft's, so a client that peeks at `tid` or `exp` works
//! unchanged; the signature is random bytes. A private claim marks the
//! simulator's own tokens: any other bearer token is taken as the demo user
//! in the home tenant, so static tokens and CLI-issued tokens just work.

use axum::http::HeaderMap;
use axum::http::header::AUTHORIZATION;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::Rng;
use rand::rngs::StdRng;
use serde_json::{Value, json};
use time::OffsetDateTime;
use uuid::Uuid;

use super::seed::UserSeed;

/// Marks a token as minted by this simulator.
const SIM_CLAIM: &str = "appreg_sim";
/// Lifetime Microsoft gives access tokens (and `expires_in`).
pub(crate) const ACCESS_TOKEN_SECS: i64 = 3599;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Audience {
    Graph,
    Arm,
}

impl Audience {
    fn aud(self) -> &'static str {
        match self {
            Audience::Graph => "https://graph.microsoft.com",
            Audience::Arm => "https://management.azure.com/",
        }
    }
}

/// What a token is issued for.
pub(crate) struct Grant<'a> {
    pub tenant: Uuid,
    pub user: &'a UserSeed,
    pub audience: Audience,
    pub client_id: &'a str,
    /// Space-separated short scope names for the `scp` claim.
    pub scope: &'a str,
}

pub(crate) fn mint_access_token(rng: &mut StdRng, grant: &Grant<'_>) -> String {
    let now = OffsetDateTime::now_utc().unix_timestamp();
    let claims = json!({
        "aud": grant.audience.aud(),
        "iss": format!("https://sts.windows.net/{}/", grant.tenant),
        "iat": now, "nbf": now, "exp": now + ACCESS_TOKEN_SECS,
        "appid": grant.client_id,
        "name": grant.user.display_name,
        "oid": grant.user.id.to_string(),
        "scp": grant.scope,
        "tid": grant.tenant.to_string(),
        "upn": grant.user.user_principal_name,
        "ver": "1.0",
        SIM_CLAIM: true,
    });
    jwt(rng, &claims)
}

pub(crate) fn mint_id_token(rng: &mut StdRng, grant: &Grant<'_>) -> String {
    let now = OffsetDateTime::now_utc().unix_timestamp();
    let claims = json!({
        "aud": grant.client_id,
        "iss": format!("https://login.microsoftonline.com/{}/v2.0", grant.tenant),
        "iat": now, "nbf": now, "exp": now + ACCESS_TOKEN_SECS,
        "name": grant.user.display_name,
        "oid": grant.user.id.to_string(),
        "preferred_username": grant.user.user_principal_name,
        "tid": grant.tenant.to_string(),
        "ver": "2.0",
    });
    jwt(rng, &claims)
}

/// Opaque, like Microsoft's; good for any tenant the user can reach.
pub(crate) fn mint_refresh_token(rng: &mut StdRng) -> String {
    let bytes: [u8; 48] = rng.random();
    format!("0.ASIM{}", URL_SAFE_NO_PAD.encode(bytes))
}

pub(crate) fn is_refresh_token(token: &str) -> bool {
    token
        .strip_prefix("0.ASIM")
        .is_some_and(|rest| URL_SAFE_NO_PAD.decode(rest).is_ok_and(|b| b.len() == 48))
}

fn jwt(rng: &mut StdRng, claims: &Value) -> String {
    let header = json!({ "typ": "JWT", "alg": "RS256", "kid": "appreg-sim" });
    let signature: [u8; 64] = rng.random();
    format!(
        "{}.{}.{}",
        URL_SAFE_NO_PAD.encode(header.to_string()),
        URL_SAFE_NO_PAD.encode(claims.to_string()),
        URL_SAFE_NO_PAD.encode(signature)
    )
}

/// Who is calling, as far as the bearer token says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Caller {
    /// `None` for a token the simulator did not mint: the home tenant.
    pub tenant: Option<Uuid>,
    /// `None` for a foreign token: accepted by every API.
    pub audience: Option<Audience>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TokenProblem {
    Missing,
    Expired,
}

pub(crate) fn read_bearer(headers: &HeaderMap) -> Result<Caller, TokenProblem> {
    let token = headers
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        })
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .ok_or(TokenProblem::Missing)?;
    let Some(claims) = own_claims(token) else {
        return Ok(Caller {
            tenant: None,
            audience: None,
        });
    };
    let now = OffsetDateTime::now_utc().unix_timestamp();
    if claims
        .get("exp")
        .and_then(Value::as_i64)
        .is_some_and(|exp| exp <= now)
    {
        return Err(TokenProblem::Expired);
    }
    let tenant = claims
        .get("tid")
        .and_then(Value::as_str)
        .and_then(|t| Uuid::parse_str(t).ok());
    let audience = match claims.get("aud").and_then(Value::as_str) {
        Some(aud) if aud == Audience::Arm.aud() => Audience::Arm,
        _ => Audience::Graph,
    };
    Ok(Caller {
        tenant,
        audience: Some(audience),
    })
}

fn own_claims(token: &str) -> Option<Value> {
    let payload = token.split('.').nth(1)?;
    let claims: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).ok()?).ok()?;
    (claims.get(SIM_CLAIM) == Some(&Value::Bool(true))).then_some(claims)
}

#[cfg(test)]
mod tests {
    use rand::SeedableRng;

    use super::*;
    use crate::seed::Seed;

    #[test]
    fn own_tokens_round_trip_and_foreign_tokens_are_home() {
        let mut rng = StdRng::seed_from_u64(1);
        let seed = Seed::demo();
        let tenant = &seed.tenants[1];
        let grant = Grant {
            tenant: tenant.id,
            user: &tenant.user,
            audience: Audience::Arm,
            client_id: "c",
            scope: "x",
        };
        let token = mint_access_token(&mut rng, &grant);
        let mut headers = HeaderMap::new();
        headers.insert(
            AUTHORIZATION,
            format!("Bearer {token}").parse().expect("header"),
        );
        assert_eq!(
            read_bearer(&headers),
            Ok(Caller {
                tenant: Some(tenant.id),
                audience: Some(Audience::Arm)
            })
        );
        headers.insert(AUTHORIZATION, "Bearer whatever".parse().expect("header"));
        assert_eq!(
            read_bearer(&headers),
            Ok(Caller {
                tenant: None,
                audience: None
            })
        );
        headers.insert(AUTHORIZATION, "Bearer ".parse().expect("header"));
        assert_eq!(read_bearer(&headers), Err(TokenProblem::Missing));
        let refresh = mint_refresh_token(&mut rng);
        assert!(is_refresh_token(&refresh));
        assert!(!is_refresh_token("0.AXYZ"));
    }
}
