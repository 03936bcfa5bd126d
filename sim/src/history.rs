//! The history generator: days of a site's past, made by executing commands on the real engine
//! (`Engine::execute`) with a virtual clock — arrivals by weekday and hour, the site's configured
//! services and desks, a priority mix, cancellations (people who leave before their call),
//! recalls, no-shows, holds and returns, transfers. What it returns is what the server would have
//! stored: every event the engine returned, and the tickets as the engine holds them at the end.
//!
//! Each (site, day) is its own engine and its own seed (`HistorySpec::seed`, the site, the date),
//! so the same spec gives the same history on every run and days can be made on several threads
//! (`generate` hands them back in order).

use crate::{Agenda, exp};
use jiff::Timestamp;
use jiff::civil::Date;
use queue_core::engine::IssueTicket;
use queue_core::model::{Status, Ticket};
use queue_core::{
    Actor, Command, DeskId, Engine, Event, EventKind, Priority, QueueError, Rules, ServiceId, SiteId, StaffId, TicketId,
};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::collections::BTreeMap;

/// What a site's history looks like.
#[derive(Debug, Clone)]
pub struct HistorySpec {
    pub site: SiteId,
    /// Mean tickets of an opening day (the weekday weights move it around that mean).
    pub tickets_per_day: f64,
    /// Relative arrivals by weekday, Monday first; 0 = closed that day.
    pub weekdays: [f64; 7],
    /// Relative arrivals by local hour of the day (hours not listed: none). The desks open at the
    /// first listed hour and serve the queue out after the last.
    pub hours: Vec<(i8, f64)>,
    /// Relative arrivals by service; services not listed (or all, when empty) weigh 1.
    pub service_weights: Vec<(ServiceId, f64)>,
    /// Mean service time by service, seconds; default: the service's `default_service_time_s`.
    pub service_mean_s: Vec<(ServiceId, f64)>,
    /// Service times are shortened where needed so that the work offered at the busiest hour's
    /// rate stays below this share of the open desks' time (a history whose queues clear).
    pub max_load: f64,
    pub priority_share: f64,
    pub urgent_share: f64,
    /// People who leave before they are called (cancelled, after a patience of about 20 min).
    pub cancel_share: f64,
    /// People called who are recalled once and then come.
    pub recall_share: f64,
    /// People called who never come (recalled once, then no-show).
    pub no_show_share: f64,
    /// People put on hold during service (they come back after about 15 minutes).
    pub hold_share: f64,
    /// People transferred to another service of the site at the end of their service, and the
    /// share of those who keep their place.
    pub transfer_share: f64,
    pub transfer_keep_position: f64,
    /// Staff's delay between finishing and calling the next, seconds (mean).
    pub call_delay_s: f64,
    /// Desks that open (default: every desk of the site), all day.
    pub desks: Option<Vec<DeskId>>,
    /// A service that reached its daily cap: lift the cap (as staff may) instead of turning the
    /// person away.
    pub lift_caps: bool,
    pub seed: u64,
}

impl HistorySpec {
    /// A weekday site (Monday to Friday, 08–17, busiest mid-morning) with a realistic mix.
    pub fn weekdays(site: &SiteId, tickets_per_day: f64, seed: u64) -> HistorySpec {
        HistorySpec {
            site: site.clone(),
            tickets_per_day,
            weekdays: [1.2, 1.0, 1.0, 0.9, 0.9, 0.0, 0.0],
            hours: vec![
                (8, 8.0),
                (9, 14.0),
                (10, 16.0),
                (11, 14.0),
                (12, 9.0),
                (13, 3.0),
                (14, 6.0),
                (15, 7.0),
                (16, 5.0),
            ],
            service_weights: vec![],
            service_mean_s: vec![],
            max_load: 0.85,
            priority_share: 0.10,
            urgent_share: 0.01,
            cancel_share: 0.04,
            recall_share: 0.04,
            no_show_share: 0.05,
            hold_share: 0.04,
            transfer_share: 0.08,
            transfer_keep_position: 0.5,
            call_delay_s: 20.0,
            desks: None,
            lift_caps: false,
            seed,
        }
    }

