//! The ticket state machine (`docs/domain.md`, "Ticket states"): every legal transition, and refused ones
//! (a 409-style error naming both states, the state unchanged — the harness asserts that).

use super::script::check;
use expect_test::expect;

#[test]
fn waiting_called_serving_done() {
    check(
        "
        site lt
        service lt/A target=900
        desk d1 lt A
        open d1 alice
        issue t1 lt/A
        issue t2 lt/A
        +1m; call d1
        state
        +1m; start t1
        +5m; finish t1
        ",
        expect![[r#"
            > open d1 alice
              desk d1 opened by alice
            > issue t1 lt/A
              issued t1 A001 lt/A standard lang=it est=0s
            > issue t2 lt/A
              issued t2 A002 lt/A standard lang=it est=600s
            > call d1
              called t1 A001 -> d1 (alice)
            -- state
              lt/A waiting=1 longest=60s est=1320s(387-2253)
                t2 A002 standard queued=09:00 ahead=0 est=660s(0-1320)
              d1 open alice: t1 A001 called
            > start t1
              serving t1 A001
            > finish t1
              done t1
            -- state
              lt/A waiting=1 longest=420s est=420s(0-840)
                t2 A002 standard queued=09:00 ahead=0 est=60s
              d1 open alice
        "#]],
    );
}

#[test]
fn recall_keeps_the_ticket_called() {
    check(
        "
        site lt
        service lt/A
        desk d1 lt A
        open d1 alice
        issue t1 lt/A
        recall t1
        call d1
        +1m; recall t1
        +1m; recall t1
        start t1
        recall t1
        ",
        expect![[r#"
            > open d1 alice
              desk d1 opened by alice
            > issue t1 lt/A
              issued t1 A001 lt/A standard lang=it est=0s
            > recall t1
              error illegal_transition: ticket A001 is waiting; it cannot become called
            > call d1
              called t1 A001 -> d1 (alice)
            > recall t1
              recalled t1 A001
            > recall t1
              recalled t1 A001
            > start t1
              serving t1 A001
            > recall t1
              error illegal_transition: ticket A001 is serving; it cannot become called
            -- state
              d1 open alice: t1 A001 serving
        "#]],
    );
}

#[test]
fn no_show_only_from_called() {
    check(
        "
        site lt
        service lt/A
        desk d1 lt A
        open d1 alice
        issue t1 lt/A; issue t2 lt/A
        noshow t1
        call d1
        +3m; noshow t1
        call d1
        start t2
        noshow t2
        ",
        expect![[r#"
            > open d1 alice
              desk d1 opened by alice
            > issue t1 lt/A
              issued t1 A001 lt/A standard lang=it est=0s
            > issue t2 lt/A
              issued t2 A002 lt/A standard lang=it est=600s
            > noshow t1
              error illegal_transition: ticket A001 is waiting; it cannot become no_show
            > call d1
              called t1 A001 -> d1 (alice)
            > noshow t1
              no_show t1
            > call d1
              called t2 A002 -> d1 (alice)
            > start t2
              serving t2 A002
            > noshow t2
              error illegal_transition: ticket A002 is serving; it cannot become no_show
            -- state
              d1 open alice: t2 A002 serving
        "#]],
    );
}

#[test]
fn cancel_from_waiting_or_called_only() {
    check(
        "
        site lt
        service lt/A
        desk d1 lt A
        open d1 alice
        issue t1 lt/A; issue t2 lt/A; issue t3 lt/A; issue t4 lt/A
        cancel t2
        call d1
        cancel t1
        call d1
        start t3
        cancel t3
        hold t3
        cancel t3
        ",
        expect![[r#"
            > open d1 alice
              desk d1 opened by alice
            > issue t1 lt/A
              issued t1 A001 lt/A standard lang=it est=0s
            > issue t2 lt/A
              issued t2 A002 lt/A standard lang=it est=600s
            > issue t3 lt/A
              issued t3 A003 lt/A standard lang=it est=1200s
            > issue t4 lt/A
              issued t4 A004 lt/A standard lang=it est=1800s
            > cancel t2
              cancelled t2
            > call d1
              called t1 A001 -> d1 (alice)
            > cancel t1
              cancelled t1
            > call d1
              called t3 A003 -> d1 (alice)
            > start t3
              serving t3 A003
            > cancel t3
              error illegal_transition: ticket A003 is serving; it cannot become cancelled
            > hold t3
              on_hold t3 A003
            > cancel t3
              error illegal_transition: ticket A003 is on_hold; it cannot become cancelled
            -- state
              lt/A waiting=1 longest=0s est=600s(0-1200)
                t4 A004 standard queued=09:00 ahead=0 est=0s
              d1 open alice
              held t3 A003 (desk d1)
        "#]],
    );
}

#[test]
fn return_from_called_or_serving_with_and_without_keeping_position() {
    check(
        "
        site lt
        service lt/A
        desk d1 lt A
        open d1 alice
        at 09:00; issue t1 lt/A
        at 09:01; issue t2 lt/A
        at 09:02; issue t3 lt/A
        at 09:10; call d1
        return t1 keep
        state
        call d1
        start t1
        +1m; return t1
        state
        return t1
        ",
        expect![[r#"
            > open d1 alice
              desk d1 opened by alice
            > issue t1 lt/A
              issued t1 A001 lt/A standard lang=it est=0s
            > issue t2 lt/A
              issued t2 A002 lt/A standard lang=it est=600s
            > issue t3 lt/A
              issued t3 A003 lt/A standard lang=it est=1200s
            > call d1
              called t1 A001 -> d1 (alice)
            > return t1 keep
              returned t1 A001 keep_position=true
            -- state
              lt/A waiting=3 longest=600s est=3600s(1522-5678)
                t1 A001 standard queued=09:00 ahead=0 est=600s
                t2 A002 standard queued=09:01 ahead=1 est=1200s(0-2400)
                t3 A003 standard queued=09:02 ahead=2 est=2400s(703-4097)
              d1 open alice
            > call d1
              called t1 A001 -> d1 (alice)
            > start t1
              serving t1 A001
            > return t1
              returned t1 A001 keep_position=false
            -- state
              lt/A waiting=3 longest=600s est=2700s(1141-4259)
                t2 A002 standard queued=09:01 ahead=0 est=300s
                t3 A003 standard queued=09:02 ahead=1 est=900s(0-1800)
                t1 A001 standard queued=09:11 ahead=2 est=1800s(527-3073)
              d1 open alice
            > return t1
              error illegal_transition: ticket A001 is waiting; it cannot become waiting
            -- state
              lt/A waiting=3 longest=600s est=2700s(1141-4259)
                t2 A002 standard queued=09:01 ahead=0 est=300s
                t3 A003 standard queued=09:02 ahead=1 est=900s(0-1800)
                t1 A001 standard queued=09:11 ahead=2 est=1800s(527-3073)
              d1 open alice
        "#]],
    );
}

#[test]
fn transfer_from_called_or_serving_to_another_service() {
    check(
        "
        site lt
        service lt/A; service lt/B
        desk d1 lt A; desk d2 lt B
        open d1 alice; open d2 bob
        at 09:00; issue t1 lt/A; issue t2 lt/A
        at 09:05; issue t3 lt/B
        at 09:10; call d1
        transfer t1 service=B keep
        call d1
        start t2
        transfer t2 service=B
        state
        call d2
        call d2 # d2 is busy
        transfer t3 service=A # waiting tickets are not transferred
        ",
        expect![[r#"
            > open d1 alice
              desk d1 opened by alice
            > open d2 bob
              desk d2 opened by bob
            > issue t1 lt/A
              issued t1 A001 lt/A standard lang=it est=0s
            > issue t2 lt/A
              issued t2 A002 lt/A standard lang=it est=600s
            > issue t3 lt/B
              issued t3 B001 lt/B standard lang=it est=0s
            > call d1
              called t1 A001 -> d1 (alice)
            > transfer t1 service=B keep
              transferred t1 A001 A->B keep_position=true
            > call d1
              called t2 A002 -> d1 (alice)
            > start t2
              serving t2 A002
            > transfer t2 service=B
              transferred t2 A002 A->B keep_position=false
            -- state
              lt/B waiting=3 longest=600s est=2700s(1141-4259)
                t1 A001 standard queued=09:00 ahead=0 est=300s
                t3 B001 standard queued=09:05 ahead=1 est=900s(0-1800)
                t2 A002 standard queued=09:10 ahead=2 est=1800s(527-3073)
              d1 open alice
              d2 open bob
            > call d2
              called t1 A001 -> d2 (bob)
            > call d2
              error desk_busy: desk 'd2' already holds ticket A001: finish, return or hold it first
            > transfer t3 service=A
              error illegal_transition: ticket B001 is waiting; it cannot become waiting
            -- state
              lt/B waiting=2 longest=300s est=2700s(1141-4259)
                t3 B001 standard queued=09:05 ahead=0 est=900s(0-1800)
                t2 A002 standard queued=09:10 ahead=1 est=1800s(527-3073)
              d1 open alice
              d2 open bob: t1 A001 called
        "#]],
    );
}

#[test]
fn hold_parks_the_ticket_and_it_comes_back_to_the_holding_desk_in_its_place() {
    check(
        "
        site lt fallback=600
        service lt/A
        desk d1 lt A; desk d2 lt A
        open d1 alice
        at 09:00; issue t1 lt/A
        at 09:01; issue t2 lt/A
        at 09:02; issue t3 lt/A
        at 09:05; call d1; start t1
        hold t1
        hold t1
        call d1
        start t2
        open d2 bob
        +1m; return t1 # keep is implied for a held ticket
        state
        call d2 # t1 waits for d1 only
        finish t2
        call d1
        ",
        expect![[r#"
            > open d1 alice
              desk d1 opened by alice
            > issue t1 lt/A
              issued t1 A001 lt/A standard lang=it est=0s
            > issue t2 lt/A
              issued t2 A002 lt/A standard lang=it est=600s
            > issue t3 lt/A
              issued t3 A003 lt/A standard lang=it est=1200s
            > call d1
              called t1 A001 -> d1 (alice)
            > start t1
              serving t1 A001
            > hold t1
              on_hold t1 A001
            > hold t1
              error illegal_transition: ticket A001 is on_hold; it cannot become on_hold
            > call d1
              called t2 A002 -> d1 (alice)
            > start t2
              serving t2 A002
            > open d2 bob
              desk d2 opened by bob
            > return t1
              returned t1 A001 keep_position=true for_desk=d1
            -- state
              lt/A waiting=2 longest=360s est=750s(220-1280)
                t1 A001 standard queued=09:00 for=d1 ahead=0 est=150s
                t3 A003 standard queued=09:02 ahead=1 est=375s(0-750)
              d1 open alice: t2 A002 serving
              d2 open bob
            > call d2
              called t3 A003 -> d2 (bob)
            > finish t2
              done t2
            > call d1
              called t1 A001 -> d1 (alice)
            -- state
              d1 open alice: t1 A001 called
              d2 open bob: t3 A003 called
        "#]],
    );
}

#[test]
fn held_ticket_falls_back_to_anyone_after_the_timeout() {
    check(
        "
        site lt fallback=300
        service lt/A
        desk d1 lt A; desk d2 lt A
        open d1 alice; open d2 bob
        at 09:00; issue t1 lt/A; issue t2 lt/A
        call d1
        hold t1
        return t1
        call d2
        finish t2 # not serving
        start t2; finish t2
        +4m; call d2
        +1m; call d2
        ",
        expect![[r#"
            > open d1 alice
              desk d1 opened by alice
            > open d2 bob
              desk d2 opened by bob
            > issue t1 lt/A
              issued t1 A001 lt/A standard lang=it est=0s
            > issue t2 lt/A
              issued t2 A002 lt/A standard lang=it est=0s
            > call d1
              called t1 A001 -> d1 (alice)
            > hold t1
              on_hold t1 A001
            > return t1
              returned t1 A001 keep_position=true for_desk=d1
            > call d2
              called t2 A002 -> d2 (bob)
            > finish t2
              error illegal_transition: ticket A002 is called; it cannot become done
            > start t2
              serving t2 A002
            > finish t2
              done t2
            > call d2
              (no events)
            > call d2
              called t1 A001 -> d2 (bob)
            -- state
              d1 open alice
              d2 open bob: t1 A001 called
        "#]],
    );
}

#[test]
fn refused_transitions_name_both_states() {
    check(
        "
        site lt
        service lt/A; service lt/B
        desk d1 lt A
        open d1 alice
        issue t1 lt/A
        start t1
        finish t1
        hold t1
        return t1
        transfer t1 service=B
        call d1
        finish t1
        start t1
        start t1
        noshow t1
        hold t1
        start t1
        finish t1
        recall t1
        transfer t1 service=B
        return t1
        call d1
        start t1
        finish t1
        finish t1 # done tickets leave the engine's active set: the server answers from its store
        ",
        expect![[r#"
            > open d1 alice
              desk d1 opened by alice
            > issue t1 lt/A
              issued t1 A001 lt/A standard lang=it est=0s
            > start t1
              error illegal_transition: ticket A001 is waiting; it cannot become serving
            > finish t1
              error illegal_transition: ticket A001 is waiting; it cannot become done
            > hold t1
              error illegal_transition: ticket A001 is waiting; it cannot become on_hold
            > return t1
              error illegal_transition: ticket A001 is waiting; it cannot become waiting
            > transfer t1 service=B
              error illegal_transition: ticket A001 is waiting; it cannot become waiting
            > call d1
              called t1 A001 -> d1 (alice)
            > finish t1
              error illegal_transition: ticket A001 is called; it cannot become done
            > start t1
              serving t1 A001
            > start t1
              error illegal_transition: ticket A001 is serving; it cannot become serving
            > noshow t1
              error illegal_transition: ticket A001 is serving; it cannot become no_show
            > hold t1
              on_hold t1 A001
            > start t1
              error illegal_transition: ticket A001 is on_hold; it cannot become serving
            > finish t1
              error illegal_transition: ticket A001 is on_hold; it cannot become done
            > recall t1
              error illegal_transition: ticket A001 is on_hold; it cannot become called
            > transfer t1 service=B
              error illegal_transition: ticket A001 is on_hold; it cannot become waiting
            > return t1
              returned t1 A001 keep_position=true for_desk=d1
            > call d1
              called t1 A001 -> d1 (alice)
            > start t1
              serving t1 A001
            > finish t1
              done t1
            > finish t1
              error unknown_ticket: unknown ticket 't1'
            -- state
              d1 open alice
        "#]],
    );
}

#[test]
fn desk_rules() {
    check(
        "
        site lt
        service lt/A
        desk d1 lt A; desk d2 lt A
        issue t1 lt/A; issue t2 lt/A
        call d1 # closed
        open d1 alice
        open d1 alice # again: nothing new
        open d1 bob
        open d2 alice
        open d2 bob
        pause d2
        call d2 # paused
        pause d2
        open d2 bob
        call d1
        call d1 # busy
        close d1
        finish t1
        start t1; finish t1
        close d1
        close d1
        open d2 alice
        call d3
        pause d3
        ",
        expect![[r#"
            > issue t1 lt/A
              issued t1 A001 lt/A standard lang=it est=none
            > issue t2 lt/A
              issued t2 A002 lt/A standard lang=it est=none
            > call d1
              error desk_not_open: desk 'd1' is not open: open it first
            > open d1 alice
              desk d1 opened by alice
            > open d1 alice
              (no events)
            > open d1 bob
              error desk_taken: desk 'd1' is held by alice: they must close it first
            > open d2 alice
              error staff_at_other_desk: alice already sits at desk 'd1': close it first
            > open d2 bob
              desk d2 opened by bob
            > pause d2
              desk d2 paused
            > call d2
              error desk_not_open: desk 'd2' is not open: open it first
            > pause d2
              (no events)
            > open d2 bob
              desk d2 opened by bob
            > call d1
              called t1 A001 -> d1 (alice)
            > call d1
              error desk_busy: desk 'd1' already holds ticket A001: finish, return or hold it first
            > close d1
              error desk_busy: desk 'd1' already holds ticket A001: finish, return or hold it first
            > finish t1
              error illegal_transition: ticket A001 is called; it cannot become done
            > start t1
              serving t1 A001
            > finish t1
              done t1
            > close d1
              desk d1 closed
            > close d1
              (no events)
            > open d2 alice
              error desk_taken: desk 'd2' is held by bob: they must close it first
            > call d3
              error unknown_desk: unknown desk 'd3'
            > pause d3
              error unknown_desk: unknown desk 'd3'
            -- state
              lt/A waiting=1 longest=0s est=1s
                t2 A002 standard queued=09:00 ahead=0 est=0s
              d1 closed
              d2 open bob
        "#]],
    );
}

#[test]
fn unknown_ids_and_bad_requests() {
    check(
        "
        site lt
        site gr
        service lt/A
        service gr/S
        desk d1 lt A
        desk g1 gr S
        issue t1 lt/X
        issue t1 xx/A
        issue t1 lt/A party=0
        issue t1 lt/A party=31
        issue t1 lt/A party=30
        issue t1 lt/A
        start nope
        alert xx help_requested
        alert lt help_requested
        open d1 alice; call d1
        transfer t1
        transfer t1 service=X
        transfer t1 desk=g1
        transfer t1 desk=zz
        transfer t1 service=A staff=bob
        ",
        expect![[r#"
            > issue t1 lt/X
              error unknown_service: unknown service 'X' at site 'lt'
            > issue t1 xx/A
              error unknown_site: unknown site 'xx'
            > issue t1 lt/A party=0
              error invalid_request: party_size must be between 1 and 30
            > issue t1 lt/A party=31
              error invalid_request: party_size must be between 1 and 30
            > issue t1 lt/A party=30
              issued t1 A001 lt/A standard lang=it party=30 est=none
            > issue t1 lt/A
              error invalid_request: ticket id t1 is already in use
            > start nope
              error unknown_ticket: unknown ticket 'nope'
            > alert xx help_requested
              error unknown_site: unknown site 'xx'
            > alert lt help_requested
              alert a1 help_requested from kiosk-1
            > open d1 alice
              desk d1 opened by alice
            > call d1
              called t1 A001 -> d1 (alice)
            > transfer t1
              error invalid_request: a transfer needs a service, a desk or a staff member to go to
            > transfer t1 service=X
              error unknown_service: unknown service 'X' at site 'lt'
            > transfer t1 desk=g1
              error unknown_desk: unknown desk 'g1'
            > transfer t1 desk=zz
              error unknown_desk: unknown desk 'zz'
            > transfer t1 service=A staff=bob
              transferred t1 A001 A->A staff=bob keep_position=false
            -- state
              lt/A waiting=1 longest=0s est=600s(0-1200)
                t1 A001 standard queued=09:00 for=bob ahead=0 est=0s
              d1 open alice
              g1 closed
              alert open a1 help_requested at lt since 09:00
        "#]],
    );
}

// Issue 12: staff act only where they sit. A desk and its ticket belong to the staff member at it;
// a coordinator (the site's `any_ticket_role`) may act on any ticket of the site; nobody acts at
// another site; kiosks issue standard/priority tickets at their own site only. Every event records
// its actor (the checker asserts it).
#[test]
fn who_may_do_what() {
    check(
        "
        site lt
        site gr
        service lt/A
        service gr/G
        desk d1 lt A
        desk d2 lt A
        desk g1 gr G
        open d1 alice
        open d2 bob
        open g1 carol as=carol@lt # carol works at Livorno only
        issue t1 lt/A
        issue t2 lt/A urgent as=kiosk@lt # only staff set urgent
        issue t3 gr/G as=kiosk@lt # another site's kiosk
        issue t4 lt/A urgent as=bob@lt
        call d1
        call d1 as=bob@lt # bob may not call at alice's desk
        start t4 as=bob@lt # nor touch alice's ticket
        start t4 as=rita:manager@gr # a Grosseto manager has no say in Livorno
        start t4 as=rita:manager@lt # a Livorno manager does
        cancel t1 as=bob@lt # a waiting ticket is at no desk: coordinators only
        cancel t1 as=rita:manager@lt
        finish t4 as=display@lt
        close d2 as=alice@lt
        ",
        expect![[r#"
            > open d1 alice
              desk d1 opened by alice
            > open d2 bob
              desk d2 opened by bob
            > open g1 carol as=carol@lt
              error forbidden: carol does not work at site 'gr'
            > issue t1 lt/A
              issued t1 A001 lt/A standard lang=it est=0s
            > issue t2 lt/A urgent as=kiosk@lt
              error forbidden: a kiosk may only issue 'standard' or 'priority' tickets
            > issue t3 gr/G as=kiosk@lt
              error forbidden: this kiosk belongs to site 'lt'
            > issue t4 lt/A urgent as=bob@lt
              issued t4 A002 lt/A urgent lang=it est=0s
            > call d1
              called t4 A002 -> d1 (alice)
            > call d1 as=bob@lt
              error forbidden: desk 'd1' is held by alice: only they, or a colleague of the site with the manager role, may do this (bob may not)
            > start t4 as=bob@lt
              error forbidden: ticket A002 is at desk 'd1', held by alice: only they, or a colleague of the site with the manager role, may do this (bob may not)
            > start t4 as=rita:manager@gr
              error forbidden: rita does not work at site 'lt'
            > start t4 as=rita:manager@lt
              serving t4 A002
            > cancel t1 as=bob@lt
              error forbidden: ticket A001 is waiting, at no desk: only a colleague of the site with the manager role may do this
            > cancel t1 as=rita:manager@lt
              cancelled t1
            > finish t4 as=display@lt
              error forbidden: devices cannot do this; log in as staff
            > close d2 as=alice@lt
              error forbidden: desk 'd2' is held by bob: only they, or a colleague of the site with the manager role, may do this (alice may not)
            -- state
              d1 open alice: t4 A002 serving
              d2 open bob
              g1 closed
        "#]],
    );
}

// The site's coordinator role can be lowered (a small centre where every colleague may act on
// every ticket) or raised (admins only).
#[test]
fn the_coordinator_role_is_the_sites_choice() {
    check(
        "
        site lt coord=staff
        site gr coord=admin
        service lt/A
        service gr/G
        desk d1 lt A
        desk g1 gr G
        open d1 alice
        open g1 carol
        issue t1 lt/A; issue t2 gr/G
        cancel t1 as=bob@lt
        cancel t2 as=rita:manager@gr
        cancel t2 as=ada:admin
        ",
        expect![[r#"
            > open d1 alice
              desk d1 opened by alice
            > open g1 carol
              desk g1 opened by carol
            > issue t1 lt/A
              issued t1 A001 lt/A standard lang=it est=0s
            > issue t2 gr/G
              issued t2 G001 gr/G standard lang=it est=0s
            > cancel t1 as=bob@lt
              cancelled t1
            > cancel t2 as=rita:manager@gr
              error forbidden: ticket G001 is waiting, at no desk: only a colleague of the site with the admin role may do this
            > cancel t2 as=ada:admin
              cancelled t2
            -- state
              d1 open alice
              g1 open carol
        "#]],
    );
}

/// Issue 19: a held ticket is called back to its desk (on_hold → called: displays announce it
/// again), or to another desk of the site that serves its service; the time parked counts as hold.
#[test]
fn a_held_ticket_is_called_back() {
    check(
        "
        site lt; site gr
        service lt/A; service lt/B; service gr/A
        desk d1 lt A; desk d2 lt A,B; desk d3 lt B; desk g1 gr A
        issue t1 lt/A; issue t2 lt/A
        open d1 alice; open d2 bob; open d3 carol
        call d1; start t1; hold t1
        resume t2 # only a held ticket
        call d1 # t2, while t1 is parked
        resume t1 # the desk is busy
        start t2; finish t2
        +5m; resume t1 as=bob@lt # not bob's ticket
        resume t1 desk=d3 # d3 is carol's
        resume t1 desk=d3 as=rita:manager@lt # d3 does not serve A
        resume t1 desk=g1 as=ada:admin # another site's desk
        resume t1
        start t1; hold t1
        +2m; pause d1; resume t1
        open d1 alice; resume t1 desk=d2 as=rita:manager@lt
        start t1; finish t1
        ",
        expect![[r#"
            > issue t1 lt/A
              issued t1 A001 lt/A standard lang=it est=none
            > issue t2 lt/A
              issued t2 A002 lt/A standard lang=it est=none
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
            > resume t2
              error illegal_transition: ticket A002 is waiting; it cannot become called
            > call d1
              called t2 A002 -> d1 (alice)
            > resume t1
              error desk_busy: desk 'd1' already holds ticket A002: finish, return or hold it first
            > start t2
              serving t2 A002
            > finish t2
              done t2
            > resume t1 as=bob@lt
              error forbidden: ticket A001 is at desk 'd1', held by alice: only they, or a colleague of the site with the manager role, may do this (bob may not)
            > resume t1 desk=d3
              error forbidden: desk 'd3' is held by carol: only they, or a colleague of the site with the manager role, may do this (alice may not)
            > resume t1 desk=d3 as=rita:manager@lt
              error desk_does_not_serve: desk 'd3' does not serve 'A'
            > resume t1 desk=g1 as=ada:admin
              error unknown_desk: unknown desk 'g1'
            > resume t1
              called t1 A001 -> d1 (alice)
            > start t1
              serving t1 A001
            > hold t1
              on_hold t1 A001
            > pause d1
              desk d1 paused
            > resume t1
              error desk_not_open: desk 'd1' is not open: open it first
            > open d1 alice
              desk d1 opened by alice
            > resume t1 desk=d2 as=rita:manager@lt
              called t1 A001 -> d2 (bob)
            > start t1
              serving t1 A001
            > finish t1
              done t1
            -- state
              d1 open alice
              d2 open bob
              d3 open carol
              g1 closed
        "#]],
    );
}

/// Issue 19: alerts stay open until a staff member of their site acknowledges them ("I'm going");
/// a second acknowledgement finds none; devices and other sites' staff may not.
#[test]
fn alerts_stay_open_until_acknowledged() {
    check(
        "
        site lt; site gr
        alert lt help_requested id=a1
        alert lt help_requested id=a1 # ids are unique
        alert lt printer_failure id=a2
        alert gr help_requested id=g1 as=kiosk@gr
        ack a1 as=kiosk@lt
        ack a1 as=carol@gr
        ack a1 as=alice@lt
        ack a1 as=bob@lt
        ack nope
        ack g1 as=carol@gr
        ",
        expect![[r#"
            > alert lt help_requested id=a1
              alert a1 help_requested from kiosk-1
            > alert lt help_requested id=a1
              error invalid_request: alert id a1 is already in use
            > alert lt printer_failure id=a2
              alert a2 printer_failure from kiosk-1
            > alert gr help_requested id=g1 as=kiosk@gr
              alert g1 help_requested from kiosk-1
            > ack a1 as=kiosk@lt
              error forbidden: devices cannot do this; log in as staff
            > ack a1 as=carol@gr
              error forbidden: carol does not work at site 'lt'
            > ack a1 as=alice@lt
              alert a1 acknowledged
            > ack a1 as=bob@lt
              error unknown_alert: no open alert 'a1': it may have been acknowledged already
            > ack nope
              error unknown_alert: no open alert 'nope': it may have been acknowledged already
            > ack g1 as=carol@gr
              alert g1 acknowledged
            -- state
              alert open a2 printer_failure at lt since 09:00
        "#]],
    );
}

/// Issue 19: Undo takes back a desk's last Finish (done → serving) or No-show (no_show → called),
/// recorded as `ticket.reopened`, within `UNDO_WINDOW` (15 s); refused, changing nothing, after
/// the window, once the desk has called someone else, for another desk's ticket, for a ticket with
/// nothing to undo, at a paused desk, and after the desk closed.
#[test]
fn undo_takes_back_a_finish_or_a_no_show() {
    check(
        "
        site lt
        service lt/A
        desk d1 lt A; desk d2 lt A
        issue t1 lt/A; issue t2 lt/A; issue t3 lt/A; issue t4 lt/A
        open d1 alice; open d2 bob
        call d1; start t1; finish t1
        +5s; undo t1 as=bob@lt # not bob's desk
        undo t1
        undo t1 # nothing left to undo
        +3s; finish t1
        +16s; undo t1 # too late
        call d1; noshow t2
        +2s; undo t2
        start t2; finish t2
        call d1 # t3
        undo t2 # d1 called t3 since
        noshow t3; pause d1
        undo t3 # paused
        open d1 alice; undo t3
        undo t4 # waiting: nothing to undo
        call d2; start t4; finish t4; close d2
        undo t4 # the desk closed
        undo t9
        ",
        expect![[r#"
            > issue t1 lt/A
              issued t1 A001 lt/A standard lang=it est=none
            > issue t2 lt/A
              issued t2 A002 lt/A standard lang=it est=none
            > issue t3 lt/A
              issued t3 A003 lt/A standard lang=it est=none
            > issue t4 lt/A
              issued t4 A004 lt/A standard lang=it est=none
            > open d1 alice
              desk d1 opened by alice
            > open d2 bob
              desk d2 opened by bob
            > call d1
              called t1 A001 -> d1 (alice)
            > start t1
              serving t1 A001
            > finish t1
              done t1
            > undo t1 as=bob@lt
              error forbidden: ticket A001 is at desk 'd1', held by alice: only they, or a colleague of the site with the manager role, may do this (bob may not)
            > undo t1
              reopened t1 A001 -> d1 serving
            > undo t1
              error nothing_to_undo: ticket A001 is serving: there is nothing to undo (only a desk's last Finish or No-show can be undone, within 15 seconds, before it calls anyone else)
            > finish t1
              done t1
            > undo t1
              error nothing_to_undo: A001 was closed 16 seconds ago: Undo lasts 15 seconds
            > call d1
              called t2 A002 -> d1 (alice)
            > noshow t2
              no_show t2
            > undo t2
              reopened t2 A002 -> d1 called
            > start t2
              serving t2 A002
            > finish t2
              done t2
            > call d1
              called t3 A003 -> d1 (alice)
            > undo t2
              error nothing_to_undo: desk 'd1' has called A003 since: A002 can no longer be undone
            > noshow t3
              no_show t3
            > pause d1
              desk d1 paused
            > undo t3
              error desk_not_open: desk 'd1' is not open: open it first
            > open d1 alice
              desk d1 opened by alice
            > undo t3
              reopened t3 A003 -> d1 called
            > undo t4
              error nothing_to_undo: ticket A004 is waiting: there is nothing to undo (only a desk's last Finish or No-show can be undone, within 15 seconds, before it calls anyone else)
            > call d2
              called t4 A004 -> d2 (bob)
            > start t4
              serving t4 A004
            > finish t4
              done t4
            > close d2
              desk d2 closed
            > undo t4
              error nothing_to_undo: ticket 't4' has nothing to undo (only a desk's last Finish or No-show can be undone, within 15 seconds, before it calls anyone else)
            > undo t9
              error nothing_to_undo: ticket 't9' has nothing to undo (only a desk's last Finish or No-show can be undone, within 15 seconds, before it calls anyone else)
            -- state
              d1 open alice: t3 A003 called
              d2 closed
        "#]],
    );
}

// Issue 16: an appointment check-in is the kiosk's own act (its event records the kiosk), but only
// for an appointment ticket with its booked time; `Issue` still refuses a kiosk the class.
#[test]
fn a_kiosk_checks_an_appointment_in() {
    check(
        "
        site lt
        site gr
        service lt/A
        service gr/G
        checkin t1 lt/A appointment appt=10:00 as=kiosk@lt
        checkin t2 lt/A standard as=kiosk@lt # a check-in is an appointment ticket
        checkin t3 lt/A appointment as=kiosk@lt # with its booked time
        checkin t4 gr/G appointment appt=10:00 as=kiosk@lt # at the kiosk's own site
        checkin t5 lt/A appointment appt=10:00 as=display@lt
        issue t6 lt/A appointment appt=10:00 as=kiosk@lt # issue stays standard/priority for kiosks
        checkin t7 lt/A appointment appt=10:30 as=bob@lt # staff may check someone in
        ",
        expect![[r#"
            > checkin t1 lt/A appointment appt=10:00 as=kiosk@lt
              issued t1 A001 lt/A appointment lang=it est=none
            > checkin t2 lt/A standard as=kiosk@lt
              error invalid_request: a check-in issues an 'appointment' ticket with its booked time
            > checkin t3 lt/A appointment as=kiosk@lt
              error invalid_request: a check-in issues an 'appointment' ticket with its booked time
            > checkin t4 gr/G appointment appt=10:00 as=kiosk@lt
              error forbidden: this kiosk belongs to site 'lt'
            > checkin t5 lt/A appointment appt=10:00 as=display@lt
              error forbidden: a display cannot issue tickets
            > issue t6 lt/A appointment appt=10:00 as=kiosk@lt
              error forbidden: a kiosk may only issue 'standard' or 'priority' tickets
            > checkin t7 lt/A appointment appt=10:30 as=bob@lt
              issued t7 A002 lt/A appointment lang=it est=none
            -- state
              lt/A waiting=2 longest=0s est=none
                t1 A001 appointment queued=09:00 ahead=0 est=none
                t7 A002 appointment queued=09:00 ahead=1 est=none
        "#]],
    );
}
