//! The last good scene, kept for the panic overlay's Restore.
//!
//! After a Rust panic the wasm instance cannot be trusted, so the page
//! keeps the last good state outside it and reloads with it. A state that
//! fits a link is kept as its link. A larger one (up to a full 10,000 × 256
//! LastN, whose JSON is over 50 million characters and does not fit the
//! 5 MB session storage) is kept in three parts that the page stores in
//! IndexedDB: the *head*, every state key but the items as JSON (the
//! scene's fields, the language, the step and the view options) plus `n`
//! and `d`; the labels as a JSON array; and the vectors as one row-major
//! array of `n × d` numbers, stored as binary (no number is written as
//! text, so it is exact and about 20 MB at the largest).
//!
//! An item is its label, its vector and its colour id (the ids go in the
//! head, as `colors`); a field `Item` gains must be added to [`head`] or
//! [`labels_json`] and to [`rebuild`] to come back too.
//!
//! [`rebuild`] turns the parts back into a validated scene, and
//! [`note`] words what the page says about it: which scene, how many
//! items, from when, and whether later edits were lost, or that nothing
//! could be saved.

use crate::attention::Attention;
use crate::i18n::{Lang, Reason};
use crate::scene::{Item, Scene, SceneError};
use serde_json::{Map, Value};

/// The scene's own fields in state form (every key of `din.state()` that
/// belongs to the scene but `items`), and `n` and `d`.
///
/// ```
/// use din_core::presets::default_scene;
/// use din_core::snapshot::head;
/// let h = head(&default_scene());
/// assert_eq!(h["scene"], "why-din-works");
/// assert_eq!(h["n"], 9);
/// assert_eq!(h["d"], 8);
/// assert!(h.get("items").is_none());
/// ```
#[must_use]
pub fn head(scene: &Scene) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("scene".into(), scene.name.clone().into());
    m.insert("candidate".into(), scene.candidate.clone().into());
    m.insert("query".into(), scene.query.clone().into());
    m.insert("similarity".into(), scene.similarity_name().into());
    m.insert("activation".into(), scene.activation.name().into());
    m.insert("weight".into(), scene.weight.name().into());
    m.insert("maxLen".into(), scene.max_len.into());
    m.insert("normalization".into(), scene.normalization.name().into());
    m.insert("temperature".into(), scene.temperature.into());
    m.insert("n".into(), scene.items.len().into());
    m.insert("d".into(), scene.dim().into());
    m.insert("colors".into(), scene.items.iter().map(|it| it.color).collect::<Vec<u16>>().into());
    m
}

/// The labels of the items as a JSON array of strings.
#[must_use]
pub fn labels_json(scene: &Scene) -> String {
    Value::Array(scene.items.iter().map(|it| Value::String(it.label.clone())).collect()).to_string()
}

/// The scene from its three parts: `head` (as [`head`] writes it; other
/// state keys such as `lang` or `theme` are ignored here), the labels as a
/// JSON array and the `n × d` numbers of the vectors, row by row. The
/// scene's fields are applied to `current` as `din.setState` applies them,
/// and the result is validated.
///
/// ```
/// use din_core::presets::default_scene;
/// use din_core::snapshot::{head, labels_json, rebuild};
/// let s = default_scene();
/// let values: Vec<f64> = s.items.iter().flat_map(|it| it.vector.clone()).collect();
/// let h = serde_json::Value::Object(head(&s));
/// let (back, _) = rebuild(&din_core::presets::blank(3).scene, &h, &labels_json(&s), &values).unwrap();
/// assert_eq!(back, s);
/// assert!(rebuild(&s, &h, &labels_json(&s), &values[1..]).is_err());
/// ```
///
/// # Errors
/// A [`SceneError`] naming what does not fit (`items`) or the refused field.
pub fn rebuild(current: &Scene, head: &Value, labels: &str, values: &[f64]) -> Result<(Scene, Attention), SceneError> {
    let bad = |reason: Reason| SceneError::Invalid { field: "items".into(), reason };
    let obj = head.as_object().ok_or_else(|| bad(Reason::ItemsWithoutScene))?;
    let labels: Vec<String> = serde_json::from_str(labels).map_err(|e| bad(Reason::ItemLabels(e.to_string())))?;
    let d = obj.get("query").and_then(Value::as_array).map_or(0, Vec::len);
    if d == 0 || labels.len().checked_mul(d) != Some(values.len()) {
        return Err(bad(Reason::ItemCount { values: values.len(), labels: labels.len(), d }));
    }
    // Item::new, so that a field Item gains later gets its default here.
    let mut items: Vec<Item> = labels.iter().zip(values.chunks(d)).map(|(label, v)| Item::new(label, v)).collect();
    // Colour ids: as saved, or 0, 1, 2, … for a snapshot without them.
    let colors: Vec<u16> = match obj.get("colors").and_then(Value::as_array) {
        Some(a) if a.len() == items.len() => a.iter().map(|c| c.as_u64().and_then(|c| u16::try_from(c).ok())).collect::<Option<_>>().ok_or_else(|| bad(Reason::ItemColorIds))?,
        Some(_) => return Err(bad(Reason::ItemColorCount)),
        None => (0..items.len()).map(|i| u16::try_from(i).unwrap_or(u16::MAX)).collect(),
    };
    for (it, c) in items.iter_mut().zip(colors) {
        it.color = c;
    }
    let mut base = Scene { items, query: vec![0.0; d], ..current.clone() };
    // The items are in place; the head patches the rest.
    let mut patch = obj.clone();
    for key in ["n", "d", "colors", "items", "lang", "step", "theme", "font", "panels", "embed", "density", "placement", "view", "tab"] {
        patch.remove(key);
    }
    base.candidate.clear();
    base.with_patch(&Value::Object(patch))
}

