//! Inference of a whole model: the keys, the activation unit's scores, the
//! weights, the pooled vector and the predicted click-through rate.

use super::Pooling;
use super::{
    Block, DinModel, Feature, FeatureValue, Kind, ModelAttention, ModelError, Prediction, Problem, MAX_HISTORY,
};
use crate::attention::norm;
use crate::unit::sigmoid;

fn overflow(field: &str) -> ModelError {
    ModelError::new(field, Problem::Overflow)
}

impl DinModel {
    fn check_item(&self, field: &str, j: usize) -> Result<(), ModelError> {
        if j < self.items.len() {
            Ok(())
        } else {
            Err(ModelError::new(field, Problem::NoSuchItem { index: j, items: self.items.len() }))
        }
    }

    /// The key of item `j`: `[item embedding, category embedding]`.
    ///
    /// # Errors
    /// [`Problem::NoSuchItem`] (field `item`).
    pub fn key(&self, j: usize) -> Result<Vec<f64>, ModelError> {
        self.check_item("item", j)?;
        Ok(self.key_unchecked(j))
    }

    fn key_unchecked(&self, j: usize) -> Vec<f64> {
        let item = &self.items[j];
        let mut k = Vec::with_capacity(self.key_d());
        k.extend_from_slice(&item.embedding);
        k.extend_from_slice(&self.categories[item.category].embedding);
        k
    }

    /// The attention of the model for `history` (item ids, any length up to
    /// [`MAX_HISTORY`], repeats allowed) and `candidate`: the unit's output
    /// `z_i` per history item, the weights, the pooled vector. An empty
    /// history pools to zeros.
    ///
    /// # Errors
    /// [`Problem::NoSuchItem`] naming `history[i]` or `candidate`;
    /// [`Problem::Range`] for a history over [`MAX_HISTORY`];
    /// [`Problem::Overflow`] when a number is too large to represent.
    pub fn attend(&self, history: &[usize], candidate: usize) -> Result<ModelAttention, ModelError> {
        if history.len() > MAX_HISTORY {
            return Err(ModelError::new(
                "history",
                Problem::Range {
                    got: format!("{} items", history.len()),
                    expected: format!("at most {MAX_HISTORY} items"),
                    expected_zh: format!("最多 {MAX_HISTORY} 个物品"),
                },
            ));
        }
        for (i, j) in history.iter().enumerate() {
            self.check_item(&format!("history[{i}]"), *j)?;
        }
        self.check_item("candidate", candidate)?;
        let dk = self.key_d();
        let q = self.key_unchecked(candidate);
        let keys: Vec<Vec<f64>> = history.iter().map(|j| self.key_unchecked(*j)).collect();
        let n = keys.len();
        let (scores, alpha) = match (&self.pooling, &self.unit) {
            (Pooling::Attention, Some(unit)) => {
                let mut input = Vec::with_capacity(4 * dk);
                let mut z = Vec::with_capacity(n);
                for (i, x) in keys.iter().enumerate() {
                    input.clear();
                    input.extend_from_slice(&q);
                    input.extend_from_slice(x);
                    input.extend(q.iter().zip(x).map(|(a, b)| a - b));
                    input.extend(q.iter().zip(x).map(|(a, b)| a * b));
                    let v = unit.forward(&input);
                    if !v.is_finite() {
                        return Err(overflow(&format!("scores[{i}]")));
                    }
                    z.push(v);
                }
                let alpha = self.weight.apply(&z, dk);
                (z, alpha)
            }
            _ => (Vec::new(), vec![1.0 / n.max(1) as f64; n]),
        };
        let mut pooled = vec![0.0; dk];
        for (a, x) in alpha.iter().zip(&keys) {
            for (p, v) in pooled.iter_mut().zip(x) {
                *p += a * v;
            }
        }
        if pooled.iter().any(|v| !v.is_finite()) {
            return Err(overflow("pooled"));
        }
        let alpha_sum: f64 = alpha.iter().sum();
        let pooled_norm = norm(&pooled);
        if !alpha_sum.is_finite() || !pooled_norm.is_finite() {
            return Err(overflow("pooled"));
        }
        Ok(ModelAttention { scores, alpha, pooled, alpha_sum, pooled_norm })
    }

