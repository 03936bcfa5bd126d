//! A throwaway PostgreSQL cluster for a test: `initdb` in a fresh temporary directory as the
//! `postgres` user (initdb refuses root), `pg_ctl start -w` on a free loopback port, stopped with
//! `pg_ctl stop -m immediate` (and the directory removed) when dropped. Never a shared cluster.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicU32, Ordering};

/// Where Debian's `postgresql` package puts the server programs.
fn bin_dir() -> Option<PathBuf> {
    let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path().join("bin")))
        .filter(|p| p.join("initdb").is_file() && p.join("pg_ctl").is_file())
        .collect();
    versions.sort();
    versions.pop()
}

/// A running cluster; `url` connects as the superuser `postgres` (trust on loopback).
pub struct PgCluster {
    dir: PathBuf,
    bin: PathBuf,
    pub port: u16,
    pub url: String,
    /// The postmaster's process id.
    pub pid: u32,
}

/// [`crate::require`] for PostgreSQL: a fresh cluster, or `None` after `SKIPPED: …` (a failure
/// when `CI=true`). Panics if PostgreSQL is there but the cluster does not start.
#[track_caller]
pub fn require_postgres(test: &str) -> Option<PgCluster> {
    require_cluster(test, false)
}

/// [`require_postgres`] with `fsync` on, as a real hub runs (benchmarks).
#[track_caller]
pub fn require_durable_postgres(test: &str) -> Option<PgCluster> {
    require_cluster(test, true)
}

#[track_caller]
fn require_cluster(test: &str, durable: bool) -> Option<PgCluster> {
    let bin = bin_dir();
    let runuser = crate::which("runuser");
    let user = Command::new("id").arg("postgres").output().is_ok_and(|o| o.status.success());
    let why = format!(
        "{test} needs PostgreSQL (apt-get install postgresql: initdb/pg_ctl under /usr/lib/postgresql, the postgres user, runuser)"
    );
    if !crate::require(bin.is_some() && runuser.is_some() && user, &why) {
        return None;
    }
    Some(PgCluster::start(&bin.expect("checked"), durable).unwrap_or_else(|e| panic!("{test}: {e}")))
}

fn as_postgres(program: &Path) -> Command {
    let mut c = Command::new("runuser");
    c.args(["-u", "postgres", "--"]).arg(program);
    c
}

fn run(mut c: Command, what: &str) -> Result<(), String> {
    let out = c.output().map_err(|e| format!("cannot run {what}: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "{what} failed ({}): {}{}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok(())
}

impl PgCluster {
    /// `durable`: fsync on (a real hub); off for tests, which need no crash safety of the OS.
    pub fn start(bin: &Path, durable: bool) -> Result<PgCluster, String> {
        static N: AtomicU32 = AtomicU32::new(0);
        let dir = std::env::temp_dir().join(format!(
            "sportello-pg-{}-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed),
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0)
        ));
        std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        run(
            {
                let mut c = Command::new("chown");
                c.arg("postgres:postgres").arg(&dir);
                c
            },
            "chown",
        )?;
        let data = dir.join("data");
        let mut init = as_postgres(&bin.join("initdb"));
        init.arg("-D").arg(&data).args(["-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8"]);
        run(init, "initdb")?;
        // A free port: bind 0 and let it go (the cluster takes it at once; a clash fails loudly).
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map_err(|e| format!("no free port: {e}"))?
            .port();
        let mut start = as_postgres(&bin.join("pg_ctl"));
        start.arg("-D").arg(&data).arg("-o").arg(format!(
            "-k {} -p {port} -c listen_addresses=127.0.0.1 -c max_connections=300{}",
            dir.display(),
            if durable { "" } else { " -c fsync=off -c full_page_writes=off" }
        ));
        start.arg("-l").arg(dir.join("log")).args(["-w", "-t", "60", "start"]);
        let mut cluster = PgCluster {
            dir: dir.clone(),
            bin: bin.to_owned(),
            port,
            url: format!("postgres://postgres@127.0.0.1:{port}/postgres"),
            pid: 0,
        };
        if let Err(e) = run(start, "pg_ctl start") {
            let log = std::fs::read_to_string(dir.join("log")).unwrap_or_default();
            return Err(format!("{e}\n{log}"));
        }
        let pid = std::fs::read_to_string(data.join("postmaster.pid")).unwrap_or_default();
        cluster.pid = pid.lines().next().and_then(|l| l.trim().parse().ok()).unwrap_or(0);
        Ok(cluster)
    }

    /// A new database in the cluster (each hub of a test its own); its connection string.
    pub fn create_database(&self, name: &str) -> Result<String, String> {
        let mut c = as_postgres(&self.bin.join("createdb"));
        c.args(["-h", "127.0.0.1", "-p", &self.port.to_string(), "-U", "postgres", name]);
        run(c, "createdb")?;
        Ok(format!("postgres://postgres@127.0.0.1:{}/{name}", self.port))
    }

    /// Run `sql` with `psql` in database `name` (a test reaching behind an API's back); its output.
    pub fn psql(&self, name: &str, sql: &str) -> Result<String, String> {
        let mut c = as_postgres(&self.bin.join("psql"));
        c.args(["-h", "127.0.0.1", "-p", &self.port.to_string(), "-U", "postgres", "-v", "ON_ERROR_STOP=1", "-At"])
            .args(["-d", name, "-c", sql]);
        let out = c.output().map_err(|e| format!("cannot run psql: {e}"))?;
        if !out.status.success() {
            return Err(format!("psql failed ({}): {}", out.status, String::from_utf8_lossy(&out.stderr)));
        }
        Ok(String::from_utf8_lossy(&out.stdout).trim().to_owned())
    }
}

impl Drop for PgCluster {
    fn drop(&mut self) {
        let mut stop = as_postgres(&self.bin.join("pg_ctl"));
        stop.arg("-D").arg(self.dir.join("data")).args(["-m", "immediate", "-w", "stop"]);
        let _ = stop.output();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
