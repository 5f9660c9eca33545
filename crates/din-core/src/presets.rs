//! Built-in scenes and named candidates.
//!
//! Over 600 lines because the built-in scenes' hand-set vectors are data, one
//! row per item, kept beside the categories and the candidate policy that
//! name them; about 250 lines are tests.
//!
//! Vectors are hand-set and deterministic. The default scene uses `d = 8`
//! with this meaning of the components (a teaching fiction, chosen so the
//! heatmap shows the clusters as blocks):
//!
//! | component | 1-2 | 3-4 | 5-6 | 7 | 8 |
//! |---|---|---|---|---|---|
//! | interest | food | make-up | cars | news | popularity |
//!
//! The user's LastN holds three items of each of three interests (food,
//! make-up, cars); the default candidate is a food item, so attention keeps
//! the food interest while the plain average mixes all three.

use crate::attention::{Normalization, Similarity};
use crate::scene::{numbered_colors, Definition, Item, Scene};
use crate::unit::{Activation, WeightForm};

/// A named candidate of a built-in scene.
#[derive(Clone, Debug, PartialEq)]
pub struct Candidate {
    /// Identifier used in URLs and `din.state()`: `food`, `news`, `tshirt` ...
    pub id: &'static str,
    /// Label shown in both languages.
    pub label: &'static str,
    /// Category id (see [`CATEGORIES`]).
    pub category: &'static str,
    /// The candidate vector `q`.
    pub vector: Vec<f64>,
}

/// A built-in scene: items, candidates and the settings it opens with.
#[derive(Clone, Debug, PartialEq)]
pub struct Preset {
    /// Identifier used in URLs: `why-din-works`, `interest-intensity`, `blank`.
    pub id: &'static str,
    /// Menu title in English.
    pub title_en: &'static str,
    /// Menu title in Chinese.
    pub title_zh: &'static str,
    /// The scene as it opens (its query is the first candidate's, or zeros).
    pub scene: Scene,
    /// Category of each LastN item, parallel to `scene.items`.
    pub categories: Vec<&'static str>,
    /// Named candidates; the first is the default.
    pub candidates: Vec<Candidate>,
    /// What to look at in this scene, in English: shown while its items are
    /// as loaded, before the sentences [`crate::explain::caption`] computes
    /// from the numbers (it states no outcome itself).
    pub caption_en: &'static str,
    /// The same in Chinese.
    pub caption_zh: &'static str,
    /// Whether the scene teaches the intensity of interest: the caption then
    /// also says when softmax hides it (Σα = 1 for every candidate).
    pub teaches_intensity: bool,
}

impl Preset {
    /// The candidate with identifier `id`.
    #[must_use]
    pub fn candidate(&self, id: &str) -> Option<&Candidate> {
        self.candidates.iter().find(|c| c.id == id)
    }
}

/// A scene with the settings every built-in scene opens with: dot
/// similarity, softmax with `T = 1`, the Dice unit (used once the
/// definition is switched to it) with the paper's weight `alpha = z`, and a
/// padded length of 12.
fn scene(name: &str, candidate: &str, query: Vec<f64>, items: Vec<Item>) -> Scene {
    Scene {
        name: name.to_owned(),
        candidate: candidate.to_owned(),
        query,
        items,
        similarity: Similarity::Dot,
        normalization: Normalization::Softmax,
        temperature: 1.0,
        definition: Definition::Similarity,
        activation: Activation::Dice,
        max_len: 12,
        weight: WeightForm::Logit,
    }
}

/// Items with colour ids 0, 1, 2, … in order.
fn items(rows: &[(&str, [f64; 8])]) -> Vec<Item> {
    numbered_colors(rows.iter().map(|(l, v)| Item::new(l, v)).collect())
}

