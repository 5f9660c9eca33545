//! The rules the web shell used to hold (issue 12): which settings apply
//! under which definition of alpha, the range of q's sliders, the short
//! form of a number in a LastN table cell, the whole numbers of "generate",
//! which of two Embedding Projector files is which, and the lists of URL
//! keys, panels, charts and tabs. `www/` asks for these (through
//! `web::App`) and only puts them in the DOM. Pure: no web crate, no
//! plotters.

use crate::attention::Normalization;
use crate::errors::{message, Message};
use crate::options::{Panel, TABS};
use crate::scene::{parse_number, Definition, Scene};

/// What the settings panel shows and allows for a scene, as JSON for the
/// shell:
///
/// `{similarityOptions: {unit, authors}, weight: {shown, enabled},
/// activation: {shown}, maxLen: {shown}, normalization: {enabled},
/// temperature: {enabled}, queryRange: [lim, …]}`.
///
/// `unit_ok` says whether the shipped activation unit fits the scene's
/// `d` (else the unit and the authors' definition cannot be chosen).
/// q's slider `k` runs from `-queryRange[k]` to `queryRange[k]`.
///
/// ```
/// use din_viz::controls::controls_json;
/// use din_viz::presets;
/// let scene = presets::blank(8).scene;
/// let c = controls_json(&scene, true);
/// assert_eq!(c["weight"]["shown"], false); // the weight form is the unit's
/// assert_eq!(c["maxLen"]["shown"], false); // only the authors' definition pads
/// assert_eq!(c["queryRange"].as_array().unwrap().len(), 8);
/// ```
#[must_use]
pub fn controls_json(scene: &Scene, unit_ok: bool) -> serde_json::Value {
    let unit = scene.definition == Definition::Unit;
    let authors = scene.definition == Definition::Authors;
    let softmax = scene.normalization == Normalization::Softmax;
    let range: Vec<f64> = scene.query.iter().map(|&v| query_range(v)).collect();
    serde_json::json!({
        "similarityOptions": { "unit": unit_ok, "authors": unit_ok },
        // The weight form (α = z or sigmoid(z)) applies to the unit without softmax.
        "weight": { "shown": unit, "enabled": !softmax },
        "activation": { "shown": unit || authors },
        "maxLen": { "shown": authors },
        // The authors' definition always takes softmax over max_len positions.
        "normalization": { "enabled": !authors },
        "temperature": { "enabled": softmax && !authors },
        "queryRange": range,
    })
}

/// Half the range of a slider of q for the value `v`: at least 2, and
/// wide enough for `v`.
///
/// ```
/// use din_viz::controls::query_range;
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
/// use din_viz::controls::js_number;
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
/// use din_viz::controls::cell_text;
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

/// "generate"'s `n` and `d` from the fields' text: whole numbers (an empty
/// field is 0, as the shell always read it); a negative number becomes
/// `usize::MAX`, so that the range check of `generate` names it.
///
/// ```
/// use din_viz::controls::generate_counts;
/// assert_eq!(generate_counts("100", " 8 ").unwrap(), (100, 8));
/// assert_eq!(generate_counts("1e2", "8").unwrap(), (100, 8));
/// assert_eq!(generate_counts("abc", "8").unwrap_err().code, "E_INVALID");
/// assert_eq!(generate_counts("2.5", "8").unwrap_err().code, "E_INVALID");
/// ```
///
/// # Errors
/// `E_INVALID` when either is not a whole number.
pub fn generate_counts(n_text: &str, d_text: &str) -> Result<(usize, usize), Message> {
    let whole = |text: &str| -> Option<usize> {
        if text.trim().is_empty() {
            return Some(0);
        }
        let v = parse_number("n", text).ok()?;
        if v.fract() != 0.0 {
            return None;
        }
        // Out of range (negative or huge): the range check names it.
        Some(if v < 0.0 || v >= usize::MAX as f64 { usize::MAX } else { v as usize })
    };
    match (whole(n_text), whole(d_text)) {
        (Some(n), Some(d)) => Ok((n, d)),
        _ => Err(message("E_INVALID", "generate: n and d must be whole numbers".to_owned(), "生成：n 和 d 必须是整数".to_owned())),
    }
}

