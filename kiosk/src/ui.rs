//! The slint side: applies a controller `View` to the adapter globals, wires callbacks to `Input`s, and runs
//! the controller on its own thread, delivering views with `upgrade_in_event_loop`.

use crate::controller::{self, Controller, Help, Input, Paper, Screen, View};
use crate::raster;
use crate::speech::Speaker;
use slint::{ComponentHandle, Model, ModelRc, SharedString, VecModel};
use std::rc::Rc;
use std::sync::mpsc;
use std::time::{Duration, Instant};

pub use kiosk_ui::{AppWindow, ChoiceItem, KeyItem, KioskAdapter, KioskTexts, LanguageItem, Page, TextLine};
use texts::id;

/// The QR code as an image for the screen (8 px a module, black on white).
pub fn qr_image(url: &str) -> slint::Image {
    let bitmap = raster::render_qr(url, 8, 0);
    let mut buffer = slint::SharedPixelBuffer::<slint::Rgb8Pixel>::new(bitmap.width as u32, bitmap.height as u32);
    for (pixel, dot) in buffer.make_mut_slice().iter_mut().zip(&bitmap.dots) {
        let v = if *dot { 0 } else { 255 };
        *pixel = slint::Rgb8Pixel { r: v, g: v, b: v };
    }
    slint::Image::from_rgb8(buffer)
}

/// The screen's fixed texts for `view`, in its language, with its figures put in.
pub fn screen_texts(view: &View) -> KioskTexts {
    let lang = view.lang.as_str();
    let t = |key: &str| SharedString::from(texts::t(lang, key));
    let n = |key: &str, n: u32| SharedString::from(texts::tf(lang, key, &[("n", n.into())]));
    let (number, ahead, wait_line) =
        view.ticket.as_ref().map_or(("", 0, ""), |t| (t.number.as_str(), t.people_ahead, t.wait_line.as_str()));
    KioskTexts {
        start_over: t(id::KIOSK_START_OVER),
        help_now: t(id::KIOSK_HELP_NOW),
        standard_layout: t(id::KIOSK_STANDARD_LAYOUT),
        low_reach_layout: t(id::KIOSK_LOW_REACH_LAYOUT),
        your_number: texts::tf(lang, id::KIOSK_YOUR_NUMBER, &[("number", number.into())]).into(),
        ahead_and_wait: format!("{}   ·   {wait_line}", n(id::KIOSK_AHEAD_LINE, ahead)).into(),
        qr_label: t(id::KIOSK_QR_LABEL),
        scan_hint: t(id::KIOSK_SCAN_HINT),
        done: t(id::KIOSK_DONE),
        no_connection: t(id::KIOSK_NO_CONNECTION),
        go_to_reception: t(id::KIOSK_GO_TO_RECEPTION),
        starting: t(id::KIOSK_STARTING),
        try_again: t(id::KIOSK_TRY_AGAIN),
        still_there: t(id::KIOSK_STILL_THERE),
        going_back: n(id::KIOSK_GOING_BACK, view.warning_seconds.unwrap_or(0)),
        more_time: t(id::KIOSK_MORE_TIME),
        calling_staff: t(id::KIOSK_CALLING_STAFF),
        ok: t(id::KIOSK_OK),
        back: t(id::KIOSK_BACK),
        print_ticket: t(if view.makes_paper { id::KIOSK_PRINT_TICKET } else { id::KIOSK_SHOW_TICKET }),
        change: t(id::KIOSK_CHANGE),
        listen: t(id::KIOSK_LISTEN),
        repeat: t(id::KIOSK_REPEAT),
        volume: t(id::KIOSK_VOLUME),
        more_choices: t(id::KIOSK_MORE_CHOICES),
        previous_choices: t(id::KIOSK_PREVIOUS_CHOICES),
        no_desk_open: t(id::KIOSK_NO_DESK_OPEN),
        have_appointment: t(id::KIOSK_HAVE_APPOINTMENT),
        appointment_code: texts::tf(lang, id::KIOSK_APPOINTMENT_CODE, &[("code", view.code.as_str().into())]).into(),
        appointment_delete: t(id::KIOSK_APPOINTMENT_DELETE),
        appointment_clear: t(id::KIOSK_APPOINTMENT_CLEAR),
        appointment_check_in: t(id::KIOSK_APPOINTMENT_CHECK_IN),
        appointment_take_ticket: t(id::KIOSK_APPOINTMENT_TAKE_TICKET),
    }
}

