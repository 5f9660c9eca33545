//! The step-through's policy: what each step of the build-up (deck pp.
//! 4-10) reveals, the numbers its pictures draw, and the setting it
//! shows the lecture with. Pure: no drawing, no web; the lecture panels
//! ([`crate::lecture::draw_steps`]) and the wasm layer call it.
//!
//! Steps count from 0 for `n` LastN items:
//!
//! | step | shows |
//! |---|---|
//! | 0 | the vectors `x_1..x_n` and the candidate `q` |
//! | `k` in `1..=n` | the weights `α_1..α_k` |
//! | `n + 1` ([`products_step`]) | each `α_i × x_i` |
//! | `n + 2` ([`sum_step`]) | the weighted sum `Σ α_i x_i` (pooled) beside the mean |
//! | `n + 3` | the weighted sum fed to the ranking model |
//!
//! While the step-through is on, the other panels show only what the
//! steps have revealed ([`Reveal`]): no weight before its step, no pooled
//! or mean before the weighted sum.

use crate::attention::{Attention, Normalization, Similarity};
use crate::scene::{Definition, Scene};
use crate::unit::Activation;

/// Number of steps for `n` LastN items: the vectors, one step per
/// weight, the products, the weighted sum, the ranking model.
///
/// ```
/// assert_eq!(din_core::steps::steps_total(9), 13);
/// ```
#[must_use]
pub fn steps_total(n: usize) -> usize {
    n + 4
}

/// A requested step checked against `n` items ([`check_step`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StepCheck {
    /// A step of the scene.
    At(usize),
    /// A whole number past the last step (`last`); the link shows `last`,
    /// a state object is refused.
    PastLast {
        /// The last step, `steps_total(n) - 1`.
        last: usize,
    },
    /// Not a whole number ≥ 0.
    NotAStep,
}

/// The one check of a lecture step, whatever channel asked for it: a
/// link's `step=` and the element's `step` attribute (read as a link, by
/// `urlstate`), `setState({step})` and `setStep` (by the session), and a
/// state's own step (`UrlState::validate`). Each channel only reads its
/// own syntax (link text, a JSON number) into `x`.
///
/// ```
/// use din_core::steps::{check_step, StepCheck};
/// assert_eq!(check_step(3.0, 4), StepCheck::At(3));
/// assert_eq!(check_step(8.0, 4), StepCheck::PastLast { last: 7 });
/// assert_eq!(check_step(f64::INFINITY, 4), StepCheck::PastLast { last: 7 });
/// assert_eq!(check_step(2.5, 4), StepCheck::NotAStep);
/// assert_eq!(check_step(-1.0, 4), StepCheck::NotAStep);
/// ```
#[must_use]
pub fn check_step(x: f64, n: usize) -> StepCheck {
    let last = steps_total(n) - 1;
    if x.is_nan() || x < 0.0 || (x.is_finite() && x.fract() != 0.0) {
        StepCheck::NotAStep
    } else if x > last as f64 {
        StepCheck::PastLast { last }
    } else {
        StepCheck::At(x as usize)
    }
}

/// `step` kept on a scene of `n` items: the last step when past it (a
/// state's step after its LastN shrank).
///
/// ```
/// assert_eq!(din_core::steps::clamp_step(9, 2), 5);
/// ```
#[must_use]
pub fn clamp_step(step: usize, n: usize) -> usize {
    step.min(steps_total(n) - 1)
}

/// The step that shows every `α_i × x_i`: `n + 1`.
#[must_use]
pub fn products_step(n: usize) -> usize {
    n + 1
}

/// The step that shows the weighted sum beside the mean: `n + 2`.
#[must_use]
pub fn sum_step(n: usize) -> usize {
    n + 2
}

// ---------------------------------------------------------------------------
// What the other panels may show.

/// What the panels other than the step-through may show: while it is on,
/// no answer appears ahead of the step that introduces it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Reveal {
    /// The weights (and scores) of items `0..alphas` (in LastN order) may
    /// be shown; the others are hidden.
    pub alphas: usize,
    /// `Σα` may be shown (once every weight is).
    pub alpha_sum: bool,
    /// The weighted sum (pooled) and the mean, and their norms, may be shown.
    pub results: bool,
}

