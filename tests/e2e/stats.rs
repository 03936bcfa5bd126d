//! Issue #6: statistics figures against values computed by hand from a fixture event log
//! written straight into the storage: transfers with and without keep-position, holds, recalls,
//! no-shows, tickets crossing midnight, and both daylight-saving change days in Europe/Rome.

use jiff::Timestamp;
use queue_core::model::{Priority, Status, Ticket};
use queue_core::{DeskId, Event, EventKind, ServiceId, SiteId, StaffId, TicketId};
use serde_json::Value;
use tests::StatusCode;
use tests::{LIVORNO, TestServer, test_config_dir};

fn ts(s: &str) -> Timestamp {
    s.parse().unwrap()
}

struct Log {
    events: Vec<Event>,
    tickets: Vec<Ticket>,
}

impl Log {
    fn ev(&mut self, at: &str, kind: EventKind) {
        self.events.push(Event { at: ts(at), site: SiteId::from(LIVORNO), actor: None, kind });
    }
    fn issue(&mut self, id: &str, service: &str, at: &str, party: u32) {
        let issued = ts(at);
        let tz = jiff::tz::TimeZone::get("Europe/Rome").unwrap();
        let n = self.tickets.len() as u32 + 1;
        let t = Ticket {
            id: TicketId::from(id),
            number: format!("S{n:03}"),
            seq: n,
            day: issued.to_zoned(tz).date(),
            site: SiteId::from(LIVORNO),
            service: ServiceId::from(service),
            status: Status::Waiting,
            priority: Priority::Standard,
            appointment_at: None,
            language: "it".into(),
            party_size: party,
            // T2..T4 are of the `migranti` target group; T3 also asked for an Arabic mediator.
            needs: match id {
                "T2" | "T4" => vec!["group:migranti".into()],
                "T3" => vec!["group:migranti".into(), "mediator:ar".into()],
                _ => vec![],
            },
            issued_at: issued,
            queued_at: issued,
            desk: None,
            staff: None,
            target: None,
            called_at: None,
            held_at: None,
            recalls: 0,
            estimated_wait_s: None,
            // T7 was issued while sociale's target was two hours (the configuration says one now):
            // it is measured against the target stored with it, on every path.
            target_wait_s: (id == "T7").then_some(7200),
            journey: vec![],
        };
        self.ev(at, EventKind::TicketIssued { ticket: Box::new(t.clone()) });
        self.tickets.push(t);
    }
    fn call(&mut self, id: &str, at: &str) {
        self.ev(
            at,
            EventKind::TicketCalled {
                ticket: TicketId::from(id),
                desk: DeskId::from("d1"),
                staff: StaffId::from("giulia"),
                out_of_order: false,
            },
        );
    }
    fn serve(&mut self, id: &str, at: &str) {
        self.ev(at, EventKind::TicketServing { ticket: TicketId::from(id) });
    }
    fn done(&mut self, id: &str, at: &str) {
        self.ev(at, EventKind::TicketDone { ticket: TicketId::from(id) });
    }
    fn status(&mut self, id: &str, st: Status) {
        self.tickets.iter_mut().find(|t| t.id.as_str() == id).unwrap().status = st;
    }
}

/// The fixture. Livorno is in Europe/Rome: UTC+1 until 2026-03-29 01:00Z, UTC+2 until 2026-10-25 01:00Z.
fn fixture() -> Log {
    let mut l = Log { events: vec![], tickets: vec![] };
    // T1 (28 March, local 23:50) served after midnight: belongs to the 28th. wait 1800, walk 60, service 600.
    l.issue("T1", "sociale", "2026-03-28T22:50:00Z", 1);
    l.call("T1", "2026-03-28T23:20:00Z");
    l.serve("T1", "2026-03-28T23:21:00Z");
    l.done("T1", "2026-03-28T23:31:00Z");
    // T2 (29th, local 01:30 CET) called at local 03:30 CEST: one real hour of wait (3600, within
    // sociale's 3600), walk 60, serving 600, transferred without keep-position to lavoro
    // (employment: an integrated journey), waits 3600, walk 60, serving 600.
    l.issue("T2", "sociale", "2026-03-29T00:30:00Z", 1);
    l.call("T2", "2026-03-29T01:30:00Z");
    l.serve("T2", "2026-03-29T01:31:00Z");
    l.ev(
        "2026-03-29T01:41:00Z",
        EventKind::TicketTransferred {
            ticket: TicketId::from("T2"),
            from_service: ServiceId::from("sociale"),
            service: ServiceId::from("lavoro"),
            desk: None,
            staff: None,
            keep_position: false,
        },
    );
    l.call("T2", "2026-03-29T02:41:00Z");
    l.serve("T2", "2026-03-29T02:42:00Z");
    l.done("T2", "2026-03-29T02:52:00Z");
    // T3 lavoro, party of 3: wait 3000 (> 2700), recalled, no-show.
    l.issue("T3", "lavoro", "2026-03-29T08:00:00Z", 3);
    l.call("T3", "2026-03-29T08:50:00Z");
    l.ev("2026-03-29T08:52:00Z", EventKind::TicketRecalled { ticket: TicketId::from("T3") });
    l.ev("2026-03-29T08:55:00Z", EventKind::TicketNoShow { ticket: TicketId::from("T3") });
    // T4 residenza (social): wait 600, walk 120, serving 480, on hold 1800, returned with
    // keep-position, wait 600, walk 60, serving 600.
    l.issue("T4", "residenza", "2026-03-29T09:00:00Z", 1);
    l.call("T4", "2026-03-29T09:10:00Z");
    l.serve("T4", "2026-03-29T09:12:00Z");
    l.ev("2026-03-29T09:20:00Z", EventKind::TicketOnHold { ticket: TicketId::from("T4") });
    l.ev(
        "2026-03-29T09:50:00Z",
        EventKind::TicketReturned { ticket: TicketId::from("T4"), keep_position: true, target_desk: None },
    );
    l.call("T4", "2026-03-29T10:00:00Z");
    l.serve("T4", "2026-03-29T10:01:00Z");
    l.done("T4", "2026-03-29T10:11:00Z");
    // T5 lavoro at local 23:30 CEST on the 29th, cancelled.
    l.issue("T5", "lavoro", "2026-03-29T21:30:00Z", 1);
    l.ev("2026-03-29T21:45:00Z", EventKind::TicketCancelled { ticket: TicketId::from("T5") });
    // T6 at local 00:10 on the 30th: not the 29th.
    l.issue("T6", "lavoro", "2026-03-29T22:10:00Z", 1);
    l.call("T6", "2026-03-29T22:20:00Z");
    l.serve("T6", "2026-03-29T22:20:00Z");
    l.done("T6", "2026-03-29T22:30:00Z");
    // 25 October (25 hours). T7 at local 00:30 CEST: wait 7200, walk 60, service 600.
    l.issue("T7", "sociale", "2026-10-24T22:30:00Z", 2);
    l.call("T7", "2026-10-25T00:30:00Z");
    l.serve("T7", "2026-10-25T00:31:00Z");
    l.done("T7", "2026-10-25T00:41:00Z");
    // T8 at local 23:30 CET, done after midnight: wait 600, walk 60, service 1440.
    l.issue("T8", "sociale", "2026-10-25T22:30:00Z", 1);
    l.call("T8", "2026-10-25T22:40:00Z");
    l.serve("T8", "2026-10-25T22:41:00Z");
    l.done("T8", "2026-10-25T23:05:00Z");
    for id in ["T1", "T2", "T4", "T6", "T7", "T8"] {
        l.status(id, Status::Done);
    }
    l.status("T3", Status::NoShow);
    l.status("T5", Status::Cancelled);
    // Desk d1 on the 29th (Giulia): open 07:00–09:00Z, paused 09:00–09:30Z, open 09:30–12:00Z.
    let opened = || EventKind::DeskOpened {
        desk: DeskId::from("d1"),
        staff: StaffId::from("giulia"),
        languages: vec![],
        professions: vec![],
    };
    l.ev("2026-03-29T07:00:00Z", opened());
    l.ev("2026-03-29T09:00:00Z", EventKind::DeskPaused { desk: DeskId::from("d1") });
    l.ev("2026-03-29T09:30:00Z", opened());
    l.ev("2026-03-29T12:00:00Z", EventKind::DeskClosed { desk: DeskId::from("d1") });
    l
}

