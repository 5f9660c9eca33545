//! Deterministic training of the activation unit on synthetic click data.
//!
//! Over 600 lines because data generation, the two models and the training
//! loop are one deterministic pipeline whose output (`make weights`, byte for
//! byte) depends on the order of their random draws; about 150 lines are
//! tests.
//!
//! `make weights` (`src/bin/make_weights.rs`) calls [`train`] once per
//! activation and weight form and writes `weights/{sigmoid,prelu,dice}.json`
//! (trained with `alpha = sigmoid(z)`) and `weights/{sigmoid,prelu,dice}-z.json`
//! (trained with the paper's `alpha = z`, see below). Everything
//! here is single-threaded, seeded by [`din_core::rng::Rng`] and free of hash
//! maps and clocks, so the same configuration gives the same numbers, and
//! the same file bytes, on every run.
//!
//! # The data ([`generate`])
//!
//! Items live in `d = 8` around the six category centroids of
//! [`din_core::presets::CATEGORIES`]: an item of category `c` is
//! `centroid_c + N(0, sigma^2 I)` with `sigma = 0.25`. Each example is one user:
//!
//! 1. `k` interests, `k` uniform in `{1, 2, 3}`, distinct categories drawn
//!    uniformly; each with a strength `w` uniform in `[0.2, 1]`.
//! 2. A LastN of `n` items, `n` uniform in `{5, ..., 20}`. Each item is a
//!    *stray* click from a uniform category with probability 0.05 (people
//!    click outside their interests too), else from interest `j` with
//!    probability `w_j / sum w`.
//! 3. A candidate from a uniform category `c` (any of the six), drawn like an item.
//! 4. A click with probability
//!    `sigmoid(-4 + 4 [c is an interest] + 1.5 share_c)`, where `share_c` is
//!    the fraction of the LastN items of category `c`. So a candidate of
//!    one of the user's interests is clicked far more often (about 0.02
//!    against 0.5 to 0.8), and more often the larger its share of the
//!    LastN: the *intensity* of interest that the paper keeps by not
//!    normalising the weights (sec. 4.3).
//!
//! 100 000 examples; the first 80 % train, the last 20 % are held out.
//!
//! # The models ([`train`])
//!
//! * DIN: the activation unit `a(q, x_i)` ([`din_core::unit`]) gives the
//!   logit `z_i` and the weight `alpha_i = sigmoid(z_i)` or, for the `-z`
//!   files, `alpha_i = z_i` ([`TrainConfig::weight`]);
//!   `pooled = sum_i alpha_i x_i` (no softmax);
//!   an MLP reads `[pooled, q, pooled * q]` (24 numbers) through one ReLU
//!   layer of 16 units to a logit, and `sigmoid(logit)` is the predicted
//!   click probability.
//! * Baseline: the same MLP with `pooled` replaced by the plain mean of the
//!   LastN items.
//!
//! Both minimise the mean log loss with Adam (`beta1 = 0.9`,
//! `beta2 = 0.999`, `eps = 1e-8`; step 0.002, halved for the last quarter
//! of the 20 epochs) on shuffled mini-batches of 64, with hand-written
//! forward and backward passes (checked against finite differences in the
//! tests). DIN adds an L2 penalty `1e-3` on its MLP's weight matrices so
//! that the MLP cannot absorb the scale of `pooled` (see
//! [`TrainConfig::mlp_weight_decay`]). Initialisation: Xavier-uniform for
//! sigmoid and linear layers, He-normal for ReLU, PReLU and Dice layers,
//! biases 0, PReLU slopes 0.25, Dice `a = 0`; both models start from the
//! same MLP and see the same batches. Dice uses the statistics of the
//! mini-batch's (candidate, item) pairs in training, back-propagated
//! through, and tracks running averages (momentum 0.99) that the saved
//! unit uses at inference. [`auc`] on the held-out part measures both
//! models, DIN's through the exported [`ActivationUnit`] itself.
//!
//! # Training for `alpha = z`
//!
//! Two facts need handling when the weight is the logit itself:
//!
//! * **The sign of `z` is not identified.** The MLP reads `pooled`
//!   linearly in its first layer, so negating the unit's output layer and
//!   that layer's weights on `pooled` and `pooled * q` gives the same
//!   model (and the same penalties). Worse, because the categories lie on
//!   different axes, the MLP can undo a flip for one candidate category
//!   alone: trained from the usual start, some categories ended with
//!   `z > 0` for their own items and others with `z < 0`. The `-z` units
//!   therefore start from sum pooling, the paper's base model: the output
//!   bias starts at 1 ([`TrainConfig::logit_init`]), so every weight
//!   starts near +1 and the MLP learns the meaning of `pooled` with
//!   positive weights; related items then grow and stay positive for
//!   every category. After training the convention "items of the
//!   candidate's category get `z > 0`" (mean over the six category
//!   centroids) is checked and, if needed, imposed by the exact flip
//!   above (`training.sign_flipped` records it).
//! * **Unrelated behaviours are nearly unconstrained.** Their `z` drifts
//!   (slightly negative: a negative weight on the other items is a weak
//!   proxy of the LastN's length, which the click's `share_c` divides
//!   by). An L1 activity penalty `mu sum_i |z_i|`
//!   ([`TrainConfig::activity_l1`], [`shipped_activity_l1`]) pulls them
//!   to `z` near 0, as the paper's Fig. 5 shows unrelated behaviours.

use crate::clicks::{lastn_length, ClickModel, Interests};
pub use crate::clicks::N_CATEGORIES;
pub use crate::metrics::{auc, log_loss};
use din_core::presets::CATEGORIES;
use din_core::rng::Rng;
use din_core::unit::{sigmoid, Activation, ActivationUnit, HiddenLayer, LayerParams, OutputLayer, UnitError, WeightForm, DICE_EPS};
use serde_json::{json, Value};
use std::fmt;

