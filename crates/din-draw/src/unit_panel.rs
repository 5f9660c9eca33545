//! Inside the activation unit: the paper's Fig. 2 unit opened up for one
//!
//! Over 600 lines because it is one panel drawn top to bottom (input strip,
//! hidden layers, logit and weight, the activation curve) into one layout
//! record; about 250 lines are tests.
//! LastN item `x_i` and the candidate `q` (din-notes.md section 2,
//! definitions 2 and 3; the maths is [`din_core::unit`]).
//!
//! [`draw_unit`] draws, top to bottom on the left:
//!
//! * the unit's input `h_0 = [q, x_i, q − x_i, q ⊙ x_i]`, one strip of `4d`
//!   coloured cells on a diverging scale whose limit is labelled, its four
//!   segments named;
//! * each hidden layer's activations `h_l = f(W_l h_{l−1} + b_l)`, one cell
//!   per unit, each strip with its own labelled diverging scale;
//! * the logit `z_i` and the weight in the scene's form ([`Scene::weight`]):
//!   the paper's `α_i = z_i` or this project's variant `α_i = sigmoid(z_i)`,
//!   with a note when the page normalizes the weights across items instead;
//!
//! and on the right the activation function `f(s)` of the first hidden
//! layer's unit with the largest `|h|` (for Dice also its gate `p(s)`), the
//! unit's own input `s` marked on the curve. Narrow areas stack the curve
//! under the network.
//!
//! Like [`crate::draw`] and [`crate::lecture`], the function is generic over
//! plotters' `DrawingBackend`, sizes are CSS pixels times `st.scale` (and,
//! for text and the room laid out for it, times [`Style::text_factor`]),
//! colours come from the theme's palette, every
//! visible string comes in English and Chinese, and it returns a layout
//! record in backend pixels. It draws the unit's own trace
//! ([`ActivationUnit::trace`]); it computes no attention itself.

use din_core::attention::{Normalization, Similarity};
use crate::draw::{arrow, dashed_line, err, fmt_num, item_label, nice_ceil, text, text_width, ticks, DrawError, Style, LABEL_PX, TITLE_PX};
use din_core::i18n::Lang;
use crate::textlayout::{clip_to, fit_clip, fit_px, line, rect, sub, text_lines, wrap};
pub use crate::lecture::Rect;
use din_core::scene::{Definition, Scene};
use din_core::unit::{Activation, ActivationUnit, LayerParams, UnitTrace, WeightForm};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

/// Widest cell of a strip, in CSS px.
const MAX_CELL_CSS: f64 = 40.0;
/// Dice at inference, kept on one line (no-break spaces).
const DICE_F: &str = "f(s)\u{a0}=\u{a0}p(s)·s\u{a0}+\u{a0}(1\u{a0}−\u{a0}p(s))·a·s";
/// PReLU, kept on one line (English).
const PRELU_F: &str = "f(s)\u{a0}=\u{a0}s\u{a0}if\u{a0}s\u{a0}>\u{a0}0,\u{a0}else\u{a0}a·s";
/// Samples of each curve.
const CURVE_SAMPLES: usize = 241;
/// Largest `|s|` the curve's axis reaches (keeps `hi − lo` finite).
const MAX_S_RANGE: f64 = 1e100;

/// Where [`draw_unit`] put things, in backend pixels (rectangles are
/// `(left, top, right, bottom)`).
#[derive(Clone, Debug, PartialEq)]
pub struct UnitLayout {
    /// The LastN item drawn (0-based): the requested one clamped to `n − 1`
    /// (0 when there is no item).
    pub item: usize,
    /// The input strip `[q, x_i, q − x_i, q ⊙ x_i]` (all zero when nothing was drawn).
    pub input: Rect,
    /// The strip of each hidden layer, in order (empty when nothing was drawn).
    pub layers: Vec<Rect>,
    /// The curve's plot area, where `s` and `f(s)` are mapped (all zero
    /// when no curve was drawn: no hidden layer, or a message instead).
    pub curve: Rect,
    /// The logit `z_i` shown, as [`ActivationUnit::trace`] gives it; NaN
    /// when a message was drawn instead of the unit.
    pub logit: f64,
    /// The weight shown, in the scene's form: `z_i` or `sigmoid(z_i)`;
    /// NaN when a message was drawn.
    pub weight: f64,
}

/// Preferred CSS height of the panel for a unit with `hidden_layers`
/// hidden layers, at a CSS width of `width`: below 640 px the curve goes
/// under the network and needs its own 360 px.
///
/// ```
/// use din_draw::unit_panel::unit_height;
/// assert_eq!(unit_height(2, 900.0), 520.0);
/// assert_eq!(unit_height(2, 360.0), 880.0);
/// ```
#[must_use]
pub fn unit_height(hidden_layers: usize, width: f64) -> f64 {
    unit_height_for(hidden_layers, width, &Style::new(1.0))
}

/// Preferred CSS height of the panel in `st`'s theme and font scale: the
/// room for text grows with [`Style::text_factor`], and so does the width
/// below which the curve goes under the network (640 CSS px at factor 1).
///
/// ```
/// use din_draw::draw::Style;
/// use din_draw::unit_panel::{unit_height, unit_height_for};
/// assert_eq!(unit_height_for(2, 900.0, &Style::new(1.0)), unit_height(2, 900.0));
/// let big = Style::new(1.0).with_font_scale(1.5);
/// // 900 px is too narrow for side by side at 1.5 × the text: stacked.
/// assert_eq!(unit_height_for(2, 900.0, &big), 12.0 + (880.0 - 12.0) * 1.5);
/// ```
#[must_use]
pub fn unit_height_for(hidden_layers: usize, width: f64, st: &Style) -> f64 {
    let network = 360.0 + 80.0 * hidden_layers.min(8) as f64;
    let css = if width >= WIDE_CSS * st.text_factor() { network } else { network + 360.0 };
    // The padding stays; everything else is text or sized for text.
    PAD_CSS + (css - PAD_CSS) * st.text_factor()
}

/// Width (CSS px at text factor 1) from which the curve sits beside the network.
const WIDE_CSS: f64 = 640.0;
/// Outer padding, CSS px.
const PAD_CSS: f64 = 12.0;

// ---------------------------------------------------------------------------
// Small helpers.

/// `name = value` with no-break spaces, so that wrapping keeps it on one line.
fn eq(name: &str, v: f64) -> String {
    format!("{name}\u{a0}=\u{a0}{}", fmt_num(v))
}

/// A cell value short enough for a cell: two decimals below 10.
fn cell_num(v: f64) -> String {
    if v.abs() < 10.0 {
        let s = format!("{v:.2}");
        let s = s.trim_end_matches('0').trim_end_matches('.');
        let s = if s == "-0" { "0" } else { s };
        s.replace('-', "−")
    } else {
        fmt_num(v)
    }
}

/// A nice colour limit at or above the largest finite `|v|` (1 when all are 0).
fn limit_of(v: &[f64]) -> f64 {
    let m = v.iter().fold(0.0_f64, |m, a| if a.is_finite() { m.max(a.abs()) } else { m });
    let l = if m > 0.0 { nice_ceil(m) } else { 1.0 };
    if l.is_finite() && l > 0.0 { l } else { 1.0 }
}

