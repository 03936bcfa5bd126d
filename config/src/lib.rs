//! Sportello configuration: TOML files → raw (serde, `deny_unknown_fields`) → validated,
//! typed `Config`. Every error names its file, line and field; all errors are collected.
//!
//! Layout of a configuration directory: `sportello.toml` (languages, retention, statistics)
//! and `sites/<site>.toml`, one file per site (services, desks, triage). See REFERENCE.md.

mod model;
mod raw;
#[cfg(test)]
mod tests;

pub use model::*;

use jiff::tz::TimeZone;
use queue_core::ids::is_slug;
use queue_core::wire::{Choice, LanguageInfo, PriorityQuestion, Question, Texts, Triage};
use queue_core::{DeskId, OpeningHours, Rules, ServiceId, SiteId};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};
use toml::Spanned;

/// One problem in a configuration file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub file: PathBuf,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub field: String,
    pub message: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some(l) = self.line {
            write!(f, ":{l}")?;
            if let Some(c) = self.column {
                write!(f, ":{c}")?;
            }
        }
        if !self.field.is_empty() {
            write!(f, ": {}", self.field)?;
        }
        write!(f, ": {}", self.message)
    }
}

/// Every problem found, in file order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigErrors(pub Vec<ConfigError>);

impl fmt::Display for ConfigErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ConfigErrors {}

/// A file being validated: its name, text, and the errors found in it.
struct Src<'a> {
    file: PathBuf,
    text: &'a str,
    errors: &'a mut Vec<ConfigError>,
}

impl Src<'_> {
    fn err(&mut self, span: Range<usize>, field: impl Into<String>, message: impl Into<String>) {
        let (line, column) = if span.start == 0 && span.end == 0 {
            (None, None)
        } else {
            let before = &self.text[..span.start.min(self.text.len())];
            let line = before.matches('\n').count() + 1;
            let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            (Some(line), Some(column))
        };
        self.errors.push(ConfigError {
            file: self.file.clone(),
            line,
            column,
            field: field.into(),
            message: message.into(),
        });
    }
}

/// Checks a site's `public_url`: `http(s)://host[:port]`, an optional path prefix, no query or fragment.
/// Returns it without a trailing slash.
fn parse_public_url(url: &str) -> Result<String, String> {
    let bad = || format!("{url:?} is not a web address like https://sportello.comune.livorno.it");
    let rest = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://")).ok_or_else(bad)?;
    let host = rest.split('/').next().unwrap_or("");
    let host_ok = !host.is_empty()
        && host.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'))
        && !host.starts_with(['.', '-', ':']);
    if !host_ok || rest.contains(['?', '#', ' ', '@']) {
        return Err(bad());
    }
    Ok(url.trim_end_matches('/').to_string())
}

/// What `check-config` warns about without refusing the configuration: things that work on a test
/// bench but let visitors down on opening day.
pub fn warnings(cfg: &Config) -> Vec<String> {
    let mut out = Vec::new();
    for site in &cfg.sites {
        match site.public_url.as_deref() {
            None => out.push(format!(
                "site {}: its kiosks have no public_url: the QR code on every ticket will carry the address the \
                 kiosk reaches the server at, which visitors' phones usually cannot open; set \
                 public_url = \"https://…\" (README: publishing the ticket page)",
                site.id
            )),
            Some(url) if !url.starts_with("https://") => out.push(format!(
                "site {}: public_url {url:?} is not https: phones warn about or refuse plain http pages; \
                 publish the ticket page behind a TLS reverse proxy",
                site.id
            )),
            Some(_) => {}
        }
    }
    out
}

/// Load and validate a configuration directory.
pub fn load(dir: &Path) -> Result<Config, ConfigErrors> {
    let sources = read_sources(dir)?;
    let mut cfg = load_sources(&sources)?;
    cfg.dir = dir.to_owned();
    if let Some(ca) = cfg.hub.as_mut().and_then(|h| h.ca.as_mut()) {
        *ca = dir.join(&*ca);
        if let Err(message) = check_ca(ca) {
            return Err(ConfigErrors(vec![ConfigError {
                file: dir.join("sportello.toml"),
                line: None,
                column: None,
                field: "hub.ca".into(),
                message,
            }]));
        }
    }
    Ok(cfg)
}

/// The optional file of staff accounts and device keys (`Access`).
pub const ACCESS_FILE: &str = "access.toml";

/// The files of a configuration directory, as `load_sources` takes them: `sportello.toml`,
/// `access.toml` if there is one, then `sites/*.toml` sorted (paths relative to `dir`). What a hub
/// bundle carries.
pub fn read_sources(dir: &Path) -> Result<Vec<(PathBuf, String)>, ConfigErrors> {
    let mut sources = Vec::new();
    let global = dir.join("sportello.toml");
    let read = |p: &Path| std::fs::read_to_string(p);
    let mut errors = Vec::new();
    match read(&global) {
        Ok(t) => sources.push((PathBuf::from("sportello.toml"), t)),
        Err(e) => errors.push(ConfigError {
            file: global.clone(),
            line: None,
            column: None,
            field: String::new(),
            message: format!("cannot read it: {e}"),
        }),
    }
    let access = dir.join(ACCESS_FILE);
    if access.exists() {
        match read(&access) {
            Ok(t) => sources.push((PathBuf::from(ACCESS_FILE), t)),
            Err(e) => errors.push(ConfigError {
                file: access.clone(),
                line: None,
                column: None,
                field: String::new(),
                message: format!("cannot read it: {e}"),
            }),
        }
    }
    let sites_dir = dir.join("sites");
    match std::fs::read_dir(&sites_dir) {
        Ok(entries) => {
            let mut files: Vec<PathBuf> = entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "toml"))
                .collect();
            files.sort();
            for p in files {
                match read(&p) {
                    Ok(t) => sources.push((Path::new("sites").join(p.file_name().unwrap_or_default()), t)),
                    Err(e) => errors.push(ConfigError {
                        file: p.clone(),
                        line: None,
                        column: None,
                        field: String::new(),
                        message: format!("cannot read it: {e}"),
                    }),
                }
            }
        }
        Err(e) => errors.push(ConfigError {
            file: sites_dir.clone(),
            line: None,
            column: None,
            field: String::new(),
            message: format!("cannot read the sites directory: {e}"),
        }),
    }
    if !errors.is_empty() {
        return Err(ConfigErrors(errors));
    }
    Ok(sources)
}

