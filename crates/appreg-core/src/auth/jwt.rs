//! Reads a few claims from an access token that happens to be a JWT.
//!
//! The signature is not checked and need not be: the claims only label the sign-in and
//! guess an expiry for a token handed to us; Microsoft Graph is what verifies the token.
//! Access tokens are opaque by contract, so every caller copes with `None`.

use crate::text;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::Deserialize;
use time::OffsetDateTime;

#[derive(Debug, Default, Deserialize)]
pub(crate) struct Claims {
    exp: Option<i64>,
    /// Tenant id.
    #[serde(default, deserialize_with = "text::deserialize_optional_from_server")]
    pub tid: Option<String>,
    #[serde(default, deserialize_with = "text::deserialize_optional_from_server")]
    upn: Option<String>,
    #[serde(default, deserialize_with = "text::deserialize_optional_from_server")]
    preferred_username: Option<String>,
    #[serde(default, deserialize_with = "text::deserialize_optional_from_server")]
    unique_name: Option<String>,
}

impl Claims {
    /// The claims of `token` if it is a JWT with a JSON payload.
    pub fn of(token: &str) -> Option<Self> {
        let mut parts = token.split('.');
        let (_header, payload, _signature) = (parts.next()?, parts.next()?, parts.next()?);
        if parts.next().is_some() {
            return None;
        }
        let json = URL_SAFE_NO_PAD.decode(payload.trim_end_matches('=')).ok()?;
        // Claims are an object; a struct would also take a JSON array.
        let claims: serde_json::Value = serde_json::from_slice(&json).ok()?;
        claims
            .is_object()
            .then(|| serde_json::from_value(claims).ok())
            .flatten()
    }

    pub fn expires_at(&self) -> Option<OffsetDateTime> {
        OffsetDateTime::from_unix_timestamp(self.exp?).ok()
    }

    /// Who signed in, as the user would recognise it (an app-only token has none).
    pub fn user(&self) -> Option<&str> {
        self.upn
            .as_deref()
            .or(self.preferred_username.as_deref())
            .or(self.unique_name.as_deref())
    }
}

#[cfg(test)]
pub(crate) fn fake(claims: &serde_json::Value) -> String {
    let part = |v: &serde_json::Value| URL_SAFE_NO_PAD.encode(v.to_string());
    format!(
        "{}.{}.c2lnbmF0dXJl",
        part(&serde_json::json!({"alg": "none"})),
        part(claims)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_exp_tid_and_user() {
        let jwt = fake(&json!({"exp": 2_000_000_000, "tid": "t-1", "upn": "adele@contoso.com"}));
        let claims = Claims::of(&jwt).unwrap();
        assert_eq!(claims.expires_at().unwrap().unix_timestamp(), 2_000_000_000);
        assert_eq!(claims.tid.as_deref(), Some("t-1"));
        assert_eq!(claims.user(), Some("adele@contoso.com"));
    }

    #[test]
    fn falls_back_to_other_user_claims_and_tolerates_padding() {
        let jwt = fake(&json!({"preferred_username": "x@y.z"}));
        let padded = jwt.replacen(".c2ln", "==.c2ln", 1);
        let claims = Claims::of(&padded).unwrap();
        assert_eq!(claims.user(), Some("x@y.z"));
        assert!(claims.expires_at().is_none());
    }

    #[test]
    fn non_jwts_have_no_claims() {
        for token in [
            "",
            "opaque-token",
            "a.b",
            "a.!!!.c",
            "a.e30.c.d",
            &format!("x.{}.y", URL_SAFE_NO_PAD.encode("[1]")),
        ] {
            assert!(Claims::of(token).is_none(), "{token}");
        }
    }
}
