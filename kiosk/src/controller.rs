//! The kiosk's brain in plain Rust: the visitor's path, timeouts, failures and retries; no UI, no clock reads.
//!
//! The UI sends [`Input`]s; [`Controller::work`] does the slow part (server, printer) and
//! [`Controller::tick`] moves time on. Tests drive all three with fakes and made-up instants.

use crate::printer::{self, TicketPrinter};
use crate::server::{ServerClient, ServerError};
use crate::ticket::{self, PrintTicket};
use queue_core::code::{ALPHABET, CHECK_ALPHABET, Code, CodeError, DATA_LEN};
use queue_core::ids::ServiceId;
use queue_core::model::Priority;
use queue_core::wire::{
    AlertRequest, CheckInRequest, DeviceHealthReport, IssueRequest, KioskInfo, KioskService, PrintJob, PrintResult,
    TicketView,
};
use std::collections::BTreeMap;
use std::time::{Duration, Instant};
use texts::id;

/// How long things last at the kiosk.
#[derive(Debug, Clone, Copy)]
pub struct Timeouts {
    /// No touch for this long on a question → "are you still there?".
    pub idle_warning: Duration,
    /// The warning's countdown before everything is forgotten.
    pub warning_grace: Duration,
    /// The result screen when the ticket came out of the printer.
    pub ticket_printed: Duration,
    /// The result screen when it did not (the visitor photographs or remembers it).
    pub ticket_not_printed: Duration,
    /// Background retry while the server cannot be reached.
    pub retry_every: Duration,
    /// The "staff are coming" message.
    pub help_shown: Duration,
    /// Touches that would pick something are ignored this long after every page change, so the second
    /// tap of a double tap (120–150 ms) does not answer the next question.
    pub page_guard: Duration,
    /// While idle on the start screen, the kiosk asks the server this often, so a server that went down
    /// is said at once on the start screen, not after the visitor's answers.
    pub idle_check: Duration,
    /// While idle on the start screen, the kiosk asks this often for tickets reception sent to its
    /// printer (a job not taken within a minute expires and reception shows the QR instead).
    pub print_poll: Duration,
    /// Reception's tickets print only when nobody has touched the start screen for this long.
    pub print_quiet: Duration,
    /// While idle on the start screen, the kiosk tells the server how its printer is this often
    /// (`POST /api/v1/devices/health`), and at once when that changed.
    pub health_every: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Timeouts {
            idle_warning: Duration::from_secs(45),
            warning_grace: Duration::from_secs(20),
            ticket_printed: Duration::from_secs(30),
            ticket_not_printed: Duration::from_secs(180),
            retry_every: Duration::from_secs(10),
            help_shown: Duration::from_secs(20),
            page_guard: Duration::from_millis(500),
            idle_check: Duration::from_secs(15),
            print_poll: Duration::from_secs(3),
            print_quiet: Duration::from_secs(3),
            health_every: Duration::from_secs(60),
        }
    }
}

/// The screen the visitor sees.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Screen {
    /// First start: fetching what to show.
    Loading,
    /// The server cannot be reached: go to reception; retrying in the background.
    Offline,
    /// Start: the site's languages, and the low-reach switch.
    Language,
    /// A triage question from the configuration.
    Question(String),
    PartySize,
    /// The n-th configured priority question.
    Priority(usize),
    Mediator,
    /// "You asked for: …" — print my ticket, or change.
    Summary,
    Issuing,
    Ticket,
    /// The service is closed now or full today.
    Closed,
    /// The server refused for another reason.
    Error,
    /// "I have an appointment": the keypad for the code on the slip (issue 16).
    Appointment,
    /// The code is right, but its check-in opens later.
    AppointmentEarly,
    /// The appointment's time has passed: staff were told; a normal ticket is offered.
    AppointmentLate,
}

/// What the visitor did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    Language(String),
    /// The n-th choice on a question screen.
    Choose(usize),
    StartOver,
    Help,
    DismissHelp,
    /// "I need more time" on the inactivity warning (any touch extends too).
    Extend,
    ToggleLowReach,
    /// "Try again" on the offline screen.
    Retry,
    /// "Done" on the result screen.
    Done,
    /// One step back (every question, the summary).
    Back,
    /// "Print my ticket" on the summary.
    Confirm,
    /// "Change" on the summary: back to the first question, the language kept.
    Change,
    /// Read the screen aloud: the question and each option with its number; from then on a touched option
    /// is spoken and needs a second, confirming touch.
    Listen,
    /// Say the last spoken text again.
    Repeat,
    /// The next loudness (quiet, normal, loud, then quiet again).
    Volume,
    /// "I have an appointment" on the first question: the code keypad.
    Appointment,
    /// A key of the code keypad.
    Key(char),
    /// The keypad's backspace: the last character typed goes.
    Backspace,
    /// The keypad's "clear": the whole code goes.
    ClearCode,
    /// "Take a normal ticket" after a late check-in: the first question, the language kept.
    WalkIn,
}

/// How loud the kiosk speaks: `espeak-ng -a` amplitudes (0–200, 100 its default).
pub const VOLUMES: [u32; 3] = [60, 110, 180];

/// One sentence to say, in the voice of `lang`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Utterance {
    pub lang: String,
    pub text: String,
}

/// What the ticket came out as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Paper {
    Printed,
    /// The kiosk has no printer (`--printer none`): the screen is the ticket, nothing is broken.
    ScreenOnly,
    /// The printer failed: why (for staff), the visitor is told to photograph the screen.
    Failed(String),
}

/// How long "we told the staff" stays on screen while nobody has taken the alert yet.
const HELP_WAIT: Duration = Duration::from_secs(180);
/// How often the kiosk asks whether someone took it.
const HELP_POLL: Duration = Duration::from_secs(3);

/// The "I need help now" alert's state, shown as a discreet overlay.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Help {
    Sending,
    Sent,
    Failed,
    /// A staff member took the alert ("I'm going"): someone is on the way.
    Coming,
}

/// The ticket as the result screen shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct ShownTicket {
    pub number: String,
    pub label: String,
    pub people_ahead: u32,
    pub wait_minutes: u32,
    /// The wait line in the visitor's language: "Estimated wait: 9 min", "…: 15–25 min", or
    /// "No desk is open for this now".
    pub wait_line: String,
    pub qr_url: String,
    pub waiting_area: String,
    /// What the visitor asked for, in their words ("Help finding work"), beside the public label.
    pub service_name: String,
    /// No desk serves the service now: no minutes are shown, "no desk is open for this now" instead.
    pub no_desk_open: bool,
    pub paper: Paper,
}

impl ShownTicket {
    /// Whether the visitor has no paper and must keep the screen's number (failure or no printer).
    pub fn on_screen_only(&self) -> bool {
        self.paper != Paper::Printed
    }
}

/// A choice on a question screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChoiceView {
    pub label: String,
    pub pictogram: String,
}

