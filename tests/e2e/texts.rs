//! Issue 20: the texts as people see them — every page in every language it is offered in, in a real
//! headless chromium, shows the texts of `texts/locales/` (no message id, nothing missing), the
//! browser's formatting (`texts.js`, `Intl.PluralRules`) gives what Fluent gives on the server, and
//! every page has the one shell and the one policy. Screenshots go to `target/screenshots/`.

use serde_json::{Value, json};
use std::collections::BTreeSet;
use tests::browser::Driver;
use tests::{LIVORNO, PASSWORD, TestServer, display_key};
use texts::{Arg, id};

/// Every page: the strict policy, no inline style or script (the data block is not code).
async fn assert_one_shell(path: &str, client: &tests::Client) -> String {
    let r = client.answer(client.request(tests::Method::GET, path)).await;
    assert_eq!(r.status, 200, "{path}");
    let csp = r.headers["content-security-policy"].to_str().unwrap().to_owned();
    assert!(csp.contains("default-src 'none'") && csp.contains("script-src 'self'"), "{path}: {csp}");
    assert!(!csp.contains("unsafe"), "{path}: {csp}");
    let html = r.body;
    assert!(html.starts_with("<!DOCTYPE html><html lang="), "{path}: {}", &html[..80.min(html.len())]);
    assert!(!html.contains("<style") && !html.contains(" style="), "{path}: inline style");
    for script in html.split("<script").skip(1) {
        let head = &script[..script.find('>').unwrap()];
        assert!(head.contains(" src=") || head.contains("type=\"application/json\""), "{path}: inline script {head}");
    }
    html
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_has_the_one_shell_and_policy() {
    let server = TestServer::start().await;
    let manager = server.staff("responsabile").await;
    let anyone = server.client();
    let t = server.kiosk(LIVORNO).await.issue(LIVORNO, json!({"service": "lavoro", "language": "uk"})).await;
    assert_one_shell(t["status_url"].as_str().unwrap(), &anyone).await;
    assert_one_shell("/desk", &anyone).await;
    assert_one_shell(&format!("/display/{LIVORNO}"), &anyone).await;
    let it = assert_one_shell(&format!("/stats?site={LIVORNO}"), &manager).await;
    assert!(it.contains("<th>Biglietti emessi</th>") && it.contains("lang=\"it\""), "{it}");
    let en = assert_one_shell(&format!("/stats?site={LIVORNO}&lang=en"), &manager).await;
    assert!(en.contains("<th>Tickets issued</th>") && en.contains("lang=\"en\"") && en.contains("Sun 0:00"), "{en}");
    let live = assert_one_shell(&format!("/stats/live?site={LIVORNO}&lang=en"), &manager).await;
    assert!(live.contains("Today's alerts") && live.contains("<td>closed</td>"), "desk states in English: {live}");
    let live_it = assert_one_shell(&format!("/stats/live?site={LIVORNO}"), &manager).await;
    assert!(live_it.contains("<td>chiuso</td>"), "desk states in Italian: {live_it}");
    // A language that is not a staff language: Italian.
    let ar = assert_one_shell(&format!("/stats?site={LIVORNO}&lang=ar"), &manager).await;
    assert!(ar.contains("lang=\"it\""), "{ar}");
    server.stop().await;
}

/// Sample arguments: `n` a number, every other variable a word.
fn args(vars: &BTreeSet<String>, n: i64) -> Vec<(&str, Arg<'static>)> {
    vars.iter().map(|v| (v.as_str(), if v == "n" { Arg::from(n) } else { Arg::from("A 23") })).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn texts_in_every_language_in_a_real_browser() {
    let Some(driver) = Driver::start().await else { return };
    let server = TestServer::start().await;
    let url = server.url.clone();
    let catalog = texts::builtin();

    // 1. The browser formats every message of every language as Fluent does (plurals included).
    let tv = driver.session("texts-display").await;
    tv.goto(&format!("{url}/display/{LIVORNO}?key={}&sound=0&voice=0", display_key(LIVORNO))).await;
    tv.wait("the texts", "window.SportelloTexts && SportelloTexts.languages().length === 6").await;
    let mut cases = Vec::new();
    for l in texts::LANGUAGES {
        for file in ["display", "common"] {
            for msg in catalog.ids(l.code, Some(file)) {
                let vars = catalog.variables(l.code, &msg);
                for n in [0, 1, 2, 3, 4, 5, 11, 12, 21, 22, 100, 101] {
                    let a = args(&vars, n);
                    let vars_json: serde_json::Map<String, Value> = a
                        .iter()
                        .map(|(k, _)| ((*k).to_owned(), if *k == "n" { json!(n) } else { json!("A 23") }))
                        .collect();
                    cases.push(json!([l.code, msg, vars_json, catalog.format(l.code, &msg, &a)]));
                }
            }
        }
    }
    let wrong = tv
        .js(
            "return arguments[0].filter(function (c) { return SportelloTexts.t(c[0], c[1], c[2]) !== c[3]; })
                 .map(function (c) { return c.concat([SportelloTexts.t(c[0], c[1], c[2])]); });",
            json!([cases]),
        )
        .await;
    assert_eq!(wrong, json!([]), "the browser formats differently from Fluent (lang, id, vars, Fluent, browser)");
    assert!(cases.len() > 500, "{} cases", cases.len());
    tv.close().await;

    // 2. The visitor's page in each language: the texts of that language, no id, nothing left out.
    let kiosk = server.kiosk(LIVORNO).await;
    let visitor = driver.session("texts-visitor").await;
    for l in texts::LANGUAGES {
        let t = kiosk.issue(LIVORNO, json!({"service": "lavoro", "language": l.code})).await;
        visitor.goto(&format!("{url}{}", t["status_url"].as_str().unwrap())).await;
        visitor.wait("the ticket", "document.getElementById('ticket').dataset.status === 'waiting'").await;
        let text = visitor.js("return document.body.innerText", json!([])).await;
        let text = text.as_str().unwrap();
        for key in
            [id::TICKET_YOUR_NUMBER, id::PEOPLE_AHEAD, id::ESTIMATED_WAIT, id::TICKET_WAITING, id::TICKET_PRIVACY]
        {
            assert!(text.contains(&texts::t(l.code, key)), "{}: no {key} in {text}", l.code);
        }
        assert!(!text.contains("ticket-") && !text.contains("{$") && !text.contains("{ $"), "{}: {text}", l.code);
        let lang =
            visitor.js("return document.documentElement.lang + ' ' + document.documentElement.dir", json!([])).await;
        assert_eq!(lang, json!(format!("{} {}", l.code, if l.rtl { "rtl" } else { "ltr" })));
        if matches!(l.code, "ar" | "uk" | "ro") {
            visitor.screenshot(&format!("ticket-waiting-{}", l.code)).await;
        }
    }
    visitor.close().await;

    // 3. The desk page in each staff language: every marked text is that language's, none empty.
    let desk = driver.session("texts-desk").await;
    desk.goto(&format!("{url}/desk")).await;
    desk.wait("the login form", "!document.getElementById('login').hidden").await;
    desk.type_into("#username", "giulia").await;
    desk.type_into("#password", PASSWORD).await;
    desk.click("#login-btn").await;
    desk.wait("the desk chooser", "!document.getElementById('choose').hidden").await;
    for l in texts::staff_languages() {
        desk.js(
            "var s = document.getElementById('lang'); s.value = arguments[0]; s.dispatchEvent(new Event('change'));",
            json!([l.code]),
        )
        .await;
        desk.wait("the page's language", &format!("document.documentElement.lang === '{}'", l.code)).await;
        let shown = desk
            .js(
                "return Array.from(document.querySelectorAll('[data-i18n]')).map(function (e) { return [e.getAttribute('data-i18n'), e.textContent]; });",
                json!([]),
            )
            .await;
        let shown = shown.as_array().unwrap();
        assert!(shown.len() > 50, "{shown:?}");
        for pair in shown {
            let (key, text) = (pair[0].as_str().unwrap(), pair[1].as_str().unwrap());
            assert_eq!(text, texts::t(l.code, key), "{}: {key}", l.code);
            assert!(!text.trim().is_empty() && text != key, "{}: {key} shows {text:?}", l.code);
        }
        desk.screenshot(&format!("desk-choose-{}", l.code)).await;
    }
    desk.close().await;
    driver.stop().await;
    server.stop().await;
}
