//! The `check(script, expect)` harness: a tiny text language for configurations and commands.
//!
//! Lines (or `;`-separated parts) are, configuration first:
//! ```text
//! site lt [tz=Europe/Rome] [aging] [out_of_order] [fallback=600] [coord=manager] [hours=08:00-12:00,14:00-18:00] [closed=sat,sun] [overnight] [grace=SECONDS]
//! service lt/A [prefix=A] [target=900] [cap=N] [roles=legal,psy] [st=600] [hours=…] [closed=…]
//! desk d1 lt A,B
//! ```
//! then commands, on a clock that starts at 2026-11-23 09:00 (a Monday) in the first site's zone:
//! ```text
//! at 09:30 | at 2026-03-29 01:59 | at 2026-03-29T00:59:00Z | +10m | +90s | +2h
//! open d1 alice [langs=it,ar] [roles=legal]      pause d1      close d1
//! issue t1 lt/A [standard|priority|appointment|urgent] [lang=ar] [needs=mediator:ar] [party=2] [appt=10:00]
//! checkin t1 lt/A appointment appt=10:00      (an appointment check-in, as `issue`)
//! call d1 [t3]      recall|start|finish|noshow|cancel|hold t1      return t1 [keep]
//! transfer t1 [service=B] [desk=d2] [staff=bob] [keep]      alert lt help_requested [id=a1]      ack a1
//! resume t1 [desk=d2]      liftcap lt/A      closeday lt (the server's clock ending the day)
//! state | queues lt | position t1 | available lt/A (open, closed with the next opening, or full)
//! order d1 (the desk's call order with the reasons) | closes lt (the next closing)
//! any command [as=kiosk@lt | as=display@lt | as=system | as=NAME[:ROLE][@SITE,…]] (default: the actor the
//! rule lets do it: the site's kiosk, the named staff member, the desk's holder, else an admin)
//! ```
//! Each command prints its events or its error; the script ends with a state dump. Every
//! step also runs through `reference::Checker`, and the event log is replayed at the end.

use super::reference::Checker;
use crate::engine::{Command, IssueTicket};
use crate::event::{Alert, EventKind};
use crate::ids::{DeskId, ServiceId, SiteId, StaffId, TicketId};
use crate::model::{Actor, DeskStatus, DeviceKind, Priority, Role, Status};
use crate::rules::{DeskRules, OpeningHours, Rules, ServiceRules, SiteRules};
use expect_test::Expect;
use jiff::civil::{Date, DateTime, Time};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp, Zoned};
use std::fmt::Write;

/// Run `script` and compare what it printed with `expect`.
pub(crate) fn check(script: &str, expect: Expect) {
    expect.assert_eq(&run(script));
}

struct World {
    rules: Rules,
    checker: Option<Checker>,
    tz: Option<TimeZone>,
    now: Option<Timestamp>,
    out: String,
}

fn list(s: &str) -> Vec<String> {
    s.split(',').filter(|x| !x.is_empty()).map(str::to_owned).collect()
}

fn num<T: std::str::FromStr>(s: &str) -> T {
    s.parse().unwrap_or_else(|_| panic!("not a number: {s}"))
}

fn minute_of_day(s: &str) -> u16 {
    let (h, m) = s.split_once(':').unwrap_or_else(|| panic!("not HH:MM: {s}"));
    num::<u16>(h) * 60 + num::<u16>(m)
}

fn hours(spec: &str) -> OpeningHours {
    let ranges: Vec<(u16, u16)> = spec
        .split(',')
        .map(|r| {
            let (a, b) = r.split_once('-').unwrap_or_else(|| panic!("not a range: {r}"));
            (minute_of_day(a), minute_of_day(b))
        })
        .collect();
    OpeningHours { days: std::array::from_fn(|_| ranges.clone()) }
}

fn close_days(h: &mut OpeningHours, days: &str) {
    const NAMES: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
    for d in days.split(',') {
        let i = NAMES.iter().position(|n| *n == d).unwrap_or_else(|| panic!("not a weekday: {d}"));
        h.days[i].clear();
    }
}

fn site_service(s: &str) -> (SiteId, ServiceId) {
    let (site, svc) = s.split_once('/').unwrap_or_else(|| panic!("expected site/service, got {s}"));
    (site.into(), svc.into())
}

