#![cfg(not(target_arch = "wasm32"))]
//! Property tests of `din_core::import` and `din_core::export`.
//!
//! * `items_csv` then `parse_items` gives back the items exactly, for any
//!   labels (any Unicode, quotes, commas, line breaks, up to 200
//!   characters) and any finite numbers.
//! * `result_csv`, read by `split_csv` (an RFC 4180 reader written here,
//!   independent of the crate's), has the documented shape and numbers.
//! * Arbitrary text never makes `parse_items`, `parse_projector` or
//!   `import_text` panic; what they accept respects the scene's limits,
//!   and what they refuse names a line and column inside the text.

use din_core::errors::Localized;
use din_core::export::{items_csv, result_csv};
use din_core::i18n::Lang;
use din_core::import::{import_text, parse_items, parse_projector, ImportError};
use din_core::presets::{blank, default_scene};
use din_core::scene::{Item, Scene, MAX_D, MAX_LABEL, MAX_N};
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::select;

// ---------------------------------------------------------------------------
// Strategies.
// ---------------------------------------------------------------------------

/// Characters that stress CSV handling, plus a few ordinary ones.
const TRICKY: [char; 24] = [
    '"', ',', ';', '\t', '\n', '\r', ' ', '#', '=', '+', '-', '@', '\'', '\u{feff}', '\u{a0}', '\u{2028}',
    'a', 'Z', '1', '.', 'e', '中', '😀', '\0',
];

/// A label: any text without the control characters and noncharacters no
/// label may hold (they are dropped from the tricky ones: a label is one
/// line of text, and every channel refuses the others).
fn label() -> BoxedStrategy<String> {
    let clean = |s: String| s.chars().filter(|c| !din_core::scene::is_label_control(*c)).collect::<String>();
    prop_oneof![
        vec(any::<char>(), 0..=MAX_LABEL).prop_map(String::from_iter).prop_map(clean),
        vec(select(TRICKY.to_vec()), 0..=MAX_LABEL).prop_map(String::from_iter).prop_map(clean),
        vec(select(TRICKY.to_vec()), 0..=4).prop_map(String::from_iter).prop_map(clean),
        "[0-9.e+-]{1,12}",
        Just("label".to_owned()),
    ]
    .boxed()
}

/// Any finite `f64`, with the edges drawn often.
fn finite() -> BoxedStrategy<f64> {
    use proptest::num::f64::{NEGATIVE, NORMAL, POSITIVE, SUBNORMAL, ZERO};
    prop_oneof![
        NORMAL | SUBNORMAL | ZERO | POSITIVE | NEGATIVE,
        -10.0..10.0f64,
        select(vec![0.0, -0.0, 0.1, 1e-7, 1e21, f64::MAX, f64::MIN, f64::MIN_POSITIVE, f64::EPSILON, 5e-324]),
    ]
    .boxed()
}

/// `n` items of dimension `d` with the given label and number strategies.
fn items(
    n: std::ops::Range<usize>,
    d: std::ops::Range<usize>,
    label: BoxedStrategy<String>,
    number: BoxedStrategy<f64>,
) -> impl Strategy<Value = Vec<Item>> {
    d.prop_flat_map(move |d| {
        vec((label.clone(), vec(number.clone(), d)).prop_map(|(label, vector)| Item::new(&label, &vector)), n.clone())
            .prop_map(din_core::scene::numbered_colors)
    })
}

fn scene_with(items: Vec<Item>) -> Scene {
    let d = items.first().map_or(1, |it| it.vector.len());
    let mut s = blank(d).scene;
    s.items = items;
    s
}

/// Text that looks like CSV, TSV or JSON often enough to reach deep paths.
fn texty() -> impl Strategy<Value = String> {
    let alphabet = vec![
        'a', 'b', '1', '2', '0', '.', '-', 'e', 'N', 'i', 'n', 'f', ',', ';', '\t', '"', '\n', '\r', ' ', '#', '{',
        '}', '[', ']', ':', '\u{feff}', '\u{2212}', '中',
    ];
    prop_oneof![
        vec(any::<char>(), 0..300).prop_map(String::from_iter),
        vec(select(alphabet), 0..300).prop_map(String::from_iter),
        vec(("[a-z\"]{0,4}", vec("-?[0-9]{1,3}(\\.[0-9]{1,3})?|x|", 0..5)), 0..12).prop_map(|rows| {
            rows.into_iter().map(|(l, nums)| format!("{l},{}\n", nums.join(","))).collect()
        }),
        (vec("-?[0-9](\\.[0-9])?", 1..4), 0..6usize).prop_map(|(q, n)| {
            let item = format!("{{\"label\": \"x\", \"vector\": [{}]}}", q.join(", "));
            format!("{{\"query\": [{}], \"items\": [{}]}}", q.join(", "), vec![item; n].join(", "))
        }),
    ]
}

