//! Controller tests (issue 4): a scripted event stream and clock drive the controller; we check the view.

use super::*;
use crate::demo::{call_msg, call_msg_at, demo_snapshot, heartbeat_msg, msg, queue_msg, t};

fn controller(settings: Settings) -> DisplayController {
    let mut c = DisplayController::new(settings, Texts::builtin(), t(0));
    c.apply_snapshot(demo_snapshot(), t(1));
    c
}

fn numbers(v: &View) -> (Option<String>, Vec<String>) {
    (v.latest.as_ref().map(|l| l.number.clone()), v.previous.iter().map(|l| l.number.clone()).collect())
}

fn spoken(c: &mut DisplayController) -> Vec<String> {
    c.take_announcements()
        .into_iter()
        .flat_map(|a| a.utterances.into_iter().map(|u| format!("{}: {}", u.lang, u.text)))
        .collect()
}

#[test]
fn snapshot_shows_calls_newest_first_queues_and_notice() {
    let mut c = controller(Settings::default());
    let v = c.view(t(2));
    assert_eq!(v.site_name, "Livorno – Via Terreni 7");
    assert_eq!(numbers(&v), (Some("B004".into()), vec!["A012".into(), "C002".into()]));
    assert_eq!(v.latest.as_ref().unwrap().desk, "Sportello 2");
    assert!(!v.highlight, "a call loaded at start-up is not flashed");
    assert_eq!(v.queues.len(), 9);
    assert_eq!(v.queues[0], QueueLine { label: "Area A".into(), waiting: 4, wait: "12 min".into() });
    assert_eq!(v.queues[2].wait, "–");
    assert!(v.notice.starts_with("\u{2068}Benvenuti") && v.notice.contains("\u{2068}Welcome"), "{}", v.notice);
    assert!(v.notice.contains("\u{2068}أهلاً") && v.notice.ends_with("\u{2069}"), "Arabic isolated: {}", v.notice);
    assert_eq!(v.stale, None);
    assert_eq!(v.labels.waiting, "In attesa · Waiting");
    assert!(spoken(&mut c).is_empty(), "nothing is announced at start-up");
    // The clock is in Europe/Rome: t(0) is 09:00 UTC = 10:00 in November.
    assert_eq!(v.clock, "10:00");
}

#[test]
fn calls_go_on_top_in_order_and_flash_for_a_few_seconds() {
    let mut c = controller(Settings { previous: 3, ..Settings::default() });
    for (i, (n, desk)) in
        [("A013", "lt-sportello-1"), ("A014", "lt-sportello-2"), ("B005", "lt-sportello-3")].iter().enumerate()
    {
        assert_eq!(c.apply_message(&call_msg(101 + i as u64, "ticket.called", n, desk, "it"), t(10)), Outcome::Ok);
    }
    let v = c.view(t(11));
    assert_eq!(numbers(&v), (Some("B005".into()), vec!["A014".into(), "A013".into(), "B004".into()]));
    assert_eq!(v.latest.unwrap().desk, "Sportello 3");
    assert!(v.highlight);
    assert!(!c.view(t(10 + 9)).highlight, "the highlight ends after 8 s");
    assert_eq!(c.last_event_id(), Some(103));
}

#[test]
fn recall_moves_the_call_back_on_top_and_is_announced_again() {
    let mut c = controller(Settings::default());
    c.apply_message(&call_msg(101, "ticket.called", "A013", "lt-sportello-1", "ar"), t(10));
    c.apply_message(&call_msg(102, "ticket.called", "A014", "lt-sportello-2", "it"), t(20));
    c.apply_message(&call_msg(103, "ticket.recalled", "A013", "lt-sportello-1", "ar"), t(60));
    let v = c.view(t(61));
    assert_eq!(numbers(&v), (Some("A013".into()), vec!["A014".into(), "B004".into(), "A012".into(), "C002".into()]));
    assert!(v.highlight);
    // The recall replaced A013's first call, not yet handed to the announcer: one announcement a number.
    assert_eq!(
        spoken(&mut c),
        [
            "it: Numero A 14, Sportello 2.",
            "it: Si ricorda il numero A 13, Sportello 1.",
            "ar: تذكير: الرقم A 13، Sportello 1.",
        ]
    );
    c.apply_message(&call_msg_at(104, "ticket.recalled", "A014", "lt-sportello-2", "it", t(62)), t(62));
    assert_eq!(spoken(&mut c), ["it: Si ricorda il numero A 14, Sportello 2."], "taken calls are not repeated");
}

