//! The synthetic click data: users with a few interests among the six
//! categories of [`din_core::presets::CATEGORIES`], a LastN drawn from those
//! interests, and candidates clicked far more often when they belong to an
//! interest, the more so the larger the interest's share of the LastN.
//!
//! Two datasets are made from the same draws:
//!
//! * [`crate::train::generate`] (`make weights`): one candidate per user, and
//!   every item is a fresh noisy vector `centroid_c + N(0, sigma^2 I)`;
//! * [`ClickData::generate`] (the in-page trainer, [`crate::learn`]): a
//!   catalogue of item ids, each of one category, whose embeddings the models
//!   learn; every user has one LastN and several impressions (candidates with
//!   a click label), and whole users are held out.
//!
//! Both call the same steps in the same order ([`Interests::draw`],
//! [`lastn_length`], [`Interests::last_n_category`], a uniform candidate
//! category, [`ClickModel::p_click`], one uniform draw for the label), so a
//! change of the generator is a change of both; only how an item is drawn
//! from its category differs (a noisy vector, or a uniform item of the
//! category in the catalogue).
//!
//! Pure and deterministic: everything comes from [`din_core::rng::Rng`].

use din_core::errors::Localized;
use din_core::presets::CATEGORIES;
use din_core::rng::Rng;
use din_core::unit::sigmoid;
use std::fmt;

/// The seed of `make weights` and of the in-page trainer's default (the
/// paper's year).
pub const SEED: u64 = 2018;

/// Number of interest categories.
pub const N_CATEGORIES: usize = CATEGORIES.len();

/// A user's interests: distinct categories, each with a strength.
#[derive(Clone, Debug, PartialEq)]
pub struct Interests {
    /// Interest categories (indices into `CATEGORIES`), in the order drawn.
    pub categories: Vec<usize>,
    /// Strength of each interest, uniform in `[0.2, 1]`.
    pub strengths: Vec<f64>,
}

impl Interests {
    /// Draws `k` interests, `k` uniform in `1 ..= max_interests` (clamped to
    /// `1 ..= 6`): a shuffle of the six categories, the first `k` kept, then
    /// `k` strengths uniform in `[0.2, 1]`.
    ///
    /// ```
    /// use din_train::clicks::Interests; use din_core::rng::Rng;
    /// let i = Interests::draw(&mut Rng::new(1), 3);
    /// assert!((1..=3).contains(&i.categories.len()));
    /// assert!(i.strengths.iter().all(|w| (0.2..1.0).contains(w)));
    /// ```
    pub fn draw(rng: &mut Rng, max_interests: usize) -> Self {
        let max_k = max_interests.clamp(1, N_CATEGORIES);
        let k = 1 + rng.index(max_k);
        let mut cats: Vec<usize> = (0..N_CATEGORIES).collect();
        rng.shuffle(&mut cats);
        let categories: Vec<usize> = cats[..k].to_vec();
        let strengths: Vec<f64> = (0..k).map(|_| rng.range(0.2, 1.0)).collect();
        Interests { categories, strengths }
    }

    /// The category of one LastN click: with probability `stray` a uniform
    /// category (people click outside their interests too), else interest
    /// `j` with probability `strength_j / sum of strengths`.
    pub fn last_n_category(&self, rng: &mut Rng, stray: f64) -> usize {
        if rng.uniform() < stray {
            return rng.index(N_CATEGORIES);
        }
        let total: f64 = self.strengths.iter().sum();
        let mut u = rng.uniform() * total;
        let mut pick = self.categories[self.categories.len() - 1];
        for (c, w) in self.categories.iter().zip(&self.strengths) {
            if u < *w {
                pick = *c;
                break;
            }
            u -= w;
        }
        pick
    }

    /// Whether `category` is one of the interests.
    #[must_use]
    pub fn contains(&self, category: usize) -> bool {
        self.categories.contains(&category)
    }
}

/// Length of a LastN: uniform in `n_min ..= n_max` (`n_min` at least 1,
/// `n_max` at least `n_min`).
pub fn lastn_length(rng: &mut Rng, n_min: usize, n_max: usize) -> usize {
    let n_min = n_min.max(1);
    let n_max = n_max.max(n_min);
    n_min + rng.index(n_max - n_min + 1)
}

