//! The map's catalogue layer, its key and its labels (drawing only).
//!
//! Over 600 lines because the catalogue layer, the key and the label
//! placement share one conservative text-width estimate and the plot's frame,
//! so the frame computed without a drawing area is the one drawn; about 300
//! lines are tests.
//!
//! * [`catalogue_points`] and [`draw_catalogue`]: the scored catalogue of
//!   [`din_core::catalogue`] as markers on the map, one shape per group
//!   ([`Marker`]), coloured by class on the theme's interest scale
//!   ([`crate::palette::Palette::density`]).
//! * [`map_frame`] and [`draw_key`]: where the plot ends and the key rows
//!   under it go (colour scale with its range, shapes of the groups, the
//!   glyphs of q, x, mean and pooled). The key never covers the plot.
//! * [`place_labels`]: labels of pooled, mean and the items that overlap
//!   neither each other nor q; an item whose name finds no room keeps its
//!   index (`x3`).
//!
//! Generic over plotters' `DrawingBackend`; the maths comes from the core.
//! Layout decisions use the same conservative width estimate everywhere,
//! so the frame computed without a drawing area (for hit testing and the
//! view) is the one drawn.

use din_core::catalogue::{Colouring, Relation, ScoredCatalogue};
use crate::style::{err, fmt_num, text, DrawError, Style};
use din_core::i18n::Lang;
use din_core::projection::{Basis, View};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

/// Shape of a group's catalogue markers (q is a diamond and the LastN items
/// are circles, so neither is used here).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Marker {
    /// ■
    Square,
    /// ▲
    TriangleUp,
    /// ▼
    TriangleDown,
    /// ✚ (a thick plus)
    Plus,
    /// ⬢
    Hexagon,
    /// ★
    Star,
    /// ✖ (a thick cross)
    Cross,
    /// ⬟
    Pentagon,
    /// ⧗ (an hourglass)
    Hourglass,
}

/// The shapes in the order groups take them.
pub const MARKERS: [Marker; 9] = [
    Marker::Square,
    Marker::TriangleUp,
    Marker::TriangleDown,
    Marker::Plus,
    Marker::Hexagon,
    Marker::Star,
    Marker::Cross,
    Marker::Pentagon,
    Marker::Hourglass,
];

/// The shape of group `g`.
#[must_use]
pub fn marker_for(g: usize) -> Marker {
    MARKERS[g % MARKERS.len()]
}

/// CSS px radius of a catalogue marker.
pub const MARKER_CSS: f64 = 4.5;

/// The outline of `m` centred on `c` with radius `r` (backend px).
#[must_use]
pub fn marker_polygon(m: Marker, c: (f64, f64), r: f64) -> Vec<(i32, i32)> {
    let at = |pts: &[(f64, f64)]| -> Vec<(i32, i32)> {
        pts.iter().map(|(x, y)| ((c.0 + x * r).round() as i32, (c.1 + y * r).round() as i32)).collect()
    };
    let ring = |k: usize, start: f64, radii: &[f64]| -> Vec<(f64, f64)> {
        (0..k)
            .map(|i| {
                let a = start + std::f64::consts::TAU * i as f64 / k as f64;
                let rr = radii[i % radii.len()];
                (rr * a.cos(), rr * a.sin())
            })
            .collect()
    };
    let t = 0.36; // half-width of the plus and cross arms
    match m {
        Marker::Square => at(&[(-0.85, -0.85), (0.85, -0.85), (0.85, 0.85), (-0.85, 0.85)]),
        Marker::TriangleUp => at(&[(0.0, -1.15), (1.05, 0.75), (-1.05, 0.75)]),
        Marker::TriangleDown => at(&[(0.0, 1.15), (1.05, -0.75), (-1.05, -0.75)]),
        Marker::Plus => at(&[
            (-t, -1.0), (t, -1.0), (t, -t), (1.0, -t), (1.0, t), (t, t),
            (t, 1.0), (-t, 1.0), (-t, t), (-1.0, t), (-1.0, -t), (-t, -t),
        ]),
        Marker::Hexagon => at(&ring(6, 0.0, &[1.0])),
        Marker::Star => at(&ring(10, -std::f64::consts::FRAC_PI_2, &[1.25, 0.55])),
        Marker::Cross => {
            let p: Vec<(f64, f64)> = [
                (-t, -1.0), (t, -1.0), (t, -t), (1.0, -t), (1.0, t), (t, t),
                (t, 1.0), (-t, 1.0), (-t, t), (-1.0, t), (-1.0, -t), (-t, -t),
            ]
            .iter()
            .map(|(x, y)| {
                let s = std::f64::consts::FRAC_1_SQRT_2;
                ((x - y) * s * 1.1, (x + y) * s * 1.1)
            })
            .collect();
            at(&p)
        }
        Marker::Pentagon => at(&ring(5, -std::f64::consts::FRAC_PI_2, &[1.05])),
        Marker::Hourglass => at(&[(-0.9, -0.95), (0.9, -0.95), (0.0, 0.0), (0.9, 0.95), (-0.9, 0.95), (0.0, 0.0)]),
    }
}

/// Draws marker `m` at `c` (backend px) with radius `r`, filled with
/// `fill` and outlined so that a pale fill stays visible on the ground.
pub(crate) fn draw_marker<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    m: Marker,
    c: (f64, f64),
    r: f64,
    fill: RGBColor,
    st: &Style,
) -> Result<(), DrawError> {
    let pts = marker_polygon(m, c, r);
    area.draw(&Polygon::new(pts.clone(), fill.filled())).map_err(err)?;
    let mut ring = pts;
    if let Some(first) = ring.first().copied() {
        ring.push(first);
    }
    area.draw(&PathElement::new(ring, st.palette().muted.stroke_width(st.stroke(1.0)))).map_err(err)
}

/// One catalogue item as drawn: where, its group, its value and colour.
#[derive(Clone, Debug, PartialEq)]
pub struct CataloguePoint {
    /// Index of the item in the catalogue.
    pub entry: usize,
    /// Screen position (backend px).
    pub at: (f64, f64),
    /// Its group (shape).
    pub group: usize,
    /// The coloured value (NaN if refused).
    pub value: f64,
    /// The fill colour.
    pub color: RGBColor,
}