/// Length of every item vector (the categories' `d`).
pub const D: usize = 8;

/// The seed `make weights` uses (the paper's year): one with the click
/// data's, so the in-page trainer ([`crate::learn`]) starts from it too.
pub use crate::clicks::SEED;

pub use crate::learn::layers::DICE_MOMENTUM;
use crate::learn::layers::{Act, Dense, Param, Stack};

/// How the synthetic click data is drawn (see the module documentation).
#[derive(Clone, Debug, PartialEq)]
pub struct DataConfig {
    /// Number of examples (users), split into training and held-out parts.
    pub examples: usize,
    /// Shortest LastN.
    pub n_min: usize,
    /// Longest LastN.
    pub n_max: usize,
    /// Most interests per user (at least 1).
    pub max_interests: usize,
    /// Standard deviation of the Gaussian noise around each centroid.
    pub noise_sd: f64,
    /// Probability that a LastN item comes from a uniform category.
    pub stray: f64,
    /// Click logit: `bias + interest [c is an interest] + share share_c`.
    pub logit_bias: f64,
    /// See `logit_bias`.
    pub logit_interest: f64,
    /// See `logit_bias`.
    pub logit_share: f64,
}

impl Default for DataConfig {
    /// The configuration of the shipped weights: 100 000 examples, LastN of
    /// 5 to 20 items, 1 to 3 interests, `sigma = 0.25`, stray 0.05, click
    /// logit `-4 + 4 [interest] + 1.5 share`.
    ///
    /// ```
    /// let c = din_train::train::DataConfig::default();
    /// assert_eq!((c.n_min, c.n_max, c.examples), (5, 20, 100_000));
    /// ```
    fn default() -> Self {
        DataConfig {
            examples: 100_000,
            n_min: 5,
            n_max: 20,
            max_interests: 3,
            noise_sd: 0.25,
            stray: 0.05,
            logit_bias: -4.0,
            logit_interest: 4.0,
            logit_share: 1.5,
        }
    }
}

/// One synthetic example: a user's LastN, a candidate and whether it was clicked.
#[derive(Clone, Debug, PartialEq)]
pub struct Example {
    /// The user's interest categories (indices into `CATEGORIES`).
    pub interests: Vec<usize>,
    /// LastN vectors, `n * D` numbers, row `i` is item `i`.
    pub last_n: Vec<f64>,
    /// Category of each LastN item.
    pub last_n_categories: Vec<usize>,
    /// Candidate vector `q`, length `D`.
    pub query: Vec<f64>,
    /// Candidate's category.
    pub query_category: usize,
    /// The click probability the label was drawn from.
    pub p_click: f64,
    /// The label.
    pub click: bool,
}

impl Example {
    /// Number of LastN items.
    #[must_use]
    pub fn n(&self) -> usize {
        self.last_n.len() / D
    }
}

fn noisy_item(rng: &mut Rng, category: usize, sd: f64) -> Vec<f64> {
    CATEGORIES[category].centroid.iter().map(|c| c + sd * rng.normal()).collect()
}

/// Draws `cfg.examples` examples from `seed` as the module documentation
/// describes, with the steps of [`crate::clicks`] shared with the in-page
/// trainer's data; here every item is a fresh noisy vector of its category.
/// Same seed and configuration, same examples.
///
/// ```
/// use din_train::train::{generate, DataConfig};
/// let cfg = DataConfig { examples: 20, ..DataConfig::default() };
/// let a = generate(&cfg, 1);
/// assert_eq!(a, generate(&cfg, 1));
/// assert!(a.iter().all(|e| (5..=20).contains(&e.n()) && e.query.len() == 8));
/// ```
#[must_use]
pub fn generate(cfg: &DataConfig, seed: u64) -> Vec<Example> {
    let mut rng = Rng::new(seed);
    let click = ClickModel { bias: cfg.logit_bias, interest: cfg.logit_interest, share: cfg.logit_share };
    (0..cfg.examples)
        .map(|_| {
            let interests = Interests::draw(&mut rng, cfg.max_interests);
            let n = lastn_length(&mut rng, cfg.n_min, cfg.n_max);
            let mut last_n = Vec::with_capacity(n * D);
            let mut last_n_categories = Vec::with_capacity(n);
            for _ in 0..n {
                let cat = interests.last_n_category(&mut rng, cfg.stray);
                last_n.extend(noisy_item(&mut rng, cat, cfg.noise_sd));
                last_n_categories.push(cat);
            }
            let query_category = rng.index(N_CATEGORIES);
            let query = noisy_item(&mut rng, query_category, cfg.noise_sd);
            let p_click = click.p_click(&interests, query_category, &last_n_categories);
            let click = rng.uniform() < p_click;
            Example { interests: interests.categories, last_n, last_n_categories, query, query_category, p_click, click }
        })
        .collect()
}

