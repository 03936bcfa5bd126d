//! Sound: the chime (synthesized here, no audio files), speech with `espeak-ng`, playback with the
//! system's player, and the announcer thread that plays announcements one after the other.
//!
//! One thread plays everything and each `play` blocks until the sound has finished, so two
//! announcements can never talk over each other; they wait in an [`AnnounceQueue`] that decides
//! which current call goes next (the newest) and which is not spoken at all.

use crate::announce::{AnnounceQueue, Dropped};
use crate::controller::Announcement;
use crate::texts::Part;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, Condvar, Mutex};

#[derive(Debug, thiserror::Error)]
pub enum AudioError {
    #[error("running {program}: {source}")]
    Spawn { program: String, source: std::io::Error },
    #[error("{program} failed ({status}): {stderr}")]
    Failed { program: String, status: std::process::ExitStatus, stderr: String },
    #[error("not a 16-bit PCM WAV file: {0}")]
    BadWav(&'static str),
    #[error("an announcement with nothing to say")]
    Empty,
    #[error("writing a temporary sound file: {0}")]
    Io(#[from] std::io::Error),
}

/// Sample rate of the chime (espeak-ng speaks at 22 050 Hz too).
pub const RATE: u32 = 22_050;

/// A two-note "ding-dong" chime (E5 then C5, bell-like partials, exponential decay), 16-bit mono WAV.
pub fn chime_wav() -> Vec<u8> {
    let note = |freq: f64, len_s: f64| -> Vec<f64> {
        let n = (len_s * f64::from(RATE)) as usize;
        (0..n)
            .map(|i| {
                let t = i as f64 / f64::from(RATE);
                let attack = (t / 0.005).min(1.0);
                let decay = (-t * 3.2).exp();
                let partials = [(1.0, 1.0), (2.0, 0.35), (3.01, 0.12), (4.2, 0.05)];
                let s: f64 = partials
                    .iter()
                    .map(|(m, a)| a * (2.0 * std::f64::consts::PI * freq * m * t).sin() * (-t * 2.0 * m).exp())
                    .sum();
                s * attack * decay
            })
            .collect()
    };
    let gap = (0.45 * f64::from(RATE)) as usize;
    let first = note(659.25, 1.6);
    let second = note(523.25, 1.8);
    let mut mix = vec![0.0; gap + second.len()];
    for (i, s) in first.iter().enumerate() {
        mix[i] += s;
    }
    for (i, s) in second.iter().enumerate() {
        mix[gap + i] += s;
    }
    let peak = mix.iter().fold(0.0f64, |m, s| m.max(s.abs()));
    let samples: Vec<i16> = mix.iter().map(|s| (s / peak * 0.7 * f64::from(i16::MAX)) as i16).collect();
    wav_bytes(&samples, RATE)
}

/// A mono 16-bit PCM WAV file.
pub fn wav_bytes(samples: &[i16], rate: u32) -> Vec<u8> {
    let data_len = (samples.len() * 2) as u32;
    let mut out = Vec::with_capacity(44 + samples.len() * 2);
    out.extend_from_slice(b"RIFF");
    out.extend_from_slice(&(36 + data_len).to_le_bytes());
    out.extend_from_slice(b"WAVEfmt ");
    out.extend_from_slice(&16u32.to_le_bytes());
    out.extend_from_slice(&1u16.to_le_bytes()); // PCM
    out.extend_from_slice(&1u16.to_le_bytes()); // mono
    out.extend_from_slice(&rate.to_le_bytes());
    out.extend_from_slice(&(rate * 2).to_le_bytes());
    out.extend_from_slice(&2u16.to_le_bytes());
    out.extend_from_slice(&16u16.to_le_bytes());
    out.extend_from_slice(b"data");
    out.extend_from_slice(&data_len.to_le_bytes());
    for s in samples {
        out.extend_from_slice(&s.to_le_bytes());
    }
    out
}

/// The samples of a 16-bit PCM WAV (all channels interleaved) and its rate. Accepts the
/// "unknown length" data chunk that `espeak-ng --stdout` writes.
pub fn wav_samples(wav: &[u8]) -> Result<(u32, Vec<i16>), AudioError> {
    if wav.len() < 12 || &wav[0..4] != b"RIFF" || &wav[8..12] != b"WAVE" {
        return Err(AudioError::BadWav("no RIFF/WAVE header"));
    }
    let mut pos = 12;
    let mut rate = None;
    while pos + 8 <= wav.len() {
        let id = &wav[pos..pos + 4];
        let len = u32::from_le_bytes([wav[pos + 4], wav[pos + 5], wav[pos + 6], wav[pos + 7]]) as usize;
        let body = pos + 8;
        if id == b"fmt " {
            if body + 16 > wav.len() {
                return Err(AudioError::BadWav("short fmt chunk"));
            }
            let format = u16::from_le_bytes([wav[body], wav[body + 1]]);
            let bits = u16::from_le_bytes([wav[body + 14], wav[body + 15]]);
            if format != 1 || bits != 16 {
                return Err(AudioError::BadWav("not 16-bit PCM"));
            }
            rate = Some(u32::from_le_bytes([wav[body + 4], wav[body + 5], wav[body + 6], wav[body + 7]]));
        } else if id == b"data" {
            let rate = rate.ok_or(AudioError::BadWav("data before fmt"))?;
            let end = body.saturating_add(len).min(wav.len());
            let samples = wav[body..end].chunks_exact(2).map(|b| i16::from_le_bytes([b[0], b[1]])).collect();
            return Ok((rate, samples));
        }
        pos = body.saturating_add(len + (len & 1));
    }
    Err(AudioError::BadWav("no data chunk"))
}

/// The WAV at `percent` of its loudness (100: unchanged; 0: silent; up to 200, clipped), for the
/// display's `--volume`: the chime and the voice alike. Anything but 16-bit PCM is returned as it is.
pub fn scale_wav(mut wav: Vec<u8>, percent: u32) -> Vec<u8> {
    if percent == 100 || wav_samples(&wav).is_err() {
        return wav;
    }
    // The data chunk's position (wav_samples accepted the file: the walk finds it).
    let mut pos = 12;
    while pos + 8 <= wav.len() {
        let len = u32::from_le_bytes([wav[pos + 4], wav[pos + 5], wav[pos + 6], wav[pos + 7]]) as usize;
        let body = pos + 8;
        if &wav[pos..pos + 4] == b"data" {
            let end = body.saturating_add(len).min(wav.len());
            for b in wav[body..end].chunks_exact_mut(2) {
                let s = i64::from(i16::from_le_bytes([b[0], b[1]])) * i64::from(percent) / 100;
                let s = s.clamp(i64::from(i16::MIN), i64::from(i16::MAX)) as i16;
                b.copy_from_slice(&s.to_le_bytes());
            }
            break;
        }
        pos = body.saturating_add(len + (len & 1));
    }
    wav
}

/// A player at a fixed volume (`display --volume`).
pub struct Scaled {
    pub inner: Box<dyn Player>,
    pub percent: u32,
}

impl Player for Scaled {
    fn play(&mut self, wav: &[u8]) -> Result<(), AudioError> {
        self.inner.play(&scale_wav(wav.to_vec(), self.percent))
    }
}

/// What `display test-sound` did: per step, what it played and whether it worked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SoundCheck {
    pub what: String,
    pub result: Result<(), String>,
}

/// `display test-sound`: the chime, then a sample call in each of `langs` (as the display would
/// say it), through `player` — so whoever sets up the screen hears whether sound works.
pub fn test_sound(
    langs: &[String],
    texts: &crate::texts::Texts,
    speech: Option<&dyn Speech>,
    player: &mut dyn Player,
) -> Vec<SoundCheck> {
    let mut out =
        vec![SoundCheck { what: "chime".into(), result: player.play(&chime_wav()).map_err(|e| e.to_string()) }];
    for lang in langs {
        let text = crate::texts::announcement_text(texts, lang, "A001", "Sportello 1", false);
        let label_lang = langs.first().map_or("it", String::as_str);
        let parts = crate::texts::announcement_parts(texts, lang, label_lang, "A001", "Sportello 1", false);
        let result = match speech {
            None => Err("no speech engine (apt-get install espeak-ng)".to_owned()),
            Some(s) => s.synthesize_parts(&parts).and_then(|wav| player.play(&wav)).map_err(|e| e.to_string()),
        };
        out.push(SoundCheck { what: format!("{lang}: {text}"), result });
    }
    out
}

/// The WAV with its RIFF and data sizes set from the bytes it really has. `espeak-ng --stdout`
/// writes "unknown length" sizes (it cannot seek a pipe); players and tools that trust the header
/// (`soxi` says 0 s) cut such a file short or misjudge its length.
pub fn fix_wav_sizes(mut wav: Vec<u8>) -> Vec<u8> {
    if wav.len() < 12 || &wav[0..4] != b"RIFF" || &wav[8..12] != b"WAVE" {
        return wav;
    }
    let mut pos = 12;
    while pos + 8 <= wav.len() {
        let len = u32::from_le_bytes([wav[pos + 4], wav[pos + 5], wav[pos + 6], wav[pos + 7]]) as usize;
        if &wav[pos..pos + 4] == b"data" {
            let real = (wav.len() - pos - 8) as u32;
            wav[pos + 4..pos + 8].copy_from_slice(&real.to_le_bytes());
            let riff = (wav.len() - 8) as u32;
            wav[4..8].copy_from_slice(&riff.to_le_bytes());
            return wav;
        }
        pos = (pos + 8).saturating_add(len + (len & 1));
    }
    wav
}

/// Root mean square of the samples, 0.0 (silence) to 1.0 (full scale).
pub fn rms(samples: &[i16]) -> f64 {
    if samples.is_empty() {
        return 0.0;
    }
    let sum: f64 = samples.iter().map(|s| (f64::from(*s) / f64::from(i16::MAX)).powi(2)).sum();
    (sum / samples.len() as f64).sqrt()
}

/// Text to speech as WAV bytes.
pub trait Speech: Send {
    fn synthesize(&self, lang: &str, text: &str) -> Result<Vec<u8>, AudioError>;

