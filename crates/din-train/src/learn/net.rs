//! The network the in-page trainer fits: learned item embeddings, the
//! activation unit (DIN) or the plain average (baseline), and an MLP on
//! `[pooled, candidate]` whose sigmoid is the click probability; the forward
//! and backward passes of one mini-batch, Adam, and export to the
//! [`din_core::model`] format.

use super::layers::{Act, Cache, Dense, Param, Stack};
use din_core::model::{self, Activation, Block, DinModel, Layer, ModelParts, LayerParams, Pooling, WeightForm};
use din_core::rng::Rng;
use din_core::unit::sigmoid;

/// Standard deviation of the initial item embeddings.
pub(crate) const EMBEDDING_INIT_SD: f64 = 0.1;

/// One impression as the network sees it.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Row<'a> {
    /// The LastN item ids.
    pub(crate) lastn: &'a [usize],
    /// The candidate's item id.
    pub(crate) candidate: usize,
    /// The label.
    pub(crate) click: bool,
}

/// Sizes and activations of a network.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Shape {
    pub(crate) items: usize,
    pub(crate) d: usize,
    pub(crate) unit_hidden: Vec<usize>,
    pub(crate) unit_activation: Activation,
    pub(crate) weight: WeightForm,
    pub(crate) mlp_hidden: Vec<usize>,
    pub(crate) mlp_activation: Activation,
    pub(crate) dice_eps: f64,
}

fn act(a: Activation, width: usize, eps: f64) -> Act {
    match a {
        Activation::Sigmoid => Act::Sigmoid,
        Activation::Relu => Act::Relu,
        Activation::PRelu => Act::PRelu(Param::new(vec![0.25; width])),
        Activation::Dice => Act::Dice {
            alpha: Param::new(vec![0.0; width]),
            run_mean: vec![0.0; width],
            run_var: vec![1.0; width],
            eps,
        },
    }
}

fn build_stack(inp: usize, hidden: &[usize], a: Activation, eps: f64, rng: &mut Rng) -> Stack {
    let mut layers = Vec::with_capacity(hidden.len() + 1);
    let mut i = inp;
    for &h in hidden {
        layers.push(Dense::new(i, h, act(a, h, eps), rng));
        i = h;
    }
    layers.push(Dense::new(i, 1, Act::Linear, rng));
    Stack { layers }
}

/// DIN or the average-pooling baseline, being trained.
#[derive(Clone, Debug)]
pub(crate) struct Net {
    pub(crate) pooling: Pooling,
    pub(crate) shape: Shape,
    pub(crate) emb: Param,
    pub(crate) unit: Option<Stack>,
    pub(crate) mlp: Stack,
    pub(crate) t: i32,
}

/// What [`Net::forward`] keeps for [`Net::backward`].
pub(crate) struct Pass {
    /// Per impression: the pooled vector, then the candidate (2d numbers).
    mlp_caches: Vec<Cache>,
    unit_caches: Vec<Cache>,
    /// DIN: the weight of each (impression, LastN item) row, and the raw z.
    alpha: Vec<f64>,
    /// Predicted click probabilities.
    pub(crate) p: Vec<f64>,
}

impl Net {
    /// A network with the embeddings and the MLP drawn first from `rng`
    /// (so DIN and the baseline start from the same ones), then the unit.
    pub(crate) fn new(pooling: Pooling, shape: &Shape, rng: &mut Rng) -> Self {
        let d = shape.d;
        let emb = Param::new((0..shape.items * d).map(|_| EMBEDDING_INIT_SD * rng.normal()).collect());
        let mlp = build_stack(2 * d, &shape.mlp_hidden, shape.mlp_activation, shape.dice_eps, rng);
        let unit = match pooling {
            Pooling::Attention => {
                Some(build_stack(4 * d, &shape.unit_hidden, shape.unit_activation, shape.dice_eps, rng))
            }
            Pooling::Mean => None,
        };
        Net { pooling, shape: shape.clone(), emb, unit, mlp, t: 0 }
    }

    /// Every trainable tensor, embeddings first.
    pub(crate) fn params_mut(&mut self) -> Vec<&mut Param> {
        let mut ps = vec![&mut self.emb];
        if let Some(u) = &mut self.unit {
            ps.extend(u.params_mut());
        }
        ps.extend(self.mlp.params_mut());
        ps
    }

    fn row(&self, j: usize) -> &[f64] {
        let d = self.shape.d;
        &self.emb.v[j * d..(j + 1) * d]
    }