/// The digest of configuration sources (`queue_core::envelope::bundle_digest`): the version a site
/// reports as running and a hub bundle's sha256 are the same number for the same files.
pub fn digest(sources: &[(PathBuf, String)]) -> String {
    let files: Vec<(String, &str)> =
        sources.iter().map(|(p, t)| (p.to_string_lossy().replace('\\', "/"), t.as_str())).collect();
    queue_core::envelope::bundle_digest(files.iter().map(|(p, t)| (p.as_str(), *t)))
}

/// A URL whose host is this machine (`http://127.0.0.1:…`, `http://localhost…`, `http://[::1]…`).
fn loopback_url(url: &str) -> bool {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = match host.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or(""),
        None => host.rsplit_once(':').map_or(host, |(h, _)| h),
    };
    host.eq_ignore_ascii_case("localhost") || host.parse::<std::net::IpAddr>().is_ok_and(|a| a.is_loopback())
}

/// The hub's CA file: readable, with at least one PEM certificate (the relay's TLS stack reads it).
fn check_ca(path: &Path) -> Result<(), String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read the CA file {}: {e}", path.display()))?;
    if !text.contains("-----BEGIN CERTIFICATE-----") {
        return Err(format!("{} holds no PEM certificate (-----BEGIN CERTIFICATE-----)", path.display()));
    }
    Ok(())
}

/// Validate configuration sources: `(path, text)` with `sportello.toml` first, then `sites/*.toml`.
pub fn load_sources(sources: &[(PathBuf, String)]) -> Result<Config, ConfigErrors> {
    let mut errors = Vec::new();
    let mut global: Option<(usize, raw::Global)> = None;
    let mut sites: Vec<(usize, raw::Site)> = Vec::new();
    let mut access: Option<(usize, raw::Access)> = None;
    for (i, (path, text)) in sources.iter().enumerate() {
        let top = |name: &str| {
            path.file_name().is_some_and(|n| n == name) && path.parent().is_none_or(|p| p.as_os_str().is_empty())
        };
        let parsed = if top("sportello.toml") {
            toml::from_str::<raw::Global>(text).map(|g| global = Some((i, g)))
        } else if top(ACCESS_FILE) {
            toml::from_str::<raw::Access>(text).map(|a| access = Some((i, a)))
        } else {
            toml::from_str::<raw::Site>(text).map(|s| sites.push((i, s)))
        };
        if let Err(e) = parsed {
            let mut src = Src { file: path.clone(), text, errors: &mut errors };
            src.err(e.span().unwrap_or(0..0), "", e.message().to_owned());
        }
    }
    let Some((gi, global)) = global else {
        if errors.is_empty() {
            errors.push(ConfigError {
                file: "sportello.toml".into(),
                line: None,
                column: None,
                field: String::new(),
                message: "missing: the global file with languages, retention and min_group_size".into(),
            });
        }
        return Err(ConfigErrors(errors));
    };
    let mut cfg = Config {
        dir: PathBuf::new(),
        digest: digest(sources),
        bundle: None,
        languages: Vec::new(),
        retention_days: *global.retention_days.get_ref(),
        min_group_size: *global.min_group_size.get_ref(),
        server: ServerSettings::default(),
        hub: None,
        sites: Vec::new(),
        access: None,
    };
    {
        let (path, text) = &sources[gi];
        let mut src = Src { file: path.clone(), text, errors: &mut errors };
        let mut seen = BTreeSet::new();
        for (i, l) in global.languages.iter().enumerate() {
            let code = l.code.get_ref();
            let ok = (2..=3).contains(&code.len()) && code.bytes().all(|b| b.is_ascii_lowercase());
            if !ok {
                src.err(
                    l.code.span(),
                    format!("languages[{i}].code"),
                    format!("'{code}' is not a language code (two or three letters a-z, e.g. 'ar')"),
                );
            } else if !seen.insert(code.clone()) {
                src.err(l.code.span(), format!("languages[{i}].code"), format!("language '{code}' is listed twice"));
            }
            if l.native_name.get_ref().trim().is_empty() {
                src.err(
                    l.native_name.span(),
                    format!("languages[{i}].native_name"),
                    "the language's name in itself is empty",
                );
            }
            // The kiosk shows the name on its language and mediator buttons: a script no shipped font
            // has would be a blank button.
            if let Some(message) = unshippable(l.native_name.get_ref()) {
                src.err(l.native_name.span(), format!("languages[{i}].native_name"), message);
            }
            cfg.languages.push(LanguageInfo {
                code: code.clone(),
                native_name: l.native_name.get_ref().clone(),
                rtl: l.rtl,
            });
        }
        if *global.retention_days.get_ref() == 0 {
            src.err(global.retention_days.span(), "retention_days", "must be at least 1 day");
        }
        if *global.min_group_size.get_ref() == 0 {
            src.err(global.min_group_size.span(), "min_group_size", "must be at least 1");
        }
        let mut nets = |list: &[Spanned<String>], field: &str| -> Vec<IpNet> {
            let mut out = Vec::new();
            for (i, n) in list.iter().enumerate() {
                match IpNet::parse(n.get_ref()) {
                    Some(net) => out.push(net),
                    None => src.err(
                        n.span(),
                        format!("server.{field}[{i}]"),
                        format!("'{}' is not an address or block like \"10.0.0.1\" or \"10.0.0.0/8\"", n.get_ref()),
                    ),
                }
            }
            out
        };
        cfg.server.trusted_proxies = nets(&global.server.trusted_proxies, "trusted_proxies");
        cfg.server.metrics_from = nets(&global.server.metrics_from, "metrics_from");
        if let Some(n) = &global.server.connections_per_address {
            cfg.server.connections_per_address = positive(&mut src, n, "server.connections_per_address");
        }
        if let Some(h) = &global.hub {
            let url = h.url.get_ref().trim_end_matches('/');
            if !(url.starts_with("https://") || url.starts_with("http://")) || url.len() < "http://x".len() {
                src.err(
                    h.url.span(),
                    "hub.url",
                    format!("'{url}' is not an http(s) URL like \"https://hub.example.org\""),
                );
            } else if url.starts_with("http://") && !loopback_url(url) {
                src.err(
                    h.url.span(),
                    "hub.url",
                    format!(
                        "'{url}' is plain http to another machine: the enrolment key would cross the network in \
                         clear; use https:// (or http://127.0.0.1:PORT through a local tunnel)"
                    ),
                );
            }
            let origin = h.origin.get_ref();
            if origin.is_empty()
                || origin.len() > 64
                || !origin.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
            {
                src.err(h.origin.span(), "hub.origin", format!("'{origin}' is not an origin name (a-z, 0-9, - and _)"));
            }
            if h.key.get_ref().trim().len() < 16 {
                src.err(
                    h.key.span(),
                    "hub.key",
                    "the enrolment key is missing or too short (copy it from `hub enrol`)",
                );
            }
            cfg.hub = Some(HubSettings {
                url: url.to_owned(),
                origin: origin.clone(),
                key: h.key.get_ref().trim().to_owned(),
                ca: h.ca.as_ref().map(|c| PathBuf::from(c.get_ref())),
            });
        }
    }
    let known: BTreeSet<String> = cfg.languages.iter().map(|l| l.code.clone()).collect();
    let mut site_ids = BTreeMap::new();
    let mut desk_ids: BTreeMap<String, String> = BTreeMap::new();
    if sites.is_empty() && errors.is_empty() {
        errors.push(ConfigError {
            file: "sites".into(),
            line: None,
            column: None,
            field: String::new(),
            message: "no site: add one file per site in sites/".into(),
        });
    }
    for (i, raw) in sites {
        let (path, text) = &sources[i];
        let mut src = Src { file: path.clone(), text, errors: &mut errors };
        if let Some(site) = site(&mut src, raw, &known, &mut site_ids, &mut desk_ids) {
            cfg.sites.push(site);
        }
    }
    // Mediator languages carry their native names.
    let all = cfg.languages.clone();
    for s in &mut cfg.sites {
        for l in &mut s.triage.mediator_languages {
            if let Some(k) = all.iter().find(|k| k.code == l.code) {
                *l = k.clone();
            }
        }
    }
    if let Some((i, raw)) = access {
        let (path, text) = &sources[i];
        let mut src = Src { file: path.clone(), text, errors: &mut errors };
        cfg.access = Some(check_access(&mut src, raw, &cfg));
    }
    if errors.is_empty() { Ok(cfg) } else { Err(ConfigErrors(errors)) }
}