/// How to train one activation unit and its baseline.
#[derive(Clone, Debug, PartialEq)]
pub struct TrainConfig {
    /// The unit's hidden activation.
    pub activation: Activation,
    /// Units per hidden layer of the activation unit.
    pub hidden: Vec<usize>,
    /// Units of the MLP's one ReLU layer.
    pub mlp_hidden: usize,
    /// Passes over the training part.
    pub epochs: usize,
    /// Examples per mini-batch.
    pub batch_size: usize,
    /// Adam's step size.
    pub learning_rate: f64,
    /// DIN only: L2 penalty `lambda/2 |W|^2` on the MLP's weight matrices
    /// (not on the unit, not on biases). Without it the MLP can absorb any
    /// scale of `pooled`, so the unit's weights may all sit low in `(0, 1)`;
    /// with it a large pooled vector is cheaper than large MLP weights and
    /// the weight of a related item moves towards 1. The baseline trains
    /// without it (its pooled vector has no scale to pin, and the penalty
    /// only lowers its AUC).
    pub mlp_weight_decay: f64,
    /// How DIN turns the unit's logit `z_i` into the weight `alpha_i`
    /// during training: `sigmoid(z_i)` (the first three shipped files) or
    /// `z_i` itself, the paper's Eq. (3) (the `-z` files).
    pub weight: WeightForm,
    /// DIN only: an L2 activity penalty `lambda/2 sum_i z_i^2` per example
    /// (added to its log loss, averaged over the mini-batch) on the unit's
    /// logit of every LastN item. 0 turns it off (every shipped file: the
    /// `alpha = z` files use [`TrainConfig::activity_l1`], which measured
    /// better, see `weights/README.md`).
    pub activity_l2: f64,
    /// DIN only: the L1 activity penalty `mu sum_i |z_i|` per example
    /// (added to its log loss, averaged over the mini-batch) on the unit's
    /// logit of every LastN item. With `alpha = z` a behaviour that helps
    /// the click little is left almost unconstrained by the loss, so its
    /// `z` drifts; this penalty pulls a small `z` to 0 while it shrinks a
    /// large one only by a constant, so an unrelated behaviour gets `z`
    /// near 0, as the paper's Fig. 5 shows them. 0 turns it off (the
    /// sigmoid files).
    pub activity_l1: f64,
    /// Initial bias of the unit's output layer, so `z` starts near this
    /// value for every item. 0 for the sigmoid files; 1 for the
    /// `alpha = z` files: the unit starts as sum pooling (every weight
    /// about 1), the paper's base model, which fixes the sign of `z` for
    /// every category alike (see `weights/README.md`).
    pub logit_init: f64,
    /// Seed of the data and of the initialisation and shuffling.
    pub seed: u64,
    /// Fraction of the examples held out for the AUC.
    pub heldout_fraction: f64,
    /// The synthetic data.
    pub data: DataConfig,
}

impl TrainConfig {
    /// The configuration of the shipped weights for `activation`: hidden
    /// `[16, 8]`, MLP 16, 20 epochs, batches of 64, Adam step 0.002, DIN's
    /// MLP weight decay `1e-3`, seed [`SEED`], 20 % held out,
    /// [`DataConfig::default`].
    ///
    /// ```
    /// use din_train::train::TrainConfig; use din_core::unit::Activation;
    /// assert_eq!(TrainConfig::shipped(Activation::Dice).hidden, vec![16, 8]);
    /// ```
    #[must_use]
    pub fn shipped(activation: Activation) -> Self {
        TrainConfig {
            activation,
            hidden: vec![16, 8],
            mlp_hidden: 16,
            epochs: 20,
            batch_size: 64,
            learning_rate: 0.002,
            mlp_weight_decay: 1e-3,
            weight: WeightForm::Sigmoid,
            activity_l2: 0.0,
            activity_l1: 0.0,
            logit_init: 0.0,
            seed: SEED,
            heldout_fraction: 0.2,
            data: DataConfig::default(),
        }
    }

    /// The configuration of the shipped unit for `activation` trained for
    /// the weight form `weight`: [`TrainConfig::shipped`] for
    /// [`WeightForm::Sigmoid`] (`weights/{activation}.json`); for the
    /// paper's [`WeightForm::Logit`] (`weights/{activation}-z.json`) the
    /// same with `alpha = z`, the L1 activity penalty
    /// [`shipped_activity_l1`] and the output bias starting at 1.
    ///
    /// ```
    /// use din_train::train::TrainConfig;
    /// use din_core::unit::{Activation, WeightForm};
    /// let z = TrainConfig::shipped_for(Activation::PReLU, WeightForm::Logit);
    /// assert!(z.activity_l1 > 0.0 && z.logit_init == 1.0);
    /// assert_eq!(TrainConfig::shipped_for(Activation::PReLU, WeightForm::Sigmoid), TrainConfig::shipped(Activation::PReLU));
    /// ```
    #[must_use]
    pub fn shipped_for(activation: Activation, weight: WeightForm) -> Self {
        match weight {
            WeightForm::Sigmoid => TrainConfig::shipped(activation),
            WeightForm::Logit => {
                TrainConfig {
                    weight,
                    activity_l1: shipped_activity_l1(activation),
                    logit_init: 1.0,
                    ..TrainConfig::shipped(activation)
                }
            }
        }
    }
}

/// The L1 activity penalty `mu` of the shipped `alpha = z` unit for
/// `activation` ([`TrainConfig::activity_l1`]), chosen by measurement (see
/// `weights/README.md`, "Units for alpha = z"): 0.01 for sigmoid and Dice,
/// 0.015 for PReLU, whose unrelated `z` at 0.01 stayed large enough that
/// nine of them outweighed one related item in interest-intensity's
/// catalogue.
///
/// ```
/// use din_train::train::shipped_activity_l1;
/// use din_core::unit::Activation;
/// assert_eq!(shipped_activity_l1(Activation::Dice), 0.01);
/// assert_eq!(shipped_activity_l1(Activation::PReLU), 0.015);
/// ```
#[must_use]
pub fn shipped_activity_l1(activation: Activation) -> f64 {
    match activation {
        Activation::PReLU => 0.015,
        Activation::Sigmoid | Activation::Dice => 0.01,
    }
}

/// The file stem of the shipped unit for `activation` trained for
/// `weight`: `dice` (`alpha = sigmoid(z)`) or `dice-z` (`alpha = z`).
///
/// ```
/// use din_train::train::file_stem;
/// use din_core::unit::{Activation, WeightForm};
/// assert_eq!(file_stem(Activation::Dice, WeightForm::Sigmoid), "dice");
/// assert_eq!(file_stem(Activation::PReLU, WeightForm::Logit), "prelu-z");
/// ```
#[must_use]
pub fn file_stem(activation: Activation, weight: WeightForm) -> String {
    match weight {
        WeightForm::Sigmoid => activation.name().to_owned(),
        WeightForm::Logit => format!("{}-z", activation.name()),
    }
}