async fn server_with_fixture() -> TestServer {
    let data = tempfile::tempdir().unwrap();
    let log = fixture();
    let mut events = log.events.clone();
    events.sort_by_key(|e| e.at);
    queue_server::tools::HistorySeed::open(data.path()).unwrap().write(&log.tickets, &events).unwrap();
    TestServer::start_with(test_config_dir(), data).await
}

fn f(v: &Value, k: &str) -> f64 {
    v[k].as_f64().unwrap_or_else(|| panic!("{k} in {v}"))
}

/// The hand-computed figures of the fixture.
async fn check_summaries(m: &tests::Client) {
    let get = |q: String| {
        let m = m.clone();
        async move {
            let (st, v) = m.get(&format!("/api/v1/stats/summary?site={LIVORNO}&{q}")).await;
            assert_eq!(st, StatusCode::OK, "{q}: {v}");
            v
        }
    };

    // 29 March (23 hours): T2, T3, T4, T5.
    let s = get("from=2026-03-29&to=2026-03-29".into()).await;
    let counts: Vec<f64> =
        ["issued", "served", "no_show", "cancelled", "open", "on_hold", "people"].iter().map(|k| f(&s, k)).collect();
    assert_eq!(counts, [4.0, 2.0, 1.0, 1.0, 0.0, 1.0, 6.0], "{s}");
    // Waits of called tickets: T2 7200, T3 3000, T4 1200.
    assert_eq!(
        (f(&s, "wait_mean_s"), f(&s, "wait_p50_s"), f(&s, "wait_p90_s"), f(&s, "wait_max_s")),
        (3800.0, 3000.0, 7200.0, 7200.0)
    );
    // Walks 60, 60, 120, 60; service of done tickets T2 1200, T4 1080; T4 held 1800.
    assert_eq!(
        (f(&s, "walk_mean_s"), f(&s, "walk_p90_s"), f(&s, "service_mean_s"), f(&s, "hold_mean_s")),
        (75.0, 120.0, 1140.0, 1800.0)
    );
    // First waits: T2 3600 ≤ 3600, T3 3000 > 2700, T4 600 ≤ 2700.
    assert!((f(&s, "service_level") - 2.0 / 3.0).abs() < 1e-9);
    assert_eq!((f(&s, "transfers"), f(&s, "recalls"), f(&s, "integrated_journeys")), (1.0, 1.0, 1.0));

    // Per desk and staff member on the 29th: T2 (1200 s) and T4 (1080 s) finished at d1 by Giulia;
    // d1 open 2 h + 2 h 30, paused 30 min.
    let (st, r) = m.get(&format!("/api/v1/stats/staff?site={LIVORNO}&from=2026-03-29&to=2026-03-29")).await;
    assert_eq!(st, StatusCode::OK, "{r}");
    for (kind, id) in [("desks", "d1"), ("staff", "giulia")] {
        let row = r[kind].as_array().unwrap().iter().find(|w| w["id"] == id).unwrap_or_else(|| panic!("{r}"));
        assert_eq!(
            (f(row, "served"), f(row, "service_mean_s"), f(row, "open_s"), f(row, "paused_s")),
            (2.0, 1140.0, 16200.0, 1800.0),
            "{row}"
        );
    }
    // Queue length by local hour on the 29th (CEST): T3 waits 10:00–10:50, T4 11:00–11:10 and
    // 11:50–12:00, T5 23:30–23:45.
    let (_, q) = m.get(&format!("/api/v1/stats/queue-length?site={LIVORNO}&from=2026-03-29&to=2026-03-29")).await;
    let h = |i: usize| q["mean_waiting_by_hour"][i].as_f64().unwrap();
    assert_eq!((h(10), h(11), h(23), q["days"].as_u64().unwrap()), (0.83, 0.33, 0.25, 1), "{q}");

    // A service's figures follow its queue: lavoro holds T3 and T5, issued there, and T2,
    // transferred in (waited 3600 there, served there); sociale holds T2 with its time there
    // (waited 3600, served 600, then sent on) and nothing of its time in lavoro.
    let s = get("from=2026-03-29&to=2026-03-29&service=lavoro".into()).await;
    let counts = ["issued", "served", "no_show", "cancelled", "sent_on", "people"].map(|k| f(&s, k));
    assert_eq!(counts, [3.0, 1.0, 1.0, 1.0, 0.0, 5.0], "{s}");
    // Waits T3 3000, T2 3600; first waits against lavoro's 2700: neither within.
    assert_eq!((f(&s, "wait_mean_s"), f(&s, "service_level"), f(&s, "service_mean_s")), (3300.0, 0.0, 600.0));
    let s = get("from=2026-03-29&to=2026-03-29&service=sociale".into()).await;
    assert_eq!(
        (f(&s, "issued"), f(&s, "served"), f(&s, "wait_mean_s"), f(&s, "service_mean_s")),
        (1.0, 1.0, 3600.0, 600.0)
    );
    assert_eq!((f(&s, "walk_mean_s"), f(&s, "service_level"), f(&s, "transfers")), (60.0, 1.0, 1.0), "{s}");

    // The 28th holds T1, issued before midnight and served after it.
    let s = get("from=2026-03-28&to=2026-03-28".into()).await;
    assert_eq!(
        (f(&s, "issued"), f(&s, "served"), f(&s, "wait_max_s"), f(&s, "service_mean_s")),
        (1.0, 1.0, 1800.0, 600.0)
    );
    // The 30th holds T6 (issued at 00:10 local).
    let s = get("from=2026-03-30&to=2026-03-30".into()).await;
    assert_eq!(f(&s, "issued"), 1.0);
    // The whole spring: T1..T6.
    let s = get("from=2026-03-28&to=2026-03-30".into()).await;
    assert_eq!((f(&s, "issued"), f(&s, "people")), (6.0, 8.0));

    // 25 October (25 hours): T7 and T8.
    let s = get("from=2026-10-25&to=2026-10-25".into()).await;
    assert_eq!((f(&s, "issued"), f(&s, "served"), f(&s, "people")), (2.0, 2.0, 3.0));
    assert_eq!((f(&s, "wait_mean_s"), f(&s, "wait_p50_s"), f(&s, "wait_p90_s")), (3900.0, 600.0, 7200.0));
    // First waits: T7 7200 within its stored 7200 (not the configuration's 3600), T8 600 ≤ 3600.
    assert_eq!((f(&s, "walk_mean_s"), f(&s, "service_mean_s"), f(&s, "service_level")), (60.0, 1020.0, 1.0));
    // The same day by time range (from the events even when the day is rolled up: a partial day
    // at each edge) agrees with the day read by date.
    let s = get("from=2026-10-25T00:00:01%2B02:00&to=2026-10-26T00:00:00%2B01:00".into()).await;
    assert_eq!((f(&s, "issued"), f(&s, "service_level")), (2.0, 1.0), "{s}");
    // A time without an offset is read in the site's time zone (CET on the 25th's evening): the
    // last local hour holds T8 only, not the whole day.
    let s = get("from=2026-10-25T23:00:00&to=2026-10-26T00:00:00".into()).await;
    assert_eq!(f(&s, "issued"), 1.0, "{s}");
    let s = get("from=2026-10-25T22:00:00&to=2026-10-25T23:00:00".into()).await;
    assert_eq!(f(&s, "issued"), 0.0, "{s}");
    // RFC 3339 bounds: the last local hour of the 25th holds T8 only.
    let s = get("from=2026-10-25T23:00:00%2B01:00&to=2026-10-26T00:00:00%2B01:00".into()).await;
    assert_eq!(f(&s, "issued"), 1.0);
    // An empty period.
    let s = get("from=2026-01-01&to=2026-01-02".into()).await;
    assert_eq!((f(&s, "issued"), s["service_level"].clone()), (0.0, Value::Null));
    for k in ["wait_mean_s", "wait_p90_s", "walk_mean_s", "service_mean_s", "hold_mean_s", "estimate_bias_s"] {
        assert!(s[k].is_null(), "{k} of an empty period: {s}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn summary_matches_hand_computed_figures() {
    let server = server_with_fixture().await;
    let m = server.staff("responsabile").await;
    // Once from the per-day roll-ups, once from the events alone: the same figures.
    // A pass run now (after the start-up pass) has rolled up every past day of the fixture.
    server.housekeeping_pass().await;
    let db = rusqlite::Connection::open(server.db_path()).unwrap();
    let rolled: i64 = db.query_row("SELECT count(*) FROM stats_days WHERE service = ''", [], |r| r.get(0)).unwrap();
    let days: i64 = db.query_row("SELECT count(DISTINCT day) FROM tickets", [], |r| r.get(0)).unwrap();
    assert_eq!(rolled, days, "the fixture's days are rolled up");
    check_summaries(&m).await;
    // The per-day table: whole days from the roll-ups, the partial first day from the events.
    let per_day = |q: &'static str| {
        let m = m.clone();
        async move {
            let r = m
                .answer(
                    m.request(tests::Method::GET, &format!("/api/v1/stats/export.csv?table=days&site={LIVORNO}&{q}")),
                )
                .await;
            assert_eq!(r.status, StatusCode::OK, "{q}: {}", r.body);
            r.body
        }
    };
    let periods = ["from=2026-03-01&to=2026-10-31", "from=2026-03-29T10:30:00&to=2026-10-31"];
    let mut rolled_days = Vec::new();
    for q in periods {
        rolled_days.push(per_day(q).await);
    }
    assert!(rolled_days[0].lines().count() > 3, "{}", rolled_days[0]);
    assert_ne!(rolled_days[0], rolled_days[1], "the partial first day counts only its part");
    db.execute("DELETE FROM stats_days", []).unwrap();
    check_summaries(&m).await;
    for (q, rolled) in periods.into_iter().zip(rolled_days) {
        assert_eq!(per_day(q).await, rolled, "{q}: the same from the roll-ups as from the events");
    }

    // Bad input.
    let (st, _) = m.get(&format!("/api/v1/stats/summary?site={LIVORNO}&from=ieri")).await;
    assert_eq!(st, StatusCode::BAD_REQUEST);
    let (st, _) = m.get(&format!("/api/v1/stats/summary?site={LIVORNO}&from=2026-03-31&to=2026-03-29")).await;
    assert_eq!(st, StatusCode::BAD_REQUEST);
    let (st, _) = m.get(&format!("/api/v1/stats/summary?site={LIVORNO}&service=nessuno")).await;
    assert_eq!(st, StatusCode::NOT_FOUND);

    // Breakdown of the 29th: arrivals at local 01:30 CET, 10:00, 11:00 and 23:30 CEST on a Sunday.
    let (st, b) = m.get(&format!("/api/v1/stats/breakdown?site={LIVORNO}&from=2026-03-29&to=2026-03-29")).await;
    assert_eq!(st, StatusCode::OK, "{b}");
    let sunday = &b["arrivals_by_hour_of_week"][6];
    let hours: Vec<usize> = (0..24).filter(|h| sunday[*h].as_u64() == Some(1)).collect();
    assert_eq!(hours, [1, 10, 11, 23], "{b}");
    assert_eq!(
        b["arrivals_by_hour_of_week"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|d| d.as_array().unwrap())
            .filter_map(Value::as_u64)
            .sum::<u64>(),
        4
    );
    assert_eq!((b["needs"]["group:migranti"].as_u64(), b["needs"]["mediator:ar"].as_u64()), (Some(3), Some(1)));
    assert_eq!((b["languages"]["it"].as_u64(), b["priorities"]["standard"].as_u64()), (Some(4), Some(4)));
    assert_eq!(b["transfers"]["sociale→lavoro"].as_u64(), Some(1));

    // Funder report for March (min_group_size 5): T1..T6; cells of 1–4 are null.
    let (st, r) = m.get(&format!("/api/v1/stats/funder?site={LIVORNO}&month=2026-03")).await;
    assert_eq!(st, StatusCode::OK, "{r}");
    assert_eq!(
        (r["tickets"].as_u64(), r["people"].as_u64(), r["min_group_size"].as_u64()),
        (Some(6), Some(8), Some(5))
    );
    // Five migranti people, but from three households (T2, T3 a family of three, T4): a cell
    // that fewer than five households make up is suppressed like a small count.
    assert!(r["people_by_group"]["migranti"].is_null(), "{r}");
    assert!(r["services_used"]["sociale"].is_null() && r["services_used"]["lavoro"].is_null(), "{r}");
    assert!(r["services_used"]["residenza"].is_null() && r["integrated_journeys"].is_null(), "{r}");
    // Called: T1 1800, T2 7200, T3 3000, T4 1200, T6 600 → mean 2760, p90 7200.
    assert_eq!((r["wait_mean_s"].as_f64(), r["wait_p90_s"].as_f64()), (Some(2760.0), Some(7200.0)));
    // October: two tickets, everything small is suppressed.
    let (_, r) = m.get(&format!("/api/v1/stats/funder?site={LIVORNO}&month=2026-10")).await;
    assert!(r["tickets"].is_null() && r["wait_mean_s"].is_null(), "{r}");
    let (st, _) = m.get(&format!("/api/v1/stats/funder?site={LIVORNO}&month=marzo")).await;
    assert_eq!(st, StatusCode::BAD_REQUEST);

    // CSV: the summary row and one row per ticket.
    let csv_of = |table: &str| {
        let path = format!("/api/v1/stats/export.csv?table={table}&site={LIVORNO}&from=2026-03-29&to=2026-03-29");
        m.answer(m.request(tests::Method::GET, &path))
    };
    let r = csv_of("tickets").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.headers["content-type"].to_str().unwrap().starts_with("text/csv"));
    let csv = r.body;
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 5, "{csv}");
    assert!(lines[0].starts_with("ticket,number,service,services,"), "{csv}");
    // Read by column name: T2 waited in sociale then lavoro; no estimate was told in this log.
    let header: Vec<&str> = lines[0].split(',').collect();
    let t2: Vec<&str> = lines.iter().find(|l| l.starts_with("T2,")).expect("T2 in the table").split(',').collect();
    let col = |name: &str| t2[header.iter().position(|h| *h == name).unwrap_or_else(|| panic!("no {name} column"))];
    assert_eq!((col("service"), col("services")), ("sociale", "sociale|lavoro"), "{csv}");
    let figures = ["wait_s", "first_wait_s", "estimated_wait_s", "estimate_error_s", "walk_s", "service_s", "hold_s"];
    assert_eq!(figures.map(col), ["7200", "3600", "", "", "120", "1200", "0"], "{csv}");
    assert_eq!((col("transfers"), col("recalls")), ("1", "0"), "{csv}");
    let csv = csv_of("summary").await.body;
    let mut lines = csv.lines();
    let head: Vec<&str> = lines.next().unwrap().split(',').collect();
    let row: Vec<&str> = lines.next().unwrap().split(',').collect();
    let issued = head.iter().position(|h| *h == "issued").unwrap();
    assert_eq!(row[issued], "4");
    for (table, line) in [("arrivals", "7,23,1"), ("mix", "need,group:migranti,3")] {
        let csv = csv_of(table).await.body;
        assert!(csv.lines().any(|l| l == line), "{table}: {csv}");
    }
    // Times are site-local with their offset, to the second: T4 was issued at 09:00Z (CEST).
    let csv = csv_of("tickets").await.body;
    let t4 = csv.lines().find(|l| l.starts_with("T4,")).unwrap();
    assert!(t4.contains(",2026-03-29T11:00:00+02:00,"), "{t4}");
    // For Italian Excel: `;` between fields, decimal commas, and a UTF-8 byte-order mark.
    let excel = |table: &str, extra: &str| {
        let path =
            format!("/api/v1/stats/export.csv?table={table}&site={LIVORNO}&from=2026-03-29&to=2026-03-29&{extra}");
        m.answer(m.request(tests::Method::GET, &path))
    };
    let r = excel("summary", "separator=semicolon&bom=true").await;
    assert_eq!(r.status, StatusCode::OK);
    let body = r.body.strip_prefix('\u{feff}').unwrap_or_else(|| panic!("no BOM: {:?}", &r.body[..20]));
    let mut lines = body.lines();
    let head: Vec<&str> = lines.next().unwrap().split(';').collect();
    let row: Vec<&str> = lines.next().unwrap().split(';').collect();
    let col = |name: &str| row[head.iter().position(|h| *h == name).unwrap_or_else(|| panic!("{name}: {body}"))];
    // Service level 2/3, a mean of 3800 s and a hold of 1800 s; the bias is empty (no estimate).
    assert_eq!((col("service_level"), col("wait_mean_s")), ("0,6666666666666666", "3800"), "{body}");
    assert_eq!((col("issued"), col("hold_mean_s"), col("estimate_bias_s")), ("4", "1800", ""), "{body}");
    // Without the options: commas and points, no BOM.
    let plain = csv_of("summary").await.body;
    assert!(plain.starts_with(|c: char| c.is_ascii_lowercase()) && plain.contains(",0.6666666666666666,"), "{plain}");
    let body = excel("tickets", "separator=semicolon").await.body;
    assert!(body.starts_with("ticket;number;service;services;issued_at;"), "{body}");
    assert!(
        body.lines().any(|l| l.starts_with("T4;S004;residenza;residenza;2026-03-29T11:00:00+02:00;done;")),
        "{body}"
    );
    for bad in ["separator=tab", "bom=maybe"] {
        let r = excel("summary", bad).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{bad}: {}", r.body);
    }
    // The /stats page: the same figures, the heat map as inline SVG, CSV links; managers only.
    // (The headless-browser test of the dashboard belongs to the browser harness, not here.)
    let page = |c: tests::Client, q: String| async move {
        let r = c.answer(c.request(tests::Method::GET, &format!("/stats?{q}"))).await;
        (r.status, r.body)
    };
    let (st, html) = page(m.clone(), format!("site={LIVORNO}&from=2026-03-29&to=2026-03-29")).await;
    assert_eq!(st, StatusCode::OK);
    assert!(html.contains("<th>Biglietti emessi</th><td>4</td>"), "{html}");
    assert!(html.contains(r#"<svg id="heatmap""#) && html.matches(r#"class="cell""#).count() == 168);
    assert!(html.contains("Dom 23:00 — 1") && html.contains("export.csv?table=tickets"));
    assert!(html.contains("separator=semicolon&amp;bom=true"), "the Excel links: {html}");
    let (_, html) = page(m.clone(), format!("site={LIVORNO}&from=2026-10-25&to=2026-10-25")).await;
    assert!(html.contains("<th>Biglietti emessi</th><td>2</td>"), "{html}");
    let (st, _) = page(server.staff("giulia").await, format!("site={LIVORNO}")).await;
    assert_eq!(st, StatusCode::FORBIDDEN);
    // Logged out: sent to the staff login (the desk page), which sends them back after it.
    let anon = server.client();
    let r = anon.answer(anon.request(tests::Method::GET, &format!("/stats?site={LIVORNO}"))).await;
    let location = r.headers.get("location").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    let to_login = (r.status == StatusCode::SEE_OTHER && location == format!("/desk?then=/stats%3Fsite%3D{LIVORNO}"))
        || (r.status == StatusCode::OK && r.body.contains(r#"id="login-form""#));
    assert!(to_login, "{} {location} {}", r.status, r.body);

    let (st, _) = m.get(&format!("/api/v1/stats/export.csv?table=nope&site={LIVORNO}")).await;
    assert_eq!(st, StatusCode::BAD_REQUEST);
    server.stop().await;
}

/// The dashboard in headless chromium: figures for the chosen period, a filter changes them, the
/// CSV links download, the heat map and the queue chart render, the live view shows the site now.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_dashboard_in_a_real_browser() {
    let Some(driver) = tests::browser::Driver::start().await else { return };
    let server = server_with_fixture().await;
    let url = server.url.clone();
    let b = driver.session("manager").await;
    b.goto(&format!("{url}/healthz")).await;
    let status = b
        .js_async(
            "var done = arguments[arguments.length - 1];
             fetch('/api/v1/session', {method: 'POST', headers: {'Content-Type': 'application/json'},
                   body: JSON.stringify({username: 'responsabile', password: arguments[0]})})
               .then(function (r) { done(r.status); }, function (e) { done(String(e)); });",
            serde_json::json!([tests::PASSWORD]),
        )
        .await;
    assert_eq!(status, serde_json::json!(200));
    let issued = "(function () { var rows = document.querySelectorAll('#summary tr'); \
                  return rows.length ? rows[0].querySelector('td').textContent : ''; })()";
    b.goto(&format!("{url}/stats?site={LIVORNO}&from=2026-03-29&to=2026-03-29")).await;
    b.wait("the summary", &format!("{issued} === '4'")).await;
    // Issue 16: the Appointments section, one row per figure (none booked in this fixture).
    b.wait("the appointments section", "document.querySelectorAll('#appointments tr').length === 17").await;
    b.wait("the heat map", "document.querySelectorAll('#heatmap rect.cell').length === 168").await;
    let lit = b.js("return Array.from(document.querySelectorAll('#heatmap rect.cell')).filter(function (r) { return parseFloat(r.getAttribute('fill-opacity')) > 0; }).length;", serde_json::json!([])).await;
    assert_eq!(lit, serde_json::json!(4), "four arrival hours on the 29th");
    b.wait("the queue chart", "document.querySelectorAll('#queuechart rect.bar').length === 24").await;
    b.wait("the desk table", "document.querySelector('#staff').textContent.indexOf('giulia') >= 0").await;
    b.screenshot("stats-dashboard").await;

    // A filter: the whole spring.
    b.js(
        "document.querySelector('input[name=from]').value = '2026-03-28';
         document.querySelector('input[name=to]').value = '2026-03-30';
         document.querySelector('form').submit();",
        serde_json::json!([]),
    )
    .await;
    b.wait("the figures for three days", &format!("{issued} === '6'")).await;

    // The CSV links download the same figures (fetched from a page without the dashboard's
    // no-connections policy, with the same session cookie).
    let href = b
        .js(
            "return Array.from(document.querySelectorAll('a')).find(function (x) { return x.textContent === 'summary.csv'; }).href;",
            serde_json::json!([]),
        )
        .await;
    b.goto(&format!("{url}/healthz")).await;
    let csv = b
        .js_async(
            "var done = arguments[arguments.length - 1];
             fetch(arguments[0], {credentials: 'same-origin'}).then(function (r) { return r.text(); }).then(done, function (e) { done(String(e)); });",
            serde_json::json!([href]),
        )
        .await;
    let csv = csv.as_str().unwrap_or_default().to_owned();
    let mut lines = csv.lines().map(|l| l.split(',').collect::<Vec<_>>());
    let (head, row) = (lines.next().unwrap_or_default(), lines.next().unwrap_or_default());
    let col = head.iter().position(|h| *h == "issued").unwrap_or_else(|| panic!("{csv}"));
    assert_eq!(row.get(col), Some(&"6"), "{csv}");

    // The live view.
    b.goto(&format!("{url}/stats/live?site={LIVORNO}")).await;
    b.wait("the live queues", "document.querySelectorAll('#live-queues tr').length > 1").await;
    b.screenshot("stats-live").await;
    let violations = b.axe_serious().await;
    assert!(violations.is_empty(), "accessibility of the live view: {violations:?}");
    b.close().await;
    driver.stop().await;
    server.stop().await;
}

/// Issue 19, the manager's pages as a manager uses them: logged out, `/stats` sends them to the
/// login and back; the site picker starts at their own site, the period at today in date pickers;
/// tables per service and per day; the funder report (a page with its CSV); `/stats/live` with desk
/// states in Italian and English; reached from the desk page in its language. Screenshots at
/// 1366×768 and 1920×1080, axe-core on every page.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn manager_pages_from_login_to_funder_report_in_a_real_browser() {
    use serde_json::json;
    let Some(driver) = tests::browser::Driver::start().await else { return };
    let server = server_with_fixture().await;
    let url = server.url.clone();
    let b = driver.session("manager-pages").await;
    b.set_size(1366, 768).await;
    let axe = |page: &'static str| {
        let b = &b;
        async move {
            let v = b.axe_serious().await;
            assert!(v.is_empty(), "accessibility of {page}:\n{}", v.join("\n"));
        }
    };
    // Logged out: the dashboard sends the manager to the staff login, which sends them back.
    b.goto(&format!("{url}/stats")).await;
    b.wait("the login form", "!document.getElementById('login').hidden").await;
    b.type_into("#username", "responsabile").await;
    b.type_into("#password", tests::PASSWORD).await;
    b.click("#login-btn").await;
    b.wait("back at the dashboard", "location.pathname === '/stats' && !!document.getElementById('summary')").await;
    // The manager's own site, today (site-local) in date pickers.
    let form = b
        .js(
            "var f = function (n) { return document.querySelector('[name=' + n + ']'); };
             return {site: f('site').value, sites: f('site').options.length, from: f('from').value, to: f('to').value,
                     type: f('from').type + ',' + f('to').type, lang: document.documentElement.lang};",
            json!([]),
        )
        .await;
    let today = Timestamp::now().to_zoned(jiff::tz::TimeZone::get("Europe/Rome").unwrap()).date().to_string();
    assert_eq!(
        (form["site"].as_str(), form["type"].as_str(), form["from"].as_str(), form["to"].as_str()),
        (Some(LIVORNO), Some("date,date"), Some(today.as_str()), Some(today.as_str())),
        "{form}"
    );
    assert_eq!(form["sites"], 2, "the manager's two sites: {form}");
    axe("the dashboard").await;

    // Three days of the fixture, per day and per service.
    b.js(
        "document.querySelector('input[name=from]').value = '2026-03-28';
         document.querySelector('input[name=to]').value = '2026-03-30';
         document.querySelector('form.filters').submit();",
        json!([]),
    )
    .await;
    b.wait("the per-day table", "document.querySelectorAll('#by-day tr').length === 4").await;
    let days = b
        .js(
            "return Array.from(document.querySelectorAll('#by-day tr')).slice(1).map(function (r) {
               return r.querySelector('th').textContent + '=' + r.querySelector('td').textContent; });",
            json!([]),
        )
        .await;
    assert_eq!(days, json!(["2026-03-28=1", "2026-03-29=4", "2026-03-30=1"]));
    let services = b
        .js(
            "return Array.from(document.querySelectorAll('#by-service tr')).slice(1).map(function (r) {
               return r.querySelector('th').textContent + '=' + Array.from(r.querySelectorAll('td')).slice(0, 4)
                 .map(function (c) { return c.textContent; }).join('/'); });",
            json!([]),
        )
        .await;
    let services: Vec<String> = serde_json::from_value(services).unwrap();
    let (_, sites) = server.client().get("/api/v1/sites").await;
    let n =
        sites.as_array().unwrap().iter().find(|s| s["id"] == LIVORNO).unwrap()["services"].as_array().unwrap().len();
    assert_eq!(services.len(), n, "a row per service: {services:?}");
    // T4 (residenza) served; lavoro: T3 a no-show, T5 cancelled (issued there: T3, T5, T6).
    assert!(services.iter().any(|r| r.starts_with("Residenza e documenti (Area C)=1/1/0/0")), "{services:?}");
    assert!(
        services.iter().any(|r| r.starts_with("Orientamento al lavoro (Area D)=") && r.ends_with("/1/1")),
        "{services:?}"
    );
    b.screenshot("stats-dashboard-1366").await;
    b.set_size(1920, 1080).await;
    b.screenshot("stats-dashboard-1920").await;
    let wide =
        b.js("return document.documentElement.scrollWidth <= document.documentElement.clientWidth", json!([])).await;
    assert_eq!(wide, json!(true), "no sideways scroll at 1920");
    b.set_size(1366, 768).await;
    let wide =
        b.js("return document.documentElement.scrollWidth <= document.documentElement.clientWidth", json!([])).await;
    assert_eq!(wide, json!(true), "no sideways scroll at 1366");

    // The funder report of the period's month, with its CSV.
    b.click("#funder-link").await;
    b.wait("the funder report", "!!document.getElementById('funder')").await;
    assert_eq!(b.js("return document.querySelector('input[name=month]').value", json!([])).await, json!("2026-03"));
    let cells = b
        .js(
            "return Array.from(document.querySelectorAll('#funder td')).map(function (c) { return c.textContent; })",
            json!([]),
        )
        .await;
    assert_eq!(cells[0], "6", "{cells}");
    assert_eq!(cells[1], "8", "{cells}");
    assert!(cells[2].as_str().unwrap().contains("minimo"), "a small cell is suppressed: {cells}");
    axe("the funder report").await;
    b.screenshot("stats-funder-1366").await;
    let csv = b
        .js_async(
            "var done = arguments[arguments.length - 1];
             fetch(document.getElementById('funder-csv').href, {credentials: 'same-origin'})
               .then(function (r) { return r.text(); }).then(done, function (e) { done(String(e)); });",
            json!([]),
        )
        .await;
    let csv = csv.as_str().unwrap_or_default();
    assert!(
        csv.starts_with("part,key,value\n") && csv.contains("\ntickets,,6\n") && csv.contains("\npeople,,8\n"),
        "{csv}"
    );
    assert!(csv.contains("\nintegrated_journeys,,\n") && csv.contains("\nwait_mean_s,,2760\n"), "{csv}");

    // Live, with the desk states in the page's language.
    for (lang, closed) in [("it", "chiuso"), ("en", "closed")] {
        b.goto(&format!("{url}/stats/live?site={LIVORNO}&lang={lang}")).await;
        b.wait("the live desks", "document.querySelectorAll('#live-desks tr').length > 1").await;
        let state = b.text("#live-desks tr:nth-child(2) td").await;
        assert_eq!(state, closed, "{lang}");
    }
    axe("the live view").await;
    b.screenshot("stats-live-1366").await;

    // From the desk page: the link for managers, in the desk page's language.
    b.goto(&format!("{url}/desk")).await;
    b.wait("the stats link", "!document.getElementById('stats-link').hidden").await;
    b.js("var l = document.getElementById('lang'); l.value = 'en'; l.dispatchEvent(new Event('change'));", json!([]))
        .await;
    b.wait("the link in English", "document.getElementById('stats-link').textContent === 'Statistics'").await;
    b.click("#stats-link").await;
    b.wait("the dashboard in English", "location.pathname === '/stats' && document.documentElement.lang === 'en' && !!document.getElementById('by-service')").await;
    assert_eq!(b.text("h1").await, "Statistics");
    b.close().await;
    driver.stop().await;
    server.stop().await;
}

