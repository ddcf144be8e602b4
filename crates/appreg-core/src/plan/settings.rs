//! The guides' optional steps: token configuration (optional claims), "Visible to users?",
//! branding (home page, privacy statement, terms of service, logo) and publisher verification.
//! What lives on the app goes inline in its one upsert; the logo and the publisher are requests
//! of their own, sent beside the secret so they add no round trip.

use crate::graph::models::Application;
use serde_json::{Value, json};
use std::fmt;
use std::str::FromStr;

/// The most a logo may weigh: the portal's limit (Branding & properties).
pub const LOGO_MAX_BYTES: usize = 100 * 1024;

/// How much of a logo file is read: past the limit, so a slightly large logo hears its size
/// from [`Logo::from_bytes`], not "is it the right file?".
pub const LOGO_READ_CAP: usize = 4 * LOGO_MAX_BYTES;

/// The tag on the service principal that hides the app from users' My Apps.
pub const HIDE_APP_TAG: &str = "HideApp";

/// Optional settings on top of the preset; empty by default.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OptionalSettings {
    pub optional_claims: Vec<OptionalClaim>,
    /// "Visible to users?" No.
    pub hide_app: bool,
    pub homepage_url: Option<String>,
    pub privacy_url: Option<String>,
    pub terms_url: Option<String>,
    pub logo: Option<Logo>,
    /// The Microsoft Partner Network id that verifies the publisher.
    pub publisher_id: Option<String>,
}

/// Which token a claim is added to, as the portal's Token configuration names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TokenKind {
    Id,
    Access,
    Saml2,
}

impl TokenKind {
    pub const ALL: [TokenKind; 3] = [TokenKind::Id, TokenKind::Access, TokenKind::Saml2];

    /// The property of `optionalClaims` that lists this token's claims.
    pub fn graph_key(self) -> &'static str {
        match self {
            TokenKind::Id => "idToken",
            TokenKind::Access => "accessToken",
            TokenKind::Saml2 => "saml2Token",
        }
    }

    fn word(self) -> &'static str {
        match self {
            TokenKind::Id => "id",
            TokenKind::Access => "access",
            TokenKind::Saml2 => "saml2",
        }
    }
}

/// One optional claim: `id:email`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct OptionalClaim {
    pub token: TokenKind,
    pub name: String,
}

impl fmt::Display for OptionalClaim {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.token.word(), self.name)
    }
}

/// The optional claims Microsoft documents for v2.0 tokens; others are refused by name, so a
/// typo is caught before Graph stores a claim no token will ever carry. `groups` is not among
/// them: it also needs the app's group claims setting, which appreg does not make.
const KNOWN_CLAIMS: [&str; 21] = [
    "acct",
    "auth_time",
    "ctry",
    "email",
    "family_name",
    "fwd",
    "given_name",
    "idtyp",
    "ipaddr",
    "login_hint",
    "onprem_sid",
    "preferred_username",
    "pwd_exp",
    "pwd_url",
    "sid",
    "tenant_ctry",
    "tenant_region_scope",
    "upn",
    "verified_primary_email",
    "verified_secondary_email",
    "xms_pdl",
];

impl FromStr for OptionalClaim {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let (token, name) = text.trim().split_once(':').ok_or_else(|| {
            format!("'{text}': write TOKEN:NAME, e.g. id:email (TOKEN is id, access or saml2)")
        })?;
        let token = match token.trim().to_ascii_lowercase().as_str() {
            "id" | "idtoken" => TokenKind::Id,
            "access" | "accesstoken" => TokenKind::Access,
            "saml2" | "saml" | "saml2token" => TokenKind::Saml2,
            other => return Err(format!("'{other}' is not a token: use id, access or saml2")),
        };
        let name = name.trim();
        let known = KNOWN_CLAIMS.iter().find(|k| k.eq_ignore_ascii_case(name));
        match known {
            Some(known) => Ok(OptionalClaim {
                token,
                name: (*known).to_owned(),
            }),
            None => Err(format!(
                "'{name}' is not an optional claim Microsoft documents; known: {}",
                KNOWN_CLAIMS.join(", ")
            )),
        }
    }
}