/// Everything the UI shows, computed from the controller's state.
#[derive(Debug, Clone, PartialEq)]
pub struct View {
    pub screen: Screen,
    pub lang: String,
    pub rtl: bool,
    pub low_reach: bool,
    /// `(code, native name)` of the site's languages.
    pub languages: Vec<(String, String)>,
    /// The screen's question or heading in the visitor's language (also read aloud).
    pub title: String,
    pub pictogram: String,
    pub choices: Vec<ChoiceView>,
    /// The explanation on closed/offline/error screens and the printer-failure line.
    pub message: String,
    pub ticket: Option<ShownTicket>,
    /// Seconds left on the inactivity warning, when it is up.
    pub warning_seconds: Option<u32>,
    pub help: Option<Help>,
    pub help_message: String,
    pub site_name: String,
    /// Whether "Back" is offered (questions and the summary).
    pub can_go_back: bool,
    /// The summary's lines, with their pictograms (screen `Summary`).
    pub summary: Vec<ChoiceView>,
    /// The kiosk prints (the summary says "Print my ticket", else "Show my ticket").
    pub makes_paper: bool,
    /// Read-aloud mode: options are spoken and need a confirming touch.
    pub listening: bool,
    /// The option touched once in read-aloud mode, waiting for its confirming touch.
    pub confirming: Option<usize>,
    /// What to say for this view, each part in its language's voice.
    pub speech: Vec<Utterance>,
    /// Goes up on "Repeat", so the same speech is said again.
    pub speech_round: u32,
    /// `espeak-ng -a` amplitude.
    pub volume: u32,
    /// "I have an appointment" is offered (the site takes appointments; the first question).
    pub offer_appointment: bool,
    /// The code typed on the keypad, grouped as on the slip: `7K3M QD9P 4`.
    pub code: String,
    /// How many characters of the code are typed (of [`CODE_LEN`]).
    pub code_len: usize,
}

impl View {
    /// The whole speech as one text (tests, logs).
    pub fn speech_text(&self) -> String {
        self.speech.iter().map(|u| u.text.as_str()).collect::<Vec<_>>().join(" ")
    }
}

#[derive(Debug, Clone, Default)]
struct Answers {
    /// The triage choices made, `(question id, choice index)`, in order.
    path: Vec<(String, usize)>,
    service: Option<ServiceId>,
    party_size: Option<u32>,
    groups: Vec<String>,
    mediator: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
enum Work {
    Load,
    /// Ask the printer for its status between visitors, so staff hear of paper out before a visitor does.
    PrinterCheck,
    Issue,
    HelpAlert,
    /// Ask whether a staff member took the help alert.
    HelpStatus,
    /// Take reception's print jobs, print them, answer each.
    PrintJobs,
    /// Check in with the code typed.
    CheckIn,
    /// Ask the printer how it is and tell the server (the staff pages and the region's fleet).
    Health,
}

/// The kiosk's state machine.
pub struct Controller {
    server: Box<dyn ServerClient>,
    printer: Box<dyn TicketPrinter>,
    pub timeouts: Timeouts,
    info: Option<KioskInfo>,
    screen: Screen,
    lang: String,
    low_reach_default: bool,
    low_reach: bool,
    answers: Answers,
    idempotency_key: Option<String>,
    last_touch: Instant,
    screen_since: Instant,
    warning_since: Option<Instant>,
    next_retry: Option<Instant>,
    offline_during_issue: bool,
    ticket: Option<ShownTicket>,
    message: String,
    help: Option<Help>,
    help_since: Instant,
    /// The help alert's id, while no staff member has taken it.
    help_alert: Option<String>,
    /// When the kiosk last asked whether someone took it.
    help_asked: Instant,
    pending: Vec<Work>,
    /// Staff have been told the printer is not ready (told once until it recovers).
    printer_alerted: bool,
    /// Staff have been told the paper is near its end (told once until a full roll is in).
    paper_low_alerted: bool,
    /// The last issued ticket's bytes (what went, or should have gone, to the printer).
    pub last_bytes: Option<Vec<u8>>,
    /// The screens before this one with the answers as they were, for "Back".
    history: Vec<(Screen, Answers)>,
    listening: bool,
    confirming: Option<usize>,
    speech_round: u32,
    volume: usize,
    last_load: Instant,
    /// When the kiosk last asked for reception's print jobs.
    last_print_poll: Instant,
    /// Reception's tickets this kiosk printed (what went to the printer), for tests and the log.
    pub printed_jobs: Vec<(String, Vec<u8>)>,
    /// The printer as last seen (`ok`, `paper_low`, `failing` with what went wrong, `none`).
    printer_health: Option<(&'static str, Option<String>)>,
    /// The last health report the server took, and when the kiosk last tried one.
    health_sent: Option<DeviceHealthReport>,
    last_health_try: Option<Instant>,
    /// The appointment code typed so far (canonical characters, no separators).
    code: String,
    /// When a refused (too early) check-in opens, site-local `HH:MM`.
    opens_at: Option<String>,
}

impl Controller {
    pub fn new(server: Box<dyn ServerClient>, printer: Box<dyn TicketPrinter>, low_reach: bool, now: Instant) -> Self {
        Controller {
            server,
            printer,
            timeouts: Timeouts::default(),
            info: None,
            screen: Screen::Loading,
            lang: "it".into(),
            low_reach_default: low_reach,
            low_reach,
            answers: Answers::default(),
            idempotency_key: None,
            last_touch: now,
            screen_since: now,
            warning_since: None,
            next_retry: None,
            offline_during_issue: false,
            ticket: None,
            message: String::new(),
            help: None,
            help_since: now,
            help_alert: None,
            help_asked: now,
            pending: vec![Work::Load, Work::PrinterCheck],
            printer_alerted: false,
            paper_low_alerted: false,
            last_bytes: None,
            history: Vec::new(),
            listening: false,
            confirming: None,
            speech_round: 0,
            volume: 1,
            last_load: now,
            last_print_poll: now,
            printed_jobs: Vec::new(),
            printer_health: None,
            health_sent: None,
            last_health_try: None,
            code: String::new(),
            opens_at: None,
        }
    }

    pub fn screen(&self) -> &Screen {
        &self.screen
    }

    /// On a triage question, the first choice that leads to another question or to an open service.
    pub fn open_choice(&self) -> Option<usize> {
        let Screen::Question(id) = &self.screen else { return None };
        let q = self.info.as_ref()?.triage.questions.iter().find(|q| &q.id == id)?;
        q.choices
            .iter()
            .position(|c| c.next.is_some() || c.service.as_ref().and_then(|s| self.service(s)).is_some_and(|s| s.open))
    }

    /// Whether [`Controller::work`] has something to do.
    pub fn has_work(&self) -> bool {
        !self.pending.is_empty()
    }

    fn go(&mut self, screen: Screen, now: Instant) {
        if screen != self.screen {
            self.confirming = None;
        }
        self.screen = screen;
        self.screen_since = now;
    }

    /// A forward step from a question: remember where we were for "Back".
    fn step(&mut self, screen: Screen, now: Instant) {
        self.history.push((self.screen.clone(), self.answers.clone()));
        self.go(screen, now);
    }

    fn default_lang(&self) -> String {
        self.info.as_ref().and_then(|i| i.languages.first()).map(|l| l.code.clone()).unwrap_or_else(|| "it".into())
    }

