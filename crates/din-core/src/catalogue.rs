//! The candidate catalogue of the map: the paper's Fig. 6 made live.
//!
//! Over 600 lines because the catalogue's constructions (built-in and d = 8
//! scenes, other generated scenes, anything else), its scoring and its
//! colouring share one work budget (`BUDGET`, `per_group_for`) and private
//! helpers; about 230 lines are its tests.
//!
//! Zhou et al. (KDD 2018, Fig. 6) draw real candidate goods (a t-SNE of
//! item embeddings, shape = category) coloured by the click rate DIN
//! predicts for one user: the user's interests light up, one bump per
//! interest. Here the scene gets a deterministic [`Catalogue`] of candidate
//! items (see [`Catalogue::for_scene`]) and [`score`] gives each of them
//! what DIN gives it for this user under the scene's current definition:
//! the scene is cloned once, its `query` replaced by the catalogue item,
//! and [`Scene::attention`] is called, the very function the readout uses.
//! So any definition of alpha the scene knows is followed without a line
//! of attention maths here.
//!
//! What is coloured ([`Colouring`]):
//!
//! * [`Colouring::SumAlpha`]: `Σ_i α_i` for that candidate, the readout's
//!   Σα, the paper's *interest intensity*;
//! * [`Colouring::QueryPooled`]: when Σα is the same for every candidate
//!   (softmax makes it 1), Σα says nothing, and `q · pooled` is coloured
//!   instead: the candidate against the user vector DIN attended for it
//!   (`Σ_i α_i (q · x_i)`, high when the weight lands on items like the
//!   candidate).
//!
//! Pure: no drawing, no web crate. Drawn by `crate::map_layers`.

use crate::attention::Attention;
use crate::i18n::Lang;
use crate::presets::CATEGORIES;
use crate::rng::Rng;
use crate::scene::{round3, Definition, Scene};

/// Items per group when the scene is small enough (the paper's figure has 100).
pub const PER_GROUP: usize = 20;
/// Fewest items per group worth drawing; below it the catalogue is not scored.
pub const MIN_PER_GROUP: usize = 2;
/// Most multiply-adds one scoring of the catalogue may cost (it is redone
/// whenever the items or the settings change, for example on every frame
/// of an item drag, but not when only `q` moves).
pub const BUDGET: f64 = 3e7;
/// Standard deviation per component of a built-in catalogue item around
/// its category's centre (about the spread of the built-in LastN items).
pub const CATEGORY_SPREAD: f64 = 0.2;
/// Most groups "along an axis no cluster uses" of a generated scene.
pub const MAX_UNTOUCHED_AXES: usize = 3;

/// Where a catalogue comes from; said on screen next to the key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    /// A built-in scene (`d = 8`): items of every interest category
    /// ([`CATEGORIES`]), the user's and the ones the user never touched.
    Categories,
    /// A generated scene: items around each of its clusters and along
    /// axes no cluster uses.
    Clusters,
    /// Any other scene: variations of the LastN items and random vectors.
    Variations,
}

/// Whether a group is one of the user's interests.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Relation {
    /// Some LastN item belongs to it.
    InLastN,
    /// No LastN item belongs to it (news for the built-in scenes).
    Untouched,
    /// Not defined by the LastN (random vectors).
    Unrelated,
}

/// A group of catalogue items: a category, a cluster, an axis.
#[derive(Clone, Debug, PartialEq)]
pub struct Group {
    /// Identifier: a category id (`food`), a cluster (`c1`), `axis7`, `near`, `random`.
    pub key: String,
    /// English name for the key.
    pub en: String,
    /// Chinese name for the key.
    pub zh: String,
    /// Whether the user's LastN touches it.
    pub relation: Relation,
}

impl Group {
    /// The group's name in `lang`.
    #[must_use]
    pub fn name(&self, lang: Lang) -> &str {
        lang.pick(&self.en, &self.zh)
    }
}

/// One candidate item of the catalogue.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    /// Its vector, length `d` of the scene.
    pub vector: Vec<f64>,
    /// Index of its group in [`Catalogue::groups`].
    pub group: usize,
}

/// A deterministic set of candidate items for a scene.
#[derive(Clone, Debug, PartialEq)]
pub struct Catalogue {
    /// What the catalogue is.
    pub source: Source,
    /// The groups, in the order of the key (and of the markers' shapes).
    pub groups: Vec<Group>,
    /// The items, group by group.
    pub entries: Vec<Entry>,
    /// Items per group.
    pub per_group: usize,
}

/// Names of the scenes whose vectors follow [`CATEGORIES`] when `d = 8`:
/// the built-in ones and the generated one (see [`crate::presets::generated`]).
const CATEGORY_SCENES: [&str; 3] = ["why-din-works", "interest-intensity", "generated"];


fn dist2(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| (x - y) * (x - y)).sum()
}

/// The seed of group `g` of a catalogue (fixed, so the catalogue is the
/// same on every run and every machine).
fn seed(g: usize) -> u64 {
    0xD1_CA7A_1061_u64.wrapping_add((g as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15))
}

