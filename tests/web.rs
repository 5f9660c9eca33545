//! Browser tests of the wasm API and of the drawing, run by
//! `wasm-pack test --headless --chrome` and `--firefox`. They assert on
//! returned values, on the JS errors thrown, and on canvas pixels.
#![cfg(target_arch = "wasm32")]

use din_draw::draw::{item_color, POOLED_COLOR, QUERY_COLOR};
use din_viz::web::{attend, App};
use plotters::style::RGBColor;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

wasm_bindgen_test_configure!(run_in_browser);

fn canvas(w: u32, h: u32) -> HtmlCanvasElement {
    let doc = web_sys::window().unwrap().document().unwrap();
    let c: HtmlCanvasElement = doc.create_element("canvas").unwrap().dyn_into().unwrap();
    c.set_width(w);
    c.set_height(h);
    doc.body().unwrap().append_child(&c).unwrap();
    c
}

fn pixel(c: &HtmlCanvasElement, x: f64, y: f64) -> (u8, u8, u8) {
    let ctx: CanvasRenderingContext2d = c.get_context("2d").unwrap().unwrap().dyn_into().unwrap();
    let d = ctx.get_image_data(x.round(), y.round(), 1.0, 1.0).unwrap().data();
    (d[0], d[1], d[2])
}

fn rgb(c: RGBColor) -> (u8, u8, u8) {
    (c.0, c.1, c.2)
}

fn near(a: (u8, u8, u8), b: (u8, u8, u8), tol: i32) -> bool {
    (i32::from(a.0) - i32::from(b.0)).abs() <= tol
        && (i32::from(a.1) - i32::from(b.1)).abs() <= tol
        && (i32::from(a.2) - i32::from(b.2)).abs() <= tol
}

fn error_message(e: impl Into<JsValue>) -> String {
    let v: JsValue = e.into();
    let err = v.dyn_ref::<js_sys::Error>().expect("a JS Error object, not a string");
    String::from(err.message())
}

fn json(s: &str) -> serde_json::Value {
    serde_json::from_str(s).unwrap()
}

#[wasm_bindgen_test]
fn attend_returns_float64_vectors() {
    // q = (1, 1); x1 = (1, 0), x2 = (0, 2), x3 = (-1, -1): s = (1, 2, -2).
    let r = attend(&[1.0, 1.0], &[1.0, 0.0, 0.0, 2.0, -1.0, -1.0], "dot", "softmax", 1.0).unwrap();
    let z = 1f64.exp() + 2f64.exp() + (-2f64).exp();
    let alpha = r.alpha();
    assert_eq!(alpha.len(), 3);
    assert!((alpha[1] - 2f64.exp() / z).abs() < 1e-15);
    assert_eq!(r.mean(), vec![0.0, 1.0 / 3.0]);
    assert!((r.alpha_sum() - 1.0).abs() < 1e-15);
    let r = attend(&[2.0], &[3.0, -1.0], "dot", "none", f64::NAN).unwrap();
    assert_eq!(r.alpha(), vec![6.0, -2.0]);
    assert_eq!(r.pooled(), vec![20.0]);
}

/// query, keys, similarity, normalization, temperature, expected message.
type AttendCase<'a> = (&'a [f64], &'a [f64], &'a str, &'a str, f64, &'a str);

#[wasm_bindgen_test]
fn attend_throws_js_errors_with_messages() {
    let cases: [AttendCase<'_>; 7] = [
        (&[1.0, 2.0], &[1.0; 7], "dot", "none", 1.0, "keys has 7 numbers, not a multiple of d = 2"),
        (&[], &[], "dot", "none", 1.0, "query is empty"),
        (&[f64::NAN], &[], "dot", "none", 1.0, "query[0] is NaN"),
        (&[1.0], &[], "euclid", "none", 1.0, "unknown similarity \"euclid\""),
        (&[1.0], &[], "dot", "sparsemax", 1.0, "unknown normalization"),
        (&[1.0], &[1.0], "dot", "softmax", 0.0, "temperature is 0"),
        (&[1e200, 1e200], &[1e200, 1e200], "dot", "none", 1.0, "too large to represent"),
    ];
    for (q, k, s, n, t, want) in cases {
        let m = error_message(attend(q, k, s, n, t).err().expect("an error"));
        assert!(m.contains(want), "{m:?} should contain {want:?}");
    }
}