    /// Forward pass over `rows`; `training` selects Dice's batch statistics.
    pub(crate) fn forward(&mut self, rows: &[Row<'_>], training: bool) -> Pass {
        let d = self.shape.d;
        let b = rows.len();
        let mut pooled = vec![0.0; b * d];
        let mut alpha = Vec::new();
        let mut unit_caches = Vec::new();
        match self.pooling {
            Pooling::Mean => {
                for (e, r) in rows.iter().enumerate() {
                    let w = 1.0 / r.lastn.len().max(1) as f64;
                    for j in r.lastn {
                        for k in 0..d {
                            pooled[e * d + k] += w * self.emb.v[j * d + k];
                        }
                    }
                }
            }
            Pooling::Attention => {
                let total: usize = rows.iter().map(|r| r.lastn.len()).sum();
                let mut input = Vec::with_capacity(total * 4 * d);
                for r in rows {
                    let q = self.row(r.candidate);
                    for j in r.lastn {
                        let x = self.row(*j);
                        input.extend_from_slice(q);
                        input.extend_from_slice(x);
                        input.extend(q.iter().zip(x).map(|(a, b)| a - b));
                        input.extend(q.iter().zip(x).map(|(a, b)| a * b));
                    }
                }
                let unit = self.unit.as_mut().map(|u| u.forward(input, total, training));
                let (z, caches) = unit.unwrap_or_default();
                unit_caches = caches;
                let mut at = 0;
                for (e, r) in rows.iter().enumerate() {
                    let n = r.lastn.len();
                    let a = self.shape.weight.apply(&z[at..at + n], d);
                    for (i, j) in r.lastn.iter().enumerate() {
                        for k in 0..d {
                            pooled[e * d + k] += a[i] * self.emb.v[j * d + k];
                        }
                    }
                    alpha.extend(a);
                    at += n;
                }
            }
        }
        let mut u = Vec::with_capacity(b * 2 * d);
        for (e, r) in rows.iter().enumerate() {
            u.extend_from_slice(&pooled[e * d..(e + 1) * d]);
            u.extend_from_slice(self.row(r.candidate));
        }
        let (o, mlp_caches) = self.mlp.forward(u, b, training);
        let p = o.iter().map(|v| sigmoid(*v)).collect();
        Pass { mlp_caches, unit_caches, alpha, p }
    }

    /// Backward pass of the mean log loss of `pass`; accumulates gradients.
    /// Returns the summed log loss.
    pub(crate) fn backward(&mut self, rows: &[Row<'_>], pass: Pass) -> f64 {
        let d = self.shape.d;
        let b = rows.len() as f64;
        let mut loss = 0.0;
        let g_o: Vec<f64> = rows
            .iter()
            .zip(&pass.p)
            .map(|(r, p)| {
                let pc = p.clamp(1e-12, 1.0 - 1e-12);
                loss -= if r.click { pc.ln() } else { (1.0 - pc).ln() };
                (p - if r.click { 1.0 } else { 0.0 }) / b
            })
            .collect();
        let g_u = self.mlp.backward(&pass.mlp_caches, g_o, true);
        let mut g_emb = std::mem::take(&mut self.emb.g);
        for (e, r) in rows.iter().enumerate() {
            let gc = &g_u[e * 2 * d + d..(e + 1) * 2 * d];
            for k in 0..d {
                g_emb[r.candidate * d + k] += gc[k];
            }
        }
        match self.pooling {
            Pooling::Mean => {
                for (e, r) in rows.iter().enumerate() {
                    let gp = &g_u[e * 2 * d..e * 2 * d + d];
                    let w = 1.0 / r.lastn.len().max(1) as f64;
                    for j in r.lastn {
                        for k in 0..d {
                            g_emb[j * d + k] += w * gp[k];
                        }
                    }
                }
            }
            Pooling::Attention => {
                let total = pass.alpha.len();
                let mut g_z = vec![0.0; total];
                let mut at = 0;
                for (e, r) in rows.iter().enumerate() {
                    let gp = &g_u[e * 2 * d..e * 2 * d + d];
                    let n = r.lastn.len();
                    let a = &pass.alpha[at..at + n];
                    let mut g_a = vec![0.0; n];
                    for (i, j) in r.lastn.iter().enumerate() {
                        let x = &self.emb.v[j * d..(j + 1) * d];
                        g_a[i] = gp.iter().zip(x).map(|(g, v)| g * v).sum();
                        for k in 0..d {
                            g_emb[j * d + k] += a[i] * gp[k];
                        }
                    }
                    self.weight_backward(a, &g_a, &mut g_z[at..at + n]);
                    at += n;
                }
                if let Some(unit) = &mut self.unit {
                    let g_in = unit.backward(&pass.unit_caches, g_z, true);
                    let mut row = 0;
                    for r in rows {
                        for j in r.lastn {
                            let g = &g_in[row * 4 * d..(row + 1) * 4 * d];
                            for k in 0..d {
                                let (q, x) = (self.emb.v[r.candidate * d + k], self.emb.v[j * d + k]);
                                let (g1, g2, g3, g4) = (g[k], g[d + k], g[2 * d + k], g[3 * d + k]);
                                g_emb[r.candidate * d + k] += g1 + g3 + g4 * x;
                                g_emb[j * d + k] += g2 - g3 + g4 * q;
                            }
                            row += 1;
                        }
                    }
                }
            }
        }
        self.emb.g = g_emb;
        loss
    }

    /// `g_z` from `g_alpha` through the weight form.
    fn weight_backward(&self, a: &[f64], g_a: &[f64], g_z: &mut [f64]) {
        match self.shape.weight {
            WeightForm::Identity => g_z.copy_from_slice(g_a),
            WeightForm::Sigmoid => {
                for i in 0..a.len() {
                    g_z[i] = g_a[i] * a[i] * (1.0 - a[i]);
                }
            }
            WeightForm::Softmax | WeightForm::SoftmaxScaled => {
                let scale = if self.shape.weight == WeightForm::Softmax {
                    1.0
                } else {
                    1.0 / (self.shape.d.max(1) as f64).sqrt()
                };
                let dot: f64 = a.iter().zip(g_a).map(|(x, y)| x * y).sum();
                for i in 0..a.len() {
                    g_z[i] = scale * a[i] * (g_a[i] - dot);
                }
            }
        }
    }

    /// One Adam step on a mini-batch: forward in training mode, backward,
    /// L2 `weight_decay` on the MLP's weight matrices, Adam. Returns the
    /// summed log loss.
    pub(crate) fn step(&mut self, rows: &[Row<'_>], lr: f64, weight_decay: f64) -> f64 {
        let pass = self.forward(rows, true);
        let loss = self.backward(rows, pass);
        if weight_decay != 0.0 {
            for layer in &mut self.mlp.layers {
                for (g, w) in layer.w.g.iter_mut().zip(&layer.w.v) {
                    *g += weight_decay * w;
                }
            }
        }
        self.t += 1;
        let t = self.t;
        for p in self.params_mut() {
            p.adam(lr, t);
        }
        loss
    }

    /// Click probabilities at inference (Dice with its running statistics).
    pub(crate) fn predict(&mut self, rows: &[Row<'_>]) -> Vec<f64> {
        self.forward(rows, false).p
    }

    /// The network in the [`din_core::model`] format.
    pub(crate) fn export(
        &self,
        labels: &[(String, String)],
        categories: &[usize],
        training: serde_json::Value,
    ) -> DinModel {
        let d = self.shape.d;
        let items = (0..self.shape.items)
            .map(|j| model::Item {
                label: labels[j].0.clone(),
                label_zh: Some(labels[j].1.clone()),
                category: categories[j],
                embedding: self.emb.v[j * d..(j + 1) * d].to_vec(),
            })
            .collect();
        let cats = din_core::presets::CATEGORIES
            .iter()
            .map(|c| model::Category { id: c.id.into(), en: c.en.into(), zh: c.zh.into(), embedding: Vec::new() })
            .collect();
        DinModel::from_parts(ModelParts {
            d,
            category_d: 0,
            categories: cats,
            items,
            features: Vec::new(),
            pooling: self.pooling,
            // What a file of mean pooling reads back (the form is unused there).
            weight: if self.pooling == Pooling::Mean { WeightForm::Identity } else { self.shape.weight },
            unit: self.unit.as_ref().map(|u| export_stack(u, self.shape.unit_activation, self.shape.dice_eps)),
            input: vec![Block::Pooled, Block::Candidate],
            mlp: export_stack(&self.mlp, self.shape.mlp_activation, self.shape.dice_eps),
            training,
        })
    }
}

fn export_layer(l: &Dense) -> Layer {
    let weight = l.w.v.chunks_exact(l.inp).map(<[f64]>::to_vec).collect();
    let params = match &l.act {
        Act::PRelu(a) => LayerParams::PRelu { alpha: a.v.clone() },
        Act::Dice { alpha, run_mean, run_var, .. } => {
            let w = alpha.v.len();
            LayerParams::Dice {
                alpha: alpha.v.clone(),
                mean: run_mean.clone(),
                var: run_var.clone(),
                gamma: vec![1.0; w],
                beta: vec![0.0; w],
            }
        }
        _ => LayerParams::None,
    };
    Layer { weight, bias: l.b.v.clone(), params }
}

fn export_stack(s: &Stack, activation: Activation, dice_eps: f64) -> model::Stack {
    let n = s.layers.len() - 1;
    model::Stack {
        activation,
        dice_eps,
        hidden: s.layers[..n].iter().map(export_layer).collect(),
        output: export_layer(&s.layers[n]),
    }
}