/// Multiply-adds of one [`Scene::attention`] of `scene` (about).
fn attention_cost(scene: &Scene) -> f64 {
    let (n, d) = (scene.items.len().max(1) as f64, scene.dim().max(1) as f64);
    match scene.definition {
        Definition::Similarity => n * d,
        // Every other definition runs the activation unit once per item.
        _ => {
            let unit = scene.unit().map(|u| {
                let mut inputs = 4 * u.d();
                let mut macs = 0;
                for w in u.hidden() {
                    macs += inputs * w;
                    inputs = w;
                }
                (macs + inputs) as f64
            });
            n * unit.unwrap_or(4.0 * d * 120.0)
        }
    }
}

/// Items per group for `groups` groups of `scene` within [`BUDGET`]: up to
/// [`PER_GROUP`]; 0 when even [`MIN_PER_GROUP`] would cost more.
#[must_use]
pub fn per_group_for(scene: &Scene, groups: usize) -> usize {
    let fit = (BUDGET / (groups.max(1) as f64 * attention_cost(scene))).floor();
    if fit >= PER_GROUP as f64 {
        PER_GROUP
    } else if fit >= MIN_PER_GROUP as f64 {
        fit as usize
    } else {
        0
    }
}

/// The labels of a generated scene's items, `c{k}-{i}`: the cluster `k`
/// (1-based) of each item, or `None` when some label is not of that form
/// or there are more than six clusters.
fn cluster_labels(scene: &Scene) -> Option<Vec<usize>> {
    let ks: Option<Vec<usize>> = scene
        .items
        .iter()
        .map(|it| {
            let rest = it.label.strip_prefix('c')?;
            let (k, i) = rest.split_once('-')?;
            i.parse::<usize>().ok()?;
            k.parse::<usize>().ok().filter(|k| (1..=6).contains(k))
        })
        .collect();
    ks.filter(|v| !v.is_empty())
}

impl Catalogue {
    /// The catalogue of `scene`:
    ///
    /// * a built-in scene (`why-din-works`, `interest-intensity`) or a
    ///   generated one with `d = 8`: [`PER_GROUP`] items around the centre of each of the six
    ///   [`CATEGORIES`] (Gaussian, [`CATEGORY_SPREAD`] per component), the
    ///   user's categories and the ones the user never touched (news ...);
    ///   a category is the user's when some LastN item is nearer to its
    ///   centre than to any other category's (so an edited LastN is judged
    ///   by its vectors, not its labels);
    /// * another generated scene (labels `c{k}-{i}`, see
    ///   [`crate::presets::generated`]): items around the centre of each
    ///   cluster (the mean of its items, with the clusters' own spread), and
    ///   as many again along up to three axes that no cluster peaks on (or,
    ///   when every axis has a cluster, opposite to the clusters' mean);
    /// * any other scene with items: variations of the LastN items (each
    ///   item plus a little noise) and random vectors of the items' typical
    ///   length;
    /// * no items: an empty catalogue.
    ///
    /// The count per group is [`PER_GROUP`], fewer for a LastN so long
    /// that scoring would exceed [`BUDGET`] (see [`per_group_for`]; 0 means
    /// none). Deterministic: the same scene always gives the same items.
    ///
    /// ```
    /// use din_core::catalogue::{Catalogue, Relation, Source};
    /// let c = Catalogue::for_scene(&din_core::presets::default_scene());
    /// assert_eq!(c.source, Source::Categories);
    /// assert_eq!(c.entries.len(), 6 * 20);
    /// let news = c.groups.iter().find(|g| g.key == "news").unwrap();
    /// assert_eq!(news.relation, Relation::Untouched);
    /// assert_eq!(c, Catalogue::for_scene(&din_core::presets::default_scene()));
    /// ```
    #[must_use]
    pub fn for_scene(scene: &Scene) -> Catalogue {
        if scene.items.is_empty() {
            return Catalogue { source: Source::Variations, groups: Vec::new(), entries: Vec::new(), per_group: 0 };
        }
        if scene.dim() == 8 && CATEGORY_SCENES.contains(&scene.name.as_str()) {
            return Self::categories(scene);
        }
        if scene.name == "generated" {
            if let Some(ks) = cluster_labels(scene) {
                return Self::clusters(scene, &ks);
            }
        }
        Self::variations(scene)
    }

    fn categories(scene: &Scene) -> Catalogue {
        let nearest = |v: &[f64]| {
            (0..CATEGORIES.len()).min_by(|&a, &b| dist2(v, &CATEGORIES[a].centroid).total_cmp(&dist2(v, &CATEGORIES[b].centroid)))
        };
        let mine: Vec<Option<usize>> = scene.items.iter().map(|it| nearest(&it.vector)).collect();
        let groups: Vec<Group> = CATEGORIES
            .iter()
            .enumerate()
            .map(|(g, c)| Group {
                key: c.id.to_owned(),
                en: c.en.to_owned(),
                zh: c.zh.to_owned(),
                relation: if mine.contains(&Some(g)) { Relation::InLastN } else { Relation::Untouched },
            })
            .collect();
        let per_group = per_group_for(scene, groups.len());
        let mut entries = Vec::with_capacity(per_group * groups.len());
        for (g, c) in CATEGORIES.iter().enumerate() {
            let mut rng = Rng::new(seed(g));
            for _ in 0..per_group {
                let vector = c.centroid.iter().map(|m| round3(m + CATEGORY_SPREAD * rng.normal())).collect();
                entries.push(Entry { vector, group: g });
            }
        }
        Catalogue { source: Source::Categories, groups, entries, per_group }
    }