    /// One sentence read by several voices in turn ([`Part`]s). An engine that cannot switch
    /// voices reads it all in the first part's.
    fn synthesize_parts(&self, parts: &[Part]) -> Result<Vec<u8>, AudioError> {
        let lang = parts.first().map_or("it", |p| p.lang.as_str());
        self.synthesize(lang, &parts.iter().map(|p| p.text.as_str()).collect::<String>())
    }
}

/// Plays a WAV and returns when it has finished.
pub trait Player: Send {
    fn play(&mut self, wav: &[u8]) -> Result<(), AudioError>;
}

/// The first program of that name on `PATH`.
pub fn which(program: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).map(|d| d.join(program)).find(|p| p.is_file())
}

/// `espeak-ng` (Debian package `espeak-ng`), offline.
pub struct EspeakNg {
    program: PathBuf,
}

impl EspeakNg {
    /// `espeak-ng` from `PATH`, if installed.
    pub fn find() -> Option<EspeakNg> {
        which("espeak-ng").map(|program| EspeakNg { program })
    }

    /// espeak-ng's voice for a language code: the one the kiosk uses too (`texts`), or the code
    /// itself for a language added from a translation directory.
    pub fn voice(lang: &str) -> &str {
        if ::texts::language(lang).is_some() { ::texts::espeak_voice(lang) } else { lang }
    }

