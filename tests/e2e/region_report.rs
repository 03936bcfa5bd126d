//! Issue 15, what the Region sees: areas (Grosseto = the station and the van of its round) and the
//! regional funder report, on a real PostgreSQL with real site servers pushing to the real hub.
//! The hub's service level and integrated journeys are the sites' own (the hub counted neither
//! before the sites said what their services are); small cells are suppressed with the sites'
//! rule, and no suppressed count can be worked out by subtracting the shown ones from a total.

use crate::region::{Site, free_port, hub_cli, hub_cli_fails, start_hub};
use serde_json::{Value, json};
use std::time::Duration;
use tests::{GROSSETO, LIVORNO, StatusCode};

/// Every count of a report's figures, by name (absent: 0; suppressed: None).
fn counts(f: &Value) -> Vec<(String, Option<u64>)> {
    let mut out: Vec<(String, Option<u64>)> =
        ["tickets", "people", "integrated_journeys"].iter().map(|k| (k.to_string(), f[k].as_u64())).collect();
    for part in ["people_by_group", "services_used"] {
        for (k, v) in f[part].as_object().into_iter().flatten() {
            out.push((format!("{part}:{k}"), v.as_u64()));
        }
    }
    out
}

fn count(f: &Value, name: &str) -> Option<u64> {
    counts(f).into_iter().find(|(k, _)| k == name).map_or(Some(0), |(_, v)| v)
}

