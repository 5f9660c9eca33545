//! Tests that recompute every sentence and formula.

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

/// The text alternative lists the rows the charts show: with the
/// step-through on, the first 30 of a long LastN in order, α only up to
/// the step and pooled/mean hidden; off, the 30 largest weights, largest
/// first, and every number.
#[test]
fn alt_json_rows_follow_the_step() {
    let s = crate::presets::generated(100, 8, 2018);
    let a = s.validate().unwrap();
    let v = alt_json(&s, &a, Some(3), Lang::En, None);
    let rows = v["alphaRows"].as_array().unwrap();
    assert_eq!(rows.len(), 30);
    let names: Vec<&str> = rows.iter().map(|r| r[0].as_str().unwrap()).collect();
    assert_eq!(names[..4], ["x1", "x2", "x3", "x4"]);
    assert_eq!(names[29], "x30");
    assert_eq!(rows[2][3].as_str().unwrap(), fmt_num(a.alpha[2]));
    assert_eq!(rows[3][3], "?");
    assert_eq!(rows[3][2], "?");
    assert!(v["step"].as_str().unwrap().starts_with("Step 3 of 103: "), "{}", v["step"]);
    assert_eq!(v["step"].as_str().unwrap(), steps_caption(&s, &a, 3, Lang::En));
    let vectors = v["vectorsRows"].as_array().unwrap();
    assert_eq!(vectors[0][1].as_str().unwrap(), fmt_num(s.query[0]));
    assert_eq!(vectors[1][1], "?");
    assert!(v["map"].as_str().unwrap().starts_with("Step-through on:"));

    let off = alt_json(&s, &a, None, Lang::Zh, Some("NOTE"));
    let rows = off["alphaRows"].as_array().unwrap();
    assert_eq!(rows.len(), 30);
    let top = crate::attention::top_k_descending(&a.alpha, 30);
    let want: Vec<String> = top.iter().map(|i| format!("x{}", i + 1)).collect();
    let got: Vec<&str> = rows.iter().map(|r| r[0].as_str().unwrap()).collect();
    assert_eq!(got, want);
    assert_eq!(off["alphaCaption"], "α 最大的 30 个物品的权重；未列出： 70");
    assert_eq!(off["step"], "");
    assert!(off["map"].as_str().unwrap().starts_with(&format!("权重最大的是 x{} ", top[0] + 1)));
    assert!(off["map"].as_str().unwrap().ends_with(" NOTE"));
    assert_eq!(off["vectorsRows"][1][1].as_str().unwrap(), fmt_num(a.pooled[0]));
    assert_eq!(off["vectorsHead"].as_array().unwrap().len(), 9);

    // A short LastN: every item in order, the step past the end clamped in the caption.
    let s = crate::presets::default_scene();
    let a = s.validate().unwrap();
    let n = s.items.len();
    let v = alt_json(&s, &a, Some(usize::MAX), Lang::En, None);
    assert_eq!(v["alphaRows"].as_array().unwrap().len(), n);
    assert_eq!(v["step"].as_str().unwrap(), steps_caption(&s, &a, crate::steps::steps_total(n) - 1, Lang::En));
}
