//! Built-in scenes and named candidates.
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
use crate::scene::{Item, Scene};

/// The LastN items of the default scene: 3 food, 3 make-up, 3 cars.
#[must_use]
pub fn default_items() -> Vec<Item> {
    vec![
        Item::new("ramen", &[1.2, 0.3, 0.0, 0.1, 0.0, 0.0, 0.1, 0.6]),
        Item::new("dumplings", &[0.7, 1.0, 0.1, 0.0, 0.0, 0.1, 0.0, 0.2]),
        Item::new("hotpot", &[1.0, 0.7, 0.0, 0.0, 0.2, 0.0, 0.0, -0.3]),
        Item::new("lipstick", &[0.0, 0.1, 1.2, 0.4, 0.0, 0.0, 0.1, 0.5]),
        Item::new("mascara", &[0.1, 0.0, 0.6, 1.1, 0.1, 0.0, 0.0, 0.0]),
        Item::new("foundation", &[0.0, 0.0, 1.0, 0.8, 0.0, 0.1, 0.0, -0.4]),
        Item::new("SUV", &[0.0, 0.1, 0.0, 0.0, 1.1, 0.5, 0.1, 0.5]),
        Item::new("sedan", &[0.1, 0.0, 0.1, 0.0, 0.6, 1.1, 0.0, -0.1]),
        Item::new("EV", &[0.0, 0.0, 0.0, 0.1, 1.2, 0.8, 0.2, -0.4]),
    ]
}

/// Named candidates for the default scene, each with `d = 8`.
#[must_use]
pub fn default_candidates() -> Vec<Item> {
    vec![
        Item::new("noodles (food)", &[1.0, 0.8, 0.0, 0.0, 0.0, 0.1, 0.0, 0.3]),
        Item::new("eyeshadow (make-up)", &[0.1, 0.0, 0.9, 0.9, 0.0, 0.0, 0.0, 0.3]),
        Item::new("car tyres (cars)", &[0.0, 0.1, 0.0, 0.0, 0.9, 0.9, 0.0, 0.2]),
        Item::new("news article (news)", &[0.1, 0.0, 0.0, 0.1, 0.0, 0.1, 1.2, 0.3]),
    ]
}

/// The scene the page opens with: the food candidate, dot similarity,
/// softmax with `T = 1`.
///
/// ```
/// let s = din_viz::presets::default_scene();
/// assert_eq!(s.dim(), 8);
/// assert_eq!(s.items.len(), 9);
/// assert!(s.validate().is_ok());
/// ```
#[must_use]
pub fn default_scene() -> Scene {
    let candidates = default_candidates();
    Scene {
        name: "default".to_owned(),
        query: candidates[0].vector.clone(),
        items: default_items(),
        similarity: Similarity::Dot,
        normalization: Normalization::Softmax,
        temperature: 1.0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn candidates_fit_the_scene() {
        let s = default_scene();
        for c in default_candidates() {
            assert_eq!(c.vector.len(), s.dim(), "{}", c.label);
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