/// "Choose your language" in each of `languages` (codes), three to a line, Arabic script on lines of its own.
pub fn invitations<'a>(languages: impl Iterator<Item = &'a str>) -> Vec<TextLine> {
    let (mut lines, mut latin) = (Vec::new(), Vec::new());
    for code in languages {
        let text = texts::t(code, id::KIOSK_CHOOSE_LANGUAGE);
        if raster::is_arabic(&text) {
            lines.push(TextLine { text: text.into(), arabic: true });
        } else {
            latin.push(text);
        }
    }
    let mut out: Vec<TextLine> =
        latin.chunks(3).map(|group| TextLine { text: group.join(" · ").into(), arabic: false }).collect();
    out.append(&mut lines);
    out
}

/// Tells the UI whether the window is landscape (its layouts differ), from the window's size.
pub fn set_orientation(window: &AppWindow) {
    let size = window.window().size();
    window.global::<KioskAdapter>().set_landscape(size.width > size.height);
}

/// Shows `view` in the window. `previous` avoids redrawing the QR code when it did not change.
pub fn apply(window: &AppWindow, view: &View, previous: Option<&View>) {
    let a = window.global::<KioskAdapter>();
    set_orientation(window);
    a.set_texts(screen_texts(view));
    if previous.map(|p| &p.languages) != Some(&view.languages) {
        a.set_invitations(ModelRc::new(VecModel::from(invitations(view.languages.iter().map(|(c, _)| c.as_str())))));
    }
    a.set_page(match view.screen {
        Screen::Loading => Page::Loading,
        Screen::Offline => Page::Offline,
        Screen::Language => Page::Language,
        Screen::Question(_) | Screen::PartySize | Screen::Priority(_) | Screen::Mediator => Page::Question,
        Screen::Summary => Page::Summary,
        Screen::Issuing => Page::Issuing,
        Screen::Ticket => Page::Ticket,
        Screen::Closed => Page::Closed,
        Screen::Error => Page::Error,
        Screen::Appointment => Page::Appointment,
        Screen::AppointmentEarly => Page::AppointmentEarly,
        Screen::AppointmentLate => Page::AppointmentLate,
    });
    a.set_rtl(view.rtl);
    a.set_low_reach(view.low_reach);
    a.set_site_name(view.site_name.as_str().into());
    let languages: Vec<LanguageItem> = view
        .languages
        .iter()
        .map(|(code, name)| LanguageItem { code: code.into(), name: name.into(), arabic: raster::is_arabic(name) })
        .collect();
    let language_choices: Vec<ChoiceItem> = languages
        .iter()
        .map(|l| ChoiceItem { label: l.name.clone(), pictogram: SharedString::new(), arabic: l.arabic })
        .collect();
    a.set_languages(ModelRc::new(VecModel::from(languages)));
    a.set_language_choices(ModelRc::new(VecModel::from(language_choices)));
    if previous.map(|p| &p.screen) != Some(&view.screen) {
        a.set_choice_page(0);
    }
    a.set_title(view.title.as_str().into());
    a.set_pictogram(view.pictogram.as_str().into());
    a.set_choices(choice_items(&view.choices));
    a.set_summary(choice_items(&view.summary));
    a.set_can_go_back(view.can_go_back);
    a.set_listening(view.listening);
    a.set_confirming(view.confirming.map_or(-1, |i| i as i32));
    a.set_message(view.message.as_str().into());
    a.set_offer_appointment(view.offer_appointment);
    a.set_code(view.code.as_str().into());
    a.set_code_complete(view.code_len == controller::CODE_LEN);
    if view.screen == Screen::Appointment {
        let keys: Vec<KeyItem> = controller::keypad_keys()
            .map(|k| KeyItem { label: k.to_string().into(), enabled: controller::key_allowed(view.code_len, k) })
            .collect();
        // Rows changed in place: the keys under the visitor's finger stay the same elements.
        let model = a.get_keys();
        if model.row_count() == keys.len() {
            for (i, key) in keys.into_iter().enumerate() {
                if model.row_data(i).as_ref() != Some(&key) {
                    model.set_row_data(i, key);
                }
            }
        } else {
            a.set_keys(ModelRc::new(VecModel::from(keys)));
        }
    }
    if let Some(t) = &view.ticket {
        a.set_ticket_number(t.number.as_str().into());
        a.set_ticket_label(t.label.as_str().into());
        a.set_people_ahead(t.people_ahead as i32);
        a.set_wait_minutes(t.wait_minutes as i32);
        a.set_waiting_area(t.waiting_area.as_str().into());
        a.set_service_name(t.service_name.as_str().into());
        a.set_no_desk_open(t.no_desk_open);
        a.set_paper(match t.paper {
            Paper::Printed => 0,
            Paper::ScreenOnly => 1,
            Paper::Failed(_) => 2,
        });
        if previous.and_then(|p| p.ticket.as_ref()).map(|p| p.qr_url.as_str()) != Some(t.qr_url.as_str()) {
            a.set_qr(qr_image(&t.qr_url));
        }
    } else {
        a.set_ticket_number(SharedString::new());
        a.set_paper(0);
        a.set_qr(slint::Image::default());
    }
    a.set_warning(view.warning_seconds.is_some());
    a.set_warning_seconds(view.warning_seconds.unwrap_or(0) as i32);
    a.set_help_state(match view.help {
        None => 0,
        Some(Help::Sending) => 1,
        Some(Help::Sent) | Some(Help::Coming) => 2,
        Some(Help::Failed) => 3,
    });
    a.set_help_message(view.help_message.as_str().into());
}

