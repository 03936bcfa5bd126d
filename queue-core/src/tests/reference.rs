//! An independent, naive statement of the routing policy and the invariants every command must keep.
//!
//! Written from the policy text at the top of `routing.rs` and `docs/domain.md`, not from the
//! engine's code: it scans every ticket, where the engine uses its index. The `Checker`
//! runs one command through the engine and asserts the step against this reference.

use crate::engine::{Command, Engine, State};
use crate::error::QueueError;
use crate::event::{Event, EventKind};
use crate::ids::{DeskId, ServiceId, SiteId, StaffId, TicketId};
use crate::model::{Actor, DeskState, DeskStatus, DeviceKind, Priority, Role, Status, Ticket};
use crate::rules::{Rules, ServiceRules};
use jiff::Timestamp;
use jiff::civil::Date;
use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet};

fn waited_s(since: Timestamp, now: Timestamp) -> i64 {
    now.duration_since(since).as_secs()
}

/// Professional roles: a service with roles is served only by staff holding one of them
/// (staff who declared no role serve everything their desk serves).
fn role_ok(desk: &DeskState, svc: &ServiceRules) -> bool {
    svc.roles.is_empty() || desk.professions.is_empty() || desk.professions.iter().any(|p| svc.roles.contains(p))
}

/// Is `t` addressed to this desk or to the staff member sitting at it?
fn for_desk(t: &Ticket, desk: &DeskState) -> bool {
    t.target.as_ref().is_some_and(|tg| {
        tg.desk.as_ref() == Some(&desk.id) || (tg.staff.is_some() && tg.staff.as_ref() == desk.staff.as_ref())
    })
}

/// The class `t` ranks in now, as a number: 0 standard … 3 urgent.
pub(crate) fn class_now(rules: &Rules, t: &Ticket, now: Timestamp) -> u8 {
    let site = &rules.sites[&t.site];
    let svc = &rules.services[&(t.site.clone(), t.service.clone())];
    let mut class = match t.priority {
        Priority::Standard => 0,
        Priority::Priority => 1,
        Priority::Appointment if t.appointment_at.is_some_and(|due| due > now) => 0,
        Priority::Appointment => 2,
        Priority::Urgent => 3,
    };
    if site.aging && waited_s(t.queued_at, now) > i64::from(svc.target_wait_s) {
        class = (class + 1).min(3);
    }
    class
}

/// Sort key of an eligible ticket at a desk: smaller is better.
type RefKey = (Reverse<u8>, bool, usize, Timestamp, TicketId);

/// The ranking key of `t` at `desk_id` now, or `None` if the desk may not call it by policy.
pub(crate) fn key_at(rules: &Rules, state: &State, desk_id: &DeskId, t: &Ticket, now: Timestamp) -> Option<RefKey> {
    let desk = state.desks.get(desk_id)?;
    let desk_rules = rules.desks.get(desk_id)?;
    if t.status != Status::Waiting || t.site != desk.site {
        return None;
    }
    let rank = desk_rules.services.iter().position(|s| *s == t.service)?;
    let site = &rules.sites[&t.site];
    let svc = &rules.services[&(t.site.clone(), t.service.clone())];
    if !role_ok(desk, svc) {
        return None;
    }
    let mine = for_desk(t, desk);
    let reservation_on =
        t.target.as_ref().is_some_and(|tg| waited_s(tg.since, now) < i64::from(site.transfer_fallback_s));
    if reservation_on && !mine {
        return None;
    }
    let aged = waited_s(t.queued_at, now) > i64::from(svc.target_wait_s);
    let langs: Vec<&str> = t.needs.iter().filter_map(|n| n.strip_prefix("mediator:")).collect();
    let speaks = |d: &DeskState| d.languages.iter().any(|l| langs.contains(&l.as_str()));
    // Here a reservation in force is this desk's (a transfer, a held ticket coming back):
    // the ticket is its to take, whatever the mediator preference would say.
    // Two resources (rule 1b): booked with a second professional, it waits until they are free
    // (at an open desk of the site holding no ticket) unless they sit here, or it has aged.
    if let Some(with) = t.needs.iter().find_map(|n| n.strip_prefix("with:"))
        && !reservation_on
        && !aged
        && desk.staff.as_ref().map(|s| s.as_str()) != Some(with)
    {
        let free = state.desks.values().any(|d| {
            d.site == t.site
                && d.status == DeskStatus::Open
                && d.current.is_none()
                && d.staff.as_ref().map(|s| s.as_str()) == Some(with)
        });
        if !free {
            return None;
        }
    }
    if !reservation_on && !aged && !langs.is_empty() && !speaks(desk) {
        let mediator_desk_open = state.desks.values().any(|d| {
            d.site == t.site
                && d.status == DeskStatus::Open
                && rules.desks.get(&d.id).is_some_and(|r| r.services.contains(&t.service))
                && role_ok(d, svc)
                && speaks(d)
        });
        if mediator_desk_open {
            return None;
        }
    }
    Some((Reverse(class_now(rules, t, now)), !mine, rank, t.queued_at, t.id.clone()))
}

