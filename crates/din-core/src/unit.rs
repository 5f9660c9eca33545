//! The paper's *activation unit*: a small trained network that gives the
//!
//! Over 600 lines because the unit's inference, its JSON file format (every
//! field checked with its own error), the weight forms, the authors' variant
//! and the per-item trace are one documented format (the module doc is its
//! specification); its tests are mostly in tests/unit.rs.
//! attention weight of one LastN item for one candidate (Zhou et al., KDD
//! 2018, sec. 4.3 and Fig. 2; din-notes.md section 2, definitions 2 and 3).
//!
//! For a candidate `q` and a LastN item `x` (both of length `d`) the unit
//! reads the `4d` numbers
//!
//! ```text
//! h_0 = [q, x, q - x, q * x]          (q * x element-wise)
//! s_l = W_l h_{l-1} + b_l             (pre-activations of hidden layer l)
//! h_l = f_l(s_l)                      (f = sigmoid, PReLU or Dice, per unit)
//! z   = w_out . h_L + b_out           (linear output: the logit)
//! ```
//!
//! The activations, for hidden unit `j` with its own parameters:
//!
//! * sigmoid: `f(s) = 1 / (1 + e^-s)` (the authors' code);
//! * PReLU: `f(s) = s` if `s > 0`, else `a_j s`;
//! * Dice at inference: `f(s) = p(s) s + (1 - p(s)) a_j s` with
//!   `p(s) = sigmoid((s - mean_j) / sqrt(var_j + 1e-8))`, where `mean_j` and
//!   `var_j` are the running statistics stored at the end of training.
//!
//! **The weight.** The paper writes `v_U = sum_i a(x_i, q) x_i` (Eq. 3)
//! with the unit's output itself as the weight, as DeepCTR does by default
//! (`weight_normalization=False`): [`WeightForm::Logit`], `alpha_i = z_i`,
//! which can be negative, is the page's default. This project's variant
//! [`WeightForm::Sigmoid`] is `alpha_i = sigmoid(z_i)`, so each weight
//! reads as a relevance in `(0, 1)` and `sum_i alpha_i` is positive and
//! grows with the number of related items: the intensity of interest the
//! paper keeps by not using softmax. [`ActivationUnit::weights`] and
//! [`ActivationUnit::attend`] give the variant (the shipped units were
//! trained with it, `crates/din-train/src/train.rs`); a scene applies its form to the
//! logits ([`crate::scene::Scene::attention`]). The authors' public code
//! instead masks padded positions, scales by `1/sqrt(d)` and applies a
//! softmax: [`ActivationUnit::authors_alpha`].
//!
//! # File format (`weights/*.json`)
//!
//! ```text
//! {
//!   "format": "din-viz activation unit v1",
//!   "activation": "sigmoid" | "prelu" | "dice",
//!   "d": 8,                          // length of q and of each x_i
//!   "hidden": [16, 8],               // units per hidden layer (may be empty)
//!   "layers": [                      // one entry per hidden layer, then the output layer
//!     { "weight": [[...], ...],      // rows = outputs, columns = inputs (4d for the first)
//!       "bias": [...],               // one per output
//!       "prelu_alpha": [...],        // PReLU only: slope a_j for s <= 0, one per unit
//!       "dice_alpha": [...],         // Dice only: a_j, one per unit
//!       "dice_mean": [...],          // Dice only: running mean of s_j
//!       "dice_var": [...] },         // Dice only: running variance of s_j (>= 0)
//!     ...,
//!     { "weight": [[... one row ...]], "bias": [b] }   // output layer: linear, 1 output
//!   ],
//!   "training": { ... }              // optional object: how the file was made
//! }
//! ```
//!
//! Every number must be finite. Fields other than these are refused, and
//! every error names the field, e.g. `layers[1].weight[3]`. The training
//! program `crates/din-train/src/bin/make_weights.rs` writes `training` with the seed, the
//! sizes, the optimiser and the held-out AUCs (`auc_din`, `auc_mean`).
//!
//! Everything here is pure: no web crate, no randomness, no I/O.

use crate::attention::Attention;
use serde_json::{Map, Value};
use std::fmt;
use std::str::FromStr;
use crate::i18n::{Lang, Quantity};

pub use crate::unit_format::{FORMAT, MAX_UNIT_D, MAX_UNIT_WIDTH};

/// `eps` in Dice's `p(s) = sigmoid((s - mean) / sqrt(var + eps))`.
pub const DICE_EPS: f64 = 1e-8;

/// The authors' padding score `-2^32 + 1`, given to padded positions before
/// the `1/sqrt(d)` scale and the softmax.
pub const AUTHORS_PAD_SCORE: f64 = -4_294_967_295.0;

/// Largest `max_len` accepted by [`ActivationUnit::authors_alpha`].
pub const MAX_LEN_LIMIT: usize = 100_000;

/// Most samples [`ActivationUnit::activation_curve`] gives.
pub const MAX_CURVE_SAMPLES: usize = 10_000;

/// Logistic function `sigmoid(x) = 1 / (1 + e^-x)`, computed without overflow
/// (as `e^x / (1 + e^x)` for `x < 0`).
///
/// ```
/// use din_core::unit::sigmoid;
/// assert_eq!(sigmoid(0.0), 0.5);
/// assert!((sigmoid(2.0) - 0.8807970779778823).abs() < 1e-15);
/// assert_eq!(sigmoid(-1000.0), 0.0);
/// assert_eq!(sigmoid(1000.0), 1.0);
/// ```
#[must_use]
pub fn sigmoid(x: f64) -> f64 {
    if x >= 0.0 {
        1.0 / (1.0 + (-x).exp())
    } else {
        let e = x.exp();
        e / (1.0 + e)
    }
}

/// The hidden activation of a unit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Activation {
    /// `f(s) = sigmoid(s)`, as in the authors' code.
    Sigmoid,
    /// `f(s) = s` for `s > 0`, else `a s` (learned `a` per unit).
    PReLU,
    /// `f(s) = p(s) s + (1 - p(s)) a s`, `p` a sigmoid of the standardised `s`.
    Dice,
}

impl Activation {
    /// All activations, in the order the page lists them.
    pub const ALL: [Activation; 3] = [Activation::Sigmoid, Activation::PReLU, Activation::Dice];

    /// The name used in files, the JS API and URLs: `sigmoid`, `prelu` or `dice`.
    ///
    /// ```
    /// use din_core::unit::Activation;
    /// assert_eq!(Activation::PReLU.name(), "prelu");
    /// ```
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Activation::Sigmoid => "sigmoid",
            Activation::PReLU => "prelu",
            Activation::Dice => "dice",
        }
    }
}

impl FromStr for Activation {
    type Err = UnitError;

    /// Parses `sigmoid`, `prelu` or `dice`.
    ///
    /// ```
    /// use din_core::unit::Activation;
    /// assert_eq!("dice".parse::<Activation>().unwrap(), Activation::Dice);
    /// assert!("relu".parse::<Activation>().is_err());
    /// ```
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Activation::ALL
            .into_iter()
            .find(|a| a.name() == s)
            .ok_or_else(|| UnitError::UnknownActivation(s.to_owned()))
    }
}

impl fmt::Display for Activation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// How the unit's output `z_i` becomes the weight `alpha_i` when the
/// weights are not normalized across items (no softmax).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum WeightForm {
    /// `alpha_i = z_i`: the paper's Eq. (3), which uses the unit's output
    /// directly (DeepCTR's default, `weight_normalization=False`). A weight
    /// may be negative.
    #[default]
    Logit,
    /// `alpha_i = sigmoid(z_i)`: a variant of this project, so that each
    /// weight reads as a relevance in `(0, 1)`.
    Sigmoid,
}