    fn run(&self, voice: &str, ssml: bool, text: &str) -> Result<Vec<u8>, AudioError> {
        let program = self.program.display().to_string();
        let mut cmd = Command::new(&self.program);
        cmd.args(["-v", voice, "-s", "140", "--stdout"]);
        if ssml {
            cmd.arg("-m");
        }
        let out = cmd
            .args(["--", text])
            .stdin(Stdio::null())
            .output()
            .map_err(|source| AudioError::Spawn { program: program.clone(), source })?;
        if !out.status.success() || out.stdout.is_empty() {
            return Err(AudioError::Failed {
                program,
                status: out.status,
                stderr: String::from_utf8_lossy(&out.stderr).trim().to_owned(),
            });
        }
        Ok(fix_wav_sizes(out.stdout))
    }
}

/// The parts as SSML for `espeak-ng -m`, each in a `<voice name=…>` of its own (espeak-ng's voice
/// names: choosing by `xml:lang` left French and English in the Italian voice after the switch).
pub fn ssml(parts: &[Part]) -> String {
    let mut out = String::from("<speak>");
    for p in parts {
        out.push_str(&format!(
            "<voice name=\"{}\">{}</voice>",
            xml_escape(EspeakNg::voice(&p.lang)),
            xml_escape(&p.text)
        ));
    }
    out.push_str("</speak>");
    out
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

impl Speech for EspeakNg {
    fn synthesize(&self, lang: &str, text: &str) -> Result<Vec<u8>, AudioError> {
        self.run(EspeakNg::voice(lang), false, text)
    }

    fn synthesize_parts(&self, parts: &[Part]) -> Result<Vec<u8>, AudioError> {
        match parts {
            [] => Err(AudioError::Empty),
            [one] => self.synthesize(&one.lang, &one.text),
            [first, ..] => self.run(EspeakNg::voice(&first.lang), true, &ssml(parts)),
        }
    }
}

/// Plays through the first of `pw-play`, `paplay`, `aplay`, `play` (sox) found on `PATH`.
pub struct CommandPlayer {
    program: PathBuf,
    args: Vec<&'static str>,
    file: PathBuf,
}

impl CommandPlayer {
    pub fn find() -> Option<CommandPlayer> {
        let candidates: [(&str, &[&'static str]); 4] =
            [("pw-play", &[]), ("paplay", &[]), ("aplay", &["-q"]), ("play", &["-q"])];
        let file = std::env::temp_dir().join(format!("sportello-display-{}.wav", std::process::id()));
        candidates.iter().find_map(|(name, args)| {
            which(name).map(|program| CommandPlayer { program, args: args.to_vec(), file: file.clone() })
        })
    }

    pub fn program(&self) -> &Path {
        &self.program
    }
}

impl Player for CommandPlayer {
    fn play(&mut self, wav: &[u8]) -> Result<(), AudioError> {
        std::fs::write(&self.file, wav)?;
        let program = self.program.display().to_string();
        let out = Command::new(&self.program)
            .args(&self.args)
            .arg(&self.file)
            .stdin(Stdio::null())
            .output()
            .map_err(|source| AudioError::Spawn { program: program.clone(), source })?;
        if !out.status.success() {
            let stderr = String::from_utf8_lossy(&out.stderr);
            let last = stderr.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or("").trim().to_owned();
            return Err(AudioError::Failed { program, status: out.status, stderr: last });
        }
        Ok(())
    }
}

impl Drop for CommandPlayer {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.file);
    }
}

/// What the display's sound is doing: shown small on screen for staff and reported to the server
/// (`POST /api/v1/devices/health`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SoundState {
    Ok,
    /// The chime plays; there is no voice (why).
    ChimeOnly(String),
    /// Playing fails (the player's error).
    Failing(String),
    /// No sound player on this machine.
    Missing(String),
    /// Silent by choice (`--silent`).
    Off,
}

impl SoundState {
    /// The report's `sound` field.
    pub fn code(&self) -> &'static str {
        match self {
            SoundState::Ok => "ok",
            SoundState::ChimeOnly(_) => "chime_only",
            SoundState::Failing(_) => "failing",
            SoundState::Missing(_) => "missing",
            SoundState::Off => "off",
        }
    }

    pub fn detail(&self) -> Option<&str> {
        match self {
            SoundState::Ok | SoundState::Off => None,
            SoundState::ChimeOnly(d) | SoundState::Failing(d) | SoundState::Missing(d) => Some(d),
        }
    }
}

