//! Statistics maths, pure: what one ticket's events say (wait, walk, service, hold, transfers)
//! and the summary over many tickets (counts, mean, percentiles, service level). Requests use
//! `Aggregate`; `summarize` and `breakdown` compute the same figures directly from the tickets and
//! are kept, test-only, as the reference the aggregates are checked against.
//!
//! Definitions (also in the README, "Statistics"):
//! - **wait**: the time a ticket spends in the `waiting` state, summed over the whole visit:
//!   issue → call, and again after every return or transfer (with or without keep-position:
//!   keep-position changes the order in the queue, not the person's waiting) until the next call.
//!   Time on hold is *not* wait (it is `hold`); a recall does not restart anything.
//!   Only tickets called at least once have a wait.
//! - **first wait**: issue → first call; the service level is the share of called tickets whose
//!   first wait is within the target wait of the service they were issued for.
//! - **walk**: call → serving (the last call, recalls included, before the person arrived).
//! - **service**: time in `serving`, summed over the visit.
//! - A ticket belongs to the site-local day (and hour) it was **issued**, even when it is
//!   served after midnight.
//! - **estimate error**: the estimate given at issue minus the first wait, over the tickets
//!   called at least once that were given an estimate (none is given with no desk open): its mean
//!   is the signed bias (negative: people were told too little), the mean of its absolute value the
//!   MAE, and the share of those tickets whose first wait was longer than they were told.

use crate::event::{Event, EventKind};
use crate::ids::{ServiceId, TicketId};
use crate::model::{Priority, Status};
use jiff::Timestamp;

/// What one ticket's events say. Durations in milliseconds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TicketStats {
    pub id: TicketId,
    /// The human number (`A023`).
    pub number: String,
    pub service: ServiceId,
    /// Every service the ticket went through, in order, the first included.
    pub services: Vec<ServiceId>,
    pub issued_at: Timestamp,
    pub party_size: u32,
    pub priority: Priority,
    /// The booked time of an appointment ticket (`None` for walk-ins).
    pub appointment_at: Option<Timestamp>,
    /// When the ticket was first called (for an appointment's punctuality).
    pub first_called_at: Option<Timestamp>,
    pub language: String,
    pub needs: Vec<String>,
    pub status: Status,
    pub first_wait_ms: Option<i64>,
    /// The estimate given at issue, seconds (`None`: no desk was open).
    pub estimated_wait_s: Option<u32>,
    /// The target wait of its service when it was issued (`None`: tickets from before targets were
    /// stored with them; the configuration's target then applies).
    pub target_wait_s: Option<u32>,
    pub wait_ms: i64,
    pub walk_ms: Vec<i64>,
    pub service_ms: i64,
    pub hold_ms: i64,
    pub held: bool,
    pub transfers: u32,
    pub recalls: u32,
    /// The services the ticket was served in (reached `serving` while queued there), in order.
    pub served_in: Vec<ServiceId>,
    /// The desk of the last call, and the staff member who served the ticket: the actor of its
    /// `ticket.done` (events from before actors were recorded: the staff member of the last call).
    pub desk: Option<crate::ids::DeskId>,
    pub staff: Option<crate::ids::StaffId>,
    /// Spans spent waiting, in milliseconds since the epoch (for the queue length over the day).
    pub waiting_spans: Vec<(i64, i64)>,
    /// The ticket's time in each queue it waited in (transfers in included), in order of arrival:
    /// what the per-service figures of a ticket are (`in_service`).
    pub legs: Vec<Leg>,
    /// Only in a per-service view (`in_service`): the ticket waited in this queue and was sent to
    /// another service without being served here.
    pub sent_on: bool,
    since: Timestamp,
    /// The state and its start before the last Finish or No-show, while it may be undone
    /// (`ticket.reopened` puts them back: the undone close never happened for the figures).
    closed_from: Option<(Status, Timestamp)>,
}

/// A ticket's time in one queue (every stay there, if it came back). Milliseconds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Leg {
    pub service: ServiceId,
    pub wait_ms: i64,
    /// Waiting here until the first call here.
    pub first_wait_ms: Option<i64>,
    pub walk_ms: Vec<i64>,
    pub service_ms: i64,
    pub hold_ms: i64,
    pub held: bool,
    pub served: bool,
    pub desk: Option<crate::ids::DeskId>,
    pub staff: Option<crate::ids::StaffId>,
    pub waiting_spans: Vec<(i64, i64)>,
}

impl Leg {
    fn new(service: ServiceId) -> Leg {
        Leg {
            service,
            wait_ms: 0,
            first_wait_ms: None,
            walk_ms: Vec::new(),
            service_ms: 0,
            hold_ms: 0,
            held: false,
            served: false,
            desk: None,
            staff: None,
            waiting_spans: Vec::new(),
        }
    }
}

impl TicketStats {
    /// Start from the `ticket.issued` event; `None` for any other event.
    pub fn issued(e: &Event) -> Option<TicketStats> {
        let EventKind::TicketIssued { ticket } = &e.kind else { return None };
        Some(TicketStats {
            id: ticket.id.clone(),
            number: ticket.number.clone(),
            service: ticket.service.clone(),
            services: vec![ticket.service.clone()],
            issued_at: e.at,
            party_size: ticket.party_size.max(1),
            priority: ticket.priority,
            appointment_at: ticket.appointment_at,
            first_called_at: None,
            language: ticket.language.clone(),
            needs: ticket.needs.clone(),
            status: Status::Waiting,
            first_wait_ms: None,
            estimated_wait_s: ticket.estimated_wait_s,
            target_wait_s: ticket.target_wait_s,
            wait_ms: 0,
            walk_ms: Vec::new(),
            service_ms: 0,
            hold_ms: 0,
            held: false,
            transfers: 0,
            recalls: 0,
            served_in: Vec::new(),
            desk: None,
            staff: None,
            waiting_spans: Vec::new(),
            legs: vec![Leg::new(ticket.service.clone())],
            sent_on: false,
            since: e.at,
            closed_from: None,
        })
    }

    /// Fold one later event of this ticket.
    pub fn apply(&mut self, e: &Event) {
        if let EventKind::TicketReopened { .. } = &e.kind {
            if let Some((status, since)) = self.closed_from.take() {
                self.status = status;
                self.since = since;
            }
            return;
        }
        if matches!(e.kind, EventKind::TicketDone { .. } | EventKind::TicketNoShow { .. }) {
            // The time up to the close is counted below, except a call's (its walk ends when the
            // person arrives): after an undo, the state goes on from there.
            let since = if self.status == Status::Called { self.since } else { e.at };
            self.closed_from = Some((self.status, since));
        }
        let spent = (e.at.as_millisecond() - self.since.as_millisecond()).max(0);
        // The queue the ticket is in until this event (a transfer moves it on below).
        let here = self.leg_index();
        let next = match &e.kind {
            EventKind::TicketCalled { desk, staff, .. } => {
                self.desk = Some(desk.clone());
                self.staff = Some(staff.clone());
                Some(Status::Called)
            }
            EventKind::TicketRecalled { .. } => {
                self.recalls += 1;
                None
            }
            EventKind::TicketServing { .. } => Some(Status::Serving),
            EventKind::TicketDone { .. } => {
                if let Some(crate::model::ActorId::Staff(who)) = &e.actor {
                    self.staff = Some(who.clone());
                }
                Some(Status::Done)
            }
            EventKind::TicketNoShow { .. } => Some(Status::NoShow),
            EventKind::TicketCancelled { .. } => Some(Status::Cancelled),
            EventKind::TicketExpired { .. } => Some(Status::Expired),
            EventKind::TicketOnHold { .. } => Some(Status::OnHold),
            EventKind::TicketReturned { .. } => Some(Status::Waiting),
            EventKind::TicketTransferred { service, .. } => {
                self.transfers += 1;
                self.services.push(service.clone());
                Some(Status::Waiting)
            }
            _ => None,
        };
        let Some(next) = next else { return };
        match self.status {
            Status::Waiting => {
                self.wait_ms += spent;
                self.waiting_spans.push((self.since.as_millisecond(), e.at.as_millisecond()));
            }
            Status::Serving => self.service_ms += spent,
            Status::OnHold => self.hold_ms += spent,
            Status::Called if next == Status::Serving => self.walk_ms.push(spent),
            _ => {}
        }
        let leg = &mut self.legs[here];
        match self.status {
            Status::Waiting => {
                leg.wait_ms += spent;
                leg.waiting_spans.push((self.since.as_millisecond(), e.at.as_millisecond()));
            }
            Status::Serving => leg.service_ms += spent,
            Status::OnHold => leg.hold_ms += spent,
            Status::Called if next == Status::Serving => leg.walk_ms.push(spent),
            _ => {}
        }
        match next {
            Status::Called if leg.first_wait_ms.is_none() => leg.first_wait_ms = Some(leg.wait_ms),
            Status::OnHold => leg.held = true,
            Status::Serving => leg.served = true,
            _ => {}
        }
        if matches!(next, Status::Called | Status::Done) {
            leg.desk = self.desk.clone();
            leg.staff = self.staff.clone();
        }
        if let Some(to) = self.services.last()
            && to != &self.legs[here].service
            && !self.legs.iter().any(|l| &l.service == to)
        {
            self.legs.push(Leg::new(to.clone()));
        }
        if next == Status::Called && self.first_wait_ms.is_none() {
            self.first_wait_ms = Some(self.wait_ms);
            self.first_called_at = Some(e.at);
        }
        if next == Status::OnHold {
            self.held = true;
        }
        if next == Status::Serving
            && let Some(s) = self.services.last()
            && !self.served_in.contains(s)
        {
            self.served_in.push(s.clone());
        }
        self.status = next;
        self.since = e.at;
    }

    /// Estimate given at issue minus the first wait, milliseconds (positive: told too much), for a
    /// ticket called at least once that was given an estimate.
    pub fn estimate_error_ms(&self) -> Option<i64> {
        Some(i64::from(self.estimated_wait_s?) * 1000 - self.first_wait_ms?)
    }

    /// A hold still in progress at `now` counts up to `now` (the ticket is on hold, not finished):
    /// statistics read while it is parked include the time parked so far.
    pub fn hold_until(&mut self, now: Timestamp) {
        if self.status == Status::OnHold {
            let ms = (now.as_millisecond() - self.since.as_millisecond()).max(0);
            self.hold_ms += ms;
            let here = self.leg_index();
            self.legs[here].hold_ms += ms;
            self.since = self.since.max(now);
        }
    }

    /// The leg of the queue the ticket is in now.
    fn leg_index(&self) -> usize {
        let now = self.services.last().unwrap_or(&self.service);
        self.legs.iter().position(|l| &l.service == now).unwrap_or(0)
    }

