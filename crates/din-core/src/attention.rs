//! DIN attention maths: similarity, normalization, weighted sum and mean.
//!
//! Over 600 lines because its tests live here: the code is about 500 lines
//! (one formula per public function, each with its doc-test) and the rest are
//! the hand-worked unit tests.
//!
//! Conventions used throughout this module:
//!
//! * `q` is the candidate item's vector (the *query*), of length `d >= 1`.
//! * `x_1 .. x_n` are the user's LastN item vectors (the *keys*, which are
//!   also the *values*). They are passed as one row-major slice `keys` of
//!   `n * d` numbers: row `i` is `x_{i+1}`. `n = 0` is allowed.
//! * `s_i` is the raw similarity of `q` and `x_i`; `alpha_i` is the weight
//!   after normalization.
//! * `pooled = sum_i alpha_i x_i` is what DIN feeds to the ranking model;
//!   `mean = (1/n) sum_i x_i` is the classic LastN user feature it replaces.
//!
//! Every function is pure, allocation is limited to the returned vectors,
//! and every input that can make a result non-finite is rejected with an
//! [`AttentionError`] instead of producing NaN or infinity.

use nalgebra::{DVector, DVectorView};
use std::fmt;
use crate::i18n::{Lang, Quantity};
use std::str::FromStr;

/// How the similarity `s_i` of the query and key `i` is measured.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Similarity {
    /// `s_i = q · x_i`.
    Dot,
    /// `s_i = q · x_i / (|q| |x_i|)`, and `0` when either norm is `0`.
    Cosine,
    /// `s_i = q · x_i / sqrt(d)` (the transformer's scaled dot product).
    ScaledDot,
}

impl Similarity {
    /// All similarities, in the order the page lists them.
    pub const ALL: [Similarity; 3] = [Similarity::Dot, Similarity::Cosine, Similarity::ScaledDot];

    /// The name used in the JS API and in URLs: `dot`, `cosine` or `scaled_dot`.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Similarity::Dot => "dot",
            Similarity::Cosine => "cosine",
            Similarity::ScaledDot => "scaled_dot",
        }
    }
}

impl FromStr for Similarity {
    type Err = AttentionError;

    /// Parses `dot`, `cosine` or `scaled_dot`.
    ///
    /// ```
    /// use din_core::attention::Similarity;
    /// assert_eq!("cosine".parse::<Similarity>().unwrap(), Similarity::Cosine);
    /// assert!("euclid".parse::<Similarity>().is_err());
    /// ```
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Similarity::ALL
            .into_iter()
            .find(|v| v.name() == s)
            .ok_or_else(|| AttentionError::UnknownSimilarity(s.to_owned()))
    }
}

impl fmt::Display for Similarity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// How similarities become weights.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Normalization {
    /// `alpha_i = s_i`: the paper's choice, which keeps the intensity of interest.
    None,
    /// `alpha_i = exp(s_i / T) / sum_j exp(s_j / T)` with temperature `T > 0`.
    Softmax,
}

impl Normalization {
    /// All normalizations, in the order the page lists them.
    pub const ALL: [Normalization; 2] = [Normalization::None, Normalization::Softmax];

    /// The name used in the JS API and in URLs: `none` or `softmax`.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Normalization::None => "none",
            Normalization::Softmax => "softmax",
        }
    }
}

impl FromStr for Normalization {
    type Err = AttentionError;

    /// Parses `none` or `softmax`.
    ///
    /// ```
    /// use din_core::attention::Normalization;
    /// assert_eq!("softmax".parse::<Normalization>().unwrap(), Normalization::Softmax);
    /// assert!("sparsemax".parse::<Normalization>().is_err());
    /// ```
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Normalization::ALL
            .into_iter()
            .find(|v| v.name() == s)
            .ok_or_else(|| AttentionError::UnknownNormalization(s.to_owned()))
    }
}

