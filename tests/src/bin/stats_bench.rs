//! Statistics benchmark (issue #6): writes a realistic multi-year history of the test
//! configuration's sites straight into a fresh SQLite file (arrivals by weekday and hour,
//! transfers, holds, recalls, no-shows, cancellations), starts the server on it and times
//! every statistics request over a day, a month and a year.
//!
//! `cargo run --release -p tests --bin stats-bench -- TICKETS [YEARS] [DATA_DIR]`

use jiff::civil::{Date, Time};
use jiff::{SignedDuration, Timestamp};
use queue_core::model::{Priority, Status, Ticket};
use queue_core::{DeskId, Event, EventKind, StaffId, TicketId};
use rand::{Rng as _, SeedableRng};
use std::time::Instant;
use tests::{Client, test_config_dir};

/// The history's random choices, seeded: the same history every run.
struct Rng(rand::rngs::StdRng);
impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0.random_range(0..n.max(1))
    }
}

/// Relative arrivals per hour of an opening day (08–17), busiest mid-morning.
const HOURS: [(i8, u64); 9] = [(8, 8), (9, 14), (10, 16), (11, 14), (12, 9), (13, 3), (14, 6), (15, 7), (16, 5)];

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let total: u64 = args.get(1).map_or(Ok(1_000_000), |s| s.parse())?;
    let years: i16 = args.get(2).map_or(Ok(3), |s| s.parse())?;
    let keep = args.get(3).cloned();
    let data = tempfile::tempdir()?;
    let dir = keep.map(std::path::PathBuf::from).unwrap_or_else(|| data.path().to_owned());
    std::fs::create_dir_all(&dir)?;
    let cfg = config::load(&test_config_dir()).map_err(|e| anyhow::anyhow!("{e:?}"))?;
    let db_path = queue_server::tools::database_path(&dir);
    let last_day: Date = "2026-10-31".parse()?;
    let first_day = last_day.saturating_sub(jiff::Span::new().years(years));

    if !db_path.exists() {
        let t0 = Instant::now();
        let mut seed = queue_server::tools::HistorySeed::open(&dir)?;
        let days: Vec<Date> = first_day.series(jiff::Span::new().days(1)).take_while(|d| *d <= last_day).collect();
        let open_days: Vec<Date> = days.into_iter().filter(|d| d.weekday().to_monday_one_offset() <= 5).collect();
        let per_day = total / (open_days.len() as u64 * cfg.sites.len() as u64);
        let mut rng = Rng(rand::rngs::StdRng::seed_from_u64(0x5eed_1234_abcd));
        let mut n = 0u64;
        let weight: u64 = HOURS.iter().map(|h| h.1).sum();
        for day in &open_days {
            let (mut tickets, mut events) = (Vec::new(), Vec::new());
            for site in &cfg.sites {
                let tz = &site.time_zone;
                let mut seq = 0u32;
                for _ in 0..per_day {
                    seq += 1;
                    n += 1;
                    let mut pick = rng.below(weight);
                    let hour = HOURS
                        .iter()
                        .find(|(_, w)| {
                            if pick < *w {
                                true
                            } else {
                                pick -= w;
                                false
                            }
                        })
                        .unwrap()
                        .0;
                    let local = day.to_datetime(Time::new(hour, rng.below(60) as i8, rng.below(60) as i8, 0)?);
                    let issued = local.to_zoned(tz.clone())?.timestamp();
                    let svc = &site.services[rng.below(site.services.len() as u64) as usize];
                    let lang = ["it", "it", "it", "ar", "en", "fr", "uk", "ro"][rng.below(8) as usize];
                    let needs = match rng.below(10) {
                        0 => vec!["group:migranti".to_owned()],
                        1 => vec!["group:senza_dimora".to_owned(), format!("mediator:{lang}")],
                        2 => vec!["group:giovani_neet".to_owned()],
                        _ => vec![],
                    };
                    let id = format!("01BENCH{n:019}");
                    let mut t = Ticket {
                        id: TicketId::from(id.as_str()),
                        number: format!("{}{seq:03}", svc.prefix),
                        seq,
                        day: *day,
                        site: site.id.clone(),
                        service: svc.id.clone(),
                        status: Status::Waiting,
                        priority: if rng.below(10) == 0 { Priority::Priority } else { Priority::Standard },
                        appointment_at: None,
                        language: lang.to_owned(),
                        party_size: 1 + (rng.below(6) == 0) as u32 * (1 + rng.below(3) as u32),
                        needs,
                        issued_at: issued,
                        queued_at: issued,
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
                    let mut at = issued;
                    let mut evs = vec![(at, EventKind::TicketIssued { ticket: Box::new(t.clone()) })];
                    let mut step = |secs: u64, kind: EventKind, evs: &mut Vec<(Timestamp, EventKind)>| {
                        at += SignedDuration::from_secs(secs as i64);
                        evs.push((at, kind));
                    };
                    let tid = t.id.clone();
                    let desk = site.desks[rng.below(site.desks.len() as u64) as usize].id.clone();
                    let call = |d: &DeskId| EventKind::TicketCalled {
                        ticket: tid.clone(),
                        desk: d.clone(),
                        staff: StaffId::from("giulia"),
                        out_of_order: false,
                    };
                    let fate = rng.below(100);
                    if fate < 4 {
                        step(rng.below(1800), EventKind::TicketCancelled { ticket: tid.clone() }, &mut evs);
                        t.status = Status::Cancelled;
                    } else {
                        step(60 + rng.below(3600), call(&desk), &mut evs);
                        if fate < 12 {
                            step(60, EventKind::TicketRecalled { ticket: tid.clone() }, &mut evs);
                            step(120, EventKind::TicketNoShow { ticket: tid.clone() }, &mut evs);
                            t.status = Status::NoShow;
                        } else {
                            step(20 + rng.below(90), EventKind::TicketServing { ticket: tid.clone() }, &mut evs);
                            if fate < 20 {
                                let to = &site.services[rng.below(site.services.len() as u64) as usize].id;
                                step(
                                    300 + rng.below(600),
                                    EventKind::TicketTransferred {
                                        ticket: tid.clone(),
                                        from_service: svc.id.clone(),
                                        service: to.clone(),
                                        desk: None,
                                        staff: None,
                                        keep_position: fate < 16,
                                    },
                                    &mut evs,
                                );
                                step(60 + rng.below(1800), call(&desk), &mut evs);
                                step(20 + rng.below(90), EventKind::TicketServing { ticket: tid.clone() }, &mut evs);
                                t.service = to.clone();
                            } else if fate < 24 {
                                step(300, EventKind::TicketOnHold { ticket: tid.clone() }, &mut evs);
                                step(
                                    600 + rng.below(1200),
                                    EventKind::TicketReturned {
                                        ticket: tid.clone(),
                                        keep_position: true,
                                        target_desk: None,
                                    },
                                    &mut evs,
                                );
                                step(60 + rng.below(600), call(&desk), &mut evs);
                                step(20 + rng.below(90), EventKind::TicketServing { ticket: tid.clone() }, &mut evs);
                            }
                            step(300 + rng.below(1200), EventKind::TicketDone { ticket: tid.clone() }, &mut evs);
                            t.status = Status::Done;
                        }
                    }
                    tickets.push(t);
                    events.extend(evs.into_iter().map(|(at, kind)| Event {
                        at,
                        site: site.id.clone(),
                        actor: None,
                        kind,
                    }));
                }
            }
            seed.write(&tickets, &events)?;
        }
        eprintln!("generated {n} tickets over {years} years ({first_day} – {last_day}) in {:.1?}", t0.elapsed());
        // What the server's housekeeper does for every past day, done here once so the figures
        // below measure the steady state.
        let t0 = Instant::now();
        let days = seed.roll_up(&cfg, Timestamp::now())?;
        drop(seed);
        eprintln!("rolled up {days} site-days in {:.1?}", t0.elapsed());
    }
    let size = std::fs::metadata(&db_path)?.len();

    let t0 = Instant::now();
    let mut opts = queue_server::Options::new(test_config_dir(), &dir);
    opts.demo = true;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let running = queue_server::Running::start(opts, listener).await.map_err(|e| anyhow::anyhow!("{e}"))?;
    println!("database {:.0} MB; server start-up {:.0?}", size as f64 / 1e6, t0.elapsed());
    let c = Client::new(&running.url());
    let (_, login) =
        c.post("/api/v1/session", serde_json::json!({"username": "responsabile", "password": tests::PASSWORD})).await;
    let c = c.with_bearer(login["token"].as_str().unwrap_or_default());
    let site = tests::LIVORNO;
    let windows = [
        ("day", "2026-10-14", "2026-10-14"),
        ("month", "2026-10-01", "2026-10-31"),
        ("year", "2025-11-01", "2026-10-31"),
    ];
    // The housekeeper's first pass (nothing to do: all rolled up above) is over before timing.
    running.housekeeping_pass().await?;
    println!("{:<10} {:<8} {:>9} {:>10}", "route", "window", "tickets", "ms");
    for (name, from, to) in windows {
        let q = format!("site={site}&from={from}&to={to}");
        let routes = [
            ("summary", format!("/api/v1/stats/summary?{q}")),
            ("breakdown", format!("/api/v1/stats/breakdown?{q}")),
            ("csv mix", format!("/api/v1/stats/export.csv?table=mix&{q}")),
            ("staff", format!("/api/v1/stats/staff?{q}")),
            ("queue", format!("/api/v1/stats/queue-length?{q}")),
        ];
        let mut issued = 0;
        for (route, path) in routes {
            let t = Instant::now();
            let r = c.request(client::Method::GET, &path).send().await?;
            let status = r.status();
            let body = r.text().await?;
            let ms = t.elapsed().as_secs_f64() * 1000.0;
            if route == "summary" {
                issued = serde_json::from_str::<serde_json::Value>(&body)?["issued"].as_u64().unwrap_or(0);
            }
            println!("{route:<10} {name:<8} {issued:>9} {ms:>10.1}  {status}");
        }
    }
    let t = Instant::now();
    let path = format!("/api/v1/stats/export.csv?table=tickets&site={site}&from=2026-10-01&to=2026-10-31");
    let (st, _) = c.get(&path).await;
    println!("{:<10} {:<8} {:>9} {:>10.1}  {st}", "csv ticket", "month", "", t.elapsed().as_secs_f64() * 1000.0);
    let t = Instant::now();
    let (st, _) = c.get(&format!("/api/v1/stats/funder?site={site}&month=2026-10")).await;
    println!("{:<10} {:<8} {:>9} {:>10.1}  {st}", "funder", "month", "", t.elapsed().as_secs_f64() * 1000.0);
    running.stop().await.map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok(())
}
