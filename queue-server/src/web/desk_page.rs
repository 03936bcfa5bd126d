//! The staff desk page's markup: a shell whose texts `desk.js` fills from its Italian and English
//! tables (`data-i18n` keys) and which it drives through API v1. No inline script or style.

use maud::{DOCTYPE, Markup, html};

/// A text the script translates.
fn i18n(key: &str) -> Markup {
    html! { span data-i18n=(key) {} }
}

/// A ticket action: a button and, visible next to it, what it does.
fn action(id: &str, key: &str, key_hint: &str) -> Markup {
    let help = format!("{id}-help");
    html! {
        div class="action" {
            button type="button" id=(id) class="act" aria-describedby=(help) aria-keyshortcuts=(key_hint) disabled {
                (i18n(key)) " " kbd { (key_hint) }
            }
            p class="help" id=(help) { (i18n(&format!("{key}_help"))) }
        }
    }
}

pub fn render() -> String {
    html! {
        (DOCTYPE)
        html lang="it" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="referrer" content="no-referrer";
                meta name="robots" content="noindex, nofollow";
                title { "Sportello – desk" }
                link rel="stylesheet" href="/assets/desk.css";
                script src="/assets/desk.js" defer {}
            }
            body {
                div id="conn" class="conn" role="status" aria-live="assertive" hidden { (i18n("offline")) }
                header class="top" {
                    h1 { "Sportello" span id="desk-title" {} }
                    div class="top-tools" {
                        label for="lang" { (i18n("language")) }
                        select id="lang" {
                            option value="it" { "Italiano" }
                            option value="en" { "English" }
                        }
                        span id="who" {}
                        button type="button" id="change-desk" hidden { (i18n("change_desk")) }
                        button type="button" id="logout" hidden { (i18n("logout")) }
                    }
                }
                noscript { p class="error" { "Questa pagina ha bisogno di JavaScript. / This page needs JavaScript." } }
                main id="main" {
                    section id="login" class="card" hidden aria-labelledby="login-h" {
                        h2 id="login-h" { (i18n("login_title")) }
                        form id="login-form" method="post" action="/api/v1/session" {
                            label for="username" { (i18n("username")) }
                            input id="username" name="username" autocomplete="username" required;
                            label for="password" { (i18n("password")) }
                            input id="password" name="password" type="password" autocomplete="current-password" required;
                            button type="submit" id="login-btn" class="primary" { (i18n("login")) }
                            p id="login-error" class="error" role="alert" {}
                        }
                    }
                    section id="choose" class="card" hidden aria-labelledby="choose-h" {
                        h2 id="choose-h" { (i18n("choose_title")) }
                        label for="site" { (i18n("site")) }
                        select id="site" {}
                        label for="desk-select" { (i18n("desk")) }
                        select id="desk-select" {}
                        button type="button" id="use-desk" class="primary" { (i18n("use_desk")) }
                    }
                    div id="work" hidden {
                        section id="desk-bar" class="card" aria-labelledby="desk-h" {
                            h2 id="desk-h" { (i18n("desk_state")) ": " span id="desk-status" {} }
                            div class="row" {
                                div class="action" {
                                    button type="button" id="open" aria-describedby="open-help" { (i18n("open")) }
                                    p class="help" id="open-help" { (i18n("open_help")) }
                                }
                                div class="action" {
                                    button type="button" id="pause" aria-describedby="pause-help" { (i18n("pause")) }
                                    p class="help" id="pause-help" { (i18n("pause_help")) }
                                }
                                div class="action" {
                                    button type="button" id="close" aria-describedby="close-help" { (i18n("close")) }
                                    p class="help" id="close-help" { (i18n("close_help")) }
                                }
                            }
                            button type="button" id="call-next" class="call" aria-keyshortcuts="N" disabled {
                                (i18n("call_next")) " " kbd { "N" }
                            }
                            p id="message" role="status" aria-live="polite" {}
                        }
                        section id="current" class="card" aria-labelledby="current-h" {
                            h2 id="current-h" { (i18n("current")) }
                            p id="current-none" { (i18n("no_current")) }
                            div id="current-ticket" hidden {
                                p class="current-number" id="current-number" {}
                                p id="current-info" {}
                                div class="actions" {
                                    (action("recall", "recall", "R"))
                                    (action("start", "start", "S"))
                                    (action("finish", "finish", "F"))
                                    (action("no-show", "no_show", "X"))
                                    (action("hold", "hold", "H"))
                                    (action("return", "return", "B"))
                                    (action("transfer-toggle", "transfer", "T"))
                                }
                                form id="transfer-form" hidden {
                                    fieldset {
                                        legend { (i18n("transfer_to")) }
                                        label for="xfer-service" { (i18n("to_service")) }
                                        select id="xfer-service" {}
                                        label for="xfer-desk" { (i18n("to_desk")) }
                                        select id="xfer-desk" {}
                                        label for="xfer-staff" { (i18n("to_staff")) }
                                        select id="xfer-staff" {}
                                        div class="check" {
                                            input type="checkbox" id="xfer-keep" checked;
                                            label for="xfer-keep" { (i18n("keep_place")) }
                                        }
                                        p class="help" { (i18n("transfer_help")) }
                                        button type="submit" id="xfer-go" class="primary" { (i18n("transfer_go")) }
                                    }
                                }
                            }
                        }
                        section id="queue" class="card" aria-labelledby="queue-h" {
                            h2 id="queue-h" { (i18n("waiting")) " " span id="waiting-count" {} }
                            p id="waiting-empty" { (i18n("nobody_waiting")) }
                            table id="waiting" {
                                caption class="visually-hidden" { (i18n("waiting")) }
                                thead {
                                    tr {
                                        th scope="col" { (i18n("number")) }
                                        th scope="col" { (i18n("service")) }
                                        th scope="col" { (i18n("waited")) }
                                        th scope="col" { (i18n("priority")) }
                                        th scope="col" { (i18n("language")) }
                                        th scope="col" { (i18n("needs")) }
                                        th scope="col" { (i18n("party")) }
                                        th scope="col" { (i18n("for")) }
                                        th scope="col" id="call-col" { (i18n("call_this")) }
                                    }
                                }
                                tbody {}
                            }
                        }
                        section id="alerts-box" class="card" aria-labelledby="alerts-h" {
                            h2 id="alerts-h" { (i18n("alerts")) }
                            div role="log" aria-live="assertive" { ul id="alerts" {} }
                            div class="check" {
                                input type="checkbox" id="sound";
                                label for="sound" { (i18n("sound")) }
                            }
                            p class="help" { (i18n("shortcuts")) }
                        }
                    }
                }
            }
        }
    }
    .into_string()
}