impl fmt::Display for Normalization {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Why an attention computation was refused. Each message names the problem
/// in words a student can act on.
#[derive(Clone, Debug, PartialEq)]
pub enum AttentionError {
    /// The query has no components (`d = 0`).
    EmptyQuery,
    /// `keys.len()` is not a multiple of `d`.
    KeysNotMultiple { len: usize, d: usize },
    /// An input number is NaN or infinite.
    NonFinite { what: &'static str, index: usize, value: f64 },
    /// The similarity name is not one of `dot`, `cosine`, `scaled_dot`.
    UnknownSimilarity(String),
    /// The normalization name is not one of `none`, `softmax`.
    UnknownNormalization(String),
    /// Under softmax, the temperature is NaN, infinite, zero or negative.
    BadTemperature(f64),
    /// A similarity (or `s / T`) is too large to represent.
    Overflow { key: usize },
    /// A result (pooled, its norm, the mean's norm or the sum of alpha) is
    /// too large to represent.
    OutputOverflow(Quantity),
}

impl fmt::Display for AttentionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AttentionError::EmptyQuery => {
                f.write_str("query is empty: it needs at least one number (d >= 1)")
            }
            AttentionError::KeysNotMultiple { len, d } => {
                write!(f, "keys has {len} numbers, not a multiple of d = {d}")
            }
            AttentionError::NonFinite { what, index, value } => {
                write!(f, "{what}[{index}] is {value}, not a finite number")
            }
            AttentionError::UnknownSimilarity(s) => write!(
                f,
                "unknown similarity \"{s}\": use \"dot\", \"cosine\" or \"scaled_dot\""
            ),
            AttentionError::UnknownNormalization(s) => {
                write!(f, "unknown normalization \"{s}\": use \"none\" or \"softmax\"")
            }
            AttentionError::BadTemperature(t) => write!(
                f,
                "temperature is {t}: softmax needs a finite temperature greater than 0"
            ),
            AttentionError::Overflow { key } => write!(
                f,
                "the similarity of the query and key {} is too large to represent (overflow); use smaller numbers",
                key + 1
            ),
            AttentionError::OutputOverflow(what) => f.write_str(&what.overflow(Lang::En)),
        }
    }
}

impl std::error::Error for AttentionError {}

/// What one attention computation produces.
#[derive(Clone, Debug, PartialEq)]
pub struct Attention {
    /// Raw similarities `s_1 .. s_n`.
    pub scores: Vec<f64>,
    /// Weights `alpha_1 .. alpha_n`.
    pub alpha: Vec<f64>,
    /// `pooled = sum_i alpha_i x_i`, length `d`.
    pub pooled: Vec<f64>,
    /// `mean = (1/n) sum_i x_i`, length `d`; all zeros when `n = 0`.
    pub mean: Vec<f64>,
    /// `sum_i alpha_i`: the intensity of interest the paper keeps and softmax hides.
    pub alpha_sum: f64,
    /// Euclidean norm `|pooled|`.
    pub pooled_norm: f64,
    /// Euclidean norm `|mean|`.
    pub mean_norm: f64,
}

/// Rejects NaN and infinities, naming the offending position.
fn check_finite(what: &'static str, xs: &[f64]) -> Result<(), AttentionError> {
    match xs.iter().position(|v| !v.is_finite()) {
        Some(index) => Err(AttentionError::NonFinite { what, index, value: xs[index] }),
        None => Ok(()),
    }
}

/// Overflow-safe Euclidean norm `sqrt(sum_k v_k^2)`.
///
/// Scales by the largest magnitude first, so vectors of numbers near
/// `1e300` have a finite norm whenever the true norm is representable.
///
/// ```
/// use din_core::attention::norm;
/// assert_eq!(norm(&[3.0, 4.0]), 5.0);
/// assert_eq!(norm(&[3e300, 4e300]), 5e300);
/// assert_eq!(norm(&[]), 0.0);
/// ```
#[must_use]
pub fn norm(v: &[f64]) -> f64 {
    let m = v.iter().fold(0.0_f64, |m, x| m.max(x.abs()));
    if m == 0.0 || !m.is_finite() {
        return m;
    }
    let s: f64 = v.iter().map(|x| (x / m) * (x / m)).sum();
    m * s.sqrt()
}

