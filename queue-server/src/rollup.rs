//! The statistics housekeeper: a thread of its own (with its own connection, so the queue writer is
//! never held) that rolls up every past day into per-service aggregates (`stats_days`), then forgets
//! the details of tickets older than the retention — only of days whose figures are rolled up.
//! Statistics over long periods read the roll-ups; today and days not rolled up yet are folded
//! from their events, with the same code (`add_ticket`), so both paths give the same figures.

use crate::db;
use config::{Config, Site};
use jiff::Timestamp;
use queue_core::ServiceId;
use queue_core::stats::{Aggregate, TicketStats};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;

/// Between two passes (a pass also runs at start-up).
const PERIOD: Duration = Duration::from_secs(600);
/// Tickets whose details one retention step forgets (one short transaction).
const PURGE_CHUNK: usize = 2000;

/// Add one ticket to an aggregate, with the site's time zone, targets and service kinds.
pub fn add_ticket(site: &Site, agg: &mut Aggregate, t: &TicketStats) {
    let local = t.issued_at.to_zoned(site.time_zone.clone());
    let svc = |s: &ServiceId| site.services.iter().find(|x| &x.id == s);
    // The target in force when the ticket was issued (stored with it), so a later change of the
    // configuration changes neither its roll-up nor its figures read from events; tickets from
    // before targets were stored are measured against the configuration's.
    let target = t.target_wait_s.unwrap_or_else(|| svc(&t.service).map_or(0, |s| s.target_wait_s));
    let within = t.first_wait_ms.is_some_and(|w| w <= i64::from(target) * 1000);
    let kind = |s: &ServiceId| svc(s).map(|x| x.kind.as_str());
    let integrated = t.integrated(kind, "social", "employment");
    let (weekday, hour) = (local.weekday().to_monday_zero_offset() as usize, local.hour() as usize);
    agg.add_in(t, weekday, hour, within, integrated, Some(&site.time_zone));
}

/// One aggregate per service — a ticket counts in every queue it waited in (transfers in
/// included), with its time there (`TicketStats::in_service`) — and one for the whole site
/// (`db::stats::WHOLE_SITE`), where each ticket counts once.
pub fn aggregate_by_service(site: &Site, tickets: &[TicketStats]) -> Vec<(ServiceId, Aggregate)> {
    let mut by: BTreeMap<ServiceId, Aggregate> = BTreeMap::new();
    let mut whole = Aggregate::default();
    for t in tickets {
        add_ticket(site, &mut whole, t);
        for leg in &t.legs {
            if let Some(v) = t.in_service(&leg.service) {
                add_ticket(site, by.entry(leg.service.clone()).or_default(), &v);
            }
        }
    }
    let mut out: Vec<(ServiceId, Aggregate)> = by.into_iter().collect();
    if !tickets.is_empty() {
        out.push((ServiceId::from(db::stats::WHOLE_SITE), whole));
    }
    out
}

/// Roll up every past day of every site that needs it; returns how many days were rolled.
pub fn roll_up(cfg: &Config, conn: &rusqlite::Connection, now: Timestamp) -> db::Result<usize> {
    let mut n = 0;
    for site in &cfg.sites {
        let today = now.to_zoned(site.time_zone.clone()).date();
        for day in db::stats::days_to_roll_up(conn, &site.id, today)? {
            db::stats::roll_up_day(conn, &site.id, day, |ts| aggregate_by_service(site, ts))?;
            n += 1;
        }
    }
    Ok(n)
}

/// Forget details older than the retention, a chunk at a time; returns how many tickets went.
pub fn purge(cfg: &Config, conn: &rusqlite::Connection, now: Timestamp, shutdown: &watch::Receiver<bool>) -> usize {
    let cutoff = now - jiff::SignedDuration::from_hours(24 * i64::from(cfg.retention_days));
    let mut total = 0;
    for site in &cfg.sites {
        loop {
            match db::purge_tickets_before(conn, site.id.as_str(), cutoff, PURGE_CHUNK, cfg.hub.is_some()) {
                Ok(n) => {
                    total += n;
                    if n < PURGE_CHUNK || *shutdown.borrow() {
                        break;
                    }
                    // Let the writer in between chunks.
                    std::thread::sleep(Duration::from_millis(20));
                }
                Err(e) => {
                    tracing::warn!(error = %e, "retention purge failed; will retry");
                    break;
                }
            }
        }
    }
    total
}

