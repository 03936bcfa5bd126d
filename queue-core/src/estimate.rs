//! The waiting-time estimator: what the engine learned (arrival rates, staff's call delay) and the
//! estimate of one waiting ticket from the queue in front of it and the desks that will serve it.
//!
//! The method (also in the README, "Statistics", "How the estimate is made"):
//! - **Desks.** Only open desks whose staff may serve the service count; with none there is no
//!   number (`None`: "no desk open now"). A desk serves its services in order, so each desk counts
//!   for the share of its time its earlier services leave: `1 − Σ λ(s)·m(s)/n(s)` over the services
//!   it prefers (λ their recent arrival rate, m their service time plus the call delay, n their open
//!   desks), at least 5 %. The desks' shares add up to `c`, the effective desks.
//! - **Departures needed.** A ticket with `a` people ahead needs `a + 1 − f` departures before it is
//!   called, where `f` is the desks free now that nothing earlier keeps busy: the people being
//!   served count, because when every desk is busy someone must finish first. With
//!   exponential-like service times every departure of the pool comes `m/c` apart on average
//!   (`m` = mean recent service time, call → done, plus staff's delay between finishing and
//!   calling), so the wait is `(k·m + backlog)/c`, the backlog being the waiting work of the
//!   services the desks prefer.
//! - **Jumping ahead.** While it waits, arrivals of a higher class (urgent, due appointments,
//!   priority — at their rates over the last hour) rank before it; priority ones only until it has
//!   aged past the target itself (then it ranks by arrival among them). A priority ticket also sees
//!   older standard tickets age past the target and rank before it. Each adds `m/c`; the wait is
//!   the fixed point of `W = W₀ + jumps(W)·m/c`.
//! - **Range.** The wait of `k` departures of rate `c/m` has a standard deviation of `√k·m/c`;
//!   when it is two minutes or more the estimate carries a range, `W ± sd`, that visitor
//!   surfaces show ("15–25 min") instead of a single number.

use crate::ids::{DeskId, ServiceId, SiteId};
use crate::model::Priority;
use jiff::Timestamp;
use std::collections::{BTreeMap, VecDeque};

/// Arrivals older than this no longer count for a rate.
const RATE_WINDOW_S: i64 = 3600;
/// At most this many arrivals per service and class are remembered.
const RATE_MEMORY: usize = 64;
/// How many recent call delays feed the mean.
const DELAY_MEMORY: usize = 20;
/// A desk free for longer than this before its next call was not waiting to call (a break).
const DELAY_MAX_S: i64 = 900;
/// A range is shown when the standard deviation is at least this.
pub const RANGE_FROM_SD_S: f64 = 120.0;
/// Arrivals that rank ahead for the whole wait take at most this share of the desks' capacity.
const MAX_JUMP_LOAD: f64 = 0.8;
/// A rate is over at least this much observed time (a burst at opening is not a rate).
const RATE_MIN_SPAN_S: i64 = 1800;
/// A desk counts for at least this share of its time for each service it serves.
const MIN_SHARE: f64 = 0.05;

/// An estimated wait: the point figure (seconds) and, where uncertain, a range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Estimate {
    pub wait_s: u32,
    /// `[low, high]` in seconds, when the uncertainty is large enough to say so.
    pub range_s: Option<(u32, u32)>,
}

impl Estimate {
    pub const ZERO: Estimate = Estimate { wait_s: 0, range_s: None };
}

/// What the engine learned from the events it applied, for the estimates. It is not part of the
/// engine's `State` (a restored engine starts with an empty memory and learns again: until then
/// the estimates assume no higher-class arrivals and no call delay).
#[derive(Debug, Clone, Default)]
pub struct Learned {
    /// Recent arrival times per service and base class (index = `Priority as usize`).
    arrivals: BTreeMap<(SiteId, ServiceId), [VecDeque<Timestamp>; 4]>,
    /// When the engine first saw a ticket of each site (a rate is over at most the time observed).
    first_seen: BTreeMap<SiteId, Timestamp>,
    /// Recent delays (seconds) between a desk becoming free with someone waiting and its next call.
    delays: BTreeMap<SiteId, VecDeque<u32>>,
    /// Desks free, with someone waiting for them, since when.
    free_since: BTreeMap<DeskId, Timestamp>,
}

impl Learned {
    pub fn arrival(&mut self, site: &SiteId, service: &ServiceId, class: Priority, at: Timestamp) {
        self.first_seen.entry(site.clone()).or_insert(at);
        let q = &mut self.arrivals.entry((site.clone(), service.clone())).or_default()[class as usize];
        q.push_back(at);
        while q.len() > RATE_MEMORY {
            q.pop_front();
        }
    }

    /// Arrivals per second of a service's class over the last hour (or the time observed, at least
    /// half an hour).
    pub fn rate(&self, site: &SiteId, service: &ServiceId, class: Priority, now: Timestamp) -> f64 {
        let Some(q) = self.arrivals.get(&(site.clone(), service.clone())) else { return 0.0 };
        let since = now.as_second() - RATE_WINDOW_S;
        let n = q[class as usize].iter().filter(|t| t.as_second() > since).count();
        if n == 0 {
            return 0.0;
        }
        let observed = self.first_seen.get(site).map_or(RATE_WINDOW_S, |f| now.as_second() - f.as_second());
        n as f64 / observed.clamp(RATE_MIN_SPAN_S, RATE_WINDOW_S) as f64
    }

