//! The train panel's three charts, drawn from the train worker's view
//! ([`din_core::train_view::TrainView`]): the curves (training loss, and
//! held-out AUC and GAUC of DIN and of average pooling on the same axes),
//! the learned attention of one user's LastN for one candidate (DIN's
//! weights against average pooling's 1/n), and the learned item embeddings
//! on their first two principal axes, coloured by category (the paper's
//! Fig. 6). Generic over plotters' `DrawingBackend`.

use crate::textlayout::fit_clip;
use crate::style::{dashed_line, err, fmt_num, text, ticks, DrawError, Style, LABEL_PX};
use din_core::train_view::TrainView;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

const SMALL_PX: f64 = 12.0;

/// A chart's title at its top left, in the label size or smaller (down to
/// 10 px, then shortened) so that it fits a narrow canvas (a phone).
fn title<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, s: &str, st: &Style) -> Result<(), DrawError> {
    let pal = st.palette();
    let max_w = area.dim_in_pixel().0 as i32 - st.px(16.0);
    let (s, font) = fit_clip(area, s, max_w, LABEL_PX, 10.0, false, &pal.text, st);
    text(area, &s, (st.px(8.0), st.px(6.0)), font, HPos::Left, VPos::Top)
}

/// A number as every chart writes it ([`fmt_num`]), or "–" for one the
/// worker has not measured yet (null in its view: the AUCs before the
/// first evaluation).
fn num(x: f64) -> String {
    if x.is_finite() { fmt_num(x) } else { "–".to_owned() }
}

/// Pixel mapping of a plot box: data `x in 0..x_hi`, `y in lo..hi`.
struct Frame {
    left: i32,
    top: i32,
    right: i32,
    bottom: i32,
    x_hi: f64,
    lo: f64,
    hi: f64,
}

impl Frame {
    fn at(&self, x: f64, y: f64) -> (i32, i32) {
        let fx = (x / self.x_hi).clamp(0.0, 1.0);
        let fy = ((y - self.lo) / (self.hi - self.lo)).clamp(0.0, 1.0);
        (
            self.left + (fx * f64::from(self.right - self.left)).round() as i32,
            self.bottom - (fy * f64::from(self.bottom - self.top)).round() as i32,
        )
    }
}

