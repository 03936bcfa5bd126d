//! The validated configuration: typed ids, every cross-reference checked.

use jiff::tz::TimeZone;
use queue_core::wire::{LanguageInfo, Texts, Triage};
use queue_core::{DeskId, OpeningHours, ServiceId, SiteId};
use std::path::PathBuf;

#[derive(Debug, Clone)]
pub struct Config {
    /// The directory it was loaded from.
    pub dir: PathBuf,
    /// sha256 of its files (`digest`): the configuration version a site reports to its hub.
    pub digest: String,
    /// The hub bundle's version it came from; None: the local files.
    pub bundle: Option<u64>,
    /// Every language the configuration knows (native names, direction).
    pub languages: Vec<LanguageInfo>,
    /// Ticket details older than this many days are purged; aggregates are kept.
    pub retention_days: u32,
    /// Funder reports suppress any cell smaller than this.
    pub min_group_size: u32,
    pub server: ServerSettings,
    /// The regional hub this site server reports to (`[hub]`); None: stand-alone.
    pub hub: Option<HubSettings>,
    pub sites: Vec<Site>,
    /// `access.toml`: the staff accounts and device keys this server must have (None: they are
    /// managed in its database alone, `queue-server staff …`, `device …`).
    pub access: Option<Access>,
}

/// The staff accounts and device keys of `access.toml`, checked: hashes only.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Access {
    pub staff: Vec<StaffAccount>,
    pub devices: Vec<DeviceKey>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffAccount {
    pub username: String,
    pub name: String,
    /// `staff`, `manager` or `admin`.
    pub role: String,
    pub languages: Vec<String>,
    pub professions: Vec<String>,
    /// None: every site.
    pub sites: Option<Vec<String>>,
    pub password_hash: String,
    pub disabled: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceKey {
    pub id: String,
    pub site: String,
    /// `kiosk` or `display`.
    pub kind: String,
    pub name: String,
    pub key_hash: String,
}

/// The regional hub (`[hub]` in sportello.toml): the relay pushes this server's events there.
#[derive(Clone, PartialEq, Eq)]
pub struct HubSettings {
    /// Base URL without a trailing slash.
    pub url: String,
    pub origin: String,
    pub key: String,
    /// `ca`: a PEM file of the CA trusted for the hub besides the system's store (relative paths
    /// are resolved against the configuration directory by `load`).
    pub ca: Option<std::path::PathBuf>,
}

impl std::fmt::Debug for HubSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The key is a secret: never in logs.
        f.debug_struct("HubSettings")
            .field("url", &self.url)
            .field("origin", &self.origin)
            .field("ca", &self.ca)
            .finish_non_exhaustive()
    }
}

/// How the server faces its network (`[server]` in sportello.toml).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerSettings {
    /// Reverse proxies (addresses or CIDR blocks) whose forwarding headers are believed.
    pub trusted_proxies: Vec<IpNet>,
    /// Addresses (or blocks) besides loopback that may read `/metrics`.
    pub metrics_from: Vec<IpNet>,
    /// Connections one client address may hold at once.
    pub connections_per_address: u32,
}

impl Default for ServerSettings {
    fn default() -> Self {
        ServerSettings { trusted_proxies: vec![], metrics_from: vec![], connections_per_address: 256 }
    }
}

/// An address block: `10.0.0.0/8`, `192.168.1.7` (= /32), `::1`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IpNet {
    pub addr: std::net::IpAddr,
    pub prefix: u8,
}

impl IpNet {
    pub fn parse(s: &str) -> Option<IpNet> {
        let (a, p) = s.split_once('/').map_or((s, None), |(a, p)| (a, Some(p)));
        let addr: std::net::IpAddr = a.trim().parse().ok()?;
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = match p {
            Some(p) => p.trim().parse().ok().filter(|&p| p <= max)?,
            None => max,
        };
        Some(IpNet { addr, prefix })
    }
    pub fn contains(&self, ip: std::net::IpAddr) -> bool {
        let bits = |ip: std::net::IpAddr| -> (u128, u8) {
            match ip {
                std::net::IpAddr::V4(v) => (u128::from(u32::from(v)) << 96, 32),
                std::net::IpAddr::V6(v) => match v.to_ipv4_mapped() {
                    Some(v4) => (u128::from(u32::from(v4)) << 96, 32),
                    None => (u128::from(v), 128),
                },
            }
        };
        let ((mine, fam_a), (theirs, fam_b)) = (bits(self.addr), bits(ip));
        if fam_a != fam_b {
            return false;
        }
        let prefix = u32::from(self.prefix);
        prefix == 0 || (mine >> (128 - prefix)) == (theirs >> (128 - prefix))
    }
}

