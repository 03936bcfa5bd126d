//! Turning engine state into wire types: ticket views, public tickets, queues, desks, SSE payloads.
//! Only this module decides which fields reach which audience.

use config::Config;
use jiff::Timestamp;
use queue_core::engine::ServiceQueue;
use queue_core::wire::{
    CallView, DeskView, PublicTicket, QueueView, StaffEventDetail, StreamEvent, TicketView, WaitingList, WaitingTicket,
};
use queue_core::{DeskState, Engine, Estimate, Event, EventKind, SiteId, Status, Ticket};

/// People ahead and the estimate (`None`: no desk open) of a ticket now.
pub type Pos = (u32, Option<Estimate>);

/// RFC 3339 in the site's time zone, e.g. `2026-11-23T09:14:03+01:00`.
pub fn local_time(cfg: &Config, site: &SiteId, at: Timestamp) -> String {
    match cfg.site(site) {
        Some(s) => at.to_zoned(s.time_zone.clone()).strftime("%Y-%m-%dT%H:%M:%S%:z").to_string(),
        None => at.to_string(),
    }
}

/// The public label of a service in the site's default language.
pub fn service_label(cfg: &Config, t: &Ticket) -> String {
    let site = cfg.site(&t.site);
    let default = site.and_then(|s| s.languages.first()).map(String::as_str).unwrap_or("it");
    cfg.service(&t.site, &t.service)
        .and_then(|s| s.public_label.get(default).or_else(|| s.public_label.values().next()))
        .cloned()
        .unwrap_or_else(|| t.service.to_string())
}

/// A service's staff-facing name in `lang`, else in the site's first language, else its id.
pub fn service_name(cfg: &Config, site: &SiteId, service: &queue_core::ServiceId, lang: Option<&str>) -> String {
    let default = cfg.site(site).and_then(|s| s.languages.first()).map(String::as_str).unwrap_or("it");
    cfg.service(site, service)
        .and_then(|s| {
            lang.and_then(|l| s.names.get(l)).or_else(|| s.names.get(default)).or_else(|| s.names.values().next())
        })
        .cloned()
        .unwrap_or_else(|| service.to_string())
}

pub fn desk_label(cfg: &Config, t: &Ticket) -> Option<String> {
    if !matches!(t.status, Status::Called | Status::Serving | Status::Done | Status::NoShow) {
        return None;
    }
    // Visitors' side: the desk's public label (an "Ambulatorio" may be "Stanza 4" on screen).
    t.desk.as_ref().and_then(|d| cfg.desk(d)).map(|(_, d)| d.public_label.clone())
}

pub fn status_url(token: &str) -> String {
    format!("/t/{token}")
}

/// People ahead and estimated wait of a ticket now: `Engine::position`, the one definition.
pub fn position(engine: &Engine, t: &Ticket, now: Timestamp) -> Pos {
    engine.position(&t.id, now)
}

pub fn ticket_view(cfg: &Config, t: &Ticket, (ahead, wait): Pos, token: Option<String>) -> TicketView {
    TicketView {
        id: t.id.clone(),
        number: t.number.clone(),
        site: t.site.clone(),
        service: t.service.clone(),
        service_label: service_label(cfg, t),
        service_name: service_name(cfg, &t.site, &t.service, None),
        status: t.status,
        priority: t.priority,
        language: t.language.clone(),
        party_size: t.party_size,
        needs: t.needs.clone(),
        issued_at: local_time(cfg, &t.site, t.issued_at),
        desk: t.desk.clone(),
        desk_label: t.desk.as_ref().and_then(|d| cfg.desk(d)).map(|(_, d)| d.label.clone()),
        staff: t.staff.clone(),
        people_ahead: ahead,
        estimated_wait_s: wait.map(|e| e.wait_s),
        estimated_wait_range_s: wait.and_then(|e| e.range_s).map(|(lo, hi)| [lo, hi]),
        // The token is never stored: the URL is only known to the issuing request.
        status_url: token.as_deref().map(status_url).unwrap_or_default(),
        token,
        journey: t.journey.clone(),
        print_job: None,
        events: None,
    }
}

pub fn public_ticket(cfg: &Config, t: &Ticket, (ahead, wait): Pos) -> PublicTicket {
    PublicTicket {
        number: t.number.clone(),
        service_label: service_label(cfg, t),
        status: t.status,
        people_ahead: ahead,
        estimated_wait_s: wait.map(|e| e.wait_s),
        estimated_wait_range_s: wait.and_then(|e| e.range_s).map(|(lo, hi)| [lo, hi]),
        desk_label: desk_label(cfg, t),
    }
}

/// Who a payload is for: staff see service ids; displays and the public see public ids only (a
/// discreet service's id, e.g. `legale`, would tell the waiting room what it is).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    Staff,
    Public,
}

/// The id of a service as `audience` may see it.
pub fn service_id_for(cfg: &Config, site: &SiteId, service: &queue_core::ServiceId, audience: Audience) -> String {
    match (audience, cfg.service(site, service)) {
        (Audience::Public, Some(s)) => s.public_id.clone(),
        _ => service.to_string(),
    }
}