    /// Forgets the visitor and goes back to the start, refreshing what to show.
    fn reset(&mut self, now: Instant) {
        self.answers = Answers::default();
        self.history.clear();
        self.listening = false;
        self.confirming = None;
        self.volume = 1;
        self.idempotency_key = None;
        self.ticket = None;
        self.message.clear();
        self.code.clear();
        self.opens_at = None;
        self.help = None;
        self.warning_since = None;
        self.offline_during_issue = false;
        self.low_reach = self.low_reach_default;
        self.lang = self.default_lang();
        self.last_touch = now;
        let screen = if self.info.is_some() { Screen::Language } else { Screen::Loading };
        self.go(screen, now);
        self.pending.retain(|w| *w == Work::HelpAlert);
        self.pending.push(Work::Load);
        self.pending.push(Work::PrinterCheck);
    }

    /// A touch. Returns whether the view changed.
    pub fn handle(&mut self, input: Input, now: Instant) -> bool {
        self.last_touch = now;
        self.warning_since = None;
        let picks = matches!(
            input,
            Input::Language(_)
                | Input::Choose(_)
                | Input::Back
                | Input::Confirm
                | Input::Change
                | Input::Done
                | Input::Appointment
                | Input::Key(_)
                | Input::Backspace
                | Input::ClearCode
                | Input::WalkIn
        );
        // The second tap of a double tap lands on the page the first one opened: it must not answer there.
        if picks && now < self.screen_since + self.timeouts.page_guard {
            return false;
        }
        match input {
            Input::StartOver | Input::Done => self.reset(now),
            Input::Extend => {}
            Input::ToggleLowReach => self.low_reach = !self.low_reach,
            Input::Help => {
                self.help = Some(Help::Sending);
                self.help_since = now;
                self.pending.push(Work::HelpAlert);
            }
            Input::DismissHelp => self.help = None,
            Input::Retry => {
                if self.screen == Screen::Offline {
                    if self.offline_during_issue && self.idempotency_key.is_some() {
                        self.go(Screen::Issuing, now);
                        self.pending.push(Work::Issue);
                    } else {
                        self.pending.push(Work::Load);
                    }
                }
            }
            Input::Language(code) => {
                let Some(info) = &self.info else { return false };
                if self.screen != Screen::Language || !info.languages.iter().any(|l| l.code == code) {
                    return false;
                }
                self.lang = code;
                let start = info.triage.start.clone();
                if info.triage.questions.iter().any(|q| q.id == start) {
                    self.step(Screen::Question(start), now);
                } else if let Some(service) = info.services.first().map(|s| s.id.clone()) {
                    // A site with one service and no questions.
                    self.history.push((Screen::Language, self.answers.clone()));
                    self.select_service(service, now);
                }
            }
            Input::Choose(i) => {
                if self.listening && self.confirming != Some(i) && i < self.view(now).choices.len() {
                    // Read-aloud: the first touch says what was touched, the second one chooses it.
                    self.confirming = Some(i);
                    return true;
                }
                self.confirming = None;
                return self.choose(i, now);
            }
            Input::Back => return self.back(now),
            Input::Appointment => {
                if !self.offers_appointment() {
                    return false;
                }
                self.code.clear();
                self.message.clear();
                self.step(Screen::Appointment, now);
            }
            Input::Key(c) => {
                if self.screen != Screen::Appointment || !key_allowed(self.code.len(), c) {
                    return false;
                }
                self.code.push(c);
                self.message.clear();
            }
            Input::Backspace | Input::ClearCode => {
                if self.screen != Screen::Appointment {
                    return false;
                }
                if input == Input::Backspace {
                    self.code.pop();
                } else {
                    self.code.clear();
                }
                self.message.clear();
            }
            Input::WalkIn => {
                if self.screen != Screen::AppointmentLate {
                    return false;
                }
                // The path of any visitor, the language kept; its "Back" leads to the languages.
                self.code.clear();
                self.message.clear();
                return self.first_question(now);
            }
            Input::Confirm if self.screen == Screen::Appointment => return self.confirm_code(now),
            Input::Confirm => {
                if self.screen != Screen::Summary {
                    return false;
                }
                self.idempotency_key.get_or_insert_with(|| format!("kiosk-{:032x}", rand::random::<u128>()));
                self.go(Screen::Issuing, now);
                self.pending.push(Work::Issue);
            }
            Input::Change => {
                if self.screen != Screen::Summary {
                    return false;
                }
                // Back to the first question, the language kept; its "Back" still leads to the languages.
                return self.first_question(now);
            }
            Input::Listen => {
                self.listening = true;
                self.confirming = None;
                self.speech_round += 1;
            }
            Input::Repeat => self.speech_round += 1,
            Input::Volume => {
                self.volume = (self.volume + 1) % VOLUMES.len();
                self.speech_round += 1;
            }
        }
        true
    }

    /// Whether "I have an appointment" is offered now: on the first question, when the site takes
    /// appointments (the language is chosen, so the ticket is in it).
    fn offers_appointment(&self) -> bool {
        self.info.as_ref().is_some_and(|i| i.appointments && self.screen == Screen::Question(i.triage.start.clone()))
    }

    /// "Check in" on the keypad: a typo is caught here by the check character, without asking the
    /// server; a well-formed code is checked in.
    /// To the first question of the triage, the language kept (its "Back" leads to the languages),
    /// with no answers; false before the kiosk knows its site.
    fn first_question(&mut self, now: Instant) -> bool {
        let Some(start) = self.info.as_ref().map(|i| i.triage.start.clone()) else { return false };
        self.history.truncate(1);
        self.answers = Answers::default();
        self.go(Screen::Question(start), now);
        true
    }

    fn confirm_code(&mut self, now: Instant) -> bool {
        match Code::parse(&self.code) {
            Ok(_) => {
                self.message.clear();
                self.go(Screen::Issuing, now);
                self.pending.push(Work::CheckIn);
            }
            Err(CodeError::Length(_)) => return false,
            Err(CodeError::Check | CodeError::Character(_)) => {
                self.message = texts::t(&self.lang, id::KIOSK_APPOINTMENT_TYPO);
            }
        }
        true
    }

    /// One step back: the screen before, with the answers as they were there.
    fn back(&mut self, now: Instant) -> bool {
        let asking = matches!(
            self.screen,
            Screen::Question(_)
                | Screen::PartySize
                | Screen::Priority(_)
                | Screen::Mediator
                | Screen::Summary
                | Screen::Appointment
                | Screen::AppointmentEarly
                | Screen::AppointmentLate
        );
        if !asking {
            return false;
        }
        match self.history.pop() {
            Some((screen, answers)) => {
                self.answers = answers;
                self.go(screen, now);
                true
            }
            None => false,
        }
    }

