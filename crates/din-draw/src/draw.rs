//! The three charts, drawn with plotters on any `DrawingBackend`.
//!
//! Over 600 lines because the three charts share one layout vocabulary
//! (frames, scales, label columns) that the hit tests read back from their
//! layout records; about 190 lines are tests.
//!
//! The same functions draw to a `<canvas>` in the page (`src/canvas.rs`),
//! to SVG in native tests, and to anything else plotters supports. They
//! work in backend pixels: the caller passes the pixel ratio `scale`
//! (the page's `devicePixelRatio`), and every font size, margin and stroke
//! width here is given in CSS pixels and multiplied by it, so the charts are
//! crisp at any ratio and keep the same look. The [`Style`] also carries the
//! theme, whose [`Palette`] gives every colour (the whole area is filled
//! with its ground first) and multiplies stroke widths and fonts, and a
//! font scale; the room laid out for text (margins, row heights, label
//! columns) grows with the fonts.
//!
//! Each function returns a small layout record (where the bars, rows or
//! points ended up) that tests assert on and the wasm layer uses for hit
//! testing; the maths of what is drawn comes from [`din_core::attention`] and
//! [`din_core::projection`], never from here.

use din_core::attention::Attention;
use din_core::projection::{Basis, View};
use din_core::scene::Scene;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

pub use crate::style::{
    fmt_num, item_color, item_color_hex, item_color_hex_for, palette, set_text_measure, DrawError, Measure, Palette, Style, Theme,
    LABEL_PX, MEAN_COLOR, PALETTE, POOLED_COLOR, QUERY_COLOR, TITLE_PX,
};
pub(crate) use crate::style::{
    arrow, arrow_shaped, clip_label, dashed_line, err, item_label, nice_ceil, text, text_width, ticks, ArrowShape,
};
use crate::palette::LIGHT;

const ROW_PX: f64 = 30.0;
const HEAT_ROW_PX: f64 = 26.0;
/// Outer padding of the charts, CSS px.
const BARS_PAD: f64 = 12.0;
/// Top of the bar chart's rows (under the title and the definition), CSS px at text factor 1.
const BARS_TOP: f64 = 64.0;
/// Room under the bar chart's rows for the ticks and the 1/n note, CSS px at text factor 1.
const BARS_BOTTOM: f64 = 44.0;
/// Top of the heatmap's rows (under the title, the subtitle and the column numbers), CSS px at text factor 1.
const HEAT_TOP: f64 = 78.0;

/// Preferred CSS height of the bar chart for `n` items in `st`'s theme and
/// font scale: the title, the rows and the axis grow with the text.
///
/// ```
/// use din_draw::draw::{bars_height_for, Style, Theme};
/// assert_eq!(bars_height_for(9, &Style::new(2.0)), bars_height_for(9, &Style::new(1.0)));
/// assert!(bars_height_for(9, &Style::new(1.0).with_font_scale(1.5)) > 1.4 * bars_height_for(9, &Style::new(1.0)));
/// assert!(bars_height_for(9, &Style::new(1.0).with_theme(Theme::Contrast)) > bars_height_for(9, &Style::new(1.0)));
/// ```
#[must_use]
pub fn bars_height_for(n: usize, st: &Style) -> f64 {
    let rows = if n > ALL_ROWS { TOP_ROWS + 1 } else { n.max(3) };
    BARS_PAD + (BARS_TOP - BARS_PAD + ROW_PX * rows as f64 + BARS_BOTTOM) * st.text_factor()
}

/// The least CSS height of the bar chart for `n` items at which every row
/// still shows its label and value (rows of 18 CSS px at text factor 1),
/// for layouts that share the height with other charts (lecture mode).
///
/// ```
/// use din_draw::draw::{bars_height_for, bars_min_height_for, Style, Theme};
/// let st = Style::new(1.0);
/// assert!(bars_min_height_for(9, &st) < bars_height_for(9, &st));
/// let contrast = Style::new(1.0).with_theme(Theme::Contrast);
/// assert!(bars_min_height_for(9, &contrast) > bars_min_height_for(9, &st));
/// ```
#[must_use]
pub fn bars_min_height_for(n: usize, st: &Style) -> f64 {
    let rows = if n > ALL_ROWS { TOP_ROWS + 1 } else { n.max(3) };
    BARS_PAD + (BARS_TOP - BARS_PAD + 18.0 * rows as f64 + BARS_BOTTOM) * st.text_factor()
}

/// The row choice of the row charts is din-core's (the text alternative
/// lists the same rows): [`din_core::steps::shown_rows`].
pub use din_core::steps::{shown_rows, shown_rows_revealed, ALL_ROWS, TOP_ROWS};

/// The note a chart shows while the step-through hides some of its answers.
pub(crate) fn reveal_note(lang: din_core::i18n::Lang) -> &'static str {
    lang.pick("step-through on: shown as the steps reveal it", "分步演示中：随步骤逐步显示")
}

/// [`reveal_note`] for a narrow line (the bar chart's footer beside the
/// plain average's weight).
pub(crate) fn reveal_note_short(lang: din_core::i18n::Lang) -> &'static str {
    lang.pick("revealed step by step", "随步骤逐步显示")
}

/// Preferred CSS height of the heatmap for `n` items (light theme, font scale 1).
#[must_use]
pub fn heatmap_height(n: usize) -> f64 {
    heatmap_height_for(n, &Style::new(1.0))
}

/// Preferred CSS height of the heatmap for `n` items in `st`'s theme and
/// font scale: rows are tall enough for their labels at that size.
///
/// ```
/// use din_draw::draw::{heatmap_height, heatmap_height_for, Style};
/// assert_eq!(heatmap_height_for(9, &Style::new(1.0)), heatmap_height(9));
/// assert!(heatmap_height_for(9, &Style::new(1.0).with_font_scale(2.0)) > 1.9 * heatmap_height(9));
/// ```
#[must_use]
pub fn heatmap_height_for(n: usize, st: &Style) -> f64 {
    let rows = if n > ALL_ROWS { TOP_ROWS } else { n };
    // Padding, then the header, the rows (items and the three results) and
    // the room under them, which all grow with the text.
    BARS_PAD + (HEAT_TOP - BARS_PAD + HEAT_ROW_PX * (rows + 3) as f64 + 34.0) * st.text_factor()
}

/// One line describing the definition of alpha in use, e.g.
/// "dot similarity, softmax T = 1" ([`din_core::explain::definition_text`]).
#[must_use]
pub fn definition_text(scene: &Scene, lang: din_core::i18n::Lang) -> String {
    din_core::explain::definition_text(scene, lang)
}

/// Where each bar of the alpha chart was drawn, in backend pixels.
#[derive(Clone, Debug, PartialEq)]
pub struct BarsLayout {
    /// x of alpha = 0.
    pub zero_x: f64,
    /// Pixels per unit of alpha.
    pub px_per_unit: f64,
    /// For each bar drawn: (top y, bottom y, x where the bar ends).
    pub bars: Vec<(i32, i32, i32)>,
    /// The item each bar shows (all items in order, or the largest alphas).
    pub items: Vec<usize>,
}

