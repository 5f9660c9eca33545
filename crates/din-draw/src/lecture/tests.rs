//! Tests of the lecture panels.

use super::*;
use din_core::presets::default_scene;

use crate::textlayout::tests::svg;

fn zh() -> Style {
    let mut st = Style::new(1.0);
    st.lang = Lang::Zh;
    st
}

/// The default style, then larger fonts and the other themes: layouts
/// must hold for all of them.
fn styles() -> Vec<Style> {
    use din_core::options::Theme;
    vec![
        Style::new(1.0),
        Style::new(1.0).with_font_scale(1.5),
        Style::new(1.0).with_theme(Theme::Contrast),
        Style::new(1.0).with_theme(Theme::Contrast).with_font_scale(1.5),
        Style::new(1.0).with_theme(Theme::Dark).with_font_scale(1.25),
    ]
}

/// Text elements whose whole content is `α` followed by subscript digits.
fn alpha_labels(svg: &str) -> usize {
    svg.lines()
        .filter(|l| {
            let mut c = l.chars();
            c.next() == Some('α') && {
                let rest: Vec<char> = c.collect();
                !rest.is_empty() && rest.iter().all(|ch| ('₀'..='₉').contains(ch))
            }
        })
        .count()
}

fn steps_svg(s: &Scene, a: &Attention, step: usize, st: &Style) -> (String, StepsLayout) {
    let mut lay = None;
    // As wide as the page makes it for the text size (900 CSS px at factor 1).
    let w = (900.0 * st.text_factor()) as u32;
    let out = svg(w, steps_height_for(st) as u32, |root| lay = Some(draw_steps(root, s, a, step, st).unwrap()));
    (out, lay.unwrap())
}

#[test]
fn wrapping_latin_and_chinese() {
    let mut out = String::new();
    let root = SVGBackend::with_string(&mut out, (400, 100)).into_drawing_area();
    let st = Style::new(1.0);
    let font = st.font(12.0, &st.palette().text);
    let en = "the weighted sum is a user feature of the ranking model";
    let lines = wrap(&root, en, &font, 120);
    assert!(lines.len() > 1);
    assert_eq!(lines.join(" "), en, "breaks only at spaces");
    assert!(lines.iter().all(|l| text_width(&root, l, &font) <= 120 || !l.contains(' ')));
    let zh = "把加权和作为一种用户特征，输入精排模型，预估点击率、点赞率等指标";
    let lines = wrap(&root, zh, &font, 100);
    assert!(lines.len() > 1);
    assert_eq!(lines.concat(), zh, "nothing lost between characters");
    for l in &lines[1..] {
        let first = l.chars().next().unwrap_or(' ');
        assert!(!crate::textlayout::is_closing(first), "line starts with punctuation: {l}");
    }
    assert_eq!(wrap(&root, "", &font, 100), Vec::<String>::new());
    assert_eq!(wrap(&root, "short", &font, 1000), vec!["short".to_owned()]);
}

