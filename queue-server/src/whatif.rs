//! "What if": a staffing plan for one weekday of a site, simulated on the real engine (`sim`) with
//! the arrivals and service times the site's stored history measured. Used by
//! `GET /api/v1/stats/whatif` and the `/stats/whatif` page; runs on the blocking pool (the reads
//! are `api::stats::select`'s, SQL in `db::stats`).
//!
//! A plan is text, one desk after another (`;` or a new line between them):
//! `DESK[:SERVICE,SERVICE…][@FROM-TO[/FROM-TO…]]`, e.g. `lt-sportello-1@8-13;lt-stanza-5:legale@9-12/14-17`.
//! Without services, the desk serves its configured ones in their order; without hours, it is open
//! the whole day (from the first hour people arrived on that weekday to the end of the last).

use crate::api::stats::select;
use crate::auth::{Identity, Role};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use jiff::civil::{Date, Weekday};
use serde::{Deserialize, Serialize};

/// Longest history the profile is measured over, in weeks.
pub const MAX_WEEKS: u32 = 52;
/// Most replications of the day a request may ask for.
pub const MAX_REPLICATIONS: u32 = 30;
/// The simulated tickets of one request (all replications): fewer replications beyond it.
pub const MAX_SIMULATED_TICKETS: f64 = 30_000.0;
/// Most desks in a plan.
pub const MAX_DESKS: usize = 100;

/// Query of `GET /api/v1/stats/whatif`.
#[derive(Debug, Clone, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct WhatIfQuery {
    /// Site id.
    pub site: String,
    /// ISO weekday to simulate, 1 = Monday … 7 = Sunday (or give `date`). Default: today's.
    pub weekday: Option<String>,
    /// A site-local date (`2026-12-08`): its weekday, with the history of the weeks before it.
    pub date: Option<String>,
    /// The staff plan: `DESK[:SERVICE,SERVICE…][@FROM-TO[/FROM-TO…]]`, desks separated by `;`
    /// (hours 0–24; no hours: the whole day; no services: the desk's configured ones).
    pub plan: String,
    /// Weeks of history the arrivals and service times are measured over (1–52, default 8).
    pub weeks: Option<String>,
    /// Simulated days (replications, 1–30, default 10; fewer for very busy days).
    pub replications: Option<String>,
    /// Seed of the first replication (default 1): the same request gives the same figures.
    pub seed: Option<String>,
}

/// One desk of a plan, as understood.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct PlanDesk {
    pub desk: String,
    /// The services it takes, in its order.
    pub services: Vec<String>,
    /// Open hours, `[from, to)` in site-local hours of the day.
    pub open: Vec<[u8; 2]>,
}

/// What the history measured for one service.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ServiceInput {
    pub service: String,
    /// Mean tickets a day of that weekday (people who came first to this service).
    pub arrivals_per_day: f64,
    /// Mean service time, seconds: measured, or the configured default where nothing was served.
    pub service_mean_s: f64,
    pub service_time_measured: bool,
    pub target_wait_s: u32,
}

/// The simulated figures of a plan (means over the replications), for the day or one hour of it
/// (by hour of arrival; occupancy by the hour desks were busy).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct WhatIfFigures {
    /// Site-local hour of the day; null for the whole day.
    pub hour: Option<u8>,
    pub tickets_per_day: f64,
    /// First wait of the people called, seconds.
    pub wait_mean_s: Option<f64>,
    pub wait_p90_s: Option<f64>,
    /// Share of people called within their service's target wait.
    pub service_level: Option<f64>,
    /// People a day called after their target wait.
    pub past_target_per_day: f64,
    /// People a day still waiting when the desks that serve them closed (never called).
    pub unserved_per_day: f64,
    /// Share of the desks' open time they were busy; null where no desk was open.
    pub occupancy: Option<f64>,
    /// The estimator's error on these days: signed mean (estimate − wait), mean absolute error,
    /// share of people told too little.
    pub estimate_bias_s: Option<f64>,
    pub estimate_mae_s: Option<f64>,
    pub estimate_told_too_little: Option<f64>,
}

