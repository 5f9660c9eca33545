//! The text alternative of the charts (the page's `altJson`, for screen
//! readers) and the step-through's caption it starts with. While the
//! step-through is on, the text says no more than the charts do: the rows
//! are the charts' own ([`crate::steps::shown_rows_revealed`]) and a
//! number not yet revealed is `?`.

use super::{alpha_formula, fmt_num, sub};
use crate::attention::{Attention, Normalization};
use crate::i18n::Lang;
use crate::scene::{Definition, Scene};
use crate::steps::{shown_rows_revealed, steps_total, Reveal};

fn at(v: &[f64], i: usize) -> f64 {
    v.get(i).copied().unwrap_or(0.0)
}

/// The sentence at the top of step `step` of the step-through panel
/// (din-draw's `lecture::draw_steps`), also the text alternative's `step`.
#[must_use]
pub fn steps_caption(scene: &Scene, att: &Attention, step: usize, lang: Lang) -> String {
    let n = scene.items.len();
    let total = steps_total(n);
    // Steps count from 0 (nothing revealed), as the page's counter does.
    let head = lang.tr(format!("Step {} of {}: ", step, total - 1), format!("第 {} 步 / {}：", step, total - 1));
    let body = if step == 0 {
        let xs = if n == 0 { String::new() } else { format!("x₁…x{}", sub(n)) };
        lang.tr(
            format!("the user's LastN vectors {xs} and the candidate item's vector q"),
            format!("用户行为序列 LastN 的向量 {xs}，候选物品的向量 q"),
        )
    } else if step <= n {
        // The formulas are explain's, the ones the computation uses.
        let k = sub(step);
        let s = fmt_num(at(&att.scores, step - 1));
        let a = fmt_num(at(&att.alpha, step - 1));
        let weight = format!("{} = {a}", alpha_formula(scene, &k));
        match (scene.definition, scene.normalization) {
            (Definition::Similarity, Normalization::None) => lang.tr(
                format!("weight α{k} = s{k} = similarity(q, x{k}) = {a}"),
                format!("权重 α{k} = s{k} = 相似度(q, x{k}) = {a}"),
            ),
            (Definition::Similarity, Normalization::Softmax) => lang.tr(
                format!("s{k} = similarity(q, x{k}) = {s}; weight {weight}"),
                format!("s{k} = 相似度(q, x{k}) = {s}；权重 {weight}"),
            ),
            _ => lang.tr(
                format!("z{k} = unit(q, x{k}) = {s}; weight {weight}"),
                format!("z{k} = unit(q, x{k}) = {s}；权重 {weight}"),
            ),
        }
    } else if step == n + 1 {
        lang.pick(
            "each LastN vector times its weight: the strips now show αᵢ × xᵢ, on the colour scale of the weighted sum",
            "每个 LastN 向量乘以它的权重：各列现在显示 αᵢ × xᵢ，颜色刻度与加权和相同",
        )
        .to_owned()
    } else if step == n + 2 {
        lang.pick(
            "weighted sum Σ αᵢ xᵢ: the parts α₁x₁ + α₂x₂ + … add up to one vector (the plain average beside it, for contrast)",
            "加权和 Σ αᵢ xᵢ：各部分 α₁x₁ + α₂x₂ + … 相加得到一个向量（旁边是简单平均，作对比）",
        )
        .to_owned()
    } else {
        lang.pick(
            "the weighted sum is a user feature of the ranking model, which predicts click rate, like rate …",
            "把加权和作为一种用户特征，输入精排模型，预估点击率、点赞率等指标",
        )
        .to_owned()
    };
    head + &body
}

