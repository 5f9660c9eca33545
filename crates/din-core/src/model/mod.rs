//! A whole learned DIN (Zhou et al., KDD 2018): item embeddings with labels
//! and categories, optional category embeddings, the activation unit, the
//! weight form, and the MLP that turns `[pooled, candidate, other features]`
//! into a click-through rate; or the same model with plain-average pooling.
//! Loaded from and saved to the JSON format `"din-viz model v1"`
//! (`weights/README.md` documents it; [`DinModel::from_json`],
//! [`DinModel::to_json`]). Models come from the in-page trainer
//! ([`crate::learn`]) or from DeepCTR / DeepCTR-Torch through
//! `tools/deepctr_export.py`.
//!
//! For a user history (LastN item ids `j_1 .. j_n`) and a candidate item `c`:
//!
//! ```text
//! key(j) = [item_embedding_j, category_embedding_{cat(j)}]     (d_key = d + category_d numbers)
//! q      = key(c),  x_i = key(j_i)
//! z_i    = unit([q, x_i, q - x_i, q * x_i])                    (attention pooling only)
//! alpha  = z | sigmoid(z) | softmax(z) | softmax(z / sqrt(d_key))  ("weight"), or 1/n ("mean" pooling)
//! pooled = sum_i alpha_i x_i                                   (zeros when n = 0)
//! logit  = mlp(concat of the "input" blocks, e.g. [feature:user, candidate, pooled])
//! ctr    = sigmoid(logit)
//! ```
//!
//! A stack (the unit, the MLP) applies `h = f(W h + b)` per hidden layer
//! (`f` = sigmoid, ReLU, PReLU or Dice; Dice at inference uses the stored
//! running mean and variance,
//! `p(s) = sigmoid(gamma (s - mean) / sqrt(var + eps) + beta)`, `gamma = 1`
//! and `beta = 0` unless the file says otherwise)
//! and a linear output layer of one unit.
//!
//! Pure: no web crate, no I/O, no randomness. A value of [`DinModel`] is
//! always valid (shapes agree, every number finite), so inference only
//! checks the query.

mod error;
mod infer;
mod parse;
mod write;

pub use error::{Kind, ModelError, Problem};

use crate::unit::sigmoid;
use serde_json::Value;

/// The `format` string of version 1.
pub const FORMAT: &str = "din-viz model v1";
/// Largest model file accepted, in bytes (64 MiB).
pub const MAX_TEXT: usize = 64 << 20;
/// Largest embedding length (`d`, `category_d`, a sparse feature's length).
pub const MAX_D: usize = 1024;
/// Largest number of units in a hidden layer.
pub const MAX_WIDTH: usize = 4096;
/// Most hidden layers in a stack.
pub const MAX_LAYERS: usize = 32;
/// Longest history a query may have.
pub const MAX_HISTORY: usize = 100_000;
/// `eps` of Dice when a stack does not say (`unit.rs`'s value; DeepCTR uses `1e-9`).
pub const DEFAULT_DICE_EPS: f64 = 1e-8;

/// The activation of a stack's hidden layers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Activation {
    /// `1 / (1 + e^-s)`.
    Sigmoid,
    /// `max(s, 0)`.
    Relu,
    /// `s` if `s > 0`, else `a_j s`.
    PRelu,
    /// `p(s) s + (1 - p(s)) a_j s`, `p(s) = sigmoid(gamma_j (s - mean_j) / sqrt(var_j + eps) + beta_j)`.
    Dice,
}

impl Activation {
    /// Names in files: `sigmoid`, `relu`, `prelu`, `dice`.
    pub const NAMES: &'static [&'static str] = &["sigmoid", "relu", "prelu", "dice"];

    /// The name in files.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Activation::Sigmoid => "sigmoid",
            Activation::Relu => "relu",
            Activation::PRelu => "prelu",
            Activation::Dice => "dice",
        }
    }

    /// Parses a name of [`Activation::NAMES`].
    #[must_use]
    pub fn parse(s: &str) -> Option<Self> {
        [Activation::Sigmoid, Activation::Relu, Activation::PRelu, Activation::Dice].into_iter().find(|a| a.name() == s)
    }
}

