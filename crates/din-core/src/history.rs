//! Undo and redo, bounded by memory.
//!
//! The page keeps the state it shows and calls [`History::commit`] when a
//! gesture ends (a slider released, a drag dropped, a field left), so the
//! many intermediate states of one gesture make one undo step. [`History`]
//! remembers the last committed state; an undo or redo that arrives while
//! an edit is still uncommitted first commits it, so nothing is lost.
//!
//! A step is not a copy of the state but a *patch*: what differs between
//! two committed states ([`Undoable`]). For a scene that is the candidate
//! `q` and the settings, plus only the LastN rows that changed, so an edit
//! of `q` in a 10,000-item LastN with d = 256 costs about 2 KB of history
//! instead of a 20 MB copy. The history is bounded by the bytes its
//! patches hold, not by a number of steps: when a commit takes it over its
//! budget, the oldest undo steps are dropped (then, if one step alone is
//! larger than the budget, the farthest redo steps), and
//! [`History::take_dropped`] says how many, so the page can tell the user.
//!
//! ```
//! use din_core::history::History;
//! let mut h = History::new(0, 1 << 20);
//! // A slider moves 0 -> 1 -> 2 -> 3, then is released: one step.
//! h.commit(&3);
//! assert_eq!(h.undo(&3), Some(0));
//! assert_eq!(h.redo(&0), Some(3));
//! assert!(!h.can_redo());
//! ```

use std::collections::VecDeque;

/// A state that [`History`] can step through by patches.
///
/// `diff(old, new)` is a patch that turns `old` into `new` (`None` when
/// they are equal: one pass finds both); `apply` puts a
/// patch into a state and returns the patch that undoes it (what it
/// replaced), so a step is turned around in place, without a copy of the
/// whole state. `patch_bytes` is the memory a patch holds, inline and on
/// the heap, which the history's budget counts.
pub trait Undoable: Clone + PartialEq {
    /// The difference between two states.
    type Patch;
    /// The patch that turns `old` into `new`, or `None` when they are equal.
    fn diff(old: &Self, new: &Self) -> Option<Self::Patch>;
    /// Applies `patch` in place; returns the patch that turns the result back.
    fn apply(&mut self, patch: Self::Patch) -> Self::Patch;
    /// Bytes held by `patch` (inline and heap).
    fn patch_bytes(patch: &Self::Patch) -> usize;
}

