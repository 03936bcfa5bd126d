//! The visitor's ticket page `/t/{token}` behind the QR code: number, public label, status,
//! people ahead, estimated wait, "go to Sportello 3" when called — in the ticket's language,
//! right-to-left for Arabic. Small, readable without JavaScript (it refreshes itself), no
//! personal data, nothing from other sites; a little script polls the public API to stay live.

use crate::api::tickets::{ClientIp, lookup_ticket};
use crate::state::AppState;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use maud::{DOCTYPE, Markup, PreEscaped, html};
use queue_core::Status;
use queue_core::wire::PublicTicket;

/// Every text of the page, per language (the kiosk's six).
struct Texts {
    lang: &'static str,
    rtl: bool,
    title: &'static str,
    waiting: &'static str,
    called: &'static str,
    go_to: &'static str,
    serving: &'static str,
    on_hold: &'static str,
    done: &'static str,
    no_show: &'static str,
    cancelled: &'static str,
    ahead: &'static str,
    wait: &'static str,
    live: &'static str,
    privacy: &'static str,
    not_found: &'static str,
    not_found_text: &'static str,
}

const TEXTS: &[Texts] = &[
    Texts {
        lang: "it",
        rtl: false,
        title: "Il tuo biglietto",
        waiting: "In attesa",
        called: "Tocca a te!",
        go_to: "Vai a {desk}",
        serving: "Sei servito a {desk}",
        on_hold: "Il tuo posto è tenuto. Torna allo sportello quando sei pronto.",
        done: "Finito. Grazie!",
        no_show: "Sei stato chiamato ma non sei venuto. Chiedi all'accoglienza.",
        cancelled: "Questo biglietto è stato annullato. Chiedi all'accoglienza.",
        ahead: "Persone prima di te: {n}",
        wait: "Attesa stimata: circa {m} minuti",
        live: "Questa pagina si aggiorna da sola.",
        privacy: "Nessun dato personale viene salvato.",
        not_found: "Biglietto non trovato",
        not_found_text: "Il codice non è valido o è scaduto. Chiedi all'accoglienza.",
    },
    Texts {
        lang: "en",
        rtl: false,
        title: "Your ticket",
        waiting: "Waiting",
        called: "It's your turn!",
        go_to: "Go to {desk}",
        serving: "You are being served at {desk}",
        on_hold: "Your place is kept. Go back to the desk when you are ready.",
        done: "Finished. Thank you!",
        no_show: "You were called but did not come. Please ask at reception.",
        cancelled: "This ticket was cancelled. Please ask at reception.",
        ahead: "People before you: {n}",
        wait: "Estimated wait: about {m} minutes",
        live: "This page updates by itself.",
        privacy: "No personal data is stored.",
        not_found: "Ticket not found",
        not_found_text: "This code is not valid or has expired. Please ask at reception.",
    },
    Texts {
        lang: "fr",
        rtl: false,
        title: "Votre ticket",
        waiting: "En attente",
        called: "C'est votre tour !",
        go_to: "Allez à {desk}",
        serving: "Vous êtes reçu à {desk}",
        on_hold: "Votre place est gardée. Revenez au guichet quand vous êtes prêt.",
        done: "Terminé. Merci !",
        no_show: "Vous avez été appelé mais vous n'êtes pas venu. Demandez à l'accueil.",
        cancelled: "Ce ticket a été annulé. Demandez à l'accueil.",
        ahead: "Personnes avant vous : {n}",
        wait: "Attente estimée : environ {m} minutes",
        live: "Cette page se met à jour toute seule.",
        privacy: "Aucune donnée personnelle n'est enregistrée.",
        not_found: "Ticket introuvable",
        not_found_text: "Ce code n'est pas valable ou a expiré. Demandez à l'accueil.",
    },
    Texts {
        lang: "ar",
        rtl: true,
        title: "تذكرتك",
        waiting: "في الانتظار",
        called: "حان دورك!",
        go_to: "اذهب إلى {desk}",
        serving: "تتم خدمتك في {desk}",
        on_hold: "مكانك محفوظ. عد إلى المكتب عندما تكون جاهزًا.",
        done: "انتهى. شكرًا لك!",
        no_show: "تم مناداتك ولكنك لم تحضر. اسأل في الاستقبال.",
        cancelled: "تم إلغاء هذه التذكرة. اسأل في الاستقبال.",
        ahead: "عدد الأشخاص قبلك: {n}",
        wait: "الانتظار المتوقع: حوالي {m} دقيقة",
        live: "تتحدث هذه الصفحة تلقائيًا.",
        privacy: "لا يتم حفظ أي بيانات شخصية.",
        not_found: "التذكرة غير موجودة",
        not_found_text: "هذا الرمز غير صالح أو انتهت صلاحيته. اسأل في الاستقبال.",
    },
    Texts {
        lang: "ro",
        rtl: false,
        title: "Bonul dumneavoastră",
        waiting: "În așteptare",
        called: "E rândul dumneavoastră!",
        go_to: "Mergeți la {desk}",
        serving: "Sunteți servit la {desk}",
        on_hold: "Locul vă este păstrat. Reveniți la ghișeu când sunteți gata.",
        done: "Gata. Mulțumim!",
        no_show: "Ați fost chemat, dar nu ați venit. Întrebați la recepție.",
        cancelled: "Acest bon a fost anulat. Întrebați la recepție.",
        ahead: "Persoane înaintea dumneavoastră: {n}",
        wait: "Așteptare estimată: aproximativ {m} minute",
        live: "Această pagină se actualizează singură.",
        privacy: "Nu se salvează date personale.",
        not_found: "Bonul nu a fost găsit",
        not_found_text: "Codul nu este valid sau a expirat. Întrebați la recepție.",
    },
    Texts {
        lang: "uk",
        rtl: false,
        title: "Ваш талон",
        waiting: "Очікування",
        called: "Ваша черга!",
        go_to: "Підійдіть до: {desk}",
        serving: "Вас обслуговують: {desk}",
        on_hold: "Ваше місце збережено. Поверніться до віконця, коли будете готові.",
        done: "Завершено. Дякуємо!",
        no_show: "Вас викликали, але ви не підійшли. Зверніться на рецепцію.",
        cancelled: "Цей талон скасовано. Зверніться на рецепцію.",
        ahead: "Людей перед вами: {n}",
        wait: "Орієнтовне очікування: близько {m} хв",
        live: "Ця сторінка оновлюється сама.",
        privacy: "Жодні персональні дані не зберігаються.",
        not_found: "Талон не знайдено",
        not_found_text: "Цей код недійсний або застарів. Зверніться на рецепцію.",
    },
];

