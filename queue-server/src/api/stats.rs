//! Statistics routes (manager role): the summary and CSV export. The maths is in
//! `queue_core::stats`, the reads in `db::stats`; these handlers parse, authorize and answer.

use super::{ApiQuery, check_id};
use crate::auth::{Identity, Role};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use queue_core::stats::{
    Aggregate, AppointmentDay, AppointmentSummary, Breakdown, Summary, TicketStats, appointment_day,
    appointment_summary,
};
use queue_core::{ServiceId, SiteId};
use serde::Deserialize;
use std::collections::BTreeMap;

/// Filters shared by the statistics routes.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StatsQuery {
    /// Site id.
    pub site: String,
    /// Only tickets issued for this service.
    pub service: Option<String>,
    /// Site-local date (`2026-03-29`, from the start of that day), RFC 3339 time
    /// (`2026-03-29T08:30:00+02:00`), or a time without an offset (`2026-03-29T08:30:00`), read in
    /// the site's time zone. Default: today.
    pub from: Option<String>,
    /// Site-local date (inclusive: to the end of that day), RFC 3339 time or time without an offset
    /// (site's time zone; exclusive). Default: end of today.
    pub to: Option<String>,
}

/// CSV export: `table` is `summary`, `services`, `days`, `tickets`, `arrivals`, `mix`, `staff`, `queue`,
/// `estimates`, `appointments` or `appointment_days`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExportQuery {
    /// `summary` (one row), `services` (a row per service of the site), `days` (a row per
    /// site-local day, at most 62 days), `tickets` (one row per ticket, at most 31 days), `arrivals` (weekday
    /// 1 = Monday, hour, tickets), `mix` (language, priority, need and transfer counts), `staff`
    /// (per desk and staff member), `queue` (mean people waiting per hour of the day) or `estimates`
    /// (the estimated wait's signed bias, MAE and share told too little per day and service, at
    /// most 31 days), `appointments` (the appointment figures, a row for the whole site, `*`, then
    /// one per service) or `appointment_days` (per site-local day with tickets: its tickets,
    /// appointment tickets, their share, whether it was appointment-heavy, walk-ins called and
    /// their mean wait). The `summary` table ends with the appointment figures, `appointments_…`.
    pub table: String,
    pub site: String,
    pub service: Option<String>,
    /// As for the summary: a site-local date, an RFC 3339 time, or a time without an offset (site's time zone).
    pub from: Option<String>,
    pub to: Option<String>,
    /// `comma` (the default: `,` between fields, `.` in numbers) or `semicolon` (`;` between fields
    /// and a decimal comma, `3,5`: what Excel in Italian expects).
    pub separator: Option<String>,
    /// `true`: begin with a UTF-8 byte-order mark, so Excel reads accents and Arabic right.
    pub bom: Option<bool>,
}

/// A bound of the window: a date means the site-local start of that day (`end`: of the next day);
/// a time with an offset is that instant; a time without one is read in the site's time zone (in
/// the hour skipped when clocks go forward, as the hour after; in the repeated hour, the first).
pub fn parse_bound(s: &str, tz: &TimeZone, end: bool) -> Result<Timestamp, String> {
    if let Ok(t) = s.parse::<Timestamp>() {
        return Ok(t);
    }
    let bad = || {
        format!(
            "'{}' is neither a date (YYYY-MM-DD) nor a time (YYYY-MM-DDTHH:MM:SS, with an offset or in the \
             site's time zone)",
            super::excerpt(s, 40)
        )
    };
    // A date parser would take `2026-12-01T08:33:00` as the whole day: a time is read as a time.
    if s.len() > 10 {
        let local: jiff::civil::DateTime = s.parse().map_err(|_| bad())?;
        return local.to_zoned(tz.clone()).map(|z| z.timestamp()).map_err(|e| e.to_string());
    }
    let d: Date = s.parse().map_err(|_| bad())?;
    let d = if end { d.tomorrow().map_err(|e| e.to_string())? } else { d };
    d.to_zoned(tz.clone()).map(|z| z.timestamp()).map_err(|e| e.to_string())
}

pub(crate) struct Selection {
    pub(crate) agg: Aggregate,
    pub(crate) summary: Summary,
    site: SiteId,
    service: Option<ServiceId>,
    from: Timestamp,
    to: Timestamp,
    /// The aggregates of the whole days in the period read from the roll-ups with no ticket left
    /// open (the parts of `agg`), for the per-day tables.
    rolled: std::collections::BTreeMap<Date, Aggregate>,
}

/// Run a statistics computation (reads and maths, which can take a while over a long period) on the
/// blocking pool, never on the async threads.
pub(crate) async fn blocking<T: Send + 'static>(
    state: &AppState,
    f: impl FnOnce(&AppState) -> ApiResult<T> + Send + 'static,
) -> ApiResult<T> {
    let state = state.clone();
    crate::db::blocking(move || f(&state)).await
}

/// Longest period the per-ticket CSV table covers.
const TICKET_TABLE_DAYS: i64 = 31;