/// The LastN items of `why-din-works`: 3 food, 3 make-up, 3 cars (deck pp. 13-17).
#[must_use]
pub fn default_items() -> Vec<Item> {
    items(&[
        ("ramen 拉面", [1.2, 0.3, 0.0, 0.1, 0.0, 0.0, 0.1, 0.6]),
        ("dumplings 饺子", [0.7, 1.0, 0.1, 0.0, 0.0, 0.1, 0.0, 0.2]),
        ("hotpot 火锅", [1.0, 0.7, 0.0, 0.0, 0.2, 0.0, 0.0, -0.3]),
        ("lipstick 口红", [0.0, 0.1, 1.2, 0.4, 0.0, 0.0, 0.1, 0.5]),
        ("mascara 睫毛膏", [0.1, 0.0, 0.6, 1.1, 0.1, 0.0, 0.0, 0.0]),
        ("foundation 粉底", [0.0, 0.0, 1.0, 0.8, 0.0, 0.1, 0.0, -0.4]),
        ("SUV 越野车", [0.0, 0.1, 0.0, 0.0, 1.1, 0.5, 0.1, 0.5]),
        ("sedan 轿车", [0.1, 0.0, 0.1, 0.0, 0.6, 1.1, 0.0, -0.1]),
        ("EV 电动车", [0.0, 0.0, 0.0, 0.1, 1.2, 0.8, 0.2, -0.4]),
    ])
}

/// Named candidates of `why-din-works`, each with `d = 8`.
#[must_use]
pub fn default_candidates() -> Vec<Candidate> {
    vec![
        Candidate {
            id: "food",
            label: "beef noodles 牛肉面",
            category: "food",
            vector: vec![1.0, 0.8, 0.0, 0.0, 0.0, 0.1, 0.0, 0.3],
        },
        Candidate {
            id: "news",
            label: "news headline 新闻",
            category: "news",
            vector: vec![0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.2, 0.1],
        },
        Candidate {
            id: "makeup",
            label: "eyeshadow 眼影",
            category: "makeup",
            vector: vec![0.1, 0.0, 0.9, 0.9, 0.0, 0.0, 0.0, 0.3],
        },
        Candidate {
            id: "cars",
            label: "car tyres 轮胎",
            category: "cars",
            vector: vec![0.0, 0.1, 0.0, 0.0, 0.9, 0.9, 0.0, 0.2],
        },
    ]
}

/// The scene the page opens with: `why-din-works` with the food candidate,
/// dot similarity, softmax with `T = 1`.
///
/// ```
/// let s = din_core::presets::default_scene();
/// assert_eq!(s.dim(), 8);
/// assert_eq!(s.items.len(), 9);
/// assert!(s.validate().is_ok());
/// ```
#[must_use]
pub fn default_scene() -> Scene {
    let candidates = default_candidates();
    scene("why-din-works", "food", candidates[0].vector.clone(), default_items())
}

fn why_din_works() -> Preset {
    Preset {
        id: "why-din-works",
        title_en: "Why DIN works (food, make-up, cars)",
        title_zh: "DIN 有效的原因（美食、美妆、汽车）",
        scene: default_scene(),
        categories: vec!["food", "food", "food", "makeup", "makeup", "makeup", "cars", "cars", "cars"],
        candidates: default_candidates(),
        caption_en: "Three interests: food, make-up, cars. Pick a candidate and compare the plain average with the weighted average.",
        caption_zh: "三种兴趣：美食、美妆、汽车。选择一个候选物品，比较简单平均与加权平均。",
        teaches_intensity: false,
    }
}

