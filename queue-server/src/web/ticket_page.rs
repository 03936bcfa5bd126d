//! The visitor's ticket page: number, public label, status, people ahead, estimated wait, and
//! "Go to Sportello 3" when called. Small, readable without JavaScript (a refresh fallback),
//! no personal data, nothing from other sites. `ticket.js` re-reads this same page while it is live.

use super::texts::TicketTexts;
use maud::{DOCTYPE, Markup, html};
use queue_core::Status;
use queue_core::wire::PublicTicket;

/// Seconds between refreshes without JavaScript.
const REFRESH_S: u32 = 20;

fn shell(t: &TicketTexts, title: &str, live: bool, body: Markup) -> String {
    html! {
        (DOCTYPE)
        html lang=(t.lang) dir=(if t.rtl { "rtl" } else { "ltr" }) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="referrer" content="no-referrer";
                meta name="robots" content="noindex, nofollow";
                @if live {
                    noscript { meta http-equiv="refresh" content=(REFRESH_S); }
                }
                title { (title) }
                link rel="stylesheet" href="/assets/ticket.css";
                @if live {
                    script src="/assets/ticket.js" defer {}
                }
            }
            body {
                (body)
            }
        }
    }
    .into_string()
}

fn status_text(t: &TicketTexts, s: Status) -> &'static str {
    match s {
        Status::Waiting => t.waiting,
        Status::Called => t.called,
        Status::Serving => t.serving,
        Status::OnHold => t.on_hold,
        Status::Done => t.done,
        Status::NoShow => t.no_show,
        Status::Cancelled => t.cancelled,
    }
}

/// The page of a ticket. `label` is the service's public label in the ticket's language.
pub fn render(t: &TicketTexts, p: &PublicTicket, label: &str) -> String {
    let live = matches!(p.status, Status::Waiting | Status::Called | Status::Serving | Status::OnHold);
    let called = p.status == Status::Called;
    let title = format!("{} {} – {}", t.title, p.number, status_text(t, p.status));
    let body = html! {
        main id="ticket" class={ "status-" (p.status.as_str()) } data-live=(live) data-status=(p.status.as_str()) {
            h1 class="visually-hidden" { (t.title) }
            p class="label" { (t.your_number) }
            p class="number" id="number" { (p.number) }
            p class="service" { (label) }
            div id="state" role="status" aria-live="assertive" {
                @if called {
                    p class="turn" { (t.called) }
                    p class="go" {
                        span class="go-to" { (t.go_to) } " "
                        strong class="desk" id="desk" { (p.desk_label.as_deref().unwrap_or("")) }
                    }
                } @else {
                    p class="status" id="status" { (status_text(t, p.status)) }
                    @if p.status == Status::Serving || p.status == Status::OnHold {
                        @if let Some(d) = &p.desk_label { p class="desk-small" { (d) } }
                    }
                }
            }
            @if p.status == Status::Waiting {
                dl class="figures" {
                    div { dt { (t.people_ahead) } dd id="ahead" { (p.people_ahead) } }
                    div { dt { (t.estimated_wait) } dd id="wait" { (t.wait(p.estimated_wait_s)) } }
                }
            }
        }
        footer {
            @if live { p { (t.updates) } }
            p { (t.privacy) }
        }
    };
    shell(t, &title, live, body)
}

/// A wrong or expired code: a kind page, in the phone's language.
pub fn not_found(t: &TicketTexts) -> String {
    let body = html! {
        main id="ticket" class="not-found" data-live="false" {
            h1 { (t.not_found_title) }
            p { (t.not_found_text) }
        }
        footer { p { (t.privacy) } }
    };
    shell(t, t.not_found_title, false, body)
}

/// Too many look-ups from one address.
pub fn too_many(t: &TicketTexts) -> String {
    let body = html! {
        main id="ticket" class="not-found" data-live="false" {
            h1 { (t.title) }
            p { (t.too_many) }
        }
    };
    shell(t, t.title, false, body)
}