/// Per-unit parameters of a hidden layer's activation.
#[derive(Clone, Debug, PartialEq)]
pub enum LayerParams {
    /// Sigmoid and ReLU have none.
    None,
    /// PReLU's slope `a_j` for `s <= 0`.
    PRelu { alpha: Vec<f64> },
    /// Dice's `a_j`, the running mean and variance of `s_j`, and the scale
    /// `gamma_j` and shift `beta_j` of the normalised `s_j` (1 and 0 unless
    /// the batch normalisation is affine, as in DeepCTR-Torch).
    Dice { alpha: Vec<f64>, mean: Vec<f64>, var: Vec<f64>, gamma: Vec<f64>, beta: Vec<f64> },
}

/// A dense layer `s = W h + b` (`W`: one row per output).
#[derive(Clone, Debug, PartialEq)]
pub struct Layer {
    /// `W`, rows = outputs, columns = inputs.
    pub weight: Vec<Vec<f64>>,
    /// `b`, one per output.
    pub bias: Vec<f64>,
    /// The activation's parameters (`None` for the output layer).
    pub params: LayerParams,
}

impl Layer {
    fn pre(&self, h: &[f64], out: &mut Vec<f64>) {
        out.clear();
        for (row, b) in self.weight.iter().zip(&self.bias) {
            let mut s = *b;
            for (w, x) in row.iter().zip(h) {
                s += w * x;
            }
            out.push(s);
        }
    }
}

/// Hidden layers with one activation, then a linear output of one unit.
#[derive(Clone, Debug, PartialEq)]
pub struct Stack {
    /// The hidden layers' activation.
    pub activation: Activation,
    /// Dice's `eps`.
    pub dice_eps: f64,
    /// The hidden layers.
    pub hidden: Vec<Layer>,
    /// The output layer: one row, one bias.
    pub output: Layer,
}

impl Stack {
    /// Number of inputs.
    #[must_use]
    pub fn inputs(&self) -> usize {
        self.hidden.first().unwrap_or(&self.output).weight.first().map_or(0, Vec::len)
    }

    /// Units per hidden layer.
    #[must_use]
    pub fn widths(&self) -> Vec<usize> {
        self.hidden.iter().map(|l| l.weight.len()).collect()
    }

    /// `f_j(s)` of hidden layer `layer`.
    fn activate(&self, layer: &Layer, j: usize, s: f64) -> f64 {
        match (&layer.params, self.activation) {
            (_, Activation::Sigmoid) => sigmoid(s),
            (_, Activation::Relu) => s.max(0.0),
            (LayerParams::PRelu { alpha }, _) => {
                if s > 0.0 {
                    s
                } else {
                    alpha[j] * s
                }
            }
            (LayerParams::Dice { alpha, mean, var, gamma, beta }, _) => {
                let p = sigmoid(gamma[j] * ((s - mean[j]) / (var[j] + self.dice_eps).sqrt()) + beta[j]);
                p * s + (1.0 - p) * alpha[j] * s
            }
            _ => s,
        }
    }

    /// The output logit for `input` (length [`Stack::inputs`]).
    #[must_use]
    pub fn forward(&self, input: &[f64]) -> f64 {
        let mut h = input.to_vec();
        let mut s = Vec::new();
        for layer in &self.hidden {
            layer.pre(&h, &mut s);
            h.clear();
            h.extend(s.iter().enumerate().map(|(j, v)| self.activate(layer, j, *v)));
        }
        self.output.pre(&h, &mut s);
        s.first().copied().unwrap_or(0.0)
    }
}

/// How the LastN is pooled into one vector.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pooling {
    /// DIN: `sum_i alpha_i x_i` with the activation unit's weights.
    Attention,
    /// The baseline: the plain average `(1/n) sum_i x_i`.
    Mean,
}

/// What turns the unit's outputs `z_i` into the weights `alpha_i`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WeightForm {
    /// `alpha_i = z_i`: the paper and DeepCTR's default (`weight_normalization=False`).
    Identity,
    /// `alpha_i = sigmoid(z_i)`: this project's `weights/*.json` units.
    Sigmoid,
    /// `alpha = softmax(z)` over the real items (DeepCTR's `weight_normalization=True`).
    Softmax,
    /// `alpha = softmax(z / sqrt(d_key))`: the authors' code.
    SoftmaxScaled,
}

