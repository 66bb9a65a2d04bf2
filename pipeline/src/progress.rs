//! The one way long pipeline work reports progress: named stages, and units done out of a total. The jobs turn
//! it into bars on a terminal or log lines; tests and benchmarks pass [`Silent`].

/// Where a long computation says how far it is.
pub trait Progress: Sync {
    /// A named step starts.
    fn stage(&self, name: &str);
    /// `done` units (fits, films…) of `total` are finished.
    fn advanced(&self, done: usize, total: usize);
}

/// Says nothing (tests, benchmarks, library use).
pub struct Silent;

impl Progress for Silent {
    fn stage(&self, _: &str) {}
    fn advanced(&self, _: usize, _: usize) {}
}
