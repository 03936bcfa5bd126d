//! Issue 15, the region's figures: the hub's roll-ups of final days and months give exactly the
//! figures folded from the events, late events of a rolled-up day are counted, bad periods are 400.

use client::{Client, Method};
use queue_core::envelope::{Batch, ENVELOPE_VERSION, Envelope, ServiceInfo, SiteReport};
use queue_core::model::{Priority, Status, Ticket};
use queue_core::{Event, EventKind, ServiceId, SiteId, TicketId};

fn at(s: &str) -> jiff::Timestamp {
    s.parse::<jiff::civil::DateTime>()
        .unwrap()
        .to_zoned(jiff::tz::TimeZone::get("Europe/Rome").unwrap())
        .unwrap()
        .timestamp()
}

fn ev(site: &str, when: &str, kind: EventKind) -> Event {
    Event { at: at(when), site: SiteId::from(site), actor: None, kind }
}

fn issued(site: &str, id: &str, service: &str, when: &str) -> Event {
    let t = at(when);
    let ticket = Ticket {
        id: TicketId::from(id),
        number: "A001".into(),
        seq: 1,
        day: t.to_zoned(jiff::tz::TimeZone::get("Europe/Rome").unwrap()).date(),
        site: SiteId::from(site),
        service: ServiceId::from(service),
        status: Status::Waiting,
        priority: Priority::Standard,
        appointment_at: None,
        language: "it".into(),
        party_size: 1,
        needs: vec![],
        issued_at: t,
        queued_at: t,
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
    ev(site, when, EventKind::TicketIssued { ticket: Box::new(ticket) })
}

/// A ticket served: issued, called after `wait_min` minutes, serving, done.
fn served(site: &str, id: &str, service: &str, day: &str, wait_min: u32) -> Vec<Event> {
    let t = || TicketId::from(id);
    vec![
        issued(site, id, service, &format!("{day}T09:00")),
        ev(
            site,
            &format!("{day}T09:{wait_min:02}"),
            EventKind::TicketCalled { ticket: t(), desk: "d1".into(), staff: "u1".into(), out_of_order: false },
        ),
        ev(site, &format!("{day}T09:{wait_min:02}:10"), EventKind::TicketServing { ticket: t() }),
        ev(site, &format!("{day}T09:{:02}", wait_min + 5), EventKind::TicketDone { ticket: t() }),
    ]
}

struct Origin {
    name: String,
    seq: u64,
}

impl Origin {
    async fn push(&mut self, pool: &hub::db::Pool, events: Vec<Event>) {
        self.push_saying(pool, events, vec![]).await
    }

    /// A push whose report says what the site's services are.
    async fn push_saying(&mut self, pool: &hub::db::Pool, events: Vec<Event>, services: Vec<ServiceInfo>) {
        let events: Vec<Envelope> = events
            .into_iter()
            .map(|event| {
                self.seq += 1;
                Envelope { v: ENVELOPE_VERSION, seq: self.seq, event }
            })
            .collect();
        let batch = Batch {
            origin: self.name.clone(),
            report: SiteReport {
                software: "test".into(),
                last: self.seq,
                oldest_unacked_ms: None,
                services,
                ..Default::default()
            },
            events,
            forgotten: vec![],
        };
        let r = hub::db::ingest(pool, &self.name, &batch, 0).await.unwrap();
        assert_eq!((r.watermark, r.gap), (self.seq, None));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hub_roll_ups_give_the_figures_of_the_events_and_count_late_events() {
    let Some(pg) = testkit::postgres::require_postgres("the hub statistics test") else { return };
    let url = pg.create_database("hubstats").unwrap();
    let pool = hub::db::pool(&url).unwrap();
    hub::db::migrate(&pool).await.unwrap();
    // A v1 database (no roll-up tables, no version) is upgraded in place; migrating is idempotent.
    pool.get()
        .await
        .unwrap()
        .batch_execute(
            "DROP TABLE schema_version, stats_days, rolled_days, stats_months, rolled_months; \
             DROP FUNCTION rome_day CASCADE;",
        )
        .await
        .unwrap();
    assert_eq!(hub::db::schema_version(&pool).await.unwrap(), 0);
    hub::db::migrate(&pool).await.unwrap();
    hub::db::migrate(&pool).await.unwrap();
    assert_eq!(hub::db::schema_version(&pool).await.unwrap(), hub::db::SCHEMA_VERSION);

    for (o, s) in [("o1", "s1"), ("o2", "s2")] {
        hub::db::enrol(&pool, o, &[s.to_owned()], &hub::key_hash(&format!("key-{o}")), 0).await.unwrap();
    }
    let viewer = hub::new_key("shv");
    hub::db::add_viewer(&pool, "regione", &hub::key_hash(&viewer), 0).await.unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let serving = tokio::spawn(hub::serve_api(listener, hub::HubState::new(pool.clone()), std::future::pending()));
    let hub_client = Client::new(&base).with_bearer(&viewer);
    let stats = || async { hub_client.hub_stats("2026-03-01", "2026-04-30").await.unwrap() };

    let (mut o1, mut o2) = (Origin { name: "o1".into(), seq: 0 }, Origin { name: "o2".into(), seq: 0 });
    let mut all = Vec::new();
    let mut day1 = served("s1", "t1", "anagrafe", "2026-03-10", 10);
    day1.extend(served("s1", "t2", "anagrafe", "2026-03-10", 20));
    day1.extend(served("s1", "t3", "tributi", "2026-03-11", 4));
    // t4 is being served when the day's events are pushed; its end comes late.
    day1.push(issued("s1", "t4", "anagrafe", "2026-03-11T10:00"));
    day1.push(ev(
        "s1",
        "2026-03-11T10:30",
        EventKind::TicketCalled { ticket: "t4".into(), desk: "d1".into(), staff: "u1".into(), out_of_order: false },
    ));
    day1.extend(served("s1", "t5", "anagrafe", "2026-04-02", 6));
    let mut day2 = served("s2", "u1", "anagrafe", "2026-03-10", 2);
    day2.extend(served("s2", "u2", "anagrafe", "2026-04-01", 8));
    // Each origin has pushed an event of a later day: its March and April days are final.
    let later = |s: &str| ev(s, "2026-05-04T08:00", EventKind::DeskPaused { desk: "d1".into() });
    day1.push(later("s1"));
    day2.push(later("s2"));
    all.extend(day1.clone());
    all.extend(day2.clone());
    o1.push(&pool, day1).await;
    o2.push(&pool, day2).await;

    let tz = jiff::tz::TimeZone::get("Europe/Rome").unwrap();
    let of_events_with = |evs: &[Event], services: &[ServiceInfo]| {
        hub::cross_site(
            hub::db::Parts {
                months: vec![],
                days: vec![],
                events: evs.to_vec(),
                services: services.to_vec(),
                areas: Default::default(),
            },
            &tz,
        )
    };
    let of_events = |evs: &[Event]| of_events_with(evs, &[]);
    let folded = stats().await;
    assert_eq!(folded, of_events(&all), "nothing rolled up yet: the figures are folded from the events");
    assert_eq!(folded["sites"]["s1"]["issued"], 5);
    assert_eq!(folded["sites"]["s1"]["served"], 4);
    assert_eq!(folded["sites"]["s1"]["open"], 1, "t4 is at its desk");
    assert_eq!(folded["sites"]["s2"]["wait_mean_s"], 300.0, "(2 + 8) minutes / 2");

    let (days, months) = hub::roll_up(&pool, at("2026-12-02T12:00")).await.unwrap();
    assert_eq!((days, months), (5, 4), "s1: 3 days, March and April; s2: 2 days and 2 months");
    assert_eq!(hub::roll_up(&pool, at("2026-12-02T12:00")).await.unwrap(), (0, 0), "once");
    assert_eq!(stats().await, folded, "the roll-ups give exactly the events' figures");
    // A v2 database (aggregates as JSONB, no day indexes) is upgraded to v3 in place, its roll-ups
    // kept; migrating again changes nothing.
    let agg_types = || async {
        let rows = pool
            .get()
            .await
            .unwrap()
            .query(
                "SELECT table_name::text, data_type::text FROM information_schema.columns \
                 WHERE table_name IN ('stats_days', 'stats_months') AND column_name = 'agg' ORDER BY 1",
                &[],
            )
            .await
            .unwrap();
        rows.iter().map(|r| format!("{}: {}", r.get::<_, String>(0), r.get::<_, String>(1))).collect::<Vec<_>>()
    };
    assert_eq!(agg_types().await, ["stats_days: text", "stats_months: text"]);
    pool.get()
        .await
        .unwrap()
        .batch_execute(
            "ALTER TABLE stats_days ALTER COLUMN agg TYPE JSONB USING agg::jsonb; \
             ALTER TABLE stats_months ALTER COLUMN agg TYPE JSONB USING agg::jsonb; \
             DROP INDEX stats_days_day, rolled_days_day; UPDATE schema_version SET version = 2;",
        )
        .await
        .unwrap();
    assert_eq!(agg_types().await, ["stats_days: jsonb", "stats_months: jsonb"]);
    for _ in 0..2 {
        hub::db::migrate(&pool).await.unwrap();
        assert_eq!(hub::db::schema_version(&pool).await.unwrap(), 3);
        assert_eq!(agg_types().await, ["stats_days: text", "stats_months: text"]);
        assert_eq!(stats().await, folded, "the upgraded roll-ups give the same figures");
    }
    assert_eq!(hub::roll_up(&pool, at("2026-12-02T12:00")).await.unwrap(), (0, 0), "nothing to roll up again");
    // A period that cuts a month reads its days' roll-ups: the same as the events.
    let part = hub_client.hub_stats("2026-03-11", "2026-04-01").await.unwrap();
    let in_part: Vec<Event> = all
        .iter()
        .filter(|e| {
            let id = e.kind.ticket_id().map(|t| t.as_str().to_owned());
            matches!(id.as_deref(), Some("t3" | "t4" | "u2"))
        })
        .cloned()
        .collect();
    assert_eq!(part, of_events(&in_part));
    // Periods inside a month, from its first day, of a whole month, cutting two: the same as the
    // events of the tickets issued in them.
    for (from, to) in [
        ("2026-03-10", "2026-03-10"),
        ("2026-03-05", "2026-03-10"),
        ("2026-03-01", "2026-03-10"),
        ("2026-03-11", "2026-03-31"),
        ("2026-03-01", "2026-03-31"),
        ("2026-02-15", "2026-04-01"),
    ] {
        let (f, t): (jiff::civil::Date, jiff::civil::Date) = (from.parse().unwrap(), to.parse().unwrap());
        let issued_in: Vec<TicketId> = all
            .iter()
            .filter_map(|e| match &e.kind {
                EventKind::TicketIssued { ticket } if (f..=t).contains(&ticket.day) => Some(ticket.id.clone()),
                _ => None,
            })
            .collect();
        let of: Vec<Event> =
            all.iter().filter(|e| e.kind.ticket_id().is_some_and(|id| issued_in.contains(id))).cloned().collect();
        assert_eq!(hub_client.hub_stats(from, to).await.unwrap(), of_events(&of), "{from}..{to}");
    }

    // t4's end comes on a later day, after its day (and month) were rolled up: counted, exactly.
    // (A site's events are in time order, so only a ticket's later events can reach a final day.)
    let late = vec![ev("s1", "2026-05-04T09:00", EventKind::TicketNoShow { ticket: "t4".into() })];
    all.extend(late.clone());
    o1.push(&pool, late).await;
    let after = stats().await;
    assert_eq!(after, of_events(&all));
    assert_eq!(after["sites"]["s1"]["no_show"], 1, "the late end is counted");
    assert_eq!(after["sites"]["s1"]["open"], 0);
    assert_eq!(hub::roll_up(&pool, at("2026-12-02T12:00")).await.unwrap(), (1, 1), "the day and its month again");
    assert_eq!(stats().await, after);

    // The site says what its services are (every real push does): with no target known nothing
    // was within it; now its roll-ups are dropped in the ingest transaction and folded again with
    // the targets, and the figures are still exactly the events'.
    assert_eq!(after["sites"]["s1"]["service_level"], 0.0);
    let info = |service: &str, kind: &str, target_wait_s: u32| ServiceInfo {
        site: "s1".into(),
        service: service.into(),
        kind: kind.into(),
        target_wait_s,
    };
    let services = vec![info("anagrafe", "social", 900), info("tributi", "employment", 300)];
    o1.push_saying(&pool, vec![], services.clone()).await;
    let with = stats().await;
    assert_eq!(with, of_events_with(&all, &services));
    // First waits: t1 10, t2 20, t4 30 (anagrafe, 15 min); t3 4 (tributi, 5 min); t5 6.
    assert_eq!(with["sites"]["s1"]["service_level"], 0.6, "{}", with["sites"]["s1"]);
    assert_eq!(with["sites"]["s2"]["service_level"], 0.0, "s2 said nothing");
    assert_eq!(hub::roll_up(&pool, at("2026-12-02T12:00")).await.unwrap(), (3, 2), "s1's days and months again");
    assert_eq!(stats().await, with, "rolled up with the targets: the same figures");
    o1.push_saying(&pool, vec![], services).await;
    assert_eq!(
        hub::roll_up(&pool, at("2026-12-02T12:00")).await.unwrap(),
        (0, 0),
        "the same services again drop nothing"
    );

    // Bad periods: 400 with a clear error; nothing changes.
    for q in [
        "from=2026-04-01&to=2026-03-01",
        "from=ieri&to=2026-03-01",
        "from=2026-03-01",
        "from=2026-03-01&to=2026-03-02&x=1",
    ] {
        let r = hub_client.exchange(hub_client.request(Method::GET, &format!("/hub/v1/stats?{q}"))).await.unwrap();
        assert_eq!(r.status.as_u16(), 400, "{q}: {}", r.body);
        assert!(r.body.contains("bad_request"), "{q}: {}", r.body);
    }
    serving.abort();
}
