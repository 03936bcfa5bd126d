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

    /// A deliberate touch, a second after the last (past the page-change guard).
    fn press(&mut self, input: Input) -> &mut Kit {
        self.now += Duration::from_secs(1);
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
            .press(Input::Choose(0))
            .press(Input::Confirm);
    }

    /// "Work", one person, no children, no mediator, confirmed, in the language already chosen.
    fn take_simple_ticket_in_current_language(&mut self) {
        self.press(Input::Choose(2))
            .press(Input::Choose(0))
            .press(Input::Choose(1))
            .press(Input::Choose(0))
            .press(Input::Confirm);
    }

    /// A touch `ms` milliseconds after the previous one (a double tap's second tap).
    fn tap_after(&mut self, ms: u64, input: Input) -> bool {
        self.now += Duration::from_millis(ms);
        let changed = self.c.handle(input, self.now);
        self.c.work(self.now);
        changed
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
    assert_eq!(k.screen(), Screen::Summary);
    let v = k.view();
    assert_eq!(v.title, "لقد طلبت:");
    let lines: Vec<&str> = v.summary.iter().map(|l| l.label.as_str()).collect();
    assert_eq!(lines.len(), 5, "{lines:?}");
    assert_eq!(lines[2], "شخصان", "two people, in Arabic plural");
    assert_eq!(lines[4], "وسيط: العربية");
    assert_eq!(v.summary[2].pictogram, "family");
    assert!(k.server.with(|s| s.requests.is_empty()), "nothing issued before the visitor confirms");
    k.press(Input::Confirm);
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
    assert_eq!((t.people_ahead, t.wait_minutes, &t.paper), (3, 9, &Paper::Printed));
    assert!(t.waiting_area.starts_with("انتظر"));
    let printed = k.printer.tickets();
    assert_eq!(printed.len(), 1);
    assert!(printed[0].windows(4).any(|w| w == b"A023"));
    let speech = k.view().speech_text();
    // The letter in Arabic ("إيه", not an English "A"), then the number.
    assert!(speech.contains("إيه 23") && speech.contains("9") && speech.contains("انتظر"), "{speech}");
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
    assert_eq!(v.ticket.as_ref().unwrap().paper, Paper::Failed("the printer is out of paper".into()));
    assert!(v.message.starts_with("La stampante non funziona"));
    let alert = k.server.with(|s| s.alerts[0].clone());
    assert_eq!(alert.kind, "printer_failure");
    assert_eq!(alert.ticket_number.as_deref(), Some("A023"));
    assert_eq!(alert.message.as_deref(), Some("Stampante del chiosco senza carta"));
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
    assert_eq!(v.speech_text(), "Ви ще тут? Незабаром почнемо спочатку.");
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
    assert_eq!(alerts[0].message.as_deref(), Some("Stampante del chiosco con il coperchio aperto"));
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

// Issue 18: the second tap of a double tap (120–150 ms) lands on the next page and must not answer it.
#[test]
fn a_double_tap_does_not_answer_the_next_question() {
    let mut k = Kit::new();
    k.press(Input::Language("it".into()));
    // "Italiano" tapped twice: the second tap falls where a choice of the next screen now is.
    assert!(!k.tap_after(130, Input::Choose(3)));
    assert_eq!(k.screen(), Screen::Question("need".into()));
    k.press(Input::Choose(2));
    assert_eq!(k.screen(), Screen::PartySize);
    // Party size tapped twice: the second tap would answer "yes, young children" (a priority ticket).
    k.press(Input::Choose(1));
    assert_eq!(k.screen(), Screen::Priority(0));
    assert!(!k.tap_after(140, Input::Choose(0)));
    assert_eq!(k.screen(), Screen::Priority(0), "still asked");
    // A deliberate touch after the guard answers.
    assert!(k.tap_after(600, Input::Choose(1)));
    assert_eq!(k.screen(), Screen::Mediator);
    k.press(Input::Choose(0)).press(Input::Confirm);
    let (request, _) = k.server.with(|s| s.requests[0].clone());
    assert_eq!(request.priority, Some(Priority::Standard));
    assert_eq!(request.needs, Some(vec![]));
}

// Issue 18: "Back" on every question undoes its answer; "Change" on the summary starts the questions again.
#[test]
fn back_undoes_each_answer_and_change_restarts_the_questions() {
    let mut k = Kit::new();
    k.press(Input::Language("en".into()));
    assert!(k.view().can_go_back);
    k.press(Input::Choose(2)).press(Input::Choose(3));
    assert_eq!(k.screen(), Screen::Priority(0));
    k.press(Input::Choose(0));
    assert_eq!(k.screen(), Screen::Mediator);
    k.press(Input::Back);
    assert_eq!(k.screen(), Screen::Priority(0));
    k.press(Input::Choose(1)).press(Input::Choose(0));
    assert_eq!(k.screen(), Screen::Summary);
    let labels: Vec<String> = k.view().summary.into_iter().map(|l| l.label).collect();
    assert_eq!(labels, vec!["Work", "4 people"], "the 'yes, children' answer was undone");
    k.press(Input::Back).press(Input::Back).press(Input::Back);
    assert_eq!(k.screen(), Screen::PartySize);
    k.press(Input::Back);
    assert_eq!(k.screen(), Screen::Question("need".into()));
    k.press(Input::Back);
    assert_eq!(k.screen(), Screen::Language);
    assert!(!k.view().can_go_back);
    k.press(Input::Language("en".into())).press(Input::Choose(2)).press(Input::Choose(0));
    k.press(Input::Choose(1)).press(Input::Choose(0));
    assert_eq!(k.screen(), Screen::Summary);
    k.press(Input::Change);
    assert_eq!((k.screen(), k.view().lang), (Screen::Question("need".into()), "en".to_string()));
    k.press(Input::Choose(0)).press(Input::Choose(0)).press(Input::Choose(1)).press(Input::Choose(0));
    let labels: Vec<String> = k.view().summary.into_iter().map(|l| l.label).collect();
    assert_eq!(labels, vec!["A bed for the night", "1 person"]);
    k.press(Input::Confirm);
    assert_eq!(k.server.with(|s| s.requests[0].0.service.as_str().to_string()), "letto");
}

// Issue 18: read-aloud reads the question and every option with its number; a touch then speaks the
// option and waits for a confirming touch.
#[test]
fn read_aloud_speaks_options_and_asks_for_a_confirming_touch() {
    let mut k = Kit::new();
    let start = k.view().speech;
    let langs: Vec<&str> = start.iter().map(|u| u.lang.as_str()).collect();
    assert_eq!(langs, vec!["it", "en", "fr", "ar", "ro", "uk"], "the invitation in every language, each in its voice");
    assert_eq!(start[3].text, "اختر لغتك");
    k.press(Input::Language("en".into()));
    assert_eq!(k.view().speech_text(), "What do you need today?");
    k.press(Input::Listen);
    let speech = k.view().speech_text();
    assert!(speech.starts_with("What do you need today? 1: A bed for the night. 2:"), "{speech}");
    assert!(speech.contains("4: Something else: talk to someone."), "{speech}");
    k.press(Input::Choose(3));
    assert_eq!(k.screen(), Screen::Question("need".into()), "not chosen yet");
    assert_eq!(k.view().confirming, Some(3));
    assert_eq!(k.view().speech_text(), "You touched: Something else: talk to someone. Touch it again to confirm.");
    k.press(Input::Choose(3));
    assert_eq!(k.screen(), Screen::Question("other".into()));
    assert!(k.view().speech_text().contains("1: "), "still reading options");
    let round = k.view().speech_round;
    k.press(Input::Repeat);
    assert_eq!(k.view().speech_round, round + 1);
    let volumes: Vec<u32> = (0..3).map(|_| k.press(Input::Volume).view().volume).collect();
    assert_eq!(volumes, vec![VOLUMES[2], VOLUMES[0], VOLUMES[1]]);
}

// Issue 18: with `--printer none` the screen is the ticket: nothing is said to be broken, nobody alerted.
#[test]
fn a_screen_only_kiosk_never_says_the_printer_is_broken() {
    let server = FakeServer::new(demo::livorno());
    let now = Instant::now();
    let mut c = Controller::new(Box::new(server.clone()), Box::new(crate::printer::NoPrinter), false, now);
    c.work(now);
    let mut t = now;
    for input in [Input::Language("it".into()), Input::Choose(2), Input::Choose(0), Input::Choose(1)] {
        t += Duration::from_secs(1);
        c.handle(input, t);
        c.work(t);
    }
    t += Duration::from_secs(1);
    c.handle(Input::Choose(0), t);
    assert!(!c.view(t).makes_paper);
    t += Duration::from_secs(1);
    c.handle(Input::Confirm, t);
    c.work(t);
    let v = c.view(t);
    assert_eq!(v.ticket.as_ref().unwrap().paper, Paper::ScreenOnly);
    assert!(!v.message.contains("non funziona"), "{}", v.message);
    assert!(v.message.starts_with("Questo chiosco non stampa"), "{}", v.message);
    assert!(server.with(|s| s.alerts.is_empty()));
}

// Issue 18: idle at the start, the kiosk notices a server that went down, without waiting for a visitor.
#[test]
fn the_start_screen_says_at_once_when_the_server_is_down() {
    let mut k = Kit::new();
    k.server.with(|s| s.reachable = false);
    k.wait(16);
    assert_eq!(k.screen(), Screen::Offline);
    k.server.with(|s| s.reachable = true);
    k.wait(11);
    assert_eq!(k.screen(), Screen::Language);
}

// Issue 18: a closed service says when it opens, a full one says so, in the visitor's words.
#[test]
fn closed_services_say_when_they_open_in_the_visitors_language() {
    let mut info = demo::livorno();
    let docce = info.services.iter_mut().find(|s| s.id.as_str() == "docce").unwrap();
    docce.opens_at = Some("2026-11-24T09:00:00+01:00".into());
    let mut k = Kit::with(FakeServer::new(info));
    k.press(Input::Language("ar".into())).press(Input::Choose(1));
    let m = k.view().message;
    assert!(m.starts_with("تفتح مرة أخرى في 24/11 09:00."), "{m}");
    assert!(!m.contains("closed"), "{m}");
    let mut k = Kit::new();
    k.server.with(|s| {
        s.refuse_next_issue =
            Some(ServerError::Closed { code: "daily_cap_reached".into(), message: "full today".into() })
    });
    k.press(Input::Language("en".into()));
    k.take_simple_ticket_in_current_language();
    let m = k.view().message;
    assert!(m.starts_with("Today's tickets for this service have all been given."), "{m}");
    assert!(!m.contains("full today"));
}

// Issue 18: no open desk for the service: no "0 min", but "no desk is open for this now".
#[test]
fn no_open_desk_is_said_instead_of_a_wait() {
    let mut info = demo::livorno();
    info.services.iter_mut().for_each(|s| s.open_desks = 0);
    let mut k = Kit::with(FakeServer::new(info));
    k.take_simple_ticket();
    let t = k.view().ticket.unwrap();
    assert!(t.no_desk_open);
    assert!(k.view().speech_text().contains("Ora nessuno sportello è aperto per questo servizio"));
    let dump = crate::ticket::dump(&k.printer.tickets()[0]);
    assert!(dump.contains("Ora nessuno sportello"), "{dump}");
    assert!(!dump.contains("Attesa stimata"), "{dump}");
}

// Issue 18: staff read where the visitor is, in words (not `Question("need") (ar)`).
#[test]
fn help_alerts_read_as_text() {
    let mut k = Kit::new();
    k.press(Input::Language("ar".into())).press(Input::Help);
    let message = k.server.with(|s| s.alerts[0].message.clone()).unwrap();
    assert_eq!(message, "Schermo: Di cosa hai bisogno oggi? · lingua: العربية (ar)");
}

// Issue 18: paper near its end: staff are told once, before it runs out; the ticket still prints.
#[test]
fn paper_near_end_alerts_staff_once() {
    let mut k = Kit::new();
    k.printer.set_paper(crate::printer::Paper::NearEnd);
    k.take_simple_ticket();
    assert_eq!(k.view().ticket.unwrap().paper, Paper::Printed);
    k.press(Input::Done);
    k.take_simple_ticket();
    let alerts = k.server.with(|s| s.alerts.clone());
    assert_eq!(alerts.len(), 1, "{alerts:?}");
    assert_eq!(alerts[0].kind, "printer_failure");
    assert_eq!(
        alerts[0].message.as_deref(),
        Some("Carta quasi finita nella stampante del chiosco: cambiare il rotolo")
    );
    k.printer.set_paper(crate::printer::Paper::Enough);
    k.press(Input::Done);
    k.printer.set_paper(crate::printer::Paper::NearEnd);
    k.press(Input::StartOver);
    assert_eq!(k.server.with(|s| s.alerts.len()), 2, "told again for the next roll");
}

// Issue 18: the QR carries the site's public_url, not the address the kiosk reaches the server at; the
// ticket names the service in the visitor's words.
#[test]
fn the_qr_uses_the_sites_public_url_and_the_ticket_names_the_service() {
    let mut info = demo::livorno();
    info.public_url = Some("https://sportello.comune.livorno.it".into());
    let mut k = Kit::with(FakeServer::new(info));
    k.press(Input::Language("uk".into()));
    k.take_simple_ticket_in_current_language();
    let t = k.view().ticket.unwrap();
    assert_eq!(t.qr_url, "https://sportello.comune.livorno.it/t/tok0023");
    assert_eq!(t.service_name, "Допомога з пошуком роботи");
    let dump = crate::ticket::dump(&k.printer.tickets()[0]);
    assert!(dump.matches("RASTER").count() >= 5, "{dump}");
}

/// A print job from reception for the fake server to hand out (the issue answer of a fake ticket).
fn reception_job(server: &FakeServer, id: &str, language: &str) -> TicketView {
    let mut other = server.clone();
    let request = IssueRequest { service: "lavoro".into(), language: Some(language.into()), ..IssueRequest::default() };
    let ticket = other.issue(&request, &format!("reception-{id}")).unwrap();
    server.with(|s| s.print_jobs.push(PrintJob { id: id.into(), ticket: ticket.clone() }));
    ticket
}

// Issue 19: reception's tickets print between visitors, in the visitor's language, and are answered.
#[test]
fn reception_tickets_print_between_visitors_in_their_language() {
    let mut k = Kit::new();
    // A visitor is on their path: nothing is taken, nothing printed under their hands.
    k.press(Input::Language("it".into())).press(Input::Choose(2));
    let ticket = reception_job(&k.server, "job-1", "uk");
    k.wait(10);
    assert!(k.printer.tickets().is_empty());
    assert_eq!(k.server.with(|s| s.print_jobs.len()), 1, "not taken while a visitor is on their path");
    // Back at the start and quiet for a moment: printed, in Ukrainian, and answered.
    k.press(Input::StartOver);
    k.wait(4);
    let printed = k.printer.tickets();
    assert_eq!(printed.len(), 1);
    assert!(printed[0].windows(ticket.number.len()).any(|w| w == ticket.number.as_bytes()));
    let (print, _) = k.c.print_ticket(&ticket, "uk");
    assert_eq!(printed[0], ticket::escpos_bytes(&print), "the ticket in Ukrainian, the kiosk's own layout");
    assert_eq!(k.view().lang, "it", "the screen stays in its language");
    let results = k.server.with(|s| s.print_results.clone());
    assert_eq!(results, vec![("job-1".to_string(), PrintResult { printed: true, error: None })]);

    // Out of paper: answered with the reason.
    k.printer.fail_with(Some(PrinterError::PaperOut));
    reception_job(&k.server, "job-2", "ar");
    k.wait(4);
    let results = k.server.with(|s| s.print_results.clone());
    assert_eq!(results[1], ("job-2".to_string(), PrintResult { printed: false, error: Some("paper_out".into()) }));
    assert_eq!(k.printer.tickets().len(), 1);
}

/// A well-formed appointment code (its check character right), as the slip prints it.
fn appointment_code(value: u64) -> String {
    queue_core::code::Code::from_value(value).unwrap().canonical()
}

impl Kit {
    fn type_code(&mut self, code: &str) -> &mut Kit {
        for c in code.chars() {
            self.press(Input::Key(c));
        }
        self
    }

    /// A booking the fake server answers `answer` for.
    fn book(&mut self, value: u64, answer: Result<&str, ServerError>) -> String {
        let code = appointment_code(value);
        let answer = answer.map(ServiceId::new);
        self.server.with(|s| s.appointments.insert(code.clone(), answer));
        code
    }
}

// Issue 16: language → "I have an appointment" → the code on the keypad → the appointment ticket,
// printed like any ticket, in the visitor's language.
#[test]
fn appointment_check_in_prints_the_ticket_in_the_visitors_language() {
    let mut k = Kit::new();
    let code = k.book(0x12_3456_789a, Ok("lavoro"));
    assert!(!k.view().offer_appointment, "not before a language is chosen");
    k.press(Input::Appointment);
    assert_eq!(k.screen(), Screen::Language);
    k.press(Input::Language("uk".into()));
    assert!(k.view().offer_appointment, "offered on the first question");
    k.press(Input::Appointment);
    assert_eq!(k.screen(), Screen::Appointment);
    assert!(!k.view().offer_appointment);
    assert_eq!(k.view().title, "Введіть код з вашого талона запису");
    // Keys outside the alphabet, and a check-only symbol before the ninth place, are refused.
    k.press(Input::Key('I')).press(Input::Key('*')).press(Input::Key('u'));
    assert_eq!(k.view().code_len, 0);
    k.type_code(&code[..6]);
    assert_eq!(k.view().code, format!("{} {}", &code[..4], &code[4..6]));
    k.press(Input::Backspace).press(Input::ClearCode);
    assert_eq!(k.view().code_len, 0);
    k.type_code(&code[..8]);
    k.press(Input::Confirm);
    assert_eq!(k.screen(), Screen::Appointment, "eight characters are not a code yet");
    k.type_code(&code[8..]);
    assert_eq!(k.view().code, format!("{} {} {}", &code[..4], &code[4..8], &code[8..]));
    k.press(Input::Key('0'));
    assert_eq!(k.view().code_len, 9, "nothing after the check character");
    k.press(Input::Confirm);
    assert_eq!(k.screen(), Screen::Ticket, "{}", k.view().message);
    let request = k.server.with(|s| s.check_ins[0].clone());
    assert_eq!((request.code.as_str(), request.language.as_str()), (code.as_str(), "uk"));
    let shown = k.view().ticket.unwrap();
    assert!(shown.number.starts_with('D'), "{}", shown.number);
    assert_eq!(shown.paper, Paper::Printed);
    let printed = k.printer.tickets();
    assert_eq!(printed.len(), 1);
    assert!(printed[0].windows(shown.number.len()).any(|w| w == shown.number.as_bytes()));
    k.press(Input::Done);
    assert_eq!(k.screen(), Screen::Language);
    assert_eq!(k.view().code_len, 0, "the code is forgotten with the visitor");
}

// Issue 16: a typo is caught by the check character without asking the server; too early says
// when (and goes back to the code); too late offers the normal path; used, unknown, 429 and a
// server away say so on the keypad with the code kept, nothing printed.
#[test]
fn appointment_refusals_say_why_and_print_nothing() {
    let mut k = Kit::new();
    let early = k.book(1001, Err(ServerError::CheckIn { code: "too_early".into(), opens_at: Some("08:30".into()) }));
    let late = k.book(1002, Err(ServerError::CheckIn { code: "too_late".into(), opens_at: None }));
    let used = k.book(1003, Err(ServerError::CheckIn { code: "code_used".into(), opens_at: None }));
    let limited = k.book(1004, Err(ServerError::RateLimited("too many wrong codes".into())));
    k.press(Input::Language("it".into())).press(Input::Appointment);

    // A typo: one character changed.
    let mut typo = early.clone();
    typo.replace_range(0..1, if typo.starts_with('0') { "1" } else { "0" });
    k.type_code(&typo).press(Input::Confirm);
    assert_eq!(k.screen(), Screen::Appointment);
    assert_eq!(k.view().message, "Questo codice ha un errore di battitura: controllalo.");
    assert!(k.server.with(|s| s.check_ins.is_empty()), "no server call for a typo");
    k.press(Input::Backspace);
    assert_eq!(k.view().message, "", "correcting clears the message");

    k.press(Input::ClearCode).type_code(&early).press(Input::Confirm);
    assert_eq!(k.screen(), Screen::AppointmentEarly);
    assert_eq!(k.view().title, "L'accettazione apre alle 08:30");
    assert!(k.view().can_go_back);
    k.press(Input::Back);
    assert_eq!((k.screen(), k.view().code_len), (Screen::Appointment, 9), "back to the code, kept");

    for (code, message) in [
        (&used, "Questo codice è già stato usato. Se non sei stato tu, chiedi all'accoglienza."),
        (
            &appointment_code(999_999),
            "Non conosciamo questo codice. Confrontalo con il tuo foglio, oppure chiedi all'accoglienza.",
        ),
        (&limited, "Troppi codici sbagliati. Aspetta un minuto, poi riprova."),
    ] {
        k.press(Input::ClearCode).type_code(code).press(Input::Confirm);
        assert_eq!((k.screen(), k.view().message.as_str()), (Screen::Appointment, message));
        assert_eq!(k.view().code_len, 9, "the code stays to correct");
    }
    k.server.with(|s| s.reachable = false);
    k.press(Input::Confirm);
    assert_eq!(k.screen(), Screen::Appointment);
    assert!(k.view().message.starts_with("Ora non possiamo controllare il tuo codice"), "{}", k.view().message);
    k.server.with(|s| s.reachable = true);

    k.press(Input::ClearCode).type_code(&late).press(Input::Confirm);
    assert_eq!(k.screen(), Screen::AppointmentLate);
    let v = k.view();
    assert_eq!(v.title, "L'ora del tuo appuntamento è passata");
    assert_eq!(v.message, "Abbiamo avvisato il personale. Prendi un biglietto normale.");
    assert!(k.printer.tickets().is_empty(), "nothing printed on any refusal");
    k.press(Input::WalkIn);
    assert_eq!(k.screen(), Screen::Question("need".into()), "the normal path, in Italian");
    assert_eq!(k.view().lang, "it");
    k.take_simple_ticket_in_current_language();
    assert_eq!(k.screen(), Screen::Ticket);
    assert_eq!(k.printer.tickets().len(), 1);
}

// Issue 16: the keypad times out back to the start like every page; a site without appointments
// never offers it.
#[test]
fn appointment_keypad_times_out_and_is_offered_only_where_bookings_are_taken() {
    let mut k = Kit::new();
    k.press(Input::Language("ar".into())).press(Input::Appointment).type_code("7K3");
    assert!(k.view().rtl);
    k.wait(45);
    assert!(k.view().warning_seconds.is_some(), "are you still there?");
    k.wait(20);
    assert_eq!((k.screen(), k.view().code_len), (Screen::Language, 0));

    let mut info = demo::livorno();
    info.appointments = false;
    let mut k = Kit::with(FakeServer::new(info));
    k.press(Input::Language("it".into()));
    assert!(!k.view().offer_appointment);
    k.press(Input::Appointment);
    assert_eq!(k.screen(), Screen::Question("need".into()));
}

/// The fleet and the staff pages hear how the kiosk's printer is: between visitors, once a minute,
/// and soon after it changed; a server that is away hears it when it is back.
#[test]
fn the_printer_health_is_reported_between_visitors() {
    let mut k = Kit::new();
    let reports = |k: &Kit| k.server.with(|s| s.health.clone());
    let printers = |k: &Kit| reports(k).iter().map(|r| r.printer.clone().unwrap_or_default()).collect::<Vec<_>>();
    k.wait(4);
    assert_eq!(printers(&k), ["ok"], "the first report, idle on the start screen");
    let first = &reports(&k)[0];
    assert_eq!((first.sound.as_deref(), first.version.as_deref()), (None, Some(env!("CARGO_PKG_VERSION"))));
    k.wait(30);
    assert_eq!(printers(&k).len(), 1, "not more than once a minute while nothing changes");
    k.wait(30);
    assert_eq!(printers(&k), ["ok", "ok"]);

    // Paper near its end, seen by the check after a visitor: told within seconds, not a minute.
    k.printer.set_paper(crate::printer::Paper::NearEnd);
    k.take_simple_ticket();
    k.wait(31 + 4);
    assert_eq!(k.screen(), Screen::Language);
    assert_eq!(printers(&k), ["ok", "ok", "paper_low"]);

    // Out of paper while idle: the minute's check finds it, with what went wrong.
    k.printer.fail_with(Some(PrinterError::PaperOut));
    k.wait(61);
    let last = reports(&k).last().cloned().unwrap();
    assert_eq!(last.printer.as_deref(), Some("failing"));
    assert_eq!(last.detail.as_deref(), Some("the printer is out of paper"));

    // The server away: nothing is lost but the moment; the state goes once it is back.
    k.printer.fail_with(None);
    k.printer.set_paper(crate::printer::Paper::Enough);
    k.server.with(|s| s.reachable = false);
    let before = reports(&k).len();
    k.wait(70);
    assert_eq!(reports(&k).len(), before);
    k.server.with(|s| s.reachable = true);
    k.wait(80);
    assert_eq!(reports(&k).last().unwrap().printer.as_deref(), Some("ok"), "{:?}", printers(&k));
}

/// A kiosk without a printer says so (`none`): the fleet does not take it for a broken one.
#[test]
fn a_kiosk_without_a_printer_reports_none() {
    let server = FakeServer::new(demo::livorno());
    let now = Instant::now();
    let mut c = Controller::new(Box::new(server.clone()), Box::new(crate::printer::NoPrinter), false, now);
    c.work(now);
    for s in 1..5 {
        let t = now + Duration::from_secs(s);
        c.tick(t);
        c.work(t);
    }
    let printers: Vec<_> = server.with(|s| s.health.iter().map(|r| r.printer.clone()).collect());
    assert_eq!(printers, [Some("none".to_owned())]);
}
