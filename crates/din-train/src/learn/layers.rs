//! Trainable dense layers with hand-written backpropagation, shared by the
//! `make weights` trainer ([`crate::train`]) and the in-page trainer
//! ([`crate::learn`]): a parameter tensor with Adam, dense layers with a
//! linear, ReLU, sigmoid, PReLU or Dice activation (Dice with the
//! statistics of the mini-batch in training, back-propagated through, and
//! running averages at inference), and stacks of them. The gradients are
//! checked against finite differences in both trainers' tests.
//!
//! Single-threaded and deterministic: the arithmetic is done in one fixed
//! order, so the same inputs give the same bits on every run.

use din_core::rng::Rng;
use din_core::unit::sigmoid;

/// Momentum of Dice's running mean and variance.
pub const DICE_MOMENTUM: f64 = 0.99;

/// A parameter tensor with its gradient and Adam moments.
#[derive(Clone, Debug)]
pub(crate) struct Param {
    pub(crate) v: Vec<f64>,
    pub(crate) g: Vec<f64>,
    pub(crate) m: Vec<f64>,
    pub(crate) s: Vec<f64>,
}

impl Param {
    pub(crate) fn new(v: Vec<f64>) -> Self {
        let n = v.len();
        Param { v, g: vec![0.0; n], m: vec![0.0; n], s: vec![0.0; n] }
    }

    /// One Adam step at time `t >= 1`, then zeroes the gradient.
    pub(crate) fn adam(&mut self, lr: f64, t: i32) {
        const B1: f64 = 0.9;
        const B2: f64 = 0.999;
        const EPS: f64 = 1e-8;
        let c1 = 1.0 - B1.powi(t);
        let c2 = 1.0 - B2.powi(t);
        for k in 0..self.v.len() {
            let g = self.g[k];
            self.m[k] = B1 * self.m[k] + (1.0 - B1) * g;
            self.s[k] = B2 * self.s[k] + (1.0 - B2) * g * g;
            let mh = self.m[k] / c1;
            let sh = self.s[k] / c2;
            self.v[k] -= lr * mh / (sh.sqrt() + EPS);
            self.g[k] = 0.0;
        }
    }
}

/// The activation of a training layer.
#[derive(Clone, Debug)]
pub(crate) enum Act {
    Linear,
    Relu,
    Sigmoid,
    PRelu(Param),
    Dice { alpha: Param, run_mean: Vec<f64>, run_var: Vec<f64>, eps: f64 },
}

/// A dense layer `post = act(W input + b)`, `W` row-major `out x inp`.
#[derive(Clone, Debug)]
pub(crate) struct Dense {
    pub(crate) inp: usize,
    pub(crate) out: usize,
    pub(crate) w: Param,
    pub(crate) b: Param,
    pub(crate) act: Act,
}

/// What the forward pass keeps for the backward pass.
#[derive(Clone, Debug, Default)]
pub(crate) struct Cache {
    pub(crate) rows: usize,
    pub(crate) input: Vec<f64>,
    pub(crate) pre: Vec<f64>,
    pub(crate) post: Vec<f64>,
    /// Dice in training: standardised `x_hat`, gate `p` and `1/sqrt(var + eps)` per unit.
    xhat: Vec<f64>,
    gate: Vec<f64>,
    inv_std: Vec<f64>,
}

impl Dense {
    pub(crate) fn new(inp: usize, out: usize, act: Act, rng: &mut Rng) -> Self {
        let w: Vec<f64> = match act {
            Act::Linear | Act::Sigmoid => {
                let r = (6.0 / (inp + out) as f64).sqrt();
                (0..inp * out).map(|_| rng.range(-r, r)).collect()
            }
            _ => {
                let sd = (2.0 / inp as f64).sqrt();
                (0..inp * out).map(|_| sd * rng.normal()).collect()
            }
        };
        Dense { inp, out, w: Param::new(w), b: Param::new(vec![0.0; out]), act }
    }

    pub(crate) fn params_mut(&mut self) -> Vec<&mut Param> {
        let mut ps = vec![&mut self.w, &mut self.b];
        match &mut self.act {
            Act::PRelu(a) | Act::Dice { alpha: a, .. } => ps.push(a),
            _ => {}
        }
        ps
    }

    /// Forward over `rows` rows of `input`; Dice uses batch statistics
    /// (and updates its running ones) when `training`, else the running ones.
    pub(crate) fn forward(&mut self, input: Vec<f64>, rows: usize, training: bool) -> Cache {
        let (inp, out) = (self.inp, self.out);
        let mut pre = vec![0.0; rows * out];
        for r in 0..rows {
            let x = &input[r * inp..(r + 1) * inp];
            for o in 0..out {
                let w = &self.w.v[o * inp..(o + 1) * inp];
                let mut s = self.b.v[o];
                for k in 0..inp {
                    s += w[k] * x[k];
                }
                pre[r * out + o] = s;
            }
        }
        let mut cache = Cache { rows, input, ..Cache::default() };
        let post: Vec<f64> = match &mut self.act {
            Act::Linear => pre.clone(),
            Act::Relu => pre.iter().map(|s| s.max(0.0)).collect(),
            Act::Sigmoid => pre.iter().map(|s| sigmoid(*s)).collect(),
            Act::PRelu(a) => {
                pre.iter().enumerate().map(|(k, s)| if *s > 0.0 { *s } else { a.v[k % out] * s }).collect()
            }
            Act::Dice { alpha, run_mean, run_var, eps } => {
                let mut mean = vec![0.0; out];
                let mut var = vec![0.0; out];
                if training && rows > 0 {
                    for r in 0..rows {
                        for o in 0..out {
                            mean[o] += pre[r * out + o];
                        }
                    }
                    for m in &mut mean {
                        *m /= rows as f64;
                    }
                    for r in 0..rows {
                        for o in 0..out {
                            let c = pre[r * out + o] - mean[o];
                            var[o] += c * c;
                        }
                    }
                    for v in &mut var {
                        *v /= rows as f64;
                    }
                    for o in 0..out {
                        run_mean[o] = DICE_MOMENTUM * run_mean[o] + (1.0 - DICE_MOMENTUM) * mean[o];
                        run_var[o] = DICE_MOMENTUM * run_var[o] + (1.0 - DICE_MOMENTUM) * var[o];
                    }
                } else {
                    mean.clone_from(run_mean);
                    var.clone_from(run_var);
                }
                let inv_std: Vec<f64> = var.iter().map(|v| 1.0 / (v + *eps).sqrt()).collect();
                let mut xhat = vec![0.0; rows * out];
                let mut gate = vec![0.0; rows * out];
                let mut post = vec![0.0; rows * out];
                for r in 0..rows {
                    for o in 0..out {
                        let k = r * out + o;
                        let s = pre[k];
                        xhat[k] = (s - mean[o]) * inv_std[o];
                        gate[k] = sigmoid(xhat[k]);
                        let a = alpha.v[o];
                        post[k] = s * (a + (1.0 - a) * gate[k]);
                    }
                }
                cache.xhat = xhat;
                cache.gate = gate;
                cache.inv_std = inv_std;
                post
            }
        };
        cache.pre = pre;
        cache.post = post;
        cache
    }