#[test]
fn announcement_queue_keeps_order_one_per_call() {
    let mut c = controller(Settings::default());
    let calls = [("A013", "uk"), ("B005", "fr"), ("C003", "ro"), ("A014", "en"), ("A015", "xx")];
    for (i, (n, lang)) in calls.iter().enumerate() {
        c.apply_message(&call_msg(101 + i as u64, "ticket.called", n, "lt-sportello-1", lang), t(10));
    }
    let a = c.take_announcements();
    assert_eq!(a.iter().map(|a| a.number.as_str()).collect::<Vec<_>>(), ["A013", "B005", "C003", "A014", "A015"]);
    let langs: Vec<Vec<&str>> = a.iter().map(|a| a.utterances.iter().map(|u| u.lang.as_str()).collect()).collect();
    assert_eq!(langs, [vec!["it", "uk"], vec!["it", "fr"], vec!["it", "ro"], vec!["it", "en"], vec!["it"]]);
    assert!(c.take_announcements().is_empty(), "taken once");
}

#[test]
fn withdrawn_calls_leave_the_screen_served_ones_stay() {
    let mut c = controller(Settings::default());
    c.apply_message(&call_msg(101, "ticket.called", "A013", "lt-sportello-1", "it"), t(10));
    c.apply_message(&call_msg(102, "ticket.serving", "A013", "lt-sportello-1", "it"), t(11));
    c.apply_message(&call_msg(103, "ticket.done", "A013", "lt-sportello-1", "it"), t(12));
    assert_eq!(numbers(&c.view(t(13))).0.as_deref(), Some("A013"));
    c.apply_message(&call_msg(104, "ticket.transferred", "A013", "lt-sportello-1", "it"), t(14));
    c.apply_message(&call_msg(105, "ticket.no_show", "B004", "lt-sportello-2", "it"), t(15));
    assert_eq!(numbers(&c.view(t(16))), (Some("A012".into()), vec!["C002".into()]));
}

#[test]
fn queue_updates_replace_the_figures() {
    let mut c = controller(Settings::default());
    c.apply_message(&queue_msg(101, &[("letto", "Area A", 9, 1500)]), t(10));
    let v = c.view(t(10));
    // Uncertain (the demo message carries a range from 15 min up): the range, in 5-minute steps.
    assert_eq!(v.queues, [QueueLine { label: "Area A".into(), waiting: 9, wait: "15–35 min".into() }]);
    c.apply_message(&queue_msg(102, &[("letto", "Area A", 3, 600)]), t(11));
    assert_eq!(c.view(t(11)).queues, [QueueLine { label: "Area A".into(), waiting: 3, wait: "10 min".into() }]);
}

#[test]
fn service_filter_keeps_one_room() {
    let mut c = controller(Settings { services: vec!["igiene".into()], ..Settings::default() });
    let v = c.view(t(2));
    assert_eq!(numbers(&v), (Some("B004".into()), vec![]));
    assert_eq!(v.queues.iter().map(|q| q.label.as_str()).collect::<Vec<_>>(), ["Area B"]);
    c.apply_message(&call_msg(101, "ticket.called", "A013", "lt-sportello-1", "it"), t(10));
    c.apply_message(&call_msg(102, "ticket.called", "B005", "lt-sportello-2", "it"), t(11));
    assert_eq!(numbers(&c.view(t(12))), (Some("B005".into()), vec!["B004".into()]));
    assert_eq!(c.take_announcements().len(), 1, "only the room's calls are announced");
}

#[test]
fn desk_filter() {
    let mut c = controller(Settings { desks: vec!["lt-sportello-1".into()], ..Settings::default() });
    assert_eq!(numbers(&c.view(t(2))), (Some("A012".into()), vec!["C002".into()]));
    c.apply_message(&call_msg(101, "ticket.called", "B005", "lt-sportello-2", "it"), t(10));
    c.apply_message(&call_msg(102, "ticket.called", "A013", "lt-sportello-1", "it"), t(11));
    let v = c.view(t(12));
    assert_eq!(numbers(&v), (Some("A013".into()), vec!["A012".into(), "C002".into()]));
    // Desk 1 serves A and C.
    assert_eq!(v.queues.iter().map(|q| q.label.as_str()).collect::<Vec<_>>(), ["Area A", "Area C"]);
}

#[test]
fn staleness_is_shown_when_heartbeats_stop_and_cleared_when_they_come_back() {
    let mut c = controller(Settings::default());
    c.stream_opened(t(1));
    c.apply_message(&msg(None, "heartbeat", "{}"), t(11));
    assert_eq!(c.view(t(30)).stale, None, "within two heartbeats and a margin");
    let v = c.view(t(35));
    assert_eq!(
        v.stale.as_deref(),
        Some("Dati non aggiornati dalle 10:00: riconnessione in corso · Not updated since 10:00: reconnecting")
    );
    c.connection_lost(t(36));
    assert!(c.view(t(300)).stale.is_some());
    // Reconnected: resumed stream, first heartbeat.
    c.stream_opened(t(301));
    assert_eq!(c.view(t(301)).stale, None);
}

