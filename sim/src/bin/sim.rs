//! `sim`: the what-if staffing simulator on the command line — one plan, or the estimator's grid
//! (c = 1, 2, 3, 5 desks × 50–95 % load) against Erlang C, with the estimator's error before and
//! after issue 14; and the history generator's speed (`history`). A site's what-if from its
//! stored history is `queue-server whatif` (it reads the data directory).

use clap::{Parser, Subcommand};
use sim::{Plan, erlang_c, erlang_c_mean_wait, figures, figures_where, run};

#[derive(Parser)]
#[command(about = "Seeded what-if simulation through the real queue-core engine (virtual clock)")]
struct Args {
    #[command(subcommand)]
    what: What,
}

#[derive(Subcommand)]
enum What {
    /// The estimator's table: c = 1, 2, 3, 5 desks, load 0.5–0.95, one service, exponential times.
    Grid {
        #[arg(long, default_value_t = 20_000)]
        tickets: u32,
        #[arg(long, default_value_t = 300.0)]
        service_s: f64,
        #[arg(long, default_value_t = 1000)]
        seed: u64,
        /// Staff's delay between finishing and calling, seconds.
        #[arg(long, default_value_t = 0.0)]
        call_delay_s: f64,
    },
    /// One plan: `c` desks serving one service at a given load (or arrivals an hour), or the
    /// Livorno-like shared desks (`--shared`).
    Plan {
        #[arg(long, default_value_t = 2)]
        desks: u32,
        /// Utilisation of the desks (arrival rate × service time ÷ desks).
        #[arg(long)]
        load: Option<f64>,
        /// Arrivals an hour (instead of `--load`).
        #[arg(long)]
        arrivals_per_hour: Option<f64>,
        #[arg(long, default_value_t = 600.0)]
        service_s: f64,
        /// Simulated hours.
        #[arg(long, default_value_t = 8.0)]
        hours: f64,
        /// Repeat the day this many times (different seeds) and report all of them together.
        #[arg(long, default_value_t = 200)]
        days: u32,
        #[arg(long, default_value_t = 1800)]
        target_s: u32,
        #[arg(long, default_value_t = 0.0)]
        priority_share: f64,
        #[arg(long, default_value_t = 0.0)]
        urgent_share: f64,
        #[arg(long, default_value_t = 0.0)]
        call_delay_s: f64,
        #[arg(long, default_value_t = 0.0)]
        no_show_share: f64,
        /// Four desks sharing three services (each desk takes its own first) at `--load`.
        #[arg(long)]
        shared: bool,
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// The history generator's speed: `tickets` over `years` of Monday-to-Friday days of every site
    /// of a configuration, through the engine on `threads` threads (nothing is written).
    History {
        /// Configuration directory (e.g. tests/data/config).
        #[arg(long)]
        config: std::path::PathBuf,
        #[arg(long, default_value_t = 1_000_000)]
        tickets: u64,
        #[arg(long, default_value_t = 3)]
        years: i16,
        /// Default: every core.
        #[arg(long)]
        threads: Option<usize>,
    },
}

fn pct(x: f64) -> String {
    format!("{:.0}%", x * 100.0)
}

fn main() {
    match Args::parse().what {
        What::History { config, tickets, years, threads } => {
            let cfg = match config::load(&config) {
                Ok(c) => c,
                Err(e) => {
                    eprintln!("{e:?}");
                    std::process::exit(2);
                }
            };
            let last: jiff::civil::Date = jiff::civil::date(2026, 10, 31);
            let first = last.saturating_sub(jiff::Span::new().years(years));
            let sites: Vec<_> = cfg.sites.iter().map(|s| s.id.clone()).collect();
            let (days, specs) = sim::history::spread(&sites, tickets, first, last, 0x5eed_1234_abcd);
            let threads = threads.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
            let t0 = std::time::Instant::now();
            let (mut n, mut events) = (0u64, 0u64);
            let done = sim::generate(&cfg.rules(), &specs, &days, threads, |_, h| -> Result<(), sim::HistoryError> {
                n += h.tickets.len() as u64;
                events += h.events.len() as u64;
                Ok(())
            });
            if let Err(e) = done {
                eprintln!("{e}");
                std::process::exit(1);
            }
            let secs = t0.elapsed().as_secs_f64();
            println!(
                "{n} tickets, {events} events, {} site-days on {threads} threads in {secs:.1} s: {:.0} tickets/s",
                days.len() * cfg.sites.len(),
                n as f64 / secs
            );
        }
        What::Grid { tickets, service_s, seed, call_delay_s } => {
            println!(
                "one service, exponential service times (mean {service_s} s), Poisson arrivals, {tickets} tickets a \
                 cell, seed {seed}, call delay {call_delay_s} s"
            );
            println!(
                "{:>2} {:>5} | {:>8} {:>8} {:>6} {:>6} | {:>8} {:>7} {:>6} {:>6} | {:>8} {:>7} {:>6}",
                "c",
                "load",
                "wait",
                "ErlangC",
                "P(w)",
                "ErlC",
                "bias",
                "MAE",
                "bias%",
                "short",
                "old bias",
                "old MAE",
                "short"
            );
            for c in [1u32, 2, 3, 5] {
                for load in [0.5, 0.7, 0.85, 0.95] {
                    let mut plan = Plan::mmc(c, load, service_s, tickets, seed + u64::from(c));
                    plan.call_delay_s = call_delay_s;
                    let f = figures(&run(&plan));
                    println!(
                        "{c:>2} {load:>5.2} | {:>7.0}s {:>7.0}s {:>6} {:>6} | {:>7.0}s {:>6.0}s {:>6} {:>6} | {:>7.0}s {:>6.0}s {:>6}",
                        f.wait_mean_s,
                        erlang_c_mean_wait(c, load, service_s),
                        pct(f.waited_share),
                        pct(erlang_c(c, load * f64::from(c))),
                        f.bias_s,
                        f.mae_s,
                        pct(f.bias_s / f.wait_mean_s.max(1e-9)),
                        pct(f.told_too_little),
                        f.old_bias_s,
                        f.old_mae_s,
                        pct(f.old_told_too_little),
                    );
                }
            }
        }
        What::Plan {
            desks,
            load,
            arrivals_per_hour,
            service_s,
            hours,
            days,
            target_s,
            priority_share,
            urgent_share,
            call_delay_s,
            no_show_share,
            shared,
            seed,
        } => {
            let load_of = load.unwrap_or(0.8);
            let mut total = Vec::new();
            for day in 0..days {
                let mut plan = if shared {
                    let mut p = Plan::shared(load_of, 1, seed + u64::from(day));
                    p.duration_s = hours * 3600.0;
                    p
                } else {
                    let rate = arrivals_per_hour.unwrap_or(load_of * f64::from(desks) * 3600.0 / service_s);
                    let mut p = Plan::mmc(desks, 0.5, service_s, 1, seed + u64::from(day));
                    p.services[0].rate_per_h = rate;
                    p.duration_s = hours * 3600.0;
                    p
                };
                plan.warmup_s = 0.0;
                plan.call_delay_s = call_delay_s;
                plan.no_show_share = no_show_share;
                plan.no_show_wait_s = 120.0;
                for s in &mut plan.services {
                    s.target_wait_s = target_s;
                    s.priority_share = priority_share;
                    s.urgent_share = urgent_share;
                }
                total.push(run(&plan));
            }
            let desc = if shared {
                format!("4 shared desks, 3 services, load {load_of}")
            } else {
                format!("{desks} desks, service time {service_s} s")
            };
            println!("{desc}; {days} days of {hours} h from 00:00 (empty at the start); target {target_s} s");
            println!(
                "{:>5} | {:>7} {:>7} {:>7} {:>6} {:>7} {:>6} | {:>7} {:>6} {:>6}",
                "hour", "tickets", "wait", "p90", "SL", "past", "busy", "bias", "MAE", "short"
            );
            let hour_of = |t: &queue_core::stats::TicketStats, r: &sim::Run| {
                (t.issued_at.duration_since(r.start).as_secs() / 3600) as u32
            };
            let show = |label: String, fs: Vec<sim::Figures>, busy: bool| {
                let n: u64 = fs.iter().map(|f| f.tickets).sum();
                let called: u64 = fs.iter().map(|f| f.called).sum();
                let w = |g: fn(&sim::Figures) -> f64| {
                    if called == 0 {
                        0.0
                    } else {
                        fs.iter().map(|f| g(f) * f.called as f64).sum::<f64>() / called as f64
                    }
                };
                let past: u64 = fs.iter().map(|f| f.past_target).sum();
                println!(
                    "{label:>5} | {n:>7} {:>6.0}s {:>6.0}s {:>6} {past:>7} {:>6} | {:>6.0}s {:>5.0}s {:>6}",
                    w(|f| f.wait_mean_s),
                    w(|f| f.wait_p90_s),
                    pct(w(|f| f.service_level)),
                    if busy {
                        pct(fs.iter().map(|f| f.occupancy).sum::<f64>() / fs.len().max(1) as f64)
                    } else {
                        "".into()
                    },
                    w(|f| f.bias_s),
                    w(|f| f.mae_s),
                    pct(w(|f| f.told_too_little)),
                );
            };
            for h in 0..hours.ceil() as u32 {
                show(
                    format!("{h:02}"),
                    total.iter().map(|r| figures_where(r, |t| hour_of(t, r) == h)).collect(),
                    false,
                );
            }
            show("all".into(), total.iter().map(figures).collect(), true);
            println!(
                "(by hour of issue; p90 is the mean of the days' p90s; wait, SL, bias, MAE and short are weighted by \
                 tickets called; busy: desks' busy time over their open time)"
            );
        }
    }
}
