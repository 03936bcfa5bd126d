//! The origin-keyed, versioned envelope events travel in from a site to the regional hub.
//!
//! A site's event log numbers its events per origin (`seq`, 1, 2, 3 … with no gap); the relay
//! sends them in [`Batch`]es and the hub answers an [`IngestReply`] with its watermark (every
//! event up to it is stored there). Only public-safe data leaves a site: [`public_safe`] is the
//! one place that decides what of an event goes up (tickets carry no token, ever; the free text of
//! an alert stays at the site).

use crate::event::{Event, EventKind};
use serde::{Deserialize, Serialize};

/// The envelope format this code writes. A hub keeps what it got with its version, so stored
/// events survive refactors of the domain types.
pub const ENVELOPE_VERSION: u32 = 1;

/// One event of one origin.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Envelope {
    /// [`ENVELOPE_VERSION`] when it was written.
    pub v: u32,
    /// The origin's own sequence number: 1, 2, 3 … with no gap.
    pub seq: u64,
    /// The event, after [`public_safe`].
    pub event: Event,
}

/// What a site says about itself with every push (the hub's fleet page).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SiteReport {
    /// The site server's software version.
    pub software: String,
    /// The last sequence number the site has given out (the hub's backlog is this minus its
    /// watermark).
    pub last: u64,
    /// When the oldest event not yet acknowledged happened before this push (ms since the epoch).
    pub oldest_unacked_ms: Option<i64>,
    /// The site's kiosks and displays as its server last heard from them (absent from older sites).
    #[serde(default)]
    pub devices: Vec<DeviceHealth>,
    /// The configuration the site server runs, has deployed, or refused (absent from older sites).
    #[serde(default)]
    pub config: Option<ConfigReport>,
    /// Every service the site server configures, with what the hub needs to count as the site
    /// does: its kind (an integrated journey is social and employment) and its target wait (for a
    /// ticket from before targets were stored with tickets). Absent from older sites.
    #[serde(default)]
    pub services: Vec<ServiceInfo>,
}

/// A configured service as the hub sees it (no free text: ids, a kind code, seconds).
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ServiceInfo {
    pub site: String,
    pub service: String,
    /// `social`, `employment`, `health`, `legal`, `mediation`, `basic_needs`, `other`.
    pub kind: String,
    pub target_wait_s: u32,
}

/// One device of a site as the fleet shows it: codes and times only (no free text, no person).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceHealth {
    pub id: String,
    pub site: String,
    /// `kiosk` or `display`.
    pub kind: String,
    /// The device's configured name ("Totem ingresso").
    pub name: String,
    /// As the device last reported (`ok`, `chime_only`, `failing`, `missing`, `off`).
    pub sound: Option<String>,
    /// As the device last reported (`ok`, `paper_low`, `failing`, `none`).
    pub printer: Option<String>,
    /// The device program's version, as it reported it.
    pub version: Option<String>,
    /// When it last reported (ms since the epoch); None: not since the site server started.
    pub last_seen_ms: Option<i64>,
    /// What is wrong (`silent`, `never_reported`, `printer_failing`, …); None: all well.
    pub problem: Option<String>,
}

/// A configuration by its version (a bundle's, at the hub) and digest.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConfigId {
    /// The bundle's version; None: the site's own local files.
    pub version: Option<u64>,
    /// sha256 (hex) of the configuration's files, [`bundle_digest`].
    pub sha256: String,
}

/// Where a site stands with its configuration.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConfigReport {
    /// What the server runs now.
    pub running: ConfigId,
    /// A newer bundle written next to the configuration, applied at the next start.
    pub pending_restart: Option<ConfigId>,
    /// The last bundle the site refused, and why (its old configuration stays).
    pub refused: Option<RefusedBundle>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefusedBundle {
    pub version: u64,
    pub reason: String,
}

/// The bundle format this code reads and writes.
pub const BUNDLE_FORMAT: u32 = 1;

/// One file of a configuration bundle: `sportello.toml` or `sites/<name>.toml`, and its text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BundleFile {
    pub path: String,
    pub text: String,
}

