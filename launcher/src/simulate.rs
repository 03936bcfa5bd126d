//! A lively day through the real API: simulated visitors take tickets at the kiosk's API and
//! simulated staff (the demo accounts of the site) open the desks, call the next ticket, serve,
//! sometimes pass the person to a colleague's service, sometimes find nobody there (no-show).
//!
//! Everything goes through HTTP API v1 like a kiosk and a desk page would, so the display window,
//! the desk page and the statistics fill up exactly as on a real day. Times are those of a human
//! day divided by `speed`: at `speed` 1 a visitor arrives about every 40 s and a conversation
//! takes around five minutes; `--speed 20` makes it a busy morning in a few minutes.

use client::Client;
use queue_core::wire::{IssueRequest, TransferRequest};
use rand::Rng;
use rand::SeedableRng;
use rand::distr::Distribution;
use rand::rngs::StdRng;
use std::time::Duration;

/// The shape of the simulated day (human time, before `speed`).
#[derive(Debug, Clone)]
pub struct Day {
    pub speed: f64,
    /// Mean time between two visitors.
    pub arrival_every: Duration,
    /// Mean length of a conversation at a desk.
    pub service_time: Duration,
    /// Time from finishing with one person to calling the next.
    pub between_calls: Duration,
    /// Share of called visitors who are not there any more.
    pub no_show: f64,
    /// Share of conversations that end with a transfer to another service.
    pub transfer: f64,
    /// Share of priority tickets (pregnant, disabled, elderly — chosen at the kiosk).
    pub priority: f64,
}

impl Day {
    pub fn at_speed(speed: f64) -> Day {
        Day {
            speed,
            arrival_every: Duration::from_secs(40),
            service_time: Duration::from_secs(300),
            between_calls: Duration::from_secs(20),
            no_show: 0.05,
            transfer: 0.12,
            priority: 0.08,
        }
    }

    /// `human` time scaled by the speed, at least 50 ms (so a fast run still paces its requests).
    fn scaled(&self, human: Duration) -> Duration {
        Duration::from_secs_f64((human.as_secs_f64() / self.speed).max(0.05))
    }

    /// An exponentially distributed time of mean `mean` (human time, scaled).
    fn exp(&self, rng: &mut StdRng, mean: Duration) -> Duration {
        let u: f64 = rng.random_range(f64::EPSILON..1.0);
        self.scaled(mean.mul_f64(-u.ln()))
    }
}

/// The simulated staff of `site`: the demo accounts of role staff that belong to it.
pub fn staff_of(site: &str) -> Vec<&'static str> {
    queue_server::demo::DEMO_STAFF
        .iter()
        .filter(|(_, _, role, _, sites)| *role == "staff" && sites.contains(&site))
        .map(|(user, ..)| *user)
        .collect()
}

/// Runs the simulated day until the task is dropped. Visitors and staff run side by side; a
/// refused request (a service full, the rate limit, a desk another simulated person opened) is
/// reported once and the simulated person carries on.
pub async fn run(base: &str, site: &str, day: Day) -> anyhow::Result<()> {
    let kiosk = Client::new(base).with_bearer(&queue_server::demo::demo_key("kiosk", site));
    let info = kiosk.kiosk_info(site).await?;
    let services: Vec<String> = info.services.iter().map(|s| s.id.as_str().to_owned()).collect();
    let languages: Vec<String> = info.languages.iter().map(|l| l.code.clone()).collect();
    let anyone = Client::new(base);
    let mut staff = Vec::new();
    for user in staff_of(site) {
        let (client, _) = anyone.login(user, queue_server::demo::DEMO_PASSWORD).await?;
        staff.push((user, client));
    }
    let Some((_, first)) = staff.first() else {
        anyhow::bail!("the demo has no staff at {site}");
    };
    let desks = first.desks(site).await?;
    crate::say!(
        "sportello: simulating visitors at the kiosk of {site} and {} staff at {} desks (speed ×{})",
        staff.len().min(desks.len()),
        desks.len(),
        day.speed
    );
    let mut tasks = tokio::task::JoinSet::new();
    for ((user, client), desk) in staff.into_iter().zip(desks) {
        let day = day.clone();
        let services = services.clone();
        tasks.spawn(async move {
            let desk_id = desk.id.as_str().to_owned();
            let mut rng = StdRng::from_os_rng();
            at_the_desk(&client, user, &desk_id, &services, &day, &mut rng).await;
        });
    }
    let visitors_day = day.clone();
    tasks.spawn(async move {
        let mut rng = StdRng::from_os_rng();
        visitors(&kiosk, &info.site.to_string(), &services, &languages, &visitors_day, &mut rng).await;
    });
    while let Some(r) = tasks.join_next().await {
        r?;
    }
    Ok(())
}

