//! What-if staffing simulator: a seeded discrete-event simulation that drives the real queue-core
//! engine (`Engine::execute`, the routing policy, the estimator) with a virtual clock — no HTTP, no
//! SQLite — and measures the plan with the statistics code the server uses (`queue_core::stats`).
//! `run_recorded` also records the day through the store boundary the server's writer uses
//! (`queue_core::store::record` into a `MemoryStore`, one group per command); `run` does not (the
//! what-if page's replications: recording costs about as much again as the simulation).
//!
//! Arrivals are Poisson per service (with a priority and urgent share), service times exponential
//! around each service's mean, staff take `call_delay_s` between finishing and calling, a share of
//! the people called do not show up (the desk waits `no_show_wait_s` for them), and a share of the
//! people served are transferred to another service. Desks open and close as the plan says and
//! serve their services in their order. `erlang_c` gives the textbook figures to check it against.

use jiff::Timestamp;
use queue_core::engine::IssueTicket;
use queue_core::model::Role;
use queue_core::stats::{Aggregate, TicketStats, tickets_from_events};
use queue_core::store::{Group, MemoryStore, Store, record};
use queue_core::{
    Actor, Command, DeskId, DeskRules, Engine, Event, EventKind, Priority, Rules, ServiceId, ServiceRules, SiteId,
    SiteRules, TicketId,
};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap};

pub mod history;
pub use history::{History, HistoryError, HistorySpec, generate, history_day};

/// One queue of the plan.
#[derive(Debug, Clone)]
pub struct ServicePlan {
    pub id: String,
    /// Arrivals an hour (Poisson).
    pub rate_per_h: f64,
    /// Arrivals an hour in each hour from the start (hour 0 first), instead of `rate_per_h`; none
    /// after the last (empty: `rate_per_h` all the time).
    pub hourly: Vec<f64>,
    /// Mean service time (exponential), seconds.
    pub service_mean_s: f64,
    pub target_wait_s: u32,
    /// Shares of arrivals in the `priority` and `urgent` classes.
    pub priority_share: f64,
    pub urgent_share: f64,
    /// Share of the people served who are then transferred to `transfer_to`.
    pub transfer_share: f64,
    pub transfer_to: Option<String>,
}

impl ServicePlan {
    pub fn new(id: &str, rate_per_h: f64, service_mean_s: f64) -> ServicePlan {
        ServicePlan {
            id: id.into(),
            rate_per_h,
            hourly: vec![],
            service_mean_s,
            target_wait_s: 1800,
            priority_share: 0.0,
            urgent_share: 0.0,
            transfer_share: 0.0,
            transfer_to: None,
        }
    }
}

/// One desk of the plan: the services it serves in its order, and when it is open (seconds from
/// the start; several spans allowed).
#[derive(Debug, Clone)]
pub struct DeskPlan {
    pub id: String,
    pub services: Vec<String>,
    pub open: Vec<(f64, f64)>,
}

/// A staffing plan and the demand it meets.
#[derive(Debug, Clone)]
pub struct Plan {
    pub services: Vec<ServicePlan>,
    pub desks: Vec<DeskPlan>,
    /// Simulated time, seconds; arrivals stop then, the queue is served out.
    pub duration_s: f64,
    /// Tickets issued before this are not counted (the queue fills up).
    pub warmup_s: f64,
    /// Staff's delay between finishing (or a desk opening) and calling, seconds (constant).
    pub call_delay_s: f64,
    /// Share of the people called who do not show up, and how long the desk waits for them.
    pub no_show_share: f64,
    pub no_show_wait_s: f64,
    pub seed: u64,
}

impl Plan {
    /// One service, `c` desks always open, arrivals at `load` of the desks' capacity (the M/M/c
    /// of the textbooks, Erlang C's case).
    pub fn mmc(c: u32, load: f64, service_mean_s: f64, tickets: u32, seed: u64) -> Plan {
        let rate_per_h = load * f64::from(c) * 3600.0 / service_mean_s;
        let duration_s = f64::from(tickets) / rate_per_h * 3600.0;
        Plan {
            services: vec![ServicePlan::new("a", rate_per_h, service_mean_s)],
            desks: (1..=c)
                .map(|i| DeskPlan { id: format!("d{i}"), services: vec!["a".into()], open: vec![(0.0, f64::MAX)] })
                .collect(),
            duration_s,
            warmup_s: duration_s * 0.02,
            call_delay_s: 0.0,
            no_show_share: 0.0,
            no_show_wait_s: 0.0,
            seed,
        }
    }

