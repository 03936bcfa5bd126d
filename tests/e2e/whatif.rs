//! Issue 14, "What if": staff plans simulated on the real engine with the arrivals and service
//! times of the site's stored history — history that the simulator's own generator made through
//! the engine (`sim::generate`), four weeks of Monday to Friday at Livorno.

use jiff::Timestamp;
use queue_core::SiteId;
use serde_json::{Value, json};
use std::time::Instant;
use tests::StatusCode;
use tests::{LIVORNO, TestServer, test_config_dir};

/// Four weeks of weekdays before today at Livorno, 120 tickets a day, rolled up.
async fn server_with_history() -> TestServer {
    let data = tempfile::tempdir().unwrap();
    let cfg = config::load(&test_config_dir()).unwrap();
    let site = cfg.site(&SiteId::from(LIVORNO)).unwrap();
    let today = Timestamp::now().to_zoned(site.time_zone.clone()).date();
    let spec = sim::HistorySpec::weekdays(&site.id, 120.0, 42);
    let days = sim::history::open_days(
        &spec.weekdays,
        today.checked_sub(jiff::Span::new().days(28)).unwrap(),
        today.yesterday().unwrap(),
    );
    let mut seed = queue_server::tools::HistorySeed::open(data.path()).unwrap();
    sim::generate(&cfg.rules(), &[spec], &days, 2, |_, h| -> anyhow::Result<()> {
        seed.write(&h.tickets, &h.events)?;
        Ok(())
    })
    .unwrap();
    seed.roll_up(&cfg, Timestamp::now()).unwrap();
    drop(seed);
    TestServer::start_with(test_config_dir(), data).await
}

