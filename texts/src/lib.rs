//! Every text Sportello shows, says or prints — to visitors and to staff — from one Fluent source per language (`texts/locales/<lang>/*.ftl`), compiled in.
//!
//! The kiosk, the display and the server's pages all format their texts here; the browser pages get
//! theirs from the server as JSON ([`Catalog::export`]) and format them with `texts.js`. The language
//! facts that go with the texts (direction, `espeak-ng` voice, script and font) are in [`LANGUAGES`].

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource};
use fluent_syntax::ast;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::{Arc, LazyLock};

pub use fluent_bundle::FluentValue as Arg;

/// One constant per message id (`id::KIOSK_DONE == "kiosk-done"`), generated from the `.ftl` files.
pub mod id {
    include!(concat!(env!("OUT_DIR"), "/ids.rs"));
}

/// The files compiled in: (language, file name without `.ftl`, source).
const RESOURCES: &[(&str, &str, &str)] = include!(concat!(env!("OUT_DIR"), "/resources.rs"));

include!(concat!(env!("OUT_DIR"), "/fonts.rs"));

/// Whether some font shipped in `assets/fonts` (embedded in the kiosk and the display) has a glyph for
/// `c`. Spaces and invisible format characters need none.
pub fn font_has(c: char) -> bool {
    if c.is_whitespace() || matches!(c, '\u{200b}'..='\u{200f}' | '\u{2066}'..='\u{2069}' | '\u{202a}'..='\u{202e}') {
        return true;
    }
    let cp = c as u32;
    FONT_COVERAGE
        .binary_search_by(|&(a, b)| {
            if b < cp {
                std::cmp::Ordering::Less
            } else if a > cp {
                std::cmp::Ordering::Greater
            } else {
                std::cmp::Ordering::Equal
            }
        })
        .is_ok()
}

/// The characters of `text` no shipped font can draw (they would show as blank boxes), each once.
pub fn missing_from_fonts(text: &str) -> Vec<char> {
    let mut out: Vec<char> = Vec::new();
    for c in text.chars().filter(|c| !font_has(*c)) {
        if !out.contains(&c) {
            out.push(c);
        }
    }
    out
}

/// The language every site falls back to (Italian: Sportello's sites are Italian public offices).
pub const DEFAULT_LANGUAGE: &str = "it";

/// Who reads a file's texts, which decides the languages it must exist in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    /// Kiosk, display, ticket page: every language in [`LANGUAGES`].
    Visitor,
    /// Desk and statistics pages: the languages marked `staff`.
    Staff,
}

/// The `.ftl` files of each language and who reads them.
pub const FILES: &[(&str, Audience)] = &[
    ("common", Audience::Visitor),
    ("kiosk", Audience::Visitor),
    ("display", Audience::Visitor),
    ("ticket", Audience::Visitor),
    ("staff", Audience::Staff),
    ("desk", Audience::Staff),
    ("stats", Audience::Staff),
];

/// The writing system of a language, which decides the font the apps draw it with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Script {
    Latin,
    Cyrillic,
    Arabic,
}

impl Script {
    /// The font family (in `assets/fonts/`, embedded in the kiosk and the display, served to the web display).
    pub fn font(self) -> &'static str {
        match self {
            Script::Latin | Script::Cyrillic => "Noto Sans",
            Script::Arabic => "Noto Sans Arabic",
        }
    }
}

/// A language Sportello speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Language {
    pub code: &'static str,
    /// Its name in itself.
    pub native_name: &'static str,
    pub rtl: bool,
    /// The `espeak-ng` voice (`espeak-ng --voices`) the kiosk and the display speak it with.
    pub espeak_voice: &'static str,
    pub script: Script,
    /// Whether the staff pages (desk, statistics) exist in it.
    pub staff: bool,
}

