//! The interest-density map: the paper's Fig. 6 made live.
//!
//! Zhou et al. (KDD 2018, Fig. 6) colour a 2-D picture of item embeddings
//! by the score one user would give an item there: the user's interest is
//! *multimodal*, with one bump per interest. Here every point `p` of the
//! map stands for a candidate vector in the map's plane (see
//! [`plane_point`]), and the map is coloured by a number computed for that
//! candidate against the scene's LastN items (see [`Quantity`]):
//!
//! * [`Quantity::SumAlpha`]: `Σ_i α_i`, the paper's *interest intensity*
//!   (meaningful for the activation unit or without softmax; with softmax
//!   it is always 1 and the map is flat, which is the paper's point).
//! * [`Quantity::SmoothMax`]: `T · log Σ_i exp(s_i / T)`, a smooth maximum
//!   of the similarities `s_i`: high wherever some LastN item is similar.
//!
//! This module is pure: it samples numbers on a grid; drawing is in
//! [`crate::lecture::draw_density`].

use crate::attention::{attend, similarities};
use crate::i18n::Lang;
use crate::projection::{Basis, View};
use crate::scene::{shipped_unit, Definition, Scene};

/// What a density map shows at each point.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Quantity {
    /// `Σ_i α_i` for a candidate at that point: the interest intensity.
    SumAlpha,
    /// `T · log Σ_i exp(s_i / T)`: a smooth maximum of the similarities.
    SmoothMax {
        /// The temperature `T` (> 0); small `T` approaches the plain maximum.
        temperature: f64,
    },
}

impl Quantity {
    /// The quantity's label for the map's legend.
    ///
    /// ```
    /// use din_viz::density::Quantity;
    /// use din_viz::i18n::Lang;
    /// assert_eq!(Quantity::SumAlpha.label(Lang::En), "Σα (interest intensity)");
    /// assert_eq!(Quantity::SumAlpha.label(Lang::Zh), "Σα（兴趣强度）");
    /// ```
    #[must_use]
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Quantity::SumAlpha => lang.pick("Σα (interest intensity)", "Σα（兴趣强度）"),
            Quantity::SmoothMax { .. } => lang.pick(
                "T·log Σ exp(sᵢ/T): smooth maximum of similarities",
                "T·log Σ exp(sᵢ/T)：相似度的平滑最大值",
            ),
        }
    }
}

/// Values sampled at the centres of a `cols x rows` grid of cells covering
/// a [`View`]'s pixel rectangle.
#[derive(Clone, Debug, PartialEq)]
pub struct DensityGrid {
    /// Number of cells across.
    pub cols: usize,
    /// Number of cells down.
    pub rows: usize,
    /// `cols * rows` values, row-major, row 0 at the top of the map. A cell
    /// whose value could not be computed holds NaN (and is left blank).
    pub values: Vec<f64>,
    /// Smallest finite value (0 when there is none).
    pub min: f64,
    /// Largest finite value (0 when there is none).
    pub max: f64,
    /// What the values are.
    pub quantity: Quantity,
}

impl DensityGrid {
    /// The value of the cell in column `col` and row `row` (row 0 at the top).
    #[must_use]
    pub fn at(&self, col: usize, row: usize) -> Option<f64> {
        if col < self.cols && row < self.rows {
            self.values.get(row * self.cols + col).copied()
        } else {
            None
        }
    }
}

/// Largest number of cells [`grid`] samples along each side.
pub const MAX_CELLS_PER_SIDE: usize = 512;

/// The `d`-vector of the map's plane through the items' mean that
/// projects to the map point `p`:
/// `v = mean + (p1 - m1) u1 + (p2 - m2) u2` with `(m1, m2) = basis.project(mean)`.
/// For `d = 2` the map is the data, and this is `p` itself. The part of
/// `v` orthogonal to the plane is the mean's, so a point of the map is a
/// "typical" vector there, not one squashed towards the origin.
///
/// ```
/// use din_viz::density::plane_point;
/// use din_viz::projection::Basis;
/// let b = Basis::for_items(&[], 3); // the first two axes
/// assert_eq!(plane_point(&b, &[1.0, 1.0, 7.0], (2.0, -1.0)), vec![2.0, -1.0, 7.0]);
/// let b2 = Basis::for_items(&[1.0, 0.0, 0.0, 1.0], 2);
/// assert_eq!(plane_point(&b2, &[0.5, 0.5], (0.25, 3.0)), vec![0.25, 3.0]);
/// ```
#[must_use]
pub fn plane_point(basis: &Basis, mean: &[f64], p: (f64, f64)) -> Vec<f64> {
    if mean.len() == 2 && basis.kind == crate::projection::BasisKind::Direct {
        return vec![p.0, p.1];
    }
    basis.lift(mean, p)
}

