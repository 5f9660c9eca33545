//! The in-page trainer: DIN and the same model with plain-average pooling,
//! trained side by side on the same seeded synthetic click data
//! ([`crate::clicks::ClickData`]), step by step, so a Web Worker can run,
//! pause, step and reset it and report progress.
//!
//! Both models learn item embeddings of size `d` and an MLP on
//! `[pooled, candidate]` whose sigmoid is the click probability; DIN pools
//! the LastN with the activation unit's weights (`alpha = sigmoid(z)` by
//! default, as the shipped units; `alpha = z`, the paper's and DeepCTR's
//! choice, or a softmax on request), the baseline with the plain average.
//! They start from the same embeddings and MLP, see the same mini-batches
//! in the same order, and minimise the mean log loss with Adam.
//!
//! ```
//! use din_train::learn::{Trainer, TrainerConfig, Which};
//! let mut cfg = TrainerConfig::default();
//! cfg.data.users = 100;
//! let mut t = Trainer::new(cfg).unwrap();
//! let r = t.step(3);
//! assert_eq!(r.steps, 3);
//! let point = t.evaluate();
//! assert!(point.din.auc > 0.0 && point.mean.auc > 0.0);
//! let a = t.attention(Which::Din, t.data().train_users, 0).unwrap(); // a held-out user, item 0
//! assert_eq!(a.attention.alpha.len(), t.data().users[t.data().train_users].lastn.len());
//! ```
//!
//! Pure: no threads, no clock, no web crate; it builds for `wasm32` and
//! the same seed gives the same curves, bit for bit.

pub(crate) mod layers;
mod net;

pub use crate::clicks::ConfigError;
use crate::clicks::{number_in, whole_in, ClickData, ClickDataConfig, Impression};
use crate::metrics::{auc, gauc, log_loss};
use din_core::model::{Activation, DinModel, FeatureValue, ModelError, Pooling, Prediction, WeightForm};
use din_core::presets::CATEGORIES;
use din_core::rng::Rng;
use net::{Net, Row, Shape};
use serde_json::{json, Value};

/// The steps (mini-batches) after which the default configuration shows
/// DIN's held-out AUC clearly above the baseline's (a native test checks it).
pub const DEFAULT_STEPS: usize = 800;

/// Largest embedding length, layer width and batch size the trainer accepts.
pub const MAX_SIZE: usize = 256;

/// How to train. [`TrainerConfig::default`] is what the page starts with.
#[derive(Clone, Debug, PartialEq)]
pub struct TrainerConfig {
    /// The synthetic data (users, items, impressions, LastN lengths, interests, noise).
    pub data: ClickDataConfig,
    /// Seed of the data, the initialisation and the batch order.
    pub seed: u64,
    /// Length of the item embeddings.
    pub d: usize,
    /// Units per hidden layer of the activation unit.
    pub unit_hidden: Vec<usize>,
    /// The unit's hidden activation.
    pub unit_activation: Activation,
    /// How the unit's outputs become weights.
    pub weight: WeightForm,
    /// Units per hidden layer of the MLP.
    pub mlp_hidden: Vec<usize>,
    /// The MLP's hidden activation.
    pub mlp_activation: Activation,
    /// Impressions per mini-batch.
    pub batch_size: usize,
    /// Adam's step size.
    pub learning_rate: f64,
    /// L2 penalty `lambda/2 |W|^2` on the MLP's weight matrices (both models).
    pub weight_decay: f64,
}

impl Default for TrainerConfig {
    /// `d = 8`; unit `32 -> 16 -> 8 -> 1` with Dice, `alpha = sigmoid(z)`
    /// (as the shipped units; `alpha = z` learns the same but more slowly
    /// and less surely in the first few hundred steps); MLP
    /// `16 -> 32 -> 16 -> 1` with ReLU; batches of 32; Adam 0.01; no weight
    /// decay; seed 2018; [`ClickDataConfig::default`].
    fn default() -> Self {
        TrainerConfig {
            data: ClickDataConfig::default(),
            seed: crate::clicks::SEED,
            d: 8,
            unit_hidden: vec![16, 8],
            unit_activation: Activation::Dice,
            weight: WeightForm::Sigmoid,
            mlp_hidden: vec![32, 16],
            mlp_activation: Activation::Relu,
            batch_size: 32,
            learning_rate: 0.01,
            weight_decay: 0.0,
        }
    }
}