/// Raw similarities `s_i` of `query` (length `d`) and each row of `keys`.
///
/// * `dot`: `s_i = q · x_i`
/// * `cosine`: `s_i = q · x_i / (|q| |x_i|)`, `0` if `|q| = 0` or `|x_i| = 0`
/// * `scaled_dot`: `s_i = q · x_i / sqrt(d)`
///
/// Cosine is computed from unit vectors, so it stays in `[-1, 1]` and is
/// finite for any finite inputs.
///
/// # Errors
/// [`AttentionError::EmptyQuery`], [`AttentionError::KeysNotMultiple`],
/// [`AttentionError::NonFinite`], and [`AttentionError::Overflow`] when a dot
/// product is too large for `f64` (e.g. two vectors of `1e200`).
///
/// ```
/// use din_core::attention::{similarities, Similarity};
/// let q = [1.0, 0.0];
/// let keys = [2.0, 0.0, 0.0, 3.0]; // x_1 = (2, 0), x_2 = (0, 3)
/// assert_eq!(similarities(&q, &keys, Similarity::Dot).unwrap(), vec![2.0, 0.0]);
/// assert_eq!(similarities(&q, &keys, Similarity::Cosine).unwrap(), vec![1.0, 0.0]);
/// let s = similarities(&q, &keys, Similarity::ScaledDot).unwrap();
/// assert!((s[0] - 2.0 / 2f64.sqrt()).abs() < 1e-15);
/// ```
pub fn similarities(query: &[f64], keys: &[f64], sim: Similarity) -> Result<Vec<f64>, AttentionError> {
    let d = check_shapes(query, keys)?;
    let n = keys.len() / d;
    let q = DVectorView::from_slice(query, d);
    let mut out = Vec::with_capacity(n);
    match sim {
        Similarity::Dot | Similarity::ScaledDot => {
            let scale = if sim == Similarity::ScaledDot { 1.0 / (d as f64).sqrt() } else { 1.0 };
            for (i, row) in keys.chunks_exact(d).enumerate() {
                let x = DVectorView::from_slice(row, d);
                let mut s = q.dot(&x);
                if !s.is_finite() && scale != 1.0 {
                    // q·x overflowed but q·x/sqrt(d) may not: scale first.
                    s = q.iter().zip(x.iter()).map(|(a, b)| a * scale * b).sum();
                } else {
                    s *= scale;
                }
                if !s.is_finite() {
                    return Err(AttentionError::Overflow { key: i });
                }
                out.push(s);
            }
        }
        Similarity::Cosine => {
            // Each vector is first divided by its largest magnitude, so its
            // norm lies in [1, sqrt(d)] and nothing overflows, even for
            // vectors whose true norm exceeds f64::MAX.
            let qs = scaled_unit(query);
            for row in keys.chunks_exact(d) {
                match (&qs, scaled_unit(row)) {
                    (Some(qu), Some(xu)) => {
                        let c: f64 = qu.iter().zip(&xu).map(|(a, b)| a * b).sum();
                        out.push(c.clamp(-1.0, 1.0));
                    }
                    _ => out.push(0.0),
                }
            }
        }
    }
    Ok(out)
}

/// `v / |v|` computed without overflow, or `None` for the zero vector.
fn scaled_unit(v: &[f64]) -> Option<Vec<f64>> {
    let m = v.iter().fold(0.0_f64, |m, x| m.max(x.abs()));
    if m == 0.0 {
        return None;
    }
    let w: Vec<f64> = v.iter().map(|x| x / m).collect();
    let n = w.iter().map(|x| x * x).sum::<f64>().sqrt();
    Some(w.into_iter().map(|x| x / n).collect())
}

fn check_shapes(query: &[f64], keys: &[f64]) -> Result<usize, AttentionError> {
    let d = query.len();
    if d == 0 {
        return Err(AttentionError::EmptyQuery);
    }
    if keys.len() % d != 0 {
        return Err(AttentionError::KeysNotMultiple { len: keys.len(), d });
    }
    check_finite("query", query)?;
    check_finite("keys", keys)?;
    Ok(d)
}

/// Numerically stable softmax with temperature:
/// `alpha_i = exp(s_i / T) / sum_j exp(s_j / T)`.
///
/// Computed as `exp(s_i/T - m) / sum_j exp(s_j/T - m)` with `m = max_j s_j/T`,
/// so no term overflows even for `|s| = 1e300`. An empty input gives an
/// empty output.
///
/// # Errors
/// [`AttentionError::BadTemperature`] when `T` is not finite or `T <= 0`;
/// [`AttentionError::NonFinite`] for a non-finite score;
/// [`AttentionError::Overflow`] when `s_i / T` is infinite (a tiny `T`).
///
/// ```
/// use din_core::attention::softmax;
/// let a = softmax(&[0.0, 0.0], 1.0).unwrap();
/// assert_eq!(a, vec![0.5, 0.5]);
/// let a = softmax(&[1e300, 0.0], 1.0).unwrap();
/// assert_eq!(a, vec![1.0, 0.0]);
/// assert!(softmax(&[1.0], 0.0).is_err());
/// ```
pub fn softmax(scores: &[f64], temperature: f64) -> Result<Vec<f64>, AttentionError> {
    if !temperature.is_finite() || temperature <= 0.0 {
        return Err(AttentionError::BadTemperature(temperature));
    }
    check_finite("scores", scores)?;
    let mut z = Vec::with_capacity(scores.len());
    for (key, s) in scores.iter().enumerate() {
        let v = s / temperature;
        if !v.is_finite() {
            return Err(AttentionError::Overflow { key });
        }
        z.push(v);
    }
    let m = z.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let mut total = 0.0;
    for v in &mut z {
        *v = (*v - m).exp();
        total += *v;
    }
    // total >= 1 because the largest term is exp(0) = 1.
    for v in &mut z {
        *v /= total;
    }
    Ok(z)
}

