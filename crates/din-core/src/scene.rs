//! Scenes: what is on screen, how it is validated, and how it is edited.
//!
//! Over 600 lines because every way into a scene (JSON state with line and
//! column, numbers typed by people, each `with_*` edit) must keep the
//! invariants its private validators check, and the shipped units are
//! embedded beside `Scene::unit`; about 260 lines are tests.
//!
//! A [`Scene`] is a candidate vector `query`, the LastN `items` (each a label
//! and a vector of the same length `d`), and the attention settings. Every
//! way into a scene (a JSON state from `din.setState`, a text field, a drag)
//! goes through this module, which either returns a new valid scene or a
//! [`SceneError`] that says what was wrong and where. A scene that exists is
//! always valid: same `d` everywhere, finite numbers, limits respected, and
//! its attention is computable without overflow.
//!
//! Limits: `1 <= d <= 256`, `n <= 10_000`, labels of at most 200 characters.

use crate::i18n::clip;
use crate::attention::{attend_prepared, softmax, Attention, AttentionError, Normalization, PreparedKeys, Similarity};
use crate::unit::{Activation, ActivationUnit, UnitError, WeightForm};
use std::sync::OnceLock;
use serde_json::{Map, Value};
use std::fmt;
use crate::i18n::{Expected, JsonType, Reason};

/// Largest number of components a vector may have.
pub const MAX_D: usize = 256;
/// Largest state or scene JSON read, in bytes (a 10,000 × 256 scene with
/// every number at full precision is about 55 MB).
pub const MAX_STATE_BYTES: usize = 64 * 1024 * 1024;
/// Largest number of LastN items.
pub const MAX_N: usize = 10_000;
/// Longest label, in characters.
pub const MAX_LABEL: usize = 200;

/// One LastN item (or a named candidate): a label, its vector and its colour.
#[derive(Clone, Debug, PartialEq)]
pub struct Item {
    /// Name shown in every panel, e.g. "ramen".
    pub label: String,
    /// The item's embedding, length `d`.
    pub vector: Vec<f64>,
    /// The item's colour id, kept for the item's whole life (removing or
    /// adding other items never changes it). Every panel draws the item in
    /// colour `id mod k` of the theme's `k` item colours (see
    /// [`crate::palette::Palette::item`]).
    pub color: u16,
}

impl Item {
    /// Makes an item from a label and a vector, with colour id 0 (lists
    /// of items get their colours from [`numbered_colors`] or
    /// [`fill_colors`]).
    #[must_use]
    pub fn new(label: &str, vector: &[f64]) -> Self {
        Item { label: label.to_owned(), vector: vector.to_vec(), color: 0 }
    }

    /// This item with colour id `color`.
    #[must_use]
    pub fn with_color(mut self, color: u16) -> Self {
        self.color = color;
        self
    }
}

// ---------------------------------------------------------------------------
// Colour identity of the items (issue 11 §4).

/// The smallest colour id no item of `items` has: what a new item gets.
///
/// ```
/// use din_core::scene::{first_unused_color, Item};
/// let items = vec![Item::new("a", &[1.0]).with_color(0), Item::new("b", &[1.0]).with_color(2)];
/// assert_eq!(first_unused_color(&items), 1);
/// assert_eq!(first_unused_color(&[]), 0);
/// ```
#[must_use]
pub fn first_unused_color(items: &[Item]) -> u16 {
    let mut used: Vec<u16> = items.iter().map(|it| it.color).collect();
    used.sort_unstable();
    used.dedup();
    let mut id: u16 = 0;
    for u in used {
        if u != id {
            break;
        }
        id = id.saturating_add(1);
    }
    id
}

/// `items` with colour ids `0, 1, 2, …` in order: the colours a new list
/// of items (a built-in scene, an import, an old link) starts with.
#[must_use]
pub fn numbered_colors(mut items: Vec<Item>) -> Vec<Item> {
    for (i, it) in items.iter_mut().enumerate() {
        it.color = u16::try_from(i).unwrap_or(u16::MAX);
    }
    items
}

/// Gives every item whose `explicit[i]` is false the smallest colour id
/// that neither an explicit item nor an earlier filled one has, in order;
/// explicit ids are kept as they are. With no explicit id at all this is
/// [`numbered_colors`], so a list that never named its colours opens as
/// it always did.
///
/// ```
/// use din_core::scene::{fill_colors, Item};
/// let mut items = vec![Item::new("a", &[1.0]), Item::new("b", &[1.0]).with_color(0), Item::new("c", &[1.0])];
/// fill_colors(&mut items, &[false, true, false]);
/// assert_eq!(items.iter().map(|it| it.color).collect::<Vec<_>>(), vec![1, 0, 2]);
/// ```
pub fn fill_colors(items: &mut [Item], explicit: &[bool]) {
    let mut used: std::collections::BTreeSet<u16> =
        items.iter().zip(explicit).filter(|(_, e)| **e).map(|(it, _)| it.color).collect();
    let mut next: u16 = 0;
    for (i, it) in items.iter_mut().enumerate() {
        if explicit.get(i).copied().unwrap_or(false) {
            continue;
        }
        while used.contains(&next) {
            next = next.saturating_add(1);
        }
        it.color = next;
        used.insert(next);
    }
}

/// Which definition of alpha the scene uses (din-notes.md, section 2).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Definition {
    /// The lecture's: a similarity, optionally softmax-normalized.
    Similarity,
    /// The paper's activation unit: without softmax alpha_i = z_i (the
    /// paper's Eq. 3) or sigmoid(z_i) ([`Scene::weight`]); softmax(z/T) as an option.
    Unit,
    /// The authors' code: unit logits, padded slots masked, scaled by
    /// 1/sqrt(d), softmax over `max_len` positions.
    Authors,
}

/// The shipped, trained activation unit for `activation` trained with
/// `alpha = sigmoid(z)` (`weights/{sigmoid,prelu,dice}.json`, embedded at
/// compile time and built once): [`shipped_unit_for`] with
/// [`WeightForm::Sigmoid`].
///
/// `build.rs` packs each file into its numbers (as `f32` bits: each of the
/// file's `f64` rounded to the nearest `f32`, about 7 significant digits)
/// and its `training` object, which is 62 KB less in the wasm module than
/// the files' text; the unit built from them equals
/// [`ActivationUnit::from_json`] of the file with every number rounded to
/// `f32` (a test checks it). Imported units stay `f64`.
///
/// # Errors
/// A [`UnitError`] if the embedded file does not load (a build defect).
pub fn shipped_unit(activation: Activation) -> Result<&'static ActivationUnit, UnitError> {
    shipped_unit_for(activation, WeightForm::Sigmoid)
}

/// The shipped unit for `activation` trained for the weight form
/// `trained`: with `alpha = sigmoid(z)` (`weights/dice.json` ...) or with
/// the paper's `alpha = z` and a small activity penalty on `z`
/// (`weights/dice-z.json` ...; `weights/README.md`). Which one a scene
/// uses is [`Scene::unit_form`].
///
/// ```
/// use din_core::{scene::shipped_unit_for, unit::{Activation, WeightForm}};
/// let z = shipped_unit_for(Activation::Dice, WeightForm::Logit).unwrap();
/// assert_eq!(z.training()["weight"], "z");
/// let s = shipped_unit_for(Activation::Dice, WeightForm::Sigmoid).unwrap();
/// assert!(s.training().get("weight").is_none()); // trained with sigmoid(z)
/// ```
///
/// # Errors
/// A [`UnitError`] if the embedded file does not load (a build defect).
pub fn shipped_unit_for(activation: Activation, trained: WeightForm) -> Result<&'static ActivationUnit, UnitError> {
    type Slot = OnceLock<Result<ActivationUnit, UnitError>>;
    static UNITS: [Slot; 6] = [Slot::new(), Slot::new(), Slot::new(), Slot::new(), Slot::new(), Slot::new()];
    let (slot, load): (_, fn() -> Result<ActivationUnit, UnitError>) = match (activation, trained) {
        (Activation::Sigmoid, WeightForm::Sigmoid) => (&UNITS[0], load_sigmoid),
        (Activation::PReLU, WeightForm::Sigmoid) => (&UNITS[1], load_prelu),
        (Activation::Dice, WeightForm::Sigmoid) => (&UNITS[2], load_dice),
        (Activation::Sigmoid, WeightForm::Logit) => (&UNITS[3], load_sigmoid_z),
        (Activation::PReLU, WeightForm::Logit) => (&UNITS[4], load_prelu_z),
        (Activation::Dice, WeightForm::Logit) => (&UNITS[5], load_dice_z),
    };
    slot.get_or_init(load).as_ref().map_err(Clone::clone)
}

