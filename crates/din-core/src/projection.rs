//! 2-D projection of the scene's vectors for the map, and the conversion
//! between screen pixels and data.
//!
//! * For `d = 2` the map shows the vectors directly (the basis is the two
//!   unit axes).
//! * For `d > 2` with at least two items, the basis is the first two
//!   principal axes of the items `x_i` alone (PCA of their covariance
//!   around the items' mean). `q`, pooled and mean do not move the basis,
//!   so dragging `q` never shifts the ground. Sign convention: each axis is
//!   flipped so that its largest-magnitude component is positive (the first
//!   such component on ties).
//! * With fewer than two items (or `d = 1`) the basis falls back to the
//!   first two coordinate axes (the second is all zeros when `d = 1`).
//!
//! Points are projected *without* centring: `p = (u1 · v, u2 · v)`. The
//! projection is therefore linear, so the projected mean is the centroid of
//! the projected items, the projected pooled vector is the alpha-weighted
//! sum of the projected items, and the origin stays at the origin, which is
//! where the map draws the pooled and mean arrows from.

use nalgebra::{DMatrix, SymmetricEigen};

/// How the current basis was obtained; shown on the map's caption.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BasisKind {
    /// `d = 2`: the map is the data itself.
    Direct,
    /// First two principal axes of the items.
    Pca,
    /// Fewer than two items or `d = 1`: the first two coordinate axes.
    FirstAxes,
}

/// Two orthonormal axes `u1`, `u2` in `R^d` (or `u2 = 0` when `d = 1`).
#[derive(Clone, Debug, PartialEq)]
pub struct Basis {
    /// First axis (horizontal on the map).
    pub u1: Vec<f64>,
    /// Second axis (vertical on the map).
    pub u2: Vec<f64>,
    /// How the axes were chosen.
    pub kind: BasisKind,
    /// Share of the items' variance the two axes explain (1 for `Direct`).
    pub explained: f64,
}

fn unit(d: usize, k: usize) -> Vec<f64> {
    let mut v = vec![0.0; d];
    if k < d {
        v[k] = 1.0;
    }
    v
}

/// Flips `v` so that its largest-magnitude entry (first on ties) is positive.
fn fix_sign(v: &mut [f64]) {
    let mut best = 0;
    for (k, x) in v.iter().enumerate() {
        if x.abs() > v[best].abs() * (1.0 + 1e-12) {
            best = k;
        }
    }
    if v.get(best).is_some_and(|x| *x < 0.0) {
        for x in v.iter_mut() {
            *x = -*x;
        }
    }
}

impl Basis {
    /// The basis for items given as `n * d` row-major numbers.
    ///
    /// ```
    /// use din_core::projection::{Basis, BasisKind};
    /// // Items spread along the 3rd axis most, then the 1st.
    /// let keys = [1.0, 0.0, 5.0,  -1.0, 0.0, -5.0,  0.0, 0.0, 0.0];
    /// let b = Basis::for_items(&keys, 3);
    /// assert_eq!(b.kind, BasisKind::Pca);
    /// assert!((b.u1[2].abs() - 1.0).abs() < 1e-6 || b.u1[2] > 0.9);
    /// assert_eq!(Basis::for_items(&[1.0, 2.0], 2).kind, BasisKind::Direct);
    /// assert_eq!(Basis::for_items(&[1.0, 2.0, 3.0], 3).kind, BasisKind::FirstAxes);
    /// ```
    #[must_use]
    pub fn for_items(keys: &[f64], d: usize) -> Basis {
        if d == 2 {
            return Basis { u1: unit(2, 0), u2: unit(2, 1), kind: BasisKind::Direct, explained: 1.0 };
        }
        let n = keys.len().checked_div(d).unwrap_or(0);
        let fallback = Basis { u1: unit(d, 0), u2: unit(d, 1), kind: BasisKind::FirstAxes, explained: f64::NAN };
        if n < 2 || d < 2 {
            return fallback;
        }
        // Scale to avoid overflow in the covariance of huge vectors.
        let scale = keys.iter().fold(0.0_f64, |m, x| m.max(x.abs()));
        if scale == 0.0 || !scale.is_finite() {
            return fallback;
        }
        let x = DMatrix::from_fn(n, d, |i, k| keys[i * d + k] / scale);
        let centroid = x.row_mean();
        let mut c = x.clone();
        for mut row in c.row_iter_mut() {
            row -= &centroid;
        }
        let cov = c.transpose() * &c / n as f64;
        let eig = SymmetricEigen::new(cov);
        let order = crate::attention::descending_order(eig.eigenvalues.as_slice());
        let total: f64 = eig.eigenvalues.iter().map(|v| v.max(0.0)).sum();
        if total <= 0.0 || !total.is_finite() {
            return fallback; // all items identical
        }
        let mut u1: Vec<f64> = eig.eigenvectors.column(order[0]).iter().copied().collect();
        let mut u2: Vec<f64> = eig.eigenvectors.column(order[1]).iter().copied().collect();
        fix_sign(&mut u1);
        fix_sign(&mut u2);
        let explained = (eig.eigenvalues[order[0]].max(0.0) + eig.eigenvalues[order[1]].max(0.0)) / total;
        Basis { u1, u2, kind: BasisKind::Pca, explained }
    }

