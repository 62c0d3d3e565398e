//! A set of short terms in one allocation: sorted, joined, found by binary search.
//!
//! The confidence check keeps, for every FAQ entry and lesson, the sets of its syllables, folded terms
//! and bigrams, plus the vocabulary over all of them. As `HashSet<String>` each term cost its own heap
//! block and about fifty bytes of bookkeeping: 6.7 MiB of an idle server's 15 MiB heap (heaptrack).
//! Here a term costs its bytes plus four, and a look-up is a dozen short comparisons.

#[derive(Debug, Default, Clone)]
pub struct TermSet {
    /// Every term, in order, back to back.
    text: String,
    /// Where each term ends in `text`.
    ends: Vec<u32>,
}

impl TermSet {
    fn get(&self, i: usize) -> &str {
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        &self.text[start..self.ends[i] as usize]
    }

    /// The position of `term` in sorted order, if present.
    pub fn position(&self, term: &str) -> Option<usize> {
        let (mut lo, mut hi) = (0, self.ends.len());
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            match self.get(mid).cmp(term) {
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
                std::cmp::Ordering::Equal => return Some(mid),
            }
        }
        None
    }

    pub fn contains(&self, term: &str) -> bool {
        self.position(term).is_some()
    }

    /// The terms in sorted order.
    pub fn iter(&self) -> impl Iterator<Item = &str> {
        (0..self.ends.len()).map(|i| self.get(i))
    }
}

impl<'a> FromIterator<&'a str> for TermSet {
    fn from_iter<I: IntoIterator<Item = &'a str>>(iter: I) -> Self {
        let mut terms: Vec<&str> = iter.into_iter().collect();
        terms.sort_unstable();
        terms.dedup();
        let mut set = TermSet {
            text: String::with_capacity(terms.iter().map(|t| t.len()).sum()),
            ends: Vec::with_capacity(terms.len()),
        };
        for t in terms {
            set.text.push_str(t);
            // Documents are a few KB; a knowledge base past 4 GB of terms is not one this serves.
            set.ends
                .push(u32::try_from(set.text.len()).unwrap_or(u32::MAX));
        }
        set
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::BTreeSet;

    #[test]
    fn finds_what_it_holds_and_nothing_else() {
        let s: TermSet = ["matkhau", "vneid", "", "otp", "vneid", "ma"]
            .into_iter()
            .collect();
        assert_eq!(s.iter().count(), 5);
        for t in ["matkhau", "vneid", "", "otp", "ma"] {
            assert!(s.contains(t), "{t}");
        }
        for t in ["mat", "khau", "vne", "otpx", "m"] {
            assert!(!s.contains(t), "{t}");
        }
        assert_eq!(
            s.iter().collect::<Vec<_>>(),
            ["", "ma", "matkhau", "otp", "vneid"]
        );
        assert!(!TermSet::default().contains(""));
    }

    proptest! {
        #[test]
        fn agrees_with_a_btreeset(terms in proptest::collection::vec("[a-dđ]{0,4}", 0..40), probe in "[a-dđ]{0,4}") {
            let set: TermSet = terms.iter().map(String::as_str).collect();
            let reference: BTreeSet<&str> = terms.iter().map(String::as_str).collect();
            prop_assert_eq!(set.contains(&probe), reference.contains(probe.as_str()));
            prop_assert_eq!(set.iter().collect::<Vec<_>>(), reference.into_iter().collect::<Vec<_>>());
        }
    }
}
