//! The thin wasm-bindgen layer: the only module that touches JS or the DOM.
//!
//! It exports the stateless [`attend`] function and one opaque handle,
//! [`App`], that owns the scene, its attention, the map's projection and
//! the three canvases. Every method validates through [`crate::scene`] and
//! either applies the whole edit or returns a JS `Error` and changes
//! nothing. Nothing here runs when the module is instantiated except
//! installing the panic hook, so the package also works in Node.

use crate::attention::{attend_named, Attention};
use crate::draw::{self, BarsLayout, MapLayout, Style};
use crate::presets;
use crate::projection::{Basis, View};
use crate::scene::{Item, Scene, SceneError, MAX_LABEL, MAX_N};
use plotters::prelude::*;
use plotters_canvas::CanvasBackend;
use wasm_bindgen::prelude::*;
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

/// The page's handle: owns the scene and the three canvases.
#[wasm_bindgen]
pub struct App {
    scene: Scene,
    att: Attention,
    basis: Basis,
    candidates: Vec<Item>,
    bars: HtmlCanvasElement,
    heatmap: HtmlCanvasElement,
    map: HtmlCanvasElement,
    scale: f64,
    view: Option<View>,
    map_layout: Option<MapLayout>,
    bars_layout: Option<BarsLayout>,
    drag: Option<Drag>,
}

fn rounded(v: f64) -> f64 {
    let r = (v * 1000.0).round() / 1000.0;
    if r == 0.0 { 0.0 } else { r }
}

#[wasm_bindgen]
impl App {
    /// Makes the app with the default scene, drawing into the three canvases
    /// (given as objects, so it also works inside a shadow root).
    #[wasm_bindgen(constructor)]
    pub fn new(bars: HtmlCanvasElement, heatmap: HtmlCanvasElement, map: HtmlCanvasElement) -> Result<App, JsError> {
        let scene = presets::default_scene();
        let att = scene.validate().map_err(js_err)?;
        let basis = Basis::for_items(&scene.keys(), scene.dim());
        Ok(App {
            scene,
            att,
            basis,
            candidates: presets::default_candidates(),
            bars,
            heatmap,
            map,
            scale: 1.0,
            view: None,
            map_layout: None,
            bars_layout: None,
            drag: None,
        })
    }

    fn apply(&mut self, scene: Scene, att: Attention) {
        let items_changed = scene.items != self.scene.items;
        self.scene = scene;
        self.att = att;
        if items_changed && self.drag.is_none() {
            self.basis = Basis::for_items(&self.scene.keys(), self.scene.dim());
            self.view = None;
        }
    }

    fn apply_result(&mut self, r: Result<(Scene, Attention), SceneError>) -> Result<(), JsError> {
        let (s, a) = r.map_err(js_err)?;
        self.apply(s, a);
        Ok(())
    }

    /// The scene as JSON: `{scene, query, items: [{label, vector}], similarity, normalization, temperature}`.
    #[wasm_bindgen(js_name = stateJson)]
    pub fn state_json(&self) -> String {
        self.scene.to_json().to_string()
    }

    /// The attention as JSON: `{alpha, pooled, mean, scores, alphaSum, pooledNorm, meanNorm}`.
    #[wasm_bindgen(js_name = resultJson)]
    pub fn result_json(&self) -> String {
        let a = &self.att;
        serde_json::json!({
            "alpha": a.alpha, "pooled": a.pooled, "mean": a.mean, "scores": a.scores,
            "alphaSum": a.alpha_sum, "pooledNorm": a.pooled_norm, "meanNorm": a.mean_norm,
        })
        .to_string()
    }

    /// Applies a (partial) state given as JSON text, or throws and changes nothing.
    #[wasm_bindgen(js_name = setStateJson)]
    pub fn set_state_json(&mut self, text: &str) -> Result<(), JsError> {
        if self.drag.is_some() {
            self.drag = None;
        }
        let r = self.scene.with_patch_json(text);
        let (s, a) = r.map_err(js_err)?;
        self.scene = s;
        self.att = a;
        self.basis = Basis::for_items(&self.scene.keys(), self.scene.dim());
        self.view = None;
        Ok(())
    }

    /// Sets `q[k]` from typed text (parsed and validated in Rust).
    #[wasm_bindgen(js_name = setQueryText)]
    pub fn set_query_text(&mut self, k: usize, text: &str) -> Result<(), JsError> {
        let r = self.scene.with_query_component(k, text);
        self.apply_result(r)
    }

    /// Sets `q[k]` to a number (from a slider).
    #[wasm_bindgen(js_name = setQueryValue)]
    pub fn set_query_value(&mut self, k: usize, value: f64) -> Result<(), JsError> {
        let r = self.scene.with_query_value(k, value);
        self.apply_result(r)
    }