fn app(w: u32) -> (App, [HtmlCanvasElement; 3]) {
    let cs = [canvas(w, 420), canvas(w, 520), canvas(w, w * 3 / 4)];
    let a = App::new(cs[0].clone(), cs[1].clone(), cs[2].clone()).unwrap();
    (a, cs)
}

#[wasm_bindgen_test]
fn bars_are_drawn_with_lengths_proportional_to_alpha() {
    for scale in [1.0, 2.0] {
        let w = (800.0 * scale) as u32;
        let (mut a, cs) = app(w);
        cs[0].set_height((420.0 * scale) as u32);
        a.render(scale).unwrap();
        let lay = json(&a.bars_layout_json());
        let alpha: Vec<f64> = serde_json::from_value(json(&a.result_json())["alpha"].clone()).unwrap();
        let zero = lay["zeroX"].as_f64().unwrap();
        let ppu = lay["pxPerUnit"].as_f64().unwrap();
        let bars = lay["bars"].as_array().unwrap();
        assert_eq!(bars.len(), alpha.len());
        for (i, b) in bars.iter().enumerate() {
            let y = (b[0].as_f64().unwrap() + b[1].as_f64().unwrap()) / 2.0;
            let color = rgb(item_color(u16::try_from(i).unwrap()));
            // Measure the bar on the pixels: walk right from the zero line
            // while the pixel has the item's colour.
            let mut x = zero + 3.0 * scale;
            let p0 = pixel(&cs[0], x, y);
            assert!(near(p0, color, 2), "bar {i} starts at zero (scale {scale}): {p0:?} vs {color:?} at {x},{y}");
            while near(pixel(&cs[0], x + 1.0, y), color, 2) {
                x += 1.0;
            }
            let want = alpha[i] * ppu;
            let stop = pixel(&cs[0], x + 1.0, y);
            assert!((x - zero - want).abs() <= 2.0, "bar {i}: drawn {} px, alpha wants {want} px; pixel after: {stop:?} vs {color:?}", x - zero);
        }
    }
}

#[wasm_bindgen_test]
fn map_draws_q_where_it_says_and_drag_moves_it() {
    let (mut a, cs) = app(800);
    a.render(1.0).unwrap();
    let lay = json(&a.map_layout_json());
    let (qx, qy) = (lay["query"][0].as_f64().unwrap(), lay["query"][1].as_f64().unwrap());
    assert!(near(pixel(&cs[2], qx, qy), rgb(QUERY_COLOR), 8), "q's diamond is drawn at its position");
    let before = json(&a.state_json());
    // Issue 12: hits are numbers as barsHit's are (q is -2, nothing -1).
    assert_eq!(a.map_hit(qx, qy), -2.0);
    assert_eq!(a.hit_name(-2.0), "q");
    assert_eq!(a.map_hit(-50.0, -50.0), -1.0);
    assert_eq!(a.map_pointer_down(qx, qy), -2.0);
    assert!(a.map_pointer_move(qx + 60.0, qy - 40.0).unwrap());
    a.render(1.0).unwrap();
    a.map_pointer_up();
    let after = json(&a.state_json());
    assert_ne!(before["query"], after["query"]);
    assert_eq!(before["items"], after["items"], "dragging q leaves the items alone");
    let lay = json(&a.map_layout_json());
    let (nx, ny) = (lay["query"][0].as_f64().unwrap(), lay["query"][1].as_f64().unwrap());
    assert!((nx - qx - 60.0).abs() < 2.0 && (ny - qy + 40.0).abs() < 2.0, "q follows the pointer: {nx},{ny}");
    // The arrow from the mean to pooled is drawn in pooled's colour (issue 11:
    // mean and pooled are points, the arrow shows attention moving the user vector).
    let (px, py) = (lay["pooled"][0].as_f64().unwrap(), lay["pooled"][1].as_f64().unwrap());
    let (mx, my) = (lay["mean"][0].as_f64().unwrap(), lay["mean"][1].as_f64().unwrap());
    let mid = (mx + 0.55 * (px - mx), my + 0.55 * (py - my));
    assert!(near(pixel(&cs[2], mid.0, mid.1), rgb(POOLED_COLOR), 30), "mean → pooled arrow at {mid:?}");
}