    fn clusters(scene: &Scene, ks: &[usize]) -> Catalogue {
        let d = scene.dim();
        let k_max = ks.iter().copied().max().unwrap_or(1);
        // Centre and spread of each cluster that has items.
        let mut centres: Vec<(usize, Vec<f64>)> = Vec::new();
        let mut spread_sum = 0.0;
        let mut spread_n = 0usize;
        for k in 1..=k_max {
            let rows: Vec<&[f64]> = scene.items.iter().zip(ks).filter(|(_, kk)| **kk == k).map(|(it, _)| it.vector.as_slice()).collect();
            if rows.is_empty() {
                continue;
            }
            let m = rows.len() as f64;
            let centre: Vec<f64> = (0..d).map(|j| rows.iter().map(|r| r[j]).sum::<f64>() / m).collect();
            if rows.len() > 1 {
                spread_sum += rows.iter().map(|r| dist2(r, &centre)).sum::<f64>() / ((m - 1.0) * d as f64);
                spread_n += 1;
            }
            centres.push((k, centre));
        }
        let spread = if spread_n > 0 { (spread_sum / spread_n as f64).sqrt() } else { 0.35 };
        let peak_axis = |c: &[f64]| (0..d).max_by(|&a, &b| c[a].total_cmp(&c[b]).then(b.cmp(&a))).unwrap_or(0);
        let peaks: Vec<usize> = centres.iter().map(|(_, c)| peak_axis(c)).collect();
        // A cluster like the others, but on an axis no cluster peaks on:
        // the clusters' mean off-peak value everywhere, their mean peak on that axis.
        let (mut base, mut height) = (0.0, 0.0);
        for ((_, c), &p) in centres.iter().zip(&peaks) {
            height += c[p];
            base += if d > 1 { (c.iter().sum::<f64>() - c[p]) / (d - 1) as f64 } else { 0.0 };
        }
        let nc = centres.len().max(1) as f64;
        let (base, height) = (base / nc, height / nc);
        let mut groups: Vec<Group> = centres
            .iter()
            .map(|(k, _)| Group { key: format!("c{k}"), en: format!("c{k}"), zh: format!("c{k}"), relation: Relation::InLastN })
            .collect();
        let mut others: Vec<Vec<f64>> = Vec::new();
        for j in (0..d).filter(|j| !peaks.contains(j)).take(MAX_UNTOUCHED_AXES) {
            groups.push(Group {
                key: format!("axis{}", j + 1),
                en: format!("axis {}", j + 1),
                zh: format!("分量 {}", j + 1),
                relation: Relation::Untouched,
            });
            others.push((0..d).map(|i| if i == j { height } else { base }).collect());
        }
        if others.is_empty() {
            let mean: Vec<f64> = (0..d).map(|j| -centres.iter().map(|(_, c)| c[j]).sum::<f64>() / nc).collect();
            groups.push(Group { key: "opposite".into(), en: "opposite direction".into(), zh: "反方向".into(), relation: Relation::Untouched });
            others.push(mean);
        }
        let per_group = per_group_for(scene, groups.len());
        let mut entries = Vec::with_capacity(per_group * groups.len());
        for (g, centre) in centres.iter().map(|(_, c)| c).chain(others.iter()).enumerate() {
            let mut rng = Rng::new(seed(g));
            for _ in 0..per_group {
                let vector = centre.iter().map(|m| round3(m + spread * rng.normal())).collect();
                entries.push(Entry { vector, group: g });
            }
        }
        Catalogue { source: Source::Clusters, groups, entries, per_group }
    }

    fn variations(scene: &Scene) -> Catalogue {
        let d = scene.dim();
        let n = scene.items.len();
        let rms = (scene.items.iter().map(|it| it.vector.iter().map(|x| x * x).sum::<f64>()).sum::<f64>() / n as f64).sqrt();
        // Per component: a tenth of the typical length for a variation, the
        // typical length spread over d components for a random vector.
        let per_component = if rms > 0.0 && rms.is_finite() { rms / (d as f64).sqrt() } else { 1.0 };
        let groups = vec![
            Group { key: "near".into(), en: "near a LastN item".into(), zh: "接近某个 LastN 物品".into(), relation: Relation::InLastN },
            Group { key: "random".into(), en: "random vector".into(), zh: "随机向量".into(), relation: Relation::Unrelated },
        ];
        let per_group = 2 * per_group_for(scene, 2 * groups.len());
        let mut entries = Vec::with_capacity(2 * per_group);
        let mut rng = Rng::new(seed(0));
        for j in 0..per_group {
            let x = &scene.items[j * n / per_group.max(1)].vector;
            let vector = x.iter().map(|v| v + 0.1 * per_component * rng.normal()).collect();
            entries.push(Entry { vector, group: 0 });
        }
        let mut rng = Rng::new(seed(1));
        for _ in 0..per_group {
            let vector = (0..d).map(|_| per_component * rng.normal()).collect();
            entries.push(Entry { vector, group: 1 });
        }
        Catalogue { source: Source::Variations, groups, entries, per_group }
    }

