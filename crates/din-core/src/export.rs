//! Export: the LastN items and the attention results as CSV text.
//!
//! * [`items_csv`] writes the items so that [`crate::import::parse_items`]
//!   reads back exactly the same labels and numbers (a round trip).
//! * [`result_csv`] writes one table of everything the page shows (items
//!   with their scores and alpha, then q, pooled and mean) for a
//!   spreadsheet or `pandas.read_csv`.
//!
//! Both use commas, `\n` line ends, Rust's shortest round-trip form of each
//! number (`format!("{}", v)`, e.g. `0.1`, `-2`, `1e-7` as
//! `0.0000001`), and RFC 4180 quoting of text fields.

use crate::attention::Attention;
use crate::scene::Scene;
use std::borrow::Cow;
use std::fmt::Write;

/// Whether a label must be quoted to be read back exactly by
/// [`crate::import::parse_items`]: it contains a delimiter, a quote or a
/// line break, it starts with `#` (a comment line there) or it starts or
/// ends with whitespace (unquoted fields are trimmed).
fn needs_quotes(s: &str) -> bool {
    s.contains([',', ';', '\t', '"', '\n', '\r'])
        || s.starts_with('#')
        || s.starts_with(char::is_whitespace)
        || s.ends_with(char::is_whitespace)
}

/// `s` as one CSV field: as it is, or in quotes with `"` doubled.
fn field(s: &str) -> Cow<'_, str> {
    if needs_quotes(s) {
        Cow::Owned(format!("\"{}\"", s.replace('"', "\"\"")))
    } else {
        Cow::Borrowed(s)
    }
}

/// Appends `,v` for every number.
fn push_numbers(out: &mut String, values: &[f64]) {
    for v in values {
        let _ = write!(out, ",{v}");
    }
}

/// Appends `,name1,name2,...,named` for the vector columns.
fn push_columns(out: &mut String, name: &str, d: usize) {
    for k in 1..=d {
        let _ = write!(out, ",{name}{k}");
    }
}

/// The LastN items as CSV: the header `label,x1,...,xd`, then one row per
/// item, its label and its `d` numbers.
///
/// The header is always written: its first field `label` tells
/// [`crate::import::parse_items`] that column 1 holds labels, so a label
/// such as `42` or an empty one is not mistaken for a number or a missing
/// label. Labels are quoted when needed (a comma, a quote, a line break,
/// a leading `#`, leading or trailing whitespace), so for any scene with at
/// least one item `parse_items(&items_csv(&s))` gives back `s.items`
/// (`-0` reads back as `0`, which compares equal) when their colour ids
/// are `0, 1, 2, …`: the CSV is a table of vectors and carries no colour
/// ids (the JSON scene does), so items read from it are numbered in
/// order. Labels go through the same [`formula_guard`] as in
/// [`result_csv`]; the importer removes the apostrophe it adds
/// ([`formula_unguard`]), so the round trip is exact.
///
/// ```
/// use din_core::export::items_csv;
/// use din_core::import::parse_items;
/// use din_core::presets::blank;
/// use din_core::scene::{numbered_colors, Item};
/// let mut s = blank(2).scene;
/// s.items = numbered_colors(vec![Item::new("ramen", &[0.5, -1.0]), Item::new("SUV, \"big\"", &[1e-7, 3.0])]);
/// let csv = items_csv(&s);
/// assert_eq!(csv, "label,x1,x2\nramen,0.5,-1\n\"SUV, \"\"big\"\"\",0.0000001,3\n");
/// assert_eq!(parse_items(&csv).unwrap(), s.items);
/// s.items = vec![Item::new("=HYPERLINK(\"x\")", &[1.0, 2.0])];
/// let csv = items_csv(&s);
/// assert_eq!(csv, "label,x1,x2\n\"'=HYPERLINK(\"\"x\"\")\",1,2\n");
/// assert_eq!(parse_items(&csv).unwrap(), s.items);
/// ```
#[must_use]
pub fn items_csv(scene: &Scene) -> String {
    let mut out = String::from("label");
    push_columns(&mut out, "x", scene.dim());
    out.push('\n');
    for it in &scene.items {
        out.push_str(&field(&formula_guard(&it.label)));
        push_numbers(&mut out, &it.vector);
        out.push('\n');
    }
    out
}

/// Whether a spreadsheet may skip `c` before it looks for the start of a
/// formula: whitespace (spaces, tabs, line breaks, NBSP, ideographic
/// space ...) and invisible format characters (zero-width space and
/// joiners, word joiner, BOM, soft hyphen, Mongolian vowel separator).
fn is_lead_blank(c: char) -> bool {
    c.is_whitespace()
        || matches!(c, '\u{200B}'..='\u{200F}' | '\u{2060}'..='\u{2064}' | '\u{FEFF}' | '\u{00AD}' | '\u{180E}' | '\u{034F}')
}

