//! The display's brain, plain Rust and no I/O: snapshot + stream messages + time in, a [`View`] and
//! spoken [`Announcement`]s out.
//!
//! Time always comes in as `now`, so tests script a whole day of events and clock ticks.
//!
//! Event ids: the server numbers every event of its log, across sites and including staff-only
//! events (`alert.raised`), so a display stream normally *skips* ids. A forward jump is therefore
//! normal; what the server cannot hide is an id that goes *backwards* (its log was reset or
//! replaced): that is the gap this controller answers with a re-read of the snapshot
//! ([`Outcome::Resync`]), as it does for the server's own `resync` message. The server itself sends
//! `resync` when it cannot resume from our `Last-Event-ID` (a restart, a lagging subscriber).

use crate::texts::{Part, Texts, announcement_parts, announcement_text};
use ::client::SseMessage;
use ::texts::id;
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use queue_core::wire::{CallView, DisplayDesk, DisplaySnapshot, QueueView, StreamEvent};
use queue_core::{DeskId, ServiceId, Status};
use std::collections::{HashMap, VecDeque};

/// How a display is set up (command line).
#[derive(Debug, Clone)]
pub struct Settings {
    /// Previous calls shown under the newest one.
    pub previous: usize,
    /// How long the newest call stays highlighted.
    pub highlight: SignedDuration,
    /// Show only these services (empty: all).
    pub services: Vec<ServiceId>,
    /// Show only calls to these desks (empty: all).
    pub desks: Vec<DeskId>,
    /// The site's time zone (clock, "since HH:MM").
    pub tz: TimeZone,
    /// A dropped connection is shown as stale after this long without a successful reconnect.
    pub reconnect_grace: SignedDuration,
    /// A call is spoken only while it is at most this old (on the resume path, the snapshot path,
    /// and in the announcer's queue); older calls are shown, not spoken.
    pub announce_max_age: SignedDuration,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            previous: 5,
            highlight: SignedDuration::from_secs(8),
            services: Vec::new(),
            desks: Vec::new(),
            tz: TimeZone::get("Europe/Rome").unwrap_or(TimeZone::UTC),
            reconnect_grace: SignedDuration::from_secs(3),
            announce_max_age: SignedDuration::from_secs(60),
        }
    }
}

/// A set-up mistake, told apart from an outage: the red band names it (and the log), instead of
/// "not updated since".
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Setup {
    /// The server answered 401 or 403 to the display's key.
    KeyRefused(u16),
    /// The server answered 404: no such site.
    UnknownSite(String),
    /// `--server` is not an http(s) URL.
    BadAddress(String),
    /// `--services` or `--desks` ids the site does not have (public ids for services).
    UnknownIds(Vec<String>),
}

/// What the caller must do after a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Nothing more.
    Ok,
    /// Re-read the snapshot (server `resync`, or event ids went backwards), then reopen the stream.
    Resync,
}

/// One sentence to speak.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Utterance {
    pub lang: String,
    /// The sentence as written ("الرقم A 23، Sportello 3.").
    pub text: String,
    /// What the voices read: the visitor's language with its letter names, the desk's name in the
    /// site's ([`crate::texts::announcement_parts`]).
    pub parts: Vec<Part>,
}

/// A call to announce: chime, then the sentences in order (site language first).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Announcement {
    pub number: String,
    pub desk: String,
    pub recall: bool,
    pub utterances: Vec<Utterance>,
    /// When the call was made, on the server's clock (the announcer speaks the newest first).
    pub called_at: Timestamp,
    /// After this moment on the display's own clock the call is older than the limit and is not
    /// spoken any more (the server's clock offset is already taken into account).
    pub expires: Timestamp,
}

/// One line of the call list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallLine {
    pub number: String,
    pub desk: String,
    pub service: String,
}

/// One queue's figures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueLine {
    pub label: String,
    pub waiting: u32,
    /// "12 min" or "–".
    pub wait: String,
}