/// Draws the attention weights as horizontal bars, one row per LastN item
/// (in order, like x_1..x_n on the lecture's slides), with the value at the
/// end of each bar, a dashed line at the plain average's weight `1/n`, and
/// `Σα` in the title.
///
/// # Errors
/// A [`DrawError`] if the backend fails.
pub fn draw_bars<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    scene: &Scene,
    att: &Attention,
    st: &Style,
) -> Result<BarsLayout, DrawError> {
    let pal = st.palette();
    area.fill(&pal.background).map_err(err)?;
    let (w, h) = area.dim_in_pixel();
    let (w, h) = (w as i32, h as i32);
    let pad = st.px(BARS_PAD);
    let n = scene.items.len();
    let sum_font = st.bold(TITLE_PX, &pal.pooled);
    let reveal = st.reveal;
    let sum = if reveal.alpha_sum { format!("Σα = {}", fmt_num(att.alpha_sum)) } else { "Σα = ?".to_owned() };
    let sum_w = text_width(area, &sum, &sum_font);
    let title_font = st.bold(TITLE_PX, &pal.text);
    let title = crate::textlayout::clip_to(area, st.lang.pick("attention weights α", "注意力权重 α"), &title_font, w - 2 * pad - sum_w - st.px(8.0));
    text(area, &title, (pad, pad), title_font, HPos::Left, VPos::Top)?;
    text(area, &sum, (w - pad, pad), sum_font, HPos::Right, VPos::Top)?;
    let def_font = st.font(13.0, &pal.muted);
    let definition = crate::textlayout::clip_to(area, &definition_text(scene, st.lang), &def_font, w - 2 * pad);
    text(area, &definition, (pad, pad + st.tpx(24.0)), def_font, HPos::Left, VPos::Top)?;
    let top = st.lay(BARS_PAD, BARS_TOP - BARS_PAD);
    let bottom = h - st.tpx(BARS_BOTTOM);
    if n == 0 {
        text(
            area,
            st.lang.pick("No LastN items: add one to see attention.", "LastN 为空：添加物品后才能看到注意力。"),
            (w / 2, (top + bottom) / 2),
            st.font(LABEL_PX, &pal.muted),
            HPos::Center,
            VPos::Center,
        )?;
        return Ok(BarsLayout { zero_x: 0.0, px_per_unit: 0.0, bars: Vec::new(), items: Vec::new() });
    }
    let label_font = st.font(LABEL_PX, &pal.text);
    let shown = shown_rows_revealed(&att.alpha, &reveal);
    let partial = shown.len() < n;
    let labels: Vec<String> = shown.iter().map(|&i| format!("x{} {}", i + 1, item_label(scene, i))).collect();
    let max_label = labels.iter().map(|l| text_width(area, l, &label_font)).max().unwrap_or(0);
    let swatch = st.tpx(12.0);
    let label_w = (max_label + swatch + st.tpx(10.0)).min(w * 2 / 5);
    // A label longer than its column (a narrow chart) is shortened, never drawn over the bars.
    let label_room = label_w - swatch - st.tpx(8.0);
    let value_w = st.tpx(62.0);
    let x_left = pad + label_w + st.px(8.0);
    let x_right = (w - pad - value_w).max(x_left + 1);
    let uniform = 1.0 / n as f64;
    // The axis spans the weights shown (all of them, or those the step-through has revealed).
    let visible = || att.alpha.iter().enumerate().filter(|(i, _)| reveal.alpha(*i) || reveal.is_all()).map(|(_, a)| *a);
    let lo = visible().fold(0.0_f64, f64::min);
    let hi = visible().fold(uniform, f64::max);
    let span = if hi - lo > 0.0 { hi - lo } else { 1.0 };
    let px_per_unit = f64::from(x_right - x_left) / span;
    let to_x = |v: f64| x_left as f64 + (v - lo) * px_per_unit;
    let zero_x = to_x(0.0);
    let rows = shown.len() + usize::from(partial);
    let row_h = f64::from(bottom - top) / rows as f64;
    // Grid and axis ticks.
    let tick_font = st.font(13.0, &pal.muted);
    let target = (f64::from(x_right - x_left) / st.tpx_f(80.0)).clamp(2.0, 6.0);
    for t in ticks(lo, hi, target) {
        let x = to_x(t).round() as i32;
        area.draw(&PathElement::new(vec![(x, top), (x, bottom)], pal.grid.stroke_width(st.stroke(1.0)))).map_err(err)?;
        text(area, &fmt_num(t), (x, bottom + st.tpx(6.0)), tick_font.clone(), HPos::Center, VPos::Top)?;
    }
    let ux = to_x(uniform).round() as i32;
    dashed_line(area, (ux, top - st.px(4.0)), (ux, bottom), 6.0 * st.scale, pal.mean.stroke_width(st.stroke(2.0)))?;
    let mut bars = Vec::with_capacity(shown.len());
    let bar_h = (row_h * 0.68).max(1.0);
    let show_text = row_h >= st.tpx_f(14.0);
    for (r, &i) in shown.iter().enumerate() {
        let a = &att.alpha[i];
        let yc = top as f64 + row_h * (r as f64 + 0.5);
        let y0 = (yc - bar_h / 2.0).round() as i32;
        let y1 = ((yc + bar_h / 2.0).round() as i32).max(y0 + 1);
        let xe = to_x(*a).round() as i32;
        let zx = zero_x.round() as i32;
        let color = pal.item_of(scene, i);
        if st.highlight == Some(i) {
            let band = ((yc - row_h / 2.0).round() as i32, (yc + row_h / 2.0).round() as i32);
            area.draw(&Rectangle::new([(pad / 2, band.0), (w - pad / 2, band.1)], pal.highlight.filled())).map_err(err)?;
        }
        let hidden = !reveal.is_all() && !reveal.alpha(i);
        if hidden {
            // Not revealed yet by the step-through: the row, a "?" and no bar.
            bars.push((y0, y1, zx));
            if show_text {
                let yc = yc.round() as i32;
                area.draw(&Rectangle::new([(pad, yc - swatch / 2), (pad + swatch, yc + swatch / 2)], color.filled())).map_err(err)?;
                let label = crate::textlayout::clip_to(area, &labels[r], &label_font, label_room);
                text(area, &label, (pad + swatch + st.tpx(8.0), yc), label_font.clone(), HPos::Left, VPos::Center)?;
                text(area, "?", (zx + st.px(6.0), yc), st.bold(LABEL_PX, &pal.muted), HPos::Left, VPos::Center)?;
            }
            continue;
        }
        area.draw(&Rectangle::new([(zx.min(xe), y0), (zx.max(xe), y1)], color.filled())).map_err(err)?;
        bars.push((y0, y1, xe));
        if show_text {
            let yc = yc.round() as i32;
            let sx = pad;
            area.draw(&Rectangle::new([(sx, yc - swatch / 2), (sx + swatch, yc + swatch / 2)], color.filled()))
                .map_err(err)?;
            let label = crate::textlayout::clip_to(area, &labels[r], &label_font, label_room);
            text(area, &label, (sx + swatch + st.tpx(8.0), yc), label_font.clone(), HPos::Left, VPos::Center)?;
            // The value sits after the bar's end: right of a positive bar,
            // left of a negative one when there is room, else right of zero.
            let left_end = zx.min(xe) - st.px(6.0);
            let after_right = *a >= 0.0 || left_end < x_left + st.tpx(40.0);
            let (vx, hp) = if after_right { (zx.max(xe) + st.px(6.0), HPos::Left) } else { (left_end, HPos::Right) };
            let value = fmt_num(*a);
            let vfont = st.font(LABEL_PX - 1.0, &pal.text);
            let vw = text_width(area, &value, &vfont);
            let bx0 = if after_right { vx - st.px(2.0) } else { vx - vw - st.px(2.0) };
            let half = st.tpx(9.0);
            // A backing in the ground colour keeps the value readable over the 1/n line.
            area.draw(&Rectangle::new([(bx0, yc - half), (bx0 + vw + st.px(4.0), yc + half)], pal.background.filled()))
                .map_err(err)?;
            text(area, &value, (vx, yc), vfont, hp, VPos::Center)?;
        }
    }
    if partial && !reveal.is_all() {
        let note = match st.lang {
            din_core::i18n::Lang::En => format!("the first {} of {n} items shown", shown.len()),
            din_core::i18n::Lang::Zh => format!("显示 {n} 个物品中的前 {} 个", shown.len()),
        };
        let y = (top as f64 + row_h * (shown.len() as f64 + 0.5)).round() as i32;
        text(area, &note, (pad, y), st.font(13.0, &pal.muted), HPos::Left, VPos::Center)?;
    } else if partial {
        // Say what is aggregated: the rest of the items in one line.
        let rest: f64 = (0..n).filter(|i| !shown.contains(i)).map(|i| att.alpha[i]).sum();
        let others = n - shown.len();
        let note = match st.lang {
            din_core::i18n::Lang::En => format!(
                "the {} largest α of {n} items shown; the other {others} together: Σα = {}",
                shown.len(),
                fmt_num(rest)
            ),
            din_core::i18n::Lang::Zh => format!("显示 {n} 个物品中 α 最大的 {} 个；其余 {others} 个合计 Σα = {}", shown.len(), fmt_num(rest)),
        };
        let y = (top as f64 + row_h * (shown.len() as f64 + 0.5)).round() as i32;
        let note_font = st.font(13.0, &pal.muted);
        let note = crate::textlayout::clip_to(area, &note, &note_font, w - 2 * pad);
        text(area, &note, (pad, y), note_font, HPos::Left, VPos::Center)?;
    }
    // Zero axis and the plain average's weight 1/n.
    let zx = zero_x.round() as i32;
    area.draw(&PathElement::new(vec![(zx, top), (zx, bottom)], pal.axis.stroke_width(st.stroke(1.5)))).map_err(err)?;
    // The footer: the plain average's weight on the right, never cut (its
    // short form when the step-through's note shares a narrow line), and
    // that note on the left in what is left (its short form if need be).
    let mean_font = st.font(13.0, &pal.mean);
    let uniform = fmt_num(uniform);
    let long = format!("{} 1/n = {uniform}", st.lang.pick("mean: every weight", "平均：每个权重都是"));
    let short = format!("{} 1/n = {uniform}", st.lang.pick("mean:", "平均："));
    let line = w - 2 * pad;
    let gap = st.px(12.0);
    let note_font = st.bold(13.0, &pal.muted);
    let fits = |s: &str, font: &TextStyle<'_>, room: i32| text_width(area, s, font) <= room;
    let note_min = text_width(area, reveal_note_short(st.lang), &note_font);
    let mean_note = if reveal.is_all() {
        if fits(&long, &mean_font, line) { long } else { short }
    } else if fits(&long, &mean_font, line - gap - note_min) {
        long
    } else {
        short
    };
    let mean_w = text_width(area, &mean_note, &mean_font);
    text(area, &mean_note, (w - pad, bottom + st.tpx(24.0)), mean_font, HPos::Right, VPos::Top)?;
    if !reveal.is_all() {
        let room = line - mean_w - gap;
        let note = if fits(reveal_note(st.lang), &note_font, room) { reveal_note(st.lang) } else { reveal_note_short(st.lang) };
        let note = crate::textlayout::clip_to(area, note, &note_font, room);
        text(area, &note, (pad, bottom + st.tpx(24.0)), note_font, HPos::Left, VPos::Top)?;
    }
    Ok(BarsLayout { zero_x, px_per_unit, bars, items: shown })
}