/// A plan simulated.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct WhatIf {
    pub site: String,
    /// ISO weekday, 1 = Monday.
    pub weekday: u8,
    /// The history measured: site-local days `history_from` to `history_to` (inclusive), and the
    /// tickets issued on that weekday in them.
    pub history_from: String,
    pub history_to: String,
    pub history_tickets: u64,
    pub weeks: u32,
    pub replications: u32,
    pub seed: u64,
    pub plan: Vec<PlanDesk>,
    pub services: Vec<ServiceInput>,
    /// Share of priority and urgent tickets, and of people called who did not come, measured.
    pub priority_share: f64,
    pub urgent_share: f64,
    pub no_show_share: f64,
    pub day: WhatIfFigures,
    pub by_hour: Vec<WhatIfFigures>,
}

/// The arrivals and service times measured, for one weekday.
#[derive(Debug, Clone)]
pub struct Profile {
    pub tickets: u64,
    /// Mean arrivals in each local hour of that weekday (all services).
    pub hourly: [f64; 24],
    pub services: Vec<ServiceInput>,
    /// Of the services' first arrivals: the service each transfers to most, and the share.
    pub transfers: Vec<Option<(String, f64)>>,
    pub priority_share: f64,
    pub urgent_share: f64,
    pub no_show_share: f64,
}

fn bad(msg: impl Into<String>) -> ApiError {
    ApiError::bad_request(msg)
}

fn number<T>(name: &str, v: Option<&str>, default: T, range: std::ops::RangeInclusive<T>) -> ApiResult<T>
where
    T: std::str::FromStr + PartialOrd + std::fmt::Display + Copy,
{
    let Some(v) = v.filter(|v| !v.is_empty()) else { return Ok(default) };
    let n: T = v
        .trim()
        .parse()
        .map_err(|_| bad(format!("'{name}' must be a number from {} to {}", range.start(), range.end())))?;
    if !range.contains(&n) {
        return Err(bad(format!("'{name}' must be from {} to {}, not {n}", range.start(), range.end())));
    }
    Ok(n)
}

/// Parses a plan against the site's configuration; `day` is the default opening `[from, to)`.
pub fn parse_plan(site: &config::Site, text: &str, day: (u8, u8)) -> Result<Vec<PlanDesk>, String> {
    let mut desks: Vec<PlanDesk> = Vec::new();
    for entry in text.split([';', '\n']).map(str::trim).filter(|e| !e.is_empty()) {
        if desks.len() == MAX_DESKS {
            return Err(format!("a plan has at most {MAX_DESKS} desks"));
        }
        let (head, hours) = match entry.split_once('@') {
            Some((h, r)) => (h.trim(), Some(r.trim())),
            None => (entry, None),
        };
        let (desk, services) = match head.split_once(':') {
            Some((d, s)) => (d.trim(), Some(s)),
            None => (head, None),
        };
        let conf = site
            .desks
            .iter()
            .find(|d| d.id.as_str() == desk)
            .ok_or_else(|| format!("no desk '{}' at '{}'", crate::api::excerpt(desk, 64), site.id))?;
        if desks.iter().any(|d| d.desk == desk) {
            return Err(format!("desk '{desk}' is in the plan twice: give it several hours instead (8-12/14-17)"));
        }
        let services: Vec<String> = match services {
            None => conf.services.iter().map(|s| s.to_string()).collect(),
            Some(list) => {
                let mut v = Vec::new();
                for s in list.split(',').map(str::trim).filter(|s| !s.is_empty()) {
                    if !site.services.iter().any(|x| x.id.as_str() == s) {
                        return Err(format!("no service '{}' at '{}'", crate::api::excerpt(s, 64), site.id));
                    }
                    if !v.iter().any(|x: &String| x == s) {
                        v.push(s.to_owned());
                    }
                }
                if v.is_empty() {
                    return Err(format!("desk '{desk}': list the services it takes after ':', or leave ':' out"));
                }
                v
            }
        };
        let open = match hours {
            None => vec![[day.0, day.1]],
            Some(h) => {
                let mut spans: Vec<[u8; 2]> = Vec::new();
                for span in h.split('/').map(str::trim) {
                    let parsed = span
                        .split_once('-')
                        .and_then(|(a, b)| Some((a.trim().parse::<u8>().ok()?, b.trim().parse::<u8>().ok()?)));
                    let Some((a, b)) = parsed.filter(|(a, b)| a < b && *b <= 24) else {
                        return Err(format!(
                            "desk '{desk}': '{}' is not a span of hours like 8-13 (from 0 to 24, from before to)",
                            crate::api::excerpt(span, 20)
                        ));
                    };
                    if spans.iter().any(|s| a < s[1] && s[0] < b) {
                        return Err(format!("desk '{desk}': hours {a}-{b} overlap another span"));
                    }
                    spans.push([a, b]);
                }
                spans.sort();
                spans
            }
        };
        desks.push(PlanDesk { desk: desk.to_owned(), services, open });
    }
    if desks.is_empty() {
        return Err("the plan has no desk: list at least one desk that opens (e.g. 'lt-sportello-1@8-13')".into());
    }
    Ok(desks)
}

