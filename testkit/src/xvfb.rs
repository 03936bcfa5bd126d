//! A virtual X screen for tests of real windows: `Xvfb` on a display number it picks itself
//! (`-displayfd`), stopped when dropped. Windows opened with `DISPLAY` set to [`Xvfb::display`]
//! (and `SLINT_BACKEND=winit-software`) are real X windows: `xdotool` finds them, `import -window
//! root` captures them.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

/// A running Xvfb.
pub struct Xvfb {
    child: Child,
    /// `:N`, for `DISPLAY`.
    pub display: String,
}

impl Xvfb {
    /// Starts `program` (the `Xvfb` found by `require_tool`) with one screen of `geometry`
    /// (`1920x1080x24`) and waits until it has said its display number.
    pub fn start(program: &Path, geometry: &str) -> Result<Xvfb, String> {
        let mut child = Command::new(program)
            .args(["-displayfd", "1", "-screen", "0", geometry, "-nolisten", "tcp"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", program.display()))?;
        let mut line = String::new();
        let read = BufReader::new(child.stdout.take().expect("stdout is piped")).read_line(&mut line);
        match read {
            Ok(n) if n > 0 && line.trim().parse::<u32>().is_ok() => {
                Ok(Xvfb { child, display: format!(":{}", line.trim()) })
            }
            _ => {
                let _ = child.kill();
                let _ = child.wait();
                Err(format!("{} did not say its display number (read {read:?}: {line:?})", program.display()))
            }
        }
    }
}

impl Drop for Xvfb {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
