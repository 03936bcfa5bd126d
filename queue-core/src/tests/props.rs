//! Property tests: random small configurations (2 sites, a few services and desks) and random
//! command sequences on a random monotone clock, every step checked by `reference::Checker`.
//!
//! After each command: no ticket is current at two desks and a desk holds at most one
//! ticket; each policy call is the reference's best pick (class with appointment and aging,
//! reservation, mediator, service rank, queue time, so FIFO within a class); transfers and
//! returns keep or lose the queue time as asked; the walk-in guard holds (no walk-in past its
//! target waits through more than the site's N appointment calls in a row at a desk that may call
//! it; random N or none); numbers are unique per site, service and
//! day; a refused command leaves the state unchanged. At the end of every case, replaying
//! the events (and restoring the projections) rebuilds an equal state.
//! `PROPTEST_CASES=5000 cargo test -p queue-core props` runs a longer search.

use super::reference::Checker;
use crate::engine::{Command, IssueTicket};
use crate::event::EventKind;
use crate::ids::{DeskId, ServiceId, SiteId, StaffId, TicketId};
use crate::model::{Actor, DeskStatus, DeviceKind, Priority, Role, Status};
use crate::rules::{DeskRules, Rules, ServiceRules, SiteRules};
use jiff::civil::{DateTime, date};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use proptest::prelude::*;
use proptest::sample::Index;

const STAFF: [&str; 5] = ["alice", "bob", "carol", "dave", "eve"];
const LANGS: [&str; 3] = ["it", "ar", "fr"];
const ROLES: [&str; 2] = ["legal", "social"];
const SERVICES: [&str; 3] = ["A", "B", "C"];

#[derive(Debug, Clone)]
struct SvcCfg {
    target: u32,
    cap: Option<u32>,
    legal_only: bool,
    service_time: u32,
}

#[derive(Debug, Clone)]
struct SiteCfg {
    aging: bool,
    out_of_order: bool,
    fallback: u32,
    /// The walk-in guard's N (`None`: off).
    guard: Option<u32>,
    services: Vec<SvcCfg>,
    /// Per desk, the indices of the services it serves, in its order.
    desks: Vec<Vec<usize>>,
}

fn svc_cfg() -> impl Strategy<Value = SvcCfg> {
    (
        prop_oneof![Just(60u32), Just(300), Just(900)],
        prop_oneof![3 => Just(None), 1 => (2u32..6).prop_map(Some)],
        prop::bool::weighted(0.3),
        prop_oneof![Just(120u32), Just(600)],
    )
        .prop_map(|(target, cap, legal_only, service_time)| SvcCfg { target, cap, legal_only, service_time })
}

fn site_cfg() -> impl Strategy<Value = SiteCfg> {
    (
        any::<bool>(),
        any::<bool>(),
        prop_oneof![Just(0u32), Just(60), Just(300), Just(900)],
        prop::collection::vec(svc_cfg(), 2..=3),
        prop_oneof![1 => Just(None), 2 => (1u32..=3).prop_map(Some)],
    )
        .prop_flat_map(|(aging, out_of_order, fallback, services, guard)| {
            let n = services.len();
            let desk = Just((0..n).collect::<Vec<usize>>())
                .prop_shuffle()
                .prop_flat_map(move |order| (1..=n).prop_map(move |k| order[..k].to_vec()));
            prop::collection::vec(desk, 2..=3).prop_map(move |desks| SiteCfg {
                aging,
                out_of_order,
                fallback,
                guard,
                services: services.clone(),
                desks,
            })
        })
}

fn site_id(i: usize) -> SiteId {
    SiteId::new(format!("s{i}"))
}

