//! The checks of the fuzz targets, one function per target.
//!
//! Each function takes the raw fuzz input, decodes it with the core
//! modules, validates what came out and asserts the module's invariants;
//! it panics, quoting the input as it was read, when one does not hold.
//! The fuzz targets (`fuzz/fuzz_targets/*.rs`) call these functions, and
//! `tests/fuzz_regressions.rs` includes this very file, so every input the
//! fuzzer ever found is checked again, by the same code, in `cargo test`.

use din_core::errors::Localized;
use din_core::export::{items_csv, result_csv};
use din_core::import::{import_text, parse_items, parse_projector, ImportError, ImportErrorKind};
use din_core::presets::{blank, default_scene, preset};
use din_core::scene::{parse_state, Item, SceneError, MAX_D, MAX_LABEL, MAX_N};
use din_core::urlstate::{decode, encode_with_limit};

/// Longest message allowed: every message quotes at most a short excerpt
/// of untrusted text, so it never grows with the input.
const MAX_MESSAGE_CHARS: usize = 600;

/// A message shown to the user: a code `E_…`, English and Chinese text,
/// neither empty nor unbounded.
fn check_message(code: &str, en: &str, zh: &str, input: &dyn std::fmt::Debug) {
    assert!(code.starts_with("E_"), "code {code:?} for {input:?}");
    for text in [en, zh] {
        let n = text.chars().count();
        assert!(n > 0 && n <= MAX_MESSAGE_CHARS, "message of {n} characters {text:?} for {input:?}");
    }
}

fn check_scene_error(e: &SceneError, input: &dyn std::fmt::Debug) {
    check_message(e.code(), &e.to_string(), &e.zh(), input);
}

fn check_import_error(e: &ImportError, input: &dyn std::fmt::Debug) {
    check_message(e.code(), &e.to_string(), &e.zh(), input);
    assert!(e.code().starts_with("E_IMPORT_"), "{e:?} for {input:?}");
}

/// The items of an import: 1 to `MAX_N` of them, all with the same
/// `1 <= d <= MAX_D`, finite numbers, labels of at most `MAX_LABEL` characters.
fn check_item_limits(items: &[Item], input: &dyn std::fmt::Debug) {
    assert!(!items.is_empty() && items.len() <= MAX_N, "{} items from {input:?}", items.len());
    let d = items[0].vector.len();
    assert!((1..=MAX_D).contains(&d), "d = {d} from {input:?}");
    for (i, it) in items.iter().enumerate() {
        assert_eq!(it.vector.len(), d, "item {i} from {input:?}");
        assert!(it.vector.iter().all(|v| v.is_finite()), "item {i} {:?} from {input:?}", it.vector);
        assert!(it.label.chars().count() <= MAX_LABEL, "label of item {i} from {input:?}");
    }
}

/// `url_decode`: the bytes before the first `#` are the query string, the
/// bytes after it the hash (each read as lossy UTF-8).
///
/// `decode` never panics; the state and the origin it returns validate;
/// every problem is a proper message; and the state survives a link:
/// `encode_with_limit(state, origin, usize::MAX)` read back by `decode`
/// gives the same state with no problem (and the same origin, so the link
/// is written the same again).
pub fn url_decode(data: &[u8]) {
    let (q, h) = match data.iter().position(|&b| b == b'#') {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (data, &[][..]),
    };
    let (query, hash) = (String::from_utf8_lossy(q), String::from_utf8_lossy(h));
    let input = (&query, &hash);
    let r = decode(&query, &hash);
    for m in &r.problems {
        check_message(m.code, &m.en, &m.zh, &input);
    }
    if let Err(m) = r.state.validate() {
        panic!("the decoded state does not validate: {}\ninput: {input:?}", m.en);
    }
    if let Err(e) = r.origin.validate() {
        panic!("the decoded origin does not validate: {e}\ninput: {input:?}");
    }
    let link = match encode_with_limit(&r.state, &r.origin, usize::MAX) {
        Ok(link) => link,
        Err(e) => panic!("encode_with_limit(usize::MAX) refused: {e}\ninput: {input:?}"),
    };
    let again = decode(&link, "");
    let problems: Vec<&str> = again.problems.iter().map(|m| m.en.as_str()).collect();
    assert!(problems.is_empty(), "the link {link:?} gives problems {problems:?}\ninput: {input:?}");
    assert!(again.state == r.state, "the link {link:?} gives another state:\n{:?}\nnot\n{:?}\ninput: {input:?}", again.state, r.state);
    // A fixed point: the link loads the same origin and is written the same again.
    assert!(again.origin == r.origin, "the link {link:?} gives another origin\ninput: {input:?}");
    let relink = encode_with_limit(&again.state, &again.origin, usize::MAX);
    assert!(relink.as_ref() == Ok(&link), "the link {link:?} is written again as {relink:?}\ninput: {input:?}");
}

