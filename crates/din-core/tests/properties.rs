#![cfg(not(target_arch = "wasm32"))]
//! Property tests of the pure core: `din_core::attention` and `din_core::scene`.
//!
//! The attention results are also compared with `reference`, a plain-loop
//! implementation written here from the definitions (compensated sums,
//! `hypot` norms), independent of the crate's nalgebra code.

use din_core::attention::{attend, softmax, Attention, AttentionError, Normalization, Similarity};
use din_core::presets::default_scene;
use din_core::scene::{parse_number, Item, Scene, SceneError};
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::select;
use serde_json::{json, Map, Value};

// ---------------------------------------------------------------------------
// Known defects of the core (see the `known_bug_*` tests at the end).
// ---------------------------------------------------------------------------

/// `attend` returns `Ok` with `pooled_norm = inf` when every component of
/// `pooled` is finite but its Euclidean norm exceeds `f64::MAX`. While this
/// is `true`, `huge_inputs_stay_finite_or_overflow` only requires
/// `pooled_norm` not to be NaN; set it to `false` once the core is fixed.
const KNOWN_BUG_NORM_OVERFLOW: bool = false;

/// serde_json is built without its `float_roundtrip` feature, so parsing a
/// state may return a number 1 or 2 ulps away from the one written (e.g.
/// 0.11935154727148345 comes back as 0.11935154727148344). While this is
/// `true`, `scene_json_round_trip` accepts numbers up to 4 ulps off (2 seen)
/// (labels, names and settings must still match exactly); set it to
/// `false` once the feature is enabled.
const KNOWN_BUG_JSON_FLOAT_PARSE: bool = false;

// ---------------------------------------------------------------------------
// Independent reference implementation.
// ---------------------------------------------------------------------------

/// Neumaier-compensated sum: accurate to about one rounding of the result.
fn sum(xs: impl IntoIterator<Item = f64>) -> f64 {
    let (mut s, mut c) = (0.0_f64, 0.0_f64);
    for x in xs {
        let t = s + x;
        if s.abs() >= x.abs() {
            c += (s - t) + x;
        } else {
            c += (x - t) + s;
        }
        s = t;
    }
    s + c
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    sum(a.iter().zip(b).map(|(x, y)| x * y))
}

/// Euclidean norm by repeated `hypot`: no overflow or underflow on the way.
fn length(v: &[f64]) -> f64 {
    v.iter().fold(0.0_f64, |acc, x| acc.hypot(*x))
}

#[derive(Debug)]
struct Reference {
    scores: Vec<f64>,
    alpha: Vec<f64>,
    pooled: Vec<f64>,
    mean: Vec<f64>,
    alpha_sum: f64,
    pooled_norm: f64,
    mean_norm: f64,
}

fn reference(q: &[f64], keys: &[f64], sim: Similarity, norm: Normalization, t: f64) -> Reference {
    let d = q.len();
    let rows: Vec<&[f64]> = keys.chunks(d).collect();
    let n = rows.len();
    let qn = length(q);
    let mut scores = Vec::new();
    for x in &rows {
        let s = match sim {
            Similarity::Dot => dot(q, x),
            Similarity::ScaledDot => dot(q, x) / (d as f64).sqrt(),
            Similarity::Cosine => {
                let xn = length(x);
                if qn == 0.0 || xn == 0.0 {
                    0.0
                } else {
                    (dot(q, x) / qn / xn).clamp(-1.0, 1.0)
                }
            }
        };
        scores.push(s);
    }
    let alpha = match norm {
        Normalization::None => scores.clone(),
        Normalization::Softmax => {
            let mut top = f64::NEG_INFINITY;
            for s in &scores {
                if *s > top {
                    top = *s;
                }
            }
            let e: Vec<f64> = scores.iter().map(|s| ((s - top) / t).exp()).collect();
            let total = sum(e.iter().copied());
            e.iter().map(|v| v / total).collect()
        }
    };
    let mut pooled = vec![0.0; d];
    let mut mean = vec![0.0; d];
    for k in 0..d {
        pooled[k] = sum((0..n).map(|i| alpha[i] * rows[i][k]));
        if n > 0 {
            mean[k] = sum((0..n).map(|i| rows[i][k])) / n as f64;
        }
    }
    let alpha_sum = sum(alpha.iter().copied());
    let pooled_norm = length(&pooled);
    let mean_norm = length(&mean);
    Reference { scores, alpha, pooled, mean, alpha_sum, pooled_norm, mean_norm }
}

/// max |got - exact| <= tol * max |exact| (so all-zero exact needs exact zeros).
fn assert_vec_close(what: &str, got: &[f64], exact: &[f64], tol: f64) -> Result<(), TestCaseError> {
    prop_assert_eq!(got.len(), exact.len(), "{}: wrong length", what);
    let scale = exact.iter().fold(0.0_f64, |m, v| m.max(v.abs()));
    let err = got.iter().zip(exact).fold(0.0_f64, |m, (g, e)| m.max((g - e).abs()));
    prop_assert!(
        err <= tol * scale,
        "{}: max error {:e} > {:e} * max|exact| {:e}\n got:   {:?}\n exact: {:?}",
        what, err, tol, scale, got, exact
    );
    Ok(())
}