fn interest_intensity() -> Preset {
    let candidates = vec![
        Candidate {
            id: "tshirt",
            label: "T-shirt T恤",
            category: "clothes",
            vector: vec![0.0, -0.75, 0.0, -0.7, 0.0, 0.0, 0.0, 0.3],
        },
        Candidate {
            id: "phone",
            label: "phone 手机",
            category: "electronics",
            vector: vec![0.0, 0.0, -0.7, 0.1, -0.75, 0.0, 0.0, 0.3],
        },
    ];
    let items = items(&[
        ("jeans 牛仔裤", [0.1, -0.8, 0.0, -0.6, 0.0, 0.1, 0.0, 0.3]),
        ("dress 连衣裙", [0.0, -0.6, 0.1, -0.9, 0.0, 0.0, 0.1, 0.2]),
        ("jacket 夹克", [-0.1, -0.7, 0.0, -0.7, 0.1, 0.0, 0.0, 0.4]),
        ("hoodie 卫衣", [0.0, -0.9, -0.1, -0.5, 0.0, 0.0, 0.0, 0.3]),
        ("skirt 半身裙", [0.1, -0.5, 0.0, -0.8, 0.0, 0.1, 0.0, 0.2]),
        ("sneakers 运动鞋", [0.0, -0.7, -0.1, -0.6, -0.1, 0.0, 0.1, 0.4]),
        ("coat 大衣", [0.0, -0.8, 0.0, -0.8, 0.0, 0.0, 0.0, 0.3]),
        ("shirt 衬衫", [0.1, -0.6, 0.0, -0.7, 0.0, 0.0, 0.0, 0.2]),
        ("scarf 围巾", [0.0, -0.7, 0.1, -0.6, 0.0, -0.1, 0.0, 0.3]),
        ("earbuds 耳机", [0.0, 0.1, -0.8, 0.0, -0.6, 0.0, 0.0, 0.3]),
    ]);
    let mut categories = vec!["clothes"; 9];
    categories.push("electronics");
    Preset {
        id: "interest-intensity",
        title_en: "Interest intensity (90% clothes, 10% electronics)",
        title_zh: "兴趣强度（90% 服装，10% 电子产品）",
        scene: Scene {
            // The paper's setting: the activation unit, no softmax.
            normalization: Normalization::None,
            definition: Definition::Unit,
            ..scene("interest-intensity", candidates[0].id, candidates[0].vector.clone(), items)
        },
        categories,
        candidates,
        caption_en: "A history of 90% clothes and 10% electronics (paper, sec. 4.3). Compare Σα for a T-shirt and a phone, with and without softmax.",
        caption_zh: "用户历史 90% 是服装、10% 是电子产品（论文 4.3 节）。比较 T 恤和手机的 Σα，分别在有无 softmax 时。",
        teaches_intensity: true,
    }
}

/// The empty scene of dimension `d`: no items, `q = 0`.
///
/// ```
/// let p = din_core::presets::blank(4);
/// assert_eq!(p.scene.query, vec![0.0; 4]);
/// assert!(p.scene.items.is_empty());
/// ```
#[must_use]
pub fn blank(d: usize) -> Preset {
    Preset {
        id: "blank",
        title_en: "Blank: choose d and add items",
        title_zh: "空白：选择维度 d 并添加物品",
        scene: scene("blank", "", vec![0.0; d.max(1)], Vec::new()),
        categories: Vec::new(),
        candidates: Vec::new(),
        caption_en: "An empty LastN: set d, add items with the table or import them, and move q.",
        caption_zh: "空的 LastN：设置维度 d，在表格中添加物品，然后移动 q。",
        teaches_intensity: false,
    }
}

/// Identifiers of the built-in scenes, in menu order.
pub const PRESET_IDS: [&str; 3] = ["why-din-works", "interest-intensity", "blank"];

/// The built-in scene `id` (`blank` with `d = 8`).
///
/// ```
/// use din_core::presets::preset;
/// assert_eq!(preset("interest-intensity").unwrap().scene.items.len(), 10);
/// assert!(preset("nope").is_none());
/// ```
#[must_use]
pub fn preset(id: &str) -> Option<Preset> {
    match id {
        "why-din-works" => Some(why_din_works()),
        "interest-intensity" => Some(interest_intensity()),
        "blank" => Some(blank(8)),
        _ => None,
    }
}

// ---------------------------------------------------------------------------
// A named candidate in a state object (issue 11 §4).