/// The tickets `desk` may call now, in the order the policy would call them: by key, except that
/// the walk-in guard (rule 2a) puts the oldest-ranked walk-in past its target first when the desk
/// has called the site's N appointments in a row, the best key is a due appointment, and no urgent
/// ticket is callable there.
pub(crate) fn call_order(rules: &Rules, state: &State, desk_id: &DeskId, now: Timestamp) -> Vec<RefKey> {
    let Some(desk) = state.desks.get(desk_id) else { return vec![] };
    let mut keyed: Vec<RefKey> = state.tickets.values().filter_map(|t| key_at(rules, state, desk_id, t, now)).collect();
    keyed.sort();
    let guard = rules.sites[&desk.site].walk_in_guard;
    let best_is_appointment = keyed.first().is_some_and(|k| {
        let t = &state.tickets[&k.4];
        t.priority == Priority::Appointment && t.appointment_at.is_none_or(|due| due <= now)
    });
    let urgent_here = keyed.iter().any(|k| state.tickets[&k.4].priority == Priority::Urgent);
    if guard.is_some_and(|n| desk.appointment_streak >= n) && best_is_appointment && !urgent_here {
        let past_target = |k: &RefKey| {
            let t = &state.tickets[&k.4];
            let target = rules.services[&(t.site.clone(), t.service.clone())].target_wait_s;
            matches!(t.priority, Priority::Standard | Priority::Priority)
                && waited_s(t.queued_at, now) > i64::from(target)
        };
        if let Some(i) = keyed.iter().position(past_target) {
            let k = keyed.remove(i);
            keyed.insert(0, k);
        }
    }
    keyed
}

/// The ticket the policy says `desk` calls next: the first of its `call_order`.
pub(crate) fn pick(rules: &Rules, state: &State, desk: &DeskId, now: Timestamp) -> Option<TicketId> {
    if state.desks.get(desk)?.status != DeskStatus::Open {
        return None;
    }
    call_order(rules, state, desk, now).into_iter().next().map(|k| k.4)
}

