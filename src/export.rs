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
/// order. Labels are written as
/// they are, with no guard against spreadsheet formulas; use
/// [`result_csv`] for files meant for spreadsheets.
///
/// ```
/// use din_viz::export::items_csv;
/// use din_viz::import::parse_items;
/// use din_viz::presets::blank;
/// use din_viz::scene::{numbered_colors, Item};
/// let mut s = blank(2).scene;
/// s.items = numbered_colors(vec![Item::new("ramen", &[0.5, -1.0]), Item::new("SUV, \"big\"", &[1e-7, 3.0])]);
/// let csv = items_csv(&s);
/// assert_eq!(csv, "label,x1,x2\nramen,0.5,-1\n\"SUV, \"\"big\"\"\",0.0000001,3\n");
/// assert_eq!(parse_items(&csv).unwrap(), s.items);
/// ```
#[must_use]
pub fn items_csv(scene: &Scene) -> String {
    let mut out = String::from("label");
    push_columns(&mut out, "x", scene.dim());
    out.push('\n');
    for it in &scene.items {
        out.push_str(&field(&it.label));
        push_numbers(&mut out, &it.vector);
        out.push('\n');
    }
    out
}

/// Text that a spreadsheet would run as a formula gets a leading `'`.
///
/// Excel, LibreOffice Calc and Google Sheets treat a cell that starts with
/// `=`, `+`, `-` or `@` as a formula (and a leading tab or carriage return
/// can hide such a start), even in a file opened as CSV. Labels come from
/// imported, untrusted text, so a label like `=HYPERLINK("http://…")` or a
/// DDE call could run when a student opens the results ("CSV injection").
/// The apostrophe makes the cell plain text in those programs; in other
/// readers it is one visible extra character.
fn guard_formula(s: &str) -> Cow<'_, str> {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        Cow::Owned(format!("'{s}"))
    } else {
        Cow::Borrowed(s)
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
/// Labels are guarded against CSV formula injection: one that starts with
/// `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading `'`, since
/// spreadsheets would otherwise run it as a formula and labels come from
/// untrusted imported files. [`items_csv`] does not do this, because its
/// output must read back to exactly the same labels.
///
/// ```
/// use din_viz::attention::Normalization;
/// use din_viz::export::result_csv;
/// use din_viz::presets::blank;
/// use din_viz::scene::Item;
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
        out.push_str(&field(&guard_formula(&it.label)));
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
        out.push_str(&field(&guard_formula(label)));
        out.push_str(",,");
        push_numbers(&mut out, values);
        out.push('\n');
    }
    out
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
        let labels = ["42", "", "label", "#x", " x ", "a\r\nb", "\"", "-1", "=SUM(A1)", "\u{feff}bom", "中文, 标签"];
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
        for (it, l) in s.items.iter_mut().zip(["=HYPERLINK(\"x\")", "+1", "-1", "@SUM", "\tx", "\rx", "a=b"]) {
            l.clone_into(&mut it.label);
        }
        s.candidate = "=food".to_owned();
        let att = s.validate().unwrap();
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
        // items_csv keeps the labels as they are.
        assert!(items_csv(&s).contains("\n+1,"));
    }
}
