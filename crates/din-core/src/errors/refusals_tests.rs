//! Tests of the typed refusals (`refusals.rs`): every variant has a code
//! and both texts, and the texts are the ones the modules wrote inline.

use super::*;
use crate::errors::{Refusal, TextSource};
use crate::scene::SceneError;
use std::collections::HashMap;

fn s(t: &str) -> String {
    t.to_owned()
}

/// One of each link refusal; `link_index` makes a new variant fail to
/// compile until it is listed here.
fn link_samples() -> Vec<LinkRefusal> {
    use LinkRefusal as R;
    vec![
        R::StepPastLast { step: 9, last: 7 },
        R::StepShownLast { shown: s("12"), last: 7 },
        R::BadStep(s("x")),
        R::BadEscape { what: s("q"), escape: s("%zz") },
        R::NotUtf8 { what: s("q") },
        R::BadKeyName(s("%ff")),
        R::UnknownKey(s("colour")),
        R::MoreUnknownKeys(3),
        R::GivenTwice { key: s("theme"), times: 2, shown: s("dark") },
        R::TooLong { total: 70_000, max: 65_536, then: Fallback::DefaultScene },
        R::TooLong { total: 70_000, max: 65_536, then: Fallback::NothingApplied },
        R::NewerVersion { shown: s("9"), version: 2 },
        R::NotAVersion { shown: s("x"), version: 2 },
        R::NotWhole { key: s("d"), shown: s("x") },
        R::TooSmall { key: s("d"), value: 0, min: 1 },
        R::TooLarge { key: s("d"), shown: s("999"), max: 256 },
        R::NameTooLong { key: s("scene"), len: 201, max: 200 },
        R::NoSuchScene(s("nope")),
        R::DIgnored,
        R::NIgnored,
        R::EmptyVector { what: s("q") },
        R::VectorTooLong { what: s("q"), count: 300, max: 256 },
        R::TooManyItems { count: 10_001, max: 10_000 },
        R::NoColon { no: 2 },
        R::LabelTooLong { no: 2, len: 201, max: 200 },
        R::ItemDim { no: 2, got: 3, want: 2 },
        R::ColourNotWhole { no: 2, shown: s("x") },
        R::ColourTooLarge { no: 2, shown: s("70000") },
        R::UnknownValue { key: Choice::Similarity, given: s("x") },
        R::UnknownValue { key: Choice::Normalization, given: s("x") },
        R::UnknownValue { key: Choice::Activation, given: s("x") },
        R::UnknownValue { key: Choice::Weight, given: s("x") },
        R::UnknownValue { key: Choice::Lang, given: s("x") },
        R::UnknownValue { key: Choice::Theme, given: s("x") },
        R::UnknownValue { key: Choice::Placement, given: s("x") },
        R::UnknownValue { key: Choice::View, given: s("x") },
        R::UnknownValue { key: Choice::Tab, given: s("x") },
        R::UnknownValue { key: Choice::Panels(vec!["bars", "map"]), given: s("x") },
        R::Temperature(s("-1")),
        R::CandidateDim { shown: s("food"), got: 4, want: 8 },
        R::NoSuchCandidate { scene: s("blank"), shown: s("food"), ids: vec![] },
        R::NoSuchCandidate { scene: s("why-din-works"), shown: s("pizza"), ids: vec!["food", "news"] },
        R::Font { value: s("5"), lo: 0.75, hi: 2.0 },
        R::NoPanel,
        R::PanelTwice(s("bars")),
        R::BadFlag { key: s("embed"), shown: s("yes") },
    ]
}

fn link_index(r: &LinkRefusal) -> usize {
    use LinkRefusal as R;
    match r {
        R::StepPastLast { .. } => 0,
        R::StepShownLast { .. } => 1,
        R::BadStep(_) => 2,
        R::BadEscape { .. } => 3,
        R::NotUtf8 { .. } => 4,
        R::BadKeyName(_) => 5,
        R::UnknownKey(_) => 6,
        R::MoreUnknownKeys(_) => 7,
        R::GivenTwice { .. } => 8,
        R::TooLong { .. } => 9,
        R::NewerVersion { .. } => 10,
        R::NotAVersion { .. } => 11,
        R::NotWhole { .. } => 12,
        R::TooSmall { .. } => 13,
        R::TooLarge { .. } => 14,
        R::NameTooLong { .. } => 15,
        R::NoSuchScene(_) => 16,
        R::DIgnored => 17,
        R::NIgnored => 18,
        R::EmptyVector { .. } => 19,
        R::VectorTooLong { .. } => 20,
        R::TooManyItems { .. } => 21,
        R::NoColon { .. } => 22,
        R::LabelTooLong { .. } => 23,
        R::ItemDim { .. } => 24,
        R::ColourNotWhole { .. } => 25,
        R::ColourTooLarge { .. } => 26,
        R::UnknownValue { .. } => 27,
        R::Temperature(_) => 28,
        R::CandidateDim { .. } => 29,
        R::NoSuchCandidate { .. } => 30,
        R::Font { .. } => 31,
        R::NoPanel => 32,
        R::PanelTwice(_) => 33,
        R::BadFlag { .. } => 34,
    }
}
const LINK_VARIANTS: usize = 35;