/// Why training could not produce a unit.
#[derive(Clone, Debug, PartialEq)]
pub enum TrainError {
    /// The configuration cannot be trained (e.g. no examples, batch size 0).
    BadConfig(String),
    /// A loss became NaN or infinite.
    Diverged { model: &'static str, epoch: usize },
    /// The held-out part has only one class, so AUC is undefined.
    NoAuc(&'static str),
    /// The trained weights do not make a valid unit.
    Unit(UnitError),
}

impl fmt::Display for TrainError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TrainError::BadConfig(s) => write!(f, "cannot train with this configuration: {s}"),
            TrainError::Diverged { model, epoch } => {
                write!(f, "training of the {model} model diverged in epoch {} (non-finite loss)", epoch + 1)
            }
            TrainError::NoAuc(model) => {
                write!(f, "the held-out data has only one class, so the AUC of the {model} model is undefined")
            }
            TrainError::Unit(e) => write!(f, "the trained weights do not make a valid unit: {e}"),
        }
    }
}

impl std::error::Error for TrainError {}

impl From<UnitError> for TrainError {
    fn from(e: UnitError) -> Self {
        TrainError::Unit(e)
    }
}

/// What [`train`] produces.
#[derive(Clone, Debug, PartialEq)]
pub struct TrainOutcome {
    /// The trained activation unit, with `training` metadata (seed, sizes, AUCs).
    pub unit: ActivationUnit,
    /// Held-out AUC of DIN (through `unit` at inference).
    pub auc_din: f64,
    /// Held-out AUC of the mean-pooling baseline.
    pub auc_mean: f64,
    /// Held-out AUC of the true click probabilities the labels were drawn
    /// from: the best any model can do on this data.
    pub auc_oracle: f64,
    /// Held-out log loss of DIN.
    pub logloss_din: f64,
    /// Held-out log loss of the baseline.
    pub logloss_mean: f64,
    /// Examples in the training part.
    pub train_examples: usize,
    /// Examples in the held-out part.
    pub heldout_examples: usize,
}

/// How a model pools the LastN.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Pooling {
    Din,
    Mean,
}

/// The DIN or baseline model being trained.
struct Model {
    pooling: Pooling,
    unit: Stack,
    mlp: Stack,
    t: i32,
    weight_decay: f64,
    /// DIN's weight form in training.
    form: WeightForm,
    /// DIN's L2 and L1 activity penalties on the logits (0 for the baseline).
    activity: f64,
    activity_l1: f64,
}

fn mlp_input(pooled: &[f64], q: &[f64], out: &mut Vec<f64>) {
    out.extend_from_slice(pooled);
    out.extend_from_slice(q);
    out.extend(pooled.iter().zip(q).map(|(p, x)| p * x));
}

fn pair_input(q: &[f64], x: &[f64], out: &mut Vec<f64>) {
    out.extend_from_slice(q);
    out.extend_from_slice(x);
    out.extend(q.iter().zip(x).map(|(a, b)| a - b));
    out.extend(q.iter().zip(x).map(|(a, b)| a * b));
}

impl Model {
    fn new(pooling: Pooling, cfg: &TrainConfig, rng: &mut Rng) -> Self {
        let mut layers = Vec::new();
        let mut inp = 4 * D;
        for &h in &cfg.hidden {
            let act = match cfg.activation {
                Activation::Sigmoid => Act::Sigmoid,
                Activation::PReLU => Act::PRelu(Param::new(vec![0.25; h])),
                Activation::Dice => {
                    Act::Dice { alpha: Param::new(vec![0.0; h]), run_mean: vec![0.0; h], run_var: vec![1.0; h], eps: DICE_EPS }
                }
            };
            layers.push(Dense::new(inp, h, act, rng));
            inp = h;
        }
        let mut out = Dense::new(inp, 1, Act::Linear, rng);
        if cfg.logit_init != 0.0 {
            out.b.v[0] = cfg.logit_init;
        }
        layers.push(out);
        let unit = Stack { layers };
        let mlp = Stack {
            layers: vec![
                Dense::new(3 * D, cfg.mlp_hidden, Act::Relu, rng),
                Dense::new(cfg.mlp_hidden, 1, Act::Linear, rng),
            ],
        };
        // The penalty only pins the scale of DIN's weights; the baseline has no
        // such scale to pin and trains better without it.
        let weight_decay = if pooling == Pooling::Din { cfg.mlp_weight_decay } else { 0.0 };
        let (activity, activity_l1) = if pooling == Pooling::Din { (cfg.activity_l2, cfg.activity_l1) } else { (0.0, 0.0) };
        Model { pooling, unit, mlp, t: 0, weight_decay, form: cfg.weight, activity, activity_l1 }
    }

