//! Wire types of HTTP API v1, shared by the server, the kiosk and the display.
//!
//! Field names here are the contract (`docs/domain.md`, "The HTTP contract"): fields may be added,
//! none removed or renamed.

use crate::event::Alert;
use crate::ids::{DeskId, ServiceId, SiteId, StaffId, TicketId};
use crate::model::{DeskStatus, JourneyStep, Priority, Status};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

/// Text per language code (`it`, `en`, `fr`, `ar`, `ro`, `uk`).
pub type Texts = BTreeMap<String, String>;

/// The error body of every failed request.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ErrorDetail {
    pub code: String,
    pub message: String,
    /// `too_early` of an appointment check-in only: when the check-in window opens, site-local
    /// `HH:MM`, so a kiosk can say it in the visitor's language.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub opens_at: Option<String>,
}

/// `POST /api/v1/sites/{site}/tickets`
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct IssueRequest {
    /// A service id of the site (`GET /api/v1/sites/{site}/kiosk` lists them).
    #[cfg_attr(feature = "openapi", schema(value_type = String, pattern = "^[a-z0-9][a-z0-9_-]{0,39}$"))]
    pub service: ServiceId,
    /// `standard` (default) or `priority` from a kiosk; staff may also set `appointment` or `urgent`.
    #[serde(default)]
    pub priority: Option<Priority>,
    /// RFC 3339 due time of an appointment.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(format = DateTime))]
    pub appointment_at: Option<String>,
    /// One of the site's languages; default: the site's default language.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(pattern = "^[a-z]{2,3}$"))]
    pub language: Option<String>,
    /// E.g. `mediator:ar`, `wheelchair`: at most 10 short codes.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_items = 10))]
    pub needs: Option<Vec<String>>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 30))]
    pub party_size: Option<u32>,
    /// Staff only: a kiosk of the site (its device id, `GET /api/v1/sites/{site}/devices`) that
    /// prints the ticket. The answer's `print_job` is then the job to follow
    /// (`GET /api/v1/print-jobs/{id}`).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(pattern = "^[A-Za-z0-9_-]{1,64}$"))]
    pub print_at: Option<String>,
}

/// A ticket as staff (and the issuing kiosk) see it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct TicketView {
    pub id: TicketId,
    pub number: String,
    pub site: SiteId,
    pub service: ServiceId,
    pub service_label: String,
    /// The service's staff-facing name ("Legale"), in the staff member's language.
    #[serde(default)]
    pub service_name: String,
    pub status: Status,
    pub priority: Priority,
    pub language: String,
    pub party_size: u32,
    pub needs: Vec<String>,
    pub issued_at: String,
    pub desk: Option<DeskId>,
    pub desk_label: Option<String>,
    pub staff: Option<StaffId>,
    pub people_ahead: u32,
    /// `null` when no desk that may serve the service is open now ("no desk open now").
    pub estimated_wait_s: Option<u32>,
    /// `[low, high]` seconds where the estimate is uncertain (visitors see "15–25 min"), else `null`.
    #[serde(default)]
    pub estimated_wait_range_s: Option<[u32; 2]>,
    pub status_url: String,
    /// Only in the answer to the request that issued the ticket.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
    pub journey: Vec<JourneyStep>,
    /// Only in the answer to an issue with `print_at`: the print job queued for the kiosk.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub print_job: Option<String>,
    /// Present in `GET /api/v1/tickets/{id}`: the ticket's events, oldest first.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub events: Option<Vec<TicketEventView>>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct TicketEventView {
    pub id: u64,
    #[serde(rename = "type")]
    pub kind: String,
    pub at: String,
    /// Who did it: `staff:giulia`, `device:kiosk-3f2a`, `system` (absent on events from before
    /// actors were recorded).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actor: Option<String>,
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub data: serde_json::Value,
}

/// What anyone with the token, a display or a ticket page may see. Nothing else.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PublicTicket {
    pub number: String,
    pub service_label: String,
    pub status: Status,
    pub people_ahead: u32,
    /// `null` when no desk that may serve the service is open now ("no desk open now").
    pub estimated_wait_s: Option<u32>,
    /// `[low, high]` seconds where the estimate is uncertain (visitors see "15–25 min"), else `null`.
    #[serde(default)]
    pub estimated_wait_range_s: Option<[u32; 2]>,
    pub desk_label: Option<String>,
}

