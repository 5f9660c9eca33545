//! Native tests of the activation unit (`din_core::unit`): hand-computed
//! values of a tiny unit for each activation, the loading errors, and the
//! shipped weights in `weights/*.json`.

use din_core::presets::CATEGORIES;
use din_core::rng::Rng;
use din_core::unit::{sigmoid, Activation, ActivationUnit, UnitError, AUTHORS_PAD_SCORE};

// ------------------------------------------------------------------ tiny unit
//
// d = 2, one hidden layer of 2 units, linear output:
//
//   W1 = [[ 0.1, -0.2, 0.3, 0.0,  0.5, -0.1, 0.2,  0.4],
//         [-0.3,  0.1, 0.0, 0.2, -0.4,  0.6, 0.5, -0.2]]   b1 = [0.05, -0.1]
//   w_out = [1.5, -0.8]   b_out = 0.3
//   PReLU a = [0.25, 0.1]
//   Dice  a = [0.2, -0.1], mean = [0.1, -0.2], var = [0.5, 2.0]
//
// q = (1, -0.5); x1 = (0.5, 1), x2 = (-1, 0.25), x3 = (2, 0).
//
// By hand, for x1: input [q, x, q - x, q * x] = [1, -0.5, 0.5, 1, 0.5, -1.5, 0.5, -0.5]
//   s1 = 0.1 + 0.1 + 0.15 + 0 + 0.25 + 0.15 + 0.1 - 0.2 + 0.05 = 0.7
//   s2 = -0.3 - 0.05 + 0 + 0.2 - 0.2 - 0.9 + 0.25 + 0.1 - 0.1 = -1.0
//   PReLU (a = 0.25, 0.1): h = (0.7, 0.1 * (-1.0)) = (0.7, -0.1)
//          z = 1.5 * 0.7 - 0.8 * (-0.1) + 0.3 = 1.05 + 0.08 + 0.3 = 1.43
//
// All expected values were computed independently in Python (plain floats,
// the `math` module), not with this crate:
//
// ```python
// import math
// q=[1.0,-0.5]; X=[[0.5,1.0],[-1.0,0.25],[2.0,0.0]]
// W=[[0.1,-0.2,0.3,0.0,0.5,-0.1,0.2,0.4],[-0.3,0.1,0.0,0.2,-0.4,0.6,0.5,-0.2]]
// b=[0.05,-0.1]; wo=[1.5,-0.8]; bo=0.3
// sig=lambda t:1/(1+math.exp(-t))
// def f(kind,j,s):
//     if kind=='sigmoid': return sig(s)
//     if kind=='prelu': return s if s>0 else [0.25,0.1][j]*s
//     a=[0.2,-0.1][j]; m=[0.1,-0.2][j]; v=[0.5,2.0][j]
//     p=sig((s-m)/math.sqrt(v+1e-8)); return p*s+(1-p)*a*s
// for kind in ['sigmoid','prelu','dice']:
//     zs=[]
//     for x in X:
//         h=q+x+[q[k]-x[k] for k in range(2)]+[q[k]*x[k] for k in range(2)]
//         s=[sum(W[j][k]*h[k] for k in range(8))+b[j] for j in range(2)]
//         a=[f(kind,j,s[j]) for j in range(2)]
//         zs.append(sum(wo[j]*a[j] for j in range(2))+bo)
//     al=[sig(z) for z in zs]
//     # authors' variant, max_len = 5: 2 padded slots
//     t=[z/math.sqrt(2) for z in zs]+[(-2**32+1)/math.sqrt(2)]*2
//     m=max(t); e=[math.exp(v-m) for v in t]; tot=sum(e)
//     print(kind, zs, al, [v/tot for v in e])
// ```

const Q: [f64; 2] = [1.0, -0.5];
const KEYS: [f64; 6] = [0.5, 1.0, -1.0, 0.25, 2.0, 0.0];

