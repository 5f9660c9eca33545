//! DeepCTR round trip: din-viz's inference of DIN models trained with
//! DeepCTR (TensorFlow) or DeepCTR-Torch and exported by
//! `tools/deepctr_export.py` reproduces DeepCTR's own attention scores,
//! weights and predicted CTRs on held-out rows, within float32 tolerance
//! (max relative error <= 1e-5).
//!
//! The relative error of a CTR is `|ours - theirs| / |theirs|`. A score or
//! weight is one entry of a row's vector, and the unit's output can cross
//! zero, where `|ours - theirs| / |theirs|` grows without bound while both
//! are float32 roundings of the same sum (DeepCTR computes in float32, din-viz
//! in f64 from the same float32 weights). So the relative error of a row's
//! scores (and of its weights) is taken against the row's largest one:
//! `max_i |ours_i - theirs_i| / max_i |theirs_i|`. The element-wise ratio is
//! printed too.
//!
//! Plain `cargo test` checks the committed fixtures
//! `tests/fixtures/deepctr_din_tf.json` and `deepctr_din_torch.json` (no
//! Python needed); `make test-deepctr` trains fresh models and points
//! `DIN_DEEPCTR_FIXTURE` at their files.
#![cfg(not(target_arch = "wasm32"))]

use din_core::model::{DinModel, FeatureValue};
use serde_json::Value;

const TOLERANCE: f64 = 1e-5;

fn rel(ours: f64, theirs: f64) -> f64 {
    if ours == theirs {
        0.0
    } else {
        (ours - theirs).abs() / theirs.abs()
    }
}

/// `max_i |ours_i - theirs_i| / max_i |theirs_i|` (0 for empty rows).
fn row_rel(ours: &[f64], theirs: &[f64]) -> f64 {
    let scale = theirs.iter().fold(0.0f64, |m, v| m.max(v.abs()));
    let diff = ours.iter().zip(theirs).fold(0.0f64, |m, (a, b)| m.max((a - b).abs()));
    if diff == 0.0 {
        0.0
    } else {
        diff / scale
    }
}

fn numbers(v: &Value) -> Vec<f64> {
    v.as_array().map(|a| a.iter().filter_map(Value::as_f64).collect()).unwrap_or_default()
}

fn check(path: &str) {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {path}: {e}"));
    let doc: Value = serde_json::from_str(&text).expect("the fixture is JSON");
    let cases = doc["cases"].as_array().expect("cases");
    assert!(!cases.is_empty());
    println!("{path}: {}", doc["versions"]);
    for case in cases {
        let name = case["name"].as_str().unwrap_or("?");
        let model = DinModel::from_json(&case["model"].to_string()).unwrap_or_else(|e| panic!("{name}: {e}"));
        let rows = case["rows"].as_array().expect("rows");
        assert!(rows.len() >= 20, "{name}: too few rows");
        let (mut e_score, mut e_alpha, mut e_ctr, mut items) = (0.0f64, 0.0f64, 0.0f64, 0);
        let mut worst = (0.0f64, 0.0f64); // element-wise: ratio, at which |theirs|
        for row in rows {
            let history: Vec<usize> = numbers(&row["history"]).iter().map(|v| *v as usize).collect();
            let candidate = row["candidate"].as_u64().expect("candidate") as usize;
            let features: Vec<(&str, FeatureValue)> = row["features"]
                .as_object()
                .expect("features")
                .iter()
                .map(|(k, v)| match v {
                    Value::Array(_) => (k.as_str(), FeatureValue::Dense(numbers(v))),
                    _ => (k.as_str(), FeatureValue::Sparse(v.as_u64().unwrap_or(0) as usize)),
                })
                .collect();
            let p = model.predict(&history, candidate, &features).unwrap_or_else(|e| panic!("{name}: {e}"));
            let (scores, alpha) = (numbers(&row["scores"]), numbers(&row["alpha"]));
            assert_eq!(p.attention.scores.len(), scores.len(), "{name}");
            assert_eq!(p.attention.alpha.len(), alpha.len(), "{name}");
            e_score = e_score.max(row_rel(&p.attention.scores, &scores));
            e_alpha = e_alpha.max(row_rel(&p.attention.alpha, &alpha));
            for (a, b) in p.attention.scores.iter().zip(&scores) {
                if rel(*a, *b) > worst.0 {
                    worst = (rel(*a, *b), b.abs());
                }
            }
            e_ctr = e_ctr.max(rel(p.ctr, row["ctr"].as_f64().expect("ctr")));
            items += scores.len();
        }
        println!(
            "{name}: {} rows, {items} history items; max relative error: scores {e_score:.2e}, alpha {e_alpha:.2e}, CTR {e_ctr:.2e} (element-wise on scores {:.2e}, at a score of size {:.1e})",
            rows.len(),
            worst.0,
            worst.1
        );
        assert!(e_score <= TOLERANCE && e_alpha <= TOLERANCE && e_ctr <= TOLERANCE, "{name}: over {TOLERANCE}");
    }
}

#[test]
fn committed_deepctr_tensorflow_fixture_is_reproduced() {
    check(concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/fixtures/deepctr_din_tf.json"));
}

#[test]
fn committed_deepctr_torch_fixture_is_reproduced() {
    check(concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/fixtures/deepctr_din_torch.json"));
}

/// Set by `make test-deepctr` to the file a fresh DeepCTR run wrote.
#[test]
fn fresh_deepctr_run_is_reproduced() {
    match std::env::var("DIN_DEEPCTR_FIXTURE") {
        Ok(path) => {
            for p in path.split(',') {
                check(p);
            }
        }
        Err(_) => println!("DIN_DEEPCTR_FIXTURE not set: only the committed fixture is checked"),
    }
}