/// `key=value` options and bare flags after the positional words.
struct Opts<'a> {
    words: Vec<&'a str>,
}

impl<'a> Opts<'a> {
    fn get(&self, key: &str) -> Option<&'a str> {
        self.words.iter().find_map(|w| w.strip_prefix(key).and_then(|r| r.strip_prefix('=')))
    }
    fn flag(&self, key: &str) -> bool {
        self.words.contains(&key)
    }
}

fn run(script: &str) -> String {
    let mut w = World { rules: Rules::default(), checker: None, tz: None, now: None, out: String::new() };
    for line in script.lines() {
        let line = line.split('#').next().unwrap_or("");
        for part in line.split(';') {
            let part = part.trim();
            if !part.is_empty() {
                w.line(part);
            }
        }
    }
    w.dump_all();
    if let Some(c) = &w.checker {
        c.check_replay();
    }
    w.out
}

impl World {
    fn tz(&self) -> TimeZone {
        self.tz.clone().unwrap_or_else(|| TimeZone::get("Europe/Rome").unwrap())
    }
    fn now(&self) -> Timestamp {
        self.now.unwrap_or_else(|| {
            DateTime::from_parts(jiff::civil::date(2026, 11, 23), Time::constant(9, 0, 0, 0))
                .to_zoned(self.tz())
                .unwrap()
                .timestamp()
        })
    }
    fn local(&self, at: Timestamp) -> Zoned {
        at.to_zoned(self.tz())
    }
    fn hhmm(&self, at: Timestamp) -> String {
        let z = self.local(at);
        if z.second() == 0 { z.strftime("%H:%M").to_string() } else { z.strftime("%H:%M:%S").to_string() }
    }
    /// A local time on today's date, or a local date and time.
    fn local_time(&self, date: Option<&str>, time: &str) -> Timestamp {
        let day: Date = date.map_or_else(|| self.local(self.now()).date(), |d| d.parse().expect("YYYY-MM-DD"));
        let t: Time = if time.len() == 5 { format!("{time}:00") } else { time.to_owned() }.parse().expect("HH:MM[:SS]");
        DateTime::from_parts(day, t).to_zoned(self.tz()).expect("a local time").timestamp()
    }

