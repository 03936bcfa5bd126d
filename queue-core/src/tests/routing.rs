//! The routing policy (`routing.rs`, `docs/domain.md` "Routing"): who a desk calls next, and why.
//! Every `call` here is also re-checked against `reference::pick`.

use super::script::check;
use expect_test::expect;

#[test]
fn class_order_urgent_appointment_priority_standard() {
    check(
        "
        site lt
        service lt/A target=3600
        desk d1 lt A
        open d1 alice
        at 09:00; issue s1 lt/A standard
        at 09:01; issue p1 lt/A priority
        at 09:02; issue a1 lt/A appointment appt=09:00
        at 09:03; issue u1 lt/A urgent
        at 09:04; issue u2 lt/A urgent
        state
        call d1; start u1; finish u1
        call d1; start u2; finish u2
        call d1; start a1; finish a1
        call d1; start p1; finish p1
        call d1; start s1; finish s1
        call d1
        ",
        expect![[r#"
            > open d1 alice
              desk d1 opened by alice
            > issue s1 lt/A standard
              issued s1 A001 lt/A standard lang=it est=0s
            > issue p1 lt/A priority
              issued p1 A002 lt/A priority lang=it est=0s
            > issue a1 lt/A appointment appt=09:00
              issued a1 A003 lt/A appointment lang=it est=0s
            > issue u1 lt/A urgent
              issued u1 A004 lt/A urgent lang=it est=0s
            > issue u2 lt/A urgent
              issued u2 A005 lt/A urgent lang=it est=600s
            -- state
              lt/A waiting=5 longest=240s est=14998s(11998-17998)
                u1 A004 urgent queued=09:03 ahead=0 est=0s
                u2 A005 urgent queued=09:04 ahead=1 est=600s(0-1200)
                a1 A003 appointment queued=09:02 ahead=2 est=3599s(2130-5069)
                p1 A002 priority queued=09:01 ahead=3 est=8998s(6675-11322)
                s1 A001 standard queued=09:00 ahead=4 est=11998s(9315-14681)
              d1 open alice
            > call d1
              called u1 A004 -> d1 (alice)
            > start u1
              serving u1 A004
            > finish u1
              done u1
            > call d1
              called u2 A005 -> d1 (alice)
            > start u2
              serving u2 A005
            > finish u2
              done u2
            > call d1
              called a1 A003 -> d1 (alice)
            > start a1
              serving a1 A003
            > finish a1
              done a1
            > call d1
              called p1 A002 -> d1 (alice)
            > start p1
              serving p1 A002
            > finish p1
              done p1
            > call d1
              called s1 A001 -> d1 (alice)
            > start s1
              serving s1 A001
            > finish s1
              done s1
            > call d1
              (no events)
            -- state
              d1 open alice
        "#]],
    );
}

#[test]
fn appointment_not_yet_due_ranks_standard() {
    check(
        "
        site lt
        service lt/A target=3600
        desk d1 lt A
        open d1 alice
        at 09:00; issue s1 lt/A
        at 09:01; issue a1 lt/A appointment appt=09:30
        at 09:02; issue s2 lt/A
        at 09:03; issue p1 lt/A priority
        state
        at 09:29; call d1 # p1; then a1 ranks standard, behind s1
        start p1; finish p1; call d1
        return s1 keep
        at 09:30; call d1 # due now: appointment beats the standard s1
        ",
        expect![[r#"
            > open d1 alice
              desk d1 opened by alice
            > issue s1 lt/A
              issued s1 A001 lt/A standard lang=it est=0s
            > issue a1 lt/A appointment appt=09:30
              issued a1 A002 lt/A appointment lang=it est=600s
            > issue s2 lt/A
              issued s2 A003 lt/A standard lang=it est=1800s
            > issue p1 lt/A priority
              issued p1 A004 lt/A priority lang=it est=0s
            -- state
              lt/A waiting=4 longest=180s est=7199s(5121-9277)
                p1 A004 priority queued=09:03 ahead=0 est=0s
                s1 A001 standard queued=09:00 ahead=1 est=1799s(760-2838)
                a1 A002 appointment queued=09:01 ahead=2 est=3599s(2130-5069)
                s2 A003 standard queued=09:02 ahead=3 est=5399s(3599-7199)
              d1 open alice
            > call d1
              called p1 A004 -> d1 (alice)
            > start p1
              serving p1 A004
            > finish p1
              done p1
            > call d1
              called s1 A001 -> d1 (alice)
            > return s1 keep
              returned s1 A001 keep_position=true
            > call d1
              called a1 A002 -> d1 (alice)
            -- state
              lt/A waiting=2 longest=1800s est=96s
                s1 A001 standard queued=09:00 ahead=0 est=32s
                s2 A003 standard queued=09:02 ahead=1 est=64s
              d1 open alice: a1 A002 called
        "#]],
    );
}

#[test]
fn aging_promotes_exactly_one_class_after_the_target_wait() {
    check(
        "
        site lt aging
        service lt/A target=600
        desk d1 lt A
        open d1 alice
        at 09:00; issue s1 lt/A standard
        at 09:05; issue p1 lt/A priority
        at 09:10; call d1 # s1 waited exactly the target: not aged yet
        return p1 keep
        at 09:10:01; call d1 # s1 aged to priority, and it came first
        return s1 keep
        at 09:12; issue a1 lt/A appointment
        call d1 # s1 aged one class only: below the appointment
        return a1 keep
        at 09:15:01; call d1 # p1 aged to appointment, queued before a1
        return p1 keep
        at 09:22:01; call d1 # a1 aged to urgent
        return a1 keep
        at 09:40 # s1 waited 40 minutes, still one class up only
        ",
        expect![[r#"
            > open d1 alice
              desk d1 opened by alice
            > issue s1 lt/A standard
              issued s1 A001 lt/A standard lang=it est=0s
            > issue p1 lt/A priority
              issued p1 A002 lt/A priority lang=it est=0s
            > call d1
              called p1 A002 -> d1 (alice)
            > return p1 keep
              returned p1 A002 keep_position=true
            > call d1
              called s1 A001 -> d1 (alice)
            > return s1 keep
              returned s1 A001 keep_position=true
            > issue a1 lt/A appointment
              issued a1 A003 lt/A appointment lang=it est=301s
            > call d1
              called a1 A003 -> d1 (alice)
            > return a1 keep
              returned a1 A003 keep_position=true
            > call d1
              called p1 A002 -> d1 (alice)
            > return p1 keep
              returned p1 A002 keep_position=true
            > call d1
              called a1 A003 -> d1 (alice)
            > return a1 keep
              returned a1 A003 keep_position=true
            -- state
              lt/A waiting=3 longest=2400s est=4389s(2441-6336)
                a1 A003 appointment queued=09:12 ahead=0 est=264s
                p1 A002 priority queued=09:05 ahead=1 est=864s(0-1728)
                s1 A001 standard queued=09:00 ahead=2 est=2701s(1173-4228)
              d1 open alice
        "#]],
    );
}

#[test]
fn no_aging_where_the_site_does_not_enable_it() {
    check(
        "
        site lt
        service lt/A target=60
        desk d1 lt A
        open d1 alice
        at 09:00; issue s1 lt/A
        at 11:00; issue p1 lt/A priority
        call d1
        ",
        expect![[r#"
            > open d1 alice
              desk d1 opened by alice
            > issue s1 lt/A
              issued s1 A001 lt/A standard lang=it est=0s
            > issue p1 lt/A priority
              issued p1 A002 lt/A priority lang=it est=0s
            > call d1
              called p1 A002 -> d1 (alice)
            -- state
              lt/A waiting=1 longest=7200s est=1440s(510-2369)
                s1 A001 standard queued=09:00 ahead=0 est=720s(63-1377)
              d1 open alice: p1 A002 called
        "#]],
    );
}

#[test]
fn fifo_within_a_class() {
    check(
        "
        site lt
        service lt/A
        desk d1 lt A
        open d1 alice
        at 09:00; issue t3 lt/A
        at 09:01; issue t1 lt/A
        at 09:02; issue t2 lt/A
        at 09:02; issue t0 lt/A # same second: the id breaks the tie
        call d1; start t3; finish t3
        call d1; start t1; finish t1
        call d1; start t0; finish t0
        call d1
        ",
        expect![[r#"
            > open d1 alice
              desk d1 opened by alice
            > issue t3 lt/A
              issued t3 A001 lt/A standard lang=it est=0s
            > issue t1 lt/A
              issued t1 A002 lt/A standard lang=it est=600s
            > issue t2 lt/A
              issued t2 A003 lt/A standard lang=it est=1200s
            > issue t0 lt/A
              issued t0 A004 lt/A standard lang=it est=1200s
            > call d1
              called t3 A001 -> d1 (alice)
            > start t3
              serving t3 A001
            > finish t3
              done t3
            > call d1
              called t1 A002 -> d1 (alice)
            > start t1
              serving t1 A002
            > finish t1
              done t1
            > call d1
              called t0 A004 -> d1 (alice)
            > start t0
              serving t0 A004
            > finish t0
              done t0
            > call d1
              called t2 A003 -> d1 (alice)
            -- state
              d1 open alice: t2 A003 called
        "#]],
    );
}

#[test]
fn desk_service_order_within_a_class() {
    check(
        "
        site lt
        service lt/A; service lt/B
        desk d1 lt B,A
        desk d2 lt A,B
        open d1 alice; open d2 bob
        at 09:00; issue a1 lt/A
        at 09:01; issue b1 lt/B
        at 09:02; issue a2 lt/A priority
        call d1 # class first: a2
        start a2; finish a2
        call d1 # then its own order of services: B before the earlier a1
        call d2
        ",
        expect![[r#"
            > open d1 alice
              desk d1 opened by alice
            > open d2 bob
              desk d2 opened by bob
            > issue a1 lt/A
              issued a1 A001 lt/A standard lang=it est=0s
            > issue b1 lt/B
              issued b1 B001 lt/B standard lang=it est=0s
            > issue a2 lt/A priority
              issued a2 A002 lt/A priority lang=it est=0s
            > call d1
              called a2 A002 -> d1 (alice)
            > start a2
              serving a2 A002
            > finish a2
              done a2
            > call d1
              called b1 B001 -> d1 (alice)
            > call d2
              called a1 A001 -> d2 (bob)
            -- state
              d1 open alice: b1 B001 called
              d2 open bob: a1 A001 called
        "#]],
    );
}

#[test]
fn transfer_keep_position_true_and_false() {
    check(
        "
        site lt
        service lt/A; service lt/B
        desk d1 lt A; desk d2 lt B
        open d1 alice
        at 09:00; issue a1 lt/A; issue a2 lt/A
        at 09:10; issue b1 lt/B
        at 09:20; issue b2 lt/B
        at 09:30; call d1; start a1
        transfer a1 service=B keep # keeps 09:00: first in B
        call d1; start a2
        transfer a2 service=B # queues at 09:30: last in B
        position a1; position b1; position a2
        open d2 bob
        call d2; start a1; finish a1
        call d2; start b1; finish b1
        call d2; start b2; finish b2
        call d2
        ",
        expect![[r#"
            > open d1 alice
              desk d1 opened by alice
            > issue a1 lt/A
              issued a1 A001 lt/A standard lang=it est=0s
            > issue a2 lt/A
              issued a2 A002 lt/A standard lang=it est=600s
            > issue b1 lt/B
              issued b1 B001 lt/B standard lang=it est=none
            > issue b2 lt/B
              issued b2 B002 lt/B standard lang=it est=none
            > call d1
              called a1 A001 -> d1 (alice)
            > start a1
              serving a1 A001
            > transfer a1 service=B keep
              transferred a1 A001 A->B keep_position=true
            > call d1
              called a2 A002 -> d1 (alice)
            > start a2
              serving a2 A002
            > transfer a2 service=B
              transferred a2 A002 A->B keep_position=false
            > position a1
              people_ahead=0 estimated_wait=none
            > position b1
              people_ahead=1 estimated_wait=none
            > position a2
              people_ahead=3 estimated_wait=none
            > open d2 bob
              desk d2 opened by bob
            > call d2
              called a1 A001 -> d2 (bob)
            > start a1
              serving a1 A001
            > finish a1
              done a1
            > call d2
              called b1 B001 -> d2 (bob)
            > start b1
              serving b1 B001
            > finish b1
              done b1
            > call d2
              called b2 B002 -> d2 (bob)
            > start b2
              serving b2 B002
            > finish b2
              done b2
            > call d2
              called a2 A002 -> d2 (bob)
            -- state
              d1 open alice
              d2 open bob: a2 A002 called
        "#]],
    );
}

#[test]
fn transfer_to_a_desk_waits_only_for_it_until_the_fallback() {
    check(
        "
        site lt fallback=600
        service lt/A; service lt/B
        desk d1 lt A,B; desk d2 lt B; desk d3 lt B
        open d1 alice; open d3 carol
        at 09:00; issue a1 lt/A
        at 09:05; issue b1 lt/B
        call d1; start a1
        transfer a1 desk=d2 keep # d2 serves B only: the ticket goes to B, for d2
        state
        call d3 # a1 is d2's; d3 takes b1
        at 09:14; open d2 bob
        call d2
        ",
        expect![[r#"
            > open d1 alice
              desk d1 opened by alice
            > open d3 carol
              desk d3 opened by carol
            > issue a1 lt/A
              issued a1 A001 lt/A standard lang=it est=0s
            > issue b1 lt/B
              issued b1 B001 lt/B standard lang=it est=0s
            > call d1
              called a1 A001 -> d1 (alice)
            > start a1
              serving a1 A001
            > transfer a1 desk=d2 keep
              transferred a1 A001 A->B desk=d2 keep_position=true
            -- state
              lt/B waiting=2 longest=300s est=600s(0-1200)
                a1 A001 standard queued=09:00 for=d2 ahead=0 est=300s
                b1 B001 standard queued=09:05 ahead=1 est=300s
              d1 open alice
              d2 closed
              d3 open carol
            > call d3
              called b1 B001 -> d3 (carol)
            > open d2 bob
              desk d2 opened by bob
            > call d2
              called a1 A001 -> d2 (bob)
            -- state
              d1 open alice
              d2 open bob: a1 A001 called
              d3 open carol: b1 B001 called
        "#]],
    );
}

#[test]
fn transfer_to_a_desk_falls_back_to_the_service_queue() {
    check(
        "
        site lt fallback=600
        service lt/A; service lt/B
        desk d1 lt A,B; desk d2 lt B
        open d1 alice
        at 09:00; issue a1 lt/A
        call d1; start a1
        at 09:05; transfer a1 desk=d2 keep
        call d1
        at 09:14:59; call d1
        at 09:15; call d1 # the fallback elapsed: anyone serving B
        ",
        expect![[r#"
            > open d1 alice
              desk d1 opened by alice
            > issue a1 lt/A
              issued a1 A001 lt/A standard lang=it est=0s
            > call d1
              called a1 A001 -> d1 (alice)
            > start a1
              serving a1 A001
            > transfer a1 desk=d2 keep
              transferred a1 A001 A->B desk=d2 keep_position=true
            > call d1
              (no events)
            > call d1
              (no events)
            > call d1
              called a1 A001 -> d1 (alice)
            -- state
              d1 open alice: a1 A001 called
              d2 closed
        "#]],
    );
}

#[test]
fn transfer_to_a_staff_member_follows_them_to_any_desk() {
    check(
        "
        site lt fallback=900
        service lt/A; service lt/B
        desk d1 lt A; desk d2 lt A,B; desk d3 lt A,B
        open d1 alice; open d2 carol
        at 09:00; issue a1 lt/A; issue a2 lt/A priority
        call d1 # a2, priority
        start a2; transfer a2 service=A staff=bob keep
        call d2 # a2 waits for bob although it ranks first
        at 09:05; open d3 bob
        call d3
        ",
        expect![[r#"
            > open d1 alice
              desk d1 opened by alice
            > open d2 carol
              desk d2 opened by carol
            > issue a1 lt/A
              issued a1 A001 lt/A standard lang=it est=0s
            > issue a2 lt/A priority
              issued a2 A002 lt/A priority lang=it est=0s
            > call d1
              called a2 A002 -> d1 (alice)
            > start a2
              serving a2 A002
            > transfer a2 service=A staff=bob keep
              transferred a2 A002 A->A staff=bob keep_position=true
            > call d2
              called a1 A001 -> d2 (carol)
            > open d3 bob
              desk d3 opened by bob
            > call d3
              called a2 A002 -> d3 (bob)
            -- state
              d1 open alice
              d2 open carol: a1 A001 called
              d3 open bob: a2 A002 called
        "#]],
    );
}

#[test]
fn reserved_ticket_ranks_first_within_its_class_at_its_desk() {
    check(
        "
        site lt fallback=600
        service lt/A
        desk d1 lt A; desk d2 lt A
        open d1 alice; open d2 bob
        at 09:00; issue a1 lt/A; issue a2 lt/A; issue a3 lt/A; issue u1 lt/A urgent
        at 09:10; call d1; transfer u1 desk=d2
        call d1; transfer a1 desk=d2 # queued 09:10 now, but d2's
        call d2 # urgent first, then reservation
        start u1; finish u1; call d2
        ",
        expect![[r#"
            > open d1 alice
              desk d1 opened by alice
            > open d2 bob
              desk d2 opened by bob
            > issue a1 lt/A
              issued a1 A001 lt/A standard lang=it est=0s
            > issue a2 lt/A
              issued a2 A002 lt/A standard lang=it est=0s
            > issue a3 lt/A
              issued a3 A003 lt/A standard lang=it est=300s
            > issue u1 lt/A urgent
              issued u1 A004 lt/A urgent lang=it est=0s
            > call d1
              called u1 A004 -> d1 (alice)
            > transfer u1 desk=d2
              transferred u1 A004 A->A desk=d2 keep_position=false
            > call d1
              called a1 A001 -> d1 (alice)
            > transfer a1 desk=d2
              transferred a1 A001 A->A desk=d2 keep_position=false
            > call d2
              called u1 A004 -> d2 (bob)
            > start u1
              serving u1 A004
            > finish u1
              done u1
            > call d2
              called a1 A001 -> d2 (bob)
            -- state
              lt/A waiting=2 longest=600s est=328s(106-551)
                a2 A002 standard queued=09:00 ahead=0 est=300s
                a3 A003 standard queued=09:00 ahead=1 est=164s(7-321)
              d1 open alice
              d2 open bob: a1 A001 called
        "#]],
    );
}

#[test]
fn mediator_ticket_is_left_for_a_desk_that_speaks_the_language() {
    check(
        "
        site lt
        service lt/A target=900
        desk d1 lt A; desk d2 lt A
        open d1 alice langs=it
        at 09:00; issue m1 lt/A lang=ar needs=mediator:ar
        at 09:01; issue s1 lt/A
        open d2 karim langs=it,ar
        call d1 # m1 is left for d2
        call d2
        ",
        expect![[r#"
            > open d1 alice langs=it
              desk d1 opened by alice langs=it
            > issue m1 lt/A lang=ar needs=mediator:ar
              issued m1 A001 lt/A standard lang=ar needs=mediator:ar est=0s
            > issue s1 lt/A
              issued s1 A002 lt/A standard lang=it est=600s
            > open d2 karim langs=it,ar
              desk d2 opened by karim langs=it,ar
            > call d1
              called s1 A002 -> d1 (alice)
            > call d2
              called m1 A001 -> d2 (karim)
            -- state
              d1 open alice langs=it: s1 A002 called
              d2 open karim langs=it,ar: m1 A001 called
        "#]],
    );
}

#[test]
fn mediator_ticket_is_taken_by_others_when_no_such_desk_is_open() {
    check(
        "
        site lt
        service lt/A target=900
        desk d1 lt A; desk d2 lt A; desk d3 lt B
        service lt/B
        open d1 alice langs=it
        open d3 karim langs=ar # open, speaks ar, but does not serve A
        at 09:00; issue m1 lt/A lang=ar needs=mediator:ar
        at 09:01; issue s1 lt/A
        call d1
        ",
        expect![[r#"
            > open d1 alice langs=it
              desk d1 opened by alice langs=it
            > open d3 karim langs=ar
              desk d3 opened by karim langs=ar
            > issue m1 lt/A lang=ar needs=mediator:ar
              issued m1 A001 lt/A standard lang=ar needs=mediator:ar est=0s
            > issue s1 lt/A
              issued s1 A002 lt/A standard lang=it est=600s
            > call d1
              called m1 A001 -> d1 (alice)
            -- state
              lt/A waiting=1 longest=0s est=1320s(387-2253)
                s1 A002 standard queued=09:01 ahead=0 est=660s(0-1320)
              d1 open alice langs=it: m1 A001 called
              d2 closed
              d3 open karim langs=ar
        "#]],
    );
}

#[test]
fn mediator_preference_ends_once_the_ticket_waited_past_its_target() {
    check(
        "
        site lt
        service lt/A target=600
        desk d1 lt A; desk d2 lt A
        at 08:59; issue s0 lt/A
        open d1 alice langs=it
        open d2 karim langs=ar
        at 09:00; issue m1 lt/A needs=mediator:ar
        at 09:01; issue s1 lt/A
        call d2; start s0 # karim is busy
        at 09:10; call d1 # m1 still waits for karim
        start s1; finish s1
        at 09:10:01; call d1 # m1 waited past 600s: anyone
        ",
        expect![[r#"
            > issue s0 lt/A
              issued s0 A001 lt/A standard lang=it est=none
            > open d1 alice langs=it
              desk d1 opened by alice langs=it
            > open d2 karim langs=ar
              desk d2 opened by karim langs=ar
            > issue m1 lt/A needs=mediator:ar
              issued m1 A002 lt/A standard lang=it needs=mediator:ar est=0s
            > issue s1 lt/A
              issued s1 A003 lt/A standard lang=it est=300s
            > call d2
              called s0 A001 -> d2 (karim)
            > start s0
              serving s0 A001
            > call d1
              called s1 A003 -> d1 (alice)
            > start s1
              serving s1 A003
            > finish s1
              done s1
            > call d1
              called m1 A002 -> d1 (alice)
            -- state
              d1 open alice langs=it: m1 A002 called
              d2 open karim langs=ar: s0 A001 serving
        "#]],
    );
}

#[test]
fn mediator_desk_whose_staff_may_not_serve_the_service_does_not_hold_tickets_back() {
    // karim speaks ar but, by role, cannot serve B: the ticket must not wait for him.
    check(
        "
        site lt
        service lt/B target=900 roles=legal
        desk d1 lt B; desk d2 lt B
        open d1 lucia roles=legal langs=it
        open d2 karim roles=mediator langs=ar
        at 09:00; issue m1 lt/B needs=mediator:ar
        call d2
        call d1
        ",
        expect![[r#"
            > open d1 lucia roles=legal langs=it
              desk d1 opened by lucia langs=it roles=legal
            > open d2 karim roles=mediator langs=ar
              desk d2 opened by karim langs=ar roles=mediator
            > issue m1 lt/B needs=mediator:ar
              issued m1 B001 lt/B standard lang=it needs=mediator:ar est=0s
            > call d2
              (no events)
            > call d1
              called m1 B001 -> d1 (lucia)
            -- state
              d1 open lucia langs=it: m1 B001 called
              d2 open karim langs=ar
        "#]],
    );
}

#[test]
fn held_mediator_ticket_comes_back_to_its_desk() {
    // m1 was being served at d1 (karim was busy); parked, it is reserved for d1 and must
    // not be held back for karim's desk, which may not call it either.
    check(
        "
        site lt fallback=600
        service lt/A target=900
        desk d1 lt A; desk d2 lt A
        open d1 alice langs=it
        at 09:00; issue m1 lt/A needs=mediator:ar
        call d1; start m1; hold m1
        open d2 karim langs=ar
        at 09:02; return m1
        call d2
        call d1
        ",
        expect![[r#"
            > open d1 alice langs=it
              desk d1 opened by alice langs=it
            > issue m1 lt/A needs=mediator:ar
              issued m1 A001 lt/A standard lang=it needs=mediator:ar est=0s
            > call d1
              called m1 A001 -> d1 (alice)
            > start m1
              serving m1 A001
            > hold m1
              on_hold m1 A001
            > open d2 karim langs=ar
              desk d2 opened by karim langs=ar
            > return m1
              returned m1 A001 keep_position=true for_desk=d1
            > call d2
              (no events)
            > call d1
              called m1 A001 -> d1 (alice)
            -- state
              d1 open alice langs=it: m1 A001 called
              d2 open karim langs=ar
        "#]],
    );
}

#[test]
fn out_of_order_call_where_the_site_allows_it() {
    check(
        "
        site lt out_of_order fallback=600
        service lt/A; service lt/B
        desk d1 lt A; desk d2 lt A
        open d1 alice; open d2 bob
        at 09:00; issue a1 lt/A; issue a2 lt/A; issue a3 lt/A
        issue b1 lt/B
        call d1 a3
        call d2 a1 # the policy's own pick: not out of order
        start a1; transfer a1 desk=d1 keep
        call d2 a1 # reserved for d1
        call d2 b1 # d2 does not serve B
        call d2 a3 # already called
        call d2 zz
        ",
        expect![[r#"
            > open d1 alice
              desk d1 opened by alice
            > open d2 bob
              desk d2 opened by bob
            > issue a1 lt/A
              issued a1 A001 lt/A standard lang=it est=0s
            > issue a2 lt/A
              issued a2 A002 lt/A standard lang=it est=0s
            > issue a3 lt/A
              issued a3 A003 lt/A standard lang=it est=300s
            > issue b1 lt/B
              issued b1 B001 lt/B standard lang=it est=none
            > call d1 a3
              called a3 A003 -> d1 (alice) out of order
            > call d2 a1
              called a1 A001 -> d2 (bob)
            > start a1
              serving a1 A001
            > transfer a1 desk=d1 keep
              transferred a1 A001 A->A desk=d1 keep_position=true
            > call d2 a1
              error reserved_elsewhere: ticket A001 is reserved for another desk or colleague
            > call d2 b1
              error desk_does_not_serve: desk 'd2' does not serve 'B'
            > call d2 a3
              error illegal_transition: ticket A003 is called; it cannot become called
            > call d2 zz
              error unknown_ticket: unknown ticket 'zz'
            -- state
              lt/A waiting=2 longest=0s est=600s(176-1024)
                a1 A001 standard queued=09:00 for=d1 ahead=0 est=0s
                a2 A002 standard queued=09:00 ahead=1 est=300s(0-600)
              lt/B waiting=1 longest=0s est=none
                b1 B001 standard queued=09:00 ahead=0 est=none
              d1 open alice: a3 A003 called
              d2 open bob
        "#]],
    );
}

#[test]
fn out_of_order_call_refused_by_site_policy() {
    check(
        "
        site gr
        service gr/A
        desk g1 gr A
        open g1 alice
        issue a1 gr/A; issue a2 gr/A
        call g1 a2
        call g1
        ",
        expect![[r#"
            > open g1 alice
              desk g1 opened by alice
            > issue a1 gr/A
              issued a1 A001 gr/A standard lang=it est=0s
            > issue a2 gr/A
              issued a2 A002 gr/A standard lang=it est=600s
            > call g1 a2
              error out_of_order_not_allowed: this site does not allow calling a ticket out of order
            > call g1
              called a1 A001 -> g1 (alice)
            -- state
              gr/A waiting=1 longest=0s est=1200s(351-2049)
                a2 A002 standard queued=09:00 ahead=0 est=600s(0-1200)
              g1 open alice: a1 A001 called
        "#]],
    );
}

#[test]
fn professional_roles() {
    check(
        "
        site lt
        service lt/S; service lt/L roles=legal,lawyer
        desk d1 lt L,S; desk d2 lt L,S; desk d3 lt L
        open d1 sara roles=social
        open d2 luca roles=legal
        open d3 anna # no declared role: serves what the desk serves
        at 09:00; issue l1 lt/L; issue l2 lt/L; issue l3 lt/L
        at 09:01; issue s1 lt/S
        call d1 # not L: its S ticket
        call d2
        call d3
        start s1; finish s1
        call d1 # only L tickets wait
        queues lt # sara does not count for L
        ",
        expect![[r#"
            > open d1 sara roles=social
              desk d1 opened by sara roles=social
            > open d2 luca roles=legal
              desk d2 opened by luca roles=legal
            > open d3 anna
              desk d3 opened by anna
            > issue l1 lt/L
              issued l1 L001 lt/L standard lang=it est=0s
            > issue l2 lt/L
              issued l2 L002 lt/L standard lang=it est=0s
            > issue l3 lt/L
              issued l3 L003 lt/L standard lang=it est=300s
            > issue s1 lt/S
              issued s1 S001 lt/S standard lang=it est=0s
            > call d1
              called s1 S001 -> d1 (sara)
            > call d2
              called l1 L001 -> d2 (luca)
            > call d3
              called l2 L002 -> d3 (anna)
            > start s1
              serving s1 S001
            > finish s1
              done s1
            > call d1
              (no events)
            > queues lt
              L waiting=1 longest=60s est=660s(193-1127) open_desks=2
              S waiting=0 longest=0s est=60s open_desks=2
            -- state
              lt/L waiting=1 longest=60s est=660s(193-1127)
                l3 L003 standard queued=09:00 ahead=0 est=330s(0-660)
              d1 open sara
              d2 open luca: l1 L001 called
              d3 open anna: l2 L002 called
        "#]],
    );
}

#[test]
fn queues_people_ahead_and_estimated_waits() {
    check(
        "
        site lt
        service lt/A st=300; service lt/B st=600
        desk d1 lt A; desk d2 lt A,B
        at 09:00; issue a1 lt/A
        at 09:01; issue a2 lt/A; issue b1 lt/B
        at 09:02; issue a3 lt/A priority
        queues lt
        position a1; position a2; position a3
        open d1 alice; open d2 bob
        queues lt
        position a2
        at 09:10; call d1; start a3
        at 09:14; finish a3 # 4 minutes from call to done
        queues lt
        issue a4 lt/A
        position a4; position b1; position zz
        ",
        expect![[r#"
            > issue a1 lt/A
              issued a1 A001 lt/A standard lang=it est=none
            > issue a2 lt/A
              issued a2 A002 lt/A standard lang=it est=none
            > issue b1 lt/B
              issued b1 B001 lt/B standard lang=it est=none
            > issue a3 lt/A priority
              issued a3 A003 lt/A priority lang=it est=none
            > queues lt
              A waiting=3 longest=120s est=none open_desks=0
              B waiting=1 longest=60s est=none open_desks=0
            > position a1
              people_ahead=1 estimated_wait=none
            > position a2
              people_ahead=2 estimated_wait=none
            > position a3
              people_ahead=0 estimated_wait=none
            > open d1 alice
              desk d1 opened by alice
            > open d2 bob
              desk d2 opened by bob
            > queues lt
              A waiting=3 longest=120s est=327s(106-549) open_desks=2
              B waiting=1 longest=60s est=2200s(1069-3331) open_desks=1
            > position a2
              people_ahead=2 estimated_wait=164s(7-320)
            > call d1
              called a3 A003 -> d1 (alice)
            > start a3
              serving a3 A003
            > finish a3
              done a3
            > queues lt
              A waiting=2 longest=840s est=450s(47-852) open_desks=2
              B waiting=1 longest=780s est=7200s(3382-11018) open_desks=1
            > issue a4 lt/A
              issued a4 A004 lt/A standard lang=it est=450s
            > position a4
              people_ahead=2 estimated_wait=450s(47-852)
            > position b1
              people_ahead=0 estimated_wait=10800s(5400-16200)
            > position zz
              people_ahead=0 estimated_wait=0s
            -- state
              lt/A waiting=3 longest=840s est=900s(331-1469)
                a1 A001 standard queued=09:00 ahead=0 est=480s
                a2 A002 standard queued=09:01 ahead=1 est=480s
                a4 A004 standard queued=09:14 ahead=2 est=450s(47-852)
              lt/B waiting=1 longest=780s est=16200s(8563-23837)
                b1 B001 standard queued=09:01 ahead=0 est=10800s(5400-16200)
              d1 open alice
              d2 open bob
        "#]],
    );
}

#[test]
fn transfer_destinations() {
    check(
        "
        site lt fallback=600
        service lt/A; service lt/B; service lt/C
        desk d1 lt A; desk d2 lt C,B; desk d3 lt A,B
        open d1 alice
        at 09:00; issue a1 lt/A
        call d1
        transfer a1 service=B desk=d1 # d1 does not serve B
        transfer a1 desk=d2 # d2 does not serve A: its first service, C
        call d1
        open d2 bob; call d2; start a1
        transfer a1 desk=d3 keep # d3 does not serve C: its first service, A
        ",
        expect![[r#"
            > open d1 alice
              desk d1 opened by alice
            > issue a1 lt/A
              issued a1 A001 lt/A standard lang=it est=0s
            > call d1
              called a1 A001 -> d1 (alice)
            > transfer a1 service=B desk=d1
              error desk_does_not_serve: desk 'd1' does not serve 'B'
            > transfer a1 desk=d2
              transferred a1 A001 A->C desk=d2 keep_position=false
            > call d1
              (no events)
            > open d2 bob
              desk d2 opened by bob
            > call d2
              called a1 A001 -> d2 (bob)
            > start a1
              serving a1 A001
            > transfer a1 desk=d3 keep
              transferred a1 A001 C->A desk=d3 keep_position=true
            -- state
              lt/A waiting=1 longest=0s est=600s(0-1200)
                a1 A001 standard queued=09:00 for=d3 ahead=0 est=0s
              d1 open alice
              d2 open bob
              d3 closed
        "#]],
    );
}

#[test]
fn paused_mediator_desk_does_not_hold_tickets_back() {
    check(
        "
        site lt
        service lt/A
        desk d1 lt A; desk d2 lt A
        open d1 alice; open d2 karim langs=ar
        at 09:00; issue m1 lt/A needs=mediator:ar
        call d1
        pause d2
        call d1
        ",
        expect![[r#"
            > open d1 alice
              desk d1 opened by alice
            > open d2 karim langs=ar
              desk d2 opened by karim langs=ar
            > issue m1 lt/A needs=mediator:ar
              issued m1 A001 lt/A standard lang=it needs=mediator:ar est=0s
            > call d1
              (no events)
            > pause d2
              desk d2 paused
            > call d1
              called m1 A001 -> d1 (alice)
            -- state
              d1 open alice: m1 A001 called
              d2 paused karim langs=ar
        "#]],
    );
}

/// Issue 19: people ahead agree with the engine for reserved tickets. A ticket held and resumed
/// (reserved for its desk) goes first in its class there: nobody of its class is ahead of it, while
/// it is ahead of everybody of its class; a ticket reserved for another desk does not count before a
/// reserved one; once the reservation ends, it ranks by queue time again.
#[test]
fn people_ahead_of_reserved_tickets() {
    check(
        "
        site lt fallback=600
        service lt/A
        desk d1 lt A; desk d2 lt A
        at 09:00; issue t1 lt/A
        at 09:01; issue t2 lt/A; issue t3 lt/A; issue t4 lt/A urgent
        at 09:02; issue t5 lt/A; issue t6 lt/A
        open d1 alice; open d2 bob
        call d1; call d2 # t4 (urgent) to d1, t1 to d2
        hold t1; return t1 # back, for d2, keeping 09:00
        finish t4 as=alice@lt; start t4; finish t4
        call d1 # t2: t1 is d2's
        transfer t2 desk=d1 keep # back to d1, reserved, 09:01
        position t1
        position t2
        position t3
        position t5
        order d1
        order d2
        +11m
        position t1
        position t2
        position t3
        order d1
        ",
        expect![[r#"
            > issue t1 lt/A
              issued t1 A001 lt/A standard lang=it est=none
            > issue t2 lt/A
              issued t2 A002 lt/A standard lang=it est=none
            > issue t3 lt/A
              issued t3 A003 lt/A standard lang=it est=none
            > issue t4 lt/A urgent
              issued t4 A004 lt/A urgent lang=it est=none
            > issue t5 lt/A
              issued t5 A005 lt/A standard lang=it est=none
            > issue t6 lt/A
              issued t6 A006 lt/A standard lang=it est=none
            > open d1 alice
              desk d1 opened by alice
            > open d2 bob
              desk d2 opened by bob
            > call d1
              called t4 A004 -> d1 (alice)
            > call d2
              called t1 A001 -> d2 (bob)
            > hold t1
              on_hold t1 A001
            > return t1
              returned t1 A001 keep_position=true for_desk=d2
            > finish t4 as=alice@lt
              error illegal_transition: ticket A004 is called; it cannot become done
            > start t4
              serving t4 A004
            > finish t4
              done t4
            > call d1
              called t2 A002 -> d1 (alice)
            > transfer t2 desk=d1 keep
              transferred t2 A002 A->A desk=d1 keep_position=true
            > position t1
              people_ahead=0 estimated_wait=0s
            > position t2
              people_ahead=0 estimated_wait=0s
            > position t3
              people_ahead=2 estimated_wait=1s
            > position t5
              people_ahead=3 estimated_wait=1s
            > order d1
              t2 A002 standard [reserved_for_desk]
              t3 A003 standard
              t5 A005 standard
              t6 A006 standard
              t1 A001 standard (not here) [reserved_elsewhere]
            > order d2
              t1 A001 standard [reserved_for_desk]
              t3 A003 standard
              t5 A005 standard
              t6 A006 standard
              t2 A002 standard (not here) [reserved_elsewhere]
            > position t1
              people_ahead=0 estimated_wait=0s
            > position t2
              people_ahead=1 estimated_wait=0s
            > position t3
              people_ahead=2 estimated_wait=1s
            > order d1
              t2 A002 standard
              t1 A001 standard
              t3 A003 standard
              t5 A005 standard
              t6 A006 standard
            -- state
              lt/A waiting=5 longest=780s est=2s
                t1 A001 standard queued=09:00 for=d2 ahead=0 est=0s
                t2 A002 standard queued=09:01 for=d1 ahead=1 est=0s
                t3 A003 standard queued=09:01 ahead=2 est=1s
                t5 A005 standard queued=09:02 ahead=3 est=1s
                t6 A006 standard queued=09:02 ahead=4 est=2s
              d1 open alice
              d2 open bob
        "#]],
    );
}

/// Issue 19: the desk page lists the waiting tickets in the order Call next takes them, with why:
/// urgent, appointments due, priority groups, waited past target (aging), reserved for this desk
/// or for you; tickets it may not call now come last (reserved elsewhere, left for a mediator).
#[test]
fn call_order_with_reasons() {
    check(
        "
        site lt aging fallback=600
        service lt/A target=600; service lt/B target=600
        desk d1 lt A,B; desk d2 lt A; desk d3 lt A
        at 09:00; issue t1 lt/A
        at 09:09; issue t2 lt/A priority; issue t3 lt/B; issue t4 lt/A appointment appt=09:30
        issue t5 lt/A needs=mediator:ar; issue t6 lt/A urgent
        issue t7 lt/A appointment appt=09:05
        open d1 alice; open d2 bob langs=ar; open d3 carol
        call d3; transfer t6 desk=d1 keep
        call d3; start t7; transfer t7 staff=bob keep
        +2m
        order d1
        order d2
        call d1; call d1
        ",
        expect![[r#"
            > issue t1 lt/A
              issued t1 A001 lt/A standard lang=it est=none
            > issue t2 lt/A priority
              issued t2 A002 lt/A priority lang=it est=none
            > issue t3 lt/B
              issued t3 B001 lt/B standard lang=it est=none
            > issue t4 lt/A appointment appt=09:30
              issued t4 A003 lt/A appointment lang=it est=none
            > issue t5 lt/A needs=mediator:ar
              issued t5 A004 lt/A standard lang=it needs=mediator:ar est=none
            > issue t6 lt/A urgent
              issued t6 A005 lt/A urgent lang=it est=none
            > issue t7 lt/A appointment appt=09:05
              issued t7 A006 lt/A appointment lang=it est=none
            > open d1 alice
              desk d1 opened by alice
            > open d2 bob langs=ar
              desk d2 opened by bob langs=ar
            > open d3 carol
              desk d3 opened by carol
            > call d3
              called t6 A005 -> d3 (carol)
            > transfer t6 desk=d1 keep
              transferred t6 A005 A->A desk=d1 keep_position=true
            > call d3
              called t7 A006 -> d3 (carol)
            > start t7
              serving t7 A006
            > transfer t7 staff=bob keep
              transferred t7 A006 A->A staff=bob keep_position=true
            > order d1
              t6 A005 urgent [urgent,reserved_for_desk]
              t1 A001 priority [waited_past_target]
              t2 A002 priority [priority_group]
              t4 A003 standard [appointment_later]
              t3 B001 standard
              t7 A006 appointment (not here) [appointment,reserved_elsewhere]
              t5 A004 standard (not here) [mediator_elsewhere]
            > order d2
              t7 A006 appointment [appointment,reserved_for_you]
              t1 A001 priority [waited_past_target]
              t2 A002 priority [priority_group]
              t4 A003 standard [appointment_later]
              t5 A004 standard
              t6 A005 urgent (not here) [urgent,reserved_elsewhere]
            > call d1
              called t6 A005 -> d1 (alice)
            > call d1
              error desk_busy: desk 'd1' already holds ticket A005: finish, return or hold it first
            -- state
              lt/A waiting=5 longest=660s est=1434s(881-1987)
                t7 A006 appointment queued=09:09 for=bob ahead=0 est=40s
                t1 A001 standard queued=09:00 ahead=1 est=40s
                t2 A002 priority queued=09:09 ahead=2 est=331s(65-596)
                t4 A003 appointment queued=09:09 ahead=3 est=750s(350-1150)
                t5 A004 standard queued=09:09 ahead=4 est=1081s(601-1562)
              lt/B waiting=1 longest=120s est=8123s(4990-11256)
                t3 B001 standard queued=09:09 ahead=0 est=5908s(3692-8123)
              d1 open alice: t6 A005 called
              d2 open bob langs=ar
              d3 open carol
        "#]],
    );
}

/// Issue 16: the walk-in guard (routing rule 2a). With `guard=2`, after two appointment calls in a
/// row the desk calls a walk-in past its target before the next due appointment; the count starts
/// again after it. An urgent ticket ahead of the appointments is called as ever (and is not an
/// appointment call); a walk-in not yet past its target is not jumped ahead.
#[test]
fn walk_in_guard_after_n_appointment_calls_in_a_row() {
    check(
        "
        site lt aging guard=2
        service lt/A target=1800
        desk d1 lt A
        at 08:30; open d1 alice; issue w1 lt/A; issue w2 lt/A
        at 09:05; issue a1 lt/A appointment appt=09:10; issue a2 lt/A appointment appt=09:10
        issue a3 lt/A appointment appt=09:10; issue a4 lt/A appointment appt=09:10
        issue a5 lt/A appointment appt=09:10
        at 09:20; call d1; start a1; finish a1
        call d1; start a2; finish a2
        order d1
        issue u1 lt/A urgent
        call d1 # urgent first: the guard only ever jumps appointments
        start u1; finish u1
        call d1; start a3; finish a3
        call d1; start a4; finish a4
        state
        call d1 # the guard: w1, past its target, before a5
        start w1; finish w1
        call d1; start a5; finish a5
        issue w3 lt/A; issue a6 lt/A appointment appt=09:20; issue a7 lt/A appointment appt=09:20
        call d1; start a6; finish a6
        call d1 # w2 waited past its target (the guard is due again, for one call)
        start w2; finish w2
        call d1 # a7: w3 has not waited past its target
        state
        ",
        expect![[r#"
            > open d1 alice
              desk d1 opened by alice
            > issue w1 lt/A
              issued w1 A001 lt/A standard lang=it est=0s
            > issue w2 lt/A
              issued w2 A002 lt/A standard lang=it est=600s
            > issue a1 lt/A appointment appt=09:10
              issued a1 A003 lt/A appointment lang=it est=1200s
            > issue a2 lt/A appointment appt=09:10
              issued a2 A004 lt/A appointment lang=it est=2520s
            > issue a3 lt/A appointment appt=09:10
              issued a3 A005 lt/A appointment lang=it est=5600s
            > issue a4 lt/A appointment appt=09:10
              issued a4 A006 lt/A appointment lang=it est=14998s
            > issue a5 lt/A appointment appt=09:10
              issued a5 A007 lt/A appointment lang=it est=17998s
            > call d1
              called a1 A003 -> d1 (alice)
            > start a1
              serving a1 A003
            > finish a1
              done a1
            > call d1
              called a2 A004 -> d1 (alice)
            > start a2
              serving a2 A004
            > finish a2
              done a2
            > order d1
              w1 A001 priority [waited_past_target,walk_in_guard]
              a3 A005 appointment [appointment]
              a4 A006 appointment [appointment]
              a5 A007 appointment [appointment]
              w2 A002 priority [waited_past_target]
            > issue u1 lt/A urgent
              issued u1 A008 lt/A urgent lang=it est=0s
            > call d1
              called u1 A008 -> d1 (alice)
            > start u1
              serving u1 A008
            > finish u1
              done u1
            > call d1
              called a3 A005 -> d1 (alice)
            > start a3
              serving a3 A005
            > finish a3
              done a3
            > call d1
              called a4 A006 -> d1 (alice)
            > start a4
              serving a4 A006
            > finish a4
              done a4
            -- state
              lt/A waiting=3 longest=3000s est=3s
                a5 A007 appointment queued=09:05 ahead=0 est=0s
                w1 A001 standard queued=08:30 ahead=1 est=1s
                w2 A002 standard queued=08:30 ahead=2 est=2s
              d1 open alice appointments_in_a_row=2
            > call d1
              called w1 A001 -> d1 (alice)
            > start w1
              serving w1 A001
            > finish w1
              done w1
            > call d1
              called a5 A007 -> d1 (alice)
            > start a5
              serving a5 A007
            > finish a5
              done a5
            > issue w3 lt/A
              issued w3 A009 lt/A standard lang=it est=1s
            > issue a6 lt/A appointment appt=09:20
              issued a6 A010 lt/A appointment lang=it est=0s
            > issue a7 lt/A appointment appt=09:20
              issued a7 A011 lt/A appointment lang=it est=1s
            > call d1
              called a6 A010 -> d1 (alice)
            > start a6
              serving a6 A010
            > finish a6
              done a6
            > call d1
              called w2 A002 -> d1 (alice)
            > start w2
              serving w2 A002
            > finish w2
              done w2
            > call d1
              called a7 A011 -> d1 (alice)
            -- state
              lt/A waiting=1 longest=0s est=2s
                w3 A009 standard queued=09:20 ahead=0 est=1s
              d1 open alice appointments_in_a_row=1: a7 A011 called
            -- state
              lt/A waiting=1 longest=0s est=2s
                w3 A009 standard queued=09:20 ahead=0 est=1s
              d1 open alice appointments_in_a_row=1: a7 A011 called
        "#]],
    );
}

/// The same morning without the guard: the appointments, due and one class above the walk-ins past
/// their target, take every call until none is left.
#[test]
fn without_the_guard_appointments_go_first_until_none_is_left() {
    check(
        "
        site lt aging
        service lt/A target=1800
        desk d1 lt A
        at 08:30; open d1 alice; issue w1 lt/A
        at 09:05; issue a1 lt/A appointment appt=09:10; issue a2 lt/A appointment appt=09:10
        issue a3 lt/A appointment appt=09:10
        at 09:20; call d1; start a1; finish a1
        call d1; start a2; finish a2
        call d1; start a3; finish a3
        call d1
        ",
        expect![[r#"
            > open d1 alice
              desk d1 opened by alice
            > issue w1 lt/A
              issued w1 A001 lt/A standard lang=it est=0s
            > issue a1 lt/A appointment appt=09:10
              issued a1 A002 lt/A appointment lang=it est=600s
            > issue a2 lt/A appointment appt=09:10
              issued a2 A003 lt/A appointment lang=it est=1680s
            > issue a3 lt/A appointment appt=09:10
              issued a3 A004 lt/A appointment lang=it est=4199s
            > call d1
              called a1 A002 -> d1 (alice)
            > start a1
              serving a1 A002
            > finish a1
              done a1
            > call d1
              called a2 A003 -> d1 (alice)
            > start a2
              serving a2 A003
            > finish a2
              done a2
            > call d1
              called a3 A004 -> d1 (alice)
            > start a3
              serving a3 A004
            > finish a3
              done a3
            > call d1
              called w1 A001 -> d1 (alice)
            -- state
              d1 open alice: w1 A001 called
        "#]],
    );
}

/// The guard counts per desk, and only calls from the queue: a held appointment called back does
/// not add to the count; a walk-in called at another desk does not reset this desk's count.
#[test]
fn walk_in_guard_counts_per_desk() {
    check(
        "
        site lt aging guard=1
        service lt/A target=1800
        desk d1 lt A; desk d2 lt A
        at 08:30; open d1 alice; open d2 bob; issue w1 lt/A; issue w2 lt/A; issue w3 lt/A
        at 09:05; issue a1 lt/A appointment appt=09:10; issue a2 lt/A appointment appt=09:10
        issue a3 lt/A appointment appt=09:10
        at 09:20; call d1; start a1; hold a1
        resume a1; start a1; finish a1
        state
        call d2 # d2 has called no appointment yet: a2
        call d1 # d1 called one in a row: a walk-in past its target
        start w1; finish w1
        call d1 # the count started again: a3
        order d2
        ",
        expect![[r#"
            > open d1 alice
              desk d1 opened by alice
            > open d2 bob
              desk d2 opened by bob
            > issue w1 lt/A
              issued w1 A001 lt/A standard lang=it est=0s
            > issue w2 lt/A
              issued w2 A002 lt/A standard lang=it est=0s
            > issue w3 lt/A
              issued w3 A003 lt/A standard lang=it est=300s
            > issue a1 lt/A appointment appt=09:10
              issued a1 A004 lt/A appointment lang=it est=600s
            > issue a2 lt/A appointment appt=09:10
              issued a2 A005 lt/A appointment lang=it est=1050s
            > issue a3 lt/A appointment appt=09:10
              issued a3 A006 lt/A appointment lang=it est=1680s
            > call d1
              called a1 A004 -> d1 (alice)
            > start a1
              serving a1 A004
            > hold a1
              on_hold a1 A004
            > resume a1
              called a1 A004 -> d1 (alice)
            > start a1
              serving a1 A004
            > finish a1
              done a1
            -- state
              lt/A waiting=5 longest=3000s est=2s
                a2 A005 appointment queued=09:05 ahead=0 est=0s
                a3 A006 appointment queued=09:05 ahead=1 est=0s
                w1 A001 standard queued=08:30 ahead=2 est=1s
                w2 A002 standard queued=08:30 ahead=3 est=1s
                w3 A003 standard queued=08:30 ahead=4 est=2s
              d1 open alice appointments_in_a_row=1
              d2 open bob appointments_in_a_row=0
            > call d2
              called a2 A005 -> d2 (bob)
            > call d1
              called w1 A001 -> d1 (alice)
            > start w1
              serving w1 A001
            > finish w1
              done w1
            > call d1
              called a3 A006 -> d1 (alice)
            > order d2
              w2 A002 priority [waited_past_target]
              w3 A003 priority [waited_past_target]
            -- state
              lt/A waiting=2 longest=3000s est=2s
                w2 A002 standard queued=08:30 ahead=0 est=1s
                w3 A003 standard queued=08:30 ahead=1 est=1s
              d1 open alice appointments_in_a_row=1: a3 A006 called
              d2 open bob appointments_in_a_row=1: a2 A005 called
        "#]],
    );
}

/// The guard waits while an urgent ticket is callable at the desk: here an appointment that waited
/// past its target (promoted to the urgent class, and queued before the urgent ticket) is called
/// as ever, not jumped by the walk-in, and the urgent ticket comes next.
#[test]
fn walk_in_guard_waits_while_an_urgent_ticket_is_here() {
    check(
        "
        site lt aging guard=1
        service lt/A target=1800
        desk d1 lt A
        at 08:30; open d1 alice; issue w1 lt/A
        at 08:40; issue a1 lt/A appointment appt=08:40; issue a2 lt/A appointment appt=08:40
        at 09:15; call d1; start a1; finish a1
        issue u1 lt/A urgent
        order d1
        call d1 # a2 (urgent class by aging, before u1): the guard waits for u1
        start a2; finish a2
        call d1 # u1
        start u1; finish u1
        call d1 # w1
        ",
        expect![[r#"
            > open d1 alice
              desk d1 opened by alice
            > issue w1 lt/A
              issued w1 A001 lt/A standard lang=it est=0s
            > issue a1 lt/A appointment appt=08:40
              issued a1 A002 lt/A appointment lang=it est=0s
            > issue a2 lt/A appointment appt=08:40
              issued a2 A003 lt/A appointment lang=it est=600s
            > call d1
              called a1 A002 -> d1 (alice)
            > start a1
              serving a1 A002
            > finish a1
              done a1
            > issue u1 lt/A urgent
              issued u1 A004 lt/A urgent lang=it est=1s
            > order d1
              a2 A003 urgent [appointment,waited_past_target]
              u1 A004 urgent [urgent]
              w1 A001 priority [waited_past_target]
            > call d1
              called a2 A003 -> d1 (alice)
            > start a2
              serving a2 A003
            > finish a2
              done a2
            > call d1
              called u1 A004 -> d1 (alice)
            > start u1
              serving u1 A004
            > finish u1
              done u1
            > call d1
              called w1 A001 -> d1 (alice)
            -- state
              d1 open alice appointments_in_a_row=0: w1 A001 called
        "#]],
    );
}

// Issue 16, rule 1b: an appointment booked with a second professional is called when both are
// free. While bob serves someone, alice calls the next walk-in instead; once bob's desk is free,
// alice calls the appointment and bob is asked to join (one alert, naming alice's desk). Past its
// target wait it no longer waits for bob (bob paused), the alert still goes; bob calling it himself
// needs no alert.
#[test]
fn two_resources_are_called_together() {
    check(
        "
        site lt
        service lt/A target=1800
        desk d1 lt A
        desk d2 lt A
        open d1 alice
        open d2 bob
        at 09:00; issue w0 lt/A standard
        call d2
        at 09:10; issue w1 lt/A standard
        at 09:12; checkin a1 lt/A appointment appt=09:10 needs=with:bob
        call d1
        start w1; finish w1
        call d1
        start w0; finish w0
        call d1
        start a1; finish a1
        at 10:00; checkin a2 lt/A appointment appt=10:00 needs=with:bob
        at 10:01; issue w3 lt/A standard
        pause d2
        call d1
        start w3; finish w3
        at 10:31; call d1
        start a2; finish a2
        at 11:00; checkin a3 lt/A appointment appt=11:00 needs=with:bob
        open d2 bob
        call d2
        ",
        expect![[r#"
            > open d1 alice
              desk d1 opened by alice
            > open d2 bob
              desk d2 opened by bob
            > issue w0 lt/A standard
              issued w0 A001 lt/A standard lang=it est=0s
            > call d2
              called w0 A001 -> d2 (bob)
            > issue w1 lt/A standard
              issued w1 A002 lt/A standard lang=it est=0s
            > checkin a1 lt/A appointment appt=09:10 needs=with:bob
              issued a1 A003 lt/A appointment lang=it needs=with:bob est=0s
            > call d1
              called w1 A002 -> d1 (alice)
            > start w1
              serving w1 A002
            > finish w1
              done w1
            > call d1
              (no events)
            > start w0
              serving w0 A001
            > finish w0
              done w0
            > call d1
              called a1 A003 -> d1 (alice)
              alert join-a1-1795421520000 appointment_join from alice
            > start a1
              serving a1 A003
            > finish a1
              done a1
            > checkin a2 lt/A appointment appt=10:00 needs=with:bob
              issued a2 A004 lt/A appointment lang=it needs=with:bob est=40s
            > issue w3 lt/A standard
              issued w3 A005 lt/A standard lang=it est=40s
            > pause d2
              desk d2 paused
            > call d1
              called w3 A005 -> d1 (alice)
            > start w3
              serving w3 A005
            > finish w3
              done w3
            > call d1
              called a2 A004 -> d1 (alice)
              alert join-a2-1795426260000 appointment_join from alice
            > start a2
              serving a2 A004
            > finish a2
              done a2
            > checkin a3 lt/A appointment appt=11:00 needs=with:bob
              issued a3 A006 lt/A appointment lang=it needs=with:bob est=45s
            > open d2 bob
              desk d2 opened by bob
            > call d2
              called a3 A006 -> d2 (bob)
            -- state
              d1 open alice
              d2 open bob: a3 A006 called
              alert open join-a1-1795421520000 appointment_join at lt since 09:12
              alert open join-a2-1795426260000 appointment_join at lt since 10:31
        "#]],
    );
}