    fn weekday_factor(&self, day: Date) -> f64 {
        let open: Vec<f64> = self.weekdays.iter().copied().filter(|w| *w > 0.0).collect();
        let mean = open.iter().sum::<f64>() / open.len().max(1) as f64;
        let w = self.weekdays[day.weekday().to_monday_zero_offset() as usize];
        if mean > 0.0 { w / mean } else { 0.0 }
    }
}

/// One site-day (or many) of history: the engine's events in order, and its tickets at the end.
#[derive(Debug, Default, Clone)]
pub struct History {
    pub events: Vec<Event>,
    pub tickets: Vec<Ticket>,
    /// People who found their service full (daily cap) or closed and got no ticket.
    pub turned_away: u64,
}

/// Why a spec cannot make a history.
#[derive(Debug, thiserror::Error)]
pub enum HistoryError {
    #[error("unknown site '{0}'")]
    UnknownSite(SiteId),
    #[error("site '{0}' has no desk that opens, or no service")]
    NoDesks(SiteId),
    #[error("the engine refused a command of the generator: {0}")]
    Engine(#[from] QueueError),
    #[error("bad history spec: {0}")]
    Spec(String),
}

#[derive(Clone, Copy)]
struct Fate {
    service: usize,
    priority: Priority,
    cancel_after_s: Option<f64>,
    recall: bool,
    no_show: bool,
    hold: bool,
    transfer: Option<usize>,
    language: &'static str,
    party_size: u32,
    needs: u8,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Ev {
    Arrive(usize),
    /// The ticket's patience ran out: it leaves if still waiting for its first call.
    Leave(usize),
    /// A held ticket's person is back.
    Back(usize),
    Desk(usize, Step),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Step {
    Call,
    Recall,
    Start,
    NoShow,
    Hold,
    Finish,
}

struct DeskSim {
    id: DeskId,
    serves: Vec<usize>,
    current: Option<usize>,
    pending: bool,
}

const LANGUAGES: [&str; 8] = ["it", "it", "it", "ar", "en", "fr", "uk", "ro"];

/// One site-day through the engine.
pub fn history_day(rules: &Rules, spec: &HistorySpec, day: Date) -> Result<History, HistoryError> {
    let site = rules.site(&spec.site).ok_or_else(|| HistoryError::UnknownSite(spec.site.clone()))?;
    if !(spec.max_load > 0.0 && spec.max_load < 1.0) {
        return Err(HistoryError::Spec(format!("max_load must be between 0 and 1, not {}", spec.max_load)));
    }
    if !(spec.tickets_per_day >= 0.0 && spec.tickets_per_day.is_finite()) {
        return Err(HistoryError::Spec(format!("tickets_per_day must be 0 or more, not {}", spec.tickets_per_day)));
    }
    let services: Vec<&queue_core::ServiceRules> = rules.services_of(&spec.site).collect();
    let desk_rules: Vec<&queue_core::DeskRules> =
        rules.desks_of(&spec.site).filter(|d| spec.desks.as_ref().is_none_or(|list| list.contains(&d.id))).collect();
    if desk_rules.is_empty() || services.is_empty() {
        return Err(HistoryError::NoDesks(spec.site.clone()));
    }
    let mut out = History::default();
    let n = (spec.tickets_per_day * spec.weekday_factor(day)).round() as usize;
    let hours_w: f64 = spec.hours.iter().map(|h| h.1.max(0.0)).sum();
    if n == 0 || hours_w <= 0.0 {
        return Ok(out);
    }
    // A seed of its own: the spec's, the site and the day.
    let mut h: u64 = spec.seed ^ 0x9e37_79b9_7f4a_7c15;
    for b in spec.site.as_str().bytes().chain(day.to_string().bytes()) {
        h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
    }
    let mut rng = StdRng::seed_from_u64(h);
    let tz = site.time_zone.clone();
    let first_hour = spec.hours.iter().map(|h| h.0).min().unwrap_or(8);
    let open_at = day
        .to_datetime(jiff::civil::time(first_hour, 0, 0, 0))
        .to_zoned(tz.clone())
        .map_err(|e| HistoryError::Spec(e.to_string()))?
        .timestamp();
    let last_hour = spec.hours.iter().map(|h| h.0).max().unwrap_or(first_hour);
    let open_s = f64::from(i32::from(last_hour - first_hour + 1)) * 3600.0;

    // Demand by service, and service times that the desks can carry.
    let weight = |s: &ServiceId| {
        if spec.service_weights.is_empty() {
            1.0
        } else {
            spec.service_weights.iter().find(|w| &w.0 == s).map_or(0.0, |w| w.1.max(0.0))
        }
    };
    let weights: Vec<f64> = services.iter().map(|s| weight(&s.id)).collect();
    let wsum: f64 = weights.iter().sum();
    if wsum <= 0.0 {
        return Err(HistoryError::Spec("every service weighs 0".into()));
    }
    let mut mean_s: Vec<f64> = services
        .iter()
        .map(|s| {
            spec.service_mean_s
                .iter()
                .find(|m| m.0 == s.id)
                .map_or(f64::from(s.default_service_time_s.max(60)), |m| m.1.max(1.0))
        })
        .collect();
    let desks_of: Vec<f64> =
        services.iter().map(|s| desk_rules.iter().filter(|d| d.services.contains(&s.id)).count() as f64).collect();
    // At the busiest hour's rate: the morning peak must not build a queue that lasts all day. A
    // desk's time per person is the service and what comes around it (the call delay, the walk).
    let peak = spec.hours.iter().map(|h| h.1).fold(0.0, f64::max) / (hours_w / spec.hours.len() as f64);
    let busy = n as f64 * peak.max(1.0);
    let around = spec.call_delay_s + 37.5;
    let shorten = |m: &mut f64, factor: f64| *m = ((*m + around) * factor - around).max(30.0);
    for (i, m) in mean_s.iter_mut().enumerate() {
        let work = busy * weights[i] / wsum * (*m + around);
        let cap = spec.max_load * desks_of[i] * open_s;
        if desks_of[i] > 0.0 && work > cap {
            shorten(m, cap / work);
        }
    }
    let work: f64 = (0..services.len()).map(|i| busy * weights[i] / wsum * (mean_s[i] + around)).sum();
    let cap = spec.max_load * desk_rules.len() as f64 * open_s;
    if work > cap {
        mean_s.iter_mut().for_each(|m| shorten(m, cap / work));
    }

    // Arrivals: n people, each in an hour by its weight, at a uniform second of it.
    let mut arrivals: Vec<(f64, Fate)> = (0..n)
        .map(|_| {
            let mut pick = rng.random_range(0.0..hours_w);
            let hour = spec
                .hours
                .iter()
                .find(|(_, w)| {
                    if pick < *w {
                        true
                    } else {
                        pick -= w.max(0.0);
                        false
                    }
                })
                .map_or(last_hour, |h| h.0);
            let t = f64::from(i32::from(hour - first_hour)) * 3600.0 + rng.random_range(0.0..3600.0);
            let mut pick = rng.random_range(0.0..wsum);
            let service = weights
                .iter()
                .position(|w| {
                    if pick < *w {
                        true
                    } else {
                        pick -= w;
                        false
                    }
                })
                .unwrap_or(0);
            let u: f64 = rng.random();
            let priority = if u < spec.urgent_share {
                Priority::Urgent
            } else if u < spec.urgent_share + spec.priority_share {
                Priority::Priority
            } else {
                Priority::Standard
            };
            let called: f64 = rng.random();
            let others: Vec<usize> = (0..services.len()).filter(|&j| j != service && desks_of[j] > 0.0).collect();
            let transfer = (rng.random::<f64>() < spec.transfer_share && !others.is_empty())
                .then(|| others[rng.random_range(0..others.len())]);
            let fate = Fate {
                service,
                priority,
                cancel_after_s: (rng.random::<f64>() < spec.cancel_share).then(|| 60.0 + exp(&mut rng, 1200.0)),
                no_show: called < spec.no_show_share,
                recall: called >= spec.no_show_share && called < spec.no_show_share + spec.recall_share,
                hold: rng.random::<f64>() < spec.hold_share,
                transfer,
                language: LANGUAGES[rng.random_range(0..LANGUAGES.len())],
                party_size: if rng.random_range(0..6) == 0 { 2 + rng.random_range(0..3) } else { 1 },
                needs: rng.random_range(0..10),
            };
            (t, fate)
        })
        .collect();
    arrivals.sort_by(|a, b| a.0.total_cmp(&b.0));

    let mut engine = Engine::new(rules.clone());
    let actor = Actor::System;
    let at = |s: f64| open_at + jiff::SignedDuration::from_millis((s * 1000.0).round() as i64);
    let mut agenda = Agenda::default();
    for (k, (t, _)) in arrivals.iter().enumerate() {
        agenda.push(*t, Ev::Arrive(k));
    }
    let mut desks: Vec<DeskSim> = desk_rules
        .iter()
        .map(|d| DeskSim {
            id: d.id.clone(),
            serves: d.services.iter().filter_map(|s| services.iter().position(|x| &x.id == s)).collect(),
            current: None,
            pending: false,
        })
        .collect();
    let day_tag = day.strftime("%Y%m%d").to_string();
    let site_tag: u32 =
        spec.site.as_str().bytes().fold(0u32, |a, b| a.wrapping_mul(31).wrapping_add(u32::from(b))) % 100;
    let mut ids: Vec<Option<TicketId>> = vec![None; arrivals.len()];
    // Tickets back in the queue after their first call (held, transferred): no patience then.
    let mut called_once = vec![false; arrivals.len()];
    let mut held_once = vec![false; arrivals.len()];
    let mut transferred = vec![false; arrivals.len()];
    let mut index_of: BTreeMap<TicketId, usize> = BTreeMap::new();
    // Each ticket as the server would store it: the engine's, and for a ticket the engine let go
    // (done, no-show, cancelled) its last state with that status (as the server's writer does).
    let mut last: BTreeMap<TicketId, Ticket> = BTreeMap::new();
    let exec = |engine: &mut Engine,
                cmd: Command,
                t: f64,
                out: &mut History,
                last: &mut BTreeMap<TicketId, Ticket>|
     -> Result<Vec<Event>, QueueError> {
        let evs = engine.execute(cmd, &actor, at(t))?;
        for e in &evs {
            let Some(id) = e.kind.ticket_id() else { continue };
            match engine.ticket(id) {
                Some(now) => {
                    last.insert(id.clone(), now.clone());
                }
                None => {
                    if let Some(gone) = last.get_mut(id) {
                        gone.status = match e.kind {
                            EventKind::TicketDone { .. } => Status::Done,
                            EventKind::TicketNoShow { .. } => Status::NoShow,
                            EventKind::TicketExpired { .. } => Status::Expired,
                            _ => Status::Cancelled,
                        };
                    }
                }
            }
        }
        out.events.extend(evs.iter().cloned());
        Ok(evs)
    };
    for d in &desks {
        exec(
            &mut engine,
            Command::OpenDesk {
                desk: d.id.clone(),
                staff: StaffId::new(format!("{}-op", d.id)),
                languages: vec![],
                professions: vec![],
            },
            0.0,
            &mut out,
            &mut last,
        )?;
    }
    let delay = |rng: &mut StdRng| spec.call_delay_s * (0.5 + rng.random::<f64>());
    let mut last_t = 0.0;
    let mut turn = 0usize;
    while let Some((t, ev)) = agenda.pop() {
        last_t = t;
        let mut wake_for: Option<usize> = None;
        match ev {
            Ev::Arrive(k) => {
                let f = arrivals[k].1;
                let id = TicketId::new(format!("01SIM{site_tag:02}{day_tag}{k:011}"));
                let svc = services[f.service].id.clone();
                let needs = match f.needs {
                    0 => vec!["group:migranti".to_owned()],
                    1 => vec!["group:senza_dimora".to_owned()],
                    2 => vec!["group:giovani_neet".to_owned()],
                    _ => vec![],
                };
                let issue = Command::Issue(IssueTicket {
                    id: id.clone(),
                    site: spec.site.clone(),
                    service: svc.clone(),
                    priority: f.priority,
                    appointment_at: None,
                    language: f.language.into(),
                    party_size: f.party_size,
                    needs,
                });
                match exec(&mut engine, issue.clone(), t, &mut out, &mut last) {
                    Ok(_) => {}
                    Err(QueueError::DailyCapReached(..)) if spec.lift_caps => {
                        exec(
                            &mut engine,
                            Command::LiftCap { site: spec.site.clone(), service: svc },
                            t,
                            &mut out,
                            &mut last,
                        )?;
                        exec(&mut engine, issue, t, &mut out, &mut last)?;
                    }
                    Err(QueueError::DailyCapReached(..) | QueueError::ServiceClosed(..)) => {
                        out.turned_away += 1;
                        continue;
                    }
                    Err(e) => return Err(e.into()),
                }
                index_of.insert(id.clone(), k);
                ids[k] = Some(id);
                if let Some(p) = f.cancel_after_s {
                    agenda.push(t + p, Ev::Leave(k));
                }
                wake_for = Some(f.service);
            }
            Ev::Leave(k) => {
                let Some(id) = &ids[k] else { continue };
                if !called_once[k] && engine.ticket(id).is_some_and(|x| x.status == Status::Waiting) {
                    exec(&mut engine, Command::Cancel { ticket: id.clone() }, t, &mut out, &mut last)?;
                }
            }
            Ev::Back(k) => {
                let Some(id) = &ids[k] else { continue };
                if engine.ticket(id).is_some_and(|x| x.status == Status::OnHold) {
                    exec(
                        &mut engine,
                        Command::Return { ticket: id.clone(), keep_position: true },
                        t,
                        &mut out,
                        &mut last,
                    )?;
                    // Its place is kept for the desk that parked it: that desk calls if idle.
                    let own = engine
                        .ticket(id)
                        .and_then(|x| x.target.as_ref())
                        .and_then(|g| g.desk.clone())
                        .and_then(|d| desks.iter().position(|x| x.id == d));
                    match own {
                        Some(i) if desks[i].current.is_none() && !desks[i].pending => {
                            desks[i].pending = true;
                            agenda.push(t + delay(&mut rng), Ev::Desk(i, Step::Call));
                        }
                        _ => wake_for = Some(arrivals[k].1.service),
                    }
                }
            }
            Ev::Desk(i, step) => {
                let f = desks[i].current.map(|k| arrivals[k].1);
                let ticket = desks[i].current.and_then(|k| ids[k].clone());
                match (step, ticket, f) {
                    (Step::Call, _, _) => {
                        desks[i].pending = false;
                        if desks[i].current.is_some() {
                            continue;
                        }
                        let evs = exec(
                            &mut engine,
                            Command::CallNext { desk: desks[i].id.clone(), ticket: None },
                            t,
                            &mut out,
                            &mut last,
                        )?;
                        let Some(k) = evs.iter().find_map(|e| match &e.kind {
                            EventKind::TicketCalled { ticket, .. } => index_of.get(ticket).copied(),
                            _ => None,
                        }) else {
                            continue;
                        };
                        desks[i].current = Some(k);
                        let f = arrivals[k].1;
                        let first = !called_once[k];
                        called_once[k] = true;
                        let next = if first && (f.no_show || f.recall) { Step::Recall } else { Step::Start };
                        let wait = if next == Step::Recall { 60.0 } else { 15.0 + rng.random_range(0.0..45.0) };
                        agenda.push(t + wait, Ev::Desk(i, next));
                    }
                    (Step::Recall, Some(id), Some(f)) => {
                        exec(&mut engine, Command::Recall { ticket: id }, t, &mut out, &mut last)?;
                        let next = if f.no_show { Step::NoShow } else { Step::Start };
                        agenda.push(t + if f.no_show { 120.0 } else { 40.0 }, Ev::Desk(i, next));
                    }
                    (Step::NoShow, Some(id), _) => {
                        exec(&mut engine, Command::NoShow { ticket: id }, t, &mut out, &mut last)?;
                        desks[i].current = None;
                        desks[i].pending = true;
                        agenda.push(t + delay(&mut rng), Ev::Desk(i, Step::Call));
                    }
                    (Step::Start, Some(id), Some(f)) => {
                        exec(&mut engine, Command::Start { ticket: id.clone() }, t, &mut out, &mut last)?;
                        let k = desks[i].current.unwrap_or(0);
                        let svc = engine.ticket(&id).and_then(|x| services.iter().position(|s| s.id == x.service));
                        let mean = mean_s[svc.unwrap_or(f.service)];
                        let s = 10.0 + exp(&mut rng, (mean - 10.0).max(1.0));
                        if f.hold && !held_once[k] {
                            held_once[k] = true;
                            agenda.push(t + s * 0.4, Ev::Desk(i, Step::Hold));
                        } else {
                            agenda.push(t + s, Ev::Desk(i, Step::Finish));
                        }
                    }
                    (Step::Hold, Some(id), _) => {
                        let k = desks[i].current.unwrap_or(0);
                        exec(&mut engine, Command::Hold { ticket: id }, t, &mut out, &mut last)?;
                        agenda.push(t + 300.0 + exp(&mut rng, 600.0), Ev::Back(k));
                        desks[i].current = None;
                        desks[i].pending = true;
                        agenda.push(t + delay(&mut rng), Ev::Desk(i, Step::Call));
                    }
                    (Step::Finish, Some(id), Some(f)) => {
                        let k = desks[i].current.unwrap_or(0);
                        let cmd = match f.transfer {
                            Some(to) if !transferred[k] => {
                                transferred[k] = true;
                                wake_for = Some(to);
                                Command::Transfer {
                                    ticket: id,
                                    service: Some(services[to].id.clone()),
                                    desk: None,
                                    staff: None,
                                    keep_position: rng.random::<f64>() < spec.transfer_keep_position,
                                }
                            }
                            _ => Command::Finish { ticket: id },
                        };
                        exec(&mut engine, cmd, t, &mut out, &mut last)?;
                        desks[i].current = None;
                        desks[i].pending = true;
                        agenda.push(t + delay(&mut rng), Ev::Desk(i, Step::Call));
                    }
                    _ => {}
                }
            }
        }
        // One idle desk that serves the ticket's service calls (they take turns).
        if let Some(s) = wake_for {
            let len = desks.len();
            if let Some(i) = (0..len)
                .map(|j| (turn + j) % len)
                .find(|&i| desks[i].current.is_none() && !desks[i].pending && desks[i].serves.contains(&s))
            {
                turn = i + 1;
                desks[i].pending = true;
                agenda.push(t + delay(&mut rng), Ev::Desk(i, Step::Call));
            }
        }
    }
    // Whoever is still waiting (a service no open desk takes) leaves; the desks close.
    let end = last_t + 1.0;
    let left: Vec<TicketId> = engine
        .tickets()
        .filter(|x| matches!(x.status, Status::Waiting | Status::OnHold))
        .map(|x| x.id.clone())
        .collect();
    for id in left {
        if engine.ticket(&id).is_some_and(|x| x.status == Status::OnHold) {
            exec(&mut engine, Command::Return { ticket: id.clone(), keep_position: true }, end, &mut out, &mut last)?;
        }
        exec(&mut engine, Command::Cancel { ticket: id }, end, &mut out, &mut last)?;
    }
    for d in &desks {
        exec(&mut engine, Command::CloseDesk { desk: d.id.clone() }, end, &mut out, &mut last)?;
    }
    out.tickets = last.into_values().collect();
    Ok(out)
}

/// Days `days` of every spec's site, made on `threads` threads and handed to `sink` one day at a
/// time, in order (the days' histories of all the specs, in the specs' order). Stops at the first
/// error (the generator's or the sink's).
pub fn generate<E: From<HistoryError>>(
    rules: &Rules,
    specs: &[HistorySpec],
    days: &[Date],
    threads: usize,
    mut sink: impl FnMut(Date, History) -> Result<(), E>,
) -> Result<(), E> {
    let threads = threads.clamp(1, 64);
    let next = std::sync::atomic::AtomicUsize::new(0);
    let (tx, rx) = std::sync::mpsc::sync_channel::<(usize, Result<History, HistoryError>)>(threads * 2);
    std::thread::scope(|scope| {
        for _ in 0..threads {
            let tx = tx.clone();
            let next = &next;
            scope.spawn(move || {
                loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let Some(day) = days.get(i) else { break };
                    let mut all = History::default();
                    let mut result = Ok(());
                    for spec in specs {
                        match history_day(rules, spec, *day) {
                            Ok(h) => {
                                all.events.extend(h.events);
                                all.tickets.extend(h.tickets);
                                all.turned_away += h.turned_away;
                            }
                            Err(e) => {
                                result = Err(e);
                                break;
                            }
                        }
                    }
                    if tx.send((i, result.map(|()| all))).is_err() {
                        break;
                    }
                }
            });
        }
        drop(tx);
        // In day order: the days that come early wait here for the ones before them.
        let mut early: BTreeMap<usize, Result<History, HistoryError>> = BTreeMap::new();
        let mut want = 0usize;
        let mut outcome: Result<(), E> = Ok(());
        for (i, h) in rx.iter() {
            early.insert(i, h);
            while let Some(h) = early.remove(&want) {
                if outcome.is_ok() {
                    outcome = h.map_err(E::from).and_then(|h| sink(days[want], h));
                }
                if outcome.is_err() {
                    // The workers stop at their next send.
                    next.store(days.len(), std::sync::atomic::Ordering::Relaxed);
                }
                want += 1;
            }
        }
        outcome
    })
}

/// About `total` tickets over the open weekdays from `first` to `last`, spread evenly over
/// `sites` (one [`HistorySpec::weekdays`] each, seeded with `seed`; a full service's cap lifted, as
/// staff may, so the count asked for is made): the days and the specs, as `stats-bench` and
/// `sim history` generate them.
pub fn spread(sites: &[SiteId], total: u64, first: Date, last: Date, seed: u64) -> (Vec<Date>, Vec<HistorySpec>) {
    let specs: Vec<HistorySpec> =
        sites.iter().map(|site| HistorySpec { lift_caps: true, ..HistorySpec::weekdays(site, 0.0, seed) }).collect();
    let Some(first_spec) = specs.first() else { return (vec![], specs) };
    let days = open_days(&first_spec.weekdays, first, last);
    let per_day = total as f64 / (days.len().max(1) as f64 * sites.len() as f64);
    let specs = specs.into_iter().map(|spec| HistorySpec { tickets_per_day: per_day, ..spec }).collect();
    (days, specs)
}

/// Opening days (weight above 0) from `first` to `last`, inclusive.
pub fn open_days(spec_weekdays: &[f64; 7], first: Date, last: Date) -> Vec<Date> {
    first
        .series(jiff::Span::new().days(1))
        .take_while(|d| *d <= last)
        .filter(|d| spec_weekdays[d.weekday().to_monday_zero_offset() as usize] > 0.0)
        .collect()
}

/// When the history of `events` begins and ends (the first and last event).
pub fn span(events: &[Event]) -> Option<(Timestamp, Timestamp)> {
    Some((events.first()?.at, events.last()?.at))
}
