//! Issue 15: a region of sites. Two sites and a van push their events to a hub on a real
//! PostgreSQL (a throwaway cluster): the hub is down while all three issue and serve, the van is
//! offline for its whole round, the hub is killed with SIGKILL during pushes, batches are replayed
//! and one is sent with a hole; in the end the hub holds every event of every origin exactly once,
//! the gap was reported and not applied past, and its figures equal the sites'.

use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::time::Duration;
use testkit::process::ServerProcess;
use tests::{Client, GROSSETO, LIVORNO, StatusCode, TestServer, kiosk_key, test_config_dir};

pub(crate) fn hub_bin() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_sportello-test-hub"))
}

/// `hub --database-url DB args…`: its stdout (the key it prints).
pub(crate) fn hub_cli(db: &str, args: &[&str]) -> String {
    let out = std::process::Command::new(hub_bin()).arg("--database-url").arg(db).args(args).output().unwrap();
    assert!(out.status.success(), "hub {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

pub(crate) fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

pub(crate) fn start_hub(db: &str, port: u16) -> ServerProcess {
    let mut cmd = std::process::Command::new(hub_bin());
    cmd.arg("--database-url").arg(db).args(["serve", "--listen", &format!("127.0.0.1:{port}")]).env("RUST_LOG", "warn");
    ServerProcess::start(cmd).unwrap_or_else(|e| panic!("{e}"))
}

/// A site server's configuration: the test one with only `site_file` (its id renamed to `site`)
/// and a `[hub]` section.
pub(crate) fn site_config(dir: &Path, site_file: &str, site: &str, hub_url: &str, origin: &str, key: &str) -> PathBuf {
    site_config_with(dir, site_file, site, hub_url, origin, key, "")
}

/// `site_config` with more lines of `[hub]` (`ca = …`).
fn site_config_with(
    dir: &Path,
    site_file: &str,
    site: &str,
    hub_url: &str,
    origin: &str,
    key: &str,
    hub_extra: &str,
) -> PathBuf {
    let src = test_config_dir();
    std::fs::create_dir_all(dir.join("sites")).unwrap();
    let global = std::fs::read_to_string(src.join("sportello.toml")).unwrap();
    std::fs::write(
        dir.join("sportello.toml"),
        format!("{global}\n[hub]\nurl = \"{hub_url}\"\norigin = \"{origin}\"\nkey = \"{key}\"\n{hub_extra}"),
    )
    .unwrap();
    let text = std::fs::read_to_string(src.join("sites").join(site_file)).unwrap();
    let old = site_file.trim_end_matches(".toml");
    std::fs::write(
        dir.join("sites").join(format!("{site}.toml")),
        text.replace(&format!("id = \"{old}\""), &format!("id = \"{site}\"")),
    )
    .unwrap();
    dir.to_owned()
}

pub(crate) struct Site {
    pub(crate) origin: &'static str,
    pub(crate) site: &'static str,
    pub(crate) desk: &'static str,
    pub(crate) service: &'static str,
    pub(crate) server: TestServer,
    pub(crate) staff: Client,
    pub(crate) key: String,
    _config: tempfile::TempDir,
}

impl Site {
    pub(crate) async fn start(
        origin: &'static str,
        place: (&str, &'static str, &'static str, &'static str),
        staff: Option<&str>,
        hub_url: &str,
        key: String,
    ) -> Site {
        Site::start_with(origin, place, staff, hub_url, key, "").await
    }

    async fn start_with(
        origin: &'static str,
        (site_file, site, desk, service): (&str, &'static str, &'static str, &'static str),
        staff: Option<&str>,
        hub_url: &str,
        key: String,
        hub_extra: &str,
    ) -> Site {
        let config = tempfile::tempdir().unwrap();
        let dir = site_config_with(config.path(), site_file, site, hub_url, origin, &key, hub_extra);
        let data = tempfile::tempdir().unwrap();
        // The van has no demo account of its own: a driver with a session, written beforehand.
        let token = match staff {
            None => Some(
                queue_server::tools::add_staff_with_sessions(data.path(), &["autista".into()], "pw").unwrap().remove(0),
            ),
            Some(_) => None,
        };
        let mut opts = TestServer::options(dir, &data);
        opts.hub_retry_max = Duration::from_millis(500);
        let server = TestServer::start_opts(opts, data).await;
        let staff = match (staff, token) {
            (Some(user), _) => server.staff(user).await,
            (None, Some(t)) => server.client().with_bearer(&t),
            _ => unreachable!(),
        };
        staff.post_ok(&format!("/api/v1/desks/{desk}/open"), Value::Null, StatusCode::OK).await;
        Site { origin, site, desk, service, server, staff, key, _config: config }
    }

    /// `n` visitors at the kiosk; the desk serves every other one. Everything answers as usual.
    pub(crate) async fn work(&self, n: usize) {
        let kiosk = self.server.client().with_bearer(&kiosk_key(self.site));
        for _ in 0..n {
            kiosk.issue(self.site, json!({"service": self.service})).await;
        }
        for _ in 0..n / 2 {
            let t = self.staff.call_next(self.desk).await.expect("a ticket to call");
            let id = t["id"].as_str().unwrap();
            self.staff.act(id, "start").await;
            self.staff.act(id, "finish").await;
        }
    }

    pub(crate) fn outbox(&self) -> queue_server::tools::Outbox {
        queue_server::tools::outbox(self.server.data.path()).unwrap()
    }
}

pub(crate) async fn fleet(hub_url: &str, viewer: &str) -> Value {
    client::Client::new(hub_url).with_bearer(viewer).hub_fleet().await.unwrap()
}

pub(crate) fn origin<'a>(fleet: &'a Value, name: &str) -> &'a Value {
    fleet["origins"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["origin"] == name)
        .unwrap_or_else(|| panic!("{name} in {fleet}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_hub_gathers_every_event_exactly_once() {
    let Some(pg) = testkit::postgres::require_postgres("the region test") else { return };
    let db = pg.create_database("hub").unwrap();
    let (hub_port, van_port) = (free_port(), free_port());
    let hub_url = format!("http://127.0.0.1:{hub_port}");
    let key_a = hub_cli(&db, &["enrol", "grosseto", "--site", GROSSETO]);
    let key_b = hub_cli(&db, &["enrol", "livorno", "--site", LIVORNO]);
    let key_v = hub_cli(&db, &["enrol", "furgone", "--site", "furgone-pistoia"]);
    let viewer = hub_cli(&db, &["viewer", "regione"]);
    assert!(key_a.starts_with("sph_") && key_a.len() > 40, "{key_a}");

    let a = Site::start(
        "grosseto",
        ("grosseto-stazione.toml", GROSSETO, "gr-sportello-1", "lavoro"),
        Some("marco"),
        &hub_url,
        key_a,
    )
    .await;
    let b = Site::start(
        "livorno",
        ("livorno-terreni.toml", LIVORNO, "lt-sportello-1", "lavoro"),
        Some("giulia"),
        &hub_url,
        key_b,
    )
    .await;
    // The van reaches the hub only through its own link (a loopback proxy), down for its round.
    let van = Site::start(
        "furgone",
        ("grosseto-stazione.toml", "furgone-pistoia", "gr-sportello-1", "lavoro"),
        None,
        &format!("http://127.0.0.1:{van_port}"),
        key_v,
    )
    .await;

    // The hub is down (for the day): every site issues and serves as usual.
    for s in [&a, &b, &van] {
        s.work(12).await;
    }
    for s in [&a, &b, &van] {
        let o = s.outbox();
        assert!(o.last >= 12 + 6 * 3, "{}: {o:?}", s.origin);
        assert_eq!(o.acked, 0, "{}: nothing can be acknowledged with the hub down", s.origin);
        assert!(o.gap_free, "{o:?}");
    }

    // The hub comes up: the two sites catch up, the van (still offline) does not.
    let mut hub = start_hub(&db, hub_port);
    for s in [&a, &b] {
        testkit::eventually(&format!("{} acknowledged", s.origin), Duration::from_secs(30), || async {
            let o = s.outbox();
            if o.acked == o.last { Ok(()) } else { Err(format!("{o:?}")) }
        })
        .await;
    }
    let f = fleet(&hub_url, &viewer).await;
    assert_eq!(origin(&f, "grosseto")["watermark"], a.outbox().last);
    assert_eq!(origin(&f, "grosseto")["connected"], true);
    assert_eq!(origin(&f, "furgone")["watermark"], 0);
    assert_eq!(origin(&f, "furgone")["last_contact_ms"], Value::Null);

    // SIGKILL the hub while a site keeps working and pushing; start it again on the same address.
    let worker = {
        let (url, site, service) = (a.server.url.clone(), a.site, a.service);
        tokio::spawn(async move {
            let kiosk = Client::new(&url).with_bearer(&kiosk_key(site));
            for _ in 0..40 {
                kiosk.issue(site, json!({"service": service})).await;
                tokio::time::sleep(Duration::from_millis(25)).await;
            }
        })
    };
    tokio::time::sleep(Duration::from_millis(400)).await;
    hub.kill();
    b.work(4).await;
    worker.await.unwrap();
    let hub = start_hub(&db, hub_port);

    // The van's round ends: its link comes back, through a loopback proxy that cuts its first two
    // connections once the hub has answered (the batch applied at the hub, the answer lost): the
    // relay sends the same events again, and they are stored once.
    let proxy = tokio::net::TcpListener::bind(("127.0.0.1", van_port)).await.unwrap();
    let cuts = std::sync::Arc::new(std::sync::atomic::AtomicU32::new(0));
    let proxy_task = {
        let cuts = cuts.clone();
        tokio::spawn(async move {
            loop {
                let Ok((inbound, _)) = proxy.accept().await else { return };
                let cut = cuts.fetch_add(1, std::sync::atomic::Ordering::SeqCst) < 2;
                tokio::spawn(async move {
                    let Ok(out) = tokio::net::TcpStream::connect(("127.0.0.1", hub_port)).await else { return };
                    if cut {
                        use tokio::io::AsyncReadExt;
                        let (mut from_site, _to_site) = inbound.into_split();
                        let (mut from_hub, mut to_hub) = out.into_split();
                        let up = tokio::spawn(async move { tokio::io::copy(&mut from_site, &mut to_hub).await });
                        let mut first = [0u8; 1];
                        let _ = from_hub.read(&mut first).await;
                        up.abort();
                    } else {
                        let (mut inbound, mut out) = (inbound, out);
                        let _ = tokio::io::copy_bidirectional(&mut inbound, &mut out).await;
                    }
                });
            }
        })
    };
    for s in [&a, &b, &van] {
        testkit::eventually(&format!("{} acknowledged after the kill", s.origin), Duration::from_secs(30), || async {
            let o = s.outbox();
            if o.acked == o.last { Ok(()) } else { Err(format!("{o:?}")) }
        })
        .await;
    }
    assert!(cuts.load(std::sync::atomic::Ordering::SeqCst) > 2, "the van's first connections were cut");

    // A site server killed with SIGKILL while it issues and pushes: after its restart the relay
    // goes on from the acknowledged watermark, and nothing is lost or stored twice.
    let key_f = hub_cli(&db, &["enrol", "follonica", "--site", "follonica"]);
    let f_config = tempfile::tempdir().unwrap();
    let f_dir = site_config(f_config.path(), "grosseto-stazione.toml", "follonica", &hub_url, "follonica", &key_f);
    let f_data = tempfile::tempdir().unwrap();
    let server_bin = Path::new(env!("CARGO_BIN_EXE_sportello-test-server"));
    let mut follonica = ServerProcess::spawn(server_bin, &f_dir, f_data.path());
    let kiosk = Client::new(&follonica.url).with_bearer(&kiosk_key("follonica"));
    for i in 0..30 {
        kiosk.issue("follonica", json!({"service": "lavoro"})).await;
        if i == 10 {
            testkit::eventually("follonica's first push", Duration::from_secs(30), || async {
                let o = queue_server::tools::outbox(f_data.path()).unwrap();
                if o.acked > 0 { Ok(()) } else { Err(format!("{o:?}")) }
            })
            .await;
        }
    }
    follonica.kill();
    let before = queue_server::tools::outbox(f_data.path()).unwrap();
    assert!(before.last >= 30 && before.gap_free, "{before:?}");
    let follonica = ServerProcess::spawn(server_bin, &f_dir, f_data.path());
    testkit::eventually("follonica acknowledged after its restart", Duration::from_secs(60), || async {
        let o = queue_server::tools::outbox(f_data.path()).unwrap();
        if o.acked == o.last { Ok(()) } else { Err(format!("{o:?}")) }
    })
    .await;
    let at_hub = fleet(&hub_url, &viewer).await;
    let f_last = queue_server::tools::outbox(f_data.path()).unwrap().last;
    assert!(f_last >= before.last);
    assert_eq!(
        (&origin(&at_hub, "follonica")["watermark"], &origin(&at_hub, "follonica")["events"]),
        (&json!(f_last), &json!(f_last))
    );
    drop(follonica);
    // Exactly once: per origin, the hub stores as many events as the site numbered, with no hole.
    let f = fleet(&hub_url, &viewer).await;
    for s in [&a, &b, &van] {
        let o = s.outbox();
        assert_eq!(o.events, o.last, "{}: no event was purged, so the log holds every number", s.origin);
        let at_hub = origin(&f, s.origin);
        assert_eq!(at_hub["watermark"], o.last, "{}: {at_hub}", s.origin);
        assert_eq!(at_hub["events"], o.last, "{}: stored once each: {at_hub}", s.origin);
        assert_eq!(at_hub["gap"], Value::Null);
        assert_eq!((&at_hub["backlog"], &at_hub["oldest_unacked_age_s"]), (&json!(0), &Value::Null), "{at_hub}");
        assert_eq!(at_hub["software"], env!("CARGO_PKG_VERSION"));
    }

    let hub_client = |key: &str| client::Client::new(&hub_url).with_bearer(key);
    // The fleet page, for the Region's people (a viewer key; nothing without one).
    let page = hub_client(&viewer).exchange(hub_client(&viewer).request(client::Method::GET, "/fleet")).await.unwrap();
    assert_eq!(page.status, StatusCode::OK);
    for s in [&a, &b, &van] {
        assert!(page.body.contains(&format!("<td>{}</td>", s.origin)), "{}", page.body);
    }
    let anon = client::Client::new(&hub_url);
    assert_eq!(
        anon.exchange(anon.request(client::Method::GET, "/fleet")).await.unwrap().status,
        StatusCode::UNAUTHORIZED
    );
    let as_site = hub_client(&a.key);
    assert_eq!(
        as_site.exchange(as_site.request(client::Method::GET, "/hub/v1/fleet")).await.unwrap().status,
        StatusCode::FORBIDDEN
    );

    // Replays are harmless: the same batch again stores nothing.
    let replay = queue_server::tools::outbox_batch(a.server.data.path(), "grosseto", 0, 50).unwrap();
    assert_eq!(replay.events.len(), 50);
    let json = serde_json::to_string(&replay).unwrap();
    assert!(!json.contains("token"), "no token leaves the site");
    let r = hub_client(&a.key).hub_push(&replay).await.unwrap();
    assert_eq!((r.applied, r.duplicates, r.watermark, r.gap), (0, 50, a.outbox().last, None));

    // A site writes only its own origin and its own sites.
    let e = hub_client(&b.key).hub_push(&replay).await.unwrap_err();
    assert_eq!(e.api().map(|e| (e.status, e.code.as_str())), Some((403, "wrong_origin")), "{e}");
    let mut foreign = replay.clone();
    foreign.origin = "livorno".into();
    let e = hub_client(&b.key).hub_push(&foreign).await.unwrap_err();
    assert_eq!(e.api().map(|e| e.status), Some(403), "{e}");
    let mut newer = replay.clone();
    newer.events[0].v = 99;
    let e = hub_client(&a.key).hub_push(&newer).await.unwrap_err();
    assert_eq!(e.api().map(|e| e.status), Some(400), "an envelope from a newer site is refused, not misread: {e}");
    let e = hub_client("sph_not-a-key-at-all").hub_push(&replay).await.unwrap_err();
    assert_eq!(e.api().map(|e| e.status), Some(401), "{e}");

    // The hub's figures are the sites' own: per site, the summary counts over today.
    let today = jiff::Zoned::now().with_time_zone(jiff::tz::TimeZone::get("Europe/Rome").unwrap()).date();
    let (from, to) = (today.yesterday().unwrap(), today.tomorrow().unwrap());
    let stats = hub_client(&viewer).hub_stats(&from.to_string(), &to.to_string()).await.unwrap();
    for s in [&a, &b] {
        let manager = s.server.staff("responsabile").await;
        let (st, site) = manager.get(&format!("/api/v1/stats/summary?site={}&from={from}&to={to}", s.site)).await;
        assert_eq!(st, StatusCode::OK, "{site}");
        let mut at_hub = stats["sites"][s.site].clone();
        for k in ["issued", "served", "no_show", "cancelled", "expired", "open", "people", "wait_mean_s", "wait_p90_s"]
            .into_iter()
            .chain(["service_mean_s", "service_level", "integrated_journeys", "transfers"])
        {
            let want = site.get("summary").unwrap_or(&site)[k].clone();
            assert_eq!(at_hub[k].take(), want, "{} {k}: hub {stats} site {site}", s.site);
        }
    }
    let van_issued = stats["sites"]["furgone-pistoia"]["issued"].as_u64().unwrap();
    assert_eq!(van_issued, 12);
    let cells: u64 = stats["cells"].as_array().unwrap().iter().map(|c| c["summary"]["issued"].as_u64().unwrap()).sum();
    let sites: u64 = stats["sites"].as_object().unwrap().values().map(|s| s["issued"].as_u64().unwrap()).sum();
    assert_eq!(cells, sites, "the cells add up to the sites");
    // A gap: a new origin's first batch skips a number. Applied up to the hole, reported, and
    // the fleet shows it until the missing events come.
    let key_g = hub_cli(&db, &["enrol", "prova", "--site", GROSSETO]);
    let mut holed = replay.clone();
    holed.origin = "prova".into();
    holed.events.remove(3);
    let r = hub_client(&key_g).hub_push(&holed).await.unwrap();
    assert_eq!((r.applied, r.watermark), (3, 3));
    assert_eq!(r.gap, Some(queue_core::envelope::Gap { expected: 4, got: 5 }));
    let f = fleet(&hub_url, &viewer).await;
    assert_eq!(origin(&f, "prova")["gap"], json!({"expected": 4, "got": 5}));
    assert_eq!(origin(&f, "prova")["events"], 3, "nothing past the gap was stored");
    let mut whole = replay.clone();
    whole.origin = "prova".into();
    let r = hub_client(&key_g).hub_push(&whole).await.unwrap();
    assert_eq!((r.applied, r.duplicates, r.watermark, r.gap), (47, 3, 50, None));
    assert_eq!(origin(&fleet(&hub_url, &viewer).await, "prova")["gap"], Value::Null);

    drop(hub);
    proxy_task.abort();
}

/// A Region's own CA and a certificate for `localhost` signed by it: (the CA's PEM, a TLS front).
fn region_tls() -> (String, tokio_rustls::TlsAcceptor) {
    let mut ca = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
    ca.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    ca.distinguished_name.push(rcgen::DnType::CommonName, "Regione di prova CA");
    let ca_key = rcgen::KeyPair::generate().unwrap();
    let ca = ca.self_signed(&ca_key).unwrap();
    let leaf_key = rcgen::KeyPair::generate().unwrap();
    let leaf = rcgen::CertificateParams::new(vec!["localhost".to_owned()])
        .unwrap()
        .signed_by(&leaf_key, &ca, &ca_key)
        .unwrap();
    let key = tokio_rustls::rustls::pki_types::PrivateKeyDer::Pkcs8(leaf_key.serialize_der().into());
    let server = tokio_rustls::rustls::ServerConfig::builder_with_provider(std::sync::Arc::new(
        tokio_rustls::rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_no_client_auth()
    .with_single_cert(vec![leaf.der().clone()], key)
    .unwrap();
    (ca.pem(), tokio_rustls::TlsAcceptor::from(std::sync::Arc::new(server)))
}

/// The TLS front a Region puts before its hub: https on `listener`, plain http to the hub at `to`.
/// Counts the handshakes that completed.
fn tls_front(
    listener: tokio::net::TcpListener,
    acceptor: tokio_rustls::TlsAcceptor,
    to: u16,
) -> std::sync::Arc<std::sync::atomic::AtomicUsize> {
    let done = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let count = done.clone();
    tokio::spawn(async move {
        loop {
            let Ok((tcp, _)) = listener.accept().await else { return };
            let (acceptor, count) = (acceptor.clone(), count.clone());
            tokio::spawn(async move {
                let Ok(mut tls) = acceptor.accept(tcp).await else { return };
                count.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                if let Ok(mut hub) = tokio::net::TcpStream::connect(("127.0.0.1", to)).await {
                    let _ = tokio::io::copy_bidirectional(&mut tls, &mut hub).await;
                }
            });
        }
    });
    done
}

/// The relay speaks https itself (issue 15): it verifies the hub's certificate against the system's
/// CAs and the Region's own CA named by `[hub] ca`, and a site that cannot verify it sends nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_relay_pushes_over_https_to_a_hub_it_can_verify() {
    let Some(pg) = testkit::postgres::require_postgres("the https relay test") else { return };
    let db = pg.create_database("hub").unwrap();
    let hub_port = free_port();
    let _hub = start_hub(&db, hub_port);
    let (ca_pem, acceptor) = region_tls();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let https = format!("https://localhost:{}", listener.local_addr().unwrap().port());
    let handshakes = tls_front(listener, acceptor, hub_port);
    let viewer = hub_cli(&db, &["viewer", "regione"]);
    let key_l = hub_cli(&db, &["enrol", "livorno", "--site", LIVORNO]);
    let key_g = hub_cli(&db, &["enrol", "grosseto", "--site", GROSSETO]);

    // Livorno trusts the Region's CA (a file next to its configuration); Grosseto only the system's.
    let ca_dir = tempfile::tempdir().unwrap();
    let ca_file = ca_dir.path().join("regione-ca.pem");
    std::fs::write(&ca_file, &ca_pem).unwrap();
    let trusting = Site::start_with(
        "livorno",
        ("livorno-terreni.toml", LIVORNO, "lt-sportello-1", "lavoro"),
        Some("giulia"),
        &https,
        key_l,
        &format!("ca = {:?}\n", ca_file.display().to_string()),
    )
    .await;
    let doubting = Site::start(
        "grosseto",
        ("grosseto-stazione.toml", GROSSETO, "gr-sportello-1", "lavoro"),
        Some("marco"),
        &https,
        key_g,
    )
    .await;
    for s in [&trusting, &doubting] {
        s.work(6).await;
    }
    testkit::eventually("livorno acknowledged over https", Duration::from_secs(30), || async {
        let o = trusting.outbox();
        if o.acked == o.last && o.last > 0 { Ok(()) } else { Err(format!("{o:?}")) }
    })
    .await;
    let hub_url = format!("http://127.0.0.1:{hub_port}");
    let f = fleet(&hub_url, &viewer).await;
    assert_eq!(origin(&f, "livorno")["watermark"], trusting.outbox().last, "{f}");
    assert!(handshakes.load(std::sync::atomic::Ordering::SeqCst) >= 1);

    // Grosseto's relay refuses the certificate: it tries (and counts its failures), sends nothing,
    // and keeps every event for when it is configured to trust the hub.
    testkit::eventually("grosseto's pushes fail", Duration::from_secs(30), || async {
        let (_, m) = doubting.server.client().get("/metrics").await;
        let failures = m
            .as_str()
            .unwrap_or_default()
            .lines()
            .find_map(|l| l.strip_prefix("sportello_hub_push_failures_total "))
            .and_then(|v| v.trim().parse::<f64>().ok())
            .unwrap_or(0.0);
        if failures >= 2.0 { Ok(()) } else { Err(format!("hub_push_failures {failures}")) }
    })
    .await;
    let o = doubting.outbox();
    assert_eq!(o.acked, 0, "{o:?}");
    assert!(o.last > 0 && o.gap_free, "{o:?}");
    let f = fleet(&hub_url, &viewer).await;
    assert_eq!(origin(&f, "grosseto")["last_contact_ms"], Value::Null, "{f}");
    assert_eq!(origin(&f, "grosseto")["watermark"], 0, "{f}");
}

fn find<'a>(list: &'a Value, key: &str, want: &str) -> Option<&'a Value> {
    list.as_array()?.iter().find(|d| d[key] == want)
}

/// Issue 15, the fleet: every push says how the site's devices are (the codes they reported, when
/// they were last heard from; no free text) and which configuration the server runs; the hub keeps
/// the latest per origin and shows it in `/hub/v1/fleet` and on `/fleet`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_fleet_shows_the_sites_devices_and_configuration() {
    let Some(pg) = testkit::postgres::require_postgres("the fleet test") else { return };
    let db = pg.create_database("fleet").unwrap();
    let hub_port = free_port();
    let hub_url = format!("http://127.0.0.1:{hub_port}");
    let key = hub_cli(&db, &["enrol", "grosseto", "--site", GROSSETO]);
    let viewer = hub_cli(&db, &["viewer", "regione"]);
    let _hub = start_hub(&db, hub_port);
    let a = Site::start(
        "grosseto",
        ("grosseto-stazione.toml", GROSSETO, "gr-sportello-1", "lavoro"),
        Some("marco"),
        &hub_url,
        key,
    )
    .await;
    let kiosk = a.server.client().with_bearer(&kiosk_key(GROSSETO));
    let report =
        json!({"printer": "paper_low", "detail": "carta quasi finita, chiedere a Mario", "version": "kiosk-7"});
    kiosk.post_ok("/api/v1/devices/health", report, StatusCode::NO_CONTENT).await;
    // A ticket: the relay pushes at once, with the report.
    kiosk.issue(GROSSETO, json!({"service": "lavoro"})).await;
    let running = config::digest(&config::read_sources(&a.server.config_dir).unwrap());
    let f = testkit::eventually("the kiosk's health at the hub", Duration::from_secs(30), || async {
        let f = fleet(&hub_url, &viewer).await;
        let o = origin(&f, "grosseto").clone();
        match find(&o["devices"], "kind", "kiosk") {
            Some(d) if d["printer"] == "paper_low" => Ok(f),
            _ => Err(o.to_string()),
        }
    })
    .await;
    let o = origin(&f, "grosseto");
    let k = find(&o["devices"], "kind", "kiosk").unwrap();
    assert_eq!((&k["site"], &k["problem"], &k["version"]), (&json!(GROSSETO), &json!("paper_low"), &json!("kiosk-7")));
    let seen = k["last_seen_ms"].as_i64().unwrap();
    assert!((jiff::Timestamp::now().as_millisecond() - seen).abs() < 60_000, "{k}");
    let d = find(&o["devices"], "kind", "display").expect("the site's display is listed");
    assert_eq!((&d["last_seen_ms"], &d["sound"]), (&Value::Null, &Value::Null), "not heard from: {d}");
    assert!(!f.to_string().contains("Mario"), "a device's free text stays at the site: {f}");
    assert_eq!(o["config"]["running"], json!({"version": null, "sha256": running}), "{o}");
    assert_eq!((&o["config_state"], &o["published"]), (&json!("none_published"), &Value::Null));

    let page = client::Client::new(&hub_url).with_bearer(&viewer);
    let page = page.exchange(page.request(client::Method::GET, "/fleet")).await.unwrap();
    assert_eq!(page.status, StatusCode::OK);
    // The devices' table: the kiosk's problem and printer codes.
    assert!(page.body.contains("<td>paper_low</td><td>paper_low</td>"), "{}", page.body);
    assert!(page.body.contains("nessuna pubblicata"), "{}", page.body);
}

/// `hub --database-url DB args…` that must fail: its stderr.
pub(crate) fn hub_cli_fails(db: &str, args: &[&str]) -> String {
    let out = std::process::Command::new(hub_bin()).arg("--database-url").arg(db).args(args).output().unwrap();
    assert!(!out.status.success(), "hub {args:?} should fail: {}", String::from_utf8_lossy(&out.stdout));
    String::from_utf8(out.stderr).unwrap()
}

/// A bundle's source directory: the test configuration's global file (no `[hub]`) and Grosseto's
/// site file with its name ending in `suffix`.
fn bundle_source(dir: &Path, suffix: &str) -> PathBuf {
    let src = test_config_dir();
    std::fs::create_dir_all(dir.join("sites")).unwrap();
    std::fs::copy(src.join("sportello.toml"), dir.join("sportello.toml")).unwrap();
    let site = std::fs::read_to_string(src.join("sites/grosseto-stazione.toml")).unwrap();
    let name = "name = \"Punto di accesso Stazione di Grosseto\"";
    assert!(site.contains(name));
    let site = site.replacen(name, &format!("name = \"Punto di accesso Stazione di Grosseto{suffix}\""), 1);
    std::fs::write(dir.join("sites/grosseto-stazione.toml"), site).unwrap();
    dir.to_owned()
}

async fn site_name(server: &TestServer) -> String {
    let (st, sites) = server.client().get("/api/v1/sites").await;
    assert_eq!(st, StatusCode::OK, "{sites}");
    find(&sites, "id", GROSSETO).unwrap()["name"].as_str().unwrap().to_owned()
}

async fn fleet_config_state(hub_url: &str, viewer: &str, want: &str) -> Value {
    testkit::eventually(&format!("the fleet says {want}"), Duration::from_secs(30), || async {
        let f = fleet(hub_url, viewer).await;
        let o = origin(&f, "grosseto").clone();
        if o["config_state"] == want { Ok(o) } else { Err(o.to_string()) }
    })
    .await
}

/// Issue 15, configuration down: `hub publish` checks a configuration directory as `check-config`
/// does and stores it as the origin's next version; the site's relay pulls it, checks it again,
/// writes it into its data directory (atomically, keeping the previous one) and runs it from its
/// next start. A bundle the site cannot read is kept out, the old configuration stays, and the
/// fleet says why. With the hub away the site starts and serves on its last bundle.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn configuration_bundles_go_down_to_the_site() {
    let Some(pg) = testkit::postgres::require_postgres("the configuration bundles test") else { return };
    let db = pg.create_database("bundles").unwrap();
    let hub_port = free_port();
    let hub_url = format!("http://127.0.0.1:{hub_port}");
    let key = hub_cli(&db, &["enrol", "grosseto", "--site", GROSSETO]);
    let viewer = hub_cli(&db, &["viewer", "regione"]);
    let mut hub = start_hub(&db, hub_port);
    let count = || pg.psql("bundles", "SELECT count(*) FROM config_bundles").unwrap();

    // Bad input: refused with the check's own words, nothing stored.
    let work = tempfile::tempdir().unwrap();
    let bad = bundle_source(&work.path().join("bad"), " (rotta)");
    let site_file = bad.join("sites/grosseto-stazione.toml");
    let text = std::fs::read_to_string(&site_file).unwrap();
    std::fs::write(&site_file, text.replacen("time_zone = \"Europe/Rome\"", "time_zone = \"Europe/Atlantide\"", 1))
        .unwrap();
    let e = hub_cli_fails(&db, &["publish", "grosseto", bad.to_str().unwrap()]);
    assert!(e.contains("sites/grosseto-stazione.toml:") && e.contains("time_zone"), "{e}");
    assert!(e.contains("nothing stored"), "{e}");
    let with_hub = tempfile::tempdir().unwrap();
    let with_hub = site_config(with_hub.path(), "grosseto-stazione.toml", GROSSETO, &hub_url, "grosseto", &key);
    let e = hub_cli_fails(&db, &["publish", "grosseto", with_hub.to_str().unwrap()]);
    assert!(e.contains("no [hub] section"), "a site's key never goes up: {e}");
    let v1 = bundle_source(&work.path().join("v1"), " (v1)");
    let e = hub_cli_fails(&db, &["publish", "nessuno", v1.to_str().unwrap()]);
    assert!(e.contains("origin nessuno is not enrolled"), "{e}");
    hub_cli(&db, &["enrol", "altrove", "--site", LIVORNO]);
    let e = hub_cli_fails(&db, &["publish", "altrove", v1.to_str().unwrap()]);
    assert!(e.contains(&format!("configures site {GROSSETO}, whose events origin altrove may not write")), "{e}");
    assert_eq!(count(), "0");

    // The site starts on its local files.
    let config = tempfile::tempdir().unwrap();
    let dir = site_config(config.path(), "grosseto-stazione.toml", GROSSETO, &hub_url, "grosseto", &key);
    let data = tempfile::tempdir().unwrap();
    let mut opts = TestServer::options(dir.clone(), &data);
    opts.hub_retry_max = Duration::from_millis(500);
    opts.hub_config_poll = Duration::from_millis(300);
    let server = TestServer::start_opts(opts, data).await;
    assert_eq!(site_name(&server).await, "Punto di accesso Stazione di Grosseto");
    let o = fleet_config_state(&hub_url, &viewer, "none_published").await;
    assert_eq!(o["config"]["running"]["version"], Value::Null);

    // Version 1: published (once: the same files again are the same version), pulled, checked
    // and written for the next start. The server cannot swap its configuration while it runs
    // (the writer, the engine and the limits hold it), so the fleet says so.
    assert_eq!(hub_cli(&db, &["publish", "grosseto", v1.to_str().unwrap()]), "1");
    assert_eq!(hub_cli(&db, &["publish", "grosseto", v1.to_str().unwrap()]), "1");
    assert_eq!(count(), "1");
    let o = fleet_config_state(&hub_url, &viewer, "pending_restart").await;
    let sha1 = o["published"]["sha256"].clone();
    assert_eq!(o["config"]["pending_restart"], json!({"version": 1, "sha256": sha1}), "{o}");
    assert_eq!(std::fs::read_link(server.data.path().join("bundles/current")).unwrap(), Path::new("v1"));
    assert_eq!(site_name(&server).await, "Punto di accesso Stazione di Grosseto", "applied at the next start");
    let server = server.restart().await;
    assert_eq!(site_name(&server).await, "Punto di accesso Stazione di Grosseto (v1)");
    let o = fleet_config_state(&hub_url, &viewer, "deployed").await;
    assert_eq!(o["config"]["running"], json!({"version": 1, "sha256": sha1}), "published == deployed: {o}");
    assert_eq!(o["config"]["pending_restart"], Value::Null);

    // The site's side of the API: 304 when it has it; only a site key.
    let site = client::Client::new(&hub_url).with_bearer(&key);
    assert_eq!(site.hub_config(Some(1)).await.unwrap(), None);
    let b = site.hub_config(None).await.unwrap().expect("the newest bundle");
    assert_eq!((b.version, b.format, json!(b.sha256)), (1, 1, sha1.clone()));
    let r = site.request(client::Method::GET, "/hub/v1/config").header("If-None-Match", "\"v1\"");
    assert_eq!(site.exchange(r).await.unwrap().status, StatusCode::NOT_MODIFIED);
    let as_viewer = client::Client::new(&hub_url).with_bearer(&viewer);
    let e = as_viewer.hub_config(None).await.unwrap_err();
    assert_eq!(e.api().map(|e| e.status), Some(403), "{e}");

    // Version 2 comes in a format this site cannot read (a newer hub): refused, version 1 stays.
    pg.psql(
        "bundles",
        "INSERT INTO config_bundles (origin, version, format, sha256, files, published_ms) \
         SELECT origin, 2, 2, sha256, files, published_ms FROM config_bundles WHERE version = 1",
    )
    .unwrap();
    let o = fleet_config_state(&hub_url, &viewer, "refused").await;
    assert_eq!(o["config"]["refused"]["version"], 2);
    let reason = o["config"]["refused"]["reason"].as_str().unwrap();
    assert!(reason.contains("bundle format 2") && reason.contains("upgrade the site server"), "{reason}");
    assert_eq!(o["config"]["running"]["version"], 1);
    assert_eq!(std::fs::read_link(server.data.path().join("bundles/current")).unwrap(), Path::new("v1"));
    assert!(!server.data.path().join("bundles/v2").exists());
    let page = as_viewer.exchange(as_viewer.request(client::Method::GET, "/fleet")).await.unwrap();
    assert!(page.body.contains("rifiutata: ") && page.body.contains("bundle format 2"), "{}", page.body);

    // Version 3's files were damaged on the way (not what its sha256 says): refused by the site.
    pg.psql(
        "bundles",
        "INSERT INTO config_bundles (origin, version, format, sha256, files, published_ms) \
         SELECT origin, 3, 1, sha256, replace(files::text, '(v1)', '(v1, damaged)')::jsonb, published_ms \
         FROM config_bundles WHERE version = 1",
    )
    .unwrap();
    let o = testkit::eventually("version 3 refused", Duration::from_secs(30), || async {
        let o = origin(&fleet(&hub_url, &viewer).await, "grosseto").clone();
        if o["config"]["refused"]["version"] == 3 { Ok(o) } else { Err(o.to_string()) }
    })
    .await;
    let reason = o["config"]["refused"]["reason"].as_str().unwrap();
    assert!(reason.contains("do not match its sha256"), "{reason}");
    assert_eq!(std::fs::read_link(server.data.path().join("bundles/current")).unwrap(), Path::new("v1"));

    // Version 4 is good: written for the next start, version 1 kept beside it.
    let v4 = bundle_source(&work.path().join("v4"), " (v4)");
    assert_eq!(hub_cli(&db, &["publish", "grosseto", v4.to_str().unwrap()]), "4");
    let o = fleet_config_state(&hub_url, &viewer, "pending_restart").await;
    assert_eq!(o["config"]["refused"], Value::Null, "{o}");
    assert_eq!(std::fs::read_link(server.data.path().join("bundles/current")).unwrap(), Path::new("v4"));
    assert!(
        server.data.path().join("bundles/v1/sites/grosseto-stazione.toml").is_file(),
        "the previous bundle is kept"
    );

    // The hub goes away: the site restarts on its last bundle and serves as usual.
    hub.kill();
    let server = server.restart().await;
    assert_eq!(site_name(&server).await, "Punto di accesso Stazione di Grosseto (v4)");
    let kiosk = server.client().with_bearer(&kiosk_key(GROSSETO));
    kiosk.issue(GROSSETO, json!({"service": "lavoro"})).await;
    // Back on its local files only when they say no [hub] (stand-alone, as before).
    let standalone = std::fs::read_to_string(dir.join("sportello.toml")).unwrap();
    let standalone = standalone.split("\n[hub]").next().unwrap().to_owned();
    std::fs::write(dir.join("sportello.toml"), standalone).unwrap();
    let server = server.restart().await;
    assert_eq!(site_name(&server).await, "Punto di accesso Stazione di Grosseto");
    drop(server);
}

/// A site that ran stand-alone for years, its retention forgetting old tickets, is enrolled: its
/// pushes declare the numbers retention deleted before any hub had them, the hub moves past them
/// (no gap left open for ever), counts them on the fleet, and holds every event the site still
/// has, exactly once. A hole the site does not declare is still a gap.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_site_enrolled_after_its_retention_forgot_events_catches_up() {
    let Some(pg) = testkit::postgres::require_postgres("the late enrolment test") else { return };
    let db = pg.create_database("hub").unwrap();
    let hub_port = free_port();
    let hub_url = format!("http://127.0.0.1:{hub_port}");
    let _hub = start_hub(&db, hub_port);
    let all_sites: Vec<String> =
        config::load(&test_config_dir()).unwrap().sites.iter().map(|s| s.id.as_str().to_owned()).collect();
    let mut enrol = vec!["enrol", "livorno"];
    for s in &all_sites {
        enrol.extend(["--site", s.as_str()]);
    }
    let key = hub_cli(&db, &enrol);
    let viewer = hub_cli(&db, &["viewer", "regione"]);

    // Stand-alone (no [hub]): a morning's work.
    async fn serve(server: &TestServer, n: usize) {
        let kiosk = server.kiosk(LIVORNO).await;
        let staff = server.staff("giulia").await;
        staff.post_ok("/api/v1/desks/lt-sportello-1/open", Value::Null, StatusCode::OK).await;
        for _ in 0..n {
            kiosk.issue(LIVORNO, json!({"service": "lavoro"})).await;
            let t = staff.call_next("lt-sportello-1").await.expect("a ticket to call");
            let id = t["id"].as_str().unwrap().to_owned();
            staff.act(&id, "start").await;
            staff.act(&id, "finish").await;
        }
    }
    let first = TestServer::start().await;
    serve(&first, 4).await;
    let data = first.stop().await;
    // Ten years on (the test configuration keeps details 3,650 days): the start-up pass forgets them.
    let ahead = jiff::SignedDuration::from_hours(24 * 3651);
    let later = TestServer::start_later(data, ahead).await;
    serve(&later, 3).await;
    let data = later.stop().await;
    let before = queue_server::tools::outbox(data.path()).unwrap();
    assert!(before.events < before.last, "retention forgot events the hub never had: {before:?}");
    assert!(before.gap_free, "every missing number is recorded as forgotten: {before:?}");

    // Enrolled: the same data, the test configuration with `[hub]`.
    let config = tempfile::tempdir().unwrap();
    let src = test_config_dir();
    std::fs::create_dir_all(config.path().join("sites")).unwrap();
    let global = std::fs::read_to_string(src.join("sportello.toml")).unwrap();
    std::fs::write(
        config.path().join("sportello.toml"),
        format!("{global}\n[hub]\nurl = \"{hub_url}\"\norigin = \"livorno\"\nkey = \"{key}\"\n"),
    )
    .unwrap();
    for f in std::fs::read_dir(src.join("sites")).unwrap() {
        let f = f.unwrap().path();
        std::fs::copy(&f, config.path().join("sites").join(f.file_name().unwrap())).unwrap();
    }
    let mut opts = TestServer::options(config.path().to_owned(), &data);
    opts.clock = Some(std::sync::Arc::new(move || jiff::Timestamp::now() + ahead));
    opts.hub_retry_max = Duration::from_millis(500);
    let enrolled = TestServer::start_opts(opts, data).await;
    testkit::eventually("the enrolled site acknowledged", Duration::from_secs(30), || async {
        let o = queue_server::tools::outbox(enrolled.data.path()).unwrap();
        if o.acked == o.last { Ok(()) } else { Err(format!("{o:?}")) }
    })
    .await;
    let o = queue_server::tools::outbox(enrolled.data.path()).unwrap();
    let f = fleet(&hub_url, &viewer).await;
    let me = origin(&f, "livorno");
    assert_eq!(me["watermark"], o.last, "{me}");
    assert_eq!(me["gap"], Value::Null, "{me}");
    assert_eq!(me["events"], o.events, "every event the site still has, once: {me}");
    assert_eq!(me["forgotten"], o.last - o.events, "the forgotten ones are counted: {me}");

    // A replay of the whole history changes nothing.
    let hub = client::Client::new(&hub_url).with_bearer(&key);
    let again = queue_server::tools::outbox_batch(enrolled.data.path(), "livorno", 0, 10_000).unwrap();
    let r = hub.hub_push(&again).await.unwrap();
    assert_eq!((r.applied, r.watermark, r.gap), (0, o.last, None));
    let me = origin(&fleet(&hub_url, &viewer).await, "livorno").clone();
    assert_eq!((me["events"].clone(), me["forgotten"].clone()), (json!(o.events), json!(o.last - o.events)));

    // An event declared forgotten and sent as well is refused, changing nothing.
    let mut bad = again.clone();
    bad.forgotten.push([bad.events[0].seq, bad.events[0].seq]);
    let e = hub.hub_push(&bad).await.unwrap_err();
    assert_eq!(e.status(), Some(400), "{e}");
}