fn rules(sites: &[SiteCfg]) -> Rules {
    let mut rules = Rules::default();
    let rome = TimeZone::get("Europe/Rome").unwrap();
    for (i, cfg) in sites.iter().enumerate() {
        let site = site_id(i);
        rules.sites.insert(
            site.clone(),
            SiteRules {
                id: site.clone(),
                time_zone: rome.clone(),
                default_language: "it".into(),
                opening_hours: None,
                out_of_order_calls: cfg.out_of_order,
                aging: cfg.aging,
                transfer_fallback_s: cfg.fallback,
                any_ticket_role: crate::model::Role::Manager,
                keep_queue_overnight: false,
                expire_grace_s: 0,
                walk_in_guard: cfg.guard,
            },
        );
        for (j, s) in cfg.services.iter().enumerate() {
            let id = ServiceId::from(SERVICES[j]);
            rules.services.insert(
                (site.clone(), id.clone()),
                ServiceRules {
                    site: site.clone(),
                    id,
                    prefix: SERVICES[j].chars().next().unwrap(),
                    public_label: format!("Room {j}"),
                    target_wait_s: s.target,
                    daily_cap: s.cap,
                    opening_hours: None,
                    roles: if s.legal_only { vec!["legal".into()] } else { vec![] },
                    default_service_time_s: s.service_time,
                },
            );
        }
        for (k, services) in cfg.desks.iter().enumerate() {
            let id = DeskId::new(format!("s{i}d{k}"));
            rules.desks.insert(
                id.clone(),
                DeskRules {
                    id,
                    site: site.clone(),
                    label: format!("Desk {k}"),
                    services: services.iter().map(|&j| ServiceId::from(SERVICES[j])).collect(),
                },
            );
        }
    }
    rules
}

#[derive(Debug, Clone)]
enum Op {
    Issue {
        site: usize,
        service: Index,
        class: usize,
        appointment_in_s: Option<i64>,
        mediator: Option<usize>,
    },
    /// Unless `stray`, a closed desk and a staff member not sitting anywhere.
    Open {
        desk: Index,
        staff: Index,
        langs: u8,
        roles: u8,
        stray: bool,
    },
    Pause(Index),
    Close(Index),
    /// Unless `stray`, an open desk.
    Call {
        desk: Index,
        ticket: Option<Index>,
        stray: bool,
    },
    /// `stray`: pick among all live tickets, not only those the action suits (refusals).
    Ticket {
        action: Action,
        ticket: Index,
        stray: bool,
    },
    Transfer {
        ticket: Index,
        stray: bool,
        service: Option<Index>,
        desk: Option<Index>,
        staff: Option<usize>,
        keep: bool,
    },
}

#[derive(Debug, Clone, Copy)]
enum Action {
    Recall,
    Start,
    Finish,
    NoShow,
    Cancel,
    Hold,
    Return { keep: bool },
}

impl Action {
    /// The states this action is legal from (`Transfer`: `None`).
    fn from(self) -> &'static [Status] {
        match self {
            Action::Recall | Action::NoShow | Action::Start => &[Status::Called],
            Action::Finish => &[Status::Serving],
            Action::Cancel => &[Status::Waiting, Status::Called],
            Action::Hold => &[Status::Called, Status::Serving],
            Action::Return { .. } => &[Status::Called, Status::Serving, Status::OnHold],
        }
    }
}

fn op() -> impl Strategy<Value = Op> {
    let idx = any::<Index>;
    prop_oneof![
        6 => (0..2usize, idx(), 0..4usize, prop::option::weighted(0.5, -900i64..1800), prop::option::weighted(0.3, 0..3usize))
            .prop_map(|(site, service, class, appointment_in_s, mediator)| Op::Issue { site, service, class, appointment_in_s, mediator }),
        3 => (idx(), idx(), 0..8u8, 0..4u8, prop::bool::weighted(0.15))
            .prop_map(|(desk, staff, langs, roles, stray)| Op::Open { desk, staff, langs, roles, stray }),
        1 => idx().prop_map(Op::Pause),
        1 => idx().prop_map(Op::Close),
        8 => (idx(), prop::option::weighted(0.2, idx()), prop::bool::weighted(0.15))
            .prop_map(|(desk, ticket, stray)| Op::Call { desk, ticket, stray }),
        8 => (action(), idx(), prop::bool::weighted(0.15)).prop_map(|(action, ticket, stray)| Op::Ticket { action, ticket, stray }),
        3 => (idx(), prop::bool::weighted(0.15), prop::option::of(idx()), prop::option::weighted(0.4, idx()), prop::option::weighted(0.3, 0..STAFF.len()), any::<bool>())
            .prop_map(|(ticket, stray, service, desk, staff, keep)| Op::Transfer { ticket, stray, service, desk, staff, keep }),
    ]
}