impl WeightForm {
    /// Both forms, the paper's first.
    pub const ALL: [WeightForm; 2] = [WeightForm::Logit, WeightForm::Sigmoid];

    /// The name used in the JS API, the JSON state and URLs: `z` or `sigmoid`.
    ///
    /// ```
    /// use din_core::unit::WeightForm;
    /// assert_eq!(WeightForm::Logit.name(), "z");
    /// assert_eq!("sigmoid".parse::<WeightForm>().unwrap(), WeightForm::Sigmoid);
    /// assert!("relu".parse::<WeightForm>().is_err());
    /// ```
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            WeightForm::Logit => "z",
            WeightForm::Sigmoid => "sigmoid",
        }
    }

    /// The weight of logit `z`: `z` itself, or `sigmoid(z)`.
    ///
    /// ```
    /// use din_core::unit::WeightForm;
    /// assert_eq!(WeightForm::Logit.weight(-1.5), -1.5);
    /// assert_eq!(WeightForm::Sigmoid.weight(0.0), 0.5);
    /// ```
    #[must_use]
    pub fn weight(self, z: f64) -> f64 {
        match self {
            WeightForm::Logit => z,
            WeightForm::Sigmoid => sigmoid(z),
        }
    }

    /// `d alpha / d z` at `z` (for training): 1, or `sigmoid(z) (1 - sigmoid(z))`.
    #[must_use]
    pub fn slope(self, z: f64) -> f64 {
        match self {
            WeightForm::Logit => 1.0,
            WeightForm::Sigmoid => {
                let a = sigmoid(z);
                a * (1.0 - a)
            }
        }
    }
}

impl FromStr for WeightForm {
    type Err = UnitError;

    /// Parses `z` or `sigmoid`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        WeightForm::ALL
            .into_iter()
            .find(|w| w.name() == s)
            .ok_or_else(|| UnitError::UnknownWeightForm(s.to_owned()))
    }
}

impl fmt::Display for WeightForm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Why a unit could not be loaded or evaluated. `Display` says what is wrong
/// in plain English and names the field or input.
#[derive(Clone, Debug, PartialEq)]
pub enum UnitError {
    /// The text is not JSON at all.
    Json(String),
    /// A field is missing, of the wrong type, has a wrong value or is unknown.
    Field { field: String, problem: String },
    /// The `activation` name is not `sigmoid`, `prelu` or `dice`.
    UnknownActivation(String),
    /// The weight form is not `z` or `sigmoid`.
    UnknownWeightForm(String),
    /// A layer's shape does not fit its neighbours: `field` has `found`
    /// `what` (rows, columns, numbers, entries) where `expected` are needed.
    Shape { field: String, what: &'static str, expected: usize, found: usize },
    /// A weight is NaN or infinite (possible only through [`ActivationUnit::new`]).
    NonFiniteWeight { field: String, value: f64 },
    /// The scene's `d` is not the `d` the unit was trained for.
    WrongDim { trained: usize, found: usize },
    /// `keys.len()` is not a multiple of `d`.
    KeysNotMultiple { len: usize, d: usize },
    /// An input number is NaN or infinite.
    NonFiniteInput { what: &'static str, index: usize, value: f64 },
    /// The authors' variant needs `max_len >= n` slots.
    MaxLenTooSmall { max_len: usize, n: usize },
    /// The authors' variant was asked for more than [`MAX_LEN_LIMIT`] slots.
    MaxLenTooLarge { max_len: usize },
    /// The logit of LastN item `item` (0-based) is too large to represent.
    Overflow { item: usize },
    /// A result (pooled vector, a norm, the sum of alpha) is too large to represent.
    OutputOverflow(Quantity),
    /// [`ActivationUnit::activation_curve`] was asked for a unit that does not exist.
    NoSuchUnit { layer: usize, unit: usize },
    /// [`ActivationUnit::activation_curve`] was given an unusable range or sample count.
    BadCurve(String),
}

impl fmt::Display for UnitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            UnitError::Json(e) => write!(f, "the activation unit is not valid JSON: {e}"),
            UnitError::Field { field, problem } => write!(f, "activation unit field `{field}` {problem}"),
            UnitError::UnknownActivation(s) => write!(
                f,
                "unknown activation \"{s}\": use \"sigmoid\", \"prelu\" or \"dice\""
            ),
            UnitError::UnknownWeightForm(s) => write!(
                f,
                "unknown weight form \"{s}\": use \"z\" (the paper: α = z) or \"sigmoid\" (α = sigmoid(z))"
            ),
            UnitError::Shape { field, what, expected, found } => write!(
                f,
                "activation unit field `{field}` has {found} {what}; it needs {expected}"
            ),
            UnitError::NonFiniteWeight { field, value } => {
                write!(f, "activation unit field `{field}` is {value}, not a finite number")
            }
            UnitError::WrongDim { trained, found } => write!(
                f,
                "the activation unit was trained for d = {trained}; this scene has d = {found}"
            ),
            UnitError::KeysNotMultiple { len, d } => {
                write!(f, "keys has {len} numbers, not a multiple of d = {d}")
            }
            UnitError::NonFiniteInput { what, index, value } => {
                write!(f, "{what}[{index}] is {value}, not a finite number")
            }
            UnitError::MaxLenTooSmall { max_len, n } => write!(
                f,
                "max_len is {max_len} but there are {n} LastN items: the padded length must be at least n"
            ),
            UnitError::MaxLenTooLarge { max_len } => {
                write!(f, "max_len is {max_len}; at most {MAX_LEN_LIMIT} positions are allowed")
            }
            UnitError::Overflow { item } => write!(
                f,
                "the activation unit's score for LastN item {} is too large to represent (overflow); use smaller numbers",
                item + 1
            ),
            UnitError::OutputOverflow(what) => f.write_str(&what.overflow(Lang::En)),
            UnitError::NoSuchUnit { layer, unit } => write!(
                f,
                "the activation unit has no hidden unit {unit} in hidden layer {layer} (both count from 0)"
            ),
            UnitError::BadCurve(why) => write!(f, "cannot sample the activation curve: {why}"),
        }
    }
}

impl std::error::Error for UnitError {}

/// The activation parameters of one hidden layer, one number per unit.
#[derive(Clone, Debug, PartialEq)]
pub enum LayerParams {
    /// Sigmoid has no parameters.
    Sigmoid,
    /// PReLU slope `a_j` for `s <= 0`.
    PReLU { alpha: Vec<f64> },
    /// Dice's `a_j` and the running mean and variance of `s_j`.
    Dice { alpha: Vec<f64>, mean: Vec<f64>, var: Vec<f64> },
}

impl LayerParams {
    /// The activation these parameters belong to.
    ///
    /// ```
    /// use din_core::unit::{Activation, LayerParams};
    /// assert_eq!(LayerParams::Sigmoid.activation(), Activation::Sigmoid);
    /// ```
    #[must_use]
    pub fn activation(&self) -> Activation {
        match self {
            LayerParams::Sigmoid => Activation::Sigmoid,
            LayerParams::PReLU { .. } => Activation::PReLU,
            LayerParams::Dice { .. } => Activation::Dice,
        }
    }
}

