//! `hub`: the regional hub's command line: serve, migrate, enrol a site server, add a viewer,
//! publish a site's configuration, group sites into areas.

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "hub", about = "Sportello's regional hub on PostgreSQL")]
struct Cli {
    /// PostgreSQL connection string (`postgres://user@host:port/db`); or HUB_DATABASE_URL.
    #[arg(long, global = true)]
    database_url: Option<String>,
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Serve the hub's API (migrating the schema first).
    Serve {
        #[arg(long, default_value = "127.0.0.1:8090")]
        listen: String,
        /// The funder report's smallest shown count (as a site's `min_group_size`); at least 1.
        #[arg(long, default_value_t = hub::DEFAULT_MIN_GROUP_SIZE, value_parser = clap::value_parser!(u32).range(1..))]
        min_group_size: u32,
    },
    /// Create or update the schema.
    Migrate,
    /// Enrol a site server as ORIGIN, allowed to write the events of SITES; prints its key once
    /// (enrolling again gives a new key and revokes the old one).
    Enrol {
        origin: String,
        /// The site ids of its configuration (repeat or comma-separate).
        #[arg(long = "site", value_delimiter = ',', required = true)]
        sites: Vec<String>,
    },
    /// A key that may read the fleet and the statistics; printed once.
    Viewer { name: String },
    /// Publish the configuration directory DIR (sportello.toml, access.toml and sites/*.toml, without [hub]) as
    /// ORIGIN's next bundle, after the same check as `queue-server check-config`; prints the version.
    Publish { origin: String, dir: std::path::PathBuf },
    /// Make AREA exactly the sites given (moving them from any other area), or remove it; an area
    /// groups sites in the statistics and the funder report (Grosseto = station, Follonica, Arcidosso).
    Area {
        area: String,
        /// The site ids (repeat or comma-separate).
        #[arg(long = "site", value_delimiter = ',', required_unless_present = "remove", conflicts_with = "remove")]
        sites: Vec<String>,
        /// Remove the area (its sites are in none).
        #[arg(long)]
        remove: bool,
    },
}

fn valid_name(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info,tokio_postgres=warn".into()),
        )
        // stdout carries only what a script reads: a printed key, the ready line.
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    let Some(url) = cli.database_url.or_else(|| std::env::var("HUB_DATABASE_URL").ok()) else {
        anyhow::bail!("give --database-url or HUB_DATABASE_URL")
    };
    let pool = hub::db::pool(&url)?;
    hub::db::migrate(&pool).await.map_err(|e| anyhow::anyhow!("cannot prepare the database: {e}"))?;
    let now = jiff::Timestamp::now().as_millisecond();
    match cli.cmd {
        Cmd::Migrate => println!("schema up to date"),
        Cmd::Enrol { origin, sites } => {
            if !valid_name(&origin) || !sites.iter().all(|s| valid_name(s)) {
                anyhow::bail!("origin and site ids are a-z, 0-9, - and _ (at most 64)");
            }
            let key = hub::new_key("sph");
            hub::db::enrol(&pool, &origin, &sites, &hub::key_hash(&key), now).await?;
            println!("{key}");
            eprintln!(
                "enrolled {origin} for {}: put this key in its [hub] key (it is not shown again)",
                sites.join(", ")
            );
        }
        Cmd::Viewer { name } => {
            if !valid_name(&name) {
                anyhow::bail!("a viewer's name is a-z, 0-9, - and _ (at most 64)");
            }
            let key = hub::new_key("shv");
            hub::db::add_viewer(&pool, &name, &hub::key_hash(&key), now).await?;
            println!("{key}");
        }
        Cmd::Publish { origin, dir } => {
            let b = hub::bundle_from_dir(&dir)
                .map_err(|e| anyhow::anyhow!("{e}\n{}: not published, nothing stored", dir.display()))?;
            let published = hub::db::publish(&pool, &origin, &b.files, &b.sha256, &b.sites, now)
                .await
                .map_err(|e| anyhow::anyhow!("{e}\n{}: not published, nothing stored", dir.display()))?;
            match published {
                (v, true) => println!("{v}"),
                (v, false) => {
                    eprintln!("unchanged: version {v} of {origin} has the same files");
                    println!("{v}");
                }
            }
        }
        Cmd::Area { area, sites, remove } => {
            if !valid_name(&area) || !sites.iter().all(|s| valid_name(s)) {
                anyhow::bail!("area and site ids are a-z, 0-9, - and _ (at most 64)");
            }
            let sites = if remove { vec![] } else { sites };
            let changed = hub::db::set_area(&pool, &area, &sites)
                .await
                .map_err(|e| anyhow::anyhow!("{e}\narea {area}: nothing changed"))?;
            if !changed {
                eprintln!("nothing changed");
            }
            match hub::db::areas(&pool).await?.get(&area) {
                Some(s) => println!("area {area}: {}", s.join(", ")),
                None => println!("area {area}: removed"),
            }
        }
        Cmd::Serve { listen, min_group_size } => {
            let listener = tokio::net::TcpListener::bind(&listen).await?;
            println!("hub ready on http://{}", listener.local_addr()?);
            let state = hub::HubState { min_group_size, ..hub::HubState::new(pool) };
            hub::serve(listener, state, async {
                let _ = tokio::signal::ctrl_c().await;
            })
            .await?;
        }
    }
    Ok(())
}