    /// What the catalogue is, for the start of the map's key (`short`:
    /// without the count, for a narrow key).
    ///
    /// ```
    /// use din_core::catalogue::Catalogue;
    /// use din_core::i18n::Lang;
    /// let c = Catalogue::for_scene(&din_core::presets::default_scene());
    /// assert_eq!(c.describe(Lang::En, false), "catalogue, 20 per category:");
    /// assert_eq!(c.describe(Lang::Zh, false), "候选目录（每类 20 个）：");
    /// assert_eq!(c.describe(Lang::En, true), "catalogue:");
    /// ```
    #[must_use]
    pub fn describe(&self, lang: Lang, short: bool) -> String {
        let k = self.per_group;
        if short {
            return lang.pick("catalogue:", "候选目录：").to_owned();
        }
        match (self.source, lang) {
            (Source::Categories, Lang::En) => format!("catalogue, {k} per category:"),
            (Source::Categories, Lang::Zh) => format!("候选目录（每类 {k} 个）："),
            (Source::Clusters, Lang::En) => format!("catalogue, {k} per cluster:"),
            (Source::Clusters, Lang::Zh) => format!("候选目录（每簇 {k} 个）："),
            (Source::Variations, Lang::En) => format!("catalogue, {k} of each:"),
            (Source::Variations, Lang::Zh) => format!("候选目录（各 {k} 个）："),
        }
    }
}

/// What the catalogue's colour shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Colouring {
    /// `Σ_i α_i` for the candidate: the readout's Σα (interest intensity).
    SumAlpha,
    /// `q · pooled`, the candidate against the user vector attention made
    /// for it, because Σα is the same for every candidate (softmax).
    QueryPooled,
}

impl Colouring {
    /// The value this colouring takes for the candidate `query` and its attention result.
    ///
    /// ```
    /// use din_core::catalogue::Colouring;
    /// let s = din_core::presets::default_scene();
    /// let a = s.validate().unwrap();
    /// assert!((Colouring::SumAlpha.value(&s.query, &a) - 1.0).abs() < 1e-12);
    /// let qp: f64 = s.query.iter().zip(&a.pooled).map(|(q, p)| q * p).sum();
    /// assert_eq!(Colouring::QueryPooled.value(&s.query, &a), qp);
    /// ```
    #[must_use]
    pub fn value(self, query: &[f64], att: &Attention) -> f64 {
        match self {
            Colouring::SumAlpha => att.alpha_sum,
            Colouring::QueryPooled => query.iter().zip(&att.pooled).map(|(q, p)| q * p).sum(),
        }
    }

    /// What is coloured, for the legend (`narrow`: a shorter text).
    ///
    /// ```
    /// use din_core::catalogue::Colouring;
    /// use din_core::i18n::Lang;
    /// assert!(Colouring::SumAlpha.label(Lang::En, false).contains("Σα"));
    /// assert!(Colouring::QueryPooled.label(Lang::Zh, false).contains("softmax"));
    /// ```
    #[must_use]
    pub fn label(self, lang: Lang, narrow: bool) -> &'static str {
        match (self, narrow) {
            (Colouring::SumAlpha, false) => lang.pick("colour = Σα for this user (interest intensity)", "颜色 = 该用户的 Σα（兴趣强度）"),
            (Colouring::SumAlpha, true) => lang.pick("colour = Σα (interest intensity)", "颜色 = Σα（兴趣强度）"),
            (Colouring::QueryPooled, false) => lang.pick(
                "colour = q · pooled (softmax makes Σα = 1 for every item)",
                "颜色 = q · 加权和（softmax 使每个物品的 Σα 都为 1）",
            ),
            (Colouring::QueryPooled, true) => lang.pick("colour = q · pooled (softmax: Σα = 1)", "颜色 = q · 加权和（softmax：Σα = 1）"),
        }
    }
}

/// Why a catalogue has no colours.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unscored {
    /// The LastN is empty: there is nothing to attend to.
    NoItems,
    /// The LastN is too long to score even [`MIN_PER_GROUP`] items per group within [`BUDGET`].
    TooLong,
    /// The attention could not be computed for any catalogue item.
    Failed,
}

impl Unscored {
    /// The sentence the map shows instead of a colour scale.
    ///
    /// ```
    /// use din_core::catalogue::Unscored;
    /// use din_core::i18n::Lang;
    /// assert!(Unscored::NoItems.message(Lang::En).contains("no LastN items"));
    /// assert!(Unscored::TooLong.message(Lang::Zh).contains("太长"));
    /// ```
    #[must_use]
    pub fn message(self, lang: Lang) -> &'static str {
        match self {
            Unscored::NoItems => lang.pick("catalogue: no LastN items, so no candidate has a score", "候选目录：没有 LastN 物品，候选物品没有分数"),
            Unscored::TooLong => lang.pick(
                "catalogue not drawn: this LastN is too long to score it at every edit",
                "未绘制候选目录：LastN 太长，无法在每次编辑时打分",
            ),
            Unscored::Failed => lang.pick("catalogue not drawn: its attention cannot be computed", "未绘制候选目录：无法计算其注意力"),
        }
    }
}

