//! Native tests of the in-page trainer: every gradient against finite
//! differences, Dice's statistics, determinism, export, and DIN beating
//! average pooling on the default data.

use super::layers::{Act, Dense, Param};
use super::net::{Net, Row, Shape};
use super::*;
use din_core::errors::Localized;
use din_core::model::Activation;
use din_core::unit::sigmoid;

const ACTS: [Activation; 4] = [Activation::Sigmoid, Activation::Relu, Activation::PRelu, Activation::Dice];
const FORMS: [WeightForm; 4] =
    [WeightForm::Identity, WeightForm::Sigmoid, WeightForm::Softmax, WeightForm::SoftmaxScaled];

fn shape(unit: Activation, mlp: Activation, weight: WeightForm) -> Shape {
    Shape {
        items: 9,
        d: 3,
        unit_hidden: vec![4, 3],
        unit_activation: unit,
        weight,
        mlp_hidden: vec![5],
        mlp_activation: mlp,
        dice_eps: 1e-8,
    }
}

/// A small batch: repeated items (an item in its own LastN, a candidate in
/// two rows) so that the embedding gradients add up from several places.
fn batch_lastns() -> Vec<(Vec<usize>, usize, bool)> {
    vec![(vec![0, 1, 2], 1, true), (vec![3, 3, 4, 8], 5, false), (vec![6], 1, true), (vec![7, 2], 0, false)]
}

