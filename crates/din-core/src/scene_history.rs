//! Undo steps of a scene as patches, and the page's undo budget.
//!
//! A [`ScenePatch`] holds what differs between two scenes: the scene's own
//! fields (name, candidate, `q`, settings) when any of them differs, and of
//! the LastN only the rows that changed ([`ItemsPatch::Rows`]) or, when the
//! number of items changed, the one run of rows between the common start
//! and the common end ([`ItemsPatch::Splice`]: an added, removed or
//! replaced block). Items are compared and moved whole, so any field an
//! [`Item`] has is kept. With it, [`History<Scene>`](crate::history::History)
//! keeps an edit of `q` in a 10,000 × 256 LastN in about 2 KB.
//!
//! [`UNDO_BUDGET`] is what the page allows the history: 64 MiB of patches.
//! A LastN of 10,000 items with d = 256 holds about 21 MB, so at least the
//! last three replacements of a whole maximal LastN and thousands of edits
//! of `q` always fit; older steps are dropped and [`dropped_note`] says so.

use crate::history::Undoable;
use crate::i18n::Lang;
use crate::scene::{Item, Scene};
use std::mem::{size_of, swap};

/// Bytes of patches the page's undo history keeps (64 MiB).
pub const UNDO_BUDGET: usize = 64 * 1024 * 1024;

/// The difference between two scenes; see the module documentation.
#[derive(Clone, Debug, PartialEq)]
pub struct ScenePatch {
    /// The other scene's own fields (its `items` empty), when any differs.
    head: Option<Box<Scene>>,
    /// The LastN rows that differ.
    items: ItemsPatch,
}

/// The LastN part of a [`ScenePatch`].
#[derive(Clone, Debug, PartialEq)]
pub enum ItemsPatch {
    /// The same items.
    Same,
    /// Same number of items: the rows that differ, by index, with the other scene's item.
    Rows(Vec<(usize, Item)>),
    /// Rows `start .. start + remove` are replaced by `insert`.
    Splice { start: usize, remove: usize, insert: Vec<Item> },
}

/// Bytes one item holds: inline, its label and its vector.
#[must_use]
pub fn item_bytes(it: &Item) -> usize {
    size_of::<Item>() + it.label.capacity() + it.vector.capacity() * size_of::<f64>()
}

/// Whether every field but the items is equal.
fn same_head(a: &Scene, b: &Scene) -> bool {
    let Scene { name, candidate, query, items: _, similarity, normalization, temperature, definition, activation, weight, max_len } = a;
    *name == b.name
        && *candidate == b.candidate
        && *query == b.query
        && *similarity == b.similarity
        && *normalization == b.normalization
        && *temperature == b.temperature
        && *definition == b.definition
        && *activation == b.activation
        && *weight == b.weight
        && *max_len == b.max_len
}

/// A copy of every field but the items.
fn head_of(s: &Scene) -> Scene {
    let Scene { name, candidate, query, items: _, similarity, normalization, temperature, definition, activation, weight, max_len } = s;
    Scene {
        name: name.clone(),
        candidate: candidate.clone(),
        query: query.clone(),
        items: Vec::new(),
        similarity: *similarity,
        normalization: *normalization,
        temperature: *temperature,
        definition: *definition,
        activation: *activation,
        weight: *weight,
        max_len: *max_len,
    }
}

/// Swaps every field but the items.
fn swap_head(a: &mut Scene, b: &mut Scene) {
    let Scene { name, candidate, query, items: _, similarity, normalization, temperature, definition, activation, weight, max_len } = a;
    swap(name, &mut b.name);
    swap(candidate, &mut b.candidate);
    swap(query, &mut b.query);
    swap(similarity, &mut b.similarity);
    swap(normalization, &mut b.normalization);
    swap(temperature, &mut b.temperature);
    swap(definition, &mut b.definition);
    swap(activation, &mut b.activation);
    swap(weight, &mut b.weight);
    swap(max_len, &mut b.max_len);
}

fn items_diff(old: &[Item], new: &[Item]) -> ItemsPatch {
    if old.len() == new.len() {
        let rows: Vec<(usize, Item)> =
            old.iter().zip(new).enumerate().filter(|(_, (a, b))| a != b).map(|(i, (_, b))| (i, b.clone())).collect();
        return if rows.is_empty() { ItemsPatch::Same } else { ItemsPatch::Rows(rows) };
    }
    let prefix = old.iter().zip(new).take_while(|(a, b)| a == b).count();
    let room = old.len().min(new.len()) - prefix;
    let suffix = old.iter().rev().zip(new.iter().rev()).take(room).take_while(|(a, b)| a == b).count();
    ItemsPatch::Splice { start: prefix, remove: old.len() - prefix - suffix, insert: new[prefix..new.len() - suffix].to_vec() }
}

