//! Staff accounts and device keys from `access.toml` (a hub bundle's, or the local files'): the
//! list is the whole truth, applied in one `BEGIN IMMEDIATE` transaction — accounts and keys are
//! added or updated, those not in it are disabled or revoked, and every session of an account
//! whose password, role, sites or state changed ends (the auth epoch moves, so a running server's
//! streams notice at once). And the other way: the database's accounts and keys as an
//! `access.toml` (`queue-server staff export`, written by `config::access_to_toml`), hashes only.

use super::{Result, StaffRow, bump_auth_epoch, ms, sites_to};
use config::{Access, DeviceKey, StaffAccount};
use jiff::Timestamp;
use rusqlite::{Connection, OptionalExtension, Transaction, params};

/// What applying an `Access` changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Applied {
    pub staff_added: usize,
    pub staff_changed: usize,
    pub staff_disabled: usize,
    pub sessions_ended: usize,
    pub devices_added: usize,
    pub devices_changed: usize,
    pub devices_revoked: usize,
}

impl Applied {
    pub fn nothing(&self) -> bool {
        *self == Applied::default()
    }
}

impl std::fmt::Display for Applied {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "staff: {} added, {} changed, {} disabled ({} sessions ended); devices: {} added, {} changed, {} revoked",
            self.staff_added,
            self.staff_changed,
            self.staff_disabled,
            self.sessions_ended,
            self.devices_added,
            self.devices_changed,
            self.devices_revoked
        )
    }
}

/// An `access.toml` account as the staff table holds it, and back.
fn row(s: &StaffAccount) -> StaffRow {
    StaffRow {
        username: s.username.clone(),
        display_name: s.name.clone(),
        role: s.role.clone(),
        languages: s.languages.clone(),
        professions: s.professions.clone(),
        password_hash: s.password_hash.clone(),
        disabled: s.disabled,
        sites: s.sites.clone(),
    }
}

fn account(r: StaffRow) -> StaffAccount {
    StaffAccount {
        username: r.username,
        name: r.display_name,
        role: r.role,
        languages: r.languages,
        professions: r.professions,
        sites: r.sites,
        password_hash: r.password_hash,
        disabled: r.disabled,
    }
}

