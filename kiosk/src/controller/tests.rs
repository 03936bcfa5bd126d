//! Controller tests (issue 3): the whole path and every failure, with a fake server, an in-memory printer and made-up time.

use super::*;
use crate::demo::{self, FakeServer};
use crate::printer::{MemoryPrinter, PrinterError};
use std::time::{Duration, Instant};

struct Kit {
    c: Controller,
    server: FakeServer,
    printer: MemoryPrinter,
    now: Instant,
}

impl Kit {
    fn new() -> Kit {
        Kit::with(FakeServer::new(demo::livorno()))
    }

    fn with(server: FakeServer) -> Kit {
        let printer = MemoryPrinter::default();
        let now = Instant::now();
        let mut c = Controller::new(Box::new(server.clone()), Box::new(printer.clone()), false, now);
        c.work(now);
        Kit { c, server, printer, now }
    }

    fn press(&mut self, input: Input) -> &mut Kit {
        self.c.handle(input, self.now);
        self.c.work(self.now);
        self
    }

    fn wait(&mut self, seconds: u64) -> &mut Kit {
        // Step through time one second at a time, as the app's timer does.
        for _ in 0..seconds {
            self.now += Duration::from_secs(1);
            self.c.tick(self.now);
            self.c.work(self.now);
        }
        self
    }

    fn view(&self) -> View {
        self.c.view(self.now)
    }

    fn screen(&self) -> Screen {
        self.c.screen().clone()
    }

    /// Italian, "work", one person, no children, no mediator.
    fn take_simple_ticket(&mut self) {
        self.press(Input::Language("it".into()))
            .press(Input::Choose(2))
            .press(Input::Choose(0))
            .press(Input::Choose(1))
            .press(Input::Choose(0));
    }
}

#[test]
fn starts_on_the_language_screen_with_native_names() {
    let k = Kit::new();
    let v = k.view();
    assert_eq!(v.screen, Screen::Language);
    assert_eq!(v.languages[3], ("ar".to_string(), "العربية".to_string()));
    assert_eq!(v.title, "Scegli la tua lingua");
}

#[test]
fn whole_path_in_arabic_issues_prints_and_shows_the_ticket() {
    let mut k = Kit::new();
    k.press(Input::Language("ar".into()));
    let v = k.view();
    assert!(v.rtl);
    assert_eq!((v.screen, v.title.as_str()), (Screen::Question("need".into()), "ماذا تحتاج اليوم؟"));
    k.press(Input::Choose(3));
    assert_eq!(k.screen(), Screen::Question("other".into()));
    k.press(Input::Choose(0));
    assert_eq!(k.screen(), Screen::PartySize);
    k.press(Input::Choose(1));
    assert_eq!(k.screen(), Screen::Priority(0));
    assert_eq!(k.view().choices[0].label, "نعم");
    k.press(Input::Choose(0));
    assert_eq!(k.screen(), Screen::Mediator);
    k.press(Input::Choose(1));
    assert_eq!(k.screen(), Screen::Ticket);

    let (request, key) = k.server.with(|s| s.requests[0].clone());
    assert!(key.starts_with("kiosk-"));
    assert_eq!(request.service.as_str(), "sociale");
    assert_eq!(request.priority, Some(Priority::Priority));
    assert_eq!(request.language.as_deref(), Some("ar"));
    assert_eq!(request.party_size, Some(2));
    assert_eq!(request.needs, Some(vec!["group:families_young_children".to_string(), "mediator:ar".to_string()]));

    let t = k.view().ticket.expect("a ticket on screen");
    assert_eq!(t.number, "A023");
    assert_eq!(t.qr_url, "http://127.0.0.1:8080/t/tok0023");
    assert_eq!((t.people_ahead, t.wait_minutes, t.printer_problem), (3, 9, None));
    assert!(t.waiting_area.starts_with("انتظر"));
    let printed = k.printer.tickets();
    assert_eq!(printed.len(), 1);
    assert!(printed[0].windows(4).any(|w| w == b"A023"));
    assert!(k.view().speech().contains("A 23"));
}

#[test]
fn standard_ticket_without_priority_or_mediator() {
    let mut k = Kit::new();
    k.take_simple_ticket();
    assert_eq!(k.screen(), Screen::Ticket);
    let (request, _) = k.server.with(|s| s.requests[0].clone());
    assert_eq!(request.service.as_str(), "lavoro");
    assert_eq!(request.priority, Some(Priority::Standard));
    assert_eq!(request.needs, Some(vec![]));
    assert_eq!(request.party_size, Some(1));
}

