//! The staff desk page's markup: written in Italian, with every text marked by its message id
//! (`data-i18n`) so `desk.js` can switch it to another staff language from the texts in the page
//! (`texts/locales/<lang>/{desk,staff}.ftl`). It drives everything through API v1. No inline script or style.

use super::shell::{self, Shell};
use crate::api::ApiJson;
use crate::auth::{Identity, Role};
use crate::error::ApiError;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};
use texts::id;

/// `{code}` of `POST /desk/code-qr.svg`.
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CodeQr {
    pub code: String,
}

/// `POST /desk/code-qr.svg` `{code}`: the QR code of a booking's check-in code (`7K3M-QD9P-4`), for
/// the slip the desk page shows and prints. Staff only; the code travels in the body, never in a
/// URL that a log could keep, and nothing is stored. A mistyped code is refused (422).
pub async fn code_qr(id: Identity, ApiJson(req): ApiJson<CodeQr>) -> Response {
    if let Err(e) = id.staff(Role::Staff) {
        return e.into_response();
    }
    let code = match queue_core::code::Code::parse(&req.code) {
        Ok(c) => c,
        Err(e) => return ApiError::unprocessable(format!("code: {e}")).into_response(),
    };
    match super::qr_svg(&code.to_string()) {
        Some(svg) => {
            ([(header::CONTENT_TYPE, "image/svg+xml"), (header::CACHE_CONTROL, "no-store")], svg).into_response()
        }
        None => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

/// The language the page is first written in.
const LANG: &str = texts::DEFAULT_LANGUAGE;

/// A text the script translates.
fn i18n(key: &str) -> Markup {
    html! { span data-i18n=(key) { (texts::t(LANG, key)) } }
}

/// A ticket action: a button and, visible next to it, what it does.
fn action(id: &str, key: &str, key_hint: &str) -> Markup {
    let help = format!("{id}-help");
    html! {
        div class="action" {
            button type="button" id=(id) class="act" aria-describedby=(help) aria-keyshortcuts=(key_hint) disabled {
                (i18n(key)) " " kbd { (key_hint) }
            }
            p class="help" id=(help) { (i18n(&format!("{key}-help"))) }
        }
    }
}

pub fn render() -> String {
    let langs: Vec<&str> = texts::staff_languages().map(|l| l.code).collect();
    let exported = texts::builtin().export(&langs, &["staff", "desk"]).expect("the desk's texts carry to the browser");
    let title = texts::t(LANG, id::DESK_PAGE_TITLE);
    let shell = Shell {
        lang: LANG,
        title: &title,
        styles: &["/assets/desk.css"],
        scripts: &["/assets/desk.js"],
        texts: Some(exported),
        head: html! {},
    };
    let body = html! {
        // Sticky: what stops the work stays in view (not connected, open alerts).
        div id="sticky" class="sticky" {
            div id="conn" class="conn" role="status" aria-live="assertive" hidden { (i18n("desk-offline")) }
            section id="open-alerts" class="open-alerts" aria-labelledby="open-alerts-h" hidden {
                h2 id="open-alerts-h" class="visually-hidden" { (i18n("desk-open-alerts")) }
                div role="alert" { ul id="open-alerts-list" {} }
            }
        }
        // Kiosks and displays that need looking at (no sound, paper low, not heard from).
        section id="devices" class="devices" aria-labelledby="devices-h" hidden {
            h2 id="devices-h" { (i18n("desk-devices")) }
            ul id="devices-list" {}
        }
        header class="top" {
            h1 { "Sportello" span id="desk-title" {} }
            div class="top-tools" {
                label for="lang" { (i18n("desk-language")) }
                select id="lang" {
                    @for l in texts::staff_languages() {
                        option value=(l.code) lang=(l.code) selected[l.code == LANG] { (l.native_name) }
                    }
                }
                span id="who" {}
                a id="stats-link" href="/stats" hidden { (i18n("desk-statistics")) }
                button type="button" id="change-desk" hidden { (i18n("desk-change-desk")) }
                button type="button" id="logout" hidden { (i18n("desk-logout")) }
            }
        }
        noscript {
            p class="error" {
                @for (i, l) in texts::staff_languages().enumerate() {
                    @if i > 0 { " / " }
                    span lang=(l.code) { (texts::t(l.code, id::DESK_NEEDS_JAVASCRIPT)) }
                }
            }
        }
        main id="main" {
            section id="login" class="card" hidden aria-labelledby="login-h" {
                h2 id="login-h" { (i18n("desk-login-title")) }
                form id="login-form" method="post" action="/api/v1/session" {
                    label for="username" { (i18n("desk-username")) }
                    input id="username" name="username" autocomplete="username" required;
                    label for="password" { (i18n("desk-password")) }
                    input id="password" name="password" type="password" autocomplete="current-password" required;
                    button type="submit" id="login-btn" class="primary" { (i18n("desk-login")) }
                    p id="login-error" class="error" role="alert" {}
                }
            }
            section id="choose" class="card" hidden aria-labelledby="choose-h" {
                h2 id="choose-h" { (i18n("desk-choose-title")) }
                label for="site" { (i18n("desk-site")) }
                select id="site" {}
                label for="desk-select" { (i18n("desk-desk")) }
                select id="desk-select" {}
                button type="button" id="use-desk" class="primary" { (i18n("desk-use-desk")) }
            }
            div id="work" hidden {
                section id="desk-bar" class="card" aria-labelledby="desk-h" {
                    h2 id="desk-h" { (i18n("desk-desk-state")) ": " span id="desk-status" {} }
                    div class="row" {
                        div class="action" {
                            button type="button" id="open" aria-describedby="open-help" { (i18n("desk-open")) }
                            p class="help" id="open-help" { (i18n("desk-open-help")) }
                        }
                        div class="action" {
                            button type="button" id="pause" aria-describedby="pause-help" { (i18n("desk-pause")) }
                            p class="help" id="pause-help" { (i18n("desk-pause-help")) }
                        }
                        div class="action" {
                            button type="button" id="close" aria-describedby="close-help" { (i18n("desk-close")) }
                            p class="help" id="close-help" { (i18n("desk-close-help")) }
                        }
                    }
                    button type="button" id="call-next" class="call" aria-keyshortcuts="N" disabled {
                        (i18n("desk-call-next")) " " kbd { "N" }
                    }
                    p id="message" role="status" aria-live="polite" {}
                    // After a Finish or No-show: Undo for a few seconds (POST /api/v1/tickets/{id}/undo).
                    div id="undo-bar" class="undo" hidden {
                        span id="undo-text" {}
                        button type="button" id="undo" aria-keyshortcuts="U" { (i18n("desk-undo")) " " kbd { "U" } }
                    }
                    p id="closing" class="closing" hidden {}
                }
                section id="current" class="card" aria-labelledby="current-h" {
                    h2 id="current-h" { (i18n("desk-current")) }
                    p id="current-none" { (i18n("desk-no-current")) }
                    div id="current-ticket" hidden {
                        p class="current-number" id="current-number" {}
                        p id="current-info" {}
                        div class="actions" {
                            (action("recall", "desk-recall", "R"))
                            (action("start", "desk-start", "S"))
                            (action("finish", "desk-finish", "F"))
                            (action("no-show", "desk-no-show", "X"))
                            (action("hold", "desk-hold", "H"))
                            (action("return", "desk-return", "B"))
                            (action("transfer-toggle", "desk-transfer", "T"))
                        }
                        form id="transfer-form" hidden {
                            fieldset {
                                legend { (i18n("desk-transfer-to")) }
                                label for="xfer-service" { (i18n("desk-to-service")) }
                                select id="xfer-service" {}
                                label for="xfer-desk" { (i18n("desk-to-desk")) }
                                select id="xfer-desk" {}
                                label for="xfer-staff" { (i18n("desk-to-staff")) }
                                select id="xfer-staff" {}
                                div class="check" {
                                    input type="checkbox" id="xfer-keep" checked;
                                    label for="xfer-keep" { (i18n("desk-keep-place")) }
                                }
                                p class="help" { (i18n("desk-transfer-help")) }
                                button type="submit" id="xfer-go" class="primary" { (i18n("desk-transfer-go")) }
                            }
                        }
                    }
                }
                div id="side" {
                section id="parked" class="card" aria-labelledby="parked-h" {
                    h2 id="parked-h" { (i18n("desk-parked")) " " span id="parked-count" {} }
                    p id="parked-empty" { (i18n("desk-nobody-parked")) }
                    p class="help" { (i18n("desk-parked-help")) }
                    ul id="parked-list" class="parked" {}
                }
                section id="queue" class="card" aria-labelledby="queue-h" {
                    h2 id="queue-h" { (i18n("desk-waiting")) " " span id="waiting-count" {} }
                    p id="waiting-empty" { (i18n("desk-nobody-waiting")) }
                    table id="waiting" {
                        caption class="visually-hidden" { (i18n("desk-waiting")) }
                        thead {
                            tr {
                                th scope="col" { (i18n("desk-number")) }
                                th scope="col" { (i18n("desk-service")) }
                                th scope="col" { (i18n("desk-waited")) }
                                th scope="col" { (i18n("desk-priority")) }
                                th scope="col" { (i18n("desk-details")) }
                                th scope="col" { (i18n("desk-why")) }
                                th scope="col" id="call-col" { (i18n("desk-call-this")) }
                            }
                        }
                        tbody {}
                    }
                }
                }
                section id="reception" class="card" aria-labelledby="reception-h" {
                    h2 id="reception-h" { (i18n("desk-reception")) }
                    details id="rx-new" {
                        summary { (i18n("desk-new-ticket")) }
                        form id="rx-form" {
                            p class="help" { (i18n("desk-new-ticket-help")) }
                            label for="rx-service" { (i18n("desk-service")) }
                            select id="rx-service" required {}
                            label for="rx-priority" { (i18n("desk-priority")) }
                            select id="rx-priority" {
                                @for p in ["standard", "priority", "urgent"] {
                                    option value=(p) data-i18n=(format!("staff-priority-{p}")) { (texts::t(LANG, &format!("staff-priority-{p}"))) }
                                }
                            }
                            label for="rx-language" { (i18n("desk-language")) }
                            select id="rx-language" {
                                @for l in texts::LANGUAGES {
                                    option value=(l.code) lang=(l.code) { (l.native_name) }
                                }
                            }
                            div class="check" {
                                input type="checkbox" id="rx-mediator";
                                label for="rx-mediator" { (i18n("desk-needs-mediator")) }
                            }
                            label for="rx-party" { (i18n("desk-party")) }
                            input type="number" id="rx-party" min="1" max="30" value="1";
                            // The site's kiosks with a printer are added by desk.js (their health reports).
                            label for="rx-print" { (i18n("desk-print-at")) }
                            select id="rx-print" {
                                option value="" data-i18n="desk-print-here" { (texts::t(LANG, "desk-print-here")) }
                            }
                            button type="submit" id="rx-go" class="primary" { (i18n("desk-issue")) }
                        }
                        div id="rx-result" hidden {
                            p id="rx-number" class="current-number" {}
                            p id="rx-info" {}
                            p id="rx-print-status" role="status" hidden {}
                            img id="rx-qr" alt="" width="200" height="200";
                            p { a id="rx-link" href="#" target="_blank" rel="noopener" { (i18n("desk-ticket-page")) } }
                        }
                    }
                    div id="caps" hidden {
                        h3 { (i18n("desk-full-today")) }
                        p class="help" { (i18n("desk-full-help")) }
                        ul id="caps-list" class="parked" {}
                    }
                    form id="find-form" class="find" {
                        label for="find-number" { (i18n("desk-find-ticket")) }
                        div class="row" {
                            input id="find-number" autocomplete="off" placeholder="A012";
                            button type="submit" id="find-go" { (i18n("desk-find")) }
                        }
                        p id="find-result" role="status" aria-live="polite" {}
                    }
                }
                // Follow-ups (issue 16): book one (no name: the person keeps the code), the day's list.
                section id="appts" class="card" aria-labelledby="appts-h" {
                    h2 id="appts-h" { (i18n("desk-appointments")) }
                    details id="ap-new" {
                        summary { (i18n("desk-book-follow-up")) }
                        form id="ap-form" {
                            p class="help" { (i18n("desk-book-help")) }
                            label for="ap-service" { (i18n("desk-service")) }
                            select id="ap-service" required {}
                            label for="ap-date" { (i18n("desk-date")) }
                            input type="date" id="ap-date" required;
                            label for="ap-duration" { (i18n("desk-duration")) }
                            select id="ap-duration" {}
                            label for="ap-mediator" { (i18n("desk-mediator-language")) }
                            select id="ap-mediator" {
                                option value="" data-i18n="desk-none" { (texts::t(LANG, "desk-none")) }
                                @for l in texts::LANGUAGES {
                                    option value=(l.code) lang=(l.code) { (l.native_name) }
                                }
                            }
                            label for="ap-second" { (i18n("desk-second-staff")) }
                            select id="ap-second" {
                                option value="" data-i18n="desk-none" { (texts::t(LANG, "desk-none")) }
                            }
                            fieldset id="ap-slots-box" {
                                legend { (i18n("desk-free-slots")) }
                                div id="ap-slots" class="slots" {}
                                p id="ap-slots-none" hidden { (i18n("desk-no-free-slots")) }
                            }
                            p id="ap-error" class="error" role="alert" {}
                        }
                        // The slip: all that prints (desk.css, @media print).
                        div id="ap-slip" class="slip" hidden {
                            p class="slip-title" { (i18n("desk-slip-title")) }
                            p id="ap-when" class="slip-when" {}
                            p id="ap-what" {}
                            p class="slip-label" { (i18n("desk-slip-code")) }
                            p id="ap-code" class="slip-code" {}
                            img id="ap-qr" alt="" width="180" height="180";
                            p class="slip-help" { (i18n("desk-slip-help")) }
                            p class="help no-print" { (i18n("desk-code-once")) }
                            button type="button" id="ap-print" class="primary no-print" { (i18n("desk-print-slip")) }
                        }
                    }
                    h3 id="ap-day-h" { (i18n("desk-appointments-of")) }
                    div class="row" {
                        label for="ap-day" { (i18n("desk-date")) }
                        input type="date" id="ap-day";
                        button type="button" id="ap-today" { (i18n("desk-today")) }
                    }
                    p id="ap-day-empty" { (i18n("desk-no-appointments")) }
                    table id="ap-list" hidden {
                        caption class="visually-hidden" { (i18n("desk-appointments-of")) }
                        thead {
                            tr {
                                th scope="col" { (i18n("desk-time")) }
                                th scope="col" { (i18n("desk-code")) }
                                th scope="col" { (i18n("desk-service")) }
                                th scope="col" { (i18n("desk-duration")) }
                                th scope="col" { (i18n("desk-second-staff")) }
                                th scope="col" { (i18n("desk-col-mediator")) }
                                th scope="col" { (i18n("desk-state")) }
                                th scope="col" { (i18n("desk-change")) }
                            }
                        }
                        tbody {}
                    }
                    p id="ap-msg" role="status" aria-live="polite" {}
                }
                dialog id="ap-cancel-dialog" aria-labelledby="ap-cancel-h" {
                    h2 id="ap-cancel-h" { (i18n("desk-cancel-title")) }
                    p id="ap-cancel-what" {}
                    div class="row" {
                        button type="button" id="ap-cancel-yes" class="primary" { (i18n("desk-cancel-yes")) }
                        button type="button" id="ap-cancel-no" { (i18n("desk-cancel-no")) }
                    }
                }
                dialog id="ap-move-dialog" aria-labelledby="ap-move-h" {
                    h2 id="ap-move-h" { (i18n("desk-move-title")) }
                    p id="ap-move-what" {}
                    label for="ap-move-date" { (i18n("desk-date")) }
                    input type="date" id="ap-move-date";
                    fieldset {
                        legend { (i18n("desk-free-slots")) }
                        div id="ap-move-slots" class="slots" {}
                        p id="ap-move-none" hidden { (i18n("desk-no-free-slots")) }
                    }
                    p id="ap-move-error" class="error" role="alert" {}
                    button type="button" id="ap-move-close" { (i18n("desk-move-close")) }
                }
                dialog id="logout-dialog" aria-labelledby="logout-h" {
                    h2 id="logout-h" { (i18n("desk-logout-title")) }
                    p id="logout-called" hidden {}
                    div class="row" {
                        button type="button" id="logout-pause" class="primary" { (i18n("desk-logout-pause")) }
                        button type="button" id="logout-close" class="primary" { (i18n("desk-logout-close")) }
                        button type="button" id="logout-stay" { (i18n("desk-logout-stay")) }
                    }
                }
                section id="alerts-box" class="card" aria-labelledby="alerts-h" {
                    h2 id="alerts-h" { (i18n("desk-alerts")) }
                    div role="log" aria-live="assertive" { ul id="alerts" {} }
                    div class="check" {
                        input type="checkbox" id="sound";
                        label for="sound" { (i18n("desk-sound")) }
                    }
                    p class="help" { (i18n("desk-shortcuts")) }
                }
            }
        }
    };
    shell::render(shell, body)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every text id the page and `desk.js` use exists in every staff language.
    #[test]
    fn every_text_the_desk_uses_exists_in_every_staff_language() {
        let page = render();
        let script = include_str!("../../web/desk/desk.js");
        let mut ids: Vec<String> =
            page.split("data-i18n=\"").skip(1).map(|p| p[..p.find('"').unwrap()].to_owned()).collect();
        // Calls of `t("…")` and `tOr("…")`, not of `store.set("…")`.
        for call in ["t(\"", "tOr(\""] {
            for (at, _) in script.match_indices(call) {
                let before = script[..at].chars().next_back().unwrap_or(' ');
                if !(before.is_alphanumeric() || before == '_' || before == '.') {
                    let rest = &script[at + call.len()..];
                    ids.push(rest[..rest.find('"').unwrap()].to_owned());
                }
            }
        }
        // Ids the script builds from API values: each value's text.
        for prefix in
            ["staff-desk-", "staff-status-", "staff-priority-", "staff-alert-", "desk-reason-", "desk-appt-state-"]
        {
            assert!(script.contains(&format!("\"{prefix}\" +")), "{prefix}");
        }
        ids.retain(|id| !id.ends_with('-'));
        assert!(ids.len() > 60, "{ids:?}");
        // …and every value the engine can send has its word.
        use queue_core::{DeskStatus, Priority, Status};
        let word = |v: serde_json::Value| v.as_str().unwrap().to_owned();
        for s in Status::ALL {
            ids.push(format!("staff-status-{}", s.as_str()));
        }
        for p in Priority::ALL {
            ids.push(format!("staff-priority-{}", word(serde_json::to_value(p).unwrap())));
        }
        for d in [DeskStatus::Closed, DeskStatus::Open, DeskStatus::Paused] {
            ids.push(format!("staff-desk-{}", word(serde_json::to_value(d).unwrap())));
        }
        ids.extend(["help_requested", "printer_failure", "kiosk_flood", "other"].map(|k| format!("staff-alert-{k}")));
        // A booking's states (`BookingView::state`), its two buttons with their labels, and the
        // refusals of booking, moving and cancelling (`api::appointments`).
        ids.extend(["booked", "checked_in", "missed", "cancelled"].map(|k| format!("desk-appt-state-{k}")));
        for b in ["desk-appt-move", "desk-appt-cancel"] {
            ids.extend([b.to_owned(), format!("{b}-label")]);
        }
        ids.extend(
            ["slot_taken", "appointment_cap_reached", "appointment_not_booked"].map(|k| format!("desk-err-{k}")),
        );
        for r in [
            "urgent",
            "appointment",
            "appointment_later",
            "priority_group",
            "waited_past_target",
            "reserved_for_desk",
            "reserved_for_you",
            "reserved_elsewhere",
            "mediator_elsewhere",
            "walk_in_guard",
        ] {
            ids.push(format!("desk-reason-{r}"));
        }
        for l in texts::staff_languages() {
            let known = texts::builtin().ids(l.code, None);
            for id in &ids {
                assert!(known.contains(id), "{}: the desk page uses {id}, which it does not have", l.code);
            }
        }
        assert!(page.contains("Chiama il prossimo"), "written in Italian before the script runs");
        assert!(page.contains(r#"<script type="application/json" id="sportello-texts">"#));
    }
}