/// A catalogue with what DIN gives each item for the scene's user.
#[derive(Clone, Debug, PartialEq)]
pub struct ScoredCatalogue {
    /// The items.
    pub catalogue: Catalogue,
    /// For each entry: its `Σα` and `q · pooled` (NaN where the attention refused).
    pub results: Vec<(f64, f64)>,
    /// What is coloured, or why nothing is.
    pub colouring: Result<Colouring, Unscored>,
    /// The coloured value of each entry (NaN where refused).
    pub values: Vec<f64>,
    /// Smallest finite value (0 when there is none).
    pub min: f64,
    /// Largest finite value (0 when there is none).
    pub max: f64,
}

impl ScoredCatalogue {
    /// Where `v` lies between [`ScoredCatalogue::min`] and
    /// [`ScoredCatalogue::max`], clamped to `[0, 1]`; 0.5 when they are
    /// equal, NaN for NaN.
    ///
    /// ```
    /// let s = din_core::catalogue::score(&din_core::presets::default_scene());
    /// assert_eq!(s.fraction(s.min), 0.0);
    /// assert_eq!(s.fraction(s.max), 1.0);
    /// assert_eq!(s.fraction(s.max + 100.0), 1.0);
    /// ```
    #[must_use]
    pub fn fraction(&self, v: f64) -> f64 {
        if v.is_nan() {
            return f64::NAN;
        }
        let span = self.max - self.min;
        if span > 0.0 { ((v - self.min) / span).clamp(0.0, 1.0) } else { 0.5 }
    }

    /// The groups from the brightest to the darkest on average, with their
    /// mean value (groups without a finite value are left out).
    #[must_use]
    pub fn group_means(&self) -> Vec<(usize, f64)> {
        let mut out: Vec<(usize, f64)> = (0..self.catalogue.groups.len())
            .filter_map(|g| {
                let vals: Vec<f64> = self
                    .catalogue
                    .entries
                    .iter()
                    .zip(&self.values)
                    .filter(|(e, v)| e.group == g && v.is_finite())
                    .map(|(_, v)| *v)
                    .collect();
                (!vals.is_empty()).then(|| (g, vals.iter().sum::<f64>() / vals.len() as f64))
            })
            .collect();
        out.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        out
    }

    /// One sentence for screen readers: what is coloured, its range, the
    /// brightest and the darkest group.
    ///
    /// ```
    /// use din_core::i18n::Lang;
    /// let s = din_core::catalogue::score(&din_core::presets::default_scene());
    /// let t = s.summary(Lang::En);
    /// assert!(t.starts_with("Catalogue of 120 candidates"), "{t}");
    /// assert!(t.contains("darkest: news") || t.contains("darkest: clothes") || t.contains("darkest: electronics"), "{t}");
    /// ```
    #[must_use]
    pub fn summary(&self, lang: Lang) -> String {
        let c = match self.colouring {
            Ok(c) => c,
            Err(why) => return why.message(lang).to_owned(),
        };
        let means = self.group_means();
        let name = |g: usize| self.catalogue.groups.get(g).map_or(String::new(), |gr| gr.name(lang).to_owned());
        let (first, last) = match (means.first(), means.last()) {
            (Some(a), Some(b)) => (*a, *b),
            _ => return Unscored::Failed.message(lang).to_owned(),
        };
        let what = match c {
            Colouring::SumAlpha => "Σα",
            Colouring::QueryPooled => lang.pick("q · pooled", "q · 加权和"),
        };
        let f = crate::explain::fmt_num;
        match lang {
            Lang::En => format!(
                "Catalogue of {} candidates coloured by {what} from {} to {}; brightest: {} (mean {}), darkest: {} (mean {}).",
                self.catalogue.entries.len(),
                f(self.min),
                f(self.max),
                name(first.0),
                f(first.1),
                name(last.0),
                f(last.1)
            ),
            Lang::Zh => format!(
                "候选目录共 {} 个物品，按 {what} 着色，范围 {} 到 {}；最亮：{}（平均 {}），最暗：{}（平均 {}）。",
                self.catalogue.entries.len(),
                f(self.min),
                f(self.max),
                name(first.0),
                f(first.1),
                name(last.0),
                f(last.1)
            ),
        }
    }
}

