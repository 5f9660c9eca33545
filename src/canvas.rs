//! The page's plotters backend: an HTML canvas's 2-D context.
//!
//! Every primitive plotters emits becomes calls on the context, and each
//! call crosses from wasm to JS; a colour or a font is a string that is
//! encoded in Rust, decoded in JS and parsed again by the canvas. Profiling
//! a q edit on the default page showed those string round trips
//! (`TextDecoder.decode`, the `fillStyle` setter's colour parser) as the
//! largest part of the drawing script. This backend therefore remembers the
//! context's fill and stroke colour, line width, font and text alignment and
//! sets one only when it changes; a panel draws runs of shapes in one colour,
//! so most sets are skipped.
//!
//! A backend is made afresh for every draw, so its remembered state starts
//! empty and cannot go stale between frames.
//!
//! The colour and font strings themselves are made once per page, not per
//! set: a per-thread table keeps each colour's and each font's JS string
//! (a `JsValue`), which is handed to the context's setter as it is, so a
//! set costs no formatting in Rust and no `TextDecoder` call in JS.

use plotters_backend::text_anchor::{HPos, VPos};
use plotters_backend::{BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingBackend, DrawingErrorKind, FontTransform};
use std::cell::RefCell;
use std::collections::HashMap;
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

#[wasm_bindgen]
extern "C" {
    /// A 2-D context seen through its three string properties, set with a
    /// JS string already made (see [`colour_value`], [`font_value`]).
    type StyleTarget;
    #[wasm_bindgen(method, setter = fillStyle)]
    fn set_fill_value(this: &StyleTarget, value: &JsValue);
    #[wasm_bindgen(method, setter = strokeStyle)]
    fn set_stroke_value(this: &StyleTarget, value: &JsValue);
    #[wasm_bindgen(method, setter = font)]
    fn set_font_value(this: &StyleTarget, value: &JsValue);
}

fn target(ctx: &CanvasRenderingContext2d) -> &StyleTarget {
    ctx.unchecked_ref::<StyleTarget>()
}

/// Entries kept per table at most (a page uses a few hundred colours; a
/// long session of theme and scale changes cannot grow it without bound).
const TABLE_MAX: usize = 4096;

/// One font of the font table: its parts and its CSS text as a JS string.
struct FontEntry {
    style: String,
    size: u64,
    family: String,
    value: JsValue,
}

thread_local! {
    static COLOURS: RefCell<HashMap<(u8, u8, u8, u64), JsValue>> = RefCell::new(HashMap::new());
    static FONTS: RefCell<Vec<FontEntry>> = const { RefCell::new(Vec::new()) };
}

/// The JS string of colour `c` (made once, then looked up).
fn colour_value(c: BackendColor) -> JsValue {
    let key = (c.rgb.0, c.rgb.1, c.rgb.2, c.alpha.to_bits());
    COLOURS.with(|t| {
        let mut t = t.borrow_mut();
        if let Some(v) = t.get(&key) {
            return v.clone();
        }
        if t.len() >= TABLE_MAX {
            t.clear();
        }
        let v = JsValue::from_str(&css_color(c));
        t.insert(key, v.clone());
        v
    })
}

/// A text style's font: its number in the font table (None once the table
/// is full) and its CSS text as a JS string, made once, then looked up
/// without allocating.
fn font_value<S: BackendTextStyle>(style: &S) -> (Option<usize>, JsValue) {
    let family = style.family();
    let font_style = style.style();
    let size = style.size().to_bits();
    FONTS.with(|t| {
        let mut t = t.borrow_mut();
        if let Some(i) = t.iter().position(|e| e.size == size && e.style == font_style.as_str() && e.family == family.as_str()) {
            return (Some(i), t[i].value.clone());
        }
        let value = JsValue::from_str(&css_font(style));
        if t.len() >= TABLE_MAX {
            return (None, value);
        }
        t.push(FontEntry { style: font_style.as_str().to_owned(), size, family: family.as_str().to_owned(), value: value.clone() });
        (Some(t.len() - 1), value)
    })
}

#[derive(Debug)]
pub struct CanvasError(String);

impl std::fmt::Display for CanvasError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "canvas: {}", self.0)
    }
}

impl std::error::Error for CanvasError {}

fn fail(e: &JsValue) -> DrawingErrorKind<CanvasError> {
    let text = e
        .dyn_ref::<js_sys::Error>()
        .map(|err| String::from(err.message()))
        .or_else(|| e.as_string())
        .unwrap_or_else(|| "unknown error".to_owned());
    DrawingErrorKind::DrawingError(CanvasError(text))
}

/// A colour as the canvas's `fillStyle` / `strokeStyle` reads it.
fn css_color(c: BackendColor) -> String {
    let (r, g, b) = c.rgb;
    if c.alpha >= 1.0 {
        format!("#{r:02x}{g:02x}{b:02x}")
    } else {
        format!("rgba({r},{g},{b},{})", c.alpha)
    }
}