    /// Livorno-like shared desks: three services, four desks that each take their own first and
    /// help the others, at `load` of the whole capacity.
    pub fn shared(load: f64, tickets: u32, seed: u64) -> Plan {
        // Capacity: 4 desks; demand split 45 % / 35 % / 20 % by work.
        let means = [600.0, 420.0, 900.0];
        let work_share = [0.45, 0.35, 0.20];
        let capacity_s_per_h = 4.0 * 3600.0;
        let services: Vec<ServicePlan> = ["sociale", "lavoro", "legale"]
            .iter()
            .zip(means.iter().zip(work_share))
            .map(|(id, (&m, w))| ServicePlan::new(id, load * capacity_s_per_h * w / m, m))
            .collect();
        let total_rate: f64 = services.iter().map(|s| s.rate_per_h).sum();
        let duration_s = f64::from(tickets) / total_rate * 3600.0;
        let desk = |id: &str, services: &[&str]| DeskPlan {
            id: id.into(),
            services: services.iter().map(|s| (*s).to_owned()).collect(),
            open: vec![(0.0, f64::MAX)],
        };
        Plan {
            services,
            desks: vec![
                desk("s1", &["sociale", "lavoro"]),
                desk("s2", &["sociale", "legale"]),
                desk("s3", &["lavoro", "sociale"]),
                desk("s4", &["legale", "lavoro", "sociale"]),
            ],
            duration_s,
            warmup_s: duration_s * 0.02,
            call_delay_s: 0.0,
            no_show_share: 0.0,
            no_show_wait_s: 0.0,
            seed,
        }
    }

    /// The rules the engine decides with: one site (UTC, always open, aging on).
    pub fn rules(&self) -> Rules {
        let site = SiteId::from("sim");
        let mut rules = Rules::default();
        rules.sites.insert(
            site.clone(),
            SiteRules {
                id: site.clone(),
                time_zone: jiff::tz::TimeZone::UTC,
                default_language: "it".into(),
                opening_hours: None,
                out_of_order_calls: false,
                aging: true,
                transfer_fallback_s: 600,
                any_ticket_role: Role::Manager,
                // A simulated day is one stretch of opening: nothing expires inside it.
                keep_queue_overnight: true,
                expire_grace_s: 0,
                walk_in_guard: None,
            },
        );
        for (i, s) in self.services.iter().enumerate() {
            let id = ServiceId::from(s.id.as_str());
            rules.services.insert(
                (site.clone(), id.clone()),
                ServiceRules {
                    site: site.clone(),
                    id,
                    prefix: (b'A' + i as u8) as char,
                    public_label: s.id.clone(),
                    target_wait_s: s.target_wait_s,
                    daily_cap: None,
                    opening_hours: None,
                    roles: vec![],
                    default_service_time_s: s.service_mean_s.round() as u32,
                },
            );
        }
        for d in &self.desks {
            rules.desks.insert(
                DeskId::from(d.id.as_str()),
                DeskRules {
                    id: DeskId::from(d.id.as_str()),
                    site: site.clone(),
                    label: d.id.clone(),
                    services: d.services.iter().map(|s| ServiceId::from(s.as_str())).collect(),
                },
            );
        }
        rules
    }
}