struct Expected {
    activation: &'static str,
    /// pre- and post-activations of the hidden layer for x1
    pre: [f64; 2],
    post: [f64; 2],
    logits: [f64; 3],
    weights: [f64; 3],
    /// softmax over max_len = 5 positions (3 real, 2 padded)
    authors: [f64; 5],
}

const EXPECTED: [Expected; 3] = [
    Expected {
        activation: "sigmoid",
        pre: [0.7, -1.0],
        post: [0.6681877721681662, 0.2689414213699951],
        logits: [1.0871285211562531, 1.2415497753286253, 0.8093533515526194],
        weights: [0.7478406178619188, 0.7758336598870803, 0.6919716903219454],
        authors: [0.34047808399048557, 0.37976136754153056, 0.27976054846798376, 0.0, 0.0],
    },
    Expected {
        activation: "prelu",
        pre: [0.7, -1.0],
        post: [0.7, -0.1],
        logits: [1.43, 1.6325, 0.9800000000000002],
        weights: [0.8069013157667836, 0.8365118259509835, 0.7271082163411295],
        authors: [0.34705270635271457, 0.4004807831096525, 0.252466510537633, 0.0, 0.0],
    },
    Expected {
        activation: "dice",
        pre: [0.7, -1.0],
        post: [0.5321446439732112, -0.29845628428552917],
        logits: [1.33698199338824, 1.4155661803489215, 0.9224632410985816],
        weights: [0.7919931932364171, 0.8046423922195787, 0.7155437420826832],
        authors: [0.3567502927683952, 0.3771351037008502, 0.26611460353075456, 0.0, 0.0],
    },
];

fn tiny_json(activation: &str) -> String {
    let params = match activation {
        "sigmoid" => "",
        "prelu" => r#", "prelu_alpha": [0.25, 0.1]"#,
        "dice" => r#", "dice_alpha": [0.2, -0.1], "dice_mean": [0.1, -0.2], "dice_var": [0.5, 2.0]"#,
        _ => panic!("no such activation {activation}"),
    };
    format!(
        r#"{{
  "format": "din-viz activation unit v1",
  "activation": "{activation}",
  "d": 2,
  "hidden": [2],
  "layers": [
    {{"weight": [[0.1, -0.2, 0.3, 0.0, 0.5, -0.1, 0.2, 0.4],
                [-0.3, 0.1, 0.0, 0.2, -0.4, 0.6, 0.5, -0.2]],
     "bias": [0.05, -0.1]{params}}},
    {{"weight": [[1.5, -0.8]], "bias": [0.3]}}
  ]
}}"#
    )
}

fn tiny(activation: &str) -> ActivationUnit {
    ActivationUnit::from_json(&tiny_json(activation)).unwrap_or_else(|e| panic!("{activation}: {e}"))
}

fn assert_close(what: &str, got: &[f64], want: &[f64]) {
    assert_eq!(got.len(), want.len(), "{what}: length");
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        assert!((g - w).abs() <= 1e-12 * w.abs().max(1.0), "{what}[{i}]: got {g:e}, want {w:e}");
    }
}

#[test]
fn tiny_unit_logits_and_weights() {
    for e in &EXPECTED {
        let u = tiny(e.activation);
        assert_eq!(u.activation().name(), e.activation);
        assert_eq!(u.d(), 2);
        assert_eq!(u.hidden(), vec![2]);
        assert_close(&format!("{} logits", e.activation), &u.scores(&Q, &KEYS).unwrap(), &e.logits);
        assert_close(&format!("{} weights", e.activation), &u.weights(&Q, &KEYS).unwrap(), &e.weights);
    }
}

