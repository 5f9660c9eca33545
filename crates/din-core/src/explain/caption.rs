//! The caption: the sentences that state an outcome, chosen from the numbers.

use super::*;

// ---------------------------------------------------------------------------
// The outcome caption.

/// Below this `|pooled − mean| / |mean|` the weighted sum is called close
/// to the plain average.
pub const CLOSE: f64 = 0.2;

/// Where the weight goes, as [`Outcome::of`] finds it.
#[derive(Clone, Debug, PartialEq)]
pub enum Weights {
    /// No LastN item.
    Empty,
    /// One item: it is the whole history.
    Single,
    /// Every weight is 0.
    Zero,
    /// Every weight ≥ 0 and Σα > 0, and no item has twice the plain
    /// average's share: `max_i α_i / Σα < 2/n`. `top` is the largest
    /// weight's item and its share.
    Flat { top: usize, share: f64 },
    /// Every weight ≥ 0 and Σα > 0, not flat: the category with the largest
    /// share of Σα (when items have categories) and the largest item.
    Focused { category: Option<(usize, f64)>, top: usize, share: f64 },
    /// Some weight is negative: how many, the smallest one's item, and the
    /// category (or item) with the largest sum of α.
    Signed { negative: usize, lowest: usize, category: Option<(usize, f64)>, top: usize },
}

/// Σα over the scene's named candidates (same items and settings), for the
/// intensity sentence.
#[derive(Clone, Debug, PartialEq)]
pub struct Intensity {
    /// `(candidate index in the preset, Σα)` for each candidate that fits.
    pub sums: Vec<(usize, f64)>,
    /// `(candidate index, |pooled|)`, in the order of `sums`.
    pub norms: Vec<(usize, f64)>,
    /// The preset index of the candidate on screen, if q is one of them.
    pub current: Option<usize>,
    /// Every candidate's Σα is 1 (softmax, or the authors' code).
    pub all_one: bool,
}

/// The facts the caption states, each computed from the numbers.
#[derive(Clone, Debug, PartialEq)]
pub struct Outcome {
    /// Where the weight goes.
    pub weights: Weights,
    /// The category shares ([`category_shares`]), when items have categories.
    pub shares: Option<Shares>,
    /// `|pooled − mean|`, `|mean|`, `|pooled|`; `None` when `|mean| = 0`.
    pub pooled_vs_mean: Option<(f64, f64, f64)>,
    /// Σα of the scene's candidates, when it has two or more that fit.
    pub intensity: Option<Intensity>,
    /// The preset index of the named candidate q is, if any.
    pub candidate: Option<usize>,
}

impl Outcome {
    /// Finds the facts (the rules are those of [`Weights`] and [`CLOSE`]).
    #[must_use]
    pub fn of(preset: &Preset, scene: &Scene, att: &Attention) -> Outcome {
        let n = att.alpha.len();
        let cats = item_categories(preset, scene);
        let shares = category_shares(&cats, att);
        let total: f64 = att.alpha.iter().sum();
        // The largest and the smallest weight: two picks, not a sort of every item.
        let top = crate::attention::top_k_descending(&att.alpha, 1).first().copied().unwrap_or(0);
        let negative = att.alpha.iter().filter(|a| **a < 0.0).count();
        let best_category = |sh: &Option<Shares>| -> Option<(usize, f64)> {
            let s = sh.as_ref()?;
            s.rows
                .iter()
                .enumerate()
                .filter(|(_, r)| r.id != OTHER.0)
                .max_by(|a, b| a.1.attention.total_cmp(&b.1.attention))
                .map(|(k, r)| (k, r.attention))
        };
        let weights = if n == 0 {
            Weights::Empty
        } else if n == 1 {
            Weights::Single
        } else if negative > 0 {
            let lowest = crate::attention::last_in_descending_order(&att.alpha).unwrap_or(0);
            Weights::Signed { negative, lowest, category: best_category(&shares), top }
        } else if total <= 0.0 {
            Weights::Zero
        } else {
            let share = att.alpha[top] / total;
            if share < 2.0 / n as f64 {
                Weights::Flat { top, share }
            } else {
                Weights::Focused { category: best_category(&shares), top, share }
            }
        };
        let diff: Vec<f64> = att.pooled.iter().zip(&att.mean).map(|(p, m)| p - m).collect();
        let pooled_vs_mean = (att.mean_norm > 0.0).then(|| (norm(&diff), att.mean_norm, att.pooled_norm));
        let candidate = preset
            .candidates
            .iter()
            .position(|c| scene.name == preset.id && c.id == scene.candidate && c.vector == scene.query);
        let intensity = if scene.name == preset.id && n > 0 {
            let both: Vec<(usize, f64, f64)> = preset
                .candidates
                .iter()
                .enumerate()
                .filter(|(_, c)| c.vector.len() == scene.dim())
                .filter_map(|(k, c)| {
                    let mut s = scene.clone();
                    s.query.clone_from(&c.vector);
                    s.attention().ok().map(|a| (k, a.alpha_sum, a.pooled_norm))
                })
                .collect();
            let sums: Vec<(usize, f64)> = both.iter().map(|(k, s, _)| (*k, *s)).collect();
            let norms: Vec<(usize, f64)> = both.iter().map(|(k, _, n)| (*k, *n)).collect();
            let all_one = sums.iter().all(|(_, v)| (v - 1.0).abs() < 1e-9);
            (sums.len() >= 2).then_some(Intensity { sums, norms, current: candidate, all_one })
        } else {
            None
        };
        Outcome { weights, shares, pooled_vs_mean, intensity, candidate }
    }
}