/// Weighted sum `sum_i w_i x_i` of the rows of `keys` (each of length `d`).
///
/// ```
/// use din_core::attention::weighted_sum;
/// let keys = [1.0, 0.0, 0.0, 2.0];
/// assert_eq!(weighted_sum(&keys, 2, &[0.5, 0.25]), vec![0.5, 0.5]);
/// ```
///
/// # Panics
/// Never for `d >= 1` and `weights.len() * d <= keys.len()`; extra rows are ignored.
/// With `d = 0` the result is empty.
#[must_use]
pub fn weighted_sum(keys: &[f64], d: usize, weights: &[f64]) -> Vec<f64> {
    let mut acc = DVector::<f64>::zeros(d);
    if d == 0 {
        return Vec::new();
    }
    for (row, w) in keys.chunks_exact(d).zip(weights) {
        acc.axpy(*w, &DVectorView::from_slice(row, d), 1.0);
    }
    acc.data.into()
}

/// Plain average `(1/n) sum_i x_i` of the `n` rows of `keys`; all zeros when `n = 0`.
///
/// Computed as `sum_i (x_i / n)` so it stays finite for entries near `f64::MAX`.
///
/// ```
/// use din_core::attention::mean;
/// assert_eq!(mean(&[1.0, 2.0, 3.0, 4.0], 2), vec![2.0, 3.0]);
/// assert_eq!(mean(&[], 3), vec![0.0, 0.0, 0.0]);
/// ```
#[must_use]
pub fn mean(keys: &[f64], d: usize) -> Vec<f64> {
    if d == 0 {
        return Vec::new();
    }
    let n = keys.len() / d;
    if n == 0 {
        return vec![0.0; d];
    }
    let w = vec![1.0 / n as f64; n];
    weighted_sum(keys, d, &w)
}

/// DIN attention over a user's LastN items for one candidate.
///
/// `alpha = normalize(similarity(q, x_i))`, `pooled = sum_i alpha_i x_i`,
/// `mean = (1/n) sum_i x_i`, plus `sum_i alpha_i`, `|pooled|` and `|mean|`.
/// `temperature` is read only under [`Normalization::Softmax`].
///
/// # Errors
/// Any [`AttentionError`] from [`similarities`] and [`softmax`]; and
/// [`AttentionError::OutputOverflow`] if pooled, a norm or the sum of alpha
/// is too large to represent: every `Ok` result is finite.
///
/// ```
/// use din_core::attention::{attend, Normalization, Similarity};
/// // q matches x_1 exactly and is orthogonal to x_2.
/// let q = [1.0, 0.0];
/// let keys = [1.0, 0.0, 0.0, 1.0];
/// let a = attend(&q, &keys, Similarity::Dot, Normalization::None, 1.0).unwrap();
/// assert_eq!(a.alpha, vec![1.0, 0.0]);
/// assert_eq!(a.pooled, vec![1.0, 0.0]); // only x_1 survives
/// assert_eq!(a.mean, vec![0.5, 0.5]);   // the average mixes both
/// assert_eq!(a.alpha_sum, 1.0);
/// ```
pub fn attend(
    query: &[f64],
    keys: &[f64],
    sim: Similarity,
    normalization: Normalization,
    temperature: f64,
) -> Result<Attention, AttentionError> {
    let d = check_shapes(query, keys)?;
    score_and_pool(query, keys, d, sim, normalization, temperature, || mean(keys, d))
}

/// What [`attend`] and [`attend_prepared`] do once the inputs are checked:
/// the scores, the weights and the pooled result, with the keys' mean from
/// `mean`.
fn score_and_pool(
    query: &[f64],
    keys: &[f64],
    d: usize,
    sim: Similarity,
    normalization: Normalization,
    temperature: f64,
    mean: impl FnOnce() -> Vec<f64>,
) -> Result<Attention, AttentionError> {
    let scores = similarities(query, keys, sim)?;
    let alpha = match normalization {
        Normalization::None => scores.clone(),
        Normalization::Softmax => softmax(&scores, temperature)?,
    };
    pool_with_mean(scores, alpha, keys, d, mean).map_err(AttentionError::OutputOverflow)
}