/// What the charts show, as text for screen readers: a JSON object with
/// the step caption (`step`, empty when the step-through is off), a
/// sentence about the weights and the map (`map`, followed by
/// `map_note`, the catalogue's summary when the map shows one), and two
/// tables: `alphaCaption`/`alphaHead`/`alphaRows` (the items the bar
/// chart shows, with their similarity and α) and
/// `vectorsCaption`/`vectorsHead`/`vectorsRows` (q, pooled and mean by
/// component, at most 64). `step` is clamped to the last step.
#[must_use]
pub fn alt_json(scene: &Scene, att: &Attention, step: Option<usize>, lang: Lang, map_note: Option<&str>) -> serde_json::Value {
    let (s, a) = (scene, att);
    let n = s.items.len();
    let reveal = Reveal::at(step, n);
    let top = shown_rows_revealed(&a.alpha, &reveal);
    let hidden = "?".to_owned();
    let alpha_rows: Vec<Vec<String>> = top
        .iter()
        .map(|&i| {
            let known = reveal.is_all() || reveal.alpha(i);
            let (sc, al) = if known { (fmt_num(at(&a.scores, i)), fmt_num(at(&a.alpha, i))) } else { (hidden.clone(), hidden.clone()) };
            vec![format!("x{}", i + 1), s.items.get(i).map_or_else(String::new, |it| it.label.clone()), sc, al]
        })
        .collect();
    let more = n.saturating_sub(top.len());
    let alpha_caption = if !reveal.is_all() {
        lang.pick(
            "Attention weights α of the LastN items (step-through on: “?” until its step)",
            "LastN 物品的注意力权重 α（分步演示中：到相应步骤前显示为“？”）",
        )
        .to_owned()
    } else if more > 0 {
        format!("{} {}", lang.pick("Weights α of the 30 items with the largest α; not listed:", "α 最大的 30 个物品的权重；未列出："), more)
    } else {
        lang.pick("Attention weights α of the LastN items", "LastN 物品的注意力权重 α").to_owned()
    };
    let dims = s.dim().min(64);
    let vec_rows: Vec<Vec<String>> = [("q", &s.query, true), (lang.pick("pooled", "加权和"), &a.pooled, reveal.results), (lang.pick("mean", "平均"), &a.mean, reveal.results)]
        .iter()
        .map(|(name, v, known)| {
            std::iter::once((*name).to_owned())
                .chain(v.iter().take(dims).map(|x| if *known { fmt_num(*x) } else { hidden.clone() }))
                .collect()
        })
        .collect();
    let mut vec_head = vec![lang.pick("vector", "向量").to_owned()];
    vec_head.extend((1..=dims).map(|k| k.to_string()));
    let nearest = (0..n.min(a.alpha.len())).max_by(|&i, &j| a.alpha[i].total_cmp(&a.alpha[j]));
    let map = match nearest {
        Some(_) if !reveal.results => lang
            .pick(
                "Step-through on: the weights appear one step at a time; pooled and mean at the weighted-sum step.",
                "分步演示中：权重逐步出现；加权和与平均在“加权和”一步出现。",
            )
            .to_owned(),
        Some(i) => format!(
            "{} x{} {} (α = {}). Σα = {}, |{}| = {}, |{}| = {}.",
            lang.pick("The largest weight goes to", "权重最大的是"),
            i + 1,
            s.items[i].label,
            fmt_num(a.alpha[i]),
            fmt_num(a.alpha_sum),
            lang.pick("pooled", "加权和"),
            fmt_num(a.pooled_norm),
            lang.pick("mean", "平均"),
            fmt_num(a.mean_norm)
        ),
        None => lang.pick("The LastN is empty.", "LastN 为空。").to_owned(),
    };
    let map = match map_note {
        Some(note) => format!("{map} {note}"),
        None => map,
    };
    let step = match step {
        Some(k) => steps_caption(s, a, crate::steps::clamp_step(k, n), lang),
        None => String::new(),
    };
    serde_json::json!({
        "step": step, "map": map,
        "alphaCaption": alpha_caption,
        "alphaHead": [lang.pick("item", "物品"), lang.pick("label", "名称"), lang.pick("similarity", "相似度"), "α"],
        "alphaRows": alpha_rows,
        "vectorsCaption": if reveal.results {
            lang.pick("q, pooled (weighted sum) and mean (plain average), by component", "q、加权和与平均，按分量")
        } else {
            lang.pick("q, pooled (weighted sum) and mean (plain average), by component (step-through on: pooled and mean appear at the weighted-sum step)", "q、加权和与平均，按分量（分步演示中：加权和与平均在“加权和”一步出现）")
        },
        "vectorsHead": vec_head,
        "vectorsRows": vec_rows,
    })
}