/// `state_json`: the bytes as (lossy UTF-8) JSON text of a partial state,
/// applied to the default scene and, for the activation unit's code paths,
/// to the `interest-intensity` preset.
///
/// Parsing and patching never panic; a refusal is a proper message; an
/// accepted scene validates, its attention is the one returned, and
/// `default_scene().with_patch(&scene.to_json())` gives the same scene.
pub fn state_json(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let value = match parse_state(&text) {
        Ok(v) => v,
        Err(e) => {
            check_scene_error(&e, &text);
            // Malformed JSON, a lone surrogate or a number that would become 0.
            assert!(matches!(e, SceneError::Json { .. } | SceneError::LoneSurrogate { .. } | SceneError::Underflow { .. }), "{e:?} for {text:?}");
            return;
        }
    };
    let unit_scene = preset("interest-intensity").expect("the preset exists").scene;
    for base in [default_scene(), unit_scene] {
        match base.with_patch(&value) {
            Err(e) => check_scene_error(&e, &text),
            Ok((scene, att)) => {
                match scene.validate() {
                    Ok(again) => assert!(again == att, "validate() gives another attention for {text:?}"),
                    Err(e) => panic!("the patched scene does not validate: {e}\ninput: {text:?}"),
                }
                let json = scene.to_json();
                match default_scene().with_patch(&json) {
                    Ok((back, _)) => assert!(back == scene, "to_json {json} reads back as\n{back:?}\nnot\n{scene:?}\ninput: {text:?}"),
                    Err(e) => panic!("to_json {json} is refused: {e}\ninput: {text:?}"),
                }
            }
        }
    }
}

/// `import`: the bytes as (lossy UTF-8) text for the import box.
///
/// `parse_items` and `import_text` never panic; refusals are proper
/// messages with `E_IMPORT_*` codes; accepted items respect the limits and
/// `items_csv` reads back (through `parse_items`) as the same items; an
/// imported scene validates with the attention returned, and for CSV/TSV
/// text (not a scene JSON) its items are exactly `parse_items`'s.
pub fn import(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let items = parse_items(&text);
    match &items {
        Ok(items) => {
            check_item_limits(items, &text);
            let mut scene = blank(items[0].vector.len()).scene;
            scene.items.clone_from(items);
            let csv = items_csv(&scene);
            match parse_items(&csv) {
                Ok(back) => assert!(&back == items, "items_csv {csv:?} reads back as\n{back:?}\nnot\n{items:?}\ninput: {text:?}"),
                Err(e) => panic!("items_csv {csv:?} is refused: {e}\ninput: {text:?}"),
            }
        }
        Err(e) => check_import_error(e, &text),
    }
    let is_json = text.strip_prefix('\u{feff}').unwrap_or(&text).trim_start().starts_with('{');
    match import_text(&text, &default_scene()) {
        Ok((scene, att, en, zh)) => {
            match scene.validate() {
                Ok(again) => assert!(again == att, "validate() gives another attention for {text:?}"),
                Err(e) => panic!("the imported scene does not validate: {e}\ninput: {text:?}"),
            }
            assert!(!en.is_empty() && !zh.is_empty(), "empty note for {text:?}");
            if !is_json {
                match &items {
                    Ok(items) => assert!(&scene.items == items, "import_text and parse_items disagree on {text:?}"),
                    Err(e) => panic!("import_text accepts what parse_items refuses ({e}): {text:?}"),
                }
            }
            let _ = result_csv(&scene, &att);
        }
        Err(e) => {
            check_import_error(&e, &text);
            if !is_json && items.is_ok() {
                assert!(matches!(e.kind, ImportErrorKind::Scene(_)), "import_text refuses ({e}) what parse_items accepts: {text:?}");
            }
        }
    }
}

