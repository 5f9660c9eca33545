//! The lecture's pictures, made live from the scene's numbers.
//!
//! Over 600 lines because the three lecture panels (steps, query/key/value,
//! towers) share the text-layout helpers and record types of its first
//! sections; about 520 lines are tests. A split per panel is listed under
//! "Kept for now" in ARCHITECTURE.md.
//!
//! * [`draw_steps`]: the build-up of deck pp. 4-10: the LastN vectors
//!   `x_1..x_n` and the candidate `q`, the weights `α_i` appearing one by
//!   one, `α_i × x_i`, the weighted sum next to the plain average, and the
//!   weighted sum fed to the ranking model.
//! * [`draw_qkv`]: pp. 11-12, the same numbers as single-head attention
//!   (query `q`, keys and values `x_i`, output = pooled).
//! * [`draw_towers`]: p. 18, why the plain average fits the two-tower
//!   model but attention fits only the ranking model.
//!
//! Like [`crate::draw`], every function is generic over plotters'
//! `DrawingBackend`, sizes are CSS pixels times `st.scale` (and, for text
//! and the room laid out for it, times [`Style::text_factor`]; almost
//! everything in these panels is text), colours come from the theme's
//! palette, every visible
//! string comes in English and Chinese (the lecture's terms), and each
//! returns a small layout record in backend pixels for tests and hit
//! testing. Rectangles are `(left, top, right, bottom)`.

use din_core::attention::{Attention, Normalization};
use crate::draw::{
    arrow_shaped, dashed_line, err, fmt_num, item_label, nice_ceil, text, text_width, ArrowShape, DrawError, Style, LABEL_PX, TITLE_PX,
};
use din_core::i18n::Lang;
use crate::textlayout::{clip_to, fit_clip, fit_px, inside_x, line, rect, sub, text_lines, wrap};
use din_core::scene::{Definition, Scene};
use din_core::unit::WeightForm;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

pub use crate::textlayout::Rect;

/// At most this many LastN items are drawn one by one; beyond it the
/// panels say "(first 20 of n shown)". Sums and means always use all n.
pub const MAX_SHOWN: usize = 20;


// ---------------------------------------------------------------------------
// Small helpers.

fn at(v: &[f64], i: usize) -> f64 {
    v.get(i).copied().unwrap_or(0.0)
}

fn abs_max(v: &[f64]) -> f64 {
    v.iter().fold(0.0_f64, |m, a| if a.is_finite() { m.max(a.abs()) } else { m })
}

/// `css` CSS px of room for text, unrounded (see [`Style::tpx`]).
fn px_f(st: &Style, css: f64) -> f64 {
    st.tpx_f(css)
}

fn dashed_rect<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, r: Rect, st: &Style, style: ShapeStyle) -> Result<(), DrawError> {
    let dash = 5.0 * st.scale;
    let (a, b, c, d) = ((r.0, r.1), (r.2, r.1), (r.2, r.3), (r.0, r.3));
    for (p, q) in [(a, b), (b, c), (c, d), (d, a)] {
        dashed_line(area, p, q, dash, style)?;
    }
    Ok(())
}

/// An arrow with a small head (`head` CSS px), optionally dashed.
#[allow(clippy::too_many_arguments)]
fn small_arrow<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    from: (f64, f64),
    to: (f64, f64),
    color: RGBColor,
    width: f64,
    dashed: bool,
    head: f64,
    st: &Style,
) -> Result<(), DrawError> {
    let shape = ArrowShape { head, half_width: 0.55, dash: 5.0, shrink_head: true };
    arrow_shaped(area, from, to, color, width, dashed, shape, st)
}

/// One vector as a strip of `d` coloured cells (top to bottom when
/// `vertical`, else left to right); each cell shows `factor * v_k` on the
/// shared diverging scale of `limit`.
fn strip<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    r: Rect,
    v: &[f64],
    limit: f64,
    vertical: bool,
    factor: f64,
    st: &Style,
) -> Result<(), DrawError> {
    let pal = st.palette();
    let d = v.len();
    if d == 0 {
        return Ok(());
    }
    let (x0, y0, x1, y1) = r;
    let span = f64::from(if vertical { y1 - y0 } else { x1 - x0 });
    let start = if vertical { y0 } else { x0 };
    let edge = |k: usize| start + (span * k as f64 / d as f64).round() as i32;
    // The cells tile the strip (the last may overhang it by a pixel or so
    // when there are more cells than pixels): one bitmap for all of them.
    let end = (0..d).map(|k| edge(k + 1).max(edge(k) + 1)).max().unwrap_or(start);
    let mut cells = crate::cells::Cells::new(st);
    cells.begin(area, if vertical { (x0, start, x1, end) } else { (start, y0, end, y1) }, d, pal.background)?;
    for (k, val) in v.iter().enumerate() {
        let a = edge(k);
        let b = edge(k + 1).max(a + 1);
        let cell = if vertical { (x0, a, x1, b) } else { (a, y0, b, y1) };
        cells.fill(area, cell, pal.diverging(val * factor, limit))?;
    }
    cells.flush(area)
}

/// The colour limit shared by every strip of a panel (and the heatmap):
/// a nice number at or above the largest magnitude of x_i, q, pooled, mean.
fn shared_limit(scene: &Scene, att: &Attention) -> f64 {
    let m = scene
        .items
        .iter()
        .flat_map(|it| it.vector.iter())
        .chain(&scene.query)
        .chain(&att.pooled)
        .chain(&att.mean)
        .fold(0.0_f64, |m, v| if v.is_finite() { m.max(v.abs()) } else { m });
    if m > 0.0 { nice_ceil(m) } else { 1.0 }
}