/// `access.toml` text of `a` (what `load_sources` reads back): `queue-server staff export`.
pub fn access_to_toml(a: &Access) -> String {
    let q = |s: &str| toml::Value::String(s.to_owned()).to_string();
    let list = |v: &[String]| format!("[{}]", v.iter().map(|s| q(s)).collect::<Vec<_>>().join(", "));
    let mut out = String::from(
        "# Staff accounts and device keys of this site server (queue-server staff export).\n\
         # Hashes only: argon2id for passwords, sha256 for device keys. Put it beside sportello.toml in\n\
         # the directory `hub publish` sends: accounts and keys not listed are disabled or revoked.\n",
    );
    for s in &a.staff {
        out.push_str(&format!(
            "\n[[staff]]\nusername = {}\nname = {}\nrole = {}\nlanguages = {}\nprofessions = {}\n",
            q(&s.username),
            q(&s.name),
            q(&s.role),
            list(&s.languages),
            list(&s.professions)
        ));
        if let Some(sites) = &s.sites {
            out.push_str(&format!("sites = {}\n", list(sites)));
        }
        out.push_str(&format!("password_hash = {}\n", q(&s.password_hash)));
        if s.disabled {
            out.push_str("disabled = true\n");
        }
    }
    for d in &a.devices {
        out.push_str(&format!(
            "\n[[devices]]\nid = {}\nsite = {}\nkind = {}\nname = {}\nkey_hash = {}\n",
            q(&d.id),
            q(&d.site),
            q(&d.kind),
            q(&d.name),
            q(&d.key_hash)
        ));
    }
    out
}

/// A username or device id: a-z, 0-9, '.', '-', '_', 1 to 64 characters.
fn account_name(s: &str) -> bool {
    (1..=64).contains(&s.len())
        && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'_'))
}

