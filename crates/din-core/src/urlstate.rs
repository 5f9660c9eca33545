//! The whole on-screen state as URL `key=value` parameters.
//!
//! Over 600 lines because each key's writer and reader are kept side by side
//! so that they stay symmetric (tests/urlstate.rs round-trips every key); the
//! key table in this doc is the link format's specification, and about 600
//! lines are unit tests.
//!
//! The same parameters are read from the query string, from the hash (the
//! hash wins per key) and from the custom element's attributes, so a link
//! reproduces exactly what was on screen: the scene (candidate `q`, LastN
//! items, attention settings), the lecture step, the language and the view
//! options.
//!
//! # Keys
//!
//! In the order they are written and applied ([`KEYS`]):
//!
//! | key | value |
//! |---|---|
//! | `v` | format version; we write 2; a missing `v` means the current version (see below) |
//! | `scene` | `why-din-works`, `interest-intensity`, `blank`, `generated`, or any other name when `x` is given |
//! | `d`, `n` | `blank`: `d`; `generated`: `n` and `d` (`presets::generated(n, d, 2018)`) |
//! | `x` | the items: `label:1,2,3;label2:4,5,6` (`x=` is an empty LastN); each item may end in `@id`, its colour id (`label:1,2,3@4`), written only when the ids are not `0, 1, 2, …` in order; an item without one gets the smallest id no other item has |
//! | `candidate` | a named candidate of the scene (sets `q` and the candidate's name) |
//! | `q` | the query vector: `1,.5,-.25` |
//! | `similarity`, `normalization`, `temperature`, `activation`, `weight`, `maxlen` | the settings (`weight`: `z` or `sigmoid`, the activation unit's weight without softmax) |
//! | `step` | lecture step, a whole number ≥ 0 or `off` |
//! | `lang` | `en` or `zh` |
//! | `theme`, `font`, `panels`, `embed`, `density`, `placement` | view options |
//! | `view`, `tab` | lecture mode: `view=lecture` (or `explore`, the default) and the lecture panel shown as its tab (`steps`, the default, `unit`, `qkv`, `towers`, `heatmap`, and `train`, the page's train panel where the page hosts it) |
//!
//! Numbers are written in Rust's shortest round-trip form, without the
//! leading zero (`.5`, `-.25`, `3`, `1e-7`), so a link gives back the very
//! same `f64`. Every component (a label, a number, a name) is
//! percent-encoded on its own: every byte outside `A-Z a-z 0-9 - . _ ~` is
//! written `%XX` (UTF-8 for non-ASCII), so the separators `&` `=` `;` `:`
//! `,` stay literal. A `+` is a literal plus, never a space.
//!
//! # Writing and reading
//!
//! [`encode`] writes `v=2&scene=…` and then only what differs from the
//! scene as it was loaded (its *origin*) and from the default view
//! options. [`decode`] never fails: every key is applied on its own, a
//! refused key adds one [`Message`] (in English and Chinese, naming the key)
//! and is skipped, so the result is the nearest valid state, at worst the
//! default scene.
//!
//! Under the `unit` and `authors` definitions the scene still remembers a
//! similarity (the one shown when switching back); like the JSON state, a
//! link does not carry it, and reading gives the origin's.
//!
//! # Versions
//!
//! Version 2 added `weight`: without softmax the activation unit's weight
//! is the paper's `alpha = z` by default, `weight=sigmoid` gives the
//! project's variant `alpha = sigmoid(z)`. In version 1 the unit's weight
//! was always `sigmoid(z)`, and every link the page wrote carried `v=1`:
//! so a link with `v=1` and no `weight` whose definition is the activation
//! unit is read as if it had `weight=sigmoid`, and opens as it did (its
//! origin, where *reset scene* goes, is the preset as always). A link
//! without `v` (typed by hand, or the custom element's attributes) is read
//! as the current version.

use crate::i18n::clip;
use crate::attention::{Normalization, Similarity};
use crate::errors::{Choice, Fallback, LinkRefusal, Message};
use crate::i18n::Lang;
use crate::options::Placement;
use crate::steps::{check_step, steps_total, StepCheck};
use crate::options::{panels_text, parse_tab, Layout, Panel, Theme, DEFAULT_TAB, FONT_SCALE_RANGE};
use crate::presets::{self, Preset, PRESET_IDS};
use crate::scene::{fill_colors, parse_number, Definition, Item, Scene, SceneError, MAX_D, MAX_LABEL, MAX_N};
use crate::unit::{Activation, WeightForm, MAX_LEN_LIMIT};
use std::collections::HashSet;
use std::fmt::Write as _;

/// The format version [`encode`] writes.
pub const VERSION: u32 = 2;
/// Longest link [`encode`] returns, in characters; a longer scene is
/// [`TooLarge`] (the page then offers the JSON export).
pub const MAX_LINK: usize = 8000;
/// Longest input [`decode`] reads (query and hash together), in bytes.
pub const MAX_URL: usize = 256 * 1024;
/// Seed of the `generated` scene, as the page uses it.
pub const GENERATED_SEED: u64 = 2018;
/// Every key, in the order [`encode`] writes them and [`decode`] applies them.
pub const KEYS: [&str; 23] = [
    "v", "scene", "d", "n", "x", "candidate", "q", "similarity", "normalization", "temperature", "activation",
    "weight", "maxlen", "step", "lang", "theme", "font", "panels", "embed", "density", "placement", "view", "tab",
];

/// `d` of `blank` and `generated` when the link gives none.
const DEFAULT_D: usize = 8;
/// `n` of `generated` when the link gives none.
const DEFAULT_GENERATED_N: usize = 100;
/// At most this many unknown keys are named one by one.
const MAX_UNKNOWN_REPORTED: usize = 10;

/// Everything a link reproduces.
#[derive(Clone, Debug, PartialEq)]
pub struct UrlState {
    /// The scene: query, items and settings.
    pub scene: Scene,
    /// The lecture step shown, or `None` for everything at once.
    pub step: Option<usize>,
    /// The interface language, or `None` when the link does not say
    /// (the page then follows the browser).
    pub lang: Option<Lang>,
    /// Colour theme.
    pub theme: Theme,
    /// Font scale of the page and the charts, within [`FONT_SCALE_RANGE`].
    pub font_scale: f64,
    /// The panels shown, in order, or `None` for all of them.
    pub panels: Option<Vec<Panel>>,
    /// Embedded in another page (no page chrome).
    pub embed: bool,
    /// The map's catalogue of candidates (paper Fig. 6), key `density`.
    pub density: bool,
    /// Where the towers panel puts LastN.
    pub placement: Placement,
    /// The layout: the long page, or lecture mode on one screen.
    pub layout: Layout,
    /// The lecture panel lecture mode shows as its tab (a panel whose
    /// [`Panel::is_tab`] is true).
    pub tab: Panel,
}

impl Default for UrlState {
    /// The page as it opens: `why-din-works` with default view options.
    fn default() -> Self {
        UrlState::new(presets::default_scene())
    }
}

impl UrlState {
    /// `scene` with the default view options: no step, language not
    /// given, light theme, font scale 1, all panels, not embedded, density
    /// background on, LastN in the ranking model, the long page (tab: the
    /// step-through).
    #[must_use]
    pub fn new(scene: Scene) -> Self {
        UrlState {
            scene,
            step: None,
            lang: None,
            theme: Theme::Light,
            font_scale: 1.0,
            panels: None,
            embed: false,
            density: true,
            placement: Placement::Ranking,
            layout: Layout::Explore,
            tab: DEFAULT_TAB,
        }
    }

    /// Checks the scene ([`Scene::validate`]) and the view options: a step
    /// below `steps_total(n)`, a finite font scale within
    /// [`FONT_SCALE_RANGE`], a non-empty panel list without repeats, a tab
    /// that is a lecture panel.
    ///
    /// ```
    /// use din_core::urlstate::UrlState;
    /// let mut s = UrlState::default();
    /// assert!(s.validate().is_ok());
    /// s.font_scale = 5.0;
    /// assert_eq!(s.validate().unwrap_err().en, "font: 5 is out of range; use a scale from 0.75 to 2");
    /// ```
    ///
    /// # Errors
    /// The first problem found, as a [`Message`].
    pub fn validate(&self) -> Result<(), Message> {
        self.scene.validate().map_err(|e| localized(&e))?;
        if let Some(step) = self.step {
            if let StepCheck::PastLast { last } = check_step(step as f64, self.scene.items.len()) {
                return Err(LinkRefusal::StepPastLast { step, last }.into());
            }
        }
        font_in_range(self.font_scale)?;
        if let Some(panels) = &self.panels {
            if panels.is_empty() {
                return Err(no_panel());
            }
            for (i, p) in panels.iter().enumerate() {
                if panels[..i].contains(p) {
                    return Err(panel_twice(p.name()));
                }
            }
        }
        if !self.tab.is_tab() {
            return Err(not_a_tab(self.tab.name()));
        }
        Ok(())
    }
}

/// The link would be too long ([`encode`]); its texts are in [`crate::errors`].
pub use crate::errors::LinkTooLarge as TooLarge;

/// What [`decode`] read.
#[derive(Clone, Debug, PartialEq)]
pub struct Decoded {
    /// The nearest valid state to what the link asked for.
    pub state: UrlState,
    /// The scene as the link loaded it before its edits: the preset,
    /// `blank(d)` or `generated(n, d)`; for a scene of another name, the
    /// scene the link carries. Pass it to [`encode`] later.
    pub origin: Scene,
    /// One message per refused key; empty when everything was read.
    pub problems: Vec<Message>,
}

// ---------------------------------------------------------------------------
// Values: numbers and percent-encoding.

/// A number in Rust's shortest round-trip form, the shorter of the plain
/// and the exponent notation, without the leading zero.
///
/// ```
/// use din_core::urlstate::format_number;
/// assert_eq!(format_number(0.5), ".5");
/// assert_eq!(format_number(-0.25), "-.25");
/// assert_eq!(format_number(3.0), "3");
/// assert_eq!(format_number(1e-7), "1e-7");
/// assert_eq!(format_number(1e15), "1e15");
/// assert_eq!(format_number(1234.5), "1234.5");
/// let x = 0.1 + 0.2;
/// assert_eq!(format_number(x).parse::<f64>().unwrap(), x);
/// ```
#[must_use]
pub fn format_number(x: f64) -> String {
    let plain = x.to_string();
    let plain = if let Some(rest) = plain.strip_prefix("0.") {
        format!(".{rest}")
    } else if let Some(rest) = plain.strip_prefix("-0.") {
        format!("-.{rest}")
    } else {
        plain
    };
    let exp = format!("{x:e}");
    if exp.len() < plain.len() {
        exp
    } else {
        plain
    }
}