/// Every language with texts. Visitor-facing files exist in all of them, staff-facing files in those
/// marked `staff`; the test `every_text_exists_in_every_language_it_is_offered_in` checks it.
pub const LANGUAGES: &[Language] = &[
    Language {
        code: "it",
        native_name: "Italiano",
        rtl: false,
        espeak_voice: "it",
        script: Script::Latin,
        staff: true,
    },
    Language {
        code: "en",
        native_name: "English",
        rtl: false,
        espeak_voice: "en-gb",
        script: Script::Latin,
        staff: true,
    },
    Language {
        code: "fr",
        native_name: "Français",
        rtl: false,
        espeak_voice: "fr",
        script: Script::Latin,
        staff: false,
    },
    Language {
        code: "ar",
        native_name: "العربية",
        rtl: true,
        espeak_voice: "ar",
        script: Script::Arabic,
        staff: false,
    },
    Language {
        code: "ro", native_name: "Română", rtl: false, espeak_voice: "ro", script: Script::Latin, staff: false
    },
    Language {
        code: "uk",
        native_name: "Українська",
        rtl: false,
        espeak_voice: "uk",
        script: Script::Cyrillic,
        staff: false,
    },
];

/// The language with this code, if Sportello has its texts.
pub fn language(code: &str) -> Option<&'static Language> {
    LANGUAGES.iter().find(|l| l.code == code)
}

/// Whether `code` is written right to left (unknown codes: by the usual right-to-left languages).
pub fn is_rtl(code: &str) -> bool {
    language(code).map_or(matches!(code, "ar" | "fa" | "he" | "ur" | "ps" | "yi"), |l| l.rtl)
}

/// The `espeak-ng` voice for a language (Italian's for a language without texts).
pub fn espeak_voice(code: &str) -> &'static str {
    language(code).or_else(|| language(DEFAULT_LANGUAGE)).map_or("it", |l| l.espeak_voice)
}

/// Languages the staff pages exist in.
pub fn staff_languages() -> impl Iterator<Item = &'static Language> {
    LANGUAGES.iter().filter(|l| l.staff)
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

/// `text` ready for `espeak-ng` in `lang`: every Latin letter standing alone ("Area D", the "A" of
/// "A 23") becomes its name in that language ("де" in Ukrainian, "دي" in Arabic), so the voice does not
/// switch to English to spell it.
pub fn speakable(lang: &str, text: &str) -> String {
    let names = t(lang, id::SPOKEN_LETTERS);
    let names: Vec<&str> = names.split_whitespace().collect();
    let mut out = String::new();
    for (i, word) in text.split(' ').enumerate() {
        if i > 0 {
            out.push(' ');
        }
        // A letter alone, perhaps followed by punctuation ("D," "D.").
        let mut chars = word.chars();
        match chars.next() {
            Some(c)
                if c.is_ascii_uppercase() && names.len() == 26 && chars.clone().all(|p| p.is_ascii_punctuation()) =>
            {
                out.push_str(names[(c as u8 - b'A') as usize]);
                out.extend(chars);
            }
            _ => out.push_str(word),
        }
    }
    out
}

/// A text file that does not parse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextsError(pub String);

impl std::fmt::Display for TextsError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for TextsError {}

type Bundle = FluentBundle<Arc<FluentResource>>;

struct Inner {
    bundles: BTreeMap<String, Bundle>,
    /// (language, file, resource), in the order they were added (overrides last).
    resources: Vec<(String, String, Arc<FluentResource>)>,
}

/// Texts in every language, ready to format. Cheap to clone.
#[derive(Clone)]
pub struct Catalog {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for Catalog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Catalog").field("languages", &self.inner.bundles.keys().collect::<Vec<_>>()).finish()
    }
}

static BUILTIN: LazyLock<Catalog> = LazyLock::new(|| {
    Catalog::from_sources(RESOURCES.iter().map(|(l, f, s)| (l.to_string(), f.to_string(), s.to_string())))
        .unwrap_or_else(|e| panic!("the compiled-in texts are broken: {e}"))
});

/// The compiled-in texts.
pub fn builtin() -> &'static Catalog {
    &BUILTIN
}