#[derive(Debug, Clone)]
pub struct Site {
    pub id: SiteId,
    pub name: String,
    pub address: String,
    /// IANA name, e.g. `Europe/Rome`.
    pub time_zone_name: String,
    pub time_zone: TimeZone,
    /// Where visitors' phones open the ticket page (`https://sportello.comune.livorno.it`, no trailing
    /// slash): the base of the kiosk's QR codes and ticket links. `None`: the kiosk falls back to the
    /// address it reaches the server at, which a phone usually cannot open (`check-config` warns).
    pub public_url: Option<String>,
    /// Language codes offered at the kiosks; the first is the site's default.
    pub languages: Vec<String>,
    /// None: always open.
    pub opening_hours: Option<OpeningHours>,
    pub policy: Policy,
    pub rate_limits: RateLimits,
    pub appointments: SiteAppointments,
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
    /// Staff of the site with at least this role may act on any of its tickets and desks.
    pub any_ticket_role: queue_core::Role,
    /// Keep the queue overnight (shelters, emergencies): tickets still waiting at closing stay.
    pub keep_queue_overnight: bool,
    /// Tickets still waiting expire this long after the closing time; 0: at closing.
    pub expire_grace_s: u32,
}

/// A site's appointment rules (`[appointments]`, issue 16).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteAppointments {
    /// A code checks in from this many minutes before its booked time…
    pub check_in_early_min: u32,
    /// …to this many after (later: the kiosk offers a normal ticket and staff are told).
    pub check_in_late_min: u32,
    /// After this many appointment calls in a row at a desk, a walk-in past its target goes first
    /// (queue-core's routing rule 2a); `None`: no guard.
    pub walk_in_guard: Option<u32>,
}

/// When a service takes bookings (`[services.appointments]`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceAppointments {
    /// Appointment hours, site-local, per weekday.
    pub hours: OpeningHours,
    pub slot_min: u32,
    /// Bookings may take at most this share (percent) of a day's capacity in those hours: slots ×
    /// desks serving the service. The rest stays for walk-ins.
    pub max_share_percent: u32,
}

impl ServiceAppointments {
    /// A weekday's booking capacity (Monday = 0) with `desks` serving the service: its slots, and
    /// the cap (slots × desks × share, rounded down) that keeps the rest for walk-ins.
    pub fn day(&self, weekday_monday_zero: usize, desks: u32) -> queue_core::booking::Day {
        let mut day = queue_core::booking::Day {
            ranges: self.hours.days[weekday_monday_zero % 7].clone(),
            slot_min: self.slot_min as u16,
            desks,
            day_cap: 0,
        };
        day.day_cap = day.slots().len() as u32 * desks * self.max_share_percent / 100;
        day
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RateLimits {
    pub tickets_per_minute_per_kiosk: u32,
    pub logins_per_minute_per_address: u32,
    pub public_lookups_per_minute_per_address: u32,
    /// "I need help now" and printer alerts: a budget of their own, never the tickets'.
    pub alerts_per_minute_per_kiosk: u32,
    pub logins_per_minute_per_account: u32,
    pub public_lookups_per_minute_per_token: u32,
    /// Staff are alerted when one kiosk takes this many tickets of one service within 5 minutes
    /// (for a capped service: half its cap, at least 10, if that is fewer).
    pub flood_alert_tickets: u32,
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
    /// The id public payloads use (displays, the anonymous site list): `public_id` from the file,
    /// else the id, or for a discreet service `area-<prefix>` (its id, e.g. `legale`, would tell).
    pub public_id: String,
    pub kind: ServiceKind,
    pub target_wait_s: u32,
    pub daily_cap: Option<u32>,
    /// None: the site's hours.
    pub opening_hours: Option<OpeningHours>,
    /// Professional roles that may serve it; empty = any.
    pub roles: Vec<String>,
    pub default_service_time_s: u32,
    /// Bookings: `None` where the service takes none.
    pub appointments: Option<ServiceAppointments>,
}

impl Site {
    /// The service a public id stands for.
    pub fn service_by_public_id(&self, public_id: &str) -> Option<&Service> {
        self.services.iter().find(|s| s.public_id == public_id)
    }
}

#[derive(Debug, Clone)]
pub struct Desk {
    pub id: DeskId,
    /// What staff call it: "Sportello 3", "Ambulatorio".
    pub label: String,
    /// What visitors see and hear on displays, ticket pages and announcements: `public_label`
    /// when the configuration gives one ("Stanza 4" for an "Ambulatorio", which would tell the
    /// waiting room why someone goes in), else `label`.
    pub public_label: String,
    /// Services in the desk's order of preference.
    pub services: Vec<ServiceId>,
}