fn push_encoded(out: &mut String, text: &str) {
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
}

fn encoded(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    push_encoded(&mut out, text);
    out
}

fn push_vector(out: &mut String, v: &[f64]) {
    for (k, x) in v.iter().enumerate() {
        if k > 0 {
            out.push(',');
        }
        out.push_str(&format_number(*x));
    }
}

fn hex_value(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Why percent-decoding failed.
enum Undecodable {
    /// A `%` not followed by two hex digits (the text from the `%`).
    Escape(String),
    /// The decoded bytes are not UTF-8.
    Utf8,
}

fn percent_decode(raw: &str) -> Result<String, Undecodable> {
    if !raw.contains('%') {
        return Ok(raw.to_owned());
    }
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hi = bytes.get(i + 1).copied().and_then(hex_value);
            let lo = bytes.get(i + 2).copied().and_then(hex_value);
            match (hi, lo) {
                (Some(h), Some(l)) => {
                    out.push(h * 16 + l);
                    i += 3;
                }
                _ => return Err(Undecodable::Escape(raw[i..].chars().take(3).collect())),
            }
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| Undecodable::Utf8)
}

/// Percent-decodes the value of `what` (a key, or a part of `x`).
fn decode_text(what: &str, raw: &str) -> Result<String, Message> {
    percent_decode(raw).map_err(|e| match e {
        Undecodable::Escape(escape) => LinkRefusal::BadEscape { what: what.to_owned(), escape }.into(),
        Undecodable::Utf8 => LinkRefusal::NotUtf8 { what: what.to_owned() }.into(),
    })
}

/// At most 40 characters of untrusted text, for messages.

fn localized(e: &SceneError) -> Message {
    Message::of(e)
}

// ---------------------------------------------------------------------------
// The scene a link starts from.

/// What `scene` (with `d` and `n`) loads.
#[derive(Clone, Debug, PartialEq)]
enum Base {
    /// A built-in scene other than `blank`.
    Preset(&'static str),
    /// `blank(d)`.
    Blank(usize),
    /// `generated(n, d, 2018)`.
    Generated(usize, usize),
    /// Another name: the items come from `x`, the settings are `blank`'s.
    Custom(String),
}

impl Base {
    fn scene(&self) -> Scene {
        match self {
            Base::Preset(id) => presets::preset(id).map_or_else(presets::default_scene, |p| p.scene),
            Base::Blank(d) => presets::blank(*d).scene,
            Base::Generated(n, d) => presets::generated(*n, *d, GENERATED_SEED),
            Base::Custom(name) => Scene { name: name.clone(), ..presets::blank(DEFAULT_D).scene },
        }
    }

    /// The preset whose named candidates `candidate` may name.
    fn preset(&self) -> Option<Preset> {
        match self {
            Base::Preset(id) => presets::preset(id),
            _ => None,
        }
    }

    /// The base a state is written against: its name decides; `d` and `n`
    /// come from `origin` when it is a scene of that name.
    fn for_state(state: &Scene, origin: &Scene) -> Base {
        let from_origin = origin.name == state.name;
        match state.name.as_str() {
            "blank" => Base::Blank(if from_origin { origin.dim() } else { state.dim() }.clamp(1, MAX_D)),
            "generated" => {
                let (n, d) = if from_origin { (origin.items.len(), origin.dim()) } else { (state.items.len(), state.dim()) };
                Base::Generated(n.min(MAX_N), d.clamp(1, MAX_D))
            }
            name => match PRESET_IDS.iter().find(|id| **id == name) {
                Some(id) => Base::Preset(id),
                None => Base::Custom(name.to_owned()),
            },
        }
    }
}

/// Replaces the items; when their `d` differs, `q` is cut or padded with
/// zeros to it (as changing `d` does).
fn set_items(scene: &mut Scene, items: Vec<Item>) {
    if let Some(first) = items.first() {
        let d = first.vector.len();
        if d != scene.dim() {
            scene.query.resize(d, 0.0);
        }
    }
    scene.items = items;
}

// ---------------------------------------------------------------------------
// Writing.

/// Writes `state` as link parameters (without `?` or `#`), at most
/// [`MAX_LINK`] characters. `origin` is the scene as it was loaded (the
/// preset, `blank(d)` or `generated(n, d)`, before any edit): only what
/// differs from it, and view options not at their defaults, are written,
/// in the order of [`KEYS`].
///
/// ```
/// use din_core::presets::default_scene;
/// use din_core::urlstate::{decode, encode, UrlState};
/// let origin = default_scene();
/// let mut state = UrlState::new(origin.clone());
/// assert_eq!(encode(&state, &origin).unwrap(), "v=2&scene=why-din-works");
/// state.scene.temperature = 0.5;
/// state.step = Some(3);
/// let link = encode(&state, &origin).unwrap();
/// assert_eq!(link, "v=2&scene=why-din-works&temperature=.5&step=3");
/// assert_eq!(decode(&link, "").state, state);
/// ```
///
/// # Errors
/// [`TooLarge`] when the link would be longer than [`MAX_LINK`].
pub fn encode(state: &UrlState, origin: &Scene) -> Result<String, TooLarge> {
    encode_with_limit(state, origin, MAX_LINK)
}

/// [`encode`] with another length limit (`usize::MAX` for none), e.g. for
/// the custom element's attributes.
///
/// # Errors
/// [`TooLarge`] when the link would be longer than `max`.
pub fn encode_with_limit(state: &UrlState, origin: &Scene, max: usize) -> Result<String, TooLarge> {
    let link = write_link(state, origin);
    let len = link.chars().count();
    if len > max {
        return Err(TooLarge { len, max });
    }
    Ok(link)
}

fn push_param(out: &mut String, key: &str, value: &str) {
    if !out.is_empty() {
        out.push('&');
    }
    out.push_str(key);
    out.push('=');
    out.push_str(value);
}

fn write_link(state: &UrlState, origin: &Scene) -> String {
    let s = &state.scene;
    let mut out = String::new();
    push_param(&mut out, "v", &VERSION.to_string());
    push_param(&mut out, "scene", &encoded(&s.name));
    let base = Base::for_state(s, origin);
    match base {
        Base::Blank(d) if d != DEFAULT_D => push_param(&mut out, "d", &d.to_string()),
        Base::Generated(n, d) => {
            push_param(&mut out, "n", &n.to_string());
            if d != DEFAULT_D {
                push_param(&mut out, "d", &d.to_string());
            }
        }
        _ => {}
    }
    let base_scene = base.scene();
    let mut cur = base_scene.clone();

    // x: the items, unless the base already has them.
    if matches!(base, Base::Custom(_)) || s.items != cur.items {
        push_param(&mut out, "x", "");
        // Colour ids are written (`@id` after each item's numbers) only
        // when they are not 0, 1, 2, … in order, what a link without
        // them gives.
        let numbered = s.items.iter().enumerate().all(|(i, it)| usize::from(it.color) == i);
        for (i, it) in s.items.iter().enumerate() {
            if i > 0 {
                out.push(';');
            }
            push_encoded(&mut out, &it.label);
            out.push(':');
            push_vector(&mut out, &it.vector);
            if !numbered {
                out.push('@');
                out.push_str(&it.color.to_string());
            }
        }
        set_items(&mut cur, s.items.clone());
    }

    // candidate and q, as decode applies them: a named candidate alone sets
    // q; with q, candidate is only a name; q alone clears the name.
    if s.query != cur.query || s.candidate != cur.candidate {
        let preset = base.preset();
        let named = preset.as_ref().and_then(|p| p.candidate(&s.candidate));
        let mut q = String::new();
        push_vector(&mut q, &s.query);
        if !s.candidate.is_empty() && named.is_some_and(|c| c.vector == s.query) {
            push_param(&mut out, "candidate", &encoded(&s.candidate));
        } else if s.query == cur.query {
            push_param(&mut out, "candidate", &encoded(&s.candidate));
            if !s.candidate.is_empty() {
                push_param(&mut out, "q", &q);
            }
        } else {
            if !s.candidate.is_empty() {
                push_param(&mut out, "candidate", &encoded(&s.candidate));
            }
            push_param(&mut out, "q", &q);
        }
    }

    // Settings that differ from the base's.
    let b = &base_scene;
    if s.similarity_name() != b.similarity_name() {
        push_param(&mut out, "similarity", s.similarity_name());
    }
    if s.normalization != b.normalization {
        push_param(&mut out, "normalization", s.normalization.name());
    }
    if s.temperature != b.temperature {
        push_param(&mut out, "temperature", &format_number(s.temperature));
    }
    if s.activation != b.activation {
        push_param(&mut out, "activation", s.activation.name());
    }
    if s.weight != b.weight {
        push_param(&mut out, "weight", s.weight.name());
    }
    if s.max_len != b.max_len {
        push_param(&mut out, "maxlen", &s.max_len.to_string());
    }

    // View options away from their defaults.
    if let Some(step) = state.step {
        push_param(&mut out, "step", &step.to_string());
    }
    if let Some(lang) = state.lang {
        push_param(&mut out, "lang", lang.code());
    }
    if state.theme != Theme::Light {
        push_param(&mut out, "theme", state.theme.name());
    }
    if state.font_scale != 1.0 {
        push_param(&mut out, "font", &format_number(state.font_scale));
    }
    if let Some(panels) = &state.panels {
        push_param(&mut out, "panels", &panels_text(panels));
    }
    if state.embed {
        push_param(&mut out, "embed", "1");
    }
    if !state.density {
        push_param(&mut out, "density", "0");
    }
    if state.placement != Placement::Ranking {
        push_param(&mut out, "placement", placement_name(state.placement));
    }
    if state.layout != Layout::Explore {
        push_param(&mut out, "view", state.layout.name());
    }
    if state.tab != DEFAULT_TAB {
        push_param(&mut out, "tab", state.tab.name());
    }
    out
}

/// The URL name of a placement: `user-tower` or `ranking`.
#[must_use]
pub fn placement_name(p: Placement) -> &'static str {
    p.name()
}

// ---------------------------------------------------------------------------
// Reading.

/// Where a value came from: a text the user (a link, an attribute, a
/// script) gave, or the state already on screen, which stands in for a
/// refused value and is never reported.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Source {
    User,
    Fallback,
}

/// One value of a key, still percent-encoded.
#[derive(Clone, Debug)]
struct Candidate {
    raw: String,
    source: Source,
}

/// The parameters of one or more texts, by key: the value to use first
/// (the highest layer's), then the values to fall back on when it is refused.
struct Params {
    /// Candidates of each known key, by its index in [`KEYS`], best first.
    values: Vec<Vec<Candidate>>,
    /// Unknown keys in order of first appearance (decoded, at most
    /// [`MAX_UNKNOWN_REPORTED`]), and how many distinct ones there were.
    unknown: Vec<String>,
    unknown_count: usize,
}