pub(crate) fn select(
    state: &AppState,
    id: &Identity,
    site: &str,
    service: Option<&str>,
    from: Option<&str>,
    to: Option<&str>,
) -> ApiResult<Selection> {
    id.staff(Role::Manager)?;
    check_id("site", site)?;
    // An empty field (a form left blank) means "not given".
    let (service, from, to) =
        (service.filter(|s| !s.is_empty()), from.filter(|s| !s.is_empty()), to.filter(|s| !s.is_empty()));
    let site_id = SiteId::from(site);
    let cfg_site = state.cfg.site(&site_id).ok_or_else(|| ApiError::not_found(format!("no site '{site}'")))?;
    id.staff_at(&site_id, Role::Manager)?;
    let service = match service {
        Some(s) => {
            check_id("service", s)?;
            let s = ServiceId::from(s);
            if !cfg_site.services.iter().any(|x| x.id == s) {
                return Err(ApiError::not_found(format!("no service '{s}' at '{site}'")));
            }
            Some(s)
        }
        None => None,
    };
    let tz = &cfg_site.time_zone;
    let today = state.now().to_zoned(tz.clone()).date().to_string();
    let from = parse_bound(from.unwrap_or(&today), tz, false).map_err(ApiError::bad_request)?;
    let to = parse_bound(to.unwrap_or(&today), tz, true).map_err(ApiError::bad_request)?;
    if to < from {
        return Err(ApiError::bad_request("'to' is before 'from'"));
    }
    // Whole site-local days inside the period come from the roll-ups where there are some; the rest
    // (today, partial days at the edges, days not rolled up yet, tickets still open) from events.
    let start =
        |d: Date| d.to_zoned(tz.clone()).map(|z| z.timestamp()).map_err(|e| ApiError::bad_request(e.to_string()));
    let first = from.to_zoned(tz.clone()).date();
    let first = if start(first)? == from {
        first
    } else {
        first.tomorrow().map_err(|e| ApiError::bad_request(e.to_string()))?
    };
    let end = to.to_zoned(tz.clone()).date();
    // A service's figures count every ticket that waited in its queue, with its time there.
    let now = state.now();
    let add = |agg: &mut Aggregate, ts: Vec<TicketStats>| {
        for mut t in ts {
            t.hold_until(now);
            match &service {
                None => crate::rollup::add_ticket(cfg_site, agg, &t),
                Some(s) => {
                    if let Some(v) = t.in_service(s) {
                        crate::rollup::add_ticket(cfg_site, agg, &v);
                    }
                }
            }
        }
    };
    let agg = state.db.with(|c| {
        let rolled = if first < end {
            crate::db::stats::rolled_days(c, &site_id, first, end, service.as_ref())?
        } else {
            crate::db::stats::Rolled {
                days: Default::default(),
                with_open: Default::default(),
                sum: Aggregate::default(),
                per_day: Default::default(),
            }
        };
        let mut agg = rolled.sum;
        let mut cur = from;
        let mut ranges = Vec::new();
        for d in &rolled.days {
            let (Ok(s), Ok(e)) = (start(*d), d.tomorrow().map_err(|_| ()).and_then(|t| start(t).map_err(|_| ())))
            else {
                continue;
            };
            if s > cur {
                ranges.push((cur, s));
            }
            cur = cur.max(e);
        }
        if cur < to {
            ranges.push((cur, to));
        }
        for (a, b) in ranges {
            add(&mut agg, crate::db::stats::tickets(c, &site_id, a, b)?);
        }
        for d in &rolled.with_open {
            add(&mut agg, crate::db::stats::open_tickets_of_day(c, &site_id, *d)?);
        }
        let mut per_day = rolled.per_day;
        per_day.retain(|d, _| !rolled.with_open.contains(d));
        Ok::<_, ApiError>((agg, per_day))
    })?;
    let (agg, rolled) = agg;
    let summary = agg.summary();
    Ok(Selection { agg, summary, site: site_id, service, from, to, rolled })
}

/// Every ticket of a selection, from the events (the per-ticket CSV table; at most 31 days); with a
/// service, every ticket that waited in its queue.
fn tickets_of(state: &AppState, sel: &Selection) -> ApiResult<Vec<TicketStats>> {
    if sel.to.duration_since(sel.from) > jiff::SignedDuration::from_hours(24 * TICKET_TABLE_DAYS + 1) {
        return Err(ApiError::bad_request(format!(
            "the per-ticket table covers at most {TICKET_TABLE_DAYS} days; the other tables cover any period"
        )));
    }
    let mut ts = state.db.with(|c| crate::db::stats::tickets(c, &sel.site, sel.from, sel.to))?;
    if let Some(s) = &sel.service {
        ts.retain(|t| t.services.contains(s));
    }
    let now = state.now();
    for t in &mut ts {
        t.hold_until(now);
    }
    Ok(ts)
}

/// The summary route's body: the summary's figures, and the appointment figures under
/// `appointments` (issue 16).
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct SummaryBody {
    #[serde(flatten)]
    pub summary: Summary,
    pub appointments: AppointmentSummary,
}

/// Longest period the appointment-heavy day comparison covers (its first days); the booking and
/// punctuality figures cover any period.
pub(crate) const APPOINTMENT_DAYS: usize = 366;

/// The tables of the CSV export (`?table=`), which the dashboard links.
pub(crate) const CSV_TABLES: [&str; 11] = [
    "summary",
    "services",
    "days",
    "tickets",
    "arrivals",
    "mix",
    "staff",
    "queue",
    "estimates",
    "appointments",
    "appointment_days",
];

/// The appointment figures of a selection (definitions: `queue_core::stats`, README "Statistics"):
/// bookings by booked start in the period, appointment tickets issued in it (of the service they
/// were issued for, with a service filter), and its days (at most `APPOINTMENT_DAYS`), each from
/// the day's aggregate and its appointment tickets.
pub(crate) fn appointments(state: &AppState, id: &Identity, sel: &Selection) -> ApiResult<AppointmentSummary> {
    let (bookings, appts) = state.db.with(|c| {
        Ok::<_, ApiError>((
            crate::db::stats::bookings(c, &sel.site, sel.service.as_ref(), sel.from, sel.to)?,
            crate::db::stats::appointment_tickets(c, &sel.site, sel.from, sel.to)?,
        ))
    })?;
    let days = appointment_days(state, id, sel, &appts)?;
    let issued_for: Vec<TicketStats> =
        appts.into_iter().filter(|t| sel.service.as_ref().is_none_or(|s| &t.service == s)).collect();
    Ok(appointment_summary(&bookings, &issued_for, &days))
}

/// The selection's site-local days with tickets (at most `APPOINTMENT_DAYS`): appointment share and
/// walk-in waits. With a service filter, the tickets that waited in its queue, with their time there.
pub(crate) fn appointment_days(
    state: &AppState,
    id: &Identity,
    sel: &Selection,
    appts: &[TicketStats],
) -> ApiResult<Vec<AppointmentDay>> {
    let tz = state.cfg.site(&sel.site).map_or(TimeZone::UTC, |s| s.time_zone.clone());
    let views: Vec<TicketStats> = match &sel.service {
        None => appts.to_vec(),
        Some(s) => appts.iter().filter_map(|t| t.in_service(s)).collect(),
    };
    // Each ticket's day once (not once per day of the period).
    let mut by_day: std::collections::BTreeMap<jiff::civil::Date, Vec<TicketStats>> = Default::default();
    for t in views {
        by_day.entry(t.issued_at.to_zoned(tz.clone()).date()).or_default().push(t);
    }
    let mut out = Vec::new();
    for (day, agg) in day_aggregates(state, id, sel, APPOINTMENT_DAYS)? {
        let of_day = by_day.get(&day).map_or(&[][..], Vec::as_slice);
        out.extend(appointment_day(day, &agg, of_day));
    }
    Ok(out)
}