/// Connects the adapter's callbacks to `sink`.
pub fn wire(window: &AppWindow, sink: Rc<dyn Fn(Input)>) {
    let a = window.global::<KioskAdapter>();
    let s = sink.clone();
    a.on_choose_language(move |code| s(Input::Language(code.to_string())));
    let s = sink.clone();
    a.on_choose(move |i| s(Input::Choose(i.max(0) as usize)));
    let s = sink.clone();
    a.on_start_over(move || s(Input::StartOver));
    let s = sink.clone();
    a.on_help(move || s(Input::Help));
    let s = sink.clone();
    a.on_dismiss_help(move || s(Input::DismissHelp));
    let s = sink.clone();
    a.on_extend(move || s(Input::Extend));
    let s = sink.clone();
    a.on_toggle_low_reach(move || s(Input::ToggleLowReach));
    let s = sink.clone();
    a.on_retry(move || s(Input::Retry));
    let s = sink.clone();
    a.on_back(move || s(Input::Back));
    let s = sink.clone();
    a.on_confirm(move || s(Input::Confirm));
    let s = sink.clone();
    a.on_change(move || s(Input::Change));
    let s = sink.clone();
    a.on_listen(move || s(Input::Listen));
    let s = sink.clone();
    a.on_repeat(move || s(Input::Repeat));
    let s = sink.clone();
    a.on_volume(move || s(Input::Volume));
    let s = sink.clone();
    a.on_have_appointment(move || s(Input::Appointment));
    let s = sink.clone();
    a.on_key(move |k| {
        if let Some(c) = k.chars().next() {
            s(Input::Key(c))
        }
    });
    let s = sink.clone();
    a.on_backspace(move || s(Input::Backspace));
    let s = sink.clone();
    a.on_clear_code(move || s(Input::ClearCode));
    let s = sink.clone();
    a.on_walk_in(move || s(Input::WalkIn));
    a.on_done(move || sink(Input::Done));
}

