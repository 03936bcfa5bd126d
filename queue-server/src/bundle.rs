//! Configuration bundles from the regional hub, on disk in the data directory (the packaged
//! server's `/etc/sportello` is read-only to it, `ProtectSystem=strict`): `<data>/bundles/v<N>/`
//! (the bundle's files and `bundle.json`), and the symlink `<data>/bundles/current → v<N>` that a
//! start-up follows. A bundle is checked (format, digest,
//! file names, the same `config` validation as `check-config`) before anything is written; it is
//! written to a temporary directory, fsynced and renamed, then `current` is swapped by renaming a
//! new symlink over it (atomic); the previous version's directory is kept, older ones removed.
//!
//! The local `sportello.toml` keeps the `[hub]` section (where the hub is and this server's key):
//! a bundle never carries one, and a configuration loaded from a bundle takes `[hub]` from the
//! local files. A server without `[hub]` never looks at bundles.

use config::{Config, ConfigErrors};
use queue_core::envelope::{BUNDLE_FORMAT, Bundle, RefusedBundle, bundle_path_ok};
use std::io::Write;
use std::path::{Path, PathBuf};

const DIR: &str = "bundles";
const CURRENT: &str = "current";
const META: &str = "bundle.json";

/// The bundle's files as `config::load_sources` takes them, after the checks a bundle must pass
/// before validation (format, names, digest, no `[hub]`).
fn sources(b: &Bundle) -> Result<Vec<(PathBuf, String)>, String> {
    if b.format == 0 || b.format > BUNDLE_FORMAT {
        return Err(format!(
            "bundle format {} (this server reads 1 to {BUNDLE_FORMAT}): upgrade the site server first",
            b.format
        ));
    }
    if let Some(f) = b.files.iter().find(|f| !bundle_path_ok(&f.path)) {
        return Err(format!(
            "the bundle carries a file named {:?} (only sportello.toml, access.toml and sites/*.toml)",
            f.path
        ));
    }
    let digest = queue_core::envelope::bundle_digest(b.files.iter().map(|f| (f.path.as_str(), f.text.as_str())));
    if digest != b.sha256 {
        return Err(format!("the bundle's files do not match its sha256 ({} announced, {digest} read)", b.sha256));
    }
    let mut files: Vec<_> = b.files.iter().map(|f| (PathBuf::from(&f.path), f.text.clone())).collect();
    // sportello.toml first, then the sites sorted, as `config::read_sources` gives them.
    files.sort_by(|a, b| (a.0 != Path::new("sportello.toml"), &a.0).cmp(&(b.0 != Path::new("sportello.toml"), &b.0)));
    Ok(files)
}

fn errors_text(e: &ConfigErrors) -> String {
    let mut s = e.to_string().replace('\n', "; ");
    if s.chars().count() > 1000 {
        s = s.chars().take(1000).collect::<String>() + "…";
    }
    s
}

/// Validate a bundle as this site would run it (with the local `[hub]`): the configuration, or
/// why it is refused.
pub fn check(b: &Bundle, local: &Config) -> Result<Config, String> {
    let files = sources(b)?;
    let mut cfg =
        config::load_sources(&files).map_err(|e| format!("the configuration check failed: {}", errors_text(&e)))?;
    if cfg.hub.is_some() {
        return Err("the bundle has a [hub] section: a site keeps its hub key in its local sportello.toml".into());
    }
    cfg.hub = local.hub.clone();
    cfg.dir = local.dir.clone();
    cfg.bundle = Some(b.version);
    Ok(cfg)
}

fn sync_dir(dir: &Path) -> std::io::Result<()> {
    std::fs::File::open(dir)?.sync_all()
}

fn write_synced(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut f = std::fs::File::create(path)?;
    f.write_all(bytes)?;
    f.sync_all()
}

/// The bundle `current` points at, if any.
pub fn deployed(data_dir: &Path) -> Option<Bundle> {
    let dir = data_dir.join(DIR).join(CURRENT);
    let meta = std::fs::read_to_string(dir.join(META)).ok()?;
    serde_json::from_str(&meta).ok()
}