fn activation_name(a: Activation) -> &'static str {
    match a {
        Activation::Sigmoid => "sigmoid",
        Activation::PReLU => "PReLU",
        Activation::Dice => "Dice",
    }
}

fn sim_name(sim: Similarity, lang: Lang) -> &'static str {
    match sim {
        Similarity::Dot => lang.pick("dot-product", "点积"),
        Similarity::Cosine => lang.pick("cosine", "余弦"),
        Similarity::ScaledDot => lang.pick("scaled dot-product", "缩放点积"),
    }
}

/// The index of the largest finite `|v_j|` (the first on ties).
fn arg_abs_max(v: &[f64]) -> Option<usize> {
    let mut best: Option<(usize, f64)> = None;
    for (j, x) in v.iter().enumerate() {
        if x.is_finite() && best.map_or(true, |(_, b)| x.abs() > b) {
            best = Some((j, x.abs()));
        }
    }
    best.map(|(j, _)| j)
}

/// A message centred in `r`, wrapped.
fn message<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, r: Rect, msg: &str, st: &Style) -> Result<(), DrawError> {
    let pal = st.palette();
    let font = st.font(LABEL_PX, &pal.muted);
    let lines = wrap(area, msg, &font, (r.2 - r.0).max(1));
    let lh = st.tpx(20.0);
    let y = (r.1 + r.3) / 2 - lh * lines.len() as i32 / 2;
    text_lines(area, &lines, ((r.0 + r.2) / 2, y), lh, &font, HPos::Center)
}

/// A small labelled colour bar `−limit … limit`, right-aligned at `right`,
/// vertically centred on `yc`; returns its left edge.
fn mini_legend<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, right: i32, yc: i32, limit: f64, st: &Style) -> Result<i32, DrawError> {
    let pal = st.palette();
    let font = st.font(12.0, &pal.muted);
    let (lo, hi) = (fmt_num(-limit), fmt_num(limit));
    let bar_w = st.tpx(56.0);
    let bar_h = st.tpx(8.0).max(1);
    let gap = st.tpx(4.0);
    let hi_x = right - text_width(area, &hi, &font);
    let bar_x1 = hi_x - gap;
    let bar_x0 = bar_x1 - bar_w;
    let steps = bar_w.max(1);
    for k in 0..steps {
        let v = limit * (2.0 * (f64::from(k) + 0.5) / f64::from(steps) - 1.0);
        rect(area, (bar_x0 + k, yc - bar_h / 2, bar_x0 + k + 1, yc + bar_h / 2), pal.diverging(v, limit).filled())?;
    }
    rect(area, (bar_x0, yc - bar_h / 2, bar_x1, yc + bar_h / 2), pal.axis.stroke_width(st.stroke(1.0)))?;
    text(area, &hi, (right, yc), font.clone(), HPos::Right, VPos::Center)?;
    text(area, &lo, (bar_x0 - gap, yc), font.clone(), HPos::Right, VPos::Center)?;
    Ok(bar_x0 - gap - text_width(area, &lo, &font))
}

/// One strip of cells in `r` on the diverging scale of `limit`; values are
/// written in the cells when they fit. Returns the cells' x edges.
fn cells<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, r: Rect, v: &[f64], limit: f64, st: &Style) -> Result<Vec<i32>, DrawError> {
    let pal = st.palette();
    let n = v.len().max(1);
    let span = f64::from(r.2 - r.0);
    let edges: Vec<i32> = (0..=n).map(|k| r.0 + (span * k as f64 / n as f64).round() as i32).collect();
    let cell_w = span / n as f64;
    // Values in the cells: all of them at one size that fits every cell, or none.
    let labels: Vec<String> = v.iter().map(|x| cell_num(*x)).collect();
    let size = if cell_w >= st.tpx_f(26.0) && f64::from(r.3 - r.1) >= st.tpx_f(15.0) {
        let room = (cell_w - st.tpx_f(3.0)) as i32;
        [11.0, 10.5, 10.0, 9.5, 9.0]
            .into_iter()
            // Measured with a hyphen: the conservative estimate takes the
            // minus sign for a full-width glyph, but fonts draw it digit-wide.
            .find(|px| labels.iter().all(|l| text_width(area, &l.replace('−', "-"), &st.font(*px, &pal.text)) <= room))
    } else {
        None
    };
    for (k, val) in v.iter().enumerate() {
        let (a, b) = (edges[k], edges[k + 1].max(edges[k] + 1));
        rect(area, (a, r.1, b, r.3), pal.diverging(*val, limit).filled())?;
        if let (Some(px), Some(l)) = (size, labels.get(k)) {
            let tc = pal.cell_text(*val, limit);
            text(area, l, ((a + b) / 2, (r.1 + r.3) / 2), st.font(px, &tc), HPos::Center, VPos::Center)?;
        }
    }
    if cell_w >= 5.0 * st.scale {
        for x in &edges[1..n] {
            line(area, vec![(*x, r.1), (*x, r.3)], pal.background.stroke_width(st.stroke(1.0)))?;
        }
    }
    rect(area, r, pal.axis.stroke_width(st.stroke(1.0)))?;
    Ok(edges)
}

// ---------------------------------------------------------------------------
// The panel.