impl TrainerConfig {
    /// Checks every setting.
    ///
    /// # Errors
    /// A [`ConfigError`] naming the first bad setting.
    pub fn check(&self) -> Result<(), ConfigError> {
        self.data.check()?;
        whole_in("d", self.d, 1, MAX_SIZE)?;
        whole_in("unit_hidden (layers)", self.unit_hidden.len(), 0, 4)?;
        whole_in("mlp_hidden (layers)", self.mlp_hidden.len(), 0, 4)?;
        for w in self.unit_hidden.iter().chain(&self.mlp_hidden) {
            whole_in("layer width", *w, 1, MAX_SIZE)?;
        }
        whole_in("batch_size", self.batch_size, 1, MAX_SIZE)?;
        number_in("learning_rate", self.learning_rate, 1e-6, 1.0)?;
        number_in("weight_decay", self.weight_decay, 0.0, 1.0)
    }

    /// This configuration with the settings of a JSON object changed, then
    /// checked: the worker passes what the page's controls say. Keys:
    /// `users`, `items`, `impressions`, `n_min`, `n_max`, `max_interests`,
    /// `stray` (the noise), `heldout_fraction`, `seed`, `d`, `unit_hidden`,
    /// `unit_activation`, `weight`, `mlp_hidden`, `mlp_activation`,
    /// `batch_size`, `learning_rate`, `weight_decay`.
    ///
    /// # Errors
    /// A [`ConfigError`] naming the key: not JSON, an unknown key, a value
    /// of the wrong type or out of range.
    ///
    /// ```
    /// use din_train::learn::TrainerConfig;
    /// let c = TrainerConfig::default().patched(r#"{"users": 500, "stray": 0.2, "weight": "identity"}"#).unwrap();
    /// assert_eq!((c.data.users, c.data.stray, c.weight.name()), (500, 0.2, "identity"));
    /// let e = TrainerConfig::default().patched(r#"{"users": 5}"#).unwrap_err();
    /// assert_eq!(e.to_string(), "training setting users: expected a whole number from 10 to 100000, got 5");
    /// ```
    pub fn patched(&self, json: &str) -> Result<TrainerConfig, ConfigError> {
        let bad = |field: &str, got: String, expected: &str, expected_zh: &str| ConfigError {
            field: field.to_owned(),
            got,
            expected: expected.to_owned(),
            expected_zh: expected_zh.to_owned(),
        };
        let v: Value =
            serde_json::from_str(json).map_err(|e| bad("(settings)", e.to_string(), "a JSON object", " JSON 对象"))?;
        let Value::Object(o) = v else {
            return Err(bad("(settings)", v.to_string(), "a JSON object", " JSON 对象"));
        };
        let mut c = self.clone();
        for (k, v) in &o {
            let whole = || v.as_u64().and_then(|n| usize::try_from(n).ok());
            let need_whole = || bad(k, v.to_string(), "a whole number", "整数");
            let need_number = || bad(k, v.to_string(), "a number", "数");
            let widths = || -> Result<Vec<usize>, ConfigError> {
                v.as_array()
                    .and_then(|a| a.iter().map(|x| x.as_u64().and_then(|n| usize::try_from(n).ok())).collect())
                    .ok_or_else(|| bad(k, v.to_string(), "an array of whole numbers", "整数数组"))
            };
            let act = || {
                v.as_str().and_then(Activation::parse).ok_or_else(|| {
                    bad(
                        k,
                        v.to_string(),
                        "\"sigmoid\", \"relu\", \"prelu\" or \"dice\"",
                        " \"sigmoid\"、\"relu\"、\"prelu\" 或 \"dice\"",
                    )
                })
            };
            match k.as_str() {
                "users" => c.data.users = whole().ok_or_else(need_whole)?,
                "items" => c.data.items = whole().ok_or_else(need_whole)?,
                "impressions" => c.data.impressions = whole().ok_or_else(need_whole)?,
                "n_min" => c.data.n_min = whole().ok_or_else(need_whole)?,
                "n_max" => c.data.n_max = whole().ok_or_else(need_whole)?,
                "max_interests" => c.data.max_interests = whole().ok_or_else(need_whole)?,
                "stray" => c.data.stray = v.as_f64().ok_or_else(need_number)?,
                "heldout_fraction" => c.data.heldout_fraction = v.as_f64().ok_or_else(need_number)?,
                "seed" => c.seed = v.as_u64().ok_or_else(need_whole)?,
                "d" => c.d = whole().ok_or_else(need_whole)?,
                "unit_hidden" => c.unit_hidden = widths()?,
                "mlp_hidden" => c.mlp_hidden = widths()?,
                "unit_activation" => c.unit_activation = act()?,
                "mlp_activation" => c.mlp_activation = act()?,
                "weight" => {
                    c.weight = v.as_str().and_then(WeightForm::parse).ok_or_else(|| {
                        bad(
                            k,
                            v.to_string(),
                            "\"identity\", \"sigmoid\", \"softmax\" or \"softmax_scaled\"",
                            " \"identity\"、\"sigmoid\"、\"softmax\" 或 \"softmax_scaled\"",
                        )
                    })?
                }
                "batch_size" => c.batch_size = whole().ok_or_else(need_whole)?,
                "learning_rate" => c.learning_rate = v.as_f64().ok_or_else(need_number)?,
                "weight_decay" => c.weight_decay = v.as_f64().ok_or_else(need_number)?,
                _ => return Err(bad(k, v.to_string(), "a known setting", "已知的设置")),
            }
        }
        c.check()?;
        Ok(c)
    }