fn assert_rel_close(what: &str, got: f64, exact: f64, tol: f64) -> Result<(), TestCaseError> {
    prop_assert!((got - exact).abs() <= tol * exact.abs(), "{}: {:e} vs exact {:e}", what, got, exact);
    Ok(())
}

// ---------------------------------------------------------------------------
// Strategies.
// ---------------------------------------------------------------------------

const SIMS: [Similarity; 3] = Similarity::ALL;
const NORMS: [Normalization; 2] = Normalization::ALL;

fn pairs() -> impl Iterator<Item = (Similarity, Normalization)> {
    SIMS.into_iter().flat_map(|s| NORMS.into_iter().map(move |n| (s, n)))
}

/// Any finite f64: normal, subnormal or zero, either sign.
fn finite() -> impl Strategy<Value = f64> {
    use proptest::num::f64::{NEGATIVE, NORMAL, POSITIVE, SUBNORMAL, ZERO};
    POSITIVE | NEGATIVE | NORMAL | SUBNORMAL | ZERO
}

/// Finite f64 with |v| < 2^max_exp spread over every exponent, subnormals included.
fn wide(max_exp: u64) -> impl Strategy<Value = f64> {
    (any::<bool>(), 0u64..(1023 + max_exp), any::<u64>())
        .prop_map(|(neg, e, frac)| f64::from_bits((u64::from(neg) << 63) | (e << 52) | (frac & ((1 << 52) - 1))))
}

/// Any positive finite f64 (subnormal to f64::MAX).
fn positive() -> impl Strategy<Value = f64> {
    positive_between(0, 2047)
}

/// Positive f64 with biased exponent in `lo..hi` (value in [2^(lo-1023), 2^(hi-1023))).
fn positive_between(lo: u64, hi: u64) -> impl Strategy<Value = f64> {
    (lo..hi, any::<u64>())
        .prop_map(|(e, frac)| f64::from_bits((e << 52) | (frac & ((1 << 52) - 1))))
        .prop_filter("positive", |t| *t > 0.0)
}

/// A query and `n * d` keys with entries in `-a..a`; some vectors all zero
/// and rows scaled by 10^k, k in `scales`.
fn scene_data(
    max_d: usize,
    max_n: usize,
    a: f64,
    scales: std::ops::RangeInclusive<i32>,
) -> impl Strategy<Value = (Vec<f64>, Vec<f64>)> {
    (1..=max_d, 0..=max_n).prop_flat_map(move |(d, n)| {
        (
            vec(-a..a, d),
            vec(-a..a, n * d),
            prop::bool::weighted(0.1),
            vec((prop::bool::weighted(0.1), scales.clone()), n),
        )
            .prop_map(move |(mut q, mut keys, zero_q, rows)| {
                if zero_q {
                    q.iter_mut().for_each(|v| *v = 0.0);
                }
                for (i, (zero, k)) in rows.into_iter().enumerate() {
                    let f = if zero { 0.0 } else { 10f64.powi(k) };
                    keys[i * d..(i + 1) * d].iter_mut().for_each(|v| *v *= f);
                }
                (q, keys)
            })
    })
}

fn all_finite(a: &Attention) -> bool {
    a.scores.iter().chain(&a.alpha).chain(&a.pooled).chain(&a.mean).all(|v| v.is_finite())
        && a.alpha_sum.is_finite()
        && a.pooled_norm.is_finite()
        && a.mean_norm.is_finite()
}