impl Undoable for Scene {
    type Patch = ScenePatch;

    fn diff(old: &Self, new: &Self) -> Option<ScenePatch> {
        let head = (!same_head(old, new)).then(|| Box::new(head_of(new)));
        let items = items_diff(&old.items, &new.items);
        (head.is_some() || items != ItemsPatch::Same).then_some(ScenePatch { head, items })
    }

    fn apply(&mut self, patch: ScenePatch) -> ScenePatch {
        let ScenePatch { head, items } = patch;
        let head = head.map(|mut h| {
            swap_head(self, &mut h);
            h
        });
        let items = match items {
            ItemsPatch::Same => ItemsPatch::Same,
            ItemsPatch::Rows(mut rows) => {
                for (i, it) in &mut rows {
                    if let Some(slot) = self.items.get_mut(*i) {
                        swap(slot, it);
                    }
                }
                ItemsPatch::Rows(rows)
            }
            ItemsPatch::Splice { start, remove, insert } => {
                let start = start.min(self.items.len());
                let end = start.saturating_add(remove).min(self.items.len());
                let inserted = insert.len();
                let removed: Vec<Item> = self.items.splice(start..end, insert).collect();
                ItemsPatch::Splice { start, remove: inserted, insert: removed }
            }
        };
        ScenePatch { head, items }
    }

    fn patch_bytes(p: &ScenePatch) -> usize {
        let head = p.head.as_ref().map_or(0, |h| {
            size_of::<Scene>() + h.name.capacity() + h.candidate.capacity() + h.query.capacity() * size_of::<f64>()
        });
        let items = match &p.items {
            ItemsPatch::Same => 0,
            ItemsPatch::Rows(rows) => rows.iter().map(|(_, it)| size_of::<usize>() + item_bytes(it)).sum(),
            ItemsPatch::Splice { insert, .. } => insert.iter().map(item_bytes).sum(),
        };
        size_of::<ScenePatch>() + head + items
    }
}