    fn shape(&self) -> Shape {
        Shape {
            items: self.data.items,
            d: self.d,
            unit_hidden: self.unit_hidden.clone(),
            unit_activation: self.unit_activation,
            weight: self.weight,
            mlp_hidden: self.mlp_hidden.clone(),
            mlp_activation: self.mlp_activation,
            dice_eps: din_core::unit::DICE_EPS,
        }
    }
}

/// Which of the two models.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Which {
    /// DIN: attention pooling.
    Din,
    /// The baseline: plain-average pooling.
    Mean,
}

/// What [`Trainer::step`] did.
#[derive(Clone, Debug, PartialEq)]
pub struct StepReport {
    /// Mini-batches trained since the start (or the last reset).
    pub steps: usize,
    /// Passes over the training impressions completed.
    pub epochs: usize,
    /// Mean training log loss of DIN over the batches of this call.
    pub loss_din: f64,
    /// The same for the baseline.
    pub loss_mean: f64,
}

/// Held-out measures of one model.
#[derive(Clone, Debug, PartialEq)]
pub struct Heldout {
    /// AUC over all held-out impressions.
    pub auc: f64,
    /// Per-user AUC averaged by impressions (the paper's GAUC).
    pub gauc: f64,
    /// Mean log loss.
    pub logloss: f64,
}

/// One point of the curves: where training is and how both models do.
#[derive(Clone, Debug, PartialEq)]
pub struct CurvePoint {
    /// Mini-batches trained.
    pub steps: usize,
    /// Training impressions seen (steps times the batch size, roughly).
    pub examples: usize,
    /// Mean training log loss of DIN since the previous point (NaN at step 0).
    pub train_loss_din: f64,
    /// The same for the baseline.
    pub train_loss_mean: f64,
    /// DIN on the held-out users.
    pub din: Heldout,
    /// The baseline on the held-out users.
    pub mean: Heldout,
}

impl CurvePoint {
    /// The point as a JSON object (for the worker's messages); NaN becomes `null`.
    #[must_use]
    pub fn to_json(&self) -> Value {
        let h = |m: &Heldout| json!({"auc": m.auc, "gauc": m.gauc, "logloss": m.logloss});
        let f = |x: f64| if x.is_finite() { json!(x) } else { Value::Null };
        json!({
            "steps": self.steps,
            "examples": self.examples,
            "train_loss_din": f(self.train_loss_din),
            "train_loss_mean": f(self.train_loss_mean),
            "din": h(&self.din),
            "mean": h(&self.mean),
        })
    }
}

/// The two models, their data and their curves. See the module documentation.
#[derive(Clone, Debug)]
pub struct Trainer {
    cfg: TrainerConfig,
    data: ClickData,
    din: Net,
    mean: Net,
    rng: Rng,
    order: Vec<usize>,
    cursor: usize,
    steps: usize,
    epochs: usize,
    examples: usize,
    since: (f64, f64, usize),
    curves: Vec<CurvePoint>,
}

fn rows<'a>(data: &'a ClickData, imps: impl Iterator<Item = &'a Impression>) -> Vec<Row<'a>> {
    imps.map(|i| Row { lastn: &data.users[i.user].lastn, candidate: i.candidate, click: i.click }).collect()
}

