//! The thin wasm-bindgen layer: the only module that touches JS or the DOM.
//!
//! Over 600 lines because `App` still holds the session state and its policy
//! (URL apply, undo, setState) beside the canvas orchestration; the pure
//! `Session` in din-core (issue 12, "Kept for now" in ARCHITECTURE.md) takes
//! the policy out, and splitting the exports across files before that would
//! move the same code twice.
//!
//! It exports the stateless [`attend`] function and one opaque handle,
//! [`App`], that owns the scene, its attention, the map's projection and
//! the three canvases. Every method validates through [`din_core::scene`] and
//! either applies the whole edit or returns a JS `Error` and changes
//! nothing. Nothing here runs when the module is instantiated except
//! installing the panic hook, so the package also works in Node.

use din_core::attention::{attend_named, Attention};
use din_core::catalogue::ScoredCatalogue;
use din_core::errors::{message, Localized, Message};
use din_draw::draw::{self, BarsLayout, MapLayout, Style};
use din_core::i18n::Lang;
use din_core::presets::{self, Preset};
use din_core::projection::{Basis, View};
use din_draw::either::Either;
use din_core::history::History;
use din_core::options::{Layout, Panel, Theme, ViewPatch};
use din_core::scene::{Scene, SceneError, MAX_LABEL, MAX_N};
use din_core::urlstate::{self, UrlState};
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
fn measure_text(text: &str, font: &str) -> Option<f64> {
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


/// The page's handle: owns the scene and the three canvases.
#[wasm_bindgen]
pub struct App {
    scene: Scene,
    /// The scene as it was loaded (preset, generated or imported), before
    /// edits: what "reset scene" returns to and what links are relative to.
    origin: Scene,
    history: History<Scene>,
    theme: Theme,
    font_scale: f64,
    panels: Vec<Panel>,
    embed: bool,
    att: Attention,
    basis: Basis,
    preset: Preset,
    lang: Lang,
    step: Option<usize>,
    highlight: Option<usize>,
    selected: usize,
    /// How far the weighted-sum step's animation is (0 to 1; 1 = at rest).
    sum_progress: f64,
    /// The user's own settings, kept while the step-through shows its
    /// lecture setting ([`din_core::steps::lecture_setting`]); given back when
    /// it stops, or by [`App::use_step_setting`]`(false)`.
    steps_saved: Option<din_core::steps::Settings>,
    qkv_rows: Vec<din_draw::lecture::Rect>,
    placement: din_draw::lecture::Placement,
    /// Lecture mode or the long page, and lecture mode's tab.
    layout: Layout,
    tab: Panel,
    bars: HtmlCanvasElement,
    heatmap: HtmlCanvasElement,
    map: HtmlCanvasElement,
    extra: Vec<(String, HtmlCanvasElement)>,
    scale: f64,
    view: Option<View>,
    map_layout: Option<MapLayout>,
    bars_layout: Option<BarsLayout>,
    /// Where the step-through panel last put its strips (screen only).
    steps_layout: Option<din_draw::lecture::StepsLayout>,
    drag: Option<Drag>,
    /// The map's catalogue is shown (URL key and state field `density`).
    show_density: bool,
    /// The scored catalogue and the scene it was scored for; it depends on
    /// the items and the settings, not on q (see `catalogue::same_inputs`).
    catalogue_cache: std::cell::RefCell<Option<(Scene, std::rc::Rc<ScoredCatalogue>)>>,
    map_background: Option<(MapBackground, HtmlCanvasElement)>,
    /// [`App::items_version`]: counts the changes of the LastN items
    /// (labels, vectors, colour ids); bumped wherever they change.
    items_generation: u64,
    /// Counts of expensive steps, for tests that assert on work done.
    work: Work,
}

/// How often the expensive steps ran (see [`App::work_json`]).
#[derive(Clone, Copy, Debug, Default)]
struct Work {
    /// Scenes put on screen.
    installs: u32,
    /// States written as link text.
    encodes: u32,
    /// Link texts read.
    decodes: u32,
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

fn rounded(v: f64) -> f64 {
    let r = (v * 1000.0).round() / 1000.0;
    if r == 0.0 { 0.0 } else { r }
}

impl App {
    /// Replaces the whole scene (a built-in or generated one): validates it,
    /// resets the drag, the projection and the view, and restarts a running
    /// step-through at step 0.
    fn replace_scene(&mut self, preset: Preset, scene: Scene) -> Result<(), JsValue> {
        let att = scene.validate().map_err(|e| self.fail(e))?;
        self.preset = preset;
        self.origin = scene.clone();
        self.scene = scene;
        self.items_generation += 1;
        self.att = att;
        self.drag = None;
        self.basis = Basis::for_items(&self.scene.keys(), self.scene.dim());
        self.view = None;
        if self.step.is_some() {
            self.step = Some(0);
        }
        Ok(())
    }

    /// Lecture mode shows the step-through's tab while stepping.
    fn follow_step(&mut self) {
        self.tab = Panel::Steps;
    }

    /// A tab panel that lecture mode does not show now: not drawn (it is
    /// drawn in the frame that shows it).
    fn hidden_tab(&self, p: Panel) -> bool {
        self.layout == Layout::Lecture && p.is_tab() && din_core::options::shown_tab(self.tab, &self.panels) != Some(p)
    }

    /// A JS `Error` with the message in the interface language and a `code` property.
    fn fail<E: Localized>(&self, e: E) -> JsValue {
        let err = js_sys::Error::new(&e.message(self.lang));
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
    /// Which settings apply under the scene's definition of alpha and why,
    /// as JSON `{unitOptions, normalization, temperature, weight,
    /// activation, maxLen}`, each `{shown, enabled, why}` (`why` in the
    /// interface language, "" when shown and enabled):
    /// `din_core::controls::Controls`.
    #[wasm_bindgen(js_name = controlsJson)]
    pub fn controls_json(&self) -> String {
        let trained = self.scene.unit().ok().map(|u| u.d());
        din_core::controls::Controls::of(&self.scene, trained, self.lang).to_json().to_string()
    }

    /// `x` as every chart and readout prints it (`din_core::explain::fmt_num`:
    /// at most 3 decimals, no trailing zeros, "−" for minus).
    #[wasm_bindgen(js_name = formatNumber)]
    pub fn format_number(x: f64) -> String {
        din_core::explain::fmt_num(x)
    }

    /// The lists the page needs, as JSON `{url, state, panels, charts,
    /// tabs}`: the link keys (the element's attributes), the state
    /// object's keys, every panel, the canvas panels and lecture mode's tabs.
    #[wasm_bindgen(js_name = keysJson)]
    pub fn keys_json() -> String {
        din_core::controls::keys_json()
    }

    /// Checks the "generate" fields as typed (whole numbers, n 0 to 10,000,
    /// d 1 to 256); throws the message (`E_INVALID`, `E_TOO_LARGE`).
    #[wasm_bindgen(js_name = checkGenerate)]
    pub fn check_generate(&self, n_text: &str, d_text: &str) -> Result<(), JsValue> {
        din_core::controls::check_generate(n_text, d_text).map(|_| ()).map_err(|e| self.fail(e))
    }

    /// Generates a LastN from the typed fields (as [`App::check_generate`]
    /// checks them) and applies it as [`App::generate`] does.
    #[wasm_bindgen(js_name = generateText)]
    pub fn generate_text(&mut self, n_text: &str, d_text: &str) -> Result<(), JsValue> {
        let (n, d) = din_core::controls::check_generate(n_text, d_text).map_err(|e| self.fail(e))?;
        self.generate(n, d)
    }

    /// Which of two dropped files is the Projector's `vectors.tsv`:
    /// `[vectors, metadata]` as indices 0/1 into (nameA, nameB).
    #[wasm_bindgen(js_name = projectorOrder)]
    pub fn projector_order(name_a: &str, name_b: &str) -> Vec<u32> {
        din_core::controls::projector_order(name_a, name_b).iter().map(|&i| i as u32).collect()
    }

    /// The name the tooltips and [`App::explain_json`] use for a hit number
    /// of [`App::map_hit`] or [`App::bars_hit`]: "x3" for item 2, "q" for
    /// -2, "" for anything else.
    #[wasm_bindgen(js_name = hitName)]
    pub fn hit_name(&self, hit: f64) -> String {
        if hit == HIT_QUERY {
            "q".to_owned()
        } else if hit >= 0.0 && hit.fract() == 0.0 && (hit as usize) < self.scene.items.len() {
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
        let preset = presets::preset("why-din-works").ok_or_else(|| JsValue::from_str("the default scene is missing"))?;
        let scene = preset.scene.clone();
        let att = scene.validate().map_err(|e| JsValue::from_str(&e.to_string()))?;
        let basis = Basis::for_items(&scene.keys(), scene.dim());
        Ok(App {
            origin: scene.clone(),
            history: History::new(scene.clone(), din_core::scene_history::UNDO_BUDGET),
            theme: Theme::Light,
            font_scale: 1.0,
            panels: Panel::ALL.to_vec(),
            embed: false,
            scene,
            att,
            basis,
            preset,
            lang: Lang::En,
            step: None,
            highlight: None,
            selected: 0,
            sum_progress: 1.0,
            steps_saved: None,
            qkv_rows: Vec::new(),
            placement: din_draw::lecture::Placement::Ranking,
            layout: Layout::Explore,
            tab: din_core::options::DEFAULT_TAB,
            bars,
            heatmap,
            map,
            extra: Vec::new(),
            scale: 1.0,
            view: None,
            map_layout: None,
            bars_layout: None,
            steps_layout: None,
            drag: None,
            show_density: true,
            catalogue_cache: std::cell::RefCell::new(None),
            map_background: None,
            items_generation: 1,
            work: Work::default(),
        })
    }

    fn apply(&mut self, mut scene: Scene, att: Attention) {
        if scene.query != self.scene.query && scene.candidate == self.scene.candidate {
            // q was edited: it is no longer the named candidate.
            scene.candidate.clear();
        }
        if let Some(step) = self.step {
            self.step = Some(step.min(din_draw::lecture::steps_total(scene.items.len()) - 1));
        }
        self.install(scene, att);
    }

    /// Puts a validated scene and its attention on screen. When its items
    /// differ from the current ones, the items version is forgotten and,
    /// unless a drag is in progress (it keeps its frozen projection until
    /// the pointer is released), the projection is recomputed and the view
    /// fitted afresh.
    fn install(&mut self, scene: Scene, att: Attention) {
        self.work.installs += 1;
        let items_changed = scene.items != self.scene.items;
        self.scene = scene;
        self.att = att;
        if items_changed {
            self.items_generation += 1;
            if self.drag.is_none() {
                self.basis = Basis::for_items(&self.scene.keys(), self.scene.dim());
                self.view = None;
            }
        }
    }

    fn apply_result(&mut self, r: Result<(Scene, Attention), SceneError>) -> Result<(), JsValue> {
        let (s, a) = r.map_err(|e| self.fail(e))?;
        self.apply(s, a);
        Ok(())
    }

    /// The scene as JSON: `{scene, query, items: [{label, vector}], similarity, normalization, temperature}`.
    #[wasm_bindgen(js_name = stateJson)]
    pub fn state_json(&self) -> String {
        let mut v = self.scene.to_json();
        if let Some(obj) = v.as_object_mut() {
            obj.insert("lang".into(), self.lang.code().into());
            obj.insert("step".into(), self.step.map_or(serde_json::Value::Null, |s| s.into()));
            if let serde_json::Value::Object(view) = self.view_value() {
                obj.extend(view);
            }
        }
        v.to_string()
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
    pub fn set_state_json(&mut self, text: &str) -> Result<(), JsValue> {
        if self.drag.is_some() {
            self.drag = None;
        }
        let v = din_core::scene::parse_state(text).map_err(|e| self.fail(e))?;
        din_core::options::check_state_keys(&v, "state").map_err(|e| self.fail(e))?;
        // A named candidate without a query sets q, as `candidate=` in a link does.
        let named_preset = v.get("scene").and_then(|x| x.as_str()).and_then(presets::preset);
        let d = v
            .get("items")
            .and_then(|x| x.as_array())
            .and_then(|a| a.first())
            .and_then(|it| it.get("vector"))
            .and_then(|x| x.as_array())
            .map_or(self.scene.dim(), Vec::len);
        let v = presets::resolve_candidate(&v, Some(named_preset.as_ref().unwrap_or(&self.preset)), d).map_err(|e| self.fail(e))?;
        let (s, a) = self.scene.with_patch(&v).map_err(|e| self.fail(e))?;
        let view = din_core::options::view_patch(&v).map_err(|e| self.fail(e))?;
        let lang = match v.get("lang") {
            None => self.lang,
            Some(serde_json::Value::String(l)) => l.parse::<Lang>().map_err(|e| self.fail(message("E_LANG", format!("lang: {e}"), format!("lang：未知的语言 \"{l}\"，请用 \"en\" 或 \"zh\""))))?,
            Some(other) => return Err(self.fail(message("E_LANG", format!("lang must be \"en\" or \"zh\", not {other}"), format!("lang 必须是 \"en\" 或 \"zh\"，而不是 {other}")))),
        };
        let step = match v.get("step") {
            None => self.step.map(|st| st.min(din_draw::lecture::steps_total(s.items.len()) - 1)),
            Some(serde_json::Value::Null) => None,
            Some(x) => Some(parse_step(x, s.items.len()).map_err(|e| self.fail(e))?),
        };
        if s.name != self.scene.name {
            if let Some(p) = presets::preset(&s.name) {
                self.preset = p;
            }
        }
        self.install(s, a);
        self.lang = lang;
        let stepping = step.is_some() && v.get("step").is_some_and(|x| !x.is_null());
        self.step = step;
        let tab_given = view.tab.is_some();
        self.sum_progress = 1.0;
        self.set_view_checked(view);
        if stepping && !tab_given {
            self.follow_step();
        }
        Ok(())
    }

    /// Sets `q[k]` from typed text (parsed and validated in Rust).
    #[wasm_bindgen(js_name = setQueryText)]
    pub fn set_query_text(&mut self, k: usize, text: &str) -> Result<(), JsValue> {
        let r = self.scene.with_query_component(k, text);
        self.apply_result(r)
    }

    /// Sets `q[k]` to a number (from a slider).
    #[wasm_bindgen(js_name = setQueryValue)]
    pub fn set_query_value(&mut self, k: usize, value: f64) -> Result<(), JsValue> {
        let r = self.scene.with_query_value(k, value);
        self.apply_result(r)
    }

    /// Sets component `k` of item `i` from typed text.
    #[wasm_bindgen(js_name = setItemText)]
    pub fn set_item_text(&mut self, i: usize, k: usize, text: &str) -> Result<(), JsValue> {
        let r = self.scene.with_item_component(i, k, text);
        self.apply_result(r)
    }

    /// Renames item `i`. The label follows the rules of every channel:
    /// at most 200 characters, one line of text, no lone surrogate.
    #[wasm_bindgen(js_name = setLabel)]
    pub fn set_label(&mut self, i: usize, label: js_sys::JsString) -> Result<(), JsValue> {
        if i >= self.scene.items.len() {
            return Err(self.fail(message("E_NO_SUCH", format!("there is no item x{}", i + 1), format!("没有物品 x{}", i + 1))));
        }
        let field_zh = format!("x{} 的名称", i + 1);
        let label = self.text_of(&label, &format!("label of x{}", i + 1), &field_zh)?;
        // The one rule of every channel (scene::check_label), with the
        // field named in Chinese as the table shows it.
        let next = self.scene.with_label(i, &label).map_err(|e| {
            let zh = match &e {
                SceneError::BadLabel { code_point, position, .. } => format!(
                    "{field_zh}的第 {position} 个字符是 U+{code_point:04X}（{}）；{}",
                    din_core::scene::char_kind_zh(*code_point),
                    din_core::scene::LABEL_RULE_ZH
                ),
                SceneError::LabelTooLong { chars, .. } => format!("{field_zh}有 {chars} 个字符；最多 {MAX_LABEL} 个"),
                other => other.zh(),
            };
            self.fail(message(e.code(), e.to_string(), zh))
        })?;
        // Only a label changed: no new attention, projection or view, but
        // the items' generation moves on so the table refreshes.
        self.scene = next;
        self.items_generation += 1;
        Ok(())
    }

    /// Appends an item: a copy of candidate `q` nudged off it, so it is
    /// visible on the map and clearly gets weight (label "item k").
    #[wasm_bindgen(js_name = addItem)]
    pub fn add_item(&mut self) -> Result<(), JsValue> {
        if self.scene.items.len() >= MAX_N {
            return Err(self.fail(message("E_TOO_LARGE", format!("the LastN already has {MAX_N} items, the most allowed"), format!("LastN 已有 {MAX_N} 个物品，已达上限"))));
        }
        let k = self.scene.items.len() + 1;
        let vector: Vec<f64> = self.scene.query.iter().enumerate().map(|(j, v)| rounded(v * 0.8 + if j % 2 == 0 { 0.1 } else { -0.1 })).collect();
        // The new item gets the first colour no item has (colours stay with their items).
        let r = self.scene.with_item_added(&format!("item {k}"), &vector);
        self.apply_result(r)
    }

    /// Removes item `i`.
    #[wasm_bindgen(js_name = removeItem)]
    pub fn remove_item(&mut self, i: usize) -> Result<(), JsValue> {
        if i >= self.scene.items.len() {
            return Err(self.fail(message("E_NO_SUCH", format!("there is no item x{}", i + 1), format!("没有物品 x{}", i + 1))));
        }
        // Every other item keeps its colour id.
        let r = self.scene.without_item(i);
        self.apply_result(r)
    }

    /// Changes d from typed text; returns a sentence saying what was kept.
    #[wasm_bindgen(js_name = setDimText)]
    pub fn set_dim_text(&mut self, text: &str) -> Result<String, JsValue> {
        let t = text.trim();
        let d: usize = t.parse().map_err(|_| {
            let shown: String = t.chars().take(20).collect();
            self.fail(if t.is_empty() {
                message("E_NUMBER_EMPTY", "d is empty: type a whole number from 1 to 256".into(), "d 为空：请输入 1 到 256 的整数".into())
            } else {
                message(
                    "E_NUMBER_NOT_A_NUMBER",
                    format!("d: \"{shown}\" is not a whole number from 1 to 256"),
                    format!("d：\"{shown}\" 不是 1 到 256 的整数"),
                )
            })
        })?;
        let (s, msg) = self.scene.with_dim(d).map_err(|e| self.fail(e))?;
        let att = s.validate().map_err(|e| self.fail(e))?;
        self.apply(s, att);
        self.basis = Basis::for_items(&self.scene.keys(), self.scene.dim());
        self.view = None;
        Ok(msg)
    }

    /// Sets the similarity by name.
    #[wasm_bindgen(js_name = setSimilarity)]
    pub fn set_similarity(&mut self, name: &str) -> Result<(), JsValue> {
        let patch = serde_json::json!({ "similarity": name });
        let r = self.scene.with_patch(&patch);
        self.apply_result(r)
    }

    /// Sets the activation of the unit: `sigmoid`, `prelu` or `dice`.
    #[wasm_bindgen(js_name = setActivation)]
    pub fn set_activation(&mut self, name: &str) -> Result<(), JsValue> {
        let patch = serde_json::json!({ "activation": name });
        let r = self.scene.with_patch(&patch);
        self.apply_result(r)
    }

    /// Sets the activation unit's weight without softmax: `z` (the paper's
    /// Eq. 3) or `sigmoid` (this project's variant).
    #[wasm_bindgen(js_name = setWeight)]
    pub fn set_weight(&mut self, name: &str) -> Result<(), JsValue> {
        let patch = serde_json::json!({ "weight": name });
        let r = self.scene.with_patch(&patch);
        self.apply_result(r)
    }

    /// Sets the padded length of the authors' variant from typed text.
    #[wasm_bindgen(js_name = setMaxLenText)]
    pub fn set_max_len_text(&mut self, text: &str) -> Result<(), JsValue> {
        let v = din_core::scene::parse_number("max length", text).map_err(|e| self.fail(e))?;
        let patch = serde_json::json!({ "maxLen": v });
        let r = self.scene.with_patch(&patch);
        self.apply_result(r)
    }

    /// Whether the activation unit fits the scene (it was trained for d = 8),
    /// and if not, why: JSON `{ok, reason}` in the current language.
    #[wasm_bindgen(js_name = unitStatus)]
    pub fn unit_status(&self) -> String {
        let d = self.scene.dim();
        let trained = self.scene.unit().map(|u| u.d()).unwrap_or(8);
        let reason = din_core::controls::unit_unfit(d, trained, self.lang).unwrap_or_default();
        serde_json::json!({ "ok": d == trained, "reason": reason, "paddedLen": self.scene.padded_len(), "padded": self.scene.padded_len() - self.scene.items.len() }).to_string()
    }

    /// Sets the normalization by name.
    #[wasm_bindgen(js_name = setNormalization)]
    pub fn set_normalization(&mut self, name: &str) -> Result<(), JsValue> {
        let patch = serde_json::json!({ "normalization": name });
        let r = self.scene.with_patch(&patch);
        self.apply_result(r)
    }

    /// Sets the temperature from typed text.
    #[wasm_bindgen(js_name = setTemperatureText)]
    pub fn set_temperature_text(&mut self, text: &str) -> Result<(), JsValue> {
        let t = din_core::scene::parse_number("temperature", text).map_err(|e| self.fail(e))?;
        if t <= 0.0 {
            return Err(self.fail(message("E_TEMPERATURE", format!("temperature is {t}: it must be greater than 0"), format!("温度 T 是 {t}：必须大于 0"))));
        }
        let mut next = self.scene.clone();
        next.temperature = t;
        let att = next.validate().map_err(|e| self.fail(e))?;
        self.apply(next, att);
        Ok(())
    }

    /// The scene's named candidates as JSON `[{id, label, fits}]` (`fits`
    /// is false where the candidate's d differs from the scene's).
    #[wasm_bindgen(js_name = candidatesJson)]
    pub fn candidates_json(&self) -> String {
        let d = self.scene.dim();
        let v: Vec<serde_json::Value> = self
            .preset
            .candidates
            .iter()
            .map(|c| serde_json::json!({ "id": c.id, "label": c.label, "fits": c.vector.len() == d }))
            .collect();
        serde_json::Value::Array(v).to_string()
    }

    /// Loads a generated LastN of `n` items in `d` dimensions (seeded,
    /// clustered; see `presets::generated`), for trying long histories.
    pub fn generate(&mut self, n: usize, d: usize) -> Result<(), JsValue> {
        din_core::controls::check_generate_size(n, d).map_err(|e| self.fail(e))?;
        let mut scene = presets::generated(n, d, 2018);
        scene.copy_settings_from(&self.scene);
        self.replace_scene(presets::blank(d), scene)
    }

    /// The state without the items (cheap for a long LastN), as JSON:
    /// `{scene, candidate, query, similarity, activation, weight, maxLen,
    /// normalization, temperature, lang, step, n, d}`.
    #[wasm_bindgen(js_name = summaryJson)]
    pub fn summary_json(&self) -> String {
        let s = &self.scene;
        serde_json::json!({
            "scene": s.name, "candidate": s.candidate, "query": s.query,
            "similarity": s.similarity_name(), "activation": s.activation.name(), "weight": s.weight.name(), "maxLen": s.max_len,
            "normalization": s.normalization.name(), "temperature": s.temperature,
            "lang": self.lang.code(), "step": self.step, "n": s.items.len(), "d": s.dim(),
        })
        .to_string()
    }

    /// A number that changes whenever the LastN items (labels, vectors or
    /// colour ids) may have changed, so the page refreshes its table only then.
    #[wasm_bindgen(js_name = itemsVersion)]
    pub fn items_version(&self) -> f64 {
        // A generation counter, not a hash of the numbers: exact in a JS
        // number up to 2^53 changes, and free to read.
        self.items_generation as f64
    }

    /// Items `start .. start + count` (clamped) as JSON `[{label, vector, color}]`
    /// (`color` is the colour id).
    #[wasm_bindgen(js_name = itemsJson)]
    pub fn items_json(&self, start: usize, count: usize) -> String {
        let n = self.scene.items.len();
        let a = start.min(n);
        let b = a.saturating_add(count).min(n);
        let v: Vec<serde_json::Value> = self.scene.items[a..b]
            .iter()
            .map(|it| serde_json::json!({ "label": it.label, "vector": it.vector, "color": it.color }))
            .collect();
        serde_json::Value::Array(v).to_string()
    }

    /// Summary numbers of the result (no vectors), as JSON `{alphaSum,
    /// pooledNorm, meanNorm, shown: {alphaSum, results}, note}`: `shown`
    /// says which of them the step-through has revealed (the readout shows
    /// the others as "?" with `note`, in the interface language).
    #[wasm_bindgen(js_name = normsJson)]
    pub fn norms_json(&self) -> String {
        let a = &self.att;
        let r = din_core::steps::Reveal::at(self.step, self.scene.items.len());
        let note = if r.results { "" } else { self.lang.pick("step-through on: these appear at the weighted-sum step", "分步演示中：这些数在“加权和”一步显示") };
        serde_json::json!({
            "alphaSum": a.alpha_sum, "pooledNorm": a.pooled_norm, "meanNorm": a.mean_norm,
            "shown": { "alphaSum": r.alpha_sum, "results": r.results }, "note": note,
        })
        .to_string()
    }

    /// Makes the named candidate `id` the query.
    #[wasm_bindgen(js_name = chooseCandidate)]
    pub fn choose_candidate(&mut self, id: &str) -> Result<(), JsValue> {
        let c = self
            .preset
            .candidate(id)
            .ok_or_else(|| self.fail(message("E_NO_SUCH", format!("candidate: the scene \"{}\" has no candidate \"{id}\"", self.preset.id), format!("candidate：场景 \"{}\" 没有候选物品 \"{id}\"", self.preset.id))))?;
        if c.vector.len() != self.scene.dim() {
            return Err(self.fail(message(
                "E_DIM_MISMATCH",
                format!("candidate \"{}\" has d = {}, but the scene has d = {}", c.label, c.vector.len(), self.scene.dim()),
                format!("候选物品 \"{}\" 的维度是 d = {}，但场景的维度是 d = {}", c.label, c.vector.len(), self.scene.dim()),
            )));
        }
        let mut next = self.scene.clone();
        next.query = c.vector.clone();
        next.candidate = c.id.to_owned();
        let att = next.validate().map_err(|e| self.fail(e))?;
        self.scene = next;
        self.att = att;
        Ok(())
    }

    /// The built-in scenes as JSON `[{id, title}]` in the current language.
    #[wasm_bindgen(js_name = scenesJson)]
    pub fn scenes_json(&self) -> String {
        let v: Vec<serde_json::Value> = presets::PRESET_IDS
            .iter()
            .filter_map(|id| presets::preset(id))
            .map(|p| serde_json::json!({ "id": p.id, "title": self.lang.pick(p.title_en, p.title_zh) }))
            .collect();
        serde_json::Value::Array(v).to_string()
    }

    /// Loads built-in scene `id` with its default candidate and settings
    /// (`d` is used by `blank` only; 0 keeps 8).
    #[wasm_bindgen(js_name = loadScene)]
    pub fn load_scene(&mut self, id: &str, d: usize) -> Result<(), JsValue> {
        let p = if id == "blank" && d > 0 {
            if d > din_core::scene::MAX_D {
                return Err(self.fail(message("E_TOO_LARGE", format!("d = {d} is too large; at most {}", din_core::scene::MAX_D), format!("d = {d} 太大；最多 {}", din_core::scene::MAX_D))));
            }
            presets::blank(d)
        } else {
            presets::preset(id).ok_or_else(|| {
                self.fail(message("E_NO_SUCH", format!("scene: there is no built-in scene \"{id}\"; use {}", presets::PRESET_IDS.join(", ")), format!("scene：没有内置场景 \"{id}\"；可用 {}", presets::PRESET_IDS.join("、"))))
            })?
        };
        let scene = p.scene.clone();
        self.replace_scene(p, scene)
    }

    /// The caption of the scene on screen in the current language, as JSON
    /// `{key, hint, lines, lead}`: `key` is the named candidate's id (`""` when q
    /// is not one), `hint` the scene's hint while its items are as loaded
    /// (or `null`), `lines` the outcome sentences computed from the numbers
    /// on screen (`explain::caption`), `lead` the indices of `lines`, most
    /// telling first (what the compact caption of lecture mode keeps).
    #[wasm_bindgen(js_name = captionJson)]
    pub fn caption_json(&self) -> String {
        let reveal = din_core::steps::Reveal::at(self.step, self.scene.items.len());
        let c = din_core::explain::caption_revealed(&self.preset, &self.scene, &self.att, self.lang, &reveal);
        serde_json::json!({ "key": c.key, "hint": c.hint, "lines": c.lines, "lead": c.lead }).to_string()
    }

    /// The caption of [`App::caption_json`] as one text.
    pub fn caption(&self) -> String {
        let reveal = din_core::steps::Reveal::at(self.step, self.scene.items.len());
        din_core::explain::caption_revealed(&self.preset, &self.scene, &self.att, self.lang, &reveal).text()
    }

    /// The weight per interest category, attention beside the plain
    /// average, as JSON for the readout (`explain::shares_json`), or
    /// `null` when the items have no categories.
    #[wasm_bindgen(js_name = sharesJson)]
    pub fn shares_json(&self) -> String {
        let cats = din_core::explain::item_categories(&self.preset, &self.scene);
        match din_core::explain::category_shares(&cats, &self.att) {
            Some(sh) => {
                let revealed = din_core::steps::Reveal::at(self.step, self.scene.items.len()).alpha_sum;
                din_core::explain::shares_json(&sh, self.lang, revealed).to_string()
            }
            None => "null".to_owned(),
        }
    }

    /// How the α of `what` was computed, as JSON `{title, lines}` in the
    /// current language: `what` is `xK` (LastN item K, 1-based, as
    /// [`App::map_hit`] names it) or `q`; `null` for anything else.
    #[wasm_bindgen(js_name = explainJson)]
    pub fn explain_json(&self, what: &str) -> String {
        let e = match what {
            "q" => Some(din_core::explain::explain_query(&self.scene, &self.att, self.lang)),
            _ => what
                .strip_prefix('x')
                .and_then(|k| k.parse::<usize>().ok())
                .and_then(|k| k.checked_sub(1))
                .and_then(|i| din_core::explain::explain_item(&self.scene, &self.att, i, self.lang)),
        };
        e.map_or_else(|| "null".to_owned(), |e| din_core::explain::explanation_json(&e).to_string())
    }

    /// The settings panel's texts that depend on the definition, as JSON
    /// `{normNone, tempNote, unitNote, weightNote}` (`explain::settings_texts`).
    #[wasm_bindgen(js_name = settingsTextsJson)]
    pub fn settings_texts_json(&self) -> String {
        let t = din_core::explain::settings_texts(&self.scene, self.lang);
        serde_json::json!({ "normNone": t.norm_none, "tempNote": t.temp_note, "unitNote": t.unit_note, "weightNote": t.weight_note }).to_string()
    }

    /// The page's strings in the current language, as JSON `{key: text}`.
    #[wasm_bindgen(js_name = pageStrings)]
    pub fn page_strings(&self) -> String {
        din_core::i18n::page_strings_json(self.lang)
    }

    /// Sets the interface language (`en` or `zh`).
    #[wasm_bindgen(js_name = setLang)]
    pub fn set_lang(&mut self, code: &str) -> Result<(), JsValue> {
        self.lang = code.parse::<Lang>().map_err(|e| self.fail(message("E_LANG", format!("lang: {e}"), format!("lang：未知的语言 \"{code}\"，请用 \"en\" 或 \"zh\""))))?;
        Ok(())
    }

    /// The interface language code.
    pub fn lang(&self) -> String {
        self.lang.code().to_owned()
    }

    // ------------------------------------------------------------ step-through (issue 11 §3)

    /// Starts the step-through at step 0 (the toggle button). A built-in
    /// scene with a lecture setting ([`din_core::steps::lecture_setting`]) is
    /// switched to it, and the user's own settings are kept to be given
    /// back; returns whether the settings changed (the page then commits
    /// it as one undo step). Links and `setState({step})` never switch it.
    #[wasm_bindgen(js_name = startSteps)]
    pub fn start_steps(&mut self) -> Result<bool, JsValue> {
        self.step = Some(0);
        self.sum_progress = 1.0;
        self.use_step_setting(true)
    }

    /// Stops the step-through (the toggle button). If the settings are
    /// still the lecture setting it switched to, the user's own come back;
    /// returns whether the settings changed.
    #[wasm_bindgen(js_name = stopSteps)]
    pub fn stop_steps(&mut self) -> Result<bool, JsValue> {
        let back = self.use_step_setting(false)?;
        self.step = None;
        self.sum_progress = 1.0;
        Ok(back)
    }

    /// Switches to the scene's lecture setting (`on`, keeping the user's
    /// settings) or back to the user's settings kept when it was applied;
    /// returns whether the settings changed. Does nothing without a
    /// lecture setting, when it is already on, or with nothing kept.
    #[wasm_bindgen(js_name = useStepSetting)]
    pub fn use_step_setting(&mut self, on: bool) -> Result<bool, JsValue> {
        let (next, saved) = din_core::steps::switch_setting(&self.scene, self.lecture_setting(), self.steps_saved, on);
        self.steps_saved = saved;
        let Some(next) = next else { return Ok(false) };
        let att = next.validate().map_err(|e| self.fail(e))?;
        self.apply(next, att);
        Ok(true)
    }

    /// The lecture setting of the scene on screen (a built-in scene that
    /// has one, while its vectors are its own or edited, and its d fits).
    fn lecture_setting(&self) -> Option<din_core::steps::Settings> {
        if self.scene.name != self.preset.id {
            return None;
        }
        din_core::steps::lecture_setting(&self.scene.name)
    }

    /// What the step-through panel says about its setting, as JSON
    /// `{setting, lecture, applied, saved, note, action}`: the setting in
    /// use (e.g. "dot similarity, softmax T = 0.3"), the scene's lecture
    /// setting (or null), whether it is on, the user's kept setting (or
    /// null), a sentence for the panel and the label of the button that
    /// switches (null when there is nothing to switch), all in the
    /// interface language.
    #[wasm_bindgen(js_name = stepSettingJson)]
    pub fn step_setting_json(&self) -> String {
        let lang = self.lang;
        let now = draw::definition_text(&self.scene, lang);
        let lecture = self.lecture_setting();
        let applied = lecture.is_some_and(|l| l.matches(&self.scene));
        let saved = if applied { self.steps_saved.map(|s| draw::definition_text(&s.applied_to(&self.scene), lang)) } else { None };
        let lecture_text = lecture.map(|l| draw::definition_text(&l.applied_to(&self.scene), lang));
        let (note, action) = match (&lecture_text, applied, &saved) {
            (Some(_), true, Some(mine)) => (
                lang.tr(
                    format!("The step-through uses the lecture setting: {now}, so the weighted sum and the average differ clearly. Your setting ({mine}) comes back when it stops."),
                    format!("分步演示使用讲课设置：{now}，加权和与平均的差别清楚可见。结束演示后恢复你的设置（{mine}）。"),
                ),
                Some(tr_pick(lang, "use my setting", "改用我的设置")),
            ),
            (Some(_), true, None) => (
                lang.tr(format!("The step-through uses: {now} (the lecture setting)."), format!("分步演示使用：{now}（讲课设置）。")),
                None,
            ),
            (Some(l), false, _) => (
                lang.tr(
                    format!("The step-through uses your setting: {now}. The lecture setting ({l}) shows the difference between the weighted sum and the average more clearly."),
                    format!("分步演示使用你的设置：{now}。讲课设置（{l}）能更清楚地显示加权和与平均的差别。"),
                ),
                Some(tr_pick(lang, "use the lecture setting", "使用讲课设置")),
            ),
            (None, _, _) => (
                lang.tr(format!("The step-through uses: {now}."), format!("分步演示使用：{now}。")),
                None,
            ),
        };
        serde_json::json!({
            "setting": now, "lecture": lecture_text, "applied": applied, "saved": saved, "note": note, "action": action,
        })
        .to_string()
    }

    /// Sets how far the weighted-sum step's animation is (0 to 1; 1, the
    /// default, is at rest). The page runs it with requestAnimationFrame
    /// when the user steps onto the weighted sum, unless the reader prefers
    /// reduced motion; every other way onto the step is at rest.
    #[wasm_bindgen(js_name = setSumProgress)]
    pub fn set_sum_progress(&mut self, t: f64) {
        self.sum_progress = if t.is_finite() { t.clamp(0.0, 1.0) } else { 1.0 };
    }

    /// The animation's progress (1 = at rest).
    #[wasm_bindgen(js_name = sumProgress)]
    pub fn sum_progress(&self) -> f64 {
        self.sum_progress
    }

    /// Whether the step-through is on the weighted-sum step (`n + 2`).
    #[wasm_bindgen(js_name = onSumStep)]
    pub fn on_sum_step(&self) -> bool {
        self.step == Some(din_core::steps::sum_step(self.scene.items.len()))
    }

    /// Whether two items share a colour (more items than the theme's
    /// colours, or ids given so): the table then says how colours repeat.
    #[wasm_bindgen(js_name = colorsRepeat)]
    pub fn colors_repeat(&self) -> bool {
        let k = din_draw::palette::ITEM_COLORS;
        let mut seen = vec![false; k];
        self.scene.items.iter().any(|it| std::mem::replace(&mut seen[usize::from(it.color) % k], true))
    }

    /// Turns the step-through on at `step` (clamped), or off with a negative number.
    #[wasm_bindgen(js_name = setStep)]
    pub fn set_step(&mut self, step: f64) -> Result<(), JsValue> {
        self.sum_progress = 1.0;
        self.step = if step < 0.0 {
            None
        } else {
            Some(parse_step(&serde_json::json!(step), self.scene.items.len()).map_err(|e| self.fail(e))?)
        };
        if self.step.is_some() {
            self.follow_step();
        }
        Ok(())
    }

    /// The step (0-based), or -1 when the step-through is off.
    pub fn step(&self) -> f64 {
        self.step.map_or(-1.0, |s| s as f64)
    }

    /// Number of steps of the step-through: n + 4 (0 to n + 3).
    #[wasm_bindgen(js_name = stepsTotal)]
    pub fn steps_total(&self) -> usize {
        din_draw::lecture::steps_total(self.scene.items.len())
    }

    /// Goes one step forward (or back with `forward = false`). Returns false,
    /// changing nothing, at the last (or first) step, so the caller can pass
    /// the key on to the slide deck.
    #[wasm_bindgen(js_name = stepBy)]
    pub fn step_by(&mut self, forward: bool) -> bool {
        let Some(s) = self.step else { return false };
        self.sum_progress = 1.0;
        let last = self.steps_total() - 1;
        match (forward, s) {
            (true, s) if s < last => self.step = Some(s + 1),
            (false, s) if s > 0 => self.step = Some(s - 1),
            _ => return false,
        }
        self.follow_step();
        true
    }

    /// Highlights LastN item `i` (0-based) in every panel; a negative number clears it.
    #[wasm_bindgen(js_name = setHighlight)]
    pub fn set_highlight(&mut self, i: f64) {
        self.highlight = (i >= 0.0 && (i as usize) < self.scene.items.len()).then_some(i as usize);
    }

    /// Selects LastN item `i` (0-based) for the "inside the unit" panel.
    #[wasm_bindgen(js_name = selectItem)]
    pub fn select_item(&mut self, i: f64) {
        if i >= 0.0 && (i as usize) < self.scene.items.len() {
            self.selected = i as usize;
        }
    }

    /// The preferred CSS height of the "inside the unit" panel at CSS width `width_css`.
    #[wasm_bindgen(js_name = unitHeight)]
    pub fn unit_height(&self, width_css: f64) -> f64 {
        let layers = self.scene.unit().map_or(2, |u| u.hidden().len());
        din_draw::unit_panel::unit_height_for(layers, width_css, &self.style(1.0))
    }

    /// Where the LastN feature goes in the two-tower diagram: `user-tower` or `ranking`.
    #[wasm_bindgen(js_name = setPlacement)]
    pub fn set_placement(&mut self, placement: &str) -> Result<(), JsValue> {
        self.placement = match placement {
            "user-tower" => din_draw::lecture::Placement::UserTower,
            "ranking" => din_draw::lecture::Placement::Ranking,
            other => return Err(self.fail(message("E_INVALID", format!("placement \"{other}\": use \"user-tower\" or \"ranking\""), format!("位置 \"{other}\"：请用 \"user-tower\" 或 \"ranking\"")))),
        };
        Ok(())
    }

    /// Attaches an extra panel canvas: `steps`, `qkv` or `towers`.
    pub fn attach(&mut self, panel: &str, canvas: HtmlCanvasElement) -> Result<(), JsValue> {
        if !["steps", "qkv", "towers", "unit"].contains(&panel) {
            return Err(self.fail(message("E_INVALID", format!("unknown panel \"{panel}\""), format!("未知的面板 \"{panel}\""))));
        }
        self.extra.retain(|(p, _)| p != panel);
        self.extra.push((panel.to_owned(), canvas));
        Ok(())
    }

    /// Layout facts for the page: preferred CSS heights of the bar chart and heatmap.
    #[wasm_bindgen(js_name = layoutJson)]
    pub fn layout_json(&self) -> String {
        let n = self.scene.items.len();
        let st = self.style(1.0);
        serde_json::json!({ "barsHeight": draw::bars_height_for(n, &st), "heatmapHeight": draw::heatmap_height_for(n, &st) }).to_string()
    }

    /// The colour of item `i` (0-based) in the current theme as `#rrggbb`:
    /// the colour of its colour id, the same in every panel.
    #[wasm_bindgen(js_name = itemColor)]
    pub fn item_color(&self, i: usize) -> String {
        din_draw::palette::hex(din_draw::palette::palette(self.theme).item_of(&self.scene, i))
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
        let charts: Vec<Panel> = self.panels.iter().copied().filter(|p| p.is_chart() && !self.hidden_tab(*p) && wanted(*p)).collect();
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
        if !p.is_chart() || !self.panels.contains(&p) || p == Panel::Map {
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
            return Err(self.fail(message("E_INVALID", format!("SVG size {width} × {height}: each side must be 1 to 8192"), format!("SVG 尺寸 {width} × {height}：每边必须在 1 到 8192 之间"))));
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
        st.reveal = din_core::steps::Reveal::at(self.step, self.scene.items.len());
        st.lang = self.lang;
        st.highlight = self.highlight;
        st.theme = self.theme;
        st.font_scale = self.font_scale;
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
        let p: Panel = panel.parse().map_err(|e: String| self.fail(message("E_INVALID", e.clone(), format!("未知的面板 \"{panel}\""))))?;
        if !p.is_chart() {
            return Err(self.fail(message("E_INVALID", format!("panel \"{panel}\" is not a chart"), format!("面板 \"{panel}\" 不是图表"))));
        }
        self.draw_panel(p, area, st, false)
    }

    /// Every visible chart on one sheet (a slide): a title line with the
    /// scene, the definition of alpha and the three readout numbers, then
    /// the charts in a grid that suits a 16:9 page.
    fn draw_sheet(&mut self, area: &Area, st: &Style) -> Result<(), JsValue> {
        let mut charts: Vec<Panel> = self.panels.iter().copied().filter(|p| p.is_chart()).collect();
        if charts.is_empty() {
            charts = vec![Panel::Bars, Panel::Map, Panel::Heatmap];
        }
        let name = match self.preset.id {
            id if id == self.scene.name => self.lang.pick(self.preset.title_en, self.preset.title_zh).to_owned(),
            _ => self.scene.name.clone(),
        };
        let cells = din_draw::sheet::draw_sheet(area, &name, &self.scene, &self.att, self.lang, charts.len(), st).map_err(|e| self.fail(e))?;
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
                let lay = draw::draw_bars(area, &self.scene, &self.att, st).map_err(|e| self.fail(e))?;
                if screen {
                    self.bars_layout = Some(lay);
                }
            }
            Panel::Heatmap => {
                draw::draw_heatmap(area, &self.scene, &self.att, st).map_err(|e| self.fail(e))?;
            }
            Panel::Map => {
                // The page's own map canvas is drawn by render_map.
                let (w, h) = area.dim_in_pixel();
                let catalogue = self.catalogue();
                let view = draw::fit_map_view(&self.scene, &self.att, &self.basis, w, h, st, catalogue.as_deref());
                draw::draw_map(area, &self.scene, &self.att, &self.basis, Some(view), catalogue.as_deref(), st).map_err(|e| self.fail(e))?;
            }
            Panel::Steps => {
                let lay = din_draw::lecture::draw_steps_at(area, &self.scene, &self.att, self.step.unwrap_or(usize::MAX), self.sum_progress, st).map_err(|e| self.fail(e))?;
                if screen {
                    self.steps_layout = Some(lay);
                }
            }
            Panel::Qkv => {
                let lay = din_draw::lecture::draw_qkv(area, &self.scene, &self.att, st).map_err(|e| self.fail(e))?;
                if screen {
                    self.qkv_rows = lay.rows;
                }
            }
            Panel::Towers => {
                din_draw::lecture::draw_towers(area, &self.scene, &self.att, self.placement, st).map_err(|e| self.fail(e))?;
            }
            Panel::Unit => {
                let unit = self.scene.unit().map_err(|e| self.fail(e))?;
                let item = self.highlight.unwrap_or(self.selected);
                din_draw::unit_panel::draw_unit(area, &self.scene, unit, item, st).map_err(|e| self.fail(e))?;
            }
            Panel::Controls | Panel::Readout => {}
        }
        Ok(())
    }

    fn backend(&self, c: &HtmlCanvasElement) -> Result<Back<'static>, JsValue> {
        self.canvas(c).map(Either::Left)
    }

    fn canvas(&self, c: &HtmlCanvasElement) -> Result<Canvas, JsValue> {
        Canvas::new(c.clone()).ok_or_else(|| self.fail(message("E_CANVAS", "the canvas has no 2-D context".into(), "画布没有 2D 绘图上下文".into())))
    }

    /// Draws the page's map canvas. Its layout (the view, the points) is
    /// kept for hit testing and dragging.
    fn render_map(&mut self, canvas: &HtmlCanvasElement, st: &Style) -> Result<(), JsValue> {
        let (w, h) = (canvas.width(), canvas.height());
        let catalogue = self.catalogue();
        let rect = draw::map_plot_rect(w, h, st, catalogue.as_deref());
        let (basis, view) = match &self.drag {
            Some(d) => (d.basis.clone(), d.view),
            None => {
                let v = self
                    .sticky_view(rect, catalogue.as_deref())
                    .unwrap_or_else(|| draw::fit_map_view(&self.scene, &self.att, &self.basis, w, h, st, catalogue.as_deref()));
                (self.basis.clone(), v)
            }
        };
        let target = self.canvas(canvas)?;
        self.paint_map_background(&target, &basis, &view, catalogue.as_ref(), st)?;
        let mut front = st.clone();
        front.prepainted = true;
        let area = Back::Left(target).into_drawing_area();
        let lay = draw::draw_map(&area, &self.scene, &self.att, &basis, Some(view), catalogue.as_deref(), &front).map_err(|e| self.fail(e))?;
        area.present().map_err(|e| self.fail(din_draw::draw::DrawError(e.to_string())))?;
        if self.drag.is_none() {
            self.view = Some(lay.view);
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
                    .ok_or_else(|| self.fail(message("E_CANVAS", "could not make an off-screen canvas".into(), "无法创建离屏画布".into())))?,
            };
            image.set_width(key.size.0);
            image.set_height(key.size.1);
            let area = self.backend(&image)?.into_drawing_area();
            draw::draw_map_background(&area, &self.scene, basis, view, catalogue.map(|c| &**c), st).map_err(|e| self.fail(e))?;
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
        if !self.show_density {
            return None;
        }
        let mut cache = self.catalogue_cache.borrow_mut();
        if let Some((k, c)) = cache.as_ref() {
            if din_core::catalogue::same_inputs(k, &self.scene) {
                return Some(c.clone());
            }
        }
        let c = std::rc::Rc::new(din_core::catalogue::score(&self.scene));
        *cache = Some((self.scene.clone(), c.clone()));
        Some(c)
    }

    /// Shows or hides the map's catalogue of candidate items (paper Fig. 6).
    #[wasm_bindgen(js_name = setDensity)]
    pub fn set_density(&mut self, on: bool) {
        self.show_density = on;
    }

    /// Keeps the previous view while every point is still inside it and the
    /// points still fill a fair part of it, so the map does not zoom at every
    /// slider tick or jump when a drag ends; refits otherwise.
    fn sticky_view(&self, rect: (f64, f64, f64, f64), catalogue: Option<&ScoredCatalogue>) -> Option<View> {
        let old = self.view?;
        if old.px != rect {
            return None;
        }
        let pts = draw::map_fit_points(&self.scene, &self.att, &self.basis, catalogue);
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
            self.drag = Some(Drag { target, basis: self.basis.clone(), view: lay.view });
        }
        self.map_hit(x_css, y_css)
    }

    /// Moves the dragged vector so that its projection is under the pointer
    /// (only along the two map axes; numbers kept to 3 decimals). Returns
    /// false when no drag is in progress.
    #[wasm_bindgen(js_name = mapPointerMove)]
    pub fn map_pointer_move(&mut self, x_css: f64, y_css: f64) -> Result<bool, JsValue> {
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
        let att = next.validate().map_err(|e| self.fail(e))?;
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
    pub fn nudge_query(&mut self, dx: f64, dy: f64) -> Result<(), JsValue> {
        let Some(view) = self.view else { return Ok(()) };
        let raw = (view.x.1 - view.x.0) / 40.0;
        let mag = 10f64.powf(raw.log10().floor());
        let step = if raw / mag < 2.0 { mag } else if raw / mag < 5.0 { 2.0 * mag } else { 5.0 * mag };
        let (px, py) = self.basis.project(&self.scene.query);
        let moved: Vec<f64> =
            self.basis.lift(&self.scene.query, (px + dx * step, py + dy * step)).into_iter().map(rounded).collect();
        let mut next = self.scene.clone();
        next.query = moved;
        let att = next.validate().map_err(|e| self.fail(e))?;
        self.apply(next, att);
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
                "progress": self.sum_progress,
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
    // ------------------------------------------------------------ view options

    /// The view options as JSON `{theme, font, panels, embed, density, placement, view, tab}`.
    #[wasm_bindgen(js_name = viewJson)]
    pub fn view_json(&self) -> String {
        self.view_value().to_string()
    }

    fn view_value(&self) -> serde_json::Value {
        let panels: Vec<&str> = self.panels.iter().map(|p| p.name()).collect();
        serde_json::json!({
            "theme": self.theme.name(), "font": self.font_scale, "panels": panels, "embed": self.embed,
            "density": self.show_density, "placement": urlstate::placement_name(self.placement),
            "view": self.layout.name(), "tab": self.tab.name(),
        })
    }

    /// Sets view options from JSON (any of the keys of [`App::view_json`]),
    /// or throws and changes nothing.
    #[wasm_bindgen(js_name = setView)]
    pub fn set_view(&mut self, text: &str) -> Result<(), JsValue> {
        let v = din_core::scene::parse_state(text).map_err(|e| self.fail(e))?;
        let view = din_core::options::view_patch(&v).map_err(|e| self.fail(e))?;
        self.set_view_checked(view);
        Ok(())
    }

    fn set_view_checked(&mut self, v: ViewPatch) {
        if let Some(t) = v.theme {
            self.theme = t;
        }
        if let Some(f) = v.font {
            self.font_scale = f;
        }
        if let Some(p) = v.panels {
            self.panels = p;
        }
        if let Some(e) = v.embed {
            self.embed = e;
        }
        if let Some(d) = v.density {
            self.show_density = d;
        }
        if let Some(p) = v.placement {
            self.placement = p;
        }
        if let Some(l) = v.layout {
            self.layout = l;
        }
        if let Some(t) = v.tab {
            self.tab = t;
        }
    }

    // ------------------------------------------------------------ lecture mode (issue 11 §5)

    /// Lecture mode's tab strip and layout as JSON `{tabs, shown, barsMin}`:
    /// the tabs ([`din_core::options::tabs_for`] the panels listed), the one
    /// shown ([`din_core::options::shown_tab`]; `null` when none is listed),
    /// and the least CSS height of the bar chart ([`draw::bars_min_height_for`]).
    #[wasm_bindgen(js_name = lectureJson)]
    pub fn lecture_json(&self) -> String {
        let tabs: Vec<&str> = din_core::options::tabs_for(&self.panels).iter().map(|p| p.name()).collect();
        let shown = din_core::options::shown_tab(self.tab, &self.panels).map(Panel::name);
        let bars_min = draw::bars_min_height_for(self.scene.items.len(), &self.style(1.0));
        serde_json::json!({ "tabs": tabs, "shown": shown, "barsMin": bars_min }).to_string()
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

    // ------------------------------------------------------------ URL state

    fn url_state(&self) -> UrlState {
        UrlState {
            scene: self.scene.clone(),
            step: self.step,
            lang: Some(self.lang),
            theme: self.theme,
            font_scale: self.font_scale,
            panels: (self.panels != Panel::ALL).then(|| self.panels.clone()),
            embed: self.embed,
            density: self.show_density,
            placement: self.placement,
            layout: self.layout,
            tab: self.tab,
        }
    }

    /// The state as URL parameters, as JSON `{ok: true, text}`, or
    /// `{ok: false, len, max, message}` when the scene is too large for a
    /// link (the message suggests the JSON export).
    #[wasm_bindgen(js_name = urlState)]
    pub fn url_state_json(&self) -> String {
        // Edited items go into the link with at least two characters per
        // number: a large edited LastN is known to be too long without
        // writing megabytes of text on every edit.
        let n = self.scene.items.len();
        let d = self.scene.dim();
        let surely_too_long = n.saturating_mul(d + 1).saturating_mul(2) > urlstate::MAX_LINK && self.scene.items != self.origin.items;
        let encoded = if surely_too_long {
            Err(urlstate::TooLarge { len: n.saturating_mul(d + 1).saturating_mul(2), max: urlstate::MAX_LINK })
        } else {
            urlstate::encode(&self.url_state(), &self.origin)
        };
        match encoded {
            Ok(text) => serde_json::json!({ "ok": true, "text": text }).to_string(),
            Err(e) => {
                let (en, zh) = (
                    format!("This scene ({n} items, d = {d}) is too large for a link (links hold at most {} characters): it is not in the address bar. Save it as a JSON scene instead.", e.max),
                    format!("当前场景（{n} 个物品，d = {d}）太大，无法放进链接（链接最多 {} 个字符），地址栏中没有保存它。请导出 JSON 场景。", e.max),
                );
                let text = if self.lang == Lang::Zh { zh } else { en };
                serde_json::json!({ "ok": false, "len": e.len, "max": e.max, "message": text }).to_string()
            }
        }
    }

    /// Applies URL parameters (`query` and `hash`, the hash winning per
    /// key). With `keep` they go on top of the current state (an attribute
    /// of the custom element changed, `din.applyParams`); without, they
    /// define the whole state (page load, hashchange). Invalid parameters
    /// are skipped and keep the value on screen, so the result is the
    /// nearest valid state; returns their messages as a JSON array of
    /// strings in the interface language.
    ///
    /// The text is read once, whatever its number of parts, and the result
    /// is put on screen once: the cost is the text's length plus the
    /// scene's size, not their product.
    #[wasm_bindgen(js_name = applyParams)]
    pub fn apply_params(&mut self, query: js_sys::JsString, hash: js_sys::JsString, keep: bool) -> String {
        self.drag = None;
        let texts = self.text_of(&query, "the link", "链接").and_then(|q| Ok((q, self.text_of(&hash, "the link", "链接")?)));
        let (query, hash) = match texts {
            Ok(t) => t,
            Err(e) => {
                let msg = js_sys::Error::from(e).message();
                return serde_json::json!([String::from(msg)]).to_string();
            }
        };
        let current = self.current_link();
        self.work.decodes += 1;
        let decoded = if keep {
            match &current {
                Some(link) => urlstate::decode_over(link, &hash),
                None => urlstate::decode_onto(&self.url_state(), &self.origin, &hash),
            }
        } else {
            urlstate::decode_keeping(current.as_deref(), &query, &hash)
        };
        let st = decoded.state;
        if let Ok(att) = st.scene.validate() {
            if let Some(p) = presets::preset(&st.scene.name) {
                self.preset = p;
            } else {
                self.preset = presets::blank(st.scene.dim().max(1));
            }
            self.origin = decoded.origin;
            self.install(st.scene, att);
        }
        if let Some(l) = st.lang {
            self.lang = l;
        }
        let step = st.step.map(|s| s.min(din_draw::lecture::steps_total(self.scene.items.len()) - 1));
        if step != self.step {
            self.sum_progress = 1.0;
        }
        self.step = step;
        self.theme = st.theme;
        self.font_scale = st.font_scale;
        self.panels = st.panels.unwrap_or_else(|| Panel::ALL.to_vec());
        self.embed = st.embed;
        self.show_density = st.density;
        self.placement = st.placement;
        self.layout = st.layout;
        self.tab = st.tab;
        // Lecture mode follows the step-through: a step named without a tab shows the steps tab.
        let named = |key: &str| {
            [query.as_str(), hash.as_str()]
                .iter()
                .flat_map(|t| t.trim_start_matches(['#', '?']).split('&'))
                .any(|kv| kv.split('=').next() == Some(key))
        };
        if named("step") && !named("tab") && self.step.is_some() {
            self.follow_step();
        }
        if self.selected >= self.scene.items.len() {
            self.selected = 0;
        }
        let msgs: Vec<String> = decoded.problems.iter().map(|m| m.message(self.lang)).collect();
        serde_json::json!(msgs).to_string()
    }

    /// The state on screen as link text within [`urlstate::MAX_URL`], or
    /// `None` when it is larger (a big edited LastN: known without writing
    /// megabytes of text, each number taking at least two characters).
    fn current_link(&mut self) -> Option<String> {
        let (n, d) = (self.scene.items.len(), self.scene.dim());
        if n.saturating_mul(d + 1).saturating_mul(2) > urlstate::MAX_URL && self.scene.items != self.origin.items {
            return None;
        }
        self.work.encodes += 1;
        urlstate::encode_with_limit(&self.url_state(), &self.origin, urlstate::MAX_URL).ok()
    }

    /// How often the expensive steps ran since the app was made, as JSON
    /// `{installs, encodes, decodes, validations}` (validations counts every
    /// scene validated on this thread): for tests that assert on work done.
    #[wasm_bindgen(js_name = workJson)]
    pub fn work_json(&self) -> String {
        let w = self.work;
        serde_json::json!({
            "installs": w.installs, "encodes": w.encodes, "decodes": w.decodes,
            "validations": din_core::scene::validations(),
        })
        .to_string()
    }

    /// Text from JavaScript as a Rust string, or the refusal of a lone
    /// surrogate (which the conversion would silently turn into U+FFFD):
    /// every channel that takes text refuses it the same way.
    fn text_of(&self, text: &js_sys::JsString, what: &str, what_zh: &str) -> Result<String, JsValue> {
        let well_formed = match text.unchecked_ref::<JsText>().is_well_formed() {
            Ok(ok) => ok,
            // A browser without String.prototype.isWellFormed.
            Err(_) => text.is_valid_utf16(),
        };
        if !well_formed {
            return Err(self.fail(din_core::errors::lone_surrogate(what, what_zh)));
        }
        Ok(String::from(text))
    }

    // ------------------------------------------------------------ undo, redo, reset

    /// Forgets the undo history: the scene on screen becomes its start
    /// (after the page has applied its link on load).
    #[wasm_bindgen(js_name = clearHistory)]
    pub fn clear_history(&mut self) {
        self.history.reset(self.scene.clone());
    }

    /// Ends an undo step: the scene as it is now becomes one step of history.
    pub fn commit(&mut self) {
        self.history.commit(&self.scene);
    }

    /// Goes back one step; false when there is nothing to undo.
    pub fn undo(&mut self) -> bool {
        match self.history.undo(&self.scene) {
            Some(s) => self.restore(s),
            None => false,
        }
    }

    /// Goes forward one step; false when there is nothing to redo.
    pub fn redo(&mut self) -> bool {
        match self.history.redo(&self.scene) {
            Some(s) => self.restore(s),
            None => false,
        }
    }

    #[wasm_bindgen(js_name = canUndo)]
    pub fn can_undo(&self) -> bool {
        self.history.can_undo() || self.scene != *self.history.committed()
    }

    #[wasm_bindgen(js_name = canRedo)]
    pub fn can_redo(&self) -> bool {
        self.history.can_redo()
    }

    /// A sentence saying how many old undo steps were dropped to keep the
    /// history within its memory budget since the last call, or "".
    #[wasm_bindgen(js_name = historyNote)]
    pub fn history_note(&mut self) -> String {
        match self.history.take_dropped() {
            0 => String::new(),
            dropped => din_core::scene_history::dropped_note(dropped, self.history.undo_steps(), self.lang),
        }
    }

    /// Bytes the undo history holds now (at most 64 MiB).
    #[wasm_bindgen(js_name = historyBytes)]
    pub fn history_bytes(&self) -> f64 {
        self.history.bytes() as f64
    }

    fn restore(&mut self, s: Scene) -> bool {
        let Ok(att) = s.validate() else { return false };
        if s.name != self.scene.name {
            if let Some(p) = presets::preset(&s.name) {
                self.preset = p;
            }
        }
        self.drag = None;
        self.install(s, att);
        if let Some(step) = self.step {
            self.step = Some(step.min(din_draw::lecture::steps_total(self.scene.items.len()) - 1));
        }
        if self.selected >= self.scene.items.len() {
            self.selected = 0;
        }
        true
    }

    /// Back to the scene as it was loaded (undoable).
    #[wasm_bindgen(js_name = resetScene)]
    pub fn reset_scene(&mut self) -> Result<(), JsValue> {
        self.history.commit(&self.scene);
        let origin = self.origin.clone();
        if !self.restore(origin) {
            return Err(self.fail(message("E_INVALID", "the scene could not be reset".into(), "无法重置场景".into())));
        }
        Ok(())
    }

    // ------------------------------------------------------------ import and export

    /// Imports CSV/TSV item rows or a JSON scene (see `import::import_text`);
    /// returns a note saying what was imported, or throws naming the line
    /// and column of the first problem and changes nothing. A JSON state's
    /// language, step and view options are applied too (checked first).
    #[wasm_bindgen(js_name = importText)]
    pub fn import_text(&mut self, text: js_sys::JsString) -> Result<String, JsValue> {
        let text = self.text_of(&text, "the imported text", "导入的文本")?;
        let imported = din_core::import::import_text_full(&text, &self.scene).map_err(|e| self.fail(e))?;
        let extras = match &imported.view {
            Some(view) => Some(self.state_extras(&serde_json::Value::Object(view.clone()), imported.scene.items.len())?),
            None => None,
        };
        self.history.commit(&self.scene);
        let scene = imported.scene;
        let preset = presets::preset(&scene.name).unwrap_or_else(|| presets::blank(scene.dim().max(1)));
        self.replace_scene(preset, scene)?;
        if let Some((view, lang, step)) = extras {
            self.set_view_checked(view);
            self.lang = lang;
            self.step = step;
        }
        Ok(if self.lang == Lang::Zh { imported.zh } else { imported.en })
    }

    /// The language, step and view options of a state object, checked
    /// together (`n` is the number of items the step is for).
    fn state_extras(&self, v: &serde_json::Value, n: usize) -> Result<(ViewPatch, Lang, Option<usize>), JsValue> {
        let view = din_core::options::view_patch(v).map_err(|e| self.fail(e))?;
        let lang = match v.get("lang") {
            None => self.lang,
            Some(serde_json::Value::String(l)) => l.parse::<Lang>().map_err(|e| self.fail(message("E_LANG", format!("lang: {e}"), format!("lang：未知的语言 \"{l}\"，请用 \"en\" 或 \"zh\""))))?,
            Some(other) => return Err(self.fail(message("E_LANG", format!("lang must be \"en\" or \"zh\", not {other}"), format!("lang 必须是 \"en\" 或 \"zh\"，而不是 {other}")))),
        };
        let step = match v.get("step") {
            None => self.step.map(|st| st.min(din_draw::lecture::steps_total(n) - 1)),
            Some(serde_json::Value::Null) => None,
            Some(x) => Some(parse_step(x, n).map_err(|e| self.fail(e))?),
        };
        Ok((view, lang, step))
    }

    /// Imports the Embedding Projector's two files: `vectors` (vectors.tsv)
    /// and `metadata` (metadata.tsv).
    #[wasm_bindgen(js_name = importProjector)]
    pub fn import_projector(&mut self, vectors: js_sys::JsString, metadata: js_sys::JsString) -> Result<String, JsValue> {
        let vectors = self.text_of(&vectors, "vectors.tsv", "vectors.tsv ")?;
        let metadata = self.text_of(&metadata, "metadata.tsv", "metadata.tsv ")?;
        let items = din_core::import::parse_projector(&vectors, &metadata).map_err(|e| self.fail(e))?;
        let n = items.len();
        let mut next = self.scene.clone();
        next.name = "imported".into();
        next.candidate.clear();
        let d = items.first().map_or(0, |it| it.vector.len());
        let mut note_en = format!("Imported {n} items with d = {d} from vectors.tsv and metadata.tsv.");
        let mut note_zh = format!("已从 vectors.tsv 和 metadata.tsv 导入 {n} 个物品，d = {d}。");
        if next.query.len() != d && n > 0 {
            next.query = (0..d).map(|k| rounded(items.iter().map(|it| it.vector[k]).sum::<f64>() / n as f64)).collect();
            note_en.push_str(" q was set to the items' mean (its d differed).");
            note_zh.push_str(" q 的维度不同，已设为这些物品的平均。");
        }
        next.items = items;
        next.validate().map_err(|e| self.fail(e))?;
        self.history.commit(&self.scene);
        self.replace_scene(presets::blank(d.max(1)), next)?;
        Ok(if self.lang == Lang::Zh { note_zh } else { note_en })
    }

    /// Refuses a file of `bytes` bytes before the page reads it, when it is
    /// over the import limit (the message names the file and the limit).
    #[wasm_bindgen(js_name = checkImportSize)]
    pub fn check_import_size(&self, name: &str, bytes: f64) -> Result<(), JsValue> {
        din_core::import::check_size(name, bytes).map_err(|e| self.fail(e))
    }

    /// The pixel size `[width, height]` of a PNG export at `factor` ×
    /// 1920 × 1080, or throws when `factor` is not a finite number from
    /// 0.25 to 4.
    #[wasm_bindgen(js_name = pngSize)]
    pub fn png_size(&self, factor: f64) -> Result<Vec<u32>, JsValue> {
        let (w, h) = din_core::export::png_size(factor).map_err(|e| self.fail(e))?;
        Ok(vec![w, h])
    }

    // ------------------------------------------------------------ last good scene

    /// The state without the items, as JSON (see `snapshot::head`): the
    /// scene's fields, `n`, `d`, the language, the step and the view options.
    #[wasm_bindgen(js_name = snapshotHead)]
    pub fn snapshot_head(&self) -> String {
        let mut m = din_core::snapshot::head(&self.scene);
        m.insert("lang".into(), self.lang.code().into());
        m.insert("step".into(), self.step.map_or(serde_json::Value::Null, |s| s.into()));
        if let serde_json::Value::Object(view) = self.view_value() {
            m.extend(view);
        }
        serde_json::Value::Object(m).to_string()
    }

    /// The items' labels as a JSON array.
    #[wasm_bindgen(js_name = snapshotLabels)]
    pub fn snapshot_labels(&self) -> String {
        din_core::snapshot::labels_json(&self.scene)
    }

    /// The items' vectors, row by row, as one `Float64Array` of n × d
    /// numbers made in JavaScript memory (the wasm memory does not grow).
    #[wasm_bindgen(js_name = snapshotValues)]
    pub fn snapshot_values(&self) -> js_sys::Float64Array {
        let d = self.scene.dim();
        let out = js_sys::Float64Array::new_with_length((self.scene.items.len() * d) as u32);
        for (i, it) in self.scene.items.iter().enumerate() {
            out.subarray((i * d) as u32, ((i + 1) * d) as u32).copy_from(&it.vector);
        }
        out
    }

    /// Puts a saved state back (the three parts above): the scene, checked
    /// as `din.setState` checks it, its language, step and view options.
    /// Throws and changes nothing when the parts do not make a valid state.
    #[wasm_bindgen(js_name = restoreSnapshot)]
    pub fn restore_snapshot(&mut self, head: &str, labels: &str, values: &[f64]) -> Result<(), JsValue> {
        let h = din_core::scene::parse_state(head).map_err(|e| self.fail(e))?;
        let (scene, att) = din_core::snapshot::rebuild(&self.scene, &h, labels, values).map_err(|e| self.fail(e))?;
        let (view, lang, step) = self.state_extras(&h, scene.items.len())?;
        self.history.commit(&self.scene);
        let preset = presets::preset(&scene.name).unwrap_or_else(|| presets::blank(scene.dim().max(1)));
        self.preset = preset;
        self.origin = scene.clone();
        self.drag = None;
        self.install(scene, att);
        self.set_view_checked(view);
        self.lang = lang;
        self.step = step;
        if self.selected >= self.scene.items.len() {
            self.selected = 0;
        }
        Ok(())
    }

    /// What the page says about the last good scene, in the interface
    /// language: `kind` is `offer` (the overlay), `restored` (after the
    /// reload), `unsaved` (the overlay, nothing saved) or `nothing` (after
    /// the reload, nothing saved); `info` is JSON `{scene, n, d, time, lost, failure}`.
    #[wasm_bindgen(js_name = restoreNote)]
    pub fn restore_note(&self, kind: &str, info: &str) -> String {
        use din_core::snapshot::NoteKind;
        let kind = match kind {
            "offer" => NoteKind::Offer,
            "restored" => NoteKind::Restored,
            "unsaved" => NoteKind::Unsaved,
            _ => NoteKind::Nothing,
        };
        let v: serde_json::Value = serde_json::from_str(info).unwrap_or(serde_json::Value::Null);
        din_core::snapshot::note(kind, &din_core::snapshot::SavedInfo::from_json(&v), self.lang)
    }

    /// The scene as pretty JSON (importable again).    /// The scene as pretty JSON (importable again).
    #[wasm_bindgen(js_name = sceneJson)]
    pub fn scene_json(&self) -> String {
        serde_json::to_string_pretty(&self.scene.to_json()).unwrap_or_default()
    }

    /// CSV of every item's score and alpha and of q, pooled and mean.
    #[wasm_bindgen(js_name = resultCsv)]
    pub fn result_csv(&self) -> String {
        din_core::export::result_csv(&self.scene, &self.att)
    }

    /// CSV of the LastN items (label, then the numbers), importable again.
    #[wasm_bindgen(js_name = itemsCsv)]
    pub fn items_csv(&self) -> String {
        din_core::export::items_csv(&self.scene)
    }

    // ------------------------------------------------------------ text alternative

    /// What the charts show, as text for screen readers: JSON with the
    /// step caption, a sentence about the map, and two tables (the weights
    /// of the top items; q, pooled and mean by component).
    #[wasm_bindgen(js_name = altJson)]
    pub fn alt_json(&self) -> String {
        let s = &self.scene;
        let a = &self.att;
        let lang = self.lang;
        let n = s.items.len();
        // While the step-through is on, the text says no more than the charts do.
        let reveal = din_core::steps::Reveal::at(self.step, n);
        let top = draw::shown_rows_revealed(&a.alpha, &reveal);
        let hidden = "?".to_owned();
        let alpha_rows: Vec<Vec<String>> = top
            .iter()
            .map(|&i| {
                let known = reveal.is_all() || reveal.alpha(i);
                let (sc, al) = if known { (draw::fmt_num(a.scores[i]), draw::fmt_num(a.alpha[i])) } else { (hidden.clone(), hidden.clone()) };
                vec![format!("x{}", i + 1), s.items[i].label.clone(), sc, al]
            })
            .collect();
        let more = n.saturating_sub(top.len());
        let alpha_caption = if !reveal.is_all() {
            lang.pick(
                "Attention weights α of the LastN items (step-through on: “?” until its step)",
                "LastN 物品的注意力权重 α（分步演示中：到相应步骤前显示为“？”）",
            )
            .to_owned()
        } else if more > 0 {
            format!("{} {}", lang.pick("Weights α of the 30 items with the largest α; not listed:", "α 最大的 30 个物品的权重；未列出："), more)
        } else {
            lang.pick("Attention weights α of the LastN items", "LastN 物品的注意力权重 α").to_owned()
        };
        let d = s.dim();
        let dims = d.min(64);
        let vec_rows: Vec<Vec<String>> = [("q", &s.query, true), (lang.pick("pooled", "加权和"), &a.pooled, reveal.results), (lang.pick("mean", "平均"), &a.mean, reveal.results)]
            .iter()
            .map(|(name, v, known)| {
                std::iter::once((*name).to_owned())
                    .chain(v.iter().take(dims).map(|x| if *known { draw::fmt_num(*x) } else { hidden.clone() }))
                    .collect()
            })
            .collect();
        let mut vec_head = vec![lang.pick("vector", "向量").to_owned()];
        vec_head.extend((1..=dims).map(|k| k.to_string()));
        let nearest = (0..n).max_by(|&i, &j| a.alpha[i].total_cmp(&a.alpha[j]));
        let map = match nearest {
            Some(_) if !reveal.results => lang
                .pick(
                    "Step-through on: the weights appear one step at a time; pooled and mean at the weighted-sum step.",
                    "分步演示中：权重逐步出现；加权和与平均在“加权和”一步出现。",
                )
                .to_owned(),
            Some(i) => format!(
                "{} x{} {} (α = {}). Σα = {}, |{}| = {}, |{}| = {}.",
                lang.pick("The largest weight goes to", "权重最大的是"),
                i + 1,
                s.items[i].label,
                draw::fmt_num(a.alpha[i]),
                draw::fmt_num(a.alpha_sum),
                lang.pick("pooled", "加权和"),
                draw::fmt_num(a.pooled_norm),
                lang.pick("mean", "平均"),
                draw::fmt_num(a.mean_norm)
            ),
            None => lang.pick("The LastN is empty.", "LastN 为空。").to_owned(),
        };
        let map = match self.catalogue() {
            Some(c) => format!("{map} {}", c.summary(lang)),
            None => map,
        };
        let step = match self.step {
            Some(k) => din_draw::lecture::steps_caption(s, a, k.min(din_draw::lecture::steps_total(n) - 1), lang),
            None => String::new(),
        };
        serde_json::json!({
            "step": step, "map": map,
            "alphaCaption": alpha_caption,
            "alphaHead": [lang.pick("item", "物品"), lang.pick("label", "名称"), lang.pick("similarity", "相似度"), "α"],
            "alphaRows": alpha_rows,
            "vectorsCaption": if reveal.results {
                lang.pick("q, the weighted sum (pooled) and the mean, by component", "q、加权和与平均，按分量")
            } else {
                lang.pick("q, the weighted sum (pooled) and the mean, by component (step-through on: pooled and mean appear at the weighted-sum step)", "q、加权和与平均，按分量（分步演示中：加权和与平均在“加权和”一步出现）")
            },
            "vectorsHead": vec_head,
            "vectorsRows": vec_rows,
        })
        .to_string()
    }

}

fn tr_pick(lang: Lang, en: &'static str, zh: &'static str) -> String {
    lang.pick(en, zh).to_owned()
}

fn parse_step(v: &serde_json::Value, n: usize) -> Result<usize, Message> {
    let total = din_draw::lecture::steps_total(n);
    match v.as_f64() {
        Some(x) if x.is_finite() && x >= 0.0 && x.fract() == 0.0 && x <= (total - 1) as f64 => Ok(x as usize),
        _ => Err(message(
            "E_STEP",
            format!("step must be a whole number from 0 to {}, not {v}", total - 1),
            format!("step 必须是 0 到 {} 的整数，而不是 {v}", total - 1),
        )),
    }
}

// The numbers the shell (www/) used to compute, exported (issue 12, the www side).
#[path = "web_shell.rs"]
mod shell;

/// Draws nothing and panics: exists only in builds with the `panic-trigger`
/// feature, so tests can prove the page reports a panic.
#[cfg(feature = "panic-trigger")]
#[wasm_bindgen(js_name = debugPanic)]
pub fn debug_panic() {
    panic!("deliberate panic from debugPanic() (test build only)");
}
