//! The attention view, deck pp. 11-12: query, keys and values.

use super::*;

// ---------------------------------------------------------------------------
// Attention view, deck pp. 11-12.

/// Preferred CSS height of the query/key/value panel for `n` items in
/// `st`'s theme and font scale.
///
/// ```
/// use din_draw::draw::{Style, Theme};
/// use din_draw::lecture::qkv_height_for;
/// assert!(qkv_height_for(9, &Style::new(1.0)) > qkv_height_for(4, &Style::new(1.0)));
/// assert!(qkv_height_for(9, &Style::new(1.0).with_theme(Theme::Contrast)) > qkv_height_for(9, &Style::new(1.0)));
/// ```
#[must_use]
pub fn qkv_height_for(n: usize, st: &Style) -> f64 {
    grown(150.0 + 32.0 * n.clamp(3, MAX_SHOWN) as f64, st)
}

/// Where [`draw_qkv`] put things, in backend pixels.
#[derive(Clone, Debug, PartialEq)]
pub struct QkvLayout {
    /// Number of LastN rows drawn (at most [`MAX_SHOWN`]).
    pub shown: usize,
    /// Hit rectangle of each drawn item's row (key, score, weight, value).
    pub rows: Vec<Rect>,
    /// The query strip.
    pub query: Rect,
    /// Each drawn item's key strip.
    pub keys: Vec<Rect>,
    /// Each drawn item's value strip.
    pub values: Vec<Rect>,
    /// The output strip (`Σ α_i v_i`, the pooled vector).
    pub output: Rect,
}

