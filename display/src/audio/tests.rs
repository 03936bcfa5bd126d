//! Sound tests (issue 4): the chime, the announcer's order and no overlap, and espeak-ng's real output.

use super::*;
use crate::controller::{DisplayController, Settings};
use crate::demo::{call_msg, demo_snapshot, t};
use crate::texts::Texts;
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

#[test]
fn chime_is_a_valid_audible_wav_that_does_not_clip() {
    let wav = chime_wav();
    let (rate, samples) = wav_samples(&wav).unwrap();
    assert_eq!(rate, RATE);
    let secs = samples.len() as f64 / f64::from(rate);
    assert!((2.0..3.0).contains(&secs), "{secs} s");
    assert!(rms(&samples) > 0.05, "rms {}", rms(&samples));
    let peak = samples.iter().map(|s| s.unsigned_abs()).max().unwrap();
    assert!(peak < 30_000, "peak {peak}");
    assert_eq!(chime_wav(), wav, "deterministic");
}

#[test]
fn wav_reader_rejects_garbage() {
    assert!(wav_samples(b"not a wav").is_err());
    assert!(rms(&[]) == 0.0);
}

/// Records what is played; flags any play that starts while another is still running.
#[derive(Clone, Default)]
struct Recorder {
    log: Arc<Mutex<Vec<String>>>,
    busy: Arc<AtomicBool>,
    overlap: Arc<AtomicBool>,
}

impl Player for Recorder {
    fn play(&mut self, wav: &[u8]) -> Result<(), AudioError> {
        if self.busy.swap(true, Ordering::SeqCst) {
            self.overlap.store(true, Ordering::SeqCst);
        }
        let what =
            if wav.starts_with(b"RIFF") { "chime".to_owned() } else { String::from_utf8_lossy(wav).into_owned() };
        self.log.lock().unwrap().push(what);
        self.busy.store(false, Ordering::SeqCst);
        Ok(())
    }
}

/// "Synthesizes" the text itself, so the log shows what was said.
struct EchoSpeech;

impl Speech for EchoSpeech {
    fn synthesize(&self, lang: &str, text: &str) -> Result<Vec<u8>, AudioError> {
        Ok(format!("{lang}: {text}").into_bytes())
    }
}

fn three_announcements() -> Vec<crate::controller::Announcement> {
    let mut c = DisplayController::new(Settings::default(), Texts::builtin(), t(0));
    c.apply_snapshot(demo_snapshot(), t(1));
    c.apply_message(&call_msg(101, "ticket.called", "A013", "lt-sportello-1", "ar"), t(10));
    c.apply_message(&call_msg(102, "ticket.called", "B005", "lt-sportello-3", "it"), t(10));
    c.apply_message(&call_msg(103, "ticket.recalled", "A013", "lt-sportello-1", "ar"), t(11));
    c.take_announcements()
}

/// Calls made at t(`at`) (current until t(`at` + 60)), each with its Italian sentence.
fn calls(list: &[(&str, i64)]) -> Vec<crate::controller::Announcement> {
    let mut c = DisplayController::new(Settings::default(), Texts::builtin(), t(0));
    c.apply_snapshot(demo_snapshot(), t(1));
    for (i, (n, at)) in list.iter().enumerate() {
        let m = crate::demo::call_msg_at(101 + i as u64, "ticket.called", n, "lt-sportello-1", "it", t(*at));
        c.apply_message(&m, t(*at));
    }
    c.take_announcements()
}

/// A player that holds its first sound until released, so the test can queue calls while the
/// voice is busy, as in a burst.
struct Gate {
    inner: Recorder,
    started: Option<std::sync::mpsc::Sender<()>>,
    release: Option<std::sync::mpsc::Receiver<()>>,
}

impl Player for Gate {
    fn play(&mut self, wav: &[u8]) -> Result<(), AudioError> {
        if let (Some(started), Some(release)) = (self.started.take(), self.release.take()) {
            started.send(()).unwrap();
            release.recv().unwrap();
        }
        self.inner.play(wav)
    }
}

struct Busy {
    rec: Recorder,
    spoken: Arc<Mutex<Vec<Option<String>>>>,
    announcer: Announcer,
    handle: std::thread::JoinHandle<()>,
    release: std::sync::mpsc::Sender<()>,
}