// `load_sigmoid`, `load_prelu`, `load_dice` and their `_z` twins, written by build.rs.
include!(concat!(env!("OUT_DIR"), "/shipped_weights.rs"));

/// A unit from build.rs's packed form: per hidden layer the weight rows,
/// the biases and the activation's parameters, then the output weights and
/// bias, in that order in `numbers`; `training` as JSON text (empty: none).
#[allow(dead_code)] // unused when build.rs embeds every file as text
fn unpack(activation: Activation, d: usize, hidden: &[usize], numbers: &[u32], training: &str) -> Result<ActivationUnit, UnitError> {
    use crate::unit::{HiddenLayer, LayerParams, OutputLayer};
    let mut rest = numbers.iter().map(|&b| f64::from(f32::from_bits(b)));
    let mut take = |n: usize| -> Vec<f64> { rest.by_ref().take(n).collect() };
    let mut layers = Vec::with_capacity(hidden.len());
    let mut inputs = 4 * d;
    for &width in hidden {
        let weight = (0..width).map(|_| take(inputs)).collect();
        let bias = take(width);
        let params = match activation {
            Activation::Sigmoid => LayerParams::Sigmoid,
            Activation::PReLU => LayerParams::PReLU { alpha: take(width) },
            Activation::Dice => LayerParams::Dice { alpha: take(width), mean: take(width), var: take(width) },
        };
        layers.push(HiddenLayer { weight, bias, params });
        inputs = width;
    }
    let weight = take(inputs);
    let bias = take(1).first().copied().unwrap_or(0.0);
    let training = if training.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(training).map_err(|e| UnitError::Json(e.to_string()))?
    };
    ActivationUnit::new(activation, d, layers, OutputLayer { weight, bias }, training)
}

/// Everything that defines the attention on screen.
#[derive(Clone, Debug, PartialEq)]
pub struct Scene {
    /// Name of the scene this state came from (a label only).
    pub name: String,
    /// Identifier of the named candidate `query` was loaded from, or empty
    /// once `q` has been edited (a label only: it never replaces `query`).
    pub candidate: String,
    /// The candidate item's vector `q`, length `d`.
    pub query: Vec<f64>,
    /// The user's LastN items `x_1 .. x_n`.
    pub items: Vec<Item>,
    /// How `q` and `x_i` are compared.
    pub similarity: Similarity,
    /// How similarities become weights.
    pub normalization: Normalization,
    /// Softmax temperature `T > 0`.
    pub temperature: f64,
    /// Which definition of alpha is used.
    pub definition: Definition,
    /// Activation of the unit (for [`Definition::Unit`] and [`Definition::Authors`]).
    pub activation: Activation,
    /// Padded length of the authors' variant (at least n).
    pub max_len: usize,
    /// How the unit's logit becomes the weight under [`Definition::Unit`]
    /// without softmax: `alpha = z` (the paper, the default) or `sigmoid(z)`.
    pub weight: WeightForm,
}

/// Why a scene or an edit was refused. `Display` gives the message shown
/// to the user; it always names the field.
#[derive(Clone, Debug, PartialEq)]
pub enum SceneError {
    /// The text typed into a number field is not a usable number.
    BadNumber { field: String, problem: NumberProblem },
    /// A state field has the wrong type or value.
    Invalid { field: String, reason: Reason },
    /// The vectors do not all have the same length.
    DimensionMismatch { field: String, got: usize, want: usize },
    /// A size limit was exceeded.
    TooLarge { field: String, got: usize, max: usize },
    /// The attention of the resulting scene cannot be computed.
    Attention(AttentionError),
    /// The activation unit cannot be used for this scene.
    Unit(UnitError),
    /// The JSON text itself is malformed.
    Json { line: usize, column: usize, reason: String },
    /// An index or name that does not exist.
    NoSuch { what: String },
    /// A label or name holds a character that is not one line of text: a
    /// control character (U+0000-U+001F, U+007F-U+009F) or a noncharacter
    /// (U+FFFE, U+FFFF, ...); `position` counts characters from 1.
    BadLabel { field: String, code_point: u32, position: usize },
    /// JSON text escapes half of a UTF-16 surrogate pair alone (`"\ud800"`).
    LoneSurrogate { line: usize, column: usize },
    /// JSON text writes a number so close to 0 that it would become 0.
    Underflow { line: usize, column: usize, text: String },
    /// A label or name longer than [`MAX_LABEL`] characters (`E_TOO_LARGE`
    /// on every channel: a patch, a link, `setLabel`).
    LabelTooLong { field: String, chars: usize },
}

/// What is wrong with a number typed as text.
#[derive(Clone, Debug, PartialEq)]
pub enum NumberProblem {
    /// Nothing was typed.
    Empty,
    /// The text is not a number at all.
    NotANumber(String),
    /// A comma was used as decimal separator.
    Comma(String),
    /// The number is too large for `f64`.
    Overflow(String),
    /// NaN or infinity was typed.
    NotFinite(String),
    /// A number other than 0 so close to 0 that it would become 0 (e.g. `1e-400`).
    Underflow(String),
}

impl fmt::Display for SceneError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SceneError::BadNumber { field, problem } => match problem {
                NumberProblem::Empty => write!(f, "{field} is empty: type a number, for example 0.5"),
                NumberProblem::NotANumber(t) => {
                    write!(f, "{field}: \"{t}\" is not a number; type digits such as -1.25 or 3e-2")
                }
                NumberProblem::Comma(t) => {
                    write!(f, "{field}: \"{t}\" uses a comma; use a point as decimal separator, e.g. {}", t.replace(',', "."))
                }
                NumberProblem::Overflow(t) => write!(
                    f,
                    "{field}: {t} is too large; numbers must lie between -1.7e308 and 1.7e308"
                ),
                NumberProblem::NotFinite(t) => {
                    write!(f, "{field}: \"{t}\" is not a finite number; type an ordinary number")
                }
                NumberProblem::Underflow(t) => write!(f, "{field}: {t} {UNDERFLOW_EN}"),
            },
            SceneError::Invalid { field, reason } => write!(f, "{field} {reason}"),
            SceneError::DimensionMismatch { field, got, want } => write!(
                f,
                "{field} has {got} numbers, but the scene's vectors have d = {want}"
            ),
            SceneError::TooLarge { field, got, max } => {
                write!(f, "{field} has {got} entries; at most {max} are allowed")
            }
            SceneError::LabelTooLong { field, chars } => {
                write!(f, "{field} has {chars} characters; at most {MAX_LABEL} are allowed")
            }
            SceneError::Attention(e) => write!(f, "{e}"),
            SceneError::Unit(e) => write!(f, "{e}"),
            SceneError::Json { line, column, reason } => {
                write!(f, "the state is not valid JSON (line {line}, column {column}): {reason}")
            }
            SceneError::NoSuch { what } => write!(f, "there is no {what}"),
            SceneError::BadLabel { field, code_point, position } => {
                write!(f, "{field} contains U+{code_point:04X} ({}) at character {position}; {LABEL_RULE_EN}", char_kind_en(*code_point))
            }
            SceneError::LoneSurrogate { line, column } => {
                write!(f, "the state has a lone surrogate (line {line}, column {column}); {LONE_SURROGATE_EN}")
            }
            SceneError::Underflow { line, column, text } => {
                write!(f, "the state has the number {text} (line {line}, column {column}), which {UNDERFLOW_EN}")
            }
        }
    }
}

impl std::error::Error for SceneError {}

impl From<UnitError> for SceneError {
    fn from(e: UnitError) -> Self {
        SceneError::Unit(e)
    }
}

impl From<AttentionError> for SceneError {
    fn from(e: AttentionError) -> Self {
        SceneError::Attention(e)
    }
}

/// Attention from logits and weights: pooled, mean and the norms, all checked finite.
fn assemble(scores: Vec<f64>, alpha: Vec<f64>, keys: &[f64], d: usize) -> Result<Attention, AttentionError> {
    crate::attention::pool(scores, alpha, keys, d).map_err(AttentionError::OutputOverflow)
}

