//! The build-up, deck pp. 4-10 (see the parent module).

use super::*;

// ---------------------------------------------------------------------------
// Build-up, deck pp. 4-10.

/// Number of steps of [`draw_steps`] for `n` LastN items: the vectors,
/// one step per weight, the products, the weighted sum, the ranking model
/// (see [`din_core::steps`]).
///
/// ```
/// assert_eq!(din_draw::lecture::steps_total(9), 13);
/// ```
pub use din_core::steps::steps_total;

/// Preferred CSS height of the build-up panel in `st`'s theme and font
/// scale: everything but the padding is text or sized for text.
///
/// ```
/// use din_draw::draw::Style;
/// use din_draw::lecture::{steps_height_for};
/// assert_eq!(steps_height_for(&Style::new(2.0)), steps_height_for(&Style::new(1.0)));
/// assert_eq!(steps_height_for(&Style::new(1.0).with_font_scale(1.5)), 12.0 + 428.0 * 1.5);
/// ```
#[must_use]
pub fn steps_height_for(st: &Style) -> f64 {
    grown(440.0, st)
}

/// Where [`draw_steps`] put things, in backend pixels.
#[derive(Clone, Debug, PartialEq)]
pub struct StepsLayout {
    /// The step drawn (the requested one, clamped to `steps_total(n) - 1`).
    pub step: usize,
    /// Number of LastN strips drawn (at most [`MAX_SHOWN`]).
    pub shown: usize,
    /// Number of weights `α_i` visible under the strips.
    pub alphas: usize,
    /// The strip of each drawn LastN item `x_1..x_shown`.
    pub items: Vec<Rect>,
    /// The strip of the candidate `q`.
    pub query: Rect,
    /// The weighted sum's strip, from step `n + 2` on.
    pub pooled: Option<Rect>,
    /// The plain mean's strip, from step `n + 2` on.
    pub mean: Option<Rect>,
    /// The ranking model's box, at step `n + 3`.
    pub ranking: Option<Rect>,
    /// The colour scale's limit, the same on every step: cells run from
    /// `-limit` (blue) to `limit` (red); from step `n + 1` on the LastN
    /// strips show `α_i x_i` on it, the scale of the weighted sum.
    pub limit: f64,
    /// While the weighted sum builds up (see [`draw_steps_at`]): the item
    /// whose part is being added.
    pub adding: Option<usize>,
}

/// The sentence at the top of step `step` of [`draw_steps`] is din-core's
/// (it is also the text alternative's): [`din_core::explain::steps_caption`].
pub use din_core::explain::steps_caption;

/// Draws step `step` (0-based, clamped) of the build-up of deck pp. 4-10:
///
/// * step 0: the LastN vectors `x_1..x_n` as vertical strips of coloured
///   cells (one per component, one shared diverging scale) and the
///   candidate `q` on the right;
/// * step `k` in `1..=n`: the weights `α_1..α_k` under their strips (value
///   and bar), the newest one emphasised and linked to `q`;
/// * step `n + 1`: every strip shows `α_i × x_i` itself, on the one
///   colour scale of the panel (the weighted sum's);
/// * step `n + 2`: the parts add up (`+` between them, an arrow to the
///   sum): the weighted sum `Σ α_i x_i` (pooled) next to the mean;
/// * step `n + 3`: the weighted sum fed to the ranking model.
///
/// Every strip of every step is drawn on one diverging scale (see
/// [`din_core::steps::scale_max`]), stated on the panel. The caption at the
/// top says what the step shows. Beyond [`MAX_SHOWN`] items the first 20
/// are drawn and the panel says so.
///
/// # Errors
/// A [`DrawError`] if the backend fails.
pub fn draw_steps<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    scene: &Scene,
    att: &Attention,
    step: usize,
    st: &Style,
) -> Result<StepsLayout, DrawError> {
    draw_steps_at(area, scene, att, step, 1.0, st)
}