/// Draws the inside of the activation unit for LastN item `item` (0-based,
/// clamped to `n − 1`) and the scene's candidate `q`: the input
/// `[q, x_i, q − x_i, q ⊙ x_i]`, each hidden layer's activations, the
/// activation function of the first hidden layer's most active unit with
/// its input `s` marked (and Dice's gate `p(s)`), the logit `z_i` and
/// the weight in the scene's form (`α_i = z_i` or `sigmoid(z_i)`). When the scene's `d` is not the unit's, when there
/// is no LastN item, or when the unit cannot score the item (numbers too
/// large), it draws a message instead.
///
/// # Errors
/// A [`DrawError`] if the backend fails.
pub fn draw_unit<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    scene: &Scene,
    unit: &ActivationUnit,
    item: usize,
    st: &Style,
) -> Result<UnitLayout, DrawError> {
    let pal = st.palette();
    area.fill(&pal.background).map_err(err)?;
    let (w, h) = area.dim_in_pixel();
    let (w, h) = (w as i32, h as i32);
    let lang = st.lang;
    let pad = st.px(PAD_CSS);
    let n = scene.items.len();
    let item = item.min(n.saturating_sub(1));
    let nothing = UnitLayout { item, input: (0, 0, 0, 0), layers: Vec::new(), curve: (0, 0, 0, 0), logit: f64::NAN, weight: f64::NAN };
    let act = unit.activation();
    let sub_i = sub(item + 1);

    // Title: "inside the activation unit: ■ x₆ foundation 粉底".
    let title = lang.pick("inside the activation unit", "激活单元内部");
    let tfont = st.bold(TITLE_PX, &pal.text);
    let body_top = pad + st.tpx(50.0);
    let body: Rect = (pad, body_top, w - pad, h - pad);
    if n == 0 || scene.dim() != unit.d() {
        text(area, title, (pad, pad), tfont, HPos::Left, VPos::Top)?;
        let msg = if n == 0 {
            lang.pick(
                "No LastN items: add one to look inside the activation unit.",
                "没有 LastN 物品：添加一个以查看激活单元内部。",
            )
            .to_owned()
        } else {
            let (td, sd) = (unit.d(), scene.dim());
            lang.tr(
                format!("The activation unit was trained for d = {td}; this scene has d = {sd}. Set d = {td} to look inside it."),
                format!("激活单元针对 d = {td} 训练；当前场景 d = {sd}。请把 d 设为 {td} 再查看。"),
            )
        };
        message(area, body, &msg, st)?;
        return Ok(nothing);
    }
    let x = &scene.items[item].vector;
    // One text after the item's colour swatch: adjacent texts would rely on
    // width estimates, which differ between backends.
    let sw = st.tpx(12.0);
    let room = w - 2 * pad - sw - st.tpx(6.0);
    let name = format!("x{sub_i} {}", item_label(scene, item));
    let full = lang.tr(format!("{title} for {name}"), format!("{title}：{name}"));
    let head = if text_width(area, &full, &tfont) <= room {
        full
    } else {
        // Narrow: the item first, so that clipping takes the generic words.
        let short = lang.tr(format!("{name} · activation unit"), format!("{name} · 激活单元"));
        clip_to(area, &short, &tfont, room)
    };
    if st.highlight == Some(item) {
        let hw = text_width(area, &head, &tfont);
        rect(area, (pad - st.tpx(4.0), pad - st.tpx(3.0), pad + sw + st.tpx(10.0) + hw, pad + st.tpx(21.0)), pal.highlight.filled())?;
    }
    let sy = pad + st.tpx(9.0);
    rect(area, (pad, sy - sw / 2, pad + sw, sy + sw / 2), pal.item_of(scene, item).filled())?;
    text(area, &head, (pad + sw + st.tpx(6.0), pad), tfont, HPos::Left, VPos::Top)?;
    let hidden: Vec<String> = unit.hidden().iter().map(usize::to_string).collect();
    let hidden = if hidden.is_empty() { lang.pick("none", "无").to_owned() } else { hidden.join(" → ") };
    let an = activation_name(act);
    let info = lang.tr(
        format!("{an} units · hidden layers {hidden} · trained for d = {}", unit.d()),
        format!("{an} 激活 · 隐藏层 {hidden} · 针对 d = {} 训练", unit.d()),
    );
    let ifont = st.font(13.0, &pal.muted);
    let info = if text_width(area, &info, &ifont) <= w - 2 * pad {
        info
    } else {
        let short = lang.tr(format!("{an} units · hidden layers {hidden}"), format!("{an} 激活 · 隐藏层 {hidden}"));
        clip_to(area, &short, &ifont, w - 2 * pad)
    };
    text(area, &info, (pad, pad + st.tpx(26.0)), ifont, HPos::Left, VPos::Top)?;

    let trace = match unit.trace(&scene.query, x) {
        Ok(t) => t,
        Err(e) => {
            let msg = lang.tr(
                format!("The activation unit cannot score this item: {e}."),
                "激活单元无法计算这个物品：数值过大或不是有限数，请改用较小的数。".to_owned(),
            );
            message(area, body, &msg, st)?;
            return Ok(nothing);
        }
    };

    // Columns: network (and result) on the left, curve on the right; stacked when narrow.
    let inner_w = (body.2 - body.0).max(1);
    let gap = st.tpx(28.0);
    let wide = f64::from(w) / st.scale >= WIDE_CSS * st.text_factor();
    let (net, curve_r): (Rect, Rect) = if wide {
        let split = body.0 + (f64::from(inner_w) * 0.58).round() as i32;
        ((body.0, body.1, split, body.3), (split + gap, body.1, body.2, body.3))
    } else {
        // The curve keeps about 300 CSS px (text and plot), the network at least 55 %.
        let body_h = body.3 - body.1;
        let split = body.1 + (body_h - st.tpx(300.0)).max(body_h * 55 / 100);
        ((body.0, body.1, body.2, split), (body.0, split + st.tpx(16.0), body.2, body.3))
    };
    let marked = trace.layers.first().and_then(|l| arg_abs_max(&l.post));
    let (input, layers) = draw_network(area, net, scene, unit, &trace, item, marked, st)?;
    let curve = match marked {
        Some(j) => draw_curve(area, curve_r, unit, &trace, pal.item_of(scene, item), j, st)?,
        None => {
            let msg = lang.pick(
                "This unit has no hidden layer: z is a linear function of the input.",
                "这个激活单元没有隐藏层：z 是输入的线性函数。",
            );
            message(area, curve_r, msg, st)?;
            (0, 0, 0, 0)
        }
    };
    Ok(UnitLayout { item, input, layers, curve, logit: trace.logit, weight: scene.weight.weight(trace.logit) })
}

/// The weight this panel shows, as a formula of `z`: `z` or `sigmoid(z)`.
fn form_text(scene: &Scene) -> &'static str {
    match scene.weight {
        WeightForm::Logit => "z",
        WeightForm::Sigmoid => "sigmoid(z)",
    }
}

/// The note under the result: what the page's α is, when it is not the weight shown here.
fn page_note(scene: &Scene, lang: Lang) -> Option<String> {
    let form = form_text(scene);
    match scene.definition {
        Definition::Authors => Some(lang.tr(
            format!(
                "Note: with the authors' code the page's α is normalized across items: z/√d, then softmax over all {} positions (padded slots masked), not {form}.",
                scene.padded_len()
            ),
            format!(
                "注意：按作者代码，页面上的 α 在物品之间归一化：先算 z/√d，再对全部 {} 个位置做 softmax（填充位置被屏蔽），而不是 {form}。",
                scene.padded_len()
            ),
        )),
        Definition::Unit => match scene.normalization {
            Normalization::None => None,
            Normalization::Softmax => {
                let t = fmt_num(scene.temperature);
                Some(lang.tr(
                    format!("Note: softmax is on, so the page's α is normalized across items: softmax of z/T over the n items (T = {t}), not {form}."),
                    format!("注意：已开启 softmax，页面上的 α 在物品之间归一化：对 n 个物品的 z/T 做 softmax（T = {t}），而不是 {form}。"),
                ))
            }
        },
        Definition::Similarity => {
            let sim = sim_name(scene.similarity, lang);
            Some(match scene.normalization {
                Normalization::None => lang.tr(
                    format!("Note: the page's α now comes from the {sim} similarity, not from this unit."),
                    format!("注意：页面上的 α 目前来自{sim}相似度，而不是这个激活单元。"),
                ),
                Normalization::Softmax => lang.tr(
                    format!("Note: the page's α now comes from the {sim} similarity with softmax across items, not from this unit."),
                    format!("注意：页面上的 α 目前来自{sim}相似度，并在物品之间做 softmax，而不是这个激活单元。"),
                ),
            })
        }
    }
}

/// The formula of a step, beside the arrow at `cx` (left of it when `left`).
fn step_label<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    s: &str,
    cx: f64,
    y: i32,
    left: bool,
    font: &TextStyle<'_>,
    st: &Style,
) -> Result<(), DrawError> {
    let off = st.tpx(10.0);
    let (x, hp) = if left { (cx as i32 - off, HPos::Right) } else { (cx as i32 + off, HPos::Left) };
    // Shrink (to 8 CSS px) and then clip what does not fit beside the arrow.
    let room = if left { x - st.px(PAD_CSS) } else { area.dim_in_pixel().0 as i32 - st.px(PAD_CSS) - x }.max(1);
    let wide = text_width(area, s, font);
    let font = if wide > room {
        let smaller = (font.font.get_size() * f64::from(room) / f64::from(wide)).max(st.tpx_f(8.0));
        TextStyle { font: font.font.resize(smaller), color: font.color, pos: font.pos }
    } else {
        font.clone()
    };
    let s = clip_to(area, s, &font, room);
    text(area, &s, (x, y), font, hp, VPos::Center)
}