impl WeightForm {
    /// Names in files.
    pub const NAMES: &'static [&'static str] = &["identity", "sigmoid", "softmax", "softmax_scaled"];

    /// The name in files.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            WeightForm::Identity => "identity",
            WeightForm::Sigmoid => "sigmoid",
            WeightForm::Softmax => "softmax",
            WeightForm::SoftmaxScaled => "softmax_scaled",
        }
    }

    /// Parses a name of [`WeightForm::NAMES`].
    #[must_use]
    pub fn parse(s: &str) -> Option<Self> {
        [WeightForm::Identity, WeightForm::Sigmoid, WeightForm::Softmax, WeightForm::SoftmaxScaled]
            .into_iter()
            .find(|w| w.name() == s)
    }

    /// The weights for the unit's outputs `z` (`d_key` for the scaled softmax).
    #[must_use]
    pub fn apply(self, z: &[f64], d_key: usize) -> Vec<f64> {
        match self {
            WeightForm::Identity => z.to_vec(),
            WeightForm::Sigmoid => z.iter().map(|v| sigmoid(*v)).collect(),
            WeightForm::Softmax | WeightForm::SoftmaxScaled => {
                let scale = if self == WeightForm::Softmax { 1.0 } else { 1.0 / (d_key.max(1) as f64).sqrt() };
                let t: Vec<f64> = z.iter().map(|v| v * scale).collect();
                let m = t.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                let e: Vec<f64> = t.iter().map(|v| (v - m).exp()).collect();
                let total: f64 = e.iter().sum();
                e.iter().map(|v| v / total).collect()
            }
        }
    }
}

/// An item category.
#[derive(Clone, Debug, PartialEq)]
pub struct Category {
    /// Identifier, unique in the model.
    pub id: String,
    /// English name.
    pub en: String,
    /// Chinese name.
    pub zh: String,
    /// The category embedding (`category_d` numbers; empty when the model has none).
    pub embedding: Vec<f64>,
}

/// An item of the catalogue.
#[derive(Clone, Debug, PartialEq)]
pub struct Item {
    /// Label shown for the item.
    pub label: String,
    /// Chinese label, if it differs.
    pub label_zh: Option<String>,
    /// Index into the model's categories.
    pub category: usize,
    /// The item embedding (`d` numbers).
    pub embedding: Vec<f64>,
}

/// A feature other than the history and the candidate (user id, gender, a price ...).
#[derive(Clone, Debug, PartialEq)]
pub enum Feature {
    /// A categorical feature: one embedding row per value.
    Sparse { name: String, embedding: Vec<Vec<f64>>, default: usize },
    /// Numbers fed to the MLP as they are.
    Dense { name: String, size: usize, default: Vec<f64> },
}

impl Feature {
    /// The feature's name.
    #[must_use]
    pub fn name(&self) -> &str {
        match self {
            Feature::Sparse { name, .. } | Feature::Dense { name, .. } => name,
        }
    }

    /// How many numbers it gives the MLP.
    #[must_use]
    pub fn width(&self) -> usize {
        match self {
            Feature::Sparse { embedding, .. } => embedding.first().map_or(0, Vec::len),
            Feature::Dense { size, .. } => *size,
        }
    }
}

/// A value of a feature in a query.
#[derive(Clone, Debug, PartialEq)]
pub enum FeatureValue {
    /// A sparse feature's value (row of its embedding).
    Sparse(usize),
    /// A dense feature's numbers.
    Dense(Vec<f64>),
}

/// One block of the MLP's input, in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Block {
    /// The pooled LastN vector (`d_key` numbers).
    Pooled,
    /// The candidate's key `[item embedding, category embedding]` (`d_key`).
    Candidate,
    /// The candidate's item embedding (`d`).
    CandidateItem,
    /// The candidate's category embedding (`category_d`).
    CandidateCategory,
    /// Another feature, by index into [`DinModel::features`].
    Feature(usize),
}

/// A whole DIN or average-pooling model. See the module documentation.
#[derive(Clone, Debug, PartialEq)]
pub struct DinModel {
    pub(crate) d: usize,
    pub(crate) category_d: usize,
    pub(crate) categories: Vec<Category>,
    pub(crate) items: Vec<Item>,
    pub(crate) features: Vec<Feature>,
    pub(crate) pooling: Pooling,
    pub(crate) weight: WeightForm,
    pub(crate) unit: Option<Stack>,
    pub(crate) input: Vec<Block>,
    pub(crate) mlp: Stack,
    pub(crate) training: Value,
}