/// Summary of the tickets a site issued in a period: counts, people, waits, walk-to-desk and
/// service times, service level, transfers, holds, integrated journeys, and under `appointments`
/// the appointment figures (definitions: README, "Statistics").
#[utoipa::path(get, path = "/api/v1/stats/summary", tag = "stats",
    params(StatsQuery),
    security(("bearer" = [])),
    responses((status = 200, body = SummaryBody), (status = 400, body = queue_core::wire::ErrorBody),
        (status = 401, body = queue_core::wire::ErrorBody), (status = 403, body = queue_core::wire::ErrorBody),
        (status = 404, body = queue_core::wire::ErrorBody)))]
pub async fn summary(
    State(state): State<AppState>,
    id: Identity,
    ApiQuery(q): ApiQuery<StatsQuery>,
) -> ApiResult<Json<SummaryBody>> {
    blocking(&state, move |state| {
        let sel = select(state, &id, &q.site, q.service.as_deref(), q.from.as_deref(), q.to.as_deref())?;
        let appointments = appointments(state, &id, &sel)?;
        Ok(Json(SummaryBody { summary: sel.summary, appointments }))
    })
    .await
}

/// Arrivals by hour of the week (heat map), language, priority and need mix, transfers between
/// services, for the tickets a site issued in a period (same filters as the summary).
#[utoipa::path(get, path = "/api/v1/stats/breakdown", tag = "stats",
    params(StatsQuery),
    security(("bearer" = [])),
    responses((status = 200, body = Breakdown), (status = 400, body = queue_core::wire::ErrorBody),
        (status = 401, body = queue_core::wire::ErrorBody), (status = 403, body = queue_core::wire::ErrorBody),
        (status = 404, body = queue_core::wire::ErrorBody)))]
pub async fn breakdown_route(
    State(state): State<AppState>,
    id: Identity,
    ApiQuery(q): ApiQuery<StatsQuery>,
) -> ApiResult<Json<Breakdown>> {
    blocking(&state, move |state| {
        let sel = select(state, &id, &q.site, q.service.as_deref(), q.from.as_deref(), q.to.as_deref())?;
        Ok(Json(sel.agg.breakdown()))
    })
    .await
}

/// One desk's or staff member's figures over a period.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct WorkRow {
    /// Desk id or staff username.
    pub id: String,
    /// Tickets finished there (by the desk or person of the last call).
    pub served: u64,
    pub service_mean_s: f64,
    /// Time open (receiving people) and paused in the period, in seconds.
    pub open_s: f64,
    pub paused_s: f64,
}

/// Per desk and per staff member.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct StaffReport {
    pub desks: Vec<WorkRow>,
    pub staff: Vec<WorkRow>,
}

/// The mean number of people waiting in each site-local hour of the day over the period.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct QueueLength {
    /// Days in the period.
    pub days: u32,
    /// 24 values, hour 0 to 23.
    pub mean_waiting_by_hour: Vec<f64>,
}

pub(crate) fn staff_report(state: &AppState, sel: &Selection) -> ApiResult<StaffReport> {
    let until = sel.to.min(state.now());
    // A desk open since the day before the period still counts from the period's start.
    let since = sel.from - jiff::SignedDuration::from_hours(24);
    let events = state.db.with(|c| crate::db::stats::events_without_ticket(c, &sel.site, since, until))?;
    let (desk_t, staff_t) = queue_core::stats::desk_times(&events, sel.from, until);
    let rows = |work: &BTreeMap<String, queue_core::stats::Work>,
                times: &BTreeMap<String, queue_core::stats::DeskTime>| {
        let mut ids: Vec<&String> = work.keys().chain(times.keys()).collect();
        ids.sort();
        ids.dedup();
        ids.into_iter()
            .map(|id| {
                let w = work.get(id).copied().unwrap_or_default();
                let t = times.get(id).copied().unwrap_or_default();
                let mean =
                    if w.served == 0 { 0.0 } else { (w.service_ms as f64 / w.served as f64 / 100.0).round() / 10.0 };
                WorkRow {
                    id: id.clone(),
                    served: w.served,
                    service_mean_s: mean,
                    open_s: (t.open_ms / 1000) as f64,
                    paused_s: (t.paused_ms / 1000) as f64,
                }
            })
            .collect()
    };
    Ok(StaffReport { desks: rows(&sel.agg.desks, &desk_t), staff: rows(&sel.agg.staff, &staff_t) })
}

pub(crate) fn queue_length(sel: &Selection) -> QueueLength {
    let days = ((sel.to.as_millisecond() - sel.from.as_millisecond()) as f64 / 86_400_000.0).round().max(1.0);
    let by = &sel.agg.waiting_ms_by_hour;
    QueueLength {
        days: days as u32,
        mean_waiting_by_hour: (0..24)
            .map(|h| {
                let ms = by.get(h).copied().unwrap_or(0) as f64;
                (ms / 3_600_000.0 / days * 100.0).round() / 100.0
            })
            .collect(),
    }
}

/// Per desk and per staff member: tickets served, mean service time, time open and paused.
#[utoipa::path(get, path = "/api/v1/stats/staff", tag = "stats",
    params(StatsQuery),
    security(("bearer" = [])),
    responses((status = 200, body = StaffReport), (status = 400, body = queue_core::wire::ErrorBody),
        (status = 401, body = queue_core::wire::ErrorBody), (status = 403, body = queue_core::wire::ErrorBody),
        (status = 404, body = queue_core::wire::ErrorBody)))]
pub async fn staff(
    State(state): State<AppState>,
    id: Identity,
    ApiQuery(q): ApiQuery<StatsQuery>,
) -> ApiResult<Json<StaffReport>> {
    blocking(&state, move |state| {
        let sel = select(state, &id, &q.site, q.service.as_deref(), q.from.as_deref(), q.to.as_deref())?;
        Ok(Json(staff_report(state, &sel)?))
    })
    .await
}

