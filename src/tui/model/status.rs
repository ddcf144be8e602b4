//! The live log of Graph calls under every step, fed by the runner's progress events.

use crate::progress::{Event, Operation};
use std::collections::VecDeque;
use std::time::Duration;

/// Enough lines to scroll back through a whole run, bounded so a long session stays small.
const KEPT: usize = 200;

#[derive(Debug, Clone, PartialEq)]
pub enum CallState {
    Pending,
    Answered {
        status: u16,
        latency: Duration,
        request_id: Option<String>,
    },
    Retrying {
        reason: String,
        attempt: u32,
        wait: Duration,
    },
    Skipped {
        reason: String,
    },
    Failed {
        message: String,
        request_id: Option<String>,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Call {
    pub op: Operation,
    /// `POST /applications`, or empty for events that name no request.
    pub request: String,
    pub state: CallState,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct StatusLog {
    calls: VecDeque<Call>,
}

impl StatusLog {
    pub fn calls(&self) -> impl DoubleEndedIterator<Item = &Call> + ExactSizeIterator {
        self.calls.iter()
    }

    pub fn is_empty(&self) -> bool {
        self.calls.is_empty()
    }

    pub fn record(&mut self, event: &Event) {
        let op = event.op().clone();
        match event {
            Event::Started { method, path, .. } => self.push(Call {
                op,
                request: format!("{method} {path}"),
                state: CallState::Pending,
            }),
            Event::Done {
                method,
                path,
                status,
                latency,
                request_id,
                ..
            } => {
                let request = format!("{method} {path}");
                let state = CallState::Answered {
                    status: *status,
                    latency: *latency,
                    request_id: request_id.clone(),
                };
                self.settle(Call { op, request, state });
            }
            Event::Refused {
                method,
                path,
                status,
                latency,
                request_id,
                message,
                ..
            } => {
                let request = format!("{method} {path}");
                let state = match status {
                    Some(status) => CallState::Answered {
                        status: *status,
                        latency: *latency,
                        request_id: request_id.clone(),
                    },
                    None => CallState::Failed {
                        message: message.clone(),
                        request_id: request_id.clone(),
                    },
                };
                self.settle(Call { op, request, state });
            }
            Event::Retrying {
                reason,
                attempt,
                wait,
                ..
            } => {
                let request = self.last_request_of(&op);
                let state = CallState::Retrying {
                    reason: reason.clone(),
                    attempt: *attempt,
                    wait: *wait,
                };
                self.settle(Call { op, request, state });
            }
            Event::Skipped { reason, .. } => {
                let state = CallState::Skipped {
                    reason: reason.clone(),
                };
                self.push(Call {
                    op,
                    request: String::new(),
                    state,
                });
            }
            Event::Failed {
                message,
                request_id,
                ..
            } => {
                let request = self.last_request_of(&op);
                let state = CallState::Failed {
                    message: message.clone(),
                    request_id: request_id.clone(),
                };
                self.settle(Call { op, request, state });
            }
        }
    }

    /// Whether a request is still waiting for its answer (the pane shows a spinner then).
    pub fn has_pending(&self) -> bool {
        self.calls.iter().any(|c| c.state == CallState::Pending)
    }

    /// Replaces the operation's pending call with its outcome, or adds the outcome as a new line.
    fn settle(&mut self, call: Call) {
        let pending = self
            .calls
            .iter_mut()
            .rev()
            .find(|c| c.op == call.op && c.state == CallState::Pending);
        match pending {
            Some(slot) => *slot = call,
            None => self.push(call),
        }
    }

    fn last_request_of(&self, op: &Operation) -> String {
        self.calls
            .iter()
            .rev()
            .find(|c| &c.op == op)
            .map(|c| c.request.clone())
            .unwrap_or_default()
    }

    fn push(&mut self, call: Call) {
        if self.calls.len() == KEPT {
            self.calls.pop_front();
        }
        self.calls.push_back(call);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::Method;

    fn started() -> Event {
        Event::Started {
            op: Operation::RegisterApp,
            method: Method::Post,
            path: "/applications".into(),
        }
    }

    #[test]
    fn an_answer_replaces_its_pending_line() {
        let mut log = StatusLog::default();
        log.record(&started());
        assert!(log.has_pending());
        log.record(&Event::Done {
            op: Operation::RegisterApp,
            method: Method::Post,
            path: "/applications".into(),
            status: 201,
            latency: Duration::from_millis(120),
            request_id: Some("req-1".into()),
        });
        assert_eq!(log.calls().len(), 1);
        assert!(!log.has_pending());
    }

    #[test]
    fn a_refusal_closes_its_line_with_the_status_or_the_reason() {
        let refused = |status| Event::Refused {
            op: Operation::RegisterApp,
            method: Method::Post,
            path: "/applications".into(),
            status,
            latency: Duration::from_millis(80),
            request_id: None,
            message: "409 Request_MultipleObjectsWithSameKeyValue".into(),
        };
        let mut log = StatusLog::default();
        log.record(&started());
        log.record(&refused(Some(409)));
        assert!(!log.has_pending());
        assert!(matches!(
            log.calls().last().unwrap().state,
            CallState::Answered { status: 409, .. }
        ));
        log.record(&started());
        log.record(&refused(None));
        assert!(
            matches!(&log.calls().last().unwrap().state, CallState::Failed { message, .. } if message.contains("409"))
        );
        assert_eq!(log.calls().len(), 2);
    }

    #[test]
    fn retries_keep_the_request_they_repeat_and_the_log_is_bounded() {
        let mut log = StatusLog::default();
        log.record(&started());
        log.record(&Event::Retrying {
            op: Operation::RegisterApp,
            reason: "throttled (429)".into(),
            attempt: 1,
            wait: Duration::from_secs(2),
        });
        let call = log.calls().next().unwrap();
        assert_eq!(call.request, "POST /applications");
        assert!(matches!(call.state, CallState::Retrying { attempt: 1, .. }));
        for _ in 0..KEPT + 5 {
            log.record(&started());
        }
        assert_eq!(log.calls().len(), KEPT);
    }
}
