//! Deliberately malformed rows (off by default) so ingest tests can check that exactly those rows are quarantined.

use super::rng::{key, stream, unit};

/// How the rows of one file can be broken.
pub(crate) struct FaultProfile {
    /// Stable tag so each file gets its own decisions.
    pub tag: u64,
    /// Leading fields that form the row key (for duplicate-key faults).
    pub key_fields: usize,
    /// Whether repeating the previous key makes the row invalid for this file.
    pub duplicate_is_fault: bool,
    /// Field holding an id, and the malformed prefix to put there (`tx12`).
    pub id_field: usize,
    pub bad_id: &'static str,
    /// Field where invalid UTF-8 bytes can go (None for latin-1 or numeric files).
    pub text_field: Option<usize>,
    /// Out-of-range values: (field, candidates).
    pub values: &'static [(usize, &'static [&'static str])],
}

macro_rules! profile {
    ($tag:expr, $key:expr, $dup:expr, $id:expr, $bad:expr, $text:expr, $values:expr) => {
        FaultProfile {
            tag: $tag,
            key_fields: $key,
            duplicate_is_fault: $dup,
            id_field: $id,
            bad_id: $bad,
            text_field: $text,
            values: $values,
        }
    };
}

pub(crate) const TITLE_BASICS: FaultProfile =
    profile!(1, 1, true, 0, "tx", Some(2), &[(5, &["1700", "2999"]), (7, &["1h30", "90min"])]);
pub(crate) const TITLE_RATINGS: FaultProfile =
    profile!(2, 1, true, 0, "tx", None, &[(1, &["11.3", "10.7"]), (2, &["-5", "-132"])]);
pub(crate) const TITLE_PRINCIPALS: FaultProfile =
    profile!(3, 2, true, 0, "tx", Some(5), &[(2, &["nx12", "nm"]), (1, &["0"])]);
pub(crate) const TITLE_CREW: FaultProfile = profile!(4, 1, true, 0, "tx", None, &[(1, &["nm12x", "director"])]);
pub(crate) const TITLE_AKAS: FaultProfile = profile!(5, 2, true, 0, "tx", Some(2), &[(7, &["2", "yes"])]);
pub(crate) const TITLE_EPISODE: FaultProfile =
    profile!(6, 1, true, 0, "tx", None, &[(2, &["-1", "zero"]), (1, &["tx99"])]);
pub(crate) const NAME_BASICS: FaultProfile = profile!(7, 1, true, 0, "nx", Some(1), &[(2, &["2999"]), (3, &["3000"])]);
pub(crate) const U_DATA: FaultProfile = profile!(11, 2, true, 0, "u", None, &[(2, &["0", "7"]), (3, &["-1"])]);
pub(crate) const U_ITEM: FaultProfile =
    profile!(12, 1, true, 0, "i", None, &[(2, &["32-Foo-1995", "1995-01-01"]), (5, &["2"])]);
pub(crate) const U_USER: FaultProfile = profile!(13, 1, true, 0, "u", None, &[(1, &["-3", "250"]), (2, &["X"])]);
pub(crate) const ML_RATINGS: FaultProfile = profile!(21, 2, true, 0, "x", None, &[(2, &["7.5", "0.0"])]);
pub(crate) const ML_MOVIES: FaultProfile = profile!(22, 1, true, 0, "m", Some(1), &[]);
pub(crate) const ML_TAGS: FaultProfile = profile!(23, 2, false, 0, "x", Some(2), &[(3, &["yesterday"])]);
pub(crate) const ML_LINKS: FaultProfile = profile!(24, 1, true, 0, "m", None, &[(1, &["12ab"]), (2, &["-5"])]);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Fault {
    FieldCount,
    BadId,
    BadUtf8,
    DuplicateKey,
    Value(usize),
}

/// Decides which rows of a file to break and breaks them.
pub(crate) struct Corrupter {
    share: f64,
    seed: u64,
    profile: &'static FaultProfile,
    row: u64,
    /// Key of the previous row if it was clean (a duplicate of a broken key proves nothing).
    prev_key: Option<Vec<Vec<u8>>>,
}

impl Corrupter {
    pub fn new(share: f64, seed: u64, profile: &'static FaultProfile) -> Self {
        Corrupter { share, seed, profile, row: 0, prev_key: None }
    }

    pub fn enabled(&self) -> bool {
        self.share > 0.0
    }