// ---------------------------------------------------------------------------
// An independent RFC 4180 reader, for checking exports.
// ---------------------------------------------------------------------------

/// Splits comma-separated text with `\n` line ends into records.
fn split_csv(text: &str) -> Vec<Vec<String>> {
    let mut records = Vec::new();
    let mut record = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') if field.is_empty() => quoted = true,
            (false, ',') => record.push(std::mem::take(&mut field)),
            (false, '\n') => {
                record.push(std::mem::take(&mut field));
                records.push(std::mem::take(&mut record));
            }
            (false, c) => field.push(c),
        }
    }
    assert!(!quoted && field.is_empty() && record.is_empty(), "text does not end with a record");
    records
}

fn same_number(a: f64, b: f64) -> bool {
    a.to_bits() == b.to_bits() || (a == 0.0 && b == 0.0)
}

fn check_error(e: &ImportError, texts: &[&str]) -> Result<(), TestCaseError> {
    prop_assert!(e.code().starts_with("E_IMPORT_"), "{}", e.code());
    prop_assert!(!e.to_string().is_empty() && !e.message(Lang::Zh).is_empty());
    if let Some(line) = e.line {
        let text = match e.file.as_deref() {
            Some("metadata.tsv") => texts.get(1),
            _ => texts.first(),
        };
        // Lines end in \n, \r\n or a lone \r.
        let lines = text.map_or(0, |t| t.replace("\r\n", "\n").replace('\r', "\n").split('\n').count());
        prop_assert!(line >= 1 && line <= lines, "line {} of a text of {} lines: {}", line, lines, e);
    }
    prop_assert!(e.column.map_or(true, |c| (1..=MAX_D + 1).contains(&c) || e.code() == "E_IMPORT_JSON"), "{:?}", e);
    Ok(())
}

