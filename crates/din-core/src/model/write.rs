//! Writing the `"din-viz model v1"` JSON format: one item, category or
//! matrix row per line, numbers in their shortest round-trip form.

use super::{Activation, Block, DinModel, Feature, LayerParams, Pooling, Stack, FORMAT};
use serde_json::Value;

impl DinModel {
    /// The model in its JSON format: one item, category or matrix row per
    /// line, numbers in serde_json's shortest round-trip form, so
    /// [`DinModel::from_json`] reads back exactly the same model and the same
    /// model always gives the same bytes.
    #[must_use]
    pub fn to_json(&self) -> String {
        let mut s = String::from("{\n");
        s.push_str(&format!("  \"format\": \"{FORMAT}\",\n  \"d\": {},\n", self.d));
        if self.category_d > 0 {
            s.push_str(&format!("  \"category_d\": {},\n", self.category_d));
        }
        let cats: Vec<String> = self
            .categories
            .iter()
            .map(|c| {
                let emb = if self.category_d > 0 {
                    format!(", \"embedding\": {}", list(&c.embedding))
                } else {
                    String::new()
                };
                format!("    {{\"id\": {}, \"en\": {}, \"zh\": {}{emb}}}", quote(&c.id), quote(&c.en), quote(&c.zh))
            })
            .collect();
        s.push_str(&format!("  \"categories\": [\n{}\n  ],\n", cats.join(",\n")));
        let items: Vec<String> = self
            .items
            .iter()
            .map(|i| {
                let zh = i.label_zh.as_ref().map(|z| format!(", \"label_zh\": {}", quote(z))).unwrap_or_default();
                format!(
                    "    {{\"label\": {}{zh}, \"category\": {}, \"embedding\": {}}}",
                    quote(&i.label),
                    i.category,
                    list(&i.embedding)
                )
            })
            .collect();
        s.push_str(&format!("  \"items\": [\n{}\n  ],\n", items.join(",\n")));
        if !self.features.is_empty() {
            let fs: Vec<String> = self
                .features
                .iter()
                .map(|f| match f {
                    Feature::Sparse { name, embedding, default } => format!(
                        "    {{\"name\": {}, \"kind\": \"sparse\", \"default\": {default}, \"embedding\": {}}}",
                        quote(name),
                        rows(embedding, "      ")
                    ),
                    Feature::Dense { name, size, default } => format!(
                        "    {{\"name\": {}, \"kind\": \"dense\", \"size\": {size}, \"default\": {}}}",
                        quote(name),
                        list(default)
                    ),
                })
                .collect();
            s.push_str(&format!("  \"features\": [\n{}\n  ],\n", fs.join(",\n")));
        }
        match (self.pooling, &self.unit) {
            (Pooling::Attention, Some(unit)) => {
                s.push_str("  \"pooling\": \"attention\",\n");
                s.push_str(&format!(
                    "  \"attention\": {{\n    \"weight\": \"{}\",\n    \"unit\": {{\n      \"d\": {},\n{}\n    }}\n  }},\n",
                    self.weight.name(),
                    self.key_d(),
                    stack_json(unit, "      ")
                ));
            }
            _ => s.push_str("  \"pooling\": \"mean\",\n"),
        }
        let input: Vec<String> = self
            .input
            .iter()
            .map(|b| match b {
                Block::Pooled => quote("pooled"),
                Block::Candidate => quote("candidate"),
                Block::CandidateItem => quote("candidate_item"),
                Block::CandidateCategory => quote("candidate_category"),
                Block::Feature(k) => quote(&format!("feature:{}", self.features[*k].name())),
            })
            .collect();
        s.push_str(&format!(
            "  \"mlp\": {{\n    \"input\": [{}],\n{}\n  }}",
            input.join(", "),
            stack_json(&self.mlp, "    ")
        ));
        if let Value::Object(t) = &self.training {
            let parts: Vec<String> = t
                .iter()
                .map(|(k, v)| {
                    format!("\n    {}: {}", quote(k), serde_json::to_string(v).unwrap_or_else(|_| "null".into()))
                })
                .collect();
            s.push_str(&format!(",\n  \"training\": {{{}\n  }}", parts.join(",")));
        }
        s.push_str("\n}\n");
        s
    }
}

fn quote(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())
}

fn num(x: f64) -> String {
    // Finite by the model's invariant; serde_json writes the shortest round-trip form.
    serde_json::to_string(&x).unwrap_or_else(|_| "0".into())
}

fn list(xs: &[f64]) -> String {
    let parts: Vec<String> = xs.iter().map(|x| num(*x)).collect();
    format!("[{}]", parts.join(", "))
}

fn rows(m: &[Vec<f64>], indent: &str) -> String {
    let parts: Vec<String> = m.iter().map(|r| format!("{indent}  {}", list(r))).collect();
    format!("[\n{}\n{indent}]", parts.join(",\n"))
}

fn stack_json(st: &Stack, ind: &str) -> String {
    let widths: Vec<String> = st.widths().iter().map(usize::to_string).collect();
    let mut s = format!("{ind}\"activation\": \"{}\",\n", st.activation.name());
    if st.activation == Activation::Dice {
        s.push_str(&format!("{ind}\"dice_eps\": {},\n", num(st.dice_eps)));
    }
    s.push_str(&format!("{ind}\"hidden\": [{}],\n{ind}\"layers\": [\n", widths.join(", ")));
    let inner = format!("{ind}    ");
    let mut layers = Vec::new();
    for l in st.hidden.iter().chain(std::iter::once(&st.output)) {
        let mut t =
            format!("{ind}  {{\n{inner}\"weight\": {},\n{inner}\"bias\": {}", rows(&l.weight, &inner), list(&l.bias));
        match &l.params {
            LayerParams::None => {}
            LayerParams::PRelu { alpha } => t.push_str(&format!(",\n{inner}\"prelu_alpha\": {}", list(alpha))),
            LayerParams::Dice { alpha, mean, var, gamma, beta } => {
                t.push_str(&format!(
                    ",\n{inner}\"dice_alpha\": {},\n{inner}\"dice_mean\": {},\n{inner}\"dice_var\": {}",
                    list(alpha),
                    list(mean),
                    list(var)
                ));
                if gamma.iter().any(|g| *g != 1.0) || beta.iter().any(|b| *b != 0.0) {
                    t.push_str(&format!(
                        ",\n{inner}\"dice_gamma\": {},\n{inner}\"dice_beta\": {}",
                        list(gamma),
                        list(beta)
                    ));
                }
            }
        }
        t.push_str(&format!("\n{ind}  }}"));
        layers.push(t);
    }
    s.push_str(&layers.join(",\n"));
    s.push_str(&format!("\n{ind}]"));
    s
}