/// The minutes a visitor is shown for an uncertain wait of `lo_s`–`hi_s` seconds: the low end
/// rounded down and the high end up to five minutes ("15–25 min"), never an empty range.
pub fn range_minutes(lo_s: u32, hi_s: u32) -> (u32, u32) {
    let lo = lo_s / 300 * 5;
    let hi = hi_s.div_ceil(300) * 5;
    (lo, hi.max(lo + 5))
}

/// `id` in `lang` from the compiled-in texts (see [`Catalog::text`]).
pub fn t(lang: &str, id: &str) -> String {
    BUILTIN.text(lang, id)
}

/// `id` in `lang` with arguments, from the compiled-in texts (see [`Catalog::format`]).
pub fn tf(lang: &str, id: &str, args: &[(&str, Arg)]) -> String {
    BUILTIN.format(lang, id, args)
}

fn parse(lang: &str, file: &str, source: String) -> Result<Arc<FluentResource>, TextsError> {
    FluentResource::try_new(source).map(Arc::new).map_err(|(_, errors)| {
        let list: Vec<String> = errors.iter().map(|e| format!("{e:?}")).collect();
        TextsError(format!("{lang}/{file}.ftl: {}", list.join("; ")))
    })
}

fn new_bundle(lang: &str) -> Result<Bundle, TextsError> {
    let id: unic_langid::LanguageIdentifier =
        lang.parse().map_err(|e| TextsError(format!("'{lang}' is not a language code: {e}")))?;
    let mut bundle = FluentBundle::new_concurrent(vec![id]);
    // No bidi isolation marks (U+2068/U+2069) around arguments: the printer, espeak-ng and the
    // slint apps would show or say them. Pages set `dir` instead.
    bundle.set_use_isolating(false);
    Ok(bundle)
}

impl Catalog {
    /// The compiled-in texts (a clone of [`builtin`]).
    pub fn builtin() -> Catalog {
        BUILTIN.clone()
    }

    fn from_sources(sources: impl Iterator<Item = (String, String, String)>) -> Result<Catalog, TextsError> {
        let mut inner = Inner { bundles: BTreeMap::new(), resources: Vec::new() };
        for (lang, file, source) in sources {
            let resource = parse(&lang, &file, source)?;
            if !inner.bundles.contains_key(&lang) {
                inner.bundles.insert(lang.clone(), new_bundle(&lang)?);
            }
            let bundle = inner.bundles.get_mut(&lang).expect("just inserted");
            bundle.add_resource(resource.clone()).map_err(|errors| {
                let list: Vec<String> = errors.iter().map(|e| format!("{e:?}")).collect();
                TextsError(format!("{lang}/{file}.ftl: {}", list.join("; ")))
            })?;
            inner.resources.push((lang, file, resource));
        }
        Ok(Catalog { inner: Arc::new(inner) })
    }

    /// These texts with `<lang>.ftl` files from `dir` on top: their messages replace the built-in
    /// ones of that language, and a new language falls back to Italian for what it lacks.
    pub fn with_dir(&self, dir: &Path) -> Result<Catalog, TextsError> {
        let read = |e: std::io::Error| TextsError(format!("reading {}: {e}", dir.display()));
        let mut extra = Vec::new();
        for entry in std::fs::read_dir(dir).map_err(read)? {
            let path = entry.map_err(read)?.path();
            if path.extension().and_then(|e| e.to_str()) != Some("ftl") {
                continue;
            }
            let Some(lang) = path.file_stem().and_then(|s| s.to_str()) else { continue };
            let source = std::fs::read_to_string(&path).map_err(|e| TextsError(format!("{}: {e}", path.display())))?;
            let resource = parse(lang, "override", source)
                .map_err(|e| TextsError(format!("{}: {}", path.display(), e.0.trim_start_matches(lang))))?;
            extra.push((lang.to_owned(), resource));
        }
        extra.sort_by(|a, b| a.0.cmp(&b.0));
        let mut resources = self.inner.resources.clone();
        resources.extend(extra.into_iter().map(|(l, r)| (l, "override".to_owned(), r)));
        let mut bundles = BTreeMap::new();
        for (lang, _, resource) in &resources {
            if !bundles.contains_key(lang) {
                bundles.insert(lang.clone(), new_bundle(lang)?);
            }
            bundles.get_mut(lang).expect("just inserted").add_resource_overriding(resource.clone());
        }
        Ok(Catalog { inner: Arc::new(Inner { bundles, resources }) })
    }