/// One hidden layer: `h = f(W h_prev + b)`.
#[derive(Clone, Debug, PartialEq)]
pub struct HiddenLayer {
    /// `W`: one row per unit (output), one column per input.
    pub weight: Vec<Vec<f64>>,
    /// `b`: one per unit.
    pub bias: Vec<f64>,
    /// The activation's per-unit parameters.
    pub params: LayerParams,
}

impl HiddenLayer {
    /// Number of units (outputs) of the layer.
    ///
    /// ```
    /// use din_core::unit::{HiddenLayer, LayerParams};
    /// let l = HiddenLayer { weight: vec![vec![1.0], vec![2.0]], bias: vec![0.0, 0.0], params: LayerParams::Sigmoid };
    /// assert_eq!(l.width(), 2);
    /// ```
    #[must_use]
    pub fn width(&self) -> usize {
        self.weight.len()
    }

    /// `f_j(s)`, the activation of unit `j` at pre-activation `s`:
    /// sigmoid `1/(1+e^-s)`; PReLU `s` if `s > 0` else `a_j s`;
    /// Dice `p(s) s + (1 - p(s)) a_j s` with
    /// `p(s) = sigmoid((s - mean_j) / sqrt(var_j + 1e-8))`.
    /// A unit index out of range reads its parameters as 0 (mean 0, variance 1).
    ///
    /// ```
    /// use din_core::unit::{HiddenLayer, LayerParams};
    /// let l = HiddenLayer {
    ///     weight: vec![vec![1.0]], bias: vec![0.0],
    ///     params: LayerParams::PReLU { alpha: vec![0.25] },
    /// };
    /// assert_eq!(l.activate(0, 2.0), 2.0);
    /// assert_eq!(l.activate(0, -2.0), -0.5);
    /// ```
    #[must_use]
    pub fn activate(&self, j: usize, s: f64) -> f64 {
        match &self.params {
            LayerParams::Sigmoid => sigmoid(s),
            LayerParams::PReLU { alpha } => {
                if s > 0.0 {
                    s
                } else {
                    alpha.get(j).copied().unwrap_or(0.0) * s
                }
            }
            LayerParams::Dice { alpha, .. } => {
                let p = self.dice_p(j, s).unwrap_or(0.5);
                let a = alpha.get(j).copied().unwrap_or(0.0);
                p * s + (1.0 - p) * a * s
            }
        }
    }

    /// Dice's gate `p(s) = sigmoid((s - mean_j) / sqrt(var_j + 1e-8))` for
    /// unit `j`, or `None` when the layer is not Dice (or `j` is out of range).
    ///
    /// ```
    /// use din_core::unit::{HiddenLayer, LayerParams};
    /// let l = HiddenLayer {
    ///     weight: vec![vec![1.0]], bias: vec![0.0],
    ///     params: LayerParams::Dice { alpha: vec![0.1], mean: vec![1.0], var: vec![4.0] },
    /// };
    /// assert_eq!(l.dice_p(0, 1.0), Some(0.5)); // at the running mean
    /// assert!(l.dice_p(0, 100.0).unwrap() > 0.99);
    /// ```
    #[must_use]
    pub fn dice_p(&self, j: usize, s: f64) -> Option<f64> {
        match &self.params {
            LayerParams::Dice { mean, var, .. } => {
                let (m, v) = (*mean.get(j)?, *var.get(j)?);
                Some(sigmoid((s - m) / (v + DICE_EPS).sqrt()))
            }
            _ => None,
        }
    }
}

/// The linear output layer: `z = w . h + b`.
#[derive(Clone, Debug, PartialEq)]
pub struct OutputLayer {
    /// `w`, one number per unit of the last hidden layer (or per input if there is none).
    pub weight: Vec<f64>,
    /// `b`.
    pub bias: f64,
}

/// What the authors' code makes of the unit's logits (din/model.py):
/// padded positions get `-2^32 + 1`, every position is scaled by `1/sqrt(d)`,
/// and a softmax runs over all `max_len` positions.
#[derive(Clone, Debug, PartialEq)]
pub struct AuthorsAlpha {
    /// Softmax weights of the `n` real items (sum 1 with the padded weights).
    pub alpha: Vec<f64>,
    /// The unit's logits `z_i` of the real items.
    pub logits: Vec<f64>,
    /// The scaled scores of all `max_len` positions: `z_i / sqrt(d)` for the
    /// real items, then `(-2^32 + 1) / sqrt(d)` for each padded slot.
    pub scaled: Vec<f64>,
    /// Number of padded slots, `max_len - n`.
    pub padded: usize,
    /// Softmax weight of each padded slot: `0` (it underflows) unless there
    /// is no real item, when all `max_len` slots tie at `1 / max_len`.
    pub padded_alpha: Vec<f64>,
}

/// One hidden layer as seen by [`ActivationUnit::trace`].
#[derive(Clone, Debug, PartialEq)]
pub struct LayerTrace {
    /// Pre-activations `s = W h_prev + b`.
    pub pre: Vec<f64>,
    /// Activations `h = f(s)`.
    pub post: Vec<f64>,
    /// Dice only: the gate `p(s)` of each unit.
    pub dice_p: Option<Vec<f64>>,
}

/// Everything inside the unit for one (candidate, LastN item) pair.
#[derive(Clone, Debug, PartialEq)]
pub struct UnitTrace {
    /// The `4d` input `[q, x, q - x, q * x]`.
    pub input: Vec<f64>,
    /// Each hidden layer's pre-activations and activations.
    pub layers: Vec<LayerTrace>,
    /// The logit `z`.
    pub logit: f64,
    /// The weight `alpha = sigmoid(z)`.
    pub weight: f64,
}

/// Samples of one hidden unit's activation function.
#[derive(Clone, Debug, PartialEq)]
pub struct ActivationCurve {
    /// `(s, f(s))` pairs.
    pub f: Vec<(f64, f64)>,
    /// Dice only: `(s, p(s))` pairs.
    pub p: Option<Vec<(f64, f64)>>,
}

/// A trained activation unit (see the module documentation for the formulas
/// and the file format). A value of this type is always valid: consistent
/// shapes, finite numbers, non-negative Dice variances.
#[derive(Clone, Debug, PartialEq)]
pub struct ActivationUnit {
    activation: Activation,
    d: usize,
    layers: Vec<HiddenLayer>,
    output: OutputLayer,
    training: Value,
}

fn field_err(field: impl Into<String>, problem: impl Into<String>) -> UnitError {
    UnitError::Field { field: field.into(), problem: problem.into() }
}

fn check_finite_weights(field: &str, xs: &[f64]) -> Result<(), UnitError> {
    match xs.iter().position(|v| !v.is_finite()) {
        Some(i) => Err(UnitError::NonFiniteWeight { field: format!("{field}[{i}]"), value: xs[i] }),
        None => Ok(()),
    }
}

fn check_len(field: String, what: &'static str, expected: usize, found: usize) -> Result<(), UnitError> {
    if expected == found {
        Ok(())
    } else {
        Err(UnitError::Shape { field, what, expected, found })
    }
}

fn check_finite_input(what: &'static str, xs: &[f64]) -> Result<(), UnitError> {
    match xs.iter().position(|v| !v.is_finite()) {
        Some(index) => Err(UnitError::NonFiniteInput { what, index, value: xs[index] }),
        None => Ok(()),
    }
}