/// The plan with every configured desk of the site open the whole day, as plan text.
pub fn all_desks_plan(site: &config::Site) -> String {
    site.desks.iter().map(|d| d.id.to_string()).collect::<Vec<_>>().join("; ")
}

/// The weekday and history window a query asks for (site-local).
pub fn window(state: &AppState, site: &config::Site, q: &WhatIfQuery) -> ApiResult<(Weekday, Date, Date, u32)> {
    let weeks = number("weeks", q.weeks.as_deref(), 8u32, 1..=MAX_WEEKS)?;
    let today = state.now().to_zoned(site.time_zone.clone()).date();
    let (weekday, end) =
        match (q.weekday.as_deref().filter(|s| !s.is_empty()), q.date.as_deref().filter(|s| !s.is_empty())) {
            (Some(_), Some(_)) => return Err(bad("give 'weekday' or 'date', not both")),
            (None, Some(d)) => {
                let d: Date = d
                    .trim()
                    .parse()
                    .map_err(|_| bad(format!("'date' must be YYYY-MM-DD, not '{}'", crate::api::excerpt(d, 20))))?;
                (d.weekday(), d.min(today))
            }
            (w, None) => {
                let n = number("weekday", w, today.weekday().to_monday_one_offset(), 1..=7)?;
                (Weekday::from_monday_one_offset(n).map_err(|e| bad(e.to_string()))?, today)
            }
        };
    let from = end.checked_sub(jiff::Span::new().days(i64::from(weeks) * 7)).map_err(|e| bad(e.to_string()))?;
    let to = end.yesterday().map_err(|e| bad(e.to_string()))?;
    Ok((weekday, from, to, weeks))
}

/// Measures a site's weekday from its stored history (the statistics' own reads).
pub fn profile(
    state: &AppState,
    id: &Identity,
    site: &config::Site,
    weekday: Weekday,
    from: Date,
    to: Date,
    weeks: u32,
) -> ApiResult<Profile> {
    let (f, t) = (from.to_string(), to.to_string());
    let all = select(state, id, site.id.as_str(), None, Some(&f), Some(&t))?;
    let wd = weekday.to_monday_zero_offset() as usize;
    let row: Vec<u64> = all.agg.hours_of_week.get(wd).cloned().unwrap_or_else(|| vec![0; 24]);
    let tickets: u64 = row.iter().sum();
    let mut hourly = [0.0; 24];
    for (h, n) in row.iter().enumerate().take(24) {
        hourly[h] = *n as f64 / f64::from(weeks);
    }
    let agg = &all.agg;
    let issued = agg.issued.max(1) as f64;
    // First arrivals per service: tickets through it, less those transferred into it.
    let into = |s: &str| -> u64 {
        agg.transfer_pairs.iter().filter(|(k, _)| k.split_once('→').is_some_and(|(_, b)| b == s)).map(|(_, n)| *n).sum()
    };
    let first: Vec<f64> = site
        .services
        .iter()
        .map(|s| {
            let used = agg.services_used.get(s.id.as_str()).copied().unwrap_or(0);
            used.saturating_sub(into(s.id.as_str())) as f64
        })
        .collect();
    let first_sum: f64 = first.iter().sum::<f64>().max(1.0);
    let per_day = tickets as f64 / f64::from(weeks);
    let mut services = Vec::new();
    let mut transfers = Vec::new();
    for (i, s) in site.services.iter().enumerate() {
        let one = select(state, id, site.id.as_str(), Some(s.id.as_str()), Some(&f), Some(&t))?;
        let measured = one.summary.service_mean_s.filter(|m| *m > 0.0);
        services.push(ServiceInput {
            service: s.id.to_string(),
            arrivals_per_day: (per_day * first[i] / first_sum * 100.0).round() / 100.0,
            service_mean_s: measured.unwrap_or(f64::from(s.default_service_time_s.max(30))),
            service_time_measured: measured.is_some(),
            target_wait_s: s.target_wait_s,
        });
        let out = agg
            .transfer_pairs
            .iter()
            .filter_map(|(k, n)| {
                k.split_once('→').filter(|(a, _)| *a == s.id.as_str()).map(|(_, b)| (b.to_owned(), *n))
            })
            .max_by_key(|(_, n)| *n);
        transfers.push(out.filter(|_| first[i] > 0.0).map(|(to, n)| (to, (n as f64 / first[i]).min(0.9))));
    }
    let share = |k: &str| agg.priorities.get(k).copied().unwrap_or(0) as f64 / issued;
    Ok(Profile {
        tickets,
        hourly,
        services,
        transfers,
        priority_share: share("priority"),
        urgent_share: share("urgent"),
        no_show_share: if agg.called == 0 { 0.0 } else { (agg.no_show as f64 / agg.called as f64).min(0.9) },
    })
}

