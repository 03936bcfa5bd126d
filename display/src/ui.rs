//! The slint side: the generated UI, the [`View`] → `DisplayAdapter` mapping, and headless
//! screenshots with the software renderer.

use crate::controller::{CallLine, DisplayController, Settings, View};
use crate::demo::{call_msg, demo_snapshot, t};
use crate::texts::Texts;
use anyhow::Context;
use slint::{ComponentHandle, ModelRc, SharedString, VecModel};
use std::path::{Path, PathBuf};

pub use display_ui::*;

fn call_item(c: &CallLine) -> CallItem {
    CallItem { number: c.number.as_str().into(), desk: c.desk.as_str().into(), service: c.service.as_str().into() }
}

/// Puts a view on the window, its clock included (screenshots, tests).
pub fn apply(window: &AppWindow, v: &View) {
    window.global::<DisplayAdapter>().set_clock(SharedString::from(&v.clock));
    apply_content(window, v);
}

/// Puts a view on the window but its clock: the running app's clock is kept by [`keep_clock`].
pub fn apply_content(window: &AppWindow, v: &View) {
    let a = window.global::<DisplayAdapter>();
    let s = |x: &str| SharedString::from(x);
    a.set_site_name(s(&v.site_name));
    a.set_has_latest(v.latest.is_some());
    if let Some(l) = &v.latest {
        a.set_latest(call_item(l));
    }
    a.set_highlight(v.highlight);
    sync_model(a.get_previous(), v.previous.iter().map(call_item).collect(), |m| a.set_previous(m));
    sync_model(
        a.get_queues(),
        v.queues
            .iter()
            .map(|q| QueueItem { label: s(&q.label), waiting: q.waiting.min(i32::MAX as u32) as i32, wait: s(&q.wait) })
            .collect(),
        |m| a.set_queues(m),
    );
    a.set_notice(s(&v.notice));
    a.set_stale(v.stale.is_some());
    a.set_stale_text(s(v.stale.as_deref().unwrap_or("")));
    a.set_sound_problem(s(v.sound.as_deref().unwrap_or("")));
    a.set_latest_title(s(&v.labels.latest));
    a.set_previous_title(s(&v.labels.previous));
    a.set_waiting_title(s(&v.labels.waiting));
    a.set_wait_title(s(&v.labels.estimated_wait));
    a.set_no_calls(s(&v.labels.no_calls));
}

/// Updates a list on the window in place: rows that changed are set, nothing else is touched, and
/// the model (with the items slint made for its rows) is replaced only when the number of rows
/// changes. Replacing the models on every view made slint 1.18's partial software renderer lose
/// track of other items: the clock stopped being repainted (issue 13; test
/// `ui::tests::partial_rendering_keeps_the_clock_through_a_long_run`).
fn sync_model<T: Clone + PartialEq + 'static>(current: ModelRc<T>, rows: Vec<T>, replace: impl FnOnce(ModelRc<T>)) {
    use slint::Model;
    match current.as_any().downcast_ref::<VecModel<T>>() {
        Some(model) if model.row_count() == rows.len() => {
            for (i, row) in rows.into_iter().enumerate() {
                if model.row_data(i).as_ref() != Some(&row) {
                    model.set_row_data(i, row);
                }
            }
        }
        _ => replace(ModelRc::new(VecModel::from(rows))),
    }
}

/// Keeps the top bar's clock (HH:MM in `tz`) from the UI thread itself, every half second, so
/// that the clock never waits for the network thread's next view: a waiting room reads the time
/// off the screen whether the server is slow, cut off or flooding the display with calls. Keep
/// the returned timer alive for as long as the window runs.
pub fn keep_clock(window: &AppWindow, tz: jiff::tz::TimeZone, now: crate::client::Clock) -> slint::Timer {
    let weak = window.as_weak();
    let set = move || {
        if let Some(w) = weak.upgrade() {
            let text = now().to_zoned(tz.clone()).strftime("%H:%M").to_string();
            let a = w.global::<DisplayAdapter>();
            if a.get_clock() != text.as_str() {
                a.set_clock(text.into());
            }
        }
    };
    set();
    let timer = slint::Timer::default();
    timer.start(slint::TimerMode::Repeated, std::time::Duration::from_millis(500), set);
    timer
}