    /// One Adam step on a mini-batch; returns the batch's summed log loss.
    fn step(&mut self, batch: &[&Example], lr: f64) -> f64 {
        let b = batch.len();
        // Pooled vectors (and, for DIN, the unit's forward pass).
        let mut pooled = vec![0.0; b * D];
        let mut unit_state = None;
        match self.pooling {
            Pooling::Mean => {
                for (e, ex) in batch.iter().enumerate() {
                    let m = din_core::attention::mean(&ex.last_n, D);
                    pooled[e * D..(e + 1) * D].copy_from_slice(&m);
                }
            }
            Pooling::Din => {
                let total: usize = batch.iter().map(|e| e.n()).sum();
                let mut input = Vec::with_capacity(total * 4 * D);
                for ex in batch {
                    for x in ex.last_n.chunks_exact(D) {
                        pair_input(&ex.query, x, &mut input);
                    }
                }
                let (z, caches) = self.unit.forward(input, total, true);
                let alpha: Vec<f64> = match self.form {
                    WeightForm::Sigmoid => z.iter().map(|v| sigmoid(*v)).collect(),
                    WeightForm::Logit => z.clone(),
                };
                let mut row = 0;
                for (e, ex) in batch.iter().enumerate() {
                    for x in ex.last_n.chunks_exact(D) {
                        for k in 0..D {
                            pooled[e * D + k] += alpha[row] * x[k];
                        }
                        row += 1;
                    }
                }
                unit_state = Some((z, alpha, caches, total));
            }
        }
        let mut u = Vec::with_capacity(b * 3 * D);
        for (e, ex) in batch.iter().enumerate() {
            mlp_input(&pooled[e * D..(e + 1) * D], &ex.query, &mut u);
        }
        let (o, mlp_caches) = self.mlp.forward(u, b, true);
        let mut loss = 0.0;
        let mut g_o = vec![0.0; b];
        for (e, ex) in batch.iter().enumerate() {
            let p = sigmoid(o[e]);
            let y = if ex.click { 1.0 } else { 0.0 };
            loss += log_loss(&[p], &[ex.click]);
            g_o[e] = (p - y) / b as f64;
        }
        let need_u = self.pooling == Pooling::Din;
        let g_u = self.mlp.backward(&mlp_caches, g_o, need_u);
        if let Some((z, alpha, caches, total)) = unit_state {
            let mut g_z = vec![0.0; total];
            let mut row = 0;
            for (e, ex) in batch.iter().enumerate() {
                let gu = &g_u[e * 3 * D..(e + 1) * 3 * D];
                let g_pooled: Vec<f64> = (0..D).map(|k| gu[k] + gu[2 * D + k] * ex.query[k]).collect();
                for x in ex.last_n.chunks_exact(D) {
                    let g_alpha: f64 = g_pooled.iter().zip(x).map(|(g, v)| g * v).sum();
                    g_z[row] = match self.form {
                        WeightForm::Sigmoid => g_alpha * alpha[row] * (1.0 - alpha[row]),
                        WeightForm::Logit => g_alpha,
                    };
                    row += 1;
                }
            }
            if self.activity > 0.0 {
                // lambda/2 sum z^2 per example, averaged over the batch like the log loss.
                for (g, v) in g_z.iter_mut().zip(&z) {
                    *g += self.activity * v / b as f64;
                }
                loss += 0.5 * self.activity * z.iter().map(|v| v * v).sum::<f64>();
            }
            if self.activity_l1 > 0.0 {
                // mu sum |z| per example, averaged over the batch (subgradient 0 at z = 0).
                for (g, v) in g_z.iter_mut().zip(&z) {
                    let sign = if *v > 0.0 { 1.0 } else if *v < 0.0 { -1.0 } else { 0.0 };
                    *g += self.activity_l1 * sign / b as f64;
                }
                loss += self.activity_l1 * z.iter().map(|v| v.abs()).sum::<f64>();
            }
            self.unit.backward(&caches, g_z, false);
        }
        for layer in &mut self.mlp.layers {
            for (g, w) in layer.w.g.iter_mut().zip(&layer.w.v) {
                *g += self.weight_decay * w;
            }
        }
        self.t += 1;
        let t = self.t;
        for p in self.unit.params_mut().into_iter().chain(self.mlp.params_mut()) {
            p.adam(lr, t);
        }
        loss
    }

    /// Negates DIN's logit and the ranking MLP's weights on `pooled` and on
    /// `pooled * q`: the same model (every click probability keeps its
    /// bits, as negation is exact), with every `z` of the opposite sign.
    /// Under `alpha = z` the loss cannot tell the two apart (the MLP reads
    /// `pooled` linearly in its first layer, and both penalties are even),
    /// so [`train`] uses this to fix the sign convention.
    fn flip_sign(&mut self) {
        if let Some(out) = self.unit.layers.last_mut() {
            out.w.v.iter_mut().chain(out.b.v.iter_mut()).for_each(|v| *v = -*v);
        }
        if let Some(first) = self.mlp.layers.first_mut() {
            let inp = first.inp;
            for row in first.w.v.chunks_exact_mut(inp) {
                for k in (0..D).chain(2 * D..3 * D) {
                    row[k] = -row[k];
                }
            }
        }
    }

    /// The activation unit as an [`ActivationUnit`] (Dice with its running statistics).
    fn export(&self, activation: Activation, training: Value) -> Result<ActivationUnit, UnitError> {
        let n_hidden = self.unit.layers.len() - 1;
        let mut hidden = Vec::with_capacity(n_hidden);
        for l in &self.unit.layers[..n_hidden] {
            let weight: Vec<Vec<f64>> = l.w.v.chunks_exact(l.inp).map(<[f64]>::to_vec).collect();
            let params = match &l.act {
                Act::PRelu(a) => LayerParams::PReLU { alpha: a.v.clone() },
                Act::Dice { alpha, run_mean, run_var, .. } => {
                    LayerParams::Dice { alpha: alpha.v.clone(), mean: run_mean.clone(), var: run_var.clone() }
                }
                _ => LayerParams::Sigmoid,
            };
            hidden.push(HiddenLayer { weight, bias: l.b.v.clone(), params });
        }
        let out = &self.unit.layers[n_hidden];
        let output = OutputLayer { weight: out.w.v.clone(), bias: out.b.v[0] };
        ActivationUnit::new(activation, D, hidden, output, training)
    }

    /// Predicted click probabilities, with `unit` (at inference) giving DIN's weights.
    fn predict(&mut self, data: &[Example], unit: Option<&ActivationUnit>) -> Vec<f64> {
        let mut u = Vec::with_capacity(data.len() * 3 * D);
        for ex in data {
            let pooled = match (self.pooling, unit) {
                (Pooling::Din, Some(unit)) => {
                    let alpha: Vec<f64> =
                        ex.last_n.chunks_exact(D).map(|x| self.form.weight(unit.logit_unchecked(&ex.query, x))).collect();
                    din_core::attention::weighted_sum(&ex.last_n, D, &alpha)
                }
                _ => din_core::attention::mean(&ex.last_n, D),
            };
            mlp_input(&pooled, &ex.query, &mut u);
        }
        let (o, _) = self.mlp.forward(u, data.len(), false);
        o.into_iter().map(sigmoid).collect()
    }
}