/// The scene's catalogue ([`Catalogue::for_scene`]), each item scored by
/// the scene's own attention with `q` replaced by the item: the scene is
/// cloned once and [`Scene::attention`] (the readout's function) called for
/// each item. The colouring is [`Colouring::SumAlpha`] unless Σα is the
/// same for every item (within `1e-9` relative), then
/// [`Colouring::QueryPooled`].
///
/// ```
/// use din_core::catalogue::{score, Colouring};
/// let mut s = din_core::presets::default_scene(); // softmax: Σα = 1
/// assert_eq!(score(&s).colouring, Ok(Colouring::QueryPooled));
/// s.normalization = din_core::attention::Normalization::None;
/// let c = score(&s);
/// assert_eq!(c.colouring, Ok(Colouring::SumAlpha));
/// // Each value is the Σα the readout would show with q = that item.
/// let mut probe = s.clone();
/// probe.query = c.catalogue.entries[5].vector.clone();
/// assert_eq!(c.values[5], probe.attention().unwrap().alpha_sum);
/// ```
#[must_use]
pub fn score(scene: &Scene) -> ScoredCatalogue {
    let catalogue = Catalogue::for_scene(scene);
    let empty = |catalogue: Catalogue, why: Unscored| ScoredCatalogue {
        results: Vec::new(),
        values: Vec::new(),
        colouring: Err(why),
        min: 0.0,
        max: 0.0,
        catalogue: Catalogue { entries: Vec::new(), ..catalogue },
    };
    if scene.items.is_empty() {
        return empty(catalogue, Unscored::NoItems);
    }
    if catalogue.entries.is_empty() {
        return empty(catalogue, Unscored::TooLong);
    }
    let mut probe = scene.clone();
    let results: Vec<(f64, f64)> = catalogue
        .entries
        .iter()
        .map(|e| {
            probe.query.clone_from(&e.vector);
            match probe.attention() {
                Ok(a) => (Colouring::SumAlpha.value(&e.vector, &a), Colouring::QueryPooled.value(&e.vector, &a)),
                Err(_) => (f64::NAN, f64::NAN),
            }
        })
        .collect();
    let range = |vals: &mut dyn Iterator<Item = f64>| {
        vals.filter(|v| v.is_finite()).fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| (lo.min(v), hi.max(v)))
    };
    let (lo, hi) = range(&mut results.iter().map(|r| r.0));
    if lo > hi {
        return empty(catalogue, Unscored::Failed);
    }
    let same = hi - lo <= 1e-9 * hi.abs().max(lo.abs()).max(1.0);
    let colouring = if same { Colouring::QueryPooled } else { Colouring::SumAlpha };
    let values: Vec<f64> = results.iter().map(|r| if same { r.1 } else { r.0 }).collect();
    let (min, max) = range(&mut values.iter().copied());
    let (min, max) = if min <= max { (min, max) } else { (0.0, 0.0) };
    ScoredCatalogue { catalogue, results, colouring: Ok(colouring), values, min, max }
}

/// Whether two scenes give the same scored catalogue: everything but the
/// query and the candidate's name (each catalogue item is its own query),
/// so moving `q` keeps it. Every field of [`Scene`] is named here, so a
/// new field cannot be forgotten.
///
/// ```
/// use din_core::catalogue::same_inputs;
/// let a = din_core::presets::default_scene();
/// let mut b = a.clone();
/// b.query[0] += 1.0;
/// b.candidate.clear();
/// assert!(same_inputs(&a, &b));
/// b.temperature = 2.0;
/// assert!(!same_inputs(&a, &b));
/// ```
#[must_use]
pub fn same_inputs(a: &Scene, b: &Scene) -> bool {
    same_settings(a, b) && a.items == b.items
}

