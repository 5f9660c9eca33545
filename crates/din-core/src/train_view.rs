//! What the train panel draws: the train worker's view (JSON text from
//! `din-train-web`'s `TrainSession::view`) read into plain numbers for
//! din-draw's training charts. The worker is ours, but its text crosses a
//! message channel: every field is checked and a bad one is named.

use crate::i18n::Lang;
use crate::model::{DinModel, FeatureValue, ModelError, Problem};
use serde_json::{json, Value};

/// One point of the curves.
#[derive(Clone, Debug, PartialEq)]
pub struct TrainPoint {
    /// Mini-batches trained.
    pub steps: f64,
    /// Mean training log loss of DIN since the previous point (NaN at step 0).
    pub loss_din: f64,
    /// The same for average pooling.
    pub loss_mean: f64,
    /// Held-out AUC of DIN.
    pub auc_din: f64,
    /// Held-out AUC of average pooling.
    pub auc_mean: f64,
    /// Held-out GAUC of DIN.
    pub gauc_din: f64,
    /// Held-out GAUC of average pooling.
    pub gauc_mean: f64,
}

/// A label in both languages.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Label {
    /// English.
    pub en: String,
    /// Chinese.
    pub zh: String,
}

impl Label {
    /// The text in `lang`.
    #[must_use]
    pub fn text(&self, lang: Lang) -> &str {
        lang.pick(&self.en, &self.zh)
    }
}

/// The learned attention of the chosen user's LastN for the chosen candidate.
#[derive(Clone, Debug, PartialEq)]
pub struct TrainAttention {
    /// The user's number.
    pub user: usize,
    /// Whether the user is held out (never trained on).
    pub heldout: bool,
    /// The candidate item.
    pub candidate: Label,
    /// Its category.
    pub candidate_category: usize,
    /// LastN item labels.
    pub labels: Vec<Label>,
    /// LastN item categories.
    pub categories: Vec<usize>,
    /// DIN's weights.
    pub din: Vec<f64>,
    /// Average pooling's weights (1/n).
    pub mean: Vec<f64>,
    /// DIN's predicted click-through rate.
    pub ctr_din: f64,
    /// Average pooling's.
    pub ctr_mean: f64,
}

/// The whole view.
#[derive(Clone, Debug, PartialEq)]
pub struct TrainView {
    /// Mini-batches trained.
    pub steps: usize,
    /// The curve points, oldest first.
    pub curves: Vec<TrainPoint>,
    /// Held-out AUC of the true click probabilities (the ceiling).
    pub oracle_auc: f64,
    /// The attention, if the worker could compute it.
    pub attention: Option<TrainAttention>,
    /// Learned item embeddings on two principal axes, with their categories.
    pub map: Vec<(f64, f64, usize)>,
    /// Share of the variance the two axes keep.
    pub explained: f64,
    /// Category names.
    pub category_names: Vec<Label>,
}

fn num(v: &Value, field: &str) -> Result<f64, String> {
    match v {
        Value::Null => Ok(f64::NAN),
        Value::Number(n) => n.as_f64().ok_or_else(|| format!("{field}: expected a number")),
        _ => Err(format!("{field}: expected a number or null, got {v}")),
    }
}

fn whole(v: &Value, field: &str) -> Result<usize, String> {
    v.as_u64().and_then(|n| usize::try_from(n).ok()).ok_or_else(|| format!("{field}: expected a whole number, got {v}"))
}

fn arr<'a>(v: &'a Value, field: &str) -> Result<&'a Vec<Value>, String> {
    v.as_array().ok_or_else(|| format!("{field}: expected an array, got {v}"))
}

fn label(v: &Value, field: &str) -> Result<Label, String> {
    match (v["en"].as_str(), v["zh"].as_str()) {
        (Some(en), Some(zh)) => Ok(Label { en: en.to_owned(), zh: zh.to_owned() }),
        _ => Err(format!("{field}: expected {{\"en\": text, \"zh\": text}}, got {v}")),
    }
}

fn numbers(v: &Value, field: &str) -> Result<Vec<f64>, String> {
    arr(v, field)?.iter().enumerate().map(|(i, x)| num(x, &format!("{field}[{i}]"))).collect()
}

