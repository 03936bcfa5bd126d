//! The one backoff: exponential with random jitter, so a room full of displays (or a row of
//! kiosks) does not retry in lockstep after the server comes back.

use rand::Rng;
use std::time::Duration;

/// Waits of min, 2·min, 4·min … max, each scaled by a random factor in [0.8, 1.2).
#[derive(Debug, Clone)]
pub struct Backoff {
    min: Duration,
    max: Duration,
    next: Duration,
}

impl Backoff {
    pub fn new(min: Duration, max: Duration) -> Backoff {
        Backoff { min, max: max.max(min), next: min }
    }

    /// Start again from the shortest wait (the server is talking sense again).
    pub fn reset(&mut self) {
        self.next = self.min;
    }

    /// The next wait.
    pub fn next_delay(&mut self) -> Duration {
        let base = self.next;
        self.next = (self.next * 2).min(self.max);
        base.mul_f64(rand::rng().random_range(0.8..1.2))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doubles_up_to_the_maximum_within_the_jitter_and_resets() {
        let ms = Duration::from_millis;
        let mut b = Backoff::new(ms(100), ms(1000));
        for base in [100u64, 200, 400, 800, 1000, 1000] {
            let d = b.next_delay();
            assert!(d >= ms(base * 8 / 10) && d < ms(base * 12 / 10), "{d:?} around {base} ms");
        }
        b.reset();
        assert!(b.next_delay() < ms(120));
    }

    #[test]
    fn the_jitter_is_random_not_the_same_for_everyone() {
        // Twenty displays that lost the server at the same instant do not come back together.
        let waits: std::collections::BTreeSet<Duration> =
            (0..20).map(|_| Backoff::new(Duration::from_secs(1), Duration::from_secs(30)).next_delay()).collect();
        assert!(waits.len() > 15, "{waits:?}");
    }

    #[test]
    fn zero_waits_stay_zero() {
        let mut b = Backoff::new(Duration::ZERO, Duration::ZERO);
        assert_eq!(b.next_delay(), Duration::ZERO);
    }
}
