//! `kiosk screenshots`: every screen of the demo configuration, every language, both orientations, low reach off and on, rendered headless as PNGs.

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
/// The same screen turned (landscape full HD).
pub const LANDSCAPE: (u32, u32) = (1920, 1080);

/// Both orientations, with the word that goes in file names.
pub const ORIENTATIONS: [(&str, (u32, u32)); 2] = [("portrait", SIZE), ("landscape", LANDSCAPE)];

/// One screen to render: the touches that lead there from the start.
pub struct Shot {
    pub name: &'static str,
    pub inputs: Vec<Input>,
    /// Seconds of inactivity after the inputs.
    pub idle_s: u64,
    pub offline: bool,
    pub printer_fails: bool,
    pub no_printer: bool,
}

fn shot(name: &'static str, inputs: Vec<Input>) -> Shot {
    Shot { name, inputs, idle_s: 0, offline: false, printer_fails: false, no_printer: false }
}

/// Every screen of the demo site (`config/demo`, Livorno Via Terreni: nine services behind two questions,
/// three priority questions, eleven mediator choices), reached the way a visitor reaches it.
pub fn scenarios(lang: &str) -> Vec<Shot> {
    use Input::*;
    let l = || Language(lang.to_string());
    // Work → look for a job → 2 people → no, no, no → mediator Arabic.
    let path = |n: usize| -> Vec<Input> {
        let all = vec![l(), Choose(2), Choose(0), Choose(1), Choose(1), Choose(1), Choose(1), Choose(1)];
        all.into_iter().take(n).collect()
    };
    let to_ticket = || {
        let mut p = path(8);
        p.push(Confirm);
        p
    };
    vec![
        shot("language", vec![]),
        shot("question-need", path(1)),
        shot("question-work", path(2)),
        shot("party-size", path(3)),
        shot("priority-children", path(4)),
        shot("priority-disability", path(5)),
        shot("priority-pregnancy", path(6)),
        shot("mediator", path(7)),
        shot("summary", path(8)),
        shot("ticket", to_ticket()),
        Shot { printer_fails: true, ..shot("ticket-printer-failed", to_ticket()) },
        Shot { no_printer: true, ..shot("ticket-screen-only", to_ticket()) },
        shot("closed", vec![l(), Choose(1)]),
        Shot { offline: true, ..shot("offline", to_ticket()) },
        Shot { idle_s: 50, ..shot("inactivity-warning", path(3)) },
        shot("help", vec![l(), Help]),
        // "I have an appointment": the keypad with a part-typed code, then a typo refused on the kiosk.
        shot("appointment-keypad", [vec![l(), Appointment], "7K3MQD".chars().map(Key).collect()].concat()),
        shot(
            "appointment-typo",
            [vec![l(), Appointment], "7K3MQD9P5".chars().map(Key).collect(), vec![Confirm]].concat(),
        ),
        Shot { offline: true, ..shot("offline-at-start", vec![]) },
    ]
}