impl TrainView {
    /// Reads the worker's view.
    ///
    /// # Errors
    /// A message naming the first bad field.
    ///
    /// ```
    /// use din_core::train_view::TrainView;
    /// let v = TrainView::from_json(r#"{"steps": 0, "curves": [], "oracle": {"auc": 0.8}, "attention": null,
    ///     "map": {"explained": 0.5, "points": [[0, 1, 2]]}, "category_names": [{"en": "food", "zh": "美食"}]}"#).unwrap();
    /// assert_eq!(v.map, vec![(0.0, 1.0, 2)]);
    /// assert_eq!(TrainView::from_json("{}").unwrap_err(), "steps: expected a whole number, got null");
    /// ```
    pub fn from_json(text: &str) -> Result<TrainView, String> {
        let v: Value = serde_json::from_str(text).map_err(|e| format!("the view is not JSON: {e}"))?;
        let steps = whole(&v["steps"], "steps")?;
        let curves = arr(&v["curves"], "curves")?
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let f = |k: &str, x: &Value| num(x, &format!("curves[{i}].{k}"));
                Ok(TrainPoint {
                    steps: f("steps", &p["steps"])?,
                    loss_din: f("train_loss_din", &p["train_loss_din"])?,
                    loss_mean: f("train_loss_mean", &p["train_loss_mean"])?,
                    auc_din: f("din.auc", &p["din"]["auc"])?,
                    auc_mean: f("mean.auc", &p["mean"]["auc"])?,
                    gauc_din: f("din.gauc", &p["din"]["gauc"])?,
                    gauc_mean: f("mean.gauc", &p["mean"]["gauc"])?,
                })
            })
            .collect::<Result<Vec<_>, String>>()?;
        let a = &v["attention"];
        let attention = if a.is_null() {
            None
        } else {
            let labels = arr(&a["labels"], "attention.labels")?
                .iter()
                .enumerate()
                .map(|(i, l)| label(l, &format!("attention.labels[{i}]")))
                .collect::<Result<Vec<_>, String>>()?;
            let categories = arr(&a["categories"], "attention.categories")?
                .iter()
                .enumerate()
                .map(|(i, c)| whole(c, &format!("attention.categories[{i}]")))
                .collect::<Result<Vec<_>, String>>()?;
            let din = numbers(&a["din"], "attention.din")?;
            let mean = numbers(&a["mean"], "attention.mean")?;
            let n = labels.len();
            if categories.len() != n || din.len() != n || mean.len() != n {
                return Err(format!("attention: expected {n} categories and weights, one per LastN label"));
            }
            Some(TrainAttention {
                user: whole(&a["user"], "attention.user")?,
                heldout: a["heldout"].as_bool().unwrap_or(false),
                candidate: label(&a["candidate_label"], "attention.candidate_label")?,
                candidate_category: whole(&a["candidate_category"], "attention.candidate_category")?,
                labels,
                categories,
                din,
                mean,
                ctr_din: num(&a["ctr_din"], "attention.ctr_din")?,
                ctr_mean: num(&a["ctr_mean"], "attention.ctr_mean")?,
            })
        };
        let map = arr(&v["map"]["points"], "map.points")?
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let field = format!("map.points[{i}]");
                let p = arr(p, &field)?;
                if p.len() != 3 {
                    return Err(format!("{field}: expected [x, y, category]"));
                }
                Ok((num(&p[0], &field)?, num(&p[1], &field)?, whole(&p[2], &field)?))
            })
            .collect::<Result<Vec<_>, String>>()?;
        let category_names = arr(&v["category_names"], "category_names")?
            .iter()
            .enumerate()
            .map(|(i, l)| label(l, &format!("category_names[{i}]")))
            .collect::<Result<Vec<_>, String>>()?;
        Ok(TrainView {
            steps,
            curves,
            oracle_auc: num(&v["oracle"]["auc"], "oracle.auc")?,
            attention,
            map,
            explained: num(&v["map"]["explained"], "map.explained")?,
            category_names,
        })
    }

    /// Bounds `(lo, hi)` of the finite numbers of `xs`, or `None`.
    #[must_use]
    pub fn bounds(xs: impl Iterator<Item = f64>) -> Option<(f64, f64)> {
        xs.filter(|x| x.is_finite()).fold(None, |b, x| match b {
            None => Some((x, x)),
            Some((lo, hi)) => Some((lo.min(x), hi.max(x))),
        })
    }
}