fn session_samples() -> Vec<SessionRefusal> {
    use SessionRefusal as R;
    let bad_label = SceneError::BadLabel { field: s("label of x1"), code_point: 0x7, position: 2 };
    let long_label = SceneError::LabelTooLong { field: s("label of x1"), chars: 201 };
    vec![
        R::NoItem(4),
        R::Label { item: 0, error: bad_label },
        R::Label { item: 0, error: long_label },
        R::LastNFull { max: 10_000 },
        R::DimEmpty,
        R::DimNotWhole(s("2.5")),
        R::Temperature(-1.0),
        R::NoCandidate { scene: s("why-din-works"), id: s("pizza") },
        R::CandidateDim { label: s("food"), got: 4, want: 8 },
        R::DimTooLarge { d: 300, max: 256 },
        R::NoScene { id: s("nope"), ids: vec!["why-din-works", "blank"] },
        R::UnknownLang(s("fr")),
        R::LangNotText(s("3")),
        R::ResetFailed,
        R::UnknownPlacement(s("top")),
        R::BadStep { last: 7, given: s("9") },
        R::GenerateNotWhole,
        R::GenerateSize { n: 20, d: 0, max_n: 10_000, max_d: 256 },
        R::OptionType { key: s("theme"), want: Want::Theme, shown: s("3") },
        R::OptionType { key: s("font"), want: Want::Font { lo: 0.75, hi: 2.0 }, shown: s("9") },
        R::OptionType { key: s("panels"), want: Want::PanelList, shown: s("3") },
        R::OptionType { key: s("embed"), want: Want::Bool, shown: s("3") },
        R::OptionType { key: s("placement"), want: Want::Placement, shown: s("3") },
        R::OptionType { key: s("view"), want: Want::View, shown: s("3") },
        R::OptionType { key: s("tab"), want: Want::Tab, shown: s("3") },
        R::UnknownTheme(s("pink")),
        R::Panels(s("no panel is listed: name at least one, e.g. \"bars,map\"")),
        R::UnknownStateKey { what: s("state"), shown: s("colour"), keys: &["scene", "query"] },
        R::SceneTooLargeForLink { n: 5000, d: 64, max: 65_536 },
        R::PngFactorNotFinite { factor: f64::NAN, lo: 0.25, hi: 4.0 },
        R::PngFactorRange { factor: 9.0, lo: 0.25, hi: 4.0 },
    ]
}

fn session_index(r: &SessionRefusal) -> usize {
    use SessionRefusal as R;
    match r {
        R::NoItem(_) => 0,
        R::Label { .. } => 1,
        R::LastNFull { .. } => 2,
        R::DimEmpty => 3,
        R::DimNotWhole(_) => 4,
        R::Temperature(_) => 5,
        R::NoCandidate { .. } => 6,
        R::CandidateDim { .. } => 7,
        R::DimTooLarge { .. } => 8,
        R::NoScene { .. } => 9,
        R::UnknownLang(_) => 10,
        R::LangNotText(_) => 11,
        R::ResetFailed => 12,
        R::UnknownPlacement(_) => 13,
        R::BadStep { .. } => 14,
        R::GenerateNotWhole => 15,
        R::GenerateSize { .. } => 16,
        R::OptionType { .. } => 17,
        R::UnknownTheme(_) => 18,
        R::Panels(_) => 19,
        R::UnknownStateKey { .. } => 20,
        R::SceneTooLargeForLink { .. } => 21,
        R::PngFactorNotFinite { .. } => 22,
        R::PngFactorRange { .. } => 23,
    }
}
const SESSION_VARIANTS: usize = 24;

