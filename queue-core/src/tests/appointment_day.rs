//! Issue 16: a scripted appointment-heavy morning at one desk, run with the walk-in guard off and on,
//! and the figures it gives (walk-in waits, walk-ins past their target, appointment punctuality).
//!
//! The morning: walk-ins arrive every 10 minutes from 08:50 to 11:50, a block of follow-ups is
//! booked every 10 minutes from 09:30 to 11:00 and each checks in 10 minutes early; everyone takes
//! 8 minutes at the desk (one desk: 1.2 times what it can serve by noon), which calls the next
//! ticket the minute it is free. The walk-ins' target wait is 30 minutes. Every step is checked by the reference.

use super::reference::Checker;
use crate::engine::{Command, IssueTicket};
use crate::event::EventKind;
use crate::model::Priority;
use crate::rules::{DeskRules, Rules, ServiceRules, SiteRules};
use expect_test::expect;
use jiff::{SignedDuration, Timestamp};
use std::collections::BTreeMap;

struct Figures {
    walk_ins: usize,
    walk_in_mean_wait_min: f64,
    walk_in_max_wait_min: i64,
    walk_ins_past_target: usize,
    appointments: usize,
    appointment_mean_late_min: f64,
    appointment_max_late_min: i64,
    longest_appointment_run: u32,
}

fn morning(guard: Option<u32>) -> Figures {
    let site = SiteRules {
        id: "lt".into(),
        time_zone: jiff::tz::TimeZone::get("Europe/Rome").unwrap(),
        default_language: "it".into(),
        opening_hours: None,
        out_of_order_calls: false,
        aging: true,
        transfer_fallback_s: 600,
        any_ticket_role: crate::model::Role::Manager,
        keep_queue_overnight: false,
        expire_grace_s: 0,
        walk_in_guard: guard,
    };
    let service = ServiceRules {
        site: "lt".into(),
        id: "A".into(),
        prefix: 'A',
        public_label: "Area A".into(),
        target_wait_s: 1800,
        daily_cap: None,
        opening_hours: None,
        roles: vec![],
        default_service_time_s: 480,
    };
    let mut rules = Rules::default();
    rules.sites.insert("lt".into(), site);
    rules.services.insert(("lt".into(), "A".into()), service);
    rules.desks.insert(
        "d1".into(),
        DeskRules { id: "d1".into(), site: "lt".into(), label: "Sportello 1".into(), services: vec!["A".into()] },
    );
    let mut c = Checker::new(rules);
    let start: Timestamp = "2026-12-01T07:50:00Z".parse().unwrap(); // 08:50 in Rome
    let at = |min: i64| start + SignedDuration::from_mins(min);
    let open = Command::OpenDesk { desk: "d1".into(), staff: "alice".into(), languages: vec![], professions: vec![] };
    c.step(open, at(0)).unwrap();
    // (minute of arrival, id, booked minute for appointments)
    let mut arrivals: Vec<(i64, String, Option<i64>)> =
        (0..=180).step_by(10).map(|m| (m, format!("w{m}"), None)).collect();
    arrivals.extend((40..=130).step_by(10).map(|b| (b - 10, format!("a{b}"), Some(b))));
    arrivals.sort();
    let mut issued: BTreeMap<String, (i64, Option<i64>)> = BTreeMap::new();
    let mut called: BTreeMap<String, i64> = BTreeMap::new();
    let mut busy_until: Option<(i64, String)> = None;
    let (mut run, mut longest_run) = (0u32, 0u32);
    for minute in 0..600 {
        let now = at(minute);
        for (m, id, booked) in arrivals.iter().filter(|a| a.0 == minute) {
            let req = IssueTicket {
                id: id.as_str().into(),
                site: "lt".into(),
                service: "A".into(),
                priority: if booked.is_some() { Priority::Appointment } else { Priority::Standard },
                appointment_at: booked.map(at),
                language: "it".into(),
                party_size: 1,
                needs: vec![],
            };
            c.step(Command::Issue(req), now).unwrap();
            issued.insert(id.clone(), (*m, *booked));
        }
        if let Some((end, id)) = &busy_until
            && *end == minute
        {
            c.step(Command::Finish { ticket: id.as_str().into() }, now).unwrap();
            busy_until = None;
        }
        if busy_until.is_none() {
            let events = c.step(Command::CallNext { desk: "d1".into(), ticket: None }, now).unwrap();
            if let Some(EventKind::TicketCalled { ticket, .. }) = events.first().map(|e| &e.kind) {
                let id = ticket.to_string();
                c.step(Command::Start { ticket: ticket.clone() }, now).unwrap();
                called.insert(id.clone(), minute);
                let due = issued[&id].1.is_some_and(|b| b <= minute);
                run = if due { run + 1 } else { 0 };
                longest_run = longest_run.max(run);
                busy_until = Some((minute + 8, id));
            }
        }
    }
    assert_eq!(called.len(), issued.len(), "everyone was served");
    c.check_replay();
    let waits: Vec<i64> = issued.iter().filter(|(_, v)| v.1.is_none()).map(|(id, v)| called[id] - v.0).collect();
    let late: Vec<i64> = issued.iter().filter_map(|(id, v)| v.1.map(|b| (called[id] - b).max(0))).collect();
    let mean = |v: &[i64]| v.iter().sum::<i64>() as f64 / v.len() as f64;
    Figures {
        walk_ins: waits.len(),
        walk_in_mean_wait_min: mean(&waits),
        walk_in_max_wait_min: *waits.iter().max().unwrap(),
        walk_ins_past_target: waits.iter().filter(|&&w| w > 30).count(),
        appointments: late.len(),
        appointment_mean_late_min: mean(&late),
        appointment_max_late_min: *late.iter().max().unwrap(),
        longest_appointment_run: longest_run,
    }
}

#[test]
fn an_appointment_heavy_morning_with_the_guard_off_and_on() {
    let mut out =
        String::from("guard   walk-ins mean max past-target | appointments late-mean late-max | longest run\n");
    for guard in [None, Some(3), Some(1)] {
        let f = morning(guard);
        out += &format!(
            "{:<7} {:>8} {:>4.1} {:>3} {:>11} | {:>12} {:>9.1} {:>8} | {:>11}\n",
            guard.map_or("off".to_owned(), |n| format!("N={n}")),
            f.walk_ins,
            f.walk_in_mean_wait_min,
            f.walk_in_max_wait_min,
            f.walk_ins_past_target,
            f.appointments,
            f.appointment_mean_late_min,
            f.appointment_max_late_min,
            f.longest_appointment_run,
        );
    }
    expect![[r#"
        guard   walk-ins mean max past-target | appointments late-mean late-max | longest run
        off           19 44.2  72          13 |           10       2.4        6 |           4
        N=3           19 43.8  72          13 |           10       3.2        8 |           3
        N=1           19 38.7  64          13 |           10      12.8       36 |           2
    "#]]
    .assert_eq(&out);
}
