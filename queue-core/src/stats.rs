//! Statistics maths, pure: what one ticket's events say (wait, walk, service, hold, transfers)
//! and the summary over many tickets (counts, mean, percentiles, service level).
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

use crate::event::{Event, EventKind};
use crate::ids::{ServiceId, TicketId};
use crate::model::{Priority, Status};
use jiff::Timestamp;

/// What one ticket's events say. Durations in milliseconds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TicketStats {
    pub id: TicketId,
    pub service: ServiceId,
    /// Every service the ticket went through, in order, the first included.
    pub services: Vec<ServiceId>,
    pub issued_at: Timestamp,
    pub party_size: u32,
    pub priority: Priority,
    pub language: String,
    pub needs: Vec<String>,
    pub status: Status,
    pub first_wait_ms: Option<i64>,
    pub wait_ms: i64,
    pub walk_ms: Vec<i64>,
    pub service_ms: i64,
    pub hold_ms: i64,
    pub held: bool,
    pub transfers: u32,
    pub recalls: u32,
    since: Timestamp,
}

impl TicketStats {
    /// Start from the `ticket.issued` event; `None` for any other event.
    pub fn issued(e: &Event) -> Option<TicketStats> {
        let EventKind::TicketIssued { ticket } = &e.kind else { return None };
        Some(TicketStats {
            id: ticket.id.clone(),
            service: ticket.service.clone(),
            services: vec![ticket.service.clone()],
            issued_at: e.at,
            party_size: ticket.party_size.max(1),
            priority: ticket.priority,
            language: ticket.language.clone(),
            needs: ticket.needs.clone(),
            status: Status::Waiting,
            first_wait_ms: None,
            wait_ms: 0,
            walk_ms: Vec::new(),
            service_ms: 0,
            hold_ms: 0,
            held: false,
            transfers: 0,
            recalls: 0,
            since: e.at,
        })
    }

    /// Fold one later event of this ticket.
    pub fn apply(&mut self, e: &Event) {
        let spent = (e.at.as_millisecond() - self.since.as_millisecond()).max(0);
        let next = match &e.kind {
            EventKind::TicketCalled { .. } => Some(Status::Called),
            EventKind::TicketRecalled { .. } => {
                self.recalls += 1;
                None
            }
            EventKind::TicketServing { .. } => Some(Status::Serving),
            EventKind::TicketDone { .. } => Some(Status::Done),
            EventKind::TicketNoShow { .. } => Some(Status::NoShow),
            EventKind::TicketCancelled { .. } => Some(Status::Cancelled),
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
            Status::Waiting => self.wait_ms += spent,
            Status::Serving => self.service_ms += spent,
            Status::OnHold => self.hold_ms += spent,
            Status::Called if next == Status::Serving => self.walk_ms.push(spent),
            _ => {}
        }
        if next == Status::Called && self.first_wait_ms.is_none() {
            self.first_wait_ms = Some(self.wait_ms);
        }
        if next == Status::OnHold {
            self.held = true;
        }
        self.status = next;
        self.since = e.at;
    }

