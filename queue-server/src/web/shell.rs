//! The one page shell of every server page (desk, ticket, web display, statistics): the head, the
//! language and direction, the styles and deferred scripts of `/assets/`, and the texts a page's
//! script formats (`texts.js`). Nothing inline runs: the pages live under `STRICT_CSP`.

use maud::{DOCTYPE, Markup, PreEscaped, html};

/// What a page puts in the shell.
pub(crate) struct Shell<'a> {
    /// The page's language (its `lang`; `dir` follows from it).
    pub lang: &'a str,
    pub title: &'a str,
    /// Style sheets, e.g. `/assets/desk.css`.
    pub styles: &'a [&'a str],
    /// Scripts, deferred, run in this order (after `texts.js` when there are texts).
    pub scripts: &'a [&'a str],
    /// The messages the page's script formats: `texts::Catalog::export`'s JSON.
    pub texts: Option<serde_json::Value>,
    /// More for the head (e.g. a `<noscript>` refresh).
    pub head: Markup,
}

/// JSON inside `<script type="application/json">`: a data block the browser never runs (so the
/// strict CSP allows it), with `<`, `>` and `&` escaped so no text can close the element.
fn json_block(value: &serde_json::Value) -> Markup {
    let json = value.to_string().replace('<', "\\u003c").replace('>', "\\u003e").replace('&', "\\u0026");
    html! { script type="application/json" id="sportello-texts" { (PreEscaped(json)) } }
}

/// The whole page.
pub(crate) fn render(shell: Shell<'_>, body: Markup) -> String {
    html! {
        (DOCTYPE)
        html lang=(shell.lang) dir=(if texts::is_rtl(shell.lang) { "rtl" } else { "ltr" }) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="referrer" content="no-referrer";
                meta name="robots" content="noindex, nofollow";
                (shell.head)
                title { (shell.title) }
                @for href in shell.styles {
                    link rel="stylesheet" href=(href);
                }
                @if let Some(t) = &shell.texts {
                    (json_block(t))
                    script src="/assets/texts.js" defer {}
                }
                @for src in shell.scripts {
                    script src=(src) defer {}
                }
            }
            body {
                (body)
            }
        }
    }
    .into_string()
}

/// The first language of an `Accept-Language` header that `offered` accepts, else Italian.
pub(crate) fn from_accept_language(header: &str, offered: impl Fn(&str) -> bool) -> &'static str {
    header
        .split(',')
        .filter_map(|part| part.split(';').next())
        .map(|tag| tag.trim().split('-').next().unwrap_or("").to_ascii_lowercase())
        .find_map(|l| texts::LANGUAGES.iter().find(|x| x.code == l && offered(x.code)))
        .map_or(texts::DEFAULT_LANGUAGE, |l| l.code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn languages_from_the_header() {
        assert_eq!(from_accept_language("fr-FR,fr;q=0.9,en;q=0.8", |_| true), "fr");
        assert_eq!(from_accept_language("de", |_| true), "it");
        assert_eq!(from_accept_language("uk,en", |l| texts::language(l).is_some_and(|x| x.staff)), "en");
    }

    #[test]
    fn no_text_can_close_the_json_block() {
        let html = json_block(&serde_json::json!({"x": "</script><script>alert(1)</script> & <!--"})).into_string();
        assert_eq!(html.matches("</script>").count(), 1, "{html}");
        assert!(!html.contains("<!--") && !html.contains("&"), "{html}");
        let inner = &html[html.find('>').unwrap() + 1..html.rfind("</script>").unwrap()];
        let back: serde_json::Value = serde_json::from_str(inner).unwrap();
        assert_eq!(back["x"], "</script><script>alert(1)</script> & <!--");
    }

    #[test]
    fn the_shell_has_the_language_its_direction_and_no_inline_code() {
        let shell = Shell {
            lang: "ar",
            title: "t",
            styles: &["/assets/ticket.css"],
            scripts: &["/assets/ticket.js"],
            texts: Some(serde_json::json!({})),
            head: html! {},
        };
        let page = render(shell, html! { p { "x" } });
        assert!(page.starts_with("<!DOCTYPE html><html lang=\"ar\" dir=\"rtl\">"), "{page}");
        assert!(
            page.contains(r#"<script src="/assets/texts.js" defer></script><script src="/assets/ticket.js" defer>"#)
        );
        assert!(!page.contains("style=") && !page.contains("<style"), "{page}");
    }
}
