//! When to send a Graph request again, and how long to wait first.
//!
//! Throttling (429, 503) honours `Retry-After`; other server errors and failed connections back
//! off exponentially with jitter; right after a create, "not there yet" answers are retried until
//! directory replication catches up. Every budget is bounded.

use super::error::GraphError;
use rand::Rng;
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RetryPolicy {
    /// Attempts for transient failures (throttling, 5xx, connection errors).
    pub max_attempts: u32,
    /// First backoff step; doubled each attempt.
    pub base_delay: Duration,
    /// Longest single wait; a longer `Retry-After` ends the retries with a clear error.
    pub max_wait: Duration,
    /// How long to wait in total for directory replication after a create.
    pub replication_budget: Duration,
    /// Longest wait between two replication checks.
    pub replication_step: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 6,
            base_delay: Duration::from_millis(500),
            max_wait: Duration::from_secs(60),
            replication_budget: Duration::from_secs(180),
            replication_step: Duration::from_secs(5),
        }
    }
}

/// What the caller allows for one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Resend {
    /// The request may be sent again after its answer was lost (it is idempotent, or a repeat
    /// is detected as a conflict by the caller).
    pub after_lost_answer: bool,
    /// "Not found" and `NoBackingApplicationObject` mean replication lag, not a real error.
    pub while_replicating: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Decision {
    pub reason: String,
    pub wait: Duration,
}

/// Whether to try again after `error` on attempt `attempt` (1-based), `elapsed` after the first.
pub fn decide(
    policy: &RetryPolicy,
    resend: Resend,
    error: &GraphError,
    attempt: u32,
    elapsed: Duration,
) -> Option<Decision> {
    let lag = if !resend.while_replicating {
        None
    } else if is_replication_lag(error) {
        Some((
            policy.replication_budget,
            "waiting for directory replication",
        ))
    } else if may_be_backing_app_lag(error) {
        Some((
            BACKING_APP_LAG_BUDGET,
            "waiting for the new app to replicate",
        ))
    } else {
        None
    };
    if let Some((budget, reason)) = lag {
        let wait = backoff(policy.base_delay, attempt).min(policy.replication_step);
        return (elapsed + wait <= budget).then(|| Decision {
            reason: reason.into(),
            wait,
        });
    }
    if attempt >= policy.max_attempts {
        return None;
    }
    let (reason, wait) = match error {
        GraphError::Api(e) if e.status == 401 && attempt == 1 => (
            "token refused; trying a fresh one".to_string(),
            Duration::ZERO,
        ),
        GraphError::Api(e) if e.status == 429 || e.status == 503 => {
            let wait = e
                .retry_after
                .unwrap_or_else(|| jittered(backoff(policy.base_delay, attempt)));
            if wait > policy.max_wait {
                return None;
            }
            let what = if e.status == 429 {
                "throttled (429)"
            } else {
                "service unavailable (503)"
            };
            (what.to_string(), wait)
        }
        GraphError::Api(e) if e.status >= 500 && resend.after_lost_answer => (
            format!("server error {}", e.status),
            jittered(backoff(policy.base_delay, attempt)),
        ),
        GraphError::Transport { sent, .. } if !*sent || resend.after_lost_answer => (
            "connection failed".to_string(),
            jittered(backoff(policy.base_delay, attempt)),
        ),
        // A server that stalled twice is not coming back soon: one more try, not six.
        GraphError::TimedOut { after } if resend.after_lost_answer && attempt < 2 => (
            format!("no answer within {} s", after.as_secs()),
            jittered(backoff(policy.base_delay, attempt)),
        ),
        GraphError::Malformed { .. } if resend.after_lost_answer => (
            "unreadable answer".to_string(),
            jittered(backoff(policy.base_delay, attempt)),
        ),
        _ => return None,
    };
    Some(Decision { reason, wait })
}

/// How long a refused service principal is taken for replication lag before it is believed.
const BACKING_APP_LAG_BUDGET: Duration = Duration::from_secs(30);

/// Creating the service principal of an app made a moment ago is sometimes refused with 403
/// `Authorization_RequestDenied` "…the backing application of the service principal being
/// created must in the local tenant" until the app has replicated; a user who really lacks the
/// right gets the same answer, so it is retried only briefly. Graph gives this case no code of
/// its own: the message is the only sign.
fn may_be_backing_app_lag(error: &GraphError) -> bool {
    error.api().is_some_and(|e| {
        e.status == 403
            && e.code == "Authorization_RequestDenied"
            && e.message
                .contains("backing application of the service principal")
    })
}

pub fn is_replication_lag(error: &GraphError) -> bool {
    error.has_code("NoBackingApplicationObject")
        || (error.status() == Some(404) && error.has_code("Request_ResourceNotFound"))
}

