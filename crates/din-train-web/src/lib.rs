//! # din-train-web
//!
//! The train worker's wasm module: [`din_train::learn::Trainer`] behind a
//! wasm-bindgen handle that a Web Worker (`www/train-worker.js`) drives
//! step by step, and the one JSON "view" the page draws from. It is built
//! by `make build` into `pkg-train/`, a module of its own: the page's wasm
//! (the root package) never links the trainer.
//!
//! Every message out is JSON text; every refusal is an `Error` whose
//! message is English and whose `zh` property is the Chinese text (the
//! page shows the one of its language).
//!
//! [`TrainSession`] is the same API without wasm-bindgen, for native tests.

use din_core::errors::Localized;
use din_core::presets::CATEGORIES;
use din_train::learn::{Trainer, TrainerConfig, Which};
use serde_json::{json, Value};
use wasm_bindgen::prelude::*;

/// The trainer, the user and candidate whose attention the page shows,
/// and the settings it was made with.
pub struct TrainSession {
    trainer: Trainer,
    user: usize,
    candidate: usize,
}

/// A refusal in both languages.
#[derive(Clone, Debug, PartialEq)]
pub struct Refusal {
    /// English.
    pub en: String,
    /// Chinese.
    pub zh: String,
}

impl<E: Localized> From<E> for Refusal {
    fn from(e: E) -> Self {
        Refusal { en: e.to_string(), zh: e.zh() }
    }
}

impl TrainSession {
    /// A trainer on [`TrainerConfig::default`] with the settings of the JSON
    /// object `settings` changed (see [`TrainerConfig::patched`]), measured
    /// once at step 0; the shown user is the first held-out user and the
    /// candidate an item of that user's first interest.
    ///
    /// # Errors
    /// A [`Refusal`] naming the bad setting.
    pub fn new(settings: &str) -> Result<Self, Refusal> {
        let cfg = TrainerConfig::default().patched(&Self::typed(settings)?)?;
        let mut trainer = Trainer::new(cfg)?;
        trainer.evaluate();
        let user = trainer.data().train_users.min(trainer.data().users.len().saturating_sub(1));
        let candidate = Self::default_candidate(&trainer, user);
        Ok(TrainSession { trainer, user, candidate })
    }

    /// The page's knobs are text fields: a numeric setting given as text
    /// is read as people type numbers ([`din_core::scene::parse_number`],
    /// naming the setting when it is not one); `lastn` (the longest LastN)
    /// sets `n_max` and lowers `n_min` to it when needed.
    fn typed(settings: &str) -> Result<String, Refusal> {
        let Ok(Value::Object(mut o)) = serde_json::from_str::<Value>(settings) else {
            return Ok(settings.to_owned()); // patched() names the problem
        };
        for (k, v) in o.iter_mut() {
            if let (Value::String(text), false) = (&*v, matches!(k.as_str(), "weight" | "unit_activation" | "mlp_activation")) {
                let x = din_core::scene::parse_number(k, text)?;
                *v = if x.fract() == 0.0 && x >= 0.0 && x <= 9.0e15 { json!(x as u64) } else { json!(x) };
            }
        }
        if let Some(l) = o.remove("lastn") {
            let n_min = TrainerConfig::default().data.n_min as u64;
            if let Some(n) = l.as_u64() {
                if !o.contains_key("n_min") {
                    o.insert("n_min".into(), json!(n_min.min(n.max(1))));
                }
            }
            o.insert("n_max".into(), l);
        }
        Ok(Value::Object(o).to_string())
    }

    fn default_candidate(t: &Trainer, user: usize) -> usize {
        let data = t.data();
        let cat = data.users.get(user).and_then(|u| u.interests.categories.first().copied()).unwrap_or(0);
        data.item_categories.iter().position(|c| *c == cat).unwrap_or(0)
    }

    /// Trains `batches` mini-batches, then measures both models on the
    /// held-out users (one curve point).
    pub fn step(&mut self, batches: usize) {
        self.trainer.step(batches);
        self.trainer.evaluate();
    }

    /// Back to step 0 (same data and initial weights), measured once.
    pub fn reset(&mut self) {
        self.trainer.reset();
        self.trainer.evaluate();
    }

    /// Chooses the user and candidate whose attention the view shows.
    ///
    /// # Errors
    /// A [`Refusal`] naming `user` or `candidate` when out of range.
    pub fn select(&mut self, user: usize, candidate: usize) -> Result<(), Refusal> {
        let data = self.trainer.data();
        if user >= data.users.len() {
            let n = data.users.len() - 1;
            return Err(Refusal {
                en: format!("user: expected a whole number from 0 to {n}, got {user}"),
                zh: format!("用户：应为 0 到 {n} 之间的整数，实际为 {user}"),
            });
        }
        if candidate >= data.item_categories.len() {
            let n = data.item_categories.len() - 1;
            return Err(Refusal {
                en: format!("candidate: expected a whole number from 0 to {n}, got {candidate}"),
                zh: format!("候选物品：应为 0 到 {n} 之间的整数，实际为 {candidate}"),
            });
        }
        self.user = user;
        self.candidate = candidate;
        Ok(())
    }

