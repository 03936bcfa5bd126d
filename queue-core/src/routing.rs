//! The routing policy: which waiting ticket a desk calls next, and who is ahead of whom.
//!
//! The order, written down (summarised in `docs/domain.md`, "Routing"), for a desk calling next:
//! 1. eligibility: the ticket waits in a service the desk serves (and the staff member's
//!    professional roles allow); a ticket reserved for a desk or colleague is eligible only
//!    there until the site's transfer fallback elapses (and there, whatever its needs); a
//!    ticket needing a mediator in language L is left for an open desk whose staff speak L,
//!    if there is one that serves its service (roles included), until it has waited past its
//!    service's target wait;
//! 2. effective class, highest first: `urgent` > `appointment` (once due; before, standard) >
//!    `priority` > `standard`, each promoted one class once the ticket waited longer than
//!    its service's target wait (if the site enables aging);
//!
//!    2a. the walk-in guard (a site's `walk_in_guard = N`): once a desk has called N appointments
//!    in a row (appointments due when called; a held ticket called back does not count, any
//!    other call starts the count again) and would call a due appointment next, it calls
//!    instead a walk-in (standard or priority group) that waited past its service's target
//!    wait, if one is eligible there — the best such walk-in by the rest of this order; not
//!    while an urgent ticket (set by staff) is eligible at the desk. So no walk-in past its target waits through more than N appointment calls in a
//!    row at a desk that may call it, unless urgent tickets wait there too. People ahead and estimates leave the guard out (it only
//!    reorders walk-ins past their target against appointments, for one call in N + 1);
//!
//!    1b. two resources: an appointment booked with a second professional (need `with:S`) is
//!    eligible only where S sits, or while S is free — at an open desk of the site with no ticket
//!    called or being served there; the call then tells S to join (an `appointment_join` alert
//!    naming the desk). Once it has waited past its service's target wait it is eligible anyway
//!    (S may be away all day), and the alert still goes out;
//! 3. tickets reserved for this desk or this staff member first;
//! 4. the desk's order of services;
//! 5. earliest queue time (arrival; kept by keep-position transfers and holds), then id.

use crate::ids::{DeskId, ServiceId, SiteId, TicketId};
use crate::model::{DeskState, DeskStatus, Priority, Ticket};
use crate::rules::{Rules, ServiceRules, SiteRules};
use jiff::{SignedDuration, Timestamp};
use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet};

/// Waiting tickets of one service and base class, ordered by queue time (then id).
pub type Bucket = BTreeSet<(Timestamp, TicketId)>;

/// Waiting tickets indexed by service and base class, each ordered by queue time.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WaitingIndex {
    buckets: BTreeMap<(SiteId, ServiceId), [Bucket; 4]>,
    /// Waiting tickets reserved for a desk or a staff member (few).
    reserved: BTreeSet<TicketId>,
}

fn class_slot(p: Priority) -> usize {
    p as usize
}

impl WaitingIndex {
    pub fn insert(&mut self, t: &Ticket) {
        let b = self.buckets.entry((t.site.clone(), t.service.clone())).or_default();
        b[class_slot(t.priority)].insert((t.queued_at, t.id.clone()));
        if t.target.is_some() {
            self.reserved.insert(t.id.clone());
        }
    }
    pub fn remove(&mut self, t: &Ticket) {
        let key = (t.site.clone(), t.service.clone());
        if let Some(b) = self.buckets.get_mut(&key) {
            b[class_slot(t.priority)].remove(&(t.queued_at, t.id.clone()));
            // No empty entries: an index rebuilt from stored tickets must compare equal.
            if b.iter().all(BTreeSet::is_empty) {
                self.buckets.remove(&key);
            }
        }
        self.reserved.remove(&t.id);
    }
    /// Waiting tickets of a service, per base class (index = `Priority as usize`).
    pub fn service(&self, site: &SiteId, service: &ServiceId) -> Option<&[BTreeSet<(Timestamp, TicketId)>; 4]> {
        self.buckets.get(&(site.clone(), service.clone()))
    }
    pub fn waiting_count(&self, site: &SiteId, service: &ServiceId) -> usize {
        self.service(site, service).map_or(0, |b| b.iter().map(BTreeSet::len).sum())
    }
    pub fn reserved(&self) -> impl Iterator<Item = &TicketId> {
        self.reserved.iter()
    }
}

fn secs(s: u32) -> SignedDuration {
    SignedDuration::from_secs(i64::from(s))
}