    /// The predicted click-through rate of `candidate` for a user with
    /// `history`, with `features` giving other features by name (those not
    /// given take their `default`).
    ///
    /// # Errors
    /// As [`DinModel::attend`]; [`Problem::NoSuchFeature`], and
    /// [`Problem::Range`] / [`Problem::Length`] naming `features.NAME` for a
    /// sparse value outside the vocabulary or dense numbers of the wrong
    /// count or not finite.
    pub fn predict(
        &self,
        history: &[usize],
        candidate: usize,
        features: &[(&str, FeatureValue)],
    ) -> Result<Prediction, ModelError> {
        for (name, _) in features {
            if !self.features.iter().any(|f| f.name() == *name) {
                return Err(ModelError::new("features", Problem::NoSuchFeature { name: (*name).to_owned() }));
            }
        }
        let attention = self.attend(history, candidate)?;
        let item = &self.items[candidate];
        let mut input = Vec::with_capacity(self.mlp.inputs());
        for block in &self.input {
            match block {
                Block::Pooled => input.extend_from_slice(&attention.pooled),
                Block::Candidate => input.extend(self.key_unchecked(candidate)),
                Block::CandidateItem => input.extend_from_slice(&item.embedding),
                Block::CandidateCategory => input.extend_from_slice(&self.categories[item.category].embedding),
                Block::Feature(k) => {
                    let f = &self.features[*k];
                    let given = features.iter().rev().find(|(n, _)| *n == f.name()).map(|(_, v)| v);
                    self.push_feature(f, given, &mut input)?;
                }
            }
        }
        let logit = self.mlp.forward(&input);
        if !logit.is_finite() {
            return Err(overflow("logit"));
        }
        Ok(Prediction { attention, logit, ctr: sigmoid(logit) })
    }

    fn push_feature(&self, f: &Feature, given: Option<&FeatureValue>, input: &mut Vec<f64>) -> Result<(), ModelError> {
        let field = format!("features.{}", f.name());
        match (f, given) {
            (Feature::Sparse { embedding, default, .. }, None) => input.extend_from_slice(&embedding[*default]),
            (Feature::Sparse { embedding, .. }, Some(FeatureValue::Sparse(v))) => match embedding.get(*v) {
                Some(row) => input.extend_from_slice(row),
                None => {
                    return Err(ModelError::new(
                        field,
                        Problem::Range {
                            got: v.to_string(),
                            expected: format!("a value from 0 to {}", embedding.len() - 1),
                            expected_zh: format!("0 到 {} 之间的取值", embedding.len() - 1),
                        },
                    ))
                }
            },
            (Feature::Dense { default, .. }, None) => input.extend_from_slice(default),
            (Feature::Dense { size, .. }, Some(FeatureValue::Dense(xs))) => {
                if xs.len() != *size {
                    return Err(ModelError::new(field, Problem::Length { expected: *size, got: xs.len() }));
                }
                if let Some(v) = xs.iter().find(|v| !v.is_finite()) {
                    return Err(ModelError::new(
                        field,
                        Problem::Range {
                            got: v.to_string(),
                            expected: "finite numbers".into(),
                            expected_zh: "有限数".into(),
                        },
                    ));
                }
                input.extend_from_slice(xs);
            }
            (Feature::Sparse { .. }, Some(_)) => {
                return Err(ModelError::new(
                    field,
                    Problem::Type { expected: Kind::Whole, got: "numbers (a dense value)".into() },
                ))
            }
            (Feature::Dense { .. }, Some(_)) => {
                return Err(ModelError::new(
                    field,
                    Problem::Type { expected: Kind::Numbers, got: "a sparse value".into() },
                ))
            }
        }
        Ok(())
    }
}
