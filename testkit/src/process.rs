//! The real server binary as a child process (`queue-server`, `sportello-test-server`, or `bench
//! serve`): started on an ephemeral port, ready once it prints its ready line, killed with SIGKILL
//! on [`ServerProcess::kill`] or when dropped. For tests that kill the server, the bench (a
//! release server measured from outside) and the API fuzzing; other tests run it in-process.

use std::ffi::OsStr;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The command line of a server on `config` and `data`, listening on an ephemeral loopback port,
/// with the demo accounts and keys: `program [pre…] --config C --data D --listen 127.0.0.1:0 --demo`.
pub fn server_command(program: &Path, pre: &[&str], config: &Path, data: &Path) -> Command {
    let mut cmd = Command::new(program);
    cmd.args(pre)
        .arg("--config")
        .arg(config)
        .arg("--data")
        .arg(data)
        .args(["--listen", "127.0.0.1:0", "--demo"])
        .env("RUST_LOG", "warn");
    cmd
}

/// A running server child process.
pub struct ServerProcess {
    pub child: Child,
    /// `http://127.0.0.1:PORT`
    pub url: String,
    /// From spawning the process to its ready line.
    pub ready: Duration,
}

impl ServerProcess {
    /// Runs `cmd` and waits for `… ready on http://…`; its later output is drained on a thread
    /// (lines with `ERROR` go to stderr). Fails if the process ends before it is ready.
    pub fn start(mut cmd: Command) -> Result<ServerProcess, String> {
        let what = format!("{} {:?}", cmd.get_program().display(), cmd.get_args().collect::<Vec<&OsStr>>());
        let started = Instant::now();
        let mut child = cmd.stdout(Stdio::piped()).spawn().map_err(|e| format!("cannot start {what}: {e}"))?;
        let mut lines = BufReader::new(child.stdout.take().expect("stdout is piped")).lines();
        let url = loop {
            match lines.next() {
                Some(Ok(line)) => {
                    if let Some(rest) = line.split("ready on ").nth(1) {
                        break rest.split_whitespace().next().unwrap_or_default().to_owned();
                    }
                }
                Some(Err(e)) => return Err(format!("reading the output of {what}: {e}")),
                None => {
                    let status = child.wait().map_err(|e| e.to_string())?;
                    return Err(format!("{what} ended before it was ready ({status})"));
                }
            }
        };
        let ready = started.elapsed();
        std::thread::spawn(move || {
            for line in lines.map_while(Result::ok) {
                if line.contains("ERROR") {
                    eprintln!("server: {line}");
                }
            }
        });
        Ok(ServerProcess { child, url, ready })
    }

    /// [`ServerProcess::start`] of [`server_command`].
    pub fn spawn(program: &Path, config: &Path, data: &Path) -> ServerProcess {
        Self::start(server_command(program, &[], config, data)).unwrap_or_else(|e| panic!("{e}"))
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Whether the process still runs.
    pub fn alive(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    /// SIGKILL, then reap it.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        self.kill();
    }
}