/// Whether a spreadsheet would read text starting with `c` as a formula:
/// `=`, `+`, `-`, `@` and their full-width forms.
fn is_formula_start(c: char) -> bool {
    matches!(c, '=' | '+' | '-' | '@' | '\u{FF1D}' | '\u{FF0B}' | '\u{FF0D}' | '\u{FF20}')
}

/// Whether a spreadsheet might run `s` as a formula ("CSV injection"): it
/// starts with a tab or a carriage return, or its first character after
/// any leading whitespace and invisible characters ([`is_lead_blank`]) is
/// `=`, `+`, `-` or `@` (or a full-width form of one).
///
/// ```
/// use din_core::export::is_formula_like;
/// for s in ["=1+1", "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "\tx", "\rx", " =1", "\u{a0}=1", "\u{200b}@x", "\n=1", "＝1"] {
///     assert!(is_formula_like(s), "{s:?}");
/// }
/// for s in ["a=b", "ramen", "", "'=1", "42", "e=mc2"] {
///     assert!(!is_formula_like(s), "{s:?}");
/// }
/// ```
#[must_use]
pub fn is_formula_like(s: &str) -> bool {
    s.starts_with(['\t', '\r']) || s.trim_start_matches(is_lead_blank).starts_with(is_formula_start)
}

/// Whether `s` is a label as [`formula_guard`] wrote it: one or more
/// apostrophes and then formula-like text.
fn is_guarded(s: &str) -> bool {
    let rest = s.trim_start_matches('\'');
    rest.len() < s.len() && is_formula_like(rest)
}

/// The one guard against spreadsheet formulas, used by both CSV exports:
/// a label that a spreadsheet might run as a formula ([`is_formula_like`])
/// gets a leading `'`.
///
/// Excel, LibreOffice Calc and Google Sheets treat a cell that starts with
/// `=`, `+`, `-` or `@` as a formula, even in a file opened as CSV, and
/// some skip leading whitespace or invisible characters first. Labels come
/// from imported, untrusted text, so a label like `=HYPERLINK("http://…")`
/// or a DDE call (`+cmd|…`) could run when a student opens an export. The
/// apostrophe makes the cell plain text in those programs; elsewhere it is
/// one visible extra character. A label that already looks guarded (`'=x`)
/// gets one more apostrophe, so [`formula_unguard`] can always undo exactly
/// one: the items CSV reads back to the very same labels.
///
/// ```
/// use din_core::export::{formula_guard, formula_unguard};
/// assert_eq!(formula_guard("=1+1"), "'=1+1");
/// assert_eq!(formula_guard(" @SUM(A1)"), "' @SUM(A1)");
/// assert_eq!(formula_guard("'=1+1"), "''=1+1");
/// assert_eq!(formula_guard("O'Reilly"), "O'Reilly");
/// for s in ["=1+1", "'=1+1", "''=x", "'90s", "plain", "-1"] {
///     assert_eq!(formula_unguard(&formula_guard(s)), s);
/// }
/// ```
#[must_use]
pub fn formula_guard(s: &str) -> Cow<'_, str> {
    if is_formula_like(s) || is_guarded(s) {
        Cow::Owned(format!("'{s}"))
    } else {
        Cow::Borrowed(s)
    }
}

/// Undoes [`formula_guard`]: drops the one apostrophe it added, and leaves
/// every other label (`'90s`, `O'Reilly`) as it is.
#[must_use]
pub fn formula_unguard(s: &str) -> &str {
    match s.strip_prefix('\'') {
        Some(rest) if is_guarded(s) => rest,
        _ => s,
    }
}

fn push_optional(out: &mut String, v: Option<&f64>) {
    out.push(',');
    if let Some(v) = v {
        let _ = write!(out, "{v}");
    }
}