fn fit(model: &mut Model, train: &[Example], cfg: &TrainConfig, rng: &mut Rng, name: &'static str) -> Result<(), TrainError> {
    let mut order: Vec<usize> = (0..train.len()).collect();
    for epoch in 0..cfg.epochs {
        rng.shuffle(&mut order);
        // Halve the step size for the last quarter of the epochs.
        let lr = if epoch * 4 >= cfg.epochs * 3 { cfg.learning_rate / 2.0 } else { cfg.learning_rate };
        let mut loss = 0.0;
        for chunk in order.chunks(cfg.batch_size) {
            let batch: Vec<&Example> = chunk.iter().map(|i| &train[*i]).collect();
            loss += model.step(&batch, lr);
        }
        if !loss.is_finite() {
            return Err(TrainError::Diverged { model: name, epoch });
        }
    }
    Ok(())
}

fn round6(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
}

/// Trains DIN with the activation unit of `cfg.activation` and the
/// mean-pooling baseline on the same data (same seed, same split, same
/// MLP initialisation and shuffling), and measures both on the held-out part.
///
/// # Errors
/// [`TrainError::BadConfig`] for no examples, a batch size of 0 or a
/// held-out fraction outside `(0, 1)`; [`TrainError::Diverged`];
/// [`TrainError::NoAuc`]; [`TrainError::Unit`].
///
/// ```
/// use din_train::train::{train, TrainConfig, DataConfig}; use din_core::unit::Activation;
/// let mut cfg = TrainConfig::shipped(Activation::PReLU);
/// cfg.data = DataConfig { examples: 200, ..DataConfig::default() };
/// cfg.epochs = 1;
/// let out = train(&cfg).unwrap();
/// assert_eq!((out.train_examples, out.heldout_examples), (160, 40));
/// assert!(out.auc_din > 0.0 && out.auc_din < 1.0);
/// ```
pub fn train(cfg: &TrainConfig) -> Result<TrainOutcome, TrainError> {
    if cfg.data.examples < 10 {
        return Err(TrainError::BadConfig("at least 10 examples are needed".into()));
    }
    if cfg.batch_size == 0 || cfg.mlp_hidden == 0 || cfg.hidden.contains(&0) {
        return Err(TrainError::BadConfig("batch size and layer sizes must be at least 1".into()));
    }
    if !(cfg.heldout_fraction > 0.0 && cfg.heldout_fraction < 1.0) {
        return Err(TrainError::BadConfig("the held-out fraction must lie strictly between 0 and 1".into()));
    }
    if !(cfg.learning_rate.is_finite() && cfg.learning_rate > 0.0) {
        return Err(TrainError::BadConfig("the learning rate must be a finite number above 0".into()));
    }
    let data = generate(&cfg.data, cfg.seed);
    let n_held = ((data.len() as f64 * cfg.heldout_fraction).round() as usize).clamp(1, data.len() - 1);
    let (train_part, held) = data.split_at(data.len() - n_held);
    let labels: Vec<bool> = held.iter().map(|e| e.click).collect();
    let truth: Vec<f64> = held.iter().map(|e| e.p_click).collect();
    let auc_oracle = auc(&truth, &labels).ok_or(TrainError::NoAuc("true"))?;

    let mut results = Vec::with_capacity(2);
    let mut din_unit = None;
    let mut sign_flipped = false;
    for (pooling, name) in [(Pooling::Din, "DIN"), (Pooling::Mean, "mean-pooling")] {
        // Same initialisation and shuffling stream for both models.
        let mut rng = Rng::new(cfg.seed ^ 0x005E_ED0F_D1A6);
        let mut model = Model::new(pooling, cfg, &mut rng);
        fit(&mut model, train_part, cfg, &mut rng, name)?;
        if pooling == Pooling::Din && cfg.weight == WeightForm::Logit {
            // The sign convention of alpha = z: a LastN item of the
            // candidate's own category gets z > 0 (mean over the six
            // category centroids).
            let probe = model.export(cfg.activation, Value::Null)?;
            if category_separation_for(&probe, WeightForm::Logit).mean_same < 0.0 {
                model.flip_sign();
                sign_flipped = true;
            }
        }
        let unit = match pooling {
            Pooling::Din => Some(model.export(cfg.activation, Value::Null)?),
            Pooling::Mean => None,
        };
        let p = model.predict(held, unit.as_ref());
        let a = auc(&p, &labels).ok_or(TrainError::NoAuc(name))?;
        results.push((a, log_loss(&p, &labels)));
        if let Some(u) = unit {
            din_unit = Some((model, u));
        }
    }
    let (auc_din, logloss_din) = results[0];
    let (auc_mean, logloss_mean) = results[1];
    let Some((model, plain_unit)) = din_unit else {
        return Err(TrainError::BadConfig("no DIN model was trained".into()));
    };
    let sep = category_separation_for(&plain_unit, cfg.weight);
    let mut training = json!({
        "program": "cargo run --release --bin make_weights (src/train.rs)",
        "data": format!(
            "din-viz synthetic clicks v1: {} users, LastN {}..{} items from 1..{} interests, sigma {}, stray {}, click logit {} + {} [interest] + {} share",
            cfg.data.examples, cfg.data.n_min, cfg.data.n_max, cfg.data.max_interests, cfg.data.noise_sd,
            cfg.data.stray, cfg.data.logit_bias, cfg.data.logit_interest, cfg.data.logit_share
        ),
        "seed": cfg.seed,
        "examples_train": train_part.len(),
        "examples_heldout": held.len(),
        "epochs": cfg.epochs,
        "batch_size": cfg.batch_size,
        "optimizer": "adam",
        "learning_rate": cfg.learning_rate,
        "learning_rate_schedule": "halved for the last quarter of the epochs",
        "mlp_weight_decay_din": cfg.mlp_weight_decay,
        "mlp": format!("[pooled, q, pooled * q] ({}) -> {} relu -> 1 sigmoid", 3 * D, cfg.mlp_hidden),
        "auc_din": round6(auc_din),
        "auc_mean": round6(auc_mean),
        "auc_oracle": round6(auc_oracle),
        "logloss_din": round6(logloss_din),
        "logloss_mean": round6(logloss_mean),
        "alpha_same_category": round6(sep.mean_same),
        "alpha_other_category": round6(sep.mean_other),
    });
    // Only the alpha = z files say how they were trained for it: the
    // sigmoid files keep the keys (and bytes) they were made with.
    if cfg.weight == WeightForm::Logit {
        if let Value::Object(t) = &mut training {
            t.insert("weight".into(), json!(cfg.weight.name()));
            t.insert("activity_l1".into(), json!(cfg.activity_l1));
            if cfg.activity_l2 != 0.0 {
                t.insert("activity_l2".into(), json!(cfg.activity_l2));
            }
            t.insert("logit_init".into(), json!(cfg.logit_init));
            t.insert(
                "sign_convention".into(),
                json!("z > 0 for a LastN item of the candidate's category (mean over the six category centroids); fixed after training by negating the unit's output layer and the ranking MLP's weights on pooled and pooled * q, which leaves every prediction unchanged"),
            );
            t.insert("sign_flipped".into(), json!(sign_flipped));
        }
    }
    let unit = model.export(cfg.activation, training)?;
    Ok(TrainOutcome {
        unit,
        auc_din,
        auc_mean,
        auc_oracle,
        logloss_din,
        logloss_mean,
        train_examples: train_part.len(),
        heldout_examples: held.len(),
    })
}