/// Diverging colour for `v` on a scale of `[-m, m]` in the light theme:
/// blue below zero, white at zero, red above (ColorBrewer RdBu, readable
/// with colour blindness). Other themes: [`Palette::diverging`].
#[must_use]
pub fn diverging(v: f64, m: f64) -> RGBColor {
    LIGHT.diverging(v, m)
}

/// Where the heatmap's cells were drawn, in backend pixels.
#[derive(Clone, Debug, PartialEq)]
pub struct HeatmapLayout {
    /// Left x of column k and the column width.
    pub col_x: Vec<i32>,
    /// Column width.
    pub col_w: f64,
    /// Top y of each row (items, then q, pooled, mean).
    pub row_y: Vec<i32>,
    /// Row height.
    pub row_h: f64,
    /// The colour scale's limit: colours run from -limit to +limit.
    pub limit: f64,
}

/// Draws the vectors as a heatmap: one row per LastN item, then `q`,
/// pooled and mean; one column per component; one shared diverging colour
/// scale, drawn as a labelled bar on the right.
///
/// # Errors
/// A [`DrawError`] if the backend fails.
pub fn draw_heatmap<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    scene: &Scene,
    att: &Attention,
    st: &Style,
) -> Result<HeatmapLayout, DrawError> {
    let pal = st.palette();
    area.fill(&pal.background).map_err(err)?;
    let (w, h) = area.dim_in_pixel();
    let (w, h) = (w as i32, h as i32);
    let pad = st.px(BARS_PAD);
    let n = scene.items.len();
    let d = scene.dim();
    let narrow = f64::from(w) / st.scale < 560.0 * st.text_factor();
    let title = match (narrow, st.lang) {
        (true, din_core::i18n::Lang::En) => "vectors x, q, pooled, mean",
        (false, din_core::i18n::Lang::En) => "vectors: LastN x, candidate q, pooled Σαx, mean",
        (true, din_core::i18n::Lang::Zh) => "向量 x、q、加权和、平均",
        (false, din_core::i18n::Lang::Zh) => "向量：LastN 物品 x、候选物品 q、加权和 Σαx、平均",
    };
    let title_font = st.bold(TITLE_PX, &pal.text);
    let title = crate::textlayout::clip_to(area, title, &title_font, w - 2 * pad);
    text(area, &title, (pad, pad), title_font, HPos::Left, VPos::Top)?;
    let subtitle = if scene.items.len() > ALL_ROWS {
        match st.lang {
            din_core::i18n::Lang::En => format!("rows: the {TOP_ROWS} items with the largest α of {}, then q, pooled, mean; columns: components 1…d", scene.items.len()),
            din_core::i18n::Lang::Zh => format!("行：{} 个物品中 α 最大的 {TOP_ROWS} 个，然后是 q、加权和、平均；列：分量 1…d", scene.items.len()),
        }
    } else {
        st.lang.pick("rows are vectors, columns are components 1…d", "每行一个向量，每列一个分量 1…d").to_owned()
    };
    let sub_font = st.font(13.0, &pal.muted);
    let subtitle = crate::textlayout::clip_to(area, &subtitle, &sub_font, w - 2 * pad);
    text(area, &subtitle, (pad, pad + st.tpx(24.0)), sub_font, HPos::Left, VPos::Top)?;
    let mut rows: Vec<(String, &[f64], RGBColor)> = Vec::with_capacity(n + 3);
    let reveal = st.reveal;
    let shown = shown_rows_revealed(&att.alpha, &reveal);
    for &i in &shown {
        rows.push((format!("x{} {}", i + 1, item_label(scene, i)), &scene.items[i].vector, pal.item_of(scene, i)));
    }
    let n = shown.len();
    rows.push((st.lang.pick("q candidate", "q 候选物品").to_owned(), &scene.query, pal.query));
    rows.push((st.lang.pick("pooled Σαx", "加权和 Σαx").to_owned(), &att.pooled, pal.pooled));
    rows.push((st.lang.pick("mean", "平均").to_owned(), &att.mean, pal.mean));
    // The scale covers what is shown: pooled and mean only once revealed.
    let hidden_row = |r: usize| !reveal.results && r > n;
    let limit = rows
        .iter()
        .enumerate()
        .filter(|(r, _)| !hidden_row(*r))
        .flat_map(|(_, row)| row.1.iter())
        .fold(0.0_f64, |m, v| m.max(v.abs()));
    let limit = if limit > 0.0 { nice_ceil(limit) } else { 1.0 };
    let label_font = st.font(LABEL_PX, &pal.text);
    let max_label = rows.iter().map(|r| text_width(area, &r.0, &label_font)).max().unwrap_or(0);
    let swatch = st.tpx(12.0);
    let label_w = (max_label + swatch + st.tpx(10.0)).min(w * 2 / 5);
    let label_room = label_w - swatch - st.tpx(8.0);
    let x0 = pad + label_w + st.px(6.0);
    let bar_w = st.px(14.0);
    let legend_w = bar_w + st.tpx(58.0);
    let x1 = (w - pad - legend_w).max(x0 + d as i32);
    let top = st.lay(BARS_PAD, HEAT_TOP - BARS_PAD);
    let gap = st.px(12.0);
    let bottom = h - st.px(12.0);
    let row_h = (f64::from(bottom - top - gap) / rows.len() as f64).max(1.0);
    let col_w = f64::from(x1 - x0) / d as f64;
    // Column headers.
    let head_font = st.font(13.0, &pal.muted);
    let every = ((st.tpx(22.0) as f64 / col_w).ceil() as usize).max(1);
    let col_x: Vec<i32> = (0..=d).map(|k| (x0 as f64 + col_w * k as f64).round() as i32).collect();
    for k in (0..d).step_by(every) {
        let cx = ((col_x[k] + col_x[k + 1]) / 2, top - st.px(6.0));
        text(area, &format!("{}", k + 1), cx, head_font.clone(), HPos::Center, VPos::Bottom)?;
    }
    let show_values = col_w >= st.tpx_f(44.0) && row_h >= st.tpx_f(20.0);
    let show_labels = row_h >= st.tpx_f(13.0);
    let mut row_y = Vec::with_capacity(rows.len());
    // The cells go out as bitmaps (crate::cells): one region per run of
    // rows, flushed before anything is drawn over a row (a highlight, a
    // frame, a note, the values), so every stroke covers the same cells as
    // when each cell was its own rectangle.
    let mut cells = crate::cells::Cells::new(st);
    let mut run_last: Option<usize> = None;
    let mut values: Vec<((i32, i32), f64)> = Vec::new();
    for (r, (label, vec, color)) in rows.iter().enumerate() {
        let extra = if r >= n { gap } else { 0 };
        let y0 = (top as f64 + row_h * r as f64).round() as i32 + extra;
        let y1 = (top as f64 + row_h * (r + 1) as f64).round() as i32 + extra;
        row_y.push(y0);
        let over = hidden_row(r) || (r < n && st.highlight == Some(shown[r])) || r >= n;
        if run_last.is_none_or(|l| r > l) {
            // A new run: from this row to the last row with nothing drawn over it.
            let mut end = r;
            while end + 1 < rows.len() {
                let e = end + 1;
                let e_over = hidden_row(e) || (e < n && st.highlight == Some(shown[e])) || e >= n;
                if e == n || over || e_over {
                    break;
                }
                end = e;
            }
            let extra_end = if end >= n { gap } else { 0 };
            let y_end = (top as f64 + row_h * (end + 1) as f64).round() as i32 + extra_end;
            cells.begin(area, (col_x[0], y0, col_x[d], y_end), (end + 1 - r) * d, pal.background)?;
            run_last = Some(end);
        }
        if hidden_row(r) {
            // Pooled and mean before the step-through's weighted-sum step:
            // grey cells and a note, no numbers.
            cells.fill(area, (col_x[0], y0, col_x[d], y1), pal.computed)?;
        } else {
            for (k, v) in vec.iter().enumerate() {
                cells.fill(area, (col_x[k], y0, col_x[k + 1], y1), pal.diverging(*v, limit))?;
            }
        }
        if over {
            cells.flush(area)?;
            run_last = None;
            // Values stay inside their cells: drawn once their run is on the area.
            for (at, v) in values.drain(..) {
                text(area, &fmt_num(v), at, st.font(12.0, &pal.cell_text(v, limit)), HPos::Center, VPos::Center)?;
            }
        }
        if hidden_row(r) && r == n + 2 {
            // Centred on the line between the two grey rows, drawn over both.
            let note = st.lang.pick("pooled and mean appear at the weighted-sum step", "加权和与平均在“加权和”一步显示");
            let nfont = st.bold(13.0, &pal.muted);
            let note = crate::textlayout::clip_to(area, note, &nfont, col_x[d] - col_x[0] - st.px(8.0));
            text(area, &note, ((col_x[0] + col_x[d]) / 2, y0), nfont, HPos::Center, VPos::Center)?;
        }
        for (k, v) in vec.iter().enumerate().filter(|_| !hidden_row(r) && show_values) {
            values.push((((col_x[k] + col_x[k + 1]) / 2, (y0 + y1) / 2), *v));
        }
        if show_labels {
            let yc = (y0 + y1) / 2;
            area.draw(&Rectangle::new([(pad, yc - swatch / 2), (pad + swatch, yc + swatch / 2)], color.filled()))
                .map_err(err)?;
            let font = if r >= n { st.bold(LABEL_PX, color) } else { label_font.clone() };
            let label = crate::textlayout::clip_to(area, &clip_label(label, 40), &font, label_room);
            text(area, &label, (pad + swatch + st.tpx(8.0), yc), font, HPos::Left, VPos::Center)?;
        }
        if r < n && st.highlight == Some(shown[r]) {
            area.draw(&Rectangle::new([(pad / 2, y0), (x1, y1)], pal.text.stroke_width(st.stroke(2.5)))).map_err(err)?;
        }
        if r >= n {
            // Frame the three special rows so they read as results.
            area.draw(&Rectangle::new([(x0, y0), (x1, y1)], color.stroke_width(st.stroke(1.5)))).map_err(err)?;
        }
    }
    cells.flush(area)?;
    for (at, v) in values {
        text(area, &fmt_num(v), at, st.font(12.0, &pal.cell_text(v, limit)), HPos::Center, VPos::Center)?;
    }
    // Thin lines in the ground colour between cells.
    if col_w >= 6.0 * st.scale {
        for x in &col_x {
            area.draw(&PathElement::new(
                vec![(*x, top), (*x, top + (row_h * n as f64) as i32)],
                pal.background.stroke_width(st.stroke(1.0)),
            ))
            .map_err(err)?;
        }
    }
    // Colour bar.
    let bx = w - pad - legend_w + st.px(10.0);
    let by0 = top;
    let by1 = bottom;
    // 64 bands look continuous and cost 64 fills instead of one per pixel row.
    let bands = 64;
    let band_y = |k: i32| by0 + ((by1 - by0) * k) / bands;
    for k in 0..bands {
        let v = limit * (1.0 - 2.0 * f64::from(k) / f64::from(bands - 1));
        area.draw(&Rectangle::new([(bx, band_y(k)), (bx + bar_w, band_y(k + 1))], pal.diverging(v, limit).filled()))
            .map_err(err)?;
    }
    area.draw(&Rectangle::new([(bx, by0), (bx + bar_w, by1)], pal.axis.stroke_width(st.stroke(1.0)))).map_err(err)?;
    for (v, y) in [(limit, by0), (0.0, (by0 + by1) / 2), (-limit, by1)] {
        area.draw(&PathElement::new(vec![(bx + bar_w, y), (bx + bar_w + st.px(4.0), y)], pal.axis.stroke_width(st.stroke(1.0))))
            .map_err(err)?;
        let vp = if y == by0 { VPos::Top } else if y == by1 { VPos::Bottom } else { VPos::Center };
        text(area, &fmt_num(v), (bx + bar_w + st.px(7.0), y), st.font(13.0, &pal.text), HPos::Left, vp)?;
    }
    Ok(HeatmapLayout { col_x, col_w, row_y, row_h, limit })
}

