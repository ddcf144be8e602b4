//! The token source a device code sign-in leaves behind: a refresh token, kept in memory
//! only, redeemed for new tokens before they expire, for other tenants and for ARM.

use super::cache::{Cached, Fetch};
use super::error::AuthError;
use super::jwt::Claims;
use super::oauth::{Authority, TokenAnswer, Verdict};
use super::{AccessToken, Endpoints, TokenResource};
use crate::secret::SecretString;
use async_trait::async_trait;
use std::sync::{Mutex, PoisonError};

pub type DeviceCodeSource = Cached<RefreshTokens>;

/// Redeems the sign-in's refresh token for tokens of any resource and tenant.
#[derive(Debug)]
pub struct RefreshTokens {
    authority: Authority,
    endpoints: Endpoints,
    /// Entra ID rotates refresh tokens: each redemption may hand back a new one, which
    /// replaces this. The cache lock serialises redemptions, so this lock is only ever held
    /// for a copy or a swap.
    refresh_token: Mutex<Option<SecretString>>,
    user: Option<String>,
}

impl DeviceCodeSource {
    /// `graph_token` is the one the sign-in itself returned, for the tenant signed in to.
    pub(crate) async fn new(
        authority: Authority,
        endpoints: Endpoints,
        graph_token: AccessToken,
        refresh_token: Option<SecretString>,
    ) -> Self {
        let user = Claims::of(graph_token.token.expose()).and_then(|c| c.user().map(str::to_owned));
        let tokens = RefreshTokens {
            authority,
            endpoints,
            refresh_token: Mutex::new(refresh_token),
            user,
        };
        Cached::seeded(tokens, TokenResource::Graph, graph_token).await
    }
}

#[async_trait]
impl Fetch for RefreshTokens {
    async fn fetch(
        &self,
        resource: TokenResource,
        tenant: Option<&str>,
    ) -> Result<AccessToken, AuthError> {
        let tenant_name = tenant.unwrap_or(&self.authority.home_tenant);
        let step = match resource {
            TokenResource::Graph => format!("get a Microsoft Graph token for tenant {tenant_name}"),
            TokenResource::Arm => {
                format!("get an Azure Resource Manager token for tenant {tenant_name}")
            }
        };
        let refresh_token = self
            .refresh_token
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .as_ref()
            .map(SecretString::duplicate)
            .ok_or_else(|| AuthError::NoRefreshToken { step: step.clone() })?;
        let scope = format!("{} offline_access", self.endpoints.scope(resource));
        let form = [
            ("grant_type", "refresh_token"),
            ("client_id", self.authority.client_id.as_str()),
            ("refresh_token", refresh_token.expose()),
            ("scope", scope.as_str()),
        ];
        match self
            .authority
            .post::<TokenAnswer>(tenant, "token", &form, &step)
            .await?
        {
            Verdict::Granted(answer) => {
                let (token, rotated) = answer.split();
                if let Some(rotated) = rotated {
                    *self
                        .refresh_token
                        .lock()
                        .unwrap_or_else(PoisonError::into_inner) = Some(rotated);
                }
                Ok(token)
            }
            Verdict::Refused(refusal) => Err(refusal.into_error(&step, tenant_name)),
        }
    }

    fn label(&self) -> String {
        match &self.user {
            Some(user) => format!("device code ({user})"),
            None => "device code".to_owned(),
        }
    }
}