/// Summed log loss of `net` on the batch, forward in training mode, no update.
fn loss_of(net: &Net, batch: &[Row<'_>]) -> f64 {
    let mut n = net.clone();
    let pass = n.forward(batch, true);
    n.backward(batch, pass)
}

/// Gradients of the mean loss, in `params_mut` order (read before Adam).
fn analytic(net: &Net, batch: &[Row<'_>]) -> Vec<Vec<f64>> {
    let mut n = net.clone();
    let pass = n.forward(batch, true);
    n.backward(batch, pass);
    n.params_mut().into_iter().map(|p| p.g.clone()).collect()
}

/// Perturbs every 2nd number of every parameter tensor by +-h and compares
/// the central difference of the mean loss with the analytic gradient.
fn check_gradients(mut net: Net, what: &str) -> usize {
    // Non-trivial PReLU/Dice slopes, and non-zero biases: with zero biases a
    // ReLU layer whose inputs are all 0 sits exactly on the kink.
    let layers = net.unit.iter_mut().flat_map(|u| u.layers.iter_mut()).chain(net.mlp.layers.iter_mut());
    for l in layers {
        for (k, b) in l.b.v.iter_mut().enumerate() {
            *b = if k % 2 == 0 { 0.05 } else { -0.03 } * (1.0 + k as f64);
        }
        if let Act::PRelu(a) | Act::Dice { alpha: a, .. } = &mut l.act {
            for (k, v) in a.v.iter_mut().enumerate() {
                *v = 0.1 + 0.07 * k as f64;
            }
        }
    }
    let owned = batch_lastns();
    let batch: Vec<Row<'_>> = owned.iter().map(|(l, c, y)| Row { lastn: l, candidate: *c, click: *y }).collect();
    let g = analytic(&net, &batch);
    let m = batch.len() as f64;
    let mut checked = 0;
    for (pi, grad) in g.iter().enumerate() {
        for k in (0..grad.len()).step_by(2) {
            let h = 1e-6;
            let at = |delta: f64| {
                let mut n = net.clone();
                n.params_mut()[pi].v[k] += delta;
                loss_of(&n, &batch) / m
            };
            let numeric = (at(h) - at(-h)) / (2.0 * h);
            let tol = 1e-6 + 1e-4 * numeric.abs().max(grad[k].abs());
            assert!((numeric - grad[k]).abs() < tol, "{what}: param {pi}[{k}] numeric {numeric} analytic {}", grad[k]);
            checked += 1;
        }
    }
    checked
}

#[test]
fn gradients_match_finite_differences_for_every_activation_and_weight_form() {
    // Embeddings, the unit (each activation), attention pooling (each weight
    // form), the MLP (each activation) and the loss.
    for unit in ACTS {
        for mlp in ACTS {
            for weight in FORMS {
                let net = Net::new(Pooling::Attention, &shape(unit, mlp, weight), &mut Rng::new(11));
                let n = check_gradients(net, &format!("DIN unit {unit:?} mlp {mlp:?} {weight:?}"));
                assert!(n > 60, "{n}");
            }
        }
    }
}

#[test]
fn gradients_match_finite_differences_for_mean_pooling() {
    for mlp in ACTS {
        let net = Net::new(Pooling::Mean, &shape(Activation::Dice, mlp, WeightForm::Identity), &mut Rng::new(5));
        assert!(net.unit.is_none());
        assert!(check_gradients(net, &format!("mean mlp {mlp:?}")) > 20);
    }
}

#[test]
fn dice_uses_batch_statistics_in_training_and_running_averages_at_inference() {
    let mut rng = Rng::new(3);
    let act =
        Act::Dice { alpha: Param::new(vec![0.3, -0.2]), run_mean: vec![0.0; 2], run_var: vec![1.0; 2], eps: 1e-8 };
    let mut layer = Dense::new(2, 2, act, &mut rng);
    layer.w.v = vec![1.0, 0.0, 0.0, 2.0];
    layer.b.v = vec![0.0, 1.0];
    let input = vec![1.0, 2.0, 3.0, -1.0, -2.0, 0.5]; // 3 rows
                                                      // Training: unit 0 sees s = 1, 3, -2 (mean 2/3, variance 38/9).
    let c = layer.forward(input.clone(), 3, true);
    let (m, v) = (2.0 / 3.0, 38.0 / 9.0);
    let p = sigmoid((3.0 - m) / (v + 1e-8_f64).sqrt());
    assert!((c.post[2] - (p * 3.0 + (1.0 - p) * 0.3 * 3.0)).abs() < 1e-12);
    let Act::Dice { run_mean, run_var, .. } = &layer.act else { unreachable!() };
    assert!((run_mean[0] - 0.01 * m).abs() < 1e-15);
    assert!((run_var[0] - (0.99 + 0.01 * v)).abs() < 1e-15);
    let (rm, rv) = (run_mean[0], run_var[0]);
    // Inference: the running averages, and they do not move.
    let c = layer.forward(input, 3, false);
    let p = sigmoid((3.0 - rm) / (rv + 1e-8_f64).sqrt());
    assert!((c.post[2] - (p * 3.0 + (1.0 - p) * 0.3 * 3.0)).abs() < 1e-12);
    let Act::Dice { run_mean, .. } = &layer.act else { unreachable!() };
    assert_eq!(run_mean[0], rm);
}

fn small() -> TrainerConfig {
    let mut cfg = TrainerConfig::default();
    cfg.data.users = 200;
    cfg
}

fn bits(p: &CurvePoint) -> Vec<u64> {
    [p.train_loss_din, p.train_loss_mean, p.din.auc, p.din.gauc, p.din.logloss, p.mean.auc, p.mean.gauc, p.mean.logloss]
        .iter()
        .map(|x| x.to_bits())
        .collect()
}

#[test]
fn same_seed_same_curves_bit_for_bit() {
    let run = || {
        let mut t = Trainer::new(small()).unwrap();
        for _ in 0..4 {
            t.step(15);
            t.evaluate();
        }
        (t.curves().iter().map(bits).collect::<Vec<_>>(), t.export(Which::Din).to_json())
    };
    let (a, ma) = run();
    let (b, mb) = run();
    assert_eq!(a, b);
    assert_eq!(ma, mb);
    let mut other = small();
    other.seed = 7;
    let mut t = Trainer::new(other).unwrap();
    t.step(15);
    assert_ne!(bits(&t.evaluate()), a[0]);
}

#[test]
fn reset_and_steps_in_pieces_give_the_same_curves() {
    let mut t = Trainer::new(small()).unwrap();
    t.step(30);
    let whole = bits(&t.evaluate());
    t.reset();
    assert_eq!(t.steps(), 0);
    assert!(t.curves().is_empty());
    for _ in 0..6 {
        t.step(5);
    }
    assert_eq!(bits(&t.evaluate()), whole);
    // Passes wrap: 160 training users x 10 impressions / 32 = 50 batches per pass.
    assert_eq!(t.step(25).epochs, 1);
}

#[test]
fn export_predicts_what_the_trainer_measures() {
    let mut t = Trainer::new(small()).unwrap();
    t.step(40);
    t.evaluate();
    for which in [Which::Din, Which::Mean] {
        let model = t.export(which);
        let back = DinModel::from_json(&model.to_json()).unwrap();
        assert!(back == model, "{which:?}: the model does not read back as written");
        let data = t.data().clone();
        let batch = rows(&data, data.heldout.iter().take(50));
        let net = if which == Which::Din { &mut t.din } else { &mut t.mean };
        let p = net.predict(&batch);
        for (imp, p) in data.heldout.iter().zip(p) {
            let q = t.attention(which, imp.user, imp.candidate).unwrap();
            assert!((q.ctr - p).abs() <= 1e-12 * p.abs().max(1e-3), "{which:?}: {} vs {p}", q.ctr);
        }
        assert_eq!(t.item_embeddings(which), model.item_embeddings());
    }
    let m = t.export(Which::Din);
    assert!(m.training()["heldout_auc"].as_f64().is_some());
    assert_eq!(m.items()[7].label, "make-up 2");
    assert_eq!(m.items()[7].label_zh.as_deref(), Some("美妆 2"));
    assert!(t.attention(Which::Din, 200, 0).is_err());
    assert!(t.attention(Which::Din, 0, 120).is_err());
}

#[test]
fn bad_settings_are_named() {
    let mut cfg = small();
    cfg.batch_size = 0;
    let e = Trainer::new(cfg).unwrap_err();
    assert_eq!(e.field, "batch_size");
    let mut cfg = small();
    cfg.learning_rate = f64::NAN;
    assert_eq!(Trainer::new(cfg).unwrap_err().field, "learning_rate");
    let mut cfg = small();
    cfg.data.max_interests = 9;
    assert_eq!(Trainer::new(cfg).unwrap_err().field, "max_interests");
    // Settings from the page, as JSON.
    let c = small();
    let e = c.patched(r#"{"colour": 1}"#).unwrap_err();
    assert_eq!(e.to_string(), "training setting colour: expected a known setting, got 1");
    assert_eq!(e.zh(), "训练设置 colour：应为已知的设置，实际为 1");
    assert_eq!(e.code(), "E_TRAIN_CONFIG");
    assert_eq!(c.patched(r#"{"users": "many"}"#).unwrap_err().field, "users");
    assert_eq!(c.patched(r#"{"unit_activation": "tanh"}"#).unwrap_err().field, "unit_activation");
    assert_eq!(c.patched(r#"{"mlp_hidden": [8, 0]}"#).unwrap_err().field, "layer width");
    assert_eq!(c.patched("[1]").unwrap_err().field, "(settings)");
    let p = c.patched(r#"{"unit_hidden": [4], "mlp_activation": "dice", "seed": 9, "n_max": 6, "n_min": 6}"#).unwrap();
    assert_eq!((p.unit_hidden, p.mlp_activation, p.seed, p.data.n_max), (vec![4], Activation::Dice, 9, 6));
}

/// The speed target's native half: on the default data, after the default
/// number of steps, DIN's held-out AUC and GAUC are clearly above average
/// pooling's (step-count based; wall time is measured by `learn_curve`).
/// Mean distance between map points of the same category over the mean
/// distance between points of different categories.
fn within_over_between(t: &Trainer) -> f64 {
    let (pts, _) = t.embedding_map(Which::Din);
    let cats = &t.data().item_categories;
    let (mut w, mut nw, mut b, mut nb) = (0.0, 0.0, 0.0, 0.0);
    for i in 0..pts.len() {
        for j in 0..i {
            let dist = ((pts[i].0 - pts[j].0).powi(2) + (pts[i].1 - pts[j].1).powi(2)).sqrt();
            if cats[i] == cats[j] {
                (w, nw) = (w + dist, nw + 1.0);
            } else {
                (b, nb) = (b + dist, nb + 1.0);
            }
        }
    }
    (w / nw) / (b / nb)
}

#[test]
fn din_beats_average_pooling_after_the_default_steps() {
    let mut t = Trainer::new(TrainerConfig::default()).unwrap();
    let before = within_over_between(&t);
    assert!(before > 0.9, "{before}"); // random embeddings: no structure
    t.step(DEFAULT_STEPS);
    // The learned embeddings organise into the six categories (paper Fig. 6).
    let after = within_over_between(&t);
    assert!(after < 0.6, "within/between distance {before} -> {after}");
    println!("map: within/between category distance {before:.3} -> {after:.3}");
    let p = t.evaluate();
    assert!(p.din.auc > p.mean.auc + 0.02, "AUC DIN {} mean {}", p.din.auc, p.mean.auc);
    assert!(p.din.gauc > p.mean.gauc + 0.02, "GAUC DIN {} mean {}", p.din.gauc, p.mean.gauc);
    assert!(p.din.auc < t.oracle().auc + 0.01);
    println!(
        "after {DEFAULT_STEPS} steps: AUC DIN {:.4} mean {:.4}; GAUC DIN {:.4} mean {:.4}",
        p.din.auc, p.mean.auc, p.din.gauc, p.mean.gauc
    );
}
