//! The target pictures of the units trained for the paper's `alpha = z`
//! (`weights/{sigmoid,prelu,dice}-z.json`), as the page computes them: the
//! activation-unit definition, no softmax, weight `z`, every activation.
//!
//! * why-din-works: a candidate's own category gets clearly positive `z`,
//!   every other item `z` near 0, so `sum alpha` and `|pooled|` are of the
//!   size of the plain mean (not 60 times it); the news candidate, which
//!   the user never touched, gets `z` near 0 everywhere.
//! * interest-intensity: `sum alpha` and `|pooled|` are larger for the
//!   T-shirt (9 of 10 items are clothes) than for the phone (1 of 10), the
//!   paper's intensity claim (sec. 4.3).

use din_core::attention::{Attention, Normalization};
use din_core::presets::preset;
use din_core::scene::Definition;
use din_core::unit::{Activation, WeightForm};

/// Largest `|z|` an unrelated behaviour may get.
const UNRELATED: f64 = 0.2;
/// Smallest `z` a behaviour of the candidate's category must get.
const RELATED: f64 = 0.15;

/// The scene `id` with candidate `cand` under the unit with `activation`,
/// no softmax, `alpha = z`; its attention and the category of each item.
fn picture(id: &str, cand: &str, activation: Activation) -> (Attention, Vec<&'static str>) {
    let p = preset(id).unwrap();
    let mut s = p.scene.clone();
    s.query = p.candidate(cand).unwrap().vector.clone();
    s.candidate = cand.to_owned();
    (s.definition, s.activation, s.normalization, s.weight) =
        (Definition::Unit, activation, Normalization::None, WeightForm::Logit);
    // The page computes with the unit trained for alpha = z here.
    assert_eq!(s.unit().unwrap().trained_weight(), WeightForm::Logit);
    (s.validate().unwrap(), p.categories.clone())
}

fn related_positive_unrelated_near_zero(what: &str, a: &Attention, cats: &[&str], related: &str) {
    for (i, (z, c)) in a.alpha.iter().zip(cats).enumerate() {
        assert_eq!(a.scores[i], *z, "{what}: alpha = z");
        if *c == related {
            assert!(*z > RELATED, "{what}: item {i} ({c}) z = {z}, want > {RELATED}");
        } else {
            assert!(z.abs() < UNRELATED, "{what}: item {i} ({c}) z = {z}, want |z| < {UNRELATED}");
        }
    }
}

#[test]
fn why_din_works_lights_up_only_the_candidates_category_under_alpha_z() {
    for activation in Activation::ALL {
        for cand in ["food", "makeup", "cars"] {
            let what = format!("why-din-works {cand} {activation}");
            let (a, cats) = picture("why-din-works", cand, activation);
            related_positive_unrelated_near_zero(&what, &a, &cats, cand);
            // A sensible size: of the order of the plain mean, not 60 times it.
            assert!(a.alpha_sum > 0.3 && a.alpha_sum < 5.0 * a.mean_norm, "{what}: sum alpha {}", a.alpha_sum);
            assert!(
                a.pooled_norm > 0.5 * a.mean_norm && a.pooled_norm < 5.0 * a.mean_norm,
                "{what}: |pooled| {} vs |mean| {}",
                a.pooled_norm,
                a.mean_norm
            );
            // pooled points towards the candidate's own items.
            let q_dot: f64 = preset("why-din-works").unwrap().candidate(cand).unwrap().vector.iter().zip(&a.pooled).map(|(q, p)| q * p).sum();
            assert!(q_dot > 0.0, "{what}: q . pooled {q_dot}");
        }
    }
}

#[test]
fn why_din_works_news_gets_z_near_zero_everywhere() {
    for activation in Activation::ALL {
        let what = format!("why-din-works news {activation}");
        let (a, cats) = picture("why-din-works", "news", activation);
        related_positive_unrelated_near_zero(&what, &a, &cats, "news");
        assert!(a.alpha_sum.abs() < 0.5, "{what}: sum alpha {}", a.alpha_sum);
        assert!(a.pooled_norm < 0.5 * a.mean_norm, "{what}: |pooled| {} vs |mean| {}", a.pooled_norm, a.mean_norm);
    }
}

#[test]
fn interest_intensity_keeps_the_intensity_under_alpha_z() {
    for activation in Activation::ALL {
        let (shirt, cats) = picture("interest-intensity", "tshirt", activation);
        let (phone, _) = picture("interest-intensity", "phone", activation);
        related_positive_unrelated_near_zero(&format!("tshirt {activation}"), &shirt, &cats, "clothes");
        related_positive_unrelated_near_zero(&format!("phone {activation}"), &phone, &cats, "electronics");
        assert!(
            shirt.alpha_sum > phone.alpha_sum + 1.0,
            "{activation}: sum alpha T-shirt {} vs phone {}",
            shirt.alpha_sum,
            phone.alpha_sum
        );
        assert!(
            shirt.pooled_norm > 2.0 * phone.pooled_norm,
            "{activation}: |pooled| T-shirt {} vs phone {}",
            shirt.pooled_norm,
            phone.pooled_norm
        );
    }
}

#[test]
fn only_alpha_z_without_softmax_uses_the_z_trained_unit() {
    let base = preset("why-din-works").unwrap().scene;
    for activation in Activation::ALL {
        for def in [Definition::Unit, Definition::Authors] {
            for norm in [Normalization::None, Normalization::Softmax] {
                for weight in WeightForm::ALL {
                    let mut s = base.clone();
                    (s.definition, s.activation, s.normalization, s.weight) = (def, activation, norm, weight);
                    let want = if def == Definition::Unit && norm == Normalization::None && weight == WeightForm::Logit {
                        WeightForm::Logit
                    } else {
                        WeightForm::Sigmoid
                    };
                    let unit = s.unit().unwrap();
                    assert_eq!((unit.trained_weight(), unit.activation()), (want, activation), "{def:?} {norm:?} {weight}");
                }
            }
        }
    }
}
