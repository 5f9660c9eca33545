#![cfg(not(target_arch = "wasm32"))]
//! Properties of the decoders of untrusted state (`din.setState`, imported
//! scene files, view options from links and attributes).
//!
//! * (a) Every valid scene (n <= 12, d <= 8, any Unicode labels of up to
//!   200 characters, any finite numbers, every definition, similarity,
//!   normalization and activation) comes back exactly from
//!   `default_scene().with_patch(&scene.to_json())`, and from its JSON text.
//! * (b) Every invalid state (wrong types, "NaN"/"Infinity" strings, d
//!   mismatches, too many items or components, labels over 200 characters,
//!   unknown names, a temperature <= 0, nested garbage) is refused, never
//!   accepted and never a panic, with a message that names the field.
//!   Malformed JSON text is refused with its line and column.
//! * (c) `parse_panels` and `Theme::from_str` never panic on any text, and
//!   what they accept prints back to itself.

use din_core::attention::{Normalization, Similarity};
use din_core::errors::Localized;
use din_core::options::{panels_text, parse_panels, Panel, Theme};
use din_core::presets::default_scene;
use din_core::scene::{parse_state, Definition, Item, Scene, SceneError, MAX_D, MAX_LABEL, MAX_N};
use din_core::unit::{Activation, WeightForm, MAX_LEN_LIMIT};
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::select;
use serde_json::{json, Map, Value};

// ---------------------------------------------------------------------------
// (a) Valid scenes.
// ---------------------------------------------------------------------------

/// Any finite number: everyday values, anything finite, and the edges.
fn finite() -> BoxedStrategy<f64> {
    use proptest::num::f64::{NEGATIVE, NORMAL, POSITIVE, SUBNORMAL, ZERO};
    prop_oneof![
        3 => -10.0..10.0f64,
        2 => NORMAL | SUBNORMAL | ZERO | POSITIVE | NEGATIVE,
        1 => select(vec![0.0, -0.0, 0.1 + 0.2, 1e-7, 1e21, f64::MAX, f64::MIN, f64::MIN_POSITIVE, 5e-324, 9007199254740993.0]),
    ]
    .boxed()
}

/// Any label of at most [`MAX_LABEL`] characters, any Unicode but the
/// control characters and noncharacters no label may hold.
fn label() -> BoxedStrategy<String> {
    let c = || any::<char>().prop_filter("a label character", |c| !din_core::scene::is_label_control(*c));
    prop_oneof![
        2 => vec(c(), 0..=MAX_LABEL).prop_map(String::from_iter),
        1 => Just(String::new()),
        1 => "[a-z 中]{0,8}",
        1 => vec(c(), MAX_LABEL..=MAX_LABEL).prop_map(String::from_iter),
    ]
    .boxed()
}

/// A scene of any shape and settings; not necessarily valid (see [`valid_scene`]).
fn any_scene() -> impl Strategy<Value = Scene> {
    // d = 8 often: the activation unit is trained for it.
    (prop_oneof![1..=8usize, Just(8)], 0..=12usize)
        .prop_flat_map(|(d, n)| {
            (
                (label(), label(), vec(finite(), d), vec((label(), vec(finite(), d)), n)),
                (
                    select(vec![Definition::Similarity, Definition::Unit, Definition::Authors]),
                    select(Similarity::ALL.to_vec()),
                    select(Normalization::ALL.to_vec()),
                    prop_oneof![finite().prop_map(f64::abs), Just(1.0), 1e-3..100.0f64],
                    select(Activation::ALL.to_vec()),
                    prop_oneof![0..=20usize, 0..=MAX_LEN_LIMIT],
                    select(WeightForm::ALL.to_vec()),
                ),
            )
        })
        .prop_map(|((name, candidate, query, items), (definition, similarity, normalization, temperature, activation, max_len, weight))| Scene {
            name,
            candidate,
            query,
            items: items.into_iter().zip(0u16..).map(|((label, vector), color)| Item { label, vector, color }).collect(),
            similarity,
            normalization,
            temperature,
            definition,
            activation,
            max_len,
            weight,
        })
}

