//! Reading and writing the `"din-viz model v1"` JSON format (documented in
//! `weights/README.md`). Every field is checked; an error names the field
//! by its path and says what was expected and what was found.

use super::error::{Kind, ModelError, Problem};
use super::{
    Activation, Block, Category, DinModel, Feature, Item, Layer, LayerParams, Pooling, Stack, WeightForm,
    DEFAULT_DICE_EPS, FORMAT, MAX_D, MAX_LAYERS, MAX_TEXT, MAX_WIDTH,
};
use serde_json::{Map, Value};

/// Most items, categories, features and sparse-feature values.
const MAX_COUNT: usize = 1_000_000;

type Obj = Map<String, Value>;

fn err(field: &str, problem: Problem) -> ModelError {
    ModelError::new(field, problem)
}

/// A short description of a JSON value for "got ...".
fn describe(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => {
            let short: String = s.chars().take(40).collect();
            if short.len() < s.len() {
                format!("\"{short}...\"")
            } else {
                format!("\"{short}\"")
            }
        }
        Value::Array(a) => format!("an array of {} entries", a.len()),
        Value::Object(_) => "an object".into(),
    }
}

fn type_err(field: &str, expected: Kind, v: &Value) -> ModelError {
    err(field, Problem::Type { expected, got: describe(v) })
}

fn range(field: &str, got: impl ToString, lo: usize, hi: usize) -> ModelError {
    err(
        field,
        Problem::Range {
            got: got.to_string(),
            expected: format!("a whole number from {lo} to {hi}"),
            expected_zh: format!("{lo} 到 {hi} 之间的整数"),
        },
    )
}

fn object<'a>(v: &'a Value, field: &str) -> Result<&'a Obj, ModelError> {
    v.as_object().ok_or_else(|| type_err(field, Kind::Object, v))
}

fn only(obj: &Obj, path: &str, allowed: &[&str]) -> Result<(), ModelError> {
    match obj.keys().find(|k| !allowed.contains(&k.as_str())) {
        Some(k) => Err(err(&join(path, k), Problem::Unknown)),
        None => Ok(()),
    }
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

fn get<'a>(obj: &'a Obj, path: &str, key: &str) -> Result<&'a Value, ModelError> {
    obj.get(key).ok_or_else(|| err(&join(path, key), Problem::Missing))
}

fn text(obj: &Obj, path: &str, key: &str) -> Result<String, ModelError> {
    let v = get(obj, path, key)?;
    v.as_str().map(str::to_owned).ok_or_else(|| type_err(&join(path, key), Kind::Text, v))
}

fn opt_text(obj: &Obj, path: &str, key: &str) -> Result<Option<String>, ModelError> {
    match obj.get(key) {
        None => Ok(None),
        Some(v) => v.as_str().map(|s| Some(s.to_owned())).ok_or_else(|| type_err(&join(path, key), Kind::Text, v)),
    }
}

fn whole_value(v: &Value, field: &str, lo: usize, hi: usize) -> Result<usize, ModelError> {
    let n = v.as_u64().ok_or_else(|| type_err(field, Kind::Whole, v))?;
    match usize::try_from(n) {
        Ok(n) if (lo..=hi).contains(&n) => Ok(n),
        _ => Err(range(field, n, lo, hi)),
    }
}

fn whole(obj: &Obj, path: &str, key: &str, lo: usize, hi: usize) -> Result<usize, ModelError> {
    whole_value(get(obj, path, key)?, &join(path, key), lo, hi)
}

fn array<'a>(v: &'a Value, field: &str) -> Result<&'a Vec<Value>, ModelError> {
    v.as_array().ok_or_else(|| type_err(field, Kind::Array, v))
}

fn numbers(v: &Value, field: &str) -> Result<Vec<f64>, ModelError> {
    let Value::Array(xs) = v else {
        return Err(type_err(field, Kind::Numbers, v));
    };
    xs.iter()
        .enumerate()
        .map(|(i, x)| x.as_f64().ok_or_else(|| type_err(&format!("{field}[{i}]"), Kind::Number, x)))
        .collect()
}

fn vector(v: &Value, field: &str, len: usize) -> Result<Vec<f64>, ModelError> {
    let xs = numbers(v, field)?;
    if xs.len() == len {
        Ok(xs)
    } else {
        Err(err(field, Problem::Length { expected: len, got: xs.len() }))
    }
}