    /// The languages with at least one text, sorted by code.
    pub fn languages(&self) -> impl Iterator<Item = &str> {
        self.inner.bundles.keys().map(String::as_str)
    }

    /// Whether there are texts in `lang`.
    pub fn has_language(&self, lang: &str) -> bool {
        self.inner.bundles.contains_key(lang)
    }

    /// The bundle that has `id`: `lang`'s, else Italian's, else English's.
    fn bundle_for(&self, lang: &str, id: &str) -> Option<&Bundle> {
        [lang, DEFAULT_LANGUAGE, "en"]
            .into_iter()
            .filter_map(|l| self.inner.bundles.get(l))
            .find(|b| b.get_message(id).and_then(|m| m.value()).is_some())
    }

    /// The text `id` in `lang` (falling back to Italian, then English, then the id itself — the
    /// tests make sure no shipped text needs the fallback).
    pub fn text(&self, lang: &str, id: &str) -> String {
        self.format(lang, id, &[])
    }

    /// The text `id` in `lang` with its arguments (`("n", 3.into())`).
    pub fn format(&self, lang: &str, id: &str, args: &[(&str, Arg)]) -> String {
        let Some(bundle) = self.bundle_for(lang, id) else { return id.to_owned() };
        let pattern = bundle.get_message(id).and_then(|m| m.value()).expect("bundle_for checked it");
        let mut fluent_args = FluentArgs::with_capacity(args.len());
        for (name, value) in args {
            fluent_args.set(*name, value.clone());
        }
        let mut errors = Vec::new();
        bundle.format_pattern(pattern, Some(&fluent_args), &mut errors).into_owned()
    }

    /// Like [`Catalog::format`], but also the formatting errors (an argument missing, a reference
    /// that does not resolve). For tests.
    pub fn format_checked(&self, lang: &str, id: &str, args: &[(&str, Arg)]) -> Result<String, String> {
        let bundle = self.inner.bundles.get(lang).ok_or_else(|| format!("no language {lang}"))?;
        let pattern = bundle.get_message(id).and_then(|m| m.value()).ok_or_else(|| format!("{lang}: no {id}"))?;
        let mut fluent_args = FluentArgs::with_capacity(args.len());
        for (name, value) in args {
            fluent_args.set(*name, value.clone());
        }
        let mut errors = Vec::new();
        let text = bundle.format_pattern(pattern, Some(&fluent_args), &mut errors).into_owned();
        if errors.is_empty() { Ok(text) } else { Err(format!("{lang} {id}: {errors:?}")) }
    }

    /// The message ids of `file` in `lang` (every id of the language when `file` is `None`).
    pub fn ids(&self, lang: &str, file: Option<&str>) -> BTreeSet<String> {
        self.messages(lang, file).map(|m| m.id.name.to_owned()).collect()
    }

    fn messages(&self, lang: &str, file: Option<&str>) -> impl Iterator<Item = &ast::Message<&str>> {
        let (lang, file) = (lang.to_owned(), file.map(str::to_owned));
        self.inner
            .resources
            .iter()
            .filter(move |(l, f, _)| *l == lang && file.as_ref().is_none_or(|file| f == file))
            .flat_map(|(_, _, r)| r.entries())
            .filter_map(|e| match e {
                ast::Entry::Message(m) => Some(m),
                _ => None,
            })
    }