// ---------------------------------------------------------------------------
// Attention properties.
// ---------------------------------------------------------------------------

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Softmax weights are >= 0, strictly positive unless exp underflows,
    /// ordered like the scores, and sum to 1 within 1e-12. Only an infinite
    /// s/T is refused, with Overflow naming that score.
    #[test]
    fn softmax_weights_form_a_distribution(
        scores in prop_oneof![vec(-100.0..100.0f64, 0..50), vec(-1e6..1e6f64, 1..50), vec(finite(), 1..50)],
        t in prop_oneof![0.5..100.0f64, 1e-3..1e3f64, positive()],
    ) {
        let z: Vec<f64> = scores.iter().map(|s| s / t).collect();
        match softmax(&scores, t) {
            Ok(a) => {
                prop_assert!(z.iter().all(|v| v.is_finite()), "accepted an infinite s/T: {:?}", z);
                prop_assert_eq!(a.len(), scores.len());
                let top = z.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                for (i, w) in a.iter().enumerate() {
                    prop_assert!(w.is_finite() && *w >= 0.0, "alpha[{}] = {}", i, w);
                    if top - z[i] < 700.0 {
                        prop_assert!(*w > 0.0, "alpha[{}] = 0 though s/T is only {} below the top", i, top - z[i]);
                    }
                    for (j, v) in a.iter().enumerate() {
                        if scores[i] > scores[j] {
                            prop_assert!(w >= v, "s[{}] > s[{}] but alpha {} < {}", i, j, w, v);
                        }
                    }
                }
                if !a.is_empty() {
                    let total: f64 = a.iter().sum();
                    prop_assert!((total - 1.0).abs() <= 1e-12, "sum of alpha = {}", total);
                }
            }
            Err(AttentionError::Overflow { key }) => {
                prop_assert!(!z[key].is_finite(), "Overflow for key {} but s/T = {}", key, z[key]);
                prop_assert!(z[..key].iter().all(|v| v.is_finite()), "Overflow names a later key than the first");
            }
            Err(e) => prop_assert!(false, "unexpected error {:?}", e),
        }
    }

    /// Permuting the keys permutes scores and alpha the same way, and leaves
    /// pooled and mean unchanged (up to rounding), for every pair.
    #[test]
    fn permuting_keys_permutes_alpha(
        (q, keys, perm) in scene_data(6, 10, 5.0, -2..=2).prop_flat_map(|(q, keys)| {
            let n = keys.len() / q.len();
            (Just(q), Just(keys), Just((0..n).collect::<Vec<usize>>()).prop_shuffle())
        }),
        t in 0.1..10.0f64,
    ) {
        let d = q.len();
        let permuted: Vec<f64> = perm.iter().flat_map(|&i| keys[i * d..(i + 1) * d].to_vec()).collect();
        let xmax = keys.iter().fold(0.0_f64, |m, v| m.max(v.abs()));
        for (sim, norm) in pairs() {
            let a = attend(&q, &keys, sim, norm, t).unwrap();
            let b = attend(&q, &permuted, sim, norm, t).unwrap();
            let amax = a.alpha.iter().fold(0.0_f64, |m, v| m.max(v.abs()));
            for (i, &p) in perm.iter().enumerate() {
                prop_assert_eq!(b.scores[i], a.scores[p], "{}/{}: score {} <- {}", sim, norm, i, p);
                prop_assert!((b.alpha[i] - a.alpha[p]).abs() <= 1e-12 * amax,
                    "{}/{}: alpha {} = {} but unpermuted alpha {} = {}", sim, norm, i, b.alpha[i], p, a.alpha[p]);
            }
            let bound = 1e-12 * a.alpha.iter().map(|w| w.abs()).sum::<f64>() * xmax;
            for k in 0..d {
                prop_assert!((a.pooled[k] - b.pooled[k]).abs() <= bound, "{}/{}: pooled[{}] changed", sim, norm, k);
                prop_assert!((a.mean[k] - b.mean[k]).abs() <= 1e-12 * xmax, "{}/{}: mean[{}] changed", sim, norm, k);
            }
        }
    }

    /// Under softmax, pooled is a convex combination of the x_i, so it lies
    /// in their per-component bounding box.
    #[test]
    fn softmax_pooled_inside_bounding_box(
        (q, keys) in scene_data(8, 12, 1e3, -3..=3).prop_filter("n >= 1", |(q, k)| k.len() >= q.len()),
        t in prop_oneof![0.01..100.0f64, positive()],
        sim in select(SIMS.to_vec()),
    ) {
        let d = q.len();
        let a = match attend(&q, &keys, sim, Normalization::Softmax, t) {
            Ok(a) => a,
            // A tiny T may make s/T overflow; nothing to check then.
            Err(AttentionError::Overflow { .. }) => return Ok(()),
            Err(e) => return Err(TestCaseError::fail(format!("unexpected error {e:?}"))),
        };
        for k in 0..d {
            let col = keys.iter().skip(k).step_by(d);
            let lo = col.clone().copied().fold(f64::INFINITY, f64::min);
            let hi = col.copied().fold(f64::NEG_INFINITY, f64::max);
            let tol = 1e-12 * lo.abs().max(hi.abs());
            prop_assert!(lo - tol <= a.pooled[k] && a.pooled[k] <= hi + tol,
                "{}: pooled[{}] = {} outside [{}, {}]", sim, k, a.pooled[k], lo, hi);
            prop_assert!(lo - tol <= a.mean[k] && a.mean[k] <= hi + tol,
                "{}: mean[{}] = {} outside [{}, {}]", sim, k, a.mean[k], lo, hi);
        }
    }

    /// Cosine ignores the length of q: alpha(c q) = alpha(q) for c > 0.
    #[test]
    fn cosine_ignores_query_scale(
        (q, keys) in scene_data(8, 10, 5.0, -2..=2),
        log_c in -6.0..6.0f64,
        t in 0.1..10.0f64,
    ) {
        let c = 10f64.powf(log_c);
        let cq: Vec<f64> = q.iter().map(|v| c * v).collect();
        for norm in NORMS {
            let a = attend(&q, &keys, Similarity::Cosine, norm, t).unwrap();
            let b = attend(&cq, &keys, Similarity::Cosine, norm, t).unwrap();
            assert_vec_close(&format!("cosine/{norm} alpha with q scaled by {c}"), &b.alpha, &a.alpha, 1e-12)?;
        }
    }

    /// softmax(dot(c q, x) / 1) = softmax(dot(q, x) / (1/c)): scaling q is
    /// the same as dividing the temperature.
    #[test]
    fn query_scale_is_inverse_temperature(
        (q, keys) in scene_data(8, 10, 5.0, 0..=0),
        log_c in -2.0..2.0f64,
    ) {
        let c = 10f64.powf(log_c);
        let cq: Vec<f64> = q.iter().map(|v| c * v).collect();
        let a = attend(&cq, &keys, Similarity::Dot, Normalization::Softmax, 1.0).unwrap();
        let b = attend(&q, &keys, Similarity::Dot, Normalization::Softmax, 1.0 / c).unwrap();
        for (i, (x, y)) in a.alpha.iter().zip(&b.alpha).enumerate() {
            prop_assert!((x - y).abs() <= 1e-9, "alpha[{}]: {} (c q, T = 1) vs {} (q, T = 1/c)", i, x, y);
        }
        assert_vec_close("pooled", &a.pooled, &b.pooled, 1e-9)?;
    }

    /// Entries up to 1e150 in magnitude (any exponent, zeros included): the
    /// result is finite everywhere or the call is refused with Overflow.
    #[test]
    fn huge_inputs_stay_finite_or_overflow(
        (q, keys) in (1usize..=8, 0usize..=10).prop_flat_map(|(d, n)| {
            let entry = prop_oneof![
                1 => Just(0.0),
                6 => (any::<bool>(), -150i32..150, 1.0..10.0f64)
                    .prop_map(|(neg, e, m)| if neg { -m } else { m } * 10f64.powi(e)),
                3 => (any::<bool>(), 100i32..150, 1.0..10.0f64)
                    .prop_map(|(neg, e, m)| if neg { -m } else { m } * 10f64.powi(e)),
            ];
            (vec(entry.clone(), d), vec(entry, n * d))
        }),
        sim in select(SIMS.to_vec()),
        norm in select(NORMS.to_vec()),
        t in prop_oneof![select(vec![1e-300, 1e-100, 1e-10, 0.1, 1.0, 7.5, 1e10, 1e300]), positive()],
    ) {
        prop_assert!(q.iter().chain(&keys).all(|v| v.abs() < 1e150));
        let n = keys.len() / q.len();
        match attend(&q, &keys, sim, norm, t) {
            Ok(a) => {
                let ok = if KNOWN_BUG_NORM_OVERFLOW {
                    let mut b = a.clone();
                    b.pooled_norm = if a.pooled_norm.is_nan() { f64::NAN } else { 0.0 };
                    all_finite(&b)
                } else {
                    all_finite(&a)
                };
                prop_assert!(ok, "{}/{} T = {}: non-finite result {:?}", sim, norm, t, a);
                prop_assert_eq!(a.alpha.len(), n);
                prop_assert_eq!(a.pooled.len(), q.len());
            }
            Err(AttentionError::Overflow { key }) => prop_assert!(key < n.max(1), "Overflow key {} with n = {}", key, n),
            Err(AttentionError::OutputOverflow(_)) => {}
            Err(e) => prop_assert!(false, "{}/{} T = {}: expected Ok or Overflow, got {:?}", sim, norm, t, e),
        }
    }

    /// `attend` agrees with the plain-loop reference for every pair, on
    /// random scenes including n = 0, d = 1, zero queries and zero keys.
    #[test]
    fn attend_matches_reference(
        (q, keys) in scene_data(8, 12, 3.0, -3..=1),
        t in prop_oneof![select(vec![0.1, 1.0, 7.5]), 0.1..10.0f64],
    ) {
        for (sim, norm) in pairs() {
            let a = attend(&q, &keys, sim, norm, t).unwrap();
            let r = reference(&q, &keys, sim, norm, t);
            let tag = |what: &str| format!("{sim}/{norm} T = {t}: {what}");
            assert_vec_close(&tag("scores"), &a.scores, &r.scores, 1e-9)?;
            assert_vec_close(&tag("alpha"), &a.alpha, &r.alpha, 1e-9)?;
            assert_vec_close(&tag("pooled"), &a.pooled, &r.pooled, 1e-9)?;
            assert_vec_close(&tag("mean"), &a.mean, &r.mean, 1e-9)?;
            // alpha_sum can cancel (cosine scores of +1 and -1), so its
            // error is measured against sum |alpha_i|, its natural scale.
            let abs_sum: f64 = r.alpha.iter().map(|w| w.abs()).sum();
            prop_assert!((a.alpha_sum - r.alpha_sum).abs() <= 1e-9 * abs_sum,
                "{}: {:e} vs reference {:e}", tag("alpha_sum"), a.alpha_sum, r.alpha_sum);
            assert_rel_close(&tag("pooled_norm"), a.pooled_norm, r.pooled_norm, 1e-9)?;
            assert_rel_close(&tag("mean_norm"), a.mean_norm, r.mean_norm, 1e-9)?;
        }
    }
}

