//! Appointment routes (issue 16): free slots, booking, the day's list, cancel, move, and the
//! kiosk's check-in with a code. Slot rules live in `queue_core::booking`, SQL in `db::appointments`.

use super::sites::site_id;
use super::{ApiJson, ApiQuery, check_id};
use crate::auth::{DeviceKind, Identity, Role, code_hash, random_secret};
use crate::db;
use crate::db::appointments::{BookingRow, Moved};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use crate::writer::{Exec, Outcome};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use jiff::Timestamp;
use jiff::civil::{Date, DateTime};
use queue_core::booking::{self, Booked, Window};
use queue_core::code::Code;
use queue_core::engine::IssueTicket;
use queue_core::wire::{BookRequest, BookingView, CheckInRequest, ErrorBody, MoveRequest, SlotsView, TicketView};
use queue_core::{Command, Priority, ServiceId, SiteId, TicketId};

/// Longest booking, minutes.
const MAX_DURATION_MIN: u32 = 480;

/// `?service=&date=&duration_min=` of the free slots.
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct SlotsQuery {
    #[param(value_type = String, pattern = "^[a-z0-9][a-z0-9_-]{0,39}$")]
    pub service: String,
    /// Site-local day, `YYYY-MM-DD`.
    #[param(value_type = String, pattern = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$")]
    pub date: String,
    /// Minutes (default: one slot).
    pub duration_min: Option<u32>,
}

/// `?date=` of the day's bookings.
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct DayQuery {
    /// Site-local day, `YYYY-MM-DD`.
    #[param(value_type = String, pattern = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$")]
    pub date: String,
}

fn parse_date(s: &str) -> ApiResult<Date> {
    s.parse::<Date>().map_err(|_| ApiError::bad_request(format!("date '{}' is not YYYY-MM-DD", super::excerpt(s, 20))))
}

/// A site-local `YYYY-MM-DDTHH:MM`: its day, minute of the day, and instant.
fn parse_start(site: &config::Site, s: &str) -> ApiResult<(Date, u16, Timestamp)> {
    let dt = s.parse::<DateTime>().map_err(|_| {
        ApiError::unprocessable(format!("start '{}' is not a site-local YYYY-MM-DDTHH:MM", super::excerpt(s, 30)))
    })?;
    let at =
        dt.to_zoned(site.time_zone.clone()).map_err(|e| ApiError::unprocessable(format!("start: {e}")))?.timestamp();
    Ok((dt.date(), (dt.hour() as u16) * 60 + dt.minute() as u16, at))
}

fn hhmm(min: u16) -> String {
    format!("{:02}:{:02}", min / 60, min % 60)
}

/// A service of the site that takes bookings, and its capacity on `date`.
fn service_day(state: &AppState, site: &SiteId, service: &str, date: Date) -> ApiResult<(ServiceId, booking::Day)> {
    check_id("service", service)?;
    let id = ServiceId::from(service);
    let cfg_site = state.cfg.site(site).ok_or_else(|| ApiError::not_found(format!("no site '{site}'")))?;
    let svc = state
        .cfg
        .service(site, &id)
        .ok_or_else(|| ApiError::not_found(format!("no service '{service}' at site '{site}'")))?;
    let Some(appts) = &svc.appointments else {
        return Err(ApiError::unprocessable(format!("service '{service}' takes no appointments")));
    };
    let desks = cfg_site.desks.iter().filter(|d| d.services.contains(&id)).count() as u32;
    let weekday = date.weekday().to_monday_zero_offset() as usize;
    Ok((id, appts.day(weekday, desks)))
}

fn duration(day: &booking::Day, asked: Option<u32>) -> ApiResult<u16> {
    match asked {
        None => Ok(day.slot_min),
        Some(d) if (1..=MAX_DURATION_MIN).contains(&d) => Ok(d as u16),
        Some(d) => Err(ApiError::unprocessable(format!("duration_min {d} is not 1–{MAX_DURATION_MIN}"))),
    }
}