/// [`same_inputs`] but for the items: the caller knows by other means (a
/// generation counter) whether the items are the same, and comparing n × d
/// numbers on every edit of q is what it saves.
///
/// ```
/// use din_core::catalogue::same_settings;
/// use din_core::presets::preset;
/// let a = preset("why-din-works").unwrap().scene;
/// let mut b = a.clone();
/// b.items.clear();
/// assert!(same_settings(&a, &b));
/// b.temperature = 2.0;
/// assert!(!same_settings(&a, &b));
/// ```
#[must_use]
pub fn same_settings(a: &Scene, b: &Scene) -> bool {
    let Scene { name, candidate: _, query: _, items: _, similarity, normalization, temperature, definition, activation, weight, max_len } = a;
    *name == b.name
        && *similarity == b.similarity
        && *normalization == b.normalization
        && temperature.to_bits() == b.temperature.to_bits()
        && *definition == b.definition
        && *activation == b.activation
        && *weight == b.weight
        && *max_len == b.max_len
        && a.query.len() == b.query.len()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::attention::{Normalization, Similarity};
    use crate::presets::{generated, preset};
    use crate::unit::{Activation, WeightForm};

    /// Every definition of alpha the scene offers, with and without softmax
    /// where it has the choice: (name, scene).
    fn every_definition(base: &Scene) -> Vec<(String, Scene)> {
        let mut out = Vec::new();
        for sim in [Similarity::Dot, Similarity::Cosine, Similarity::ScaledDot] {
            for norm in [Normalization::None, Normalization::Softmax] {
                let mut s = base.clone();
                (s.definition, s.similarity, s.normalization) = (Definition::Similarity, sim, norm);
                out.push((format!("{sim:?} {norm:?}"), s));
            }
        }
        if base.dim() == 8 {
            for act in [Activation::Sigmoid, Activation::PReLU, Activation::Dice] {
                for norm in [Normalization::None, Normalization::Softmax] {
                    let mut s = base.clone();
                    (s.definition, s.activation, s.normalization) = (Definition::Unit, act, norm);
                    out.push((format!("unit {act:?} {norm:?} {:?}", s.weight), s));
                }
                // Both weight forms without softmax: α = z (the unit trained for it)
                // and α = sigmoid(z) (the unit trained with it).
                let mut s = base.clone();
                (s.definition, s.activation, s.normalization) = (Definition::Unit, act, Normalization::None);
                s.weight = if s.weight == WeightForm::Logit { WeightForm::Sigmoid } else { WeightForm::Logit };
                out.push((format!("unit {act:?} None {:?}", s.weight), s));
                let mut s = base.clone();
                (s.definition, s.activation) = (Definition::Authors, act);
                out.push((format!("authors {act:?}"), s));
            }
        }
        out
    }

    /// Distance from `v` to the nearest LastN item.
    fn to_lastn(s: &Scene, v: &[f64]) -> f64 {
        s.items.iter().map(|it| dist2(&it.vector, v)).fold(f64::INFINITY, f64::min).sqrt()
    }

    /// Label-free: the brightest tenth of the catalogue lies nearer to the
    /// LastN items than the darkest tenth, by a clear margin.
    fn brightest_are_near(name: &str, s: &Scene) {
        let sc = score(s);
        assert!(sc.colouring.is_ok(), "{name}: {:?}", sc.colouring);
        let m = sc.values.len();
        assert!(m >= 40, "{name}: {m} items");
        let mut order: Vec<usize> = (0..m).collect();
        order.sort_by(|&a, &b| sc.values[b].total_cmp(&sc.values[a]));
        let tenth = m / 10;
        let mean_dist = |ids: &[usize]| ids.iter().map(|&i| to_lastn(s, &sc.catalogue.entries[i].vector)).sum::<f64>() / ids.len() as f64;
        let (bright, dark) = (mean_dist(&order[..tenth]), mean_dist(&order[m - tenth..]));
        assert!(bright < 0.8 * dark, "{name}: brightest tenth {bright:.3} from the LastN, darkest {dark:.3}");
    }

    /// With labels: every group of the user's is brighter on average than
    /// every group the user never touched.
    fn interests_outshine_the_rest(name: &str, s: &Scene) -> (String, String) {
        let sc = score(s);
        let means = sc.group_means();
        let groups = &sc.catalogue.groups;
        let mine: Vec<f64> = means.iter().filter(|(g, _)| groups[*g].relation == Relation::InLastN).map(|m| m.1).collect();
        let never: Vec<f64> = means.iter().filter(|(g, _)| groups[*g].relation == Relation::Untouched).map(|m| m.1).collect();
        assert!(!mine.is_empty() && !never.is_empty(), "{name}");
        let lo = mine.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = never.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let shown: Vec<String> = means.iter().map(|(g, v)| format!("{} {v:.3}", groups[*g].key)).collect();
        assert!(lo > hi, "{name}: the user's groups {lo:.3} vs untouched {hi:.3}: {shown:?}");
        (groups[means[0].0].key.clone(), groups[means[means.len() - 1].0].key.clone())
    }

    #[test]
    fn built_in_scenes_light_up_the_users_interests_under_every_definition() {
        for id in ["why-din-works", "interest-intensity"] {
            let p = preset(id).unwrap();
            for cand in p.candidates.iter().map(|c| c.vector.clone()).chain([p.scene.query.clone()]) {
                let mut base = p.scene.clone();
                base.query = cand;
                for (name, s) in every_definition(&base) {
                    let name = format!("{id} {name}");
                    brightest_are_near(&name, &s);
                    let (_, darkest) = interests_outshine_the_rest(&name, &s);
                    // The darkest group is one the user never touched.
                    assert!(["news", "clothes", "electronics", "food", "makeup", "cars"].contains(&darkest.as_str()));
                    let sc = score(&s);
                    let dark_group = sc.catalogue.groups.iter().find(|g| g.key == darkest).unwrap();
                    assert_eq!(dark_group.relation, Relation::Untouched, "{name}: darkest {darkest}");
                }
            }
        }
    }

    #[test]
    fn news_is_darker_than_every_interest_of_the_user() {
        for (name, s) in every_definition(&preset("why-din-works").unwrap().scene) {
            let sc = score(&s);
            let means = sc.group_means();
            let of = |key: &str| means.iter().find(|(g, _)| sc.catalogue.groups[*g].key == key).unwrap().1;
            for mine in ["food", "makeup", "cars"] {
                assert!(of(mine) > of("news"), "{name}: {mine} {} vs news {}", of(mine), of("news"));
            }
        }
    }

    #[test]
    fn generated_scenes_light_up_their_clusters_under_every_definition() {
        for (n, d, seed) in [(60, 8, 7), (300, 8, 11), (120, 16, 3), (90, 4, 5), (40, 2, 9)] {
            let base = generated(n, d, seed);
            let c = Catalogue::for_scene(&base);
            assert_eq!(c.source, if d == 8 { Source::Categories } else { Source::Clusters }, "{n}x{d}");
            for (name, s) in every_definition(&base) {
                let name = format!("generated({n}, {d}, {seed}) {name}");
                interests_outshine_the_rest(&name, &s);
                brightest_are_near(&name, &s);
            }
        }
    }

    #[test]
    fn every_value_is_the_readouts_number_for_that_candidate() {
        for (name, s) in every_definition(&preset("interest-intensity").unwrap().scene) {
            let sc = score(&s);
            for (k, e) in sc.catalogue.entries.iter().enumerate().step_by(7) {
                let mut probe = s.clone();
                probe.query = e.vector.clone();
                let a = probe.validate().unwrap();
                let want = match sc.colouring.unwrap() {
                    Colouring::SumAlpha => a.alpha_sum,
                    Colouring::QueryPooled => e.vector.iter().zip(&a.pooled).map(|(q, p)| q * p).sum(),
                };
                assert_eq!(sc.values[k], want, "{name} item {k}");
            }
            // Softmax (and the authors' code, always softmax) colours q · pooled.
            let softmax = s.normalization == Normalization::Softmax || s.definition == Definition::Authors;
            assert_eq!(sc.colouring, Ok(if softmax { Colouring::QueryPooled } else { Colouring::SumAlpha }), "{name}");
            let finite: Vec<f64> = sc.values.iter().copied().filter(|v| v.is_finite()).collect();
            assert_eq!(sc.min, finite.iter().copied().fold(f64::INFINITY, f64::min));
            assert_eq!(sc.max, finite.iter().copied().fold(f64::NEG_INFINITY, f64::max));
            assert!(sc.min < sc.max, "{name}");
        }
    }

    #[test]
    fn catalogues_are_deterministic_and_sized() {
        let s = preset("why-din-works").unwrap().scene;
        let c = Catalogue::for_scene(&s);
        assert_eq!(c.groups.iter().map(|g| g.key.as_str()).collect::<Vec<_>>(), ["food", "makeup", "cars", "news", "clothes", "electronics"]);
        let rel: Vec<Relation> = c.groups.iter().map(|g| g.relation).collect();
        use Relation::*;
        assert_eq!(rel, [InLastN, InLastN, InLastN, Untouched, Untouched, Untouched]);
        let ii = Catalogue::for_scene(&preset("interest-intensity").unwrap().scene);
        let rel: Vec<Relation> = ii.groups.iter().map(|g| g.relation).collect();
        assert_eq!(rel, [Untouched, Untouched, Untouched, Untouched, InLastN, InLastN]);
        // Every item near its own category's centre.
        for e in &c.entries {
            let own = dist2(&e.vector, &CATEGORIES[e.group].centroid);
            for (g, other) in CATEGORIES.iter().enumerate() {
                if g != e.group {
                    assert!(own < dist2(&e.vector, &other.centroid), "{:?}", e.vector);
                }
            }
        }
        // Generated, d = 8: the categories; news, clothes and electronics never touched.
        let g = Catalogue::for_scene(&generated(60, 8, 1));
        assert_eq!(g.source, Source::Categories);
        let untouched: Vec<&str> = g.groups.iter().filter(|g| g.relation == Untouched).map(|g| g.key.as_str()).collect();
        assert_eq!(untouched, ["news", "clothes", "electronics"]);
        // Other d: clusters c1..c6 and the axes no cluster uses (at most three).
        let g = Catalogue::for_scene(&generated(60, 12, 1));
        let keys: Vec<&str> = g.groups.iter().map(|g| g.key.as_str()).collect();
        assert_eq!(keys, ["c1", "c2", "c3", "c4", "c5", "c6", "axis7", "axis8", "axis9"]);
        assert_eq!(g.entries.len(), 9 * PER_GROUP);
        // d = 4: every axis has a cluster; the untouched group is opposite.
        let g = Catalogue::for_scene(&generated(40, 4, 1));
        assert_eq!(g.groups.last().unwrap().key, "opposite");
        // Blank and imported scenes.
        assert!(Catalogue::for_scene(&preset("blank").unwrap().scene).entries.is_empty());
        let (t, _) = s.with_dim(5).unwrap();
        let v = Catalogue::for_scene(&t);
        assert_eq!(v.source, Source::Variations);
        assert_eq!(v.entries.len(), 2 * 2 * PER_GROUP);
        assert_eq!(v, Catalogue::for_scene(&t));
    }

    #[test]
    fn long_histories_get_a_smaller_catalogue_or_none() {
        let s = generated(5000, 128, 1);
        let c = Catalogue::for_scene(&s);
        assert!(c.per_group >= MIN_PER_GROUP && c.per_group < PER_GROUP, "{}", c.per_group);
        let s = generated(10_000, 256, 1);
        let sc = score(&s);
        assert_eq!(sc.colouring, Err(Unscored::TooLong));
        assert!(sc.catalogue.entries.is_empty());
        let mut u = generated(5000, 8, 1);
        u.definition = Definition::Unit;
        assert_eq!(score(&u).colouring, Err(Unscored::TooLong));
        let blank = preset("blank").unwrap().scene;
        assert_eq!(score(&blank).colouring, Err(Unscored::NoItems));
        assert!(Unscored::NoItems.message(Lang::Zh).contains("LastN"));
    }

    #[test]
    fn variations_light_up_the_lastn_under_similarities() {
        // An edited scene (d = 5) is no longer a built-in one: variations.
        let (t, _) = preset("why-din-works").unwrap().scene.with_dim(5).unwrap();
        for (name, s) in every_definition(&t) {
            let sc = score(&s);
            let means = sc.group_means();
            assert_eq!(sc.catalogue.groups[means[0].0].key, "near", "{name}: {means:?}");
        }
    }

    #[test]
    fn summaries_in_both_languages() {
        let mut s = preset("why-din-works").unwrap().scene;
        s.normalization = Normalization::None;
        let sc = score(&s);
        let en = sc.summary(Lang::En);
        assert!(en.contains("coloured by Σα") && en.contains("darkest:"), "{en}");
        let zh = sc.summary(Lang::Zh);
        assert!(zh.contains("按 Σα 着色") && zh.contains("最暗"), "{zh}");
        s.normalization = Normalization::Softmax;
        let zh = score(&s).summary(Lang::Zh);
        assert!(zh.contains("按 q · 加权和 着色") && !zh.contains("pooled"), "{zh}");
    }
}