    fn line(&mut self, line: &str) {
        let words: Vec<&str> = line.split_whitespace().collect();
        let (head, args) = (words[0], &words[1..]);
        let opts = Opts { words: args.to_vec() };
        match head {
            "site" => {
                assert!(self.checker.is_none(), "configuration comes before commands");
                let tz = TimeZone::get(opts.get("tz").unwrap_or("Europe/Rome")).expect("a time zone");
                self.tz.get_or_insert_with(|| tz.clone());
                let mut opening = opts.get("hours").map(hours);
                if let Some(days) = opts.get("closed") {
                    close_days(opening.get_or_insert_with(|| hours("00:00-24:00")), days);
                }
                let id = SiteId::from(args[0]);
                self.rules.sites.insert(
                    id.clone(),
                    SiteRules {
                        id,
                        time_zone: tz,
                        default_language: "it".into(),
                        opening_hours: opening,
                        out_of_order_calls: opts.flag("out_of_order"),
                        aging: opts.flag("aging"),
                        transfer_fallback_s: opts.get("fallback").map_or(600, num),
                        any_ticket_role: opts.get("coord").map_or(Role::Manager, |r| Role::parse(r).expect("a role")),
                        keep_queue_overnight: opts.flag("overnight"),
                        expire_grace_s: opts.get("grace").map_or(0, num),
                        walk_in_guard: opts.get("guard").map(num),
                    },
                );
            }
            "service" => {
                assert!(self.checker.is_none(), "configuration comes before commands");
                let (site, id) = site_service(args[0]);
                let prefix = opts.get("prefix").map_or_else(
                    || id.as_str().chars().next().unwrap().to_ascii_uppercase(),
                    |p| p.chars().next().unwrap(),
                );
                let mut opening = opts.get("hours").map(hours);
                if let Some(days) = opts.get("closed") {
                    close_days(opening.get_or_insert_with(|| hours("00:00-24:00")), days);
                }
                self.rules.services.insert(
                    (site.clone(), id.clone()),
                    ServiceRules {
                        site,
                        id,
                        prefix,
                        public_label: format!("Room {prefix}"),
                        target_wait_s: opts.get("target").map_or(900, num),
                        daily_cap: opts.get("cap").map(num),
                        opening_hours: opening,
                        roles: opts.get("roles").map(list).unwrap_or_default(),
                        default_service_time_s: opts.get("st").map_or(600, num),
                    },
                );
            }
            "desk" => {
                assert!(self.checker.is_none(), "configuration comes before commands");
                let id = DeskId::from(args[0]);
                let services = list(args[2]).into_iter().map(ServiceId).collect();
                self.rules.desks.insert(
                    id.clone(),
                    DeskRules { id: id.clone(), site: args[1].into(), label: format!("Desk {id}"), services },
                );
            }
            "at" => {
                let at = match args {
                    [t] if t.contains('T') => t.parse().expect("an RFC 3339 instant"),
                    [t] => self.local_time(None, t),
                    [d, t] => self.local_time(Some(d), t),
                    _ => panic!("at HH:MM | at YYYY-MM-DD HH:MM | at <instant>"),
                };
                self.now = Some(at);
                if args.len() > 1 || args[0].contains('T') {
                    let z = self.local(at);
                    writeln!(
                        self.out,
                        "> {line}  = {} {} ({}Z)",
                        z.date(),
                        z.strftime("%H:%M:%S %:z"),
                        at.strftime("%H:%M")
                    )
                    .unwrap();
                }
            }
            _ if head.starts_with('+') => {
                let (n, unit) = head[1..].split_at(head.len() - 2);
                let secs: i64 = num::<i64>(n)
                    * match unit {
                        "s" => 1,
                        "m" => 60,
                        "h" => 3600,
                        _ => panic!("+N[smh]"),
                    };
                self.now = Some(self.now() + SignedDuration::from_secs(secs));
            }
            "state" => self.dump_all(),
            "queues" => {
                writeln!(self.out, "> {line}").unwrap();
                let now = self.now();
                let engine = &self.checker_mut().engine;
                let qs = engine.queues(&args[0].into(), now);
                for q in qs {
                    writeln!(
                        self.out,
                        "  {} waiting={} longest={}s est={} open_desks={}",
                        q.service,
                        q.waiting,
                        q.longest_wait_s,
                        shown(q.estimated_wait_s, q.estimated_wait_range_s),
                        q.open_desks
                    )
                    .unwrap();
                }
            }
            "available" => {
                writeln!(self.out, "> {line}").unwrap();
                let now = self.now();
                let (site, service) = args[0].split_once('/').expect("site/service");
                let a = self.checker_mut().engine.availability(&site.into(), &service.into(), now);
                let tz = jiff::tz::TimeZone::get("Europe/Rome").unwrap();
                let shown = match a {
                    crate::Availability::Open => "open".to_owned(),
                    crate::Availability::Full { cap } => format!("full (cap {cap})"),
                    crate::Availability::Closed { opens_at: None } => "closed".to_owned(),
                    crate::Availability::Closed { opens_at: Some(at) } => {
                        format!("closed, opens {}", at.to_zoned(tz).strftime("%a %Y-%m-%d %H:%M"))
                    }
                };
                writeln!(self.out, "  {shown}").unwrap();
            }
            "order" => {
                writeln!(self.out, "> {line}").unwrap();
                let now = self.now();
                let engine = &self.checker_mut().engine;
                let lines: Vec<String> = engine
                    .call_order(&args[0].into(), now)
                    .into_iter()
                    .map(|p| {
                        let t = engine.ticket(&p.ticket).unwrap();
                        let reasons: Vec<String> = p
                            .reasons
                            .iter()
                            .map(|r| serde_json::to_value(r).unwrap().as_str().unwrap().to_owned())
                            .collect();
                        format!(
                            "  {} {} {}{}{}",
                            t.id,
                            t.number,
                            p.class.as_str(),
                            if p.callable { "" } else { " (not here)" },
                            if reasons.is_empty() { String::new() } else { format!(" [{}]", reasons.join(",")) }
                        )
                    })
                    .collect();
                for l in lines {
                    writeln!(self.out, "{l}").unwrap();
                }
            }
            "closes" => {
                writeln!(self.out, "> {line}").unwrap();
                let now = self.now();
                let at = self.checker_mut().engine.next_closing(&args[0].into(), now);
                let shown =
                    at.map_or("never".to_owned(), |at| self.local(at).strftime("%a %Y-%m-%d %H:%M").to_string());
                writeln!(self.out, "  {shown}").unwrap();
            }
            "position" => {
                writeln!(self.out, "> {line}").unwrap();
                let now = self.now();
                let (ahead, est) = self.checker_mut().engine.position(&args[0].into(), now);
                let est = shown(est.map(|e| e.wait_s), est.and_then(|e| e.range_s));
                writeln!(self.out, "  people_ahead={ahead} estimated_wait={est}").unwrap();
            }
            _ => {
                let cmd = self.command(head, args, &opts);
                let actor = opts.get("as").map(|a| self.actor(a));
                writeln!(self.out, "> {line}").unwrap();
                let now = self.now();
                let result = match actor {
                    Some(actor) => self.checker_mut().step_as(cmd, &actor, now),
                    None => self.checker_mut().step(cmd, now),
                };
                match result {
                    Err(e) => writeln!(self.out, "  error {}: {e}", e.code()).unwrap(),
                    Ok(events) if events.is_empty() => writeln!(self.out, "  (no events)").unwrap(),
                    Ok(events) => {
                        for e in events {
                            let s = self.event(&e.kind);
                            writeln!(self.out, "  {s}").unwrap();
                        }
                    }
                }
            }
        }
    }