/// A text style as the canvas's `font` reads it.
fn css_font<S: BackendTextStyle>(style: &S) -> String {
    format!("{} {}px {}", style.style().as_str(), style.size(), style.family().as_str())
}

fn same(a: Option<BackendColor>, b: BackendColor) -> bool {
    a.is_some_and(|a| a.rgb == b.rgb && a.alpha == b.alpha)
}

/// A plotters backend drawing on a canvas element (see the module docs).
pub struct Canvas {
    canvas: HtmlCanvasElement,
    ctx: CanvasRenderingContext2d,
    fill: Option<BackendColor>,
    stroke: Option<BackendColor>,
    line_width: Option<u32>,
    /// The font set on the context: its number in the font table and its value.
    font: Option<(Option<usize>, JsValue)>,
    align: &'static str,
    baseline: &'static str,
}

impl Canvas {
    /// The backend for `canvas`, or `None` if it has no 2-D context.
    #[must_use]
    pub fn new(canvas: HtmlCanvasElement) -> Option<Canvas> {
        let ctx = canvas.get_context("2d").ok()??.dyn_into::<CanvasRenderingContext2d>().ok()?;
        Some(Canvas { canvas, ctx, fill: None, stroke: None, line_width: None, font: None, align: "", baseline: "" })
    }

    /// The 2-D context, for callers that draw an image under the chart.
    #[must_use]
    pub fn context(&self) -> &CanvasRenderingContext2d {
        &self.ctx
    }

    fn set_fill(&mut self, c: BackendColor) {
        if !same(self.fill, c) {
            target(&self.ctx).set_fill_value(&colour_value(c));
            self.fill = Some(c);
        }
    }

    fn set_stroke<S: BackendStyle>(&mut self, style: &S) {
        let c = style.color();
        if !same(self.stroke, c) {
            target(&self.ctx).set_stroke_value(&colour_value(c));
            self.stroke = Some(c);
        }
        let w = style.stroke_width();
        if self.line_width != Some(w) {
            self.ctx.set_line_width(f64::from(w));
            self.line_width = Some(w);
        }
    }

    fn set_font<S: BackendTextStyle>(&mut self, style: &S) {
        let (id, value) = font_value(style);
        if id.is_none() || self.font.as_ref().map(|f| f.0) != Some(id) {
            target(&self.ctx).set_font_value(&value);
            self.font = Some((id, value));
        }
    }

    fn trace<I: IntoIterator<Item = BackendCoord>>(&self, path: I) -> bool {
        let mut points = path.into_iter();
        self.ctx.begin_path();
        let Some((x, y)) = points.next() else { return false };
        self.ctx.move_to(f64::from(x), f64::from(y));
        for (x, y) in points {
            self.ctx.line_to(f64::from(x), f64::from(y));
        }
        true
    }
}

/// A horizontal or vertical one-pixel line is drawn on pixel centres
/// (half a pixel up or left), so that it covers one row or column of pixels
/// instead of blurring over two.
fn crisp(from: BackendCoord, to: BackendCoord) -> ((f64, f64), (f64, f64)) {
    let (mut a, mut b) = ((f64::from(from.0), f64::from(from.1)), (f64::from(to.0), f64::from(to.1)));
    if from.0 == to.0 {
        a.0 -= 0.5;
        b.0 -= 0.5;
    }
    if from.1 == to.1 {
        a.1 -= 0.5;
        b.1 -= 0.5;
    }
    (a, b)
}

impl DrawingBackend for Canvas {
    type ErrorType = CanvasError;

    fn get_size(&self) -> (u32, u32) {
        (self.canvas.width(), self.canvas.height())
    }

    fn ensure_prepared(&mut self) -> Result<(), DrawingErrorKind<CanvasError>> {
        Ok(())
    }

    fn present(&mut self) -> Result<(), DrawingErrorKind<CanvasError>> {
        Ok(())
    }

    fn draw_pixel(&mut self, point: BackendCoord, color: BackendColor) -> Result<(), DrawingErrorKind<CanvasError>> {
        if color.alpha > 0.0 {
            self.set_fill(color);
            self.ctx.fill_rect(f64::from(point.0), f64::from(point.1), 1.0, 1.0);
        }
        Ok(())
    }

    fn draw_line<S: BackendStyle>(&mut self, from: BackendCoord, to: BackendCoord, style: &S) -> Result<(), DrawingErrorKind<CanvasError>> {
        if style.color().alpha > 0.0 {
            let (a, b) = crisp(from, to);
            self.set_stroke(style);
            self.ctx.begin_path();
            self.ctx.move_to(a.0, a.1);
            self.ctx.line_to(b.0, b.1);
            self.ctx.stroke();
        }
        Ok(())
    }

