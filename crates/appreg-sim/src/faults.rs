//! Faults the simulator can inject: Graph's transient and permanent failures,
//! and the two ways a connection can die around a write.

use std::sync::Mutex;

use axum::http::Method;

use super::server::lock;

/// One armed fault: the next `times` requests matching `method` (any when
/// `None`) and whose path-and-query contains `path_contains` get `kind`
/// instead of their normal answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fault {
    pub method: Option<Method>,
    pub path_contains: String,
    pub kind: FaultKind,
    pub times: u32,
}

impl Fault {
    /// A fault for the next matching request of any method.
    pub fn new(kind: FaultKind, path_contains: impl Into<String>) -> Self {
        Fault {
            method: None,
            path_contains: path_contains.into(),
            kind,
            times: 1,
        }
    }

    pub fn method(mut self, method: Method) -> Self {
        self.method = Some(method);
        self
    }

    pub fn times(mut self, times: u32) -> Self {
        self.times = times;
        self
    }

    fn matches(&self, method: &Method, target: &str) -> bool {
        self.times > 0
            && self.method.as_ref().is_none_or(|m| m == method)
            && (target.contains(&self.path_contains)
                || decode(target).contains(&self.path_contains))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FaultKind {
    /// 429 with `Retry-After` and code `TooManyRequests`.
    Throttle { retry_after_secs: u64 },
    /// 503 with `Retry-After: 1`, code `ServiceUnavailable`.
    Unavailable,
    /// 500, code `InternalServerError`.
    ServerError,
    /// The connection is cut before the request is processed: no state change.
    DropBeforeCommit,
    /// The request is processed (state changes), then the connection is cut:
    /// the client sees a transport error and never learns the outcome.
    DropAfterCommit,
    /// 401 `InvalidAuthenticationToken`, as for an expired token.
    ExpiredToken,
    /// 403 `Authorization_RequestDenied`.
    Forbidden,
    /// 404 `Request_ResourceNotFound`, as from a Graph-shaped server that lacks the route.
    NotFound,
    /// The request is processed, then its JSON answer is cut in half (status
    /// kept; an empty answer becomes a 200 with a broken body).
    MalformedJson,
}

/// The armed faults, first match wins.
#[derive(Debug, Default)]
pub(crate) struct FaultSet {
    faults: Mutex<Vec<Fault>>,
}

impl FaultSet {
    pub fn new(faults: Vec<Fault>) -> Self {
        FaultSet {
            faults: Mutex::new(faults),
        }
    }

    pub fn add(&self, fault: Fault) {
        lock(&self.faults).push(fault);
    }

    /// Consume one use of the first fault matching this request.
    pub fn take(&self, method: &Method, target: &str) -> Option<FaultKind> {
        let mut faults = lock(&self.faults);
        let index = faults.iter().position(|f| f.matches(method, target))?;
        let fault = &mut faults[index];
        fault.times -= 1;
        let kind = fault.kind;
        if fault.times == 0 {
            faults.remove(index);
        }
        Some(kind)
    }
}

/// Percent-decode a request target so `uniqueName='a b'` matches either spelling.
pub(crate) fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Some(byte) = std::str::from_utf8(&bytes[i + 1..i + 3])
                .ok()
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(byte);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decode_handles_escapes_and_stray_percent() {
        assert_eq!(decode("a%20b%27c%"), "a b'c%");
        assert_eq!(decode("%2"), "%2");
    }

    #[test]
    fn faults_are_consumed_in_order() {
        let set = FaultSet::default();
        set.add(
            Fault::new(FaultKind::ServerError, "/applications")
                .method(Method::POST)
                .times(2),
        );
        assert_eq!(set.take(&Method::GET, "/v1.0/applications"), None);
        assert_eq!(
            set.take(&Method::POST, "/v1.0/applications"),
            Some(FaultKind::ServerError)
        );
        assert_eq!(
            set.take(&Method::POST, "/v1.0/applications"),
            Some(FaultKind::ServerError)
        );
        assert_eq!(set.take(&Method::POST, "/v1.0/applications"), None);
    }
}