    fn choose(&mut self, i: usize, now: Instant) -> bool {
        let Some(info) = &self.info else { return false };
        match self.screen.clone() {
            Screen::Question(id) => {
                let Some(choice) = info.triage.questions.iter().find(|q| q.id == id).and_then(|q| q.choices.get(i))
                else {
                    return false;
                };
                let (next, service) = (choice.next.clone(), choice.service.clone());
                self.history.push((self.screen.clone(), self.answers.clone()));
                self.answers.path.push((id, i));
                if let Some(next) = next {
                    self.go(Screen::Question(next), now);
                } else if let Some(service) = service {
                    self.select_service(service, now);
                }
            }
            Screen::PartySize => {
                if i >= PARTY_SIZES {
                    return false;
                }
                self.history.push((self.screen.clone(), self.answers.clone()));
                self.answers.party_size = Some(i as u32 + 1);
                self.after(Screen::PartySize, now);
            }
            Screen::Priority(k) => {
                let Some(q) = info.triage.priority_questions.get(k) else { return false };
                if i > 1 {
                    return false;
                }
                let group = q.group.clone();
                self.history.push((self.screen.clone(), self.answers.clone()));
                if i == 0 {
                    self.answers.groups.push(group);
                }
                self.after(Screen::Priority(k), now);
            }
            Screen::Mediator => {
                let mediator = if i > 0 {
                    let Some(l) = info.triage.mediator_languages.get(i - 1) else { return false };
                    Some(l.code.clone())
                } else {
                    None
                };
                self.history.push((self.screen.clone(), self.answers.clone()));
                self.answers.mediator = mediator;
                self.after(Screen::Mediator, now);
            }
            _ => return false,
        }
        true
    }

    fn service(&self, id: &ServiceId) -> Option<&KioskService> {
        self.info.as_ref()?.services.iter().find(|s| &s.id == id)
    }

    fn select_service(&mut self, id: ServiceId, now: Instant) {
        let Some(service) = self.service(&id) else {
            self.message = texts::t(&self.lang, id::KIOSK_SERVER_ERROR);
            self.go(Screen::Error, now);
            return;
        };
        if !service.open {
            self.message = closed_message(&self.lang, service.closed_reason.as_deref(), service.opens_at.as_deref());
            self.go(Screen::Closed, now);
            return;
        }
        self.answers.service = Some(id);
        self.after(Screen::Question(String::new()), now);
    }

    /// The screen after `from` (which was just answered), skipping what the site does not ask.
    fn after(&mut self, from: Screen, now: Instant) {
        let Some(triage) = self.info.as_ref().map(|i| &i.triage) else { return };
        let mut order: Vec<Screen> = Vec::new();
        if triage.ask_party_size {
            order.push(Screen::PartySize);
        }
        order.extend((0..triage.priority_questions.len()).map(Screen::Priority));
        if triage.ask_mediator && !triage.mediator_languages.is_empty() {
            order.push(Screen::Mediator);
        }
        let next = match order.iter().position(|s| *s == from) {
            Some(p) => order.get(p + 1).cloned(),
            None => order.first().cloned(),
        };
        // Every path ends on the summary, where a mistaken tap is seen and undone before the ticket.
        self.go(next.unwrap_or(Screen::Summary), now);
    }

    /// Does what [`Controller::handle`] or [`Controller::tick`] asked for: talks to the server and the printer.
    /// Runs on the controller's thread, never on the UI's. Returns whether the view changed.
    pub fn work(&mut self, now: Instant) -> bool {
        let pending = std::mem::take(&mut self.pending);
        let changed = !pending.is_empty();
        for work in pending {
            match work {
                Work::Load => self.load(now),
                Work::PrinterCheck => self.check_printer(),
                Work::Issue => self.issue(now),
                Work::PrintJobs => self.print_jobs(now),
                Work::CheckIn => self.check_in(now),
                Work::Health => self.report_health(now),
                Work::HelpAlert => {
                    let alert = AlertRequest {
                        kind: "help_requested".into(),
                        message: Some(self.help_alert_text()),
                        ticket_number: self.ticket.as_ref().map(|t| t.number.clone()),
                    };
                    let sent = self.server.alert(&alert);
                    self.help = Some(if sent.is_ok() { Help::Sent } else { Help::Failed });
                    self.help_alert = sent.ok();
                    self.help_since = now;
                    self.help_asked = now;
                }
                Work::HelpStatus => {
                    self.help_asked = now;
                    let taken = self.help_alert.clone().map(|id| self.server.alert_taken(&id));
                    if self.help == Some(Help::Sent) && matches!(taken, Some(Ok(true))) {
                        self.help = Some(Help::Coming);
                        self.help_since = now;
                        self.help_alert = None;
                    }
                }
            }
        }
        changed
    }

    /// Where the visitor is, for the staff who come to help: the screen in Italian words and the language.
    fn help_alert_text(&self) -> String {
        let it = texts::DEFAULT_LANGUAGE;
        let info = self.info.as_ref();
        let screen = match &self.screen {
            Screen::Question(id) => info
                .and_then(|i| i.triage.questions.iter().find(|q| &q.id == id))
                .map(|q| pick(&q.text, it).to_string())
                .unwrap_or_else(|| id.clone()),
            Screen::Priority(k) => info
                .and_then(|i| i.triage.priority_questions.get(*k))
                .map(|q| pick(&q.text, it).to_string())
                .unwrap_or_default(),
            Screen::Language | Screen::Loading => staff_text(id::STAFF_KIOSK_SCREEN_LANGUAGE),
            Screen::PartySize => staff_text(id::STAFF_KIOSK_SCREEN_PARTY),
            Screen::Mediator => staff_text(id::STAFF_KIOSK_SCREEN_MEDIATOR),
            Screen::Summary => staff_text(id::STAFF_KIOSK_SCREEN_SUMMARY),
            Screen::Ticket | Screen::Issuing => staff_text(id::STAFF_KIOSK_SCREEN_TICKET),
            Screen::Offline
            | Screen::Closed
            | Screen::Error
            | Screen::Appointment
            | Screen::AppointmentEarly
            | Screen::AppointmentLate => staff_text(id::STAFF_KIOSK_SCREEN_OTHER),
        };
        let language =
            texts::language(&self.lang).map_or(self.lang.clone(), |l| format!("{} ({})", l.native_name, l.code));
        texts::tf(it, id::STAFF_KIOSK_HELP_WHERE, &[("screen", screen.into()), ("language", language.into())])
    }

    fn load(&mut self, now: Instant) {
        self.last_load = now;
        match self.server.kiosk_info() {
            Ok(info) => {
                let first = self.info.is_none();
                self.info = Some(info);
                self.next_retry = None;
                if first {
                    self.lang = self.default_lang();
                }
                if matches!(self.screen, Screen::Loading)
                    || (self.screen == Screen::Offline && !self.offline_during_issue)
                {
                    self.reset_after_load(now);
                }
            }
            Err(_) => {
                // Only interrupt a visitor at the start (or still loading): mid-path they find out on the
                // summary, where the issue fails plainly. The start screen is checked while idle.
                if matches!(self.screen, Screen::Loading | Screen::Language | Screen::Offline) {
                    // Nobody has chosen a language yet: say it in all of them.
                    self.message = texts::LANGUAGES
                        .iter()
                        .map(|l| texts::t(l.code, id::KIOSK_OFFLINE))
                        .collect::<Vec<_>>()
                        .join("\n");
                    if self.screen != Screen::Offline {
                        self.go(Screen::Offline, now);
                    }
                }
                self.next_retry = Some(now + self.timeouts.retry_every);
            }
        }
    }

    fn reset_after_load(&mut self, now: Instant) {
        self.reset(now);
        self.pending.retain(|w| *w != Work::Load && *w != Work::PrinterCheck);
    }

