//! Text layout helpers shared by the panels: line breaking that handles
//! Chinese, clipping with an ellipsis, fitting a font size, and small
//! drawing shorthands. Widths come from [`crate::draw`]'s measurer.

use crate::style::{err, text, text_width, DrawError, Style};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

/// A rectangle in backend pixels: left, top, right, bottom.
pub type Rect = (i32, i32, i32, i32);

/// `k` in Unicode subscript digits (`12` → `₁₂`).
pub(crate) fn sub(k: usize) -> String {
    k.to_string().chars().map(|c| c.to_digit(10).and_then(|d| char::from_u32(0x2080 + d)).unwrap_or(c)).collect()
}

pub(crate) fn rect<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, r: Rect, style: ShapeStyle) -> Result<(), DrawError> {
    area.draw(&Rectangle::new([(r.0, r.1), (r.2, r.3)], style)).map_err(err)
}

pub(crate) fn line<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, pts: Vec<(i32, i32)>, style: ShapeStyle) -> Result<(), DrawError> {
    area.draw(&PathElement::new(pts, style)).map_err(err)
}

fn is_cjk(c: char) -> bool {
    matches!(c, '\u{2E80}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}' | '\u{FF00}'..='\u{FFEF}')
}

/// Punctuation that must not start a line.
pub(crate) fn is_closing(c: char) -> bool {
    matches!(c, '，' | '。' | '、' | '：' | '；' | '）' | '！' | '？' | '…' | '」' | ')' | ',' | '.' | ':' | ';')
}

/// Whether a line may break between `a` and `b`.
pub(crate) fn can_break(a: char, b: char) -> bool {
    a == ' ' || b == ' ' || ((is_cjk(a) || is_cjk(b)) && !is_closing(b) && !matches!(a, '（' | '('))
}

/// Text width, with no-break spaces measured as the spaces they are.
pub(crate) fn width<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, s: &str, font: &TextStyle<'_>) -> i32 {
    if s.contains('\u{a0}') {
        text_width(area, &s.replace('\u{a0}', " "), font)
    } else {
        text_width(area, s, font)
    }
}

/// Greedy line breaking: at spaces, and between Chinese characters (not
/// before closing punctuation); a word longer than the line is split.
pub(crate) fn wrap<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, s: &str, font: &TextStyle<'_>, max_w: i32) -> Vec<String> {
    let mut lines = Vec::new();
    let mut cur: Vec<char> = Vec::new();
    let push = |lines: &mut Vec<String>, chars: &[char]| {
        let l: String = chars.iter().collect();
        let l = l.trim();
        if !l.is_empty() {
            lines.push(l.to_owned());
        }
    };
    for c in s.chars() {
        if cur.is_empty() && c == ' ' {
            continue;
        }
        cur.push(c);
        if cur.len() == 1 || width(area, &cur.iter().collect::<String>(), font) <= max_w {
            continue;
        }
        // Overflow: break at the last opportunity before `c`, if any.
        let last = cur.len() - 1;
        let cut = (1..=last).rev().find(|&j| can_break(cur[j - 1], cur[j])).unwrap_or(last);
        push(&mut lines, &cur[..cut]);
        cur.drain(..cut);
        while cur.first() == Some(&' ') {
            cur.remove(0);
        }
    }
    push(&mut lines, &cur);
    lines
}

/// Shortens `s` with an ellipsis until it fits in `max_w` at `font`.
pub(crate) fn clip_to<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, s: &str, font: &TextStyle<'_>, max_w: i32) -> String {
    if width(area, s, font) <= max_w {
        return s.to_owned();
    }
    let chars: Vec<char> = s.chars().collect();
    for keep in (1..chars.len()).rev() {
        let mut t: String = chars[..keep].iter().collect();
        t.push('…');
        if width(area, &t, font) <= max_w {
            return t;
        }
    }
    String::new()
}

/// The largest font size (CSS px, from `css` down to `min_css` in half
/// pixels) at which `s` fits in `max_w`.
#[allow(clippy::too_many_arguments)]
pub(crate) fn fit_px<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    s: &str,
    max_w: i32,
    css: f64,
    min_css: f64,
    bold: bool,
    st: &Style,
) -> f64 {
    let mut size = css;
    loop {
        let ink = st.palette().text;
        let font = if bold { st.bold(size, &ink) } else { st.font(size, &ink) };
        if size <= min_css || width(area, s, &font) <= max_w {
            return size.max(min_css);
        }
        size -= 0.5;
    }
}

/// The x at which a text centred on `x` stays inside the area, `margin`
/// pixels from its edges (the area's centre when it is wider than that).
pub(crate) fn inside_x<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, s: &str, font: &TextStyle<'_>, x: i32, margin: i32) -> i32 {
    let w = area.dim_in_pixel().0 as i32;
    let half = (width(area, s, font) + 1) / 2;
    let (lo, hi) = (margin + half, w - margin - half);
    if lo > hi { w / 2 } else { x.clamp(lo, hi) }
}

/// `s` in the largest font (CSS px, `css` down to `min_css`) at which it
/// fits in `max_w`, shortened with an ellipsis if it does not fit even at
/// `min_css`: the text to draw and its font.
#[allow(clippy::too_many_arguments)]
pub(crate) fn fit_clip<'a, DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    s: &str,
    max_w: i32,
    css: f64,
    min_css: f64,
    bold: bool,
    color: &'a RGBColor,
    st: &'a Style,
) -> (String, TextStyle<'a>) {
    let size = fit_px(area, s, max_w, css, min_css, bold, st);
    let font = if bold { st.bold(size, color) } else { st.font(size, color) };
    (clip_to(area, s, &font, max_w), font)
}

/// Draws `lines` one below the other from `at` (top), `line_h` apart.
pub(crate) fn text_lines<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    lines: &[String],
    at: (i32, i32),
    line_h: i32,
    font: &TextStyle<'_>,
    h: HPos,
) -> Result<(), DrawError> {
    for (k, l) in lines.iter().enumerate() {
        text(area, l, (at.0, at.1 + line_h * k as i32), font.clone(), h, VPos::Top)?;
    }
    Ok(())
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Renders with plotters' SVG backend into a string (shared by the panels' tests).
    pub(crate) fn svg<F: FnOnce(&DrawingArea<SVGBackend, Shift>)>(w: u32, h: u32, f: F) -> String {
        let mut out = String::new();
        {
            let root = SVGBackend::with_string(&mut out, (w, h)).into_drawing_area();
            f(&root);
            let _ = root.present();
        }
        out
    }

    #[test]
    fn subscripts_and_breaks() {
        assert_eq!(sub(12), "₁₂");
        assert!(can_break('字', '字'));
        assert!(!can_break('字', '，'));
        assert!(can_break('a', ' '));
        assert!(!can_break('a', 'b'));
    }

    #[test]
    fn wrap_keeps_words_and_splits_chinese() {
        let out = svg(400, 100, |root| {
            let st = Style::new(1.0);
            let font = st.font(15.0, &st.palette().text);
            let lines = wrap(root, "one two three four five six seven", &font, 80);
            assert!(lines.len() > 2 && lines.iter().all(|l| !l.starts_with(' ')));
            let zh = wrap(root, "候选物品与用户行为序列的相似度，作为权重。", &font, 90);
            assert!(zh.len() > 1 && zh.iter().all(|l| !l.starts_with('，')));
            let clipped = clip_to(root, "a very long label indeed", &font, 60);
            assert!(clipped.ends_with('…'));
        });
        assert!(out.starts_with("<svg"));
    }
}