/// The attention result from the scores and the weights, the one assembly
/// every definition of alpha uses (similarity, the activation unit, the
/// authors' code): `pooled = Σ αᵢ xᵢ`, the plain `mean`, `Σα` and both
/// norms, each checked finite; the error names the first quantity that
/// overflowed.
///
/// ```
/// use din_core::attention::pool;
/// use din_core::i18n::Quantity;
/// let a = pool(vec![0.0, 0.0], vec![0.25, 0.75], &[1.0, 0.0, 0.0, 1.0], 2).unwrap();
/// assert_eq!((a.pooled, a.mean, a.alpha_sum), (vec![0.25, 0.75], vec![0.5, 0.5], 1.0));
/// assert_eq!(pool(vec![0.0], vec![2.0], &[1e308], 1).unwrap_err(), Quantity::Pooled);
/// ```
///
/// # Errors
/// The [`Quantity`] that is not finite.
pub fn pool(scores: Vec<f64>, alpha: Vec<f64>, keys: &[f64], d: usize) -> Result<Attention, Quantity> {
    pool_with_mean(scores, alpha, keys, d, || mean(keys, d))
}

/// [`pool`] with the mean of the keys from `mean` (asked for only once
/// pooled is known to be finite, so the error is the same).
fn pool_with_mean(scores: Vec<f64>, alpha: Vec<f64>, keys: &[f64], d: usize, mean: impl FnOnce() -> Vec<f64>) -> Result<Attention, Quantity> {
    let pooled = weighted_sum(keys, d, &alpha);
    if pooled.iter().any(|v| !v.is_finite()) {
        return Err(Quantity::Pooled);
    }
    let mean = mean();
    let alpha_sum: f64 = alpha.iter().sum();
    let pooled_norm = norm(&pooled);
    let mean_norm = norm(&mean);
    for (value, what) in [(alpha_sum, Quantity::AlphaSum), (pooled_norm, Quantity::PooledNorm), (mean_norm, Quantity::MeanNorm)] {
        if !value.is_finite() {
            return Err(what);
        }
    }
    Ok(Attention { scores, alpha, pooled, mean, alpha_sum, pooled_norm, mean_norm })
}

/// The indices of `values` from the largest value to the smallest
/// ([`f64::total_cmp`]), equal values in index order: the order in which
/// the weights alpha are listed and the PCA axes are taken. One function
/// for every such ranking keeps a single copy of the sort in the wasm module.
///
/// ```
/// use din_core::attention::descending_order;
/// assert_eq!(descending_order(&[0.2, 0.5, 0.2, 0.1]), vec![1, 0, 2, 3]);
/// ```
#[must_use]
pub fn descending_order(values: &[f64]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..values.len()).collect();
    order.sort_by(|&a, &b| values[b].total_cmp(&values[a]).then(a.cmp(&b)));
    order
}

/// The first `k` indices of [`descending_order`]`(values)`, without sorting
/// all of them: a selection (`select_nth_unstable_by`, linear on average)
/// puts the `k` largest first, and only those are sorted. At n = 10,000
/// the charts list the top 30; a full sort per update was most of that.
///
/// ```
/// use din_core::attention::top_k_descending;
/// assert_eq!(top_k_descending(&[0.2, 0.5, 0.2, 0.1], 2), vec![1, 0]);
/// assert_eq!(top_k_descending(&[0.2, 0.5], 9), vec![1, 0]);
/// ```
#[must_use]
pub fn top_k_descending(values: &[f64], k: usize) -> Vec<usize> {
    let cmp = |a: &usize, b: &usize| values[*b].total_cmp(&values[*a]).then(a.cmp(b));
    let mut order: Vec<usize> = (0..values.len()).collect();
    if k == 0 {
        return Vec::new();
    }
    if k < order.len() {
        order.select_nth_unstable_by(k - 1, cmp);
        order.truncate(k);
    }
    order.sort_unstable_by(cmp);
    order
}

/// The last index of [`descending_order`]`(values)` (the smallest value,
/// the latest of equal ones) in one pass; `None` for no values.
///
/// ```
/// use din_core::attention::last_in_descending_order;
/// assert_eq!(last_in_descending_order(&[0.2, 0.1, 0.5, 0.1]), Some(3));
/// ```
#[must_use]
pub fn last_in_descending_order(values: &[f64]) -> Option<usize> {
    (0..values.len()).max_by(|&a, &b| values[b].total_cmp(&values[a]).then(a.cmp(&b)))
}

