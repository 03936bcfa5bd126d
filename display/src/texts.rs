//! Translation files (`display/i18n/<lang>.toml`, one per language): announcement and screen texts.

use serde::Deserialize;
use std::collections::BTreeMap;

/// The texts of one language.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct LangTexts {
    pub call: String,
    pub recall: String,
    pub latest: String,
    pub previous: String,
    pub waiting: String,
    pub estimated_wait: String,
    pub minutes: String,
    pub no_calls: String,
    pub reconnecting: String,
}

/// Right-to-left languages among those we ship.
pub fn is_rtl(lang: &str) -> bool {
    matches!(lang, "ar" | "fa" | "he" | "ur")
}

/// The translation files shipped in the binary (`display/i18n/`).
const BUILTIN: &[(&str, &str)] = &[
    ("it", include_str!("../i18n/it.toml")),
    ("en", include_str!("../i18n/en.toml")),
    ("fr", include_str!("../i18n/fr.toml")),
    ("ar", include_str!("../i18n/ar.toml")),
    ("ro", include_str!("../i18n/ro.toml")),
    ("uk", include_str!("../i18n/uk.toml")),
];

/// Every language's texts.
#[derive(Debug, Clone)]
pub struct Texts {
    langs: BTreeMap<String, LangTexts>,
}

impl Texts {
    /// The built-in translation files.
    pub fn builtin() -> Texts {
        let langs = BUILTIN
            .iter()
            .map(|(code, src)| {
                let t: LangTexts =
                    toml::from_str(src).unwrap_or_else(|e| panic!("display/i18n/{code}.toml is broken: {e}"));
                ((*code).to_owned(), t)
            })
            .collect();
        Texts { langs }
    }

    /// Loads `<lang>.toml` files from a directory, over the built-in ones.
    pub fn with_dir(mut self, dir: &std::path::Path) -> anyhow::Result<Texts> {
        for entry in std::fs::read_dir(dir).map_err(|e| anyhow::anyhow!("reading {}: {e}", dir.display()))? {
            let path = entry?.path();
            if path.extension().and_then(|e| e.to_str()) != Some("toml") {
                continue;
            }
            let Some(code) = path.file_stem().and_then(|s| s.to_str()) else { continue };
            let src = std::fs::read_to_string(&path)?;
            let t: LangTexts = toml::from_str(&src).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
            self.langs.insert(code.to_owned(), t);
        }
        Ok(self)
    }

    pub fn get(&self, lang: &str) -> Option<&LangTexts> {
        self.langs.get(lang)
    }

    /// The language's texts, else Italian.
    pub fn or_it(&self, lang: &str) -> &LangTexts {
        self.get(lang).or_else(|| self.get("it")).expect("the Italian translation file is built in")
    }

    pub fn languages(&self) -> impl Iterator<Item = &str> {
        self.langs.keys().map(String::as_str)
    }
}

/// How a ticket number is spoken: `A023` → `A 23` (letters apart, leading zeros dropped).
pub fn spoken_number(number: &str) -> String {
    let letters: String = number.chars().take_while(|c| !c.is_ascii_digit()).collect();
    let digits = &number[letters.len()..];
    let trimmed = digits.trim_start_matches('0');
    let digits = if trimmed.is_empty() && !digits.is_empty() { "0" } else { trimmed };
    let letters: Vec<String> = letters.chars().map(String::from).collect();
    match (letters.is_empty(), digits.is_empty()) {
        (true, _) => digits.to_owned(),
        (false, true) => letters.join(" "),
        (false, false) => format!("{} {digits}", letters.join(" ")),
    }
}

/// The sentence announcing a call in one language.
pub fn announcement_text(t: &LangTexts, number: &str, desk: &str, recall: bool) -> String {
    let template = if recall { &t.recall } else { &t.call };
    template.replace("{number}", &spoken_number(number)).replace("{desk}", desk)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_file_parses_and_has_placeholders() {
        let texts = Texts::builtin();
        assert_eq!(texts.languages().collect::<Vec<_>>(), ["ar", "en", "fr", "it", "ro", "uk"]);
        for lang in ["it", "en", "fr", "ar", "ro", "uk"] {
            let t = texts.get(lang).unwrap();
            for s in [&t.call, &t.recall] {
                assert!(s.contains("{number}") && s.contains("{desk}"), "{lang}: {s}");
            }
            assert!(t.reconnecting.contains("{time}"), "{lang}");
            assert!(t.minutes.contains("{n}"), "{lang}");
        }
    }

    /// The web display (`queue-server/web/display/index.html`) carries a copy of the translation files.
    #[test]
    fn web_display_texts_match_the_translation_files() {
        let page =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../queue-server/web/display/index.html"))
                .expect("the web display page exists");
        let start = page.find("/*TEXTS*/").expect("a /*TEXTS*/ marker") + "/*TEXTS*/".len();
        let end = page.find("/*END TEXTS*/").expect("an /*END TEXTS*/ marker");
        let web: BTreeMap<String, LangTexts> = serde_json::from_str(&page[start..end]).expect("the page's TEXTS parse");
        assert_eq!(web, Texts::builtin().langs, "regenerate TEXTS in index.html from display/i18n/*.toml");
    }

    #[test]
    fn a_directory_of_translation_files_overrides_and_adds_languages() {
        let dir = std::env::temp_dir().join(format!("display-i18n-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let es = include_str!("../i18n/en.toml").replace("Number {number}", "Número {number}");
        std::fs::write(dir.join("es.toml"), &es).unwrap();
        std::fs::write(dir.join("it.toml"), include_str!("../i18n/it.toml").replace("Numero", "Il numero")).unwrap();
        std::fs::write(dir.join("README"), "ignored").unwrap();
        let texts = Texts::builtin().with_dir(&dir).unwrap();
        assert_eq!(announcement_text(texts.or_it("es"), "A023", "Sportello 3", false), "Número A 23, Sportello 3.");
        assert_eq!(announcement_text(texts.or_it("it"), "A023", "Sportello 3", false), "Il numero A 23, Sportello 3.");
        std::fs::write(dir.join("xx.toml"), "call = 1").unwrap();
        let err = Texts::builtin().with_dir(&dir).unwrap_err().to_string();
        assert!(err.contains("xx.toml"), "the broken file is named: {err}");
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn numbers_are_spoken_without_leading_zeros() {
        for (n, s) in [("A023", "A 23"), ("B100", "B 100"), ("C000", "C 0"), ("17", "17"), ("AB007", "A B 7")] {
            assert_eq!(spoken_number(n), s);
        }
    }

    #[test]
    fn sentences() {
        let texts = Texts::builtin();
        assert_eq!(announcement_text(texts.or_it("it"), "A023", "Sportello 3", false), "Numero A 23, Sportello 3.");
        assert_eq!(
            announcement_text(texts.or_it("it"), "A023", "Sportello 3", true),
            "Si ricorda il numero A 23, Sportello 3."
        );
        assert_eq!(announcement_text(texts.or_it("ar"), "A023", "Sportello 3", false), "الرقم A 23، Sportello 3.");
        assert_eq!(texts.or_it("xx").call, texts.or_it("it").call);
    }
}