/// Invariants of any state the engine reaches.
pub(crate) fn check_invariants(engine: &Engine) {
    let state = engine.state();
    let mut held_by: BTreeMap<&DeskId, &TicketId> = BTreeMap::new();
    for t in state.tickets.values() {
        assert!(!t.status.is_terminal(), "{}: terminal tickets leave the active set", t.number);
        match t.status {
            Status::Called | Status::Serving => {
                let desk = t.desk.as_ref().unwrap_or_else(|| panic!("{} is {} without a desk", t.number, t.status));
                let holders: Vec<&DeskState> =
                    state.desks.values().filter(|d| d.current.as_ref() == Some(&t.id)).collect();
                assert_eq!(
                    holders.len(),
                    1,
                    "{} ({}) must be the current ticket of exactly one desk",
                    t.number,
                    t.status
                );
                assert_eq!(&holders[0].id, desk, "{} is held by a desk other than its own", t.number);
                assert!(held_by.insert(desk, &t.id).is_none(), "desk {desk} holds two tickets");
                assert!(t.staff.is_some() && t.called_at.is_some());
            }
            Status::Waiting => {
                assert!(t.desk.is_none() && t.staff.is_none() && t.called_at.is_none(), "{}", t.number);
            }
            Status::OnHold => assert!(t.desk.is_some(), "{} on hold remembers its desk", t.number),
            _ => {}
        }
        assert_eq!(t.journey.last().map(|s| &s.service), Some(&t.service), "{}: journey ends in its service", t.number);
        let first = &t.journey[0].service;
        let prefix = engine.rules().services[&(t.site.clone(), first.clone())].prefix;
        assert_eq!(t.number, crate::model::format_number(prefix, t.seq), "a transfer keeps the number");
        let crate::engine::Counter { day, last, .. } = state.counters[&(t.site.clone(), first.clone())];
        assert!(t.day < day || (t.day == day && t.seq <= last), "{}: the counter is past it", t.number);
    }
    for d in state.desks.values() {
        if let Some(cur) = &d.current {
            let t = state.tickets.get(cur).unwrap_or_else(|| panic!("desk {} holds an unknown ticket", d.id));
            assert!(
                matches!(t.status, Status::Called | Status::Serving),
                "desk {} holds {} ({})",
                d.id,
                t.number,
                t.status
            );
            assert_ne!(d.status, DeskStatus::Closed, "closed desk {} holds a ticket", d.id);
        }
        assert_eq!(d.status == DeskStatus::Closed, d.staff.is_none(), "desk {}: staff iff not closed", d.id);
    }
    // The waiting index holds exactly the waiting tickets.
    let mut per_service: BTreeMap<(SiteId, ServiceId), usize> = BTreeMap::new();
    for t in state.tickets.values().filter(|t| t.status == Status::Waiting) {
        *per_service.entry((t.site.clone(), t.service.clone())).or_default() += 1;
    }
    for (site, service) in engine.rules().services.keys() {
        let want = per_service.get(&(site.clone(), service.clone())).copied().unwrap_or(0);
        assert_eq!(state.index.waiting_count(site, service), want, "index of {site}/{service}");
    }
    let staff: Vec<_> = state.desks.values().filter_map(|d| d.staff.as_ref()).collect();
    let unique: BTreeSet<_> = staff.iter().collect();
    assert_eq!(staff.len(), unique.len(), "a staff member sits at two desks");
}

/// Runs commands through an engine and checks every step against the reference.
pub(crate) struct Checker {
    pub(crate) engine: Engine,
    pub(crate) log: Vec<Event>,
    numbers: BTreeSet<(SiteId, ServiceId, Date, String)>,
    last_now: Option<Timestamp>,
    /// Per desk, appointments called from the queue in a row (the walk-in guard's count), kept
    /// here from the events, apart from the engine's own.
    streaks: BTreeMap<DeskId, u32>,
    /// Per waiting walk-in past its target and desk: policy calls of appointments there in a row
    /// while it was eligible there (the guard's promise: never more than the site's N).
    passed_over: BTreeMap<(TicketId, DeskId), u32>,
}