/// The click probability `sigmoid(bias + interest [c is an interest] + share share_c)`,
/// `share_c` the fraction of the LastN items of the candidate's category `c`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ClickModel {
    /// The logit of a candidate outside the interests with no share.
    pub bias: f64,
    /// Added when the candidate's category is an interest.
    pub interest: f64,
    /// Times the share of the candidate's category in the LastN.
    pub share: f64,
}

impl ClickModel {
    /// `sigmoid(bias + interest [c in interests] + share share_c)`.
    ///
    /// ```
    /// use din_train::clicks::{ClickModel, Interests};
    /// let m = ClickModel { bias: -4.0, interest: 4.0, share: 1.5 };
    /// let i = Interests { categories: vec![0], strengths: vec![1.0] };
    /// assert_eq!(m.p_click(&i, 0, &[0, 0, 1, 1]), din_core::unit::sigmoid(0.75));
    /// assert_eq!(m.p_click(&i, 2, &[0, 0, 1, 1]), din_core::unit::sigmoid(-4.0));
    /// ```
    #[must_use]
    pub fn p_click(&self, interests: &Interests, category: usize, last_n_categories: &[usize]) -> f64 {
        let n = last_n_categories.len().max(1);
        let share = last_n_categories.iter().filter(|c| **c == category).count() as f64 / n as f64;
        let is_interest = if interests.contains(category) { 1.0 } else { 0.0 };
        sigmoid(self.bias + self.interest * is_interest + self.share * share)
    }
}

/// The shipped click model: `sigmoid(-4 + 4 [interest] + 1.5 share)`.
pub const CLICK_MODEL: ClickModel = ClickModel { bias: -4.0, interest: 4.0, share: 1.5 };

/// How [`ClickData::generate`] draws a catalogue, users and impressions.
#[derive(Clone, Debug, PartialEq)]
pub struct ClickDataConfig {
    /// Number of users (each has one LastN and `impressions` candidates).
    pub users: usize,
    /// Number of items in the catalogue; item `j` has category `j mod 6`.
    pub items: usize,
    /// Candidates shown to each user.
    pub impressions: usize,
    /// Shortest LastN.
    pub n_min: usize,
    /// Longest LastN.
    pub n_max: usize,
    /// Most interests per user (1 to 6).
    pub max_interests: usize,
    /// The noise: probability that a LastN click is a stray click from a
    /// uniform category instead of one of the user's interests.
    pub stray: f64,
    /// The click probability.
    pub click: ClickModel,
    /// Fraction of the users held out (their impressions measure AUC and GAUC).
    pub heldout_fraction: f64,
}

impl Default for ClickDataConfig {
    /// The in-page trainer's default data: 4 000 users with 10 impressions
    /// each, 120 items (20 per category), LastN of 5 to 20 items, 1 to 3
    /// interests, stray 0.05, the shipped click model, 20 % of the users
    /// held out.
    fn default() -> Self {
        ClickDataConfig {
            users: 4000,
            items: 120,
            impressions: 10,
            n_min: 5,
            n_max: 20,
            max_interests: 3,
            stray: 0.05,
            click: CLICK_MODEL,
            heldout_fraction: 0.2,
        }
    }
}

/// Largest number of users, items or impressions per user [`ClickData::generate`] accepts.
pub const MAX_USERS: usize = 100_000;
/// See [`MAX_USERS`].
pub const MAX_ITEMS: usize = 100_000;
/// See [`MAX_USERS`].
pub const MAX_IMPRESSIONS: usize = 1000;
/// Longest LastN [`ClickData::generate`] accepts.
pub const MAX_LASTN: usize = 1000;