/// The input strip, the hidden layers and the result, in `r`.
#[allow(clippy::too_many_arguments)]
fn draw_network<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    r: Rect,
    scene: &Scene,
    unit: &ActivationUnit,
    trace: &UnitTrace,
    item: usize,
    marked: Option<usize>,
    st: &Style,
) -> Result<(Rect, Vec<Rect>), DrawError> {
    let pal = st.palette();
    let lang = st.lang;
    let (x0, y0, x1, y1) = r;
    let col_w = (x1 - x0).max(1);
    let s = sub(item + 1);
    let d = unit.d();
    let nl = trace.layers.len();
    let an = activation_name(unit.activation());

    // The result block at the bottom: z and α in the scene's weight form, its caption, the note.
    let big = 22.0;
    let z_txt = format!("z{s} = {}", fmt_num(trace.logit));
    let a_txt = match scene.weight {
        WeightForm::Logit => format!("α{s} = z{s} = {}", fmt_num(trace.logit)),
        WeightForm::Sigmoid => format!("α{s} = sigmoid(z{s}) = {}", fmt_num(trace.weight)),
    };
    let big_px = fit_px(area, &a_txt, col_w, big, 12.0, true, st);
    let cap_font = st.font(12.5, &pal.muted);
    // What the shown weight form means, and which training this unit had
    // (the page uses the unit trained for α = z only for α = z without softmax).
    let caption = match (scene.weight, unit.trained_weight()) {
        (WeightForm::Logit, WeightForm::Logit) => lang.pick(
            "α = z: the paper's Eq. (3) uses the unit's output itself as the weight (DeepCTR's default); it can be negative. This unit was trained for α = z, with a small penalty on |z|: z > 0 means related, z near 0 unrelated.",
            "α = z：论文公式 (3) 直接把激活单元的输出作为权重（DeepCTR 的默认设置），权重可以为负。这个激活单元按 α = z 训练，并对 |z| 加了小的惩罚：z > 0 表示相关，z 接近 0 表示不相关。",
        ),
        (WeightForm::Logit, WeightForm::Sigmoid) => lang.pick(
            "α = z: the paper's Eq. (3) uses the unit's output itself as the weight (DeepCTR's default); it can be negative. This unit was trained with α = sigmoid(z), so z > 0 means related, z < 0 unrelated.",
            "α = z：论文公式 (3) 直接把激活单元的输出作为权重（DeepCTR 的默认设置），权重可以为负。这个激活单元按 α = sigmoid(z) 训练，所以 z > 0 表示相关，z < 0 表示不相关。",
        ),
        (WeightForm::Sigmoid, WeightForm::Sigmoid) => lang.pick(
            "α = sigmoid(z) is this project's variant (the paper uses α = z): each α is in (0, 1) and Σα keeps the intensity of interest. This unit was trained with α = sigmoid(z).",
            "α = sigmoid(z) 是本项目的变体（论文用 α = z）：每个 α 都在 (0, 1) 之间，Σα 保留兴趣强度。这个激活单元按 α = sigmoid(z) 训练。",
        ),
        (WeightForm::Sigmoid, WeightForm::Logit) => lang.pick(
            "α = sigmoid(z) is this project's variant (the paper uses α = z): each α is in (0, 1). This unit was trained for α = z, so sigmoid(z) is near 0.5 for unrelated items.",
            "α = sigmoid(z) 是本项目的变体（论文用 α = z）：每个 α 都在 (0, 1) 之间。这个激活单元按 α = z 训练，所以不相关物品的 sigmoid(z) 接近 0.5。",
        ),
    };
    let cap_lines = wrap(area, caption, &cap_font, col_w);
    let note_font = st.font(13.0, &pal.text);
    let note_lines = page_note(scene, lang).map(|t| wrap(area, &t, &note_font, col_w - st.tpx(8.0))).unwrap_or_default();
    let line_h = st.tpx(16.0);
    let rows_h = 2 * st.tpx(big_px + 6.0);
    let note_h = if note_lines.is_empty() { 0 } else { line_h * note_lines.len() as i32 + st.tpx(10.0) };
    let out_h = rows_h + st.tpx(6.0) + line_h * cap_lines.len() as i32 + note_h;
    let out_top = y1 - out_h;

    // Vertical budget of the stages.
    let label_h = st.tpx(22.0);
    let seg_h = st.tpx(22.0);
    let arrow_min = st.tpx(24.0);
    let stages = nl as i32 + 1;
    let avail = out_top - y0 - stages * label_h - seg_h - stages * arrow_min;
    let strip_h = (avail / stages).clamp(st.tpx(12.0), st.tpx(34.0));
    let extra = (avail - strip_h * stages).max(0);
    let arrow_h = arrow_min + (extra / stages).min(st.tpx(22.0));

    let max_cell = st.tpx_f(MAX_CELL_CSS);
    let strip_rect = |top: i32, count: usize| -> Rect {
        let width = (max_cell * count as f64).min(f64::from(col_w)).round() as i32;
        let left = x0 + (col_w - width) / 2;
        (left, top, left + width.max(1), top + strip_h)
    };
    let label_font = st.bold(14.0, &pal.text);

    // Input.
    let input_vals = &trace.input;
    let in_limit = limit_of(input_vals);
    let mut y = y0;
    let legend_left = mini_legend(area, x1, y + label_h / 2 - st.tpx(3.0), in_limit, st)?;
    let in_label = lang.tr(
        format!("input h₀: 4d = {} numbers", 4 * d),
        format!("输入 h₀：4d = {} 个数", 4 * d),
    );
    let in_label = clip_to(area, &in_label, &label_font, legend_left - x0 - st.tpx(8.0));
    text(area, &in_label, (x0, y + label_h / 2 - st.tpx(3.0)), label_font.clone(), HPos::Left, VPos::Center)?;
    y += label_h;
    let input = strip_rect(y + seg_h, 4 * d);
    let segs: [(String, RGBColor, Option<RGBColor>); 4] = [
        (lang.pick("q", "候选物品 q").to_owned(), pal.query, Some(pal.query)),
        (lang.tr(format!("x{s}"), format!("行为 x{s}")), pal.text, Some(pal.item_of(scene, item))),
        (lang.tr(format!("q − x{s}"), format!("差 q − x{s}")), pal.text, None),
        (lang.tr(format!("q ⊙ x{s}"), format!("积 q ⊙ x{s}")), pal.text, None),
    ];
    let seg_w = f64::from(input.2 - input.0) / 4.0;
    for (k, (name, color, bar)) in segs.iter().enumerate() {
        let a = input.0 + (seg_w * k as f64).round() as i32;
        let b = input.0 + (seg_w * (k + 1) as f64).round() as i32;
        let px = fit_px(area, name, b - a - st.tpx(2.0), 14.0, 8.0, true, st);
        let font = st.bold(px, color);
        let name = clip_to(area, name, &font, b - a);
        text(area, &name, ((a + b) / 2, y + seg_h - st.tpx(7.0)), font, HPos::Center, VPos::Bottom)?;
        if let Some(c) = bar {
            rect(area, (a + st.tpx(1.0), y + seg_h - st.tpx(5.0), b - st.tpx(1.0), y + seg_h - st.tpx(1.0)), c.filled())?;
        }
    }
    cells(area, input, input_vals, in_limit, st)?;
    for k in 1..4 {
        let xk = input.0 + (seg_w * k as f64).round() as i32;
        line(area, vec![(xk, input.1 - st.tpx(4.0)), (xk, input.3 + st.tpx(4.0))], pal.text.stroke_width(st.stroke(2.0)))?;
    }
    let mut prev = input;

    // Hidden layers.
    let step_font = st.font(12.0, &pal.muted);
    let mut layers = Vec::with_capacity(nl);
    // The formula beside an arrow sits right of it, or left when the
    // "unit j" mark above is on the right.
    let mut formula_left = false;
    for (l, lt) in trace.layers.iter().enumerate() {
        let from_sub = sub(l);
        let to_sub = sub(l + 1);
        let top = prev.3 + arrow_h;
        let cx = f64::from(x0 + x1) / 2.0;
        arrow(area, (cx, f64::from(prev.3 + st.tpx(5.0))), (cx, f64::from(top - st.tpx(2.0))), pal.muted, 1.5, false, st)?;
        let formula = format!("h{to_sub} = f(W{to_sub} h{from_sub} + b{to_sub})");
        step_label(area, &formula, cx, prev.3 + (arrow_h + st.tpx(3.0)) / 2, formula_left, &step_font, st)?;
        formula_left = false;
        let limit = limit_of(&lt.post);
        let ly = top + label_h / 2 - st.tpx(3.0);
        let legend_left = mini_legend(area, x1, ly, limit, st)?;
        let width = lt.post.len();
        let name = lang.tr(
            format!("hidden layer {} · {width} units · {an}", l + 1),
            format!("隐藏层 {} · {width} 个单元 · {an}", l + 1),
        );
        let name_c = clip_to(area, &name, &label_font, legend_left - x0 - st.tpx(8.0));
        text(area, &name_c, (x0, ly), label_font.clone(), HPos::Left, VPos::Center)?;
        let sr = strip_rect(top + label_h, width);
        let edges = cells(area, sr, &lt.post, limit, st)?;
        if let (0, Some(j)) = (l, marked) {
            // Frame the unit whose curve is drawn, and name it under the cell.
            let (a, b) = (edges.get(j).copied().unwrap_or(sr.0), edges.get(j + 1).copied().unwrap_or(sr.2));
            let o = st.tpx(2.0);
            rect(area, (a - o, sr.1 - o, b.max(a + 1) + o, sr.3 + o), pal.text.stroke_width(st.stroke(2.5)))?;
            let mark = lang.tr(format!("unit {}", j + 1), format!("单元 {}", j + 1));
            let mx = ((a + b) / 2).min(x1 - st.tpx(24.0)).max(x0 + st.tpx(24.0));
            text(area, &mark, (mx, sr.3 + st.tpx(4.0)), st.bold(11.5, &pal.text), HPos::Center, VPos::Top)?;
            formula_left = f64::from(mx) > cx;
        }
        layers.push(sr);
        prev = sr;
    }

    // The result.
    let cx = f64::from(x0 + x1) / 2.0;
    let last = sub(nl);
    arrow(area, (cx, f64::from(prev.3 + st.tpx(5.0))), (cx, f64::from(out_top - st.tpx(2.0))), pal.muted, 1.5, false, st)?;
    let zy = prev.3 + (out_top - prev.3 + st.tpx(3.0)) / 2;
    step_label(area, &format!("z = w · h{last} + b"), cx, zy, formula_left, &step_font, st)?;
    let mut yy = out_top + st.tpx(2.0);
    // The step-through has not revealed this item's weight yet: no numbers.
    let (z_txt, a_txt) = if st.reveal.is_all() || st.reveal.alpha(item) {
        (z_txt, a_txt)
    } else {
        (format!("z{s} = ?"), lang.tr(format!("α{s} = ? (at step {})", item + 1), format!("α{s} = ?（第 {} 步显示）", item + 1)))
    };
    let z_font = st.bold(big_px, &pal.text);
    let z_txt = clip_to(area, &z_txt, &z_font, col_w);
    text(area, &z_txt, (x0, yy), z_font, HPos::Left, VPos::Top)?;
    yy += st.tpx(big_px + 6.0);
    let a_font = st.bold(big_px, &pal.pooled);
    let a_txt = clip_to(area, &a_txt, &a_font, col_w);
    text(area, &a_txt, (x0, yy), a_font, HPos::Left, VPos::Top)?;
    yy += st.tpx(big_px + 6.0);
    yy += st.tpx(4.0);
    text_lines(area, &cap_lines, (x0, yy), line_h, &cap_font, HPos::Left)?;
    yy += line_h * cap_lines.len() as i32 + st.tpx(8.0);
    if !note_lines.is_empty() {
        let nb: Rect = (x0, yy - st.tpx(3.0), x1, yy + line_h * note_lines.len() as i32 + st.tpx(1.0));
        rect(area, nb, pal.highlight.filled())?;
        text_lines(area, &note_lines, (x0 + st.tpx(4.0), yy), line_h, &note_font, HPos::Left)?;
    }
    Ok((input, layers))
}

