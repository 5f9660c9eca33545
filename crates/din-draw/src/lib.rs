//! # din-draw
//!
//! din-viz's drawing, generic over plotters' `DrawingBackend` (canvas in
//! the page, SVG and bitmaps in tests): it reads din-core's scenes and
//! results and never imports a web crate.
//!
//! * [`palette`]: each theme's colours, stroke weight and font factor.
//! * [`style`]: the style, text, arrows and ticks every chart draws with.
//! * [`draw`]: the charts (bars, heatmap, map) and the shared style.
//! * [`textlayout`]: text measuring, wrapping and boxes.
//! * [`map_layers`]: the map's catalogue layer, key and labels.
//! * [`lecture`], [`unit_panel`]: the step-through, query/key/value,
//!   two-tower and inside-the-unit panels.
//! * [`sheet`]: the export sheet's title and grid.
//! * [`train`]: the train panel's curves, learned attention and embedding map.
//! * [`either`]: one backend type over two.
//! * [`cells`]: coloured cells as one bitmap per region.

pub mod cells;
pub mod draw;
pub mod either;
pub mod lecture;
pub mod map_layers;
pub mod palette;
pub mod sheet;
pub mod style;
pub mod textlayout;
pub mod train;
#[cfg(test)]
mod theme_tests;
pub mod unit_panel;
