//! The display's slint UI, generated from `display/ui/app-window.slint` (see Cargo.toml for why it is
//! a crate of its own).
#![allow(clippy::all, clippy::todo, reason = "slint-build's generated code, not ours to lint")]
slint::include_modules!();