/// The caption of the scene on screen: `key` is the named candidate's id
/// (`""` when q is not one), `hint` the scene's "what to look at" while its
/// items are as loaded (it states no outcome), `lines` the sentences
/// computed from the numbers, in order.
#[derive(Clone, Debug, PartialEq)]
pub struct Caption {
    /// The named candidate's id, or `""`.
    pub key: String,
    /// The scene's hint, while its items are as loaded.
    pub hint: Option<String>,
    /// The computed sentences.
    pub lines: Vec<String>,
    /// Indices into `lines`, most telling first: the order in which a
    /// compact caption (lecture mode's four lines) keeps sentences. The
    /// outcome comes first (for a scene that teaches intensity, the
    /// intensity sentences), the candidate's context sentence last, as the
    /// candidate picker beside it already names the candidate.
    pub lead: Vec<usize>,
}

impl Caption {
    /// The hint and the sentences as one text.
    #[must_use]
    pub fn text(&self) -> String {
        self.hint.iter().chain(&self.lines).cloned().collect::<Vec<_>>().join(" ")
    }
}

/// The caption for `scene` (of `preset`, or any other scene with the
/// `blank` preset) in `lang`; see [`Outcome::of`] for the rules.
///
/// ```
/// use din_core::{explain::caption, i18n::Lang, presets::preset};
/// let p = preset("why-din-works").unwrap();
/// let c = caption(&p, &p.scene, &p.scene.validate().unwrap(), Lang::En);
/// assert_eq!(c.key, "food");
/// assert!(c.hint.unwrap().starts_with("Three interests"));
/// assert!(c.lines.iter().any(|l| l.contains("keeps the food interest")), "{:?}", c.lines);
/// ```
#[must_use]
pub fn caption(preset: &Preset, scene: &Scene, att: &Attention, lang: Lang) -> Caption {
    caption_and_needs(preset, scene, att, lang).0
}

/// What a caption sentence states, and so which step of the step-through
/// may show it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Needs {
    /// The candidate's context: no number of the computation.
    Nothing,
    /// Every α (and Σα).
    Alphas,
    /// The weighted sum and the mean.
    Results,
}

