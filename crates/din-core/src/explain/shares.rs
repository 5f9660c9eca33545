//! The share of the weights per interest category, next to the plain average's share.

use super::*;

// ---------------------------------------------------------------------------
// Category shares.

/// The interest category of each LastN item of `scene`, when it is `preset`'s
/// scene: the category of the preset's item with the same label (an edited
/// vector keeps its item's category), `None` for an item the preset does not
/// have. All `None` for another scene or a preset without categories.
///
/// ```
/// use din_core::{explain::item_categories, presets::preset};
/// let p = preset("why-din-works").unwrap();
/// let cats = item_categories(&p, &p.scene);
/// assert_eq!(cats[0].unwrap().id, "food");
/// assert_eq!(cats[8].unwrap().id, "cars");
/// ```
#[must_use]
pub fn item_categories(preset: &Preset, scene: &Scene) -> Vec<Option<&'static Category>> {
    scene
        .items
        .iter()
        .map(|it| {
            if scene.name != preset.id {
                return None;
            }
            let k = preset.scene.items.iter().position(|p| p.label == it.label)?;
            preset.categories.get(k).and_then(|id| crate::presets::category(id))
        })
        .collect()
}

/// What the shares compare.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ShareKind {
    /// Every weight is ≥ 0 and Σα > 0: each category's share of Σα, beside
    /// the plain average's share (its number of items over n).
    Fractions,
    /// Some weight is negative, or Σα = 0: shares of Σα mean nothing, so
    /// each category's sum of α, beside the plain average's sum of its
    /// weights 1/n (the same quantity for the mean).
    Sums,
}

/// One category's row of [`Shares`].
#[derive(Clone, Debug, PartialEq)]
pub struct ShareRow {
    /// The category's id (`food` ...), or `other` for items of no category.
    pub id: &'static str,
    /// English name.
    pub en: &'static str,
    /// Chinese name.
    pub zh: &'static str,
    /// Number of LastN items in the category.
    pub count: usize,
    /// `Σ α_i` over the category's items.
    pub alpha_sum: f64,
    /// Attention's value: the share of Σα ([`ShareKind::Fractions`]) or `alpha_sum`.
    pub attention: f64,
    /// The plain average's value: `count / n` (its weights are 1/n each).
    pub mean: f64,
}

/// The weights per interest category, attention beside the plain average.
#[derive(Clone, Debug, PartialEq)]
pub struct Shares {
    /// Whether the rows hold shares or sums.
    pub kind: ShareKind,
    /// One row per category, in the order the categories first appear in LastN;
    /// items of no category last, as `other`.
    pub rows: Vec<ShareRow>,
}

/// The id and names of the row of items without a category.
pub(super) const OTHER: (&str, &str, &str) = ("other", "other items", "其他物品");

