//! The thin wasm-bindgen layer: the only module that touches JS or the DOM.
//!
//! Over 600 lines because it holds the canvas side of the page as one
//! whole: the render orchestration with its two caches (the map's
//! catalogue and background), the layouts last drawn, hit testing and the
//! drag, and the text alternative, which reads those layouts. The state and
//! its policy are the pure [`din_core::session::Session`]; the exports that
//! only call it are in `web_session.rs`.
//!
//! It exports the stateless [`attend`] function and one opaque handle,
//! [`App`], that owns a [`Session`] and the three canvases. Every method
//! validates through [`din_core::scene`] and
//! either applies the whole edit or returns a JS `Error` and changes
//! nothing. Nothing here runs when the module is instantiated except
//! installing the panic hook, so the package also works in Node.

use din_core::attention::{attend_named, Attention};
use din_core::catalogue::ScoredCatalogue;
use din_core::errors::{Localized, Refusal, TextSource};
use din_draw::draw::{self, BarsLayout, MapLayout, Style};

use din_core::projection::{Basis, View};
use din_draw::either::Either;
use din_core::session::Session;
use din_core::options::{Layout, Panel, Theme};
use din_core::scene::Scene;
use plotters::coord::Shift;
use plotters::prelude::*;
use crate::canvas::Canvas;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::HtmlCanvasElement;

/// Installs the panic hook: the message goes to the console and, in a page,
/// to a `din-panic` event on `window` that the page shows in an overlay.
#[wasm_bindgen(start)]
pub fn start() {
    std::panic::set_hook(Box::new(|info| {
        console_error_panic_hook::hook(info);
        if let Some(win) = web_sys::window() {
            let init = web_sys::CustomEventInit::new();
            init.set_detail(&JsValue::from_str(&info.to_string()));
            if let Ok(ev) = web_sys::CustomEvent::new_with_event_init_dict("din-panic", &init) {
                let _ = win.dispatch_event(&ev);
            }
        }
    }));
}

thread_local! {
    static MEASURE_CTX: Option<web_sys::CanvasRenderingContext2d> = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.create_element("canvas").ok())
        .and_then(|c| c.dyn_into::<HtmlCanvasElement>().ok())
        .and_then(|c| c.get_context("2d").ok().flatten())
        .and_then(|c| c.dyn_into::<web_sys::CanvasRenderingContext2d>().ok());
}

/// Measures text with a canvas's `measureText` (no DOM layout), for [`draw::set_text_measure`].
pub(crate) fn measure_text(text: &str, font: &str) -> Option<f64> {
    MEASURE_CTX.with(|ctx| {
        let ctx = ctx.as_ref()?;
        ctx.set_font(font);
        ctx.measure_text(text).ok().map(|m| m.width())
    })
}

#[wasm_bindgen]
extern "C" {
    /// A JS string, for the method below.
    #[wasm_bindgen(extends = js_sys::JsString)]
    type JsText;
    /// `String.prototype.isWellFormed`: no lone surrogate (Chromium 111, Firefox 119).
    #[wasm_bindgen(method, catch, js_name = isWellFormed)]
    fn is_well_formed(this: &JsText) -> Result<bool, JsValue>;
}

fn js_err<E: std::fmt::Display>(e: E) -> JsError {
    JsError::new(&e.to_string())
}

/// The result of [`attend`]: weights, weighted sum and plain mean.
#[wasm_bindgen]
pub struct AttendResult {
    inner: Attention,
}

#[wasm_bindgen]
impl AttendResult {
    /// The weights `alpha_1..alpha_n`.
    pub fn alpha(&self) -> Vec<f64> {
        self.inner.alpha.clone()
    }

    /// `pooled = sum_i alpha_i x_i`.
    pub fn pooled(&self) -> Vec<f64> {
        self.inner.pooled.clone()
    }

    /// `mean = (1/n) sum_i x_i`.
    pub fn mean(&self) -> Vec<f64> {
        self.inner.mean.clone()
    }

    /// The raw similarities `s_i` before normalization.
    pub fn scores(&self) -> Vec<f64> {
        self.inner.scores.clone()
    }

    /// `sum_i alpha_i`.
    #[wasm_bindgen(getter, js_name = alphaSum)]
    pub fn alpha_sum(&self) -> f64 {
        self.inner.alpha_sum
    }

    /// `|pooled|`.
    #[wasm_bindgen(getter, js_name = pooledNorm)]
    pub fn pooled_norm(&self) -> f64 {
        self.inner.pooled_norm
    }

    /// `|mean|`.
    #[wasm_bindgen(getter, js_name = meanNorm)]
    pub fn mean_norm(&self) -> f64 {
        self.inner.mean_norm
    }
}

