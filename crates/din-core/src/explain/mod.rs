//! What the numbers on screen say, in words, English beside Chinese.
//!
//! The one place where the page's sentences and formulas are computed from
//! the numbers, English beside Chinese, one submodule per part (`formulas`,
//! `shares`, `caption`, `item`); this file holds the writers they share
//! (`fmt_num`, `term`, `pct`, `sub`, `item_name`); `tests` recomputes every
//! sentence.
//!
//! * Formulas: [`score_formula`], [`alpha_formula`], [`definition_text`],
//!   [`settings_texts`] — every formula a panel or the settings print, one
//!   function per formula, so that a label cannot say another thing than
//!   the computation ([`crate::scene::Scene::attention`]) does.
//! * [`category_shares`]: the share of the weights per interest category
//!   (food, make-up, cars ...) next to the plain average's share.
//! * [`caption`]: the sentences that state an outcome ("the weights are
//!   nearly flat", "the food items get 78 % of the weight"), chosen by the
//!   rules of [`Outcome::of`] from the current numbers, never from the
//!   scene's name.
//! * [`explain_item`]: how one item's α was computed (the similarity with
//!   the two vectors' numbers or the unit's logit, the normalisation, the
//!   result), for the tooltips of the bars, the map and the Q/K/V rows.
//!
//! Numbers are printed by [`fmt_num`], the one formatter of every chart.
//! Pure: no plotters, no web crate.

use crate::attention::{norm, Attention, Normalization, Similarity};
use crate::i18n::Lang;
use crate::presets::{Category, Preset};
use crate::scene::{Definition, Scene};
use crate::unit::{Activation, WeightForm, AUTHORS_PAD_SCORE};

// ---------------------------------------------------------------------------
// Small helpers.

/// A number as every chart prints it: up to 3 decimals without trailing
/// zeros, 3 significant digits in exponent form outside `[0.001, 10000)`,
/// and the minus sign `−`.
///
/// ```
/// use din_core::explain::fmt_num;
/// assert_eq!(fmt_num(0.125), "0.125");
/// assert_eq!(fmt_num(1.0), "1");
/// assert_eq!(fmt_num(-0.5), "−0.5");
/// assert_eq!(fmt_num(123456.0), "1.23e5");
/// assert_eq!(fmt_num(0.0001234), "1.23e−4");
/// ```
#[must_use]
pub fn fmt_num(v: f64) -> String {
    let a = v.abs();
    let s = if a != 0.0 && !(0.001..10_000.0).contains(&a) {
        let e = a.log10().floor() as i32;
        let m = v / 10f64.powi(e);
        let m = format!("{m:.2}");
        let m = m.trim_end_matches('0').trim_end_matches('.');
        format!("{m}e{e}")
    } else {
        let s = format!("{v:.3}");
        let s = s.trim_end_matches('0').trim_end_matches('.').to_owned();
        if s == "-0" { "0".to_owned() } else { s }
    };
    s.replace('-', "−")
}

/// A number in parentheses when it is negative, for sums written out: `(−0.3)`.
fn term(v: f64) -> String {
    let s = fmt_num(v);
    if s.starts_with('−') { format!("({s})") } else { s }
}

/// A fraction as a whole percentage: `0.781` → `78%`.
fn pct(f: f64) -> String {
    format!("{}%", (f * 100.0).round())
}

/// `k` in Unicode subscript digits (`12` → `₁₂`).
fn sub(k: usize) -> String {
    k.to_string().chars().map(|c| c.to_digit(10).and_then(|d| char::from_u32(0x2080 + d)).unwrap_or(c)).collect()
}

/// An item's name in sentences: `x₄ lipstick 口红` (or `x₄` without a label).
fn item_name(scene: &Scene, i: usize) -> String {
    let label = scene.items.get(i).map_or("", |it| it.label.trim());
    let mut short: String = label.chars().take(24).collect();
    if label.chars().count() > 24 {
        short.push('…');
    }
    if short.is_empty() { format!("x{}", sub(i + 1)) } else { format!("x{} {short}", sub(i + 1)) }
}

fn activation_name(a: Activation) -> &'static str {
    match a {
        Activation::Sigmoid => "sigmoid",
        Activation::PReLU => "PReLU",
        Activation::Dice => "Dice",
    }
}

mod alt;
mod caption;
mod formulas;
mod item;
mod shares;

pub use alt::*;
pub use caption::*;
pub use formulas::*;
pub use item::*;
pub use shares::*;

#[cfg(test)]
mod tests;