/// Every desk against four of them (every service still has a desk): more desks, shorter waits,
/// and every figure in its range; bad plans and numbers are a 400 that simulates nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn more_desks_wait_less_and_bad_plans_are_refused() {
    let server = server_with_history().await;
    let c = server.staff("responsabile").await;
    let all = "lt-sportello-1; lt-sportello-2; lt-sportello-3; lt-accoglienza; lt-stanza-4; lt-stanza-5";
    let four = "lt-sportello-1;lt-sportello-3;lt-stanza-4;lt-stanza-5";
    let ask =
        |plan: &str| format!("/api/v1/stats/whatif?site={LIVORNO}&weekday=2&weeks=4&plan={}", plan.replace(' ', "%20"));
    let t0 = Instant::now();
    let (st, big) = c.get(&ask(all)).await;
    let took = t0.elapsed();
    assert_eq!(st, StatusCode::OK, "{big}");
    assert!(took.as_secs_f64() < 5.0, "one what-if took {took:?}");
    let (st, small) = c.get(&ask(four)).await;
    assert_eq!(st, StatusCode::OK, "{small}");
    // The history: four Tuesdays of about 120 tickets, every service measured.
    assert_eq!(big["weekday"], 2);
    assert_eq!(big["weeks"], 4);
    let history = big["history_tickets"].as_u64().unwrap();
    assert!((300..=660).contains(&history), "{history} tickets on four Tuesdays");
    assert_eq!(big["services"].as_array().unwrap().len(), 9, "{}", big["services"]);
    assert!(big["services"].as_array().unwrap().iter().filter(|s| s["service_time_measured"] == true).count() >= 7);
    assert_eq!(big["plan"].as_array().unwrap().len(), 6);
    assert_eq!(small["plan"][0]["services"], json!(["lavoro", "residenza", "computer"]), "configured services");
    let day = |v: &Value, k: &str| v["day"][k].as_f64().unwrap_or(f64::NAN);
    for v in [&big, &small] {
        let d = &v["day"];
        assert!((70.0..=170.0).contains(&day(v, "tickets_per_day")), "{d}");
        assert!((0.0..=1.0).contains(&day(v, "service_level")), "{d}");
        assert!((0.0..=1.0).contains(&day(v, "occupancy")) && day(v, "occupancy") > 0.05, "{d}");
        assert!((0.0..=7200.0).contains(&day(v, "wait_mean_s")), "{d}");
        assert!(day(v, "wait_p90_s") >= day(v, "wait_mean_s") * 0.5, "{d}");
        assert!(day(v, "estimate_mae_s") >= 0.0 && (0.0..=1.0).contains(&day(v, "estimate_told_too_little")), "{d}");
        assert!(day(v, "estimate_bias_s").is_finite(), "{d}");
        let hours: Vec<u64> = v["by_hour"].as_array().unwrap().iter().map(|h| h["hour"].as_u64().unwrap()).collect();
        assert!(hours.contains(&8) && hours.contains(&16) && hours.iter().all(|h| *h < 24), "{hours:?}");
        let per_hour: f64 =
            v["by_hour"].as_array().unwrap().iter().map(|h| h["tickets_per_day"].as_f64().unwrap()).sum();
        assert!((per_hour - day(v, "tickets_per_day")).abs() < 1.0, "hours add up to the day: {per_hour} vs {d}");
    }
    assert!(
        day(&big, "wait_mean_s") < day(&small, "wait_mean_s"),
        "six desks wait less than four: {} vs {}",
        big["day"],
        small["day"]
    );
    assert!(day(&big, "occupancy") < day(&small, "occupancy"), "{} vs {}", big["day"], small["day"]);
    assert!(day(&big, "service_level") >= day(&small, "service_level"), "{} vs {}", big["day"], small["day"]);
    // The same request gives the same figures (fixed seed).
    let (_, again) = c.get(&ask(all)).await;
    assert_eq!(again, big);
    // Hours: a desk open in the morning only serves nobody after it closes.
    let (st, morning) = c.get(&ask("lt-sportello-1:lavoro,residenza@8-12/14-15;lt-stanza-4@8-10")).await;
    assert_eq!(st, StatusCode::OK, "{morning}");
    assert_eq!(morning["plan"][0]["open"], json!([[8, 12], [14, 15]]));
    assert_eq!(morning["plan"][0]["services"], json!(["lavoro", "residenza"]));
    assert!(morning["day"]["unserved_per_day"].as_f64().unwrap() > 10.0, "{}", morning["day"]);

    for (query, word) in [
        (format!("site={LIVORNO}&weekday=2&plan="), "no desk"),
        (format!("site={LIVORNO}&weekday=2&plan=%3B%3B"), "no desk"),
        (format!("site={LIVORNO}&weekday=2&plan=lt-nowhere"), "no desk 'lt-nowhere'"),
        (format!("site={LIVORNO}&weekday=2&plan=gr-sportello-1"), "no desk 'gr-sportello-1'"),
        (format!("site={LIVORNO}&weekday=2&plan=lt-sportello-1:pizza"), "no service 'pizza'"),
        (format!("site={LIVORNO}&weekday=2&plan=lt-sportello-1@9-8"), "span of hours"),
        (format!("site={LIVORNO}&weekday=2&plan=lt-sportello-1@8-30"), "span of hours"),
        (format!("site={LIVORNO}&weekday=2&plan=lt-sportello-1@8-12/11-13"), "overlap"),
        (format!("site={LIVORNO}&weekday=2&plan=lt-sportello-1;lt-sportello-1"), "twice"),
        (format!("site={LIVORNO}&weekday=9&plan=lt-sportello-1"), "'weekday' must be from 1 to 7"),
        (format!("site={LIVORNO}&weekday=2&date=2026-12-01&plan=lt-sportello-1"), "not both"),
        (format!("site={LIVORNO}&date=yesterday&plan=lt-sportello-1"), "'date' must be YYYY-MM-DD"),
        (
            format!("site={LIVORNO}&weekday=2&replications=100000&plan=lt-sportello-1"),
            "'replications' must be from 1 to 30",
        ),
        (format!("site={LIVORNO}&weekday=2&weeks=0&plan=lt-sportello-1"), "'weeks' must be from 1 to 52"),
        (format!("site={LIVORNO}&weekday=2&weeks=lots&plan=lt-sportello-1"), "'weeks' must be a number"),
        ("site=nowhere&weekday=2&plan=lt-sportello-1".to_owned(), "no site 'nowhere'"),
        (format!("site={LIVORNO}&weekday=2"), "invalid query string"),
    ] {
        let t0 = Instant::now();
        let (st, body) = c.get(&format!("/api/v1/stats/whatif?{query}")).await;
        assert_eq!(st, StatusCode::BAD_REQUEST, "{query}: {body}");
        let msg = body["error"]["message"].as_str().unwrap_or_default();
        assert!(msg.contains(word), "{query}: {msg}");
        assert!(t0.elapsed().as_millis() < 1000, "{query}: refused in {:?}", t0.elapsed());
    }
    server.stop().await;
}