/// One plot of the curves: `series` as (values, colour, dashed, legend),
/// drawn with its own axes and key (text through [`text`], so the page's
/// canvas measures nothing in the DOM).
#[allow(clippy::type_complexity)]
fn plot<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    st: &Style,
    name: &str,
    xs: &[f64],
    series: &[(Vec<f64>, RGBColor, bool, String)],
    floor: Option<(f64, f64)>,
    key_top: bool,
) -> Result<(), DrawError> {
    let pal = st.palette();
    let (w, h) = area.dim_in_pixel();
    let (w, h) = (w as i32, h as i32);
    let x_hi = xs.iter().copied().filter(|x| x.is_finite()).fold(1.0_f64, f64::max);
    let (mut lo, mut hi) = TrainView::bounds(series.iter().flat_map(|s| s.0.iter().copied())).unwrap_or((0.0, 1.0));
    if let Some((a, b)) = floor {
        lo = lo.min(a);
        hi = hi.max(b);
    }
    if hi - lo < 1e-6 {
        hi = lo + 0.05;
    }
    let pad = (hi - lo) * 0.08;
    // The key: beside the plot when the chart is wide enough (the lines'
    // latest points stay in view), else over the plot's emptier corner.
    let row = st.tpx(17.0);
    let key_w = st.tpx(130.0);
    let key_beside = w >= 4 * key_w;
    let f = Frame {
        left: st.px(8.0) + st.tpx(44.0),
        top: st.px(8.0) + st.tpx(24.0),
        right: w - st.px(12.0) - if key_beside { key_w + st.px(8.0) } else { 0 },
        bottom: h - st.tpx(22.0) - st.px(6.0),
        x_hi,
        lo: lo - pad,
        hi: hi + pad,
    };
    title(area, name, st)?;
    // As many ticks as the plot has room for, like the other charts' axes.
    let y_target = (f64::from(f.bottom - f.top) / st.tpx_f(28.0)).clamp(2.0, 6.0);
    let x_target = (f64::from(f.right - f.left) / st.tpx_f(80.0)).clamp(2.0, 8.0);
    for t in ticks(f.lo, f.hi, y_target) {
        let (_, y) = f.at(0.0, t);
        area.draw(&PathElement::new(vec![(f.left, y), (f.right, y)], ShapeStyle::from(&pal.grid).stroke_width(1))).map_err(err)?;
        text(area, &fmt_num(t), (f.left - st.px(4.0), y), st.font(SMALL_PX, &pal.muted), HPos::Right, VPos::Center)?;
    }
    for t in ticks(0.0, x_hi, x_target) {
        let (x, _) = f.at(t, f.lo);
        text(area, &fmt_num(t), (x, f.bottom + st.px(4.0)), st.font(SMALL_PX, &pal.muted), HPos::Center, VPos::Top)?;
    }
    let axis = ShapeStyle::from(&pal.axis).stroke_width(st.stroke(1.0));
    area.draw(&PathElement::new(vec![(f.left, f.top), (f.left, f.bottom), (f.right, f.bottom)], axis)).map_err(err)?;
    for (ys, colour, dashed, _) in series {
        let pts: Vec<(i32, i32)> =
            xs.iter().zip(ys).filter(|(x, y)| x.is_finite() && y.is_finite()).map(|(x, y)| f.at(*x, *y)).collect();
        let style = ShapeStyle::from(colour).stroke_width(st.stroke(2.0));
        if *dashed && pts.len() > 1 {
            for seg in pts.windows(2) {
                dashed_line(area, seg[0], seg[1], 6.0 * st.scale, style)?;
            }
        } else if pts.len() > 1 {
            area.draw(&PathElement::new(pts, style)).map_err(err)?;
        } else if let Some(p) = pts.first() {
            area.draw(&Circle::new(*p, st.px(2.5), colour.filled())).map_err(err)?;
        }
    }
    // The key, one row per series, beside the plot or at its upper right
    // (falling curves) or lower right (rising ones), where the lines are not.
    let x0 = if key_beside { f.right + st.px(14.0) } else { f.right - key_w };
    let y0 = if key_top { f.top + st.px(6.0) } else { f.bottom - row * series.len() as i32 - st.px(6.0) };
    let y1 = y0 + row * series.len() as i32 + st.px(2.0);
    if !key_beside {
        area.draw(&Rectangle::new([(x0 - st.px(6.0), y0 - st.px(4.0)), (f.right - st.px(2.0), y1)], pal.background.mix(0.85).filled()))
            .map_err(err)?;
    }
    for (i, (_, colour, dashed, name)) in series.iter().enumerate() {
        let y = y0 + row * i as i32 + row / 2;
        let style = ShapeStyle::from(colour).stroke_width(st.stroke(2.0));
        let len = st.px(20.0);
        if *dashed {
            area.draw(&PathElement::new(vec![(x0, y), (x0 + len / 3, y)], style)).map_err(err)?;
            area.draw(&PathElement::new(vec![(x0 + 2 * len / 3, y), (x0 + len, y)], style)).map_err(err)?;
        } else {
            area.draw(&PathElement::new(vec![(x0, y), (x0 + len, y)], style)).map_err(err)?;
        }
        text(area, name, (x0 + len + st.px(6.0), y), st.font(SMALL_PX, &pal.text), HPos::Left, VPos::Center)?;
    }
    Ok(())
}