/// Parses a number typed by a person, explaining any refusal.
///
/// Accepts surrounding spaces, a leading `+`, the Unicode minus sign `−`,
/// and exponents (`3e-2`). Refuses empty text, words, NaN, infinities and
/// numbers beyond the range of `f64`.
///
/// ```
/// use din_core::scene::parse_number;
/// assert_eq!(parse_number("q1", " −0.5 ").unwrap(), -0.5);
/// assert_eq!(parse_number("q1", "3e-2").unwrap(), 0.03);
/// let e = parse_number("q1", "abc").unwrap_err().to_string();
/// assert_eq!(e, "q1: \"abc\" is not a number; type digits such as -1.25 or 3e-2");
/// assert!(parse_number("q1", "1e999").unwrap_err().to_string().contains("too large"));
/// assert!(parse_number("q1", "").unwrap_err().to_string().contains("empty"));
/// ```
///
/// # Errors
/// [`SceneError::BadNumber`] naming `field`.
pub fn parse_number(field: &str, text: &str) -> Result<f64, SceneError> {
    let bad = |problem| SceneError::BadNumber { field: field.to_owned(), problem };
    let t = text.trim();
    if t.is_empty() {
        return Err(bad(NumberProblem::Empty));
    }
    let shown: String = t.chars().take(40).collect();
    let normalized = t.replacen('\u{2212}', "-", 1);
    let lower = normalized.to_ascii_lowercase();
    let word = lower.trim_start_matches(['+', '-']);
    if word.starts_with("nan") || word.starts_with("inf") {
        return Err(bad(NumberProblem::NotFinite(shown)));
    }
    match normalized.parse::<f64>() {
        Ok(v) if v == 0.0 && underflows(&normalized) => Err(bad(NumberProblem::Underflow(shown))),
        Ok(v) if v.is_finite() => Ok(if v == 0.0 { 0.0 } else { v }),
        Ok(_) => Err(bad(NumberProblem::Overflow(shown))),
        Err(_) => {
            if normalized.contains(',') && normalized.replace(',', ".").parse::<f64>().is_ok() {
                Err(bad(NumberProblem::Comma(shown)))
            } else {
                Err(bad(NumberProblem::NotANumber(shown)))
            }
        }
    }
}

impl Scene {
    /// The vectors' length `d`.
    #[must_use]
    pub fn dim(&self) -> usize {
        self.query.len()
    }

    /// The keys as one row-major slice of `n * d` numbers.
    #[must_use]
    pub fn keys(&self) -> Vec<f64> {
        let mut k = Vec::with_capacity(self.items.len() * self.dim());
        for it in &self.items {
            k.extend_from_slice(&it.vector);
        }
        k
    }

    /// The weight form the activation unit on screen was trained for: the
    /// paper's [`WeightForm::Logit`] (`alpha = z`) when the scene shows
    /// `alpha = z` without softmax, else [`WeightForm::Sigmoid`] (the
    /// project's variant, softmax and the authors' code keep the units
    /// trained with `alpha = sigmoid(z)`). The similarity definitions
    /// answer for the unit the "inside the unit" panel shows.
    ///
    /// ```
    /// use din_core::{attention::Normalization, scene::Definition, unit::WeightForm};
    /// let mut s = din_core::presets::preset("interest-intensity").unwrap().scene;
    /// assert_eq!((s.definition, s.normalization, s.weight), (Definition::Unit, Normalization::None, WeightForm::Logit));
    /// assert_eq!(s.unit_form(), WeightForm::Logit);
    /// s.normalization = Normalization::Softmax;
    /// assert_eq!(s.unit_form(), WeightForm::Sigmoid);
    /// ```
    #[must_use]
    pub fn unit_form(&self) -> WeightForm {
        match (self.definition, self.normalization, self.weight) {
            (Definition::Authors, _, _) => WeightForm::Sigmoid,
            (_, Normalization::None, WeightForm::Logit) => WeightForm::Logit,
            _ => WeightForm::Sigmoid,
        }
    }