/// The activation curve of hidden unit `j` of the first hidden layer, in
/// `r`, with the unit's input `s` marked; returns the plot area.
fn draw_curve<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    r: Rect,
    unit: &ActivationUnit,
    trace: &UnitTrace,
    item_color: RGBColor,
    j: usize,
    st: &Style,
) -> Result<Rect, DrawError> {
    let pal = st.palette();
    let lang = st.lang;
    let (x0, y0, x1, y1) = r;
    let w = (x1 - x0).max(1);
    let Some(layer) = unit.layers().first() else { return Ok((0, 0, 0, 0)) };
    let Some(lt) = trace.layers.first() else { return Ok((0, 0, 0, 0)) };
    let s_now = lt.pre.get(j).copied().unwrap_or(0.0);
    let f_now = lt.post.get(j).copied().unwrap_or(0.0);
    let p_now = lt.dice_p.as_ref().and_then(|p| p.get(j).copied());
    let u = j + 1;
    let width = layer.width();

    // Title and what is plotted.
    let title = lang.pick("activation f(s) of hidden layer 1", "隐藏层 1 的激活函数 f(s)");
    let (title, tfont) = fit_clip(area, title, w, LABEL_PX, 10.0, true, &pal.text, st);
    text(area, &title, (x0, y0), tfont, HPos::Left, VPos::Top)?;
    let mut info = lang.tr(
        format!("unit {u} of {width} (largest |h| in layer 1): {}, {}", eq("s", s_now), eq("f(s)", f_now)),
        format!("单元 {u} / {width}（第 1 层中 |h| 最大）：{}，{}", eq("s", s_now), eq("f(s)", f_now)),
    );
    if let Some(p) = p_now {
        info.push_str(&lang.tr(format!(", {}", eq("p(s)", p)), format!("，{}", eq("p(s)", p))));
    }
    let (a_j, mean_j, var_j) = match &layer.params {
        LayerParams::Sigmoid => (None, None, None),
        LayerParams::PReLU { alpha } => (alpha.get(j).copied(), None, None),
        LayerParams::Dice { alpha, mean, var } => (alpha.get(j).copied(), mean.get(j).copied(), var.get(j).copied()),
    };
    let how = match unit.activation() {
        Activation::Sigmoid => lang.pick("f(s)\u{a0}=\u{a0}1\u{a0}/\u{a0}(1\u{a0}+\u{a0}exp(−s)), the same for every unit.", "f(s)\u{a0}=\u{a0}1\u{a0}/\u{a0}(1\u{a0}+\u{a0}exp(−s))，每个单元都相同。").to_owned(),
        Activation::PReLU => {
            let a = eq("a", a_j.unwrap_or(0.0));
            lang.tr(
                format!("PReLU with unit {u}'s slope {a}: {PRELU_F}."),
                format!("PReLU，使用单元 {u} 的斜率 {a}：s\u{a0}>\u{a0}0 时 f(s)\u{a0}=\u{a0}s，否则 f(s)\u{a0}=\u{a0}a·s。"),
            )
        }
        Activation::Dice => {
            let (a, m, v) = (eq("a", a_j.unwrap_or(0.0)), eq("E[s]", mean_j.unwrap_or(0.0)), eq("Var[s]", var_j.unwrap_or(1.0)));
            lang.tr(
                format!("Dice with unit {u}'s {a}, {m}, {v}: {DICE_F}."),
                format!("Dice，使用单元 {u} 的 {a}、{m}、{v}：{DICE_F}。"),
            )
        }
    };
    let ifont = st.font(12.5, &pal.muted);
    let lh = st.tpx(16.0);
    let mut lines = wrap(area, &info, &ifont, w);
    lines.extend(wrap(area, &how, &ifont, w));
    lines.truncate(7);
    let mut y = y0 + st.tpx(24.0);
    text_lines(area, &lines, (x0, y), lh, &ifont, HPos::Left)?;
    y += lh * lines.len() as i32 + st.tpx(6.0);

    // Legend.
    let lfont = st.font(13.0, &pal.text);
    let seg = st.tpx(22.0);
    let ly = y + st.tpx(7.0);
    let mut lx = x0;
    let entries: Vec<(String, RGBColor)> = {
        let mut v = vec![(format!("f(s), {}", activation_name(unit.activation())), pal.text)];
        if p_now.is_some() {
            v.push((lang.pick("p(s), Dice's gate", "p(s)，Dice 的门控").to_owned(), pal.gate));
        }
        v.push((lang.tr(format!("unit {u} now"), format!("单元 {u} 当前值")), item_color));
        v
    };
    let mut ly = ly;
    for (k, (label, color)) in entries.iter().enumerate() {
        // Wrap the legend onto a new line rather than past the panel's edge.
        let need = seg + st.tpx(5.0) + text_width(area, label, &lfont);
        if lx > x0 && lx + need > x1 {
            lx = x0;
            ly += st.tpx(20.0);
            y += st.tpx(20.0);
        }
        if k + 1 == entries.len() {
            area.draw(&Circle::new((lx + seg / 2, ly), st.tpx(5.0), color.filled())).map_err(err)?;
            area.draw(&Circle::new((lx + seg / 2, ly), st.tpx(5.0), pal.text.stroke_width(st.stroke(1.5)))).map_err(err)?;
        } else {
            line(area, vec![(lx, ly), (lx + seg, ly)], color.stroke_width(st.stroke(2.5)))?;
        }
        text(area, label, (lx + seg + st.tpx(5.0), ly), lfont.clone(), HPos::Left, VPos::Center)?;
        lx += seg + st.tpx(5.0) + text_width(area, label, &lfont) + st.tpx(14.0);
    }
    y += st.tpx(22.0);

    // Plot area and ranges.
    let plot: Rect = (x0 + st.tpx(44.0), y + st.tpx(6.0), x1 - st.tpx(6.0), (y1 - st.tpx(36.0)).max(y + st.tpx(16.0)));
    let mut s_pts: Vec<f64> = lt.pre.iter().copied().filter(|v| v.is_finite()).collect();
    if let (Some(m), Some(v)) = (mean_j, var_j) {
        let sd = (v + din_core::unit::DICE_EPS).sqrt();
        s_pts.extend([m - 3.0 * sd, m + 3.0 * sd]);
    }
    let lo0 = s_pts.iter().copied().fold(-4.0_f64, f64::min).max(-MAX_S_RANGE);
    let hi0 = s_pts.iter().copied().fold(4.0_f64, f64::max).min(MAX_S_RANGE);
    let m = 0.08 * (hi0 - lo0);
    let (s_lo, s_hi) = (lo0 - m, hi0 + m);
    let curve = unit.activation_curve(0, j, (s_lo, s_hi), CURVE_SAMPLES).ok();
    let Some(curve) = curve else {
        message(area, plot, lang.pick("The curve cannot be drawn for these numbers.", "这些数值无法画出曲线。"), st)?;
        return Ok(plot);
    };
    let ys: Vec<f64> = curve
        .f
        .iter()
        .map(|p| p.1)
        .chain(curve.p.iter().flatten().map(|p| p.1))
        .chain([0.0, f_now])
        .filter(|v| v.is_finite())
        .collect();
    let y_lo = ys.iter().copied().fold(f64::INFINITY, f64::min).max(-MAX_S_RANGE);
    let y_hi = ys.iter().copied().fold(f64::NEG_INFINITY, f64::max).min(MAX_S_RANGE);
    let (y_lo, y_hi) = if y_hi > y_lo { (y_lo, y_hi) } else { (y_lo - 1.0, y_lo + 1.0) };
    let ym = 0.08 * (y_hi - y_lo);
    let (y_lo, y_hi) = (y_lo - ym, y_hi + ym);
    let (px0, py0, px1, py1) = plot;
    let to_px = |s: f64, v: f64| -> (i32, i32) {
        let fx = f64::from(px0) + (s - s_lo) / (s_hi - s_lo) * f64::from(px1 - px0);
        let fy = f64::from(py1) - (v - y_lo) / (y_hi - y_lo) * f64::from(py1 - py0);
        let fx = fx.clamp(f64::from(px0.min(px1)), f64::from(px0.max(px1)));
        let fy = fy.clamp(f64::from(py0.min(py1)), f64::from(py0.max(py1)));
        (fx.round() as i32, fy.round() as i32)
    };

    // Grid, ticks, axes through 0.
    let tick_font = st.font(12.0, &pal.muted);
    let tx_target = (f64::from(px1 - px0) / st.tpx_f(70.0)).clamp(2.0, 8.0);
    for t in ticks(s_lo, s_hi, tx_target) {
        let (sx, _) = to_px(t, y_lo);
        let style = if t == 0.0 { pal.axis.stroke_width(st.stroke(1.5)) } else { pal.grid.stroke_width(st.stroke(1.0)) };
        line(area, vec![(sx, py0), (sx, py1)], style)?;
        text(area, &fmt_num(t), (sx, py1 + st.tpx(5.0)), tick_font.clone(), HPos::Center, VPos::Top)?;
    }
    let ty_target = (f64::from(py1 - py0) / st.tpx_f(45.0)).clamp(2.0, 8.0);
    for t in ticks(y_lo, y_hi, ty_target) {
        let (_, sy) = to_px(s_lo, t);
        let style = if t == 0.0 { pal.axis.stroke_width(st.stroke(1.5)) } else { pal.grid.stroke_width(st.stroke(1.0)) };
        line(area, vec![(px0, sy), (px1, sy)], style)?;
        text(area, &fmt_num(t), (px0 - st.tpx(5.0), sy), tick_font.clone(), HPos::Right, VPos::Center)?;
    }
    rect(area, plot, pal.axis.stroke_width(st.stroke(1.0)))?;
    text(area, lang.pick("s = input of the unit", "s = 单元的输入"), (px1, py1 + st.tpx(20.0)), st.font(12.5, &pal.text), HPos::Right, VPos::Top)?;

    // Curves.
    if let Some(p) = &curve.p {
        let pts: Vec<(i32, i32)> = p.iter().filter(|q| q.1.is_finite()).map(|q| to_px(q.0, q.1)).collect();
        line(area, pts, pal.gate.stroke_width(st.stroke(2.0)))?;
    }
    let pts: Vec<(i32, i32)> = curve.f.iter().filter(|q| q.1.is_finite()).map(|q| to_px(q.0, q.1)).collect();
    line(area, pts, pal.text.stroke_width(st.stroke(2.5)))?;

    // The unit's current input.
    if s_now.is_finite() && f_now.is_finite() {
        let dot = to_px(s_now, f_now);
        let guide = item_color.stroke_width(st.stroke(1.5));
        let (_, base_y) = to_px(s_now, 0.0_f64.clamp(y_lo, y_hi));
        dashed_line(area, dot, (dot.0, base_y), 4.0 * st.scale, guide)?;
        if let Some(p) = p_now {
            let pd = to_px(s_now, p);
            area.draw(&Circle::new(pd, st.tpx(4.5), pal.background.filled())).map_err(err)?;
            area.draw(&Circle::new(pd, st.tpx(4.5), pal.gate.stroke_width(st.stroke(2.0)))).map_err(err)?;
        }
        area.draw(&Circle::new(dot, st.tpx(6.5), item_color.filled())).map_err(err)?;
        area.draw(&Circle::new(dot, st.tpx(6.5), pal.text.stroke_width(st.stroke(2.0)))).map_err(err)?;
    }
    Ok(plot)
}

