//! The configuration files as written: serde structs with `deny_unknown_fields`, spans kept
//! on every value a validation error may point at.

use serde::Deserialize;
use std::collections::BTreeMap;
use toml::Spanned;

pub type Texts = BTreeMap<String, Spanned<String>>;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Global {
    #[serde(default = "default_retention")]
    pub retention_days: Spanned<u32>,
    #[serde(default = "default_min_group")]
    pub min_group_size: Spanned<u32>,
    pub languages: Vec<Language>,
    #[serde(default)]
    pub server: Server,
    /// `[hub]`: the regional hub this site reports to (absent: stand-alone).
    #[serde(default)]
    pub hub: Option<Hub>,
}

/// `[hub]` in sportello.toml: where the relay pushes the site's events.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Hub {
    /// The hub's base URL, e.g. `https://hub.example.org`.
    pub url: Spanned<String>,
    /// The origin name the hub enrolled this site server under.
    pub origin: Spanned<String>,
    /// The enrolment key the hub's admin CLI printed for that origin.
    pub key: Spanned<String>,
    /// A PEM file of the certificate authority that signed the hub's certificate, trusted besides
    /// the system's (a Region's own CA); relative to the configuration directory.
    #[serde(default)]
    pub ca: Option<Spanned<String>>,
}

/// `[server]` in sportello.toml: how the server faces its network.
#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Server {
    /// Reverse proxies whose `X-Forwarded-For` / `X-Forwarded-Proto` headers are believed.
    #[serde(default)]
    pub trusted_proxies: Vec<Spanned<String>>,
    /// Addresses (besides loopback) that may read `/metrics`.
    #[serde(default)]
    pub metrics_from: Vec<Spanned<String>>,
    /// Connections one client address may hold open at once (trusted proxies excepted).
    #[serde(default)]
    pub connections_per_address: Option<Spanned<u32>>,
}

fn default_retention() -> Spanned<u32> {
    Spanned::new(0..0, 365)
}
fn default_min_group() -> Spanned<u32> {
    Spanned::new(0..0, 5)
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Language {
    pub code: Spanned<String>,
    pub native_name: Spanned<String>,
    #[serde(default)]
    pub rtl: bool,
}

pub type Hours = BTreeMap<Spanned<String>, Vec<Spanned<String>>>;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Site {
    pub id: Spanned<String>,
    pub name: Spanned<String>,
    #[serde(default)]
    pub address: String,
    pub time_zone: Spanned<String>,
    /// The address visitors' phones reach the ticket page at (`https://…`, no path): the QR codes use it.
    #[serde(default)]
    pub public_url: Option<Spanned<String>>,
    pub languages: Spanned<Vec<Spanned<String>>>,
    #[serde(default)]
    pub opening_hours: Option<Spanned<Hours>>,
    #[serde(default)]
    pub policy: Policy,
    #[serde(default)]
    pub rate_limits: RateLimits,
    /// `[appointments]`: the site's check-in window and walk-in guard (issue 16).
    #[serde(default)]
    pub appointments: SiteAppointments,
    pub waiting_area: Spanned<Texts>,
    #[serde(default)]
    pub notice: Option<Spanned<Texts>>,
    pub services: Vec<Service>,
    pub desks: Vec<Desk>,
    pub triage: Triage,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Policy {
    #[serde(default)]
    pub out_of_order_calls: bool,
    #[serde(default = "yes")]
    pub aging: bool,
    #[serde(default = "default_fallback")]
    pub transfer_fallback_s: Spanned<u32>,
    #[serde(default)]
    pub any_ticket_role: Option<Spanned<String>>,
    #[serde(default)]
    pub keep_queue_overnight: bool,
    #[serde(default)]
    pub expire_grace_s: u32,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            out_of_order_calls: false,
            aging: true,
            transfer_fallback_s: default_fallback(),
            any_ticket_role: None,
            keep_queue_overnight: false,
            expire_grace_s: 0,
        }
    }
}

fn yes() -> bool {
    true
}
fn default_fallback() -> Spanned<u32> {
    Spanned::new(0..0, 600)
}

/// `[appointments]` in a site file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SiteAppointments {
    /// How early before the booked time a code checks in (minutes).
    #[serde(default = "default_early")]
    pub check_in_early_min: Spanned<u32>,
    /// How late after the booked time a code still checks in (minutes).
    #[serde(default = "default_late")]
    pub check_in_late_min: Spanned<u32>,
    /// N: after N appointment calls in a row at a desk, a walk-in past its target goes first; 0: off.
    #[serde(default = "default_guard")]
    pub walk_in_guard: Spanned<u32>,
}

impl Default for SiteAppointments {
    fn default() -> Self {
        SiteAppointments {
            check_in_early_min: default_early(),
            check_in_late_min: default_late(),
            walk_in_guard: default_guard(),
        }
    }
}

fn default_early() -> Spanned<u32> {
    Spanned::new(0..0, 30)
}
fn default_late() -> Spanned<u32> {
    Spanned::new(0..0, 15)
}
fn default_guard() -> Spanned<u32> {
    Spanned::new(0..0, 3)
}