/// The class a ticket ranks in now: appointment only once due, then aging.
pub fn effective_class(t: &Ticket, svc: &ServiceRules, site: &SiteRules, now: Timestamp) -> Priority {
    let base = match (t.priority, t.appointment_at) {
        (Priority::Appointment, Some(due)) if due > now => Priority::Standard,
        (p, _) => p,
    };
    if site.aging && is_aged(t, svc, now) { base.promoted() } else { base }
}

/// Is calling this ticket at `now` an appointment call for the walk-in guard (an appointment due by
/// then; one without a due time is due)?
pub fn is_appointment_call(t: &Ticket, now: Timestamp) -> bool {
    t.priority == Priority::Appointment && t.appointment_at.is_none_or(|due| due <= now)
}

/// A walk-in: a ticket of the standard or a priority-group class (neither urgent nor an appointment).
pub fn is_walk_in(t: &Ticket) -> bool {
    matches!(t.priority, Priority::Standard | Priority::Priority)
}

/// Is the walk-in guard on at this desk now (N appointment calls in a row reached)?
pub fn guard_due(desk: &DeskState, site: &SiteRules) -> bool {
    site.walk_in_guard.is_some_and(|n| desk.appointment_streak >= n)
}

/// Has the ticket waited longer than its service's target wait?
pub fn is_aged(t: &Ticket, svc: &ServiceRules, now: Timestamp) -> bool {
    now.duration_since(t.queued_at) > secs(svc.target_wait_s)
}

/// Is the ticket's reservation (transfer to a desk or colleague) still in force?
pub fn reservation_active(t: &Ticket, site: &SiteRules, now: Timestamp) -> bool {
    t.target.as_ref().is_some_and(|tg| now.duration_since(tg.since) < secs(site.transfer_fallback_s))
}

/// Is the ticket reserved for this desk (or the staff member sitting there)?
pub fn reserved_for(t: &Ticket, desk: &DeskState) -> bool {
    t.target
        .as_ref()
        .is_some_and(|tg| tg.desk.as_ref() == Some(&desk.id) || (tg.staff.is_some() && tg.staff == desk.staff))
}

/// May this staff member (by professional role) serve this service?
pub fn may_serve(desk: &DeskState, svc: &ServiceRules) -> bool {
    svc.roles.is_empty() || desk.professions.is_empty() || desk.professions.iter().any(|p| svc.roles.contains(p))
}

/// Everything a pick needs to see.
pub struct Ctx<'a> {
    pub rules: &'a Rules,
    pub tickets: &'a BTreeMap<TicketId, Ticket>,
    pub desks: &'a BTreeMap<DeskId, DeskState>,
    pub index: &'a WaitingIndex,
    pub now: Timestamp,
}

type Key = (Reverse<Priority>, Reverse<bool>, usize, Timestamp, TicketId);