/// The whole request: checks, measures, simulates. Bad input is a 400 before anything runs.
pub fn what_if(state: &AppState, id: &Identity, q: &WhatIfQuery) -> ApiResult<WhatIf> {
    id.staff(Role::Manager)?;
    let site = state
        .cfg
        .sites
        .iter()
        .find(|s| s.id.as_str() == q.site)
        .ok_or_else(|| bad(format!("no site '{}'", crate::api::excerpt(&q.site, 64))))?;
    id.staff_at(&site.id, Role::Manager)?;
    let replications = number("replications", q.replications.as_deref(), 10u32, 1..=MAX_REPLICATIONS)?;
    let seed = number("seed", q.seed.as_deref(), 1u64, 0..=u64::from(u32::MAX))?;
    let (weekday, from, to, weeks) = window(state, site, q)?;
    // The plan is checked before the history is read (hours from the configuration for now).
    parse_plan(site, &q.plan, (8, 18)).map_err(bad)?;
    let p = profile(state, id, site, weekday, from, to, weeks)?;
    // No history on that weekday: no arrivals, figures of an empty day (the page says so).
    let first = p.hourly.iter().position(|r| *r > 0.0).unwrap_or(8) as u8;
    let last = p.hourly.iter().rposition(|r| *r > 0.0).unwrap_or(17) as u8 + 1;
    let plan = parse_plan(site, &q.plan, (first, last)).map_err(bad)?;
    let per_day: f64 = p.hourly.iter().sum();
    let replications = replications.min(((MAX_SIMULATED_TICKETS / per_day.max(1.0)) as u32).max(1));
    let runs: Vec<sim::Run> = (0..replications).map(|r| sim::run(&sim_plan(&p, &plan, seed + u64::from(r)))).collect();
    // The hours people arrive in and the hours of the plan (not the minutes a desk stays on
    // after its closing hour to finish with someone).
    let by_hour = (0..24u8)
        .filter(|h| p.hourly[*h as usize] > 0.0 || plan.iter().any(|d| d.open.iter().any(|[a, b]| a <= h && h < b)))
        .map(|h| figures(&runs, Some(h)))
        .collect();
    Ok(WhatIf {
        site: site.id.to_string(),
        weekday: weekday.to_monday_one_offset() as u8,
        history_from: from.to_string(),
        history_to: to.to_string(),
        history_tickets: p.tickets,
        weeks,
        replications,
        seed,
        plan,
        services: p.services.clone(),
        priority_share: round(p.priority_share, 3),
        urgent_share: round(p.urgent_share, 3),
        no_show_share: round(p.no_show_share, 3),
        day: figures(&runs, None),
        by_hour,
    })
}

