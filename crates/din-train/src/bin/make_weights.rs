//! Trains the activation unit once per activation (sigmoid, PReLU, Dice)
//! and weight form on the synthetic click data of `din_train::train` and
//! writes `weights/{sigmoid,prelu,dice}.json` (trained with
//! `alpha = sigmoid(z)`) and `weights/{sigmoid,prelu,dice}-z.json` (trained
//! with the paper's `alpha = z` and a small activity penalty on `z`).
//!
//! ```text
//! cargo run --release --bin make_weights             # train and write the six files
//! cargo run --release --bin make_weights -- --check  # train and compare with the files
//! cargo run --release --bin make_weights -- --only z # only the alpha = z files (or: --only sigmoid)
//! cargo run --release --bin make_weights -- --activation prelu  # only that activation's files (combines with the others)
//! ```
//!
//! The files depend only on the seed and the configuration in
//! `din_train::train::TrainConfig::shipped_for`: two runs write the same
//! bytes. The table printed at the end (held-out AUC of DIN, of average
//! pooling and of the true click probabilities; the unit's weights for
//! category centroids of the same and of other categories, and the
//! smallest same-minus-other gap; training time of both models) is for the
//! reader; no time goes into the files.
#![cfg_attr(target_arch = "wasm32", allow(unused))]

use din_train::train::{category_separation_for, file_stem, train, TrainConfig};
use din_core::unit::{Activation, WeightForm};
use std::path::PathBuf;
use std::process::ExitCode;

#[cfg(not(target_arch = "wasm32"))]
fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let check = args.iter().any(|a| a == "--check");
    let only = args.iter().position(|a| a == "--only").map(|i| args.get(i + 1).and_then(|w| w.parse::<WeightForm>().ok()));
    let forms: Vec<WeightForm> = match only {
        None => WeightForm::ALL.iter().rev().copied().collect(),
        Some(Some(w)) => vec![w],
        Some(None) => {
            eprintln!("--only takes z or sigmoid");
            return ExitCode::FAILURE;
        }
    };
    // --activation prelu: only that activation's files.
    let activations: Vec<Activation> = match args.iter().position(|a| a == "--activation") {
        None => Activation::ALL.to_vec(),
        Some(i) => match args.get(i + 1).and_then(|a| a.parse::<Activation>().ok()) {
            Some(a) => vec![a],
            None => {
                eprintln!("--activation takes sigmoid, prelu or dice");
                return ExitCode::FAILURE;
            }
        },
    };
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../weights");
    if let Err(e) = std::fs::create_dir_all(&dir) {
        eprintln!("cannot create {}: {e}", dir.display());
        return ExitCode::FAILURE;
    }
    let mut rows = Vec::new();
    let mut failed = false;
    for (weight, activation) in forms.iter().flat_map(|w| activations.iter().map(|a| (*w, *a))) {
        let cfg = TrainConfig::shipped_for(activation, weight);
        let stem = file_stem(activation, weight);
        eprintln!(
            "training {stem} (alpha = {}): hidden {:?}, {} examples, {} epochs ...",
            if weight == WeightForm::Logit { "z" } else { "sigmoid(z)" },
            cfg.hidden,
            cfg.data.examples,
            cfg.epochs
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
        let sep = category_separation_for(&out.unit, weight);
        let path = dir.join(format!("{stem}.json"));
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
        rows.push((stem, out.auc_din, out.auc_mean, out.auc_oracle, sep.mean_same, sep.mean_other, sep.min_gap, secs));
    }
    println!();
    println!("| file | held-out AUC, DIN | held-out AUC, average pooling | AUC of the true click probability | mean alpha, same category | mean alpha, other category | smallest gap | train time |");
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
