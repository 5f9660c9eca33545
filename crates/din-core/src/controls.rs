//! Rules the page's controls follow, decided here once so `www/` only
//! applies them (issue 12): which settings apply under which definition of
//! alpha and why ([`Controls`]), the lists of link keys, state keys, panels
//! and tabs ([`keys_json`]), the whole-number check of "generate"
//! ([`check_generate`]) and which of two dropped files is the Embedding
//! Projector's `vectors.tsv` ([`projector_order`]). Pure; the wasm layer
//! exports them as `controlsJson`, `keysJson`, `checkGenerate` and
//! `projectorOrder`.

use crate::errors::{message, Message};
use crate::i18n::Lang;
use crate::attention::Normalization;
use crate::options::{Panel, STATE_KEYS, TABS};
use crate::scene::{Definition, Scene, MAX_D, MAX_N};
use serde_json::{json, Value};

/// Whether one control is shown and usable, and the reason when it is not
/// (in the interface language; empty when there is none).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Control {
    /// The control is on screen.
    pub shown: bool,
    /// The control can be used.
    pub enabled: bool,
    /// Why it is hidden or disabled ("" when it is shown and enabled).
    pub why: String,
}

impl Control {
    fn on() -> Self {
        Control { shown: true, enabled: true, why: String::new() }
    }
    fn hidden(why: String) -> Self {
        Control { shown: false, enabled: false, why }
    }
    fn disabled(why: String) -> Self {
        Control { shown: true, enabled: false, why }
    }
    fn to_json(&self) -> Value {
        json!({ "shown": self.shown, "enabled": self.enabled, "why": self.why })
    }
}

/// Which settings apply to a scene's definition of alpha (the settings
/// column of the page).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Controls {
    /// The options "activation unit" and "authors' code" of the similarity
    /// menu: usable only when the shipped unit fits the scene's `d`.
    pub unit_options: Control,
    /// The normalization menu: the authors' code always uses its softmax.
    pub normalization: Control,
    /// The temperature field and slider: softmax only.
    pub temperature: Control,
    /// The weight form (α = z or α = sigmoid(z)): the unit without softmax.
    pub weight: Control,
    /// The activation menu: the unit and the authors' code.
    pub activation: Control,
    /// The padded length `max_len`: the authors' code.
    pub max_len: Control,
}

/// Why the shipped activation unit cannot serve a scene of dimension `d`
/// when it was trained for `trained` (None when it can).
#[must_use]
pub fn unit_unfit(d: usize, trained: usize, lang: Lang) -> Option<String> {
    (d != trained).then(|| {
        lang.tr(
            format!("The activation unit was trained for d = {trained}; this scene has d = {d}."),
            format!("激活单元针对 d = {trained} 训练；当前场景 d = {d}，无法使用。"),
        )
    })
}

impl Controls {
    /// The controls for `scene`, with `unit_trained_d` the `d` of the
    /// shipped unit of the scene's activation (`None`: it did not load).
    ///
    /// ```
    /// use din_core::controls::Controls;
    /// use din_core::i18n::Lang;
    /// let s = din_core::presets::default_scene();
    /// let c = Controls::of(&s, Some(8), Lang::En);
    /// assert!(c.temperature.enabled && !c.weight.shown && !c.max_len.shown);
    /// ```
    #[must_use]
    pub fn of(scene: &Scene, unit_trained_d: Option<usize>, lang: Lang) -> Self {
        let softmax = scene.normalization == Normalization::Softmax;
        let unit_options = match unit_trained_d {
            None => Control::disabled(lang.pick("The shipped activation unit did not load.", "内置激活单元未能加载。").to_owned()),
            Some(t) => match unit_unfit(scene.dim(), t, lang) {
                Some(why) => Control::disabled(why),
                None => Control::on(),
            },
        };
        let authors = scene.definition == Definition::Authors;
        let normalization = if authors {
            Control::disabled(lang.pick("The authors' code always ends in its masked, scaled softmax.", "作者代码总是以带掩码、缩放的 softmax 结束。").to_owned())
        } else {
            Control::on()
        };
        let temperature = if authors {
            Control::disabled(lang.pick("The authors' code scales by 1/√d instead of a temperature.", "作者代码用 1/√d 缩放，没有温度。").to_owned())
        } else if !softmax {
            Control::disabled(lang.pick("The temperature applies to softmax only.", "温度只用于 softmax。").to_owned())
        } else {
            Control::on()
        };
        let weight = match scene.definition {
            Definition::Unit if softmax => {
                Control::disabled(lang.pick("Softmax turns the unit's outputs into weights itself.", "softmax 自己把激活单元的输出变成权重。").to_owned())
            }
            Definition::Unit => Control::on(),
            _ => Control::hidden(lang.pick("The weight form belongs to the activation unit.", "权重形式只属于激活单元。").to_owned()),
        };
        let activation = match scene.definition {
            Definition::Similarity => {
                Control::hidden(lang.pick("A similarity has no activation function.", "相似度没有激活函数。").to_owned())
            }
            _ => Control::on(),
        };
        let max_len = if authors {
            Control::on()
        } else {
            Control::hidden(lang.pick("Only the authors' code pads LastN to max_len.", "只有作者代码把 LastN 填充到 max_len。").to_owned())
        };
        Controls { unit_options, normalization, temperature, weight, activation, max_len }
    }