/// The queue length over the day: mean number of people waiting per hour, for staffing.
#[utoipa::path(get, path = "/api/v1/stats/queue-length", tag = "stats",
    params(StatsQuery),
    security(("bearer" = [])),
    responses((status = 200, body = QueueLength), (status = 400, body = queue_core::wire::ErrorBody),
        (status = 401, body = queue_core::wire::ErrorBody), (status = 403, body = queue_core::wire::ErrorBody),
        (status = 404, body = queue_core::wire::ErrorBody)))]
pub async fn queue_length_route(
    State(state): State<AppState>,
    id: Identity,
    ApiQuery(q): ApiQuery<StatsQuery>,
) -> ApiResult<Json<QueueLength>> {
    blocking(&state, move |state| {
        let sel = select(state, &id, &q.site, q.service.as_deref(), q.from.as_deref(), q.to.as_deref())?;
        Ok(Json(queue_length(&sel)))
    })
    .await
}

/// "What if": a staffing plan for a weekday of the site, simulated on the real engine (several
/// seeded days) with the arrivals by hour and the service times its history measured over the
/// weeks before; per hour and for the day: waits, service level, people past target or never
/// called, desk occupancy and the estimator's error. Bad plans and numbers are a 400 and run
/// nothing (README, "What if").
#[utoipa::path(get, path = "/api/v1/stats/whatif", tag = "stats",
    params(crate::whatif::WhatIfQuery),
    security(("bearer" = [])),
    responses((status = 200, body = crate::whatif::WhatIf), (status = 400, body = queue_core::wire::ErrorBody),
        (status = 401, body = queue_core::wire::ErrorBody), (status = 403, body = queue_core::wire::ErrorBody)))]
pub async fn whatif(
    State(state): State<AppState>,
    id: Identity,
    ApiQuery(q): ApiQuery<crate::whatif::WhatIfQuery>,
) -> ApiResult<Json<crate::whatif::WhatIf>> {
    blocking(&state, move |state| Ok(Json(crate::whatif::what_if(state, &id, &q)?))).await
}

/// Funder report query: a site and a month.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FunderQuery {
    pub site: String,
    /// `YYYY-MM`, site-local.
    pub month: String,
}

/// A funder report: every cell below the configuration's `min_group_size` (but not zero) is null,
/// and so is every count of people that fewer than `min_group_size` tickets (households) make up:
/// one family of six is not a cell of six.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct FunderReport {
    pub site: String,
    pub month: String,
    pub min_group_size: u32,
    /// Tickets issued in the month.
    pub tickets: Option<u64>,
    /// People reached (party sizes summed); null when fewer than `min_group_size` tickets.
    pub people: Option<u64>,
    /// People reached per target group (`group:…` needs); null when fewer than `min_group_size`
    /// tickets of the group.
    pub people_by_group: BTreeMap<String, Option<u64>>,
    /// Tickets that went through each service (transfers included).
    pub services_used: BTreeMap<String, Option<u64>>,
    /// Visits through both a social and an employment service.
    pub integrated_journeys: Option<u64>,
    /// Waits, over the tickets called; null when fewer than `min_group_size` were.
    pub wait_mean_s: Option<f64>,
    pub wait_p90_s: Option<f64>,
}

/// Funder report per site and month, with small cells suppressed.
#[utoipa::path(get, path = "/api/v1/stats/funder", tag = "stats",
    params(FunderQuery),
    security(("bearer" = [])),
    responses((status = 200, body = FunderReport), (status = 400, body = queue_core::wire::ErrorBody),
        (status = 401, body = queue_core::wire::ErrorBody), (status = 403, body = queue_core::wire::ErrorBody),
        (status = 404, body = queue_core::wire::ErrorBody)))]
pub async fn funder(
    State(state): State<AppState>,
    id: Identity,
    ApiQuery(q): ApiQuery<FunderQuery>,
) -> ApiResult<Json<FunderReport>> {
    Ok(Json(funder_report(&state, id, q.site, q.month).await?))
}

/// The funder report as CSV: one row per cell (`part,key,value`; a suppressed cell is empty),
/// same query and suppression as the JSON.
#[utoipa::path(get, path = "/api/v1/stats/funder.csv", tag = "stats",
    params(FunderCsvQuery),
    security(("bearer" = [])),
    responses((status = 200, content_type = "text/csv", body = String), (status = 400, body = queue_core::wire::ErrorBody),
        (status = 401, body = queue_core::wire::ErrorBody), (status = 403, body = queue_core::wire::ErrorBody),
        (status = 404, body = queue_core::wire::ErrorBody)))]
pub async fn funder_csv(
    State(state): State<AppState>,
    id: Identity,
    ApiQuery(q): ApiQuery<FunderCsvQuery>,
) -> ApiResult<Response> {
    let style = csv_style(&id, q.separator.as_deref())?;
    let name = format!("attachment; filename=\"sportello-{}-funder-{}.csv\"", q.site, q.month);
    let r = funder_report(&state, id, q.site, q.month).await?;
    let num = |x: Option<u64>| x.map_or(Cell::Empty, |n| Cell::num(n as f64));
    let mut rows = vec![head("part,key,value")];
    rows.push(vec![Cell::text("site"), Cell::text(""), Cell::text(r.site.as_str())]);
    rows.push(vec![Cell::text("month"), Cell::text(""), Cell::text(r.month.as_str())]);
    rows.push(vec![Cell::text("min_group_size"), Cell::text(""), Cell::num(r.min_group_size)]);
    rows.push(vec![Cell::text("tickets"), Cell::text(""), num(r.tickets)]);
    rows.push(vec![Cell::text("people"), Cell::text(""), num(r.people)]);
    for (k, n) in &r.people_by_group {
        rows.push(vec![Cell::text("people_by_group"), Cell::text(k.as_str()), num(*n)]);
    }
    for (k, n) in &r.services_used {
        rows.push(vec![Cell::text("services_used"), Cell::text(k.as_str()), num(*n)]);
    }
    rows.push(vec![Cell::text("integrated_journeys"), Cell::text(""), num(r.integrated_journeys)]);
    rows.push(vec![Cell::text("wait_mean_s"), Cell::text(""), Cell::opt(r.wait_mean_s)]);
    rows.push(vec![Cell::text("wait_p90_s"), Cell::text(""), Cell::opt(r.wait_p90_s)]);
    Ok(csv_response(style, q.bom.unwrap_or(false), name, &rows))
}