/// A site configuration as the hub publishes it (`GET /hub/v1/config`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Bundle {
    pub origin: String,
    /// 1, 2, 3 … per origin.
    pub version: u64,
    /// [`BUNDLE_FORMAT`] when it was published.
    pub format: u32,
    /// [`bundle_digest`] of `files`.
    pub sha256: String,
    pub published_ms: i64,
    /// Sorted by path.
    pub files: Vec<BundleFile>,
}

/// The digest of a configuration's files, the same at the hub and at a site: sha256 over each
/// file (sorted by path) as `path NUL length NUL text`, in lowercase hex.
pub fn bundle_digest<'a>(files: impl IntoIterator<Item = (&'a str, &'a str)>) -> String {
    let mut files: Vec<_> = files.into_iter().collect();
    files.sort();
    let mut bytes = Vec::new();
    for (path, text) in files {
        bytes.extend_from_slice(path.as_bytes());
        bytes.push(0);
        bytes.extend_from_slice(text.len().to_string().as_bytes());
        bytes.push(0);
        bytes.extend_from_slice(text.as_bytes());
    }
    use sha2::Digest as _;
    sha2::Sha256::digest(&bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// Whether `path` is a file a bundle may carry: `sportello.toml`, `access.toml` (staff accounts
/// and device keys' hashes) or `sites/<slug-ish>.toml`.
pub fn bundle_path_ok(path: &str) -> bool {
    if path == "sportello.toml" || path == "access.toml" {
        return true;
    }
    path.strip_prefix("sites/").and_then(|n| n.strip_suffix(".toml")).is_some_and(|n| {
        !n.is_empty()
            && n.len() <= 100
            && !n.starts_with('.')
            && n.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.')
    })
}

/// A push: consecutive events of one origin, oldest first (possibly none: a heartbeat).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Batch {
    pub origin: String,
    pub report: SiteReport,
    pub events: Vec<Envelope>,
    /// Runs of sequence numbers (inclusive, oldest first) the site's retention deleted before the
    /// hub acknowledged them (it ran stand-alone before it was enrolled): they will never come,
    /// and the hub moves past them, counting them as forgotten. Only runs inside the push's span.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub forgotten: Vec<[u64; 2]>,
}

/// Events missing at the hub: the batch went on at `got` while `expected` was next.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Gap {
    pub expected: u64,
    pub got: u64,
}

/// The hub's answer to a push.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IngestReply {
    pub origin: String,
    /// Every event of the origin up to this sequence number is stored at the hub.
    pub watermark: u64,
    /// Events of this batch stored now.
    pub applied: u64,
    /// Events of this batch the hub already had (a replay): harmless, not stored twice.
    pub duplicates: u64,
    /// Set when the batch skipped sequence numbers: nothing past the gap was applied.
    pub gap: Option<Gap>,
}

/// The part of an event that may leave the site. Tickets carry no token in any event (tokens are
/// never in the domain); the free text of an alert (what a visitor or a staff member typed) is
/// dropped, its kind and source stay.
pub fn public_safe(mut e: Event) -> Event {
    if let EventKind::AlertRaised { alert } = &mut e.kind {
        alert.message.clear();
    }
    e
}

/// Where `seqs` (ascending) stop following on from `watermark`: the sequence numbers that may be
/// applied are those up to the returned watermark; a number past a hole is the gap.
/// [`contiguous`] where `forgotten` runs (inclusive) count as present: the watermark reached, the
/// gap if one stays, and how many forgotten numbers it moved past.
pub fn contiguous_with(watermark: u64, seqs: &[u64], forgotten: &[[u64; 2]]) -> (u64, Option<Gap>, u64) {
    let mut runs: Vec<[u64; 2]> = forgotten.iter().copied().filter(|[a, b]| a <= b).collect();
    runs.sort_unstable();
    let mut seqs: Vec<u64> = seqs.to_vec();
    seqs.sort_unstable();
    let (mut w, mut skipped) = (watermark, 0u64);
    let (mut i, mut r) = (0, 0);
    loop {
        while i < seqs.len() && seqs[i] <= w {
            i += 1;
        }
        while r < runs.len() && runs[r][1] <= w {
            r += 1;
        }
        if i < seqs.len() && seqs[i] == w + 1 {
            w += 1;
        } else if r < runs.len() && runs[r][0] <= w + 1 {
            skipped += runs[r][1] - w;
            w = runs[r][1];
        } else {
            let gap = (i < seqs.len()).then(|| Gap { expected: w + 1, got: seqs[i] });
            return (w, gap, skipped);
        }
    }
}

