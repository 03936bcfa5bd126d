//! Headless UI tests (issue 3): the visitor's path by accessible labels, in Italian and Arabic.

use super::*;
use crate::controller::Controller;
use crate::demo::{self, FakeServer};
use crate::printer::{MemoryPrinter, PrinterError};
use crate::server::ServerError;
use i_slint_backend_testing::ElementHandle;
use std::cell::RefCell;
use std::time::{Duration, Instant};

struct Ui {
    window: AppWindow,
    c: Rc<RefCell<Controller>>,
    now: Rc<RefCell<Instant>>,
    server: FakeServer,
    printer: MemoryPrinter,
}

impl Ui {
    fn new() -> Ui {
        i_slint_backend_testing::init_no_event_loop();
        let window = AppWindow::new().unwrap();
        let server = FakeServer::new(demo::livorno());
        let printer = MemoryPrinter::default();
        let now = Rc::new(RefCell::new(Instant::now()));
        let c = Rc::new(RefCell::new(Controller::new(
            Box::new(server.clone()),
            Box::new(printer.clone()),
            false,
            *now.borrow(),
        )));
        c.borrow_mut().work(*now.borrow());
        let (c2, now2, weak) = (c.clone(), now.clone(), window.as_weak());
        // Synchronous stand-in for the controller thread: handle, work, show.
        wire(
            &window,
            Rc::new(move |input| {
                let now = *now2.borrow();
                let view = {
                    let mut c = c2.borrow_mut();
                    c.handle(input, now);
                    c.work(now);
                    c.view(now)
                };
                apply(&weak.upgrade().unwrap(), &view, None);
            }),
        );
        apply(&window, &c.borrow().view(*now.borrow()), None);
        window.show().unwrap();
        Ui { window, c, now, server, printer }
    }

    fn find(&self, label: &str) -> Vec<ElementHandle> {
        ElementHandle::find_by_accessible_label(&self.window, label).collect()
    }

    fn has(&self, label: &str) -> bool {
        !self.find(label).is_empty()
    }

    /// A deliberate touch, a second after the last (past the double-tap guard).
    fn touch(&self, label: &str) {
        *self.now.borrow_mut() += Duration::from_secs(1);
        let found = self.find(label);
        assert!(!found.is_empty(), "nothing labelled {label:?} on page {:?}", self.c.borrow().screen());
        found[0].invoke_accessible_default_action();
    }

    /// A touch `ms` milliseconds after the last one (the second tap of a double tap).
    fn tap_after(&self, ms: u64, label: &str) {
        *self.now.borrow_mut() += Duration::from_millis(ms);
        let found = self.find(label);
        assert!(!found.is_empty(), "nothing labelled {label:?}");
        found[0].invoke_accessible_default_action();
    }

    /// Touches the keypad's keys (the buttons, not the texts that show the same character).
    fn type_code(&self, code: &str) {
        for c in code.chars() {
            *self.now.borrow_mut() += Duration::from_secs(1);
            let key = self
                .find(&c.to_string())
                .into_iter()
                .find(|e| e.accessible_role() == Some(i_slint_backend_testing::AccessibleRole::Button));
            key.unwrap_or_else(|| panic!("no key {c:?}")).invoke_accessible_default_action();
        }
    }

    fn wait(&self, seconds: u64) {
        for _ in 0..seconds {
            *self.now.borrow_mut() += Duration::from_secs(1);
            let now = *self.now.borrow();
            let mut c = self.c.borrow_mut();
            c.tick(now);
            c.work(now);
        }
        let view = self.c.borrow().view(*self.now.borrow());
        apply(&self.window, &view, None);
    }
}

#[test]
fn italian_path_by_accessible_labels() {
    let ui = Ui::new();
    assert!(ui.has("Comandi in basso (sedia a rotelle)") || ui.has("Low-reach layout (wheelchair)"));
    ui.touch("Italiano");
    assert!(ui.has("Di cosa hai bisogno oggi?"));
    assert!(ui.has("Ricomincia"), "start over on every screen");
    assert!(ui.has("Ho bisogno di aiuto ora"));
    ui.touch("Lavoro");
    ui.touch("1");
    ui.touch("No");
    ui.touch("No, non serve");
    assert!(ui.has("Hai chiesto:") && ui.has("Lavoro") && ui.has("1 persona"), "the summary");
    assert!(ui.has("Indietro") && ui.has("Cambia"));
    ui.touch("Stampa il mio biglietto");
    assert!(ui.has("Il tuo numero: A023"), "the number is on screen");
    assert!(ui.has("Orientamento al lavoro"), "the service in the visitor's words");
    assert!(ui.has("Codice QR per seguire il tuo turno sul telefono"));
    assert_eq!(ui.printer.tickets().len(), 1);
    assert_eq!(ui.window.global::<KioskAdapter>().get_page(), Page::Ticket);
    ui.touch("Fatto");
    assert!(ui.has("Italiano") && ui.has("العربية"), "back to the languages");
}