/// The real server binary as Grosseto's site server, enrolled at a hub of its own (database
/// `name` of `pg`), asking for a newer bundle every second.
struct LiveSite {
    db: String,
    hub_url: String,
    viewer: String,
    data: tempfile::TempDir,
    server: ServerProcess,
    _hub: ServerProcess,
    _config: tempfile::TempDir,
}

impl LiveSite {
    fn start(pg: &testkit::postgres::PgCluster, name: &str) -> LiveSite {
        let db = pg.create_database(name).unwrap();
        let hub_port = free_port();
        let hub_url = format!("http://127.0.0.1:{hub_port}");
        let key = hub_cli(&db, &["enrol", "grosseto", "--site", GROSSETO]);
        let viewer = hub_cli(&db, &["viewer", "regione"]);
        let hub = start_hub(&db, hub_port);
        let config = tempfile::tempdir().unwrap();
        let dir = site_config(config.path(), "grosseto-stazione.toml", GROSSETO, &hub_url, "grosseto", &key);
        let data = tempfile::tempdir().unwrap();
        let server = ServerProcess::start(testkit::process::server_command(
            Path::new(env!("CARGO_BIN_EXE_sportello-test-server")),
            &["--hub-config-poll", "1"],
            &dir,
            data.path(),
        ))
        .unwrap_or_else(|e| panic!("{e}"));
        LiveSite { db, hub_url, viewer, data, server, _hub: hub, _config: config }
    }
}

