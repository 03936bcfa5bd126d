//! `kiosk screenshots`: every screen in every language of the demo site rendered headless with the software renderer, as PNGs.

use crate::controller::{Controller, Input, View};
use crate::demo::{self, FakeServer};
use crate::printer::{MemoryPrinter, PrinterError};
use crate::ui::{self, AppWindow};
use anyhow::Context as _;
use slint::ComponentHandle as _;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Screen size of the kiosk (portrait full HD).
pub const SIZE: (u32, u32) = (1080, 1920);

struct Shot {
    name: &'static str,
    inputs: Vec<Input>,
    /// Seconds of inactivity after the inputs.
    idle_s: u64,
    offline: bool,
    printer_fails: bool,
}

fn shot(name: &'static str, inputs: Vec<Input>) -> Shot {
    Shot { name, inputs, idle_s: 0, offline: false, printer_fails: false }
}

fn scenarios(lang: &str) -> Vec<Shot> {
    use Input::*;
    let l = || Language(lang.to_string());
    let to_ticket = || vec![l(), Choose(2), Choose(0), Choose(1), Choose(0)];
    vec![
        shot("01-language", vec![]),
        shot("02-question", vec![l()]),
        shot("03-question-next", vec![l(), Choose(3)]),
        shot("04-party-size", vec![l(), Choose(2)]),
        shot("05-priority", vec![l(), Choose(2), Choose(0)]),
        shot("06-mediator", vec![l(), Choose(2), Choose(0), Choose(1)]),
        shot("07-ticket", to_ticket()),
        Shot { printer_fails: true, ..shot("08-ticket-printer-failed", to_ticket()) },
        shot("09-closed", vec![l(), Choose(1)]),
        Shot { offline: true, ..shot("10-offline", to_ticket()) },
        Shot { idle_s: 50, ..shot("11-inactivity-warning", vec![l(), Choose(3)]) },
        shot("12-help", vec![l(), Help]),
        shot("13-low-reach", vec![ToggleLowReach, l(), Choose(3)]),
        shot("14-low-reach-start", vec![ToggleLowReach]),
        Shot { offline: true, ..shot("15-offline-at-start", vec![]) },
    ]
}

/// The view after a scenario, driven through the real controller with the demo site.
fn view_of(s: &Shot) -> View {
    let server = FakeServer::new(demo::livorno());
    let printer = MemoryPrinter::default();
    if s.printer_fails {
        printer.fail_with(Some(PrinterError::PaperOut));
    }
    let mut now = Instant::now();
    if s.offline && s.inputs.is_empty() {
        server.with(|st| st.reachable = false);
    }
    let mut c = Controller::new(Box::new(server.clone()), Box::new(printer), false, now);
    c.work(now);
    let last = s.inputs.len().saturating_sub(1);
    for (i, input) in s.inputs.iter().enumerate() {
        if s.offline && i == last {
            server.with(|st| st.reachable = false);
        }
        c.handle(input.clone(), now);
        c.work(now);
    }
    for _ in 0..s.idle_s {
        now += Duration::from_secs(1);
        c.tick(now);
        c.work(now);
    }
    c.view(now)
}

/// Installs the headless software renderer for this thread (call once, before any window exists).
pub fn init_headless() -> anyhow::Result<()> {
    let backend = i_slint_backend_testing::TestingBackend::new(i_slint_backend_testing::TestingBackendOptions {
        mock_time: true,
        threading: false,
        renderer_name: Some("software".into()),
    });
    slint::platform::set_platform(Box::new(backend)).map_err(|e| anyhow::anyhow!("slint platform: {e}"))
}

/// Renders the window as it is now into a PNG file.
pub fn snapshot(window: &AppWindow, path: &Path) -> anyhow::Result<()> {
    let buffer = window.window().take_snapshot().context("rendering the window")?;
    let image = image::RgbaImage::from_raw(buffer.width(), buffer.height(), buffer.as_bytes().to_vec())
        .context("snapshot buffer size")?;
    image.save(path).with_context(|| format!("writing {}", path.display()))
}

/// Writes `it-01-language.png` … `uk-15-offline-at-start.png` (every screen, every language of the
/// demo site) into `out`. Needs [`init_headless`] first.
pub fn write_all(out: &Path) -> anyhow::Result<Vec<PathBuf>> {
    std::fs::create_dir_all(out).with_context(|| format!("creating {}", out.display()))?;
    let window = AppWindow::new()?;
    window.window().set_size(slint::PhysicalSize::new(SIZE.0, SIZE.1));
    window.show()?;
    let mut written = Vec::new();
    let site = demo::livorno();
    for lang in site.languages.iter().map(|l| l.code.as_str()) {
        for s in scenarios(lang) {
            let view = view_of(&s);
            ui::apply(&window, &view, None);
            let path = out.join(format!("{lang}-{}.png", s.name));
            snapshot(&window, &path)?;
            written.push(path);
        }
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    // Issue 3: the on-screen ticket's QR code, rendered by the software renderer, scans to the status URL.
    #[test]
    fn arabic_ticket_screen_renders_with_a_scannable_qr() {
        init_headless().unwrap();
        let window = AppWindow::new().unwrap();
        window.window().set_size(slint::PhysicalSize::new(SIZE.0, SIZE.1));
        window.show().unwrap();
        let shot = scenarios("ar").into_iter().find(|s| s.name == "08-ticket-printer-failed").unwrap();
        let view = view_of(&shot);
        assert!(view.rtl);
        ui::apply(&window, &view, None);
        let buffer = window.window().take_snapshot().unwrap();
        assert_eq!((buffer.width(), buffer.height()), SIZE);
        let pixels = buffer.as_slice();
        let mut img = rqrr::PreparedImage::prepare_from_greyscale(SIZE.0 as usize, SIZE.1 as usize, |x, y| {
            let p = pixels[y * SIZE.0 as usize + x];
            ((u16::from(p.r) + u16::from(p.g) + u16::from(p.b)) / 3) as u8
        });
        let urls: Vec<String> = img.detect_grids().iter().filter_map(|g| g.decode().ok()).map(|(_, s)| s).collect();
        assert_eq!(urls, vec!["http://127.0.0.1:8080/t/tok0023".to_string()]);
    }
}