/// A valid scene: `s` itself when it validates, else repaired step by step
/// (the definition set to a similarity, numbers tamed, T = 1). Under the
/// activation unit the JSON state does not carry the similarity remembered
/// for switching back, so it is the default scene's.
fn valid_scene() -> impl Strategy<Value = Scene> {
    any_scene().prop_map(|mut s| {
        if s.definition != Definition::Similarity {
            s.similarity = default_scene().similarity;
        }
        if s.validate().is_ok() {
            return s;
        }
        if s.definition != Definition::Similarity && s.dim() != 8 {
            s.definition = Definition::Similarity;
            if s.validate().is_ok() {
                return s;
            }
        }
        let tame = |x: &mut f64| *x = x.clamp(-1e3, 1e3);
        s.query.iter_mut().for_each(tame);
        s.items.iter_mut().for_each(|it| it.vector.iter_mut().for_each(tame));
        if s.validate().is_ok() {
            return s;
        }
        s.temperature = 1.0;
        s
    })
}

/// The numbers of a scene as bits, so `-0.0` and `0.0` differ.
fn bits(s: &Scene) -> (Vec<u64>, Vec<Vec<u64>>, u64) {
    let v = |x: &[f64]| x.iter().map(|x| x.to_bits()).collect::<Vec<u64>>();
    (v(&s.query), s.items.iter().map(|it| v(&it.vector)).collect(), s.temperature.to_bits())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// (a) `to_json` then `with_patch` on the default scene gives back the
    /// scene exactly (every number to the bit), as a value and as text.
    #[test]
    fn every_valid_scene_comes_back_from_its_json(scene in valid_scene()) {
        let att = scene.validate().map_err(|e| TestCaseError::fail(format!("the strategy made an invalid scene: {e}")))?;
        let json = scene.to_json();
        let (back, back_att) = default_scene()
            .with_patch(&json)
            .map_err(|e| TestCaseError::fail(format!("refused: {e}\n{json}")))?;
        prop_assert_eq!(&back, &scene);
        prop_assert_eq!(bits(&back), bits(&scene));
        prop_assert_eq!(back_att, att);
        for text in [json.to_string(), format!("{json:#}")] {
            let (from_text, _) = default_scene()
                .with_patch_json(&text)
                .map_err(|e| TestCaseError::fail(format!("refused: {e}\n{text}")))?;
            prop_assert_eq!(bits(&from_text), bits(&scene));
            prop_assert_eq!(&from_text, &scene);
        }
    }
}

// ---------------------------------------------------------------------------
// (b) Invalid states.
// ---------------------------------------------------------------------------

/// A JSON number (finite by construction).
fn num(x: f64) -> Value {
    json!(x)
}

/// A valid patch of dimension `d` with `n` items: query, items and, at
/// times, settings. Everything in it is small, so nothing overflows.
fn valid_patch() -> impl Strategy<Value = (Map<String, Value>, usize, usize)> {
    (1..=6usize, 1..=6usize)
        .prop_flat_map(|(d, n)| {
            (
                vec(-10.0..10.0f64, d),
                vec(("[a-z]{0,6}", vec(-10.0..10.0f64, d)), n),
                prop::option::of(select(vec!["dot", "cosine", "scaled_dot"])),
                prop::option::of(select(vec!["none", "softmax"])),
                prop::option::of(0.05..10.0f64),
                prop::option::of(select(vec!["sigmoid", "prelu", "dice"])),
                prop::option::of(0..=100u32),
                Just((d, n)),
            )
        })
        .prop_map(|(q, items, sim, norm, t, act, max_len, (d, n))| {
            let mut m = Map::new();
            m.insert("scene".into(), json!("fuzzed"));
            m.insert("query".into(), json!(q));
            let items: Vec<Value> = items.into_iter().map(|(l, v)| json!({ "label": l, "vector": v })).collect();
            m.insert("items".into(), Value::Array(items));
            if let Some(s) = sim {
                m.insert("similarity".into(), json!(s));
            }
            if let Some(s) = norm {
                m.insert("normalization".into(), json!(s));
            }
            if let Some(t) = t {
                m.insert("temperature".into(), num(t));
            }
            if let Some(a) = act {
                m.insert("activation".into(), json!(a));
            }
            if let Some(k) = max_len {
                m.insert("maxLen".into(), json!(k));
            }
            m.insert("someFutureField".into(), json!({"nested": [1, "x", null]}));
            (m, d, n)
        })
}

