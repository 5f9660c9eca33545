//! The sweep that chose the activity penalty of the `alpha = z` units
//! (`weights/README.md`, "Units for alpha = z"): trains one activation for
//! `alpha = z` with each L2 strength given (and the L1 strength of `$L1`,
//! the output bias start of `$LOGIT_INIT`) and prints the AUC, the category
//! centroids' `z`, the page's test pictures and the catalogue check.
//!
//! ```text
//! L1=0.015 cargo run --release -p din-train --example unitz_sweep -- prelu 20 0
//! ```
use din_core::presets::preset;
use din_core::catalogue::{Catalogue, Relation};
use din_train::train::{category_separation_for, train, TrainConfig};
use din_core::unit::{Activation, ActivationUnit, WeightForm};

fn norm(v: &[f64]) -> f64 { v.iter().map(|x| x * x).sum::<f64>().sqrt() }

fn pic(unit: &ActivationUnit, scene: &str, cand: &str, related: &str) -> String {
    let p = preset(scene).unwrap();
    let q = &p.candidate(cand).unwrap().vector;
    let mut z = Vec::new();
    let mut pooled = vec![0.0; 8];
    let mut mean = vec![0.0; 8];
    let n = p.scene.items.len() as f64;
    for it in &p.scene.items {
        let s = unit.scores(q, &it.vector).unwrap()[0];
        z.push(s);
        for k in 0..8 { pooled[k] += s * it.vector[k]; mean[k] += it.vector[k] / n; }
    }
    let rel: Vec<f64> = z.iter().zip(&p.categories).filter(|(_, c)| **c == related).map(|(z, _)| *z).collect();
    let unr: Vec<f64> = z.iter().zip(&p.categories).filter(|(_, c)| **c != related).map(|(z, _)| *z).collect();
    let rmin = rel.iter().copied().fold(f64::MAX, f64::min);
    let umax = unr.iter().map(|v| v.abs()).fold(0.0, f64::max);
    let rel_txt = if rel.is_empty() {
        "none".to_owned()
    } else {
        format!("min {:.2} max {:.2}", rmin, rel.iter().copied().fold(f64::MIN, f64::max))
    };
    format!("{cand}: rel {rel_txt} | unr max|z| {:.2} | S {:.2} |p| {:.2} |m| {:.2}", umax, z.iter().sum::<f64>(), norm(&pooled), norm(&mean))
}

/// Catalogue group means of sum z (the page's colouring without softmax) for
/// a built-in scene: the user's lowest group vs the untouched highest.
fn groups(unit: &ActivationUnit, scene: &str) -> String {
    let p = preset(scene).unwrap();
    let c = Catalogue::for_scene(&p.scene);
    let mut sum = vec![0.0; c.groups.len()];
    let mut cnt = vec![0.0; c.groups.len()];
    for e in &c.entries {
        let s: f64 = p.scene.items.iter().map(|it| unit.scores(&e.vector, &it.vector).unwrap()[0]).sum();
        sum[e.group] += s;
        cnt[e.group] += 1.0;
    }
    let mut lo = f64::MAX;
    let mut hi = f64::MIN;
    let mut shown = Vec::new();
    for (g, gr) in c.groups.iter().enumerate() {
        let m = sum[g] / cnt[g];
        shown.push(format!("{} {:.2}", gr.key, m));
        match gr.relation { Relation::InLastN => lo = lo.min(m), Relation::Untouched => hi = hi.max(m), _ => {} }
    }
    format!("{} {scene}: lo {lo:.3} hi {hi:.3} {shown:?}", if lo > hi { "ok " } else { "BAD" })
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let act: Activation = args[0].parse().unwrap();
    let epochs: usize = args[1].parse().unwrap();
    for lam in args[2..].iter().map(|s| s.parse::<f64>().unwrap()) {
        let mut cfg = TrainConfig::shipped_for(act, WeightForm::Logit);
        cfg.activity_l2 = lam;
        cfg.activity_l1 = std::env::var("L1").ok().and_then(|v| v.parse().ok()).unwrap_or(0.0);
        cfg.epochs = epochs;
        if let Some(b) = std::env::var("LOGIT_INIT").ok().and_then(|v| v.parse().ok()) { cfg.logit_init = b; }
        let t = std::time::Instant::now();
        let out = train(&cfg).unwrap();
        let sep = category_separation_for(&out.unit, WeightForm::Logit);
        println!("== {act} lambda {lam} l1 {} epochs {epochs}:", cfg.activity_l1); println!("   auc din {:.4} mean {:.4} | same {:.3} other {:.3} gap {:.3} flipped {} ({:.0}s)",
            out.auc_din, out.auc_mean, sep.mean_same, sep.mean_other, sep.min_gap, out.unit.training().get("sign_flipped").map(|v| v.to_string()).unwrap_or_default(), t.elapsed().as_secs_f64());
        let offmax = sep.alpha.iter().enumerate().flat_map(|(c, r)| r.iter().enumerate().filter(move |(c2, _)| *c2 != c).map(|(_, a)| a.abs())).fold(0.0, f64::max);
        println!("   centroid off-diagonal max |z| {offmax:.3}");
        for (s, c, r) in [("why-din-works","food","food"),("why-din-works","news","news"),("why-din-works","makeup","makeup"),("why-din-works","cars","cars"),("interest-intensity","tshirt","clothes"),("interest-intensity","phone","electronics")] {
            println!("   {}", pic(&out.unit, s, c, r));
        }
        for s in ["why-din-works", "interest-intensity"] {
            println!("   {}", groups(&out.unit, s));
        }
    }
}
