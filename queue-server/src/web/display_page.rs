//! The web display for TVs that only have a browser (`/display/{site}?key=…`): the page's markup;
//! `display.js` does what the slint `display` app does, with the texts of the page
//! (`texts/locales/<lang>/{display,common}.ftl` of every visitor language). No inline script or style.

use super::shell::{self, Shell};
use maud::html;
use texts::id;

/// The page for a site whose screen language (its first) is `lang`.
pub fn render(lang: &str) -> String {
    let lang = texts::language(lang).map_or(texts::DEFAULT_LANGUAGE, |l| l.code);
    let langs: Vec<&str> = texts::LANGUAGES.iter().map(|l| l.code).collect();
    let exported =
        texts::builtin().export(&langs, &["display", "common"]).expect("the display's texts carry to the browser");
    // For the person setting up the TV: the site's language, and English beside it.
    let both = |key: &str| {
        let own = texts::t(lang, key);
        if lang == "en" { own } else { format!("{own} · {}", texts::t("en", key)) }
    };
    let rtl: Vec<&str> = texts::LANGUAGES.iter().filter(|l| l.rtl).map(|l| l.code).collect();
    let shell = Shell {
        lang,
        title: "Sportello – display",
        styles: &["/assets/display.css"],
        scripts: &["/assets/display.js"],
        texts: Some(exported),
        head: html! {},
    };
    let body = html! {
        div id="app" data-rtl=(rtl.join(" ")) {
            header {
                span id="site" dir="auto" {}
                // For staff: the sound is off or not enabled (small; empty when it works).
                span id="sound-state" role="status" hidden {}
                span id="clock" aria-label="clock" {}
            }
            div id="stale" role="alert" hidden { "⚠\u{a0} " span id="stale-text" {} }
            main {
                section id="latest" aria-live="assertive" {
                    div class="title" id="t-latest" {}
                    div id="latest-body" {
                        div id="latest-number" {}
                        div id="latest-desk" dir="auto" {}
                        div id="no-calls" hidden {}
                    }
                }
                section id="previous" { div class="title" id="t-previous" {} ol id="previous-list" {} }
                section id="queues" {
                    div class="qhead" { span class="title" id="t-waiting" {} span class="title wait" id="t-wait" {} }
                    ul id="queue-list" {}
                }
            }
            footer { div id="ticker-inner" {} }
        }
        button id="sound" hidden { "🔊 " (both(id::DISPLAY_ENABLE_SOUND)) }
        div id="setup" hidden {
            form id="setup-form" {
                strong { "Sportello – display" }
                label { (both(id::DISPLAY_KEY)) " " input id="setup-key" autocomplete="off" required; }
                button type="submit" { "OK" }
            }
        }
    };
    shell::render(shell, body)
}
