//! WAL checkpoints on a connection of their own. The queue writer's connection never checkpoints
//! (`wal_autocheckpoint=0`): a checkpoint inside a commit copies megabytes and fsyncs the database
//! while every request of the batch waits. Here it runs beside the writer, `PASSIVE` (it never
//! blocks the writer or readers; frames a reader still needs are copied next time).

use crate::db;
use std::path::PathBuf;
use std::time::Duration;
use tokio::sync::watch;

/// How often the WAL is copied back into the database.
const PERIOD: Duration = Duration::from_millis(250);

/// Start the checkpoint thread; it stops (after one last checkpoint) when `shutdown` turns true.
pub fn start(path: PathBuf, shutdown: watch::Receiver<bool>) -> std::io::Result<std::thread::JoinHandle<()>> {
    std::thread::Builder::new().name("wal-checkpoint".into()).spawn(move || {
        let conn = match db::open(&path) {
            Ok(c) => c,
            Err(e) => {
                tracing::error!(error = %e, "the checkpoint thread cannot open the database; the WAL will grow");
                return;
            }
        };
        let mut failing = false;
        loop {
            match db::checkpoint_passive(&conn) {
                Ok(_) if failing => {
                    tracing::info!("WAL checkpoints work again");
                    failing = false;
                }
                Ok(_) => {}
                Err(e) if !failing => {
                    tracing::warn!(error = %e, "WAL checkpoint failed; retrying");
                    failing = true;
                }
                Err(_) => {}
            }
            if *shutdown.borrow() {
                return;
            }
            std::thread::sleep(PERIOD);
        }
    })
}
