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
}