    fn draw_rect<S: BackendStyle>(&mut self, upper_left: BackendCoord, bottom_right: BackendCoord, style: &S, fill: bool) -> Result<(), DrawingErrorKind<CanvasError>> {
        if style.color().alpha <= 0.0 {
            return Ok(());
        }
        let (x, y) = (f64::from(upper_left.0), f64::from(upper_left.1));
        let (w, h) = (f64::from(bottom_right.0 - upper_left.0), f64::from(bottom_right.1 - upper_left.1));
        if fill {
            self.set_fill(style.color());
            self.ctx.fill_rect(x, y, w, h);
        } else {
            self.set_stroke(style);
            self.ctx.stroke_rect(x, y, w, h);
        }
        Ok(())
    }

    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(&mut self, path: I, style: &S) -> Result<(), DrawingErrorKind<CanvasError>> {
        if style.color().alpha > 0.0 {
            self.set_stroke(style);
            if self.trace(path) {
                self.ctx.stroke();
            }
        }
        Ok(())
    }

    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(&mut self, path: I, style: &S) -> Result<(), DrawingErrorKind<CanvasError>> {
        if style.color().alpha > 0.0 {
            self.set_fill(style.color());
            if self.trace(path) {
                self.ctx.close_path();
                self.ctx.fill();
            }
        }
        Ok(())
    }

    fn draw_circle<S: BackendStyle>(&mut self, center: BackendCoord, radius: u32, style: &S, fill: bool) -> Result<(), DrawingErrorKind<CanvasError>> {
        if style.color().alpha <= 0.0 {
            return Ok(());
        }
        if fill {
            self.set_fill(style.color());
        } else {
            self.set_stroke(style);
        }
        self.ctx.begin_path();
        self.ctx.arc(f64::from(center.0), f64::from(center.1), f64::from(radius), 0.0, std::f64::consts::TAU).map_err(|e| fail(&e))?;
        if fill {
            self.ctx.fill();
        } else {
            self.ctx.stroke();
        }
        Ok(())
    }

    fn estimate_text_size<S: BackendTextStyle>(&self, text: &str, style: &S) -> Result<(u32, u32), DrawingErrorKind<CanvasError>> {
        let (id, value) = font_value(style);
        let current = self.font.as_ref().filter(|f| f.0.is_some() && f.0 == id);
        if current.is_none() {
            target(&self.ctx).set_font_value(&value);
        }
        let m = self.ctx.measure_text(text).map_err(|e| fail(&e))?;
        // Put back the font the cache believes is set.
        if current.is_none() {
            if let Some((_, set)) = &self.font {
                target(&self.ctx).set_font_value(set);
            }
        }
        Ok((m.width().ceil().max(0.0) as u32, style.size().ceil().max(0.0) as u32))
    }

    /// RGB pixels (din-draw's cells, see `din_draw::cells`) put at `pos`
    /// with one `putImageData`: the bytes are made RGBA in wasm memory and
    /// copied once, instead of one fill per cell.
    fn blit_bitmap(&mut self, pos: BackendCoord, (w, h): (u32, u32), src: &[u8]) -> Result<(), DrawingErrorKind<CanvasError>> {
        let n = (w as usize) * (h as usize);
        if n == 0 || src.len() < n * 3 {
            return Ok(());
        }
        let mut rgba = Vec::with_capacity(n * 4);
        for px in src[..n * 3].chunks_exact(3) {
            rgba.extend_from_slice(&[px[0], px[1], px[2], 255]);
        }
        let image = web_sys::ImageData::new_with_u8_clamped_array_and_sh(wasm_bindgen::Clamped(&rgba), w, h).map_err(|e| fail(&e))?;
        self.ctx.put_image_data(&image, f64::from(pos.0), f64::from(pos.1)).map_err(|e| fail(&e))
    }

    fn draw_text<S: BackendTextStyle>(&mut self, text: &str, style: &S, pos: BackendCoord) -> Result<(), DrawingErrorKind<CanvasError>> {
        let color = style.color();
        if color.alpha <= 0.0 {
            return Ok(());
        }
        let turn = match style.transform() {
            FontTransform::None => 0.0,
            FontTransform::Rotate90 => 0.25,
            FontTransform::Rotate180 => 0.5,
            FontTransform::Rotate270 => 0.75,
        };
        let anchor = style.anchor();
        let baseline = match anchor.v_pos {
            VPos::Top => "top",
            VPos::Center => "middle",
            VPos::Bottom => "bottom",
        };
        if self.baseline != baseline {
            self.ctx.set_text_baseline(baseline);
            self.baseline = baseline;
        }
        let align = match anchor.h_pos {
            HPos::Left => "start",
            HPos::Center => "center",
            HPos::Right => "end",
        };
        if self.align != align {
            self.ctx.set_text_align(align);
            self.align = align;
        }
        self.set_fill(color);
        self.set_font(style);
        let (x, y) = (f64::from(pos.0), f64::from(pos.1));
        if turn == 0.0 {
            self.ctx.fill_text(text, x, y).map_err(|e| fail(&e))?;
        } else {
            self.ctx.save();
            let drawn = self
                .ctx
                .translate(x, y)
                .and_then(|()| self.ctx.rotate(turn * std::f64::consts::TAU))
                .and_then(|()| self.ctx.fill_text(text, 0.0, 0.0));
            self.ctx.restore();
            drawn.map_err(|e| fail(&e))?;
        }
        Ok(())
    }
}