/// The edge shapes the reference property draws only by chance, checked every run.
#[test]
fn reference_edge_shapes() {
    let cases: Vec<(&str, Vec<f64>, Vec<f64>)> = vec![
        ("n = 0", vec![1.0, -2.0, 0.5], vec![]),
        ("d = 1", vec![-1.5], vec![2.0, -0.5, 0.0, 3.25]),
        ("zero query", vec![0.0, 0.0], vec![1.0, 2.0, -3.0, 0.5]),
        ("zero keys", vec![1.0, 2.0], vec![0.0, 0.0, 1.0, -1.0, 0.0, 0.0]),
        ("all zero", vec![0.0, 0.0], vec![0.0, 0.0, 0.0, 0.0]),
    ];
    for (name, q, keys) in cases {
        for (sim, norm) in pairs() {
            for t in [0.1, 1.0, 7.5] {
                let a = attend(&q, &keys, sim, norm, t).unwrap();
                let r = reference(&q, &keys, sim, norm, t);
                let check = |what: &str, got: &[f64], exact: &[f64]| {
                    let scale = exact.iter().fold(0.0_f64, |m, v| m.max(v.abs()));
                    let err = got.iter().zip(exact).fold(0.0_f64, |m, (g, e)| m.max((g - e).abs()));
                    assert!(
                        got.len() == exact.len() && err <= 1e-9 * scale,
                        "{name} {sim}/{norm} T = {t}: {what} {got:?} vs reference {exact:?}"
                    );
                };
                check("scores", &a.scores, &r.scores);
                check("alpha", &a.alpha, &r.alpha);
                check("pooled", &a.pooled, &r.pooled);
                check("mean", &a.mean, &r.mean);
                check("sums", &[a.alpha_sum, a.pooled_norm, a.mean_norm], &[r.alpha_sum, r.pooled_norm, r.mean_norm]);
            }
        }
    }
}

