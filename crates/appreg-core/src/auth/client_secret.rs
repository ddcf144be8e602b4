//! `--auth client-secret`: app-only tokens (client credentials grant) for an app whose secret
//! is in APPREG_CLIENT_SECRET.
//!
//! Against Entra ID this goes through `azure_identity`'s `ClientSecretCredential`. That
//! credential accepts only an https authority host and drops any path from it (it joins
//! `/{tenant}/oauth2/v2.0/token` onto the host), so a simulator at `http://127.0.0.1:P/login`
//! cannot use it: there we send the same form POST ourselves.

use super::cache::TokenCache;
use super::error::AuthError;
use super::identity::{convert, describe};
use super::oauth::{Authority, TokenAnswer, Verdict};
use super::{AccessToken, AuthConfig, Endpoints, TokenResource, TokenSource};
use crate::secret::SecretString;
use async_trait::async_trait;
use azure_core::cloud::{CloudConfiguration, CustomConfiguration};
use azure_core::credentials::{Secret, TokenCredential};
use azure_core::http::ClientOptions;
use azure_identity::{ClientSecretCredential, ClientSecretCredentialOptions};
use std::sync::Arc;

#[derive(Debug)]
enum Backend {
    Identity(Arc<ClientSecretCredential>),
    Direct {
        authority: Authority,
        secret: SecretString,
    },
}

#[derive(Debug)]
pub struct ClientSecretSource {
    backend: Backend,
    client_id: String,
    tenant: String,
    endpoints: Endpoints,
    cache: TokenCache,
}

impl ClientSecretSource {
    pub fn new(config: &AuthConfig) -> Result<Self, AuthError> {
        let secret = config
            .client_secret
            .as_ref()
            .filter(|s| !s.is_empty())
            .ok_or(AuthError::MissingClientSecret)?;
        // Client credentials have no "organizations": the app signs in to its own tenant.
        let tenant = config.tenant.clone().ok_or(AuthError::MissingTenant)?;
        let login_url = &config.endpoints.login_url;
        let backend = if login_url.scheme() == "https" && login_url.path() == "/" {
            let mut cloud = CustomConfiguration::default();
            // Set explicitly, so AZURE_AUTHORITY_HOST in the environment cannot redirect the secret.
            cloud.authority_host = login_url.as_str().trim_end_matches('/').to_owned();
            let options = ClientSecretCredentialOptions {
                client_options: ClientOptions {
                    cloud: Some(Arc::new(CloudConfiguration::from(cloud))),
                    ..Default::default()
                },
            };
            let credential = ClientSecretCredential::new(
                &tenant,
                config.client_id.clone(),
                Secret::new(secret.expose().to_owned()),
                Some(options),
            )
            .map_err(|e| AuthError::InvalidConfig {
                detail: describe(&e),
            })?;
            Backend::Identity(credential)
        } else {
            Backend::Direct {
                authority: Authority::new(&config.endpoints, &config.client_id, &tenant)?,
                secret: secret.duplicate(),
            }
        };
        Ok(Self {
            backend,
            client_id: config.client_id.clone(),
            tenant,
            endpoints: config.endpoints.clone(),
            cache: TokenCache::default(),
        })
    }

    /// The app signs in to its own tenant only: its tokens are cached as the one tenant's, and
    /// any other tenant is refused rather than served with the wrong token.
    fn serves(&self, tenant: Option<&str>) -> Result<(), AuthError> {
        match tenant {
            Some(tenant) if !tenant.eq_ignore_ascii_case(&self.tenant) => {
                Err(AuthError::CannotSwitchTenant {
                    label: self.label(),
                    tenant: tenant.to_owned(),
                })
            }
            _ => Ok(()),
        }
    }

    async fn fetch(&self, scope: &str) -> Result<AccessToken, AuthError> {
        match &self.backend {
            Backend::Identity(credential) => credential
                .get_token(&[scope], None)
                .await
                .map(|token| convert(&token))
                .map_err(|e| AuthError::ClientSecretFailed {
                    detail: describe(&e),
                }),
            Backend::Direct { authority, secret } => {
                let form = [
                    ("grant_type", "client_credentials"),
                    ("client_id", authority.client_id.as_str()),
                    ("client_secret", secret.expose()),
                    ("scope", scope),
                ];
                let step = "sign in with the client secret";
                match authority
                    .post::<TokenAnswer>(None, "token", &form, step)
                    .await?
                {
                    Verdict::Granted(answer) => Ok(answer.split().0),
                    Verdict::Refused(refusal) => Err(AuthError::ClientSecretFailed {
                        detail: format!("{} [{}]", refusal.description(), refusal.error),
                    }),
                }
            }
        }
    }
}

#[async_trait]
impl TokenSource for ClientSecretSource {
    async fn token(
        &self,
        resource: TokenResource,
        tenant: Option<&str>,
    ) -> Result<AccessToken, AuthError> {
        self.serves(tenant)?;
        let scope = self.endpoints.scope(resource);
        self.cache
            .get_or_fetch(resource, None, || self.fetch(scope))
            .await
    }

    async fn refused(&self, resource: TokenResource, tenant: Option<&str>) {
        // Forgotten under the key it was cached under, whichever way the tenant was named.
        if self.serves(tenant).is_ok() {
            self.cache.forget(resource, None).await;
        }
    }

    fn label(&self) -> String {
        format!("client secret (app {})", self.client_id)
    }

    fn can_switch_tenant(&self) -> bool {
        false
    }
}
