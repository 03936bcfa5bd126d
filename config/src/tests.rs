//! Config tests: the demo and test configurations load; broken files give every error with
//! file, line and field.

use crate::{load, load_sources};
use expect_test::{Expect, expect};
use std::path::{Path, PathBuf};

const GLOBAL: &str = r#"
[[languages]]
code = "it"
native_name = "Italiano"
[[languages]]
code = "ar"
native_name = "العربية"
rtl = true
"#;

/// A small valid site; tests break it with replacements.
const SITE: &str = r#"id = "s1"
name = "Sito"
time_zone = "Europe/Rome"
languages = ["it", "ar"]
waiting_area = { it = "Attendi", ar = "انتظر" }

[[services]]
id = "a"
prefix = "A"
kind = "social"
target_wait_s = 600
names = { it = "Servizio A", ar = "الخدمة أ" }
public_label = { it = "Area A", ar = "المنطقة A" }

[[services]]
id = "b"
prefix = "B"
kind = "employment"
target_wait_s = 600
names = { it = "Servizio B", ar = "الخدمة ب" }
public_label = { it = "Area B", ar = "المنطقة B" }

[[desks]]
id = "d1"
label = "Sportello 1"
services = ["a", "b"]

[triage]
start = "q1"
[[triage.questions]]
id = "q1"
text = { it = "Cosa ti serve?", ar = "ماذا تحتاج؟" }
[[triage.questions.choices]]
label = { it = "A", ar = "أ" }
service = "a"
[[triage.questions.choices]]
label = { it = "Altro", ar = "آخر" }
next = "q2"
[[triage.questions]]
id = "q2"
text = { it = "Quale?", ar = "أيّ؟" }
[[triage.questions.choices]]
label = { it = "B", ar = "ب" }
service = "b"
"#;

fn check(sites: &[(&str, &str)], expect: Expect) {
    let mut sources = vec![(PathBuf::from("sportello.toml"), GLOBAL.to_owned())];
    sources.extend(sites.iter().map(|(name, text)| (Path::new("sites").join(name), (*text).to_owned())));
    let out = match load_sources(&sources) {
        Ok(cfg) => format!("ok: {} sites", cfg.sites.len()),
        Err(e) => e.to_string(),
    };
    expect.assert_eq(&out);
}

fn broken(from: &str, to: &str) -> String {
    assert!(SITE.contains(from), "{from}");
    SITE.replacen(from, to, 1)
}

#[test]
fn the_small_site_is_valid() {
    check(&[("s1.toml", SITE)], expect!["ok: 1 sites"]);
}

