//! Issue #2: every role against every route, from one table. The table must cover every
//! route of the OpenAPI document, so a new route without a row fails here.

use serde_json::{Value, json};
use std::collections::BTreeSet;
use tests::{Client, GROSSETO, LIVORNO, TestServer};
use tests::{Method, StatusCode};

#[derive(Clone, Copy, Debug, PartialEq)]
enum Who {
    Anon,
    KioskHere,
    KioskElsewhere,
    DisplayHere,
    DisplayElsewhere,
    Staff,
    Manager,
    Admin,
}
use Who::*;

/// Authorized, with an answer that depends on the queue (a called ticket, 204, or 409 desk busy).
const ALLOWED: u16 = 2;

/// Expected status per identity, in the order of the `clients` list.
type Row = (&'static str, &'static str, Option<Value>, [u16; 8]);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_role_against_every_route() {
    let server = TestServer::start().await;
    let admin = server.staff("admin").await;
    let (_, desks) = admin.get(&format!("/api/v1/sites/{LIVORNO}/desks")).await;
    let desks: Vec<String> = desks.as_array().unwrap().iter().map(|d| d["id"].as_str().unwrap().to_owned()).collect();
    assert!(desks.len() >= 3);
    let (_, kinfo) = admin.get(&format!("/api/v1/sites/{LIVORNO}/kiosk")).await;
    let service = kinfo["services"][0]["id"].as_str().unwrap().to_owned();
    let t = admin.issue(LIVORNO, json!({"service": service})).await;
    let token = t["token"].as_str().unwrap().to_owned();

    let clients: Vec<(Who, Client)> = vec![
        (Anon, server.client()),
        (KioskHere, server.kiosk(LIVORNO).await),
        (KioskElsewhere, server.kiosk(GROSSETO).await),
        (DisplayHere, server.display(LIVORNO).await),
        (DisplayElsewhere, server.display(GROSSETO).await),
        (Staff, server.staff("giulia").await),
        (Manager, server.staff("responsabile").await),
        (Admin, admin.clone()),
    ];
    // Each staff identity works at its own desk.
    let desk_of = |who: Who| match who {
        Staff => desks[0].clone(),
        Manager => desks[1].clone(),
        _ => desks[2].clone(),
    };
    let s = LIVORNO;
    let bogus = "01AAAAAAAAAAAAAAAAAAAAAAAA";
    let issue = json!({"service": service});
    let bad_login = json!({"username": "giulia", "password": "wrong password"});
    let alert = json!({"kind": "help_requested"});
    let xfer = json!({"service": service, "keep_position": true});
    let health = json!({"sound": "ok"});
    let printed = json!({"printed": true});
    let booking = json!({"service": "lavoro", "start": "2099-01-06T09:00"});
    let moving = json!({"start": "2099-01-06T09:30"});
    let check_in = json!({"code": "0000-0000-0", "language": "it"});
    //             anon kiosk kioskX disp dispX staff mgr admin
    let rows: Vec<Row> = vec![
        ("GET", "/api/v1/sites", None, [200, 200, 200, 200, 200, 200, 200, 200]),
        ("GET", "/api/v1/sites/{site}/kiosk", None, [401, 200, 403, 403, 403, 200, 200, 200]),
        ("POST", "/api/v1/sites/{site}/tickets", Some(issue), [401, 201, 403, 403, 403, 201, 201, 201]),
        ("GET", "/api/v1/sites/{site}/queues", None, [401, 403, 403, 200, 403, 200, 200, 200]),
        ("GET", "/api/v1/sites/{site}/desks", None, [401, 403, 403, 403, 403, 200, 200, 200]),
        ("GET", "/api/v1/sites/{site}/waiting", None, [401, 403, 403, 403, 403, 200, 200, 200]),
        ("GET", "/api/v1/sites/{site}/display", None, [401, 403, 403, 200, 403, 200, 200, 200]),
        ("GET", "/api/v1/sites/{site}/events", None, [401, 403, 403, 200, 403, 200, 200, 200]),
        ("POST", "/api/v1/sites/{site}/alerts", Some(alert), [401, 202, 403, 403, 403, 202, 202, 202]),
        ("GET", "/api/v1/sites/{site}/alerts", None, [401, 403, 403, 403, 403, 200, 200, 200]),
        // A device reports its own health (any site's device: the key says which it is).
        ("POST", "/api/v1/devices/health", Some(health), [401, 204, 204, 204, 204, 403, 403, 403]),
        ("GET", "/api/v1/sites/{site}/devices", None, [401, 403, 403, 403, 403, 200, 200, 200]),
        // A kiosk takes its own print jobs (any site's kiosk: the key says which); staff follow them.
        ("GET", "/api/v1/devices/print-jobs", None, [401, 200, 200, 403, 403, 403, 403, 403]),
        ("POST", "/api/v1/print-jobs/{id}/result", Some(printed), [401, 404, 404, 403, 403, 403, 403, 403]),
        ("GET", "/api/v1/print-jobs/{id}", None, [401, 403, 403, 403, 403, 404, 404, 404]),
        ("GET", "/api/v1/sites/{site}/colleagues", None, [401, 403, 403, 403, 403, 200, 200, 200]),
        ("POST", "/api/v1/alerts/{id}/ack", None, [401, 403, 403, 403, 403, 404, 404, 404]),
        // A kiosk reads only its own alerts: any other is not found.
        ("GET", "/api/v1/alerts/{id}", None, [401, 404, 404, 403, 403, 404, 404, 404]),
        // The first service has no daily cap: staff are let in and told so.
        ("POST", "/api/v1/sites/{site}/services/{service}/lift-cap", None, [401, 403, 403, 403, 403, 422, 422, 422]),
        (
            "GET",
            "/api/v1/sites/{site}/appointments/slots?service=lavoro&date=2099-01-06",
            None,
            [401, 403, 403, 403, 403, 200, 200, 200],
        ),
        // Two desks serve the service: the third booking of one slot is 409 slot taken.
        (
            "POST",
            "/api/v1/sites/{site}/appointments",
            Some(booking),
            [401, 403, 403, 403, 403, ALLOWED, ALLOWED, ALLOWED],
        ),
        ("GET", "/api/v1/sites/{site}/appointments?date=2099-01-06", None, [401, 403, 403, 403, 403, 200, 200, 200]),
        ("POST", "/api/v1/appointments/{id}/cancel", None, [401, 403, 403, 403, 403, 404, 404, 404]),
        ("POST", "/api/v1/appointments/{id}/move", Some(moving), [401, 403, 403, 403, 403, 404, 404, 404]),
        // No booking has this code: a kiosk of the site (or staff) is told so.
        (
            "POST",
            "/api/v1/sites/{site}/appointments/check-in",
            Some(check_in),
            [401, 404, 403, 403, 403, 404, 404, 404],
        ),
        ("POST", "/api/v1/desks/{desk}/open", None, [401, 403, 403, 403, 403, 200, 200, 200]),
        ("POST", "/api/v1/desks/{desk}/call-next", None, [401, 403, 403, 403, 403, ALLOWED, ALLOWED, ALLOWED]),
        ("POST", "/api/v1/desks/{desk}/pause", None, [401, 403, 403, 403, 403, 200, 200, 200]),
        ("POST", "/api/v1/desks/{desk}/close", None, [401, 403, 403, 403, 403, ALLOWED, ALLOWED, ALLOWED]),
        ("GET", "/api/v1/tickets/{id}", None, [401, 403, 403, 403, 403, 404, 404, 404]),
        ("POST", "/api/v1/tickets/{id}/recall", None, [401, 403, 403, 403, 403, 404, 404, 404]),
        ("POST", "/api/v1/tickets/{id}/start", None, [401, 403, 403, 403, 403, 404, 404, 404]),
        ("POST", "/api/v1/tickets/{id}/finish", None, [401, 403, 403, 403, 403, 404, 404, 404]),
        ("POST", "/api/v1/tickets/{id}/no-show", None, [401, 403, 403, 403, 403, 404, 404, 404]),
        ("POST", "/api/v1/tickets/{id}/cancel", None, [401, 403, 403, 403, 403, 404, 404, 404]),
        ("POST", "/api/v1/tickets/{id}/hold", None, [401, 403, 403, 403, 403, 404, 404, 404]),
        ("POST", "/api/v1/tickets/{id}/return", None, [401, 403, 403, 403, 403, 404, 404, 404]),
        ("POST", "/api/v1/tickets/{id}/transfer", Some(xfer), [401, 403, 403, 403, 403, 404, 404, 404]),
        ("POST", "/api/v1/tickets/{id}/resume", None, [401, 403, 403, 403, 403, 404, 404, 404]),
        ("POST", "/api/v1/tickets/{id}/undo", None, [401, 403, 403, 403, 403, 409, 409, 409]),
        ("GET", "/api/v1/public/tickets/{token}", None, [200, 200, 200, 200, 200, 200, 200, 200]),
        ("GET", "/api/v1/stats/summary?site={site}", None, [401, 403, 403, 403, 403, 403, 200, 200]),
        ("GET", "/api/v1/stats/breakdown?site={site}", None, [401, 403, 403, 403, 403, 403, 200, 200]),
        ("GET", "/api/v1/stats/funder?site={site}&month=2026-03", None, [401, 403, 403, 403, 403, 403, 200, 200]),
        ("GET", "/api/v1/stats/funder.csv?site={site}&month=2026-03", None, [401, 403, 403, 403, 403, 403, 200, 200]),
        ("GET", "/api/v1/stats/export.csv?table=summary&site={site}", None, [401, 403, 403, 403, 403, 403, 200, 200]),
        ("GET", "/api/v1/stats/staff?site={site}", None, [401, 403, 403, 403, 403, 403, 200, 200]),
        ("GET", "/api/v1/stats/queue-length?site={site}", None, [401, 403, 403, 403, 403, 403, 200, 200]),
        (
            "GET",
            "/api/v1/stats/whatif?site={site}&weekday=2&plan={desk}",
            None,
            [401, 403, 403, 403, 403, 403, 200, 200],
        ),
        ("POST", "/api/v1/session", Some(bad_login), [401, 401, 401, 401, 401, 401, 401, 401]),
        ("GET", "/api/v1/session", None, [401, 403, 403, 403, 403, 200, 200, 200]),
        ("DELETE", "/api/v1/session", None, [401, 403, 403, 403, 403, 204, 204, 204]),
        ("GET", "/healthz", None, [200, 200, 200, 200, 200, 200, 200, 200]),
        ("GET", "/metrics", None, [200, 200, 200, 200, 200, 200, 200, 200]),
        ("GET", "/api/v1/openapi.json", None, [200, 200, 200, 200, 200, 200, 200, 200]),
    ];
    let mut failures = Vec::new();
    for (method, template, body, want) in &rows {
        for (i, (who, client)) in clients.iter().enumerate() {
            let path = template
                .replace("{site}", s)
                .replace("{desk}", &desk_of(*who))
                .replace("{id}", bogus)
                .replace("{token}", &token)
                .replace("{service}", &service);
            let mut r = client.request(Method::from_bytes(method.as_bytes()).unwrap(), &path);
            if let Some(b) = body {
                r = r.json(b);
            }
            let resp = r.send().await.unwrap();
            let got = resp.status();
            let ok = if want[i] == ALLOWED {
                got.is_success() || got == StatusCode::CONFLICT
            } else {
                got == StatusCode::from_u16(want[i]).unwrap()
            };
            if !ok {
                let text =
                    if template.ends_with("/events") { String::new() } else { resp.text().await.unwrap_or_default() };
                failures.push(format!("{method} {template} as {who:?}: got {got}, want {} {text}", want[i]));
            } else if got.is_client_error() && !template.ends_with("/events") {
                let body: Value = resp.json().await.unwrap();
                assert!(
                    body["error"]["code"].is_string() && body["error"]["message"].is_string(),
                    "error shape: {body}"
                );
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));

    // The table covers every route of the OpenAPI document.
    let (_, doc) = server.client().get("/api/v1/openapi.json").await;
    let documented: BTreeSet<(String, String)> = doc["paths"]
        .as_object()
        .unwrap()
        .iter()
        .flat_map(|(p, ops)| ops.as_object().unwrap().keys().map(move |m| (m.to_uppercase(), p.clone())))
        .collect();
    let tested: BTreeSet<(String, String)> =
        rows.iter().map(|(m, p, _, _)| (m.to_string(), p.split('?').next().unwrap_or(p).to_string())).collect();
    let missing: Vec<_> = documented.difference(&tested).collect();
    let undocumented: Vec<_> = tested.difference(&documented).collect();
    assert!(missing.is_empty() && undocumented.is_empty(), "untested: {missing:?}; undocumented: {undocumented:?}");

    // Per-language texts and per-category counts are two different maps: each field documents its own
    // value type (they once shared one component, so texts were documented as integers).
    let schemas = &doc["components"]["schemas"];
    let value_type = |schema: &str, field: &str| {
        let f = &schemas[schema]["properties"][field];
        let map = f.get("oneOf").and_then(|o| o.get(0)).unwrap_or(f);
        map["additionalProperties"]["type"].as_str().unwrap_or_default().to_owned()
    };
    assert_eq!(value_type("ServiceView", "public_label"), "string", "{}", schemas["ServiceView"]);
    assert_eq!(value_type("Breakdown", "languages"), "integer", "{}", schemas["Breakdown"]);
    server.stop().await;
}
