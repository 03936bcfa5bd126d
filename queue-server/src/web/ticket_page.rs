//! The visitor's ticket page: number, public label, status, people ahead, estimated wait, and
//! "Go to Sportello 3" when called. Small, readable without JavaScript (a refresh fallback),
//! no personal data, nothing from other sites. `ticket.js` re-reads this same page while it is live.
//! Its texts are `texts/locales/<lang>/{ticket,common}.ftl`.

use super::shell::{self, Shell};
use maud::{Markup, html};
use queue_core::Status;
use queue_core::wire::PublicTicket;
use texts::id;

/// Seconds between refreshes without JavaScript.
const REFRESH_S: u32 = 20;

/// The language the page is written in: the ticket's, when Sportello has texts in it, else Italian.
pub fn page_language(lang: &str) -> &'static str {
    texts::language(lang).map_or(texts::DEFAULT_LANGUAGE, |l| l.code)
}

fn page(lang: &str, title: &str, live: bool, body: Markup) -> String {
    let head = html! {
        @if live {
            noscript { meta http-equiv="refresh" content=(REFRESH_S); }
        }
    };
    let scripts: &[&str] = if live { &["/assets/ticket.js"] } else { &[] };
    shell::render(Shell { lang, title, styles: &["/assets/ticket.css"], scripts, texts: None, head }, body)
}

fn status_text(lang: &str, s: Status) -> String {
    let key = match s {
        Status::Waiting => id::TICKET_WAITING,
        Status::Called => id::TICKET_CALLED,
        Status::Serving => id::TICKET_SERVING,
        Status::OnHold => id::TICKET_ON_HOLD,
        Status::Done => id::TICKET_DONE,
        Status::NoShow => id::TICKET_NO_SHOW,
        Status::Cancelled => id::TICKET_CANCELLED,
        Status::Expired => id::TICKET_EXPIRED,
    };
    texts::t(lang, key)
}

/// "about 9 min", or "less than a minute".
pub fn wait_text(lang: &str, seconds: u32) -> String {
    if seconds < 60 {
        texts::t(lang, id::TICKET_UNDER_A_MINUTE)
    } else {
        texts::tf(lang, id::TICKET_ABOUT_MINUTES, &[("n", seconds.div_ceil(60).into())])
    }
}

/// The estimated wait as the page says it: "about 9 min", "between 15 and 25 min" where
/// uncertain, or "No desk open now" (no number is invented).
pub fn estimate_text(lang: &str, wait_s: Option<u32>, range_s: Option<[u32; 2]>) -> String {
    match (wait_s, range_s) {
        (None, _) => texts::t(lang, id::NO_DESK_OPEN),
        (Some(_), Some([lo, hi])) => {
            let (lo, hi) = texts::range_minutes(lo, hi);
            texts::tf(lang, id::TICKET_BETWEEN_MINUTES, &[("lo", lo.into()), ("hi", hi.into())])
        }
        (Some(w), None) => wait_text(lang, w),
    }
}

/// The page of a ticket in `lang` (see [`page_language`]). `label` is the service's public label in it;
/// `opens_again`, for a ticket that expired when the office closed, when it opens next (local time).
pub fn render(lang: &str, p: &PublicTicket, label: &str, opens_again: Option<&str>) -> String {
    let t = |key| texts::t(lang, key);
    let live = matches!(p.status, Status::Waiting | Status::Called | Status::Serving | Status::OnHold);
    let called = p.status == Status::Called;
    let title = format!("{} {} – {}", t(id::TICKET_TITLE), p.number, status_text(lang, p.status));
    let body = html! {
        main id="ticket" class={ "status-" (p.status.as_str()) } data-live=(live) data-status=(p.status.as_str()) {
            h1 class="visually-hidden" { (t(id::TICKET_TITLE)) }
            p class="label" { (t(id::TICKET_YOUR_NUMBER)) }
            p class="number" id="number" { (p.number) }
            p class="service" { (label) }
            div id="state" role="status" aria-live="assertive" {
                @if called {
                    p class="turn" { (t(id::TICKET_CALLED)) }
                    p class="go" {
                        span class="go-to" { (t(id::TICKET_GO_TO)) } " "
                        strong class="desk" id="desk" { (p.desk_label.as_deref().unwrap_or("")) }
                    }
                } @else {
                    p class="status" id="status" { (status_text(lang, p.status)) }
                    @if p.status == Status::Serving || p.status == Status::OnHold {
                        @if let Some(d) = &p.desk_label { p class="desk-small" { (d) } }
                    }
                    @if p.status == Status::Expired {
                        @if let Some(when) = opens_again {
                            p class="opens" id="opens" { (texts::tf(lang, id::TICKET_OPENS_AGAIN, &[("when", when.into())])) }
                        }
                        p { (t(id::TICKET_EXPIRED_WHAT_NOW)) }
                    }
                }
            }
            @if p.status == Status::Waiting {
                dl class="figures" {
                    div { dt { (t(id::PEOPLE_AHEAD)) } dd id="ahead" { (p.people_ahead) } }
                    div { dt { (t(id::ESTIMATED_WAIT)) } dd id="wait" { (estimate_text(lang, p.estimated_wait_s, p.estimated_wait_range_s)) } }
                }
            }
        }
        footer {
            @if live { p { (t(id::TICKET_UPDATES)) } }
            p { (t(id::TICKET_PRIVACY)) }
        }
    };
    page(lang, &title, live, body)
}

/// A wrong or expired code: a kind page, in the phone's language.
pub fn not_found(lang: &str) -> String {
    let title = texts::t(lang, id::TICKET_NOT_FOUND_TITLE);
    let body = html! {
        main id="ticket" class="not-found" data-live="false" {
            h1 { (title) }
            p { (texts::t(lang, id::TICKET_NOT_FOUND_TEXT)) }
        }
        footer { p { (texts::t(lang, id::TICKET_PRIVACY)) } }
    };
    page(lang, &title, false, body)
}

/// Too many look-ups from one address.
pub fn too_many(lang: &str) -> String {
    let title = texts::t(lang, id::TICKET_TITLE);
    let body = html! {
        main id="ticket" class="not-found" data-live="false" {
            h1 { (title) }
            p { (texts::t(lang, id::TICKET_TOO_MANY)) }
        }
    };
    page(lang, &title, false, body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_in_each_language() {
        assert_eq!(wait_text("it", 30), "meno di un minuto");
        assert_eq!(wait_text("en", 540), "about 9 min");
        assert_eq!(wait_text("ar", 120), "حوالي دقيقتين");
        assert_eq!(wait_text("ar", 300), "حوالي 5 دقائق");
        assert_eq!(page_language("de"), "it");
        assert_eq!(estimate_text("en", None, None), "No desk open now");
        assert_eq!(estimate_text("en", Some(1200), Some([800, 1700])), "between 10 and 30 min");
        assert_eq!(estimate_text("it", Some(1200), Some([900, 1500])), "tra 15 e 25 min");
        assert_eq!(estimate_text("uk", Some(90), None), "близько 2 хв");
        assert_eq!(page_language("uk"), "uk");
    }
}