#[test]
fn tiny_unit_authors_variant() {
    for e in &EXPECTED {
        let u = tiny(e.activation);
        let a = u.authors_alpha(&Q, &KEYS, 5).unwrap();
        assert_close(&format!("{} authors alpha", e.activation), &a.alpha, &e.authors[..3]);
        assert_eq!(a.padded, 2);
        assert_eq!(a.padded_alpha, vec![0.0, 0.0], "{}: padded slots get exactly 0", e.activation);
        assert_close(&format!("{} authors logits", e.activation), &a.logits, &e.logits);
        // Scaled scores: z / sqrt(2) for real items, (-2^32 + 1) / sqrt(2) when padded.
        let s2 = 2f64.sqrt();
        let want: Vec<f64> = e.logits.iter().map(|z| z / s2).chain([AUTHORS_PAD_SCORE / s2; 2]).collect();
        assert_close(&format!("{} scaled", e.activation), &a.scaled, &want);
        assert_eq!(AUTHORS_PAD_SCORE, -(2f64.powi(32)) + 1.0);
        // Without padding the real items take the same softmax.
        let b = u.authors_alpha(&Q, &KEYS, 3).unwrap();
        assert_close(&format!("{} authors, no padding", e.activation), &b.alpha, &e.authors[..3]);
        assert_eq!(b.padded, 0);
        assert!(b.padded_alpha.is_empty());
    }
}

#[test]
fn tiny_unit_trace() {
    for e in &EXPECTED {
        let u = tiny(e.activation);
        let t = u.trace(&Q, &KEYS[..2]).unwrap();
        assert_eq!(t.input, vec![1.0, -0.5, 0.5, 1.0, 0.5, -1.5, 0.5, -0.5]);
        assert_eq!(t.layers.len(), 1);
        assert_close(&format!("{} pre", e.activation), &t.layers[0].pre, &e.pre);
        assert_close(&format!("{} post", e.activation), &t.layers[0].post, &e.post);
        assert_close(&format!("{} trace logit", e.activation), &[t.logit], &e.logits[..1]);
        assert_eq!(t.layers[0].dice_p.is_some(), e.activation == "dice");
        // trace's logit is exactly the one scores() gives, for every item.
        let z = u.scores(&Q, &KEYS).unwrap();
        for (i, x) in KEYS.chunks_exact(2).enumerate() {
            let t = u.trace(&Q, x).unwrap();
            assert_eq!(t.logit, z[i], "{} item {i}", e.activation);
            assert_eq!(t.weight, sigmoid(z[i]));
        }
    }
}

#[test]
fn dice_gate_and_curve() {
    let u = tiny("dice");
    // p(s) = sigmoid((s - 0.1) / sqrt(0.5 + 1e-8)) for unit 0: 0.5 at the mean.
    let c = u.activation_curve(0, 0, (-1.9, 2.1), 3).unwrap();
    let p = c.p.expect("dice gives p(s)");
    assert!((p[1].0 - 0.1).abs() < 1e-15); // -1.9 + 2.0 in floating point
    assert!((p[1].1 - 0.5).abs() < 1e-15);
    // f(0.1) = 0.5 * 0.1 + 0.5 * 0.2 * 0.1 = 0.06
    assert!((c.f[1].1 - 0.06).abs() < 1e-15);
    assert_eq!(c.f[0].0, -1.9);
    assert_eq!(c.f[2].0, 2.1);
    let sig = tiny("sigmoid").activation_curve(0, 1, (-1.0, 1.0), 5).unwrap();
    assert!(sig.p.is_none());
    assert_eq!(sig.f[2], (0.0, 0.5));
    assert!(matches!(u.activation_curve(1, 0, (-1.0, 1.0), 5), Err(UnitError::NoSuchUnit { layer: 1, unit: 0 })));
    assert!(matches!(u.activation_curve(0, 0, (1.0, 1.0), 5), Err(UnitError::BadCurve(_))));
    assert!(matches!(u.activation_curve(0, 0, (0.0, f64::NAN), 5), Err(UnitError::BadCurve(_))));
    assert!(matches!(u.activation_curve(0, 0, (0.0, 1.0), 1), Err(UnitError::BadCurve(_))));
}

