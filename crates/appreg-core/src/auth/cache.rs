//! In-memory token cache, one entry per (resource, tenant). Nothing here touches the disk.

use super::error::AuthError;
use super::{AccessToken, TokenResource, TokenSource};
use async_trait::async_trait;
use std::collections::HashMap;
use std::future::Future;
use time::OffsetDateTime;
use tokio::sync::Mutex;

/// A cached token is handed out only while it stays valid for longer than this, so a
/// request started with it cannot fail halfway through a run because it expired.
pub(crate) const REFRESH_MARGIN: time::Duration = time::Duration::minutes(5);

type Key = (TokenResource, Option<String>);

#[derive(Debug, Default)]
pub(crate) struct TokenCache {
    entries: Mutex<HashMap<Key, AccessToken>>,
}

impl TokenCache {
    /// The cached token for (resource, tenant) while it is fresh, otherwise the result of
    /// `fetch`, which is then cached.
    ///
    /// The lock is held across `fetch` on purpose: ten concurrent callers start one `az`
    /// process or one refresh-token redemption, not ten, and a rotated refresh token is
    /// never redeemed twice.
    pub async fn get_or_fetch<F, Fut>(
        &self,
        resource: TokenResource,
        tenant: Option<&str>,
        fetch: F,
    ) -> Result<AccessToken, AuthError>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<AccessToken, AuthError>>,
    {
        let key = key(resource, tenant);
        let mut entries = self.entries.lock().await;
        if let Some(cached) = entries.get(&key)
            && is_fresh(cached)
        {
            return Ok(cached.duplicate());
        }
        let fetched = fetch().await?;
        tracing::debug!(?resource, tenant, expires_at = %fetched.expires_at, "token fetched");
        entries.insert(key, fetched.duplicate());
        Ok(fetched)
    }

    /// Drops the token for (resource, tenant), so the next call fetches a fresh one.
    pub async fn forget(&self, resource: TokenResource, tenant: Option<&str>) {
        self.entries.lock().await.remove(&key(resource, tenant));
    }

    /// Seeds the cache with a token obtained elsewhere (the device code sign-in itself).
    pub async fn insert(&self, resource: TokenResource, tenant: Option<&str>, token: AccessToken) {
        self.entries
            .lock()
            .await
            .insert(key(resource, tenant), token);
    }
}

/// Where a cached source gets a token its cache does not hold fresh: a process, a refresh
/// token. [`Cached`] adds the cache and makes it a [`TokenSource`].
#[async_trait]
pub trait Fetch: Send + Sync + std::fmt::Debug {
    async fn fetch(
        &self,
        resource: TokenResource,
        tenant: Option<&str>,
    ) -> Result<AccessToken, AuthError>;

    /// How the user signed in, for [`TokenSource::label`].
    fn label(&self) -> String;
}

/// A token source that hands out `F`'s tokens from a cache per (resource, tenant), and can
/// work in any tenant the sign-in reaches.
#[derive(Debug)]
pub struct Cached<F> {
    fetch: F,
    cache: TokenCache,
}

impl<F> Cached<F> {
    pub(crate) fn wrapping(fetch: F) -> Self {
        Self {
            fetch,
            cache: TokenCache::default(),
        }
    }

    /// With a token obtained elsewhere already in the cache (the sign-in's own).
    pub(crate) async fn seeded(fetch: F, resource: TokenResource, token: AccessToken) -> Self {
        let cached = Self::wrapping(fetch);
        cached.cache.insert(resource, None, token).await;
        cached
    }
}

#[async_trait]
impl<F: Fetch> TokenSource for Cached<F> {
    async fn token(
        &self,
        resource: TokenResource,
        tenant: Option<&str>,
    ) -> Result<AccessToken, AuthError> {
        self.cache
            .get_or_fetch(resource, tenant, || self.fetch.fetch(resource, tenant))
            .await
    }

    async fn refused(&self, resource: TokenResource, tenant: Option<&str>) {
        self.cache.forget(resource, tenant).await;
    }

    fn label(&self) -> String {
        self.fetch.label()
    }

    fn can_switch_tenant(&self) -> bool {
        true
    }
}

/// Tenant ids and domains are case-insensitive.
fn key(resource: TokenResource, tenant: Option<&str>) -> Key {
    (resource, tenant.map(str::to_ascii_lowercase))
}

fn is_fresh(token: &AccessToken) -> bool {
    token.expires_at - OffsetDateTime::now_utc() > REFRESH_MARGIN
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secret::SecretString;
    use std::sync::atomic::{AtomicUsize, Ordering};

    fn token(text: &str, lifetime: time::Duration) -> AccessToken {
        AccessToken {
            token: SecretString::new(text.to_owned()),
            expires_at: OffsetDateTime::now_utc() + lifetime,
        }
    }

    #[tokio::test]
    async fn reuses_fresh_tokens_and_refetches_near_expiry() {
        let cache = TokenCache::default();
        let calls = AtomicUsize::new(0);
        let fetch = |lifetime| {
            let n = calls.fetch_add(1, Ordering::SeqCst);
            async move { Ok(token(&format!("t{n}"), lifetime)) }
        };
        let hour = time::Duration::hours(1);
        let a = cache
            .get_or_fetch(TokenResource::Graph, None, || fetch(hour))
            .await
            .unwrap();
        let b = cache
            .get_or_fetch(TokenResource::Graph, None, || fetch(hour))
            .await
            .unwrap();
        assert_eq!((a.token.expose(), b.token.expose()), ("t0", "t0"));

        // Another tenant (case-insensitive) and another resource are separate entries.
        let c = cache
            .get_or_fetch(TokenResource::Graph, Some("Contoso.com"), || fetch(hour))
            .await
            .unwrap();
        let d = cache
            .get_or_fetch(TokenResource::Graph, Some("contoso.com"), || fetch(hour))
            .await
            .unwrap();
        let e = cache
            .get_or_fetch(TokenResource::Arm, None, || fetch(hour))
            .await
            .unwrap();
        assert_eq!(
            (c.token.expose(), d.token.expose(), e.token.expose()),
            ("t1", "t1", "t2")
        );

        // Valid for 4 more minutes is not enough: fetched again.
        let short = time::Duration::minutes(4);
        cache
            .insert(TokenResource::Graph, None, token("old", short))
            .await;
        let f = cache
            .get_or_fetch(TokenResource::Graph, None, || fetch(hour))
            .await
            .unwrap();
        assert_eq!(f.token.expose(), "t3");
        assert_eq!(calls.load(Ordering::SeqCst), 4);
    }

    #[tokio::test]
    async fn failures_are_not_cached() {
        let cache = TokenCache::default();
        let failed = cache
            .get_or_fetch(TokenResource::Graph, None, || async {
                Err(AuthError::MissingTenant)
            })
            .await;
        assert!(failed.is_err());
        let ok = cache
            .get_or_fetch(TokenResource::Graph, None, || async {
                Ok(token("t", time::Duration::hours(1)))
            })
            .await;
        assert_eq!(ok.unwrap().token.expose(), "t");
    }
}