/// Issue 16: the appointment fixture, in Europe/Rome summer time (UTC+2). Two days:
/// - 10 June: A1 (appointment, sociale, booked 08:00Z) called 5 min early; walk-ins W1 (sociale,
///   wait 600 s), W2 (lavoro, wait 1200 s), W3 (sociale, cancelled uncalled). 1 of 4 tickets is an
///   appointment: 25 %, appointment-heavy (the threshold included).
/// - 11 June: A2 (sociale, booked 08:00Z) called 3 min late, A3 (lavoro, booked 09:00Z) 30 min
///   late; walk-ins W4–W7 (sociale, 300 s each), W8, W9 (lavoro, 600 s), W10 (lavoro, called after
///   900 s, a no-show). 2 of 9: not heavy.
fn appointment_fixture() -> Log {
    let mut l = Log { events: vec![], tickets: vec![] };
    let appt = |l: &mut Log, id: &str, service: &str, issued: &str, booked: &str, call: &str| {
        l.issue(id, service, issued, 1);
        let t = l.tickets.last_mut().unwrap();
        t.priority = Priority::Appointment;
        t.appointment_at = Some(ts(booked));
        if let Some(Event { kind: EventKind::TicketIssued { ticket }, .. }) = l.events.last_mut() {
            ticket.priority = Priority::Appointment;
            ticket.appointment_at = Some(ts(booked));
        }
        l.call(id, call);
        l.done(id, &(ts(call) + jiff::SignedDuration::from_mins(10)).to_string());
        l.status(id, Status::Done);
    };
    let walk_in = |l: &mut Log, id: &str, service: &str, issued: &str, wait_s: i64| {
        l.issue(id, service, issued, 1);
        let call = ts(issued) + jiff::SignedDuration::from_secs(wait_s);
        l.call(id, &call.to_string());
        l.done(id, &(call + jiff::SignedDuration::from_mins(5)).to_string());
        l.status(id, Status::Done);
    };
    appt(&mut l, "A1", "sociale", "2026-06-10T07:50:00Z", "2026-06-10T08:00:00Z", "2026-06-10T07:55:00Z");
    walk_in(&mut l, "W1", "sociale", "2026-06-10T07:00:00Z", 600);
    walk_in(&mut l, "W2", "lavoro", "2026-06-10T07:00:00Z", 1200);
    l.issue("W3", "sociale", "2026-06-10T09:00:00Z", 1);
    l.ev("2026-06-10T09:30:00Z", EventKind::TicketCancelled { ticket: TicketId::from("W3") });
    l.status("W3", Status::Cancelled);
    appt(&mut l, "A2", "sociale", "2026-06-11T07:45:00Z", "2026-06-11T08:00:00Z", "2026-06-11T08:03:00Z");
    appt(&mut l, "A3", "lavoro", "2026-06-11T08:50:00Z", "2026-06-11T09:00:00Z", "2026-06-11T09:30:00Z");
    for id in ["W4", "W5", "W6", "W7"] {
        walk_in(&mut l, id, "sociale", "2026-06-11T07:00:00Z", 300);
    }
    walk_in(&mut l, "W8", "lavoro", "2026-06-11T07:00:00Z", 600);
    walk_in(&mut l, "W9", "lavoro", "2026-06-11T07:00:00Z", 600);
    l.issue("W10", "lavoro", "2026-06-11T07:00:00Z", 1);
    l.call("W10", "2026-06-11T07:15:00Z");
    l.ev("2026-06-11T07:20:00Z", EventKind::TicketNoShow { ticket: TicketId::from("W10") });
    l.status("W10", Status::NoShow);
    l
}