/// What a state object's `candidate` means, for `din.setState` and the
/// element's `state` setter, as `candidate=` does in a link: a named
/// candidate given without `query` sets `query` to that candidate's
/// vector (so every chart follows it); given with an explicit `query`, it
/// keeps the query and only names it; an empty `candidate` clears the
/// name. `preset` is the scene's (or the one a `scene` field of the patch
/// names); `d` the length the scene's vectors will have. Returns the patch
/// with `query` filled in where the candidate sets it.
///
/// ```
/// use din_core::presets::{preset, resolve_candidate};
/// let p = preset("why-din-works");
/// let patch = serde_json::json!({ "candidate": "news" });
/// let out = resolve_candidate(&patch, p.as_ref(), 8).unwrap();
/// assert_eq!(out["query"], serde_json::json!([0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.2, 0.1]));
/// let named = serde_json::json!({ "candidate": "news", "query": [1, 2, 3, 4, 5, 6, 7, 8] });
/// assert_eq!(resolve_candidate(&named, p.as_ref(), 8).unwrap(), named);
/// assert!(resolve_candidate(&serde_json::json!({ "candidate": "pizza" }), p.as_ref(), 8).is_err());
/// ```
///
/// # Errors
/// [`CandidateError::Unknown`] for a candidate the scene does not have
/// (the message lists the ones it has); [`CandidateError::Dimension`]
/// when the candidate's `d` is not `d`.
pub fn resolve_candidate(patch: &serde_json::Value, preset: Option<&Preset>, d: usize) -> Result<serde_json::Value, CandidateError> {
    let Some(obj) = patch.as_object() else { return Ok(patch.clone()) };
    let Some(serde_json::Value::String(id)) = obj.get("candidate") else { return Ok(patch.clone()) };
    if id.is_empty() || obj.contains_key("query") {
        return Ok(patch.clone());
    }
    let shown: String = id.chars().take(40).collect();
    let c = preset.and_then(|p| p.candidate(id)).ok_or_else(|| CandidateError::Unknown {
        id: shown.clone(),
        scene: preset.map_or_else(String::new, |p| p.id.to_owned()),
        ids: preset.map(|p| p.candidates.iter().map(|c| c.id).collect()).unwrap_or_default(),
    })?;
    if c.vector.len() != d {
        return Err(CandidateError::Dimension { id: shown, got: c.vector.len(), want: d });
    }
    let mut out = obj.clone();
    out.insert("query".into(), serde_json::json!(c.vector));
    Ok(serde_json::Value::Object(out))
}

/// Why [`resolve_candidate`] refused a candidate (messages in English by
/// `Display`, in Chinese through [`crate::errors::Localized`]).
#[derive(Clone, Debug, PartialEq)]
pub enum CandidateError {
    /// The scene has no candidate of that name.
    Unknown {
        /// The name asked for (at most 40 characters).
        id: String,
        /// The scene's id.
        scene: String,
        /// The names it has.
        ids: Vec<&'static str>,
    },
    /// The candidate's `d` is not the scene's.
    Dimension {
        /// The candidate's name.
        id: String,
        /// The candidate's `d`.
        got: usize,
        /// The scene's `d`.
        want: usize,
    },
}

impl std::fmt::Display for CandidateError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CandidateError::Unknown { id, scene, ids } if ids.is_empty() => {
                write!(f, "candidate: the scene \"{scene}\" has no named candidates, so \"{id}\" cannot set q; give q as \"query\"")
            }
            CandidateError::Unknown { id, scene, ids } => {
                write!(f, "candidate: the scene \"{scene}\" has no candidate \"{id}\"; use {}", ids.join(", "))
            }
            CandidateError::Dimension { id, got, want } => {
                write!(f, "candidate \"{id}\" has d = {got}, but the scene has d = {want}")
            }
        }
    }
}