/// The step-through's one colour limit, the same on every step: a nice
/// number at or above every x_i, q, pooled, mean and α_i x_i it draws.
fn steps_limit(scene: &Scene, att: &Attention) -> f64 {
    let m = din_core::steps::scale_max(scene, att);
    if m > 0.0 { nice_ceil(m) } else { 1.0 }
}

fn settings_line(scene: &Scene, lang: Lang) -> String {
    crate::draw::definition_text(scene, lang)
}

fn first_shown(n: usize, lang: Lang) -> String {
    lang.tr(format!("(first {MAX_SHOWN} of {n} shown)"), format!("（显示前 {MAX_SHOWN} 个，共 {n} 个）"))
}

fn highlighted(st: &Style, i: usize) -> bool {
    st.highlight == Some(i)
}

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

/// A CSS height laid out at text factor 1, at `st`'s text factor: the
/// 12 px padding stays, the rest grows with the text.
fn grown(css: f64, st: &Style) -> f64 {
    12.0 + (css - 12.0) * st.text_factor()
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

/// The sentence at the top of step `step` of [`draw_steps`] (also the
/// text alternative of the step-through panel).
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
        let weight = format!("{} = {a}", din_core::explain::alpha_formula(scene, &k));
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
            (mean_c, lang.pick("average", "平均"), "(1/n) Σ xᵢ", &att.mean, pal.mean, 1.5, split - r_x0 - gap / 2),
            (pool_c, lang.pick("weighted sum", "加权和"), "Σ αᵢ xᵢ", &sum_so_far, pal.pooled, 2.5, r_x1 - split - gap / 2),
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
    let olines = wrap(area, lang.pick("= pooled, the weighted sum", "= 加权和"), &ofont, side + pad);
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

// ---------------------------------------------------------------------------
// Where attention can sit, deck p. 18.

/// Where the attention over LastN is placed in [`draw_towers`] (a view
/// option: defined in din-core's `options`).
pub use din_core::options::Placement;

/// Preferred CSS height of the towers panel in `st`'s theme and font
/// scale, with the two models side by side.
#[must_use]
pub fn towers_height_for(st: &Style) -> f64 {
    grown(500.0, st)
}

/// Below this CSS width (times the text factor) [`draw_towers`] draws the
/// two models one above the other, each across the whole width, so that
/// their labels keep a readable size and never run into each other
/// (phones), if the panel is at least [`TOWERS_STACKED_MIN_H`] tall.
pub const TOWERS_STACK_BELOW: f64 = 600.0;
/// The least CSS height (times the text factor) in which the two models fit one above the other.
pub const TOWERS_STACKED_MIN_H: f64 = 700.0;

fn towers_stacked(width_css: f64, height_css: f64, st: &Style) -> bool {
    width_css < TOWERS_STACK_BELOW * st.text_factor() && height_css >= TOWERS_STACKED_MIN_H * st.text_factor()
}

/// Preferred CSS height of the towers panel at CSS width `width_css`:
/// [`towers_height_for`], or taller when the panel is narrow enough that
/// the models are stacked.
///
/// ```
/// use din_draw::draw::Style;
/// use din_draw::lecture::{towers_height_at, towers_height_for};
/// let st = Style::new(1.0);
/// assert_eq!(towers_height_at(900.0, &st), towers_height_for(&st));
/// assert!(towers_height_at(370.0, &st) > 1.5 * towers_height_for(&st));
/// ```
#[must_use]
pub fn towers_height_at(width_css: f64, st: &Style) -> f64 {
    if width_css < TOWERS_STACK_BELOW * st.text_factor() {
        grown(940.0, st)
    } else {
        towers_height_for(st)
    }
}

/// Where [`draw_towers`] put things, in backend pixels.
#[derive(Clone, Debug, PartialEq)]
pub struct TowersLayout {
    /// The placement drawn.
    pub placement: Placement,
    /// The two models one above the other (a narrow panel), else side by side.
    pub stacked: bool,
    /// The user tower's box (two-tower model, left or top).
    pub user_tower: Rect,
    /// The item tower's box.
    pub item_tower: Rect,
    /// The ranking model's network box (right or bottom).
    pub ranking: Rect,
    /// The attention box: greyed in the user tower, or live in the ranking model.
    pub attention: Rect,
    /// Whether the attention path is live (`Placement::Ranking`).
    pub attention_active: bool,
    /// The mean strips drawn.
    pub mean: Vec<Rect>,
    /// The pooled strip (ranking model, `Placement::Ranking` only).
    pub pooled: Option<Rect>,
    /// The `q` strips drawn.
    pub query: Vec<Rect>,
    /// The small LastN strips: (item index, rectangle), for hovering.
    pub items: Vec<(usize, Rect)>,
    /// The box of every text drawn outside a box (titles, headings, labels).
    pub labels: Vec<Rect>,
    /// Every box drawn (networks, inputs, strips), with its text inside.
    pub boxes: Vec<Rect>,
}

/// What the towers panel drew where: texts and boxes (for the layout record).
#[derive(Default)]
struct Ink {
    labels: Vec<Rect>,
    boxes: Vec<Rect>,
}

/// The box a text drawn at `at` with this alignment covers.
fn text_box<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, s: &str, font: &TextStyle<'_>, at: (i32, i32), h: HPos, v: VPos) -> Rect {
    let w = text_width(area, s, font);
    let fh = (font.font.get_size() * 1.15).ceil() as i32;
    let x0 = match h {
        HPos::Left => at.0,
        HPos::Center => at.0 - w / 2,
        HPos::Right => at.0 - w,
    };
    let y0 = match v {
        VPos::Top => at.1,
        VPos::Center => at.1 - fh / 2,
        VPos::Bottom => at.1 - fh,
    };
    (x0, y0, x0 + w, y0 + fh)
}