impl Trainer {
    /// Generates the data and initialises both models (same embeddings and
    /// MLP for both).
    ///
    /// # Errors
    /// [`ConfigError`] for a setting out of range.
    pub fn new(cfg: TrainerConfig) -> Result<Self, ConfigError> {
        cfg.check()?;
        let data = ClickData::generate(&cfg.data, cfg.seed)?;
        let shape = cfg.shape();
        let init = Rng::new(cfg.seed ^ 0x00D1_4EA2_11ED);
        let din = Net::new(Pooling::Attention, &shape, &mut init.clone());
        let mean = Net::new(Pooling::Mean, &shape, &mut init.clone());
        let order: Vec<usize> = (0..data.train.len()).collect();
        let rng = Rng::new(cfg.seed ^ 0x5E_ED0F_BA7C);
        Ok(Trainer {
            cfg,
            data,
            din,
            mean,
            rng,
            order,
            cursor: usize::MAX,
            steps: 0,
            epochs: 0,
            examples: 0,
            since: (0.0, 0.0, 0),
            curves: Vec::new(),
        })
    }

    /// Back to the state [`Trainer::new`] gave (same data, same initial weights, no curves).
    pub fn reset(&mut self) {
        let cfg = self.cfg.clone();
        if let Ok(t) = Trainer::new(cfg) {
            *self = t;
        }
    }

    /// The configuration.
    #[must_use]
    pub fn config(&self) -> &TrainerConfig {
        &self.cfg
    }

    /// The data: catalogue categories, users (interests, LastN), impressions.
    #[must_use]
    pub fn data(&self) -> &ClickData {
        &self.data
    }

    /// Mini-batches trained so far.
    #[must_use]
    pub fn steps(&self) -> usize {
        self.steps
    }

    /// Every point [`Trainer::evaluate`] recorded, oldest first.
    #[must_use]
    pub fn curves(&self) -> &[CurvePoint] {
        &self.curves
    }

    /// Trains both models on the next `batches` mini-batches (the training
    /// impressions are reshuffled at the start of each pass).
    pub fn step(&mut self, batches: usize) -> StepReport {
        let bs = self.cfg.batch_size;
        let lr = self.cfg.learning_rate;
        let wd = self.cfg.weight_decay;
        let (mut ld, mut lm, mut seen) = (0.0, 0.0, 0);
        for _ in 0..batches {
            if self.cursor >= self.order.len() {
                if self.cursor != usize::MAX {
                    self.epochs += 1;
                }
                self.rng.shuffle(&mut self.order);
                self.cursor = 0;
            }
            let end = (self.cursor + bs).min(self.order.len());
            let batch = rows(&self.data, self.order[self.cursor..end].iter().map(|k| &self.data.train[*k]));
            let (a, b) = (self.din.step(&batch, lr, wd), self.mean.step(&batch, lr, wd));
            // Summed batch by batch, so steps in pieces give the same bits as one call.
            self.since = (self.since.0 + a, self.since.1 + b, self.since.2 + batch.len());
            ld += a;
            lm += b;
            seen += batch.len();
            self.cursor = end;
            self.steps += 1;
        }
        self.examples += seen;
        let per = |x: f64| if seen > 0 { x / seen as f64 } else { f64::NAN };
        StepReport { steps: self.steps, epochs: self.epochs, loss_din: per(ld), loss_mean: per(lm) }
    }

    fn heldout_of(&mut self, which: Which) -> Heldout {
        let data = &self.data;
        let batch = rows(data, data.heldout.iter());
        let net = match which {
            Which::Din => &mut self.din,
            Which::Mean => &mut self.mean,
        };
        let p = net.predict(&batch);
        let labels: Vec<bool> = data.heldout.iter().map(|i| i.click).collect();
        let users: Vec<usize> = data.heldout.iter().map(|i| i.user).collect();
        Heldout {
            auc: auc(&p, &labels).unwrap_or(f64::NAN),
            gauc: gauc(&p, &labels, &users).unwrap_or(f64::NAN),
            logloss: log_loss(&p, &labels),
        }
    }

    /// Measures both models on the held-out users and records a curve point.
    pub fn evaluate(&mut self) -> CurvePoint {
        let per = |x: f64, n: usize| if n > 0 { x / n as f64 } else { f64::NAN };
        let point = CurvePoint {
            steps: self.steps,
            examples: self.examples,
            train_loss_din: per(self.since.0, self.since.2),
            train_loss_mean: per(self.since.1, self.since.2),
            din: self.heldout_of(Which::Din),
            mean: self.heldout_of(Which::Mean),
        };
        self.since = (0.0, 0.0, 0);
        self.curves.push(point.clone());
        point
    }