/// Headings, in the site's language and English.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Labels {
    pub latest: String,
    pub previous: String,
    pub waiting: String,
    pub estimated_wait: String,
    pub no_calls: String,
}

/// Everything the screen shows: a pure function of the controller's state and `now`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct View {
    pub site_name: String,
    /// HH:MM in the site's time zone.
    pub clock: String,
    pub latest: Option<CallLine>,
    pub highlight: bool,
    pub previous: Vec<CallLine>,
    pub queues: Vec<QueueLine>,
    pub notice: String,
    /// The red band: the plain "reconnecting since HH:MM" warning when the data may be out of
    /// date, or the set-up mistake that keeps the display from connecting.
    pub stale: Option<String>,
    /// For staff, in the site's language: the sound does not work ("Audio non funzionante: …").
    pub sound: Option<String>,
    pub labels: Labels,
}

#[derive(Debug, Clone, PartialEq)]
struct Entry {
    number: String,
    desk: Option<DeskId>,
    desk_label: String,
    service_label: String,
    at: Option<Timestamp>,
}

/// The display's state.
pub struct DisplayController {
    settings: Settings,
    texts: Texts,
    site_name: String,
    languages: Vec<String>,
    notice: queue_core::wire::Texts,
    /// Visible calls, newest first.
    calls: Vec<Entry>,
    queues: Vec<QueueView>,
    desks: HashMap<DeskId, DisplayDesk>,
    service_labels: HashMap<ServiceId, String>,
    last_event_id: Option<u64>,
    heartbeat_s: u32,
    loaded: bool,
    last_heard: Option<Timestamp>,
    /// When the connection went down (or the display started), while it is down.
    down_since: Option<Timestamp>,
    highlight: Option<(String, Timestamp)>,
    announcements: VecDeque<Announcement>,
    /// Calls that stopped being current since the last look (the announcer must not speak them).
    withdrawn: Vec<String>,
    /// The display's clock minus the server's, from the last heartbeat.
    server_offset: SignedDuration,
    /// The call the voice is reading now: the big panel shows it.
    speaking: Option<String>,
    /// What the sound is doing, once known.
    sound: Option<crate::audio::SoundState>,
    /// A set-up mistake found while connecting (cleared by a snapshot that proves otherwise).
    setup: Option<Setup>,
}

/// How many calls are kept beyond those shown, so a withdrawn call uncovers the one before.
const KEEP_EXTRA: usize = 20;

impl DisplayController {
    pub fn new(settings: Settings, texts: Texts, now: Timestamp) -> DisplayController {
        DisplayController {
            settings,
            texts,
            site_name: String::new(),
            languages: vec!["it".to_owned()],
            notice: Default::default(),
            calls: Vec::new(),
            queues: Vec::new(),
            desks: HashMap::new(),
            service_labels: HashMap::new(),
            last_event_id: None,
            heartbeat_s: 10,
            loaded: false,
            last_heard: None,
            down_since: Some(now),
            highlight: None,
            announcements: VecDeque::new(),
            withdrawn: Vec::new(),
            server_offset: SignedDuration::ZERO,
            speaking: None,
            sound: None,
            setup: None,
        }
    }

    /// The id to send as `Last-Event-ID`.
    pub fn last_event_id(&self) -> Option<u64> {
        self.last_event_id
    }

    /// Whether a snapshot has been loaded since start.
    pub fn loaded(&self) -> bool {
        self.loaded
    }

    /// How long the stream may stay silent before the connection counts as dead: two heartbeats and
    /// a margin.
    pub fn stale_after(&self) -> std::time::Duration {
        std::time::Duration::from_secs(u64::from(self.heartbeat_s.max(1)) * 2 + 3)
    }

    /// The site's default language (announcements start with it).
    pub fn default_language(&self) -> &str {
        self.languages.first().map(String::as_str).unwrap_or("it")
    }