/// Draws a text and records its box.
#[allow(clippy::too_many_arguments)]
fn label_at<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    ink: &mut Ink,
    s: &str,
    at: (i32, i32),
    font: TextStyle<'_>,
    h: HPos,
    v: VPos,
) -> Result<(), DrawError> {
    ink.labels.push(text_box(area, s, &font, at, h, v));
    text(area, s, at, font, h, v)
}

/// Draws lines of text from `at` (top), `line_h` apart, and records their boxes.
fn lines_at<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    ink: &mut Ink,
    lines: &[String],
    at: (i32, i32),
    line_h: i32,
    font: &TextStyle<'_>,
    h: HPos,
) -> Result<(), DrawError> {
    for (k, l) in lines.iter().enumerate() {
        label_at(area, ink, l, (at.0, at.1 + line_h * k as i32), font.clone(), h, VPos::Top)?;
    }
    Ok(())
}

/// A bold label whose bottom is at `bottom`, centred on `cx` as far as the
/// horizontal interval `room` allows: on one line at the largest size from
/// `css` down to `min_css` that fits the interval, else on two lines if
/// they stay below `top_min`, else shortened. It never leaves `room` (nor
/// rises above `top_min`), so labels given disjoint intervals never
/// overlap. Returns its box.
#[allow(clippy::too_many_arguments)]
fn place_label<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    ink: &mut Ink,
    s: &str,
    cx: i32,
    bottom: i32,
    top_min: i32,
    room: (i32, i32),
    css: f64,
    min_css: f64,
    color: &RGBColor,
    st: &Style,
) -> Result<Rect, DrawError> {
    let avail = (room.1 - room.0).max(1);
    let one = fit_px(area, s, avail, css, min_css, true, st);
    let mut font = st.bold(one, color);
    let mut lines = vec![s.to_owned()];
    let two_fit = bottom - top_min >= (st.font_px(min_css) * 1.2).round() as i32 * 2;
    if text_width(area, s, &font) > avail && !two_fit {
        lines = vec![clip_to(area, s, &font, avail)];
    } else if text_width(area, s, &font) > avail {
        // Two lines, at the largest size at which both fit.
        let mut size = css;
        loop {
            font = st.bold(size, color);
            lines = wrap(area, s, &font, avail);
            let tall = (font.font.get_size() * 1.2).round() as i32 * 2 > bottom - top_min;
            if size <= min_css || (!tall && lines.len() <= 2 && lines.iter().all(|l| text_width(area, l, &font) <= avail)) {
                break;
            }
            size -= 0.5;
        }
        if lines.len() > 2 {
            let rest = lines[1..].join(" ");
            lines.truncate(1);
            lines.push(rest);
        }
        for l in &mut lines {
            *l = clip_to(area, l, &font, avail);
        }
    }
    let lh = (font.font.get_size() * 1.2).round() as i32;
    let wmax = lines.iter().map(|l| text_width(area, l, &font)).max().unwrap_or(0);
    let (lo, hi) = (room.0 + (wmax + 1) / 2, room.1 - (wmax + 1) / 2);
    let c = if lo > hi { (room.0 + room.1) / 2 } else { cx.clamp(lo, hi) };
    let top = bottom - lh * lines.len() as i32;
    for (k, l) in lines.iter().enumerate() {
        text(area, l, (c, top + lh * k as i32), font.clone(), HPos::Center, VPos::Top)?;
    }
    let r = (c - (wmax + 1) / 2, top, c + (wmax + 1) / 2, bottom);
    ink.labels.push(r);
    Ok(r)
}

