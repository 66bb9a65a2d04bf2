//! Key bookkeeping while reading: duplicate detection and the id sets used to count orphan references.
//!
//! Ids are dense integers (IMDb numbers, MovieLens ids), so a bitset holds millions of them in a few MB:
//! memory stays flat whatever the number of rows.

use serde::Serialize;

/// Which kind of entity an id names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum KeySpace {
    ImdbTitle,
    ImdbPerson,
    MlMovie,
    MlUser,
    TmdbMovie,
}

/// A growable bitset of u32 ids.
#[derive(Debug, Clone, Default)]
pub struct IdSet {
    words: Vec<u64>,
    len: u64,
}

impl IdSet {
    /// Adds `id`; returns false when it was already there.
    #[inline]
    pub fn insert(&mut self, id: u32) -> bool {
        let (word, bit) = ((id >> 6) as usize, 1u64 << (id & 63));
        if word >= self.words.len() {
            self.words.resize((word + 1).next_power_of_two(), 0);
        }
        let fresh = self.words[word] & bit == 0;
        self.words[word] |= bit;
        self.len += u64::from(fresh);
        fresh
    }

    #[inline]
    pub fn contains(&self, id: u32) -> bool {
        self.words.get((id >> 6) as usize).is_some_and(|w| w & (1u64 << (id & 63)) != 0)
    }

    pub fn len(&self) -> u64 {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// How many ids of `self` are missing from `other`.
    pub fn count_missing_from(&self, other: &IdSet) -> u64 {
        self.words
            .iter()
            .enumerate()
            .map(|(i, w)| (w & !other.words.get(i).copied().unwrap_or(0)).count_ones() as u64)
            .sum()
    }
}

/// Duplicate detection for keys made of an id and an ordering (credits, akas). The dumps are grouped by
/// title, so only the current group's orderings are kept; a group seen again later is counted, not checked.
#[derive(Debug, Default)]
pub struct GroupedKeys {
    current: Option<u32>,
    orderings: Vec<i64>,
    closed: IdSet,
    pub regrouped_rows: u64,
}

impl GroupedKeys {
    /// Returns false when (group, ordering) was already seen in the current group.
    pub fn insert(&mut self, group: u32, ordering: i64) -> bool {
        if self.current != Some(group) {
            if let Some(previous) = self.current {
                self.closed.insert(previous);
            }
            self.current = Some(group);
            self.orderings.clear();
        }
        if self.closed.contains(group) {
            self.regrouped_rows += 1;
        }
        if self.orderings.contains(&ordering) {
            return false;
        }
        self.orderings.push(ordering);
        true
    }
}

/// The ids a file defines and references, for orphan counts across tables.
#[derive(Debug, Default)]
pub struct KeyReport {
    pub defines: Option<(KeySpace, IdSet)>,
    pub references: Vec<Reference>,
}

/// Distinct ids of `space` referenced by `field`.
#[derive(Debug)]
pub struct Reference {
    pub field: &'static str,
    pub space: KeySpace,
    pub ids: IdSet,
}

impl Reference {
    pub fn new(field: &'static str, space: KeySpace) -> Self {
        Self { field, space, ids: IdSet::default() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_sets_count_distinct_ids_and_missing_ones() {
        let mut a = IdSet::default();
        assert!(a.insert(5));
        assert!(!a.insert(5));
        assert!(a.insert(1_000_000));
        let mut b = IdSet::default();
        b.insert(5);
        assert_eq!(a.len(), 2);
        assert_eq!(a.count_missing_from(&b), 1);
        assert_eq!(b.count_missing_from(&a), 0);
        assert!(a.contains(1_000_000) && !a.contains(999_999));
    }

    #[test]
    fn grouped_keys_find_duplicates_within_a_group() {
        let mut k = GroupedKeys::default();
        assert!(k.insert(1, 1));
        assert!(k.insert(1, 2));
        assert!(!k.insert(1, 2));
        assert!(k.insert(2, 1));
        assert!(k.insert(1, 3));
        assert_eq!(k.regrouped_rows, 1);
    }
}