/// `access.toml` against the sites and languages just loaded: every account and key well formed,
/// unique, on configured sites, with hashes only.
fn check_access(src: &mut Src<'_>, raw: raw::Access, cfg: &Config) -> Access {
    let site_known = |s: &str| cfg.sites.iter().any(|x| x.id.as_str() == s);
    let mut out = Access::default();
    let mut usernames = BTreeSet::new();
    for (i, a) in raw.staff.into_iter().enumerate() {
        let f = |x: &str| format!("staff[{i}].{x}");
        let username = a.username.get_ref();
        if !account_name(username) {
            src.err(
                a.username.span(),
                f("username"),
                format!("'{username}' is not a username (a-z, 0-9, '.', '-', '_')"),
            );
        } else if !usernames.insert(username.clone()) {
            src.err(a.username.span(), f("username"), format!("'{username}' is listed twice"));
        }
        if a.name.get_ref().trim().is_empty() {
            src.err(a.name.span(), f("name"), "the name shown on the desk page is empty");
        }
        if !matches!(a.role.get_ref().as_str(), "staff" | "manager" | "admin") {
            src.err(a.role.span(), f("role"), format!("'{}' is not staff, manager or admin", a.role.get_ref()));
        }
        for (j, l) in a.languages.iter().enumerate() {
            if !cfg.languages.iter().any(|k| &k.code == l.get_ref()) {
                src.err(
                    l.span(),
                    format!("staff[{i}].languages[{j}]"),
                    format!("'{}' is not a configured language", l.get_ref()),
                );
            }
        }
        for (j, p) in a.professions.iter().enumerate() {
            if !is_slug(p.get_ref()) {
                src.err(
                    p.span(),
                    format!("staff[{i}].professions[{j}]"),
                    format!("'{}' is not a profession id (a-z, 0-9, '-', '_')", p.get_ref()),
                );
            }
        }
        // An account may also (or only) work at sites other servers run: the Region may send one
        // list to every server. Site ids must still be ids.
        for (j, s) in a.sites.iter().flatten().enumerate() {
            if !is_slug(s.get_ref()) {
                src.err(s.span(), format!("staff[{i}].sites[{j}]"), format!("'{}' is not a site id", s.get_ref()));
            }
        }
        let hash = a.password_hash.get_ref();
        if !hash.starts_with("$argon2id$") || hash.split('$').count() != 6 {
            src.err(
                a.password_hash.span(),
                f("password_hash"),
                "not an argon2id hash ($argon2id$v=19$…): passwords never travel, only their hashes (queue-server staff export)",
            );
        }
        out.staff.push(StaffAccount {
            username: username.clone(),
            name: a.name.get_ref().trim().to_owned(),
            role: a.role.get_ref().clone(),
            languages: a.languages.iter().map(|l| l.get_ref().clone()).collect(),
            professions: a.professions.iter().map(|p| p.get_ref().clone()).collect(),
            sites: a.sites.map(|v| v.into_iter().map(|s| s.into_inner()).collect()),
            password_hash: hash.clone(),
            disabled: a.disabled,
        });
    }
    let (mut ids, mut hashes) = (BTreeSet::new(), BTreeSet::new());
    for (i, d) in raw.devices.into_iter().enumerate() {
        let f = |x: &str| format!("devices[{i}].{x}");
        let id = d.id.get_ref();
        if !account_name(id) {
            src.err(d.id.span(), f("id"), format!("'{id}' is not a device id (a-z, 0-9, '.', '-', '_')"));
        } else if !ids.insert(id.clone()) {
            src.err(d.id.span(), f("id"), format!("'{id}' is listed twice"));
        }
        if !site_known(d.site.get_ref()) {
            src.err(d.site.span(), f("site"), format!("no site '{}' is configured", d.site.get_ref()));
        }
        if !matches!(d.kind.get_ref().as_str(), "kiosk" | "display") {
            src.err(d.kind.span(), f("kind"), format!("'{}' is not kiosk or display", d.kind.get_ref()));
        }
        if d.name.get_ref().trim().is_empty() {
            src.err(d.name.span(), f("name"), "the device's name is empty");
        }
        let hash = d.key_hash.get_ref();
        if hash.len() != 64 || !hash.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)) {
            src.err(
                d.key_hash.span(),
                f("key_hash"),
                "not a sha256 of the key (64 hex digits, a-f): keys never travel",
            );
        } else if !hashes.insert(hash.clone()) {
            src.err(d.key_hash.span(), f("key_hash"), "two devices have the same key");
        }
        out.devices.push(DeviceKey {
            id: id.clone(),
            site: d.site.get_ref().clone(),
            kind: d.kind.get_ref().clone(),
            name: d.name.get_ref().trim().to_owned(),
            key_hash: hash.clone(),
        });
    }
    out
}

/// Why `text` cannot be shown by the kiosk and the display: characters no font in `assets/fonts` has.
fn unshippable(text: &str) -> Option<String> {
    let missing = texts::missing_from_fonts(text);
    (!missing.is_empty()).then(|| {
        let list: Vec<String> = missing.iter().map(|c| format!("'{c}' (U+{:04X})", *c as u32)).collect();
        format!(
            "no font the kiosk ships can draw {}: it would show as blank boxes (fonts: {}; add one to assets/fonts)",
            list.join(", "),
            texts::FONT_FILES.join(", ")
        )
    })
}

fn slug(src: &mut Src<'_>, s: &Spanned<String>, field: &str, what: &str) -> bool {
    if is_slug(s.get_ref()) {
        true
    } else {
        src.err(
            s.span(),
            field,
            format!("{what} id '{}' must be 1–40 characters of a-z, 0-9, '-' or '_'", s.get_ref()),
        );
        false
    }
}

/// Texts present and non-empty in every language of the site; unknown languages refused.
fn texts(src: &mut Src<'_>, t: &Spanned<raw::Texts>, field: &str, langs: &[String]) -> Texts {
    let mut out = Texts::new();
    for (code, v) in t.get_ref() {
        if !langs.contains(code) {
            src.err(
                v.span(),
                format!("{field}.{code}"),
                format!("'{code}' is not one of the site's languages ({})", langs.join(", ")),
            );
        } else if v.get_ref().trim().is_empty() {
            src.err(v.span(), format!("{field}.{code}"), "the text is empty");
        } else if let Some(message) = unshippable(v.get_ref()) {
            src.err(v.span(), format!("{field}.{code}"), message);
        }
        out.insert(code.clone(), v.get_ref().clone());
    }
    let missing: Vec<&str> = langs.iter().filter(|l| !t.get_ref().contains_key(*l)).map(String::as_str).collect();
    if !missing.is_empty() {
        src.err(
            t.span(),
            field,
            format!("missing the text in {} (every offered language needs it)", missing.join(", ")),
        );
    }
    out
}

const WEEKDAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/// `H:MM` or `HH:MM` (00:00 to 24:00) as minutes of the day; `009:00` or `9:5` are refused.
fn minutes(s: &str) -> Option<u16> {
    let (h, m) = s.split_once(':')?;
    if !(1..=2).contains(&h.len()) || m.len() != 2 || !h.bytes().chain(m.bytes()).all(|b| b.is_ascii_digit()) {
        return None;
    }
    let (h, m): (u16, u16) = (h.parse().ok()?, m.parse().ok()?);
    (m < 60 && h * 60 + m <= 24 * 60).then_some(h * 60 + m)
}

fn hours(src: &mut Src<'_>, h: &Spanned<raw::Hours>, field: &str) -> OpeningHours {
    let mut out = OpeningHours::default();
    for (day, ranges) in h.get_ref() {
        let Some(d) = WEEKDAYS.iter().position(|w| w == day.get_ref()) else {
            src.err(
                day.span(),
                format!("{field}.{}", day.get_ref()),
                "weekday must be one of mon, tue, wed, thu, fri, sat, sun",
            );
            continue;
        };
        let mut parsed: Vec<(u16, u16)> = Vec::new();
        for (i, r) in ranges.iter().enumerate() {
            let f = format!("{field}.{}[{i}]", day.get_ref());
            let range = r.get_ref().split_once('-').and_then(|(a, b)| Some((minutes(a.trim())?, minutes(b.trim())?)));
            match range {
                Some((a, b)) if a < b => {
                    if parsed.iter().any(|&(x, y)| a < y && x < b) {
                        src.err(r.span(), f, format!("'{}' overlaps another range of the same day", r.get_ref()));
                    }
                    parsed.push((a, b));
                }
                Some(_) => src.err(r.span(), f, format!("'{}': the opening must be before the closing", r.get_ref())),
                None => src.err(r.span(), f, format!("'{}' is not a range like \"09:00-13:00\"", r.get_ref())),
            }
        }
        parsed.sort();
        out.days[d] = parsed;
    }
    out
}

/// A value that must lie in `range`, or an error naming it.
fn within(src: &mut Src<'_>, v: &Spanned<u32>, field: &str, range: std::ops::RangeInclusive<u32>, unit: &str) -> u32 {
    if !range.contains(v.get_ref()) {
        src.err(
            v.span(),
            field,
            format!("{} must be between {} and {} {unit}", v.get_ref(), range.start(), range.end()),
        );
    }
    *v.get_ref()
}

/// `[appointments]` of a site: the check-in window and the walk-in guard (0: off).
fn site_appointments(src: &mut Src<'_>, raw: &raw::SiteAppointments) -> SiteAppointments {
    let early = within(src, &raw.check_in_early_min, "appointments.check_in_early_min", 0..=240, "minutes");
    let late = within(src, &raw.check_in_late_min, "appointments.check_in_late_min", 0..=120, "minutes");
    let guard = within(src, &raw.walk_in_guard, "appointments.walk_in_guard", 0..=50, "calls (0: no guard)");
    SiteAppointments { check_in_early_min: early, check_in_late_min: late, walk_in_guard: (guard > 0).then_some(guard) }
}

/// `[services.appointments]`: hours inside the service's opening hours (`open`, `None`: always
/// open), a slot length and the share of capacity bookings may take.
fn service_appointments(
    src: &mut Src<'_>,
    raw: &raw::ServiceAppointments,
    field: &str,
    open: Option<&OpeningHours>,
) -> ServiceAppointments {
    let f = |x: &str| format!("{field}.{x}");
    let parsed = hours(src, &raw.hours, &f("hours"));
    if parsed.days.iter().all(Vec::is_empty) {
        src.err(raw.hours.span(), f("hours"), "appointment hours name no time: give at least one day's range");
    }
    if let Some(open) = open {
        for (day, ranges) in raw.hours.get_ref() {
            let Some(d) = WEEKDAYS.iter().position(|w| w == day.get_ref()) else { continue };
            for (i, r) in ranges.iter().enumerate() {
                let range =
                    r.get_ref().split_once('-').and_then(|(a, b)| Some((minutes(a.trim())?, minutes(b.trim())?)));
                let Some((a, b)) = range else { continue };
                if a < b && !open.days[d].iter().any(|&(x, y)| x <= a && b <= y) {
                    src.err(
                        r.span(),
                        format!("{}.{}[{i}]", f("hours"), day.get_ref()),
                        format!("'{}' is outside the service's opening hours that day", r.get_ref()),
                    );
                }
            }
        }
    }
    let slot_min = within(src, &raw.slot_min, &f("slot_min"), 5..=240, "minutes");
    let max_share_percent = within(src, &raw.max_share_percent, &f("max_share_percent"), 1..=100, "percent");
    ServiceAppointments { hours: parsed, slot_min, max_share_percent }
}

fn positive(src: &mut Src<'_>, v: &Spanned<u32>, field: &str) -> u32 {
    if *v.get_ref() == 0 {
        src.err(v.span(), field, "must be greater than 0");
    }
    *v.get_ref()
}

fn service_kind(s: &str) -> Option<ServiceKind> {
    Some(match s {
        "social" => ServiceKind::Social,
        "employment" => ServiceKind::Employment,
        "health" => ServiceKind::Health,
        "legal" => ServiceKind::Legal,
        "mediation" => ServiceKind::Mediation,
        "basic_needs" => ServiceKind::BasicNeeds,
        "other" => ServiceKind::Other,
        _ => return None,
    })
}

