//! Time as the client's retry waits and the simulator's directory replication see it: the
//! machine's clock, or a simulated one that tests move forward at once, so a minute of
//! replication lag is waited out in microseconds and no test sleeps for real.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

#[derive(Debug, Clone, Default)]
pub struct Clock {
    /// How far simulated time is ahead of the machine's; `None` for the machine's clock.
    skipped_nanos: Option<Arc<AtomicU64>>,
}

impl Clock {
    pub fn system() -> Self {
        Self::default()
    }

    /// A clock whose waits return at once, having moved time forward by what they waited.
    /// Shared by a client and a simulator, both see the same time pass. Waits that overlap
    /// each move it on, so time passes at least as fast as every waiter expects.
    pub fn simulated() -> Self {
        Self {
            skipped_nanos: Some(Arc::default()),
        }
    }

    pub fn now(&self) -> Instant {
        let skipped = self
            .skipped_nanos
            .as_ref()
            .map_or(0, |s| s.load(Ordering::SeqCst));
        Instant::now() + Duration::from_nanos(skipped)
    }

    pub async fn sleep(&self, wait: Duration) {
        match &self.skipped_nanos {
            None => tokio::time::sleep(wait).await,
            Some(skipped) => {
                let nanos = u64::try_from(wait.as_nanos()).unwrap_or(u64::MAX);
                skipped.fetch_add(nanos, Ordering::SeqCst);
                tokio::task::yield_now().await;
            }
        }
    }
}

/// The same clock: the machine's, or one simulated time shared by its copies.
impl PartialEq for Clock {
    fn eq(&self, other: &Self) -> bool {
        match (&self.skipped_nanos, &other.skipped_nanos) {
            (None, None) => true,
            (Some(a), Some(b)) => Arc::ptr_eq(a, b),
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_simulated_wait_moves_time_without_sleeping() {
        let clock = Clock::simulated();
        let shared = clock.clone();
        let (real, simulated) = (Instant::now(), clock.now());
        clock.sleep(Duration::from_secs(60)).await;
        assert!(real.elapsed() < Duration::from_secs(1));
        assert!(
            shared.now() - simulated >= Duration::from_secs(60),
            "the copy sees it too"
        );
    }
}