/// A LastN flattened once for many queries: its keys (`n * d` numbers,
/// item after item) and, when they are what [`attend`] accepts (`d > 0`, a
/// whole number of rows, every number finite), their mean, computed once.
/// [`attend_prepared`] with it gives exactly what [`attend`] gives with the
/// keys, without checking and averaging them again for every query: at
/// n = 10,000, d = 64 that was a quarter of each edit of q's attention time.
///
/// ```
/// use din_core::attention::{attend, attend_prepared, Normalization, PreparedKeys, Similarity};
/// let keys = vec![1.0, 0.0, 0.0, 1.0, 2.0, 2.0];
/// let prepared = PreparedKeys::new(keys.clone(), 2);
/// let want = attend(&[0.5, 1.0], &keys, Similarity::Dot, Normalization::Softmax, 1.0).unwrap();
/// let got = attend_prepared(&[0.5, 1.0], &prepared, Similarity::Dot, Normalization::Softmax, 1.0).unwrap();
/// assert_eq!(got, want);
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PreparedKeys {
    keys: Vec<f64>,
    d: usize,
    /// The keys' mean; `None` for keys `attend` refuses (it then checks them itself).
    mean: Option<Vec<f64>>,
}

impl PreparedKeys {
    /// Prepares `keys` (rows of `d` numbers) for [`attend_prepared`].
    #[must_use]
    pub fn new(keys: Vec<f64>, d: usize) -> Self {
        let valid = d > 0 && keys.len() % d == 0 && keys.iter().all(|v| v.is_finite());
        let mean = if valid { Some(mean(&keys, d)) } else { None };
        Self { keys, d, mean }
    }

    /// The keys, as given.
    #[must_use]
    pub fn keys(&self) -> &[f64] {
        &self.keys
    }
}

/// [`attend`] for keys prepared once ([`PreparedKeys`]): the same result,
/// or the same error, for every input. Only q is checked; the keys were
/// checked, and their mean taken, when they were prepared.
///
/// # Errors
/// As [`attend`].
pub fn attend_prepared(
    query: &[f64],
    prepared: &PreparedKeys,
    sim: Similarity,
    normalization: Normalization,
    temperature: f64,
) -> Result<Attention, AttentionError> {
    let keys = prepared.keys();
    let Some(mean) = prepared.mean.as_ref().filter(|_| query.len() == prepared.d) else {
        return attend(query, keys, sim, normalization, temperature);
    };
    // check_shapes, less what preparing the keys established (d > 0, rows, finite keys).
    check_finite("query", query)?;
    score_and_pool(query, keys, prepared.d, sim, normalization, temperature, || mean.clone())
}

/// Like [`attend`], with the similarity and normalization given by name
/// (`"dot" | "cosine" | "scaled_dot"`, `"none" | "softmax"`), as the JS API takes them.
///
/// ```
/// use din_core::attention::attend_named;
/// let a = attend_named(&[1.0], &[2.0, 4.0], "dot", "softmax", 2.0).unwrap();
/// assert!((a.alpha[1] / a.alpha[0] - 1f64.exp()).abs() < 1e-12);
/// let e = attend_named(&[1.0, 2.0], &[1.0; 7], "dot", "none", 1.0).unwrap_err();
/// assert_eq!(e.to_string(), "keys has 7 numbers, not a multiple of d = 2");
/// ```
///
/// # Errors
/// As [`attend`], plus unknown names.
pub fn attend_named(
    query: &[f64],
    keys: &[f64],
    similarity: &str,
    normalization: &str,
    temperature: f64,
) -> Result<Attention, AttentionError> {
    let sim: Similarity = similarity.parse()?;
    let normalization: Normalization = normalization.parse()?;
    attend(query, keys, sim, normalization, temperature)
}

#[cfg(test)]
mod tests {

