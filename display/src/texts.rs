//! The display's texts: the shared catalogue (`texts` crate, `texts/locales/<lang>/display.ftl`) and how a call is spoken.

pub use ::texts::Catalog as Texts;
use ::texts::id;
pub use ::texts::{is_rtl, spoken_number};

/// A stretch of a sentence and the voice that reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    pub lang: String,
    pub text: String,
}

fn push(parts: &mut Vec<Part>, lang: &str, text: &str) {
    match parts.last_mut() {
        Some(last) if last.lang == lang => last.text.push_str(text),
        _ if text.is_empty() => {}
        _ => parts.push(Part { lang: lang.to_owned(), text: text.to_owned() }),
    }
}

/// Where the desk's name goes while the sentence is cut into voices (a private-use character no
/// translation contains).
const DESK_MARK: &str = "\u{E000}";

/// How a call is read aloud in `lang`: the visitor's sentence in the visitor's voice, its letters by
/// that language's names ("إيه 23", not an English "ay"), and the desk's name — which is in the site's
/// language, `label_lang` — in that language's voice ("Sportello" in Italian inside an Arabic
/// sentence), with the desk's figures back in the visitor's ("Sportello", then "3" in Arabic).
pub fn announcement_parts(
    t: &Texts,
    lang: &str,
    label_lang: &str,
    number: &str,
    desk: &str,
    recall: bool,
) -> Vec<Part> {
    let key = if recall { id::DISPLAY_RECALL } else { id::DISPLAY_CALL };
    let spoken = ::texts::speakable(lang, &spoken_number(number));
    if lang == label_lang {
        let text = t.format(lang, key, &[("number", spoken.into()), ("desk", desk.into())]);
        return vec![Part { lang: lang.to_owned(), text }];
    }
    let sentence = t.format(lang, key, &[("number", spoken.into()), ("desk", DESK_MARK.into())]);
    let mut parts: Vec<Part> = Vec::new();
    let mut pieces = sentence.split(DESK_MARK);
    push(&mut parts, lang, pieces.next().unwrap_or_default());
    for rest in pieces {
        // The desk's words in the site's voice, its figures in the visitor's; a space stays with the
        // voice before it.
        for (i, word) in desk.split(' ').enumerate() {
            if i > 0 {
                let before = parts.last().map_or(lang, |p| p.lang.as_str()).to_owned();
                push(&mut parts, &before, " ");
            }
            let figures = !word.is_empty() && word.chars().all(|c| c.is_ascii_digit());
            push(&mut parts, if figures { lang } else { label_lang }, word);
        }
        push(&mut parts, lang, rest);
    }
    parts
}

/// The sentence announcing a call in `lang` ("Numero A 23, Sportello 3.").
pub fn announcement_text(t: &Texts, lang: &str, number: &str, desk: &str, recall: bool) -> String {
    let key = if recall { id::DISPLAY_RECALL } else { id::DISPLAY_CALL };
    t.format(lang, key, &[("number", spoken_number(number).into()), ("desk", desk.into())])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentences() {
        let texts = Texts::builtin();
        assert_eq!(announcement_text(&texts, "it", "A023", "Sportello 3", false), "Numero A 23, Sportello 3.");
        assert_eq!(
            announcement_text(&texts, "it", "A023", "Sportello 3", true),
            "Si ricorda il numero A 23, Sportello 3."
        );
        assert_eq!(announcement_text(&texts, "ar", "A023", "Sportello 3", false), "الرقم A 23، Sportello 3.");
        assert_eq!(
            announcement_text(&texts, "xx", "A023", "Sportello 3", false),
            announcement_text(&texts, "it", "A023", "Sportello 3", false),
            "a language without texts: Italian"
        );
    }

    // Issue 13: the letter in the visitor's language and "Sportello" in Italian within their sentence.
    #[test]
    fn a_call_is_cut_into_the_visitors_voice_and_the_sites() {
        let texts = Texts::builtin();
        let parts = |lang: &str, desk: &str| -> Vec<(String, String)> {
            announcement_parts(&texts, lang, "it", "B023", desk, false).into_iter().map(|p| (p.lang, p.text)).collect()
        };
        let p = |l: &str, t: &str| (l.to_owned(), t.to_owned());
        assert_eq!(parts("it", "Sportello 3"), [p("it", "Numero bi 23, Sportello 3.")]);
        assert_eq!(parts("ar", "Sportello 3"), [p("ar", "الرقم بي 23، "), p("it", "Sportello "), p("ar", "3.")]);
        assert_eq!(parts("uk", "Stanza 4"), [p("uk", "Номер бе 23, "), p("it", "Stanza "), p("uk", "4.")]);
        assert_eq!(parts("en", "Ufficio Lavoro"), [p("en", "Number B 23, "), p("it", "Ufficio Lavoro"), p("en", ".")]);
        assert_eq!(parts("fr", "12"), [p("fr", "Numéro bé 23, 12.")]);
        let recall = announcement_parts(&texts, "ro", "it", "A001", "Sportello 1", true);
        assert_eq!(recall.iter().map(|p| p.lang.as_str()).collect::<Vec<_>>(), ["ro", "it", "ro"]);
    }

    #[test]
    fn a_directory_of_translation_files_overrides_and_adds_languages() {
        let dir = std::env::temp_dir().join(format!("display-i18n-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("es.ftl"), "display-call = Número { $number }, { $desk }.\n").unwrap();
        std::fs::write(dir.join("it.ftl"), "display-call = Il numero { $number }, { $desk }.\n").unwrap();
        std::fs::write(dir.join("README"), "ignored").unwrap();
        let texts = Texts::builtin().with_dir(&dir).unwrap();
        assert_eq!(announcement_text(&texts, "es", "A023", "Sportello 3", false), "Número A 23, Sportello 3.");
        assert_eq!(announcement_text(&texts, "it", "A023", "Sportello 3", false), "Il numero A 23, Sportello 3.");
        std::fs::write(dir.join("xx.ftl"), "display-call = { $number").unwrap();
        let err = Texts::builtin().with_dir(&dir).unwrap_err().to_string();
        assert!(err.contains("xx.ftl"), "the broken file is named: {err}");
        std::fs::remove_dir_all(&dir).ok();
    }
}