    /// [`TrainSession::select`] with the numbers as typed in the page.
    ///
    /// # Errors
    /// A [`Refusal`] naming `user` or `candidate`.
    pub fn select_text(&mut self, user: &str, candidate: &str) -> Result<(), Refusal> {
        let whole = |field: &str, text: &str| -> Result<usize, Refusal> {
            let x = din_core::scene::parse_number(field, text)?;
            if x.fract() == 0.0 && x >= 0.0 && x < 1e9 {
                Ok(x as usize)
            } else {
                Err(Refusal {
                    en: format!("{field}: expected a whole number from 0, got {text}"),
                    zh: format!("{field}：应为从 0 起的整数，实际为 {text}"),
                })
            }
        };
        let (u, c) = (whole("user", user)?, whole("candidate", candidate)?);
        self.select(u, c)
    }

    /// The knobs the page shows, as a JSON object (`max_interests`,
    /// `stray`, `lastn`, `users`, `items`, `seed`, `learning_rate`,
    /// `batch_size`), and the shown `user` and `candidate`.
    #[must_use]
    pub fn settings(&self) -> Value {
        let c = self.trainer.config();
        json!({
            "max_interests": c.data.max_interests,
            "stray": c.data.stray,
            "lastn": c.data.n_max,
            "users": c.data.users,
            "items": c.data.items,
            "seed": c.seed,
            "learning_rate": c.learning_rate,
            "batch_size": c.batch_size,
            "user": self.user,
            "candidate": self.candidate,
        })
    }

    /// Mini-batches trained so far.
    #[must_use]
    pub fn steps(&self) -> usize {
        self.trainer.steps()
    }

    /// The trainer.
    #[must_use]
    pub fn trainer(&self) -> &Trainer {
        &self.trainer
    }

    /// Everything the page draws, as one JSON object:
    /// `steps`, `epochs`-free curve points `curves` (see
    /// [`din_train::learn::CurvePoint::to_json`]), the `oracle`'s AUC and
    /// GAUC, the data's sizes, `attention` (the chosen user's LastN item
    /// labels and categories, DIN's weights and the baseline's, both CTRs),
    /// and `map` (DIN's learned item embeddings on their first two
    /// principal axes, with each item's category).
    #[must_use]
    pub fn view(&self) -> Value {
        let t = &self.trainer;
        let data = t.data();
        let o = t.oracle();
        let f = |x: f64| if x.is_finite() { json!(x) } else { Value::Null };
        let label = |j: usize| {
            let c = data.item_categories[j];
            let k = j / CATEGORIES.len() + 1;
            json!({"en": format!("{} {k}", CATEGORIES[c].en), "zh": format!("{} {k}", CATEGORIES[c].zh)})
        };
        let attention = match (t.attention(Which::Din, self.user, self.candidate), t.attention(Which::Mean, self.user, self.candidate)) {
            (Ok(a), Ok(b)) => {
                let lastn = &data.users[self.user].lastn;
                json!({
                    "user": self.user,
                    "heldout": self.user >= data.train_users,
                    "candidate": self.candidate,
                    "candidate_label": label(self.candidate),
                    "candidate_category": data.item_categories[self.candidate],
                    "lastn": lastn,
                    "interests": data.users[self.user].interests.categories,
                    "labels": lastn.iter().map(|j| label(*j)).collect::<Vec<_>>(),
                    "categories": lastn.iter().map(|j| data.item_categories[*j]).collect::<Vec<_>>(),
                    "din": a.attention.alpha.iter().map(|x| f(*x)).collect::<Vec<_>>(),
                    "mean": b.attention.alpha.iter().map(|x| f(*x)).collect::<Vec<_>>(),
                    "ctr_din": f(a.ctr),
                    "ctr_mean": f(b.ctr),
                })
            }
            _ => Value::Null,
        };
        let (points, explained) = t.embedding_map(Which::Din);
        json!({
            "steps": t.steps(),
            "batch_size": t.config().batch_size,
            "users": data.users.len(),
            "train_users": data.train_users,
            "items": data.item_categories.len(),
            "oracle": {"auc": f(o.auc), "gauc": f(o.gauc)},
            "curves": t.curves().iter().map(|p| p.to_json()).collect::<Vec<_>>(),
            "attention": attention,
            "map": {
                "explained": f(explained),
                "points": points.iter().zip(&data.item_categories).map(|((x, y), c)| json!([f(*x), f(*y), c])).collect::<Vec<_>>(),
            },
            "category_names": CATEGORIES.iter().map(|c| json!({"en": c.en, "zh": c.zh})).collect::<Vec<_>>(),
        })
    }