    /// Loads the full state (at start, after `resync`, after a gap).
    pub fn apply_snapshot(&mut self, snap: DisplaySnapshot, now: Timestamp) {
        let first = !self.loaded;
        let known: Vec<(String, Option<Timestamp>)> = self.calls.iter().map(|e| (e.number.clone(), e.at)).collect();
        self.site_name = snap.name;
        if !snap.languages.is_empty() {
            self.languages = snap.languages;
        }
        self.notice = snap.notice;
        self.desks = snap.desks.into_iter().map(|d| (d.id.clone(), d)).collect();
        self.set_queues(snap.queues);
        self.heartbeat_s = snap.heartbeat_s.max(1);
        self.last_event_id = Some(snap.last_event_id);
        let fresh: Vec<&CallView> =
            snap.calls.iter().filter(|c| self.call_visible(Some(&c.desk), &c.ticket.service_label)).collect();
        self.calls = fresh.iter().map(|c| self.entry_from_call(c)).collect();
        self.calls.truncate(self.settings.previous + 1 + KEEP_EXTRA);
        if !first {
            // A call that is over (the person reached the desk meanwhile) is not spoken any more.
            for c in fresh.iter().filter(|c| c.ticket.status != Status::Called) {
                self.withdraw(&c.ticket.number);
            }
            // Calls made while we could not follow the stream: announce those still current
            // (called, not called again elsewhere — the snapshot has one entry a number — and young
            // enough), oldest first; older ones are shown, not spoken.
            let missed: Vec<&CallView> = fresh
                .iter()
                .rev()
                .filter(|c| c.ticket.status == Status::Called)
                .filter(|c| {
                    let at = parse_at(&c.at);
                    !known.iter().any(|(n, a)| *n == c.ticket.number && (*a == at || at.is_none()))
                })
                .copied()
                .collect();
            for c in missed {
                let Some(at) = parse_at(&c.at).filter(|at| self.current(*at, now)) else {
                    tracing::info!("not announcing {}: called at {}, before the limit", c.ticket.number, c.at);
                    continue;
                };
                let label = self.desk_label(Some(&c.desk), c.ticket.desk_label.as_deref());
                self.announce(&c.ticket.number, &label, Some(&c.language), c.recalls > 0, at, now);
                self.highlight = Some((c.ticket.number.clone(), now + self.settings.highlight));
            }
        }
        self.loaded = true;
        self.heard(now);
        self.setup = self.unknown_ids().map(Setup::UnknownIds);
        if let Some(p) = &self.setup {
            tracing::error!("{}", self.setup_text(p, "en"));
        }
    }

    /// `--services` and `--desks` ids that the site's snapshot does not have.
    fn unknown_ids(&self) -> Option<Vec<String>> {
        let known_service = |id: &ServiceId| {
            self.queues.iter().any(|q| q.service == *id) || self.desks.values().any(|d| d.services.contains(id))
        };
        let mut unknown: Vec<String> =
            self.settings.services.iter().filter(|id| !known_service(id)).map(|id| id.to_string()).collect();
        unknown.extend(self.settings.desks.iter().filter(|d| !self.desks.contains_key(*d)).map(|d| d.to_string()));
        (!unknown.is_empty()).then_some(unknown)
    }

    /// A set-up mistake seen while connecting (`None` once the server accepted us).
    pub fn setup_problem(&mut self, problem: Option<Setup>) {
        if let Some(p) = problem.as_ref().filter(|p| self.setup.as_ref() != Some(*p)) {
            tracing::error!("{}", self.setup_text(p, "en"));
        }
        self.setup = problem;
    }