    fn checker_mut(&mut self) -> &mut Checker {
        let rules = &self.rules;
        self.checker.get_or_insert_with(|| Checker::new(rules.clone()))
    }

    /// `as=kiosk@lt`, `as=display@lt`, `as=system`, or `as=NAME[:ROLE][@SITE,SITE]` (a staff
    /// member; role `staff` and every configured site unless said).
    fn actor(&self, spec: &str) -> Actor {
        let (who, sites) = spec.split_once('@').map_or((spec, None), |(w, s)| (w, Some(list(s))));
        let sites: Vec<SiteId> = match sites {
            Some(s) => s.into_iter().map(SiteId).collect(),
            None => self.rules.sites.keys().cloned().collect(),
        };
        match who {
            "system" => Actor::System,
            "kiosk" | "display" => Actor::Device {
                id: format!("{who}-1"),
                site: sites[0].clone(),
                kind: if who == "kiosk" { DeviceKind::Kiosk } else { DeviceKind::Display },
            },
            _ => {
                let (name, role) = who.split_once(':').map_or((who, "staff"), |(n, r)| (n, r));
                Actor::Staff { id: name.into(), role: Role::parse(role).expect("staff|manager|admin"), sites }
            }
        }
    }

    fn command(&mut self, head: &str, args: &[&str], opts: &Opts) -> Command {
        let tid = || TicketId::from(args[0]);
        match head {
            "open" => Command::OpenDesk {
                desk: args[0].into(),
                staff: args[1].into(),
                languages: opts.get("langs").map(list).unwrap_or_default(),
                professions: opts.get("roles").map(list).unwrap_or_default(),
            },
            "pause" => Command::PauseDesk { desk: args[0].into() },
            "close" => Command::CloseDesk { desk: args[0].into() },
            "issue" | "checkin" => {
                let (site, service) = site_service(args[1]);
                let priority = Priority::ALL.into_iter().find(|p| opts.flag(p.as_str())).unwrap_or_default();
                let make = if head == "checkin" { Command::CheckIn } else { Command::Issue };
                make(IssueTicket {
                    id: tid(),
                    site,
                    service,
                    priority,
                    appointment_at: opts.get("appt").map(|t| self.local_time(None, t)),
                    language: opts.get("lang").unwrap_or("it").into(),
                    party_size: opts.get("party").map_or(1, num),
                    needs: opts.get("needs").map(list).unwrap_or_default(),
                })
            }
            "call" => Command::CallNext {
                desk: args[0].into(),
                ticket: args.get(1).filter(|t| !t.contains('=')).map(|t| TicketId::from(*t)),
            },
            "recall" => Command::Recall { ticket: tid() },
            "start" => Command::Start { ticket: tid() },
            "finish" => Command::Finish { ticket: tid() },
            "noshow" => Command::NoShow { ticket: tid() },
            "cancel" => Command::Cancel { ticket: tid() },
            "hold" => Command::Hold { ticket: tid() },
            "return" => Command::Return { ticket: tid(), keep_position: opts.flag("keep") },
            "transfer" => Command::Transfer {
                ticket: tid(),
                service: opts.get("service").map(ServiceId::from),
                desk: opts.get("desk").map(DeskId::from),
                staff: opts.get("staff").map(StaffId::from),
                keep_position: opts.flag("keep"),
            },
            "undo" => Command::Undo { ticket: tid() },
            "resume" => Command::Resume { ticket: tid(), desk: opts.get("desk").map(DeskId::from) },
            "ack" => Command::AckAlert { alert: args[0].into() },
            "closeday" => Command::CloseDay { site: args[0].into() },
            "alert" => Command::RaiseAlert {
                site: args[0].into(),
                alert: Alert {
                    id: opts.get("id").unwrap_or("a1").into(),
                    kind: args[1].into(),
                    source: "kiosk-1".into(),
                    message: "help".into(),
                    ticket_number: None,
                },
            },
            "liftcap" => {
                let (site, service) = site_service(args[0]);
                Command::LiftCap { site, service }
            }
            _ => panic!("unknown script command: {head}"),
        }
    }

