#![cfg(not(target_arch = "wasm32"))]
//! Property tests of `din_core::urlstate`: every valid state survives a
//! link unchanged, and no input, however broken, panics or yields a state
//! that does not validate.

use din_core::attention::{Normalization, Similarity};
use din_core::i18n::Lang;
use din_core::options::Placement;
use din_core::steps::steps_total;
use din_core::options::{Layout, Panel, Theme, FONT_SCALE_RANGE};
use din_core::presets::{blank, generated, preset};
use din_core::scene::{Definition, Item, Scene, MAX_LABEL};
use din_core::unit::{Activation, WeightForm, MAX_LEN_LIMIT};
use din_core::urlstate::{decode, encode, encode_with_limit, UrlState, KEYS, MAX_LINK};
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::{select, subsequence};

/// Any finite number, with the everyday range and the edge cases favoured.
fn number() -> impl Strategy<Value = f64> {
    prop_oneof![
        4 => -10.0..10.0_f64,
        2 => any::<f64>().prop_map(|x| if x.is_finite() { x } else { 0.0 }),
        1 => (-10_000i32..10_000).prop_map(|k| f64::from(k) / 1000.0),
        1 => select(vec![0.0, -0.0, 5e-324, f64::MIN_POSITIVE, f64::MAX, -f64::MAX, 1e-7, 0.1 + 0.2, 1e21]),
    ]
}

/// Any label up to [`MAX_LABEL`] characters; short ASCII ones are favoured
/// so most scenes still fit in a link.
fn label() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => "[a-zA-Z0-9 ]{0,8}",
        1 => vec(any::<char>().prop_filter("a label character", |c| !din_core::scene::is_label_control(*c)), 0..=MAX_LABEL)
            .prop_map(String::from_iter),
        1 => select(vec!["why-din-works", "interest-intensity", "blank", "generated", "food", "news", "", "a:b;c,d=e&f%+"])
            .prop_map(str::to_owned),
    ]
}

fn vector(d: usize) -> impl Strategy<Value = Vec<f64>> {
    vec(number(), d)
}

fn items(n: usize, d: usize) -> impl Strategy<Value = Vec<Item>> {
    // Colour ids: mostly small and possibly repeated, as edits leave them.
    vec((label(), vector(d), 0u16..40).prop_map(|(label, vector, color)| Item { label, vector, color }), n)
}

/// The scene as it was loaded: a preset, blank(d), generated(n, d) or a
/// scene of another name.
fn origin() -> impl Strategy<Value = Scene> {
    prop_oneof![
        Just(preset("why-din-works").unwrap().scene),
        Just(preset("interest-intensity").unwrap().scene),
        (1..=10usize).prop_map(|d| blank(d).scene),
        (0..=12usize, 1..=10usize).prop_map(|(n, d)| generated(n, d, 2018)),
        (label(), 0..=12usize, 1..=10usize)
            .prop_flat_map(|(name, n, d)| (Just(name), items(n, d), vector(d)))
            .prop_map(|(name, items, query)| {
                let d = query.len();
                nearest_valid(Scene { name, items, query, ..blank(1).scene }, &blank(d).scene)
            }),
    ]
}

/// Settings: (definition, similarity, normalization, temperature, activation, max_len, weight).
type Settings = (Definition, Similarity, Normalization, f64, Activation, usize, WeightForm);

fn settings() -> impl Strategy<Value = Settings> {
    (
        select(vec![Definition::Similarity, Definition::Unit, Definition::Authors]),
        select(Similarity::ALL.to_vec()),
        select(vec![Normalization::None, Normalization::Softmax]),
        prop_oneof![number().prop_map(f64::abs).prop_filter("T > 0", |t| *t > 0.0), Just(1.0)],
        select(Activation::ALL.to_vec()),
        prop_oneof![Just(12usize), 0..=MAX_LEN_LIMIT],
        select(WeightForm::ALL.to_vec()),
    )
}

