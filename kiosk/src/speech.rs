//! Read-aloud through an `espeak-ng` subprocess when it is installed; silent otherwise. One prompt at a time.

use std::path::Path;
use std::process::{Child, Command, Stdio};

/// Speaks screen prompts; a new prompt cuts the previous one short.
#[derive(Default)]
pub struct Speaker {
    current: Option<Child>,
    enabled: bool,
}

/// Whether `espeak-ng` can be run here.
pub fn available() -> bool {
    Command::new("espeak-ng")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

impl Speaker {
    /// A speaker that talks if `espeak-ng` is installed.
    pub fn new() -> Speaker {
        Speaker { current: None, enabled: available() }
    }

    pub fn silent() -> Speaker {
        Speaker { current: None, enabled: false }
    }

    pub fn enabled(&self) -> bool {
        self.enabled
    }

    pub fn say(&mut self, lang: &str, text: &str) {
        self.stop();
        if !self.enabled || text.trim().is_empty() {
            return;
        }
        self.current = Command::new("espeak-ng")
            .args(["-v", texts::espeak_voice(lang), "-s", "150", "--", text])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .ok();
    }

    pub fn stop(&mut self) {
        if let Some(mut child) = self.current.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl Drop for Speaker {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Writes `text` spoken in `lang` to a WAV file (used by tests and installers to check the voices).
pub fn synthesize(lang: &str, text: &str, wav: &Path) -> std::io::Result<()> {
    let status = Command::new("espeak-ng")
        .args(["-v", texts::espeak_voice(lang), "-w"])
        .arg(wav)
        .args(["--", text])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()?;
    if status.success() { Ok(()) } else { Err(std::io::Error::other(format!("espeak-ng failed: {status}"))) }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Issue 3: read-aloud in every kiosk language. Needs espeak-ng (Debian package `espeak-ng`).
    #[test]
    fn espeak_ng_speaks_every_kiosk_language() {
        if testkit::require_tool("espeak-ng", "espeak-ng", "the kiosk's read-aloud test").is_none() {
            return;
        }
        for lang in ["it", "en", "fr", "ar", "ro", "uk"] {
            let wav = std::env::temp_dir().join(format!("kiosk-speech-{}-{lang}.wav", std::process::id()));
            synthesize(lang, &texts::t(lang, texts::id::KIOSK_YOUR_TICKET), &wav).unwrap();
            let bytes = std::fs::read(&wav).unwrap();
            let _ = std::fs::remove_file(&wav);
            assert_eq!(&bytes[..4], b"RIFF", "{lang}");
            assert!(bytes.len() > 8_000, "{lang}: some speech, not just a header ({} bytes)", bytes.len());
        }
    }
}
