//! Issue 19 (reception): a ticket issued at the desk with `print_at` is printed by the chosen
//! kiosk — the real kiosk controller with its memory printer, over HTTP — in the visitor's
//! language; the result reaches the staff's `GET /api/v1/print-jobs/{id}`; a failing printer says
//! why; another site's kiosk can neither take nor answer it; an untaken job expires.

use kiosk::controller::{Controller, Screen};
use kiosk::printer::{MemoryPrinter, PrinterError};
use kiosk::server::HttpServer;
use serde_json::{Value, json};
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, Instant};
use tests::{Client, GROSSETO, LIVORNO, StatusCode, TestServer, kiosk_key};

/// The id of the demo kiosk of `site` (`GET /api/v1/sites/{site}/devices`, as the desk page finds it).
async fn kiosk_id(staff: &Client, site: &str) -> String {
    let (status, devices) = staff.get(&format!("/api/v1/sites/{site}/devices")).await;
    assert_eq!(status, StatusCode::OK, "{devices}");
    let kiosk = devices.as_array().unwrap().iter().find(|d| d["kind"] == "kiosk").expect("a kiosk");
    kiosk["id"].as_str().unwrap().to_owned()
}

/// A kiosk controller on its start screen, as it stands between visitors.
fn idle_kiosk(base: &str, site: &str, printer: MemoryPrinter) -> (Controller, Instant) {
    let server = HttpServer::new(base, site, &kiosk_key(site)).expect("client");
    let start = Instant::now();
    let mut c = Controller::new(Box::new(server), Box::new(printer), false, start);
    c.work(start);
    assert_eq!(*c.screen(), Screen::Language);
    (c, start)
}

/// Time passes on the quiet start screen: the kiosk takes and prints its jobs.
fn idle_for(c: &mut Controller, at: Instant) {
    c.tick(at);
    c.work(at);
}