fn view(state: &AppState, row: &BookingRow, code: Option<String>) -> BookingView {
    let at = Timestamp::from_millisecond(row.start_ms).unwrap_or_default();
    // A booking still `booked` after its check-in window closed shows as `missed`.
    let missed = row.state == "booked"
        && state.cfg.site(&SiteId::from(row.site.as_str())).is_some_and(|site| {
            let rules = &site.appointments;
            booking::window(at, state.now(), rules.check_in_early_min, rules.check_in_late_min) == Window::Late
        });
    BookingView {
        id: row.id.clone(),
        site: SiteId::from(row.site.as_str()),
        service: ServiceId::from(row.service.as_str()),
        start: format!("{}T{}", row.day, hhmm(row.start_min)),
        start_at: at.to_string(),
        duration_min: u32::from(row.duration_min),
        mediator_language: row.mediator_language.clone(),
        second_staff: row.second_staff.clone(),
        state: if missed { "missed".into() } else { row.state.clone() },
        code_hint: row.code_hint.clone(),
        code,
        booked_by: row.booked_by.clone(),
    }
}

/// Why a start does not fit (checked again inside the booking's transaction).
fn fits_reason(day: &booking::Day, booked: &[Booked], start_min: u16, duration_min: u16) -> Option<ApiError> {
    if !day.slots().contains(&start_min) {
        return Some(ApiError::unprocessable(format!("{} is not a slot of this service that day", hhmm(start_min))));
    }
    if day.free(booked, duration_min).contains(&start_min) {
        return None;
    }
    let units = u32::from(duration_min.div_ceil(day.slot_min.max(1)).max(1));
    if day.used(booked) + units > day.day_cap {
        return Some(ApiError::new(
            StatusCode::CONFLICT,
            "appointment_cap_reached",
            format!(
                "appointments may take {} slot(s) of this service that day and {} are booked: the rest stays for walk-ins",
                day.day_cap,
                day.used(booked)
            ),
        ));
    }
    Some(ApiError::new(
        StatusCode::CONFLICT,
        "slot_taken",
        format!("{} is taken (or the booking does not fit before the hours end): pick another slot", hhmm(start_min)),
    ))
}

/// A staff username of the site, enabled, for `second_staff`.
async fn check_second_staff(state: &AppState, site: &SiteId, who: &str) -> ApiResult<()> {
    let name = who.to_owned();
    let row = state.db.read(move |c| db::staff(c, &name)).await?;
    let ok = row.is_some_and(|r| !r.disabled && r.sites.as_ref().is_none_or(|s| s.iter().any(|x| x == site.as_str())));
    if ok {
        Ok(())
    } else {
        Err(ApiError::unprocessable(format!("no staff member '{}' at this site", super::excerpt(who, 64))))
    }
}

/// Free start times of a service on a day, for a booking of `duration_min`.
#[utoipa::path(get, path = "/api/v1/sites/{site}/appointments/slots", tag = "appointments",
    params(("site" = String, Path, description = "site id"), SlotsQuery),
    security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, body = SlotsView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn slots(
    State(state): State<AppState>,
    id: Identity,
    Path(site): Path<String>,
    ApiQuery(q): ApiQuery<SlotsQuery>,
) -> ApiResult<Json<SlotsView>> {
    let site = site_id(&state, &site)?;
    id.staff_at(&site, Role::Staff)?;
    let date = parse_date(&q.date)?;
    let (service, day) = service_day(&state, &site, &q.service, date)?;
    let dur = duration(&day, q.duration_min)?;
    let (s, d) = (site.to_string(), date.to_string());
    let rows = state.db.read(move |c| db::appointments::day_bookings(c, &s, &d)).await?;
    let booked: Vec<Booked> = rows
        .iter()
        .filter(|r| r.service == service.as_str() && matches!(r.state.as_str(), "booked" | "checked_in"))
        .map(|r| Booked { start_min: r.start_min, duration_min: r.duration_min })
        .collect();
    Ok(Json(SlotsView {
        service,
        date: date.to_string(),
        duration_min: u32::from(dur),
        slots: day.free(&booked, dur).into_iter().map(hhmm).collect(),
        cap_units: day.day_cap,
        used_units: day.used(&booked),
    }))
}