/// The parts of `text` as (key, value) pairs; a key that is not valid
/// percent-encoded UTF-8 is reported (when `report`) and skipped.
fn split_params<'a>(text: &'a str, report: bool, problems: &mut Vec<Message>) -> Vec<(String, &'a str)> {
    let mut out = Vec::new();
    for part in text.split('&').filter(|p| !p.is_empty()) {
        let (raw_key, raw_value) = part.split_once('=').unwrap_or((part, ""));
        match percent_decode(raw_key) {
            Ok(k) => out.push((k, raw_value)),
            Err(_) if report => problems.push(LinkRefusal::BadKeyName(clip(raw_key)).into()),
            Err(_) => {}
        }
    }
    out
}

impl Params {
    /// Reads user texts, highest first (`[hash, query]`: the hash wins per
    /// key, even with a value that is then refused), and then `fallback`,
    /// the state on screen as link text: for
    /// every key when `fallback_all`, else only for the keys the user texts
    /// name. Within one user text a key given twice is used at its last
    /// value, and a message says so.
    fn parse(user: &[&str], fallback: Option<&str>, fallback_all: bool, problems: &mut Vec<Message>) -> Params {
        let mut values: Vec<Vec<Candidate>> = vec![Vec::new(); KEYS.len()];
        let mut seen = HashSet::new();
        let mut unknown = Vec::new();
        for text in user {
            let mut here: Vec<Option<&str>> = vec![None; KEYS.len()];
            let mut times = vec![0usize; KEYS.len()];
            for (key, raw) in split_params(text, true, problems) {
                match KEYS.iter().position(|k| *k == key) {
                    Some(i) => {
                        here[i] = Some(raw);
                        times[i] += 1;
                    }
                    None => {
                        if seen.insert(key.clone()) && unknown.len() < MAX_UNKNOWN_REPORTED {
                            unknown.push(key);
                        }
                    }
                }
            }
            for (i, raw) in here.into_iter().enumerate() {
                if let Some(raw) = raw {
                    if times[i] > 1 {
                        problems.push(given_twice(KEYS[i], times[i], raw));
                    }
                    // A higher text's value wins, even one that is refused.
                    if values[i].is_empty() {
                        values[i].push(Candidate { raw: raw.to_owned(), source: Source::User });
                    }
                }
            }
        }
        if let Some(text) = fallback {
            for (key, raw) in split_params(text, false, problems) {
                if let Some(i) = KEYS.iter().position(|k| *k == key) {
                    if fallback_all || values[i].iter().any(|c| c.source == Source::User) {
                        values[i].push(Candidate { raw: raw.to_owned(), source: Source::Fallback });
                    }
                }
            }
        }
        Params { values, unknown_count: seen.len(), unknown }
    }

    fn candidates(&self, key: &str) -> &[Candidate] {
        KEYS.iter().position(|k| *k == key).map_or(&[], |i| self.values[i].as_slice())
    }

    /// The raw value to use first for `key`.
    fn get(&self, key: &str) -> Option<&str> {
        self.candidates(key).first().map(|c| c.raw.as_str())
    }

    /// Whether a user text names `key`.
    fn named(&self, key: &str) -> bool {
        self.candidates(key).iter().any(|c| c.source == Source::User)
    }

    /// Every candidate of `key` that `parse` accepts, best first, with its
    /// source; each refused user candidate adds its message.
    fn read_all<T>(&self, key: &str, problems: &mut Vec<Message>, parse: impl Fn(&str) -> Result<T, Message>) -> Vec<(T, Source)> {
        let mut out = Vec::new();
        for c in self.candidates(key) {
            match parse(&c.raw) {
                Ok(v) => out.push((v, c.source)),
                Err(m) if c.source == Source::User => problems.push(m),
                Err(_) => {}
            }
        }
        out
    }

    /// The first candidate of `key` that `parse` accepts; each refused user
    /// candidate before it adds its message.
    fn read<T>(&self, key: &str, problems: &mut Vec<Message>, parse: impl Fn(&str) -> Result<T, Message>) -> Option<T> {
        for c in self.candidates(key) {
            match parse(&c.raw) {
                Ok(v) => return Some(v),
                Err(m) if c.source == Source::User => problems.push(m),
                Err(_) => {}
            }
        }
        None
    }

    fn report_unknown(&self, problems: &mut Vec<Message>) {
        for key in &self.unknown {
            problems.push(LinkRefusal::UnknownKey(clip(key)).into());
        }
        let more = self.unknown_count - self.unknown.len();
        if more > 0 {
            problems.push(LinkRefusal::MoreUnknownKeys(more).into());
        }
    }
}

/// A key given more than once in one text: the last value is used.
fn given_twice(key: &str, times: usize, last: &str) -> Message {
    let shown = clip(&percent_decode(last).unwrap_or_else(|_| last.to_owned()));
    LinkRefusal::GivenTwice { key: key.to_owned(), times, shown }.into()
}

/// One scene edit read from the link.
#[derive(Clone, Debug)]
enum Edit {
    Items(Vec<Item>),
    Candidate(String),
    Query(Vec<f64>),
    Similarity(Definition, Option<Similarity>),
    Normalization(Normalization),
    Temperature(f64),
    Activation(Activation),
    Weight(WeightForm),
    MaxLen(usize),
}

/// Reads a link: `query` is the query string and `hash` the fragment, each
/// with or without its leading `?` / `#`. Never fails: refused keys are
/// skipped with a message each (see the module documentation). A key in
/// both is read from the hash. A key given twice in one of them is read at
/// its last value, with a message saying so.
///
/// ```
/// use din_core::urlstate::decode;
/// let r = decode("?scene=interest-intensity&candidate=phone&step=3", "#lang=zh");
/// assert!(r.problems.is_empty());
/// assert_eq!(r.state.scene.candidate, "phone");
/// assert_eq!(r.state.step, Some(3));
/// let r = decode("?temperature=hot", "");
/// assert_eq!(r.problems.len(), 1);
/// assert_eq!(r.state.scene.temperature, 1.0);
/// let r = decode("", "theme=dark&theme=contrast");
/// assert_eq!(r.problems[0].en, "theme is given 2 times; the last value, \"contrast\", is used");
/// ```
#[must_use]
pub fn decode(query: &str, hash: &str) -> Decoded {
    decode_keeping(None, query, hash)
}

/// Bytes of link text as [`MAX_URL`] counts them: without the leading `?`
/// or `#` and without `&` at either end (separators the page adds).
fn link_bytes(text: &str) -> usize {
    text.trim_start_matches(['?', '#']).trim_matches('&').len()
}

/// The text of a link without its leading `?` / `#`.
fn body(text: &str) -> &str {
    text.strip_prefix(['?', '#']).unwrap_or(text)
}

/// The refusal of a link over [`MAX_URL`]; `then` says what happens instead.
fn too_long(total: usize, then: Fallback) -> Message {
    LinkRefusal::TooLong { total, max: MAX_URL, then }.into()
}

/// [`decode`] of a whole link (page load, `hashchange`) while `current`
/// (the state on screen, as link text) is shown: a refused parameter keeps
/// its value on screen, not the default, so a bad edit of the address bar
/// loses nothing. A link over [`MAX_URL`] bytes (query and hash together)
/// opens the default scene with a message, and nothing else of it is read.
///
/// ```
/// use din_core::urlstate::decode_keeping;
/// let r = decode_keeping(Some("v=1&scene=why-din-works&temperature=.5"), "", "temperature=-1&theme=dark");
/// assert_eq!(r.state.scene.temperature, 0.5);
/// assert_eq!(r.problems.len(), 1);
/// assert_eq!(r.state.theme.name(), "dark");
/// ```
#[must_use]
pub fn decode_keeping(current: Option<&str>, query: &str, hash: &str) -> Decoded {
    let total = link_bytes(query) + link_bytes(hash);
    if total > MAX_URL {
        return Decoded {
            state: UrlState::default(),
            origin: presets::default_scene(),
            problems: vec![too_long(total, Fallback::DefaultScene)],
        };
    }
    let mut problems = Vec::new();
    let params = Params::parse(&[body(hash), body(query)], current, false, &mut problems);
    read_params(&params, problems, None)
}

/// Applies the parameters of `text` on top of `current`, the state on
/// screen as link text (an attribute of the element changed, or
/// `din.applyParams`). Keys `text` does not name keep their values; a
/// refused one keeps its value too, with a message. A `text` over
/// [`MAX_URL`] bytes is refused whole and nothing changes.
///
/// ```
/// use din_core::urlstate::decode_over;
/// let now = "v=1&scene=why-din-works&candidate=news&temperature=.5&theme=dark";
/// let r = decode_over(now, "temperature=-1&font=1.5");
/// assert_eq!(r.state.scene.candidate, "news");
/// assert_eq!(r.state.scene.temperature, 0.5);
/// assert_eq!(r.state.font_scale, 1.5);
/// assert_eq!(r.state.theme.name(), "dark");
/// assert_eq!(r.problems.len(), 1);
/// ```
#[must_use]
pub fn decode_over(current: &str, text: &str) -> Decoded {
    let total = link_bytes(text);
    if total > MAX_URL {
        let mut d = decode(current, "");
        d.problems = vec![too_long(total, Fallback::NothingApplied)];
        return d;
    }
    let mut problems = Vec::new();
    let params = Params::parse(&[body(text)], Some(current), true, &mut problems);
    read_params(&params, problems, None)
}

/// [`decode_over`] for a state whose link would be over [`MAX_URL`] (a
/// large edited LastN): the scene edits of `text` (`q`, `candidate`, the
/// settings, `x`) go on top of `current`'s scene and its view options on
/// top of its view; a `text` naming `scene`, `d` or `n` loads that scene
/// as a link would. `origin` is the scene as loaded.
#[must_use]
pub fn decode_onto(current: &UrlState, origin: &Scene, text: &str) -> Decoded {
    let total = link_bytes(text);
    if total > MAX_URL {
        return Decoded {
            state: current.clone(),
            origin: origin.clone(),
            problems: vec![too_long(total, Fallback::NothingApplied)],
        };
    }
    let mut problems = Vec::new();
    let params = Params::parse(&[body(text)], None, false, &mut problems);
    read_params(&params, problems, Some((current, origin)))
}