/// The QR codes of printed ESC/POS bytes, decoded from their `GS v 0` rasters.
fn qr_codes(bytes: &[u8]) -> Vec<String> {
    kiosk::ticket::rasters(bytes)
        .iter()
        .filter_map(|b| {
            let mut img =
                rqrr::PreparedImage::prepare_from_greyscale(
                    b.width,
                    b.height,
                    |x, y| {
                        if b.get(x, y) { 0 } else { 255 }
                    },
                );
            img.detect_grids().first().and_then(|g| g.decode().ok()).map(|(_, content)| content)
        })
        .collect()
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

async fn issue_at(staff: &Client, body: Value) -> Value {
    let (status, t) = staff.post(&format!("/api/v1/sites/{LIVORNO}/tickets"), body).await;
    assert_eq!(status, StatusCode::CREATED, "{t}");
    t
}

async fn waiting_count(staff: &Client) -> usize {
    let (_, w) = staff.get(&format!("/api/v1/sites/{LIVORNO}/waiting")).await;
    w["tickets"].as_array().map_or(0, Vec::len)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reception_tickets_print_at_the_chosen_kiosk_in_the_visitors_language() {
    let server = TestServer::start().await;
    let staff = server.staff("giulia").await;
    let kiosk = kiosk_id(&staff, LIVORNO).await;

    // Two visitors who cannot use the kiosk: one in English, one in Arabic.
    let en = issue_at(&staff, json!({"service": "lavoro", "language": "en", "print_at": kiosk})).await;
    let ar = issue_at(&staff, json!({"service": "lavoro", "language": "ar", "print_at": kiosk})).await;
    let job_en = en["print_job"].as_str().expect("a print job").to_owned();
    let job_ar = ar["print_job"].as_str().expect("a print job").to_owned();
    let (_, view) = staff.get(&format!("/api/v1/print-jobs/{job_en}")).await;
    assert_eq!(view["status"], "queued", "{view}");
    assert_eq!(view["number"], en["number"]);

    // Grosseto's kiosk takes nothing of Livorno's, and cannot answer for it.
    let grosseto = server.kiosk(GROSSETO).await;
    let (status, jobs) = grosseto.get("/api/v1/devices/print-jobs").await;
    assert_eq!((status, jobs), (StatusCode::OK, json!([])));
    let (status, err) = grosseto.post(&format!("/api/v1/print-jobs/{job_en}/result"), json!({"printed": true})).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{err}");
    // Answering before taking is refused, and changes nothing.
    let here = server.kiosk(LIVORNO).await;
    let (status, err) = here.post(&format!("/api/v1/print-jobs/{job_en}/result"), json!({"printed": true})).await;
    assert_eq!(status, StatusCode::CONFLICT, "{err}");

    // The real kiosk, idle on its start screen, prints both.
    let printer = MemoryPrinter::default();
    let (base, p) = (server.url.clone(), printer.clone());
    let c = tokio::task::spawn_blocking(move || {
        let (mut c, start) = idle_kiosk(&base, LIVORNO, p);
        idle_for(&mut c, start + Duration::from_secs(4));
        c
    })
    .await
    .unwrap();
    assert_eq!(*c.screen(), Screen::Language, "the start screen stays as it was");
    let printed = printer.tickets();
    assert_eq!(printed.len(), 2, "each job printed once");
    for (bytes, t) in printed.iter().zip([&en, &ar]) {
        let number = t["number"].as_str().unwrap();
        assert!(contains(bytes, number.as_bytes()), "{number} is printed");
        let url = format!("{}{}", server.url, t["status_url"].as_str().unwrap());
        assert_eq!(qr_codes(bytes), vec![url], "the QR code is the ticket's status URL");
    }
    // In the visitor's language, not the kiosk's screen language (Italian).
    // (Its first sentence: the line is wrapped at the paper's width.)
    let privacy = |lang| texts::t(lang, texts::id::KIOSK_PAPER_PRIVACY).split('.').next().unwrap().to_owned();
    assert!(contains(&printed[0], privacy("en").as_bytes()), "English ticket");
    assert!(!contains(&printed[0], privacy("it").as_bytes()));
    assert!(kiosk::ticket::rasters(&printed[1]).len() > 2, "the Arabic lines are printed as images");
    assert!(!contains(&printed[1], privacy("it").as_bytes()) && !contains(&printed[1], privacy("en").as_bytes()));

    for job in [&job_en, &job_ar] {
        let (_, view) = staff.get(&format!("/api/v1/print-jobs/{job}")).await;
        assert_eq!(view["status"], "printed", "{view}");
        assert!(view["done_at"].is_string());
    }
    // A retried answer is answered the same; a different one is refused.
    let again = here.post(&format!("/api/v1/print-jobs/{job_en}/result"), json!({"printed": true})).await;
    assert_eq!(again.0, StatusCode::OK, "{}", again.1);
    assert_eq!(again.1["status"], "printed");
    let other = here
        .post(&format!("/api/v1/print-jobs/{job_en}/result"), json!({"printed": false, "error": "paper_out"}))
        .await;
    assert_eq!(other.0, StatusCode::CONFLICT, "{}", other.1);
    let (_, jobs) = here.get("/api/v1/devices/print-jobs").await;
    assert_eq!(jobs, json!([]), "a printed job is not handed out again");

    // Out of paper: not printed, and the staff are told why.
    let failing = issue_at(&staff, json!({"service": "lavoro", "language": "it", "print_at": kiosk})).await;
    let job = failing["print_job"].as_str().unwrap().to_owned();
    printer.fail_with(Some(PrinterError::PaperOut));
    let mut c = c;
    tokio::task::spawn_blocking(move || {
        let at = Instant::now() + Duration::from_secs(60);
        idle_for(&mut c, at);
    })
    .await
    .unwrap();
    let (_, view) = staff.get(&format!("/api/v1/print-jobs/{job}")).await;
    assert_eq!((view["status"].as_str(), view["error"].as_str()), (Some("failed"), Some("paper_out")), "{view}");
    assert_eq!(printer.tickets().len(), 2);

    // Bad input: a clear 4xx, no ticket issued, no job queued.
    let before = waiting_count(&staff).await;
    let display = format!("display-{LIVORNO}-demo");
    for (who, body, want) in [
        (&staff, json!({"service": "lavoro", "print_at": display}), StatusCode::UNPROCESSABLE_ENTITY),
        (
            &staff,
            json!({"service": "lavoro", "print_at": "kiosk-grosseto-stazione-demo"}),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (&staff, json!({"service": "lavoro", "print_at": "no such kiosk"}), StatusCode::UNPROCESSABLE_ENTITY),
        (&here, json!({"service": "lavoro", "print_at": kiosk}), StatusCode::FORBIDDEN),
    ] {
        let (status, err) = who.post(&format!("/api/v1/sites/{LIVORNO}/tickets"), body.clone()).await;
        assert_eq!(status, want, "{body}: {err}");
        assert!(err["error"]["message"].as_str().is_some_and(|m| !m.is_empty()), "{err}");
    }
    assert_eq!(waiting_count(&staff).await, before, "nothing was issued");
    let (_, jobs) = here.get("/api/v1/devices/print-jobs").await;
    assert_eq!(jobs, json!([]), "nothing was queued");
    for body in [json!({"printed": false}), json!({"printed": true, "error": "paper_out"}), json!({"printed": "yes"})] {
        let (status, err) = here.post(&format!("/api/v1/print-jobs/{job}/result"), body.clone()).await;
        assert!(
            status == StatusCode::UNPROCESSABLE_ENTITY || status == StatusCode::BAD_REQUEST,
            "{body}: {status} {err}"
        );
    }
    let (_, view) = staff.get(&format!("/api/v1/print-jobs/{job}")).await;
    assert_eq!(view["error"], "paper_out", "unchanged by bad answers");
    let (status, _) = staff.get("/api/v1/print-jobs/01AAAAAAAAAAAAAAAAAAAAAAAA").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_print_job_no_kiosk_takes_within_a_minute_expires() {
    let data = tempfile::tempdir().unwrap();
    let mut opts = TestServer::options(tests::test_config_dir(), &data);
    let ahead_s = Arc::new(AtomicI64::new(0));
    let ahead = ahead_s.clone();
    opts.clock =
        Some(Arc::new(move || jiff::Timestamp::now() + jiff::SignedDuration::from_secs(ahead.load(Ordering::SeqCst))));
    let server = TestServer::start_opts(opts, data).await;
    let staff = server.staff("giulia").await;
    let kiosk = kiosk_id(&staff, LIVORNO).await;
    let t = issue_at(&staff, json!({"service": "lavoro", "print_at": kiosk})).await;
    let job = t["print_job"].as_str().unwrap().to_owned();
    ahead_s.store(59, Ordering::SeqCst);
    let (_, view) = staff.get(&format!("/api/v1/print-jobs/{job}")).await;
    assert_eq!(view["status"], "queued", "{view}");
    ahead_s.store(62, Ordering::SeqCst);
    let (_, view) = staff.get(&format!("/api/v1/print-jobs/{job}")).await;
    assert_eq!((view["status"].as_str(), view["error"].as_str()), (Some("expired"), Some("not_taken")), "{view}");
    // A kiosk that comes back later does not print it: the visitor already has the QR from the desk.
    let (_, jobs) = server.kiosk(LIVORNO).await.get("/api/v1/devices/print-jobs").await;
    assert_eq!(jobs, json!([]));
    // The ticket itself is there, as issued.
    let (status, ticket) = staff.get(&format!("/api/v1/tickets/{}", t["id"].as_str().unwrap())).await;
    assert_eq!((status, ticket["status"].as_str()), (StatusCode::OK, Some("waiting")));
    server.stop().await;
}