/// Book a follow-up: answers the booking with its check-in code, shown this once (only a keyed
/// hash of it is stored, and no name).
#[utoipa::path(post, path = "/api/v1/sites/{site}/appointments", tag = "appointments",
    params(("site" = String, Path, description = "site id")),
    request_body = BookRequest,
    security(("bearer" = []), ("cookie" = [])),
    responses((status = 201, body = BookingView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn book(
    State(state): State<AppState>,
    id: Identity,
    Path(site): Path<String>,
    ApiJson(req): ApiJson<BookRequest>,
) -> ApiResult<(StatusCode, Json<BookingView>)> {
    let site = site_id(&state, &site)?;
    let me = id.staff_at(&site, Role::Staff)?.username.clone();
    let cfg_site = state.cfg.site(&site).ok_or_else(|| ApiError::not_found("no such site"))?;
    let (date, start_min, at) = parse_start(cfg_site, &req.start)?;
    let (service, day) = service_day(&state, &site, req.service.as_str(), date)?;
    let dur = duration(&day, req.duration_min)?;
    if at <= state.now() {
        return Err(ApiError::unprocessable("start is in the past"));
    }
    if let Some(l) = &req.mediator_language
        && state.cfg.language(l).is_none()
    {
        return Err(ApiError::unprocessable(format!("no mediator language '{}' is configured", super::excerpt(l, 16))));
    }
    if let Some(s) = &req.second_staff {
        check_second_staff(&state, &site, s).await?;
    }
    if let Some(e) = fits_reason(&day, &[], start_min, dur) {
        return Err(e);
    }
    let mut bytes = [0u8; 5];
    rand::fill(&mut bytes[..]);
    let code = Code::from_bytes(bytes);
    let row = BookingRow {
        id: ulid::Ulid::new().to_string(),
        site: site.to_string(),
        service: service.to_string(),
        day: date.to_string(),
        start_min,
        start_ms: at.as_millisecond(),
        duration_min: dur,
        mediator_language: req.mediator_language,
        second_staff: req.second_staff,
        code_hash: code_hash(&state.token_secret, site.as_str(), &code.canonical()),
        code_hint: code.hint(),
        state: "booked".into(),
        booked_by: me,
        ticket: None,
        late_ms: None,
    };
    let now = state.now();
    let stored = row.clone();
    let refused = state
        .db
        .write(move |c| {
            let mut refusal = None;
            db::appointments::book(c, &stored, now, |booked| {
                refusal = fits_reason(&day, booked, start_min, dur);
                refusal.is_none()
            })?;
            Ok::<_, ApiError>(refusal)
        })
        .await?;
    if let Some(e) = refused {
        return Err(e);
    }
    Ok((StatusCode::CREATED, Json(view(&state, &row, Some(code.to_string())))))
}

/// The site's bookings of a day, by time, with only each code's hint.
#[utoipa::path(get, path = "/api/v1/sites/{site}/appointments", tag = "appointments",
    params(("site" = String, Path, description = "site id"), DayQuery),
    security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, body = [BookingView]), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn day(
    State(state): State<AppState>,
    id: Identity,
    Path(site): Path<String>,
    ApiQuery(q): ApiQuery<DayQuery>,
) -> ApiResult<Json<Vec<BookingView>>> {
    let site = site_id(&state, &site)?;
    id.staff_at(&site, Role::Staff)?;
    let (s, d) = (site.to_string(), parse_date(&q.date)?.to_string());
    let rows = state.db.read(move |c| db::appointments::day_bookings(c, &s, &d)).await?;
    Ok(Json(rows.iter().map(|r| view(&state, r, None)).collect()))
}

/// A booking that staff of its site may change.
async fn own_booking(state: &AppState, id: &Identity, booking: &str) -> ApiResult<BookingRow> {
    check_id("appointment", booking)?;
    id.staff(Role::Staff)?;
    let b = booking.to_owned();
    let row = state.db.read(move |c| db::appointments::booking(c, &b)).await?;
    let row = row.ok_or_else(|| ApiError::not_found(format!("no appointment '{booking}'")))?;
    id.staff_at(&SiteId::from(row.site.as_str()), Role::Staff)?;
    Ok(row)
}

fn not_booked(row: &BookingRow) -> ApiError {
    ApiError::new(
        StatusCode::CONFLICT,
        "appointment_not_booked",
        format!("this appointment is {}, not booked", row.state.replace('_', " ")),
    )
}

/// Cancel a booking: its slot is free again.
#[utoipa::path(post, path = "/api/v1/appointments/{id}/cancel", tag = "appointments",
    params(("id" = String, Path, description = "appointment id")),
    security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, body = BookingView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn cancel(
    State(state): State<AppState>,
    id: Identity,
    Path(booking): Path<String>,
) -> ApiResult<Json<BookingView>> {
    let mut row = own_booking(&state, &id, &booking).await?;
    let now = state.now();
    let b = row.id.clone();
    let done = state.db.write(move |c| db::appointments::set_state(c, &b, "booked", "cancelled", None, now)).await?;
    if !done {
        return Err(not_booked(&row));
    }
    row.state = "cancelled".into();
    Ok(Json(view(&state, &row, None)))
}

/// Move a booking to another free slot (same service and length); the old slot is free again.
#[utoipa::path(post, path = "/api/v1/appointments/{id}/move", tag = "appointments",
    params(("id" = String, Path, description = "appointment id")),
    request_body = MoveRequest,
    security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, body = BookingView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn move_to(
    State(state): State<AppState>,
    id: Identity,
    Path(booking): Path<String>,
    ApiJson(req): ApiJson<MoveRequest>,
) -> ApiResult<Json<BookingView>> {
    let row = own_booking(&state, &id, &booking).await?;
    let site = SiteId::from(row.site.as_str());
    let cfg_site = state.cfg.site(&site).ok_or_else(|| ApiError::not_found("no such site"))?;
    let (date, start_min, at) = parse_start(cfg_site, &req.start)?;
    let (_, day) = service_day(&state, &site, &row.service, date)?;
    if at <= state.now() {
        return Err(ApiError::unprocessable("start is in the past"));
    }
    if row.state != "booked" {
        return Err(not_booked(&row));
    }
    let dur = row.duration_min;
    if let Some(e) = fits_reason(&day, &[], start_min, dur) {
        return Err(e);
    }
    let now = state.now();
    let (b, d) = (row.id.clone(), date.to_string());
    let (moved, refusal) = state
        .db
        .write(move |c| {
            let mut refusal = None;
            let moved = db::appointments::move_booking(c, &b, (&d, start_min, at.as_millisecond()), now, |booked| {
                refusal = fits_reason(&day, booked, start_min, dur);
                refusal.is_none()
            })?;
            Ok::<_, ApiError>((moved, refusal))
        })
        .await?;
    match moved {
        Moved::Done => {}
        Moved::NotBooked => return Err(not_booked(&row)),
        Moved::Taken => return Err(refusal.unwrap_or_else(|| not_booked(&row))),
    }
    let row = BookingRow { day: date.to_string(), start_min, start_ms: at.as_millisecond(), ..row };
    Ok(Json(view(&state, &row, None)))
}

/// Check in with a code at the kiosk: inside the booking's window, once, a ticket of priority
/// `appointment` due at the booked time. Too early or too late: 409 (`too_early` with when the
/// window opens, `too_late`: the kiosk offers a normal ticket and staff get an alert); a used code
/// 409 `code_used`; a code that is no booking of this site 404; a mistyped one 422. Wrong codes
/// count against the kiosk (`auth::WRONG_CODES_PER_MINUTE`), then 429.
#[utoipa::path(post, path = "/api/v1/sites/{site}/appointments/check-in", tag = "appointments",
    params(("site" = String, Path, description = "site id")),
    request_body = CheckInRequest,
    security(("bearer" = [])),
    responses((status = 201, body = TicketView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn check_in(
    State(state): State<AppState>,
    id: Identity,
    Path(site): Path<String>,
    ApiJson(req): ApiJson<CheckInRequest>,
) -> ApiResult<Outcome> {
    let site = site_id(&state, &site)?;
    id.staff_or_device(&site, &[DeviceKind::Kiosk])?;
    let cfg_site = state.cfg.site(&site).ok_or_else(|| ApiError::not_found("no such site"))?;
    if !cfg_site.languages.contains(&req.language) {
        return Err(ApiError::unprocessable(format!(
            "language '{}' is not offered at this site (offered: {})",
            super::excerpt(&req.language, 16),
            cfg_site.languages.join(", ")
        )));
    }
    let who = id.principal();
    state.limits.code_attempt(&who)?;
    let code = match Code::parse(&req.code) {
        Ok(c) => c,
        Err(e) => {
            state.limits.code_failed(&who)?;
            return Err(ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "code_mistyped", e.to_string()));
        }
    };
    let hash = code_hash(&state.token_secret, site.as_str(), &code.canonical());
    let s = site.to_string();
    let row = state.db.read(move |c| db::appointments::booking_by_code_hash(c, &s, &hash)).await?;
    let Some(row) = row.filter(|r| r.state != "cancelled") else {
        state.limits.code_failed(&who)?;
        return Err(ApiError::new(StatusCode::NOT_FOUND, "unknown_code", "no appointment has this code"));
    };
    if row.state == "checked_in" {
        return Err(ApiError::new(StatusCode::CONFLICT, "code_used", "this code was already used to check in"));
    }
    let at = Timestamp::from_millisecond(row.start_ms).map_err(ApiError::internal)?;
    let rules = &cfg_site.appointments;
    match booking::window(at, state.now(), rules.check_in_early_min, rules.check_in_late_min) {
        Window::Open => {}
        Window::Early { opens } => {
            let hm = opens.to_zoned(cfg_site.time_zone.clone()).strftime("%H:%M").to_string();
            return Err(ApiError {
                opens_at: Some(hm.clone()),
                ..ApiError::new(StatusCode::CONFLICT, "too_early", format!("check-in opens at {hm}"))
            });
        }
        Window::Late => {
            let b = row.id.clone();
            let now = state.now();
            state.db.write(move |c| db::appointments::mark_late(c, &b, now)).await?;
            let alert = queue_core::event::Alert {
                id: ulid::Ulid::new().to_string(),
                kind: "appointment_late".into(),
                source: "server".into(),
                message: format!(
                    "late for appointment: {} at {} ({}), code {}…",
                    row.service,
                    hhmm(row.start_min),
                    row.day,
                    row.code_hint
                ),
                ticket_number: None,
            };
            let cmd = Command::RaiseAlert { site: site.clone(), alert };
            if let Err(e) = state.writer.exec(Exec::new(cmd, queue_core::Actor::System)).await {
                tracing::warn!(error = %e, "could not raise the late appointment alert");
            }
            return Err(ApiError::new(
                StatusCode::CONFLICT,
                "too_late",
                "the check-in time for this appointment has passed: take a normal ticket; staff have been told",
            ));
        }
    }
    // The booking is claimed in the ticket's own transaction (see `writer::Exec::claim`).
    let ticket = TicketId(ulid::Ulid::new().to_string());
    let cmd = Command::CheckIn(IssueTicket {
        id: ticket,
        site,
        service: ServiceId::from(row.service.as_str()),
        priority: Priority::Appointment,
        appointment_at: Some(at),
        language: req.language,
        party_size: 1,
        // Two resources (routing rule 1b): the second professional rides on the ticket as a need.
        needs: row
            .mediator_language
            .iter()
            .map(|l| format!("mediator:{l}"))
            .chain(row.second_staff.iter().map(|s| format!("with:{s}")))
            .collect(),
    });
    let exec = Exec {
        cmd,
        actor: id.actor(&state.cfg),
        token: Some(random_secret(24)),
        idempotency: None,
        print: None,
        claim: Some(row.id.clone()),
    };
    Ok(state.writer.exec(exec).await?)
}

/// The housekeeper's pass: bookings still `booked` whose check-in window closed become `missed`
/// (stored, for the statistics), and the colleague who booked each is told with an
/// `appointment_missed` alert. Answers how many were marked.
pub async fn mark_missed(state: &AppState) -> ApiResult<usize> {
    let now = state.now();
    let rows = state.db.read(move |c| db::appointments::booked_before(c, now.as_millisecond())).await?;
    let mut marked = 0;
    for row in rows {
        let Some(site) = state.cfg.site(&SiteId::from(row.site.as_str())) else { continue };
        let at = Timestamp::from_millisecond(row.start_ms).map_err(ApiError::internal)?;
        let rules = &site.appointments;
        if booking::window(at, now, rules.check_in_early_min, rules.check_in_late_min) != Window::Late {
            continue;
        }
        let b = row.id.clone();
        if !state.db.write(move |c| db::appointments::set_state(c, &b, "booked", "missed", None, now)).await? {
            continue;
        }
        marked += 1;
        let late = if row.late_ms.is_some() { " (came too late)" } else { "" };
        let alert = queue_core::event::Alert {
            id: ulid::Ulid::new().to_string(),
            kind: "appointment_missed".into(),
            source: "server".into(),
            message: format!(
                "missed appointment{late}: {} at {} ({}), code {}…, booked by {}",
                row.service,
                hhmm(row.start_min),
                row.day,
                row.code_hint,
                row.booked_by
            ),
            ticket_number: None,
        };
        let cmd = Command::RaiseAlert { site: site.id.clone(), alert };
        if let Err(e) = state.writer.exec(Exec::new(cmd, queue_core::Actor::System)).await {
            tracing::warn!(error = %e, "could not raise the missed appointment alert");
        }
    }
    Ok(marked)
}
