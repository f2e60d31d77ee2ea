//! The demo city's electronic licences (电子证照): the 证照目录 of 165 licence types placed on its
//! departments and service catalogue, the 互通互认清单, and a lazy, deterministic licence history
//! for its citizens and enterprises. Pure: no I/O, no clock.
//!
//! Type tables are split by sector (`types_*`); `catalogue` places them on the city and its
//! items, `plan` and `history` lay out the history, `face` fills the face fields and numbers.

mod authorities;
mod catalogue;
mod face;
mod history;
mod model;
mod plan;
mod types_agri;
mod types_build;
mod types_civil;
mod types_market;
mod types_social;

pub use catalogue::{licence_types, recognitions};
pub use history::{HistoricLicence, HolderRef, historic_licences};

/// Number of licence types in the demo 证照目录.
pub const LICENCE_TYPES: usize = 165;

#[cfg(test)]
mod tests;