/// Write a checked bundle into the data directory and make it the one the next start loads.
pub fn deploy(data_dir: &Path, b: &Bundle) -> std::io::Result<()> {
    let root = data_dir.join(DIR);
    std::fs::create_dir_all(&root)?;
    let name = format!("v{}", b.version);
    if std::fs::read_link(root.join(CURRENT)).is_ok_and(|l| l == Path::new(&name)) {
        // Never rewrite the directory `current` points at: the same version is the same files.
        return match deployed(data_dir) {
            Some(d) if d.sha256 == b.sha256 => Ok(()),
            _ => Err(std::io::Error::other(format!("version {} is deployed with other files", b.version))),
        };
    }
    let tmp = root.join(format!(".tmp-{name}"));
    if tmp.exists() {
        std::fs::remove_dir_all(&tmp)?;
    }
    std::fs::create_dir_all(tmp.join("sites"))?;
    for f in &b.files {
        write_synced(&tmp.join(&f.path), f.text.as_bytes())?;
    }
    write_synced(&tmp.join(META), &serde_json::to_vec_pretty(b).map_err(std::io::Error::other)?)?;
    sync_dir(&tmp.join("sites"))?;
    sync_dir(&tmp)?;
    let target = root.join(&name);
    if target.exists() {
        std::fs::remove_dir_all(&target)?;
    }
    std::fs::rename(&tmp, &target)?;
    let previous = std::fs::read_link(root.join(CURRENT)).ok();
    let link_tmp = root.join(".current.tmp");
    let _ = std::fs::remove_file(&link_tmp);
    std::os::unix::fs::symlink(&name, &link_tmp)?;
    std::fs::rename(&link_tmp, root.join(CURRENT))?;
    sync_dir(&root)?;
    // Keep the new one and the one before it.
    for e in std::fs::read_dir(&root)?.flatten() {
        let n = e.file_name();
        let keep = n == *name || n == CURRENT || previous.as_deref().is_some_and(|p| p.as_os_str() == n);
        if !keep && n.to_string_lossy().starts_with('v') {
            let _ = std::fs::remove_dir_all(e.path());
        }
    }
    Ok(())
}