/// The fixture's bookings, written as the server stores them (states and outcome columns):
/// (id, service, booked start, made at, state, late check-in at).
type BookingRow = (&'static str, &'static str, &'static str, &'static str, &'static str, Option<&'static str>);
const BOOKINGS: [BookingRow; 7] = [
    // Kept, lead times 168 h, 24 h, 2 h.
    ("B1", "sociale", "2026-06-10T08:00:00Z", "2026-06-03T08:00:00Z", "checked_in", None),
    ("B2", "sociale", "2026-06-11T08:00:00Z", "2026-06-10T08:00:00Z", "checked_in", None),
    ("B3", "lavoro", "2026-06-11T09:00:00Z", "2026-06-11T07:00:00Z", "checked_in", None),
    // Came too late (offered a normal ticket), then marked missed: 48 h ahead.
    ("B4", "sociale", "2026-06-11T10:00:00Z", "2026-06-09T10:00:00Z", "missed", Some("2026-06-11T10:20:00Z")),
    // Never came: 4 h ahead.
    ("B5", "lavoro", "2026-06-10T11:00:00Z", "2026-06-10T07:00:00Z", "missed", None),
    ("B6", "sociale", "2026-06-11T12:00:00Z", "2026-06-01T12:00:00Z", "cancelled", None),
    // Outside the period.
    ("B7", "sociale", "2026-06-20T08:00:00Z", "2026-06-01T08:00:00Z", "checked_in", None),
];