/// The labels `metadata.tsv` gives, as `parse_projector` documents them:
/// `None` when the file is empty or blank; otherwise the first column of
/// every non-blank line, trimmed, without the header line (the first
/// non-blank line, when it has a tab). Labels with a control character are
/// refused (checked by the caller's error branch).
fn metadata_labels(metadata: &str) -> Option<Vec<String>> {
    let metadata = metadata.strip_prefix('\u{feff}').unwrap_or(metadata);
    // Lines end in \n, \r\n or a lone \r.
    let metadata = &metadata.replace("\r\n", "\n").replace('\r', "\n");
    if metadata.trim().is_empty() {
        return None;
    }
    let lines: Vec<&str> = metadata.split('\n').filter(|l| !l.trim().is_empty()).collect();
    let skip = usize::from(lines.first().is_some_and(|l| l.contains('\t')));
    Some(lines[skip..].iter().map(|l| l.split('\t').next().unwrap_or("").trim().to_owned()).collect())
}

/// `projector`: the bytes before the first `0xFF` are `vectors.tsv`, the
/// bytes after it `metadata.tsv` (each read as lossy UTF-8).
///
/// `parse_projector` never panics; refusals are proper messages; accepted
/// items respect the limits, there are as many as `vectors.tsv` has rows
/// and as `metadata.tsv` has labels, and they carry those vectors and labels.
pub fn projector(data: &[u8]) {
    let (v, m) = match data.iter().position(|&b| b == 0xFF) {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (data, &[][..]),
    };
    let (vectors, metadata) = (String::from_utf8_lossy(v), String::from_utf8_lossy(m));
    let input = (&vectors, &metadata);
    let labels = metadata_labels(&metadata);
    match parse_projector(&vectors, &metadata) {
        Ok(items) => {
            check_item_limits(&items, &input);
            let rows = parse_projector(&vectors, "").unwrap_or_else(|e| panic!("vectors.tsv alone is refused: {e}\ninput: {input:?}"));
            assert_eq!(rows.len(), items.len(), "rows of vectors.tsv for {input:?}");
            for (row, item) in rows.iter().zip(&items) {
                assert!(row.vector == item.vector, "{input:?}");
            }
            match labels {
                Some(labels) => {
                    assert_eq!(labels.len(), items.len(), "labels of metadata.tsv for {input:?}");
                    for (label, item) in labels.iter().zip(&items) {
                        assert_eq!(label, &item.label, "{input:?}");
                    }
                }
                None => {
                    for (i, item) in items.iter().enumerate() {
                        assert_eq!(item.label, format!("item {}", i + 1), "{input:?}");
                    }
                }
            }
        }
        Err(e) => {
            check_import_error(&e, &input);
            if let ImportErrorKind::CountMismatch { labels: got_labels, rows } = e.kind {
                assert_ne!(got_labels, rows, "{input:?}");
                let vector_rows = parse_projector(&vectors, "").map(|items| items.len());
                assert_eq!(vector_rows, Ok(rows), "rows of vectors.tsv for {input:?}");
                assert_eq!(labels.map(|l| l.len()), Some(got_labels), "labels of metadata.tsv for {input:?}");
            }
        }
    }
}