/// What the map drew, in backend pixels; the wasm layer keeps it for hit
/// testing and tests assert on it.
#[derive(Clone, Debug, PartialEq)]
pub struct MapLayout {
    /// The view (pixel rectangle and data ranges) used.
    pub view: View,
    /// Screen position of `q`.
    pub query: (f64, f64),
    /// The box q's diamond and its "q" cover: left, top, right, bottom.
    pub query_box: (f64, f64, f64, f64),
    /// Screen positions of the items.
    pub items: Vec<(f64, f64)>,
    /// Screen position of the pooled point (on the plot's edge when pooled lies beyond it).
    pub pooled: (f64, f64),
    /// Whether pooled lies beyond the plot's edge (it is then drawn on the edge, towards it).
    pub pooled_beyond: bool,
    /// Screen position of the mean.
    pub mean: (f64, f64),
    /// The labels of pooled, mean and the items, as placed.
    pub labels: Vec<crate::map_layers::MapLabel>,
    /// The key rows under the plot (backend px).
    pub key: Vec<(f64, f64, f64, f64)>,
    /// The catalogue's colour scale as drawn (when the catalogue is shown and scored).
    pub legend: Option<crate::map_layers::MapLegend>,
    /// The catalogue items drawn, with their values and colours.
    pub catalogue: Vec<crate::map_layers::CataloguePoint>,
}

