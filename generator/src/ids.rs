//! IMDb-style identifiers (`tt`/`nm` + at least seven zero-padded digits) and the lexicographic order the official dumps are sorted in.

/// Seven-digit numbers are handed out with a gap every 37 numbers (like the holes deleted
/// entries leave in the real dumps); once they run out, eight-digit numbers follow densely.
const BLOCK: u64 = 37;
const USED_PER_BLOCK: u64 = 36;
const MAX_7: u64 = 9_999_999;
const FIRST_8: u64 = 10_000_000;

/// Bijection between entity indices `0..n` and id numbers.
#[derive(Clone, Debug)]
pub(crate) struct IdSpace {
    n: u64,
    n7: u64,
}

/// How many indices fit below ten million with the gap pattern.
fn seven_digit_capacity() -> u64 {
    let full_blocks = MAX_7 / BLOCK;
    let rest = MAX_7 - full_blocks * BLOCK;
    full_blocks * USED_PER_BLOCK + rest.min(USED_PER_BLOCK)
}

impl IdSpace {
    pub fn new(n: u64) -> Self {
        IdSpace { n, n7: n.min(seven_digit_capacity()) }
    }

    pub fn number(&self, index: u64) -> u64 {
        if index < self.n7 {
            (index / USED_PER_BLOCK) * BLOCK + index % USED_PER_BLOCK + 1
        } else {
            FIRST_8 + (index - self.n7)
        }
    }

    /// Inverse of [`IdSpace::number`]; `None` for numbers no entity holds.
    pub fn index_of(&self, number: u64) -> Option<u64> {
        if number == 0 {
            return None;
        }
        if number < FIRST_8 {
            let q = number - 1;
            let (block, r) = (q / BLOCK, q % BLOCK);
            if r >= USED_PER_BLOCK {
                return None;
            }
            let index = block * USED_PER_BLOCK + r;
            (index < self.n7).then_some(index)
        } else {
            let index = self.n7 + (number - FIRST_8);
            (index < self.n && self.n7 == seven_digit_capacity()).then_some(index)
        }
    }

    /// Appends `prefix` and the zero-padded number, e.g. `tt0000042`.
    pub fn write(&self, prefix: &[u8], index: u64, out: &mut Vec<u8>) {
        out.extend_from_slice(prefix);
        push_padded(out, self.number(index), 7);
    }

    /// Indices in the order their ids sort as strings (the order of the official files):
    /// `tt1000000 < tt10000000 < … < tt10000009 < tt1000001`.
    pub fn file_order(&self) -> FileOrder {
        self.file_order_from(1)
    }

    /// [`IdSpace::file_order`] starting at the ids whose first seven digits are `first_prefix`.
    pub fn file_order_from(&self, first_prefix: u64) -> FileOrder {
        let n8 = self.n - self.n7;
        let last7 = if self.n7 == 0 { 0 } else { self.number(self.n7 - 1) };
        let last8_prefix = if n8 == 0 { 0 } else { (FIRST_8 + n8 - 1) / 10 };
        FileOrder {
            space: self.clone(),
            prefix: first_prefix.max(1),
            last_prefix: last7.max(last8_prefix),
            child: None,
        }
    }
}

/// Iterator behind [`IdSpace::file_order`].
pub(crate) struct FileOrder {
    space: IdSpace,
    prefix: u64,
    last_prefix: u64,
    /// Next eight-digit child of the current prefix to consider.
    child: Option<u64>,
}

impl Iterator for FileOrder {
    type Item = u64;

    fn next(&mut self) -> Option<u64> {
        // Fast path: with only seven-digit ids, numeric and string orders agree.
        if self.space.n7 == self.space.n {
            while self.prefix <= self.last_prefix {
                let p = self.prefix;
                self.prefix += 1;
                if let Some(i) = self.space.index_of(p) {
                    return Some(i);
                }
            }
            return None;
        }
        loop {
            if let Some(c) = self.child {
                let end = (self.prefix - 1) * 10 + 10;
                let mut c = c;
                while c < end {
                    let here = c;
                    c += 1;
                    if here >= FIRST_8
                        && let Some(i) = self.space.index_of(here)
                    {
                        self.child = Some(c);
                        return Some(i);
                    }
                }
                self.child = None;
            }
            if self.prefix > self.last_prefix {
                return None;
            }
            let p = self.prefix;
            self.prefix += 1;
            self.child = Some(p * 10);
            if let Some(i) = self.space.index_of(p) {
                return Some(i);
            }
        }
    }
}

/// Appends `value` in decimal, left-padded with zeros to `width` digits.
pub(crate) fn push_padded(out: &mut Vec<u8>, value: u64, width: usize) {
    let mut digits = [0u8; 20];
    let mut n = value;
    let mut len = 0;
    loop {
        digits[len] = b'0' + (n % 10) as u8;
        len += 1;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    for _ in len..width {
        out.push(b'0');
    }
    for k in (0..len).rev() {
        out.push(digits[k]);
    }
}

/// Appends a decimal integer without allocating.
pub(crate) fn push_int(out: &mut Vec<u8>, value: i64) {
    if value < 0 {
        out.push(b'-');
    }
    push_padded(out, value.unsigned_abs(), 1);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id_string(space: &IdSpace, i: u64) -> String {
        let mut v = Vec::new();
        space.write(b"tt", i, &mut v);
        String::from_utf8(v).unwrap_or_default()
    }

    #[test]
    fn small_spaces_use_seven_digits_with_gaps() {
        let s = IdSpace::new(100);
        assert_eq!(id_string(&s, 0), "tt0000001");
        assert_eq!(id_string(&s, 35), "tt0000036");
        assert_eq!(id_string(&s, 36), "tt0000038");
        for i in 0..100 {
            assert_eq!(s.index_of(s.number(i)), Some(i));
        }
        assert_eq!(s.index_of(37), None);
        let order: Vec<u64> = s.file_order().collect();
        assert_eq!(order, (0..100).collect::<Vec<_>>());
    }

    #[test]
    fn file_order_is_string_order_once_ids_reach_eight_digits() {
        let cap = seven_digit_capacity();
        let s = IdSpace::new(cap + 25);
        assert_eq!(id_string(&s, cap), "tt10000000");
        assert_eq!(s.index_of(10_000_000), Some(cap));
        // Around the first eight-digit ids: tt0999999 < tt1000000 < tt10000000..09 < tt1000001 ...
        let window: Vec<String> = s.file_order_from(999_990).take(60).map(|i| id_string(&s, i)).collect();
        let mut sorted = window.clone();
        sorted.sort();
        assert_eq!(window, sorted);
        let eight: Vec<&String> = window.iter().filter(|x| x.len() == 10).collect();
        assert_eq!(eight.len(), 25);
        let tail: Vec<u64> = s.file_order_from(9_999_990).collect();
        assert_eq!(tail.last().copied(), Some(cap - 1));
    }

    #[test]
    fn padding_and_ints() {
        let mut v = Vec::new();
        push_padded(&mut v, 42, 7);
        v.push(b' ');
        push_int(&mut v, -17);
        v.push(b' ');
        push_padded(&mut v, 12_345_678, 7);
        assert_eq!(v, b"0000042 -17 12345678");
    }
}
