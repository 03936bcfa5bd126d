//! The server under test: the real queue server in a child process (`bench serve …` runs
//! `queue_server::cli`) started through the test kit, a configuration written for the load, and
//! seeding of its database through `queue_server::tools`.

use anyhow::Context;
use jiff::Timestamp;
use queue_core::SiteId;
use std::path::{Path, PathBuf};
use testkit::process::{ServerProcess, server_command};

pub const SITE: &str = "livorno-terreni";
/// The password of every bench desk's staff member (hashed once, stored for each).
const PASSWORD: &str = "bench-password";

/// The test configuration without the limits a load test would hit (rate limits, daily caps),
/// plus `desks` extra desks at Livorno serving every service there (`bench-1` …).
pub fn write_config(dir: &Path, desks: usize) -> anyhow::Result<PathBuf> {
    let src = testkit::test_config_dir();
    let dst = dir.join("config");
    copy_dir(&src, &dst)?;
    for entry in std::fs::read_dir(dst.join("sites"))? {
        let path = entry?.path();
        let mut table: toml::Table = std::fs::read_to_string(&path)?.parse()?;
        let limits = table.entry("rate_limits").or_insert_with(|| toml::Value::Table(toml::Table::new()));
        if let toml::Value::Table(t) = limits {
            t.insert("tickets_per_minute_per_kiosk".into(), toml::Value::Integer(100_000_000));
            t.insert("logins_per_minute_per_address".into(), toml::Value::Integer(100_000_000));
        }
        let mut services = Vec::new();
        if let Some(toml::Value::Array(list)) = table.get_mut("services") {
            for s in list.iter_mut().filter_map(toml::Value::as_table_mut) {
                // No daily caps: every request of the run must be a ticket.
                s.remove("daily_cap");
                services.extend(s.get("id").cloned());
            }
        }
        if table.get("id").and_then(toml::Value::as_str) == Some(SITE)
            && let Some(toml::Value::Array(list)) = table.get_mut("desks")
        {
            for i in 1..=desks {
                let mut d = toml::Table::new();
                d.insert("id".into(), format!("bench-{i}").into());
                d.insert("label".into(), format!("Banco {i}").into());
                d.insert("services".into(), toml::Value::Array(services.clone()));
                list.push(toml::Value::Table(d));
            }
        }
        std::fs::write(&path, toml::to_string(&table)?)?;
    }
    Ok(dst)
}

fn copy_dir(src: &Path, dst: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(dst)?;
    for entry in std::fs::read_dir(src)? {
        let entry = entry?;
        let to = dst.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_dir(&entry.path(), &to)?;
        } else {
            std::fs::copy(entry.path(), to)?;
        }
    }
    Ok(())
}

/// Staff members `bench-1` … with a session each, written into the database before the server
/// starts: 200 argon2id logins would measure password hashing. Returns their bearer tokens.
pub fn seed_staff(data: &Path, desks: usize) -> anyhow::Result<Vec<String>> {
    let names: Vec<String> = (1..=desks).map(|i| format!("bench-{i}")).collect();
    Ok(queue_server::tools::add_staff_with_sessions(data, &names, PASSWORD)?)
}

/// About `n` tickets of history at Livorno, 5,000 a day on the days before today (ten million is
/// under six years, inside the retention: the server purges nothing), made by the simulator's
/// history generator through the real engine (`sim::generate`: every desk of the bench's
/// configuration open, arrivals by hour, priorities, transfers, holds, no-shows, cancellations) on
/// every core, then rolled up as the server's statistics housekeeper would have done day by day
/// (so it has nothing to catch up on while the load runs). Returns the tickets written.
pub fn seed_history(data: &Path, config: &Path, n: u64) -> anyhow::Result<u64> {
    let cfg = config::load(config).map_err(|e| anyhow::anyhow!("{e:?}"))?;
    let site = cfg.site(&SiteId::from(SITE)).context("site")?;
    let mut seed = queue_server::tools::HistorySeed::open(data)?;
    let per_day = 5_000u64;
    let days = n.div_ceil(per_day).max(1) as i64;
    let today = Timestamp::now().to_zoned(site.time_zone.clone()).date();
    let first = today.checked_sub(jiff::Span::new().days(days))?;
    let last = today.checked_sub(jiff::Span::new().days(1))?;
    let mut spec = sim::HistorySpec::weekdays(&site.id, n as f64 / days as f64, 0xbe_4c4);
    spec.weekdays = [1.0; 7];
    spec.lift_caps = true;
    let all_days = sim::history::open_days(&spec.weekdays, first, last);
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let t0 = std::time::Instant::now();
    let mut written = 0u64;
    sim::generate(&cfg.rules(), &[spec], &all_days, threads, |_, h| -> anyhow::Result<()> {
        written += h.tickets.len() as u64;
        seed.write(&h.tickets, &h.events)?;
        Ok(())
    })?;
    let secs = t0.elapsed().as_secs_f64();
    println!(
        "  generated {written} tickets through the engine in {secs:.0} s ({:.0} tickets/s)",
        written as f64 / secs
    );
    seed.roll_up(&cfg, Timestamp::now())?;
    Ok(written)
}