impl Reveal {
    /// Everything: the step-through is off.
    pub const ALL: Reveal = Reveal { alphas: usize::MAX, alpha_sum: true, results: true };

    /// What step `step` of the step-through (`None`: off) has revealed for
    /// `n` items: at step `k ≤ n` the first `k` weights; from step `n` on
    /// `Σα`; from the weighted-sum step `n + 2` on, pooled and mean.
    ///
    /// ```
    /// use din_core::steps::Reveal;
    /// assert_eq!(Reveal::at(None, 9), Reveal::ALL);
    /// let r = Reveal::at(Some(0), 9);
    /// assert_eq!((r.alphas, r.alpha_sum, r.results), (0, false, false));
    /// assert_eq!(Reveal::at(Some(3), 9).alphas, 3);
    /// assert!(!Reveal::at(Some(10), 9).results && Reveal::at(Some(10), 9).alpha_sum);
    /// assert!(Reveal::at(Some(11), 9).results);
    /// ```
    #[must_use]
    pub fn at(step: Option<usize>, n: usize) -> Reveal {
        match step {
            None => Reveal::ALL,
            Some(s) => Reveal { alphas: s.min(n), alpha_sum: s >= n, results: s >= sum_step(n) },
        }
    }

    /// Whether everything is shown.
    #[must_use]
    pub fn is_all(&self) -> bool {
        self.results && self.alpha_sum && self.alphas == usize::MAX
    }

    /// Whether the weight of item `i` (0-based) may be shown.
    #[must_use]
    pub fn alpha(&self, i: usize) -> bool {
        i < self.alphas
    }
}

impl Default for Reveal {
    fn default() -> Self {
        Reveal::ALL
    }
}

// ---------------------------------------------------------------------------
// The rows a row chart (bars, heatmap, the text alternative's table) shows.

/// Up to this many items every chart shows every item; beyond it the bar
/// chart and the heatmap show the [`TOP_ROWS`] items with the largest
/// alpha and say so.
pub const ALL_ROWS: usize = 60;
/// Rows shown for a LastN longer than [`ALL_ROWS`].
pub const TOP_ROWS: usize = 30;

/// The items a row chart shows: all of them up to [`ALL_ROWS`] (in order),
/// else the [`TOP_ROWS`] with the largest alpha (largest first).
///
/// ```
/// use din_core::steps::shown_rows;
/// assert_eq!(shown_rows(&[0.1, 0.5, 0.4]), vec![0, 1, 2]);
/// let many: Vec<f64> = (0..100).map(|i| i as f64).collect();
/// let top = shown_rows(&many);
/// assert_eq!(top.len(), 30);
/// assert_eq!(top[0], 99);
/// ```
#[must_use]
pub fn shown_rows(alpha: &[f64]) -> Vec<usize> {
    let n = alpha.len();
    if n <= ALL_ROWS {
        return (0..n).collect();
    }
    crate::attention::top_k_descending(alpha, TOP_ROWS)
}

/// The rows a row chart shows while the step-through has revealed only
/// part of the weights: all items up to [`ALL_ROWS`], else the first
/// [`TOP_ROWS`] in order (ordering by alpha would give the answer away);
/// [`shown_rows`] when everything is revealed.
#[must_use]
pub fn shown_rows_revealed(alpha: &[f64], reveal: &Reveal) -> Vec<usize> {
    if reveal.is_all() {
        return shown_rows(alpha);
    }
    let n = alpha.len();
    (0..if n > ALL_ROWS { TOP_ROWS } else { n }).collect()
}

// ---------------------------------------------------------------------------
// The numbers the build-up draws.

/// `α_i × x_i`, the part item `i` adds to the weighted sum (empty for a
/// bad `i`).
///
/// ```
/// use din_core::presets::default_scene;
/// use din_core::steps::product;
/// let s = default_scene();
/// let a = s.attention().unwrap();
/// let p = product(&s, &a, 0);
/// assert_eq!(p[0], a.alpha[0] * s.items[0].vector[0]);
/// ```
#[must_use]
pub fn product(scene: &Scene, att: &Attention, i: usize) -> Vec<f64> {
    let (Some(it), Some(a)) = (scene.items.get(i), att.alpha.get(i)) else { return Vec::new() };
    it.vector.iter().map(|v| a * v).collect()
}