/// The view after a scenario, driven through the real controller with the demo configuration's site.
pub fn view_of(s: &Shot, low_reach: bool) -> View {
    let server = FakeServer::new(demo::from_demo_config("livorno-terreni"));
    let printer = MemoryPrinter::default();
    if s.printer_fails {
        printer.fail_with(Some(PrinterError::PaperOut));
    }
    let mut now = Instant::now();
    if s.offline && s.inputs.is_empty() {
        server.with(|st| st.reachable = false);
    }
    let device: Box<dyn crate::printer::TicketPrinter> =
        if s.no_printer { Box::new(crate::printer::NoPrinter) } else { Box::new(printer) };
    let mut c = Controller::new(Box::new(server.clone()), device, low_reach, now);
    c.work(now);
    let last = s.inputs.len().saturating_sub(1);
    for (i, input) in s.inputs.iter().enumerate() {
        if s.offline && i == last {
            server.with(|st| st.reachable = false);
        }
        // A deliberate visitor: each touch a second after the last (past the double-tap guard).
        now += Duration::from_secs(1);
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

/// Writes `{screen}-{lang}-{orientation}.png` and `…-low-reach.png` (e.g. `question-need-ar-portrait.png`):
/// every screen of the demo configuration, in every language of its site, portrait and landscape, low
/// reach off and on, into `out`. Needs [`init_headless`] first.
pub fn write_all(out: &Path) -> anyhow::Result<Vec<PathBuf>> {
    std::fs::create_dir_all(out).with_context(|| format!("creating {}", out.display()))?;
    let window = AppWindow::new()?;
    window.show()?;
    let mut written = Vec::new();
    let site = demo::from_demo_config("livorno-terreni");
    for (orientation, size) in ORIENTATIONS {
        window.window().set_size(slint::PhysicalSize::new(size.0, size.1));
        for lang in site.languages.iter().map(|l| l.code.as_str()) {
            for s in scenarios(lang) {
                for low_reach in [false, true] {
                    let view = view_of(&s, low_reach);
                    ui::apply(&window, &view, None);
                    let reach = if low_reach { "-low-reach" } else { "" };
                    let path = out.join(format!("{}-{lang}-{orientation}{reach}.png", s.name));
                    snapshot(&window, &path)?;
                    written.push(path);
                }
            }
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
        let shot = scenarios("ar").into_iter().find(|s| s.name == "ticket-printer-failed").unwrap();
        let view = view_of(&shot, false);
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
        assert_eq!(urls, vec!["https://sportello.comune.livorno.it/t/tok0023".to_string()]);
    }

    use i_slint_backend_testing::AccessibleRole;
    use i_slint_backend_testing::ElementHandle;

    /// The buttons labelled `label` on screen now, as (x, y, width, height) in window coordinates.
    fn buttons(window: &AppWindow, label: &str) -> Vec<(f32, f32, f32, f32)> {
        ElementHandle::find_by_accessible_label(window, label)
            .filter(|e| e.accessible_role() == Some(AccessibleRole::Button))
            .map(|e| {
                let (p, s) = (e.absolute_position(), e.size());
                (p.x, p.y, s.width, s.height)
            })
            .collect()
    }

    // Issue 18: every option of every demo question (the real configuration: nine needs, eleven mediator
    // choices) can be reached inside the window above the bottom bar, portrait and landscape, in every
    // language; with low reach on, below the reach line. Options that do not fit are on further pages.
    #[test]
    fn every_demo_option_is_reachable_in_both_orientations_and_low_reach() {
        init_headless().unwrap();
        let window = AppWindow::new().unwrap();
        window.show().unwrap();
        let site = demo::from_demo_config("livorno-terreni");
        let mut checked = 0;
        for (orientation, (w, h)) in ORIENTATIONS {
            window.window().set_size(slint::PhysicalSize::new(w, h));
            let reach_line = h as f32 * 0.41;
            for lang in site.languages.iter().map(|l| l.code.as_str()) {
                for shot in scenarios(lang).iter().filter(|s| {
                    s.name == "language"
                        || s.name.starts_with("question")
                        || s.name.starts_with("priority")
                        || s.name == "party-size"
                        || s.name == "mediator"
                }) {
                    for low_reach in [false, true] {
                        let view = view_of(shot, low_reach);
                        ui::apply(&window, &view, None);
                        let texts = ui::screen_texts(&view);
                        let labels: Vec<String> = if shot.name == "language" {
                            view.languages.iter().map(|(_, n)| n.clone()).collect()
                        } else {
                            view.choices.iter().map(|c| c.label.clone()).collect()
                        };
                        let help = buttons(&window, &texts.help_now);
                        assert_eq!(help.len(), 1, "{orientation} {lang} {}: the help button", shot.name);
                        let bar_top = help[0].1;
                        let mut seen = std::collections::BTreeSet::new();
                        for _page in 0..labels.len() {
                            for label in &labels {
                                for (x, y, bw, bh) in buttons(&window, label) {
                                    let what = format!(
                                        "{orientation} {lang} {} low-reach={low_reach}: {label:?} at ({x}, {y}) {bw}x{bh}",
                                        shot.name
                                    );
                                    assert!(x >= 0.0 && x + bw <= w as f32 + 0.5, "{what}: outside the window");
                                    assert!(y >= 0.0 && y + bh <= bar_top + 0.5, "{what}: under the bottom bar");
                                    assert!(bh >= 100.0, "{what}: a big touch target");
                                    if low_reach {
                                        assert!(y >= reach_line, "{what}: above the reach line {reach_line}");
                                    }
                                    seen.insert(label.clone());
                                }
                            }
                            if seen.len() == labels.len() {
                                break;
                            }
                            let more = if shot.name == "language" { "→" } else { texts.more_choices.as_str() };
                            let next = ElementHandle::find_by_accessible_label(&window, more)
                                .find(|e| e.accessible_role() == Some(AccessibleRole::Button));
                            let Some(next) = next else { break };
                            next.invoke_accessible_default_action();
                        }
                        assert_eq!(
                            seen.len(),
                            labels.len(),
                            "{orientation} {lang} {} low-reach={low_reach}: reachable {seen:?} of {labels:?}",
                            shot.name
                        );
                        // The bar's controls are inside the window and none covers another, in every language.
                        let bar_labels = [
                            &texts.back,
                            &texts.start_over,
                            &texts.help_now,
                            &texts.listen,
                            &texts.repeat,
                            &texts.volume,
                            if low_reach { &texts.standard_layout } else { &texts.low_reach_layout },
                        ];
                        let bar: Vec<(f32, f32, f32, f32)> =
                            bar_labels.iter().flat_map(|l| buttons(&window, l)).collect();
                        assert!(bar.len() >= 5, "{orientation} {lang} {}: {bar:?}", shot.name);
                        for (i, a) in bar.iter().enumerate() {
                            let what = format!("{orientation} {lang} {}: bar {bar_labels:?} {bar:?}", shot.name);
                            assert!(a.0 >= 0.0 && a.0 + a.2 <= w as f32 + 0.5, "{what}: outside the window");
                            for b in &bar[i + 1..] {
                                let apart = a.0 + a.2 <= b.0 + 0.5
                                    || b.0 + b.2 <= a.0 + 0.5
                                    || a.1 + a.3 <= b.1 + 0.5
                                    || b.1 + b.3 <= a.1 + 0.5;
                                assert!(apart, "{what}: two controls overlap");
                            }
                        }
                        // No word spills out of a bar button (a squeezed button clips or overlaps its text):
                        // the gaps between the bar's buttons, and beside them, are bare background.
                        if !low_reach && matches!(shot.name, "language" | "question-need" | "question-work") {
                            let image = window.window().take_snapshot().unwrap();
                            let background = image.as_slice()[(h as usize - 2) * w as usize + 2];
                            // Row by row (portrait has the read-aloud row above the bar).
                            let mut rows: Vec<f32> = bar.iter().map(|b| b.1).collect();
                            rows.sort_by(f32::total_cmp);
                            rows.dedup_by(|a, b| (*a - *b).abs() < 1.0);
                            for row in rows {
                                let in_row: Vec<_> = bar.iter().filter(|b| (b.1 - row).abs() < 1.0).collect();
                                let (top, bottom) = (row + 4.0, row + in_row[0].3 - 4.0);
                                let mut edges: Vec<(f32, f32)> = in_row.iter().map(|b| (b.0, b.0 + b.2)).collect();
                                edges.sort_by(|a, b| a.0.total_cmp(&b.0));
                                let mut gaps =
                                    vec![(2.0, edges[0].0 - 2.0), (edges[edges.len() - 1].1 + 2.0, w as f32 - 2.0)];
                                gaps.extend(edges.windows(2).map(|p| (p[0].1 + 2.0, p[1].0 - 2.0)));
                                for (from, to) in gaps.into_iter().filter(|(a, b)| b > a) {
                                    for y in (top as usize)..(bottom as usize) {
                                        for x in (from as usize)..(to as usize) {
                                            let p = image.as_slice()[y * w as usize + x];
                                            assert!(
                                                p == background,
                                                "{orientation} {lang} {}: ink at ({x}, {y}) beside bar buttons {edges:?}",
                                                shot.name
                                            );
                                        }
                                    }
                                }
                            }
                        }
                        // Every control of the bar is below the reach line too.
                        if low_reach {
                            for label in [&texts.help_now, &texts.listen, &texts.repeat, &texts.volume] {
                                for (_, y, _, _) in buttons(&window, label) {
                                    assert!(y >= reach_line, "{orientation} {lang}: {label} above the reach line");
                                }
                            }
                        }
                        checked += 1;
                    }
                }
            }
        }
        assert_eq!(checked, 2 * 6 * 8 * 2);
    }

    /// WCAG relative luminance of an sRGB pixel.
    fn luminance(p: slint::Rgba8Pixel) -> f64 {
        let f = |c: u8| {
            let c = f64::from(c) / 255.0;
            if c <= 0.03928 { c / 12.92 } else { ((c + 0.055) / 1.055).powf(2.4) }
        };
        0.2126 * f(p.r) + 0.7152 * f(p.g) + 0.0722 * f(p.b)
    }

    // Issue 18: a pressed choice is unmistakable: its colour against the resting choice is at least 3:1
    // (WCAG 1.4.11; it was 1.24:1), measured on the rendered pixels while the finger is down.
    #[test]
    fn a_pressed_choice_is_clearly_shown() {
        init_headless().unwrap();
        let window = AppWindow::new().unwrap();
        window.window().set_size(slint::PhysicalSize::new(SIZE.0, SIZE.1));
        window.show().unwrap();
        let shot = scenarios("it").into_iter().find(|s| s.name == "question-need").unwrap();
        ui::apply(&window, &view_of(&shot, false), None);
        let (x, y, _, h) = buttons(&window, "Una doccia")[0];
        let probe = (x + 12.0, y + h / 2.0);
        let pixel = |window: &AppWindow| {
            let shot = window.window().take_snapshot().unwrap();
            shot.as_slice()[probe.1 as usize * SIZE.0 as usize + probe.0 as usize]
        };
        let resting = pixel(&window);
        let position = slint::LogicalPosition::new(probe.0 + 40.0, probe.1);
        window.window().dispatch_event(slint::platform::WindowEvent::PointerMoved { position });
        window.window().dispatch_event(slint::platform::WindowEvent::PointerPressed {
            position,
            button: slint::platform::PointerEventButton::Left,
        });
        let pressed = pixel(&window);
        let (a, b) = (luminance(resting), luminance(pressed));
        let ratio = (a.max(b) + 0.05) / (a.min(b) + 0.05);
        assert!(ratio >= 3.0, "pressed {pressed:?} against resting {resting:?}: {ratio:.2}:1");
    }
}
