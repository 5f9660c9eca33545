//! What the numbers on screen say, in words, English beside Chinese.
//!
//! Over 600 lines because it is the one place where the page's sentences and
//! formulas are computed from the numbers, English beside Chinese; its four
//! parts (formulas, shares, caption, item explanations) share the private
//! writers `term`, `pct`, `sub`, `tr` and `item_name`, and about 460 lines
//! are tests that recompute every sentence. A split into `explain/`
//! submodules is listed under "Kept for now" in ARCHITECTURE.md.
//!
//! * Formulas: [`score_formula`], [`alpha_formula`], [`definition_text`],
//!   [`settings_texts`] — every formula a panel or the settings print, one
//!   function per formula, so that a label cannot say another thing than
//!   the computation ([`crate::scene::Scene::attention`]) does.
//! * [`category_shares`]: the share of the weights per interest category
//!   (food, make-up, cars ...) next to the plain average's share.
//! * [`caption`]: the sentences that state an outcome ("the weights are
//!   nearly flat", "the food items get 78 % of the weight"), chosen by the
//!   rules of [`Outcome::of`] from the current numbers, never from the
//!   scene's name.
//! * [`explain_item`]: how one item's α was computed (the similarity with
//!   the two vectors' numbers or the unit's logit, the normalisation, the
//!   result), for the tooltips of the bars, the map and the Q/K/V rows.
//!
//! Numbers are printed by [`fmt_num`], the one formatter of every chart.
//! Pure: no plotters, no web crate.

use crate::attention::{norm, Attention, Normalization, Similarity};
use crate::i18n::Lang;
use crate::presets::{Category, Preset};
use crate::scene::{Definition, Scene};
use crate::unit::{Activation, WeightForm, AUTHORS_PAD_SCORE};

// ---------------------------------------------------------------------------
// Small helpers.

/// A number as every chart prints it: up to 3 decimals without trailing
/// zeros, 3 significant digits in exponent form outside `[0.001, 10000)`,
/// and the minus sign `−`.
///
/// ```
/// use din_core::explain::fmt_num;
/// assert_eq!(fmt_num(0.125), "0.125");
/// assert_eq!(fmt_num(1.0), "1");
/// assert_eq!(fmt_num(-0.5), "−0.5");
/// assert_eq!(fmt_num(123456.0), "1.23e5");
/// assert_eq!(fmt_num(0.0001234), "1.23e−4");
/// ```
#[must_use]
pub fn fmt_num(v: f64) -> String {
    let a = v.abs();
    let s = if a != 0.0 && !(0.001..10_000.0).contains(&a) {
        let e = a.log10().floor() as i32;
        let m = v / 10f64.powi(e);
        let m = format!("{m:.2}");
        let m = m.trim_end_matches('0').trim_end_matches('.');
        format!("{m}e{e}")
    } else {
        let s = format!("{v:.3}");
        let s = s.trim_end_matches('0').trim_end_matches('.').to_owned();
        if s == "-0" { "0".to_owned() } else { s }
    };
    s.replace('-', "−")
}

/// A number in parentheses when it is negative, for sums written out: `(−0.3)`.
fn term(v: f64) -> String {
    let s = fmt_num(v);
    if s.starts_with('−') { format!("({s})") } else { s }
}

/// A fraction as a whole percentage: `0.781` → `78%`.
fn pct(f: f64) -> String {
    format!("{}%", (f * 100.0).round())
}

/// `k` in Unicode subscript digits (`12` → `₁₂`).
fn sub(k: usize) -> String {
    k.to_string().chars().map(|c| c.to_digit(10).and_then(|d| char::from_u32(0x2080 + d)).unwrap_or(c)).collect()
}

/// An item's name in sentences: `x₄ lipstick 口红` (or `x₄` without a label).
fn item_name(scene: &Scene, i: usize) -> String {
    let label = scene.items.get(i).map_or("", |it| it.label.trim());
    let mut short: String = label.chars().take(24).collect();
    if label.chars().count() > 24 {
        short.push('…');
    }
    if short.is_empty() { format!("x{}", sub(i + 1)) } else { format!("x{} {short}", sub(i + 1)) }
}

fn activation_name(a: Activation) -> &'static str {
    match a {
        Activation::Sigmoid => "sigmoid",
        Activation::PReLU => "PReLU",
        Activation::Dice => "Dice",
    }
}

// ---------------------------------------------------------------------------
// Formulas.

/// The symbol of the raw score: `s` for a similarity, `z` for the
/// activation unit's logit (unit and authors' code).
#[must_use]
pub fn score_symbol(scene: &Scene) -> &'static str {
    match scene.definition {
        Definition::Similarity => "s",
        Definition::Unit | Definition::Authors => "z",
    }
}

/// The raw score of `q` and the item written `x` (`xᵢ`, `kᵢ`, `x₃` ...) as
/// the computation makes it: `q·x`, `cos(q, x)`, `q·x/√d`, or the unit's
/// logit `unit(q, x)` (the authors' ÷√d belongs to their normalisation,
/// see [`alpha_formula`]).
///
/// ```
/// use din_core::explain::score_formula;
/// let mut s = din_core::presets::default_scene();
/// assert_eq!(score_formula(&s, "xᵢ"), "q·xᵢ");
/// s.definition = din_core::scene::Definition::Authors;
/// assert_eq!(score_formula(&s, "kᵢ"), "unit(q, kᵢ)");
/// ```
#[must_use]
pub fn score_formula(scene: &Scene, x: &str) -> String {
    match scene.definition {
        Definition::Unit | Definition::Authors => format!("unit(q, {x})"),
        Definition::Similarity => match scene.similarity {
            Similarity::Dot => format!("q·{x}"),
            Similarity::Cosine => format!("cos(q, {x})"),
            Similarity::ScaledDot => format!("q·{x}/√d"),
        },
    }
}

/// The weight of item `i` (written as a subscript, e.g. `ᵢ` or `₃`) from
/// the scores, as the computation makes it:
///
/// | definition | normalization | formula |
/// |---|---|---|
/// | similarity | none | `αᵢ = sᵢ` |
/// | similarity | softmax | `αᵢ = softmax(s)ᵢ`, `softmax(s/T)ᵢ` when `T ≠ 1` |
/// | unit | none | `αᵢ = zᵢ` (the paper) or `αᵢ = sigmoid(zᵢ)` |
/// | unit | softmax | `αᵢ = softmax(z)ᵢ`, `softmax(z/T)ᵢ` when `T ≠ 1` |
/// | authors' code | (always softmax) | `αᵢ = softmax(z/√d)ᵢ` |
///
/// ```
/// use din_core::explain::alpha_formula;
/// let mut s = din_core::presets::default_scene();
/// assert_eq!(alpha_formula(&s, "ᵢ"), "αᵢ = softmax(s)ᵢ");
/// s.definition = din_core::scene::Definition::Unit;
/// s.normalization = din_core::attention::Normalization::None;
/// assert_eq!(alpha_formula(&s, "₃"), "α₃ = z₃");
/// ```
#[must_use]
pub fn alpha_formula(scene: &Scene, i: &str) -> String {
    let v = score_symbol(scene);
    let soft = |v: &str| {
        if scene.temperature == 1.0 { format!("α{i} = softmax({v}){i}") } else { format!("α{i} = softmax({v}/T){i}") }
    };
    match (scene.definition, scene.normalization) {
        (Definition::Authors, _) => format!("α{i} = softmax(z/√d){i}"),
        (Definition::Unit, Normalization::None) => match scene.weight {
            WeightForm::Logit => format!("α{i} = z{i}"),
            WeightForm::Sigmoid => format!("α{i} = sigmoid(z{i})"),
        },
        (_, Normalization::Softmax) => soft(v),
        (Definition::Similarity, Normalization::None) => format!("α{i} = s{i}"),
    }
}