/// `data:` of a Server-Sent Event.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct StreamEvent {
    #[serde(rename = "type")]
    pub kind: String,
    pub at: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ticket: Option<PublicTicket>,
    /// The visitor's language, on calls and recalls, so displays announce in it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    /// Desk id on calls and desk updates (displays filter by it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub desk: Option<DeskId>,
    /// `queue.updated`: the site's queues.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub queues: Option<Vec<QueueView>>,
    /// Staff streams only: the ticket id and its staff-side details.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub staff: Option<StaffEventDetail>,
    /// Staff streams only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alert: Option<Alert>,
    /// Staff streams only, on `alert.acknowledged`: the alert taken, and by whom (`staff:<username>`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alert_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acknowledged_by: Option<String>,
}

/// Details added to events on staff streams (never on display streams).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct StaffEventDetail {
    pub ticket_id: Option<TicketId>,
    pub service: Option<ServiceId>,
    /// The staff-facing name of `service`, in the site's first language.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_name: Option<String>,
    pub priority: Option<Priority>,
    pub needs: Option<Vec<String>>,
    pub party_size: Option<u32>,
    pub staff: Option<StaffId>,
    pub desk_status: Option<DeskStatus>,
    /// A transfer's reservation: the desk or colleague it waits for.
    pub target_desk: Option<DeskId>,
    pub target_staff: Option<StaffId>,
}

/// Per-service queue figures (`GET /api/v1/sites/{site}/queues`, `queue.updated`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct QueueView {
    pub service: ServiceId,
    pub service_label: String,
    /// Staff payloads only: the staff-facing name, in the site's first language.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_name: Option<String>,
    pub waiting: u32,
    pub longest_wait_s: u32,
    /// `null` when no desk that may serve the service is open now ("no desk open now").
    pub estimated_wait_s: Option<u32>,
    /// `[low, high]` seconds where the estimate is uncertain (visitors see "15–25 min"), else `null`.
    #[serde(default)]
    pub estimated_wait_range_s: Option<[u32; 2]>,
    pub open_desks: u32,
}

/// `GET /api/v1/sites/{site}/desks` (named `Desk` in the OpenAPI document, like `Site`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema), schema(as = Desk))]
pub struct DeskView {
    pub id: DeskId,
    pub label: String,
    pub site: SiteId,
    pub services: Vec<ServiceId>,
    pub status: DeskStatus,
    pub staff: Option<StaffId>,
    pub current: Option<TicketView>,
}

/// `GET /api/v1/sites/{site}/waiting`: the tickets waiting (or parked) at a site, for desk pages.
/// Never a name: numbers, needs codes, language, household size.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct WaitingList {
    /// Whether staff may call a specific ticket out of order at this site.
    pub out_of_order_calls: bool,
    /// Oldest first; with `?desk=`, in the order that desk's Call next takes them (the tickets it
    /// may call first, then the others), each with its reasons.
    pub tickets: Vec<WaitingTicket>,
    /// When the site closes next (tickets still waiting then expire), RFC 3339 local time; absent
    /// without opening hours or when the site keeps its queue overnight.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closes_at: Option<String>,
}

/// One waiting or held ticket in a `WaitingList`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct WaitingTicket {
    pub id: TicketId,
    pub number: String,
    pub service: ServiceId,
    pub service_label: String,
    /// The service's staff-facing name, in the staff member's language.
    #[serde(default)]
    pub service_name: String,
    pub status: Status,
    pub priority: Priority,
    pub language: String,
    pub party_size: u32,
    pub needs: Vec<String>,
    /// Seconds since it joined the queue (kept by keep-position transfers).
    pub waited_s: u32,
    /// On hold: seconds since it was parked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub held_s: Option<u32>,
    /// With `?desk=`: may that desk call it now, and why it ranks where it does.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub callable: Option<bool>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reasons: Vec<crate::routing::Reason>,
    pub people_ahead: u32,
    /// The desk that parked it (on hold).
    pub desk: Option<DeskId>,
    /// A transfer's reservation: the desk or colleague it waits for.
    pub target_desk: Option<DeskId>,
    pub target_staff: Option<StaffId>,
}

/// `POST /api/v1/session`
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    pub username: String,
    pub password: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct LoginResponse {
    /// Bearer token for scripts (`Authorization: Bearer …`).
    pub token: String,
    /// Send as `X-CSRF-Token` with state-changing requests authenticated by the cookie.
    pub csrf_token: String,
    pub username: String,
    pub display_name: String,
    pub role: String,
    pub languages: Vec<String>,
    /// The sites the account belongs to.
    pub sites: Vec<SiteId>,
    pub expires_at: String,
}

/// `POST /api/v1/desks/{desk}/call-next` (body optional).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CallNextRequest {
    /// Call this waiting ticket out of order (only where the site allows it).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, pattern = "^[A-Za-z0-9_-]{1,64}$"))]
    pub ticket: Option<TicketId>,
}