/// `[q, x, q - x, q * x]`.
fn unit_input(q: &[f64], x: &[f64]) -> Vec<f64> {
    let mut h = Vec::with_capacity(4 * q.len());
    h.extend_from_slice(q);
    h.extend_from_slice(x);
    h.extend(q.iter().zip(x).map(|(a, b)| a - b));
    h.extend(q.iter().zip(x).map(|(a, b)| a * b));
    h
}

fn dot(w: &[f64], h: &[f64]) -> f64 {
    w.iter().zip(h).map(|(a, b)| a * b).sum()
}

impl ActivationUnit {
    /// Builds a unit from its parts and checks it: `d >= 1`; the first
    /// layer has `4d` columns and each later layer as many columns as the
    /// layer before has rows; one bias and one set of activation parameters
    /// per unit, all of the kind `activation`; the output has one weight per
    /// last hidden unit; every number finite; Dice variances `>= 0`.
    /// `training` is free-form metadata (`Value::Null` for none, otherwise an object).
    ///
    /// # Errors
    /// [`UnitError::Field`], [`UnitError::Shape`], [`UnitError::NonFiniteWeight`];
    /// field names follow the file format (`layers[0].weight[2]`).
    ///
    /// ```
    /// use din_core::unit::{Activation, ActivationUnit, HiddenLayer, LayerParams, OutputLayer};
    /// use serde_json::Value;
    /// let layer = HiddenLayer { weight: vec![vec![0.0; 4]], bias: vec![0.0], params: LayerParams::Sigmoid };
    /// let out = OutputLayer { weight: vec![2.0], bias: -1.0 };
    /// let u = ActivationUnit::new(Activation::Sigmoid, 1, vec![layer], out, Value::Null).unwrap();
    /// // h = sigmoid(0) = 0.5, z = 2 * 0.5 - 1 = 0
    /// assert_eq!(u.scores(&[3.0], &[4.0]).unwrap(), vec![0.0]);
    /// ```
    pub fn new(
        activation: Activation,
        d: usize,
        layers: Vec<HiddenLayer>,
        output: OutputLayer,
        training: Value,
    ) -> Result<Self, UnitError> {
        if d == 0 || d > MAX_UNIT_D {
            return Err(field_err("d", format!("is {d}; it must be a whole number from 1 to {MAX_UNIT_D}")));
        }
        if !(training.is_null() || training.is_object()) {
            return Err(field_err("training", "must be a JSON object"));
        }
        let mut inputs = 4 * d;
        for (l, layer) in layers.iter().enumerate() {
            let width = layer.width();
            if width == 0 || width > MAX_UNIT_WIDTH {
                return Err(field_err(
                    format!("layers[{l}].weight"),
                    format!("has {width} rows; a hidden layer needs 1 to {MAX_UNIT_WIDTH} units"),
                ));
            }
            for (j, row) in layer.weight.iter().enumerate() {
                let field = format!("layers[{l}].weight[{j}]");
                check_len(field.clone(), "columns", inputs, row.len())?;
                check_finite_weights(&field, row)?;
            }
            let bias_field = format!("layers[{l}].bias");
            check_len(bias_field.clone(), "numbers", width, layer.bias.len())?;
            check_finite_weights(&bias_field, &layer.bias)?;
            if layer.params.activation() != activation {
                return Err(field_err(
                    format!("layers[{l}]"),
                    format!(
                        "has {} parameters but the unit's activation is \"{}\"",
                        layer.params.activation(),
                        activation
                    ),
                ));
            }
            let named: Vec<(&str, &Vec<f64>)> = match &layer.params {
                LayerParams::Sigmoid => vec![],
                LayerParams::PReLU { alpha } => vec![("prelu_alpha", alpha)],
                LayerParams::Dice { alpha, mean, var } => {
                    vec![("dice_alpha", alpha), ("dice_mean", mean), ("dice_var", var)]
                }
            };
            for (name, xs) in named {
                let field = format!("layers[{l}].{name}");
                check_len(field.clone(), "numbers", width, xs.len())?;
                check_finite_weights(&field, xs)?;
                if name == "dice_var" {
                    if let Some(j) = xs.iter().position(|v| *v < 0.0) {
                        return Err(field_err(
                            format!("{field}[{j}]"),
                            format!("is {}; a variance cannot be negative", xs[j]),
                        ));
                    }
                }
            }
            inputs = width;
        }
        let out_field = format!("layers[{}].weight[0]", layers.len());
        check_len(out_field.clone(), "columns", inputs, output.weight.len())?;
        check_finite_weights(&out_field, &output.weight)?;
        check_finite_weights(&format!("layers[{}].bias", layers.len()), &[output.bias])?;
        Ok(ActivationUnit { activation, d, layers, output, training })
    }

    /// Loads a unit from the JSON text of the file format in the module
    /// documentation (the `weights/*.json` files).
    ///
    /// # Errors
    /// [`UnitError::Json`] for text that is not JSON; otherwise the errors of
    /// [`ActivationUnit::new`], [`UnitError::Field`] for a missing, mistyped
    /// or unknown field, and [`UnitError::UnknownActivation`].
    ///
    /// ```
    /// use din_core::unit::ActivationUnit;
    /// let text = r#"{"format": "din-viz activation unit v1", "activation": "prelu", "d": 1,
    ///   "hidden": [1],
    ///   "layers": [{"weight": [[1, 0, 0, 0]], "bias": [0], "prelu_alpha": [0.5]},
    ///              {"weight": [[1]], "bias": [0]}]}"#;
    /// let u = ActivationUnit::from_json(text).unwrap();
    /// // input [q, x, q-x, qx] = [-2, 1, -3, -2]; s = -2; PReLU gives -1; z = -1
    /// assert_eq!(u.scores(&[-2.0], &[1.0]).unwrap(), vec![-1.0]);
    /// let e = ActivationUnit::from_json(&text.replace("[0.5]", "[0.5, 1]")).unwrap_err();
    /// assert_eq!(e.to_string(), "activation unit field `layers[0].prelu_alpha` has 2 numbers; it needs 1");
    /// ```
    pub fn from_json(text: &str) -> Result<Self, UnitError> {
        let v: Value = serde_json::from_str(text).map_err(|e| UnitError::Json(e.to_string()))?;
        let Value::Object(top) = v else {
            return Err(field_err("(top level)", "must be a JSON object"));
        };
        for key in top.keys() {
            if !["format", "activation", "d", "hidden", "layers", "training"].contains(&key.as_str()) {
                return Err(field_err(key.clone(), "is not a field of this format"));
            }
        }
        let format = get_str(&top, "format", "format")?;
        if format != FORMAT {
            return Err(field_err("format", format!("must be \"{FORMAT}\", not \"{format}\"")));
        }
        let activation: Activation = get_str(&top, "activation", "activation")?.parse()?;
        let d = as_usize(get(&top, "d", "d")?, "d")?;
        if d == 0 || d > MAX_UNIT_D {
            return Err(field_err("d", format!("is {d}; it must be a whole number from 1 to {MAX_UNIT_D}")));
        }
        let hidden_v = get(&top, "hidden", "hidden")?;
        let Value::Array(hidden_items) = hidden_v else {
            return Err(field_err("hidden", "must be an array of whole numbers"));
        };
        let mut hidden = Vec::with_capacity(hidden_items.len());
        for (i, h) in hidden_items.iter().enumerate() {
            let w = as_usize(h, &format!("hidden[{i}]"))?;
            if w == 0 || w > MAX_UNIT_WIDTH {
                return Err(field_err(format!("hidden[{i}]"), format!("is {w}; a layer needs 1 to {MAX_UNIT_WIDTH} units")));
            }
            hidden.push(w);
        }
        let Value::Array(layer_values) = get(&top, "layers", "layers")? else {
            return Err(field_err("layers", "must be an array of layer objects"));
        };
        check_len("layers".to_owned(), "entries", hidden.len() + 1, layer_values.len())?;
        let mut layers = Vec::with_capacity(hidden.len());
        let mut inputs = 4 * d;
        for (l, &width) in hidden.iter().enumerate() {
            let path = format!("layers[{l}]");
            let Value::Object(obj) = &layer_values[l] else {
                return Err(field_err(path, "must be a JSON object"));
            };
            let allowed: &[&str] = match activation {
                Activation::Sigmoid => &["weight", "bias"],
                Activation::PReLU => &["weight", "bias", "prelu_alpha"],
                Activation::Dice => &["weight", "bias", "dice_alpha", "dice_mean", "dice_var"],
            };
            reject_unknown(obj, &path, allowed, activation)?;
            let weight = get_matrix(obj, &path, width, inputs)?;
            let bias = get_vec(obj, &path, "bias", width)?;
            let params = match activation {
                Activation::Sigmoid => LayerParams::Sigmoid,
                Activation::PReLU => LayerParams::PReLU { alpha: get_vec(obj, &path, "prelu_alpha", width)? },
                Activation::Dice => LayerParams::Dice {
                    alpha: get_vec(obj, &path, "dice_alpha", width)?,
                    mean: get_vec(obj, &path, "dice_mean", width)?,
                    var: get_vec(obj, &path, "dice_var", width)?,
                },
            };
            layers.push(HiddenLayer { weight, bias, params });
            inputs = width;
        }
        let path = format!("layers[{}]", hidden.len());
        let Value::Object(obj) = &layer_values[hidden.len()] else {
            return Err(field_err(path, "must be a JSON object"));
        };
        for key in obj.keys() {
            if key != "weight" && key != "bias" {
                return Err(field_err(
                    format!("{path}.{key}"),
                    "is not a field of the output layer (it has only \"weight\" and \"bias\")",
                ));
            }
        }
        let mut w = get_matrix(obj, &path, 1, inputs)?;
        let b = get_vec(obj, &path, "bias", 1)?;
        let output = OutputLayer { weight: w.pop().unwrap_or_default(), bias: b.first().copied().unwrap_or(0.0) };
        let training = match top.get("training") {
            None => Value::Null,
            Some(t @ Value::Object(_)) => t.clone(),
            Some(_) => return Err(field_err("training", "must be a JSON object")),
        };
        ActivationUnit::new(activation, d, layers, output, training)
    }