/// How well a unit separates categories, using the category centroids as
/// both the LastN item and the candidate.
#[derive(Clone, Debug, PartialEq)]
pub struct Separation {
    /// `alpha[c][c']`: weight of a LastN item at centroid `c` for a candidate at centroid `c'`.
    pub alpha: Vec<Vec<f64>>,
    /// Mean of the diagonal (same category).
    pub mean_same: f64,
    /// Mean off the diagonal (other categories).
    pub mean_other: f64,
    /// Smallest `alpha[c][c] - alpha[c][c']` over `c != c'`.
    pub min_gap: f64,
}

/// The weights `alpha = sigmoid(z)` of `unit` for every pair of category
/// centroids (item category, candidate category), their means on and off
/// the diagonal, and the smallest same-minus-other gap. Zeros if the unit's
/// `d` is not 8. [`category_separation_for`] with [`WeightForm::Sigmoid`].
///
/// ```
/// use din_train::train::category_separation;
/// use din_core::unit::ActivationUnit;
/// let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../weights/dice.json")).unwrap();
/// let s = category_separation(&ActivationUnit::from_json(&text).unwrap());
/// assert!(s.min_gap >= 0.2);
/// ```
#[must_use]
pub fn category_separation(unit: &ActivationUnit) -> Separation {
    category_separation_for(unit, WeightForm::Sigmoid)
}