fn action() -> impl Strategy<Value = Action> {
    prop_oneof![
        1 => Just(Action::Recall),
        5 => Just(Action::Start),
        5 => Just(Action::Finish),
        1 => Just(Action::NoShow),
        1 => Just(Action::Cancel),
        2 => Just(Action::Hold),
        3 => any::<bool>().prop_map(|keep| Action::Return { keep }),
    ]
}

fn delay() -> impl Strategy<Value = i64> {
    // Round steps often, so waits land exactly on targets and fallbacks (boundaries).
    prop_oneof![3 => Just(0i64), 3 => 1i64..120, 1 => 120i64..1200, 3 => (1i64..20).prop_map(|k| k * 30)]
}

/// Where the clock starts: a plain Monday, the eves of both 2026 DST changes.
fn start() -> impl Strategy<Value = Timestamp> {
    prop_oneof![Just((11, 23, 8)), Just((3, 28, 22)), Just((10, 24, 23))].prop_map(|(m, d, h)| {
        DateTime::from_parts(date(2026, m, d), jiff::civil::Time::constant(h, 0, 0, 0))
            .to_zoned(TimeZone::get("Europe/Rome").unwrap())
            .unwrap()
            .timestamp()
    })
}

fn mask(bits: u8, names: &[&str]) -> Vec<String> {
    names.iter().enumerate().filter(|(i, _)| bits & (1 << i) != 0).map(|(_, n)| (*n).to_owned()).collect()
}