    /// The unit in the file format, laid out one matrix row per line, with
    /// numbers in serde_json's shortest round-trip form: the same unit
    /// always gives the same bytes, and [`ActivationUnit::from_json`] reads
    /// back exactly the same numbers. `training` keys come out sorted.
    ///
    /// ```
    /// use din_core::unit::{Activation, ActivationUnit, HiddenLayer, LayerParams, OutputLayer};
    /// use serde_json::Value;
    /// let layer = HiddenLayer { weight: vec![vec![0.1, 0.2, 0.3, 0.4]], bias: vec![0.5], params: LayerParams::Sigmoid };
    /// let u = ActivationUnit::new(Activation::Sigmoid, 1, vec![layer], OutputLayer { weight: vec![1.5], bias: -0.25 }, Value::Null).unwrap();
    /// let text = u.to_json();
    /// assert_eq!(ActivationUnit::from_json(&text).unwrap(), u);
    /// assert!(text.contains("\"hidden\": [1]"));
    /// ```
    #[must_use]
    pub fn to_json(&self) -> String {
        fn num(x: f64) -> String {
            // Finite by the type's invariant; serde_json writes finite f64 with ryu.
            serde_json::to_string(&x).unwrap_or_else(|_| "0".to_owned())
        }
        fn list(xs: &[f64]) -> String {
            let parts: Vec<String> = xs.iter().map(|x| num(*x)).collect();
            format!("[{}]", parts.join(", "))
        }
        fn matrix(rows: &[Vec<f64>], indent: &str) -> String {
            let parts: Vec<String> = rows.iter().map(|r| format!("{indent}  {}", list(r))).collect();
            format!("[\n{}\n{indent}]", parts.join(",\n"))
        }
        let mut s = String::new();
        s.push_str("{\n");
        s.push_str(&format!("  \"format\": \"{FORMAT}\",\n"));
        s.push_str(&format!("  \"activation\": \"{}\",\n", self.activation.name()));
        s.push_str(&format!("  \"d\": {},\n", self.d));
        let hidden: Vec<String> = self.hidden().iter().map(usize::to_string).collect();
        s.push_str(&format!("  \"hidden\": [{}],\n", hidden.join(", ")));
        s.push_str("  \"layers\": [\n");
        let ind = "      ";
        for layer in &self.layers {
            s.push_str("    {\n");
            s.push_str(&format!("{ind}\"weight\": {},\n", matrix(&layer.weight, ind)));
            s.push_str(&format!("{ind}\"bias\": {}", list(&layer.bias)));
            match &layer.params {
                LayerParams::Sigmoid => {}
                LayerParams::PReLU { alpha } => s.push_str(&format!(",\n{ind}\"prelu_alpha\": {}", list(alpha))),
                LayerParams::Dice { alpha, mean, var } => {
                    s.push_str(&format!(",\n{ind}\"dice_alpha\": {}", list(alpha)));
                    s.push_str(&format!(",\n{ind}\"dice_mean\": {}", list(mean)));
                    s.push_str(&format!(",\n{ind}\"dice_var\": {}", list(var)));
                }
            }
            s.push_str("\n    },\n");
        }
        s.push_str("    {\n");
        s.push_str(&format!("{ind}\"weight\": {},\n", matrix(std::slice::from_ref(&self.output.weight), ind)));
        s.push_str(&format!("{ind}\"bias\": {}\n", list(&[self.output.bias])));
        s.push_str("    }\n  ]");
        if let Value::Object(t) = &self.training {
            s.push_str(",\n  \"training\": {");
            let parts: Vec<String> = t
                .iter()
                .map(|(k, v)| {
                    let key = serde_json::to_string(k).unwrap_or_else(|_| "\"?\"".to_owned());
                    let val = serde_json::to_string(v).unwrap_or_else(|_| "null".to_owned());
                    format!("\n    {key}: {val}")
                })
                .collect();
            s.push_str(&parts.join(","));
            s.push_str("\n  }");
        }
        s.push_str("\n}\n");
        s
    }

    /// The hidden activation.
    ///
    /// ```
    /// let u = din_core::unit::ActivationUnit::from_json(
    ///     r#"{"format": "din-viz activation unit v1", "activation": "sigmoid", "d": 1, "hidden": [],
    ///         "layers": [{"weight": [[0, 0, 0, 0]], "bias": [0]}]}"#).unwrap();
    /// assert_eq!(u.activation().name(), "sigmoid");
    /// assert_eq!(u.d(), 1);
    /// assert!(u.hidden().is_empty());
    /// ```
    #[must_use]
    pub fn activation(&self) -> Activation {
        self.activation
    }

    /// Length of `q` and of each `x_i` the unit was trained for.
    #[must_use]
    pub fn d(&self) -> usize {
        self.d
    }