/// [`draw_steps`] with the weighted-sum step `n + 2` caught at `progress`
/// (0 to 1) of its animation: the sum strip shows the parts added so far
/// ([`din_core::steps::partial_sum`]) and the part being added is framed;
/// at 1 (and on every other step) it is [`draw_steps`].
///
/// # Errors
/// A [`DrawError`] if the backend fails.
pub fn draw_steps_at<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    scene: &Scene,
    att: &Attention,
    step: usize,
    progress: f64,
    st: &Style,
) -> Result<StepsLayout, DrawError> {
    let pal = st.palette();
    area.fill(&pal.background).map_err(err)?;
    let (w, h) = area.dim_in_pixel();
    let (w, h) = (w as i32, h as i32);
    let lang = st.lang;
    let pad = st.px(12.0);
    let n = scene.items.len();
    let step = step.min(steps_total(n) - 1);
    let shown = n.min(MAX_SHOWN);
    let limit = steps_limit(scene, att);
    let amax = abs_max(&att.alpha);
    let alphas = step.min(n).min(shown);
    let summing = step == din_core::steps::sum_step(n);
    let progress = if summing && progress.is_finite() { progress.clamp(0.0, 1.0) } else { 1.0 };
    let adding = din_core::steps::adding(n, progress);

    // Caption (two lines reserved so nothing jumps between steps) and settings.
    let cap_font = st.bold(16.0, &pal.text);
    let caption = steps_caption(scene, att, step, lang);
    let cap_lines = wrap(area, &caption, &cap_font, w - 2 * pad);
    text_lines(area, &cap_lines[..cap_lines.len().min(2)], (pad, pad), st.tpx(21.0), &cap_font, HPos::Left)?;
    let mut info = format!(
        "{} · {}",
        settings_line(scene, lang),
        lang.tr(
            format!("cells: components 1…d, colour −{0} (blue) … {0} (red)", fmt_num(limit)),
            format!("格子：分量 1…d，颜色 −{0}（蓝）… {0}（红）", fmt_num(limit)),
        )
    );
    if n > MAX_SHOWN {
        info = format!("{}  {info}", first_shown(n, lang));
    }
    let info_px = fit_px(area, &info, w - 2 * pad, 13.0, 10.0, true, st);
    let info_font = st.font(info_px, &pal.muted);
    let info = clip_to(area, &info, &info_font, w - 2 * pad);
    let info_y = pad + st.tpx(44.0);
    text(area, &info, (pad, info_y), info_font, HPos::Left, VPos::Top)?;

    // Vertical bands.
    let conn_y = info_y + st.tpx(22.0); // q → x_k connector
    let label_y = conn_y + st.tpx(14.0); // "x₁", "q", "mean", "Σαᵢxᵢ"
    let name_y = label_y + st.tpx(19.0); // item names, "candidate item", …
    let swatch_y = name_y + st.tpx(29.0); // item colour band (names take two lines)
    let strip_top = swatch_y + st.tpx(6.0);

    // Horizontal columns: L (LastN), M (q), R (results).
    let inner = w - 2 * pad;
    let gap = st.tpx(14.0);
    let m_w = ((f64::from(inner) * 0.14).round() as i32).clamp(st.tpx(90.0), st.tpx(130.0));
    let r_w = ((f64::from(inner) * 0.21).round() as i32).clamp(st.tpx(140.0), st.tpx(200.0));
    let l_x0 = pad;
    let l_x1 = (pad + inner - m_w - r_w - 2 * gap).max(l_x0 + st.tpx(40.0));
    let m_x0 = l_x1 + gap;
    let r_x0 = m_x0 + m_w + gap;
    let r_x1 = (w - pad).max(r_x0 + 1);
    let slots = if n > shown { shown as f64 + 0.8 } else { shown.max(1) as f64 };
    let pitch = f64::from(l_x1 - l_x0) / slots;
    let sw = (pitch * 0.56).clamp(2.0, px_f(st, 34.0));
    let big_sw = px_f(st, 30.0).min(f64::from(m_w) * 0.4);
    let cx = |i: usize| l_x0 as f64 + pitch * (i as f64 + 0.5);

    // Values under the strips: one row when they fit, else staggered.
    let val_strings: Vec<String> = (0..shown).map(|i| fmt_num(at(&att.alpha, i))).collect();
    let widest_val = val_strings.iter().max_by_key(|s| s.chars().count()).cloned().unwrap_or_default();
    let one_row = text_width(area, &widest_val, &st.font(12.0, &pal.text)) as f64 <= pitch - px_f(st, 4.0);
    let value_rows = if one_row { 1 } else { 2 };
    let val_px = fit_px(area, &widest_val, (pitch * value_rows as f64 - px_f(st, 4.0)) as i32, 12.0, 7.0, true, st);
    let below = st.tpx(2.0 + 15.0 + 18.0 + 15.0 * value_rows as f64 + 4.0 + 26.0 + 4.0);
    let strip_bottom = (h - pad - below).max(strip_top + st.tpx(24.0));
    let x_row = strip_bottom + st.tpx(2.0);
    let alpha_y = x_row + st.tpx(15.0);
    let val_y = alpha_y + st.tpx(18.0);
    let bar_y0 = val_y + st.tpx(15.0) * value_rows + st.tpx(4.0);
    let bar_y1 = bar_y0 + st.tpx(26.0);

    // Column backgrounds for the highlighted item and the newest weight.
    let newest = if (1..=n).contains(&step) && step <= shown { Some(step - 1) } else { None };
    for i in 0..shown {
        let x0 = (cx(i) - pitch / 2.0 + 1.0).round() as i32;
        let x1 = (cx(i) + pitch / 2.0 - 1.0).round() as i32;
        if highlighted(st, i) {
            rect(area, (x0, label_y - st.tpx(2.0), x1, bar_y1 + st.tpx(2.0)), pal.item_of(scene, i).mix(0.14).filled())?;
        }
        if newest == Some(i) {
            rect(area, (x0, alpha_y - st.tpx(2.0), x1, bar_y1 + st.tpx(2.0)), pal.emphasis.filled())?;
            rect(area, (x0, alpha_y - st.tpx(2.0), x1, bar_y1 + st.tpx(2.0)), pal.pooled.stroke_width(st.stroke(1.5)))?;
        }
        if adding == Some(i) {
            // The part being added to the weighted sum right now.
            rect(area, (x0, label_y - st.tpx(2.0), x1, x_row + st.tpx(14.0)), pal.emphasis.filled())?;
            rect(area, (x0, label_y - st.tpx(2.0), x1, x_row + st.tpx(14.0)), pal.pooled.stroke_width(st.stroke(2.0)))?;
        }
    }

    // The LastN strips.
    // "x₁₂", "α₁₂": subscripts are narrow, so size these by a Latin estimate
    // (0.62 em a character) rather than the CJK-safe `text_width`.
    let widest_label = format!("x{}", sub(shown.max(1))).chars().count() as f64;
    let label_px = ((pitch - px_f(st, 2.0)) / (0.62 * widest_label * px_f(st, 1.0))).clamp(7.0, LABEL_PX);
    let longest_word = scene
        .items
        .iter()
        .take(shown)
        .flat_map(|it| it.label.split_whitespace())
        .max_by_key(|w| w.chars().count())
        .unwrap_or("")
        .to_owned();
    let name_px = fit_px(area, &longest_word, (pitch - px_f(st, 3.0)) as i32, 11.5, 9.5, true, st);
    let name_font = st.font(name_px, &pal.muted);
    let mut items = Vec::with_capacity(shown);
    let any_neg = att.alpha.iter().take(shown).any(|a| *a < 0.0);
    for (i, value) in val_strings.iter().enumerate() {
        let c = cx(i);
        let color = pal.item_of(scene, i);
        let hl = highlighted(st, i);
        let font = if hl { st.bold(label_px + 1.0, &pal.text) } else { st.bold(label_px, &pal.text) };
        text(area, &format!("x{}", sub(i + 1)), (c.round() as i32, label_y), font, HPos::Center, VPos::Top)?;
        // The item's name on up to two lines: first word, then the rest.
        let raw = scene.items.get(i).map(|it| it.label.trim()).unwrap_or("");
        let (first, rest) = raw.split_once(char::is_whitespace).unwrap_or((raw, ""));
        for (k, part) in [first, rest.trim()].into_iter().enumerate() {
            let part = clip_to(area, part, &name_font, (pitch - px_f(st, 3.0)) as i32);
            if part.chars().count() >= 2 {
                let y = name_y + st.tpx(13.0) * k as i32;
                text(area, &part, (c.round() as i32, y), name_font.clone(), HPos::Center, VPos::Top)?;
            }
        }
        let r: Rect = ((c - sw / 2.0).round() as i32, strip_top, (c + sw / 2.0).round() as i32, strip_bottom);
        rect(area, (r.0, swatch_y, r.2, swatch_y + st.tpx(4.0)), color.filled())?;
        // From the products' step on, the strip is α_i × x_i itself.
        let factor = if step > n { at(&att.alpha, i) } else { 1.0 };
        let v = scene.items.get(i).map(|it| it.vector.as_slice()).unwrap_or(&[]);
        strip(area, r, v, limit, true, factor, st)?;
        let frame = if hl { pal.text.stroke_width(st.stroke(3.0)) } else { color.stroke_width(st.stroke(1.5)) };
        rect(area, r, frame)?;
        items.push(r);
        if step == n + 1 {
            text(area, "×", (c.round() as i32, x_row), st.bold(13.0, &pal.muted), HPos::Center, VPos::Top)?;
        } else if step > n + 1 && i > 0 {
            // The parts add up: α₁x₁ + α₂x₂ + …
            let mid = (c - pitch / 2.0).round() as i32;
            text(area, "+", (mid, x_row), st.bold(13.0, &pal.pooled), HPos::Center, VPos::Top)?;
        }
        if i < alphas {
            let a = at(&att.alpha, i);
            let is_new = newest == Some(i);
            let ink = if is_new { pal.pooled } else { pal.text };
            let afont = if is_new || hl { st.bold(label_px, &ink) } else { st.bold(label_px - 1.0, &ink) };
            text(area, &format!("α{}", sub(i + 1)), (c.round() as i32, alpha_y), afont, HPos::Center, VPos::Top)?;
            let vy = val_y + if value_rows == 2 { st.tpx(15.0) * (i % 2) as i32 } else { 0 };
            let vfont = if is_new { st.bold(val_px, &pal.text) } else { st.font(val_px, &pal.text) };
            let vx = inside_x(area, value, &vfont, c.round() as i32, 0);
            text(area, value, (vx, vy), vfont, HPos::Center, VPos::Top)?;
            let band = f64::from(bar_y1 - bar_y0);
            let base = if any_neg { f64::from(bar_y0) + band / 2.0 } else { f64::from(bar_y1) };
            let full = if any_neg { band / 2.0 } else { band };
            let len = if amax > 0.0 { a / amax * full } else { 0.0 };
            let (y0, y1) = if len >= 0.0 { (base - len, base) } else { (base, base - len) };
            let (y0, y1) = (y0.round() as i32, (y1.round() as i32).max(y0.round() as i32 + 1));
            rect(area, (r.0, y0, r.2, y1), color.filled())?;
        }
    }
    if n > shown {
        let c = l_x0 as f64 + pitch * (shown as f64 + 0.4);
        text(area, "…", (c.round() as i32, (strip_top + strip_bottom) / 2), st.bold(TITLE_PX, &pal.muted), HPos::Center, VPos::Center)?;
    }
    if alphas > 0 {
        let base = if any_neg { (bar_y0 + bar_y1) / 2 } else { bar_y1 };
        line(area, vec![(l_x0, base), (l_x1, base)], pal.axis.stroke_width(st.stroke(1.0)))?;
    }
    if n == 0 {
        let msg = lang.pick("No LastN items: add one to see attention.", "没有 LastN 物品：添加一个以查看注意力机制。");
        let font = st.font(LABEL_PX, &pal.muted);
        let lines = wrap(area, msg, &font, l_x1 - l_x0);
        let y = (strip_top + strip_bottom) / 2 - st.tpx(10.0) * lines.len() as i32;
        text_lines(area, &lines, ((l_x0 + l_x1) / 2, y), st.tpx(20.0), &font, HPos::Center)?;
    }

    // The candidate q.
    let mcx = f64::from(m_x0) + f64::from(m_w) / 2.0;
    text(area, "q", (mcx.round() as i32, label_y - st.tpx(2.0)), st.bold(TITLE_PX + 1.0, &pal.query), HPos::Center, VPos::Top)?;
    let cand = lang.pick("candidate item", "候选物品");
    let cand_px = fit_px(area, cand, m_w, 12.0, 9.0, true, st);
    text(area, cand, (mcx.round() as i32, name_y), st.font(cand_px, &pal.text), HPos::Center, VPos::Top)?;
    let query: Rect = ((mcx - big_sw / 2.0).round() as i32, strip_top, (mcx + big_sw / 2.0).round() as i32, strip_bottom);
    rect(area, (query.0, swatch_y, query.2, swatch_y + st.tpx(4.0)), pal.query.filled())?;
    strip(area, query, &scene.query, limit, true, 1.0, st)?;
    rect(area, query, pal.query.stroke_width(st.stroke(2.0)))?;
    if let Some(i) = newest {
        // similarity(q, x_k): a dashed link from q to the item.
        let (qx, ix) = (mcx.round() as i32, cx(i).round() as i32);
        let mid = conn_y + st.tpx(4.0);
        let style = pal.query.stroke_width(st.stroke(1.5));
        dashed_line(area, (qx, label_y - st.tpx(3.0)), (qx, mid), 4.0 * st.scale, style)?;
        dashed_line(area, (qx, mid), (ix, mid), 4.0 * st.scale, style)?;
        small_arrow(area, (f64::from(ix), f64::from(mid)), (f64::from(ix), f64::from(label_y - st.tpx(1.0))), pal.query, 1.5, false, 6.0, st)?;
    }

    // Results: the mean and the weighted sum, then the ranking model.
    let (mut pooled, mut mean, mut ranking) = (None, None, None);
    if step >= n + 2 {
        let split = r_x0 + ((r_x1 - r_x0) as f64 * 0.42).round() as i32;
        let (mean_c, pool_c) = (f64::from(r_x0 + split) / 2.0, f64::from(split + r_x1) / 2.0);
        // While the parts are being added, the sum strip shows them so far.
        let sum_so_far = if progress < 1.0 { din_core::steps::partial_sum(scene, att, progress) } else { att.pooled.clone() };
        let cols = [
            (mean_c, lang.pick("mean", "平均"), "(1/n) Σ xᵢ", &att.mean, pal.mean, 1.5, split - r_x0 - gap / 2),
            (pool_c, lang.pick("pooled", "加权和"), "Σ αᵢ xᵢ", &sum_so_far, pal.pooled, 2.5, r_x1 - split - gap / 2),
        ];
        for (k, (c, label, name, v, color, width, col_w)) in cols.into_iter().enumerate() {
            let (label, lfont) = fit_clip(area, label, col_w, LABEL_PX, 9.0, true, &color, st);
            text(area, &label, (c.round() as i32, label_y), lfont, HPos::Center, VPos::Top)?;
            let npx = fit_px(area, name, col_w, 12.0, 8.0, true, st);
            let nfont = st.font(npx, &pal.text);
            let name = clip_to(area, name, &nfont, col_w);
            text(area, &name, (c.round() as i32, name_y), nfont, HPos::Center, VPos::Top)?;
            let r: Rect = ((c - big_sw / 2.0).round() as i32, strip_top, (c + big_sw / 2.0).round() as i32, strip_bottom);
            rect(area, (r.0, swatch_y, r.2, swatch_y + st.tpx(4.0)), color.filled())?;
            strip(area, r, v, limit, true, 1.0, st)?;
            rect(area, r, color.stroke_width(st.stroke(width)))?;
            if k == 0 {
                mean = Some(r);
            } else {
                pooled = Some(r);
            }
        }
        if summing && shown > 0 {
            // The parts flow into the sum: an arrow from the last LastN
            // strip along the "+" row, under q, up into the sum's strip.
            let y = x_row + st.tpx(8.0);
            let x_from = (cx(shown - 1) + sw / 2.0 + px_f(st, 4.0)).round() as i32;
            let x_to = pool_c.round() as i32;
            let style = pal.pooled.stroke_width(st.stroke(2.0));
            line(area, vec![(x_from, y), (x_to, y)], style)?;
            small_arrow(area, (f64::from(x_to), f64::from(y)), (f64::from(x_to), f64::from(strip_bottom + st.tpx(2.0))), pal.pooled, 2.0, false, 8.0, st)?;
            let eq = "= Σ";
            let efont = st.bold(13.0, &pal.pooled);
            let ex = (f64::from(x_from + x_to) / 2.0).round() as i32;
            rect(area, (ex - st.tpx(14.0), y - st.tpx(9.0), ex + st.tpx(14.0), y + st.tpx(9.0)), pal.background.filled())?;
            text(area, eq, (ex, y), efont, HPos::Center, VPos::Center)?;
        }
        if step >= n + 3 {
            let box_top = strip_bottom + st.tpx(26.0);
            let b: Rect = (r_x0, box_top, r_x1, (h - pad).max(box_top + st.tpx(30.0)));
            let from = (pool_c, f64::from(strip_bottom + st.tpx(2.0)));
            small_arrow(area, from, (pool_c, f64::from(box_top)), pal.pooled, 2.5, false, 9.0, st)?;
            let uf = lang.pick("user feature", "用户特征");
            let ufx = (pool_c - px_f(st, 8.0)).round() as i32;
            let uf_px = fit_px(area, uf, ufx - r_x0 + st.tpx(10.0), 12.0, 8.0, true, st);
            let uf_font = st.font(uf_px, &pal.pooled);
            let uf = clip_to(area, uf, &uf_font, ufx - r_x0 + st.tpx(10.0));
            text(area, &uf, (ufx, strip_bottom + st.tpx(13.0)), uf_font, HPos::Right, VPos::Center)?;
            rect(area, b, pal.panel.filled())?;
            rect(area, b, pal.text.stroke_width(st.stroke(1.5)))?;
            let title = lang.pick("ranking model", "精排模型");
            let (title, tfont) = fit_clip(area, title, b.2 - b.0 - st.tpx(8.0), 14.0, 9.0, true, &pal.text, st);
            text(area, &title, ((b.0 + b.2) / 2, b.1 + st.tpx(5.0)), tfont, HPos::Center, VPos::Top)?;
            let pred = lang.pick("predicts click rate, like rate …", "预估点击率、点赞率……");
            let pfont = st.font(12.0, &pal.text);
            let lines = wrap(area, pred, &pfont, b.2 - b.0 - st.tpx(10.0));
            text_lines(area, &lines[..lines.len().min(3)], ((b.0 + b.2) / 2, b.1 + st.tpx(24.0)), st.tpx(15.0), &pfont, HPos::Center)?;
            ranking = Some(b);
        }
    }
    Ok(StepsLayout { step, shown, alphas, items, query, pooled, mean, ranking, limit, adding })
}
