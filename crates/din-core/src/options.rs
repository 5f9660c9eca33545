//! View options that are part of the shared state but not of the scene:
//! the colour theme and the panels on screen (and their order).
//!
//! They travel in the URL, in the custom element's attributes and in
//! `din.state()`, so they parse from and print to the same short names.

use crate::i18n::clip;
use crate::errors::{Message, SessionRefusal, Want};
use std::fmt;
use std::str::FromStr;

mod placement;
pub use placement::Placement;

/// Colour theme of the page and of every chart.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Theme {
    /// Dark text on white.
    #[default]
    Light,
    /// Light text on a dark grey ground.
    Dark,
    /// For projectors: black on white, thick lines, larger fonts, saturated colours.
    Contrast,
}

impl Theme {
    /// Every theme, in menu order.
    pub const ALL: [Theme; 3] = [Theme::Light, Theme::Dark, Theme::Contrast];

    /// The short name used in URLs and attributes.
    ///
    /// ```
    /// use din_core::options::Theme;
    /// assert_eq!(Theme::Contrast.name(), "contrast");
    /// assert_eq!("dark".parse::<Theme>(), Ok(Theme::Dark));
    /// assert!("neon".parse::<Theme>().is_err());
    /// ```
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Theme::Light => "light",
            Theme::Dark => "dark",
            Theme::Contrast => "contrast",
        }
    }
}

impl fmt::Display for Theme {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Theme {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Theme::ALL
            .into_iter()
            .find(|t| t.name() == s)
            .ok_or_else(|| format!("unknown theme \"{}\": use \"light\", \"dark\" or \"contrast\"", clip(s)))
    }
}

/// One panel of the widget. `Controls` is the column of inputs, `Readout`
/// the three numbers (Σα, |pooled|, |mean|); the rest are charts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Panel {
    /// The inputs: scene, q, settings, LastN table.
    Controls,
    /// Σα, |pooled| and |mean|.
    Readout,
    /// The alpha bar chart.
    Bars,
    /// The 2-D map.
    Map,
    /// The heatmap of the vectors.
    Heatmap,
    /// The lecture step-through.
    Steps,
    /// Inside the activation unit.
    Unit,
    /// Query, keys and values.
    Qkv,
    /// Two-tower model vs ranking model.
    Towers,
    /// The page's train panel (issue 13): a lecture tab only where the
    /// page hosts it (its Web Worker), never a widget panel, so not in
    /// [`Panel::ALL`] and not listable in `panels=`; `tab=train` names it.
    Train,
}

impl Panel {
    /// Every panel, in the page's default order.
    pub const ALL: [Panel; 9] = [
        Panel::Controls,
        Panel::Readout,
        Panel::Bars,
        Panel::Map,
        Panel::Heatmap,
        Panel::Steps,
        Panel::Unit,
        Panel::Qkv,
        Panel::Towers,
    ];

    /// The short name used in URLs and attributes (`panels=bars,map`).
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Panel::Controls => "controls",
            Panel::Readout => "readout",
            Panel::Bars => "bars",
            Panel::Map => "map",
            Panel::Heatmap => "heatmap",
            Panel::Steps => "steps",
            Panel::Unit => "unit",
            Panel::Qkv => "qkv",
            Panel::Towers => "towers",
            Panel::Train => "train",
        }
    }

    /// True for the widget's panels drawn on a canvas by plotters (the
    /// train panel's charts are the page's, drawn by its own code).
    #[must_use]
    pub fn is_chart(self) -> bool {
        !matches!(self, Panel::Controls | Panel::Readout | Panel::Train)
    }
}

impl fmt::Display for Panel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Panel {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Panel::ALL.into_iter().find(|p| p.name() == s).ok_or_else(|| {
            let names: Vec<&str> = Panel::ALL.iter().map(|p| p.name()).collect();
            format!("unknown panel \"{}\": use {}", clip(s), names.join(", "))
        })
    }
}