fn has_cjk(t: &str) -> bool {
    t.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

/// Every variant has a code and both texts; the Chinese text is
/// Chinese (the `panels` list refusal is the one that is the same in
/// both: it quotes the panel parser's list of identifiers); no two
/// refusals share an English text under different codes.
#[test]
fn every_refusal_has_a_code_and_both_texts() {
    let mut all: Vec<(String, Message)> = Vec::new();
    let link = link_samples();
    let mut seen = vec![false; LINK_VARIANTS];
    for r in &link {
        seen[link_index(r)] = true;
        all.push((format!("{r:?}"), Message::from(r.clone())));
    }
    assert!(seen.iter().all(|s| *s), "a LinkRefusal variant has no sample: {seen:?}");
    let session = session_samples();
    let mut seen = vec![false; SESSION_VARIANTS];
    for r in &session {
        seen[session_index(r)] = true;
        let same_in_both = matches!(r, SessionRefusal::Panels(_));
        let m = Message::from(r.clone());
        assert_eq!(same_in_both, !has_cjk(&m.zh), "{r:?}: {}", m.zh);
        all.push((format!("{r:?}"), m));
    }
    assert!(seen.iter().all(|s| *s), "a SessionRefusal variant has no sample: {seen:?}");
    let t = LinkTooLarge { len: 70_000, max: 65_536 };
    all.push((format!("{t:?}"), Message::of(&t)));
    for r in [Refusal::NotAttachable(s("x")), Refusal::NoContext, Refusal::LoneSurrogate(TextSource::Link)] {
        all.push((format!("{r:?}"), Message::of(&r)));
    }
    let mut codes: HashMap<String, &'static str> = HashMap::new();
    for (what, m) in &all {
        assert!(m.code.starts_with("E_") && m.code.len() > 2, "{what}: {}", m.code);
        assert!(!m.en.is_empty() && !m.zh.is_empty(), "{what}");
        assert!(!has_cjk(&m.en), "{what}: {}", m.en);
        if !what.starts_with("Panels(") {
            assert!(has_cjk(&m.zh), "{what}: {}", m.zh);
        }
        assert_ne!(m.en, m.zh, "{what}");
        if let Some(code) = codes.insert(m.en.clone(), m.code) {
            assert_eq!(code, m.code, "{what}: \"{}\" under two codes", m.en);
        }
    }
    // Two different refusals never read the same.
    assert_eq!(codes.len(), all.len(), "two refusals share an English text");
}

/// The texts are the ones the modules wrote inline before (the page's
/// tests match on some of them).
#[test]
fn texts_kept_byte_for_byte() {
    let m = Message::from(LinkRefusal::UnknownValue { key: Choice::Weight, given: s("q") });
    assert_eq!((m.code, m.en.as_str()), ("E_URL", "weight: \"q\" is unknown; use z (the paper: α = z) or sigmoid (α = sigmoid(z))"));
    assert_eq!(m.zh, "weight：未知的值 \"q\"；请用 z（论文：α = z）或 sigmoid（α = sigmoid(z)）");
    let m = Message::from(LinkRefusal::TooLong { total: 9, max: 8, then: Fallback::NothingApplied });
    assert_eq!(m.en, "the link has 9 bytes; at most 8 are read, so nothing of it was applied");
    assert_eq!(m.zh, "链接有 9 字节；最多读取 8 字节，因此未应用其中任何参数");
    let label = SceneError::BadLabel { field: s("label of x2"), code_point: 0x7, position: 3 };
    let m = Message::from(SessionRefusal::Label { item: 1, error: label.clone() });
    assert_eq!((m.code, m.en.clone()), ("E_LABEL_CONTROL", label.to_string()));
    assert!(m.zh.starts_with("x2 的名称的第 3 个字符是 U+0007（"), "{}", m.zh);
    let m = Message::from(SessionRefusal::OptionType { key: s("font"), want: Want::Font { lo: 0.75, hi: 2.0 }, shown: s("9") });
    assert_eq!((m.en.as_str(), m.zh.as_str()), ("font must be a number from 0.75 to 2, not 9", "font 必须是 0.75 到 2 之间的数，而不是 9"));
    // The theme refusal's English is the theme parser's own text.
    let parsed = "pink".parse::<crate::options::Theme>().err().unwrap_or_default();
    assert_eq!(SessionRefusal::UnknownTheme(s("pink")).to_string(), format!("theme: {parsed}"));
    let parsed = "fr".parse::<Lang>().err().unwrap_or_default();
    assert_eq!(SessionRefusal::UnknownLang(s("fr")).to_string(), format!("lang: {parsed}"));
    let m = Message::from(SessionRefusal::PngFactorRange { factor: 0.001, lo: 0.25, hi: 4.0 });
    assert_eq!(m.en, "exportPng: the factor 0.001 is out of range; use a number from 0.25 to 4 (480 × 270 to 7680 × 4320 pixels)");
    assert_eq!(m.zh, "exportPng：倍数 0.001 超出范围；请用 0.25 到 4 之间的数（480 × 270 到 7680 × 4320 像素）");
}

/// No module that refuses writes Chinese text for a refusal: the
/// refusals' texts are here.
#[test]
fn refusing_modules_write_no_refusal_text() {
    for (name, src) in [
        ("urlstate.rs", include_str!("../urlstate.rs")),
        ("options.rs", include_str!("../options.rs")),
        ("export.rs", include_str!("../export.rs")),
        ("session/mod.rs", include_str!("../session/mod.rs")),
        ("session/link.rs", include_str!("../session/link.rs")),
    ] {
        let code = &src[..src.find("#[cfg(test)]").unwrap_or(src.len())];
        assert!(!has_cjk(code), "{name} writes Chinese text");
        assert!(!code.contains("message(\"E_"), "{name} makes a message from text");
    }
}