/// An announcer whose clock reads t(`now`), already busy with its first sound of `first`.
fn busy_announcer(speech: Option<Box<dyn Speech>>, now: i64, first: crate::controller::Announcement) -> Busy {
    let rec = Recorder::default();
    let (started_tx, started) = std::sync::mpsc::channel();
    let (release, release_rx) = std::sync::mpsc::channel();
    let gate = Gate { inner: rec.clone(), started: Some(started_tx), release: Some(release_rx) };
    let spoken = Arc::new(Mutex::new(Vec::new()));
    let log = spoken.clone();
    let options = AnnouncerOptions {
        capacity: crate::announce::CAPACITY,
        clock: Arc::new(move || t(now)),
        on_speaking: Box::new(move |n| log.lock().unwrap().push(n)),
        ..AnnouncerOptions::default()
    };
    let (announcer, handle) = spawn_announcer(speech, Box::new(gate), options);
    announcer.announce(first);
    started.recv().unwrap();
    Busy { rec, spoken, announcer, handle, release }
}

impl Busy {
    fn finish(self) -> (Vec<String>, Vec<Option<String>>) {
        self.release.send(()).unwrap();
        drop(self.announcer);
        self.handle.join().unwrap();
        assert!(!self.rec.overlap.load(Ordering::SeqCst), "two sounds overlapped");
        let log = self.rec.log.lock().unwrap().clone();
        let spoken = self.spoken.lock().unwrap().clone();
        (log, spoken)
    }
}

#[test]
fn in_a_burst_the_newest_call_is_spoken_first_one_chime_never_overlapping() {
    let a = calls(&[("H001", 100), ("H002", 101), ("I001", 102), ("I002", 103)]);
    let busy = busy_announcer(Some(Box::new(EchoSpeech)), 104, a[0].clone());
    for x in &a[1..] {
        busy.announcer.announce(x.clone());
    }
    assert_eq!(busy.announcer.waiting(), 3);
    let (log, spoken) = busy.finish();
    assert_eq!(
        log,
        [
            "chime",
            "it: Numero acca 1, Sportello 1.",
            "it: Numero i 2, Sportello 1.",
            "it: Numero i 1, Sportello 1.",
            "it: Numero acca 2, Sportello 1.",
        ]
    );
    let s = |n: &str| Some(n.to_owned());
    assert_eq!(spoken, [s("H001"), s("I002"), s("I001"), s("H002"), None], "the screen follows the voice");
}

#[test]
fn a_recall_sentence_and_the_visitor_language_are_read_in_order() {
    let rec = Recorder::default();
    let (announcer, handle) = spawn_announcer(
        Some(Box::new(EchoSpeech)),
        Box::new(rec.clone()),
        AnnouncerOptions { clock: Arc::new(|| t(12)), ..AnnouncerOptions::default() },
    );
    // The recall of A013 replaced its first call in the controller already.
    let a = three_announcements();
    assert_eq!(a.iter().map(|a| a.number.as_str()).collect::<Vec<_>>(), ["B005", "A013"]);
    announcer.announce(a[1].clone());
    drop(announcer);
    handle.join().unwrap();
    assert_eq!(
        *rec.log.lock().unwrap(),
        ["chime", "it: Si ricorda il numero a 13, Sportello 1.", "ar: تذكير: الرقم إيه 13، Sportello 1."]
    );
}

#[test]
fn no_voice_plays_the_chime_for_every_call() {
    let a = calls(&[("A001", 100), ("A002", 101), ("A003", 102)]);
    let busy = busy_announcer(None, 103, a[0].clone());
    busy.announcer.announce(a[1].clone());
    busy.announcer.announce(a[2].clone());
    let (log, _) = busy.finish();
    assert_eq!(log, ["chime", "chime", "chime"], "without speech the chime is the whole announcement");
}

#[test]
fn calls_past_their_limit_or_withdrawn_are_not_spoken() {
    let a = calls(&[("A001", 100), ("A002", 100), ("A003", 150), ("A004", 150)]);
    // The voice is busy with A003 at t(170): A001 and A002 (called at t(100)) expire at t(160).
    let busy = busy_announcer(Some(Box::new(EchoSpeech)), 170, a[2].clone());
    busy.announcer.announce(a[0].clone());
    busy.announcer.announce(a[1].clone());
    busy.announcer.announce(a[3].clone());
    busy.announcer.withdraw("A004");
    let (log, spoken) = busy.finish();
    assert_eq!(log, ["chime", "it: Numero a 3, Sportello 1."]);
    assert_eq!(spoken, [Some("A003".to_owned()), None]);
}

