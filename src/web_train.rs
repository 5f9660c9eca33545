//! The train panel's exports: the main thread only draws. The train
//! worker (`www/train-worker.js`, the separate `din-train-web` module)
//! trains and sends its view as JSON text; these functions read it with
//! [`din_core::train_view`] and draw one of the panel's charts with
//! [`din_draw::train`] on a canvas. (Model files are read in the worker,
//! which has din-core's model format anyway: the page's wasm stays
//! without it.)

use crate::canvas::Canvas;
use din_core::i18n::Lang;
use din_core::options::Theme;
use din_core::train_view::TrainView;
use din_draw::draw::Style;
use plotters::prelude::*;
use wasm_bindgen::prelude::*;
use web_sys::HtmlCanvasElement;

fn error(en: &str, zh: &str, code: &str) -> JsValue {
    let err = js_sys::Error::new(en);
    let _ = js_sys::Reflect::set(&err, &JsValue::from_str("zh"), &JsValue::from_str(zh));
    let _ = js_sys::Reflect::set(&err, &JsValue::from_str("code"), &JsValue::from_str(code));
    err.into()
}

/// Draws `chart` (`"curves"`, `"attention"` or `"map"`) of the worker's
/// view `view_json` on `canvas` (already sized by the page) in `lang`
/// (`en`/`zh`) and `theme`, at pixel ratio `scale`, its text at the
/// widget's text size `font_scale` (clamped to the option's range, as the
/// widget's charts are).
#[wasm_bindgen(js_name = drawTrain)]
pub fn draw_train(chart: &str, canvas: HtmlCanvasElement, view_json: &str, lang: &str, theme: &str, scale: f64, font_scale: f64) -> Result<(), JsValue> {
    din_draw::draw::set_text_measure(crate::web::measure_text);
    let view = TrainView::from_json(view_json).map_err(|e| error(&e, &e, "E_TRAIN_VIEW"))?;
    let mut st = Style::new(scale).with_font_scale(font_scale);
    st.lang = lang.parse::<Lang>().unwrap_or(Lang::En);
    st.theme = theme.parse::<Theme>().unwrap_or(Theme::Light);
    let back = Canvas::new(canvas).ok_or_else(|| error("the canvas has no 2-D context", "画布没有 2D 绘图上下文", "E_CANVAS"))?;
    let area = back.into_drawing_area();
    let drawn = match chart {
        "curves" => din_draw::train::draw_train_curves(&area, &view, &st),
        "attention" => din_draw::train::draw_train_attention(&area, &view, &st),
        "map" => din_draw::train::draw_train_map(&area, &view, &st),
        _ => {
            return Err(error(
                &format!("chart \"{chart}\": expected \"curves\", \"attention\" or \"map\""),
                &format!("图表 \"{chart}\"：应为 \"curves\"、\"attention\" 或 \"map\""),
                "E_INVALID",
            ))
        }
    };
    drawn.map_err(|e| error(&e.0, &e.0, "E_DRAW"))?;
    area.present().map_err(|e| error(&e.to_string(), &e.to_string(), "E_DRAW"))
}