fn matrix(v: &Value, field: &str, rows: usize, cols: usize) -> Result<Vec<Vec<f64>>, ModelError> {
    let Value::Array(items) = v else {
        return Err(type_err(field, Kind::Matrix, v));
    };
    let mut out = Vec::with_capacity(items.len().min(rows));
    for (j, row) in items.iter().enumerate() {
        out.push(numbers(row, &format!("{field}[{j}]"))?);
    }
    let first = out.first().map_or(cols, Vec::len);
    let uniform = out.iter().all(|r| r.len() == first);
    if out.len() != rows || (uniform && first != cols) {
        let got_cols = if uniform { first } else { cols };
        return Err(err(field, Problem::Matrix { expected: (rows, cols), got: (out.len(), got_cols) }));
    }
    if let Some(j) = out.iter().position(|r| r.len() != cols) {
        return Err(err(&format!("{field}[{j}]"), Problem::Length { expected: cols, got: out[j].len() }));
    }
    Ok(out)
}

/// Reads a stack (the unit or the MLP) whose first layer takes `inputs` numbers.
fn stack(obj: &Obj, path: &str, inputs: usize, extra: &[&str]) -> Result<Stack, ModelError> {
    let mut allowed = vec!["activation", "hidden", "layers", "dice_eps"];
    allowed.extend_from_slice(extra);
    only(obj, path, &allowed)?;
    let act_name = text(obj, path, "activation")?;
    let activation = Activation::parse(&act_name).ok_or_else(|| {
        err(&join(path, "activation"), Problem::Choice { got: act_name.clone(), choices: Activation::NAMES })
    })?;
    let dice_eps = match obj.get("dice_eps") {
        None => DEFAULT_DICE_EPS,
        Some(v) => match v.as_f64() {
            Some(e) if e > 0.0 && e <= 1.0 => e,
            _ => {
                return Err(err(
                    &join(path, "dice_eps"),
                    Problem::Range {
                        got: describe(v),
                        expected: "a number above 0, at most 1".into(),
                        expected_zh: "大于 0 且不大于 1 的数".into(),
                    },
                ))
            }
        },
    };
    let hidden_field = join(path, "hidden");
    let hidden_v = array(get(obj, path, "hidden")?, &hidden_field)?;
    if hidden_v.len() > MAX_LAYERS {
        return Err(err(
            &hidden_field,
            Problem::Range {
                got: format!("{} layers", hidden_v.len()),
                expected: format!("at most {MAX_LAYERS} layers"),
                expected_zh: format!("最多 {MAX_LAYERS} 层"),
            },
        ));
    }
    let widths: Vec<usize> = hidden_v
        .iter()
        .enumerate()
        .map(|(i, h)| whole_value(h, &format!("{hidden_field}[{i}]"), 1, MAX_WIDTH))
        .collect::<Result<_, _>>()?;
    let layers_field = join(path, "layers");
    let layers_v = array(get(obj, path, "layers")?, &layers_field)?;
    if layers_v.len() != widths.len() + 1 {
        return Err(err(
            &layers_field,
            Problem::Range {
                got: format!("{} layers", layers_v.len()),
                expected: format!("{} layers (one per hidden layer, then the output layer)", widths.len() + 1),
                expected_zh: format!("{} 层（每个隐藏层一层，再加输出层）", widths.len() + 1),
            },
        ));
    }
    let mut cols = inputs;
    let mut hidden = Vec::with_capacity(widths.len());
    for (l, &w) in widths.iter().enumerate() {
        let lp = format!("{layers_field}[{l}]");
        let o = object(&layers_v[l], &lp)?;
        let params_keys: &[&str] = match activation {
            Activation::Sigmoid | Activation::Relu => &["weight", "bias"],
            Activation::PRelu => &["weight", "bias", "prelu_alpha"],
            Activation::Dice => &["weight", "bias", "dice_alpha", "dice_mean", "dice_var", "dice_gamma", "dice_beta"],
        };
        only(o, &lp, params_keys)?;
        let weight = matrix(get(o, &lp, "weight")?, &join(&lp, "weight"), w, cols)?;
        let bias = vector(get(o, &lp, "bias")?, &join(&lp, "bias"), w)?;
        let per_unit = |key: &str| -> Result<Vec<f64>, ModelError> { vector(get(o, &lp, key)?, &join(&lp, key), w) };
        let params = match activation {
            Activation::Sigmoid | Activation::Relu => LayerParams::None,
            Activation::PRelu => LayerParams::PRelu { alpha: per_unit("prelu_alpha")? },
            Activation::Dice => {
                let var = per_unit("dice_var")?;
                if let Some(j) = var.iter().position(|v| *v < 0.0) {
                    return Err(err(
                        &format!("{lp}.dice_var[{j}]"),
                        Problem::Range {
                            got: var[j].to_string(),
                            expected: "a variance >= 0".into(),
                            expected_zh: "不小于 0 的方差".into(),
                        },
                    ));
                }
                let optional = |key: &str, default: f64| match o.get(key) {
                    None => Ok(vec![default; w]),
                    Some(_) => per_unit(key),
                };
                LayerParams::Dice {
                    alpha: per_unit("dice_alpha")?,
                    mean: per_unit("dice_mean")?,
                    var,
                    gamma: optional("dice_gamma", 1.0)?,
                    beta: optional("dice_beta", 0.0)?,
                }
            }
        };
        hidden.push(Layer { weight, bias, params });
        cols = w;
    }
    let lp = format!("{layers_field}[{}]", widths.len());
    let o = object(&layers_v[widths.len()], &lp)?;
    only(o, &lp, &["weight", "bias"])?;
    let weight = matrix(get(o, &lp, "weight")?, &join(&lp, "weight"), 1, cols)?;
    let bias = vector(get(o, &lp, "bias")?, &join(&lp, "bias"), 1)?;
    Ok(Stack { activation, dice_eps, hidden, output: Layer { weight, bias, params: LayerParams::None } })
}