    /// The shipped activation unit this scene uses: its activation, trained
    /// for [`Scene::unit_form`].
    ///
    /// # Errors
    /// A [`UnitError`] if the embedded file does not load (a build defect).
    pub fn unit(&self) -> Result<&'static ActivationUnit, UnitError> {
        shipped_unit_for(self.activation, self.unit_form())
    }

    /// Computes the attention of this scene.
    ///
    /// # Errors
    /// Overflow of a similarity or a result; for the activation unit, a
    /// scene whose `d` is not the unit's (8).
    pub fn attention(&self) -> Result<Attention, SceneError> {
        self.attention_of(&self.query, &self.prepared_keys())
    }

    /// This scene's [`Scene::keys`] prepared for many queries (checked and
    /// averaged once): a caller that edits q many times keeps it instead of
    /// flattening, checking and averaging the LastN on every edit.
    #[must_use]
    pub fn prepared_keys(&self) -> PreparedKeys {
        PreparedKeys::new(self.keys(), self.dim())
    }

    /// The attention of this scene's settings for `query` against `keys`
    /// (this scene's [`Scene::prepared_keys`]).
    fn attention_of(&self, query: &[f64], prepared: &PreparedKeys) -> Result<Attention, SceneError> {
        let keys = prepared.keys();
        match self.definition {
            Definition::Similarity => {
                Ok(attend_prepared(query, prepared, self.similarity, self.normalization, self.temperature)?)
            }
            Definition::Unit => {
                let unit = self.unit()?;
                let logits = unit.scores(query, keys)?;
                let alpha = match self.normalization {
                    Normalization::None => logits.iter().map(|z| self.weight.weight(*z)).collect(),
                    Normalization::Softmax => softmax(&logits, self.temperature)?,
                };
                Ok(assemble(logits, alpha, keys, self.dim())?)
            }
            Definition::Authors => {
                let unit = self.unit()?;
                let a = unit.authors_alpha(query, keys, self.padded_len())?;
                Ok(assemble(a.logits, a.alpha, keys, self.dim())?)
            }
        }
    }

    /// The q of [`Scene::with_query_value`] and its attention, without
    /// copying the scene: for a valid scene whose prepared LastN is `keys`
    /// (its [`Scene::prepared_keys`]), `Ok((q, att))` here is exactly
    /// `with_query_value(k, value)`'s scene's q and attention, and an error
    /// the same error (a property test checks both). Only q changes, so only
    /// q is checked; the LastN was checked when the scene was made.
    ///
    /// ```
    /// use din_core::presets;
    /// let s = presets::preset("why-din-works").unwrap().scene;
    /// let (q, att) = s.query_edit(0, 0.5, &s.prepared_keys()).unwrap();
    /// let (next, want) = s.with_query_value(0, 0.5).unwrap();
    /// assert_eq!((q, att), (next.query, want));
    /// ```
    ///
    /// # Errors
    /// As [`Scene::with_query_value`].
    pub fn query_edit(&self, k: usize, value: f64, keys: &PreparedKeys) -> Result<(Vec<f64>, Attention), SceneError> {
        let query = self.query_with(k, value)?;
        check_vector("query", &query)?;
        let att = self.attention_of(&query, keys)?;
        Ok((query, att))
    }

    /// Takes the attention settings (definition, similarity, activation,
    /// normalization, temperature) of `other`, keeping this scene's vectors.
    pub fn copy_settings_from(&mut self, other: &Scene) {
        self.similarity = other.similarity;
        self.normalization = other.normalization;
        self.temperature = other.temperature;
        self.activation = other.activation;
        self.weight = other.weight;
        self.definition = if self.dim() == other.dim() { other.definition } else { Definition::Similarity };
    }

    /// The padded length the authors' variant uses: `max_len`, or n when
    /// the LastN has grown past it.
    #[must_use]
    pub fn padded_len(&self) -> usize {
        self.max_len.max(self.items.len())
    }

    /// The name of the definition as the JSON state writes it in `similarity`:
    /// `dot`, `cosine`, `scaled_dot`, `unit` or `authors`.
    #[must_use]
    pub fn similarity_name(&self) -> &'static str {
        match self.definition {
            Definition::Similarity => self.similarity.name(),
            Definition::Unit => "unit",
            Definition::Authors => "authors",
        }
    }

    /// Checks every invariant, and that the attention is computable; returns
    /// the attention on success so callers need not compute it twice.
    ///
    /// # Errors
    /// The first violated rule, naming its field.
    pub fn validate(&self) -> Result<Attention, SceneError> {
        VALIDATIONS.with(|c| c.set(c.get() + 1));
        let d = self.dim();
        if d == 0 {
            return Err(SceneError::Invalid {
                field: "query".into(),
                reason: Reason::EmptyVector,
            });
        }
        if d > MAX_D {
            return Err(SceneError::TooLarge { field: "query".into(), got: d, max: MAX_D });
        }
        if self.items.len() > MAX_N {
            return Err(SceneError::TooLarge { field: "items".into(), got: self.items.len(), max: MAX_N });
        }
        check_label("scene", &self.name)?;
        check_label("candidate", &self.candidate)?;
        check_vector("query", &self.query)?;
        for (i, it) in self.items.iter().enumerate() {
            check_label(&format!("items[{i}].label"), &it.label)?;
            let field = format!("items[{i}].vector");
            if it.vector.len() != d {
                return Err(SceneError::DimensionMismatch { field, got: it.vector.len(), want: d });
            }
            check_vector(&field, &it.vector)?;
        }
        if !self.temperature.is_finite() || self.temperature <= 0.0 {
            return Err(SceneError::Invalid {
                field: "temperature".into(),
                reason: Reason::Temperature(self.temperature),
            });
        }
        if self.max_len > crate::unit::MAX_LEN_LIMIT {
            return Err(SceneError::TooLarge { field: "maxLen".into(), got: self.max_len, max: crate::unit::MAX_LEN_LIMIT });
        }
        self.attention()
    }

    /// The state as the JSON object `din.state()` returns:
    /// `{scene, query, items: [{label, vector, color}], similarity, normalization, temperature}`.
    #[must_use]
    pub fn to_json(&self) -> Value {
        let items: Vec<Value> = self
            .items
            .iter()
            .map(|it| serde_json::json!({ "label": it.label, "vector": it.vector, "color": it.color }))
            .collect();
        serde_json::json!({
            "scene": self.name,
            "candidate": self.candidate,
            "query": self.query,
            "items": items,
            "similarity": self.similarity_name(),
            "activation": self.activation.name(),
            "maxLen": self.max_len,
            "weight": self.weight.name(),
            "normalization": self.normalization.name(),
            "temperature": self.temperature,
        })
    }

    /// Applies a (partial) state given as JSON text; see [`Scene::with_patch`].
    ///
    /// # Errors
    /// [`SceneError::Json`] for malformed text, else as [`Scene::with_patch`].
    pub fn with_patch_json(&self, text: &str) -> Result<(Scene, Attention), SceneError> {
        self.with_patch(&parse_state(text)?)
    }

    /// Returns a new scene with the fields present in `patch` replaced, and
    /// its attention; `self` is never changed. Omitted fields keep their
    /// values; unknown fields are ignored (later features add some). A
    /// `scene` field only renames the scene, it never loads other vectors.
    ///
    /// Numbers may be JSON numbers or the strings `"NaN"`, `"Infinity"`,
    /// `"-Infinity"` (which JS's `JSON.stringify` would otherwise turn into
    /// `null`); the latter are refused with a message naming the field.
    ///
    /// ```
    /// use din_core::presets::default_scene;
    /// let s = default_scene();
    /// let (t, _) = s.with_patch_json(r#"{"temperature": 0.5}"#).unwrap();
    /// assert_eq!(t.temperature, 0.5);
    /// assert_eq!(t.items, s.items);
    /// let e = s.with_patch_json(r#"{"query": [1, 2]}"#).unwrap_err();
    /// assert_eq!(e.to_string(), "query has 2 numbers, but the scene's vectors have d = 8");
    /// ```
    ///
    /// # Errors
    /// The first problem found, naming its field (e.g. `items[2].vector[1]`).
    pub fn with_patch(&self, patch: &Value) -> Result<(Scene, Attention), SceneError> {
        let obj = patch.as_object().ok_or_else(|| SceneError::Invalid {
            field: "state".into(),
            reason: Reason::NotObject(type_name(patch)),
        })?;
        let mut next = self.clone();
        for (key, slot) in [("scene", &mut next.name), ("candidate", &mut next.candidate)] {
            if let Some(v) = obj.get(key) {
                *slot = match v {
                    Value::String(s) => s.clone(),
                    Value::Null => String::new(),
                    other => return Err(wrong_type(key, Expected::String, other)),
                };
            }
        }
        let query = obj.get("query").map(|v| decode_vector("query", v)).transpose()?;
        let items = obj.get("items").map(decode_items).transpose()?;
        match (query, items) {
            (Some(q), Some(items)) => {
                next.query = q;
                next.items = items;
            }
            (Some(q), None) => {
                if !next.items.is_empty() && q.len() != next.dim() {
                    return Err(SceneError::DimensionMismatch { field: "query".into(), got: q.len(), want: next.dim() });
                }
                next.query = q;
            }
            (None, Some(items)) => {
                next.items = items;
            }
            (None, None) => {}
        }
        let d = next.dim();
        if let Some((i, it)) = next.items.iter().enumerate().find(|(_, it)| it.vector.len() != d) {
            return Err(SceneError::DimensionMismatch {
                field: format!("items[{i}].vector"),
                got: it.vector.len(),
                want: d,
            });
        }
        if let Some(v) = obj.get("similarity") {
            let s = v.as_str().ok_or_else(|| wrong_type("similarity", Expected::String, v))?;
            match s {
                "unit" => next.definition = Definition::Unit,
                "authors" => next.definition = Definition::Authors,
                other => {
                    next.similarity = other.parse().map_err(|_| SceneError::Invalid {
                        field: "similarity".into(),
                        reason: Reason::UnknownSimilarity(clip(other)),
                    })?;
                    next.definition = Definition::Similarity;
                }
            }
        }
        if let Some(v) = obj.get("activation") {
            let s = v.as_str().ok_or_else(|| wrong_type("activation", Expected::String, v))?;
            next.activation = s.parse().map_err(|_| UnitError::UnknownActivation(clip(s)))?;
        }
        if let Some(v) = obj.get("weight") {
            let s = v.as_str().ok_or_else(|| wrong_type("weight", Expected::String, v))?;
            next.weight = s.parse().map_err(|_| UnitError::UnknownWeightForm(clip(s)))?;
        }
        if let Some(v) = obj.get("maxLen") {
            let x = decode_number("maxLen", v)?;
            if x < 0.0 || x.fract() != 0.0 || x > crate::unit::MAX_LEN_LIMIT as f64 {
                return Err(SceneError::Invalid {
                    field: "maxLen".into(),
                    reason: Reason::MaxLen { value: x, limit: crate::unit::MAX_LEN_LIMIT },
                });
            }
            next.max_len = x as usize;
        }
        if let Some(v) = obj.get("normalization") {
            let s = v.as_str().ok_or_else(|| wrong_type("normalization", Expected::String, v))?;
            next.normalization = s.parse().map_err(|_| AttentionError::UnknownNormalization(clip(s)))?;
        }
        if let Some(v) = obj.get("temperature") {
            next.temperature = decode_number("temperature", v)?;
        }
        let att = next.validate()?;
        Ok((next, att))
    }

    /// Changes `d`, keeping what it can: shrinking drops the last components
    /// of every vector, growing appends zeros. Returns the new scene and a
    /// sentence saying what was done.
    ///
    /// ```
    /// use din_core::presets::default_scene;
    /// let (s, msg) = default_scene().with_dim(3).unwrap();
    /// assert_eq!(s.query.len(), 3);
    /// assert!(s.items.iter().all(|it| it.vector.len() == 3));
    /// assert_eq!(msg, "d is now 3: kept components 1-3 of every vector and dropped components 4-8.");
    /// assert!(default_scene().with_dim(0).is_err());
    /// ```
    ///
    /// # Errors
    /// [`SceneError::Invalid`] for `d = 0`, [`SceneError::TooLarge`] above [`MAX_D`].
    pub fn with_dim(&self, d: usize) -> Result<(Scene, String), SceneError> {
        if d == 0 {
            return Err(SceneError::Invalid {
                field: "d".into(),
                reason: Reason::ZeroDim,
            });
        }
        if d > MAX_D {
            return Err(SceneError::TooLarge { field: "d".into(), got: d, max: MAX_D });
        }
        let old = self.dim();
        let mut next = self.clone();
        next.query.resize(d, 0.0);
        for it in &mut next.items {
            it.vector.resize(d, 0.0);
        }
        next.validate()?;
        let msg = match d.cmp(&old) {
            std::cmp::Ordering::Equal => format!("d is still {d}: nothing changed."),
            std::cmp::Ordering::Less => format!(
                "d is now {d}: kept components 1-{d} of every vector and dropped {}.",
                if d + 1 == old { format!("component {old}") } else { format!("components {}-{old}", d + 1) }
            ),
            std::cmp::Ordering::Greater => format!(
                "d is now {d}: kept components 1-{old} of every vector and added {} set to 0.",
                if old + 1 == d { format!("component {d}") } else { format!("components {}-{d}", old + 1) }
            ),
        };
        Ok((next, msg))
    }

    /// The new scene after one component of `q` is set from typed text.
    ///
    /// # Errors
    /// A [`SceneError`] naming the field `q{k+1}`.
    pub fn with_query_component(&self, k: usize, text: &str) -> Result<(Scene, Attention), SceneError> {
        self.with_query_value(k, parse_query_component(k, text)?)
    }

    /// q with component `k` set to `value` (not checked further), or
    /// [`SceneError::NoSuch`] for a `k` past d: the one index rule of
    /// [`Scene::with_query_value`] and [`Scene::query_edit`].
    fn query_with(&self, k: usize, value: f64) -> Result<Vec<f64>, SceneError> {
        if k >= self.dim() {
            return Err(SceneError::NoSuch { what: format!("component q{} (d = {})", k + 1, self.dim()) });
        }
        let mut query = self.query.clone();
        query[k] = value;
        Ok(query)
    }

    /// The new scene after `q[k]` is set to `value`.
    ///
    /// # Errors
    /// [`SceneError::NoSuch`] for a bad `k`; otherwise as [`Scene::validate`].
    pub fn with_query_value(&self, k: usize, value: f64) -> Result<(Scene, Attention), SceneError> {
        let query = self.query_with(k, value)?;
        let mut next = self.clone();
        next.query = query;
        let att = next.validate()?;
        Ok((next, att))
    }

    /// The new scene after component `k` of item `i` is set from typed text.
    ///
    /// # Errors
    /// A [`SceneError`] naming the field `x{i+1}[{k+1}]`.
    pub fn with_item_component(&self, i: usize, k: usize, text: &str) -> Result<(Scene, Attention), SceneError> {
        let field = format!("x{} component {}", i + 1, k + 1);
        let v = parse_number(&field, text)?;
        if i >= self.items.len() || k >= self.dim() {
            return Err(SceneError::NoSuch { what: format!("item x{} component {}", i + 1, k + 1) });
        }
        let mut next = self.clone();
        next.items[i].vector[k] = v;
        let att = next.validate()?;
        Ok((next, att))
    }
}

