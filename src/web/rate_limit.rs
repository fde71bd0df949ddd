//! Per-client token buckets: the public routes' rate limit and the admin
//! API's budget of failed token checks.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Failed bearer-token checks a client may make on the admin API in a
/// burst, above the steady rate (`auth_failures_per_minute`, default 30).
pub const AUTH_FAILURE_BURST: u32 = 10;

/// A token bucket per client: `per_minute` steady rate, `burst` on top.
/// IPv6 clients are keyed by their /64 (one host usually owns a whole /64).
pub struct RateLimiter {
    per_second: f64,
    burst: f64,
    buckets: Mutex<HashMap<IpAddr, Bucket>>,
}

#[derive(Clone, Copy)]
struct Bucket {
    tokens: f64,
    at: Instant,
}

/// Most clients tracked before idle (full) buckets are swept.
const MAX_TRACKED_CLIENTS: usize = 100_000;

impl RateLimiter {
    /// A limiter; `per_minute == 0` lets everything through.
    pub fn new(per_minute: u32, burst: u32) -> Self {
        RateLimiter {
            per_second: f64::from(per_minute) / 60.0,
            burst: f64::from(burst.max(1)),
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Whether the limit is off.
    pub fn unlimited(&self) -> bool {
        self.per_second <= 0.0
    }

    fn key(ip: IpAddr) -> IpAddr {
        match ip {
            IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
                Some(v4) => IpAddr::V4(v4),
                None => {
                    let s = v6.segments();
                    IpAddr::V6(std::net::Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0))
                }
            },
            v4 => v4,
        }
    }

    /// Whether `ip` has a token left at `now`, without taking it.
    pub fn peek(&self, ip: IpAddr, now: Instant) -> Result<(), Duration> {
        if self.unlimited() {
            return Ok(());
        }
        let capacity = self.burst + self.per_second.max(1.0);
        let Ok(buckets) = self.buckets.lock() else {
            return Ok(());
        };
        let Some(bucket) = buckets.get(&Self::key(ip)) else {
            return Ok(());
        };
        let tokens = (bucket.tokens
            + now.saturating_duration_since(bucket.at).as_secs_f64() * self.per_second)
            .min(capacity);
        if tokens >= 1.0 {
            Ok(())
        } else {
            Err(Duration::from_secs_f64((1.0 - tokens) / self.per_second))
        }
    }

    /// Takes one token for `ip` at `now`; `Err(wait)` when the bucket is empty.
    pub fn check(&self, ip: IpAddr, now: Instant) -> Result<(), Duration> {
        if self.unlimited() {
            return Ok(());
        }
        let capacity = self.burst + self.per_second.max(1.0);
        let Ok(mut buckets) = self.buckets.lock() else {
            return Ok(());
        };
        if buckets.len() >= MAX_TRACKED_CLIENTS {
            let per_second = self.per_second;
            buckets.retain(|_, b| {
                b.tokens + now.saturating_duration_since(b.at).as_secs_f64() * per_second < capacity
            });
            // Still crowded (many addresses, e.g. rotating IPv6 prefixes):
            // start afresh rather than scan a huge map on every request.
            if buckets.len() >= MAX_TRACKED_CLIENTS / 2 {
                buckets.clear();
            }
        }
        let bucket = buckets.entry(Self::key(ip)).or_insert(Bucket {
            tokens: capacity,
            at: now,
        });
        let refill = now.saturating_duration_since(bucket.at).as_secs_f64() * self.per_second;
        bucket.tokens = (bucket.tokens + refill).min(capacity);
        bucket.at = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            Ok(())
        } else {
            Err(Duration::from_secs_f64(
                (1.0 - bucket.tokens) / self.per_second,
            ))
        }
    }
}
