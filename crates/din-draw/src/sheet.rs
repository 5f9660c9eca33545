//! The export sheet (`din.toPNG("all")`, a slide): a title line with the
//! scene, the definition of alpha and the three readout numbers, then the
//! charts in a grid that suits a 16:9 page. This module draws the title and
//! lays out the grid; the caller draws each chart into its cell (the wasm
//! layer, which owns the charts' caches).

use din_core::attention::Attention;
use din_core::explain::{definition_text, fmt_num};
use din_core::i18n::Lang;
use din_core::scene::Scene;
use plotters::coord::Shift;
use plotters::prelude::*;

use crate::style::{err, DrawError, Style};
use crate::palette::palette;

/// Rows and columns of the sheet's grid for `k` charts (1 to 8).
///
/// ```
/// assert_eq!(din_draw::sheet::grid(3), (1, 3));
/// assert_eq!(din_draw::sheet::grid(4), (2, 2));
/// ```
#[must_use]
pub fn grid(k: usize) -> (usize, usize) {
    match k {
        0 | 1 => (1, 1),
        2 => (1, 2),
        3 => (1, 3),
        4 => (2, 2),
        5 | 6 => (2, 3),
        _ => (2, 4),
    }
}

/// Fills `area` with the theme's background, draws the title line
/// (`DIN · <name> — <definition>` and Σα, |pooled|, |mean|) and returns
/// one area per chart, `k` of them, each inside a small gap.
pub fn draw_sheet<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    name: &str,
    scene: &Scene,
    att: &Attention,
    lang: Lang,
    k: usize,
    st: &Style,
) -> Result<Vec<DrawingArea<DB, Shift>>, DrawError> {
    let pal = palette(st.theme);
    area.fill(&pal.background).map_err(err)?;
    let title_h = st.px(56.0 * st.font_scale);
    let (head, body) = area.split_vertically(title_h);
    let title = format!("DIN · {name} — {}", definition_text(scene, lang));
    let numbers = format!(
        "Σα = {}    |{}| = {}    |{}| = {}",
        fmt_num(att.alpha_sum),
        lang.pick("pooled", "加权和"),
        fmt_num(att.pooled_norm),
        lang.pick("mean", "平均"),
        fmt_num(att.mean_norm)
    );
    let fs = 20.0 * st.font_scale;
    head.draw(&Text::new(title, (st.px(12.0), st.px(8.0)), st.bold(fs, &pal.text))).map_err(err)?;
    head.draw(&Text::new(numbers, (st.px(12.0), st.px(8.0) + st.px(fs * 1.3)), st.font(fs * 0.8, &pal.muted))).map_err(err)?;
    let cells = body.split_evenly(grid(k));
    let gap = st.px(6.0);
    Ok(cells.iter().take(k).map(|cell| cell.margin(gap, gap, gap, gap)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use din_core::presets::default_scene;

    #[test]
    fn every_chart_gets_a_cell_inside_the_body() {
        for k in 1..=8 {
            let (r, c) = grid(k);
            assert!(r * c >= k, "{k} charts in {r}x{c}");
        }
        let s = default_scene();
        let a = s.attention().unwrap();
        let mut svg = String::new();
        let back = SVGBackend::with_string(&mut svg, (1200, 700)).into_drawing_area();
        let cells = draw_sheet(&back, "test", &s, &a, Lang::En, 3, &Style::new(1.0)).unwrap();
        assert_eq!(cells.len(), 3);
        for cell in &cells {
            let (x, y) = cell.get_base_pixel();
            let (w, h) = cell.dim_in_pixel();
            assert!(y >= 56 && y as u32 + h <= 700 && x as u32 + w <= 1200 && w > 300, "{x},{y} {w}x{h}");
        }
    }
}