/// Parses a comma-separated panel list such as `bars,map`: no duplicates,
/// at least one panel.
///
/// ```
/// use din_core::options::{parse_panels, Panel};
/// assert_eq!(parse_panels("map,bars"), Ok(vec![Panel::Map, Panel::Bars]));
/// assert!(parse_panels("bars,bars").is_err());
/// assert!(parse_panels("").is_err());
/// ```
///
/// # Errors
/// A sentence naming the unknown or repeated panel.
pub fn parse_panels(text: &str) -> Result<Vec<Panel>, String> {
    let mut out = Vec::new();
    for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let p: Panel = part.parse()?;
        if out.contains(&p) {
            return Err(format!("panel \"{part}\" is listed twice"));
        }
        out.push(p);
    }
    if out.is_empty() {
        return Err("no panel is listed: name at least one, e.g. \"bars,map\"".to_owned());
    }
    Ok(out)
}

/// Prints a panel list as [`parse_panels`] reads it.
#[must_use]
pub fn panels_text(panels: &[Panel]) -> String {
    panels.iter().map(|p| p.name()).collect::<Vec<_>>().join(",")
}

/// View options of a (partial) state object, checked all together before
/// any is applied: `{theme, font, panels, embed, density, placement, view, tab}`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ViewPatch {
    /// `theme`.
    pub theme: Option<Theme>,
    /// `font`, within [`FONT_SCALE_RANGE`].
    pub font: Option<f64>,
    /// `panels`: a list of names or one comma-separated string.
    pub panels: Option<Vec<Panel>>,
    /// `embed`.
    pub embed: Option<bool>,
    /// `density`.
    pub density: Option<bool>,
    /// `placement`: `user-tower` or `ranking`.
    pub placement: Option<Placement>,
    /// `view`: `explore` or `lecture`.
    pub layout: Option<Layout>,
    /// `tab`: the lecture panel shown in lecture mode.
    pub tab: Option<Panel>,
}

/// Reads the view options present in a state object (`din.setState`, the
/// element's `state` property); the other keys are the scene's.
///
/// ```
/// use din_core::options::{view_patch, Panel, Theme};
/// let v = serde_json::json!({ "theme": "dark", "panels": ["bars", "map"], "font": 1.5 });
/// let p = view_patch(&v).unwrap();
/// assert_eq!(p.theme, Some(Theme::Dark));
/// assert_eq!(p.panels, Some(vec![Panel::Bars, Panel::Map]));
/// let e = view_patch(&serde_json::json!({ "font": 9 })).unwrap_err();
/// assert_eq!(e.en, "font must be a number from 0.75 to 2, not 9");
/// ```
///
/// # Errors
/// The first bad option, named, in English and Chinese.
pub fn view_patch(v: &serde_json::Value) -> Result<ViewPatch, Message> {
    use serde_json::Value;
    let bad = |key: &str, want: Want, got: &Value| -> Message { SessionRefusal::OptionType { key: key.to_owned(), want, shown: clip(&got.to_string()) }.into() };
    let mut out = ViewPatch::default();
    if let Some(x) = v.get("theme") {
        let t = x.as_str().ok_or_else(|| bad("theme", Want::Theme, x))?;
        out.theme = Some(t.parse::<Theme>().map_err(|_| SessionRefusal::UnknownTheme(clip(t)))?);
    }
    if let Some(x) = v.get("font") {
        let (lo, hi) = FONT_SCALE_RANGE;
        match x.as_f64() {
            Some(f) if f.is_finite() && (lo..=hi).contains(&f) => out.font = Some(f),
            _ => return Err(bad("font", Want::Font { lo, hi }, x)),
        }
    }
    if let Some(x) = v.get("panels") {
        let text = match x {
            Value::String(s) => s.clone(),
            Value::Array(a) if a.iter().all(Value::is_string) => a.iter().filter_map(Value::as_str).collect::<Vec<_>>().join(","),
            other => return Err(bad("panels", Want::PanelList, other)),
        };
        out.panels = Some(parse_panels(&text).map_err(SessionRefusal::Panels)?);
    }
    for (key, slot) in [("embed", &mut out.embed), ("density", &mut out.density)] {
        if let Some(x) = v.get(key) {
            *slot = Some(x.as_bool().ok_or_else(|| bad(key, Want::Bool, x))?);
        }
    }
    if let Some(x) = v.get("placement") {
        out.placement = Some(match x.as_str().and_then(Placement::from_name) {
            Some(p) => p,
            None => return Err(bad("placement", Want::Placement, x)),
        });
    }
    // Lecture mode (issue 11 §5).
    if let Some(x) = v.get("view") {
        out.layout = Some(match x.as_str().map(str::parse::<Layout>) {
            Some(Ok(l)) => l,
            _ => return Err(bad("view", Want::View, x)),
        });
    }
    if let Some(x) = v.get("tab") {
        out.tab = Some(match x.as_str().map(parse_tab) {
            Some(Ok(p)) => p,
            _ => return Err(bad("tab", Want::Tab, x)),
        });
    }
    Ok(out)
}