    fn setup_text(&self, p: &Setup, lang: &str) -> String {
        match p {
            Setup::KeyRefused(status) => {
                self.texts.format(lang, id::DISPLAY_SETUP_KEY, &[("status", status.to_string().into())])
            }
            Setup::UnknownSite(site) => {
                self.texts.format(lang, id::DISPLAY_SETUP_SITE, &[("site", site.as_str().into())])
            }
            Setup::BadAddress(url) => {
                self.texts.format(lang, id::DISPLAY_SETUP_ADDRESS, &[("url", url.as_str().into())])
            }
            Setup::UnknownIds(ids) => {
                self.texts.format(lang, id::DISPLAY_SETUP_SERVICES, &[("ids", ids.join(", ").into())])
            }
        }
    }

    /// The stream answered (HTTP 200): the display is live again.
    pub fn stream_opened(&mut self, now: Timestamp) {
        if self.loaded {
            self.heard(now);
        }
    }

    /// The connection failed or dropped.
    pub fn connection_lost(&mut self, now: Timestamp) {
        if self.down_since.is_none() {
            self.down_since = Some(now);
        }
    }

    fn heard(&mut self, now: Timestamp) {
        self.last_heard = Some(now);
        self.down_since = None;
    }

    /// One message from the stream.
    pub fn apply_message(&mut self, msg: &SseMessage, now: Timestamp) -> Outcome {
        if msg.event == "resync" {
            return Outcome::Resync;
        }
        if let Some(id) = msg.id.as_deref().and_then(|s| s.trim().parse::<u64>().ok()) {
            if self.last_event_id.is_some_and(|last| id <= last) {
                tracing::warn!(id, last = self.last_event_id, "event ids went backwards: re-reading the snapshot");
                return Outcome::Resync;
            }
            self.last_event_id = Some(id);
        }
        self.heard(now);
        if msg.event == "heartbeat" {
            self.heartbeat(&msg.data, now);
            return Outcome::Ok;
        }
        let ev: StreamEvent = match serde_json::from_str(&msg.data) {
            Ok(ev) => ev,
            Err(e) => {
                tracing::warn!(event = %msg.event, "ignoring an event whose data does not parse: {e}");
                return Outcome::Ok;
            }
        };
        self.apply_event(&msg.event, ev, now);
        Outcome::Ok
    }

    fn apply_event(&mut self, name: &str, ev: StreamEvent, now: Timestamp) {
        if let Some(queues) = ev.queues {
            self.set_queues(queues);
        }
        let Some(ticket) = ev.ticket else { return };
        let number = ticket.number.clone();
        match name {
            "ticket.called" | "ticket.recalled" => {
                let recall = name == "ticket.recalled";
                let old = self.calls.iter().position(|e| e.number == number).map(|i| self.calls.remove(i));
                let desk = ev.desk.or_else(|| old.as_ref().and_then(|o| o.desk.clone()));
                if !self.call_visible(desk.as_ref(), &ticket.service_label) {
                    return;
                }
                let desk_label = self.desk_label(desk.as_ref(), ticket.desk_label.as_deref());
                self.calls.insert(
                    0,
                    Entry {
                        number: number.clone(),
                        desk,
                        desk_label: desk_label.clone(),
                        service_label: ticket.service_label.clone(),
                        at: parse_at(&ev.at).or(Some(now)),
                    },
                );
                self.calls.truncate(self.settings.previous + 1 + KEEP_EXTRA);
                let called_at = parse_at(&ev.at).unwrap_or_else(|| self.server_now(now));
                if self.current(called_at, now) {
                    self.highlight = Some((number.clone(), now + self.settings.highlight));
                    self.announce(&number, &desk_label, ev.language.as_deref(), recall, called_at, now);
                } else {
                    // Replayed after a cut: the person has likely gone; the list shows it.
                    tracing::info!("not announcing {number}: called at {}, before the limit", ev.at);
                    self.withdraw(&number);
                }
            }
            // The person went back to waiting, or will not come: the call no longer stands.
            "ticket.returned" | "ticket.transferred" | "ticket.on_hold" | "ticket.cancelled" | "ticket.no_show" => {
                self.calls.retain(|e| e.number != number);
                self.withdraw(&number);
            }
            // The person reached the desk: the call stays in the history, but is not spoken any more.
            "ticket.serving" | "ticket.done" => self.withdraw(&number),
            // Issued and desk updates change nothing on screen (queue figures come with queue.updated).
            _ => {}
        }
    }

