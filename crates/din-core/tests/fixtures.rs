//! Checks `din_core::attention` against reference values computed
//! independently with numpy (and cross-checked at 60 digits) by
//! `tests/fixtures/gen_fixtures.py`, stored in `tests/fixtures/attention.json`.
//!
//! Tolerance: for each returned vector, max |error| <= 1e-9 * max |exact|
//! of that vector (so an all-zero exact vector must come back as exact
//! zeros); the scalars to relative 1e-9.

use din_core::attention::attend_named;
use serde_json::Value;

const TOL: f64 = 1e-9;

fn fixtures() -> Vec<Value> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/fixtures/attention.json");
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("cannot read {path}: {e}; run `python3 tests/fixtures/gen_fixtures.py`"));
    let v: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path} is not valid JSON: {e}"));
    match v {
        Value::Array(cases) => cases,
        other => panic!("{path} must hold a JSON array of cases, not {other}"),
    }
}

fn field<'a>(case: &'a Value, name: &str, key: &str) -> &'a Value {
    case.get(key).unwrap_or_else(|| panic!("case {name}: field `{key}` missing"))
}

fn num(case: &Value, name: &str, key: &str) -> f64 {
    field(case, name, key).as_f64().unwrap_or_else(|| panic!("case {name}: `{key}` is not a number"))
}

fn vec_f64(case: &Value, name: &str, key: &str) -> Vec<f64> {
    field(case, name, key)
        .as_array()
        .unwrap_or_else(|| panic!("case {name}: `{key}` is not an array"))
        .iter()
        .map(|x| x.as_f64().unwrap_or_else(|| panic!("case {name}: `{key}` holds a non-number {x}")))
        .collect()
}

fn string<'a>(case: &'a Value, name: &str, key: &str) -> &'a str {
    field(case, name, key).as_str().unwrap_or_else(|| panic!("case {name}: `{key}` is not a string"))
}

/// max |got - exact| <= TOL * max |exact|, with equal lengths and finite values.
fn check_vector(name: &str, what: &str, got: &[f64], exact: &[f64]) {
    assert_eq!(got.len(), exact.len(), "case {name}: {what} has length {} instead of {}", got.len(), exact.len());
    assert!(got.iter().all(|v| v.is_finite()), "case {name}: {what} is not finite: {got:?}");
    let scale = exact.iter().fold(0.0_f64, |m, v| m.max(v.abs()));
    let (worst, err) = got
        .iter()
        .zip(exact)
        .map(|(g, e)| (g - e).abs())
        .enumerate()
        .fold((0, 0.0_f64), |(wi, we), (i, e)| if e > we { (i, e) } else { (wi, we) });
    assert!(
        err <= TOL * scale,
        "case {name}: {what}[{worst}] = {:e}, expected {:e} (max error {err:e} > {TOL:e} * max|exact| {scale:e})\n  got:   {got:?}\n  exact: {exact:?}",
        got[worst],
        exact[worst],
    );
}

/// |got - exact| <= TOL * |exact|.
fn check_scalar(name: &str, what: &str, got: f64, exact: f64) {
    assert!(
        got.is_finite() && (got - exact).abs() <= TOL * exact.abs(),
        "case {name}: {what} = {got:e}, expected {exact:e} (relative tolerance {TOL:e})"
    );
}

#[test]
fn attention_matches_numpy_fixtures() {
    let cases = fixtures();
    assert!(cases.len() >= 200, "only {} fixture cases; regenerate the fixtures", cases.len());
    let mut pairs = std::collections::BTreeSet::new();
    let (mut empty, mut d1, mut huge, mut tiny) = (0, 0, 0, 0);
    for case in &cases {
        let name = string(case, "?", "name");
        let query = vec_f64(case, name, "query");
        let keys = vec_f64(case, name, "keys");
        let d = num(case, name, "d") as usize;
        assert_eq!(d, query.len(), "case {name}: d does not match the query's length");
        let sim = string(case, name, "similarity");
        let norm = string(case, name, "normalization");
        let t = num(case, name, "temperature");
        pairs.insert((sim.to_owned(), norm.to_owned()));
        empty += usize::from(keys.is_empty());
        d1 += usize::from(d == 1);
        let big = query.iter().chain(&keys).fold(0.0_f64, |m, v| m.max(v.abs()));
        huge += usize::from(big >= 1e100);
        tiny += usize::from(big > 0.0 && query.iter().chain(&keys).any(|v| v.abs() > 0.0 && v.abs() < 1e-150));

        let a = attend_named(&query, &keys, sim, norm, t)
            .unwrap_or_else(|e| panic!("case {name}: attend_named failed: {e} ({e:?})"));
        check_vector(name, "alpha", &a.alpha, &vec_f64(case, name, "alpha"));
        check_vector(name, "pooled", &a.pooled, &vec_f64(case, name, "pooled"));
        check_vector(name, "mean", &a.mean, &vec_f64(case, name, "mean"));
        check_scalar(name, "alpha_sum", a.alpha_sum, num(case, name, "alpha_sum"));
        check_scalar(name, "pooled_norm", a.pooled_norm, num(case, name, "pooled_norm"));
        check_scalar(name, "mean_norm", a.mean_norm, num(case, name, "mean_norm"));
        // Under `none` the weights are the raw scores.
        if norm == "none" {
            assert_eq!(a.scores, a.alpha, "case {name}: scores and alpha differ under `none`");
        }
    }
    // The fixture file must keep covering what it was made to cover.
    assert_eq!(pairs.len(), 6, "fixtures cover only these similarity x normalization pairs: {pairs:?}");
    assert!(empty > 0 && d1 > 0 && huge > 0 && tiny > 0, "fixtures lost edge cases: n=0 {empty}, d=1 {d1}, huge {huge}, tiny {tiny}");
    println!("checked {} fixture cases against numpy references", cases.len());
}