/// People ahead of every waiting ticket, counted naively (every waiting ticket of the service),
/// against the engine's indexed count. The rule (`docs/domain.md`, "People ahead"): tickets rank by
/// class, then queue time and id; a ticket reserved for a desk or colleague (while the reservation
/// holds) goes first in its class where it is reserved, and is not called anywhere else. So ahead
/// of an unreserved ticket: every higher class, and in its class every reserved ticket and the
/// unreserved ones queued before it; ahead of a reserved ticket: the higher classes its desk or
/// colleague may call (unreserved, or reserved for the same), and in its class those reserved for
/// the same queued before it.
fn check_positions(engine: &Engine, now: Timestamp) {
    let rules = engine.rules();
    // Each waiting ticket with its class and whether its reservation holds, worked out once.
    let waiting: Vec<(&Ticket, u8, bool)> = engine
        .state()
        .tickets
        .values()
        .filter(|t| t.status == Status::Waiting)
        .map(|t| {
            let fallback = rules.sites[&t.site].transfer_fallback_s;
            let reserved = t.target.as_ref().is_some_and(|tg| waited_s(tg.since, now) < i64::from(fallback));
            (t, class_now(rules, t, now), reserved)
        })
        .collect();
    // Every ticket of a small queue; of a long one (a test issuing a thousand tickets), a spread of
    // 64, so that the check stays linear per step.
    let every = waiting.len().div_ceil(64).max(1);
    for &(t, class, reserved) in waiting.iter().step_by(every) {
        fn target(o: &Ticket) -> Option<(&Option<DeskId>, &Option<StaffId>)> {
            o.target.as_ref().map(|x| (&x.desk, &x.staff))
        }
        let naive = waiting
            .iter()
            .filter(|(o, ..)| o.site == t.site && o.service == t.service && o.id != t.id)
            .filter(|&&(o, o_class, o_reserved)| {
                let earlier = (o.queued_at, &o.id) < (t.queued_at, &t.id);
                let same_target = target(o) == target(t);
                if reserved {
                    (o_class > class && (!o_reserved || same_target))
                        || (o_class == class && o_reserved && same_target && earlier)
                } else {
                    o_class > class || (o_class == class && (o_reserved || earlier))
                }
            })
            .count() as u32;
        assert_eq!(engine.position(&t.id, now).0, naive, "people ahead of {}", t.number);
    }
}

/// Each open desk's call order (what the desk page lists) is the policy's: the tickets it may
/// call, best first by the reference key, the first being Call next's pick; then the others.
fn check_call_orders(engine: &Engine, now: Timestamp) {
    let rules = engine.rules();
    let state = engine.state();
    for d in state.desks.values().filter(|d| d.status == DeskStatus::Open) {
        let order = engine.call_order(&d.id, now);
        let callable: Vec<&TicketId> = order.iter().filter(|p| p.callable).map(|p| &p.ticket).collect();
        let keyed = call_order(rules, state, &d.id, now);
        let want: Vec<&TicketId> = keyed.iter().map(|k| &k.4).collect();
        assert_eq!(callable, want, "call order at {}", d.id);
        assert!(order.iter().skip(callable.len()).all(|p| !p.callable), "callable tickets come first");
        assert_eq!(
            callable.first().copied(),
            pick(rules, state, &d.id, now).as_ref(),
            "the order starts with the pick"
        );
        // Every waiting ticket of the desk's services that its staff may serve is listed once.
        let desk_rules = &rules.desks[&d.id];
        let listed = state
            .tickets
            .values()
            .filter(|t| t.status == Status::Waiting && t.site == d.site && desk_rules.services.contains(&t.service))
            .filter(|t| role_ok(d, &rules.services[&(t.site.clone(), t.service.clone())]))
            .count();
        assert_eq!(order.len(), listed, "call order at {} lists every waiting ticket", d.id);
    }
}

/// Open desks per service, counted from every desk's state, against the engine's kept counts
/// (which estimates and queue figures use).
fn check_open_desks(engine: &Engine) {
    let rules = engine.rules();
    for site in engine.desks().map(|d| d.site.clone()).collect::<BTreeSet<_>>() {
        for svc in rules.services_of(&site) {
            let naive = engine
                .desks()
                .filter(|d| d.site == site && d.status == DeskStatus::Open)
                .filter(|d| rules.desk(&d.id).is_some_and(|r| r.services.contains(&svc.id)))
                .filter(|d| crate::routing::may_serve(d, svc))
                .count() as u32;
            assert_eq!(engine.open_desks(&site, &svc.id), naive, "open desks of {}", svc.id);
        }
    }
}