/// A logo image, checked before anything is sent.
#[derive(Clone, PartialEq, Eq)]
pub struct Logo {
    pub bytes: std::sync::Arc<[u8]>,
    pub content_type: &'static str,
    /// Where it came from, for messages.
    pub source: String,
}

impl fmt::Debug for Logo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Logo({}, {} bytes, {})",
            self.content_type,
            self.bytes.len(),
            self.source
        )
    }
}

impl Logo {
    /// A PNG or JPEG of at most [`LOGO_MAX_BYTES`], told by its first bytes, not its name.
    pub fn from_bytes(bytes: Vec<u8>, source: &str) -> Result<Self, String> {
        let content_type = if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            "image/png"
        } else if bytes.starts_with(&[0xff, 0xd8, 0xff]) {
            "image/jpeg"
        } else {
            return Err(format!("{source} is not a PNG or JPEG image"));
        };
        if bytes.len() > LOGO_MAX_BYTES {
            return Err(format!(
                "{source} is {} KB; a logo may be at most {} KB",
                bytes.len().div_ceil(1024),
                LOGO_MAX_BYTES / 1024
            ));
        }
        Ok(Self {
            bytes: bytes.into(),
            content_type,
            source: source.to_owned(),
        })
    }

    /// How a request listing shows the body.
    pub fn describe(&self) -> String {
        format!(
            "<{} bytes of {} from {}>",
            self.bytes.len(),
            self.content_type,
            self.source
        )
    }
}

impl OptionalSettings {
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }

    /// `optionalClaims` as Graph takes it: every token's list, so a PATCH replaces it whole.
    pub fn optional_claims_body(claims: &[OptionalClaim]) -> Value {
        let mut body = serde_json::Map::new();
        for token in TokenKind::ALL {
            let listed: Vec<Value> = claims
                .iter()
                .filter(|c| c.token == token)
                .map(|c| {
                    json!({"name": c.name, "source": null, "essential": false, "additionalProperties": []})
                })
                .collect();
            body.insert(token.graph_key().to_owned(), Value::Array(listed));
        }
        Value::Object(body)
    }

    /// Adds what lives on the application to its body: optional claims, the home page and the
    /// informational URLs.
    pub fn add_to_application(&self, body: &mut Value) {
        if !self.optional_claims.is_empty() {
            body["optionalClaims"] = Self::optional_claims_body(&self.optional_claims);
        }
        if let Some(url) = &self.homepage_url {
            body["web"]["homePageUrl"] = json!(url);
        }
        let mut info = serde_json::Map::new();
        if let Some(url) = &self.privacy_url {
            info.insert("privacyStatementUrl".into(), json!(url));
        }
        if let Some(url) = &self.terms_url {
            info.insert("termsOfServiceUrl".into(), json!(url));
        }
        if !info.is_empty() {
            body["info"] = Value::Object(info);
        }
    }

    /// What the user should know before setting these: a claim on a token the platforms never
    /// receive does nothing for them.
    pub fn warnings(&self) -> Vec<String> {
        self.optional_claims
            .iter()
            .filter(|c| c.token != TokenKind::Id)
            .map(|c| {
                format!(
                    "{c}: access and SAML tokens are shaped by the API they are for, so this claim only appears when this app is itself the API; the platforms get Microsoft Graph tokens and will not see it"
                )
            })
            .collect()
    }

    /// Each chosen setting in the portal's words, for summaries and results.
    pub fn summary(&self) -> Vec<(&'static str, String)> {
        let mut lines = Vec::new();
        if !self.optional_claims.is_empty() {
            let claims: Vec<String> = self
                .optional_claims
                .iter()
                .map(ToString::to_string)
                .collect();
            lines.push(("Token configuration", claims.join(", ")));
        }
        if self.hide_app {
            lines.push(("Visible to users?", "No".to_owned()));
        }
        for (label, url) in [
            ("Home page URL", &self.homepage_url),
            ("Privacy statement", &self.privacy_url),
            ("Terms of service", &self.terms_url),
        ] {
            if let Some(url) = url {
                lines.push((label, url.clone()));
            }
        }
        if let Some(logo) = &self.logo {
            lines.push((
                "Logo",
                format!("{} ({} bytes)", logo.source, logo.bytes.len()),
            ));
        }
        if let Some(id) = &self.publisher_id {
            lines.push(("Publisher verification", format!("MPN id {id}")));
        }
        lines
    }

    /// Each rule broken, by field: https URLs, a publisher id of digits.
    pub fn problems(&self) -> Vec<(&'static str, String)> {
        let mut problems = Vec::new();
        for (field, url) in [
            ("homepage URL", &self.homepage_url),
            ("privacy statement URL", &self.privacy_url),
            ("terms of service URL", &self.terms_url),
        ] {
            if let Some(url) = url
                && let Err(why) = check_https(url)
            {
                problems.push((field, why));
            }
        }
        if let Some(id) = &self.publisher_id
            && (id.is_empty() || id.len() > 10 || !id.chars().all(|c| c.is_ascii_digit()))
        {
            problems.push((
                "publisher id",
                format!("'{id}' is not a Microsoft Partner Network id (its digits, e.g. 1234567)"),
            ));
        }
        problems
    }
}

