//! Headless slint tests (issue 4) on the real `.slint` UI with the testing backend.

use super::*;
use i_slint_backend_testing::{ElementHandle, mock_elapsed_time};
use std::time::Duration;

fn window_with(view: &View, w: u32, h: u32) -> AppWindow {
    init_headless();
    let window = AppWindow::new().unwrap();
    apply(&window, view);
    window.window().set_size(slint::PhysicalSize::new(w, h));
    window.show().unwrap();
    window
}

fn labels(window: &AppWindow, label: &str) -> usize {
    ElementHandle::find_by_accessible_label(window, label).count()
}

#[test]
fn landscape_shows_latest_previous_queues_clock_and_notice() {
    let view = demo_view(false);
    let window = window_with(&view, 1920, 1080);
    assert_eq!(labels(&window, "A013 → Sportello 3"), 1, "the newest call card");
    for row in
        ["B005 → Sportello 2", "A014 → Sportello 1", "B004 → Sportello 2", "A012 → Sportello 1", "C002 → Sportello 1"]
    {
        assert_eq!(labels(&window, row), 1, "previous call {row}");
    }
    assert_eq!(labels(&window, "Area A: 4, 12 min"), 1);
    assert_eq!(labels(&window, "Area C: 0, –"), 1);
    assert_eq!(labels(&window, "clock 10:00"), 1);
    assert!(labels(&window, &view.notice) >= 1, "the notice text");
    assert_eq!(labels(&window, "⚠  "), 0);
    let card = ElementHandle::find_by_accessible_label(&window, "A013 → Sportello 3").next().unwrap();
    let size = card.size();
    assert!(size.width > 900.0 && size.height > 400.0, "the newest call is large: {size:?}");
}

#[test]
fn portrait_stacks_the_same_content() {
    let view = demo_view(false);
    let window = window_with(&view, 1080, 1920);
    let card = ElementHandle::find_by_accessible_label(&window, "A013 → Sportello 3").next().unwrap();
    assert!(card.size().width > 1000.0, "full width in portrait: {:?}", card.size());
    let queue = ElementHandle::find_by_accessible_label(&window, "Area A: 4, 12 min").next().unwrap();
    assert!(queue.absolute_position().y > card.absolute_position().y + card.size().height, "queues below the calls");
}

#[test]
fn reconnecting_banner_appears_and_goes() {
    let stale = demo_view(true);
    let text = stale.stale.clone().unwrap();
    assert!(text.starts_with("Dati non aggiornati dalle 10:00"), "{text}");
    let window = window_with(&stale, 1920, 1080);
    assert_eq!(labels(&window, &text), 1, "the banner");
    apply(&window, &demo_view(false));
    assert_eq!(labels(&window, &text), 0, "cleared");
}

#[test]
fn newest_call_flashes_while_highlighted_only() {
    let mut view = demo_view(false);
    assert!(view.highlight);
    let window = window_with(&view, 1920, 1080);
    let card = ElementHandle::find_by_accessible_label(&window, "A013 → Sportello 3").next().unwrap();
    let (x, y) = ((card.absolute_position().x + 40.0) as u32, (card.absolute_position().y + 40.0) as u32);
    let pixel = |w: &AppWindow| *render(w, 1920, 1080).unwrap().get_pixel(x, y);
    let mut seen = std::collections::BTreeSet::new();
    for _ in 0..4 {
        seen.insert(pixel(&window).0);
        mock_elapsed_time(Duration::from_millis(500));
    }
    assert_eq!(seen.len(), 2, "the card alternates between two colours: {seen:?}");
    view.highlight = false;
    apply(&window, &view);
    let mut still = std::collections::BTreeSet::new();
    for _ in 0..4 {
        still.insert(pixel(&window).0);
        mock_elapsed_time(Duration::from_millis(500));
    }
    assert_eq!(still.len(), 1, "no flashing once the highlight is over: {still:?}");
}