/// The catalogue items that land inside the plot, in drawing order (the
/// darkest first, so the brightest are on top), with their colours.
#[must_use]
pub fn catalogue_points(scored: &ScoredCatalogue, basis: &Basis, view: &View, st: &Style) -> Vec<CataloguePoint> {
    if scored.colouring.is_err() {
        return Vec::new();
    }
    let pal = st.palette();
    let (l, t, r, b) = view.px;
    let mut pts: Vec<CataloguePoint> = scored
        .catalogue
        .entries
        .iter()
        .zip(&scored.values)
        .enumerate()
        .filter(|(_, (_, v))| v.is_finite())
        .map(|(k, (e, v))| CataloguePoint {
            entry: k,
            at: view.to_screen(basis.project(&e.vector)),
            group: e.group,
            value: *v,
            color: pal.density(scored.fraction(*v)),
        })
        .filter(|p| p.at.0 >= l && p.at.0 <= r && p.at.1 >= t && p.at.1 <= b)
        .collect();
    pts.sort_by(|a, b| a.value.total_cmp(&b.value).then(a.entry.cmp(&b.entry)));
    pts
}

/// Draws the catalogue markers of [`catalogue_points`].
///
/// # Errors
/// A [`DrawError`] if the backend fails.
pub fn draw_catalogue<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, pts: &[CataloguePoint], st: &Style) -> Result<(), DrawError> {
    let r = MARKER_CSS * st.scale;
    for p in pts {
        draw_marker(area, marker_for(p.group), p.at, r, p.color, st)?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// The key under the plot.

/// What a key entry draws before its text.
#[derive(Clone, Debug, PartialEq)]
pub enum Glyph {
    /// Text only.
    None,
    /// The colour scale: minimum, bar, maximum (and q's place on it).
    Scale,
    /// A group's marker.
    Marker(usize),
    /// q's diamond.
    Query,
    /// q's diamond and its value on the colour scale (`q = 2.99`); laid
    /// out at a fixed width so that moving q never moves the frame.
    QueryValue,
    /// A LastN item's dot with its halo.
    Item,
    /// The mean's ring, an arrow, the pooled dot.
    MeanToPooled,
}

/// One entry of the key, placed.
#[derive(Clone, Debug, PartialEq)]
pub struct KeyEntry {
    /// Left edge (backend px).
    pub x: f64,
    /// Width of the glyph part (backend px).
    pub glyph_w: f64,
    /// The glyph.
    pub glyph: Glyph,
    /// The text (already clipped to the row if it had to be).
    pub text: String,
    /// Total width (backend px).
    pub width: f64,
}

/// A row of the key.
#[derive(Clone, Debug, PartialEq)]
pub struct KeyRow {
    /// Top (backend px).
    pub top: f64,
    /// Height (backend px).
    pub height: f64,
    /// The entries, left to right.
    pub entries: Vec<KeyEntry>,
}

impl KeyRow {
    /// The rectangle the row's entries cover (backend px).
    #[must_use]
    pub fn rect(&self) -> (f64, f64, f64, f64) {
        let x0 = self.entries.first().map_or(0.0, |e| e.x);
        let x1 = self.entries.iter().map(|e| e.x + e.width).fold(x0, f64::max);
        (x0, self.top, x1, self.top + self.height)
    }
}

/// Where the map's parts go in an area: the plot rectangle and the key rows under it.
#[derive(Clone, Debug, PartialEq)]
pub struct MapFrame {
    /// The plot: left, top, right, bottom (backend px).
    pub plot: (f64, f64, f64, f64),
    /// The key rows, top to bottom, all below the plot's tick labels.
    pub rows: Vec<KeyRow>,
    /// A narrow area (short texts).
    pub narrow: bool,
    /// The font scale the key is laid out and drawn at: the style's, or
    /// less when the key's colour scale and shapes would not fit otherwise.
    pub key_font_scale: f64,
}

/// Padding of the map's area, CSS px (as the bar chart's).
const PAD_CSS: f64 = 12.0;
/// Room above the plot for the title and the caption, CSS px (grows with the text).
const TOP_CSS: f64 = 48.0;
/// Room under the plot for the x tick labels, CSS px (grows with the text).
const TICKS_CSS: f64 = 24.0;
/// Height of a key row, CSS px (grows with the text).
const ROW_CSS: f64 = 19.0;
/// Font size of the key, CSS px.
pub const KEY_FONT_CSS: f64 = 12.0;
/// Width of the colour bar, CSS px.
const BAR_CSS: f64 = 96.0;
/// The plot keeps at least this share of the area's height; key rows that
/// would squeeze it more are left out (the glyph key first, then the
/// shapes, then the colour scale).
const MIN_PLOT_SHARE: f64 = 0.45;

/// The width of `s` at `font_px` by the charts' conservative estimate
/// (the one [`crate::draw`] never measures below).
fn est(s: &str, font_px: f64) -> f64 {
    s.chars().map(|c| if c.is_ascii() { if c.is_ascii_uppercase() { 0.7 } else { 0.6 } } else { 1.05 }).sum::<f64>() * font_px
}

/// The longest prefix of `s` (with `…`) that fits `max_w` by the estimate.
fn clip_est(s: &str, font_px: f64, max_w: f64) -> String {
    if est(s, font_px) <= max_w {
        return s.to_owned();
    }
    let chars: Vec<char> = s.chars().collect();
    for keep in (1..chars.len()).rev() {
        let mut t: String = chars[..keep].iter().collect();
        t.push('…');
        if est(&t, font_px) <= max_w {
            return t;
        }
    }
    String::new()
}

/// Width of a glyph, CSS px.
fn glyph_css(g: &Glyph, scale_labels: f64) -> f64 {
    match g {
        Glyph::None => 0.0,
        Glyph::Scale => BAR_CSS + scale_labels,
        Glyph::Marker(_) | Glyph::Query | Glyph::QueryValue | Glyph::Item => 13.0,
        Glyph::MeanToPooled => 46.0,
    }
}

/// Whether a map of `w` backend px is narrow for `st`.
#[must_use]
pub fn is_narrow(w: u32, st: &Style) -> bool {
    f64::from(w) / st.scale < 560.0 * st.text_factor()
}

/// The room the key keeps for q's value, `q = ` and the longest number
/// [`fmt_num`] writes.
const QUERY_VALUE_ROOM: &str = "q = −1234.567";

/// One section of the key: its entries before placement.
type Section = Vec<(Glyph, String)>;

/// The key's sections (colour scale, shapes, glyphs), each given as
/// alternatives from the fullest to the shortest text.
fn key_sections(catalogue: Option<&ScoredCatalogue>, st: &Style) -> Vec<Vec<Section>> {
    let lang = st.lang;
    let mut out = Vec::new();
    if let Some(sc) = catalogue {
        match sc.colouring {
            Ok(c) => {
                out.push(
                    [false, true]
                        .iter()
                        .map(|&short| {
                            vec![
                                (Glyph::Scale, String::new()),
                                (Glyph::None, c.label(lang, short).to_owned()),
                                (Glyph::QueryValue, QUERY_VALUE_ROOM.to_owned()),
                            ]
                        })
                        .collect(),
                );
                let groups = &sc.catalogue.groups;
                let shapes = |short: bool| -> Section {
                    let mut shapes = vec![(Glyph::None, sc.catalogue.describe(lang, short))];
                    for rel in [Relation::InLastN, Relation::Unrelated, Relation::Untouched] {
                        let ids: Vec<usize> = (0..groups.len()).filter(|g| groups[*g].relation == rel).collect();
                        if ids.is_empty() {
                            continue;
                        }
                        if rel == Relation::Untouched {
                            shapes.push((Glyph::None, lang.pick("not in LastN:", "LastN 中没有：").to_owned()));
                        }
                        shapes.extend(ids.into_iter().map(|g| (Glyph::Marker(g), groups[g].name(lang).to_owned())));
                    }
                    shapes
                };
                out.push(vec![shapes(false), shapes(true)]);
            }
            Err(why) => out.push(vec![vec![(Glyph::None, why.message(lang).to_owned())]]),
        }
    }
    // q's diamond is named once: beside its value on the colour scale when
    // that is drawn, else here (one glyph less keeps the key a row shorter).
    let named = out.len() > 1;
    let glyphs = |mp: &str, x: &str| -> Section {
        let mut g = vec![(Glyph::MeanToPooled, mp.to_owned()), (Glyph::Item, x.to_owned())];
        if !named {
            g.push((Glyph::Query, "q".to_owned()));
        }
        g
    };
    out.push(vec![
        glyphs(
            lang.pick("attention moves the user vector toward the candidate's interest", "注意力把用户向量移向候选物品的兴趣"),
            lang.pick("x: halo = α", "x：光晕 = α"),
        ),
        glyphs(lang.pick("attention pulls the user vector toward q", "注意力把用户向量拉向 q"), lang.pick("halo = α", "光晕 = α")),
    ]);
    out
}

/// The width (CSS px) of the colour scale's two numbers and their gaps.
fn scale_labels_css(sc: Option<&ScoredCatalogue>, st: &Style) -> f64 {
    let f = KEY_FONT_CSS * st.text_factor();
    sc.map_or(0.0, |sc| {
        let (lo, hi) = scale_ends(sc);
        est(&lo, f) + est(&hi, f) + 16.0
    })
}

/// The numbers at the colour bar's ends: the catalogue's range, an end
/// a thousand times smaller than the other shown as 0 (`7.66e−9` next
/// to `9.04` says nothing the reader needs).
#[must_use]
pub fn scale_ends(sc: &ScoredCatalogue) -> (String, String) {
    let big = sc.min.abs().max(sc.max.abs());
    let show = |v: f64| if v.abs() < 1e-3 * big { "0".to_owned() } else { fmt_num(v) };
    (show(sc.min), show(sc.max))
}

/// Lays the key out in rows of width `w` (backend px) from `top`: each
/// section starts a row, entries flow left to right and wrap; an entry
/// wider than a row is clipped with `…`.
fn lay_rows(sections: &[Vec<Section>], w: f64, top: f64, st: &Style, scale_labels: f64) -> Vec<(Vec<KeyRow>, bool)> {
    let mut out = Vec::new();
    let mut y = top;
    for alternatives in sections {
        // The fullest text that needs no more rows than the shortest, and is not clipped.
        let laid: Vec<(Vec<KeyRow>, bool)> = alternatives.iter().map(|sec| lay_section(sec, w, y, st, scale_labels)).collect();
        let fewest = laid.iter().map(|(rows, _)| rows.len()).min().unwrap_or(0);
        let pick = laid
            .iter()
            .position(|(rows, clipped)| rows.len() == fewest && !clipped)
            .or_else(|| laid.iter().rposition(|(rows, _)| rows.len() == fewest))
            .unwrap_or(0);
        if let Some((rows, clipped)) = laid.into_iter().nth(pick) {
            y += rows.iter().map(|r| r.height).sum::<f64>();
            out.push((rows, clipped));
        }
    }
    out
}

/// One section in rows from `top`; also whether some text had to be clipped.
fn lay_section(section: &Section, w: f64, top: f64, st: &Style, scale_labels: f64) -> (Vec<KeyRow>, bool) {
    let pad = PAD_CSS * st.scale;
    let font = st.font_px(KEY_FONT_CSS);
    let gap = 12.0 * st.scale;
    let inner = 4.0 * st.scale;
    let row_h = st.tpx_f(ROW_CSS);
    let mut clipped = false;
    let mut rows: Vec<KeyRow> = Vec::new();
    let mut row = KeyRow { top, height: row_h, entries: Vec::new() };
    let mut x = pad;
    for (glyph, label) in section {
        let gw = glyph_css(glyph, scale_labels) * st.scale * if matches!(glyph, Glyph::Scale) { 1.0 } else { st.text_factor() };
        let sep = if gw > 0.0 && !label.is_empty() { inner } else { 0.0 };
        let mut tw = est(label, font);
        if !row.entries.is_empty() && x + gw + sep + tw > w - pad {
            let next = KeyRow { top: row.top + row_h, height: row_h, entries: Vec::new() };
            rows.push(std::mem::replace(&mut row, next));
            x = pad;
        }
        let mut text = label.clone();
        if x + gw + sep + tw > w - pad {
            text = clip_est(label, font, (w - pad - x - gw - sep).max(0.0));
            tw = est(&text, font);
            clipped = true;
        }
        row.entries.push(KeyEntry { x, glyph_w: gw, glyph: glyph.clone(), text, width: gw + sep + tw });
        x += gw + sep + tw + gap;
    }
    if !row.entries.is_empty() {
        rows.push(row);
    }
    (rows, clipped)
}

/// The frame of a map of `w x h` backend px: the plot rectangle and the
/// key rows under it ([`draw_key`] draws them). With `catalogue` the key
/// has the colour scale and the groups' shapes. Rows are left out, the
/// glyph key first, while the plot would get less than
/// [`MIN_PLOT_SHARE`] of the height.
#[must_use]
pub fn map_frame(w: u32, h: u32, st: &Style, catalogue: Option<&ScoredCatalogue>) -> MapFrame {
    let tf = st.text_factor();
    let pad = PAD_CSS * st.scale;
    let (wf, hf) = (f64::from(w), f64::from(h));
    let narrow = is_narrow(w, st);
    let l = pad + 40.0 * tf * st.scale;
    let t = (PAD_CSS + TOP_CSS * tf) * st.scale;
    let r = wf - pad;
    let ticks = TICKS_CSS * tf * st.scale;
    let bottom_pad = 6.0 * st.scale;
    // The key at the style's font, else a little smaller, until the colour
    // scale and the shapes fit whole (the glyph rows may go).
    let mut chosen = None;
    for shrink in KEY_SHRINK {
        let kst = key_style(st, shrink);
        let sections = key_sections(catalogue, &kst);
        let laid = lay_rows(&sections, wf, 0.0, &kst, scale_labels_css(catalogue, &kst));
        // Drop order: the glyph rows (last section), the shapes, then the scale, each from its end.
        let mut keep: Vec<usize> = laid.iter().map(|(rows, _)| rows.len()).collect();
        let row_h = kst.tpx_f(ROW_CSS);
        let plot_h = |keep: &[usize]| hf - bottom_pad - keep.iter().sum::<usize>() as f64 * row_h - ticks - t;
        for s in (0..laid.len()).rev() {
            while keep[s] > 0 && plot_h(&keep) < MIN_PLOT_SHARE * hf {
                keep[s] -= 1;
            }
        }
        let whole = laid.iter().zip(&keep).take(laid.len().saturating_sub(1)).all(|((rows, clipped), k)| !clipped && *k == rows.len());
        let last = shrink == KEY_SHRINK[KEY_SHRINK.len() - 1];
        if whole || last {
            chosen = Some((kst.font_scale, laid, keep, row_h));
            break;
        }
    }
    let Some((key_font_scale, laid, keep, row_h)) = chosen else {
        return MapFrame { plot: (l, t, r, hf - bottom_pad - ticks), rows: Vec::new(), narrow, key_font_scale: st.font_scale };
    };
    let total = keep.iter().sum::<usize>() as f64 * row_h;
    let b = (hf - bottom_pad - total - ticks).max(t + 1.0);
    let mut rows = Vec::new();
    let mut y = b + ticks;
    for (s, (section, _)) in laid.into_iter().enumerate() {
        for mut row in section.into_iter().take(keep[s]) {
            row.top = y;
            y += row.height;
            rows.push(row);
        }
    }
    MapFrame { plot: (l, t, r, b), rows, narrow, key_font_scale }
}

/// Font scales, relative to the style's, the key tries in turn.
const KEY_SHRINK: [f64; 3] = [1.0, 0.9, 0.8];

/// `st` with its font scale times `shrink` (for the key).
fn key_style(st: &Style, shrink: f64) -> Style {
    let mut k = st.clone();
    k.set_font_scale(st.font_scale * shrink);
    k
}

/// What [`draw_key`] drew of the colour scale.
#[derive(Clone, Debug, PartialEq)]
pub struct MapLegend {
    /// What the colour shows.
    pub colouring: Colouring,
    /// The value at the bar's left end (the catalogue's smallest).
    pub min: f64,
    /// The value at the bar's right end (the catalogue's largest).
    pub max: f64,
    /// The bar (backend px).
    pub bar: (f64, f64, f64, f64),
    /// The current candidate q's value, marked on the bar.
    pub query_value: f64,
    /// Where q's mark is (backend px, its centre's x).
    pub query_x: f64,
}

/// Draws the key rows of `frame`; returns the colour scale's record when it was drawn.
///
/// # Errors
/// A [`DrawError`] if the backend fails.
pub fn draw_key<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    frame: &MapFrame,
    catalogue: Option<&ScoredCatalogue>,
    query_value: Option<f64>,
    st: &Style,
) -> Result<Option<MapLegend>, DrawError> {
    let mut kst = st.clone();
    kst.font_scale = frame.key_font_scale;
    let st = &kst;
    let pal = st.palette();
    let font = st.font(KEY_FONT_CSS, &pal.muted);
    let p = |x: f64, y: f64| (x.round() as i32, y.round() as i32);
    let mut legend = None;
    for row in &frame.rows {
        let cy = row.top + row.height / 2.0;
        for e in &row.entries {
            let gx = e.x;
            let text_x = gx + e.glyph_w + if e.glyph_w > 0.0 && !e.text.is_empty() { 4.0 * st.scale } else { 0.0 };
            let u = st.scale * st.text_factor();
            match &e.glyph {
                Glyph::None => {}
                Glyph::Marker(g) => draw_marker(area, marker_for(*g), (gx + 6.0 * u, cy), MARKER_CSS * u, pal.panel, st)?,
                Glyph::Query | Glyph::QueryValue => {
                    let k = 5.5 * u;
                    let c = (gx + 6.0 * u, cy);
                    let d = vec![p(c.0, c.1 - k), p(c.0 + k, c.1), p(c.0, c.1 + k), p(c.0 - k, c.1)];
                    area.draw(&Polygon::new(d, pal.query.filled())).map_err(err)?;
                }
                Glyph::Item => {
                    let c = p(gx + 6.0 * u, cy);
                    area.draw(&Circle::new(c, (6.0 * u).round() as i32, pal.item(0).mix(0.25).filled())).map_err(err)?;
                    area.draw(&Circle::new(c, (3.5 * u).round() as i32, pal.item(0).filled())).map_err(err)?;
                }
                Glyph::MeanToPooled => {
                    let (a, b) = ((gx + 5.0 * u, cy), (gx + 40.0 * u, cy));
                    area.draw(&Circle::new(p(a.0, a.1), (4.0 * u).round() as i32, pal.mean.stroke_width(st.stroke(2.0)))).map_err(err)?;
                    crate::style::arrow_shaped(area, (a.0 + 5.0 * u, cy), (b.0 - 5.0 * u, cy), pal.pooled, 2.0, false, ARROW_KEY, st)?;
                    area.draw(&Circle::new(p(b.0, b.1), (4.5 * u).round() as i32, pal.pooled.filled())).map_err(err)?;
                }
                Glyph::Scale => {
                    if let Some(sc) = catalogue {
                        let f = st.font_px(KEY_FONT_CSS);
                        let (lo, hi) = scale_ends(sc);
                        let x0 = gx + est(&lo, f) + 10.0 * st.scale;
                        let x1 = x0 + BAR_CSS * st.scale;
                        let (y0, y1) = (cy - 5.0 * u, cy + 3.0 * u);
                        text(area, &lo, p(gx, cy), font.clone(), HPos::Left, VPos::Center)?;
                        let classes = crate::palette::DENSITY_CLASSES;
                        for k in 0..classes {
                            let a = x0 + (x1 - x0) * k as f64 / classes as f64;
                            let b = x0 + (x1 - x0) * (k + 1) as f64 / classes as f64;
                            let c = pal.density((k as f64 + 0.5) / classes as f64);
                            area.draw(&Rectangle::new([p(a, y0), p(b, y1)], c.filled())).map_err(err)?;
                        }
                        area.draw(&Rectangle::new([p(x0, y0), p(x1, y1)], pal.muted.stroke_width(st.stroke(1.0)))).map_err(err)?;
                        text(area, &hi, p(x1 + 6.0 * st.scale, cy), font.clone(), HPos::Left, VPos::Center)?;
                        if let (Ok(c), Some(qv)) = (sc.colouring, query_value) {
                            let fx = sc.fraction(qv);
                            let qx = x0 + (x1 - x0) * if fx.is_nan() { 0.5 } else { fx };
                            if qv.is_finite() {
                                // q's diamond on the bar's lower edge: where the candidate on screen lies on the scale.
                                let k = 5.0 * u;
                                let d = vec![p(qx, y1 - k), p(qx + k, y1), p(qx, y1 + k), p(qx - k, y1)];
                                area.draw(&Polygon::new(d.clone(), pal.query.filled())).map_err(err)?;
                                let mut ring = d;
                                ring.push(ring[0]);
                                area.draw(&PathElement::new(ring, pal.background.stroke_width(st.stroke(1.0)))).map_err(err)?;
                            }
                            legend = Some(MapLegend { colouring: c, min: sc.min, max: sc.max, bar: (x0, y0, x1, y1), query_value: qv, query_x: qx });
                        }
                    }
                }
            }
            let shown = match (&e.glyph, query_value) {
                (Glyph::QueryValue, Some(v)) => format!("q = {}", fmt_num(v)),
                (Glyph::QueryValue, None) => String::new(),
                _ => e.text.clone(),
            };
            if !shown.is_empty() {
                text(area, &shown, p(text_x, cy), font.clone(), HPos::Left, VPos::Center)?;
            }
        }
    }
    Ok(legend)
}

/// The small arrow of the key's mean → pooled glyph.
const ARROW_KEY: crate::style::ArrowShape = crate::style::ArrowShape { head: 7.0, half_width: 0.5, dash: 4.0, shrink_head: true };

// ---------------------------------------------------------------------------
// Labels.

/// What a label on the map names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LabelKind {
    /// The pooled point.
    Pooled,
    /// The mean point.
    Mean,
    /// Item `i`'s name.
    Item(usize),
    /// Item `i`'s index (`x3`), its name found no room.
    Index(usize),
}

