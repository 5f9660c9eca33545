//! Native tests of whole-model files: a tiny model whose numbers were
//! computed independently (plain Python floats, the `math` module), every
//! weight form and mean pooling, features and their defaults, category
//! embeddings, the error messages, and the JSON round trip.

use super::*;
use crate::errors::Localized;
use crate::i18n::Lang;

/// d = 2, category_d = 1 (keys of 3 numbers); unit 12 -> 2 Dice (eps 1e-9)
/// -> 1; MLP on [feature:user (2), candidate_item (2), candidate_category
/// (1), pooled (3), feature:price (1)] -> 2 PReLU -> 1.
///
/// The reference (Python):
///
/// ```python
/// def unit(q, x):
///     h = q + x + [a - b for a, b in zip(q, x)] + [a * b for a, b in zip(q, x)]
///     s = [sum(w * v for w, v in zip(row, h)) + b for row, b in zip(W1, b1)]
///     out = []
///     for j, v in enumerate(s):
///         p = sig((v - dm[j]) / math.sqrt(dv[j] + 1e-9)); out.append(p * v + (1 - p) * da[j] * v)
///     return sum(w * v for w, v in zip(wo, out)) + bo
/// ```
/// then the weight form, `pooled = sum_i alpha_i x_i`, the MLP with PReLU
/// and `sigmoid` of its output.
fn tiny(pooling_and_attention: &str) -> String {
    format!(
        r#"{{"format": "din-viz model v1", "d": 2, "category_d": 1,
  "categories": [{{"id": "food", "zh": "美食", "embedding": [0.3]}}, {{"id": "cars", "embedding": [-0.6]}}],
  "items": [{{"label": "a", "category": 0, "embedding": [0.5, -1.0]}},
            {{"label": "b", "category": 1, "embedding": [1.5, 0.25]}},
            {{"label": "c", "label_zh": "丙", "category": 0, "embedding": [-0.75, 2.0]}},
            {{"label": "d", "category": 1, "embedding": [0.0, 1.0]}}],
  "features": [{{"name": "user", "kind": "sparse", "default": 2, "embedding": [[0.1, 0.2], [-0.3, 0.4], [0.5, -0.5]]}},
               {{"name": "price", "kind": "dense", "size": 1, "default": [0.5]}}],
  {pooling_and_attention},
  "mlp": {{"input": ["feature:user", "candidate_item", "candidate_category", "pooled", "feature:price"],
    "activation": "prelu", "hidden": [2],
    "layers": [{{"weight": [[0.1, 0.2, -0.1, 0.3, 0.05, -0.2, 0.1, 0.15, 0.4], [-0.2, 0.1, 0.3, -0.1, 0.2, 0.1, -0.3, 0.05, -0.4]],
                "bias": [0.01, -0.02], "prelu_alpha": [0.25, 0.1]}},
               {{"weight": [[0.8, -1.1]], "bias": [-0.3]}}]}}
}}"#
    )
}

fn attention(weight: &str) -> String {
    format!(
        r#""pooling": "attention",
  "attention": {{"weight": "{weight}", "unit": {{"d": 3, "activation": "dice", "dice_eps": 1e-9, "hidden": [2],
    "layers": [{{"weight": [[0.1, -0.2, 0.05, 0.3, 0.0, -0.1, 0.2, 0.1, -0.3, 0.25, 0.15, -0.05],
                            [-0.15, 0.1, 0.2, -0.05, 0.3, 0.1, -0.2, 0.05, 0.1, -0.1, 0.3, 0.2]],
                "bias": [0.05, -0.1], "dice_alpha": [0.2, -0.1], "dice_mean": [0.1, -0.2], "dice_var": [0.5, 2.0]}},
               {{"weight": [[1.2, -0.7]], "bias": [0.1]}}]}}}}"#
    )
}