/// Told when playing starts failing (with the error) and when it works again.
pub type OnSound = Box<dyn FnMut(Result<(), String>) + Send>;

/// Logs sound failures: the first one (and the first after a success) as a warning, repeats quietly,
/// so a display without a sound card does not flood its log.
#[derive(Default)]
struct Complaints {
    failing: bool,
    on_sound: Option<OnSound>,
}

impl Complaints {
    fn report(&mut self, what: std::fmt::Arguments<'_>, result: Result<(), AudioError>) {
        match result {
            Ok(()) if self.failing => {
                self.failing = false;
                tracing::info!("sound works again");
                if let Some(f) = self.on_sound.as_mut() {
                    f(Ok(()));
                }
            }
            Ok(()) => {}
            Err(e) if !self.failing => {
                self.failing = true;
                tracing::warn!("{what}: {e} (further failures are logged at debug level)");
                if let Some(f) = self.on_sound.as_mut() {
                    f(Err(e.to_string()));
                }
            }
            Err(e) => tracing::debug!("{what}: {e}"),
        }
    }
}

/// Plays one announcement: the chime, then each sentence (when there is a speech engine).
pub fn play_announcement(a: &Announcement, chime: &[u8], speech: Option<&dyn Speech>, player: &mut dyn Player) {
    play_with(a, Some(chime), speech, player, &mut Complaints::default(), &|| false);
}