    fn check_printer(&mut self) {
        if !self.printer.makes_paper() {
            self.printer_health = Some(("none", None));
            return;
        }
        let checked = self.printer.check();
        self.printer_health = Some(match &checked {
            Ok(printer::Paper::Enough) => ("ok", None),
            Ok(printer::Paper::NearEnd) => ("paper_low", None),
            Err(e) => ("failing", Some(e.to_string())),
        });
        match checked {
            Ok(paper) => {
                self.printer_alerted = false;
                self.paper_level(paper);
            }
            Err(e) if !self.printer_alerted => {
                let alert = AlertRequest {
                    kind: "printer_failure".into(),
                    message: Some(staff_text(e.staff_text_id())),
                    ticket_number: None,
                };
                // Told once; if the server cannot be reached now, the next check tries again.
                self.printer_alerted = self.server.alert(&alert).is_ok();
            }
            Err(_) => {}
        }
    }

    /// Ask the printer, then tell the server how it is (the last report it took is remembered, so
    /// a change goes at once and the same state once a minute).
    fn report_health(&mut self, now: Instant) {
        self.last_health_try = Some(now);
        self.check_printer();
        let Some((printer, detail)) = self.printer_health.clone() else { return };
        let report = DeviceHealthReport {
            sound: None,
            printer: Some(printer.to_owned()),
            detail,
            version: Some(env!("CARGO_PKG_VERSION").to_owned()),
        };
        if self.server.report_health(&report).is_ok() {
            self.health_sent = Some(report);
        }
    }

    /// Paper near its end: staff are told once, before it runs out (the ticket still prints).
    fn paper_level(&mut self, paper: printer::Paper) {
        match paper {
            printer::Paper::Enough => self.paper_low_alerted = false,
            printer::Paper::NearEnd if !self.paper_low_alerted => {
                let alert = AlertRequest {
                    kind: "printer_failure".into(),
                    message: Some(staff_text(id::STAFF_KIOSK_PRINTER_PAPER_LOW)),
                    ticket_number: None,
                };
                self.paper_low_alerted = self.server.alert(&alert).is_ok();
            }
            printer::Paper::NearEnd => {}
        }
    }

    fn issue(&mut self, now: Instant) {
        let (Some(service), Some(key)) = (self.answers.service.clone(), self.idempotency_key.clone()) else {
            return;
        };
        let mut needs: Vec<String> = self.answers.groups.iter().map(|g| format!("group:{g}")).collect();
        if let Some(m) = &self.answers.mediator {
            needs.push(format!("mediator:{m}"));
        }
        let request = IssueRequest {
            service,
            priority: Some(if self.answers.groups.is_empty() { Priority::Standard } else { Priority::Priority }),
            appointment_at: None,
            language: Some(self.lang.clone()),
            needs: Some(needs),
            party_size: self.answers.party_size,
            print_at: None,
        };
        match self.server.issue(&request, &key) {
            Ok(view) => self.issued(view, now),
            Err(ServerError::Unreachable(_)) => {
                self.offline_during_issue = true;
                self.message = texts::t(&self.lang, id::KIOSK_OFFLINE);
                self.next_retry = Some(now + self.timeouts.retry_every);
                self.go(Screen::Offline, now);
            }
            Err(ServerError::Closed { code, .. }) => {
                let reason = if code == "daily_cap_reached" || code == "full" { "full" } else { "closed" };
                let opens_at =
                    self.answers.service.as_ref().and_then(|id| self.service(id)).and_then(|s| s.opens_at.clone());
                self.message = closed_message(&self.lang, Some(reason), opens_at.as_deref());
                self.go(Screen::Closed, now);
            }
            Err(ServerError::RateLimited(_) | ServerError::Refused { .. } | ServerError::CheckIn { .. }) => {
                self.message = texts::t(&self.lang, id::KIOSK_SERVER_ERROR);
                self.go(Screen::Error, now);
            }
        }
    }

    /// The code typed, at the server: the appointment ticket is printed like any ticket; a refusal
    /// says why in the visitor's language, with the code kept on the keypad to correct or retry.
    fn check_in(&mut self, now: Instant) {
        let request = CheckInRequest { code: self.code.clone(), language: self.lang.clone() };
        let on_keypad = |c: &mut Controller, key: &str| {
            c.message = texts::t(&c.lang, key);
            c.go(Screen::Appointment, now);
        };
        match self.server.check_in(&request) {
            Ok(view) => {
                self.code.clear();
                self.issued(view, now);
            }
            Err(ServerError::CheckIn { code, opens_at }) => match code.as_str() {
                "too_early" | "too_late" => {
                    self.opens_at = opens_at;
                    self.history.push((Screen::Appointment, self.answers.clone()));
                    let screen = if code == "too_early" { Screen::AppointmentEarly } else { Screen::AppointmentLate };
                    self.go(screen, now);
                }
                "code_used" => on_keypad(self, id::KIOSK_APPOINTMENT_USED),
                "code_mistyped" => on_keypad(self, id::KIOSK_APPOINTMENT_TYPO),
                _ => on_keypad(self, id::KIOSK_APPOINTMENT_UNKNOWN),
            },
            Err(ServerError::RateLimited(_)) => on_keypad(self, id::KIOSK_APPOINTMENT_WAIT),
            Err(ServerError::Unreachable(_)) => on_keypad(self, id::KIOSK_APPOINTMENT_OFFLINE),
            Err(ServerError::Closed { .. } | ServerError::Refused { .. }) => on_keypad(self, id::KIOSK_SERVER_ERROR),
        }
    }

    /// What goes on paper for a ticket, in `lang` (the visitor's): the kiosk's own tickets and
    /// reception's print jobs alike. Also whether no desk serves its service now.
    fn print_ticket(&self, view: &TicketView, lang: &str) -> (PrintTicket, bool) {
        let service = self.service(&view.service);
        let label = service.map(|s| pick(&s.public_label, lang).to_string()).filter(|l| !l.is_empty());
        let label_it = service.map(|s| pick(&s.public_label, "it").to_string()).filter(|l| !l.is_empty());
        let service_name = service.map(|s| pick(&s.names, lang).to_string()).unwrap_or_default();
        // No desk serves it now: no figure is told (the server says so with a null estimate).
        let no_desk_open = view.estimated_wait_s.is_none() || service.is_some_and(|s| s.open_desks == 0);
        let estimated_wait_s = view.estimated_wait_s.filter(|_| !no_desk_open);
        let info = self.info.as_ref();
        // The site's public address, which a visitor's phone can open; the kiosk's own way to the server
        // (LAN, loopback) only when the site has none (check-config warns about that).
        let base = info.and_then(|i| i.public_url.clone()).unwrap_or_else(|| self.server.base_url());
        let print = PrintTicket {
            site_name: info.map(|i| i.name.clone()).unwrap_or_default(),
            number: view.number.clone(),
            label: label.unwrap_or_else(|| view.service_label.clone()),
            label_it: label_it.unwrap_or_else(|| view.service_label.clone()),
            service_name,
            language: lang.to_owned(),
            issued_at: local_time(&view.issued_at),
            people_ahead: view.people_ahead,
            estimated_wait_s,
            estimated_wait_range_s: view.estimated_wait_range_s,
            qr_url: format!("{}{}", base.trim_end_matches('/'), view.status_url),
        };
        (print, no_desk_open)
    }