/// Make the database's accounts and device keys exactly `access`, in one transaction.
pub fn apply(conn: &Connection, access: &Access, now: Timestamp) -> Result<Applied> {
    let tx = Transaction::new_unchecked(conn, rusqlite::TransactionBehavior::Immediate)?;
    let mut a = Applied::default();
    let end_sessions = |tx: &Transaction, username: &str, a: &mut Applied| -> Result<()> {
        a.sessions_ended += tx.execute("DELETE FROM sessions WHERE username = ?1", [username])?;
        Ok(())
    };
    for s in &access.staff {
        let want = row(s);
        match super::staff(&tx, &s.username)? {
            None => {
                super::insert_staff(&tx, &want, now)?;
                a.staff_added += 1;
            }
            Some(b) if b == want => {}
            Some(b) => {
                tx.execute(
                    "UPDATE staff SET display_name = ?2, role = ?3, languages = ?4, professions = ?5, password_hash = ?6,
                     disabled = ?7, sites = ?8 WHERE username = ?1",
                    params![
                        want.username,
                        want.display_name,
                        want.role,
                        want.languages.join(","),
                        want.professions.join(","),
                        want.password_hash,
                        want.disabled,
                        sites_to(&want.sites)
                    ],
                )?;
                a.staff_changed += 1;
                // Who may do what changed: the sessions opened under the old terms end.
                if (&b.role, &b.password_hash, b.disabled, &b.sites)
                    != (&want.role, &want.password_hash, want.disabled, &want.sites)
                {
                    end_sessions(&tx, &s.username, &mut a)?;
                }
            }
        }
    }
    let listed: Vec<&str> = access.staff.iter().map(|s| s.username.as_str()).collect();
    let others: Vec<String> = {
        let mut st = tx.prepare("SELECT username FROM staff WHERE disabled = 0")?;
        let rows = st.query_map([], |r| r.get::<_, String>(0))?;
        rows.collect::<rusqlite::Result<Vec<_>>>()?.into_iter().filter(|u| !listed.contains(&u.as_str())).collect()
    };
    for u in &others {
        tx.execute("UPDATE staff SET disabled = 1 WHERE username = ?1", [u])?;
        end_sessions(&tx, u, &mut a)?;
        a.staff_disabled += 1;
    }
    // Devices: a key listed under another id first frees it (keys are unique).
    for d in &access.devices {
        let before: Option<(String, String, String, String, Option<i64>)> = tx
            .query_row("SELECT site, kind, name, key_hash, revoked_ms FROM devices WHERE id = ?1", [&d.id], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
            })
            .optional()?;
        a.devices_revoked += tx.execute(
            "UPDATE devices SET revoked_ms = ?3 WHERE key_hash = ?1 AND id <> ?2 AND revoked_ms IS NULL",
            params![d.key_hash, d.id, ms(now)],
        )?;
        tx.execute(
            "UPDATE devices SET key_hash = 'moved:' || id WHERE key_hash = ?1 AND id <> ?2",
            params![d.key_hash, d.id],
        )?;
        match before {
            None => {
                tx.execute(
                    "INSERT INTO devices (id, site, kind, name, key_hash, created_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                    params![d.id, d.site, d.kind, d.name, d.key_hash, ms(now)],
                )?;
                a.devices_added += 1;
            }
            Some((site, kind, name, hash, revoked))
                if (site.as_str(), kind.as_str(), name.as_str(), hash.as_str(), revoked)
                    == (d.site.as_str(), d.kind.as_str(), d.name.as_str(), d.key_hash.as_str(), None) => {}
            Some(_) => {
                tx.execute(
                    "UPDATE devices SET site = ?2, kind = ?3, name = ?4, key_hash = ?5, revoked_ms = NULL WHERE id = ?1",
                    params![d.id, d.site, d.kind, d.name, d.key_hash],
                )?;
                a.devices_changed += 1;
            }
        }
    }
    let listed: Vec<&str> = access.devices.iter().map(|d| d.id.as_str()).collect();
    let live: Vec<String> = {
        let mut st = tx.prepare("SELECT id FROM devices WHERE revoked_ms IS NULL")?;
        let rows = st.query_map([], |r| r.get::<_, String>(0))?;
        rows.collect::<rusqlite::Result<Vec<_>>>()?.into_iter().filter(|d| !listed.contains(&d.as_str())).collect()
    };
    for d in &live {
        tx.execute("UPDATE devices SET revoked_ms = ?2 WHERE id = ?1", params![d, ms(now)])?;
        a.devices_revoked += 1;
    }
    if !a.nothing() {
        bump_auth_epoch(&tx)?;
    }
    tx.commit()?;
    Ok(a)
}

