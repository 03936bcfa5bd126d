//! `kiosk bench`: the last touch ("Print my ticket" on the summary) → ticket bytes at the printer, through the real controller, many times.

use crate::controller::{Controller, Input, Screen};
use crate::printer::TicketPrinter;
use crate::server::ServerClient;
use std::time::{Duration, Instant};

/// Latencies of the last touch (issue over HTTP, ESC/POS rendering, printing).
#[derive(Debug, Clone)]
pub struct Report {
    pub samples: Vec<Duration>,
}

impl Report {
    pub fn quantile(&self, q: f64) -> Duration {
        let mut sorted = self.samples.clone();
        sorted.sort();
        let i = ((sorted.len() as f64 - 1.0) * q).round() as usize;
        sorted.get(i).copied().unwrap_or_default()
    }
}

impl std::fmt::Display for Report {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} tickets: last touch → bytes at the printer p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
            self.samples.len(),
            self.quantile(0.5).as_secs_f64() * 1e3,
            self.quantile(0.99).as_secs_f64() * 1e3,
            self.quantile(1.0).as_secs_f64() * 1e3,
        )
    }
}

/// The answer a hurried visitor gives: the first choice that leads somewhere open; one person; no extras.
fn pick(c: &Controller, now: Instant) -> Option<Input> {
    let view = c.view(now);
    match &view.screen {
        Screen::Language => view.languages.first().map(|(code, _)| Input::Language(code.clone())),
        Screen::Question(_) => Some(Input::Choose(c.open_choice().unwrap_or(0))),
        Screen::PartySize | Screen::Mediator => Some(Input::Choose(0)),
        Screen::Priority(_) => Some(Input::Choose(1)),
        Screen::Summary => Some(Input::Confirm),
        _ => None,
    }
}

/// Takes `n` tickets through the whole path and times the touch that issues and prints each one.
pub fn run(server: Box<dyn ServerClient>, printer: Box<dyn TicketPrinter>, n: usize) -> anyhow::Result<Report> {
    let mut c = Controller::new(server, printer, false, Instant::now());
    // A robot taps at once: the page-change guard against double taps would swallow its touches, and it
    // is not part of what is measured (the last touch, "Print my ticket", → bytes).
    c.timeouts.page_guard = Duration::ZERO;
    c.work(Instant::now());
    let mut samples = Vec::with_capacity(n);
    for _ in 0..n {
        let mut steps = 0;
        loop {
            steps += 1;
            anyhow::ensure!(steps < 50, "the triage never reaches a ticket");
            let Some(input) = pick(&c, Instant::now()) else {
                anyhow::bail!("stuck on {:?}: {}", c.screen(), c.view(Instant::now()).message);
            };
            let start = Instant::now();
            c.handle(input, start);
            c.work(start);
            if *c.screen() == Screen::Ticket {
                samples.push(start.elapsed());
                break;
            }
        }
        c.handle(Input::Done, Instant::now());
        c.work(Instant::now());
    }
    Ok(Report { samples })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo::{self, FakeServer};
    use crate::printer::MemoryPrinter;

    #[test]
    fn bench_takes_every_ticket_through_the_path() {
        let server = FakeServer::new(demo::livorno());
        let printer = MemoryPrinter::default();
        let report = run(Box::new(server.clone()), Box::new(printer.clone()), 5).unwrap();
        assert_eq!(report.samples.len(), 5);
        assert_eq!(printer.tickets().len(), 5);
        assert_eq!(server.with(|s| s.tickets.len()), 5);
        assert!(report.to_string().starts_with("5 tickets"));
    }
}