/// Funder report CSV query: the report's, plus the CSV style.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FunderCsvQuery {
    pub site: String,
    /// `YYYY-MM`, site-local.
    pub month: String,
    /// `comma` (the default) or `semicolon` (`;` between fields and a decimal comma).
    pub separator: Option<String>,
    /// `true`: begin with a UTF-8 byte-order mark.
    pub bom: Option<bool>,
}

/// The funder report of a site and month (`YYYY-MM`), small cells suppressed.
pub(crate) async fn funder_report(
    state: &AppState,
    id: Identity,
    site: String,
    month: String,
) -> ApiResult<FunderReport> {
    id.staff(Role::Manager)?;
    let first: Date = format!("{month}-01")
        .parse()
        .map_err(|_| ApiError::bad_request(format!("month '{}' is not YYYY-MM", super::excerpt(&month, 16))))?;
    let last = first.last_of_month().to_string();
    let s = site.clone();
    let sel = blocking(state, move |state| select(state, &id, &s, None, Some(&first.to_string()), Some(&last))).await?;
    let min = state.cfg.min_group_size;
    // The same rule as the region's report (`queue_core::stats::FunderFigures`).
    let f = queue_core::stats::FunderFigures::of(&sel.agg, min);
    Ok(FunderReport {
        site,
        month,
        min_group_size: min,
        tickets: f.tickets,
        people: f.people,
        people_by_group: f.people_by_group,
        services_used: f.services_used,
        integrated_journeys: f.integrated_journeys,
        wait_mean_s: f.wait_mean_s,
        wait_p90_s: f.wait_p90_s,
    })
}

/// The CSV style of `separator=` (a bad one is a 400 after the caller's role is checked).
fn csv_style(id: &Identity, separator: Option<&str>) -> ApiResult<CsvStyle> {
    match separator.filter(|s| !s.is_empty()) {
        None | Some("comma") => Ok(CsvStyle { separator: ',', decimal_comma: false }),
        Some("semicolon") => Ok(CsvStyle { separator: ';', decimal_comma: true }),
        Some(other) => {
            id.staff(Role::Manager)?;
            Err(ApiError::bad_request(format!(
                "separator '{}' is neither 'comma' nor 'semicolon'",
                super::excerpt(other, 24)
            )))
        }
    }
}

fn csv_response(style: CsvStyle, bom: bool, disposition: String, rows: &[Vec<Cell>]) -> Response {
    let mut csv = String::from(if bom { "\u{feff}" } else { "" });
    for row in rows {
        let fields: Vec<String> = row.iter().map(|c| style.field(c)).collect();
        csv.push_str(&fields.join(&style.separator.to_string()));
        csv.push('\n');
    }
    ([(header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()), (header::CONTENT_DISPOSITION, disposition)], csv)
        .into_response()
}

/// A statistics table as CSV (`table=summary|services|days|tickets|arrivals|mix|staff|queue|estimates`), same filters as the summary.
#[utoipa::path(get, path = "/api/v1/stats/export.csv", tag = "stats",
    params(ExportQuery),
    security(("bearer" = [])),
    responses((status = 200, content_type = "text/csv", body = String), (status = 400, body = queue_core::wire::ErrorBody),
        (status = 401, body = queue_core::wire::ErrorBody), (status = 403, body = queue_core::wire::ErrorBody),
        (status = 404, body = queue_core::wire::ErrorBody)))]
pub async fn export_csv(
    State(state): State<AppState>,
    id: Identity,
    ApiQuery(q): ApiQuery<ExportQuery>,
) -> ApiResult<Response> {
    if !CSV_TABLES.contains(&q.table.as_str()) {
        id.staff(Role::Manager)?;
        return Err(ApiError::bad_request(format!(
            "unknown table '{}' ({})",
            super::excerpt(&q.table, 24),
            CSV_TABLES.join(", ")
        )));
    }
    let style = csv_style(&id, q.separator.as_deref())?;
    let bom = q.bom.unwrap_or(false);
    let name = format!("attachment; filename=\"sportello-{}-{}.csv\"", q.site, q.table);
    let rows = blocking(&state, move |state| export_table(state, &id, &q)).await?;
    Ok(csv_response(style, bom, name, &rows))
}

/// A field of a CSV table: text, a number (written with the style's decimal separator) or nothing.
#[derive(Debug, Clone, PartialEq)]
enum Cell {
    Text(String),
    Num(f64),
    Empty,
}

impl Cell {
    fn text(s: impl Into<String>) -> Cell {
        Cell::Text(s.into())
    }
    fn num(x: impl Into<f64>) -> Cell {
        Cell::Num(x.into())
    }
    /// Milliseconds as seconds (to the millisecond; never a nanosecond tail).
    fn ms(ms: i64) -> Cell {
        Cell::Num(ms as f64 / 1000.0)
    }
    fn opt(x: Option<f64>) -> Cell {
        x.map_or(Cell::Empty, Cell::Num)
    }
}

/// `,` with decimal points, or `;` with decimal commas (Italian Excel).
#[derive(Debug, Clone, Copy)]
struct CsvStyle {
    separator: char,
    decimal_comma: bool,
}

impl CsvStyle {
    /// One field: a number in the style's decimals; text quoted when it holds the separator, a
    /// quote or a line break.
    fn field(&self, c: &Cell) -> String {
        match c {
            Cell::Empty => String::new(),
            Cell::Num(x) => {
                // Whole numbers without ".0"; others as Rust writes them (shortest exact form).
                let s = if x.fract() == 0.0 && x.abs() < 1e15 { format!("{}", *x as i64) } else { x.to_string() };
                if self.decimal_comma { s.replace('.', ",") } else { s }
            }
            Cell::Text(s) => {
                if s.contains([self.separator, '"', '\n', '\r']) {
                    format!("\"{}\"", s.replace('"', "\"\""))
                } else {
                    s.clone()
                }
            }
        }
    }
}

