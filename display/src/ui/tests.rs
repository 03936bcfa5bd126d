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
    assert_eq!(labels(&window, "A: 4, 12 min"), 1);
    assert_eq!(labels(&window, "C: 0, –"), 1);
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
    let queue = ElementHandle::find_by_accessible_label(&window, "A: 4, 12 min").next().unwrap();
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
    let a = ar.queues.iter().find(|q| q.label == "A").unwrap();
    assert_eq!(a.wait, "12 دقيقة", "12 minutes: the singular after 11–99");
    let b = ar.queues.iter().find(|q| q.label == "B").unwrap();
    assert_eq!(b.wait, "5 دقائق", "5 minutes: the plural of 3–10");
}