async fn server_with_appointments() -> TestServer {
    let data = tempfile::tempdir().unwrap();
    let log = appointment_fixture();
    let mut events = log.events.clone();
    events.sort_by_key(|e| e.at);
    queue_server::tools::HistorySeed::open(data.path()).unwrap().write(&log.tickets, &events).unwrap();
    let server = TestServer::start_with(test_config_dir(), data).await;
    let db = rusqlite::Connection::open(server.db_path()).unwrap();
    let rome = jiff::tz::TimeZone::get("Europe/Rome").unwrap();
    for (i, (id, service, start, made, state, late)) in BOOKINGS.iter().enumerate() {
        let start = ts(start);
        let local = start.to_zoned(rome.clone());
        let ms = |s: &str| ts(s).as_millisecond();
        let checked_in = (*state == "checked_in").then(|| start.as_millisecond() - 600_000);
        let missed = (*state == "missed").then(|| start.as_millisecond() + 900_000);
        db.execute(
            "INSERT INTO bookings (id, site, service, day, start_min, start_ms, duration_min, code_hash, code_hint,
                                   state, booked_by, created_ms, updated_ms, checked_in_ms, late_ms, missed_ms)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, 30, ?7, 'AB', ?8, 'giulia', ?9, ?9, ?10, ?11, ?12)",
            rusqlite::params![
                id,
                LIVORNO,
                service,
                local.date().to_string(),
                i64::from(local.hour()) * 60 + i64::from(local.minute()),
                start.as_millisecond(),
                format!("hash-{i}"),
                state,
                ms(made),
                checked_in,
                late.map(ms),
                missed,
            ],
        )
        .unwrap();
    }
    server
}