/// Everything the page shows, as one table for a spreadsheet or
/// `pandas.read_csv`: the header `kind,label,score,alpha,v1,...,vd`, a row
/// per item (`item`, its label, its similarity score `s_i`, its weight
/// `alpha_i`, its vector), then the rows `query` (labelled with the
/// scene's candidate, empty once q was edited), `pooled` and `mean`, whose
/// score and alpha are empty.
///
/// Labels are guarded against CSV formula injection by [`formula_guard`]
/// (the same guard as [`items_csv`]): one that a spreadsheet might run as a
/// formula gets a leading `'`.
///
/// ```
/// use din_core::attention::Normalization;
/// use din_core::export::result_csv;
/// use din_core::presets::blank;
/// use din_core::scene::Item;
/// let mut s = blank(2).scene; // dot similarity
/// s.normalization = Normalization::None;
/// s.query = vec![1.0, 0.5];
/// s.items = vec![Item::new("=1+1", &[2.0, 0.0]), Item::new("b", &[0.0, 1.0])];
/// let att = s.validate().unwrap();
/// assert_eq!(
///     result_csv(&s, &att),
///     "kind,label,score,alpha,v1,v2\n\
///      item,'=1+1,2,2,2,0\n\
///      item,b,0.5,0.5,0,1\n\
///      query,,,,1,0.5\n\
///      pooled,,,,4,0.5\n\
///      mean,,,,1,0.5\n"
/// );
/// ```
#[must_use]
pub fn result_csv(scene: &Scene, att: &Attention) -> String {
    let mut out = String::from("kind,label,score,alpha");
    push_columns(&mut out, "v", scene.dim());
    out.push('\n');
    for (i, it) in scene.items.iter().enumerate() {
        out.push_str("item,");
        out.push_str(&field(&formula_guard(&it.label)));
        push_optional(&mut out, att.scores.get(i));
        push_optional(&mut out, att.alpha.get(i));
        push_numbers(&mut out, &it.vector);
        out.push('\n');
    }
    let rows: [(&str, &str, &[f64]); 3] =
        [("query", &scene.candidate, &scene.query), ("pooled", "", &att.pooled), ("mean", "", &att.mean)];
    for (kind, label, values) in rows {
        out.push_str(kind);
        out.push(',');
        out.push_str(&field(&formula_guard(label)));
        out.push_str(",,");
        push_numbers(&mut out, values);
        out.push('\n');
    }
    out
}

/// The PNG export's size factor range: 0.25 to 4 times 1920 × 1080
/// (480 × 270 to 7680 × 4320 pixels). Outside it a drawing is either too
/// small to read or too large for a browser's canvas, and drawing it
/// could take minutes.
pub const PNG_FACTOR_RANGE: (f64, f64) = (0.25, 4.0);