fn play_with(
    a: &Announcement,
    chime: Option<&[u8]>,
    speech: Option<&dyn Speech>,
    player: &mut dyn Player,
    log: &mut Complaints,
    withdrawn: &dyn Fn() -> bool,
) {
    if let Some(chime) = chime {
        log.report(format_args!("cannot play the chime"), player.play(chime));
    }
    let Some(speech) = speech else { return };
    for u in &a.utterances {
        if withdrawn() {
            tracing::info!("{} reached the desk: the rest of its announcement is not spoken", a.number);
            return;
        }
        let result = speech.synthesize_parts(&u.parts).and_then(|wav| player.play(&wav));
        log.report(format_args!("cannot speak the announcement of {} in {}", a.number, u.lang), result);
    }
}

/// The display's clock (tests move it).
pub type Clock = Arc<dyn Fn() -> jiff::Timestamp + Send + Sync>;

/// Told `Some(number)` when the voice starts reading a call and `None` when it has gone quiet, so
/// the screen shows the call being read.
pub type OnSpeaking = Box<dyn FnMut(Option<String>) + Send>;

/// How the announcer thread is set up.
pub struct AnnouncerOptions {
    /// Calls waiting for the voice, at most (see [`crate::announce`]).
    pub capacity: usize,
    pub clock: Clock,
    pub on_speaking: OnSpeaking,
    /// Sound failing, and working again.
    pub on_sound: OnSound,
}

impl Default for AnnouncerOptions {
    fn default() -> AnnouncerOptions {
        AnnouncerOptions {
            capacity: crate::announce::CAPACITY,
            clock: Arc::new(jiff::Timestamp::now),
            on_speaking: Box::new(|_| {}),
            on_sound: Box::new(|_| {}),
        }
    }
}

struct State {
    queue: AnnounceQueue,
    closed: bool,
    /// The call being read and whether it was withdrawn meanwhile.
    current: Option<(String, bool)>,
}

struct Shared {
    state: Mutex<State>,
    wake: Condvar,
}

impl Shared {
    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// The handle to the announcer thread: queue calls, withdraw those that stopped being current.
/// Dropping it lets the thread play what is queued (while current) and end.
pub struct Announcer {
    shared: Arc<Shared>,
}

impl Announcer {
    /// Queue a call (it replaces a queued call of the same number).
    pub fn announce(&self, a: Announcement) {
        let mut st = self.shared.lock();
        if st.current.as_ref().is_some_and(|(n, _)| *n == a.number) {
            // Called again while its first call is read (a recall elsewhere): read the new one after.
            st.current = st.current.take().map(|(n, _)| (n, true));
        }
        st.queue.push(a);
        self.shared.wake.notify_all();
    }

