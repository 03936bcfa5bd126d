//! The queue-core test suite: data-driven `check` scripts and property tests over the engine.
//!
//! Guards issue 2 ("queue-core ... tested with data-driven `check` tests and property tests").
//!
//! - `script`: a tiny text language (sites, services, desks, then commands with a clock)
//!   and the `check(script, expect)` harness that prints events, errors and a state dump;
//! - `reference`: an independent, naive re-statement of the routing policy and the
//!   invariants every step must keep, run by both the scripts and the properties;
//! - `transitions`, `routing`, `numbering`: the features, one `check` per case;
//! - `props`: random configurations and command sequences (proptest).
//!
//! Bless changed snapshots with `UPDATE_EXPECT=1 cargo test -p queue-core`.

mod appointment_day;
mod numbering;
mod props;
mod reference;
mod routing;
mod script;
mod transitions;