/// The scene on screen: `origin` edited in any of its parts.
fn scene_from(origin: Scene) -> impl Strategy<Value = Scene> {
    let d0 = origin.dim();
    let n0 = origin.items.len();
    let name = prop_oneof![3 => Just(origin.name.clone()), 1 => label()];
    // Items: the origin's, or new ones (possibly of another d).
    let items_and_d = prop_oneof![
        Just((origin.items.clone(), d0)),
        (0..=12usize, 1..=10usize).prop_flat_map(|(n, d)| (items(n, d), Just(d))),
        vector(d0).prop_map(move |v| (vec![Item { label: "x".into(), vector: v, color: 0 }; n0.min(3)], d0)),
    ];
    let candidates: Vec<(String, Vec<f64>)> = preset(&origin.name)
        .map(|p| p.candidates.iter().map(|c| (c.id.to_owned(), c.vector.clone())).collect())
        .unwrap_or_default();
    (Just(origin), name, items_and_d, settings(), any::<u8>()).prop_flat_map(move |(origin, name, (items, d), settings, pick)| {
        let cands = candidates.clone();
        // Query: the origin's (if it fits), a named candidate's, or any.
        let fitting: Vec<(String, Vec<f64>)> =
            cands.into_iter().filter(|(_, v)| items.is_empty() || v.len() == d).collect();
        let qd = if items.is_empty() && pick % 3 == 0 { 1 + usize::from(pick) % 10 } else { d };
        let own = (origin.query.len() == qd || items.is_empty()).then(|| (origin.candidate.clone(), origin.query.clone()));
        let query_and_candidate = prop_oneof![
            2 => (prop_oneof![Just(String::new()), label()], vector(qd)),
            1 => match own { Some(o) => Just(o).boxed(), None => (Just(String::new()), vector(qd)).boxed() },
            1 => if fitting.is_empty() { (Just(String::new()), vector(qd)).boxed() } else { select(fitting).boxed() },
        ];
        (Just((origin.clone(), name, items, settings)), query_and_candidate).prop_map(
            |((origin, name, items, (definition, similarity, normalization, temperature, activation, max_len, weight)), (candidate, query))| {
                // Under unit and authors the remembered similarity is not in
                // a link; it is the base scene's (dot for every scene).
                let similarity = if definition == Definition::Similarity { similarity } else { Similarity::Dot };
                let edited = Scene { name, candidate, query, items, similarity, normalization, temperature, definition, activation, max_len, weight };
                nearest_valid(edited, &origin)
            },
        )
    })
}

/// `s` if it is valid; else the same with the definition set back to a
/// similarity, then with small numbers; at worst `origin`.
fn nearest_valid(mut s: Scene, origin: &Scene) -> Scene {
    if s.validate().is_ok() {
        return s;
    }
    s.definition = Definition::Similarity;
    if s.validate().is_ok() {
        return s;
    }
    let tame = |x: &mut f64| *x = x.clamp(-1e3, 1e3);
    s.query.iter_mut().for_each(tame);
    s.items.iter_mut().for_each(|it| it.vector.iter_mut().for_each(tame));
    if s.validate().is_ok() {
        return s;
    }
    origin.clone()
}

fn view(scene: Scene) -> impl Strategy<Value = UrlState> {
    let steps = steps_total(scene.items.len());
    let (lo, hi) = FONT_SCALE_RANGE;
    (
        prop_oneof![Just(None), (0..steps).prop_map(Some)],
        prop_oneof![Just(None), Just(Some(Lang::En)), Just(Some(Lang::Zh))],
        select(Theme::ALL.to_vec()),
        prop_oneof![Just(1.0), Just(lo), Just(hi), lo..=hi],
        prop_oneof![
            Just(None),
            subsequence(Panel::ALL.to_vec(), 1..=Panel::ALL.len())
                .prop_shuffle()
                .prop_map(Some),
        ],
        any::<bool>(),
        any::<bool>(),
        select(vec![Placement::Ranking, Placement::UserTower]),
        (select(Layout::ALL.to_vec()), select(din_core::options::TAB_NAMES.to_vec())),
    )
        .prop_map(move |(step, lang, theme, font_scale, panels, embed, density, placement, (layout, tab))| UrlState {
            scene: scene.clone(),
            step,
            lang,
            theme,
            font_scale,
            panels,
            embed,
            density,
            placement,
            layout,
            tab,
        })
}

/// (state, origin) pairs: any valid state and the scene it was loaded from.
fn state_and_origin() -> impl Strategy<Value = (UrlState, Scene)> {
    origin().prop_flat_map(|o| (scene_from(o.clone()), Just(o))).prop_flat_map(|(s, o)| (view(s), Just(o)))
}

