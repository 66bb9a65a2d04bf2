//! Counter-based random streams: every entity draws from a stream keyed by (seed, stream, index), so any row can be regenerated alone, in any order, on any thread.

/// One independent stream per aspect of an entity, so that adding a draw to one aspect
/// (say, a title's akas) never shifts the values of another (its rating).
pub(crate) mod stream {
    pub const TITLE_CORE: u64 = 1;
    pub const TITLE_PLAN: u64 = 2;
    pub const TITLE_NAME: u64 = 3;
    pub const TITLE_AKAS: u64 = 4;
    pub const TITLE_RATING: u64 = 5;
    pub const TITLE_LATENT: u64 = 6;
    pub const TITLE_EXTRA: u64 = 7;
    pub const PERSON_CORE: u64 = 10;
    pub const PERSON_NAME: u64 = 11;
    pub const PERSON_FILE: u64 = 12;
    pub const CREDIT: u64 = 13;
    pub const LAYOUT: u64 = 20;
    pub const GENRE_EMBEDDING: u64 = 21;
    pub const CALIBRATION: u64 = 22;
    pub const ML_USER: u64 = 30;
    pub const ML_USER_RATINGS: u64 = 31;
    pub const ML_ITEM: u64 = 32;
    pub const ML_TAGS: u64 = 33;
    pub const TMDB_MOVIE: u64 = 40;
    pub const TMDB_CREDITS: u64 = 41;
    pub const CORRUPT: u64 = 50;
}

/// SplitMix64 finaliser: a cheap bijective avalanche, good enough to decorrelate neighbouring indices.
#[inline]
pub(crate) fn mix64(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// Hash of (seed, stream, index) used both to seed streams and as a one-shot uniform draw.
#[inline]
pub(crate) fn key(seed: u64, stream: u64, index: u64) -> u64 {
    mix64(mix64(seed ^ stream.wrapping_mul(0x9e37_79b9_7f4a_7c15)).wrapping_add(mix64(index)))
}

/// Uniform in [0, 1) from a hash, for decisions that need a single draw.
#[inline]
pub(crate) fn unit(h: u64) -> f64 {
    (h >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

/// SplitMix64 stream. Hand-rolled rather than taken from `rand` so that the byte output of
/// the generator depends only on this file, not on a library's sampling algorithms.
#[derive(Clone, Debug)]
pub(crate) struct Rng {
    state: u64,
}

impl Rng {
    pub fn new(seed: u64, stream: u64, index: u64) -> Self {
        Rng { state: key(seed, stream, index) }
    }

    pub fn from_key(state: u64) -> Self {
        Rng { state }
    }

    #[inline]
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        mix64(self.state)
    }

    #[inline]
    pub fn f64(&mut self) -> f64 {
        unit(self.next_u64())
    }

    /// Uniform integer in [0, n); n = 0 gives 0.
    #[inline]
    pub fn below(&mut self, n: u64) -> u64 {
        ((self.next_u64() as u128 * n as u128) >> 64) as u64
    }

    #[inline]
    pub fn index(&mut self, n: usize) -> usize {
        self.below(n as u64) as usize
    }

    /// Uniform integer in [lo, hi] (inclusive).
    #[inline]
    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        if hi <= lo {
            return lo;
        }
        lo + self.below((hi - lo + 1) as u64) as i64
    }

    #[inline]
    pub fn chance(&mut self, p: f64) -> bool {
        self.f64() < p
    }

    /// Standard normal (Box–Muller, one value per call for simplicity).
    pub fn normal(&mut self) -> f64 {
        let u1 = 1.0 - self.f64();
        let u2 = self.f64();
        (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
    }

    /// Pareto with minimum 1 and tail index `alpha`: P(X > x) = x^-alpha.
    pub fn pareto(&mut self, alpha: f64) -> f64 {
        (1.0 - self.f64()).powf(-1.0 / alpha)
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.index(items.len())]
    }

    /// [`Rng::pick`] for small `Copy` items such as `&'static str`.
    pub fn choose<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.index(items.len())]
    }

    /// Index drawn with probability proportional to `weights` (linear scan: lists are short).
    pub fn weighted(&mut self, weights: &[f64]) -> usize {
        let total: f64 = weights.iter().sum();
        let mut x = self.f64() * total;
        for (i, w) in weights.iter().enumerate() {
            if x < *w {
                return i;
            }
            x -= w;
        }
        weights.len().saturating_sub(1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_are_reproducible_and_distinct() {
        let a: Vec<u64> = (0..4).map(|_| 0).scan(Rng::new(7, 1, 3), |r, _: u64| Some(r.next_u64())).collect();
        let b: Vec<u64> = (0..4).map(|_| 0).scan(Rng::new(7, 1, 3), |r, _: u64| Some(r.next_u64())).collect();
        let c: Vec<u64> = (0..4).map(|_| 0).scan(Rng::new(7, 1, 4), |r, _: u64| Some(r.next_u64())).collect();
        assert_eq!(a, b);
        assert_ne!(a, c);
    }

    #[test]
    fn below_stays_in_range_and_normal_is_centred() {
        let mut r = Rng::new(1, 2, 3);
        let mut sum = 0.0;
        for _ in 0..20_000 {
            assert!(r.below(7) < 7);
            sum += r.normal();
        }
        assert!((sum / 20_000.0).abs() < 0.05);
    }
}