/// DIN attention of `query` (length d) over `keys` (n*d numbers, row i = x_i).
///
/// # Errors
/// A JS `Error` whose message names the problem.
#[wasm_bindgen]
pub fn attend(
    query: &[f64],
    keys: &[f64],
    similarity: &str,
    normalization: &str,
    temperature: f64,
) -> Result<AttendResult, JsError> {
    attend_named(query, keys, similarity, normalization, temperature)
        .map(|inner| AttendResult { inner })
        .map_err(js_err)
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Target {
    Query,
    Item(usize),
}

struct Drag {
    target: Target,
    basis: Basis,
    view: View,
}

/// Every chart is drawn through this one backend type (canvas on screen,
/// SVG for export), so the drawing code exists once in the wasm module.
type Back<'a> = Either<Canvas, SVGBackend<'a>>;
type Area<'a> = DrawingArea<Back<'a>, Shift>;

// The keys of `din.state()` (`din.setState` refuses any other) are
// `options::STATE_KEYS`, which the JSON import checks too.

/// The page's handle: the pure [`Session`] (scene, history, view options,
/// step-through and their policy) and the three canvases with what was
/// last drawn on them.
#[wasm_bindgen]
pub struct App {
    s: Session,
    qkv_rows: Vec<din_draw::lecture::Rect>,
    bars: HtmlCanvasElement,
    heatmap: HtmlCanvasElement,
    map: HtmlCanvasElement,
    extra: Vec<(String, HtmlCanvasElement)>,
    scale: f64,
    /// The map's view, fitted for [`Session::view_generation`] `view_for`
    /// (a newer generation means: fit afresh).
    view_fit: Option<View>,
    view_for: u64,
    map_layout: Option<MapLayout>,
    bars_layout: Option<BarsLayout>,
    /// Where the step-through panel last put its strips (screen only).
    steps_layout: Option<din_draw::lecture::StepsLayout>,
    /// The drag's geometry; the drag is on while [`Session::dragging`].
    drag_geometry: Option<Drag>,
    /// The scored catalogue, the items' generation and the scene (its
    /// items left out) it was scored for; it depends on the items and the
    /// settings, not on q (see `catalogue::same_inputs`). The generation
    /// stands for the items, so an edit of q compares no n × d numbers.
    catalogue_cache: std::cell::RefCell<Option<(u64, Scene, std::rc::Rc<ScoredCatalogue>)>>,
    map_background: Option<(MapBackground, HtmlCanvasElement)>,
    /// Whether the page hosts the train panel (issue 13), so that lecture
    /// mode offers it as a tab: the page with its worker says so
    /// (`setTrainTab`); the one-file page and the custom element do not.
    train_tab: bool,
}

/// What the map's cached background image was drawn for. The catalogue is
/// held (not just its address) so that a new one can never look like the old one.
struct MapBackground {
    size: (u32, u32),
    items: f64,
    basis: Basis,
    view: View,
    catalogue: Option<std::rc::Rc<ScoredCatalogue>>,
    theme: Theme,
    scale: f64,
    /// The text factor: the grid's spacing follows the size of the tick labels.
    text: f64,
}

impl MapBackground {
    fn same(&self, o: &MapBackground) -> bool {
        let catalogues = match (&self.catalogue, &o.catalogue) {
            (Some(a), Some(b)) => std::rc::Rc::ptr_eq(a, b),
            (None, None) => true,
            _ => false,
        };
        catalogues
            && self.size == o.size
            && self.items == o.items
            && self.basis == o.basis
            && self.view == o.view
            && self.theme == o.theme
            && self.scale == o.scale
            && self.text == o.text
    }
}

use din_core::scene::round3;

impl App {
    /// A tab panel that lecture mode does not show now: not drawn (it is
    /// drawn in the frame that shows it).
    fn hidden_tab(&self, p: Panel) -> bool {
        self.s.layout == Layout::Lecture && p.is_tab() && din_core::options::shown_tab(self.s.tab, &self.s.panels, self.train_tab) != Some(p)
    }

    /// A JS `Error` with the message in the interface language and a `code` property.
    fn fail<E: Localized>(&self, e: E) -> JsValue {
        let err = js_sys::Error::new(&e.message(self.s.lang));
        let _ = js_sys::Reflect::set(&err, &JsValue::from_str("code"), &JsValue::from_str(e.code()));
        err.into()
    }
}

/// [`App::map_hit`]'s number for the candidate q (items are 0, 1, 2, ...;
/// nothing is -1).
const HIT_QUERY: f64 = -2.0;

// ---------------------------------------------------------------------------
// Issue 12: the rules www/ used to repeat, decided in din-core and exported
// here so the page only applies them.

#[wasm_bindgen]
impl App {

    /// The name the tooltips and [`App::explain_json`] use for a hit number
    /// of [`App::map_hit`] or [`App::bars_hit`]: "x3" for item 2, "q" for
    /// -2, "" for anything else.
    #[wasm_bindgen(js_name = hitName)]
    pub fn hit_name(&self, hit: f64) -> String {
        if hit == HIT_QUERY {
            "q".to_owned()
        } else if hit >= 0.0 && hit.fract() == 0.0 && (hit as usize) < self.s.scene.items.len() {
            format!("x{}", hit as usize + 1)
        } else {
            String::new()
        }
    }
}

#[wasm_bindgen]
impl App {
    /// Makes the app with the default scene, drawing into the three canvases
    /// (given as objects, so it also works inside a shadow root).
    #[wasm_bindgen(constructor)]
    pub fn new(bars: HtmlCanvasElement, heatmap: HtmlCanvasElement, map: HtmlCanvasElement) -> Result<App, JsValue> {
        draw::set_text_measure(measure_text);
        let s = Session::new();
        Ok(App {
            view_for: s.view_generation,
            s,
            qkv_rows: Vec::new(),
            bars,
            heatmap,
            map,
            extra: Vec::new(),
            scale: 1.0,
            view_fit: None,
            map_layout: None,
            bars_layout: None,
            steps_layout: None,
            drag_geometry: None,
            catalogue_cache: std::cell::RefCell::new(None),
            map_background: None,
            train_tab: false,
        })
    }

    /// The map's view while it is still the one fitted for the items.
    fn view(&self) -> Option<View> {
        if self.view_for == self.s.view_generation { self.view_fit } else { None }
    }

    /// Keeps `view` as the map's view for the items as they are.
    fn set_view_fit(&mut self, view: Option<View>) {
        self.view_fit = view;
        self.view_for = self.s.view_generation;
    }

    /// The drag in progress, if any.
    fn drag(&self) -> Option<&Drag> {
        if self.s.dragging { self.drag_geometry.as_ref() } else { None }
    }

    /// Whether two items share a colour (more items than the theme's
    /// colours, or ids given so): the table then says how colours repeat.
    #[wasm_bindgen(js_name = colorsRepeat)]
    pub fn colors_repeat(&self) -> bool {
        let k = din_draw::palette::ITEM_COLORS;
        let mut seen = vec![false; k];
        self.s.scene.items.iter().any(|it| std::mem::replace(&mut seen[usize::from(it.color) % k], true))
    }

    /// The preferred CSS height of the "inside the unit" panel at CSS width `width_css`.
    #[wasm_bindgen(js_name = unitHeight)]
    pub fn unit_height(&self, width_css: f64) -> f64 {
        let layers = self.s.scene.unit().map_or(2, |u| u.hidden().len());
        din_draw::unit_panel::unit_height_for(layers, width_css, &self.style(1.0))
    }

    /// Attaches an extra panel canvas: `steps`, `qkv` or `towers`.
    pub fn attach(&mut self, panel: &str, canvas: HtmlCanvasElement) -> Result<(), JsValue> {
        if !["steps", "qkv", "towers", "unit"].contains(&panel) {
            return Err(self.fail(Refusal::NotAttachable(din_core::i18n::clip(panel))));
        }
        self.extra.retain(|(p, _)| p != panel);
        self.extra.push((panel.to_owned(), canvas));
        Ok(())
    }

    /// Layout facts for the page: preferred CSS heights of the bar chart and heatmap.
    #[wasm_bindgen(js_name = layoutJson)]
    pub fn layout_json(&self) -> String {
        let n = self.s.scene.items.len();
        let st = self.style(1.0);
        serde_json::json!({ "barsHeight": draw::bars_height_for(n, &st), "heatmapHeight": draw::heatmap_height_for(n, &st) }).to_string()
    }

    /// The colour of item `i` (0-based) in the current theme as `#rrggbb`:
    /// the colour of its colour id, the same in every panel.
    #[wasm_bindgen(js_name = itemColor)]
    pub fn item_color(&self, i: usize) -> String {
        din_draw::palette::hex(din_draw::palette::palette(self.s.theme).item_of(&self.s.scene, i))
    }

    /// Draws every visible chart at pixel ratio `scale`. The canvases'
    /// backing stores must already be sized to CSS size times `scale`.
    pub fn render(&mut self, scale: f64) -> Result<(), JsValue> {
        self.render_charts(scale, |_| true)
    }

    /// Draws only the visible charts named in `panels` (comma-separated,
    /// e.g. `bars,map`) at pixel ratio `scale`: the page leaves out the
    /// panels outside the viewport and draws them when they scroll into
    /// view (www/visibility.js). Unknown names are ignored.
    #[wasm_bindgen(js_name = renderOnly)]
    pub fn render_only(&mut self, scale: f64, panels: &str) -> Result<(), JsValue> {
        let wanted: Vec<Panel> = panels.split(',').filter_map(|n| n.trim().parse::<Panel>().ok()).collect();
        self.render_charts(scale, |p| wanted.contains(&p))
    }

    fn render_charts(&mut self, scale: f64, wanted: impl Fn(Panel) -> bool) -> Result<(), JsValue> {
        self.scale = scale;
        let mut st = self.style(scale);
        // The page's canvases take cells as one bitmap per region (din_draw::cells).
        st.bitmap_cells = true;
        let charts: Vec<Panel> = self.s.panels.iter().copied().filter(|p| p.is_chart() && !self.hidden_tab(*p) && wanted(*p)).collect();
        for p in charts {
            let Some(canvas) = self.canvas_for(p) else { continue };
            if p == Panel::Map {
                self.render_map(&canvas, &st)?;
                continue;
            }
            let area = self.backend(&canvas)?.into_drawing_area();
            self.draw_panel(p, &area, &st, true)?;
            area.present().map_err(|e| self.fail(din_draw::draw::DrawError(e.to_string())))?;
        }
        Ok(())
    }

    /// Redraws one visible chart (`panel`, e.g. `steps` while the weighted
    /// sum animates) at pixel ratio `scale`, its canvas sized as for
    /// [`App::render`]; a hidden or unknown panel draws nothing.
    #[wasm_bindgen(js_name = renderPanel)]
    pub fn render_panel(&mut self, panel: &str, scale: f64) -> Result<(), JsValue> {
        let Ok(p) = panel.parse::<Panel>() else { return Ok(()) };
        if !p.is_chart() || !self.s.panels.contains(&p) || p == Panel::Map {
            return Ok(());
        }
        let Some(canvas) = self.canvas_for(p) else { return Ok(()) };
        self.scale = scale;
        let mut st = self.style(scale);
        st.bitmap_cells = true;
        let area = self.backend(&canvas)?.into_drawing_area();
        self.draw_panel(p, &area, &st, true)?;
        area.present().map_err(|e| self.fail(din_draw::draw::DrawError(e.to_string())))
    }

    /// Draws `panel` (a chart name, or `all` for every visible chart on one
    /// sheet) into any canvas, e.g. an off-screen one at slide resolution,
    /// at pixel ratio `scale`. The on-screen layout is not touched.
    #[wasm_bindgen(js_name = renderTo)]
    pub fn render_to(&mut self, panel: &str, canvas: HtmlCanvasElement, scale: f64) -> Result<(), JsValue> {
        let st = self.style(scale);
        let area = self.backend(&canvas)?.into_drawing_area();
        self.draw_target(panel, &area, &st)?;
        area.present().map_err(|e| self.fail(din_draw::draw::DrawError(e.to_string())))
    }

    /// `panel` (as in [`App::render_to`]) as SVG text of `width` × `height`
    /// user units, drawn by plotters' SVG backend with the same code as the canvas.
    pub fn svg(&mut self, panel: &str, width: u32, height: u32) -> Result<String, JsValue> {
        if width == 0 || height == 0 || width > 8192 || height > 8192 {
            return Err(self.fail(Refusal::SvgSize { width, height }));
        }
        let st = self.style(1.0);
        let mut out = String::new();
        {
            let back: Back = Either::Right(SVGBackend::with_string(&mut out, (width, height)));
            let area = back.into_drawing_area();
            self.draw_target(panel, &area, &st)?;
            area.present().map_err(|e| self.fail(din_draw::draw::DrawError(e.to_string())))?;
        }
        Ok(out)
    }

    fn style(&self, scale: f64) -> Style {
        let mut st = Style::new(scale);
        st.reveal = din_core::steps::Reveal::at(self.s.step, self.s.scene.items.len());
        st.lang = self.s.lang;
        st.highlight = self.s.highlight;
        st.theme = self.s.theme;
        st.font_scale = self.s.font_scale;
        st
    }

    fn canvas_for(&self, p: Panel) -> Option<HtmlCanvasElement> {
        match p {
            Panel::Bars => Some(self.bars.clone()),
            Panel::Heatmap => Some(self.heatmap.clone()),
            Panel::Map => Some(self.map.clone()),
            Panel::Controls | Panel::Readout => None,
            other => self.extra.iter().find(|(name, _)| name == other.name()).map(|(_, c)| c.clone()),
        }
    }

    fn draw_target(&mut self, panel: &str, area: &Area, st: &Style) -> Result<(), JsValue> {
        if panel == "all" {
            return self.draw_sheet(area, st);
        }
        let p: Panel = panel.parse().map_err(|_: String| {
            self.fail(Refusal::UnknownPanel { given: din_core::i18n::clip(panel), choices: Panel::ALL.map(Panel::name).to_vec() })
        })?;
        if !p.is_chart() {
            return Err(self.fail(Refusal::NotAChart(panel.to_owned())));
        }
        self.draw_panel(p, area, st, false)
    }

    /// Every visible chart on one sheet (a slide): a title line with the
    /// scene, the definition of alpha and the three readout numbers, then
    /// the charts in a grid that suits a 16:9 page.
    fn draw_sheet(&mut self, area: &Area, st: &Style) -> Result<(), JsValue> {
        let mut charts: Vec<Panel> = self.s.panels.iter().copied().filter(|p| p.is_chart()).collect();
        if charts.is_empty() {
            charts = vec![Panel::Bars, Panel::Map, Panel::Heatmap];
        }
        let name = match self.s.preset().id {
            id if id == self.s.scene.name => self.s.lang.pick(self.s.preset().title_en, self.s.preset().title_zh).to_owned(),
            _ => self.s.scene.name.clone(),
        };
        let cells = din_draw::sheet::draw_sheet(area, &name, &self.s.scene, &self.s.att, self.s.lang, charts.len(), st).map_err(|e| self.fail(e))?;
        for (p, cell) in charts.into_iter().zip(cells.iter()) {
            self.draw_panel(p, cell, st, false)?;
        }
        Ok(())
    }

    /// Draws one chart. `screen` is true for the page's own canvases: their
    /// layouts (bars, map, rows) are kept for hit testing; an export
    /// leaves them alone and fits the map afresh to its own area.
    fn draw_panel(&mut self, p: Panel, area: &Area, st: &Style, screen: bool) -> Result<(), JsValue> {
        match p {
            Panel::Bars => {
                let lay = draw::draw_bars(area, &self.s.scene, &self.s.att, st).map_err(|e| self.fail(e))?;
                if screen {
                    self.bars_layout = Some(lay);
                }
            }
            Panel::Heatmap => {
                draw::draw_heatmap(area, &self.s.scene, &self.s.att, st).map_err(|e| self.fail(e))?;
            }
            Panel::Map => {
                // The page's own map canvas is drawn by render_map.
                let (w, h) = area.dim_in_pixel();
                let catalogue = self.catalogue();
                let view = draw::fit_map_view(&self.s.scene, &self.s.att, &self.s.basis, w, h, st, catalogue.as_deref());
                draw::draw_map(area, &self.s.scene, &self.s.att, &self.s.basis, Some(view), catalogue.as_deref(), st).map_err(|e| self.fail(e))?;
            }
            Panel::Steps => {
                let lay = din_draw::lecture::draw_steps_at(area, &self.s.scene, &self.s.att, self.s.step.unwrap_or(usize::MAX), self.s.sum_progress, st).map_err(|e| self.fail(e))?;
                if screen {
                    self.steps_layout = Some(lay);
                }
            }
            Panel::Qkv => {
                let lay = din_draw::lecture::draw_qkv(area, &self.s.scene, &self.s.att, st).map_err(|e| self.fail(e))?;
                if screen {
                    self.qkv_rows = lay.rows;
                }
            }
            Panel::Towers => {
                din_draw::lecture::draw_towers(area, &self.s.scene, &self.s.att, self.s.placement, st).map_err(|e| self.fail(e))?;
            }
            Panel::Unit => {
                let unit = self.s.scene.unit().map_err(|e| self.fail(e))?;
                let item = self.s.highlight.unwrap_or(self.s.selected);
                din_draw::unit_panel::draw_unit(area, &self.s.scene, unit, item, st).map_err(|e| self.fail(e))?;
            }
            Panel::Controls | Panel::Readout | Panel::Train => {}
        }
        Ok(())
    }

    fn backend(&self, c: &HtmlCanvasElement) -> Result<Back<'static>, JsValue> {
        self.canvas(c).map(Either::Left)
    }

    fn canvas(&self, c: &HtmlCanvasElement) -> Result<Canvas, JsValue> {
        Canvas::new(c.clone()).ok_or_else(|| self.fail(Refusal::NoContext))
    }

    /// Draws the page's map canvas. Its layout (the view, the points) is
    /// kept for hit testing and dragging.
    fn render_map(&mut self, canvas: &HtmlCanvasElement, st: &Style) -> Result<(), JsValue> {
        let (w, h) = (canvas.width(), canvas.height());
        let catalogue = self.catalogue();
        let rect = draw::map_plot_rect(w, h, st, catalogue.as_deref());
        let (basis, view) = match self.drag() {
            Some(d) => (d.basis.clone(), d.view),
            None => {
                let v = self
                    .sticky_view(rect, catalogue.as_deref())
                    .unwrap_or_else(|| draw::fit_map_view(&self.s.scene, &self.s.att, &self.s.basis, w, h, st, catalogue.as_deref()));
                (self.s.basis.clone(), v)
            }
        };
        let target = self.canvas(canvas)?;
        self.paint_map_background(&target, &basis, &view, catalogue.as_ref(), st)?;
        let mut front = st.clone();
        front.prepainted = true;
        let area = Back::Left(target).into_drawing_area();
        let lay = draw::draw_map(&area, &self.s.scene, &self.s.att, &basis, Some(view), catalogue.as_deref(), &front).map_err(|e| self.fail(e))?;
        area.present().map_err(|e| self.fail(din_draw::draw::DrawError(e.to_string())))?;
        if self.drag().is_none() {
            self.set_view_fit(Some(lay.view));
        }
        self.map_layout = Some(lay);
        Ok(())
    }

    /// Copies the map's background, grid, catalogue markers and (for a
    /// long LastN) item dots onto `target`. They change only with the items,
    /// the settings, the projection, the view, the size or the theme, not
    /// while q moves, so they are drawn once into an off-screen canvas and
    /// copied under every frame with one `drawImage` (ten thousand dots
    /// were most of a q edit's map time).
    fn paint_map_background(&mut self, target: &Canvas, basis: &Basis, view: &View, catalogue: Option<&std::rc::Rc<ScoredCatalogue>>, st: &Style) -> Result<(), JsValue> {
        let key = MapBackground {
            size: target.get_size(),
            items: self.items_version(),
            basis: basis.clone(),
            view: *view,
            catalogue: catalogue.cloned(),
            theme: st.theme,
            scale: st.scale,
            text: st.text_factor(),
        };
        let fresh = match &self.map_background {
            Some((k, _)) => !k.same(&key),
            None => true,
        };
        if fresh {
            let image = match self.map_background.take() {
                Some((_, c)) => c,
                None => web_sys::window()
                    .and_then(|w| w.document())
                    .and_then(|d| d.create_element("canvas").ok())
                    .and_then(|e| e.dyn_into::<HtmlCanvasElement>().ok())
                    .ok_or_else(|| self.fail(Refusal::NoOffscreenCanvas))?,
            };
            image.set_width(key.size.0);
            image.set_height(key.size.1);
            let area = self.backend(&image)?.into_drawing_area();
            draw::draw_map_background(&area, &self.s.scene, basis, view, catalogue.map(|c| &**c), st).map_err(|e| self.fail(e))?;
            area.present().map_err(|e| self.fail(din_draw::draw::DrawError(e.to_string())))?;
            self.map_background = Some((key, image));
        }
        if let Some((_, image)) = &self.map_background {
            target.context().draw_image_with_html_canvas_element(image, 0.0, 0.0)?;
        }
        Ok(())
    }

    /// The scene's scored catalogue when the map shows it (`density` on),
    /// recomputed only when the items or the settings change (not when
    /// only q moves: each catalogue item is its own query).
    fn catalogue(&self) -> Option<std::rc::Rc<ScoredCatalogue>> {
        if !self.s.show_density {
            return None;
        }
        let mut cache = self.catalogue_cache.borrow_mut();
        if let Some((generation, k, c)) = cache.as_ref() {
            if *generation == self.s.items_generation && din_core::catalogue::same_settings(k, &self.s.scene) {
                return Some(c.clone());
            }
        }
        let c = std::rc::Rc::new(din_core::catalogue::score(&self.s.scene));
        let mut key = self.s.scene.clone();
        key.items = Vec::new();
        *cache = Some((self.s.items_generation, key, c.clone()));
        Some(c)
    }

    /// Keeps the previous view while every point is still inside it and the
    /// points still fill a fair part of it, so the map does not zoom at every
    /// slider tick or jump when a drag ends; refits otherwise.
    fn sticky_view(&self, rect: (f64, f64, f64, f64), catalogue: Option<&ScoredCatalogue>) -> Option<View> {
        let old = self.view()?;
        if old.px != rect {
            return None;
        }
        let pts = draw::map_fit_points(&self.s.scene, &self.s.att, &self.s.basis, catalogue);
        let fit = View::fit(&pts, rect);
        let inside = pts.iter().all(|&(x, y)| x > old.x.0 && x < old.x.1 && y > old.y.0 && y < old.y.1);
        let too_big = (fit.x.1 - fit.x.0) < 0.4 * (old.x.1 - old.x.0);
        (inside && !too_big).then_some(old)
    }

    fn hit(&self, x_css: f64, y_css: f64) -> Option<Target> {
        let lay = self.map_layout.as_ref()?;
        let (x, y) = (x_css * self.scale, y_css * self.scale);
        let d2 = |p: (f64, f64)| (p.0 - x).powi(2) + (p.1 - y).powi(2);
        let radius = 22.0 * self.scale;
        if d2(lay.query) <= radius * radius {
            return Some(Target::Query);
        }
        lay.items
            .iter()
            .enumerate()
            .map(|(i, p)| (i, d2(*p)))
            .filter(|(_, dd)| *dd <= radius * radius)
            .min_by(|a, b| a.1.total_cmp(&b.1))
            .map(|(i, _)| Target::Item(i))
    }

    /// The LastN item whose bar row is at CSS position (x, y) of the bar
    /// chart (0-based), or -1.
    #[wasm_bindgen(js_name = barsHit)]
    pub fn bars_hit(&self, _x_css: f64, y_css: f64) -> f64 {
        let y = (y_css * self.scale).round() as i32;
        let Some(lay) = &self.bars_layout else { return -1.0 };
        let pad = ((lay.bars.get(1).map_or(0, |b| b.0) - lay.bars.first().map_or(0, |b| b.1)).max(0)) / 2;
        lay.bars
            .iter()
            .position(|b| y >= b.0 - pad && y <= b.1 + pad)
            .and_then(|r| lay.items.get(r))
            .map_or(-1.0, |&i| i as f64)
    }

    /// The LastN item whose row of the query/key/value panel is at CSS
    /// position (x, y) (0-based), or -1.
    #[wasm_bindgen(js_name = qkvHit)]
    pub fn qkv_hit(&self, x_css: f64, y_css: f64) -> f64 {
        let (x, y) = ((x_css * self.scale).round() as i32, (y_css * self.scale).round() as i32);
        self.qkv_rows
            .iter()
            .position(|r| x >= r.0 && x <= r.2 && y >= r.1 && y <= r.3)
            .map_or(-1.0, |i| i as f64)
    }

    /// What is under the pointer at CSS position (x, y) of the map, numbered
    /// as [`App::bars_hit`] numbers items: the LastN item (0-based), -2 for
    /// the candidate q, or -1 for nothing ([`App::hit_name`] names it).
    #[wasm_bindgen(js_name = mapHit)]
    pub fn map_hit(&self, x_css: f64, y_css: f64) -> f64 {
        match self.hit(x_css, y_css) {
            Some(Target::Query) => HIT_QUERY,
            Some(Target::Item(i)) => i as f64,
            None => -1.0,
        }
    }

    /// Starts a drag at CSS position (x, y) of the map if it hits q or an
    /// item; freezes the projection until [`App::map_pointer_up`]. Returns
    /// what was grabbed, as [`App::map_hit`] does.
    #[wasm_bindgen(js_name = mapPointerDown)]
    pub fn map_pointer_down(&mut self, x_css: f64, y_css: f64) -> f64 {
        let target = self.hit(x_css, y_css);
        if let (Some(target), Some(lay)) = (target, self.map_layout.as_ref()) {
            self.drag_geometry = Some(Drag { target, basis: self.s.basis.clone(), view: lay.view });
            self.s.begin_drag();
        }
        self.map_hit(x_css, y_css)
    }

    /// Moves the dragged vector so that its projection is under the pointer
    /// (only along the two map axes; numbers kept to 3 decimals). Returns
    /// false when no drag is in progress.
    #[wasm_bindgen(js_name = mapPointerMove)]
    pub fn map_pointer_move(&mut self, x_css: f64, y_css: f64) -> Result<bool, JsValue> {
        let Some(drag) = self.drag() else { return Ok(false) };
        let target = drag.view.to_data((x_css * self.scale, y_css * self.scale));
        let current = match drag.target {
            Target::Query => &self.s.scene.query,
            Target::Item(i) => match self.s.scene.items.get(i) {
                Some(it) => &it.vector,
                None => return Ok(false),
            },
        };
        let moved: Vec<f64> = drag.basis.lift(current, target).into_iter().map(round3).collect();
        let mut next = self.s.scene.clone();
        match drag.target {
            Target::Query => next.query = moved,
            Target::Item(i) => next.items[i].vector = moved,
        }
        let att = next.validate().map_err(|e| self.fail(e))?;
        self.s.apply(next, att);
        Ok(true)
    }

    /// Ends a drag and lets the projection follow the new items.
    #[wasm_bindgen(js_name = mapPointerUp)]
    pub fn map_pointer_up(&mut self) {
        let drag = self.drag_geometry.take();
        if let (Some(drag), true) = (drag, self.s.dragging) {
            if self.s.end_drag(&drag.basis) {
                // Same ground: keep the view the drag used, so nothing jumps on release.
                self.set_view_fit(Some(drag.view));
            }
        }
    }

    /// True while a drag is in progress.
    #[wasm_bindgen(js_name = isDragging)]
    pub fn is_dragging(&self) -> bool {
        self.drag().is_some()
    }

    /// Moves q on the map by (dx, dy) steps (arrow keys): one step is 1/40
    /// of the visible width, rounded to a tidy number; numbers kept to 3 decimals.
    #[wasm_bindgen(js_name = nudgeQuery)]
    pub fn nudge_query(&mut self, dx: f64, dy: f64) -> Result<(), JsValue> {
        let Some(view) = self.view() else { return Ok(()) };
        let raw = (view.x.1 - view.x.0) / 40.0;
        let mag = 10f64.powf(raw.log10().floor());
        let step = if raw / mag < 2.0 { mag } else if raw / mag < 5.0 { 2.0 * mag } else { 5.0 * mag };
        let (px, py) = self.s.basis.project(&self.s.scene.query);
        let moved: Vec<f64> =
            self.s.basis.lift(&self.s.scene.query, (px + dx * step, py + dy * step)).into_iter().map(round3).collect();
        let mut next = self.s.scene.clone();
        next.query = moved;
        let att = next.validate().map_err(|e| self.fail(e))?;
        self.s.apply(next, att);
        Ok(())
    }

    /// Where the step-through panel last drew, in backend pixels of its
    /// canvas, as JSON `{step, shown, alphas, items: [[x0, y0, x1, y1]],
    /// query, pooled, mean, ranking, limit, adding, progress}` (rectangles
    /// or null; `limit`: the one colour scale, −limit blue to limit red;
    /// `adding`: the part being added while the weighted sum animates), or
    /// null before the panel is drawn. For tests and tools.
    #[wasm_bindgen(js_name = stepsLayoutJson)]
    pub fn steps_layout_json(&self) -> String {
        match &self.steps_layout {
            Some(l) => serde_json::json!({
                "step": l.step, "shown": l.shown, "alphas": l.alphas, "items": l.items, "query": l.query,
                "pooled": l.pooled, "mean": l.mean, "ranking": l.ranking, "limit": l.limit, "adding": l.adding,
                "progress": self.s.sum_progress,
            })
            .to_string(),
            None => "null".to_owned(),
        }
    }

    /// Where the bars were last drawn, as JSON `{zeroX, pxPerUnit, bars: [[top, bottom, end], ...],
    /// items}` in backend pixels (`items`: the LastN item of each bar, 0-based; for tests and tooltips).
    #[wasm_bindgen(js_name = barsLayoutJson)]
    pub fn bars_layout_json(&self) -> String {
        match &self.bars_layout {
            Some(l) => serde_json::json!({ "zeroX": l.zero_x, "pxPerUnit": l.px_per_unit, "bars": l.bars, "items": l.items }).to_string(),
            None => "null".to_owned(),
        }
    }

    /// The rows of the query/key/value panel as last drawn, as JSON
    /// `[[left, top, right, bottom], ...]` in CSS pixels, row i = LastN item i
    /// (for the keyboard's tooltips).
    #[wasm_bindgen(js_name = qkvRowsJson)]
    pub fn qkv_rows_json(&self) -> String {
        let s = self.scale;
        let rows: Vec<[f64; 4]> = self.qkv_rows.iter().map(|r| [f64::from(r.0) / s, f64::from(r.1) / s, f64::from(r.2) / s, f64::from(r.3) / s]).collect();
        serde_json::json!(rows).to_string()
    }

    /// Where the map last placed q, the items, pooled and mean, as JSON in
    /// CSS pixels; with the plot rectangle, q's box, the labels, the key
    /// rows, the colour scale and the catalogue markers (rectangles are
    /// `[left, top, right, bottom]`).
    #[wasm_bindgen(js_name = mapLayoutJson)]
    pub fn map_layout_json(&self) -> String {
        let s = self.scale;
        match &self.map_layout {
            Some(l) => {
                let c = |p: (f64, f64)| [p.0 / s, p.1 / s];
                let r = |p: (f64, f64, f64, f64)| [p.0 / s, p.1 / s, p.2 / s, p.3 / s];
                let items: Vec<[f64; 2]> = l.items.iter().map(|p| c(*p)).collect();
                let origin = c(l.view.to_screen((0.0, 0.0)));
                let labels: Vec<serde_json::Value> = l
                    .labels
                    .iter()
                    .map(|lab| {
                        let what = match lab.kind {
                            din_draw::map_layers::LabelKind::Pooled => "pooled".to_owned(),
                            din_draw::map_layers::LabelKind::Mean => "mean".to_owned(),
                            din_draw::map_layers::LabelKind::Item(i) | din_draw::map_layers::LabelKind::Index(i) => format!("x{}", i + 1),
                        };
                        serde_json::json!({ "what": what, "text": lab.text, "rect": r(lab.rect), "inside": lab.inside })
                    })
                    .collect();
                let legend = l.legend.as_ref().map(|g| {
                    serde_json::json!({ "min": g.min, "max": g.max, "bar": r(g.bar), "query": g.query_value, "queryX": g.query_x / s,
                        "colouring": match g.colouring { din_core::catalogue::Colouring::SumAlpha => "sum-alpha", din_core::catalogue::Colouring::QueryPooled => "q-pooled" } })
                });
                let catalogue: Vec<serde_json::Value> =
                    l.catalogue.iter().map(|p| serde_json::json!({ "at": c(p.at), "group": p.group, "value": p.value, "color": din_draw::palette::hex(p.color) })).collect();
                serde_json::json!({
                    "query": c(l.query), "items": items, "pooled": c(l.pooled), "mean": c(l.mean), "origin": origin,
                    "plot": r(l.view.px), "queryBox": r(l.query_box), "pooledBeyond": l.pooled_beyond, "labels": labels,
                    "key": l.key.iter().map(|k| r(*k)).collect::<Vec<_>>(), "legend": legend, "catalogue": catalogue,
                })
                .to_string()
            }
            None => "null".to_owned(),
        }
    }

    // ------------------------------------------------------------ lecture mode (issue 11 §5)

    /// Lecture mode's tab strip and layout as JSON `{tabs, shown, barsMin}`:
    /// the tabs ([`din_core::options::tabs_for`] the panels listed), the one
    /// shown ([`din_core::options::shown_tab`]; `null` when none is listed),
    /// and the least CSS height of the bar chart ([`draw::bars_min_height_for`]).
    #[wasm_bindgen(js_name = lectureJson)]
    pub fn lecture_json(&self) -> String {
        let tabs: Vec<&str> = din_core::options::tabs_for(&self.s.panels, self.train_tab).iter().map(|p| p.name()).collect();
        let shown = din_core::options::shown_tab(self.s.tab, &self.s.panels, self.train_tab).map(Panel::name);
        let bars_min = draw::bars_min_height_for(self.s.scene.items.len(), &self.style(1.0));
        serde_json::json!({ "tabs": tabs, "shown": shown, "barsMin": bars_min }).to_string()
    }

    /// The page hosts the train panel (its worker can run): lecture mode
    /// offers the `train` tab ([`din_core::options::tabs_for`]). Not part
    /// of the state: a link with `tab=train` shows the first tab where the
    /// page has no train panel, and keeps its `tab`.
    #[wasm_bindgen(js_name = setTrainTab)]
    pub fn set_train_tab(&mut self, on: bool) {
        self.train_tab = on;
    }

    /// The scale of lecture mode's one screen in a box of `w` × `h` CSS px
    /// ([`din_core::options::lecture_zoom`] at this text size), or 0 when the
    /// box is too small for one screen.
    #[wasm_bindgen(js_name = lectureZoom)]
    pub fn lecture_zoom(&self, w: f64, h: f64) -> f64 {
        din_core::options::lecture_zoom(w, h, self.style(1.0).text_factor()).unwrap_or(0.0)
    }

    /// The preferred CSS height of the towers panel at CSS width `width_css`
    /// (a narrow panel draws the two models one above the other).
    #[wasm_bindgen(js_name = towersHeight)]
    pub fn towers_height(&self, width_css: f64) -> f64 {
        din_draw::lecture::towers_height_at(width_css, &self.style(1.0))
    }

    /// Text from JavaScript as a Rust string, or the refusal of a lone
    /// surrogate (which the conversion would silently turn into U+FFFD):
    /// every channel that takes text refuses it the same way.
    fn text_of(&self, text: &js_sys::JsString, what: TextSource) -> Result<String, JsValue> {
        let well_formed = match text.unchecked_ref::<JsText>().is_well_formed() {
            Ok(ok) => ok,
            // A browser without String.prototype.isWellFormed.
            Err(_) => text.is_valid_utf16(),
        };
        if !well_formed {
            return Err(self.fail(Refusal::LoneSurrogate(what)));
        }
        Ok(String::from(text))
    }

    /// The items' vectors, row by row, as one `Float64Array` of n × d
    /// numbers made in JavaScript memory (the wasm memory does not grow).
    #[wasm_bindgen(js_name = snapshotValues)]
    pub fn snapshot_values(&self) -> js_sys::Float64Array {
        let d = self.s.scene.dim();
        let out = js_sys::Float64Array::new_with_length((self.s.scene.items.len() * d) as u32);
        for (i, it) in self.s.scene.items.iter().enumerate() {
            out.subarray((i * d) as u32, ((i + 1) * d) as u32).copy_from(&it.vector);
        }
        out
    }

    // ------------------------------------------------------------ text alternative

    /// What the charts show, as text for screen readers: JSON with the
    /// step caption, a sentence about the map, and two tables (the weights
    /// of the top items; q, pooled and mean by component).
    #[wasm_bindgen(js_name = altJson)]
    pub fn alt_json(&self) -> String {
        let note = self.catalogue().map(|c| c.summary(self.s.lang));
        din_core::explain::alt_json(&self.s.scene, &self.s.att, self.s.step, self.s.lang, note.as_deref()).to_string()
    }

}

// The numbers the shell (www/) used to compute, exported (issue 12, the www side).
#[path = "web_shell.rs"]
mod shell;

// The exports that only call the Session (state, edits, policy, read-models).
#[path = "web_session.rs"]
mod session_api;

/// Draws nothing and panics: exists only in builds with the `panic-trigger`
/// feature, so tests can prove the page reports a panic.
#[cfg(feature = "panic-trigger")]
#[wasm_bindgen(js_name = debugPanic)]
pub fn debug_panic() {
    panic!("deliberate panic from debugPanic() (test build only)");
}