fn head(names: &str) -> Vec<Cell> {
    names.split(',').map(Cell::text).collect()
}

fn export_table(state: &AppState, id: &Identity, q: &ExportQuery) -> ApiResult<Vec<Vec<Cell>>> {
    let sel = select(state, id, &q.site, q.service.as_deref(), q.from.as_deref(), q.to.as_deref())?;
    Ok(match q.table.as_str() {
        "summary" => summary_csv(&sel.summary, &appointments(state, id, &sel)?)?,
        "appointments" => {
            let mut out = vec![head(&format!("service,{}", APPOINTMENT_COLUMNS.join(",")))];
            let whole =
                if sel.service.is_none() { vec![("*".to_owned(), appointments(state, id, &sel)?)] } else { vec![] };
            for (k, a) in whole.into_iter().chain(per_service_appointments(state, id, &sel)?) {
                let mut row = vec![Cell::text(k)];
                row.extend(appointment_cells(&a).into_iter().map(Cell::opt));
                out.push(row);
            }
            out
        }
        "appointment_days" => {
            let appts = state.db.with(|c| crate::db::stats::appointment_tickets(c, &sel.site, sel.from, sel.to))?;
            let mut out =
                vec![head("day,tickets,appointments,appointment_share,heavy,walk_ins_called,walk_in_wait_mean_s")];
            for d in appointment_days(state, id, &sel, &appts)? {
                out.push(vec![
                    Cell::text(d.day.to_string()),
                    Cell::num(d.tickets as f64),
                    Cell::num(d.appointments as f64),
                    Cell::num(d.share),
                    Cell::num(if d.heavy { 1.0 } else { 0.0 }),
                    Cell::num(d.walk_ins_called as f64),
                    Cell::opt(d.walk_in_wait_mean_s()),
                ]);
            }
            out
        }
        "services" => {
            let rows = per_service(state, id, &sel)?;
            by_csv("service", rows.into_iter().map(|(k, s)| (k.to_string(), s)))
        }
        "days" => {
            let rows = per_day(state, id, &sel)?;
            by_csv("day", rows.into_iter().map(|(k, s)| (k.to_string(), s)))
        }
        "tickets" => tickets_csv(state, &sel, &tickets_of(state, &sel)?),
        "estimates" => {
            let mut out = vec![head("day,service,estimated,estimate_bias_s,estimate_mae_s,estimate_told_too_little")];
            for r in estimate_rows(state, &sel)? {
                out.push(vec![
                    Cell::text(r.day.to_string()),
                    Cell::text(r.service.as_str()),
                    Cell::num(r.estimated as f64),
                    Cell::opt(r.bias_s),
                    Cell::opt(r.mae_s),
                    Cell::opt(r.told_too_little),
                ]);
            }
            out
        }
        "staff" => {
            let r = staff_report(state, &sel)?;
            let mut out = vec![head("kind,id,served,service_mean_s,open_s,paused_s")];
            for (kind, rows) in [("desk", &r.desks), ("staff", &r.staff)] {
                for w in rows {
                    out.push(vec![
                        Cell::text(kind),
                        Cell::text(w.id.as_str()),
                        Cell::num(w.served as f64),
                        Cell::num(w.service_mean_s),
                        Cell::num(w.open_s),
                        Cell::num(w.paused_s),
                    ]);
                }
            }
            out
        }
        "queue" => {
            let q = queue_length(&sel);
            let mut out = vec![head("hour,mean_waiting")];
            for (h, n) in q.mean_waiting_by_hour.iter().enumerate() {
                out.push(vec![Cell::num(h as f64), Cell::num(*n)]);
            }
            out
        }
        "arrivals" => {
            let b = sel.agg.breakdown();
            let mut out = vec![head("weekday,hour,tickets")];
            for (d, hours) in b.arrivals_by_hour_of_week.iter().enumerate() {
                for (h, n) in hours.iter().enumerate() {
                    out.push(vec![Cell::num((d + 1) as f64), Cell::num(h as f64), Cell::num(*n as f64)]);
                }
            }
            out
        }
        _ => {
            let b = sel.agg.breakdown();
            let mut out = vec![head("kind,key,tickets")];
            for (kind, counts) in [
                ("language", &b.languages),
                ("priority", &b.priorities),
                ("need", &b.needs),
                ("transfer", &b.transfers),
            ] {
                for (k, n) in counts {
                    out.push(vec![Cell::text(kind), Cell::text(k.as_str()), Cell::num(*n as f64)]);
                }
            }
            out
        }
    })
}

/// The figures of the per-service and per-day tables, in this order (CSV columns, page columns).
pub(crate) const BY_COLUMNS: [&str; 10] = [
    "issued",
    "served",
    "no_show",
    "cancelled",
    "expired",
    "people",
    "wait_mean_s",
    "wait_p90_s",
    "service_mean_s",
    "service_level",
];

/// A summary's figures of `BY_COLUMNS`.
pub(crate) fn by_cells(s: &Summary) -> [Option<f64>; 10] {
    [
        Some(s.issued as f64),
        Some(s.served as f64),
        Some(s.no_show as f64),
        Some(s.cancelled as f64),
        Some(s.expired as f64),
        Some(s.people as f64),
        s.wait_mean_s,
        s.wait_p90_s,
        s.service_mean_s,
        s.service_level,
    ]
}

fn by_csv(key: &str, rows: impl Iterator<Item = (String, Summary)>) -> Vec<Vec<Cell>> {
    let mut out = vec![head(&format!("{key},{}", BY_COLUMNS.join(",")))];
    for (k, s) in rows {
        let mut row = vec![Cell::text(k)];
        row.extend(by_cells(&s).into_iter().map(Cell::opt));
        out.push(row);
    }
    out
}

/// Per service of the site (only the chosen one with a service filter): each service's own
/// figures over the period (a ticket in every queue it waited in, as with `service=`).
pub(crate) fn per_service(state: &AppState, id: &Identity, sel: &Selection) -> ApiResult<Vec<(ServiceId, Summary)>> {
    let cfg_site = state.cfg.site(&sel.site).ok_or_else(|| ApiError::not_found(format!("no site '{}'", sel.site)))?;
    let (from, to) = (sel.from.to_string(), sel.to.to_string());
    cfg_site
        .services
        .iter()
        .filter(|s| sel.service.as_ref().is_none_or(|x| x == &s.id))
        .map(|s| {
            let x = select(state, id, sel.site.as_str(), Some(s.id.as_str()), Some(&from), Some(&to))?;
            Ok((s.id.clone(), x.summary))
        })
        .collect()
}