fn categories(top: &Obj, category_d: usize) -> Result<Vec<Category>, ModelError> {
    let list = array(get(top, "", "categories")?, "categories")?;
    if list.is_empty() || list.len() > MAX_COUNT {
        return Err(range("categories", format!("{} categories", list.len()), 1, MAX_COUNT));
    }
    let mut out: Vec<Category> = Vec::with_capacity(list.len());
    for (c, v) in list.iter().enumerate() {
        let p = format!("categories[{c}]");
        let o = object(v, &p)?;
        only(o, &p, &["id", "en", "zh", "embedding"])?;
        let id = text(o, &p, "id")?;
        if out.iter().any(|x| x.id == id) {
            return Err(err(&join(&p, "id"), Problem::Duplicate { name: id }));
        }
        let en = opt_text(o, &p, "en")?.unwrap_or_else(|| id.clone());
        let zh = opt_text(o, &p, "zh")?.unwrap_or_else(|| en.clone());
        let embedding = match (category_d, o.get("embedding")) {
            (0, None) => Vec::new(),
            (0, Some(_)) => return Err(err(&join(&p, "embedding"), Problem::Unknown)),
            (k, Some(e)) => vector(e, &join(&p, "embedding"), k)?,
            (_, None) => return Err(err(&join(&p, "embedding"), Problem::Missing)),
        };
        out.push(Category { id, en, zh, embedding });
    }
    Ok(out)
}

fn items(top: &Obj, d: usize, n_categories: usize) -> Result<Vec<Item>, ModelError> {
    let list = array(get(top, "", "items")?, "items")?;
    if list.is_empty() || list.len() > MAX_COUNT {
        return Err(range("items", format!("{} items", list.len()), 1, MAX_COUNT));
    }
    list.iter()
        .enumerate()
        .map(|(j, v)| {
            let p = format!("items[{j}]");
            let o = object(v, &p)?;
            only(o, &p, &["label", "label_zh", "category", "embedding"])?;
            Ok(Item {
                label: text(o, &p, "label")?,
                label_zh: opt_text(o, &p, "label_zh")?,
                category: whole(o, &p, "category", 0, n_categories - 1)?,
                embedding: vector(get(o, &p, "embedding")?, &join(&p, "embedding"), d)?,
            })
        })
        .collect()
}