    /// The ticket as the figures of `service` count it, if it waited in that queue: its wait,
    /// first wait, walks, service and hold there; served if it was served there (also when sent
    /// on afterwards), `sent_on` if it left for another service without; the estimate and the
    /// stored target only where it was issued (they were told and set for that queue).
    pub fn in_service(&self, service: &ServiceId) -> Option<TicketStats> {
        let leg = self.legs.iter().find(|l| &l.service == service)?;
        let mut t = self.clone();
        t.service = service.clone();
        t.wait_ms = leg.wait_ms;
        t.first_wait_ms = leg.first_wait_ms;
        t.walk_ms = leg.walk_ms.clone();
        t.service_ms = leg.service_ms;
        t.hold_ms = leg.hold_ms;
        t.held = leg.held;
        t.desk = leg.desk.clone();
        t.staff = leg.staff.clone();
        t.waiting_spans = leg.waiting_spans.clone();
        if self.services.first() != Some(service) {
            t.estimated_wait_s = None;
            t.target_wait_s = None;
        }
        if self.services.last() != Some(service) {
            if leg.served {
                t.status = Status::Done;
            } else {
                t.sent_on = true;
            }
        }
        Some(t)
    }

    /// An integrated journey: the visit was served by a service of kind `a` and by one of kind `b`
    /// (the One Stop Shop's reason to exist: social and employment). Waiting in a queue, or being
    /// transferred through it, is not being served there.
    pub fn integrated<'k>(&self, kind_of: impl Fn(&ServiceId) -> Option<&'k str>, a: &str, b: &str) -> bool {
        let kinds: Vec<_> = self.served_in.iter().filter_map(kind_of).collect();
        kinds.contains(&a) && kinds.contains(&b)
    }
}

/// Fold a time-ordered event log into per-ticket statistics, in order of issue.
/// Events of tickets whose `ticket.issued` is not in the log are ignored.
pub fn tickets_from_events<'a>(events: impl IntoIterator<Item = &'a Event>) -> Vec<TicketStats> {
    let mut out: Vec<TicketStats> = Vec::new();
    let mut index = std::collections::HashMap::new();
    for e in events {
        if let Some(t) = TicketStats::issued(e) {
            index.insert(t.id.clone(), out.len());
            out.push(t);
        } else if let Some(id) = e.kind.ticket_id()
            && let Some(&i) = index.get(id)
        {
            out[i].apply(e);
        }
    }
    out
}

/// Nearest-rank percentile (p in 0..=100) of sorted values; 0 for none.
#[cfg(test)]
pub fn percentile(sorted: &[i64], p: u32) -> i64 {
    if sorted.is_empty() {
        return 0;
    }
    let rank = (u64::from(p) * sorted.len() as u64).div_ceil(100).max(1) as usize;
    sorted[rank.min(sorted.len()) - 1]
}

/// The summary figures over a set of tickets. Times in seconds (to 0.1 s, the mean of
/// milliseconds rounded down); a time over no ticket (nobody called, walked, served or held in the
/// period) is null, not 0.
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Summary {
    pub issued: u64,
    pub served: u64,
    pub no_show: u64,
    pub cancelled: u64,
    /// Still waiting (or on hold) when the site closed: not served, and not no-shows.
    pub expired: u64,
    /// Tickets still open (waiting, called, serving or on hold) at the end of the log.
    pub open: u64,
    /// Per service only (`service=`): tickets that waited in its queue and were sent to another
    /// service without being served in it (0 for a whole site).
    pub sent_on: u64,
    /// Tickets put on hold at least once.
    pub on_hold: u64,
    /// People: the sum of party sizes of the tickets issued.
    pub people: u64,
    pub wait_mean_s: Option<f64>,
    pub wait_p50_s: Option<f64>,
    pub wait_p90_s: Option<f64>,
    pub wait_max_s: Option<f64>,
    pub walk_mean_s: Option<f64>,
    pub walk_p90_s: Option<f64>,
    pub service_mean_s: Option<f64>,
    pub hold_mean_s: Option<f64>,
    /// Share of called tickets whose first wait was within the target; null when none was called.
    pub service_level: Option<f64>,
    pub transfers: u64,
    pub recalls: u64,
    /// Visits that went through both a social and an employment service.
    pub integrated_journeys: u64,
    /// Called tickets that were given an estimate at issue (the next three are over these).
    pub estimated: u64,
    /// Mean of (estimate − first wait), seconds: negative when people were told too little; null
    /// when no ticket counts.
    pub estimate_bias_s: Option<f64>,
    /// Mean absolute error of the estimate, seconds.
    pub estimate_mae_s: Option<f64>,
    /// Share (0–1) whose first wait was longer than the estimate they were told.
    pub estimate_told_too_little: Option<f64>,
}

fn secs(ms: i64) -> f64 {
    (ms as f64 / 1000.0 * 10.0).round() / 10.0
}

#[cfg(test)]
fn mean(v: &[i64]) -> f64 {
    if v.is_empty() { 0.0 } else { secs(v.iter().sum::<i64>() / v.len() as i64) }
}

/// Summarize tickets; `target_s` gives the target wait of a service.
#[cfg(test)]
pub fn summarize<'a>(
    tickets: impl IntoIterator<Item = &'a TicketStats>,
    target_s: impl Fn(&ServiceId) -> u32,
) -> Summary {
    let mut s = Summary::default();
    let (mut waits, mut walks, mut services, mut holds) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let (mut called, mut within) = (0u64, 0u64);
    let mut errors = Vec::new();
    for t in tickets {
        errors.extend(t.estimate_error_ms());
        s.issued += 1;
        s.people += u64::from(t.party_size);
        match t.status {
            Status::Done => s.served += 1,
            Status::NoShow => s.no_show += 1,
            Status::Cancelled => s.cancelled += 1,
            Status::Expired => s.expired += 1,
            _ => s.open += 1,
        }
        if t.held {
            s.on_hold += 1;
            holds.push(t.hold_ms);
        }
        s.transfers += u64::from(t.transfers);
        s.recalls += u64::from(t.recalls);
        if let Some(first) = t.first_wait_ms {
            called += 1;
            if first <= i64::from(target_s(&t.service)) * 1000 {
                within += 1;
            }
            waits.push(t.wait_ms);
        }
        walks.extend_from_slice(&t.walk_ms);
        if t.status == Status::Done {
            services.push(t.service_ms);
        }
    }
    waits.sort_unstable();
    walks.sort_unstable();
    let some = |v: &[i64], x: f64| (!v.is_empty()).then_some(x);
    s.wait_mean_s = some(&waits, mean(&waits));
    s.wait_p50_s = some(&waits, secs(percentile(&waits, 50)));
    s.wait_p90_s = some(&waits, secs(percentile(&waits, 90)));
    s.wait_max_s = some(&waits, secs(waits.last().copied().unwrap_or(0)));
    s.walk_mean_s = some(&walks, mean(&walks));
    s.walk_p90_s = some(&walks, secs(percentile(&walks, 90)));
    s.service_mean_s = some(&services, mean(&services));
    s.hold_mean_s = some(&holds, mean(&holds));
    s.service_level = (called > 0).then(|| within as f64 / called as f64);
    s.estimated = errors.len() as u64;
    let n = errors.len() as i64;
    s.estimate_bias_s = (n > 0).then(|| secs(errors.iter().sum::<i64>() / n));
    s.estimate_mae_s = (n > 0).then(|| secs(errors.iter().map(|e| e.abs()).sum::<i64>() / n));
    s.estimate_told_too_little = (n > 0).then(|| errors.iter().filter(|&&e| e < 0).count() as f64 / n as f64);
    s
}

/// Counts per category, for the mix tables and the funder report.
pub type Counts = std::collections::BTreeMap<String, u64>;

/// Where arrivals, languages, priorities, needs and transfers fall.
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Breakdown {
    /// Tickets issued per site-local weekday (0 = Monday) and hour (0–23).
    pub arrivals_by_hour_of_week: Vec<Vec<u64>>,
    /// Tickets per language.
    #[cfg_attr(feature = "openapi", schema(inline))]
    pub languages: Counts,
    /// Tickets per priority class.
    #[cfg_attr(feature = "openapi", schema(inline))]
    pub priorities: Counts,
    /// Tickets per need code (`group:…` target groups, `mediator:L`, …); a ticket counts once per need.
    #[cfg_attr(feature = "openapi", schema(inline))]
    pub needs: Counts,
    /// Transfers per `from→to` pair of services.
    #[cfg_attr(feature = "openapi", schema(inline))]
    pub transfers: Counts,
}

/// The breakdown of tickets, with times taken in `tz` (the site's time zone).
#[cfg(test)]
pub fn breakdown<'a>(tickets: impl IntoIterator<Item = &'a TicketStats>, tz: &jiff::tz::TimeZone) -> Breakdown {
    let mut b = Breakdown { arrivals_by_hour_of_week: vec![vec![0; 24]; 7], ..Default::default() };
    for t in tickets {
        let local = t.issued_at.to_zoned(tz.clone());
        let day = local.weekday().to_monday_zero_offset() as usize;
        b.arrivals_by_hour_of_week[day][local.hour() as usize] += 1;
        *b.languages.entry(t.language.clone()).or_default() += 1;
        *b.priorities.entry(t.priority.as_str().to_owned()).or_default() += 1;
        for n in &t.needs {
            *b.needs.entry(n.clone()).or_default() += 1;
        }
        for w in t.services.windows(2) {
            *b.transfers.entry(format!("{}→{}", w[0], w[1])).or_default() += 1;
        }
    }
    b
}

/// Deciseconds, the resolution the summary shows (`secs` rounds milliseconds to 0.1 s). Rounding
/// is monotonic, so a nearest-rank percentile over these equals the rounded percentile over the
/// milliseconds: aggregates give exactly the figures `summarize` gives over the same tickets.
fn ds(ms: i64) -> i64 {
    (ms as f64 / 1000.0 * 10.0).round() as i64
}

/// Nearest-rank percentile of a histogram (value → count).
fn hist_percentile(h: &std::collections::BTreeMap<i64, u64>, p: u32) -> i64 {
    let n: u64 = h.values().sum();
    if n == 0 {
        return 0;
    }
    let rank = (u64::from(p) * n).div_ceil(100).max(1);
    let mut seen = 0;
    for (v, c) in h {
        seen += c;
        if seen >= rank {
            return *v;
        }
    }
    0
}