/// Issue 15, a bundle switched to while the server runs: the real server binary pulls a bundle
/// while the site is busy (a visitor waiting, a desk open) and keeps it pending — nobody at a
/// desk is disturbed; once the site is quiet it stops everything as for a shutdown and starts
/// again in the same process, on the same port and data, on the new configuration. Nothing is
/// lost: the staff session, the served ticket, the ticket numbers go on.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_quiet_site_applies_a_bundle_while_it_runs() {
    let Some(pg) = testkit::postgres::require_postgres("the live bundle test") else { return };
    let LiveSite { db, hub_url, viewer, data, mut server, _hub, _config } = LiveSite::start(&pg, "live");
    let pid = server.pid();
    let anon = Client::new(&server.url);
    let name = || async {
        let (st, sites) = anon.get("/api/v1/sites").await;
        assert_eq!(st, StatusCode::OK, "{sites}");
        find(&sites, "id", GROSSETO).unwrap()["name"].as_str().unwrap().to_owned()
    };
    let kiosk = Client::new(&server.url).with_bearer(&kiosk_key(GROSSETO));
    let (staff, _) = anon.api.login("marco", tests::PASSWORD).await.unwrap();
    let staff = Client { api: staff };
    fleet_config_state(&hub_url, &viewer, "none_published").await;

    // Busy: a desk open, a visitor waiting. Version 1 arrives and waits.
    staff.post_ok("/api/v1/desks/gr-sportello-1/open", Value::Null, StatusCode::OK).await;
    let first = kiosk.issue(GROSSETO, json!({"service": "lavoro"})).await;
    let work = tempfile::tempdir().unwrap();
    let v1 = bundle_source(&work.path().join("v1"), " (v1)");
    assert_eq!(hub_cli(&db, &["publish", "grosseto", v1.to_str().unwrap()]), "1");
    fleet_config_state(&hub_url, &viewer, "pending_restart").await;
    tokio::time::sleep(Duration::from_secs(5)).await;
    assert_eq!(origin(&fleet(&hub_url, &viewer).await, "grosseto")["config_state"], "pending_restart");
    assert_eq!(name().await, "Punto di accesso Stazione di Grosseto", "not while the site is busy");

    // The visitor is served and the desk closes: the site is quiet and switches in place.
    let t = staff.call_next("gr-sportello-1").await.expect("the visitor");
    assert_eq!(t["id"], first["id"]);
    let id = t["id"].as_str().unwrap().to_owned();
    staff.act(&id, "start").await;
    staff.act(&id, "finish").await;
    // A display asking all along: how long the switch keeps it without an answer.
    let poller = {
        let anon = anon.api.clone();
        tokio::spawn(async move {
            let (mut last_ok, mut longest, mut failed) = (std::time::Instant::now(), Duration::ZERO, 0u32);
            for _ in 0..1500 {
                match anon.exchange(anon.request(client::Method::GET, "/api/v1/sites")).await {
                    Ok(a) if a.status == StatusCode::OK => {
                        longest = longest.max(last_ok.elapsed());
                        last_ok = std::time::Instant::now();
                    }
                    _ => failed += 1,
                }
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
            (longest, failed)
        })
    };
    staff.post_ok("/api/v1/desks/gr-sportello-1/close", Value::Null, StatusCode::OK).await;
    let o = fleet_config_state(&hub_url, &viewer, "deployed").await;
    assert_eq!(o["config"]["running"]["version"], 1, "{o}");
    assert_eq!(o["config"]["pending_restart"], Value::Null, "{o}");
    assert_eq!(name().await, "Punto di accesso Stazione di Grosseto (v1)");
    assert!(server.alive() && server.pid() == pid, "the same process, the same port");
    let (longest, failed) = poller.await.unwrap();
    eprintln!("live bundle switch: longest time without an answer {longest:?}, {failed} requests failed");
    assert!(failed <= 2, "at most the requests on connections the switch closed: {failed}");

    // Nothing was lost: the staff session, the served ticket, the numbering of the day.
    let (st, t) = staff.get(&format!("/api/v1/tickets/{id}")).await;
    assert_eq!(st, StatusCode::OK, "{t}");
    assert_eq!(t["status"], "done", "{t}");
    let second = kiosk.issue(GROSSETO, json!({"service": "lavoro"})).await;
    assert_ne!(second["number"], first["number"], "{second}");
    testkit::eventually("everything acknowledged by the hub", Duration::from_secs(30), || async {
        let o = queue_server::tools::outbox(data.path()).unwrap();
        if o.acked == o.last && o.gap_free { Ok(()) } else { Err(format!("{o:?}")) }
    })
    .await;
    server.kill();
}

