//! One client-credentials sign-in of an app with a client secret, answered plainly: whether
//! Entra ID accepted the secret, and if not its AADSTS code. `run::prove` uses it to show a
//! new secret works before anyone relies on it.

use super::Endpoints;
use super::error::AuthError;
use super::oauth::{Authority, TokenAnswer, Verdict};
use crate::secret::SecretString;

#[derive(Debug)]
pub enum AppSignIn {
    /// A token was issued (and dropped at once: only the fact matters).
    Accepted,
    Refused {
        /// The OAuth error (`invalid_client`, `unauthorized_client`).
        error: String,
        /// The AADSTS number, e.g. 7000215 for a wrong or not yet replicated secret.
        code: Option<u32>,
        description: String,
    },
}

/// `POST {login}/{tenant}/oauth2/v2.0/token` with `grant_type=client_credentials` for `scope`
/// (Graph's `.default`: it needs no permission, so any app can sign in with it).
pub async fn sign_in_as_app(
    endpoints: &Endpoints,
    tenant: &str,
    client_id: &str,
    secret: &SecretString,
) -> Result<AppSignIn, AuthError> {
    let authority = Authority::new(endpoints, client_id, tenant)?;
    let form = [
        ("grant_type", "client_credentials"),
        ("client_id", client_id),
        ("client_secret", secret.expose()),
        ("scope", endpoints.graph_scope.as_str()),
    ];
    let step = "sign the app in with its new secret";
    Ok(
        match authority
            .post::<TokenAnswer>(None, "token", &form, step)
            .await?
        {
            Verdict::Granted(_) => AppSignIn::Accepted,
            Verdict::Refused(refusal) => {
                let description = refusal.description();
                AppSignIn::Refused {
                    code: aadsts_code(&description),
                    error: refusal.error,
                    description,
                }
            }
        },
    )
}

/// `AADSTS7000215: Invalid client secret…` → 7000215.
fn aadsts_code(description: &str) -> Option<u32> {
    let digits: String = description
        .trim_start()
        .strip_prefix("AADSTS")?
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::aadsts_code;

    #[test]
    fn the_code_is_read_from_the_description() {
        assert_eq!(
            aadsts_code("AADSTS7000215: Invalid client secret provided."),
            Some(7000215)
        );
        assert_eq!(
            aadsts_code("AADSTS700016: Application not found"),
            Some(700016)
        );
        assert_eq!(aadsts_code("invalid_client"), None);
    }
}
