//! Demo mode: the documented demo accounts and device keys (README "Quick start").
//! Never use them on a real site: their passwords and keys are public.

use crate::auth::{hash_password, secret_hash};
use crate::db::{self, DeviceRow, StaffRow};
use config::Config;
use jiff::Timestamp;
use rusqlite::Connection;

/// The password of every demo account.
pub const DEMO_PASSWORD: &str = "sportello-demo";

const LT: &str = "livorno-terreni";
const GR: &str = "grosseto-stazione";

/// (username, display name, role, languages, sites; none = every site)
pub const DEMO_STAFF: &[(&str, &str, &str, &str, &[&str])] = &[
    ("giulia", "Giulia Bianchi (assistente sociale)", "staff", "it,en", &[LT]),
    ("marco", "Marco Rossi (centro per l'impiego)", "staff", "it,fr", &[LT, GR]),
    ("amina", "Amina El Idrissi (mediatrice)", "staff", "it,ar,fr", &[LT]),
    ("olena", "Olena Kovalenko (mediatrice)", "staff", "it,uk,ro", &[LT, GR]),
    ("luca", "Luca Neri (operatore)", "staff", "it", &[LT, GR]),
    ("sara", "Sara Conti (operatrice)", "staff", "it,en", &[LT]),
    ("responsabile", "Responsabile del servizio", "manager", "it", &[LT, GR]),
    ("admin", "Amministratore", "admin", "it,en", &[]),
];

/// The key of a demo device: `demo-kiosk-<site>` or `demo-display-<site>`.
pub fn demo_key(kind: &str, site: &str) -> String {
    format!("demo-{kind}-{site}")
}

/// Create the demo accounts and device keys that are missing.
pub fn seed(conn: &Connection, cfg: &Config, now: Timestamp) -> anyhow::Result<()> {
    // Every demo account has the same public password: hash it once (argon2id takes ~50 ms and
    // 7 MiB a time, `auth::argon2`), on first need.
    let mut hash = None;
    for (username, name, role, langs, sites) in DEMO_STAFF {
        if db::staff(conn, username)?.is_none() {
            let hash = match &hash {
                Some(h) => String::clone(h),
                None => hash.insert(hash_password(DEMO_PASSWORD).map_err(anyhow::Error::msg)?).clone(),
            };
            let row = StaffRow {
                username: (*username).into(),
                display_name: (*name).into(),
                role: (*role).into(),
                languages: langs.split(',').map(str::to_owned).collect(),
                professions: vec![],
                password_hash: hash,
                disabled: false,
                sites: (!sites.is_empty()).then(|| sites.iter().map(|s| (*s).to_owned()).collect()),
            };
            db::insert_staff(conn, &row, now)?;
        }
    }
    for site in &cfg.sites {
        for kind in ["kiosk", "display"] {
            let id = format!("{kind}-{}-demo", site.id);
            if !db::device_exists(conn, &id)? {
                let row = DeviceRow {
                    id,
                    site: site.id.to_string(),
                    kind: kind.into(),
                    name: format!("demo {kind}"),
                    revoked: false,
                };
                db::insert_device(conn, &row, &secret_hash(&demo_key(kind, site.id.as_str())), now)?;
            }
        }
    }
    Ok(())
}

/// The banner printed at start-up in demo mode.
pub fn banner(cfg: &Config, base: &str) -> String {
    let mut s = String::new();
    s.push_str("\n==================== SPORTELLO DEMO MODE ====================\n");
    s.push_str("Demo accounts and keys are PUBLIC. Never use demo mode on a real site.\n\n");
    s.push_str(&format!("  API:            {base}/api/v1/sites\n"));
    s.push_str(&format!("  OpenAPI:        {base}/api/v1/openapi.json\n"));
    s.push_str(&format!("  Health/metrics: {base}/healthz  {base}/metrics\n\n"));
    s.push_str(&format!("  Staff logins (password '{DEMO_PASSWORD}'):\n"));
    for (u, name, role, langs, sites) in DEMO_STAFF {
        let at = if sites.is_empty() { "every site".to_owned() } else { sites.join(", ") };
        s.push_str(&format!("    {u:<13} {role:<8} speaks {langs:<9} {name:<40} at {at}\n"));
    }
    s.push_str("\n  Device keys:\n");
    for site in &cfg.sites {
        for kind in ["kiosk", "display"] {
            s.push_str(&format!("    {:<8} {:<20} {}\n", kind, site.id, demo_key(kind, site.id.as_str())));
        }
    }
    s.push_str("==============================================================\n");
    s
}