fn close(a: &[f64], b: &[f64]) {
    assert_eq!(a.len(), b.len(), "{a:?} vs {b:?}");
    for (x, y) in a.iter().zip(b) {
        assert!((x - y).abs() <= 1e-12 * y.abs().max(1.0), "{a:?} vs {b:?}");
    }
}

const Z: [f64; 4] = [1.300407552221452, 0.3106284313530411, 0.5597096591751125, 0.3106284313530411];
const HISTORY: [usize; 4] = [0, 2, 3, 2];

fn given() -> Vec<(&'static str, FeatureValue)> {
    vec![("user", FeatureValue::Sparse(1)), ("price", FeatureValue::Dense(vec![2.0]))]
}

#[test]
fn every_weight_form_matches_the_reference() {
    let cases: [(&str, [f64; 4], [f64; 3], f64); 4] = [
        ("identity", Z, [0.1842611290811644, 0.5018158323658248, 0.24067352897319277], 0.5992650268319533),
        (
            "sigmoid",
            [0.7859035654237548, 0.5770386466805941, 0.6363853583559068, 0.5770386466805941],
            [-0.47260618730901377, 2.1586363796545287, 0.20016304262193882],
            0.6675911476095038,
        ),
        (
            "softmax",
            [0.4504304439436118, 0.1674064263988663, 0.21475670325865562, 0.1674064263988663],
            [-0.025894417626493554, 0.433951964910509, 0.10671896706720994],
            0.60236614117218,
        ),
        (
            "softmax_scaled",
            [0.3595237233990248, 0.20302536522750594, 0.2344255461459635, 0.20302536522750594],
            [-0.12477618614174654, 0.6870032836569625, 0.08901700846863289],
            0.6127319667694983,
        ),
    ];
    for (form, alpha, pooled, ctr) in cases {
        let m = DinModel::from_json(&tiny(&attention(form))).unwrap();
        assert_eq!(m.weight_form().name(), form);
        let p = m.predict(&HISTORY, 1, &given()).unwrap();
        close(&p.attention.scores, &Z);
        close(&p.attention.alpha, &alpha);
        close(&p.attention.pooled, &pooled);
        close(&[p.ctr], &[ctr]);
        close(&[p.attention.alpha_sum], &[alpha.iter().sum()]);
    }
}

