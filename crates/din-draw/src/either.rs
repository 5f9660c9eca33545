//! One drawing backend that is either of two others.
//!
//! The charts are generic over plotters' `DrawingBackend`. The wasm layer
//! draws them to a canvas on screen and to SVG for export; instantiating
//! every chart for both backends would put two copies of all drawing code
//! into the wasm module. Drawing through [`Either`] instead keeps one copy
//! that forwards each primitive to whichever backend it holds. Every
//! method is forwarded (not left to the trait's pixel-by-pixel defaults),
//! so each backend keeps its own text, path and polygon drawing.

use plotters_backend::{DrawingBackend, DrawingErrorKind};
use plotters_backend::{BackendColor, BackendCoord, BackendStyle, BackendTextStyle};
use std::error::Error;
use std::fmt;

/// A backend that is `A` or `B`.
pub enum Either<A, B> {
    /// The first backend (the canvas, in the page).
    Left(A),
    /// The second backend (SVG, for export).
    Right(B),
}

/// The error of whichever backend failed.
#[derive(Debug)]
pub enum EitherError<EA, EB> {
    /// From the first backend.
    Left(EA),
    /// From the second backend.
    Right(EB),
}

impl<EA: fmt::Display, EB: fmt::Display> fmt::Display for EitherError<EA, EB> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EitherError::Left(e) => e.fmt(f),
            EitherError::Right(e) => e.fmt(f),
        }
    }
}

impl<EA: Error, EB: Error> Error for EitherError<EA, EB> {}

type Kind<A, B> = DrawingErrorKind<EitherError<<A as DrawingBackend>::ErrorType, <B as DrawingBackend>::ErrorType>>;

fn left<A: DrawingBackend, B: DrawingBackend>(e: DrawingErrorKind<A::ErrorType>) -> Kind<A, B> {
    match e {
        DrawingErrorKind::DrawingError(e) => DrawingErrorKind::DrawingError(EitherError::Left(e)),
        DrawingErrorKind::FontError(e) => DrawingErrorKind::FontError(e),
    }
}

fn right<A: DrawingBackend, B: DrawingBackend>(e: DrawingErrorKind<B::ErrorType>) -> Kind<A, B> {
    match e {
        DrawingErrorKind::DrawingError(e) => DrawingErrorKind::DrawingError(EitherError::Right(e)),
        DrawingErrorKind::FontError(e) => DrawingErrorKind::FontError(e),
    }
}

macro_rules! forward {
    ($self:ident, $b:ident => $call:expr) => {
        match $self {
            Either::Left($b) => $call.map_err(left::<A, B>),
            Either::Right($b) => $call.map_err(right::<A, B>),
        }
    };
}

impl<A: DrawingBackend, B: DrawingBackend> DrawingBackend for Either<A, B> {
    type ErrorType = EitherError<A::ErrorType, B::ErrorType>;

    fn get_size(&self) -> (u32, u32) {
        match self {
            Either::Left(b) => b.get_size(),
            Either::Right(b) => b.get_size(),
        }
    }

    fn ensure_prepared(&mut self) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        forward!(self, b => b.ensure_prepared())
    }

    fn present(&mut self) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        forward!(self, b => b.present())
    }

    fn draw_pixel(&mut self, point: BackendCoord, color: BackendColor) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        forward!(self, b => b.draw_pixel(point, color))
    }

    fn draw_line<S: BackendStyle>(&mut self, from: BackendCoord, to: BackendCoord, style: &S) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        forward!(self, b => b.draw_line(from, to, style))
    }

    fn draw_rect<S: BackendStyle>(
        &mut self,
        upper_left: BackendCoord,
        bottom_right: BackendCoord,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        forward!(self, b => b.draw_rect(upper_left, bottom_right, style, fill))
    }

    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(&mut self, path: I, style: &S) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        forward!(self, b => b.draw_path(path, style))
    }

    fn draw_circle<S: BackendStyle>(&mut self, center: BackendCoord, radius: u32, style: &S, fill: bool) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        forward!(self, b => b.draw_circle(center, radius, style, fill))
    }

    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(&mut self, vert: I, style: &S) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        forward!(self, b => b.fill_polygon(vert, style))
    }

    fn draw_text<T: BackendTextStyle>(&mut self, text: &str, style: &T, pos: BackendCoord) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        forward!(self, b => b.draw_text(text, style, pos))
    }

    fn estimate_text_size<T: BackendTextStyle>(&self, text: &str, style: &T) -> Result<(u32, u32), DrawingErrorKind<Self::ErrorType>> {
        forward!(self, b => b.estimate_text_size(text, style))
    }

    fn blit_bitmap(&mut self, pos: BackendCoord, size: (u32, u32), src: &[u8]) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        forward!(self, b => b.blit_bitmap(pos, size, src))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::draw::{draw_bars, Style};
    use plotters::prelude::*;

    /// The bars drawn through `Either::Right(svg)` are byte for byte the
    /// bars drawn straight to SVG: nothing is lost in forwarding.
    #[test]
    fn forwarding_changes_nothing() {
        let scene = din_core::presets::default_scene();
        let att = scene.validate().unwrap();
        let st = Style::new(1.0);
        let mut direct = String::new();
        {
            let area = SVGBackend::with_string(&mut direct, (640, 360)).into_drawing_area();
            draw_bars(&area, &scene, &att, &st).unwrap();
            area.present().unwrap();
        }
        let mut through = String::new();
        {
            let backend: Either<SVGBackend, SVGBackend> = Either::Right(SVGBackend::with_string(&mut through, (640, 360)));
            let area = backend.into_drawing_area();
            draw_bars(&area, &scene, &att, &st).unwrap();
            area.present().unwrap();
        }
        assert!(direct.contains("<rect") && direct.len() > 2000, "the bars drew something");
        assert_eq!(direct, through);
    }

    #[test]
    fn errors_keep_their_side() {
        let e: EitherError<std::fmt::Error, std::io::Error> = EitherError::Right(std::io::Error::other("disk full"));
        assert_eq!(e.to_string(), "disk full");
    }
}
