//! The activation-unit file format's name and size limits: one definition,
//! used by [`crate::unit`] (which re-exports them) and by `build.rs`, which
//! includes this file with `#[path]` to pack `weights/*.json` by the same
//! rules. Plain constants only: `build.rs` compiles it on its own.

/// The `format` string of version 1 of the file format.
pub const FORMAT: &str = "din-viz activation unit v1";

/// Largest `d` a unit file may declare.
pub const MAX_UNIT_D: usize = 256;

/// Largest number of units in one hidden layer of a unit file.
pub const MAX_UNIT_WIDTH: usize = 4096;
