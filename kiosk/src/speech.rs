//! Read-aloud through an `espeak-ng` subprocess when it is installed; silent otherwise. One prompt at a time.

use crate::controller::Utterance;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};

/// Speaks screen prompts, each part in its own language's voice, one after the other; a new prompt
/// cuts the previous one short.
#[derive(Default)]
pub struct Speaker {
    enabled: bool,
    /// The `espeak-ng` running now, and the round it belongs to (a newer round stops older ones).
    current: Arc<Mutex<(u64, Option<Child>)>>,
    round: u64,
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

/// The `espeak-ng` arguments that say `text` in `lang` at `amplitude` (0–200).
pub fn espeak_args(lang: &str, text: &str, amplitude: u32) -> Vec<String> {
    let voice = texts::espeak_voice(lang);
    ["-v", voice, "-s", "150", "-a", &amplitude.min(200).to_string(), "--", text].map(String::from).to_vec()
}

impl Speaker {
    /// A speaker that talks if `espeak-ng` is installed.
    pub fn new() -> Speaker {
        Speaker { enabled: available(), current: Arc::default(), round: 0 }
    }

    pub fn silent() -> Speaker {
        Speaker::default()
    }

    pub fn enabled(&self) -> bool {
        self.enabled
    }

    /// Says `parts` in order, each in its language's voice, at `amplitude`; stops what was being said.
    pub fn say(&mut self, parts: &[Utterance], amplitude: u32) {
        self.stop();
        let parts: Vec<Utterance> = parts.iter().filter(|u| !u.text.trim().is_empty()).cloned().collect();
        if !self.enabled || parts.is_empty() {
            return;
        }
        let (current, round) = (self.current.clone(), self.round);
        let _ = std::thread::Builder::new().name("kiosk-speech".into()).spawn(move || {
            for part in parts {
                let child = Command::new("espeak-ng")
                    .args(espeak_args(&part.lang, &part.text, amplitude))
                    .stdout(Stdio::null())
                    .stderr(Stdio::null())
                    .spawn();
                let Ok(child) = child else { return };
                {
                    let mut slot = current.lock().unwrap_or_else(|e| e.into_inner());
                    if slot.0 != round {
                        let mut child = child;
                        let _ = child.kill();
                        let _ = child.wait();
                        return;
                    }
                    slot.1 = Some(child);
                }
                // Wait for this part without holding the lock, so `stop` can kill it.
                loop {
                    let mut slot = current.lock().unwrap_or_else(|e| e.into_inner());
                    if slot.0 != round {
                        return;
                    }
                    match slot.1.as_mut().map(Child::try_wait) {
                        Some(Ok(None)) => {}
                        _ => break,
                    }
                    drop(slot);
                    std::thread::sleep(std::time::Duration::from_millis(30));
                }
            }
        });
    }

    pub fn stop(&mut self) {
        self.round += 1;
        let mut slot = self.current.lock().unwrap_or_else(|e| e.into_inner());
        slot.0 = self.round;
        if let Some(mut child) = slot.1.take() {
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

    // Issue 18: a ticket read aloud names its letters in the visitor's voice: espeak-ng's phonemes for
    // "Зона D" in Ukrainian switched to English ("(en)d'i:", "zona dee") before the letters were spelled.
    #[test]
    fn ticket_letters_stay_in_the_visitors_voice() {
        if testkit::require_tool("espeak-ng", "espeak-ng", "the spoken-letters test").is_none() {
            return;
        }
        for (lang, label) in [("uk", "Зона D"), ("ar", "المنطقة D"), ("it", "Area D"), ("ro", "Zona D")] {
            let number = texts::spoken_number("D023");
            let sentence = texts::tf(
                lang,
                texts::id::KIOSK_TICKET_SPEECH,
                &[("number", number.as_str().into()), ("label", label.into())],
            );
            let text = texts::speakable(lang, &sentence);
            let out = Command::new("espeak-ng")
                .args(["-q", "-x", "-v", texts::espeak_voice(lang), "--", &text])
                .output()
                .unwrap();
            let phonemes = String::from_utf8_lossy(&out.stdout);
            assert!(!phonemes.contains("(en)"), "{lang}: {text:?} switches to English: {phonemes}");
            let raw = Command::new("espeak-ng")
                .args(["-q", "-x", "-v", texts::espeak_voice(lang), "--", &sentence])
                .output()
                .unwrap();
            if lang != "it" && lang != "ro" {
                assert!(String::from_utf8_lossy(&raw.stdout).contains("(en)"), "{lang}: the check can fail");
            }
        }
    }
}