    fn number(&self, id: &TicketId) -> String {
        let engine = &self.checker.as_ref().unwrap().engine;
        engine.ticket(id).map_or_else(|| id.to_string(), |t| format!("{id} {}", t.number))
    }

    fn event(&self, kind: &EventKind) -> String {
        let opt = |label: &str, v: Option<String>| v.map(|v| format!(" {label}={v}")).unwrap_or_default();
        match kind {
            EventKind::TicketIssued { ticket: t } => format!(
                "issued {} {} {}/{} {} lang={}{}{} est={}",
                t.id,
                t.number,
                t.site,
                t.service,
                t.priority.as_str(),
                t.language,
                opt("needs", (!t.needs.is_empty()).then(|| t.needs.join(","))),
                opt("party", (t.party_size != 1).then(|| t.party_size.to_string())),
                shown(t.estimated_wait_s, None)
            ),
            EventKind::TicketCalled { ticket, desk, staff, out_of_order } => format!(
                "called {} -> {desk} ({staff}){}",
                self.number(ticket),
                if *out_of_order { " out of order" } else { "" }
            ),
            EventKind::TicketRecalled { ticket } => format!("recalled {}", self.number(ticket)),
            EventKind::TicketServing { ticket } => format!("serving {}", self.number(ticket)),
            EventKind::TicketDone { ticket } => format!("done {ticket}"),
            EventKind::TicketNoShow { ticket } => format!("no_show {ticket}"),
            EventKind::TicketCancelled { ticket } => format!("cancelled {ticket}"),
            EventKind::TicketExpired { ticket } => format!("expired {ticket}"),
            EventKind::TicketReopened { ticket, desk, status } => {
                format!("reopened {} -> {desk} {status}", self.number(ticket))
            }
            EventKind::AlertAcknowledged { alert } => format!("alert {alert} acknowledged"),
            EventKind::DayClosed { closing } => format!("day closed at {}", self.hhmm(*closing)),
            EventKind::TicketOnHold { ticket } => format!("on_hold {}", self.number(ticket)),
            EventKind::TicketReturned { ticket, keep_position, target_desk } => format!(
                "returned {} keep_position={keep_position}{}",
                self.number(ticket),
                opt("for_desk", target_desk.as_ref().map(ToString::to_string))
            ),
            EventKind::TicketTransferred { ticket, from_service, service, desk, staff, keep_position } => format!(
                "transferred {} {from_service}->{service}{}{} keep_position={keep_position}",
                self.number(ticket),
                opt("desk", desk.as_ref().map(ToString::to_string)),
                opt("staff", staff.as_ref().map(ToString::to_string)),
            ),
            EventKind::DeskOpened { desk, staff, languages, professions } => format!(
                "desk {desk} opened by {staff}{}{}",
                opt("langs", (!languages.is_empty()).then(|| languages.join(","))),
                opt("roles", (!professions.is_empty()).then(|| professions.join(","))),
            ),
            EventKind::DeskPaused { desk } => format!("desk {desk} paused"),
            EventKind::DeskClosed { desk } => format!("desk {desk} closed"),
            EventKind::AlertRaised { alert } => format!("alert {} {} from {}", alert.id, alert.kind, alert.source),
            EventKind::CapLifted { service, day } => format!("cap of {service} lifted for {day}"),
        }
    }