    /// The view with its attention and map made by the model file
    /// `model_text` ([`din_core::train_view::with_model`]): the same user
    /// and candidate, the model's own labels, categories and embeddings.
    ///
    /// # Errors
    /// A [`Refusal`] naming the field of a bad file and its expected shape
    /// (din-core's [`din_core::model::ModelError`]), or the LastN item the
    /// model does not have.
    pub fn imported_view(&self, model_text: &str) -> Result<String, Refusal> {
        let model = din_core::model::DinModel::from_json(model_text)?;
        Ok(din_core::train_view::with_model(&self.view().to_string(), &model)?)
    }

    /// The model `which` (`"din"` or `"mean"`) in din-core's model format
    /// (`weights/README.md`), as JSON text.
    ///
    /// # Errors
    /// A [`Refusal`] for another name.
    pub fn export(&self, which: &str) -> Result<String, Refusal> {
        let w = match which {
            "din" => Which::Din,
            "mean" => Which::Mean,
            _ => {
                return Err(Refusal {
                    en: format!("model: expected \"din\" or \"mean\", got \"{which}\""),
                    zh: format!("模型：应为 \"din\" 或 \"mean\"，实际为 \"{which}\""),
                })
            }
        };
        Ok(self.trainer.export(w).to_json())
    }
}

fn js_refusal(r: Refusal) -> JsValue {
    let e = js_error(&r.en);
    set_zh(&e, &r.zh);
    e
}

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = Error)]
    fn js_error(message: &str) -> JsValue;
    #[wasm_bindgen(js_namespace = Reflect, js_name = set)]
    fn reflect_set(target: &JsValue, key: &JsValue, value: &JsValue) -> bool;
}

fn set_zh(e: &JsValue, zh: &str) {
    reflect_set(e, &JsValue::from_str("zh"), &JsValue::from_str(zh));
}

/// The worker's handle on a [`TrainSession`].
#[wasm_bindgen]
pub struct TrainWorker {
    s: TrainSession,
}

#[wasm_bindgen]
impl TrainWorker {
    /// A trainer with the settings of the JSON object `settings` (the
    /// page's knobs); an `Error` naming the bad setting otherwise.
    #[wasm_bindgen(constructor)]
    pub fn new(settings: &str) -> Result<TrainWorker, JsValue> {
        TrainSession::new(settings).map(|s| TrainWorker { s }).map_err(js_refusal)
    }

    /// Trains `batches` mini-batches and records a curve point.
    pub fn step(&mut self, batches: usize) {
        self.s.step(batches);
    }

    /// Back to step 0.
    pub fn reset(&mut self) {
        self.s.reset();
    }

    /// Mini-batches trained so far.
    pub fn steps(&self) -> usize {
        self.s.steps()
    }

    /// Chooses the user and candidate of the attention view (numbers as typed).
    pub fn select(&mut self, user: &str, candidate: &str) -> Result<(), JsValue> {
        self.s.select_text(user, candidate).map_err(js_refusal)
    }

    /// The knobs and the shown user and candidate, as JSON text.
    #[wasm_bindgen(js_name = settingsJson)]
    pub fn settings_json(&self) -> String {
        self.s.settings().to_string()
    }

    /// The view as JSON text (see [`TrainSession::view`]).
    #[wasm_bindgen(js_name = viewJson)]
    pub fn view_json(&self) -> String {
        self.s.view().to_string()
    }

    /// The view made by an imported model file (see
    /// [`TrainSession::imported_view`]); an `Error` naming the field of a
    /// bad file.
    #[wasm_bindgen(js_name = importedViewJson)]
    pub fn imported_view_json(&self, model_text: &str) -> Result<String, JsValue> {
        self.s.imported_view(model_text).map_err(js_refusal)
    }