/// Runs the kiosk: the window on this thread, the controller (network, printer, speech) on its own.
/// `started` is when the process started: the time to the running window is logged against it.
/// Choices (or summary lines) as the `.slint` list model: label, pictogram, Arabic or not.
fn choice_items(items: &[crate::controller::ChoiceView]) -> ModelRc<ChoiceItem> {
    let items: Vec<ChoiceItem> = items
        .iter()
        .map(|c| ChoiceItem {
            label: c.label.as_str().into(),
            pictogram: c.pictogram.as_str().into(),
            arabic: raster::is_arabic(&c.label),
        })
        .collect();
    ModelRc::new(VecModel::from(items))
}

/// `size`: the window's size in pixels; without a window manager (cage, a bare X server) nothing else
/// sizes it, and even a full-screen window would keep laying out at its preferred size.
pub fn run(
    controller: Controller,
    fullscreen: bool,
    size: (u32, u32),
    speaker: Speaker,
    started: Instant,
) -> anyhow::Result<()> {
    let window = AppWindow::new()?;
    // The software renderer has no rendering notifier: log when the event loop first runs, which is
    // when the window is up and its first frame is being drawn.
    let _ = slint::invoke_from_event_loop(move || {
        eprintln!("kiosk: window up, event loop running {} ms after start", started.elapsed().as_millis());
    });
    // Not the preview's defaults, even for the first frame.
    window.global::<KioskAdapter>().set_page(Page::Loading);
    window.global::<KioskAdapter>().set_texts(KioskTexts {
        starting: texts::t(texts::DEFAULT_LANGUAGE, id::KIOSK_STARTING).into(),
        ..KioskTexts::default()
    });
    window.global::<KioskAdapter>().set_title(SharedString::new());
    window.window().set_position(slint::PhysicalPosition::new(0, 0));
    window.window().set_size(slint::PhysicalSize::new(size.0, size.1));
    if fullscreen {
        window.window().set_fullscreen(true);
    }
    // The window's size can change after start (fullscreen, a turned screen): follow its orientation.
    let orientation = slint::Timer::default();
    let weak = window.as_weak();
    orientation.start(slint::TimerMode::Repeated, Duration::from_millis(500), move || {
        if let Some(w) = weak.upgrade() {
            set_orientation(&w);
        }
    });
    let (tx, rx) = mpsc::channel::<Input>();
    wire(
        &window,
        Rc::new(move |input| {
            let _ = tx.send(input);
        }),
    );
    let weak = window.as_weak();
    let show = move |view: View, previous: Option<View>| {
        // Fails only when the event loop is gone, and then the input channel closes too.
        let _ = weak.upgrade_in_event_loop(move |w| apply(&w, &view, previous.as_ref()));
    };
    let worker = std::thread::Builder::new()
        .name("kiosk-controller".into())
        .spawn(move || controller_loop(controller, rx, show, speaker))?;
    window.run()?;
    drop(window);
    // The window closed, its callbacks (and the input sender) are gone: the controller loop ends.
    let _ = worker.join();
    Ok(())
}

/// The controller thread: takes touches from `rx`, moves time on every 250 ms, does the slow work, and hands
/// every new view to `show` (with the previous one). Returns when `rx` closes.
pub fn controller_loop(
    mut c: Controller,
    rx: mpsc::Receiver<Input>,
    mut show: impl FnMut(View, Option<View>),
    mut speaker: Speaker,
) {
    let mut shown: Option<View> = None;
    let mut publish = |c: &Controller, shown: &mut Option<View>| {
        let view = c.view(Instant::now());
        if shown.as_ref() == Some(&view) {
            return;
        }
        let said = shown.as_ref().map(|v| (&v.speech, v.speech_round));
        if said != Some((&view.speech, view.speech_round)) {
            speaker.say(&view.speech, view.volume);
        }
        let previous = shown.replace(view.clone());
        show(view, previous);
    };
    loop {
        c.tick(Instant::now());
        if c.has_work() {
            // Show "one moment" first, then talk to the server and the printer.
            publish(&c, &mut shown);
            c.work(Instant::now());
        }
        publish(&c, &mut shown);
        match rx.recv_timeout(Duration::from_millis(250)) {
            Ok(input) => {
                c.handle(input, Instant::now());
                publish(&c, &mut shown);
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {}
            Err(mpsc::RecvTimeoutError::Disconnected) => return,
        }
    }
}

#[cfg(test)]
mod tests;
