//! Year-block layouts: entity index ↔ (year, kind, rank within that year and kind) in O(1), which lets titles and people be generated independently yet reference each other.

use super::rng::{Rng, stream};

/// First and last years of the generated world (early cinema to announced productions).
pub(crate) const FIRST_YEAR: i32 = 1874;
pub(crate) const LAST_YEAR: i32 = 2031;
/// Latest year with complete data; later years only hold announced titles.
pub(crate) const NOW_YEAR: i32 = 2025;
pub(crate) const NYEARS: usize = (LAST_YEAR - FIRST_YEAR + 1) as usize;

pub(crate) fn year_of(year_idx: usize) -> i32 {
    FIRST_YEAR + year_idx as i32
}

/// Bijection x ↦ (a·x + b) mod n, used to interleave kinds inside a year block and to spread
/// credit slots over people, with an O(1) inverse so either side can find the other.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Affine {
    pub n: u64,
    a: u64,
    a_inv: u64,
    b: u64,
}

fn gcd(mut a: u64, mut b: u64) -> u64 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

fn mod_inverse(a: u64, n: u64) -> u64 {
    // Extended Euclid on i128 to stay clear of overflow.
    let (mut t, mut new_t) = (0i128, 1i128);
    let (mut r, mut new_r) = (n as i128, a as i128);
    while new_r != 0 {
        let q = r / new_r;
        (t, new_t) = (new_t, t - q * new_t);
        (r, new_r) = (new_r, r - q * new_r);
    }
    if t < 0 {
        t += n as i128;
    }
    t as u64
}

impl Affine {
    pub fn new(n: u64, rng: &mut Rng) -> Self {
        if n <= 1 {
            return Affine { n, a: 1, a_inv: 1, b: 0 };
        }
        // A multiplier near n·φ spreads consecutive inputs well; nudge it until coprime.
        let mut a = ((n as f64 * 0.618_033_988_7) as u64 + rng.below(n / 7 + 1)) % n;
        a = a.max(1);
        while gcd(a, n) != 1 {
            a = a % (n - 1) + 1;
        }
        let a_inv = mod_inverse(a, n);
        Affine { n, a, a_inv, b: rng.below(n) }
    }

    /// (x·m) mod n, in 64-bit arithmetic whenever the product fits (u128 division is slow).
    #[inline]
    fn mul_mod(&self, x: u64, m: u64) -> u64 {
        if self.n <= u32::MAX as u64 { x * m % self.n } else { (x as u128 * m as u128 % self.n as u128) as u64 }
    }

    #[inline]
    pub fn forward(&self, x: u64) -> u64 {
        if self.n <= 1 {
            return 0;
        }
        (self.mul_mod(x % self.n, self.a) + self.b) % self.n
    }

    #[inline]
    pub fn backward(&self, y: u64) -> u64 {
        if self.n <= 1 {
            return 0;
        }
        self.mul_mod((y % self.n + self.n - self.b) % self.n, self.a_inv)
    }
}

/// Entities grouped in year blocks (index order = year order); inside a block the kinds are
/// interleaved by an affine permutation so ids of different kinds mix like in the real dumps.
#[derive(Clone, Debug)]
pub(crate) struct BlockLayout {
    nkinds: usize,
    /// counts[year * nkinds + kind]
    counts: Vec<u64>,
    /// kind_start[year * (nkinds + 1) + kind]: first rank of `kind` inside the year block.
    kind_start: Vec<u64>,
    /// year_start[year]: first index of the year block; len NYEARS + 1.
    year_start: Vec<u64>,
    perms: Vec<Affine>,
}

impl BlockLayout {
    pub fn new(nkinds: usize, counts: Vec<u64>, seed: u64, salt: u64) -> Self {
        debug_assert_eq!(counts.len(), NYEARS * nkinds);
        let mut kind_start = Vec::with_capacity(NYEARS * (nkinds + 1));
        let mut year_start = Vec::with_capacity(NYEARS + 1);
        let mut perms = Vec::with_capacity(NYEARS);
        let mut total = 0u64;
        for y in 0..NYEARS {
            year_start.push(total);
            let mut acc = 0u64;
            for k in 0..nkinds {
                kind_start.push(acc);
                acc += counts[y * nkinds + k];
            }
            kind_start.push(acc);
            let mut rng = Rng::new(seed, stream::LAYOUT, salt * 1_000 + y as u64);
            perms.push(Affine::new(acc, &mut rng));
            total += acc;
        }
        year_start.push(total);
        BlockLayout { nkinds, counts, kind_start, year_start, perms }
    }

