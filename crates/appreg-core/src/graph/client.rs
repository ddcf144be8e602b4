//! Sends Graph and ARM requests: the token, the retries, the progress events and the error shape.

use super::call::{Api, Call};
use super::error::{ApiError, GraphError};
use super::observe::{Attempt, Observer};
use super::paths::Method;
use super::retry::{self, RetryPolicy};
use crate::auth::TokenSource;
use crate::clock::Clock;
use crate::http::{self, BodyError};
use crate::text;
use serde::de::DeserializeOwned;
use serde_json::Value;
use std::sync::Arc;
use std::time::{Duration, Instant};

#[derive(Debug, Clone, PartialEq)]
pub struct GraphConfig {
    /// `https://graph.microsoft.com/v1.0`, a national cloud's, or a simulator's.
    pub graph_url: url::Url,
    /// `https://management.azure.com`, for the list of tenants.
    pub arm_url: url::Url,
    pub retry: RetryPolicy,
    /// The longest one attempt may take, answer included: a stalled or trickling server is
    /// given up on after this.
    pub request_timeout: Duration,
    /// The longest a whole run (a client's life) waits on Graph, retries and replication
    /// included.
    pub run_limit: Duration,
    /// What retry waits sleep on and budgets are measured by.
    pub clock: Clock,
}

impl GraphConfig {
    pub fn new(graph_url: url::Url, arm_url: url::Url) -> Self {
        Self {
            graph_url,
            arm_url,
            retry: RetryPolicy::default(),
            request_timeout: Duration::from_secs(30),
            run_limit: Duration::from_secs(300),
            clock: Clock::system(),
        }
    }
}

/// A successful answer.
#[derive(Debug, Clone)]
pub struct Answer {
    pub status: u16,
    pub request_id: Option<String>,
    pub body: Vec<u8>,
}

impl Answer {
    /// The answer as `T`, every string in it made safe for a terminal first: names, URIs and
    /// notes from the directory end up on screens and in logs.
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, GraphError> {
        let malformed = |e: serde_json::Error| GraphError::Malformed {
            status: self.status,
            message: text::from_server(&format!("cannot read the answer: {e}")),
            request_id: self.request_id.clone(),
        };
        if !text::json_may_be_unsafe(&self.body) {
            return serde_json::from_slice(&self.body).map_err(malformed);
        }
        let mut value: Value = serde_json::from_slice(&self.body).map_err(malformed)?;
        text::clean_json(&mut value);
        serde_json::from_value(value).map_err(malformed)
    }
}

#[derive(Clone)]
pub struct GraphClient {
    http: reqwest::Client,
    config: Arc<GraphConfig>,
    tokens: Arc<dyn TokenSource>,
    tenant: Option<String>,
    /// When this run stops waiting on Graph (on the config's clock).
    deadline: Instant,
}

impl std::fmt::Debug for GraphClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GraphClient")
            .field("graph_url", &self.config.graph_url.as_str())
            .field("tenant", &self.tenant)
            .field("tokens", &self.tokens.label())
            .finish()
    }
}

impl GraphClient {
    pub fn new(config: GraphConfig, tokens: Arc<dyn TokenSource>) -> Result<Self, GraphError> {
        let http = crate::http::client_for(&config.graph_url)
            .connect_timeout(Duration::from_secs(15))
            .build()
            .map_err(|e| GraphError::Transport {
                message: e.to_string(),
                sent: false,
            })?;
        let deadline = config.clock.now() + config.run_limit;
        Ok(Self {
            http,
            config: Arc::new(config),
            tokens,
            tenant: None,
            deadline,
        })
    }

    /// The same client, its run limit counted again from now: the requests a person confirmed
    /// are a run of their own, however long the reading before it took.
    pub fn from_now(&self) -> Self {
        Self {
            deadline: self.config.clock.now() + self.config.run_limit,
            ..self.clone()
        }
    }

    /// The same client with at least `time` left from now: cleaning up after a run that ran
    /// out of time (removing a secret nobody received) gets time of its own.
    pub fn with_time_left(&self, time: Duration) -> Self {
        Self {
            deadline: self.deadline.max(self.config.clock.now() + time),
            ..self.clone()
        }
    }

    /// The same client, working in another tenant (the token source switches with it).
    pub fn for_tenant(&self, tenant: Option<String>) -> Self {
        Self {
            tenant,
            ..self.clone()
        }
    }

    pub fn tenant(&self) -> Option<&str> {
        self.tenant.as_deref()
    }

    pub fn config(&self) -> &GraphConfig {
        &self.config
    }

    pub fn tokens(&self) -> &Arc<dyn TokenSource> {
        &self.tokens
    }