#[wasm_bindgen_test]
fn map_catalogue_markers_are_drawn_in_the_colours_of_their_scores() {
    let (mut a, cs) = app(800);
    a.render(1.0).unwrap();
    let lay = json(&a.map_layout_json());
    let pt = |v: &serde_json::Value| (v[0].as_f64().unwrap(), v[1].as_f64().unwrap());
    let cat = lay["catalogue"].as_array().unwrap();
    assert_eq!(cat.len(), 120, "6 categories x 20 items");
    // What is drawn on top of the catalogue: items, q, mean, pooled, labels.
    let mut front: Vec<(f64, f64)> = lay["items"].as_array().unwrap().iter().map(pt).collect();
    front.extend([pt(&lay["query"]), pt(&lay["mean"]), pt(&lay["pooled"])]);
    let labels: Vec<[f64; 4]> = lay["labels"].as_array().unwrap().iter().map(|l| {
        let r = &l["rect"];
        [0, 1, 2, 3].map(|k| r[k].as_f64().unwrap())
    }).collect();
    let hex = |c: &str| (u8::from_str_radix(&c[1..3], 16).unwrap(), u8::from_str_radix(&c[3..5], 16).unwrap(), u8::from_str_radix(&c[5..7], 16).unwrap());
    let mut checked = 0;
    for (k, p) in cat.iter().enumerate() {
        let (x, y) = pt(&p["at"]);
        let clear_of_front = front.iter().all(|f| (f.0 - x).hypot(f.1 - y) > 32.0)
            && labels.iter().all(|r| x < r[0] - 6.0 || x > r[2] + 6.0 || y < r[1] - 6.0 || y > r[3] + 6.0);
        // Markers drawn later (brighter) may cover this one.
        let clear_of_later = cat[k + 1..].iter().all(|q| { let (qx, qy) = pt(&q["at"]); (qx - x).hypot(qy - y) > 12.0 });
        if clear_of_front && clear_of_later {
            let want = hex(p["color"].as_str().unwrap());
            assert!(near(pixel(&cs[2], x, y), want, 6), "marker {k} at ({x}, {y}): {:?} vs {want:?}", pixel(&cs[2], x, y));
            checked += 1;
        }
    }
    assert!(checked >= 5, "only {checked} markers stood clear");
    // Brighter score, same or later class: the colours follow the values.
    let legend = &lay["legend"];
    assert_eq!(legend["min"].as_f64(), cat.iter().map(|p| p["value"].as_f64().unwrap()).reduce(f64::min));
    assert_eq!(legend["max"].as_f64(), cat.iter().map(|p| p["value"].as_f64().unwrap()).reduce(f64::max));
}

#[wasm_bindgen_test]
fn heatmap_uses_the_shared_diverging_scale() {
    let (mut a, cs) = app(800);
    a.render(1.0).unwrap();
    // The strongest red of the scale (178, 24, 43) appears: the largest
    // value of the default scene (1.2) sits at the top of the colour bar.
    let ctx: CanvasRenderingContext2d = cs[1].get_context("2d").unwrap().unwrap().dyn_into().unwrap();
    let data = ctx.get_image_data(0.0, 0.0, 800.0, 520.0).unwrap().data();
    let has = |c: (u8, u8, u8)| data.chunks_exact(4).any(|p| near((p[0], p[1], p[2]), c, 3));
    assert!(has((178, 24, 43)), "dark red for +1.2");
    assert!(has((33, 102, 172)), "dark blue for -1.2 on the colour bar");
}