/// Attention's and the plain average's weight per category (see
/// [`ShareKind`]); `None` when no item has a category or LastN is empty.
///
/// ```
/// use din_core::explain::{category_shares, item_categories, ShareKind};
/// let p = din_core::presets::preset("why-din-works").unwrap();
/// let a = p.scene.validate().unwrap();
/// let s = category_shares(&item_categories(&p, &p.scene), &a).unwrap();
/// assert_eq!(s.kind, ShareKind::Fractions);
/// assert_eq!(s.rows[0].id, "food");
/// assert!(s.rows[0].attention > 0.6 && (s.rows[0].mean - 1.0 / 3.0).abs() < 1e-12);
/// ```
#[must_use]
pub fn category_shares(categories: &[Option<&'static Category>], att: &Attention) -> Option<Shares> {
    let n = att.alpha.len();
    if n == 0 || categories.len() != n || categories.iter().all(Option::is_none) {
        return None;
    }
    let mut rows: Vec<ShareRow> = Vec::new();
    let mut other: Option<ShareRow> = None;
    for (c, a) in categories.iter().zip(&att.alpha) {
        let row = match c {
            Some(cat) => match rows.iter().position(|r| r.id == cat.id) {
                Some(k) => &mut rows[k],
                None => {
                    rows.push(ShareRow { id: cat.id, en: cat.en, zh: cat.zh, count: 0, alpha_sum: 0.0, attention: 0.0, mean: 0.0 });
                    let k = rows.len() - 1;
                    &mut rows[k]
                }
            },
            None => other.get_or_insert(ShareRow { id: OTHER.0, en: OTHER.1, zh: OTHER.2, count: 0, alpha_sum: 0.0, attention: 0.0, mean: 0.0 }),
        };
        row.count += 1;
        row.alpha_sum += a;
    }
    rows.extend(other);
    let total: f64 = att.alpha.iter().sum();
    let kind = if att.alpha.iter().all(|a| *a >= 0.0) && total > 0.0 { ShareKind::Fractions } else { ShareKind::Sums };
    for r in &mut rows {
        r.mean = r.count as f64 / n as f64;
        r.attention = match kind {
            ShareKind::Fractions => r.alpha_sum / total,
            ShareKind::Sums => r.alpha_sum,
        };
    }
    Some(Shares { kind, rows })
}

/// Where a share's bar is drawn in its track, as `[left, width]` in
/// percent of the track: from the left edge for shares, from the middle
/// (either way) for signed sums. `length` is in `[-1, 1]`.
///
/// ```
/// use din_core::explain::bar_span;
/// assert_eq!(bar_span(0.25, false), [0.0, 25.0]);
/// assert_eq!(bar_span(-0.5, true), [25.0, 25.0]);
/// assert_eq!(bar_span(0.5, true), [50.0, 25.0]);
/// ```
#[must_use]
pub fn bar_span(length: f64, signed: bool) -> [f64; 2] {
    let width = length.abs() * if signed { 50.0 } else { 100.0 };
    let left = if !signed {
        0.0
    } else if length < 0.0 {
        50.0 - width
    } else {
        50.0
    };
    [left, width]
}

/// The shares as the readout panel shows them (JSON for the page): a
/// title, the two column heads, a note, and per row the name, the two
/// numbers as printed and the two bar lengths in `[-1, 1]` of the row's
/// width (shares: the fraction itself; sums: over the largest magnitude).
///
/// `revealed` is false while the step-through has not revealed every α
/// (`steps::Reveal::alpha_sum`): the attention column then reads "?" with
/// an empty bar, as Σα does, so that the readout does not give the outcome
/// away; the plain average's column is the same either way.
///
/// ```
/// use din_core::explain::{category_shares, item_categories, shares_json};
/// use din_core::i18n::Lang;
/// let p = din_core::presets::preset("why-din-works").unwrap();
/// let sh = category_shares(&item_categories(&p, &p.scene), &p.scene.validate().unwrap()).unwrap();
/// let hidden = shares_json(&sh, Lang::En, false);
/// assert_eq!(hidden["rows"][0]["attention"], "?");
/// assert_eq!(hidden["rows"][0]["attentionSpan"][1], 0.0);
/// assert_eq!(hidden["rows"][0]["mean"], shares_json(&sh, Lang::En, true)["rows"][0]["mean"]);
/// ```
#[must_use]
pub fn shares_json(shares: &Shares, lang: Lang, revealed: bool) -> serde_json::Value {
    let (title, note) = match shares.kind {
        ShareKind::Fractions => (
            lang.pick("Share of the weight per interest", "各兴趣所占的权重"),
            lang.pick("attention: share of Σα · plain average: share of the items", "注意力：占 Σα 的比例 · 简单平均：物品数的比例"),
        ),
        ShareKind::Sums => (
            lang.pick("Weight per interest (some α < 0: sums, not shares)", "各兴趣的权重（有 α < 0：列出和，不是比例）"),
            lang.pick("attention: Σα over the interest · plain average: its items × 1/n", "注意力：该兴趣的 Σα · 简单平均：物品数 × 1/n"),
        ),
    };
    let scale = match shares.kind {
        ShareKind::Fractions => 1.0,
        ShareKind::Sums => shares.rows.iter().map(|r| r.attention.abs().max(r.mean)).fold(0.0, f64::max),
    };
    let bar = |v: f64| if scale > 0.0 { (v / scale).clamp(-1.0, 1.0) } else { 0.0 };
    let signed = shares.kind == ShareKind::Sums;
    let show = |v: f64| match shares.kind {
        ShareKind::Fractions => pct(v),
        ShareKind::Sums => fmt_num(v),
    };
    let rows: Vec<serde_json::Value> = shares
        .rows
        .iter()
        .map(|r| {
            serde_json::json!({
                "id": r.id, "name": lang.pick(r.en, r.zh), "count": r.count,
                "attention": if revealed { show(r.attention) } else { "?".to_owned() }, "mean": show(r.mean),
                "attentionBar": if revealed { bar(r.attention) } else { 0.0 }, "meanBar": bar(r.mean),
                "attentionSpan": bar_span(if revealed { bar(r.attention) } else { 0.0 }, signed), "meanSpan": bar_span(bar(r.mean), signed),
            })
        })
        .collect();
    serde_json::json!({
        "kind": match shares.kind { ShareKind::Fractions => "fractions", ShareKind::Sums => "sums" },
        "title": title,
        "attentionHead": lang.pick("attention", "注意力"),
        "meanHead": lang.pick("plain average", "简单平均"),
        "note": note,
        "rows": rows,
    })
}