    /// The call is over (the person reached the desk, or it was withdrawn): do not speak it.
    pub fn withdraw(&self, number: &str) {
        let mut st = self.shared.lock();
        st.queue.withdraw(number);
        if let Some((n, withdrawn)) = st.current.as_mut().filter(|(n, _)| n == number) {
            tracing::debug!("{n} withdrawn while being read");
            *withdrawn = true;
        }
    }

    /// How many calls wait for the voice.
    pub fn waiting(&self) -> usize {
        self.shared.lock().queue.len()
    }
}

impl Drop for Announcer {
    fn drop(&mut self) {
        self.shared.lock().closed = true;
        self.shared.wake.notify_all();
    }
}

fn log_dropped(queue: &mut AnnounceQueue) {
    for d in queue.take_dropped() {
        match d {
            Dropped::Expired(n) => tracing::info!("not announcing {n}: older than the limit when its turn came"),
            Dropped::Overflow(n) => tracing::info!("not announcing {n}: too many newer calls wait for the voice"),
        }
    }
}

/// Starts the announcer thread. It plays one announcement at a time, the newest current call
/// first ([`crate::announce`] is the policy), and ends once the [`Announcer`] is dropped and
/// nothing current is left.
pub fn spawn_announcer(
    speech: Option<Box<dyn Speech>>,
    mut player: Box<dyn Player>,
    options: AnnouncerOptions,
) -> (Announcer, std::thread::JoinHandle<()>) {
    let shared = Arc::new(Shared {
        state: Mutex::new(State { queue: AnnounceQueue::new(options.capacity), closed: false, current: None }),
        wake: Condvar::new(),
    });
    let chime = chime_wav();
    let inner = shared.clone();
    let AnnouncerOptions { clock, mut on_speaking, on_sound, .. } = options;
    let handle = std::thread::Builder::new()
        .name("announcer".into())
        .spawn(move || {
            let mut log = Complaints { failing: false, on_sound: Some(on_sound) };
            let mut shown = false;
            loop {
                let mut st = inner.lock();
                let turn = loop {
                    let turn = st.queue.next(clock());
                    log_dropped(&mut st.queue);
                    if let Some(t) = turn {
                        break Some(t);
                    }
                    if shown {
                        // Quiet now: the screen goes back to the newest call.
                        drop(st);
                        on_speaking(None);
                        shown = false;
                        st = inner.lock();
                        continue;
                    }
                    if st.closed {
                        break None;
                    }
                    st = inner.wake.wait(st).unwrap_or_else(|p| p.into_inner());
                };
                let Some(turn) = turn else { break };
                let a = turn.announcement;
                st.current = Some((a.number.clone(), false));
                drop(st);
                if turn.behind > 0 {
                    tracing::debug!("announcing {} ({} more waiting)", a.number, turn.behind);
                }
                on_speaking(Some(a.number.clone()));
                shown = true;
                let withdrawn = || inner.lock().current.as_ref().is_some_and(|(_, w)| *w);
                // Without speech the chime is the whole announcement: every call gets it.
                let chime = (turn.chime || speech.is_none()).then_some(chime.as_slice());
                play_with(&a, chime, speech.as_deref(), player.as_mut(), &mut log, &withdrawn);
                let mut st = inner.lock();
                st.current = None;
                st.queue.finished(clock());
            }
        })
        .expect("the announcer thread starts");
    (Announcer { shared }, handle)
}

/// A player for machines without sound: it plays nothing.
pub struct Silent;

impl Player for Silent {
    fn play(&mut self, _wav: &[u8]) -> Result<(), AudioError> {
        Ok(())
    }
}

#[cfg(test)]
mod tests;