    /// Sends `call`, retrying as its policy allows, and tells `observer` of every attempt.
    pub async fn send(&self, call: &Call, observer: &dyn Observer) -> Result<Answer, GraphError> {
        let clock = &self.config.clock;
        let first = clock.now();
        let mut attempt = 0;
        let mut last = None;
        loop {
            attempt += 1;
            let left = self.deadline.saturating_duration_since(clock.now());
            if left.is_zero() {
                return Err(self.out_of_time(last));
            }
            observer.observe(call, Attempt::Started);
            let started = Instant::now();
            match self
                .send_once(call, left.min(self.config.request_timeout))
                .await
            {
                Ok(answer) => {
                    observer.observe(
                        call,
                        Attempt::Answered {
                            status: answer.status,
                            latency: started.elapsed(),
                            request_id: answer.request_id.as_deref(),
                        },
                    );
                    return Ok(answer);
                }
                Err(error) => {
                    let decision = retry::decide(
                        &self.config.retry,
                        call.resend,
                        &error,
                        attempt,
                        clock.now() - first,
                    );
                    let left = self.deadline.saturating_duration_since(clock.now());
                    let decision = match decision {
                        Some(decision) if decision.wait >= left => {
                            return Err(self.out_of_time(Some(error)));
                        }
                        decision => decision,
                    };
                    let Some(decision) = decision else {
                        observer.observe(
                            call,
                            Attempt::Refused {
                                status: error.status(),
                                latency: started.elapsed(),
                                request_id: error.request_id(),
                                message: short(&error),
                            },
                        );
                        return Err(if attempt > 1 {
                            GraphError::GaveUp {
                                last: Box::new(error),
                                attempts: attempt,
                                waited: clock.now() - first,
                            }
                        } else {
                            error
                        });
                    };
                    if error.status() == Some(401) {
                        self.tokens
                            .refused(call.api.token_resource(), self.tenant.as_deref())
                            .await;
                    }
                    tracing::debug!(path = %call.path, %error, attempt, "retrying");
                    observer.observe(
                        call,
                        Attempt::Retrying {
                            reason: format!("{} ({})", decision.reason, short(&error)),
                            attempt,
                            wait: decision.wait,
                        },
                    );
                    clock.sleep(decision.wait).await;
                    last = Some(error);
                }
            }
        }
    }

    fn out_of_time(&self, last: Option<GraphError>) -> GraphError {
        GraphError::OutOfTime {
            limit: self.config.run_limit,
            last: last.map(Box::new),
        }
    }

    /// Sends `call` and reads its answer as `T`.
    pub async fn send_json<T: DeserializeOwned>(
        &self,
        call: &Call,
        observer: &dyn Observer,
    ) -> Result<T, GraphError> {
        self.send(call, observer).await?.json()
    }

    /// One attempt, given up after `timeout`.
    async fn send_once(&self, call: &Call, timeout: Duration) -> Result<Answer, GraphError> {
        let base = match call.api {
            Api::Graph => &self.config.graph_url,
            Api::Arm => &self.config.arm_url,
        };
        let resource = call.api.token_resource();
        let token = self
            .tokens
            .token(resource, self.tenant.as_deref())
            .await
            .map_err(|e| GraphError::Auth(e.to_string()))?;
        let url = format!("{}{}", base.as_str().trim_end_matches('/'), call.path);
        let method = match call.method {
            Method::Get => reqwest::Method::GET,
            Method::Post => reqwest::Method::POST,
            Method::Patch => reqwest::Method::PATCH,
            Method::Put => reqwest::Method::PUT,
            Method::Delete => reqwest::Method::DELETE,
        };
        let mut request = self
            .http
            .request(method, &url)
            .timeout(timeout)
            .bearer_auth(token.token.expose())
            .header("client-request-id", uuid::Uuid::new_v4().to_string());
        for (name, value) in &call.headers {
            request = request.header(*name, value);
        }
        if let Some(body) = &call.body {
            request = request.json(body);
        }
        if let Some((content_type, bytes)) = &call.bytes {
            request = request
                .header(reqwest::header::CONTENT_TYPE, *content_type)
                .body(bytes.to_vec());
        }
        let lost = |e: reqwest::Error| transport_error(e, timeout);
        let response = request.send().await.map_err(lost)?;
        let request_id =
            header(&response, "request-id").or_else(|| header(&response, "x-ms-request-id"));
        let retry_after = header(&response, "retry-after").and_then(|v| parse_retry_after(&v));
        let (status, body) = http::read_capped(response, http::GRAPH_BODY_LIMIT)
            .await
            .map_err(|e| match e {
                BodyError::Transport(e) => lost(e),
                refused => GraphError::Unacceptable {
                    message: refused.to_string(),
                },
            })?;
        if (200..300).contains(&status) {
            return Ok(Answer {
                status,
                request_id,
                body,
            });
        }
        Err(api_error(status, &body, request_id, retry_after))
    }
}

fn header(response: &reqwest::Response, name: &str) -> Option<String> {
    response
        .headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(text::from_server)
}

/// `Retry-After` is either seconds or an HTTP date.
fn parse_retry_after(value: &str) -> Option<Duration> {
    let value = value.trim();
    value
        .parse::<u64>()
        .map(Duration::from_secs)
        .ok()
        .or_else(|| {
            let at = httpdate::parse_http_date(value).ok()?;
            Some(
                at.duration_since(std::time::SystemTime::now())
                    .unwrap_or(Duration::ZERO),
            )
        })
}