/// Reads everything from `params`; with `onto`, the scene and the view
/// start from that state instead of the link's base scene and defaults
/// (unless `scene`, `d` or `n` is named).
fn read_params(params: &Params, mut problems: Vec<Message>, onto: Option<(&UrlState, &Scene)>) -> Decoded {
    let version = read_version(params, &mut problems);
    let loads = ["scene", "d", "n"].iter().any(|k| params.named(k));
    let (mut state, origin) = match onto {
        Some((current, origin)) if !loads => {
            let edits = read_edits(params, &mut problems);
            let preset = presets::preset(&current.scene.name);
            let mut scene = apply_edits(&current.scene, &edits, preset.as_ref(), &mut problems);
            version_1_weight(version, &edits, &mut scene);
            (UrlState { scene, ..current.clone() }, origin.clone())
        }
        _ => {
            let base = read_base(params, &mut problems);
            let base_scene = base.scene();
            let edits = read_edits(params, &mut problems);
            let mut scene = apply_edits(&base_scene, &edits, base.preset().as_ref(), &mut problems);
            version_1_weight(version, &edits, &mut scene);
            let origin = if matches!(base, Base::Custom(_)) { scene.clone() } else { base_scene };
            let state = match onto {
                Some((current, _)) => UrlState { scene, step: None, ..current.clone() },
                None => UrlState::new(scene),
            };
            (state, origin)
        }
    };
    read_view(params, &mut state, &mut problems);
    params.report_unknown(&mut problems);
    Decoded { state, origin, problems }
}

/// Version 1 knew only alpha = sigmoid(z) for the activation unit (see the
/// module documentation): a version-1 link that uses the unit and names no
/// `weight` reads as the edit `weight=sigmoid`.
fn version_1_weight(version: u32, edits: &[(&'static str, Vec<(Edit, Source)>)], scene: &mut Scene) {
    if version == 1 && scene.definition == Definition::Unit && !edits.iter().any(|(k, _)| *k == "weight") {
        scene.weight = WeightForm::Sigmoid;
    }
}

/// The version the link is read as: its `v` (1 or 2), the current one
/// when it has none, and the current one (with a message) for anything else.
fn read_version(p: &Params, problems: &mut Vec<Message>) -> u32 {
    let Some(c) = p.candidates("v").first().filter(|c| c.source == Source::User) else { return VERSION };
    let Ok(v) = decode_text("v", &c.raw).map_err(|m| problems.push(m)) else { return VERSION };
    if v == "1" {
        return 1;
    }
    if v == VERSION.to_string() {
        return VERSION;
    }
    let shown = clip(&v);
    // A whole number above the current one (even one too long for u64) is a later version.
    let digits = !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit());
    let newer = digits && v.parse::<u64>().map_or(true, |k| k > u64::from(VERSION));
    problems.push(if newer { LinkRefusal::NewerVersion { shown, version: VERSION } } else { LinkRefusal::NotAVersion { shown, version: VERSION } }.into());
    VERSION
}

/// A whole number from `min` to `max` (digits only).
fn whole(key: &str, text: &str, min: usize, max: usize) -> Result<usize, Message> {
    let shown = clip(text);
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(LinkRefusal::NotWhole { key: key.to_owned(), shown }.into());
    }
    match text.parse::<usize>() {
        Ok(value) if value < min => Err(LinkRefusal::TooSmall { key: key.to_owned(), value, min }.into()),
        Ok(v) if v <= max => Ok(v),
        _ => Err(LinkRefusal::TooLarge { key: key.to_owned(), shown, max }.into()),
    }
}

fn read_whole(p: &Params, key: &str, min: usize, max: usize, problems: &mut Vec<Message>) -> Option<usize> {
    p.read(key, problems, |raw| whole(key, &decode_text(key, raw)?, min, max))
}

/// A scene or candidate name: at most [`MAX_LABEL`] characters, one line of text.
fn check_name(key: &str, name: &str) -> Result<(), Message> {
    let len = name.chars().count();
    if len > MAX_LABEL {
        return Err(LinkRefusal::NameTooLong { key: key.to_owned(), len, max: MAX_LABEL }.into());
    }
    crate::scene::check_label(key, name).map_err(|e| localized(&e))
}

fn read_base(p: &Params, problems: &mut Vec<Message>) -> Base {
    let default = Base::Preset(PRESET_IDS[0]);
    let has_items = p.get("x").is_some();
    let name = p.read("scene", problems, |raw| {
        let name = decode_text("scene", raw)?;
        if name == "blank" || name == "generated" || PRESET_IDS.contains(&name.as_str()) {
            return Ok(name);
        }
        if !has_items {
            return Err(LinkRefusal::NoSuchScene(clip(&name)).into());
        }
        check_name("scene", &name)?;
        Ok(name)
    });
    let d = read_whole(p, "d", 1, MAX_D, problems);
    let n = read_whole(p, "n", 0, MAX_N, problems);
    let base = match name.as_deref() {
        None => default,
        Some("blank") => Base::Blank(d.unwrap_or(DEFAULT_D)),
        Some("generated") => Base::Generated(n.unwrap_or(DEFAULT_GENERATED_N), d.unwrap_or(DEFAULT_D)),
        Some(name) => match PRESET_IDS.iter().find(|id| **id == name) {
            Some(id) => Base::Preset(id),
            None => Base::Custom(name.to_owned()),
        },
    };
    if d.is_some() && p.named("d") && !matches!(base, Base::Blank(_) | Base::Generated(..)) {
        problems.push(LinkRefusal::DIgnored.into());
    }
    if n.is_some() && p.named("n") && !matches!(base, Base::Generated(..)) {
        problems.push(LinkRefusal::NIgnored.into());
    }
    base
}

/// A comma-separated vector; `field(k)` names component `k` (0-based).
fn parse_vector(raw: &str, what: &str, field: impl Fn(usize) -> String) -> Result<Vec<f64>, Message> {
    if raw.is_empty() {
        return Err(LinkRefusal::EmptyVector { what: what.to_owned() }.into());
    }
    let count = raw.split(',').count();
    if count > MAX_D {
        return Err(LinkRefusal::VectorTooLong { what: what.to_owned(), count, max: MAX_D }.into());
    }
    raw.split(',')
        .enumerate()
        .map(|(k, part)| {
            let name = field(k);
            let text = decode_text(&name, part)?;
            parse_number(&name, &text).map_err(|e| localized(&e))
        })
        .collect()
}

fn parse_items(raw: &str) -> Result<Vec<Item>, Message> {
    if raw.is_empty() {
        return Ok(Vec::new());
    }
    let count = raw.split(';').count();
    if count > MAX_N {
        return Err(LinkRefusal::TooManyItems { count, max: MAX_N }.into());
    }
    let mut items: Vec<Item> = Vec::with_capacity(count);
    let mut explicit = Vec::with_capacity(count);
    for (i, part) in raw.split(';').enumerate() {
        let no = i + 1;
        let Some((raw_label, raw_vector)) = part.rsplit_once(':') else {
            return Err(LinkRefusal::NoColon { no }.into());
        };
        let label = decode_text(&format!("x item {no} label"), raw_label)?;
        let len = label.chars().count();
        if len > MAX_LABEL {
            return Err(LinkRefusal::LabelTooLong { no, len, max: MAX_LABEL }.into());
        }
        crate::scene::check_label(&format!("x: the label of item {no}"), &label).map_err(|e| localized(&e))?;
        // An optional colour id after the numbers: `label:1,2@3`.
        let (raw_vector, color) = match raw_vector.rsplit_once('@') {
            Some((v, c)) => (v, Some(parse_color(no, c)?)),
            None => (raw_vector, None),
        };
        explicit.push(color.is_some());
        let vector = parse_vector(raw_vector, &format!("x item {no}"), |k| format!("x item {no} component {}", k + 1))?;
        if let Some(first) = items.first() {
            let (got, want) = (vector.len(), first.vector.len());
            if got != want {
                return Err(LinkRefusal::ItemDim { no, got, want }.into());
            }
        }
        items.push(Item { label, vector, color: color.unwrap_or(0) });
    }
    fill_colors(&mut items, &explicit);
    Ok(items)
}

/// The colour id after `@` in item `no` of `x`: a whole number from 0 to 65535.
fn parse_color(no: usize, raw: &str) -> Result<u16, Message> {
    let shown = clip(raw);
    if raw.is_empty() || !raw.bytes().all(|b| b.is_ascii_digit()) {
        return Err(LinkRefusal::ColourNotWhole { no, shown }.into());
    }
    raw.parse::<u16>().map_err(|_| LinkRefusal::ColourTooLarge { no, shown }.into())
}

fn unknown_name(key: Choice, got: &str) -> Message {
    LinkRefusal::UnknownValue { key, given: clip(got) }.into()
}

/// The scene edits of the link, by key in the order they are applied, each
/// with its values that parse, best first.
fn read_edits(p: &Params, problems: &mut Vec<Message>) -> Vec<(&'static str, Vec<(Edit, Source)>)> {
    let mut edits = Vec::new();
    let mut push = |key: &'static str, alternatives: Vec<(Edit, Source)>| {
        if !alternatives.is_empty() {
            edits.push((key, alternatives));
        }
    };
    push("x", p.read_all("x", problems, |raw| parse_items(raw).map(Edit::Items)));
    push(
        "candidate",
        p.read_all("candidate", problems, |raw| {
            let id = decode_text("candidate", raw)?;
            check_name("candidate", &id)?;
            Ok(Edit::Candidate(id))
        }),
    );
    push("q", p.read_all("q", problems, |raw| parse_vector(raw, "q", |k| format!("q component {}", k + 1)).map(Edit::Query)));
    fn text<'a>(key: &'static str, parse: &'a dyn Fn(&str) -> Result<Edit, Message>) -> impl Fn(&str) -> Result<Edit, Message> + 'a {
        move |raw: &str| decode_text(key, raw).and_then(|t| parse(&t))
    }
    push(
        "similarity",
        p.read_all(
            "similarity",
            problems,
            text("similarity", &|t| match t {
                "unit" => Ok(Edit::Similarity(Definition::Unit, None)),
                "authors" => Ok(Edit::Similarity(Definition::Authors, None)),
                other => other
                    .parse::<Similarity>()
                    .map(|s| Edit::Similarity(Definition::Similarity, Some(s)))
                    .map_err(|_| unknown_name(Choice::Similarity, other)),
            }),
        ),
    );
    push(
        "normalization",
        p.read_all(
            "normalization",
            problems,
            text("normalization", &|t| {
                t.parse::<Normalization>()
                    .map(Edit::Normalization)
                    .map_err(|_| unknown_name(Choice::Normalization, t))
            }),
        ),
    );
    push(
        "temperature",
        p.read_all(
            "temperature",
            problems,
            text("temperature", &|t| {
                let v = parse_number("temperature", t).map_err(|e| localized(&e))?;
                if v <= 0.0 {
                    return Err(LinkRefusal::Temperature(format_number(v)).into());
                }
                Ok(Edit::Temperature(v))
            }),
        ),
    );
    push(
        "activation",
        p.read_all(
            "activation",
            problems,
            text("activation", &|t| {
                t.parse::<Activation>()
                    .map(Edit::Activation)
                    .map_err(|_| unknown_name(Choice::Activation, t))
            }),
        ),
    );
    push(
        "weight",
        p.read_all(
            "weight",
            problems,
            text("weight", &|t| {
                t.parse::<WeightForm>()
                    .map(Edit::Weight)
                    .map_err(|_| unknown_name(Choice::Weight, t))
            }),
        ),
    );
    push("maxlen", p.read_all("maxlen", problems, text("maxlen", &|t| whole("maxlen", t, 0, MAX_LEN_LIMIT).map(Edit::MaxLen))));
    edits
}

