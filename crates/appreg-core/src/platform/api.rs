//! One request to a platform's API, with the same hygiene as Graph's: no redirects, a
//! bounded body, bounded waits, server text made safe, and progress events per attempt.

use super::{PlatformError, Target};
use crate::graph::Method;
use crate::http::{self, BodyError};
use crate::progress::{Event, Operation, Reporter};
use serde_json::Value;
use std::time::{Duration, Instant};

/// A platform answer is a small JSON document.
const BODY_LIMIT: usize = 1 << 20;
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Attempts of one request on throttling or a server error, and rounds of read-then-write
/// after an answer was lost.
pub(super) const ROUNDS: u32 = 3;
/// The longest a `Retry-After` is honoured; a longer one ends the attempts.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(30);

pub(super) struct Api<'a> {
    http: reqwest::Client,
    target: &'a Target,
    reporter: &'a Reporter,
}

/// An answer the platform gave: its status and JSON body (`Null` when empty).
pub(super) struct Answer {
    pub status: u16,
    pub body: Value,
    pub retry_after: Option<Duration>,
}

impl<'a> Api<'a> {
    pub fn new(target: &'a Target, reporter: &'a Reporter) -> Result<Self, PlatformError> {
        let http = http::client_for(&target.base_url)
            .timeout(REQUEST_TIMEOUT)
            .connect_timeout(CONNECT_TIMEOUT)
            .build()
            .map_err(|e| PlatformError::Unreachable {
                platform: target.kind,
                detail: e.to_string(),
            })?;
        Ok(Self {
            http,
            target,
            reporter,
        })
    }

    /// Sends one request. For a read, a 404 is an answer (the thing is absent); a write must
    /// get a 2xx, or a wrong base URL would pass for a connection. Other errors come back as
    /// [`PlatformError`]s. Reads and updates are sent again on throttling, a server error or a
    /// lost connection; a create only on throttling, since a lost create is found by reading.
    pub async fn send(
        &self,
        op: Operation,
        method: Method,
        segments: &[&str],
        query: Option<&str>,
        body: Option<&Value>,
    ) -> Result<Answer, PlatformError> {
        let mut url = self.target.base_url.clone();
        url.path_segments_mut()
            .map_err(|()| PlatformError::Unreachable {
                platform: self.target.kind,
                detail: "the URL cannot take a path".into(),
            })?
            .pop_if_empty()
            .extend(segments);
        url.set_query(query);
        let path = url.path().to_owned();
        let absent_ok = method == Method::Get;
        let mut attempt = 1;
        loop {
            self.reporter.emit(Event::Started {
                op: op.clone(),
                method,
                path: path.clone(),
            });
            let started = Instant::now();
            let result = self.attempt(method, url.clone(), body).await;
            let latency = started.elapsed();
            let error = match result {
                Ok(answer)
                    if (200..300).contains(&answer.status)
                        || (absent_ok && answer.status == 404) =>
                {
                    self.reporter.emit(Event::Done {
                        op: op.clone(),
                        method,
                        path: path.clone(),
                        status: answer.status,
                        latency,
                        request_id: request_id(&answer.body),
                    });
                    return Ok(answer);
                }
                Ok(answer) => PlatformError::from_answer(self.target.kind, &answer),
                Err(error) => error,
            };
            self.reporter.emit(Event::Refused {
                op: op.clone(),
                method,
                path: path.clone(),
                status: error.status(),
                latency,
                request_id: error.request_id().map(str::to_owned),
                message: error.to_string(),
            });
            let again = match error.retry_after() {
                Some(wait) => wait <= MAX_RETRY_AFTER && attempt < ROUNDS,
                None => false,
            };
            let repeatable = method != Method::Post || error.status() == Some(429);
            if !(again && repeatable) {
                return Err(if attempt > 1 {
                    PlatformError::GaveUp {
                        attempts: attempt,
                        was_write: method != Method::Get,
                        last: Box::new(error),
                    }
                } else {
                    error
                });
            }
            let wait = error.retry_after().unwrap_or_default();
            self.reporter.emit(Event::Retrying {
                op: op.clone(),
                reason: error.to_string(),
                attempt,
                wait,
            });
            tokio::time::sleep(wait).await;
            attempt += 1;
        }
    }

    async fn attempt(
        &self,
        method: Method,
        url: url::Url,
        body: Option<&Value>,
    ) -> Result<Answer, PlatformError> {
        let platform = self.target.kind;
        let method = match method {
            Method::Get => reqwest::Method::GET,
            Method::Post => reqwest::Method::POST,
            Method::Patch => reqwest::Method::PATCH,
            Method::Put => reqwest::Method::PUT,
            Method::Delete => reqwest::Method::DELETE,
        };
        let mut request = self
            .http
            .request(method, url)
            .bearer_auth(self.target.key.expose())
            .header(reqwest::header::ACCEPT, "application/json");
        if let Some(body) = body {
            request = request.json(body);
        }
        let response = request
            .send()
            .await
            .map_err(|e| PlatformError::transport(platform, &e))?;
        let retry_after = response
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(Duration::from_secs);
        let (status, bytes) =
            http::read_capped(response, BODY_LIMIT)
                .await
                .map_err(|e| match e {
                    BodyError::Transport(e) => PlatformError::transport(platform, &e),
                    refused => PlatformError::Unacceptable {
                        platform,
                        detail: refused.to_string(),
                    },
                })?;
        let body = if bytes.iter().all(u8::is_ascii_whitespace) {
            Value::Null
        } else {
            let mut value: Value = match serde_json::from_slice(&bytes) {
                Ok(value) => value,
                // An error page from a proxy is still an error with a status.
                Err(_) if status >= 400 => Value::Null,
                Err(e) => {
                    return Err(PlatformError::Malformed {
                        platform,
                        detail: e.to_string(),
                    });
                }
            };
            crate::text::clean_json(&mut value);
            value
        };
        Ok(Answer {
            status,
            body,
            retry_after,
        })
    }
}

fn request_id(body: &Value) -> Option<String> {
    body.get("request_id")
        .and_then(Value::as_str)
        .map(str::to_owned)
}