/// The keys of a state object (`din.state()`, `din.setState`, a scene
/// JSON): the scene's, then the language, the step and the view options.
/// `din.setState` and the JSON import refuse any other key the same way
/// ([`check_state_keys`]).
pub const STATE_KEYS: [&str; 20] = [
    "scene", "candidate", "query", "items", "similarity", "activation", "weight", "maxLen", "normalization", "temperature",
    "lang", "step", "theme", "font", "panels", "embed", "density", "placement", "view", "tab",
];

/// Refuses a state object with a key that is not one of [`STATE_KEYS`]
/// (`what` names it in the message: `state`, `scene JSON`).
///
/// ```
/// use din_core::options::check_state_keys;
/// assert!(check_state_keys(&serde_json::json!({ "theme": "dark", "query": [1] }), "state").is_ok());
/// let e = check_state_keys(&serde_json::json!({ "colour": 1 }), "state").unwrap_err();
/// assert!(e.en.starts_with("state: unknown key \"colour\"; the keys are scene, candidate"), "{}", e.en);
/// ```
///
/// # Errors
/// The first unknown key, named, in English and Chinese (code `E_INVALID`).
pub fn check_state_keys(v: &serde_json::Value, what: &str) -> Result<(), Message> {
    let Some(obj) = v.as_object() else { return Ok(()) };
    match obj.keys().find(|k| !STATE_KEYS.contains(&k.as_str())) {
        None => Ok(()),
        Some(k) => {
            Err(SessionRefusal::UnknownStateKey { what: what.to_owned(), shown: clip(k), keys: &STATE_KEYS }.into())
        }
    }
}

// ---------------------------------------------------------------------------
// Lecture mode (issue 11 §5): the `view` and `tab` keys.

/// How the widget lays out its panels (the `view` key).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Layout {
    /// The long page for exploration: every listed panel, one under another.
    #[default]
    Explore,
    /// The lecture on one 16:9 screen: caption, candidate and q, the alpha
    /// bars, pooled vs mean and the map, with the lecture panels as tabs.
    Lecture,
}

impl Layout {
    /// Every layout, default first.
    pub const ALL: [Layout; 2] = [Layout::Explore, Layout::Lecture];

    /// The short name used in URLs, attributes and states.
    ///
    /// ```
    /// use din_core::options::Layout;
    /// assert_eq!(Layout::Lecture.name(), "lecture");
    /// assert_eq!("explore".parse::<Layout>(), Ok(Layout::Explore));
    /// assert!("slides".parse::<Layout>().is_err());
    /// ```
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Layout::Explore => "explore",
            Layout::Lecture => "lecture",
        }
    }
}

impl fmt::Display for Layout {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Layout {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Layout::ALL
            .into_iter()
            .find(|l| l.name() == s)
            .ok_or_else(|| format!("unknown view \"{}\": use \"lecture\" or \"explore\"", clip(s)))
    }
}

/// The panels that lecture mode shows one at a time, as tabs in one
/// place, in the lecture's order when `panels` is not given: the
/// step-through (deck pp. 4-10), query/key/value (pp. 11-12), the towers
/// (p. 18), then the paper's unit and the vectors' heatmap. The others
/// (controls, readout, bars, map) are always on its screen.
pub const TABS: [Panel; 5] = [Panel::Steps, Panel::Qkv, Panel::Towers, Panel::Unit, Panel::Heatmap];