    pub fn total(&self) -> u64 {
        self.year_start[NYEARS]
    }

    /// Indices of the year block: [start, end).
    pub fn year_range(&self, year_idx: usize) -> (u64, u64) {
        (self.year_start[year_idx], self.year_start[year_idx + 1])
    }

    pub fn count(&self, year_idx: usize, kind: usize) -> u64 {
        self.counts[year_idx * self.nkinds + kind]
    }

    pub fn kind_total(&self, kind: usize) -> u64 {
        (0..NYEARS).map(|y| self.count(y, kind)).sum()
    }

    /// (year index, kind, rank within that year and kind).
    pub fn locate(&self, index: u64) -> (usize, usize, u64) {
        // partition_point: first year whose start exceeds index, minus one.
        let y = self.year_start.partition_point(|&s| s <= index) - 1;
        let q = index - self.year_start[y];
        let p = self.perms[y].forward(q);
        let ks = &self.kind_start[y * (self.nkinds + 1)..(y + 1) * (self.nkinds + 1)];
        let k = ks.partition_point(|&s| s <= p) - 1;
        // Empty kinds share their start with the next one; partition_point picks the last.
        (y, k, p - ks[k])
    }

    pub fn index_of(&self, year_idx: usize, kind: usize, rank: u64) -> u64 {
        let p = self.kind_start[year_idx * (self.nkinds + 1) + kind] + rank;
        self.year_start[year_idx] + self.perms[year_idx].backward(p)
    }
}

/// Splits `total` over `weights` with largest-remainder rounding, so sums are exact.
pub(crate) fn apportion(total: u64, weights: &[f64]) -> Vec<u64> {
    let sum: f64 = weights.iter().sum();
    if sum <= 0.0 || total == 0 {
        return vec![0; weights.len()];
    }
    let exact: Vec<f64> = weights.iter().map(|w| w / sum * total as f64).collect();
    let mut out: Vec<u64> = exact.iter().map(|x| x.floor() as u64).collect();
    let assigned: u64 = out.iter().sum();
    let mut order: Vec<usize> = (0..weights.len()).collect();
    order.sort_by(|&a, &b| {
        let fa = exact[a] - exact[a].floor();
        let fb = exact[b] - exact[b].floor();
        fb.total_cmp(&fa).then(a.cmp(&b))
    });
    for &i in order.iter().take(total.saturating_sub(assigned) as usize) {
        out[i] += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn affine_round_trips() {
        let mut rng = Rng::new(1, 2, 3);
        for n in [1u64, 2, 3, 10, 97, 1000, 123_456] {
            let f = Affine::new(n, &mut rng);
            for x in (0..n).step_by((n as usize / 50).max(1)) {
                assert_eq!(f.backward(f.forward(x)), x, "n={n}");
            }
        }
    }

    #[test]
    fn layout_locate_inverts_index_of() {
        let mut counts = vec![0u64; NYEARS * 3];
        for y in 0..NYEARS {
            counts[y * 3] = (y % 5) as u64;
            counts[y * 3 + 2] = (y % 3) as u64 * 2;
        }
        let l = BlockLayout::new(3, counts, 9, 1);
        for i in 0..l.total() {
            let (y, k, r) = l.locate(i);
            assert!(r < l.count(y, k));
            assert_eq!(l.index_of(y, k, r), i);
        }
    }

    #[test]
    fn apportion_is_exact() {
        let v = apportion(10, &[1.0, 1.0, 1.0]);
        assert_eq!(v.iter().sum::<u64>(), 10);
        assert_eq!(apportion(0, &[1.0]), vec![0]);
    }
}