/// The page's canvases get the heatmap's and the strips' cells as bitmaps
/// (one putImageData per run of rows, din_draw::cells); renderTo draws
/// every cell as a rectangle. Both must give the same pixels (a cell's
/// colour is checked natively: din_draw::cells's tests).
#[wasm_bindgen_test]
fn cells_as_bitmaps_give_the_rectangles_pixels() {
    for (n, d) in [(10, 8), (200, 32)] {
        let (mut a, cs) = app(900);
        if n != 10 {
            a.generate(n, d).unwrap();
        }
        let steps = canvas(900, 500);
        a.attach("steps", steps.clone()).unwrap();
        a.render(2.0).unwrap();
        for (panel, c) in [("heatmap", &cs[1]), ("steps", &steps)] {
            let fresh = canvas(c.width(), c.height());
            a.render_to(panel, fresh.clone(), 2.0).unwrap();
            let read = |c: &HtmlCanvasElement| {
                let ctx: CanvasRenderingContext2d = c.get_context("2d").unwrap().unwrap().dyn_into().unwrap();
                ctx.get_image_data(0.0, 0.0, f64::from(c.width()), f64::from(c.height())).unwrap().data().0
            };
            let (x, y) = (read(c), read(&fresh));
            let differ = x.chunks_exact(4).zip(y.chunks_exact(4)).filter(|(p, q)| p != q).count();
            assert_eq!(differ, 0, "{panel} at n = {n}: {differ} pixels differ between bitmap cells and rectangles");
        }
    }
}