/// The pixel rectangle the map plots into, for an area of `w x h` backend
/// pixels; with `catalogue` the key under it has room for the colour scale
/// and the groups' shapes (see [`crate::map_layers::map_frame`]).
#[must_use]
pub fn map_plot_rect(w: u32, h: u32, st: &Style, catalogue: Option<&din_core::catalogue::ScoredCatalogue>) -> (f64, f64, f64, f64) {
    crate::map_layers::map_frame(w, h, st, catalogue).plot
}

/// The view that fits the items, q, the mean, the origin and the
/// catalogue's items into the map's plot rectangle for an area of `w x h` pixels.
#[must_use]
pub fn fit_map_view(
    scene: &Scene,
    att: &Attention,
    basis: &Basis,
    w: u32,
    h: u32,
    st: &Style,
    catalogue: Option<&din_core::catalogue::ScoredCatalogue>,
) -> View {
    View::fit(&map_fit_points(scene, att, basis, catalogue), map_plot_rect(w, h, st, catalogue))
}

/// The points the map's view must show: the items, q, the mean (and
/// pooled when there are no items), and the scored catalogue's items.
/// Pooled is left out otherwise: without softmax it can be many times
/// longer than any item (that is the interest intensity); the map then
/// draws it on the edge and says how long it is, instead of shrinking the
/// items to a dot.
#[must_use]
pub fn map_fit_points(scene: &Scene, att: &Attention, basis: &Basis, catalogue: Option<&din_core::catalogue::ScoredCatalogue>) -> Vec<(f64, f64)> {
    let mut pts: Vec<(f64, f64)> = scene.items.iter().map(|it| basis.project(&it.vector)).collect();
    pts.extend([basis.project(&scene.query), basis.project(&att.mean)]);
    if scene.items.is_empty() {
        pts.push(basis.project(&att.pooled));
    }
    if let Some(sc) = catalogue.filter(|sc| sc.colouring.is_ok()) {
        pts.extend(sc.catalogue.entries.iter().map(|e| basis.project(&e.vector)));
    }
    pts
}

/// The grid's tick values along x and y for `view`, as the map draws them.
fn map_ticks(view: &View, st: &Style) -> (Vec<f64>, Vec<f64>) {
    let (l, t, r, b) = view.px;
    let tx = ticks(view.x.0, view.x.1, ((r - l) / st.tpx_f(90.0)).max(2.0));
    let ty = ticks(view.y.0, view.y.1, ((b - t) / st.tpx_f(70.0)).max(2.0));
    (tx, ty)
}

/// The part of the map that does not move with q: the ground, the grid
/// and axes, the catalogue's markers (when `catalogue` is given) and, for
/// a LastN too long to label (more than [`ALL_ROWS`] items), every item's dot.
///
/// # Errors
/// A [`DrawError`] if the backend fails.
pub fn draw_map_background<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    scene: &Scene,
    basis: &Basis,
    view: &View,
    catalogue: Option<&din_core::catalogue::ScoredCatalogue>,
    st: &Style,
) -> Result<(), DrawError> {
    let pal = st.palette();
    area.fill(&pal.background).map_err(err)?;
    let (l, t, r, b) = view.px;
    let p = |x: f64, y: f64| (x.round() as i32, y.round() as i32);
    let (tx, ty) = map_ticks(view, st);
    for x in tx {
        let (sx, _) = view.to_screen((x, 0.0));
        let style = if x == 0.0 { pal.axis.stroke_width(st.stroke(1.5)) } else { pal.grid.stroke_width(st.stroke(1.0)) };
        area.draw(&PathElement::new(vec![p(sx, t), p(sx, b)], style)).map_err(err)?;
    }
    for y in ty {
        let (_, sy) = view.to_screen((0.0, y));
        let style = if y == 0.0 { pal.axis.stroke_width(st.stroke(1.5)) } else { pal.grid.stroke_width(st.stroke(1.0)) };
        area.draw(&PathElement::new(vec![p(l, sy), p(r, sy)], style)).map_err(err)?;
    }
    if let Some(sc) = catalogue {
        let pts = crate::map_layers::catalogue_points(sc, basis, view, st);
        crate::map_layers::draw_catalogue(area, &pts, st)?;
    }
    if scene.items.len() > ALL_ROWS {
        // Small squares (one fillRect each, much cheaper than an arc), drawn
        // colour by colour so that the fill colour is set once per colour.
        let dot = st.px(2.0);
        let colours = pal.items.len().max(1);
        for c in 0..colours {
            let color = pal.items[c];
            for it in scene.items.iter().filter(|it| usize::from(it.color) % colours == c) {
                let (sx, sy) = view.to_screen(basis.project(&it.vector));
                let (x, y) = (sx.round() as i32, sy.round() as i32);
                area.draw(&Rectangle::new([(x - dot, y - dot), (x + dot, y + dot)], color.filled())).map_err(err)?;
            }
        }
    }
    Ok(())
}

/// Where the segment from `from` (inside `rect`) towards `to` leaves
/// `rect`, pulled in by `inset` pixels; `to` itself when it is inside.
fn clip_to_rect(from: (f64, f64), to: (f64, f64), rect: (f64, f64, f64, f64), inset: f64) -> ((f64, f64), bool) {
    let (l, t, r, b) = (rect.0 + inset, rect.1 + inset, rect.2 - inset, rect.3 - inset);
    if to.0 >= l && to.0 <= r && to.1 >= t && to.1 <= b {
        return (to, false);
    }
    let (dx, dy) = (to.0 - from.0, to.1 - from.1);
    let mut tmax = 1.0_f64;
    for (o, dd, lo, hi) in [(from.0, dx, l, r), (from.1, dy, t, b)] {
        if dd > 0.0 {
            tmax = tmax.min((hi - o) / dd);
        } else if dd < 0.0 {
            tmax = tmax.min((lo - o) / dd);
        }
    }
    let k = tmax.max(0.0);
    ((from.0 + dx * k, from.1 + dy * k), true)
}