/// The configuration to start with: the local files, or, when they name a hub and a bundle is
/// deployed, that bundle (with the local `[hub]`). A deployed bundle that no longer loads (a
/// downgraded server, a damaged disk) leaves the local files in charge, and says why.
pub fn load(config_dir: &Path, data_dir: &Path) -> Result<(Config, Option<RefusedBundle>), ConfigErrors> {
    let local = config::load(config_dir)?;
    if local.hub.is_none() {
        return Ok((local, None));
    }
    let Some(b) = deployed(data_dir) else { return Ok((local, None)) };
    let mut read = b.clone();
    read.files.clear();
    let dir = data_dir.join(DIR).join(CURRENT);
    for f in &b.files {
        match std::fs::read_to_string(dir.join(&f.path)) {
            Ok(text) => read.files.push(queue_core::envelope::BundleFile { path: f.path.clone(), text }),
            Err(e) => {
                let reason = format!("the deployed bundle's {} cannot be read: {e}", f.path);
                tracing::error!(version = b.version, %reason, "running on the local configuration");
                return Ok((local, Some(RefusedBundle { version: b.version, reason })));
            }
        }
    }
    match check(&read, &local) {
        Ok(cfg) => Ok((cfg, None)),
        Err(reason) => {
            tracing::error!(version = b.version, %reason, "the deployed bundle does not load: running on the local configuration");
            Ok((local, Some(RefusedBundle { version: b.version, reason })))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use queue_core::envelope::BundleFile;

    const HUB: &str =
        "\n[hub]\nurl = \"http://127.0.0.1:9\"\norigin = \"grosseto\"\nkey = \"sph_0123456789abcdef0123\"\n";

    /// The demo configuration's files as bundle version `version`, the site's name ending in `tag`.
    fn bundle(version: u64, tag: &str) -> Bundle {
        let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../config/demo");
        let files: Vec<BundleFile> = config::read_sources(&demo)
            .unwrap()
            .into_iter()
            .map(|(p, t)| BundleFile {
                path: p.to_string_lossy().into_owned(),
                text: t.replacen("Stazione di Grosseto\"", &format!("Stazione di Grosseto{tag}\""), 1),
            })
            .collect();
        seal(Bundle {
            origin: "grosseto".into(),
            version,
            format: BUNDLE_FORMAT,
            sha256: String::new(),
            published_ms: 0,
            files,
        })
    }

    fn seal(mut b: Bundle) -> Bundle {
        b.sha256 = queue_core::envelope::bundle_digest(b.files.iter().map(|f| (f.path.as_str(), f.text.as_str())));
        b
    }

    /// A local configuration directory with `[hub]`: the demo's files.
    fn local() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("sites")).unwrap();
        for f in bundle(0, "").files {
            let text = if f.path == "sportello.toml" { f.text + HUB } else { f.text };
            std::fs::write(dir.path().join(&f.path), text).unwrap();
        }
        dir
    }

    fn name(cfg: &Config) -> &str {
        &cfg.sites.iter().find(|s| s.id.as_str() == "grosseto-stazione").unwrap().name
    }

    #[test]
    fn a_bundle_is_checked_before_anything_is_written() {
        let dir = local();
        let here = config::load(dir.path()).unwrap();
        let cfg = check(&bundle(1, " (v1)"), &here).unwrap();
        assert_eq!((cfg.bundle, cfg.hub.as_ref().map(|h| h.origin.as_str())), (Some(1), Some("grosseto")));
        let reason = |b: Bundle| check(&b, &here).unwrap_err();

        let mut b = bundle(2, "");
        b.format = 2;
        assert!(reason(b).contains("bundle format 2"));
        let mut b = bundle(2, "");
        b.files[0].text.push_str("\n# edited");
        assert!(reason(b).contains("do not match its sha256"));
        let mut b = bundle(2, "");
        b.files.push(BundleFile { path: "sites/../../etc/passwd.toml".into(), text: String::new() });
        assert!(reason(seal(b)).contains("carries a file named"));
        let mut b = bundle(2, "");
        b.files.iter_mut().find(|f| f.path == "sportello.toml").unwrap().text.push_str(HUB);
        assert!(reason(seal(b)).contains("[hub] section"));
        let mut b = bundle(2, "");
        b.files[1].text = b.files[1].text.replacen("time_zone = \"Europe/Rome\"", "time_zone = \"Mars/Olympus\"", 1);
        let r = reason(seal(b));
        assert!(r.starts_with("the configuration check failed: sites/") && r.contains("time_zone"), "{r}");
    }

    #[test]
    fn deployed_bundles_switch_at_start_up_and_keep_the_previous_one() {
        let (dir, data) = (local(), tempfile::tempdir().unwrap());
        let (cfg, refused) = load(dir.path(), data.path()).unwrap();
        assert_eq!((cfg.bundle, name(&cfg), refused), (None, "Punto di accesso Stazione di Grosseto", None));
        for v in 1..=3 {
            deploy(data.path(), &bundle(v, &format!(" (v{v})"))).unwrap();
        }
        let root = data.path().join(DIR);
        assert_eq!(std::fs::read_link(root.join(CURRENT)).unwrap(), Path::new("v3"));
        deploy(data.path(), &bundle(3, " (v3)")).expect("the same bundle again changes nothing");
        assert!(deploy(data.path(), &bundle(3, " (other)")).is_err(), "the deployed version is never rewritten");
        assert!(root.join("v2/sites").is_dir() && !root.join("v1").exists(), "the previous one is kept, no older");
        let (cfg, refused) = load(dir.path(), data.path()).unwrap();
        assert_eq!((cfg.bundle, name(&cfg), refused), (Some(3), "Punto di accesso Stazione di Grosseto (v3)", None));
        assert_eq!(cfg.dir, dir.path(), "the local directory stays the configuration's home");

        // A damaged deployed bundle: the local files run, and the reason is kept for the fleet.
        let site = root.join("v3/sites/grosseto-stazione.toml");
        std::fs::write(&site, std::fs::read_to_string(&site).unwrap() + "\n# edited by hand").unwrap();
        let (cfg, refused) = load(dir.path(), data.path()).unwrap();
        assert_eq!((cfg.bundle, name(&cfg)), (None, "Punto di accesso Stazione di Grosseto"));
        let refused = refused.unwrap();
        assert!(refused.version == 3 && refused.reason.contains("sha256"), "{refused:?}");

        // Without [hub] the server never looks at bundles.
        let sportello = dir.path().join("sportello.toml");
        let text = std::fs::read_to_string(&sportello).unwrap().replace(HUB, "");
        std::fs::write(&sportello, text).unwrap();
        deploy(data.path(), &bundle(4, " (v4)")).unwrap();
        let (cfg, refused) = load(dir.path(), data.path()).unwrap();
        assert_eq!((cfg.bundle, cfg.hub.is_none(), refused), (None, true, None));
    }
}
