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
        RateLimit::with_rate(per_sec as f64, burst, now)
    }

    /// A bucket refilled at `per_sec` tokens a second (a fraction for slow ones).
    pub fn with_rate(per_sec: f64, burst: u32, now: Instant) -> Self {
        RateLimit { per_sec, burst: burst as f64, tokens: burst as f64, last: now }
    }

    /// Whether the bucket would be full at `now` (nothing taken from it is still missing).
    pub fn full(&self, now: Instant) -> bool {
        self.tokens + now.saturating_duration_since(self.last).as_secs_f64() * self.per_sec >= self.burst
    }

    /// Takes one token; `false` when the device is over its rate.
    pub fn take(&mut self, now: Instant) -> bool {
        self.take_n(1, now)
    }

    /// Takes `n` tokens (bytes, for a byte budget); `false`, taking none, when there are fewer.
    pub fn take_n(&mut self, n: usize, now: Instant) -> bool {
        let elapsed = now.saturating_duration_since(self.last).as_secs_f64();
        self.last = now;
        self.tokens = (self.tokens + elapsed * self.per_sec).min(self.burst);
        if self.tokens >= n as f64 {
            self.tokens -= n as f64;
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

    #[test]
    fn a_byte_budget_refuses_a_large_frame_then_refills() {
        let t0 = Instant::now();
        let mut bytes = RateLimit::new(1000, 4000, t0);
        assert!(bytes.take_n(3000, t0));
        assert!(!bytes.take_n(2000, t0), "over the burst left");
        assert!(bytes.take_n(1000, t0), "a refused frame took nothing");
        assert!(bytes.take_n(2000, t0 + Duration::from_secs(2)));
    }
}
