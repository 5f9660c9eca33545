//! Rules the page's controls follow, decided here once so `www/` only
//! applies them (issue 12): which settings apply under which definition of
//! alpha and why ([`Controls`]), the lists of link keys, state keys, panels
//! and tabs ([`keys_json`]), the whole-number check of "generate"
//! ([`check_generate`]) and which of two dropped files is the Embedding
//! Projector's `vectors.tsv` ([`projector_order`]), the range of q's
//! sliders ([`query_range`]) and the short form of a LastN table cell's
//! number ([`cell_text`]). Pure; the wasm layer exports them as
//! `controlsJson`, `keysJson`, `checkGenerate`, `projectorOrder`,
//! `queryRangeJson` and `cellTextsJson`.

use crate::errors::{Message, SessionRefusal};
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
        return Err(SessionRefusal::GenerateNotWhole.into());
    };
    check_generate_size(n, d)?;
    Ok((n, d))
}

/// The range check of "generate" (`n` 0 to [`MAX_N`], `d` 1 to [`MAX_D`]).
pub fn check_generate_size(n: usize, d: usize) -> Result<(), Message> {
    if n > MAX_N || d == 0 || d > MAX_D {
        return Err(SessionRefusal::GenerateSize { n, d, max_n: MAX_N, max_d: MAX_D }.into());
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
/// assert_eq!(projector_order("ΑΒ.tsv", "MeTaDaTa.tsv"), [0, 1]);
/// ```
#[must_use]
pub fn projector_order(name_a: &str, name_b: &str) -> [usize; 2] {
    // ASCII case folding: "meta" has no letter that a non-ASCII character
    // lowercases to, and `str::to_lowercase` would bring its Unicode tables
    // (about 5 KB) into the page's wasm.
    let meta = |s: &str| s.to_ascii_lowercase().contains("meta");
    if meta(name_a) && !meta(name_b) {
        [1, 0]
    } else {
        [0, 1]
    }
}

// ---------------------------------------------------------------------------
// The numbers www/ used to compute (issue 12, the www side): q's slider
// range and the LastN table cells' short form, exported as the App's
// `queryRangeJson` and `cellTextsJson`.

/// Half the range of a slider of q for the value `v`: at least 2, and
/// wide enough for `v`.
///
/// ```
/// use din_core::controls::query_range;
/// assert_eq!(query_range(0.5), 2.0);
/// assert_eq!(query_range(-3.2), 4.0);
/// ```
#[must_use]
pub fn query_range(v: f64) -> f64 {
    if v.is_finite() { v.abs().ceil().max(2.0) } else { 2.0 }
}

/// The shortest decimal digits that read back to `a > 0` (finite), and
/// where the point goes: `a = 0.d₁d₂… × 10^n`. The digits are serde_json's
/// (ryu), so that no second float formatter is linked into the wasm.
fn shortest_digits(a: f64) -> (String, i32) {
    let text = serde_json::to_string(&a).unwrap_or_default();
    let (mantissa, exp) = text.split_once(['e', 'E']).unwrap_or((&text, "0"));
    let exp = exp.parse::<i32>().unwrap_or(0);
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let all = format!("{int}{frac}");
    let lead = all.len() - all.trim_start_matches('0').len();
    let digits = all.trim_matches('0').to_owned();
    (digits, int.len() as i32 - lead as i32 + exp)
}

/// The shortest text JavaScript's `String(v)` gives for `v` (the exact
/// value a table cell shows while it is edited; `parse_number` reads it
/// back to the same `f64`).
///
/// ```
/// use din_core::controls::js_number;
/// assert_eq!(js_number(0.1), "0.1");
/// assert_eq!(js_number(-12.3456), "-12.3456");
/// assert_eq!(js_number(1e21), "1e+21");
/// assert_eq!(js_number(1.5e-7), "1.5e-7");
/// assert_eq!(js_number(123456.0), "123456");
/// assert_eq!(js_number(-0.0), "0");
/// ```
#[must_use]
pub fn js_number(v: f64) -> String {
    if v.is_nan() {
        return "NaN".to_owned();
    }
    if v.is_infinite() {
        return if v > 0.0 { "Infinity".to_owned() } else { "-Infinity".to_owned() };
    }
    if v == 0.0 {
        return "0".to_owned();
    }
    let (digits, n) = shortest_digits(v.abs());
    let k = digits.len() as i32;
    let sign = if v < 0.0 { "-" } else { "" };
    let body = if k <= n && n <= 21 {
        format!("{digits}{}", "0".repeat((n - k) as usize))
    } else if 0 < n && n <= 21 {
        format!("{}.{}", &digits[..n as usize], &digits[n as usize..])
    } else if -6 < n && n <= 0 {
        format!("0.{}{digits}", "0".repeat((-n) as usize))
    } else {
        let rest = if k > 1 { format!(".{}", &digits[1..]) } else { String::new() };
        let e = n - 1;
        format!("{}{rest}e{}{}", &digits[..1], if e < 0 { "-" } else { "+" }, e.abs())
    };
    format!("{sign}{body}")
}

/// `a ≥ 0` with `digits` decimals, a half rounded up (JavaScript's
/// `toFixed`), trailing zeros and a trailing point dropped.
fn fixed_half_up(a: f64, digits: usize) -> String {
    // The exact expansion, far enough to tell a half from a near half.
    let full = format!("{:.*}", digits + 25, a);
    let (int, frac) = full.split_once('.').unwrap_or((&full, ""));
    let mut kept: Vec<u8> = format!("{int}{}", &frac[..digits]).into_bytes();
    if frac.as_bytes()[digits] >= b'5' {
        let mut i = kept.len();
        loop {
            if i == 0 {
                kept.insert(0, b'1');
                break;
            }
            i -= 1;
            if kept[i] == b'9' {
                kept[i] = b'0';
            } else {
                kept[i] += 1;
                break;
            }
        }
    }
    let s = String::from_utf8(kept).unwrap_or_default();
    let split = s.len() - digits;
    let out = if digits == 0 { s } else { format!("{}.{}", &s[..split], &s[split..]) };
    if out.contains('.') { out.trim_end_matches('0').trim_end_matches('.').to_owned() } else { out }
}

/// `a > 0` with one significant digit, a half rounded up (JavaScript's
/// `toExponential(0)` without the `+`): `1e5`, `3e-4`.
fn exp_one_digit(a: f64) -> String {
    // The exact expansion, far enough below the first digit to tell a half from a near half.
    let below = (-a.log10().floor()).max(0.0) as usize;
    let full = format!("{:.*}", below + 25, a);
    let (int, frac) = full.split_once('.').unwrap_or((&full, ""));
    let all = format!("{int}{frac}").into_bytes();
    let first = all.iter().position(|&c| c != b'0').unwrap_or(0);
    let mut exp = int.len() as i32 - 1 - first as i32;
    let mut d = all[first] - b'0';
    if all.get(first + 1).is_some_and(|&c| c >= b'5') {
        d += 1;
        if d == 10 {
            d = 1;
            exp += 1;
        }
    }
    format!("{d}e{exp}")
}

/// The short form of a LastN table cell's number: at most 6 characters
/// where that can be (3 decimals below 1, then 2, 1, 0; exponent form from
/// 1000 and below 0.001), so that the text fits the field; the exact value
/// ([`js_number`]) when it is already that short. ASCII minus: the field
/// is edited, and what it shows is typed back.
///
/// ```
/// use din_core::controls::cell_text;
/// assert_eq!(cell_text(0.5), "0.5");
/// assert_eq!(cell_text(0.123456789), "0.123");
/// assert_eq!(cell_text(-12.3456), "-12.3");
/// assert_eq!(cell_text(12.25001), "12.3");
/// assert_eq!(cell_text(9.999), "9.999");
/// assert_eq!(cell_text(9.99951), "10");
/// assert_eq!(cell_text(123456.7), "1e5");
/// assert_eq!(cell_text(-0.000123), "-1e-4");
/// ```
#[must_use]
pub fn cell_text(v: f64) -> String {
    let exact = js_number(v);
    if exact.chars().count() <= 6 || !v.is_finite() {
        return exact;
    }
    let a = v.abs();
    let sign = if v < 0.0 { "-" } else { "" };
    if a >= 1000.0 || a < 1e-3 {
        return format!("{sign}{}", exp_one_digit(a));
    }
    let digits = if a < 1.0 {
        3
    } else if a < 10.0 {
        2
    } else if a < 100.0 {
        1
    } else {
        0
    };
    let s = fixed_half_up(a, digits);
    if s == "0" { s } else { format!("{sign}{s}") }
}

/// The cells' short forms of the items `start..start + count` (clamped to
/// the scene), as JSON `[[text, …], …]`.
#[must_use]
pub fn cell_texts_json(scene: &Scene, start: usize, count: usize) -> String {
    let n = scene.items.len();
    let a = start.min(n);
    let b = a.saturating_add(count).min(n);
    let rows: Vec<Vec<String>> = scene.items[a..b].iter().map(|it| it.vector.iter().map(|&v| cell_text(v)).collect()).collect();
    serde_json::to_string(&rows).unwrap_or_else(|_| "[]".to_owned())
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

    #[test]
    fn js_number_reads_back_and_matches_javascript_forms() {
        for (v, want) in [
            (1.0, "1"), (0.000001, "0.000001"), (1e-7, "1e-7"), (123.456, "123.456"), (1e20, "100000000000000000000"),
            (-2.5e-8, "-2.5e-8"), (0.1 + 0.2, "0.30000000000000004"), (5e-324, "5e-324"), (f64::MAX, "1.7976931348623157e+308"),
        ] {
            assert_eq!(js_number(v), want, "{v}");
            assert_eq!(js_number(v).parse::<f64>().unwrap(), v);
        }
    }

    #[test]
    fn cell_text_is_short_and_rounds_halves_up() {
        // Expected values from JavaScript's rule, which this replaces (String(v) up to 6
        // characters, else toExponential(0) / toFixed(digits) as described above).
        for (v, want) in [
            (0.123456789, "0.123"), (-12.3456, "-12.3"), (12.25001, "12.3"), (99.951, "99.951"), (999.51, "999.51"), (1234.56, "1e3"),
            (9500.51, "1e4"), (2500.51, "3e3"), (-0.12345, "-0.123"), (0.00049991, "5e-4"), (0.00012345, "1e-4"), (1.00549, "1.01"),
            (9.99951, "10"), (123.456, "123"), (-999.999, "-1000"), (0.0009999, "1e-3"), (1.5e-7, "1.5e-7"), (123456.7, "1e5"),
            (-0.000123, "-1e-4"), (0.30000000000000004, "0.3"), (12.25, "12.25"), (3.14159, "3.14"), (0.7999999999999999, "0.8"),
            (1.1000000000000001e21, "1e21"), (-0.0625, "-0.063"), (-0.5625, "-0.563"), (2500000.0, "3e6"),
            // Near halves, decided by the exact binary value as toExponential does.
            (0.00035, "3e-4"), (0.00025, "3e-4"), (3500.0001, "4e3"), (2499.9999, "2e3"), (1.5e-300, "2e-300"),
            (0.000096, "1e-4"), (0.00095, "9e-4"),
        ] {
            let got = cell_text(v);
            assert_eq!(got, want, "{v}");
            assert!(got.chars().count() <= 6, "{v}: {got}");
        }
        for v in [0.5, -3.0, 42.0, 1e-7, 1e21] {
            assert_eq!(cell_text(v), js_number(v), "short already: exact");
        }
    }
}