/// Draws the 2-D map: the scene's catalogue of candidate items as markers
/// coloured by what DIN gives each for this user (`catalogue`, with its
/// colour scale and shapes in the key under the plot), the LastN items as
/// coloured dots with a halo whose size shows their weight, `q` as a
/// diamond, and the mean and pooled as points with an arrow from mean to
/// pooled (attention moves the user vector toward the candidate's
/// interest). Labels never overlap each other or q; an item whose name
/// finds no room keeps its index. `view` fixes the data ranges (the wasm
/// layer freezes it during a drag); `None` fits the view to the points.
/// With [`Style::prepainted`] the part that does not move with q
/// ([`draw_map_background`]) is taken as already drawn.
///
/// # Errors
/// A [`DrawError`] if the backend fails.
pub fn draw_map<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    scene: &Scene,
    att: &Attention,
    basis: &Basis,
    view: Option<View>,
    catalogue: Option<&din_core::catalogue::ScoredCatalogue>,
    st: &Style,
) -> Result<MapLayout, DrawError> {
    use crate::map_layers::{place_labels, LabelKind, LabelRequest};
    let pal = st.palette();
    let (w, h) = area.dim_in_pixel();
    let pad = st.px(BARS_PAD);
    let frame = crate::map_layers::map_frame(w, h, st, catalogue);
    let rect = frame.plot;
    let view = match view {
        Some(v) => View { px: rect, ..v },
        None => View::fit(&map_fit_points(scene, att, basis, catalogue), rect),
    };
    if !st.prepainted {
        draw_map_background(area, scene, basis, &view, catalogue, st)?;
    }
    let q2 = basis.project(&scene.query);
    let items2: Vec<(f64, f64)> = scene.items.iter().map(|it| basis.project(&it.vector)).collect();
    let title_font = st.bold(TITLE_PX, &pal.text);
    let title = crate::textlayout::clip_to(area, st.lang.pick("map: drag q or any item", "二维图：拖动 q 或任一物品"), &title_font, w as i32 - 2 * pad);
    text(area, &title, (pad, pad), title_font, HPos::Left, VPos::Top)?;
    let (axis1, axis2) = match basis.kind {
        din_core::projection::BasisKind::Pca => ("PC1", "PC2"),
        _ => (st.lang.pick("component 1", "分量 1"), st.lang.pick("component 2", "分量 2")),
    };
    let caption = if frame.narrow { basis.describe_short(st.lang) } else { basis.describe(st.lang) };
    let caption_font = st.font(13.0, &pal.muted);
    let caption = crate::textlayout::clip_to(area, &caption, &caption_font, w as i32 - 2 * pad);
    text(area, &caption, (pad, pad + st.tpx(24.0)), caption_font, HPos::Left, VPos::Top)?;
    let (l, t, r, b) = rect;
    let p = |x: f64, y: f64| (x.round() as i32, y.round() as i32);
    // Tick numbers (the grid lines are in the background) and the axes' names inside the plot's corners.
    let tick_font = st.font(13.0, &pal.muted);
    let (tx, ty) = map_ticks(&view, st);
    for x in tx {
        let (sx, _) = view.to_screen((x, 0.0));
        text(area, &fmt_num(x), p(sx, b + st.tpx_f(6.0)), tick_font.clone(), HPos::Center, VPos::Top)?;
    }
    for y in ty {
        let (_, sy) = view.to_screen((0.0, y));
        text(area, &fmt_num(y), p(l - 6.0 * st.scale, sy), tick_font.clone(), HPos::Right, VPos::Center)?;
    }
    text(area, axis1, p(r - 6.0 * st.scale, b - 4.0 * st.scale), st.font(13.0, &pal.muted), HPos::Right, VPos::Bottom)?;
    text(area, axis2, p(l + 6.0 * st.scale, t + 4.0 * st.scale), st.font(13.0, &pal.muted), HPos::Left, VPos::Top)?;
    // Halos: area proportional to each item's share of the total |alpha|.
    let amax = att.alpha.iter().fold(0.0_f64, |m, a| m.max(a.abs()));
    let items_px: Vec<(f64, f64)> = items2.iter().map(|&pt| view.to_screen(pt)).collect();
    // A large LastN is drawn as small dots, halos only for the items the
    // bar chart shows (the largest alphas), so the map stays readable and fast.
    let crowded = scene.items.len() > ALL_ROWS;
    let reveal = st.reveal;
    let shown = shown_rows_revealed(&att.alpha, &reveal);
    let halo_items: Vec<usize> = if crowded { shown.clone() } else { (0..items_px.len()).collect() };
    // While the step-through is on, only the weights it has revealed get a halo.
    for &i in halo_items.iter().filter(|&&i| reveal.is_all() || reveal.alpha(i)) {
        let (sx, sy) = items_px[i];
        let share = if amax > 0.0 { att.alpha[i].abs() / amax } else { 0.0 };
        let rad = (6.0 + 20.0 * share.sqrt()) * st.scale;
        area.draw(&Circle::new(p(sx, sy), rad.round() as i32, pal.item_of(scene, i).mix(0.25).filled())).map_err(err)?;
    }
    // Mean and pooled as points, an arrow from mean to pooled (once the
    // step-through, if on, has reached the weighted sum).
    let mean_px = view.to_screen(basis.project(&att.mean));
    let (pooled_px, pooled_beyond) = clip_to_rect(mean_px, view.to_screen(basis.project(&att.pooled)), rect, 8.0 * st.scale);
    let mark = 7.0 * st.scale;
    if reveal.results {
        let (dx, dy) = (pooled_px.0 - mean_px.0, pooled_px.1 - mean_px.1);
        let len = (dx * dx + dy * dy).sqrt();
        if len > 2.0 * mark + 4.0 * st.scale {
            let (ux, uy) = (dx / len, dy / len);
            let from = (mean_px.0 + ux * mark, mean_px.1 + uy * mark);
            let to = (pooled_px.0 - ux * mark * 0.6, pooled_px.1 - uy * mark * 0.6);
            arrow(area, from, to, pal.pooled, 3.5, false, st)?;
        }
        let mean_r = mark.round() as i32;
        area.draw(&Circle::new(p(mean_px.0, mean_px.1), mean_r, pal.background.filled())).map_err(err)?;
        area.draw(&Circle::new(p(mean_px.0, mean_px.1), mean_r, pal.mean.stroke_width(st.stroke(2.5)))).map_err(err)?;
        let pooled_r = (mark * 0.8).round() as i32;
        area.draw(&Circle::new(p(pooled_px.0, pooled_px.1), pooled_r, pal.pooled.filled())).map_err(err)?;
        area.draw(&Circle::new(p(pooled_px.0, pooled_px.1), pooled_r, pal.background.stroke_width(st.stroke(1.5)))).map_err(err)?;
    } else {
        // The step-through has not reached the weighted sum: say where pooled and mean went.
        let note = st.lang.pick("pooled and mean appear at the weighted-sum step", "加权和与平均在“加权和”一步显示");
        let nf = st.bold(13.0, &pal.muted);
        let (l, t, r, b) = rect;
        let _ = t;
        let note = crate::textlayout::clip_to(area, note, &nf, (r - l) as i32 - st.px(12.0));
        let nw = f64::from(text_width(area, &note, &nf));
        let at = p(r - 6.0 * st.scale, b - 6.0 * st.scale);
        area.draw(&Rectangle::new(
            [(at.0 - nw as i32 - st.px(4.0), at.1 - st.tpx(20.0)), (at.0 + st.px(4.0), at.1 + st.px(2.0))],
            pal.background.mix(0.85).filled(),
        ))
        .map_err(err)?;
        text(area, &note, at, nf, HPos::Right, VPos::Bottom)?;
    }
    // Items.
    let dot = st.px(7.0);
    if crowded {
        // The dots are part of the background (draw_map_background).
        if let Some(&(sx, sy)) = st.highlight.and_then(|i| items_px.get(i)) {
            area.draw(&Circle::new(p(sx, sy), st.px(13.0), pal.text.stroke_width(st.stroke(2.5)))).map_err(err)?;
        }
    } else {
        for (i, &(sx, sy)) in items_px.iter().enumerate() {
            if st.highlight == Some(i) {
                area.draw(&Circle::new(p(sx, sy), st.px(13.0), pal.text.stroke_width(st.stroke(2.5)))).map_err(err)?;
            }
            area.draw(&Circle::new(p(sx, sy), dot, pal.item_of(scene, i).filled())).map_err(err)?;
            area.draw(&Circle::new(p(sx, sy), dot, pal.background.stroke_width(st.stroke(1.5)))).map_err(err)?;
        }
    }
    // Labels: pooled and mean, then the items from the largest alpha down
    // (every item up to ALL_ROWS, else the ten largest alphas).
    let qs = view.to_screen(q2);
    let k = 11.0 * st.scale;
    let q_font = st.bold(TITLE_PX + 1.0, &pal.query);
    let q_text_w = f64::from(text_width(area, "q", &q_font));
    let q_text_x = qs.0 + k + 4.0 * st.scale;
    let query_box = (qs.0 - k, qs.1 - k - st.tpx_f(TITLE_PX + 1.0) * 0.5, (q_text_x + q_text_w).max(qs.0 + k), qs.1 + k);
    let labelled: Vec<usize> = if crowded { shown.iter().copied().take(10).collect() } else { din_core::attention::descending_order(&att.alpha) };
    let label_font = st.font(LABEL_PX, &pal.text);
    let bold_pooled = st.bold(LABEL_PX, &pal.pooled);
    let bold_mean = st.bold(LABEL_PX, &pal.mean);
    let pooled_text = if pooled_beyond {
        crate::map_layers::pooled_beyond(st.lang, att.pooled_norm)
    } else {
        st.lang.pick("pooled", "加权和").to_owned()
    };
    let mean_text = st.lang.pick("mean", "平均").to_owned();
    // Pooled and mean are named only once the step-through (if on) shows them.
    let mut requests = if reveal.results {
        vec![
            LabelRequest { kind: LabelKind::Pooled, at: pooled_px, width: f64::from(text_width(area, &pooled_text, &bold_pooled)), text: pooled_text, index: None },
            LabelRequest { kind: LabelKind::Mean, at: mean_px, width: f64::from(text_width(area, &mean_text, &bold_mean)), text: mean_text, index: None },
        ]
    } else {
        Vec::new()
    };
    for &i in &labelled {
        let name = item_label(scene, i);
        let index = format!("x{}", i + 1);
        let iw = f64::from(text_width(area, &index, &label_font));
        requests.push(LabelRequest {
            kind: LabelKind::Item(i),
            at: items_px[i],
            width: f64::from(text_width(area, &name, &label_font)),
            text: name,
            index: Some((index, iw)),
        });
    }
    let mut taken: Vec<(f64, f64, f64, f64)> = vec![query_box];
    let r7 = 7.0 * st.scale;
    taken.extend(labelled.iter().map(|&i| {
        let (x, y) = items_px[i];
        (x - r7, y - r7, x + r7, y + r7)
    }));
    if reveal.results {
        taken.push((mean_px.0 - mark, mean_px.1 - mark, mean_px.0 + mark, mean_px.1 + mark));
        taken.push((pooled_px.0 - mark, pooled_px.1 - mark, pooled_px.0 + mark, pooled_px.1 + mark));
    }
    let veil = 2.0 * st.scale;
    let labels = place_labels(requests, &mut taken, rect, st.tpx_f(LABEL_PX * 1.25), 11.0 * st.scale, r7, 2.0 * veil);
    for lab in &labels {
        let font = match lab.kind {
            LabelKind::Pooled => bold_pooled.clone(),
            LabelKind::Mean => bold_mean.clone(),
            LabelKind::Item(_) | LabelKind::Index(_) => label_font.clone(),
        };
        let (x0, y0, x1, y1) = lab.rect;
        if lab.inside {
            let LabelKind::Index(i) = lab.kind else { continue };
            // No room outside: the index inside a dot grown to hold it.
            let rr = ((x1 - x0) / 2.0).max(f64::from(text_width(area, &lab.text, &st.bold(10.0, &pal.on_strong))) / 2.0 + 2.0 * st.scale);
            area.draw(&Circle::new(p(items_px[i].0, items_px[i].1), rr.round() as i32, pal.item_of(scene, i).filled())).map_err(err)?;
            text(area, &lab.text, p(items_px[i].0, items_px[i].1), st.bold(10.0, &pal.on_strong), HPos::Center, VPos::Center)?;
            continue;
        }
        if let Some((a, z)) = lab.leader {
            area.draw(&PathElement::new(vec![p(a.0, a.1), p(z.0, z.1)], pal.muted.stroke_width(st.stroke(1.0)))).map_err(err)?;
        }
        // A veil under the text keeps it readable over the catalogue's markers.
        area.draw(&Rectangle::new([p(x0 - veil, y0), p(x1 + veil, y1)], pal.background.mix(0.6).filled())).map_err(err)?;
        text(area, &lab.text, p(x0, (y0 + y1) / 2.0), font, HPos::Left, VPos::Center)?;
    }
    // The candidate q on top of everything.
    let diamond = vec![p(qs.0, qs.1 - k), p(qs.0 + k, qs.1), p(qs.0, qs.1 + k), p(qs.0 - k, qs.1)];
    area.draw(&Polygon::new(diamond.clone(), pal.query.filled())).map_err(err)?;
    let mut ring = diamond;
    ring.push(ring[0]);
    area.draw(&PathElement::new(ring, pal.background.stroke_width(st.stroke(1.5)))).map_err(err)?;
    text(area, "q", p(q_text_x, qs.1 - k), q_font, HPos::Left, VPos::Center)?;
    // The key under the plot.
    // q's own value (its Σα or q · pooled) waits, like pooled, for the
    // step-through's weighted-sum step.
    let query_value = if reveal.results { catalogue.and_then(|sc| sc.colouring.ok()).map(|c| c.value(&scene.query, att)) } else { None };
    let legend = crate::map_layers::draw_key(area, &frame, catalogue, query_value, st)?;
    let catalogue_pts = catalogue.map(|sc| crate::map_layers::catalogue_points(sc, basis, &view, st)).unwrap_or_default();
    Ok(MapLayout {
        view,
        query: qs,
        query_box,
        items: items_px,
        pooled: pooled_px,
        pooled_beyond,
        mean: mean_px,
        labels,
        key: frame.rows.iter().map(crate::map_layers::KeyRow::rect).collect(),
        legend,
        catalogue: catalogue_pts,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use din_core::presets::default_scene;

    use crate::textlayout::tests::svg;

    /// The default style, then larger fonts and the other themes.
    fn styles(scale: f64) -> Vec<Style> {
        vec![
            Style::new(scale),
            Style::new(scale).with_font_scale(1.5),
            Style::new(scale).with_theme(Theme::Contrast),
            Style::new(scale).with_theme(Theme::Dark).with_font_scale(2.0),
        ]
    }

    #[test]
    fn bar_lengths_are_proportional_to_alpha() {
        let s = default_scene();
        let a = s.validate().unwrap();
        for st in styles(1.0) {
            let mut lay = None;
            let h = bars_height_for(9, &st).max(400.0) as u32;
            let out = svg(800, h, |root| lay = Some(draw_bars(root, &s, &a, &st).unwrap()));
            let lay = lay.unwrap();
            assert_eq!(lay.bars.len(), 9);
            for (i, (_, _, xe)) in lay.bars.iter().enumerate() {
                let want = lay.zero_x + a.alpha[i] * lay.px_per_unit;
                assert!((f64::from(*xe) - want).abs() <= 1.0, "bar {i}");
            }
            // Bars are stacked and apart, at least as tall as their labels' font.
            for pair in lay.bars.windows(2) {
                assert!(pair[0].1 < pair[1].0);
                assert!(f64::from(pair[0].1 - pair[0].0) >= 0.68 * st.tpx_f(LABEL_PX) - 1.0);
            }
            assert!(out.contains("Σα = 1"), "sum of alpha is shown");
            assert!(out.contains("dumplings"));
            assert!(out.contains("1/n = 0.111"));
        }
    }

    #[test]
    fn heatmap_scale_is_shared_and_labelled() {
        let s = default_scene();
        let a = s.validate().unwrap();
        let mut lay = None;
        let out = svg(800, 500, |root| lay = Some(draw_heatmap(root, &s, &a, &Style::new(1.0)).unwrap()));
        let lay = lay.unwrap();
        assert_eq!(lay.row_y.len(), 12);
        assert_eq!(lay.limit, 1.2);
        for st in styles(1.0) {
            let mut lay = None;
            let out = svg(1000, heatmap_height_for(9, &st) as u32, |root| lay = Some(draw_heatmap(root, &s, &a, &st).unwrap()));
            let lay = lay.unwrap();
            // Rows at least as tall as their labels' font; every row labelled.
            assert!(lay.row_h >= st.tpx_f(LABEL_PX), "{} vs {}", lay.row_h, st.tpx_f(LABEL_PX));
            assert!(out.contains("dumplings") && out.contains("pooled Σαx"));
        }
        assert!(out.contains("\n−1.2\n") && out.contains("\n1.2\n"), "colour bar ticks");
        assert!(out.contains("pooled Σαx") && out.contains("q candidate"));
    }

    #[test]
    fn map_places_points_where_the_view_says() {
        let s = default_scene();
        let a = s.validate().unwrap();
        let b = Basis::for_items(&s.keys(), s.dim());
        for st in styles(2.0) {
            let mut lay = None;
            svg(1400, 1000, |root| lay = Some(draw_map(root, &s, &a, &b, None, None, &st).unwrap()));
            let lay = lay.unwrap();
            let back = lay.view.to_data(lay.query);
            let want = b.project(&s.query);
            assert!((back.0 - want.0).abs() < 1e-9 && (back.1 - want.1).abs() < 1e-9);
            let (l, t, r, bt) = lay.view.px;
            // Room for the title and caption above, the ticks and the key below, grown with the text.
            assert!(t >= st.tpx_f(48.0) && bt <= 1000.0 - st.tpx_f(24.0 + 19.0));
            assert!(!lay.key.is_empty());
            for k in &lay.key {
                assert!(k.1 >= bt + st.tpx_f(24.0) - 1.0 && k.3 <= 1000.0, "key row {k:?} under the ticks, inside the area");
            }
            for &(x, y) in lay.items.iter().chain([&lay.query, &lay.pooled, &lay.mean]) {
                assert!(x > l && x < r && y > t && y < bt, "point inside the plot");
            }
        }
    }

    /// Issue 11 §3: while the step-through is on, the charts show only what
    /// the steps have revealed: no pooled or mean values before the
    /// weighted-sum step, no weight before its step.
    #[test]
    fn charts_reveal_with_the_steps() {
        use din_core::steps::Reveal;
        let s = default_scene();
        let a = s.validate().unwrap();
        let n = s.items.len();
        let cell = |v: f64| format!("\n{}\n", fmt_num(v));
        let hidden = |out: &str, v: &[f64]| v.iter().filter(|x| x.abs() >= 0.01).all(|x| !out.contains(&cell(*x)));
        for step in [0, 3, n + 1] {
            let mut st = Style::new(1.0);
            st.reveal = Reveal::at(Some(step), n);
            let heat = svg(1000, 560, |root| {
                draw_heatmap(root, &s, &a, &st).unwrap();
            });
            // Pooled's values appear nowhere in the heatmap (the mean's 0.344 … too).
            assert!(hidden(&heat, &a.pooled[..2]) && hidden(&heat, &a.mean[..4]), "step {step}: pooled or mean shown");
            assert!(heat.contains("appear at the weighted-sum step"));
            assert!(heat.to_lowercase().contains(&crate::palette::hex(st.palette().computed)), "grey rows");
            let mut lay = None;
            let bars = svg(800, 420, |root| lay = Some(draw_bars(root, &s, &a, &st).unwrap()));
            let lay = lay.unwrap();
            let drawn = lay.bars.iter().filter(|b| (f64::from(b.2) - lay.zero_x).abs() > 1.0).count();
            assert_eq!(drawn, step.min(n), "step {step}: bars drawn");
            assert!(bars.contains("Σα = ?") == (step < n), "step {step}: Σα");
            // (Weights printed with three decimals: two-decimal ones can be tick labels.)
            for i in (0..n).filter(|&i| fmt_num(a.alpha[i]).len() == 5) {
                assert_eq!(bars.contains(&cell(a.alpha[i])), i < step, "step {step}: α{} printed", i + 1);
            }
        }
        let mut st = Style::new(1.0);
        st.reveal = Reveal::at(Some(n + 2), n);
        let heat = svg(1000, 560, |root| {
            draw_heatmap(root, &s, &a, &st).unwrap();
        });
        assert!(heat.contains(&cell(a.mean[0])) && !heat.contains("weighted-sum step"), "shown at the weighted sum");
    }

    /// Lecture mode's bar chart is about 460 CSS px wide: with the
    /// step-through's note beside it, the plain average's weight 1/n was
    /// cut to "mean: every weight 1/n = 0.1…". The number is printed whole
    /// at every width, in both languages and every style; the note too
    /// (or its short form) from lecture mode's width on.
    #[test]
    fn bars_footer_never_cuts_the_plain_average_weight() {
        use din_core::steps::Reveal;
        let s = default_scene();
        let a = s.validate().unwrap();
        let n = s.items.len();
        for lang in [din_core::i18n::Lang::En, din_core::i18n::Lang::Zh] {
            for st in styles(1.0) {
                for w in [300, 340, 400, 460, 800] {
                    for step in [None, Some(3)] {
                        let mut st = st.clone();
                        st.lang = lang;
                        st.reveal = Reveal::at(step, n);
                        let h = bars_height_for(n, &st) as u32;
                        let out = svg(w, h, |root| {
                            draw_bars(root, &s, &a, &st).unwrap();
                        });
                        let what = format!("{lang:?} width {w} step {step:?} text factor {}", st.text_factor());
                        assert!(out.contains("1/n = 0.111"), "{what}: the plain average's weight is cut");
                        if step.is_some() {
                            let full = out.contains(reveal_note(lang));
                            let short = out.contains(reveal_note_short(lang));
                            // Whole at lecture mode's narrowest bars (about 460 CSS px) in the
                            // default and projector styles; narrower or larger, it may end in "…".
                            if w >= 460 && st.text_factor() <= 1.3 {
                                assert!(full || short, "{what}: the step-through's note is cut");
                            }
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn empty_scene_draws_a_message() {
        let (s, a) = default_scene().with_patch_json(r#"{"items": []}"#).unwrap();
        let out = svg(600, 300, |root| {
            draw_bars(root, &s, &a, &Style::new(1.0)).unwrap();
        });
        assert!(out.contains("No LastN items"));
        let b = Basis::for_items(&s.keys(), s.dim());
        svg(600, 300, |root| {
            draw_map(root, &s, &a, &b, None, None, &Style::new(1.0)).unwrap();
            draw_heatmap(root, &s, &a, &Style::new(1.0)).unwrap();
        });
    }

    #[test]
    fn diverging_ends_and_middle() {
        assert_eq!(diverging(0.0, 1.0), RGBColor(247, 247, 247));
        assert_eq!(diverging(-1.0, 1.0), RGBColor(33, 102, 172));
        assert_eq!(diverging(5.0, 1.0), RGBColor(178, 24, 43));
    }
}