    /// The model `"din"` or `"mean"` as a model file (JSON text).
    #[wasm_bindgen(js_name = exportModel)]
    pub fn export_model(&self, which: &str) -> Result<String, JsValue> {
        self.s.export(which).map_err(js_refusal)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SMALL: &str = r#"{"users": 200, "seed": 7}"#;

    #[test]
    fn same_seed_gives_the_same_view_twice() {
        let run = || {
            let mut s = TrainSession::new(SMALL).unwrap();
            for _ in 0..4 {
                s.step(10);
            }
            s.view().to_string()
        };
        let a = run();
        assert_eq!(a, run());
        let v: Value = serde_json::from_str(&a).unwrap();
        assert_eq!(v["curves"].as_array().unwrap().len(), 5);
        assert_eq!(v["steps"], 40);
        let other = {
            let mut s = TrainSession::new(r#"{"users": 200, "seed": 8}"#).unwrap();
            s.step(40);
            s.view()
        };
        assert_ne!(other["curves"][1], v["curves"][4]);
    }

    #[test]
    fn text_knobs_are_read_as_numbers_and_named_when_not() {
        let s = TrainSession::new(r#"{"users": "300", "stray": "0.1", "learning_rate": "0.02", "lastn": "3"}"#).unwrap();
        let c = s.trainer().config();
        assert_eq!((c.data.users, c.data.stray, c.learning_rate, c.data.n_min, c.data.n_max), (300, 0.1, 0.02, 3, 3));
        let e = TrainSession::new(r#"{"users": "many"}"#).err().unwrap();
        assert!(e.en.contains("users"), "{e:?}");
        let e = TrainSession::new(r#"{"users": "2.5"}"#).err().unwrap();
        assert!(e.en.contains("users") && e.en.contains("whole"), "{e:?}");
    }

    #[test]
    fn reset_gives_step_zero_again() {
        let mut s = TrainSession::new(SMALL).unwrap();
        let start = s.view();
        s.step(20);
        s.reset();
        assert_eq!(s.view(), start);
    }

    #[test]
    fn view_holds_attention_and_map() {
        let mut s = TrainSession::new(SMALL).unwrap();
        s.select(3, 5).unwrap();
        let v = s.view();
        let a = &v["attention"];
        let n = a["labels"].as_array().unwrap().len();
        assert!(n > 0);
        assert_eq!(a["din"].as_array().unwrap().len(), n);
        let mean: Vec<f64> = a["mean"].as_array().unwrap().iter().map(|x| x.as_f64().unwrap()).collect();
        assert!(mean.iter().all(|m| (m - 1.0 / n as f64).abs() < 1e-12));
        assert_eq!(v["map"]["points"].as_array().unwrap().len(), v["items"].as_u64().unwrap() as usize);
    }

    #[test]
    fn bad_settings_and_selections_are_named_in_both_languages() {
        let e = TrainSession::new(r#"{"users": 5}"#).err().unwrap();
        assert!(e.en.contains("users") && e.zh.contains("users"), "{e:?}");
        let mut s = TrainSession::new(SMALL).unwrap();
        let e = s.select(100_000, 0).unwrap_err();
        assert!(e.en.starts_with("user:"), "{e:?}");
        let e = s.select(0, 1_000_000).unwrap_err();
        assert!(e.en.starts_with("candidate:") && e.zh.starts_with("候选物品"), "{e:?}");
        assert!(s.export("other").is_err());
        assert!(s.select_text("1.5", "0").unwrap_err().en.starts_with("user:"));
        s.select_text(" 2 ", "7").unwrap();
        assert_eq!((s.settings()["user"].clone(), s.settings()["candidate"].clone()), (json!(2), json!(7)));
    }

    #[test]
    fn exported_model_is_read_back_by_din_core() {
        let mut s = TrainSession::new(SMALL).unwrap();
        s.step(30);
        let text = s.export("din").unwrap();
        let m = din_core::model::DinModel::from_json(&text).unwrap();
        assert_eq!(m.items().len(), s.trainer().data().item_categories.len());
        // The imported model shows the attention the trainer shows, to the bit.
        let view = s.view();
        let again: Value = serde_json::from_str(&s.imported_view(&text).unwrap()).unwrap();
        assert_eq!(again["attention"]["din"], view["attention"]["din"]);
        assert_eq!(again["attention"]["ctr_din"], view["attention"]["ctr_din"]);
        assert_eq!(again["map"]["points"].as_array().unwrap().len(), m.items().len());
        assert_eq!(again["curves"], view["curves"]);
    }

    #[test]
    fn a_model_with_too_few_items_is_refused_naming_the_field() {
        let s = TrainSession::new(SMALL).unwrap();
        let full = s.export("din").unwrap();
        // A model of another trainer with 12 items (the smallest catalogue).
        let small = TrainSession::new(r#"{"users": 200, "items": 12}"#).unwrap();
        let m = din_core::model::DinModel::from_json(&small.export("din").unwrap()).unwrap();
        let mut view = s.view();
        view["attention"]["lastn"] = json!([0, 1, 500]);
        let e = din_core::train_view::with_model(&view.to_string(), &m).unwrap_err();
        assert_eq!(e.field, "attention.lastn[2]");
        assert!(e.to_string().contains("0 to 11"), "{e}");
        assert!(din_core::model::DinModel::from_json(&full).is_ok());
        let mut bad: Value = serde_json::from_str(&full).unwrap();
        bad["items"][3]["embedding"] = json!([1.0]);
        let e = s.imported_view(&bad.to_string()).unwrap_err();
        assert!(e.en.starts_with("items[3].embedding"), "{e:?}");
    }
}