/// Issue 15: staff accounts, roles and device keys' hashes come down in the bundle too. The site's
/// own accounts are exported (`queue-server staff export`, hashes only), the Region edits the list
/// — one account leaves, one arrives, a new kiosk key — and publishes it with the configuration;
/// the site checks it as `check-config` does and applies it in one transaction: the account that
/// left is disabled and its open session ends, the new account logs in, the new key works. A bad
/// list is refused by `hub publish` with its line and field, nothing stored.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn staff_accounts_and_device_keys_come_down_in_the_bundle() {
    let Some(pg) = testkit::postgres::require_postgres("the access bundle test") else { return };
    let LiveSite { db, hub_url, viewer, data, server, _hub, _config } = LiveSite::start(&pg, "access");
    let server_bin = Path::new(env!("CARGO_BIN_EXE_sportello-test-server"));
    let anon = Client::new(&server.url);
    let (marco, _) = anon.api.login("marco", tests::PASSWORD).await.unwrap();
    let marco = Client { api: marco };
    assert_eq!(marco.get("/api/v1/session").await.0, StatusCode::OK);

    // The site's accounts and keys as access.toml: hashes only, never a password or a key.
    let out = std::process::Command::new(server_bin)
        .args(["--data", data.path().to_str().unwrap(), "staff", "export"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let exported = String::from_utf8(out.stdout).unwrap();
    assert!(exported.contains("username = \"marco\"") && exported.contains("$argon2id$"), "{exported}");
    assert!(!exported.contains(tests::PASSWORD) && !exported.contains(&kiosk_key(GROSSETO)), "hashes only");

    // The Region's list: Marco leaves, Nadia arrives (a manager at the station), a new kiosk.
    let work = tempfile::tempdir().unwrap();
    let v1 = bundle_source(&work.path().join("v1"), " (v1)");
    std::fs::write(v1.join("access.toml"), &exported).unwrap();
    let mut access = config::load(&v1).unwrap().access.unwrap();
    let mut nadia = access.staff.iter().find(|s| s.username == "marco").unwrap().clone();
    access.staff.retain(|s| s.username != "marco");
    nadia.username = "nadia".into();
    nadia.name = "Nadia Ferri".into();
    nadia.role = "manager".into();
    access.staff.push(nadia);
    let new_key = hub::new_key("kiosk");
    access.devices.push(config::DeviceKey {
        id: "gr-totem-nuovo".into(),
        site: GROSSETO.into(),
        kind: "kiosk".into(),
        name: "Totem nuovo".into(),
        key_hash: hub::key_hash(&new_key),
    });
    std::fs::write(v1.join("access.toml"), config::access_to_toml(&access)).unwrap();

    // A list with a password in it is refused by the hub, with its place; nothing stored.
    let bad = bundle_source(&work.path().join("bad"), " (bad)");
    let text = config::access_to_toml(&access).replacen("password_hash = \"$argon2id$", "password_hash = \"secret$", 1);
    std::fs::write(bad.join("access.toml"), text).unwrap();
    let e = hub_cli_fails(&db, &["publish", "grosseto", bad.to_str().unwrap()]);
    assert!(e.contains("access.toml:") && e.contains("password_hash: not an argon2id hash"), "{e}");
    assert!(e.contains("nothing stored"), "{e}");

    assert_eq!(hub_cli(&db, &["publish", "grosseto", v1.to_str().unwrap()]), "1");
    fleet_config_state(&hub_url, &viewer, "deployed").await;
    // Marco's open session ended, and he cannot log in again; Nadia can, as a manager.
    testkit::eventually("Marco's session ended", Duration::from_secs(10), || async {
        match marco.get("/api/v1/session").await.0 {
            StatusCode::UNAUTHORIZED => Ok(()),
            s => Err(s.to_string()),
        }
    })
    .await;
    assert!(anon.api.login("marco", tests::PASSWORD).await.is_err());
    let (nadia, who) = anon.api.login("nadia", tests::PASSWORD).await.expect("the new account");
    assert_eq!(who.role.as_str(), "manager");
    let nadia = Client { api: nadia };
    let (st, s) = nadia.get(&format!("/api/v1/stats/summary?site={GROSSETO}")).await;
    assert_eq!(st, StatusCode::OK, "{s}");
    // The new kiosk key works; the demo kiosk's, still listed, too.
    for k in [new_key.as_str(), kiosk_key(GROSSETO).as_str()] {
        let kiosk = Client::new(&server.url).with_bearer(k);
        assert_eq!(kiosk.get(&format!("/api/v1/sites/{GROSSETO}/kiosk")).await.0, StatusCode::OK);
    }
    let out = std::process::Command::new(server_bin)
        .args(["--data", data.path().to_str().unwrap(), "staff", "list"])
        .output()
        .unwrap();
    let list = String::from_utf8(out.stdout).unwrap();
    let line = |u: &str| list.lines().find(|l| l.starts_with(u)).unwrap_or_default().to_owned();
    assert!(line("marco").contains("disabled") && line("nadia").contains("active"), "{list}");
    drop(server);
}