#[test]
fn a_call_withdrawn_while_read_stops_after_the_current_sentence() {
    let a = calls(&[("A001", 100)]);
    let mut two = a[0].clone();
    let part = crate::texts::Part { lang: "fr".into(), text: "Numéro a 1.".into() };
    two.utterances.push(crate::controller::Utterance {
        lang: "fr".into(),
        text: "Numéro A 1.".into(),
        parts: vec![part],
    });
    let busy = busy_announcer(Some(Box::new(EchoSpeech)), 101, two);
    // The person is at the desk while the chime plays.
    busy.announcer.withdraw("A001");
    let (log, _) = busy.finish();
    assert_eq!(log, ["chime"]);
}

/// espeak-ng must be installed where CI runs (`.ci/run` installs it); elsewhere the test says so.
fn espeak_or_skip() -> Option<EspeakNg> {
    testkit::require_tool("espeak-ng", "espeak-ng", "the display's speech test")?;
    EspeakNg::find()
}

#[test]
fn espeak_ng_speaks_a_call_in_italian_and_arabic_not_silently() {
    let Some(espeak) = espeak_or_skip() else { return };
    let a = &three_announcements()[1];
    assert_eq!(a.utterances.iter().map(|u| u.lang.as_str()).collect::<Vec<_>>(), ["it", "ar"]);
    for u in &a.utterances {
        let wav = espeak.synthesize_parts(&u.parts).unwrap_or_else(|e| panic!("{}: {e}", u.lang));
        let (rate, samples) = wav_samples(&wav).unwrap();
        let secs = samples.len() as f64 / f64::from(rate);
        let level = rms(&samples);
        let declared = u32::from_le_bytes([wav[40], wav[41], wav[42], wav[43]]) as usize;
        assert_eq!(declared, samples.len() * 2, "{}: the header says how long it is (soxi, players)", u.lang);
        assert!(secs > 0.8, "{}: only {secs:.2} s of audio for {:?}", u.lang, u.text);
        assert!(level > 0.01, "{}: silent (rms {level:.4}) for {:?}", u.lang, u.text);
    }
}

// Issue 13: "B" was read as an English "bee" in Arabic and Ukrainian, and "Sportello" by English
// rules in every language but Italian. espeak-ng's phonemes (`-x`) say which voice read what.
#[test]
fn letters_in_the_visitors_language_and_the_desk_in_italian() {
    let Some(espeak) = espeak_or_skip() else { return };
    let texts = Texts::builtin();
    for (lang, three) in [("ar", "Tal'a:Ta"), ("uk", "tR;'i"), ("fr", "trw'a"), ("ro", "t@-*'eI"), ("en", "Tr'i:")] {
        let parts = crate::texts::announcement_parts(&texts, lang, "it", "B023", "Sportello 3", false);
        let out = std::process::Command::new("espeak-ng")
            .args(["-q", "-x", "-m", "-v", EspeakNg::voice(lang), "--", &crate::audio::ssml(&parts)])
            .output()
            .unwrap();
        let phonemes = String::from_utf8_lossy(&out.stdout).replace('\n', " ");
        assert!(lang == "en" || !phonemes.contains("(en)"), "{lang}: a switch to English: {phonemes}");
        assert!(phonemes.contains("spo@-*t'Ello"), "{lang}: 'Sportello' not in the Italian voice: {phonemes}");
        assert!(phonemes.trim_end().ends_with(three), "{lang}: the desk's '3' not in {lang}: {phonemes}");
        let wav = espeak.synthesize_parts(&parts).unwrap();
        let (rate, samples) = wav_samples(&wav).unwrap();
        assert!(samples.len() as f64 / f64::from(rate) > 1.5, "{lang}: one WAV for the whole sentence");
    }
}

