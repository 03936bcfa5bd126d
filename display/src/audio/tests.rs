//! Sound tests (issue 4): the chime, the announcer's order and no overlap, and espeak-ng's real output.

use super::*;
use crate::controller::{DisplayController, Settings};
use crate::demo::{call_msg, demo_snapshot, t};
use crate::texts::Texts;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

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

#[test]
fn announcements_play_in_order_chime_first_never_overlapping() {
    let rec = Recorder::default();
    let (tx, handle) = spawn_announcer(Some(Box::new(EchoSpeech)), Box::new(rec.clone()), jiff::SignedDuration::MAX);
    // Sent from several threads at once, in a known order.
    let announcements = three_announcements();
    std::thread::scope(|s| {
        let tx = &tx;
        let mut prev: Option<std::thread::ScopedJoinHandle<'_, ()>> = None;
        for a in announcements {
            let before = prev.take();
            prev = Some(s.spawn(move || {
                if let Some(b) = before {
                    b.join().unwrap();
                }
                tx.send(a).unwrap();
            }));
        }
    });
    drop(tx);
    handle.join().unwrap();
    assert!(!rec.overlap.load(Ordering::SeqCst), "two sounds overlapped");
    assert_eq!(
        *rec.log.lock().unwrap(),
        [
            "chime",
            "it: Numero A 13, Sportello 1.",
            "ar: الرقم A 13، Sportello 1.",
            "chime",
            "it: Numero B 5, Sportello 3.",
            "chime",
            "it: Si ricorda il numero A 13, Sportello 1.",
            "ar: تذكير: الرقم A 13، Sportello 1.",
        ]
    );
}

#[test]
fn no_voice_plays_the_chime_alone() {
    let rec = Recorder::default();
    let (tx, handle) = spawn_announcer(None, Box::new(rec.clone()), jiff::SignedDuration::MAX);
    for a in three_announcements() {
        tx.send(a).unwrap();
    }
    drop(tx);
    handle.join().unwrap();
    assert_eq!(*rec.log.lock().unwrap(), ["chime", "chime", "chime"]);
}

#[test]
fn announcements_that_waited_too_long_are_dropped() {
    let rec = Recorder::default();
    let (tx, handle) = spawn_announcer(Some(Box::new(EchoSpeech)), Box::new(rec.clone()), MAX_DELAY);
    let mut a = three_announcements();
    a[0].at = jiff::Timestamp::now() - jiff::SignedDuration::from_secs(600);
    a[1].at = jiff::Timestamp::now();
    tx.send(a[0].clone()).unwrap();
    tx.send(a[1].clone()).unwrap();
    drop(tx);
    handle.join().unwrap();
    assert_eq!(*rec.log.lock().unwrap(), ["chime", "it: Numero B 5, Sportello 3."]);
}

/// espeak-ng must be installed where CI runs (`.ci/run` installs it); elsewhere the test says so.
fn espeak_or_skip() -> Option<EspeakNg> {
    testkit::require_tool("espeak-ng", "espeak-ng", "the display's speech test")?;
    EspeakNg::find()
}

#[test]
fn espeak_ng_speaks_a_call_in_italian_and_arabic_not_silently() {
    let Some(espeak) = espeak_or_skip() else { return };
    let a = &three_announcements()[0];
    assert_eq!(a.utterances.iter().map(|u| u.lang.as_str()).collect::<Vec<_>>(), ["it", "ar"]);
    for u in &a.utterances {
        let wav = espeak.synthesize(&u.lang, &u.text).unwrap_or_else(|e| panic!("{}: {e}", u.lang));
        let (rate, samples) = wav_samples(&wav).unwrap();
        let secs = samples.len() as f64 / f64::from(rate);
        let level = rms(&samples);
        assert!(secs > 0.8, "{}: only {secs:.2} s of audio for {:?}", u.lang, u.text);
        assert!(level > 0.01, "{}: silent (rms {level:.4}) for {:?}", u.lang, u.text);
    }
}