fn round(x: f64, digits: i32) -> f64 {
    let f = 10f64.powi(digits);
    (x * f).round() / f
}

/// The simulator's plan: the day from local midnight, hour by hour.
fn sim_plan(p: &Profile, plan: &[PlanDesk], seed: u64) -> sim::Plan {
    let total: f64 = p.services.iter().map(|s| s.arrivals_per_day).sum::<f64>().max(1e-9);
    let services = p
        .services
        .iter()
        .zip(&p.transfers)
        .map(|(s, tr)| {
            let share = s.arrivals_per_day / total;
            let mut sp = sim::ServicePlan::new(&s.service, 0.0, s.service_mean_s);
            sp.hourly = p.hourly.iter().map(|r| r * share).collect();
            sp.target_wait_s = s.target_wait_s;
            sp.priority_share = p.priority_share;
            sp.urgent_share = p.urgent_share;
            if let Some((to, share)) = tr {
                sp.transfer_to = Some(to.clone());
                sp.transfer_share = *share;
            }
            sp
        })
        .collect();
    sim::Plan {
        services,
        desks: plan
            .iter()
            .map(|d| sim::DeskPlan {
                id: d.desk.clone(),
                services: d.services.clone(),
                open: d.open.iter().map(|[a, b]| (f64::from(*a) * 3600.0, f64::from(*b) * 3600.0)).collect(),
            })
            .collect(),
        duration_s: 24.0 * 3600.0,
        warmup_s: 0.0,
        call_delay_s: 15.0,
        no_show_share: p.no_show_share,
        no_show_wait_s: 120.0,
        seed,
    }
}

/// Means over the replications, for the day or the hour `hour`.
fn figures(runs: &[sim::Run], hour: Option<u8>) -> WhatIfFigures {
    let hour_of =
        |t: &queue_core::stats::TicketStats, r: &sim::Run| (t.issued_at.duration_since(r.start).as_secs() / 3600) as u8;
    let fs: Vec<sim::Figures> =
        runs.iter().map(|r| sim::figures_where(r, |t| hour.is_none_or(|h| hour_of(t, r) == h))).collect();
    let n = runs.len().max(1) as f64;
    let tickets: u64 = fs.iter().map(|f| f.tickets).sum();
    let called: u64 = fs.iter().map(|f| f.called).sum();
    let weighted = |g: fn(&sim::Figures) -> f64| {
        (called > 0).then(|| fs.iter().map(|f| g(f) * f.called as f64).sum::<f64>() / called as f64)
    };
    let (open, busy) = match hour {
        None => (
            runs.iter().map(|r| r.open_s_by_hour.iter().sum::<f64>()).sum::<f64>(),
            runs.iter().map(|r| r.busy_s_by_hour.iter().sum::<f64>()).sum::<f64>(),
        ),
        Some(h) => (
            runs.iter().map(|r| r.open_s_by_hour.get(h as usize).copied().unwrap_or(0.0)).sum::<f64>(),
            runs.iter().map(|r| r.busy_s_by_hour.get(h as usize).copied().unwrap_or(0.0)).sum::<f64>(),
        ),
    };
    let r1 = |x: Option<f64>| x.map(|v| round(v, 1));
    let r3 = |x: Option<f64>| x.map(|v| round(v, 3));
    WhatIfFigures {
        hour,
        tickets_per_day: round(tickets as f64 / n, 1),
        wait_mean_s: r1(weighted(|f| f.wait_mean_s)),
        wait_p90_s: r1(weighted(|f| f.wait_p90_s)),
        service_level: r3(weighted(|f| f.service_level)),
        past_target_per_day: round(fs.iter().map(|f| f.past_target).sum::<u64>() as f64 / n, 1),
        unserved_per_day: round(tickets.saturating_sub(called) as f64 / n, 1),
        occupancy: (open > 0.0).then(|| round((busy / open).min(1.0), 3)),
        estimate_bias_s: r1(weighted(|f| f.bias_s)),
        estimate_mae_s: r1(weighted(|f| f.mae_s)),
        estimate_told_too_little: r3(weighted(|f| f.told_too_little)),
    }
}