#[test]
fn arabic_path_by_accessible_labels_right_to_left() {
    let ui = Ui::new();
    ui.touch("العربية");
    let adapter = ui.window.global::<KioskAdapter>();
    assert!(adapter.get_rtl());
    assert!(ui.has("ماذا تحتاج اليوم؟"));
    assert!(ui.has("ابدأ من جديد"));
    ui.touch("شيء آخر: التحدث مع شخص");
    ui.touch("أخصائي اجتماعي");
    ui.touch("2");
    ui.touch("نعم");
    ui.touch("العربية");
    assert!(ui.has("وسيط: العربية"), "the summary names the mediator");
    ui.touch("اطبع تذكرتي");
    assert!(ui.has("رقمك: A023"));
    let (request, _) = ui.server.with(|s| s.requests[0].clone());
    assert_eq!(request.needs, Some(vec!["group:families_young_children".into(), "mediator:ar".into()]));
    ui.touch("أحتاج إلى مساعدة الآن");
    assert!(ui.has("أبلغنا الموظفين: سيأتي أحدهم لمساعدتك."));
    assert_eq!(ui.server.with(|s| s.alerts[0].kind.clone()), "help_requested");
    ui.touch("حسنًا");
    assert_eq!(adapter.get_help_state(), 0);
}

#[test]
fn start_over_and_inactivity_warning_in_the_ui() {
    let ui = Ui::new();
    ui.touch("Italiano");
    ui.touch("Altro: parlare con qualcuno");
    ui.wait(45);
    assert!(ui.has("Mi serve più tempo"), "the warning is up");
    ui.touch("Mi serve più tempo");
    assert!(!ui.has("Mi serve più tempo"));
    assert!(ui.has("Con chi vuoi parlare?"), "answers kept");
    ui.touch("Ricomincia");
    assert!(ui.has("Italiano"));
}

#[test]
fn printer_failure_and_closed_service_in_the_ui() {
    let ui = Ui::new();
    ui.printer.fail_with(Some(PrinterError::CoverOpen));
    ui.touch("Italiano");
    ui.touch("Doccia e igiene");
    assert!(ui.has("Chiedi all'accoglienza: ti diranno quando tornare o dove andare."));
    assert!(!ui.window.global::<KioskAdapter>().get_message().contains("closed"), "no raw English reason");
    ui.touch("Ricomincia");
    ui.touch("Italiano");
    ui.touch("Lavoro");
    ui.touch("3");
    ui.touch("No");
    ui.touch("No, non serve");
    ui.touch("Stampa il mio biglietto");
    assert!(ui.has("Il tuo numero: A023"));
    assert!(ui.has("La stampante non funziona. Fai una foto allo schermo o ricorda il tuo numero."));
}

#[test]
fn offline_then_retry_in_the_ui() {
    let ui = Ui::new();
    ui.server.with(|s| s.reachable = false);
    ui.touch("Italiano");
    ui.touch("Lavoro");
    ui.touch("1");
    ui.touch("No");
    ui.touch("No, non serve");
    ui.touch("Stampa il mio biglietto");
    assert!(ui.has("Ora non possiamo dare biglietti. Per favore vai all'accoglienza."));
    ui.server.with(|s| s.reachable = true);
    ui.touch("Riprova");
    assert!(ui.has("Il tuo numero: A023"));
}