#[test]
fn closed_service_from_the_configuration_is_said_plainly_and_nothing_is_issued() {
    let mut k = Kit::new();
    k.press(Input::Language("en".into())).press(Input::Choose(1));
    let v = k.view();
    assert_eq!(v.screen, Screen::Closed);
    assert_eq!(v.title, "This service is not available now");
    assert!(v.message.starts_with("Please ask at reception"), "{}", v.message);
    assert!(k.server.with(|s| s.requests.is_empty()));
}

#[test]
fn daily_cap_reached_at_issue_shows_the_closed_screen() {
    let mut k = Kit::new();
    k.server.with(|s| {
        s.refuse_next_issue =
            Some(ServerError::Closed { code: "daily_cap_reached".into(), message: "full today".into() })
    });
    k.take_simple_ticket();
    assert_eq!(k.screen(), Screen::Closed);
    assert!(k.view().ticket.is_none());
    assert!(k.printer.tickets().is_empty(), "never prints a number the server did not store");
}

#[test]
fn rate_limited_sends_to_reception() {
    let mut k = Kit::new();
    k.server.with(|s| s.refuse_next_issue = Some(ServerError::RateLimited("slow down".into())));
    k.take_simple_ticket();
    assert_eq!(k.screen(), Screen::Error);
    assert_eq!(k.view().message, "Qualcosa non ha funzionato. Per favore vai all'accoglienza.");
}

#[test]
fn unreachable_at_start_says_so_and_recovers_in_the_background() {
    let server = FakeServer::new(demo::livorno());
    server.with(|s| s.reachable = false);
    let mut k = Kit::with(server);
    assert_eq!(k.screen(), Screen::Offline);
    let message = k.view().message;
    assert!(message.contains("accoglienza") && message.contains("الاستقبال") && message.contains("рецепції"));
    k.wait(25);
    assert_eq!(k.screen(), Screen::Offline, "still down");
    k.server.with(|s| s.reachable = true);
    k.wait(10);
    assert_eq!(k.screen(), Screen::Language, "back without a human");
}

#[test]
fn server_lost_during_issue_then_retry_reuses_the_idempotency_key() {
    let mut k = Kit::new();
    // The server stores the ticket but the answer is lost on the way back.
    k.server.with(|s| s.lose_next_answer = true);
    k.take_simple_ticket();
    assert_eq!(k.screen(), Screen::Offline);
    assert!(k.view().ticket.is_none() && k.printer.tickets().is_empty());
    k.press(Input::Retry);
    assert_eq!(k.screen(), Screen::Ticket);
    k.server.with(|s| {
        assert_eq!(s.requests.len(), 2);
        assert_eq!(s.requests[0].1, s.requests[1].1, "same Idempotency-Key");
        assert_eq!(s.tickets.len(), 1, "one ticket stored");
    });
    assert_eq!(k.view().ticket.unwrap().number, "A023");
}

#[test]
fn a_new_visitor_gets_a_new_idempotency_key() {
    let mut k = Kit::new();
    k.take_simple_ticket();
    k.press(Input::Done);
    k.take_simple_ticket();
    k.server.with(|s| {
        assert_ne!(s.requests[0].1, s.requests[1].1);
        assert_eq!(s.tickets.len(), 2);
    });
}

#[test]
fn printer_failure_keeps_the_ticket_on_screen_longer_and_alerts_staff() {
    let mut k = Kit::new();
    k.printer.fail_with(Some(PrinterError::PaperOut));
    k.take_simple_ticket();
    let v = k.view();
    assert_eq!(v.screen, Screen::Ticket);
    assert_eq!(v.ticket.as_ref().unwrap().printer_problem.as_deref(), Some("the printer is out of paper"));
    assert!(v.message.starts_with("La stampante non funziona"));
    let alert = k.server.with(|s| s.alerts[0].clone());
    assert_eq!(alert.kind, "printer_failure");
    assert_eq!(alert.ticket_number.as_deref(), Some("A023"));
    k.wait(60);
    assert_eq!(k.screen(), Screen::Ticket, "still shown after a minute");
    k.wait(125);
    assert_eq!(k.screen(), Screen::Language);
}

