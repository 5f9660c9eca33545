//! What every chart and panel draws with: the [`Style`] (pixel ratio,
//! theme, font scale and the highlight), the drawing error, item colours,
//! text and its measured width, dashed lines, arrows and tick steps. The
//! bottom layer of din-draw: it uses only [`crate::palette`], so the charts
//! ([`crate::draw`]), the text layout ([`crate::textlayout`]), the map's
//! layers and the lecture panels all build on it without a cycle.

use din_core::scene::Scene;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

pub use din_core::options::Theme;
pub use crate::palette::{palette, Palette};
use crate::palette::LIGHT;

/// A drawing failure, as text (plotters' errors carry the backend's type).
#[derive(Debug, Clone, PartialEq)]
pub struct DrawError(pub String);

impl std::fmt::Display for DrawError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "drawing failed: {}", self.0)
    }
}

impl std::error::Error for DrawError {}

impl din_core::errors::Localized for DrawError {
    fn code(&self) -> &'static str {
        "E_DRAW"
    }

    fn zh(&self) -> String {
        format!("绘图失败：{}", self.0)
    }
}

pub(crate) fn err<E: std::fmt::Display>(e: E) -> DrawError {
    DrawError(e.to_string())
}

/// Colour-blind-safe palette for LastN items in the light theme (Paul
/// Tol's "muted" scheme and three more); an item with colour id `c`
/// ([`din_core::scene::Item::color`]) gets `PALETTE[c % 12]` in every panel.
/// Other themes: [`Palette::items`].
pub const PALETTE: [RGBColor; crate::palette::ITEM_COLORS] = LIGHT.items;

/// Colour of the candidate `q` in the light theme.
pub const QUERY_COLOR: RGBColor = LIGHT.query;
/// Colour of the pooled (weighted-sum) vector in the light theme.
pub const POOLED_COLOR: RGBColor = LIGHT.pooled;
/// Colour of the plain mean in the light theme.
pub const MEAN_COLOR: RGBColor = LIGHT.mean;

/// The colour of colour id `color` in the light theme.
#[must_use]
pub fn item_color(color: u16) -> RGBColor {
    LIGHT.item(color)
}

/// The colour of colour id `color` in the light theme as `#rrggbb`.
#[must_use]
pub fn item_color_hex(color: u16) -> String {
    item_color_hex_for(color, Theme::Light)
}

/// The colour of colour id `color` in `theme` as `#rrggbb`, for the page's table.
///
/// ```
/// use din_draw::draw::{item_color_hex, item_color_hex_for};
/// use din_core::options::Theme;
/// assert_eq!(item_color_hex_for(0, Theme::Light), "#cc6677");
/// assert_eq!(item_color_hex_for(13, Theme::Light), item_color_hex(1));
/// assert_ne!(item_color_hex_for(9, Theme::Light), item_color_hex(0));
/// assert_ne!(item_color_hex_for(1, Theme::Dark), item_color_hex(1));
/// ```
#[must_use]
pub fn item_color_hex_for(color: u16, theme: Theme) -> String {
    crate::palette::hex(palette(theme).item(color))
}

/// A number as every chart prints it (one formatter for charts, captions
/// and explanations: [`din_core::explain::fmt_num`]).
pub use din_core::explain::fmt_num;

/// A bitmap costs per pixel (made RGBA, copied, composited), a rectangle
/// per call: regions with more backend pixels per cell than this stay
/// rectangles ([`Style::bitmap_max_pixels_per_cell`], used by `cells`). Measured: the
/// heatmap of n = 1,000, d = 64 at 1440 px wide, dpr 2 (about 1,000
/// pixels per cell) took 66-81 ms per update with all panels visible as a
/// bitmap, 38-44 ms as rectangles.
pub const MAX_PIXELS_PER_CELL: usize = 16;


/// Pixel ratio, theme and fonts: lengths are CSS pixels multiplied by
/// `scale`; font sizes (and the room laid out for text) are also
/// multiplied by [`Style::text_factor`]; stroke widths by the theme's
/// [`Palette::stroke`].
#[derive(Clone, Debug)]
pub struct Style {
    /// Backend pixels per CSS pixel (the page's `devicePixelRatio`).
    pub scale: f64,
    /// Font family for all text.
    pub family: String,
    /// Language of the labels.
    pub lang: din_core::i18n::Lang,
    /// The LastN item under the pointer (0-based), highlighted in every panel.
    pub highlight: Option<usize>,
    /// Colour theme; every colour, stroke width and font factor comes from its [`Palette`].
    pub theme: Theme,
    /// Font-size scale chosen by the reader, 1 by default; read clamped to
    /// [`din_core::options::FONT_SCALE_RANGE`] (non-finite means 1).
    pub font_scale: f64,
    /// The map's background and density cells are already on the target
    /// ([`draw_map_background`], which the page keeps as an image while
    /// only q moves): [`draw_map`] then draws everything else on top.
    pub prepainted: bool,
    /// What the charts may show while the step-through is on (see
    /// [`din_core::steps::Reveal`]); everything by default.
    pub reveal: din_core::steps::Reveal,
    /// Cells (heatmap, lecture strips) go to the backend as one bitmap per
    /// region instead of one rectangle each ([`crate::cells::Cells`]); the
    /// page's canvases turn it on, SVG export leaves it off.
    pub bitmap_cells: bool,
    /// With `bitmap_cells`, a region goes out as a bitmap only if it has at
    /// most this many backend pixels per cell (see [`crate::cells`]).
    pub bitmap_max_pixels_per_cell: usize,
}

