//! Sportello end-to-end tests: one binary, a real server on 127.0.0.1:0, real HTTP, real SQLite.

mod auth_matrix;
mod bad_input;
mod concurrency;
mod crash;
mod restart;
mod scripted_day;
mod stats;
mod streams;