/// The hand-computed appointment figures of the fixture: JSON, CSV and the dashboard.
async fn check_appointments(m: &tests::Client) {
    let period = format!("site={LIVORNO}&from=2026-06-10&to=2026-06-11");
    let (st, s) = m.get(&format!("/api/v1/stats/summary?{period}")).await;
    assert_eq!(st, StatusCode::OK, "{s}");
    // The summary's own figures are still there, at the top level.
    assert_eq!(f(&s, "issued"), 13.0, "{s}");
    assert_eq!(
        s["appointments"],
        serde_json::json!({
            "booked": 5, "kept": 3, "late": 1, "missed": 2, "cancelled": 1, "open": 0,
            // 168, 24, 2, 48, 4 h: mean 49.2; median the 3rd of 2, 4, 24, 48, 168.
            "lead_time_mean_h": 49.2, "lead_time_median_h": 24.0,
            // −5, +3, +30 min: mean 28/3; p90 the 3rd; two of three within 10 min.
            "called": 3, "punctuality_mean_min": 9.3, "punctuality_p90_min": 30.0,
            "called_within_10_min": 2.0 / 3.0,
            "heavy_day_share": 0.25, "days": 2, "heavy_days": 1,
            // 10 June: (600 + 1200) / 2; 11 June: (4 × 300 + 2 × 600 + 900) / 7 = 471.43.
            "walk_in_wait_mean_heavy_s": 900.0, "walk_in_wait_mean_other_s": 471.4,
        }),
        "{s}"
    );
    // sociale: B1, B2, B4 booked (B6 cancelled); A1 −5 and A2 +3 min; its queue: 3 tickets on the
    // 10th (A1, W1, W3: heavy, W1 waited 600 s), 5 on the 11th (A2, W4–W7: 20 %, 300 s).
    let (_, s) = m.get(&format!("/api/v1/stats/summary?{period}&service=sociale")).await;
    assert_eq!(
        s["appointments"],
        serde_json::json!({
            "booked": 3, "kept": 2, "late": 1, "missed": 1, "cancelled": 1, "open": 0,
            "lead_time_mean_h": 80.0, "lead_time_median_h": 48.0,
            "called": 2, "punctuality_mean_min": -1.0, "punctuality_p90_min": 3.0, "called_within_10_min": 1.0,
            "heavy_day_share": 0.25, "days": 2, "heavy_days": 1,
            "walk_in_wait_mean_heavy_s": 600.0, "walk_in_wait_mean_other_s": 300.0,
        }),
        "{s}"
    );
    // A day without bookings or tickets: counts 0, times null.
    let (_, s) = m.get(&format!("/api/v1/stats/summary?site={LIVORNO}&from=2026-06-12&to=2026-06-12")).await;
    assert_eq!((f(&s["appointments"], "booked"), f(&s["appointments"], "days")), (0.0, 0.0), "{s}");
    assert!(s["appointments"]["lead_time_mean_h"].is_null() && s["appointments"]["punctuality_mean_min"].is_null());

    let csv = |table: &'static str| {
        let path = format!("/api/v1/stats/export.csv?table={table}&{period}");
        async move {
            let r = m.answer(m.request(tests::Method::GET, &path)).await;
            assert_eq!(r.status, StatusCode::OK, "{table}: {}", r.body);
            r.body
        }
    };
    let summary = csv("summary").await;
    let lines: Vec<Vec<&str>> = summary.lines().map(|l| l.split(',').collect()).collect();
    let col = |name: &str| {
        let i = lines[0].iter().position(|h| *h == name).unwrap_or_else(|| panic!("{name} in {summary}"));
        lines[1][i]
    };
    assert_eq!(
        ["issued", "appointments_booked", "appointments_kept", "appointments_late", "appointments_missed"].map(col),
        ["13", "5", "3", "1", "2"],
        "{summary}"
    );
    assert_eq!(
        [
            "appointments_lead_time_median_h",
            "appointments_punctuality_mean_min",
            "appointments_walk_in_wait_mean_other_s"
        ]
        .map(col),
        ["24", "9.3", "471.4"],
        "{summary}"
    );
    let by_service = csv("appointments").await;
    let lines: Vec<&str> = by_service.lines().collect();
    assert_eq!(
        lines[0],
        "service,booked,kept,late,missed,cancelled,open,lead_time_mean_h,lead_time_median_h,called,\
         punctuality_mean_min,punctuality_p90_min,called_within_10_min,heavy_day_share,days,heavy_days,\
         walk_in_wait_mean_heavy_s,walk_in_wait_mean_other_s",
        "{by_service}"
    );
    assert_eq!(lines[1], "*,5,3,1,2,1,0,49.2,24,3,9.3,30,0.6666666666666666,0.25,2,1,900,471.4", "{by_service}");
    assert!(lines.contains(&"sociale,3,2,1,1,1,0,80,48,2,-1,3,1,0.25,2,1,600,300"), "{by_service}");
    // lavoro: B3 kept (2 h), B5 missed (4 h); A3 +30 min; its queue: W2 on the 10th (0 %), A3,
    // W8, W9, W10 on the 11th (25 %: heavy).
    assert!(lines.contains(&"lavoro,2,1,0,1,0,0,3,2,1,30,30,0,0.25,2,1,700,1200"), "{by_service}");
    let days = csv("appointment_days").await;
    assert_eq!(
        days.lines().collect::<Vec<_>>(),
        [
            "day,tickets,appointments,appointment_share,heavy,walk_ins_called,walk_in_wait_mean_s",
            "2026-06-10,4,1,0.25,1,2,900",
            "2026-06-11,9,2,0.2222222222222222,0,7,471.4",
        ],
        "{days}"
    );

    // The dashboard's section, with the same figures.
    let r = m.answer(m.request(tests::Method::GET, &format!("/stats?{period}&lang=en"))).await;
    assert_eq!(r.status, StatusCode::OK);
    let page = r.body;
    let section = &page[page.find("<table id=\"appointments\"").unwrap_or_else(|| panic!("{page}"))..];
    let section = &section[..section.find("</table>").unwrap()];
    for row in [
        "<th>Appointments booked (not cancelled)</th><td>5</td>",
        "<th>Late (check-in after the window)</th><td>1</td>",
        "<th>Lead time, median (hours)</th><td>24</td>",
        "<th>Punctuality, mean (minutes after the booked time)</th><td>9.3</td>",
        "<th>Called within 10 minutes</th><td>67%</td>",
        "<th>Appointment-heavy day threshold</th><td>25%</td>",
        "<th>Mean walk-in wait, appointment-heavy days (s)</th><td>900</td>",
    ] {
        assert!(section.contains(row), "{row} in {section}");
    }
    assert!(page.contains("<h2 id=\"appointments-heading\">Appointments</h2>"), "{page}");
    assert!(page.contains("table=appointment_days"), "the CSV links");
}