/// Small values are their own patch: the whole other value.
macro_rules! whole_value_undoable {
    ($($t:ty),*) => {$(
        impl Undoable for $t {
            type Patch = $t;
            fn diff(old: &Self, new: &Self) -> Option<Self::Patch> {
                (old != new).then(|| new.clone())
            }
            fn apply(&mut self, patch: Self::Patch) -> Self::Patch {
                std::mem::replace(self, patch)
            }
            fn patch_bytes(_patch: &Self::Patch) -> usize {
                std::mem::size_of::<$t>()
            }
        }
    )*};
}
whole_value_undoable!(i32, i64, u32, u64, usize, f64, char, bool, &'static str);

impl Undoable for String {
    type Patch = String;
    fn diff(old: &Self, new: &Self) -> Option<Self::Patch> {
        (old != new).then(|| new.clone())
    }
    fn apply(&mut self, patch: Self::Patch) -> Self::Patch {
        std::mem::replace(self, patch)
    }
    fn patch_bytes(patch: &Self::Patch) -> usize {
        std::mem::size_of::<String>() + patch.capacity()
    }
}

/// One undo or redo step and the bytes it holds.
#[derive(Clone, Debug)]
struct Step<P> {
    patch: P,
    bytes: usize,
}

/// Undo and redo stacks of patches between committed states, holding at
/// most `budget` bytes of patches.
#[derive(Clone, Debug)]
pub struct History<T: Undoable> {
    /// The last committed state: what undo steps away from.
    committed: T,
    /// Patches back to earlier committed states, oldest first.
    undo: VecDeque<Step<T::Patch>>,
    /// Patches forward to undone states, the next redo last.
    redo: Vec<Step<T::Patch>>,
    /// Largest number of bytes the patches of both stacks may hold.
    budget: usize,
    /// Bytes the patches of both stacks hold now.
    bytes: usize,
    /// Steps dropped to keep within the budget since the last [`History::take_dropped`].
    dropped: usize,
}

impl<T: Undoable> History<T> {
    /// A history whose committed state is `initial`, keeping at most
    /// `budget` bytes of undo and redo patches (the oldest steps are dropped
    /// first; `budget = 0` keeps none).
    #[must_use]
    pub fn new(initial: T, budget: usize) -> Self {
        History { committed: initial, undo: VecDeque::new(), redo: Vec::new(), budget, bytes: 0, dropped: 0 }
    }

    /// A gesture ended with `current` on screen. If it differs from the last
    /// committed state, the difference becomes an undo step, `current` the
    /// committed state, and the redo stack is cleared (a new edit forks
    /// history). Committing an unchanged state does nothing.
    ///
    /// ```
    /// use din_core::history::History;
    /// let mut h = History::new("a", 1024);
    /// h.commit(&"a");
    /// assert!(!h.can_undo());
    /// h.commit(&"b");
    /// assert!(h.can_undo());
    /// ```
    pub fn commit(&mut self, current: &T) {
        let Some(forward) = T::diff(&self.committed, current) else { return };
        let back = self.committed.apply(forward);
        self.redo.clear();
        self.bytes = self.undo.iter().map(|s| s.bytes).sum();
        self.push_undo(back);
    }

    /// Steps back. `current` is the state on screen; if it was edited since
    /// the last commit it is committed first (so redo brings it back).
    /// Returns the state to show, or `None` when there is nothing to undo.
    ///
    /// ```
    /// use din_core::history::History;
    /// let mut h = History::new(1, 1024);
    /// assert_eq!(h.undo(&1), None);
    /// // An edit to 2 that was never committed is still undone to 1.
    /// assert_eq!(h.undo(&2), Some(1));
    /// assert_eq!(h.redo(&1), Some(2));
    /// ```
    pub fn undo(&mut self, current: &T) -> Option<T> {
        self.commit(current);
        let step = self.undo.pop_back()?;
        self.bytes -= step.bytes;
        let forward = self.committed.apply(step.patch);
        let bytes = T::patch_bytes(&forward);
        self.bytes += bytes;
        self.redo.push(Step { patch: forward, bytes });
        self.trim();
        Some(self.committed.clone())
    }

    /// Steps forward again after [`History::undo`]. An uncommitted edit in
    /// `current` is a new edit: it is committed, which clears the redo
    /// stack, and `None` is returned.
    ///
    /// ```
    /// use din_core::history::History;
    /// let mut h = History::new('a', 1024);
    /// h.commit(&'b');
    /// assert_eq!(h.undo(&'b'), Some('a'));
    /// assert_eq!(h.redo(&'c'), None); // 'c' was edited after the undo
    /// assert_eq!(h.undo(&'c'), Some('a'));
    /// ```
    pub fn redo(&mut self, current: &T) -> Option<T> {
        self.commit(current);
        let step = self.redo.pop()?;
        self.bytes -= step.bytes;
        let back = self.committed.apply(step.patch);
        self.push_undo(back);
        Some(self.committed.clone())
    }

    fn push_undo(&mut self, back: T::Patch) {
        let bytes = T::patch_bytes(&back);
        self.bytes += bytes;
        self.undo.push_back(Step { patch: back, bytes });
        self.trim();
    }

    /// Whether [`History::undo`] would step back from the committed state.
    #[must_use]
    pub fn can_undo(&self) -> bool {
        !self.undo.is_empty()
    }

    /// Whether [`History::redo`] would step forward from the committed state.
    #[must_use]
    pub fn can_redo(&self) -> bool {
        !self.redo.is_empty()
    }

    /// Number of undo steps kept.
    #[must_use]
    pub fn undo_steps(&self) -> usize {
        self.undo.len()
    }

    /// Bytes the undo and redo patches hold now (at most the budget).
    #[must_use]
    pub fn bytes(&self) -> usize {
        self.bytes
    }

    /// The budget given to [`History::new`], in bytes.
    #[must_use]
    pub fn budget(&self) -> usize {
        self.budget
    }

    /// How many steps were dropped to keep within the budget since the
    /// last call (and starts counting again from 0).
    pub fn take_dropped(&mut self) -> usize {
        std::mem::take(&mut self.dropped)
    }

    /// The last committed state.
    #[must_use]
    pub fn committed(&self) -> &T {
        &self.committed
    }

    /// Forgets everything: `initial` is the committed state, with nothing to
    /// undo or redo (e.g. after another scene is loaded).
    pub fn reset(&mut self, initial: T) {
        self.committed = initial;
        self.undo.clear();
        self.redo.clear();
        self.bytes = 0;
    }

    /// Drops the oldest undo steps, then the farthest redo steps, until the
    /// patches fit the budget.
    fn trim(&mut self) {
        while self.bytes > self.budget {
            let step_bytes = match self.undo.pop_front() {
                Some(s) => s.bytes,
                None if self.redo.is_empty() => break,
                None => self.redo.remove(0).bytes,
            };
            self.bytes -= step_bytes;
            self.dropped += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ROOMY: usize = 1 << 20;

    #[test]
    fn slider_ticks_between_commits_are_one_step() {
        let mut h = History::new(0.0_f64, ROOMY);
        // Ticks 0.1 .. 0.9 are shown but not committed; release at 1.0.
        h.commit(&1.0);
        // A second gesture: 1.0 -> 2.0.
        h.commit(&2.0);
        assert_eq!(h.undo(&2.0), Some(1.0));
        assert_eq!(h.undo(&1.0), Some(0.0));
        assert_eq!(h.undo(&0.0), None);
        assert!(!h.can_undo());
        assert_eq!(h.redo(&0.0), Some(1.0));
        assert_eq!(h.redo(&1.0), Some(2.0));
        assert_eq!(h.redo(&2.0), None);
    }

    #[test]
    fn new_edit_clears_redo() {
        let mut h = History::new("a".to_owned(), ROOMY);
        h.commit(&"b".to_owned());
        h.commit(&"c".to_owned());
        assert_eq!(h.undo(&"c".to_owned()).as_deref(), Some("b"));
        assert!(h.can_redo());
        h.commit(&"d".to_owned());
        assert!(!h.can_redo());
        assert_eq!(h.redo(&"d".to_owned()), None);
        assert_eq!(h.undo(&"d".to_owned()).as_deref(), Some("b"));
        assert_eq!(h.undo(&"b".to_owned()).as_deref(), Some("a"));
    }

    #[test]
    fn uncommitted_edit_is_kept_by_undo() {
        let mut h = History::new(1, ROOMY);
        h.commit(&2);
        // 3 is on screen but the gesture never ended.
        assert_eq!(h.undo(&3), Some(2));
        assert_eq!(h.redo(&2), Some(3));
        assert_eq!(*h.committed(), 3);
    }

    #[test]
    fn the_budget_drops_the_oldest_and_says_how_many() {
        // Each i32 step holds 4 bytes: a budget of 12 keeps three steps.
        let mut h = History::new(0, 12);
        for v in 1..=10 {
            h.commit(&v);
        }
        assert_eq!(h.take_dropped(), 7);
        assert_eq!(h.take_dropped(), 0);
        assert_eq!(h.bytes(), 12);
        assert_eq!(h.undo_steps(), 3);
        assert_eq!(h.undo(&10), Some(9));
        assert_eq!(h.undo(&9), Some(8));
        assert_eq!(h.undo(&8), Some(7));
        assert_eq!(h.undo(&7), None);
        // Redo still reaches the newest.
        assert_eq!(h.redo(&7), Some(8));
        assert_eq!(h.redo(&8), Some(9));
        assert_eq!(h.redo(&9), Some(10));
        assert_eq!(h.take_dropped(), 0);
        let mut none = History::new(0, 0);
        none.commit(&1);
        assert!(!none.can_undo());
        assert_eq!(none.take_dropped(), 1);
        assert_eq!(none.undo(&1), None);
    }

    #[test]
    fn bytes_follow_the_patches() {
        let mut h = History::new(String::new(), ROOMY);
        h.commit(&"x".repeat(100));
        // The undo step holds the old (empty) string.
        assert_eq!(h.bytes(), std::mem::size_of::<String>());
        h.commit(&"y".repeat(10));
        assert_eq!(h.bytes(), 2 * std::mem::size_of::<String>() + 100);
        // Undo moves the 10-byte string into redo and the 100-byte one out of undo.
        assert_eq!(h.undo(&"y".repeat(10)), Some("x".repeat(100)));
        assert_eq!(h.bytes(), 2 * std::mem::size_of::<String>() + 10);
    }

    #[test]
    fn reset_forgets() {
        let mut h = History::new(0, ROOMY);
        h.commit(&1);
        h.commit(&2);
        let _ = h.undo(&2);
        h.reset(5);
        assert!(!h.can_undo() && !h.can_redo());
        assert_eq!(h.bytes(), 0);
        assert_eq!(*h.committed(), 5);
    }
}