/// What the page says about the last good scene.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NoteKind {
    /// In the panic overlay: what Restore will bring back.
    Offer,
    /// After the reload: what was restored.
    Restored,
    /// In the overlay: nothing could be saved, so there is nothing to restore.
    Unsaved,
    /// After the reload: nothing was saved, so nothing was restored.
    Nothing,
}

/// The facts [`note`] words: the saved scene's name, its size, when it was
/// saved (as the page formats the time), whether edits made after that
/// were not saved, and why the last save failed (empty when it did not).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SavedInfo {
    /// Name of the saved scene.
    pub scene: String,
    /// Number of LastN items.
    pub n: usize,
    /// Dimension.
    pub d: usize,
    /// When it was saved, e.g. `14:03:12`.
    pub time: String,
    /// Edits were made after `time` and were not saved.
    pub lost: bool,
    /// Why the last save failed, or empty.
    pub failure: String,
}

impl SavedInfo {
    /// Reads the facts from JSON `{scene, n, d, time, lost, failure}`
    /// (missing fields are empty, 0 or false).
    #[must_use]
    pub fn from_json(v: &Value) -> SavedInfo {
        let text = |k: &str| v.get(k).and_then(Value::as_str).unwrap_or("").chars().take(200).collect::<String>();
        let count = |k: &str| v.get(k).and_then(Value::as_u64).map_or(0, |x| usize::try_from(x).unwrap_or(usize::MAX));
        SavedInfo {
            scene: text("scene"),
            n: count("n"),
            d: count("d"),
            time: text("time"),
            lost: v.get("lost").and_then(Value::as_bool).unwrap_or(false),
            failure: text("failure"),
        }
    }
}