pub struct Server {
    process: ServerProcess,
    pub url: String,
    /// From spawning the process to its "ready" line, measured here.
    pub ready_ms: f64,
    data: PathBuf,
}

impl Server {
    pub fn spawn(config: &Path, data: &Path) -> anyhow::Result<Server> {
        let process = ServerProcess::start(server_command(
            &std::env::current_exe()?,
            // One machine stands in for every kiosk, desk and display: no per-address cap.
            &["serve", "--connections-per-address", "100000"],
            config,
            data,
        ))
        .map_err(anyhow::Error::msg)
        .context("cannot start the server")?;
        let (url, ready_ms) = (process.url.clone(), process.ready.as_secs_f64() * 1000.0);
        Ok(Server { process, url, ready_ms, data: data.to_owned() })
    }

    pub fn rss_kib(&self) -> Option<u64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.process.pid())).ok()?;
        status.lines().find(|l| l.starts_with("VmRSS:"))?.split_whitespace().nth(1)?.parse().ok()
    }

    /// CPU time (user + system) the server has used, in seconds: all of it, and its queue writer
    /// thread's.
    pub fn cpu_seconds(&self) -> Option<(f64, f64)> {
        let pid = self.process.pid();
        let all = ticks(&std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?)?;
        let mut writer = 0.0;
        for task in std::fs::read_dir(format!("/proc/{pid}/task")).ok()?.flatten() {
            let comm = std::fs::read_to_string(task.path().join("comm")).unwrap_or_default();
            if comm.trim() == "queue-writer" {
                writer = ticks(&std::fs::read_to_string(task.path().join("stat")).ok()?)?;
            }
        }
        Some((all, writer))
    }

    /// Bytes the server has written with write calls so far (WAL frames and checkpoint copies).
    pub fn written_bytes(&self) -> Option<f64> {
        let io = std::fs::read_to_string(format!("/proc/{}/io", self.process.pid())).ok()?;
        io.lines().find_map(|l| l.strip_prefix("wchar:")).and_then(|v| v.trim().parse().ok())
    }

    /// Size of the write-ahead log now, in MiB: it must stay bounded under load (checkpoints keep
    /// up), not grow with every commit.
    pub fn wal_mib(&self) -> Option<f64> {
        let wal = queue_server::tools::database_path(&self.data).with_extension("sqlite3-wal");
        Some(std::fs::metadata(wal).ok()?.len() as f64 / (1024.0 * 1024.0))
    }

    /// Whether the process is still running (a crash fails the bench).
    pub fn alive(&mut self) -> bool {
        self.process.alive()
    }

    pub fn stop(&mut self) {
        self.process.kill();
    }
}

/// CPU seconds (user + system) in a `/proc/…/stat` line.
fn ticks(stat: &str) -> Option<f64> {
    // Fields after the command name (which is in parentheses): utime is the 12th, stime the 13th.
    let rest = stat.rsplit_once(')')?.1;
    let f: Vec<&str> = rest.split_whitespace().collect();
    Some((f.get(11)?.parse::<f64>().ok()? + f.get(12)?.parse::<f64>().ok()?) / 100.0)
}

/// CPU seconds this process (the load generator) has used.
pub fn own_cpu_seconds() -> Option<f64> {
    ticks(&std::fs::read_to_string("/proc/self/stat").ok()?)
}

/// After a call-next run: tickets called more than once (must be none: the bench never recalls,
/// returns or transfers) and how many distinct tickets were called, from the event log.
pub fn called_twice(data: &Path) -> anyhow::Result<(u64, u64)> {
    Ok(queue_server::tools::called_more_than_once(data)?)
}