/// Samples `intensity` at the centre of each cell of a `cols x rows` grid
/// over `view`'s pixel rectangle, each centre turned into a candidate
/// vector by [`plane_point`] through the mean of the scene's items. `None`
/// from `intensity` is stored as NaN. `cols` and `rows` are capped at
/// [`MAX_CELLS_PER_SIDE`]; either being 0 gives an empty grid.
#[must_use]
pub fn grid(
    scene: &Scene,
    basis: &Basis,
    view: &View,
    cols: usize,
    rows: usize,
    intensity: &dyn Fn(&[f64]) -> Option<f64>,
    quantity: Quantity,
) -> DensityGrid {
    let cols = cols.min(MAX_CELLS_PER_SIDE);
    let rows = rows.min(MAX_CELLS_PER_SIDE);
    let d = scene.dim();
    let mean = crate::attention::mean(&scene.keys(), d);
    let (l, t, r, b) = view.px;
    let mut values = Vec::with_capacity(cols * rows);
    for row in 0..rows {
        let sy = t + (b - t) * (row as f64 + 0.5) / rows as f64;
        for col in 0..cols {
            let sx = l + (r - l) * (col as f64 + 0.5) / cols as f64;
            let v = plane_point(basis, &mean, view.to_data((sx, sy)));
            values.push(intensity(&v).filter(|x| x.is_finite()).unwrap_or(f64::NAN));
        }
    }
    let finite = values.iter().copied().filter(|v| v.is_finite());
    let (min, max) = finite.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| (lo.min(v), hi.max(v)));
    let (min, max) = if min <= max { (min, max) } else { (0.0, 0.0) };
    DensityGrid { cols, rows, values, min, max, quantity }
}

/// `T · log Σ_i exp(s_i / T)`, a smooth maximum of `scores`, computed
/// stably as `m + T · log Σ_i exp((s_i - m) / T)` with `m = max_i s_i`.
/// It lies between `max s` and `max s + T log n`, and tends to `max s` as
/// `T → 0`.
///
/// Conventions: for no scores (n = 0) it is defined as 0, not `-inf`, so a
/// map of an empty LastN is flat; a temperature that is not a finite
/// positive number gives the plain maximum (the limit `T → 0`); NaN
/// scores are ignored.
///
/// ```
/// use din_viz::density::smooth_max;
/// assert!((smooth_max(&[0.0, 0.0], 1.0) - 2f64.ln()).abs() < 1e-15);
/// assert_eq!(smooth_max(&[1e308, 1e308], 1.0), 1e308);
/// assert_eq!(smooth_max(&[], 1.0), 0.0);
/// ```
#[must_use]
pub fn smooth_max(scores: &[f64], t: f64) -> f64 {
    let m = scores.iter().copied().filter(|s| !s.is_nan()).fold(f64::NEG_INFINITY, f64::max);
    if m == f64::NEG_INFINITY {
        return if scores.contains(&f64::NEG_INFINITY) { f64::NEG_INFINITY } else { 0.0 };
    }
    if !(m.is_finite() && t.is_finite() && t > 0.0) {
        return m;
    }
    let total: f64 = scores.iter().filter(|s| !s.is_nan()).map(|s| ((s - m) / t).exp()).sum();
    // total >= 1: the largest score contributes exp(0).
    m + t * total.ln()
}

/// The intensity function of `quantity` for the scene's own attention
/// (its similarity, normalization and temperature) against its LastN
/// items: for a candidate `v`, `Σ α` of `attend(v, x)` or the smooth
/// maximum of `similarity(v, x_i)`. `None` where the maths refuses (for
/// example on overflow). With softmax, `Σ α` is 1 everywhere.
///
/// ```
/// use din_viz::density::{scene_intensity, Quantity};
/// let s = din_viz::presets::default_scene();
/// let f = scene_intensity(&s, Quantity::SumAlpha);
/// assert!((f(&s.query).unwrap() - 1.0).abs() < 1e-12); // softmax: Σα = 1
/// ```
pub fn scene_intensity(scene: &Scene, quantity: Quantity) -> impl Fn(&[f64]) -> Option<f64> + '_ {
    let keys = scene.keys();
    move |v: &[f64]| match quantity {
        Quantity::SumAlpha => match scene.definition {
            // The paper's intensity: sum of alpha without softmax.
            Definition::Unit | Definition::Authors => shipped_unit(scene.activation)
                .ok()
                .and_then(|u| u.scores(v, &keys).ok())
                .map(|z| z.iter().map(|z| scene.weight.weight(*z)).sum()),
            Definition::Similarity => {
                attend(v, &keys, scene.similarity, scene.normalization, scene.temperature).ok().map(|a| a.alpha_sum)
            }
        },
        Quantity::SmoothMax { temperature } => {
            similarities(v, &keys, scene.similarity).ok().map(|s| smooth_max(&s, temperature))
        }
    }
}