/// The report's promise: in every group (an area and its sites; the region and its areas and
/// the sites in none) whose total is shown, no count is the only one hidden — and a shown count
/// is never below the threshold.
fn check_no_subtraction(r: &Value) {
    let min = r["min_group_size"].as_u64().unwrap();
    let sites = r["sites"].as_array().unwrap();
    let areas = r["areas"].as_array().unwrap();
    let mut groups: Vec<(&Value, Vec<&Value>)> = Vec::new();
    for a in areas {
        let parts = sites.iter().filter(|s| s["area"] == a["area"]).map(|s| &s["figures"]).collect();
        groups.push((&a["figures"], parts));
    }
    let mut region_parts: Vec<&Value> = areas.iter().map(|a| &a["figures"]).collect();
    region_parts.extend(sites.iter().filter(|s| s["area"].is_null()).map(|s| &s["figures"]));
    groups.push((&r["region"], region_parts));
    let mut names: Vec<String> = counts(&r["region"]).into_iter().map(|(k, _)| k).collect();
    for s in sites {
        names.extend(counts(&s["figures"]).into_iter().map(|(k, _)| k));
    }
    for name in &names {
        for (total, parts) in &groups {
            let all = std::iter::once(*total).chain(parts.iter().copied());
            for f in all {
                if let Some(n) = count(f, name) {
                    assert!(n == 0 || n >= min, "{name} = {n} is shown below {min}: {r}");
                }
            }
            if count(total, name).is_some() {
                let hidden = parts.iter().filter(|p| count(p, name).is_none()).count();
                assert_ne!(hidden, 1, "{name}: one part hidden under a shown total {total}: {r}");
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn areas_and_the_regions_funder_report() {
    let Some(pg) = testkit::postgres::require_postgres("the regional report test") else { return };
    let db = pg.create_database("hub").unwrap();
    let hub_port = free_port();
    let hub_url = format!("http://127.0.0.1:{hub_port}");
    let key_s = hub_cli(&db, &["enrol", "grosseto", "--site", GROSSETO]);
    let key_v = hub_cli(&db, &["enrol", "furgone", "--site", "furgone-pistoia"]);
    let key_l = hub_cli(&db, &["enrol", "livorno", "--site", LIVORNO]);
    let viewer = hub_cli(&db, &["viewer", "regione"]);
    let _hub = start_hub(&db, hub_port);

    let station = Site::start(
        "grosseto",
        ("grosseto-stazione.toml", GROSSETO, "gr-sportello-1", "lavoro"),
        Some("marco"),
        &hub_url,
        key_s,
    )
    .await;
    let van = Site::start(
        "furgone",
        ("grosseto-stazione.toml", "furgone-pistoia", "gr-sportello-1", "lavoro"),
        None,
        &hub_url,
        key_v.clone(),
    )
    .await;
    let livorno = Site::start(
        "livorno",
        ("livorno-terreni.toml", LIVORNO, "lt-sportello-2", "residenza"),
        Some("giulia"),
        &hub_url,
        key_l,
    )
    .await;
    station.work(8).await;
    van.work(3).await;
    // Six integrated journeys at Livorno: residence (social), then passed on to the job centre
    // (employment) without going to the back of a queue, and served there too.
    let kiosk = livorno.server.kiosk(LIVORNO).await;
    for _ in 0..6 {
        kiosk.issue(LIVORNO, json!({"service": "residenza"})).await;
        let t = livorno.staff.call_next(livorno.desk).await.expect("the residence ticket");
        let id = t["id"].as_str().unwrap().to_owned();
        livorno.staff.act(&id, "start").await;
        let (st, b) = livorno
            .staff
            .post(&format!("/api/v1/tickets/{id}/transfer"), json!({"service": "lavoro", "keep_position": true}))
            .await;
        assert_eq!(st, StatusCode::OK, "{b}");
        let t = livorno.staff.call_next(livorno.desk).await.expect("the same visitor at the job centre");
        assert_eq!(t["id"], id.as_str());
        livorno.staff.act(&id, "start").await;
        livorno.staff.act(&id, "finish").await;
    }
    for s in [&station, &van, &livorno] {
        testkit::eventually(&format!("{} acknowledged", s.origin), Duration::from_secs(30), || async {
            let o = s.outbox();
            if o.acked == o.last { Ok(()) } else { Err(format!("{o:?}")) }
        })
        .await;
    }

    let rome = jiff::tz::TimeZone::get("Europe/Rome").unwrap();
    let today = jiff::Zoned::now().with_time_zone(rome).date();
    let (from, to) = (today.yesterday().unwrap(), today.tomorrow().unwrap());
    let month = format!("{:04}-{:02}", today.year(), today.month());
    let hub = client::Client::new(&hub_url).with_bearer(&viewer);

    // Areas are made by the hub's admin, for enrolled sites only.
    let out = hub_cli(&db, &["area", "grosseto", "--site", &format!("{GROSSETO},furgone-pistoia")]);
    assert_eq!(out, format!("area grosseto: furgone-pistoia, {GROSSETO}"));
    let err = hub_cli_fails(&db, &["area", "grosseto", "--site", "arcidosso"]);
    assert!(
        err.contains("site arcidosso is written by no enrolled origin") && err.contains("nothing changed"),
        "{err}"
    );
    let again = std::process::Command::new(crate::region::hub_bin())
        .args(["--database-url", &db, "area", "grosseto", "--site", &format!("furgone-pistoia,{GROSSETO}")])
        .output()
        .unwrap();
    assert!(again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("nothing changed"));
    assert_eq!(hub_cli(&db, &["area", "livorno-area", "--site", LIVORNO]), format!("area livorno-area: {LIVORNO}"));
    assert_eq!(hub_cli(&db, &["area", "livorno-area", "--remove"]), "area livorno-area: removed");

    // The hub's figures are the sites' own, the service level and integrated journeys included.
    let stats = hub.hub_stats(&from.to_string(), &to.to_string()).await.unwrap();
    for s in [&station, &livorno] {
        let manager = s.server.staff("responsabile").await;
        let (st, site) = manager.get(&format!("/api/v1/stats/summary?site={}&from={from}&to={to}", s.site)).await;
        assert_eq!(st, StatusCode::OK, "{site}");
        let site = site.get("summary").unwrap_or(&site);
        for k in ["issued", "served", "open", "people", "transfers", "wait_mean_s", "wait_p90_s", "service_level"]
            .into_iter()
            .chain(["integrated_journeys", "service_mean_s"])
        {
            assert_eq!(
                stats["sites"][s.site][k], site[k],
                "{} {k}: hub {} site {site}",
                s.site, stats["sites"][s.site]
            );
        }
    }
    assert_eq!(stats["sites"][LIVORNO]["integrated_journeys"], 6, "{stats}");
    assert_eq!(stats["sites"][LIVORNO]["service_level"], 1.0, "every first wait within 45 minutes");
    assert_eq!(stats["sites"][GROSSETO]["service_level"], 1.0);
    let area = &stats["areas"]["grosseto"];
    assert_eq!(area["sites"], json!(["furgone-pistoia", GROSSETO]), "{stats}");
    assert_eq!(area["summary"]["issued"], 11);
    assert_eq!(area["summary"]["served"], 4 + 1);
    assert!(stats["areas"].get("livorno-area").is_none(), "a removed area is gone: {stats}");
    for c in stats["cells"].as_array().unwrap() {
        let want = if c["site"] == LIVORNO { Value::Null } else { json!("grosseto") };
        assert_eq!(c["area"], want, "{c}");
    }

    // The regional funder report of the month.
    let get = |path: String| {
        let hub = hub.clone();
        async move {
            let a = hub.exchange(hub.request(client::Method::GET, &path)).await.unwrap();
            (a.status, serde_json::from_str::<Value>(&a.body).unwrap_or(Value::String(a.body)))
        }
    };
    let (st, r) = get(format!("/hub/v1/report?month={month}")).await;
    assert_eq!(st, StatusCode::OK, "{r}");
    assert_eq!((&r["month"], &r["min_group_size"]), (&json!(month), &json!(5)));
    assert_eq!(r["region"]["tickets"], 8 + 3 + 6, "{r}");
    assert_eq!(r["region"]["integrated_journeys"], 6);
    assert_eq!(r["areas"][0]["area"], "grosseto");
    assert_eq!(r["areas"][0]["figures"]["tickets"], 11, "{r}");
    let site = |id: &str| r["sites"].as_array().unwrap().iter().find(|s| s["site"] == id).unwrap().clone();
    assert_eq!(site("furgone-pistoia")["figures"]["tickets"], Value::Null, "3 tickets: below 5");
    assert_eq!(
        site(GROSSETO)["figures"]["tickets"],
        Value::Null,
        "8 would be shown alone, but 11 − 8 gives the van's 3 away"
    );
    assert_eq!(site(GROSSETO)["area"], "grosseto");
    assert_eq!(site(LIVORNO)["area"], Value::Null);
    check_no_subtraction(&r);
    // A site's figures in the region's report are its own funder report's (the same rule), where
    // no sum gives anything away.
    let manager = livorno.server.staff("responsabile").await;
    let (st, own) = manager.get(&format!("/api/v1/stats/funder?site={LIVORNO}&month={month}")).await;
    assert_eq!(st, StatusCode::OK, "{own}");
    let at_hub = site(LIVORNO)["figures"].clone();
    for k in
        ["tickets", "people", "people_by_group", "services_used", "integrated_journeys", "wait_mean_s", "wait_p90_s"]
    {
        assert_eq!(at_hub[k], own[k], "{k}: hub {at_hub} site {own}");
    }
    assert_eq!(at_hub["integrated_journeys"], 6);

    // Without areas the same rule holds over the region's sites.
    hub_cli(&db, &["area", "grosseto", "--remove"]);
    let (_, flat) = get(format!("/hub/v1/report?month={month}")).await;
    assert_eq!(flat["areas"], json!([]), "{flat}");
    check_no_subtraction(&flat);
    hub_cli(&db, &["area", "grosseto", "--site", &format!("{GROSSETO},furgone-pistoia")]);

    // Bad months and wrong callers change nothing and say why.
    for bad in ["2026-13", "2026-1", "26-01", "abc", "", "2026-01-01", "0000-01", "9999-12"] {
        let (st, b) = get(format!("/hub/v1/report?month={bad}")).await;
        assert_eq!(st, StatusCode::BAD_REQUEST, "{bad}: {b}");
        assert_eq!(b["error"]["code"], "bad_request", "{b}");
    }
    let (st, _) = get("/hub/v1/report".into()).await;
    assert_eq!(st, StatusCode::BAD_REQUEST);
    let as_site = client::Client::new(&hub_url).with_bearer(&key_v);
    let a =
        as_site.exchange(as_site.request(client::Method::GET, &format!("/hub/v1/report?month={month}"))).await.unwrap();
    assert_eq!(a.status, StatusCode::FORBIDDEN, "a site's key does not read the region: {}", a.body);
    let anon = client::Client::new(&hub_url);
    for path in ["/report", "/fleet"] {
        let a = anon.exchange(anon.request(client::Method::GET, path)).await.unwrap();
        assert_eq!(a.status, StatusCode::UNAUTHORIZED);
        let challenge = a.headers.get("www-authenticate").and_then(|v| v.to_str().ok()).unwrap_or_default();
        assert!(challenge.starts_with("Basic realm="), "a browser is asked for the key: {challenge:?}");
        let a = anon
            .exchange(anon.request(client::Method::GET, path).basic_auth("regione", Some("shv_wrong")))
            .await
            .unwrap();
        assert_eq!(a.status, StatusCode::UNAUTHORIZED);
        let a =
            anon.exchange(anon.request(client::Method::GET, path).basic_auth("regione", Some(&viewer))).await.unwrap();
        assert_eq!(a.status, StatusCode::OK, "{path}: the viewer key as the password");
    }

    // The pages in a real browser: the report as the Region's officer reads it, and the fleet.
    let Some(driver) = tests::browser::Driver::start().await else { return };
    let page = driver.session("hub-report").await;
    page.set_size(1280, 900).await;
    let with_key = |path: &str| format!("http://regione:{viewer}@127.0.0.1:{hub_port}{path}");
    page.goto(&with_key(&format!("/report?month={month}"))).await;
    page.wait("the report", "!!document.querySelector('table')").await;
    let text = page.text("body").await;
    assert!(text.contains(&format!("Rapporto per i finanziatori — {month}")), "{text}");
    assert!(text.contains("Area grosseto") && text.contains(&format!("Sede {LIVORNO}")), "{text}");
    assert!(text.contains("< soglia"), "suppressed cells say so: {text}");
    let shot = page.screenshot("hub-report").await;
    assert!(std::fs::metadata(&shot).unwrap().len() > 10_000);
    let serious = page.axe_serious().await;
    assert!(serious.is_empty(), "{serious:#?}");
    page.goto(&with_key("/fleet")).await;
    page.wait("the fleet", "!!document.querySelector('table')").await;
    assert!(page.text("body").await.contains("furgone"));
    page.screenshot("hub-fleet").await;
    let serious = page.axe_serious().await;
    assert!(serious.is_empty(), "{serious:#?}");
    page.close().await;
    driver.stop().await;
}