fn features(top: &Obj) -> Result<Vec<Feature>, ModelError> {
    let Some(v) = top.get("features") else {
        return Ok(Vec::new());
    };
    let list = array(v, "features")?;
    let mut out: Vec<Feature> = Vec::with_capacity(list.len());
    for (f, v) in list.iter().enumerate() {
        let p = format!("features[{f}]");
        let o = object(v, &p)?;
        let name = text(o, &p, "name")?;
        if name.is_empty() {
            return Err(err(
                &join(&p, "name"),
                Problem::Range { got: "\"\"".into(), expected: "a name".into(), expected_zh: "名称".into() },
            ));
        }
        if out.iter().any(|x| x.name() == name) {
            return Err(err(&join(&p, "name"), Problem::Duplicate { name }));
        }
        let kind = text(o, &p, "kind")?;
        let feature = match kind.as_str() {
            "sparse" => {
                only(o, &p, &["name", "kind", "embedding", "default"])?;
                let ef = join(&p, "embedding");
                let rows = array(get(o, &p, "embedding")?, &ef)?;
                let width = match rows.first() {
                    Some(r) => array(r, &format!("{ef}[0]"))?.len(),
                    None => 0,
                };
                if rows.is_empty() || rows.len() > MAX_COUNT {
                    return Err(range(&ef, format!("{} rows", rows.len()), 1, MAX_COUNT));
                }
                if width == 0 || width > MAX_D {
                    return Err(range(&format!("{ef}[0]"), format!("{width} numbers"), 1, MAX_D));
                }
                let embedding = matrix(get(o, &p, "embedding")?, &ef, rows.len(), width)?;
                let default = match o.get("default") {
                    None => 0,
                    Some(v) => whole_value(v, &join(&p, "default"), 0, embedding.len() - 1)?,
                };
                Feature::Sparse { name, embedding, default }
            }
            "dense" => {
                only(o, &p, &["name", "kind", "size", "default"])?;
                let size = whole(o, &p, "size", 1, MAX_D)?;
                let default = match o.get("default") {
                    None => vec![0.0; size],
                    Some(v) => vector(v, &join(&p, "default"), size)?,
                };
                Feature::Dense { name, size, default }
            }
            _ => return Err(err(&join(&p, "kind"), Problem::Choice { got: kind, choices: &["sparse", "dense"] })),
        };
        out.push(feature);
    }
    Ok(out)
}

const BLOCK_NAMES: &[&str] = &["pooled", "candidate", "candidate_item", "candidate_category", "feature:NAME"];

fn blocks(mlp: &Obj, features: &[Feature], category_d: usize) -> Result<Vec<Block>, ModelError> {
    let list = array(get(mlp, "mlp", "input")?, "mlp.input")?;
    if list.is_empty() {
        return Err(range("mlp.input", "0 blocks", 1, 64));
    }
    list.iter()
        .enumerate()
        .map(|(i, v)| {
            let field = format!("mlp.input[{i}]");
            let name = v.as_str().ok_or_else(|| type_err(&field, Kind::Text, v))?;
            let block = match name {
                "pooled" => Block::Pooled,
                "candidate" => Block::Candidate,
                "candidate_item" => Block::CandidateItem,
                "candidate_category" if category_d > 0 => Block::CandidateCategory,
                _ => match name.strip_prefix("feature:") {
                    Some(f) => match features.iter().position(|x| x.name() == f) {
                        Some(k) => Block::Feature(k),
                        None => return Err(err(&field, Problem::NoSuchFeature { name: f.to_owned() })),
                    },
                    None => return Err(err(&field, Problem::Choice { got: name.to_owned(), choices: BLOCK_NAMES })),
                },
            };
            Ok(block)
        })
        .collect()
}