    proptest::proptest! {
        /// The selection gives exactly the full sort's first k, ties and all.
        #[test]
        fn top_k_is_the_full_sorts_prefix(raw in proptest::collection::vec(-12i8..12i8, 0..300), k in 0usize..320) {
            // Few distinct values (quarters), so that ties are common.
            let values: Vec<f64> = raw.iter().map(|v| f64::from(*v) / 4.0).collect();
            let full = super::descending_order(&values);
            let want: Vec<usize> = full.iter().copied().take(k).collect();
            proptest::prop_assert_eq!(super::top_k_descending(&values, k), want);
            proptest::prop_assert_eq!(super::last_in_descending_order(&values), full.last().copied());
        }

        /// Keys prepared once give what `attend` gives, result or error, for
        /// every similarity and normalization, with non-finite and huge numbers
        /// in q or the keys, a q of another length and an empty LastN.
        #[test]
        fn prepared_keys_attend_as_attend_does(
            raw_q in proptest::collection::vec(0u8..12, 0..5),
            raw_k in proptest::collection::vec(0u8..12, 0..24),
            d in 0usize..5,
            sim in 0usize..3,
            softmax in proptest::bool::ANY,
            temperature in proptest::sample::select(vec![1.0, 0.25, 3.0, 1e-300, 0.0, f64::NAN]),
        ) {
            // Mostly ordinary numbers, sometimes one attend refuses or that overflows.
            let pick = |c: &u8| match c {
                0 => f64::NAN,
                1 => f64::INFINITY,
                2 => 1e300,
                3 => -2e300,
                c => f64::from(*c) / 4.0 - 1.5,
            };
            let query: Vec<f64> = raw_q.iter().map(pick).collect();
            let keys: Vec<f64> = raw_k.iter().map(pick).collect();
            let sim = [Similarity::Dot, Similarity::Cosine, Similarity::ScaledDot][sim];
            let normalization = if softmax { Normalization::Softmax } else { Normalization::None };
            // Compared as Debug text: f64's is its exact shortest form, and NaN in an error equals NaN.
            let want = format!("{:?}", attend(&query, &keys, sim, normalization, temperature));
            let prepared = PreparedKeys::new(keys.clone(), d);
            proptest::prop_assert_eq!(format!("{:?}", attend_prepared(&query, &prepared, sim, normalization, temperature)), want.clone());
            // The same keys prepared for q's own length (the way a scene prepares them).
            let prepared = PreparedKeys::new(keys, query.len());
            proptest::prop_assert_eq!(format!("{:?}", attend_prepared(&query, &prepared, sim, normalization, temperature)), want);
        }
    }
    use super::*;

    fn close(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() <= tol * b.abs().max(1.0)
    }

    #[test]
    fn hand_worked_dot_softmax() {
        // q = (1, 1); x1 = (1, 0), x2 = (0, 2), x3 = (-1, -1)
        // s = (1, 2, -2); softmax T = 1: e^1, e^2, e^-2 over their sum.
        let q = [1.0, 1.0];
        let keys = [1.0, 0.0, 0.0, 2.0, -1.0, -1.0];
        let a = attend(&q, &keys, Similarity::Dot, Normalization::Softmax, 1.0).unwrap();
        assert_eq!(a.scores, vec![1.0, 2.0, -2.0]);
        let z = 1f64.exp() + 2f64.exp() + (-2f64).exp();
        let want = [1f64.exp() / z, 2f64.exp() / z, (-2f64).exp() / z];
        for (got, w) in a.alpha.iter().zip(want) {
            assert!(close(*got, w, 1e-15), "{got} vs {w}");
        }
        // pooled = a1*(1,0) + a2*(0,2) + a3*(-1,-1)
        assert!(close(a.pooled[0], want[0] - want[2], 1e-15));
        assert!(close(a.pooled[1], 2.0 * want[1] - want[2], 1e-15));
        assert_eq!(a.mean, vec![0.0, 1.0 / 3.0]);
        assert!(close(a.alpha_sum, 1.0, 1e-15));
        assert!(close(a.mean_norm, 1.0 / 3.0, 1e-15));
    }

    #[test]
    fn hand_worked_cosine_and_scaled() {
        let q = [3.0, 4.0];
        let keys = [6.0, 8.0, -4.0, 3.0, 0.0, 0.0];
        let s = similarities(&q, &keys, Similarity::Cosine).unwrap();
        assert!(close(s[0], 1.0, 1e-15));
        assert!(close(s[1], 0.0, 1e-15));
        assert_eq!(s[2], 0.0, "zero key gives cosine 0");
        let s = similarities(&q, &keys, Similarity::ScaledDot).unwrap();
        assert!(close(s[0], 50.0 / 2f64.sqrt(), 1e-15));
    }

    #[test]
    fn temperature_halves_log_ratio() {
        let a1 = attend(&[1.0], &[0.0, 1.0], Similarity::Dot, Normalization::Softmax, 1.0).unwrap();
        let a2 = attend(&[1.0], &[0.0, 1.0], Similarity::Dot, Normalization::Softmax, 2.0).unwrap();
        assert!(close((a1.alpha[1] / a1.alpha[0]).ln(), 1.0, 1e-14));
        assert!(close((a2.alpha[1] / a2.alpha[0]).ln(), 0.5, 1e-14));
    }