/// The queues of a site in the order its configuration lists the services (the engine keeps them
/// in a hash map: displays showed E, I, B, D …).
pub fn queue_views(cfg: &Config, site: &SiteId, mut queues: Vec<ServiceQueue>, audience: Audience) -> Vec<QueueView> {
    let default = cfg.site(site).and_then(|s| s.languages.first()).cloned().unwrap_or_default();
    let order = |q: &ServiceQueue| {
        cfg.site(site).and_then(|s| s.services.iter().position(|x| x.id == q.service)).unwrap_or(usize::MAX)
    };
    queues.sort_by_key(order);
    queues
        .into_iter()
        .map(|q| QueueView {
            service_label: cfg
                .service(site, &q.service)
                .and_then(|s| s.public_label.get(&default).cloned())
                .unwrap_or_else(|| q.service.to_string()),
            service_name: (audience == Audience::Staff).then(|| service_name(cfg, site, &q.service, None)),
            service: queue_core::ServiceId(service_id_for(cfg, site, &q.service, audience)),
            waiting: q.waiting,
            longest_wait_s: q.longest_wait_s,
            estimated_wait_s: q.estimated_wait_s,
            estimated_wait_range_s: q.estimated_wait_range_s.map(|(lo, hi)| [lo, hi]),
            open_desks: q.open_desks,
        })
        .collect()
}

pub fn desk_view(cfg: &Config, engine: &Engine, d: &DeskState, now: Timestamp) -> DeskView {
    let rules = cfg.desk(&d.id);
    DeskView {
        id: d.id.clone(),
        label: rules.map(|(_, r)| r.label.clone()).unwrap_or_default(),
        site: d.site.clone(),
        services: rules.map(|(_, r)| r.services.clone()).unwrap_or_default(),
        status: d.status,
        staff: d.staff.clone(),
        current: d
            .current
            .as_ref()
            .and_then(|id| engine.ticket(id))
            .map(|t| ticket_view(cfg, t, position(engine, t, now), None)),
    }
}

pub fn call_view(cfg: &Config, t: &Ticket, at: Timestamp) -> Option<CallView> {
    Some(CallView {
        ticket: public_ticket(cfg, t, (0, Some(queue_core::Estimate::ZERO))),
        desk: t.desk.clone()?,
        language: t.language.clone(),
        at: local_time(cfg, &t.site, at),
        recalls: t.recalls,
    })
}

/// The two payloads of one event: public (None for alerts) and staff.
pub fn stream_payloads(
    cfg: &Config,
    e: &Event,
    ticket: Option<&Ticket>,
    pos: Pos,
    desk: Option<&DeskState>,
) -> (Option<String>, String) {
    let is_call = matches!(e.kind, EventKind::TicketCalled { .. } | EventKind::TicketRecalled { .. });
    let mut public = StreamEvent {
        kind: e.kind.name().to_owned(),
        at: local_time(cfg, &e.site, e.at),
        ticket: ticket.map(|t| public_ticket(cfg, t, pos)),
        language: ticket.filter(|_| is_call).map(|t| t.language.clone()),
        desk: ticket.and_then(|t| t.desk.clone()).filter(|_| is_call).or_else(|| desk.map(|d| d.id.clone())),
        queues: None,
        staff: None,
        alert: None,
        alert_id: None,
        acknowledged_by: None,
    };
    let staff_detail = StaffEventDetail {
        ticket_id: ticket.map(|t| t.id.clone()),
        service: ticket.map(|t| t.service.clone()),
        service_name: ticket.map(|t| service_name(cfg, &t.site, &t.service, None)),
        priority: ticket.map(|t| t.priority),
        needs: ticket.map(|t| t.needs.clone()),
        party_size: ticket.map(|t| t.party_size),
        staff: ticket.and_then(|t| t.staff.clone()).or_else(|| desk.and_then(|d| d.staff.clone())),
        desk_status: desk.map(|d| d.status),
        target_desk: ticket.and_then(|t| t.target.as_ref()).and_then(|tg| tg.desk.clone()),
        target_staff: ticket.and_then(|t| t.target.as_ref()).and_then(|tg| tg.staff.clone()),
    };
    let mut staff = public.clone();
    staff.staff = Some(staff_detail);
    if let EventKind::AlertRaised { alert } = &e.kind {
        staff.alert = Some(alert.clone());
        return (None, to_json(&staff));
    }
    if let EventKind::AlertAcknowledged { alert } = &e.kind {
        staff.alert_id = Some(alert.clone());
        staff.acknowledged_by = e.actor.as_ref().map(ToString::to_string);
        return (None, to_json(&staff));
    }
    if matches!(e.kind, EventKind::DayClosed { .. }) {
        return (None, to_json(&staff));
    }
    if let EventKind::CapLifted { service, .. } = &e.kind {
        // Staff only: the waiting room need not know.
        staff.staff = Some(StaffEventDetail {
            service: Some(service.clone()),
            service_name: Some(service_name(cfg, &e.site, service, None)),
            ..staff_detail_empty()
        });
        return (None, to_json(&staff));
    }
    if matches!(e.kind, EventKind::TicketIssued { .. }) {
        // Displays need counts, not every new number: keep the public issued event minimal.
        public.language = None;
    }
    (Some(to_json(&public)), to_json(&staff))
}

