//! Demo data: the state the `screenshots` command renders and the tests script events against.

use ::client::SseMessage;
use jiff::{SignedDuration, Timestamp};
use queue_core::Status;
use queue_core::wire::{CallView, DisplayDesk, DisplaySnapshot, PublicTicket, QueueView, StreamEvent};

/// 2026-11-23 09:00:00 UTC (10:00 in Livorno) plus `s` seconds.
pub fn t(s: i64) -> Timestamp {
    let base: Timestamp = "2026-11-23T09:00:00Z".parse().expect("a valid timestamp");
    base + SignedDuration::from_secs(s)
}

/// The public label of a number's service, as in the demo configuration ("A013" → "Area A").
pub fn label_of(number: &str) -> String {
    number.chars().next().map(|c| format!("Area {c}")).unwrap_or_default()
}

fn ticket(number: &str, status: Status, desk_label: Option<&str>) -> PublicTicket {
    PublicTicket {
        number: number.to_owned(),
        service_label: label_of(number),
        status,
        people_ahead: 0,
        estimated_wait_s: Some(0),
        estimated_wait_range_s: None,
        desk_label: desk_label.map(str::to_owned),
    }
}

fn queue(service: &str, label: &str, waiting: u32, est: u32) -> QueueView {
    QueueView {
        service: service.into(),
        service_label: label.to_owned(),
        service_name: None,
        waiting,
        longest_wait_s: est,
        estimated_wait_s: Some(est),
        estimated_wait_range_s: (est >= 900).then_some([est - est / 3, est + est / 3]),
        open_desks: 1,
    }
}

/// Livorno Via Terreni's nine services as `config/demo` has them: (public id, prefix, waiting,
/// estimated wait in seconds); the discreet ones (F, G, H) have the default public id `area-<prefix>`.
pub const DEMO_SERVICES: [(&str, &str, u32, u32); 9] = [
    ("letto", "A", 4, 700),
    ("igiene", "B", 2, 300),
    ("residenza", "C", 0, 0),
    ("lavoro", "D", 7, 2400),
    ("bagagli", "E", 1, 120),
    ("area-f", "F", 3, 1900),
    ("area-g", "G", 0, 0),
    ("area-h", "H", 2, 2700),
    ("computer", "I", 5, 1500),
];

/// A Livorno Via Terreni display snapshot: three calls, the nine queues in the configuration's
/// order, desks 1–3.
pub fn demo_snapshot() -> DisplaySnapshot {
    let call = |number: &str, status, desk: &str, label: &str, lang: &str, at: i64| CallView {
        ticket: ticket(number, status, Some(label)),
        desk: desk.into(),
        language: lang.to_owned(),
        at: t(at).to_string(),
        recalls: 0,
    };
    DisplaySnapshot {
        site: "livorno-terreni".into(),
        name: "Livorno – Via Terreni 7".to_owned(),
        languages: ["it", "en", "fr", "ar", "ro", "uk"].map(String::from).to_vec(),
        notice: [
            ("it", "Benvenuti. Il servizio docce è aperto fino alle 12:00."),
            ("en", "Welcome. Showers are open until 12:00."),
            ("ar", "أهلاً وسهلاً. الحمّامات مفتوحة حتى الساعة 12:00."),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect(),
        calls: vec![
            call("B004", Status::Called, "lt-sportello-2", "Sportello 2", "ar", -60),
            call("A012", Status::Serving, "lt-sportello-1", "Sportello 1", "it", -300),
            call("C002", Status::Done, "lt-sportello-1", "Sportello 1", "uk", -900),
        ],
        queues: DEMO_SERVICES.iter().map(|(id, p, w, e)| queue(id, &format!("Area {p}"), *w, *e)).collect(),
        desks: vec![
            DisplayDesk {
                id: "lt-sportello-1".into(),
                label: "Sportello 1".into(),
                services: vec!["letto".into(), "residenza".into()],
            },
            DisplayDesk {
                id: "lt-sportello-2".into(),
                label: "Sportello 2".into(),
                services: vec!["igiene".into(), "letto".into()],
            },
            DisplayDesk { id: "lt-sportello-3".into(), label: "Sportello 3".into(), services: vec!["igiene".into()] },
        ],
        last_event_id: 100,
        heartbeat_s: 10,
    }
}

/// A raw stream message.
pub fn msg(id: Option<u64>, event: &str, data: &str) -> SseMessage {
    SseMessage { id: id.map(|i| i.to_string()), event: event.to_owned(), data: data.to_owned(), retry: None }
}

/// The stream event of a ticket change (`ticket.called`, `ticket.recalled`, `ticket.done`…) at a desk;
/// the service label is the number's letter, the desk label is left for the display to look up.
pub fn call_event(kind: &str, number: &str, desk: &str, lang: &str) -> StreamEvent {
    let status = match kind {
        "ticket.called" | "ticket.recalled" => Status::Called,
        "ticket.serving" => Status::Serving,
        "ticket.done" => Status::Done,
        "ticket.no_show" => Status::NoShow,
        "ticket.cancelled" => Status::Cancelled,
        "ticket.on_hold" => Status::OnHold,
        _ => Status::Waiting,
    };
    StreamEvent {
        kind: kind.to_owned(),
        at: t(0).to_string(),
        ticket: Some(ticket(number, status, None)),
        language: Some(lang.to_owned()),
        desk: Some(desk.into()),
        queues: None,
        staff: None,
        alert: None,
        alert_id: None,
        acknowledged_by: None,
    }
}

/// [`call_event`] as a stream message with an id (the event happened at t(0)).
pub fn call_msg(id: u64, kind: &str, number: &str, desk: &str, lang: &str) -> SseMessage {
    call_msg_at(id, kind, number, desk, lang, t(0))
}

/// [`call_msg`] of an event that happened at `at` (on the server's clock).
pub fn call_msg_at(id: u64, kind: &str, number: &str, desk: &str, lang: &str, at: Timestamp) -> SseMessage {
    let mut ev = call_event(kind, number, desk, lang);
    ev.at = at.to_string();
    msg(Some(id), kind, &serde_json::to_string(&ev).expect("serializable"))
}

/// A heartbeat sent when the server's clock read `at`.
pub fn heartbeat_msg(at: Timestamp) -> SseMessage {
    msg(None, "heartbeat", &format!(r#"{{"type":"heartbeat","at":"{at}"}}"#))
}

/// A `queue.updated` message: (service, label, waiting, estimated wait in seconds).
pub fn queue_msg(id: u64, queues: &[(&str, &str, u32, u32)]) -> SseMessage {
    let ev = StreamEvent {
        kind: "queue.updated".to_owned(),
        at: t(0).to_string(),
        ticket: None,
        language: None,
        desk: None,
        queues: Some(queues.iter().map(|(s, l, w, e)| queue(s, l, *w, *e)).collect()),
        staff: None,
        alert: None,
        alert_id: None,
        acknowledged_by: None,
    };
    msg(Some(id), "queue.updated", &serde_json::to_string(&ev).expect("serializable"))
}