impl std::error::Error for CandidateError {}

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue 11 §4: `candidate` alone sets q (as the link does); with `query` it only names it.
    #[test]
    fn a_named_candidate_sets_q_unless_a_query_is_given() {
        let p = preset("why-din-works").unwrap();
        let s = default_scene();
        for c in &p.candidates {
            let patch = resolve_candidate(&serde_json::json!({ "candidate": c.id }), Some(&p), 8).unwrap();
            let (t, _) = s.with_patch(&patch).unwrap();
            assert_eq!((t.query.clone(), t.candidate.as_str()), (c.vector.clone(), c.id), "{}", c.id);
            // The link does the same.
            let link = crate::urlstate::decode(&format!("candidate={}", c.id), "").state.scene;
            assert_eq!(link.query, t.query, "{}", c.id);
        }
        let q = vec![0.5; 8];
        let patch = serde_json::json!({ "candidate": "news", "query": q });
        let (t, _) = s.with_patch(&resolve_candidate(&patch, Some(&p), 8).unwrap()).unwrap();
        assert_eq!((t.query, t.candidate.as_str()), (q, "news"));
        // An empty name clears the name and keeps q.
        let (t, _) = s.with_patch(&resolve_candidate(&serde_json::json!({ "candidate": "" }), Some(&p), 8).unwrap()).unwrap();
        assert_eq!((t.query, t.candidate.as_str()), (s.query.clone(), ""));
        // Unknown names and the wrong d are refused, naming what exists.
        let e = resolve_candidate(&serde_json::json!({ "candidate": "pizza" }), Some(&p), 8).unwrap_err();
        assert_eq!(e.to_string(), "candidate: the scene \"why-din-works\" has no candidate \"pizza\"; use food, news, makeup, cars");
        assert_eq!(crate::errors::Localized::zh(&e), "candidate：场景 \"why-din-works\" 没有候选物品 \"pizza\"；请用 food、news、makeup、cars");
        let e = resolve_candidate(&serde_json::json!({ "candidate": "news" }), Some(&p), 3).unwrap_err();
        assert_eq!(e.to_string(), "candidate \"news\" has d = 8, but the scene has d = 3");
        assert_eq!(crate::errors::Localized::code(&e), "E_DIM_MISMATCH");
        assert!(resolve_candidate(&serde_json::json!({ "candidate": "x" }), preset("blank").as_ref(), 8).is_err());
    }

    #[test]
    fn default_scene_teaches() {
        // The food candidate gives each food item clearly more weight than
        // the plain average's 1/n, and every other item clearly less.
        let s = default_scene();
        let a = s.validate().unwrap();
        let n = s.items.len() as f64;
        for (i, w) in a.alpha.iter().enumerate() {
            if i < 3 {
                assert!(*w > 1.5 / n, "food item {i} weight {w}");
            } else {
                assert!(*w < 0.7 / n, "other item {i} weight {w}");
            }
        }
        // The pooled vector leans to food: component 1 well above the mean's.
        assert!(a.pooled[0] > a.mean[0] + 0.3);
    }

    #[test]
    fn candidates_fit_their_scenes() {
        for id in PRESET_IDS {
            let p = preset(id).unwrap();
            assert!(p.scene.validate().is_ok(), "{id}");
            assert_eq!(p.categories.len(), p.scene.items.len(), "{id}");
            for c in &p.candidates {
                assert_eq!(c.vector.len(), p.scene.dim(), "{}", c.id);
                assert!(category(c.category).is_some(), "{}", c.category);
            }
            for cat in &p.categories {
                assert!(category(cat).is_some());
            }
        }
    }

    fn with_candidate(p: &Preset, id: &str, norm: Normalization) -> crate::attention::Attention {
        let mut s = p.scene.clone();
        s.definition = Definition::Similarity;
        s.query = p.candidate(id).unwrap().vector.clone();
        s.normalization = norm;
        s.validate().unwrap()
    }

    #[test]
    fn news_candidate_is_flat() {
        let p = preset("why-din-works").unwrap();
        let a = with_candidate(&p, "news", Normalization::Softmax);
        let (lo, hi) = a.alpha.iter().fold((f64::MAX, 0.0_f64), |(l, h), w| (l.min(*w), h.max(*w)));
        assert!(hi / lo < 1.5, "news weights nearly flat: {lo}..{hi}");
    }

    #[test]
    fn intensity_scene_shows_intensity_with_dot() {
        let p = preset("interest-intensity").unwrap();
        let t = with_candidate(&p, "tshirt", Normalization::None);
        let ph = with_candidate(&p, "phone", Normalization::None);
        assert!(ph.alpha_sum > 0.0 && t.alpha_sum >= 2.0 * ph.alpha_sum, "{} vs {}", t.alpha_sum, ph.alpha_sum);
        assert!(t.pooled_norm > 2.0 * ph.pooled_norm);
        let t = with_candidate(&p, "tshirt", Normalization::Softmax);
        assert!((t.alpha_sum - 1.0).abs() < 1e-12);
    }

    #[test]
    fn intensity_scene_shows_intensity_with_every_unit() {
        let p = preset("interest-intensity").unwrap();
        assert_eq!(p.scene.weight, WeightForm::Logit, "the scene opens with the paper's α = z");
        for act in [Activation::Sigmoid, Activation::PReLU, Activation::Dice] {
            let run = |id: &str, norm: Normalization, weight: WeightForm| {
                let mut s = p.scene.clone();
                s.activation = act;
                s.normalization = norm;
                s.weight = weight;
                s.query = p.candidate(id).unwrap().vector.clone();
                s.validate().unwrap()
            };
            // The project's variant: every weight in (0, 1), so Σα and |pooled| grow with the related items.
            let (t, ph) = (run("tshirt", Normalization::None, WeightForm::Sigmoid), run("phone", Normalization::None, WeightForm::Sigmoid));
            assert!(ph.alpha_sum > 0.0 && t.alpha_sum >= 2.0 * ph.alpha_sum, "{act:?}: {} vs {}", t.alpha_sum, ph.alpha_sum);
            assert!(t.pooled_norm > ph.pooled_norm, "{act:?}");
            // The paper's α = z, with the unit trained for it: positive for the related items, near 0
            // for the others, so Σα and |pooled| are several times larger for the T-shirt (9 related
            // items) than for the phone (1 related item).
            let (t, ph) = (run("tshirt", Normalization::None, WeightForm::Logit), run("phone", Normalization::None, WeightForm::Logit));
            assert!(t.alpha_sum > 2.0 && t.alpha_sum > 3.0 * ph.alpha_sum.abs(), "{act:?}: {} vs {}", t.alpha_sum, ph.alpha_sum);
            assert!(t.pooled_norm > 3.0 * ph.pooled_norm, "{act:?}: |pooled| {} vs {}", t.pooled_norm, ph.pooled_norm);
            for w in WeightForm::ALL {
                let (t, ph) = (run("tshirt", Normalization::Softmax, w), run("phone", Normalization::Softmax, w));
                assert!((t.alpha_sum - 1.0).abs() < 1e-12 && (ph.alpha_sum - 1.0).abs() < 1e-12);
            }
        }
    }

    #[test]
    fn food_candidate_favours_food_with_every_definition() {
        let p = preset("why-din-works").unwrap();
        let defs = [
            (Definition::Similarity, Similarity::Dot),
            (Definition::Similarity, Similarity::Cosine),
            (Definition::Similarity, Similarity::ScaledDot),
            (Definition::Unit, Similarity::Dot),
            (Definition::Authors, Similarity::Dot),
        ];
        for (def, sim) in defs {
            for act in [Activation::Sigmoid, Activation::PReLU, Activation::Dice] {
                for norm in [Normalization::None, Normalization::Softmax] {
                    let mut s = p.scene.clone();
                    (s.definition, s.similarity, s.activation, s.normalization) = (def, sim, act, norm);
                    let a = s.validate().unwrap();
                    let food_min = a.alpha[..3].iter().copied().fold(f64::MAX, f64::min);
                    let other_max = a.alpha[3..].iter().copied().fold(f64::MIN, f64::max);
                    assert!(food_min > other_max, "{def:?} {sim:?} {act:?} {norm:?}: {:?}", a.alpha);
                }
            }
        }
    }
}