    /// An integrated journey: the visit went through a service of kind `a` and one of kind `b`
    /// (the One Stop Shop's reason to exist: social and employment).
    pub fn integrated(&self, kind_of: impl Fn(&ServiceId) -> Option<&'static str>, a: &str, b: &str) -> bool {
        let kinds: Vec<_> = self.services.iter().filter_map(kind_of).collect();
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
pub fn percentile(sorted: &[i64], p: u32) -> i64 {
    if sorted.is_empty() {
        return 0;
    }
    let rank = (u64::from(p) * sorted.len() as u64).div_ceil(100).max(1) as usize;
    sorted[rank.min(sorted.len()) - 1]
}

/// The summary figures over a set of tickets. Times in whole seconds (rounded down from the mean
/// of milliseconds).
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Summary {
    pub issued: u64,
    pub served: u64,
    pub no_show: u64,
    pub cancelled: u64,
    /// Tickets still open (waiting, called, serving or on hold) at the end of the log.
    pub open: u64,
    /// Tickets put on hold at least once.
    pub on_hold: u64,
    /// People: the sum of party sizes of the tickets issued.
    pub people: u64,
    pub wait_mean_s: f64,
    pub wait_p50_s: f64,
    pub wait_p90_s: f64,
    pub wait_max_s: f64,
    pub walk_mean_s: f64,
    pub walk_p90_s: f64,
    pub service_mean_s: f64,
    pub hold_mean_s: f64,
    /// Share of called tickets whose first wait was within the target; null when none was called.
    pub service_level: Option<f64>,
    pub transfers: u64,
    pub recalls: u64,
    /// Visits that went through both a social and an employment service.
    pub integrated_journeys: u64,
}

fn secs(ms: i64) -> f64 {
    (ms as f64 / 1000.0 * 10.0).round() / 10.0
}

fn mean(v: &[i64]) -> f64 {
    if v.is_empty() { 0.0 } else { secs(v.iter().sum::<i64>() / v.len() as i64) }
}

/// Summarize tickets; `target_s` gives the target wait of a service.
pub fn summarize<'a>(
    tickets: impl IntoIterator<Item = &'a TicketStats>,
    target_s: impl Fn(&ServiceId) -> u32,
) -> Summary {
    let mut s = Summary::default();
    let (mut waits, mut walks, mut services, mut holds) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let (mut called, mut within) = (0u64, 0u64);
    for t in tickets {
        s.issued += 1;
        s.people += u64::from(t.party_size);
        match t.status {
            Status::Done => s.served += 1,
            Status::NoShow => s.no_show += 1,
            Status::Cancelled => s.cancelled += 1,
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
    s.wait_mean_s = mean(&waits);
    s.wait_p50_s = secs(percentile(&waits, 50));
    s.wait_p90_s = secs(percentile(&waits, 90));
    s.wait_max_s = secs(waits.last().copied().unwrap_or(0));
    s.walk_mean_s = mean(&walks);
    s.walk_p90_s = secs(percentile(&walks, 90));
    s.service_mean_s = mean(&services);
    s.hold_mean_s = mean(&holds);
    s.service_level = (called > 0).then(|| within as f64 / called as f64);
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

/// A cell of a funder report: `None` (suppressed) when below `min` but not zero, so no
/// individual can be picked out.
pub fn suppress(n: u64, min: u32) -> Option<u64> {
    (n == 0 || n >= u64::from(min)).then_some(n)
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
            recalls: 0,
            estimated_wait_s: 0,
            journey: vec![],
        };
        Event { at: at(s), site: SiteId::from("x"), kind: EventKind::TicketIssued { ticket: Box::new(ticket) } }
    }

    fn ev(s: i64, kind: EventKind) -> Event {
        Event { at: at(s), site: SiteId::from("x"), kind }
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

    /// A: waits 100 s, walks 20, served 300 (within target 120).
    /// B: waits 200, called, recalled, no-show.
    /// C: waits 50, serving 60, transferred (no keep) to `lavoro`, waits 400, walks 10, serving 100 → done.
    /// D: waits 30, called, serving 40, held 500, returned (keep) waits 70, called, walk 5, serving 20 → done.
    /// E: cancelled while waiting, never called.
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
        assert_eq!(s.wait_mean_s, 212.5);
        assert_eq!(s.wait_p50_s, 100.0);
        assert_eq!(s.wait_p90_s, 450.0);
        assert_eq!(s.wait_max_s, 450.0);
        // Walks: A 20, C 0 and 10, D 10 and 5 → mean 9.
        assert_eq!(s.walk_mean_s, 9.0);
        // Service of done tickets: A 300, C 160, D 60 → mean 173.333 → 173.3.
        assert_eq!(s.service_mean_s, 173.3);
        assert_eq!(s.hold_mean_s, 500.0);
        // First waits: A 100, B 200, C 50, D 30; within 120: A, C, D.
        assert_eq!(s.service_level, Some(0.75));
        assert_eq!((s.transfers, s.recalls), (1, 1));
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
    }
}