/// [`category_separation`] with the weight form `weight`: for
/// [`WeightForm::Logit`] the weights are the logits `z` themselves.
///
/// ```
/// use din_train::train::category_separation_for;
/// use din_core::unit::{ActivationUnit, WeightForm};
/// let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../weights/prelu-z.json")).unwrap();
/// let s = category_separation_for(&ActivationUnit::from_json(&text).unwrap(), WeightForm::Logit);
/// assert!(s.mean_same > 0.2 && s.mean_other.abs() < 0.05); // z near 0 for other categories
/// ```
#[must_use]
pub fn category_separation_for(unit: &ActivationUnit, weight: WeightForm) -> Separation {
    let k = N_CATEGORIES;
    let mut alpha = vec![vec![0.0; k]; k];
    for (c, item) in CATEGORIES.iter().enumerate() {
        for (c2, cand) in CATEGORIES.iter().enumerate() {
            alpha[c][c2] =
                unit.scores(&cand.centroid, &item.centroid).ok().and_then(|z| z.first().copied()).map_or(0.0, |z| weight.weight(z));
        }
    }
    let mean_same = (0..k).map(|c| alpha[c][c]).sum::<f64>() / k as f64;
    let mut other = 0.0;
    let mut min_gap = f64::INFINITY;
    for (c, row) in alpha.iter().enumerate() {
        for (c2, a) in row.iter().enumerate() {
            if c != c2 {
                other += a;
                min_gap = min_gap.min(row[c] - a);
            }
        }
    }
    Separation { alpha, mean_same, mean_other: other / (k * (k - 1)) as f64, min_gap }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generator_follows_its_description() {
        let cfg = DataConfig { examples: 4000, ..DataConfig::default() };
        let data = generate(&cfg, 9);
        let mut clicks_in = (0.0, 0.0);
        let mut clicks_out = (0.0, 0.0);
        for e in &data {
            assert!((1..=3).contains(&e.interests.len()));
            assert_eq!(e.last_n_categories.len(), e.n());
            if e.interests.contains(&e.query_category) {
                clicks_in.0 += f64::from(u8::from(e.click));
                clicks_in.1 += 1.0;
            } else {
                clicks_out.0 += f64::from(u8::from(e.click));
                clicks_out.1 += 1.0;
            }
        }
        let (rate_in, rate_out) = (clicks_in.0 / clicks_in.1, clicks_out.0 / clicks_out.1);
        assert!(rate_in > 0.5 && rate_out < 0.05, "{rate_in} {rate_out}");
        // Intensity: among candidates of an interest, a larger share of the
        // LastN means more clicks.
        let rate = |lo: f64, hi: f64| {
            let sel: Vec<&Example> = data
                .iter()
                .filter(|e| {
                    let share = e.last_n_categories.iter().filter(|c| **c == e.query_category).count() as f64
                        / e.n() as f64;
                    e.interests.contains(&e.query_category) && share >= lo && share < hi
                })
                .collect();
            sel.iter().filter(|e| e.click).count() as f64 / sel.len() as f64
        };
        assert!(rate(0.6, 1.01) > rate(0.0, 0.3) + 0.1);
        // Most LastN items come from the user's interests.
        let own: usize = data.iter().map(|e| e.last_n_categories.iter().filter(|c| e.interests.contains(c)).count()).sum();
        let all: usize = data.iter().map(Example::n).sum();
        assert!(own as f64 / all as f64 > 0.88);
    }

    /// A copy of `model`'s parameters, weight form and activity penalties
    /// with a fresh Adam state and no weight decay.
    fn fresh(model: &Model) -> Model {
        Model {
            pooling: model.pooling,
            unit: model.unit.clone(),
            mlp: model.mlp.clone(),
            t: 0,
            weight_decay: 0.0,
            form: model.form,
            activity: model.activity,
            activity_l1: model.activity_l1,
        }
    }

    /// Loss of a DIN model on a fixed batch, in training mode, without updating.
    fn din_loss(model: &Model, batch: &[&Example]) -> f64 {
        let mut m = fresh(model);
        // A zero step size leaves the parameters unchanged.
        m.step(batch, 0.0)
    }

    #[test]
    fn gradients_match_finite_differences() {
        // Both weight forms; alpha = z with both activity penalties (they
        // are differentiable away from z = 0, where no logit lands here).
        let forms = [(WeightForm::Sigmoid, 0.0, 0.0), (WeightForm::Logit, 0.05, 0.03)];
        for (activation, (form, l2, l1)) in Activation::ALL.into_iter().flat_map(|a| forms.map(|f| (a, f))) {
            let mut cfg = TrainConfig::shipped(activation);
            (cfg.weight, cfg.activity_l2, cfg.activity_l1) = (form, l2, l1);
            cfg.hidden = vec![5, 3];
            cfg.mlp_hidden = 4;
            let data = generate(&DataConfig { examples: 6, n_min: 2, n_max: 4, ..DataConfig::default() }, 3);
            let batch: Vec<&Example> = data.iter().collect();
            let mut rng = Rng::new(17);
            let mut model = Model::new(Pooling::Din, &cfg, &mut rng);
            // Non-trivial Dice/PReLU slopes.
            for l in &mut model.unit.layers {
                if let Act::PRelu(a) | Act::Dice { alpha: a, .. } = &mut l.act {
                    for (k, v) in a.v.iter_mut().enumerate() {
                        *v = 0.1 + 0.05 * k as f64;
                    }
                }
            }
            // Analytic gradients: run forward/backward and read them before Adam.
            let analytic: Vec<Vec<f64>> = {
                let mut m = fresh(&model);
                grads_of(&mut m, &batch)
            };
            let b = batch.len() as f64;
            let mut checked = 0;
            for (pi, g) in analytic.iter().enumerate() {
                for k in (0..g.len()).step_by(3) {
                    let h = 1e-6;
                    let plus = {
                        let mut m = fresh(&model);
                        m.unit.params_mut().into_iter().chain(m.mlp.params_mut()).nth(pi).unwrap().v[k] += h;
                        din_loss(&m, &batch)
                    };
                    let minus = {
                        let mut m = fresh(&model);
                        m.unit.params_mut().into_iter().chain(m.mlp.params_mut()).nth(pi).unwrap().v[k] -= h;
                        din_loss(&m, &batch)
                    };
                    let numeric = (plus - minus) / (2.0 * h) / b; // step() returns the summed loss
                    let tol = 1e-6 + 1e-4 * numeric.abs().max(g[k].abs());
                    assert!((numeric - g[k]).abs() < tol, "{activation} {form}: param {pi}[{k}] numeric {numeric} analytic {}", g[k]);
                    checked += 1;
                }
            }
            assert!(checked > 20);
            model.t = 0;
        }
    }

    /// Gradients of the mean loss for every parameter, in `params_mut` order.
    fn grads_of(m: &mut Model, batch: &[&Example]) -> Vec<Vec<f64>> {
        // Capture gradients by making Adam a no-op: copy them before step() clears them.
        // step() zeroes gradients inside adam(); so run with a snapshot hook instead.
        let mut grads = Vec::new();
        let before: Vec<Vec<f64>> = m.unit.params_mut().into_iter().chain(m.mlp.params_mut()).map(|p| p.v.clone()).collect();
        // lr = 0 keeps values; read gradients from the first Adam moment: m = (1 - b1) g.
        m.step(batch, 0.0);
        for (p, v0) in m.unit.params_mut().into_iter().chain(m.mlp.params_mut()).zip(before) {
            assert_eq!(p.v, v0);
            grads.push(p.m.iter().map(|x| x / 0.1).collect());
        }
        grads
    }

    #[test]
    fn smoke_training_is_deterministic() {
        let mut cfg = TrainConfig::shipped(Activation::Dice);
        cfg.data = DataConfig { examples: 300, ..DataConfig::default() };
        cfg.epochs = 2;
        let a = train(&cfg).unwrap();
        let b = train(&cfg).unwrap();
        assert_eq!(a.unit.to_json(), b.unit.to_json());
        assert_eq!(ActivationUnit::from_json(&a.unit.to_json()).unwrap(), a.unit);
        assert!(a.auc_din.is_finite() && a.auc_mean.is_finite());
    }

    #[test]
    fn bad_configs_are_refused() {
        let mut cfg = TrainConfig::shipped(Activation::Sigmoid);
        cfg.batch_size = 0;
        assert!(matches!(train(&cfg), Err(TrainError::BadConfig(_))));
        let mut cfg = TrainConfig::shipped(Activation::Sigmoid);
        cfg.heldout_fraction = 1.0;
        assert!(matches!(train(&cfg), Err(TrainError::BadConfig(_))));
    }
}