impl Scene {
    /// The new scene with LastN item `i` (0-based) removed. Every other
    /// item keeps its label, vector and colour id.
    ///
    /// ```
    /// use din_core::presets::default_scene;
    /// let s = default_scene();
    /// let (t, _) = s.without_item(0).unwrap();
    /// assert_eq!(t.items.len(), 8);
    /// assert_eq!(t.items[0].color, s.items[1].color);
    /// ```
    ///
    /// # Errors
    /// [`SceneError::NoSuch`] for a bad `i`; otherwise as [`Scene::validate`].
    pub fn without_item(&self, i: usize) -> Result<(Scene, Attention), SceneError> {
        if i >= self.items.len() {
            return Err(SceneError::NoSuch { what: format!("item x{}", i + 1) });
        }
        let mut next = self.clone();
        next.items.remove(i);
        let att = next.validate()?;
        Ok((next, att))
    }

    /// The new scene with LastN item `i` (0-based) renamed; the label follows
    /// the one rule of every channel ([`check_label`]: at most
    /// [`MAX_LABEL`] characters, one line of text). Only the label changes,
    /// so the attention is not recomputed.
    ///
    /// ```
    /// use din_core::presets::default_scene;
    /// let s = default_scene();
    /// assert_eq!(s.with_label(0, "tea").unwrap().items[0].label, "tea");
    /// let long = "a".repeat(201);
    /// let e = s.with_label(0, &long).unwrap_err();
    /// assert_eq!(din_core::errors::Localized::code(&e), "E_TOO_LARGE");
    /// ```
    ///
    /// # Errors
    /// [`SceneError::NoSuch`] for a bad `i`; [`SceneError::LabelTooLong`]
    /// or [`SceneError::BadLabel`] for a label that breaks the rule.
    pub fn with_label(&self, i: usize, label: &str) -> Result<Scene, SceneError> {
        if i >= self.items.len() {
            return Err(SceneError::NoSuch { what: format!("item x{}", i + 1) });
        }
        check_label(&format!("label of x{}", i + 1), label)?;
        let mut next = self.clone();
        next.items[i].label = label.to_owned();
        Ok(next)
    }

    /// The new scene with an item appended; it gets the first colour id no
    /// other item has ([`first_unused_color`]).
    ///
    /// # Errors
    /// [`SceneError::TooLarge`] past [`MAX_N`] items; otherwise as [`Scene::validate`].
    pub fn with_item_added(&self, label: &str, vector: &[f64]) -> Result<(Scene, Attention), SceneError> {
        if self.items.len() >= MAX_N {
            return Err(SceneError::TooLarge { field: "items".into(), got: self.items.len() + 1, max: MAX_N });
        }
        let mut next = self.clone();
        let color = first_unused_color(&next.items);
        next.items.push(Item::new(label, vector).with_color(color));
        let att = next.validate()?;
        Ok((next, att))
    }

    /// The new scene with the temperature `t` (every other setting kept).
    ///
    /// # Errors
    /// As [`Scene::validate`] (a temperature must be finite and above 0).
    pub fn with_temperature(&self, t: f64) -> Result<(Scene, Attention), SceneError> {
        let mut next = self.clone();
        next.temperature = t;
        let att = next.validate()?;
        Ok((next, att))
    }

    /// The new scene named `name` with `items` in place of the LastN (an
    /// import): no named candidate; when the items' d differs from q's, q
    /// becomes the items' mean rounded to 3 decimals. Returns whether q was
    /// so replaced.
    ///
    /// # Errors
    /// As [`Scene::validate`].
    pub fn with_items_imported(&self, name: &str, items: Vec<Item>) -> Result<(Scene, Attention, bool), SceneError> {
        let mut next = self.clone();
        next.name = name.into();
        next.candidate.clear();
        let n = items.len();
        let d = items.first().map_or(0, |it| it.vector.len());
        let mean_q = next.query.len() != d && n > 0;
        if mean_q {
            next.query = (0..d)
                .map(|k| round3(items.iter().map(|it| it.vector.get(k).copied().unwrap_or(0.0)).sum::<f64>() / n as f64))
                .collect();
        }
        next.items = items;
        let att = next.validate()?;
        Ok((next, att, mean_q))
    }
}

/// Checks a label (or a scene or candidate name): at most [`MAX_LABEL`]
/// characters, one line of text ([`label_control`]).
///
/// # Errors
/// [`SceneError::LabelTooLong`] for a label too long, [`SceneError::BadLabel`]
/// for a control character or noncharacter, naming `field`.
pub fn check_label(field: &str, s: &str) -> Result<(), SceneError> {
    let n = s.chars().count();
    if n > MAX_LABEL {
        return Err(SceneError::LabelTooLong { field: field.to_owned(), chars: n });
    }
    if let Some((position, c)) = label_control(s) {
        return Err(SceneError::BadLabel { field: field.to_owned(), code_point: u32::from(c), position });
    }
    Ok(())
}

/// The number typed into q's component `k` (0-based), its field named
/// `q{k+1}` in the refusal: the one reading of q's text fields.
///
/// # Errors
/// As [`parse_number`].
pub fn parse_query_component(k: usize, text: &str) -> Result<f64, SceneError> {
    parse_number(&format!("q{}", k + 1), text)
}

fn check_vector(field: &str, v: &[f64]) -> Result<(), SceneError> {
    match v.iter().position(|x| !x.is_finite()) {
        Some(k) => Err(SceneError::Invalid {
            field: format!("{field}[{k}]"),
            reason: Reason::NotFinite(v[k].to_string()),
        }),
        None => Ok(()),
    }
}

/// At most 40 characters of untrusted text, for messages (a longer text
/// ends in `…`), so a refusal never repeats a whole field back.

/// `v` rounded to 3 decimals, without a negative zero: the one rounding
/// of every number the page makes up (generated and imported items, q set
/// to the items' mean, the catalogue, readouts). A value too large to
/// scale stays as it is.
///
/// ```
/// use din_core::scene::round3;
/// assert_eq!(round3(0.12345), 0.123);
/// assert_eq!(round3(-0.0004).to_bits(), 0.0_f64.to_bits());
/// assert_eq!(round3(1e306), 1e306);
/// ```
#[must_use]
pub fn round3(v: f64) -> f64 {
    let scaled = v * 1000.0;
    if !scaled.is_finite() {
        return v;
    }
    let r = scaled.round() / 1000.0;
    if r == 0.0 { 0.0 } else { r }
}

fn type_name(v: &Value) -> JsonType {
    match v {
        Value::Null => JsonType::Null,
        Value::Bool(_) => JsonType::Boolean,
        Value::Number(_) => JsonType::Number,
        Value::String(_) => JsonType::String,
        Value::Array(_) => JsonType::Array,
        Value::Object(_) => JsonType::Object,
    }
}

fn wrong_type(field: &str, want: Expected, got: &Value) -> SceneError {
    SceneError::Invalid { field: field.to_owned(), reason: Reason::WrongType { want, got: type_name(got) } }
}