/// `POST /api/v1/tickets/{id}/transfer`
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct TransferRequest {
    #[serde(default)]
    pub service: Option<ServiceId>,
    #[serde(default)]
    pub desk: Option<DeskId>,
    #[serde(default)]
    pub staff: Option<StaffId>,
    pub keep_position: bool,
}

/// `POST /api/v1/tickets/{id}/return` (body optional; default keeps the position).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ReturnRequest {
    #[serde(default = "yes")]
    pub keep_position: bool,
}

impl Default for ReturnRequest {
    fn default() -> Self {
        ReturnRequest { keep_position: true }
    }
}

fn yes() -> bool {
    true
}

/// `POST /api/v1/tickets/{id}/resume`: call a held ticket back, by default to the desk that parked it.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ResumeRequest {
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, pattern = "^[A-Za-z0-9_-]{1,64}$"))]
    pub desk: Option<DeskId>,
}

/// `GET /api/v1/sites/{site}/colleagues`: a staff member of the site, for transfers: where they sit
/// and whether they are free. Display names only (staff, not visitors).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Colleague {
    pub username: StaffId,
    pub display_name: String,
    /// The desk they hold now, if any.
    pub desk: Option<DeskId>,
    pub desk_label: Option<String>,
    pub desk_status: Option<DeskStatus>,
    /// At an open desk with nobody there.
    pub free: bool,
}

/// An alert for staff (`GET /api/v1/sites/{site}/alerts`, `POST /api/v1/alerts/{id}/ack`, the answer to
/// `POST /api/v1/sites/{site}/alerts`). The kiosk that raised one reads it back
/// (`GET /api/v1/alerts/{id}`) to tell the visitor someone is coming.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct AlertView {
    pub id: String,
    pub site: SiteId,
    /// `help_requested`, `printer_failure`, `kiosk_flood`, `other`.
    pub kind: String,
    /// Who raised it: a device id or a username.
    pub source: String,
    pub message: String,
    pub ticket_number: Option<String>,
    /// RFC 3339, the site's local time.
    pub raised_at: String,
    /// Who is going (`staff:<username>`), once acknowledged.
    pub acknowledged_by: Option<String>,
    pub acknowledged_at: Option<String>,
}

/// `POST /api/v1/devices/health`: how a kiosk or display is doing, sent by the device itself about
/// once a minute and whenever it changes. Kept in the server's memory (a restart forgets it until
/// the next report).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct DeviceHealthReport {
    /// `ok`, `chime_only` (no speech engine), `failing` (playing fails), `missing` (no sound player)
    /// or `off` (silent by choice).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(pattern = "^(ok|chime_only|failing|missing|off)$"))]
    pub sound: Option<String>,
    /// `ok`, `paper_low`, `failing` or `none` (screen only).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(pattern = "^(ok|paper_low|failing|none)$"))]
    pub printer: Option<String>,
    /// What went wrong, in the device's words. Kept to its first 300 characters.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 300))]
    pub detail: Option<String>,
    /// The device program's version.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 40))]
    pub version: Option<String>,
}

/// `GET /api/v1/devices/print-jobs`: a ticket staff issued at reception for this kiosk to print,
/// with what the kiosk needs to print it (the ticket as its issuer saw it, token and status URL
/// included) and nothing more.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct PrintJob {
    pub id: String,
    pub ticket: TicketView,
}

/// `POST /api/v1/print-jobs/{id}/result`: what came out of the kiosk's printer.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PrintResult {
    pub printed: bool,
    /// With `printed: false`: `paper_out`, `cover_open`, `offline`, `failing` or `no_printer`.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(pattern = "^(paper_out|cover_open|offline|failing|no_printer)$"))]
    pub error: Option<String>,
}

/// `GET /api/v1/print-jobs/{id}`: a print job as the staff who sent it follow it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct PrintJobView {
    pub id: String,
    pub site: SiteId,
    pub ticket: TicketId,
    pub number: String,
    /// The kiosk's device id and name.
    pub device: String,
    pub device_name: String,
    /// `queued` (waiting for the kiosk), `taken` (the kiosk is printing), `printed`, `failed`
    /// (`error` says why) or `expired` (not taken or not answered in time; `error`: `not_taken`,
    /// `no_answer`).
    pub status: String,
    pub error: Option<String>,
    pub created_at: String,
    pub taken_at: Option<String>,
    pub done_at: Option<String>,
}