/// A box with centred lines of text.
#[allow(clippy::too_many_arguments)]
fn node<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    ink: &mut Ink,
    r: Rect,
    lines: &[(&str, TextStyle<'_>)],
    border: ShapeStyle,
    fill: RGBColor,
    dashed: bool,
    st: &Style,
) -> Result<(), DrawError> {
    ink.boxes.push(r);
    rect(area, r, fill.filled())?;
    if dashed {
        dashed_rect(area, r, st, border)?;
    } else {
        rect(area, r, border)?;
    }
    let lh: i32 = lines.iter().map(|(_, f)| (f.font.get_size() * 1.25).round() as i32).sum();
    let mut y = (r.1 + r.3) / 2 - lh / 2;
    let max_w = r.2 - r.0 - st.tpx(6.0);
    for (s, f) in lines {
        let size = (f.font.get_size() * 1.25).round() as i32;
        // Shrink the line to fit (down to 8 CSS px), then clip what is left.
        let width = text_width(area, s, f);
        let f = if width > max_w && width > 0 {
            let smaller = (f.font.get_size() * f64::from(max_w) / f64::from(width)).max(px_f(st, 8.0));
            TextStyle { font: f.font.resize(smaller), color: f.color, pos: f.pos }
        } else {
            f.clone()
        };
        let s = clip_to(area, s, &f, max_w);
        text(area, &s, ((r.0 + r.2) / 2, y + size / 2), f, HPos::Center, VPos::Center)?;
        y += size;
    }
    Ok(())
}

/// A horizontal strip with a label above it, kept within `room` and below
/// `top_min` (see [`place_label`]); returns the strip's and the label's rectangles.
#[allow(clippy::too_many_arguments)]
fn labelled_strip<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    ink: &mut Ink,
    centre: (i32, i32),
    width: i32,
    v: Option<&[f64]>,
    limit: f64,
    label: &str,
    color: RGBColor,
    frame: f64,
    room: (i32, i32),
    top_min: i32,
    st: &Style,
) -> Result<(Rect, Rect), DrawError> {
    let pal = st.palette();
    let hh = st.tpx(8.0);
    let r: Rect = (centre.0 - width / 2, centre.1 - hh, centre.0 + width / 2, centre.1 + hh);
    ink.boxes.push(r);
    let l = place_label(area, ink, label, centre.0, r.1 - st.tpx(3.0), top_min, room, 13.0, 10.5, &color, st)?;
    match v {
        Some(v) => strip(area, r, v, limit, false, 1.0, st)?,
        None => {
            // A vector the model computes (not in the scene): grey cells.
            rect(area, r, pal.computed.filled())?;
            let cells = 8;
            for k in 1..cells {
                let x = r.0 + (r.2 - r.0) * k / cells;
                line(area, vec![(x, r.1), (x, r.3)], pal.background.stroke_width(st.stroke(1.0)))?;
            }
        }
    }
    rect(area, r, color.stroke_width(st.stroke(frame)))?;
    Ok((r, l))
}

/// Small vertical strips of the LastN items in `[x0, x1]`, top at `y`, with
/// their label kept within `room`.
#[allow(clippy::too_many_arguments)]
fn mini_lastn<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    ink: &mut Ink,
    scene: &Scene,
    x0: i32,
    x1: i32,
    y: i32,
    hgt: i32,
    room: (i32, i32),
    limit: f64,
    st: &Style,
) -> Result<Vec<(usize, Rect)>, DrawError> {
    let pal = st.palette();
    let n = scene.items.len();
    let shown = n.min(MAX_SHOWN);
    let label = if n == 0 {
        st.lang.pick("LastN: empty", "LastN：空").to_owned()
    } else {
        st.lang.tr(format!("LastN x₁…x{}", sub(n)), format!("用户行为序列 LastN x₁…x{}", sub(n)))
    };
    // Wider than the strips if need be, but within its room.
    let c = (x0 + x1) / 2;
    let half = (c - room.0).min(room.1 - c).max(1);
    let lpx = fit_px(area, &label, 2 * half, 12.0, 8.0, true, st);
    let lfont = st.font(lpx, &pal.muted);
    let label = clip_to(area, &label, &lfont, 2 * half);
    label_at(area, ink, &label, (c, y), lfont, HPos::Center, VPos::Top)?;
    let top = y + st.tpx(16.0);
    let slots = if n > shown { shown as f64 + 1.0 } else { shown.max(1) as f64 };
    let pitch = f64::from(x1 - x0) / slots;
    let sw = (pitch * 0.7).clamp(2.0, px_f(st, 14.0));
    let mut out = Vec::with_capacity(shown);
    for i in 0..shown {
        let c = f64::from(x0) + pitch * (i as f64 + 0.5);
        let r: Rect = ((c - sw / 2.0).round() as i32, top, (c + sw / 2.0).round() as i32, top + hgt);
        let v = scene.items.get(i).map(|it| it.vector.as_slice()).unwrap_or(&[]);
        strip(area, r, v, limit, true, 1.0, st)?;
        let frame = if highlighted(st, i) { pal.text.stroke_width(st.stroke(2.5)) } else { pal.item_of(scene, i).stroke_width(st.stroke(1.5)) };
        rect(area, r, frame)?;
        out.push((i, r));
    }
    if n > shown {
        let c = f64::from(x0) + pitch * (shown as f64 + 0.5);
        text(area, "…", (c.round() as i32, top + hgt / 2), st.bold(13.0, &pal.muted), HPos::Center, VPos::Center)?;
    }
    ink.boxes.push((x0, top, x1, top + hgt));
    Ok(out)
}

/// CSS heights (at text factor 1) of the rows of one model: outputs,
/// vectors / network, towers / concatenation, inputs, average / attention,
/// LastN, and the reason line under the two-tower model.
const TOWER_ROWS: [f64; 7] = [18.0, 34.0, 40.0, 40.0, 40.0, 40.0, 34.0];

/// The rows of one model under its heading at `head_y`, spread down to `bottom`.
struct Rows {
    y: [i32; 7],
    h: [i32; 7],
}

impl Rows {
    fn new(head_y: i32, bottom: i32, st: &Style) -> Rows {
        let top = head_y + st.tpx(28.0);
        let avail = f64::from(bottom - top);
        let fixed: f64 = TOWER_ROWS.iter().map(|x| px_f(st, *x)).sum();
        let gap = ((avail - fixed) / 6.0).max(px_f(st, 6.0));
        let mut y = [0i32; 7];
        let mut h = [0i32; 7];
        let mut at = f64::from(top);
        for (k, hh) in TOWER_ROWS.iter().enumerate() {
            y[k] = at.round() as i32;
            h[k] = st.tpx(*hh);
            at += px_f(st, *hh) + gap;
        }
        Rows { y, h }
    }
    fn c(&self, k: usize) -> i32 {
        self.y[k] + self.h[k] / 2
    }
    fn b(&self, k: usize) -> i32 {
        self.y[k] + self.h[k]
    }
}