/// The weighted sum as it builds up: `Σ_i w_i α_i x_i` with
/// `w_i = clamp(t·n − i, 0, 1)`, so the parts are added one after the
/// other as `t` runs from 0 to 1; at `t ≥ 1` it is exactly pooled.
///
/// ```
/// use din_core::presets::default_scene;
/// use din_core::steps::partial_sum;
/// let s = default_scene();
/// let a = s.attention().unwrap();
/// assert_eq!(partial_sum(&s, &a, 1.0), a.pooled);
/// assert!(partial_sum(&s, &a, 0.0).iter().all(|v| *v == 0.0));
/// ```
#[must_use]
pub fn partial_sum(scene: &Scene, att: &Attention, t: f64) -> Vec<f64> {
    if t >= 1.0 || t.is_nan() {
        return att.pooled.clone();
    }
    let n = scene.items.len();
    let mut out = vec![0.0; scene.dim()];
    let added = t.max(0.0) * n as f64;
    for (i, (it, a)) in scene.items.iter().zip(&att.alpha).enumerate() {
        let w = (added - i as f64).clamp(0.0, 1.0);
        if w <= 0.0 {
            break;
        }
        for (o, v) in out.iter_mut().zip(&it.vector) {
            *o += w * a * v;
        }
    }
    out
}

/// The item being added at `t` of the weighted-sum animation (`None`
/// once it has ended, or for an empty LastN).
#[must_use]
pub fn adding(n: usize, t: f64) -> Option<usize> {
    if t >= 1.0 || t.is_nan() || n == 0 {
        return None;
    }
    Some(((t.max(0.0) * n as f64).floor() as usize).min(n - 1))
}

/// The largest magnitude the step-through draws on its one colour scale:
/// every `x_i`, `q`, pooled, mean and every `α_i x_i` (finite values only;
/// 0 for none). The scale is the same on every step, so a colour means the
/// same number from the first step to the last.
#[must_use]
pub fn scale_max(scene: &Scene, att: &Attention) -> f64 {
    let finite_max = |m: f64, v: f64| if v.is_finite() { m.max(v.abs()) } else { m };
    let vectors = scene
        .items
        .iter()
        .flat_map(|it| it.vector.iter())
        .chain(&scene.query)
        .chain(&att.pooled)
        .chain(&att.mean)
        .fold(0.0_f64, |m, v| finite_max(m, *v));
    let products = scene.items.iter().zip(&att.alpha).fold(0.0_f64, |m, (it, a)| {
        it.vector.iter().fold(m, |m, v| finite_max(m, a * v))
    });
    vectors.max(products)
}

// ---------------------------------------------------------------------------
// The setting the step-through uses.

/// The attention settings of a scene (everything but the vectors).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Settings {
    /// Which definition of alpha.
    pub definition: Definition,
    /// The similarity (for [`Definition::Similarity`]).
    pub similarity: Similarity,
    /// Softmax or none.
    pub normalization: Normalization,
    /// The softmax temperature.
    pub temperature: f64,
    /// The unit's activation.
    pub activation: Activation,
}

impl Settings {
    /// The settings of `scene`.
    #[must_use]
    pub fn of(scene: &Scene) -> Settings {
        Settings {
            definition: scene.definition,
            similarity: scene.similarity,
            normalization: scene.normalization,
            temperature: scene.temperature,
            activation: scene.activation,
        }
    }

    /// `scene` with these settings.
    #[must_use]
    pub fn applied_to(&self, scene: &Scene) -> Scene {
        let mut s = scene.clone();
        s.definition = self.definition;
        s.similarity = self.similarity;
        s.normalization = self.normalization;
        s.temperature = self.temperature;
        s.activation = self.activation;
        s
    }

    /// Whether `scene` computes alpha as these settings do (the
    /// similarity and activation count only where they are used).
    #[must_use]
    pub fn matches(&self, scene: &Scene) -> bool {
        let o = Settings::of(scene);
        let same_def = o.definition == self.definition
            && (self.definition != Definition::Similarity || o.similarity == self.similarity)
            && (self.definition == Definition::Similarity || o.activation == self.activation);
        let soft = |s: &Settings| s.definition == Definition::Authors || s.normalization == Normalization::Softmax;
        same_def
            && (self.definition == Definition::Authors || o.normalization == self.normalization)
            && (!soft(self) || self.definition == Definition::Authors || o.temperature == self.temperature)
    }
}