    /// All classes of a service.
    pub fn total_rate(&self, site: &SiteId, service: &ServiceId, now: Timestamp) -> f64 {
        Priority::ALL.iter().map(|&p| self.rate(site, service, p, now)).sum()
    }

    /// A desk became free (or opened, or a ticket arrived at an idle desk) with someone waiting.
    pub fn desk_free(&mut self, desk: &DeskId, at: Timestamp) {
        self.free_since.entry(desk.clone()).or_insert(at);
    }

    /// A desk called, paused or closed: a call ends the delay it measures.
    pub fn desk_busy(&mut self, site: &SiteId, desk: &DeskId, at: Timestamp, called: bool) {
        if let Some(since) = self.free_since.remove(desk) {
            let d = at.as_second() - since.as_second();
            if called && (0..=DELAY_MAX_S).contains(&d) {
                let v = self.delays.entry(site.clone()).or_default();
                v.push_back(d as u32);
                while v.len() > DELAY_MEMORY {
                    v.pop_front();
                }
            }
        }
    }

    /// Desks free now, waiting to call.
    pub fn free_desks(&self) -> impl Iterator<Item = &DeskId> {
        self.free_since.keys()
    }

    /// Nothing waits for the desk any more (a colleague took it): no delay to measure.
    pub fn nothing_to_call(&mut self, desk: &DeskId) {
        self.free_since.remove(desk);
    }

    /// Mean recent delay between a desk becoming free with someone waiting and its call, seconds.
    pub fn delay_s(&self, site: &SiteId) -> f64 {
        match self.delays.get(site) {
            Some(v) if !v.is_empty() => v.iter().map(|&x| f64::from(x)).sum::<f64>() / v.len() as f64,
            _ => 0.0,
        }
    }
}

/// One open desk that may serve the ticket's service, as the estimate sees it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DeskLoad {
    /// Share of the desk's time the service gets (its earlier services take the rest).
    pub share: f64,
    /// Waiting work (seconds) of the services the desk prefers, its part of it.
    pub backlog_s: f64,
    /// Holds no ticket now.
    pub free: bool,
}

/// Everything one estimate needs, gathered by the engine.
#[derive(Debug, Clone, PartialEq)]
pub struct Inputs {
    /// People ahead (`Ctx::people_ahead`).
    pub ahead: u32,
    pub desks: Vec<DeskLoad>,
    /// Mean recent service time (call → done) of the service, seconds.
    pub service_s: f64,
    /// Staff's mean delay between finishing and calling, seconds.
    pub delay_s: f64,
    /// Arrivals per second that rank ahead for the whole wait (urgent, due appointments).
    pub jump_rate: f64,
    /// Arrivals per second that rank ahead only until the ticket aged past `aging_s` (priority
    /// arrivals for a standard ticket).
    pub jump_rate_until_aged: f64,
    /// Seconds until the ticket itself ages (its target minus what it waited), `None` without aging.
    pub aging_in_s: Option<f64>,
    /// Older tickets of the class below that age into the ticket's class within a given wait
    /// (seconds from now → how many).
    pub aging_ahead: Vec<f64>,
}