fn site(
    src: &mut Src<'_>,
    raw: raw::Site,
    known: &BTreeSet<String>,
    site_ids: &mut BTreeMap<String, PathBuf>,
    desk_ids: &mut BTreeMap<String, String>,
) -> Option<Site> {
    slug(src, &raw.id, "id", "site");
    let id = raw.id.get_ref().clone();
    if let Some(other) = site_ids.insert(id.clone(), src.file.clone()) {
        src.err(raw.id.span(), "id", format!("site '{id}' is already defined in {}", other.display()));
    }
    let time_zone = match TimeZone::get(raw.time_zone.get_ref()) {
        Ok(tz) => tz,
        Err(_) => {
            src.err(
                raw.time_zone.span(),
                "time_zone",
                format!("'{}' is not a known IANA time zone (e.g. \"Europe/Rome\")", raw.time_zone.get_ref()),
            );
            TimeZone::UTC
        }
    };
    let mut languages = Vec::new();
    for (i, l) in raw.languages.get_ref().iter().enumerate() {
        if !known.contains(l.get_ref()) {
            src.err(
                l.span(),
                format!("languages[{i}]"),
                format!("'{}' is not listed in sportello.toml's languages", l.get_ref()),
            );
        } else if languages.contains(l.get_ref()) {
            src.err(l.span(), format!("languages[{i}]"), format!("'{}' is listed twice", l.get_ref()));
        } else if texts::language(l.get_ref()).is_none() {
            // Kiosk, display and ticket page would show Italian to a visitor who chose this language.
            src.err(
                l.span(),
                format!("languages[{i}]"),
                format!(
                    "Sportello has no texts in '{}' (texts/locales/{}/; see README, \"Adding a language\")",
                    l.get_ref(),
                    l.get_ref()
                ),
            );
        } else {
            languages.push(l.get_ref().clone());
        }
    }
    if raw.languages.get_ref().is_empty() {
        src.err(raw.languages.span(), "languages", "a site offers at least one language (the first is its default)");
    }
    let langs = languages.clone();
    let opening_hours = raw.opening_hours.as_ref().map(|h| hours(src, h, "opening_hours"));
    let policy = Policy {
        out_of_order_calls: raw.policy.out_of_order_calls,
        aging: raw.policy.aging,
        transfer_fallback_s: positive(src, &raw.policy.transfer_fallback_s, "policy.transfer_fallback_s"),
        any_ticket_role: match &raw.policy.any_ticket_role {
            None => queue_core::Role::Manager,
            Some(r) => queue_core::Role::parse(r.get_ref()).unwrap_or_else(|| {
                src.err(
                    r.span(),
                    "policy.any_ticket_role",
                    format!("'{}' must be staff, manager or admin", r.get_ref()),
                );
                queue_core::Role::Manager
            }),
        },
        keep_queue_overnight: raw.policy.keep_queue_overnight,
        expire_grace_s: raw.policy.expire_grace_s,
    };
    let rate_limits = RateLimits {
        tickets_per_minute_per_kiosk: positive(
            src,
            &raw.rate_limits.tickets_per_minute_per_kiosk,
            "rate_limits.tickets_per_minute_per_kiosk",
        ),
        logins_per_minute_per_address: positive(
            src,
            &raw.rate_limits.logins_per_minute_per_address,
            "rate_limits.logins_per_minute_per_address",
        ),
        public_lookups_per_minute_per_address: positive(
            src,
            &raw.rate_limits.public_lookups_per_minute_per_address,
            "rate_limits.public_lookups_per_minute_per_address",
        ),
        alerts_per_minute_per_kiosk: positive(
            src,
            &raw.rate_limits.alerts_per_minute_per_kiosk,
            "rate_limits.alerts_per_minute_per_kiosk",
        ),
        logins_per_minute_per_account: positive(
            src,
            &raw.rate_limits.logins_per_minute_per_account,
            "rate_limits.logins_per_minute_per_account",
        ),
        public_lookups_per_minute_per_token: positive(
            src,
            &raw.rate_limits.public_lookups_per_minute_per_token,
            "rate_limits.public_lookups_per_minute_per_token",
        ),
        flood_alert_tickets: positive(src, &raw.rate_limits.flood_alert_tickets, "rate_limits.flood_alert_tickets"),
    };
    let appointments = site_appointments(src, &raw.appointments);
    let public_url = raw.public_url.as_ref().and_then(|u| match parse_public_url(u.get_ref()) {
        Ok(url) => Some(url),
        Err(message) => {
            src.err(u.span(), "public_url", message);
            None
        }
    });
    let waiting_area = texts(src, &raw.waiting_area, "waiting_area", &langs);
    let notice = raw.notice.as_ref().map(|n| texts(src, n, "notice", &langs)).unwrap_or_default();

    let mut services = Vec::new();
    let mut prefixes: BTreeMap<char, String> = BTreeMap::new();
    for (i, s) in raw.services.iter().enumerate() {
        let f = |x: &str| format!("services[{i}].{x}");
        slug(src, &s.id, &f("id"), "service");
        if services.iter().any(|o: &Service| o.id.as_str() == s.id.get_ref()) {
            src.err(s.id.span(), f("id"), format!("service '{}' is defined twice at this site", s.id.get_ref()));
        }
        let p = s.prefix.get_ref();
        let prefix = p.chars().next().unwrap_or('?');
        if p.chars().count() != 1 || !prefix.is_ascii_uppercase() {
            src.err(s.prefix.span(), f("prefix"), format!("prefix '{p}' must be one letter A-Z"));
        } else if let Some(other) = prefixes.insert(prefix, s.id.get_ref().clone()) {
            src.err(s.prefix.span(), f("prefix"), format!("prefix '{prefix}' is already used by service '{other}'"));
        }
        let kind = service_kind(s.kind.get_ref()).unwrap_or_else(|| {
            src.err(
                s.kind.span(),
                f("kind"),
                format!(
                    "'{}' must be one of social, employment, health, legal, mediation, basic_needs, other",
                    s.kind.get_ref()
                ),
            );
            ServiceKind::Other
        });
        let daily_cap = s.daily_cap.as_ref().map(|c| positive(src, c, &f("daily_cap")));
        let public_id = match &s.public_id {
            Some(p) => {
                slug(src, p, &f("public_id"), "public");
                if s.discreet && p.get_ref() == s.id.get_ref() {
                    src.err(p.span(), f("public_id"), "a discreet service's public id must not be its id");
                }
                p.get_ref().clone()
            }
            None if s.discreet => format!("area-{}", prefix.to_ascii_lowercase()),
            None => s.id.get_ref().clone(),
        };
        if let Some(other) = services.iter().find(|o: &&Service| o.public_id == public_id) {
            src.err(
                s.public_id.as_ref().map_or(s.id.span(), |p| p.span()),
                f("public_id"),
                format!("public id '{public_id}' is already used by service '{}'", other.id),
            );
        }
        let svc_hours = s.opening_hours.as_ref().map(|h| hours(src, h, &f("opening_hours")));
        services.push(Service {
            public_id,
            id: ServiceId(s.id.get_ref().clone()),
            prefix,
            names: texts(src, &s.names, &f("names"), &langs),
            public_label: texts(src, &s.public_label, &f("public_label"), &langs),
            discreet: s.discreet,
            kind,
            target_wait_s: positive(src, &s.target_wait_s, &f("target_wait_s")),
            daily_cap,
            opening_hours: svc_hours.clone(),
            roles: s.roles.clone(),
            default_service_time_s: positive(src, &s.default_service_time_s, &f("default_service_time_s")),
            appointments: s.appointments.as_ref().map(|a| {
                service_appointments(src, a, &f("appointments"), svc_hours.as_ref().or(opening_hours.as_ref()))
            }),
        });
    }
    if raw.services.is_empty() {
        src.err(0..0, "services", "a site needs at least one service");
    }
    let known_service = |id: &str| services.iter().any(|s| s.id.as_str() == id);

    let mut desks = Vec::new();
    for (i, d) in raw.desks.iter().enumerate() {
        let f = |x: &str| format!("desks[{i}].{x}");
        slug(src, &d.id, &f("id"), "desk");
        if let Some(other) = desk_ids.insert(d.id.get_ref().clone(), id.clone()) {
            src.err(
                d.id.span(),
                f("id"),
                format!(
                    "desk '{}' is already defined at site '{other}' (desk ids are unique across all sites)",
                    d.id.get_ref()
                ),
            );
        }
        if d.label.get_ref().trim().is_empty() {
            src.err(d.label.span(), f("label"), "the label visitors see is empty");
        }
        if let Some(p) = &d.public_label
            && p.get_ref().trim().is_empty()
        {
            src.err(p.span(), f("public_label"), "the public label is empty: leave it out to show the label");
        }
        for (j, s) in d.services.iter().enumerate() {
            if !known_service(s.get_ref()) {
                src.err(
                    s.span(),
                    format!("desks[{i}].services[{j}]"),
                    format!("no service '{}' at this site", s.get_ref()),
                );
            }
        }
        if d.services.is_empty() {
            src.err(d.id.span(), f("services"), "a desk serves at least one service");
        }
        desks.push(Desk {
            id: DeskId(d.id.get_ref().clone()),
            label: d.label.get_ref().clone(),
            public_label: d.public_label.as_ref().unwrap_or(&d.label).get_ref().clone(),
            services: d.services.iter().map(|s| ServiceId(s.get_ref().clone())).collect(),
        });
    }
    for (i, s) in raw.services.iter().enumerate() {
        if !desks.iter().any(|d| d.services.iter().any(|x| x.as_str() == s.id.get_ref())) {
            src.err(
                s.id.span(),
                format!("services[{i}].id"),
                format!("no desk serves '{}': add it to a desk's services", s.id.get_ref()),
            );
        }
    }
    let triage = triage(src, &raw.triage, &langs, known, &known_service);
    Some(Site {
        id: SiteId(id),
        name: raw.name.get_ref().clone(),
        address: raw.address.clone(),
        time_zone_name: raw.time_zone.get_ref().clone(),
        time_zone,
        public_url,
        languages,
        opening_hours,
        policy,
        rate_limits,
        appointments,
        waiting_area,
        notice,
        services,
        desks,
        triage,
    })
}