impl ClickDataConfig {
    /// Checks the configuration.
    ///
    /// # Errors
    /// A [`ConfigError`] naming the first bad setting, e.g.
    /// `training setting items: expected a whole number from 6 to 100000, got 3`.
    pub fn check(&self) -> Result<(), ConfigError> {
        whole_in("users", self.users, 10, MAX_USERS)?;
        whole_in("items", self.items, N_CATEGORIES, MAX_ITEMS)?;
        whole_in("impressions", self.impressions, 1, MAX_IMPRESSIONS)?;
        whole_in("n_min", self.n_min, 1, MAX_LASTN)?;
        whole_in("n_max", self.n_max, self.n_min, MAX_LASTN)?;
        whole_in("max_interests", self.max_interests, 1, N_CATEGORIES)?;
        number_in("stray", self.stray, 0.0, 1.0)?;
        number_in("heldout_fraction", self.heldout_fraction, 0.01, 0.99)?;
        number_in("click.bias", self.click.bias, -100.0, 100.0)?;
        number_in("click.interest", self.click.interest, -100.0, 100.0)?;
        number_in("click.share", self.click.share, -100.0, 100.0)
    }
}

pub(crate) fn number_in(field: &'static str, v: f64, lo: f64, hi: f64) -> Result<(), ConfigError> {
    if v.is_finite() && v >= lo && v <= hi {
        Ok(())
    } else {
        Err(ConfigError {
            field: field.to_owned(),
            got: v.to_string(),
            expected: format!("a number from {lo} to {hi}"),
            expected_zh: format!(" {lo} 到 {hi} 之间的数"),
        })
    }
}

/// A setting of the data or the trainer out of range.
#[derive(Clone, Debug, PartialEq)]
pub struct ConfigError {
    /// The configuration field.
    pub field: String,
    /// Its value.
    pub got: String,
    /// The allowed values, in English.
    pub expected: String,
    /// The allowed values, in Chinese.
    pub expected_zh: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "training setting {}: expected {}, got {}", self.field, self.expected, self.got)
    }
}

impl std::error::Error for ConfigError {}

impl Localized for ConfigError {
    fn code(&self) -> &'static str {
        "E_TRAIN_CONFIG"
    }

    fn zh(&self) -> String {
        format!("训练设置 {}：应为{}，实际为 {}", self.field, self.expected_zh, self.got)
    }
}

pub(crate) fn whole_in(field: &'static str, v: usize, lo: usize, hi: usize) -> Result<(), ConfigError> {
    if (lo..=hi).contains(&v) {
        Ok(())
    } else {
        Err(ConfigError {
            field: field.to_owned(),
            got: v.to_string(),
            expected: format!("a whole number from {lo} to {hi}"),
            expected_zh: format!(" {lo} 到 {hi} 之间的整数"),
        })
    }
}

/// One user of [`ClickData`].
#[derive(Clone, Debug, PartialEq)]
pub struct User {
    /// The interests the user's clicks were drawn from (hidden from the models).
    pub interests: Interests,
    /// The LastN: item ids, oldest first.
    pub lastn: Vec<usize>,
}

/// One impression: a candidate shown to a user and whether it was clicked.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Impression {
    /// Index into [`ClickData::users`].
    pub user: usize,
    /// The candidate's item id.
    pub candidate: usize,
    /// The probability the label was drawn from.
    pub p_click: f64,
    /// The label.
    pub click: bool,
}

/// A catalogue, its users and their impressions, split into training and
/// held-out users.
#[derive(Clone, Debug, PartialEq)]
pub struct ClickData {
    /// Category of each item (`j mod 6` for item `j`).
    pub item_categories: Vec<usize>,
    /// The users; the first `train_users` train, the rest are held out.
    pub users: Vec<User>,
    /// Number of training users.
    pub train_users: usize,
    /// Impressions of the training users, user by user.
    pub train: Vec<Impression>,
    /// Impressions of the held-out users, user by user.
    pub heldout: Vec<Impression>,
}