    fn message(&self, lang: &str, id: &str) -> Option<&ast::Message<&str>> {
        // The last definition wins, like in the bundles (overrides come last).
        self.messages(lang, None).filter(|m| m.id.name == id).last()
    }

    /// The variables a message uses (`$n` → `n`), through the messages and terms it refers to.
    pub fn variables(&self, lang: &str, id: &str) -> BTreeSet<String> {
        let mut out = BTreeSet::new();
        if let Some(p) = self.message(lang, id).and_then(|m| m.value.as_ref()) {
            self.collect_variables(lang, p, &mut out, 0);
        }
        out
    }

    fn collect_variables(&self, lang: &str, p: &ast::Pattern<&str>, out: &mut BTreeSet<String>, depth: usize) {
        fn inline(c: &Catalog, lang: &str, e: &ast::InlineExpression<&str>, out: &mut BTreeSet<String>, d: usize) {
            match e {
                ast::InlineExpression::VariableReference { id } => {
                    out.insert(id.name.to_owned());
                }
                ast::InlineExpression::MessageReference { id, .. } if d < 8 => {
                    if let Some(p) = c.message(lang, id.name).and_then(|m| m.value.as_ref()) {
                        c.collect_variables(lang, p, out, d + 1);
                    }
                }
                ast::InlineExpression::Placeable { expression } => expr(c, lang, expression, out, d),
                ast::InlineExpression::FunctionReference { arguments, .. } => {
                    for a in &arguments.positional {
                        inline(c, lang, a, out, d);
                    }
                }
                _ => {}
            }
        }
        fn expr(c: &Catalog, lang: &str, e: &ast::Expression<&str>, out: &mut BTreeSet<String>, d: usize) {
            match e {
                ast::Expression::Inline(i) => inline(c, lang, i, out, d),
                ast::Expression::Select { selector, variants } => {
                    inline(c, lang, selector, out, d);
                    for v in variants {
                        c.collect_variables(lang, &v.value, out, d);
                    }
                }
            }
        }
        for element in &p.elements {
            if let ast::PatternElement::Placeable { expression } = element {
                expr(self, lang, expression, out, depth);
            }
        }
    }

    /// The messages of `files` in each of `langs`, for a browser page: `{"it": {"desk-call-next":
    /// "Chiama il prossimo", "desk-people": {"on": "n", "exact": {}, "forms": {"one": "{n}
    /// persona", "other": "{n} persone"}, "default": "{n} persone"}}, …}`. Arguments are `{name}`;
    /// a plural is chosen in `texts.js` with the browser's `Intl.PluralRules` (CLDR, as Fluent does).
    /// Errors name a message the browser format cannot carry (two selects, a function call).
    pub fn export(&self, langs: &[&str], files: &[&str]) -> Result<serde_json::Value, TextsError> {
        let mut all = serde_json::Map::new();
        for lang in langs.iter().filter(|l| self.has_language(l)) {
            let mut messages = serde_json::Map::new();
            for file in files {
                for m in self.messages(lang, Some(file)) {
                    let Some(p) = &m.value else { continue };
                    let flat =
                        self.flatten(lang, p, 0).map_err(|e| TextsError(format!("{lang} {}: {e}", m.id.name)))?;
                    messages.insert(m.id.name.to_owned(), flat.into_json());
                }
            }
            all.insert((*lang).to_owned(), serde_json::Value::Object(messages));
        }
        Ok(serde_json::Value::Object(all))
    }

    fn flatten(&self, lang: &str, p: &ast::Pattern<&str>, depth: usize) -> Result<Flat, String> {
        if depth > 8 {
            return Err("references nest too deep".into());
        }
        let mut out = Flat::Plain(String::new());
        for element in &p.elements {
            let piece = match element {
                ast::PatternElement::TextElement { value } => Flat::Plain((*value).to_owned()),
                ast::PatternElement::Placeable { expression } => self.flatten_expr(lang, expression, depth)?,
            };
            out = out.then(piece)?;
        }
        Ok(out)
    }