/// Which of two files is the Embedding Projector's `metadata.tsv`: the
/// first if its name says "meta" (in any ASCII case), else the second.
///
/// ```
/// use din_viz::controls::projector_first_is_metadata;
/// assert!(projector_first_is_metadata("Metadata.tsv", "vectors.tsv"));
/// assert!(!projector_first_is_metadata("vectors.tsv", "metadata.tsv"));
/// ```
#[must_use]
pub fn projector_first_is_metadata(first: &str, _second: &str) -> bool {
    first.to_ascii_lowercase().contains("meta")
}

/// The lists the shell must not repeat, as JSON: `{url: [key, …], panels:
/// [name, …], charts: [name, …], tabs: [name, …]}` (the link's and the
/// element's attribute keys, every panel, the panels that are a canvas,
/// lecture mode's tabs).
///
/// ```
/// let v = din_viz::controls::keys_json();
/// assert!(v["url"].as_array().unwrap().iter().any(|k| k == "scene"));
/// assert!(v["charts"].as_array().unwrap().iter().all(|k| k != "controls"));
/// ```
#[must_use]
pub fn keys_json() -> serde_json::Value {
    let names = |ps: &[Panel]| ps.iter().map(|p| p.name()).collect::<Vec<_>>();
    let charts: Vec<Panel> = Panel::ALL.iter().copied().filter(|p| p.is_chart()).collect();
    serde_json::json!({
        "url": crate::urlstate::KEYS,
        "panels": names(&Panel::ALL),
        "charts": names(&charts),
        "tabs": names(&TABS),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn controls_follow_the_definition() {
        let mut s = crate::presets::blank(8).scene;
        s.definition = Definition::Authors;
        s.normalization = Normalization::Softmax;
        let c = controls_json(&s, true);
        assert_eq!(c["normalization"]["enabled"], false);
        assert_eq!(c["temperature"]["enabled"], false, "the authors' softmax has no temperature of the user's");
        assert_eq!(c["maxLen"]["shown"], true);
        assert_eq!(c["activation"]["shown"], true);
        assert_eq!(c["weight"]["shown"], false);
        s.definition = Definition::Unit;
        let c = controls_json(&s, false);
        assert_eq!(c["weight"]["shown"], true);
        assert_eq!(c["weight"]["enabled"], false, "softmax replaces the weight form");
        assert_eq!(c["temperature"]["enabled"], true);
        assert_eq!(c["similarityOptions"]["unit"], false);
        s.normalization = Normalization::None;
        assert_eq!(controls_json(&s, true)["weight"]["enabled"], true);
    }

    #[test]
    fn generate_counts_refuse_what_is_not_whole_and_pass_ranges_on() {
        assert_eq!(generate_counts("", "8").unwrap(), (0, 8));
        assert_eq!(generate_counts("-1", "8").unwrap(), (usize::MAX, 8));
        for bad in ["NaN", "1.5", "x", "Infinity"] {
            let e = generate_counts(bad, "8").unwrap_err();
            assert_eq!(e.code, "E_INVALID");
            assert!(!e.en.is_empty() && !e.zh.is_empty());
        }
    }

    #[test]
    fn keys_are_the_url_codec_and_panel_lists() {
        let v = keys_json();
        assert_eq!(v["url"].as_array().unwrap().len(), crate::urlstate::KEYS.len());
        assert_eq!(v["panels"].as_array().unwrap().len(), Panel::ALL.len());
        assert_eq!(v["charts"].as_array().unwrap().len(), Panel::ALL.len() - 2);
        assert_eq!(v["tabs"].as_array().unwrap().len(), TABS.len());
    }
}