/// The setting the step-through shows a built-in scene with, chosen so
/// that the lecture's point is visible in its strips, or `None` where the
/// scene's own settings already show it.
///
/// * `why-din-works`: dot similarity, softmax at `T = 0.3`. At `T = 1`
///   the food candidate's weights are 0.24, 0.23, 0.21 against 0.04-0.06
///   and the weighted sum (food components 0.67 and 0.46) is only a little
///   stronger than the plain average (0.34, 0.24; largest difference 27 %
///   of the colour scale); at `T = 0.3` the food items get 0.40, 0.34,
///   0.24 and the rest under 0.005, so the weighted sum (0.96, 0.63) keeps
///   the food interest while the average mixes all three (largest
///   difference 51 % of the scale).
/// * `interest-intensity`: its lesson is `Σα` (softmax on or off), which
///   the scene's caption asks to toggle: no setting of its own.
///
/// ```
/// use din_core::presets::default_scene;
/// use din_core::steps::lecture_setting;
/// let s = lecture_setting("why-din-works").unwrap();
/// assert_eq!(s.temperature, 0.3);
/// assert!(!s.matches(&default_scene()));
/// assert!(s.matches(&s.applied_to(&default_scene())));
/// assert!(lecture_setting("blank").is_none());
/// ```
#[must_use]
pub fn lecture_setting(scene_id: &str) -> Option<Settings> {
    match scene_id {
        "why-din-works" => Some(Settings {
            definition: Definition::Similarity,
            similarity: Similarity::Dot,
            normalization: Normalization::Softmax,
            temperature: 0.3,
            activation: Activation::Dice,
        }),
        _ => None,
    }
}

/// The step-through's switch between a scene's lecture setting and the
/// user's own settings. With `on`, a scene whose settings are not the
/// lecture setting is switched to it and its settings are kept (`saved`);
/// with `!on`, the kept settings come back, but only while the lecture
/// setting is still on (a setting the user chose since is theirs to keep).
/// Returns the scene to put on screen (`None`: nothing changes) and what
/// to keep from now on.
///
/// ```
/// use din_core::presets::default_scene;
/// use din_core::steps::{lecture_setting, switch_setting, Settings};
/// let s = default_scene();
/// let lecture = lecture_setting("why-din-works");
/// let (on, saved) = switch_setting(&s, lecture, None, true);
/// let on = on.unwrap();
/// assert_eq!(on.temperature, 0.3);
/// assert_eq!(saved, Some(Settings::of(&s)));
/// let (back, saved) = switch_setting(&on, lecture, saved, false);
/// assert_eq!(back.unwrap(), s);
/// assert_eq!(saved, None);
/// ```
#[must_use]
pub fn switch_setting(scene: &Scene, lecture: Option<Settings>, saved: Option<Settings>, on: bool) -> (Option<Scene>, Option<Settings>) {
    let Some(lecture) = lecture else { return (None, None) };
    let applied = lecture.matches(scene);
    match (on, saved) {
        (true, saved) if applied => (None, saved),
        (true, _) => (Some(lecture.applied_to(scene)), Some(Settings::of(scene))),
        (false, Some(mine)) if applied => (Some(mine.applied_to(scene)), None),
        (false, _) => (None, None),
    }
}