/// Whether two scenes give the same density grid: the same items and
/// attention settings (the query, the candidate and the name do not enter
/// the grid, so moving `q` keeps it).
///
/// ```
/// use din_viz::density::same_inputs;
/// let a = din_viz::presets::default_scene();
/// let mut b = a.clone();
/// b.query[0] += 1.0;
/// assert!(same_inputs(&a, &b));
/// b.temperature = 2.0;
/// assert!(!same_inputs(&a, &b));
/// ```
#[must_use]
pub fn same_inputs(a: &Scene, b: &Scene) -> bool {
    a.similarity == b.similarity
        && a.normalization == b.normalization
        && a.temperature == b.temperature
        && a.definition == b.definition
        && a.activation == b.activation
        && a.items == b.items
}

/// The quantity the map shows for `scene`: the sum of alpha without softmax
/// for the activation unit (the paper's interest intensity), else the
/// smooth maximum `T log sum exp(s_i / T)` of the similarities.
#[must_use]
pub fn quantity_for(scene: &Scene) -> Quantity {
    match scene.definition {
        Definition::Unit | Definition::Authors => Quantity::SumAlpha,
        Definition::Similarity => Quantity::SmoothMax { temperature: scene.temperature },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::presets::default_scene;

    #[test]
    fn smooth_max_hand_values() {
        assert!((smooth_max(&[0.0, 0.0], 1.0) - 2f64.ln()).abs() < 1e-15);
        // One score: exactly that score, at any temperature.
        assert_eq!(smooth_max(&[3.5], 0.7), 3.5);
        // [1, 2], T = 1: log(e + e^2) = 2 + log(1 + e^-1).
        let want = 2.0 + (1.0 + (-1f64).exp()).ln();
        assert!((smooth_max(&[1.0, 2.0], 1.0) - want).abs() < 1e-15);
        // T = 2 on [0, 0, 0]: 2 log 3.
        assert!((smooth_max(&[0.0, 0.0, 0.0], 2.0) - 2.0 * 3f64.ln()).abs() < 1e-15);
        // Huge values stay finite; the naive formula overflows.
        assert_eq!(smooth_max(&[1e308, 1e308], 1.0), 1e308);
        assert!((smooth_max(&[1000.0, 1000.0], 1.0) - (1000.0 + 2f64.ln())).abs() < 1e-12);
        assert!((smooth_max(&[-1000.0, -1000.0], 1.0) - (-1000.0 + 2f64.ln())).abs() < 1e-12);
        // Tiny temperature: the plain maximum.
        assert!((smooth_max(&[1.0, 2.0], 1e-6) - 2.0).abs() < 1e-9);
        // Bounds: max <= smax <= max + T log n.
        let s = [0.3, -1.2, 2.5, 2.4];
        let v = smooth_max(&s, 0.5);
        assert!((2.5..=2.5 + 0.5 * 4f64.ln()).contains(&v));
    }

    #[test]
    fn smooth_max_conventions() {
        assert_eq!(smooth_max(&[], 1.0), 0.0);
        assert_eq!(smooth_max(&[1.0, 4.0], 0.0), 4.0);
        assert_eq!(smooth_max(&[1.0, 4.0], f64::NAN), 4.0);
        assert_eq!(smooth_max(&[f64::NAN, 4.0], 1.0), 4.0);
        assert_eq!(smooth_max(&[f64::INFINITY, 4.0], 1.0), f64::INFINITY);
        assert_eq!(smooth_max(&[f64::NEG_INFINITY], 1.0), f64::NEG_INFINITY);
    }

    #[test]
    fn plane_point_projects_back() {
        let s = default_scene();
        let basis = Basis::for_items(&s.keys(), s.dim());
        let mean = crate::attention::mean(&s.keys(), s.dim());
        for p in [(0.0, 0.0), (0.3, -0.2), (-1.5, 2.25), (4.0, 1.0)] {
            let v = plane_point(&basis, &mean, p);
            assert_eq!(v.len(), 8);
            let back = basis.project(&v);
            assert!((back.0 - p.0).abs() < 1e-12 && (back.1 - p.1).abs() < 1e-12, "{p:?} -> {back:?}");
        }
        // The mean itself is the plane point of its own projection.
        let v = plane_point(&basis, &mean, basis.project(&mean));
        for (a, b) in v.iter().zip(&mean) {
            assert!((a - b).abs() < 1e-12);
        }
        // d = 2: the point itself, exactly.
        let b2 = Basis::for_items(&[1.0, 2.0, 3.0, 4.0], 2);
        assert_eq!(plane_point(&b2, &[2.0, 3.0], (0.1, 0.7)), vec![0.1, 0.7]);
    }

    fn centroid(b: &Basis, s: &Scene, ids: std::ops::Range<usize>) -> (f64, f64) {
        let k = ids.len() as f64;
        let pts: Vec<(f64, f64)> = s.items[ids].iter().map(|it| b.project(&it.vector)).collect();
        (pts.iter().map(|p| p.0).sum::<f64>() / k, pts.iter().map(|p| p.1).sum::<f64>() / k)
    }

    /// The cell whose centre is nearest to data point `p`.
    fn cell_of(view: &View, g: &DensityGrid, p: (f64, f64)) -> (usize, usize) {
        let (sx, sy) = view.to_screen(p);
        let (l, t, r, b) = view.px;
        let col = (((sx - l) / (r - l) * g.cols as f64).floor() as usize).min(g.cols - 1);
        let row = (((sy - t) / (b - t) * g.rows as f64).floor() as usize).min(g.rows - 1);
        (col, row)
    }

    #[test]
    fn default_scene_is_dense_near_food() {
        // Default scene, dot similarity. The map's centre (the plane point
        // of the items' mean) lies between the three interests, away from
        // each; the food cluster (and each other cluster) is clearly denser.
        let s = default_scene();
        let basis = Basis::for_items(&s.keys(), s.dim());
        let food = centroid(&basis, &s, 0..3);
        let centre = basis.project(&crate::attention::mean(&s.keys(), s.dim()));
        let pts: Vec<(f64, f64)> = s.items.iter().map(|it| basis.project(&it.vector)).collect();
        let view = View::fit(&pts, (0.0, 0.0, 400.0, 300.0));
        for t in [1.0, 0.2] {
            let q = Quantity::SmoothMax { temperature: t };
            let f = scene_intensity(&s, q);
            let g = grid(&s, &basis, &view, 40, 30, &f, q);
            assert_eq!(g.values.len(), 1200);
            assert!(g.values.iter().all(|v| v.is_finite()));
            assert!(g.min < g.max);
            let (c1, r1) = cell_of(&view, &g, food);
            let (c2, r2) = cell_of(&view, &g, centre);
            let (near_v, far_v) = (g.at(c1, r1).unwrap_or(f64::NAN), g.at(c2, r2).unwrap_or(f64::NAN));
            assert!(near_v > far_v + 0.1, "T = {t}: near food {near_v}, far {far_v}");
            for ids in [3..6, 6..9] {
                let (c, r) = cell_of(&view, &g, centroid(&basis, &s, ids));
                assert!(g.at(c, r).unwrap_or(f64::NAN) > far_v + 0.1, "T = {t}");
            }
            // Each cell holds the intensity of its centre's plane point.
            let (l, t0, r, b) = view.px;
            let mean = crate::attention::mean(&s.keys(), s.dim());
            let px = (l + (r - l) * (c1 as f64 + 0.5) / 40.0, t0 + (b - t0) * (r1 as f64 + 0.5) / 30.0);
            let want = f(&plane_point(&basis, &mean, view.to_data(px))).unwrap_or(f64::NAN);
            assert_eq!(g.at(c1, r1), Some(want));
        }
    }

    #[test]
    fn grid_edges() {
        let s = default_scene();
        let basis = Basis::for_items(&s.keys(), s.dim());
        let view = View::fit(&[(1.0, 1.0)], (0.0, 0.0, 10.0, 10.0));
        let g = grid(&s, &basis, &view, 0, 5, &|_| Some(1.0), Quantity::SumAlpha);
        assert!(g.values.is_empty() && g.min == 0.0 && g.max == 0.0);
        let g = grid(&s, &basis, &view, 3, 2, &|_| None, Quantity::SumAlpha);
        assert_eq!(g.values.len(), 6);
        assert!(g.values.iter().all(|v| v.is_nan()));
        assert_eq!((g.min, g.max), (0.0, 0.0));
        assert_eq!(g.at(3, 0), None);
        let g = grid(&s, &basis, &view, 100_000, 1, &|_| Some(2.0), Quantity::SumAlpha);
        assert_eq!(g.cols, MAX_CELLS_PER_SIDE);
        // Softmax keeps Σα = 1: a flat map.
        let f = scene_intensity(&s, Quantity::SumAlpha);
        let g = grid(&s, &basis, &view, 4, 4, &f, Quantity::SumAlpha);
        assert!((g.max - g.min).abs() < 1e-12 && (g.max - 1.0).abs() < 1e-12);
    }

    #[test]
    fn labels_in_both_languages() {
        let q = Quantity::SmoothMax { temperature: 0.5 };
        assert!(q.label(Lang::En).contains("smooth maximum"));
        assert!(q.label(Lang::Zh).contains("平滑最大值"));
    }
}