/// JSON values of every type but the ones in `except` (`"null"`,
/// `"bool"`, `"number"`, `"string"`, `"array"`, `"object"`), nested garbage included.
fn wrong_type(except: &'static [&'static str]) -> BoxedStrategy<Value> {
    let all: Vec<(&'static str, BoxedStrategy<Value>)> = vec![
        ("null", Just(Value::Null).boxed()),
        ("bool", any::<bool>().prop_map(Value::Bool).boxed()),
        ("number", (-1e6..1e6f64).prop_map(num).boxed()),
        ("string", "[a-zA-Z0-9 ]{0,10}".prop_map(Value::String).boxed()),
        ("array", garbage().prop_map(|v| json!([v, [v.clone()], {}])).boxed()),
        ("object", garbage().prop_map(|v| json!({ "a": v, "b": { "c": [] } })).boxed()),
    ];
    let kept: Vec<BoxedStrategy<Value>> = all.into_iter().filter(|(k, _)| !except.contains(k)).map(|(_, s)| s).collect();
    proptest::strategy::Union::new(kept).boxed()
}

/// Nested JSON of any shape.
fn garbage() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        (-1e6..1e6f64).prop_map(num),
        ".{0,8}".prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 32, 4, |inner| {
        prop_oneof![
            vec(inner.clone(), 0..4).prop_map(Value::Array),
            vec((".{0,4}", inner), 0..4).prop_map(|kv| Value::Object(kv.into_iter().collect())),
        ]
    })
}

/// A component that is not a finite number: the strings JS uses for NaN
/// and infinities, null, or any other non-number.
fn bad_component() -> BoxedStrategy<Value> {
    prop_oneof![
        select(vec!["NaN", "Infinity", "-Infinity"]).prop_map(|s| json!(s)),
        wrong_type(&["number"]),
    ]
    .boxed()
}

/// A string of more than [`MAX_LABEL`] characters.
fn long_label() -> impl Strategy<Value = String> {
    prop_oneof![
        vec(any::<char>(), MAX_LABEL + 1..=MAX_LABEL + 60).prop_map(String::from_iter),
        (MAX_LABEL + 1..=400usize).prop_map(|k| "汤".repeat(k)),
    ]
}