fn texts(lang: &str) -> &'static Texts {
    TEXTS.iter().find(|t| t.lang == lang).unwrap_or(&TEXTS[0])
}

const CSP: &str = "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; \
                   img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; form-action 'none'";

const STYLE: &str = "body{margin:0;font-family:'Noto Sans',system-ui,sans-serif;background:#f5f4f0;color:#1a1a1a}\
main{max-width:32rem;margin:0 auto;padding:1.5rem 1rem;text-align:center}\
.site{color:#555;margin:0}h1{font-size:4.5rem;margin:.5rem 0;color:#0b5cad;letter-spacing:.03em}\
.label{font-size:1.5rem;margin:0 0 1rem}.status{font-size:1.4rem;font-weight:700;padding:.8rem;border-radius:.6rem;background:#fff}\
.called .status{background:#0b5cad;color:#fff;font-size:2rem}.go{font-size:2.2rem;font-weight:800;margin:1rem 0}\
.facts{font-size:1.2rem}.small{color:#555;font-size:.9rem;margin-top:2rem}";

fn page(lang: &str, rtl: bool, title: &str, refresh: bool, body: Markup) -> Response {
    let markup = html! {
        (DOCTYPE)
        html lang=(lang) dir=(if rtl { "rtl" } else { "ltr" }) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="referrer" content="no-referrer";
                @if refresh { noscript { meta http-equiv="refresh" content="20"; } }
                title { (title) }
                style { (PreEscaped(STYLE)) }
            }
            body { (body) }
        }
    };
    (
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CONTENT_SECURITY_POLICY, CSP),
            (header::CACHE_CONTROL, "no-store"),
            (header::REFERRER_POLICY, "no-referrer"),
        ],
        markup.into_string(),
    )
        .into_response()
}

fn fill(template: &str, key: &str, value: &str) -> String {
    template.replace(key, value)
}

/// The status line and the facts under it, as the page first shows them.
fn status_lines(t: &Texts, p: &PublicTicket) -> (String, Option<String>, Vec<String>) {
    let desk = p.desk_label.clone().unwrap_or_default();
    match p.status {
        Status::Waiting => (
            t.waiting.into(),
            None,
            vec![
                fill(t.ahead, "{n}", &p.people_ahead.to_string()),
                fill(t.wait, "{m}", &p.estimated_wait_s.div_ceil(60).to_string()),
            ],
        ),
        Status::Called => (t.called.into(), Some(fill(t.go_to, "{desk}", &desk)), vec![]),
        Status::Serving => (fill(t.serving, "{desk}", &desk), None, vec![]),
        Status::OnHold => (t.on_hold.into(), None, vec![]),
        Status::Done => (t.done.into(), None, vec![]),
        Status::NoShow => (t.no_show.into(), None, vec![]),
        Status::Cancelled => (t.cancelled.into(), None, vec![]),
    }
}