/// The curves: training log loss above, held-out AUC and GAUC below, DIN in
/// the weighted-sum colour and average pooling in the plain-average colour
/// (GAUC dashed). The x axis is mini-batches trained.
///
/// # Errors
/// A [`DrawError`] from the backend.
pub fn draw_train_curves<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, view: &TrainView, st: &Style) -> Result<(), DrawError> {
    let pal = st.palette();
    area.fill(&pal.background).map_err(err)?;
    let lang = st.lang;
    let (top, bottom) = area.split_vertically(area.dim_in_pixel().1 as i32 * 2 / 5);
    let xs: Vec<f64> = view.curves.iter().map(|p| p.steps).collect();
    let c = &view.curves;
    let din = lang.pick("DIN", "DIN");
    let avg = lang.pick("average", "平均池化");
    plot(
        &top,
        st,
        lang.pick("training log loss", "训练对数损失"),
        &xs,
        &[
            (c.iter().map(|p| p.loss_din).collect(), pal.pooled, false, din.to_owned()),
            (c.iter().map(|p| p.loss_mean).collect(), pal.mean, false, avg.to_owned()),
        ],
        None,
        true,
    )?;
    let last = c.last();
    let heading = match last {
        Some(p) => format!(
            "{} · {} {} · DIN {} · {} {}",
            lang.pick("held-out AUC and GAUC", "留出集 AUC 与 GAUC"),
            lang.pick("step", "步"),
            view.steps,
            num(p.auc_din),
            avg,
            num(p.auc_mean)
        ),
        None => lang.pick("held-out AUC and GAUC", "留出集 AUC 与 GAUC").to_owned(),
    };
    plot(
        &bottom,
        st,
        &heading,
        &xs,
        &[
            (c.iter().map(|p| p.auc_din).collect(), pal.pooled, false, format!("{din} AUC")),
            (c.iter().map(|p| p.auc_mean).collect(), pal.mean, false, format!("{avg} AUC")),
            (c.iter().map(|p| p.gauc_din).collect(), pal.pooled, true, format!("{din} GAUC")),
            (c.iter().map(|p| p.gauc_mean).collect(), pal.mean, true, format!("{avg} GAUC")),
        ],
        Some((0.5, 0.5)),
        false,
    )
}

/// The learned attention: one row per LastN item (its label, coloured by
/// category), DIN's weight as a bar and average pooling's 1/n as a tick.
///
/// # Errors
/// A [`DrawError`] from the backend.
pub fn draw_train_attention<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, view: &TrainView, st: &Style) -> Result<(), DrawError> {
    let pal = st.palette();
    area.fill(&pal.background).map_err(err)?;
    let lang = st.lang;
    let (w, h) = area.dim_in_pixel();
    let (w, h) = (w as i32, h as i32);
    let Some(a) = &view.attention else {
        return text(area, lang.pick("no attention yet", "暂无注意力"), (w / 2, h / 2), st.font(LABEL_PX, &pal.muted), HPos::Center, VPos::Center);
    };
    let heading = format!(
        "{} {}{} · {} {}",
        lang.pick("user", "用户"),
        a.user,
        if a.heldout { lang.pick(" (held out)", "（留出）") } else { "" },
        lang.pick("candidate", "候选"),
        a.candidate.text(lang),
    );
    let ctr = format!("CTR DIN {} · {} {}", num(a.ctr_din), lang.pick("average", "平均池化"), num(a.ctr_mean));
    title(area, &heading, st)?;
    text(area, &ctr, (st.px(8.0), st.px(6.0) + st.tpx(21.0)), st.font(SMALL_PX, &pal.muted), HPos::Left, VPos::Top)?;
    let top = st.px(8.0) + st.tpx(42.0);
    let legend_h = st.tpx(22.0);
    let n = a.labels.len().max(1) as i32;
    let row = ((h - top - legend_h) / n).max(1);
    let label_w = st.tpx(110.0);
    let x0 = st.px(8.0) + label_w;
    let bar_w = (w - x0 - st.px(56.0)).max(1);
    let max = a.din.iter().chain(&a.mean).copied().filter(|x| x.is_finite()).fold(1e-9_f64, f64::max);
    let x_of = |v: f64| x0 + ((v.max(0.0) / max) * f64::from(bar_w)).round() as i32;
    for (i, l) in a.labels.iter().enumerate() {
        let y = top + row * i as i32;
        let colour = pal.item(a.categories[i] as u16);
        let same = a.categories[i] == a.candidate_category;
        let font = if same { st.bold(SMALL_PX, &colour) } else { st.font(SMALL_PX, &colour) };
        text(area, l.text(lang), (x0 - st.px(6.0), y + row / 2), font, HPos::Right, VPos::Center)?;
        let v = a.din[i];
        if v.is_finite() {
            let pad = (row / 6).min(st.px(3.0));
            area.draw(&Rectangle::new([(x0, y + pad), (x_of(v), y + row - pad)], colour.filled())).map_err(err)?;
            if row >= st.tpx(13.0) {
                text(area, &num(v), (x_of(v) + st.px(4.0), y + row / 2), st.font(SMALL_PX, &pal.text), HPos::Left, VPos::Center)?;
            }
        }
        let m = a.mean[i];
        if m.is_finite() {
            area.draw(&PathElement::new(vec![(x_of(m), y), (x_of(m), y + row)], ShapeStyle::from(&pal.mean).stroke_width(st.stroke(2.0))))
                .map_err(err)?;
        }
    }
    let y = h - legend_h / 2;
    // The key starts under the bars, or at the left edge when the canvas is too narrow for it there (a phone).
    let x0 = if x0 + st.tpx(290.0) > w { st.px(8.0) } else { x0 };
    area.draw(&Rectangle::new([(x0, y - st.px(5.0)), (x0 + st.px(14.0), y + st.px(5.0))], pal.item(a.candidate_category as u16).filled()))
        .map_err(err)?;
    text(area, lang.pick("DIN α (bars)", "DIN 的 α（条）"), (x0 + st.px(20.0), y), st.font(SMALL_PX, &pal.text), HPos::Left, VPos::Center)?;
    let x1 = x0 + st.tpx(130.0);
    area.draw(&PathElement::new(vec![(x1, y - st.px(7.0)), (x1, y + st.px(7.0))], ShapeStyle::from(&pal.mean).stroke_width(st.stroke(2.0))))
        .map_err(err)?;
    text(area, lang.pick("average 1/n (tick)", "平均池化 1/n（竖线）"), (x1 + st.px(8.0), y), st.font(SMALL_PX, &pal.text), HPos::Left, VPos::Center)
}