/// `GET /api/v1/sites/{site}/devices`: a device of the site and its last health report.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct DeviceStatusView {
    pub id: String,
    /// `kiosk` or `display`.
    pub kind: String,
    pub name: String,
    /// RFC 3339 time of its last report, `null` when none came since the server started.
    pub reported_at: Option<String>,
    pub sound: Option<String>,
    pub printer: Option<String>,
    pub detail: Option<String>,
    pub version: Option<String>,
    /// What staff should know, in English (`null` when all is well).
    pub problem: Option<String>,
    /// The same as a code the staff pages translate: `silent`, `never_reported`, `sound_failing`,
    /// `sound_missing`, `chime_only`, `printer_failing` or `paper_low`.
    pub problem_code: Option<String>,
    /// Minutes since the last report, when `silent`.
    pub silent_min: Option<i64>,
}

/// `POST /api/v1/sites/{site}/alerts` (kiosk "I need help now", printer failure).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AlertRequest {
    /// `help_requested`, `printer_failure` or `other`.
    #[cfg_attr(feature = "openapi", schema(pattern = "^(help_requested|printer_failure|other)$"))]
    pub kind: String,
    /// Kept to its first 500 characters.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 500))]
    pub message: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 16))]
    pub ticket_number: Option<String>,
}

/// `GET /api/v1/sites`. (Named `Site` in the OpenAPI document, so that tools see the `{site}` of
/// other routes as this resource's id.)
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema), schema(as = Site))]
pub struct SiteView {
    pub id: SiteId,
    pub name: String,
    pub address: String,
    pub time_zone: String,
    pub languages: Vec<String>,
    pub services: Vec<ServiceView>,
}

/// A service's public fields. Discreet services show their public label only.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ServiceView {
    pub id: ServiceId,
    pub prefix: String,
    /// Public label per language.
    #[cfg_attr(feature = "openapi", schema(inline))]
    pub public_label: Texts,
    /// Names per language; empty for a discreet service.
    #[cfg_attr(feature = "openapi", schema(inline))]
    pub names: Texts,
    pub target_wait_s: u32,
    /// Whether the service takes bookings (`[services.appointments]`, issue 16).
    #[serde(default)]
    pub appointments: bool,
}

