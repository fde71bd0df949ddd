//! The notion of "now".
//!
//! Only this module reads the wall clock (DESIGN.md habit 12; `clippy.toml`
//! disallows `chrono::Utc::now` everywhere else). Everything that needs the
//! current time — validity windows (VCDM 2.0 §4.9), proof `created`
//! (Data Integrity 1.0 §2.1), status-list caching — takes a [`Clock`], so tests
//! and golden files can pin time with a [`FixedClock`].

use std::sync::Arc;

use chrono::{DateTime, Utc};

/// A source of the current instant in UTC.
///
/// Implementations must be cheap and thread-safe; the service shares one clock
/// across all requests.
pub trait Clock: Send + Sync {
    /// The current instant.
    fn now(&self) -> DateTime<Utc>;
}

/// The real wall clock (the operating system's UTC time).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SystemClock;

impl Clock for SystemClock {
    // The one place in the crate allowed to read the wall clock.
    #[allow(clippy::disallowed_methods)]
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock that always returns the same instant (tests, golden files,
/// reproducible signing — STANDARDS §12 item 9).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FixedClock(pub DateTime<Utc>);

impl FixedClock {
    /// A clock fixed at `instant`.
    pub fn new(instant: DateTime<Utc>) -> Self {
        Self(instant)
    }

    /// A clock fixed at an RFC 3339 timestamp, e.g. `"2025-01-01T00:00:00Z"`;
    /// any offset is converted to UTC.
    ///
    /// # Errors
    /// The chrono parse error when `s` is not an RFC 3339 date-time with an
    /// offset.
    pub fn parse(s: &str) -> Result<Self, chrono::ParseError> {
        DateTime::parse_from_rfc3339(s).map(|t| Self(t.with_timezone(&Utc)))
    }
}

impl Clock for FixedClock {
    fn now(&self) -> DateTime<Utc> {
        self.0
    }
}

impl<C: Clock + ?Sized> Clock for &C {
    fn now(&self) -> DateTime<Utc> {
        (**self).now()
    }
}

impl<C: Clock + ?Sized> Clock for Box<C> {
    fn now(&self) -> DateTime<Utc> {
        (**self).now()
    }
}

impl<C: Clock + ?Sized> Clock for Arc<C> {
    fn now(&self) -> DateTime<Utc> {
        (**self).now()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn fixed_clock_parse_converts_offsets_to_utc() {
        let c = FixedClock::parse("2024-03-04T10:00:00+02:00").unwrap();
        assert_eq!(c.now(), Utc.with_ymd_and_hms(2024, 3, 4, 8, 0, 0).unwrap());
        assert_eq!(c.now(), c.now());
    }

    #[test]
    fn fixed_clock_parse_rejects_garbage() {
        assert!(FixedClock::parse("yesterday").is_err());
        assert!(FixedClock::parse("2024-03-04T10:00:00").is_err());
    }

    #[test]
    fn clocks_work_behind_pointers() {
        let fixed = FixedClock(Utc.with_ymd_and_hms(2030, 1, 2, 3, 4, 5).unwrap());
        let shared: Arc<dyn Clock> = Arc::new(fixed);
        let boxed: Box<dyn Clock> = Box::new(fixed);
        assert_eq!(shared.now(), fixed.0);
        assert_eq!(boxed.now(), fixed.0);
        let by_ref: &dyn Clock = &fixed;
        let nested: &&dyn Clock = &by_ref;
        assert_eq!(Clock::now(nested), fixed.0);
    }

    #[test]
    fn system_clock_is_after_2024() {
        let now = SystemClock.now();
        assert!(now > Utc.with_ymd_and_hms(2024, 1, 1, 0, 0, 0).unwrap());
    }
}