#[cfg(test)]
mod tests {
    use super::*;
    use din_core::presets::default_scene;
    use din_core::scene::shipped_unit;

    fn svg<F: FnOnce(&DrawingArea<SVGBackend, Shift>)>(w: u32, h: u32, f: F) -> String {
        let mut out = String::new();
        {
            let root = SVGBackend::with_string(&mut out, (w, h)).into_drawing_area();
            f(&root);
            root.present().unwrap();
        }
        // The SVG backend escapes XML; compare with the text as drawn.
        out.replace("&apos;", "'").replace("&quot;", "\"").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    }

    fn draw(scene: &Scene, unit: &ActivationUnit, item: usize, st: &Style) -> (String, UnitLayout) {
        let mut lay = None;
        // 1000 × 540 CSS px at text factor 1, grown with the text.
        let tf = st.text_factor();
        let h = (540.0 * tf).max(unit_height_for(unit.hidden().len(), 1000.0 * tf, st) + 20.0);
        let out = svg((1000.0 * tf) as u32, h as u32, |root| lay = Some(draw_unit(root, scene, unit, item, st).unwrap()));
        (out, lay.unwrap())
    }

    fn zh() -> Style {
        let mut st = Style::new(1.0);
        st.lang = Lang::Zh;
        st
    }