// Issue 3: the controller thread shows "one moment" before it talks to the server, then the ticket.
#[test]
fn controller_thread_publishes_views_in_order_and_stops_with_the_window() {
    let server = FakeServer::new(demo::livorno());
    let printer = MemoryPrinter::default();
    let mut c = Controller::new(Box::new(server.clone()), Box::new(printer.clone()), false, Instant::now());
    // The inputs arrive at once, faster than any finger: the double-tap guard is not under test here.
    c.timeouts.page_guard = Duration::ZERO;
    let (tx, rx) = mpsc::channel();
    let (views_tx, views) = mpsc::channel::<View>();
    let worker = std::thread::spawn(move || {
        controller_loop(c, rx, move |view, _| views_tx.send(view).unwrap(), Speaker::silent())
    });
    let next = || views.recv_timeout(Duration::from_secs(10)).expect("a view from the controller thread");
    let mut screens = vec![next().screen];
    while screens.last() != Some(&Screen::Language) {
        screens.push(next().screen);
    }
    let inputs = [Input::Language("it".into()), Input::Choose(2), Input::Choose(0), Input::Choose(1), Input::Choose(0)];
    for input in inputs.into_iter().chain([Input::Confirm]) {
        tx.send(input).unwrap();
    }
    while screens.last() != Some(&Screen::Ticket) {
        screens.push(next().screen);
    }
    assert_eq!(screens[0], Screen::Loading);
    assert_eq!(screens[screens.len() - 2], Screen::Issuing, "{screens:?}");
    assert_eq!(printer.tickets().len(), 1);
    drop(tx);
    worker.join().unwrap();
}

/// Issue 20: every fixed text of the screen exists in every language of the site (none empty, no
/// message id showing), the invitation names every language, and the countdown is a real plural.
#[test]
fn every_screen_text_in_every_site_language() {
    let site = demo::livorno();
    let ui = Ui::new();
    for lang in site.languages.iter().map(|l| l.code.as_str()) {
        let invitations = ui.window.global::<KioskAdapter>().get_invitations();
        let lines: Vec<String> = slint::Model::iter(&invitations).map(|l| l.text.into()).collect();
        assert!(lines.join(" ").contains(&texts::t(lang, texts::id::KIOSK_CHOOSE_LANGUAGE)), "{lang}: {lines:?}");
        let name = &site.languages.iter().find(|l| l.code == lang).unwrap().native_name;
        ui.touch(name);
        ui.wait(45);
        let t = ui.window.global::<KioskAdapter>().get_texts();
        let all = [
            &t.start_over,
            &t.help_now,
            &t.standard_layout,
            &t.low_reach_layout,
            &t.your_number,
            &t.ahead_and_wait,
            &t.qr_label,
            &t.scan_hint,
            &t.done,
            &t.no_connection,
            &t.go_to_reception,
            &t.starting,
            &t.try_again,
            &t.still_there,
            &t.going_back,
            &t.more_time,
            &t.calling_staff,
            &t.ok,
            &t.back,
            &t.print_ticket,
            &t.change,
            &t.listen,
            &t.repeat,
            &t.volume,
            &t.more_choices,
            &t.previous_choices,
            &t.no_desk_open,
        ];
        for text in all {
            assert!(!text.trim().is_empty() && !text.contains("kiosk-"), "{lang}: {:?}", t);
        }
        let seconds = ui.window.global::<KioskAdapter>().get_warning_seconds();
        assert_eq!(
            t.going_back.as_str(),
            texts::tf(lang, texts::id::KIOSK_GOING_BACK, &[("n", seconds.into())]),
            "{lang}"
        );
        ui.touch(&t.more_time);
        ui.touch(&t.start_over);
    }
    // Ukrainian and Arabic countdowns agree with their numbers.
    assert!(texts::tf("uk", texts::id::KIOSK_GOING_BACK, &[("n", 15.into())]).ends_with("15 секунд"));
    assert!(texts::tf("ar", texts::id::KIOSK_GOING_BACK, &[("n", 5.into())]).ends_with("5 ثوانٍ"));
}

// Issue 18: a double tap on a language does not answer the first question; a double tap on the party
// size does not answer "young children" — and the summary shows what was asked before anything is issued.
#[test]
fn double_taps_are_ignored_and_the_summary_comes_before_the_ticket() {
    let ui = Ui::new();
    ui.touch("Italiano");
    ui.tap_after(130, "Lavoro");
    assert!(ui.has("Di cosa hai bisogno oggi?"), "the second tap did not answer");
    ui.touch("Lavoro");
    ui.touch("2");
    ui.tap_after(140, "Sì");
    assert!(ui.has("Ci sono bambini piccoli con te?"), "still asked");
    ui.touch("No");
    ui.touch("Français");
    assert!(ui.has("Hai chiesto:"));
    assert!(ui.has("Lavoro") && ui.has("2 persone") && ui.has("Mediatore: Français"));
    assert!(ui.server.with(|s| s.requests.is_empty()), "nothing issued yet");
    ui.touch("Indietro");
    assert!(ui.has("Ti serve un mediatore o un interprete?"), "back to the last question");
    ui.touch("No, non serve");
    ui.touch("Cambia");
    assert!(ui.has("Di cosa hai bisogno oggi?"), "change: the questions again, in Italian");
    assert!(ui.has("Indietro"), "back from the first question leads to the languages");
}