#[test]
fn attend_pools_with_sigmoid_weights() {
    let u = tiny("prelu");
    let a = u.attend(&Q, &KEYS).unwrap();
    let w = &EXPECTED[1].weights;
    let pooled = [
        w[0] * 0.5 - w[1] + w[2] * 2.0,
        w[0] * 1.0 + w[1] * 0.25 + w[2] * 0.0,
    ];
    assert_close("pooled", &a.pooled, &pooled);
    assert_close("alpha_sum", &[a.alpha_sum], &[w.iter().sum()]);
    assert_close("mean", &a.mean, &[0.5, 1.25 / 3.0]);
}

// ------------------------------------------------------------------ errors

fn load_err(text: &str) -> UnitError {
    ActivationUnit::from_json(text).expect_err("must be refused")
}

#[test]
fn loading_errors_name_the_field() {
    let good = tiny_json("prelu");
    let cases: Vec<(String, &str)> = vec![
        (good.replace("\"d\": 2,", "\"d\": 2"), "the activation unit is not valid JSON"),
        ("[]".to_owned(), "field `(top level)` must be a JSON object"),
        (good.replace("unit v1", "unit v2"), "field `format` must be \"din-viz activation unit v1\", not \"din-viz activation unit v2\""),
        (good.replace("\"prelu\",", "\"relu\","), "unknown activation \"relu\": use \"sigmoid\", \"prelu\" or \"dice\""),
        (good.replace("\"d\": 2,", ""), "field `d` is missing"),
        (good.replace("\"d\": 2,", "\"d\": 0,"), "field `d` is 0"),
        (good.replace("\"d\": 2,", "\"d\": 2.5,"), "field `d` must be a whole number"),
        (good.replace("\"d\": 2,", "\"d\": 3,"), "field `layers[0].weight[0]` has 8 columns; it needs 12"),
        (good.replace("\"hidden\": [2]", "\"hidden\": [3]"), "field `layers[0].weight` has 2 rows; it needs 3"),
        (good.replace("\"hidden\": [2]", "\"hidden\": [2, 2]"), "field `layers` has 2 entries; it needs 3"),
        (good.replace("[0.05, -0.1]", "[0.05]"), "field `layers[0].bias` has 1 numbers; it needs 2"),
        (good.replace("[0.05, -0.1]", "[0.05, \"x\"]"), "field `layers[0].bias[1]` must be a number"),
        (good.replace("[[1.5, -0.8]]", "[[1.5]]"), "field `layers[1].weight[0]` has 1 columns; it needs 2"),
        (good.replace("[[1.5, -0.8]]", "[[1.5, -0.8], [0, 0]]"), "field `layers[1].weight` has 2 rows; it needs 1"),
        (good.replace("\"bias\": [0.3]", "\"bias\": [0.3], \"prelu_alpha\": [1]"), "field `layers[1].prelu_alpha` is not a field of the output layer"),
        (good.replace("\"prelu_alpha\"", "\"slope\""), "field `layers[0].slope` is not a field of a hidden layer of a \"prelu\" unit"),
        (good.replace("\"prelu_alpha\": [0.25, 0.1]", "\"prelu_alpha\": [0.25, 1e999]"), "the activation unit is not valid JSON"),
        (good.replace("\"format\"", "\"colour\": 1, \"format\""), "field `colour` is not a field of this format"),
        (good.replace("\"d\": 2,", "\"d\": 2, \"training\": 3,"), "field `training` must be a JSON object"),
        (
            tiny_json("dice").replace("[0.5, 2.0]", "[0.5, -2.0]"),
            "field `layers[0].dice_var[1]` is -2; a variance cannot be negative",
        ),
        (tiny_json("dice").replace(", \"dice_mean\": [0.1, -0.2]", ""), "field `layers[0].dice_mean` is missing"),
    ];
    for (text, want) in cases {
        let e = load_err(&text).to_string();
        assert!(e.contains(want), "message {e:?} should contain {want:?}");
    }
}