    /// Projects `v` onto the two axes: `(u1 · v, u2 · v)`.
    ///
    /// ```
    /// use din_core::projection::Basis;
    /// let b = Basis::for_items(&[], 3); // first two axes
    /// assert_eq!(b.project(&[4.0, 5.0, 6.0]), (4.0, 5.0));
    /// ```
    #[must_use]
    pub fn project(&self, v: &[f64]) -> (f64, f64) {
        let dot = |u: &[f64]| u.iter().zip(v).map(|(a, b)| a * b).sum::<f64>();
        (dot(&self.u1), dot(&self.u2))
    }

    /// Moves `v` within the plane of the two axes so that its projection
    /// becomes `target`: `v' = v + (t1 - p1) u1 + (t2 - p2) u2`. The part of
    /// `v` orthogonal to the plane is unchanged.
    ///
    /// ```
    /// use din_core::projection::Basis;
    /// let b = Basis::for_items(&[], 3);
    /// assert_eq!(b.lift(&[1.0, 1.0, 7.0], (2.0, -1.0)), vec![2.0, -1.0, 7.0]);
    /// ```
    #[must_use]
    pub fn lift(&self, v: &[f64], target: (f64, f64)) -> Vec<f64> {
        let (p1, p2) = self.project(v);
        let (d1, d2) = (target.0 - p1, target.1 - p2);
        v.iter()
            .zip(self.u1.iter().zip(&self.u2))
            .map(|(x, (a, b))| x + d1 * a + d2 * b)
            .collect()
    }

    /// A shorter description for narrow screens.
    #[must_use]
    pub fn describe_short(&self, lang: crate::i18n::Lang) -> String {
        let zh = lang == crate::i18n::Lang::Zh;
        match (self.kind, zh) {
            (BasisKind::Direct, false) => "d = 2: drawn directly".to_owned(),
            (BasisKind::Direct, true) => "d = 2：直接绘制".to_owned(),
            (BasisKind::Pca, false) => format!("PCA of LastN: {:.0}% of variance", 100.0 * self.explained),
            (BasisKind::Pca, true) => format!("LastN 的 PCA：{:.0}% 方差", 100.0 * self.explained),
            (BasisKind::FirstAxes, false) => "axes: components 1 and 2".to_owned(),
            (BasisKind::FirstAxes, true) => "坐标轴：分量 1 和 2".to_owned(),
        }
    }