    /// Queues per service (waiting tickets in their order with people ahead), desks, held tickets.
    fn dump_all(&mut self) {
        let Some(checker) = &self.checker else { return };
        let engine = &checker.engine;
        let now = self.now();
        let mut out = String::new();
        for site in engine.rules().sites.keys() {
            for q in engine.queues(site, now) {
                if q.waiting == 0 {
                    continue;
                }
                writeln!(
                    out,
                    "  {site}/{} waiting={} longest={}s est={}",
                    q.service,
                    q.waiting,
                    q.longest_wait_s,
                    shown(q.estimated_wait_s, q.estimated_wait_range_s)
                )
                .unwrap();
                let mut waiting: Vec<_> = engine
                    .tickets()
                    .filter(|t| &t.site == site && t.service == q.service && t.status == Status::Waiting)
                    .map(|t| (engine.position(&t.id, now), t))
                    .collect();
                waiting.sort_by(|a, b| (a.0.0, a.1.queued_at, &a.1.id).cmp(&(b.0.0, b.1.queued_at, &b.1.id)));
                for ((ahead, est), t) in waiting {
                    let est = shown(est.map(|e| e.wait_s), est.and_then(|e| e.range_s));
                    let target = t.target.as_ref().map(|tg| {
                        let who = [tg.desk.as_ref().map(|d| d.to_string()), tg.staff.as_ref().map(|s| s.to_string())];
                        format!(" for={}", who.into_iter().flatten().collect::<Vec<_>>().join("+"))
                    });
                    writeln!(
                        out,
                        "    {} {} {} queued={}{} ahead={ahead} est={est}",
                        t.id,
                        t.number,
                        t.priority.as_str(),
                        self.hhmm(t.queued_at),
                        target.unwrap_or_default()
                    )
                    .unwrap();
                }
            }
        }
        for d in engine.desks() {
            let status = match d.status {
                DeskStatus::Closed => "closed",
                DeskStatus::Open => "open",
                DeskStatus::Paused => "paused",
            };
            let mut s = format!("  {} {status}", d.id);
            if let Some(staff) = &d.staff {
                write!(s, " {staff}").unwrap();
            }
            if !d.languages.is_empty() {
                write!(s, " langs={}", d.languages.join(",")).unwrap();
            }
            if engine.rules().sites[&d.site].walk_in_guard.is_some() {
                write!(s, " appointments_in_a_row={}", d.appointment_streak).unwrap();
            }
            if let Some(cur) = &d.current {
                let t = engine.ticket(cur).unwrap();
                write!(s, ": {} {} {}", t.id, t.number, t.status).unwrap();
            }
            writeln!(out, "{s}").unwrap();
        }
        for t in engine.tickets().filter(|t| t.status == Status::OnHold) {
            writeln!(out, "  held {} {} (desk {})", t.id, t.number, t.desk.as_ref().unwrap()).unwrap();
        }
        for a in engine.state().alerts.values() {
            writeln!(
                out,
                "  alert open {} {} at {} since {}",
                a.alert.id,
                a.alert.kind,
                a.site,
                self.hhmm(a.raised_at)
            )
            .unwrap();
        }
        self.out.push_str("-- state\n");
        self.out.push_str(&out);
    }
}

/// An estimate as the scripts show it: `600s`, `2400s(1200-3600)`, or `none` (no desk open).
fn shown(wait: Option<u32>, range: Option<(u32, u32)>) -> String {
    match (wait, range) {
        (None, _) => "none".into(),
        (Some(w), None) => format!("{w}s"),
        (Some(w), Some((lo, hi))) => format!("{w}s({lo}-{hi})"),
    }
}
