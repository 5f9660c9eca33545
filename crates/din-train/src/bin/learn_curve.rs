//! Trains the in-page trainer's two models (`din_train::learn`) natively and
//! prints the held-out AUC and GAUC of DIN and of average pooling against
//! the step count and the wall time, for choosing defaults and for the
//! speed budget (the page must show DIN ahead within 20 s in a Web Worker).
//!
//! ```text
//! cargo run --release --bin learn_curve -- [steps] [every] [key=value ...]
//! ```
//!
//! Keys: users, items, impressions, n_min, n_max, interests, stray, seed,
//! d, batch, lr, wd, weight (identity|sigmoid|softmax|softmax_scaled),
//! unit (sigmoid|relu|prelu|dice), mlp (sigmoid|relu|prelu|dice).
#![cfg_attr(target_arch = "wasm32", allow(unused))]

use din_train::learn::{Trainer, TrainerConfig, DEFAULT_STEPS};
use din_core::model::{Activation, WeightForm};
use std::process::ExitCode;

#[cfg(not(target_arch = "wasm32"))]
fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let steps: usize = args.first().and_then(|s| s.parse().ok()).unwrap_or(DEFAULT_STEPS);
    let every: usize = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(50).max(1);
    let mut cfg = TrainerConfig::default();
    for kv in args.iter().skip(2) {
        let Some((k, v)) = kv.split_once('=') else {
            eprintln!("expected key=value, got {kv}");
            return ExitCode::FAILURE;
        };
        let num = |v: &str| v.parse::<f64>().unwrap_or(f64::NAN);
        let whole = |v: &str| v.parse::<usize>().unwrap_or(0);
        match k {
            "users" => cfg.data.users = whole(v),
            "items" => cfg.data.items = whole(v),
            "impressions" => cfg.data.impressions = whole(v),
            "n_min" => cfg.data.n_min = whole(v),
            "n_max" => cfg.data.n_max = whole(v),
            "interests" => cfg.data.max_interests = whole(v),
            "stray" => cfg.data.stray = num(v),
            "seed" => cfg.seed = whole(v) as u64,
            "d" => cfg.d = whole(v),
            "batch" => cfg.batch_size = whole(v),
            "lr" => cfg.learning_rate = num(v),
            "wd" => cfg.weight_decay = num(v),
            "weight" => match WeightForm::parse(v) {
                Some(w) => cfg.weight = w,
                None => {
                    eprintln!("unknown weight form {v}");
                    return ExitCode::FAILURE;
                }
            },
            "unit" | "mlp" => match Activation::parse(v) {
                Some(a) if k == "unit" => cfg.unit_activation = a,
                Some(a) => cfg.mlp_activation = a,
                None => {
                    eprintln!("unknown activation {v}");
                    return ExitCode::FAILURE;
                }
            },
            _ => {
                eprintln!("unknown key {k}");
                return ExitCode::FAILURE;
            }
        }
    }
    let start = std::time::Instant::now();
    let mut t = match Trainer::new(cfg) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    let setup = start.elapsed().as_secs_f64();
    let o = t.oracle();
    println!("setup {setup:.3} s; oracle AUC {:.4} GAUC {:.4}", o.auc, o.gauc);
    println!("| steps | train s | eval s | AUC DIN | AUC mean | GAUC DIN | GAUC mean | loss DIN | loss mean |");
    println!("|---|---|---|---|---|---|---|---|---|");
    let (mut train_s, mut eval_s) = (0.0, 0.0);
    let mut done = 0;
    while done < steps {
        let k = every.min(steps - done);
        let s0 = std::time::Instant::now();
        t.step(k);
        train_s += s0.elapsed().as_secs_f64();
        done += k;
        let e0 = std::time::Instant::now();
        let p = t.evaluate();
        eval_s += e0.elapsed().as_secs_f64();
        println!(
            "| {} | {train_s:.2} | {eval_s:.2} | {:.4} | {:.4} | {:.4} | {:.4} | {:.4} | {:.4} |",
            p.steps, p.din.auc, p.mean.auc, p.din.gauc, p.mean.gauc, p.train_loss_din, p.train_loss_mean
        );
    }
    ExitCode::SUCCESS
}

#[cfg(target_arch = "wasm32")]
fn main() -> ExitCode {
    ExitCode::FAILURE
}
