//! Sportello configuration: TOML files → raw (serde) → validated, typed `Config`.

mod model;

pub use model::*;