#[test]
fn any_size_and_shape_draws() {
    use din_core::options::Theme;
    let s = default_scene();
    let (d1, _) = s.with_dim(1).unwrap();
    let (d256, _) = s.with_dim(256).unwrap();
    let (empty, _) = s.with_patch_json(r#"{"items": []}"#).unwrap();
    let (neg, _) = s.with_patch_json(r#"{"normalization": "none", "query": [-1, 0, 0, 0, 0, 0, 0, 0]}"#).unwrap();
    for scene in [s, d1, d256, empty, neg] {
        let a = scene.validate().unwrap();
        for (w, h) in [(1, 1), (120, 80), (900, 440)] {
            for (scale, theme, fs) in [(0.25, Theme::Light, 1.0), (1.0, Theme::Light, 1.0), (3.0, Theme::Light, 1.0), (1.0, Theme::Contrast, 2.0), (3.0, Theme::Dark, 0.75)] {
                let mut st = Style::new(scale).with_theme(theme).with_font_scale(fs);
                st.highlight = Some(0);
                svg(w, h, |root| {
                    for step in [0, 1, 5, 100] {
                        draw_steps(root, &scene, &a, step, &st).unwrap();
                    }
                    draw_qkv(root, &scene, &a, &st).unwrap();
                    draw_towers(root, &scene, &a, Placement::UserTower, &st).unwrap();
                    draw_towers(root, &scene, &a, Placement::Ranking, &st).unwrap();
                });
            }
        }
    }
}

#[test]
fn subscripts() {
    assert_eq!(sub(0), "₀");
    assert_eq!(sub(12), "₁₂");
}

#[test]
fn steps_reveal_one_alpha_per_step() {
    let s = default_scene();
    let a = s.validate().unwrap();
    let n = s.items.len();
    assert_eq!(steps_total(n), 13);
    for (k, st) in (0..=n).flat_map(|k| styles().into_iter().map(move |st| (k, st))) {
        let (out, lay) = steps_svg(&s, &a, k, &st);
        assert_eq!(alpha_labels(&out), k, "step {k}");
        assert_eq!(lay.alphas, k);
        assert_eq!(lay.items.len(), n);
        assert!(lay.pooled.is_none() && lay.ranking.is_none());
        assert!(out.contains(&format!("Step {k} of 12")));
        // The value of every visible weight is printed.
        for i in 0..k {
            assert!(out.contains(&format!("\n{}\n", fmt_num(a.alpha[i]))), "alpha {i} at step {k}");
        }
    }
    let (out, _) = steps_svg(&s, &a, 2, &Style::new(1.0));
    assert!(out.contains("similarity(q, x₂)"));
    assert!(out.contains("q\n") && out.contains("candidate item"));
}

/// The fill colours of the cells of the vertical strip `r` in an SVG,
/// top to bottom (filled rectangles as wide as the strip, inside it).
fn strip_fills(svg: &str, r: Rect) -> Vec<String> {
    let attr = |el: &str, name: &str| -> Option<String> {
        let key = format!(" {name}=\"");
        let at = el.find(&key)? + key.len();
        Some(el[at..].split('"').next()?.to_owned())
    };
    let mut cells: Vec<(i32, String)> = svg
        .split("<rect")
        .skip(1)
        .filter_map(|el| {
            let el = el.split("/>").next()?;
            let num = |n: &str| attr(el, n).and_then(|v| v.parse::<f64>().ok()).map(|v| v.round() as i32);
            let (x, y, w) = (num("x")?, num("y")?, num("width")?);
            let fill = attr(el, "fill")?;
            (x == r.0 && w == r.2 - r.0 && y >= r.1 && y < r.3 && fill != "none").then_some((y, fill.to_lowercase()))
        })
        .collect();
    cells.sort();
    cells.into_iter().map(|(_, f)| f).collect()
}

/// Issue 11 §3: at "αᵢ × xᵢ" each LastN strip is αᵢxᵢ on the panel's one
/// scale; at "weighted sum" the sum strip is pooled on the same scale;
/// the scale is the same on every step.
#[test]
fn products_and_the_sum_share_one_colour_scale() {
    use crate::palette::hex;
    let base = default_scene();
    let setting = din_core::steps::lecture_setting("why-din-works").unwrap();
    for s in [base.clone(), setting.applied_to(&base)] {
        let a = s.validate().unwrap();
        let n = s.items.len();
        for st in styles() {
            let pal = st.palette();
            let limits: Vec<f64> = (0..steps_total(n)).map(|k| steps_svg(&s, &a, k, &st).1.limit).collect();
            assert!(limits.iter().all(|l| *l == limits[0]), "one scale on every step: {limits:?}");
            let (out, lay) = steps_svg(&s, &a, n + 1, &st);
            for (i, r) in lay.items.iter().enumerate() {
                let want: Vec<String> = s.items[i].vector.iter().map(|v| hex(pal.diverging(a.alpha[i] * v, lay.limit))).collect();
                assert_eq!(strip_fills(&out, *r), want, "x{} at αᵢ × xᵢ", i + 1);
            }
            let (out, lay) = steps_svg(&s, &a, n + 2, &st);
            let want: Vec<String> = a.pooled.iter().map(|v| hex(pal.diverging(*v, lay.limit))).collect();
            assert_eq!(strip_fills(&out, lay.pooled.unwrap()), want, "the weighted sum");
            let want: Vec<String> = a.mean.iter().map(|v| hex(pal.diverging(*v, lay.limit))).collect();
            assert_eq!(strip_fills(&out, lay.mean.unwrap()), want, "the mean");
            // The parts are still αᵢxᵢ beside the sum, joined by "+".
            let want: Vec<String> = s.items[0].vector.iter().map(|v| hex(pal.diverging(a.alpha[0] * v, lay.limit))).collect();
            assert_eq!(strip_fills(&out, lay.items[0]), want);
            assert_eq!(out.matches("\n+\n").count(), n - 1);
            assert!(out.contains("= Σ"));
        }
    }
}

/// The weighted sum builds up part by part while it animates, and ends exactly at pooled.
#[test]
fn the_sum_builds_up_part_by_part() {
    use crate::palette::hex;
    let s = default_scene();
    let a = s.validate().unwrap();
    let n = s.items.len();
    let st = Style::new(1.0);
    let pal = st.palette();
    let draw = |t: f64| {
        let mut lay = None;
        let out = svg(900, steps_height_for(&st) as u32, |root| lay = Some(draw_steps_at(root, &s, &a, n + 2, t, &st).unwrap()));
        (out, lay.unwrap())
    };
    for k in 0..n {
        let t = (k as f64 + 0.5) / n as f64;
        let (out, lay) = draw(t);
        assert_eq!(lay.adding, Some(k));
        let want: Vec<String> = din_core::steps::partial_sum(&s, &a, t).iter().map(|v| hex(pal.diverging(*v, lay.limit))).collect();
        assert_eq!(strip_fills(&out, lay.pooled.unwrap()), want, "t = {t}");
    }
    let (out, lay) = draw(1.0);
    assert_eq!(lay.adding, None);
    let want: Vec<String> = a.pooled.iter().map(|v| hex(pal.diverging(*v, lay.limit))).collect();
    assert_eq!(strip_fills(&out, lay.pooled.unwrap()), want);
    // Other steps ignore the progress.
    let mut lay = None;
    svg(900, 440, |root| lay = Some(draw_steps_at(root, &s, &a, n + 1, 0.3, &st).unwrap()));
    assert_eq!(lay.unwrap().adding, None);
}

#[test]
fn steps_products_sum_and_ranking() {
    let s = default_scene();
    let a = s.validate().unwrap();
    let n = s.items.len();
    for st in styles() {
    let (out, lay) = steps_svg(&s, &a, n + 1, &st);
    assert_eq!(alpha_labels(&out), n);
    assert_eq!(out.matches("\n×\n").count(), n);
    assert!(lay.pooled.is_none());
    let (out, lay) = steps_svg(&s, &a, n + 2, &st);
    assert!(lay.pooled.is_some() && lay.mean.is_some() && lay.ranking.is_none());
    // The strips are named pooled and mean; the caption says what they are.
    assert!(out.contains("weighted sum") && out.contains("\npooled\n") && out.contains("\nmean\n") && !out.contains("\naverage\n"), "{out}");
    assert!(!out.contains("ranking model"));
    let (out, lay) = steps_svg(&s, &a, n + 3, &st);
    assert!(lay.ranking.is_some());
    // (Where the caption breaks its lines depends on the text size.)
    assert!(out.contains("ranking model") && out.contains("click rate") && out.contains("like rate"));
    // Clamping: any later step is the last one.
    let (out2, lay2) = steps_svg(&s, &a, 1000, &st);
    assert_eq!(lay2.step, n + 3);
    assert_eq!(out, out2);
    // Strips: pooled beside the mean, right of q, right of the items.
    let (p, m) = (lay.pooled.unwrap(), lay.mean.unwrap());
    assert!(m.2 < p.0 && lay.query.2 < m.0 && lay.items[n - 1].2 < lay.query.0);
    assert!(lay.ranking.unwrap().1 > p.3);
    }
}

#[test]
fn steps_in_chinese() {
    let s = default_scene();
    let a = s.validate().unwrap();
    let n = s.items.len();
    let (out, _) = steps_svg(&s, &a, 0, &zh());
    assert!(out.contains("第 0 步 / 12：") && out.contains("候选物品"));
    let (out, _) = steps_svg(&s, &a, 3, &zh());
    assert!(out.contains("相似度(q, x₃)"));
    assert_eq!(alpha_labels(&out), 3);
    let (out, _) = steps_svg(&s, &a, n + 3, &zh());
    assert!(out.contains("精排模型") && out.contains("加权和") && out.contains("平均"));
    assert!(!out.contains("ranking model"));
}

#[test]
fn steps_many_items_and_none() {
    let s = default_scene();
    let items: Vec<serde_json::Value> = (0..25)
        .map(|i| serde_json::json!({"label": format!("item {i}"), "vector": s.items[i % 9].vector}))
        .collect();
    let (big, a) = s.with_patch(&serde_json::json!({ "items": items })).unwrap();
    let (out, lay) = steps_svg(&big, &a, 24, &Style::new(1.0));
    assert_eq!(lay.shown, 20);
    assert_eq!(alpha_labels(&out), 20);
    assert!(out.contains("(first 20 of 25 shown)"));
    assert!(out.contains("α₂₄ = softmax(s)₂₄"), "caption names the step's weight");
    let (empty, a) = s.with_patch_json(r#"{"items": []}"#).unwrap();
    for step in 0..6 {
        let (out, lay) = steps_svg(&empty, &a, step, &Style::new(1.0));
        assert_eq!(lay.step, step.min(3));
        assert!(out.contains("No LastN items"));
    }
}

#[test]
fn steps_highlight_and_scale() {
    let s = default_scene();
    let a = s.validate().unwrap();
    let mut st = Style::new(2.0);
    st.highlight = Some(4);
    let mut lay = None;
    svg(1800, 880, |root| lay = Some(draw_steps(root, &s, &a, 5, &st).unwrap()));
    let lay = lay.unwrap();
    let (_, lay1) = steps_svg(&s, &a, 5, &Style::new(1.0));
    // Twice the pixels, twice the coordinates (up to rounding).
    for (r2, r1) in lay.items.iter().zip(&lay1.items) {
        assert!((r2.0 - 2 * r1.0).abs() <= 3 && (r2.3 - 2 * r1.3).abs() <= 3);
    }
}

fn qkv_svg(s: &Scene, a: &Attention, st: &Style) -> (String, QkvLayout) {
    let mut lay = None;
    let w = (960.0 * st.text_factor()) as u32;
    let out = svg(w, qkv_height_for(s.items.len(), st) as u32, |root| lay = Some(draw_qkv(root, s, a, st).unwrap()));
    (out, lay.unwrap())
}

#[test]
fn qkv_labels_and_values() {
    let s = default_scene();
    let a = s.validate().unwrap();
    for st in styles() {
    let (out, lay) = qkv_svg(&s, &a, &st);
    for label in ["Query", "Keys", "Values", "Output", "softmax", "score", "weight"] {
        assert!(out.contains(label), "{label}");
    }
    for (i, al) in a.alpha.iter().enumerate() {
        assert!(out.contains(&format!("\n{}\n", fmt_num(*al))), "alpha {i}");
        assert!(out.contains(&format!("\n{}\n", fmt_num(a.scores[i]))), "score {i}");
    }
    assert!(out.contains("Σα = 1"));
    assert_eq!(lay.rows.len(), 9);
    assert_eq!(lay.keys.len(), 9);
    // Rows are stacked top to bottom and do not overlap; keys left of values.
    for i in 1..9 {
        assert!(lay.rows[i].1 >= lay.rows[i - 1].3 - 1);
    }
    for (k, v) in lay.keys.iter().zip(&lay.values) {
        assert!(k.2 < v.0 && k.1 == v.1);
        assert!(lay.query.2 < k.0 && v.2 < lay.output.0);
    }
    // Without softmax: "α = s", no softmax box.
    let (s2, a2) = s.with_patch_json(r#"{"normalization": "none"}"#).unwrap();
    let (out, _) = qkv_svg(&s2, &a2, &st);
    assert!(out.contains("α = s") && !out.contains("\nsoftmax\n"));
    for al in &a2.alpha {
        assert!(out.contains(&format!("\n{}\n", fmt_num(*al))));
    }
    }
}

/// Issue 11 §2: for every definition, each header of the Q/K/V panel is
/// the formula the scene computes (evaluated from its text, it gives
/// the scores and weights), and the numbers shown are the computed ones.
/// Also the step captions, the towers' formula and the bars' subtitle.
#[test]
fn every_formula_shown_is_the_one_computed() {
    use din_core::explain::{alpha_formula, eval_alpha_formula, eval_score_formula, every_definition, score_formula, score_symbol};
    use din_core::unit::WeightForm;
    for (def, sim, act, weight) in every_definition() {
        for norm in Normalization::ALL {
            let mut s = default_scene();
            (s.definition, s.similarity, s.activation, s.weight, s.normalization, s.temperature) = (def, sim, act, weight, norm, 0.5);
            let a = s.validate().unwrap();
            let what = format!("{def:?} {sim:?} {act:?} {weight:?} {norm:?}");
            let (out, lay) = qkv_svg(&s, &a, &Style::new(1.0));
            // The score column: its formula, evaluated, gives the scores shown.
            let score_head = format!("{}ᵢ = {}", score_symbol(&s), score_formula(&s, "kᵢ"));
            assert!(out.contains(&format!("\n{score_head}\n")), "{what}: score header {score_head}");
            let computed = eval_score_formula(&score_formula(&s, "xᵢ"), &s);
            // The weight column: its formula, evaluated on those scores, gives the weights shown.
            let alpha_head = alpha_formula(&s, "ᵢ");
            assert!(out.contains(&format!("\n{alpha_head}\n")), "{what}: weight header {alpha_head}");
            let weights = eval_alpha_formula(&alpha_head, &s, &computed);
            for i in 0..lay.shown {
                assert!((computed[i] - a.scores[i]).abs() < 1e-9 && (weights[i] - a.alpha[i]).abs() < 1e-9, "{what}: row {i}");
                assert!(out.contains(&format!("\n{}\n", fmt_num(a.scores[i]))), "{what}: score {i} shown");
                assert!(out.contains(&format!("\n{}\n", fmt_num(a.alpha[i]))), "{what}: α {i} shown");
            }
            // The normalisation column says what happens between the two.
            let softmax = def == Definition::Authors || norm == Normalization::Softmax;
            assert_eq!(out.contains("\nsoftmax\n"), softmax, "{what}: softmax box");
            match (def, norm, weight) {
                (Definition::Authors, ..) => assert!(out.contains("\n3 of 12 masked\n") && out.contains("÷√d, Σα = 1"), "{what}"),
                (_, Normalization::Softmax, _) => assert!(out.contains("\nT = 0.5\n"), "{what}"),
                (Definition::Unit, _, WeightForm::Logit) => {
                    assert!(out.contains("\nα = z\n") && out.matches("\n=\n").count() == lay.shown, "{what}: α = z, '=' per row");
                }
                (Definition::Unit, _, WeightForm::Sigmoid) => {
                    assert!(out.contains("\nsigmoid\n") && out.matches("\nσ\n").count() == lay.shown, "{what}: sigmoid, σ per row");
                }
                (Definition::Similarity, ..) => assert!(out.contains("\nα = s\n") && out.matches("\n=\n").count() == lay.shown, "{what}"),
            }
            assert!(!out.contains("α = s\n") || def == Definition::Similarity, "{what}: α = s only for a similarity");
            // The step captions name the same weight and the same numbers.
            for step in [1, 4] {
                let c = steps_caption(&s, &a, step, Lang::En);
                let k = crate::textlayout::sub(step);
                assert!(c.contains(&fmt_num(a.alpha[step - 1])), "{what}: {c}");
                if def == Definition::Similarity && norm == Normalization::None {
                    assert!(c.contains(&format!("α{k} = s{k}")), "{what}: {c}");
                } else {
                    assert!(c.contains(&alpha_formula(&s, &k)) && c.contains(&fmt_num(a.scores[step - 1])), "{what}: {c}");
                }
            }
            // The towers' attention box and the bars' subtitle.
            let mut tow = None;
            let tout = svg(960, towers_height_for(&Style::new(1.0)) as u32, |root| tow = Some(draw_towers(root, &s, &a, Placement::Ranking, &Style::new(1.0)).unwrap()));
            assert!(tow.is_some() && tout.contains(&din_core::explain::alpha_of(&s, "xᵢ")), "{what}: towers");
            let d = crate::draw::definition_text(&s, Lang::En);
            let bout = svg(900, 400, |root| { crate::draw::draw_bars(root, &s, &a, &Style::new(1.0)).unwrap(); });
            assert!(bout.replace("&apos;", "'").contains(&d), "{what}: bars subtitle {d}");
        }
    }
}

#[test]
fn qkv_highlight_and_chinese() {
    let s = default_scene();
    let a = s.validate().unwrap();
    let mut st = zh();
    st.highlight = Some(2);
    let (out, lay) = qkv_svg(&s, &a, &st);
    for label in ["查询", "键", "值", "输出", "权重"] {
        assert!(out.contains(label), "{label}");
    }
    assert!(!out.contains("Query"));
    // The highlighted row's label is bold.
    assert!(out.contains("font-weight=\"bold\""));
    let r = lay.rows[2];
    assert!(r.0 < lay.keys[2].0 && r.2 > lay.values[2].2);
    let (empty, a) = s.with_patch_json(r#"{"items": []}"#).unwrap();
    let (out, lay) = qkv_svg(&empty, &a, &Style::new(1.0));
    assert!(lay.rows.is_empty() && out.contains("No LastN items"));
}

fn towers_svg(p: Placement, st: &Style) -> (String, TowersLayout) {
    let s = default_scene();
    let a = s.validate().unwrap();
    let mut lay = None;
    let w = (960.0 * st.text_factor()) as u32;
    let out = svg(w, towers_height_for(st) as u32, |root| lay = Some(draw_towers(root, &s, &a, p, st).unwrap()));
    (out, lay.unwrap())
}

#[test]
fn towers_placement_changes_the_story() {
    for st in styles() {
    let half = (480.0 * st.text_factor()) as i32;
    let (out, lay) = towers_svg(Placement::UserTower, &st);
    assert!(out.contains("never sees the candidate item"));
    assert!(out.contains("attention fits only the ranking model"));
    assert!(!lay.attention_active && lay.pooled.is_none());
    assert_eq!(lay.mean.len(), 2, "both models use the average");
    // The greyed attention box sits in the two-tower half.
    assert!(lay.attention.2 < half && lay.attention.0 > lay.user_tower.0);
    let (out, lay) = towers_svg(Placement::Ranking, &st);
    assert!(!out.contains("never sees the candidate item"));
    assert!(out.contains("attention fits only the ranking model"));
    assert!(lay.attention_active && lay.pooled.is_some());
    assert_eq!(lay.mean.len(), 1, "the user tower keeps the average");
    assert!(lay.attention.0 > half, "attention in the ranking half");
    assert!(out.contains("click rate") && out.contains("user tower") && out.contains("item tower"));
    assert_eq!(lay.items.len(), 18, "LastN drawn on both sides");
    // The boxes of the two halves stay apart.
    assert!(lay.item_tower.2 < half && lay.ranking.0 > half);
    assert!(lay.user_tower.2 < lay.item_tower.0);
    }
}

/// Whether two rectangles share any area (touching edges do not count).
fn overlap(a: Rect, b: Rect) -> bool {
    a.0 < b.2 && b.0 < a.2 && a.1 < b.3 && b.1 < a.3
}

#[test]
fn towers_labels_never_overlap() {
    // Phone (stacked), lecture-mode tabs at 1366 and 1920 wide, the
    // page's panel, a slide: no text box overlaps another or a box, and
    // every one stays inside the panel.
    let s = default_scene();
    let a = s.validate().unwrap();
    let sizes = [(370.0, None), (340.0, None), (536.0, Some(600.0)), (640.0, Some(500.0)), (800.0, Some(860.0)), (900.0, Some(506.0)), (1280.0, Some(720.0))];
    let mut checked = 0;
    for lang in [Lang::En, Lang::Zh] {
        for theme in [din_core::options::Theme::Light, din_core::options::Theme::Contrast] {
            for scale in [1.0, 2.0] {
                let mut st = Style::new(scale).with_theme(theme);
                st.lang = lang;
                for (w_css, h_css) in sizes {
                    let h_css = h_css.unwrap_or_else(|| towers_height_at(w_css, &st));
                    let (w, h) = ((w_css * scale) as u32, (h_css * scale) as u32);
                    for p in [Placement::UserTower, Placement::Ranking] {
                        let mut lay = None;
                        svg(w, h, |root| lay = Some(draw_towers(root, &s, &a, p, &st).unwrap()));
                        let lay = lay.unwrap();
                        let what = format!("{lang:?} {theme:?} ×{scale} {w_css}×{h_css} {p:?}");
                        assert_eq!(lay.stacked, w_css < 600.0 * st.text_factor() && h_css >= 700.0 * st.text_factor(), "{what}");
                        assert!(lay.labels.len() >= 14, "{what}: {} labels", lay.labels.len());
                        for (i, l) in lay.labels.iter().enumerate() {
                            assert!(l.0 >= 0 && l.1 >= 0 && l.2 <= w as i32 && l.3 <= h as i32, "{what}: label {i} {l:?} leaves the panel");
                            for (j, m) in lay.labels.iter().enumerate().skip(i + 1) {
                                assert!(!overlap(*l, *m), "{what}: labels {i} {l:?} and {j} {m:?} overlap");
                            }
                            for b in &lay.boxes {
                                assert!(!overlap(*l, *b), "{what}: label {i} {l:?} overlaps the box {b:?}");
                            }
                        }
                        checked += 1;
                    }
                }
            }
        }
    }
    assert_eq!(checked, 2 * 2 * 2 * sizes.len() * 2);
    // A phone stacks the models: the ranking model under the two-tower model.
    let st = Style::new(1.0);
    let h = towers_height_at(370.0, &st) as u32;
    let mut lay = None;
    svg(370, h, |root| lay = Some(draw_towers(root, &s, &a, Placement::Ranking, &st).unwrap()));
    let lay = lay.unwrap();
    assert!(lay.stacked);
    assert!(lay.ranking.1 > lay.user_tower.3 && lay.ranking.1 > lay.item_tower.3, "{lay:?}");
}

#[test]
fn towers_in_chinese() {
    let (out, _) = towers_svg(Placement::UserTower, &zh());
    assert!(out.contains("用户塔看不到候选物品"));
    assert!(out.contains("双塔模型") && out.contains("精排模型") && out.contains("物品塔"));
    assert!(out.contains("注意力机制只适用于精排模型"));
    let (out, _) = towers_svg(Placement::Ranking, &zh());
    assert!(!out.contains("用户塔看不到候选物品"));
    assert!(out.contains("点击率") && out.contains("点赞率"));
}
