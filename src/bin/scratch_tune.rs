use din_viz::train::*;
use din_viz::unit::Activation;
fn main() {
    let args: Vec<String> = std::env::args().collect();
    let epochs: usize = args[1].parse().unwrap();
    let lr: f64 = args[2].parse().unwrap();
    let ex: usize = args[3].parse().unwrap();
    let bi: f64 = args[4].parse().unwrap();
    let bs: f64 = args[5].parse().unwrap();
    let bb: f64 = args[6].parse().unwrap();
    for a in Activation::ALL {
        let mut cfg = TrainConfig::shipped(a);
        cfg.epochs = epochs; cfg.learning_rate = lr; cfg.data.examples = ex;
        cfg.data.stray = args.get(7).map_or(0.1, |s| s.parse().unwrap()); cfg.data.noise_sd = args.get(8).map_or(0.2, |s| s.parse().unwrap());
        cfg.mlp_hidden = args.get(9).map_or(16, |s| s.parse().unwrap()); cfg.mlp_weight_decay = args.get(11).map_or(0.0, |s| s.parse().unwrap()); cfg.batch_size = args.get(10).map_or(64, |s| s.parse().unwrap());
        cfg.data.logit_interest = bi; cfg.data.logit_share = bs; cfg.data.logit_bias = bb;
        let t = std::time::Instant::now();
        let o = train(&cfg).unwrap();
        let s = category_separation(&o.unit);
        show(&s);
        println!("{a}: din {:.4} mean {:.4} oracle {:.4} same {:.3} other {:.3} gap {:.3} {:.1}s", o.auc_din, o.auc_mean, o.auc_oracle, s.mean_same, s.mean_other, s.min_gap, t.elapsed().as_secs_f64());
    }
}
#[allow(dead_code)]
fn show(s: &Separation) { for r in &s.alpha { println!("   {}", r.iter().map(|v| format!("{v:.2}")).collect::<Vec<_>>().join(" ")); } }