/// `GET /api/v1/sites/{site}/kiosk`: everything a kiosk shows.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct KioskInfo {
    pub site: SiteId,
    pub name: String,
    pub languages: Vec<LanguageInfo>,
    pub services: Vec<KioskService>,
    pub triage: Triage,
    /// Where to wait, per language.
    #[cfg_attr(feature = "openapi", schema(inline))]
    pub waiting_area: Texts,
    /// The site's `public_url` (`https://…`, no trailing slash), the base of the ticket's QR code
    /// (`{public_url}{status_url}`); absent when the site has none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_url: Option<String>,
    /// Some service of the site takes appointments: the kiosk offers "I have an appointment"
    /// (`POST /api/v1/sites/{site}/appointments/check-in`).
    #[serde(default)]
    pub appointments: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct LanguageInfo {
    pub code: String,
    /// The language's name in itself: "Italiano", "العربية", "Українська".
    pub native_name: String,
    pub rtl: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct KioskService {
    pub id: ServiceId,
    #[cfg_attr(feature = "openapi", schema(inline))]
    pub names: Texts,
    #[cfg_attr(feature = "openapi", schema(inline))]
    pub public_label: Texts,
    /// Open now (hours) and under its daily cap.
    pub open: bool,
    /// Why not, when `open` is false: `closed` (outside its hours) or `full` (daily cap reached).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closed_reason: Option<String>,
    /// When a closed service opens next (site-local RFC 3339), if within a week.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub opens_at: Option<String>,
    pub waiting: u32,
    /// `null` when no desk that may serve the service is open now ("no desk open now").
    pub estimated_wait_s: Option<u32>,
    /// `[low, high]` seconds where the estimate is uncertain (visitors see "15–25 min"), else `null`.
    #[serde(default)]
    pub estimated_wait_range_s: Option<[u32; 2]>,
    /// Open desks that may serve it now (0: "no desk open now").
    #[serde(default)]
    pub open_desks: u32,
}

/// The kiosk's question tree.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Triage {
    /// First question id.
    pub start: String,
    pub questions: Vec<Question>,
    /// Ask how many people the ticket is for.
    pub ask_party_size: bool,
    /// Yes/no questions that make the ticket `priority` when answered yes.
    pub priority_questions: Vec<PriorityQuestion>,
    /// Ask whether a mediator is needed, and for which language.
    pub ask_mediator: bool,
    /// Languages mediators can be asked for (codes); may go beyond the kiosk languages.
    pub mediator_languages: Vec<LanguageInfo>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Question {
    pub id: String,
    #[cfg_attr(feature = "openapi", schema(inline))]
    pub text: Texts,
    pub pictogram: Option<String>,
    pub choices: Vec<Choice>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Choice {
    #[cfg_attr(feature = "openapi", schema(inline))]
    pub label: Texts,
    pub pictogram: Option<String>,
    /// Either the next question…
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next: Option<String>,
    /// …or the service the answer leads to (the first step of the journey).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service: Option<ServiceId>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct PriorityQuestion {
    pub id: String,
    #[cfg_attr(feature = "openapi", schema(inline))]
    pub text: Texts,
    pub pictogram: Option<String>,
    /// Target group recorded in the ticket's needs as `group:ID` (statistics).
    pub group: String,
}

/// One call as displays show it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct CallView {
    pub ticket: PublicTicket,
    pub desk: DeskId,
    /// The visitor's language (announcements).
    pub language: String,
    pub at: String,
    /// How many times it was called again.
    pub recalls: u32,
}

/// `GET /api/v1/sites/{site}/display`: the full state a display (re)starts from.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct DisplaySnapshot {
    pub site: SiteId,
    pub name: String,
    /// The site's languages; the first is the default (announcements start with it).
    pub languages: Vec<String>,
    /// Scrolling notice per language.
    #[cfg_attr(feature = "openapi", schema(inline))]
    pub notice: Texts,
    /// Recent calls, newest first (tickets still called or serving, and the last finished ones).
    pub calls: Vec<CallView>,
    pub queues: Vec<QueueView>,
    /// Desk ids with their labels and services, so a display can be limited to some of them.
    pub desks: Vec<DisplayDesk>,
    /// Resume the event stream after this id (`Last-Event-ID`).
    pub last_event_id: u64,
    /// Seconds between `heartbeat` events on the stream.
    pub heartbeat_s: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct DisplayDesk {
    pub id: DeskId,
    pub label: String,
    pub services: Vec<ServiceId>,
}

// ---------------------------------------------------------------- appointments (issue 16)

/// `GET /api/v1/sites/{site}/appointments/slots`: where a booking of `duration_min` fits on a day.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct SlotsView {
    pub service: ServiceId,
    /// The site-local day, `YYYY-MM-DD`.
    pub date: String,
    pub duration_min: u32,
    /// Free start times, site-local `HH:MM`, in order (empty: no appointment hours, or full).
    pub slots: Vec<String>,
    /// Slot-units bookings may take that day (the cap that keeps walk-in capacity), and taken.
    pub cap_units: u32,
    pub used_units: u32,
}

/// `POST /api/v1/sites/{site}/appointments`: book a follow-up. No name, no document.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct BookRequest {
    #[cfg_attr(feature = "openapi", schema(value_type = String, pattern = "^[a-z0-9][a-z0-9_-]{0,39}$"))]
    pub service: ServiceId,
    /// Site-local start, `YYYY-MM-DDTHH:MM` (one of the free slots).
    pub start: String,
    /// Minutes (default: one slot).
    #[serde(default)]
    pub duration_min: Option<u32>,
    /// A mediator of this language is needed.
    #[serde(default)]
    pub mediator_language: Option<String>,
    /// A second professional (a staff username of the site).
    #[serde(default)]
    pub second_staff: Option<String>,
}

/// `POST /api/v1/appointments/{id}/move`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct MoveRequest {
    /// The new site-local start, `YYYY-MM-DDTHH:MM`.
    pub start: String,
}

/// A booking as staff see it: the code only in the answer that booked it, else its hint.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct BookingView {
    pub id: String,
    pub site: SiteId,
    pub service: ServiceId,
    /// Site-local `YYYY-MM-DDTHH:MM`.
    pub start: String,
    /// The same instant, RFC 3339 UTC.
    pub start_at: String,
    pub duration_min: u32,
    pub mediator_language: Option<String>,
    pub second_staff: Option<String>,
    /// `booked`, `cancelled`, `checked_in` or `missed`.
    pub state: String,
    /// The code's first two characters: a reminder, not enough to check in with.
    pub code_hint: String,
    /// The check-in code (`7K3M-QD9P-4`): only in the answer to the booking, shown once.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    pub booked_by: String,
}

/// `POST /api/v1/sites/{site}/appointments/check-in` (a kiosk).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CheckInRequest {
    /// As typed or scanned: case, `O`/`I`/`L`, hyphens and spaces are forgiven.
    pub code: String,
    /// The visitor's language (one the site offers).
    pub language: String,
}