/// [`caption`] and, per sentence, what it states.
fn caption_and_needs(preset: &Preset, scene: &Scene, att: &Attention, lang: Lang) -> (Caption, Vec<Needs>) {
    let o = Outcome::of(preset, scene, att);
    let n = att.alpha.len();
    let mut lines = Vec::new();
    let as_loaded = scene.name == preset.id && scene.items == preset.scene.items;
    let hint = as_loaded.then(|| lang.pick(preset.caption_en, preset.caption_zh).to_owned());
    let cats = item_categories(preset, scene);
    let cat_name = |c: &Category| lang.pick(c.en, c.zh);
    // Which line says what, for `lead`: the context, the weights, pooled vs mean, intensity.
    let mut context = Vec::new();
    // The candidate and how many LastN items share its category.
    if let Some(k) = o.candidate {
        let c = &preset.candidates[k];
        if let Some(cat) = crate::presets::category(c.category) {
            let name = cat_name(cat);
            let count = cats.iter().filter(|x| x.is_some_and(|x| x.id == cat.id)).count();
            let known = cats.iter().all(Option::is_some);
            let line = match (known, count) {
                (true, 0) => lang.tr(
                    format!("The candidate is {} ({name}); none of the {n} LastN items is {name}.", c.label),
                    format!("候选物品是 {}（{name}）；LastN 的 {n} 个物品中没有{name}。", c.label),
                ),
                (true, k) => lang.tr(
                    format!("The candidate is {} ({name}); {k} of the {n} LastN items are {name}.", c.label),
                    format!("候选物品是 {}（{name}）；LastN 的 {n} 个物品中有 {k} 个是{name}。", c.label),
                ),
                (false, _) => lang.tr(format!("The candidate is {} ({name}).", c.label), format!("候选物品是 {}（{name}）。", c.label)),
            };
            context.push(lines.len());
            lines.push(line);
        }
    }
    let share_row = |k: usize| o.shares.as_ref().map(|s| &s.rows[k]);
    // Where the weight goes.
    let weights = match &o.weights {
        Weights::Empty => lang.pick("The LastN is empty: there are no weights.", "LastN 为空：没有权重。").to_owned(),
        Weights::Single => lang.tr(
            format!("One LastN item, {}: α = {}.", item_name(scene, 0), fmt_num(att.alpha[0])),
            format!("只有一个 LastN 物品 {}：α = {}。", item_name(scene, 0), fmt_num(att.alpha[0])),
        ),
        Weights::Zero => lang.pick("Every weight is 0: the weighted sum is the zero vector.", "所有权重都是 0：加权和是零向量。").to_owned(),
        Weights::Flat { top, share } => lang.tr(
            format!(
                "The weights are nearly flat: no item gets twice the plain average's share 1/n = {} (the largest, {}, gets {}).",
                pct(1.0 / n as f64),
                item_name(scene, *top),
                pct(*share)
            ),
            format!(
                "权重几乎相同：没有物品得到简单平均份额 1/n = {} 的两倍（最大的是 {}，占 {}）。",
                pct(1.0 / n as f64),
                item_name(scene, *top),
                pct(*share)
            ),
        ),
        Weights::Focused { category: Some((k, share)), .. } => {
            let r = share_row(*k).map_or((OTHER.1, OTHER.2, 0.0), |r| (r.en, r.zh, r.mean));
            let name = lang.pick(r.0, r.1);
            if *share > 0.5 {
                lang.tr(
                    format!("The {name} items get {} of the weight (in the plain average {}): the weighted sum keeps the {name} interest.", pct(*share), pct(r.2)),
                    format!("{name}物品得到 {} 的权重（简单平均中为 {}）：加权和保留了{name}兴趣。", pct(*share), pct(r.2)),
                )
            } else {
                lang.tr(
                    format!("The {name} items get the largest share of the weight, {} (in the plain average {}), but less than half.", pct(*share), pct(r.2)),
                    format!("{name}物品得到的权重最多，占 {}（简单平均中为 {}），但不到一半。", pct(*share), pct(r.2)),
                )
            }
        }
        Weights::Focused { category: None, top, share } => lang.tr(
            format!("{} gets the largest weight: {} of Σα (the plain average gives each item {}).", item_name(scene, *top), pct(*share), pct(1.0 / n as f64)),
            format!("{} 的权重最大：占 Σα 的 {}（简单平均给每个物品 {}）。", item_name(scene, *top), pct(*share), pct(1.0 / n as f64)),
        ),
        Weights::Signed { negative, lowest, category, top } => {
            let first = lang.tr(
                format!(
                    "{negative} of the {n} weights are negative (the lowest: {}, α = {}), so the weighted sum subtracts those items.",
                    item_name(scene, *lowest),
                    fmt_num(att.alpha[*lowest])
                ),
                format!(
                    "{n} 个权重中有 {negative} 个为负（最小的是 {}，α = {}），加权和减去了这些物品。",
                    item_name(scene, *lowest),
                    fmt_num(att.alpha[*lowest])
                ),
            );
            let second = match category.and_then(|(k, v)| share_row(k).map(|r| (r, v))) {
                Some((r, v)) => {
                    let name = lang.pick(r.en, r.zh);
                    lang.tr(
                        format!(" The {name} items get the largest sum of weights, Σα = {}.", fmt_num(v)),
                        format!("{name}物品的权重之和最大，Σα = {}。", fmt_num(v)),
                    )
                }
                None => lang.tr(
                    format!(" The largest weight: {}, α = {}.", item_name(scene, *top), fmt_num(att.alpha[*top])),
                    format!("最大的权重：{}，α = {}。", item_name(scene, *top), fmt_num(att.alpha[*top])),
                ),
            };
            first + &second
        }
    };
    lines.push(weights);
    let outcome_from = context.len();
    // The sentences that state pooled or mean.
    let mut results = Vec::new();
    // The weighted sum against the plain average.
    if let Some((dist, mean, pooled)) = o.pooled_vs_mean {
        let line = if dist < CLOSE * mean {
            lang.tr(
                format!("The weighted sum is close to the plain average: |pooled − mean| = {} is under a fifth of |mean| = {}.", fmt_num(dist), fmt_num(mean)),
                format!("加权和接近简单平均：|加权和 − 平均| = {}，不到 |平均| = {} 的五分之一。", fmt_num(dist), fmt_num(mean)),
            )
        } else {
            lang.tr(
                format!("The weighted sum differs from the plain average: |pooled − mean| = {} (|pooled| = {}, |mean| = {}).", fmt_num(dist), fmt_num(pooled), fmt_num(mean)),
                format!("加权和与简单平均不同：|加权和 − 平均| = {}（|加权和| = {}，|平均| = {}）。", fmt_num(dist), fmt_num(pooled), fmt_num(mean)),
            )
        };
        results.push(lines.len());
        lines.push(line);
    }
    // Intensity: Σα over the scene's candidates.
    let intensity_from = lines.len();
    if let Some(it) = &o.intensity {
        let label = |k: usize| preset.candidates[k].label;
        if it.all_one {
            if preset.teaches_intensity {
                lines.push(
                    lang.pick(
                        "With softmax Σα = 1 for every candidate: the intensity of interest is hidden.",
                        "做 softmax 后每个候选物品的 Σα 都是 1：兴趣强度被隐藏了。",
                    )
                    .to_owned(),
                );
            }
        } else {
            let mut sorted = it.sums.clone();
            sorted.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
            let list = sorted.iter().map(|(k, v)| format!("{} {}", label(*k), fmt_num(*v))).collect::<Vec<_>>().join(lang.pick(", ", "，"));
            let rank = it.current.and_then(|c| sorted.iter().position(|(k, _)| *k == c));
            let line = match rank {
                Some(0) => lang.tr(
                    format!("Σα = {} is the largest of the scene's candidates ({list}): the strongest interest.", fmt_num(att.alpha_sum)),
                    format!("Σα = {} 是本场景候选物品中最大的（{list}）：兴趣最强。", fmt_num(att.alpha_sum)),
                ),
                Some(r) if r + 1 == sorted.len() => lang.tr(
                    format!("Σα = {} is the smallest of the scene's candidates ({list}): the weakest interest.", fmt_num(att.alpha_sum)),
                    format!("Σα = {} 是本场景候选物品中最小的（{list}）：兴趣最弱。", fmt_num(att.alpha_sum)),
                ),
                _ => lang.tr(
                    format!("Σα = {} here; the scene's candidates give {list}.", fmt_num(att.alpha_sum)),
                    format!("此处 Σα = {}；本场景的候选物品分别为 {list}。", fmt_num(att.alpha_sum)),
                ),
            };
            lines.push(line);
            if preset.teaches_intensity {
                // The paper's intensity is also the length of the user vector.
                let norm_of = |k: usize| it.norms.iter().find(|(j, _)| *j == k).map_or(0.0, |(_, v)| *v);
                let list = sorted.iter().map(|(k, _)| format!("{} {}", label(*k), fmt_num(norm_of(*k)))).collect::<Vec<_>>().join(lang.pick(", ", "，"));
                results.push(lines.len());
                lines.push(lang.tr(
                    format!("|pooled| = {} here; for the scene's candidates: {list}.", fmt_num(att.pooled_norm)),
                    format!("此处 |加权和| = {}；本场景的候选物品分别为 {list}。", fmt_num(att.pooled_norm)),
                ));
            }
        }
    }
    let intensity = (intensity_from..lines.len()).collect::<Vec<_>>();
    let outcome = (outcome_from..intensity_from).collect::<Vec<_>>();
    let lead = if preset.teaches_intensity { [intensity, outcome, context.clone()] } else { [outcome, intensity, context.clone()] }.concat();
    let key = o.candidate.map_or(String::new(), |k| preset.candidates[k].id.to_owned());
    let needs = (0..lines.len())
        .map(|i| {
            if context.contains(&i) {
                Needs::Nothing
            } else if results.contains(&i) {
                Needs::Results
            } else {
                Needs::Alphas
            }
        })
        .collect();
    (Caption { key, hint, lines, lead }, needs)
}