// ---------------------------------------------------------------------------
// Scene properties.
// ---------------------------------------------------------------------------

/// A valid scene built from the default one with random vectors and labels.
fn valid_scene() -> impl Strategy<Value = Scene> {
    // Labels hold no control character (a NUL is as refused as a line break).
    let label = prop_oneof![4 => "\\PC{0,30}", 1 => Just("\"\\/\u{2212}\u{a0}".to_owned()), 1 => "\\PC{200}"];
    let entry = prop_oneof![4 => wide(100), 1 => -10.0..10.0f64, 1 => Just(0.0)];
    (1usize..=16, 0usize..=10).prop_flat_map(move |(d, n)| {
        (
            "\\PC{0,30}",
            vec(entry.clone(), d),
            vec((label.clone(), vec(entry.clone(), d)), n),
            select(SIMS.to_vec()),
            select(NORMS.to_vec()),
            // T >= 2^-60 keeps s/T finite for entries below 2^100.
            prop_oneof![0.01..100.0f64, positive_between(1023 - 60, 1023 + 60)],
        )
            .prop_map(|(name, query, items, similarity, normalization, temperature)| {
                let mut s = default_scene();
                s.name = name;
                s.query = query;
                s.items = items.into_iter().map(|(l, v)| Item::new(&l, &v)).collect();
                s.similarity = similarity;
                s.normalization = normalization;
                s.temperature = temperature;
                s
            })
    })
}

