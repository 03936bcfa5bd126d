//! Sportello launcher: one command brings up a whole One Stop Shop on one machine.
//!
//! `sportello up` starts the real programs as child processes — the queue server on the demo
//! configuration, a kiosk window and a waiting-room display window for one site — prints where
//! the desk page, the statistics and the web display are, and with `--simulate` drives a lively
//! day through the real API (`simulate`): visitors take tickets at the kiosk's API, staff log in
//! at the desks and call, serve, transfer and mark no-shows at a human pace (`--speed` runs the
//! clock of the simulated people faster). One Ctrl-C (or SIGTERM) stops everything it started.
//!
//! The launcher is for trying Sportello and for demonstrations: it runs the server in demo mode,
//! whose accounts and keys are public. A real centre installs the packages (`docs/install.md`).
//! The server library does not depend on the slint apps; the launcher only spawns their binaries.

/// `println!` that never panics: the launcher's output may be a pipe whose reader has gone
/// (a test that ended, `| head`), and losing a line must not take the centre down.
#[macro_export]
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout(), $($arg)*);
    }};
}

pub mod children;
pub mod cli;
pub mod programs;
pub mod simulate;
