//! Sportello end-to-end tests: one binary, a real server on 127.0.0.1:0, real HTTP, real SQLite.

mod admin_cli;
mod appointments;
mod auth_matrix;
mod bad_input;
mod concurrency;
mod crash;
mod desk_day;
mod display;
mod faults;
mod flood;
mod kiosk;
mod launcher;
mod places;
mod print_jobs;
mod region;
mod restart;
mod retention;
mod scripted_day;
mod stats;
mod storage_failure;
mod streams;
mod texts;
mod web_display;
mod web_pages;
mod whatif;
mod wire;