impl ClickData {
    /// Draws the data from `seed`: for each user the interests, the LastN
    /// length, each LastN click's category (then a uniform item of that
    /// category), and `impressions` times a uniform candidate category, a
    /// uniform item of it, the click probability and the label. The last
    /// `round(users * heldout_fraction)` users are held out.
    ///
    /// # Errors
    /// As [`ClickDataConfig::check`].
    ///
    /// ```
    /// use din_train::clicks::{ClickData, ClickDataConfig};
    /// let cfg = ClickDataConfig { users: 50, ..ClickDataConfig::default() };
    /// let a = ClickData::generate(&cfg, 7).unwrap();
    /// assert_eq!(a, ClickData::generate(&cfg, 7).unwrap());
    /// assert_eq!((a.train_users, a.train.len(), a.heldout.len()), (40, 400, 100));
    /// ```
    pub fn generate(cfg: &ClickDataConfig, seed: u64) -> Result<Self, ConfigError> {
        cfg.check()?;
        let item_categories: Vec<usize> = (0..cfg.items).map(|j| j % N_CATEGORIES).collect();
        let mut by_category: Vec<Vec<usize>> = vec![Vec::new(); N_CATEGORIES];
        for (j, c) in item_categories.iter().enumerate() {
            by_category[*c].push(j);
        }
        let mut rng = Rng::new(seed);
        let n_held = ((cfg.users as f64 * cfg.heldout_fraction).round() as usize).clamp(1, cfg.users - 1);
        let train_users = cfg.users - n_held;
        let mut users = Vec::with_capacity(cfg.users);
        let mut train = Vec::with_capacity(train_users * cfg.impressions);
        let mut heldout = Vec::with_capacity(n_held * cfg.impressions);
        for u in 0..cfg.users {
            let interests = Interests::draw(&mut rng, cfg.max_interests);
            let n = lastn_length(&mut rng, cfg.n_min, cfg.n_max);
            let mut lastn = Vec::with_capacity(n);
            let mut cats = Vec::with_capacity(n);
            for _ in 0..n {
                let c = interests.last_n_category(&mut rng, cfg.stray);
                let pool = &by_category[c];
                lastn.push(pool[rng.index(pool.len())]);
                cats.push(c);
            }
            let target = if u < train_users { &mut train } else { &mut heldout };
            for _ in 0..cfg.impressions {
                let c = rng.index(N_CATEGORIES);
                let pool = &by_category[c];
                let candidate = pool[rng.index(pool.len())];
                let p_click = cfg.click.p_click(&interests, c, &cats);
                let click = rng.uniform() < p_click;
                target.push(Impression { user: u, candidate, p_click, click });
            }
            users.push(User { interests, lastn });
        }
        Ok(ClickData { item_categories, users, train_users, train, heldout })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalogue_data_follows_its_description() {
        let cfg = ClickDataConfig { users: 3000, ..ClickDataConfig::default() };
        let data = ClickData::generate(&cfg, 3).unwrap();
        assert_eq!(data.item_categories[13], 1);
        let (mut inside, mut outside) = ((0.0, 0.0), (0.0, 0.0));
        for imp in data.train.iter().chain(&data.heldout) {
            let u = &data.users[imp.user];
            assert!((5..=20).contains(&u.lastn.len()));
            let c = data.item_categories[imp.candidate];
            let slot = if u.interests.contains(c) { &mut inside } else { &mut outside };
            slot.0 += f64::from(u8::from(imp.click));
            slot.1 += 1.0;
        }
        assert!(inside.0 / inside.1 > 0.5 && outside.0 / outside.1 < 0.05, "{inside:?} {outside:?}");
        let own: usize = data
            .users
            .iter()
            .map(|u| u.lastn.iter().filter(|j| u.interests.contains(data.item_categories[**j])).count())
            .sum();
        let all: usize = data.users.iter().map(|u| u.lastn.len()).sum();
        assert!(own as f64 / all as f64 > 0.9);
        assert!(data.heldout.iter().all(|i| i.user >= data.train_users));
    }

    #[test]
    fn bad_configs_name_the_field() {
        let bad = ClickDataConfig { items: 3, ..ClickDataConfig::default() };
        let e = ClickData::generate(&bad, 1).unwrap_err();
        assert_eq!(e.to_string(), "training setting items: expected a whole number from 6 to 100000, got 3");
        assert_eq!(e.zh(), "训练设置 items：应为 6 到 100000 之间的整数，实际为 3");
        assert_eq!(e.code(), "E_TRAIN_CONFIG");
        let bad = ClickDataConfig { n_max: 2, n_min: 3, ..ClickDataConfig::default() };
        assert_eq!(ClickData::generate(&bad, 1).unwrap_err().field, "n_max");
        let bad = ClickDataConfig { stray: f64::NAN, ..ClickDataConfig::default() };
        assert_eq!(ClickData::generate(&bad, 1).unwrap_err().field, "stray");
    }
}