#[test]
fn a_wav_of_unknown_length_gets_its_real_sizes() {
    let mut wav = wav_bytes(&[1, 2, 3, 4], RATE);
    // What `espeak-ng --stdout` writes: sizes it could not know.
    wav[4..8].copy_from_slice(&0x7fff_ffffu32.to_le_bytes());
    wav[40..44].copy_from_slice(&0x7fff_ffffu32.to_le_bytes());
    assert_eq!(fix_wav_sizes(wav), wav_bytes(&[1, 2, 3, 4], RATE));
    assert_eq!(fix_wav_sizes(b"garbage".to_vec()), b"garbage");
}

// Issue 13: `--volume` scales the chime and the voice alike; 100 leaves them as made.
#[test]
fn volume_scales_the_sound_and_clips_instead_of_wrapping() {
    let wav = chime_wav();
    let loud = rms(&wav_samples(&wav).unwrap().1);
    let half = rms(&wav_samples(&scale_wav(wav.clone(), 50)).unwrap().1);
    assert!((half / loud - 0.5).abs() < 0.01, "{half} vs {loud}");
    assert_eq!(scale_wav(wav.clone(), 100), wav);
    assert!(rms(&wav_samples(&scale_wav(wav.clone(), 0)).unwrap().1) == 0.0);
    let peaks = wav_bytes(&[30_000, -30_000], RATE);
    assert_eq!(wav_samples(&scale_wav(peaks, 200)).unwrap().1, [i16::MAX, i16::MIN]);
    assert_eq!(scale_wav(b"not a wav".to_vec(), 50), b"not a wav", "left alone");
}

/// Fails every play, like a display without a sound card.
struct NoSoundCard;

impl Player for NoSoundCard {
    fn play(&mut self, _: &[u8]) -> Result<(), AudioError> {
        Err(AudioError::BadWav("no sound card"))
    }
}

/// Fails its first `fails` plays, then works (a sound card that comes back).
struct Flaky {
    fails: usize,
}

impl Player for Flaky {
    fn play(&mut self, _: &[u8]) -> Result<(), AudioError> {
        if self.fails == 0 {
            return Ok(());
        }
        self.fails -= 1;
        Err(AudioError::BadWav("no sound card"))
    }
}

// Issue 13: a display that cannot play sound says so (screen, server); once it plays again, so does that.
#[test]
fn the_announcer_says_when_sound_fails_and_when_it_works_again() {
    let a = calls(&[("A001", 100), ("A002", 101)]);
    let changes = Arc::new(Mutex::new(Vec::new()));
    let log = changes.clone();
    let options = AnnouncerOptions {
        clock: Arc::new(|| t(102)),
        on_sound: Box::new(move |r| log.lock().unwrap().push(r)),
        ..AnnouncerOptions::default()
    };
    let (announcer, handle) = spawn_announcer(Some(Box::new(EchoSpeech)), Box::new(Flaky { fails: 2 }), options);
    announcer.announce(a[0].clone());
    announcer.announce(a[1].clone());
    drop(announcer);
    handle.join().unwrap();
    let changes = changes.lock().unwrap().clone();
    assert_eq!(changes.len(), 2, "told once when it failed and once when it worked: {changes:?}");
    assert!(changes[0].as_ref().is_err_and(|e| e.contains("no sound card")), "{changes:?}");
    assert_eq!(changes[1], Ok(()));
}

// Issue 13: `display test-sound` plays the chime and a sample call per language and says what failed.
#[test]
fn test_sound_plays_the_chime_and_a_call_per_language_and_reports_failures() {
    let texts = Texts::builtin();
    let recorder = Recorder::default();
    let mut player = recorder.clone();
    let langs = ["it".to_owned(), "ar".to_owned()];
    let checks = test_sound(&langs, &texts, Some(&EchoSpeech), &mut player);
    assert!(checks.iter().all(|c| c.result.is_ok()), "{checks:?}");
    assert_eq!(
        *recorder.log.lock().unwrap(),
        ["chime", "it: Numero a 1, Sportello 1.", "ar: الرقم إيه 1، Sportello 1."]
    );
    let checks = test_sound(&langs, &texts, None, &mut player);
    assert!(checks[0].result.is_ok());
    assert!(checks[1].result.as_ref().unwrap_err().contains("espeak-ng"), "{checks:?}");
    let checks = test_sound(&langs, &texts, Some(&EchoSpeech), &mut NoSoundCard);
    assert!(checks.iter().all(|c| c.result.is_err()), "{checks:?}");
}
