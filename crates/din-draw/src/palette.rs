//! The colours, stroke weight and font factor of each [`Theme`].
//!
//! Every chart takes every colour from one [`Palette`] (through
//! [`crate::draw::Style::palette`]), so a theme is a table of values here
//! and nothing else. Pure data and small colour maths; no drawing.
//!
//! * [`Theme::Light`]: the original look, colour for colour (Paul Tol's
//!   colour-blind-safe "muted" items, ColorBrewer RdBu), with ColorBrewer's
//!   YlOrRd for the interest scale of the map's catalogue.
//! * [`Theme::Dark`]: light text on a dark grey ground; the item colours
//!   are brightened so that each reads on it, and the scales run from the
//!   ground colour (near zero) to saturated ends.
//! * [`Theme::Contrast`]: for projectors: white ground, black text,
//!   saturated item colours far apart, every stroke twice as wide and
//!   every font 1.3 times as large.

use din_core::options::Theme;
use plotters::style::RGBColor;

/// Classes of the map's interest scale ([`Palette::density`]).
pub const DENSITY_CLASSES: usize = 7;

/// The colours and weights of one theme.
#[derive(Clone, Debug, PartialEq)]
pub struct Palette {
    /// The theme these values belong to.
    pub theme: Theme,
    /// Ground of every chart; also the outline that separates a marker or
    /// a cell from its neighbours.
    pub background: RGBColor,
    /// Body text, labels, frames of the highlighted item.
    pub text: RGBColor,
    /// Secondary text: captions, ticks, notes.
    pub muted: RGBColor,
    /// Grid lines.
    pub grid: RGBColor,
    /// Axes, frames of colour bars, greyed-out (impossible) paths.
    pub axis: RGBColor,
    /// Fill of boxes (models, the softmax box, input chips).
    pub panel: RGBColor,
    /// Background of the highlighted (hovered) item's row and of notes.
    pub highlight: RGBColor,
    /// Background of the newest weight in the step-through.
    pub emphasis: RGBColor,
    /// The candidate `q`.
    pub query: RGBColor,
    /// The pooled (weighted-sum) vector.
    pub pooled: RGBColor,
    /// The plain mean.
    pub mean: RGBColor,
    /// The item colours: an item with colour id `c` ([`din_core::scene::Item::color`])
    /// gets `items[c % 12]` in every panel ([`Palette::item`]).
    pub items: [RGBColor; ITEM_COLORS],
    /// The diverging scale of vector components at −1, −½, 0, ½ and 1
    /// times the limit: negative end, middle, positive end.
    pub diverging: [RGBColor; 5],
    /// Text on a cell whose value is more than 55 % of the limit (on the
    /// weaker cells text is [`Palette::text`]).
    pub on_strong: RGBColor,
    /// The interest scale of the map's catalogue: [`DENSITY_CLASSES`]
    /// classes from unlit (the lowest value) to lit (the highest).
    pub density: [RGBColor; DENSITY_CLASSES],
    /// A vector the model computes but the scene does not hold (grey cells).
    pub computed: RGBColor,
    /// The cross and the reason of an impossible placement.
    pub cross: RGBColor,
    /// Dice's gate `p(s)` in the activation curve.
    pub gate: RGBColor,
    /// Every stroke width is multiplied by this (after rounding to pixels).
    pub stroke: u32,
    /// Every font size is multiplied by this (on top of the font scale).
    pub font: f64,
}

/// Number of item colours of every theme; colour ids repeat with this period.
pub const ITEM_COLORS: usize = 12;

const fn rgb(hex: u32) -> RGBColor {
    RGBColor((hex >> 16) as u8, (hex >> 8) as u8, hex as u8)
}