#[test]
fn demo_and_test_configurations_load() {
    for dir in ["demo", "../tests/data/config"] {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
        let cfg = crate::load(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let ids: Vec<&str> = cfg.sites.iter().map(|s| s.id.as_str()).collect();
        assert_eq!(ids, ["grosseto-stazione", "livorno-terreni"]);
        let livorno = &cfg.sites[1];
        assert_eq!(livorno.services.len(), 9);
        if dir == "demo" {
            let booked: Vec<&str> =
                livorno.services.iter().filter(|s| s.appointments.is_some()).map(|s| s.id.as_str()).collect();
            assert_eq!(booked, ["lavoro", "sociale", "legale"], "the demo books follow-ups at these");
        }
        assert_eq!(livorno.languages, ["it", "en", "fr", "ar", "ro", "uk"]);
        assert_eq!(cfg.sites[0].services.len(), 3);
        let rules = cfg.rules();
        assert_eq!(rules.desks.len(), 9);
        assert!(livorno.triage.mediator_languages.iter().all(|l| !l.native_name.is_empty()));
    }
}

#[test]
fn duplicate_prefix_and_unknown_desk_service() {
    let text = broken("prefix = \"B\"", "prefix = \"A\"")
        .replace("services = [\"a\", \"b\"]", "services = [\"a\", \"b\", \"zz\"]");
    check(
        &[("s1.toml", &text)],
        expect![[r#"
            sites/s1.toml:17:10: services[1].prefix: prefix 'A' is already used by service 'a'
            sites/s1.toml:26:23: desks[0].services[2]: no service 'zz' at this site"#]],
    );
}

#[test]
fn missing_arabic_text_and_unknown_language() {
    let text =
        broken("names = { it = \"Servizio B\", ar = \"الخدمة ب\" }", "names = { it = \"Servizio B\", xx = \"?\" }");
    check(
        &[("s1.toml", &text)],
        expect![[r#"
            sites/s1.toml:20:35: services[1].names.xx: 'xx' is not one of the site's languages (it, ar)
            sites/s1.toml:20:9: services[1].names: missing the text in ar (every offered language needs it)"#]],
    );
}

/// Issue 20: a site may offer only languages Sportello has every visitor text in.
#[test]
fn a_site_language_without_texts() {
    let global = format!("{GLOBAL}[[languages]]\ncode = \"wo\"\nnative_name = \"Wolof\"\n");
    let site = broken("languages = [\"it\", \"ar\"]", "languages = [\"it\", \"ar\", \"wo\"]");
    let sources = vec![(PathBuf::from("sportello.toml"), global), (Path::new("sites").join("s1.toml"), site)];
    let err = load_sources(&sources).unwrap_err().to_string();
    expect![[r#"sites/s1.toml:4:26: languages[2]: Sportello has no texts in 'wo' (texts/locales/wo/; see README, "Adding a language")"#]].assert_eq(&err);
}

#[test]
fn unknown_field_and_syntax_error() {
    check(
        &[
            ("s1.toml", &broken("kind = \"social\"", "kind = \"social\"\ncolour = \"red\"")),
            ("s2.toml", "id = \"s2\"\nname = "),
        ],
        expect![[r#"
            sites/s1.toml:11:1: unknown field `colour`, expected one of `id`, `prefix`, `kind`, `discreet`, `public_id`, `target_wait_s`, `daily_cap`, `opening_hours`, `roles`, `default_service_time_s`, `names`, `public_label`, `appointments`
            sites/s2.toml:2:8: string values must be quoted, expected literal string"#]],
    );
}

#[test]
fn bad_time_zone_and_opening_hours() {
    let text = broken(
        "time_zone = \"Europe/Rome\"",
        "time_zone = \"Europe/Livorno\"\n[opening_hours]\nmon = [\"09:00-13:00\", \"12:00-14:00\"]\nxyz = [\"9-10\"]\ntue = [\"13:00-09:00\"]\nwed = [\"9:00-12:30\", \"009:00-010:00\", \"14:5-15:00\", \"23:00-24:00\", \"23:00-24:01\"]",
    );
    let text = text.replace("languages = [\"it\", \"ar\"]\n", "");
    let text = format!(
        "languages = [\"it\", \"ar\"]\nwaiting_area = {{ it = \"Attendi\", ar = \"انتظر\" }}\n{}",
        text.replace("waiting_area = { it = \"Attendi\", ar = \"انتظر\" }\n", "")
    );
    check(
        &[("s1.toml", &text)],
        expect![[r#"
            sites/s1.toml:5:13: time_zone: 'Europe/Livorno' is not a known IANA time zone (e.g. "Europe/Rome")
            sites/s1.toml:7:23: opening_hours.mon[1]: '12:00-14:00' overlaps another range of the same day
            sites/s1.toml:9:8: opening_hours.tue[0]: '13:00-09:00': the opening must be before the closing
            sites/s1.toml:10:22: opening_hours.wed[1]: '009:00-010:00' is not a range like "09:00-13:00"
            sites/s1.toml:10:39: opening_hours.wed[2]: '14:5-15:00' is not a range like "09:00-13:00"
            sites/s1.toml:10:68: opening_hours.wed[4]: '23:00-24:01' is not a range like "09:00-13:00"
            sites/s1.toml:8:1: opening_hours.xyz: weekday must be one of mon, tue, wed, thu, fri, sat, sun"#]],
    );
}

#[test]
fn triage_cycle_and_dangling_next() {
    let text = broken("service = \"b\"\n", "next = \"q1\"\n").replace(
        "next = \"q2\"",
        "next = \"q2\"\n[[triage.questions.choices]]\nlabel = { it = \"X\", ar = \"س\" }\nnext = \"nowhere\"",
    );
    check(
        &[("s1.toml", &text)],
        expect![[r#"
            sites/s1.toml:41:8: triage.questions[0].choices[2].next: no question 'nowhere'
            sites/s1.toml:29:9: triage: the questions loop: q1 → q2 → q1"#]],
    );
}

#[test]
fn duplicate_desk_id_across_sites() {
    let other = SITE.replace("id = \"s1\"", "id = \"s2\"");
    check(
        &[("s1.toml", SITE), ("s2.toml", &other)],
        expect![
            "sites/s2.toml:24:6: desks[0].id: desk 'd1' is already defined at site 's1' (desk ids are unique across all sites)"
        ],
    );
}

#[test]
fn the_reference_example_is_valid() {
    let reference = include_str!("../REFERENCE.md");
    let example = reference.split("### Example\n\n```toml\n").nth(1).and_then(|s| s.split("```").next());
    let example = example.expect("REFERENCE.md has an example site");
    check(&[("grosseto-stazione.toml", example)], expect!["ok: 1 sites"]);
}

#[test]
fn the_test_configuration_is_always_open_with_one_cap() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/data/config");
    let cfg = crate::load(&path).unwrap_or_else(|e| panic!("{e}"));
    let caps: Vec<(&str, &str, u32)> = cfg
        .sites
        .iter()
        .flat_map(|s| s.services.iter().filter_map(|v| Some((s.id.as_str(), v.id.as_str(), v.daily_cap?))))
        .collect();
    assert_eq!(caps, [("livorno-terreni", "computer", 5)]);
    for s in &cfg.sites {
        assert!(s.opening_hours.is_none() && s.services.iter().all(|v| v.opening_hours.is_none()), "{}", s.id);
        assert_eq!(s.policy.transfer_fallback_s, 600);
        assert_eq!(s.policy.out_of_order_calls, s.id.as_str() == "livorno-terreni");
    }
    assert!(cfg.sites[0].desks.len() >= 2 && cfg.sites[1].desks.len() >= 4);
}

#[test]
fn unserved_service_and_unreachable_question() {
    let text = broken("services = [\"a\", \"b\"]", "services = [\"a\"]").replace("next = \"q2\"", "service = \"a\"");
    check(
        &[("s1.toml", &text)],
        expect![[r#"
        sites/s1.toml:16:6: services[1].id: no desk serves 'b': add it to a desk's services
        sites/s1.toml:40:6: triage.questions[1].id: question 'q2' cannot be reached from 'q1'"#]],
    );
}

// Issue 12: the server's network settings (trusted proxies, who reads /metrics, connections per
// address) and the coordinator role are validated like everything else.
#[test]
fn server_settings_and_coordinator_role() {
    let global = format!(
        "{GLOBAL}\n[server]\ntrusted_proxies = [\"127.0.0.1\", \"10.0.0.0/8\", \"fe80::/10\"]\nmetrics_from = [\"10.0.0.300\", \"10.0.0.0/33\"]\nconnections_per_address = 0\n"
    );
    let site = broken("[[desks]]", "[policy]\nany_ticket_role = \"boss\"\n\n[[desks]]");
    let sources = vec![(PathBuf::from("sportello.toml"), global.clone()), (Path::new("sites").join("s1.toml"), site)];
    let err = load_sources(&sources).unwrap_err().to_string();
    expect![[r#"
        sportello.toml:12:17: server.metrics_from[0]: '10.0.0.300' is not an address or block like "10.0.0.1" or "10.0.0.0/8"
        sportello.toml:12:31: server.metrics_from[1]: '10.0.0.0/33' is not an address or block like "10.0.0.1" or "10.0.0.0/8"
        sportello.toml:13:27: server.connections_per_address: must be greater than 0
        sites/s1.toml:24:19: policy.any_ticket_role: 'boss' must be staff, manager or admin"#]].assert_eq(&err);
    let good = global.replace("metrics_from = [\"10.0.0.300\", \"10.0.0.0/33\"]\nconnections_per_address = 0\n", "");
    let sources = vec![(PathBuf::from("sportello.toml"), good), (Path::new("sites").join("s1.toml"), SITE.to_owned())];
    let cfg = load_sources(&sources).unwrap();
    let nets = &cfg.server.trusted_proxies;
    let ip = |s: &str| s.parse::<std::net::IpAddr>().unwrap();
    assert!(nets[0].contains(ip("127.0.0.1")) && !nets[0].contains(ip("127.0.0.2")));
    assert!(nets[1].contains(ip("10.200.3.4")) && !nets[1].contains(ip("11.0.0.1")));
    assert!(nets[1].contains(ip("::ffff:10.1.2.3")), "v4-mapped v6 addresses are their v4 address");
    assert!(nets[2].contains(ip("fe80::1")) && !nets[2].contains(ip("::1")));
    assert_eq!(cfg.server.connections_per_address, 256);
    assert_eq!(cfg.sites[0].policy.any_ticket_role, queue_core::Role::Manager);
}

// Issue 12: a discreet service gets a neutral public id unless one is given; public ids are unique.
#[test]
fn public_ids_of_discreet_services() {
    let site = broken("id = \"b\"\nprefix = \"B\"", "id = \"b\"\nprefix = \"B\"\ndiscreet = true");
    let sources =
        vec![(PathBuf::from("sportello.toml"), GLOBAL.to_owned()), (Path::new("sites").join("s1.toml"), site)];
    let cfg = load_sources(&sources).unwrap();
    let ids: Vec<&str> = cfg.sites[0].services.iter().map(|s| s.public_id.as_str()).collect();
    assert_eq!(ids, ["a", "area-b"]);
    let clash = broken("id = \"b\"\nprefix = \"B\"", "id = \"b\"\nprefix = \"B\"\ndiscreet = true\npublic_id = \"a\"");
    check(
        &[("s1.toml", &clash)],
        expect!["sites/s1.toml:19:13: services[1].public_id: public id 'a' is already used by service 'a'"],
    );
    let same = broken("id = \"b\"\nprefix = \"B\"", "id = \"b\"\nprefix = \"B\"\ndiscreet = true\npublic_id = \"b\"");
    check(
        &[("s1.toml", &same)],
        expect!["sites/s1.toml:19:13: services[1].public_id: a discreet service's public id must not be its id"],
    );
}

/// Issue 18: a site's `public_url` is a web address; check-config warns when it is missing or not https.
#[test]
fn public_url_is_checked_and_warned_about() {
    let load = |site: &str| {
        let sources = vec![
            (PathBuf::from("sportello.toml"), GLOBAL.to_owned()),
            (PathBuf::from("sites/s1.toml"), site.to_owned()),
        ];
        load_sources(&sources)
    };
    let cfg = load(SITE).unwrap();
    assert_eq!(cfg.sites[0].public_url, None);
    let warnings = crate::warnings(&cfg);
    assert_eq!(warnings.len(), 1);
    assert!(warnings[0].starts_with("site s1: its kiosks have no public_url"), "{warnings:?}");

    let https = broken("time_zone", "public_url = \"https://sportello.comune.livorno.it/\"\ntime_zone");
    let cfg = load(&https).unwrap();
    assert_eq!(cfg.sites[0].public_url.as_deref(), Some("https://sportello.comune.livorno.it"));
    assert!(crate::warnings(&cfg).is_empty());

    let http = broken("time_zone", "public_url = \"http://192.168.1.10:8080\"\ntime_zone");
    let warnings = crate::warnings(&load(&http).unwrap());
    assert!(warnings[0].contains("is not https"), "{warnings:?}");

    let bad = broken("time_zone", "public_url = \"sportello.comune.livorno.it\"\ntime_zone");
    check(
        &[("s1.toml", &bad)],
        expect![[
            r#"sites/s1.toml:3:14: public_url: "sportello.comune.livorno.it" is not a web address like https://sportello.comune.livorno.it"#
        ]],
    );
}

/// Issue 18: a text no shipped font can draw (a blank button at the kiosk) is refused.
#[test]
fn a_script_without_a_shipped_font_is_refused() {
    let global = format!("{GLOBAL}[[languages]]\ncode = \"ka\"\nnative_name = \"ქართული\"\n");
    let sources = vec![(PathBuf::from("sportello.toml"), global), (PathBuf::from("sites/s1.toml"), SITE.to_owned())];
    let error = load_sources(&sources).unwrap_err().to_string();
    assert!(error.contains("languages[2].native_name: no font the kiosk ships can draw 'ქ' (U+10E5)"), "{error}");
    // Chinese and Bengali names are shipped (Noto Sans SC subset, Noto Sans Bengali).
    let global = format!(
        "{GLOBAL}[[languages]]\ncode = \"zh\"\nnative_name = \"中文\"\n[[languages]]\ncode = \"bn\"\nnative_name = \"বাংলা\"\n"
    );
    let sources = vec![(PathBuf::from("sportello.toml"), global), (PathBuf::from("sites/s1.toml"), SITE.to_owned())];
    assert!(load_sources(&sources).is_ok());
    // A kiosk text in a script no font has.
    let text = broken("label = { it = \"A\", ar = \"أ\" }", "label = { it = \"A ᚠ\", ar = \"أ\" }");
    let sources = vec![(PathBuf::from("sportello.toml"), GLOBAL.to_owned()), (PathBuf::from("sites/s1.toml"), text)];
    let error = load_sources(&sources).unwrap_err().to_string();
    assert!(error.contains("triage.questions[0].choices[0].label.it: no font the kiosk ships can draw 'ᚠ'"), "{error}");
}

// Issue 15: `[hub]` is checked like everything else, and the key never reaches a log.
#[test]
fn hub_settings() {
    let load = |hub: &str| {
        let sources = vec![
            (PathBuf::from("sportello.toml"), format!("{GLOBAL}\n[hub]\n{hub}")),
            (Path::new("sites").join("s1.toml"), SITE.to_owned()),
        ];
        load_sources(&sources)
    };
    let err = load("url = \"ftp://hub\"\norigin = \"Grosseto!\"\nkey = \"short\"\n").unwrap_err().to_string();
    expect![[r#"
        sportello.toml:11:7: hub.url: 'ftp://hub' is not an http(s) URL like "https://hub.example.org"
        sportello.toml:12:10: hub.origin: 'Grosseto!' is not an origin name (a-z, 0-9, - and _)
        sportello.toml:13:7: hub.key: the enrolment key is missing or too short (copy it from `hub enrol`)"#]]
    .assert_eq(&err);
    let cfg = load("url = \"https://hub.example.org/\"\norigin = \"grosseto\"\nkey = \"sph_0123456789abcdef0123\"\n")
        .unwrap();
    let hub = cfg.hub.clone().unwrap();
    assert_eq!((hub.url.as_str(), hub.origin.as_str()), ("https://hub.example.org", "grosseto"));
    assert!(!format!("{cfg:?}").contains("sph_"), "the key is not in Debug output");
    assert!(load("url = \"https://hub.example.org\"\n").is_err(), "origin and key are required");
    // The key is a bearer credential: plain http only to this machine (a local tunnel).
    let key = "origin = \"grosseto\"\nkey = \"sph_0123456789abcdef0123\"\n";
    let err = load(&format!("url = \"http://hub.example.org\"\n{key}")).unwrap_err().to_string();
    assert!(err.contains("hub.url: 'http://hub.example.org' is plain http to another machine"), "{err}");
    for url in ["http://127.0.0.1:8090", "http://localhost:8090/", "http://[::1]:8090", "https://10.0.0.7"] {
        assert!(load(&format!("url = \"{url}\"\n{key}")).is_ok(), "{url}");
    }
    assert!(load(&format!("url = \"http://10.0.0.7:8090\"\n{key}")).is_err());
}

// The hub's CA file is read relative to the configuration directory and must hold a certificate.
#[test]
fn hub_ca_file() {
    let dir = std::env::temp_dir().join(format!("sportello-hub-ca-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("sites")).unwrap();
    std::fs::write(dir.join("sites/s1.toml"), SITE).unwrap();
    let global = |ca: &str| {
        format!(
            "{GLOBAL}\n[hub]\nurl = \"https://hub.example.org\"\norigin = \"grosseto\"\nkey = \"sph_0123456789abcdef0123\"\nca = \"{ca}\"\n"
        )
    };
    std::fs::write(dir.join("sportello.toml"), global("region-ca.pem")).unwrap();
    let err = load(&dir).unwrap_err().to_string();
    assert!(err.contains("hub.ca: cannot read the CA file") && err.contains("region-ca.pem"), "{err}");
    std::fs::write(dir.join("region-ca.pem"), "not a certificate").unwrap();
    let err = load(&dir).unwrap_err().to_string();
    assert!(err.contains("holds no PEM certificate"), "{err}");
    std::fs::write(dir.join("region-ca.pem"), "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n")
        .unwrap();
    let cfg = load(&dir).unwrap();
    assert_eq!(cfg.hub.unwrap().ca, Some(dir.join("region-ca.pem")));
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Issue 13: a desk may have a neutral public label; it defaults to its label and is never empty.
#[test]
fn a_desk_public_label_defaults_to_its_label() {
    let load = |site: String| {
        let sources =
            vec![(PathBuf::from("sportello.toml"), GLOBAL.to_owned()), (PathBuf::from("sites/s1.toml"), site)];
        load_sources(&sources)
    };
    let cfg = load(SITE.to_owned()).unwrap();
    assert_eq!(
        (cfg.sites[0].desks[0].label.as_str(), cfg.sites[0].desks[0].public_label.as_str()),
        ("Sportello 1", "Sportello 1")
    );
    let neutral = broken("label = \"Sportello 1\"", "label = \"Ambulatorio\"\npublic_label = \"Stanza 4\"");
    let cfg = load(neutral).unwrap();
    assert_eq!(
        (cfg.sites[0].desks[0].label.as_str(), cfg.sites[0].desks[0].public_label.as_str()),
        ("Ambulatorio", "Stanza 4")
    );
    let empty = broken("label = \"Sportello 1\"", "label = \"Ambulatorio\"\npublic_label = \" \"");
    let error = load(empty).unwrap_err().to_string();
    assert!(error.contains("desks[0].public_label: the public label is empty"), "{error}");
}

/// Issue 16: `[services.appointments]` and the site's `[appointments]` read, with their defaults,
/// and the day's booking capacity follows hours, slot length, desks and share.
#[test]
fn appointments_are_read() {
    let text = broken(
        "public_label = { it = \"Area A\", ar = \"المنطقة A\" }",
        "public_label = { it = \"Area A\", ar = \"المنطقة A\" }\n[services.appointments]\nhours = { tue = [\"09:00-10:00\", \"14:00-15:45\"] }\nslot_min = 30\nmax_share_percent = 50",
    );
    let sources =
        vec![(PathBuf::from("sportello.toml"), GLOBAL.to_owned()), (Path::new("sites").join("s1.toml"), text)];
    let cfg = load_sources(&sources).unwrap();
    let site = &cfg.sites[0];
    assert_eq!(
        site.appointments,
        crate::SiteAppointments { check_in_early_min: 30, check_in_late_min: 15, walk_in_guard: Some(3) }
    );
    let a = site.services[0].appointments.as_ref().unwrap();
    // 09:00, 09:30; 14:00, 14:30, 15:00 (15:30 would end after 15:45).
    assert_eq!(a.day(1, 1).slots(), [540, 570, 840, 870, 900]);
    assert!(a.day(0, 1).slots().is_empty());
    assert_eq!(a.day(1, 1).day_cap, 2);
    assert_eq!(a.day(1, 2).day_cap, 5);
    assert!(site.services[1].appointments.is_none());
    assert_eq!(cfg.rules().sites[&site.id].walk_in_guard, Some(3));
}

#[test]
fn appointment_errors_name_file_line_and_field() {
    let text = broken(
        "public_label = { it = \"Area A\", ar = \"المنطقة A\" }",
        "public_label = { it = \"Area A\", ar = \"المنطقة A\" }\nopening_hours = { mon = [\"09:00-13:00\"] }\n[services.appointments]\nhours = { mon = [\"12:00-14:00\"], tue = [\"10:00-11:00\"] }\nslot_min = 0\nmax_share_percent = 150",
    )
    .replacen(
        "languages = [\"it\", \"ar\"]\n",
        "languages = [\"it\", \"ar\"]\nappointments = { check_in_early_min = 500, walk_in_guard = 99 }\n",
        1,
    );
    check(
        &[("s1.toml", &text)],
        expect![[r#"
        sites/s1.toml:5:39: appointments.check_in_early_min: 500 must be between 0 and 240 minutes
        sites/s1.toml:5:60: appointments.walk_in_guard: 99 must be between 0 and 50 calls (0: no guard)
        sites/s1.toml:17:18: services[0].appointments.hours.mon[0]: '12:00-14:00' is outside the service's opening hours that day
        sites/s1.toml:17:41: services[0].appointments.hours.tue[0]: '10:00-11:00' is outside the service's opening hours that day
        sites/s1.toml:18:12: services[0].appointments.slot_min: 0 must be between 5 and 240 minutes
        sites/s1.toml:19:21: services[0].appointments.max_share_percent: 150 must be between 1 and 100 percent"#]],
    );
    let empty = broken(
        "public_label = { it = \"Area B\"",
        "appointments = { hours = {}, slot_min = 30, max_share_percent = 20 }\npublic_label = { it = \"Area B\"",
    );
    check(
        &[("s1.toml", &empty)],
        expect![
            "sites/s1.toml:21:26: services[1].appointments.hours: appointment hours name no time: give at least one day's range"
        ],
    );
}

#[test]
fn walk_in_guard_zero_turns_it_off() {
    let text = SITE.replacen(
        "languages = [\"it\", \"ar\"]\n",
        "languages = [\"it\", \"ar\"]\nappointments = { walk_in_guard = 0, check_in_late_min = 5 }\n",
        1,
    );
    let sources =
        vec![(PathBuf::from("sportello.toml"), GLOBAL.to_owned()), (Path::new("sites").join("s1.toml"), text)];
    let cfg = load_sources(&sources).unwrap();
    assert_eq!(cfg.sites[0].appointments.walk_in_guard, None);
    assert_eq!(cfg.sites[0].appointments.check_in_late_min, 5);
    assert_eq!(cfg.rules().sites[&cfg.sites[0].id].walk_in_guard, None);
}

/// `access.toml`: accounts and keys checked against the sites and languages, hashes only, every
/// problem with its line and field; a good file loads, and `access_to_toml` writes it back.
#[test]
fn access_file_is_checked_and_reads_back() {
    const HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo";
    let good = format!(
        r#"
[[staff]]
username = "anna"
name = "Anna"
role = "manager"
languages = ["ar"]
sites = ["s1"]
password_hash = "{HASH}"

[[devices]]
id = "totem-1"
site = "s1"
kind = "kiosk"
name = "Totem"
key_hash = "{}"
"#,
        "a".repeat(64)
    );
    let sources = |access: &str| {
        vec![
            (PathBuf::from("sportello.toml"), GLOBAL.to_owned()),
            (PathBuf::from(crate::ACCESS_FILE), access.to_owned()),
            (PathBuf::from("sites/s1.toml"), SITE.to_owned()),
        ]
    };
    let cfg = load_sources(&sources(&good)).unwrap();
    let access = cfg.access.clone().unwrap();
    assert_eq!((access.staff[0].username.as_str(), access.devices[0].id.as_str()), ("anna", "totem-1"));
    assert_eq!(access.staff[0].sites, Some(vec!["s1".to_owned()]));
    let again = load_sources(&sources(&crate::access_to_toml(&access))).unwrap();
    assert_eq!(again.access, Some(access));

    let bad = good
        .replacen("role = \"manager\"", "role = \"boss\"", 1)
        .replacen("languages = [\"ar\"]", "languages = [\"xx\"]", 1)
        .replacen("sites = [\"s1\"]", "sites = [\"S 9\"]", 1)
        .replacen(HASH, "hunter2", 1)
        .replacen("kind = \"kiosk\"", "kind = \"toaster\"", 1)
        .replacen(&"a".repeat(64), "not-a-hash", 1)
        + "\n[[staff]]\nusername = \"Anna!\"\nname = \"\"\nrole = \"staff\"\npassword_hash = \"$argon2id$v=19$m=1,t=1,p=1$x$y\"\n";
    let e = load_sources(&sources(&bad)).unwrap_err().to_string();
    for want in [
        "access.toml:5:8: staff[0].role: 'boss' is not staff, manager or admin",
        "access.toml:6:14: staff[0].languages[0]: 'xx' is not a configured language",
        "access.toml:7:10: staff[0].sites[0]: 'S 9' is not a site id",
        "access.toml:8:17: staff[0].password_hash: not an argon2id hash",
        "staff[1].username: 'Anna!' is not a username",
        "staff[1].name: the name shown on the desk page is empty",
        "access.toml:13:8: devices[0].kind: 'toaster' is not kiosk or display",
        "access.toml:15:12: devices[0].key_hash: not a sha256 of the key",
    ] {
        assert!(e.contains(want), "{want}\nin:\n{e}");
    }
    let twice = good.clone() + &good.replacen("[[devices]]", "[[devices]]\n", 1);
    let e = load_sources(&sources(&twice)).unwrap_err().to_string();
    assert!(e.contains("staff[1].username: 'anna' is listed twice"), "{e}");
    assert!(e.contains("devices[1].id: 'totem-1' is listed twice"), "{e}");
    assert!(e.contains("devices[1].key_hash: two devices have the same key"), "{e}");
}