/// Applies one edit without validating the result; only the shape is checked.
fn apply(mut next: Scene, edit: &Edit, preset: Option<&Preset>, q_follows: bool, named: bool) -> Result<Scene, Message> {
    match edit {
        Edit::Items(items) => set_items(&mut next, items.clone()),
        Edit::Candidate(id) => {
            if q_follows || id.is_empty() {
                next.candidate.clone_from(id);
            } else {
                let shown = clip(id);
                match preset.and_then(|p| p.candidate(id)) {
                    Some(c) if next.items.is_empty() || c.vector.len() == next.dim() => {
                        next.query.clone_from(&c.vector);
                        next.candidate.clone_from(id);
                    }
                    Some(c) => {
                        let (got, want) = (c.vector.len(), next.dim());
                        return Err(LinkRefusal::CandidateDim { shown, got, want }.into());
                    }
                    None => {
                        let scene = clip(&next.name);
                        let ids: Vec<&str> = preset.map(|p| p.candidates.iter().map(|c| c.id).collect()).unwrap_or_default();
                        return Err(LinkRefusal::NoSuchCandidate { scene, shown, ids }.into());
                    }
                }
            }
        }
        Edit::Query(q) => {
            if !next.items.is_empty() && q.len() != next.dim() {
                return Err(localized(&SceneError::DimensionMismatch { field: "q".into(), got: q.len(), want: next.dim() }));
            }
            next.query.clone_from(q);
            if !named {
                next.candidate.clear();
            }
        }
        Edit::Similarity(def, sim) => {
            next.definition = *def;
            if let Some(s) = sim {
                next.similarity = *s;
            }
        }
        Edit::Normalization(n) => next.normalization = *n,
        Edit::Temperature(t) => next.temperature = *t,
        Edit::Activation(a) => next.activation = *a,
        Edit::Weight(w) => next.weight = *w,
        Edit::MaxLen(m) => next.max_len = *m,
    }
    Ok(next)
}