pub fn contiguous(watermark: u64, seqs: impl IntoIterator<Item = u64>) -> (u64, Option<Gap>) {
    let mut w = watermark;
    for s in seqs {
        if s <= w {
            continue;
        }
        if s == w + 1 {
            w = s;
        } else {
            return (w, Some(Gap { expected: w + 1, got: s }));
        }
    }
    (w, None)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::Alert;
    use jiff::Timestamp;

    #[test]
    fn contiguous_stops_at_the_first_hole_and_skips_duplicates() {
        assert_eq!(contiguous(0, [1, 2, 3]), (3, None));
        assert_eq!(contiguous(5, [3, 4, 5]), (5, None), "a replay moves nothing");
        assert_eq!(contiguous(2, [1, 2, 3, 4, 6, 7]), (4, Some(Gap { expected: 5, got: 6 })));
        assert_eq!(contiguous(0, [2]), (0, Some(Gap { expected: 1, got: 2 })));
        assert_eq!(contiguous(7, []), (7, None));
    }

    #[test]
    fn forgotten_runs_are_moved_past_and_counted() {
        // A site that purged 1..=4 and 6 before it was enrolled, and sends 5, 7, 8.
        assert_eq!(contiguous_with(0, &[5, 7, 8], &[[1, 4], [6, 6]]), (8, None, 5));
        // Replays and runs below the watermark move nothing and count nothing.
        assert_eq!(contiguous_with(8, &[5, 7, 8], &[[1, 4], [6, 6]]), (8, None, 0));
        // A hole that is not declared is still a gap, after the forgotten run.
        assert_eq!(contiguous_with(0, &[5, 9], &[[1, 4]]), (5, Some(Gap { expected: 6, got: 9 }), 4));
        // A run overlapping the watermark counts only what is above it.
        assert_eq!(contiguous_with(3, &[8], &[[2, 7]]), (8, None, 4));
        // No events, only a run (a heartbeat after the last events were purged).
        assert_eq!(contiguous_with(0, &[], &[[1, 3]]), (3, None, 3));
        assert_eq!(contiguous_with(0, &[1, 2, 3], &[]), (3, None, 0));
    }

    #[test]
    fn a_bundles_digest_depends_on_its_files_not_their_order() {
        let d = bundle_digest([("sportello.toml", "a = 1"), ("sites/x.toml", "b")]);
        assert_eq!(d, bundle_digest([("sites/x.toml", "b"), ("sportello.toml", "a = 1")]));
        assert_eq!(d.len(), 64);
        assert_ne!(d, bundle_digest([("sportello.toml", "a = 1"), ("sites/x.toml", "c")]));
        // The length is part of it: moving text from one file to the next changes the digest.
        assert_ne!(
            bundle_digest([("sites/a.toml", "xy"), ("sites/b.toml", "")]),
            bundle_digest([("sites/a.toml", "x"), ("sites/b.toml", "y")])
        );
        assert_eq!(bundle_digest([]), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    }

    #[test]
    fn a_bundle_carries_only_configuration_files() {
        for ok in ["sportello.toml", "access.toml", "sites/livorno-terreni.toml", "sites/a_b.1.toml"] {
            assert!(bundle_path_ok(ok), "{ok}");
        }
        for bad in
            ["../sportello.toml", "sites/../x.toml", "sites/.toml", "sites/x.txt", "secret.key", "sites/a/b.toml"]
        {
            assert!(!bundle_path_ok(bad), "{bad}");
        }
    }

    #[test]
    fn an_alerts_free_text_stays_at_the_site() {
        let e = Event {
            at: Timestamp::UNIX_EPOCH,
            site: "s".into(),
            actor: None,
            kind: EventKind::AlertRaised {
                alert: Alert {
                    id: "a1".into(),
                    kind: "help_requested".into(),
                    source: "kiosk-1".into(),
                    message: "Mario Rossi needs help".into(),
                    ticket_number: Some("A001".into()),
                },
            },
        };
        let safe = public_safe(e);
        let json = serde_json::to_string(&safe).unwrap();
        assert!(!json.contains("Mario"), "{json}");
        assert!(json.contains("help_requested"), "{json}");
    }
}