#[test]
fn screenshots_are_written_at_both_sizes_and_deterministic() {
    let dir = std::env::temp_dir().join(format!("display-shots-{}", std::process::id()));
    let files = screenshots(&dir).unwrap();
    let names: Vec<_> = files.iter().map(|p| p.file_name().unwrap().to_string_lossy().into_owned()).collect();
    assert_eq!(
        names,
        [
            "display-landscape.png",
            "display-portrait.png",
            "display-landscape-reconnecting.png",
            "display-portrait-reconnecting.png",
            "display-landscape-ar.png",
            "display-portrait-uk-reconnecting.png"
        ]
    );
    let dims = |p: &Path| image::image_dimensions(p).unwrap();
    assert_eq!(dims(&files[0]), (1920, 1080));
    assert_eq!(dims(&files[1]), (1080, 1920));
    let first = std::fs::read(&files[0]).unwrap();
    let again = screenshots(&dir).unwrap();
    assert_eq!(std::fs::read(&again[0]).unwrap(), first, "same pixels from run to run");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn an_empty_site_says_no_calls_yet() {
    let c = DisplayController::new(Settings::default(), Texts::builtin(), t(0));
    let view = c.view(t(1));
    assert_eq!(view.latest, None);
    let window = window_with(&view, 1080, 1920);
    assert_eq!(labels(&window, "Nessuna chiamata · No calls yet"), 2, "the card's label and its text");
    assert_eq!(labels(&window, "A013 → Sportello 3"), 0);
}

/// Issue 20: a site whose screen language is Arabic or Ukrainian shows its texts (no message id, none
/// missing), English beside them, and waits in that language's plural.
#[test]
fn screen_texts_in_arabic_and_ukrainian() {
    for lang in ["ar", "uk"] {
        let view = demo_view_in(lang, true);
        let l = &view.labels;
        for (text, key) in [
            (&l.latest, ::texts::id::DISPLAY_LATEST),
            (&l.previous, ::texts::id::DISPLAY_PREVIOUS),
            (&l.waiting, ::texts::id::DISPLAY_WAITING),
            (&l.estimated_wait, ::texts::id::ESTIMATED_WAIT),
            (&l.no_calls, ::texts::id::DISPLAY_NO_CALLS),
        ] {
            assert_eq!(*text, format!("{} · {}", ::texts::t(lang, key), ::texts::t("en", key)), "{lang}");
            assert!(!text.contains("display-"), "{lang}: {text}");
        }
        let stale = view.stale.as_deref().unwrap();
        let say = |l| ::texts::tf(l, ::texts::id::DISPLAY_RECONNECTING, &[("time", "10:00".into())]);
        assert_eq!(stale, format!("{} · {}", say(lang), say("en")), "{lang}");
    }
    let ar = demo_view_in("ar", false);
    let a = ar.queues.iter().find(|q| q.label == "Area A").unwrap();
    assert_eq!(a.wait, "12 دقيقة", "12 minutes: the singular after 11–99");
    let b = ar.queues.iter().find(|q| q.label == "Area B").unwrap();
    assert_eq!(b.wait, "5 دقائق", "5 minutes: the plural of 3–10");
}

/// Issue 13, the frozen clock: the winit software renderer repaints only the regions it thinks
/// changed (partial rendering into a reused buffer). Here the same renderer runs headless on a
/// platform whose time the test moves (16 ms frames, the ticker scrolling, the newest call flashing),
/// the clock and calls change as in a day, and every frame the reused buffer must equal a fresh
/// full render: a region the partial renderer forgets (a clock that stays on 10:00) fails it.
#[test]
fn partial_software_rendering_repaints_the_clock_and_everything_else() {
    std::thread::spawn(partial_rendering_run).join().unwrap();
}

fn partial_rendering_run() {
    let mut r = PartialRendering::new();
    // Each step: what the network thread would publish, then a few frames.
    let mut c = DisplayController::new(Settings::default(), Texts::builtin(), t(0));
    c.apply_snapshot(crate::demo::demo_snapshot(), t(1));
    let mut steps: Vec<View> = Vec::new();
    for (i, s) in [2i64, 59, 61, 62, 119, 121, 300, 301, 302, 599, 601].iter().enumerate() {
        if i % 3 == 1 {
            let n = format!("A{:03}", 20 + i);
            c.apply_message(
                &crate::demo::call_msg_at(200 + i as u64, "ticket.called", &n, "lt-sportello-3", "ar", t(*s)),
                t(*s),
            );
        }
        if i == 6 {
            c.connection_lost(t(*s - 10));
        }
        if i == 8 {
            c.stream_opened(t(*s));
        }
        steps.push(c.view(t(*s)));
    }
    let mut clocks = Vec::new();
    for view in &steps {
        apply(&r.app, view);
        r.frames(20, Duration::from_millis(16));
        clocks.push(view.clock.clone());
    }
    assert!(clocks.contains(&"10:01".to_owned()) && clocks.contains(&"10:10".to_owned()), "{clocks:?}");
    let (count, wrong) = r.not_repainted();
    assert_eq!(count, 0, "{count} pixels not repainted, the first at {wrong:?} (the clock is at the top right)");
}

/// The app's window on a platform whose time the test moves, rendered by slint's partial software
/// renderer into a reused buffer, as winit-software does on X11 (softbuffer's buffer age 1).
struct PartialRendering {
    app: AppWindow,
    window: std::rc::Rc<slint::platform::software_renderer::MinimalSoftwareWindow>,
    now: std::rc::Rc<std::cell::Cell<Duration>>,
    buffer: Vec<slint::platform::software_renderer::PremultipliedRgbaColor>,
}

impl PartialRendering {
    const W: usize = 1920;
    const H: usize = 1080;

    fn new() -> PartialRendering {
        use slint::platform::software_renderer::{MinimalSoftwareWindow, RepaintBufferType};
        use std::cell::Cell;
        use std::rc::Rc;
        struct Mocked {
            window: Rc<MinimalSoftwareWindow>,
            now: Rc<Cell<Duration>>,
        }
        impl slint::platform::Platform for Mocked {
            fn create_window_adapter(&self) -> Result<Rc<dyn slint::platform::WindowAdapter>, slint::PlatformError> {
                Ok(self.window.clone())
            }
            fn duration_since_start(&self) -> Duration {
                self.now.get()
            }
        }
        let now = Rc::new(Cell::new(Duration::ZERO));
        let window = MinimalSoftwareWindow::new(RepaintBufferType::ReusedBuffer);
        slint::platform::set_platform(Box::new(Mocked { window: window.clone(), now: now.clone() })).unwrap();
        let app = AppWindow::new().unwrap();
        window.set_size(slint::PhysicalSize::new(Self::W as u32, Self::H as u32));
        app.show().unwrap();
        PartialRendering { app, window, now, buffer: vec![Default::default(); Self::W * Self::H] }
    }

    /// `n` frames, `step` of time apart, each drawn only where slint thinks it is needed.
    fn frames(&mut self, n: usize, step: Duration) {
        for _ in 0..n {
            self.now.set(self.now.get() + step);
            slint::platform::update_timers_and_animations();
            let buffer = &mut self.buffer;
            self.window.draw_if_needed(|r| {
                r.render(buffer, Self::W);
            });
        }
    }

    /// The reused buffer against a fresh full render of the same moment: how many pixels differ,
    /// and the first of them.
    fn not_repainted(&self) -> (usize, Option<(usize, usize)>) {
        let full = self.window.take_snapshot().unwrap();
        let mut wrong = None;
        let mut count = 0usize;
        for (i, (p, f)) in self.buffer.iter().zip(full.as_slice()).enumerate() {
            if (p.red, p.green, p.blue) != (f.r, f.g, f.b) {
                count += 1;
                wrong.get_or_insert((i % Self::W, i / Self::W));
            }
        }
        (count, wrong)
    }
}

/// A screen as a waiting room would have it: the demo's nine services, `previous` previous calls
/// (twelve calls made), stale or not.
fn busy_view(previous: usize, stale: bool, lang: &str) -> View {
    let mut c = DisplayController::new(Settings { previous, ..Settings::default() }, Texts::builtin(), t(0));
    let mut snapshot = crate::demo::demo_snapshot();
    snapshot.languages.retain(|l| l != lang);
    snapshot.languages.insert(0, lang.to_owned());
    c.apply_snapshot(snapshot, t(1));
    for i in 0..12u64 {
        let n = format!("{}{:03}", ["A", "D", "I", "F"][i as usize % 4], 10 + i);
        c.apply_message(&call_msg(200 + i, "ticket.called", &n, "lt-sportello-2", "fr"), t(10));
    }
    if stale {
        c.connection_lost(t(20));
        return c.view(t(60));
    }
    c.view(t(12))
}

/// Issue 13: with nine services, both orientations, the red band and `--previous 10`, every queue
/// tile is on screen at full size (two lines of 40 px text need 108 px), nothing overlaps the
/// ticker, and the ticker is the bottom strip.
#[test]
fn nine_services_fit_in_both_orientations_and_the_ticker_stays_on_screen() {
    for (w, h) in [(1920u32, 1080u32), (1080, 1920)] {
        for (previous, stale) in [(5, false), (5, true), (10, false), (10, true)] {
            let view = busy_view(previous, stale, "it");
            let window = window_with(&view, w, h);
            let what = format!("{w}×{h}, --previous {previous}, stale {stale}");
            let ticker = ElementHandle::find_by_accessible_label(&window, &view.notice).next().expect("the ticker");
            let ticker_top = ticker.absolute_position().y;
            assert_eq!(ticker_top.round() as u32, h - 84, "{what}: the ticker is the bottom strip");
            assert_eq!(view.queues.len(), 9);
            for q in &view.queues {
                let label = format!("{}: {}, {}", q.label, q.waiting, q.wait);
                let tile = ElementHandle::find_by_accessible_label(&window, &label).next();
                let tile = tile.unwrap_or_else(|| panic!("{what}: no tile {label}"));
                let (p, s) = (tile.absolute_position(), tile.size());
                assert!(s.height >= 108.0 && s.width >= 300.0, "{what}: {label} is {s:?}");
                assert!(p.x >= 0.0 && p.x + s.width <= w as f32, "{what}: {label} at {p:?}");
                assert!(p.y + s.height <= ticker_top, "{what}: {label} at {p:?} overlaps the ticker at {ticker_top}");
            }
            let big = ElementHandle::find_by_accessible_label(&window, "F021 → Sportello 2").next().unwrap();
            assert!(big.size().height >= 380.0, "{what}: the newest call is large: {:?}", big.size());
            let shown = view.previous.iter().filter(|c| labels(&window, &format!("{} → {}", c.number, c.desk)) == 1);
            for c in &view.previous {
                if let Some(row) =
                    ElementHandle::find_by_accessible_label(&window, &format!("{} → {}", c.number, c.desk)).next()
                {
                    let (p, s) = (row.absolute_position(), row.size());
                    assert!(p.y + s.height <= ticker_top, "{what}: {} at {p:?} overlaps the ticker", c.number);
                }
            }
            assert!(shown.count() >= 4, "{what}: at least four previous calls fit");
        }
    }
}

/// Issue 13: in portrait the red band wraps onto two lines instead of losing its English half.
#[test]
fn the_red_band_keeps_both_languages_in_portrait() {
    let view = busy_view(5, true, "it");
    let text = view.stale.clone().unwrap();
    assert!(text.contains(" · Not updated since"), "{text}");
    for (w, h) in [(1080, 1920), (1920, 1080)] {
        let window = window_with(&view, w, h);
        let band = ElementHandle::find_by_accessible_label(&window, &text).next().unwrap();
        let words = ElementHandle::find_by_accessible_label(&window, &format!("⚠  {text}")).next().unwrap();
        assert!(words.size().height <= band.size().height, "{w}×{h}: the text fits its band");
        assert!(words.size().width <= w as f32, "{w}×{h}");
    }
    // In portrait the text is two lines high: nothing was elided.
    let window = window_with(&view, 1080, 1920);
    let words = ElementHandle::find_by_accessible_label(&window, &format!("⚠  {text}")).next().unwrap();
    assert!(words.size().height >= 2.0 * 36.0, "two lines: {:?}", words.size());
}

/// The clock is kept by the UI thread (`keep_clock`), not by the views the network thread sends:
/// with no view at all for fifteen minutes (a network thread stuck on a slow server, or busy with a
/// burst) the clock still moves minute by minute, on slint's mocked time. The app puts views on
/// the window without their clock (`apply_content`), so an old view never sets it back either.
#[test]
fn the_clock_keeps_time_with_no_view_from_the_network() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicI64, Ordering};
    std::thread::spawn(|| {
        init_headless();
        let window = AppWindow::new().unwrap();
        let stale_view = demo_view(false);
        apply_content(&window, &stale_view);
        // The test's wall clock moves with slint's mocked time.
        let ms = Arc::new(AtomicI64::new(0));
        let wall = ms.clone();
        let tz = jiff::tz::TimeZone::get("Europe/Rome").unwrap();
        let _clock = keep_clock(
            &window,
            tz,
            Arc::new(move || t(0) + jiff::SignedDuration::from_millis(wall.load(Ordering::SeqCst))),
        );
        window.window().set_size(slint::PhysicalSize::new(1920, 1080));
        window.show().unwrap();
        let clock = |w: &AppWindow| w.global::<DisplayAdapter>().get_clock().to_string();
        assert_eq!(clock(&window), "10:00");
        let mut seen = vec![];
        for _ in 0..(15 * 4) {
            ms.fetch_add(15_000, Ordering::SeqCst);
            mock_elapsed_time(Duration::from_millis(15_000));
            seen.push(clock(&window));
        }
        let expected: Vec<String> = (0..60).map(|q| format!("10:{:02}", (q + 1) * 15 / 60)).collect();
        assert_eq!(seen, expected, "the clock follows the wall clock with no view sent");
        // A view published late (made at 10:00) does not put the clock back.
        apply_content(&window, &stale_view);
        assert_eq!(clock(&window), "10:15");
        assert_eq!(ElementHandle::find_by_accessible_label(&window, "clock 10:15").count(), 1);
    })
    .join()
    .unwrap();
}