/// Everything the summary, breakdown and funder report need from a set of tickets, in a form
/// that adds up: one per site, day and service is stored for every past day (`stats_days`), and
/// a period's figures are the sum of its days plus the tickets of days not rolled up yet.
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize, serde::Deserialize)]
pub struct Aggregate {
    pub issued: u64,
    pub served: u64,
    pub no_show: u64,
    pub cancelled: u64,
    /// Absent from roll-ups made before tickets could expire.
    #[serde(default)]
    pub expired: u64,
    pub open: u64,
    /// Absent from roll-ups made before per-service figures followed transfers.
    #[serde(default)]
    pub sent_on: u64,
    pub on_hold: u64,
    pub people: u64,
    pub transfers: u64,
    pub recalls: u64,
    pub integrated: u64,
    /// Tickets called at least once, and those whose first wait was within the target.
    pub called: u64,
    pub within_target: u64,
    pub wait_sum_ms: i64,
    pub walk_sum_ms: i64,
    pub walk_n: u64,
    pub service_sum_ms: i64,
    pub hold_sum_ms: i64,
    /// Waits and walks in deciseconds → tickets.
    pub wait_ds: std::collections::BTreeMap<i64, u64>,
    pub walk_ds: std::collections::BTreeMap<i64, u64>,
    /// Arrivals per weekday (0 = Monday) and hour; empty until the first ticket.
    pub hours_of_week: Vec<Vec<u64>>,
    pub languages: Counts,
    pub priorities: Counts,
    pub needs: Counts,
    /// `from→to` service pairs.
    pub transfer_pairs: Counts,
    /// People per target group (`group:` needs, prefix removed).
    pub people_by_group: Counts,
    /// Tickets that went through each service.
    pub services_used: Counts,
    /// Per desk and per staff member (of the last call): tickets served and their service time.
    #[serde(default)]
    pub desks: std::collections::BTreeMap<String, Work>,
    #[serde(default)]
    pub staff: std::collections::BTreeMap<String, Work>,
    /// Ticket-milliseconds spent waiting in each site-local hour of the day (÷ 3,600,000 × days =
    /// the mean number of people waiting in that hour).
    #[serde(default)]
    pub waiting_ms_by_hour: Vec<i64>,
    /// Called tickets given an estimate; the sums of (estimate − first wait) and of its absolute
    /// value (ms); those told too little.
    #[serde(default)]
    pub estimated: u64,
    #[serde(default)]
    pub estimate_error_sum_ms: i64,
    #[serde(default)]
    pub estimate_abs_error_sum_ms: i64,
    #[serde(default)]
    pub told_too_little: u64,
}

/// Tickets served and their service time (a desk's or a staff member's).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct Work {
    pub served: u64,
    pub service_ms: i64,
}

impl Aggregate {
    /// Add one ticket. `weekday` (0 = Monday) and `hour` are site-local at issue; `within` says whether
    /// its first wait met its service's target; `integrated` whether it crossed social and employment.
    pub fn add(&mut self, t: &TicketStats, weekday: usize, hour: usize, within: bool, integrated: bool) {
        self.add_in(t, weekday, hour, within, integrated, None);
    }

    /// `add`, also spreading the ticket's waiting spans over the hours of the day in `tz`.
    pub fn add_in(
        &mut self,
        t: &TicketStats,
        weekday: usize,
        hour: usize,
        within: bool,
        integrated: bool,
        tz: Option<&jiff::tz::TimeZone>,
    ) {
        if let Some(tz) = tz {
            if self.waiting_ms_by_hour.is_empty() {
                self.waiting_ms_by_hour = vec![0; 24];
            }
            for &(a, b) in &t.waiting_spans {
                // Whole days add an hour to every hour of the day; the rest goes hour by hour.
                const DAY: i64 = 86_400_000;
                let days = (b - a) / DAY;
                if days > 0 {
                    for h in self.waiting_ms_by_hour.iter_mut() {
                        *h += days * 3_600_000;
                    }
                }
                let mut cur = a + days * DAY;
                while cur < b {
                    let Ok(at) = Timestamp::from_millisecond(cur) else { break };
                    let local = at.to_zoned(tz.clone());
                    let into_hour = i64::from(local.minute()) * 60_000
                        + i64::from(local.second()) * 1000
                        + i64::from(local.millisecond());
                    let end = b.min(cur + (3_600_000 - into_hour).max(1));
                    self.waiting_ms_by_hour[local.hour() as usize] += end - cur;
                    cur = end;
                }
            }
        }
        if t.status == Status::Done
            && !t.sent_on
            && let (Some(d), Some(s)) = (&t.desk, &t.staff)
        {
            for (map, key) in [(&mut self.desks, d.to_string()), (&mut self.staff, s.to_string())] {
                let w = map.entry(key).or_default();
                w.served += 1;
                w.service_ms += t.service_ms;
            }
        }
        self.issued += 1;
        self.people += u64::from(t.party_size);
        match t.status {
            _ if t.sent_on => self.sent_on += 1,
            Status::Done => self.served += 1,
            Status::NoShow => self.no_show += 1,
            Status::Cancelled => self.cancelled += 1,
            Status::Expired => self.expired += 1,
            _ => self.open += 1,
        }
        if t.held {
            self.on_hold += 1;
            self.hold_sum_ms += t.hold_ms;
        }
        self.transfers += u64::from(t.transfers);
        self.recalls += u64::from(t.recalls);
        self.integrated += u64::from(integrated);
        if let Some(err) = t.estimate_error_ms() {
            self.estimated += 1;
            self.estimate_error_sum_ms += err;
            self.estimate_abs_error_sum_ms += err.abs();
            self.told_too_little += u64::from(err < 0);
        }
        if t.first_wait_ms.is_some() {
            self.called += 1;
            self.within_target += u64::from(within);
            self.wait_sum_ms += t.wait_ms;
            *self.wait_ds.entry(ds(t.wait_ms)).or_default() += 1;
        }
        for w in &t.walk_ms {
            self.walk_sum_ms += w;
            self.walk_n += 1;
            *self.walk_ds.entry(ds(*w)).or_default() += 1;
        }
        if t.status == Status::Done && !t.sent_on {
            self.service_sum_ms += t.service_ms;
        }
        if self.hours_of_week.is_empty() {
            self.hours_of_week = vec![vec![0; 24]; 7];
        }
        self.hours_of_week[weekday.min(6)][hour.min(23)] += 1;
        *self.languages.entry(t.language.clone()).or_default() += 1;
        *self.priorities.entry(t.priority.as_str().to_owned()).or_default() += 1;
        for n in &t.needs {
            *self.needs.entry(n.clone()).or_default() += 1;
            if let Some(g) = n.strip_prefix("group:") {
                *self.people_by_group.entry(g.to_owned()).or_default() += u64::from(t.party_size);
            }
        }
        for w in t.services.windows(2) {
            *self.transfer_pairs.entry(format!("{}→{}", w[0], w[1])).or_default() += 1;
        }
        let mut seen: Vec<&ServiceId> = t.services.iter().collect();
        seen.sort();
        seen.dedup();
        for s in seen {
            *self.services_used.entry(s.to_string()).or_default() += 1;
        }
    }

    /// Add another aggregate (another day, service or site).
    pub fn merge(&mut self, o: &Aggregate) {
        for (a, b) in [
            (&mut self.issued, o.issued),
            (&mut self.served, o.served),
            (&mut self.no_show, o.no_show),
            (&mut self.cancelled, o.cancelled),
            (&mut self.expired, o.expired),
            (&mut self.open, o.open),
            (&mut self.sent_on, o.sent_on),
            (&mut self.on_hold, o.on_hold),
            (&mut self.people, o.people),
            (&mut self.transfers, o.transfers),
            (&mut self.recalls, o.recalls),
            (&mut self.integrated, o.integrated),
            (&mut self.called, o.called),
            (&mut self.within_target, o.within_target),
            (&mut self.walk_n, o.walk_n),
            (&mut self.estimated, o.estimated),
            (&mut self.told_too_little, o.told_too_little),
        ] {
            *a += b;
        }
        self.wait_sum_ms += o.wait_sum_ms;
        self.walk_sum_ms += o.walk_sum_ms;
        self.service_sum_ms += o.service_sum_ms;
        self.hold_sum_ms += o.hold_sum_ms;
        self.estimate_error_sum_ms += o.estimate_error_sum_ms;
        self.estimate_abs_error_sum_ms += o.estimate_abs_error_sum_ms;
        for (mine, theirs) in [(&mut self.wait_ds, &o.wait_ds), (&mut self.walk_ds, &o.walk_ds)] {
            for (k, v) in theirs {
                *mine.entry(*k).or_default() += v;
            }
        }
        if !o.hours_of_week.is_empty() {
            if self.hours_of_week.is_empty() {
                self.hours_of_week = vec![vec![0; 24]; 7];
            }
            for (row, theirs) in self.hours_of_week.iter_mut().zip(&o.hours_of_week) {
                for (a, b) in row.iter_mut().zip(theirs) {
                    *a += b;
                }
            }
        }
        for (mine, theirs) in [(&mut self.desks, &o.desks), (&mut self.staff, &o.staff)] {
            for (k, w) in theirs {
                let m = mine.entry(k.clone()).or_default();
                m.served += w.served;
                m.service_ms += w.service_ms;
            }
        }
        if !o.waiting_ms_by_hour.is_empty() {
            if self.waiting_ms_by_hour.is_empty() {
                self.waiting_ms_by_hour = vec![0; 24];
            }
            for (a, b) in self.waiting_ms_by_hour.iter_mut().zip(&o.waiting_ms_by_hour) {
                *a += b;
            }
        }
        for (mine, theirs) in [
            (&mut self.languages, &o.languages),
            (&mut self.priorities, &o.priorities),
            (&mut self.needs, &o.needs),
            (&mut self.transfer_pairs, &o.transfer_pairs),
            (&mut self.people_by_group, &o.people_by_group),
            (&mut self.services_used, &o.services_used),
        ] {
            for (k, v) in theirs {
                *mine.entry(k.clone()).or_default() += v;
            }
        }
    }