/// Arbitrary JSON values, with keys that often hit the state's field names.
fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<f64>().prop_filter_map("finite", serde_json::Number::from_f64).prop_map(Value::Number),
        any::<i64>().prop_map(Value::from),
        ".{0,12}".prop_map(Value::String),
        select(vec!["NaN", "Infinity", "-Infinity", "dot", "cosine", "scaled_dot", "none", "softmax"])
            .prop_map(Value::from),
    ];
    let key = prop_oneof![
        select(vec!["scene", "query", "items", "similarity", "normalization", "temperature", "label", "vector"])
            .prop_map(str::to_owned),
        "[a-z]{0,6}",
    ];
    leaf.prop_recursive(3, 40, 8, move |inner| {
        prop_oneof![
            vec(inner.clone(), 0..10).prop_map(Value::Array),
            vec((key.clone(), inner), 0..6).prop_map(|kv| Value::Object(kv.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

fn not_array() -> impl Strategy<Value = Value> {
    any_json().prop_filter("not an array", |v| !v.is_array())
}

/// Not a JSON number; often a string that reads as a number ("0.5"), which
/// must still be refused.
fn not_number() -> impl Strategy<Value = Value> {
    prop_oneof![
        any_json().prop_filter("not a number", |v| !v.is_number()),
        "[ +\\-]?[0-9]{1,3}(\\.[0-9]{1,3})?(e[0-9])?".prop_map(Value::String),
    ]
}

fn not_string_or_null() -> impl Strategy<Value = Value> {
    any_json().prop_filter("not a string or null", |v| !v.is_string() && !v.is_null())
}

/// A label one character over the limit, or more.
fn too_long() -> impl Strategy<Value = String> {
    prop_oneof![".{201}", ".{202,260}"]
}

fn nums(v: Vec<f64>) -> Value {
    Value::Array(v.into_iter().map(Value::from).collect())
}

/// A patch of the default scene (d = 8, 9 items) that puts a wrong type or
/// an impossible value in one field, and the field name the error must show.
fn wrong_patch() -> impl Strategy<Value = (&'static str, Value)> {
    let v8 = || vec(-5.0..5.0f64, 8);
    let item = |vector: Value| json!({ "label": "x", "vector": vector });
    prop_oneof![
        not_array().prop_map(|v| ("query", json!({ "query": v }))),
        (v8(), 0..8usize, not_number()).prop_map(|(q, k, bad)| {
            let mut a: Vec<Value> = q.into_iter().map(Value::from).collect();
            a[k] = bad;
            ("query", json!({ "query": a }))
        }),
        vec(-5.0..5.0f64, 0..20).prop_filter("d != 8", |v| v.len() != 8).prop_map(|v| ("query", json!({ "query": nums(v) }))),
        vec(-5.0..5.0f64, 257..300).prop_map(|v| ("query", json!({ "query": nums(v), "items": [] }))),
        not_array().prop_map(|v| ("items", json!({ "items": v }))),
        any_json().prop_filter("not an object", |v| !v.is_object()).prop_map(|v| ("items", json!({ "items": [v] }))),
        (v8(), not_string_or_null()).prop_map(move |(x, l)| ("items", json!({ "items": [{ "label": l, "vector": x }] }))),
        not_array().prop_map(move |v| ("items", json!({ "items": [item(v)] }))),
        vec(-5.0..5.0f64, 0..20).prop_filter("d != 8", |v| v.len() != 8).prop_map(move |v| ("items", json!({ "items": [item(nums(v))] }))),
        Just(("items", json!({ "items": [{ "label": "no vector" }] }))),
        (too_long(), v8()).prop_map(|(l, x)| ("items", json!({ "items": [{ "label": l, "vector": x }] }))),
        too_long().prop_map(|name| ("scene", json!({ "scene": name }))),
        not_string_or_null().prop_map(|v| ("scene", json!({ "scene": v }))),
        any_json().prop_filter("not a string", |v| !v.is_string()).prop_map(|v| ("similarity", json!({ "similarity": v }))),
        ".{0,12}".prop_filter("unknown", |s| !["dot", "cosine", "scaled_dot"].contains(&s.as_str()))
            .prop_map(|s| ("similarity", json!({ "similarity": s }))),
        any_json().prop_filter("not a string", |v| !v.is_string()).prop_map(|v| ("normalization", json!({ "normalization": v }))),
        ".{0,12}".prop_filter("unknown", |s| !["none", "softmax"].contains(&s.as_str()))
            .prop_map(|s| ("normalization", json!({ "normalization": s }))),
        not_number().prop_map(|v| ("temperature", json!({ "temperature": v }))),
        prop_oneof![-1e300..=0.0f64, Just(-0.0)].prop_map(|t| ("temperature", json!({ "temperature": t }))),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// A valid scene's JSON state loads back into exactly the same scene.
    #[test]
    fn scene_json_round_trip(scene in valid_scene()) {
        let att = scene.validate();
        prop_assert!(att.is_ok(), "generated scene is invalid: {:?}", att);
        let text = scene.to_json().to_string();
        let (back, back_att) = default_scene().with_patch_json(&text).map_err(|e| {
            TestCaseError::fail(format!("round trip refused: {e}\n{text}"))
        })?;
        prop_assert_eq!(&back.name, &scene.name);
        prop_assert_eq!(back.similarity, scene.similarity);
        prop_assert_eq!(back.normalization, scene.normalization);
        prop_assert_eq!(back.items.len(), scene.items.len());
        let same = |what: &str, a: &[f64], b: &[f64]| -> Result<(), TestCaseError> {
            if KNOWN_BUG_JSON_FLOAT_PARSE {
                prop_assert_eq!(a.len(), b.len());
                for (k, (x, y)) in a.iter().zip(b).enumerate() {
                    prop_assert!(x == y || x.to_bits().abs_diff(y.to_bits()) <= 4,
                        "{}[{}]: {:e} came back as {:e}", what, k, y, x);
                }
            } else {
                prop_assert_eq!(a, b, "{} came back different", what);
            }
            Ok(())
        };
        same("query", &back.query, &scene.query)?;
        same("temperature", &[back.temperature], &[scene.temperature])?;
        for (i, (a, b)) in back.items.iter().zip(&scene.items).enumerate() {
            prop_assert_eq!(&a.label, &b.label, "items[{}].label came back different", i);
            same(&format!("items[{i}].vector"), &a.vector, &b.vector)?;
        }
        prop_assert_eq!(Ok(back_att.clone()), back.validate());
        if !KNOWN_BUG_JSON_FLOAT_PARSE {
            prop_assert_eq!(&back, &scene, "state {}", text);
            prop_assert_eq!(back_att, att.unwrap());
        }
    }

    /// Arbitrary text never panics; text that is not JSON gives SceneError::Json,
    /// and JSON that is not an object is refused as `state`.
    #[test]
    fn garbage_text_is_rejected(
        text in prop_oneof![
            any::<String>(),
            "[\\[\\]{}\":, 0-9a-zA-Z.eE+\\-]{0,60}",
            (0usize..2000, any::<char>(), any::<bool>()).prop_map(|(at, c, delete)| {
                // One-character corruption of a valid state.
                let mut s: Vec<char> = default_scene().to_json().to_string().chars().collect();
                let at = at % s.len();
                if delete { s.remove(at); } else { s.insert(at, c); }
                s.into_iter().collect()
            }),
        ],
    ) {
        let base = default_scene();
        let r = base.with_patch_json(&text);
        match serde_json::from_str::<Value>(&text) {
            Err(_) => prop_assert!(matches!(r, Err(SceneError::Json { .. })), "not JSON but got {:?}", r),
            Ok(v) if !v.is_object() => prop_assert!(
                matches!(&r, Err(SceneError::Invalid { field, .. }) if field == "state"), "non-object accepted: {:?}", r
            ),
            Ok(_) => {
                if let Ok((s, a)) = r {
                    prop_assert_eq!(s.validate(), Ok(a));
                }
            }
        }
    }

    /// Arbitrary JSON values anywhere in a patch never panic, and anything
    /// accepted is a valid scene.
    #[test]
    fn arbitrary_patches_never_panic(patch in prop_oneof![any_json(), vec(("[a-z]{0,6}|query|items|temperature|similarity|normalization|scene", any_json()), 0..6)
        .prop_map(|kv| Value::Object(kv.into_iter().collect::<Map<_, _>>()))]) {
        let base = default_scene();
        let by_value = base.with_patch(&patch);
        let by_text = base.with_patch_json(&patch.to_string());
        prop_assert_eq!(by_value.is_ok(), by_text.is_ok());
        if let Ok((s, a)) = by_value {
            prop_assert_eq!(s.validate(), Ok(a));
            prop_assert!(s.dim() >= 1 && s.items.iter().all(|it| it.vector.len() == s.dim()));
        }
        prop_assert_eq!(&base, &default_scene(), "with_patch changed self");
    }

    /// A wrong type or impossible value in any field is refused, naming the field.
    #[test]
    fn wrong_typed_fields_are_rejected((field, patch) in wrong_patch()) {
        match default_scene().with_patch(&patch) {
            Ok((s, _)) => prop_assert!(false, "accepted {} -> {:?}", patch, s),
            Err(e) => {
                let msg = e.to_string();
                prop_assert!(msg.contains(field), "message {:?} does not name {} for {}", msg, field, patch);
            }
        }
    }

    /// parse_number never panics, and whatever it accepts is finite and is
    /// what Rust's own parser reads from the trimmed text.
    #[test]
    fn parse_number_accepts_exactly_finite_numbers(
        text in prop_oneof![
            any::<String>(),
            "[ \t]{0,2}[+\\-\u{2212}]{0,2}[0-9]{0,6}[.,]?[0-9]{0,6}([eE][+\\-]?[0-9]{1,4})?[ \t]{0,2}",
            "[+\\-\u{2212}]?(nan|NaN|inf|Infinity|INF|infinity|in|na|e5|\\.|\\.e1)",
        ],
    ) {
        let r = parse_number("q1", &text);
        let std = text.trim().replacen('\u{2212}', "-", 1).parse::<f64>();
        match (&r, std) {
            (Ok(v), Ok(w)) => {
                prop_assert!(v.is_finite());
                prop_assert_eq!(*v, w, "{:?}", text);
            }
            (Ok(v), Err(_)) => prop_assert!(false, "{:?} accepted as {} but is not a number", text, v),
            (Err(e), Ok(w)) => {
                // Refused: beyond f64, or a number other than 0 that would become 0 (1e-400).
                let underflow = w == 0.0 && matches!(e, SceneError::BadNumber { problem: din_core::scene::NumberProblem::Underflow(_), .. });
                prop_assert!(!w.is_finite() || underflow, "{:?} is the finite number {} but was refused: {}", text, w, e);
            }
            (Err(_), Err(_)) => {}
        }
        if let Err(e) = r {
            prop_assert!(matches!(e, SceneError::BadNumber { ref field, .. } if field == "q1"), "{:?}", e);
            prop_assert!(e.to_string().starts_with("q1"), "{}", e);
        }
    }

    /// Every finite f64 written by Rust (plain, exponent, padded, signed,
    /// Unicode minus) is read back exactly.
    #[test]
    fn parse_number_reads_every_finite_f64(v in finite()) {
        let texts = [
            format!("{v}"),
            format!("{v:e}"),
            format!("{v:E}"),
            format!("{v:?}"),
            format!("  {v}\t"),
            if v.is_sign_negative() { format!("\u{2212}{}", -v) } else { format!("+{v}") },
        ];
        for t in &texts {
            prop_assert_eq!(parse_number("q1", t), Ok(v), "text {:?}", t);
        }
    }
}

// ---------------------------------------------------------------------------
// Known defects: minimal inputs that break the documented contract
// ("every input that can make a result non-finite is rejected").
// Run with `cargo test --test properties -- --ignored`.
// ---------------------------------------------------------------------------

fn assert_finite_or_overflow(label: &str, r: Result<Attention, AttentionError>) {
    match r {
        Ok(a) => assert!(all_finite(&a), "{label}: Ok with a non-finite result: {a:?}"),
        Err(e) => assert!(
            matches!(e, AttentionError::Overflow { .. } | AttentionError::OutputOverflow(_)),
            "{label}: {e:?}"
        ),
    }
}

#[test]
fn regression_pooled_norm_overflow() {
    // pooled = 1.3e158 * (1e150, 1e150) = (1.3e308, 1.3e308) is finite, |pooled| = 1.84e308 is not.
    let r = attend(&[1.3e8, 0.0], &[1e150, 1e150], Similarity::Dot, Normalization::None, 1.0);
    assert_finite_or_overflow("q = (1.3e8, 0), x1 = (1e150, 1e150), dot/none", r);
}

#[test]
fn regression_alpha_sum_overflow() {
    // s = (9e307, 9e307): alpha_sum = 1.8e308 = inf, while pooled = (1.62e308) is finite.
    let r = attend(&[1e308], &[0.9, 0.9], Similarity::Dot, Normalization::None, 1.0);
    assert_finite_or_overflow("q = (1e308), x = (0.9), (0.9), dot/none", r);
}

#[test]
fn regression_mean_norm_overflow() {
    // mean = (1.7e308, 1.7e308) is finite, |mean| = 2.4e308 is not.
    let r = attend(&[1.0, 1.0], &[1.7e308, 1.7e308], Similarity::Cosine, Normalization::Softmax, 1.0);
    assert_finite_or_overflow("q = (1, 1), x1 = (1.7e308, 1.7e308), cosine/softmax", r);
}

#[test]
fn regression_json_float_round_trip() {
    let v = 0.119_351_547_271_483_45;
    let mut s = default_scene();
    s.query[0] = v;
    let text = s.to_json().to_string();
    assert!(text.contains("0.11935154727148345"), "{text}");
    let (back, _) = default_scene().with_patch_json(&text).unwrap();
    assert_eq!(back.query[0], v, "query[0] {v:e} came back as {:e}", back.query[0]);
    let (t, _) = default_scene().with_patch_json(r#"{"temperature": 0.11935154727148345}"#).unwrap();
    assert_eq!(t.temperature, v, "temperature {v:e} read as {:e}", t.temperature);
}

#[test]
fn regression_cosine_of_vectors_longer_than_f64_max() {
    // x1 = (1.7e308, 1.7e308) is parallel to q = (1, 1), so s_1 = 1; |x1| = 2.4e308
    // overflows in `norm`, x1/|x1| becomes 0 and the core returns s_1 = 0.
    // (With x1 that long, |pooled| itself overflows, so attend() refuses;
    // the similarity alone must still be exact.)
    for (q, x) in [([1.0, 1.0], [1.7e308, 1.7e308]), ([1.7e308, 1.7e308], [1.0, 1.0])] {
        let s = din_core::attention::similarities(&q, &x, Similarity::Cosine).unwrap();
        assert!((s[0] - 1.0).abs() <= 1e-12, "cosine({q:?}, {x:?}) = {} instead of 1", s[0]);
    }
    let a = attend(&[1.7e308, 1.7e308], &[1.0, 1.0], Similarity::Cosine, Normalization::None, 1.0).unwrap();
    assert!((a.alpha[0] - 1.0).abs() <= 1e-12);
}
