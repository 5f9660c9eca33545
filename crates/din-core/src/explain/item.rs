//! How one item's α (or q's place) was computed, for the tooltips.

use super::*;

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