    /// Fresh queue figures from a snapshot read while resuming the stream: a resumed stream
    /// replays the ticket events it missed, but queue figures are not events.
    pub fn refresh_queues(&mut self, snap: DisplaySnapshot) {
        self.set_queues(snap.queues);
    }

    fn set_queues(&mut self, queues: Vec<QueueView>) {
        for q in &queues {
            self.service_labels.insert(q.service.clone(), q.service_label.clone());
        }
        self.queues = queues;
    }

    fn entry_from_call(&self, c: &CallView) -> Entry {
        Entry {
            number: c.ticket.number.clone(),
            desk: Some(c.desk.clone()),
            desk_label: self.desk_label(Some(&c.desk), c.ticket.desk_label.as_deref()),
            service_label: c.ticket.service_label.clone(),
            at: parse_at(&c.at),
        }
    }

    fn desk_label(&self, desk: Option<&DeskId>, given: Option<&str>) -> String {
        if let Some(l) = given.filter(|l| !l.is_empty()) {
            return l.to_owned();
        }
        match desk {
            Some(d) => self.desks.get(d).map(|d| d.label.clone()).unwrap_or_else(|| d.to_string()),
            None => String::new(),
        }
    }

    /// Whether a call belongs on this display (its desk and service filters).
    fn call_visible(&self, desk: Option<&DeskId>, service_label: &str) -> bool {
        let s = &self.settings;
        if !s.desks.is_empty() && !desk.is_some_and(|d| s.desks.contains(d)) {
            return false;
        }
        if s.services.is_empty() {
            return true;
        }
        let labels: Vec<&String> = s.services.iter().filter_map(|id| self.service_labels.get(id)).collect();
        if !labels.is_empty() {
            return labels.iter().any(|l| *l == service_label);
        }
        // No queue figures yet to map ids to labels: fall back to what the desk serves.
        desk.and_then(|d| self.desks.get(d)).is_some_and(|d| d.services.iter().any(|sv| s.services.contains(sv)))
    }

    fn queue_visible(&self, q: &QueueView) -> bool {
        let s = &self.settings;
        if !s.services.is_empty() {
            return s.services.contains(&q.service);
        }
        if !s.desks.is_empty() {
            return s.desks.iter().filter_map(|d| self.desks.get(d)).any(|d| d.services.contains(&q.service));
        }
        true
    }

    /// The server's clock now, as far as the display can tell.
    fn server_now(&self, now: Timestamp) -> Timestamp {
        now - self.server_offset
    }

    /// Whether a call made at `called_at` (server's clock) may still be spoken at `now`.
    fn current(&self, called_at: Timestamp, now: Timestamp) -> bool {
        self.server_now(now).duration_since(called_at) <= self.settings.announce_max_age
    }

    /// A heartbeat carries the server's time: it gives the offset between the two clocks, so a
    /// display whose clock is off still knows how old a call is.
    fn heartbeat(&mut self, data: &str, now: Timestamp) {
        #[derive(serde::Deserialize)]
        struct Beat {
            at: String,
        }
        let Some(at) = serde_json::from_str::<Beat>(data).ok().and_then(|b| parse_at(&b.at)) else { return };
        let offset = now.duration_since(at);
        if (offset - self.server_offset).abs() > SignedDuration::from_secs(5) {
            tracing::warn!("the display's clock is {offset:#} off the server's: call ages are corrected for it");
        }
        self.server_offset = offset;
    }

    /// The call is no longer current: drop its pending announcement and tell the announcer.
    fn withdraw(&mut self, number: &str) {
        self.announcements.retain(|a| a.number != number);
        if !self.withdrawn.iter().any(|n| n == number) {
            self.withdrawn.push(number.to_owned());
        }
    }

