//! Issue #2: a scripted day over both demo sites — 200+ tickets, 6+ desks, priorities,
//! transfers with and without keep-position, holds, recalls, no-shows, cancellations —
//! with every event seen on the staff SSE stream, in order, and the final state checked.

use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;
use tests::StatusCode;
use tests::{Client, GROSSETO, LIVORNO, TestServer};

/// Desks to open: (site, staff username).
const STAFF: &[(&str, &str)] = &[
    (LIVORNO, "giulia"),
    (LIVORNO, "amina"),
    (LIVORNO, "luca"),
    (LIVORNO, "sara"),
    (GROSSETO, "marco"),
    (GROSSETO, "olena"),
];

struct Desk {
    id: String,
    site: &'static str,
    services: Vec<String>,
    client: Client,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_scripted_day_is_consistent_end_to_end() {
    let server = TestServer::start().await;
    // Watch both sites as staff before anything happens.
    let watcher = server.staff("admin").await;
    let mut streams = BTreeMap::new();
    for site in [LIVORNO, GROSSETO] {
        streams.insert(site, watcher.events(site, None).await);
    }
    let mut expected: BTreeMap<&str, Vec<(String, String)>> = BTreeMap::new();
    let mut note = |site: &'static str, event: &str, number: &str| {
        expected.entry(site).or_default().push((event.to_owned(), number.to_owned()))
    };

    // Open six desks, each with its own staff member.
    let mut desks = Vec::new();
    let mut taken = BTreeSet::new();
    for (site, user) in STAFF {
        let client = server.staff(user).await;
        let (status, list) = client.get(&format!("/api/v1/sites/{site}/desks")).await;
        assert_eq!(status, StatusCode::OK);
        let d = list
            .as_array()
            .unwrap()
            .iter()
            .find(|d| !taken.contains(d["id"].as_str().unwrap()))
            .expect("a free desk")
            .clone();
        let id = d["id"].as_str().unwrap().to_owned();
        taken.insert(id.clone());
        let opened = client.post_ok(&format!("/api/v1/desks/{id}/open"), Value::Null, StatusCode::OK).await;
        assert_eq!(opened["status"], "open");
        assert_eq!(opened["staff"], *user);
        note(site, "desk.updated", "");
        let services = d["services"].as_array().unwrap().iter().map(|s| s.as_str().unwrap().to_owned()).collect();
        desks.push(Desk { id, site, services, client });
    }
    let served: BTreeMap<&str, Vec<String>> = [LIVORNO, GROSSETO]
        .into_iter()
        .map(|site| {
            let set: BTreeSet<String> =
                desks.iter().filter(|d| d.site == site).flat_map(|d| d.services.clone()).collect();
            (site, set.into_iter().filter(|s| s != "computer").collect())
        })
        .collect();

