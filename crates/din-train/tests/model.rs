//! Whole-model files (`din_core::model`) never panic: random edits of a valid
//! file (values replaced by other JSON, keys dropped, arrays cut or grown,
//! bytes changed) either load, and then answer random queries without
//! panicking, or give an error that names a field; the trainer's export
//! loads back exactly.
#![cfg(not(target_arch = "wasm32"))]

use din_core::errors::Localized;
use din_train::learn::{Trainer, TrainerConfig, Which};
use din_core::model::{DinModel, FeatureValue};
use din_core::rng::Rng;
use proptest::prelude::*;
use serde_json::{json, Value};

fn valid() -> String {
    let mut cfg = TrainerConfig::default();
    cfg.data.users = 20;
    cfg.data.items = 12;
    cfg.d = 3;
    cfg.unit_hidden = vec![4];
    cfg.mlp_hidden = vec![3];
    let mut t = Trainer::new(cfg).unwrap();
    t.step(2);
    let mut v: Value = serde_json::from_str(&t.export(Which::Din).to_json()).unwrap();
    // A category embedding, a sparse and a dense feature, so every block is there.
    v["category_d"] = json!(1);
    for (c, cat) in v["categories"].as_array_mut().unwrap().iter_mut().enumerate() {
        cat["embedding"] = json!([c as f64 * 0.1]);
    }
    v["features"] = json!([
        {"name": "user", "kind": "sparse", "default": 1, "embedding": [[0.1], [0.2]]},
        {"name": "price", "kind": "dense", "size": 2}
    ]);
    v["attention"]["unit"] = json!({"d": 4, "activation": "dice", "hidden": [2], "layers": [
        {"weight": [vec![0.1; 16], vec![-0.1; 16]], "bias": [0.0, 0.1],
         "dice_alpha": [0.1, 0.2], "dice_mean": [0.0, 0.0], "dice_var": [1.0, 0.5], "dice_gamma": [1.0, 2.0], "dice_beta": [0.0, -1.0]},
        {"weight": [[1.0, -1.0]], "bias": [0.0]}
    ]});
    let mut mlp = v["mlp"].clone();
    mlp["input"] = json!(["feature:user", "candidate_item", "candidate_category", "pooled", "feature:price"]);
    // 1 + 3 + 1 + 4 + 2 = 11 inputs
    mlp["hidden"] = json!([2]);
    mlp["activation"] = json!("prelu");
    mlp["layers"] = json!([
        {"weight": [vec![0.1; 11], vec![0.2; 11]], "bias": [0.0, 0.0], "prelu_alpha": [0.25, 0.25]},
        {"weight": [[1.0, 1.0]], "bias": [-0.5]}
    ]);
    v["mlp"] = mlp;
    v.to_string()
}

/// Every path to a value in `v`.
fn paths(v: &Value, here: Vec<Value>, out: &mut Vec<Vec<Value>>) {
    out.push(here.clone());
    match v {
        Value::Object(o) => {
            for (k, x) in o {
                let mut p = here.clone();
                p.push(json!(k));
                paths(x, p, out);
            }
        }
        Value::Array(a) => {
            for (i, x) in a.iter().enumerate().take(6) {
                let mut p = here.clone();
                p.push(json!(i));
                paths(x, p, out);
            }
        }
        _ => {}
    }
}

fn at<'a>(v: &'a mut Value, path: &[Value]) -> Option<&'a mut Value> {
    let mut cur = v;
    for k in path {
        cur = match k {
            Value::String(s) => cur.get_mut(s.as_str())?,
            _ => cur.get_mut(k.as_u64()? as usize)?,
        };
    }
    Some(cur)
}

fn mutate(v: &mut Value, rng: &mut Rng) {
    let mut all = Vec::new();
    paths(v, Vec::new(), &mut all);
    let path = all[rng.index(all.len())].clone();
    let replacements = [
        json!(null),
        json!(-1),
        json!(0),
        json!(1e300),
        json!(-1e300),
        json!(4_294_967_296u64),
        json!(0.5),
        json!("x"),
        json!("feature:user"),
        json!([]),
        json!([1.0, 2.0]),
        json!([[1.0]]),
        json!({}),
        json!(true),
    ];
    match rng.index(4) {
        0 => {
            if let Some(x) = at(v, &path) {
                *x = replacements[rng.index(replacements.len())].clone();
            }
        }
        1 => {
            // Drop a key or an array entry.
            if let Some((last, parent)) = path.split_last() {
                if let Some(p) = at(v, parent) {
                    match (p, last) {
                        (Value::Object(o), Value::String(k)) => {
                            o.remove(k);
                        }
                        (Value::Array(a), Value::Number(n)) => {
                            let i = n.as_u64().unwrap_or(0) as usize;
                            if i < a.len() {
                                a.remove(i);
                            }
                        }
                        _ => {}
                    }
                }
            }
        }
        2 => {
            // Grow an array by repeating an entry.
            if let Some(Value::Array(a)) = at(v, &path) {
                if let Some(x) = a.first().cloned() {
                    a.push(x);
                }
            }
        }
        _ => {
            if let Some(Value::Object(o)) = at(v, &path) {
                o.insert("extra".into(), json!(1));
            }
        }
    }
}

fn exercise(m: &DinModel, rng: &mut Rng) {
    let n_items = m.items().len();
    for _ in 0..4 {
        let len = rng.index(6);
        let last_n: Vec<usize> = (0..len).map(|_| rng.index(n_items + 2)).collect();
        let candidate = rng.index(n_items + 2);
        let features =
            [("user", FeatureValue::Sparse(rng.index(3))), ("price", FeatureValue::Dense(vec![0.5; rng.index(3)]))];
        let k = rng.index(3);
        match m.predict(&last_n, candidate, &features[..k]) {
            Ok(p) => assert!(p.ctr.is_finite() && (0.0..=1.0).contains(&p.ctr)),
            Err(e) => assert!(!e.to_string().is_empty() && !e.zh().is_empty() && e.code().starts_with('E')),
        }
    }
}

#[test]
fn the_valid_file_loads_and_round_trips() {
    let m = DinModel::from_json(&valid()).unwrap();
    assert_eq!(m.category_d(), 1);
    assert_eq!(DinModel::from_json(&m.to_json()).unwrap().to_json(), m.to_json());
    exercise(&m, &mut Rng::new(1));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn edited_files_never_panic(seed in any::<u64>(), edits in 1usize..4) {
        let mut rng = Rng::new(seed);
        let mut v: Value = serde_json::from_str(&valid()).unwrap();
        for _ in 0..edits {
            mutate(&mut v, &mut rng);
        }
        match DinModel::from_json(&v.to_string()) {
            Ok(m) => exercise(&m, &mut rng),
            Err(e) => {
                prop_assert!(!e.to_string().is_empty());
                prop_assert!(e.code().starts_with("E_MODEL_"), "{}", e.code());
                prop_assert!(!e.zh().is_empty());
            }
        }
    }

    #[test]
    fn arbitrary_bytes_never_panic(cut in 0usize..4000, byte in any::<u8>(), text in ".{0,40}") {
        let good = valid();
        let mut bytes = good.into_bytes();
        let at = cut.min(bytes.len());
        bytes.insert(at, byte);
        let s = String::from_utf8_lossy(&bytes).into_owned();
        let _ = DinModel::from_json(&s);
        let _ = DinModel::from_json(&text);
    }
}