/// An interest category of the built-in scenes and of the synthetic click
/// data the activation unit is trained on.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Category {
    /// Identifier used in code and data: `food`, `makeup`, `cars`, `news`,
    /// `clothes`, `electronics`.
    pub id: &'static str,
    /// English name.
    pub en: &'static str,
    /// Chinese name (the lecture's term).
    pub zh: &'static str,
    /// Centre of the category's items, `d = 8`.
    pub centroid: [f64; 8],
}

/// The categories, `d = 8`. Components: 1-2 food, 3-4 make-up, 5-6 cars,
/// 7 news, and component 8 a shared "popularity" axis. Clothes and
/// electronics reuse pairs of axes with opposite signs so that every
/// category is clearly separated from every other (pairwise centroid
/// distance at least 1) while `d` stays 8 in every built-in scene.
pub const CATEGORIES: [Category; 6] = [
    Category { id: "food", en: "food", zh: "美食", centroid: [1.0, 0.7, 0.0, 0.0, 0.0, 0.0, 0.0, 0.3] },
    Category { id: "makeup", en: "make-up", zh: "美妆", centroid: [0.0, 0.0, 1.0, 0.7, 0.0, 0.0, 0.0, 0.2] },
    Category { id: "cars", en: "cars", zh: "汽车", centroid: [0.0, 0.0, 0.0, 0.0, 1.0, 0.7, 0.0, 0.2] },
    Category { id: "news", en: "news", zh: "新闻", centroid: [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.2, 0.3] },
    Category { id: "clothes", en: "clothes", zh: "服装", centroid: [0.0, -0.7, 0.0, -0.7, 0.0, 0.0, 0.0, 0.3] },
    Category { id: "electronics", en: "electronics", zh: "电子产品", centroid: [0.0, 0.0, -0.7, 0.0, -0.7, 0.0, 0.0, 0.3] },
];