    /// The default style, then larger fonts and the other themes.
    fn styles() -> Vec<Style> {
        use din_core::options::Theme;
        vec![
            Style::new(1.0),
            Style::new(1.0).with_font_scale(1.5),
            Style::new(1.0).with_theme(Theme::Contrast),
            Style::new(1.0).with_theme(Theme::Dark).with_font_scale(2.0),
        ]
    }

    /// All text of the SVG, one element after the other, joined by spaces
    /// (so that wrapped sentences can be searched).
    fn all_text(svg: &str) -> String {
        let mut out = Vec::new();
        let mut lines = svg.lines();
        while let Some(l) = lines.next() {
            if l.starts_with("<text") {
                if let Some(t) = lines.next() {
                    out.push(t.to_owned());
                }
            }
        }
        out.join(" ")
    }

    /// Whether a text element's whole content is `s`.
    fn has_text(svg: &str, s: &str) -> bool {
        svg.contains(&format!("\n{s}\n"))
    }

    #[test]
    fn drawn_logit_and_weight_are_the_trace() {
        for (act, form) in Activation::ALL.into_iter().flat_map(|a| WeightForm::ALL.into_iter().map(move |f| (a, f))) {
            let mut s = default_scene();
            s.weight = form;
            let u = shipped_unit(act).unwrap();
            for (i, st) in [0, 5].into_iter().flat_map(|i| styles().into_iter().map(move |st| (i, st))) {
                let t = u.trace(&s.query, &s.items[i].vector).unwrap();
                let (out, lay) = draw(&s, u, i, &st);
                assert_eq!(lay.item, i);
                assert_eq!(lay.logit, t.logit, "{act} item {i}");
                let k = sub(i + 1);
                assert!(out.contains(&format!("z{k} = {}", fmt_num(t.logit))), "{act} {i}: z shown");
                match form {
                    WeightForm::Logit => {
                        assert_eq!(lay.weight, t.logit, "{act} item {i}: the paper's α = z");
                        assert!(out.contains(&format!("α{k} = z{k} = {}", fmt_num(t.logit))), "{act} {i}: α shown");
                        assert!(!out.contains(&format!("α{k} = sigmoid(z{k})")), "{act} {i}: not the sigmoid form");
                    }
                    WeightForm::Sigmoid => {
                        assert_eq!(lay.weight, t.weight, "{act} item {i}: α = sigmoid(z)");
                        assert!(out.contains(&format!("α{k} = sigmoid(z{k}) = {}", fmt_num(t.weight))), "{act} {i}: α shown");
                    }
                }
                assert_eq!(lay.layers.len(), u.hidden().len());
                let (l, tp, r, b) = lay.input;
                assert!(l < r && tp < b && lay.layers.iter().all(|s| s.1 > b), "layers below the input");
                assert!(lay.curve.0 < lay.curve.2 && lay.curve.1 < lay.curve.3);
                // Side by side: the curve right of the network, apart from it.
                assert!(lay.curve.0 > lay.input.2 && lay.layers.iter().all(|l| l.2 < lay.curve.0));
                for pair in lay.layers.windows(2) {
                    assert!(pair[1].1 > pair[0].3 + st.tpx(24.0), "room for the arrow and the layer's name");
                }
            }
        }
    }