#[wasm_bindgen_test]
fn invalid_edits_change_nothing() {
    let (mut a, _cs) = app(600);
    let state = a.state_json();
    let result = a.result_json();
    for text in ["abc", "", "1e999", "NaN"] {
        let m = error_message(a.set_query_text(0, text).expect_err("refused"));
        assert!(m.starts_with("q1"), "{m}");
    }
    let m = error_message(a.set_state_json(r#"{"query": [1, 2]}"#).err().unwrap());
    assert_eq!(m, "query has 2 numbers, but the scene's vectors have d = 8");
    let m = error_message(a.set_state_json("{\"temperature\": -1}").err().unwrap());
    assert!(m.contains("temperature"), "{m}");
    assert!(a.set_dim_text("0").is_err());
    assert_eq!(a.state_json(), state);
    assert_eq!(a.result_json(), result);
    // Errors carry a code and follow the interface language.
    let e: JsValue = a.set_query_text(0, "abc").err().unwrap();
    let code = js_sys::Reflect::get(&e, &JsValue::from_str("code")).unwrap();
    assert_eq!(code.as_string().as_deref(), Some("E_NUMBER_NOT_A_NUMBER"));
    a.set_lang("zh").unwrap();
    let m = error_message(a.set_query_text(0, "").err().unwrap());
    assert_eq!(m, "q1 为空：请输入一个数，例如 0.5");
    a.set_lang("en").unwrap();
    a.set_query_text(0, "2.5").unwrap();
    assert_eq!(json(&a.state_json())["query"][0], 2.5);
}

/// Issue 12: setLabel follows scene::check_label (a label too long is
/// E_TOO_LARGE on every channel) and moves the items' generation on, so
/// the table refreshes; a refused label changes nothing.
#[wasm_bindgen_test]
fn set_label_follows_the_scene_rule_and_moves_the_items_version() {
    let (mut a, _) = app(600);
    let code = |e: JsValue| js_sys::Reflect::get(&e, &JsValue::from_str("code")).unwrap().as_string();
    let v0 = a.items_version();
    a.set_label(0, js_sys::JsString::from("tea")).unwrap();
    let v1 = a.items_version();
    assert_ne!(v0, v1, "a renamed item is a new items version");
    assert_eq!(json(&a.items_json(0, 1))[0]["label"], "tea");
    let long = "a".repeat(201);
    assert_eq!(code(a.set_label(0, js_sys::JsString::from(long.as_str())).unwrap_err()).as_deref(), Some("E_TOO_LARGE"));
    let patch = format!(r#"{{"items": [{{"label": "{long}", "vector": [0,0,0,0,0,0,0,0]}}]}}"#);
    assert_eq!(code(a.set_state_json(&patch).unwrap_err()).as_deref(), Some("E_TOO_LARGE"), "the same code as a state patch");
    assert_eq!(code(a.set_label(0, js_sys::JsString::from("a\nb")).unwrap_err()).as_deref(), Some("E_LABEL_CONTROL"));
    assert_eq!(a.items_version(), v1, "a refused label changes nothing");
    assert_eq!(json(&a.items_json(0, 1))[0]["label"], "tea");
}

#[wasm_bindgen_test]
fn captions_shares_weight_form_and_explanations_come_from_the_numbers() {
    let (mut a, _cs) = app(600);
    let alpha: Vec<f64> = serde_json::from_value(json(&a.result_json())["alpha"].clone()).unwrap();
    // The readout's shares: food's share of Σα beside the plain average's 1/3.
    let sh = json(&a.shares_json());
    let food = alpha[..3].iter().sum::<f64>() / alpha.iter().sum::<f64>();
    assert_eq!(sh["kind"], "fractions");
    assert_eq!(sh["rows"][0]["id"], "food");
    assert_eq!(sh["rows"][0]["attention"], format!("{}%", (food * 100.0).round()).as_str());
    assert_eq!(sh["rows"][0]["mean"], "33%");
    // Until the step-through reveals every α, the attention column reads "?" as Σα does (the plain average's stays).
    a.set_step(3.0).unwrap();
    let hidden = json(&a.shares_json());
    assert_eq!(hidden["rows"][0]["attention"], "?");
    assert_eq!(hidden["rows"][0]["attentionSpan"][1], 0.0);
    assert_eq!(hidden["rows"][0]["mean"], "33%");
    a.set_step(alpha.len() as f64).unwrap();
    assert_eq!(json(&a.shares_json())["rows"][0]["attention"], sh["rows"][0]["attention"]);
    a.set_step(-1.0).unwrap();
    // The caption names the candidate and keeps the food interest; x1's explanation ends in its α as printed.
    let c = json(&a.caption_json());
    assert_eq!(c["key"], "food");
    assert!(c["lines"].as_array().unwrap().iter().any(|l| l.as_str().unwrap().contains("keeps the food interest")), "{c}");
    let e = json(&a.explain_json("x1"));
    let last = e["lines"].as_array().unwrap().last().unwrap().as_str().unwrap().to_owned();
    assert!(last.contains(&din_core::explain::fmt_num(alpha[0])), "{last}");
    assert_eq!(a.explain_json("x99"), "null");
    assert_eq!(a.explain_json("nope"), "null");
    assert_eq!(json(&a.explain_json("q"))["title"], "q, the candidate item");
    // The activation unit: the paper's α = z by default, sigmoid(z) as the variant.
    a.set_similarity("unit").unwrap();
    a.set_normalization("none").unwrap();
    let r = json(&a.result_json());
    assert_eq!(r["alpha"], r["scores"]);
    assert_eq!(json(&a.summary_json())["weight"], "z");
    assert_eq!(json(&a.settings_texts_json())["normNone"], "none: α = z (the paper)");
    a.set_weight("sigmoid").unwrap();
    let r = json(&a.result_json());
    let (z, al) = (r["scores"].as_array().unwrap(), r["alpha"].as_array().unwrap());
    for (z, al) in z.iter().zip(al) {
        assert!((al.as_f64().unwrap() - 1.0 / (1.0 + (-z.as_f64().unwrap()).exp())).abs() < 1e-12);
    }
    assert_eq!(json(&a.state_json())["weight"], "sigmoid");
    let m = error_message(a.set_weight("tanh").expect_err("refused"));
    assert!(m.contains("unknown weight form"), "{m}");
    // A scene without categories has no shares.
    a.generate(20, 8).unwrap();
    assert_eq!(a.shares_json(), "null");
}