/// The actor a test means when it names none: the one the rule lets do `cmd` — the site's kiosk
/// for issues and alerts, the staff member named by an opening, the desk's holder for its desk and
/// the tickets it holds, else a coordinator (an admin of every site).
pub(crate) fn default_actor(engine: &Engine, cmd: &Command) -> Actor {
    let coordinator = Actor::Staff { id: StaffId::from("coordinator"), role: Role::Admin, sites: vec![] };
    let holder = |desk: Option<&DeskId>| {
        let d = desk.and_then(|d| engine.desk(d))?;
        Some(Actor::Staff { id: d.staff.clone()?, role: Role::Staff, sites: vec![d.site.clone()] })
    };
    let ticket_desk = |id: &TicketId| engine.ticket(id).filter(|t| t.status != Status::Waiting)?.desk.clone();
    let site_kiosk =
        |site: &SiteId| Actor::Device { id: format!("kiosk-{site}"), site: site.clone(), kind: DeviceKind::Kiosk };
    match cmd {
        Command::Issue(req) if req.priority <= Priority::Priority => site_kiosk(&req.site),
        Command::Issue(_) => coordinator,
        Command::CheckIn(req) => site_kiosk(&req.site),
        Command::RaiseAlert { site, .. } => site_kiosk(site),
        Command::LiftCap { .. } | Command::AckAlert { .. } => coordinator,
        Command::CloseDay { .. } => Actor::System,
        Command::OpenDesk { desk, staff, .. } => Actor::Staff {
            id: staff.clone(),
            role: Role::Staff,
            sites: engine.desk(desk).map(|d| vec![d.site.clone()]).unwrap_or_default(),
        },
        Command::PauseDesk { desk } | Command::CloseDesk { desk } | Command::CallNext { desk, .. } => {
            holder(Some(desk)).unwrap_or(coordinator)
        }
        Command::Recall { ticket }
        | Command::Start { ticket }
        | Command::Finish { ticket }
        | Command::NoShow { ticket }
        | Command::Cancel { ticket }
        | Command::Hold { ticket }
        | Command::Return { ticket, .. }
        | Command::Resume { ticket, .. }
        | Command::Transfer { ticket, .. } => holder(ticket_desk(ticket).as_ref()).unwrap_or(coordinator),
        Command::Undo { ticket } => holder(engine.closed_at(ticket).map(|(d, _)| &d.id)).unwrap_or(coordinator),
    }
}

/// Who may do what, stated naively from the rule in `docs/domain.md` ("Who may do what"), not from
/// `Engine::authorize`. `None` when the command names an unknown desk or ticket (the engine says
/// so before it looks at the actor).
pub(crate) fn allowed(engine: &Engine, cmd: &Command, actor: &Actor) -> Option<bool> {
    let rules = engine.rules();
    let (my_id, my_role, my_sites) = match actor {
        Actor::Staff { id, role, sites } => (Some(id), Some(*role), Some(sites)),
        _ => (None, None, None),
    };
    let works_at = |site: &SiteId| match (my_role, my_sites) {
        (Some(Role::Admin), Some(sites)) if sites.is_empty() => true,
        (_, Some(sites)) => sites.contains(site),
        _ => false,
    };
    let coordinator = |site: &SiteId| {
        matches!(actor, Actor::System) || (works_at(site) && my_role >= Some(rules.sites[site].any_ticket_role))
    };
    let kiosk_of = |site: &SiteId| matches!(actor, Actor::Device { site: s, kind: DeviceKind::Kiosk, .. } if s == site);
    let system = matches!(actor, Actor::System);
    Some(match cmd {
        Command::Issue(req) => {
            (kiosk_of(&req.site) && req.priority <= Priority::Priority) || works_at(&req.site) || system
        }
        Command::CheckIn(req) => kiosk_of(&req.site) || works_at(&req.site) || system,
        Command::RaiseAlert { site, .. } => kiosk_of(site) || works_at(site) || system,
        Command::LiftCap { site, .. } => works_at(site) || system,
        Command::AckAlert { alert } => works_at(&engine.state().alerts.get(alert)?.site) || system,
        Command::CloseDay { site } => coordinator(site),
        Command::OpenDesk { desk, staff, .. } => {
            let site = &rules.desks.get(desk)?.site;
            system || (works_at(site) && my_id == Some(staff))
        }
        Command::PauseDesk { desk } | Command::CloseDesk { desk } | Command::CallNext { desk, .. } => {
            let site = &rules.desks.get(desk)?.site;
            let holder = engine.desk(desk)?.staff.as_ref();
            system || (works_at(site) && (holder.is_none() || holder == my_id || coordinator(site)))
        }
        Command::Recall { ticket }
        | Command::Start { ticket }
        | Command::Finish { ticket }
        | Command::NoShow { ticket }
        | Command::Cancel { ticket }
        | Command::Hold { ticket }
        | Command::Return { ticket, .. }
        | Command::Resume { ticket, .. }
        | Command::Transfer { ticket, .. } => {
            let t = engine.ticket(ticket)?;
            let holder_of = |d: &DeskId| engine.desk(d).and_then(|d| d.staff.as_ref());
            let holder = if t.status == Status::Waiting { None } else { t.desk.as_ref().and_then(holder_of) };
            let ticket_ok =
                system || (works_at(&t.site) && ((holder.is_some() && holder == my_id) || coordinator(&t.site)));
            // Calling a held ticket back to another desk: that desk is the actor's too (or nobody's).
            let desk_ok = match cmd {
                Command::Resume { desk: Some(d), .. } if t.desk.as_ref() != Some(d) => {
                    let dr = rules.desks.get(d)?;
                    let h = holder_of(d);
                    system || h.is_none() || h == my_id || coordinator(&dr.site)
                }
                _ => true,
            };
            ticket_ok && desk_ok
        }
        // Undo: the desk that closed the ticket is the actor's (or a coordinator's), as for its tickets.
        Command::Undo { ticket } => {
            let (d, c) = engine.closed_at(ticket)?;
            let holder = d.staff.as_ref();
            system
                || (works_at(&c.ticket.site) && ((holder.is_some() && holder == my_id) || coordinator(&c.ticket.site)))
        }
    })
}