/// `[services.appointments]`: when a service takes bookings, in slots of what length, and how much of
/// its capacity they may take.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceAppointments {
    /// Appointment hours per weekday, like `opening_hours`.
    pub hours: Spanned<Hours>,
    /// Slot length, minutes.
    pub slot_min: Spanned<u32>,
    /// The largest share of the service's capacity in those hours (slots × desks serving it) that
    /// bookings may take, percent (1–100).
    pub max_share_percent: Spanned<u32>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RateLimits {
    #[serde(default = "default_tickets")]
    pub tickets_per_minute_per_kiosk: Spanned<u32>,
    #[serde(default = "default_logins")]
    pub logins_per_minute_per_address: Spanned<u32>,
    #[serde(default = "default_lookups")]
    pub public_lookups_per_minute_per_address: Spanned<u32>,
    #[serde(default = "default_alerts")]
    pub alerts_per_minute_per_kiosk: Spanned<u32>,
    #[serde(default = "default_logins")]
    pub logins_per_minute_per_account: Spanned<u32>,
    #[serde(default = "default_token_lookups")]
    pub public_lookups_per_minute_per_token: Spanned<u32>,
    #[serde(default = "default_flood")]
    pub flood_alert_tickets: Spanned<u32>,
}

impl Default for RateLimits {
    fn default() -> Self {
        RateLimits {
            tickets_per_minute_per_kiosk: default_tickets(),
            logins_per_minute_per_address: default_logins(),
            public_lookups_per_minute_per_address: default_lookups(),
            alerts_per_minute_per_kiosk: default_alerts(),
            logins_per_minute_per_account: default_logins(),
            public_lookups_per_minute_per_token: default_token_lookups(),
            flood_alert_tickets: default_flood(),
        }
    }
}

fn default_alerts() -> Spanned<u32> {
    Spanned::new(0..0, 20)
}
fn default_flood() -> Spanned<u32> {
    Spanned::new(0..0, 40)
}
fn default_token_lookups() -> Spanned<u32> {
    Spanned::new(0..0, 60)
}

fn default_tickets() -> Spanned<u32> {
    Spanned::new(0..0, 30)
}
fn default_logins() -> Spanned<u32> {
    Spanned::new(0..0, 10)
}
fn default_lookups() -> Spanned<u32> {
    // A waiting room of phones behind one guest Wi-Fi address, each page re-read every 4 s.
    Spanned::new(0..0, 3000)
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Service {
    pub id: Spanned<String>,
    pub prefix: Spanned<String>,
    pub kind: Spanned<String>,
    #[serde(default)]
    pub discreet: bool,
    #[serde(default)]
    pub public_id: Option<Spanned<String>>,
    pub target_wait_s: Spanned<u32>,
    #[serde(default)]
    pub daily_cap: Option<Spanned<u32>>,
    #[serde(default)]
    pub opening_hours: Option<Spanned<Hours>>,
    #[serde(default)]
    pub roles: Vec<String>,
    #[serde(default = "default_service_time")]
    pub default_service_time_s: Spanned<u32>,
    pub names: Spanned<Texts>,
    pub public_label: Spanned<Texts>,
    #[serde(default)]
    pub appointments: Option<ServiceAppointments>,
}

fn default_service_time() -> Spanned<u32> {
    Spanned::new(0..0, 600)
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Desk {
    pub id: Spanned<String>,
    pub label: Spanned<String>,
    /// What the waiting room sees and hears, where `label` would tell what the room is for.
    #[serde(default)]
    pub public_label: Option<Spanned<String>>,
    pub services: Vec<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Triage {
    pub start: Spanned<String>,
    #[serde(default)]
    pub ask_party_size: bool,
    #[serde(default)]
    pub ask_mediator: bool,
    #[serde(default)]
    pub mediator_languages: Vec<Spanned<String>>,
    pub questions: Vec<Question>,
    #[serde(default)]
    pub priority_questions: Vec<PriorityQuestion>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Question {
    pub id: Spanned<String>,
    #[serde(default)]
    pub pictogram: Option<String>,
    pub text: Spanned<Texts>,
    pub choices: Vec<Choice>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Choice {
    pub label: Spanned<Texts>,
    #[serde(default)]
    pub pictogram: Option<String>,
    #[serde(default)]
    pub next: Option<Spanned<String>>,
    #[serde(default)]
    pub service: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PriorityQuestion {
    pub id: Spanned<String>,
    pub group: Spanned<String>,
    #[serde(default)]
    pub pictogram: Option<String>,
    pub text: Spanned<Texts>,
}

/// `access.toml` (optional): the site server's staff accounts and device keys as the Region
/// manages them, hashes only. When present it is the whole list: accounts and keys not in it are
/// disabled or revoked when it is applied.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Access {
    #[serde(default)]
    pub staff: Vec<StaffAccount>,
    #[serde(default)]
    pub devices: Vec<DeviceKey>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StaffAccount {
    pub username: Spanned<String>,
    pub name: Spanned<String>,
    pub role: Spanned<String>,
    #[serde(default)]
    pub languages: Vec<Spanned<String>>,
    #[serde(default)]
    pub professions: Vec<Spanned<String>>,
    /// Absent: every site.
    #[serde(default)]
    pub sites: Option<Vec<Spanned<String>>>,
    /// argon2id, PHC string (`queue-server staff export` writes it).
    pub password_hash: Spanned<String>,
    #[serde(default)]
    pub disabled: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeviceKey {
    pub id: Spanned<String>,
    pub site: Spanned<String>,
    pub kind: Spanned<String>,
    pub name: Spanned<String>,
    /// sha256 of the key, 64 hex digits (the key itself never leaves the device).
    pub key_hash: Spanned<String>,
}