#[test]
fn mean_pooling_and_feature_defaults() {
    let m = DinModel::from_json(&tiny(r#""pooling": "mean""#)).unwrap();
    assert!(m.unit().is_none());
    let p = m.predict(&HISTORY, 1, &given()).unwrap();
    assert!(p.attention.scores.is_empty());
    close(&p.attention.alpha, &[0.25; 4]);
    close(&p.attention.pooled, &[-0.25, 1.0, 0.075]);
    close(&[p.logit, p.ctr], &[0.5139875, 0.6257407713467787]);
    // Features not given take their defaults (user 2, price 0.5).
    let m = DinModel::from_json(&tiny(&attention("identity"))).unwrap();
    let p = m.predict(&HISTORY, 1, &[]).unwrap();
    close(&[p.logit, p.ctr], &[-0.1960963449481103, 0.451132408779352]);
    // An empty history pools to zeros.
    let a = m.attend(&[], 0).unwrap();
    assert!(a.alpha.is_empty());
    assert_eq!(a.pooled, vec![0.0; 3]);
    assert_eq!(m.key(2).unwrap(), vec![-0.75, 2.0, 0.3]);
    assert_eq!(m.items()[2].label_zh.as_deref(), Some("丙"));
    assert_eq!(m.categories()[1].zh, "cars"); // zh defaults to en, en to id
    assert_eq!(m.item_embeddings().len(), 8);
}

#[test]
fn round_trip_is_exact() {
    for pa in [attention("softmax_scaled"), r#""pooling": "mean""#.to_owned()] {
        let m = DinModel::from_json(&tiny(&pa)).unwrap();
        let text = m.to_json();
        let back = DinModel::from_json(&text).unwrap();
        assert!(back == m);
        assert_eq!(back.to_json(), text);
    }
}

#[test]
fn query_errors_name_the_input() {
    let m = DinModel::from_json(&tiny(&attention("identity"))).unwrap();
    let e = m.attend(&[0, 9], 1).unwrap_err();
    assert_eq!(e.to_string(), "history[1]: item 9 is not in the catalogue (items 0 to 3)");
    assert_eq!(e.message(Lang::Zh), "history[1]：物品 9 不在物品库中（物品编号 0 到 3）");
    assert_eq!(m.attend(&[0], 4).unwrap_err().field, "candidate");
    let e = m.predict(&[0], 1, &[("age", FeatureValue::Sparse(0))]).unwrap_err();
    assert_eq!(e.code(), "E_MODEL_NO_FEATURE");
    let e = m.predict(&[0], 1, &[("user", FeatureValue::Sparse(3))]).unwrap_err();
    assert_eq!(e.to_string(), "features.user: expected a value from 0 to 2, got 3");
    let e = m.predict(&[0], 1, &[("price", FeatureValue::Dense(vec![1.0, 2.0]))]).unwrap_err();
    assert_eq!(e.to_string(), "features.price: expected 1 numbers, got 2");
    let e = m.predict(&[0], 1, &[("price", FeatureValue::Dense(vec![f64::NAN]))]).unwrap_err();
    assert_eq!(e.field, "features.price");
    let e = m.predict(&[0], 1, &[("price", FeatureValue::Sparse(0))]).unwrap_err();
    assert_eq!(e.code(), "E_MODEL_TYPE");
}

/// Each edit of the valid file and the message it must give (English, then a
/// check of the Chinese and the code).
#[test]
fn file_errors_name_the_field_and_the_expected_shape() {
    let good = tiny(&attention("identity"));
    let cases: &[(&str, &str, &str, &str)] = &[
        (
            "[[0.8, -1.1]]",
            "[[0.8, -1.1, 3]]",
            "mlp.layers[1].weight: expected 1 x 2, got 1 x 3 (rows x columns)",
            "E_MODEL_SHAPE",
        ),
        (
            "\"bias\": [0.01, -0.02]",
            "\"bias\": [0.01]",
            "mlp.layers[0].bias: expected 2 numbers, got 1",
            "E_MODEL_SHAPE",
        ),
        (
            "[-0.2, 0.1, 0.3, -0.1, 0.2, 0.1, -0.3, 0.05, -0.4]",
            "[-0.2, 0.1, 0.3, -0.1, 0.2, 0.1, -0.3, 0.05]",
            "mlp.layers[0].weight[1]: expected 9 numbers, got 8",
            "E_MODEL_SHAPE",
        ),
        (
            "\"embedding\": [0.5, -1.0]",
            "\"embedding\": [0.5]",
            "items[0].embedding: expected 2 numbers, got 1",
            "E_MODEL_SHAPE",
        ),
        (
            "\"dice_var\": [0.5, 2.0]",
            "\"dice_var\": [0.5, -2.0]",
            "attention.unit.layers[0].dice_var[1]: expected a variance >= 0, got -2",
            "E_MODEL_VALUE",
        ),
        (
            "\"weight\": \"identity\"",
            "\"weight\": \"tanh\"",
            "attention.weight: expected \"identity\", \"sigmoid\", \"softmax\" or \"softmax_scaled\", got \"tanh\"",
            "E_MODEL_VALUE",
        ),
        (
            "\"category\": 1, \"embedding\": [1.5",
            "\"category\": 2, \"embedding\": [1.5",
            "items[1].category: expected a whole number from 0 to 1, got 2",
            "E_MODEL_VALUE",
        ),
        (
            "\"d\": 3,",
            "\"d\": 4,",
            "attention.unit.d: expected 3 (d + category_d, the length of a key), got 4",
            "E_MODEL_VALUE",
        ),
        (
            "\"feature:price\"",
            "\"feature:colour\"",
            "mlp.input[4]: the model has no feature \"colour\"",
            "E_MODEL_NO_FEATURE",
        ),
        ("\"label\": \"a\"", "\"label\": 7", "items[0].label: expected a string, got 7", "E_MODEL_TYPE"),
        ("\"label\": \"a\", ", "", "items[0].label: missing", "E_MODEL_MISSING"),
        (
            "\"dice_alpha\"",
            "\"dice_delta\"",
            "attention.unit.layers[0].dice_delta: not a field of this format",
            "E_MODEL_UNKNOWN_FIELD",
        ),
        (
            "din-viz model v1",
            "din-viz model v2",
            "format: expected \"din-viz model v1\", got \"din-viz model v2\"",
            "E_MODEL_FORMAT",
        ),
        (
            "\"hidden\": [2],\n    \"layers\"",
            "\"hidden\": [2, 2],\n    \"layers\"",
            "attention.unit.layers: expected 3 layers (one per hidden layer, then the output layer), got 2 layers",
            "E_MODEL_VALUE",
        ),
        (
            "\"pooling\": \"attention\"",
            "\"pooling\": \"mean\"",
            "attention: not a field of this format",
            "E_MODEL_UNKNOWN_FIELD",
        ),
        (
            "0.15, -0.05]",
            "0.15, \"x\"]",
            "attention.unit.layers[0].weight[0][11]: expected a number, got \"x\"",
            "E_MODEL_TYPE",
        ),
        (
            "\"default\": 2",
            "\"default\": 3",
            "features[0].default: expected a whole number from 0 to 2, got 3",
            "E_MODEL_VALUE",
        ),
    ];
    for (from, to, message, code) in cases {
        assert!(good.contains(from), "{from}");
        let e = DinModel::from_json(&good.replacen(from, to, 1)).unwrap_err();
        assert_eq!(&e.to_string(), message);
        assert_eq!(e.code(), *code, "{message}");
        let zh = e.zh();
        assert!(zh.starts_with(e.field.as_str()) && zh != e.to_string(), "{zh}");
    }
    let e = DinModel::from_json("{\"format\": ").unwrap_err();
    assert_eq!(e.code(), "E_MODEL_JSON");
    assert!(e.zh().starts_with("模型文件不是合法的 JSON（第 1 行"), "{}", e.zh());
    let e = DinModel::from_json("[]").unwrap_err();
    assert_eq!(e.to_string(), "(top level): expected a JSON object, got an array of 0 entries");
}

#[test]
fn dice_gamma_and_beta_scale_and_shift_the_gate() {
    let plain = DinModel::from_json(&tiny(&attention("identity"))).unwrap();
    let with = |g: &str, b: &str| {
        let text = tiny(&attention("identity")).replace(
            "\"dice_var\": [0.5, 2.0]",
            &format!("\"dice_var\": [0.5, 2.0], \"dice_gamma\": {g}, \"dice_beta\": {b}"),
        );
        DinModel::from_json(&text).unwrap()
    };
    // gamma 1, beta 0 is the plain gate; written back without the fields.
    let same = with("[1, 1]", "[0, 0]");
    assert_eq!(same.attend(&HISTORY, 1).unwrap(), plain.attend(&HISTORY, 1).unwrap());
    assert!(!same.to_json().contains("dice_gamma"));
    let other = with("[2, 0.5]", "[0.1, -0.3]");
    assert_ne!(other.attend(&HISTORY, 1).unwrap().scores, plain.attend(&HISTORY, 1).unwrap().scores);
    assert!(
        other.to_json().contains("\"dice_gamma\": [2, 0.5]") || other.to_json().contains("\"dice_gamma\": [2.0, 0.5]")
    );
    assert!(DinModel::from_json(&other.to_json()).unwrap() == other);
}