impl Checker {
    pub(crate) fn new(rules: Rules) -> Checker {
        Checker {
            engine: Engine::new(rules),
            log: vec![],
            numbers: BTreeSet::new(),
            last_now: None,
            streaks: BTreeMap::new(),
            passed_over: BTreeMap::new(),
        }
    }

    /// Run `cmd` as the actor the rule lets do it (`default_actor`).
    pub(crate) fn step(&mut self, cmd: Command, now: Timestamp) -> Result<Vec<Event>, QueueError> {
        let actor = default_actor(&self.engine, &cmd);
        self.step_as(cmd, &actor, now)
    }

    pub(crate) fn step_as(&mut self, cmd: Command, actor: &Actor, now: Timestamp) -> Result<Vec<Event>, QueueError> {
        assert!(self.last_now.is_none_or(|t| t <= now), "the test clock must not go back");
        self.last_now = Some(now);
        let before = self.engine.clone();
        let may = allowed(&before, &cmd, actor);
        let result = self.engine.execute(cmd.clone(), actor, now);
        match (&result, may) {
            (Err(QueueError::Forbidden(why)), Some(true)) => panic!("{actor:?} may do {cmd:?}, yet: {why}"),
            (Err(e), Some(false)) if !matches!(e, QueueError::Forbidden(_)) => {
                panic!("{actor:?} may not do {cmd:?}, yet the engine said {e} rather than forbidden")
            }
            (Ok(_), Some(false)) => panic!("{actor:?} may not do {cmd:?}, yet the engine did it"),
            _ => {}
        }
        match &result {
            Err(_) => assert_eq!(self.engine.state(), before.state(), "a refused command changed the state"),
            Ok(events) => {
                for e in events {
                    assert_eq!(e.actor.as_ref(), Some(&actor.id()), "every event records its actor");
                }
                self.check_events(&before, &cmd, events, now)
            }
        }
        check_invariants(&self.engine);
        check_positions(&self.engine, now);
        check_call_orders(&self.engine, now);
        check_open_desks(&self.engine);
        if let Ok(events) = &result {
            self.log.extend(events.iter().cloned());
        }
        result
    }