    #[test]
    fn empty_history() {
        let a = attend(&[1.0, 2.0], &[], Similarity::Dot, Normalization::Softmax, 1.0).unwrap();
        assert!(a.alpha.is_empty());
        assert_eq!(a.pooled, vec![0.0, 0.0]);
        assert_eq!(a.mean, vec![0.0, 0.0]);
        assert_eq!(a.alpha_sum, 0.0);
    }

    #[test]
    fn temperature_not_read_without_softmax() {
        assert!(attend(&[1.0], &[1.0], Similarity::Dot, Normalization::None, f64::NAN).is_ok());
        assert!(attend(&[1.0], &[1.0], Similarity::Dot, Normalization::None, -1.0).is_ok());
    }

    #[test]
    fn typed_errors() {
        use AttentionError::*;
        let e = |r: Result<Attention, AttentionError>| r.unwrap_err();
        assert_eq!(e(attend_named(&[], &[], "dot", "none", 1.0)), EmptyQuery);
        assert_eq!(e(attend_named(&[1.0, 2.0], &[1.0; 3], "dot", "none", 1.0)), KeysNotMultiple { len: 3, d: 2 });
        assert!(matches!(e(attend_named(&[f64::NAN], &[], "dot", "none", 1.0)), NonFinite { what: "query", index: 0, .. }));
        assert!(matches!(e(attend_named(&[1.0], &[1.0, f64::INFINITY], "dot", "none", 1.0)), NonFinite { what: "keys", index: 1, .. }));
        assert_eq!(e(attend_named(&[1.0], &[], "l2", "none", 1.0)), UnknownSimilarity("l2".into()));
        assert_eq!(e(attend_named(&[1.0], &[], "dot", "max", 1.0)), UnknownNormalization("max".into()));
        assert_eq!(e(attend_named(&[1.0], &[], "dot", "softmax", 0.0)), BadTemperature(0.0));
        assert!(matches!(e(attend_named(&[1.0], &[], "dot", "softmax", f64::INFINITY)), BadTemperature(_)));
        assert_eq!(e(attend_named(&[1e200, 1e200], &[1e200, 1e200], "dot", "none", 1.0)), Overflow { key: 0 });
        assert_eq!(e(attend_named(&[1.0], &[1e300], "dot", "softmax", 1e-300)), Overflow { key: 0 });
        assert!(matches!(e(attend_named(&[1.3e8, 0.0], &[1e150, 1e150], "dot", "none", 1.0)), OutputOverflow(_)));
        assert!(matches!(e(attend_named(&[1e308], &[0.9, 0.9], "dot", "none", 1.0)), OutputOverflow(Quantity::AlphaSum)));
    }

    #[test]
    fn error_messages_are_readable() {
        let m = attend_named(&[1.0, 2.0], &[1.0; 7], "dot", "none", 1.0).unwrap_err().to_string();
        assert_eq!(m, "keys has 7 numbers, not a multiple of d = 2");
        let m = attend_named(&[1.0], &[], "dot", "softmax", -2.0).unwrap_err().to_string();
        assert!(m.contains("temperature is -2"), "{m}");
    }

    #[test]
    fn huge_but_representable() {
        // |s| near 1e300 under softmax: stable.
        let a = attend(&[1e150], &[1e150, -1e150], Similarity::Dot, Normalization::Softmax, 1.0).unwrap();
        assert_eq!(a.alpha, vec![1.0, 0.0]);
        // cosine of huge vectors stays exact.
        let a = attend(&[1e300, 1e300], &[1e300, 1e300], Similarity::Cosine, Normalization::None, 1.0).unwrap();
        assert!(close(a.alpha[0], 1.0, 1e-15));
        // cosine of vectors longer than f64::MAX is still exact.
        let a = attend(&[1.0, 1.0], &[1.7e308, 1.7e308], Similarity::Cosine, Normalization::None, 1.0);
        assert!(matches!(a, Err(AttentionError::OutputOverflow(_))), "{a:?}"); // |pooled| > f64::MAX
        let s = similarities(&[1.0, 1.0], &[1.7e308, 1.7e308], Similarity::Cosine).unwrap();
        assert!(close(s[0], 1.0, 1e-15));
        // mean of huge values does not overflow.
        assert_eq!(mean(&[1.7e308, 1.7e308], 1), vec![1.7e308]);
    }
}
