//! When a failed delivery is tried again: exponential backoff from a first
//! delay, each wait doubling up to a ceiling, until the retry period after
//! the event has passed; then the delivery is marked failed.

use chrono::{DateTime, Duration, Utc};

/// The retry policy of webhook deliveries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// The wait after the first failed attempt (default 5 s).
    pub first_delay: Duration,
    /// The longest wait between two attempts (default 1 h).
    pub max_delay: Duration,
    /// How long after the event deliveries are tried (default 24 h).
    pub give_up_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            first_delay: Duration::seconds(5),
            max_delay: Duration::hours(1),
            give_up_after: Duration::hours(24),
        }
    }
}

/// What to do after a failed attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AfterFailure {
    /// Try again at this time.
    RetryAt(DateTime<Utc>),
    /// The retry period is over: the delivery has failed.
    GiveUp,
}

impl RetryPolicy {
    /// The wait after the `attempts`-th failed attempt (1 for the first):
    /// `first_delay · 2^(attempts−1)`, at most `max_delay`.
    pub fn delay(&self, attempts: u32) -> Duration {
        let doublings = attempts.saturating_sub(1).min(30);
        let ms = self
            .first_delay
            .num_milliseconds()
            .max(1)
            .saturating_mul(1i64 << doublings);
        Duration::milliseconds(ms).min(self.max_delay)
    }

    /// After the `attempts`-th failed attempt at `now` of an event that
    /// happened at `occurred`: the next attempt's time, or give up when it
    /// would fall after `occurred + give_up_after`.
    pub fn after_failure(
        &self,
        attempts: u32,
        occurred: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> AfterFailure {
        let next = now + self.delay(attempts);
        if next > occurred + self.give_up_after {
            AfterFailure::GiveUp
        } else {
            AfterFailure::RetryAt(next)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_double_up_to_the_ceiling() {
        let p = RetryPolicy::default();
        let secs: Vec<i64> = (1..=12).map(|a| p.delay(a).num_seconds()).collect();
        assert_eq!(
            secs,
            [5, 10, 20, 40, 80, 160, 320, 640, 1280, 2560, 3600, 3600]
        );
        assert_eq!(p.delay(u32::MAX), Duration::hours(1));
    }

    #[test]
    fn gives_up_once_the_next_attempt_would_pass_the_retry_period() {
        let p = RetryPolicy::default();
        let t0 = DateTime::parse_from_rfc3339("2026-12-04T00:00:00Z")
            .unwrap()
            .to_utc();
        let early = t0 + Duration::minutes(1);
        assert_eq!(
            p.after_failure(1, t0, early),
            AfterFailure::RetryAt(early + Duration::seconds(5))
        );
        let late = t0 + Duration::hours(23) + Duration::minutes(30);
        assert_eq!(p.after_failure(20, t0, late), AfterFailure::GiveUp);
        // Attempts over 24 h with the default policy: about 30.
        let (mut now, mut attempts) = (t0, 0u32);
        loop {
            attempts += 1;
            match p.after_failure(attempts, t0, now) {
                AfterFailure::RetryAt(t) => now = t,
                AfterFailure::GiveUp => break,
            }
        }
        assert!((28..=34).contains(&attempts), "{attempts}");
        assert!(now <= t0 + Duration::hours(24));
    }
}