    /// As JSON: `{unitOptions, normalization, temperature, weight,
    /// activation, maxLen}`, each `{shown, enabled, why}`.
    #[must_use]
    pub fn to_json(&self) -> Value {
        json!({
            "unitOptions": self.unit_options.to_json(),
            "normalization": self.normalization.to_json(),
            "temperature": self.temperature.to_json(),
            "weight": self.weight.to_json(),
            "activation": self.activation.to_json(),
            "maxLen": self.max_len.to_json(),
        })
    }
}

/// The lists `www/` used to repeat, as JSON: `url` (the link keys, in
/// order; the custom element's observed attributes), `state` (the keys of
/// a state object), `panels` (every panel, in the default order), `charts`
/// (the panels drawn on a canvas) and `tabs` (lecture mode's tabs).
///
/// ```
/// let v: serde_json::Value = serde_json::from_str(&din_core::controls::keys_json()).unwrap();
/// assert_eq!(v["url"][0], "v");
/// assert_eq!(v["panels"][0], "controls");
/// assert_eq!(v["charts"][0], "bars");
/// ```
#[must_use]
pub fn keys_json() -> String {
    let panels: Vec<&str> = Panel::ALL.iter().map(|p| p.name()).collect();
    let charts: Vec<&str> = Panel::ALL.iter().filter(|p| p.is_chart()).map(|p| p.name()).collect();
    let tabs: Vec<&str> = TABS.iter().map(|p| p.name()).collect();
    json!({ "url": crate::urlstate::KEYS, "state": STATE_KEYS, "panels": panels, "charts": charts, "tabs": tabs }).to_string()
}

fn whole(text: &str) -> Option<usize> {
    let t = text.trim();
    if t.is_empty() || !t.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    // Longer than usize: certainly over the limits; reported as too large.
    Some(t.parse::<usize>().unwrap_or(usize::MAX))
}

/// Checks the "generate" fields as typed: two whole numbers, `n` from 0 to
/// [`MAX_N`] and `d` from 1 to [`MAX_D`]; returns them or the message.
///
/// ```
/// use din_core::controls::check_generate;
/// assert_eq!(check_generate("20", " 8 ").unwrap(), (20, 8));
/// assert_eq!(check_generate("2.5", "8").unwrap_err().code, "E_INVALID");
/// assert_eq!(check_generate("20", "0").unwrap_err().code, "E_TOO_LARGE");
/// ```
pub fn check_generate(n_text: &str, d_text: &str) -> Result<(usize, usize), Message> {
    let (Some(n), Some(d)) = (whole(n_text), whole(d_text)) else {
        let (_, en, zh) = crate::i18n::PAGE.iter().find(|(k, _, _)| *k == "generate-bad").copied().unwrap_or(("", "generate: n and d must be whole numbers", "生成：n 和 d 必须是整数"));
        return Err(message("E_INVALID", en.to_owned(), zh.to_owned()));
    };
    check_generate_size(n, d)?;
    Ok((n, d))
}

/// The range check of "generate" (`n` 0 to [`MAX_N`], `d` 1 to [`MAX_D`]).
pub fn check_generate_size(n: usize, d: usize) -> Result<(), Message> {
    if n > MAX_N || d == 0 || d > MAX_D {
        return Err(message(
            "E_TOO_LARGE",
            format!("generate: n must be 0 to {MAX_N} and d 1 to {MAX_D} (got n = {n}, d = {d})"),
            format!("生成：n 必须在 0 到 {MAX_N} 之间，d 在 1 到 {MAX_D} 之间（现在 n = {n}，d = {d}）"),
        ));
    }
    Ok(())
}