/// The worker's view `view_json` with its attention and map made by an
/// imported `model` instead of the trainer's DIN: the same user's LastN
/// (`attention.lastn`, item numbers) and candidate, the model's weights
/// and CTR (average pooling's 1/n beside them, its CTR unknown), and the
/// model's item embeddings on their first two principal axes, labelled and
/// coloured by the model's own items and categories. The curves stay.
///
/// # Errors
/// A [`ModelError`] naming `attention.lastn[i]` or `candidate` when the
/// model has fewer items than the view refers to, or the view's field
/// when the view is not the worker's.
pub fn with_model(view_json: &str, model: &DinModel) -> Result<String, ModelError> {
    let bad = |field: &str, expected: &str, expected_zh: &str, got: String| {
        ModelError::new(field, Problem::Range { got, expected: expected.to_owned(), expected_zh: expected_zh.to_owned() })
    };
    let mut v: Value = serde_json::from_str(view_json).map_err(|e| bad("(view)", "the train view", "训练视图", e.to_string()))?;
    let items = model.items();
    let label = |j: usize| json!({"en": items[j].label, "zh": items[j].label_zh.clone().unwrap_or_else(|| items[j].label.clone())});
    if !v["attention"].is_null() {
        let a = &v["attention"];
        let n = items.len();
        let range_en = format!("an item from 0 to {}", n.saturating_sub(1));
        let range_zh = format!("0 到 {} 之间的物品", n.saturating_sub(1));
        let lastn: Vec<usize> = a["lastn"]
            .as_array()
            .ok_or_else(|| bad("attention.lastn", "an array of item numbers", "物品编号数组", a["lastn"].to_string()))?
            .iter()
            .enumerate()
            .map(|(i, x)| {
                x.as_u64()
                    .and_then(|k| usize::try_from(k).ok())
                    .filter(|k| *k < n)
                    .ok_or_else(|| bad(&format!("attention.lastn[{i}]"), &range_en, &range_zh, x.to_string()))
            })
            .collect::<Result<_, _>>()?;
        let candidate = a["candidate"]
            .as_u64()
            .and_then(|k| usize::try_from(k).ok())
            .filter(|k| *k < n)
            .ok_or_else(|| bad("candidate", &range_en, &range_zh, a["candidate"].to_string()))?;
        let no: &[(&str, FeatureValue)] = &[];
        let p = model.predict(&lastn, candidate, no)?;
        let f = |x: f64| if x.is_finite() { json!(x) } else { Value::Null };
        let k = lastn.len().max(1) as f64;
        let new = json!({
            "user": a["user"],
            "heldout": a["heldout"],
            "candidate": candidate,
            "candidate_label": label(candidate),
            "candidate_category": items[candidate].category,
            "lastn": lastn,
            "labels": lastn.iter().map(|j| label(*j)).collect::<Vec<_>>(),
            "categories": lastn.iter().map(|j| items[*j].category).collect::<Vec<_>>(),
            "din": p.attention.alpha.iter().map(|x| f(*x)).collect::<Vec<_>>(),
            "mean": lastn.iter().map(|_| 1.0 / k).collect::<Vec<_>>(),
            "ctr_din": f(p.ctr),
            "ctr_mean": Value::Null,
        });
        v["attention"] = new;
    }
    let d = model.d();
    let emb = model.item_embeddings();
    let basis = crate::projection::Basis::for_items(&emb, d);
    let f = |x: f64| if x.is_finite() { json!(x) } else { Value::Null };
    let points: Vec<Value> = emb
        .chunks_exact(d.max(1))
        .zip(items)
        .map(|(row, it)| {
            let (x, y) = basis.project(row);
            json!([f(x), f(y), it.category])
        })
        .collect();
    v["map"] = json!({"explained": f(basis.explained), "points": points});
    v["category_names"] = model.categories().iter().map(|c| json!({"en": c.en, "zh": c.zh})).collect();
    Ok(v.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_fields_are_named() {
        let ok = r#"{"steps": 3, "curves": [{"steps": 0, "train_loss_din": null, "train_loss_mean": null,
            "din": {"auc": 0.5, "gauc": 0.5}, "mean": {"auc": 0.5, "gauc": 0.5}}], "oracle": {"auc": 0.8},
            "attention": {"user": 1, "heldout": true, "candidate": 0, "candidate_label": {"en": "a", "zh": "甲"},
              "candidate_category": 0, "labels": [{"en": "b", "zh": "乙"}], "categories": [1], "din": [0.3], "mean": [1],
              "ctr_din": 0.1, "ctr_mean": 0.2},
            "map": {"explained": 0.5, "points": []}, "category_names": []}"#;
        let v = TrainView::from_json(ok).unwrap();
        assert!(v.curves[0].loss_din.is_nan());
        assert_eq!(v.attention.as_ref().map(|a| a.din.clone()), Some(vec![0.3]));
        let bad = ok.replace(r#""din": [0.3]"#, r#""din": [0.3, 0.2]"#);
        assert!(TrainView::from_json(&bad).unwrap_err().starts_with("attention:"));
        let bad = ok.replace(r#""auc": 0.8"#, r#""auc": "x""#);
        assert!(TrainView::from_json(&bad).unwrap_err().starts_with("oracle.auc"));
        assert_eq!(TrainView::bounds([f64::NAN, 2.0, -1.0].into_iter()), Some((-1.0, 2.0)));
    }
}
