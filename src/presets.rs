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