fn check_items(items: &[Item]) -> Result<(), TestCaseError> {
    prop_assert!(!items.is_empty() && items.len() <= MAX_N);
    let d = items[0].vector.len();
    prop_assert!((1..=MAX_D).contains(&d));
    for it in items {
        prop_assert_eq!(it.vector.len(), d);
        prop_assert!(it.vector.iter().all(|v| v.is_finite()));
        prop_assert!(it.label.chars().count() <= MAX_LABEL);
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// `items_csv` then `parse_items` gives back exactly the items.
    #[test]
    fn items_csv_round_trips(items in items(1..12, 1..6, label(), finite())) {
        let s = scene_with(items);
        let csv = items_csv(&s);
        let back = parse_items(&csv).map_err(|e| TestCaseError::fail(format!("refused: {e}\n{csv:?}")))?;
        prop_assert_eq!(back.len(), s.items.len());
        for (b, it) in back.iter().zip(&s.items) {
            prop_assert_eq!(&b.label, &it.label);
            prop_assert_eq!(b.vector.len(), it.vector.len());
            for (x, y) in b.vector.iter().zip(&it.vector) {
                prop_assert!(same_number(*x, *y), "{:e} came back as {:e}", y, x);
            }
        }
        // An independent reader sees the same table.
        let records = split_csv(&csv);
        prop_assert_eq!(records.len(), s.items.len() + 1);
        // ... with the formula guard's apostrophe before formula-like labels.
        for (r, it) in records.iter().skip(1).zip(&s.items) {
            prop_assert_eq!(&r[0], &din_core::export::formula_guard(&it.label).into_owned());
            prop_assert!(!din_core::export::is_formula_like(&r[0]), "{:?}", r[0]);
        }
    }

    /// A number replaced by a word is reported at its line and column.
    #[test]
    fn bad_cell_is_located(
        items in items(1..80, 1..20, "[a-z]{1,8}".boxed(), (-100.0..100.0f64).boxed()),
        pick in (0..10_000usize, 0..10_000usize),
        // Words that begin like a float's name (nan, inf, infinity; the
        // parser's rule is the prefix, so "nana" too) get another message.
        word in "[a-z]{1,8}".prop_filter("a float's name", |w| !w.starts_with("nan") && !w.starts_with("inf")),
    ) {
        let s = scene_with(items);
        let (row, col) = (pick.0 % s.items.len(), pick.1 % s.dim());
        let mut lines: Vec<String> = items_csv(&s).lines().map(str::to_owned).collect();
        let mut fields: Vec<&str> = lines[row + 1].split(',').collect();
        fields[col + 1] = &word;
        lines[row + 1] = fields.join(",");
        let e = parse_items(&lines.join("\n")).unwrap_err();
        prop_assert_eq!((e.line, e.column), (Some(row + 2), Some(col + 2)), "{}", e);
        prop_assert_eq!(e.to_string(), format!("line {}, column {}: \"{}\" is not a number", row + 2, col + 2, word));
    }

    /// Numbers written as a projector `vectors.tsv` read the same through
    /// `parse_items` and `parse_projector`, labelled `item 1`, `item 2`...
    #[test]
    fn vectors_tsv_both_ways(items in items(1..30, 1..10, Just(String::new()).boxed(), finite())) {
        let tsv: String = items
            .iter()
            .map(|it| it.vector.iter().map(f64::to_string).collect::<Vec<_>>().join("\t") + "\n")
            .collect();
        let a = parse_items(&tsv).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let b = parse_projector(&tsv, "").map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(&a, &b);
        for (i, (got, it)) in a.iter().zip(&items).enumerate() {
            prop_assert_eq!(&got.label, &format!("item {}", i + 1));
            prop_assert!(got.vector.iter().zip(&it.vector).all(|(x, y)| same_number(*x, *y)));
        }
    }

    /// `result_csv` has a header, a row per item, then query, pooled and
    /// mean; numbers read back exactly; no label cell starts a formula.
    #[test]
    fn result_csv_shape(items in items(0..15, 1..6, label(), (-10.0..10.0f64).boxed()), q in vec(-10.0..10.0f64, 5)) {
        let mut s = scene_with(items);
        let d = s.items.first().map_or(1, |it| it.vector.len());
        s.query = q[..d].to_vec();
        let att = s.validate().map_err(|e| TestCaseError::fail(e.to_string()))?;
        let records = split_csv(&result_csv(&s, &att));
        let n = s.items.len();
        prop_assert_eq!(records.len(), n + 4);
        let mut header = vec!["kind".to_owned(), "label".to_owned(), "score".to_owned(), "alpha".to_owned()];
        header.extend((1..=d).map(|k| format!("v{k}")));
        prop_assert_eq!(&records[0], &header);
        let num = |s: &str| s.parse::<f64>().map_err(|_| TestCaseError::fail(format!("{s:?} is not a number")));
        for (i, (r, it)) in records[1..=n].iter().zip(&s.items).enumerate() {
            prop_assert_eq!(r.len(), 4 + d);
            prop_assert_eq!(&r[0], "item");
            // Formula-like (also after leading blanks), or already in guarded form.
            let like = din_core::export::is_formula_like;
            let formula = like(&it.label) || (it.label.starts_with('\'') && like(it.label.trim_start_matches('\'')));
            let want = if formula { format!("'{}", it.label) } else { it.label.clone() };
            prop_assert_eq!(&r[1], &want);
            prop_assert!(!like(&r[1]), "{:?} would run as a formula", r[1]);
            prop_assert!(same_number(num(&r[2])?, att.scores[i]));
            prop_assert!(same_number(num(&r[3])?, att.alpha[i]));
            for (cell, v) in r[4..].iter().zip(&it.vector) {
                prop_assert!(same_number(num(cell)?, *v));
            }
        }
        for (r, (kind, values)) in records[n + 1..].iter().zip([("query", &s.query), ("pooled", &att.pooled), ("mean", &att.mean)]) {
            prop_assert_eq!(&r[0], kind);
            prop_assert_eq!((&r[2], &r[3]), (&String::new(), &String::new()));
            let got: Vec<f64> = r[4..].iter().map(|c| num(c)).collect::<Result<_, _>>()?;
            prop_assert_eq!(got.len(), values.len());
            prop_assert!(got.iter().zip(values.iter()).all(|(a, b)| same_number(*a, *b)));
        }
    }

    /// Arbitrary text: no panic; accepted items respect the limits; errors
    /// name a line inside the text.
    #[test]
    fn parse_items_never_panics(text in texty()) {
        match parse_items(&text) {
            Ok(items) => check_items(&items)?,
            Err(e) => check_error(&e, &[&text])?,
        }
    }

    /// Arbitrary pairs of files: no panic; labels and rows match in number.
    #[test]
    fn parse_projector_never_panics(vectors in texty(), metadata in texty()) {
        match parse_projector(&vectors, &metadata) {
            Ok(items) => check_items(&items)?,
            Err(e) => check_error(&e, &[&vectors, &metadata])?,
        }
    }

    /// Arbitrary text into the import box: no panic; an accepted import is
    /// a valid scene whose attention is the one returned.
    #[test]
    fn import_text_never_panics(text in texty()) {
        match import_text(&text, &default_scene()) {
            Ok((s, att, en, zh)) => {
                prop_assert_eq!(s.validate().map_err(|e| TestCaseError::fail(e.to_string()))?, att);
                prop_assert!(en.starts_with("Imported ") && zh.starts_with("已"));
            }
            Err(e) => check_error(&e, &[&text])?,
        }
    }
}

#[test]
fn items_csv_of_no_items_is_refused_as_empty() {
    let csv = items_csv(&blank(3).scene);
    assert_eq!(csv, "label,x1,x2,x3\n");
    assert_eq!(parse_items(&csv).unwrap_err().code(), "E_IMPORT_EMPTY");
}