impl Ctx<'_> {
    /// Languages spoken at open desks of the site that serve `service` (mediator preference).
    /// A desk whose staff may not serve it by role does not count: nobody would ever call the ticket.
    fn languages_at_open_desks(&self, site: &SiteId, service: &ServiceId, svc: &ServiceRules) -> BTreeSet<&str> {
        let mut out = BTreeSet::new();
        for d in self.desks.values() {
            if &d.site != site || d.status != DeskStatus::Open {
                continue;
            }
            let serves = self.rules.desk(&d.id).is_some_and(|r| r.services.contains(service)) && may_serve(d, svc);
            if serves {
                out.extend(d.languages.iter().map(String::as_str));
            }
        }
        out
    }

    /// Is staff member `who` free at the site: at an open desk with no ticket called or served there?
    pub fn is_free(&self, site: &SiteId, who: &str) -> bool {
        self.desks.values().any(|d| {
            &d.site == site
                && d.status == DeskStatus::Open
                && d.current.is_none()
                && d.staff.as_ref().is_some_and(|s| s.as_str() == who)
        })
    }

    /// Is ticket `t` eligible at `desk` (step 1 of the policy)?
    pub fn eligible(&self, t: &Ticket, desk: &DeskState, site: &SiteRules, svc: &ServiceRules) -> bool {
        if reservation_active(t, site, self.now) {
            // Addressed to a desk or colleague (a transfer, a held ticket coming back): theirs
            // to take, and nobody else's, whatever the mediator preference would say.
            return reserved_for(t, desk);
        }
        if !is_aged(t, svc, self.now)
            && let Some(with) = t.second_professional()
            && desk.staff.as_ref().is_none_or(|s| s.as_str() != with)
            && !self.is_free(&t.site, with)
        {
            return false;
        }
        if !is_aged(t, svc, self.now) {
            let mut langs = t.mediator_languages().peekable();
            if langs.peek().is_some() {
                let at_desk = |l: &str| desk.languages.iter().any(|x| x == l);
                let needed: Vec<&str> = langs.collect();
                if !needed.iter().any(|l| at_desk(l)) {
                    let spoken = self.languages_at_open_desks(&t.site, &t.service, svc);
                    if needed.iter().any(|l| spoken.contains(l)) {
                        return false;
                    }
                }
            }
        }
        true
    }

    fn key(&self, t: &Ticket, desk: &DeskState, rank: usize, site: &SiteRules, svc: &ServiceRules) -> Key {
        (
            Reverse(effective_class(t, svc, site, self.now)),
            Reverse(reserved_for(t, desk)),
            rank,
            t.queued_at,
            t.id.clone(),
        )
    }

    /// The ticket `desk` should call next, if any.
    pub fn pick(&self, desk: &DeskState) -> Option<TicketId> {
        let site = self.rules.site(&desk.site)?;
        let desk_rules = self.rules.desk(&desk.id)?;
        let mut best: Option<Key> = None;
        // The best walk-in past its target (the walk-in guard's candidate).
        let mut walk_in: Option<Key> = None;
        // Is an urgent ticket (set by staff) eligible here? Then the guard waits.
        let mut urgent = false;
        let now = self.now;
        let mut consider = |k: Key, t: &Ticket, svc: &ServiceRules| {
            urgent |= t.priority == Priority::Urgent;
            if best.as_ref().is_none_or(|b| k < *b) {
                best = Some(k.clone());
            }
            if is_walk_in(t) && is_aged(t, svc, now) && walk_in.as_ref().is_none_or(|b| k < *b) {
                walk_in = Some(k);
            }
        };
        for (rank, service) in desk_rules.services.iter().enumerate() {
            let Some(svc) = self.rules.service(&desk.site, service) else { continue };
            if !may_serve(desk, svc) {
                continue;
            }
            let Some(buckets) = self.index.service(&desk.site, service) else { continue };
            for (slot, bucket) in buckets.iter().enumerate() {
                let scan_all = slot == Priority::Appointment as usize;
                for (_, id) in bucket {
                    let t = &self.tickets[id];
                    if self.eligible(t, desk, site, svc) {
                        consider(self.key(t, desk, rank, site, svc), t, svc);
                        if !scan_all {
                            break;
                        }
                    }
                }
            }
        }
        // Reserved tickets may rank first at their desk although deep in their bucket.
        for id in self.index.reserved() {
            let t = &self.tickets[id];
            if t.site != desk.site || !reserved_for(t, desk) {
                continue;
            }
            let Some(rank) = desk_rules.services.iter().position(|s| s == &t.service) else { continue };
            let Some(svc) = self.rules.service(&desk.site, &t.service) else { continue };
            if may_serve(desk, svc) && self.eligible(t, desk, site, svc) {
                consider(self.key(t, desk, rank, site, svc), t, svc);
            }
        }
        let best = best?.4;
        // Rule 2a: the guard puts the walk-in first where the pick would be an appointment.
        match walk_in {
            Some(w) if !urgent && guard_due(desk, site) && is_appointment_call(&self.tickets[&best], now) => Some(w.4),
            _ => Some(best),
        }
    }

    /// How many waiting tickets of the same service will be called before `t`: the one definition
    /// of "people ahead", used for new tickets, the ticket page, displays and desks. The ticket need
    /// not be in the index yet (a ticket being issued).
    ///
    /// Tickets rank by effective class, then queue time and id — except that a ticket reserved for
    /// a desk or colleague (a transfer, a held ticket coming back, while the reservation holds) is
    /// called first in its class where it is reserved, and nowhere else:
    /// - ahead of an unreserved ticket: every ticket of a higher class, and in its class every
    ///   reserved ticket and every unreserved one queued before it;
    /// - ahead of a reserved ticket: the tickets of a higher class that its desk or colleague may
    ///   call (unreserved, or reserved for the same), and in its class the tickets reserved for the
    ///   same desk or colleague queued before it.
    pub fn people_ahead(&self, t: &Ticket) -> u32 {
        let (Some(site), Some(svc)) = (self.rules.site(&t.site), self.rules.service(&t.site, &t.service)) else {
            return 0;
        };
        let Some(buckets) = self.index.service(&t.site, &t.service) else { return 0 };
        let mine = effective_class(t, svc, site, self.now);
        let reserved = |o: &Ticket| reservation_active(o, site, self.now);
        let same_target = |o: &Ticket| match (&o.target, &t.target) {
            (Some(a), Some(b)) => a.desk == b.desk && a.staff == b.staff,
            _ => false,
        };
        // The few reserved tickets of this service, other than `t`, with their class now.
        let others = self
            .index
            .reserved()
            .filter_map(|id| self.tickets.get(id))
            .filter(|o| o.id != t.id && o.site == t.site && o.service == t.service && reserved(o));
        let key = |o: &Ticket| (o.queued_at, o.id.clone());
        let n = if reserved(t) {
            let mut n = self.ranked_before(buckets, t, mine, &(Timestamp::MIN, TicketId::from(""))) as i64;
            for o in others {
                let class = effective_class(o, svc, site, self.now);
                if class > mine && !same_target(o) {
                    n -= 1;
                } else if class == mine && same_target(o) && key(o) < key(t) {
                    n += 1;
                }
            }
            n
        } else {
            let mut n = self.ranked_before(buckets, t, mine, &key(t)) as i64;
            for o in others {
                if effective_class(o, svc, site, self.now) == mine && key(o) > key(t) {
                    n += 1;
                }
            }
            n
        };
        n.max(0) as u32
    }

    /// How many waiting tickets of `t`'s service (`buckets`) rank before `(mine, me)` by class, then
    /// queue time and id, reservations aside: O(min(k, n − k)) per bucket.
    fn ranked_before(&self, buckets: &[Bucket; 4], t: &Ticket, mine: Priority, me: &(Timestamp, TicketId)) -> usize {
        let (Some(site), Some(svc)) = (self.rules.site(&t.site), self.rules.service(&t.site, &t.service)) else {
            return 0;
        };
        // Within a bucket (one base class, ordered by queue time) the tickets that aged past the
        // target are a prefix, promoted one class: two groups, each counted whole, not at all, or
        // up to my place, by comparing its class with mine. Appointments depend on their due
        // time: that bucket is walked, it is small.
        let split = match (site.aging, self.now.checked_sub(secs(svc.target_wait_s)).ok()) {
            // The aged prefix ends before (cut, "") — strictly older than the target.
            (true, Some(cut)) => Some((cut, TicketId::from(""))),
            _ => None,
        };
        let mut n = 0usize;
        for (slot, bucket) in buckets.iter().enumerate() {
            if bucket.is_empty() {
                continue;
            }
            let base = Priority::ALL[slot];
            if base == Priority::Appointment {
                let place = (Reverse(mine), me.0, &me.1);
                for (_, id) in bucket {
                    let o = &self.tickets[id];
                    if id != &t.id && (Reverse(effective_class(o, svc, site, self.now)), o.queued_at, &o.id) < place {
                        n += 1;
                    }
                }
                continue;
            }
            let promoted = base.promoted();
            n += match &split {
                Some(split) if base != promoted => {
                    if base > mine {
                        bucket.len()
                    } else if promoted < mine {
                        0
                    } else if promoted == mine {
                        // The aged prefix is my class (those of it before me); the rest ranks after.
                        rank(bucket, me.min(split))
                    } else {
                        // base == mine: the aged prefix ranks before me, the rest up to my place.
                        rank(bucket, me.max(split))
                    }
                }
                // One group: the whole bucket ranks in `base`.
                _ => match base.cmp(&mine) {
                    std::cmp::Ordering::Greater => bucket.len(),
                    std::cmp::Ordering::Less => 0,
                    std::cmp::Ordering::Equal => rank(bucket, me),
                },
            };
        }
        // `t` itself is never before its own place; a probe before everything of its class
        // (`Timestamp::MIN`) counts only higher classes.
        n
    }

    /// Every waiting ticket of the services `desk` serves, in the order its Call next would take
    /// them now (the policy's key: class, reservation, the desk's order of services, queue time),
    /// then the ones it may not call now (reserved elsewhere, left for a mediator), each with why.
    pub fn call_order(&self, desk: &DeskState) -> Vec<Placed> {
        let (Some(site), Some(desk_rules)) = (self.rules.site(&desk.site), self.rules.desk(&desk.id)) else {
            return vec![];
        };
        let mut callable: Vec<(Key, Placed)> = Vec::new();
        let mut others: Vec<(OtherKey, Placed)> = Vec::new();
        for (rank, service) in desk_rules.services.iter().enumerate() {
            let Some(svc) = self.rules.service(&desk.site, service) else { continue };
            if !may_serve(desk, svc) {
                continue;
            }
            let Some(buckets) = self.index.service(&desk.site, service) else { continue };
            for (_, id) in buckets.iter().flatten() {
                let t = &self.tickets[id];
                let class = effective_class(t, svc, site, self.now);
                let active = reservation_active(t, site, self.now);
                let mut reasons = Vec::new();
                match t.priority {
                    Priority::Urgent => reasons.push(Reason::Urgent),
                    Priority::Appointment if class >= Priority::Appointment || t.appointment_at.is_none() => {
                        reasons.push(Reason::Appointment)
                    }
                    Priority::Appointment => reasons.push(Reason::AppointmentLater),
                    Priority::Priority => reasons.push(Reason::PriorityGroup),
                    Priority::Standard => {}
                }
                if site.aging && is_aged(t, svc, self.now) {
                    reasons.push(Reason::WaitedPastTarget);
                }
                if active {
                    let tg = t.target.as_ref();
                    if tg.and_then(|tg| tg.desk.as_ref()) == Some(&desk.id) {
                        reasons.push(Reason::ReservedForDesk);
                    } else if tg.is_some_and(|tg| tg.staff.is_some() && tg.staff == desk.staff) {
                        reasons.push(Reason::ReservedForYou);
                    } else {
                        reasons.push(Reason::ReservedElsewhere);
                    }
                }
                let eligible = self.eligible(t, desk, site, svc);
                if !eligible && !active {
                    reasons.push(Reason::MediatorElsewhere);
                }
                let placed = Placed { ticket: id.clone(), callable: eligible, class, reasons };
                if eligible {
                    callable.push((self.key(t, desk, rank, site, svc), placed));
                } else {
                    others.push(((Reverse(class), t.queued_at, id.clone()), placed));
                }
            }
        }
        callable.sort_by(|a, b| a.0.cmp(&b.0));
        // The walk-in guard's pick (rule 2a) goes first, ahead of the appointments it jumps.
        if let Some(pick) = self.pick(desk)
            && let Some(i) = callable.iter().position(|(_, p)| p.ticket == pick)
            && i > 0
        {
            let mut chosen = callable.remove(i);
            chosen.1.reasons.push(Reason::WalkInGuard);
            callable.insert(0, chosen);
        }
        others.sort_by(|a, b| a.0.cmp(&b.0));
        callable.into_iter().map(|(_, p)| p).chain(others.into_iter().map(|(_, p)| p)).collect()
    }
}