/// Longest period the per-day table covers (its first days; the other tables cover any period).
pub(crate) const DAY_TABLE_DAYS: usize = 62;

/// Per site-local day of the period (at most `DAY_TABLE_DAYS`), with the selection's service filter.
pub(crate) fn per_day(state: &AppState, id: &Identity, sel: &Selection) -> ApiResult<Vec<(Date, Summary)>> {
    Ok(day_aggregates(state, id, sel, DAY_TABLE_DAYS)?.into_iter().map(|(d, agg)| (d, agg.summary())).collect())
}

/// The aggregate of each site-local day of the period (its first `max` days), with its service
/// filter. Whole days the selection read from the roll-ups with no ticket left open are taken from
/// it (no second read); the others (the period's partial edges, today, days not rolled up yet or
/// rolled with tickets open) each go through `select`, which adds up their events exactly.
fn day_aggregates(state: &AppState, id: &Identity, sel: &Selection, max: usize) -> ApiResult<Vec<(Date, Aggregate)>> {
    let tz = state.cfg.site(&sel.site).map_or(TimeZone::UTC, |s| s.time_zone.clone());
    let start = |d: Date| d.to_zoned(tz.clone()).map(|z| z.timestamp()).map_err(|e| ApiError::internal(e.to_string()));
    let last = (sel.to - jiff::SignedDuration::from_nanos(1)).to_zoned(tz.clone()).date();
    let mut day = sel.from.to_zoned(tz.clone()).date();
    let mut out = Vec::new();
    while day <= last && out.len() < max {
        let next = day.tomorrow().map_err(|e| ApiError::internal(e.to_string()))?;
        let (a, b) = (start(day)?, start(next)?);
        let agg = match sel.rolled.get(&day) {
            Some(agg) if a >= sel.from && b <= sel.to => agg.clone(),
            _ => {
                let (a, b) = (a.max(sel.from), b.min(sel.to));
                let x = select(
                    state,
                    id,
                    sel.site.as_str(),
                    sel.service.as_ref().map(|s| s.as_str()),
                    Some(&a.to_string()),
                    Some(&b.to_string()),
                )?;
                x.agg
            }
        };
        out.push((day, agg));
        day = next;
    }
    Ok(out)
}

impl Selection {
    /// The period's first and last site-local days (for date pickers).
    pub(crate) fn days(&self, tz: &TimeZone) -> (Date, Date) {
        (
            self.from.to_zoned(tz.clone()).date(),
            (self.to - jiff::SignedDuration::from_nanos(1)).to_zoned(tz.clone()).date(),
        )
    }
}

/// The appointment figures of the `appointments` table and the summary's `appointments_…` columns,
/// in this order (the names of `AppointmentSummary`'s fields).
pub(crate) const APPOINTMENT_COLUMNS: [&str; 17] = [
    "booked",
    "kept",
    "late",
    "missed",
    "cancelled",
    "open",
    "lead_time_mean_h",
    "lead_time_median_h",
    "called",
    "punctuality_mean_min",
    "punctuality_p90_min",
    "called_within_10_min",
    "heavy_day_share",
    "days",
    "heavy_days",
    "walk_in_wait_mean_heavy_s",
    "walk_in_wait_mean_other_s",
];

/// An appointment summary's figures of `APPOINTMENT_COLUMNS`.
pub(crate) fn appointment_cells(a: &AppointmentSummary) -> [Option<f64>; 17] {
    [
        Some(a.booked as f64),
        Some(a.kept as f64),
        Some(a.late as f64),
        Some(a.missed as f64),
        Some(a.cancelled as f64),
        Some(a.open as f64),
        a.lead_time_mean_h,
        a.lead_time_median_h,
        Some(a.called as f64),
        a.punctuality_mean_min,
        a.punctuality_p90_min,
        a.called_within_10_min,
        Some(a.heavy_day_share),
        Some(a.days as f64),
        Some(a.heavy_days as f64),
        a.walk_in_wait_mean_heavy_s,
        a.walk_in_wait_mean_other_s,
    ]
}

/// Per service of the site (only the chosen one with a service filter): its appointment figures.
fn per_service_appointments(
    state: &AppState,
    id: &Identity,
    sel: &Selection,
) -> ApiResult<Vec<(String, AppointmentSummary)>> {
    let cfg_site = state.cfg.site(&sel.site).ok_or_else(|| ApiError::not_found(format!("no site '{}'", sel.site)))?;
    let (from, to) = (sel.from.to_string(), sel.to.to_string());
    cfg_site
        .services
        .iter()
        .filter(|s| sel.service.as_ref().is_none_or(|x| x == &s.id))
        .map(|s| {
            let x = select(state, id, sel.site.as_str(), Some(s.id.as_str()), Some(&from), Some(&to))?;
            Ok((s.id.to_string(), appointments(state, id, &x)?))
        })
        .collect()
}

fn summary_csv(s: &Summary, a: &AppointmentSummary) -> ApiResult<Vec<Vec<Cell>>> {
    let v = serde_json::to_value(s).map_err(ApiError::internal)?;
    let obj = v.as_object().ok_or_else(|| ApiError::internal("the summary is not a JSON object"))?;
    let mut head: Vec<Cell> = obj.keys().map(Cell::text).collect();
    head.extend(APPOINTMENT_COLUMNS.iter().map(|c| Cell::text(format!("appointments_{c}"))));
    let mut row: Vec<Cell> = obj
        .values()
        .map(|x| match x {
            serde_json::Value::Null => Cell::Empty,
            serde_json::Value::Number(n) => n.as_f64().map_or(Cell::Empty, Cell::Num),
            other => Cell::text(other.to_string()),
        })
        .collect();
    row.extend(appointment_cells(a).into_iter().map(Cell::opt));
    Ok(vec![head, row])
}