/// Every name `tab=` accepts, in the order messages list them: the
/// widget's tab panels in [`Panel::ALL`]'s order, then the page's train
/// panel ([`Panel::Train`]).
pub const TAB_NAMES: [Panel; 6] = [Panel::Heatmap, Panel::Steps, Panel::Unit, Panel::Qkv, Panel::Towers, Panel::Train];

impl Panel {
    /// True for the panels in [`TABS`] and for the page's train panel.
    ///
    /// ```
    /// use din_core::options::Panel;
    /// let tabs: Vec<&str> = Panel::ALL.iter().filter(|p| p.is_tab()).map(|p| p.name()).collect();
    /// assert_eq!(tabs, ["heatmap", "steps", "unit", "qkv", "towers"]);
    /// assert!(Panel::Train.is_tab());
    /// ```
    #[must_use]
    pub fn is_tab(self) -> bool {
        self == Panel::Train || TABS.contains(&self)
    }
}

/// The tabs of lecture mode for the panel list `panels`: the listed tab
/// panels in their order, or [`TABS`] when every panel is listed in the
/// default order (no `panels` key); then [`Panel::Train`] when the page
/// hosts the train panel (`train`: the page has its worker; the one-file
/// page and the custom element do not).
///
/// ```
/// use din_core::options::{tabs_for, Panel, TABS};
/// assert_eq!(tabs_for(&Panel::ALL, false), TABS.to_vec());
/// assert_eq!(tabs_for(&[Panel::Towers, Panel::Bars, Panel::Steps], false), vec![Panel::Towers, Panel::Steps]);
/// assert_eq!(tabs_for(&[Panel::Bars, Panel::Steps], true), vec![Panel::Steps, Panel::Train]);
/// ```
#[must_use]
pub fn tabs_for(panels: &[Panel], train: bool) -> Vec<Panel> {
    let mut tabs: Vec<Panel> = if panels == Panel::ALL {
        TABS.to_vec()
    } else {
        panels.iter().copied().filter(|p| p.is_tab()).collect()
    };
    if train {
        tabs.push(Panel::Train);
    }
    tabs
}

/// The tab lecture mode shows when none is chosen: the step-through.
pub const DEFAULT_TAB: Panel = Panel::Steps;

/// Reads a tab name (`tab=qkv`, `tab=train`): one of [`TAB_NAMES`], the
/// one parser of a tab for links, states and attributes.
///
/// ```
/// use din_core::options::{parse_tab, Panel};
/// assert_eq!(parse_tab("qkv"), Ok(Panel::Qkv));
/// assert_eq!(parse_tab("train"), Ok(Panel::Train));
/// assert_eq!(parse_tab("map").unwrap_err(), "\"map\" is not a tab: use heatmap, steps, unit, qkv, towers or train");
/// ```
///
/// # Errors
/// A sentence naming the panel that is unknown or not a tab.
pub fn parse_tab(s: &str) -> Result<Panel, String> {
    TAB_NAMES.into_iter().find(|p| p.name() == s).ok_or_else(|| format!("\"{}\" is not a tab: use {}", clip(s), tab_choices(", ", " or ")))
}

/// The tab names of [`TAB_NAMES`] as a list for messages: `sep` between
/// them and `last` before the last (`", "` and `" or "` in English; the Chinese refusals use the ideographic comma and the word for "or").
#[must_use]
pub fn tab_choices(sep: &str, last: &str) -> String {
    let names: Vec<&str> = TAB_NAMES.iter().map(|p| p.name()).collect();
    match names.split_last() {
        Some((tail, rest)) => format!("{}{last}{tail}", rest.join(sep)),
        None => String::new(),
    }
}

