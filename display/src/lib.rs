//! Sportello waiting-room display: live calls, waiting counts, chime and spoken announcements,
//! never silently stale.
//!
//! Codemap: [`client`] keeps the display in step with the queue server through the `client`
//! crate (snapshot, stream, reconnect with backoff); [`controller`] is the pure state (snapshot + events + time →
//! [`controller::View`] + announcements); [`audio`] makes the chime and the speech and plays them
//! one after the other; [`ui`] puts a `View` on the slint window and renders headless screenshots.

pub mod announce;
pub mod audio;
pub mod bench;
pub mod cli;
pub mod client;
pub mod controller;
pub mod demo;
pub mod texts;
pub mod ui;