/// Draws deck pp. 11-12: the scene's numbers relabelled as one head of
/// attention. The candidate `q` is the query; each `x_i` is a key and a
/// value (two columns of strips, same item colours); the scores `s_i`,
/// the weights `α_i` (through a softmax box, or `α = s` without softmax)
/// and the output `Σ α_i v_i`, which is the pooled vector. Lines from the
/// query to the keys and from the values to the output are as thick and
/// opaque as `|α_i|`. The item `st.highlight` is emphasised across the
/// row; the returned rows are its hit rectangles.
///
/// # Errors
/// A [`DrawError`] if the backend fails.
pub fn draw_qkv<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    scene: &Scene,
    att: &Attention,
    st: &Style,
) -> Result<QkvLayout, DrawError> {
    let pal = st.palette();
    area.fill(&pal.background).map_err(err)?;
    let (w, h) = area.dim_in_pixel();
    let (w, h) = (w as i32, h as i32);
    let lang = st.lang;
    let pad = st.px(12.0);
    let n = scene.items.len();
    let shown = n.min(MAX_SHOWN);
    let limit = shared_limit(scene, att);
    let amax = abs_max(&att.alpha);

    let title = lang.pick(
        "DIN is attention: the candidate item is the query, the LastN items are the keys and the values",
        "DIN 的本质是注意力机制：候选物品作为 query，LastN 物品作为 key 和 value",
    );
    let tfont = st.bold(16.0, &pal.text);
    let tl = wrap(area, title, &tfont, w - 2 * pad);
    text_lines(area, &tl[..tl.len().min(2)], (pad, pad), st.tpx(21.0), &tfont, HPos::Left)?;
    let mut info = format!(
        "{} · {}",
        lang.pick("single-head attention, the same numbers as the other panels", "单头注意力，数值与其他面板相同"),
        settings_line(scene, lang)
    );
    if n > MAX_SHOWN {
        info = format!("{info}  {}", first_shown(n, lang));
    }
    let info_px = fit_px(area, &info, w - 2 * pad, 13.0, 10.0, true, st);
    let info_font = st.font(info_px, &pal.muted);
    let info = clip_to(area, &info, &info_font, w - 2 * pad);
    let info_y = pad + st.tpx(44.0);
    text(area, &info, (pad, info_y), info_font, HPos::Left, VPos::Top)?;

    // Columns, in CSS px at full size; squeezed together on narrow panels
    // (text is clipped or shrunk to its column, never overlaps the next).
    let label_font = st.font(13.0, &pal.text);
    let labels: Vec<String> = (0..shown).map(|i| format!("x{} {}", sub(i + 1), item_label(scene, i))).collect();
    let max_label = labels.iter().map(|l| text_width(area, l, &label_font)).max().unwrap_or(0);
    // Widths here are in CSS px of text (CSS px times the text factor).
    let lw_css = (f64::from(max_label) / px_f(st, 1.0) + 18.0).clamp(40.0, 180.0);
    let natural = 24.0 + 2.0 * 112.0 + 2.0 * 44.0 + lw_css + 20.0 + 92.0 + 84.0 + 100.0 + 2.0 * 24.0;
    let k = (f64::from(w) / px_f(st, 1.0) / natural).min(1.0);
    let col = |css: f64| st.tpx(css * k);
    let (fan, gap, score_w, norm_w, alpha_w) = (col(44.0), col(10.0), col(92.0), col(84.0), col(100.0));
    let swatch = st.tpx(10.0);
    let lw = col(lw_css);
    let min_side = col(112.0);
    let others = 2 * pad + 2 * fan + lw + gap + score_w + norm_w + alpha_w + gap;
    let sw4 = (w - others) / 4;
    let (sw, side) = if sw4 >= min_side {
        (sw4.min(st.tpx(170.0)), sw4.min(st.tpx(170.0)).max(min_side))
    } else {
        (((w - others - 2 * min_side) / 2).max(col(24.0)), min_side)
    };
    let q_x0 = pad;
    let k_lx = q_x0 + side + fan; // key labels
    let k_x0 = k_lx + lw;
    let s_x0 = k_x0 + sw + gap;
    let n_x0 = s_x0 + score_w;
    let a_x0 = n_x0 + norm_w;
    let v_x0 = a_x0 + alpha_w + gap;
    let o_x0 = v_x0 + sw + fan;

    // Headers: name (bold) and formula (muted).
    let head_y = info_y + st.tpx(26.0);
    let sub_y = head_y + st.tpx(18.0);
    let rows_top = sub_y + st.tpx(24.0);
    let note_h = if n > MAX_SHOWN { st.tpx(18.0) } else { 0 };
    let rows_bottom = (h - pad - note_h).max(rows_top + st.tpx(20.0));
    let row_h = if shown == 0 { 0.0 } else { (f64::from(rows_bottom - rows_top) / shown as f64).min(px_f(st, 40.0)) };
    let rows_end = rows_top + (row_h * shown as f64).round() as i32;
    let mid_y = if shown == 0 { f64::from(rows_top + rows_bottom) / 2.0 } else { f64::from(rows_top + rows_end) / 2.0 };
    let sh = (row_h * 0.62).clamp(3.0, px_f(st, 24.0));
    let big_h = px_f(st, 24.0);
    // Every header is the formula the computation uses (explain).
    let (norm_name, norm_sub) = match (scene.definition, scene.normalization, scene.weight) {
        (Definition::Authors, ..) => (
            "softmax".to_owned(),
            lang.tr(format!("{} of {} masked", scene.padded_len() - n, scene.padded_len()), format!("{} 个中 {} 个被掩码", scene.padded_len(), scene.padded_len() - n)),
        ),
        (_, Normalization::Softmax, _) => ("softmax".to_owned(), format!("T = {}", fmt_num(scene.temperature))),
        (Definition::Unit, Normalization::None, WeightForm::Logit) => ("α = z".to_owned(), lang.pick("paper, no softmax", "论文，不做 softmax").to_owned()),
        (Definition::Unit, Normalization::None, WeightForm::Sigmoid) => ("sigmoid".to_owned(), lang.pick("no softmax", "不做 softmax").to_owned()),
        (Definition::Similarity, Normalization::None, _) => ("α = s".to_owned(), lang.pick("no softmax", "不做 softmax").to_owned()),
    };
    let sym = din_core::explain::score_symbol(scene);
    let heads: [(i32, i32, &str, String); 7] = [
        (q_x0, q_x0 + side, lang.pick("Query", "查询 query"), lang.pick("candidate item q", "候选物品 q").to_owned()),
        (k_lx, k_x0 + sw, lang.pick("Keys", "键 key"), "kᵢ = xᵢ".to_owned()),
        (s_x0, s_x0 + score_w, lang.pick("score", "分数"), format!("{sym}ᵢ = {}", din_core::explain::score_formula(scene, "kᵢ"))),
        (n_x0, n_x0 + norm_w, &norm_name, norm_sub),
        (a_x0, a_x0 + alpha_w, lang.pick("weight", "权重"), din_core::explain::alpha_formula(scene, "ᵢ")),
        (v_x0, v_x0 + sw, lang.pick("Values", "值 value"), "vᵢ = xᵢ".to_owned()),
        (o_x0, o_x0 + side, lang.pick("Output", "输出 output"), "Σ αᵢ vᵢ".to_owned()),
    ];
    for (k, (x0, x1, name, formula)) in heads.iter().enumerate() {
        let (x0, x1) = ((*x0).max(0), (*x1).min(w - pad / 2));
        let c = (x0 + x1) / 2;
        // Fit each header to its column (shrinking, then clipping) so that
        // neighbouring headers never overlap: a column with a gap beside it
        // may use the gap; the score, normalisation and weight columns
        // (2, 3, 4) touch each other, and their formulas can be long.
        let width = (x1 - x0 + if (2..=4).contains(&k) { 0 } else { gap }).max(st.tpx(24.0));
        let npx = fit_px(area, name, width, 14.0, 8.0, true, st);
        let nfont = st.bold(npx, &pal.text);
        let shown_name = clip_to(area, name, &nfont, width);
        text(area, &shown_name, (c, head_y), nfont, HPos::Center, VPos::Top)?;
        let fpx = fit_px(area, formula, width, 12.0, 7.0, false, st);
        let ffont = st.font(fpx, &pal.muted);
        let shown_formula = clip_to(area, formula, &ffont, width);
        text(area, &shown_formula, (c, sub_y), ffont, HPos::Center, VPos::Top)?;
    }

    // The query (left) and the output (right), centred on the rows.
    let q_sw = f64::from(sw.min(side));
    let qc = f64::from(q_x0) + f64::from(side) / 2.0;
    let query: Rect = (
        (qc - q_sw / 2.0).round() as i32,
        (mid_y - big_h / 2.0).round() as i32,
        (qc + q_sw / 2.0).round() as i32,
        (mid_y + big_h / 2.0).round() as i32,
    );
    let oc = f64::from(o_x0) + f64::from(side) / 2.0;
    let output: Rect = ((oc - q_sw / 2.0).round() as i32, query.1, (oc + q_sw / 2.0).round() as i32, query.3);

    // Row bands, fans and the softmax box go under the strips.
    let yc = |i: usize| f64::from(rows_top) + row_h * (i as f64 + 0.5);
    let mut rows = Vec::with_capacity(shown);
    for i in 0..shown {
        let r: Rect = (
            k_lx - st.tpx(4.0),
            (yc(i) - row_h / 2.0).round() as i32,
            v_x0 + sw + st.tpx(4.0),
            (yc(i) + row_h / 2.0).round() as i32,
        );
        if highlighted(st, i) {
            rect(area, r, pal.item_of(scene, i).mix(0.16).filled())?;
        }
        rows.push(r);
        line(area, vec![(s_x0 + score_w - st.tpx(2.0), yc(i).round() as i32), (a_x0, yc(i).round() as i32)], pal.grid.stroke_width(st.stroke(1.0)))?;
    }
    let reveal = st.reveal;
    let known = |i: usize| reveal.is_all() || reveal.alpha(i);
    for i in 0..shown {
        let a = at(&att.alpha, i);
        // A weight the step-through has not revealed yet: a thin grey line.
        let rel = if !known(i) { 0.0 } else if amax > 0.0 { (a.abs() / amax).min(1.0) } else { 0.0 };
        let hl = highlighted(st, i);
        let opacity = if hl { 1.0 } else { 0.18 + 0.82 * rel };
        let width = 0.75 + 4.5 * rel;
        let ink = if known(i) { pal.item_of(scene, i) } else { pal.axis };
        let style = ink.mix(opacity).stroke_width(st.stroke(width));
        let y = yc(i).round() as i32;
        let q_end = (query.2, ((query.1 + query.3) / 2));
        let o_end = (output.0, ((output.1 + output.3) / 2));
        if a < 0.0 {
            dashed_line(area, q_end, (k_lx - st.tpx(2.0), y), 5.0 * st.scale, style)?;
            dashed_line(area, (v_x0 + sw, y), o_end, 5.0 * st.scale, style)?;
        } else {
            line(area, vec![q_end, (k_lx - st.tpx(2.0), y)], style)?;
            line(area, vec![(v_x0 + sw, y), o_end], style)?;
        }
    }
    if shown > 0 {
        let bx: Rect = (n_x0 + st.tpx(8.0), rows_top + st.tpx(2.0), n_x0 + norm_w - st.tpx(8.0), rows_end - st.tpx(2.0));
        let authors = scene.definition == Definition::Authors;
        if authors || scene.normalization == Normalization::Softmax {
            rect(area, bx, pal.panel.filled())?;
            rect(area, bx, pal.axis.stroke_width(st.stroke(1.5)))?;
            let c = (bx.0 + bx.2) / 2;
            let bpx = fit_px(area, "softmax", bx.2 - bx.0 - st.tpx(4.0), 14.0, 8.0, true, st);
            let my = (bx.1 + bx.3) / 2;
            text(area, "softmax", (c, my), st.bold(bpx, &pal.text), HPos::Center, VPos::Bottom)?;
            let below = if authors { "÷√d, Σα = 1" } else { "Σα = 1" };
            text(area, below, (c, my + st.tpx(3.0)), st.font(bpx - 2.0, &pal.muted), HPos::Center, VPos::Top)?;
        } else {
            // One glyph per row: "=" where α is the score itself, "σ" for sigmoid.
            let glyph = if scene.definition == Definition::Unit && scene.weight == WeightForm::Sigmoid { "σ" } else { "=" };
            for i in 0..shown {
                let y = yc(i).round() as i32;
                let c = (bx.0 + bx.2) / 2;
                rect(area, (c - st.tpx(9.0), y - st.tpx(8.0), c + st.tpx(9.0), y + st.tpx(8.0)), pal.background.filled())?;
                text(area, glyph, (c, y), st.font(14.0, &pal.muted), HPos::Center, VPos::Center)?;
            }
        }
    }

    // Rows: key label, key strip, score, weight (value + bar), value strip.
    let mut keys = Vec::with_capacity(shown);
    let mut values = Vec::with_capacity(shown);
    let row_font_px = (row_h / px_f(st, 1.0) * 0.5).clamp(8.0, 13.0);
    for (i, label) in labels.iter().enumerate() {
        let y = yc(i);
        let yi = y.round() as i32;
        let color = pal.item_of(scene, i);
        let hl = highlighted(st, i);
        let ink = st.font(row_font_px, &pal.text);
        let bold = st.bold(row_font_px, &pal.text);
        let sy = (px_f(st, row_font_px) * 0.45).round() as i32;
        rect(area, (k_lx, yi - sy, k_lx + swatch, yi + sy), color.filled())?;
        let lab = clip_to(area, label, if hl { &bold } else { &ink }, lw - swatch - st.tpx(8.0));
        text(area, &lab, (k_lx + swatch + st.tpx(5.0), yi), if hl { bold.clone() } else { ink.clone() }, HPos::Left, VPos::Center)?;
        let kr: Rect = (k_x0, (y - sh / 2.0).round() as i32, k_x0 + sw, (y + sh / 2.0).round() as i32);
        let vr: Rect = (v_x0, kr.1, v_x0 + sw, kr.3);
        let v = scene.items.get(i).map(|it| it.vector.as_slice()).unwrap_or(&[]);
        let frame = if hl { pal.text.stroke_width(st.stroke(2.5)) } else { color.stroke_width(st.stroke(1.5)) };
        for r in [kr, vr] {
            strip(area, r, v, limit, false, 1.0, st)?;
            rect(area, r, frame)?;
        }
        keys.push(kr);
        values.push(vr);
        let sfont = if hl { bold.clone() } else { ink.clone() };
        let val_x = a_x0 + st.tpx(46.0);
        if !known(i) {
            let qfont = st.bold(row_font_px, &pal.muted);
            text(area, "?", (s_x0 + score_w - st.tpx(8.0), yi), qfont.clone(), HPos::Right, VPos::Center)?;
            text(area, "?", (val_x, yi), qfont, HPos::Right, VPos::Center)?;
            continue;
        }
        text(area, &fmt_num(at(&att.scores, i)), (s_x0 + score_w - st.tpx(8.0), yi), sfont.clone(), HPos::Right, VPos::Center)?;
        let a = at(&att.alpha, i);
        text(area, &fmt_num(a), (val_x, yi), sfont, HPos::Right, VPos::Center)?;
        let bar_max = f64::from((alpha_w - st.tpx(52.0)).max(st.tpx(6.0)));
        let len = if amax > 0.0 { (a.abs() / amax * bar_max).round() as i32 } else { 0 };
        let bh = (sh * 0.7).max(2.0) / 2.0;
        let bar: Rect = (val_x + st.tpx(4.0), (y - bh).round() as i32, val_x + st.tpx(4.0) + len.max(1), (y + bh).round() as i32);
        if a < 0.0 {
            rect(area, bar, color.stroke_width(st.stroke(1.5)))?;
        } else {
            rect(area, bar, color.filled())?;
        }
    }
    if n > MAX_SHOWN {
        text(area, &first_shown(n, lang), (k_lx, rows_end + st.tpx(4.0)), st.font(12.0, &pal.muted), HPos::Left, VPos::Top)?;
    }
    if n == 0 {
        let msg = lang.pick("No LastN items: no keys, no values.", "没有 LastN 物品：没有 key，也没有 value。");
        text(area, msg, ((k_lx + v_x0 + sw) / 2, mid_y.round() as i32), st.font(LABEL_PX, &pal.muted), HPos::Center, VPos::Center)?;
    }

    // Query and output strips with their labels.
    strip(area, query, &scene.query, limit, false, 1.0, st)?;
    rect(area, query, pal.query.stroke_width(st.stroke(2.0)))?;
    text(area, "q", (query.0 - st.tpx(4.0), (query.1 + query.3) / 2), st.bold(TITLE_PX, &pal.query), HPos::Right, VPos::Center)?;
    if reveal.results {
        strip(area, output, &att.pooled, limit, false, 1.0, st)?;
    } else {
        // The output is the weighted sum: grey until the step-through reaches it.
        rect(area, output, pal.computed.filled())?;
        text(area, "?", ((output.0 + output.2) / 2, (output.1 + output.3) / 2), st.bold(14.0, &pal.muted), HPos::Center, VPos::Center)?;
    }
    rect(area, output, pal.pooled.stroke_width(st.stroke(2.5)))?;
    let oc = (output.0 + output.2) / 2;
    let ofont = st.bold(12.0, &pal.pooled);
    let olines = wrap(area, lang.pick("= pooled (weighted sum)", "= 加权和"), &ofont, side + pad);
    let olines = &olines[..olines.len().min(2)];
    for (k, l) in olines.iter().enumerate() {
        let lx = inside_x(area, l, &ofont, oc, pad / 2);
        text(area, l, (lx, output.3 + st.tpx(6.0) + st.tpx(15.0) * k as i32), ofont.clone(), HPos::Center, VPos::Top)?;
    }
    let sum_y = output.3 + st.tpx(8.0) + st.tpx(15.0) * olines.len() as i32;
    let sum = if reveal.alpha_sum { format!("Σα = {}", fmt_num(att.alpha_sum)) } else { "Σα = ?".to_owned() };
    let sum_font = st.font(12.0, &pal.muted);
    let sum_x = inside_x(area, &sum, &sum_font, oc, pad / 2);
    text(area, &sum, (sum_x, sum_y), sum_font, HPos::Center, VPos::Top)?;
    Ok(QkvLayout { shown, rows, query, keys, values, output })
}