/// The tab lecture mode shows: `tab` when it is among `panels` (the train
/// tab: when the page hosts it, `train`), else the first of [`tabs_for`],
/// else none (no tab strip).
///
/// ```
/// use din_core::options::{shown_tab, Panel};
/// assert_eq!(shown_tab(Panel::Qkv, &Panel::ALL, false), Some(Panel::Qkv));
/// assert_eq!(shown_tab(Panel::Qkv, &[Panel::Bars, Panel::Towers, Panel::Steps], false), Some(Panel::Towers));
/// assert_eq!(shown_tab(Panel::Qkv, &[Panel::Bars, Panel::Map], false), None);
/// assert_eq!(shown_tab(Panel::Train, &Panel::ALL, true), Some(Panel::Train));
/// assert_eq!(shown_tab(Panel::Train, &Panel::ALL, false), Some(Panel::Steps));
/// ```
#[must_use]
pub fn shown_tab(tab: Panel, panels: &[Panel], train: bool) -> Option<Panel> {
    if panels.contains(&tab) || (train && tab == Panel::Train) {
        Some(tab)
    } else {
        tabs_for(panels, train).first().copied()
    }
}

/// The screen lecture mode is laid out for, in CSS px: a larger box shows
/// the same layout scaled up (see [`lecture_zoom`]).
pub const LECTURE_SCREEN: (f64, f64) = (1366.0, 768.0);
/// The smallest box, in CSS px, that lecture mode fills as one screen; in
/// a smaller one its parts stack and the page scrolls.
pub const LECTURE_MIN: (f64, f64) = (1000.0, 560.0);

/// The scale at which lecture mode lays out its one screen in a box of
/// `w` × `h` CSS px, or `None` when the box is smaller than
/// [`LECTURE_MIN`]. The layout is made for [`LECTURE_SCREEN`]: a
/// 1920 × 1080 projector shows it 1.4 times as large as a 1366 × 768 one,
/// so the lecture reads the same from the back of the room at either.
/// Larger text (`font`, the contrast theme's factor: `text_factor`) gets a
/// proportionally larger layout box, by the square root of the factor, so
/// the text grows and the screen still holds everything. Between 0.8 and 2.
///
/// ```
/// use din_core::options::lecture_zoom;
/// assert_eq!(lecture_zoom(1366.0, 768.0, 1.0), Some(1.0));
/// assert_eq!(lecture_zoom(1920.0, 1080.0, 1.0), Some(1.405));
/// assert_eq!(lecture_zoom(1366.0, 768.0, 1.3), Some(0.877));
/// assert_eq!(lecture_zoom(999.0, 768.0, 1.0), None);
/// assert_eq!(lecture_zoom(f64::NAN, 768.0, 1.0), None);
/// ```
#[must_use]
pub fn lecture_zoom(w: f64, h: f64, text_factor: f64) -> Option<f64> {
    if !(w >= LECTURE_MIN.0 && h >= LECTURE_MIN.1) {
        return None;
    }
    let fit = (w / LECTURE_SCREEN.0).min(h / LECTURE_SCREEN.1);
    let tf = if text_factor.is_finite() && text_factor > 0.0 { text_factor } else { 1.0 };
    let z = (fit / tf.sqrt()).clamp(0.8, 2.0);
    Some((z * 1000.0).floor() / 1000.0)
}

/// Smallest and largest font scale of the charts and the page.
pub const FONT_SCALE_RANGE: (f64, f64) = (0.75, 2.0);

/// At most 40 characters of untrusted text, for messages.

#[cfg(test)]
mod tests {
    /// errors/refusals.rs writes the tab lists itself (errors cannot use
    /// options, which uses errors): they must name every tab, train included.
    #[test]
    fn the_tab_refusals_name_every_tab() {
        let m = view_patch(&serde_json::json!({"tab": "map"})).unwrap_err();
        assert!(m.en.contains(&tab_choices(", ", ", ")), "{}", m.en);
        assert!(m.zh.contains(&tab_choices("、", "、")), "{}", m.zh);
        let link = crate::urlstate::decode("view=lecture&tab=map", "");
        let p = &link.problems[0];
        assert!(p.en.ends_with(&tab_choices(", ", " or ")), "{}", p.en);
        assert!(p.zh.ends_with(&tab_choices("、", " 或 ")), "{}", p.zh);
    }

    use super::*;

    #[test]
    fn names_round_trip() {
        for t in Theme::ALL {
            assert_eq!(t.name().parse::<Theme>(), Ok(t));
        }
        for p in Panel::ALL {
            assert_eq!(p.name().parse::<Panel>(), Ok(p));
        }
        assert_eq!(parse_panels(&panels_text(&Panel::ALL)), Ok(Panel::ALL.to_vec()));
    }