    /// Sets component `k` of item `i` from typed text.
    #[wasm_bindgen(js_name = setItemText)]
    pub fn set_item_text(&mut self, i: usize, k: usize, text: &str) -> Result<(), JsError> {
        let r = self.scene.with_item_component(i, k, text);
        self.apply_result(r)
    }

    /// Renames item `i`.
    #[wasm_bindgen(js_name = setLabel)]
    pub fn set_label(&mut self, i: usize, label: &str) -> Result<(), JsError> {
        if i >= self.scene.items.len() {
            return Err(JsError::new(&format!("there is no item x{}", i + 1)));
        }
        let n = label.chars().count();
        if n > MAX_LABEL {
            return Err(JsError::new(&format!("label of x{} has {n} characters; at most {MAX_LABEL} are allowed", i + 1)));
        }
        self.scene.items[i].label = label.to_owned();
        Ok(())
    }

    /// Appends an item: a copy of candidate `q` nudged off it, so it is
    /// visible on the map and clearly gets weight (label "item k").
    #[wasm_bindgen(js_name = addItem)]
    pub fn add_item(&mut self) -> Result<(), JsError> {
        if self.scene.items.len() >= MAX_N {
            return Err(JsError::new(&format!("the LastN already has {MAX_N} items, the most allowed")));
        }
        let mut next = self.scene.clone();
        let k = next.items.len() + 1;
        let vector = next.query.iter().enumerate().map(|(j, v)| rounded(v * 0.8 + if j % 2 == 0 { 0.1 } else { -0.1 })).collect();
        next.items.push(Item { label: format!("item {k}"), vector });
        let att = next.validate().map_err(js_err)?;
        self.apply(next, att);
        Ok(())
    }

    /// Removes item `i`.
    #[wasm_bindgen(js_name = removeItem)]
    pub fn remove_item(&mut self, i: usize) -> Result<(), JsError> {
        if i >= self.scene.items.len() {
            return Err(JsError::new(&format!("there is no item x{}", i + 1)));
        }
        let mut next = self.scene.clone();
        next.items.remove(i);
        let att = next.validate().map_err(js_err)?;
        self.apply(next, att);
        Ok(())
    }

    /// Changes d from typed text; returns a sentence saying what was kept.
    #[wasm_bindgen(js_name = setDimText)]
    pub fn set_dim_text(&mut self, text: &str) -> Result<String, JsError> {
        let t = text.trim();
        let d: usize = t.parse().map_err(|_| {
            JsError::new(&if t.is_empty() {
                "d is empty: type a whole number from 1 to 256".to_owned()
            } else {
                format!("d: \"{}\" is not a whole number from 1 to 256", t.chars().take(20).collect::<String>())
            })
        })?;
        let (s, msg) = self.scene.with_dim(d).map_err(js_err)?;
        let att = s.validate().map_err(js_err)?;
        self.apply(s, att);
        self.basis = Basis::for_items(&self.scene.keys(), self.scene.dim());
        self.view = None;
        Ok(msg)
    }

    /// Sets the similarity by name.
    #[wasm_bindgen(js_name = setSimilarity)]
    pub fn set_similarity(&mut self, name: &str) -> Result<(), JsError> {
        let patch = serde_json::json!({ "similarity": name });
        let r = self.scene.with_patch(&patch);
        self.apply_result(r)
    }

    /// Sets the normalization by name.
    #[wasm_bindgen(js_name = setNormalization)]
    pub fn set_normalization(&mut self, name: &str) -> Result<(), JsError> {
        let patch = serde_json::json!({ "normalization": name });
        let r = self.scene.with_patch(&patch);
        self.apply_result(r)
    }

    /// Sets the temperature from typed text.
    #[wasm_bindgen(js_name = setTemperatureText)]
    pub fn set_temperature_text(&mut self, text: &str) -> Result<(), JsError> {
        let t = crate::scene::parse_number("temperature", text).map_err(js_err)?;
        if t <= 0.0 {
            return Err(JsError::new(&format!("temperature is {t}: it must be greater than 0")));
        }
        let mut next = self.scene.clone();
        next.temperature = t;
        let att = next.validate().map_err(js_err)?;
        self.apply(next, att);
        Ok(())
    }

    /// The named candidates that fit the scene's d, as a JSON array of labels
    /// (empty labels for those that do not fit).
    #[wasm_bindgen(js_name = candidatesJson)]
    pub fn candidates_json(&self) -> String {
        let d = self.scene.dim();
        let v: Vec<serde_json::Value> = self
            .candidates
            .iter()
            .map(|c| serde_json::json!({ "label": c.label, "fits": c.vector.len() == d }))
            .collect();
        serde_json::Value::Array(v).to_string()
    }