    #[test]
    fn segment_and_layer_labels() {
        let s = default_scene();
        for (act, st) in Activation::ALL.into_iter().flat_map(|a| styles().into_iter().map(move |st| (a, st))) {
            let u = shipped_unit(act).unwrap();
            let (out, _) = draw(&s, u, 5, &st);
            for seg in ["q", "x₆", "q − x₆", "q ⊙ x₆"] {
                assert!(has_text(&out, seg), "{act}: segment {seg}");
            }
            for (l, width) in u.hidden().iter().enumerate() {
                let label = format!("hidden layer {} · {width} units · {}", l + 1, activation_name(act));
                assert!(has_text(&out, &label), "{act}: {label}");
            }
            assert!(out.contains("foundation 粉底"), "item label");
            assert!(out.contains("inside the activation unit for x₆ foundation 粉底"));
            assert!(out.contains("\nunit "));
            assert!(out.contains("(largest |h| in layer 1)"));
            assert!(all_text(&out).contains("the paper's Eq. (3) uses the unit's output itself as the weight"));
            let mut sig = s.clone();
            sig.weight = WeightForm::Sigmoid;
            let (out, _) = draw(&sig, u, 5, &st);
            assert!(all_text(&out).contains("this project's variant"));
        }
        let (out, _) = draw(&s, shipped_unit(Activation::Dice).unwrap(), 0, &Style::new(1.0));
        assert!(out.contains("p(s), Dice's gate"));
        let (out, _) = draw(&s, shipped_unit(Activation::PReLU).unwrap(), 0, &Style::new(1.0));
        assert!(out.contains("slope a\u{a0}=\u{a0}"));
    }

    #[test]
    fn chinese_labels() {
        let s = default_scene();
        for act in Activation::ALL {
            let u = shipped_unit(act).unwrap();
            let (out, _) = draw(&s, u, 5, &zh());
            for seg in ["候选物品 q", "行为 x₆", "差 q − x₆", "积 q ⊙ x₆"] {
                assert!(has_text(&out, seg), "{act}: segment {seg}");
            }
            for (l, width) in u.hidden().iter().enumerate() {
                let label = format!("隐藏层 {} · {width} 个单元 · {}", l + 1, activation_name(act));
                assert!(has_text(&out, &label), "{act}: {label}");
            }
            assert!(out.contains("激活单元内部"));
            assert!(all_text(&out).contains("论文公式 (3)"));
            assert!(!out.contains("hidden layer") && !out.contains("inside the"), "no English left");
        }
    }

    #[test]
    fn wrong_d_and_no_items_draw_messages() {
        let u = shipped_unit(Activation::Sigmoid).unwrap();
        let (s3, _) = default_scene().with_dim(3).unwrap();
        let (out, lay) = draw(&s3, u, 0, &Style::new(1.0));
        assert!(out.contains("The activation unit was trained for d = 8"), "{out}");
        assert!(lay.layers.is_empty() && lay.logit.is_nan());
        let (out, _) = draw(&s3, u, 0, &zh());
        assert!(out.contains("激活单元针对 d = 8 训练"));
        let (empty, _) = default_scene().with_patch_json(r#"{"items": []}"#).unwrap();
        let (out, lay) = draw(&empty, u, 3, &Style::new(1.0));
        assert!(out.contains("No LastN items"));
        assert_eq!(lay.item, 0);
        assert!(lay.weight.is_nan() && lay.curve == (0, 0, 0, 0));
        let (out, _) = draw(&empty, u, 3, &zh());
        assert!(out.contains("没有 LastN 物品"));
    }

    #[test]
    fn item_is_clamped_and_highlighted() {
        let s = default_scene();
        let u = shipped_unit(Activation::PReLU).unwrap();
        let mut st = Style::new(1.0);
        st.highlight = Some(8);
        let (out, lay) = draw(&s, u, 99, &st);
        assert_eq!(lay.item, 8);
        assert!(out.contains("x₉ EV 电动车"));
        let t = u.trace(&s.query, &s.items[8].vector).unwrap();
        assert_eq!(lay.logit, t.logit);
    }

    #[test]
    fn notes_follow_the_page_definition() {
        let u = shipped_unit(Activation::Dice).unwrap();
        let base = default_scene();
        let (unit_none, _) = base.with_patch_json(r#"{"similarity": "unit", "normalization": "none"}"#).unwrap();
        let (out, _) = draw(&unit_none, u, 0, &Style::new(1.0));
        assert!(!out.contains("Note:"), "α = z on the page and here: no note");
        let (unit_soft, _) = base.with_patch_json(r#"{"similarity": "unit", "normalization": "softmax", "temperature": 2}"#).unwrap();
        let (out, _) = draw(&unit_soft, u, 0, &Style::new(1.0));
        assert!(all_text(&out).contains("softmax of z/T over the n items (T = 2), not z."));
        let (sig_soft, _) = unit_soft.with_patch_json(r#"{"weight": "sigmoid"}"#).unwrap();
        let (out, _) = draw(&sig_soft, u, 0, &Style::new(1.0));
        assert!(all_text(&out).contains("(T = 2), not sigmoid(z)."));
        let (authors, _) = base.with_patch_json(r#"{"similarity": "authors"}"#).unwrap();
        let (out, _) = draw(&authors, u, 0, &Style::new(1.0));
        assert!(all_text(&out).contains("z/√d, then softmax over all 12 positions"));
        let (out, _) = draw(&authors, u, 0, &zh());
        assert!(out.contains("z/√d"));
        let (out, _) = draw(&base, u, 0, &Style::new(1.0));
        assert!(all_text(&out).contains("from the dot-product similarity with softmax across items, not from this unit"));
    }

    #[test]
    fn unit_without_hidden_layer_and_unscorable_items() {
        let mut w = vec!["0"; 32];
        w[24] = "1";
        let text = format!(
            r#"{{"format": "din-viz activation unit v1", "activation": "sigmoid", "d": 8, "hidden": [],
                "layers": [{{"weight": [[{}]], "bias": [0]}}]}}"#,
            w.join(", ")
        );
        let u = ActivationUnit::from_json(&text).unwrap();
        let s = default_scene();
        let (out, lay) = draw(&s, &u, 0, &Style::new(1.0));
        assert!(out.contains("no hidden layer"));
        assert!(lay.layers.is_empty() && lay.curve == (0, 0, 0, 0));
        assert_eq!(lay.logit, s.query[0] * s.items[0].vector[0]);
        // A scene built by hand with numbers the unit cannot score.
        let mut bad = s.clone();
        bad.query = vec![1e300; 8];
        bad.items[0].vector = vec![1e300; 8];
        let (out, lay) = draw(&bad, shipped_unit(Activation::PReLU).unwrap(), 0, &Style::new(1.0));
        assert!(out.contains("cannot score"), "{out}");
        assert!(lay.logit.is_nan());
        bad.items[0].vector[0] = f64::NAN;
        let (out, _) = draw(&bad, &u, 0, &zh());
        assert!(out.contains("激活单元无法计算"));
    }

    #[test]
    fn any_size_and_scale_draws() {
        use din_core::options::Theme;
        let s = default_scene();
        for act in Activation::ALL {
            let u = shipped_unit(act).unwrap();
            for (w, h) in [(1, 1), (40, 30), (200, 120), (360, 640), (640, 400), (900, 520), (1200, 700)] {
                for (scale, theme, fs) in [(0.5, Theme::Light, 1.0), (1.0, Theme::Light, 1.0), (2.0, Theme::Light, 1.0), (3.0, Theme::Light, 1.0), (1.0, Theme::Contrast, 2.0), (2.0, Theme::Dark, 0.75)] {
                    let mut st = Style::new(scale).with_theme(theme).with_font_scale(fs);
                    st.highlight = Some(5);
                    for lang in [Lang::En, Lang::Zh] {
                        st.lang = lang;
                        svg(w, h, |root| {
                            let lay = draw_unit(root, &s, u, 5, &st).unwrap();
                            assert_eq!(lay.item, 5);
                        });
                    }
                }
            }
        }
    }
}
