//! What every HTTP client appreg builds has in common, because every server is hostile until
//! proven otherwise: endpoints are https (plain http only to this machine), redirects are never
//! followed (a 307 would re-send a client secret to wherever it points), and an answer is read
//! only up to a cap.

use crate::text;
use reqwest::header::LOCATION;
use url::Url;

/// The most of one Graph or ARM answer appreg reads: a page of 999 applications is ~5 MiB.
pub const GRAPH_BODY_LIMIT: usize = 16 << 20;
/// The most of one sign-in answer appreg reads: a token answer is a few KiB.
pub const SIGN_IN_BODY_LIMIT: usize = 1 << 20;

/// Why an endpoint URL is refused before any connection is made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UnsafeEndpoint {
    #[error(
        "plain http is only allowed to this machine (127.0.0.0/8, ::1, localhost): use https, or tokens and secrets would cross the network unencrypted"
    )]
    PlainHttp,
    #[error("scheme '{0}' is not https")]
    Scheme(String),
    #[error(
        "it carries a user name or password: give credentials with the sign-in options instead"
    )]
    Credentials,
    #[error("it has a query or a fragment: give only the base address")]
    QueryOrFragment,
    #[error("it has no host")]
    NoHost,
}

/// Refuses an endpoint appreg must not send a token or a secret to.
pub fn check_endpoint(url: &Url) -> Result<(), UnsafeEndpoint> {
    if !url.username().is_empty() || url.password().is_some() {
        return Err(UnsafeEndpoint::Credentials);
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(UnsafeEndpoint::QueryOrFragment);
    }
    if url.host().is_none() {
        return Err(UnsafeEndpoint::NoHost);
    }
    match url.scheme() {
        "https" => Ok(()),
        "http" if is_loopback(url) => Ok(()),
        "http" => Err(UnsafeEndpoint::PlainHttp),
        other => Err(UnsafeEndpoint::Scheme(other.to_owned())),
    }
}

/// True when `url` names this machine.
pub fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        // The url crate parses IP literals into the two arms above, never into a domain.
        Some(url::Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

/// A URL as a message may show it: never its password (nor its user name), also when it does
/// not parse.
pub fn redacted(value: &str) -> String {
    let shown = match Url::parse(value.trim()) {
        Ok(mut url) => {
            if url.password().is_some() || !url.username().is_empty() {
                // Both setters fail only for URLs that cannot carry credentials at all.
                let _ = url.set_password(None);
                let _ = url.set_username("");
            }
            url.to_string()
        }
        // Unparsable: drop everything between the scheme and the last '@' of the authority.
        Err(_) => match value.split_once("://") {
            Some((scheme, rest)) => {
                let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
                match rest[..authority_end].rfind('@') {
                    Some(at) => format!("{scheme}://{}", &rest[at + 1..]),
                    None => value.to_owned(),
                }
            }
            None => value.to_owned(),
        },
    };
    text::from_server(&shown)
}

/// A client builder with appreg's rules: no redirects, its user agent, and no proxy for a
/// server on this machine (the `HTTPS_PROXY` meant for Microsoft would not reach it).
pub fn client_for(base: &Url) -> reqwest::ClientBuilder {
    let builder = reqwest::Client::builder()
        .user_agent(concat!("appreg/", env!("CARGO_PKG_VERSION")))
        .redirect(reqwest::redirect::Policy::none());
    if is_loopback(base) {
        builder.no_proxy()
    } else {
        builder
    }
}

/// An answer appreg will not take.
#[derive(Debug, thiserror::Error)]
pub enum BodyError {
    /// A redirect: appreg never follows one.
    #[error("the server redirected (HTTP {status}) to {location}, which appreg never follows")]
    Redirected { status: u16, location: String },
    #[error("the answer is larger than {} MiB; appreg stopped reading it", .limit >> 20)]
    TooLarge { limit: usize },
    #[error(transparent)]
    Transport(#[from] reqwest::Error),
}

/// The answer's status and body, refusing a redirect and reading at most `limit` bytes: an
/// endless or huge body ends in an error, not in all the machine's memory.
pub async fn read_capped(
    mut response: reqwest::Response,
    limit: usize,
) -> Result<(u16, Vec<u8>), BodyError> {
    let status = response.status();
    if status.is_redirection() {
        let location = response
            .headers()
            .get(LOCATION)
            .map(|v| redacted(&String::from_utf8_lossy(v.as_bytes())))
            .unwrap_or_else(|| "nowhere (no Location)".to_owned());
        return Err(BodyError::Redirected {
            status: status.as_u16(),
            location,
        });
    }
    let announced = response.content_length().unwrap_or(0);
    if !usize::try_from(announced).is_ok_and(|n| n <= limit) {
        return Err(BodyError::TooLarge { limit });
    }
    let mut body = Vec::with_capacity(usize::try_from(announced).unwrap_or(0));
    while let Some(chunk) = response.chunk().await? {
        if body.len() + chunk.len() > limit {
            return Err(BodyError::TooLarge { limit });
        }
        body.extend_from_slice(&chunk);
    }
    Ok((status.as_u16(), body))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(url: &str) -> Result<(), UnsafeEndpoint> {
        check_endpoint(&Url::parse(url).unwrap())
    }

    #[test]
    fn https_anywhere_and_http_only_to_this_machine() {
        assert_eq!(check("https://graph.microsoft.com/v1.0"), Ok(()));
        for local in [
            "http://127.0.0.1:8080/v1.0",
            "http://127.8.9.10/",
            "http://[::1]:5000/",
            "http://localhost:5000/",
            "http://LOCALHOST/",
        ] {
            assert_eq!(check(local), Ok(()), "{local}");
        }
        for remote in [
            "http://192.0.2.2/v1.0",
            "http://graph.microsoft.com/v1.0",
            "http://localhost.example.com/",
            "http://[::ffff:192.0.2.2]/",
            "http://10.0.0.1/",
        ] {
            assert_eq!(check(remote), Err(UnsafeEndpoint::PlainHttp), "{remote}");
        }
        assert_eq!(
            check("ftp://example.com/"),
            Err(UnsafeEndpoint::Scheme("ftp".into()))
        );
    }

    #[test]
    fn credentials_queries_and_fragments_are_refused() {
        assert_eq!(
            check("https://user:hunter2@graph.example.com/"),
            Err(UnsafeEndpoint::Credentials)
        );
        assert_eq!(
            check("https://user@graph.example.com/"),
            Err(UnsafeEndpoint::Credentials)
        );
        assert_eq!(
            check("https://graph.example.com/v1.0?x=1"),
            Err(UnsafeEndpoint::QueryOrFragment)
        );
        assert_eq!(
            check("https://graph.example.com/v1.0#top"),
            Err(UnsafeEndpoint::QueryOrFragment)
        );
    }

    #[test]
    fn a_shown_url_never_has_its_password() {
        for url in [
            "https://admin:hunter2@graph.example.com/v1.0",
            "http://admin:hunter2@[::1/",
            "http://admin:hunter2@host:notaport/",
        ] {
            let shown = redacted(url);
            assert!(!shown.contains("hunter2"), "{shown}");
            assert!(!shown.contains("admin"), "{shown}");
        }
        assert_eq!(
            redacted("https://graph.example.com/v1.0"),
            "https://graph.example.com/v1.0"
        );
    }
}
