//! Trains the activation unit once per activation (sigmoid, PReLU, Dice)
//! on the synthetic click data of `din_train::train` and writes
//! `weights/sigmoid.json`, `weights/prelu.json` and `weights/dice.json`.
//!
//! ```text
//! cargo run --release --bin make_weights           # train and write the files
//! cargo run --release --bin make_weights -- --check  # train and compare with the files
//! ```
//!
//! The files depend only on the seed and the configuration in
//! `din_train::train::TrainConfig::shipped`: two runs write the same bytes.
//! The table printed at the end (held-out AUC of DIN, of average pooling
//! and of the true click probabilities; the unit's weights for category
//! centroids of the same and of other categories, and the smallest
//! same-minus-other gap; training time of both models) is for the reader;
//! no time goes into the files.
#![cfg_attr(target_arch = "wasm32", allow(unused))]

use din_train::train::{category_separation, train, TrainConfig};
use din_core::unit::Activation;
use std::path::PathBuf;
use std::process::ExitCode;

#[cfg(not(target_arch = "wasm32"))]
fn main() -> ExitCode {
    let check = std::env::args().skip(1).any(|a| a == "--check");
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../weights");
    if let Err(e) = std::fs::create_dir_all(&dir) {
        eprintln!("cannot create {}: {e}", dir.display());
        return ExitCode::FAILURE;
    }
    let mut rows = Vec::new();
    let mut failed = false;
    for activation in Activation::ALL {
        let cfg = TrainConfig::shipped(activation);
        eprintln!(
            "training {activation}: hidden {:?}, {} examples, {} epochs ...",
            cfg.hidden, cfg.data.examples, cfg.epochs
        );
        let start = std::time::Instant::now();
        let out = match train(&cfg) {
            Ok(out) => out,
            Err(e) => {
                eprintln!("{activation}: {e}");
                return ExitCode::FAILURE;
            }
        };
        let secs = start.elapsed().as_secs_f64();
        let sep = category_separation(&out.unit);
        let path = dir.join(format!("{}.json", activation.name()));
        let text = out.unit.to_json();
        if check {
            match std::fs::read_to_string(&path) {
                Ok(old) if old == text => eprintln!("{}: identical", path.display()),
                Ok(_) => {
                    eprintln!("{}: DIFFERS from a fresh training run", path.display());
                    failed = true;
                }
                Err(e) => {
                    eprintln!("cannot read {}: {e}", path.display());
                    failed = true;
                }
            }
        } else if let Err(e) = std::fs::write(&path, &text) {
            eprintln!("cannot write {}: {e}", path.display());
            return ExitCode::FAILURE;
        } else {
            eprintln!("wrote {}", path.display());
        }
        rows.push((activation, out.auc_din, out.auc_mean, out.auc_oracle, sep.mean_same, sep.mean_other, sep.min_gap, secs));
    }
    println!();
    println!("| activation | held-out AUC, DIN | held-out AUC, average pooling | AUC of the true click probability | mean alpha, same category | mean alpha, other category | smallest gap | train time |");
    println!("|---|---|---|---|---|---|---|---|");
    for (a, din, mean, oracle, same, other, gap, secs) in rows {
        println!("| {a} | {din:.4} | {mean:.4} | {oracle:.4} | {same:.3} | {other:.3} | {gap:.3} | {secs:.1} s |");
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

#[cfg(target_arch = "wasm32")]
fn main() -> ExitCode {
    // Training writes files; it runs natively only (`make weights`).
    ExitCode::FAILURE
}