    /// The summary: the same figures `summarize` gives over the same tickets.
    pub fn summary(&self) -> Summary {
        let mean = |sum: i64, n: u64| if n == 0 { 0.0 } else { secs(sum / n as i64) };
        let dsecs = |d: i64| d as f64 / 10.0;
        // Null over no ticket, like the service level.
        let over = |n: u64, x: f64| (n > 0).then_some(x);
        Summary {
            issued: self.issued,
            served: self.served,
            no_show: self.no_show,
            cancelled: self.cancelled,
            expired: self.expired,
            open: self.open,
            sent_on: self.sent_on,
            on_hold: self.on_hold,
            people: self.people,
            wait_mean_s: over(self.called, mean(self.wait_sum_ms, self.called)),
            wait_p50_s: over(self.called, dsecs(hist_percentile(&self.wait_ds, 50))),
            wait_p90_s: over(self.called, dsecs(hist_percentile(&self.wait_ds, 90))),
            wait_max_s: over(self.called, dsecs(self.wait_ds.keys().next_back().copied().unwrap_or(0))),
            walk_mean_s: over(self.walk_n, mean(self.walk_sum_ms, self.walk_n)),
            walk_p90_s: over(self.walk_n, dsecs(hist_percentile(&self.walk_ds, 90))),
            service_mean_s: over(self.served, mean(self.service_sum_ms, self.served)),
            hold_mean_s: over(self.on_hold, mean(self.hold_sum_ms, self.on_hold)),
            service_level: (self.called > 0).then(|| self.within_target as f64 / self.called as f64),
            transfers: self.transfers,
            recalls: self.recalls,
            integrated_journeys: self.integrated,
            estimated: self.estimated,
            estimate_bias_s: (self.estimated > 0).then(|| mean(self.estimate_error_sum_ms, self.estimated)),
            estimate_mae_s: (self.estimated > 0).then(|| mean(self.estimate_abs_error_sum_ms, self.estimated)),
            estimate_told_too_little: (self.estimated > 0).then(|| self.told_too_little as f64 / self.estimated as f64),
        }
    }

    /// The breakdown (heat map and mixes).
    pub fn breakdown(&self) -> Breakdown {
        Breakdown {
            arrivals_by_hour_of_week: if self.hours_of_week.is_empty() {
                vec![vec![0; 24]; 7]
            } else {
                self.hours_of_week.clone()
            },
            languages: self.languages.clone(),
            priorities: self.priorities.clone(),
            needs: self.needs.clone(),
            transfers: self.transfer_pairs.clone(),
        }
    }
}

/// Time a desk (or a staff member at a desk) spent open and paused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DeskTime {
    pub open_ms: i64,
    pub paused_ms: i64,
}

/// Time open and paused per desk and per staff member within `[from, until)`, from the desk events
/// (in order). A desk's state before its first event in `events` counts as closed.
pub fn desk_times(
    events: &[Event],
    from: Timestamp,
    until: Timestamp,
) -> (std::collections::BTreeMap<String, DeskTime>, std::collections::BTreeMap<String, DeskTime>) {
    use std::collections::BTreeMap;
    // desk → (open?, since, staff)
    let mut state: BTreeMap<String, (bool, Timestamp, String)> = BTreeMap::new();
    let (mut desks, mut staff): (BTreeMap<String, DeskTime>, BTreeMap<String, DeskTime>) = Default::default();
    let mut close = |desk: &str, (open, since, who): &(bool, Timestamp, String), at: Timestamp| {
        let (a, b) = (since.max(&from), at.min(until));
        let ms = (b.as_millisecond() - a.as_millisecond()).max(0);
        for t in [desks.entry(desk.to_owned()).or_default(), staff.entry(who.clone()).or_default()] {
            if *open { t.open_ms += ms } else { t.paused_ms += ms }
        }
    };
    for e in events {
        let (desk, next) = match &e.kind {
            EventKind::DeskOpened { desk, staff, .. } => (desk.to_string(), Some((true, staff.to_string()))),
            EventKind::DeskPaused { desk } => {
                (desk.to_string(), state.get(&desk.to_string()).map(|s| (false, s.2.clone())))
            }
            EventKind::DeskClosed { desk } => (desk.to_string(), None),
            _ => continue,
        };
        if let Some(prev) = state.remove(&desk) {
            close(&desk, &prev, e.at);
        }
        if let Some((open, who)) = next {
            state.insert(desk, (open, e.at, who));
        }
    }
    for (desk, s) in &state {
        close(desk, s, until);
    }
    (desks, staff)
}

/// A cell of a funder report: `None` (suppressed) when below `min` but not zero, so no
/// individual can be picked out.
pub fn suppress(n: u64, min: u32) -> Option<u64> {
    (n == 0 || n >= u64::from(min)).then_some(n)
}

/// The figures of a funder report for one set of tickets (a site's month, an area's, the
/// region's), small cells suppressed: every count below `min` but not zero is `None`, and so is
/// every count of people that fewer than `min` tickets (households) make up — one family of six is
/// not a cell of six — and the waits when fewer than `min` tickets were called.
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize, serde::Deserialize)]
pub struct FunderFigures {
    /// Tickets issued.
    pub tickets: Option<u64>,
    /// People reached (party sizes summed).
    pub people: Option<u64>,
    /// People reached per target group (`group:…` needs).
    pub people_by_group: std::collections::BTreeMap<String, Option<u64>>,
    /// Tickets that went through each service (transfers included).
    pub services_used: std::collections::BTreeMap<String, Option<u64>>,
    /// Visits served by both a social and an employment service.
    pub integrated_journeys: Option<u64>,
    /// Waits, over the tickets called.
    pub wait_mean_s: Option<f64>,
    pub wait_p90_s: Option<f64>,
}

impl FunderFigures {
    pub fn of(agg: &Aggregate, min: u32) -> FunderFigures {
        let summary = agg.summary();
        let waits_shown = agg.called >= u64::from(min);
        let people = |n: u64, households: u64| suppress(households, min).and(suppress(n, min));
        let group_tickets = |g: &str| agg.needs.get(&format!("group:{g}")).copied().unwrap_or(0);
        FunderFigures {
            tickets: suppress(summary.issued, min),
            people: people(summary.people, summary.issued),
            people_by_group: agg
                .people_by_group
                .iter()
                .map(|(k, n)| (k.clone(), people(*n, group_tickets(k))))
                .collect(),
            services_used: agg.services_used.iter().map(|(k, n)| (k.clone(), suppress(*n, min))).collect(),
            integrated_journeys: suppress(summary.integrated_journeys, min),
            wait_mean_s: summary.wait_mean_s.filter(|_| waits_shown),
            wait_p90_s: summary.wait_p90_s.filter(|_| waits_shown),
        }
    }

    /// Every count of the report, by name (`tickets`, `people`, `people_by_group:<g>`,
    /// `services_used:<s>`, `integrated_journeys`): the cells that add up across sites.
    fn counts_mut(&mut self) -> Vec<(String, &mut Option<u64>)> {
        let mut out = vec![
            ("tickets".to_owned(), &mut self.tickets),
            ("people".to_owned(), &mut self.people),
            ("integrated_journeys".to_owned(), &mut self.integrated_journeys),
        ];
        out.extend(self.people_by_group.iter_mut().map(|(k, v)| (format!("people_by_group:{k}"), v)));
        out.extend(self.services_used.iter_mut().map(|(k, v)| (format!("services_used:{k}"), v)));
        out
    }
}

/// Secondary suppression: figures that add up must not give a suppressed cell away by
/// subtraction. `figures` are the reports of the region, its areas and its sites; each group is
/// (the index of a total, the indexes of its parts: an area's sites, or the region's areas and the
/// sites in none). Whenever a shown total has exactly one suppressed part, the smallest shown
/// nonzero part is suppressed too, or the total if there is none; repeated until no group gives a
/// cell away (a cell hidden for one group may expose another). Counts absent from a report are 0.
/// `actual` are the same reports' true counts (`FunderFigures::of` with `min` 1), so that the
/// choice never looks at what it hides.
pub fn protect_sums(figures: &mut [FunderFigures], actual: &[FunderFigures], groups: &[(usize, Vec<usize>)]) {
    let by_name = |f: &mut FunderFigures| -> std::collections::BTreeMap<String, Option<u64>> {
        f.counts_mut().into_iter().map(|(k, v)| (k, *v)).collect()
    };
    let shown_now: Vec<_> = figures.iter_mut().map(by_name).collect();
    let true_counts: Vec<_> = actual.iter().map(|f| by_name(&mut f.clone())).collect();
    let names: std::collections::BTreeSet<String> = shown_now.iter().flat_map(|m| m.keys().cloned()).collect();
    for name in &names {
        // Per report: Some(n) shown (absent counts are a shown 0), None suppressed; and the truth.
        let mut shown: Vec<Option<u64>> = shown_now.iter().map(|m| m.get(name).copied().unwrap_or(Some(0))).collect();
        let truth: Vec<u64> = true_counts.iter().map(|m| m.get(name).copied().flatten().unwrap_or(0)).collect();
        loop {
            let mut changed = false;
            for (total, parts) in groups {
                if shown[*total].is_none() {
                    continue;
                }
                let hidden = parts.iter().filter(|&&p| shown[p].is_none()).count();
                if hidden != 1 {
                    continue;
                }
                let next = parts
                    .iter()
                    .filter(|&&p| shown[p].is_some() && truth[p] > 0)
                    .min_by_key(|&&p| (truth[p], p))
                    .copied()
                    .unwrap_or(*total);
                shown[next] = None;
                changed = true;
            }
            if !changed {
                break;
            }
        }
        for (f, s) in figures.iter_mut().zip(&shown) {
            if s.is_none()
                && let Some((_, v)) = f.counts_mut().into_iter().find(|(k, _)| k == name)
            {
                *v = None;
            }
        }
    }
}

// Appointments (issue 16). Definitions (also in the README, "Statistics"):
// - **booked**: bookings of the period (by booked start) not cancelled; **kept**: checked in (state
//   `checked_in`); **missed**: state `missed` (no check-in in the window, or the appointment ticket
//   was a no-show: such a booking is missed, not kept); **late**: a check-in came after the window
//   (`late_ms` set) and the booking was never checked in (it is usually missed as well: late is a
//   flag, not a fourth outcome); **open**: still `booked` (its window has not closed yet).
// - **lead time**: booking made (`created_ms`) → booked start, hours, over the booked bookings.
// - **punctuality**: booked time → first call of the appointment ticket, minutes, signed: an early
//   call counts negative (it pulls the mean down; it is on time for the share). Over the
//   appointment tickets called at least once. **Called within 10 min**: the share of those whose
//   first call came at most `PUNCTUAL_WITHIN_MIN` minutes after the booked time.
// - **appointment-heavy day**: a site-local day on which at least `APPOINTMENT_HEAVY_SHARE` of the
//   tickets issued were appointment tickets; the walk-in wait (every ticket not of class
//   `appointment`) is the `wait` above, over walk-ins called at least once, pooled over the
//   tickets of the heavy days and of the other days.

/// A site-local day is appointment-heavy when at least this share (0–1) of its tickets are
/// appointment tickets.
pub const APPOINTMENT_HEAVY_SHARE: f64 = 0.25;
/// An appointment is called on time when its first call comes at most this many minutes after its
/// booked time (an early call is on time).
pub const PUNCTUAL_WITHIN_MIN: i64 = 10;

/// A booking's state, as stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BookingState {
    Booked,
    Cancelled,
    CheckedIn,
    Missed,
}