/// The light theme: the charts' original colours.
pub static LIGHT: Palette = Palette {
    theme: Theme::Light,
    background: rgb(0xFFFFFF),
    text: rgb(0x1F2328),
    muted: rgb(0x5B636E),
    grid: rgb(0xE3E6EA),
    axis: rgb(0x9AA1AB),
    panel: rgb(0xF6F8FA),
    highlight: rgb(0xFFF3C4),
    emphasis: rgb(0xFFF1BF),
    query: rgb(0x111111),
    pooled: rgb(0xD55E00),
    mean: rgb(0x5A5A5A),
    // Paul Tol's "muted" scheme, colour-blind safe.
    items: [
        rgb(0xCC6677),
        rgb(0x332288),
        rgb(0xDDCC77),
        rgb(0x117733),
        rgb(0x88CCEE),
        rgb(0x882255),
        rgb(0x44AA99),
        rgb(0x999933),
        rgb(0xAA4499),
        // Three more, so that a LastN of 10 to 12 items needs no repeat:
        // Tol's "bright" blue, a light orange and a pear green, each at
        // least ΔE 22 from the others and from q, pooled and the mean.
        rgb(0x4477AA),
        rgb(0xEE8866),
        rgb(0xBBCC33),
    ],
    // ColorBrewer RdBu.
    diverging: [rgb(0x2166AC), rgb(0x92C5DE), rgb(0xF7F7F7), rgb(0xF4A582), rgb(0xB2182B)],
    on_strong: rgb(0xFFFFFF),
    // ColorBrewer YlOrRd, 7 classes: pale when unlit, deep red when lit.
    density: [rgb(0xFFFFB2), rgb(0xFED976), rgb(0xFEB24C), rgb(0xFD8D3C), rgb(0xFC4E2A), rgb(0xE31A1C), rgb(0xB10026)],
    computed: rgb(0xEEF0F3),
    cross: rgb(0xB2182B),
    gate: rgb(0x0072B2),
    stroke: 1,
    font: 1.0,
};

/// The dark theme: light text on a dark grey ground.
pub static DARK: Palette = Palette {
    theme: Theme::Dark,
    background: rgb(0x1E2126),
    text: rgb(0xE6E8EB),
    muted: rgb(0xA9B0BA),
    grid: rgb(0x343941),
    axis: rgb(0x7D8590),
    panel: rgb(0x272B31),
    highlight: rgb(0x4D4322),
    emphasis: rgb(0x3D3820),
    query: rgb(0xF2F2F2),
    pooled: rgb(0xF08A3C),
    mean: rgb(0xB4B4B4),
    // The muted scheme with its dark members lifted (indigo, green, wine,
    // purple) so that every item has at least 3:1 contrast on the ground.
    items: [
        rgb(0xDD7788),
        rgb(0x8877DD),
        rgb(0xDDCC77),
        rgb(0x44BB66),
        rgb(0x88CCEE),
        rgb(0xCC5588),
        rgb(0x44AA99),
        rgb(0xAAAA44),
        rgb(0xCC66BB),
        rgb(0x5599DD),
        rgb(0xCC9977),
        rgb(0xBBDD44),
    ],
    // Dark in the middle (close to the ground), saturated towards the
    // ends; dark enough everywhere for light text.
    diverging: [rgb(0x2C65A8), rgb(0x2A4A6B), rgb(0x2B2F36), rgb(0x6B3340), rgb(0xB03040)],
    on_strong: rgb(0xE6E8EB),
    // From just above the ground (unlit) to bright yellow (lit), like inferno.
    density: [rgb(0x41454E), rgb(0x5B2A78), rgb(0x8E2C7E), rgb(0xC23F6C), rgb(0xE8623F), rgb(0xF8A21E), rgb(0xFCEB6A)],
    computed: rgb(0x3A3F47),
    cross: rgb(0xFF6B6B),
    gate: rgb(0x56B4E9),
    stroke: 1,
    font: 1.0,
};