    /// A short human description of the axes, for the map's caption.
    #[must_use]
    pub fn describe(&self, lang: crate::i18n::Lang) -> String {
        let zh = lang == crate::i18n::Lang::Zh;
        match (self.kind, zh) {
            (BasisKind::Direct, false) => "d = 2: the map shows the vectors directly".to_owned(),
            (BasisKind::Direct, true) => "d = 2：直接显示向量".to_owned(),
            (BasisKind::Pca, false) => format!(
                "PCA of the LastN items: the two axes explain {:.0}% of their variance",
                100.0 * self.explained
            ),
            (BasisKind::Pca, true) => format!("LastN 物品的 PCA：两个坐标轴解释了 {:.0}% 的方差", 100.0 * self.explained),
            (BasisKind::FirstAxes, false) => "fewer than 2 distinct items: axes are components 1 and 2".to_owned(),
            (BasisKind::FirstAxes, true) => "不同物品少于 2 个：坐标轴为分量 1 和 2".to_owned(),
        }
    }
}

/// Maps data coordinates of the map to pixels and back.
///
/// The pixel rectangle is `[left, right] x [top, bottom]` (y grows down);
/// data x runs left to right and data y bottom to top. Both axes use the
/// same scale (pixels per unit), so angles and distances on the map are true.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct View {
    /// Pixel rectangle of the plotting area: left, top, right, bottom.
    pub px: (f64, f64, f64, f64),
    /// Data range shown horizontally.
    pub x: (f64, f64),
    /// Data range shown vertically.
    pub y: (f64, f64),
}

impl View {
    /// The view that shows every point (and the origin) with a margin, at
    /// equal scale on both axes, in the pixel rectangle `px`.
    ///
    /// ```
    /// use din_core::projection::View;
    /// let v = View::fit(&[(1.0, 1.0), (-1.0, 0.5)], (0.0, 0.0, 200.0, 100.0));
    /// let (sx, sy) = ((v.x.1 - v.x.0) / 200.0, (v.y.1 - v.y.0) / 100.0);
    /// assert!((sx - sy).abs() < 1e-12);
    /// assert!(v.x.0 < -1.0 && v.x.1 > 1.0 && v.y.1 > 1.0);
    /// ```
    #[must_use]
    pub fn fit(points: &[(f64, f64)], px: (f64, f64, f64, f64)) -> View {
        let (mut x0, mut x1, mut y0, mut y1) = (0.0_f64, 0.0_f64, 0.0_f64, 0.0_f64);
        for &(x, y) in points {
            if x.is_finite() && y.is_finite() {
                x0 = x0.min(x);
                x1 = x1.max(x);
                y0 = y0.min(y);
                y1 = y1.max(y);
            }
        }
        let span = (x1 - x0).max(y1 - y0).max(1e-9);
        let pad = 0.16 * span;
        let (mut x0, mut x1, mut y0, mut y1) = (x0 - pad, x1 + pad, y0 - pad, y1 + pad);
        let w = (px.2 - px.0).max(1.0);
        let h = (px.3 - px.1).max(1.0);
        let per_px = ((x1 - x0) / w).max((y1 - y0) / h);
        let (cx, cy) = ((x0 + x1) / 2.0, (y0 + y1) / 2.0);
        x0 = cx - per_px * w / 2.0;
        x1 = cx + per_px * w / 2.0;
        y0 = cy - per_px * h / 2.0;
        y1 = cy + per_px * h / 2.0;
        View { px, x: (x0, x1), y: (y0, y1) }
    }

    /// Data point to pixel.
    #[must_use]
    pub fn to_screen(&self, p: (f64, f64)) -> (f64, f64) {
        let (l, t, r, b) = self.px;
        let sx = l + (p.0 - self.x.0) / (self.x.1 - self.x.0) * (r - l);
        let sy = b - (p.1 - self.y.0) / (self.y.1 - self.y.0) * (b - t);
        (sx, sy)
    }

    /// Pixel to data point; the inverse of [`View::to_screen`].
    ///
    /// ```
    /// use din_core::projection::View;
    /// let v = View { px: (10.0, 10.0, 110.0, 60.0), x: (-1.0, 1.0), y: (0.0, 1.0) };
    /// assert_eq!(v.to_data((60.0, 35.0)), (0.0, 0.5));
    /// assert_eq!(v.to_screen((0.0, 0.5)), (60.0, 35.0));
    /// ```
    #[must_use]
    pub fn to_data(&self, s: (f64, f64)) -> (f64, f64) {
        let (l, t, r, b) = self.px;
        let x = self.x.0 + (s.0 - l) / (r - l) * (self.x.1 - self.x.0);
        let y = self.y.0 + (b - s.1) / (b - t) * (self.y.1 - self.y.0);
        (x, y)
    }