/// What one housekeeping pass did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Pass {
    /// Site-days rolled up (0 if rolling up failed; the failure is logged).
    pub rolled_up_days: usize,
    /// Tickets whose details the retention purge forgot.
    pub purged_tickets: usize,
}

/// Asks the housekeeper thread for a pass now (tests; the server itself waits for the period).
#[derive(Clone)]
pub struct Housekeeper {
    asks: std::sync::mpsc::Sender<tokio::sync::oneshot::Sender<Pass>>,
}

impl Housekeeper {
    /// Runs a pass after the one under way (if any) and waits for it.
    pub async fn pass(&self) -> anyhow::Result<Pass> {
        let (tx, rx) = tokio::sync::oneshot::channel();
        self.asks.send(tx).map_err(|_| anyhow::anyhow!("the statistics housekeeper has stopped"))?;
        rx.await.map_err(|_| anyhow::anyhow!("the statistics housekeeper stopped before its pass"))
    }
}

/// One pass: roll-ups, then the retention purge.
fn pass(
    cfg: &Config,
    conn: &rusqlite::Connection,
    clock: &crate::writer::Clock,
    shutdown: &watch::Receiver<bool>,
) -> Pass {
    let started = std::time::Instant::now();
    let rolled_up_days = match roll_up(cfg, conn, clock()) {
        Ok(0) => 0,
        Ok(n) => {
            tracing::info!(days = n, ms = started.elapsed().as_millis() as u64, "statistics rolled up");
            n
        }
        Err(e) => {
            tracing::warn!(error = %e, "rolling up statistics failed; will retry");
            0
        }
    };
    let purged_tickets = purge(cfg, conn, clock(), shutdown);
    if purged_tickets > 0 {
        tracing::info!(tickets = purged_tickets, "purged ticket details older than the retention");
    }
    Pass { rolled_up_days, purged_tickets }
}

/// Start the housekeeper thread: a pass at start-up, then every [`PERIOD`] or when asked through
/// the returned [`Housekeeper`]; it stops when `shutdown` turns true.
pub fn start(
    cfg: Arc<Config>,
    path: PathBuf,
    clock: crate::writer::Clock,
    shutdown: watch::Receiver<bool>,
) -> std::io::Result<Housekeeper> {
    let (asks, asked) = std::sync::mpsc::channel::<tokio::sync::oneshot::Sender<Pass>>();
    std::thread::Builder::new().name("stats-rollup".into()).spawn(move || {
        let conn = match db::open(&path) {
            Ok(c) => c,
            Err(e) => {
                tracing::error!(error = %e, "the statistics housekeeper cannot open the database");
                return;
            }
        };
        let mut waiting = Vec::new();
        loop {
            let done = pass(&cfg, &conn, &clock, &shutdown);
            for w in waiting.drain(..) {
                let _: Result<(), Pass> = tokio::sync::oneshot::Sender::send(w, done);
            }
            let until = std::time::Instant::now() + PERIOD;
            loop {
                if *shutdown.borrow() {
                    return;
                }
                let left = until.saturating_duration_since(std::time::Instant::now());
                if left.is_zero() {
                    break;
                }
                // Wakes at least every 200 ms to notice the shutdown.
                match asked.recv_timeout(left.min(Duration::from_millis(200))) {
                    Ok(ask) => {
                        // Every ask so far is served by the next pass.
                        waiting.push(ask);
                        waiting.extend(asked.try_iter());
                        break;
                    }
                    Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {}
                    Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => {
                        std::thread::sleep(Duration::from_millis(200))
                    }
                }
            }
        }
    })?;
    Ok(Housekeeper { asks })
}
