//! A token bucket, so one chatty device cannot starve the others.

use std::time::Instant;

pub struct RateLimit {
    per_sec: f64,
    burst: f64,
    tokens: f64,
    last: Instant,
}

impl RateLimit {
    pub fn new(per_sec: u32, burst: u32, now: Instant) -> Self {
        RateLimit { per_sec: per_sec as f64, burst: burst as f64, tokens: burst as f64, last: now }
    }

    /// Takes one token; `false` when the device is over its rate.
    pub fn take(&mut self, now: Instant) -> bool {
        let elapsed = now.saturating_duration_since(self.last).as_secs_f64();
        self.last = now;
        self.tokens = (self.tokens + elapsed * self.per_sec).min(self.burst);
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn a_burst_is_allowed_then_refused_then_refilled() {
        let t0 = Instant::now();
        let mut limit = RateLimit::new(10, 3, t0);
        assert!(limit.take(t0) && limit.take(t0) && limit.take(t0));
        assert!(!limit.take(t0));
        assert!(limit.take(t0 + Duration::from_millis(100)));
    }
}