/// The weight of the item written `x` in one formula of `q` and `x`, e.g.
/// `αᵢ = softmax(q·xᵢ)` or `αᵢ = sigmoid(unit(q, xᵢ))` (the towers panel).
/// The index is taken from `x` (`xᵢ` → `αᵢ`).
///
/// ```
/// use din_core::explain::alpha_of;
/// let s = din_core::presets::default_scene();
/// assert_eq!(alpha_of(&s, "xᵢ"), "αᵢ = softmax(q·xᵢ)");
/// ```
#[must_use]
pub fn alpha_of(scene: &Scene, x: &str) -> String {
    let i: String = x.chars().skip(1).collect();
    let f = score_formula(scene, x);
    let t = if scene.temperature == 1.0 { String::new() } else { "/T".to_owned() };
    match (scene.definition, scene.normalization) {
        (Definition::Authors, _) => format!("α{i} = softmax({f}/√d)"),
        (Definition::Unit, Normalization::None) => match scene.weight {
            WeightForm::Logit => format!("α{i} = {f}"),
            WeightForm::Sigmoid => format!("α{i} = sigmoid({f})"),
        },
        (_, Normalization::Softmax) => format!("α{i} = softmax({f}{t})"),
        (Definition::Similarity, Normalization::None) => format!("α{i} = {f}"),
    }
}

/// One line describing the definition of alpha in use, e.g. "dot
/// similarity, softmax T = 1" or "paper's activation unit (Dice), α = z
/// (Eq. 3), no softmax" (the subtitle of the bars and of the lecture panels).
///
/// ```
/// use din_core::{explain::definition_text, i18n::Lang};
/// let s = din_core::presets::preset("interest-intensity").unwrap().scene;
/// assert_eq!(definition_text(&s, Lang::En), "paper's activation unit (Dice), α = z (the paper's Eq. 3), no softmax");
/// ```
#[must_use]
pub fn definition_text(scene: &Scene, lang: Lang) -> String {
    let zh = lang == Lang::Zh;
    let t = fmt_num(scene.temperature);
    let act = activation_name(scene.activation);
    match scene.definition {
        Definition::Authors => {
            let (n, l) = (scene.items.len(), scene.padded_len());
            if zh {
                format!("作者代码：激活单元（{act}），补齐到 {l}（{} 个补齐位置被掩码），÷√d，softmax", l - n)
            } else {
                format!("authors' code: unit ({act}), padded to {l} ({} masked), ÷√d, softmax", l - n)
            }
        }
        Definition::Unit => match (scene.normalization, scene.weight, zh) {
            (Normalization::None, WeightForm::Logit, false) => format!("paper's activation unit ({act}), α = z (the paper's Eq. 3), no softmax"),
            (Normalization::None, WeightForm::Logit, true) => format!("论文的激活单元（{act}），α = z（论文公式 3），不做 softmax"),
            (Normalization::None, WeightForm::Sigmoid, false) => format!("paper's activation unit ({act}), α = sigmoid(z) (this project's variant), no softmax"),
            (Normalization::None, WeightForm::Sigmoid, true) => format!("论文的激活单元（{act}），α = sigmoid(z)（本项目的变体），不做 softmax"),
            (Normalization::Softmax, _, false) => format!("paper's activation unit ({act}), softmax T = {t}"),
            (Normalization::Softmax, _, true) => format!("论文的激活单元（{act}），softmax T = {t}"),
        },
        Definition::Similarity => {
            let sim = match (scene.similarity, zh) {
                (Similarity::Dot, false) => "dot",
                (Similarity::Dot, true) => "点积",
                (Similarity::Cosine, false) => "cosine",
                (Similarity::Cosine, true) => "余弦",
                (Similarity::ScaledDot, false) => "scaled dot",
                (Similarity::ScaledDot, true) => "缩放点积",
            };
            match (scene.normalization, zh) {
                (Normalization::None, false) => format!("{sim} similarity, no softmax"),
                (Normalization::None, true) => format!("相似度：{sim}，不做 softmax"),
                (Normalization::Softmax, false) => format!("{sim} similarity, softmax T = {t}"),
                (Normalization::Softmax, true) => format!("相似度：{sim}，softmax T = {t}"),
            }
        }
    }
}

/// The texts of the settings panel that depend on the definition, in
/// `lang`: the label of the "no softmax" choice, the note under the
/// temperature, and the note under the definition (empty when there is none).
#[derive(Clone, Debug, PartialEq)]
pub struct SettingsTexts {
    /// The normalization menu's "none" choice, e.g. "none: α = z (paper)".
    pub norm_none: String,
    /// What the temperature does now.
    pub temp_note: String,
    /// What the activation unit computes (unit and authors' code only).
    pub unit_note: String,
    /// The weight menu's note: which form is shown, or why it is not used.
    pub weight_note: String,
}