/// Visitors arriving at the kiosk: a service (some far more asked for than others), a language
/// (most speak Italian), now and then a priority ticket.
async fn visitors(kiosk: &Client, site: &str, services: &[String], languages: &[String], day: &Day, rng: &mut StdRng) {
    // Earlier services in the kiosk's list are asked for more (the first about three times the last).
    let weights: Vec<f64> = (0..services.len()).map(|i| 3.0 - 2.0 * i as f64 / services.len().max(1) as f64).collect();
    let Ok(pick) = rand::distr::weighted::WeightedIndex::new(&weights) else { return };
    let mut last_error = String::new();
    loop {
        tokio::time::sleep(day.exp(rng, day.arrival_every)).await;
        let service = services[pick.sample(rng)].as_str();
        let language = if rng.random_bool(0.55) || languages.len() < 2 {
            languages.first().cloned()
        } else {
            Some(languages[rng.random_range(1..languages.len())].clone())
        };
        let request = IssueRequest {
            service: service.into(),
            priority: rng.random_bool(day.priority).then_some(queue_core::Priority::Priority),
            appointment_at: None,
            language,
            needs: None,
            party_size: Some(if rng.random_bool(0.15) { rng.random_range(2..5) } else { 1 }),
            print_at: None,
        };
        match kiosk.issue(site, &request, None).await {
            Ok(t) => crate::say!("sportello: a visitor took {} for {service}", t.number),
            Err(e) => {
                let said = e.to_string();
                if said != last_error {
                    crate::say!("sportello: a visitor could not take a ticket for {service}: {said}");
                    last_error = said;
                }
                if let Some(wait) = e.api().and_then(|a| a.retry_after) {
                    tokio::time::sleep(wait).await;
                }
            }
        }
    }
}

/// One staff member's day at one desk.
async fn at_the_desk(staff: &Client, user: &str, desk: &str, services: &[String], day: &Day, rng: &mut StdRng) {
    if let Err(e) = staff.desk(desk, "open").await {
        crate::say!("sportello: {user} could not open {desk}: {e}");
    }
    let mut last_error = String::new();
    loop {
        let called = match staff.call_next(desk).await {
            Ok(Some(t)) => t,
            Ok(None) => {
                tokio::time::sleep(day.scaled(Duration::from_secs(10))).await;
                continue;
            }
            Err(e) => {
                let said = e.to_string();
                if said != last_error {
                    crate::say!("sportello: {user} at {desk}: call next: {said}");
                    last_error = said;
                }
                tokio::time::sleep(day.scaled(Duration::from_secs(15)).max(Duration::from_millis(500))).await;
                continue;
            }
        };
        let id = called.id.as_str().to_owned();
        // The visitor walks to the desk (or is not there any more).
        tokio::time::sleep(day.exp(rng, Duration::from_secs(25))).await;
        if rng.random_bool(day.no_show) {
            tokio::time::sleep(day.scaled(Duration::from_secs(60))).await;
            report(user, "no-show", staff.act(&id, "no-show").await.map(drop));
        } else if report(user, "start", staff.act(&id, "start").await.map(drop)) {
            tokio::time::sleep(day.exp(rng, day.service_time)).await;
            let others: Vec<&String> = services.iter().filter(|s| **s != called.service.as_str()).collect();
            if rng.random_bool(day.transfer) && !others.is_empty() {
                let to = others[rng.random_range(0..others.len())].as_str();
                let body = TransferRequest { service: Some(to.into()), desk: None, staff: None, keep_position: true };
                let r = staff
                    .send::<serde_json::Value>(
                        staff.request(client::Method::POST, &format!("/api/v1/tickets/{id}/transfer")).json(&body),
                    )
                    .await;
                report(user, "transfer", r.map(drop));
            } else {
                report(user, "finish", staff.act(&id, "finish").await.map(drop));
            }
        }
        tokio::time::sleep(day.exp(rng, day.between_calls)).await;
    }
}

/// Prints a refused step; true when it went through.
fn report(user: &str, what: &str, r: Result<(), client::Error>) -> bool {
    match r {
        Ok(()) => true,
        Err(e) => {
            crate::say!("sportello: {user}: {what}: {e}");
            false
        }
    }
}