/// The database's accounts (disabled ones too) and live device keys, as `access.toml` holds them.
pub fn export(conn: &Connection) -> Result<Access> {
    let staff = super::list_staff(conn)?.into_iter().map(account).collect();
    let mut st = conn.prepare(
        "SELECT id, site, kind, name, key_hash FROM devices WHERE revoked_ms IS NULL ORDER BY site, kind, id",
    )?;
    let devices = st
        .query_map([], |r| {
            Ok(DeviceKey { id: r.get(0)?, site: r.get(1)?, kind: r.get(2)?, name: r.get(3)?, key_hash: r.get(4)? })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(Access { staff, devices })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn conn() -> (tempfile::TempDir, Connection) {
        let dir = tempfile::tempdir().unwrap();
        let c = super::super::open_migrated(&dir.path().join("q.db")).unwrap();
        (dir, c)
    }

    const HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaA";

    fn account(username: &str, role: &str) -> StaffAccount {
        StaffAccount {
            username: username.into(),
            name: format!("{username} name"),
            role: role.into(),
            languages: vec!["it".into()],
            professions: vec![],
            sites: Some(vec!["livorno-terreni".into()]),
            password_hash: HASH.into(),
            disabled: false,
        }
    }

    fn device(id: &str, hash_digit: char) -> DeviceKey {
        DeviceKey {
            id: id.into(),
            site: "livorno-terreni".into(),
            kind: "kiosk".into(),
            name: "Totem".into(),
            key_hash: hash_digit.to_string().repeat(64),
        }
    }

    fn session(c: &Connection, token: &str, user: &str) {
        super::super::insert_session(c, token, user, "csrf", Timestamp::UNIX_EPOCH, Timestamp::MAX).unwrap();
    }

    fn sessions(c: &Connection, user: &str) -> i64 {
        c.query_row("SELECT count(*) FROM sessions WHERE username = ?1", [user], |r| r.get(0)).unwrap()
    }

    #[test]
    fn the_list_is_the_whole_truth_and_a_second_apply_changes_nothing() {
        let (_d, c) = conn();
        let now = Timestamp::from_second(1_800_000_000).unwrap();
        let mut access = Access {
            staff: vec![account("anna", "staff"), account("bruno", "manager")],
            devices: vec![device("totem-1", 'a')],
        };
        let a = apply(&c, &access, now).unwrap();
        assert_eq!((a.staff_added, a.devices_added), (2, 1), "{a}");
        let epoch = super::super::auth_epoch(&c).unwrap();
        assert!(apply(&c, &access, now).unwrap().nothing(), "applied twice: nothing changes");
        assert_eq!(super::super::auth_epoch(&c).unwrap(), epoch, "and the auth epoch stays");
        assert_eq!(export(&c).unwrap(), access, "export gives back what was applied");

        session(&c, "t-anna", "anna");
        session(&c, "t-bruno", "bruno");
        // Anna's name changes (her session stays); Bruno becomes staff (his ends); a new key for
        // the totem; Carla is new; the list no longer has… nobody else yet.
        access.staff[0].name = "Anna R.".into();
        access.staff[1].role = "staff".into();
        access.staff.push(account("carla", "admin"));
        access.devices[0].key_hash = "b".repeat(64);
        let a = apply(&c, &access, now).unwrap();
        assert_eq!((a.staff_added, a.staff_changed, a.sessions_ended, a.devices_changed), (1, 2, 1, 1), "{a}");
        assert_eq!((sessions(&c, "anna"), sessions(&c, "bruno")), (1, 0));
        assert!(super::super::auth_epoch(&c).unwrap() > epoch);
        assert!(super::super::device_by_key_hash(&c, &"a".repeat(64)).unwrap().is_none(), "the old key is gone");
        assert!(super::super::device_by_key_hash(&c, &"b".repeat(64)).unwrap().is_some());

        // Bruno and the totem leave the list: disabled, revoked, sessions ended.
        session(&c, "t-bruno-2", "bruno");
        access.staff.remove(1);
        access.devices.clear();
        let a = apply(&c, &access, now).unwrap();
        assert_eq!((a.staff_disabled, a.sessions_ended, a.devices_revoked), (1, 1, 1), "{a}");
        assert!(super::super::staff(&c, "bruno").unwrap().unwrap().disabled);
        assert!(super::super::device_by_key_hash(&c, &"b".repeat(64)).unwrap().is_none());
        assert!(apply(&c, &access, now).unwrap().nothing());
    }

    #[test]
    fn a_key_moved_to_another_device_id_is_freed_first() {
        let (_d, c) = conn();
        let now = Timestamp::from_second(1_800_000_000).unwrap();
        apply(&c, &Access { staff: vec![], devices: vec![device("old", 'c')] }, now).unwrap();
        let a = apply(&c, &Access { staff: vec![], devices: vec![device("new", 'c')] }, now).unwrap();
        assert_eq!((a.devices_added, a.devices_revoked), (1, 1), "{a}");
        assert_eq!(super::super::device_by_key_hash(&c, &"c".repeat(64)).unwrap().unwrap().id, "new");
    }

    #[test]
    fn the_exported_text_reads_back_through_config() {
        let (_d, c) = conn();
        let now = Timestamp::from_second(1_800_000_000).unwrap();
        let mut a = account("dora", "staff");
        a.name = "Dora \"la\" Bianchi".into();
        a.sites = None;
        a.disabled = true;
        let access = Access { staff: vec![a], devices: vec![device("totem-2", 'd')] };
        apply(&c, &access, now).unwrap();
        let text = config::access_to_toml(&export(&c).unwrap());
        let demo = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../config/demo");
        let mut sources = config::read_sources(&demo).unwrap();
        sources.insert(1, (config::ACCESS_FILE.into(), text.clone()));
        let cfg = config::load_sources(&sources).unwrap_or_else(|e| panic!("{e}\n{text}"));
        assert_eq!(cfg.access, Some(access));
    }
}