/// Turn an `Op` into a command against the current state (indices pick among live tickets).
fn command(c: &Checker, op: &Op, next_id: &mut u32, now: Timestamp) -> Command {
    let rules = c.engine.rules();
    let desks: Vec<&DeskId> = rules.desks.keys().collect();
    let live = &c.engine.state().tickets;
    let tickets: Vec<&TicketId> = live.keys().collect();
    let ticket = |i: &Index| {
        if tickets.is_empty() { TicketId::from("none") } else { i.get(&tickets).to_owned().clone() }
    };
    // A ticket the action suits, if there is one.
    let suited = |i: &Index, from: &[Status], stray: bool| {
        let fit: Vec<&TicketId> = live.values().filter(|t| from.contains(&t.status)).map(|t| &t.id).collect();
        if stray || fit.is_empty() { ticket(i) } else { i.get(&fit).to_owned().clone() }
    };
    let desk = |i: &Index| i.get(&desks).to_owned().clone();
    match op {
        Op::Issue { site, service, class, appointment_in_s, mediator } => {
            *next_id += 1;
            let site = site_id(*site);
            let services: Vec<&ServiceId> = rules.services_of(&site).map(|s| &s.id).collect();
            Command::Issue(IssueTicket {
                id: TicketId::new(format!("t{next_id:03}")),
                service: service.get(&services).to_owned().clone(),
                site,
                priority: Priority::ALL[*class],
                appointment_at: appointment_in_s.map(|s| now + SignedDuration::from_secs(s)),
                language: mediator.map_or("it", |l| LANGS[l]).into(),
                party_size: 1,
                needs: mediator.map(|l| vec![format!("mediator:{}", LANGS[l])]).unwrap_or_default(),
            })
        }
        Op::Open { desk: d, staff, langs, roles, stray } => {
            let state = c.engine.state();
            let closed: Vec<&DeskId> =
                state.desks.values().filter(|d| d.status == DeskStatus::Closed).map(|d| &d.id).collect();
            let free: Vec<&str> = STAFF
                .into_iter()
                .filter(|s| state.desks.values().all(|d| d.staff.as_ref().is_none_or(|x| x.as_str() != *s)))
                .collect();
            let (desk, staff) = if *stray || closed.is_empty() || free.is_empty() {
                (desk(d), staff.get(&STAFF))
            } else {
                (d.get(&closed).to_owned().clone(), staff.get(&free))
            };
            Command::OpenDesk {
                desk,
                staff: StaffId::from(*staff),
                languages: mask(*langs, &LANGS),
                professions: mask(*roles, &ROLES),
            }
        }
        Op::Pause(d) => Command::PauseDesk { desk: desk(d) },
        Op::Close(d) => Command::CloseDesk { desk: desk(d) },
        Op::Call { desk: d, ticket: t, stray } => {
            let idle: Vec<&DeskId> = c
                .engine
                .desks()
                .filter(|d| d.status == DeskStatus::Open && d.current.is_none())
                .map(|d| &d.id)
                .collect();
            let desk = if *stray || idle.is_empty() { desk(d) } else { d.get(&idle).to_owned().clone() };
            Command::CallNext { desk, ticket: t.as_ref().map(|i| suited(i, &[Status::Waiting], false)) }
        }
        Op::Ticket { action, ticket: t, stray } => {
            let ticket = suited(t, action.from(), *stray);
            match *action {
                Action::Recall => Command::Recall { ticket },
                Action::Start => Command::Start { ticket },
                Action::Finish => Command::Finish { ticket },
                Action::NoShow => Command::NoShow { ticket },
                Action::Cancel => Command::Cancel { ticket },
                Action::Hold => Command::Hold { ticket },
                Action::Return { keep } => Command::Return { ticket, keep_position: keep },
            }
        }
        Op::Transfer { ticket: t, stray, service, desk: d, staff, keep } => {
            let id = suited(t, &[Status::Called, Status::Serving], *stray);
            let site = c.engine.ticket(&id).map_or_else(|| site_id(0), |t| t.site.clone());
            let services: Vec<&ServiceId> = rules.services_of(&site).map(|s| &s.id).collect();
            Command::Transfer {
                ticket: id,
                service: service.as_ref().map(|i| i.get(&services).to_owned().clone()),
                desk: d.as_ref().map(desk),
                staff: staff.map(|s| StaffId::from(STAFF[s])),
                keep_position: *keep,
            }
        }
    }
}

/// What a case exercised (to check the search is not vacuous).
#[derive(Debug, Default)]
struct Seen {
    calls: usize,
    out_of_order: usize,
    reserved_calls: usize,
    mediator_calls: usize,
    aged_calls: usize,
    transfers: usize,
    held_returns: usize,
    refusals: usize,
    /// Commands done by someone other than the default actor (a coordinator, a kiosk, …).
    by_others: usize,
    /// Walk-ins called by a desk that had called the site's N appointments in a row (the guard).
    guard_calls: usize,
}

/// Who sends a command: mostly the actor the rule lets do it, sometimes someone else (a colleague
/// at no desk, a manager, a member of the other site's staff, a kiosk, a display), so that the
/// checker compares the engine's refusals with the reference's statement of who may do what.
fn who() -> impl Strategy<Value = u8> {
    prop_oneof![8 => Just(0u8), 1 => 1u8..8]
}

fn actor(c: &Checker, cmd: &Command, who: u8) -> Actor {
    let staff = |id: &str, role, sites: &[usize]| Actor::Staff {
        id: StaffId::from(id),
        role,
        sites: sites.iter().map(|&i| site_id(i)).collect(),
    };
    let device = |site, kind| Actor::Device { id: format!("dev-{site}"), site: site_id(site), kind };
    match who {
        1 => staff("alice", Role::Staff, &[0]),
        2 => staff("bob", Role::Staff, &[1]),
        3 => staff("rita", Role::Manager, &[0]),
        4 => staff("sam", Role::Manager, &[0, 1]),
        5 => device(0, DeviceKind::Kiosk),
        6 => device(1, DeviceKind::Display),
        7 => staff("ada", Role::Admin, &[]),
        _ => super::reference::default_actor(&c.engine, cmd),
    }
}