/// The live part: polls the public API (5 s) and redraws; stops on 404.
const SCRIPT: &str = r#"(function(){var T=JSON.parse(document.getElementById('texts').textContent);
var url='/api/v1/public/tickets/'+location.pathname.split('/').pop();function f(s,k,v){return s.split(k).join(v);}
function draw(p){var m=document.querySelector('main');m.className=p.status;var d=p.desk_label||'';
var st=document.getElementById('status'),go=document.getElementById('go'),fa=document.getElementById('facts');
var s={waiting:T.waiting,called:T.called,serving:f(T.serving,'{desk}',d),on_hold:T.on_hold,done:T.done,no_show:T.no_show,cancelled:T.cancelled}[p.status]||'';
st.textContent=s;go.textContent=p.status==='called'?f(T.go_to,'{desk}',d):'';go.hidden=p.status!=='called';
fa.textContent='';if(p.status==='waiting'){[f(T.ahead,'{n}',p.people_ahead),f(T.wait,'{m}',Math.ceil(p.estimated_wait_s/60))].forEach(function(x){var e=document.createElement('p');e.textContent=x;fa.appendChild(e);});}
return ['done','no_show','cancelled'].indexOf(p.status)<0;}
function poll(){fetch(url,{cache:'no-store'}).then(function(r){if(r.status===404)return null;return r.ok?r.json():{};}).then(function(p){if(p===null)return;if(!p.status||draw(p))setTimeout(poll,5000);}).catch(function(){setTimeout(poll,10000);});}
setTimeout(poll,5000);})();"#;

pub fn routes() -> Router<AppState> {
    Router::new().route("/t/{token}", get(ticket_page))
}

/// `/t/{token}`: the live ticket page, or a kind "not found" in every language.
async fn ticket_page(State(state): State<AppState>, ClientIp(ip): ClientIp, Path(token): Path<String>) -> Response {
    if let Err(e) = state.limits.lookup(ip) {
        return e.into_response();
    }
    let (ticket, public) = match lookup_ticket(&state, &token).await {
        Ok(found) => found,
        Err(e) if e.status == StatusCode::NOT_FOUND => {
            let body = html! {
                main {
                    @for t in TEXTS {
                        section lang=(t.lang) dir=(if t.rtl { "rtl" } else { "ltr" }) {
                            h2 { (t.not_found) }
                            p { (t.not_found_text) }
                        }
                    }
                }
            };
            let mut resp = page("it", false, TEXTS[0].not_found, false, body);
            *resp.status_mut() = StatusCode::NOT_FOUND;
            return resp;
        }
        Err(e) => return e.into_response(),
    };
    let t = texts(&ticket.language);
    let label = state
        .cfg
        .service(&ticket.site, &ticket.service)
        .and_then(|s| s.public_label.get(t.lang).cloned())
        .unwrap_or_else(|| public.service_label.clone());
    let site = state.cfg.site(&ticket.site).map(|s| s.name.clone()).unwrap_or_default();
    let (status, go, facts) = status_lines(t, &public);
    let texts_json = serde_json::json!({
        "waiting": t.waiting, "called": t.called, "go_to": t.go_to, "serving": t.serving,
        "on_hold": t.on_hold, "done": t.done, "no_show": t.no_show, "cancelled": t.cancelled,
        "ahead": t.ahead, "wait": t.wait,
    })
    .to_string()
    .replace('<', "\\u003c");
    let live = !public.status.is_terminal();
    let body = html! {
        main class=(public.status.as_str()) {
            p class="site" { (site) }
            p { (t.title) }
            h1 id="number" dir="ltr" { (public.number) }
            p class="label" { (label) }
            p id="status" class="status" role="status" aria-live="polite" { (status) }
            p id="go" class="go" hidden[go.is_none()] { (go.unwrap_or_default()) }
            div id="facts" class="facts" { @for f in &facts { p { (f) } } }
            @if live { p class="small" { (t.live) } }
            p class="small" { (t.privacy) }
        }
        script id="texts" type="application/json" { (PreEscaped(texts_json)) }
        @if live { script { (PreEscaped(SCRIPT)) } }
    };
    page(t.lang, t.rtl, t.title, live, body)
}