    /// Reception's tickets for this kiosk's printer: each printed in its visitor's language (not
    /// the screen's) with the same ESC/POS as the kiosk's own, and answered printed or why not.
    ///
    /// They print only between visitors (`tick` asks for them on a quiet start screen): a ticket
    /// coming out while someone is on their path, or just took theirs, would be taken for theirs
    /// by a person who may not read its number. A job that waits too long expires on the server
    /// and reception shows its QR on screen instead, so nobody is left without their ticket.
    fn print_jobs(&mut self, now: Instant) {
        self.last_print_poll = now;
        let Ok(jobs) = self.server.print_jobs() else {
            // The server is away: the start screen says so on its own check; asked again later.
            return;
        };
        for PrintJob { id, ticket: view } in jobs {
            let (print, _) = self.print_ticket(&view, &view.language);
            let bytes = ticket::escpos_bytes(&print);
            let outcome = if !self.printer.makes_paper() {
                Err("no_printer")
            } else {
                match self.printer.check() {
                    Ok(level) => {
                        let printed = self.printer.print(&bytes);
                        self.paper_level(level);
                        printed.map_err(|e| e.code())
                    }
                    Err(e) => Err(e.code()),
                }
            };
            if outcome.is_ok() {
                self.printed_jobs.push((id.clone(), bytes));
                let extra = self.printed_jobs.len().saturating_sub(8);
                self.printed_jobs.drain(..extra);
            }
            let result = PrintResult { printed: outcome.is_ok(), error: outcome.err().map(str::to_owned) };
            // Unanswered, the job expires on the server and reception shows the QR: nothing is lost.
            let _ = self.server.print_result(&id, &result);
        }
    }

    fn issued(&mut self, view: TicketView, now: Instant) {
        let lang = self.lang.clone();
        let (print, no_desk_open) = self.print_ticket(&view, &lang);
        let estimated_wait_s = print.estimated_wait_s;
        let label = print.label.clone();
        let service_name = print.service_name.clone();
        let qr_url = print.qr_url.clone();
        let waiting_area = self.info.as_ref().map(|i| pick(&i.waiting_area, &lang).to_string()).unwrap_or_default();
        let bytes = ticket::escpos_bytes(&print);
        let paper = if self.printer.makes_paper() {
            let printed = match self.printer.check() {
                Ok(level) => {
                    let printed = self.printer.print(&bytes);
                    self.paper_level(level);
                    printed
                }
                Err(e) => Err(e),
            };
            match printed {
                Ok(()) => Paper::Printed,
                Err(e) => {
                    // Staff are told; the visitor sees the ticket on screen for longer. A failed alert changes nothing more.
                    let _ = self.server.alert(&AlertRequest {
                        kind: "printer_failure".into(),
                        message: Some(staff_text(e.staff_text_id())),
                        ticket_number: Some(view.number.clone()),
                    });
                    Paper::Failed(e.to_string())
                }
            }
        } else {
            Paper::ScreenOnly
        };
        self.last_bytes = Some(bytes);
        self.message = match paper {
            Paper::Printed => String::new(),
            Paper::ScreenOnly => texts::t(&lang, id::KIOSK_PRINTER_NONE),
            Paper::Failed(_) => texts::t(&lang, id::KIOSK_PRINTER_FAILED),
        };
        self.ticket = Some(ShownTicket {
            number: view.number,
            label,
            people_ahead: view.people_ahead,
            wait_minutes: estimated_wait_s.map_or(0, ticket::wait_minutes),
            wait_line: ticket::wait_line(&lang, estimated_wait_s, view.estimated_wait_range_s),
            qr_url,
            waiting_area,
            service_name,
            no_desk_open,
            paper,
        });
        self.go(Screen::Ticket, now);
    }

    /// Moves time on: inactivity warning and reset, the result screen's end, background retries.
    /// Returns whether the view changed (the warning's countdown changes every second).
    pub fn tick(&mut self, now: Instant) -> bool {
        let mut changed = false;
        // A help alert sent stays on screen until someone takes it (asked every few seconds), at
        // most `HELP_WAIT`; the answer (someone is coming, or go to reception) for `help_shown`.
        let waiting_for_staff = self.help == Some(Help::Sent) && self.help_alert.is_some();
        let shown_for = if waiting_for_staff { HELP_WAIT } else { self.timeouts.help_shown };
        if self.help.is_some_and(|h| h != Help::Sending) && now >= self.help_since + shown_for {
            self.help = None;
            self.help_alert = None;
            changed = true;
        } else if waiting_for_staff && now >= self.help_asked + HELP_POLL && !self.pending.contains(&Work::HelpStatus) {
            self.pending.push(Work::HelpStatus);
            changed = true;
        }
        // Between visitors only (see `print_jobs`): the start screen, untouched for a moment.
        if self.screen == Screen::Language
            && self.info.is_some()
            && now >= self.last_print_poll + self.timeouts.print_poll
            && now >= self.last_touch + self.timeouts.print_quiet
            && !self.pending.contains(&Work::PrintJobs)
        {
            self.last_print_poll = now;
            self.pending.push(Work::PrintJobs);
            changed = true;
        }
        // Between visitors only, like reception's print jobs: the printer's health, once a minute, and
        // soon after a check between visitors found it changed.
        let health_changed = self.printer_health.as_ref().is_some_and(|(p, d)| {
            self.health_sent.as_ref().is_none_or(|r| r.printer.as_deref() != Some(*p) || r.detail != *d)
        });
        let health_due = self.last_health_try.is_none_or(|t| {
            now >= t + self.timeouts.health_every || (health_changed && now >= t + self.timeouts.print_poll)
        });
        if self.screen == Screen::Language
            && self.info.is_some()
            && health_due
            && now >= self.last_touch + self.timeouts.print_quiet
            && !self.pending.contains(&Work::Health)
        {
            self.last_health_try = Some(now);
            self.pending.push(Work::Health);
            changed = true;
        }
        match self.screen {
            Screen::Offline | Screen::Loading
                if self.next_retry.is_some_and(|t| now >= t) && !self.pending.contains(&Work::Load) =>
            {
                self.next_retry = None;
                self.pending.push(Work::Load);
                changed = true;
            }
            Screen::Language
                if now >= self.last_load + self.timeouts.idle_check && !self.pending.contains(&Work::Load) =>
            {
                // Idle at the start: is the server still there? (Says "go to reception" at once if not.)
                self.last_load = now;
                self.pending.push(Work::Load);
                changed = true;
            }
            Screen::Ticket => {
                let paperless = self.ticket.as_ref().is_some_and(ShownTicket::on_screen_only);
                let shown = if paperless { self.timeouts.ticket_not_printed } else { self.timeouts.ticket_printed };
                if now >= self.screen_since.max(self.last_touch) + shown {
                    self.reset(now);
                    return true;
                }
            }
            _ => {}
        }
        let idle_applies =
            !matches!(self.screen, Screen::Language | Screen::Loading | Screen::Issuing | Screen::Ticket)
                && (self.screen != Screen::Offline || self.offline_during_issue);
        // The start screen only times out once the visitor has changed something there.
        let start_touched = self.screen == Screen::Language && self.low_reach != self.low_reach_default;
        if idle_applies || start_touched {
            match self.warning_since {
                None if now >= self.last_touch + self.timeouts.idle_warning => {
                    self.warning_since = Some(now);
                    changed = true;
                }
                Some(since) if now >= since + self.timeouts.warning_grace => {
                    self.reset(now);
                    changed = true;
                }
                Some(_) => changed = true,
                None => {}
            }
        }
        changed
    }