    fn announce(
        &mut self,
        number: &str,
        desk: &str,
        visitor_lang: Option<&str>,
        recall: bool,
        called_at: Timestamp,
        now: Timestamp,
    ) {
        // A newer call of the same number replaces the older one (called again elsewhere).
        self.announcements.retain(|a| a.number != number);
        self.withdrawn.retain(|n| n != number);
        let site_lang = self.default_language().to_owned();
        let mut langs = vec![site_lang.clone()];
        if let Some(l) = visitor_lang.filter(|l| !langs.iter().any(|x| x == l)) {
            langs.push(l.to_owned());
        }
        let utterances = langs
            .into_iter()
            .filter(|lang| self.texts.has_language(lang))
            .map(|lang| Utterance {
                text: announcement_text(&self.texts, &lang, number, desk, recall),
                parts: announcement_parts(&self.texts, &lang, &site_lang, number, desk, recall),
                lang,
            })
            .collect();
        let age = self.server_now(now).duration_since(called_at).max(SignedDuration::ZERO);
        self.announcements.push_back(Announcement {
            number: number.to_owned(),
            desk: desk.to_owned(),
            recall,
            utterances,
            called_at,
            expires: now + (self.settings.announce_max_age - age),
        });
    }

    /// The announcements made since the last call, oldest first.
    pub fn take_announcements(&mut self) -> Vec<Announcement> {
        self.announcements.drain(..).collect()
    }

    /// The calls that stopped being current since the last call: withdraw them from the announcer
    /// (before queueing [`Self::take_announcements`]).
    pub fn take_withdrawals(&mut self) -> Vec<String> {
        std::mem::take(&mut self.withdrawn)
    }

    /// The voice started reading a call (`Some`) or went quiet (`None`): the big panel shows the call
    /// being read, so the screen and the voice are in step.
    pub fn speaking(&mut self, number: Option<String>) {
        self.speaking = number;
    }

    /// Whether the screen must say it is out of date, and since when.
    fn stale_since(&self, now: Timestamp) -> Option<Option<Timestamp>> {
        let silent_too_long = self
            .last_heard
            .is_some_and(|h| now.duration_since(h) > SignedDuration::try_from(self.stale_after()).unwrap_or_default());
        let down_too_long = self.down_since.is_some_and(|d| now.duration_since(d) >= self.settings.reconnect_grace);
        (silent_too_long || down_too_long).then_some(self.last_heard)
    }