    /// The walk-in guard (routing rule 2a), stated as what a walk-in past its target sees: count,
    /// per desk, the appointments it called by policy while the walk-in was eligible there, in a
    /// row (any other call from the queue at that desk starts again); never more than N.
    fn check_guard(&mut self, before: &Engine, cmd: &Command, events: &[Event], now: Timestamp) {
        let rules = before.rules();
        let state = before.state();
        for e in events {
            let EventKind::TicketCalled { ticket, desk, .. } = &e.kind else { continue };
            let Some(t) = state.tickets.get(ticket).filter(|t| t.status == Status::Waiting) else { continue };
            let appointment = t.priority == Priority::Appointment && t.appointment_at.is_none_or(|due| due <= now);
            let streak = self.streaks.entry(desk.clone()).or_default();
            *streak = if appointment { *streak + 1 } else { 0 };
            if !appointment {
                self.passed_over.retain(|(_, d), _| d != desk);
                continue;
            }
            let Some(n) = rules.sites[&t.site].walk_in_guard else { continue };
            if !matches!(cmd, Command::CallNext { ticket: None, .. }) {
                continue;
            }
            // The guard waits while an urgent ticket is callable at the desk (rule 2a).
            let urgent_here = state
                .tickets
                .values()
                .any(|u| u.priority == Priority::Urgent && key_at(rules, state, desk, u, now).is_some());
            if urgent_here {
                continue;
            }
            for w in state.tickets.values() {
                let target = rules.services[&(w.site.clone(), w.service.clone())].target_wait_s;
                let past_target = matches!(w.priority, Priority::Standard | Priority::Priority)
                    && waited_s(w.queued_at, now) > i64::from(target);
                if past_target && key_at(rules, state, desk, w, now).is_some() {
                    let k = self.passed_over.entry((w.id.clone(), desk.clone())).or_default();
                    *k += 1;
                    assert!(
                        *k <= n,
                        "{} waited past its target through {k} appointment calls at {desk} (N = {n})",
                        w.number
                    );
                }
            }
        }
        let after = self.engine.state();
        self.passed_over.retain(|(t, _), _| after.tickets.get(t).is_some_and(|t| t.status == Status::Waiting));
        for d in after.desks.values() {
            assert_eq!(
                d.appointment_streak,
                self.streaks.get(&d.id).copied().unwrap_or(0),
                "appointment calls in a row at {}",
                d.id
            );
        }
    }

