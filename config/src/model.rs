//! The validated configuration: typed ids, every cross-reference checked.

use jiff::tz::TimeZone;
use queue_core::wire::{LanguageInfo, Texts, Triage};
use queue_core::{DeskId, OpeningHours, ServiceId, SiteId};
use std::path::PathBuf;

#[derive(Debug, Clone)]
pub struct Config {
    /// The directory it was loaded from.
    pub dir: PathBuf,
    /// Every language the configuration knows (native names, direction).
    pub languages: Vec<LanguageInfo>,
    /// Ticket details older than this many days are purged; aggregates are kept.
    pub retention_days: u32,
    /// Funder reports suppress any cell smaller than this.
    pub min_group_size: u32,
    pub sites: Vec<Site>,
}

#[derive(Debug, Clone)]
pub struct Site {
    pub id: SiteId,
    pub name: String,
    pub address: String,
    /// IANA name, e.g. `Europe/Rome`.
    pub time_zone_name: String,
    pub time_zone: TimeZone,
    /// Language codes offered at the kiosks; the first is the site's default.
    pub languages: Vec<String>,
    /// None: always open.
    pub opening_hours: Option<OpeningHours>,
    pub policy: Policy,
    pub rate_limits: RateLimits,
    /// Where to wait, per language (kiosk result screen, ticket).
    pub waiting_area: Texts,
    /// Scrolling notice on displays, per language.
    pub notice: Texts,
    pub services: Vec<Service>,
    pub desks: Vec<Desk>,
    pub triage: Triage,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    pub out_of_order_calls: bool,
    pub aging: bool,
    pub transfer_fallback_s: u32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RateLimits {
    pub tickets_per_minute_per_kiosk: u32,
    pub logins_per_minute_per_address: u32,
    pub public_lookups_per_minute_per_address: u32,
}

/// What kind of help a service gives (statistics: integrated journeys cross social and employment).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ServiceKind {
    Social,
    Employment,
    Health,
    Legal,
    Mediation,
    BasicNeeds,
    Other,
}

impl ServiceKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ServiceKind::Social => "social",
            ServiceKind::Employment => "employment",
            ServiceKind::Health => "health",
            ServiceKind::Legal => "legal",
            ServiceKind::Mediation => "mediation",
            ServiceKind::BasicNeeds => "basic_needs",
            ServiceKind::Other => "other",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Service {
    pub id: ServiceId,
    pub prefix: char,
    /// Names per language (staff and kiosk; never on displays).
    pub names: Texts,
    /// Neutral label per language for tickets, displays, announcements.
    pub public_label: Texts,
    /// Discreet: nothing but the public label leaves the building's staff side.
    pub discreet: bool,
    pub kind: ServiceKind,
    pub target_wait_s: u32,
    pub daily_cap: Option<u32>,
    /// None: the site's hours.
    pub opening_hours: Option<OpeningHours>,
    /// Professional roles that may serve it; empty = any.
    pub roles: Vec<String>,
    pub default_service_time_s: u32,
}

#[derive(Debug, Clone)]
pub struct Desk {
    pub id: DeskId,
    /// What visitors see and hear: "Sportello 3".
    pub label: String,
    /// Services in the desk's order of preference.
    pub services: Vec<ServiceId>,
}