/// Estimate quality for one site-local day and service (issue 14).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct EstimateRow {
    pub day: jiff::civil::Date,
    pub service: queue_core::ServiceId,
    pub estimated: u64,
    pub bias_s: Option<f64>,
    pub mae_s: Option<f64>,
    pub told_too_little: Option<f64>,
}

/// The estimate's signed bias, MAE and share told too little per site-local day and service, from
/// the tickets' events (like the per-ticket table, at most 31 days).
pub(crate) fn estimate_rows(state: &AppState, sel: &Selection) -> ApiResult<Vec<EstimateRow>> {
    let tz = state.cfg.site(&sel.site).map_or(TimeZone::UTC, |s| s.time_zone.clone());
    let mut by: std::collections::BTreeMap<(jiff::civil::Date, queue_core::ServiceId), Aggregate> = Default::default();
    // The estimate is told for the queue a ticket is issued in.
    for t in tickets_of(state, sel)?.into_iter().filter(|t| sel.service.as_ref().is_none_or(|s| &t.service == s)) {
        let day = t.issued_at.to_zoned(tz.clone()).date();
        by.entry((day, t.service.clone())).or_default().add(&t, 0, 0, false, false);
    }
    Ok(by
        .into_iter()
        .map(|((day, service), a)| {
            let s = a.summary();
            EstimateRow {
                day,
                service,
                estimated: s.estimated,
                bias_s: s.estimate_bias_s,
                mae_s: s.estimate_mae_s,
                told_too_little: s.estimate_told_too_little,
            }
        })
        .collect())
}

/// One row per ticket; times are site-local with their offset, to the second
/// (`2026-03-29T10:00:00+02:00`), durations in seconds.
fn tickets_csv(state: &AppState, sel: &Selection, ts: &[TicketStats]) -> Vec<Vec<Cell>> {
    let tz = state.cfg.site(&sel.site).map_or(TimeZone::UTC, |s| s.time_zone.clone());
    let mut out = vec![head(
        "ticket,number,service,services,issued_at,status,priority,language,party_size,desk,wait_s,first_wait_s,\
         estimated_wait_s,estimate_error_s,walk_s,service_s,hold_s,transfers,recalls",
    )];
    for t in ts {
        let services: Vec<&str> = t.services.iter().map(|s| s.as_str()).collect();
        let walk: i64 = t.walk_ms.iter().sum();
        out.push(vec![
            Cell::text(t.id.as_str()),
            Cell::text(t.number.as_str()),
            Cell::text(t.service.as_str()),
            Cell::text(services.join("|")),
            Cell::text(t.issued_at.to_zoned(tz.clone()).strftime("%Y-%m-%dT%H:%M:%S%:z").to_string()),
            Cell::text(t.status.to_string()),
            Cell::text(t.priority.as_str()),
            Cell::text(t.language.as_str()),
            Cell::num(t.party_size),
            t.desk.as_ref().map_or(Cell::Empty, |d| Cell::text(d.as_str())),
            Cell::ms(t.wait_ms),
            t.first_wait_ms.map_or(Cell::Empty, Cell::ms),
            t.estimated_wait_s.map_or(Cell::Empty, Cell::num),
            t.estimate_error_ms().map_or(Cell::Empty, Cell::ms),
            Cell::ms(walk),
            Cell::ms(t.service_ms),
            Cell::ms(t.hold_ms),
            Cell::num(t.transfers),
            Cell::num(t.recalls),
        ]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds_follow_the_site_day_across_dst() {
        let rome = TimeZone::get("Europe/Rome").unwrap();
        let f = |s, end| parse_bound(s, &rome, end).unwrap().to_string();
        // 29 March 2026 is 23 hours long, 25 October 25 hours.
        assert_eq!(f("2026-03-29", false), "2026-03-28T23:00:00Z");
        assert_eq!(f("2026-03-29", true), "2026-03-29T22:00:00Z");
        assert_eq!(f("2026-10-25", false), "2026-10-24T22:00:00Z");
        assert_eq!(f("2026-10-25", true), "2026-10-25T23:00:00Z");
        assert_eq!(f("2026-10-25T08:00:00+01:00", false), "2026-10-25T07:00:00Z");
        assert!(parse_bound("yesterday", &rome, false).is_err());
    }

    /// Issue 14: a time without an offset is the site's wall-clock time, never the whole day.
    #[test]
    fn a_time_without_an_offset_is_read_in_the_site_time_zone() {
        let rome = TimeZone::get("Europe/Rome").unwrap();
        let f = |s, end| parse_bound(s, &rome, end).map(|t| t.to_string());
        assert_eq!(f("2026-12-01T08:33:00", false).unwrap(), "2026-12-01T07:33:00Z");
        assert_eq!(f("2026-12-01T08:33:00", true).unwrap(), "2026-12-01T07:33:00Z");
        assert_eq!(f("2026-07-01T08:33", false).unwrap(), "2026-07-01T06:33:00Z");
        // The hour skipped in spring is read as the hour after; the repeated one in autumn, the first.
        assert_eq!(f("2026-03-29T02:30:00", false).unwrap(), "2026-03-29T01:30:00Z");
        assert_eq!(f("2026-10-25T02:30:00", false).unwrap(), "2026-10-25T00:30:00Z");
        let e = f("2026-12-01T25:00:00", false).unwrap_err();
        assert!(e.contains("'2026-12-01T25:00:00' is neither a date") && e.contains("time zone"), "{e}");
    }

    #[test]
    fn csv_fields_in_both_styles() {
        let comma = CsvStyle { separator: ',', decimal_comma: false };
        let semi = CsvStyle { separator: ';', decimal_comma: true };
        let cells = [Cell::num(3800.0), Cell::num(2.0 / 3.0), Cell::ms(1_234), Cell::Empty, Cell::text("a,b;c")];
        let row = |st: CsvStyle| cells.iter().map(|c| st.field(c)).collect::<Vec<_>>();
        assert_eq!(row(comma), ["3800", "0.6666666666666666", "1.234", "", "\"a,b;c\""]);
        assert_eq!(row(semi), ["3800", "0,6666666666666666", "1,234", "", "\"a,b;c\""]);
        assert_eq!(semi.field(&Cell::text("x,y")), "x,y");
        assert_eq!(comma.field(&Cell::text("say \"hi\"")), "\"say \"\"hi\"\"\"");
    }
}
