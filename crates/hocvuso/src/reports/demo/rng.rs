//! Deterministic randomness for the demo province: the same seed gives the same province.

/// SplitMix64: fast, deterministic for a seed, no dependency.
pub(super) struct Rng(pub(super) u64);

impl Rng {
    pub(super) fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in [0, 1).
    pub(super) fn f(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    pub(super) fn below(&mut self, n: u64) -> u64 {
        if n == 0 { 0 } else { self.next() % n }
    }
    pub(super) fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + self.below((hi - lo).max(1) as u64) as i64
    }
    pub(super) fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
    /// Poisson-ish count with mean `m` (normal approximation for large means is not needed here).
    pub(super) fn poisson(&mut self, m: f64) -> u32 {
        let l = (-m).exp();
        let (mut k, mut p) = (0u32, 1.0);
        loop {
            p *= self.f();
            if p <= l || k > 1000 {
                return k;
            }
            k += 1;
        }
    }
}

/// Time-ordered v7 ids from a fixed millisecond and a counter: rows are inserted in key order.
pub(super) fn seq_uuid(ms: u64, n: u64) -> String {
    let mut b = [0u8; 10];
    b[2..].copy_from_slice(&n.to_be_bytes());
    uuid::Builder::from_unix_timestamp_millis(ms, &b)
        .into_uuid()
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_sort_like_their_counter() {
        let a = seq_uuid(1_700_000_000_000, 9);
        let b = seq_uuid(1_700_000_000_000, 10);
        let c = seq_uuid(1_700_000_000_000, 1 << 40);
        assert!(a < b && b < c, "{a} {b} {c}");
        assert_eq!(
            uuid::Uuid::parse_str(&a).map(|u| u.get_version_num()).ok(),
            Some(7)
        );
    }
}
