//! Coloured cells (the heatmap's, the lecture strips') as one bitmap.
//!
//! A chart with hundreds of cells used to cost one filled rectangle, so one
//! colour string and one canvas call, per cell. With [`Style::bitmap_cells`]
//! on (the page's canvases), [`Cells`] writes the cells' RGB bytes into one
//! buffer and hands it to the backend's `blit_bitmap` once per
//! [`Cells::flush`] (the canvas backend puts it with one `putImageData`).
//! Off (SVG export, tests), every cell is the filled rectangle it always
//! was. Both give the same pixels: cells sit on whole backend pixels and
//! their colours are opaque.

use plotters::coord::Shift;
use plotters::drawing::DrawingArea;
use plotters::element::{Drawable, PointCollection};
use plotters::prelude::*;
use plotters_backend::{BackendCoord, DrawingBackend, DrawingErrorKind};

use crate::style::{err, DrawError, Style};

/// Regions with fewer cells than this are drawn as rectangles even with
/// [`Style::bitmap_cells`] (measured in headless Chromium: the default
/// page's 8-cell strips and 80-cell heatmap runs were slower as bitmaps).
pub const MIN_BITMAP_CELLS: usize = 256;

pub use crate::style::MAX_PIXELS_PER_CELL;

/// The pending cells of one region: `(x0, y0, x1, y1)` in the area's
/// pixels (right and bottom exclusive), RGB bytes row by row.
pub struct Cells {
    bitmap: bool,
    max_pixels_per_cell: usize,
    region: Option<(i32, i32, i32, i32)>,
    rgb: Vec<u8>,
}

/// One bitmap to blit at `at` (area pixels).
struct Blit<'b> {
    at: BackendCoord,
    size: (u32, u32),
    rgb: &'b [u8],
}

impl<'a, 'b> PointCollection<'a, BackendCoord> for &'a Blit<'b> {
    type Point = &'a BackendCoord;
    type IntoIter = std::iter::Once<&'a BackendCoord>;
    fn point_iter(self) -> Self::IntoIter {
        std::iter::once(&self.at)
    }
}

impl<DB: DrawingBackend> Drawable<DB> for Blit<'_> {
    fn draw<I: Iterator<Item = BackendCoord>>(&self, mut pos: I, backend: &mut DB, _: (u32, u32)) -> Result<(), DrawingErrorKind<DB::ErrorType>> {
        match pos.next() {
            Some(at) => backend.blit_bitmap(at, self.size, self.rgb),
            None => Ok(()),
        }
    }
}

impl Cells {
    /// Cells drawn as a bitmap when `st.bitmap_cells`, else as rectangles.
    #[must_use]
    pub fn new(st: &Style) -> Self {
        Cells { bitmap: st.bitmap_cells, max_pixels_per_cell: st.bitmap_max_pixels_per_cell, region: None, rgb: Vec::new() }
    }

    /// Starts a region `(x0, y0, x1, y1)` of about `count` cells (flushing
    /// any pending one): cells outside it are clipped. The region starts as
    /// `ground`. A region of fewer than [`MIN_BITMAP_CELLS`] cells is drawn
    /// as rectangles: a canvas's `putImageData` first rasters every drawing
    /// call queued before it, which costs more than a few dozen fills.
    pub fn begin<DB: DrawingBackend>(&mut self, area: &DrawingArea<DB, Shift>, region: (i32, i32, i32, i32), count: usize, ground: RGBColor) -> Result<(), DrawError> {
        self.flush(area)?;
        let (x0, y0, x1, y1) = region;
        let (w, h) = ((x1 - x0).max(0) as usize, (y1 - y0).max(0) as usize);
        if !self.bitmap || count < MIN_BITMAP_CELLS || w * h > count.saturating_mul(self.max_pixels_per_cell) {
            return Ok(());
        }
        self.rgb.clear();
        self.rgb.reserve(w * h * 3);
        for _ in 0..w * h {
            self.rgb.extend_from_slice(&[ground.0, ground.1, ground.2]);
        }
        self.region = Some(region);
        Ok(())
    }

