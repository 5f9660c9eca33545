//! Formulas: every formula a panel or the settings print, one function per
//! formula, so that a label cannot say another thing than the computation;
//! and, for tests, evaluators that compute the weights from the printed text.

use super::*;

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