    /// Makes named candidate `i` the query.
    #[wasm_bindgen(js_name = chooseCandidate)]
    pub fn choose_candidate(&mut self, i: usize) -> Result<(), JsError> {
        let c = self.candidates.get(i).ok_or_else(|| JsError::new(&format!("there is no candidate {i}")))?;
        if c.vector.len() != self.scene.dim() {
            return Err(JsError::new(&format!(
                "candidate \"{}\" has d = {}, but the scene has d = {}",
                c.label,
                c.vector.len(),
                self.scene.dim()
            )));
        }
        let mut next = self.scene.clone();
        next.query = c.vector.clone();
        let att = next.validate().map_err(js_err)?;
        self.apply(next, att);
        Ok(())
    }

    /// Layout facts for the page: preferred CSS heights of the bar chart and
    /// heatmap, and each item's colour.
    #[wasm_bindgen(js_name = layoutJson)]
    pub fn layout_json(&self) -> String {
        let n = self.scene.items.len();
        let colors: Vec<String> = (0..n).map(draw::item_color_hex).collect();
        serde_json::json!({
            "barsHeight": draw::bars_height(n),
            "heatmapHeight": draw::heatmap_height(n),
            "colors": colors,
        })
        .to_string()
    }

    /// Draws all three canvases at pixel ratio `scale`. The canvases'
    /// backing stores must already be sized to CSS size times `scale`.
    pub fn render(&mut self, scale: f64) -> Result<(), JsError> {
        self.scale = scale;
        let st = Style::new(scale);
        let bars = self.backend(&self.bars)?.into_drawing_area();
        self.bars_layout = Some(draw::draw_bars(&bars, &self.scene, &self.att, &st).map_err(js_err)?);
        bars.present().map_err(js_err)?;
        let heat = self.backend(&self.heatmap)?.into_drawing_area();
        draw::draw_heatmap(&heat, &self.scene, &self.att, &st).map_err(js_err)?;
        heat.present().map_err(js_err)?;
        self.render_map(&st)
    }

    fn backend(&self, c: &HtmlCanvasElement) -> Result<CanvasBackend, JsError> {
        CanvasBackend::with_canvas_object(c.clone()).ok_or_else(|| JsError::new("the canvas has no 2-D context"))
    }

    fn render_map(&mut self, st: &Style) -> Result<(), JsError> {
        let area = self.backend(&self.map)?.into_drawing_area();
        let (w, h) = area.dim_in_pixel();
        let rect = draw::map_plot_rect(w, h, st);
        let (basis, view) = match &self.drag {
            Some(d) => (d.basis.clone(), Some(d.view)),
            None => (self.basis.clone(), self.sticky_view(rect)),
        };
        let lay = draw::draw_map(&area, &self.scene, &self.att, &basis, view, st).map_err(js_err)?;
        area.present().map_err(js_err)?;
        if self.drag.is_none() {
            self.view = Some(lay.view);
        }
        self.map_layout = Some(lay);
        Ok(())
    }

