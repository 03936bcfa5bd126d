//! Sportello kiosk: the visitor's path from language to printed ticket, as a library the binary and tests share.
//!
//! Codemap: `controller` (the state machine, plain Rust), `server` (`ServerClient`, HTTP), `printer`
//! (`TicketPrinter` targets), `ticket` (ticket → ESC/POS bytes, pure), `raster` (fonts and QR → `GS v 0`),
//! `speech` (`espeak-ng`; its texts and every other come from the `texts` crate), `ui` (slint adapters and the controller thread).

pub mod bench;
pub mod controller;
pub mod demo;
pub mod printer;
pub mod raster;
pub mod screenshots;
pub mod server;
pub mod speech;
pub mod ticket;
pub mod ui;