    fn flatten_expr(&self, lang: &str, e: &ast::Expression<&str>, depth: usize) -> Result<Flat, String> {
        match e {
            ast::Expression::Inline(i) => self.flatten_inline(lang, i, depth),
            ast::Expression::Select { selector, variants } => {
                let ast::InlineExpression::VariableReference { id } = selector else {
                    return Err("a select on something other than a variable".into());
                };
                let mut exact = BTreeMap::new();
                let mut forms = BTreeMap::new();
                let mut default = None;
                for v in variants {
                    let Flat::Plain(text) = self.flatten(lang, &v.value, depth + 1)? else {
                        return Err("a select inside a select".into());
                    };
                    if v.default {
                        default = Some(text.clone());
                    }
                    match &v.key {
                        ast::VariantKey::Identifier { name } => forms.insert((*name).to_owned(), text),
                        ast::VariantKey::NumberLiteral { value } => exact.insert((*value).to_owned(), text),
                    };
                }
                let default = default.ok_or("a select without a default variant")?;
                Ok(Flat::Plural { on: id.name.to_owned(), exact, forms, default })
            }
        }
    }

    fn flatten_inline(&self, lang: &str, e: &ast::InlineExpression<&str>, depth: usize) -> Result<Flat, String> {
        match e {
            ast::InlineExpression::StringLiteral { value } => {
                if value.contains('\\') {
                    return Err("an escaped string literal".into());
                }
                Ok(Flat::Plain((*value).to_owned()))
            }
            ast::InlineExpression::NumberLiteral { value } => Ok(Flat::Plain((*value).to_owned())),
            ast::InlineExpression::VariableReference { id } => Ok(Flat::Plain(format!("{{{}}}", id.name))),
            ast::InlineExpression::MessageReference { id, attribute: None } => {
                let m = self
                    .message(lang, id.name)
                    .or_else(|| self.message(DEFAULT_LANGUAGE, id.name))
                    .ok_or_else(|| format!("refers to {} which does not exist", id.name))?;
                let p = m.value.as_ref().ok_or_else(|| format!("refers to {} which has no value", id.name))?;
                self.flatten(lang, p, depth + 1)
            }
            ast::InlineExpression::Placeable { expression } => self.flatten_expr(lang, expression, depth),
            _ => Err("a function, term or attribute reference (not carried to browsers)".into()),
        }
    }
}

/// A message as the browser formatter takes it.
enum Flat {
    Plain(String),
    Plural { on: String, exact: BTreeMap<String, String>, forms: BTreeMap<String, String>, default: String },
}

impl Flat {
    fn then(self, next: Flat) -> Result<Flat, String> {
        let add = |map: BTreeMap<String, String>, before: &str, after: &str| {
            map.into_iter().map(|(k, v)| (k, format!("{before}{v}{after}"))).collect()
        };
        Ok(match (self, next) {
            (Flat::Plain(a), Flat::Plain(b)) => Flat::Plain(a + &b),
            (Flat::Plain(a), Flat::Plural { on, exact, forms, default }) => Flat::Plural {
                on,
                exact: add(exact, &a, ""),
                forms: add(forms, &a, ""),
                default: format!("{a}{default}"),
            },
            (Flat::Plural { on, exact, forms, default }, Flat::Plain(b)) => Flat::Plural {
                on,
                exact: add(exact, "", &b),
                forms: add(forms, "", &b),
                default: format!("{default}{b}"),
            },
            (Flat::Plural { .. }, Flat::Plural { .. }) => return Err("two selects in one message".into()),
        })
    }

    fn into_json(self) -> serde_json::Value {
        match self {
            Flat::Plain(s) => serde_json::Value::String(s),
            Flat::Plural { on, exact, forms, default } => {
                serde_json::json!({"on": on, "exact": exact, "forms": forms, "default": default})
            }
        }
    }
}

#[cfg(test)]
mod tests;
