//! Device health: kiosks and displays say how they are (sound, printer) about once a minute; staff
//! pages list the site's devices and what is wrong with them. Held in memory: health is "now", and
//! a device that has not reported since a restart is said to be so.

use super::ApiJson;
use super::sites::site_id;
use crate::auth::{Identity, Role};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use crate::views::local_time;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use jiff::{SignedDuration, Timestamp};
use queue_core::wire::{DeviceHealthReport, DeviceStatusView};
use std::collections::HashMap;
use std::sync::Mutex;

/// A device that has not reported for this long is said to be silent (it reports every minute).
pub const SILENT_AFTER: SignedDuration = SignedDuration::from_secs(180);

const SOUND: [&str; 5] = ["ok", "chime_only", "failing", "missing", "off"];
const PRINTER: [&str; 4] = ["ok", "paper_low", "failing", "none"];

/// The last report of every device (by device id), since the server started.
pub struct HealthBoard {
    started: Timestamp,
    reports: Mutex<HashMap<String, (Timestamp, DeviceHealthReport)>>,
}

impl HealthBoard {
    pub fn new(started: Timestamp) -> HealthBoard {
        HealthBoard { started, reports: Mutex::new(HashMap::new()) }
    }

    fn put(&self, device: &str, at: Timestamp, report: DeviceHealthReport) {
        self.reports.lock().unwrap_or_else(|e| e.into_inner()).insert(device.to_owned(), (at, report));
    }

    fn get(&self, device: &str) -> Option<(Timestamp, DeviceHealthReport)> {
        self.reports.lock().unwrap_or_else(|e| e.into_inner()).get(device).cloned()
    }
}

/// What staff should know about a device: a code for the staff pages and the same in English, or
/// `None` when all is well.
pub fn problem(
    report: Option<&(Timestamp, DeviceHealthReport)>,
    started: Timestamp,
    now: Timestamp,
) -> Option<(&'static str, String)> {
    let Some((at, r)) = report else {
        return (now.duration_since(started) > SILENT_AFTER)
            .then(|| ("never_reported", "no report since the server started".to_owned()));
    };
    let detail = r.detail.as_deref().filter(|d| !d.is_empty()).map(|d| format!(": {d}")).unwrap_or_default();
    if now.duration_since(*at) > SILENT_AFTER {
        let min = now.duration_since(*at).as_mins();
        return Some(("silent", format!("silent for {min} min (switched off or cut off?)")));
    }
    match (r.sound.as_deref(), r.printer.as_deref()) {
        (Some("failing"), _) => Some(("sound_failing", format!("cannot play sound{detail}"))),
        (Some("missing"), _) => Some(("sound_missing", format!("no sound player{detail}"))),
        (Some("chime_only"), _) => Some(("chime_only", format!("chime only, no voice{detail}"))),
        (_, Some("failing")) => Some(("printer_failing", format!("printer failing{detail}"))),
        (_, Some("paper_low")) => Some(("paper_low", format!("paper running low{detail}"))),
        _ => None,
    }
}

fn check(report: &mut DeviceHealthReport) -> ApiResult<()> {
    if let Some(s) = report.sound.as_deref().filter(|s| !SOUND.contains(s)) {
        return Err(ApiError::unprocessable(format!("sound must be one of {}, not '{s}'", SOUND.join(", "))));
    }
    if let Some(p) = report.printer.as_deref().filter(|p| !PRINTER.contains(p)) {
        return Err(ApiError::unprocessable(format!("printer must be one of {}, not '{p}'", PRINTER.join(", "))));
    }
    if report.version.as_deref().is_some_and(|v| v.chars().count() > 40) {
        return Err(ApiError::unprocessable("version is at most 40 characters"));
    }
    report.detail = report.detail.take().map(|d| d.chars().take(300).collect());
    Ok(())
}

/// A kiosk or display reports its health (its own; the key says which device it is).
#[utoipa::path(post, path = "/api/v1/devices/health", tag = "devices",
    request_body = DeviceHealthReport,
    security(("bearer" = [])),
    responses((status = 204, description = "recorded"), (status = 400, body = queue_core::wire::ErrorBody),
        (status = 401, body = queue_core::wire::ErrorBody), (status = 403, body = queue_core::wire::ErrorBody),
        (status = 422, body = queue_core::wire::ErrorBody)))]
pub async fn report_health(
    State(state): State<AppState>,
    id: Identity,
    ApiJson(mut report): ApiJson<DeviceHealthReport>,
) -> ApiResult<StatusCode> {
    let Identity::Device(device) = &id else {
        return Err(ApiError::forbidden("only a kiosk or display reports its health, with its device key"));
    };
    check(&mut report)?;
    if report.sound.as_deref().is_some_and(|s| s != "ok") || report.printer.as_deref().is_some_and(|p| p != "ok") {
        tracing::info!(device = %device.id, ?report, "device health");
    }
    state.device_health.put(&device.id, state.now(), report);
    Ok(StatusCode::NO_CONTENT)
}