fn triage(
    src: &mut Src<'_>,
    t: &raw::Triage,
    langs: &[String],
    known: &BTreeSet<String>,
    known_service: &dyn Fn(&str) -> bool,
) -> Triage {
    let ids: Vec<&str> = t.questions.iter().map(|q| q.id.get_ref().as_str()).collect();
    let mut questions = Vec::new();
    for (i, q) in t.questions.iter().enumerate() {
        let f = |x: &str| format!("triage.questions[{i}].{x}");
        slug(src, &q.id, &f("id"), "question");
        if ids.iter().filter(|x| **x == q.id.get_ref()).count() > 1 {
            src.err(q.id.span(), f("id"), format!("question '{}' is defined twice", q.id.get_ref()));
        }
        if q.choices.is_empty() {
            src.err(q.id.span(), f("choices"), "a question needs at least one choice");
        }
        let mut choices = Vec::new();
        for (j, c) in q.choices.iter().enumerate() {
            let cf = |x: &str| format!("triage.questions[{i}].choices[{j}].{x}");
            match (&c.next, &c.service) {
                (Some(n), None) if !ids.contains(&n.get_ref().as_str()) => {
                    src.err(n.span(), cf("next"), format!("no question '{}'", n.get_ref()));
                }
                (None, Some(s)) if !known_service(s.get_ref()) => {
                    src.err(s.span(), cf("service"), format!("no service '{}' at this site", s.get_ref()));
                }
                (Some(_), None) | (None, Some(_)) => {}
                _ => src.err(
                    c.label.span(),
                    format!("triage.questions[{i}].choices[{j}]"),
                    "a choice has exactly one of 'next' (a question) or 'service'",
                ),
            }
            choices.push(Choice {
                label: texts(src, &c.label, &cf("label"), langs),
                pictogram: c.pictogram.clone(),
                next: c.next.as_ref().map(|n| n.get_ref().clone()),
                service: c.service.as_ref().map(|s| ServiceId(s.get_ref().clone())),
            });
        }
        questions.push(Question {
            id: q.id.get_ref().clone(),
            text: texts(src, &q.text, &f("text"), langs),
            pictogram: q.pictogram.clone(),
            choices,
        });
    }
    if !ids.contains(&t.start.get_ref().as_str()) {
        src.err(t.start.span(), "triage.start", format!("no question '{}'", t.start.get_ref()));
    } else {
        // Every question reachable from the start, and no cycles.
        let next = |id: &str| -> Vec<String> {
            questions
                .iter()
                .find(|q| q.id == id)
                .map(|q| q.choices.iter().filter_map(|c| c.next.clone()).collect())
                .unwrap_or_default()
        };
        let mut reached = BTreeSet::new();
        let mut cycle = None;
        fn walk(
            id: &str,
            path: &mut Vec<String>,
            reached: &mut BTreeSet<String>,
            cycle: &mut Option<String>,
            next: &dyn Fn(&str) -> Vec<String>,
        ) {
            if path.iter().any(|p| p == id) {
                cycle.get_or_insert_with(|| format!("{} → {id}", path.join(" → ")));
                return;
            }
            reached.insert(id.to_owned());
            path.push(id.to_owned());
            for n in next(id) {
                walk(&n, path, reached, cycle, next);
            }
            path.pop();
        }
        walk(t.start.get_ref(), &mut Vec::new(), &mut reached, &mut cycle, &next);
        if let Some(c) = cycle {
            src.err(t.start.span(), "triage", format!("the questions loop: {c}"));
        }
        for (i, q) in t.questions.iter().enumerate() {
            if !reached.contains(q.id.get_ref()) {
                src.err(
                    q.id.span(),
                    format!("triage.questions[{i}].id"),
                    format!("question '{}' cannot be reached from '{}'", q.id.get_ref(), t.start.get_ref()),
                );
            }
        }
    }
    let mut priority_questions = Vec::new();
    for (i, p) in t.priority_questions.iter().enumerate() {
        let f = |x: &str| format!("triage.priority_questions[{i}].{x}");
        slug(src, &p.id, &f("id"), "priority question");
        slug(src, &p.group, &f("group"), "target group");
        priority_questions.push(PriorityQuestion {
            id: p.id.get_ref().clone(),
            text: texts(src, &p.text, &f("text"), langs),
            pictogram: p.pictogram.clone(),
            group: p.group.get_ref().clone(),
        });
    }
    let mut mediator_languages = Vec::new();
    for (i, l) in t.mediator_languages.iter().enumerate() {
        if !known.contains(l.get_ref()) {
            src.err(
                l.span(),
                format!("triage.mediator_languages[{i}]"),
                format!("'{}' is not listed in sportello.toml's languages", l.get_ref()),
            );
        }
        mediator_languages.push(l.get_ref().clone());
    }
    Triage {
        start: t.start.get_ref().clone(),
        questions,
        ask_party_size: t.ask_party_size,
        priority_questions,
        ask_mediator: t.ask_mediator,
        // Native names are filled in by `load_sources`.
        mediator_languages: mediator_languages
            .into_iter()
            .map(|code| LanguageInfo { code, native_name: String::new(), rtl: false })
            .collect(),
    }
}

