//! Undo and redo of whole states.
//!
//! The page keeps the state it shows and calls [`History::commit`] when a
//! gesture ends (a slider released, a drag dropped, a field left), so the
//! many intermediate states of one gesture make one undo step. [`History`]
//! remembers the last committed state; an undo or redo that arrives while
//! an edit is still uncommitted first commits it, so nothing is lost.
//!
//! Each entry is a whole copy of the state: choose `cap` with the size of
//! the state in mind (a 10,000-item LastN with d = 256 is about 20 MB).
//!
//! ```
//! use din_viz::history::History;
//! let mut h = History::new(0, 100);
//! // A slider moves 0 -> 1 -> 2 -> 3, then is released: one step.
//! h.commit(&3);
//! assert_eq!(h.undo(&3), Some(0));
//! assert_eq!(h.redo(&0), Some(3));
//! assert!(!h.can_redo());
//! ```

/// Undo and redo stacks of committed states.
#[derive(Clone, Debug)]
pub struct History<T: Clone + PartialEq> {
    /// The last committed state: what undo steps away from.
    committed: T,
    /// Earlier committed states, oldest first.
    undo: Vec<T>,
    /// Undone states, the next redo last.
    redo: Vec<T>,
    /// Largest number of undo steps kept.
    cap: usize,
}

impl<T: Clone + PartialEq> History<T> {
    /// A history whose committed state is `initial`, keeping at most `cap`
    /// undo steps (the oldest are dropped first; `cap = 0` keeps none).
    #[must_use]
    pub fn new(initial: T, cap: usize) -> Self {
        History { committed: initial, undo: Vec::new(), redo: Vec::new(), cap }
    }

    /// A gesture ended with `current` on screen. If it differs from the last
    /// committed state, that state becomes an undo step, `current` the
    /// committed one, and the redo stack is cleared (a new edit forks
    /// history). Committing an unchanged state does nothing.
    ///
    /// ```
    /// use din_viz::history::History;
    /// let mut h = History::new("a", 10);
    /// h.commit(&"a");
    /// assert!(!h.can_undo());
    /// h.commit(&"b");
    /// assert!(h.can_undo());
    /// ```
    pub fn commit(&mut self, current: &T) {
        if *current == self.committed {
            return;
        }
        let previous = std::mem::replace(&mut self.committed, current.clone());
        self.undo.push(previous);
        self.redo.clear();
        self.trim();
    }

    /// Steps back. `current` is the state on screen; if it was edited since
    /// the last commit it is committed first (so redo brings it back).
    /// Returns the state to show, or `None` when there is nothing to undo.
    ///
    /// ```
    /// use din_viz::history::History;
    /// let mut h = History::new(1, 10);
    /// assert_eq!(h.undo(&1), None);
    /// // An edit to 2 that was never committed is still undone to 1.
    /// assert_eq!(h.undo(&2), Some(1));
    /// assert_eq!(h.redo(&1), Some(2));
    /// ```
    pub fn undo(&mut self, current: &T) -> Option<T> {
        self.commit(current);
        let previous = self.undo.pop()?;
        let undone = std::mem::replace(&mut self.committed, previous);
        self.redo.push(undone);
        Some(self.committed.clone())
    }

    /// Steps forward again after [`History::undo`]. An uncommitted edit in
    /// `current` is a new edit: it is committed, which clears the redo
    /// stack, and `None` is returned.
    ///
    /// ```
    /// use din_viz::history::History;
    /// let mut h = History::new('a', 10);
    /// h.commit(&'b');
    /// assert_eq!(h.undo(&'b'), Some('a'));
    /// assert_eq!(h.redo(&'c'), None); // 'c' was edited after the undo
    /// assert_eq!(h.undo(&'c'), Some('a'));
    /// ```
    pub fn redo(&mut self, current: &T) -> Option<T> {
        self.commit(current);
        let next = self.redo.pop()?;
        let previous = std::mem::replace(&mut self.committed, next);
        self.undo.push(previous);
        self.trim();
        Some(self.committed.clone())
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
    }

    fn trim(&mut self) {
        if self.undo.len() > self.cap {
            let excess = self.undo.len() - self.cap;
            self.undo.drain(..excess);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slider_ticks_between_commits_are_one_step() {
        let mut h = History::new(0.0_f64, 50);
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
        let mut h = History::new("a".to_owned(), 10);
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
        let mut h = History::new(1, 10);
        h.commit(&2);
        // 3 is on screen but the gesture never ended.
        assert_eq!(h.undo(&3), Some(2));
        assert_eq!(h.redo(&2), Some(3));
        assert_eq!(*h.committed(), 3);
    }

    #[test]
    fn cap_drops_the_oldest() {
        let mut h = History::new(0, 3);
        for v in 1..=10 {
            h.commit(&v);
        }
        assert_eq!(h.undo(&10), Some(9));
        assert_eq!(h.undo(&9), Some(8));
        assert_eq!(h.undo(&8), Some(7));
        assert_eq!(h.undo(&7), None);
        // Redo still reaches the newest.
        assert_eq!(h.redo(&7), Some(8));
        assert_eq!(h.redo(&8), Some(9));
        assert_eq!(h.redo(&9), Some(10));
        let mut none = History::new(0, 0);
        none.commit(&1);
        assert!(!none.can_undo());
        assert_eq!(none.undo(&1), None);
    }

    #[test]
    fn reset_forgets() {
        let mut h = History::new(0, 10);
        h.commit(&1);
        h.commit(&2);
        let _ = h.undo(&2);
        h.reset(5);
        assert!(!h.can_undo() && !h.can_redo());
        assert_eq!(*h.committed(), 5);
    }
}
