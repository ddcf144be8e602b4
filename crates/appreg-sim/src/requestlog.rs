//! What the simulator was asked, when, and how it answered: the raw material
//! for "how many sequential round trips did that take" assertions.

use std::sync::Mutex;
use std::time::Instant;

use super::server::lock;

/// One completed request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoggedRequest {
    pub method: String,
    /// Path and query as sent, e.g. `/v1.0/applications?$filter=...`.
    pub path: String,
    /// `None` when the connection was dropped instead of answered.
    pub status: Option<u16>,
    /// When the request arrived (before the simulated latency).
    pub started: Instant,
    /// When the answer (or the cut) was produced.
    pub finished: Instant,
}

#[derive(Debug)]
struct Entry {
    id: u64,
    method: String,
    path: String,
    started: Instant,
    outcome: Option<(Option<u16>, Instant)>,
}

#[derive(Debug, Default)]
pub(crate) struct RequestLog {
    inner: Mutex<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    next_id: u64,
    entries: Vec<Entry>,
}

impl RequestLog {
    pub fn start(&self, method: &str, path: &str) -> u64 {
        let mut inner = lock(&self.inner);
        let id = inner.next_id;
        inner.next_id += 1;
        inner.entries.push(Entry {
            id,
            method: method.to_owned(),
            path: path.to_owned(),
            started: Instant::now(),
            outcome: None,
        });
        id
    }

    /// Requests cleared from the log while in flight are simply not recorded.
    pub fn finish(&self, id: u64, status: Option<u16>) {
        let mut inner = lock(&self.inner);
        if let Some(entry) = inner.entries.iter_mut().rev().find(|e| e.id == id) {
            entry.outcome = Some((status, Instant::now()));
        }
    }

    pub fn completed(&self) -> Vec<LoggedRequest> {
        lock(&self.inner)
            .entries
            .iter()
            .filter_map(|e| {
                e.outcome.map(|(status, finished)| LoggedRequest {
                    method: e.method.clone(),
                    path: e.path.clone(),
                    status,
                    started: e.started,
                    finished,
                })
            })
            .collect()
    }

    pub fn clear(&self) {
        lock(&self.inner).entries.clear();
    }
}

/// Longest chain of requests in which each starts after the previous finished.
pub(crate) fn critical_path(requests: &[LoggedRequest]) -> usize {
    let mut by_start: Vec<&LoggedRequest> = requests.iter().collect();
    by_start.sort_by_key(|r| r.started);
    // chain[i] = longest chain ending with request i.
    let mut chain = vec![0usize; by_start.len()];
    for i in 0..by_start.len() {
        let before = (0..i)
            .filter(|&j| by_start[j].finished <= by_start[i].started)
            .map(|j| chain[j])
            .max();
        chain[i] = before.unwrap_or(0) + 1;
    }
    chain.into_iter().max().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    fn req(start_ms: u64, end_ms: u64, base: Instant) -> LoggedRequest {
        LoggedRequest {
            method: "GET".into(),
            path: "/".into(),
            status: Some(200),
            started: base + Duration::from_millis(start_ms),
            finished: base + Duration::from_millis(end_ms),
        }
    }

    #[test]
    fn critical_path_counts_sequential_round_trips() {
        let t = Instant::now();
        assert_eq!(critical_path(&[]), 0);
        // Two parallel calls, then one after both: 2 round trips.
        assert_eq!(
            critical_path(&[req(0, 10, t), req(1, 12, t), req(13, 20, t)]),
            2
        );
        // Strictly sequential: 3.
        assert_eq!(
            critical_path(&[req(0, 10, t), req(10, 20, t), req(20, 30, t)]),
            3
        );
        // Overlapping chain is not sequential.
        assert_eq!(
            critical_path(&[req(0, 10, t), req(5, 15, t), req(9, 30, t)]),
            1
        );
    }
}