/// A valid link with a few characters deleted, replaced or inserted.
fn mangled_link() -> impl Strategy<Value = String> {
    (state_and_origin(), vec((any::<prop::sample::Index>(), 0..3u8, "[ -~]|[^\\x00-\\x7f]|%|&|=|;|:|,"), 1..6)).prop_map(
        |((state, origin), edits)| {
            let mut chars: Vec<char> = encode_with_limit(&state, &origin, usize::MAX).unwrap().chars().collect();
            for (at, op, text) in edits {
                let i = at.index(chars.len() + 1);
                match op {
                    0 if i < chars.len() => {
                        chars.remove(i);
                    }
                    1 if i < chars.len() => chars[i] = text.chars().next().unwrap_or('%'),
                    _ => chars.splice(i..i, text.chars()).for_each(drop),
                }
            }
            chars.into_iter().collect()
        },
    )
}

/// Parameters with known or random keys and values from a URL-ish alphabet.
fn param_soup() -> impl Strategy<Value = String> {
    let key = prop_oneof![3 => select(KEYS.to_vec()).prop_map(str::to_owned), 1 => "[a-z%0-9]{0,5}"];
    let value = prop_oneof![
        "[-a-z0-9.,;:%+eE]{0,30}",
        select(vec!["1", "0", "off", "blank", "generated", "why-din-works", "unit", "authors", "zh", "bars,map", "user-tower", "lecture", "qkv"])
            .prop_map(str::to_owned),
        (1..=10usize).prop_flat_map(|d| vec(number(), d)).prop_map(|v| v.iter().map(|x| x.to_string()).collect::<Vec<_>>().join(",")),
    ];
    vec((key, value), 0..12).prop_map(|kv| kv.into_iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("&"))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn every_valid_state_survives_a_link((state, origin) in state_and_origin()) {
        prop_assert!(state.validate().is_ok());
        let link = encode_with_limit(&state, &origin, usize::MAX).unwrap();
        let r = decode(&link, "");
        let problems: Vec<&str> = r.problems.iter().map(|m| m.en.as_str()).collect();
        prop_assert!(problems.is_empty(), "{link}: {problems:?}");
        prop_assert_eq!(&r.state, &state, "{}", link);
        // The same link in the hash, with its prefixes.
        prop_assert_eq!(&decode("?", &format!("#{link}")).state, &state);
        // Encoding is deterministic and the limit only refuses.
        match encode(&state, &origin) {
            Ok(short) => prop_assert_eq!(short, link),
            Err(e) => prop_assert!(e.len == link.chars().count() && e.len > MAX_LINK),
        }
        // A scene rebuilt from its name, d and n comes back as the origin.
        let rebuildable = ["why-din-works", "interest-intensity", "blank", "generated"].contains(&origin.name.as_str())
            && (origin.name != "blank" || origin == blank(origin.dim()).scene)
            && (origin.name != "generated" || origin == generated(origin.items.len(), origin.dim(), 2018))
            && (origin.name != "why-din-works" || origin == preset("why-din-works").unwrap().scene)
            && (origin.name != "interest-intensity" || origin == preset("interest-intensity").unwrap().scene);
        if rebuildable && state.scene.name == origin.name {
            prop_assert_eq!(&r.origin, &origin);
        }
        prop_assert!(r.origin.validate().is_ok());
    }

    #[test]
    fn arbitrary_text_never_panics(query in any::<String>(), hash in any::<String>()) {
        let r = decode(&query, &hash);
        prop_assert!(r.state.validate().is_ok());
        prop_assert!(r.origin.validate().is_ok());
    }

    #[test]
    fn parameter_soup_never_panics(query in param_soup(), hash in param_soup()) {
        let r = decode(&query, &hash);
        prop_assert!(r.state.validate().is_ok(), "{query} # {hash}");
        prop_assert!(r.origin.validate().is_ok());
        for m in &r.problems {
            prop_assert!(!m.en.is_empty() && !m.zh.is_empty() && m.code.starts_with("E_"));
        }
    }

    #[test]
    fn mangled_links_never_panic(link in mangled_link()) {
        let r = decode(&link, "");
        prop_assert!(r.state.validate().is_ok(), "{link}");
        prop_assert!(r.origin.validate().is_ok());
    }
}