    /// One cell `(x0, y0, x1, y1)` of colour `c`.
    pub fn fill<DB: DrawingBackend>(&mut self, area: &DrawingArea<DB, Shift>, cell: (i32, i32, i32, i32), c: RGBColor) -> Result<(), DrawError> {
        let Some((rx0, ry0, rx1, ry1)) = self.region.filter(|_| self.bitmap) else {
            return area.draw(&Rectangle::new([(cell.0, cell.1), (cell.2, cell.3)], c.filled())).map_err(err);
        };
        let w = (rx1 - rx0) as usize;
        let (x0, x1) = (cell.0.max(rx0), cell.2.min(rx1));
        let (y0, y1) = (cell.1.max(ry0), cell.3.min(ry1));
        if x0 >= x1 || y0 >= y1 {
            return Ok(());
        }
        for y in y0..y1 {
            let row = (y - ry0) as usize * w;
            let line = &mut self.rgb[(row + (x0 - rx0) as usize) * 3..(row + (x1 - rx0) as usize) * 3];
            for px in line.chunks_exact_mut(3) {
                px.copy_from_slice(&[c.0, c.1, c.2]);
            }
        }
        Ok(())
    }

    /// Puts the pending region on the area (one `blit_bitmap`).
    pub fn flush<DB: DrawingBackend>(&mut self, area: &DrawingArea<DB, Shift>) -> Result<(), DrawError> {
        let Some((x0, y0, x1, y1)) = self.region.take() else { return Ok(()) };
        if x1 <= x0 || y1 <= y0 {
            return Ok(());
        }
        let blit = Blit { at: (x0, y0), size: ((x1 - x0) as u32, (y1 - y0) as u32), rgb: &self.rgb };
        area.draw(&blit).map_err(err)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use plotters_backend::{BackendColor, BackendStyle, BackendTextStyle};
    use std::cell::RefCell;
    use std::rc::Rc;

    /// What a [`Raster`] drew: pixels of filled rectangles and blits (everything else ignored).
    #[derive(Default)]
    struct Pixels {
        px: Vec<[u8; 3]>,
        blits: usize,
        rects: usize,
    }

    struct Raster {
        w: u32,
        h: u32,
        out: Rc<RefCell<Pixels>>,
    }

    #[derive(Debug)]
    struct Never;
    impl std::fmt::Display for Never {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("never")
        }
    }
    impl std::error::Error for Never {}

    impl DrawingBackend for Raster {
        type ErrorType = Never;
        fn get_size(&self) -> (u32, u32) {
            (self.w, self.h)
        }
        fn ensure_prepared(&mut self) -> Result<(), DrawingErrorKind<Never>> {
            Ok(())
        }
        fn present(&mut self) -> Result<(), DrawingErrorKind<Never>> {
            Ok(())
        }
        fn draw_pixel(&mut self, _: BackendCoord, _: BackendColor) -> Result<(), DrawingErrorKind<Never>> {
            Ok(())
        }
        fn draw_rect<S: BackendStyle>(&mut self, a: BackendCoord, b: BackendCoord, style: &S, fill: bool) -> Result<(), DrawingErrorKind<Never>> {
            if fill {
                let mut o = self.out.borrow_mut();
                o.rects += 1;
                let c = style.color().rgb;
                for y in a.1.max(0)..b.1.min(self.h as i32) {
                    for x in a.0.max(0)..b.0.min(self.w as i32) {
                        o.px[(y as u32 * self.w + x as u32) as usize] = [c.0, c.1, c.2];
                    }
                }
            }
            Ok(())
        }
        fn blit_bitmap(&mut self, at: BackendCoord, (w, h): (u32, u32), src: &[u8]) -> Result<(), DrawingErrorKind<Never>> {
            let mut o = self.out.borrow_mut();
            o.blits += 1;
            for y in 0..h {
                for x in 0..w {
                    let (tx, ty) = (at.0 + x as i32, at.1 + y as i32);
                    if tx >= 0 && ty >= 0 && (tx as u32) < self.w && (ty as u32) < self.h {
                        let i = ((y * w + x) * 3) as usize;
                        o.px[(ty as u32 * self.w + tx as u32) as usize] = [src[i], src[i + 1], src[i + 2]];
                    }
                }
            }
            Ok(())
        }
        fn estimate_text_size<S: BackendTextStyle>(&self, text: &str, style: &S) -> Result<(u32, u32), DrawingErrorKind<Never>> {
            Ok(((text.chars().count() as f64 * style.size() * 0.5) as u32, style.size() as u32))
        }
        fn draw_text<S: BackendTextStyle>(&mut self, _: &str, _: &S, _: BackendCoord) -> Result<(), DrawingErrorKind<Never>> {
            Ok(())
        }
    }