/// The site's kiosks and displays with their last health report and what is wrong (staff of the site).
#[utoipa::path(get, path = "/api/v1/sites/{site}/devices", tag = "devices",
    params(("site" = String, Path, description = "site id")),
    security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, body = [DeviceStatusView]), (status = 401, body = queue_core::wire::ErrorBody),
        (status = 403, body = queue_core::wire::ErrorBody), (status = 404, body = queue_core::wire::ErrorBody)))]
pub async fn site_devices(
    State(state): State<AppState>,
    id: Identity,
    Path(site): Path<String>,
) -> ApiResult<Json<Vec<DeviceStatusView>>> {
    let site = site_id(&state, &site)?;
    id.staff_at(&site, Role::Staff)?;
    let devices = state.db.read(crate::db::list_devices).await?;
    let now = state.now();
    let board = &state.device_health;
    let out = devices
        .into_iter()
        .filter(|d| !d.revoked && d.site == site.as_str())
        .map(|d| {
            let report = board.get(&d.id);
            let problem = problem(report.as_ref(), board.started, now);
            DeviceStatusView {
                silent_min: (problem.as_ref().is_some_and(|(c, _)| *c == "silent"))
                    .then(|| report.as_ref().map(|(at, _)| now.duration_since(*at).as_mins()))
                    .flatten(),
                problem_code: problem.as_ref().map(|(c, _)| (*c).to_owned()),
                problem: problem.map(|(_, p)| p),
                reported_at: report.as_ref().map(|(at, _)| local_time(&state.cfg, &site, *at)),
                sound: report.as_ref().and_then(|(_, r)| r.sound.clone()),
                printer: report.as_ref().and_then(|(_, r)| r.printer.clone()),
                detail: report.as_ref().and_then(|(_, r)| r.detail.clone()),
                version: report.as_ref().and_then(|(_, r)| r.version.clone()),
                id: d.id,
                kind: d.kind,
                name: d.name,
            }
        })
        .collect();
    Ok(Json(out))
}

/// Every kiosk and display of this server as the hub's fleet page shows it: the codes the devices
/// reported and what is wrong, no free text.
pub async fn fleet_health(state: &AppState) -> Result<Vec<queue_core::envelope::DeviceHealth>, crate::db::DbError> {
    let devices = state.db.read(crate::db::list_devices).await?;
    let now = state.now();
    let board = &state.device_health;
    Ok(devices
        .into_iter()
        .filter(|d| !d.revoked)
        .map(|d| {
            let report = board.get(&d.id);
            let problem = problem(report.as_ref(), board.started, now).map(|(c, _)| c.to_owned());
            queue_core::envelope::DeviceHealth {
                site: d.site,
                kind: d.kind,
                name: d.name,
                sound: report.as_ref().and_then(|(_, r)| r.sound.clone()),
                printer: report.as_ref().and_then(|(_, r)| r.printer.clone()),
                version: report.as_ref().and_then(|(_, r)| r.version.clone()),
                last_seen_ms: report.as_ref().map(|(at, _)| at.as_millisecond()),
                problem,
                id: d.id,
            }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: i64) -> Timestamp {
        Timestamp::from_second(1_800_000_000 + s).unwrap()
    }

    fn sound(s: &str, detail: &str) -> DeviceHealthReport {
        DeviceHealthReport { sound: Some(s.into()), detail: Some(detail.into()), ..Default::default() }
    }

    fn problem(report: Option<&(Timestamp, DeviceHealthReport)>, started: Timestamp, now: Timestamp) -> Option<String> {
        super::problem(report, started, now).map(|(_, p)| p)
    }

    #[test]
    fn what_staff_are_told() {
        let started = at(0);
        let code = super::problem(Some(&(at(100), sound("missing", ""))), started, at(130)).unwrap().0;
        assert_eq!(code, "sound_missing");
        assert_eq!(problem(None, started, at(60)), None, "a fresh server waits for the first reports");
        assert_eq!(problem(None, started, at(200)).as_deref(), Some("no report since the server started"));
        let fine = (at(100), sound("ok", ""));
        assert_eq!(problem(Some(&fine), started, at(200)), None);
        assert_eq!(
            problem(Some(&fine), started, at(400)).as_deref(),
            Some("silent for 5 min (switched off or cut off?)")
        );
        let failing = (at(100), sound("failing", "aplay: no soundcard"));
        assert_eq!(
            problem(Some(&failing), started, at(130)).as_deref(),
            Some("cannot play sound: aplay: no soundcard")
        );
        let off = (at(100), sound("off", ""));
        assert_eq!(problem(Some(&off), started, at(130)), None, "silent by choice is not a fault");
        let paper = (at(100), DeviceHealthReport { printer: Some("paper_low".into()), ..Default::default() });
        assert_eq!(problem(Some(&paper), started, at(130)).as_deref(), Some("paper running low"));
    }

    #[test]
    fn reports_are_checked() {
        let mut bad = sound("loud", "");
        assert!(check(&mut bad).unwrap_err().message.contains("sound must be one of"));
        let mut long = sound("ok", &"x".repeat(400));
        check(&mut long).unwrap();
        assert_eq!(long.detail.unwrap().chars().count(), 300);
    }
}
