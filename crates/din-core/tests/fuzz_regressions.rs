#![cfg(not(target_arch = "wasm32"))]
//! Inputs found by `make fuzz` (cargo-fuzz, `fuzz/`), kept as plain tests
//! so `cargo test` checks them on stable, without the fuzzer.
//!
//! Each test runs the very checks of its fuzz target (`fuzz/src/checks.rs`,
//! included below) on the exact input that failed them; the fix is named in
//! the test's comment. The committed seed corpus (`fuzz/corpus-seed/`) is
//! checked the same way.

#[path = "../../../fuzz/src/checks.rs"]
mod checks;

use std::fs;
use std::path::Path;

/// Every file of `fuzz/corpus-seed/<target>` passes `check`.
fn seeds(target: &str, check: fn(&[u8])) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/corpus-seed").join(target);
    let mut count = 0;
    for entry in fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.expect("a directory entry").path();
        let data = fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        check(&data);
        count += 1;
    }
    assert!(count >= 5, "only {count} seeds in {}", dir.display());
}

#[test]
fn seed_corpus_passes_every_check() {
    seeds("url_decode", checks::url_decode);
    seeds("state_json", checks::state_json);
    seeds("import", checks::import);
    seeds("projector", checks::projector);
}

// ---------------------------------------------------------------------------
// Inputs found by the fuzzer (the exact files are in fuzz/regressions/).
// ---------------------------------------------------------------------------

/// state_json, found after 272,767 runs: `{"similarity": "un…"}` with a
/// 500-character name. The refusal quoted the whole name back (a 648-character
/// message); so did unknown `normalization` and `activation` names. Fixed in
/// `Scene::with_patch`: the names are clipped to 40 characters, as every
/// other message about untrusted text is.
#[test]
fn state_json_long_unknown_similarity_is_clipped() {
    checks::state_json(include_bytes!("../../../fuzz/regressions/state_json/crash-d7ffe35d0daaf1bdb4dbd32c1e06a8d5055b8ec4"));
    for field in ["similarity", "normalization", "activation"] {
        let text = format!(r#"{{"{field}": "{}"}}"#, "x".repeat(10_000));
        checks::state_json(text.as_bytes());
        let e = din_core::presets::default_scene().with_patch_json(&text).unwrap_err().to_string();
        assert!(e.contains(&format!("\"{}…\"", "x".repeat(40))) && e.len() < 200, "{e}");
    }
}

/// import, found after 19,481 runs: text starting with two byte order
/// marks. `import_text` dropped the first and `parse_items` (called inside
/// it) the second, so the import box read "\u{feff}#9…" as a comment line
/// while `parse_items` reads it as data, and the two disagreed. Fixed in
/// `import_text`: only the one leading BOM the format allows is dropped.
#[test]
fn import_two_byte_order_marks() {
    checks::import(include_bytes!("../../../fuzz/regressions/import/crash-2c4389c3231c723df8b0a6a71bdd5387a889c28a"));
    checks::import("\u{feff}\u{feff}a,1\n".as_bytes());
    let (s, ..) = din_core::import::import_text("\u{feff}\u{feff}a,1\n", &din_core::presets::default_scene()).unwrap();
    assert_eq!(s.items[0].label, "\u{feff}a");
}
