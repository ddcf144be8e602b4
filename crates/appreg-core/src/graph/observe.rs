//! How the client tells its caller what happens to a request while it works, without knowing
//! what the request is for: the caller's observer puts the name on it.

use super::call::Call;
use std::time::Duration;

/// One moment in the life of a request.
#[derive(Debug, Clone, PartialEq)]
pub enum Attempt<'a> {
    /// It went out.
    Started,
    /// An answer came back that the call accepts.
    Answered {
        status: u16,
        latency: Duration,
        request_id: Option<&'a str>,
    },
    /// It ended without an accepted answer and will not be sent again.
    Refused {
        status: Option<u16>,
        latency: Duration,
        request_id: Option<&'a str>,
        message: String,
    },
    /// It will be sent again after `wait`.
    Retrying {
        reason: String,
        attempt: u32,
        wait: Duration,
    },
}

pub trait Observer: Send + Sync {
    fn observe(&self, call: &Call, attempt: Attempt<'_>);
}

/// Nobody is watching.
impl Observer for () {
    fn observe(&self, _: &Call, _: Attempt<'_>) {}
}