    /// Held-out AUC and GAUC of the true click probabilities: the ceiling
    /// for any model (it knows the users' interests).
    #[must_use]
    pub fn oracle(&self) -> Heldout {
        let p: Vec<f64> = self.data.heldout.iter().map(|i| i.p_click).collect();
        let labels: Vec<bool> = self.data.heldout.iter().map(|i| i.click).collect();
        let users: Vec<usize> = self.data.heldout.iter().map(|i| i.user).collect();
        Heldout {
            auc: auc(&p, &labels).unwrap_or(f64::NAN),
            gauc: gauc(&p, &labels, &users).unwrap_or(f64::NAN),
            logloss: log_loss(&p, &labels),
        }
    }

    /// Item labels: `food 1`, `美食 1`, ... (numbered within the category).
    fn labels(&self) -> Vec<(String, String)> {
        self.data
            .item_categories
            .iter()
            .enumerate()
            .map(|(j, c)| {
                let k = j / CATEGORIES.len() + 1;
                (format!("{} {k}", CATEGORIES[*c].en), format!("{} {k}", CATEGORIES[*c].zh))
            })
            .collect()
    }

    /// The model as it is now, in the [`din_core::model`] format, with a
    /// `training` object saying how it was made and how it does on the
    /// held-out users (from the last curve point).
    #[must_use]
    pub fn export(&self, which: Which) -> DinModel {
        let net = match which {
            Which::Din => &self.din,
            Which::Mean => &self.mean,
        };
        let c = &self.cfg;
        let mut training = json!({
            "program": "din-viz in-page trainer (src/learn)",
            "seed": c.seed,
            "steps": self.steps,
            "batch_size": c.batch_size,
            "optimizer": "adam",
            "learning_rate": c.learning_rate,
            "weight_decay": c.weight_decay,
            "data": format!(
                "din-viz synthetic clicks v1 (catalogue): {} users x {} impressions, {} items, LastN {}..{}, 1..{} interests, stray {}, click logit {} + {} [interest] + {} share, {} held out",
                c.data.users, c.data.impressions, c.data.items, c.data.n_min, c.data.n_max, c.data.max_interests,
                c.data.stray, c.data.click.bias, c.data.click.interest, c.data.click.share, c.data.heldout_fraction
            ),
        });
        if let (Some(p), Value::Object(t)) = (self.curves.last(), &mut training) {
            let h = if which == Which::Din { &p.din } else { &p.mean };
            if p.steps == self.steps && h.auc.is_finite() && h.gauc.is_finite() {
                t.insert("heldout_auc".into(), json!(h.auc));
                t.insert("heldout_gauc".into(), json!(h.gauc));
            }
        }
        net.export(&self.labels(), &self.data.item_categories, training)
    }

    /// The learned model's attention and predicted click-through rate for
    /// user `user`'s LastN and candidate item `candidate`.
    ///
    /// # Errors
    /// A [`ModelError`] naming `user` or `candidate` when out of range, or
    /// an overflow of a diverged model.
    pub fn attention(&self, which: Which, user: usize, candidate: usize) -> Result<Prediction, ModelError> {
        let Some(u) = self.data.users.get(user) else {
            return Err(ModelError::new(
                "user",
                din_core::model::Problem::Range {
                    got: user.to_string(),
                    expected: format!("a user from 0 to {}", self.data.users.len() - 1),
                    expected_zh: format!("0 到 {} 之间的用户", self.data.users.len() - 1),
                },
            ));
        };
        let no: &[(&str, FeatureValue)] = &[];
        self.export(which).predict(&u.lastn, candidate, no)
    }

    /// The learned item embeddings on their first two principal axes
    /// ([`din_core::projection::Basis::for_items`], the page map's PCA), one
    /// point per item, for a map coloured by `data().item_categories`
    /// (the paper's Fig. 6), and the share of the variance the two axes keep.
    #[must_use]
    pub fn embedding_map(&self, which: Which) -> (Vec<(f64, f64)>, f64) {
        let emb = self.item_embeddings(which);
        let d = self.cfg.d;
        let basis = din_core::projection::Basis::for_items(&emb, d);
        (emb.chunks_exact(d).map(|row| basis.project(row)).collect(), basis.explained)
    }

    /// The learned item embeddings, `items * d` numbers (row `j` is item
    /// `j`, of category `data().item_categories[j]`), for a PCA map.
    #[must_use]
    pub fn item_embeddings(&self, which: Which) -> Vec<f64> {
        match which {
            Which::Din => self.din.emb.v.clone(),
            Which::Mean => self.mean.emb.v.clone(),
        }
    }
}

#[cfg(test)]
mod tests;