impl Style {
    /// A style at pixel ratio `scale` with the default sans-serif font, the
    /// light theme and font scale 1.
    #[must_use]
    pub fn new(scale: f64) -> Self {
        let scale = if scale.is_finite() && scale > 0.0 { scale.clamp(0.25, 8.0) } else { 1.0 };
        Style {
            scale,
            family: "sans-serif".to_owned(),
            lang: din_core::i18n::Lang::En,
            highlight: None,
            theme: Theme::Light,
            font_scale: 1.0,
            prepainted: false,
            reveal: din_core::steps::Reveal::ALL,
            bitmap_cells: false,
            bitmap_max_pixels_per_cell: MAX_PIXELS_PER_CELL,
        }
    }

    /// This style in `theme`.
    #[must_use]
    pub fn with_theme(mut self, theme: Theme) -> Self {
        self.theme = theme;
        self
    }

    /// This style at font scale `font_scale` (clamped, see [`Style::set_font_scale`]).
    #[must_use]
    pub fn with_font_scale(mut self, font_scale: f64) -> Self {
        self.set_font_scale(font_scale);
        self
    }

    /// Sets the font scale, clamped to [`din_core::options::FONT_SCALE_RANGE`]
    /// (a non-finite value means 1).
    ///
    /// ```
    /// use din_draw::draw::Style;
    /// let mut st = Style::new(1.0);
    /// st.set_font_scale(9.0);
    /// assert_eq!(st.font_scale, 2.0);
    /// st.set_font_scale(f64::NAN);
    /// assert_eq!(st.font_scale, 1.0);
    /// ```
    pub fn set_font_scale(&mut self, font_scale: f64) {
        self.font_scale = clamp_font_scale(font_scale);
    }

    /// The theme's colours and weights.
    #[must_use]
    pub fn palette(&self) -> &'static Palette {
        palette(self.theme)
    }

    /// What every font size is multiplied by: the (clamped) font scale
    /// times the theme's [`Palette::font`].
    ///
    /// ```
    /// use din_draw::draw::{Style, Theme};
    /// assert_eq!(Style::new(2.0).text_factor(), 1.0);
    /// let st = Style::new(1.0).with_theme(Theme::Contrast).with_font_scale(1.5);
    /// assert!((st.text_factor() - 1.95).abs() < 1e-12);
    /// ```
    #[must_use]
    pub fn text_factor(&self) -> f64 {
        clamp_font_scale(self.font_scale) * self.palette().font
    }

    /// `css` CSS px in backend pixels.
    pub(crate) fn px(&self, css: f64) -> i32 {
        (css * self.scale).round() as i32
    }

    /// `css` CSS px of room for text (a line height, a label's offset) in
    /// backend pixels: grows with the text factor.
    pub(crate) fn tpx(&self, css: f64) -> i32 {
        (css * self.scale * self.text_factor()).round() as i32
    }

    /// `fixed` CSS px plus `textual` CSS px that grow with the text, in
    /// backend pixels (rounded once, so that at text factor 1 it is `px(fixed + textual)`).
    pub(crate) fn lay(&self, fixed: f64, textual: f64) -> i32 {
        ((fixed + textual * self.text_factor()) * self.scale).round() as i32
    }

    /// Like [`Style::tpx`] without rounding.
    pub(crate) fn tpx_f(&self, css: f64) -> f64 {
        css * self.scale * self.text_factor()
    }

    /// Font size in backend pixels of a `css` CSS px font.
    pub(crate) fn font_px(&self, css: f64) -> f64 {
        css * self.scale * self.text_factor()
    }

    pub(crate) fn font(&self, css: f64, color: &RGBColor) -> TextStyle<'_> {
        FontDesc::new(font_family(&self.family), self.font_px(css), FontStyle::Normal).color(color)
    }

    pub(crate) fn bold(&self, css: f64, color: &RGBColor) -> TextStyle<'_> {
        FontDesc::new(font_family(&self.family), self.font_px(css), FontStyle::Bold).color(color)
    }

    /// A stroke of `css` CSS px in whole backend pixels (at least 1), times the theme's weight.
    pub(crate) fn stroke(&self, css: f64) -> u32 {
        (css * self.scale).round().max(1.0) as u32 * self.palette().stroke
    }
}

