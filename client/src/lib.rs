//! Sportello's one client of HTTP API v1, used by the kiosk, the display, the bench and the tests.
//!
//! Codemap: [`Client`] (`api.rs`) is the async client: typed calls, the live [`EventStream`],
//! raw requests; [`blocking::Client`] drives it from a plain thread (the kiosk); [`sse`] is the
//! incremental Server-Sent Events parser; [`Error`] is the one mapping of an answer to a typed
//! error (transport, our `{"error": {"code", "message"}}` body with `Retry-After`, or a body that
//! does not parse); [`Backoff`] is the exponential backoff with random jitter for retries and
//! reconnects. Wire types come from `queue_core::wire`.

mod api;
mod backoff;
pub mod blocking;
mod error;
mod hub;
pub mod sse;

pub use api::{Answer, Builder, Client, EventStream};
pub use backoff::Backoff;
pub use error::{ApiError, Error};
pub use reqwest::{self, Method, StatusCode};
pub use sse::{SseMessage, SseParser};