/// What happened: every event the engine returned, and per ticket what the estimator before
/// issue 14 would have told (people ahead × mean service time ÷ max(1, open desks)).
pub struct Run {
    pub events: Vec<Event>,
    /// With `run_recorded`, the day as stored: events numbered 1, 2, 3 … and the projections
    /// they left.
    pub store: Option<MemoryStore>,
    pub old_estimate: BTreeMap<TicketId, u32>,
    /// Seconds each desk was open, and busy with a ticket (called, serving).
    pub desk_open_s: BTreeMap<String, f64>,
    pub desk_busy_s: BTreeMap<String, f64>,
    /// The same, all desks together, in each hour from the start.
    pub open_s_by_hour: Vec<f64>,
    pub busy_s_by_hour: Vec<f64>,
    pub start: Timestamp,
    pub warmup_s: f64,
    pub target_wait_s: BTreeMap<ServiceId, u32>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Ev {
    Arrive(usize),
    Open(usize),
    Close(usize),
    Call(usize),
    /// The ticket at the desk is done (or, `no_show`, never came).
    Finish(usize, bool),
}

struct DeskSim {
    id: DeskId,
    open: bool,
    closing: bool,
    current: Option<TicketId>,
    call_pending: bool,
    opened_at: f64,
    busy_since: f64,
}

/// The future events, in time order (then in the order they were planned).
struct Agenda<E: Ord = Ev> {
    heap: BinaryHeap<Reverse<(i64, u64, E)>>,
    seq: u64,
}

impl<E: Ord> Default for Agenda<E> {
    fn default() -> Self {
        Agenda { heap: BinaryHeap::new(), seq: 0 }
    }
}

impl<E: Ord> Agenda<E> {
    fn push(&mut self, t: f64, ev: E) {
        self.seq += 1;
        self.heap.push(Reverse(((t * 1000.0).round() as i64, self.seq, ev)));
    }
    fn pop(&mut self) -> Option<(f64, E)> {
        self.heap.pop().map(|Reverse((ms, _, ev))| (ms as f64 / 1000.0, ev))
    }
}

fn exp(rng: &mut StdRng, mean: f64) -> f64 {
    let u: f64 = rng.random_range(f64::EPSILON..1.0);
    -mean * u.ln()
}

/// The next arrival after `t` of a Poisson stream whose rate is constant within each hour
/// (memoryless: a draw that crosses into the next hour starts again there at that hour's rate).
fn next_arrival(rng: &mut StdRng, s: &ServicePlan, mut t: f64) -> Option<f64> {
    if s.hourly.is_empty() {
        return (s.rate_per_h > 0.0).then(|| t + exp(rng, 3600.0 / s.rate_per_h));
    }
    loop {
        let hour = (t / 3600.0).floor() as usize;
        let rate = *s.hourly.get(hour)?;
        let end = (hour + 1) as f64 * 3600.0;
        if rate > 0.0 {
            let next = t + exp(rng, 3600.0 / rate);
            if next < end {
                return Some(next);
            }
        }
        t = end;
    }
}

/// Adds the span `from..to` (seconds) to the hours it covers.
fn add_span(by_hour: &mut Vec<f64>, from: f64, to: f64) {
    let mut t = from.max(0.0);
    while t < to {
        let hour = (t / 3600.0).floor() as usize;
        let end = ((hour + 1) as f64 * 3600.0).min(to);
        if by_hour.len() <= hour {
            by_hour.resize(hour + 1, 0.0);
        }
        by_hour[hour] += end - t;
        t = end;
    }
}

/// Run a plan through the engine.
pub fn run(plan: &Plan) -> Run {
    simulate(plan, None)
}

/// [`run`], recording the day into a `MemoryStore` through `store::record` (`Run::store`).
pub fn run_recorded(plan: &Plan) -> Run {
    simulate(plan, Some(MemoryStore::new()))
}

fn simulate(plan: &Plan, store: Option<MemoryStore>) -> Run {
    let rules = plan.rules();
    let site = SiteId::from("sim");
    let mut engine = Engine::new(rules);
    let mut rng = StdRng::seed_from_u64(plan.seed);
    let start: Timestamp = "2026-01-05T00:00:00Z".parse().expect("a timestamp");
    let at = |s: f64| start + jiff::SignedDuration::from_millis((s * 1000.0).round() as i64);
    let mut agenda: Agenda = Agenda::default();
    for (i, s) in plan.services.iter().enumerate() {
        if let Some(first) = next_arrival(&mut rng, s, 0.0) {
            agenda.push(first, Ev::Arrive(i));
        }
    }
    let mut desks: Vec<DeskSim> = plan
        .desks
        .iter()
        .map(|d| DeskSim {
            id: DeskId::from(d.id.as_str()),
            open: false,
            closing: false,
            current: None,
            call_pending: false,
            opened_at: 0.0,
            busy_since: 0.0,
        })
        .collect();
    for (i, d) in plan.desks.iter().enumerate() {
        for &(from, until) in &d.open {
            agenda.push(from, Ev::Open(i));
            if until < f64::MAX / 2.0 {
                agenda.push(until, Ev::Close(i));
            }
        }
    }
    let actor = Actor::System;
    let mut out = Run {
        events: Vec::new(),
        store,
        old_estimate: BTreeMap::new(),
        desk_open_s: BTreeMap::new(),
        desk_busy_s: BTreeMap::new(),
        open_s_by_hour: vec![],
        busy_s_by_hour: vec![],
        start,
        warmup_s: plan.warmup_s,
        target_wait_s: plan.services.iter().map(|s| (ServiceId::from(s.id.as_str()), s.target_wait_s)).collect(),
    };
    let mut n = 0u64;
    let services: Vec<ServiceId> = plan.services.iter().map(|s| ServiceId::from(s.id.as_str())).collect();
    let desk_serves: Vec<Vec<usize>> = plan
        .desks
        .iter()
        .map(|d| d.services.iter().filter_map(|s| plan.services.iter().position(|x| &x.id == s)).collect())
        .collect();
    let mut last_t = 0.0;
    while let Some((t, ev)) = agenda.pop() {
        last_t = t;
        let now = at(t);
        let exec = |engine: &mut Engine, cmd: Command, out: &mut Run| -> Vec<Event> {
            let evs = match &mut out.store {
                None => engine.execute(cmd, &actor, now).expect("the simulated command is legal"),
                Some(store) => {
                    // A new ticket's token hash is only looked up by the server: its id will do.
                    let hash = match &cmd {
                        Command::Issue(t) => Some(t.id.to_string()),
                        _ => None,
                    };
                    let mut group = store.begin().expect("a memory store always opens a group");
                    let evs = record(engine, &mut group, cmd, &actor, now, hash.as_deref())
                        .expect("the simulated command is legal");
                    group.commit().expect("nothing injects failures into the simulator's store");
                    evs.into_iter().map(|(_, e)| e).collect()
                }
            };
            out.events.extend(evs.iter().cloned());
            evs
        };
        // Idle open desks that serve service `svc` start calling.
        let wake = |desks: &mut Vec<DeskSim>, agenda: &mut Agenda, svc: Option<usize>| {
            for (i, d) in desks.iter_mut().enumerate() {
                if d.open
                    && !d.closing
                    && d.current.is_none()
                    && !d.call_pending
                    && svc.is_none_or(|s| desk_serves[i].contains(&s))
                {
                    d.call_pending = true;
                    agenda.push(t + plan.call_delay_s, Ev::Call(i));
                }
            }
        };
        match ev {
            Ev::Arrive(i) => {
                let s = &plan.services[i];
                if t >= plan.duration_s {
                    continue;
                }
                if let Some(next) = next_arrival(&mut rng, s, t) {
                    agenda.push(next, Ev::Arrive(i));
                }
                n += 1;
                let u: f64 = rng.random();
                let priority = if u < s.urgent_share {
                    Priority::Urgent
                } else if u < s.urgent_share + s.priority_share {
                    Priority::Priority
                } else {
                    Priority::Standard
                };
                let id = TicketId::new(format!("t{n:09}"));
                exec(
                    &mut engine,
                    Command::Issue(IssueTicket {
                        id: id.clone(),
                        site: site.clone(),
                        service: services[i].clone(),
                        priority,
                        appointment_at: None,
                        language: "it".into(),
                        party_size: 1,
                        needs: vec![],
                    }),
                    &mut out,
                );
                let ahead = engine.position(&id, now).0;
                let mean = engine.mean_service_time_s(&site, &services[i]);
                let open = engine.open_desks(&site, &services[i]).max(1);
                out.old_estimate.insert(id, (u64::from(ahead) * u64::from(mean) / u64::from(open)) as u32);
                wake(&mut desks, &mut agenda, Some(i));
            }
            Ev::Open(i) => {
                let d = &mut desks[i];
                if !d.open {
                    exec(
                        &mut engine,
                        Command::OpenDesk {
                            desk: d.id.clone(),
                            staff: queue_core::StaffId::new(format!("staff-{}", d.id)),
                            languages: vec![],
                            professions: vec![],
                        },
                        &mut out,
                    );
                    d.open = true;
                    d.closing = false;
                    d.opened_at = t;
                }
                wake(&mut desks, &mut agenda, None);
            }
            Ev::Close(i) => {
                let d = &mut desks[i];
                if d.current.is_some() {
                    d.closing = true;
                } else if d.open {
                    exec(&mut engine, Command::CloseDesk { desk: d.id.clone() }, &mut out);
                    d.open = false;
                    *out.desk_open_s.entry(d.id.to_string()).or_default() += t - d.opened_at;
                    add_span(&mut out.open_s_by_hour, d.opened_at, t);
                }
            }
            Ev::Call(i) => {
                desks[i].call_pending = false;
                if !desks[i].open || desks[i].closing || desks[i].current.is_some() {
                    continue;
                }
                let evs = exec(&mut engine, Command::CallNext { desk: desks[i].id.clone(), ticket: None }, &mut out);
                let Some(ticket) = evs.iter().find_map(|e| match &e.kind {
                    EventKind::TicketCalled { ticket, .. } => Some(ticket.clone()),
                    _ => None,
                }) else {
                    continue;
                };
                let d = &mut desks[i];
                d.current = Some(ticket.clone());
                d.busy_since = t;
                if rng.random::<f64>() < plan.no_show_share {
                    agenda.push(t + plan.no_show_wait_s, Ev::Finish(i, true));
                } else {
                    exec(&mut engine, Command::Start { ticket: ticket.clone() }, &mut out);
                    let svc = engine.ticket(&ticket).map(|x| x.service.clone());
                    let mean = svc
                        .and_then(|s| plan.services.iter().find(|p| p.id == s.as_str()))
                        .map_or(600.0, |p| p.service_mean_s);
                    agenda.push(t + exp(&mut rng, mean), Ev::Finish(i, false));
                }
            }
            Ev::Finish(i, no_show) => {
                let Some(ticket) = desks[i].current.take() else { continue };
                *out.desk_busy_s.entry(desks[i].id.to_string()).or_default() += t - desks[i].busy_since;
                add_span(&mut out.busy_s_by_hour, desks[i].busy_since, t);
                let svc = engine.ticket(&ticket).map(|x| x.service.clone());
                let plan_svc = svc.and_then(|s| plan.services.iter().find(|p| p.id == s.as_str()));
                let transfer =
                    plan_svc.and_then(|p| p.transfer_to.clone().filter(|_| rng.random::<f64>() < p.transfer_share));
                let cmd = match (no_show, transfer) {
                    (true, _) => Command::NoShow { ticket },
                    (false, Some(to)) => Command::Transfer {
                        ticket,
                        service: Some(ServiceId::new(to)),
                        desk: None,
                        staff: None,
                        keep_position: false,
                    },
                    (false, None) => Command::Finish { ticket },
                };
                exec(&mut engine, cmd, &mut out);
                let d = &mut desks[i];
                if d.closing {
                    exec(&mut engine, Command::CloseDesk { desk: d.id.clone() }, &mut out);
                    d.open = false;
                    d.closing = false;
                    *out.desk_open_s.entry(d.id.to_string()).or_default() += t - d.opened_at;
                    add_span(&mut out.open_s_by_hour, d.opened_at, t);
                } else {
                    d.call_pending = true;
                    agenda.push(t + plan.call_delay_s, Ev::Call(i));
                }
                wake(&mut desks, &mut agenda, None);
            }
        }
    }
    for d in &desks {
        if d.open {
            *out.desk_open_s.entry(d.id.to_string()).or_default() += last_t - d.opened_at;
            add_span(&mut out.open_s_by_hour, d.opened_at, last_t);
        }
    }
    debug_assert!(
        out.store
            .as_ref()
            .is_none_or(|s| s.load().is_ok_and(|p| Engine::restore(plan.rules(), p).state() == engine.state())),
        "the stored projections give back the simulated state"
    );
    out
}

/// The figures of a run (tickets issued after the warm-up), from the statistics code.
#[derive(Debug, Clone, PartialEq)]
pub struct Figures {
    pub tickets: u64,
    pub called: u64,
    pub wait_mean_s: f64,
    pub wait_p90_s: f64,
    /// Share of called tickets whose first wait was within their service's target.
    pub service_level: f64,
    /// Called tickets whose first wait went past the target.
    pub past_target: u64,
    /// Share of the open time the desks were busy.
    pub occupancy: f64,
    /// Share of tickets that waited at all (Erlang C's probability of waiting).
    pub waited_share: f64,
    pub bias_s: f64,
    pub mae_s: f64,
    pub told_too_little: f64,
    /// The same three for the estimator before issue 14.
    pub old_bias_s: f64,
    pub old_mae_s: f64,
    pub old_told_too_little: f64,
}

/// Measure a run. Waits and estimate errors come from `stats::TicketStats` and `Aggregate`, as in
/// the server's statistics.
pub fn figures(run: &Run) -> Figures {
    figures_where(run, |_| true)
}

/// `figures` over the tickets `keep` selects (e.g. one hour of the day).
pub fn figures_where(run: &Run, keep: impl Fn(&TicketStats) -> bool) -> Figures {
    let cut = run.start + jiff::SignedDuration::from_millis((run.warmup_s * 1000.0) as i64);
    let tickets: Vec<TicketStats> =
        tickets_from_events(&run.events).into_iter().filter(|t| t.issued_at >= cut && keep(t)).collect();
    let mut agg = Aggregate::default();
    let (mut past, mut waited) = (0u64, 0u64);
    let (mut old_err, mut old_abs, mut old_under, mut old_n) = (0i64, 0i64, 0u64, 0u64);
    for t in &tickets {
        let target = i64::from(run.target_wait_s.get(&t.service).copied().unwrap_or(0)) * 1000;
        let within = t.first_wait_ms.is_some_and(|w| w <= target);
        past += u64::from(t.first_wait_ms.is_some_and(|w| w > target));
        waited += u64::from(t.first_wait_ms.is_some_and(|w| w > 0));
        agg.add(t, 0, 0, within, false);
        if let (Some(first), Some(old)) = (t.first_wait_ms, run.old_estimate.get(&t.id)) {
            let e = i64::from(*old) * 1000 - first;
            old_err += e;
            old_abs += e.abs();
            old_under += u64::from(e < 0);
            old_n += 1;
        }
    }
    let s = agg.summary();
    let busy: f64 = run.desk_busy_s.values().sum();
    let open: f64 = run.desk_open_s.values().sum();
    let per = |x: i64, n: u64| if n == 0 { 0.0 } else { x as f64 / n as f64 / 1000.0 };
    Figures {
        tickets: s.issued,
        called: agg.called,
        wait_mean_s: s.wait_mean_s.unwrap_or(0.0),
        wait_p90_s: s.wait_p90_s.unwrap_or(0.0),
        service_level: s.service_level.unwrap_or(0.0),
        past_target: past,
        occupancy: if open > 0.0 { busy / open } else { 0.0 },
        waited_share: if agg.called > 0 { waited as f64 / agg.called as f64 } else { 0.0 },
        bias_s: s.estimate_bias_s.unwrap_or(0.0),
        mae_s: s.estimate_mae_s.unwrap_or(0.0),
        told_too_little: s.estimate_told_too_little.unwrap_or(0.0),
        old_bias_s: per(old_err, old_n),
        old_mae_s: per(old_abs, old_n),
        old_told_too_little: if old_n == 0 { 0.0 } else { old_under as f64 / old_n as f64 },
    }
}

/// Erlang C: the probability that an arrival waits, with `c` servers and offered load `a = λ/μ`
/// (erlangs, `a < c`).
pub fn erlang_c(c: u32, a: f64) -> f64 {
    // Erlang B by its recursion, then C from B.
    let mut b = 1.0;
    for k in 1..=c {
        b = a * b / (f64::from(k) + a * b);
    }
    let rho = a / f64::from(c);
    b / (1.0 - rho + rho * b)
}

/// Erlang C's mean wait (seconds) for `c` servers at utilisation `load` with mean service `m` s.
pub fn erlang_c_mean_wait(c: u32, load: f64, m: f64) -> f64 {
    let a = load * f64::from(c);
    erlang_c(c, a) * m / (f64::from(c) * (1.0 - load))
}

#[cfg(test)]
mod tests;