fn run(sites: &[SiteCfg], start: Timestamp, steps: &[(i64, Op, u8)]) -> Seen {
    let mut c = Checker::new(rules(sites));
    let mut now = start;
    let mut next_id = 0;
    let mut seen = Seen::default();
    for (delay, op, who) in steps {
        now += SignedDuration::from_secs(*delay);
        let cmd = command(&c, op, &mut next_id, now);
        let before = c.engine.clone();
        let actor = actor(&c, &cmd, *who);
        let Ok(events) = c.step_as(cmd, &actor, now) else {
            seen.refusals += 1;
            continue;
        };
        seen.by_others += usize::from(*who != 0);
        for e in &events {
            match &e.kind {
                EventKind::TicketCalled { ticket, out_of_order, desk, .. } => {
                    let t = before.ticket(ticket).unwrap();
                    let svc = before.rules().service(&t.site, &t.service).unwrap();
                    let guard = before.rules().site(&t.site).unwrap().walk_in_guard;
                    let streak = before.desk(desk).unwrap().appointment_streak;
                    seen.guard_calls += usize::from(
                        guard.is_some_and(|n| streak >= n)
                            && matches!(t.priority, Priority::Standard | Priority::Priority),
                    );
                    seen.calls += 1;
                    seen.out_of_order += usize::from(*out_of_order);
                    seen.reserved_calls += usize::from(t.target.is_some());
                    seen.mediator_calls += usize::from(t.mediator_languages().next().is_some());
                    seen.aged_calls +=
                        usize::from(now.duration_since(t.queued_at).as_secs() > i64::from(svc.target_wait_s));
                }
                EventKind::TicketTransferred { .. } => seen.transfers += 1,
                EventKind::TicketReturned { target_desk: Some(_), .. } => seen.held_returns += 1,
                _ => {}
            }
        }
    }
    c.check_replay();
    seen
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn random_days_keep_every_invariant(
        sites in prop::collection::vec(site_cfg(), 2),
        start in start(),
        steps in prop::collection::vec((delay(), op(), who()), 1..120),
    ) {
        run(&sites, start, &steps);
    }
}

/// The generators reach the interesting cases: calls, out-of-order calls, transfers with
/// reservations, holds, mediator needs (a fixed seed, so this cannot flake).
#[test]
fn random_days_are_not_vacuous() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::{Config, TestRng, TestRunner};
    let mut runner =
        TestRunner::new_with_rng(Config::default(), TestRng::deterministic_rng(Config::default().rng_algorithm));
    let strategy =
        (prop::collection::vec(site_cfg(), 2), start(), prop::collection::vec((delay(), op(), who()), 100..120));
    let mut all = Seen::default();
    for _ in 0..50 {
        let (sites, start, steps) = strategy.new_tree(&mut runner).unwrap().current();
        let seen = run(&sites, start, &steps);
        all.calls += seen.calls;
        all.out_of_order += seen.out_of_order;
        all.reserved_calls += seen.reserved_calls;
        all.mediator_calls += seen.mediator_calls;
        all.aged_calls += seen.aged_calls;
        all.transfers += seen.transfers;
        all.held_returns += seen.held_returns;
        all.refusals += seen.refusals;
        all.by_others += seen.by_others;
        all.guard_calls += seen.guard_calls;
    }
    let Seen {
        calls,
        out_of_order,
        reserved_calls,
        mediator_calls,
        aged_calls,
        transfers,
        held_returns,
        refusals,
        by_others,
        guard_calls,
    } = all;
    assert!(
        calls > 400
            && out_of_order > 3
            && reserved_calls > 20
            && mediator_calls > 50
            && aged_calls > 100
            && transfers > 80
            && held_returns > 15
            && refusals > 500
            && by_others > 100
            && guard_calls > 3,
        "{all:?}",
        all = Seen {
            calls,
            out_of_order,
            reserved_calls,
            mediator_calls,
            aged_calls,
            transfers,
            held_returns,
            refusals,
            by_others,
            guard_calls,
        }
    );
}