/// The settings panel's texts for `scene` (see [`SettingsTexts`]).
///
/// ```
/// use din_core::{explain::settings_texts, i18n::Lang};
/// let s = din_core::presets::preset("interest-intensity").unwrap().scene;
/// assert_eq!(settings_texts(&s, Lang::En).norm_none, "none: α = z (the paper)");
/// ```
#[must_use]
pub fn settings_texts(scene: &Scene, lang: Lang) -> SettingsTexts {
    let soft = scene.normalization == Normalization::Softmax;
    let norm_none = match (scene.definition, scene.weight) {
        (Definition::Similarity, _) => lang.pick("none: α = s, the similarity", "无：α = s，即相似度"),
        (_, WeightForm::Logit) => lang.pick("none: α = z (the paper)", "无：α = z（论文）"),
        (_, WeightForm::Sigmoid) => lang.pick("none: α = sigmoid(z)", "无：α = sigmoid(z)"),
    }
    .to_owned();
    let temp_note = match (scene.definition, soft) {
        (Definition::Authors, _) => lang.pick(
            "The authors' code divides the logits by √d and applies softmax over the padded length; T is not used.",
            "作者代码把分数 z 除以 √d，再在补齐长度上做 softmax；不使用 T。",
        ),
        (_, true) => lang.pick(
            "Lower T sharpens the weights; higher T flattens them toward the mean (1/n each).",
            "T 越小权重越集中；T 越大权重越平均（趋向每个 1/n）。",
        ),
        (Definition::Similarity, false) => lang.pick(
            "Without softmax α is the similarity s itself; T is not used. Σα keeps the intensity of interest.",
            "不做 softmax 时 α 就是相似度 s，不使用 T。Σα 保留了兴趣强度。",
        ),
        (Definition::Unit, false) => match scene.weight {
            WeightForm::Logit => lang.pick(
                "Without softmax α = z, the unit's output (it can be negative); T is not used. Σα keeps the intensity of interest.",
                "不做 softmax 时 α = z，即激活单元的输出（可以为负）；不使用 T。Σα 保留了兴趣强度。",
            ),
            WeightForm::Sigmoid => lang.pick(
                "Without softmax α = sigmoid(z), each in (0, 1); T is not used. Σα keeps the intensity of interest.",
                "不做 softmax 时 α = sigmoid(z)，每个都在 (0, 1) 之间；不使用 T。Σα 保留了兴趣强度。",
            ),
        },
    }
    .to_owned();
    let unit_note = match scene.definition {
        Definition::Similarity => String::new(),
        Definition::Unit => {
            let shown = match (soft, scene.weight) {
                (true, _) => lang.pick("shown: α = softmax(z/T) over the items", "当前：对物品做 softmax，α = softmax(z/T)"),
                (false, WeightForm::Logit) => lang.pick("shown: α = z, as in the paper's Eq. (3)", "当前：α = z，与论文公式 (3) 相同"),
                (false, WeightForm::Sigmoid) => lang.pick("shown: α = sigmoid(z), this project's variant", "当前：α = sigmoid(z)，本项目的变体"),
            };
            lang.tr(
                format!("Input [q, x, q − x, q ⊙ x] → hidden layers → logit z; {shown}. {}", unit_training_text(scene, lang)),
                format!("输入 [q, x, q − x, q ⊙ x] → 隐藏层 → 分数 z；{shown}。{}", unit_training_text(scene, lang)),
            )
        }
        Definition::Authors => lang.tr(
            format!(
                "As in the authors' code: logits z of padded slots masked to −2³²+1, all divided by √d, then softmax over the max length. {}",
                unit_training_text(scene, lang)
            ),
            format!(
                "与作者代码相同：补齐位置的分数 z 设为 −2³²+1，全部除以 √d，再在最大长度上做 softmax。{}",
                unit_training_text(scene, lang)
            ),
        ),
    };
    let weight_note = match (scene.definition, soft, scene.weight) {
        (Definition::Unit, false, WeightForm::Logit) => lang.pick(
            "The paper's Eq. (3) uses the unit's output as the weight (DeepCTR's default, weight_normalization=False).",
            "论文公式 (3) 直接把激活单元的输出作为权重（即 DeepCTR 的默认设置）。",
        ),
        (Definition::Unit, false, WeightForm::Sigmoid) => lang.pick(
            "This project's variant: sigmoid squashes each weight into (0, 1).",
            "本项目的变体：用 sigmoid 把每个权重压缩到 (0, 1)。",
        ),
        (Definition::Unit, true, _) => lang.pick("Not used while softmax is on: α = softmax(z/T).", "开启 softmax 时不使用：α = softmax(z/T)。"),
        _ => "",
    }
    .to_owned();
    SettingsTexts { norm_none, temp_note, unit_note, weight_note }
}

/// Which training the activation unit on screen had ([`Scene::unit_form`]),
/// in one sentence: the unit trained for the paper's α = z (with the
/// activity penalty on |z|) or the one trained with α = sigmoid(z).
///
/// ```
/// use din_core::{explain::unit_training_text, i18n::Lang};
/// let mut s = din_core::presets::preset("interest-intensity").unwrap().scene;
/// assert!(unit_training_text(&s, Lang::En).contains("trained for α = z"));
/// s.weight = din_core::unit::WeightForm::Sigmoid;
/// assert!(unit_training_text(&s, Lang::En).contains("trained with α = sigmoid(z)"));
/// ```
#[must_use]
pub fn unit_training_text(scene: &Scene, lang: Lang) -> String {
    match scene.unit_form() {
        WeightForm::Logit => lang.pick(
            "This unit was trained for α = z on synthetic clicks, with a small penalty on |z| so that unrelated items get z near 0 (make weights).",
            "这个激活单元按 α = z 在合成点击数据上训练，并对 |z| 加了小的惩罚，使不相关物品的 z 接近 0（make weights）。",
        ),
        WeightForm::Sigmoid => lang.pick(
            "This unit was trained with α = sigmoid(z) on synthetic clicks (make weights).",
            "这个激活单元按 α = sigmoid(z) 在合成点击数据上训练（make weights）。",
        ),
    }
    .to_owned()
}

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
const OTHER: (&str, &str, &str) = ("other", "other items", "其他物品");

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

// ---------------------------------------------------------------------------
// How one item's weight was computed.

/// How LastN item `i`'s α was computed, for a tooltip: a title and lines
/// (the score with the vectors' numbers, the normalisation, the result).
#[derive(Clone, Debug, PartialEq)]
pub struct ItemExplanation {
    /// E.g. "x₃ hotpot 火锅".
    pub title: String,
    /// The steps, top to bottom.
    pub lines: Vec<String>,
}

/// `q·x` written out term by term for `d ≤ 8` (`1×1.2 + 0.8×0.3 + …`),
/// else the number of products.
fn dot_written(q: &[f64], x: &[f64], lang: Lang) -> String {
    if q.len() <= 8 {
        q.iter().zip(x).map(|(a, b)| format!("{}×{}", term(*a), term(*b))).collect::<Vec<_>>().join(" + ")
    } else {
        lang.tr(format!("a sum of {} products", q.len()), format!("{} 个乘积之和", q.len()))
    }
}