    /// Decision for the next data row.
    pub fn next_row(&mut self) -> Option<Fault> {
        if self.share <= 0.0 {
            return None;
        }
        let h = key(self.seed, stream::CORRUPT + 1000 * self.profile.tag, self.row);
        self.row += 1;
        if unit(h) >= self.share {
            return None;
        }
        let mut options: Vec<Fault> = vec![Fault::FieldCount, Fault::BadId];
        if self.profile.duplicate_is_fault && self.prev_key.is_some() {
            options.push(Fault::DuplicateKey);
        }
        if self.profile.text_field.is_some() {
            options.push(Fault::BadUtf8);
        }
        for i in 0..self.profile.values.len() {
            options.push(Fault::Value(i));
        }
        let pick = (h.rotate_left(17) % options.len() as u64) as usize;
        Some(options[pick])
    }

    /// Remembers the key of a clean row.
    pub fn clean_fields<'f>(&mut self, fields: impl Iterator<Item = &'f [u8]>) {
        if !self.enabled() {
            return;
        }
        let k = self.profile.key_fields;
        let key: Vec<Vec<u8>> = fields.take(k).map(|f| f.to_vec()).collect();
        self.prev_key = Some(key);
    }

    /// Breaks a row given as fields; returns the broken fields.
    pub fn corrupt(&mut self, fault: Fault, fields: &[&[u8]]) -> Vec<Vec<u8>> {
        let mut out: Vec<Vec<u8>> = fields.iter().map(|f| f.to_vec()).collect();
        let salt = self.row;
        match fault {
            Fault::FieldCount => {
                if salt.is_multiple_of(2) && out.len() > 1 {
                    out.pop();
                } else {
                    out.push(b"extra".to_vec());
                }
            }
            Fault::BadId => {
                let mut id = self.profile.bad_id.as_bytes().to_vec();
                id.extend_from_slice((salt % 97).to_string().as_bytes());
                out[self.profile.id_field] = id;
            }
            Fault::BadUtf8 => {
                let i = self.profile.text_field.unwrap_or(0);
                let f = &mut out[i];
                if f.len() < 2 || f.as_slice() == b"\\N" {
                    *f = vec![b'x', 0xFF, 0xFE];
                } else {
                    f.insert(1, 0xFF);
                }
            }
            Fault::DuplicateKey => {
                if let Some(prev) = &self.prev_key {
                    for (i, k) in prev.iter().enumerate() {
                        if i < out.len() {
                            out[i] = k.clone();
                        }
                    }
                }
            }
            Fault::Value(i) => {
                let (field, candidates) = self.profile.values[i];
                let v = candidates[(salt % candidates.len() as u64) as usize];
                if field < out.len() {
                    out[field] = v.as_bytes().to_vec();
                }
            }
        }
        // A broken row is never the "previous clean key" for the next duplicate.
        self.prev_key = None;
        out
    }

    /// Delimited-text convenience: `line` without terminator; the broken line goes to `out`.
    pub fn corrupt_line(&mut self, fault: Fault, line: &[u8], delim: u8, out: &mut Vec<u8>) {
        let fields: Vec<&[u8]> = line.split(|&b| b == delim).collect();
        let broken = self.corrupt(fault, &fields);
        out.clear();
        for (i, f) in broken.iter().enumerate() {
            if i > 0 {
                out.push(delim);
            }
            out.extend_from_slice(f);
        }
    }

    pub fn clean_line(&mut self, line: &[u8], delim: u8) {
        if self.enabled() {
            self.clean_fields(line.split(|&b| b == delim));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn share_zero_breaks_nothing_and_share_one_breaks_everything() {
        let mut c = Corrupter::new(0.0, 1, &TITLE_BASICS);
        assert!((0..1000).all(|_| c.next_row().is_none()));
        let mut c = Corrupter::new(1.0, 1, &TITLE_BASICS);
        assert!((0..1000).all(|_| c.next_row().is_some()));
    }

    #[test]
    fn broken_lines_differ_from_clean_ones() {
        let line = b"tt0000001\tmovie\tTitle\tTitle\t0\t1999\t\\N\t90\tDrama";
        let mut c = Corrupter::new(1.0, 3, &TITLE_BASICS);
        c.clean_line(b"tt0000000\tmovie\tA\tA\t0\t1999\t\\N\t90\tDrama", b'\t');
        for fault in [Fault::FieldCount, Fault::BadId, Fault::BadUtf8, Fault::DuplicateKey, Fault::Value(0)] {
            let mut out = Vec::new();
            c.clean_line(b"tt0000000\tmovie\tA\tA\t0\t1999\t\\N\t90\tDrama", b'\t');
            c.corrupt_line(fault, line, b'\t', &mut out);
            assert_ne!(out.as_slice(), &line[..], "{fault:?}");
        }
    }
}