/// The projector theme: black on white, saturated colours, thick lines, large text.
pub static CONTRAST: Palette = Palette {
    theme: Theme::Contrast,
    background: rgb(0xFFFFFF),
    text: rgb(0x000000),
    muted: rgb(0x333333),
    grid: rgb(0xBBBBBB),
    axis: rgb(0x444444),
    panel: rgb(0xEEEEEE),
    highlight: rgb(0xFFE14D),
    emphasis: rgb(0xFFE680),
    query: rgb(0x000000),
    pooled: rgb(0xC04000),
    mean: rgb(0x666666),
    // Saturated hues spread round the wheel, each at least 3:1 on white.
    items: [
        rgb(0xD81B60),
        rgb(0x1E3FBF),
        rgb(0xA67C00),
        rgb(0x007A33),
        rgb(0x0086C9),
        rgb(0x8E1A5E),
        rgb(0x00877A),
        rgb(0x6B6B00),
        rgb(0x8B3FBF),
        rgb(0x003377),
        rgb(0x660000),
        rgb(0x22AA00),
    ],
    diverging: [rgb(0x003C9E), rgb(0x7FB2E5), rgb(0xF7F7F7), rgb(0xF28C73), rgb(0xA5001E)],
    on_strong: rgb(0xFFFFFF),
    density: [rgb(0xFFFFB2), rgb(0xFED976), rgb(0xFEB24C), rgb(0xFD8D3C), rgb(0xFC4E2A), rgb(0xE31A1C), rgb(0xB10026)],
    computed: rgb(0xDDDDDD),
    cross: rgb(0xC00000),
    gate: rgb(0x0060A0),
    stroke: 2,
    font: 1.3,
};

/// The palette of `theme`.
///
/// ```
/// use din_core::options::Theme;
/// use din_draw::palette::palette;
/// use plotters::style::RGBColor;
/// assert_eq!(palette(Theme::Light).background, RGBColor(255, 255, 255));
/// assert_eq!(palette(Theme::Dark).background, RGBColor(0x1E, 0x21, 0x26));
/// assert_eq!(palette(Theme::Contrast).stroke, 2);
/// ```
#[must_use]
pub fn palette(theme: Theme) -> &'static Palette {
    match theme {
        Theme::Light => &LIGHT,
        Theme::Dark => &DARK,
        Theme::Contrast => &CONTRAST,
    }
}

/// Piecewise-linear colour between `stops` (positions ascending) at `t`.
fn interpolate<const N: usize>(positions: [f64; N], stops: &[RGBColor; N], t: f64) -> RGBColor {
    let k = positions.iter().position(|p| t <= *p).unwrap_or(N - 1).max(1);
    let (t0, t1) = (positions[k - 1], positions[k]);
    let (c0, c1) = (stops[k - 1], stops[k]);
    let f = ((t - t0) / (t1 - t0)).clamp(0.0, 1.0);
    let mix = |a: u8, b: u8| (f64::from(a) + (f64::from(b) - f64::from(a)) * f).round() as u8;
    RGBColor(mix(c0.0, c1.0), mix(c0.1, c1.1), mix(c0.2, c1.2))
}

impl Palette {
    /// The colour of colour id `color` (an item's [`din_core::scene::Item::color`]):
    /// `items[color % 12]`, so ids 12 apart share a colour.
    ///
    /// ```
    /// use din_draw::palette::LIGHT;
    /// assert_eq!(LIGHT.item(0), LIGHT.item(12));
    /// assert_ne!(LIGHT.item(0), LIGHT.item(9));
    /// ```
    #[must_use]
    pub fn item(&self, color: u16) -> RGBColor {
        self.items[usize::from(color) % self.items.len()]
    }

    /// The colour of LastN item `i` of `scene` (by its colour id; id `i`
    /// for an index past the end).
    #[must_use]
    pub fn item_of(&self, scene: &din_core::scene::Scene, i: usize) -> RGBColor {
        self.item(scene.items.get(i).map_or_else(|| u16::try_from(i).unwrap_or(u16::MAX), |it| it.color))
    }

    /// Diverging colour of `v` on a scale of `[-m, m]` (clamped; 0 and NaN
    /// get the middle).
    #[must_use]
    pub fn diverging(&self, v: f64, m: f64) -> RGBColor {
        let t = if m > 0.0 { (v / m).clamp(-1.0, 1.0) } else { 0.0 };
        let t = if t.is_nan() { 0.0 } else { t };
        interpolate([-1.0, -0.5, 0.0, 0.5, 1.0], &self.diverging, t)
    }