// Issue 16: the check-in path by accessible labels: language → "I have an appointment" → the code on
// the keypad's keys → "Check in" → the appointment ticket on screen and on paper; a typo is said on
// the keypad without a server call; too early says when; too late leads to the normal path.
#[test]
fn appointment_check_in_by_accessible_labels() {
    let ui = Ui::new();
    let code = queue_core::code::Code::from_value(0x0f_1e2d_3c4b).unwrap().canonical();
    let ok = code.clone();
    ui.server.with(|s| s.appointments.insert(ok, Ok("lavoro".into())));
    assert!(!ui.has("Ho un appuntamento"), "not on the language screen");
    ui.touch("Italiano");
    ui.touch("Ho un appuntamento");
    let adapter = ui.window.global::<KioskAdapter>();
    assert_eq!(adapter.get_page(), Page::Appointment);
    assert!(ui.has("Scrivi il codice del tuo foglio di appuntamento"));
    let check_in = ui.find("Conferma l'arrivo");
    assert!(!check_in[0].accessible_enabled().unwrap_or(true), "check in waits for nine characters");
    ui.type_code(&code);
    let grouped = format!("{} {} {}", &code[..4], &code[4..8], &code[8..]);
    assert!(ui.has(&format!("Codice: {grouped}")), "the code shown grouped as on the slip");
    assert_eq!(adapter.get_code(), grouped.as_str());
    // The keys are all off at nine characters; "Check in" is on.
    let keys = adapter.get_keys();
    assert!(slint::Model::iter(&keys).all(|k| !k.enabled));
    ui.touch("Conferma l'arrivo");
    assert_eq!(adapter.get_page(), Page::Ticket);
    let number = adapter.get_ticket_number().to_string();
    assert!(number.starts_with('D'), "{number}");
    assert!(ui.has(&format!("Il tuo numero: {number}")));
    let printed = ui.printer.tickets();
    assert_eq!(printed.len(), 1);
    assert!(printed[0].windows(number.len()).any(|w| w == number.as_bytes()), "the number is on paper");
    ui.touch("Fatto");

    // Arabic: the same keypad, a typo caught locally.
    ui.touch("العربية");
    ui.touch("لدي موعد");
    assert!(adapter.get_rtl());
    let mut typo = code.clone();
    typo.replace_range(0..1, if typo.starts_with('0') { "1" } else { "0" });
    ui.type_code(&typo);
    ui.touch("سجّل وصولي");
    assert!(ui.has("في هذا الرمز خطأ في الكتابة: تحقّق منه."));
    assert_eq!(ui.server.with(|s| s.check_ins.len()), 1, "no server call for a typo");
    ui.touch("امسح الكل");
    assert_eq!(adapter.get_code(), "");

    // Too early: when, in the visitor's language; back to the code.
    let early = queue_core::code::Code::from_value(77).unwrap().canonical();
    let refused = ServerError::CheckIn { code: "too_early".into(), opens_at: Some("08:30".into()) };
    ui.server.with(|s| s.appointments.insert(early.clone(), Err(refused)));
    ui.type_code(&early);
    ui.touch("سجّل وصولي");
    assert_eq!(adapter.get_page(), Page::AppointmentEarly);
    assert!(ui.has("يبدأ تسجيل الوصول الساعة 08:30"));
    ui.touch("رجوع");
    assert_eq!(adapter.get_page(), Page::Appointment);

    // Too late: staff told, a normal ticket offered.
    let late = queue_core::code::Code::from_value(78).unwrap().canonical();
    let refused = ServerError::CheckIn { code: "too_late".into(), opens_at: None };
    ui.server.with(|s| s.appointments.insert(late.clone(), Err(refused)));
    ui.touch("امسح الكل");
    ui.type_code(&late);
    ui.touch("سجّل وصولي");
    assert!(ui.has("لقد فات وقت موعدك") && ui.has("أبلغنا الموظفين. خذ تذكرة عادية."));
    ui.touch("خذ تذكرة عادية");
    assert!(ui.has("ماذا تحتاج اليوم؟"), "the normal path, in Arabic");
    assert_eq!(ui.printer.tickets().len(), 1, "nothing more printed");
}