    /// Data units per pixel (equal on both axes).
    #[must_use]
    pub fn per_px(&self) -> f64 {
        (self.x.1 - self.x.0) / (self.px.2 - self.px.0).max(1.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pca_axes_are_orthonormal_and_signed() {
        let s = crate::presets::default_scene();
        let b = Basis::for_items(&s.keys(), s.dim());
        let dot = |a: &[f64], c: &[f64]| a.iter().zip(c).map(|(x, y)| x * y).sum::<f64>();
        assert!((dot(&b.u1, &b.u1) - 1.0).abs() < 1e-12);
        assert!((dot(&b.u2, &b.u2) - 1.0).abs() < 1e-12);
        assert!(dot(&b.u1, &b.u2).abs() < 1e-12);
        for u in [&b.u1, &b.u2] {
            let m = u.iter().copied().fold(0.0_f64, |m, x| if x.abs() > m.abs() { x } else { m });
            assert!(m > 0.0);
        }
        assert!(b.explained > 0.5 && b.explained <= 1.0 + 1e-12);
    }

    #[test]
    fn projection_is_linear_so_mean_is_centroid() {
        let s = crate::presets::default_scene();
        let b = Basis::for_items(&s.keys(), s.dim());
        let a = s.validate().unwrap();
        let pm = b.project(&a.mean);
        let n = s.items.len() as f64;
        let cx: f64 = s.items.iter().map(|it| b.project(&it.vector).0).sum::<f64>() / n;
        assert!((pm.0 - cx).abs() < 1e-12);
    }

    #[test]
    fn pca_separates_clusters() {
        // The three interests of the default scene land in three separate
        // places on the map: each item is closer to its own cluster's
        // centroid than to any other cluster's.
        let s = crate::presets::default_scene();
        let b = Basis::for_items(&s.keys(), s.dim());
        let p: Vec<(f64, f64)> = s.items.iter().map(|it| b.project(&it.vector)).collect();
        let centroid = |c: usize| {
            let pts = &p[3 * c..3 * c + 3];
            (pts.iter().map(|q| q.0).sum::<f64>() / 3.0, pts.iter().map(|q| q.1).sum::<f64>() / 3.0)
        };
        let cs: Vec<(f64, f64)> = (0..3).map(centroid).collect();
        for (i, pt) in p.iter().enumerate() {
            let dist = |c: (f64, f64)| ((pt.0 - c.0).powi(2) + (pt.1 - c.1).powi(2)).sqrt();
            let own = dist(cs[i / 3]);
            for (c, cc) in cs.iter().enumerate() {
                if c != i / 3 {
                    assert!(own * 2.0 < dist(*cc), "item {i}");
                }
            }
        }
    }

    #[test]
    fn lift_round_trips_through_projection() {
        let keys = [1.0, 2.0, 3.0, -1.0, 0.5, 2.0, 0.0, 1.0, -2.0];
        let b = Basis::for_items(&keys, 3);
        let v = [0.3, -0.7, 1.1];
        let w = b.lift(&v, (2.0, -3.0));
        let (p1, p2) = b.project(&w);
        assert!((p1 - 2.0).abs() < 1e-12 && (p2 + 3.0).abs() < 1e-12);
    }

    #[test]
    fn view_round_trip() {
        let v = View::fit(&[(3.0, -2.0), (0.5, 4.0)], (40.0, 20.0, 640.0, 420.0));
        let p = (1.25, -0.5);
        let q = v.to_data(v.to_screen(p));
        assert!((p.0 - q.0).abs() < 1e-12 && (p.1 - q.1).abs() < 1e-12);
    }
}