/// A label as placed: what, its box (backend px), its text and anchor.
#[derive(Clone, Debug, PartialEq)]
pub struct MapLabel {
    /// What it names.
    pub kind: LabelKind,
    /// The box the text covers: left, top, right, bottom.
    pub rect: (f64, f64, f64, f64),
    /// The text.
    pub text: String,
    /// Whether the index is drawn inside the item's dot (no room outside).
    pub inside: bool,
    /// A line from the point to a label set farther out (backend px).
    pub leader: Option<((f64, f64), (f64, f64))>,
}

/// A label to place: what, where its point is, its text, its width and height (backend px).
pub(crate) struct LabelRequest {
    pub kind: LabelKind,
    pub at: (f64, f64),
    pub text: String,
    pub width: f64,
    /// The index text (`x3`) and its width, for items.
    pub index: Option<(String, f64)>,
}

/// How far out [`place_labels`] looks, in multiples of the gap: next to
/// the point first, then farther out with a leader line.
const RINGS: [f64; 7] = [1.0, 2.4, 3.8, 5.2, 6.6, 8.0, 9.4];

/// Places labels greedily in the order given. A label goes to the first
/// of eight spots around its point (right, left, above, below, the
/// diagonals) that stays inside `plot` and comes no nearer than `margin`
/// (sideways) to a label placed so far or to anything in `taken` (q's
/// marker, the points). An item tries, in turn: its name next to its dot,
/// its name farther out with a leader line, its index (`x3`) next to the
/// dot, its index farther out; else the index goes inside the dot. Pooled
/// and mean try next to their points and farther out, else stay
/// unlabelled (the key names their glyphs).
pub(crate) fn place_labels(
    requests: Vec<LabelRequest>,
    taken: &mut Vec<(f64, f64, f64, f64)>,
    plot: (f64, f64, f64, f64),
    line_h: f64,
    gap: f64,
    dot: f64,
    margin: f64,
) -> Vec<MapLabel> {
    let (l, t, r, b) = plot;
    // A label keeps `margin` from everything else (its veil is that wide).
    let overlaps = |taken: &[(f64, f64, f64, f64)], q: (f64, f64, f64, f64)| {
        taken.iter().any(|o| q.0 - margin < o.2 && o.0 < q.2 + margin && q.1 < o.3 && o.1 < q.3)
    };
    let spot = |at: (f64, f64), w: f64, ring: f64, taken: &[(f64, f64, f64, f64)]| -> Option<(f64, f64, f64, f64)> {
        let (sx, sy) = at;
        let g = gap * ring;
        let d = g * 0.8;
        let spots = [
            (sx + g, sy - line_h / 2.0),
            (sx - g - w, sy - line_h / 2.0),
            (sx - w / 2.0, sy - g - line_h),
            (sx - w / 2.0, sy + g),
            (sx + d, sy - d - line_h),
            (sx - d - w, sy - d - line_h),
            (sx + d, sy + d),
            (sx - d - w, sy + d),
        ];
        spots.into_iter().map(|(x, y)| (x, y, x + w, y + line_h)).find(|rect| rect.0 >= l && rect.2 <= r && rect.1 >= t && rect.3 <= b && !overlaps(taken, *rect))
    };
    // From the edge of the point's marker to the nearest point of the label's box.
    let leader = |at: (f64, f64), rect: (f64, f64, f64, f64)| {
        let to = (at.0.clamp(rect.0, rect.2), at.1.clamp(rect.1, rect.3));
        let (dx, dy) = (to.0 - at.0, to.1 - at.1);
        let len = (dx * dx + dy * dy).sqrt().max(1e-9);
        ((at.0 + dx / len * dot, at.1 + dy / len * dot), to)
    };
    let mut out = Vec::new();
    for req in requests {
        let mut tries: Vec<(LabelKind, &str, f64, f64)> = RINGS.iter().map(|&ring| (req.kind, req.text.as_str(), req.width, ring)).collect();
        if let (LabelKind::Item(i), Some((index, iw))) = (req.kind, &req.index) {
            tries.insert(1, (LabelKind::Index(i), index.as_str(), *iw, RINGS[0]));
            tries.extend(RINGS[1..].iter().map(|&ring| (LabelKind::Index(i), index.as_str(), *iw, ring)));
        }
        let placed = tries.iter().find_map(|(kind, text, w, ring)| spot(req.at, *w, *ring, taken).map(|rect| (*kind, *text, *ring, rect)));
        match placed {
            Some((kind, text, ring, rect)) => {
                taken.push(rect);
                let leader = (ring > RINGS[0]).then(|| leader(req.at, rect));
                out.push(MapLabel { kind, rect, text: text.to_owned(), inside: false, leader });
            }
            None => {
                if let (LabelKind::Item(i), Some((index, _))) = (req.kind, req.index) {
                    let rect = (req.at.0 - dot, req.at.1 - dot, req.at.0 + dot, req.at.1 + dot);
                    out.push(MapLabel { kind: LabelKind::Index(i), rect, text: index, inside: true, leader: None });
                }
            }
        }
    }
    out
}

