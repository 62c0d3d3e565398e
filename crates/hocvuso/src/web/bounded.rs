//! A least-recently-used map of at most `cap` entries that allocates as it fills. `lru::LruCache::new`
//! reserves room for every entry up front: the four empty caches of an idle server held 1 MiB that way
//! (heaptrack). Reads and removals are the inner cache's; `put` and `push` keep the bound.
use std::hash::Hash;
use std::ops::{Deref, DerefMut};

pub struct BoundedLru<K, V> {
    map: lru::LruCache<K, V>,
    cap: usize,
}

impl<K: Hash + Eq, V> BoundedLru<K, V> {
    pub(crate) fn new(cap: usize) -> Self {
        BoundedLru {
            map: lru::LruCache::unbounded(),
            cap: cap.max(1),
        }
    }

    /// Insert or replace; the old value of this key, if any. Past the bound the least recently used
    /// entry goes.
    pub(crate) fn put(&mut self, k: K, v: V) -> Option<V> {
        let old = self.map.put(k, v);
        if self.map.len() > self.cap {
            self.map.pop_lru();
        }
        old
    }

    /// Insert or replace; the entry that left, as `lru::LruCache::push` says: the replaced one for a
    /// known key, else the least recently used one when the map was full.
    pub(crate) fn push(&mut self, k: K, v: V) -> Option<(K, V)> {
        let replaced = self.map.push(k, v);
        if replaced.is_none() && self.map.len() > self.cap {
            return self.map.pop_lru();
        }
        replaced
    }
}

impl<K, V> Deref for BoundedLru<K, V> {
    type Target = lru::LruCache<K, V>;
    fn deref(&self) -> &Self::Target {
        &self.map
    }
}

impl<K, V> DerefMut for BoundedLru<K, V> {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.map
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn holds_at_most_its_bound_and_drops_the_least_recent() {
        let mut m = BoundedLru::new(2);
        assert_eq!(m.put("a", 1), None);
        m.put("b", 2);
        m.get(&"a");
        assert_eq!(m.put("c", 3), None);
        assert_eq!(m.len(), 2);
        assert!(m.peek(&"b").is_none(), "b was the least recently used");
        assert_eq!(m.push("a", 10), Some(("a", 1)), "a known key is replaced");
        assert_eq!(
            m.push("d", 4),
            Some(("c", 3)),
            "full: the least recent leaves"
        );
        assert_eq!(m.len(), 2);
    }
}
