//! The code a split page would load on first use (tests/bench/split/):
//! the lecture panels, the unit panel, the export sheet and SVG, the
//! importers and the train panel's charts, behind a text boundary. A second
//! wasm instance has its own memory, so it gets the scene as text and
//! carries its own copy of everything those panels use from din-core and
//! din-draw (the scene, the state codec, attention, styles, plotters, the
//! canvas backend): that copy is what the measurement is about. Built only
//! by measure.sh, to weigh it; it is not a second implementation of the page.

#[path = "../../../src/canvas.rs"]
mod canvas;

use canvas::Canvas;
use din_core::session::Session;
use din_draw::draw::Style;
use din_draw::either::Either;
use plotters::prelude::*;
use wasm_bindgen::prelude::*;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

thread_local! {
    static MEASURE: Option<CanvasRenderingContext2d> = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.create_element("canvas").ok())
        .and_then(|e| e.dyn_into::<HtmlCanvasElement>().ok())
        .and_then(|c| c.get_context("2d").ok().flatten())
        .and_then(|c| c.dyn_into::<CanvasRenderingContext2d>().ok());
}

fn measure(text: &str, font: &str) -> Option<f64> {
    MEASURE.with(|c| {
        let c = c.as_ref()?;
        c.set_font(font);
        c.measure_text(text).ok().map(|m| m.width())
    })
}

fn refused(e: impl std::fmt::Debug) -> JsValue {
    JsValue::from_str(&format!("{e:?}"))
}

/// The page's session rebuilt from its texts: the scene (`sceneJson`) and the view state (`stateJson`).
fn session(scene: &str, state: &str) -> Result<Session, JsValue> {
    let mut s = Session::new();
    s.import_text(scene).map_err(refused)?;
    s.set_state_json(state).map_err(refused)?;
    Ok(s)
}

/// Draws `panel` of the scene on `canvas`, or as SVG text when `svg` is set.
#[wasm_bindgen]
pub fn draw(panel: &str, scene: &str, state: &str, canvas: HtmlCanvasElement, scale: f64, svg: bool) -> Result<String, JsValue> {
    din_draw::draw::set_text_measure(measure);
    let s = session(scene, state)?;
    let st = Style::new(scale);
    let target = Canvas::new(canvas).ok_or_else(|| JsValue::from_str("no 2-D context"))?;
    let mut out = String::new();
    {
        let back: Either<Canvas, SVGBackend> =
            if svg { Either::Right(SVGBackend::with_string(&mut out, (800, 600))) } else { Either::Left(target) };
        let area = back.into_drawing_area();
        let drawn = match panel {
            "steps" => din_draw::lecture::draw_steps_at(&area, &s.scene, &s.att, s.step.unwrap_or(usize::MAX), s.sum_progress, &st).map(|_| ()),
            "qkv" => din_draw::lecture::draw_qkv(&area, &s.scene, &s.att, &st).map(|_| ()),
            "towers" => din_draw::lecture::draw_towers(&area, &s.scene, &s.att, s.placement, &st).map(|_| ()),
            "unit" => {
                let unit = s.scene.unit().map_err(refused)?;
                din_draw::unit_panel::draw_unit(&area, &s.scene, unit, s.selected, &st).map(|_| ())
            }
            "bars" => din_draw::draw::draw_bars(&area, &s.scene, &s.att, &st).map(|_| ()),
            "heatmap" => din_draw::draw::draw_heatmap(&area, &s.scene, &s.att, &st).map(|_| ()),
            "map" => din_draw::draw::draw_map(&area, &s.scene, &s.att, &s.basis, None, None, &st).map(|_| ()),
            _ => din_draw::sheet::draw_sheet(&area, &s.scene.name, &s.scene, &s.att, s.lang, 3, &st).map(|_| ()),
        };
        drawn.map_err(|e| JsValue::from_str(&e.to_string()))?;
        area.present().map_err(|e| JsValue::from_str(&e.to_string()))?;
    }
    Ok(out)
}

/// Imports a file's text (CSV/TSV rows or a JSON scene) and returns the scene as JSON for the page's module.
#[wasm_bindgen(js_name = importText)]
pub fn import_text(text: &str) -> Result<String, JsValue> {
    let mut s = Session::new();
    s.import_text(text).map_err(refused)?;
    Ok(serde_json::to_string(&s.scene.to_json()).unwrap_or_default())
}

/// Imports the Embedding Projector's two files.
#[wasm_bindgen(js_name = importProjector)]
pub fn import_projector(vectors: &str, metadata: &str) -> Result<String, JsValue> {
    let mut s = Session::new();
    s.import_projector(vectors, metadata).map_err(refused)?;
    Ok(serde_json::to_string(&s.scene.to_json()).unwrap_or_default())
}

/// Draws one of the train panel's charts from the worker's view.
#[wasm_bindgen(js_name = drawTrain)]
pub fn draw_train(chart: &str, canvas: HtmlCanvasElement, view_json: &str, scale: f64) -> Result<(), JsValue> {
    din_draw::draw::set_text_measure(measure);
    let view = din_core::train_view::TrainView::from_json(view_json).map_err(refused)?;
    let st = Style::new(scale);
    let back = Canvas::new(canvas).ok_or_else(|| JsValue::from_str("no 2-D context"))?;
    let area = back.into_drawing_area();
    match chart {
        "curves" => din_draw::train::draw_train_curves(&area, &view, &st),
        "attention" => din_draw::train::draw_train_attention(&area, &view, &st),
        _ => din_draw::train::draw_train_map(&area, &view, &st),
    }
    .map_err(|e| JsValue::from_str(&e.0))
}