    const W: u32 = 1200;
    const H: u32 = 700;

    fn heatmap(scene: &din_core::scene::Scene, bitmap: bool, highlight: Option<usize>) -> (Pixels, crate::draw::HeatmapLayout) {
        let att = scene.validate().unwrap();
        let mut st = Style::new(2.0);
        st.bitmap_cells = bitmap;
        st.bitmap_max_pixels_per_cell = usize::MAX;
        st.highlight = highlight;
        let out = Rc::new(RefCell::new(Pixels { px: vec![[0; 3]; (W * H) as usize], ..Pixels::default() }));
        let area = Raster { w: W, h: H, out: out.clone() }.into_drawing_area();
        let lay = crate::draw::draw_heatmap(&area, scene, &att, &st).unwrap();
        drop(area);
        (Rc::try_unwrap(out).ok().unwrap().into_inner(), lay)
    }

    #[test]
    fn heatmap_cells_as_one_bitmap_give_the_rectangles_pixels() {
        let scene = din_core::presets::default_scene();
        let cells = (scene.items.len() + 3) * scene.dim();
        for highlight in [None, Some(2)] {
            let (rects, _) = heatmap(&scene, false, highlight);
            let (bits, _) = heatmap(&scene, true, highlight);
            let diff: Vec<(usize, usize, [u8; 3], [u8; 3])> =
                (0..rects.px.len()).filter(|&i| rects.px[i] != bits.px[i]).map(|i| (i % W as usize, i / W as usize, rects.px[i], bits.px[i])).collect();
            assert!(diff.is_empty(), "the same pixels either way: {} differ, first {:?}, last {:?}", diff.len(), diff.first(), diff.last());
            // The default scene's runs are small: rectangles either way.
            assert_eq!((bits.blits, bits.rects), (0, rects.rects), "{cells} cells in short runs stay rectangles");
        }
    }

    /// Draws `f` with cells as rectangles and as bitmaps: the pixels and the number of blits.
    fn both(f: &dyn Fn(&DrawingArea<Raster, Shift>, &Style)) -> (Pixels, Pixels) {
        let run = |bitmap: bool| {
            let mut st = Style::new(2.0);
            st.bitmap_cells = bitmap;
            st.bitmap_max_pixels_per_cell = usize::MAX;
            let out = Rc::new(RefCell::new(Pixels { px: vec![[0; 3]; (W * H) as usize], ..Pixels::default() }));
            let area = Raster { w: W, h: H, out: out.clone() }.into_drawing_area();
            f(&area, &st);
            drop(area);
            Rc::try_unwrap(out).ok().unwrap().into_inner()
        };
        (run(false), run(true))
    }

    fn same(a: &Pixels, b: &Pixels, what: &str) {
        let diff = (0..a.px.len()).filter(|&i| a.px[i] != b.px[i]).count();
        assert_eq!(diff, 0, "{what}: {diff} pixels differ");
    }

