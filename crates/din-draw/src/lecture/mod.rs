//! The lecture's pictures, made live from the scene's numbers.
//!
//! One submodule per panel: `steps` (the build-up), `qkv` (query, keys,
//! values), `towers` (where attention can sit) with `ink` (the towers'
//! labels, boxes and strips, each placed in its own interval); this file
//! holds the helpers they share; `tests` holds the panels' tests.
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

/// A CSS height laid out at text factor 1, at `st`'s text factor: the
/// 12 px padding stays, the rest grows with the text.
fn grown(css: f64, st: &Style) -> f64 {
    12.0 + (css - 12.0) * st.text_factor()
}

mod ink;
mod qkv;
mod steps;
mod towers;

pub use qkv::*;
pub use steps::*;
pub use towers::*;

#[cfg(test)]
mod tests;