#[test]
fn non_finite_weights_are_refused() {
    use din_core::unit::{HiddenLayer, LayerParams, OutputLayer};
    let layer = HiddenLayer {
        weight: vec![vec![0.0; 8]],
        bias: vec![0.0],
        params: LayerParams::PReLU { alpha: vec![f64::INFINITY] },
    };
    let e = ActivationUnit::new(Activation::PReLU, 2, vec![layer], OutputLayer { weight: vec![1.0], bias: 0.0 }, serde_json::Value::Null)
        .unwrap_err();
    assert_eq!(e.to_string(), "activation unit field `layers[0].prelu_alpha[0]` is inf, not a finite number");
    let e = ActivationUnit::new(
        Activation::Sigmoid,
        1,
        vec![],
        OutputLayer { weight: vec![0.0; 4], bias: f64::NAN },
        serde_json::Value::Null,
    )
    .unwrap_err();
    assert!(matches!(e, UnitError::NonFiniteWeight { ref field, .. } if field == "layers[0].bias[0]"), "{e:?}");
}

#[test]
fn input_errors() {
    let u = tiny("sigmoid");
    assert_eq!(
        u.scores(&[1.0; 8], &[]).unwrap_err().to_string(),
        "the activation unit was trained for d = 2; this scene has d = 8"
    );
    assert_eq!(u.weights(&Q, &[1.0; 5]).unwrap_err(), UnitError::KeysNotMultiple { len: 5, d: 2 });
    assert_eq!(u.weights(&Q, &[1.0; 5]).unwrap_err().to_string(), "keys has 5 numbers, not a multiple of d = 2");
    assert!(matches!(
        u.scores(&[1.0, f64::NAN], &[]),
        Err(UnitError::NonFiniteInput { what: "query", index: 1, .. })
    ));
    assert!(matches!(
        u.scores(&Q, &[1.0, 2.0, f64::INFINITY, 0.0]),
        Err(UnitError::NonFiniteInput { what: "keys", index: 2, .. })
    ));
    let e = u.authors_alpha(&Q, &KEYS, 2).unwrap_err();
    assert_eq!(e, UnitError::MaxLenTooSmall { max_len: 2, n: 3 });
    assert_eq!(
        e.to_string(),
        "max_len is 2 but there are 3 LastN items: the padded length must be at least n"
    );
    assert!(matches!(u.trace(&Q, &[1.0; 3]), Err(UnitError::WrongDim { trained: 2, found: 3 })));
    assert!(matches!(u.trace(&[1.0], &Q), Err(UnitError::WrongDim { trained: 2, found: 1 })));
    // Empty LastN: no weights, nothing to fail.
    assert!(u.weights(&Q, &[]).unwrap().is_empty());
}

#[test]
fn activation_names() {
    for a in Activation::ALL {
        assert_eq!(a.name().parse::<Activation>().unwrap(), a);
    }
    assert_eq!("PReLU".parse::<Activation>().unwrap_err(), UnitError::UnknownActivation("PReLU".into()));
}

// ------------------------------------------------------------------ shipped weights