    fn check_events(&mut self, before: &Engine, cmd: &Command, events: &[Event], now: Timestamp) {
        self.check_guard(before, cmd, events, now);
        let rules = before.rules();
        if let Command::CallNext { desk, ticket: None } = cmd {
            let expected = pick(rules, before.state(), desk, now);
            let called = events.iter().find_map(|e| match &e.kind {
                EventKind::TicketCalled { ticket, .. } => Some(ticket.clone()),
                _ => None,
            });
            if called != expected {
                let show = |id: &Option<TicketId>| {
                    id.as_ref().map_or("nobody".to_owned(), |id| {
                        let t = &before.state().tickets[id];
                        format!("{} {} {:?}", t.number, t.service, key_at(rules, before.state(), desk, t, now))
                    })
                };
                panic!("desk {desk} called {} but the policy says {}", show(&called), show(&expected));
            }
        }
        for e in events {
            assert_eq!(e.at, now, "events carry the command's time");
            // A held ticket called back (resume) is a call of its own, not a pick.
            let resumed = matches!(&e.kind, EventKind::TicketCalled { ticket, .. }
                if before.state().tickets.get(ticket).is_some_and(|t| t.status == Status::OnHold));
            if resumed {
                assert!(matches!(cmd, Command::Resume { .. }), "only resume calls a held ticket: {cmd:?}");
                assert!(matches!(e.kind, EventKind::TicketCalled { out_of_order: false, .. }));
                continue;
            }
            match &e.kind {
                EventKind::TicketIssued { ticket } => {
                    let key = (ticket.site.clone(), ticket.service.clone(), ticket.day, ticket.number.clone());
                    assert!(self.numbers.insert(key), "number {} given twice on {}", ticket.number, ticket.day);
                    let local = now.to_zoned(rules.sites[&ticket.site].time_zone.clone());
                    assert_eq!(ticket.day, local.date(), "the number's day is the site-local day");
                }
                EventKind::TicketCalled { ticket, desk, out_of_order, .. } => {
                    let expected = pick(rules, before.state(), desk, now);
                    assert_eq!(*out_of_order, expected.as_ref() != Some(ticket), "out_of_order flag of {ticket}");
                    // FIFO within a class: nobody eligible here, in the same service and class, queued earlier.
                    let t = &before.state().tickets[ticket];
                    if !out_of_order {
                        let mine = key_at(rules, before.state(), desk, t, now).expect("a policy pick is eligible");
                        // The walk-in guard's pick jumps the due appointments of its class (rule 2a).
                        let d = &before.state().desks[desk];
                        let guard = rules.sites[&d.site].walk_in_guard.is_some_and(|n| d.appointment_streak >= n)
                            && matches!(t.priority, Priority::Standard | Priority::Priority);
                        let others = before.state().tickets.values().filter(|o| o.service == t.service && o.id != t.id);
                        for o in others.filter(|o| !(guard && o.priority == Priority::Appointment)) {
                            if let Some(k) = key_at(rules, before.state(), desk, o, now)
                                && k.0 == mine.0
                                && k.1 == mine.1
                            {
                                assert!(o.queued_at >= t.queued_at, "FIFO: {} queued before {}", o.number, t.number);
                            }
                        }
                    }
                    assert_eq!(self.engine.state().tickets[ticket].status, Status::Called);
                    assert_eq!(self.engine.state().desks[desk].current.as_ref(), Some(ticket));
                }
                EventKind::TicketReturned { ticket, keep_position, .. }
                | EventKind::TicketTransferred { ticket, keep_position, .. } => {
                    let old = &before.state().tickets[ticket];
                    let new = &self.engine.state().tickets[ticket];
                    let want = if *keep_position { old.queued_at } else { now };
                    assert_eq!(new.queued_at, want, "{}: keep_position={keep_position}", old.number);
                    assert_eq!(new.status, Status::Waiting);
                    if let Command::Return { keep_position: asked, .. }
                    | Command::Transfer { keep_position: asked, .. } = cmd
                    {
                        // A held ticket always keeps its place; otherwise as asked.
                        assert_eq!(*keep_position, *asked || old.status == Status::OnHold);
                    }
                }
                EventKind::TicketExpired { ticket } => {
                    let old = &before.state().tickets[ticket];
                    assert!(matches!(cmd, Command::CloseDay { site } if *site == old.site), "{cmd:?} expired {ticket}");
                    assert!(
                        matches!(old.status, Status::Waiting | Status::OnHold),
                        "{} expired {}",
                        old.number,
                        old.status
                    );
                    assert!(
                        !rules.sites[&old.site].keep_queue_overnight,
                        "a site keeping its queue expired {}",
                        old.number
                    );
                }
                _ => {}
            }
        }
        if let Command::CloseDay { site } = cmd {
            // After the day's end nothing of an earlier day still waits (unless the queue is kept).
            let s = &rules.sites[site];
            let grace = jiff::SignedDuration::from_secs(i64::from(s.expire_grace_s));
            let today = (now - grace).to_zoned(s.time_zone.clone()).date();
            for t in self.engine.state().tickets.values().filter(|t| &t.site == site) {
                let waiting = matches!(t.status, Status::Waiting | Status::OnHold);
                assert!(s.keep_queue_overnight || !waiting || t.day >= today, "{} of {} still waits", t.number, t.day);
            }
        }
    }

    /// Replaying the log rebuilds the same state, and so does a restore from the projections.
    pub(crate) fn check_replay(&self) {
        let rules = self.engine.rules().clone();
        let mut fresh = Engine::new(rules.clone());
        for e in &self.log {
            fresh.apply(e);
        }
        assert_eq!(fresh.state(), self.engine.state(), "replaying the events rebuilds the state");
        let restored = Engine::restore(rules, self.engine.projections());
        assert_eq!(restored.state(), self.engine.state(), "restoring the projections rebuilds the state");
    }
}