/// How item `i`'s weight was computed (see [`ItemExplanation`]); `None`
/// for an item that does not exist. Every number is printed by
/// [`fmt_num`], the score and α exactly as the charts print them.
///
/// ```
/// use din_core::{explain::explain_item, i18n::Lang};
/// let s = din_core::presets::default_scene();
/// let a = s.validate().unwrap();
/// let e = explain_item(&s, &a, 0, Lang::En).unwrap();
/// assert!(e.lines[0].starts_with("s₁ = q·x₁ = 1×1.2 + 0.8×0.3"));
/// assert!(e.lines.last().unwrap().contains(&din_core::explain::fmt_num(a.alpha[0])));
/// ```
#[must_use]
pub fn explain_item(scene: &Scene, att: &Attention, i: usize, lang: Lang) -> Option<ItemExplanation> {
    let x = &scene.items.get(i)?.vector;
    let (s_i, a_i) = (*att.scores.get(i)?, *att.alpha.get(i)?);
    let k = sub(i + 1);
    let q = &scene.query;
    let d = scene.dim();
    let dot: f64 = q.iter().zip(x).map(|(a, b)| a * b).sum();
    let mut lines = Vec::new();
    match scene.definition {
        Definition::Similarity => match scene.similarity {
            Similarity::Dot => lines.push(format!("s{k} = q·x{k} = {} = {}", dot_written(q, x, lang), fmt_num(s_i))),
            Similarity::Cosine => {
                lines.push(format!("q·x{k} = {} = {}", dot_written(q, x, lang), fmt_num(dot)));
                lines.push(format!(
                    "s{k} = cos(q, x{k}) = q·x{k} / (|q| |x{k}|) = {} / ({} × {}) = {}",
                    fmt_num(dot),
                    fmt_num(norm(q)),
                    fmt_num(norm(x)),
                    fmt_num(s_i)
                ));
            }
            Similarity::ScaledDot => {
                lines.push(format!("q·x{k} = {} = {}", dot_written(q, x, lang), fmt_num(dot)));
                lines.push(format!("s{k} = q·x{k}/√d = {} / √{d} = {}", fmt_num(dot), fmt_num(s_i)));
            }
        },
        Definition::Unit | Definition::Authors => lines.push(lang.tr(
            format!("z{k} = unit(q, x{k}) = {}: the activation unit's logit for the input [q, x{k}, q − x{k}, q ⊙ x{k}]", fmt_num(s_i)),
            format!("z{k} = unit(q, x{k}) = {}：激活单元对输入 [q, x{k}, q − x{k}, q ⊙ x{k}] 给出的分数", fmt_num(s_i)),
        )),
    }
    let v = score_symbol(scene);
    let softmax_line = |scores: Vec<f64>, t: f64, scale: &str, padded: usize, pad: f64| -> String {
        let m = scores.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let e_i = ((scores[i] - m) / t).exp();
        let z: f64 = scores.iter().map(|s| ((s - m) / t).exp()).sum::<f64>() + padded as f64 * ((pad - m) / t).exp();
        let arg = if scale.is_empty() { format!("{v}{k}") } else { format!("{v}{k}{scale}") };
        // exp(s₃ − m), or exp((s₃ − m)/T) with a temperature.
        let exponent = |x: &str| if t == 1.0 { format!("{x} − m") } else { format!("({x} − m)/T") };
        let extra = if padded > 0 {
            lang.tr(format!(" over {} slots ({padded} padded, masked)", scores.len() + padded), format!("，共 {} 个位置（{padded} 个补齐位置被掩码）", scores.len() + padded))
        } else {
            String::new()
        };
        lang.tr(
            format!(
                "α{k} = exp({}) / Σⱼ exp({}) = {} / {} = {}, with m = max = {}{}{extra}",
                exponent(&arg),
                exponent(&format!("{v}ⱼ{scale}")),
                fmt_num(e_i),
                fmt_num(z),
                fmt_num(a_i),
                fmt_num(m),
                if t == 1.0 { String::new() } else { format!(", T = {}", fmt_num(t)) }
            ),
            format!(
                "α{k} = exp({}) / Σⱼ exp({}) = {} / {} = {}，其中 m = 最大值 = {}{}{extra}",
                exponent(&arg),
                exponent(&format!("{v}ⱼ{scale}")),
                fmt_num(e_i),
                fmt_num(z),
                fmt_num(a_i),
                fmt_num(m),
                if t == 1.0 { String::new() } else { format!("，T = {}", fmt_num(t)) }
            ),
        )
    };
    match (scene.definition, scene.normalization) {
        (Definition::Authors, _) => {
            let scale = 1.0 / (d as f64).sqrt();
            lines.push(format!("z{k}/√d = {} / √{d} = {}", fmt_num(s_i), fmt_num(s_i * scale)));
            let scaled: Vec<f64> = att.scores.iter().map(|z| z * scale).collect();
            let padded = scene.padded_len() - scene.items.len();
            lines.push(softmax_line(scaled, 1.0, "/√d", padded, AUTHORS_PAD_SCORE * scale));
        }
        (_, Normalization::Softmax) => lines.push(softmax_line(att.scores.clone(), scene.temperature, "", 0, 0.0)),
        (Definition::Similarity, Normalization::None) => lines.push(lang.tr(
            format!("α{k} = s{k} = {} (no softmax)", fmt_num(a_i)),
            format!("α{k} = s{k} = {}（不做 softmax）", fmt_num(a_i)),
        )),
        (Definition::Unit, Normalization::None) => lines.push(match scene.weight {
            WeightForm::Logit => lang.tr(
                format!("α{k} = z{k} = {} (the paper: the unit's output is the weight; no softmax)", fmt_num(a_i)),
                format!("α{k} = z{k} = {}（论文：激活单元的输出就是权重；不做 softmax）", fmt_num(a_i)),
            ),
            WeightForm::Sigmoid => lang.tr(
                format!("α{k} = sigmoid(z{k}) = 1 / (1 + e^(−{})) = {} (no softmax)", term(s_i), fmt_num(a_i)),
                format!("α{k} = sigmoid(z{k}) = 1 / (1 + e^(−{})) = {}（不做 softmax）", term(s_i), fmt_num(a_i)),
            ),
        }),
    }
    let n = scene.items.len();
    lines.push(lang.tr(
        format!("α{k} = {} · the plain average gives each item 1/n = {}", fmt_num(a_i), fmt_num(1.0 / n as f64)),
        format!("α{k} = {} · 简单平均给每个物品 1/n = {}", fmt_num(a_i), fmt_num(1.0 / n as f64)),
    ));
    Some(ItemExplanation { title: item_name(scene, i), lines })
}

/// What the candidate `q` is, for the map's tooltip on q: its numbers
/// (for d ≤ 8), Σα, |pooled| and |mean|.
#[must_use]
pub fn explain_query(scene: &Scene, att: &Attention, lang: Lang) -> ItemExplanation {
    let mut lines = Vec::new();
    if scene.dim() <= 8 {
        lines.push(format!("q = ({})", scene.query.iter().map(|v| fmt_num(*v)).collect::<Vec<_>>().join(", ")));
    }
    lines.push(format!(
        "Σα = {} · |{}| = {} · |{}| = {}",
        fmt_num(att.alpha_sum),
        lang.pick("pooled", "加权和"),
        fmt_num(att.pooled_norm),
        lang.pick("mean", "平均"),
        fmt_num(att.mean_norm)
    ));
    lines.push(
        lang.pick(
            "Drag q (or use the arrow keys) and watch every α change; point at an item to see how its α is computed.",
            "拖动 q（或用方向键）观察每个 α 的变化；指向一个物品可以看到它的 α 是怎样算出来的。",
        )
        .to_owned(),
    );
    ItemExplanation { title: lang.pick("q, the candidate item", "q，候选物品").to_owned(), lines }
}

/// An explanation as JSON for the page: `{title, lines}`.
#[must_use]
pub fn explanation_json(e: &ItemExplanation) -> serde_json::Value {
    serde_json::json!({ "title": e.title, "lines": e.lines })
}