/// The label of pooled when it lies beyond the plot's edge.
#[must_use]
pub fn pooled_beyond(lang: Lang, norm: f64) -> String {
    match lang {
        Lang::En => format!("pooled (|pooled| = {}, beyond the edge)", fmt_num(norm)),
        Lang::Zh => format!("加权和（|加权和| = {}，在图外）", fmt_num(norm)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use din_core::attention::Normalization;
    use din_core::catalogue::score;
    use crate::draw::{draw_map, MapLayout, Theme};
    use din_core::presets::preset;
    use din_core::scene::{Definition, Scene};
    use crate::textlayout::tests::svg;

    type R = (f64, f64, f64, f64);

    fn overlap(a: R, b: R) -> bool {
        a.0 < b.2 && b.0 < a.2 && a.1 < b.3 && b.1 < a.3
    }

    fn inside(p: (f64, f64), r: R) -> bool {
        p.0 >= r.0 && p.0 <= r.2 && p.1 >= r.1 && p.1 <= r.3
    }

    /// Every built-in scene with every named candidate (and its opening q),
    /// under dot with softmax, cosine without, and the activation unit.
    fn scenes() -> Vec<(String, Scene)> {
        let mut out = Vec::new();
        for id in ["why-din-works", "interest-intensity"] {
            let p = preset(id).unwrap();
            for c in &p.candidates {
                for (def, sim, norm) in [
                    (Definition::Similarity, din_core::attention::Similarity::Dot, Normalization::Softmax),
                    (Definition::Similarity, din_core::attention::Similarity::Cosine, Normalization::None),
                    (Definition::Unit, din_core::attention::Similarity::Dot, Normalization::None),
                ] {
                    let mut s = p.scene.clone();
                    (s.query, s.candidate, s.definition, s.similarity, s.normalization) = (c.vector.clone(), c.id.to_owned(), def, sim, norm);
                    out.push((format!("{id} {} {def:?} {sim:?} {norm:?}", c.id), s));
                }
            }
        }
        out
    }

    /// The map of `s` in a `w x h` CSS px area at `st`, with its catalogue.
    fn map(s: &Scene, w: f64, h: f64, st: &Style) -> (String, MapLayout, ScoredCatalogue) {
        let a = s.validate().unwrap();
        let b = Basis::for_items(&s.keys(), s.dim());
        let sc = score(s);
        let mut lay = None;
        let out = svg((w * st.scale) as u32, (h * st.scale) as u32, |root| lay = Some(draw_map(root, s, &a, &b, None, Some(&sc), st).unwrap()));
        (out, lay.unwrap(), sc)
    }

    /// Desktop, a narrow panel and phones (390 px wide screens), in both
    /// languages, larger fonts and the projector theme.
    fn sizes() -> Vec<(f64, f64, Style)> {
        let zh = |mut st: Style| {
            st.lang = Lang::Zh;
            st
        };
        vec![
            (668.0, 501.0, Style::new(1.0)),
            (668.0, 501.0, zh(Style::new(2.0))),
            (900.0, 675.0, Style::new(1.0).with_font_scale(1.5)),
            (560.0, 420.0, Style::new(1.0).with_theme(Theme::Contrast)),
            (366.0, 366.0, Style::new(3.0)),
            (366.0, 488.0, zh(Style::new(3.0))),
        ]
    }

    #[test]
    fn labels_never_overlap_each_other_or_q_and_every_item_keeps_a_name_or_index() {
        for (name, s) in scenes() {
            for (w, h, st) in sizes() {
                let (_, lay, _) = map(&s, w, h, &st);
                let at = format!("{name} at {w}x{h} ×{} {:?}", st.scale, st.lang);
                let plot = lay.view.px;
                for (k, a) in lay.labels.iter().enumerate() {
                    assert!(!overlap(a.rect, lay.query_box), "{at}: label {:?} \"{}\" overlaps q", a.kind, a.text);
                    assert!(a.rect.0 >= plot.0 - 1.0 && a.rect.2 <= plot.2 + 1.0 && a.rect.1 >= plot.1 - 1.0 && a.rect.3 <= plot.3 + 1.0, "{at}: {a:?} leaves the plot");
                    for b in &lay.labels[k + 1..] {
                        assert!(!overlap(a.rect, b.rect), "{at}: \"{}\" and \"{}\" overlap", a.text, b.text);
                    }
                }
                for i in 0..s.items.len() {
                    let named: Vec<&MapLabel> =
                        lay.labels.iter().filter(|l| matches!(l.kind, LabelKind::Item(j) | LabelKind::Index(j) if j == i)).collect();
                    assert_eq!(named.len(), 1, "{at}: x{} has {} labels", i + 1, named.len());
                    if let LabelKind::Index(_) = named[0].kind {
                        assert_eq!(named[0].text, format!("x{}", i + 1), "{at}");
                    }
                }
            }
        }
    }

    #[test]
    fn labels_keep_their_names_on_a_desktop_map() {
        // At the page's desktop size every built-in item keeps its name in
        // the opening scenes (an index is the exception, for crowded spots).
        for id in ["why-din-works", "interest-intensity"] {
            let s = preset(id).unwrap().scene;
            let (_, lay, _) = map(&s, 668.0, 501.0, &Style::new(2.0));
            let names = lay.labels.iter().filter(|l| matches!(l.kind, LabelKind::Item(_))).count();
            assert!(names + 2 >= s.items.len(), "{id}: {names} of {} named", s.items.len());
        }
    }

    #[test]
    fn mean_and_pooled_are_points_apart_inside_the_plot() {
        for (name, s) in scenes() {
            for (w, h, st) in sizes() {
                let (out, lay, _) = map(&s, w, h, &st);
                let at = format!("{name} at {w}x{h} ×{}", st.scale);
                let plot = lay.view.px;
                assert!(inside(lay.mean, plot) && inside(lay.pooled, plot), "{at}: mean {:?} pooled {:?} plot {plot:?}", lay.mean, lay.pooled);
                let d = ((lay.mean.0 - lay.pooled.0).powi(2) + (lay.mean.1 - lay.pooled.1).powi(2)).sqrt() / st.scale;
                // Three interests of equal weight: attention moves pooled well
                // away from the mean, except for the news item, which matches
                // none. (In interest-intensity the mean is 90 % clothes already,
                // so with softmax the T-shirt's pooled stays near it.)
                if name.starts_with("why-din-works") && !name.contains(" news ") {
                    assert!(d >= 20.0, "{at}: mean and pooled only {d:.1} CSS px apart");
                }
                // The mean is drawn as a ring in its colour, pooled as a dot in its.
                let pal = st.palette();
                let hex = |c: RGBColor| format!("#{:02X}{:02X}{:02X}", c.0, c.1, c.2);
                assert!(out.contains(&format!("stroke=\"{}\"", hex(pal.mean))), "{at}: the mean's ring");
                assert!(out.contains(&format!("fill=\"{}\"", hex(pal.pooled))), "{at}: the pooled dot");
            }
        }
        // The default scene: well apart (the mean used to be an arrow of 9 px from the origin).
        let (_, lay, _) = map(&preset("why-din-works").unwrap().scene, 668.0, 501.0, &Style::new(1.0));
        let d = ((lay.mean.0 - lay.pooled.0).powi(2) + (lay.mean.1 - lay.pooled.1).powi(2)).sqrt();
        assert!(d >= 40.0, "{d}");
    }

    /// q's own value in the key (its Σα or q · pooled) is an outcome: while
    /// the step-through has not reached the weighted sum it is not written.
    #[test]
    fn the_key_keeps_q_value_until_the_weighted_sum_step() {
        let s = preset("why-din-works").unwrap().scene;
        let n = s.items.len();
        let a = s.validate().unwrap();
        let want = format!("\nq = {}\n", fmt_num(s.query.iter().zip(&a.pooled).map(|(q, p)| q * p).sum()));
        for (step, shown) in [(Some(0), false), (Some(3), false), (Some(n), false), (Some(din_core::steps::sum_step(n)), true), (None, true)] {
            let mut st = Style::new(1.0);
            st.reveal = din_core::steps::Reveal::at(step, n);
            let (out, lay, _) = map(&s, 668.0, 501.0, &st);
            assert_eq!(out.contains(&want), shown, "step {step:?}: {want:?}");
            assert_eq!(out.contains("\nq = "), shown, "step {step:?}");
            assert_eq!(lay.legend.is_some(), shown, "step {step:?}");
        }
    }

    #[test]
    fn catalogue_colours_follow_the_scores_and_the_legend_shows_their_range() {
        for (name, s) in scenes() {
            for (w, h, st) in sizes().into_iter().take(3) {
                let (out, lay, sc) = map(&s, w, h, &st);
                let at = format!("{name} at {w}x{h}");
                let pal = st.palette();
                // Every catalogue item is drawn (the view fits them), in its class colour.
                assert_eq!(lay.catalogue.len(), sc.catalogue.entries.len(), "{at}");
                for p in &lay.catalogue {
                    assert_eq!(p.value, sc.values[p.entry], "{at}");
                    assert_eq!(p.color, pal.density(sc.fraction(p.value)), "{at}");
                }
                // Brighter value, same or higher class.
                let class = |c: RGBColor| pal.density.iter().position(|d| *d == c).unwrap();
                let mut by_value = lay.catalogue.clone();
                by_value.sort_by(|a, b| a.value.total_cmp(&b.value));
                for pair in by_value.windows(2) {
                    assert!(class(pair[0].color) <= class(pair[1].color), "{at}: {} then {}", pair[0].value, pair[1].value);
                }
                assert_eq!(class(by_value[0].color), 0, "{at}: the darkest item in the lowest class");
                assert_eq!(class(by_value[by_value.len() - 1].color), crate::palette::DENSITY_CLASSES - 1, "{at}: the brightest in the top one");
                // The SVG holds markers in those colours.
                for p in lay.catalogue.iter().step_by(9) {
                    let fill = format!("fill=\"#{:02X}{:02X}{:02X}\"", p.color.0, p.color.1, p.color.2);
                    assert!(out.contains(&fill), "{at}: no marker filled {fill}");
                }
                // The legend's range is the catalogue's range, printed at the bar's ends.
                let legend = lay.legend.clone().unwrap_or_else(|| panic!("{at}: no legend"));
                assert_eq!((legend.min, legend.max), (sc.min, sc.max), "{at}");
                let (lo, hi) = scale_ends(&sc);
                assert!(out.contains(&format!("\n{lo}\n")), "{at}: {lo}");
                assert!(out.contains(&format!("\n{hi}\n")), "{at}: {hi}");
                // What is coloured matches the readout: Σα without softmax, q · pooled with it.
                let a = s.validate().unwrap();
                let want = match legend.colouring {
                    Colouring::SumAlpha => a.alpha_sum,
                    Colouring::QueryPooled => s.query.iter().zip(&a.pooled).map(|(q, p)| q * p).sum(),
                };
                assert_eq!(legend.query_value, want, "{at}");
                let softmax = s.normalization == Normalization::Softmax;
                assert_eq!(legend.colouring, if softmax { Colouring::QueryPooled } else { Colouring::SumAlpha }, "{at}");
                let label = legend.colouring.label(st.lang, false);
                let short = legend.colouring.label(st.lang, true);
                assert!(out.contains(label) || out.contains(short), "{at}: the legend says what is coloured");
                // q's value is written next to the scale, as the readout has it.
                assert!(out.contains(&format!("\nq = {}\n", fmt_num(want))), "{at}: q = {}", fmt_num(want));
                // q's mark sits at its value on the bar.
                let fx = sc.fraction(want);
                assert!((legend.query_x - (legend.bar.0 + fx * (legend.bar.2 - legend.bar.0))).abs() < 1e-9, "{at}");
            }
        }
    }

    #[test]
    fn the_key_stays_under_the_plot_and_covers_no_point() {
        for (name, s) in scenes() {
            for (w, h, st) in sizes() {
                let (_, lay, _) = map(&s, w, h, &st);
                let at = format!("{name} at {w}x{h} ×{} {:?}", st.scale, st.lang);
                let plot = lay.view.px;
                assert!(!lay.key.is_empty(), "{at}: a key");
                let mut points: Vec<(f64, f64)> = lay.items.clone();
                points.extend([lay.query, lay.mean, lay.pooled]);
                points.extend(lay.catalogue.iter().map(|p| p.at));
                for k in &lay.key {
                    assert!(k.1 >= plot.3, "{at}: key row {k:?} above the plot's bottom {}", plot.3);
                    assert!(k.3 <= h * st.scale + 0.5 && k.2 <= w * st.scale + 0.5, "{at}: key row {k:?} leaves the area");
                    for p in &points {
                        assert!(!inside(*p, *k), "{at}: the key {k:?} covers a point at {p:?}");
                    }
                    for l in &lay.labels {
                        assert!(!overlap(l.rect, *k), "{at}: the key covers the label \"{}\"", l.text);
                    }
                }
                // The plot keeps most of the area.
                assert!(plot.3 - plot.1 >= 0.4 * h * st.scale, "{at}: plot {plot:?}");
            }
        }
    }

    #[test]
    fn the_key_names_the_groups_and_says_what_the_catalogue_is() {
        let s = preset("why-din-works").unwrap().scene;
        let (out, _, _) = map(&s, 900.0, 675.0, &Style::new(1.0));
        for word in ["catalogue, 20 per category:", "food", "make-up", "cars", "not in LastN:", "news", "clothes", "electronics"] {
            assert!(out.contains(&format!("\n{word}\n")), "{word}");
        }
        let mut st = Style::new(1.0);
        st.lang = Lang::Zh;
        let (out, _, _) = map(&s, 900.0, 675.0, &st);
        for word in ["美食", "新闻", "LastN 中没有：", "注意力把用户向量移向候选物品的兴趣"] {
            assert!(out.contains(word), "{word}");
        }
        // On a phone (a 4:5 map 366 CSS px wide), in the projector theme or
        // with larger text, the key still names every group and says what
        // is coloured, whole (its font shrinks a little before anything goes).
        for (theme, fs, lang) in [(Theme::Contrast, 1.0, Lang::En), (Theme::Light, 1.25, Lang::Zh), (Theme::Dark, 1.0, Lang::Zh)] {
            for id in ["why-din-works", "interest-intensity"] {
                let mut st = Style::new(3.0).with_theme(theme).with_font_scale(fs);
                st.lang = lang;
                let (out, lay, sc) = map(&preset(id).unwrap().scene, 366.0, 458.0, &st);
                let at = format!("{id} {theme} ×{fs} {lang:?}");
                for g in &sc.catalogue.groups {
                    assert!(out.contains(&format!("\n{}\n", g.name(lang))), "{at}: {} missing from the key", g.name(lang));
                }
                let c = sc.colouring.unwrap();
                assert!(out.contains(&format!("\n{}\n", c.label(lang, false))) || out.contains(&format!("\n{}\n", c.label(lang, true))), "{at}: what is coloured");
                assert!(lay.legend.is_some(), "{at}");
            }
        }
        // A blank scene says why nothing is coloured; an edited one what its catalogue is.
        let blank = preset("blank").unwrap().scene;
        let (out, lay, _) = map(&blank, 668.0, 501.0, &Style::new(1.0));
        assert!(out.contains("no LastN items"));
        assert!(lay.catalogue.is_empty() && lay.legend.is_none());
        let (t, _) = s.with_dim(5).unwrap();
        let (out, lay, _) = map(&t, 900.0, 675.0, &Style::new(1.0));
        assert!(out.contains("near a LastN item") && out.contains("random vector"), "variations are named");
        assert!(!lay.catalogue.is_empty());
    }

    /// q's diamond is explained once: beside its value on the colour scale
    /// when the catalogue is coloured, else in the glyph row (the second
    /// "◆ q" took a key row of its own on lecture mode's projector map).
    #[test]
    fn the_key_names_q_once() {
        let count = |sections: &[Vec<Section>]| -> Vec<usize> {
            // Per layout variant (long and short texts), the number of q glyphs.
            (0..2)
                .map(|v| {
                    sections
                        .iter()
                        .map(|alts| alts.get(v).or(alts.first()).map_or(0, |sec| sec.iter().filter(|(g, _)| matches!(g, Glyph::Query | Glyph::QueryValue)).count()))
                        .sum()
                })
                .collect()
        };
        for id in ["why-din-works", "interest-intensity"] {
            let s = preset(id).unwrap().scene;
            let sc = score(&s);
            for st in [Style::new(1.0), Style::new(1.0).with_theme(Theme::Contrast)] {
                assert_eq!(count(&key_sections(Some(&sc), &st)), vec![1, 1], "{id}");
            }
        }
        let st = Style::new(1.0);
        let glyph_row = key_sections(None, &st);
        assert_eq!(count(&glyph_row), vec![1, 1], "without a catalogue the glyph row names q");
        assert!(glyph_row.last().unwrap()[0].iter().any(|(g, t)| matches!(g, Glyph::Query) && t == "q"));
        // Lecture mode's projector map (612 × 600 CSS px of its 1366 × 768
        // screen laid out larger): the key fits in five rows.
        let s = preset("why-din-works").unwrap().scene;
        let st = Style::new(1.0).with_theme(Theme::Contrast);
        let (_, lay, _) = map(&s, 612.0, 600.0, &st);
        assert!(lay.key.len() <= 5, "{} key rows: {:?}", lay.key.len(), lay.key);
    }

    #[test]
    fn every_marker_shape_is_distinct() {
        let shapes: Vec<Vec<(i32, i32)>> = MARKERS.iter().map(|m| marker_polygon(*m, (100.0, 100.0), 50.0)).collect();
        for (i, a) in shapes.iter().enumerate() {
            assert!(a.len() >= 3, "{:?}", MARKERS[i]);
            for b in &shapes[i + 1..] {
                assert_ne!(a, b);
            }
        }
    }
}