fn shipped(name: &str) -> (String, ActivationUnit) {
    let path = format!("{}/../../weights/{name}.json", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {path}: {e}; run `make weights`"));
    let unit = ActivationUnit::from_json(&text).unwrap_or_else(|e| panic!("{path}: {e}"));
    (text, unit)
}

#[test]
fn shipped_weights_load() {
    for a in Activation::ALL {
        let (text, u) = shipped(a.name());
        assert_eq!(u.activation(), a);
        assert_eq!(u.d(), 8);
        assert_eq!(u.hidden(), vec![16, 8]);
        // The files are in canonical form: writing the unit back gives the same bytes.
        assert_eq!(u.to_json(), text, "{}: not the canonical layout of to_json", a.name());
        let din = u.training_number("auc_din").expect("auc_din");
        let mean = u.training_number("auc_mean").expect("auc_mean");
        assert!(din > mean, "{}: DIN {din} does not beat average pooling {mean}", a.name());
        assert_eq!(u.training_number("seed"), Some(2018.0));
        // A scene of another d is refused with the message the page shows.
        assert_eq!(
            u.weights(&[1.0, 0.0], &[]).unwrap_err().to_string(),
            "the activation unit was trained for d = 8; this scene has d = 2"
        );
    }
}

/// For a LastN item at the centroid of category c, a candidate at the same
/// centroid gets a weight at least 0.2 above a candidate at any other
/// centroid (for every ordered pair; so also for the means over both
/// directions of each pair).
#[test]
fn shipped_weights_separate_categories() {
    for a in Activation::ALL {
        let (_, u) = shipped(a.name());
        let alpha = |cand: usize, item: usize| -> f64 {
            u.weights(&CATEGORIES[cand].centroid, &CATEGORIES[item].centroid).unwrap()[0]
        };
        for (c, item) in CATEGORIES.iter().enumerate() {
            let same = alpha(c, c);
            for other in (0..CATEGORIES.len()).filter(|o| *o != c) {
                let diff = same - alpha(other, c);
                assert!(
                    diff >= 0.2,
                    "{}: item {} — same-category alpha {same:.3}, {} candidate alpha {:.3}",
                    a.name(),
                    item.id,
                    CATEGORIES[other].id,
                    alpha(other, c)
                );
            }
        }
    }
}

/// The same with noisy items (centroid + N(0, 0.25^2) per component, as in
/// training): mean alpha over 40 draws per pair.
#[test]
fn shipped_weights_separate_noisy_items() {
    let mut rng = Rng::new(7);
    let noisy = |rng: &mut Rng, c: usize| -> Vec<f64> {
        CATEGORIES[c].centroid.iter().map(|v| v + 0.25 * rng.normal()).collect()
    };
    for a in Activation::ALL {
        let (_, u) = shipped(a.name());
        for (c, item) in CATEGORIES.iter().enumerate() {
            for other in (0..CATEGORIES.len()).filter(|o| *o != c) {
                let (mut same, mut diff) = (0.0, 0.0);
                for _ in 0..40 {
                    let x = noisy(&mut rng, c);
                    same += u.weights(&noisy(&mut rng, c), &x).unwrap()[0];
                    diff += u.weights(&noisy(&mut rng, other), &x).unwrap()[0];
                }
                assert!(
                    (same - diff) / 40.0 >= 0.2,
                    "{}: item {} vs candidate {}: mean alpha same {:.3}, other {:.3}",
                    a.name(),
                    item.id,
                    CATEGORIES[other].id,
                    same / 40.0,
                    diff / 40.0
                );
            }
        }
    }
}

#[test]
fn shipped_weights_authors_variant_and_intensity() {
    let food = CATEGORIES[0].centroid;
    let makeup = CATEGORIES[1].centroid;
    for a in Activation::ALL {
        let (_, u) = shipped(a.name());
        // History: 3 food and 1 make-up item, padded to 6.
        let keys: Vec<f64> = [food, food, food, makeup].concat();
        let r = u.authors_alpha(&food, &keys, 6).unwrap();
        let total: f64 = r.alpha.iter().sum::<f64>() + r.padded_alpha.iter().sum::<f64>();
        assert!((total - 1.0).abs() < 1e-12);
        assert_eq!(r.padded_alpha, vec![0.0, 0.0]);
        assert!(r.alpha[0] > r.alpha[3], "{}", a.name());
        // Without softmax, more food history means more total weight for a food
        // candidate: the intensity of interest (paper sec. 4.3).
        let one = u.attend(&food, &[food, makeup, makeup, makeup].concat()).unwrap();
        let three = u.attend(&food, &keys).unwrap();
        assert!(three.alpha_sum > one.alpha_sum + 1.0, "{}: {} vs {}", a.name(), three.alpha_sum, one.alpha_sum);
        assert!(three.alpha.iter().all(|w| (0.0..=1.0).contains(w)));
    }
}