/// Applies the edits to `base`. First all at once (each key at its first
/// value), validating only the result (so a valid state whose intermediate
/// steps would not be valid still comes back exactly); if that fails, one
/// key at a time, each validated: a refused value is reported (when the
/// user gave it) and the key's next value is tried, else the key is skipped.
fn apply_edits(base: &Scene, edits: &[(&'static str, Vec<(Edit, Source)>)], preset: Option<&Preset>, problems: &mut Vec<Message>) -> Scene {
    let q_follows = edits.iter().any(|(_, alts)| alts.iter().any(|(e, _)| matches!(e, Edit::Query(_))));
    let named = |e: &Edit| matches!(e, Edit::Candidate(_));
    let all_at_once = edits.iter().try_fold((base.clone(), false), |(scene, was_named), (_, alts)| {
        let (e, _) = &alts[0];
        apply(scene, e, preset, q_follows, was_named).map(|s| (s, was_named || named(e)))
    });
    if let Ok((scene, _)) = all_at_once {
        if scene.validate().is_ok() {
            return scene;
        }
    }
    let mut cur = base.clone();
    let mut was_named = false;
    for (key, alts) in edits {
        for (e, source) in alts {
            let next = apply(cur.clone(), e, preset, q_follows, was_named)
                .and_then(|s| s.validate().map(|_| s).map_err(|err| Message::keyed(key, &err)));
            match next {
                Ok(s) => {
                    cur = s;
                    was_named |= named(e);
                    break;
                }
                Err(m) if *source == Source::User => problems.push(m),
                Err(_) => {}
            }
        }
    }
    cur
}

fn font_in_range(v: f64) -> Result<f64, Message> {
    let (lo, hi) = FONT_SCALE_RANGE;
    if v.is_finite() && (lo..=hi).contains(&v) {
        Ok(v)
    } else {
        Err(LinkRefusal::Font { value: format_number(v), lo, hi }.into())
    }
}

fn no_panel() -> Message {
    LinkRefusal::NoPanel.into()
}

fn panel_twice(name: &str) -> Message {
    LinkRefusal::PanelTwice(clip(name)).into()
}

fn parse_panel_list(raw: &str) -> Result<Vec<Panel>, Message> {
    let mut out = Vec::new();
    for part in raw.split(',').filter(|p| !p.is_empty()) {
        let name = decode_text("panels", part)?;
        let Ok(panel) = name.parse::<Panel>() else {
            let all: Vec<&str> = Panel::ALL.iter().map(|p| p.name()).collect();
            return Err(unknown_name(Choice::Panels(all), &name));
        };
        if out.contains(&panel) {
            return Err(panel_twice(&name));
        }
        out.push(panel);
    }
    if out.is_empty() {
        return Err(no_panel());
    }
    Ok(out)
}

fn flag(key: &str, text: &str) -> Result<bool, Message> {
    match text {
        "1" => Ok(true),
        "0" => Ok(false),
        other => {
            Err(LinkRefusal::BadFlag { key: key.to_owned(), shown: clip(other) }.into())
        }
    }
}

fn read_view(p: &Params, state: &mut UrlState, problems: &mut Vec<Message>) {
    let text = |key: &'static str| move |raw: &str| decode_text(key, raw);
    let last = steps_total(state.scene.items.len()) - 1;
    let step = p.read("step", problems, |raw| {
        let t = text("step")(raw)?;
        if t == "off" {
            Ok((None, None))
        } else if !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()) {
            // Past the end (even past usize): the last step, with a message.
            let k = t.parse::<f64>().unwrap_or(f64::INFINITY);
            match check_step(k, state.scene.items.len()) {
                StepCheck::At(k) => Ok((Some(k), None)),
                _ => Ok((Some(last), Some(Message::from(LinkRefusal::StepShownLast { shown: clip(&t), last })))),
            }
        } else {
            Err(LinkRefusal::BadStep(clip(&t)).into())
        }
    });
    if let Some((s, note)) = step {
        state.step = s;
        problems.extend(note);
    } else {
        state.step = state.step.map(|s| s.min(last));
    }
    if let Some(l) = p.read("lang", problems, |raw| {
        let t = text("lang")(raw)?;
        t.parse::<Lang>().map_err(|_| unknown_name(Choice::Lang, &t))
    }) {
        state.lang = Some(l);
    }
    if let Some(t) = p.read("theme", problems, |raw| {
        let t = text("theme")(raw)?;
        t.parse::<Theme>().map_err(|_| unknown_name(Choice::Theme, &t))
    }) {
        state.theme = t;
    }
    if let Some(f) = p.read("font", problems, |raw| {
        let v = parse_number("font", &text("font")(raw)?).map_err(|e| localized(&e))?;
        font_in_range(v)
    }) {
        state.font_scale = f;
    }
    if let Some(list) = p.read("panels", problems, parse_panel_list) {
        state.panels = Some(list);
    }
    if let Some(e) = p.read("embed", problems, |raw| flag("embed", &text("embed")(raw)?)) {
        state.embed = e;
    }
    if let Some(d) = p.read("density", problems, |raw| flag("density", &text("density")(raw)?)) {
        state.density = d;
    }
    if let Some(pl) = p.read("placement", problems, |raw| {
        let t = text("placement")(raw)?;
        Placement::from_name(&t).ok_or_else(|| unknown_name(Choice::Placement, &t))
    }) {
        state.placement = pl;
    }
    if let Some(l) = p.read("view", problems, |raw| {
        let t = text("view")(raw)?;
        t.parse::<Layout>().map_err(|_| unknown_name(Choice::View, &t))
    }) {
        state.layout = l;
    }
    if let Some(t) = p.read("tab", problems, |raw| {
        let t = text("tab")(raw)?;
        parse_tab(&t).map_err(|_| not_a_tab(&t))
    }) {
        state.tab = t;
    }
}

/// `tab` names a panel that is not a lecture tab (or no panel).
fn not_a_tab(name: &str) -> Message {
    unknown_name(Choice::Tab, name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::errors::Localized;
    use crate::presets::{blank, default_scene, generated, preset};

    fn d(query: &str) -> Decoded {
        decode(query, "")
    }

    /// The English messages of a decode.
    fn en(r: &Decoded) -> Vec<String> {
        r.problems.iter().map(|m| m.en.clone()).collect()
    }

    /// Decodes `query`, expecting exactly one problem with English text `want`.
    fn refused(query: &str, want: &str) -> Decoded {
        let r = d(query);
        assert_eq!(en(&r), vec![want.to_owned()], "{query}");
        assert!(r.state.validate().is_ok(), "{query}");
        r
    }

    fn ok(query: &str) -> Decoded {
        let r = d(query);
        assert!(r.problems.is_empty(), "{query}: {:?}", en(&r));
        assert!(r.state.validate().is_ok(), "{query}");
        r
    }

    /// encode then decode gives the same state (and origin).
    fn round_trip(state: &UrlState, origin: &Scene) -> String {
        let link = encode_with_limit(state, origin, usize::MAX).unwrap();
        let r = decode(&link, "");
        assert!(r.problems.is_empty(), "{link}: {:?}", en(&r));
        assert_eq!(&r.state, state, "{link}");
        link
    }

    /// Issue 11 §4: colour ids travel in `x=` as `@id`, only when they are
    /// not 0, 1, 2, …; old links (no `@`) open with the colours they had.
    #[test]
    fn colour_ids_round_trip_and_old_links_keep_their_colours() {
        let origin = default_scene();
        let colors = |s: &Scene| s.items.iter().map(|it| it.color).collect::<Vec<u16>>();
        // Removing x1: the others keep ids 1…8, so the link names them.
        let mut state = UrlState::new(origin.without_item(0).unwrap().0);
        let link = round_trip(&state, &origin);
        assert!(link.contains("@1;") && link.contains("@8&") || link.ends_with("@8"), "{link}");
        assert_eq!(colors(&decode(&link, "").state.scene), (1..9).collect::<Vec<u16>>());
        // Then a new item: the first free id, 0.
        state.scene = state.scene.with_item_added("tea", &[0.0; 8]).unwrap().0;
        let link = round_trip(&state, &origin);
        assert_eq!(colors(&decode(&link, "").state.scene), vec![1, 2, 3, 4, 5, 6, 7, 8, 0]);
        // Ids 0, 1, 2, … in order are not written: links as before.
        let mut edited = UrlState::new(origin.clone());
        edited.scene.items[2].label = "hot pot".into();
        let link = round_trip(&edited, &origin);
        assert!(!link.contains('@'), "{link}");
        // An old link (no @) opens with ids 0, 1, 2, …; a partial one fills the gaps in order.
        assert_eq!(colors(&ok("scene=mine&x=a:1;b:2;c:3").state.scene), vec![0, 1, 2]);
        assert_eq!(colors(&ok("scene=mine&x=a:1@1;b:2;c:3").state.scene), vec![1, 0, 2]);
        // Bad ids are refused with a message naming the item.
        for (bad, what) in [("x=a:1@x", "not a whole number"), ("x=a:1@", "not a whole number"), ("x=a:1@70000", "at most 65535")] {
            let r = d(&format!("scene=mine&{bad}"));
            assert!(r.problems.iter().any(|m| m.en.contains("colour id of item 1") && m.en.contains(what)), "{bad}: {:?}", en(&r));
        }
        // Built-in scenes open with distinct ids 0…n-1.
        assert_eq!(colors(&ok("scene=interest-intensity").state.scene), (0..10).collect::<Vec<u16>>());
    }

    #[test]
    fn empty_link_is_the_default_page() {
        let r = ok("");
        assert_eq!(r.state, UrlState::default());
        assert_eq!(r.origin, default_scene());
        assert_eq!(encode(&UrlState::default(), &default_scene()).unwrap(), "v=2&scene=why-din-works");
        assert_eq!(ok("?").state, UrlState::default());
        assert_eq!(decode("?", "#").state, UrlState::default());
    }

    #[test]
    fn version() {
        ok("v=1&scene=blank");
        ok("v=2&scene=blank");
        let r = refused(
            "v=3&temperature=2",
            "v: this link was made by a newer version of din-viz (v=3); it is read as version 2, so some of it may be lost",
        );
        assert_eq!(r.state.scene.temperature, 2.0);
        assert_eq!(r.problems[0].code, "E_URL_VERSION");
        assert!(r.problems[0].zh.contains("较新版本"));
        refused("v=99999999999999999999999", "v: this link was made by a newer version of din-viz (v=99999999999999999999999); it is read as version 2, so some of it may be lost");
        refused("v=beta", "v: \"beta\" is not a link version; the link is read as version 2");
        refused("v=0", "v: \"0\" is not a link version; the link is read as version 2");
    }

    #[test]
    fn weight_form_and_version_1_links() {
        use crate::unit::WeightForm::{Logit, Sigmoid};
        // Version 2 (and a link without v): the paper's alpha = z is the default.
        for link in ["v=2&scene=interest-intensity", "scene=interest-intensity", "scene=why-din-works&similarity=unit"] {
            let r = ok(link);
            assert_eq!(r.state.scene.weight, Logit, "{link}");
        }
        // Every link version 1 wrote meant sigmoid(z) under the unit: it still does.
        let r = ok("v=1&scene=interest-intensity&candidate=phone");
        assert_eq!((r.state.scene.definition, r.state.scene.weight), (Definition::Unit, Sigmoid));
        assert_eq!(r.origin, preset("interest-intensity").unwrap().scene, "the origin is the preset, as for any link");
        let a = r.state.scene.validate().unwrap();
        assert!(a.alpha.iter().all(|w| *w > 0.0 && *w < 1.0), "sigmoid weights: {:?}", a.alpha);
        let r = ok("v=1&scene=why-din-works&similarity=unit&normalization=none");
        assert_eq!(r.state.scene.weight, Sigmoid);
        // Not the unit: nothing to keep; the default stays for a later switch.
        assert_eq!(ok("v=1&scene=why-din-works").state.scene.weight, Logit);
        // An explicit weight wins in either version.
        assert_eq!(ok("v=1&scene=interest-intensity&weight=z").state.scene.weight, Logit);
        assert_eq!(ok("scene=interest-intensity&weight=sigmoid").state.scene.weight, Sigmoid);
        let r = refused("weight=tanh", "weight: \"tanh\" is unknown; use z (the paper: α = z) or sigmoid (α = sigmoid(z))");
        assert_eq!(r.state.scene.weight, Logit);
        // A v=1 link reads back as a v=2 link of the same state.
        let r = ok("v=1&scene=interest-intensity");
        let link = encode(&r.state, &r.origin).unwrap();
        assert_eq!(link, "v=2&scene=interest-intensity&weight=sigmoid");
        assert_eq!(ok(&link).state, r.state);
        let mut s = UrlState::new(preset("interest-intensity").unwrap().scene);
        assert_eq!(round_trip(&s, &s.scene.clone()), "v=2&scene=interest-intensity");
        s.scene.weight = Sigmoid;
        assert_eq!(round_trip(&s, &preset("interest-intensity").unwrap().scene), "v=2&scene=interest-intensity&weight=sigmoid");
    }

    #[test]
    fn scene_d_and_n() {
        let r = ok("scene=interest-intensity");
        assert_eq!(r.state.scene, preset("interest-intensity").unwrap().scene);
        assert_eq!(r.origin, r.state.scene);
        let r = ok("scene=blank&d=4");
        assert_eq!(r.state.scene, blank(4).scene);
        assert_eq!(ok("scene=blank").state.scene, blank(8).scene);
        let r = ok("scene=generated&n=20&d=5");
        assert_eq!(r.state.scene, generated(20, 5, 2018));
        assert_eq!(r.origin, r.state.scene);
        assert_eq!(ok("scene=generated").state.scene, generated(100, 8, 2018));
        let r = refused(
            "scene=nope",
            "scene: there is no built-in scene \"nope\"; use why-din-works, interest-intensity, blank or generated, or give the items in x",
        );
        assert_eq!(r.state.scene, default_scene());
        assert_eq!(r.problems[0].code, "E_NO_SUCH");
        refused("scene=blank&d=0", "d: 0 is too small; it must be at least 1");
        let r = refused("scene=blank&d=300", "d: 300 is too large; at most 256 is allowed");
        assert_eq!(r.state.scene, blank(8).scene);
        refused("scene=blank&d=4.5", "d: \"4.5\" is not a whole number");
        refused("scene=generated&n=10001", "n: 10001 is too large; at most 10000 is allowed");
        refused("d=4", "d: only scene=blank and scene=generated use d; it was ignored");
        refused("scene=blank&n=4", "n: only scene=generated uses n; it was ignored");
        let long = "s".repeat(201);
        refused(&format!("scene={long}&x="), "scene: the name has 201 characters; at most 200 are allowed");
        // The name is clipped in the message.
        let r = d(&format!("scene={long}"));
        assert!(r.problems[0].en.contains(&format!("\"{}…\"", "s".repeat(40))));
        assert!(r.problems[0].en.len() < 200);
    }

    #[test]
    fn items() {
        let r = ok("scene=mine&x=a:1,2;b%20%E6%B1%A4:3,-.5");
        let s = &r.state.scene;
        assert_eq!(s.name, "mine");
        assert_eq!(s.items, vec![Item::new("a", &[1.0, 2.0]), Item::new("b 汤", &[3.0, -0.5]).with_color(1)]);
        assert_eq!(s.query, vec![0.0, 0.0]);
        assert_eq!(r.origin, r.state.scene);
        // A label may hold a literal ':' (the last one separates) and '+'.
        assert_eq!(ok("x=a:b+c:1,2,3,4,5,6,7,8").state.scene.items[0].label, "a:b+c");
        let r = ok("scene=why-din-works&x=");
        assert!(r.state.scene.items.is_empty());
        assert_eq!(r.state.scene.candidate, "food");
        // Items of another d resize q like a change of d.
        let r = ok("x=a:1,2,3");
        assert_eq!(r.state.scene.query, vec![1.0, 0.8, 0.0]);
        assert_eq!(r.origin, default_scene());
        refused("x=a:1,2;b:3", "x: item 2 has 1 numbers, but item 1 has 2");
        refused("x=a1,2", "x: item 1 has no \":\" between its label and its numbers");
        refused("x=a:1,2;", "x: item 2 has no \":\" between its label and its numbers");
        refused("x=a:1,zz", "x item 1 component 2: \"zz\" is not a number; type digits such as -1.25 or 3e-2");
        refused("x=a:1,,2", "x item 1 component 2 is empty: type a number, for example 0.5");
        refused("x=a:NaN", "x item 1 component 1: \"NaN\" is not a finite number; type an ordinary number");
        refused("x=a:", "x item 1 has no numbers; a vector needs at least one (d >= 1)");
        refused("x=%zz:1", "x item 1 label: \"%zz\" is not a valid percent escape; write %XX with two hex digits");
        refused("x=%FF:1", "x item 1 label: the percent-decoded text is not valid UTF-8");
        refused(&format!("x={}:1", "a".repeat(201)), "x: the label of item 1 has 201 characters; at most 200 are allowed");
        let many = vec!["0"; 257].join(",");
        refused(&format!("x=a:{many}"), "x item 1 has 257 numbers; at most 256 are allowed");
        refused(&format!("x={}", vec!["a:1"; 10_001].join(";")), "x has 10001 items; at most 10000 are allowed");
        // Huge numbers whose similarities overflow are refused as a whole.
        let r = refused("x=a:1e308,1e308,1e308,1e308,1e308,1e308,1e308,1e308", "x: the similarity of the query and key 1 is too large to represent (overflow); use smaller numbers");
        assert_eq!(r.state.scene, default_scene());
    }

    #[test]
    fn candidate_and_q() {
        let p = preset("why-din-works").unwrap();
        let r = ok("candidate=news");
        assert_eq!(r.state.scene.query, p.candidate("news").unwrap().vector);
        assert_eq!(r.state.scene.candidate, "news");
        let r = refused("candidate=pizza", "candidate: the scene \"why-din-works\" has no candidate \"pizza\"; use food, news, makeup, cars");
        assert_eq!(r.state.scene.candidate, "food");
        refused("scene=blank&candidate=food", "candidate: the scene \"blank\" has no candidate \"food\"; it has none");
        refused("x=a:1,2&candidate=news", "candidate: \"news\" has d = 8, but the scene has d = 2");
        let r = ok("candidate=");
        assert_eq!(r.state.scene.candidate, "");
        assert_eq!(r.state.scene.query, p.scene.query);
        // q alone clears the candidate's name; with candidate it is a name only.
        let r = ok("q=1,2,3,4,5,6,7,8");
        assert_eq!(r.state.scene.query, vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0]);
        assert_eq!(r.state.scene.candidate, "");
        let r = ok("candidate=my%20pick&q=1,2,3,4,5,6,7,8");
        assert_eq!(r.state.scene.candidate, "my pick");
        refused("q=1,2", "q has 2 numbers, but the scene's vectors have d = 8");
        refused("q=", "q has no numbers; a vector needs at least one (d >= 1)");
        refused("q=1,2,3,4,5,6,7,1e999", "q component 8: 1e999 is too large; numbers must lie between -1.7e308 and 1.7e308");
        refused("q=1,2,3,4,5,6,7,0%2C5", "q component 8: \"0,5\" uses a comma; use a point as decimal separator, e.g. 0.5");
        // With no items, q sets d.
        let r = ok("scene=blank&q=1,2");
        assert_eq!(r.state.scene.dim(), 2);
        assert_eq!(r.problems.len(), 0);
    }

    #[test]
    fn settings() {
        let s = ok("similarity=cosine&normalization=none&temperature=.5&activation=prelu&maxlen=20").state.scene;
        assert_eq!(s.similarity, Similarity::Cosine);
        assert_eq!(s.definition, Definition::Similarity);
        assert_eq!(s.normalization, Normalization::None);
        assert_eq!(s.temperature, 0.5);
        assert_eq!(s.activation, Activation::PReLU);
        assert_eq!(s.max_len, 20);
        assert_eq!(ok("similarity=unit").state.scene.definition, Definition::Unit);
        assert_eq!(ok("similarity=authors").state.scene.definition, Definition::Authors);
        assert_eq!(ok("scene=interest-intensity&similarity=dot").state.scene.definition, Definition::Similarity);
        refused("similarity=euclid", "similarity: \"euclid\" is unknown; use dot, cosine, scaled_dot, unit or authors");
        let r = refused("scene=blank&d=4&similarity=unit", "similarity: the activation unit was trained for d = 8; this scene has d = 4");
        assert_eq!(r.problems[0].code, "E_UNIT_DIM");
        assert_eq!(r.problems[0].zh, "similarity：激活单元针对 d = 8 训练；当前场景 d = 4");
        refused("normalization=l1", "normalization: \"l1\" is unknown; use none or softmax");
        refused("temperature=0", "temperature: 0 is not allowed; T must be greater than 0");
        refused("temperature=-2", "temperature: -2 is not allowed; T must be greater than 0");
        refused("temperature=hot", "temperature: \"hot\" is not a number; type digits such as -1.25 or 3e-2");
        refused("activation=relu", "activation: \"relu\" is unknown; use sigmoid, prelu or dice");
        refused("maxlen=-1", "maxlen: \"-1\" is not a whole number");
        refused("maxlen=100001", "maxlen: 100001 is too large; at most 100000 is allowed");
    }

    #[test]
    fn view_options() {
        let r = ok("step=3&lang=zh&theme=dark&font=1.5&panels=bars,map&embed=1&density=0&placement=user-tower");
        let s = &r.state;
        assert_eq!(s.step, Some(3));
        assert_eq!(s.lang, Some(Lang::Zh));
        assert_eq!(s.theme, Theme::Dark);
        assert_eq!(s.font_scale, 1.5);
        assert_eq!(s.panels, Some(vec![Panel::Bars, Panel::Map]));
        assert!(s.embed && !s.density);
        assert_eq!(s.placement, Placement::UserTower);
        // Past the end: the last step, and a message saying so.
        assert_eq!(refused("step=999", "step: 999 is past the last step (12) of this scene; showing step 12").state.step, Some(12));
        assert_eq!(refused("step=99999999999999999999999999", "step: 99999999999999999999999999 is past the last step (12) of this scene; showing step 12").state.step, Some(12));
        assert_eq!(ok("step=12").state.step, Some(12));
        assert_eq!(ok("step=off").state.step, None);
        assert_eq!(ok("lang=en").state.lang, Some(Lang::En));
        refused("step=-1", "step: \"-1\" is not a whole number >= 0 or \"off\"");
        refused("step=", "step: \"\" is not a whole number >= 0 or \"off\"");
        refused("lang=fr", "lang: \"fr\" is unknown; use en or zh");
        refused("theme=neon", "theme: \"neon\" is unknown; use light, dark or contrast");
        refused("font=5", "font: 5 is out of range; use a scale from 0.75 to 2");
        refused("font=big", "font: \"big\" is not a number; type digits such as -1.25 or 3e-2");
        refused("panels=bars,bars", "panels: \"bars\" is listed twice");
        refused("panels=bar", "panels: \"bar\" is unknown; use controls, readout, bars, map, heatmap, steps, unit, qkv, towers");
        refused("panels=", "panels: no panel is listed; name at least one, e.g. bars,map");
        refused("embed=yes", "embed: \"yes\" is not allowed; use 1 or 0");
        refused("density=2", "density: \"2\" is not allowed; use 1 or 0");
        refused("placement=tower", "placement: \"tower\" is unknown; use user-tower or ranking");
    }

    #[test]
    fn unknown_keys_and_escapes() {
        let r = refused("foo=1", "\"foo\" is not a parameter of this page; it was ignored");
        assert_eq!(r.problems[0].code, "E_URL_KEY");
        assert_eq!(r.problems[0].zh, "\"foo\" 不是本页面的参数，已忽略");
        // A percent-encoded key is read.
        assert_eq!(ok("%74emperature=2").state.scene.temperature, 2.0);
        refused("%zz=1", "the parameter name \"%zz\" is not valid percent-encoded UTF-8; it was ignored");
        let r = d(&(0..30).map(|i| format!("k{i}=1")).collect::<Vec<_>>().join("&"));
        assert_eq!(r.problems.len(), MAX_UNKNOWN_REPORTED + 1);
        assert_eq!(r.problems.last().unwrap().en, "20 more unknown parameters were ignored");
        refused("theme=%E0%A4", "theme: the percent-decoded text is not valid UTF-8");
        refused("lang=%4", "lang: \"%4\" is not a valid percent escape; write %XX with two hex digits");
        // '+' is a plus, not a space.
        assert_eq!(ok("temperature=+2").state.scene.temperature, 2.0);
    }

    #[test]
    fn too_long_input_gives_the_default() {
        let huge = format!("temperature=2&x={}", "a".repeat(MAX_URL));
        let r = decode(&huge, "");
        assert_eq!(r.problems.len(), 1);
        assert_eq!(r.problems[0].code, "E_URL_TOO_LONG");
        assert_eq!(r.state, UrlState::default());
        let want = format!("the link has {} bytes; at most 262144 are read, so the default scene is shown", huge.len());
        assert_eq!(r.problems[0].en, want);
    }

    #[test]
    fn old_style_links_still_work() {
        let r = ok("?scene=why-din-works&step=3");
        assert_eq!(r.state.scene, default_scene());
        assert_eq!(r.state.step, Some(3));
        let r = ok("?scene=interest-intensity&candidate=phone&lang=zh&step=2");
        assert_eq!(r.state.scene.candidate, "phone");
        assert_eq!(r.state.lang, Some(Lang::Zh));
        let r = ok("?scene=blank&d=3");
        assert_eq!(r.state.scene.dim(), 3);
    }

    #[test]
    fn lecture_view_and_tab() {
        let r = ok("view=lecture&tab=qkv");
        assert_eq!(r.state.layout, Layout::Lecture);
        assert_eq!(r.state.tab, Panel::Qkv);
        let r = ok("view=explore&tab=steps");
        assert_eq!((r.state.layout, r.state.tab), (Layout::Explore, Panel::Steps));
        assert_eq!(ok("").state.layout, Layout::Explore);
        assert_eq!(ok("").state.tab, Panel::Steps);
        let r = refused("view=slides", "view: \"slides\" is unknown; use lecture or explore");
        assert_eq!(r.problems[0].zh, "view：未知的值 \"slides\"；请用 lecture 或 explore");
        assert_eq!(r.state.layout, Layout::Explore);
        let r = refused("view=lecture&tab=map", "tab: \"map\" is unknown; use heatmap, steps, unit, qkv, towers or train");
        assert_eq!(r.problems[0].zh, "tab：未知的值 \"map\"；请用 heatmap、steps、unit、qkv、towers 或 train");
        assert_eq!((r.state.layout, r.state.tab), (Layout::Lecture, Panel::Steps));
        refused("tab=", "tab: \"\" is unknown; use heatmap, steps, unit, qkv, towers or train");
        refused("view=Lecture", "view: \"Lecture\" is unknown; use lecture or explore");
        // Written only when not the default, after the other view options.
        let origin = default_scene();
        let mut s = UrlState::new(origin.clone());
        s.layout = Layout::Lecture;
        assert_eq!(round_trip(&s, &origin), "v=2&scene=why-din-works&view=lecture");
        s.tab = Panel::Towers;
        s.placement = Placement::UserTower;
        assert_eq!(round_trip(&s, &origin), "v=2&scene=why-din-works&placement=user-tower&view=lecture&tab=towers");
        s.layout = Layout::Explore;
        assert_eq!(round_trip(&s, &origin), "v=2&scene=why-din-works&placement=user-tower&tab=towers");
        // The train tab (issue 13) round-trips like the others.
        s.layout = Layout::Lecture;
        s.tab = Panel::Train;
        assert_eq!(round_trip(&s, &origin), "v=2&scene=why-din-works&placement=user-tower&view=lecture&tab=train");
        let r = ok("view=lecture&tab=train");
        assert_eq!((r.state.layout, r.state.tab), (Layout::Lecture, Panel::Train));
        assert!(r.state.validate().is_ok());
        // A state whose tab is not a lecture panel is refused as a whole.
        s.tab = Panel::Map;
        assert!(s.validate().unwrap_err().en.starts_with("tab: \"map\" is unknown"));
    }

    #[test]
    fn hash_beats_query() {
        let r = decode("?scene=blank&temperature=2&step=1", "#temperature=3&lang=zh");
        assert!(r.problems.is_empty());
        assert_eq!(r.state.scene.name, "blank");
        assert_eq!(r.state.scene.temperature, 3.0);
        assert_eq!(r.state.step, Some(1));
        assert_eq!(r.state.lang, Some(Lang::Zh));
        // Even a bad value in the hash wins over a good one in the query.
        let r = decode("theme=dark", "theme=neon");
        assert_eq!(r.problems.len(), 1);
        assert_eq!(r.state.theme, Theme::Light);
    }

    #[test]
    fn writes_only_differences() {
        let origin = default_scene();
        let p = preset("why-din-works").unwrap();
        let mut s = UrlState::new(origin.clone());
        s.scene.query = p.candidate("news").unwrap().vector.clone();
        s.scene.candidate = "news".into();
        assert_eq!(round_trip(&s, &origin), "v=2&scene=why-din-works&candidate=news");
        s.scene.query[0] = 0.25;
        s.scene.candidate.clear();
        assert_eq!(round_trip(&s, &origin), "v=2&scene=why-din-works&q=.25,0,0,0,0,0,1.2,.1");
        s.scene.definition = Definition::Authors;
        s.scene.max_len = 30;
        s.lang = Some(Lang::En);
        s.theme = Theme::Contrast;
        s.font_scale = 1.25;
        s.panels = Some(vec![Panel::Map]);
        s.embed = true;
        s.density = false;
        s.placement = Placement::UserTower;
        s.step = Some(0);
        assert_eq!(
            round_trip(&s, &origin),
            "v=2&scene=why-din-works&q=.25,0,0,0,0,0,1.2,.1&similarity=authors&maxlen=30&step=0&lang=en&theme=contrast&font=1.25&panels=map&embed=1&density=0&placement=user-tower"
        );
    }

    #[test]
    fn tricky_round_trips() {
        // A custom scene with Unicode labels and separators in them.
        let mut custom = blank(3).scene;
        custom.name = "my scene: 第一 & more;+".into();
        custom.items = vec![Item::new("a:b;c,d=e&f%", &[1e-7, -0.0, 123456.789]), Item::new("", &[f64::MIN_POSITIVE, 5e-324, -1e300]).with_color(1)];
        custom.query = vec![0.1 + 0.2, 1.0, -3.5];
        custom.candidate = "pick 😀".into();
        custom.similarity = Similarity::Cosine;
        let s = UrlState::new(custom.clone());
        let link = round_trip(&s, &custom);
        assert!(link.contains("x=a%3Ab%3Bc%2Cd%3De%26f%25:1e-7,-0,123456.789;:"), "{link}");
        // Blank loaded with d = 4, then d changed to 6, items removed.
        let origin = blank(4).scene;
        let mut s = UrlState::new(origin.clone());
        s.scene.query = vec![0.0, 1.0, 0.0, 0.0, 0.0, 2.0];
        let link = round_trip(&s, &origin);
        assert_eq!(link, "v=2&scene=blank&d=4&q=0,1,0,0,0,2");
        assert_eq!(decode(&link, "").origin, origin);
        // why-din-works cut to d = 3 (candidate name kept, as with_dim keeps it).
        let origin = default_scene();
        let (cut, _) = origin.with_dim(3).unwrap();
        let link = round_trip(&UrlState::new(cut), &origin);
        assert!(!link.contains("&q=") && !link.contains("candidate"), "{link}");
        // A generated scene is rebuilt from n and d, an edited one carries x.
        let origin = generated(40, 6, 2018);
        let mut s = UrlState::new(origin.clone());
        assert_eq!(round_trip(&s, &origin), "v=2&scene=generated&n=40&d=6");
        s.scene.items[3].vector[2] = 9.0;
        let link = round_trip(&s, &origin);
        assert!(link.starts_with("v=2&scene=generated&n=40&d=6&x=c1-1:"));
        assert_eq!(decode(&link, "").origin, origin);
        // The interest-intensity scene with the dot similarity and its other candidate.
        let origin = preset("interest-intensity").unwrap().scene;
        let mut s = UrlState::new(origin.clone());
        s.scene.definition = Definition::Similarity;
        s.scene.query = preset("interest-intensity").unwrap().candidate("phone").unwrap().vector.clone();
        s.scene.candidate = "phone".into();
        assert_eq!(round_trip(&s, &origin), "v=2&scene=interest-intensity&candidate=phone&similarity=dot");
        // A candidate's name on a query that is not its vector.
        let mut s = UrlState::new(default_scene());
        s.scene.candidate = "news".into();
        assert_eq!(round_trip(&s, &default_scene()), "v=2&scene=why-din-works&candidate=news&q=1,.8,0,0,0,.1,0,.3");
    }

    /// The default scene plus one item, every number moved to 3 decimals,
    /// short labels: a typical edited lecture scene.
    fn edited_ten_items() -> UrlState {
        let mut s = default_scene();
        s.items.push(Item::new("tea", &[0.4, 0.5, 0.1, 0.0, 0.0, 0.1, 0.2, 0.1]));
        let labels = ["ramen", "dumpling", "hotpot", "lipstick", "mascara", "found", "SUV", "sedan", "EV", "tea"];
        let mut k = 0_u32;
        let mut nudge = |x: &mut f64| {
            k += 1;
            let delta = f64::from(k * 37 % 199) / 1000.0 - 0.1;
            *x = ((*x + delta) * 1000.0).round() / 1000.0;
        };
        for (it, label) in s.items.iter_mut().zip(labels) {
            it.label = label.into();
            it.vector.iter_mut().for_each(&mut nudge);
        }
        s.query.iter_mut().for_each(&mut nudge);
        s.candidate.clear();
        s.temperature = 0.5;
        let mut state = UrlState::new(s);
        state.step = Some(4);
        state.lang = Some(Lang::Zh);
        state
    }

    #[test]
    fn an_edited_ten_item_scene_makes_a_short_link() {
        let state = edited_ten_items();
        assert!(state.validate().is_ok());
        assert_eq!(state.scene.items.len(), 10);
        let link = encode(&state, &default_scene()).unwrap();
        println!("10-item d = 8 link: {} characters\n{link}", link.len());
        assert!(link.len() < 1000, "{} characters: {link}", link.len());
        assert_eq!(decode(&link, "").state, state);
    }

    #[test]
    fn a_300_item_scene_is_too_large() {
        let origin = generated(300, 8, 2018);
        let mut state = UrlState::new(origin.clone());
        state.scene.name = "long history".into();
        let e = encode(&state, &origin).unwrap_err();
        assert_eq!(e.max, MAX_LINK);
        assert!(e.len > MAX_LINK);
        assert_eq!(e.len, encode_with_limit(&state, &origin, usize::MAX).unwrap().len());
        assert_eq!(e.code(), "E_LINK_TOO_LARGE");
        assert!(e.to_string().starts_with("the scene is too large for a link ("));
        assert!(e.zh().contains("导出 JSON"));
    }

    #[test]
    fn malformed_links_give_a_problem_and_a_valid_state() {
        let inputs = [
            "v=3",
            "v=",
            "scene=",
            "scene=why_din_works",
            "scene=%",
            "scene=blank&d=",
            "scene=blank&d=-3",
            "scene=blank&d=1e2",
            "scene=generated&n=x",
            "scene=generated&n=99999999999999999999999",
            "x=;",
            "x=a",
            "x=a:1:b",
            "x=:;:",
            "x=a:1;b:1,2",
            "x=a:inf",
            "x=a:1e400",
            "x=a:%GG",
            "x=%C3%28:1",
            "x=a:--1",
            "candidate=nothing",
            "candidate=%FF",
            "q",
            "q=1,2,3",
            "q=,,,,,,,",
            "q=1;2;3;4;5;6;7;8",
            "q=a,b,c,d,e,f,g,h",
            "q=1.7e308,1.7e308,1.7e308,1.7e308,1.7e308,1.7e308,1.7e308,1.7e308",
            "similarity=",
            "similarity=DOT",
            "scene=blank&d=3&similarity=authors",
            "normalization=softmax2",
            "temperature=",
            "temperature=NaN",
            "temperature=1e-400",
            "activation=Dice",
            "maxlen=1.5",
            "step=two",
            "step=3.0",
            "lang=",
            "theme=",
            "font=0",
            "font=inf",
            "panels=,",
            "panels=map,,map",
            "embed=true",
            "density=",
            "placement=",
            "view=",
            "view=1",
            "tab=bars",
            "tab=steps,unit",
            "=1",
            "&&&=&=&==",
            "\u{0}=\u{0}",
            "scene=blank&d=256&n=5",
        ];
        assert!(inputs.len() >= 50);
        for input in inputs {
            for (q, h) in [(input, ""), ("", input)] {
                let r = decode(q, h);
                assert!(!r.problems.is_empty(), "no problem for {input:?}");
                for m in &r.problems {
                    assert!(!m.en.is_empty() && !m.zh.is_empty() && m.code.starts_with("E_"), "{input:?}: {m:?}");
                    assert!(m.en.chars().count() < 300, "{input:?}: {}", m.en);
                }
                assert!(r.state.validate().is_ok(), "{input:?}");
                assert!(r.origin.validate().is_ok(), "{input:?}");
            }
        }
    }

    #[test]
    fn bad_keys_are_skipped_one_by_one() {
        // Good keys around bad ones are all applied.
        let r = d("scene=blank&d=2&x=a:1,0;b:0,1&q=1,zz&temperature=.25&theme=neon&lang=zh&step=2");
        assert_eq!(r.problems.len(), 2, "{:?}", en(&r));
        assert_eq!(r.state.scene.items.len(), 2);
        assert_eq!(r.state.scene.query, vec![0.0, 0.0]);
        assert_eq!(r.state.scene.temperature, 0.25);
        assert_eq!(r.state.lang, Some(Lang::Zh));
        assert_eq!(r.state.step, Some(2));
        // A state that is only valid as a whole still comes back whole.
        let mut s = default_scene();
        // |x| is below f64::MAX, but the food candidate's q . x is not.
        s.items = vec![Item::new("big", &[1.1e308, 0.9e308, 0.0, 0.0, 0.0, 0.0, 0.0, 0.3e308])];
        assert!(s.with_query_value(0, 1.0).is_err());
        s.query = vec![0.0; 8];
        s.normalization = Normalization::None;
        assert!(s.validate().is_ok());
        round_trip(&UrlState::new(s.clone()), &default_scene());
    }

    #[test]
    fn messages_have_chinese() {
        let r = d("lang=fr&q=1,2&panels=bars,bars");
        let zh: Vec<&str> = r.problems.iter().map(|m| m.zh.as_str()).collect();
        assert_eq!(zh, vec!["q 有 2 个数，但场景中向量的维度是 d = 8", "lang：未知的值 \"fr\"；请用 en 或 zh", "panels：\"bars\" 出现了两次"]);
    }

    #[test]
    fn state_validation() {
        let mut s = UrlState { step: Some(13), ..UrlState::default() };
        assert_eq!(s.validate().unwrap_err().en, "step: 13 is past the last step (12)");
        s.step = Some(12);
        assert!(s.validate().is_ok());
        s.panels = Some(vec![]);
        assert!(s.validate().is_err());
        s.panels = Some(vec![Panel::Map, Panel::Map]);
        assert!(s.validate().is_err());
        s.panels = None;
        s.font_scale = f64::NAN;
        assert!(s.validate().is_err());
    }
}