    #[test]
    fn view_patches_are_checked_whole() {
        let v = serde_json::json!({ "theme": "contrast", "embed": true, "density": false, "placement": "user-tower", "panels": "map,bars" });
        let p = view_patch(&v).unwrap();
        assert_eq!(p.embed, Some(true));
        assert_eq!(p.panels, Some(vec![Panel::Map, Panel::Bars]));
        for (bad, want) in [
            (serde_json::json!({ "theme": 3 }), "theme must be"),
            (serde_json::json!({ "theme": "neon" }), "theme: unknown theme"),
            (serde_json::json!({ "font": "big" }), "font must be"),
            (serde_json::json!({ "panels": [1, 2] }), "panels must be"),
            (serde_json::json!({ "panels": "bars,bars" }), "panels: panel \"bars\" is listed twice"),
            (serde_json::json!({ "embed": "yes" }), "embed must be true or false"),
            (serde_json::json!({ "placement": "top" }), "placement must be"),
        ] {
            let e = view_patch(&bad).unwrap_err();
            assert!(e.en.starts_with(want), "{bad}: {}", e.en);
            assert!(!e.zh.is_empty());
        }
        assert_eq!(view_patch(&serde_json::json!({ "query": [1] })).unwrap(), ViewPatch::default());
    }

    #[test]
    fn lecture_view_and_tab() {
        for l in Layout::ALL {
            assert_eq!(l.name().parse::<Layout>(), Ok(l));
        }
        let p = view_patch(&serde_json::json!({ "view": "lecture", "tab": "towers" })).unwrap();
        assert_eq!(p.layout, Some(Layout::Lecture));
        assert_eq!(p.tab, Some(Panel::Towers));
        for (bad, want, want_zh) in [
            (serde_json::json!({ "view": "slides" }), "view must be \"lecture\" or \"explore\", not \"slides\"", "view 必须是 \"lecture\" 或 \"explore\"，而不是 \"slides\""),
            (serde_json::json!({ "view": true }), "view must be \"lecture\" or \"explore\", not true", "view 必须是 \"lecture\" 或 \"explore\"，而不是 true"),
            (serde_json::json!({ "tab": "map" }), "tab must be one of heatmap, steps, unit, qkv, towers, train, not \"map\"", "tab 必须是 heatmap、steps、unit、qkv、towers、train 之一，而不是 \"map\""),
            (serde_json::json!({ "tab": 2 }), "tab must be one of heatmap, steps, unit, qkv, towers, train, not 2", "tab 必须是 heatmap、steps、unit、qkv、towers、train 之一，而不是 2"),
        ] {
            let e = view_patch(&bad).unwrap_err();
            assert_eq!(e.en, want);
            assert_eq!(e.zh, want_zh);
        }
        // Every tab panel is a chart; bars and map are never tabs.
        assert!(Panel::ALL.iter().filter(|p| p.is_tab()).all(|p| p.is_chart()));
        assert!(!Panel::Bars.is_tab() && !Panel::Map.is_tab() && !Panel::Readout.is_tab());
        assert!(DEFAULT_TAB.is_tab());
        // The train tab: a tab name, not a panel of the widget.
        assert_eq!(view_patch(&serde_json::json!({ "tab": "train" })).unwrap().tab, Some(Panel::Train));
        assert!("train".parse::<Panel>().is_err() && parse_panels("bars,train").is_err());
        assert!(!Panel::ALL.contains(&Panel::Train) && !Panel::Train.is_chart());
        for p in TAB_NAMES {
            assert_eq!(parse_tab(p.name()), Ok(p));
            assert!(p.is_tab());
        }
    }

    #[test]
    fn unknown_names_are_named() {
        let e = "bar".parse::<Panel>().unwrap_err();
        assert!(e.starts_with("unknown panel \"bar\": use controls, readout, bars"), "{e}");
        let long = "x".repeat(500);
        assert!(long.parse::<Theme>().unwrap_err().len() < 120);
    }
}
