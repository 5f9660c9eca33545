//! View options that are part of the shared state but not of the scene:
//! the colour theme and the panels on screen (and their order).
//!
//! They travel in the URL, in the custom element's attributes and in
//! `din.state()`, so they parse from and print to the same short names.

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
    fn unknown_names_are_named() {
        let e = "bar".parse::<Panel>().unwrap_err();
        assert!(e.starts_with("unknown panel \"bar\": use controls, readout, bars"), "{e}");
        let long = "x".repeat(500);
        assert!(long.parse::<Theme>().unwrap_err().len() < 120);
    }
}