fn staff_detail_empty() -> StaffEventDetail {
    StaffEventDetail {
        ticket_id: None,
        service: None,
        service_name: None,
        priority: None,
        needs: None,
        party_size: None,
        staff: None,
        desk_status: None,
        target_desk: None,
        target_staff: None,
    }
}

pub fn queue_payload(cfg: &Config, site: &SiteId, at: Timestamp, queues: Vec<QueueView>) -> String {
    to_json(&StreamEvent {
        kind: "queue.updated".into(),
        at: local_time(cfg, site, at),
        ticket: None,
        language: None,
        desk: None,
        queues: Some(queues),
        staff: None,
        alert: None,
        alert_id: None,
        acknowledged_by: None,
    })
}

/// JSON of a wire type. Our wire types (derived `Serialize`, string-keyed maps only) cannot fail to
/// serialize; should one ever fail, that is a bug: it is logged as an error and the client gets an
/// error body in our shape, never a silent `{}`.
pub fn to_json<T: serde::Serialize>(v: &T) -> String {
    match serde_json::to_string(v) {
        Ok(s) => s,
        Err(e) => {
            tracing::error!(error = %e, r#type = std::any::type_name::<T>(), "a wire value did not serialize");
            r#"{"error":{"code":"internal","message":"internal error: an answer could not be serialized"}}"#.into()
        }
    }
}

/// The waiting and held tickets of a site, for desk pages (no names exist to leak): oldest first,
/// or with `desk`, in the order that desk's Call next takes them, with the reasons. Service names
/// in `lang` (the staff member's).
pub fn waiting_list(
    cfg: &Config,
    engine: &Engine,
    site: &SiteId,
    now: Timestamp,
    desk: Option<&queue_core::DeskId>,
    lang: Option<&str>,
) -> WaitingList {
    let mut tickets: Vec<&Ticket> =
        engine.tickets().filter(|t| &t.site == site && matches!(t.status, Status::Waiting | Status::OnHold)).collect();
    tickets.sort_by_key(|t| (t.queued_at, t.seq));
    // A desk's call order first (`Engine::call_order`), then the tickets it does not list (other
    // services' waiting tickets, the held ones) oldest first.
    let order = desk.map(|d| engine.call_order(d, now)).unwrap_or_default();
    let placed: std::collections::HashMap<&queue_core::TicketId, (usize, &queue_core::routing::Placed)> =
        order.iter().enumerate().map(|(i, p)| (&p.ticket, (i, p))).collect();
    if desk.is_some() {
        tickets.sort_by_key(|t| placed.get(&t.id).map_or(usize::MAX, |(i, _)| *i));
    }
    let secs = |from: Timestamp| now.duration_since(from).as_secs().clamp(0, i64::from(u32::MAX)) as u32;
    WaitingList {
        out_of_order_calls: cfg.site(site).is_some_and(|s| s.policy.out_of_order_calls),
        closes_at: engine.next_closing(site, now).map(|c| local_time(cfg, site, c)),
        tickets: tickets
            .into_iter()
            .map(|t| {
                let place = placed.get(&t.id).map(|(_, p)| *p);
                WaitingTicket {
                    id: t.id.clone(),
                    number: t.number.clone(),
                    service: t.service.clone(),
                    service_label: service_label(cfg, t),
                    service_name: service_name(cfg, &t.site, &t.service, lang),
                    status: t.status,
                    priority: t.priority,
                    language: t.language.clone(),
                    party_size: t.party_size,
                    needs: t.needs.clone(),
                    waited_s: secs(t.queued_at),
                    held_s: t.held_at.filter(|_| t.status == Status::OnHold).map(secs),
                    callable: desk.map(|_| place.is_some_and(|p| p.callable)),
                    reasons: place.map(|p| p.reasons.clone()).unwrap_or_default(),
                    people_ahead: position(engine, t, now).0,
                    desk: t.desk.clone().filter(|_| t.status == Status::OnHold),
                    target_desk: t.target.as_ref().and_then(|tg| tg.desk.clone()),
                    target_staff: t.target.as_ref().and_then(|tg| tg.staff.clone()),
                }
            })
            .collect(),
    }
}

/// An alert as staff see it, with who took it.
pub fn alert_view(
    cfg: &Config,
    a: &queue_core::OpenAlert,
    acked: Option<(Timestamp, String)>,
) -> queue_core::wire::AlertView {
    let (acknowledged_at, acknowledged_by) = match acked {
        Some((at, by)) => (Some(local_time(cfg, &a.site, at)), Some(by)),
        None => (None, None),
    };
    queue_core::wire::AlertView {
        id: a.alert.id.clone(),
        site: a.site.clone(),
        kind: a.alert.kind.clone(),
        source: a.alert.source.clone(),
        message: a.alert.message.clone(),
        ticket_number: a.alert.ticket_number.clone(),
        raised_at: local_time(cfg, &a.site, a.raised_at),
        acknowledged_by,
        acknowledged_at,
    }
}