/// Makes this thread's slint platform the headless testing backend with the software renderer
/// (deterministic pixels, no display server). Harmless if already done on this thread.
pub fn init_headless() {
    use i_slint_backend_testing::{TestingBackend, TestingBackendOptions};
    let _ = slint::platform::set_platform(Box::new(TestingBackend::new(TestingBackendOptions {
        mock_time: true,
        threading: false,
        renderer_name: Some("software".into()),
    })));
}

/// Renders the window at a size and returns its pixels as PNG-ready RGBA.
pub fn render(window: &AppWindow, width: u32, height: u32) -> anyhow::Result<image::RgbaImage> {
    window.window().set_size(slint::PhysicalSize::new(width, height));
    window.show().context("showing the window")?;
    let shot = window.window().take_snapshot().context("rendering the window")?;
    let (w, h) = (shot.width(), shot.height());
    image::RgbaImage::from_raw(w, h, shot.as_bytes().to_vec()).context("the rendered buffer has the wrong size")
}

/// The demo screen used for screenshots: a site with a fresh call at t(10), seen at t(12).
pub fn demo_view(stale: bool) -> View {
    demo_view_in("it", stale)
}

/// The demo screen of a site whose first language (the screen's) is `lang`.
pub fn demo_view_in(lang: &str, stale: bool) -> View {
    let mut c = DisplayController::new(Settings::default(), Texts::builtin(), t(0));
    let mut snapshot = demo_snapshot();
    snapshot.languages.retain(|l| l != lang);
    snapshot.languages.insert(0, lang.to_owned());
    c.apply_snapshot(snapshot, t(1));
    c.apply_message(&call_msg(101, "ticket.called", "A013", "lt-sportello-3", "ar"), t(10));
    c.apply_message(&call_msg(102, "ticket.serving", "B004", "lt-sportello-2", "ar"), t(10));
    c.apply_message(&call_msg(103, "ticket.called", "A014", "lt-sportello-1", "it"), t(8));
    c.apply_message(&call_msg(104, "ticket.called", "B005", "lt-sportello-2", "uk"), t(9));
    c.apply_message(&call_msg(105, "ticket.recalled", "A013", "lt-sportello-3", "ar"), t(10));
    if stale {
        c.connection_lost(t(300));
        return c.view(t(420));
    }
    c.view(t(12))
}

/// `display screenshots --out DIR`: landscape and portrait PNGs, live and reconnecting, in Italian, Arabic and Ukrainian.
pub fn screenshots(out: &Path) -> anyhow::Result<Vec<PathBuf>> {
    std::fs::create_dir_all(out).with_context(|| format!("creating {}", out.display()))?;
    init_headless();
    let window = AppWindow::new().context("creating the window")?;
    let mut written = Vec::new();
    for (name, w, h, stale, lang) in [
        ("landscape", 1920, 1080, false, "it"),
        ("portrait", 1080, 1920, false, "it"),
        ("landscape-reconnecting", 1920, 1080, true, "it"),
        ("portrait-reconnecting", 1080, 1920, true, "it"),
        // A site whose screen language is Arabic or Ukrainian (its texts, English beside them).
        ("landscape-ar", 1920, 1080, false, "ar"),
        ("portrait-uk-reconnecting", 1080, 1920, true, "uk"),
    ] {
        apply(&window, &demo_view_in(lang, stale));
        let img = render(&window, w, h)?;
        let path = out.join(format!("display-{name}.png"));
        img.save(&path).with_context(|| format!("writing {}", path.display()))?;
        written.push(path);
    }
    window.hide().ok();
    Ok(written)
}

#[cfg(test)]
mod tests;