impl DinModel {
    /// Reads a model from the JSON text of `weights/README.md`'s "whole
    /// model" format, checking every field.
    ///
    /// # Errors
    /// A [`ModelError`] naming the first bad field, e.g.
    /// `mlp.layers[1].weight: expected 1 x 16, got 1 x 15 (rows x columns)`.
    ///
    /// ```
    /// use din_core::model::DinModel;
    /// let text = r#"{"format": "din-viz model v1", "d": 1,
    ///   "categories": [{"id": "food"}],
    ///   "items": [{"label": "a", "category": 0, "embedding": [1]},
    ///             {"label": "b", "category": 0, "embedding": [-1]}],
    ///   "pooling": "attention",
    ///   "attention": {"weight": "identity", "unit": {"activation": "relu", "d": 1, "hidden": [],
    ///       "layers": [{"weight": [[0, 0, 0, 1]], "bias": [0]}]}},
    ///   "mlp": {"input": ["pooled"], "activation": "relu", "hidden": [],
    ///       "layers": [{"weight": [[1]], "bias": [0]}]}}"#;
    /// let m = DinModel::from_json(text).unwrap();
    /// // z_i = q * x_i: candidate a (1) and history [a, b] give z = [1, -1]
    /// let a = m.attend(&[0, 1], 0).unwrap();
    /// assert_eq!(a.scores, vec![1.0, -1.0]);
    /// assert_eq!(a.pooled, vec![2.0]); // 1 * 1 + (-1) * (-1)
    /// let e = DinModel::from_json(&text.replace("[[1]]", "[[1, 2]]")).unwrap_err();
    /// assert_eq!(e.to_string(), "mlp.layers[0].weight: expected 1 x 1, got 1 x 2 (rows x columns)");
    /// ```
    pub fn from_json(json: &str) -> Result<Self, ModelError> {
        if json.len() > MAX_TEXT {
            return Err(err("", Problem::TooLarge { bytes: json.len(), max: MAX_TEXT }));
        }
        let v: Value = serde_json::from_str(json)
            .map_err(|e| err("", Problem::Json { line: e.line(), column: e.column(), message: e.to_string() }))?;
        let top = object(&v, "(top level)")?;
        only(
            top,
            "",
            &[
                "format",
                "d",
                "category_d",
                "categories",
                "items",
                "features",
                "pooling",
                "attention",
                "mlp",
                "training",
            ],
        )?;
        let format = text_top(top, "format")?;
        if format != FORMAT {
            return Err(err("format", Problem::Format { got: format }));
        }
        let d = whole(top, "", "d", 1, MAX_D)?;
        let category_d = match top.get("category_d") {
            None => 0,
            Some(v) => whole_value(v, "category_d", 0, MAX_D)?,
        };
        let categories = categories(top, category_d)?;
        let items = items(top, d, categories.len())?;
        let features = features(top)?;
        let pooling_name = text_top(top, "pooling")?;
        let pooling = match pooling_name.as_str() {
            "attention" => Pooling::Attention,
            "mean" => Pooling::Mean,
            _ => return Err(err("pooling", Problem::Choice { got: pooling_name, choices: &["attention", "mean"] })),
        };
        let key_d = d + category_d;
        let (weight, unit) = match (pooling, top.get("attention")) {
            (Pooling::Mean, None) => (WeightForm::Identity, None),
            (Pooling::Mean, Some(_)) => return Err(err("attention", Problem::Unknown)),
            (Pooling::Attention, None) => return Err(err("attention", Problem::Missing)),
            (Pooling::Attention, Some(a)) => {
                let a = object(a, "attention")?;
                only(a, "attention", &["weight", "unit"])?;
                let w = text(a, "attention", "weight")?;
                let weight = WeightForm::parse(&w)
                    .ok_or_else(|| err("attention.weight", Problem::Choice { got: w, choices: WeightForm::NAMES }))?;
                let u = object(get(a, "attention", "unit")?, "attention.unit")?;
                let ud = whole(u, "attention.unit", "d", 1, 2 * MAX_D)?;
                if ud != key_d {
                    return Err(err(
                        "attention.unit.d",
                        Problem::Range {
                            got: ud.to_string(),
                            expected: format!("{key_d} (d + category_d, the length of a key)"),
                            expected_zh: format!("{key_d}（d + category_d，即键向量的长度）"),
                        },
                    ));
                }
                (weight, Some(stack(u, "attention.unit", 4 * key_d, &["d"])?))
            }
        };
        let mlp_obj = object(get(top, "", "mlp")?, "mlp")?;
        let input = blocks(mlp_obj, &features, category_d)?;
        let width: usize = input
            .iter()
            .map(|b| match b {
                Block::Pooled | Block::Candidate => key_d,
                Block::CandidateItem => d,
                Block::CandidateCategory => category_d,
                Block::Feature(k) => features[*k].width(),
            })
            .sum();
        let mlp = stack(mlp_obj, "mlp", width, &["input"])?;
        let training = match top.get("training") {
            None => Value::Null,
            Some(t @ Value::Object(_)) => t.clone(),
            Some(t) => return Err(type_err("training", Kind::Object, t)),
        };
        Ok(DinModel { d, category_d, categories, items, features, pooling, weight, unit, input, mlp, training })
    }
}

fn text_top(top: &Obj, key: &str) -> Result<String, ModelError> {
    text(top, "", key)
}
