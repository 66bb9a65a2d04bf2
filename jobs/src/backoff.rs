//! Retry waits shared by the jobs that talk to the network (fetch, notify): exponential, capped, fully jittered.

use std::time::Duration;

/// The wait before retry number `retry` (1-based): uniform in [0, min(max, initial · 2^(retry-1))], so many
/// clients failing together do not come back together.
pub fn full_jitter(initial_ms: u64, max_ms: u64, retry: u32) -> Duration {
    let factor = 1u64.checked_shl(retry.saturating_sub(1)).unwrap_or(u64::MAX);
    let ceiling = initial_ms.saturating_mul(factor).min(max_ms);
    Duration::from_millis(rand::Rng::random_range(&mut rand::rng(), 0..=ceiling))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_exponentially_up_to_the_cap() {
        for _ in 0..100 {
            assert!(full_jitter(100, 1000, 1) <= Duration::from_millis(100));
            assert!(full_jitter(100, 1000, 3) <= Duration::from_millis(400));
            assert!(full_jitter(100, 1000, 40) <= Duration::from_millis(1000));
        }
    }
}
