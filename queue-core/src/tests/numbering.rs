//! Daily numbering per site and service (reset at Europe/Rome local midnight, DST days
//! included, unless tickets of the day before are still open), daily caps, opening hours and the
//! end of the day (tickets still waiting at closing expire; `closeday` is the server's clock).

use super::script::check;
use expect_test::expect;

#[test]
fn numbers_count_per_site_and_service() {
    check(
        "
        site lt; site gr
        service lt/A; service lt/B; service lt/lavoro prefix=L
        service gr/A
        at 09:00; issue t1 lt/A; issue t2 lt/B; issue t3 lt/A; issue t4 gr/A; issue t5 lt/lavoro; issue t6 lt/A
        ",
        expect![[r#"
            > issue t1 lt/A
              issued t1 A001 lt/A standard lang=it est=none
            > issue t2 lt/B
              issued t2 B001 lt/B standard lang=it est=none
            > issue t3 lt/A
              issued t3 A002 lt/A standard lang=it est=none
            > issue t4 gr/A
              issued t4 A001 gr/A standard lang=it est=none
            > issue t5 lt/lavoro
              issued t5 L001 lt/lavoro standard lang=it est=none
            > issue t6 lt/A
              issued t6 A003 lt/A standard lang=it est=none
            -- state
              gr/A waiting=1 longest=0s est=none
                t4 A001 standard queued=09:00 ahead=0 est=none
              lt/A waiting=3 longest=0s est=none
                t1 A001 standard queued=09:00 ahead=0 est=none
                t3 A002 standard queued=09:00 ahead=1 est=none
                t6 A003 standard queued=09:00 ahead=2 est=none
              lt/B waiting=1 longest=0s est=none
                t2 B001 standard queued=09:00 ahead=0 est=none
              lt/lavoro waiting=1 longest=0s est=none
                t5 L001 standard queued=09:00 ahead=0 est=none
        "#]],
    );
}

#[test]
fn numbers_reset_at_local_midnight_not_utc_midnight() {
    // 2026-11-23 is CET (UTC+1): local midnight is 23:00 UTC.
    check(
        "
        site lt
        service lt/A
        at 2026-11-23 23:59; issue t1 lt/A
        at 2026-11-23T22:59:30Z; closeday lt # 23:59:30 local: not yet
        at 2026-11-23T23:00:00Z; closeday lt; issue t2 lt/A
        at 2026-11-24T00:30:00Z; issue t3 lt/A
        ",
        expect![[r#"
            > at 2026-11-23 23:59  = 2026-11-23 23:59:00 +01:00 (22:59Z)
            > issue t1 lt/A
              issued t1 A001 lt/A standard lang=it est=none
            > at 2026-11-23T22:59:30Z  = 2026-11-23 23:59:30 +01:00 (22:59Z)
            > closeday lt
              (no events)
            > at 2026-11-23T23:00:00Z  = 2026-11-24 00:00:00 +01:00 (23:00Z)
            > closeday lt
              expired t1
            > issue t2 lt/A
              issued t2 A001 lt/A standard lang=it est=none
            > at 2026-11-24T00:30:00Z  = 2026-11-24 01:30:00 +01:00 (00:30Z)
            > issue t3 lt/A
              issued t3 A002 lt/A standard lang=it est=none
            -- state
              lt/A waiting=2 longest=5400s est=none
                t2 A001 standard queued=00:00 ahead=0 est=none
                t3 A002 standard queued=01:30 ahead=1 est=none
        "#]],
    );
}

#[test]
fn numbering_across_the_spring_dst_change() {
    // 2026-03-29: at 02:00 CET the clocks jump to 03:00 CEST; the day has 23 hours.
    check(
        "
        site lt
        service lt/A
        at 2026-03-28 23:59; issue t1 lt/A
        at 2026-03-29 00:00; closeday lt; issue t2 lt/A
        at 2026-03-29 01:59; issue t3 lt/A
        at 2026-03-29T01:00:00Z; issue t4 lt/A # 03:00 CEST
        at 2026-03-29 23:59; closeday lt; issue t5 lt/A
        at 2026-03-29T22:00:00Z; closeday lt; issue t6 lt/A # midnight CEST is 22:00 UTC
        ",
        expect![[r#"
            > at 2026-03-28 23:59  = 2026-03-28 23:59:00 +01:00 (22:59Z)
            > issue t1 lt/A
              issued t1 A001 lt/A standard lang=it est=none
            > at 2026-03-29 00:00  = 2026-03-29 00:00:00 +01:00 (23:00Z)
            > closeday lt
              expired t1
            > issue t2 lt/A
              issued t2 A001 lt/A standard lang=it est=none
            > at 2026-03-29 01:59  = 2026-03-29 01:59:00 +01:00 (00:59Z)
            > issue t3 lt/A
              issued t3 A002 lt/A standard lang=it est=none
            > at 2026-03-29T01:00:00Z  = 2026-03-29 03:00:00 +02:00 (01:00Z)
            > issue t4 lt/A
              issued t4 A003 lt/A standard lang=it est=none
            > at 2026-03-29 23:59  = 2026-03-29 23:59:00 +02:00 (21:59Z)
            > closeday lt
              (no events)
            > issue t5 lt/A
              issued t5 A004 lt/A standard lang=it est=none
            > at 2026-03-29T22:00:00Z  = 2026-03-30 00:00:00 +02:00 (22:00Z)
            > closeday lt
              expired t2
              expired t3
              expired t4
              expired t5
            > issue t6 lt/A
              issued t6 A001 lt/A standard lang=it est=none
            -- state
              lt/A waiting=1 longest=0s est=none
                t6 A001 standard queued=00:00 ahead=0 est=none
        "#]],
    );
}

#[test]
fn numbering_across_the_autumn_dst_change() {
    // 2026-10-25: at 03:00 CEST the clocks go back to 02:00 CET; 02:30 happens twice.
    check(
        "
        site lt
        service lt/A
        at 2026-10-24T21:59:00Z; issue t1 lt/A # 23:59 CEST
        at 2026-10-24T22:00:00Z; closeday lt; issue t2 lt/A # midnight CEST
        at 2026-10-25T00:30:00Z; issue t3 lt/A # 02:30 CEST
        at 2026-10-25T01:30:00Z; issue t4 lt/A # 02:30 CET, the second time
        at 2026-10-25T22:59:00Z; closeday lt; issue t5 lt/A # 23:59 CET
        at 2026-10-25T23:00:00Z; closeday lt; issue t6 lt/A # midnight CET
        ",
        expect![[r#"
            > at 2026-10-24T21:59:00Z  = 2026-10-24 23:59:00 +02:00 (21:59Z)
            > issue t1 lt/A
              issued t1 A001 lt/A standard lang=it est=none
            > at 2026-10-24T22:00:00Z  = 2026-10-25 00:00:00 +02:00 (22:00Z)
            > closeday lt
              expired t1
            > issue t2 lt/A
              issued t2 A001 lt/A standard lang=it est=none
            > at 2026-10-25T00:30:00Z  = 2026-10-25 02:30:00 +02:00 (00:30Z)
            > issue t3 lt/A
              issued t3 A002 lt/A standard lang=it est=none
            > at 2026-10-25T01:30:00Z  = 2026-10-25 02:30:00 +01:00 (01:30Z)
            > issue t4 lt/A
              issued t4 A003 lt/A standard lang=it est=none
            > at 2026-10-25T22:59:00Z  = 2026-10-25 23:59:00 +01:00 (22:59Z)
            > closeday lt
              (no events)
            > issue t5 lt/A
              issued t5 A004 lt/A standard lang=it est=none
            > at 2026-10-25T23:00:00Z  = 2026-10-26 00:00:00 +01:00 (23:00Z)
            > closeday lt
              expired t2
              expired t3
              expired t4
              expired t5
            > issue t6 lt/A
              issued t6 A001 lt/A standard lang=it est=none
            -- state
              lt/A waiting=1 longest=0s est=none
                t6 A001 standard queued=00:00 ahead=0 est=none
        "#]],
    );
}

/// Issue 19: a ticket of yesterday still waiting (the queue kept overnight, or the day's end not
/// run yet) keeps its number, and today's numbers go on after it: never two A001 in the room.
#[test]
fn waiting_ticket_keeps_yesterdays_number() {
    check(
        "
        site lt overnight
        service lt/A
        desk d1 lt A
        at 2026-11-23 23:50; issue t1 lt/A
        at 2026-11-24 00:10; closeday lt; issue t2 lt/A
        open d1 alice; call d1
        ",
        expect![[r#"
            > at 2026-11-23 23:50  = 2026-11-23 23:50:00 +01:00 (22:50Z)
            > issue t1 lt/A
              issued t1 A001 lt/A standard lang=it est=none
            > at 2026-11-24 00:10  = 2026-11-24 00:10:00 +01:00 (23:10Z)
            > closeday lt
              (no events)
            > issue t2 lt/A
              issued t2 A002 lt/A standard lang=it est=none
            > open d1 alice
              desk d1 opened by alice
            > call d1
              called t1 A001 -> d1 (alice)
            -- state
              lt/A waiting=1 longest=0s est=1200s(351-2049)
                t2 A002 standard queued=00:10 ahead=0 est=600s(0-1200)
              d1 open alice: t1 A001 called
        "#]],
    );
}

#[test]
fn daily_cap() {
    check(
        "
        site lt
        service lt/A cap=2; service lt/B
        desk d1 lt A
        at 09:00; issue t1 lt/A; issue t2 lt/A
        issue t3 lt/A
        issue t3 lt/B # other services are not capped
        open d1 alice; call d1; cancel t1
        issue t4 lt/A # a cancelled ticket gives its place back (issue 12); its number is not reused
        at 2026-11-24 08:00; closeday lt; issue t5 lt/A
        ",
        expect![[r#"
            > issue t1 lt/A
              issued t1 A001 lt/A standard lang=it est=none
            > issue t2 lt/A
              issued t2 A002 lt/A standard lang=it est=none
            > issue t3 lt/A
              error daily_cap_reached: service 'A' has reached its daily limit of 2 tickets
            > issue t3 lt/B
              issued t3 B001 lt/B standard lang=it est=none
            > open d1 alice
              desk d1 opened by alice
            > call d1
              called t1 A001 -> d1 (alice)
            > cancel t1
              cancelled t1
            > issue t4 lt/A
              issued t4 A003 lt/A standard lang=it est=600s
            > at 2026-11-24 08:00  = 2026-11-24 08:00:00 +01:00 (07:00Z)
            > closeday lt
              expired t2
              expired t3
              expired t4
            > issue t5 lt/A
              issued t5 A001 lt/A standard lang=it est=0s
            -- state
              lt/A waiting=1 longest=0s est=600s(0-1200)
                t5 A001 standard queued=08:00 ahead=0 est=0s
              d1 open alice
        "#]],
    );
}

#[test]
fn opening_hours() {
    // 2026-11-23 is a Monday; the site opens 08:00-13:00 and 14:00-18:00 on weekdays;
    // the service L keeps its own hours.
    check(
        "
        site lt hours=08:00-13:00,14:00-18:00 closed=sat,sun
        service lt/A
        service lt/L hours=09:00-10:00
        at 07:59; issue t1 lt/A
        at 08:00; issue t2 lt/A
        issue t3 lt/L
        at 09:30; issue t7 lt/L
        at 12:59; issue t4 lt/A
        at 13:00; issue t5 lt/A
        at 14:00; issue t6 lt/A
        at 2026-11-28 10:00; issue t8 lt/A # Saturday
        at 2026-11-30 17:59; issue t9 lt/A
        at 18:00; issue t10 lt/A
        ",
        expect![[r#"
            > issue t1 lt/A
              error service_closed: service 'A' is closed now (outside its opening hours)
            > issue t2 lt/A
              issued t2 A001 lt/A standard lang=it est=none
            > issue t3 lt/L
              error service_closed: service 'L' is closed now (outside its opening hours)
            > issue t7 lt/L
              issued t7 L001 lt/L standard lang=it est=none
            > issue t4 lt/A
              issued t4 A002 lt/A standard lang=it est=none
            > issue t5 lt/A
              error service_closed: service 'A' is closed now (outside its opening hours)
            > issue t6 lt/A
              issued t6 A003 lt/A standard lang=it est=none
            > at 2026-11-28 10:00  = 2026-11-28 10:00:00 +01:00 (09:00Z)
            > issue t8 lt/A
              error service_closed: service 'A' is closed now (outside its opening hours)
            > at 2026-11-30 17:59  = 2026-11-30 17:59:00 +01:00 (16:59Z)
            > issue t9 lt/A
              issued t9 A004 lt/A standard lang=it est=none
            > issue t10 lt/A
              error service_closed: service 'A' is closed now (outside its opening hours)
            -- state
              lt/A waiting=4 longest=640800s est=none
                t2 A001 standard queued=08:00 ahead=0 est=none
                t4 A002 standard queued=12:59 ahead=1 est=none
                t6 A003 standard queued=14:00 ahead=2 est=none
                t9 A004 standard queued=17:59 ahead=3 est=none
              lt/L waiting=1 longest=635400s est=none
                t7 L001 standard queued=09:30 ahead=0 est=none
        "#]],
    );
}

// Issue 20: one rule for "open now", used by issuing and by the kiosk's list, with the next opening
// (issue 18: a closed service says when it opens), across a lunch break, a weekend and a cap.
#[test]
fn availability_and_next_opening() {
    check(
        "
        site lt hours=08:00-13:00,14:00-18:00 closed=sat,sun
        service lt/A cap=1
        service lt/L hours=09:00-10:00
        at 07:59; available lt/A
        available lt/L
        at 13:00; available lt/A
        at 2026-11-27 18:00; available lt/A # Friday evening
        at 2026-11-30 09:00; available lt/A
        issue t1 lt/A
        available lt/A
        available lt/L
        ",
        expect![[r#"
            > available lt/A
              closed, opens Mon 2026-11-23 08:00
            > available lt/L
              closed, opens Mon 2026-11-23 09:00
            > available lt/A
              closed, opens Mon 2026-11-23 14:00
            > at 2026-11-27 18:00  = 2026-11-27 18:00:00 +01:00 (17:00Z)
            > available lt/A
              closed, opens Mon 2026-11-30 08:00
            > at 2026-11-30 09:00  = 2026-11-30 09:00:00 +01:00 (08:00Z)
            > available lt/A
              open
            > issue t1 lt/A
              issued t1 A001 lt/A standard lang=it est=none
            > available lt/A
              full (cap 1)
            > available lt/L
              open
            -- state
              lt/A waiting=1 longest=0s est=none
                t1 A001 standard queued=09:00 ahead=0 est=none
        "#]],
    );
}

// Issue 12: a cancelled ticket gives its place under the daily cap back (its number is not given
// again); staff of the site may lift the cap for the day, and it holds only for that day.
#[test]
fn cancelled_tickets_give_their_place_back_and_staff_lift_the_cap() {
    check(
        "
        site lt
        service lt/A cap=2
        issue t1 lt/A; issue t2 lt/A; issue t3 lt/A
        cancel t1
        issue t4 lt/A
        issue t5 lt/A
        liftcap lt/A as=bob@lt
        liftcap lt/A as=carol@gr
        issue t6 lt/A
        liftcap lt/A
        # The queue was not ended overnight: the new day counts on after A004, its cap anew.
        at 2026-11-24 09:00; issue t7 lt/A; issue t8 lt/A; issue t9 lt/A
        ",
        expect![[r#"
            > issue t1 lt/A
              issued t1 A001 lt/A standard lang=it est=none
            > issue t2 lt/A
              issued t2 A002 lt/A standard lang=it est=none
            > issue t3 lt/A
              error daily_cap_reached: service 'A' has reached its daily limit of 2 tickets
            > cancel t1
              cancelled t1
            > issue t4 lt/A
              issued t4 A003 lt/A standard lang=it est=none
            > issue t5 lt/A
              error daily_cap_reached: service 'A' has reached its daily limit of 2 tickets
            > liftcap lt/A as=bob@lt
              cap of A lifted for 2026-11-23
            > liftcap lt/A as=carol@gr
              error forbidden: carol does not work at site 'lt'
            > issue t6 lt/A
              issued t6 A004 lt/A standard lang=it est=none
            > liftcap lt/A
              (no events)
            > at 2026-11-24 09:00  = 2026-11-24 09:00:00 +01:00 (08:00Z)
            > issue t7 lt/A
              issued t7 A005 lt/A standard lang=it est=none
            > issue t8 lt/A
              issued t8 A006 lt/A standard lang=it est=none
            > issue t9 lt/A
              error daily_cap_reached: service 'A' has reached its daily limit of 2 tickets
            -- state
              lt/A waiting=5 longest=86400s est=none
                t2 A002 standard queued=09:00 ahead=0 est=none
                t4 A003 standard queued=09:00 ahead=1 est=none
                t6 A004 standard queued=09:00 ahead=2 est=none
                t7 A005 standard queued=09:00 ahead=3 est=none
                t8 A006 standard queued=09:00 ahead=4 est=none
        "#]],
    );
}

#[test]
fn numbers_grow_past_three_digits() {
    use super::reference::Checker;
    use crate::engine::{Command, IssueTicket};
    use crate::rules::{Rules, ServiceRules, SiteRules};
    let site = SiteRules {
        id: "lt".into(),
        time_zone: jiff::tz::TimeZone::get("Europe/Rome").unwrap(),
        default_language: "it".into(),
        opening_hours: None,
        out_of_order_calls: false,
        aging: false,
        transfer_fallback_s: 600,
        any_ticket_role: crate::model::Role::Manager,
        keep_queue_overnight: false,
        expire_grace_s: 0,
        walk_in_guard: None,
    };
    let service = ServiceRules {
        site: "lt".into(),
        id: "A".into(),
        prefix: 'A',
        public_label: "Room A".into(),
        target_wait_s: 900,
        daily_cap: Some(1000),
        opening_hours: None,
        roles: vec![],
        default_service_time_s: 600,
    };
    let mut rules = Rules::default();
    rules.sites.insert("lt".into(), site);
    rules.services.insert(("lt".into(), "A".into()), service);
    let mut c = Checker::new(rules);
    let now: jiff::Timestamp = "2026-11-23T09:00:00Z".parse().unwrap();
    let issue = |n: u32| {
        Command::Issue(IssueTicket {
            id: format!("t{n}").as_str().into(),
            site: "lt".into(),
            service: "A".into(),
            priority: Default::default(),
            appointment_at: None,
            language: "it".into(),
            party_size: 1,
            needs: vec![],
        })
    };
    let mut numbers = vec![];
    for n in 1..=1001 {
        match c.step(issue(n), now) {
            Ok(events) => numbers.extend(events.iter().filter_map(|e| match &e.kind {
                crate::event::EventKind::TicketIssued { ticket } => Some(ticket.number.clone()),
                _ => None,
            })),
            Err(e) => numbers.push(e.code().to_owned()),
        }
    }
    expect![[r#"["A001", "A009", "A010", "A099", "A100", "A999", "A1000", "daily_cap_reached"]"#]]
        .assert_eq(&format!("{:?}", [0, 8, 9, 98, 99, 998, 999, 1000].map(|i| numbers[i].as_str())));
    c.check_replay();
}

#[test]
fn a_clock_that_goes_back_across_midnight_never_repeats_a_number() {
    use crate::engine::IssueTicket;
    use crate::rules::{Rules, ServiceRules, SiteRules};
    use crate::{Command, Engine, EventKind, Priority, ServiceId, SiteId, TicketId};
    let (site, svc) = (SiteId::from("lt"), ServiceId::from("A"));
    let mut rules = Rules::default();
    rules.sites.insert(
        site.clone(),
        SiteRules {
            id: site.clone(),
            time_zone: jiff::tz::TimeZone::get("Europe/Rome").unwrap(),
            default_language: "it".into(),
            opening_hours: None,
            out_of_order_calls: false,
            aging: true,
            transfer_fallback_s: 600,
            any_ticket_role: crate::model::Role::Manager,
            keep_queue_overnight: false,
            expire_grace_s: 0,
            walk_in_guard: None,
        },
    );
    rules.services.insert(
        (site.clone(), svc.clone()),
        ServiceRules {
            site: site.clone(),
            id: svc.clone(),
            prefix: 'A',
            public_label: "A".into(),
            target_wait_s: 900,
            daily_cap: None,
            opening_hours: None,
            roles: vec![],
            default_service_time_s: 600,
        },
    );
    let mut engine = Engine::new(rules);
    let mut issue = |id: &str, at: &str| {
        let cmd = Command::Issue(IssueTicket {
            id: TicketId::from(id),
            site: site.clone(),
            service: svc.clone(),
            priority: Priority::Standard,
            appointment_at: None,
            language: "it".into(),
            party_size: 1,
            needs: vec![],
        });
        let kiosk = crate::Actor::Device { id: "k".into(), site: site.clone(), kind: crate::DeviceKind::Kiosk };
        match &engine.execute(cmd, &kiosk, at.parse().unwrap()).unwrap()[0].kind {
            EventKind::TicketIssued { ticket } => (ticket.number.clone(), ticket.day.to_string()),
            other => panic!("{other:?}"),
        }
    };
    // 01:10 local on the 24th, then the clock jumps back to 23:50 on the 23rd.
    assert_eq!(issue("t1", "2026-11-24T00:10:00Z"), ("A001".into(), "2026-11-24".into()));
    assert_eq!(issue("t2", "2026-11-23T22:50:00Z"), ("A002".into(), "2026-11-24".into()));
}

/// Issue 19, the end of the day: at the site's closing (the end of its last range: not at the lunch
/// break) the tickets still waiting or on hold expire; called and serving ones stay with their desk;
/// a ticket parked after closing waits for its desk until midnight; `day.closed` is recorded once.
#[test]
fn tickets_still_waiting_at_closing_expire() {
    check(
        "
        site lt hours=09:00-13:00,14:30-17:30 closed=sat,sun
        service lt/A; service lt/B
        desk d1 lt A,B; desk d2 lt A,B; desk d3 lt A,B
        at 08:00; closeday lt # the first run records the last closing (Friday's)
        at 12:00; issue t1 lt/A; issue t2 lt/A; issue t3 lt/A; issue t4 lt/B; issue t5 lt/A
        open d1 alice; open d2 bob; open d3 carol
        call d1; start t1; hold t1 # t1 parked before closing
        call d2 # t2 called
        call d3; start t3 # t3 at the desk
        closes lt
        at 13:00; closeday lt # the lunch break is no closing
        at 17:29; closeday lt
        at 17:30; closeday lt
        closeday lt # once
        return t1 # nothing left to return
        finish t3; call d3
        at 17:40; start t2; hold t2 # parked after closing: waits for bob
        closeday lt
        closes lt
        at 2026-11-24 00:00; closeday lt
        at 2026-11-24 09:00; issue t6 lt/A
        ",
        expect![[r#"
            > closeday lt
              day closed at 17:30
            > issue t1 lt/A
              issued t1 A001 lt/A standard lang=it est=none
            > issue t2 lt/A
              issued t2 A002 lt/A standard lang=it est=none
            > issue t3 lt/A
              issued t3 A003 lt/A standard lang=it est=none
            > issue t4 lt/B
              issued t4 B001 lt/B standard lang=it est=none
            > issue t5 lt/A
              issued t5 A004 lt/A standard lang=it est=none
            > open d1 alice
              desk d1 opened by alice
            > open d2 bob
              desk d2 opened by bob
            > open d3 carol
              desk d3 opened by carol
            > call d1
              called t1 A001 -> d1 (alice)
            > start t1
              serving t1 A001
            > hold t1
              on_hold t1 A001
            > call d2
              called t2 A002 -> d2 (bob)
            > call d3
              called t3 A003 -> d3 (carol)
            > start t3
              serving t3 A003
            > closes lt
              Mon 2026-11-23 17:30
            > closeday lt
              (no events)
            > closeday lt
              (no events)
            > closeday lt
              expired t1
              expired t4
              expired t5
              day closed at 17:30
            > closeday lt
              (no events)
            > return t1
              error unknown_ticket: unknown ticket 't1'
            > finish t3
              done t3
            > call d3
              (no events)
            > start t2
              serving t2 A002
            > hold t2
              on_hold t2 A002
            > closeday lt
              (no events)
            > closes lt
              Tue 2026-11-24 17:30
            > at 2026-11-24 00:00  = 2026-11-24 00:00:00 +01:00 (23:00Z)
            > closeday lt
              expired t2
            > at 2026-11-24 09:00  = 2026-11-24 09:00:00 +01:00 (08:00Z)
            > issue t6 lt/A
              issued t6 A001 lt/A standard lang=it est=0s
            -- state
              lt/A waiting=1 longest=0s est=0s
                t6 A001 standard queued=09:00 ahead=0 est=0s
              d1 open alice
              d2 open bob
              d3 open carol
        "#]],
    );
}

/// Issue 19: with a grace, waiting tickets expire that long after closing (staff may still serve
/// the people inside); a site without hours ends its day at local midnight; a site that keeps its
/// queue overnight never expires a ticket, and its numbers go on.
#[test]
fn grace_midnight_and_queues_kept_overnight() {
    check(
        "
        site lt hours=09:00-17:30 grace=1800
        site nh
        site sh overnight hours=09:00-17:30
        service lt/A; service nh/A; service sh/A
        at 17:00; issue t1 lt/A; issue t2 nh/A; issue t3 sh/A
        closes lt
        at 17:30; closeday lt
        at 17:59; closeday lt
        at 18:00; closeday lt; closeday nh; closeday sh
        at 2026-11-23 23:59; closeday nh
        at 2026-11-24 00:00; closeday nh; closeday sh
        closes sh
        at 2026-11-24 09:00; issue t4 lt/A; issue t5 nh/A; issue t6 sh/A
        closeday lt as=alice:staff@lt
        closeday lt as=rita:manager@lt
        ",
        expect![[r#"
            > issue t1 lt/A
              issued t1 A001 lt/A standard lang=it est=none
            > issue t2 nh/A
              issued t2 A001 nh/A standard lang=it est=none
            > issue t3 sh/A
              issued t3 A001 sh/A standard lang=it est=none
            > closes lt
              Mon 2026-11-23 18:00
            > closeday lt
              day closed at 17:30
            > closeday lt
              (no events)
            > closeday lt
              expired t1
              day closed at 17:30
            > closeday nh
              (no events)
            > closeday sh
              (no events)
            > at 2026-11-23 23:59  = 2026-11-23 23:59:00 +01:00 (22:59Z)
            > closeday nh
              (no events)
            > at 2026-11-24 00:00  = 2026-11-24 00:00:00 +01:00 (23:00Z)
            > closeday nh
              expired t2
            > closeday sh
              (no events)
            > closes sh
              never
            > at 2026-11-24 09:00  = 2026-11-24 09:00:00 +01:00 (08:00Z)
            > issue t4 lt/A
              issued t4 A001 lt/A standard lang=it est=none
            > issue t5 nh/A
              issued t5 A001 nh/A standard lang=it est=none
            > issue t6 sh/A
              issued t6 A002 sh/A standard lang=it est=none
            > closeday lt as=alice:staff@lt
              error forbidden: only the server's clock, or a colleague of the site with the manager role, may end the day
            > closeday lt as=rita:manager@lt
              (no events)
            -- state
              lt/A waiting=1 longest=0s est=none
                t4 A001 standard queued=09:00 ahead=0 est=none
              nh/A waiting=1 longest=0s est=none
                t5 A001 standard queued=09:00 ahead=0 est=none
              sh/A waiting=2 longest=57600s est=none
                t3 A001 standard queued=17:00 ahead=0 est=none
                t6 A002 standard queued=09:00 ahead=1 est=none
        "#]],
    );
}