    /// Units per hidden layer, e.g. `[16, 8]`.
    #[must_use]
    pub fn hidden(&self) -> Vec<usize> {
        self.layers.iter().map(HiddenLayer::width).collect()
    }

    /// The hidden layers.
    #[must_use]
    pub fn layers(&self) -> &[HiddenLayer] {
        &self.layers
    }

    /// The linear output layer.
    #[must_use]
    pub fn output(&self) -> &OutputLayer {
        &self.output
    }

    /// The `training` metadata object (`Value::Null` if the file had none).
    #[must_use]
    pub fn training(&self) -> &Value {
        &self.training
    }

    /// A number from the `training` metadata, e.g. `"auc_din"` or `"auc_mean"`.
    ///
    /// ```
    /// use din_core::unit::ActivationUnit;
    /// let u = ActivationUnit::from_json(
    ///     r#"{"format": "din-viz activation unit v1", "activation": "sigmoid", "d": 1, "hidden": [],
    ///         "layers": [{"weight": [[0, 0, 0, 0]], "bias": [0]}], "training": {"auc_din": 0.75}}"#).unwrap();
    /// assert_eq!(u.training_number("auc_din"), Some(0.75));
    /// assert_eq!(u.training_number("auc_mean"), None);
    /// ```
    #[must_use]
    pub fn training_number(&self, key: &str) -> Option<f64> {
        self.training.get(key).and_then(Value::as_f64)
    }

    /// The weight form the unit was trained for, from `training.weight`
    /// (`"z"` or `"sigmoid"`); a file without that key was trained with
    /// `alpha = sigmoid(z)`, as `weights/{sigmoid,prelu,dice}.json` were
    /// (they predate the key and keep their bytes).
    ///
    /// ```
    /// use din_core::unit::{ActivationUnit, WeightForm};
    /// let text = |t: &str| format!(r#"{{"format": "din-viz activation unit v1", "activation": "sigmoid", "d": 1,
    ///     "hidden": [], "layers": [{{"weight": [[0, 0, 0, 0]], "bias": [0]}}]{t}}}"#);
    /// assert_eq!(ActivationUnit::from_json(&text("")).unwrap().trained_weight(), WeightForm::Sigmoid);
    /// let z = ActivationUnit::from_json(&text(r#", "training": {"weight": "z"}"#)).unwrap();
    /// assert_eq!(z.trained_weight(), WeightForm::Logit);
    /// ```
    #[must_use]
    pub fn trained_weight(&self) -> WeightForm {
        self.training.get("weight").and_then(Value::as_str).and_then(|w| w.parse().ok()).unwrap_or(WeightForm::Sigmoid)
    }

    /// Checks `q` and `keys` and returns `n`.
    fn check_inputs(&self, q: &[f64], keys: &[f64]) -> Result<usize, UnitError> {
        if q.len() != self.d {
            return Err(UnitError::WrongDim { trained: self.d, found: q.len() });
        }
        if keys.len() % self.d != 0 {
            return Err(UnitError::KeysNotMultiple { len: keys.len(), d: self.d });
        }
        check_finite_input("query", q)?;
        check_finite_input("keys", keys)?;
        Ok(keys.len() / self.d)
    }

    /// The logit for one pair, optionally recording every layer.
    fn forward(&self, q: &[f64], x: &[f64], mut record: Option<&mut Vec<LayerTrace>>) -> (Vec<f64>, f64) {
        let input = unit_input(q, x);
        let mut h = input.clone();
        for layer in &self.layers {
            let pre: Vec<f64> = layer.weight.iter().zip(&layer.bias).map(|(w, b)| dot(w, &h) + b).collect();
            let post: Vec<f64> = pre.iter().enumerate().map(|(j, s)| layer.activate(j, *s)).collect();
            if let Some(rec) = record.as_deref_mut() {
                let dice_p = match layer.params {
                    LayerParams::Dice { .. } => {
                        Some(pre.iter().enumerate().map(|(j, s)| layer.dice_p(j, *s).unwrap_or(0.5)).collect())
                    }
                    _ => None,
                };
                rec.push(LayerTrace { pre: pre.clone(), post: post.clone(), dice_p });
            }
            h = post;
        }
        let z = dot(&self.output.weight, &h) + self.output.bias;
        (input, z)
    }

    /// The logit of one pair with the input already checked (`q` and `x`
    /// of the unit's `d`): the trainer's inner loop (din-train), which
    /// builds its inputs itself. Untrusted input goes through
    /// [`ActivationUnit::logits`].
    pub fn logit_unchecked(&self, q: &[f64], x: &[f64]) -> f64 {
        self.forward(q, x, None).1
    }

    /// The unit's logits `z_i` for candidate `q` and each LastN item `x_i`
    /// (`keys` holds `n * d` numbers, row `i` is `x_{i+1}`).
    ///
    /// # Errors
    /// [`UnitError::WrongDim`] when `q.len()` is not the unit's `d`;
    /// [`UnitError::KeysNotMultiple`]; [`UnitError::NonFiniteInput`];
    /// [`UnitError::Overflow`] when a logit is not finite (huge inputs).
    ///
    /// ```
    /// use din_core::unit::ActivationUnit;
    /// let u = ActivationUnit::from_json(
    ///     r#"{"format": "din-viz activation unit v1", "activation": "sigmoid", "d": 1, "hidden": [],
    ///         "layers": [{"weight": [[0, 0, 0, 1]], "bias": [0]}]}"#).unwrap();
    /// // no hidden layer: z = q * x
    /// assert_eq!(u.scores(&[2.0], &[3.0, -1.0]).unwrap(), vec![6.0, -2.0]);
    /// let e = u.scores(&[1.0, 2.0], &[]).unwrap_err();
    /// assert_eq!(e.to_string(), "the activation unit was trained for d = 1; this scene has d = 2");
    /// ```
    pub fn scores(&self, q: &[f64], keys: &[f64]) -> Result<Vec<f64>, UnitError> {
        self.check_inputs(q, keys)?;
        keys.chunks_exact(self.d)
            .enumerate()
            .map(|(i, x)| {
                let z = self.logit_unchecked(q, x);
                if z.is_finite() {
                    Ok(z)
                } else {
                    Err(UnitError::Overflow { item: i })
                }
            })
            .collect()
    }

    /// The paper's weights without softmax: `alpha_i = sigmoid(z_i)`, each in
    /// `[0, 1]` (see the module documentation for why sigmoid).
    ///
    /// # Errors
    /// As [`ActivationUnit::scores`].
    ///
    /// ```
    /// use din_core::unit::ActivationUnit;
    /// let u = ActivationUnit::from_json(
    ///     r#"{"format": "din-viz activation unit v1", "activation": "sigmoid", "d": 1, "hidden": [],
    ///         "layers": [{"weight": [[0, 0, 0, 1]], "bias": [0]}]}"#).unwrap();
    /// let a = u.weights(&[1.0], &[0.0, 2.0]).unwrap();
    /// assert_eq!(a[0], 0.5);
    /// assert!((a[1] - 0.8807970779778823).abs() < 1e-15);
    /// ```
    pub fn weights(&self, q: &[f64], keys: &[f64]) -> Result<Vec<f64>, UnitError> {
        Ok(self.scores(q, keys)?.into_iter().map(sigmoid).collect())
    }

