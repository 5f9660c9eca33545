//! The towers panel's texts, boxes and strips: each placed in its own
//! interval (shrunk, wrapped or shortened) and recorded in an [`Ink`].

use super::*;

/// What the towers panel drew where: texts and boxes (for the layout record).
#[derive(Default)]
pub(super) struct Ink {
    pub(super) labels: Vec<Rect>,
    pub(super) boxes: Vec<Rect>,
}

/// The box a text drawn at `at` with this alignment covers.
pub(super) fn text_box<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, s: &str, font: &TextStyle<'_>, at: (i32, i32), h: HPos, v: VPos) -> Rect {
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
pub(super) fn label_at<DB: DrawingBackend>(
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
pub(super) fn lines_at<DB: DrawingBackend>(
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
pub(super) fn place_label<DB: DrawingBackend>(
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
pub(super) fn node<DB: DrawingBackend>(
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
pub(super) fn labelled_strip<DB: DrawingBackend>(
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
pub(super) fn mini_lastn<DB: DrawingBackend>(
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
pub(super) const TOWER_ROWS: [f64; 7] = [18.0, 34.0, 40.0, 40.0, 40.0, 40.0, 34.0];

/// The rows of one model under its heading at `head_y`, spread down to `bottom`.
pub(super) struct Rows {
    pub(super) y: [i32; 7],
    pub(super) h: [i32; 7],
}

impl Rows {
    pub(super) fn new(head_y: i32, bottom: i32, st: &Style) -> Rows {
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
    pub(super) fn c(&self, k: usize) -> i32 {
        self.y[k] + self.h[k] / 2
    }
    pub(super) fn b(&self, k: usize) -> i32 {
        self.y[k] + self.h[k]
    }
}
