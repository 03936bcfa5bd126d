//! Issue #3: the kiosk's real controller against the real server — a visitor answers in Arabic,
//! the ticket exists on the server with the answers given, and the printed ticket carries its
//! number and the QR of its status URL.

use kiosk::controller::{Controller, Input, Paper, Screen};
use kiosk::printer::MemoryPrinter;
use kiosk::server::HttpServer;
use std::time::{Duration, Instant};
use tests::StatusCode;
use tests::{LIVORNO, TestServer, data, kiosk_key};

/// Answers by label, as a visitor would see them; returns the controller when the ticket shows.
fn take_ticket(base: &str, printer: MemoryPrinter) -> Controller {
    let server = HttpServer::new(base, LIVORNO, &kiosk_key(LIVORNO)).expect("client");
    let start = Instant::now();
    let mut c = Controller::new(Box::new(server), Box::new(printer), false, start);
    c.work(start);
    // A visitor's pace: a second between touches (a touch within half a second of a page change is
    // the second tap of a double tap, and ignored).
    let clock = std::cell::Cell::new(start);
    let now = || clock.get();
    let step = |c: &mut Controller, input: Input| {
        clock.set(clock.get() + Duration::from_secs(1));
        c.handle(input, clock.get());
        c.work(clock.get());
    };
    step(&mut c, Input::Language("ar".into()));
    assert_eq!(*c.screen(), Screen::Question("need".into()));
    let choose = |c: &Controller, label: &str| {
        let view = c.view(now());
        assert!(view.rtl, "Arabic is right-to-left");
        Input::Choose(
            view.choices
                .iter()
                .position(|ch| ch.label == label)
                .unwrap_or_else(|| panic!("no '{label}' in {:?}", view.choices)),
        )
    };
    let work = choose(&c, "العمل");
    step(&mut c, work);
    let job = choose(&c, "البحث عن عمل");
    step(&mut c, job);
    assert_eq!(*c.screen(), Screen::PartySize);
    step(&mut c, Input::Choose(1)); // two people
    // Priority questions: young children yes, disability no, pregnancy no.
    for answer in [0, 1, 1] {
        assert!(matches!(c.screen(), Screen::Priority(_)), "{:?}", c.screen());
        step(&mut c, Input::Choose(answer));
    }
    assert_eq!(*c.screen(), Screen::Mediator);
    let view = c.view(now());
    let arabic = view.choices.iter().position(|ch| ch.label == "العربية").expect("Arabic mediator");
    step(&mut c, Input::Choose(arabic));
    // The summary before the ticket: what was asked for, in Arabic; then "Print my ticket".
    assert_eq!(*c.screen(), Screen::Summary);
    let summary: Vec<String> = c.view(now()).summary.into_iter().map(|l| l.label).collect();
    assert!(summary.iter().any(|l| l.contains("العربية")), "{summary:?}");
    step(&mut c, Input::Confirm);
    assert_eq!(*c.screen(), Screen::Ticket, "{}", c.view(now()).message);
    c
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_ticket_taken_at_the_kiosk_in_arabic_is_stored_with_the_answers() {
    let server = TestServer::start().await;
    let admin = server.staff("admin").await;
    let mut staff_stream = admin.events(LIVORNO, None).await;
    let printer = MemoryPrinter::default();
    let base = server.url.clone();
    let p = printer.clone();
    // The kiosk's HTTP client is blocking: it runs on its own thread, as in the app.
    let c = tokio::task::spawn_blocking(move || take_ticket(&base, p)).await.unwrap();
    let shown = c.view(Instant::now()).ticket.expect("the ticket is shown");
    assert_eq!(shown.paper, Paper::Printed);
    assert!(shown.qr_url.starts_with(&format!("{}/t/", server.url)), "{}", shown.qr_url);

    // The server has it, with the visitor's answers.
    let issued = loop {
        let m = staff_stream.next_with_id(Duration::from_secs(10)).await.expect("the issue is streamed");
        if m.event == "ticket.issued" {
            break m;
        }
    };
    let id = data(&issued)["staff"]["ticket_id"].as_str().unwrap().to_owned();
    let (status, t) = admin.get(&format!("/api/v1/tickets/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(t["number"], shown.number.as_str());
    assert_eq!(t["service"], "lavoro");
    assert_eq!(t["language"], "ar");
    assert_eq!(t["party_size"], 2);
    assert_eq!(t["priority"], "priority");
    let needs: Vec<&str> = t["needs"].as_array().unwrap().iter().map(|n| n.as_str().unwrap()).collect();
    assert!(needs.contains(&"group:families_young_children") && needs.contains(&"mediator:ar"), "{needs:?}");

    // The public view through the QR code's token.
    let token = shown.qr_url.rsplit('/').next().unwrap();
    let (status, public) = server.client().get(&format!("/api/v1/public/tickets/{token}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(public["number"], shown.number.as_str());

    // The QR code opens the visitor's ticket page, in Arabic.
    let page = shown.qr_url.strip_prefix(&server.url).expect("the QR code points to this server");
    let (_, html) = server.client().get(page).await;
    let html = html.as_str().expect("a page").to_owned();
    assert!(html.contains(&shown.number) && html.contains(r#"dir="rtl""#), "{html}");

    // The printed bytes carry the number.
    let printed = printer.tickets();
    assert_eq!(printed.len(), 1);
    let number = shown.number.as_bytes();
    assert!(printed[0].windows(number.len()).any(|w| w == number), "the number is printed");
    server.stop().await;
}
