//! `--auth token`: a Microsoft Graph access token handed in through APPREG_ACCESS_TOKEN.

use super::error::AuthError;
use super::jwt::Claims;
use super::{AccessToken, AuthConfig, TokenResource, TokenSource};
use crate::secret::SecretString;
use async_trait::async_trait;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// When the token is not a JWT its expiry is unknown; Entra ID tokens live 60–90 minutes.
const ASSUMED_LIFETIME: time::Duration = time::Duration::hours(1);

#[derive(Debug)]
pub struct StaticTokenSource {
    token: AccessToken,
    user: Option<String>,
    /// Tenants this token is known to belong to: its `tid` claim and the configured --tenant.
    tenants: Vec<String>,
}

impl StaticTokenSource {
    pub fn new(config: &AuthConfig) -> Result<Self, AuthError> {
        let token = config
            .static_token
            .as_ref()
            .filter(|t| !t.expose().trim().is_empty())
            .ok_or(AuthError::MissingStaticToken)?;
        let token = SecretString::new(token.expose().trim().to_owned());
        let claims = Claims::of(token.expose()).unwrap_or_default();
        let expires_at = claims
            .expires_at()
            .unwrap_or_else(|| OffsetDateTime::now_utc() + ASSUMED_LIFETIME);
        let tenants = claims.tid.iter().chain(&config.tenant).cloned().collect();
        Ok(Self {
            user: claims.user().map(str::to_owned),
            token: AccessToken { token, expires_at },
            tenants,
        })
    }
}

#[async_trait]
impl TokenSource for StaticTokenSource {
    async fn token(
        &self,
        resource: TokenResource,
        tenant: Option<&str>,
    ) -> Result<AccessToken, AuthError> {
        if resource == TokenResource::Arm {
            return Err(AuthError::ArmUnavailable {
                label: self.label(),
            });
        }
        if let Some(tenant) = tenant
            && !self.tenants.iter().any(|t| t.eq_ignore_ascii_case(tenant))
        {
            return Err(AuthError::CannotSwitchTenant {
                label: self.label(),
                tenant: tenant.to_owned(),
            });
        }
        if self.token.expires_at <= OffsetDateTime::now_utc() {
            let expired_at = self
                .token
                .expires_at
                .format(&Rfc3339)
                .unwrap_or_else(|_| self.token.expires_at.to_string());
            return Err(AuthError::StaticTokenExpired { expired_at });
        }
        Ok(self.token.duplicate())
    }

    fn label(&self) -> String {
        match &self.user {
            Some(user) => format!("token from APPREG_ACCESS_TOKEN ({user})"),
            None => "token from APPREG_ACCESS_TOKEN".to_owned(),
        }
    }

    fn can_switch_tenant(&self) -> bool {
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::{AuthMethod, Endpoints, jwt};
    use serde_json::json;

    fn config(token: &str, tenant: Option<&str>) -> AuthConfig {
        let mut config = AuthConfig::new(AuthMethod::Token, Endpoints::public_cloud());
        config.static_token = Some(SecretString::new(token.to_owned()));
        config.tenant = tenant.map(str::to_owned);
        config
    }

    #[tokio::test]
    async fn jwt_expiry_user_and_tenant_are_read() {
        let exp = OffsetDateTime::now_utc().unix_timestamp() + 7200;
        let jwt = jwt::fake(&json!({"exp": exp, "tid": "tid-1", "upn": "adele@contoso.com"}));
        let source =
            StaticTokenSource::new(&config(&format!(" {jwt}\n"), Some("contoso.com"))).unwrap();
        assert_eq!(
            source.label(),
            "token from APPREG_ACCESS_TOKEN (adele@contoso.com)"
        );
        assert!(!source.can_switch_tenant());

        let token = source.token(TokenResource::Graph, None).await.unwrap();
        assert_eq!(token.token.expose(), jwt);
        assert_eq!(token.expires_at.unix_timestamp(), exp);
        for same in ["TID-1", "contoso.com"] {
            assert!(
                source.token(TokenResource::Graph, Some(same)).await.is_ok(),
                "{same}"
            );
        }
        let other = source
            .token(TokenResource::Graph, Some("fabrikam.com"))
            .await;
        assert!(
            matches!(other, Err(AuthError::CannotSwitchTenant { .. })),
            "{other:?}"
        );
        let arm = source.token(TokenResource::Arm, None).await;
        assert!(
            matches!(arm, Err(AuthError::ArmUnavailable { .. })),
            "{arm:?}"
        );
    }

    #[tokio::test]
    async fn opaque_tokens_get_an_hour_and_expired_jwts_are_refused() {
        let source = StaticTokenSource::new(&config("opaque", None)).unwrap();
        let token = source.token(TokenResource::Graph, None).await.unwrap();
        let lifetime = token.expires_at - OffsetDateTime::now_utc();
        assert!(lifetime > time::Duration::minutes(59) && lifetime <= ASSUMED_LIFETIME);

        let expired = jwt::fake(&json!({"exp": 1_600_000_000}));
        let source = StaticTokenSource::new(&config(&expired, None)).unwrap();
        let err = source.token(TokenResource::Graph, None).await.unwrap_err();
        assert!(
            err.to_string().contains("expired at 2020-09-13T12:26:40Z"),
            "{err}"
        );
    }

    #[test]
    fn a_missing_or_blank_token_is_a_clear_error() {
        assert!(matches!(
            StaticTokenSource::new(&config("  ", None)),
            Err(AuthError::MissingStaticToken)
        ));
        let mut none = config("x", None);
        none.static_token = None;
        assert!(matches!(
            StaticTokenSource::new(&none),
            Err(AuthError::MissingStaticToken)
        ));
    }

    #[test]
    fn debug_hides_the_token() {
        let source = StaticTokenSource::new(&config("sekrit-token-text", None)).unwrap();
        assert!(!format!("{source:?}").contains("sekrit"));
    }
}