/// `10000` as `10,000` (en) or `10000` (zh).
fn count(n: usize, lang: Lang) -> String {
    let digits = n.to_string();
    if lang == Lang::Zh {
        return digits;
    }
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The sentence the page shows about the last good scene.
///
/// ```
/// use din_core::i18n::Lang;
/// use din_core::snapshot::{note, NoteKind, SavedInfo};
/// let info = SavedInfo { scene: "generated".into(), n: 10000, d: 256, time: "14:03:12".into(), ..Default::default() };
/// assert_eq!(
///     note(NoteKind::Restored, &info, Lang::En),
///     "Restored the last good scene from before the error: \"generated\", 10,000 items with d = 256, \
///      and its view settings, as saved at 14:03:12."
/// );
/// let failed = SavedInfo { failure: "QuotaExceededError".into(), ..Default::default() };
/// assert!(note(NoteKind::Nothing, &failed, Lang::En).starts_with("Nothing could be restored"));
/// ```
#[must_use]
pub fn note(kind: NoteKind, info: &SavedInfo, lang: Lang) -> String {
    let SavedInfo { scene, n, d, time, lost, failure } = info;
    let items = count(*n, lang);
    let what_en = format!("\"{scene}\", {items} {} with d = {d}", if *n == 1 { "item" } else { "items" });
    let what_zh = format!("“{scene}”，{items} 个物品，d = {d}");
    let mut out = match (kind, lang) {
        (NoteKind::Offer, Lang::En) => {
            format!("Restore reloads the page with the last good scene, {what_en}, and its view settings, as saved at {time}.")
        }
        (NoteKind::Offer, Lang::Zh) => format!("“恢复”会重新加载页面，并恢复最后一个正常的场景：{what_zh}，以及它的显示设置（保存于 {time}）。"),
        (NoteKind::Restored, Lang::En) => {
            format!("Restored the last good scene from before the error: {what_en}, and its view settings, as saved at {time}.")
        }
        (NoteKind::Restored, Lang::Zh) => format!("已恢复出错前最后一个正常的场景：{what_zh}，以及它的显示设置（保存于 {time}）。"),
        (NoteKind::Nothing, Lang::En) => {
            "Nothing could be restored: the scene from before the error could not be saved, so the page opened with the default scene.".to_owned()
        }
        (NoteKind::Nothing, Lang::Zh) => "无法恢复：出错前的场景没能保存，因此页面打开的是默认场景。".to_owned(),
        (NoteKind::Unsaved, Lang::En) => {
            "The scene could not be saved, so there is nothing to restore: reloading opens the default scene.".to_owned()
        }
        (NoteKind::Unsaved, Lang::Zh) => "场景没能保存，因此无法恢复：重新加载将打开默认场景。".to_owned(),
    };
    if !failure.is_empty() {
        out.push_str(&match (kind, lang) {
            (NoteKind::Nothing | NoteKind::Unsaved, Lang::En) => format!(" (The browser refused to store it: {failure}.)"),
            (NoteKind::Nothing | NoteKind::Unsaved, Lang::Zh) => format!("（浏览器拒绝保存：{failure}。）"),
            (_, Lang::En) => format!(" A later change could not be saved (the browser refused: {failure})."),
            (_, Lang::Zh) => format!("之后的一次修改没能保存（浏览器拒绝：{failure}）。"),
        });
    }
    if *lost && matches!(kind, NoteKind::Offer | NoteKind::Restored) {
        out.push_str(match (kind, lang) {
            (NoteKind::Offer, Lang::En) => " Edits made after that time were not saved and will be lost.",
            (NoteKind::Offer, Lang::Zh) => "此后的修改没有保存，将会丢失。",
            (_, Lang::En) => " Edits made after that time could not be kept.",
            (_, Lang::Zh) => "此后的修改无法保留。",
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::presets::{default_scene, generated};

    #[test]
    fn a_large_scene_comes_back_exactly() {
        let mut s = generated(2_000, 64, 7);
        s.items[5].label = "renamed 改名".into();
        s.items.swap(0, 3);
        s.weight = crate::unit::WeightForm::Sigmoid;
        s.query[3] = 0.1 + 0.2;
        s.temperature = 0.37;
        let values: Vec<f64> = s.items.iter().flat_map(|it| it.vector.iter().copied()).collect();
        let h = Value::Object(head(&s));
        let (back, att) = rebuild(&default_scene(), &h, &labels_json(&s), &values).unwrap();
        assert_eq!(back, s);
        assert_eq!(Ok(att), s.validate());
    }

    #[test]
    fn parts_that_do_not_fit_are_refused() {
        let s = default_scene();
        let values: Vec<f64> = s.items.iter().flat_map(|it| it.vector.iter().copied()).collect();
        let h = Value::Object(head(&s));
        let e = rebuild(&s, &h, "[\"a\"]", &values).unwrap_err();
        assert_eq!(e.to_string(), "items have 72 numbers, not 1 labels × d = 8");
        assert!(rebuild(&s, &h, "not json", &values).is_err());
        assert!(rebuild(&s, &Value::Null, &labels_json(&s), &values).is_err());
        let mut bad = values.clone();
        bad[3] = f64::NAN;
        assert!(rebuild(&s, &h, &labels_json(&s), &bad).is_err());
    }

    #[test]
    fn notes_say_which_scene_how_large_and_when() {
        let info = SavedInfo { scene: "imported".into(), n: 1, d: 3, time: "09:00:01".into(), lost: true, failure: String::new() };
        assert_eq!(
            note(NoteKind::Offer, &info, Lang::En),
            "Restore reloads the page with the last good scene, \"imported\", 1 item with d = 3, and its view settings, as saved at 09:00:01. \
             Edits made after that time were not saved and will be lost."
        );
        assert!(note(NoteKind::Restored, &info, Lang::Zh).contains("“imported”，1 个物品，d = 3"));
        let failed = SavedInfo { failure: "QuotaExceededError: the quota has been exceeded".into(), ..info.clone() };
        assert!(note(NoteKind::Restored, &failed, Lang::En).contains("A later change could not be saved (the browser refused: QuotaExceededError"));
        assert_eq!(
            note(NoteKind::Nothing, &SavedInfo { failure: "SecurityError".into(), ..Default::default() }, Lang::En),
            "Nothing could be restored: the scene from before the error could not be saved, so the page opened with the default scene. \
             (The browser refused to store it: SecurityError.)"
        );
        let v = serde_json::json!({ "scene": "x", "n": 10000, "d": 256, "time": "t", "lost": false });
        assert_eq!(SavedInfo::from_json(&v).n, 10_000);
        assert!(note(NoteKind::Restored, &SavedInfo::from_json(&v), Lang::En).contains("10,000 items"));
    }
}