fn check_https(url: &str) -> Result<(), String> {
    match url::Url::parse(url.trim()) {
        Ok(parsed) if parsed.scheme() == "https" && parsed.host().is_some() => Ok(()),
        Ok(_) => Err(format!("'{url}' must be an https address")),
        Err(e) => Err(format!("'{url}' is not a URL: {e}")),
    }
}

/// The optional claims an app has, read back from Graph.
pub fn claims_of(app: &Application) -> Vec<OptionalClaim> {
    let Some(claims) = &app.optional_claims else {
        return Vec::new();
    };
    let mut found = Vec::new();
    for token in TokenKind::ALL {
        let listed = claims.get(token.graph_key()).and_then(Value::as_array);
        for claim in listed.into_iter().flatten() {
            if let Some(name) = claim.get("name").and_then(Value::as_str) {
                found.push(OptionalClaim {
                    token,
                    name: name.to_owned(),
                });
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn claims_are_written_token_colon_name() {
        let claim: OptionalClaim = "ID:Email".parse().unwrap();
        assert_eq!(claim.to_string(), "id:email");
        assert!(
            "email"
                .parse::<OptionalClaim>()
                .unwrap_err()
                .contains("TOKEN:NAME")
        );
        assert!(
            "refresh:email"
                .parse::<OptionalClaim>()
                .unwrap_err()
                .contains("id, access or saml2")
        );
        assert!(
            "id:emial"
                .parse::<OptionalClaim>()
                .unwrap_err()
                .contains("known:")
        );
        let body = OptionalSettings::optional_claims_body(&[claim, "access:upn".parse().unwrap()]);
        assert_eq!(body["idToken"][0]["name"], "email");
        assert_eq!(body["accessToken"][0]["name"], "upn");
        assert_eq!(body["saml2Token"], json!([]));
    }

    #[test]
    fn a_logo_is_a_small_png_or_jpeg() {
        let png = [b"\x89PNG\r\n\x1a\n".as_slice(), &[0; 16]].concat();
        assert_eq!(
            Logo::from_bytes(png, "a.png").unwrap().content_type,
            "image/png"
        );
        assert!(
            Logo::from_bytes(b"GIF89a".to_vec(), "a.gif")
                .unwrap_err()
                .contains("not a PNG")
        );
        let big = [[0xff, 0xd8, 0xff].as_slice(), &vec![0; LOGO_MAX_BYTES]].concat();
        assert!(
            Logo::from_bytes(big, "big.jpg")
                .unwrap_err()
                .contains("at most 100 KB")
        );
    }

    #[test]
    fn urls_are_https_and_the_publisher_id_digits() {
        let settings = OptionalSettings {
            homepage_url: Some("http://acme.example".into()),
            terms_url: Some("https://acme.example/terms".into()),
            privacy_url: Some("not a url".into()),
            publisher_id: Some("12ab".into()),
            ..OptionalSettings::default()
        };
        let fields: Vec<&str> = settings.problems().iter().map(|(f, _)| *f).collect();
        assert_eq!(
            fields,
            ["homepage URL", "privacy statement URL", "publisher id"]
        );
    }
}