/// The faults: each one breaks a valid patch in one place and says which
/// field the message must name. `d` and `n` are the patch's shape.
#[derive(Clone, Debug)]
enum Fault {
    /// A field of the wrong type.
    WrongType(&'static str, Value),
    /// One bad component of `q` or of an item.
    BadComponent { item: Option<usize>, k: usize, value: Value },
    /// An item whose vector has another length than q's.
    ItemDim { item: usize, len: usize },
    /// q alone (no items in the patch), of another d than the default scene's 8.
    QueryDim { len: usize },
    /// Items alone, of another d than the default scene's 8.
    ItemsAloneDim { len: usize },
    /// More than `MAX_N` items.
    TooManyItems,
    /// A vector of more than `MAX_D` components (q or an item).
    TooManyComponents { item: Option<usize> },
    /// An empty vector.
    EmptyVector { item: Option<usize> },
    /// A label (of an item, or the scene's or candidate's name) over 200 characters.
    LongLabel { item: Option<usize>, field: &'static str, text: String },
    /// An unknown name in `similarity`, `normalization` or `activation`.
    UnknownName(&'static str, String),
    /// A temperature <= 0, or a maxLen that is negative, fractional or too large.
    BadNumber(&'static str, f64),
    /// An item that is not an object, or whose label or vector is garbage.
    ItemGarbage { item: usize, what: &'static str, value: Value },
    /// An item without a vector.
    MissingVector { item: usize },
    /// The whole state is not an object.
    NotAnObject(Value),
}

fn fault() -> impl Strategy<Value = Fault> {
    let names = prop_oneof![
        "[a-z_]{0,12}".prop_filter("unknown", |s| !["dot", "cosine", "scaled_dot", "unit", "authors", "none", "softmax", "sigmoid", "prelu", "dice"]
            .contains(&s.as_str())),
        select(vec!["DOT", "Cosine", "scaled dot", " dot", "dot ", "l2", "relu", "Softmax", "unit\u{0}", "NaN"]).prop_map(str::to_owned),
    ];
    let idx = 0..64usize;
    prop_oneof![
        (select(vec!["scene", "candidate"]), wrong_type(&["null", "string"])).prop_map(|(f, v)| Fault::WrongType(f, v)),
        (select(vec!["query", "items"]), wrong_type(&["array"])).prop_map(|(f, v)| Fault::WrongType(f, v)),
        (select(vec!["similarity", "normalization", "activation"]), wrong_type(&["string"])).prop_map(|(f, v)| Fault::WrongType(f, v)),
        (select(vec!["temperature", "maxLen"]), wrong_type(&["number"])).prop_map(|(f, v)| Fault::WrongType(f, v)),
        (select(vec!["temperature", "maxLen"]), select(vec!["NaN", "Infinity", "-Infinity"]))
            .prop_map(|(f, s)| Fault::WrongType(f, json!(s))),
        (prop::option::of(idx.clone()), idx.clone(), bad_component()).prop_map(|(item, k, value)| Fault::BadComponent { item, k, value }),
        (idx.clone(), 0..64usize).prop_map(|(item, len)| Fault::ItemDim { item, len }),
        (1..=MAX_D).prop_filter("not 8", |l| *l != 8).prop_map(|len| Fault::QueryDim { len }),
        (1..=MAX_D).prop_filter("not 8", |l| *l != 8).prop_map(|len| Fault::ItemsAloneDim { len }),
        Just(Fault::TooManyItems),
        prop::option::of(idx.clone()).prop_map(|item| Fault::TooManyComponents { item }),
        prop::option::of(idx.clone()).prop_map(|item| Fault::EmptyVector { item }),
        (prop::option::of(idx.clone()), select(vec!["scene", "candidate"]), long_label())
            .prop_map(|(item, field, text)| Fault::LongLabel { item, field, text }),
        (select(vec!["similarity", "normalization", "activation"]), names).prop_map(|(f, s)| Fault::UnknownName(f, s)),
        prop_oneof![
            prop_oneof![Just(0.0), Just(-0.0), -1e300..0.0f64, Just(-f64::MIN_POSITIVE)].prop_map(|t| Fault::BadNumber("temperature", t)),
            prop_oneof![-1e9..-0.5f64, (0..1000u32).prop_map(|k| f64::from(k) + 0.5), Just(MAX_LEN_LIMIT as f64 + 1.0), Just(1e300)]
                .prop_map(|m| Fault::BadNumber("maxLen", m)),
        ],
        (idx.clone(), wrong_type(&["object"])).prop_map(|(item, value)| Fault::ItemGarbage { item, what: "", value }),
        (idx.clone(), wrong_type(&["null", "string"])).prop_map(|(item, value)| Fault::ItemGarbage { item, what: "label", value }),
        (idx.clone(), wrong_type(&["array"])).prop_map(|(item, value)| Fault::ItemGarbage { item, what: "vector", value }),
        (idx.clone(), garbage()).prop_map(|(item, g)| Fault::ItemGarbage { item, what: "vector", value: json!([[g]]) }),
        idx.prop_map(|item| Fault::MissingVector { item }),
        prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            (-1e6..1e6f64).prop_map(num),
            ".{0,10}".prop_map(Value::String),
            vec(garbage(), 0..4).prop_map(Value::Array),
        ]
        .prop_map(Fault::NotAnObject),
    ]
}

/// Applies `fault` to a valid patch of shape (d, n); returns the broken
/// state and the field its refusal must name.
fn break_patch(mut m: Map<String, Value>, d: usize, n: usize, fault: Fault) -> (Value, String) {
    let field = match fault {
        Fault::WrongType(f, v) => {
            m.insert(f.into(), v);
            f.to_owned()
        }
        Fault::BadComponent { item, k, value } => {
            let k = k % d;
            match item {
                None => {
                    m["query"][k] = value;
                    format!("query[{k}]")
                }
                Some(i) => {
                    let i = i % n;
                    m["items"][i]["vector"][k] = value;
                    format!("items[{i}].vector[{k}]")
                }
            }
        }
        Fault::ItemDim { item, len } => {
            let i = item % n;
            let len = if len % 40 + 1 == d { d + 1 } else { len % 40 + 1 };
            m["items"][i]["vector"] = json!(vec![0.5; len]);
            format!("items[{i}].vector")
        }
        Fault::QueryDim { len } => {
            m.remove("items");
            m.insert("query".into(), json!(vec![0.25; len]));
            "query".to_owned()
        }
        Fault::ItemsAloneDim { len } => {
            m.remove("query");
            if let Some(its) = m.get_mut("items").and_then(Value::as_array_mut) {
                for it in its {
                    it["vector"] = json!(vec![1.0; len]);
                }
            }
            "items[0].vector".to_owned()
        }
        Fault::TooManyItems => {
            let one = json!({ "label": "x", "vector": vec![0.0; d] });
            m.insert("items".into(), Value::Array(vec![one; MAX_N + 1]));
            "items".to_owned()
        }
        Fault::TooManyComponents { item } => {
            let long = json!(vec![0.0; MAX_D + 1]);
            match item {
                None => {
                    m.insert("query".into(), long);
                    "query".to_owned()
                }
                Some(i) => {
                    let i = i % n;
                    m["items"][i]["vector"] = long;
                    format!("items[{i}].vector")
                }
            }
        }
        Fault::EmptyVector { item } => match item {
            None => {
                m.insert("query".into(), json!([]));
                "query".to_owned()
            }
            Some(i) => {
                let i = i % n;
                m["items"][i]["vector"] = json!([]);
                format!("items[{i}].vector")
            }
        },
        Fault::LongLabel { item, field, text } => match item {
            Some(i) => {
                let i = i % n;
                m["items"][i]["label"] = json!(text);
                format!("items[{i}].label")
            }
            None => {
                m.insert(field.into(), json!(text));
                field.to_owned()
            }
        },
        Fault::UnknownName(f, s) => {
            m.insert(f.into(), json!(s));
            f.to_owned()
        }
        Fault::BadNumber(f, x) => {
            m.insert(f.into(), num(x));
            f.to_owned()
        }
        Fault::ItemGarbage { item, what, value } => {
            let i = item % n;
            if what.is_empty() {
                m["items"][i] = value;
                format!("items[{i}]")
            } else if what == "vector" && value.is_array() {
                m["items"][i]["vector"] = value;
                format!("items[{i}].vector[0]")
            } else {
                m["items"][i][what] = value;
                format!("items[{i}].{what}")
            }
        }
        Fault::MissingVector { item } => {
            let i = item % n;
            if let Some(o) = m["items"][i].as_object_mut() {
                o.remove("vector");
            }
            format!("items[{i}].vector")
        }
        Fault::NotAnObject(v) => return (v, "state".to_owned()),
    };
    (Value::Object(m), field)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// (b) Every broken state is refused, as a value and as JSON text, with
    /// a message (in both languages) that names the broken field.
    #[test]
    fn every_invalid_state_is_refused_naming_its_field((m, d, n) in valid_patch(), fault in fault()) {
        // The unbroken patch is valid.
        prop_assert!(default_scene().with_patch(&Value::Object(m.clone())).is_ok(), "{:?}", m);
        let (state, field) = break_patch(m, d, n, fault.clone());
        let e = match default_scene().with_patch(&state) {
            Ok((s, _)) => return Err(TestCaseError::fail(format!("accepted {fault:?} as {s:?}"))),
            Err(e) => e,
        };
        let en = e.to_string();
        prop_assert!(en.contains(&field), "{fault:?}: the message {en:?} does not name {field}");
        prop_assert!(!matches!(e, SceneError::Json { .. }), "{e:?}");
        prop_assert!(e.code().starts_with("E_") && !e.zh().is_empty(), "{}: {}", e.code(), e.zh());
        // The same as text, as a page would send it.
        let from_text = default_scene().with_patch_json(&state.to_string());
        prop_assert_eq!(from_text.map(|_| ()), Err(e));
    }

    /// Malformed JSON text is refused with the line and column of the problem.
    #[test]
    fn malformed_json_names_line_and_column(scene in valid_scene(), cut in any::<prop::sample::Index>(), junk in "[,:\\]\\[{}\"a-z0-9 \\n]{1,3}") {
        let text = format!("{:#}", scene.to_json());
        let at = cut.index(text.len());
        let at = (0..=at).rev().find(|&i| text.is_char_boundary(i)).unwrap_or(0);
        let broken = format!("{}{junk}{}", &text[..at], &text[at..]);
        if parse_state(&broken).is_ok() {
            return Ok(()); // the junk happened to keep it well-formed
        }
        match default_scene().with_patch_json(&broken) {
            Err(SceneError::Json { line, column, reason }) => {
                let e = SceneError::Json { line, column, reason };
                prop_assert!(line >= 1 && line <= broken.lines().count().max(1) + 1, "{e}");
                prop_assert!(e.to_string().contains(&format!("line {line}, column {column}")), "{e}");
            }
            // The junk made a number that would become 0 (e.g. 5e-3240): refused where it is.
            Err(e @ SceneError::Underflow { line, column, .. }) => {
                prop_assert!(line >= 1 && line <= broken.lines().count().max(1) + 1, "{e}");
                prop_assert!(e.to_string().contains(&format!("line {line}, column {column}")), "{e}");
            }
            other => return Err(TestCaseError::fail(format!("{broken:?} gave {other:?}"))),
        }
    }
}

// ---------------------------------------------------------------------------
// (c) View options.
// ---------------------------------------------------------------------------

/// Panel lists as people type them: names (some wrong), repeats, spaces,
/// empty parts; and any text at all.
fn panel_text() -> impl Strategy<Value = String> {
    let part = prop_oneof![
        4 => select(Panel::ALL.to_vec()).prop_map(|p| p.name().to_owned()),
        1 => select(vec!["", " ", "bar", "MAP", "map ", " qkv", "towers\u{0}", "汤"]).prop_map(str::to_owned),
    ];
    prop_oneof![
        vec(part, 0..12).prop_map(|parts| parts.join(",")),
        any::<String>(),
        ".{0,300}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// (c) `parse_panels` never panics; an accepted list is non-empty,
    /// has no repeats and prints back to itself; a refusal says why.
    #[test]
    fn parse_panels_never_panics(text in panel_text()) {
        match parse_panels(&text) {
            Ok(list) => {
                prop_assert!(!list.is_empty());
                for (i, p) in list.iter().enumerate() {
                    prop_assert!(!list[..i].contains(p), "{text:?}");
                }
                prop_assert_eq!(parse_panels(&panels_text(&list)), Ok(list));
            }
            Err(e) => prop_assert!(!e.is_empty()),
        }
    }

    /// (c) `Theme::from_str` never panics; it accepts exactly the three
    /// names, and its refusal quotes at most 40 characters of the text.
    #[test]
    fn theme_from_str_never_panics(text in prop_oneof![any::<String>(), select(vec!["light", "dark", "contrast", "Light", " dark", "contrast\n", ""]).prop_map(str::to_owned), ".{0,500}"]) {
        match text.parse::<Theme>() {
            Ok(t) => prop_assert_eq!(t.name(), text.as_str()),
            Err(e) => {
                prop_assert!(Theme::ALL.iter().all(|t| t.name() != text));
                prop_assert!(e.chars().count() < 120, "{e}");
            }
        }
    }
}
