//! The display's texts: the shared catalogue (`texts` crate, `texts/locales/<lang>/display.ftl`) and how a call is spoken.

pub use ::texts::Catalog as Texts;
use ::texts::id;
pub use ::texts::{is_rtl, spoken_number};

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
