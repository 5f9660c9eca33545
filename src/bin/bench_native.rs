//! Native timing of `din_core::attention::attend_named`, the function the
//! wasm export `attend` wraps, for `make bench` to compare with the same
//! call made from JavaScript (`tests/bench/bench.mjs`).
//!
//! ```text
//! cargo run --release --bin bench_native -- --json target/bench-native.json
//! cargo run --release --bin bench_native -- --n 10000 --d 64 --runs 100
//! ```
//!
//! The inputs come from the same seeded generator as the JS bench
//! (mulberry32, a few centroids plus noise; only `+ - *` and comparisons, so
//! both sides build bit-identical numbers), and the JSON carries checksums of
//! the result so the JS side can confirm it timed the same computation.
//! Nothing here asserts on time.
#![cfg_attr(target_arch = "wasm32", allow(unused))]

use din_core::attention::attend_named;
use std::hint::black_box;
use std::process::ExitCode;
use std::time::Instant;

/// mulberry32, as in `tests/bench/bench.mjs`: uniform numbers in [0, 1).
struct Mulberry32(u32);

impl Mulberry32 {
    fn next(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x6D2B_79F5);
        let a = self.0;
        let mut t = (a ^ (a >> 15)).wrapping_mul(1 | a);
        t = t.wrapping_add((t ^ (t >> 7)).wrapping_mul(0x3D | t)) ^ t;
        f64::from(t ^ (t >> 14)) / 4_294_967_296.0
    }
}

/// Clustered vectors: `k` centroids in [-1, 1]^d, every item (and the query)
/// a centroid plus noise 0.3 * (u1 + u2 + u3 - 1.5). Returns (query, keys).
/// Must match `makeVectors` in tests/bench/bench.mjs step for step.
fn make_vectors(seed: u32, n: usize, d: usize, k: usize) -> (Vec<f64>, Vec<f64>) {
    let mut rng = Mulberry32(seed);
    let mut centroids = Vec::with_capacity(k * d);
    for _ in 0..k * d {
        centroids.push(rng.next() * 2.0 - 1.0);
    }
    let point = |rng: &mut Mulberry32, out: &mut Vec<f64>| {
        // Truncation is the point: a uniform index in 0..k.
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss, clippy::cast_precision_loss)]
        let c = ((rng.next() * k as f64) as usize).min(k - 1);
        for j in 0..d {
            let noise = (rng.next() + rng.next() + rng.next() - 1.5) * 0.3;
            out.push(centroids[c * d + j] + noise);
        }
    };
    let mut query = Vec::with_capacity(d);
    point(&mut rng, &mut query);
    let mut keys = Vec::with_capacity(n * d);
    for _ in 0..n {
        point(&mut rng, &mut keys);
    }
    (query, keys)
}

fn median(xs: &mut [f64]) -> f64 {
    xs.sort_by(f64::total_cmp);
    let m = xs.len() / 2;
    if xs.len() % 2 == 1 {
        xs[m]
    } else {
        (xs[m - 1] + xs[m]) / 2.0
    }
}

fn quantile(sorted: &[f64], p: f64) -> f64 {
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss, clippy::cast_precision_loss)]
    let i = ((p * (sorted.len() - 1) as f64).round() as usize).min(sorted.len() - 1);
    sorted[i]
}

struct Args {
    json: Option<String>,
    n: usize,
    d: usize,
    k: usize,
    seed: u32,
    runs: usize,
    warmup: usize,
}

fn parse_args() -> Result<Args, String> {
    let mut a = Args { json: None, n: 10_000, d: 64, k: 6, seed: 20_180_706, runs: 101, warmup: 10 };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or_else(|| format!("{flag} needs a value"));
        let num = |v: String| v.parse::<usize>().map_err(|e| format!("{flag} {v}: {e}"));
        match flag.as_str() {
            "--json" => a.json = Some(value()?),
            "--n" => a.n = num(value()?)?,
            "--d" => a.d = num(value()?)?,
            "--k" => a.k = num(value()?)?.max(1),
            "--runs" => a.runs = num(value()?)?.max(1),
            "--warmup" => a.warmup = num(value()?)?,
            "--seed" => a.seed = value()?.parse().map_err(|e| format!("--seed: {e}"))?,
            "-h" | "--help" => {
                return Err("usage: bench_native [--json FILE] [--n N] [--d D] [--k K] [--seed S] [--runs R] [--warmup W]".into())
            }
            other => return Err(format!("unknown argument {other}")),
        }
    }
    Ok(a)
}

#[cfg(not(target_arch = "wasm32"))]
fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    let (query, keys) = make_vectors(args.seed, args.n, args.d, args.k);
    let (similarity, normalization, temperature) = ("dot", "softmax", 1.0);
    let reference = match attend_named(&query, &keys, similarity, normalization, temperature) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("attend_named refused the bench inputs: {e}");
            return ExitCode::FAILURE;
        }
    };
    for _ in 0..args.warmup {
        black_box(attend_named(black_box(&query), black_box(&keys), similarity, normalization, temperature).ok());
    }
    let mut ms = Vec::with_capacity(args.runs);
    for _ in 0..args.runs {
        let t0 = Instant::now();
        let r = attend_named(black_box(&query), black_box(&keys), similarity, normalization, temperature);
        black_box(&r);
        ms.push(t0.elapsed().as_secs_f64() * 1e3);
        drop(r);
    }
    let med = median(&mut ms);
    let (min, p95) = (ms[0], quantile(&ms, 0.95));
    // sum of alpha_i * (i mod 7 + 1): order-sensitive, unlike alphaSum.
    let weights = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0];
    let alpha_checksum: f64 = reference.alpha.iter().zip(weights.iter().cycle()).map(|(a, w)| a * w).sum();
    eprintln!(
        "bench_native: attend_named n = {} d = {} {similarity}/{normalization}: median {med:.4} ms, min {min:.4} ms, p95 {p95:.4} ms over {} runs",
        args.n, args.d, args.runs
    );
    let json = serde_json::json!({
        "function": "din_core::attention::attend_named",
        "n": args.n, "d": args.d, "k": args.k, "seed": args.seed,
        "similarity": similarity, "normalization": normalization, "temperature": temperature,
        "runs": args.runs, "warmup": args.warmup,
        "median_ms": med, "min_ms": min, "p95_ms": p95,
        "checksum": {
            "alphaSum": reference.alpha_sum,
            "pooledNorm": reference.pooled_norm,
            "meanNorm": reference.mean_norm,
            "alphaWeighted": alpha_checksum,
            "query0": query[0],
            "keysLast": keys[keys.len() - 1],
        },
        "target": format!("{}-{}", std::env::consts::ARCH, std::env::consts::OS),
        "profile": if cfg!(debug_assertions) { "debug" } else { "release" },
    });
    if let Some(path) = &args.json {
        if let Some(dir) = std::path::Path::new(path).parent() {
            if !dir.as_os_str().is_empty() {
                let _ = std::fs::create_dir_all(dir);
            }
        }
        let text = serde_json::to_string_pretty(&json).unwrap_or_default();
        if let Err(e) = std::fs::write(path, text + "\n") {
            eprintln!("cannot write {path}: {e}");
            return ExitCode::FAILURE;
        }
        eprintln!("bench_native: wrote {path}");
    } else {
        println!("{json}");
    }
    ExitCode::SUCCESS
}

#[cfg(target_arch = "wasm32")]
fn main() -> ExitCode {
    // A native measurement only (`make bench`).
    ExitCode::FAILURE
}