#[test]
fn a_short_drop_is_not_flagged_a_long_one_is() {
    let mut c = controller(Settings::default());
    c.apply_message(&msg(None, "heartbeat", "{}"), t(99));
    c.connection_lost(t(100));
    assert_eq!(c.view(t(101)).stale, None, "a reconnect within the grace period is invisible");
    assert!(c.view(t(104)).stale.unwrap().contains("10:01"), "since the last contact at t(99)");
    c.apply_message(&call_msg(101, "ticket.called", "A013", "lt-sportello-1", "it"), t(105));
    assert_eq!(c.view(t(105)).stale, None);
}

#[test]
fn before_the_first_snapshot_the_display_says_it_is_connecting() {
    let c = DisplayController::new(Settings::default(), Texts::builtin(), t(0));
    assert_eq!(c.view(t(1)).stale, None);
    assert!(c.view(t(5)).stale.unwrap().contains("--:--"));
}

#[test]
fn resync_message_and_backwards_ids_ask_for_the_snapshot() {
    let mut c = controller(Settings::default());
    assert_eq!(c.apply_message(&msg(None, "resync", r#"{"type":"resync"}"#), t(5)), Outcome::Resync);
    c.apply_message(&call_msg(150, "ticket.called", "A013", "lt-sportello-1", "it"), t(10));
    // Forward jumps are normal: other sites' and staff-only events share the numbering.
    assert_eq!(c.apply_message(&call_msg(170, "ticket.called", "A014", "lt-sportello-1", "it"), t(11)), Outcome::Ok);
    // The server's log restarted: ids go backwards.
    assert_eq!(c.apply_message(&call_msg(3, "ticket.called", "A001", "lt-sportello-1", "it"), t(12)), Outcome::Resync);
    assert_eq!(c.last_event_id(), Some(170));
    assert_eq!(numbers(&c.view(t(12))).0.as_deref(), Some("A014"), "the suspicious event is not applied");
}

#[test]
fn resync_snapshot_replaces_state_and_announces_calls_missed_meanwhile() {
    let mut c = controller(Settings::default());
    c.take_announcements();
    c.connection_lost(t(20));
    let mut snap = demo_snapshot();
    snap.last_event_id = 500;
    let mut missed = snap.calls[0].clone();
    missed.ticket.number = "A020".into();
    missed.language = "fr".into();
    missed.at = t(60).to_string();
    snap.calls.insert(0, missed);
    c.apply_snapshot(snap, t(70));
    let v = c.view(t(70));
    assert_eq!(numbers(&v).0.as_deref(), Some("A020"));
    assert!(v.highlight);
    assert_eq!(v.stale, None);
    assert_eq!(c.last_event_id(), Some(500));
    assert_eq!(spoken(&mut c), ["it: Numero A 20, Sportello 2.", "fr: Numéro A 20, Sportello 2."]);
}

#[test]
fn bad_event_data_is_skipped_without_losing_the_stream() {
    let mut c = controller(Settings::default());
    assert_eq!(c.apply_message(&msg(Some(101), "ticket.called", "{not json"), t(5)), Outcome::Ok);
    assert_eq!(c.last_event_id(), Some(101));
}

// Issue 13: a call is announced only while it is current.

fn announced(c: &mut DisplayController) -> Vec<String> {
    c.take_announcements().into_iter().map(|a| a.number).collect()
}

#[test]
fn after_a_long_cut_replayed_calls_are_shown_but_only_current_ones_spoken() {
    let mut c = controller(Settings::default());
    c.connection_lost(t(10));
    // 137 s later the stream resumes with Last-Event-ID and replays what happened meanwhile.
    let now = t(147);
    c.stream_opened(now);
    let replay = [
        call_msg_at(101, "ticket.called", "A004", "lt-sportello-3", "ar", t(1)),
        call_msg_at(102, "ticket.called", "A005", "lt-sportello-1", "fr", t(60)),
        call_msg_at(103, "ticket.called", "B006", "lt-sportello-2", "uk", t(100)),
        call_msg_at(104, "ticket.called", "C007", "lt-sportello-1", "it", t(120)),
        call_msg_at(105, "ticket.serving", "C007", "lt-sportello-1", "it", t(125)),
        call_msg_at(106, "ticket.called", "A008", "lt-sportello-3", "ro", t(140)),
    ];
    for m in &replay {
        assert_eq!(c.apply_message(m, now), Outcome::Ok);
    }
    let v = c.view(now);
    assert_eq!(numbers(&v).0.as_deref(), Some("A008"));
    for n in ["A004", "A005", "B006", "C007"] {
        assert!(numbers(&v).1.iter().any(|p| p == n), "{n} is shown: {v:?}");
    }
    // A004 (146 s), A005 (87 s) are past the limit; C007 reached its desk; B006 (47 s) and A008 are current.
    assert_eq!(announced(&mut c), ["B006", "A008"]);
    let withdrawn = c.take_withdrawals();
    for n in ["A004", "A005", "C007"] {
        assert!(withdrawn.iter().any(|w| w == n), "{n} withdrawn from the announcer: {withdrawn:?}");
    }
}

#[test]
fn announcements_say_until_when_they_may_be_spoken() {
    let mut c = controller(Settings { announce_max_age: SignedDuration::from_secs(60), ..Settings::default() });
    c.apply_message(&call_msg_at(101, "ticket.called", "A013", "lt-sportello-1", "it", t(100)), t(110));
    let a = c.take_announcements().pop().unwrap();
    assert_eq!((a.called_at, a.expires), (t(100), t(160)));
}

#[test]
fn a_call_that_reached_its_desk_is_withdrawn_and_a_recall_elsewhere_replaces_it() {
    let mut c = controller(Settings::default());
    c.apply_message(&call_msg_at(101, "ticket.called", "A013", "lt-sportello-1", "it", t(10)), t(10));
    c.apply_message(&call_msg_at(102, "ticket.serving", "A013", "lt-sportello-1", "it", t(12)), t(12));
    assert!(announced(&mut c).is_empty(), "not yet taken, and no longer current");
    assert_eq!(c.take_withdrawals(), ["A013"]);
    c.apply_message(&call_msg_at(103, "ticket.called", "A014", "lt-sportello-1", "it", t(20)), t(20));
    c.apply_message(&call_msg_at(104, "ticket.recalled", "A014", "lt-sportello-2", "it", t(21)), t(21));
    let a = c.take_announcements();
    assert_eq!(a.len(), 1, "one announcement a number: {a:?}");
    assert_eq!((a[0].desk.as_str(), a[0].recall), ("Sportello 2", true));
    for (i, (kind, n)) in
        [("ticket.no_show", "B1"), ("ticket.cancelled", "B2"), ("ticket.returned", "B3"), ("ticket.on_hold", "B4")]
            .into_iter()
            .enumerate()
    {
        let id = 110 + 2 * i as u64;
        c.apply_message(&call_msg_at(id, "ticket.called", n, "lt-sportello-1", "it", t(30)), t(30));
        assert_eq!(announced(&mut c), [n]);
        c.apply_message(&call_msg_at(id + 1, kind, n, "lt-sportello-1", "it", t(31)), t(31));
        assert!(c.take_withdrawals().contains(&n.to_owned()), "{kind}");
    }
}

#[test]
fn a_resync_snapshot_speaks_only_current_calls_and_withdraws_finished_ones() {
    let mut c = controller(Settings::default());
    c.apply_message(&call_msg_at(101, "ticket.called", "A013", "lt-sportello-1", "it", t(10)), t(10));
    c.take_announcements();
    c.connection_lost(t(20));
    let mut snap = demo_snapshot();
    snap.last_event_id = 500;
    let call = |n: &str, status, at: i64| {
        let mut x = snap.calls[0].clone();
        x.ticket.number = n.into();
        x.ticket.status = status;
        x.at = t(at).to_string();
        x
    };
    let fresh = call("A020", Status::Called, 150);
    let old = call("A019", Status::Called, 80);
    let served = call("A013", Status::Serving, 10);
    snap.calls.splice(0..0, [fresh, old, served]);
    c.apply_snapshot(snap, t(160));
    assert_eq!(announced(&mut c), ["A020"], "A019 is 80 s old: shown, not spoken");
    assert!(c.take_withdrawals().contains(&"A013".to_owned()));
    assert!(numbers(&c.view(t(160))).1.contains(&"A019".to_owned()));
}

#[test]
fn a_display_whose_clock_is_off_corrects_call_ages_with_the_heartbeats() {
    let mut c = controller(Settings::default());
    // The display's clock is five minutes ahead of the server's.
    let ahead = |s: i64| t(s) + SignedDuration::from_secs(300);
    c.apply_message(&heartbeat_msg(t(100)), ahead(100));
    c.apply_message(&call_msg_at(101, "ticket.called", "A013", "lt-sportello-1", "it", t(101)), ahead(101));
    let a = c.take_announcements();
    assert_eq!(a.len(), 1, "a live call is spoken although it looks 5 min old to the display");
    let left = a[0].expires.duration_since(ahead(101));
    assert!((59..=60).contains(&left.as_secs()), "its 60 s run on the display's clock: {left:?}");
    // Replayed, 2 minutes old on the server's clock.
    c.apply_message(&call_msg_at(102, "ticket.called", "A014", "lt-sportello-1", "it", t(-20)), ahead(102));
    assert!(c.take_announcements().is_empty());
}

#[test]
fn the_big_panel_shows_the_call_being_spoken() {
    let mut c = controller(Settings::default());
    for (i, n) in ["H002", "I001", "I002"].iter().enumerate() {
        c.apply_message(&call_msg_at(101 + i as u64, "ticket.called", n, "lt-sportello-1", "it", t(10)), t(10));
    }
    assert_eq!(numbers(&c.view(t(11))).0.as_deref(), Some("I002"));
    c.speaking(Some("H002".into()));
    let v = c.view(t(30));
    assert_eq!(
        numbers(&v),
        (Some("H002".into()), vec!["I002".into(), "I001".into(), "B004".into(), "A012".into(), "C002".into()])
    );
    assert!(v.highlight, "the call being read flashes, even after the highlight time");
    c.speaking(Some("X999".into()));
    assert_eq!(numbers(&c.view(t(30))).0.as_deref(), Some("I002"), "a call not on screen changes nothing");
    c.speaking(None);
    let v = c.view(t(30));
    assert_eq!(numbers(&v).0.as_deref(), Some("I002"));
    assert!(!v.highlight);
}

#[test]
fn queues_keep_the_configured_order_or_the_order_services_names() {
    let c = controller(Settings::default());
    let labels: Vec<String> = c.view(t(2)).queues.into_iter().map(|q| q.label).collect();
    assert_eq!(labels, ["A", "B", "C", "D", "E", "F", "G", "H", "I"].map(|p| format!("Area {p}")));
    let c = controller(Settings {
        services: vec!["computer".into(), "area-f".into(), "letto".into()],
        ..Settings::default()
    });
    let labels: Vec<String> = c.view(t(2)).queues.into_iter().map(|q| q.label).collect();
    assert_eq!(labels, ["Area I", "Area F", "Area A"], "a discreet service by its public id");
}

#[test]
fn unknown_services_or_desks_are_a_set_up_mistake_on_screen() {
    let c = controller(Settings { services: vec!["legale".into(), "letto".into()], ..Settings::default() });
    let band = c.view(t(2)).stale.unwrap();
    assert_eq!(
        band,
        "Servizi sconosciuti in questa sede: legale (controllare --services) · \
         Unknown services at this site: legale (check --services)"
    );
    let c = controller(Settings { desks: vec!["lt-sportello-9".into()], ..Settings::default() });
    assert!(c.view(t(2)).stale.unwrap().contains("lt-sportello-9"));
    let mut c = controller(Settings { services: vec!["area-h".into()], ..Settings::default() });
    assert_eq!(c.view(t(2)).stale, None, "a discreet service's public id is known");
    c.setup_problem(Some(Setup::KeyRefused(403)));
    assert!(c.view(t(2)).stale.unwrap().starts_with("Il server rifiuta la chiave di questo display (403)"));
    c.setup_problem(None);
    assert_eq!(c.view(t(2)).stale, None);
}

// Issue 13: a display that cannot play sound says so on screen, small, for staff (site language).
#[test]
fn a_sound_problem_is_shown_for_staff_and_cleared_when_it_plays_again() {
    use crate::audio::SoundState;
    let mut c = controller(Settings::default());
    assert_eq!(c.view(t(2)).sound, None, "nothing known yet: nothing said");
    c.set_sound(SoundState::Failing("aplay: no soundcards found".into()));
    assert_eq!(c.view(t(2)).sound.as_deref(), Some("Audio non funzionante: aplay: no soundcards found"));
    c.set_sound(SoundState::ChimeOnly("espeak-ng is not installed".into()));
    assert_eq!(c.view(t(2)).sound.as_deref(), Some("Solo segnale acustico, senza voce: espeak-ng is not installed"));
    c.set_sound(SoundState::Off);
    assert_eq!(c.view(t(2)).sound, None, "silent by choice is not a fault");
    c.set_sound(SoundState::Ok);
    assert_eq!(c.view(t(2)).sound, None);
}