/// Every definition of alpha the page offers, for tests: each similarity,
/// the unit with each activation and weight form, and the authors' code
/// with each activation; to be combined with each normalization.
#[cfg(any(test, feature = "test-support"))]
pub fn every_definition() -> Vec<(Definition, Similarity, Activation, WeightForm)> {
    let mut out: Vec<_> = Similarity::ALL.into_iter().map(|s| (Definition::Similarity, s, Activation::Dice, WeightForm::Logit)).collect();
    for a in Activation::ALL {
        for w in WeightForm::ALL {
            out.push((Definition::Unit, Similarity::Dot, a, w));
        }
        out.push((Definition::Authors, Similarity::Dot, a, WeightForm::Logit));
    }
    out
}

/// The weights a printed formula of [`alpha_formula`] (index `ᵢ`) gives
/// for `scores`, computed here from the text alone, for tests that the
/// label is the computation. Panics on a formula it does not know.
#[cfg(any(test, feature = "test-support"))]
pub fn eval_alpha_formula(formula: &str, scene: &Scene, scores: &[f64]) -> Vec<f64> {
    let softmax = |v: Vec<f64>, extra: usize, pad: f64| {
        let m = v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let total: f64 = v.iter().map(|x| (x - m).exp()).sum::<f64>() + extra as f64 * (pad - m).exp();
        v.iter().map(|x| (x - m).exp() / total).collect::<Vec<f64>>()
    };
    let t = scene.temperature;
    match formula {
        "αᵢ = sᵢ" | "αᵢ = zᵢ" => scores.to_vec(),
        "αᵢ = sigmoid(zᵢ)" => scores.iter().map(|z| crate::unit::sigmoid(*z)).collect(),
        "αᵢ = softmax(s)ᵢ" | "αᵢ = softmax(z)ᵢ" if t == 1.0 => softmax(scores.to_vec(), 0, 0.0),
        "αᵢ = softmax(s/T)ᵢ" | "αᵢ = softmax(z/T)ᵢ" => softmax(scores.iter().map(|s| s / t).collect(), 0, 0.0),
        "αᵢ = softmax(z/√d)ᵢ" => {
            let r = (scene.dim() as f64).sqrt();
            softmax(scores.iter().map(|s| s / r).collect(), scene.padded_len() - scores.len(), AUTHORS_PAD_SCORE / r)
        }
        other => panic!("unknown formula {other}"),
    }
}