/// The page: from the dashboard's link, two plans side by side and hour by hour, in Italian and
/// English, a bad plan shown on the form (400), axe-core clean, screenshots.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn whatif_page_in_a_real_browser() {
    let Some(driver) = tests::browser::Driver::start().await else { return };
    let server = server_with_history().await;
    let url = server.url.clone();
    let b = driver.session("whatif-page").await;
    b.set_size(1366, 768).await;
    b.goto(&format!("{url}/stats")).await;
    b.wait("the login form", "!document.getElementById('login').hidden").await;
    b.type_into("#username", "responsabile").await;
    b.type_into("#password", tests::PASSWORD).await;
    b.click("#login-btn").await;
    b.wait("back at the dashboard", "location.pathname === '/stats' && !!document.getElementById('summary')").await;
    b.click("#whatif-link").await;
    b.wait("the what-if page", "location.pathname === '/stats/whatif' && !!document.getElementById('plan-a')").await;
    // Tuesday, four weeks; plan A every desk (the default), plan B two desks.
    b.js(
        "var f = document.querySelector('form.whatif');
         f.weekday.value = '2'; f.weeks.value = '4';
         f.plan_b.value = 'lt-sportello-1; lt-stanza-5@9-13';
         f.submit();",
        json!([]),
    )
    .await;
    b.wait("two plans", "location.search.indexOf('weeks=4') >= 0 && !!document.getElementById('plan-b')").await;
    let figures = b
        .js(
            "var row = function (id) { return Array.from(document.querySelectorAll('#' + id + ' .plan-figures tr')[1]
               .querySelectorAll('td')).map(function (c) { return c.textContent; }); };
             return {a: row('plan-a'), b: row('plan-b'),
                     hours: document.querySelectorAll('#plan-a .plan-figures tr').length,
                     desks_b: document.querySelectorAll('#plan-b .plan-desks tr').length,
                     inputs: document.querySelectorAll('#whatif-inputs tr').length};",
            json!([]),
        )
        .await;
    let secs = |plan: &str| figures[plan][1].as_str().unwrap().parse::<f64>().unwrap_or(f64::NAN);
    assert!(secs("a") < secs("b"), "every desk waits less than two: {figures}");
    assert!(figures["hours"].as_u64().unwrap() >= 10, "the day and its hours: {figures}");
    assert_eq!(figures["desks_b"], 3, "{figures}");
    assert_eq!(figures["inputs"], 10, "a row per service: {figures}");
    let v = b.axe_serious().await;
    assert!(v.is_empty(), "accessibility of the what-if page:\n{}", v.join("\n"));
    b.screenshot("stats-whatif-1366").await;
    let wide =
        b.js("return document.documentElement.scrollWidth <= document.documentElement.clientWidth", json!([])).await;
    assert_eq!(wide, json!(true), "no sideways scroll at 1366");
    b.set_size(1366, 2400).await;
    b.screenshot("stats-whatif-1366-tall").await;
    b.set_size(1366, 768).await;
    // In English; a plan with a desk of another site: the reason on the form, nothing simulated.
    b.goto(&format!("{url}/stats/whatif?site={LIVORNO}&weekday=2&weeks=4&lang=en&plan_a=gr-sportello-1")).await;
    b.wait("the error", "!!document.getElementById('whatif-error')").await;
    let error = b.text("#whatif-error").await;
    assert!(error.contains("Plan A") && error.contains("no desk 'gr-sportello-1'"), "{error}");
    assert_eq!(b.js("return !!document.getElementById('plan-a')", json!([])).await, json!(false));
    let v = b.axe_serious().await;
    assert!(v.is_empty(), "accessibility of the refused plan:\n{}", v.join("\n"));
    b.screenshot("stats-whatif-error-1366").await;
    let (st, _) = server.staff("responsabile").await.get(&format!("/stats/whatif?site={LIVORNO}&plan_a=nope")).await;
    assert_eq!(st, StatusCode::BAD_REQUEST);
    b.close().await;
    server.stop().await;
}