/// The same family as plotters' `FontFamily::from(&str)`, which compares
/// the Unicode-lowercased name with the three generic families. No
/// non-ASCII character lowercases to a letter of those names, so an ASCII
/// case-insensitive comparison gives the same result without pulling
/// `str::to_lowercase` and its Unicode tables into the wasm module.
fn font_family(name: &str) -> FontFamily<'_> {
    if name.eq_ignore_ascii_case("serif") {
        FontFamily::Serif
    } else if name.eq_ignore_ascii_case("sans-serif") {
        FontFamily::SansSerif
    } else if name.eq_ignore_ascii_case("monospace") {
        FontFamily::Monospace
    } else {
        FontFamily::Name(name)
    }
}

fn clamp_font_scale(f: f64) -> f64 {
    let (lo, hi) = din_core::options::FONT_SCALE_RANGE;
    if f.is_finite() { f.clamp(lo, hi) } else { 1.0 }
}

/// Label font size of all charts, in CSS px (readable on a projector).
pub const LABEL_PX: f64 = 15.0;
/// Title font size, in CSS px.
pub const TITLE_PX: f64 = 17.0;

pub(crate) fn text<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    s: &str,
    at: (i32, i32),
    style: TextStyle<'_>,
    h: HPos,
    v: VPos,
) -> Result<(), DrawError> {
    area.draw(&Text::new(s.to_owned(), at, style.pos(Pos::new(h, v)))).map_err(err)
}

/// A text measurer the page can install: the width in pixels of `text` in
/// the CSS `font` (e.g. `"bold 15px sans-serif"`), or `None` if it cannot
/// measure. The wasm layer installs one based on the canvas's own
/// `measureText`, which needs no DOM layout (plotters' built-in web
/// measurement adds a `<span>` and forces a layout for every label).
pub type Measure = fn(text: &str, font: &str) -> Option<f64>;

static MEASURE: std::sync::OnceLock<Measure> = std::sync::OnceLock::new();

/// Installs the text measurer (first call wins).
pub fn set_text_measure(f: Measure) {
    let _ = MEASURE.set(f);
}

thread_local! {
    static WIDTHS: std::cell::RefCell<std::collections::HashMap<(String, String), i32>> =
        std::cell::RefCell::new(std::collections::HashMap::new());
}

/// Width of `s` in pixels. With an installed [`Measure`] it is exact and
/// cached per (text, font); otherwise it is the backend's measurement but
/// never less than a conservative estimate from the characters (browsers'
/// span measurement can use another font than the canvas; CJK glyphs are
/// full-width), so labels never run into the plot.
pub(crate) fn text_width<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, s: &str, style: &TextStyle<'_>) -> i32 {
    let size = style.font.get_size();
    if let Some(measure) = MEASURE.get() {
        let weight = match style.font.get_style() {
            FontStyle::Bold => "bold ",
            _ => "",
        };
        let font = format!("{weight}{size}px {}", style.font.get_name());
        let key = (s.to_owned(), font);
        if let Some(w) = WIDTHS.with(|c| c.borrow().get(&key).copied()) {
            return w;
        }
        if let Some(w) = measure(s, &key.1) {
            let w = w.ceil() as i32;
            WIDTHS.with(|c| {
                let mut c = c.borrow_mut();
                if c.len() > 8192 {
                    c.clear();
                }
                c.insert(key, w);
            });
            return w;
        }
    }
    let estimate: f64 = s
        .chars()
        .map(|c| if c.is_ascii() { if c.is_ascii_uppercase() { 0.7 } else { 0.6 } } else { 1.05 })
        .sum::<f64>()
        * size;
    let measured = area.estimate_text_size(s, style).map(|(w, _)| f64::from(w)).unwrap_or(0.0);
    measured.max(estimate).ceil() as i32
}

