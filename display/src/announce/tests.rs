//! The announcer's policy (issue 13) with mocked time: newest first, bounded, expired and withdrawn
//! calls never spoken, one chime a run.

use super::*;
use crate::demo::t;

/// A call made at t(`at`) that may be spoken until t(`at` + 60).
fn call(number: &str, at: i64) -> Announcement {
    Announcement {
        number: number.to_owned(),
        desk: "Sportello 1".to_owned(),
        recall: false,
        utterances: Vec::new(),
        called_at: t(at),
        expires: t(at + 60),
    }
}

/// Plays the queue out at 8 s an announcement from t(`from`), pushing `arrivals` (time, call) as
/// time passes; returns what was spoken, with the time and whether the chime played.
fn play_out(q: &mut AnnounceQueue, from: i64, mut arrivals: Vec<(i64, Announcement)>) -> Vec<(i64, String, bool)> {
    let mut now = from;
    let mut spoken = Vec::new();
    loop {
        arrivals.retain(|(at, a)| {
            if *at <= now {
                q.push(a.clone());
            }
            *at > now
        });
        match q.next(t(now)) {
            Some(turn) => {
                spoken.push((now, turn.announcement.number, turn.chime));
                now += 8;
                q.finished(t(now));
            }
            None if arrivals.is_empty() => return spoken,
            None => now += 1,
        }
    }
}

fn numbers(spoken: &[(i64, String, bool)]) -> Vec<&str> {
    spoken.iter().map(|(_, n, _)| n.as_str()).collect()
}

#[test]
fn one_call_is_spoken_with_its_chime() {
    let mut q = AnnounceQueue::new(CAPACITY);
    q.push(call("A001", 0));
    let turn = q.next(t(1)).unwrap();
    assert_eq!((turn.announcement.number.as_str(), turn.chime, turn.behind), ("A001", true, 0));
    assert!(q.next(t(2)).is_none());
}

#[test]
fn in_a_burst_the_newest_call_is_spoken_first() {
    let mut q = AnnounceQueue::new(CAPACITY);
    for (i, n) in ["H002", "I001", "I002", "B003", "D001"].iter().enumerate() {
        q.push(call(n, i as i64));
    }
    let spoken = play_out(&mut q, 5, vec![]);
    assert_eq!(numbers(&spoken), ["D001", "B003", "I002", "I001", "H002"]);
    // One chime for the run.
    assert_eq!(spoken.iter().map(|s| s.2).collect::<Vec<_>>(), [true, false, false, false, false]);
}

#[test]
fn a_burst_of_thirty_speaks_only_current_calls_newest_first_and_nothing_past_the_limit() {
    let mut q = AnnounceQueue::new(CAPACITY);
    // 30 calls in 30 s (one a second), at a voice that needs 8 s a call.
    let arrivals: Vec<(i64, Announcement)> = (0..30).map(|i| (i, call(&format!("A{i:03}"), i))).collect();
    let spoken = play_out(&mut q, 0, arrivals);
    for (at, n, _) in &spoken {
        let called: i64 = n[1..].parse().unwrap();
        assert!(at - called <= 60, "{n} spoken {} s after its call", at - called);
    }
    assert_eq!(spoken.last().map(|s| s.1.as_str()), Some("A023"), "the run ends on older calls: {spoken:?}");
    assert!(numbers(&spoken).contains(&"A029"), "the last call of the burst is spoken: {spoken:?}");
    let a029 = spoken.iter().find(|s| s.1 == "A029").unwrap().0;
    assert!(a029 - 29 <= 8, "within one announcement of its call: at {a029}");
    let dropped = q.take_dropped();
    assert!(dropped.iter().any(|d| matches!(d, Dropped::Overflow(_))), "the oldest were pushed out: {dropped:?}");
    assert!(q.len() <= CAPACITY);
}

#[test]
fn a_call_past_its_limit_is_dropped_when_its_turn_comes() {
    let mut q = AnnounceQueue::new(CAPACITY);
    q.push(call("A001", 0));
    q.push(call("A002", 30));
    assert_eq!(q.next(t(31)).unwrap().announcement.number, "A002");
    q.finished(t(39));
    assert!(q.next(t(61)).is_none(), "A001 is 61 s old");
    assert_eq!(q.take_dropped(), [Dropped::Expired("A001".into())]);
}

#[test]
fn withdrawn_calls_are_not_spoken_and_a_new_call_replaces_the_old_one() {
    let mut q = AnnounceQueue::new(CAPACITY);
    q.push(call("A001", 0));
    q.push(call("A002", 1));
    assert!(q.withdraw("A002"));
    assert!(!q.withdraw("A009"));
    let mut again = call("A001", 2);
    again.desk = "Sportello 4".into();
    again.recall = true;
    q.push(again);
    assert_eq!(q.len(), 1, "one entry a number");
    let turn = q.next(t(3)).unwrap();
    assert_eq!((turn.announcement.desk.as_str(), turn.announcement.recall), ("Sportello 4", true));
}

#[test]
fn the_chime_comes_back_after_a_pause() {
    let mut q = AnnounceQueue::new(CAPACITY);
    q.push(call("A001", 0));
    assert!(q.next(t(0)).unwrap().chime);
    q.finished(t(8));
    q.push(call("A002", 9));
    assert!(!q.next(t(9)).unwrap().chime, "1 s after the last one: the same run");
    q.finished(t(17));
    q.push(call("A003", 30));
    assert!(q.next(t(30)).unwrap().chime, "after a quiet spell");
}

#[test]
fn same_second_calls_go_latest_event_first_and_the_bound_holds() {
    let mut q = AnnounceQueue::new(2);
    q.push(call("A001", 5));
    q.push(call("A002", 5));
    q.push(call("A003", 5));
    assert_eq!(q.take_dropped(), [Dropped::Overflow("A001".into())]);
    assert_eq!(q.next(t(5)).unwrap().announcement.number, "A003");
    assert_eq!(q.next(t(5)).unwrap().announcement.number, "A002");
    assert_eq!(q.next_expiry(), None);
}