#[test]
fn printed_ticket_screen_returns_to_start_after_half_a_minute() {
    let mut k = Kit::new();
    k.take_simple_ticket();
    k.wait(29);
    assert_eq!(k.screen(), Screen::Ticket);
    k.wait(2);
    assert_eq!(k.screen(), Screen::Language);
    assert!(k.view().ticket.is_none(), "forgotten");
}

#[test]
fn inactivity_warns_can_be_extended_then_forgets_everything() {
    let mut k = Kit::new();
    k.press(Input::Language("uk".into())).press(Input::Choose(3));
    k.wait(44);
    assert_eq!(k.view().warning_seconds, None);
    k.wait(1);
    let v = k.view();
    assert_eq!(v.warning_seconds, Some(20));
    assert_eq!(v.speech(), "Ви ще тут? Незабаром почнемо спочатку.");
    k.press(Input::Extend);
    assert_eq!(k.view().warning_seconds, None);
    assert_eq!(k.screen(), Screen::Question("other".into()), "kept the answers");
    k.wait(50);
    assert_eq!(k.view().warning_seconds, Some(15));
    k.wait(15);
    let v = k.view();
    assert_eq!((v.screen, v.lang.as_str(), v.warning_seconds), (Screen::Language, "it", None));
}

#[test]
fn start_over_forgets_the_visitor() {
    let mut k = Kit::new();
    k.press(Input::ToggleLowReach).press(Input::Language("fr".into())).press(Input::Choose(2));
    assert!(k.view().low_reach);
    k.press(Input::StartOver);
    let v = k.view();
    assert_eq!((v.screen, v.lang.as_str(), v.low_reach), (Screen::Language, "it", false));
}

#[test]
fn help_alerts_staff_discreetly_or_sends_to_reception_when_offline() {
    let mut k = Kit::new();
    k.press(Input::Language("ro".into())).press(Input::Help);
    let v = k.view();
    assert_eq!(v.help, Some(Help::Sent));
    assert_eq!(v.help_message, "Am anunțat personalul: cineva vine să vă ajute.");
    assert_eq!(v.screen, Screen::Question("need".into()), "the path is kept");
    assert_eq!(k.server.with(|s| s.alerts[0].kind.clone()), "help_requested");
    // It stays while nobody has taken it (see the next test); the visitor may close it.
    k.wait(21);
    assert_eq!(k.view().help, Some(Help::Sent));
    k.press(Input::DismissHelp);
    assert_eq!(k.view().help, None);
    k.server.with(|s| s.reachable = false);
    k.press(Input::Help);
    assert_eq!(k.view().help, Some(Help::Failed));
}

#[test]
fn local_time_is_day_first() {
    assert_eq!(local_time("2026-11-23T09:14:03+01:00"), "23/11/2026 09:14");
    assert_eq!(local_time("garbage"), "garbage");
}

#[test]
fn printer_trouble_between_visitors_alerts_staff_once_until_it_recovers() {
    let mut k = Kit::new();
    k.printer.fail_with(Some(PrinterError::CoverOpen));
    k.press(Input::StartOver);
    k.press(Input::StartOver);
    let alerts = k.server.with(|s| s.alerts.clone());
    assert_eq!(alerts.len(), 1, "{alerts:?}");
    assert_eq!(alerts[0].kind, "printer_failure");
    assert_eq!(alerts[0].message.as_deref(), Some("kiosk printer not ready: the printer's cover is open"));
    assert_eq!(alerts[0].ticket_number, None);
    k.printer.fail_with(None);
    k.press(Input::StartOver);
    k.printer.fail_with(Some(PrinterError::PaperOut));
    k.press(Input::StartOver);
    assert_eq!(k.server.with(|s| s.alerts.len()), 2, "told again after it recovered and failed again");
}

#[test]
fn help_says_someone_is_coming_once_staff_take_the_alert() {
    let mut k = Kit::new();
    k.press(Input::Language("en".into())).press(Input::Help);
    assert_eq!(k.view().help, Some(Help::Sent));
    // Nobody has taken it yet: the message stays beyond the usual 20 s, and the kiosk keeps asking.
    k.wait(25);
    assert_eq!(k.view().help, Some(Help::Sent));
    k.server.with(|s| s.taken.push(0));
    k.wait(4);
    let v = k.view();
    assert_eq!(v.help, Some(Help::Coming));
    assert_eq!(v.help_message, "A staff member is on the way to you now.");
    k.wait(21);
    assert_eq!(k.view().help, None);
}