    /// Backward from `g_post`; accumulates parameter gradients and returns
    /// the gradient of the input when `need_input`. Dice's batch-statistics
    /// path is included (the forward pass must have been in training mode).
    pub(crate) fn backward(&mut self, cache: &Cache, g_post: &[f64], need_input: bool) -> Vec<f64> {
        let (inp, out, rows) = (self.inp, self.out, cache.rows);
        let pre = &cache.pre;
        let mut g_pre: Vec<f64> = match &mut self.act {
            Act::Linear => g_post.to_vec(),
            Act::Relu => g_post.iter().zip(pre).map(|(g, s)| if *s > 0.0 { *g } else { 0.0 }).collect(),
            Act::Sigmoid => g_post.iter().zip(&cache.post).map(|(g, h)| g * h * (1.0 - h)).collect(),
            Act::PRelu(a) => {
                let mut gp = vec![0.0; rows * out];
                for k in 0..rows * out {
                    let o = k % out;
                    if pre[k] > 0.0 {
                        gp[k] = g_post[k];
                    } else {
                        gp[k] = a.v[o] * g_post[k];
                        a.g[o] += g_post[k] * pre[k];
                    }
                }
                gp
            }
            Act::Dice { alpha, .. } => {
                let mut gp = vec![0.0; rows * out];
                let mut g_xhat = vec![0.0; rows * out];
                for k in 0..rows * out {
                    let o = k % out;
                    let (s, p, a, g) = (pre[k], cache.gate[k], alpha.v[o], g_post[k]);
                    alpha.g[o] += g * s * (1.0 - p);
                    gp[k] = g * (a + (1.0 - a) * p);
                    g_xhat[k] = g * s * (1.0 - a) * p * (1.0 - p);
                }
                // Through the batch normalisation x_hat = (s - mean) * inv_std.
                let m = rows as f64;
                for o in 0..out {
                    let (mut sum_g, mut sum_gx) = (0.0, 0.0);
                    for r in 0..rows {
                        let k = r * out + o;
                        sum_g += g_xhat[k];
                        sum_gx += g_xhat[k] * cache.xhat[k];
                    }
                    let c = cache.inv_std[o] / m;
                    for r in 0..rows {
                        let k = r * out + o;
                        gp[k] += c * (m * g_xhat[k] - sum_g - cache.xhat[k] * sum_gx);
                    }
                }
                gp
            }
        };
        let mut g_in = if need_input { vec![0.0; rows * inp] } else { Vec::new() };
        for r in 0..rows {
            let x = &cache.input[r * inp..(r + 1) * inp];
            for o in 0..out {
                let g = g_pre[r * out + o];
                if g == 0.0 {
                    continue;
                }
                self.b.g[o] += g;
                let gw = &mut self.w.g[o * inp..(o + 1) * inp];
                for k in 0..inp {
                    gw[k] += g * x[k];
                }
                if need_input {
                    let w = &self.w.v[o * inp..(o + 1) * inp];
                    let gi = &mut g_in[r * inp..(r + 1) * inp];
                    for k in 0..inp {
                        gi[k] += g * w[k];
                    }
                }
            }
        }
        g_pre.clear();
        g_in
    }
}

/// A stack of dense layers.
#[derive(Clone, Debug)]
pub(crate) struct Stack {
    pub(crate) layers: Vec<Dense>,
}

impl Stack {
    pub(crate) fn forward(&mut self, input: Vec<f64>, rows: usize, training: bool) -> (Vec<f64>, Vec<Cache>) {
        let mut caches = Vec::with_capacity(self.layers.len());
        let mut h = input;
        for layer in &mut self.layers {
            let c = layer.forward(h, rows, training);
            h = c.post.clone();
            caches.push(c);
        }
        (h, caches)
    }

    pub(crate) fn backward(&mut self, caches: &[Cache], g_out: Vec<f64>, need_input: bool) -> Vec<f64> {
        let mut g = g_out;
        for (i, (layer, cache)) in self.layers.iter_mut().zip(caches).enumerate().rev() {
            g = layer.backward(cache, &g, need_input || i > 0);
        }
        g
    }

    pub(crate) fn params_mut(&mut self) -> Vec<&mut Param> {
        self.layers.iter_mut().flat_map(Dense::params_mut).collect()
    }
}
