//! The catalogue's checks: every text in every language it is offered in, placeholders that agree,
//! plurals that come out the same in Rust and in the browser format, one register for Romanian.

use super::*;
use intl_pluralrules::{PluralRuleType, PluralRules};

/// The languages a file must exist in.
fn required(audience: Audience) -> Vec<&'static str> {
    LANGUAGES.iter().filter(|l| audience == Audience::Visitor || l.staff).map(|l| l.code).collect()
}

/// Sample arguments for a message's variables: numbers for `n`, words for the rest.
fn sample_args(vars: &BTreeSet<String>, n: i64) -> Vec<(&str, Arg<'static>)> {
    vars.iter().map(|v| (v.as_str(), if v == "n" { Arg::from(n) } else { Arg::from("X1") })).collect()
}

#[test]
fn every_compiled_in_file_parses() {
    for (lang, file, source) in RESOURCES {
        let resource = parse(lang, file, source.to_string()).unwrap_or_else(|e| panic!("{e}"));
        assert!(resource.entries().count() > 0, "{lang}/{file}.ftl is empty");
    }
    assert_eq!(builtin().languages().collect::<Vec<_>>(), ["ar", "en", "fr", "it", "ro", "uk"]);
}

/// The check README's "Adding a language" refers to: every message of a file exists, non-empty,
/// in every language the file is offered in, with the same placeholders, and formats without errors.
#[test]
fn every_text_exists_in_every_language_it_is_offered_in() {
    let c = builtin();
    for lang in c.languages() {
        assert!(language(lang).is_some(), "texts/locales/{lang}/ has no entry in LANGUAGES");
        for (l, file, _) in RESOURCES.iter().filter(|(l, _, _)| *l == lang) {
            assert!(FILES.iter().any(|(f, _)| f == file), "{l}/{file}.ftl is not in FILES");
        }
    }
    let mut problems = Vec::new();
    for (file, audience) in FILES {
        let langs = required(*audience);
        let all: BTreeSet<String> = langs.iter().flat_map(|l| c.ids(l, Some(file))).collect();
        assert!(!all.is_empty(), "{file}.ftl has no messages");
        for lang in &langs {
            let ids = c.ids(lang, Some(file));
            for missing in all.difference(&ids) {
                problems.push(format!("{lang}/{file}.ftl: {missing} is missing"));
            }
            for id in &ids {
                let vars = c.variables(lang, id);
                let reference = c.variables(DEFAULT_LANGUAGE, id);
                if vars != reference {
                    problems.push(format!("{lang}/{file}.ftl: {id} uses {vars:?}, Italian uses {reference:?}"));
                }
                for n in [0, 1, 2, 3, 5, 11, 21, 100] {
                    match c.format_checked(lang, id, &sample_args(&vars, n)) {
                        Ok(text) if text.trim().is_empty() => problems.push(format!("{lang} {id}: empty")),
                        Ok(text) if text.contains("{$") || text.contains("{ $") => {
                            problems.push(format!("{lang} {id}: a placeholder left in {text:?}"))
                        }
                        Ok(_) => {}
                        Err(e) => problems.push(e),
                    }
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_check_fails_on_a_missing_or_mismatched_text() {
    let dir = tempfile_dir("mismatch");
    // Italian gets a message English lacks; French uses the wrong placeholder.
    std::fs::write(dir.join("it.ftl"), "kiosk-extra = Solo in italiano\n").unwrap();
    std::fs::write(dir.join("fr.ftl"), "kiosk-your-number = Votre numéro : { $numero }\n").unwrap();
    let c = builtin().with_dir(&dir).unwrap();
    assert!(c.ids("it", None).contains("kiosk-extra") && !c.ids("en", None).contains("kiosk-extra"));
    assert_ne!(c.variables("fr", id::KIOSK_YOUR_NUMBER), c.variables("it", id::KIOSK_YOUR_NUMBER));
    assert!(c.format_checked("fr", id::KIOSK_YOUR_NUMBER, &[("number", "A1".into())]).is_err());
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn plurals_follow_each_languages_rules() {
    let wait = |lang, n: i64| tf(lang, id::WAIT_MINUTES, &[("n", n.into())]);
    assert_eq!(wait("ar", 1), "دقيقة واحدة");
    assert_eq!(wait("ar", 2), "دقيقتان");
    assert_eq!(wait("ar", 3), "3 دقائق");
    assert_eq!(wait("ar", 10), "10 دقائق");
    assert_eq!(wait("ar", 11), "11 دقيقة");
    assert_eq!(wait("ar", 100), "100 دقيقة");
    assert_eq!(wait("it", 12), "12 min");
    let back = |lang, n: i64| tf(lang, id::KIOSK_GOING_BACK, &[("n", n.into())]);
    assert_eq!(back("uk", 1), "Повернення на початок через 1 секунду");
    assert_eq!(back("uk", 3), "Повернення на початок через 3 секунди");
    assert_eq!(back("uk", 5), "Повернення на початок через 5 секунд");
    assert_eq!(back("uk", 11), "Повернення на початок через 11 секунд");
    assert_eq!(back("uk", 21), "Повернення на початок через 21 секунду");
    assert_eq!(back("ro", 1), "Revenim la început în o secundă");
    assert_eq!(back("ro", 20), "Revenim la început în 20 de secunde");
    assert_eq!(back("en", 1), "Going back to the start in 1 second");
    assert_eq!(back("en", 20), "Going back to the start in 20 seconds");
}

/// What `queue-server/web/texts.js` does with an exported message, written again in Rust with the
/// same CLDR rules the browser's `Intl.PluralRules` has.
fn format_like_the_browser(lang: &str, message: &serde_json::Value, vars: &[(&str, i64)]) -> String {
    let template = match message {
        serde_json::Value::String(s) => s.clone(),
        m => {
            let n = vars.iter().find(|(k, _)| *k == m["on"].as_str().unwrap()).unwrap().1;
            let rules =
                PluralRules::create(lang.parse::<unic_langid::LanguageIdentifier>().unwrap(), PluralRuleType::CARDINAL)
                    .unwrap();
            let category = format!("{:?}", rules.select(n).unwrap()).to_lowercase();
            m["exact"][n.to_string()]
                .as_str()
                .or_else(|| m["forms"][category.as_str()].as_str())
                .unwrap_or_else(|| m["default"].as_str().unwrap())
                .to_owned()
        }
    };
    vars.iter().fold(template, |s, (k, v)| s.replace(&format!("{{{k}}}"), &v.to_string()))
}

#[test]
fn the_browser_format_gives_what_fluent_gives() {
    let c = builtin();
    let files: Vec<&str> = FILES.iter().map(|(f, _)| *f).collect();
    let langs: Vec<&str> = LANGUAGES.iter().map(|l| l.code).collect();
    let exported = c.export(&langs, &files).unwrap();
    let mut plurals = 0;
    for lang in &langs {
        for (id, message) in exported[lang].as_object().unwrap() {
            let vars = c.variables(lang, id);
            let numbers: &[i64] =
                if message.is_object() { &[0, 1, 2, 3, 4, 5, 10, 11, 21, 22, 25, 99, 100, 101, 111] } else { &[7] };
            plurals += usize::from(message.is_object());
            for &n in numbers {
                let args: Vec<(&str, i64)> = vars.iter().map(|v| (v.as_str(), n)).collect();
                let fluent_args: Vec<(&str, Arg)> = args.iter().map(|(k, v)| (*k, Arg::from(*v))).collect();
                assert_eq!(
                    format_like_the_browser(lang, message, &args),
                    c.format(lang, id, &fluent_args),
                    "{lang} {id} n={n}"
                );
            }
        }
    }
    assert!(plurals >= 8, "plural messages exported: {plurals}");
}

/// Romanian addresses visitors formally ("dumneavoastră"), never with "tu".
#[test]
fn romanian_is_formal_throughout() {
    let informal = [
        "tu",
        "tău",
        "ta",
        "tale",
        "tine",
        "te",
        "ți",
        "îți",
        "ești",
        "ai",
        "mergi",
        "întreabă",
        "încearcă",
        "rămâi",
        "alege",
        "ia",
    ];
    let c = builtin();
    let mut found = Vec::new();
    for id in c.ids("ro", None) {
        let vars = c.variables("ro", &id);
        let text = c.format("ro", &id, &sample_args(&vars, 5));
        for word in text.split(|ch: char| !ch.is_alphabetic()) {
            if informal.contains(&word.to_lowercase().as_str()) {
                found.push(format!("{id}: {word:?} in {text:?}"));
            }
        }
    }
    assert!(found.is_empty(), "informal Romanian:\n{}", found.join("\n"));
    assert!(t("ro", id::TICKET_YOUR_NUMBER).contains("dumneavoastră"));
}

/// One text for one thing: the kiosk and the ticket page say "people ahead" with the same words.
#[test]
fn shared_texts_are_the_same_everywhere() {
    for l in LANGUAGES {
        let line = tf(l.code, id::KIOSK_AHEAD_LINE, &[("n", 4.into())]);
        assert!(line.starts_with(&t(l.code, id::PEOPLE_AHEAD)), "{}: {line}", l.code);
        let wait = tf(l.code, id::KIOSK_WAIT_LINE, &[("n", 4.into())]);
        assert!(wait.contains(&tf(l.code, id::WAIT_MINUTES, &[("n", 4.into())])), "{}: {wait}", l.code);
    }
    assert_eq!(t("en", id::PEOPLE_AHEAD), "People ahead of you");
}

#[test]
fn every_language_has_a_voice_and_a_shipped_font() {
    let fonts = Path::new(env!("CARGO_MANIFEST_DIR")).join("../assets/fonts");
    for l in LANGUAGES {
        assert!(!l.espeak_voice.is_empty() && !l.native_name.is_empty(), "{}", l.code);
        let file = l.script.font().replace(' ', "") + "-Regular.ttf";
        assert!(fonts.join(&file).exists(), "{}: {file} is not in assets/fonts", l.code);
    }
    assert_eq!(espeak_voice("en"), "en-gb", "one English voice");
    assert_eq!(espeak_voice("xx"), "it");
    assert!(is_rtl("ar") && !is_rtl("uk") && is_rtl("ur"));
}

#[test]
fn fallback_to_italian_then_the_id() {
    let dir = tempfile_dir("fallback");
    std::fs::write(dir.join("es.ftl"), "display-call = Número { $number }, { $desk }.\n").unwrap();
    std::fs::write(dir.join("it.ftl"), "display-latest = Chiamata\n").unwrap();
    std::fs::write(dir.join("README"), "ignored").unwrap();
    let c = builtin().with_dir(&dir).unwrap();
    let args = [("number", Arg::from("A 23")), ("desk", Arg::from("Sportello 3"))];
    assert_eq!(c.format("es", id::DISPLAY_CALL, &args), "Número A 23, Sportello 3.");
    assert_eq!(c.text("es", id::DISPLAY_NO_CALLS), "Nessuna chiamata", "missing in Spanish: Italian");
    assert_eq!(c.text("it", id::DISPLAY_LATEST), "Chiamata", "an override replaces the built-in text");
    assert_eq!(builtin().text("it", id::DISPLAY_LATEST), "Ultima chiamata", "the built-in texts are untouched");
    assert_eq!(c.text("it", "no-such-text"), "no-such-text");
    std::fs::write(dir.join("xx.ftl"), "display-call = { $number").unwrap();
    let err = builtin().with_dir(&dir).unwrap_err().to_string();
    assert!(err.contains("xx.ftl"), "the broken file is named: {err}");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn numbers_are_spoken_without_leading_zeros() {
    for (n, s) in [("A023", "A 23"), ("B100", "B 100"), ("C000", "C 0"), ("17", "17"), ("AB007", "A B 7")] {
        assert_eq!(spoken_number(n), s);
    }
}

fn tempfile_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("texts-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Issue 18: Latin letters in spoken labels and numbers are said in the visitor's language.
#[test]
fn letters_are_spoken_in_the_visitors_language() {
    assert_eq!(crate::speakable("uk", "Зона D, A 23."), "Зона де, а 23.");
    assert_eq!(crate::speakable("ar", "المنطقة D"), "المنطقة دي");
    assert_eq!(crate::speakable("it", "Area D. AB 7"), "Area di. AB 7");
    for lang in crate::LANGUAGES.iter().map(|l| l.code) {
        assert_eq!(crate::t(lang, crate::id::SPOKEN_LETTERS).split_whitespace().count(), 26, "{lang}");
    }
}