/// How far apart the weighted sum and the mean are, as a share of the
/// step-through's colour scale: the largest `|pooled_k − mean_k|` over
/// [`scale_max`]. The lecture's point ("the weighted average keeps the
/// candidate's interest, the average mixes them") needs it large.
#[must_use]
pub fn pooled_mean_contrast(scene: &Scene, att: &Attention) -> f64 {
    let m = scale_max(scene, att);
    if m <= 0.0 {
        return 0.0;
    }
    att.pooled.iter().zip(&att.mean).fold(0.0_f64, |d, (p, q)| d.max((p - q).abs())) / m
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::presets::{default_scene, preset};

    #[test]
    fn reveal_follows_the_steps() {
        let n = 9;
        for step in 0..steps_total(n) {
            let r = Reveal::at(Some(step), n);
            assert_eq!(r.alphas, step.min(n), "step {step}");
            assert_eq!(r.results, step >= n + 2, "step {step}");
            assert!((0..n).all(|i| r.alpha(i) == (i < step)), "step {step}");
        }
        assert!(Reveal::at(None, n).is_all());
        assert!(!Reveal::at(Some(n + 3), n).is_all());
    }

    #[test]
    fn partial_sums_add_the_parts_in_order() {
        let s = default_scene();
        let a = s.attention().unwrap();
        let n = s.items.len();
        for k in 0..=n {
            let t = k as f64 / n as f64;
            let want: Vec<f64> = (0..s.dim()).map(|c| (0..k).map(|i| product(&s, &a, i)[c]).sum()).collect();
            let got = partial_sum(&s, &a, t);
            for (g, w) in got.iter().zip(&want) {
                assert!((g - w).abs() < 1e-12, "k = {k}");
            }
        }
        assert_eq!(adding(n, 0.0), Some(0));
        assert_eq!(adding(n, 0.5), Some(4));
        assert_eq!(adding(n, 1.0), None);
        assert_eq!(adding(0, 0.5), None);
    }

    /// Issue 11 §3: at the default scene's own setting (dot, softmax, T = 1)
    /// pooled and mean look almost alike; the step-through's setting makes
    /// the difference at least 40 % of the colour scale for the food,
    /// make-up and cars candidates.
    #[test]
    fn the_lecture_setting_makes_pooled_and_mean_differ() {
        let p = preset("why-din-works").unwrap();
        let setting = lecture_setting(p.id).unwrap();
        let base = default_scene();
        let before = pooled_mean_contrast(&base, &base.attention().unwrap());
        assert!(before < 0.3, "T = 1: {before}");
        for c in p.candidates.iter().filter(|c| c.id != "news") {
            let mut s = setting.applied_to(&base);
            s.query.clone_from(&c.vector);
            let att = s.attention().unwrap();
            let d = pooled_mean_contrast(&s, &att);
            assert!(d >= 0.4, "{}: {d}", c.id);
        }
    }

    /// The user stays in control: the lecture setting is applied only by
    /// the switch, is given back only while still on, and a setting the
    /// user picks meanwhile is kept.
    #[test]
    fn the_lecture_setting_gives_the_users_setting_back() {
        let lecture = lecture_setting("why-din-works");
        let mut mine = default_scene();
        mine.similarity = Similarity::Cosine;
        mine.temperature = 2.0;
        let (on, saved) = switch_setting(&mine, lecture, None, true);
        let on = on.unwrap();
        assert!(lecture.unwrap().matches(&on));
        assert_eq!((on.query.clone(), on.items.clone()), (mine.query.clone(), mine.items.clone()), "only the settings change");
        // Switching on again changes nothing and keeps what was saved.
        assert_eq!(switch_setting(&on, lecture, saved, true), (None, saved));
        assert_eq!(switch_setting(&on, lecture, saved, false).0.unwrap(), mine);
        // The user picked T = 0.5 while stepping: stopping keeps it.
        let mut chosen = on.clone();
        chosen.temperature = 0.5;
        assert_eq!(switch_setting(&chosen, lecture, saved, false), (None, None));
        // No lecture setting (blank, interest-intensity): never switches.
        assert_eq!(switch_setting(&mine, None, None, true), (None, None));
        assert_eq!(switch_setting(&mine, lecture_setting("interest-intensity"), None, true), (None, None));
    }

    #[test]
    fn settings_match_only_what_is_used() {
        let s = default_scene();
        let set = Settings::of(&s);
        assert!(set.matches(&s));
        let mut t = s.clone();
        t.activation = Activation::Sigmoid;
        assert!(set.matches(&t), "the activation is unused by dot similarity");
        t.temperature = 0.5;
        assert!(!set.matches(&t));
        t.normalization = Normalization::None;
        let none = Settings::of(&t);
        let mut u = t.clone();
        u.temperature = 2.0;
        assert!(none.matches(&u), "T is unused without softmax");
    }
}