/// Draws deck p. 18: a two-tower retrieval model and a ranking model, side
/// by side (left and right) or, in a panel narrower than
/// [`TOWERS_STACK_BELOW`] and tall enough, one above the other, with the
/// live `q`, mean and pooled vectors as strips.
///
/// * [`Placement::UserTower`]: LastN feeds the user tower through the
///   plain average; the attention path is drawn greyed and dashed, crossed
///   out, with the reason: the user tower never sees the candidate item.
///   The ranking model also gets the average.
/// * [`Placement::Ranking`]: the attention path (`q` and LastN → `α` →
///   pooled) feeds the ranking model in full colour; the two-tower side
///   keeps the mean in its user tower.
///
/// The title states the lecture's rule: the average fits two-tower,
/// three-tower and ranking models; attention only the ranking model.
/// Every label stays in its own interval (shrunk, wrapped to two lines or
/// shortened), so no two labels overlap; the layout records their boxes.
///
/// # Errors
/// A [`DrawError`] if the backend fails.
#[allow(clippy::too_many_lines)]
pub fn draw_towers<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    scene: &Scene,
    att: &Attention,
    placement: Placement,
    st: &Style,
) -> Result<TowersLayout, DrawError> {
    let pal = st.palette();
    area.fill(&pal.background).map_err(err)?;
    let (w, h) = area.dim_in_pixel();
    let (w, h) = (w as i32, h as i32);
    let (w_css, h_css) = (f64::from(w) / st.scale, f64::from(h) / st.scale);
    let stacked = towers_stacked(w_css, h_css, st);
    // A panel shorter than the diagram needs draws its text smaller (down
    // to the smallest font scale) rather than past its bottom.
    let need = if stacked { grown(940.0, st) } else { towers_height_for(st) };
    let fitted;
    let st = if h_css + 1.0 < need {
        let mut small = st.clone();
        small.set_font_scale(st.font_scale * ((h_css - 12.0) / (need - 12.0)).max(0.0));
        fitted = small;
        &fitted
    } else {
        st
    };
    let lang = st.lang;
    let pad = st.px(12.0);
    let limit = shared_limit(scene, att);
    let active = placement == Placement::Ranking;
    let mut ink = Ink::default();

    let title = lang.pick(
        "The average fits two-tower, three-tower and ranking models; attention fits only the ranking model",
        "简单平均适用于双塔模型、三塔模型和精排模型；注意力机制只适用于精排模型",
    );
    let tfont = st.bold(16.0, &pal.text);
    let mut tl = wrap(area, title, &tfont, w - 2 * pad);
    // At most three lines on a narrow panel (two side by side); the rest shortened.
    let most = if stacked { 3 } else { 2 };
    if tl.len() > most {
        let rest = tl[most - 1..].join(" ");
        tl.truncate(most - 1);
        tl.push(clip_to(area, &rest, &tfont, w - 2 * pad));
    }
    lines_at(area, &mut ink, &tl, (pad, pad), st.tpx(21.0), &tfont, HPos::Left)?;
    let info = if active {
        lang.pick(
            "Here: attention in the ranking model, where LastN and the candidate item meet",
            "此处：注意力机制放在精排模型，LastN 和候选物品在这里同时可见",
        )
    } else {
        lang.pick(
            "Here: attention tried in the user tower: not possible (attention needs LastN + the candidate item), so the user tower averages",
            "此处：尝试把注意力机制放进用户塔：不可行（注意力机制需要 LastN + 候选物品），用户塔只能用简单平均",
        )
    };
    let info_px = fit_px(area, info, w - 2 * pad, 13.0, 11.0, true, st);
    let info_y = pad + st.tpx(21.0) * tl.len() as i32 + st.tpx(2.0);
    let info_font = st.font(info_px, if active { &pal.pooled } else { &pal.muted });
    // One line when it fits at some size, else two (three on a narrow panel; the rest clipped).
    let mut info_lines = wrap(area, info, &info_font, w - 2 * pad);
    if info_lines.len() > most {
        let rest = info_lines[most - 1..].join(" ");
        info_lines.truncate(most - 1);
        info_lines.push(clip_to(area, &rest, &info_font, w - 2 * pad));
    }
    let info_line_h = st.tpx(16.0);
    lines_at(area, &mut ink, &info_lines, (pad, info_y), info_line_h, &info_font, HPos::Left)?;

    // The two models' regions: halves side by side, or top and bottom.
    let head_y = info_y + info_line_h * info_lines.len() as i32 + st.tpx(8.0);
    let ((lx0, lx1, l_head, l_bottom), (rx0, rx1, r_head, r_bottom)) = if stacked {
        let mid_y = head_y + (h - pad - head_y) / 2;
        line(area, vec![(pad, mid_y), (w - pad, mid_y)], pal.grid.stroke_width(st.stroke(1.5)))?;
        ((pad, w - pad, head_y, mid_y - st.tpx(6.0)), (pad, w - pad, mid_y + st.tpx(8.0), h - pad))
    } else {
        let mid = w / 2;
        line(area, vec![(mid, head_y), (mid, h - pad)], pal.grid.stroke_width(st.stroke(1.5)))?;
        ((pad, mid - st.tpx(12.0), head_y, h - pad), (mid + st.tpx(12.0), w - pad, head_y, h - pad))
    };
    for (x0, x1, y, s) in [
        (lx0, lx1, l_head, lang.pick("two-tower model (retrieval)", "双塔模型（召回）")),
        (rx0, rx1, r_head, lang.pick("ranking model", "精排模型")),
    ] {
        let (s, font) = fit_clip(area, s, x1 - x0, LABEL_PX, 9.0, true, &pal.text, st);
        label_at(area, &mut ink, &s, ((x0 + x1) / 2, y), font, HPos::Center, VPos::Top)?;
    }
    let lr = Rows::new(l_head, l_bottom, st);
    let rr = Rows::new(r_head, r_bottom, st);

    let small = |c: RGBColor| st.font(12.0, &c);
    let strip_w = |col_w: i32| col_w.min(st.tpx(120.0)).max(st.tpx(30.0));
    let gap = st.tpx(6.0);
    // An arrow up from the top of a row (or of a label that rises above
    // it: `from_y`) to the bottom of another.
    let up_from = |rows: &Rows, x: i32, from_y: i32, to_row: usize, color: RGBColor| {
        // No room for an arrow (a cramped panel): none.
        if from_y - rows.b(to_row) < st.tpx(10.0) {
            return Ok(());
        }
        small_arrow(
            area,
            (f64::from(x), f64::from(from_y - st.tpx(2.0))),
            (f64::from(x), f64::from(rows.b(to_row) + st.tpx(2.0))),
            color,
            1.5,
            false,
            7.0,
            st,
        )
    };
    let up = |rows: &Rows, x: i32, from_row: usize, to_row: usize, color: RGBColor| up_from(rows, x, rows.y[from_row], to_row, color);
    let chip = |ink: &mut Ink, r: Rect| -> Result<(), DrawError> {
        let s = lang.pick("user features", "用户特征");
        node(area, ink, r, &[(s, st.font(12.0, &pal.text)), (lang.pick("ID, profile …", "ID、画像……"), small(pal.muted))], pal.axis.stroke_width(st.stroke(1.0)), pal.panel, false, st)
    };

    // ---- The two-tower model (left or top).
    let lw = lx1 - lx0;
    let ux0 = lx0;
    let ux1 = lx0 + (f64::from(lw) * 0.62).round() as i32;
    let ix0 = ux1 + st.tpx(10.0);
    let ix1 = lx1;
    let feat_c = ux0 + (ux1 - ux0) / 4;
    let lastn_c = ux0 + (ux1 - ux0) * 7 / 10;
    let user_c = (ux0 + ux1) / 2;
    let item_c = (ix0 + ix1) / 2;
    // Score at the top.
    let score = lang.pick("score = user vector · item vector", "分数 = 用户向量 · 物品向量");
    let (score, sfont) = fit_clip(area, score, lw, 13.0, 8.0, true, &pal.text, st);
    let sx = inside_x(area, &score, &sfont, (user_c + item_c) / 2, pad);
    label_at(area, &mut ink, &score, (sx, lr.c(0)), sfont, HPos::Center, VPos::Center)?;
    let tower_w = |x0: i32, x1: i32| (x1 - x0 - st.tpx(16.0)).max(st.tpx(40.0));
    let sw_u = strip_w(tower_w(ux0, ux1) / 2);
    let sw_i = strip_w(tower_w(ix0, ix1));
    let vec_split = (user_c + item_c) / 2;
    let vy = lr.c(1) + st.tpx(6.0);
    labelled_strip(area, &mut ink, (user_c, vy), sw_u, None, limit, lang.pick("user vector", "用户向量"), pal.muted, 1.0, (lx0, vec_split - gap / 2), lr.b(0) + 2, st)?;
    labelled_strip(area, &mut ink, (item_c, vy), sw_i.min(sw_u), None, limit, lang.pick("item vector", "物品向量"), pal.muted, 1.0, (vec_split + gap / 2, lx1), lr.b(0) + 2, st)?;
    for c in [user_c, item_c] {
        small_arrow(
            area,
            (f64::from(c), f64::from(vy - st.tpx(8.0) - st.tpx(16.0))),
            (f64::from((user_c + item_c) / 2 + (c - (user_c + item_c) / 2) / 3), f64::from(lr.c(0) + st.tpx(9.0))),
            pal.text,
            1.5,
            false,
            7.0,
            st,
        )?;
    }
    let user_tower: Rect = (ux0 + st.tpx(8.0), lr.y[2], ux1 - st.tpx(8.0), lr.b(2));
    let item_tower: Rect = (ix0 + st.tpx(8.0), lr.y[2], ix1 - st.tpx(8.0), lr.b(2));
    for (r, s) in [(user_tower, lang.pick("user tower", "用户塔")), (item_tower, lang.pick("item tower", "物品塔"))] {
        node(area, &mut ink, r, &[(s, st.bold(13.0, &pal.text)), (lang.pick("neural network", "神经网络"), small(pal.muted))], pal.text.stroke_width(st.stroke(1.5)), pal.panel, false, st)?;
    }
    up(&lr, user_c, 2, 1, pal.text)?;
    up(&lr, item_c, 2, 1, pal.text)?;
    // Inputs.
    let chip_w = ((ux1 - ux0) * 2 / 5).min(st.tpx(130.0));
    let chip_l: Rect = (feat_c - chip_w / 2, lr.y[3] + st.tpx(4.0), feat_c + chip_w / 2, lr.b(3));
    chip(&mut ink, chip_l)?;
    let sw_l = strip_w((ux1 - ux0) * 2 / 5);
    let results = st.reveal.results;
    let in_split = (lastn_c + item_c) / 2;
    let iy = lr.c(3) + st.tpx(8.0);
    let (mean_l, mean_label) = labelled_strip(area, &mut ink, (lastn_c, iy), sw_l, results.then_some(att.mean.as_slice()), limit, lang.pick("LastN average", "LastN 平均"), pal.mean, 2.0, (chip_l.2 + gap, in_split - gap / 2), lr.b(2) + 2, st)?;
    let (q_l, q_label) = labelled_strip(area, &mut ink, (item_c, iy), sw_i, Some(&scene.query), limit, lang.pick("candidate item q", "候选物品 q"), pal.query, 2.0, (in_split + gap / 2, lx1), lr.b(2) + 2, st)?;
    up(&lr, feat_c, 3, 2, pal.text)?;
    for (x, label) in [(lastn_c, mean_label), (item_c, q_label)] {
        up_from(&lr, x, lr.y[3].min(label.1), 2, pal.text)?;
    }
    // Average (and, for UserTower, the impossible attention) under LastN.
    let box_w = ((ux1 - ux0) * 2 / 5).min(st.tpx(140.0));
    let avg_l: Rect = (lastn_c - box_w / 2, lr.y[4], lastn_c + box_w / 2, lr.b(4));
    node(area, &mut ink, avg_l, &[(lang.pick("average", "平均"), st.bold(13.0, &pal.mean)), ("(1/n) Σ xᵢ", small(pal.muted))], pal.mean.stroke_width(st.stroke(1.5)), pal.background, false, st)?;
    up(&lr, lastn_c, 4, 3, pal.mean)?;
    let mut items = mini_lastn(area, &mut ink, scene, avg_l.0, avg_l.2, lr.y[5], st.tpx(22.0), (lx0, lx1), limit, st)?;
    up(&lr, lastn_c, 5, 4, pal.text)?;
    let att_label = lang.pick("attention", "注意力机制");
    let att_formula = din_core::explain::alpha_of(scene, "xᵢ");
    let mut attention: Rect = (0, 0, 0, 0);
    if !active {
        // The impossible path, greyed: attention beside the average, fed by q.
        let ax0 = avg_l.2 + st.tpx(14.0);
        let ax1 = (ix1 - st.tpx(4.0)).min(ax0 + st.tpx(170.0)).max(ax0 + st.tpx(40.0));
        attention = (ax0, lr.y[4], ax1, lr.b(4));
        node(area, &mut ink, attention, &[(att_label, st.bold(13.0, &pal.axis)), (&att_formula, small(pal.axis))], pal.axis.stroke_width(st.stroke(1.5)), pal.background, true, st)?;
        let to_mean = (f64::from(mean_l.2 - st.tpx(6.0)), f64::from(mean_l.3 + st.tpx(3.0)));
        small_arrow(area, (f64::from(attention.0 + st.tpx(12.0)), f64::from(attention.1 - st.tpx(2.0))), to_mean, pal.axis, 1.5, true, 7.0, st)?;
        // q → attention, crossed out: q never reaches the user tower.
        let qx = f64::from(item_c.min(attention.2 - st.tpx(10.0)).max(attention.0 + st.tpx(24.0)));
        let from = (f64::from(item_c), f64::from(q_l.3 + st.tpx(3.0)));
        let to = (qx, f64::from(attention.1 - st.tpx(2.0)));
        small_arrow(area, from, to, pal.axis, 1.5, true, 7.0, st)?;
        let xm = (((from.0 + to.0) / 2.0).round() as i32, ((from.1 + to.1) / 2.0).round() as i32);
        // The cross fits between the q strip and the attention box.
        // (In a panel too short for it, the reason line below says it alone.)
        let xs = (to.1 - from.1) / 1.2 / st.scale / st.text_factor();
        if xs >= 11.0 {
            let xs = xs.min(17.0);
            let r = st.tpx(xs * 0.53);
            rect(area, (xm.0 - r, xm.1 - r, xm.0 + r, xm.1 + r), pal.background.filled())?;
            label_at(area, &mut ink, "✕", xm, st.bold(xs, &pal.cross), HPos::Center, VPos::Center)?;
            label_at(area, &mut ink, "q", (xm.0 + r + st.tpx(3.0), xm.1), st.bold(xs.min(13.0), &pal.axis), HPos::Left, VPos::Center)?;
        }
        // The reason, on the bottom row of the two-tower model.
        let reason = lang.pick("the user tower never sees the candidate item q", "用户塔看不到候选物品");
        let line_txt = format!("✕ {reason}");
        let rpx = fit_px(area, &line_txt, lx1 - lx0, 13.0, 10.0, true, st);
        let rfont = st.bold(rpx, &pal.cross);
        let lines = wrap(area, &line_txt, &rfont, lx1 - lx0);
        lines_at(area, &mut ink, &lines[..lines.len().min(2)], ((lx0 + lx1) / 2, lr.y[6]), st.tpx(16.0), &rfont, HPos::Center)?;
    }

    // ---- The ranking model (right or bottom).
    let rw = rx1 - rx0;
    let rc = (rx0 + rx1) / 2;
    let outs = [lang.pick("click rate", "点击率"), lang.pick("like rate", "点赞率"), "…"];
    for (k, s) in outs.iter().enumerate() {
        let x = rx0 + rw * (2 * k as i32 + 1) / 6;
        let (s, ofont) = fit_clip(area, s, rw / 3 - gap, 13.0, 8.0, true, &pal.text, st);
        label_at(area, &mut ink, &s, (x, rr.c(0)), ofont, HPos::Center, VPos::Center)?;
        small_arrow(area, (f64::from(rc), f64::from(rr.y[1] - st.tpx(2.0))), (f64::from(x), f64::from(rr.c(0) + st.tpx(10.0))), pal.text, 1.2, false, 6.0, st)?;
    }
    let ranking: Rect = (rx0 + rw / 8, rr.y[1], rx1 - rw / 8, rr.b(1));
    node(area, &mut ink, ranking, &[(lang.pick("neural network (MLP)", "神经网络（MLP）"), st.bold(13.0, &pal.text))], pal.text.stroke_width(st.stroke(1.5)), pal.panel, false, st)?;
    let concat: Rect = (rx0 + st.tpx(4.0), rr.y[2] + st.tpx(8.0), rx1 - st.tpx(4.0), rr.b(2) - st.tpx(4.0));
    node(area, &mut ink, concat, &[(lang.pick("concatenation", "拼接"), st.font(13.0, &pal.text))], pal.axis.stroke_width(st.stroke(1.0)), pal.background, false, st)?;
    up(&rr, rc, 2, 1, pal.text)?;
    let (f_c, l_c, q_c) = (rx0 + rw / 6, rx0 + rw / 2, rx0 + rw * 5 / 6);
    let sw_r = strip_w(rw / 4);
    let chip_r: Rect = (f_c - sw_r / 2 - st.tpx(6.0), rr.y[3] + st.tpx(4.0), f_c + sw_r / 2 + st.tpx(6.0), rr.b(3));
    chip(&mut ink, chip_r)?;
    let ry = rr.c(3) + st.tpx(8.0);
    let r_split = (l_c + q_c) / 2;
    let l_room = (chip_r.2 + gap, r_split - gap / 2);
    let mut mean = vec![mean_l];
    let mut pooled = None;
    let l_label: Rect;
    if active {
        let r = labelled_strip(area, &mut ink, (l_c, ry), sw_r, results.then_some(att.pooled.as_slice()), limit, lang.pick("weighted sum", "加权和"), pal.pooled, 2.5, l_room, rr.b(2) + 2, st)?;
        pooled = Some(r.0);
        l_label = r.1;
    } else {
        let r = labelled_strip(area, &mut ink, (l_c, ry), sw_r, results.then_some(att.mean.as_slice()), limit, lang.pick("LastN average", "LastN 平均"), pal.mean, 2.0, l_room, rr.b(2) + 2, st)?;
        mean.push(r.0);
        l_label = r.1;
    }
    let (q_r, q_r_label) = labelled_strip(area, &mut ink, (q_c, ry), sw_r, Some(&scene.query), limit, lang.pick("candidate item q", "候选物品 q"), pal.query, 2.0, (r_split + gap / 2, rx1), rr.b(2) + 2, st)?;
    up(&rr, f_c, 3, 2, pal.text)?;
    for (x, label) in [(l_c, l_label), (q_c, q_r_label)] {
        up_from(&rr, x, rr.y[3].min(label.1), 2, pal.text)?;
    }
    let rbox_w = (rw * 2 / 5).min(st.tpx(190.0));
    let r4: Rect = (l_c - rbox_w / 2, rr.y[4], l_c + rbox_w / 2, rr.b(4));
    if active {
        node(area, &mut ink, r4, &[(att_label, st.bold(13.0, &pal.pooled)), (&att_formula, small(pal.text))], pal.pooled.stroke_width(st.stroke(2.0)), pal.background, false, st)?;
        attention = r4;
        up(&rr, l_c, 4, 3, pal.pooled)?;
        // q feeds the attention too.
        let from = (f64::from((q_r.0 + q_r.2) / 2), f64::from(q_r.3 + st.tpx(3.0)));
        let to = (f64::from(r4.2 + st.tpx(2.0)), f64::from((r4.1 + r4.3) / 2));
        small_arrow(area, from, to, pal.query, 2.0, false, 8.0, st)?;
        label_at(area, &mut ink, "q", (((from.0 + to.0) / 2.0).round() as i32 + st.tpx(6.0), ((from.1 + to.1) / 2.0).round() as i32 + st.tpx(4.0)), st.bold(13.0, &pal.query), HPos::Left, VPos::Top)?;
    } else {
        node(area, &mut ink, r4, &[(lang.pick("average", "平均"), st.bold(13.0, &pal.mean)), ("(1/n) Σ xᵢ", small(pal.muted))], pal.mean.stroke_width(st.stroke(1.5)), pal.background, false, st)?;
        up(&rr, l_c, 4, 3, pal.mean)?;
    }
    items.extend(mini_lastn(area, &mut ink, scene, r4.0, r4.2, rr.y[5], st.tpx(22.0), (rx0, rx1), limit, st)?);
    up(&rr, l_c, 5, 4, pal.text)?;
    Ok(TowersLayout {
        placement,
        stacked,
        user_tower,
        item_tower,
        ranking,
        attention,
        attention_active: active,
        mean,
        pooled,
        query: vec![q_l, q_r],
        items,
        labels: ink.labels,
        boxes: ink.boxes,
    })
}

#[cfg(test)]
mod tests {
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
        assert!(out.contains("weighted sum") && out.contains("average"));
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
}