/// The parts of a [`DinModel`], for a trainer that builds one
/// (din-train's `learn`): [`DinModel::from_parts`] takes them as they are,
/// so a trainer must give shapes that agree (its network has them);
/// untrusted files go through [`DinModel::from_json`], which checks all.
#[derive(Clone, Debug, PartialEq)]
pub struct ModelParts {
    /// The item embeddings' size.
    pub d: usize,
    /// The category embeddings' size (0: none).
    pub category_d: usize,
    /// The categories.
    pub categories: Vec<Category>,
    /// The items.
    pub items: Vec<Item>,
    /// Other features.
    pub features: Vec<Feature>,
    /// DIN's attention or the plain average.
    pub pooling: Pooling,
    /// How the unit's output becomes a weight.
    pub weight: WeightForm,
    /// The activation unit (none for mean pooling).
    pub unit: Option<Stack>,
    /// The MLP's input blocks, in order.
    pub input: Vec<Block>,
    /// The MLP.
    pub mlp: Stack,
    /// The `training` object, kept as given.
    pub training: Value,
}

impl DinModel {
    /// A model from its parts, unchecked (see [`ModelParts`]).
    #[must_use]
    pub fn from_parts(p: ModelParts) -> Self {
        let ModelParts { d, category_d, categories, items, features, pooling, weight, unit, input, mlp, training } = p;
        DinModel { d, category_d, categories, items, features, pooling, weight, unit, input, mlp, training }
    }
}

/// The attention of a model for one history and candidate.
#[derive(Clone, Debug, PartialEq)]
pub struct ModelAttention {
    /// The unit's outputs `z_i` (empty for mean pooling).
    pub scores: Vec<f64>,
    /// The weights `alpha_i` (`1/n` each for mean pooling).
    pub alpha: Vec<f64>,
    /// `sum_i alpha_i x_i` (`d_key` numbers).
    pub pooled: Vec<f64>,
    /// `sum_i alpha_i`.
    pub alpha_sum: f64,
    /// `|pooled|`.
    pub pooled_norm: f64,
}

/// A prediction: the attention, the MLP's logit and the click-through rate.
#[derive(Clone, Debug, PartialEq)]
pub struct Prediction {
    /// The attention over the history.
    pub attention: ModelAttention,
    /// The MLP's output before the sigmoid.
    pub logit: f64,
    /// `sigmoid(logit)`.
    pub ctr: f64,
}

impl DinModel {
    /// Length of the item embeddings.
    #[must_use]
    pub fn d(&self) -> usize {
        self.d
    }
    /// Length of the category embeddings (0: the model has none).
    #[must_use]
    pub fn category_d(&self) -> usize {
        self.category_d
    }
    /// Length of a key, `d + category_d`.
    #[must_use]
    pub fn key_d(&self) -> usize {
        self.d + self.category_d
    }
    /// The categories.
    #[must_use]
    pub fn categories(&self) -> &[Category] {
        &self.categories
    }
    /// The catalogue.
    #[must_use]
    pub fn items(&self) -> &[Item] {
        &self.items
    }
    /// The other features.
    #[must_use]
    pub fn features(&self) -> &[Feature] {
        &self.features
    }
    /// Attention or mean pooling.
    #[must_use]
    pub fn pooling(&self) -> Pooling {
        self.pooling
    }
    /// The weight form (meaningful for attention pooling).
    #[must_use]
    pub fn weight_form(&self) -> WeightForm {
        self.weight
    }
    /// The activation unit (attention pooling only).
    #[must_use]
    pub fn unit(&self) -> Option<&Stack> {
        self.unit.as_ref()
    }
    /// The MLP's input blocks.
    #[must_use]
    pub fn input(&self) -> &[Block] {
        &self.input
    }
    /// The MLP.
    #[must_use]
    pub fn mlp(&self) -> &Stack {
        &self.mlp
    }
    /// The free-form `training` object (`Value::Null` if none).
    #[must_use]
    pub fn training(&self) -> &Value {
        &self.training
    }

    /// All item embeddings, `items * d` numbers, row `j` is item `j`
    /// (for a PCA map coloured by [`Item::category`]).
    #[must_use]
    pub fn item_embeddings(&self) -> Vec<f64> {
        self.items.iter().flat_map(|i| i.embedding.iter().copied()).collect()
    }
}

#[cfg(test)]
mod tests;