/// The learned item embeddings of DIN on their first two principal axes,
/// one dot per item coloured by its category, with a key of the categories.
///
/// # Errors
/// A [`DrawError`] from the backend.
pub fn draw_train_map<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, view: &TrainView, st: &Style) -> Result<(), DrawError> {
    let pal = st.palette();
    area.fill(&pal.background).map_err(err)?;
    let lang = st.lang;
    let heading = format!(
        "{} · {} {:.0}%",
        lang.pick("learned item embeddings (PCA)", "学到的物品嵌入（PCA）"),
        lang.pick("variance kept", "保留方差"),
        if view.explained.is_finite() { view.explained * 100.0 } else { 0.0 }
    );
    let (xlo, xhi) = TrainView::bounds(view.map.iter().map(|p| p.0)).unwrap_or((-1.0, 1.0));
    let (ylo, yhi) = TrainView::bounds(view.map.iter().map(|p| p.1)).unwrap_or((-1.0, 1.0));
    let span = (xhi - xlo).max(yhi - ylo).max(1e-9) * 0.55;
    let (cx, cy) = ((xlo + xhi) / 2.0, (ylo + yhi) / 2.0);
    let key_w = st.tpx(100.0);
    let (w, h) = area.dim_in_pixel();
    let (w, h) = (w as i32, h as i32);
    title(area, &heading, st)?;
    let top = st.px(8.0) + st.tpx(24.0);
    let size = (w - key_w - st.px(16.0)).min(h - top - st.px(8.0)).max(1);
    let (left, bottom) = (st.px(8.0), top + size);
    let at = |x: f64, y: f64| {
        (
            left + (((x - (cx - span)) / (2.0 * span)) * f64::from(size)).round() as i32,
            bottom - (((y - (cy - span)) / (2.0 * span)) * f64::from(size)).round() as i32,
        )
    };
    area.draw(&Rectangle::new([(left, top), (left + size, bottom)], ShapeStyle::from(&pal.axis).stroke_width(st.stroke(1.0))))
        .map_err(err)?;
    let r = st.px(3.5).max(1);
    for p in view.map.iter().filter(|p| p.0.is_finite() && p.1.is_finite()) {
        area.draw(&Circle::new(at(p.0, p.1), r, pal.item(p.2 as u16).filled())).map_err(err)?;
    }
    let key = area.clone();
    let kx = left + size + st.px(10.0);
    let row = st.tpx(20.0);
    for (i, name) in view.category_names.iter().enumerate() {
        let y = st.tpx(36.0) + row * i as i32;
        key.draw(&Circle::new((kx + st.px(4.0), y), r + 1, pal.item(i as u16).filled())).map_err(err)?;
        text(&key, name.text(lang), (kx + st.px(14.0), y), st.font(SMALL_PX, &pal.text), HPos::Left, VPos::Center)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use din_core::i18n::Lang;

    fn view() -> TrainView {
        TrainView::from_json(
            r#"{"steps": 40, "curves": [
              {"steps": 0, "train_loss_din": null, "train_loss_mean": null, "din": {"auc": 0.5, "gauc": 0.5}, "mean": {"auc": 0.5, "gauc": 0.5}},
              {"steps": 40, "train_loss_din": 0.6, "train_loss_mean": 0.62, "din": {"auc": 0.7, "gauc": 0.66}, "mean": {"auc": 0.6, "gauc": 0.58}}],
             "oracle": {"auc": 0.8},
             "attention": {"user": 1, "heldout": true, "candidate": 0, "candidate_label": {"en": "food 1", "zh": "美食 1"},
               "candidate_category": 0, "labels": [{"en": "food 2", "zh": "美食 2"}, {"en": "cars 1", "zh": "汽车 1"}],
               "categories": [0, 1], "din": [0.9, 0.1], "mean": [0.5, 0.5], "ctr_din": 0.3, "ctr_mean": 0.2},
             "map": {"explained": 0.5, "points": [[0, 1, 0], [1, 0, 1], [0.5, 0.5, 1]]},
             "category_names": [{"en": "food", "zh": "美食"}, {"en": "cars", "zh": "汽车"}]}"#,
        )
        .unwrap()
    }

    fn svg(chart: u8, lang: Lang) -> String {
        let mut out = String::new();
        {
            let area = SVGBackend::with_string(&mut out, (640, 400)).into_drawing_area();
            let mut st = Style::new(1.0);
            st.lang = lang;
            match chart {
                0 => draw_train_curves(&area, &view(), &st),
                1 => draw_train_attention(&area, &view(), &st),
                _ => draw_train_map(&area, &view(), &st),
            }
            .unwrap();
            area.present().unwrap();
        }
        out
    }

    #[test]
    fn curves_draw_both_models_in_their_colours_with_the_last_aucs() {
        let s = svg(0, Lang::En);
        let pal = Style::new(1.0).palette();
        for c in [pal.pooled, pal.mean] {
            assert!(s.contains(&crate::palette::hex(c).to_ascii_uppercase()) || s.contains(&crate::palette::hex(c)), "colour {c:?}");
        }
        assert!(s.contains("DIN 0.7 ") && s.contains("average 0.6"), "title with the last AUCs (fmt_num)");
        assert!(svg(0, Lang::Zh).contains("留出集"));
    }

    #[test]
    fn attention_draws_one_bar_per_item_and_the_ctrs() {
        let s = svg(1, Lang::En);
        assert!(s.contains("food 2") && s.contains("cars 1") && s.split(['>', '<']).any(|l| l.trim() == "0.9"), "DIN's α of food 2 as fmt_num writes it");
        assert!(s.contains("CTR DIN 0.3 "));
        assert!(svg(1, Lang::Zh).contains("汽车 1"));
    }

    #[test]
    fn ticks_and_numbers_are_the_house_ones() {
        // The curves' ticks are din-draw's (style::ticks) written by fmt_num, like every other chart's:
        // the x axis (steps 0 to 40) reads 0, 10, …, 40, and no label has fixed decimals ("0.500").
        let s = svg(0, Lang::En);
        let labels: Vec<&str> = s.split(['>', '<']).map(str::trim).collect();
        for t in ticks(0.0, 40.0, 5.0) {
            assert!(labels.contains(&fmt_num(t).as_str()), "x tick {t} as {}", fmt_num(t));
        }
        assert!(labels.contains(&"0.5") || labels.contains(&"0.6"), "a y tick in the AUC range, shortest form");
        let fixed: Vec<&&str> = labels
            .iter()
            .filter(|l| l.contains('.') && l.ends_with('0') && l.trim_start_matches(['−', '-']).chars().all(|c| c.is_ascii_digit() || c == '.'))
            .collect();
        assert!(fixed.is_empty(), "no fixed-decimal label: {fixed:?}");
        assert_eq!(num(0.5), "0.5");
        assert_eq!(num(f64::NAN), "–");
    }

    #[test]
    fn map_draws_one_dot_per_item_and_the_key() {
        let s = svg(2, Lang::En);
        assert_eq!(s.matches("<circle").count(), 3 + 2, "three items and two key dots");
        assert!(s.contains("variance kept 50%") && s.contains("cars"));
    }
}