    /// DIN attention with this unit, as [`crate::attention::attend`] gives it
    /// for a similarity: `scores` are the logits `z_i`, `alpha_i = sigmoid(z_i)`
    /// (no softmax), `pooled = sum_i alpha_i x_i`, `mean = (1/n) sum_i x_i`,
    /// `alpha_sum = sum_i alpha_i`, and the norms.
    ///
    /// # Errors
    /// As [`ActivationUnit::scores`], and [`UnitError::OutputOverflow`].
    ///
    /// ```
    /// use din_core::unit::ActivationUnit;
    /// let u = ActivationUnit::from_json(
    ///     r#"{"format": "din-viz activation unit v1", "activation": "sigmoid", "d": 1, "hidden": [],
    ///         "layers": [{"weight": [[0, 0, 0, 0]], "bias": [0]}]}"#).unwrap();
    /// let a = u.attend(&[1.0], &[2.0, 4.0]).unwrap(); // z = 0, alpha = 0.5 each
    /// assert_eq!(a.alpha, vec![0.5, 0.5]);
    /// assert_eq!(a.pooled, vec![3.0]);
    /// assert_eq!(a.alpha_sum, 1.0);
    /// ```
    pub fn attend(&self, q: &[f64], keys: &[f64]) -> Result<Attention, UnitError> {
        let scores = self.scores(q, keys)?;
        let alpha: Vec<f64> = scores.iter().copied().map(sigmoid).collect();
        // Σα of sigmoids is at most n: pool's check of it never fires here.
        crate::attention::pool(scores, alpha, keys, self.d).map_err(UnitError::OutputOverflow)
    }

    /// The authors' code variant (DeepInterestNetwork, din/model.py): the
    /// `n` real logits `z_i` followed by `max_len - n` padded slots scored
    /// `-2^32 + 1`; every score divided by `sqrt(d)`; then
    /// `alpha_k = exp(t_k - m) / sum_j exp(t_j - m)` over all `max_len`
    /// positions (`m` the largest `t`). Padded slots get weight `0`, except
    /// in the quirk of the original code where `n = 0`: then every slot ties
    /// and gets `1 / max_len`.
    ///
    /// # Errors
    /// As [`ActivationUnit::scores`]; [`UnitError::MaxLenTooSmall`] when
    /// `max_len < n`; [`UnitError::MaxLenTooLarge`] above [`MAX_LEN_LIMIT`].
    ///
    /// ```
    /// use din_core::unit::ActivationUnit;
    /// let u = ActivationUnit::from_json(
    ///     r#"{"format": "din-viz activation unit v1", "activation": "sigmoid", "d": 4, "hidden": [],
    ///         "layers": [{"weight": [[0,0,0,0, 0,0,0,0, 0,0,0,0, 1,1,1,1]], "bias": [0]}]}"#).unwrap();
    /// // z = q . x = 2 and 0; scaled by 1/sqrt(4): 1 and 0; softmax over 3 slots
    /// let a = u.authors_alpha(&[1.0; 4], &[0.5, 0.5, 0.5, 0.5, 0.0, 0.0, 0.0, 0.0], 3).unwrap();
    /// let e = 1f64.exp();
    /// assert!((a.alpha[0] - e / (e + 1.0)).abs() < 1e-15);
    /// assert_eq!(a.padded, 1);
    /// assert_eq!(a.padded_alpha, vec![0.0]);
    /// assert!(u.authors_alpha(&[1.0; 4], &[0.0; 8], 1).is_err()); // max_len < n
    /// ```
    pub fn authors_alpha(&self, q: &[f64], keys: &[f64], max_len: usize) -> Result<AuthorsAlpha, UnitError> {
        let logits = self.scores(q, keys)?;
        let n = logits.len();
        if max_len < n {
            return Err(UnitError::MaxLenTooSmall { max_len, n });
        }
        if max_len > MAX_LEN_LIMIT {
            return Err(UnitError::MaxLenTooLarge { max_len });
        }
        let scale = 1.0 / (self.d as f64).sqrt();
        let mut scaled: Vec<f64> = logits.iter().map(|z| z * scale).collect();
        scaled.resize(max_len, AUTHORS_PAD_SCORE * scale);
        let m = scaled.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let e: Vec<f64> = scaled.iter().map(|t| (t - m).exp()).collect();
        let total: f64 = e.iter().sum(); // >= 1 when max_len >= 1
        let weights: Vec<f64> = e.iter().map(|v| v / total).collect();
        let alpha = weights[..n].to_vec();
        let padded_alpha = weights[n..].to_vec();
        Ok(AuthorsAlpha { alpha, logits, scaled, padded: max_len - n, padded_alpha })
    }

    /// Everything inside the unit for candidate `q` and one LastN item `x`:
    /// the input `[q, x, q - x, q * x]`, each hidden layer's pre-activations
    /// and activations (and Dice's gates), the logit `z` and `alpha = sigmoid(z)`.
    /// The logit is exactly the one [`ActivationUnit::scores`] gives.
    ///
    /// # Errors
    /// [`UnitError::WrongDim`] when `q` or `x` does not have length `d`;
    /// [`UnitError::NonFiniteInput`]; [`UnitError::Overflow`].
    ///
    /// ```
    /// use din_core::unit::ActivationUnit;
    /// let u = ActivationUnit::from_json(
    ///     r#"{"format": "din-viz activation unit v1", "activation": "prelu", "d": 1, "hidden": [1],
    ///         "layers": [{"weight": [[1, 1, 0, 0]], "bias": [0], "prelu_alpha": [0.5]},
    ///                    {"weight": [[2]], "bias": [1]}]}"#).unwrap();
    /// let t = u.trace(&[1.0], &[-3.0]).unwrap();
    /// assert_eq!(t.input, vec![1.0, -3.0, 4.0, -3.0]);
    /// assert_eq!(t.layers[0].pre, vec![-2.0]);
    /// assert_eq!(t.layers[0].post, vec![-1.0]);
    /// assert_eq!(t.logit, -1.0); // 2 * (-1) + 1
    /// assert_eq!(t.logit, u.scores(&[1.0], &[-3.0]).unwrap()[0]);
    /// ```
    pub fn trace(&self, q: &[f64], x: &[f64]) -> Result<UnitTrace, UnitError> {
        if x.len() != self.d {
            return Err(UnitError::WrongDim { trained: self.d, found: x.len() });
        }
        self.check_inputs(q, x)?;
        let mut layers = Vec::with_capacity(self.layers.len());
        let (input, logit) = self.forward(q, x, Some(&mut layers));
        if !logit.is_finite() {
            return Err(UnitError::Overflow { item: 0 });
        }
        Ok(UnitTrace { input, layers, logit, weight: sigmoid(logit) })
    }