    /// What the UI shows now.
    pub fn view(&self, now: Instant) -> View {
        let lang = self.lang.as_str();
        let info = self.info.as_ref();
        let languages = info
            .map(|i| i.languages.iter().map(|l| (l.code.clone(), l.native_name.clone())).collect())
            .unwrap_or_default();
        let rtl = info.and_then(|i| i.languages.iter().find(|l| l.code == lang)).is_some_and(|l| l.rtl);
        let mut title = String::new();
        let mut pictogram = String::new();
        let mut choices = Vec::new();
        let choice =
            |label: &str, pictogram: &str| ChoiceView { label: label.to_string(), pictogram: pictogram.to_string() };
        match &self.screen {
            Screen::Language => title = texts::t(lang, id::KIOSK_CHOOSE_LANGUAGE),
            Screen::Question(id) => {
                if let Some(q) = info.and_then(|i| i.triage.questions.iter().find(|q| &q.id == id)) {
                    title = pick(&q.text, lang).into();
                    pictogram = q.pictogram.clone().unwrap_or_default();
                    choices = q
                        .choices
                        .iter()
                        .map(|c| choice(pick(&c.label, lang), c.pictogram.as_deref().unwrap_or("")))
                        .collect();
                }
            }
            Screen::PartySize => {
                title = texts::t(lang, id::KIOSK_PARTY_SIZE);
                pictogram = "family".into();
                choices = (1..=PARTY_SIZES).map(|n| choice(&party_label(n), "person")).collect();
            }
            Screen::Priority(k) => {
                if let Some(q) = info.and_then(|i| i.triage.priority_questions.get(*k)) {
                    title = pick(&q.text, lang).into();
                    pictogram = q.pictogram.clone().unwrap_or_default();
                    choices = vec![
                        choice(&texts::t(lang, id::KIOSK_YES), "yes"),
                        choice(&texts::t(lang, id::KIOSK_NO), "no"),
                    ];
                }
            }
            Screen::Mediator => {
                title = texts::t(lang, id::KIOSK_MEDIATOR);
                pictogram = "mediator".into();
                choices.push(choice(&texts::t(lang, id::KIOSK_NO_MEDIATOR), "no"));
                if let Some(i) = info {
                    choices.extend(i.triage.mediator_languages.iter().map(|l| choice(&l.native_name, "language")));
                }
            }
            Screen::Summary => {
                title = texts::t(lang, id::KIOSK_SUMMARY_TITLE);
                pictogram = "ticket".into();
            }
            Screen::Issuing => title = texts::t(lang, id::KIOSK_ISSUING),
            Screen::Ticket => title = texts::t(lang, id::KIOSK_YOUR_TICKET),
            Screen::Closed => title = texts::t(lang, id::KIOSK_CLOSED),
            Screen::Appointment => {
                title = texts::t(lang, id::KIOSK_APPOINTMENT_TITLE);
                pictogram = "documents".into();
            }
            Screen::AppointmentEarly => {
                title = match &self.opens_at {
                    Some(at) => texts::tf(lang, id::KIOSK_APPOINTMENT_EARLY, &[("time", at.as_str().into())]),
                    None => texts::t(lang, id::KIOSK_APPOINTMENT_EARLY_SOON),
                };
            }
            Screen::AppointmentLate => title = texts::t(lang, id::KIOSK_APPOINTMENT_LATE),
            Screen::Offline | Screen::Error | Screen::Loading => {}
        }
        let message = match self.screen {
            Screen::AppointmentEarly => texts::t(lang, id::KIOSK_APPOINTMENT_EARLY_ADVICE),
            Screen::AppointmentLate => texts::t(lang, id::KIOSK_APPOINTMENT_LATE_ADVICE),
            _ => self.message.clone(),
        };
        let warning_seconds = self.warning_since.map(|since| {
            (since + self.timeouts.warning_grace).saturating_duration_since(now).as_secs_f32().ceil() as u32
        });
        let help_message = match self.help {
            Some(Help::Sent) => texts::t(lang, id::KIOSK_HELP_SENT),
            Some(Help::Failed) => texts::t(lang, id::KIOSK_HELP_FAILED),
            Some(Help::Coming) => texts::t(lang, id::KIOSK_HELP_COMING),
            _ => String::new(),
        };
        let can_go_back = matches!(
            self.screen,
            Screen::Question(_)
                | Screen::PartySize
                | Screen::Priority(_)
                | Screen::Mediator
                | Screen::Summary
                | Screen::Appointment
                | Screen::AppointmentEarly
                | Screen::AppointmentLate
        ) && !self.history.is_empty();
        let summary = if self.screen == Screen::Summary { self.summary_lines() } else { Vec::new() };
        let mut view = View {
            screen: self.screen.clone(),
            lang: self.lang.clone(),
            rtl,
            low_reach: self.low_reach,
            languages,
            title,
            pictogram,
            choices,
            message,
            ticket: self.ticket.clone(),
            warning_seconds,
            help: self.help,
            help_message,
            site_name: info.map(|i| i.name.clone()).unwrap_or_default(),
            can_go_back,
            summary,
            makes_paper: self.printer.makes_paper(),
            listening: self.listening,
            confirming: self.confirming,
            speech: Vec::new(),
            speech_round: self.speech_round,
            volume: VOLUMES[self.volume % VOLUMES.len()],
            offer_appointment: self.offers_appointment(),
            code: grouped_code(&self.code),
            code_len: self.code.len(),
        };
        view.speech = speech(&view);
        view
    }