fn backoff(base: Duration, attempt: u32) -> Duration {
    base.saturating_mul(1 << attempt.saturating_sub(1).min(10))
}

/// Adds up to 50 % so clients that failed together do not retry together.
fn jittered(wait: Duration) -> Duration {
    let extra = rand::rng().random_range(0.0..0.5);
    wait.mul_f64(1.0 + extra)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::error::ApiError;

    fn api(status: u16, code: &str, retry_after: Option<u64>) -> GraphError {
        GraphError::Api(ApiError {
            status,
            code: code.into(),
            message: String::new(),
            detail_codes: vec![],
            request_id: None,
            retry_after: retry_after.map(Duration::from_secs),
        })
    }

    const ANY: Resend = Resend {
        after_lost_answer: true,
        while_replicating: false,
    };

    #[test]
    fn throttling_honours_retry_after() {
        let d = decide(
            &RetryPolicy::default(),
            ANY,
            &api(429, "TooManyRequests", Some(7)),
            1,
            Duration::ZERO,
        )
        .unwrap();
        assert_eq!(d.wait, Duration::from_secs(7));
        assert!(
            decide(
                &RetryPolicy::default(),
                ANY,
                &api(429, "x", Some(3600)),
                1,
                Duration::ZERO
            )
            .is_none()
        );
    }

    #[test]
    fn transient_retries_are_bounded() {
        let p = RetryPolicy::default();
        assert!(decide(&p, ANY, &api(502, "x", None), 5, Duration::ZERO).is_some());
        assert!(decide(&p, ANY, &api(502, "x", None), 6, Duration::ZERO).is_none());
        let w = decide(&p, ANY, &api(500, "x", None), 3, Duration::ZERO)
            .unwrap()
            .wait;
        assert!(
            w >= Duration::from_secs(2) && w <= Duration::from_secs(3),
            "{w:?}"
        );
    }

    #[test]
    fn lost_answers_are_resent_only_when_allowed() {
        let lost = GraphError::Transport {
            message: "reset".into(),
            sent: true,
        };
        let p = RetryPolicy::default();
        assert!(decide(&p, Resend::default(), &lost, 1, Duration::ZERO).is_none());
        assert!(decide(&p, ANY, &lost, 1, Duration::ZERO).is_some());
        let refused = GraphError::Transport {
            message: "refused".into(),
            sent: false,
        };
        assert!(decide(&p, Resend::default(), &refused, 1, Duration::ZERO).is_some());
        assert!(
            decide(
                &p,
                Resend::default(),
                &api(500, "x", None),
                1,
                Duration::ZERO
            )
            .is_none()
        );
    }

    #[test]
    fn a_service_principal_refused_for_its_backing_app_is_retried_briefly() {
        let p = RetryPolicy::default();
        let lag = Resend {
            after_lost_answer: false,
            while_replicating: true,
        };
        let mut refused = api(403, "Authorization_RequestDenied", None);
        if let GraphError::Api(a) = &mut refused {
            a.message = "When using this permission, the backing application of the service principal being created must in the local tenant".into();
        }
        assert!(decide(&p, lag, &refused, 1, Duration::ZERO).is_some());
        assert!(
            decide(&p, lag, &refused, 8, Duration::from_secs(29)).is_none(),
            "past 30 s it is believed"
        );
        assert!(
            decide(&p, Resend::default(), &refused, 1, Duration::ZERO).is_none(),
            "only right after a create"
        );
        let denied = api(403, "Authorization_RequestDenied", None);
        assert!(decide(&p, lag, &denied, 1, Duration::ZERO).is_none());
    }

    #[test]
    fn replication_lag_waits_within_its_budget() {
        let p = RetryPolicy::default();
        let lag = Resend {
            after_lost_answer: false,
            while_replicating: true,
        };
        let mut e = api(400, "Request_BadRequest", None);
        if let GraphError::Api(a) = &mut e {
            a.detail_codes.push("NoBackingApplicationObject".into());
        }
        assert!(decide(&p, lag, &e, 30, Duration::from_secs(100)).is_some());
        assert!(decide(&p, lag, &e, 30, Duration::from_secs(179)).is_none());
        assert!(
            decide(
                &p,
                lag,
                &api(404, "Request_ResourceNotFound", None),
                1,
                Duration::ZERO
            )
            .is_some()
        );
        assert!(
            decide(
                &p,
                ANY,
                &api(404, "Request_ResourceNotFound", None),
                1,
                Duration::ZERO
            )
            .is_none()
        );
        assert!(
            decide(
                &p,
                lag,
                &api(403, "Authorization_RequestDenied", None),
                1,
                Duration::ZERO
            )
            .is_none()
        );
    }
}