/// The category with identifier `id`.
#[must_use]
pub fn category(id: &str) -> Option<&'static Category> {
    CATEGORIES.iter().find(|c| c.id == id)
}

#[cfg(test)]
mod category_tests {
    use super::*;

    #[test]
    fn categories_are_separated() {
        for (i, a) in CATEGORIES.iter().enumerate() {
            for b in &CATEGORIES[i + 1..] {
                let d2: f64 = a.centroid.iter().zip(&b.centroid).map(|(x, y)| (x - y).powi(2)).sum();
                assert!(d2.sqrt() >= 1.0, "{} vs {}", a.id, b.id);
            }
        }
    }
}

/// A generated LastN of `n` items in `d` dimensions, for trying large
/// histories (SIM-scale LastN). Deterministic for a given `(n, d, seed)`:
///
/// * `k = min(6, d)` interest clusters; cluster `c` has centre `2 e_c`
///   (a unit axis per interest, scaled) plus a shared offset of 0.2 on
///   every component, and item noise of standard deviation 0.35;
/// * except for `d = 8`, the dimension of the built-in scenes and of the
///   activation unit: there the `k = 3` clusters are the lecture's three
///   interests (food, make-up, cars of [`CATEGORIES`]), centred on their
///   centroids, with the noise of the unit's training data (0.25), so
///   that every definition of alpha, the trained unit included, sees the
///   data it knows; news, clothes and electronics are the categories the
///   user never touched, as in `why-din-works`;
/// * item `i` belongs to cluster `i mod k` and is its centre plus
///   Gaussian noise per component (the crate's seeded xoshiro256**
///   generator, [`crate::rng::Rng`]);
/// * the candidate `q` is the centre of cluster 0 plus a little noise;
/// * labels are `c{cluster}-{i}`, colour ids `0, 1, 2, …`.
///
/// Numbers are kept to 3 decimals, like edits in the page.
///
/// ```
/// use din_core::presets::generated;
/// let s = generated(1000, 64, 7);
/// assert_eq!(s.items.len(), 1000);
/// assert_eq!(s.dim(), 64);
/// assert_eq!(s, generated(1000, 64, 7));
/// assert!(s.validate().is_ok());
/// ```
#[must_use]
pub fn generated(n: usize, d: usize, seed: u64) -> Scene {
    let d = d.max(1);
    // d = 8: the lecture's interests, in the categories the activation unit was trained on.
    let categories: Vec<&Category> = CATEGORIES.iter().filter(|c| ["food", "makeup", "cars"].contains(&c.id)).collect();
    let in_categories = d == categories[0].centroid.len();
    let (k, noise) = if in_categories { (categories.len(), 0.25) } else { (d.min(6), 0.35) };
    let mut rng = crate::rng::Rng::new(seed);
    let round = crate::scene::round3;
    let centre = |c: usize| -> Vec<f64> {
        if in_categories {
            categories[c].centroid.to_vec()
        } else {
            (0..d).map(|j| if j == c { 2.0 } else { 0.0 } + 0.2).collect()
        }
    };
    let mut items = Vec::with_capacity(n);
    for i in 0..n {
        let c = i % k;
        let v: Vec<f64> = centre(c).into_iter().map(|x| round(x + noise * rng.normal())).collect();
        items.push(Item::new(&format!("c{}-{}", c + 1, i + 1), &v).with_color(u16::try_from(i).unwrap_or(u16::MAX)));
    }
    let query: Vec<f64> = centre(0).into_iter().map(|x| round(x + 0.1 * rng.normal())).collect();
    scene("generated", "", query, items)
}