/// The caption while the step-through has revealed only `reveal` of the
/// numbers: no sentence states a number the charts still hide. The
/// sentences about the weights (where the weight goes, Σα across the
/// scene's candidates) wait until every α is shown, the one about the
/// weighted sum against the plain average until pooled and mean are
/// shown; the candidate's context always stays. A last sentence says what
/// is held back and from which step it appears. With everything revealed
/// (the step-through off, or at its end) this is [`caption`].
///
/// ```
/// use din_core::{explain::{caption, caption_revealed}, i18n::Lang, presets::preset, steps::Reveal};
/// let p = preset("why-din-works").unwrap();
/// let att = p.scene.validate().unwrap();
/// let n = p.scene.items.len();
/// // At step 3 of 12 no outcome is given away, only what is held back.
/// let c = caption_revealed(&p, &p.scene, &att, Lang::En, &Reveal::at(Some(3), n));
/// assert!(!c.text().contains("keeps the food interest"), "{}", c.text());
/// assert!(c.lines.last().unwrap().contains("step"), "{:?}", c.lines);
/// // At the end of the step-through it is the whole caption.
/// let end = caption_revealed(&p, &p.scene, &att, Lang::En, &Reveal::at(Some(n + 2), n));
/// assert_eq!(end, caption(&p, &p.scene, &att, Lang::En));
/// ```
#[must_use]
pub fn caption_revealed(preset: &Preset, scene: &Scene, att: &Attention, lang: Lang, reveal: &crate::steps::Reveal) -> Caption {
    let (full, needs) = caption_and_needs(preset, scene, att, lang);
    if reveal.is_all() || (reveal.alpha_sum && reveal.results) {
        return full;
    }
    let n = att.alpha.len();
    let shown = |i: usize| match needs[i] {
        Needs::Nothing => true,
        Needs::Alphas => reveal.alpha_sum,
        Needs::Results => reveal.results,
    };
    let mut index = vec![None; full.lines.len()];
    let mut lines = Vec::new();
    for (i, line) in full.lines.iter().enumerate() {
        if shown(i) {
            index[i] = Some(lines.len());
            lines.push(line.clone());
        }
    }
    let mut lead: Vec<usize> = full.lead.iter().filter_map(|&i| index.get(i).copied().flatten()).collect();
    let all_alpha_step = n;
    let results_step = n + 2;
    let note = if reveal.alpha_sum {
        lang.tr(
            format!("Step-through: what the weighted sum does is said at step {results_step}, when pooled and mean appear."),
            format!("分步演示：加权和的结果在第 {results_step} 步（加权和与平均出现时）给出。"),
        )
    } else {
        lang.tr(
            format!("Step-through: where the weight goes is said at step {all_alpha_step}, once every α is shown; pooled against the mean at step {results_step}."),
            format!("分步演示：权重的去向在第 {all_alpha_step} 步（所有 α 都出现后）给出；加权和与平均的比较在第 {results_step} 步。"),
        )
    };
    // The note leads: it is what the compact caption must not drop.
    lead.insert(0, lines.len());
    lines.push(note);
    Caption { lines, lead, ..full }
}