impl Config {
    pub fn site(&self, id: &SiteId) -> Option<&Site> {
        self.sites.iter().find(|s| &s.id == id)
    }
    pub fn service(&self, site: &SiteId, service: &ServiceId) -> Option<&Service> {
        self.site(site)?.services.iter().find(|s| &s.id == service)
    }
    pub fn desk(&self, id: &DeskId) -> Option<(&Site, &Desk)> {
        self.sites.iter().find_map(|s| s.desks.iter().find(|d| &d.id == id).map(|d| (s, d)))
    }
    pub fn language(&self, code: &str) -> Option<&LanguageInfo> {
        self.languages.iter().find(|l| l.code == code)
    }

    /// The slice of the configuration the queue engine decides with.
    pub fn rules(&self) -> Rules {
        let mut rules = Rules::default();
        for s in &self.sites {
            let default_language = s.languages.first().cloned().unwrap_or_default();
            rules.sites.insert(
                s.id.clone(),
                queue_core::SiteRules {
                    id: s.id.clone(),
                    time_zone: s.time_zone.clone(),
                    default_language: default_language.clone(),
                    opening_hours: s.opening_hours.clone(),
                    out_of_order_calls: s.policy.out_of_order_calls,
                    aging: s.policy.aging,
                    transfer_fallback_s: s.policy.transfer_fallback_s,
                    any_ticket_role: s.policy.any_ticket_role,
                    keep_queue_overnight: s.policy.keep_queue_overnight,
                    expire_grace_s: s.policy.expire_grace_s,
                    walk_in_guard: s.appointments.walk_in_guard,
                },
            );
            for svc in &s.services {
                rules.services.insert(
                    (s.id.clone(), svc.id.clone()),
                    queue_core::ServiceRules {
                        site: s.id.clone(),
                        id: svc.id.clone(),
                        prefix: svc.prefix,
                        public_label: svc
                            .public_label
                            .get(&default_language)
                            .cloned()
                            .unwrap_or_else(|| svc.id.to_string()),
                        target_wait_s: svc.target_wait_s,
                        daily_cap: svc.daily_cap,
                        opening_hours: svc.opening_hours.clone(),
                        roles: svc.roles.clone(),
                        default_service_time_s: svc.default_service_time_s,
                    },
                );
            }
            for d in &s.desks {
                rules.desks.insert(
                    d.id.clone(),
                    queue_core::DeskRules {
                        id: d.id.clone(),
                        site: s.id.clone(),
                        label: d.label.clone(),
                        services: d.services.clone(),
                    },
                );
            }
        }
        rules
    }
}
