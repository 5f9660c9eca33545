//! View options that are part of the shared state but not of the scene:
//! the colour theme and the panels on screen (and their order).
//!
//! They travel in the URL, in the custom element's attributes and in
//! `din.state()`, so they parse from and print to the same short names.

use crate::errors::{message, Message};
use std::fmt;
use std::str::FromStr;

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
    /// use din_viz::options::Theme;
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
        }
    }

    /// True for the panels drawn on a canvas by plotters.
    #[must_use]
    pub fn is_chart(self) -> bool {
        !matches!(self, Panel::Controls | Panel::Readout)
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
/// use din_viz::options::{parse_panels, Panel};
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
/// any is applied: `{theme, font, panels, embed, density, placement}`.
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
    pub placement: Option<crate::lecture::Placement>,
}

/// Reads the view options present in a state object (`din.setState`, the
/// element's `state` property); the other keys are the scene's.
///
/// ```
/// use din_viz::options::{view_patch, Panel, Theme};
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
    let bad = |key: &str, want: &str, want_zh: &str, got: &Value| {
        let shown = clip(&got.to_string());
        message("E_INVALID", format!("{key} must be {want}, not {shown}"), format!("{key} 必须是{want_zh}，而不是 {shown}"))
    };
    let mut out = ViewPatch::default();
    if let Some(x) = v.get("theme") {
        let t = x.as_str().ok_or_else(|| bad("theme", "\"light\", \"dark\" or \"contrast\"", " light、dark 或 contrast", x))?;
        out.theme = Some(t.parse::<Theme>().map_err(|e| message("E_INVALID", format!("theme: {e}"), "theme：未知的主题，请用 light、dark 或 contrast".to_owned()))?);
    }
    if let Some(x) = v.get("font") {
        let (lo, hi) = FONT_SCALE_RANGE;
        match x.as_f64() {
            Some(f) if f.is_finite() && (lo..=hi).contains(&f) => out.font = Some(f),
            _ => return Err(bad("font", &format!("a number from {lo} to {hi}"), &format!(" {lo} 到 {hi} 之间的数"), x)),
        }
    }
    if let Some(x) = v.get("panels") {
        let text = match x {
            Value::String(s) => s.clone(),
            Value::Array(a) if a.iter().all(Value::is_string) => a.iter().filter_map(Value::as_str).collect::<Vec<_>>().join(","),
            other => return Err(bad("panels", "a list of panel names", "面板名称的列表", other)),
        };
        out.panels = Some(parse_panels(&text).map_err(|e| message("E_INVALID", format!("panels: {e}"), format!("panels：{e}")))?);
    }
    for (key, slot) in [("embed", &mut out.embed), ("density", &mut out.density)] {
        if let Some(x) = v.get(key) {
            *slot = Some(x.as_bool().ok_or_else(|| bad(key, "true or false", " true 或 false", x))?);
        }
    }
    if let Some(x) = v.get("placement") {
        out.placement = Some(match x.as_str() {
            Some("user-tower") => crate::lecture::Placement::UserTower,
            Some("ranking") => crate::lecture::Placement::Ranking,
            _ => return Err(bad("placement", "\"user-tower\" or \"ranking\"", " \"user-tower\" 或 \"ranking\"", x)),
        });
    }
    Ok(out)
}

/// The keys of a state object (`din.state()`, `din.setState`, a scene
/// JSON): the scene's, then the language, the step and the view options.
/// `din.setState` and the JSON import refuse any other key the same way
/// ([`check_state_keys`]).
pub const STATE_KEYS: [&str; 17] = [
    "scene", "candidate", "query", "items", "similarity", "activation", "maxLen", "normalization", "temperature",
    "lang", "step", "theme", "font", "panels", "embed", "density", "placement",
];

/// Refuses a state object with a key that is not one of [`STATE_KEYS`]
/// (`what` names it in the message: `state`, `scene JSON`).
///
/// ```
/// use din_viz::options::check_state_keys;
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
            let shown = clip(k);
            Err(message(
                "E_INVALID",
                format!("{what}: unknown key \"{shown}\"; the keys are {}", STATE_KEYS.join(", ")),
                format!("{what}：未知的键 \"{shown}\"；可用的键：{}", STATE_KEYS.join("、")),
            ))
        }
    }
}

/// Smallest and largest font scale of the charts and the page.
pub const FONT_SCALE_RANGE: (f64, f64) = (0.75, 2.0);

/// At most 40 characters of untrusted text, for messages.
fn clip(s: &str) -> String {
    let mut out: String = s.chars().take(40).collect();
    if s.chars().count() > 40 {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
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
    fn unknown_names_are_named() {
        let e = "bar".parse::<Panel>().unwrap_err();
        assert!(e.starts_with("unknown panel \"bar\": use controls, readout, bars"), "{e}");
        let long = "x".repeat(500);
        assert!(long.parse::<Theme>().unwrap_err().len() < 120);
    }
}