    /// "You asked for": each triage answer, the party size, the priority answers and the mediator, in the
    /// visitor's language with the pictograms they touched.
    fn summary_lines(&self) -> Vec<ChoiceView> {
        let lang = self.lang.as_str();
        let Some(info) = self.info.as_ref() else { return Vec::new() };
        let mut lines = Vec::new();
        for (qid, i) in &self.answers.path {
            if let Some(c) = info.triage.questions.iter().find(|q| &q.id == qid).and_then(|q| q.choices.get(*i)) {
                lines.push(ChoiceView {
                    label: pick(&c.label, lang).to_string(),
                    pictogram: c.pictogram.clone().unwrap_or_default(),
                });
            }
        }
        if let Some(n) = self.answers.party_size {
            let label = texts::tf(lang, id::KIOSK_SUMMARY_PEOPLE, &[("n", n.into())]);
            let label = if n as usize == PARTY_SIZES {
                label.replacen(&n.to_string(), &party_label(n as usize), 1)
            } else {
                label
            };
            lines.push(ChoiceView { label, pictogram: "family".into() });
        }
        for q in info.triage.priority_questions.iter().filter(|q| self.answers.groups.contains(&q.group)) {
            lines.push(ChoiceView {
                label: format!("{} {}", pick(&q.text, lang), texts::t(lang, id::KIOSK_YES)),
                pictogram: q.pictogram.clone().unwrap_or_default(),
            });
        }
        if let Some(m) = &self.answers.mediator {
            let name =
                info.triage.mediator_languages.iter().find(|l| &l.code == m).map_or(m.as_str(), |l| &l.native_name);
            lines.push(ChoiceView {
                label: texts::tf(lang, id::KIOSK_SUMMARY_MEDIATOR, &[("language", name.into())]),
                pictogram: "mediator".into(),
            });
        }
        lines
    }
}

/// What the kiosk says for a view: the language screen invites in every offered language (each in its
/// own voice); a question says its title, and in read-aloud mode every option with its number; a touched
/// option in read-aloud mode is said back with "touch again to confirm"; the ticket is said whole; the
/// help confirmation is said.
pub fn speech(view: &View) -> Vec<Utterance> {
    let lang = view.lang.as_str();
    let say = |text: String| Utterance { lang: lang.to_string(), text };
    if view.warning_seconds.is_some() {
        return vec![say(texts::t(lang, id::KIOSK_STILL_THERE_SPEECH))];
    }
    if !view.help_message.is_empty() {
        return vec![say(view.help_message.clone())];
    }
    let mut out = Vec::new();
    match &view.screen {
        Screen::Language => {
            for (code, _) in &view.languages {
                out.push(Utterance { lang: code.clone(), text: texts::t(code, id::KIOSK_CHOOSE_LANGUAGE) });
            }
            return out;
        }
        Screen::Question(_) | Screen::PartySize | Screen::Priority(_) | Screen::Mediator => {
            if let Some(i) = view.confirming {
                let label = view.choices.get(i).map(|c| c.label.clone()).unwrap_or_default();
                return vec![say(texts::tf(lang, id::KIOSK_TOUCH_AGAIN, &[("choice", label.into())]))];
            }
            out.push(say(view.title.clone()));
            if view.listening {
                for (i, c) in view.choices.iter().enumerate() {
                    let text = texts::tf(
                        lang,
                        id::KIOSK_OPTION_SPOKEN,
                        &[("n", (i + 1).into()), ("label", c.label.as_str().into())],
                    );
                    out.push(say(text));
                }
            }
            return out;
        }
        Screen::Summary => {
            out.push(say(view.title.clone()));
            out.extend(view.summary.iter().map(|l| say(l.label.clone())));
            return out;
        }
        _ => {}
    }
    if !view.title.is_empty() {
        out.push(say(view.title.clone()));
    }
    if let Some(t) = &view.ticket {
        let label =
            if t.service_name.is_empty() { t.label.clone() } else { format!("{}, {}", t.label, t.service_name) };
        // Letters in the visitor's language ("Зона де", not an English "dee").
        out.push(say(texts::speakable(
            lang,
            &texts::tf(
                lang,
                id::KIOSK_TICKET_SPEECH,
                &[("number", texts::spoken_number(&t.number).into()), ("label", label.into())],
            ),
        )));
        out.push(say(texts::tf(lang, id::KIOSK_AHEAD_LINE, &[("n", t.people_ahead.into())])));
        out.push(say(t.wait_line.clone()));
        if !t.waiting_area.is_empty() {
            out.push(say(t.waiting_area.clone()));
        }
    }
    // A message in every language is read in the voice of the current one only.
    if let Some(first) = view.message.lines().next().filter(|l| !l.is_empty()) {
        out.push(say(first.to_string()));
    }
    out
}

/// Characters of an appointment code: eight, then the check character.
pub const CODE_LEN: usize = DATA_LEN + 1;

/// The keypad's keys, in order: Crockford's alphabet (0-9, A-Z without I, L, O, U), then the five
/// symbols only a check character uses (`* ~ $ = U`).
pub fn keypad_keys() -> impl Iterator<Item = char> {
    CHECK_ALPHABET.iter().map(|&b| b as char)
}

/// Whether `key` may be typed as the next character of a code that has `typed` characters: a data
/// character for the first eight, any check symbol for the ninth, nothing after.
pub fn key_allowed(typed: usize, key: char) -> bool {
    let alphabet: &[u8] = if typed < DATA_LEN {
        ALPHABET
    } else if typed == DATA_LEN {
        CHECK_ALPHABET
    } else {
        &[]
    };
    key.is_ascii() && alphabet.contains(&(key as u8))
}

/// `7K3MQD9P4` → `7K3M QD9P 4`, as the slip shows it (also while typing: `7K3M Q`).
pub fn grouped_code(typed: &str) -> String {
    let mut out = String::new();
    for (i, c) in typed.chars().enumerate() {
        if i == 4 || i == DATA_LEN {
            out.push(' ');
        }
        out.push(c);
    }
    out
}

/// Party sizes offered: 1 to 5, and "6+" (counted as 6).
pub const PARTY_SIZES: usize = 6;

fn party_label(n: usize) -> String {
    if n == PARTY_SIZES { format!("{n}+") } else { n.to_string() }
}

/// A staff text (alerts) in the site's staff language.
fn staff_text(key: &str) -> String {
    texts::t(texts::DEFAULT_LANGUAGE, key)
}

/// A configured text in `lang`, else Italian, else English, else any.
pub fn pick<'a>(by_lang: &'a BTreeMap<String, String>, lang: &str) -> &'a str {
    by_lang
        .get(lang)
        .or_else(|| by_lang.get(texts::DEFAULT_LANGUAGE))
        .or_else(|| by_lang.get("en"))
        .or_else(|| by_lang.values().next())
        .map(String::as_str)
        .unwrap_or("")
}

/// Why a service is not available, in the visitor's language: full for today, or closed and when it opens.
fn closed_message(lang: &str, reason: Option<&str>, opens_at: Option<&str>) -> String {
    let advice = texts::t(lang, id::KIOSK_CLOSED_ADVICE);
    let why = match (reason, opens_at) {
        (Some("full"), _) => Some(texts::t(lang, id::KIOSK_CLOSED_FULL)),
        (_, Some(at)) => Some(texts::tf(lang, id::KIOSK_CLOSED_OPENS, &[("when", short_time(at).into())])),
        _ => None,
    };
    match why {
        Some(why) => format!("{why} {advice}"),
        None => advice,
    }
}

/// `2026-11-24T09:00:00+01:00` → `24/11 09:00`.
fn short_time(rfc3339: &str) -> String {
    match (rfc3339.get(5..7), rfc3339.get(8..10), rfc3339.get(11..16)) {
        (Some(m), Some(d), Some(hm)) => format!("{d}/{m} {hm}"),
        _ => rfc3339.to_string(),
    }
}

/// `2026-11-23T09:14:03+01:00` → `23/11/2026 09:14` (the server sends the site's local time).
pub fn local_time(rfc3339: &str) -> String {
    match (rfc3339.get(0..4), rfc3339.get(5..7), rfc3339.get(8..10), rfc3339.get(11..16)) {
        (Some(y), Some(m), Some(d), Some(hm)) => format!("{d}/{m}/{y} {hm}"),
        _ => rfc3339.to_string(),
    }
}

#[cfg(test)]
mod tests;
