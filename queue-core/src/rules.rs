//! The slice of configuration the engine decides with: sites, services, desks and site policy.

use crate::ids::{DeskId, ServiceId, SiteId};
use jiff::tz::TimeZone;
use jiff::{Timestamp, Zoned};
use std::collections::BTreeMap;

#[derive(Debug, Clone, Default)]
pub struct Rules {
    pub sites: BTreeMap<SiteId, SiteRules>,
    pub services: BTreeMap<(SiteId, ServiceId), ServiceRules>,
    pub desks: BTreeMap<DeskId, DeskRules>,
}

#[derive(Debug, Clone)]
pub struct SiteRules {
    pub id: SiteId,
    pub time_zone: TimeZone,
    /// Default language: public labels in the public API and announcements start with it.
    pub default_language: String,
    pub opening_hours: Option<OpeningHours>,
    /// May staff call a specific waiting ticket out of order?
    pub out_of_order_calls: bool,
    /// Promote a ticket one class once it waited past its service's target wait.
    pub aging: bool,
    /// A ticket transferred to a desk or staff member falls back to the service queue after this.
    pub transfer_fallback_s: u32,
    /// Staff of the site with at least this role may act on any of its tickets (a coordinator
    /// cancelling a waiting ticket, finishing one left at a desk); others only on the ticket at
    /// their own desk.
    pub any_ticket_role: crate::model::Role,
    /// Keep the queue overnight (shelters, emergencies): tickets still waiting when the site closes
    /// stay waiting. Otherwise they end as `expired` (`Engine::close_day`).
    pub keep_queue_overnight: bool,
    /// Tickets still waiting expire this long after the site's closing time (people already inside
    /// may still be served); 0: at closing.
    pub expire_grace_s: u32,
    /// The walk-in guard: after this many appointment calls in a row at a desk, a walk-in that
    /// waited past its target goes first (`routing`, rule 2a); `None`: no guard.
    pub walk_in_guard: Option<u32>,
}

#[derive(Debug, Clone)]
pub struct ServiceRules {
    pub site: SiteId,
    pub id: ServiceId,
    pub prefix: char,
    /// Public label in the site's default language (shown on displays).
    pub public_label: String,
    pub target_wait_s: u32,
    pub daily_cap: Option<u32>,
    pub opening_hours: Option<OpeningHours>,
    /// Professional roles allowed to serve it; empty = any.
    pub roles: Vec<String>,
    /// Service time assumed before any was measured.
    pub default_service_time_s: u32,
}

#[derive(Debug, Clone)]
pub struct DeskRules {
    pub id: DeskId,
    pub site: SiteId,
    pub label: String,
    /// Services in the desk's order of preference.
    pub services: Vec<ServiceId>,
}

/// Weekly opening hours in site-local time: for each weekday (Monday = 0) a list of
/// `[from, to)` minute-of-day ranges.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct OpeningHours {
    pub days: [Vec<(u16, u16)>; 7],
}

impl OpeningHours {
    pub fn is_open(&self, local: &Zoned) -> bool {
        let day = local.weekday().to_monday_zero_offset() as usize;
        let minute = local.hour() as u16 * 60 + local.minute() as u16;
        self.days[day].iter().any(|&(from, to)| from <= minute && minute < to)
    }

    /// The next opening after `local` (within a week), in the same time zone; `None` if the
    /// hours are empty every day.
    pub fn next_opening(&self, local: &Zoned) -> Option<Zoned> {
        let minute = local.hour() as u16 * 60 + local.minute() as u16;
        for offset in 0..=7i64 {
            let date = local.date().checked_add(jiff::Span::new().days(offset)).ok()?;
            let day = date.weekday().to_monday_zero_offset() as usize;
            for &(from, _) in &self.days[day] {
                if offset == 0 && from <= minute {
                    continue;
                }
                let at = date.at((from / 60) as i8, (from % 60) as i8, 0, 0);
                if let Ok(z) = at.to_zoned(local.time_zone().clone()) {
                    return Some(z);
                }
            }
        }
        None
    }
}

impl OpeningHours {
    /// When the day of `date` ends: the end of its last opening range, in `tz` (`24:00` is the next
    /// day's midnight); `None` on a day without hours.
    pub fn closing_of(&self, date: jiff::civil::Date, tz: &TimeZone) -> Option<Zoned> {
        let day = date.weekday().to_monday_zero_offset() as usize;
        let to = self.days[day].iter().map(|&(_, to)| to).max()?;
        let (date, to) = if to >= 24 * 60 { (date.tomorrow().ok()?, 0) } else { (date, to) };
        date.at((to / 60) as i8, (to % 60) as i8, 0, 0).to_zoned(tz.clone()).ok()
    }

    /// The latest closing (end of a day's last range) at or before `local`, within the past week.
    pub fn last_closing(&self, local: &Zoned) -> Option<Zoned> {
        (0..=7i64).find_map(|back| {
            let date = local.date().checked_sub(jiff::Span::new().days(back)).ok()?;
            self.closing_of(date, local.time_zone()).filter(|c| c.timestamp() <= local.timestamp())
        })
    }
}

impl Rules {
    pub fn site(&self, site: &SiteId) -> Option<&SiteRules> {
        self.sites.get(site)
    }
    pub fn service(&self, site: &SiteId, service: &ServiceId) -> Option<&ServiceRules> {
        self.services.get(&(site.clone(), service.clone()))
    }
    pub fn desk(&self, desk: &DeskId) -> Option<&DeskRules> {
        self.desks.get(desk)
    }
    pub fn services_of<'a>(&'a self, site: &'a SiteId) -> impl Iterator<Item = &'a ServiceRules> + 'a {
        self.services.values().filter(move |s| &s.site == site)
    }
    pub fn desks_of<'a>(&'a self, site: &'a SiteId) -> impl Iterator<Item = &'a DeskRules> + 'a {
        self.desks.values().filter(move |d| &d.site == site)
    }
    /// Local time at a site.
    pub fn local(&self, site: &SiteRules, now: Timestamp) -> Zoned {
        now.to_zoned(site.time_zone.clone())
    }
}