    #[test]
    fn lecture_strips_and_a_long_heatmap_as_bitmaps_give_the_rectangles_pixels() {
        let small = din_core::presets::default_scene();
        let long = din_core::presets::generated(1000, 64, 7);
        for scene in [&small, &long] {
            let att = scene.validate().unwrap();
            let n = scene.items.len();
            for step in [0, 2, n + 1, n + 2, usize::MAX] {
                let (r, b) = both(&|a, st| {
                    crate::lecture::draw_steps_at(a, scene, &att, step, 1.0, st).unwrap();
                });
                same(&r, &b, &format!("steps at step {step}, n = {n}"));
                if scene.dim() * 4 >= MIN_BITMAP_CELLS {
                    // d = 64: each strip's 64 cells are too few alone; see the heatmap below.
                    assert!(b.rects <= r.rects);
                }
            }
            let (r, b) = both(&|a, st| {
                crate::lecture::draw_qkv(a, scene, &att, st).unwrap();
            });
            same(&r, &b, "qkv");
            for placement in [crate::lecture::Placement::Ranking, crate::lecture::Placement::UserTower] {
                let (r, b) = both(&|a, st| {
                    crate::lecture::draw_towers(a, scene, &att, placement, st).unwrap();
                });
                same(&r, &b, "towers");
            }
            let (r, b) = both(&|a, st| {
                crate::draw::draw_heatmap(a, scene, &att, st).unwrap();
            });
            same(&r, &b, &format!("heatmap, n = {n}"));
            assert!(b.blits <= 6, "{} blits", b.blits);
            if n > crate::draw::ALL_ROWS {
                // 30 rows of 64 cells: one bitmap, not 1,920 rectangles.
                assert!(b.blits >= 1 && r.rects - b.rects >= 30 * 64, "{} blits, {} vs {} rectangles", b.blits, b.rects, r.rects);
            }
        }
    }

    #[test]
    fn a_region_with_many_pixels_per_cell_stays_rectangles() {
        // The page's rule: at most MAX_PIXELS_PER_CELL pixels per cell.
        let scene = din_core::presets::generated(1000, 64, 3);
        let att = scene.validate().unwrap();
        let mut st = Style::new(2.0);
        st.bitmap_cells = true;
        let out = Rc::new(RefCell::new(Pixels { px: vec![[0; 3]; (W * H) as usize], ..Pixels::default() }));
        let area = Raster { w: W, h: H, out: out.clone() }.into_drawing_area();
        crate::draw::draw_heatmap(&area, &scene, &att, &st).unwrap();
        drop(area);
        assert_eq!(out.borrow().blits, 0, "1,920 cells on about 500,000 pixels: rectangles");
    }

    #[test]
    fn a_heatmap_cell_has_its_value_colour() {
        // The q row's first cell: the colour of q_1 on the heatmap's scale,
        // in a scene whose item rows go out as one bitmap.
        let scene = din_core::presets::generated(1000, 64, 3);
        let (bits, lay) = heatmap(&scene, true, None);
        assert!(bits.blits >= 1);
        let want = Style::new(2.0).palette().diverging(scene.query[0], lay.limit);
        let q_row = crate::draw::TOP_ROWS;
        let x = (lay.col_x[0] + lay.col_x[1]) / 2;
        let y = lay.row_y[q_row] + (lay.row_h / 2.0) as i32;
        assert_eq!(bits.px[(y as u32 * W + x as u32) as usize], [want.0, want.1, want.2]);
        assert_ne!([want.0, want.1, want.2], bits.px[0], "not the ground colour");
        // And an item row's cell (drawn in the bitmap): the top item's first component.
        let top = crate::draw::shown_rows(&scene.validate().unwrap().alpha)[0];
        let want = Style::new(2.0).palette().diverging(scene.items[top].vector[0], lay.limit);
        let y = lay.row_y[0] + (lay.row_h / 2.0) as i32;
        assert_eq!(bits.px[(y as u32 * W + x as u32) as usize], [want.0, want.1, want.2]);
    }
}