/// What the page says when `dropped` undo steps were dropped to keep the
/// history within [`UNDO_BUDGET`] (`kept` steps remain).
#[must_use]
pub fn dropped_note(dropped: usize, kept: usize, lang: Lang) -> String {
    let mib = UNDO_BUDGET / (1024 * 1024);
    match lang {
        Lang::En => format!(
            "Undo keeps at most {mib} MiB of history: the {} dropped to make room; undo now goes back {}.",
            if dropped == 1 { "oldest step was".to_owned() } else { format!("{dropped} oldest steps were") },
            if kept == 1 { "1 step".to_owned() } else { format!("{kept} steps") }
        ),
        Lang::Zh => format!("撤销历史最多保留 {mib} MiB：已丢弃最早的 {dropped} 步以腾出空间；现在最多可撤销 {kept} 步。"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::history::History;
    use crate::presets::{default_scene, generated};

    /// Commits every scene, then undoes to the first and redoes to the last,
    /// checking each state exactly on the way.
    fn walk(states: &[Scene]) {
        let mut h = History::new(states[0].clone(), UNDO_BUDGET);
        for s in &states[1..] {
            h.commit(s);
        }
        for k in (0..states.len() - 1).rev() {
            assert_eq!(h.undo(&states[k + 1]).as_ref(), Some(&states[k]), "undo to state {k}");
        }
        assert_eq!(h.undo(&states[0]), None);
        for k in 1..states.len() {
            assert_eq!(h.redo(&states[k - 1]).as_ref(), Some(&states[k]), "redo to state {k}");
        }
    }

    #[test]
    fn every_kind_of_edit_undoes_exactly() {
        let s0 = default_scene();
        let mut s1 = s0.clone();
        s1.query[0] = 2.5;
        s1.candidate.clear();
        let mut s2 = s1.clone();
        s2.items[3].vector[1] = -7.0;
        s2.items[7].label = "renamed".into();
        let mut s3 = s2.clone();
        s3.items.remove(4);
        let mut s4 = s3.clone();
        s4.items.push(Item::new("new", &[1.0; 8]));
        let mut s5 = s4.clone();
        s5.items.insert(0, Item::new("first", &[0.5; 8]));
        s5.temperature = 0.25;
        let (s6, _) = s5.with_dim(3).unwrap();
        let mut s7 = s6.clone();
        s7.items.clear();
        let mut s8 = s7.clone();
        s8.items = vec![Item::new("a", &[1.0, 2.0, 3.0]), Item::new("a", &[1.0, 2.0, 3.0])];
        let mut s9 = s8.clone();
        s9.items.remove(1); // two equal rows: either may be the removed one
        walk(&[s0, s1, s2, s3, s4, s5, s6, s7, s8, s9]);
    }

    #[test]
    fn patches_hold_only_what_changed() {
        let s0 = generated(10_000, 256, 2018);
        let full: usize = s0.items.iter().map(item_bytes).sum();
        assert!(full > 20_000_000, "{full}");
        assert!(Scene::diff(&s0, &s0.clone()).is_none(), "equal scenes differ by nothing");
        // An edit of q: the old head only.
        let mut s1 = s0.clone();
        s1.query[5] += 1.0;
        let p = Scene::diff(&s1, &s0).unwrap();
        assert_eq!(p.items, ItemsPatch::Same);
        assert!(Scene::patch_bytes(&p) < 2_500, "{}", Scene::patch_bytes(&p));
        // One row edited: one row.
        let mut s2 = s0.clone();
        s2.items[9_000].vector[3] = 1.0;
        let p = Scene::diff(&s2, &s0).unwrap();
        assert!(matches!(&p.items, ItemsPatch::Rows(r) if r.len() == 1 && r[0].0 == 9_000));
        assert!(p.head.is_none());
        assert!(Scene::patch_bytes(&p) < 2_500);
        // One row removed in the middle: that row.
        let mut s3 = s0.clone();
        s3.items.remove(5_000);
        let p = Scene::diff(&s3, &s0).unwrap();
        assert!(matches!(&p.items, ItemsPatch::Splice { start: 5_000, remove: 0, insert } if insert.len() == 1));
        assert!(Scene::patch_bytes(&p) < 2_500);
    }

    #[test]
    fn a_thousand_edits_of_q_at_the_largest_size_fit_the_budget() {
        let s0 = generated(10_000, 256, 2018);
        let mut h = History::new(s0.clone(), UNDO_BUDGET);
        let mut cur = s0.clone();
        for k in 0..1_000 {
            cur.query[k % 256] = k as f64 / 1000.0;
            h.commit(&cur);
        }
        assert_eq!(h.take_dropped(), 0);
        assert_eq!(h.undo_steps(), 1_000);
        assert!(h.bytes() < 3_000_000, "{} bytes for 1,000 edits of q", h.bytes());
        // Back three steps, exactly.
        let mut shown = cur.clone();
        for k in (997..1_000).rev() {
            shown = h.undo(&shown).unwrap();
            let mut want = cur.clone();
            for j in (k..1_000).rev() {
                want.query[j % 256] = if j >= 256 { (j - 256) as f64 / 1000.0 } else { s0.query[j] };
            }
            assert_eq!(shown, want, "undo to before edit {k}");
        }
    }

    #[test]
    fn whole_lastn_replacements_are_dropped_oldest_first() {
        // Replacing a maximal LastN holds about 21 MB: three fit in 64 MiB, the fourth drops the first.
        let scenes: Vec<Scene> = (0..5).map(|seed| generated(10_000, 256, seed)).collect();
        let mut h = History::new(scenes[0].clone(), UNDO_BUDGET);
        for s in &scenes[1..4] {
            h.commit(s);
        }
        assert_eq!(h.take_dropped(), 0);
        h.commit(&scenes[4]);
        assert_eq!(h.take_dropped(), 1);
        assert!(h.bytes() <= UNDO_BUDGET);
        assert_eq!(h.undo(&scenes[4]).as_ref(), Some(&scenes[3]));
        assert_eq!(h.undo(&scenes[3]).as_ref(), Some(&scenes[2]));
        assert_eq!(h.undo(&scenes[2]).as_ref(), Some(&scenes[1]));
        assert_eq!(h.undo(&scenes[1]), None, "the oldest step was dropped");
    }

    #[test]
    fn the_note_says_what_was_dropped() {
        assert_eq!(
            dropped_note(1, 3, Lang::En),
            "Undo keeps at most 64 MiB of history: the oldest step was dropped to make room; undo now goes back 3 steps."
        );
        assert_eq!(dropped_note(2, 1, Lang::En), "Undo keeps at most 64 MiB of history: the 2 oldest steps were dropped to make room; undo now goes back 1 step.");
        assert_eq!(dropped_note(2, 5, Lang::Zh), "撤销历史最多保留 64 MiB：已丢弃最早的 2 步以腾出空间；现在最多可撤销 5 步。");
    }
}
