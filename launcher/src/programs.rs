//! Finding the three programs the launcher starts: `queue-server`, `kiosk` and `display`.
//!
//! Each comes from its flag (`--server-bin` …), else from `SPORTELLO_SERVER_BIN` /
//! `SPORTELLO_KIOSK_BIN` / `SPORTELLO_DISPLAY_BIN`, else it is the binary of that name next to
//! the launcher's own (a cargo target directory, or `/usr/bin` once packaged). Run through
//! `cargo run`, the launcher first has cargo build the siblings it will use in its own profile,
//! so `cargo run --release -p sportello -- up` is the one command on a fresh checkout and never
//! starts a stale kiosk after an edit.

use anyhow::{Context, bail};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The programs `up` starts.
#[derive(Debug, Clone)]
pub struct Programs {
    pub server: PathBuf,
    pub kiosk: PathBuf,
    pub display: PathBuf,
}

/// Flag values (None: not given).
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    pub server: Option<PathBuf>,
    pub kiosk: Option<PathBuf>,
    pub display: Option<PathBuf>,
}

const NAMES: [(&str, &str, &str); 3] = [
    ("queue-server", "SPORTELLO_SERVER_BIN", "queue-server"),
    ("kiosk", "SPORTELLO_KIOSK_BIN", "kiosk"),
    ("display", "SPORTELLO_DISPLAY_BIN", "display"),
];

impl Programs {
    /// Resolves every program (see the module comment); `cargo` is the cargo that runs us, if any.
    pub fn find(overrides: &Overrides, cargo: Option<&Path>) -> anyhow::Result<Programs> {
        let exe = std::env::current_exe().context("where is the launcher's own binary?")?;
        let dir = exe.parent().context("the launcher's binary has no directory")?.to_owned();
        let given = [&overrides.server, &overrides.kiosk, &overrides.display];
        let mut chosen: Vec<Option<PathBuf>> = Vec::new();
        let mut to_build = Vec::new();
        for ((name, env, package), flag) in NAMES.iter().zip(given) {
            let explicit = flag.clone().or_else(|| std::env::var_os(env).map(PathBuf::from));
            if explicit.is_none() {
                to_build.push(*package);
            }
            chosen.push(explicit.or_else(|| Some(dir.join(name))));
        }
        if let (Some(cargo), false) = (cargo, to_build.is_empty()) {
            build_siblings(cargo, &dir, &to_build)?;
        }
        let mut found = Vec::new();
        for ((name, env, package), path) in NAMES.iter().zip(chosen) {
            let path = path.expect("always chosen");
            if !path.is_file() {
                bail!(
                    "the {name} program is not at {} (build it: cargo build --release -p {package}; or set --{}-bin / {env})",
                    path.display(),
                    name.trim_start_matches("queue-")
                );
            }
            found.push(path);
        }
        let [server, kiosk, display]: [PathBuf; 3] = found.try_into().expect("three programs");
        Ok(Programs { server, kiosk, display })
    }
}

/// `cargo build` of the sibling packages, in the profile of the directory the launcher runs from.
fn build_siblings(cargo: &Path, dir: &Path, packages: &[&str]) -> anyhow::Result<()> {
    let profile = dir.file_name().and_then(|n| n.to_str()).unwrap_or("debug");
    let mut cmd = Command::new(cargo);
    cmd.arg("build").arg("--profile").arg(if profile == "debug" { "dev" } else { profile });
    for p in packages {
        cmd.args(["-p", p]);
    }
    crate::say!("sportello: building {} ({profile}) with cargo", packages.join(", "));
    let status = cmd.status().with_context(|| format!("cannot run {}", cargo.display()))?;
    if !status.success() {
        bail!("cargo could not build {} ({status})", packages.join(", "));
    }
    Ok(())
}