/// Which of two dropped files is `vectors.tsv`: `[vectors, metadata]` as
/// indices into `(name_a, name_b)`. The file whose name says `meta`
/// (any case) is the metadata, unless both or neither do; then the first
/// file is taken as the vectors (the importer reports a mismatch by
/// content).
///
/// ```
/// use din_core::controls::projector_order;
/// assert_eq!(projector_order("metadata.tsv", "vectors.tsv"), [1, 0]);
/// assert_eq!(projector_order("vectors.tsv", "Meta.TSV"), [0, 1]);
/// assert_eq!(projector_order("a.tsv", "b.tsv"), [0, 1]);
/// ```
#[must_use]
pub fn projector_order(name_a: &str, name_b: &str) -> [usize; 2] {
    let meta = |s: &str| s.to_lowercase().contains("meta");
    if meta(name_a) && !meta(name_b) {
        [1, 0]
    } else {
        [0, 1]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::presets::default_scene;

    fn with(s: &Scene, patch: Value) -> Scene {
        s.with_patch(&patch).unwrap().0
    }

    #[test]
    fn each_definition_enables_its_settings() {
        let s = default_scene();
        let dot_soft = with(&s, json!({"similarity": "dot", "normalization": "softmax"}));
        let c = Controls::of(&dot_soft, Some(8), Lang::En);
        assert!(c.temperature.enabled && c.normalization.enabled && c.unit_options.enabled);
        assert!(!c.weight.shown && !c.activation.shown && !c.max_len.shown);
        let dot_none = with(&s, json!({"similarity": "dot", "normalization": "none"}));
        let c = Controls::of(&dot_none, Some(8), Lang::En);
        assert!(!c.temperature.enabled && c.temperature.why.contains("softmax"));
        let unit_none = with(&s, json!({"similarity": "unit", "normalization": "none"}));
        let c = Controls::of(&unit_none, Some(8), Lang::Zh);
        assert!(c.weight.shown && c.weight.enabled && c.activation.shown && !c.max_len.shown);
        let unit_soft = with(&s, json!({"similarity": "unit", "normalization": "softmax"}));
        let c = Controls::of(&unit_soft, Some(8), Lang::En);
        assert!(c.weight.shown && !c.weight.enabled && c.temperature.enabled);
        let authors = with(&s, json!({"similarity": "authors"}));
        let c = Controls::of(&authors, Some(8), Lang::En);
        assert!(c.max_len.shown && !c.normalization.enabled && !c.temperature.enabled && !c.weight.shown && c.activation.shown);
        let c = Controls::of(&s, Some(16), Lang::Zh);
        assert!(!c.unit_options.enabled && c.unit_options.why.contains("d = 16"), "{:?}", c.unit_options);
        let v = Controls::of(&s, None, Lang::En).to_json();
        assert_eq!(v["unitOptions"]["enabled"], false);
        assert_eq!(v["maxLen"]["shown"], false);
    }

    #[test]
    fn generate_takes_whole_numbers_in_range_only() {
        for (n, d) in [("", "8"), ("1e3", "8"), ("-1", "8"), ("3", "8.0"), ("x", "y")] {
            assert_eq!(check_generate(n, d).unwrap_err().code, "E_INVALID", "{n} {d}");
        }
        for (n, d) in [("10001", "8"), ("5", "257"), ("5", "0"), ("99999999999999999999999", "8")] {
            assert_eq!(check_generate(n, d).unwrap_err().code, "E_TOO_LARGE", "{n} {d}");
        }
        assert_eq!(check_generate("0", "1").unwrap(), (0, 1));
        assert_eq!(check_generate(&MAX_N.to_string(), &MAX_D.to_string()).unwrap(), (MAX_N, MAX_D));
    }

    #[test]
    fn keys_list_every_panel_and_key_once() {
        let v: Value = serde_json::from_str(&keys_json()).unwrap();
        assert_eq!(v["url"].as_array().unwrap().len(), crate::urlstate::KEYS.len());
        assert_eq!(v["panels"].as_array().unwrap().len(), Panel::ALL.len());
        assert_eq!(v["charts"].as_array().unwrap().len(), Panel::ALL.len() - 2);
        assert!(v["state"].as_array().unwrap().iter().any(|k| k == "items"));
        assert_eq!(v["tabs"][0], "steps");
    }
}