/// The pixel size of a PNG export at `factor` × 1920 × 1080, or a message
/// when `factor` is not a finite number in [`PNG_FACTOR_RANGE`].
///
/// ```
/// use din_core::export::png_size;
/// assert_eq!(png_size(1.0), Ok((1920, 1080)));
/// assert_eq!(png_size(2.0), Ok((3840, 2160)));
/// assert_eq!(png_size(0.001).unwrap_err().en, "exportPng: the factor 0.001 is out of range; use a number from 0.25 to 4 (480 × 270 to 7680 × 4320 pixels)");
/// assert!(png_size(f64::NAN).unwrap_err().en.contains("NaN is not a finite number"));
/// ```
///
/// # Errors
/// A [`crate::errors::Message`] with code `E_EXPORT_FACTOR`.
pub fn png_size(factor: f64) -> Result<(u32, u32), crate::errors::Message> {
    let (lo, hi) = PNG_FACTOR_RANGE;
    if !factor.is_finite() {
        return Err(crate::errors::SessionRefusal::PngFactorNotFinite { factor, lo, hi }.into());
    }
    if !(lo..=hi).contains(&factor) {
        return Err(crate::errors::SessionRefusal::PngFactorRange { factor, lo, hi }.into());
    }
    // Within the range both sides are whole numbers of pixels after rounding.
    Ok(((1920.0 * factor).round() as u32, (1080.0 * factor).round() as u32))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::parse_items;
    use crate::presets::{blank, default_scene};
    use crate::scene::{numbered_colors, Item};

    #[test]
    fn items_csv_of_the_default_scene_reads_back() {
        let s = default_scene();
        let csv = items_csv(&s);
        assert!(csv.starts_with("label,x1,x2,x3,x4,x5,x6,x7,x8\nramen 拉面,1.2,0.3,0,0.1,0,0,0.1,0.6\n"), "{csv}");
        assert_eq!(csv.lines().count(), 10);
        assert_eq!(parse_items(&csv).unwrap(), s.items);
    }

    #[test]
    fn quoting_rules() {
        for (label, want) in [
            ("plain", "plain"),
            ("", ""),
            ("a,b", "\"a,b\""),
            ("a;b", "\"a;b\""),
            ("say \"hi\"", "\"say \"\"hi\"\"\""),
            ("two\nlines", "\"two\nlines\""),
            ("cr\r", "\"cr\r\""),
            ("tab\tin", "\"tab\tin\""),
            (" lead", "\" lead\""),
            ("trail ", "\"trail \""),
            ("#tag", "\"#tag\""),
            ("a#b", "a#b"),
            ("=1+1", "=1+1"),
            ("42", "42"),
        ] {
            assert_eq!(field(label), want, "{label:?}");
        }
    }

    #[test]
    fn tricky_labels_round_trip() {
        let mut s = blank(1).scene;
        // (A label cannot hold a line break or another control character.)
        let labels = ["42", "", "label", "#x", " x ", "\"", "-1", "=SUM(A1)", "'=SUM(A1)", "\u{feff}bom", "中文, 标签"];
        // The CSV holds no colour ids: read back, items are numbered 0, 1, 2, … as they were here.
        s.items = numbered_colors(labels.iter().enumerate().map(|(i, l)| Item::new(l, &[i as f64 - 0.5])).collect());
        assert_eq!(parse_items(&items_csv(&s)).unwrap(), s.items);
        // Numbers need no exponent syntax to round-trip.
        s.items = numbered_colors(vec![Item::new("x", &[f64::MAX]), Item::new("y", &[f64::MIN_POSITIVE / 8.0])]);
        assert_eq!(parse_items(&items_csv(&s)).unwrap(), s.items);
    }

    #[test]
    fn result_csv_guards_formulas_and_keeps_shape() {
        let mut s = default_scene();
        // Alpha does not depend on the labels; tabs and carriage returns
        // cannot be in a valid label, but the guard still covers them.
        let att = s.validate().unwrap();
        for (it, l) in s.items.iter_mut().zip(["=HYPERLINK(\"x\")", "+1", "-1", "@SUM", "\tx", "\rx", "a=b"]) {
            l.clone_into(&mut it.label);
        }
        s.candidate = "=food".to_owned();
        let csv = result_csv(&s, &att);
        let lines: Vec<&str> = csv.split('\n').collect();
        assert_eq!(lines[0], "kind,label,score,alpha,v1,v2,v3,v4,v5,v6,v7,v8");
        assert!(lines[1].starts_with("item,\"'=HYPERLINK(\"\"x\"\")\","), "{}", lines[1]);
        assert!(lines[2].starts_with("item,'+1,"));
        assert!(lines[3].starts_with("item,'-1,"));
        assert!(lines[4].starts_with("item,'@SUM,"));
        assert!(lines[5].starts_with("item,\"'\tx\","));
        assert!(lines[6].starts_with("item,\"'\rx\","));
        assert!(lines[7].starts_with("item,a=b,"));
        assert!(lines[10].starts_with("query,'=food,,,"));
        assert!(lines[11].starts_with("pooled,,,,"));
        assert!(lines[12].starts_with("mean,,,,"));
        assert_eq!(lines[13], "");
        // Every number written is exactly the computed one.
        let fields: Vec<&str> = lines[8].split(',').collect();
        assert_eq!(fields[2].parse::<f64>().unwrap(), att.scores[7]);
        assert_eq!(fields[3].parse::<f64>().unwrap(), att.alpha[7]);
        let pooled: Vec<f64> = lines[11].split(',').skip(4).map(|v| v.parse().unwrap()).collect();
        assert_eq!(pooled, att.pooled);
        // items_csv guards the same labels the same way, and reads them back exactly.
        s.items.truncate(4);
        let items = items_csv(&s);
        assert!(items.contains("\n'+1,"), "{items}");
        assert!(items.contains("\n'@SUM,"), "{items}");
        assert!(items.contains("\n\"'=HYPERLINK("), "{items}");
        assert_eq!(crate::import::parse_items(&items).unwrap(), s.items);
    }

    #[test]
    fn both_exports_guard_after_invisible_leads() {
        let mut s = default_scene();
        let labels = [" =1+1", "\u{a0}=cmd", "\u{200b}@SUM(A1)", "\u{feff}+1", "\u{3000}-2", "＝1", "'=already", "fine"];
        for (it, l) in s.items.iter_mut().zip(labels) {
            l.clone_into(&mut it.label);
        }
        let att = s.validate().unwrap();
        let result = result_csv(&s, &att);
        let items = items_csv(&s);
        for l in labels {
            let guarded = l != "fine";
            let want = if guarded { format!("'{l}") } else { l.to_owned() };
            let quoted = format!("\"{}\"", want.replace('"', "\"\""));
            for (name, csv) in [("result", &result), ("items", &items)] {
                assert!(csv.contains(&format!(",{want},")) || csv.contains(&format!(",{quoted},")) || csv.contains(&format!("\n{want},")) || csv.contains(&format!("\n{quoted},")), "{name} CSV, {l:?}:\n{csv}");
            }
        }
        assert_eq!(crate::import::parse_items(&items).unwrap(), s.items);
    }
}