/// The scores a printed formula of [`score_formula`] (item `xᵢ`) gives,
/// computed from the text alone (see [`eval_alpha_formula`]).
#[cfg(any(test, feature = "test-support"))]
pub fn eval_score_formula(formula: &str, scene: &Scene) -> Vec<f64> {
    let q = &scene.query;
    let dot = |x: &[f64]| q.iter().zip(x).map(|(a, b)| a * b).sum::<f64>();
    scene
        .items
        .iter()
        .map(|it| match formula {
            "q·xᵢ" => dot(&it.vector),
            "q·xᵢ/√d" => dot(&it.vector) / (scene.dim() as f64).sqrt(),
            "cos(q, xᵢ)" => {
                let d = norm(q) * norm(&it.vector);
                if d == 0.0 { 0.0 } else { dot(&it.vector) / d }
            }
            "unit(q, xᵢ)" => scene.unit().unwrap().scores(q, &it.vector).unwrap()[0],
            other => panic!("unknown formula {other}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::presets::{preset, PRESET_IDS};

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() <= 1e-9 * (1.0 + b.abs())
    }

    fn has_cjk(s: &str) -> bool {
        s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
    }

    /// Every scene × candidate (and a custom q) × definition × normalization:
    /// `(preset, scene, what)`.
    fn every_case() -> Vec<(Preset, Scene, String)> {
        let mut out = Vec::new();
        for id in PRESET_IDS {
            let p = preset(id).unwrap();
            let mut queries: Vec<(String, String, Vec<f64>)> =
                p.candidates.iter().map(|c| (c.id.to_owned(), c.id.to_owned(), c.vector.clone())).collect();
            let custom: Vec<f64> = p.scene.query.iter().enumerate().map(|(k, v)| v * 0.5 + if k % 3 == 0 { 0.4 } else { -0.1 }).collect();
            queries.push(("custom".into(), String::new(), custom));
            for (what, cand, q) in queries {
                for (def, sim, act, weight) in every_definition() {
                    for norm in Normalization::ALL {
                        let mut s = p.scene.clone();
                        (s.definition, s.similarity, s.activation, s.weight, s.normalization) = (def, sim, act, weight, norm);
                        s.query.clone_from(&q);
                        s.candidate.clone_from(&cand);
                        out.push((p.clone(), s, format!("{id} {what} {def:?} {sim:?} {act:?} {weight:?} {norm:?}")));
                    }
                }
            }
        }
        // A temperature other than 1, and a scene without categories.
        let p = preset("why-din-works").unwrap();
        let mut s = p.scene.clone();
        s.temperature = 0.25;
        out.push((p, s, "why-din-works food T = 0.25".into()));
        let g = crate::presets::generated(40, 8, 3);
        out.push((crate::presets::blank(8), g, "generated 40 x 8".into()));
        out
    }

    /// While the step-through hides numbers, the caption gives none of them
    /// away: before every α is shown only the candidate's context and the
    /// note remain (no α, share or Σα); pooled against the mean waits for
    /// the weighted-sum step; from there on it is the whole caption.
    #[test]
    fn the_caption_follows_the_step_through() {
        use crate::steps::{sum_step, Reveal};
        for (p, s, what) in every_case() {
            let Ok(a) = s.validate() else { panic!("{what}: invalid") };
            let n = a.alpha.len();
            for lang in [Lang::En, Lang::Zh] {
                let full = caption(&p, &s, &a, lang);
                for step in 0..=sum_step(n) + 1 {
                    let c = caption_revealed(&p, &s, &a, lang, &Reveal::at(Some(step), n));
                    if step >= sum_step(n) {
                        assert_eq!(c, full, "{what} step {step}");
                        continue;
                    }
                    let (note, kept) = c.lines.split_last().unwrap();
                    assert!(note.contains(&sum_step(n).to_string()), "{what} step {step}: {note}");
                    assert_eq!(c.lead[0], c.lines.len() - 1, "{what}: the note leads");
                    let mut lead = c.lead.clone();
                    lead.sort_unstable();
                    assert_eq!(lead, (0..c.lines.len()).collect::<Vec<_>>(), "{what}: lead is a permutation");
                    for line in kept {
                        assert!(full.lines.contains(line), "{what} step {step}: {line}");
                        for pooled in ["|pooled", "|加权和", "pooled −", "加权和 −", "close to the plain average", "接近简单平均"] {
                            assert!(!line.contains(pooled), "{what} step {step}: {line}");
                        }
                        if step < n {
                            assert!(!line.contains('α') && !line.contains('%'), "{what} step {step}: {line}");
                        }
                    }
                }
            }
        }
    }

    /// Checks every fact of the outcome against numbers recomputed here,
    /// and that the caption says exactly what the facts say.
    #[test]
    fn every_caption_is_true_for_its_numbers() {
        let cases = every_case();
        assert!(cases.len() >= 218, "{} cases", cases.len());
        let mut seen_flat = 0;
        let mut seen_focused = 0;
        let mut seen_signed = 0;
        for (p, s, what) in &cases {
            let Ok(a) = s.validate() else { panic!("{what}: invalid") };
            let o = Outcome::of(p, s, &a);
            let n = a.alpha.len();
            let total: f64 = a.alpha.iter().sum();
            let negative = a.alpha.iter().filter(|x| **x < 0.0).count();
            let max_i = (0..n).max_by(|&i, &j| a.alpha[i].total_cmp(&a.alpha[j]));
            // Category sums recomputed from the preset's labels.
            let cats: Vec<Option<&str>> = s
                .items
                .iter()
                .map(|it| p.scene.items.iter().position(|x| x.label == it.label).map(|k| p.categories[k]).filter(|_| s.name == p.id))
                .collect();
            let cat_sum = |c: &str| -> f64 { a.alpha.iter().zip(&cats).filter(|(_, x)| **x == Some(c)).map(|(a, _)| a).sum() };
            let cat_count = |c: &str| cats.iter().filter(|x| **x == Some(c)).count();
            for lang in [Lang::En, Lang::Zh] {
                let c = caption(p, s, &a, lang);
                let text = c.text();
                let (flat_word, keeps_word, close_word, neg_word) = match lang {
                    Lang::En => ("nearly flat", "keeps the", "is close to the plain average", "are negative"),
                    Lang::Zh => ("权重几乎相同", "加权和保留了", "加权和接近简单平均", "为负"),
                };
                match &o.weights {
                    Weights::Empty => assert_eq!(n, 0, "{what}"),
                    Weights::Single => assert_eq!(n, 1, "{what}"),
                    Weights::Zero => assert!(n > 1 && negative == 0 && total <= 0.0, "{what}"),
                    Weights::Flat { top, share } => {
                        seen_flat += 1;
                        assert!(negative == 0 && total > 0.0, "{what}");
                        assert!(a.alpha.iter().all(|x| x / total < 2.0 / n as f64), "{what}: flat means every share < 2/n");
                        assert_eq!(Some(*top), max_i, "{what}");
                        assert!(close(*share, a.alpha[*top] / total), "{what}");
                        assert!(text.contains(&pct(*share)), "{what}: {text}");
                    }
                    Weights::Focused { category, top, share } => {
                        seen_focused += 1;
                        assert!(negative == 0 && total > 0.0, "{what}");
                        assert!(a.alpha[*top] / total >= 2.0 / n as f64, "{what}: not flat means some share ≥ 2/n");
                        assert!(close(*share, a.alpha[*top] / total), "{what}");
                        if let Some((k, sh)) = category {
                            let row = &o.shares.as_ref().unwrap().rows[*k];
                            assert!(close(*sh, cat_sum(row.id) / total), "{what}: share of {}", row.id);
                            assert_eq!(row.count, cat_count(row.id));
                            for other in &o.shares.as_ref().unwrap().rows {
                                if other.id != "other" {
                                    assert!(cat_sum(other.id) / total <= *sh + 1e-12, "{what}: {} has the largest share", row.id);
                                }
                            }
                            let name = lang.pick(row.en, row.zh);
                            assert!(text.contains(name) && text.contains(&pct(*sh)), "{what}: {text}");
                            assert_eq!(text.contains(keeps_word), *sh > 0.5, "{what}: 'keeps' iff more than half: {text}");
                        }
                    }
                    Weights::Signed { negative: neg, lowest, category, top } => {
                        seen_signed += 1;
                        assert_eq!(*neg, negative, "{what}");
                        assert!(a.alpha.iter().all(|x| *x >= a.alpha[*lowest]), "{what}");
                        assert_eq!(Some(*top), max_i, "{what}");
                        assert!(text.contains(neg_word) && text.contains(&fmt_num(a.alpha[*lowest])), "{what}: {text}");
                        if let Some((k, v)) = category {
                            let row = &o.shares.as_ref().unwrap().rows[*k];
                            assert!(close(*v, cat_sum(row.id)), "{what}");
                            assert!(text.contains(&fmt_num(*v)), "{what}: {text}");
                        }
                    }
                }
                if !matches!(o.weights, Weights::Flat { .. }) {
                    assert!(!text.contains(flat_word), "{what}: says flat but is not: {text}");
                }
                if !matches!(o.weights, Weights::Focused { category: Some(_), .. }) {
                    assert!(!text.contains(keeps_word), "{what}: {text}");
                }
                // Pooled against mean.
                let dist: f64 = a.pooled.iter().zip(&a.mean).map(|(p, m)| (p - m).powi(2)).sum::<f64>().sqrt();
                if a.mean_norm > 0.0 {
                    assert_eq!(text.contains(close_word), dist < CLOSE * a.mean_norm, "{what}: {text}");
                    assert!(text.contains(&fmt_num(dist)), "{what}: |pooled − mean| printed: {text}");
                } else {
                    assert!(!text.contains(close_word), "{what}");
                }
                // Intensity: Σα of every candidate, recomputed.
                if let Some(it) = &o.intensity {
                    for (k, v) in &it.sums {
                        let mut t = s.clone();
                        t.query.clone_from(&p.candidates[*k].vector);
                        assert!(close(*v, t.validate().unwrap().alpha_sum), "{what}");
                    }
                    for (k, v) in &it.norms {
                        let mut t = s.clone();
                        t.query.clone_from(&p.candidates[*k].vector);
                        assert!(close(*v, t.validate().unwrap().pooled_norm), "{what}");
                        if p.teaches_intensity && !it.all_one {
                            assert!(text.contains(&format!("{} {}", p.candidates[*k].label, fmt_num(*v))), "{what}: |pooled| of {}: {text}", p.candidates[*k].id);
                        }
                    }
                    if !it.all_one {
                        let best = it.sums.iter().max_by(|a, b| a.1.total_cmp(&b.1)).unwrap().0;
                        let worst = it.sums.iter().min_by(|a, b| a.1.total_cmp(&b.1)).unwrap().0;
                        let (largest, smallest) = (lang.pick("is the largest", "中最大的"), lang.pick("is the smallest", "中最小的"));
                        assert_eq!(text.contains(largest), it.current == Some(best), "{what}: {text}");
                        assert_eq!(text.contains(smallest), it.current == Some(worst) && best != worst, "{what}: {text}");
                    } else {
                        assert!(it.sums.iter().all(|(_, v)| (v - 1.0).abs() < 1e-9));
                    }
                }
                // The candidate's sentence: its category and count.
                if let Some(k) = o.candidate {
                    let cand = &p.candidates[k];
                    assert_eq!(c.key, cand.id);
                    assert!(text.contains(cand.label), "{what}");
                    let cat = crate::presets::category(cand.category).unwrap();
                    assert!(text.contains(lang.pick(cat.en, cat.zh)), "{what}: {text}");
                } else {
                    assert_eq!(c.key, "", "{what}");
                }
                // The language: no Chinese in English apart from labels; Chinese in Chinese.
                let mut bare = text.clone();
                for l in s.items.iter().map(|it| it.label.as_str()).chain(p.candidates.iter().map(|c| c.label)) {
                    bare = bare.replace(l, "");
                }
                match lang {
                    Lang::En => assert!(!has_cjk(&bare), "{what}: Chinese in English: {text}"),
                    Lang::Zh => assert!(has_cjk(&bare), "{what}: {text}"),
                }
            }
        }
        assert!(seen_flat > 0 && seen_focused > 0 && seen_signed > 0, "{seen_flat} {seen_focused} {seen_signed}");
    }

    /// Issue 11: candidate news, activation unit, softmax: the caption said
    /// "the weights are nearly flat" while lipstick had α = 0.807.
    #[test]
    fn news_with_the_unit_and_softmax_is_not_called_flat() {
        let p = preset("why-din-works").unwrap();
        for act in Activation::ALL {
            for weight in WeightForm::ALL {
                let mut s = p.scene.clone();
                s.query = p.candidate("news").unwrap().vector.clone();
                s.candidate = "news".into();
                (s.definition, s.activation, s.weight, s.normalization) = (Definition::Unit, act, weight, Normalization::Softmax);
                let a = s.validate().unwrap();
                let n = a.alpha.len() as f64;
                let top = crate::attention::descending_order(&a.alpha)[0];
                let c = caption(&p, &s, &a, Lang::En);
                let text = c.text();
                if a.alpha[top] >= 2.0 / n {
                    assert!(!text.contains("flat"), "{act:?}: α = {:?} but the caption says flat: {text}", a.alpha);
                    let o = Outcome::of(&p, &s, &a);
                    let Weights::Focused { category: Some((k, share)), .. } = o.weights else { panic!("{act:?}: {:?}", o.weights) };
                    let row = &o.shares.as_ref().unwrap().rows[k];
                    assert!(text.contains(&format!("The {} items get {}", row.en, pct(share))), "{text}");
                } else {
                    assert!(text.contains("nearly flat"), "{text}");
                }
                assert!(!text.contains("close to the plain average") || a.pooled_norm < 1.2 * a.mean_norm, "{text}");
            }
        }
        // The numbers of the issue: Dice, softmax T = 1, lipstick 0.807, |pooled| 1.146 vs |mean| 0.764.
        let mut s = p.scene.clone();
        s.query = p.candidate("news").unwrap().vector.clone();
        s.candidate = "news".into();
        (s.definition, s.activation, s.normalization) = (Definition::Unit, Activation::Dice, Normalization::Softmax);
        let a = s.validate().unwrap();
        assert_eq!(fmt_num(a.alpha[3]), "0.807", "lipstick");
        let text = caption(&p, &s, &a, Lang::En).text();
        assert!(text.contains("The make-up items get"), "{text}");
        assert!(text.contains("differs from the plain average") && text.contains("|pooled| = 1.146, |mean| = 0.764"), "{text}");
        let zh = caption(&p, &s, &a, Lang::Zh).text();
        assert!(zh.contains("美妆物品得到") && !zh.contains("几乎相同"), "{zh}");
    }

    /// Lecture mode's compact caption keeps the sentences in `lead`'s
    /// order: every sentence once, the outcome first (the intensity
    /// sentence in the scene that teaches intensity), the candidate's
    /// context sentence last.
    #[test]
    fn caption_lead_puts_the_outcome_first_and_the_context_last() {
        let mut seen_context = 0;
        let mut seen_intensity_first = 0;
        for (p, s, what) in every_case() {
            let a = s.validate().unwrap();
            for lang in [Lang::En, Lang::Zh] {
                let c = caption(&p, &s, &a, lang);
                let mut sorted = c.lead.clone();
                sorted.sort_unstable();
                assert_eq!(sorted, (0..c.lines.len()).collect::<Vec<_>>(), "{what}: lead {:?} is not a permutation of the lines", c.lead);
                let first = &c.lines[c.lead[0]];
                let is_context = |l: &str| l.starts_with("The candidate is") || l.starts_with("候选物品是");
                assert!(!is_context(first) || c.lines.len() == 1, "{what}: the context leads: {first}");
                if let Some(k) = c.lines.iter().position(|l| is_context(l)) {
                    assert_eq!(*c.lead.last().unwrap(), k, "{what}: the context sentence is kept last");
                    seen_context += 1;
                }
                let intensity = |l: &str| l.starts_with("Σα = ") || l.starts_with("With softmax Σα = 1") || l.starts_with("此处 Σα") || l.starts_with("做 softmax 后");
                if p.teaches_intensity && c.lines.iter().any(|l| intensity(l)) {
                    assert!(intensity(first), "{what}: the intensity scene leads with intensity, not {first}");
                    seen_intensity_first += 1;
                } else if !p.teaches_intensity {
                    assert!(!intensity(first), "{what}: {first}");
                }
            }
        }
        assert!(seen_context > 0 && seen_intensity_first > 0, "{seen_context} {seen_intensity_first}");
    }

    #[test]
    fn shares_add_up_and_compare_with_the_mean() {
        for (p, s, what) in every_case() {
            let a = s.validate().unwrap();
            let cats = item_categories(&p, &s);
            let Some(sh) = category_shares(&cats, &a) else {
                assert!(cats.iter().all(Option::is_none) || a.alpha.is_empty(), "{what}");
                continue;
            };
            let n = a.alpha.len() as f64;
            assert!(close(sh.rows.iter().map(|r| r.mean).sum(), 1.0), "{what}: the mean's shares add up to 1");
            assert_eq!(sh.rows.iter().map(|r| r.count).sum::<usize>(), a.alpha.len());
            for r in &sh.rows {
                assert!(close(r.mean, r.count as f64 / n));
            }
            match sh.kind {
                ShareKind::Fractions => {
                    assert!(a.alpha.iter().all(|x| *x >= 0.0));
                    assert!(close(sh.rows.iter().map(|r| r.attention).sum(), 1.0), "{what}");
                }
                ShareKind::Sums => {
                    assert!(a.alpha.iter().any(|x| *x < 0.0) || a.alpha_sum <= 0.0, "{what}");
                    assert!(close(sh.rows.iter().map(|r| r.attention).sum(), a.alpha_sum), "{what}");
                }
            }
            for lang in [Lang::En, Lang::Zh] {
                let j = shares_json(&sh, lang, true);
                for (row, r) in j["rows"].as_array().unwrap().iter().zip(&sh.rows) {
                    for key in ["attentionBar", "meanBar"] {
                        let b = row[key].as_f64().unwrap();
                        assert!((-1.0..=1.0).contains(&b), "{what}: {key} {b}");
                    }
                    let want = match sh.kind {
                        ShareKind::Fractions => pct(r.attention),
                        ShareKind::Sums => fmt_num(r.attention),
                    };
                    assert_eq!(row["attention"], want.as_str());
                    assert_eq!(row["name"], lang.pick(r.en, r.zh));
                }
            }
        }
        // The lecture's point in two numbers per category: food 1/3 in the mean, most of the weight in attention.
        let p = preset("why-din-works").unwrap();
        let a = p.scene.validate().unwrap();
        let j = shares_json(&category_shares(&item_categories(&p, &p.scene), &a).unwrap(), Lang::Zh, true);
        assert_eq!(j["rows"][0]["name"], "美食");
        assert_eq!(j["rows"][0]["mean"], "33%");
        // An item the preset does not have is counted as "other".
        let mut s = p.scene.clone();
        s.items.push(crate::scene::Item::new("tea", &[0.1; 8]));
        let a = s.validate().unwrap();
        let sh = category_shares(&item_categories(&p, &s), &a).unwrap();
        assert_eq!(sh.rows.last().unwrap().id, "other");
        assert_eq!(sh.rows.last().unwrap().count, 1);
        // No categories (generated): no shares.
        let g = crate::presets::generated(20, 4, 1);
        assert!(category_shares(&item_categories(&p, &g), &g.validate().unwrap()).is_none());
    }

    /// Every formula printed is the computation: evaluated from its text it
    /// gives the scores and weights the scene computes.
    #[test]
    fn formulas_are_the_computation() {
        let p = preset("why-din-works").unwrap();
        for (def, sim, act, weight) in every_definition() {
            for norm in Normalization::ALL {
                for t in [1.0, 0.5] {
                    let mut s = p.scene.clone();
                    (s.definition, s.similarity, s.activation, s.weight, s.normalization, s.temperature) = (def, sim, act, weight, norm, t);
                    let a = s.validate().unwrap();
                    let what = format!("{def:?} {sim:?} {act:?} {weight:?} {norm:?} T = {t}");
                    let sf = score_formula(&s, "xᵢ");
                    for (x, y) in eval_score_formula(&sf, &s).iter().zip(&a.scores) {
                        assert!(close(*x, *y), "{what}: {sf}");
                    }
                    let af = alpha_formula(&s, "ᵢ");
                    for (x, y) in eval_alpha_formula(&af, &s, &a.scores).iter().zip(&a.alpha) {
                        assert!(close(*x, *y), "{what}: {af}");
                    }
                    // The towers' one-line form is the two put together.
                    let of = alpha_of(&s, "xᵢ");
                    assert!(of.contains(&sf), "{what}: {of}");
                    // The settings panel names the same weight.
                    let st = settings_texts(&s, Lang::En);
                    match (def, norm) {
                        (Definition::Similarity, _) => assert!(st.norm_none.contains("α = s"), "{what}"),
                        (_, _) if weight == WeightForm::Logit => assert!(st.norm_none.contains("α = z"), "{what}"),
                        _ => assert!(st.norm_none.contains("α = sigmoid(z)"), "{what}"),
                    }
                    if def == Definition::Unit && norm == Normalization::None {
                        let shown = if weight == WeightForm::Logit { "shown: α = z" } else { "shown: α = sigmoid(z)" };
                        assert!(st.unit_note.contains(shown), "{what}: {}", st.unit_note);
                        let d = definition_text(&s, Lang::En);
                        assert!(d.contains(if weight == WeightForm::Logit { "α = z" } else { "α = sigmoid(z)" }), "{what}: {d}");
                    }
                    // The note names the training of the unit the page computes with:
                    // the α = z unit exactly for α = z without softmax.
                    if def != Definition::Similarity {
                        let trained = s.unit().unwrap().trained_weight();
                        let z_unit = def == Definition::Unit && norm == Normalization::None && weight == WeightForm::Logit;
                        assert_eq!(trained == WeightForm::Logit, z_unit, "{what}");
                        for (lang, z_txt, sig_txt) in [
                            (Lang::En, "trained for α = z", "trained with α = sigmoid(z)"),
                            (Lang::Zh, "按 α = z 在合成点击数据上训练", "按 α = sigmoid(z) 在合成点击数据上训练"),
                        ] {
                            let note = settings_texts(&s, lang).unit_note;
                            let (yes, no) = if z_unit { (z_txt, sig_txt) } else { (sig_txt, z_txt) };
                            assert!(note.contains(yes) && !note.contains(no), "{what}: {note}");
                        }
                    }
                    assert!(!settings_texts(&s, Lang::Zh).temp_note.is_empty());
                }
            }
        }
    }

    /// The tooltip's numbers are the computation's, printed as the charts print them.
    #[test]
    fn item_explanations_show_the_computation() {
        let p = preset("why-din-works").unwrap();
        for (def, sim, act, weight) in every_definition() {
            for norm in Normalization::ALL {
                let mut s = p.scene.clone();
                (s.definition, s.similarity, s.activation, s.weight, s.normalization, s.temperature) = (def, sim, act, weight, norm, 0.5);
                let a = s.validate().unwrap();
                for i in [0, 4, 8] {
                    for lang in [Lang::En, Lang::Zh] {
                        let e = explain_item(&s, &a, i, lang).unwrap();
                        let what = format!("{def:?} {sim:?} {act:?} {weight:?} {norm:?} x{} {lang:?}", i + 1);
                        let all = e.lines.join("\n");
                        assert!(e.title.contains(&s.items[i].label), "{what}");
                        assert!(all.contains(&fmt_num(a.scores[i])), "{what}: the score {}: {all}", fmt_num(a.scores[i]));
                        assert!(all.contains(&fmt_num(a.alpha[i])), "{what}: α {}: {all}", fmt_num(a.alpha[i]));
                        if def == Definition::Similarity {
                            // q·x written out with the vectors' numbers (d = 8).
                            let first = format!("{}×{}", term(s.query[0]), term(s.items[i].vector[0]));
                            assert!(all.contains(&first), "{what}: {all}");
                        }
                        let softmax = def == Definition::Authors || norm == Normalization::Softmax;
                        if softmax {
                            // numerator / denominator = α, as printed.
                            let scale = if def == Definition::Authors { (s.dim() as f64).sqrt() } else { 1.0 };
                            let t = if def == Definition::Authors { 1.0 } else { s.temperature };
                            let v: Vec<f64> = a.scores.iter().map(|z| z / scale).collect();
                            let m = v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                            let num = ((v[i] - m) / t).exp();
                            let den: f64 = v.iter().map(|x| ((x - m) / t).exp()).sum();
                            assert!(close(num / den, a.alpha[i]), "{what}");
                            assert!(all.contains(&format!("{} / {} = {}", fmt_num(num), fmt_num(den), fmt_num(a.alpha[i]))), "{what}: {all}");
                        }
                        if lang == Lang::Zh {
                            assert!(has_cjk(&all.replace(&s.items[i].label, "")), "{what}");
                        } else {
                            assert!(!has_cjk(&all.replace(&s.items[i].label, "")), "{what}: {all}");
                        }
                    }
                }
                assert!(explain_item(&s, &a, 99, Lang::En).is_none());
            }
        }
        // d > 8: the products are counted, not written.
        let g = crate::presets::generated(5, 12, 1);
        let a = g.validate().unwrap();
        let e = explain_item(&g, &a, 0, Lang::En).unwrap();
        assert!(e.lines[0].contains("a sum of 12 products"), "{:?}", e.lines);
        let q = explain_query(&p.scene, &p.scene.validate().unwrap(), Lang::Zh);
        assert!(q.title.contains("候选物品") && q.lines[0].starts_with("q = (1, 0.8,"));
    }
}