/// The estimate; `None` when no desk that may serve the service is open.
pub fn estimate(i: &Inputs) -> Option<Estimate> {
    if i.desks.is_empty() {
        return None;
    }
    let m = i.service_s.max(1.0) + i.delay_s.max(0.0);
    let c: f64 = i.desks.iter().map(|d| d.share.clamp(MIN_SHARE, 1.0)).sum();
    let free = i.desks.iter().filter(|d| d.free && d.backlog_s <= 0.0).count() as u32;
    let backlog: f64 = i.desks.iter().map(|d| d.backlog_s.max(0.0)).sum();
    if i.ahead < free {
        // A desk is free for it now: the time staff take to call.
        return Some(Estimate { wait_s: i.delay_s.round().max(0.0) as u32, range_s: None });
    }
    let k = f64::from(i.ahead + 1 - free);
    let step = m / c;
    let base = k * step + backlog / c;
    // W = base + jumps(W)·step; the jumps grow with W, so iterate to the fixed point. Jumps for the
    // whole wait are capped at MAX_JUMP_LOAD of the desks' capacity (a burst of two urgent tickets
    // is not a rate that lasts): the estimate stays finite.
    let (whole, until_aged_rate) = match i.aging_in_s {
        Some(_) => (i.jump_rate, i.jump_rate_until_aged),
        None => (i.jump_rate + i.jump_rate_until_aged, 0.0),
    };
    let jump_load = (whole * step).min(MAX_JUMP_LOAD);
    let mut w = base;
    let mut jumps = 0.0;
    for _ in 0..100 {
        let until_aged = i.aging_in_s.map_or(0.0, |a| w.min(a.max(0.0)));
        let aged_ahead = i.aging_ahead.iter().filter(|&&at| at <= w).count() as f64;
        jumps = jump_load / step * w + until_aged_rate * until_aged + aged_ahead;
        let next = base + jumps * step;
        if (next - w).abs() < 0.5 {
            w = next;
            break;
        }
        w = next;
    }
    let sd = (k + jumps).sqrt() * step;
    let wait_s = w.round().min(f64::from(u32::MAX)) as u32;
    let range_s = (sd >= RANGE_FROM_SD_S).then(|| {
        let lo = (w - sd).max(0.0).round() as u32;
        let hi = (w + sd).round().min(f64::from(u32::MAX)) as u32;
        (lo, hi)
    });
    Some(Estimate { wait_s, range_s })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inputs(ahead: u32, desks: usize, free: usize) -> Inputs {
        Inputs {
            ahead,
            desks: (0..desks).map(|i| DeskLoad { share: 1.0, backlog_s: 0.0, free: i < free }).collect(),
            service_s: 600.0,
            delay_s: 0.0,
            jump_rate: 0.0,
            jump_rate_until_aged: 0.0,
            aging_in_s: None,
            aging_ahead: vec![],
        }
    }

    #[test]
    fn no_open_desk_no_number() {
        assert_eq!(estimate(&inputs(3, 0, 0)), None);
    }

    #[test]
    fn the_people_being_served_count_when_every_desk_is_busy() {
        // Nobody ahead, one busy desk: someone must finish first (a mean service time).
        assert_eq!(estimate(&inputs(0, 1, 0)).unwrap().wait_s, 600);
        // Two ahead, two busy desks: three departures at 300 s apart.
        assert_eq!(estimate(&inputs(2, 2, 0)).unwrap().wait_s, 900);
        // A free desk takes the first in line now.
        assert_eq!(estimate(&inputs(0, 2, 1)).unwrap().wait_s, 0);
        assert_eq!(estimate(&inputs(1, 2, 1)).unwrap().wait_s, 300);
    }

    #[test]
    fn a_shared_desk_counts_for_its_share() {
        let mut i = inputs(1, 2, 0);
        i.desks[1].share = 0.5;
        // Two departures of a pool of 1.5 desks: 2 · 600 / 1.5.
        assert_eq!(estimate(&i).unwrap().wait_s, 800);
        // The waiting work of the desk's earlier services comes first.
        i.desks[1].backlog_s = 300.0;
        assert_eq!(estimate(&i).unwrap().wait_s, 1000);
    }

    #[test]
    fn higher_classes_jump_ahead_and_staff_delay_adds_up() {
        let mut i = inputs(0, 1, 0);
        i.delay_s = 60.0;
        assert_eq!(estimate(&i).unwrap().wait_s, 660);
        // Urgent arrivals at one per 1,320 s: each of the 660 s · (1/1320) = 0.5… → W = 660 / (1 − 0.5).
        i.jump_rate = 1.0 / 1320.0;
        assert_eq!(estimate(&i).unwrap().wait_s, 1320);
        // Priority arrivals only until the ticket ages (in 100 s): 100 s · 1/100 = 1 more.
        let mut j = inputs(0, 1, 0);
        j.jump_rate_until_aged = 0.01;
        j.aging_in_s = Some(100.0);
        assert_eq!(estimate(&j).unwrap().wait_s, 1200);
        // Two older tickets age into its class, one within the wait.
        let mut k = inputs(0, 1, 0);
        k.aging_ahead = vec![300.0, 5000.0];
        assert_eq!(estimate(&k).unwrap().wait_s, 1200);
    }

    #[test]
    fn a_range_where_uncertain() {
        let e = estimate(&inputs(3, 1, 0)).unwrap();
        // Four departures of 600 s: 2400 s ± 1200 s.
        assert_eq!((e.wait_s, e.range_s), (2400, Some((1200, 3600))));
        let short = estimate(&Inputs { service_s: 60.0, ..inputs(0, 1, 0) }).unwrap();
        assert_eq!((short.wait_s, short.range_s), (60, None));
    }

    #[test]
    fn rates_are_over_the_last_hour() {
        let site = SiteId::from("s");
        let svc = ServiceId::from("a");
        let at = |s: i64| Timestamp::from_second(1_800_000_000 + s).unwrap();
        let mut l = Learned::default();
        for s in [0, 1000, 2000, 3000] {
            l.arrival(&site, &svc, Priority::Urgent, at(s));
        }
        // Observed for 3,600 s at 3,600: four arrivals an hour (the first is exactly an hour old: out).
        assert!((l.rate(&site, &svc, Priority::Urgent, at(3600)) - 3.0 / 3600.0).abs() < 1e-9);
        assert_eq!(l.rate(&site, &svc, Priority::Standard, at(3600)), 0.0);
        let d = DeskId::from("d");
        l.desk_free(&d, at(0));
        l.desk_busy(&site, &d, at(30), true);
        l.desk_free(&d, at(100));
        l.desk_busy(&site, &d, at(5000), true);
        assert_eq!(l.delay_s(&site), 30.0);
    }
}