/// Why a waiting ticket ranks where it does at a desk (`Ctx::call_order`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    /// Set urgent by staff.
    Urgent,
    /// An appointment, due now.
    Appointment,
    /// An appointment not due yet: it ranks as standard until then.
    AppointmentLater,
    /// A configured priority group (families with young children, disability, pregnancy…).
    PriorityGroup,
    /// Waited past its service's target wait: one class up.
    WaitedPastTarget,
    /// Transferred to (or parked at) this desk: first in its class here.
    ReservedForDesk,
    /// Transferred to the staff member at this desk: first in its class here.
    ReservedForYou,
    /// Reserved for another desk or colleague until the site's fallback: not callable here.
    ReservedElsewhere,
    /// Needs a mediator whose language is spoken at another open desk: left for it.
    MediatorElsewhere,
    /// A walk-in past its target, called before the appointments after N of them in a row at
    /// this desk (the site's walk-in guard).
    WalkInGuard,
}

/// How the tickets a desk may not call now are listed after the others: best class, oldest first.
type OtherKey = (Reverse<Priority>, Timestamp, TicketId);

/// One ticket in a desk's call order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placed {
    pub ticket: TicketId,
    /// May this desk call it now?
    pub callable: bool,
    /// The class it ranks in now (appointments once due, aging).
    pub class: Priority,
    pub reasons: Vec<Reason>,
}

/// How many entries of `bucket` are less than `key`, in O(min(k, n − k)) steps: a ticket near
/// either end of a long queue (the oldest, or one being issued) costs a few steps, not the queue.
fn rank(bucket: &Bucket, key: &(Timestamp, TicketId)) -> usize {
    let mut below = bucket.range(..key.clone()).rev();
    let mut above = bucket.range(key.clone()..);
    let mut k = 0;
    loop {
        match (below.next(), above.next()) {
            (None, _) => return k,
            (Some(_), None) => return bucket.len() - k,
            _ => k += 1,
        }
    }
}