impl std::str::FromStr for BookingState {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Ok(match s {
            "booked" => BookingState::Booked,
            "cancelled" => BookingState::Cancelled,
            "checked_in" => BookingState::CheckedIn,
            "missed" => BookingState::Missed,
            other => return Err(format!("unknown booking state '{other}'")),
        })
    }
}

/// What the statistics need of one booking. Milliseconds since the epoch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BookingFacts {
    pub state: BookingState,
    pub created_ms: i64,
    pub start_ms: i64,
    pub checked_in_ms: Option<i64>,
    pub late_ms: Option<i64>,
}

/// One site-local day of tickets, for the walk-in comparison.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AppointmentDay {
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub day: jiff::civil::Date,
    /// Tickets issued that day, and those of class `appointment`.
    pub tickets: u64,
    pub appointments: u64,
    /// `appointments / tickets`.
    pub share: f64,
    /// `share >= APPOINTMENT_HEAVY_SHARE`.
    pub heavy: bool,
    /// Walk-ins called at least once, and the sum of their waits (ms).
    pub walk_ins_called: u64,
    pub walk_in_wait_sum_ms: i64,
}

impl AppointmentDay {
    /// Mean walk-in wait of the day, seconds (to 0.1 s); null when no walk-in was called.
    pub fn walk_in_wait_mean_s(&self) -> Option<f64> {
        (self.walk_ins_called > 0).then(|| secs(self.walk_in_wait_sum_ms / self.walk_ins_called as i64))
    }
}