/// The app puts a view on the window every time something changes (here every second, as the
/// driver's tick does), for minutes. With slint 1.18's partial software renderer, replacing the
/// queue and call models on each view made it stop repainting the clock: on a real window under
/// Xvfb the clock stayed on 03:40 for 13 minutes while the queue tiles and the ticker moved, and
/// here it stayed on 10:00 at 10:02. The lists are now updated in place (`sync_model`). Two and a
/// half minutes of views, queue updates, calls, heartbeats and a cut (the red band comes and goes),
/// then the reused buffer must equal a full render.
#[test]
fn partial_rendering_keeps_the_clock_through_a_long_run() {
    std::thread::spawn(long_partial_rendering_run).join().unwrap();
}

fn long_partial_rendering_run() {
    let secs: i64 = 150;
    let mut r = PartialRendering::new();
    let mut c = DisplayController::new(Settings::default(), Texts::builtin(), t(0));
    c.apply_snapshot(crate::demo::demo_snapshot(), t(1));
    let mut id = 200u64;
    for s in 2..secs {
        if s % 6 == 0 {
            id += 1;
            let n = (s / 6) as u32;
            let qs: Vec<(String, String, u32, u32)> = crate::demo::DEMO_SERVICES
                .iter()
                .map(|(sv, p, _, _)| (sv.to_string(), format!("Area {p}"), n * 3 % 80, n * 60))
                .collect();
            let qs2: Vec<(&str, &str, u32, u32)> =
                qs.iter().map(|(a, b, c, d)| (a.as_str(), b.as_str(), *c, *d)).collect();
            c.apply_message(&crate::demo::queue_msg(id, &qs2), t(s));
        }
        if s % 20 == 5 {
            id += 1;
            let n = format!("D{:03}", s / 20);
            c.apply_message(&crate::demo::call_msg_at(id, "ticket.called", &n, "lt-sportello-1", "ar", t(s)), t(s));
        }
        // A cut of the connection: the red band comes and goes.
        if s == 40 {
            c.connection_lost(t(s));
        }
        if s == 90 {
            c.stream_opened(t(s));
        }
        if s % 10 == 0 && !(40..90).contains(&s) {
            c.apply_message(&crate::demo::heartbeat_msg(t(s)), t(s));
        }
        apply(&r.app, &c.view(t(s)));
        r.frames(5, Duration::from_millis(200));
    }
    let (count, wrong) = r.not_repainted();
    assert_eq!(
        count,
        0,
        "{count} pixels not repainted, the first at {wrong:?} (the clock, at the top right, should read {})",
        c.view(t(secs - 1)).clock
    );
}