    /// `samples` evenly spaced points `s` from `lo` to `hi` (both included)
    /// of hidden unit `unit` of hidden layer `layer` (both from 0):
    /// `(s, f(s))`, and for Dice also `(s, p(s))`.
    ///
    /// # Errors
    /// [`UnitError::NoSuchUnit`]; [`UnitError::BadCurve`] unless `lo < hi`
    /// are finite and `2 <= samples <=` [`MAX_CURVE_SAMPLES`].
    ///
    /// ```
    /// use din_core::unit::ActivationUnit;
    /// let u = ActivationUnit::from_json(
    ///     r#"{"format": "din-viz activation unit v1", "activation": "prelu", "d": 1, "hidden": [1],
    ///         "layers": [{"weight": [[1, 0, 0, 0]], "bias": [0], "prelu_alpha": [0.5]},
    ///                    {"weight": [[1]], "bias": [0]}]}"#).unwrap();
    /// let c = u.activation_curve(0, 0, (-2.0, 2.0), 3).unwrap();
    /// assert_eq!(c.f, vec![(-2.0, -1.0), (0.0, 0.0), (2.0, 2.0)]);
    /// assert!(c.p.is_none());
    /// assert!(u.activation_curve(0, 1, (-2.0, 2.0), 3).is_err());
    /// ```
    pub fn activation_curve(
        &self,
        layer: usize,
        unit: usize,
        s_range: (f64, f64),
        samples: usize,
    ) -> Result<ActivationCurve, UnitError> {
        let l = self.layers.get(layer).ok_or(UnitError::NoSuchUnit { layer, unit })?;
        if unit >= l.width() {
            return Err(UnitError::NoSuchUnit { layer, unit });
        }
        let (lo, hi) = s_range;
        if !(lo.is_finite() && hi.is_finite() && lo < hi && (hi - lo).is_finite()) {
            return Err(UnitError::BadCurve(format!("the range must be finite with lo < hi, not {lo} .. {hi}")));
        }
        if !(2..=MAX_CURVE_SAMPLES).contains(&samples) {
            return Err(UnitError::BadCurve(format!(
                "samples is {samples}; use 2 to {MAX_CURVE_SAMPLES}"
            )));
        }
        let step = (hi - lo) / (samples - 1) as f64;
        let ss: Vec<f64> =
            (0..samples).map(|k| if k == samples - 1 { hi } else { lo + step * k as f64 }).collect();
        let f = ss.iter().map(|&s| (s, l.activate(unit, s))).collect();
        let p = match l.params {
            LayerParams::Dice { .. } => {
                Some(ss.iter().map(|&s| (s, l.dice_p(unit, s).unwrap_or(0.5))).collect())
            }
            _ => None,
        };
        Ok(ActivationCurve { f, p })
    }
}

fn get<'a>(obj: &'a Map<String, Value>, key: &str, field: &str) -> Result<&'a Value, UnitError> {
    obj.get(key).ok_or_else(|| field_err(field, "is missing"))
}

fn get_str<'a>(obj: &'a Map<String, Value>, key: &str, field: &str) -> Result<&'a str, UnitError> {
    get(obj, key, field)?.as_str().ok_or_else(|| field_err(field, "must be a string"))
}

fn as_usize(v: &Value, field: &str) -> Result<usize, UnitError> {
    v.as_u64()
        .and_then(|x| usize::try_from(x).ok())
        .ok_or_else(|| field_err(field, format!("must be a whole number >= 0, not {v}")))
}

fn as_numbers(v: &Value, field: &str) -> Result<Vec<f64>, UnitError> {
    let Value::Array(items) = v else {
        return Err(field_err(field, "must be an array of numbers"));
    };
    items
        .iter()
        .enumerate()
        .map(|(i, x)| x.as_f64().ok_or_else(|| field_err(format!("{field}[{i}]"), format!("must be a number, not {x}"))))
        .collect()
}

fn get_vec(obj: &Map<String, Value>, path: &str, key: &str, len: usize) -> Result<Vec<f64>, UnitError> {
    let field = format!("{path}.{key}");
    let xs = as_numbers(get(obj, key, &field)?, &field)?;
    check_len(field, "numbers", len, xs.len())?;
    Ok(xs)
}

fn get_matrix(obj: &Map<String, Value>, path: &str, rows: usize, cols: usize) -> Result<Vec<Vec<f64>>, UnitError> {
    let field = format!("{path}.weight");
    let Value::Array(items) = get(obj, "weight", &field)? else {
        return Err(field_err(field, "must be an array of rows (arrays of numbers)"));
    };
    check_len(field.clone(), "rows", rows, items.len())?;
    items
        .iter()
        .enumerate()
        .map(|(j, row)| {
            let f = format!("{field}[{j}]");
            let xs = as_numbers(row, &f)?;
            check_len(f, "columns", cols, xs.len())?;
            Ok(xs)
        })
        .collect()
}

fn reject_unknown(obj: &Map<String, Value>, path: &str, allowed: &[&str], activation: Activation) -> Result<(), UnitError> {
    for key in obj.keys() {
        if !allowed.contains(&key.as_str()) {
            return Err(field_err(
                format!("{path}.{key}"),
                format!("is not a field of a hidden layer of a \"{activation}\" unit"),
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tiny(activation: &str, extra: &str) -> String {
        format!(
            r#"{{"format": "din-viz activation unit v1", "activation": "{activation}", "d": 1, "hidden": [1],
               "layers": [{{"weight": [[1, 0, 0, 0]], "bias": [0]{extra}}}, {{"weight": [[1]], "bias": [0]}}]}}"#
        )
    }

    #[test]
    fn errors_name_fields() {
        let e = ActivationUnit::from_json(&tiny("sigmoid", ", \"prelu_alpha\": [1]")).unwrap_err();
        assert_eq!(e, field_err("layers[0].prelu_alpha", "is not a field of a hidden layer of a \"sigmoid\" unit"));
        let e = ActivationUnit::from_json(&tiny("dice", ", \"dice_alpha\": [0], \"dice_mean\": [0]")).unwrap_err();
        assert_eq!(e, field_err("layers[0].dice_var", "is missing"));
        let e = ActivationUnit::from_json(&tiny("dice", ", \"dice_alpha\": [0], \"dice_mean\": [0], \"dice_var\": [-1]"))
            .unwrap_err();
        assert!(e.to_string().contains("layers[0].dice_var[0]"), "{e}");
        let e = ActivationUnit::from_json(&tiny("relu", "")).unwrap_err();
        assert_eq!(e, UnitError::UnknownActivation("relu".into()));
        let e = ActivationUnit::from_json("[1, 2").unwrap_err();
        assert!(matches!(e, UnitError::Json(_)));
    }

    #[test]
    fn new_rejects_non_finite() {
        let layer = HiddenLayer { weight: vec![vec![0.0, f64::NAN, 0.0, 0.0]], bias: vec![0.0], params: LayerParams::Sigmoid };
        let e = ActivationUnit::new(Activation::Sigmoid, 1, vec![layer], OutputLayer { weight: vec![1.0], bias: 0.0 }, Value::Null)
            .unwrap_err();
        assert!(matches!(e, UnitError::NonFiniteWeight { ref field, .. } if field == "layers[0].weight[0][1]"), "{e:?}");
    }

    #[test]
    fn overflow_is_an_error() {
        let u = ActivationUnit::from_json(
            r#"{"format": "din-viz activation unit v1", "activation": "sigmoid", "d": 1, "hidden": [],
                "layers": [{"weight": [[0, 0, 0, 1]], "bias": [0]}]}"#,
        )
        .unwrap();
        assert_eq!(u.scores(&[1e200], &[1.0, 1e200]).unwrap_err(), UnitError::Overflow { item: 1 });
    }

    #[test]
    fn authors_all_padded_quirk() {
        let u = ActivationUnit::from_json(&tiny("sigmoid", "")).unwrap();
        let a = u.authors_alpha(&[1.0], &[], 4).unwrap();
        assert!(a.alpha.is_empty());
        assert_eq!(a.padded_alpha, vec![0.25; 4]);
        let a = u.authors_alpha(&[1.0], &[], 0).unwrap();
        assert!(a.padded_alpha.is_empty() && a.scaled.is_empty());
        assert!(matches!(u.authors_alpha(&[1.0], &[], MAX_LEN_LIMIT + 1), Err(UnitError::MaxLenTooLarge { .. })));
    }
}