/// Shortens a label to at most `max` characters, with an ellipsis.
pub(crate) fn clip_label(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_owned()
    } else {
        let mut t: String = s.chars().take(max.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

pub(crate) fn item_label(scene: &Scene, i: usize) -> String {
    let l = scene.items[i].label.trim();
    if l.is_empty() { format!("x{}", i + 1) } else { clip_label(l, 24) }
}

pub(crate) fn dashed_line<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    a: (i32, i32),
    b: (i32, i32),
    dash: f64,
    style: ShapeStyle,
) -> Result<(), DrawError> {
    let (dx, dy) = ((b.0 - a.0) as f64, (b.1 - a.1) as f64);
    let len = (dx * dx + dy * dy).sqrt();
    if len < 1.0 {
        return Ok(());
    }
    let steps = (len / dash).ceil() as usize;
    for k in (0..steps).step_by(2) {
        let t0 = k as f64 / steps as f64;
        let t1 = ((k + 1) as f64 / steps as f64).min(1.0);
        let p = |t: f64| ((a.0 as f64 + dx * t).round() as i32, (a.1 as f64 + dy * t).round() as i32);
        area.draw(&PathElement::new(vec![p(t0), p(t1)], style)).map_err(err)?;
    }
    Ok(())
}

/// "Nice" tick step for a range of `span` with about `target` ticks.
pub(crate) fn nice_step(span: f64, target: f64) -> f64 {
    if !(span.is_finite() && span > 0.0) {
        return 1.0;
    }
    let raw = span / target.max(1.0);
    let mag = 10f64.powf(raw.log10().floor());
    let f = raw / mag;
    let nice = if f < 1.5 { 1.0 } else if f < 3.0 { 2.0 } else if f < 7.0 { 5.0 } else { 10.0 };
    nice * mag
}

pub(crate) fn ticks(lo: f64, hi: f64, target: f64) -> Vec<f64> {
    let step = nice_step(hi - lo, target);
    let mut t = (lo / step).ceil() * step;
    let mut out = Vec::new();
    while t <= hi + step * 1e-9 && out.len() < 50 {
        out.push(if t.abs() < step * 1e-9 { 0.0 } else { t });
        t += step;
    }
    out
}

pub(crate) fn nice_ceil(v: f64) -> f64 {
    let mag = 10f64.powf(v.log10().floor());
    let f = v / mag;
    let nice = [1.0, 1.2, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0].into_iter().find(|x| f <= *x + 1e-12).unwrap_or(10.0);
    nice * mag
}

/// The shape of an arrow's head and dashes, in CSS px.
#[derive(Clone, Copy, Debug)]
pub(crate) struct ArrowShape {
    /// Length of the head.
    pub head: f64,
    /// Half-width of the head as a share of its length.
    pub half_width: f64,
    /// Dash length of a dashed shaft.
    pub dash: f64,
    /// Shorten the head to 60% of a short arrow (else a short arrow is all head).
    pub shrink_head: bool,
}

/// The map's arrows (pooled, mean).
pub(crate) const MAP_ARROW: ArrowShape = ArrowShape { head: 14.0, half_width: 0.45, dash: 7.0, shrink_head: false };

/// An arrow from `from` to `to` (backend px): a shaft, solid or dashed, and a filled head.
#[allow(clippy::too_many_arguments)]
pub(crate) fn arrow_shaped<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    from: (f64, f64),
    to: (f64, f64),
    color: RGBColor,
    width: f64,
    dashed: bool,
    shape: ArrowShape,
    st: &Style,
) -> Result<(), DrawError> {
    let (dx, dy) = (to.0 - from.0, to.1 - from.1);
    let len = (dx * dx + dy * dy).sqrt();
    if len < 1.0 {
        return Ok(());
    }
    // Thicker strokes (the contrast theme) get a larger head to match.
    let mut head = shape.head * st.scale * (1.0 + 0.5 * f64::from(st.palette().stroke - 1));
    if shape.shrink_head {
        head = head.min(len * 0.6);
    }
    let (ux, uy) = (dx / len, dy / len);
    let base = if len > head { (to.0 - ux * head, to.1 - uy * head) } else { from };
    let p = |x: f64, y: f64| (x.round() as i32, y.round() as i32);
    let style = color.stroke_width(st.stroke(width));
    if dashed {
        dashed_line(area, p(from.0, from.1), p(base.0, base.1), shape.dash * st.scale, style)?;
    } else {
        area.draw(&PathElement::new(vec![p(from.0, from.1), p(base.0, base.1)], style)).map_err(err)?;
    }
    let half = head * shape.half_width;
    let tri = vec![p(to.0, to.1), p(base.0 - uy * half, base.1 + ux * half), p(base.0 + uy * half, base.1 - ux * half)];
    area.draw(&Polygon::new(tri, color.filled())).map_err(err)
}

/// An arrow in the map's shape ([`MAP_ARROW`]).
pub(crate) fn arrow<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    from: (f64, f64),
    to: (f64, f64),
    color: RGBColor,
    width: f64,
    dashed: bool,
    st: &Style,
) -> Result<(), DrawError> {
    arrow_shaped(area, from, to, color, width, dashed, MAP_ARROW, st)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn font_family_matches_plotters_from_str() {
        for name in ["sans-serif", "SANS-SERIF", "Serif", "monospace", "MonoSpace", "Arial", "", "sans serif", "serİf", "\u{212a}"] {
            assert_eq!(font_family(name).as_str(), FontFamily::from(name).as_str(), "{name}");
        }
    }
}