/// The appointment figures of a period (definitions above). Times: hours and minutes to 0.1,
/// seconds to 0.1; a time over nothing is null.
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AppointmentSummary {
    pub booked: u64,
    pub kept: u64,
    pub late: u64,
    pub missed: u64,
    pub cancelled: u64,
    pub open: u64,
    pub lead_time_mean_h: Option<f64>,
    pub lead_time_median_h: Option<f64>,
    /// Appointment tickets called at least once (the punctuality figures are over these).
    pub called: u64,
    pub punctuality_mean_min: Option<f64>,
    pub punctuality_p90_min: Option<f64>,
    pub called_within_10_min: Option<f64>,
    /// `APPOINTMENT_HEAVY_SHARE`.
    pub heavy_day_share: f64,
    /// Days with tickets, and how many of them were appointment-heavy.
    pub days: u64,
    pub heavy_days: u64,
    pub walk_in_wait_mean_heavy_s: Option<f64>,
    pub walk_in_wait_mean_other_s: Option<f64>,
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

/// Nearest-rank percentile of unsorted values; `None` for none.
fn nearest_rank(v: &mut [i64], p: u32) -> Option<i64> {
    if v.is_empty() {
        return None;
    }
    v.sort_unstable();
    let rank = (u64::from(p) * v.len() as u64).div_ceil(100).max(1) as usize;
    Some(v[rank.min(v.len()) - 1])
}

/// The site-local days of `tickets` (by issue), in order: tickets, appointment share, walk-in waits.
pub fn appointment_days(tickets: &[TicketStats], tz: &jiff::tz::TimeZone) -> Vec<AppointmentDay> {
    let mut by: std::collections::BTreeMap<jiff::civil::Date, AppointmentDay> = Default::default();
    for t in tickets {
        let day = t.issued_at.to_zoned(tz.clone()).date();
        let d = by.entry(day).or_insert_with(|| AppointmentDay {
            day,
            tickets: 0,
            appointments: 0,
            share: 0.0,
            heavy: false,
            walk_ins_called: 0,
            walk_in_wait_sum_ms: 0,
        });
        d.tickets += 1;
        if t.priority == Priority::Appointment {
            d.appointments += 1;
        } else if t.first_wait_ms.is_some() {
            d.walk_ins_called += 1;
            d.walk_in_wait_sum_ms += t.wait_ms;
        }
    }
    by.into_values()
        .map(|mut d| {
            d.share = d.appointments as f64 / d.tickets as f64;
            d.heavy = d.share >= APPOINTMENT_HEAVY_SHARE;
            d
        })
        .collect()
}

/// One day from its aggregate (every ticket issued that day, as `select` sums them) and its
/// appointment tickets (others are left out): what `appointment_days` computes from all the day's
/// tickets, without reading the walk-ins' events. `None` for a day without tickets.
pub fn appointment_day(
    day: jiff::civil::Date,
    all: &Aggregate,
    appointments: &[TicketStats],
) -> Option<AppointmentDay> {
    if all.issued == 0 {
        return None;
    }
    let called: Vec<&TicketStats> =
        appointments.iter().filter(|t| t.priority == Priority::Appointment && t.first_wait_ms.is_some()).collect();
    let appts = all.priorities.get(Priority::Appointment.as_str()).copied().unwrap_or(0);
    let share = appts as f64 / all.issued as f64;
    Some(AppointmentDay {
        day,
        tickets: all.issued,
        appointments: appts,
        share,
        heavy: share >= APPOINTMENT_HEAVY_SHARE,
        walk_ins_called: all.called.saturating_sub(called.len() as u64),
        walk_in_wait_sum_ms: all.wait_sum_ms - called.iter().map(|t| t.wait_ms).sum::<i64>(),
    })
}

/// The appointment summary: `bookings` of the period, the period's appointment tickets (others are
/// left out), and its days (`appointment_days`).
pub fn appointment_summary(
    bookings: &[BookingFacts],
    tickets: &[TicketStats],
    days: &[AppointmentDay],
) -> AppointmentSummary {
    let mut s = AppointmentSummary { heavy_day_share: APPOINTMENT_HEAVY_SHARE, ..Default::default() };
    let mut lead = Vec::new();
    for b in bookings {
        if b.state == BookingState::Cancelled {
            s.cancelled += 1;
            continue;
        }
        s.booked += 1;
        match b.state {
            BookingState::CheckedIn => s.kept += 1,
            BookingState::Missed => s.missed += 1,
            _ => s.open += 1,
        }
        if b.late_ms.is_some() && b.checked_in_ms.is_none() {
            s.late += 1;
        }
        lead.push(b.start_ms - b.created_ms);
    }
    if !lead.is_empty() {
        s.lead_time_mean_h = Some(round1(lead.iter().sum::<i64>() as f64 / lead.len() as f64 / 3_600_000.0));
        s.lead_time_median_h = nearest_rank(&mut lead, 50).map(|x| round1(x as f64 / 3_600_000.0));
    }
    let mut late_by: Vec<i64> = tickets
        .iter()
        .filter(|t| t.priority == Priority::Appointment)
        .filter_map(|t| Some(t.first_called_at?.as_millisecond() - t.appointment_at?.as_millisecond()))
        .collect();
    s.called = late_by.len() as u64;
    if !late_by.is_empty() {
        let n = late_by.len() as f64;
        s.punctuality_mean_min = Some(round1(late_by.iter().sum::<i64>() as f64 / n / 60_000.0));
        let within = late_by.iter().filter(|&&ms| ms <= PUNCTUAL_WITHIN_MIN * 60_000).count();
        s.called_within_10_min = Some(within as f64 / n);
        s.punctuality_p90_min = nearest_rank(&mut late_by, 90).map(|x| round1(x as f64 / 60_000.0));
    }
    s.days = days.len() as u64;
    s.heavy_days = days.iter().filter(|d| d.heavy).count() as u64;
    let pooled = |heavy: bool| {
        let (n, sum) = days
            .iter()
            .filter(|d| d.heavy == heavy)
            .fold((0u64, 0i64), |(n, sum), d| (n + d.walk_ins_called, sum + d.walk_in_wait_sum_ms));
        (n > 0).then(|| secs(sum / n as i64))
    };
    s.walk_in_wait_mean_heavy_s = pooled(true);
    s.walk_in_wait_mean_other_s = pooled(false);
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::{DeskId, SiteId, StaffId};
    use crate::model::Ticket;

    fn at(s: i64) -> Timestamp {
        Timestamp::from_second(1_800_000_000 + s).unwrap()
    }

    fn issued(id: &str, service: &str, s: i64, party: u32) -> Event {
        let ticket = Ticket {
            id: TicketId::from(id),
            number: "A001".into(),
            seq: 1,
            day: at(s).to_zoned(jiff::tz::TimeZone::UTC).date(),
            site: SiteId::from("x"),
            service: ServiceId::from(service),
            status: Status::Waiting,
            priority: Priority::Standard,
            appointment_at: None,
            language: "it".into(),
            party_size: party,
            needs: vec![],
            issued_at: at(s),
            queued_at: at(s),
            desk: None,
            staff: None,
            target: None,
            called_at: None,
            held_at: None,
            recalls: 0,
            estimated_wait_s: None,
            target_wait_s: None,
            journey: vec![],
        };
        Event {
            at: at(s),
            site: SiteId::from("x"),
            actor: None,
            kind: EventKind::TicketIssued { ticket: Box::new(ticket) },
        }
    }

    fn ev(s: i64, kind: EventKind) -> Event {
        Event { at: at(s), site: SiteId::from("x"), actor: None, kind }
    }
    fn t(id: &str) -> TicketId {
        TicketId::from(id)
    }
    fn called(id: &str, s: i64) -> Event {
        ev(
            s,
            EventKind::TicketCalled {
                ticket: t(id),
                desk: DeskId::from("d1"),
                staff: StaffId::from("u"),
                out_of_order: false,
            },
        )
    }

    // Issue 12: figures per staff member use who did it (the `ticket.done` actor), not whoever held
    // the desk at the call; old events without an actor keep the last call's staff member.
    #[test]
    fn the_staff_member_who_finished_gets_the_ticket() {
        let done_by = |actor: Option<crate::model::ActorId>| {
            let mut ts = TicketStats::issued(&issued("a", "A", 0, 1)).unwrap();
            ts.apply(&called("a", 10));
            ts.apply(&ev(20, EventKind::TicketServing { ticket: t("a") }));
            let mut done = ev(50, EventKind::TicketDone { ticket: t("a") });
            done.actor = actor;
            ts.apply(&done);
            (ts.desk.map(|d| d.to_string()), ts.staff.map(|s| s.to_string()))
        };
        let v = Some(crate::model::ActorId::Staff(StaffId::from("v")));
        assert_eq!(done_by(v), (Some("d1".into()), Some("v".into())));
        assert_eq!(done_by(None), (Some("d1".into()), Some("u".into())));
    }

    /// A: waits 100 s, walks 20, served 300 (within target 120).
    /// B: waits 200, called, recalled, no-show.
    /// C: waits 50, serving 60, transferred (no keep) to `lavoro`, waits 400, walks 10, serving 100 → done.
    /// D: waits 30, called, serving 40, held 500, returned (keep) waits 70, called, walk 5, serving 20 → done.
    /// E: cancelled while waiting, never called.
    /// Issue 19: an undone finish or no-show (`ticket.reopened`) never happened for the figures:
    /// the time between the close and the undo stays in the state before it.
    #[test]
    fn an_undone_close_is_not_counted() {
        let reopened = |id: &str, at, status| {
            ev(at, EventKind::TicketReopened { ticket: t(id), desk: DeskId::from("d1"), status })
        };
        let log = vec![
            issued("A", "sociale", 0, 1),
            issued("B", "sociale", 0, 1),
            called("A", 100),
            ev(110, EventKind::TicketServing { ticket: t("A") }),
            ev(200, EventKind::TicketDone { ticket: t("A") }),
            reopened("A", 205, Status::Serving),
            ev(300, EventKind::TicketDone { ticket: t("A") }),
            called("B", 300),
            ev(320, EventKind::TicketNoShow { ticket: t("B") }),
            reopened("B", 325, Status::Called),
            ev(330, EventKind::TicketServing { ticket: t("B") }),
            ev(400, EventKind::TicketDone { ticket: t("B") }),
        ];
        let ts = tickets_from_events(&log);
        let by = |id: &str| ts.iter().find(|x| x.id.as_str() == id).unwrap().clone();
        let (a, b) = (by("A"), by("B"));
        assert_eq!((a.status, a.service_ms, a.walk_ms.clone()), (Status::Done, 190_000, vec![10_000]));
        assert_eq!(
            (b.status, b.wait_ms, b.service_ms, b.walk_ms.clone()),
            (Status::Done, 300_000, 70_000, vec![30_000])
        );
        let s = summarize(&ts, |_| 120);
        assert_eq!((s.issued, s.served, s.no_show), (2, 2, 0));
    }

    #[test]
    fn hand_computed_fixture() {
        let log = vec![
            issued("A", "sociale", 0, 1),
            issued("B", "sociale", 0, 2),
            issued("C", "sociale", 0, 1),
            issued("D", "sociale", 0, 3),
            issued("E", "sociale", 0, 1),
            called("D", 30),
            ev(40, EventKind::TicketServing { ticket: t("D") }),
            called("C", 50),
            ev(50, EventKind::TicketServing { ticket: t("C") }),
            ev(80, EventKind::TicketOnHold { ticket: t("D") }),
            called("A", 100),
            ev(110, EventKind::TicketCancelled { ticket: t("E") }),
            ev(
                110,
                EventKind::TicketTransferred {
                    ticket: t("C"),
                    from_service: ServiceId::from("sociale"),
                    service: ServiceId::from("lavoro"),
                    desk: None,
                    staff: None,
                    keep_position: false,
                },
            ),
            ev(120, EventKind::TicketServing { ticket: t("A") }),
            called("B", 200),
            ev(230, EventKind::TicketRecalled { ticket: t("B") }),
            ev(300, EventKind::TicketNoShow { ticket: t("B") }),
            ev(420, EventKind::TicketDone { ticket: t("A") }),
            called("C", 510),
            ev(520, EventKind::TicketServing { ticket: t("C") }),
            ev(580, EventKind::TicketReturned { ticket: t("D"), keep_position: true, target_desk: None }),
            called("D", 650),
            ev(655, EventKind::TicketServing { ticket: t("D") }),
            ev(620, EventKind::TicketDone { ticket: t("C") }),
            ev(675, EventKind::TicketDone { ticket: t("D") }),
        ];
        let ts = tickets_from_events(&log);
        let by = |id: &str| ts.iter().find(|x| x.id.as_str() == id).unwrap().clone();
        let c = by("C");
        assert_eq!(
            (c.wait_ms, c.first_wait_ms, c.service_ms, c.walk_ms.clone()),
            (450_000, Some(50_000), 160_000, vec![0, 10_000])
        );
        assert_eq!(c.services.len(), 2);
        let kind = |s: &ServiceId| Some(if s.as_str() == "lavoro" { "employment" } else { "social" });
        assert!(c.integrated(kind, "social", "employment"));
        assert!(!by("A").integrated(kind, "social", "employment"));
        let d = by("D");
        assert_eq!(
            (d.wait_ms, d.hold_ms, d.service_ms, d.walk_ms.clone()),
            (100_000, 500_000, 60_000, vec![10_000, 5_000])
        );
        assert!(d.held);
        let b = by("B");
        assert_eq!((b.wait_ms, b.recalls, b.status), (200_000, 1, Status::NoShow));
        let e = by("E");
        assert_eq!((e.first_wait_ms, e.status), (None, Status::Cancelled));

        let s = summarize(&ts, |_| 120);
        assert_eq!((s.issued, s.served, s.no_show, s.cancelled, s.open, s.on_hold), (5, 3, 1, 1, 0, 1));
        assert_eq!(s.people, 8);
        // Waits of called tickets: A 100, B 200, C 450, D 100 → sorted 100 100 200 450.
        assert_eq!(s.wait_mean_s, Some(212.5));
        assert_eq!(s.wait_p50_s, Some(100.0));
        assert_eq!(s.wait_p90_s, Some(450.0));
        assert_eq!(s.wait_max_s, Some(450.0));
        // Walks: A 20, C 0 and 10, D 10 and 5 → mean 9.
        assert_eq!(s.walk_mean_s, Some(9.0));
        // Service of done tickets: A 300, C 160, D 60 → mean 173.333 → 173.3.
        assert_eq!(s.service_mean_s, Some(173.3));
        assert_eq!(s.hold_mean_s, Some(500.0));
        // First waits: A 100, B 200, C 50, D 30; within 120: A, C, D.
        assert_eq!(s.service_level, Some(0.75));
        assert_eq!((s.transfers, s.recalls), (1, 1));
    }

    /// Issue 14: the estimate told at issue against the first wait (issue → first call).
    #[test]
    fn estimate_error_hand_computed() {
        let told = |id: &str, est: Option<u32>| {
            let mut e = issued(id, "sociale", 0, 1);
            if let EventKind::TicketIssued { ticket } = &mut e.kind {
                ticket.estimated_wait_s = est;
            }
            e
        };
        let log = vec![
            told("A", Some(60)),
            told("B", Some(300)),
            told("C", None),
            told("D", Some(30)),
            told("E", Some(10)),
            called("D", 30),
            called("A", 100),
            called("C", 150),
            called("B", 200),
            // B comes back and is called again: only the first wait counts.
            ev(210, EventKind::TicketReturned { ticket: t("B"), keep_position: true, target_desk: None }),
            called("B", 900),
            // E is never called: no error.
            ev(300, EventKind::TicketCancelled { ticket: t("E") }),
        ];
        let ts = tickets_from_events(&log);
        // A told 60, waited 100: −40; B told 300, waited 200: +100; C told nothing; D exact: 0.
        let s = summarize(&ts, |_| 120);
        assert_eq!(s.estimated, 3);
        assert_eq!(s.estimate_bias_s, Some(20.0));
        assert_eq!(s.estimate_mae_s, Some(46.7));
        assert_eq!(s.estimate_told_too_little, Some(1.0 / 3.0));
        let mut agg = Aggregate::default();
        for t in &ts {
            agg.add(t, 0, 0, false, false);
        }
        assert_eq!(agg.summary().estimate_bias_s, s.estimate_bias_s);
        assert_eq!(agg.summary().estimate_mae_s, s.estimate_mae_s);
        assert_eq!(agg.summary().estimate_told_too_little, s.estimate_told_too_little);
        let none = summarize(&ts[2..3], |_| 120);
        assert_eq!((none.estimated, none.estimate_bias_s, none.estimate_told_too_little), (0, None, None));
    }

    #[test]
    fn breakdown_by_local_hour_across_dst() {
        let rome = jiff::tz::TimeZone::get("Europe/Rome").unwrap();
        let mut log = Vec::new();
        // 2026-03-29T00:30Z is 01:30 CET, 01:30Z is 03:30 CEST (Sunday = 6).
        for (i, at) in ["2026-03-29T00:30:00Z", "2026-03-29T01:30:00Z", "2026-10-25T00:30:00Z", "2026-10-25T01:30:00Z"]
            .iter()
            .enumerate()
        {
            let mut e = issued(&format!("T{i}"), "sociale", 0, 1);
            e.at = at.parse().unwrap();
            if let EventKind::TicketIssued { ticket } = &mut e.kind {
                ticket.needs = vec!["group:migranti".into(), "mediator:ar".into()];
            }
            log.push(e);
        }
        log.push(ev(
            10,
            EventKind::TicketTransferred {
                ticket: t("T0"),
                from_service: ServiceId::from("sociale"),
                service: ServiceId::from("lavoro"),
                desk: None,
                staff: None,
                keep_position: true,
            },
        ));
        let b = breakdown(&tickets_from_events(&log), &rome);
        // 25 October: 00:30Z is 02:30 CEST, 01:30Z is 02:30 CET: the repeated hour.
        assert_eq!((b.arrivals_by_hour_of_week[6][1], b.arrivals_by_hour_of_week[6][3]), (1, 1));
        assert_eq!(b.arrivals_by_hour_of_week[6][2], 2);
        assert_eq!(b.arrivals_by_hour_of_week.iter().flatten().sum::<u64>(), 4);
        assert_eq!(b.needs["group:migranti"], 4);
        assert_eq!(b.languages["it"], 4);
        assert_eq!(b.transfers["sociale→lavoro"], 1);
        assert_eq!((suppress(0, 5), suppress(4, 5), suppress(5, 5)), (Some(0), None, Some(5)));
    }

    #[test]
    fn percentiles_nearest_rank() {
        let v: Vec<i64> = (1..=10).collect();
        assert_eq!((percentile(&v, 50), percentile(&v, 90), percentile(&v, 100), percentile(&v, 0)), (5, 9, 10, 1));
        assert_eq!(percentile(&[], 50), 0);
        assert_eq!(percentile(&[7], 90), 7);
        let empty = summarize(&[], |_| 0);
        assert_eq!((empty.issued, empty.service_level), (0, None));
        // An empty period: every time is null, not 0, both ways.
        for s in [empty, Aggregate::default().summary()] {
            let times = [s.wait_mean_s, s.wait_p50_s, s.wait_p90_s, s.wait_max_s, s.walk_mean_s, s.walk_p90_s];
            assert_eq!(times, [None; 6]);
            assert_eq!((s.service_mean_s, s.hold_mean_s, s.estimate_bias_s), (None, None, None));
        }
    }

    /// Issue 14: an integrated journey is served by both a social and an employment service; a
    /// ticket sent on from a queue it was never served in is not one. A hold in progress counts.
    #[test]
    fn integrated_means_served_by_both_and_a_hold_in_progress_counts() {
        let to_lavoro = |id: &str, at: i64| {
            ev(
                at,
                EventKind::TicketTransferred {
                    ticket: t(id),
                    from_service: ServiceId::from("sociale"),
                    service: ServiceId::from("lavoro"),
                    desk: None,
                    staff: None,
                    keep_position: false,
                },
            )
        };
        let log = vec![
            issued("A", "sociale", 0, 1),
            issued("B", "sociale", 0, 1),
            issued("H", "sociale", 0, 1),
            // A: served in sociale, transferred, served in lavoro.
            called("A", 10),
            ev(20, EventKind::TicketServing { ticket: t("A") }),
            to_lavoro("A", 30),
            called("A", 40),
            ev(50, EventKind::TicketServing { ticket: t("A") }),
            ev(60, EventKind::TicketDone { ticket: t("A") }),
            // B: re-routed by reception while waiting (called, never served in sociale).
            called("B", 10),
            to_lavoro("B", 15),
            called("B", 40),
            ev(50, EventKind::TicketServing { ticket: t("B") }),
            ev(60, EventKind::TicketDone { ticket: t("B") }),
            // H: parked at 100 s, still parked.
            called("H", 50),
            ev(60, EventKind::TicketServing { ticket: t("H") }),
            ev(100, EventKind::TicketOnHold { ticket: t("H") }),
        ];
        let ts = tickets_from_events(&log);
        let by = |id: &str| ts.iter().find(|x| x.id.as_str() == id).unwrap().clone();
        let kind = |s: &ServiceId| Some(if s.as_str() == "lavoro" { "employment" } else { "social" });
        assert!(by("A").integrated(kind, "social", "employment"));
        assert_eq!(by("B").services.len(), 2);
        assert!(!by("B").integrated(kind, "social", "employment"));
        // Per service: B waited 10 s in sociale (called, never served there) and 25 s in lavoro.
        let (bs, bl) =
            (by("B").in_service(&ServiceId::from("sociale")), by("B").in_service(&ServiceId::from("lavoro")));
        let (bs, bl) = (bs.unwrap(), bl.unwrap());
        assert_eq!((bs.wait_ms, bs.first_wait_ms, bs.sent_on, bs.service_ms), (10_000, Some(10_000), true, 0));
        assert_eq!((bl.wait_ms, bl.first_wait_ms, bl.sent_on, bl.status), (25_000, Some(25_000), false, Status::Done));
        assert_eq!((bl.service_ms, bl.walk_ms.clone()), (10_000, vec![10_000]));
        // A: served 10 s in sociale, then 10 s in lavoro; counted served in both.
        let (a_s, a_l) = (
            by("A").in_service(&ServiceId::from("sociale")).unwrap(),
            by("A").in_service(&ServiceId::from("lavoro")).unwrap(),
        );
        assert_eq!((a_s.status, a_s.sent_on, a_s.service_ms, a_l.service_ms), (Status::Done, false, 10_000, 10_000));
        assert!(by("H").in_service(&ServiceId::from("lavoro")).is_none());
        let mut per = Aggregate::default();
        for v in [bs, bl, a_s, a_l] {
            per.add(&v, 0, 0, false, false);
        }
        let s = per.summary();
        assert_eq!((s.issued, s.served, s.sent_on, s.open, s.service_mean_s), (4, 3, 1, 0, Some(10.0)));
        let mut h = by("H");
        assert_eq!((h.held, h.hold_ms), (true, 0));
        h.hold_until(at(400));
        assert_eq!(h.hold_ms, 300_000);
        // Reading twice does not count twice.
        h.hold_until(at(400));
        assert_eq!(h.hold_ms, 300_000);
        let mut agg = Aggregate::default();
        agg.add(&h, 0, 0, false, false);
        assert_eq!((agg.summary().on_hold, agg.summary().hold_mean_s), (1, Some(300.0)));
    }

    /// Aggregates give exactly `summarize`'s and `breakdown`'s figures, however the tickets are
    /// split into days and merged back (random lives: served, no-show, cancelled, held, transferred).
    #[test]
    fn aggregates_add_up_to_the_exact_figures() {
        use rand::{Rng, SeedableRng};
        let mut log = Vec::new();
        let mut rng = rand::rngs::StdRng::seed_from_u64(0x2545_f491_4f6c_dd1d);
        let mut r = |n: u64| rng.random_range(0..n);
        for i in 0..400i64 {
            let id = format!("T{i}");
            let start = i * 600 + r(30) as i64;
            let mut e = issued(&id, ["sociale", "lavoro", "legale"][r(3) as usize], start, 1 + r(4) as u32);
            if let EventKind::TicketIssued { ticket } = &mut e.kind {
                ticket.language = ["it", "ar", "uk"][r(3) as usize].into();
                ticket.needs = if r(3) == 0 { vec!["group:migranti".into()] } else { vec![] };
                ticket.estimated_wait_s = if r(4) == 0 { None } else { Some(r(5000) as u32) };
            }
            log.push(e);
            let mut at = start + r(5000) as i64;
            match r(11) {
                0 => log.push(ev(at, EventKind::TicketCancelled { ticket: t(&id) })),
                10 => log.push(ev(at, EventKind::TicketExpired { ticket: t(&id) })),
                1 => {
                    log.push(called(&id, at));
                    log.push(ev(at + 90, EventKind::TicketNoShow { ticket: t(&id) }));
                }
                k => {
                    log.push(called(&id, at));
                    at += r(120) as i64 + (r(1000) as i64) / 1000;
                    log.push(ev(at, EventKind::TicketServing { ticket: t(&id) }));
                    if k == 2 {
                        at += 60;
                        log.push(ev(at, EventKind::TicketOnHold { ticket: t(&id) }));
                        at += r(900) as i64;
                        log.push(ev(
                            at,
                            EventKind::TicketReturned { ticket: t(&id), keep_position: true, target_desk: None },
                        ));
                        at += r(300) as i64;
                        log.push(called(&id, at));
                        at += 7;
                        log.push(ev(at, EventKind::TicketServing { ticket: t(&id) }));
                    }
                    if k == 3 {
                        at += 30;
                        log.push(ev(
                            at,
                            EventKind::TicketTransferred {
                                ticket: t(&id),
                                from_service: ServiceId::from("sociale"),
                                service: ServiceId::from("lavoro"),
                                desk: None,
                                staff: None,
                                keep_position: r(2) == 0,
                            },
                        ));
                        at += r(2000) as i64;
                        log.push(called(&id, at));
                        at += 11;
                        log.push(ev(at, EventKind::TicketServing { ticket: t(&id) }));
                    }
                    if k != 4 {
                        log.push(ev(at + r(1500) as i64, EventKind::TicketDone { ticket: t(&id) }));
                    }
                }
            }
        }
        log.sort_by_key(|e| e.at);
        let tickets = tickets_from_events(&log);
        let target = |s: &ServiceId| if s.as_str() == "lavoro" { 600 } else { 1200 };
        let kind = |s: &ServiceId| match s.as_str() {
            "sociale" => Some("social"),
            "lavoro" => Some("employment"),
            _ => None,
        };
        let mut exact = summarize(&tickets, target);
        exact.integrated_journeys =
            tickets.iter().filter(|t| t.integrated(kind, "social", "employment")).count() as u64;
        let tz = jiff::tz::TimeZone::UTC;
        let mut days: std::collections::BTreeMap<jiff::civil::Date, Aggregate> = Default::default();
        for t in &tickets {
            let local = t.issued_at.to_zoned(tz.clone());
            let within = t.first_wait_ms.is_some_and(|w| w <= i64::from(target(&t.service)) * 1000);
            days.entry(local.date()).or_default().add(
                t,
                local.weekday().to_monday_zero_offset() as usize,
                local.hour() as usize,
                within,
                t.integrated(kind, "social", "employment"),
            );
        }
        assert!(days.len() > 1, "the tickets span several days");
        let mut all = Aggregate::default();
        for d in days.values() {
            let json = serde_json::to_string(d).unwrap();
            all.merge(&serde_json::from_str(&json).unwrap());
        }
        assert_eq!(all.summary(), exact);
        assert_eq!(all.breakdown(), breakdown(&tickets, &tz));
        assert!(
            exact.served > 100
                && exact.no_show > 10
                && exact.on_hold > 10
                && exact.transfers > 10
                && exact.expired > 10,
            "{exact:?}"
        );
    }

    /// A ticket left waiting for years spreads its wait over the hours quickly and completely.
    #[test]
    fn long_waits_spread_over_the_hours_of_the_day() {
        let tz = jiff::tz::TimeZone::get("Europe/Rome").unwrap();
        let years = 3651 * 86_400;
        let log = vec![issued("L", "sociale", 0, 1), called("L", years)];
        let ts = tickets_from_events(&log);
        let mut agg = Aggregate::default();
        let started = std::time::Instant::now();
        agg.add_in(&ts[0], 0, 0, false, false, Some(&tz));
        assert!(started.elapsed() < std::time::Duration::from_secs(5), "{:?}", started.elapsed());
        assert_eq!(agg.waiting_ms_by_hour.iter().sum::<i64>(), years * 1000);
    }

    /// An appointment ticket booked for `booked` (seconds), issued at `s`.
    fn appt_issued(id: &str, s: i64, booked: i64) -> Event {
        let mut e = issued(id, "A", s, 1);
        if let EventKind::TicketIssued { ticket } = &mut e.kind {
            ticket.priority = Priority::Appointment;
            ticket.appointment_at = Some(at(booked));
        }
        e
    }

    /// A ticket issued at `s` and, when `call` is given, called then.
    fn folded(e: Event, id: &str, call: Option<i64>) -> TicketStats {
        let mut ts = TicketStats::issued(&e).unwrap();
        if let Some(c) = call {
            ts.apply(&called(id, c));
        }
        ts
    }

    fn booking(state: BookingState, lead_h: i64, late: bool) -> BookingFacts {
        let checked_in = (state == BookingState::CheckedIn).then_some(lead_h * 3_600_000);
        BookingFacts {
            state,
            created_ms: 0,
            start_ms: lead_h * 3_600_000,
            checked_in_ms: checked_in,
            late_ms: late.then_some(lead_h * 3_600_000 + 1_200_000),
        }
    }

    // Issue 16: booking outcomes, lead time, punctuality (early calls negative) and walk-in waits on
    // appointment-heavy days, figures computed by hand.
    #[test]
    fn appointment_figures_by_hand() {
        use BookingState::*;
        let bookings = [
            booking(CheckedIn, 48, false),
            booking(Missed, 24, true),
            booking(Missed, 2, false),
            booking(Cancelled, 100, false),
            booking(Booked, 10, false),
        ];
        const MIN: i64 = 60;
        const DAY: i64 = 86_400;
        let tickets = vec![
            // Day 1: 1 appointment of 4 tickets (25 %: heavy, the edge included); walk-ins wait 60 s
            // and 120 s, one never called. Booked at 1000 s, called 5 min early.
            folded(appt_issued("p1", 0, 1000), "p1", Some(1000 - 5 * MIN)),
            folded(issued("w1", "A", 0, 1), "w1", Some(60)),
            folded(issued("w2", "A", 0, 1), "w2", Some(120)),
            folded(issued("w3", "A", 0, 1), "w3", None),
            // Day 2: 1 appointment of 5 (20 %); walk-ins wait 10, 20, 30, 40 s. Appointments called
            // 3, 12 and 30 min after their booked time; one never called.
            folded(appt_issued("p2", DAY, DAY + 600), "p2", Some(DAY + 600 + 3 * MIN)),
            folded(issued("w4", "A", DAY, 1), "w4", Some(DAY + 10)),
            folded(issued("w5", "A", DAY, 1), "w5", Some(DAY + 20)),
            folded(issued("w6", "A", DAY, 1), "w6", Some(DAY + 30)),
            folded(issued("w7", "A", DAY, 1), "w7", Some(DAY + 40)),
        ];
        // Two more appointment tickets on a third day (100 %): called 12 and 30 min late, one uncalled.
        let mut all = tickets.clone();
        all.push(folded(appt_issued("p3", 2 * DAY, 2 * DAY), "p3", Some(2 * DAY + 12 * MIN)));
        all.push(folded(appt_issued("p4", 2 * DAY, 2 * DAY + 60), "p4", Some(2 * DAY + 60 + 30 * MIN)));
        all.push(folded(appt_issued("p5", 2 * DAY, 2 * DAY + 60), "p5", None));
        let days = appointment_days(&all, &jiff::tz::TimeZone::UTC);
        // The server's path (each day's aggregate and its appointment tickets) gives the same days.
        let from_aggregates: Vec<AppointmentDay> = days
            .iter()
            .filter_map(|d| {
                let of_day: Vec<TicketStats> = all
                    .iter()
                    .filter(|t| t.issued_at.to_zoned(jiff::tz::TimeZone::UTC).date() == d.day)
                    .cloned()
                    .collect();
                let mut agg = Aggregate::default();
                for t in &of_day {
                    agg.add(t, 0, 0, false, false);
                }
                appointment_day(d.day, &agg, &of_day)
            })
            .collect();
        assert_eq!(from_aggregates, days);
        assert_eq!(appointment_day(days[0].day, &Aggregate::default(), &[]), None);
        let shape: Vec<_> =
            days.iter().map(|d| (d.tickets, d.appointments, d.heavy, d.walk_in_wait_mean_s())).collect();
        assert_eq!(shape, [(4, 1, true, Some(90.0)), (5, 1, false, Some(25.0)), (3, 3, true, None)]);
        let s = appointment_summary(&bookings, &all, &days);
        assert_eq!(
            s,
            AppointmentSummary {
                booked: 4,
                kept: 1,
                late: 1,
                missed: 2,
                cancelled: 1,
                open: 1,
                // Lead times 48, 24, 2, 10 h: mean 21, nearest-rank median the 2nd of 2, 10, 24, 48.
                lead_time_mean_h: Some(21.0),
                lead_time_median_h: Some(10.0),
                // −5, 3, 12, 30 min: mean 10, p90 the 4th, two of four within 10 min.
                called: 4,
                punctuality_mean_min: Some(10.0),
                punctuality_p90_min: Some(30.0),
                called_within_10_min: Some(0.5),
                heavy_day_share: 0.25,
                days: 3,
                heavy_days: 2,
                // Heavy days: only day 1 has walk-ins (60 + 120) / 2; other days: day 2.
                walk_in_wait_mean_heavy_s: Some(90.0),
                walk_in_wait_mean_other_s: Some(25.0),
            }
        );
    }

    #[test]
    fn appointment_figures_with_no_bookings_and_all_missed() {
        let none = appointment_summary(&[], &[], &[]);
        assert_eq!(none, AppointmentSummary { heavy_day_share: APPOINTMENT_HEAVY_SHARE, ..Default::default() });
        assert_eq!(
            (none.lead_time_mean_h, none.punctuality_mean_min, none.walk_in_wait_mean_heavy_s),
            (None, None, None)
        );
        let missed = [booking(BookingState::Missed, 3, false), booking(BookingState::Missed, 5, true)];
        // Their tickets were never called (or never issued): no punctuality.
        let uncalled = [folded(appt_issued("p", 0, 0), "p", None)];
        let s = appointment_summary(&missed, &uncalled, &appointment_days(&uncalled, &jiff::tz::TimeZone::UTC));
        assert_eq!((s.booked, s.kept, s.missed, s.late, s.open, s.cancelled), (2, 0, 2, 1, 0, 0));
        assert_eq!((s.lead_time_mean_h, s.lead_time_median_h), (Some(4.0), Some(3.0)));
        assert_eq!((s.called, s.punctuality_mean_min, s.called_within_10_min), (0, None, None));
        assert_eq!((s.days, s.heavy_days, s.walk_in_wait_mean_heavy_s), (1, 1, None));
    }

    /// Early calls count negative in the mean and on time in the share; exactly 10 min late is on time.
    #[test]
    fn early_appointment_calls_are_negative_and_on_time() {
        let ts = [
            folded(appt_issued("a", 0, 3600), "a", Some(3600 - 20 * 60)),
            folded(appt_issued("b", 0, 3600), "b", Some(3600 + 10 * 60)),
            folded(appt_issued("c", 0, 3600), "c", Some(3600 + 10 * 60 + 1)),
        ];
        let s = appointment_summary(&[], &ts, &[]);
        // (−20 + 10 + 10.0167) / 3 = 0.0056 min → 0.0.
        assert_eq!((s.called, s.punctuality_mean_min, s.punctuality_p90_min), (3, Some(0.0), Some(10.0)));
        assert_eq!(s.called_within_10_min, Some(2.0 / 3.0));
    }

    fn counted(tickets: u64) -> FunderFigures {
        FunderFigures { tickets: Some(tickets), ..Default::default() }
    }

    /// The funder rule of one report: a family of six is not a cell of six, few waits hide the waits.
    #[test]
    fn funder_figures_hide_small_cells_and_small_households() {
        let mut agg = Aggregate::default();
        for (i, party) in [6u32, 1, 1].iter().enumerate() {
            let mut t = TicketStats::issued(&issued(&format!("t{i}"), "anagrafe", i as i64, *party)).unwrap();
            t.needs = vec!["group:families".into()];
            t.first_wait_ms = Some(60_000);
            t.wait_ms = 60_000;
            agg.add(&t, 0, 9, true, false);
        }
        let f = FunderFigures::of(&agg, 5);
        assert_eq!((f.tickets, f.people, f.integrated_journeys), (None, None, Some(0)));
        assert_eq!(f.people_by_group.get("families"), Some(&None), "8 people, but 3 households");
        assert_eq!((f.wait_mean_s, f.wait_p90_s), (None, None), "3 called");
        let f = FunderFigures::of(&agg, 3);
        assert_eq!((f.tickets, f.people), (Some(3), Some(8)));
        assert_eq!(f.people_by_group.get("families"), Some(&Some(8)));
        assert_eq!(f.wait_mean_s, Some(60.0));
    }

    /// Secondary suppression: an area of 11 whose one site has 3 does not show the other 8.
    #[test]
    fn a_suppressed_part_cannot_be_subtracted_out_of_its_total() {
        // 0 region, 1 area (sites 2, 3), 4 a site in no area.
        let truth = [counted(20), counted(11), counted(8), counted(3), counted(9)];
        let mut shown: Vec<FunderFigures> =
            truth.iter().map(|f| FunderFigures { tickets: suppress(f.tickets.unwrap(), 5), ..f.clone() }).collect();
        protect_sums(&mut shown, &truth, &[(1, vec![2, 3]), (0, vec![1, 4])]);
        let t: Vec<_> = shown.iter().map(|f| f.tickets).collect();
        assert_eq!(t, [Some(20), Some(11), None, None, Some(9)], "the smallest shown part goes with it");

        // The area itself is under the threshold: the region's other part goes with it.
        let truth = [counted(12), counted(3), counted(0), counted(3), counted(9)];
        let mut shown: Vec<FunderFigures> =
            truth.iter().map(|f| FunderFigures { tickets: suppress(f.tickets.unwrap(), 5), ..f.clone() }).collect();
        protect_sums(&mut shown, &truth, &[(1, vec![2, 3]), (0, vec![1, 4])]);
        let t: Vec<_> = shown.iter().map(|f| f.tickets).collect();
        assert_eq!(t, [Some(12), None, Some(0), None, None], "12 − 9 would give the area's 3 away");

        // A total whose one hidden part has no shown nonzero sibling goes itself.
        let truth = [counted(7), counted(0)];
        let mut shown = vec![counted(7), FunderFigures { tickets: None, ..counted(0) }];
        protect_sums(&mut shown, &truth, &[(0, vec![1])]);
        assert_eq!(shown[0].tickets, None);
    }

    proptest::proptest! {
        /// Whatever the counts: in every group whose total is shown, no part is the only one hidden.
        #[test]
        fn no_group_shows_its_total_with_one_part_hidden(
            sites in proptest::collection::vec(0u64..15, 1..8),
            split in 0usize..8,
            min in 1u32..8,
        ) {
            let split = split.min(sites.len());
            let area: u64 = sites[..split].iter().sum();
            let region: u64 = sites.iter().sum();
            let mut truth = vec![counted(region), counted(area)];
            truth.extend(sites.iter().map(|&n| counted(n)));
            let groups = vec![(1, (2..2 + split).collect::<Vec<_>>()), (0, std::iter::once(1).chain(2 + split..2 + sites.len()).collect())];
            let mut shown: Vec<FunderFigures> =
                truth.iter().map(|f| FunderFigures { tickets: suppress(f.tickets.unwrap(), min), ..f.clone() }).collect();
            protect_sums(&mut shown, &truth, &groups);
            for (i, f) in shown.iter().enumerate() {
                // Suppression only hides: a shown count is the true one, and small ones stay hidden.
                if let Some(n) = f.tickets {
                    proptest::prop_assert_eq!(Some(n), truth[i].tickets);
                    proptest::prop_assert!(n == 0 || n >= u64::from(min));
                }
            }
            for (total, parts) in &groups {
                if shown[*total].tickets.is_some() {
                    let hidden = parts.iter().filter(|&&p| shown[p].tickets.is_none()).count();
                    proptest::prop_assert!(hidden != 1, "group {total}: one part hidden under a shown total");
                }
            }
        }
    }
}