    /// Keeps the previous view while every point is still inside it and the
    /// points still fill a fair part of it, so the map does not zoom at every
    /// slider tick or jump when a drag ends; refits otherwise.
    fn sticky_view(&self, rect: (f64, f64, f64, f64)) -> Option<View> {
        let old = self.view?;
        if old.px != rect {
            return None;
        }
        let mut pts: Vec<(f64, f64)> = self.scene.items.iter().map(|it| self.basis.project(&it.vector)).collect();
        pts.push(self.basis.project(&self.scene.query));
        pts.push(self.basis.project(&self.att.pooled));
        pts.push(self.basis.project(&self.att.mean));
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

    /// What is under the pointer at CSS position (x, y) of the map: "q",
    /// "x3" (1-based), or "" for nothing.
    #[wasm_bindgen(js_name = mapHit)]
    pub fn map_hit(&self, x_css: f64, y_css: f64) -> String {
        match self.hit(x_css, y_css) {
            Some(Target::Query) => "q".to_owned(),
            Some(Target::Item(i)) => format!("x{}", i + 1),
            None => String::new(),
        }
    }

    /// Starts a drag at CSS position (x, y) of the map if it hits q or an
    /// item; freezes the projection until [`App::map_pointer_up`]. Returns
    /// what was grabbed, as [`App::map_hit`] does.
    #[wasm_bindgen(js_name = mapPointerDown)]
    pub fn map_pointer_down(&mut self, x_css: f64, y_css: f64) -> String {
        let target = self.hit(x_css, y_css);
        if let (Some(target), Some(lay)) = (target, self.map_layout.as_ref()) {
            self.drag = Some(Drag { target, basis: self.basis.clone(), view: lay.view });
        }
        self.map_hit(x_css, y_css)
    }

    /// Moves the dragged vector so that its projection is under the pointer
    /// (only along the two map axes; numbers kept to 3 decimals). Returns
    /// false when no drag is in progress.
    #[wasm_bindgen(js_name = mapPointerMove)]
    pub fn map_pointer_move(&mut self, x_css: f64, y_css: f64) -> Result<bool, JsError> {
        let Some(drag) = &self.drag else { return Ok(false) };
        let target = drag.view.to_data((x_css * self.scale, y_css * self.scale));
        let current = match drag.target {
            Target::Query => &self.scene.query,
            Target::Item(i) => match self.scene.items.get(i) {
                Some(it) => &it.vector,
                None => return Ok(false),
            },
        };
        let moved: Vec<f64> = drag.basis.lift(current, target).into_iter().map(rounded).collect();
        let mut next = self.scene.clone();
        match drag.target {
            Target::Query => next.query = moved,
            Target::Item(i) => next.items[i].vector = moved,
        }
        let att = next.validate().map_err(js_err)?;
        self.apply(next, att);
        Ok(true)
    }

    /// Ends a drag and lets the projection follow the new items.
    #[wasm_bindgen(js_name = mapPointerUp)]
    pub fn map_pointer_up(&mut self) {
        if let Some(drag) = self.drag.take() {
            let basis = Basis::for_items(&self.scene.keys(), self.scene.dim());
            if basis == drag.basis {
                // Same ground: keep the view the drag used, so nothing jumps on release.
                self.view = Some(drag.view);
            }
            self.basis = basis;
        }
    }

    /// True while a drag is in progress.
    #[wasm_bindgen(js_name = isDragging)]
    pub fn is_dragging(&self) -> bool {
        self.drag.is_some()
    }

    /// Moves q on the map by (dx, dy) steps (arrow keys): one step is 1/40
    /// of the visible width, rounded to a tidy number; numbers kept to 3 decimals.
    #[wasm_bindgen(js_name = nudgeQuery)]
    pub fn nudge_query(&mut self, dx: f64, dy: f64) -> Result<(), JsError> {
        let Some(view) = self.view else { return Ok(()) };
        let raw = (view.x.1 - view.x.0) / 40.0;
        let mag = 10f64.powf(raw.log10().floor());
        let step = if raw / mag < 2.0 { mag } else if raw / mag < 5.0 { 2.0 * mag } else { 5.0 * mag };
        let (px, py) = self.basis.project(&self.scene.query);
        let moved: Vec<f64> =
            self.basis.lift(&self.scene.query, (px + dx * step, py + dy * step)).into_iter().map(rounded).collect();
        let mut next = self.scene.clone();
        next.query = moved;
        let att = next.validate().map_err(js_err)?;
        self.apply(next, att);
        Ok(())
    }

    /// Where the bars were last drawn, as JSON `{zeroX, pxPerUnit, bars: [[top, bottom, end], ...]}`
    /// in backend pixels (for tests and for tooltips).
    #[wasm_bindgen(js_name = barsLayoutJson)]
    pub fn bars_layout_json(&self) -> String {
        match &self.bars_layout {
            Some(l) => serde_json::json!({ "zeroX": l.zero_x, "pxPerUnit": l.px_per_unit, "bars": l.bars }).to_string(),
            None => "null".to_owned(),
        }
    }

    /// Where the map last placed q, the items, pooled and mean, as JSON in CSS pixels.
    #[wasm_bindgen(js_name = mapLayoutJson)]
    pub fn map_layout_json(&self) -> String {
        let s = self.scale;
        match &self.map_layout {
            Some(l) => {
                let c = |p: (f64, f64)| [p.0 / s, p.1 / s];
                let items: Vec<[f64; 2]> = l.items.iter().map(|p| c(*p)).collect();
                let origin = c(l.view.to_screen((0.0, 0.0)));
                serde_json::json!({ "query": c(l.query), "items": items, "pooled": c(l.pooled), "mean": c(l.mean), "origin": origin })
                    .to_string()
            }
            None => "null".to_owned(),
        }
    }
}

/// Draws nothing and panics: exists only in builds with the `panic-trigger`
/// feature, so tests can prove the page reports a panic.
#[cfg(feature = "panic-trigger")]
#[wasm_bindgen(js_name = debugPanic)]
pub fn debug_panic() {
    panic!("deliberate panic from debugPanic() (test build only)");
}