/// Parses the JSON text of a (partial) state.
///
/// ```
/// use din_core::scene::{parse_state, SceneError};
/// assert!(parse_state(r#"{"temperature": 2}"#).is_ok());
/// assert!(matches!(parse_state("{\n,}"), Err(SceneError::Json { line: 2, .. })));
/// ```
///
/// # Errors
/// [`SceneError::Json`] with the line and column of the first problem.
pub fn parse_state(text: &str) -> Result<Value, SceneError> {
    if text.len() > MAX_STATE_BYTES {
        return Err(SceneError::TooLarge { field: "state (bytes of JSON)".into(), got: text.len(), max: MAX_STATE_BYTES });
    }
    let value: Value = serde_json::from_str(text).map_err(|e| match json_lone_surrogate(text) {
        Some((line, column)) => SceneError::LoneSurrogate { line, column },
        None => SceneError::Json { line: e.line(), column: e.column(), reason: json_reason(&e) },
    })?;
    if let Some((line, column, text)) = json_underflow(text) {
        return Err(SceneError::Underflow { line, column, text });
    }
    Ok(value)
}

fn json_reason(e: &serde_json::Error) -> String {
    // serde_json appends " at line L column C"; we report those separately.
    let s = e.to_string();
    match s.rfind(" at line ") {
        Some(p) => s[..p].to_owned(),
        None => s,
    }
}

fn decode_number(field: &str, v: &Value) -> Result<f64, SceneError> {
    match v {
        Value::Number(n) => n.as_f64().filter(|x| x.is_finite()).ok_or_else(|| SceneError::Invalid {
            field: field.to_owned(),
            reason: Reason::OutOfRange,
        }),
        Value::String(s) if matches!(s.as_str(), "NaN" | "Infinity" | "-Infinity") => {
            Err(SceneError::Invalid { field: field.to_owned(), reason: Reason::NotFinite(s.clone()) })
        }
        Value::Null => Err(SceneError::Invalid {
            field: field.to_owned(),
            reason: Reason::NotFinite("null".into()),
        }),
        other => Err(wrong_type(field, Expected::FiniteNumber, other)),
    }
}

fn decode_vector(field: &str, v: &Value) -> Result<Vec<f64>, SceneError> {
    let arr = v.as_array().ok_or_else(|| wrong_type(field, Expected::NumberArray, v))?;
    if arr.is_empty() {
        return Err(SceneError::Invalid {
            field: field.to_owned(),
            reason: Reason::EmptyVector,
        });
    }
    if arr.len() > MAX_D {
        return Err(SceneError::TooLarge { field: field.to_owned(), got: arr.len(), max: MAX_D });
    }
    arr.iter()
        .enumerate()
        .map(|(k, x)| decode_number(&format!("{field}[{k}]"), x))
        .collect()
}

fn decode_items(v: &Value) -> Result<Vec<Item>, SceneError> {
    let arr = v.as_array().ok_or_else(|| wrong_type("items", Expected::ItemArray, v))?;
    if arr.len() > MAX_N {
        return Err(SceneError::TooLarge { field: "items".into(), got: arr.len(), max: MAX_N });
    }
    let mut out = Vec::with_capacity(arr.len());
    let mut explicit = Vec::with_capacity(arr.len());
    for (i, it) in arr.iter().enumerate() {
        let field = format!("items[{i}]");
        let obj: &Map<String, Value> =
            it.as_object().ok_or_else(|| wrong_type(&field, Expected::ItemObject, it))?;
        let label = match obj.get("label") {
            None | Some(Value::Null) => format!("x{}", i + 1),
            Some(Value::String(s)) => s.clone(),
            Some(other) => return Err(wrong_type(&format!("{field}.label"), Expected::String, other)),
        };
        check_label(&format!("{field}.label"), &label)?;
        let vector = match obj.get("vector") {
            Some(v) => decode_vector(&format!("{field}.vector"), v)?,
            None => {
                return Err(SceneError::Invalid { field: format!("{field}.vector"), reason: Reason::Missing })
            }
        };
        let color = match obj.get("color") {
            None | Some(Value::Null) => None,
            Some(v) => Some(decode_color(&format!("{field}.color"), v)?),
        };
        explicit.push(color.is_some());
        out.push(Item { label, vector, color: color.unwrap_or(0) });
    }
    fill_colors(&mut out, &explicit);
    Ok(out)
}

/// A colour id: a whole number from 0 to 65535.
fn decode_color(field: &str, v: &Value) -> Result<u16, SceneError> {
    let bad = || SceneError::Invalid {
        field: field.to_owned(),
        reason: Reason::ColorId(v.to_string()),
    };
    let x = v.as_f64().ok_or_else(bad)?;
    if x.fract() != 0.0 || !(0.0..=f64::from(u16::MAX)).contains(&x) {
        return Err(bad());
    }
    Ok(x as u16)
}

// ---------------------------------------------------------------------------
// Text rules shared by every channel (issue 14): labels are one line of
// text, lone surrogates are refused, numbers that would become 0 are refused.

thread_local! {
    static VALIDATIONS: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

/// How many times [`Scene::validate`] (which computes the attention) ran on
/// this thread: tests assert on work done, e.g. that one API call validates
/// a scene a fixed number of times whatever its input, not on time.
#[must_use]
pub fn validations() -> u64 {
    VALIDATIONS.with(std::cell::Cell::get)
}

/// Why every channel refuses control characters in labels, in English.
pub const LABEL_RULE_EN: &str = "labels are one line of text, without control characters";
/// The same, in Chinese.
pub const LABEL_RULE_ZH: &str = "名称必须是一行文本，不能含控制字符";
/// Why a lone surrogate is refused, in English.
pub const LONE_SURROGATE_EN: &str = "it is half of a UTF-16 character pair, not a character; remove it or complete the pair";
/// The same, in Chinese.
pub const LONE_SURROGATE_ZH: &str = "它是 UTF-16 代理对的一半，不是字符；请删除它或补全这对字符";
/// Why a number that would become 0 is refused, in English.
pub const UNDERFLOW_EN: &str = "is too close to 0 to be represented and would become 0; write 0, or a number of at least 1e-307 in size";
/// The same, in Chinese.
pub const UNDERFLOW_ZH: &str = "太接近 0，无法表示，会变成 0；请写 0，或绝对值不小于 1e-307 的数";

/// Whether `c` may not appear in a label: a control character (category
/// Cc: U+0000-U+001F and U+007F-U+009F, line breaks and tabs included) or a
/// noncharacter (U+FDD0-U+FDEF and the last two code points of every
/// plane, e.g. U+FFFE and U+FFFF). XML 1.0 cannot carry most of them, so
/// an SVG export with such a label would not parse.
#[must_use]
pub fn is_label_control(c: char) -> bool {
    let u = u32::from(c);
    c.is_control() || (0xFDD0..=0xFDEF).contains(&u) || (u & 0xFFFE) == 0xFFFE
}

/// The first character of `s` that may not appear in a label, with its
/// position (1-based, in characters).
///
/// ```
/// use din_core::scene::label_control;
/// assert_eq!(label_control("ramen 拉面"), None);
/// assert_eq!(label_control("a\u{1}b"), Some((2, '\u{1}')));
/// assert_eq!(label_control("two\nlines"), Some((4, '\n')));
/// assert_eq!(label_control("x\u{FFFF}"), Some((2, '\u{FFFF}')));
/// ```
#[must_use]
pub fn label_control(s: &str) -> Option<(usize, char)> {
    s.chars().enumerate().find(|(_, c)| is_label_control(*c)).map(|(i, c)| (i + 1, c))
}

/// What kind of character `code_point` is, for messages, in English.
#[must_use]
pub fn char_kind_en(code_point: u32) -> &'static str {
    match code_point {
        0x0A | 0x0D | 0x85 => "a line break",
        0x09 => "a tab",
        _ if char::from_u32(code_point).is_some_and(char::is_control) => "a control character",
        _ => "a noncharacter",
    }
}

/// The same, in Chinese.
#[must_use]
pub fn char_kind_zh(code_point: u32) -> &'static str {
    match code_point {
        0x0A | 0x0D | 0x85 => "换行符",
        0x09 => "制表符",
        _ if char::from_u32(code_point).is_some_and(char::is_control) => "控制字符",
        _ => "非字符",
    }
}

/// Whether number text whose value parsed to 0 names a number other than
/// 0 (a digit 1-9 before any exponent): it underflowed.
fn underflows(text: &str) -> bool {
    let mantissa = text.split(['e', 'E']).next().unwrap_or("");
    mantissa.bytes().any(|b| (b'1'..=b'9').contains(&b))
}