    // Issue 220 tickets from the kiosks (and a few urgent ones by staff).
    let mut tickets: BTreeMap<String, (String, &'static str)> = BTreeMap::new(); // id -> (number, site)
    let mut expected_status: BTreeMap<String, &str> = BTreeMap::new();
    for i in 0..220usize {
        let site = if i % 3 == 0 { GROSSETO } else { LIVORNO };
        let services = &served[site];
        let service = &services[i % services.len()];
        let priority = if i % 7 == 0 { "priority" } else { "standard" };
        let lang = ["it", "ar", "fr", "uk", "ro", "en"][i % 6];
        let mut body = json!({"service": service, "priority": priority, "language": lang, "party_size": 1 + i % 4});
        if i % 11 == 0 {
            body["needs"] = json!([format!("mediator:{lang}")]);
        }
        let t = if i % 37 == 5 {
            body["priority"] = json!("urgent");
            // Staff of that site (accounts belong to sites).
            desks.iter().find(|d| d.site == site).expect("a desk at the site").client.issue(site, body).await
        } else {
            server.kiosk(site).await.issue(site, body).await
        };
        assert_eq!(t["status"], "waiting");
        assert!(t["token"].as_str().unwrap().len() >= 22, "a long random token");
        assert_eq!(t["status_url"], format!("/t/{}", t["token"].as_str().unwrap()));
        let (id, number) = (t["id"].as_str().unwrap().to_owned(), t["number"].as_str().unwrap().to_owned());
        note(site, "ticket.issued", &number);
        tickets.insert(id, (number, site));
    }
    // Cancel a few waiting tickets straight away (a waiting ticket is at no desk: the coordinator).
    let coordinator = server.staff("responsabile").await;
    for (id, (number, site)) in tickets.iter().step_by(23) {
        coordinator.act(id, "cancel").await;
        note(site, "ticket.cancelled", number);
        expected_status.insert(id.clone(), "cancelled");
    }

    // Serve until every desk finds nobody waiting.
    let mut k = 0usize;
    let mut idle_rounds = 0;
    let mut called_once: BTreeMap<String, usize> = BTreeMap::new();
    while idle_rounds < 2 {
        let mut anyone = false;
        for (di, d) in desks.iter().enumerate() {
            let Some(t) = d.client.call_next(&d.id).await else { continue };
            anyone = true;
            let id = t["id"].as_str().unwrap().to_owned();
            let number = t["number"].as_str().unwrap().to_owned();
            assert_eq!(t["desk"], d.id.as_str());
            assert!(!expected_status.contains_key(&id), "{number} was called after it ended");
            *called_once.entry(id.clone()).or_default() += 1;
            note(d.site, "ticket.called", &number);
            let visit = called_once[&id];
            let act = |a: &'static str| (a, number.clone());
            let mut script: Vec<(&str, String)> = Vec::new();
            match (k % 10, visit) {
                (0, 1) => script.push(act("no-show")),
                (1, _) => script.extend([act("recall"), act("start"), act("finish")]),
                (2, 1) => script.extend([act("start"), act("hold"), act("return")]),
                (3, 1) | (4, 1) => script.push(act("start")),
                (5, 1) => script.push(act("cancel")),
                _ => script.extend([act("start"), act("finish")]),
            }
            for (a, _) in &script {
                let after = d.client.act(&id, a).await;
                let event = match *a {
                    "no-show" => "ticket.no_show",
                    "recall" => "ticket.recalled",
                    "start" => "ticket.serving",
                    "finish" => "ticket.done",
                    "hold" => "ticket.on_hold",
                    "return" => "ticket.returned",
                    "cancel" => "ticket.cancelled",
                    _ => unreachable!(),
                };
                note(d.site, event, &number);
                match *a {
                    "no-show" => assert_eq!(after["status"], "no_show"),
                    "finish" => assert_eq!(after["status"], "done"),
                    "return" => assert_eq!(after["status"], "waiting"),
                    _ => {}
                }
            }
            // Transfers: keep the place (k%10==3) or not (k%10==4), to another service served here.
            if matches!(k % 10, 3 | 4) && visit == 1 {
                let others: Vec<&String> = served[d.site].iter().filter(|s| **s != t["service"]).collect();
                let target = others[k % others.len()];
                let keep = k % 10 == 3;
                let moved = d
                    .client
                    .post_ok(
                        &format!("/api/v1/tickets/{id}/transfer"),
                        json!({"service": target, "keep_position": keep}),
                        StatusCode::OK,
                    )
                    .await;
                assert_eq!(moved["status"], "waiting");
                assert_eq!(moved["service"], target.as_str());
                assert_eq!(moved["number"], number.as_str(), "a transfer keeps the number");
                assert_eq!(moved["journey"].as_array().unwrap().len(), 2);
                note(d.site, "ticket.transferred", &number);
            }
            let last = script.last().map(|(a, _)| *a);
            match last {
                Some("no-show") => {
                    expected_status.insert(id, "no_show");
                }
                Some("finish") => {
                    expected_status.insert(id, "done");
                }
                Some("cancel") => {
                    expected_status.insert(id, "cancelled");
                }
                _ => {}
            }
            k += 1;
            let _ = di;
        }
        idle_rounds = if anyone { 0 } else { idle_rounds + 1 };
    }

    // Final state: every ticket ended as scripted, queues are empty, desks are free.
    assert_eq!(expected_status.len(), tickets.len(), "every ticket reached an end");
    for (id, want) in &expected_status {
        let (status, t) = watcher.get(&format!("/api/v1/tickets/{id}")).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(t["status"], *want, "ticket {}", t["number"]);
        assert!(!t["events"].as_array().unwrap().is_empty());
    }
    for site in [LIVORNO, GROSSETO] {
        let (_, queues) = watcher.get(&format!("/api/v1/sites/{site}/queues")).await;
        for q in queues.as_array().unwrap() {
            assert_eq!(q["waiting"], 0, "{site} {q}");
        }
        let (_, desks) = watcher.get(&format!("/api/v1/sites/{site}/desks")).await;
        for d in desks.as_array().unwrap() {
            assert!(d["current"].is_null(), "{d}");
        }
    }
    // Numbers are unique per site and day.
    let mut numbers = BTreeSet::new();
    for (number, site) in tickets.values() {
        assert!(numbers.insert((site, number)), "duplicate number {number} at {site}");
    }

    // Every event, in order, on each site's stream.
    for (site, want) in expected {
        let stream = streams.get_mut(site).unwrap();
        let mut got = Vec::new();
        let mut last_id = 0;
        while got.len() < want.len() {
            let m = stream
                .next_with_id(Duration::from_secs(10))
                .await
                .unwrap_or_else(|| panic!("{site}: stream ended after {} of {} events", got.len(), want.len()));
            let id = m.id_u64().expect("events carry ids");
            assert!(id > last_id, "ids increase");
            last_id = id;
            let number = tests::data(&m)["ticket"]["number"].as_str().unwrap_or("").to_owned();
            got.push((m.event, number));
        }
        assert_eq!(got, want, "{site}: the stream shows every event in order");
    }
    server.stop().await;
}