fn transport_error(e: reqwest::Error, timeout: Duration) -> GraphError {
    // A connect error means nothing reached Graph; anything later may have.
    if e.is_timeout() && !e.is_connect() {
        return GraphError::TimedOut { after: timeout };
    }
    GraphError::Transport {
        message: without_url(&e),
        sent: !e.is_connect(),
    }
}

/// reqwest's message names the URL, which the progress line already shows.
fn without_url(e: &reqwest::Error) -> String {
    let mut text = e.to_string();
    if let Some(url) = e.url() {
        text = text.replace(&format!(" for url ({url})"), "");
    }
    let mut source = std::error::Error::source(e);
    while let Some(inner) = source {
        text = format!("{text}: {inner}");
        source = inner.source();
    }
    text
}

/// Graph's error body: `{"error":{"code","message","details":[{"code"}],"innerError":{"request-id"}}}`.
pub fn api_error(
    status: u16,
    body: &[u8],
    request_id: Option<String>,
    retry_after: Option<Duration>,
) -> GraphError {
    let parsed: Option<Value> = serde_json::from_slice(body).ok();
    let Some(error) = parsed
        .as_ref()
        .and_then(|v| v.get("error"))
        .filter(|e| e.is_object())
    else {
        return GraphError::Api(ApiError {
            status,
            code: format!("HTTP{status}"),
            message: text::from_server(&String::from_utf8_lossy(body)),
            detail_codes: vec![],
            request_id,
            retry_after,
        });
    };
    let text = |v: Option<&Value>| text::from_server(v.and_then(Value::as_str).unwrap_or(""));
    let detail_codes = error
        .get("details")
        .and_then(Value::as_array)
        .map(|d| {
            d.iter()
                .map(|x| text(x.get("code")))
                .filter(|c| !c.is_empty())
                .collect()
        })
        .unwrap_or_default();
    let inner_id = error
        .get("innerError")
        .or_else(|| error.get("innererror"))
        .and_then(|i| i.get("request-id"))
        .and_then(Value::as_str)
        .map(text::from_server);
    GraphError::Api(ApiError {
        status,
        code: text(error.get("code")),
        message: text(error.get("message")),
        detail_codes,
        request_id: request_id.or(inner_id),
        retry_after,
    })
}

fn short(error: &GraphError) -> String {
    match error.api() {
        Some(api) => format!("{} {}", api.status, api.code),
        None => error.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn graph_error_bodies_parse_with_details_and_request_id() {
        let body = br#"{"error":{"code":"Request_BadRequest","message":"The appId 'x' of the service principal does not reference a valid application object.","details":[{"code":"NoBackingApplicationObject","message":"...","target":"appId"}],"innerError":{"date":"2025-04-09T09:58:29","request-id":"abc","client-request-id":"def"}}}"#;
        let e = api_error(400, body, None, None);
        assert!(e.has_code("NoBackingApplicationObject"));
        assert!(e.has_code("Request_BadRequest"));
        assert_eq!(e.request_id(), Some("abc"));
        assert!(retry::is_replication_lag(&e));
    }

    #[test]
    fn retry_after_takes_seconds_or_an_http_date() {
        assert_eq!(parse_retry_after(" 7 "), Some(Duration::from_secs(7)));
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"),
            Some(Duration::ZERO)
        );
        let soon = httpdate::fmt_http_date(std::time::SystemTime::now() + Duration::from_secs(30));
        let wait = parse_retry_after(&soon).unwrap();
        assert!(
            wait > Duration::from_secs(25) && wait <= Duration::from_secs(30),
            "{wait:?}"
        );
        assert_eq!(parse_retry_after("soon"), None);
    }

    #[test]
    fn non_json_error_bodies_still_give_a_status_and_text() {
        let e = api_error(502, b"<html>Bad gateway</html>", Some("rid".into()), None);
        assert_eq!(e.status(), Some(502));
        assert_eq!(e.request_id(), Some("rid"));
        assert!(e.to_string().contains("Bad gateway"));
    }

    #[test]
    fn advice_explains_what_to_do() {
        let e = api_error(403, br#"{"error":{"code":"Authorization_RequestDenied","message":"Insufficient privileges to complete the operation."}}"#, None, None);
        assert!(e.advice().contains("Application Developer"));
        let e = api_error(400, br#"{"error":{"code":"CredentialInvalidLifetimeAsPerAppPolicy","message":"Credential lifetime exceeds the max value allowed as per assigned policy.","details":[{"code":"InvalidKeyEndDate"}]}}"#, None, None);
        assert!(e.advice().contains("shorter lifetime"));
        let throttled = api_error(429, b"{}", None, Some(Duration::from_secs(3600)));
        assert!(
            throttled.advice().contains("wait 60 minute(s)"),
            "{}",
            throttled.advice()
        );
    }
}