    /// What the screen shows at `now`.
    pub fn view(&self, now: Timestamp) -> View {
        let lang = self.default_language();
        // The site's language, then English (for visitors who read neither the site's nor their own).
        let second = lang != "en";
        let both = |key: &str| match second {
            true => format!("{} · {}", self.texts.text(lang, key), self.texts.text("en", key)),
            false => self.texts.text(lang, key),
        };
        let line = |e: &Entry| CallLine {
            number: e.number.clone(),
            desk: e.desk_label.clone(),
            service: e.service_label.clone(),
        };
        // The call being spoken is the big one; otherwise the newest.
        let spoken = self.speaking.as_ref().and_then(|n| self.calls.iter().position(|e| e.number == *n));
        let big = spoken.unwrap_or(0);
        let latest = self.calls.get(big).map(line);
        let highlight = match (&latest, &self.highlight) {
            _ if spoken.is_some() => true,
            (Some(l), Some((n, until))) => l.number == *n && now < *until,
            _ => false,
        };
        let minutes = |s: u32| self.texts.format(lang, id::WAIT_MINUTES, &[("n", s.div_ceil(60).into())]);
        // The configuration's order (the server sends it), or the order `--services` names them.
        let mut shown: Vec<&QueueView> = self.queues.iter().filter(|q| self.queue_visible(q)).collect();
        if !self.settings.services.is_empty() {
            shown.sort_by_key(|q| self.settings.services.iter().position(|s| *s == q.service));
        }
        let queues = shown
            .into_iter()
            .map(|q| QueueLine {
                label: q.service_label.clone(),
                waiting: q.waiting,
                // No desk open: say so (no number); a range where uncertain; else minutes.
                wait: match (q.estimated_wait_s, q.estimated_wait_range_s) {
                    (None, _) => self.texts.format(lang, id::NO_DESK_OPEN, &[]),
                    _ if q.waiting == 0 => "–".to_owned(),
                    (Some(_), Some([lo, hi])) => {
                        let (lo, hi) = ::texts::range_minutes(lo, hi);
                        self.texts.format(lang, id::WAIT_RANGE_MINUTES, &[("lo", lo.into()), ("hi", hi.into())])
                    }
                    (Some(s), None) => minutes(s),
                },
            })
            .collect();
        let mut notice: Vec<String> = Vec::new();
        for l in &self.languages {
            if let Some(n) = self.notice.get(l).filter(|n| !n.trim().is_empty()) {
                // Each language in its own bidi isolate (FSI … PDI): an Arabic notice keeps its
                // right-to-left order without reordering its neighbours.
                notice.push(format!("\u{2068}{}\u{2069}", n.trim()));
            }
        }
        let setup = self.setup.as_ref().map(|p| match second {
            true => format!("{} · {}", self.setup_text(p, lang), self.setup_text(p, "en")),
            false => self.setup_text(p, lang),
        });
        let stale = setup.or_else(|| {
            self.stale_since(now).map(|since| {
                let time = since.map(|t| self.hhmm(t)).unwrap_or_else(|| "--:--".to_owned());
                let say = |l: &str| self.texts.format(l, id::DISPLAY_RECONNECTING, &[("time", time.as_str().into())]);
                match second {
                    true => format!("{} · {}", say(lang), say("en")),
                    false => say(lang),
                }
            })
        });
        View {
            site_name: self.site_name.clone(),
            clock: self.hhmm(now),
            latest,
            highlight,
            previous: (self.calls.iter().enumerate())
                .filter(|(i, _)| *i != big)
                .map(|(_, e)| line(e))
                .take(self.settings.previous)
                .collect(),
            queues,
            notice: notice.join("     •     "),
            stale,
            sound: self.sound.as_ref().and_then(|s| self.sound_text(s, lang)),
            labels: Labels {
                latest: both(id::DISPLAY_LATEST),
                previous: both(id::DISPLAY_PREVIOUS),
                waiting: both(id::DISPLAY_WAITING),
                estimated_wait: both(id::ESTIMATED_WAIT),
                no_calls: both(id::DISPLAY_NO_CALLS),
            },
        }
    }

    /// What the sound is doing (the announcer says; `main` sets the start).
    pub fn set_sound(&mut self, sound: crate::audio::SoundState) {
        self.sound = Some(sound);
    }

    fn sound_text(&self, s: &crate::audio::SoundState, lang: &str) -> Option<String> {
        use crate::audio::SoundState;
        let (key, detail) = match s {
            SoundState::Ok | SoundState::Off => return None,
            SoundState::ChimeOnly(d) => (id::DISPLAY_SOUND_CHIME_ONLY, d),
            SoundState::Failing(d) => (id::DISPLAY_SOUND_FAILING, d),
            SoundState::Missing(d) => (id::DISPLAY_SOUND_MISSING, d),
        };
        Some(self.texts.format(lang, key, &[("detail", detail.as_str().into())]))
    }

    fn hhmm(&self, t: Timestamp) -> String {
        t.to_zoned(self.settings.tz.clone()).strftime("%H:%M").to_string()
    }
}

fn parse_at(s: &str) -> Option<Timestamp> {
    s.parse::<Timestamp>().ok()
}

#[cfg(test)]
mod tests;