/// Issue 16: appointments kept, late, missed, cancelled, lead time, punctuality and walk-in waits on
/// appointment-heavy days, from the events and the bookings through the real server; the same
/// from the per-day roll-ups as from the events alone. Bad input changes nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn appointment_figures_match_hand_computed_ones() {
    let server = server_with_appointments().await;
    let m = server.staff("responsabile").await;
    server.housekeeping_pass().await;
    let db = rusqlite::Connection::open(server.db_path()).unwrap();
    let rolled: i64 = db.query_row("SELECT count(*) FROM stats_days WHERE service = ''", [], |r| r.get(0)).unwrap();
    assert_eq!(rolled, 2, "both days are rolled up");
    check_appointments(&m).await;
    db.execute("DELETE FROM stats_days", []).unwrap();
    check_appointments(&m).await;
    let (st, v) = m.get(&format!("/api/v1/stats/export.csv?table=appointments&site={LIVORNO}&service=nessuno")).await;
    assert_eq!(st, StatusCode::NOT_FOUND, "{v}");
    let (st, v) = m.get(&format!("/api/v1/stats/export.csv?table=appointment_day&site={LIVORNO}")).await;
    assert_eq!(st, StatusCode::BAD_REQUEST, "{v}");
    assert!(v["error"]["message"].as_str().unwrap().contains("appointment_days"), "{v}");
    // A staff member who is not a manager sees none of it.
    let s = server.staff("giulia").await;
    let (st, _) = s.get(&format!("/api/v1/stats/summary?site={LIVORNO}")).await;
    assert_eq!(st, StatusCode::FORBIDDEN);
    let bookings: i64 = db.query_row("SELECT count(*) FROM bookings", [], |r| r.get(0)).unwrap();
    assert_eq!(bookings, 7, "reading changes nothing");
    server.stop().await;
}
