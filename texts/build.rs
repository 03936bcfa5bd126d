//! Embeds every `locales/<lang>/<file>.ftl` and writes one `id::` constant per message id, so a
//! mistyped id is a compile error rather than a key name on a visitor's screen.
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("locales");
    println!("cargo:rerun-if-changed=locales");
    let mut resources = String::from("&[\n");
    // id → the files it is defined in.
    let mut ids: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut langs: Vec<_> =
        std::fs::read_dir(&root).expect("texts/locales exists").map(|e| e.unwrap().path()).collect();
    langs.sort();
    for dir in langs.iter().filter(|p| p.is_dir()) {
        let lang = dir.file_name().unwrap().to_str().unwrap().to_owned();
        let mut files: Vec<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
        files.sort();
        for path in files.iter().filter(|p| p.extension().is_some_and(|e| e == "ftl")) {
            let file = path.file_stem().unwrap().to_str().unwrap().to_owned();
            let rel = format!("/locales/{lang}/{file}.ftl");
            writeln!(
                resources,
                "    ({lang:?}, {file:?}, include_str!(concat!(env!(\"CARGO_MANIFEST_DIR\"), {rel:?}))),"
            )
            .unwrap();
            let source = std::fs::read_to_string(path).unwrap();
            for line in source.lines() {
                let Some((head, _)) = line.split_once('=') else { continue };
                let id = head.trim_end();
                let mut chars = id.chars();
                let is_id = chars.next().is_some_and(|c| c.is_ascii_alphabetic())
                    && chars.all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
                if is_id && head.len() - id.len() <= 1 && !line.starts_with(' ') {
                    let seen = ids.entry(id.to_owned()).or_default();
                    if !seen.contains(&file) {
                        seen.push(file.clone());
                    }
                }
            }
        }
    }
    resources.push(']');
    let mut consts = String::new();
    let mut names: BTreeMap<String, String> = BTreeMap::new();
    for (id, files) in &ids {
        let name = id.to_ascii_uppercase().replace('-', "_");
        if let Some(other) = names.insert(name.clone(), id.clone()) {
            panic!("texts: message ids '{other}' and '{id}' both become the constant {name}");
        }
        writeln!(consts, "/// `{id}` ({}).\npub const {name}: &str = {id:?};", files.join(".ftl, ") + ".ftl").unwrap();
    }
    let out = Path::new(&std::env::var("OUT_DIR").unwrap()).to_owned();
    std::fs::write(out.join("resources.rs"), resources).unwrap();
    std::fs::write(out.join("ids.rs"), consts).unwrap();
    std::fs::write(out.join("fonts.rs"), font_coverage()).unwrap();
}

/// The characters the shipped fonts (`assets/fonts/*-Regular.*`) have glyphs for, as sorted ranges, so
/// `check-config` can refuse a kiosk text that would show as blank boxes.
fn font_coverage() -> String {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../assets/fonts");
    println!("cargo:rerun-if-changed=../assets/fonts");
    let mut files: Vec<_> = std::fs::read_dir(&dir).expect("assets/fonts exists").map(|e| e.unwrap().path()).collect();
    files.sort();
    let mut points = std::collections::BTreeSet::new();
    let mut names = Vec::new();
    for path in files.iter().filter(|p| {
        let name = p.file_name().unwrap().to_string_lossy();
        name.contains("-Regular.") && (name.ends_with(".ttf") || name.ends_with(".otf"))
    }) {
        let data = std::fs::read(path).unwrap();
        let face = ttf_parser::Face::parse(&data, 0).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        names.push(path.file_name().unwrap().to_string_lossy().into_owned());
        if let Some(cmap) = face.tables().cmap {
            for sub in cmap.subtables.into_iter().filter(|s| s.is_unicode()) {
                sub.codepoints(|cp| {
                    if let Some(c) = char::from_u32(cp)
                        && face.glyph_index(c).is_some_and(|g| g.0 != 0)
                    {
                        points.insert(cp);
                    }
                });
            }
        }
    }
    let mut ranges: Vec<(u32, u32)> = Vec::new();
    for cp in points {
        match ranges.last_mut() {
            Some((_, end)) if *end + 1 == cp => *end = cp,
            _ => ranges.push((cp, cp)),
        }
    }
    let mut out =
        format!("/// The shipped fonts: {}.\npub const FONT_FILES: &[&str] = &{names:?};\n", names.join(", "));
    out.push_str("/// Code points with a glyph in some shipped font, as inclusive sorted ranges.\npub const FONT_COVERAGE: &[(u32, u32)] = &[\n");
    for (a, b) in ranges {
        writeln!(out, "    ({a:#x}, {b:#x}),").unwrap();
    }
    out.push_str("];\n");
    out
}