/// Where JSON text first escapes half of a surrogate pair alone (a `\\uD800`
/// not followed by a `\\uDC00`-`\\uDFFF` escape, or such a low half on its
/// own), as line and column (1-based); `JSON.stringify` writes a JS
/// string's lone surrogate that way.
fn json_lone_surrogate(text: &str) -> Option<(usize, usize)> {
    let bytes = text.as_bytes();
    let escape_at = |i: usize| -> Option<u32> {
        let hex = bytes.get(i..i + 6)?;
        if hex[0] != b'\\' || hex[1] != b'u' {
            return None;
        }
        u32::from_str_radix(std::str::from_utf8(&hex[2..]).ok()?, 16).ok()
    };
    let place = |i: usize| {
        let before = &text[..i];
        (before.matches('\n').count() + 1, before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1)
    };
    let (mut i, mut in_string) = (0, false);
    while i < bytes.len() {
        match (in_string, bytes[i]) {
            (false, b'"') => in_string = true,
            (true, b'"') => in_string = false,
            (true, b'\\') => {
                match escape_at(i) {
                    Some(0xD800..=0xDBFF) => {
                        if !matches!(escape_at(i + 6), Some(0xDC00..=0xDFFF)) {
                            return Some(place(i));
                        }
                        i += 12;
                        continue;
                    }
                    Some(0xDC00..=0xDFFF) => return Some(place(i)),
                    _ => i += 1, // the escaped character is skipped below
                }
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// The first number in JSON text that underflows to 0 (see
/// [`NumberProblem::Underflow`]), with its line and column (1-based); only
/// numbers with a negative exponent or of more than 300 characters can.
fn json_underflow(text: &str) -> Option<(usize, usize, String)> {
    let bytes = text.as_bytes();
    let (mut i, mut in_string) = (0, false);
    while i < bytes.len() {
        let b = bytes[i];
        if in_string {
            match b {
                b'\\' => i += 1,
                b'"' => in_string = false,
                _ => {}
            }
            i += 1;
            continue;
        }
        if b == b'"' {
            in_string = true;
            i += 1;
            continue;
        }
        if b == b'-' || b.is_ascii_digit() {
            let start = i;
            while i < bytes.len() && matches!(bytes[i], b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E') {
                i += 1;
            }
            let token = &text[start..i];
            let small_exponent = token.contains("e-") || token.contains("E-");
            if (small_exponent || token.len() > 300) && token.parse::<f64>() == Ok(0.0) && underflows(token) {
                let before = &text[..start];
                let line = before.matches('\n').count() + 1;
                let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
                return Some((line, column, clip(token)));
            }
            continue;
        }
        i += 1;
    }
    None
}


#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_units_equal_the_weight_files() {
        let files = [
            (Activation::Sigmoid, WeightForm::Sigmoid, include_str!("../../../weights/sigmoid.json")),
            (Activation::PReLU, WeightForm::Sigmoid, include_str!("../../../weights/prelu.json")),
            (Activation::Dice, WeightForm::Sigmoid, include_str!("../../../weights/dice.json")),
            (Activation::Sigmoid, WeightForm::Logit, include_str!("../../../weights/sigmoid-z.json")),
            (Activation::PReLU, WeightForm::Logit, include_str!("../../../weights/prelu-z.json")),
            (Activation::Dice, WeightForm::Logit, include_str!("../../../weights/dice-z.json")),
        ];
        // build.rs packs each number as the nearest f32 (half the bytes);
        // the shipped unit is the file's unit with every number so rounded.
        let round = |xs: &mut Vec<f64>| xs.iter_mut().for_each(|x| *x = f64::from(*x as f32));
        for (activation, trained, text) in files {
            let exact = ActivationUnit::from_json(text).unwrap();
            let mut layers: Vec<crate::unit::HiddenLayer> = exact.layers().to_vec();
            for l in &mut layers {
                l.weight.iter_mut().for_each(&round);
                round(&mut l.bias);
                match &mut l.params {
                    crate::unit::LayerParams::Sigmoid => {}
                    crate::unit::LayerParams::PReLU { alpha } => round(alpha),
                    crate::unit::LayerParams::Dice { alpha, mean, var } => [alpha, mean, var].into_iter().for_each(&round),
                }
            }
            let mut output = exact.output().clone();
            round(&mut output.weight);
            output.bias = f64::from(output.bias as f32);
            let from_file = ActivationUnit::new(activation, exact.d(), layers, output, exact.training().clone()).unwrap();
            let shipped = shipped_unit_for(activation, trained).unwrap();
            assert_eq!(shipped.activation(), activation);
            // Each file says which weight form it was trained for (the
            // sigmoid files by having no "weight" key).
            assert_eq!(shipped.training().get("weight").and_then(Value::as_str).unwrap_or("sigmoid"), trained.name());
            if trained == WeightForm::Sigmoid {
                assert!(std::ptr::eq(shipped, shipped_unit(activation).unwrap()));
            }
            assert_ne!(exact, from_file, "{activation} {trained}: the rounding must be visible to this test");
            assert_eq!(*shipped, from_file, "{activation} {trained}");
            // Within f32's precision of the trained numbers.
            let (a, b) = (exact.scores(&[0.3; 8][..exact.d()], &[0.5; 16][..2 * exact.d()]).unwrap(), shipped.scores(&[0.3; 8][..exact.d()], &[0.5; 16][..2 * exact.d()]).unwrap());
            assert!(a.iter().zip(&b).all(|(x, y)| (x - y).abs() < 1e-5), "{activation} {trained}: {a:?} vs {b:?}");
            // Bit for bit, not only ==: -0.0 and 0.0 compare equal.
            let bits = |u: &ActivationUnit| -> Vec<u64> {
                let mut v = Vec::new();
                for l in u.layers() {
                    v.extend(l.weight.iter().flatten().chain(&l.bias).map(|x| x.to_bits()));
                    if let crate::unit::LayerParams::PReLU { alpha } = &l.params {
                        v.extend(alpha.iter().map(|x| x.to_bits()));
                    }
                    if let crate::unit::LayerParams::Dice { alpha, mean, var } = &l.params {
                        v.extend(alpha.iter().chain(mean).chain(var).map(|x| x.to_bits()));
                    }
                }
                v.extend(u.output().weight.iter().map(|x| x.to_bits()));
                v.push(u.output().bias.to_bits());
                v
            };
            assert_eq!(bits(shipped), bits(&from_file), "{activation} {trained}");
            assert_eq!(shipped.to_json(), from_file.to_json(), "{activation} {trained}");
        }
    }

    #[test]
    fn oversized_state_json_is_refused_before_parsing() {
        let big = format!("{{\"temperature\": 1{}}}", " ".repeat(MAX_STATE_BYTES));
        let e = parse_state(&big).unwrap_err();
        assert!(matches!(e, SceneError::TooLarge { max: MAX_STATE_BYTES, .. }), "{e}");
        assert!(e.to_string().contains("state (bytes of JSON)"), "{e}");
        assert!(parse_state(r#"{"temperature": 1}"#).is_ok());
    }
    use crate::presets::default_scene;

    #[test]
    fn number_messages() {
        let m = |t: &str| parse_number("q1", t).unwrap_err().to_string();
        assert_eq!(m(""), "q1 is empty: type a number, for example 0.5");
        assert_eq!(m("   "), "q1 is empty: type a number, for example 0.5");
        assert!(m("abc").contains("\"abc\" is not a number"));
        assert!(m("1e999").contains("1e999 is too large"));
        assert!(m("NaN").contains("not a finite number"));
        assert!(m("-inf").contains("not a finite number"));
        assert!(m("0,5").contains("use a point"));
        assert_eq!(parse_number("q1", "+2").unwrap(), 2.0);
        assert_eq!(parse_number("q1", "-0").unwrap().to_bits(), 0f64.to_bits());
    }

    #[test]
    fn patch_keeps_omitted_fields_and_rejects_whole() {
        let s = default_scene();
        let (t, _) = s.with_patch_json(r#"{"similarity": "cosine", "future_field": 3}"#).unwrap();
        assert_eq!(t.similarity, Similarity::Cosine);
        assert_eq!(t.query, s.query);
        let e = s
            .with_patch_json(r#"{"temperature": 2, "items": [{"label": "a", "vector": [1, 2, 3, 4, 5, 6, 7, "NaN"]}]}"#)
            .unwrap_err();
        assert_eq!(e.to_string(), "items[0].vector[7] is NaN, not a finite number");
        let e = s.with_patch_json("{\"query\": [1,\n 2,]}").unwrap_err();
        assert!(matches!(e, SceneError::Json { line: 2, .. }), "{e:?}");
        let e = s.with_patch_json("[1]").unwrap_err();
        assert!(e.to_string().starts_with("state must be an object"));
        let e = s.with_patch_json(r#"{"query": [1e200, 1e200], "items": [{"vector": [1e200, 1e200]}]}"#).unwrap_err();
        assert!(matches!(e, SceneError::Attention(AttentionError::Overflow { .. })));
    }

    #[test]
    fn patch_new_dimension_with_both() {
        let s = default_scene();
        let (t, a) = s
            .with_patch_json(r#"{"scene": "tiny", "query": [1, 0], "items": [{"label": "a", "vector": [1, 0]}, {"vector": [0, 1]}]}"#)
            .unwrap();
        assert_eq!(t.dim(), 2);
        assert_eq!(t.name, "tiny");
        assert_eq!(t.items[1].label, "x2");
        assert_eq!(a.alpha.len(), 2);
        let e = s.with_patch_json(r#"{"items": [{"vector": [1, 0]}]}"#).unwrap_err();
        assert_eq!(e.to_string(), "items[0].vector has 2 numbers, but the scene's vectors have d = 8");
    }

    #[test]
    fn state_round_trip() {
        let s = default_scene();
        let json = s.to_json().to_string();
        let (t, _) = s.with_patch_json(&json).unwrap();
        assert_eq!(s, t);
    }

    #[test]
    fn dim_changes_say_what_they_did() {
        let s = default_scene();
        let (t, m) = s.with_dim(10).unwrap();
        assert_eq!(m, "d is now 10: kept components 1-8 of every vector and added components 9-10 set to 0.");
        assert_eq!(&t.query[..8], &s.query[..]);
        assert_eq!(t.query[9], 0.0);
        let (_, m) = s.with_dim(7).unwrap();
        assert_eq!(m, "d is now 7: kept components 1-7 of every vector and dropped component 8.");
        assert!(s.with_dim(0).unwrap_err().to_string().contains("cannot be 0"));
    }

    #[test]
    fn component_edits() {
        let s = default_scene();
        let (t, _) = s.with_query_component(0, "2.5").unwrap();
        assert_eq!(t.query[0], 2.5);
        assert!(s.with_query_component(0, "abc").is_err());
        assert!(s.with_query_component(99, "1").is_err());
        let (t, _) = s.with_item_component(1, 2, "-1").unwrap();
        assert_eq!(t.items[1].vector[2], -1.0);
        let e = s.with_item_component(1, 2, "").unwrap_err().to_string();
        assert_eq!(e, "x2 component 3 is empty: type a number, for example 0.5");
    }

    // ----------------------------------------------------------- colour identity (issue 11 §4)

    fn colors(s: &Scene) -> Vec<u16> {
        s.items.iter().map(|it| it.color).collect()
    }

    #[test]
    fn removing_an_item_keeps_every_other_colour_id() {
        // The colours drawn for these ids, in every theme: din-draw's
        // tests/item_colours.rs.
        for p in crate::presets::PRESET_IDS.iter().filter_map(|id| crate::presets::preset(id)) {
            let s = p.scene;
            for i in 0..s.items.len() {
                let (t, _) = s.without_item(i).unwrap();
                let before: Vec<u16> = s.items.iter().enumerate().filter(|&(j, _)| j != i).map(|(_, it)| it.color).collect();
                assert_eq!(before, colors(&t), "{}: removing x{} renumbered others", p.id, i + 1);
            }
        }
        assert!(matches!(default_scene().without_item(9), Err(SceneError::NoSuch { .. })));
    }

    #[test]
    fn a_new_item_gets_the_first_unused_colour() {
        let s = default_scene();
        assert_eq!(colors(&s), (0..9).collect::<Vec<u16>>());
        let (t, _) = s.without_item(0).unwrap();
        let (u, _) = t.with_item_added("tea", &[0.0; 8]).unwrap();
        assert_eq!(u.items[8].color, 0, "x1's colour is free again");
        let (v, _) = u.with_item_added("coffee", &[0.0; 8]).unwrap();
        assert_eq!(v.items[9].color, 9);
        // Past the 12 colours the ids go on (13, 14, …) and the colours
        // repeat with period 12: id k is drawn in colour k mod 12.
        let mut w = default_scene();
        for k in 0..6 {
            w = w.with_item_added(&format!("i{k}"), &[0.0; 8]).unwrap().0;
        }
        assert_eq!(colors(&w), (0..15).collect::<Vec<u16>>());
    }

    #[test]
    fn json_keeps_colour_ids_and_fills_missing_ones() {
        let (s, _) = default_scene().without_item(0).unwrap();
        let json = s.to_json().to_string();
        assert!(json.contains("\"color\":1"), "{json}");
        let (t, _) = default_scene().with_patch_json(&json).unwrap();
        assert_eq!(colors(&t), (1..9).collect::<Vec<u16>>());
        assert_eq!(t, s);
        // Items without colour ids get the smallest ids the others leave free, in order.
        let (u, _) = s
            .with_patch_json(r#"{"items": [{"vector": [1,0,0,0,0,0,0,0], "color": 1}, {"vector": [0,1,0,0,0,0,0,0]}, {"vector": [0,0,1,0,0,0,0,0]}]}"#)
            .unwrap();
        assert_eq!(colors(&u), vec![1, 0, 2]);
        for bad in ["-1", "1.5", "65536", "\"red\""] {
            let e = s.with_patch_json(&format!(r#"{{"items": [{{"vector": [1,0,0,0,0,0,0,0], "color": {bad}}}]}}"#)).unwrap_err();
            assert!(e.to_string().starts_with("items[0].color must be a whole number from 0 to 65535"), "{bad}: {e}");
        }
    }

    #[test]
    fn labels_are_one_line_of_text_everywhere() {
        let s = default_scene();
        for (label, cp, kind) in [("a\u{1}b", "0001", "a control character"), ("two\nlines", "000A", "a line break"), ("x\u{FFFF}", "FFFF", "a noncharacter"), ("\u{7f}", "007F", "a control character")] {
            let patch = serde_json::json!({ "items": [{ "label": label, "vector": [0, 0, 0, 0, 0, 0, 0, 0] }] });
            let e = s.with_patch(&patch).unwrap_err();
            assert_eq!(crate::errors::Localized::code(&e), "E_LABEL_CONTROL");
            assert!(e.to_string().starts_with(&format!("items[0].label contains U+{cp} ({kind}) at character")), "{e}");
            assert!(e.to_string().ends_with(LABEL_RULE_EN), "{e}");
        }
        // Format characters, separators and emoji are text.
        for ok in ["\u{202E}rtl\u{202C}", "zero\u{200B}width", "line\u{2028}sep", "👩\u{200D}👧", "\u{a0}nbsp"] {
            assert_eq!(label_control(ok), None, "{ok:?}");
        }
        let e = s.with_patch_json(r#"{"scene": "a\u0001"}"#).unwrap_err();
        assert!(matches!(e, SceneError::BadLabel { ref field, .. } if field == "scene"), "{e:?}");
    }

    #[test]
    fn json_text_refuses_lone_surrogates_and_numbers_that_would_become_zero() {
        for (text, nth) in [(r#"{"scene": "a\ud800b"}"#, 0), (r#"{"scene": "\ud800"}"#, 0), (r#"{"scene": "\udc00x"}"#, 0), ("{\n \"scene\": \"\\ud83d\\u0041\"}", 0), (r#"{"a": "\ud83d\ude00", "b": "\udbff"}"#, 2)] {
            let e = parse_state(text).unwrap_err();
            // Where the lone half's backslash is.
            let at = text.match_indices("\\u").nth(nth).unwrap().0;
            let line = text[..at].matches('\n').count() + 1;
            let column = at - text[..at].rfind('\n').map_or(0, |p| p + 1) + 1;
            assert_eq!(e, SceneError::LoneSurrogate { line, column }, "{text}");
            assert_eq!(crate::errors::Localized::code(&e), "E_LONE_SURROGATE");
        }
        // A whole pair is a character.
        assert_eq!(parse_state(r#"{"scene": "\ud83d\ude00"}"#).unwrap()["scene"], "😀");
        let e = parse_state(r#"{"temperature": 1e-400}"#).unwrap_err();
        assert_eq!(e, SceneError::Underflow { line: 1, column: 17, text: "1e-400".into() });
        assert_eq!(e.to_string(), "the state has the number 1e-400 (line 1, column 17), which is too close to 0 to be represented and would become 0; write 0, or a number of at least 1e-307 in size");
        // Zero written any way, subnormals and numbers inside strings are fine.
        assert!(parse_state(r#"{"query": [0e-400, 0.0, -0, 1e-320, 5e-324], "scene": "1e-400"}"#).is_ok());
        assert!(matches!(parse_number("q1", "1e-400"), Err(SceneError::BadNumber { problem: NumberProblem::Underflow(_), .. })));
        assert_eq!(parse_number("q1", "0e-400").unwrap(), 0.0);
        assert!(parse_number("q1", "4.9e-324").unwrap() > 0.0);
    }

    #[test]
    fn long_labels_refused() {
        let s = default_scene();
        let long = "a".repeat(201);
        let e = s
            .with_patch_json(&format!(r#"{{"items": [{{"label": "{long}", "vector": [0,0,0,0,0,0,0,0]}}]}}"#))
            .unwrap_err();
        assert!(e.to_string().contains("items[0].label has 201 characters"));
    }
}