    /// Colour of text on a diverging cell of value `v` on the scale `[-m, m]`.
    #[must_use]
    pub fn cell_text(&self, v: f64, m: f64) -> RGBColor {
        if m > 0.0 && v.abs() / m > 0.55 { self.on_strong } else { self.text }
    }

    /// The class colour of the interest scale for `t` in `[0, 1]`
    /// (clamped; NaN gets the bottom): class `floor(t * 7)`, the top class
    /// for `t = 1`.
    ///
    /// ```
    /// use din_draw::palette::LIGHT;
    /// assert_eq!(LIGHT.density(0.0), LIGHT.density[0]);
    /// assert_eq!(LIGHT.density(0.99), LIGHT.density[6]);
    /// assert_eq!(LIGHT.density(1.0), LIGHT.density[6]);
    /// assert_eq!(LIGHT.density(0.5), LIGHT.density[3]);
    /// ```
    #[must_use]
    pub fn density(&self, t: f64) -> RGBColor {
        let t = if t.is_nan() { 0.0 } else { t.clamp(0.0, 1.0) };
        let k = ((t * DENSITY_CLASSES as f64).floor() as usize).min(DENSITY_CLASSES - 1);
        self.density[k]
    }

    /// Every colour of the palette (for tests and checks of what a chart drew).
    #[must_use]
    pub fn colors(&self) -> Vec<RGBColor> {
        let mut v = vec![
            self.background,
            self.text,
            self.muted,
            self.grid,
            self.axis,
            self.panel,
            self.highlight,
            self.emphasis,
            self.query,
            self.pooled,
            self.mean,
            self.on_strong,
            self.computed,
            self.cross,
            self.gate,
        ];
        v.extend(self.items);
        v.extend(self.diverging);
        v.extend(self.density);
        v
    }
}

/// The CIE 1976 colour difference ΔE*ab of two sRGB colours (D65): about
/// 2.3 is just noticeable; the item colours of a theme are at least 15 apart.
///
/// ```
/// use din_draw::palette::{delta_e, LIGHT};
/// assert_eq!(delta_e(LIGHT.items[0], LIGHT.items[0]), 0.0);
/// assert!(delta_e(LIGHT.items[0], LIGHT.items[1]) > 15.0);
/// ```
#[must_use]
pub fn delta_e(a: RGBColor, b: RGBColor) -> f64 {
    fn lab(c: RGBColor) -> [f64; 3] {
        let lin = |u: u8| {
            let v = f64::from(u) / 255.0;
            if v <= 0.04045 { v / 12.92 } else { ((v + 0.055) / 1.055).powf(2.4) }
        };
        let (r, g, b) = (lin(c.0), lin(c.1), lin(c.2));
        let x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047;
        let y = 0.2126 * r + 0.7152 * g + 0.0722 * b;
        let z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883;
        let f = |t: f64| if t > 0.008_856 { t.cbrt() } else { 7.787 * t + 16.0 / 116.0 };
        let (fx, fy, fz) = (f(x), f(y), f(z));
        [116.0 * fy - 16.0, 500.0 * (fx - fy), 200.0 * (fy - fz)]
    }
    let (p, q) = (lab(a), lab(b));
    ((p[0] - q[0]).powi(2) + (p[1] - q[1]).powi(2) + (p[2] - q[2]).powi(2)).sqrt()
}

/// `#rrggbb` of a colour.
///
/// ```
/// use din_draw::palette::hex;
/// assert_eq!(hex(plotters::style::RGBColor(0xD5, 0x5E, 0x00)), "#d55e00");
/// ```
#[must_use]
pub fn hex(c: RGBColor) -> String {
    let RGBColor(r, g, b) = c;
    format!("#{r:02x}{g:02x}{b:02x}")
}
