//! Stable sorting with one copy of the sorting code for the whole app.
//!
//! `slice::sort_by` is generic over the element and the comparison, so each call site gets its
//! own copy of the standard library's sort (quicksort, merges, small-sorts: several KB of wasm
//! each): the desk's first download carried 136 KB of them. [`SortDyn`] sorts the positions
//! (`u32`) with the comparison behind `&dyn Fn`, always the same instantiation, then moves the
//! elements into that order in place. Same result as `sort_by` (stable); the cost is an indirect
//! call per comparison, nothing next to the comparisons themselves.

use std::cmp::Ordering;

pub trait SortDyn<T> {
    /// Like `sort_by`: stable.
    fn sort_dyn_by(&mut self, compare: impl Fn(&T, &T) -> Ordering);

    /// Like `sort_by_key`: stable.
    fn sort_dyn_by_key<K: Ord>(&mut self, key: impl Fn(&T) -> K) {
        self.sort_dyn_by(|a, b| key(a).cmp(&key(b)));
    }
}

impl<T> SortDyn<T> for [T] {
    fn sort_dyn_by(&mut self, compare: impl Fn(&T, &T) -> Ordering) {
        let len = u32::try_from(self.len()).expect("fewer than 2^32 items");
        let mut order: Vec<u32> = (0..len).collect();
        sort_positions(&mut order, &|a, b| compare(&self[a as usize], &self[b as usize]));
        permute(self, order);
    }
}

#[inline(never)]
fn sort_positions(order: &mut [u32], compare: &dyn Fn(u32, u32) -> Ordering) {
    order.sort_by(|a, b| compare(*a, *b));
}

/// Puts `items[order[i]]` at `i` for every `i`, following each cycle of the permutation.
fn permute<T>(items: &mut [T], mut order: Vec<u32>) {
    const DONE: u32 = u32::MAX;
    for start in 0..items.len() {
        if order[start] == DONE {
            continue;
        }
        let mut at = start;
        loop {
            let from = order[at] as usize;
            order[at] = DONE;
            if from == start {
                break;
            }
            items.swap(at, from);
            at = from;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn owned_values_move_without_copies_or_losses() {
        let mut names: Vec<String> = ["pia", "ana", "zoe", "ana", "leo"].map(String::from).to_vec();
        names.sort_dyn_by(|a, b| a.cmp(b));
        assert_eq!(names, ["ana", "ana", "leo", "pia", "zoe"]);
        let mut empty: Vec<String> = Vec::new();
        empty.sort_dyn_by(|a, b| a.cmp(b));
        assert!(empty.is_empty());
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod properties {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn it_sorts_as_the_standard_stable_sort_does(items in proptest::collection::vec((0u8..6, any::<u16>()), 0..200)) {
            let mut ours = items.clone();
            ours.sort_dyn_by(|a, b| a.0.cmp(&b.0));
            let mut std = items.clone();
            std.sort_by_key(|p| p.0);
            prop_assert_eq!(&ours, &std);
            let mut by_key = items;
            by_key.sort_dyn_by_key(|p| std::cmp::Reverse(p.0));
            std.sort_by_key(|p| std::cmp::Reverse(p.0));
            prop_assert_eq!(by_key, std);
        }
    }
}
